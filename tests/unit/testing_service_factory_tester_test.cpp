// SPDX-License-Identifier: Apache-2.0
// Tests of ServiceFactoryTester (testing/service_factory_tester.hpp).
#include "support/catch.hpp"
#include "support/defaulted.hpp"
#include "support/services.hpp"

#include <rigging/testing.hpp>

#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

using namespace rigging;
using namespace rigging::test;

namespace {

struct Pool {
  explicit Pool(int n) : number(n) {}
  int number;
};

struct Connection {
  Pool* pool;
  std::string pluginId;
};

const auto connectionRef = createServiceRef<Connection>("test.connection");
const auto greeterRef = createServiceRef<Greeter>("test.greeter");
const auto rootGreeterRef = createServiceRef<Greeter, RootScope>("test.rootGreeter");
const auto greetersRef = createServiceRef<Greeter>("test.greeters", multiton);

// A plugin-scoped factory with a root context that counts how often it is made.
auto connectionFactory(int& contexts) {
  return createServiceFactory(connectionRef, deps(coreServices::pluginMetadata),
                              rootContext(deps(coreServices::rootConfig),
                                          [&contexts](RootConfigService&) { return Pool(++contexts); }),
                              [](Pool& pool, PluginMetadataService& plugin) {
                                return Connection{&pool, std::string(plugin.getId())};
                              });
}

// Defaults that cannot work: one needs a service nothing provides, one needs that one, and one uses the
// subject's id with another type.
const auto brokenRef = createServiceRef<DefaultStamp>("test.broken", [](auto service) {
  return createServiceFactory(service, deps(greeterRef), [](Greeter&) { return DefaultStamp{nullptr, ""}; });
});
const auto onBrokenRef = createServiceRef<DefaultClock>("test.onBroken", [](auto service) {
  return createServiceFactory(service, deps(brokenRef), [](DefaultStamp&) { return DefaultClock{0}; });
});
const auto connectionAsClockRef = createServiceRef<DefaultClock>("test.connection");
const auto mismatchRef = createServiceRef<DefaultClock>("test.mismatch", [](auto service) {
  return createServiceFactory(service, deps(connectionAsClockRef),
                              [](DefaultClock&) { return DefaultClock{0}; });
});

// The problems of the ValidationError that `request` throws (none if it does not throw one).
template <class Fn>
std::vector<Problem> problemsOfRequest(Fn request) {
  try {
    request();
  } catch (const ValidationError& e) {
    return e.problems();
  }
  return {};
}

// A greeter that says which factory made it.
struct TaggedGreeter : Greeter {
  explicit TaggedGreeter(std::string text) : tag(std::move(text)) {}
  std::string greet(std::string_view) override { return tag; }
  std::string tag;
};

}  // namespace

TEST_CASE("ServiceFactoryTester: getSubject gives the instance for a plugin, 'test' by default",
          "[testing][service_factory_tester]") {
  int contexts = 0;
  auto tester = ServiceFactoryTester::from(connectionFactory(contexts));
  Connection& byDefault = tester.getSubject();
  CHECK(byDefault.pluginId == "test");
  Connection& catalog = tester.getSubject("catalog");
  CHECK(catalog.pluginId == "catalog");
  CHECK(&tester.getSubject("catalog") == &catalog);  // one instance per plugin
  CHECK(&tester.getService(connectionRef, "catalog") == &catalog);
}

TEST_CASE("ServiceFactoryTester: the root context of a factory is created once per tester",
          "[testing][service_factory_tester]") {
  int contexts = 0;
  const auto factory = connectionFactory(contexts);
  {
    auto tester = ServiceFactoryTester::from(factory);
    CHECK(contexts == 0);  // nothing is made before it is asked for
    CHECK(tester.getSubject("a").pool->number == 1);
    CHECK(tester.getSubject("b").pool->number == 1);
    CHECK(tester.getSubject("a").pool == tester.getSubject("b").pool);
  }
  auto other = ServiceFactoryTester::from(factory);
  CHECK(other.getSubject("a").pool->number == 2);  // a fresh root context for each tester
  CHECK(contexts == 2);
}

TEST_CASE("ServiceFactoryTester: dependencies provide other services and replace mocks",
          "[testing][service_factory_tester]") {
  const auto subject =
      createServiceFactory(connectionRef, deps(coreServices::rootConfig, greeterRef),
                           [](RootConfigService& config, Greeter& greeter) {
                             return Connection{nullptr, greeter.greet(config.getString("name"))};
                           });
  auto tester = ServiceFactoryTester::from(
      subject, {.dependencies = {mockServices::rootConfig::factory({.data = ConfigObject{{"name", "db"}}}),
                                 createServiceFactory(greeterRef, deps(), [] { return PlainGreeter(); })}});
  CHECK(tester.getSubject().pluginId == "hello db");
  CHECK(tester.getService(greeterRef).greet("x") == "hello x");
}

TEST_CASE("ServiceFactoryTester: a missing service is an error naming it",
          "[testing][service_factory_tester]") {
  const auto subject = createServiceFactory(connectionRef, deps(greeterRef), [](Greeter&) {
    return Connection{nullptr, ""};
  });
  auto tester = ServiceFactoryTester::from(subject);
  for (int attempt = 0; attempt < 2; ++attempt) {  // the same error every time
    try {
      static_cast<void>(tester.getSubject());
      FAIL("getSubject() must throw");
    } catch (const ValidationError& e) {
      REQUIRE(e.problems().size() == 1);
      CHECK(e.problems()[0].kind == Problem::Kind::missing_dependency);
      CHECK(e.problems()[0].ids == std::vector<std::string>{"test.greeter"});
      CHECK_THAT(e.what(), Catch::Contains("Service 'test.greeter' is missing"));
      // The fix is in the tester's options, not in a backend the test does not have.
      CHECK_THAT(e.problems()[0].message,
                 Catch::EndsWith("Add a factory for it to the tester's dependencies: "
                                 "ServiceFactoryTester::from(subject, {.dependencies = "
                                 "{createServiceFactory(...)}})"));
      CHECK_THAT(e.what(), !Catch::Contains("backend.add"));
    }
  }

  int contexts = 0;
  auto other = ServiceFactoryTester::from(connectionFactory(contexts));
  CHECK_THROWS_MATCHES(
      other.getService(greeterRef), ValidationError,
      Catch::Message("Backend validation failed with 1 problem; no plugin was started:\n  1. "
                     "Service 'test.greeter' is not available in this ServiceFactoryTester: no "
                     "added factory, mock core service or dependency of them provides it, and its ref "
                     "has no default factory. Add a factory for it to the tester's dependencies: "
                     "ServiceFactoryTester::from(subject, {.dependencies = {createServiceFactory(...)}})"));
}

TEST_CASE("ServiceFactoryTester: getService of a ref nothing here uses makes it with its default factory",
          "[testing][service_factory_tester]") {
  // As Backstage's registry does: the default factory, and the defaults it needs in turn, are loaded on the
  // first request, alongside what the tester made already.
  int contexts = 0;
  auto tester = ServiceFactoryTester::from(connectionFactory(contexts));
  Connection& subject = tester.getSubject("catalog");
  DefaultStamp& stamp = tester.getService(defaultStampRef, "catalog");
  CHECK(stamp.pluginId == "catalog");
  CHECK(stamp.clock->ticks == 7);
  CHECK(&tester.getService(defaultClockRef) == stamp.clock);  // one root instance, shared
  CHECK(&tester.getService(defaultStampRef, "catalog") == &stamp);
  CHECK(tester.getService(defaultStampRef, "search").pluginId == "search");
  CHECK(&tester.getSubject("catalog") == &subject);  // what was made before is kept
  CHECK(contexts == 1);

  // The first request of all may be one.
  auto fresh = ServiceFactoryTester::from(connectionFactory(contexts));
  CHECK(fresh.getService(defaultClockRef).ticks == 7);
}

TEST_CASE("ServiceFactoryTester: a default factory that cannot be made is a ValidationError on every request",
          "[testing][service_factory_tester]") {
  int contexts = 0;
  auto tester = ServiceFactoryTester::from(connectionFactory(contexts));
  for (int attempt = 0; attempt < 2; ++attempt) {
    try {
      static_cast<void>(tester.getService(brokenRef));
      FAIL("getService must throw");
    } catch (const ValidationError& e) {
      REQUIRE(e.problems().size() == 1);
      const Problem& problem = e.problems()[0];
      CHECK(problem.kind == Problem::Kind::missing_dependency);
      CHECK(problem.ids == std::vector<std::string>{"test.greeter"});
      CHECK(problem.neededBy == std::vector<std::string>{"service 'test.broken'"});
      CHECK_THAT(problem.message, Catch::EndsWith("Add a factory for it to the tester's dependencies: "
                                                  "ServiceFactoryTester::from(subject, {.dependencies = "
                                                  "{createServiceFactory(...)}})"));
    }
  }
  // What needs the broken service fails for the same reason; so does asking for the missing one itself.
  for (const auto& problems :
       {problemsOfRequest([&] { static_cast<void>(tester.getService(onBrokenRef)); }),
        problemsOfRequest([&] { static_cast<void>(tester.getService(greeterRef)); })}) {
    REQUIRE(problems.size() == 1);
    CHECK(problems[0].kind == Problem::Kind::missing_dependency);
    CHECK(problems[0].ids == std::vector<std::string>{"test.greeter"});
  }
  const auto mismatch = problemsOfRequest([&] { static_cast<void>(tester.getService(mismatchRef)); });
  REQUIRE(mismatch.size() == 1);
  CHECK(mismatch[0].kind == Problem::Kind::type_mismatch);
  CHECK(mismatch[0].ids == std::vector<std::string>{"test.connection"});
  CHECK(tester.getSubject().pluginId == "test");  // the tester itself still works
}

TEST_CASE("ServiceFactoryTester: a failing factory throws ServiceFactoryError",
          "[testing][service_factory_tester]") {
  const auto subject = createServiceFactory(
      greeterRef, deps(), []() -> std::unique_ptr<Greeter> { throw std::runtime_error("no"); });
  auto tester = ServiceFactoryTester::from(subject);
  CHECK_THROWS_MATCHES(
      tester.getSubject("catalog"), ServiceFactoryError,
      Catch::Message("Failed to instantiate service 'test.greeter' for 'catalog' because the "
                     "factory function threw an error: no"));
}

TEST_CASE("ServiceFactoryTester: root and multiton subjects", "[testing][service_factory_tester]") {
  auto root =
      ServiceFactoryTester::from(createServiceFactory(rootGreeterRef, deps(), [] { return PlainGreeter(); }));
  CHECK(&root.getSubject("a") == &root.getSubject("b"));  // one instance; the plugin id is ignored

  auto many = ServiceFactoryTester::from(
      createServiceFactory(greetersRef, deps(), [] { return TaggedGreeter("subject"); }),
      {.dependencies = {
           createServiceFactory(greetersRef, deps(), [] { return TaggedGreeter("dependency"); })}});
  const auto all = many.getSubject();
  REQUIRE(all.size() == 2);
  // As Backstage's registry: the dependencies, then the subject.
  CHECK(all[0].greet("") == "dependency");
  CHECK(all[1].greet("") == "subject");
}

TEST_CASE("ServiceFactoryTester: the subject replaces a dependency's factory for its own service",
          "[testing][service_factory_tester]") {
  // Backstage adds the subject last, and a later factory for a singleton replaces an earlier one.
  auto tester = ServiceFactoryTester::from(
      createServiceFactory(greeterRef, deps(), [] { return TaggedGreeter("subject"); }),
      {.dependencies = {createServiceFactory(greeterRef, deps(), [] { return TaggedGreeter("dependency"); }),
                        createServiceDecorator(greeterRef, deps(), [](Greeter& inner) {
                          return TaggedGreeter(inner.greet("") + " decorated");
                        })}});
  CHECK(tester.getSubject().greet("") == "subject decorated");  // a decorator still applies
}

TEST_CASE("ServiceFactoryTester: the mocks are there to inspect and to fire",
          "[testing][service_factory_tester]") {
  const auto subject = createServiceFactory(greeterRef, deps(coreServices::logger, coreServices::lifecycle),
                                            [](LoggerService& log, LifecycleService& life) {
                                              log.info("greeter ready");
                                              life.addShutdownHook([&log] { log.info("greeter closed"); });
                                              return PlainGreeter();
                                            });
  mockServices::rootLogger logger;
  auto tester =
      ServiceFactoryTester::from(subject, {.dependencies = {mockServices::rootLogger::factory(logger)}});
  static_cast<void>(tester.getSubject("catalog"));
  CHECK(tester.getService(coreServices::lifecycle, "catalog").shutdown() == 0);
  const auto records = logger.records();
  REQUIRE(records.size() == 2);
  CHECK(records[0].message == "greeter ready");
  CHECK(records[1].message == "greeter closed");
  CHECK(records[1].field("plugin") == "catalog");

  auto metadata = ServiceFactoryTester::from(
      subject,
      {.dependencies = {mockServices::rootInstanceMetadata::factory({.plugins = {{"catalog", {}}}})}});
  CHECK(metadata.getService(coreServices::rootInstanceMetadata).getInstalledPlugins().size() == 1);
}
