// SPDX-License-Identifier: Apache-2.0
// Copyright The rigging Authors
// The core service interfaces and their refs in `rigging::coreServices`: what every plugin can count on.
#pragma once

#include <rigging/service_ref.hpp>

#include <string_view>

namespace rigging {

/// Tells a plugin-scoped service which plugin it is being created for. Built in; cannot be overridden.
class PluginMetadataService {
 public:
  virtual ~PluginMetadataService() = default;
  /// The id of the plugin the instance belongs to.
  [[nodiscard]] virtual std::string_view getId() const noexcept = 0;

 protected:
  PluginMetadataService() = default;
  PluginMetadataService(const PluginMetadataService&) = default;
  PluginMetadataService& operator=(const PluginMetadataService&) = default;
};

namespace coreServices {

/// `core.pluginMetadata`: the requesting plugin's metadata (plugin-scoped, built in).
inline const auto pluginMetadata = createServiceRef<PluginMetadataService>("core.pluginMetadata");

}  // namespace coreServices
}  // namespace rigging
