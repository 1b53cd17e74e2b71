// SPDX-License-Identifier: Apache-2.0
// Copyright The rigging Authors
// A feature loader that enables plugins from configuration. A loader is a feature whose callable runs at
// start(), before validation, with root-scoped services (here core.rootConfig), and returns more features to
// add: plugins, modules, service factories, even other loaders. The backend creates the root services the
// loader needs, and only those, before running it.
//
// Here the list of plugins to run comes from the configuration key `plugins.enabled`; set it in a config file
// (--config app-config.json) or the environment (APP_CONFIG_plugins_enabled='["catalog","search"]').
#include <rigging/rigging.hpp>

#include <cstdio>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

using namespace rigging;

BackendPlugin announcingPlugin(const std::string& id) {
  return createBackendPlugin(id, [id](PluginRegistrationPoints& env) {
    env.registerInit(deps(), [id] { std::printf("%s: started\n", id.c_str()); });
  });
}

/// Every plugin this program knows, by id.
const std::map<std::string, BackendPlugin>& knownPlugins() {
  static const std::map<std::string, BackendPlugin> plugins = {
      {"catalog", announcingPlugin("catalog")},
      {"scaffolder", announcingPlugin("scaffolder")},
      {"search", announcingPlugin("search")},
  };
  return plugins;
}

/// The loader: reads the configuration, returns the enabled plugins. An unknown id is a configuration
/// mistake: throwing makes start() fail before any plugin runs.
inline const auto pluginsFromConfig =
    createBackendFeatureLoader(deps(coreServices::rootConfig), [](RootConfigService& config) {
      std::vector<BackendFeature> features;
      for (const auto& id :
           config.getOptionalStringArray("plugins.enabled").value_or(std::vector<std::string>{})) {
        const auto found = knownPlugins().find(id);
        if (found == knownPlugins().end())
          throw std::runtime_error("plugins.enabled names an unknown plugin '" + id + "'");
        std::printf("loader: enabling '%s'\n", id.c_str());
        features.emplace_back(found->second);
      }
      return features;
    });

void run(const char* configJson) {
  std::printf("-- config %s\n", configJson);
  auto backend = createBackend();
  // Configuration in code for the example; the environment is left out so that the output is fixed.
  backend.add(rootConfigServiceFactory({.data = parseJsonConfig(configJson), .environment = false}));
  backend.add(pluginsFromConfig);
  backend.start();
}

int main() {
  run(R"({"plugins": {"enabled": ["catalog", "search"]}})");
  run(R"({"plugins": {"enabled": ["scaffolder"]}})");
  std::printf("06_feature_loader: ok\n");
}
