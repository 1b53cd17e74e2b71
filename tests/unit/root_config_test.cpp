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

TEST_CASE("root config: numbers and booleans given as text are converted as Backstage converts them",
          "[config]") {
  const ConfigReader config(ConfigObject{{"port", "7007"}, {"spaced", " 12.5 "}, {"hex", "0x1F"},
                                         {"exp", "-1e3"},  {"plus", "+4"},       {"blank", "  "},
                                         {"word", "many"}, {"inf", "Infinity"},  {"yes", "YES"},
                                         {"on", " on "},   {"y", "y"},           {"one", "1"},
                                         {"off", "Off"},   {"no", "no"},         {"zero", 0},
                                         {"unit", 1},      {"two", 2},           {"maybe", "maybe"},
                                         {"flag", true},   {"half", "1.5x"},     {"signedHex", "-0x1F"}},
                            "settings.yaml");
  CHECK(config.getNumber("port") == 7007);
  CHECK(config.getNumber("spaced") == 12.5);
  CHECK(config.getNumber("hex") == 31);
  CHECK(config.getNumber("exp") == -1000);
  CHECK(config.getNumber("plus") == 4);
  CHECK(config.getNumber("blank") == 0);  // JavaScript's Number("  ")
  CHECK(config.getBoolean("yes"));
  CHECK(config.getBoolean("on"));
  CHECK(config.getBoolean("y"));
  CHECK(config.getBoolean("one"));
  CHECK(config.getBoolean("unit"));
  CHECK_FALSE(config.getBoolean("off"));
  CHECK_FALSE(config.getBoolean("no"));
  CHECK_FALSE(config.getBoolean("zero"));
  CHECK(config.getOptionalNumber("port") == 7007);
  for (const char* key : {"word", "inf", "half", "signedHex"}) {
    CHECK_THROWS_MATCHES(config.getNumber(key), ConfigError,
                         Catch::Message("Unable to convert config value for key '" + std::string(key) +
                                        "' in 'settings.yaml' to a number"));
  }
  for (const char* key : {"two", "maybe", "port"}) {
    CHECK_THROWS_MATCHES(config.getOptionalBoolean(key), ConfigError,
                         Catch::Message("Unable to convert config value for key '" + std::string(key) +
                                        "' in 'settings.yaml' to a boolean"));
  }
  // Other types are not converted.
  CHECK_THROWS_WITH(config.getNumber("flag"),
                    "Invalid type in config for key 'flag' in 'settings.yaml', got boolean, wanted number");
  CHECK_THROWS_WITH(config.getString("port") + config.getString("zero"),
                    "Invalid type in config for key 'zero' in 'settings.yaml', got number, wanted string");
}

TEST_CASE("root config: reading through a value that is not an object names that value", "[config]") {
  // backend.listen is a string here: asking for backend.listen.port is a mistake in the config's shape, not a
  // missing value (Backstage reports it the same way).
  const ConfigReader config(ConfigObject{{"backend", ConfigObject{{"listen", "7007"}, {"off", nullptr}}}},
                            "app-config.yaml");
  const auto expected =
      "Invalid type in config for key 'backend.listen' in 'app-config.yaml', got string, wanted object";
  CHECK_THROWS_MATCHES(config.getNumber("backend.listen.port"), ConfigError, Catch::Message(expected));
  CHECK_THROWS_MATCHES(config.getOptionalNumber("backend.listen.port"), ConfigError,
                       Catch::Message(expected));
  CHECK_THROWS_MATCHES(config.has("backend.listen.port"), ConfigError, Catch::Message(expected));
  std::string badKey;
  try {
    static_cast<void>(config.getConfig("backend")->getString("listen.host"));
  } catch (const ConfigError& e) {
    badKey = e.key();
  }
  CHECK(badKey == "backend.listen");  // a nested reader names keys from the root
  // Absent and null parts are just absent.
  CHECK_FALSE(config.has("backend.missing.port"));
  CHECK_FALSE(config.has("backend.off.port"));
  CHECK_FALSE(config.getOptionalString("nothing.at.all").has_value());
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
      "Unable to convert config value for key 'backend.listen.host' in 'app-config' to a boolean");
  CHECK_THROWS_WITH(
      config.getConfig("catalog")->getNumber("locations"),
      "Invalid type in config for key 'catalog.locations' in 'app-config', got array, wanted number");
  try {
    (void)config.getString("backend.https");
  } catch (const ConfigError& e) {
    CHECK(e.key() == "backend.https");
    CHECK(e.code() == ErrorCode::invalid_config);
  }
}
