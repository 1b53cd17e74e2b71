// SPDX-License-Identifier: Apache-2.0
// Copyright The rigging Authors
// The catalog plugin: stores entities in its own SQLite database and serves them under /api/catalog.
// Before an entity is stored, every processor that modules added through catalogProcessingExtensionPoint
// sees it, in the order the modules were added to the backend.
//
//   POST /api/catalog/entities               store an entity (JSON body); answers 201 with the stored entity
//   GET  /api/catalog/entities               every entity, ordered by ref
//   GET  /api/catalog/entities/by-ref/<ref>  one entity, e.g. by-ref/component:default/petstore, or 404
#pragma once

#include "plugins/catalog-node/catalog_node.hpp"
#include "services/database.hpp"
#include "services/http_router.hpp"

#include <rigging/plugin_api.hpp>

#include <nlohmann/json.hpp>

#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace showcase {

/// The extension point's implementation: the plugin keeps it, modules only see the interface.
class CatalogProcessors final : public CatalogProcessingExtensionPoint {
 public:
  void addProcessor(std::shared_ptr<CatalogProcessor> processor) override {
    processors_.push_back(std::move(processor));
  }
  [[nodiscard]] const std::vector<std::shared_ptr<CatalogProcessor>>& all() const noexcept {
    return processors_;
  }

 private:
  std::vector<std::shared_ptr<CatalogProcessor>> processors_;
};

/// The catalog's state while the backend runs. Handlers run on the server's threads; the database serializes
/// its own access, and the processor list no longer changes once the plugin's init has run.
class Catalog {
 public:
  Catalog(DatabaseService& database, std::shared_ptr<const CatalogProcessors> processors)
      : database_(database), processors_(std::move(processors)) {
    database_.query("CREATE TABLE IF NOT EXISTS entities (ref TEXT PRIMARY KEY, body TEXT NOT NULL)");
  }

  Entity add(Entity entity) {
    if (!entity.is_object() || !entity.contains("kind") || !entity["kind"].is_string() ||
        !entity.contains("metadata") || !entity["metadata"].is_object() ||
        !entity["metadata"].contains("name") || !entity["metadata"]["name"].is_string()) {
      throw HttpError(400, "an entity needs a string 'kind' and an object 'metadata' with a string 'name'");
    }
    if (!entity["metadata"].contains("namespace")) entity["metadata"]["namespace"] = "default";
    std::string processedBy;
    for (const auto& processor : processors_->all()) {
      processor->preProcessEntity(entity);
      processedBy += (processedBy.empty() ? "" : ",") + processor->getProcessorName();
    }
    entity["metadata"]["annotations"]["rigging.dev/processed-by"] = processedBy;
    database_.query("INSERT OR REPLACE INTO entities (ref, body) VALUES (?, ?)",
                    {entityRefOf(entity), entity.dump()});
    return entity;
  }

  [[nodiscard]] nlohmann::json list() {
    nlohmann::json items = nlohmann::json::array();
    for (const auto& row : database_.query("SELECT body FROM entities ORDER BY ref")) {
      items.push_back(nlohmann::json::parse(row[0]));
    }
    return items;
  }

  [[nodiscard]] std::optional<Entity> byRef(const std::string& ref) {
    const auto rows = database_.query("SELECT body FROM entities WHERE ref = ?", {ref});
    if (rows.empty()) return std::nullopt;
    return nlohmann::json::parse(rows[0][0]);
  }

  [[nodiscard]] std::size_t count() {
    return std::stoul(database_.query("SELECT COUNT(*) FROM entities")[0][0]);
  }

 private:
  DatabaseService& database_;
  std::shared_ptr<const CatalogProcessors> processors_;
};

inline void addCatalogRoutes(HttpRouterService& router, const std::shared_ptr<Catalog>& catalog) {
  router.post("/entities", [catalog](const httplib::Request& req, httplib::Response& res) {
    auto body = nlohmann::json::parse(req.body, nullptr, /*allow_exceptions=*/false);
    if (body.is_discarded()) throw HttpError(400, "the request body is not JSON");
    sendJson(res, catalog->add(std::move(body)), 201);
  });
  router.get("/entities",
             [catalog](const httplib::Request&, httplib::Response& res) { sendJson(res, catalog->list()); });
  router.get("/entities/by-ref/(.+)", [catalog](const httplib::Request& req, httplib::Response& res) {
    const std::string ref = req.matches[1];
    auto entity = catalog->byRef(ref);
    if (!entity) throw HttpError(404, "no entity with ref '" + ref + "'");
    sendJson(res, *entity);
  });
}

/// The plugin. Its register callback runs when the backend starts: it registers the extension point and the
/// init. The init runs after every catalog module's init, so all processors are in by then.
inline const auto catalogPlugin =
    rigging::createBackendPlugin("catalog", [](rigging::PluginRegistrationPoints& env) {
      auto processors = std::make_shared<CatalogProcessors>();
      env.registerExtensionPoint(catalogProcessingExtensionPoint, processors);
      env.registerInit(
          rigging::deps(rigging::coreServices::logger, httpRouterServiceRef, databaseServiceRef),
          [processors](rigging::LoggerService& logger, HttpRouterService& router, DatabaseService& database) {
            auto catalog = std::make_shared<Catalog>(database, processors);
            addCatalogRoutes(router, catalog);
            std::string names;
            for (const auto& processor : processors->all()) {
              names += (names.empty() ? "" : ", ") + processor->getProcessorName();
            }
            logger.info("Catalog holds {} entities; processors: {}", catalog->count(),
                        names.empty() ? "none" : names);
          });
    });

}  // namespace showcase
