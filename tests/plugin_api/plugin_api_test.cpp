// SPDX-License-Identifier: Apache-2.0
// A plugin and module compiled with <rigging/plugin_api.hpp> alone, started by a backend made elsewhere.
#include "plugin_api/greeting_plugin.hpp"
#include "support/catch.hpp"

#include <rigging/rigging.hpp>
#include <rigging/testing.hpp>

#include <string>
#include <vector>

TEST_CASE("plugin_api.hpp: features defined with it alone start in a backend", "[plugin_api]") {
  using namespace rigging_plugin_api;
  auto backend =
      rigging::startTestBackend({.features = {greetingsFactory(), greetingPlugin(), greetingModule()}});
  const auto& greetings = backend.getService(greetingsRef);
  CHECK(greetings.lines == std::vector<std::string>{"hello module"});
}
