// SPDX-License-Identifier: Apache-2.0
// Copyright The rigging Authors
// The scorecard plugin: grades an entity of the catalog on a few checks. It reads the catalog through
// CatalogService (plugins/catalog-node), never through the catalog plugin's code or database.
//
//   GET /api/scorecard/scores/<ref>   e.g. scores/component:default/petstore -> {"entityRef", "checks",
//   "score"}
#pragma once

#include "plugins/catalog-node/catalog_node.hpp"
#include "services/http_router.hpp"

#include <rigging/plugin_api.hpp>

#include <nlohmann/json.hpp>

#include <string>

namespace showcase {

/// The checks, each worth the same share of 100.
inline nlohmann::json scoreEntity(const Entity& entity) {
  const auto& metadata = entity.at("metadata");
  const auto spec = entity.value("spec", Entity::object());
  const nlohmann::json checks = {
      {"has-description", metadata.contains("description")},
      {"has-lifecycle", spec.contains("lifecycle")},
      {"has-system", spec.contains("system")},
  };
  int passed = 0;
  for (const auto& [name, ok] : checks.items()) passed += ok.get<bool>() ? 1 : 0;
  return {{"entityRef", entityRefOf(entity)},
          {"checks", checks},
          {"score", passed * 100 / static_cast<int>(checks.size())}};
}

inline const auto scorecardPlugin =
    rigging::createBackendPlugin("scorecard", [](rigging::PluginRegistrationPoints& env) {
      env.registerInit(
          rigging::deps(httpRouterServiceRef, catalogServiceRef, rigging::coreServices::logger),
          [](HttpRouterService& router, CatalogService& catalog, rigging::LoggerService& logger) {
            router.get("/scores/(.+)", [&catalog](const httplib::Request& req, httplib::Response& res) {
              const std::string ref = req.matches[1];
              const auto entity = catalog.getEntityByRef(ref);
              if (!entity) throw HttpError(404, "the catalog has no entity '" + ref + "'");
              sendJson(res, scoreEntity(*entity));
            });
            logger.info("Scorecard ready: it reads entities through the catalog's API");
          });
    });

}  // namespace showcase
