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
      "Invalid type in config for key 'catalog.mixed[1]' in 'app-config', got number, wanted string-array");
  CHECK_THROWS_WITH(config.getStringArray("backend.listen.port"),
                    "Invalid type in config for key 'backend.listen.port' in 'app-config', got number, "
                    "wanted string-array");
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

TEST_CASE("root config: an empty string is not a value, as in Backstage", "[config]") {
  const ConfigReader config(ConfigObject{{"title", ""}, {"tags", ConfigArray{"a", ""}}, {"n", ""}});
  CHECK(config.has("title"));  // it is there, but reading it as a string is a mistake in the config
  CHECK_THROWS_MATCHES(
      config.getOptionalString("title"), ConfigError,
      Catch::Message(
          "Invalid type in config for key 'title' in 'app-config', got empty-string, wanted string"));
  CHECK_THROWS_MATCHES(config.getStringArray("tags"), ConfigError,
                       Catch::Message("Invalid type in config for key 'tags[1]' in 'app-config', got "
                                      "empty-string, wanted string-array"));
  CHECK(config.getNumber("n") == 0);  // read as a number, it converts as JavaScript's Number("") does
  CHECK_THROWS_WITH(
      config.getConfig("title"),
      "Invalid type in config for key 'title' in 'app-config', got empty-string, wanted object");
}

TEST_CASE("root config: an array of objects is read as configurations of their own", "[config]") {
  const ConfigReader config(ConfigObject{
      {"catalog", ConfigObject{{"providers", ConfigArray{ConfigObject{{"type", "github"}, {"org", "acme"}},
                                                         ConfigObject{{"type", "url"},
                                                                      {"target", ConfigObject{{"x", 1}}}}}},
                               {"bad", ConfigArray{ConfigObject{{"a", 1}}, "text"}},
                               {"none", nullptr},
                               {"empty", ConfigArray{}},
                               {"one", ConfigObject{{"type", "url"}}}}}});
  const auto providers = config.getConfigArray("catalog.providers");
  REQUIRE(providers.size() == 2);
  CHECK(providers[0]->getString("type") == "github");
  CHECK(providers[0]->keys() == std::vector<std::string>{"type", "org"});
  CHECK(providers[1]->getConfig("target")->getNumber("x") == 1);
  CHECK(config.getConfigArray("catalog.empty").empty());
  CHECK_FALSE(config.getOptionalConfigArray("catalog.none").has_value());
  CHECK_FALSE(config.getOptionalConfigArray("catalog.missing").has_value());
  // Errors inside an element name it by its index, from the root.
  CHECK_THROWS_MATCHES(
      providers[1]->getString("org"), ConfigError,
      Catch::Message("Missing required config value at 'catalog.providers[1].org' in 'app-config'"));
  CHECK_THROWS_MATCHES(providers[1]->getString("target.x"), ConfigError,
                       Catch::Message("Invalid type in config for key 'catalog.providers[1].target.x' in "
                                      "'app-config', got number, wanted string"));
  CHECK_THROWS_MATCHES(config.getConfigArray("catalog.bad"), ConfigError,
                       Catch::Message("Invalid type in config for key 'catalog.bad[1]' in 'app-config', got "
                                      "string, wanted object-array"));
  CHECK_THROWS_MATCHES(config.getOptionalConfigArray("catalog.one"), ConfigError,
                       Catch::Message("Invalid type in config for key 'catalog.one' in 'app-config', got "
                                      "object, wanted object-array"));
  CHECK_THROWS_MATCHES(config.getConfigArray("catalog.missing"), ConfigError,
                       Catch::Message("Missing required config value at 'catalog.missing' in 'app-config'"));
  // An element outlives the reader it came from.
  std::shared_ptr<const RootConfigService> kept;
  {
    const ConfigReader local(ConfigObject{{"list", ConfigArray{ConfigObject{{"name", "kept"}}}}});
    kept = local.getConfigArray("list").front();
  }
  CHECK(kept->getString("name") == "kept");
}
