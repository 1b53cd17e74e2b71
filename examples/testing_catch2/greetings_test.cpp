// SPDX-License-Identifier: Apache-2.0
// Copyright The rigging Authors
// How a plugin author tests a plugin, a module and a service factory with Catch2 (Debian's catch2; CMake:
// find_package(Catch2), link Catch2::Catch2WithMain). The same tests with GoogleTest: examples/testing_gtest.
#include "../testing_plugin/greetings.hpp"

#include <rigging/testing.hpp>

#include <catch2/catch.hpp>

#include <memory>
#include <string>
#include <vector>

using namespace rigging;
using namespace greetings;

namespace {

// A stand-in for the plugin's extension point, to test a module without its plugin.
struct RecordedNames final : NameList {
  void add(std::string name) override { names.push_back(std::move(name)); }
  std::vector<std::string> names;
};

}  // namespace

TEST_CASE("greetings plugin: greets every name its modules add") {
  mockServices::rootLogger logger;
  auto backend = startTestBackend(
      {.features = {
           greetingsPlugin, teamModule, salutationFactory, mockServices::rootLogger::factory(logger),
           mockServices::rootConfig::factory(
               {.data = ConfigObject{{"greetings", ConfigObject{{"team", ConfigArray{"Ada", "Linus"}}}}}})}});
  std::vector<std::string> greetings;
  for (const auto& record : logger.records()) {
    if (record.field("plugin") == "greetings") greetings.push_back(record.message);
  }
  CHECK(greetings == std::vector<std::string>{"Hello, Ada!", "Hello, Linus!"});
  backend.stop();  // throws if a shutdown hook failed
}

TEST_CASE("team module: adds the configured names") {
  auto names = std::make_shared<RecordedNames>();
  auto backend = startTestBackend(
      {.features = {teamModule,
                    mockServices::rootConfig::factory(
                        {.data = ConfigObject{{"greetings", ConfigObject{{"team", ConfigArray{"Grace"}}}}}})},
       .extensionPoints = {{namesExtensionPoint, names}}});
  CHECK(names->names == std::vector<std::string>{"Grace"});
}

TEST_CASE("salutation factory: reads the salutation from config") {
  auto tester = ServiceFactoryTester::from(
      salutationFactory, {.dependencies = {mockServices::rootConfig::factory(
                              {.data = ConfigObject{{"greetings", ConfigObject{{"salutation", "Ahoy"}}}}})}});
  CHECK(tester.getSubject().greet("Grace") == "Ahoy, Grace!");
  CHECK(ServiceFactoryTester::from(salutationFactory).getSubject("other").greet("Ada") == "Hello, Ada!");
}
