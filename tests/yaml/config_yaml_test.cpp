// SPDX-License-Identifier: Apache-2.0
// Tests of the optional YAML reader (<rigging/config_yaml.hpp>, needs yaml-cpp).
#include "support/catch.hpp"

#include <rigging/config_yaml.hpp>
#include <rigging/create_backend.hpp>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

using namespace rigging;

TEST_CASE("yaml config: plain scalars follow YAML 1.2's core schema, quoted ones stay strings",
          "[config][yaml]") {
  const ConfigReader config(parseYamlConfig(R"(
backend:
  listen:
    port: 7007
    host: 0.0.0.0
  ratio: -1.5e2
  tls: false
  hex: 0x1F
  octal: 0o17
  quoted: '7007'
  tagged: !!str true
  version: 1.2.3
list: [a, "b", 3]
none: ~
)"));
  CHECK(config.getNumber("backend.listen.port") == 7007);
  CHECK(config.getString("backend.listen.host") == "0.0.0.0");
  CHECK(config.getNumber("backend.ratio") == -150);
  CHECK_FALSE(config.getBoolean("backend.tls"));
  CHECK(config.getNumber("backend.hex") == 31);
  CHECK(config.getNumber("backend.octal") == 15);
  CHECK(config.getString("backend.quoted") == "7007");
  CHECK(config.getString("backend.tagged") == "true");
  CHECK(config.getString("backend.version") == "1.2.3");
  CHECK_THROWS_AS(config.getStringArray("list"), ConfigError);  // 3 is a number
  CHECK_FALSE(config.has("none"));
  CHECK(config.keys() == std::vector<std::string>{"backend", "list", "none"});
}

TEST_CASE("yaml config: an empty document configures nothing", "[config][yaml]") {
  const ConfigReader config(parseYamlConfig("# only a comment\n"));
  CHECK(config.keys().empty());
}

TEST_CASE("yaml config: errors name the source, line and column", "[config][yaml]") {
  CHECK_THROWS_MATCHES(
      parseYamlConfig("a: 1\nb: [1, 2\n", "'app-config.yaml'"), ConfigError,
      Catch::Message("Invalid YAML in 'app-config.yaml' at line 3, column 1: end of sequence flow "
                     "not found"));
  CHECK_THROWS_MATCHES(
      parseYamlConfig("a: 1\nb:\n  c: 2\n  c: 3\n", "'app-config.yaml'"), ConfigError,
      Catch::Message("Invalid YAML in 'app-config.yaml' at line 4, column 3: duplicate key 'c'"));
  CHECK_THROWS_MATCHES(
      parseYamlConfig("port: !!int seven\n", "'x.yaml'"), ConfigError,
      Catch::Message("Invalid YAML in 'x.yaml' at line 1, column 7: 'seven' cannot be read as "
                     "tag:yaml.org,2002:int"));
}

TEST_CASE("yaml config: YAML and JSON files merge in the order given, under the environment",
          "[config][yaml]") {
  const std::string yaml = "rigging_yaml_test.yaml";
  const std::string json = "rigging_yaml_test.json";
  {
    std::ofstream(yaml) << "layer:\n  yaml: yaml\n  both: yaml\n  all: yaml\n";
    std::ofstream(json) << R"({"layer": {"both": "json", "all": "json"}})";
  }
  ::setenv("APP_CONFIG_layer_all", "env", 1);
  std::vector<std::string> got;
  auto backend = createBackend();
  backend.add(rootConfigServiceFactory({.files = {yaml, json}, .formats = {yamlConfigFormat()}}));
  backend.add(createBackendPlugin("p", [&](PluginRegistrationPoints& env) {
    env.registerInit(deps(coreServices::rootConfig), [&](RootConfigService& config) {
      for (const char* key : {"layer.yaml", "layer.both", "layer.all"}) got.push_back(config.getString(key));
    });
  }));
  backend.start();
  ::unsetenv("APP_CONFIG_layer_all");
  std::remove(yaml.c_str());
  std::remove(json.c_str());
  CHECK(got == std::vector<std::string>{"yaml", "json", "env"});
}

TEST_CASE("yaml config: a bad YAML file fails start-up naming the file and the line", "[config][yaml]") {
  const std::string path = "rigging_yaml_bad_test.yml";
  std::ofstream(path) << "backend:\n  port: [7007\n";
  auto backend = createBackend();
  backend.add(
      rootConfigServiceFactory({.files = {path}, .formats = {yamlConfigFormat()}, .environment = false}));
  try {
    backend.start();
    FAIL("start() did not throw");
  } catch (const ServiceFactoryError& error) {
    CHECK(error.serviceId() == "core.rootConfig");
    CHECK_THAT(error.what(),
               Catch::EndsWith("Invalid YAML in 'rigging_yaml_bad_test.yml' at line 3, column 1: "
                               "end of sequence flow not found"));
  }
  std::remove(path.c_str());
}
