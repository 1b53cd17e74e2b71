// SPDX-License-Identifier: Apache-2.0
// Copyright The rigging Authors
// The objects of a generated benchmark graph and the table that describes it (bench/generate.py writes the
// tables). The objects do trivial work, so what the benchmarks measure is the cost of wiring them.
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <memory>
#include <vector>

namespace bench {

struct Object {
  Object() = default;
  Object(const Object&) = default;
  Object& operator=(const Object&) = delete;
  virtual ~Object() = default;
};

/// Every service of the graph, behind one interface as a service ref names it.
struct Svc : Object {
  [[nodiscard]] virtual std::uint64_t value() const = 0;
};

using Deps = std::initializer_list<Svc*>;

/// A service: keeps the references it was given.
class Node final : public Svc {
 public:
  Node(std::uint32_t id, Deps deps) : id_(id), count_(static_cast<std::uint32_t>(deps.size())) {
    std::copy(deps.begin(), deps.end(), deps_.begin());
  }
  [[nodiscard]] std::uint64_t value() const override { return id_ + count_; }

 private:
  std::uint32_t id_;
  std::uint32_t count_;
  std::array<Svc*, 4> deps_{};
};

/// A root context: shared by every plugin's instance of one service.
struct Ctx final : Object {
  explicit Ctx(Svc& rootService) : root(rootService) {}
  Svc& root;
};

/// A plugin's extension point, used by the plugin's module.
struct Ext {
  std::uint64_t total = 0;
};

/// Where inits leave their work, so that nothing is optimised away. With `targets` set, plugin inits also
/// append every service they receive to it, in init order (the call benchmark calls them after start).
struct Sink {
  std::uint64_t total = 0;
  std::vector<Svc*>* targets = nullptr;
};

using Owned = std::vector<std::unique_ptr<Object>>;

template <class T>
T* own(Owned& owned, std::unique_ptr<T> object) {
  T* raw = object.get();
  owned.push_back(std::move(object));
  return raw;
}

/// The hand-written form's objects: what a program keeps in members or locals, here in arrays by service
/// index so that the generated wiring can be split into functions.
struct Wiring {
  Wiring(std::size_t services, std::size_t objects, std::size_t plugins)
      : s(services), m(services), c(services) {
    owned.reserve(objects);
    extensions.reserve(plugins);
  }
  /// Destroys the objects in reverse creation order, like the backend.
  void destroy() {
    while (!owned.empty()) owned.pop_back();
    extensions.clear();
  }
  Owned owned;
  std::vector<std::shared_ptr<Ext>> extensions;
  std::vector<Svc*> s;
  std::vector<std::array<Svc*, 2>> m;
  std::vector<Ctx*> c;
};

inline void moduleInit(Ext& ext, Svc& service) { ext.total += service.value(); }

/// Out of line and cold: only the call benchmark records.
[[gnu::noinline, gnu::cold]] inline void recordTargets(std::vector<Svc*>& targets, Deps deps) {
  targets.insert(targets.end(), deps.begin(), deps.end());
}

/// Always inline, as g++ inlined it before it recorded targets: a larger pluginInit made g++ 12 -O3 inline
/// less of the generated wiring of graph1000.cpp (make_unique<Node> among others), +1,800 to +7,900
/// instructions per hand-written life at N = 1,000 for nothing the hand-written form does.
[[gnu::always_inline]] inline void pluginInit(Sink& sink, Deps deps) {
  for (auto* d : deps) sink.total += d->value();
  if (sink.targets != nullptr) recordTargets(*sink.targets, deps);
}

enum class Kind : std::uint8_t { node, multiton, context, multi_user };

/// One service ref. `deps` are earlier rows, root-scoped ones first; a context's one dep is its root
/// context's, a multi_user's one dep is the multiton it consumes.
struct ServiceRow {
  bool root;
  Kind kind;
  std::uint8_t depCount;
  std::uint32_t deps[4];
};

/// One plugin: its init's deps (root-scoped first), and the one service its module uses with its extension
/// point.
struct PluginRow {
  std::uint8_t depCount;
  std::uint32_t deps[4];
  std::uint32_t moduleDep;
};

/// Called between start and stop, with the objects alive.
using AfterStart = void (*)(void* context);

struct Graph {
  std::uint32_t n;
  std::uint32_t serviceCount;
  const ServiceRow* services;
  std::uint32_t pluginCount;
  const PluginRow* plugins;
  std::size_t handObjects;  // objects the hand-written form makes (services, contexts)
  void (*handLife)(Sink& sink, AfterStart afterStart, void* context);  // null for validation-only graphs
};

/// How many services the plugin inits of `graph` receive in all, counted from the table.
inline std::size_t pluginInitDeps(const Graph& graph) {
  std::size_t count = 0;
  for (std::uint32_t p = 0; p < graph.pluginCount; ++p) count += graph.plugins[p].depCount;
  return count;
}

extern const Graph graph100;
extern const Graph graph1000;
extern const Graph graph10000;
extern const Graph graph100000;

}  // namespace bench
