// SPDX-License-Identifier: Apache-2.0
// Copyright The rigging Authors
// How a plugin author tests a plugin, a module and a service factory with GoogleTest (Debian's googletest;
// CMake: find_package(GTest), link GTest::gtest_main). The same tests with Catch2: examples/testing_catch2.
#include "../testing_plugin/greetings.hpp"

#include <rigging/testing.hpp>

#include <gtest/gtest.h>

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

TEST(GreetingsPlugin, GreetsEveryNameItsModulesAdd) {
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
  EXPECT_EQ(greetings, (std::vector<std::string>{"Hello, Ada!", "Hello, Linus!"}));
  backend.stop();  // throws if a shutdown hook failed
}

TEST(TeamModule, AddsTheConfiguredNames) {
  auto names = std::make_shared<RecordedNames>();
  auto backend = startTestBackend(
      {.features = {teamModule,
                    mockServices::rootConfig::factory(
                        {.data = ConfigObject{{"greetings", ConfigObject{{"team", ConfigArray{"Grace"}}}}}})},
       .extensionPoints = {{namesExtensionPoint, names}}});
  EXPECT_EQ(names->names, std::vector<std::string>{"Grace"});
}

TEST(SalutationFactory, ReadsTheSalutationFromConfig) {
  auto tester = ServiceFactoryTester::from(
      salutationFactory, {.dependencies = {mockServices::rootConfig::factory(
                              {.data = ConfigObject{{"greetings", ConfigObject{{"salutation", "Ahoy"}}}}})}});
  EXPECT_EQ(tester.getSubject().greet("Grace"), "Ahoy, Grace!");
  EXPECT_EQ(ServiceFactoryTester::from(salutationFactory).getSubject("other").greet("Ada"), "Hello, Ada!");
}
