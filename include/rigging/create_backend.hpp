// SPDX-License-Identifier: Apache-2.0
// Copyright The rigging Authors
// createBackend(): a backend with every default core service factory installed.
#pragma once

#include <rigging/backend.hpp>
#include <rigging/core_services.hpp>
#include <rigging/defaults/lifecycle.hpp>
#include <rigging/defaults/root_config.hpp>
#include <rigging/service_factory.hpp>

#include <memory>

namespace rigging {

/// The default `core.rootLifecycle` factory.
inline const auto rootLifecycleServiceFactory = createServiceFactory(
    coreServices::rootLifecycle, deps(), [] { return std::make_unique<DefaultRootLifecycleService>(); });

/// The default `core.lifecycle` factory: hooks are labelled with the plugin id.
inline const auto lifecycleServiceFactory = createServiceFactory(
    coreServices::lifecycle, deps(coreServices::pluginMetadata),
    [](PluginMetadataService& plugin) { return std::make_unique<DefaultLifecycleService>(plugin.getId()); });

/// Options of the default `core.rootConfig` factory.
struct RootConfigFactoryOptions {
  ConfigValue data = ConfigObject{};   ///< the configuration, given in code
  std::string context = "app-config";  ///< how errors name its source
};

/// The default `core.rootConfig` factory; `rootConfigServiceFactory({.data = ...})` gives configuration in
/// code.
inline const auto rootConfigServiceFactory = createServiceFactory([](RootConfigFactoryOptions options) {
  return createServiceFactory(coreServices::rootConfig, deps(), [options] {
    return std::make_unique<ConfigReader>(options.data, options.context);
  });
});

/// Creates a backend with the default core services. `core.pluginMetadata` is built into every backend.
[[nodiscard]] inline Backend createBackend() {
  return createSpecializedBackend(rootLifecycleServiceFactory, lifecycleServiceFactory,
                                  rootConfigServiceFactory);
}

}  // namespace rigging
