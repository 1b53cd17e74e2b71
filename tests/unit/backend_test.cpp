// SPDX-License-Identifier: Apache-2.0
// Tests of Backend: the registry's rules, validation before anything runs, and exception safety.
#include "support/catch.hpp"
#include "support/features.hpp"
#include "support/services.hpp"

#include <rigging/backend.hpp>
#include <rigging/create_backend.hpp>
#include <rigging/testing.hpp>

#include <memory>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

using namespace rigging;
using namespace rigging::test;

namespace {

std::string messageOf(const std::exception& e) { return e.what(); }

// A failure inside a plugin's pipeline reaches the caller as a BackendStartupError; this hands the plugin's
// own exception to `check`.
template <class E, class Check>
void checkPluginFailure(Backend& backend, std::string_view pluginId, Check check) {
  try {
    backend.start();
    FAIL("start() must throw");
  } catch (const BackendStartupError& e) {
    const auto* plugin = e.result().plugin(pluginId);
    REQUIRE(plugin != nullptr);
    REQUIRE(plugin->failure.has_value());
    CHECK_THAT(e.what(), Catch::Contains("Plugin '" + std::string(pluginId) + "' startup failed; caused by " +
                                         plugin->failure->message));
    try {
      std::rethrow_exception(plugin->failure->error);
    } catch (const E& inner) {
      check(inner);
    }
  }
}

}  // namespace

TEST_CASE("backend: a root context is created once while each plugin gets its own instance", "[backend]") {
  struct Pool {
    int handedOut = 0;
  };
  static int contexts = 0;
  static int instances = 0;
  contexts = instances = 0;
  const auto root = createServiceRef<Named, RootScope>("test.root");
  const auto perPlugin = createServiceRef<Named>("test.perPlugin");
  std::vector<Named*> seen;
  auto backend = createBackend();
  backend.add(createServiceFactory(root, deps(), [] { return Named("root"); }));
  backend.add(createServiceFactory(perPlugin, deps(coreServices::pluginMetadata),
                                   rootContext(deps(root),
                                               [](Named&) {
                                                 ++contexts;
                                                 return Pool{};
                                               }),
                                   [](Pool& pool, PluginMetadataService& plugin) {
                                     ++instances;
                                     ++pool.handedOut;
                                     return Named(std::string(plugin.getId()) + "#" +
                                                  std::to_string(pool.handedOut));
                                   }));
  for (const char* id : {"a", "b", "c"}) {
    backend.add(pluginWith(id, deps(perPlugin), [&seen](Named& named) { seen.push_back(&named); }));
  }
  backend.start();
  CHECK(contexts == 1);
  CHECK(instances == 3);
  REQUIRE(seen.size() == 3);
  CHECK(seen[0]->name == "a#1");
  CHECK(seen[1]->name == "b#2");
  CHECK(seen[2]->name == "c#3");
  backend.stop();
}

TEST_CASE("backend: one instance per (service, plugin) and one root instance per backend", "[backend]") {
  const auto root = createServiceRef<Named, RootScope>("test.root");
  const auto perPlugin = createServiceRef<Named>("test.perPlugin");
  const auto user = createServiceRef<Holder>("test.user");
  struct Seen {
    Named* root = nullptr;
    Named* direct = nullptr;
    Holder* user = nullptr;
  };
  std::vector<Seen> seen;
  auto backend = createBackend();
  backend.add(createServiceFactory(root, deps(), [] { return Named("root"); }));
  backend.add(createServiceFactory(perPlugin, deps(coreServices::pluginMetadata),
                                   [](PluginMetadataService& m) { return Named(std::string(m.getId())); }));
  backend.add(createServiceFactory(user, deps(perPlugin), [](Named& n) { return Holder{&n}; }));
  for (const char* id : {"one", "two"}) {
    backend.add(pluginWith(id, deps(root, perPlugin, user), [&seen](Named& r, Named& p, Holder& u) {
      seen.push_back({&r, &p, &u});
    }));
  }
  backend.start();
  REQUIRE(seen.size() == 2);
  CHECK(seen[0].root == seen[1].root);
  CHECK(seen[0].direct != seen[1].direct);
  CHECK(seen[0].direct->name == "one");
  CHECK(seen[1].direct->name == "two");
  // The plugin-scoped service the second factory received is the same instance the plugin received.
  CHECK(seen[0].user->named == seen[0].direct);
  CHECK(seen[1].user->named == seen[1].direct);
}

TEST_CASE("backend: a ref's default factory is used only when no factory was added", "[backend]") {
  static int defaultRuns = 0;
  defaultRuns = 0;
  const auto ref = createServiceRef<Named>("test.defaulted", [](auto service) {
    return createServiceFactory(service, deps(), [] {
      ++defaultRuns;
      return Named("default");
    });
  });
  std::string got;
  SECTION("no explicit factory: the default one") {
    auto backend = createBackend();
    backend.add(pluginWith("p", deps(ref), [&got](Named& n) { got = n.name; }));
    backend.start();
    CHECK(got == "default");
    CHECK(defaultRuns == 1);
  }
  SECTION("an explicit factory wins, and the default never runs") {
    auto backend = createBackend();
    backend.add(pluginWith("p", deps(ref), [&got](Named& n) { got = n.name; }));
    backend.add(createServiceFactory(ref, deps(), [] { return Named("explicit"); }));
    backend.start();
    CHECK(got == "explicit");
    CHECK(defaultRuns == 0);
  }
  SECTION("a backend default wins over the ref's default, and an added factory over both") {
    const auto backendDefault = createServiceFactory(ref, deps(), [] { return Named("backend default"); });
    {
      auto backend = createSpecializedBackend(backendDefault);
      backend.add(pluginWith("p", deps(ref), [&got](Named& n) { got = n.name; }));
      backend.start();
      CHECK(got == "backend default");
    }
    {
      auto backend = createSpecializedBackend(backendDefault);
      backend.add(createServiceFactory(ref, deps(), [] { return Named("explicit"); }));
      backend.add(pluginWith("p", deps(ref), [&got](Named& n) { got = n.name; }));
      backend.start();  // not a duplicate: the added factory replaces the default
      CHECK(got == "explicit");
    }
    CHECK(defaultRuns == 0);
  }
}

TEST_CASE("backend: multiton consumers receive every instance in registration order", "[backend][multiton]") {
  const auto ref = createServiceRef<Named>("test.processors", multiton);
  std::vector<std::string> names;
  auto collect = [&names](ServiceRange<Named> all) {
    for (Named& n : all) names.push_back(n.name);
  };
  SECTION("several factories accumulate") {
    auto backend = createBackend();
    backend.add(createServiceFactory(ref, deps(), [] { return Named("first"); }));
    backend.add(pluginWith("p", deps(ref), collect));
    backend.add(createServiceFactory(ref, deps(), [] { return std::make_unique<Named>("second"); }));
    backend.add(createServiceFactory(ref, deps(), [] { return std::make_shared<Named>("third"); }));
    backend.start();
    CHECK(names == std::vector<std::string>{"first", "second", "third"});
  }
  SECTION("no factory gives an empty range, not a missing service") {
    auto backend = createBackend();
    backend.add(pluginWith("p", deps(ref), [&names](ServiceRange<Named> all) {
      CHECK(all.empty());
      CHECK(all.size() == 0);
      names.push_back("ran");
    }));
    backend.start();
    CHECK(names == std::vector<std::string>{"ran"});
  }
  SECTION("the ref's default factory counts only when no other factory is registered") {
    const auto withDefault = createServiceRef<Named>("test.withDefault", multiton, [](auto service) {
      return createServiceFactory(service, deps(), [] { return Named("default"); });
    });
    {
      auto backend = createBackend();
      backend.add(pluginWith("p", deps(withDefault), collect));
      backend.start();
      CHECK(names == std::vector<std::string>{"default"});
    }
    names.clear();
    {
      auto backend = createBackend();
      backend.add(createServiceFactory(withDefault, deps(), [] { return Named("added"); }));
      backend.add(pluginWith("p", deps(withDefault), collect));
      backend.start();
      CHECK(names == std::vector<std::string>{"added"});
    }
  }
}

TEST_CASE("backend: a decorator wraps the instance that would otherwise be injected",
          "[backend][decorator]") {
  const auto ref = createServiceRef<Greeter>("test.greeter");
  const auto suffix = createServiceRef<Named, RootScope>("test.suffix");
  std::string greeting;
  Greeter* innerSeen = nullptr;
  auto backend = createBackend();
  backend.add(createServiceDecorator(ref, deps(suffix), [&innerSeen](Greeter& inner, Named& s) {
    innerSeen = &inner;
    return std::make_unique<SuffixGreeter>(inner, s.name);
  }));
  backend.add(createServiceFactory(ref, deps(), [] { return std::make_unique<PlainGreeter>(); }));
  backend.add(createServiceDecorator(ref, deps(), [](Greeter& inner) { return SuffixGreeter(inner, "?"); }));
  backend.add(createServiceFactory(suffix, deps(), [] { return Named("!"); }));
  Greeter* injected = nullptr;
  backend.add(pluginWith("p", deps(ref), [&](Greeter& g) {
    injected = &g;
    greeting = g.greet("world");
  }));
  backend.start();
  // Decorators apply in the order added: the first wraps the real instance, the second wraps the first.
  CHECK(greeting == "hello world!?");
  REQUIRE(innerSeen != nullptr);
  CHECK(innerSeen->greet("x") == "hello x");  // the real instance, undecorated (no RTTI: -fno-rtti builds)
  CHECK(injected != innerSeen);
}

TEST_CASE("backend: a decorator of a service nobody provides is reported",
          "[backend][decorator][validation]") {
  const auto ref = createServiceRef<Greeter>("test.greeter");
  auto backend = createBackend();
  backend.add(createServiceDecorator(ref, deps(), [](Greeter& inner) { return SuffixGreeter(inner, "?"); }));
  REQUIRE_THROWS_AS(backend.start(), ValidationError);
  try {
    auto other = createBackend();
    other.add(createServiceDecorator(ref, deps(), [](Greeter& inner) { return SuffixGreeter(inner, "?"); }));
    other.start();
  } catch (const ValidationError& e) {
    REQUIRE(e.problems().size() == 1);
    CHECK(e.problems()[0].kind == Problem::Kind::decorator_without_service);
    CHECK_THAT(messageOf(e), Catch::Contains("'test.greeter' is decorated, but no factory provides it"));
  }
}

TEST_CASE("backend: every cycle is reported with its path in one error, before any factory runs",
          "[backend][validation]") {
  static int ran = 0;
  ran = 0;
  const auto a = createServiceRef<Named>("a");
  const auto b = createServiceRef<Named>("b");
  const auto c = createServiceRef<Named>("c");
  const auto x = createServiceRef<Named, RootScope>("x");
  const auto y = createServiceRef<Named, RootScope>("y");
  const auto self = createServiceRef<Named>("self");
  const auto fine = createServiceRef<Named, RootScope>("fine");
  auto make = [](auto ref, auto... on) {
    return createServiceFactory(ref, deps(on...), [](auto&...) {
      ++ran;
      return Named("n");
    });
  };
  auto backend = createBackend();
  backend.add(make(fine));
  backend.add(make(a, b));
  backend.add(make(b, c));
  backend.add(make(c, a));
  backend.add(make(x, y));
  backend.add(make(y, x));
  backend.add(make(self, self));
  backend.add(pluginWith("p", deps(a), [](Named&) { ++ran; }));
  try {
    backend.start();
    FAIL("start() must throw");
  } catch (const ValidationError& e) {
    CHECK(e.code() == ErrorCode::validation_failed);
    const auto cycles = e.problems(Problem::Kind::circular_dependency);
    REQUIRE(cycles.size() == 3);
    CHECK(cycles[0].ids == std::vector<std::string>{"a", "b", "c", "a"});
    CHECK(cycles[1].ids == std::vector<std::string>{"x", "y", "x"});
    CHECK(cycles[2].ids == std::vector<std::string>{"self", "self"});
    const std::string what = e.what();
    CHECK_THAT(what, Catch::Contains("Circular dependency detected: 'a' -> 'b' -> 'c' -> 'a'"));
    CHECK_THAT(what, Catch::Contains("'x' -> 'y' -> 'x'"));
    CHECK_THAT(what, Catch::Contains("'self' depends on itself: 'self' -> 'self'"));
    CHECK_THAT(what, Catch::Contains("use createServiceDecorator"));
    CHECK_THAT(what, Catch::Contains("3 problems"));
  }
  CHECK(ran == 0);
}

TEST_CASE("backend: a cycle is printed from its earliest-added service, and every member appears",
          "[backend][validation]") {
  // 'q' is added first; the component {q, r, s} has two cycles through r: q -> r -> q and r -> s -> r. The
  // second is found from s (q and r are already printed) but starts from r, its earliest-added service.
  const auto q = createServiceRef<Named>("q");
  const auto r = createServiceRef<Named>("r");
  const auto s = createServiceRef<Named>("s");
  auto backend = createBackend();
  backend.add(createServiceFactory(q, deps(r), [](Named&) { return Named("q"); }));
  backend.add(createServiceFactory(r, deps(s, q), [](Named&, Named&) { return Named("r"); }));
  backend.add(createServiceFactory(s, deps(r), [](Named&) { return Named("s"); }));
  try {
    backend.start();
    FAIL("start() must throw");
  } catch (const ValidationError& e) {
    const auto cycles = e.problems(Problem::Kind::circular_dependency);
    REQUIRE(cycles.size() == 2);
    CHECK(cycles[0].ids == std::vector<std::string>{"q", "r", "q"});
    CHECK(cycles[1].ids == std::vector<std::string>{"r", "s", "r"});  // from r, added before s
  }
}

TEST_CASE("backend: a cycle through a service already printed on a self-loop starts from that service",
          "[backend][validation]") {
  const auto a = createServiceRef<Named>("a");
  const auto b = createServiceRef<Named>("b");
  auto backend = createBackend();
  backend.add(createServiceFactory(a, deps(a, b), [](Named&, Named&) { return Named("a"); }));
  backend.add(createServiceFactory(b, deps(a), [](Named&) { return Named("b"); }));
  const auto cycles = problemsOf(backend);
  REQUIRE(cycles.size() == 2);
  CHECK(cycles[0].kind == Problem::Kind::circular_dependency);
  CHECK(cycles[0].ids == std::vector<std::string>{"a", "a"});
  CHECK(cycles[1].kind == Problem::Kind::circular_dependency);
  CHECK(cycles[1].ids == std::vector<std::string>{"a", "b", "a"});
}

TEST_CASE("backend: every missing dependency is reported at once with who needs it",
          "[backend][validation]") {
  const auto missingOne = createServiceRef<Named>("test.missingOne");
  const auto missingRoot = createServiceRef<Named, RootScope>("test.missingRoot");
  const auto svc = createServiceRef<Named>("test.service");
  const auto rootSvc = createServiceRef<Named, RootScope>("test.rootService");
  auto backend = createBackend();
  backend.add(createServiceFactory(svc, deps(missingOne), [](Named&) { return Named("s"); }));
  backend.add(createServiceFactory(rootSvc, deps(missingRoot), [](Named&) { return Named("r"); }));
  backend.add(pluginWith("catalog", deps(svc), [](Named&) {}));
  backend.add(pluginWith("search", deps(missingOne, rootSvc), [](Named&, Named&) {}));
  try {
    backend.start();
    FAIL("start() must throw");
  } catch (const ValidationError& e) {
    const auto missing = e.problems(Problem::Kind::missing_dependency);
    REQUIRE(missing.size() == 2);
    CHECK(missing[0].ids == std::vector<std::string>{"test.missingOne"});
    CHECK(missing[0].neededBy ==
          std::vector<std::string>{"service 'test.service' (for plugin 'catalog')", "plugin 'search'"});
    CHECK(missing[1].ids == std::vector<std::string>{"test.missingRoot"});
    CHECK(missing[1].neededBy ==
          std::vector<std::string>{"service 'test.rootService' (for plugin 'search')"});
    const std::string what = e.what();
    CHECK_THAT(what, Catch::Contains("Service 'test.missingOne' is missing"));
    CHECK_THAT(what, Catch::Contains("Add a factory for it with backend.add("));
  }
}

TEST_CASE("backend: duplicates, forbidden overrides and mismatched declarations are all reported together",
          "[backend][validation]") {
  const auto ref = createServiceRef<Named>("test.dup");
  const auto sameIdOtherType = createServiceRef<Greeter>("test.dup");
  const auto rootDecl = createServiceRef<Named, RootScope>("test.scoped");
  const auto pluginDecl = createServiceRef<Named>("test.scoped");
  struct Metadata final : PluginMetadataService {
    [[nodiscard]] std::string_view getId() const noexcept override { return "fake"; }
  };
  auto backend = createBackend();
  backend.add(createServiceFactory(ref, deps(), [] { return Named("1"); }));
  backend.add(createServiceFactory(ref, deps(), [] { return Named("2"); }));
  backend.add(createServiceFactory(ref, deps(), [] { return Named("3"); }));
  backend.add(createServiceFactory(coreServices::pluginMetadata, deps(), [] { return Metadata(); }));
  backend.add(createServiceFactory(rootDecl, deps(), [] { return Named("root"); }));
  backend.add(pluginWith("p", deps(sameIdOtherType, pluginDecl), [](Greeter&, Named&) {}));
  try {
    backend.start();
    FAIL("start() must throw");
  } catch (const ValidationError& e) {
    const auto dup = e.problems(Problem::Kind::duplicate_factory);
    REQUIRE(dup.size() == 1);  // three factories, one problem
    CHECK_THAT(dup[0].message, Catch::Contains("Duplicate service implementations provided for 'test.dup'"));
    const auto forbidden = e.problems(Problem::Kind::override_forbidden);
    REQUIRE(forbidden.size() == 1);
    CHECK_THAT(forbidden[0].message,
               Catch::Contains("'core.pluginMetadata' service is built in and cannot be "
                               "overridden"));
    const auto types = e.problems(Problem::Kind::type_mismatch);
    REQUIRE(types.size() == 1);
    CHECK_THAT(types[0].message, Catch::Contains("Named"));
    CHECK_THAT(types[0].message, Catch::Contains("Greeter"));
    const auto scopes = e.problems(Problem::Kind::scope_mismatch);
    REQUIRE(scopes.size() == 1);
    CHECK_THAT(scopes[0].message, Catch::Contains("declared both root-scoped and plugin-scoped"));
  }
}

TEST_CASE("backend: a decorator for core.pluginMetadata is override_forbidden, naming the service",
          "[backend][validation][decorator]") {
  // The engine makes each plugin's metadata itself, so a decorator of it would silently never run.
  struct Metadata final : PluginMetadataService {
    explicit Metadata(PluginMetadataService& inner) : inner_(inner) {}
    [[nodiscard]] std::string_view getId() const noexcept override { return inner_.getId(); }
    PluginMetadataService& inner_;
  };
  auto backend = createBackend();
  backend.add(createServiceDecorator(coreServices::pluginMetadata, deps(), [](PluginMetadataService& inner) {
    return std::make_unique<Metadata>(inner);
  }));
  backend.add(pluginWith("p", deps(coreServices::pluginMetadata), [](PluginMetadataService&) {}));
  try {
    backend.start();
    FAIL("start() must throw");
  } catch (const ValidationError& e) {
    REQUIRE(e.problems().size() == 1);
    CHECK(e.problems()[0].kind == Problem::Kind::override_forbidden);
    CHECK(e.problems()[0].ids == std::vector<std::string>{"core.pluginMetadata"});
    CHECK_THAT(
        e.problems()[0].message,
        Catch::Contains("The 'core.pluginMetadata' service is built in and cannot be decorated; remove "
                        "the decorator added for it"));
  }
}

TEST_CASE("backend: a decorator for the built-in core.rootInstanceMetadata wraps the built-in list",
          "[backend][decorator]") {
  struct Installed final : RootInstanceMetadataService {
    explicit Installed(RootInstanceMetadataService& inner) : plugins(inner.getInstalledPlugins()) {
      plugins.push_back(InstalledPlugin{"added-by-decorator", {}});
    }
    [[nodiscard]] const std::vector<InstalledPlugin>& getInstalledPlugins() const noexcept override {
      return plugins;
    }
    std::vector<InstalledPlugin> plugins;
  };
  auto backend = createBackend();
  backend.add(createServiceDecorator(coreServices::rootInstanceMetadata, deps(),
                                     [](RootInstanceMetadataService& inner) { return Installed(inner); }));
  std::vector<std::string> seen;
  backend.add(
      pluginWith("p", deps(coreServices::rootInstanceMetadata), [&seen](RootInstanceMetadataService& m) {
        for (const auto& plugin : m.getInstalledPlugins()) seen.push_back(plugin.pluginId);
      }));
  backend.start();
  CHECK(seen == std::vector<std::string>{"p", "added-by-decorator"});
}

TEST_CASE("backend: a root service that reaches a plugin service through a shared id is a scope error",
          "[backend][validation]") {
  // Declared root-scoped where it is used, plugin-scoped where it is provided: only run time can tell.
  const auto usedAsRoot = createServiceRef<Named, RootScope>("test.shared");
  const auto providedAsPlugin = createServiceRef<Named>("test.shared");
  const auto rootUser = createServiceRef<Named, RootScope>("test.rootUser");
  auto backend = createBackend();
  backend.add(createServiceFactory(providedAsPlugin, deps(), [] { return Named("p"); }));
  backend.add(createServiceFactory(rootUser, deps(usedAsRoot), [](Named& n) { return Named(n.name); }));
  try {
    backend.start();
    FAIL("start() must throw");
  } catch (const ValidationError& e) {
    const auto scopes = e.problems(Problem::Kind::scope_mismatch);
    REQUIRE(scopes.size() == 2);
    CHECK_THAT(scopes[1].message, Catch::Contains("The root-scoped factory of 'test.rootUser' depends on "
                                                  "plugin-scoped service 'test.shared'"));
  }
}

TEST_CASE("backend: a throwing factory in a chain leaves no instance alive and names the chain",
          "[backend][exceptions]") {
  Counted::reset();
  const auto a = createServiceRef<Counted>("chain.a");
  const auto b = createServiceRef<Counted>("chain.b");
  const auto c = createServiceRef<Counted>("chain.c");
  const auto d = createServiceRef<Counted>("chain.d");
  const auto e = createServiceRef<Counted>("chain.e");
  const auto root = createServiceRef<Counted, RootScope>("chain.root");
  auto backend = createBackend();
  backend.add(createServiceFactory(root, deps(), [] { return std::make_unique<Counted>("root"); }));
  backend.add(createServiceFactory(a, deps(b, root), [](Counted&, Counted&) { return Counted("a"); }));
  backend.add(createServiceFactory(b, deps(c), [](Counted&) { return std::make_shared<Counted>("b"); }));
  backend.add(createServiceFactory(
      c, deps(d), [](Counted&) -> std::unique_ptr<Counted> { throw std::runtime_error("disk on fire"); }));
  backend.add(createServiceFactory(d, deps(e), [](Counted&) { return Counted("d"); }));
  backend.add(createServiceFactory(e, deps(), [] { return std::make_unique<Counted>("e"); }));
  backend.add(pluginWith("catalog", deps(a), [](Counted&) {}));
  checkPluginFailure<ServiceFactoryError>(backend, "catalog", [](const ServiceFactoryError& err) {
    CHECK(err.code() == ErrorCode::factory_threw);
    CHECK(err.serviceId() == "chain.c");
    CHECK(err.pluginId() == "catalog");
    CHECK(err.chain() == std::vector<std::string>{"chain.a", "chain.b", "chain.c"});
    CHECK(
        std::string(err.what()) ==
        "Failed to instantiate service 'chain.c' for 'catalog' because the factory function threw an error: "
        "disk on fire (dependency chain: 'chain.a' -> 'chain.b' -> 'chain.c')");
    REQUIRE(err.nested_ptr() != nullptr);
    CHECK_THROWS_WITH(err.rethrow_nested(), "disk on fire");
  });
  CHECK(Counted::created == 3);  // root, e, d
  CHECK(Counted::live == 0);
  // Destroyed in reverse creation order.
  CHECK(Counted::destroyed == std::vector<std::string>{"d", "e", "root"});
  backend.stop();  // nothing left to do
  CHECK(Counted::live == 0);
}

TEST_CASE("backend: a plugin's instance that failed is not made again for that plugin's next consumer",
          "[backend][exceptions]") {
  // Backstage caches a plugin-scoped factory's rejected promise per plugin: the module and the init of plugin
  // 'a' share one failure; plugin 'b' makes its own attempt.
  const auto svc = createServiceRef<Named>("test.flaky");
  std::vector<std::string> runs;
  auto backend = createBackend();
  backend.add(mockServices::rootLogger::factory());
  backend.add(createServiceFactory(svc, deps(coreServices::pluginMetadata),
                                   [&runs](PluginMetadataService& plugin) -> Named {
                                     runs.emplace_back(plugin.getId());
                                     throw std::logic_error("flaky");
                                   }));
  backend.add(pluginWith("a", deps(svc), [](Named&) {}));
  backend.add(moduleWith("a", "m", deps(svc), [](Named&) {}));
  backend.add(pluginWith("b", deps(svc), [](Named&) {}));
  try {
    backend.start();
    FAIL("start() must throw");
  } catch (const BackendStartupError& e) {
    CHECK(runs == std::vector<std::string>{"a", "b"});
    const auto* a = e.result().plugin("a");
    REQUIRE(a != nullptr);
    REQUIRE(a->failure.has_value());
    REQUIRE(a->module("m")->failure.has_value());
    for (const auto* failure : {&*a->failure, &*a->module("m")->failure}) {
      CHECK_THAT(failure->message, Catch::Contains("Failed to instantiate service 'test.flaky' for 'a'") &&
                                       Catch::Contains("threw an error: flaky"));
    }
  }
}

TEST_CASE("backend: a root context or lazy root service that failed is not run again for the next consumer",
          "[backend][exceptions]") {
  // One per backend, failure included: Backstage caches the rejected promise of a factory.
  const auto svc = createServiceRef<Named>("test.service");
  const auto lazyRoot = createServiceRef<Named, RootScope>("test.lazyRoot");
  int runs = 0;
  std::string expected;  // whom the message blames
  auto backend = createBackend();
  backend.add(mockServices::rootLogger::factory());  // keeps the plugins' failures off the test's output
  SECTION("root context") {
    expected = "Failed to instantiate service 'test.service' for '";
    backend.add(createServiceFactory(svc, deps(),
                                     rootContext(deps(),
                                                 [&runs]() -> int {
                                                   ++runs;
                                                   throw std::logic_error("no pool");
                                                 }),
                                     [](int&) { return Named("never"); }));
  }
  SECTION("lazy root service") {
    expected = "Failed to instantiate service 'test.lazyRoot' because the factory function threw";
    backend.add(createServiceFactory(
        lazyRoot, deps(),
        [&runs]() -> Named {
          ++runs;
          throw std::logic_error("no pool");
        },
        Initialization::lazy));
    backend.add(createServiceFactory(svc, deps(lazyRoot), [](Named& root) { return Named(root.name); }));
  }
  for (const char* id : {"a", "b", "c"}) backend.add(pluginWith(id, deps(svc), [](Named&) {}));
  try {
    backend.start();
    FAIL("start() must throw");
  } catch (const BackendStartupError& e) {
    CHECK(runs == 1);
    const auto& plugins = e.result().plugins;
    REQUIRE(plugins.size() == 3);
    for (const auto& plugin : plugins) {
      REQUIRE(plugin.failure.has_value());
      CHECK_THAT(plugin.failure->message,
                 Catch::Contains(expected) && Catch::Contains("threw an error: no pool"));
    }
  }
}

TEST_CASE("backend: a throwing root context and a null result are reported with their service",
          "[backend][exceptions]") {
  Counted::reset();
  const auto root = createServiceRef<Counted, RootScope>("test.root");
  const auto svc = createServiceRef<Counted>("test.service");
  SECTION("root context") {
    auto backend = createBackend();
    backend.add(createServiceFactory(root, deps(), [] { return Counted("root"); }));
    backend.add(createServiceFactory(
        svc, deps(), rootContext(deps(root), [](Counted&) -> int { throw std::logic_error("no pool"); }),
        [](int&) { return Counted("never"); }));
    backend.add(pluginWith("p", deps(svc), [](Counted&) {}));
    checkPluginFailure<ServiceFactoryError>(backend, "p", [](const ServiceFactoryError& err) {
      CHECK(err.serviceId() == "test.service");
      CHECK_THAT(err.what(),
                 Catch::Contains("Failed to instantiate service 'test.service' for 'p' because the "
                                 "root context factory function threw an error: no pool"));
    });
  }
  SECTION("null") {
    auto backend = createBackend();
    backend.add(createServiceFactory(root, deps(), [] { return Counted("root"); }));
    backend.add(createServiceFactory(svc, deps(root), [](Counted&) { return std::unique_ptr<Counted>(); }));
    backend.add(pluginWith("p", deps(svc), [](Counted&) {}));
    checkPluginFailure<ServiceFactoryError>(backend, "p", [](const ServiceFactoryError& err) {
      CHECK(err.code() == ErrorCode::factory_returned_null);
      CHECK(err.nested_ptr() == nullptr);
      CHECK_THAT(err.what(),
                 Catch::Contains("Failed to instantiate service 'test.service' for 'p' because the "
                                 "factory function returned an empty pointer"));
    });
  }
  CHECK(Counted::live == 0);
}

TEST_CASE("backend: a throwing root factory names the service without a plugin", "[backend][exceptions]") {
  const auto root = createServiceRef<Named, RootScope>("test.root");
  auto backend = createBackend();
  backend.add(createServiceFactory(root, deps(), []() -> Named { throw std::runtime_error("boom"); }));
  try {
    backend.start();
    FAIL("start() must throw");
  } catch (const ServiceFactoryError& err) {
    CHECK(err.pluginId().empty());
    CHECK(std::string(err.what()) ==
          "Failed to instantiate service 'test.root' because the factory function threw an error: boom");
  }
}

TEST_CASE("backend: instances are destroyed in reverse creation order on stop, once",
          "[backend][lifecycle]") {
  Counted::reset();
  const auto root = createServiceRef<Counted, RootScope>("test.root");
  const auto svc = createServiceRef<Counted>("test.service");
  {
    auto backend = createBackend();
    backend.add(createServiceFactory(root, deps(), [] { return Counted("root"); }));
    backend.add(createServiceFactory(svc, deps(root, coreServices::pluginMetadata),
                                     [](Counted&, PluginMetadataService& m) { return Counted(m.getId()); }));
    backend.add(pluginWith("p1", deps(svc), [](Counted&) {}));
    backend.add(pluginWith("p2", deps(svc), [](Counted&) {}));
    backend.start();
    CHECK(Counted::live == 3);
    backend.stop();
    CHECK(Counted::destroyed == std::vector<std::string>{"p2", "p1", "root"});
    backend.stop();
    CHECK(Counted::destroyed.size() == 3);
  }
  CHECK(Counted::live == 0);
}

TEST_CASE("backend: a backend destroyed without stop() destroys its instances", "[backend][lifecycle]") {
  Counted::reset();
  const auto root = createServiceRef<Counted, RootScope>("test.root");
  {
    auto backend = createBackend();
    backend.add(createServiceFactory(root, deps(), [] { return Counted("root"); }));
    backend.start();
    CHECK(Counted::live == 1);
  }
  CHECK(Counted::live == 0);
}

TEST_CASE("backend: initialization decides when instances are created", "[backend][initialization]") {
  Counted::reset();
  const auto lazyRoot = createServiceRef<Counted, RootScope>("test.lazyRoot");
  const auto eagerRoot = createServiceRef<Counted, RootScope>("test.eagerRoot");
  const auto alwaysPerPlugin = createServiceRef<Counted>("test.alwaysPerPlugin");
  const auto lazyPerPlugin = createServiceRef<Counted>("test.lazyPerPlugin");
  auto backend = createBackend();
  backend.add(createServiceFactory(
      lazyRoot, deps(), [] { return Counted("lazyRoot"); }, Initialization::lazy));
  backend.add(createServiceFactory(eagerRoot, deps(), [] { return Counted("eagerRoot"); }));
  backend.add(createServiceFactory(
      alwaysPerPlugin, deps(coreServices::pluginMetadata),
      [](PluginMetadataService& m) { return Counted("always:" + std::string(m.getId())); },
      Initialization::always));
  backend.add(createServiceFactory(lazyPerPlugin, deps(), [] { return Counted("lazyPerPlugin"); }));
  backend.add(pluginWith("p1", deps(), [] {}));
  backend.add(pluginWith("p2", deps(), [] {}));
  backend.start();
  CHECK(Counted::names == std::vector<std::string>{"eagerRoot", "always:p1", "always:p2"});
}

TEST_CASE("backend: a lazy root service is created on first need", "[backend][initialization]") {
  Counted::reset();
  const auto lazyRoot = createServiceRef<Counted, RootScope>("test.lazyRoot");
  auto backend = createBackend();
  backend.add(createServiceFactory(
      lazyRoot, deps(), [] { return Counted("lazyRoot"); }, Initialization::lazy));
  backend.add(pluginWith("p", deps(lazyRoot), [](Counted& c) { CHECK(c.name == "lazyRoot"); }));
  backend.start();
  CHECK(Counted::names == std::vector<std::string>{"lazyRoot"});
}

TEST_CASE("backend: factories may return a value, unique_ptr, shared_ptr or something convertible",
          "[backend][factory]") {
  const auto byValue = createServiceRef<Greeter>("test.byValue");
  const auto byUnique = createServiceRef<Greeter>("test.byUnique");
  const auto byShared = createServiceRef<Greeter>("test.byShared");
  const auto converted = createServiceRef<std::string, RootScope>("test.converted");
  auto keptElsewhere = std::make_shared<PlainGreeter>();
  std::vector<std::string> got;
  auto backend = createBackend();
  backend.add(createServiceFactory(byValue, deps(), [] { return PlainGreeter(); }));
  backend.add(createServiceFactory(byUnique, deps(), [] { return std::make_unique<PlainGreeter>(); }));
  backend.add(createServiceFactory(
      byShared, deps(), [weak = std::weak_ptr<PlainGreeter>(keptElsewhere)] { return weak.lock(); }));
  backend.add(createServiceFactory(converted, deps(), [] { return "from a literal"; }));
  backend.add(pluginWith("p", deps(byValue, byUnique, byShared, converted),
                         [&](Greeter& v, Greeter& u, Greeter& s, std::string& c) {
                           got = {v.greet("v"), u.greet("u"), s.greet("s"), c};
                           CHECK(&s == keptElsewhere.get());
                         }));
  backend.start();
  CHECK(got == std::vector<std::string>{"hello v", "hello u", "hello s", "from a literal"});
  CHECK(keptElsewhere.use_count() == 2);
  backend.stop();
  CHECK(keptElsewhere.use_count() == 1);
}

TEST_CASE("backend: using it out of order is an error with clear words", "[backend][state]") {
  auto plugin = pluginWith("p", deps(), [] {});
  SECTION("add after start") {
    auto backend = createBackend();
    backend.start();
    CHECK_THROWS_MATCHES(backend.add(plugin), BackendStateError,
                         Catch::Message("feature can not be added after the backend has started"));
  }
  SECTION("start twice") {
    auto backend = createBackend();
    backend.start();
    CHECK_THROWS_MATCHES(backend.start(), BackendStateError, Catch::Message("Backend has already started"));
  }
  SECTION("start after stop") {
    auto backend = createBackend();
    backend.start();
    backend.stop();
    CHECK_THROWS_MATCHES(backend.start(), BackendStateError, Catch::Message("Backend has already stopped"));
  }
  SECTION("a moved-from backend") {
    auto backend = createBackend();
    auto moved = std::move(backend);
    CHECK_THROWS_AS(backend.start(), BackendStateError);  // NOLINT(bugprone-use-after-move)
    // Every member says so, startupResult() included (it used to dereference the empty engine).
    CHECK_THROWS_MATCHES(std::as_const(backend).startupResult(), BackendStateError,  // NOLINT
                         Catch::Message("This Backend was moved from; use the backend it was moved to"));
    moved.start();
  }
}

TEST_CASE("backend: a plugin init that throws unwinds the start", "[backend][exceptions]") {
  Counted::reset();
  const auto root = createServiceRef<Counted, RootScope>("test.root");
  auto backend = createBackend();
  backend.add(createServiceFactory(root, deps(), [] { return Counted("root"); }));
  backend.add(pluginWith("p", deps(root), [](Counted&) { throw std::runtime_error("init failed"); }));
  try {
    backend.start();
    FAIL("start() must throw");
  } catch (const BackendStartupError& e) {
    CHECK(e.code() == ErrorCode::startup_failed);
    CHECK(std::string(e.what()) ==
          "Backend startup failed due to the following errors:\n  Plugin 'p' startup failed; caused by init "
          "failed");
    const auto* p = e.result().plugin("p");
    REQUIRE(p != nullptr);
    CHECK(p->status == StartupStatus::failed);
    REQUIRE(p->failure.has_value());
    CHECK_FALSE(p->failure->allowed);
    CHECK_THROWS_WITH(std::rethrow_exception(p->failure->error), "init failed");
  }
  CHECK(Counted::live == 0);
}

TEST_CASE("backend: plugins must register exactly one init and unique ids", "[backend][validation]") {
  auto backend = createBackend();
  backend.add(createBackendPlugin("none", [](PluginRegistrationPoints&) {}));
  backend.add(createBackendPlugin("twice", [](PluginRegistrationPoints& env) {
    env.registerInit(deps(), [] {});
    env.registerInit(deps(), [] {});
  }));
  backend.add(pluginWith("same", deps(), [] {}));
  backend.add(pluginWith("same", deps(), [] {}));
  try {
    backend.start();
    FAIL("start() must throw");
  } catch (const ValidationError& e) {
    const auto registrations = e.problems(Problem::Kind::invalid_registration);
    REQUIRE(registrations.size() == 2);
    CHECK_THAT(registrations[0].message, Catch::Contains("Plugin 'none' registered no init"));
    CHECK_THAT(registrations[1].message, Catch::Contains("Plugin 'twice' registered more than one init"));
    const auto dups = e.problems(Problem::Kind::duplicate_plugin);
    REQUIRE(dups.size() == 1);
    CHECK(dups[0].ids == std::vector<std::string>{"same"});
  }
}

TEST_CASE("backend: a default factory must provide its own ref, and may not throw", "[backend][validation]") {
  const auto other = createServiceRef<Named>("test.other");
  const auto wrong = createServiceRef<Named>("test.wrong", [other](auto) {
    return createServiceFactory(other, deps(), [] { return Named("other"); });
  });
  const auto throwing = createServiceRef<Named>("test.throwing", [](auto service) {
    if (service.id() == "test.throwing") throw std::runtime_error("no default today");
    return createServiceFactory(service, deps(), [] { return Named("never"); });
  });
  auto backend = createBackend();
  backend.add(pluginWith("p", deps(wrong, throwing), [](Named&, Named&) {}));
  const auto problems = problemsOf(backend);
  REQUIRE(problems.size() == 2);
  CHECK(problems[0].kind == Problem::Kind::invalid_registration);
  CHECK(problems[0].message ==
        "The default factory of 'test.wrong' provides 'test.other' instead; pass the "
        "callback's `service` argument to createServiceFactory");
  CHECK(problems[1].message ==
        "Failed to instantiate service 'test.throwing' because the default factory loader "
        "threw an error: no default today");
  // As docs/reference/errors.md lists them: the kind, and the ids.
  CHECK(problems[0].ids == std::vector<std::string>{"test.wrong", "test.other"});
  CHECK(problems[1].kind == Problem::Kind::invalid_registration);
  CHECK(problems[1].ids == std::vector<std::string>{"test.throwing"});
  // Who needed them, as for a missing service.
  CHECK(problems[0].neededBy == std::vector<std::string>{"plugin 'p'"});
  CHECK(problems[1].neededBy == std::vector<std::string>{"plugin 'p'"});
}

TEST_CASE("backend: a throwing default factory names a decorated service that needs it",
          "[backend][validation]") {
  // The decorated service's edges are made after the defaults are loaded: its need is found all the same.
  const auto throwing = createServiceRef<Named>("test.throwingDefault", [](auto service) {
    if (service.id() == "test.throwingDefault") throw std::runtime_error("no default today");
    return createServiceFactory(service, deps(), [] { return Named("never"); });
  });
  const auto user = createServiceRef<Named>("test.decoratedUser");
  auto backend = createBackend();
  backend.add(createServiceFactory(user, deps(throwing), [](Named&) { return Named("user"); }));
  backend.add(createServiceDecorator(user, deps(), [](Named& inner) { return Named(inner.name + "!"); }));
  backend.add(pluginWith("p", deps(user), [](Named&) {}));
  const auto problems = problemsOf(backend);
  REQUIRE(problems.size() == 1);
  CHECK(problems[0].kind == Problem::Kind::invalid_registration);
  CHECK(problems[0].neededBy == std::vector<std::string>{"service 'test.decoratedUser' (for plugin 'p')"});
}
