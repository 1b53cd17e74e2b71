// SPDX-License-Identifier: Apache-2.0
// Tests of configuration sources: JSON text and files, APP_CONFIG_ variables, merging, --config options.
#include "support/catch.hpp"

#include <rigging/create_backend.hpp>
#include <rigging/defaults/config_sources.hpp>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <string>
#include <utility>
#include <vector>

using namespace rigging;

TEST_CASE("config sources: JSON text becomes a config tree", "[config]") {
  const ConfigReader config(parseJsonConfig(
      R"({"backend": {"listen": {"port": 7007, "host": "0.0.0.0"}, "ratio": -1.5e2, "tls": false},
          "list": ["a", "\u00e9\n"], "none": null})"));
  CHECK(config.getNumber("backend.listen.port") == 7007);
  CHECK(config.getNumber("backend.ratio") == -150);
  CHECK_FALSE(config.getBoolean("backend.tls"));
  CHECK(config.getStringArray("list") == std::vector<std::string>{"a", "\xC3\xA9\n"});
  CHECK_FALSE(config.has("none"));
}

TEST_CASE("config sources: invalid JSON is reported with its line and column", "[config]") {
  CHECK_THROWS_MATCHES(parseJsonConfig("{\n  \"a\": 1,\n  \"b\" 2\n}", "'app-config.json'"), ConfigError,
                       Catch::Message("Invalid JSON in 'app-config.json' at line 3, column 7: expected ':'"));
  CHECK_THROWS_WITH(parseJsonConfig("[1, 2"), Catch::Contains("expected ',' or ']'"));
  CHECK_THROWS_WITH(parseJsonConfig("{} x"), Catch::Contains("unexpected text after the value"));
}

TEST_CASE("config sources: JSON as JSON.parse reads it: no leading zeros, the last of repeated names",
          "[config]") {
  CHECK_THROWS_MATCHES(
      parseJsonConfig("{\"zip\": 01234}", "'app-config.json'"), ConfigError,
      Catch::Message("Invalid JSON in 'app-config.json' at line 1, column 9: a number cannot start with 0 "
                     "followed by a digit"));
  CHECK_THROWS_WITH(parseJsonConfig("-007"), Catch::Contains("a number cannot start with 0"));
  const ConfigReader numbers(parseJsonConfig(R"({"a": 0, "b": -0, "c": 0.5, "d": 10, "e": 0e1})"));
  CHECK(numbers.getNumber("a") == 0);
  CHECK(numbers.getNumber("c") == 0.5);
  CHECK(numbers.getNumber("d") == 10);
  CHECK(numbers.getNumber("e") == 0);
  const ConfigReader repeated(parseJsonConfig(R"({"a": 1, "b": 2, "a": {"x": 3}})"));
  CHECK(repeated.getNumber("a.x") == 3);
  CHECK(repeated.keys() == std::vector<std::string>{"a", "b"});  // in the first one's place
  // The same in an object too large to search member by member.
  std::string large = "{";
  for (int i = 0; i < 40; ++i) large += "\"m" + std::to_string(i) + "\": " + std::to_string(i) + ", ";
  large += R"("m2": "two", "m35": "thirty-five", "m39": -1})";
  const ConfigReader big(parseJsonConfig(large));
  CHECK(big.keys().size() == 40);
  CHECK(big.keys()[35] == "m35");
  CHECK(big.getString("m2") == "two");
  CHECK(big.getString("m35") == "thirty-five");
  CHECK(big.getNumber("m39") == -1);
  CHECK(big.getNumber("m38") == 38);
  // An environment value that is not JSON is its text.
  const char* environment[] = {"APP_CONFIG_zip=01234", nullptr};
  CHECK(ConfigReader(readEnvConfig(environment)).getString("zip") == "01234");
}

TEST_CASE("config sources: merging overlays objects member by member", "[config]") {
  const auto merged = mergeConfig(parseJsonConfig(R"({"a": {"x": 1, "y": 2}, "b": [1, 2], "c": "keep"})"),
                                  parseJsonConfig(R"({"a": {"y": 3, "z": 4}, "b": [9]})"));
  const ConfigReader config(merged);
  CHECK(config.getNumber("a.x") == 1);
  CHECK(config.getNumber("a.y") == 3);
  CHECK(config.getNumber("a.z") == 4);
  CHECK(config.getConfig("a")->keys() == std::vector<std::string>{"x", "y", "z"});
  CHECK(config.getString("c") == "keep");
  const ConfigValue* b = merged.member("b");
  // Checked in one expression: g++ at -O3 cannot see that REQUIRE stops the test.
  CHECK((b != nullptr && b->asArray() != nullptr && b->asArray()->size() == 1));  // arrays are replaced
}

TEST_CASE("config sources: APP_CONFIG_ variables as Backstage reads them", "[config]") {
  const char* environment[] = {"PATH=/usr/bin",
                               "APP_CONFIG_backend_listen_port=7007",
                               "APP_CONFIG_app_title=\"My Title\"",
                               "APP_CONFIG_app_baseUrl=http://localhost:3000",
                               "APP_CONFIG_catalog_rules=[\"a\", \"b\"]",
                               "APP_CONFIG_feature-flags_enabled=true",
                               "APP_CONFIG_empty=",
                               nullptr};
  const ConfigReader config(readEnvConfig(environment));
  CHECK(config.getNumber("backend.listen.port") == 7007);
  CHECK(config.getString("app.title") == "My Title");
  CHECK(config.getString("app.baseUrl") == "http://localhost:3000");  // not JSON: kept as text
  CHECK(config.getStringArray("catalog.rules") == std::vector<std::string>{"a", "b"});
  CHECK(config.getBoolean("feature-flags.enabled"));
  CHECK_FALSE(config.has("empty"));
}

TEST_CASE("config sources: bad APP_CONFIG_ variables are errors naming the key", "[config]") {
  const char* invalid[] = {"APP_CONFIG_a__b=1", nullptr};
  CHECK_THROWS_MATCHES(readEnvConfig(invalid), ConfigError, Catch::Message("Invalid env config key 'a__b'"));
  const char* nesting[] = {"APP_CONFIG_a=1", "APP_CONFIG_a_b=2", nullptr};
  CHECK_THROWS_MATCHES(readEnvConfig(nesting), ConfigError,
                       Catch::Message("Could not nest config for key 'a_b' under existing value 'a'"));
  const char* twice[] = {"APP_CONFIG_a_b=1", "APP_CONFIG_a_b=2", nullptr};
  CHECK_THROWS_MATCHES(readEnvConfig(twice), ConfigError,
                       Catch::Message("Refusing to override existing config at key 'a_b'"));
  const char* null[] = {"APP_CONFIG_a=null", nullptr};
  CHECK_THROWS_MATCHES(
      readEnvConfig(null), ConfigError,
      Catch::Message("Failed to parse JSON-serialized config value for key 'a', value may not be "
                     "null"));
}

TEST_CASE("config sources: --config options name files, in order", "[config]") {
  const char* argv[] = {"backend", "--config", "base.json", "--verbose", "--config=local.json", nullptr};
  CHECK(configFilesFromArgs(5, argv) == std::vector<std::string>{"base.json", "local.json"});
}

TEST_CASE("config sources: the default root config merges code, files and environment", "[config][backend]") {
  const std::string path = "rigging_config_sources_test.json";
  {
    std::ofstream file(path);
    file << R"({"catalog": {"name": "from file", "size": 2}})";
  }
  std::string name;
  double size = 0;
  auto backend = createBackend();
  backend.add(rootConfigServiceFactory(
      {.data = ConfigObject{{"catalog", ConfigObject{{"name", "from code"}, {"owner", "team"}}}},
       .files = {path},
       .environment = false}));
  backend.add(createBackendPlugin("p", [&](PluginRegistrationPoints& env) {
    env.registerInit(deps(coreServices::rootConfig), [&](RootConfigService& config) {
      name = config.getString("catalog.name") + "/" + config.getString("catalog.owner");
      size = config.getNumber("catalog.size");
    });
  }));
  backend.start();
  CHECK(name == "from file/team");
  CHECK(size == 2);
  std::remove(path.c_str());
}

TEST_CASE("config sources: an error about a value names the source it came from", "[config]") {
  const auto config = mergeConfigSources(
      {{ConfigObject{{"app", ConfigObject{{"name", 1}, {"port", 1}}}}, "app-config"},
       {ConfigObject{
            {"app", ConfigObject{{"port", "seven"}, {"hosts", ConfigArray{ConfigObject{{"h", 1}}}}}}},
        "local.json"},
       {ConfigObject{{"app", ConfigObject{{"debug", 7}}}}, "env"}});
  CHECK(config.getConfig("app")->keys() == std::vector<std::string>{"name", "port", "hosts", "debug"});
  const std::pair<std::function<void()>, std::string> cases[] = {
      {[&] { (void)config.getString("app.name"); },
       "Invalid type in config for key 'app.name' in 'app-config', got number, wanted string"},
      {[&] { (void)config.getNumber("app.port"); },
       "Unable to convert config value for key 'app.port' in 'local.json' to a number"},
      {[&] { (void)config.getString("app.debug"); },
       "Invalid type in config for key 'app.debug' in 'env', got number, wanted string"},
      // Sub-configs and array elements name keys, and so sources, from the root.
      {[&] { (void)config.getConfig("app")->getString("debug"); },
       "Invalid type in config for key 'app.debug' in 'env', got number, wanted string"},
      {[&] { (void)config.getConfigArray("app.hosts").at(0)->getString("h"); },
       "Invalid type in config for key 'app.hosts[0].h' in 'local.json', got number, wanted string"},
      // An object several sources add to is named by the last of them.
      {[&] { (void)config.getString("app"); },
       "Invalid type in config for key 'app' in 'env', got object, wanted string"},
      // Reading through a value that is not an object names the source of that value.
      {[&] { (void)config.getString("app.port.x"); },
       "Invalid type in config for key 'app.port' in 'local.json', got string, wanted object"},
      // A missing value is in no source: the whole is named.
      {[&] { (void)config.getString("app.missing"); },
       "Missing required config value at 'app.missing' in 'app-config'"},
  };
  for (const auto& [read, message] : cases)
    CHECK_THROWS_MATCHES(read(), ConfigError, Catch::Message(message));
}

TEST_CASE("config sources: a null array element, or an odd member name, is blamed on the source that has it",
          "[config]") {
  const auto config = mergeConfigSources(
      {{ConfigObject{{"list", ConfigArray{"x", "y"}}, {"a", ConfigArray{"x"}}}, "app-config"},
       {ConfigObject{{"list", ConfigArray{"a", nullptr}}, {"a[0]", 5}}, "local.json"}});
  CHECK_THROWS_MATCHES(
      config.getStringArray("list"), ConfigError,
      Catch::Message(
          "Invalid type in config for key 'list[1]' in 'local.json', got null, wanted string-array"));
  // A member literally named "a[0]" is read as a name, and blamed on the source that has that name.
  CHECK_THROWS_MATCHES(
      config.getString("a[0]"), ConfigError,
      Catch::Message("Invalid type in config for key 'a[0]' in 'local.json', got number, wanted string"));
  const auto fromEnv = mergeConfigSources(
      {{ConfigObject{}, "app-config"}, {ConfigObject{{"hosts", ConfigArray{"a", nullptr}}}, "env"}});
  CHECK_THROWS_WITH(fromEnv.getStringArray("hosts"), Catch::Contains("key 'hosts[1]' in 'env', got null"));
}

TEST_CASE("config sources: the default root config names the file or 'env' in errors about values",
          "[config][backend]") {
  const std::string path = "rigging_config_source_names_test.json";
  {
    std::ofstream file(path);
    file << R"({"catalog": {"size": "big"}})";
  }
  auto backend = createBackend();
  backend.add(rootConfigServiceFactory(
      {.data = ConfigObject{{"catalog", ConfigObject{{"size", 1}}}}, .files = {path}, .environment = false}));
  backend.add(createBackendPlugin("p", [](PluginRegistrationPoints& env) {
    env.registerInit(deps(coreServices::rootConfig),
                     [](RootConfigService& config) { (void)config.getNumber("catalog.size"); });
  }));
  CHECK_THROWS_WITH(
      backend.start(),
      Catch::Contains("Unable to convert config value for key 'catalog.size' in '" + path + "' to a number"));
  std::remove(path.c_str());
}

TEST_CASE("config sources: a missing file fails start-up naming it", "[config][backend]") {
  auto backend = createBackend();
  backend.add(rootConfigServiceFactory({.files = {"does-not-exist.json"}, .environment = false}));
  CHECK_THROWS_WITH(backend.start(), Catch::Contains("Could not read config file 'does-not-exist.json'"));
}

TEST_CASE("config sources: environment wins over files, which win over code", "[config][backend]") {
  const std::string path = "rigging_config_precedence_test.json";
  {
    std::ofstream file(path);
    file << R"({"layer": {"file": "file", "both": "file", "all": "file"}})";
  }
  ::setenv("APP_CONFIG_layer_all", "\"env\"", 1);
  std::vector<std::string> got;
  auto backend = createBackend();
  backend.add(rootConfigServiceFactory(
      {.data = ConfigObject{{"layer", ConfigObject{{"code", "code"}, {"both", "code"}, {"all", "code"}}}},
       .files = {path}}));
  backend.add(createBackendPlugin("p", [&](PluginRegistrationPoints& env) {
    env.registerInit(deps(coreServices::rootConfig), [&](RootConfigService& config) {
      for (const char* key : {"layer.code", "layer.file", "layer.both", "layer.all"})
        got.push_back(config.getString(key));
      // Each error about a value names the source that gave it.
      for (const char* key : {"layer.code", "layer.both", "layer.all"}) {
        try {
          (void)config.getNumber(key);
        } catch (const ConfigError& e) {
          got.emplace_back(e.what());
        }
      }
    });
  }));
  backend.start();
  ::unsetenv("APP_CONFIG_layer_all");
  std::remove(path.c_str());
  CHECK(got == std::vector<std::string>{
                   "code", "file", "file", "env",
                   "Unable to convert config value for key 'layer.code' in 'app-config' to a number",
                   "Unable to convert config value for key 'layer.both' in '" + path + "' to a number",
                   "Unable to convert config value for key 'layer.all' in 'env' to a number"});
}

TEST_CASE("config sources: a bad file fails start-up naming the file and the line", "[config][backend]") {
  const std::string path = "rigging_config_bad_test.json";
  {
    std::ofstream file(path);
    file << "{\n  \"backend\": {\n    \"port\": 70 07\n  }\n}\n";
  }
  auto backend = createBackend();
  backend.add(rootConfigServiceFactory({.files = {path}, .environment = false}));
  CHECK_THROWS_WITH(backend.start(),
                    Catch::Contains("Invalid JSON in 'rigging_config_bad_test.json' at line 3, "
                                    "column 16: expected ',' or '}'"));
  std::remove(path.c_str());
}

TEST_CASE("config sources: a file must hold an object at its root; an empty one configures nothing",
          "[config]") {
  // Merged, an array or a number would replace everything given before it: Backstage refuses it too.
  const std::string arrayPath = "rigging_config_root_array_test.json";
  const std::string nullPath = "rigging_config_root_null_test.json";
  {
    std::ofstream(arrayPath) << "[{\"backend\": {}}]\n";
    std::ofstream(nullPath) << "null\n";
  }
  CHECK_THROWS_MATCHES(
      readConfigFile(arrayPath), ConfigError,
      Catch::Message("Expected object at config root in 'rigging_config_root_array_test.json', "
                     "got array; a config file holds an object of keys, such as "
                     "{\"backend\": {...}}"));
  const ConfigValue empty = readConfigFile(nullPath);
  REQUIRE(empty.asObject() != nullptr);
  CHECK(empty.asObject()->empty());
  auto backend = createBackend();
  backend.add(rootConfigServiceFactory({.data = ConfigObject{{"app", ConfigObject{{"title", "kept"}}}},
                                        .files = {arrayPath},
                                        .environment = false}));
  CHECK_THROWS_WITH(backend.start(), Catch::Contains("Expected object at config root"));
  std::remove(arrayPath.c_str());
  std::remove(nullPath.c_str());
}

TEST_CASE("config sources: an environment variable names files, separated by ':'", "[config]") {
  const char* environment[] = {"PATH=/bin", "RIGGING_CONFIG_FILESX=no.json",
                               "RIGGING_CONFIG_FILES=a.json::b.yaml:", nullptr};
  CHECK(configFilesFromEnv("RIGGING_CONFIG_FILES", environment) ==
        std::vector<std::string>{"a.json", "b.yaml"});
  CHECK(configFilesFromEnv("UNSET", environment).empty());
}

TEST_CASE("config sources: a YAML file without a YAML reader says how to add one", "[config][backend]") {
  const std::string expected =
      "Cannot read config file 'app-config.yaml': no YAML reader was given. Include "
      "<rigging/config_yaml.hpp>, link "
      "rigging::yaml (Debian package libyaml-cpp-dev) and pass .formats = {rigging::yamlConfigFormat()}";
  CHECK_THROWS_MATCHES(readConfigFile("app-config.yaml"), ConfigError, Catch::Message(expected));
  CHECK_THROWS_AS(readConfigFile("app-config.yml", {jsonConfigFormat()}), ConfigError);
  CHECK_THROWS_WITH(readConfigFile("app-config.yml", {jsonConfigFormat()}),
                    Catch::Contains("'app-config.yml': no YAML reader was given"));
  // Through the default root config, the error arrives as the root config factory's failure.
  auto backend = createBackend();
  backend.add(rootConfigServiceFactory({.files = {"app-config.yaml"}, .environment = false}));
  try {
    backend.start();
    FAIL("start() did not throw");
  } catch (const ServiceFactoryError& error) {
    CHECK(error.serviceId() == "core.rootConfig");
    CHECK_THAT(error.what(), Catch::EndsWith(expected));
  }
}

TEST_CASE("config sources: a format given in .formats reads the files it claims", "[config][backend]") {
  const std::string path = "rigging_config_format_test.ini";
  {
    std::ofstream file(path);
    file << "name=from ini";
  }
  // A toy format: one `key=value` line.
  const ConfigFileFormat ini{
      "INI", {".ini"}, [](std::string_view text, const std::string&) {
        const auto eq = text.find('=');
        return ConfigValue(ConfigObject{{std::string(text.substr(0, eq)), std::string(text.substr(eq + 1))}});
      }};
  std::string name;
  auto backend = createBackend();
  backend.add(rootConfigServiceFactory({.files = {path}, .formats = {ini}, .environment = false}));
  backend.add(createBackendPlugin("p", [&](PluginRegistrationPoints& env) {
    env.registerInit(deps(coreServices::rootConfig),
                     [&](RootConfigService& config) { name = config.getString("name"); });
  }));
  backend.start();
  std::remove(path.c_str());
  CHECK(name == "from ini");
}
