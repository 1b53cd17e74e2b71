// SPDX-License-Identifier: Apache-2.0
// Tests of modules and extension points: ordering, validation and the values modules receive.
#include "support/catch.hpp"
#include "support/features.hpp"
#include "support/services.hpp"

#include <rigging/create_backend.hpp>
#include <rigging/extension_point.hpp>
#include <rigging/module.hpp>
#include <rigging/testing.hpp>

#include <exception>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

using namespace rigging;
using namespace rigging::test;

namespace {

struct Contributions {
  virtual ~Contributions() = default;
  virtual void add(std::string item) = 0;
};

struct ContributionList : Contributions {
  void add(std::string item) override { items.push_back(std::move(item)); }
  std::vector<std::string> items;
};

const auto pluginPoint = createExtensionPoint<Contributions>("catalog.contributions");
const auto aggregation = createExtensionPoint<Contributions>("catalog.aggregation");

}  // namespace

TEST_CASE("module: consumers of an extension point finish before the module that registers it",
          "[module][extension_point]") {
  std::vector<std::string> order;
  auto own = std::make_shared<ContributionList>();
  std::vector<std::string> seenByPlugin;
  auto backend = createBackend();
  backend.add(createBackendPlugin("catalog", [&, own](PluginRegistrationPoints& env) {
    env.registerExtensionPoint(pluginPoint, own);
    env.registerInit(deps(), [&, own] {
      order.push_back("plugin");
      seenByPlugin = own->items;
    });
  }));
  // A registers `aggregation` and is added first; B and C use it; A forwards what it got to the plugin.
  backend.add(createBackendModule("catalog", "a", [&](ModuleRegistrationPoints& env) {
    auto collected = std::make_shared<ContributionList>();
    env.registerExtensionPoint(aggregation, collected);
    env.registerInit(deps(pluginPoint), [&, collected](Contributions& plugin) {
      order.push_back("a");
      for (const auto& item : collected->items) plugin.add(item);
      plugin.add("from a");
    });
  }));
  backend.add(moduleWith("catalog", "b", deps(aggregation), [&](Contributions& agg) {
    order.push_back("b");
    agg.add("from b");
  }));
  backend.add(
      moduleWith("catalog", "c", deps(aggregation, pluginPoint), [&](Contributions& agg, Contributions&) {
        order.push_back("c");
        agg.add("from c");
      }));
  const auto& result = backend.start();
  CHECK(order == std::vector<std::string>{"b", "c", "a", "plugin"});
  CHECK(seenByPlugin == std::vector<std::string>{"from b", "from c", "from a"});
  REQUIRE(result.plugin("catalog") != nullptr);
  const auto& modules = result.plugin("catalog")->modules;
  REQUIRE(modules.size() == 3);
  CHECK(modules[0].moduleId == "b");
  CHECK(modules[2].moduleId == "a");
  for (const auto& m : modules) CHECK(m.status == StartupStatus::ok);
}

TEST_CASE("module: modules initialize before their plugin, in the order added", "[module]") {
  std::vector<std::string> order;
  auto backend = createBackend();
  backend.add(moduleWith("catalog", "first", deps(), [&] { order.push_back("first"); }));
  backend.add(pluginWith("catalog", deps(), [&] { order.push_back("catalog"); }));
  backend.add(moduleWith("catalog", "second", deps(), [&] { order.push_back("second"); }));
  backend.add(pluginWith("search", deps(), [&] { order.push_back("search"); }));
  backend.add(moduleWith("search", "one", deps(), [&] { order.push_back("search.one"); }));
  backend.start();
  CHECK(order == std::vector<std::string>{"first", "second", "catalog", "search.one", "search"});
}

TEST_CASE("module: a module whose plugin is absent does not run, and the result says so", "[module]") {
  bool ran = false;
  auto backend = createBackend();
  backend.add(pluginWith("catalog", deps(), [] {}));
  backend.add(moduleWith("scaffolder", "github", deps(aggregation), [&](Contributions&) { ran = true; }));
  const auto& result = backend.start();
  CHECK_FALSE(ran);
  CHECK(result.ok());
  const auto* absent = result.plugin("scaffolder");
  REQUIRE(absent != nullptr);
  CHECK(absent->status == StartupStatus::skipped);
  REQUIRE(absent->modules.size() == 1);
  CHECK(absent->modules[0].moduleId == "github");
  CHECK(absent->modules[0].status == StartupStatus::skipped);
}

TEST_CASE("module: module deps mix services and extension points", "[module]") {
  const auto svc = createServiceRef<Named>("test.named");
  std::string got;
  auto backend = createBackend();
  backend.add(createServiceFactory(svc, deps(coreServices::pluginMetadata),
                                   [](PluginMetadataService& m) { return Named(std::string(m.getId())); }));
  backend.add(createBackendPlugin("catalog", [](PluginRegistrationPoints& env) {
    env.registerExtensionPoint(pluginPoint, std::make_shared<ContributionList>());
    env.registerInit(deps(), [] {});
  }));
  backend.add(moduleWith("catalog", "mixed", deps(svc, pluginPoint), [&](Named& n, Contributions& c) {
    got = n.name;
    c.add(n.name);
  }));
  backend.start();
  CHECK(got == "catalog");  // modules share their plugin's instances
}

TEST_CASE("module: an extension point factory gives each consuming module its own value", "[module]") {
  std::vector<std::string> made;
  std::vector<Contributions*> seen;
  auto backend = createBackend();
  backend.add(createBackendPlugin("catalog", [&](PluginRegistrationPoints& env) {
    env.registerExtensionPoint(pluginPoint, [&](std::string_view moduleId) {
      made.emplace_back(moduleId);
      return std::make_unique<ContributionList>();
    });
    env.registerInit(deps(), [] {});
  }));
  backend.add(moduleWith("catalog", "one", deps(pluginPoint), [&](Contributions& c) { seen.push_back(&c); }));
  backend.add(moduleWith("catalog", "two", deps(pluginPoint), [&](Contributions& c) { seen.push_back(&c); }));
  backend.start();
  CHECK(made == std::vector<std::string>{"one", "two"});
  REQUIRE(seen.size() == 2);
  CHECK(seen[0] != seen[1]);
}

TEST_CASE("module: a cycle between modules through extension points is reported with its path", "[module]") {
  const auto x = createExtensionPoint<Contributions>("catalog.x");
  const auto y = createExtensionPoint<Contributions>("catalog.y");
  auto backend = createBackend();
  backend.add(pluginWith("catalog", deps(), [] {}));
  backend.add(createBackendModule("catalog", "a", [x, y](ModuleRegistrationPoints& env) {
    env.registerExtensionPoint(x, std::make_shared<ContributionList>());
    env.registerInit(deps(y), [](Contributions&) {});
  }));
  backend.add(createBackendModule("catalog", "b", [x, y](ModuleRegistrationPoints& env) {
    env.registerExtensionPoint(y, std::make_shared<ContributionList>());
    env.registerInit(deps(x), [](Contributions&) {});
  }));
  const auto problems = problemsOf(backend);
  REQUIRE(problems.size() == 1);
  CHECK(problems[0].kind == Problem::Kind::module_cycle);
  CHECK(problems[0].ids == std::vector<std::string>{"a", "b", "a"});
  CHECK_THAT(problems[0].message,
             Catch::Contains("Circular dependency between modules of plugin 'catalog': 'a' -> 'b' -> 'a'"));
}

TEST_CASE("module: extension point misuse is reported, naming the plugins involved", "[module][validation]") {
  bool ran = false;
  auto backend = createBackend();
  backend.add(createBackendPlugin("catalog", [](PluginRegistrationPoints& env) {
    env.registerExtensionPoint(pluginPoint, std::make_shared<ContributionList>());
    env.registerInit(deps(), [] {});
  }));
  backend.add(pluginWith("search", deps(), [&] { ran = true; }));
  backend.add(moduleWith("search", "thief", deps(pluginPoint), [&](Contributions&) { ran = true; }));
  backend.add(moduleWith("search", "hopeful", deps(aggregation), [&](Contributions&) { ran = true; }));
  backend.add(createBackendModule("search", "again", [](ModuleRegistrationPoints& env) {
    env.registerExtensionPoint(pluginPoint, std::make_shared<ContributionList>());
    env.registerInit(deps(), [] {});
  }));
  const auto problems = problemsOf(backend);
  CHECK_FALSE(ran);
  REQUIRE(problems.size() == 3);
  CHECK(problems[0].kind == Problem::Kind::extension_point_misuse);
  CHECK_THAT(problems[0].message, Catch::Contains("'catalog.contributions' is registered twice, by plugin "
                                                  "'catalog' and by module 'again' of plugin 'search'"));
  CHECK(problems[1].kind == Problem::Kind::extension_point_misuse);
  CHECK_THAT(problems[1].message,
             Catch::Contains("Extension point 'catalog.contributions' of plugin 'catalog' is "
                             "used by module 'thief' of plugin 'search'"));
  CHECK(problems[2].kind == Problem::Kind::extension_point_missing);
  CHECK_THAT(problems[2].message,
             Catch::Contains("Extension point 'catalog.aggregation' used by module 'hopeful' "
                             "of plugin 'search' is not registered by any plugin or module"));
}

TEST_CASE("module: duplicate modules and bad registrations are reported together", "[module][validation]") {
  auto backend = createBackend();
  backend.add(pluginWith("catalog", deps(), [] {}));
  backend.add(moduleWith("catalog", "github", deps(), [] {}));
  backend.add(moduleWith("catalog", "github", deps(), [] {}));
  backend.add(createBackendModule("catalog", "silent", [](ModuleRegistrationPoints&) {}));
  backend.add(createBackendModule(
      "catalog", "broken", [](ModuleRegistrationPoints&) { throw std::runtime_error("cannot register"); }));
  const auto problems = problemsOf(backend);
  REQUIRE(problems.size() == 3);  // a register callback that threw is not also reported as missing its init
  CHECK(problems[0].kind == Problem::Kind::duplicate_module);
  CHECK(problems[0].ids == std::vector<std::string>{"catalog", "github"});
  CHECK_THAT(problems[1].message, Catch::Contains("Module 'silent' for plugin 'catalog' registered no init"));
  CHECK(problems[2].ids == std::vector<std::string>{"catalog", "broken"});
  CHECK_THAT(problems[2].message,
             Catch::Contains("Module 'broken' for plugin 'catalog' failed to register: cannot register"));
}

TEST_CASE("module: registering after registration has ended is an error", "[module]") {
  auto backend = createBackend();
  backend.add(pluginWith("catalog", deps(), [] {}));
  backend.add(createBackendModule("catalog", "late", [](ModuleRegistrationPoints& env) {
    env.registerInit(
        deps(), [&env] { env.registerExtensionPoint(aggregation, std::make_shared<ContributionList>()); });
  }));
  try {
    backend.start();
    FAIL("start() must throw");
  } catch (const BackendStartupError& e) {
    CHECK_THAT(e.what(), Catch::Contains("Module 'late' for plugin 'catalog' startup failed; caused by "
                                         "registerExtensionPoint was called after registration ended"));
  }
}

TEST_CASE("module: an extension point registered after the init is an invalid registration", "[module]") {
  // Backstage: "registerExtensionPoint called after registerInit", for plugins and modules alike.
  auto backend = createBackend();
  backend.add(createBackendPlugin("catalog", [](PluginRegistrationPoints& env) {
    env.registerInit(deps(), [] {});
    env.registerExtensionPoint(pluginPoint, std::make_shared<ContributionList>());
  }));
  backend.add(createBackendModule("catalog", "github", [](ModuleRegistrationPoints& env) {
    env.registerInit(deps(), [] {});
    env.registerExtensionPoint(aggregation, std::make_shared<ContributionList>());
  }));
  const auto problems = problemsOf(backend);
  REQUIRE(problems.size() == 2);
  for (const auto& problem : problems) {
    CHECK(problem.kind == Problem::Kind::invalid_registration);
    CHECK_THAT(problem.message, Catch::Contains("registerExtensionPoint called after registerInit; register "
                                                "every extension point first"));
  }
  CHECK_THAT(problems[0].message, Catch::Contains("'catalog'"));
  CHECK(problems[1].ids == std::vector<std::string>{"catalog", "github"});
}

TEST_CASE("module: an extension point factory that throws fails the module, naming the point and the module",
          "[module][exceptions]") {
  auto backend = createBackend();
  backend.add(mockServices::rootLogger::factory());  // keeps the module's failure off the test's output
  backend.add(createBackendPlugin("catalog", [](PluginRegistrationPoints& env) {
    env.registerExtensionPoint(aggregation, [](std::string_view) -> std::shared_ptr<Contributions> {
      throw std::runtime_error("no registry");
    });
    env.registerInit(deps(), [] {});
  }));
  backend.add(moduleWith("catalog", "github", deps(aggregation), [](Contributions&) {}));
  try {
    backend.start();
    FAIL("start() must throw");
  } catch (const BackendStartupError& e) {
    const auto* module = e.result().plugins.at(0).module("github");
    REQUIRE(module != nullptr);
    REQUIRE(module->failure.has_value());
    CHECK_THAT(
        module->failure->message,
        Catch::Contains("Failed to create extension point 'catalog.aggregation' for module 'github' of "
                        "plugin 'catalog' because its factory threw an error: no registry"));
    try {
      std::rethrow_exception(module->failure->error);
    } catch (const Error& error) {
      CHECK(error.code() == ErrorCode::factory_threw);
    }
    try {
      std::rethrow_exception(module->failure->error);
    } catch (const std::nested_exception& nested) {
      CHECK_THROWS_WITH(nested.rethrow_nested(), "no registry");  // the original is kept
    }
  }
}

TEST_CASE("module: ids follow the id rule", "[module]") {
  CHECK_THROWS_AS(createBackendModule("catalog", "Bad_Id", [](ModuleRegistrationPoints&) {}), InvalidIdError);
  CHECK_THROWS_WITH(createBackendModule("bad plugin", "ok", [](ModuleRegistrationPoints&) {}),
                    Catch::Contains("Invalid plugin ID 'bad plugin'"));
  const auto module = createBackendModule("catalog", "github-org", [](ModuleRegistrationPoints&) {});
  CHECK(module.pluginId() == "catalog");
  CHECK(module.moduleId() == "github-org");
}

TEST_CASE("module: a missing service is reported with the module that needs it", "[module][validation]") {
  const auto missing = createServiceRef<Named>("test.missing");
  auto backend = createBackend();
  backend.add(pluginWith("catalog", deps(), [] {}));
  backend.add(moduleWith("catalog", "github", deps(missing), [](Named&) {}));
  const auto problems = problemsOf(backend);
  REQUIRE(problems.size() == 1);
  CHECK(problems[0].kind == Problem::Kind::missing_dependency);
  CHECK(problems[0].neededBy == std::vector<std::string>{"module 'github' of plugin 'catalog'"});
}
