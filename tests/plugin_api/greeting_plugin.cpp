// SPDX-License-Identifier: Apache-2.0
// Only <rigging/plugin_api.hpp> (through greeting_plugin.hpp): the backend and the default core services are
// not needed to define features.
#include "plugin_api/greeting_plugin.hpp"

#include <memory>
#include <string>

namespace rigging_plugin_api {

rigging::ServiceFactory<Greetings, rigging::RootScope> greetingsFactory() {
  return rigging::createServiceFactory(greetingsRef, rigging::deps(), [] { return Greetings{}; });
}

rigging::BackendPlugin greetingPlugin() {
  return rigging::createBackendPlugin("greeting", [](rigging::PluginRegistrationPoints& env) {
    auto names = std::make_shared<GreetingExtension>();
    env.registerExtensionPoint(greetingExtension, names);
    env.registerInit(rigging::deps(greetingsRef, rigging::coreServices::logger),
                     [names](Greetings& greetings, rigging::LoggerService& logger) {
                       for (const auto& name : names->names) greetings.lines.push_back("hello " + name);
                       logger.info("greeted {} names", greetings.lines.size());
                     });
  });
}

rigging::BackendModule greetingModule() {
  return rigging::createBackendModule("greeting", "names", [](rigging::ModuleRegistrationPoints& env) {
    env.registerInit(rigging::deps(greetingExtension),
                     [](GreetingExtension& names) { names.names.emplace_back("module"); });
  });
}

}  // namespace rigging_plugin_api
