// SPDX-License-Identifier: Apache-2.0
// Tests of the registry's building blocks: interned ids, the flat hash table, the cheap cycle check, and refs
// shared by backends whose registries are built one inside another.
#include "support/catch.hpp"
#include "support/features.hpp"

#include <rigging/create_backend.hpp>
#include <rigging/detail/flat_table.hpp>
#include <rigging/detail/graph.hpp>
#include <rigging/detail/id_index.hpp>
#include <rigging/detail/intern.hpp>

#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

using namespace rigging;
using namespace rigging::test;

TEST_CASE("registry: an id gets one number for the whole process, shared by every ref with that id",
          "[registry]") {
  const auto first = detail::internId("registry.interned.a");
  CHECK(detail::internId("registry.interned.a") == first);
  CHECK(detail::internId("registry.interned.b") != first);
  const auto a = createServiceRef<int>("registry.interned.c");
  const auto b = createServiceRef<long, RootScope>("registry.interned.c");
  CHECK(a.info()->key == b.info()->key);
  CHECK(a.info()->key == detail::internId("registry.interned.c"));
  CHECK(detail::findInternedId("registry.interned.c") == a.info()->key);
  // Looking up an id no ref has gives no number, and does not make one.
  CHECK(detail::findInternedId("registry.interned.never") == detail::no_id);
  CHECK(detail::findInternedId("registry.interned.never") == detail::no_id);
}

TEST_CASE("registry: the flat table finds what it holds across growth, and nothing else", "[registry]") {
  detail::FlatTable<std::uint32_t, std::uint32_t> table;
  CHECK(table.find(7) == nullptr);  // empty, no storage yet
  for (std::uint32_t key = 0; key < 5000; ++key) {
    // Keys 1024 apart share low bits: they probe past each other.
    const auto [value, inserted] = table.insert(key * 1024U, key);
    CHECK(inserted);
    CHECK(*value == key);
  }
  CHECK(table.size() == 5000);
  const auto [again, inserted] = table.insert(3U * 1024U, 99);
  CHECK_FALSE(inserted);  // an existing key keeps its value
  CHECK(*again == 3);
  bool allFound = true;
  for (std::uint32_t key = 0; key < 5000; ++key) {
    const std::uint32_t* found = table.find(key * 1024U);
    allFound = allFound && found != nullptr && *found == key;
  }
  CHECK(allFound);
  CHECK(table.find(1) == nullptr);
  CHECK(table.find(5000U * 1024U) == nullptr);
  table.clear();
  CHECK(table.size() == 0);
  CHECK(table.find(0) == nullptr);

  detail::FlatTable<std::uint64_t, void*> wide;  // (plugin, service) pairs, as the engine keys instances
  int object = 0;
  wide.insert((std::uint64_t{3} << 32U) | 5U, &object);
  CHECK(*wide.find((std::uint64_t{3} << 32U) | 5U) == &object);
  CHECK(wide.find((std::uint64_t{5} << 32U) | 3U) == nullptr);
}

TEST_CASE("registry: the id index is an array for dense ids and a hash table for sparse ones", "[registry]") {
  detail::IdIndex index;
  index.reset(10, 50);  // 50 ids in the process, 10 expected here: an array
  CHECK(index.dense());
  CHECK(index.find(3) == nullptr);
  CHECK(index.insert(3, 7).second);
  CHECK_FALSE(index.insert(3, 8).second);  // the first value stays
  CHECK(*index.find(3) == 7);
  CHECK(index.insert(5000, 9).second);  // an id numbered after reset(): the array grows
  CHECK(*index.find(5000) == 9);
  CHECK(index.find(4999) == nullptr);
  CHECK(index.find(1U << 30U) == nullptr);

  index.reset(10, 1000000);  // a process with far more ids: a hash table, and nothing of before
  CHECK_FALSE(index.dense());
  CHECK(index.find(3) == nullptr);
  for (std::uint32_t key = 0; key < 1000; ++key) CHECK(index.insert(key * 997, key).second);
  for (std::uint32_t key = 0; key < 1000; ++key) CHECK(*index.find(key * 997) == key);
  CHECK(index.find(1) == nullptr);
}

TEST_CASE("registry: the quick cycle check finds cycles and self-loops, and passes DAGs", "[registry]") {
  detail::DfsScratch scratch;  // reused: what one search leaves in it must not mislead the next
  auto isAcyclic = [&scratch](const detail::Csr& g) { return detail::acyclic(g, scratch); };
  auto graph = [](std::vector<std::vector<std::uint32_t>> successors) {
    detail::Csr g;
    g.begin.assign(1, 0);
    for (const auto& list : successors) {
      g.edges.insert(g.edges.end(), list.begin(), list.end());
      g.begin.push_back(static_cast<std::uint32_t>(g.edges.size()));
    }
    return g;
  };
  CHECK(isAcyclic(graph({})));
  CHECK(isAcyclic(graph({{1, 2}, {2}, {}})));
  CHECK(isAcyclic(graph({{1, 1}, {}})));  // a repeated edge is not a cycle
  CHECK_FALSE(isAcyclic(graph({{1}, {2}, {0}})));
  CHECK_FALSE(isAcyclic(graph({{}, {1}})));               // a self-loop
  CHECK_FALSE(isAcyclic(graph({{1}, {2}, {1}, {0}})));    // a cycle below an acyclic part
  CHECK(isAcyclic(graph({{1, 2}, {3}, {3}, {}})));        // a diamond: 3 is met again once finished
  CHECK(isAcyclic(graph({{}, {0}, {0, 1}})));             // edges into trees searched from earlier roots
  CHECK_FALSE(isAcyclic(graph({{1, 2}, {}, {3}, {2}})));  // a cycle after a finished branch
  CHECK_FALSE(isAcyclic(graph({{1}, {}, {2}})));          // a self-loop on a later root
}

TEST_CASE("registry: the quick cycle check needs no recursion and agrees with Tarjan's on random graphs",
          "[registry]") {
  detail::DfsScratch scratch;           // reused across the chains and the random graphs below
  const std::uint32_t length = 200000;  // a recursive search would overflow the stack
  detail::Csr chain;
  chain.begin.assign(1, 0);
  for (std::uint32_t v = 0; v < length; ++v) {
    if (v + 1 < length) chain.edges.push_back(v + 1);
    chain.begin.push_back(static_cast<std::uint32_t>(chain.edges.size()));
  }
  CHECK(detail::acyclic(chain, scratch));
  chain.edges.push_back(0);  // the last node now points back at the first
  chain.begin.back() = static_cast<std::uint32_t>(chain.edges.size());
  CHECK_FALSE(detail::acyclic(chain, scratch));

  std::uint64_t seed = 12345;
  auto next = [&seed](std::uint32_t bound) {
    seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
    return static_cast<std::uint32_t>((seed >> 33U) % bound);
  };
  int cyclic = 0;
  for (int round = 0; round < 500; ++round) {
    const std::uint32_t n = 1 + next(12);
    detail::Csr g;
    g.begin.assign(1, 0);
    for (std::uint32_t v = 0; v < n; ++v) {
      const std::uint32_t degree = next(4);
      for (std::uint32_t i = 0; i < degree; ++i) {
        // Mostly edges to lower numbers (a DAG), sometimes any edge: some graphs get cycles, some do not.
        g.edges.push_back(next(10) == 0 || v == 0 ? next(n) : next(v));
      }
      g.begin.push_back(static_cast<std::uint32_t>(g.edges.size()));
    }
    std::uint32_t components = 0;
    const auto component = detail::stronglyConnectedComponents(g, components);
    bool expected = components == n;  // every component a single node...
    for (std::uint32_t v = 0; v < n; ++v) {
      for (const auto* e = g.first(v); e != g.last(v); ++e) expected = expected && *e != v;  // ...and no loop
    }
    cyclic += expected ? 0 : 1;
    INFO("round " << round);
    CHECK(detail::acyclic(g, scratch) == expected);
  }
  CHECK(cyclic > 50);  // both kinds were met
  CHECK(cyclic < 450);
}

namespace {

struct Label {
  std::string text;
};

const auto sharedFirstRef = createServiceRef<Label, RootScope>("registry.shared.first");
const auto sharedSecondRef = createServiceRef<Label, RootScope>("registry.shared.second");
const auto sharedOnlyInnerRef = createServiceRef<Label, RootScope>("registry.shared.inner");

auto quietLogger() {
  return rootLoggerServiceFactory({LogFormat::text, LogLevel::warn, [](std::string_view) {}});
}

}  // namespace

TEST_CASE(
    "registry: backends sharing ref objects, one built inside the other's feature loader, keep their own "
    "wiring",
    "[registry]") {
  // The refs remember the service index of the latest registry build; the inner backend numbers the same ref
  // objects differently, and the outer one builds its registry again after its loader returns.
  std::string inner;
  std::string outer;
  auto backend = createBackend();
  backend.add(quietLogger());
  backend.add(createServiceFactory(sharedFirstRef, deps(), [] { return Label{"outer first"}; }));
  backend.add(createServiceFactory(sharedSecondRef, deps(sharedFirstRef),
                                   [](Label& first) { return Label{first.text + " <- outer second"}; }));
  backend.add(createBackendFeatureLoader(deps(sharedFirstRef), [&inner, &outer](Label&) {
    auto innerBackend = createBackend();
    innerBackend.add(quietLogger());
    innerBackend.add(createServiceFactory(sharedOnlyInnerRef, deps(), [] { return Label{"inner only"}; }));
    innerBackend.add(createServiceFactory(sharedSecondRef, deps(sharedOnlyInnerRef),
                                          [](Label& only) { return Label{only.text + " <- inner second"}; }));
    innerBackend.add(createServiceFactory(sharedFirstRef, deps(sharedSecondRef), [](Label& second) {
      return Label{second.text + " <- inner first"};
    }));
    innerBackend.add(
        pluginWith("inner", deps(sharedFirstRef), [&inner](Label& first) { inner = first.text; }));
    innerBackend.start();
    innerBackend.stop();
    return std::vector<BackendFeature>{
        pluginWith("outer", deps(sharedSecondRef), [&outer](Label& second) { outer = second.text; })};
  }));
  backend.start();
  backend.stop();
  CHECK(inner == "inner only <- inner second <- inner first");
  CHECK(outer == "outer first <- outer second");
}

namespace {

const auto repeatedDepRef = createServiceRef<Label, RootScope>("registry.repeated.dep");
const auto repeatedUserRef = createServiceRef<Label, RootScope>("registry.repeated.user");
const auto repeatedManyRef = createServiceRef<Label, RootScope>("registry.repeated.many", multiton);

const GraphService& graphNode(const BackendGraph& graph, std::string_view id) {
  for (const auto& service : graph.services) {
    if (service.id == id) return service;
  }
  throw std::runtime_error("no service " + std::string(id) + " in the graph");
}

}  // namespace

TEST_CASE("registry: a dep named twice, or by several factories of a service, is one edge of the graph",
          "[registry]") {
  // A service with one factory uses that factory's deps as its edges, repeats included; the graph lists each
  // dependency once all the same, and the service is created once.
  int made = 0;
  std::string used;
  auto backend = createBackend();
  backend.add(quietLogger());
  backend.add(createServiceFactory(repeatedDepRef, deps(), [&made] {
    ++made;
    return Label{"dep"};
  }));
  backend.add(createServiceFactory(repeatedUserRef, deps(repeatedDepRef, repeatedDepRef),
                                   [](Label& a, Label& b) { return Label{a.text + "+" + b.text}; }));
  backend.add(createServiceFactory(repeatedManyRef, deps(repeatedDepRef), [](Label& a) { return a; }));
  backend.add(createServiceFactory(repeatedManyRef, deps(repeatedDepRef, repeatedUserRef),
                                   [](Label&, Label& user) { return user; }));
  backend.add(
      pluginWith("repeats", deps(repeatedUserRef, repeatedManyRef),
                 [&used](Label& user, ServiceRange<Label> many) { used = user.text + " " + many[1].text; }));
  const auto before = backend.graph();
  CHECK(graphNode(before, "registry.repeated.user").dependencies ==
        std::vector<std::string>{"registry.repeated.dep"});
  CHECK(graphNode(before, "registry.repeated.many").dependencies ==
        std::vector<std::string>{"registry.repeated.dep", "registry.repeated.user"});
  backend.start();
  backend.stop();
  CHECK(made == 1);
  CHECK(used == "dep+dep dep+dep");
}

TEST_CASE("registry: a multiton whose factories name many deps gets every one as an edge, repeats once",
          "[registry]") {
  // 40 distinct deps (and a repeat in every factory) are more than the merged list checks by scanning: past
  // 32 it switches to marks. Every dep must still be made first, and a cycle through the last one found.
  constexpr int count = 40;
  std::vector<ServiceRef<Label, RootScope>> depRefs;
  for (int i = 0; i < count; ++i)
    depRefs.push_back(createServiceRef<Label, RootScope>("registry.long.d" + std::to_string(i)));
  const auto many = createServiceRef<Label, RootScope>("registry.long.many", multiton);
  const auto back = createServiceRef<Label, RootScope>("registry.long.back");
  auto make = [&](bool closeCycle) {
    auto backend = createBackend();
    backend.add(quietLogger());
    for (int i = 0; i < count; ++i) {
      std::string text = "d";  // appended: g++ 12 at -O3 warns falsely (-Wrestrict) on "d" + std::string
      text += std::to_string(i);
      if (closeCycle && i == count - 1) {
        backend.add(createServiceFactory(depRefs[static_cast<std::size_t>(i)], deps(back),
                                         [text](Label&) { return Label{text}; }));
      } else {
        backend.add(createServiceFactory(depRefs[static_cast<std::size_t>(i)], deps(),
                                         [text] { return Label{text}; }));
      }
      backend.add(createServiceFactory(many, deps(depRefs[static_cast<std::size_t>(i)], depRefs[0]),
                                       [](Label& own, Label&) { return Label{own.text}; }));
    }
    backend.add(createServiceFactory(
        back, deps(many), [](ServiceRange<Label> all) { return Label{std::to_string(all.size())}; }));
    return backend;
  };

  std::string seen;
  auto backend = make(false);
  backend.add(pluginWith("long", deps(many, back), [&seen](ServiceRange<Label> all, Label& size) {
    seen = size.text + ":";
    for (const Label& label : all) seen += " " + label.text;
  }));
  const auto graph = backend.graph();
  CHECK(graphNode(graph, "registry.long.many").dependencies.size() == count);
  backend.start();
  std::string expected = std::to_string(count) + ":";
  for (int i = 0; i < count; ++i) expected += " d" + std::to_string(i);
  CHECK(seen == expected);
  backend.stop();

  auto cyclic = make(true);
  CHECK_THROWS_MATCHES(cyclic.start(), ValidationError,
                       Catch::Matchers::Predicate<ValidationError>([](const ValidationError& e) {
                         return std::string(e.what()).find("Circular dependency detected") !=
                                    std::string::npos &&
                                std::string(e.what()).find("registry.long.d39") != std::string::npos;
                       }));
}

TEST_CASE("registry: a backend finds its services whether the process's ids are dense or sparse",
          "[registry]") {
  auto run = [] {
    auto backend = createBackend();
    backend.add(quietLogger());
    const auto late = createServiceRef<Label, RootScope>("registry.sparse.late");
    backend.add(createServiceFactory(sharedFirstRef, deps(), [] { return Label{"first"}; }));
    backend.add(createServiceFactory(sharedSecondRef, deps(sharedFirstRef, late), [](Label& first, Label& l) {
      return Label{first.text + "+" + l.text};
    }));
    backend.add(createServiceFactory(late, deps(), [] { return Label{"late"}; }));
    std::string seen;
    backend.add(pluginWith("sparse", deps(sharedSecondRef), [&seen](Label& second) { seen = second.text; }));
    backend.start();
    CHECK(seen == "first+late");
    backend.stop();
  };
  run();  // whatever this process has interned so far
  // Far more ids than this backend has services: the engine falls back to a hash table.
  for (int i = 0; i < 20000; ++i) detail::internId("registry.sparse.filler." + std::to_string(i));
  run();
}

namespace {

const auto loneSelfRef = createServiceRef<Label, RootScope>("registry.lone.self");
const auto loneFirstRef = createServiceRef<Label, RootScope>("registry.lone.first");
const auto loneSecondRef = createServiceRef<Label, RootScope>("registry.lone.second");
const auto lonePluginRef = createServiceRef<Label>("registry.lone.plugin");

// The ids of the one cycle start() reports.
std::vector<std::string> loneCycle(Backend& backend) {
  std::vector<std::string> ids;
  for (const auto& problem : problemsOf(backend)) {
    if (problem.kind != Problem::Kind::circular_dependency) continue;
    CHECK(ids.empty());
    ids = problem.ids;
  }
  return ids;
}

}  // namespace

TEST_CASE("registry: a cycle alone in an otherwise ordered graph is found, whatever edge closes it",
          "[registry]") {
  auto backend = createBackend();
  backend.add(quietLogger());
  auto leaf = [] { return Label{"leaf"}; };
  SECTION("a service depending on itself") {
    backend.add(createServiceFactory(loneSelfRef, deps(loneSelfRef), [](Label& l) { return l; }));
    CHECK(loneCycle(backend) == std::vector<std::string>{"registry.lone.self", "registry.lone.self"});
  }
  SECTION("an earlier service depending on a later one that depends on it") {
    backend.add(createServiceFactory(loneFirstRef, deps(loneSecondRef), [](Label& l) { return l; }));
    backend.add(createServiceFactory(loneSecondRef, deps(loneFirstRef), [](Label& l) { return l; }));
    CHECK(loneCycle(backend).size() == 3);
  }
  SECTION("a cycle closed by a decorator's dep") {
    backend.add(createServiceFactory(loneFirstRef, deps(), leaf));
    backend.add(createServiceFactory(loneSecondRef, deps(loneFirstRef), [](Label& l) { return l; }));
    backend.add(createServiceDecorator(loneFirstRef, deps(loneSecondRef),
                                       [](Label& inner, Label&) { return inner; }));
    CHECK(loneCycle(backend).size() == 3);
  }
  SECTION("plugin-scoped services, one of them with a root context") {
    const auto other = createServiceRef<Label>("registry.lone.other");
    backend.add(createServiceFactory(loneFirstRef, deps(), leaf));
    backend.add(createServiceFactory(lonePluginRef, deps(other),
                                     rootContext(deps(loneFirstRef), [](Label& l) { return l; }),
                                     [](Label& context, Label&) { return context; }));
    backend.add(createServiceFactory(other, deps(lonePluginRef), [](Label& l) { return l; }));
    backend.add(pluginWith("lone", deps(lonePluginRef), [](Label&) {}));
    CHECK(loneCycle(backend).size() == 3);
  }
  SECTION("a cycle through a ref's default factory") {
    const auto defaulted = createServiceRef<Label, RootScope>("registry.lone.defaulted", [](auto service) {
      return createServiceFactory(service, deps(loneFirstRef), [](Label& l) { return l; });
    });
    backend.add(createServiceFactory(loneFirstRef, deps(defaulted), [](Label& l) { return l; }));
    CHECK(loneCycle(backend).size() == 3);
  }
}
