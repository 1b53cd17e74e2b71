// SPDX-License-Identifier: Apache-2.0
// Copyright The rigging Authors
// createBackend(): a backend with every default core service factory installed.
#pragma once

#include <rigging/backend.hpp>
#include <rigging/core_services.hpp>
#include <rigging/defaults/config_sources.hpp>
#include <rigging/defaults/lifecycle.hpp>
#include <rigging/defaults/root_config.hpp>
#include <rigging/defaults/root_logger.hpp>
#include <rigging/service_factory.hpp>

#include <unistd.h>  // environ

#include <cstdlib>
#include <exception>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace rigging {

namespace detail {
// Failing hooks are logged with the hook's phase and label; the logger adds the plugin id.
inline HookFailureHandler logHookFailures(LoggerService& logger) {
  return [&logger](std::string_view owner, std::string_view phase, std::string_view label,
                   std::exception_ptr error) {
    std::string what = "an unknown exception";
    try {
      std::rethrow_exception(std::move(error));
    } catch (const std::exception& e) {
      what = e.what();
    } catch (...) {
    }
    logger.error({{"hook", std::string(label)}, {"phase", std::string(phase)}},
                 "{} hook{}{} of {} failed: {}", phase, label.empty() ? "" : " ",
                 label.empty() ? std::string() : "'" + std::string(label) + "'", owner, what);
  };
}
}  // namespace detail

/// Options of the default `core.rootConfig` factory. Sources merge in this order, later ones winning:
/// `data`, then each of `files`, then `APP_CONFIG_*` environment variables when `environment` is set.
struct RootConfigFactoryOptions {
  ConfigValue data = ConfigObject{};        ///< configuration given in code
  std::vector<std::string> files{};         ///< files, e.g. configFilesFromArgs(argc, argv)
  std::vector<ConfigFileFormat> formats{};  ///< readers besides JSON, e.g. {yamlConfigFormat()}
  bool environment = true;                  ///< read Backstage's APP_CONFIG_<path> variables
  std::string context = "app-config";  ///< how errors name `data`, and the whole for a missing value (files
                                       ///< are named by their path, the environment `env`)
};

/// The default `core.rootConfig` factory: `rootConfigServiceFactory({.data = ..., .files = ...})`.
inline const auto rootConfigServiceFactory = createServiceFactory([](RootConfigFactoryOptions options) {
  return createServiceFactory(coreServices::rootConfig, deps(), [options] {
    // One source per file and one for the environment, so that an error about a value names where it is.
    std::vector<ConfigSource> sources{{options.data, options.context}};
    for (const auto& file : options.files) sources.push_back({readConfigFile(file, options.formats), file});
    if (options.environment) sources.push_back({readEnvConfig(environ), "env"});
    return std::make_unique<ConfigReader>(mergeConfigSources(std::move(sources), options.context));
  });
});

/// The default `core.rootLogger` factory: text on standard error unless `backend.logging.format` is `json`;
/// `rootLoggerServiceFactory({.sink = ...})` sends lines elsewhere. The `LOG_LEVEL` environment variable sets
/// the level, as in Backstage.
inline const auto rootLoggerServiceFactory = createServiceFactory([](RootLoggerOptions options) {
  return createServiceFactory(
      coreServices::rootLogger, deps(coreServices::rootConfig), [options](RootConfigService& config) {
        return DefaultRootLogger::fromConfig(config, options, std::getenv("LOG_LEVEL"));
      });
});

/// The default `core.logger` factory: the root logger's child tagged with the plugin id.
inline const auto loggerServiceFactory =
    createServiceFactory(coreServices::logger, deps(coreServices::rootLogger, coreServices::pluginMetadata),
                         [](RootLoggerService& root, PluginMetadataService& plugin) {
                           return root.child({{"plugin", std::string(plugin.getId())}});
                         });

/// The default `core.rootLifecycle` factory; failing hooks are logged.
inline const auto rootLifecycleServiceFactory = createServiceFactory(
    coreServices::rootLifecycle, deps(coreServices::rootLogger), [](RootLoggerService& logger) {
      return std::make_unique<DefaultRootLifecycleService>(detail::logHookFailures(logger));
    });

/// The default `core.lifecycle` factory; failing hooks are logged with the plugin id.
inline const auto lifecycleServiceFactory = createServiceFactory(
    coreServices::lifecycle, deps(coreServices::logger, coreServices::pluginMetadata),
    [](LoggerService& logger, PluginMetadataService& plugin) {
      return std::make_unique<DefaultLifecycleService>(plugin.getId(), detail::logHookFailures(logger));
    });

/// Creates a backend with the default core services. `core.pluginMetadata` is built into every backend.
[[nodiscard]] inline Backend createBackend() {
  return createSpecializedBackend(rootConfigServiceFactory, rootLoggerServiceFactory, loggerServiceFactory,
                                  rootLifecycleServiceFactory, lifecycleServiceFactory);
}

}  // namespace rigging
