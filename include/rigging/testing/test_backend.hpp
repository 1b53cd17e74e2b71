// SPDX-License-Identifier: Apache-2.0
// Copyright The rigging Authors
// startTestBackend: a started backend for a test, with a mock for every core service (Backstage's
// `startTestBackend` of @backstage/backend-test-utils).
//
// Around the features under test it adds what a test needs and a real backend would not have: an empty plugin
// for every plugin id that has modules but no plugin (so those modules run), and a module that registers each
// tested extension point in the plugin of the module that consumes it.
#pragma once

#include <rigging/backend.hpp>
#include <rigging/errors.hpp>
#include <rigging/extension_point.hpp>
#include <rigging/feature_loader.hpp>
#include <rigging/module.hpp>
#include <rigging/plugin.hpp>
#include <rigging/testing/mock_services.hpp>

#include <algorithm>
#include <cstddef>
#include <cstdio>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

namespace rigging {

/// An implementation of an extension point for startTestBackend: `{ref, impl}`, where `impl` is a
/// std::shared_ptr to (or a value of) the extension point's type or a class derived from it.
class TestExtensionPoint {
 public:
  template <class T, class Impl>
  TestExtensionPoint(const ExtensionPoint<T>& ref,
                     std::shared_ptr<Impl> impl)  // NOLINT(google-explicit-constructor)
      : id_(ref.id()), register_([ref, impl = std::move(impl)](ModuleRegistrationPoints& env) {
          env.registerExtensionPoint(ref, impl);
        }) {}
  template <class T, class Impl>
    requires std::is_convertible_v<Impl*, T*> TestExtensionPoint(
        const ExtensionPoint<T>& ref, Impl impl)  // NOLINT(google-explicit-constructor)
        : TestExtensionPoint(ref, std::make_shared<Impl>(std::move(impl))) {}

    [[nodiscard]] const std::string& id() const noexcept { return id_; }
    void registerIn(ModuleRegistrationPoints& env) const { register_(env); }

   private:
    std::string id_;
    std::function<void(ModuleRegistrationPoints&)> register_;
};

/// What startTestBackend starts: `{.features = {...}, .extensionPoints = {{ref, impl}, ...}}`.
struct TestBackendOptions {
  /// Plugins, modules, feature loaders, and service factories or decorators; a factory replaces the mock of
  /// its service.
  std::vector<BackendFeature> features{};
  /// Extension points to provide to the tested modules, each bound to the plugin of the module that uses it.
  std::vector<TestExtensionPoint> extensionPoints{};
};

namespace detail {
// How a missing dependency's message ends in a test backend.
inline constexpr std::string_view test_backend_advice =
    ". Add a factory for it to the test backend's features: startTestBackend({.features = "
    "{createServiceFactory(...)}})";
}  // namespace detail

/// A started backend owned by a test. It stops when it goes out of scope; call stop() to see a failure to
/// stop as an exception, since a destructor can only print it.
class TestBackend {
 public:
  /// `log` shares its records with the backend's default root logger (a feature may have replaced it).
  explicit TestBackend(Backend backend, mockServices::rootLogger log = mockServices::rootLogger())
      : backend_(std::move(backend)), log_(std::move(log)) {}
  TestBackend(TestBackend&& other) noexcept
      : backend_(std::move(other.backend_)),
        log_(std::move(other.log_)),
        stopped_(std::exchange(other.stopped_, true)) {}
  TestBackend& operator=(TestBackend&&) = delete;
  TestBackend(const TestBackend&) = delete;
  TestBackend& operator=(const TestBackend&) = delete;

  /// Stops the backend if it is still running. A failure to stop (a lifecycle hook that threw) cannot be
  /// thrown from here, so it is printed to standard error as one line starting "rigging: Failed to stop the
  /// test backend".
  ~TestBackend() {
    if (auto failure = stopAndDescribe()) std::fprintf(stderr, "rigging: %s\n", failure->c_str());
  }

  /// Stops the backend now (shutdown hooks, then every instance destroyed); idempotent. Throws Error with
  /// ErrorCode::stop_failed when a lifecycle hook threw, naming each failure the mock root logger saw.
  void stop() {
    if (auto failure = stopAndDescribe()) throw Error(ErrorCode::stop_failed, *failure);
  }

  /// The instance of `ref` for plugin `pluginId` (ignored for root services), created if no plugin needed it
  /// yet. Throws ValidationError when the backend has no factory for it, BackendStateError after stop().
  template <class Ref>
  requires detail::is_service_ref<Ref>::value typename Ref::injected_type getService(
      const Ref& ref, std::string_view pluginId = "test") {
    if (stopped_) throw BackendStateError("The test backend has stopped; get services from it before stop()");
    return detail::resolveForTest(backend_.engine(), ref, pluginId, "this test backend",
                                  detail::test_backend_advice);
  }

  /// The result of start(): every plugin and module with its status.
  [[nodiscard]] const StartupResult& startupResult() const { return backend_.startupResult(); }
  /// The backend's graph, with the added test plugins and modules.
  [[nodiscard]] BackendGraph graph() { return backend_.graph(); }
  /// The backend itself.
  [[nodiscard]] Backend& backend() noexcept { return backend_; }

 private:
  // Stops once; returns what went wrong, if anything. The mock root logger's error lines written while
  // stopping say which hooks failed (none are seen when a feature replaced the root logger; no RTTI is
  // needed).
  std::optional<std::string> stopAndDescribe() noexcept {
    if (std::exchange(stopped_, true)) return std::nullopt;
    std::string details;
    try {
      const std::size_t before = log_.records().size();
      if (backend_.stop()) return std::nullopt;
      const auto records = log_.records();
      for (std::size_t i = before; i < records.size(); ++i) {
        if (records[i].level != LogLevel::error) continue;
        details += (details.empty() ? "" : "; ") + records[i].message;
      }
    } catch (...) {
      details.clear();  // no details then
    }
    if (details.empty())
      details = "a lifecycle hook or lifecycle service failed; see the root logger's output";
    return "Failed to stop the test backend: " + details;
  }

  Backend backend_;
  mockServices::rootLogger log_;
  bool stopped_ = false;
};

namespace detail {

// Plugin ids, each once, in the order first seen.
inline void addOnce(std::vector<std::string>& ids, std::string_view id) {
  if (std::find(ids.begin(), ids.end(), id) == ids.end()) ids.emplace_back(id);
}

/// Modules that register the tested extension points, one per plugin whose modules consume them. Which module
/// consumes what is read, as Backstage does, by running each module's register callback once more on its own.
inline std::vector<BackendModule> extensionPointModules(const std::vector<BackendFeature>& features,
                                                        const std::vector<TestExtensionPoint>& points) {
  std::vector<std::string> pluginIds;
  std::vector<std::vector<const TestExtensionPoint*>> byPlugin;
  std::vector<char> bound(points.size(), 0);
  for (const auto& feature : features) {
    if (feature.kind() != BackendFeature::Kind::module) continue;
    ModuleRegistrationPoints env;
    try {
      feature.module()->registerFn(env);
    } catch (...) {
      continue;  // the backend reports it when it registers the module
    }
    if (const detail::InitImpl* init = env.init()) {
      for (const auto& dep : init->deps()) {
        for (std::size_t i = 0; i < points.size(); ++i) {
          if (bound[i] || !dep->extensionPoint || dep->id != points[i].id()) continue;
          bound[i] = 1;
          const std::string& pluginId = feature.module()->pluginId;
          const auto at = std::find(pluginIds.begin(), pluginIds.end(), pluginId) - pluginIds.begin();
          if (static_cast<std::size_t>(at) == pluginIds.size()) {
            pluginIds.push_back(pluginId);
            byPlugin.emplace_back();
          }
          byPlugin[static_cast<std::size_t>(at)].push_back(&points[i]);
        }
      }
    }
  }
  std::vector<Problem> problems;
  for (std::size_t i = 0; i < points.size(); ++i) {
    if (bound[i]) continue;
    problems.push_back(
        Problem{Problem::Kind::extension_point_misuse,
                {points[i].id()},
                {},
                "Extension point '" + points[i].id() +
                    "' given to startTestBackend is not used by any tested module, so its plugin "
                    "is unknown; add a module that depends on it to .features, or remove it"});
  }
  if (!problems.empty()) throw ValidationError(std::move(problems));
  std::vector<BackendModule> modules;
  for (std::size_t p = 0; p < pluginIds.size(); ++p) {
    modules.push_back(createBackendModule(pluginIds[p], "test-extension-point-registration",
                                          [points = byPlugin[p]](ModuleRegistrationPoints& env) {
                                            for (const auto* point : points) point->registerIn(env);
                                            env.registerInit(deps(), [] {});
                                          }));
  }
  return modules;
}

/// An empty plugin for every plugin id that has modules but no plugin among `features`.
inline std::vector<BackendPlugin> pluginsForOrphanModules(const std::vector<BackendFeature>& features) {
  std::vector<std::string> plugins, orphans;
  for (const auto& feature : features) {
    if (feature.kind() == BackendFeature::Kind::plugin) addOnce(plugins, feature.plugin()->id);
  }
  for (const auto& feature : features) {
    if (feature.kind() != BackendFeature::Kind::module) continue;
    const std::string& id = feature.module()->pluginId;
    if (std::find(plugins.begin(), plugins.end(), id) == plugins.end()) addOnce(orphans, id);
  }
  std::vector<BackendPlugin> out;
  for (const auto& id : orphans) {
    out.push_back(
        createBackendPlugin(id, [](PluginRegistrationPoints& env) { env.registerInit(deps(), [] {}); }));
  }
  return out;
}

}  // namespace detail

/// Starts a backend for a test: `startTestBackend({.features = {myPlugin, myModule}})`.
///
/// Every core service is a mock (`mockServices::<name>::factory()`); a service factory among the features
/// replaces the mock of its service. A plugin id that has modules but no plugin among the features gets an
/// empty plugin, so its modules run. Each of `.extensionPoints` is registered, by an added module
/// 'test-extension-point-registration', in the plugin of the first tested module that depends on it; one that
/// no tested module depends on is a ValidationError saying so. (Modules that feature loaders add are not
/// seen.) Throws what Backend::start() throws. The backend stops when the result goes out of scope; a test
/// that only needs the start may discard it (as Backstage tests often do), and the backend stops at once.
inline TestBackend startTestBackend(TestBackendOptions options) {
  std::vector<BackendFeature> features = std::move(options.features);
  const auto modules = detail::extensionPointModules(features, options.extensionPoints);
  const auto plugins = detail::pluginsForOrphanModules(features);
  const mockServices::rootLogger log;
  Backend backend = detail::backendForTest(features, detail::test_backend_advice, log);
  for (const auto& module : modules) backend.add(module);
  for (const auto& plugin : plugins) backend.add(plugin);
  backend.start();
  return TestBackend(std::move(backend), log);
}

}  // namespace rigging
