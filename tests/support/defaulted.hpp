// SPDX-License-Identifier: Apache-2.0
// Refs with default factories that nothing in a test's backend uses, for the testing utilities' getService: a
// root clock, and a per-plugin stamp that needs the clock (a default too) and its plugin's metadata.
#pragma once

#include <rigging/core_services.hpp>
#include <rigging/deps.hpp>
#include <rigging/service_factory.hpp>
#include <rigging/service_ref.hpp>

#include <string>

namespace rigging::test {

struct DefaultClock {
  int ticks;
};
struct DefaultStamp {
  DefaultClock* clock;
  std::string pluginId;
};

inline const auto defaultClockRef = createServiceRef<DefaultClock, RootScope>(
    "test.defaultClock",
    [](auto service) { return createServiceFactory(service, deps(), [] { return DefaultClock{7}; }); });
inline const auto defaultStampRef = createServiceRef<DefaultStamp>("test.defaultStamp", [](auto service) {
  return createServiceFactory(service, deps(defaultClockRef, coreServices::pluginMetadata),
                              [](DefaultClock& clock, PluginMetadataService& plugin) {
                                return DefaultStamp{&clock, std::string(plugin.getId())};
                              });
});

}  // namespace rigging::test
