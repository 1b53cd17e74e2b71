// SPDX-License-Identifier: Apache-2.0
// Copyright The rigging Authors
// `mockServices::<name>`: a ready fake of every core service but core.pluginMetadata (which is built in), and
// a service factory for each (Backstage's `mockServices` of @backstage/backend-test-utils).
//
// Each mock is a small handle: copies share one state, so a test keeps one copy to inspect and hands another
// to a backend with `mockServices::<name>::factory(instance)`. `::factory()` and `::factory(options)` make a
// fresh fake for each backend instead. Nothing here calls a test framework: inspect the fakes with your own
// asserts.
#pragma once

#include <rigging/core_services.hpp>
#include <rigging/create_backend.hpp>
#include <rigging/defaults/lifecycle.hpp>
#include <rigging/defaults/root_config.hpp>
#include <rigging/deps.hpp>
#include <rigging/detail/engine.hpp>
#include <rigging/errors.hpp>
#include <rigging/service_factory.hpp>

#include <atomic>
#include <cstddef>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

namespace rigging {

/// One record captured by a mock logger.
struct LogRecord {
  LogLevel level;
  std::string message;
  LogFields fields;  ///< the logger's own fields (a plugin logger's `plugin` first), then the call's

  /// The value of field `key` (the last one if repeated), or nullopt.
  [[nodiscard]] std::optional<std::string> field(std::string_view key) const {
    std::optional<std::string> value;
    for (const auto& [name, text] : fields) {
      if (name == key) value = text;
    }
    return value;
  }
};

/// One lifecycle hook that threw, as a mock lifecycle records it.
struct HookFailure {
  std::string phase;    ///< "startup", "before-shutdown" or "shutdown"
  std::string label;    ///< the hook's label; empty if it had none
  std::string message;  ///< what the exception said
  std::exception_ptr error;
};

namespace detail {

/// What a mock logger and all its children share.
struct LogCapture {
  explicit LogCapture(LogLevel captured) : level(captured) {}
  LogLevel level;
  std::mutex mutex;
  std::vector<LogRecord> records;
};

template <class Base>
class CapturingLogger : public Base {
 public:
  void log(LogLevel level, std::string_view message, const LogFields& fields) override {
    if (!enabled(level)) return;
    LogRecord record{level, std::string(message), fields_};
    record.fields.insert(record.fields.end(), fields.begin(), fields.end());
    const std::lock_guard lock(capture_->mutex);
    capture_->records.push_back(std::move(record));
  }
  [[nodiscard]] bool enabled(LogLevel level) const noexcept override { return level <= capture_->level; }
  [[nodiscard]] std::shared_ptr<LoggerService> child(LogFields fields) override {
    LogFields merged = fields_;
    merged.insert(merged.end(), std::make_move_iterator(fields.begin()),
                  std::make_move_iterator(fields.end()));
    return std::make_shared<CapturingLogger<LoggerService>>(capture_, std::move(merged));
  }

  /// Every record written through this logger, its copies and its children (at any depth), in order.
  [[nodiscard]] std::vector<LogRecord> records() const {
    const std::lock_guard lock(capture_->mutex);
    return capture_->records;
  }
  /// Forgets the records captured so far.
  void clear() {
    const std::lock_guard lock(capture_->mutex);
    capture_->records.clear();
  }

  CapturingLogger(std::shared_ptr<LogCapture> capture, LogFields fields)
      : capture_(std::move(capture)), fields_(std::move(fields)) {}

 private:
  std::shared_ptr<LogCapture> capture_;
  LogFields fields_;
};

/// A factory whose every instance is a copy of `instance` (mocks are handles, so copies share its state).
template <class Ref, class Mock>
auto providing(const Ref& ref, const Mock& instance) {
  return createServiceFactory(ref, deps(), [instance] { return instance; });
}

struct ConfigSubscriber {
  explicit ConfigSubscriber(std::function<void()> callback) : fn(std::move(callback)) {}
  std::function<void()> fn;
  std::atomic<bool> active{true};
};

struct MockConfigState {
  std::mutex mutex;
  ConfigValue data;
  std::shared_ptr<const ConfigReader> reader;
  std::vector<std::shared_ptr<ConfigSubscriber>> subscribers;
};

/// Whether two configuration trees hold the same values, object keys in the same order.
inline bool sameConfig(const ConfigValue& a, const ConfigValue& b) {
  if (a.typeName() != b.typeName()) return false;
  if (const bool* x = a.asBoolean()) {
    const bool* y = b.asBoolean();
    return y != nullptr && *x == *y;
  }
  if (const double* x = a.asNumber()) {
    const double* y = b.asNumber();
    return y != nullptr && !(*x < *y || *y < *x);
  }
  if (const std::string* x = a.asString()) {
    const std::string* y = b.asString();
    return y != nullptr && *x == *y;
  }
  if (const ConfigArray* x = a.asArray()) {
    const ConfigArray* y = b.asArray();
    if (y == nullptr || x->size() != y->size()) return false;
    for (std::size_t i = 0; i < x->size(); ++i) {
      if (!sameConfig((*x)[i], (*y)[i])) return false;
    }
    return true;
  }
  if (const ConfigObject* x = a.asObject()) {
    const ConfigObject* y = b.asObject();
    if (y == nullptr || x->size() != y->size()) return false;
    for (std::size_t i = 0; i < x->size(); ++i) {
      if ((*x)[i].first != (*y)[i].first || !sameConfig((*x)[i].second, (*y)[i].second)) return false;
    }
    return true;
  }
  return true;  // both null
}

inline std::shared_ptr<const ConfigReader> currentReader(MockConfigState& state) {
  const std::lock_guard lock(state.mutex);
  return state.reader;
}

inline ConfigSubscription subscribeMock(const std::shared_ptr<MockConfigState>& state,
                                        std::function<void()> onChange) {
  auto subscriber = std::make_shared<ConfigSubscriber>(std::move(onChange));
  {
    const std::lock_guard lock(state->mutex);
    state->subscribers.push_back(subscriber);
  }
  return ConfigSubscription([weak = std::weak_ptr(state), subscriber]() noexcept {
    subscriber->active = false;
    if (const auto locked = weak.lock()) {
      const std::lock_guard lock(locked->mutex);
      std::erase(locked->subscribers, subscriber);
    }
  });
}

/// What mockServices::rootConfig's getConfig returns: the object at `path` of whatever data the mock holds at
/// each call (as Backstage's config proxy), and subscribe() follows every update of the mock. An object that
/// an update removed reads as empty.
class MockSubConfig final : public RootConfigService {
 public:
  MockSubConfig(std::shared_ptr<MockConfigState> state, std::string path)
      : state_(std::move(state)), path_(std::move(path)) {}

  [[nodiscard]] ConfigSubscription subscribe(std::function<void()> onChange) const override {
    return subscribeMock(state_, std::move(onChange));
  }
  [[nodiscard]] bool has(std::string_view key) const override {
    const auto at = current();
    return at && at->has(key);
  }
  [[nodiscard]] std::vector<std::string> keys() const override {
    const auto at = current();
    return at ? at->keys() : std::vector<std::string>{};
  }
  [[nodiscard]] std::optional<std::string> getOptionalString(std::string_view key) const override {
    const auto at = current();
    return at ? at->getOptionalString(key) : std::nullopt;
  }
  [[nodiscard]] std::optional<double> getOptionalNumber(std::string_view key) const override {
    const auto at = current();
    return at ? at->getOptionalNumber(key) : std::nullopt;
  }
  [[nodiscard]] std::optional<bool> getOptionalBoolean(std::string_view key) const override {
    const auto at = current();
    return at ? at->getOptionalBoolean(key) : std::nullopt;
  }
  [[nodiscard]] std::optional<std::vector<std::string>> getOptionalStringArray(
      std::string_view key) const override {
    const auto at = current();
    return at ? at->getOptionalStringArray(key) : std::nullopt;
  }
  [[nodiscard]] std::shared_ptr<const RootConfigService> getOptionalConfig(
      std::string_view key) const override {
    const auto at = current();
    if (!at || !at->getOptionalConfig(key)) return nullptr;
    return std::make_shared<const MockSubConfig>(state_, path_ + "." + std::string(key));
  }
  [[nodiscard]] std::optional<std::vector<std::shared_ptr<const RootConfigService>>> getOptionalConfigArray(
      std::string_view key) const override {
    const auto at = current();
    return at ? at->getOptionalConfigArray(key) : std::nullopt;
  }

 protected:
  [[noreturn]] void missing(std::string_view key) const override {
    const std::string full = path_ + "." + std::string(key);
    throw ConfigError("Missing required config value at '" + full + "' in 'mock-config'", full);
  }

 private:
  [[nodiscard]] std::shared_ptr<const RootConfigService> current() const {
    return currentReader(*state_)->getOptionalConfig(path_);
  }

  std::shared_ptr<MockConfigState> state_;
  std::string path_;
};

/// What a mock lifecycle and its copies share: the hooks of each phase, and the failures seen.
struct MockLifecycleState {
  explicit MockLifecycleState(std::string hookOwner, HookFailureHandler forward = {})
      : owner(std::move(hookOwner)), report(std::move(forward)) {}

  std::size_t run(HookList& hooks) {
    return hooks.run(owner, [this](std::string_view where, std::string_view phase, std::string_view label,
                                   std::exception_ptr error) {
      {
        const std::lock_guard lock(mutex);
        failures.push_back({std::string(phase), std::string(label), describe(error), error});
      }
      if (report) report(where, phase, label, error);
    });
  }

  std::string owner;
  HookFailureHandler report;  // a mock made by ::factory() also logs failures, as the default lifecycle does
  std::mutex mutex;
  std::vector<HookFailure> failures;
  HookList startup{"startup"};
  HookList beforeShutdown{"before-shutdown"};
  HookList shutdown{"shutdown"};
  std::atomic<bool> everyPlugin{false};  // given to mockServices::lifecycle::factory(instance)
};

}  // namespace detail

namespace mockServices {

/// A fake `core.rootInstanceMetadata` listing the plugins you give it, in place of the built-in list: add its
/// factory to a backend, or give it to startTestBackend or ServiceFactoryTester.
class rootInstanceMetadata final : public RootInstanceMetadataService {
 public:
  /// What `factory(...)` returns.
  using Factory = ServiceFactory<RootInstanceMetadataService, RootScope, Singleton>;

  struct Options {
    std::vector<InstalledPlugin> plugins;
  };

  rootInstanceMetadata() = default;
  explicit rootInstanceMetadata(Options options) : plugins_(std::move(options.plugins)) {}

  [[nodiscard]] const std::vector<InstalledPlugin>& getInstalledPlugins() const noexcept override {
    return plugins_;
  }

  [[nodiscard]] static Factory factory() { return factory(Options{}); }
  [[nodiscard]] static Factory factory(Options options) {
    return detail::providing(coreServices::rootInstanceMetadata, rootInstanceMetadata(std::move(options)));
  }
  [[nodiscard]] static Factory factory(const rootInstanceMetadata& instance) {
    return detail::providing(coreServices::rootInstanceMetadata, instance);
  }

 private:
  std::vector<InstalledPlugin> plugins_;
};

/// A fake `core.rootConfig` over data given in code, whose data a test can change: update() replaces it and
/// calls every subscriber once, only when the new data differs. Errors name the source 'mock-config'.
/// getConfig() follows later updates, and its subscribe() is called for every one; the elements of
/// getConfigArray() are snapshots.
class rootConfig final : public RootConfigService {
 public:
  /// What `factory(...)` returns.
  using Factory = ServiceFactory<RootConfigService, RootScope, Singleton>;

  struct Options {
    ConfigValue data = ConfigObject{};
  };

  rootConfig() : rootConfig(Options{}) {}
  explicit rootConfig(Options options) : state_(std::make_shared<detail::MockConfigState>()) {
    state_->reader = std::make_shared<const ConfigReader>(options.data, "mock-config");
    state_->data = std::move(options.data);
  }

  /// Replaces the data. If it differs from the current data, calls each subscriber once, in the order they
  /// subscribed, after the new values are readable, and returns true; otherwise does nothing and returns
  /// false.
  bool update(ConfigValue data) {
    std::vector<std::shared_ptr<detail::ConfigSubscriber>> subscribers;
    {
      const std::lock_guard lock(state_->mutex);
      if (detail::sameConfig(state_->data, data)) return false;
      state_->reader = std::make_shared<const ConfigReader>(data, "mock-config");
      state_->data = std::move(data);
      subscribers = state_->subscribers;
    }
    // Every subscriber is called even if one throws; the first exception is rethrown once all have run.
    std::exception_ptr first;
    for (const auto& subscriber : subscribers) {
      if (!subscriber->active) continue;
      try {
        subscriber->fn();
      } catch (...) {
        if (!first) first = std::current_exception();
      }
    }
    if (first) std::rethrow_exception(first);
    return true;
  }

  /// The current data.
  [[nodiscard]] ConfigValue data() const {
    const std::lock_guard lock(state_->mutex);
    return state_->data;
  }

  [[nodiscard]] ConfigSubscription subscribe(std::function<void()> onChange) const override {
    return detail::subscribeMock(state_, std::move(onChange));
  }

  [[nodiscard]] bool has(std::string_view key) const override { return reader()->has(key); }
  [[nodiscard]] std::vector<std::string> keys() const override { return reader()->keys(); }
  [[nodiscard]] std::optional<std::string> getOptionalString(std::string_view key) const override {
    return reader()->getOptionalString(key);
  }
  [[nodiscard]] std::optional<double> getOptionalNumber(std::string_view key) const override {
    return reader()->getOptionalNumber(key);
  }
  [[nodiscard]] std::optional<bool> getOptionalBoolean(std::string_view key) const override {
    return reader()->getOptionalBoolean(key);
  }
  [[nodiscard]] std::optional<std::vector<std::string>> getOptionalStringArray(
      std::string_view key) const override {
    return reader()->getOptionalStringArray(key);
  }
  [[nodiscard]] std::shared_ptr<const RootConfigService> getOptionalConfig(
      std::string_view key) const override {
    if (!reader()->getOptionalConfig(key)) return nullptr;  // absent, or an error naming the wrong type
    return std::make_shared<const detail::MockSubConfig>(state_, std::string(key));
  }
  [[nodiscard]] std::optional<std::vector<std::shared_ptr<const RootConfigService>>> getOptionalConfigArray(
      std::string_view key) const override {
    return reader()->getOptionalConfigArray(key);
  }

  [[nodiscard]] static Factory factory() { return factory(Options{}); }
  [[nodiscard]] static Factory factory(Options options) {
    return detail::providing(coreServices::rootConfig, rootConfig(std::move(options)));
  }
  [[nodiscard]] static Factory factory(const rootConfig& instance) {
    return detail::providing(coreServices::rootConfig, instance);
  }

 protected:
  [[noreturn]] void missing(std::string_view key) const override {
    throw ConfigError("Missing required config value at '" + std::string(key) + "' in 'mock-config'",
                      std::string(key));
  }

 private:
  [[nodiscard]] std::shared_ptr<const ConfigReader> reader() const { return detail::currentReader(*state_); }

  std::shared_ptr<detail::MockConfigState> state_;
};

/// A fake `core.rootLogger` that keeps every record (from it and from every logger derived from it: plugin
/// loggers are its children) with its level, message and fields, instead of writing them anywhere.
class rootLogger final : public detail::CapturingLogger<RootLoggerService> {
 public:
  /// What `factory(...)` returns.
  using Factory = ServiceFactory<RootLoggerService, RootScope, Singleton>;

  struct Options {
    LogLevel level = LogLevel::debug;  ///< the least important level kept
  };

  rootLogger() : rootLogger(Options{}) {}
  explicit rootLogger(Options options)
      : CapturingLogger(std::make_shared<detail::LogCapture>(options.level), {}) {}

  [[nodiscard]] static Factory factory() { return factory(Options{}); }
  [[nodiscard]] static Factory factory(Options options) {
    return detail::providing(coreServices::rootLogger, rootLogger(options));
  }
  [[nodiscard]] static Factory factory(const rootLogger& instance) {
    return detail::providing(coreServices::rootLogger, instance);
  }
};

/// A fake `core.logger` that keeps its records like rootLogger does.
class logger final : public detail::CapturingLogger<LoggerService> {
 public:
  /// What `factory(...)` returns.
  using Factory = ServiceFactory<LoggerService, PluginScope, Singleton>;

  struct Options {
    LogLevel level = LogLevel::debug;  ///< the least important level kept
    LogFields fields{};                ///< added to every record
  };

  logger() : logger(Options{}) {}
  explicit logger(Options options)
      : CapturingLogger(std::make_shared<detail::LogCapture>(options.level), std::move(options.fields)) {}

  /// Each plugin's logger is the root logger's child tagged `{"plugin", id}`, as in a real backend: with the
  /// mock root logger, its records hold every plugin's lines.
  [[nodiscard]] static Factory factory() { return loggerServiceFactory; }
  /// Each plugin's logger is `instance.child({{"plugin", id}})`: `instance.records()` holds every plugin's
  /// lines, each with its plugin id.
  [[nodiscard]] static Factory factory(const logger& instance) {
    return createServiceFactory(coreServices::logger, deps(coreServices::pluginMetadata),
                                [instance](PluginMetadataService& plugin) {
                                  logger parent = instance;
                                  return parent.child({{"plugin", std::string(plugin.getId())}});
                                });
  }
};

/// A fake `core.rootLifecycle`: a test fires its phases with startup(), beforeShutdown() and shutdown() (each
/// runs once, like the real one), and reads the hooks that threw from failures().
class rootLifecycle final : public RootLifecycleService {
 public:
  /// What `factory(...)` returns.
  using Factory = ServiceFactory<RootLifecycleService, RootScope, Singleton>;

  rootLifecycle() : state_(std::make_shared<detail::MockLifecycleState>("root")) {}

  void addStartupHook(LifecycleHook hook, LifecycleHookOptions options = {}) override {
    state_->startup.add(std::move(hook), std::move(options));
  }
  void addBeforeShutdownHook(LifecycleHook hook, LifecycleHookOptions options = {}) override {
    state_->beforeShutdown.add(std::move(hook), std::move(options));
  }
  void addShutdownHook(LifecycleHook hook, LifecycleHookOptions options = {}) override {
    state_->shutdown.add(std::move(hook), std::move(options));
  }
  std::size_t startup() override { return state_->run(state_->startup); }
  std::size_t beforeShutdown() override { return state_->run(state_->beforeShutdown); }
  std::size_t shutdown() override { return state_->run(state_->shutdown); }

  /// The hooks that threw so far, in the order they ran.
  [[nodiscard]] std::vector<HookFailure> failures() const {
    const std::lock_guard lock(state_->mutex);
    return state_->failures;
  }

  /// A fresh mock per backend; failures are also logged through core.rootLogger, as the default does.
  [[nodiscard]] static Factory factory() {
    return createServiceFactory(
        coreServices::rootLifecycle, deps(coreServices::rootLogger), [](RootLoggerService& log) {
          return rootLifecycle(
              std::make_shared<detail::MockLifecycleState>("root", detail::logHookFailures(log)));
        });
  }
  [[nodiscard]] static Factory factory(const rootLifecycle& instance) {
    return detail::providing(coreServices::rootLifecycle, instance);
  }

 private:
  explicit rootLifecycle(std::shared_ptr<detail::MockLifecycleState> state) : state_(std::move(state)) {}
  std::shared_ptr<detail::MockLifecycleState> state_;
};

/// A fake `core.lifecycle` of one plugin: a test fires its phases with startup() and shutdown() and reads the
/// hooks that threw from failures().
class lifecycle final : public LifecycleService {
 public:
  /// What `factory(...)` returns.
  using Factory = ServiceFactory<LifecycleService, PluginScope, Singleton>;

  struct Options {
    std::string pluginId = "test";  ///< how failures name the plugin
  };

  lifecycle() : lifecycle(Options{}) {}
  explicit lifecycle(Options options)
      : state_(std::make_shared<detail::MockLifecycleState>("plugin '" + options.pluginId + "'")) {}

  void addStartupHook(LifecycleHook hook, LifecycleHookOptions options = {}) override {
    state_->startup.add(std::move(hook), std::move(options), advice());
  }
  void addShutdownHook(LifecycleHook hook, LifecycleHookOptions options = {}) override {
    state_->shutdown.add(std::move(hook), std::move(options), advice());
  }
  std::size_t startup() override { return state_->run(state_->startup); }
  std::size_t shutdown() override { return state_->run(state_->shutdown); }

  /// The hooks that threw so far, in the order they ran.
  [[nodiscard]] std::vector<HookFailure> failures() const {
    const std::lock_guard lock(state_->mutex);
    return state_->failures;
  }

  /// A fresh mock per plugin; failures are also logged through the plugin's core.logger, as the default does.
  [[nodiscard]] static Factory factory() {
    return createServiceFactory(
        coreServices::lifecycle, deps(coreServices::logger, coreServices::pluginMetadata),
        [](LoggerService& log, PluginMetadataService& plugin) {
          return lifecycle(std::make_shared<detail::MockLifecycleState>(
              "plugin '" + std::string(plugin.getId()) + "'", detail::logHookFailures(log)));
        });
  }
  /// Every plugin gets this one instance: use it with a single plugin, since a phase runs only once.
  [[nodiscard]] static Factory factory(const lifecycle& instance) {
    instance.state_->everyPlugin = true;  // so that a second plugin's late hook is told why
    return detail::providing(coreServices::lifecycle, instance);
  }

 private:
  explicit lifecycle(std::shared_ptr<detail::MockLifecycleState> state) : state_(std::move(state)) {}

  [[nodiscard]] std::string_view advice() const noexcept {
    if (!state_->everyPlugin) return {};
    return "this mockServices::lifecycle was given to factory(instance), which hands the one instance to "
           "every "
           "plugin, and an earlier plugin's start ran the phase; use mockServices::lifecycle::factory() to "
           "give "
           "each plugin a mock of its own, or test one plugin with it";
  }
  std::shared_ptr<detail::MockLifecycleState> state_;
};

/// Every mock above: one per core service but core.pluginMetadata. Our test suite checks this list against
/// the core services, so a new core service cannot ship without its mock.
using all = std::tuple<rootInstanceMetadata, rootConfig, rootLogger, logger, rootLifecycle, lifecycle>;

}  // namespace mockServices

namespace detail {

template <class Mock>
void addMockFactory(std::vector<std::shared_ptr<const FactoryImpl>>& out,
                    const mockServices::rootLogger& log) {
  if constexpr (std::is_same_v<Mock, mockServices::rootLogger>) {
    out.push_back(Mock::factory(log).impl());
  } else if constexpr (!std::is_same_v<Mock, mockServices::rootInstanceMetadata>) {
    out.push_back(Mock::factory().impl());
  }
}

/// The default factories of startTestBackend and ServiceFactoryTester: `::factory()` of every mock, except
/// rootInstanceMetadata, whose built-in version lists what a test backend really installs. The root logger is
/// `log` (a copy, sharing its records), so the caller can read what the backend logs without a downcast.
inline std::vector<std::shared_ptr<const FactoryImpl>> mockFactories(const mockServices::rootLogger& log) {
  std::vector<std::shared_ptr<const FactoryImpl>> out;
  [&out, &log]<class... Mock>(std::tuple<Mock...>*) {
    (addMockFactory<Mock>(out, log), ...);
  }(static_cast<mockServices::all*>(nullptr));
  return out;
}

/// Whether `feature` is a factory for core.rootInstanceMetadata, which the testing utilities install in place
/// of the built-in one.
inline bool providesInstanceMetadata(const BackendFeature& feature) {
  return feature.kind() == BackendFeature::Kind::service_factory &&
         feature.factory()->kind() == FactoryImpl::Kind::factory &&
         feature.factory()->service()->id == coreServices::rootInstanceMetadata.id();
}

/// A backend with the mocks as defaults and `features` added; a factory for core.rootInstanceMetadata
/// replaces the built-in one. `advice` ends a missing dependency's message: where the test adds factories.
inline Backend backendForTest(const std::vector<BackendFeature>& features, std::string_view advice,
                              const mockServices::rootLogger& log = mockServices::rootLogger()) {
  Backend backend(mockFactories(log));
  backend.engine().setMissingAdvice(advice);  // static text
  bool metadataReplaced = false;
  for (const auto& feature : features) {
    if (!metadataReplaced && providesInstanceMetadata(feature)) {
      backend.engine().replaceInstanceMetadata(feature.factory());
      metadataReplaced = true;
    } else {
      backend.add(feature);
    }
  }
  return backend;
}

/// The instance of `ref` for `pluginId` in a prepared engine (a ref nothing uses gets its default factory
/// then), or a ValidationError naming the service and saying where to add its factory (`advice`).
template <class Ref>
typename Ref::injected_type resolveForTest(Engine& engine, const Ref& ref, std::string_view pluginId,
                                           std::string_view where, std::string_view advice) {
  void* instance = engine.resolve(*ref.info(), pluginId);
  if (instance == nullptr) {
    const std::string id(ref.id());
    throw ValidationError({Problem{Problem::Kind::missing_dependency,
                                   {id},
                                   {},
                                   "Service '" + id + "' is not available in " + std::string(where) +
                                       ": no added factory, mock core service or dependency of them provides "
                                       "it, and its ref has no default factory" +
                                       std::string(advice)}});
  }
  return inject<Ref>(instance);
}

}  // namespace detail
}  // namespace rigging
