// SPDX-License-Identifier: Apache-2.0
// Copyright The rigging Authors
// A second catalog module: gives entities without an owner the one configured in catalog.defaultOwner.
#pragma once

#include "plugins/catalog-node/catalog_node.hpp"

#include <rigging/plugin_api.hpp>

#include <memory>
#include <string>
#include <utility>

namespace showcase {

class DefaultOwnerProcessor final : public CatalogProcessor {
 public:
  explicit DefaultOwnerProcessor(std::string owner) : owner_(std::move(owner)) {}

  [[nodiscard]] std::string getProcessorName() const override { return "default-owner"; }

  void preProcessEntity(Entity& entity) override {
    if (!entity.contains("spec") || !entity["spec"].is_object()) entity["spec"] = Entity::object();
    if (!entity["spec"].contains("owner")) entity["spec"]["owner"] = owner_;
  }

 private:
  std::string owner_;
};

/// Modules have loggers too: records carry the plugin id, since a module shares its plugin's services.
inline const auto catalogModuleDefaultOwner =
    rigging::createBackendModule("catalog", "default-owner", [](rigging::ModuleRegistrationPoints& env) {
      env.registerInit(rigging::deps(catalogProcessingExtensionPoint, rigging::coreServices::rootConfig,
                                     rigging::coreServices::logger),
                       [](CatalogProcessingExtensionPoint& processing, rigging::RootConfigService& config,
                          rigging::LoggerService& logger) {
                         auto owner = config.getOptionalString("catalog.defaultOwner").value_or("guests");
                         logger.info("Entities without an owner will belong to '{}'", owner);
                         processing.addProcessor(std::make_shared<DefaultOwnerProcessor>(std::move(owner)));
                       });
    });

}  // namespace showcase
