// SPDX-License-Identifier: Apache-2.0
// Tests of feature loaders: root deps created first and alone, precedence, and the errors they can cause.
#include "support/catch.hpp"
#include "support/features.hpp"
#include "support/services.hpp"

#include <rigging/create_backend.hpp>
#include <rigging/feature_loader.hpp>

#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

using namespace rigging;
using namespace rigging::test;

namespace {

const auto flags = createServiceRef<Named, RootScope>("test.flags");
const auto other = createServiceRef<Named, RootScope>("test.other");
const auto greeting = createServiceRef<Named>("test.greeting");

}  // namespace

TEST_CASE("feature loader: enables features from config, creating only the root services it needs",
          "[feature_loader]") {
  std::vector<std::string> log;
  auto backend = createBackend();
  backend.add(rootConfigServiceFactory({.data = ConfigObject{{"plugins", ConfigArray{"catalog"}}}}));
  backend.add(createServiceFactory(other, deps(), [&] {
    log.push_back("other");
    return Named("other");
  }));
  backend.add(createBackendFeatureLoader(deps(coreServices::rootConfig), [&](RootConfigService& config) {
    log.push_back("loader");
    std::vector<BackendFeature> features;
    for (const auto& id : config.getStringArray("plugins")) {
      features.emplace_back(pluginWith(id, deps(), [&log, id] { log.push_back(id); }));
    }
    return features;
  }));
  backend.start();
  CHECK(log == std::vector<std::string>{"loader", "other", "catalog"});
}

TEST_CASE("feature loader: an added factory wins over a loader's, silently", "[feature_loader]") {
  std::string got;
  auto backend = createBackend();
  backend.add(createBackendFeatureLoader(deps(), [] {
    return std::vector<BackendFeature>{
        createServiceFactory(greeting, deps(), [] { return Named("loader"); })};
  }));
  backend.add(createServiceFactory(greeting, deps(), [] { return Named("added"); }));
  backend.add(pluginWith("p", deps(greeting), [&](Named& n) { got = n.name; }));
  backend.start();
  CHECK(got == "added");
}

TEST_CASE("feature loader: a multiton gets the added factories and the loaders' too, added ones first",
          "[feature_loader][multiton]") {
  // As in Backstage, where a loader's factory is skipped only for a singleton that was added explicitly.
  const auto checks = createServiceRef<Named>("test.checks", multiton);
  std::vector<std::string> got;
  auto backend = createBackend();
  backend.add(createBackendFeatureLoader(deps(), [&checks] {
    return std::vector<BackendFeature>{createServiceFactory(checks, deps(), [] { return Named("loader"); })};
  }));
  backend.add(createServiceFactory(checks, deps(), [] { return Named("added"); }));
  backend.add(pluginWith("p", deps(checks), [&](ServiceRange<Named> all) {
    for (const Named& n : all) got.push_back(n.name);
  }));
  backend.start();
  CHECK(got == std::vector<std::string>{"added", "loader"});
}

TEST_CASE("feature loader: a loader's factory wins over a default one", "[feature_loader]") {
  std::string got;
  auto backend =
      createSpecializedBackend(createServiceFactory(greeting, deps(), [] { return Named("default"); }));
  backend.add(createBackendFeatureLoader(deps(), [] {
    return std::vector<BackendFeature>{
        createServiceFactory(greeting, deps(), [] { return Named("loader"); })};
  }));
  backend.add(pluginWith("p", deps(greeting), [&](Named& n) { got = n.name; }));
  backend.start();
  CHECK(got == "loader");
}

TEST_CASE(
    "feature loader: a loader given rootInstanceMetadata sees every plugin once the backend has started",
    "[feature_loader][core_services]") {
  // The loader runs before plugins register, so the list it holds is filled in afterwards, with the plugins
  // it yielded too.
  const RootInstanceMetadataService* held = nullptr;
  auto backend = createBackend();
  backend.add(pluginWith("added", deps(), [] {}));
  backend.add(createBackendFeatureLoader(
      deps(coreServices::rootInstanceMetadata), [&](RootInstanceMetadataService& metadata) {
        held = &metadata;
        return std::vector<BackendFeature>{pluginWith("loaded", deps(), [] {})};
      }));
  backend.start();
  REQUIRE(held != nullptr);
  const auto& plugins = held->getInstalledPlugins();
  REQUIRE(plugins.size() == 2);
  CHECK(plugins[0].pluginId == "added");
  CHECK(plugins[1].pluginId == "loaded");
}

TEST_CASE("feature loader: loaders may yield loaders, plugins and modules", "[feature_loader]") {
  std::vector<std::string> log;
  auto backend = createBackend();
  backend.add(createBackendFeatureLoader(deps(), [&] {
    return std::vector<BackendFeature>{
        createBackendFeatureLoader(deps(),
                                   [&] {
                                     return std::vector<BackendFeature>{
                                         pluginWith("inner", deps(), [&] { log.push_back("inner"); })};
                                   }),
        createBackendModule("inner", "mod", [&](ModuleRegistrationPoints& env) {
          env.registerInit(deps(), [&] { log.push_back("inner.mod"); });
        })};
  }));
  backend.start();
  CHECK(log == std::vector<std::string>{"inner.mod", "inner"});
}

namespace {
// Where a loader made on line `line` of this file is said to be created.
std::string madeAt(unsigned line) {
  return "created at 'feature_loader_test.cpp:" + std::to_string(line) + "'";
}
}  // namespace

TEST_CASE("feature loader: a loader's loaders run right after it, before the loaders added after it",
          "[feature_loader]") {
  // Backstage applies loaders depth first: a service that a loader's loader provides is known before a later
  // loader needs it (run breadth first, the later loader would get the ref's default, and the nested loader's
  // factory would then be refused as replacing an instance already made).
  const auto clock = createServiceRef<Named, RootScope>("test.clock", [](auto service) {
    return createServiceFactory(service, deps(), [] { return Named("default clock"); });
  });
  std::vector<std::string> seen;
  auto backend = createBackend();
  backend.add(createBackendFeatureLoader(deps(), [&] {
    seen.emplace_back("outer");
    return std::vector<BackendFeature>{createBackendFeatureLoader(deps(), [&] {
      seen.emplace_back("nested");
      return std::vector<BackendFeature>{
          createServiceFactory(clock, deps(), [] { return Named("nested clock"); })};
    })};
  }));
  backend.add(createBackendFeatureLoader(deps(clock), [&](Named& c) {
    seen.push_back("later saw " + c.name);
    return std::vector<BackendFeature>{};
  }));
  backend.add(createBackendFeatureLoader(
      deps(), []() -> std::vector<BackendFeature> { throw std::runtime_error("last"); }));
  // Numbered in the order they run: the nested loader is #2, so the last one is #4.
  CHECK_THROWS_WITH(backend.start(), Catch::StartsWith("Feature loader #4 created at"));
  CHECK(seen == std::vector<std::string>{"outer", "nested", "later saw nested clock"});
}

TEST_CASE("feature loader: two loaders providing one service is a duplicate that names both",
          "[feature_loader][validation]") {
  // Backstage: "Duplicate service implementations provided for <id> by both feature loader <a> and feature
  // loader <b>".
  auto loader = [](unsigned line) {
    return createBackendFeatureLoader(
        deps(),
        [] {
          return std::vector<BackendFeature>{
              createServiceFactory(greeting, deps(), [] { return Named("x"); })};
        },
        __FILE__, line);
  };
  auto backend = createBackend();
  backend.add(loader(10));
  backend.add(loader(20));
  const auto problems = problemsOf(backend);
  REQUIRE(problems.size() == 1);
  CHECK(problems[0].kind == Problem::Kind::duplicate_factory);
  CHECK_THAT(problems[0].message,
             Catch::Contains("provided for 'test.greeting' by both feature loader #1 " + madeAt(10) +
                             " and feature loader #2 " + madeAt(20) + "; add only one factory for it"));
}

TEST_CASE("feature loader: one loader giving two factories for a service is a duplicate that names it once",
          "[feature_loader][validation]") {
  auto backend = createBackend();
  backend.add(createBackendFeatureLoader(
      deps(),
      [] {
        return std::vector<BackendFeature>{createServiceFactory(greeting, deps(), [] { return Named("a"); }),
                                           createServiceFactory(greeting, deps(), [] { return Named("b"); })};
      },
      __FILE__, 30));
  const auto problems = problemsOf(backend);
  REQUIRE(problems.size() == 1);
  CHECK(problems[0].kind == Problem::Kind::duplicate_factory);
  CHECK_THAT(problems[0].message,
             Catch::Contains("provided for 'test.greeting' by feature loader #1 " + madeAt(30) +
                             " more than once; add only one factory for it"));
}

TEST_CASE("feature loader: it is named by where it was created, without the file's directories",
          "[feature_loader]") {
  auto failing = [](const char* file, unsigned line) {
    return createBackendFeatureLoader(
        deps(), []() -> std::vector<BackendFeature> { throw std::runtime_error("boom"); }, file, line);
  };
  SECTION("a path") {
    auto backend = createBackend();
    backend.add(failing("/src/plugins/catalog/loaders.cpp", 42));
    CHECK_THROWS_WITH(backend.start(), "Feature loader #1 created at 'loaders.cpp:42' threw an error: boom");
  }
  SECTION("a Windows path") {
    auto backend = createBackend();
    backend.add(failing("C:\\src\\loaders.cpp", 7));
    CHECK_THROWS_WITH(backend.start(), "Feature loader #1 created at 'loaders.cpp:7' threw an error: boom");
  }
  SECTION("a file name that does not outlive the call") {
    auto backend = createBackend();
    {
      std::string file = "/tmp/generated/plugin_loader.cpp";
      backend.add(failing(file.c_str(), 3));
      file.assign(file.size(), 'x');  // the loader keeps its own copy
    }
    CHECK_THROWS_WITH(backend.start(),
                      "Feature loader #1 created at 'plugin_loader.cpp:3' threw an error: boom");
  }
  SECTION("no file: the number alone") {
    auto backend = createBackend();
    backend.add(failing(nullptr, 0));
    CHECK_THROWS_WITH(backend.start(), "Feature loader #1 threw an error: boom");
  }
  SECTION("by default, the line that called createBackendFeatureLoader") {
    auto backend = createBackend();
    const unsigned line = __LINE__ + 1;
    backend.add(createBackendFeatureLoader(
        deps(), []() -> std::vector<BackendFeature> { throw std::runtime_error("boom"); }));
    CHECK_THROWS_WITH(backend.start(), "Feature loader #1 " + madeAt(line) + " threw an error: boom");
  }
}

TEST_CASE("feature loader: replacing a service a loader already used is rejected",
          "[feature_loader][validation]") {
  Counted::reset();
  const auto used = createServiceRef<Counted, RootScope>("test.used");
  auto loaderReplacingUsed = [used] {
    return createBackendFeatureLoader(deps(used), [used](Counted&) {
      return std::vector<BackendFeature>{
          createServiceFactory(used, deps(), [] { return Counted("from loader"); })};
    });
  };
  SECTION("an added factory wins, so the loader's factory is ignored") {
    auto backend = createBackend();
    backend.add(createServiceFactory(used, deps(), [] { return Counted("added"); }));
    backend.add(loaderReplacingUsed());
    backend.start();
    CHECK(Counted::names == std::vector<std::string>{"added"});
  }
  SECTION("a default factory would be replaced after its instance was made for the loader") {
    auto backend =
        createSpecializedBackend(createServiceFactory(used, deps(), [] { return Counted("default"); }));
    backend.add(loaderReplacingUsed());
    const auto problems = problemsOf(backend);
    REQUIRE(problems.size() == 1);
    CHECK(problems[0].kind == Problem::Kind::replaced_after_instantiation);
    CHECK_THAT(problems[0].message,
               Catch::Contains("Unable to set service factory with id 'test.used', service has "
                               "already been instantiated"));
  }
  CHECK(Counted::live == 0);
}

TEST_CASE("feature loader: its missing deps are reported, naming the loader",
          "[feature_loader][validation]") {
  const auto absent = createServiceRef<Named, RootScope>("test.absent");
  bool ran = false;
  auto backend = createBackend();
  const unsigned line = __LINE__ + 1;
  backend.add(createBackendFeatureLoader(deps(absent), [&](Named&) {
    ran = true;
    return std::vector<BackendFeature>{};
  }));
  const auto problems = problemsOf(backend);
  CHECK_FALSE(ran);
  REQUIRE(problems.size() == 1);
  CHECK(problems[0].kind == Problem::Kind::missing_dependency);
  CHECK(problems[0].neededBy == std::vector<std::string>{"feature loader #1 " + madeAt(line)});
}

TEST_CASE("feature loader: a loader that depends on a plugin-scoped service at run time is rejected",
          "[feature_loader][validation]") {
  // The ref the loader holds says root; the factory added for the same id says plugin.
  const auto declaredRoot = createServiceRef<Named, RootScope>("test.shared");
  const auto providedPlugin = createServiceRef<Named>("test.shared");
  auto backend = createBackend();
  backend.add(createServiceFactory(providedPlugin, deps(), [] { return Named("p"); }));
  const unsigned line = __LINE__ + 2;  // the line that names createBackendFeatureLoader
  backend.add(
      createBackendFeatureLoader(deps(declaredRoot), [](Named&) { return std::vector<BackendFeature>{}; }));
  const auto problems = problemsOf(backend);
  const std::string expected =
      "Feature loader #1 " + madeAt(line) + " depends on plugin-scoped service 'test.shared'";
  CHECK(std::any_of(problems.begin(), problems.end(),
                    [&](const Problem& p) { return p.message.find(expected) != std::string::npos; }));
}

TEST_CASE("feature loader: a throwing loader unwinds what it needed", "[feature_loader]") {
  Counted::reset();
  const auto used = createServiceRef<Counted, RootScope>("test.used");
  auto backend = createBackend();
  backend.add(createServiceFactory(used, deps(), [] { return Counted("used"); }));
  const unsigned line = __LINE__ + 1;
  backend.add(createBackendFeatureLoader(deps(used), [](Counted&) -> std::vector<BackendFeature> {
    throw std::runtime_error("no features today");
  }));
  CHECK_THROWS_WITH(backend.start(),
                    "Feature loader #1 " + madeAt(line) + " threw an error: no features today");
  CHECK(Counted::live == 0);
}

TEST_CASE("feature loader: a loader that returns a moved-from feature is an error that names the loader",
          "[feature_loader]") {
  auto backend = createBackend();
  const unsigned line = __LINE__ + 1;
  backend.add(createBackendFeatureLoader(deps(), [] {
    auto factory = createServiceFactory(greeting, deps(), [] { return Named("moved"); });
    const BackendFeature taken = std::move(factory);
    return std::vector<BackendFeature>{taken, factory};  // `factory` was moved from: it is empty
  }));
  try {
    backend.start();
    FAIL("start() must throw");
  } catch (const Error& e) {
    CHECK(e.code() == ErrorCode::invalid_registration);
    CHECK_THAT(e.what(), Catch::Contains("Feature loader #1 " + madeAt(line) +
                                         " returned an empty feature (one that was moved from); return the "
                                         "feature itself"));
  }
}
