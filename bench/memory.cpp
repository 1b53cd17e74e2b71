// SPDX-License-Identifier: Apache-2.0
// Copyright The rigging Authors
// Benchmark 5: the bytes of heap a started backend keeps, counted by replacing the global operator new and
// delete (malloc_usable_size: what malloc really hands out, without its 8-byte header). "Kept" is what is
// live after start() minus what was live before createBackend(); the features themselves (refs, factories,
// plugins) exist before, like a program's `inline const auto` ones, and are not counted.
#include "graph.hpp"
#include "rigging_form.hpp"

#include <malloc.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <new>
#include <string>
#include <vector>

namespace {
std::int64_t live = 0;

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
}  // namespace

void* operator new(std::size_t size) { return allocate(size); }
void* operator new[](std::size_t size) { return allocate(size); }
void operator delete(void* p) noexcept { release(p); }
void operator delete[](void* p) noexcept { release(p); }
void operator delete(void* p, std::size_t) noexcept { release(p); }
void operator delete[](void* p, std::size_t) noexcept { release(p); }

namespace {

using namespace rigging;

const auto nodeBytes = [] {
  auto* node = new bench::Node(0, {});
  const auto bytes = static_cast<std::int64_t>(malloc_usable_size(node));
  delete node;
  return bytes;
}();

struct Kept {
  std::int64_t bytes;
  std::size_t instances;
};

Kept keptBy(const std::vector<BackendFeature>& features) {
  const auto before = live;
  auto backend = createBackend();
  backend.add(rootLoggerServiceFactory({.level = LogLevel::error, .sink = [](std::string_view) {}}));
  for (const auto& feature : features) backend.add(feature);
  backend.start();
  const Kept kept{live - before, backend.engine().liveInstanceCount()};
  backend.stop();
  return kept;
}

// K plugins whose inits need nothing; with `service`, each init needs its own instance of one plugin-scoped
// service.
std::vector<BackendFeature> plugins(int count, const bench::PluginRef* service) {
  std::vector<BackendFeature> features;
  if (service != nullptr) {
    features.emplace_back(createServiceFactory(
        *service, deps(), [] { return std::make_unique<bench::Node>(0, bench::Deps{}); }));
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

std::vector<BackendFeature> rootServices(int count) {
  std::vector<BackendFeature> features;
  for (int s = 0; s < count; ++s) {
    const auto ref = createServiceRef<bench::Svc, RootScope>("bench.s" + std::to_string(s));
    features.emplace_back(
        createServiceFactory(ref, deps(), [] { return std::make_unique<bench::Node>(0, bench::Deps{}); }));
  }
  return features;
}

void graphs() {
  std::printf("%-8s %12s %12s %10s %10s %18s\n", "N", "rigging B", "hand B", "instances", "objects",
              "container B/inst");
  const bench::Graph* all[] = {&bench::graph100, &bench::graph1000, &bench::graph10000};
  for (const auto* graph : all) {
    const bench::RiggingForm form(*graph);
    const auto before = live;
    bench::Sink sink;
    auto backend = form.makeBackend(sink);
    backend.start();
    const auto rigging = live - before;
    const auto instances = backend.engine().liveInstanceCount();
    backend.stop();
    std::int64_t hand = 0;
    struct Probe {
      std::int64_t before;
      std::int64_t* kept;
    } probe{live, &hand};
    graph->handLife(
        sink,
        [](void* context) {
          auto* p = static_cast<Probe*>(context);
          *p->kept = live - p->before;
        },
        &probe);
    std::printf("%-8u %12lld %12lld %10zu %10zu %18.1f\n", graph->n, static_cast<long long>(rigging),
                static_cast<long long>(hand), instances, graph->handObjects,
                static_cast<double>(rigging - hand) / static_cast<double>(instances));
  }
}

}  // namespace

int main() {
  std::printf("Heap kept by a started backend (bytes, malloc_usable_size); one Node is %lld bytes\n\n",
              static_cast<long long>(nodeBytes));
  graphs();
  constexpr int k = 1000;
  const auto empty = keptBy({});
  const auto one = keptBy(rootServices(k));
  const auto two = keptBy(rootServices(2 * k));
  const double perRoot = static_cast<double>(two.bytes - one.bytes) / k;
  const auto pluginsK = keptBy(plugins(k, nullptr));
  const auto plugins2K = keptBy(plugins(2 * k, nullptr));
  const double perPlugin = static_cast<double>(plugins2K.bytes - pluginsK.bytes) / k;
  const auto serviceRef = createServiceRef<bench::Svc>("bench.shared");
  const auto usedK = keptBy(plugins(k, &serviceRef));
  const auto used2K = keptBy(plugins(2 * k, &serviceRef));
  const double perPluginInstance = static_cast<double>(used2K.bytes - usedK.bytes) / k - perPlugin;
  std::printf("\nempty backend (core services only): %lld bytes, %zu instances\n",
              static_cast<long long>(empty.bytes), empty.instances);
  std::printf("per root service instance:   %7.1f bytes, of which the container's: %7.1f\n", perRoot,
              perRoot - static_cast<double>(nodeBytes));
  std::printf("per plugin-scoped instance:  %7.1f bytes, of which the container's: %7.1f\n",
              perPluginInstance, perPluginInstance - static_cast<double>(nodeBytes));
  std::printf("per plugin (empty init):     %7.1f bytes\n", perPlugin);
  return 0;
}
