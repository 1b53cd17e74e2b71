// SPDX-License-Identifier: Apache-2.0
// Tests of createServiceFactory: deps order, root contexts, initialization and the options pattern.
#include "support/catch.hpp"
#include "support/services.hpp"

#include <rigging/create_backend.hpp>
#include <rigging/service_factory.hpp>

#include <memory>
#include <string>
#include <type_traits>

using namespace rigging;
using namespace rigging::test;

namespace {

struct FooOptions {
  std::string prefix = "default:";
};

const auto fooRef = createServiceRef<Named>("example.foo");
const auto wordRef = createServiceRef<Named, RootScope>("example.word");

// The options pattern, as a service author would export it.
const auto fooServiceFactory = createServiceFactory([](FooOptions options) {
  return createServiceFactory(fooRef, deps(wordRef),
                              [options](Named& word) { return Named(options.prefix + word.name); });
});

std::string resolveFoo(Backend& backend) {
  std::string got;
  backend.add(createServiceFactory(wordRef, deps(), [] { return Named("word"); }));
  backend.add(createBackendPlugin("p", [&got](PluginRegistrationPoints& env) {
    env.registerInit(deps(fooRef), [&got](Named& n) { got = n.name; });
  }));
  backend.start();
  return got;
}

}  // namespace

TEST_CASE("service factory: describes its service and deps without running anything", "[service_factory]") {
  int runs = 0;
  const auto other = createServiceRef<Named>("example.other");
  const auto factory = createServiceFactory(fooRef, deps(wordRef, other), [&runs](Named& w, Named&) {
    ++runs;
    return Named(w.name);
  });
  STATIC_REQUIRE(std::is_same_v<std::remove_cvref_t<decltype(factory)>::ref_type, ServiceRef<Named>>);
  CHECK(runs == 0);
  CHECK(factory.service().id() == "example.foo");
  REQUIRE(factory.impl()->deps().size() == 2);
  CHECK(factory.impl()->deps()[0]->id == "example.word");
  CHECK(factory.impl()->deps()[1]->id == "example.other");
  CHECK_FALSE(factory.impl()->hasContext());
}

TEST_CASE("service factory: deps arrive as references in declaration order", "[service_factory]") {
  const auto first = createServiceRef<Named, RootScope>("example.first");
  const auto second = createServiceRef<Named, RootScope>("example.second");
  const auto joined = createServiceRef<Named>("example.joined");
  std::string got;
  auto backend = createBackend();
  backend.add(createServiceFactory(second, deps(), [] { return Named("2"); }));
  backend.add(createServiceFactory(first, deps(), [] { return Named("1"); }));
  backend.add(createServiceFactory(joined, deps(second, first, second), [](Named& a, Named& b, Named& c) {
    return Named(a.name + b.name + c.name);
  }));
  backend.add(createBackendPlugin("p", [&got, joined](PluginRegistrationPoints& env) {
    env.registerInit(deps(joined), [&got](Named& n) { got = n.name; });
  }));
  backend.start();
  CHECK(got == "212");
}

TEST_CASE("service factory: initialization defaults by scope and can be set", "[service_factory]") {
  const auto root = createServiceRef<Named, RootScope>("example.root");
  CHECK(createServiceFactory(root, deps(), [] { return Named("r"); }).impl()->initialization() ==
        Initialization::always);
  CHECK(createServiceFactory(fooRef, deps(), [] { return Named("p"); }).impl()->initialization() ==
        Initialization::lazy);
  CHECK(createServiceFactory(
            root, deps(), [] { return Named("r"); }, Initialization::lazy)
            .impl()
            ->initialization() == Initialization::lazy);
  CHECK(createServiceFactory(
            fooRef, deps(), [] { return Named("p"); }, Initialization::always)
            .impl()
            ->initialization() == Initialization::always);
}

TEST_CASE("service factory: a root context is declared with rootContext(deps(...), fn)",
          "[service_factory]") {
  struct Ctx {
    int n = 7;
  };
  const auto factory =
      createServiceFactory(fooRef, deps(), rootContext(deps(wordRef), [](Named&) { return Ctx{}; }),
                           [](Ctx& ctx) { return Named(std::to_string(ctx.n)); });
  CHECK(factory.impl()->hasContext());
  REQUIRE(factory.impl()->contextDeps().size() == 1);
  CHECK(factory.impl()->contextDeps()[0]->id == "example.word");
}

TEST_CASE("service factory: the options pattern works with and without options",
          "[service_factory][options]") {
  SECTION("used as a factory") {
    auto backend = createBackend();
    backend.add(fooServiceFactory);
    CHECK(resolveFoo(backend) == "default:word");
  }
  SECTION("called without options") {
    auto backend = createBackend();
    backend.add(fooServiceFactory());
    CHECK(resolveFoo(backend) == "default:word");
  }
  SECTION("called with options") {
    auto backend = createBackend();
    backend.add(fooServiceFactory(FooOptions{"custom:"}));
    CHECK(resolveFoo(backend) == "custom:word");
  }
}

TEST_CASE("service factory: exported building blocks let users customise an implementation",
          "[service_factory]") {
  // The seeds' DefaultFooService::create pattern: a user factory built from the author's implementation.
  struct DefaultFoo : Named {
    static std::unique_ptr<DefaultFoo> create(std::string transform) {
      return std::unique_ptr<DefaultFoo>(new DefaultFoo(std::move(transform)));
    }

   private:
    explicit DefaultFoo(std::string n) : Named(std::move(n)) {}
  };
  auto backend = createBackend();
  backend.add(createServiceFactory(fooRef, deps(wordRef),
                                   [](Named& w) { return DefaultFoo::create("upper:" + w.name); }));
  CHECK(resolveFoo(backend) == "upper:word");
}

namespace {
struct NameSource {
  std::string name;
  [[nodiscard]] std::unique_ptr<Named> make() const { return std::make_unique<Named>(name + "!"); }
};
}  // namespace

TEST_CASE("service factory: a member function pointer is a callable too, called on the first dep",
          "[service_factory]") {
  const auto sourceRef = createServiceRef<NameSource, RootScope>("example.source");
  const auto madeRef = createServiceRef<Named, RootScope>("example.made");
  std::string got;
  auto backend = createBackend();
  backend.add(createServiceFactory(sourceRef, deps(), [] { return NameSource{"source"}; }));
  backend.add(createServiceFactory(madeRef, deps(sourceRef), &NameSource::make));
  backend.add(createBackendPlugin("p", [&got, madeRef](PluginRegistrationPoints& env) {
    env.registerInit(deps(madeRef), [&got](Named& made) { got = made.name; });
  }));
  backend.start();
  CHECK(got == "source!");
}
