// SPDX-License-Identifier: Apache-2.0
// Tests of createBackendPlugin: id rule and registration.
#include "support/catch.hpp"

#include <rigging/plugin.hpp>

#include <string>

using namespace rigging;

TEST_CASE("plugin: valid ids are accepted", "[plugin]") {
  for (const char* id : {"catalog", "a", "github-org", "Catalog", "k8s", "a1-b2-c3"}) {
    INFO(id);
    const auto plugin = createBackendPlugin(id, [](PluginRegistrationPoints&) {});
    CHECK(plugin.id() == id);
  }
}

TEST_CASE("plugin: invalid ids throw at creation, quoting the id and the rule", "[plugin]") {
  for (const char* id : {"", "1abc", "-abc", "abc-", "a--b", "a_b", "a.b", "a b"}) {
    INFO(id);
    CHECK_THROWS_AS(createBackendPlugin(id, [](PluginRegistrationPoints&) {}), InvalidIdError);
  }
  try {
    (void)createBackendPlugin("my_plugin", [](PluginRegistrationPoints&) {});
    FAIL("must throw");
  } catch (const InvalidIdError& e) {
    CHECK(e.code() == ErrorCode::invalid_id);
    CHECK_THAT(e.what(), Catch::Contains("Invalid plugin ID 'my_plugin'"));
    CHECK_THAT(e.what(), Catch::Contains("/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/i"));
  }
}

TEST_CASE("plugin: registration runs when the backend starts, not at creation", "[plugin]") {
  int calls = 0;
  const auto plugin = createBackendPlugin("p", [&calls](PluginRegistrationPoints&) { ++calls; });
  CHECK(calls == 0);
  PluginRegistrationPoints env;
  plugin.impl()->registerFn(env);
  CHECK(calls == 1);
}
