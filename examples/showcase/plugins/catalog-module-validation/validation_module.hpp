// SPDX-License-Identifier: Apache-2.0
// Copyright The rigging Authors
// A catalog module: rejects entities whose kind is not allowed or whose name breaks Backstage's naming rule.
// A module extends exactly one plugin, here "catalog", through the extension points that plugin registers.
#pragma once

#include "plugins/catalog-node/catalog_node.hpp"
#include "services/root_http_router.hpp"

#include <rigging/plugin_api.hpp>

#include <algorithm>
#include <cctype>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace showcase {

class ValidationProcessor final : public CatalogProcessor {
 public:
  explicit ValidationProcessor(std::vector<std::string> allowedKinds)
      : allowedKinds_(std::move(allowedKinds)) {}

  [[nodiscard]] std::string getProcessorName() const override { return "validation"; }

  void preProcessEntity(Entity& entity) override {
    const auto kind = entity["kind"].get<std::string>();
    if (std::find(allowedKinds_.begin(), allowedKinds_.end(), kind) == allowedKinds_.end()) {
      throw HttpError(400,
                      "kind '" + kind + "' is not allowed; allowed kinds are set by catalog.rules.allow");
    }
    const auto name = entity["metadata"]["name"].get<std::string>();
    if (!isValidName(name)) {
      throw HttpError(400, "invalid entity name '" + name +
                               "': use at most 63 letters and digits, separated by single '-', '_' or '.'");
    }
  }

 private:
  // Backstage's rule for names: [a-zA-Z0-9] runs separated by single '-', '_' or '.', at most 63 characters.
  static bool isValidName(const std::string& name) {
    if (name.empty() || name.size() > 63) return false;
    bool afterSeparator = true;  // a name may not start with a separator
    for (const char c : name) {
      const bool separator = c == '-' || c == '_' || c == '.';
      if (separator && afterSeparator) return false;
      if (!separator && std::isalnum(static_cast<unsigned char>(c)) == 0) return false;
      afterSeparator = separator;
    }
    return !afterSeparator;
  }

  std::vector<std::string> allowedKinds_;
};

/// The module's init receives the extension point like a service; it runs before the catalog's init.
inline const auto catalogModuleValidation =
    rigging::createBackendModule("catalog", "validation", [](rigging::ModuleRegistrationPoints& env) {
      env.registerInit(rigging::deps(catalogProcessingExtensionPoint, rigging::coreServices::rootConfig),
                       [](CatalogProcessingExtensionPoint& processing, rigging::RootConfigService& config) {
                         auto allowed = config.getOptionalStringArray("catalog.rules.allow")
                                            .value_or(std::vector<std::string>{"Component", "API", "System",
                                                                               "Resource", "Group", "User"});
                         processing.addProcessor(std::make_shared<ValidationProcessor>(std::move(allowed)));
                       });
    });

}  // namespace showcase
