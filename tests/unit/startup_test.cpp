// SPDX-License-Identifier: Apache-2.0
// Tests of the start and stop sequence: boot-failure policy, the start-up result, lifecycle hooks, unwinding.
#include "support/catch.hpp"
#include "support/features.hpp"
#include "support/services.hpp"

#include <rigging/create_backend.hpp>
#include <rigging/startup_result.hpp>
#include <rigging/testing.hpp>

#include <chrono>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

using namespace rigging;
using namespace rigging::test;

namespace {

// The config of the seeds' backend.startup section.
auto startupConfig(ConfigObject startup) {
  return rootConfigServiceFactory(
      {.data = ConfigObject{{"backend", ConfigObject{{"startup", std::move(startup)}}}}});
}

const auto perPlugin = createServiceRef<Counted>("test.perPlugin");

// A plugin that uses a per-plugin service and records its lifecycle in `log`.
BackendPlugin recordingPlugin(std::string_view id, std::vector<std::string>& log, bool fails = false) {
  return pluginWith(id, deps(coreServices::lifecycle, perPlugin),
                    [&log, id = std::string(id), fails](LifecycleService& lifecycle, Counted&) {
                      lifecycle.addStartupHook([&log, id] { log.push_back(id + ":startup"); });
                      lifecycle.addShutdownHook([&log, id] { log.push_back(id + ":shutdown"); });
                      log.push_back(id + ":init");
                      if (fails) throw std::runtime_error(id + " cannot start");
                    });
}

auto perPluginFactory() {
  return createServiceFactory(perPlugin, deps(coreServices::pluginMetadata),
                              [](PluginMetadataService& m) { return Counted(m.getId()); });
}

}  // namespace

TEST_CASE("startup: with 'continue', a failing plugin lets the others start and is recorded", "[startup]") {
  Counted::reset();
  std::vector<std::string> log;
  auto backend = createBackend();
  backend.add(startupConfig({{"default", ConfigObject{{"onPluginBootFailure", "continue"}}}}));
  backend.add(perPluginFactory());
  backend.add(recordingPlugin("p", log, true));
  backend.add(recordingPlugin("q", log));
  const auto& result = backend.start();
  CHECK(result.ok());
  REQUIRE(result.plugins.size() == 2);
  CHECK(result.plugins[0].pluginId == "p");
  CHECK(result.plugins[0].status == StartupStatus::failed);
  REQUIRE(result.plugins[0].failure.has_value());
  CHECK(result.plugins[0].failure->allowed);
  CHECK(result.plugins[0].failure->message == "p cannot start");
  CHECK(result.plugins[1].status == StartupStatus::ok);
  CHECK(log == std::vector<std::string>{"p:init", "q:init", "q:startup"});
  backend.stop();
  CHECK(log.back() ==
        "p:shutdown");  // hooks a failed plugin registered still run at stop, last started first
  CHECK(Counted::live == 0);
}

TEST_CASE("startup: with 'abort', start() throws after the others finished, having unwound them",
          "[startup]") {
  Counted::reset();
  std::vector<std::string> log;
  bool rootStartup = false;
  std::vector<std::string> rootPhases;
  auto backend = createBackend();
  backend.add(perPluginFactory());
  backend.add(recordingPlugin("p", log, true));
  backend.add(recordingPlugin("q", log));
  backend.add(pluginWith("r", deps(coreServices::rootLifecycle), [&](RootLifecycleService& root) {
    root.addStartupHook([&] { rootStartup = true; });
    root.addBeforeShutdownHook([&] { rootPhases.push_back("before-shutdown"); });
    root.addShutdownHook([&] { rootPhases.push_back("shutdown:" + std::to_string(Counted::live)); });
  }));
  try {
    backend.start();
    FAIL("start() must throw");
  } catch (const BackendStartupError& e) {
    CHECK(std::string(e.what()) ==
          "Backend startup failed due to the following errors:\n  Plugin 'p' startup failed; caused by p "
          "cannot "
          "start");
    CHECK(e.result().plugin("q")->status == StartupStatus::ok);
    CHECK(e.result().plugin("r")->status == StartupStatus::ok);
    CHECK_FALSE(e.result().ok());
  }
  // q finished (and its startup hooks ran) before the unwinding ran its shutdown hooks.
  CHECK(log == std::vector<std::string>{"p:init", "q:init", "q:startup", "q:shutdown", "p:shutdown"});
  CHECK_FALSE(rootStartup);  // root startup hooks only when start-up succeeded
  // Root shutdown hooks run after the plugins' and before any instance is destroyed.
  CHECK(rootPhases == std::vector<std::string>{"before-shutdown", "shutdown:2"});
  CHECK(Counted::live == 0);
  backend.stop();  // already unwound: nothing to do
  CHECK(log.size() == 5);
  CHECK_THROWS_MATCHES(backend.start(), BackendStateError, Catch::Message("Backend has already stopped"));
}

TEST_CASE("startup: the policy is read per plugin and per module", "[startup]") {
  const ConfigObject optional{{"onPluginModuleBootFailure", "continue"}};
  const ConfigObject flakyConfig{{"onPluginBootFailure", "continue"},
                                 {"modules", ConfigObject{{"optional", optional}}}};
  auto config = startupConfig({
      {"default", ConfigObject{{"onPluginBootFailure", "abort"}, {"onPluginModuleBootFailure", "abort"}}},
      {"plugins", ConfigObject{{"flaky", flakyConfig}}},
  });
  std::vector<std::string> ran;
  auto backend = createBackend();
  backend.add(config);
  backend.add(pluginWith("flaky", deps(), [&] {
    ran.push_back("flaky");
    throw std::runtime_error("flaky failed");
  }));
  backend.add(moduleWith("flaky", "optional", deps(), [&] {
    ran.push_back("optional");
    throw std::runtime_error("optional failed");
  }));
  backend.add(moduleWith("flaky", "sibling", deps(), [&] { ran.push_back("sibling"); }));
  backend.add(pluginWith("solid", deps(), [&] { ran.push_back("solid"); }));
  const auto& result = backend.start();
  CHECK(result.ok());
  // A failed module never stops its siblings or its plugin's init from running.
  CHECK(ran == std::vector<std::string>{"optional", "sibling", "flaky", "solid"});
  const auto* flaky = result.plugin("flaky");
  REQUIRE(flaky != nullptr);
  CHECK(flaky->module("optional")->status == StartupStatus::failed);
  CHECK(flaky->module("optional")->failure->allowed);
  CHECK(flaky->module("sibling")->status == StartupStatus::ok);
  CHECK(flaky->failure->allowed);
}

TEST_CASE("startup: a plugin's 'continue' also permits its modules' failures, as in Backstage", "[startup]") {
  // The module's own policy is 'abort' (the default); in Backstage its failure then fails the plugin, whose
  // policy permits it. Another plugin's module is not covered.
  auto backend = createBackend();
  backend.add(startupConfig(
      {{"plugins", ConfigObject{{"catalog", ConfigObject{{"onPluginBootFailure", "continue"}}}}}}));
  backend.add(pluginWith("catalog", deps(), [] {}));
  backend.add(moduleWith("catalog", "github", deps(), [] { throw std::runtime_error("bad token"); }));
  const auto& result = backend.start();
  CHECK(result.ok());
  const auto* github = result.plugin("catalog")->module("github");
  REQUIRE(github != nullptr);
  CHECK(github->status == StartupStatus::failed);
  REQUIRE(github->failure.has_value());
  CHECK(github->failure->allowed);
  backend.stop();

  auto strict = createBackend();
  strict.add(startupConfig(
      {{"plugins", ConfigObject{{"catalog", ConfigObject{{"onPluginBootFailure", "continue"}}}}}}));
  strict.add(pluginWith("catalog", deps(), [] {}));
  strict.add(pluginWith("search", deps(), [] {}));
  strict.add(moduleWith("search", "index", deps(), [] { throw std::runtime_error("no index"); }));
  CHECK_THROWS_MATCHES(
      strict.start(), BackendStartupError,
      Catch::Message("Backend startup failed due to the following errors:\n  Module 'index' for "
                     "plugin 'search' startup failed; caused by no index"));
}

TEST_CASE("startup: a module failure aborts by default and names the module", "[startup]") {
  auto backend = createBackend();
  backend.add(pluginWith("catalog", deps(), [] {}));
  backend.add(moduleWith("catalog", "github", deps(), [] { throw std::runtime_error("bad token"); }));
  try {
    backend.start();
    FAIL("start() must throw");
  } catch (const BackendStartupError& e) {
    CHECK(std::string(e.what()) ==
          "Backend startup failed due to the following errors:\n  Module 'github' for plugin "
          "'catalog' startup failed; caused by bad token");
    CHECK(e.result().plugin("catalog")->status == StartupStatus::ok);
  }
}

TEST_CASE("startup: an invalid policy value is a validation error naming the key", "[startup]") {
  bool ran = false;
  bool rootRan = false;  // a root factory must not run either: the policy is read before root services
  const auto rootRef = createServiceRef<Named, RootScope>("test.root");
  auto backend = createBackend();
  backend.add(startupConfig({{"default", ConfigObject{{"onPluginBootFailure", "ignore"}}}}));
  backend.add(createServiceFactory(rootRef, deps(), [&rootRan] {
    rootRan = true;
    return Named("root");
  }));
  backend.add(pluginWith("p", deps(), [&] { ran = true; }));
  try {
    backend.start();
    FAIL("start() must throw");
  } catch (const ValidationError& e) {
    REQUIRE(e.problems().size() == 1);
    CHECK(e.problems()[0].kind == Problem::Kind::invalid_config);
    CHECK(e.problems()[0].message ==
          "Invalid value 'ignore' for config key "
          "'backend.startup.default.onPluginBootFailure'; use 'abort' or 'continue'");
  }
  CHECK_FALSE(ran);
  CHECK_FALSE(rootRan);
}

TEST_CASE("startup: a lazy rootConfig is still read for the boot-failure policy", "[startup]") {
  auto backend = createBackend();
  backend.add(mockServices::rootLogger::factory());  // keeps the failure off the test's output
  backend.add(createServiceFactory(
      coreServices::rootConfig, deps(),
      [] {
        return ConfigReader(ConfigObject{
            {"backend", ConfigObject{{"startup", ConfigObject{{"default", ConfigObject{{"onPluginBootFailure",
                                                                                        "continue"}}}}}}}});
      },
      Initialization::lazy));
  backend.add(pluginWith("p", deps(), [] { throw std::runtime_error("init failed"); }));
  const auto& result = backend.start();  // `continue`: the failure is allowed
  REQUIRE(result.plugin("p") != nullptr);
  CHECK(result.plugin("p")->status == StartupStatus::failed);
}

TEST_CASE("startup: stop runs before-shutdown, plugin shutdown and root shutdown hooks, then destroys",
          "[startup][lifecycle]") {
  Counted::reset();
  std::vector<std::string> log;
  auto backend = createBackend();
  backend.add(perPluginFactory());
  backend.add(recordingPlugin("a", log));
  backend.add(recordingPlugin("b", log));
  backend.add(pluginWith("root-user", deps(coreServices::rootLifecycle), [&](RootLifecycleService& root) {
    root.addStartupHook([&] { log.push_back("root:startup"); });
    root.addBeforeShutdownHook([&] { log.push_back("root:before-shutdown"); });
    root.addShutdownHook([&] { log.push_back("root:shutdown"); });
  }));
  backend.start();
  CHECK(log == std::vector<std::string>{"a:init", "a:startup", "b:init", "b:startup", "root:startup"});
  log.clear();
  backend.stop();
  CHECK(log == std::vector<std::string>{"root:before-shutdown", "b:shutdown", "a:shutdown", "root:shutdown"});
  CHECK(Counted::destroyed == std::vector<std::string>{"b", "a"});
  backend.stop();
  CHECK(log.size() == 4);
}

TEST_CASE("startup: a throwing shutdown hook does not stop the others", "[startup][lifecycle]") {
  std::vector<std::string> log;
  auto backend = startTestBackend(
      {.features = {pluginWith("p", deps(coreServices::lifecycle),
                               [&](LifecycleService& lifecycle) {
                                 lifecycle.addShutdownHook([&] { log.push_back("first"); });
                                 lifecycle.addShutdownHook([] { throw std::runtime_error("hook failed"); },
                                                           {"flaky hook"});
                                 lifecycle.addShutdownHook([&] { log.push_back("third"); });
                               }),
                    pluginWith("q", deps(coreServices::lifecycle), [&](LifecycleService& lifecycle) {
                      lifecycle.addShutdownHook([&] { log.push_back("q"); });
                    })}});
  CHECK_THROWS_WITH(backend.stop(),
                    "Failed to stop the test backend: shutdown hook 'flaky hook' of plugin 'p' "
                    "failed: hook failed");                       // reported ...
  CHECK(log == std::vector<std::string>{"q", "first", "third"});  // ... and the others still ran
}

TEST_CASE("startup: the result lists every plugin with its time", "[startup]") {
  auto backend = createBackend();
  backend.add(pluginWith("a", deps(), [] {}));
  backend.add(moduleWith("a", "m", deps(), [] {}));
  backend.add(pluginWith("b", deps(), [] {}));
  const auto& result = backend.start();
  REQUIRE(result.plugins.size() == 2);
  CHECK(result.plugins[0].pluginId == "a");
  CHECK(result.plugins[0].modules.size() == 1);
  CHECK(result.plugins[0].duration.count() >= 0);
  CHECK(result.plugins[0].duration >= result.plugins[0].modules[0].duration);
  CHECK(result.duration >= result.plugins[0].duration);
  CHECK(&backend.startupResult() == &result);
}

TEST_CASE("startup: each module's time is its own; the plugin's covers its eager services, modules and init",
          "[startup]") {
  using std::chrono::milliseconds;
  auto nap = [](int ms) { std::this_thread::sleep_for(milliseconds(ms)); };
  const auto slow = createServiceRef<Counted>("test.slowEager");
  auto backend = createBackend();
  backend.add(createServiceFactory(
      slow, deps(),
      [&] {
        nap(300);
        return Counted("slow");
      },
      Initialization::always));
  backend.add(pluginWith("timed", deps(), [&] { nap(20); }));
  backend.add(moduleWith("timed", "first", deps(), [&] { nap(40); }));
  backend.add(moduleWith("timed", "second", deps(), [&] { nap(10); }));
  const auto& result = backend.start();
  REQUIRE(result.plugins.size() == 1);
  const auto& plugin = result.plugins[0];
  REQUIRE(plugin.modules.size() == 2);
  const auto first = plugin.modules[0].duration;
  const auto second = plugin.modules[1].duration;
  CHECK(first >= milliseconds(40));
  CHECK(second >= milliseconds(10));
  CHECK(first < milliseconds(300));  // the eager service's time is not the first module's
  CHECK(second < milliseconds(300));
  CHECK(plugin.duration >= milliseconds(300 + 40 + 10 + 20));
  CHECK(plugin.duration >= first + second + milliseconds(300 + 20));
}

TEST_CASE("startup: plugin-scoped services with 'always' are created for every plugin before its modules",
          "[startup][initialization]") {
  Counted::reset();
  const auto always = createServiceRef<Counted>("test.always");
  auto backend = createBackend();
  backend.add(createServiceFactory(
      always, deps(coreServices::pluginMetadata),
      [](PluginMetadataService& m) { return Counted("always:" + std::string(m.getId())); },
      Initialization::always));
  backend.add(pluginWith("a", deps(), [] { Counted::names.emplace_back("a:init"); }));
  backend.add(moduleWith("a", "m", deps(), [] { Counted::names.emplace_back("a.m:init"); }));
  backend.add(pluginWith("b", deps(), [] {}));
  backend.start();
  CHECK(Counted::names == std::vector<std::string>{"always:a", "a.m:init", "a:init", "always:b"});
}

TEST_CASE("startup: rootInstanceMetadata lists the installed plugins and their modules",
          "[startup][core_services]") {
  std::vector<InstalledPlugin> seen;
  auto backend = createBackend();
  backend.add(moduleWith("early", "m", deps(), [] {}));
  backend.add(moduleWith("catalog", "github", deps(), [] {}));
  backend.add(
      pluginWith("catalog", deps(coreServices::rootInstanceMetadata),
                 [&](RootInstanceMetadataService& metadata) { seen = metadata.getInstalledPlugins(); }));
  backend.add(pluginWith("search", deps(), [] {}));
  backend.add(moduleWith("absent", "orphan", deps(), [] {}));
  backend.start();
  // As in Backstage, a module installed without its plugin lists its plugin id too, and each id comes in the
  // order its plugin or first module was added.
  REQUIRE(seen.size() == 4);
  CHECK(seen[0].pluginId == "early");
  CHECK(seen[0].modules == std::vector<std::string>{"m"});
  CHECK(seen[1].pluginId == "catalog");
  CHECK(seen[1].modules == std::vector<std::string>{"github"});
  CHECK(seen[2].pluginId == "search");
  CHECK(seen[2].modules.empty());
  CHECK(seen[3].pluginId == "absent");
  CHECK(seen[3].modules == std::vector<std::string>{"orphan"});
}

TEST_CASE("startup: a factory added for core.rootInstanceMetadata replaces the built-in list",
          "[startup][core_services]") {
  // DESIGN: every core service but core.pluginMetadata is replaceable by adding a factory for its ref.
  auto backend = createBackend();
  backend.add(mockServices::rootInstanceMetadata::factory({.plugins = {{"elsewhere", {"m"}}}}));
  std::vector<InstalledPlugin> seen;
  backend.add(
      pluginWith("catalog", deps(coreServices::rootInstanceMetadata),
                 [&seen](RootInstanceMetadataService& metadata) { seen = metadata.getInstalledPlugins(); }));
  backend.start();
  REQUIRE(seen.size() == 1);
  CHECK(seen[0].pluginId == "elsewhere");
  CHECK(seen[0].modules == std::vector<std::string>{"m"});
}

TEST_CASE("startup: two factories added for core.rootInstanceMetadata are a duplicate, like any service",
          "[startup][core_services]") {
  auto backend = createBackend();
  backend.add(mockServices::rootInstanceMetadata::factory());
  backend.add(mockServices::rootInstanceMetadata::factory());
  try {
    backend.start();
    FAIL("start() must throw");
  } catch (const ValidationError& e) {
    REQUIRE(e.problems().size() == 1);
    CHECK(e.problems()[0].kind == Problem::Kind::duplicate_factory);
    CHECK(e.problems()[0].ids == std::vector<std::string>{"core.rootInstanceMetadata"});
  }
}

TEST_CASE("startup: stop() says whether every hook succeeded", "[startup][lifecycle]") {
  auto backend = createBackend();
  backend.add(mockServices::rootLogger::factory());  // keeps the hook's failure off the test's output
  backend.add(pluginWith("p", deps(coreServices::rootLifecycle), [](RootLifecycleService& root) {
    root.addBeforeShutdownHook([] { throw std::runtime_error("drain failed"); });
  }));
  backend.start();
  CHECK_FALSE(backend.stop());
  CHECK(backend.stop());  // nothing left to do
}
