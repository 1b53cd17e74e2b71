// SPDX-License-Identifier: Apache-2.0
// Tests of startTestBackend (testing/test_backend.hpp).
#include "support/catch.hpp"
#include "support/defaulted.hpp"
#include "support/features.hpp"
#include "support/services.hpp"

#include <rigging/testing.hpp>

#include <unistd.h>  // dup, dup2

#include <cstdio>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

using namespace rigging;
using namespace rigging::test;

namespace {

struct Processors {
  virtual ~Processors() = default;
  virtual void add(std::string name) = 0;
};
struct ProcessorList final : Processors {
  void add(std::string name) override { names.push_back(std::move(name)); }
  std::vector<std::string> names;
};

const auto processingExtensionPoint = createExtensionPoint<Processors>("catalog.processing");
const auto testedGreeterRef = createServiceRef<Greeter>("test.greeter");

// What `fn` writes to standard error.
std::string stderrOf(const std::function<void()>& fn) {
  std::fflush(stderr);
  std::FILE* file = std::tmpfile();
  const int saved = dup(fileno(stderr));
  dup2(fileno(file), fileno(stderr));
  fn();
  std::fflush(stderr);
  dup2(saved, fileno(stderr));
  close(saved);
  std::rewind(file);
  std::string text;
  for (int c = std::fgetc(file); c != EOF; c = std::fgetc(file)) text += static_cast<char>(c);
  std::fclose(file);
  return text;
}

// A plugin whose shutdown hook throws.
BackendPlugin failingShutdown() {
  return pluginWith("catalog", deps(coreServices::lifecycle), [](LifecycleService& lifecycle) {
    lifecycle.addShutdownHook([] { throw std::runtime_error("disk full"); }, {"flush"});
  });
}

}  // namespace

TEST_CASE(
    "startTestBackend: the built-in rootInstanceMetadata, asked for only after start, lists the plugins",
    "[testing][test_backend][core_services]") {
  // Nothing depends on it, so the backend makes its list only when getService asks (created on first use).
  auto backend = startTestBackend(
      {.features = {pluginWith("catalog", deps(), [] {}), moduleWith("catalog", "github", deps(), [] {})}});
  const auto& plugins = backend.getService(coreServices::rootInstanceMetadata).getInstalledPlugins();
  REQUIRE(plugins.size() == 1);
  CHECK(plugins[0].pluginId == "catalog");
  CHECK(plugins[0].modules == std::vector<std::string>{"github"});
  // Made once: asking again does not rebuild the list (a rebuilt one would have new storage).
  const auto* const storage = plugins.data();
  CHECK(backend.getService(coreServices::rootInstanceMetadata).getInstalledPlugins().data() == storage);
}

TEST_CASE("startTestBackend: every core service is a mock", "[testing][test_backend]") {
  auto backend = startTestBackend({});
  CHECK(backend.startupResult().ok());
#ifdef __cpp_rtti  // the suite also runs with -fno-rtti (dev and clang presets); the graph check below covers
                   // that
  CHECK(dynamic_cast<mockServices::rootLogger*>(&backend.getService(coreServices::rootLogger)) != nullptr);
  CHECK(dynamic_cast<mockServices::rootConfig*>(&backend.getService(coreServices::rootConfig)) != nullptr);
  CHECK(dynamic_cast<mockServices::rootLifecycle*>(&backend.getService(coreServices::rootLifecycle)) !=
        nullptr);
  CHECK(dynamic_cast<mockServices::lifecycle*>(&backend.getService(coreServices::lifecycle, "p")) != nullptr);
#endif
  CHECK(backend.getService(coreServices::pluginMetadata, "p").getId() == "p");
  CHECK(backend.getService(coreServices::rootInstanceMetadata).getInstalledPlugins().empty());
  CHECK_FALSE(backend.getService(coreServices::rootConfig).has("backend"));  // hermetic: no APP_CONFIG_*
  for (const auto& service : backend.graph().services) {
    if (service.id == "core.pluginMetadata" || service.id == "core.rootInstanceMetadata") continue;
    INFO(service.id);
    CHECK(service.source == "backend default");
  }
}

TEST_CASE("startTestBackend: a factory among the features overrides the mock", "[testing][test_backend]") {
  std::optional<double> port;
  std::string greeting;
  auto backend = startTestBackend(
      {.features = {mockServices::rootConfig::factory({.data = ConfigObject{{"port", 7007}}}),
                    createServiceFactory(testedGreeterRef, deps(), [] { return PlainGreeter(); }),
                    pluginWith("web", deps(coreServices::rootConfig, testedGreeterRef),
                               [&](RootConfigService& config, Greeter& greeter) {
                                 port = config.getOptionalNumber("port");
                                 greeting = greeter.greet("web");
                               })}});
  CHECK(port == 7007);
  CHECK(greeting == "hello web");
  for (const auto& service : backend.graph().services) {
    if (service.id == "core.rootConfig") CHECK(service.source == "explicit");
  }
}

TEST_CASE("startTestBackend: tested extension points are bound to the plugin of the module using them",
          "[testing][test_backend]") {
  auto processors = std::make_shared<ProcessorList>();
  auto backend =
      startTestBackend({.features = {moduleWith("catalog", "github", deps(processingExtensionPoint),
                                                [](Processors& ext) { ext.add("github"); })},
                        .extensionPoints = {{processingExtensionPoint, processors}}});
  CHECK(processors->names == std::vector<std::string>{"github"});
  const auto graph = backend.graph();
  REQUIRE(graph.extensionPoints.size() == 1);
  CHECK(graph.extensionPoints[0].pluginId == "catalog");
  CHECK(graph.extensionPoints[0].moduleId == "test-extension-point-registration");
}

TEST_CASE("startTestBackend: an extension point no tested module uses is an error saying so",
          "[testing][test_backend]") {
  bool ran = false;
  try {
    auto backend = startTestBackend({.features = {pluginWith("catalog", deps(), [&] { ran = true; })},
                                     .extensionPoints = {{processingExtensionPoint, ProcessorList()}}});
    FAIL("startTestBackend must throw");
  } catch (const ValidationError& e) {
    REQUIRE(e.problems().size() == 1);
    CHECK(e.problems()[0].kind == Problem::Kind::extension_point_misuse);
    CHECK(e.problems()[0].ids == std::vector<std::string>{"catalog.processing"});
    CHECK(
        e.problems()[0].message ==
        "Extension point 'catalog.processing' given to startTestBackend is not used by any tested module, so "
        "its plugin is unknown; add a module that depends on it to .features, or remove it");
  }
  CHECK_FALSE(ran);
}

TEST_CASE("startTestBackend: a plugin id with modules only gets an empty plugin, so its modules run",
          "[testing][test_backend]") {
  std::vector<std::string> ran;
  auto backend = startTestBackend(
      {.features = {moduleWith("catalog", "github", deps(), [&] { ran.push_back("github"); }),
                    moduleWith("catalog", "gitlab", deps(), [&] { ran.push_back("gitlab"); })}});
  CHECK(ran == std::vector<std::string>{"github", "gitlab"});
  const auto& result = backend.startupResult();
  REQUIRE(result.plugins.size() == 1);
  CHECK(result.plugins[0].pluginId == "catalog");
  CHECK(result.plugins[0].status == StartupStatus::ok);
  REQUIRE(result.plugins[0].modules.size() == 2);
  CHECK(result.plugins[0].modules[1].status == StartupStatus::ok);
}

TEST_CASE("startTestBackend: the mock root logger captures a plugin's log lines with the plugin id",
          "[testing][test_backend][logger]") {
  mockServices::rootLogger logger;
  auto backend = startTestBackend(
      {.features = {mockServices::rootLogger::factory(logger),
                    pluginWith("catalog", deps(coreServices::logger), [](LoggerService& log) {
                      log.info({{"entities", "3"}}, "refreshed {}", "all");
                    })}});
  std::vector<LogRecord> fromCatalog;
  for (const auto& record : logger.records()) {
    if (record.field("plugin") == "catalog") fromCatalog.push_back(record);
  }
  REQUIRE(fromCatalog.size() == 1);
  CHECK(fromCatalog[0].level == LogLevel::info);
  CHECK(fromCatalog[0].message == "refreshed all");
  CHECK(fromCatalog[0].fields == LogFields{{"plugin", "catalog"}, {"entities", "3"}});
}

TEST_CASE("startTestBackend: the backend stops when it goes out of scope", "[testing][test_backend]") {
  std::vector<std::string> events;
  {
    auto backend = startTestBackend(
        {.features = {pluginWith("catalog", deps(coreServices::lifecycle), [&](LifecycleService& lifecycle) {
           lifecycle.addShutdownHook([&] { events.emplace_back("shutdown"); });
         })}});
    CHECK(events.empty());
  }
  CHECK(events == std::vector<std::string>{"shutdown"});
}

TEST_CASE("startTestBackend: stop() throws when a hook fails, naming it", "[testing][test_backend]") {
  auto backend = startTestBackend({.features = {failingShutdown()}});
  try {
    backend.stop();
    FAIL("stop() must throw");
  } catch (const Error& e) {
    CHECK(e.code() == ErrorCode::stop_failed);
    CHECK(std::string(e.what()) ==
          "Failed to stop the test backend: shutdown hook 'flush' of plugin 'catalog' failed: disk full");
  }
  CHECK_NOTHROW(backend.stop());  // stopped once; nothing left to report
  CHECK_THROWS_MATCHES(backend.getService(coreServices::rootLogger), BackendStateError,
                       Catch::Message("The test backend has stopped; get services from it before stop()"));
}

TEST_CASE("startTestBackend: a failure to stop in the destructor is printed, not swallowed",
          "[testing][test_backend]") {
  std::optional<TestBackend> backend;
  backend.emplace(startTestBackend({.features = {failingShutdown()}}));
  const auto text = stderrOf([&] { backend.reset(); });
  CHECK(text ==
        "rigging: Failed to stop the test backend: shutdown hook 'flush' of plugin 'catalog' failed: disk "
        "full\n");
  // A backend that stops cleanly prints nothing.
  backend.emplace(startTestBackend({}));
  CHECK(stderrOf([&] { backend.reset(); }).empty());
}

TEST_CASE(
    "startTestBackend: getService of a ref nothing in the backend uses makes it with its default factory",
    "[testing][test_backend]") {
  auto backend = startTestBackend({.features = {pluginWith("web", deps(), [] {})}});
  DefaultStamp& stamp = backend.getService(defaultStampRef, "web");
  CHECK(stamp.pluginId == "web");
  CHECK(&backend.getService(defaultClockRef) == stamp.clock);
  CHECK(stamp.clock->ticks == 7);
  CHECK(&backend.getService(defaultStampRef, "web") == &stamp);
}

TEST_CASE("startTestBackend: start-up errors propagate, and services it lacks are named",
          "[testing][test_backend]") {
  // A missing dependency's advice names the test's own fix, not a backend.add the test does not have.
  CHECK_THROWS_MATCHES(
      startTestBackend({.features = {pluginWith("web", deps(testedGreeterRef), [](Greeter&) {})}}),
      ValidationError,
      Catch::Message("Backend validation failed with 1 problem; no plugin was started:\n  1. "
                     "Service 'test.greeter' is missing: no factory was added for it and its ref has no "
                     "default factory. Needed by plugin 'web'. Add a factory for it to the test backend's "
                     "features: startTestBackend({.features = {createServiceFactory(...)}})"));
  auto backend = startTestBackend({});
  CHECK_THROWS_MATCHES(
      backend.getService(testedGreeterRef), ValidationError,
      Catch::Message("Backend validation failed with 1 problem; no plugin was started:\n  1. "
                     "Service 'test.greeter' is not available in this test backend: no added "
                     "factory, mock core service or dependency of them provides it, and its ref has no "
                     "default factory. Add a factory for it to the test backend's features: "
                     "startTestBackend({.features = {createServiceFactory(...)}})"));
}
