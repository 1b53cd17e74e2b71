// SPDX-License-Identifier: Apache-2.0
// A plugin and a module defined in a source file of their own that includes only <rigging/plugin_api.hpp>,
// as a plugin author's files do; the test that starts them includes the whole library.
#pragma once

#include <rigging/plugin_api.hpp>

#include <string>
#include <vector>

namespace rigging_plugin_api {

struct Greetings {
  std::vector<std::string> lines;
};

struct GreetingExtension {
  std::vector<std::string> names;
};

inline const auto greetingsRef =
    rigging::createServiceRef<Greetings, rigging::RootScope>("greeting.greetings");
inline const auto greetingExtension = rigging::createExtensionPoint<GreetingExtension>("greeting.names");

rigging::ServiceFactory<Greetings, rigging::RootScope> greetingsFactory();
rigging::BackendPlugin greetingPlugin();
rigging::BackendModule greetingModule();

}  // namespace rigging_plugin_api
