// SPDX-License-Identifier: Apache-2.0
// Tests of the core service refs.
#include "support/catch.hpp"
#include "support/features.hpp"

#include <rigging/core_services.hpp>
#include <rigging/testing.hpp>

#include <string>
#include <vector>

using namespace rigging;
using namespace rigging::test;

TEST_CASE("core services: pluginMetadata is a built-in plugin-scoped service", "[core_services]") {
  CHECK(coreServices::pluginMetadata.id() == "core.pluginMetadata");
  CHECK(coreServices::pluginMetadata.scope() == ServiceScope::plugin);
  std::vector<std::string> ids;
  auto record = [&ids](PluginMetadataService& metadata) { ids.emplace_back(metadata.getId()); };
  auto backend =
      startTestBackend({.features = {pluginWith("catalog", deps(coreServices::pluginMetadata), record),
                                     pluginWith("search", deps(coreServices::pluginMetadata), record)}});
  CHECK(ids == std::vector<std::string>{"catalog", "search"});
}
