// SPDX-License-Identifier: Apache-2.0
// Tests of service refs: ids, compile-time scope and cardinality, default factories.
#include "support/catch.hpp"
#include "support/services.hpp"

#include <rigging/extension_point.hpp>
#include <rigging/service_factory.hpp>
#include <rigging/service_ref.hpp>

#include <string>
#include <type_traits>

using namespace rigging;
using namespace rigging::test;

TEST_CASE("service ref: plugin scope and singleton are the defaults", "[service_ref]") {
  const auto ref = createServiceRef<Named>("example.named");
  STATIC_REQUIRE(std::is_same_v<decltype(ref), const ServiceRef<Named, PluginScope, Singleton>>);
  STATIC_REQUIRE(std::is_same_v<ServiceRef<Named>::injected_type, Named&>);
  CHECK(ref.id() == "example.named");
  CHECK(ref.scope() == ServiceScope::plugin);
  CHECK_FALSE(ref.hasDefaultFactory());
}

TEST_CASE("service ref: root scope and multiton are part of the type", "[service_ref]") {
  const auto root = createServiceRef<Named, RootScope>("example.root");
  const auto many = createServiceRef<Named>("example.many", multiton);
  const auto rootMany = createServiceRef<Named, RootScope>("example.rootMany", multiton);
  STATIC_REQUIRE(decltype(root)::is_root);
  STATIC_REQUIRE(!decltype(many)::is_root);
  STATIC_REQUIRE(decltype(many)::is_multiton);
  STATIC_REQUIRE(decltype(rootMany)::is_root && decltype(rootMany)::is_multiton);
  STATIC_REQUIRE(std::is_same_v<decltype(many)::injected_type, ServiceRange<Named>>);
  CHECK(root.scope() == ServiceScope::root);
  CHECK(many.info()->multiton);
  CHECK_FALSE(root.info()->multiton);
}

TEST_CASE("service ref: a default factory is carried by the ref", "[service_ref]") {
  const auto ref = createServiceRef<Named>("example.defaulted", [](auto service) {
    return createServiceFactory(service, deps(), [] { return Named("default"); });
  });
  const auto many = createServiceRef<Named>("example.manyDefaulted", multiton, [](auto service) {
    return createServiceFactory(service, deps(), [] { return Named("default"); });
  });
  CHECK(ref.hasDefaultFactory());
  CHECK(many.hasDefaultFactory());
  const auto factory = ref.info()->makeDefaultFactory();
  REQUIRE(factory != nullptr);
  CHECK(factory->service() == ref.info());
}

TEST_CASE("service ref: copies name the same service; the id is copied, not borrowed", "[service_ref]") {
  std::string id = "example.dynamic";
  const auto ref = createServiceRef<Named>(id);
  id = "changed";
  const auto copy = ref;
  CHECK(copy.id() == "example.dynamic");
  CHECK(copy.info() == ref.info());
}

TEST_CASE(
    "service ref: a plain ref is a pointer to a description made once per id, type, scope and cardinality",
    "[service_ref]") {
  // Trivial to copy and to destroy: a program's namespace-scope refs need no destructors, and lists of deps
  // are copied without reference counting.
  STATIC_REQUIRE(std::is_trivially_copyable_v<ServiceRef<Named>>);
  STATIC_REQUIRE(std::is_trivially_destructible_v<ServiceRef<Named, RootScope, Multiton>>);
  STATIC_REQUIRE(std::is_trivially_destructible_v<ExtensionPoint<Named>>);
  STATIC_REQUIRE(sizeof(ServiceRef<Named>) == sizeof(void*));
  const auto made = [] { return createServiceRef<Named>("example.interned"); };
  CHECK(made().info() == made().info());  // a function making its ref at every call allocates once
  CHECK(createServiceRef<Named>("example.interned").info() == made().info());
  CHECK(createServiceRef<Named, RootScope>("example.interned").info() != made().info());
  CHECK(createServiceRef<Named>("example.interned", multiton).info() != made().info());
  CHECK(createServiceRef<Greeter>("example.interned").info() != made().info());
  CHECK(createExtensionPoint<Named>("example.interned").info() != made().info());
  CHECK(createExtensionPoint<Named>("example.interned").info() ==
        createExtensionPoint<Named>("example.interned").info());
  CHECK(createServiceRef<Named>("example.interned2").info() != made().info());
  // All of them share the id's number, by which a backend matches them.
  CHECK(createServiceRef<Named, RootScope>("example.interned").info()->key == made().info()->key);
  // A ref with a default factory whose callback holds no state is shared too: its callback's type says all
  // it does. One whose callback holds state keeps its own.
  const auto defaulted = [] {
    return createServiceRef<Named>("example.interned", [](auto service) {
      return createServiceFactory(service, deps(), [] { return Named("default"); });
    });
  };
  CHECK(defaulted().info() == defaulted().info());
  CHECK(defaulted().info() != made().info());
  CHECK(defaulted().info()->hasDefaultFactory());
  const auto capturing = [](std::string text) {
    return createServiceRef<Named>("example.interned", [text](auto service) {
      return createServiceFactory(service, deps(), [text] { return Named(text); });
    });
  };
  CHECK(capturing("a").info() != capturing("a").info());
  CHECK(capturing("a").info() != defaulted().info());
}

TEST_CASE("service ref: the process's table of refs grows geometrically", "[service_ref]") {
  // Each new ref appends to the table that keeps every description; growing it by one each time would copy
  // the whole table per ref (quadratic in the number of refs a program makes).
  const auto& all = detail::refTable().all;
  std::vector<std::size_t> capacities;
  for (int i = 0; i < 200; ++i) {
    (void)createServiceRef<Named>("example.growth" + std::to_string(i));
    if (capacities.empty() || capacities.back() != all.capacity()) capacities.push_back(all.capacity());
  }
  CHECK(capacities.size() <= 6);  // 200 appends: a handful of reallocations, not 200
}

TEST_CASE("service ref: type names are readable and types are told apart without RTTI", "[service_ref]") {
  const auto a = createServiceRef<Named>("example.a");
  const auto b = createServiceRef<Greeter>("example.b");
  CHECK(a.info()->type != b.info()->type);
  CHECK(a.info()->type == createServiceRef<Named>("example.c").info()->type);
  CHECK(a.info()->typeName == "rigging::test::Named");
  CHECK(b.info()->typeName == "rigging::test::Greeter");
}

TEST_CASE("service range: iterates instances in order", "[service_ref][multiton]") {
  Named first("first");
  Named second("second");
  void* items[] = {&first, &second};
  const ServiceRange<Named> range(items, 2);
  CHECK(range.size() == 2);
  CHECK_FALSE(range.empty());
  CHECK(&range[1] == &second);
  std::string joined;
  for (Named& n : range) joined += n.name;
  CHECK(joined == "firstsecond");
  CHECK(range.end() - range.begin() == 2);
  CHECK(ServiceRange<Named>().empty());
}
