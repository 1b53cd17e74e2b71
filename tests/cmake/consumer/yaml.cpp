// SPDX-License-Identifier: Apache-2.0
// Copyright The rigging Authors
// Uses the installed optional YAML header through the rigging::yaml target; run after it is built.
#include <rigging/config_yaml.hpp>
#include <rigging/rigging.hpp>

#include <cstdio>

int main() {
  const rigging::ConfigReader config(rigging::parseYamlConfig("backend:\n  listen:\n    port: 7007\n"));
  std::printf("rigging_consumer_yaml: port %g\n", config.getNumber("backend.listen.port"));
  return config.getNumber("backend.listen.port") == 7007 ? 0 : 1;
}
