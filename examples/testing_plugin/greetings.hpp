// SPDX-License-Identifier: Apache-2.0
// Copyright The rigging Authors
// The plugin that examples/testing_gtest and examples/testing_catch2 test: 'greetings' greets every name its
// modules add through its extension point, with the salutation a service reads from configuration.
#pragma once

#include <rigging/rigging.hpp>

#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace greetings {

using namespace rigging;

/// The extension point: modules add names to greet.
struct NameList {
  virtual ~NameList() = default;
  virtual void add(std::string name) = 0;
};
inline const auto namesExtensionPoint = createExtensionPoint<NameList>("greetings.names");

/// A service that greets one name.
struct Salutation {
  virtual ~Salutation() = default;
  [[nodiscard]] virtual std::string greet(std::string_view name) const = 0;
};
inline const auto salutationRef = createServiceRef<Salutation>("greetings.salutation");

struct ConfiguredSalutation final : Salutation {
  explicit ConfiguredSalutation(std::string word) : word_(std::move(word)) {}
  [[nodiscard]] std::string greet(std::string_view name) const override {
    return word_ + ", " + std::string(name) + "!";
  }

 private:
  std::string word_;
};

/// `greetings.salutation` from configuration, "Hello" when absent.
inline const auto salutationFactory =
    createServiceFactory(salutationRef, deps(coreServices::rootConfig), [](RootConfigService& config) {
      return std::make_unique<ConfiguredSalutation>(
          config.getOptionalString("greetings.salutation").value_or("Hello"));
    });

struct Names final : NameList {
  void add(std::string name) override { all.push_back(std::move(name)); }
  std::vector<std::string> all;
};

/// Logs one greeting per name, at start.
inline const auto greetingsPlugin = createBackendPlugin("greetings", [](PluginRegistrationPoints& env) {
  auto names = std::make_shared<Names>();
  env.registerExtensionPoint(namesExtensionPoint, names);
  env.registerInit(deps(coreServices::logger, salutationRef),
                   [names](LoggerService& logger, Salutation& salutation) {
                     for (const auto& name : names->all)
                       logger.info({{"name", name}}, "{}", salutation.greet(name));
                   });
});

/// Adds the names listed in `greetings.team`.
inline const auto teamModule = createBackendModule("greetings", "team", [](ModuleRegistrationPoints& env) {
  env.registerInit(deps(namesExtensionPoint, coreServices::rootConfig), [](NameList& names,
                                                                           RootConfigService& config) {
    for (auto& name : config.getOptionalStringArray("greetings.team").value_or(std::vector<std::string>{})) {
      names.add(std::move(name));
    }
  });
});

}  // namespace greetings
