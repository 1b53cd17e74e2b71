// SPDX-License-Identifier: Apache-2.0
// The failure-injection matrix: one fixed backend of 20 services (root and plugin scoped, multitons, root
// contexts, decorators, ref defaults, lazy and eager), 5 plugins and 5 modules with extension points; every
// factory, root context, decorator, init, startup hook and shutdown hook is made to throw in turn, once with
// the `abort` boot-failure policy and once with `continue`. Each case runs through the fuzz harness, which
// checks the error against its reference model (who failed, why, the original exception nested), that no
// instance is alive once start() has thrown or stop() has run, and that every shutdown hook of a plugin whose
// init ran has run once.
#include "fuzz/graph_harness.hpp"
#include "support/catch.hpp"

#include <cstdio>
#include <functional>
#include <string>
#include <utility>
#include <vector>

using namespace rigging;
using namespace rigging::fuzz;

namespace {

Slots slots(std::initializer_list<std::pair<std::size_t, int>> entries) {
  Slots out;
  for (const auto& [slot, service] : entries) out.at[slot] = service;
  return out;
}

ServiceSpec service(bool root, Slots deps) {
  ServiceSpec s;
  s.root = root;
  s.deps = deps;
  return s;
}

Spec fixedBackend() {
  Spec spec;
  auto& s = spec.services;
  s.push_back(service(true, {}));                                       // 0
  s.push_back(service(true, slots({{Slots::r0, 0}})));                  // 1
  s.push_back(service(true, slots({{Slots::r0, 1}})));                  // 2
  s.push_back(service(true, slots({{Slots::r0, 0}})));                  // 3: multiton, two factories
  s.push_back(service(true, slots({{Slots::r0, 2}, {Slots::rm, 3}})));  // 4: lazy
  s.push_back(service(true, slots({{Slots::r0, 0}})));                  // 5: decorated
  s.push_back(service(false, slots({{Slots::r0, 0}})));                 // 6
  s.push_back(service(false, slots({{Slots::p0, 6}})));                 // 7: root context
  s.push_back(service(false, slots({{Slots::r0, 2}})));                 // 8: created for every plugin
  s.push_back(service(false, slots({{Slots::p0, 6}})));                 // 9: multiton, two factories
  s.push_back(service(false, slots({{Slots::p0, 7}, {Slots::pm, 9}, {Slots::r0, 4}})));  // 10
  s.push_back(service(false, slots({{Slots::p0, 8}})));                                  // 11: decorated
  s.push_back(service(false, slots({{Slots::p0, 10}})));                                 // 12: root context
  s.push_back(service(false, slots({{Slots::r0, 1}})));                    // 13: ref default only
  s.push_back(service(false, slots({{Slots::p0, 13}, {Slots::p1, 11}})));  // 14
  s.push_back(service(true, slots({{Slots::r0, 5}})));                     // 15: ref default only
  s.push_back(service(false, slots({{Slots::r0, 15}, {Slots::p0, 12}})));  // 16
  s.push_back(service(false, slots({{Slots::p0, 16}})));                   // 17
  s.push_back(service(true, slots({{Slots::r0, 4}})));                     // 18: lazy
  s.push_back(service(false, slots({{Slots::r0, 18}, {Slots::p0, 14}})));  // 19
  s[3].multiton = s[9].multiton = true;
  s[3].explicitCount = s[9].explicitCount = 2;
  s[4].flipInit = s[18].flipInit = s[8].flipInit = true;
  s[5].decorated = true;
  s[5].decoratorDeps = slots({{Slots::r0, 1}});
  s[11].decorated = true;
  s[11].decoratorDeps = slots({{Slots::r0, 0}, {Slots::p0, 6}});
  s[7].hasContext = true;
  s[7].contextDep = 1;
  s[12].hasContext = true;
  s[12].contextDep = 5;
  s[13].explicitCount = s[15].explicitCount = 0;
  s[13].refDefault = s[15].refDefault = true;

  spec.extensionPoints = 3;
  auto makePlugin = [](int id, Slots deps, int registers) {
    PluginSpec p;
    p.id = id;
    p.deps = deps;
    p.registers = registers;
    return p;
  };
  spec.plugins = {makePlugin(0, slots({{Slots::p0, 10}, {Slots::p1, 17}}), 0),
                  makePlugin(1, slots({{Slots::p0, 14}, {Slots::rm, 3}}), -1),
                  makePlugin(2, slots({{Slots::p0, 19}}), -1),
                  makePlugin(3, slots({{Slots::p0, 6}, {Slots::r0, 2}}), -1),
                  makePlugin(4, slots({{Slots::p0, 12}, {Slots::p1, 16}}), -1)};
  auto makeModule = [](int plugin, int id, Slots deps, int registers, std::vector<int> uses) {
    ModuleSpec m;
    m.plugin = plugin;
    m.id = id;
    m.deps = deps;
    m.registers = registers;
    m.uses = std::move(uses);
    return m;
  };
  spec.modules = {makeModule(0, 0, slots({{Slots::p0, 7}}), 1, {}),
                  makeModule(0, 1, slots({{Slots::p0, 11}}), -1, {0, 1}),
                  makeModule(1, 2, slots({{Slots::pm, 9}}), 2, {}),
                  makeModule(1, 3, slots({{Slots::p0, 13}}), -1, {2}),
                  makeModule(3, 4, slots({{Slots::r0, 18}}), -1, {})};
  return spec;
}

struct Fault {
  std::string name;
  std::function<void(Spec&)> inject;
  bool failsStartup;  // a hook's failure is logged, never fails start-up
};

std::vector<Fault> faults() {
  const Spec base = fixedBackend();
  std::vector<Fault> out;
  for (std::size_t i = 0; i < base.services.size(); ++i) {
    const std::string id = serviceId(static_cast<int>(i));
    out.push_back({"factory of " + id, [i](Spec& s) { s.services[i].throws = true; }, true});
    if (base.services[i].hasContext)
      out.push_back({"root context of " + id, [i](Spec& s) { s.services[i].contextThrows = true; }, true});
    if (base.services[i].decorated)
      out.push_back({"decorator of " + id, [i](Spec& s) { s.services[i].decoratorThrows = true; }, true});
  }
  for (std::size_t i = 0; i < base.plugins.size(); ++i) {
    const std::string id = pluginId(base.plugins[i].id);
    out.push_back({"init of " + id, [i](Spec& s) { s.plugins[i].initThrows = true; }, true});
    out.push_back({"startup hook of " + id, [i](Spec& s) { s.plugins[i].startupHookThrows = true; }, false});
    out.push_back({"shutdown hook of " + id, [i](Spec& s) { s.plugins[i].hookThrows = true; }, false});
  }
  for (std::size_t i = 0; i < base.modules.size(); ++i) {
    const std::string id = pluginId(base.modules[i].plugin) + "/" + moduleId(base.modules[i].id);
    out.push_back({"init of " + id, [i](Spec& s) { s.modules[i].initThrows = true; }, true});
  }
  return out;
}

}  // namespace

TEST_CASE("failure injection: the fixed backend starts and stops cleanly without faults", "[injection]") {
  const Spec spec = fixedBackend();
  REQUIRE(expect(spec).outcome == Model::Outcome::started);
  Stats stats;
  CHECK(runSpec(spec, &stats).empty());
  CHECK(stats.instances > 40);
}

TEST_CASE("failure injection: every factory, root context, decorator, init and hook throws in turn",
          "[injection]") {
  Stats stats;
  int cases = 0;
  for (const bool continueOnFailure : {false, true}) {
    for (const auto& fault : faults()) {
      Spec spec = fixedBackend();
      for (auto& p : spec.plugins) p.continueOnFailure = continueOnFailure;
      for (auto& m : spec.modules) m.continueOnFailure = continueOnFailure;
      fault.inject(spec);
      const auto model = expect(spec);
      INFO(fault.name << (continueOnFailure ? " (continue)" : " (abort)"));
      // The model must see every fault that fails start-up: a fault nobody reaches would check nothing.
      if (fault.failsStartup && !continueOnFailure) CHECK(model.outcome != Model::Outcome::started);
      if (!fault.failsStartup) CHECK(model.outcome == Model::Outcome::started);
      const std::string mismatch = runSpec(spec, &stats);
      CHECK(mismatch.empty());
      ++cases;
    }
  }
  std::printf(
      "failure injection: %d cases (%zu injection points x 2 boot-failure policies), %ld instances created, "
      "outcomes:",
      cases, faults().size(), stats.instances);
  for (const auto& [outcome, count] : stats.outcomes) std::printf(" %s %ld,", outcome.c_str(), count);
  std::printf("\n");
}
