// SPDX-License-Identifier: Apache-2.0
// Copyright The rigging Authors
// Graph algorithms for validation: strongly connected components and a shortest cycle through a node.
// Iterative throughout: graphs of 100,000 services must not overflow the stack.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <memory>
#include <span>
#include <utility>
#include <vector>

namespace rigging::detail {

/// A directed graph in compressed sparse rows: the successors of node n are edges[begin[n] .. begin[n+1]).
struct Csr {
  std::vector<std::uint32_t> begin{0};
  std::vector<std::uint32_t> edges;
  [[nodiscard]] std::uint32_t size() const noexcept { return static_cast<std::uint32_t>(begin.size() - 1); }
  [[nodiscard]] const std::uint32_t* first(std::uint32_t n) const noexcept { return edges.data() + begin[n]; }
  [[nodiscard]] const std::uint32_t* last(std::uint32_t n) const noexcept {
    return edges.data() + begin[n + 1];
  }
};

inline constexpr std::uint32_t no_node = std::numeric_limits<std::uint32_t>::max();

/// Tarjan's algorithm. Returns the component of every node; components are numbered in reverse topological
/// order (a node's dependencies are in components with smaller or equal numbers). A repeated edge is
/// harmless.
template <class Graph>
std::vector<std::uint32_t> stronglyConnectedComponents(const Graph& g, std::uint32_t& componentCount) {
  const std::uint32_t n = g.size();
  std::vector<std::uint32_t> index(n, no_node), low(n, 0), component(n, no_node);
  std::vector<std::uint32_t> stack;
  std::vector<std::pair<std::uint32_t, const std::uint32_t*>> frames;  // node, next edge
  std::uint32_t counter = 0;
  componentCount = 0;
  for (std::uint32_t root = 0; root < n; ++root) {
    if (index[root] != no_node) continue;
    frames.emplace_back(root, g.first(root));
    index[root] = low[root] = counter++;
    stack.push_back(root);
    while (!frames.empty()) {
      auto& [v, next] = frames.back();
      if (next != g.last(v)) {
        const std::uint32_t w = *next++;
        if (index[w] == no_node) {
          index[w] = low[w] = counter++;
          stack.push_back(w);
          frames.emplace_back(w, g.first(w));
        } else if (component[w] == no_node) {
          low[v] = std::min(low[v], index[w]);
        }
        continue;
      }
      const std::uint32_t done = v;
      frames.pop_back();
      if (!frames.empty()) {
        const std::uint32_t parent = frames.back().first;
        low[parent] = std::min(low[parent], low[done]);
      }
      if (low[done] == index[done]) {
        std::uint32_t w = 0;
        do {
          w = stack.back();
          stack.pop_back();
          component[w] = componentCount;
        } while (w != done);
        ++componentCount;
      }
    }
  }
  return component;
}

/// Working memory of acyclicFrom for graphs of up to `nodes` nodes, left uninitialised: the search writes
/// each word before it reads it, and clears only one byte per node. Taken apart from the search so that a
/// caller checking large graphs can allocate it early.
class DfsScratch {
 public:
  void reserve(std::size_t nodes) {
    if (nodes <= nodes_) return;
    words_.reset(new std::uint32_t[2 * nodes + (nodes + 3) / 4]);  // default-initialised: not zeroed
    nodes_ = nodes;
  }
  void release() noexcept {
    words_.reset();
    nodes_ = 0;
  }
  [[nodiscard]] std::uint32_t* words() const noexcept { return words_.get(); }

 private:
  std::unique_ptr<std::uint32_t[]> words_;
  std::size_t nodes_ = 0;
};

/// Whether no cycle (or self-loop) is reachable from `roots`: an iterative depth-first search from each,
/// which meets every edge it reaches once.
///
/// Every cycle has an edge to a node numbered no lower than its source (its highest node is entered that
/// way), so the targets of such "upward" edges are roots enough to find every cycle; acyclic() below finds
/// them, the engine notes them as it resolves deps. Registration order is mostly dependency order, so there
/// are few and the search covers a small part of the graph, often none of it.
template <class Graph>
bool acyclicFrom(const Graph& g, std::span<const std::uint32_t> roots, DfsScratch& scratch) {
  if (roots.empty()) return true;
  const std::uint32_t n = g.size();
  scratch.reserve(n);
  std::uint32_t* const cursor = scratch.words();  // how many of a node's edges were followed, once entered
  std::uint32_t* const path = cursor + n;
  auto* const state = reinterpret_cast<unsigned char*>(path + n);  // 0 unseen, 1 on the current path, 2 done
  std::fill(state, state + n, static_cast<unsigned char>(0));
  for (const std::uint32_t root : roots) {
    if (state[root] != 0) continue;
    std::uint32_t depth = 0;
    path[depth++] = root;
    state[root] = 1;
    cursor[root] = 0;
    while (depth != 0) {
      const std::uint32_t v = path[depth - 1];
      const std::uint32_t* const first = g.first(v);
      const std::uint32_t* const last = g.last(v);
      const std::uint32_t* e = first + cursor[v];
      while (e != last && state[*e] == 2) ++e;
      if (e == last) {
        state[v] = 2;
        --depth;
        continue;
      }
      const std::uint32_t w = *e;
      if (state[w] == 1) return false;  // an edge back into the path: a cycle
      cursor[v] = static_cast<std::uint32_t>(e + 1 - first);
      state[w] = 1;
      cursor[w] = 0;
      path[depth++] = w;
    }
  }
  return true;
}

/// Whether the graph has no cycle (and no self-loop); see acyclicFrom.
template <class Graph>
bool acyclic(const Graph& g, DfsScratch& scratch) {
  std::vector<std::uint32_t> roots;
  for (std::uint32_t v = 0; v < g.size(); ++v) {
    for (const std::uint32_t* e = g.first(v); e != g.last(v); ++e) {
      if (*e >= v) roots.push_back(*e);
    }
  }
  return acyclicFrom(g, roots, scratch);
}

/// Rotates a closed path (its first node repeated last) to begin, and end, with its smallest node: nodes are
/// numbered in the order they were added, so a reported cycle starts from its earliest-added member.
inline void startAtSmallest(std::vector<std::uint32_t>& path) {
  if (path.size() < 2) return;
  path.pop_back();
  std::rotate(path.begin(), std::min_element(path.begin(), path.end()), path.end());
  path.push_back(path.front());
}

/// The shortest cycle from `start` back to itself that stays inside start's component; the path begins and
/// ends with `start`. Empty if there is none.
template <class Graph>
std::vector<std::uint32_t> shortestCycleThrough(const Graph& g, std::uint32_t start,
                                                const std::vector<std::uint32_t>& component) {
  std::vector<std::uint32_t> parent(g.size(), no_node);
  std::vector<std::uint32_t> queue{start};
  for (std::size_t head = 0; head < queue.size(); ++head) {
    const std::uint32_t v = queue[head];
    for (const std::uint32_t* e = g.first(v); e != g.last(v); ++e) {
      const std::uint32_t w = *e;
      if (component[w] != component[start]) continue;
      if (w == start) {
        std::vector<std::uint32_t> path{start};
        for (std::uint32_t at = v; at != start; at = parent[at]) path.push_back(at);
        path.push_back(start);
        std::reverse(path.begin() + 1, path.end() - 1);
        return path;
      }
      if (parent[w] == no_node) {
        parent[w] = v;
        queue.push_back(w);
      }
    }
  }
  return {};
}

}  // namespace rigging::detail
