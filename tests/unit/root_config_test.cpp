// SPDX-License-Identifier: Apache-2.0
// Tests of the default root config: dotted keys, types, errors that name the key.
#include "support/catch.hpp"

#include <rigging/defaults/root_config.hpp>

#include <string>
#include <vector>

using namespace rigging;

namespace {
ConfigReader sample() {
  return ConfigReader(ConfigObject{
      {"backend",
       ConfigObject{{"listen", ConfigObject{{"port", 7007}, {"host", "0.0.0.0"}}}, {"https", false}}},
      {"catalog",
       ConfigObject{{"locations", ConfigArray{"a.yaml", "b.yaml"}}, {"mixed", ConfigArray{"a", 1}}}},
      {"nothing", nullptr},
  });
}
}  // namespace

TEST_CASE("root config: typed getters read dotted keys", "[config]") {
  const auto config = sample();
  CHECK(config.getNumber("backend.listen.port") == 7007);
  CHECK(config.getString("backend.listen.host") == "0.0.0.0");
  CHECK_FALSE(config.getBoolean("backend.https"));
  CHECK(config.getStringArray("catalog.locations") == std::vector<std::string>{"a.yaml", "b.yaml"});
  CHECK(config.has("backend.listen"));
  CHECK_FALSE(config.has("backend.missing"));
  CHECK_FALSE(config.has("nothing"));
  CHECK_FALSE(config.getOptionalString("backend.listen.missing").has_value());
  CHECK(config.keys() == std::vector<std::string>{"backend", "catalog", "nothing"});
  const auto listen = config.getConfig("backend.listen");
  CHECK(listen->getNumber("port") == 7007);
  CHECK(listen->keys() == std::vector<std::string>{"port", "host"});
}

TEST_CASE("root config: errors name the key and the types", "[config]") {
  const auto config = sample();
  CHECK_THROWS_MATCHES(
      config.getString("backend.listen.port"), ConfigError,
      Catch::Message("Invalid type in config for key 'backend.listen.port' in 'app-config', got "
                     "number, wanted string"));
  CHECK_THROWS_MATCHES(
      config.getNumber("backend.listen.missing"), ConfigError,
      Catch::Message("Missing required config value at 'backend.listen.missing' in 'app-config'"));
  CHECK_THROWS_WITH(
      config.getStringArray("catalog.mixed"),
      "Invalid type in config for key 'catalog.mixed[1]' in 'app-config', got number, wanted string");
  // A nested config names keys from the root.
  CHECK_THROWS_WITH(
      config.getConfig("backend")->getBoolean("listen.host"),
      "Invalid type in config for key 'backend.listen.host' in 'app-config', got string, wanted "
      "boolean");
  try {
    (void)config.getString("backend.https");
  } catch (const ConfigError& e) {
    CHECK(e.key() == "backend.https");
    CHECK(e.code() == ErrorCode::invalid_config);
  }
}
