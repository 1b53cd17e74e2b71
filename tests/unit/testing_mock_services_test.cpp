// SPDX-License-Identifier: Apache-2.0
// Tests of mockServices (testing/mock_services.hpp) and of RootConfigService::subscribe.
#include "support/catch.hpp"
#include "support/features.hpp"

#include <rigging/create_backend.hpp>
#include <rigging/testing.hpp>

#include <cctype>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>
#include <tuple>
#include <vector>

using namespace rigging;
using namespace rigging::test;

namespace {

// The ids of the services the mocks provide, from each mock's factory().
template <class... Mock>
std::set<std::string> mockedIds(std::tuple<Mock...>*) {
  return {std::string(Mock::factory().service().id())...};
}

}  // namespace

TEST_CASE("mockServices: every core service but pluginMetadata has a mock", "[testing][mock_services]") {
  const auto mocked = mockedIds(static_cast<mockServices::all*>(nullptr));
  CHECK(mocked.count("core.pluginMetadata") == 0);  // built in, and never mocked

  // Every core ref declared in any header of the library: a new one without a mock fails here.
  // A scan by hand, not std::regex: g++ 12's <regex> trips -Wmaybe-uninitialized under the asan preset's -O1.
  std::set<std::string> core;
  for (const auto& entry :
       std::filesystem::recursive_directory_iterator(RIGGING_TEST_DATA_DIR "/../../include/rigging")) {
    if (entry.path().extension() != ".hpp") continue;
    std::ifstream header(entry.path());
    std::ostringstream read;  // not istreambuf_iterator: g++ 12 at -O3 warns falsely (-Wnull-dereference)
    read << header.rdbuf();
    const std::string text = read.str();
    for (auto at = text.find("createServiceRef<"); at != std::string::npos;
         at = text.find("createServiceRef<", at + 1)) {
      const auto close = text.find(">(", at);  // createServiceRef<T[, Scope]>("core.x" ...
      if (close == std::string::npos) break;
      auto quote = close + 2;
      while (quote < text.size() && std::isspace(static_cast<unsigned char>(text[quote])) != 0) ++quote;
      if (text.compare(quote, 6, "\"core.") != 0) continue;
      auto end = quote + 6;
      while (end < text.size() && std::isalpha(static_cast<unsigned char>(text[end])) != 0) ++end;
      if (end < text.size() && text[end] == '"') core.insert(text.substr(quote + 1, end - quote - 1));
    }
  }
  CHECK(core.count("core.rootConfig") == 1);  // the scan works
  CHECK(core.size() >= 7);
  // ... and every core service a real backend has.
  auto backend = createBackend();
  for (const auto& service : backend.graph().services) {
    if (service.id.rfind("core.", 0) == 0) core.insert(service.id);
  }
  for (const auto& id : core) {
    if (id == "core.pluginMetadata") continue;
    INFO("core service " << id);
    CHECK(mocked.count(id) == 1);
  }
  for (const auto& id : mocked) {
    INFO("mock of " << id);
    CHECK(core.count(id) == 1);  // and no mock of something that is not a core service
  }
}

TEST_CASE(
    "mockServices::rootConfig: reads its data, and update() notifies subscribers only when data changed",
    "[testing][mock_services][config]") {
  mockServices::rootConfig config({.data = ConfigObject{{"app", ConfigObject{{"port", 7007}}}}});
  CHECK(config.getNumber("app.port") == 7007);
  CHECK(config.getConfig("app")->getNumber("port") == 7007);

  std::vector<double> seen;
  auto subscription = config.subscribe([&] { seen.push_back(config.getNumber("app.port")); });
  CHECK_FALSE(config.update(ConfigObject{{"app", ConfigObject{{"port", 7007}}}}));  // same data
  CHECK(seen.empty());
  CHECK(config.update(ConfigObject{{"app", ConfigObject{{"port", 8080}}}}));
  CHECK(seen == std::vector<double>{8080});  // called once, with the new values readable
  CHECK_FALSE(config.update(ConfigObject{{"app", ConfigObject{{"port", 8080}}}}));
  CHECK(seen.size() == 1);
  CHECK(config.update(ConfigObject{{"app", ConfigObject{{"port", 8080}, {"host", "::"}}}}));
  CHECK(seen.size() == 2);

  subscription.unsubscribe();
  CHECK(config.update(ConfigObject{}));
  CHECK(seen.size() == 2);
  CHECK_FALSE(config.has("app"));
}

TEST_CASE("mockServices::rootConfig: a destroyed subscription stops its callback, and copies share data",
          "[testing][mock_services][config]") {
  mockServices::rootConfig config;
  const mockServices::rootConfig copy = config;
  int calls = 0;
  {
    auto subscription = copy.subscribe([&] { ++calls; });
    config.update(ConfigObject{{"a", 1}});
    CHECK(calls == 1);
    CHECK(copy.getNumber("a") == 1);
  }
  config.update(ConfigObject{{"a", 2}});
  CHECK(calls == 1);
  CHECK_THROWS_MATCHES(config.getString("missing"), ConfigError,
                       Catch::Message("Missing required config value at 'missing' in 'mock-config'"));
}

TEST_CASE("mockServices::rootConfig: a subscriber that throws does not keep the others from being called",
          "[testing][mock_services][config]") {
  mockServices::rootConfig config;
  int later = 0;
  auto throwing = config.subscribe([] { throw std::runtime_error("subscriber failed"); });
  auto counting = config.subscribe([&] { ++later; });
  CHECK_THROWS_MATCHES(config.update(ConfigObject{{"a", 1}}), std::runtime_error,
                       Catch::Message("subscriber failed"));
  CHECK(later == 1);
  CHECK(config.getNumber("a") == 1);  // the update itself took effect
  throwing.unsubscribe();
  CHECK(config.update(ConfigObject{{"a", 2}}));
  CHECK(later == 2);
}

TEST_CASE("mockServices::rootConfig: getConfig follows updates and its subscribers are called",
          "[testing][mock_services][config]") {
  mockServices::rootConfig config(
      {.data = ConfigObject{{"app", ConfigObject{{"listen", ConfigObject{{"port", 1}}}}}}});
  const auto app = config.getConfig("app");
  const auto listen = app->getConfig("listen");
  std::vector<double> seen;
  auto subscription =
      listen->subscribe([&] { seen.push_back(listen->getOptionalNumber("port").value_or(-1)); });
  CHECK(config.update(ConfigObject{{"app", ConfigObject{{"listen", ConfigObject{{"port", 2}}}}}}));
  CHECK(seen == std::vector<double>{2});
  CHECK(app->getNumber("listen.port") == 2);
  CHECK(app->keys() == std::vector<std::string>{"listen"});
  CHECK_THROWS_MATCHES(listen->getString("host"), ConfigError,
                       Catch::Message("Missing required config value at 'app.listen.host' in 'mock-config'"));
  // An update that removes the object leaves the sub-config empty, not dangling.
  CHECK(config.update(ConfigObject{{"other", true}}));
  CHECK(seen == std::vector<double>{2, -1});  // called for every update of the mock
  CHECK_FALSE(listen->has("port"));
  CHECK(listen->keys().empty());
  CHECK_FALSE(app->getOptionalConfig("listen"));
  CHECK_THROWS_MATCHES(listen->getNumber("port"), ConfigError,
                       Catch::Message("Missing required config value at 'app.listen.port' in 'mock-config'"));
  CHECK_FALSE(config.getOptionalConfig("app"));
  // Arrays of objects, and type errors, read through as from any configuration.
  CHECK(config.update(ConfigObject{{"list", ConfigArray{ConfigObject{{"name", "x"}}}}, {"text", "t"}}));
  CHECK(config.getConfigArray("list").at(0)->getString("name") == "x");
  CHECK_THROWS_MATCHES(config.getConfig("text"), ConfigError,
                       Catch::Message("Invalid type in config for key 'text' in 'mock-config', got string, "
                                      "wanted object"));
}

TEST_CASE("RootConfigService::subscribe: configuration that never changes never calls back",
          "[testing][mock_services][config]") {
  const ConfigReader config(ConfigObject{{"a", 1}});
  bool called = false;
  auto subscription = config.subscribe([&] { called = true; });
  subscription.unsubscribe();
  subscription.unsubscribe();  // idempotent
  CHECK_FALSE(called);
}

TEST_CASE("mockServices::rootConfig: factory(instance) lets a test change a running plugin's config",
          "[testing][mock_services][config]") {
  struct Port {
    double value = 0;
    ConfigSubscription subscription;
  };
  auto port = std::make_shared<Port>();
  mockServices::rootConfig config({.data = ConfigObject{{"port", 1}}});
  auto backend = startTestBackend(
      {.features = {
           mockServices::rootConfig::factory(config),
           pluginWith("web", deps(coreServices::rootConfig), [at = port.get()](RootConfigService& cfg) {
             at->value = cfg.getNumber("port");
             at->subscription = cfg.subscribe([at, &cfg] { at->value = cfg.getNumber("port"); });
           })}});
  CHECK(port->value == 1);
  config.update(ConfigObject{{"port", 2}});
  CHECK(port->value == 2);
  backend.stop();
}

TEST_CASE("mockServices::rootLogger: keeps records with their fields, from itself and its children",
          "[testing][mock_services][logger]") {
  mockServices::rootLogger logger;
  logger.info("started {} plugins", 2);
  auto child = logger.child({{"plugin", "catalog"}});
  child->child({{"task", "refresh"}})->warn({{"entity", "component:a"}}, "slow");
  const auto records = logger.records();
  REQUIRE(records.size() == 2);
  CHECK(records[0].level == LogLevel::info);
  CHECK(records[0].message == "started 2 plugins");
  CHECK(records[0].fields.empty());
  CHECK(records[1].level == LogLevel::warn);
  CHECK(records[1].message == "slow");
  CHECK(records[1].fields ==
        LogFields{{"plugin", "catalog"}, {"task", "refresh"}, {"entity", "component:a"}});
  CHECK(records[1].field("plugin") == "catalog");
  CHECK_FALSE(records[1].field("absent").has_value());
  logger.clear();
  CHECK(logger.records().empty());

  mockServices::rootLogger quiet({.level = LogLevel::warn});
  quiet.info("dropped");
  quiet.error("kept");
  CHECK_FALSE(quiet.enabled(LogLevel::info));
  REQUIRE(quiet.records().size() == 1);
  CHECK(quiet.records()[0].message == "kept");
}

TEST_CASE("mockServices::logger: factory(instance) tags each plugin's records with its id",
          "[testing][mock_services][logger]") {
  mockServices::logger logger({.fields = {{"test", "yes"}}});
  auto backend = startTestBackend(
      {.features = {
           mockServices::logger::factory(logger),
           pluginWith("catalog", deps(coreServices::logger), [](LoggerService& log) { log.info("a"); }),
           pluginWith("search", deps(coreServices::logger), [](LoggerService& log) { log.warn("b"); })}});
  const auto records = logger.records();
  REQUIRE(records.size() == 2);
  CHECK(records[0].message == "a");
  CHECK(records[0].fields == LogFields{{"test", "yes"}, {"plugin", "catalog"}});
  CHECK(records[1].message == "b");
  CHECK(records[1].field("plugin") == "search");
}

TEST_CASE("mockServices::rootLifecycle: a test fires the phases and reads the failures",
          "[testing][mock_services][lifecycle]") {
  mockServices::rootLifecycle lifecycle;
  std::vector<std::string> ran;
  lifecycle.addStartupHook([&] { ran.emplace_back("startup"); });
  lifecycle.addBeforeShutdownHook([] { throw std::runtime_error("drain failed"); }, {"drain"});
  lifecycle.addShutdownHook([&] { ran.emplace_back("shutdown"); });
  CHECK(lifecycle.startup() == 0);
  CHECK(lifecycle.startup() == 0);  // each phase runs once
  CHECK(lifecycle.beforeShutdown() == 1);
  CHECK(lifecycle.shutdown() == 0);
  CHECK(ran == std::vector<std::string>{"startup", "shutdown"});
  const auto failures = lifecycle.failures();
  REQUIRE(failures.size() == 1);
  CHECK(failures[0].phase == "before-shutdown");
  CHECK(failures[0].label == "drain");
  CHECK(failures[0].message == "drain failed");
  CHECK_THROWS_AS(std::rethrow_exception(failures[0].error), std::runtime_error);
  CHECK_THROWS_MATCHES(lifecycle.addStartupHook([] {}), Error,
                       Catch::Message("Attempted to add startup hook after startup has run; add hooks from a "
                                      "plugin's init or earlier"));
}

TEST_CASE(
    "mockServices::lifecycle: factory() gives each plugin one, whose failures are logged with the plugin",
    "[testing][mock_services][lifecycle]") {
  mockServices::rootLogger logger;
  mockServices::lifecycle own({.pluginId = "mine"});
  own.addShutdownHook([] { throw std::runtime_error("x"); });
  CHECK(own.shutdown() == 1);
  CHECK(own.failures().size() == 1);

  auto backend = startTestBackend(
      {.features = {mockServices::rootLogger::factory(logger),
                    pluginWith("catalog", deps(coreServices::lifecycle), [](LifecycleService& lifecycle) {
                      lifecycle.addShutdownHook([] { throw std::runtime_error("flush failed"); }, {"flush"});
                    })}});
  // The backend's lifecycle is the mock startTestBackend installed (no feature replaces it): a known type, so
  // a static_cast, which also works without RTTI.
  auto* mock = static_cast<mockServices::lifecycle*>(&backend.getService(coreServices::lifecycle, "catalog"));
  REQUIRE(mock != nullptr);
  CHECK(mock->shutdown() == 1);  // fired by the test; the backend's stop() then finds it done
  REQUIRE(mock->failures().size() == 1);
  CHECK(mock->failures()[0].label == "flush");
  std::vector<LogRecord> errors;
  for (const auto& record : logger.records()) {
    if (record.level == LogLevel::error) errors.push_back(record);
  }
  REQUIRE(errors.size() == 1);
  CHECK(errors[0].message == "shutdown hook 'flush' of plugin 'catalog' failed: flush failed");
  CHECK(errors[0].field("plugin") == "catalog");
  backend.stop();  // nothing failed during the stop itself
}

TEST_CASE(
    "mockServices::lifecycle: one instance given to every plugin says why a later plugin's hook is refused",
    "[testing][mock_services][lifecycle]") {
  mockServices::lifecycle shared;
  auto hooking = [](std::string_view id) {
    return pluginWith(id, deps(coreServices::lifecycle),
                      [](LifecycleService& lifecycle) { lifecycle.addStartupHook([] {}); });
  };
  try {
    (void)startTestBackend(
        {.features = {hooking("first"), hooking("second"), mockServices::lifecycle::factory(shared)}});
    FAIL("the second plugin's startup hook was accepted after the shared startup phase ran");
  } catch (const BackendStartupError& e) {
    const std::string what = e.what();
    CHECK_THAT(what, Catch::Contains("Plugin 'second' startup failed"));
    CHECK_THAT(what, Catch::Contains("Attempted to add startup hook after startup has run; this "
                                     "mockServices::lifecycle was given to factory(instance)"));
    CHECK_THAT(what, Catch::Contains(
                         "use mockServices::lifecycle::factory() to give each plugin a mock of its own"));
  }
  // An instance used on its own keeps the usual advice.
  mockServices::lifecycle alone;
  (void)alone.startup();
  CHECK_THROWS_MATCHES(alone.addStartupHook([] {}), Error,
                       Catch::Message("Attempted to add startup hook after startup has run; add hooks from a "
                                      "plugin's init or earlier"));
}

TEST_CASE("mockServices::rootInstanceMetadata: lists the plugins given, in place of the built-in list",
          "[testing][mock_services]") {
  const mockServices::rootInstanceMetadata metadata({.plugins = {{"catalog", {"github"}}}});
  REQUIRE(metadata.getInstalledPlugins().size() == 1);
  CHECK(metadata.getInstalledPlugins()[0].modules == std::vector<std::string>{"github"});

  std::vector<InstalledPlugin> seen;
  auto backend = startTestBackend(
      {.features = {mockServices::rootInstanceMetadata::factory(metadata),
                    pluginWith("search", deps(coreServices::rootInstanceMetadata),
                               [&](RootInstanceMetadataService& m) { seen = m.getInstalledPlugins(); })}});
  REQUIRE(seen.size() == 1);
  CHECK(seen[0].pluginId == "catalog");
}
