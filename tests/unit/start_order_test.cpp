// SPDX-License-Identifier: Apache-2.0
// A seeded random backend of 50 plugins, 200 modules and 500 services: for every seed, start-up must respect
// every dependency and extension-point edge.
#include "support/catch.hpp"

#include <rigging/create_backend.hpp>

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

using namespace rigging;

namespace {

struct Node {
  int service;
};

struct Sink {
  virtual ~Sink() = default;
  virtual void add(int) = 0;
};
struct Collector : Sink {
  void add(int) override {}
};

// Deterministic on every platform (std:: distributions are not).
class Random {
 public:
  explicit Random(std::uint64_t seed) : state_(seed * 0x9E3779B97F4A7C15ULL + 1) {}
  std::uint32_t below(std::uint32_t n) {
    state_ ^= state_ << 13;
    state_ ^= state_ >> 7;
    state_ ^= state_ << 17;
    return static_cast<std::uint32_t>(state_ % n);
  }

 private:
  std::uint64_t state_;
};

struct Event {
  enum Kind { instance, moduleInit, pluginInit } kind;
  int id;              // service index, module index or plugin index
  std::string plugin;  // the plugin the event belongs to; empty for root instances
};

using RootRef = ServiceRef<Node, RootScope>;
using PluginRef = ServiceRef<Node>;
using Point = ExtensionPoint<Sink>;

struct Model {
  std::vector<bool> root;              // per service
  std::vector<std::vector<int>> deps;  // per service
  std::vector<RootRef> rootRefs;       // by service index (unused slots for plugin services)
  std::vector<PluginRef> pluginRefs;
  std::vector<std::string> plugins;
  struct ModuleSpec {
    int plugin;
    std::vector<int> services;
    std::vector<int> uses;  // extension points (global index)
    int registers = -1;     // extension point it registers, or -1
  };
  std::vector<ModuleSpec> modules;
  std::vector<std::vector<int>> pluginServices;  // plugin init deps
  std::vector<std::vector<int>> pluginPoints;    // extension points each plugin registers
  std::vector<Point> points;
  std::vector<int> pointOwnerModule;  // -1 when a plugin registers it
  std::vector<Event> log;
};

// Calls `done(refs...)` with one typed ref per entry of `ids`, chosen at run time: services are root or
// plugin refs, extension points are ExtensionPoint<Sink>. Every factory, plugin and module has a fixed shape
// (so the test instantiates a handful of templates, not one per combination): two root slots, two plugin
// slots and, for modules, three extension point slots. Unused slots point at padding: services that depend on
// nothing and extension points each plugin registers.
constexpr int rootPad = -1, pluginPad = -2;

struct Slots {
  RootRef r0, r1;
  PluginRef p0, p1;
};

Slots slotsFor(const Model& model, const std::vector<int>& services, const RootRef& rootPadRef,
               const PluginRef& pluginPadRef) {
  std::vector<RootRef> roots;
  std::vector<PluginRef> plugins;
  for (const int d : services) {
    const auto i = static_cast<std::size_t>(d);
    if (model.root[i]) {
      roots.push_back(model.rootRefs[i]);
    } else {
      plugins.push_back(model.pluginRefs[i]);
    }
  }
  REQUIRE(roots.size() <= 2);
  REQUIRE(plugins.size() <= 2);
  while (roots.size() < 2) roots.push_back(rootPadRef);
  while (plugins.size() < 2) plugins.push_back(pluginPadRef);
  return {roots[0], roots[1], plugins[0], plugins[1]};
}

// Picks up to two root and two plugin services from `candidates`, as the slots allow.
std::vector<int> pick(const Model& model, Random& random, std::uint32_t want, int below, bool rootOnly) {
  std::vector<int> out;
  int roots = 0, plugins = 0;
  for (std::uint32_t k = 0; k < want && below > 0; ++k) {
    const int d = static_cast<int>(random.below(static_cast<std::uint32_t>(below)));
    const bool isRoot = model.root[static_cast<std::size_t>(d)];
    if (std::find(out.begin(), out.end(), d) != out.end()) continue;
    if (isRoot ? roots == 2 : (rootOnly || plugins == 2)) continue;
    (isRoot ? roots : plugins) += 1;
    out.push_back(d);
  }
  return out;
}

void generate(Model& model, std::uint64_t seed, Backend& backend) {
  Random random(seed);
  constexpr int serviceCount = 500, pluginCount = 50, moduleCount = 200;
  const auto rootPadRef = createServiceRef<Node, RootScope>("gen.rootPad");
  const auto pluginPadRef = createServiceRef<Node>("gen.pluginPad");
  auto record = [&model](int service, std::string plugin) {
    model.log.push_back({Event::instance, service, std::move(plugin)});
    return Node{service};
  };
  backend.add(createServiceFactory(rootPadRef, deps(), [record] { return record(rootPad, ""); }));
  backend.add(createServiceFactory(
      pluginPadRef, deps(coreServices::pluginMetadata),
      [record](PluginMetadataService& m) { return record(pluginPad, std::string(m.getId())); }));

  for (int s = 0; s < serviceCount; ++s) {
    const bool isRoot = random.below(10) < 3;
    model.root.push_back(isRoot);
    model.rootRefs.push_back(createServiceRef<Node, RootScope>("gen.s" + std::to_string(s)));
    model.pluginRefs.push_back(createServiceRef<Node>("gen.s" + std::to_string(s)));
    model.deps.push_back(pick(model, random, random.below(5), s, isRoot));  // root services use root services
  }
  for (int s = 0; s < serviceCount; ++s) {
    const auto i = static_cast<std::size_t>(s);
    const auto slots = slotsFor(model, model.deps[i], rootPadRef, pluginPadRef);
    if (model.root[i]) {
      backend.add(createServiceFactory(model.rootRefs[i], deps(slots.r0, slots.r1),
                                       [record, s](Node&, Node&) { return record(s, ""); }));
    } else {
      backend.add(createServiceFactory(
          model.pluginRefs[i], deps(coreServices::pluginMetadata, slots.r0, slots.r1, slots.p0, slots.p1),
          [record, s](PluginMetadataService& m, Node&, Node&, Node&, Node&) {
            return record(s, std::string(m.getId()));
          }));
    }
  }

  for (int p = 0; p < pluginCount; ++p) model.plugins.push_back("plugin" + std::to_string(p));
  model.pluginPoints.resize(pluginCount);
  model.modules.resize(moduleCount);
  for (auto& spec : model.modules) spec.plugin = static_cast<int>(random.below(pluginCount));
  auto newPoint = [&](int ownerModule) {
    const int id = static_cast<int>(model.points.size());
    model.points.push_back(createExtensionPoint<Sink>("gen.point" + std::to_string(id)));
    model.pointOwnerModule.push_back(ownerModule);
    return id;
  };
  std::vector<int> padPoint;  // per plugin: what empty extension point slots use
  for (int p = 0; p < pluginCount; ++p) {
    padPoint.push_back(newPoint(-1));
    for (auto k = random.below(3); k > 0; --k)
      model.pluginPoints[static_cast<std::size_t>(p)].push_back(newPoint(-1));
  }
  for (int m = 0; m < moduleCount; ++m) {
    if (random.below(2) == 0) model.modules[static_cast<std::size_t>(m)].registers = newPoint(m);
  }
  for (int m = 0; m < moduleCount; ++m) {
    auto& spec = model.modules[static_cast<std::size_t>(m)];
    std::vector<int> candidates = model.pluginPoints[static_cast<std::size_t>(spec.plugin)];
    for (int other = m + 1; other < moduleCount; ++other) {  // only later modules: acyclic by construction
      const auto& o = model.modules[static_cast<std::size_t>(other)];
      if (o.plugin == spec.plugin && o.registers >= 0) candidates.push_back(o.registers);
    }
    for (auto k = random.below(4); k > 0 && !candidates.empty(); --k) {
      const int point = candidates[random.below(static_cast<std::uint32_t>(candidates.size()))];
      if (std::find(spec.uses.begin(), spec.uses.end(), point) == spec.uses.end()) spec.uses.push_back(point);
    }
    spec.services = pick(model, random, random.below(5), serviceCount, false);
  }

  // Plugins first, then the modules in a shuffled order: the order added must not matter.
  model.pluginServices.resize(pluginCount);
  for (int p = 0; p < pluginCount; ++p) {
    auto& services = model.pluginServices[static_cast<std::size_t>(p)];
    services = pick(model, random, random.below(5), serviceCount, false);
    const auto slots = slotsFor(model, services, rootPadRef, pluginPadRef);
    backend.add(createBackendPlugin(
        model.plugins[static_cast<std::size_t>(p)],
        [&model, p, slots, padPoint](PluginRegistrationPoints& env) {
          env.registerExtensionPoint(
              model.points[static_cast<std::size_t>(padPoint[static_cast<std::size_t>(p)])],
              std::make_shared<Collector>());
          for (const int point : model.pluginPoints[static_cast<std::size_t>(p)]) {
            env.registerExtensionPoint(model.points[static_cast<std::size_t>(point)],
                                       std::make_shared<Collector>());
          }
          env.registerInit(
              deps(slots.r0, slots.r1, slots.p0, slots.p1), [&model, p](Node&, Node&, Node&, Node&) {
                model.log.push_back({Event::pluginInit, p, model.plugins[static_cast<std::size_t>(p)]});
              });
        }));
  }
  std::vector<int> moduleOrder(moduleCount);
  for (int m = 0; m < moduleCount; ++m) moduleOrder[static_cast<std::size_t>(m)] = m;
  for (std::size_t m = moduleOrder.size(); m > 1; --m) {
    std::swap(moduleOrder[m - 1], moduleOrder[random.below(static_cast<std::uint32_t>(m))]);
  }
  for (const int m : moduleOrder) {
    const auto& spec = model.modules[static_cast<std::size_t>(m)];
    const auto slots = slotsFor(model, spec.services, rootPadRef, pluginPadRef);
    std::vector<Point> uses;
    for (const int point : spec.uses) uses.push_back(model.points[static_cast<std::size_t>(point)]);
    while (uses.size() < 3)
      uses.push_back(model.points[static_cast<std::size_t>(padPoint[static_cast<std::size_t>(spec.plugin)])]);
    backend.add(createBackendModule(
        model.plugins[static_cast<std::size_t>(spec.plugin)], "m" + std::to_string(m),
        [&model, m, slots, uses](ModuleRegistrationPoints& env) {
          const auto& own = model.modules[static_cast<std::size_t>(m)];
          if (own.registers >= 0) {
            env.registerExtensionPoint(model.points[static_cast<std::size_t>(own.registers)],
                                       std::make_shared<Collector>());
          }
          env.registerInit(deps(slots.r0, slots.r1, slots.p0, slots.p1, uses[0], uses[1], uses[2]),
                           [&model, m](Node&, Node&, Node&, Node&, Sink&, Sink&, Sink&) {
                             model.log.push_back({Event::moduleInit, m,
                                                  model.plugins[static_cast<std::size_t>(
                                                      model.modules[static_cast<std::size_t>(m)].plugin)]});
                           });
        }));
  }
}

}  // namespace

TEST_CASE("start order: random backends start in an order that respects every edge", "[startup][random]") {
  for (std::uint64_t seed = 1; seed <= 12; ++seed) {
    INFO("seed " << seed);
    Model model;
    auto backend = createBackend();
    generate(model, seed, backend);
    backend.start();
    // Position of each event.
    std::map<std::tuple<int, int, std::string>, std::size_t> at;
    for (std::size_t i = 0; i < model.log.size(); ++i) {
      const auto& e = model.log[i];
      REQUIRE(at.emplace(std::make_tuple(static_cast<int>(e.kind), e.id, e.plugin), i).second);  // once each
    }
    auto instanceAt = [&](int service, const std::string& plugin) {
      const bool isRoot = model.root[static_cast<std::size_t>(service)];
      const auto found = at.find({Event::instance, service, isRoot ? std::string() : plugin});
      return found == at.end() ? model.log.size() : found->second;
    };
    std::size_t checkedEdges = 0;
    for (std::size_t i = 0; i < model.log.size(); ++i) {
      const auto& e = model.log[i];
      if (e.kind == Event::instance && e.id < 0) continue;  // padding
      if (e.kind == Event::instance) {
        for (const int d : model.deps[static_cast<std::size_t>(e.id)]) {
          REQUIRE(instanceAt(d, e.plugin) < i);
          ++checkedEdges;
        }
      } else if (e.kind == Event::moduleInit) {
        const auto& spec = model.modules[static_cast<std::size_t>(e.id)];
        for (const int s : spec.services) {
          REQUIRE(instanceAt(s, e.plugin) < i);
          ++checkedEdges;
        }
        for (const int point : spec.uses) {
          const int owner = model.pointOwnerModule[static_cast<std::size_t>(point)];
          if (owner < 0 || owner == e.id) continue;
          // A consumer finishes before the module that registered the extension point starts.
          REQUIRE(at.at({Event::moduleInit, owner, e.plugin}) > i);
          ++checkedEdges;
        }
        REQUIRE(at.at({Event::pluginInit, spec.plugin, e.plugin}) > i);  // modules before their plugin
        ++checkedEdges;
      } else {
        for (const int s : model.pluginServices[static_cast<std::size_t>(e.id)]) {
          REQUIRE(instanceAt(s, e.plugin) < i);
          ++checkedEdges;
        }
        if (e.id > 0) {
          REQUIRE(at.at({Event::pluginInit, e.id - 1, model.plugins[static_cast<std::size_t>(e.id - 1)]}) <
                  i);
        }
      }
    }
    CHECK(checkedEdges > 1000);
    // Every module ran (each plugin is present), every plugin ran.
    CHECK(std::count_if(model.log.begin(), model.log.end(),
                        [](const Event& e) { return e.kind == Event::moduleInit; }) == 200);
    backend.stop();
  }
}
