// SPDX-License-Identifier: Apache-2.0
// Tests of BackendFeature: every feature kind is one, and a feature keeps its callables alive, no longer.
#include "support/catch.hpp"
#include "support/services.hpp"

#include <rigging/backend.hpp>
#include <rigging/backend_feature.hpp>
#include <rigging/create_backend.hpp>
#include <rigging/feature_loader.hpp>
#include <rigging/module.hpp>
#include <rigging/plugin.hpp>
#include <rigging/service_decorator.hpp>
#include <rigging/service_factory.hpp>

#include <memory>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

using namespace rigging;
using namespace rigging::test;

namespace {

const auto featureWordRef = createServiceRef<Named, RootScope>("feature.word");
const auto featureNameRef = createServiceRef<Named>("feature.name");

// Which of the four accessors are set.
std::string setAccessors(const BackendFeature& feature) {
  std::string out;
  if (feature.factory()) out += 'f';
  if (feature.plugin()) out += 'p';
  if (feature.module()) out += 'm';
  if (feature.loader()) out += 'l';
  return out;
}

}  // namespace

TEST_CASE("backend feature: factories, decorators, plugins, modules and loaders are features",
          "[backend_feature]") {
  STATIC_REQUIRE(std::is_base_of_v<BackendFeature, ServiceFactory<Named, RootScope, Singleton>>);
  STATIC_REQUIRE(std::is_base_of_v<BackendFeature, ServiceDecorator<Named, RootScope>>);
  STATIC_REQUIRE(std::is_base_of_v<BackendFeature, BackendPlugin>);
  STATIC_REQUIRE(std::is_base_of_v<BackendFeature, BackendModule>);
  STATIC_REQUIRE(std::is_base_of_v<BackendFeature, BackendFeatureLoader>);

  const auto factory = createServiceFactory(featureWordRef, deps(), [] { return Named("w"); });
  const auto decorator =
      createServiceDecorator(featureWordRef, deps(), [](Named& inner) { return Named(inner.name + "!"); });
  const auto plugin = createBackendPlugin("p", [](PluginRegistrationPoints&) {});
  const auto module = createBackendModule("p", "m", [](ModuleRegistrationPoints&) {});
  const auto loader = createBackendFeatureLoader(deps(), [] { return std::vector<BackendFeature>{}; });

  const std::vector<BackendFeature> features{factory, decorator, plugin, module, loader};
  CHECK(features[0].kind() == BackendFeature::Kind::service_factory);
  CHECK(features[1].kind() == BackendFeature::Kind::service_factory);
  CHECK(features[2].kind() == BackendFeature::Kind::plugin);
  CHECK(features[3].kind() == BackendFeature::Kind::module);
  CHECK(features[4].kind() == BackendFeature::Kind::loader);
  // Only the accessor of its kind is set, and it is the very object the typed feature holds.
  CHECK(setAccessors(features[0]) == "f");
  CHECK(setAccessors(features[1]) == "f");
  CHECK(setAccessors(features[2]) == "p");
  CHECK(setAccessors(features[3]) == "m");
  CHECK(setAccessors(features[4]) == "l");
  CHECK(features[0].factory() == factory.impl());
  CHECK(features[1].factory() == decorator.impl());
  CHECK(features[2].plugin() == plugin.impl());
  CHECK(features[3].module() == module.impl());
  CHECK(features[4].loader() == loader.impl());
  CHECK(features[1].factory()->kind() == detail::FactoryImpl::Kind::decorator);
}

TEST_CASE("backend feature: copies, moves and assignments keep the kind and share the description",
          "[backend_feature]") {
  const auto plugin = createBackendPlugin("p", [](PluginRegistrationPoints&) {});
  const auto factory = createServiceFactory(featureWordRef, deps(), [] { return Named("w"); });
  // Owners of a description besides the feature that made it (impl() returns one more copy, itself an owner).
  auto others = [](const auto& feature) { return feature.impl().use_count() - 2; };

  BackendFeature copy = plugin;
  CHECK(copy.kind() == BackendFeature::Kind::plugin);
  CHECK(copy.plugin() == plugin.impl());
  CHECK(others(plugin) == 1);

  BackendFeature moved = std::move(copy);
  CHECK(moved.plugin() == plugin.impl());
  CHECK(others(plugin) == 1);

  moved = factory;  // another kind: the plugin is released
  CHECK(moved.kind() == BackendFeature::Kind::service_factory);
  CHECK(moved.factory() == factory.impl());
  CHECK_FALSE(moved.plugin());
  CHECK(others(plugin) == 0);

  BackendFeature other = plugin;
  moved = std::move(other);
  CHECK(moved.kind() == BackendFeature::Kind::plugin);
  CHECK(others(factory) == 0);
  CHECK(others(plugin) == 1);  // `moved`; the moved-from `other` holds nothing
  CHECK(other.kind() == BackendFeature::Kind::plugin);
  CHECK_FALSE(other.plugin());
}

TEST_CASE(
    "backend feature: a feature keeps what its callables capture alive, and releases it with the last copy",
    "[backend_feature]") {
  auto token = std::make_shared<int>(7);
  const std::weak_ptr<int> watch = token;
  {
    std::vector<BackendFeature> features;
    features.push_back(
        createServiceFactory(featureWordRef, deps(), [token] { return Named(std::to_string(*token)); }));
    features.push_back(createServiceFactory(
        featureNameRef, deps(),
        rootContext(deps(featureWordRef), [token](Named& w) { return Named(w.name); }),
        [token](Named& context) { return Named(context.name + std::to_string(*token)); }));
    features.push_back(createServiceDecorator(featureWordRef, deps(),
                                              [token](Named& inner) { return Named(inner.name + "+"); }));
    features.push_back(createBackendPlugin("p", [token](PluginRegistrationPoints& env) {
      env.registerInit(deps(featureNameRef), [token](Named&) {});
    }));
    features.push_back(createBackendModule(
        "p", "m", [token](ModuleRegistrationPoints& env) { env.registerInit(deps(), [token] {}); }));
    features.push_back(createBackendFeatureLoader(deps(), [token] { return std::vector<BackendFeature>{}; }));
    token.reset();
    CHECK_FALSE(watch.expired());

    auto backend = createBackend();
    for (const auto& feature : features) backend.add(feature);
    backend.start();
    backend.stop();
    CHECK_FALSE(watch.expired());
  }
  CHECK(watch.expired());
}

TEST_CASE("backend feature: captured state is what the backend's calls see", "[backend_feature]") {
  std::string seen;
  const std::string suffix = "-suffix";
  auto backend = createBackend();
  backend.add(createServiceFactory(featureWordRef, deps(), [suffix] { return Named("word" + suffix); }));
  backend.add(createBackendPlugin("p", [suffix, &seen](PluginRegistrationPoints& env) {
    env.registerInit(deps(featureWordRef), [suffix, &seen](Named& word) { seen = word.name + suffix; });
  }));
  backend.start();
  CHECK(seen == "word-suffix-suffix");
}

TEST_CASE("backend feature: adding a moved-from feature is an error that says so, for every kind",
          "[backend_feature]") {
  auto factory = createServiceFactory(featureWordRef, deps(), [] { return Named{"w"}; });
  auto plugin =
      createBackendPlugin("moved", [](PluginRegistrationPoints& env) { env.registerInit(deps(), [] {}); });
  BackendFeature takenFactory = std::move(factory);
  BackendFeature takenPlugin = std::move(plugin);
  for (const BackendFeature* empty :
       {static_cast<const BackendFeature*>(&factory), static_cast<const BackendFeature*>(&plugin)}) {
    auto backend = createBackend();
    try {
      backend.add(*empty);
      FAIL("add must throw");
    } catch (const Error& e) {
      CHECK(e.code() == ErrorCode::invalid_registration);
      CHECK_THAT(e.what(), Catch::Contains("was given an empty feature (one that was moved from); add the "
                                           "feature itself"));
    }
    backend.add(takenFactory);  // the backend is still usable
    backend.add(takenPlugin);
  }
}
