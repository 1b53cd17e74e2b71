// SPDX-License-Identifier: Apache-2.0
// Tests of deps(...): the ordered dependency list.
#include "support/catch.hpp"
#include "support/services.hpp"

#include <rigging/deps.hpp>
#include <rigging/service_factory.hpp>

#include <tuple>
#include <type_traits>

using namespace rigging;
using namespace rigging::test;

TEST_CASE("deps: keeps its refs in declaration order", "[deps]") {
  const auto a = createServiceRef<Named>("example.a");
  const auto b = createServiceRef<Greeter, RootScope>("example.b");
  const auto list = deps(b, a);
  STATIC_REQUIRE(
      std::is_same_v<decltype(list), const Deps<ServiceRef<Greeter, RootScope>, ServiceRef<Named>>>);
  STATIC_REQUIRE(decltype(list)::size == 2);
  const auto infos = list.infos();
  REQUIRE(infos.size() == 2);
  CHECK(infos[0]->id == "example.b");
  CHECK(infos[1]->id == "example.a");
}

TEST_CASE("deps: an empty list is allowed", "[deps]") {
  const auto none = deps();
  STATIC_REQUIRE(decltype(none)::size == 0);
  STATIC_REQUIRE(std::is_trivially_destructible_v<Deps<>>);  // costs a factory without deps nothing
  // Nor does a list of deps: a pointer per ref, made and dropped without code of its own.
  STATIC_REQUIRE(std::is_trivially_destructible_v<Deps<ServiceRef<Named>, ServiceRef<Greeter, RootScope>>>);
  STATIC_REQUIRE(sizeof(Deps<ServiceRef<Named>, ServiceRef<Greeter, RootScope>>) == 2 * sizeof(void*));
  CHECK(none.infos().empty());
  CHECK(none.infoList().empty());
  CHECK(std::tuple_size_v<decltype(none.refs())> == 0);
}

TEST_CASE("deps: an empty list can be written {}", "[deps]") {
  const Deps<> none = {};
  STATIC_REQUIRE(decltype(none)::size == 0);
  const auto ref = createServiceRef<Named>("example.braced");
  const auto factory = createServiceFactory(ref, {}, [] { return Named("n"); });
  CHECK(factory.service().id() == "example.braced");
  STATIC_REQUIRE(!std::is_convertible_v<ServiceRef<Named>, Deps<ServiceRef<Named>>>);  // one ref: explicit
}

TEST_CASE("deps: gives its refs back, in order, naming the same services", "[deps]") {
  const auto a = createServiceRef<Named>("example.a");
  const auto b = createServiceRef<Greeter, RootScope>("example.b");
  const auto list = deps(b, a);
  const auto [first, second] = list.refs();
  STATIC_REQUIRE(std::is_same_v<std::remove_cvref_t<decltype(first)>, ServiceRef<Greeter, RootScope>>);
  CHECK(first.info() == b.info());
  CHECK(second.info() == a.info());
  CHECK(list.infoList().size() == 2);
  CHECK(list.infoList()[0] == b.info());
}

TEST_CASE("deps: only refs are dependencies", "[deps]") {
  STATIC_REQUIRE(Dependency<ServiceRef<Named>>);
  STATIC_REQUIRE(Dependency<const ServiceRef<Named, RootScope, Multiton>&>);
  STATIC_REQUIRE_FALSE(Dependency<Named>);
  STATIC_REQUIRE_FALSE(Dependency<int>);
}
