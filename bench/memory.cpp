// SPDX-License-Identifier: Apache-2.0
// Copyright The rigging Authors
// Benchmark 5: the bytes of heap a started backend keeps, counted by replacing the global operator new and
// delete (malloc_usable_size: what malloc really hands out, without its 8-byte header). "Kept" is what is
// live after start() minus what was live before createBackend(); the features themselves (refs, factories,
// plugins) exist before, like a program's `inline const auto` ones, and are not counted.
//
// Every operator new is counted, plain and aligned (before 2026-12-01 evening only the plain one was, and the
// backend's arena, then a std::pmr::monotonic_buffer_resource taking aligned chunks, was invisible). The
// arena (detail::Arena: blocks from plain operator new, each a quarter of what it took before, from 1 KB)
// holds the plugin states, the inits and every service a factory returns by value; its part of what a backend
// keeps, `arena`, is what the engine reports it took (Engine::arenaBytes(), the sizes asked of operator
// new), and `heap` is the rest.
//
// Two factory styles, as in the other benchmarks: factories that return std::make_unique<Node>(...) (each
// Node a heap block of its own, nodeBytes) and factories that return a Node by value (the Node is
// constructed in the arena: sizeof(Node) bytes at alignof(Node), see emplace() in
// include/rigging/detail/callable.hpp). "Of which the container's" subtracts the object's own bytes from
// what one more instance keeps: nodeBytes for make_unique, arenaNodeBytes for by value.
#include "graph.hpp"
#include "rigging_form.hpp"

#include <malloc.h>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <new>
#include <string>
#include <type_traits>
#include <vector>

namespace {
std::int64_t live = 0;  // every operator new, plain and aligned

void* allocate(std::size_t size) {
  void* p = std::malloc(size == 0 ? 1 : size);
  if (p == nullptr) throw std::bad_alloc();
  live += static_cast<std::int64_t>(malloc_usable_size(p));
  return p;
}

void release(void* p) noexcept {
  if (p == nullptr) return;
  live -= static_cast<std::int64_t>(malloc_usable_size(p));
  std::free(p);
}

void* allocateAligned(std::size_t size, std::align_val_t alignment) {
  const auto align = static_cast<std::size_t>(alignment);
  // aligned_alloc wants a multiple of the alignment.
  void* p = std::aligned_alloc(align, size == 0 ? align : (size + align - 1) / align * align);
  if (p == nullptr) throw std::bad_alloc();
  live += static_cast<std::int64_t>(malloc_usable_size(p));
  return p;
}
}  // namespace

void* operator new(std::size_t size) { return allocate(size); }
void* operator new[](std::size_t size) { return allocate(size); }
void operator delete(void* p) noexcept { release(p); }
void operator delete[](void* p) noexcept { release(p); }
void operator delete(void* p, std::size_t) noexcept { release(p); }
void operator delete[](void* p, std::size_t) noexcept { release(p); }
void* operator new(std::size_t size, std::align_val_t alignment) { return allocateAligned(size, alignment); }
void* operator new[](std::size_t size, std::align_val_t alignment) {
  return allocateAligned(size, alignment);
}
void operator delete(void* p, std::align_val_t) noexcept { release(p); }
void operator delete[](void* p, std::align_val_t) noexcept { release(p); }
void operator delete(void* p, std::size_t, std::align_val_t) noexcept { release(p); }
void operator delete[](void* p, std::size_t, std::align_val_t) noexcept { release(p); }

namespace {

using namespace rigging;
using bench::Returns;

const auto nodeBytes = [] {
  auto* node = new bench::Node(0, {});
  const auto bytes = static_cast<std::int64_t>(malloc_usable_size(node));
  delete node;
  return bytes;
}();

// A Node returned by value takes sizeof(Node) bytes of the arena, asked for at alignof(Node). The arena pads
// only to reach that alignment; every block the engine takes from it has a size that is a multiple of 8 and
// an alignment of 8 or 16, so no padding comes before a Node (alignment 8): nothing to add.
static_assert(alignof(bench::Node) == 8 && sizeof(bench::Node) % 8 == 0);
constexpr std::int64_t arenaNodeBytes = sizeof(bench::Node);
// Engine::liveInstanceCount() counts destroy records, which a trivially destructible value does not get; the
// per-instance figures below divide by it, so every object this program makes must have a destructor to run.
static_assert(!std::is_trivially_destructible_v<bench::Node> &&
              !std::is_trivially_destructible_v<bench::Ctx>);

struct Bytes {
  std::int64_t heap = 0;
  std::int64_t arena = 0;
  [[nodiscard]] std::int64_t total() const { return heap + arena; }
};

Bytes now() { return {live, 0}; }
Bytes operator-(Bytes a, Bytes b) { return {a.heap - b.heap, a.arena - b.arena}; }
// What `backend` keeps since `before` (taken before it was created): its arena's blocks, and the rest.
Bytes keptSince(Bytes before, rigging::Backend& backend) {
  const auto arena = static_cast<std::int64_t>(backend.engine().arenaBytes());
  return {now().heap - before.heap - arena, arena};
}

struct Kept {
  Bytes bytes;
  std::size_t instances;
};

Kept keptBy(const std::vector<BackendFeature>& features) {
  const auto before = now();
  auto backend = createBackend();
  backend.add(rootLoggerServiceFactory({.level = LogLevel::error, .sink = [](std::string_view) {}}));
  for (const auto& feature : features) backend.add(feature);
  backend.start();
  const Kept kept{keptSince(before, backend), backend.engine().liveInstanceCount()};
  backend.stop();
  return kept;
}

template <Returns R>
auto makeNode() {
  if constexpr (R == Returns::value) {
    return bench::Node(0, bench::Deps{});
  } else {
    return std::make_unique<bench::Node>(0, bench::Deps{});
  }
}

// K plugins whose inits need nothing; with `service`, each init needs it: its own instance of a
// plugin-scoped service, or the one instance of a root service.
template <Returns R, class Ref = bench::PluginRef>
std::vector<BackendFeature> plugins(int count, const Ref* service) {
  std::vector<BackendFeature> features;
  if (service != nullptr) {
    features.emplace_back(createServiceFactory(*service, deps(), [] { return makeNode<R>(); }));
  }
  for (int p = 0; p < count; ++p) {
    // Appended, not "p" + to_string(p): g++ 12 at -O3 reports a false -Wrestrict in operator+ (GCC bug
    // 105651).
    std::string id = "p";
    id += std::to_string(p);
    features.emplace_back(createBackendPlugin(id, [service](PluginRegistrationPoints& env) {
      if (service != nullptr) {
        env.registerInit(deps(*service), [](bench::Svc&) {});
      } else {
        env.registerInit(deps(), [] {});
      }
    }));
  }
  return features;
}

template <Returns R>
std::vector<BackendFeature> rootServices(int count) {
  std::vector<BackendFeature> features;
  for (int s = 0; s < count; ++s) {
    const auto ref = createServiceRef<bench::Svc, RootScope>("bench.s" + std::to_string(s));
    features.emplace_back(createServiceFactory(ref, deps(), [] { return makeNode<R>(); }));
  }
  return features;
}

const char* formName(Returns returns) { return returns == Returns::value ? "rigging" : "rigging-unique"; }

void graphs() {
  std::printf("%-6s %-15s %10s %9s %10s %10s %8s %16s %16s\n", "N", "form", "heap B", "arena B", "hand B",
              "instances", "objects", "container B/inst", "heap only B/inst");
  const bench::Graph* all[] = {&bench::graph100, &bench::graph1000, &bench::graph10000};
  for (const auto* graph : all) {
    for (const auto returns : {Returns::unique_ptr, Returns::value}) {
      const bench::RiggingForm form(*graph, returns);
      const auto before = now();
      bench::Sink sink;
      auto backend = form.makeBackend(sink);
      backend.start();
      const auto rigging = keptSince(before, backend);
      const auto instances = backend.engine().liveInstanceCount();
      backend.stop();
      std::int64_t hand = 0;
      struct Probe {
        Bytes before;
        std::int64_t* kept;
      } probe{now(), &hand};
      graph->handLife(
          sink,
          [](void* context) {
            auto* p = static_cast<Probe*>(context);
            *p->kept = now().heap - p->before.heap;
          },
          &probe);
      const auto perInstance = [&](std::int64_t bytes) {
        return static_cast<double>(bytes - hand) / static_cast<double>(instances);
      };
      std::printf("%-6u %-15s %10lld %9lld %10lld %10zu %8zu %16.1f %16.1f\n", graph->n, formName(returns),
                  static_cast<long long>(rigging.heap), static_cast<long long>(rigging.arena),
                  static_cast<long long>(hand), instances, graph->handObjects, perInstance(rigging.total()),
                  perInstance(rigging.heap));
    }
  }
  std::printf(
      "container B/inst: (heap + arena - hand) / instances. heap only: (heap - hand) / instances, the "
      "figure\n"
      "reported before the arena was counted (for rigging, whose Nodes are in the arena, it means "
      "nothing).\n");
}

// Kept by backends of k and 2k root services, of k and 2k plugins whose inits need nothing, of k and 2k
// plugins whose inits each need their own instance of one plugin-scoped service, and of k plugins whose
// inits each need one root service (made once), in this order (as before: each backend's blocks land where
// the one before it left free chunks).
struct Series {
  int k;
  Kept rootK, root2K, pluginsK, plugins2K, usedK, used2K, rootUsedK;
};

template <Returns R>
Series measure(int k) {
  Series s{k, {}, {}, {}, {}, {}, {}, {}};
  s.rootK = keptBy(rootServices<R>(k));
  s.root2K = keptBy(rootServices<R>(2 * k));
  s.pluginsK = keptBy(plugins<R>(k, static_cast<const bench::PluginRef*>(nullptr)));
  s.plugins2K = keptBy(plugins<R>(2 * k, static_cast<const bench::PluginRef*>(nullptr)));
  const auto serviceRef = createServiceRef<bench::Svc>("bench.shared");
  s.usedK = keptBy(plugins<R>(k, &serviceRef));
  s.used2K = keptBy(plugins<R>(2 * k, &serviceRef));
  const auto rootRef = createServiceRef<bench::Svc, RootScope>("bench.sharedRoot");
  s.rootUsedK = keptBy(plugins<R>(k, &rootRef));
  return s;
}

/// Bytes per one of k: heap and arena.
struct PerOne {
  double heap = 0;
  double arena = 0;
  [[nodiscard]] double total() const { return heap + arena; }
};

PerOne per(const Kept& more, const Kept& fewer, int k) {
  const auto d = more.bytes - fewer.bytes;
  return {static_cast<double>(d.heap) / k, static_cast<double>(d.arena) / k};
}

struct Mean {
  PerOne mean;
  double arenaMin = 1e300;
  double arenaMax = -1e300;
  void add(const PerOne& one, int count) {
    mean.heap += one.heap / count;
    mean.arena += one.arena / count;
    arenaMin = std::min(arenaMin, one.arena);
    arenaMax = std::max(arenaMax, one.arena);
  }
};

void print(const char* what, const Mean& m, std::int64_t object) {
  std::printf(
      "%-28s %6.1f bytes (heap %6.1f, arena %5.1f [%6.1f .. %5.1f]), of which the container's: %6.1f\n", what,
      m.mean.total(), m.mean.heap, m.mean.arena, m.arenaMin, m.arenaMax,
      m.mean.total() - static_cast<double>(object));
}

// One difference depends on where the two counts fall among the sizes at which things grow: the arena takes
// chunks 1.25x the size of the one before (a difference of arena bytes is either about what was used or a
// whole chunk more), some tables double, and a fragmented heap hands out larger blocks. So the figures are
// means over k = 1000 * 1.5^(i/10), i = 0..49: evenly spaced on a log scale over about nine growth steps of
// the arena (k from 1,000 to 7,292; 2.9 doublings).
//   root service instance: (kept with 2k root services - kept with k) / k
//   plugin: (kept with 2k plugins whose inits need nothing - with k) / k
//   plugin-scoped instance: (kept with k plugins whose inits each need their own instance of one
//     plugin-scoped service - kept with k plugins whose inits each need one root service) / k: the instance
//     and its records. Both kinds of plugin have one init dep and one factory, so the init's slot for the
//     dep cancels out (it used to be counted: the baseline was plugins whose inits need nothing); the root
//     side adds a k-th of one root instance. (Before that, it was the 2k-against-k difference of the first
//     kind minus the per-plugin figure: four differences of lumpy arena totals instead of two.)
// The container's share subtracts the object's own bytes: the Node's heap block (nodeBytes) for make_unique,
// sizeof(Node) (arenaNodeBytes) for a Node returned by value.
void perInstance() {
  constexpr int steps = 50;
  struct Form {
    const char* name;
    const char* objectIs;
    std::int64_t object;
    Series (*measure)(int);
    Mean root{}, scoped{}, plugin{};
  };
  Form forms[] = {
      {"rigging-unique (factories return make_unique<Node>)", "the Node's heap block (malloc_usable_size)",
       nodeBytes, &measure<Returns::unique_ptr>},
      {"rigging (factories return a Node by value)", "sizeof(Node) in the arena (no padding)", arenaNodeBytes,
       &measure<Returns::value>},
  };
  const auto kAt = [](int i) { return static_cast<int>(std::lround(1000.0 * std::pow(1.5, i / 10.0))); };
  for (int i = 0; i < steps; ++i) {
    const int k = kAt(i);
    for (auto& form : forms) {
      const auto s = form.measure(k);
      form.root.add(per(s.root2K, s.rootK, k), steps);
      form.plugin.add(per(s.plugins2K, s.pluginsK, k), steps);
      form.scoped.add(per(s.usedK, s.rootUsedK, k), steps);
    }
  }
  std::printf(
      "\nOne more instance or plugin, the mean over %d k from %d to %d evenly spaced on a log scale (about\n"
      "nine growth steps of the arena); root instance and plugin: 2k against k; plugin-scoped instance: k "
      "plugins\n"
      "whose inits need one against k whose inits need one root service. [min .. max]: the arena part's\n"
      "range over those k (it includes the unused tail of the arena's last chunk).\n",
      steps, kAt(0), kAt(steps - 1));
  for (const auto& form : forms) {
    std::printf("\n%s: the container's = kept - %lld, %s\n", form.name, static_cast<long long>(form.object),
                form.objectIs);
    print("per root service instance:", form.root, form.object);
    print("per plugin-scoped instance:", form.scoped, form.object);
    print("per plugin (empty init):", form.plugin, 0);
  }
  // The figures to quote, last: the container's bytes of each form, one line per kind of thing.
  const auto& unique = forms[0];
  const auto& value = forms[1];
  const auto container = [](const Mean& m, std::int64_t object) {
    return m.mean.total() - static_cast<double>(object);
  };
  std::printf(
      "\nSummary: the container's bytes (kept minus the object's own), the means over the %d k above\n"
      "%-28s %8s %15s\n",
      steps, "", "rigging", "rigging-unique");
  std::printf("%-28s %8.1f %15.1f\n", "per root service instance:", container(value.root, value.object),
              container(unique.root, unique.object));
  std::printf("%-28s %8.1f %15.1f\n", "per plugin-scoped instance:", container(value.scoped, value.object),
              container(unique.scoped, unique.object));
  std::printf("%-28s %8.1f %15.1f\n", "per plugin (empty init):", container(value.plugin, 0),
              container(unique.plugin, 0));
}

}  // namespace

int main() {
  std::printf(
      "Memory kept by a started backend (bytes, malloc_usable_size of every operator new). arena: the\n"
      "blocks of the backend's arena (Engine::arenaBytes()); heap: the rest. One Node: %lld bytes of heap\n"
      "(make_unique), %lld bytes of arena (by value: sizeof(Node), alignment %zu, no padding)\n\n",
      static_cast<long long>(nodeBytes), static_cast<long long>(arenaNodeBytes), alignof(bench::Node));
  graphs();
  const auto empty = keptBy({});
  std::printf("\nempty backend (core services only): %lld bytes (heap %lld, arena %lld), %zu instances\n",
              static_cast<long long>(empty.bytes.total()), static_cast<long long>(empty.bytes.heap),
              static_cast<long long>(empty.bytes.arena), empty.instances);
  // The figures as reported before the by-value form and the arena counter, measured exactly as before: the
  // same k, the same place in the run, make_unique factories, heap only, the plugin-scoped instance as the
  // 2k-against-k difference minus the per-plugin one.
  const auto s = measure<Returns::unique_ptr>(1000);
  const auto root = per(s.root2K, s.rootK, s.k).heap;
  const auto plugin = per(s.plugins2K, s.pluginsK, s.k).heap;
  const auto scoped = per(s.used2K, s.usedK, s.k).heap - plugin;
  const auto node = static_cast<double>(nodeBytes);
  std::printf(
      "\nAs before (rigging-unique, 2,000 against 1,000, heap only: the arena not counted):\n"
      "per root service instance:   %7.1f bytes, of which the container's: %7.1f\n"
      "per plugin-scoped instance:  %7.1f bytes, of which the container's: %7.1f\n"
      "per plugin (empty init):     %7.1f bytes\n",
      root, root - node, scoped, scoped - node, plugin);
  perInstance();
  return 0;
}
