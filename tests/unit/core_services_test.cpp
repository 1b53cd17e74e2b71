// SPDX-License-Identifier: Apache-2.0
// Tests of the core service refs.
#include "support/catch.hpp"

#include <rigging/core_services.hpp>
#include <rigging/create_backend.hpp>

#include <string>
#include <vector>

using namespace rigging;

TEST_CASE("core services: pluginMetadata is a built-in plugin-scoped service", "[core_services]") {
  CHECK(coreServices::pluginMetadata.id() == "core.pluginMetadata");
  CHECK(coreServices::pluginMetadata.scope() == ServiceScope::plugin);
  std::vector<std::string> ids;
  auto backend = createBackend();
  for (const char* id : {"catalog", "search"}) {
    backend.add(createBackendPlugin(id, [&ids](PluginRegistrationPoints& env) {
      env.registerInit(deps(coreServices::pluginMetadata),
                       [&ids](PluginMetadataService& metadata) { ids.emplace_back(metadata.getId()); });
    }));
  }
  backend.start();
  CHECK(ids == std::vector<std::string>{"catalog", "search"});
}
