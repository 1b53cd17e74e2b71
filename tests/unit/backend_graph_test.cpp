// SPDX-License-Identifier: Apache-2.0
// Tests of graph introspection and its exporters.
#include "support/catch.hpp"
#include "support/services.hpp"

#include <rigging/backend_graph.hpp>
#include <rigging/create_backend.hpp>

#include <nlohmann/json.hpp>

#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

using namespace rigging;
using namespace rigging::test;

namespace {

struct Processing {
  virtual ~Processing() = default;
};
struct ProcessingImpl : Processing {};

const auto processing = createExtensionPoint<Processing>("catalog.processing");
const auto store = createServiceRef<Named, RootScope>("catalog.store");
const auto client = createServiceRef<Named>("catalog.client");

Backend sampleBackend() {
  auto backend = createBackend();
  backend.add(createServiceFactory(store, deps(), [] { return Named("store"); }));
  backend.add(createServiceFactory(client, deps(store, coreServices::pluginMetadata),
                                   [](Named& s, PluginMetadataService&) { return Named(s.name); }));
  backend.add(createServiceDecorator(client, deps(), [](Named& inner) { return Named(inner.name + "!"); }));
  backend.add(createBackendPlugin("catalog", [](PluginRegistrationPoints& env) {
    env.registerExtensionPoint(processing, std::make_shared<ProcessingImpl>());
    env.registerInit(deps(client, coreServices::logger), [](Named&, LoggerService&) {});
  }));
  backend.add(createBackendModule("catalog", "github", [](ModuleRegistrationPoints& env) {
    env.registerInit(deps(processing, store), [](Processing&, Named&) {});
  }));
  backend.add(rootLoggerServiceFactory({LogFormat::text, LogLevel::error, [](std::string_view) {}}));
  return backend;
}

std::string expected(const std::string& name) {
  std::ifstream file(std::string(RIGGING_TEST_DATA_DIR) + "/" + name);
  REQUIRE(file.good());
  std::ostringstream text;
  text << file.rdbuf();
  return text.str();
}

const GraphService* find(const BackendGraph& graph, std::string_view id) {
  for (const auto& s : graph.services) {
    if (s.id == id) return &s;
  }
  return nullptr;
}

}  // namespace

TEST_CASE("graph: the validated plan is described before start, with every edge", "[graph]") {
  auto backend = sampleBackend();
  const auto graph = backend.graph();
  const auto* c = find(graph, "catalog.client");
  REQUIRE(c != nullptr);
  CHECK(c->scope == ServiceScope::plugin);
  CHECK(c->source == "explicit");
  CHECK(c->decorated);
  CHECK(c->dependencies == std::vector<std::string>{"catalog.store", "core.pluginMetadata"});
  CHECK(c->instances.empty());  // nothing created yet
  CHECK(c->typeName == "rigging::test::Named");
  REQUIRE(find(graph, "core.logger") != nullptr);
  CHECK(find(graph, "core.logger")->source == "backend default");
  CHECK(find(graph, "core.pluginMetadata")->source == "built in");
  REQUIRE(graph.plugins.size() == 1);
  CHECK(graph.plugins[0].services == std::vector<std::string>{"catalog.client", "core.logger"});
  CHECK(graph.plugins[0].modules == std::vector<std::string>{"github"});
  REQUIRE(graph.modules.size() == 1);
  CHECK(graph.modules[0].extensionPoints == std::vector<std::string>{"catalog.processing"});
  CHECK(graph.modules[0].services == std::vector<std::string>{"catalog.store"});
  REQUIRE(graph.extensionPoints.size() == 1);
  CHECK(graph.extensionPoints[0].pluginId == "catalog");
  CHECK(graph.extensionPoints[0].moduleId.empty());
}

TEST_CASE("graph: after start it names the instances per plugin", "[graph]") {
  auto backend = sampleBackend();
  backend.start();
  const auto graph = backend.graph();
  CHECK(find(graph, "catalog.client")->instances == std::vector<std::string>{"catalog"});
  CHECK(find(graph, "catalog.store")->instances == std::vector<std::string>{"root"});
  // The built-in list of installed plugins is made only when asked for, but always listed until stop().
  CHECK(find(graph, "core.rootInstanceMetadata")->instances == std::vector<std::string>{"root"});
  CHECK_THROWS_AS(backend.add(createBackendPlugin("late", [](PluginRegistrationPoints&) {})),
                  BackendStateError);
  backend.stop();
  const auto stopped = backend.graph();
  CHECK(find(stopped, "catalog.store")->instances.empty());
  CHECK(find(stopped, "core.rootInstanceMetadata")->instances.empty());
}

TEST_CASE("graph: a decorated built-in installed-plugin list is an instance only once it is made",
          "[graph][decorator]") {
  // Its decorator runs when something first asks for it; until then there is no instance to show.
  struct Listed final : RootInstanceMetadataService {
    explicit Listed(RootInstanceMetadataService& inner) : inner_(inner) {}
    [[nodiscard]] const std::vector<InstalledPlugin>& getInstalledPlugins() const noexcept override {
      return inner_.getInstalledPlugins();
    }
    RootInstanceMetadataService& inner_;
  };
  auto backend = sampleBackend();
  backend.add(createServiceDecorator(coreServices::rootInstanceMetadata, deps(),
                                     [](RootInstanceMetadataService& inner) { return Listed(inner); }));
  backend.start();
  CHECK(find(backend.graph(), "core.rootInstanceMetadata")->instances.empty());
  (void)backend.engine().resolve(*coreServices::rootInstanceMetadata.info(), "");
  CHECK(find(backend.graph(), "core.rootInstanceMetadata")->instances == std::vector<std::string>{"root"});
}

TEST_CASE("graph: adding features after the plan was described is rejected", "[graph]") {
  auto backend = sampleBackend();
  (void)backend.graph();
  CHECK_THROWS_MATCHES(backend.add(createBackendPlugin("late", [](PluginRegistrationPoints&) {})),
                       BackendStateError,
                       Catch::Message("feature can not be added after graph() has prepared the backend's "
                                      "plan; add every feature before calling graph()"));
  backend.start();  // the plan is reused
  CHECK_THROWS_MATCHES(backend.add(createBackendPlugin("later", [](PluginRegistrationPoints&) {})),
                       BackendStateError,
                       Catch::Message("feature can not be added after the backend has started"));
  auto never = sampleBackend();
  never.stop();  // stopped without being started
  CHECK_THROWS_MATCHES(never.add(createBackendPlugin("last", [](PluginRegistrationPoints&) {})),
                       BackendStateError,
                       Catch::Message("feature can not be added after the backend has stopped"));
  auto described = sampleBackend();
  (void)described.graph();
  described.stop();  // described, then stopped: still never started
  CHECK_THROWS_MATCHES(described.add(createBackendPlugin("last", [](PluginRegistrationPoints&) {})),
                       BackendStateError,
                       Catch::Message("feature can not be added after the backend has stopped"));
}

TEST_CASE("graph: describing an invalid backend throws the validation error", "[graph]") {
  auto backend = createBackend();
  backend.add(createBackendPlugin("broken", [](PluginRegistrationPoints&) {}));
  CHECK_THROWS_AS(backend.graph(), ValidationError);
  CHECK_THROWS_MATCHES(backend.start(), BackendStateError, Catch::Message("Backend has already stopped"));
}

TEST_CASE("graph: DOT export", "[graph][export]") {
  auto backend = sampleBackend();
  const auto dot = toDot(backend.graph());
  CHECK(dot.rfind("digraph backend {\n", 0) == 0);
  CHECK_THAT(dot, Catch::Contains("\"plugin:catalog\" [shape=box"));
  CHECK_THAT(dot, Catch::Contains(
                      "\"module:catalog/github\" -> \"plugin:catalog\" [style=dashed, label=\"extends\"];"));
  CHECK_THAT(dot, Catch::Contains("\"module:catalog/github\" -> \"ep:catalog.processing\";"));
  CHECK_THAT(dot, Catch::Contains("\"ep:catalog.processing\" -> \"plugin:catalog\" [style=dotted"));
  CHECK_THAT(dot, Catch::Contains("\"service:catalog.client\" -> \"service:catalog.store\";"));
  CHECK_THAT(dot, Catch::Contains("\"plugin:catalog\" -> \"service:core.logger\";"));
  CHECK_THAT(dot, Catch::Contains("\"service:catalog.store\" [shape=ellipse, peripheries=2"));
  CHECK_THAT(dot, Catch::EndsWith("}\n"));
}

TEST_CASE("graph: Mermaid export", "[graph][export]") {
  auto backend = sampleBackend();
  const auto mermaid = toMermaid(backend.graph());
  CHECK(mermaid.rfind("flowchart LR\n", 0) == 0);
  CHECK_THAT(mermaid, Catch::Contains("  plugin_catalog[\"plugin catalog\"]\n"));
  CHECK_THAT(mermaid, Catch::Contains("  service_catalog_store((\"catalog.store\"))\n"));
  CHECK_THAT(mermaid, Catch::Contains("  ep_catalog_processing{{\"catalog.processing\"}}\n"));
  CHECK_THAT(mermaid, Catch::Contains("  module_catalog_github -. extends .-> plugin_catalog\n"));
  CHECK_THAT(mermaid, Catch::Contains("  service_catalog_client --> service_catalog_store\n"));
}

TEST_CASE("graph: Mermaid ids of names that spell alike stay apart; a module without its plugin is marked",
          "[graph][export]") {
  // Mermaid ids allow only letters, digits and '_': 'catalog.db' and 'catalog-db' (and the modules 'a/b-c'
  // and 'a-b/c') must not become one node.
  GraphService dotted;
  dotted.id = "catalog.db";
  GraphService dashed;
  dashed.id = "catalog-db";
  BackendGraph graph;
  graph.services = {dotted, dashed};
  graph.plugins = {GraphPlugin{"a", {"catalog.db"}, {}}, GraphPlugin{"a-b", {"catalog-db"}, {}}};
  graph.modules = {GraphModule{"a", "b-c", {}, {}, true}, GraphModule{"a-b", "c", {}, {}, true},
                   GraphModule{"search", "pg", {}, {}, false}};
  const auto mermaid = toMermaid(graph);
  CHECK_THAT(mermaid, Catch::Contains("  service_catalog_db([\"catalog.db\"])\n") &&
                          Catch::Contains("  service_catalog_db_2([\"catalog-db\"])\n") &&
                          Catch::Contains("  plugin_a --> service_catalog_db\n") &&
                          Catch::Contains("  plugin_a_b --> service_catalog_db_2\n") &&
                          Catch::Contains("  module_a_b_c(\"module a/b-c\")\n") &&
                          Catch::Contains("  module_a_b_c_2(\"module a-b/c\")\n") &&
                          Catch::Contains("  module_a_b_c_2 -. extends .-> plugin_a_b\n"));
  // A module whose plugin is absent does not run: said in its label, with no edge to a plugin that is not
  // there.
  CHECK_THAT(mermaid,
             Catch::Contains("  module_search_pg(\"module search/pg (not run: plugin absent)\")\n") &&
                 !Catch::Contains("plugin_search"));
  const auto dot = toDot(graph);
  CHECK_THAT(dot, Catch::Contains("label=\"module search/pg (not run: plugin absent)\"") &&
                      !Catch::Contains("\"plugin:search\""));
}

TEST_CASE("graph: JSON export parses and carries every field", "[graph][export]") {
  auto backend = sampleBackend();
  backend.start();
  const auto json = nlohmann::json::parse(toJson(backend.graph()));
  const auto& services = json.at("services");
  const auto c = std::find_if(services.begin(), services.end(),
                              [](const nlohmann::json& s) { return s.at("id") == "catalog.client"; });
  REQUIRE(c != services.end());
  CHECK(c->at("scope") == "plugin");
  CHECK(c->at("decorated") == true);
  CHECK(c->at("instances") == nlohmann::json::array({"catalog"}));
  CHECK(json.at("plugins").at(0).at("id") == "catalog");
  CHECK(json.at("modules").at(0).at("extensionPoints") == nlohmann::json::array({"catalog.processing"}));
  CHECK(json.at("extensionPoints").at(0).at("pluginId") == "catalog");
}

TEST_CASE("graph: exports of a fixed backend match the stored files", "[graph][export]") {
  auto backend = sampleBackend();
  const auto graph = backend.graph();
  // To update after an intended change: write toDot/toMermaid/toJson of this backend to tests/data/.
  CHECK(toDot(graph) == expected("sample_graph.dot"));
  CHECK(toMermaid(graph) == expected("sample_graph.mmd"));
  CHECK(toJson(graph) + "\n" == expected("sample_graph.json"));
}

TEST_CASE("graph: the JSON export parsed back matches the backend's plan", "[graph][export]") {
  auto backend = sampleBackend();
  backend.start();
  const auto graph = backend.graph();
  const auto json = nlohmann::json::parse(toJson(graph));
  REQUIRE(json.at("services").size() == graph.services.size());
  for (std::size_t i = 0; i < graph.services.size(); ++i) {
    const auto& s = graph.services[i];
    const auto& j = json.at("services").at(i);
    INFO(s.id);
    CHECK(j.at("id") == s.id);
    CHECK(j.at("scope") == (s.scope == ServiceScope::root ? "root" : "plugin"));
    CHECK(j.at("source") == s.source);
    CHECK(j.at("dependencies").get<std::vector<std::string>>() == s.dependencies);
    CHECK(j.at("instances").get<std::vector<std::string>>() == s.instances);
  }
  REQUIRE(json.at("plugins").size() == graph.plugins.size());
  CHECK(json.at("plugins").at(0).at("services").get<std::vector<std::string>>() == graph.plugins[0].services);
  CHECK(json.at("modules").at(0).at("moduleId") == graph.modules[0].moduleId);
}
