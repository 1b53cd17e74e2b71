// SPDX-License-Identifier: Apache-2.0
// Copyright The rigging Authors
// The core service interfaces and their refs in `rigging::coreServices`: what every plugin can count on.
//
// createBackend() installs a default factory for each; adding a factory for one of these refs replaces it
// (except core.pluginMetadata, which is built in).
#pragma once

#include <rigging/service_ref.hpp>

#include <fmt/format.h>

#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace rigging {

/// How important a log record is, most important first.
enum class LogLevel : unsigned char { error, warn, info, debug };

/// Structured fields of a log record, in order: `{{"plugin", "catalog"}, {"entity", "component:a"}}`.
using LogFields = std::vector<std::pair<std::string, std::string>>;

/// Logging. Messages are fmt format strings checked at compile time: `logger.info("started {} plugins", n)`.
/// Fields attach structured data: `logger.info({{"entity", ref}}, "refreshed {}", ref)`.
class LoggerService {
 public:
  virtual ~LoggerService() = default;

  /// Writes one record; `fields` come after the logger's own fields. Implementations must be thread-safe.
  virtual void log(LogLevel level, std::string_view message, const LogFields& fields) = 0;
  /// Whether records of `level` are written; formatting is skipped when not.
  [[nodiscard]] virtual bool enabled(LogLevel level) const noexcept = 0;
  /// A logger that adds `fields` to every record (the plugin logger is the root logger's child with
  /// `{"plugin", id}`).
  [[nodiscard]] virtual std::shared_ptr<LoggerService> child(LogFields fields) = 0;

  template <class... Args>
  void error(fmt::format_string<Args...> format, Args&&... args) {
    write(LogLevel::error, {}, format, std::forward<Args>(args)...);
  }
  template <class... Args>
  void error(const LogFields& fields, fmt::format_string<Args...> format, Args&&... args) {
    write(LogLevel::error, fields, format, std::forward<Args>(args)...);
  }
  template <class... Args>
  void warn(fmt::format_string<Args...> format, Args&&... args) {
    write(LogLevel::warn, {}, format, std::forward<Args>(args)...);
  }
  template <class... Args>
  void warn(const LogFields& fields, fmt::format_string<Args...> format, Args&&... args) {
    write(LogLevel::warn, fields, format, std::forward<Args>(args)...);
  }
  template <class... Args>
  void info(fmt::format_string<Args...> format, Args&&... args) {
    write(LogLevel::info, {}, format, std::forward<Args>(args)...);
  }
  template <class... Args>
  void info(const LogFields& fields, fmt::format_string<Args...> format, Args&&... args) {
    write(LogLevel::info, fields, format, std::forward<Args>(args)...);
  }
  template <class... Args>
  void debug(fmt::format_string<Args...> format, Args&&... args) {
    write(LogLevel::debug, {}, format, std::forward<Args>(args)...);
  }
  template <class... Args>
  void debug(const LogFields& fields, fmt::format_string<Args...> format, Args&&... args) {
    write(LogLevel::debug, fields, format, std::forward<Args>(args)...);
  }

 protected:
  LoggerService() = default;
  LoggerService(const LoggerService&) = default;
  LoggerService& operator=(const LoggerService&) = default;

 private:
  template <class... Args>
  void write(LogLevel level, const LogFields& fields, fmt::format_string<Args...> format, Args&&... args) {
    if (!enabled(level)) return;
    log(level, fmt::vformat(format, fmt::make_format_args(args...)), fields);
  }
};

/// The backend-wide logger that plugin loggers derive from; root-scoped services log through it.
class RootLoggerService : public LoggerService {
 protected:
  RootLoggerService() = default;
  RootLoggerService(const RootLoggerService&) = default;
  RootLoggerService& operator=(const RootLoggerService&) = default;
};

/// Tells a plugin-scoped service which plugin it is being created for. Built in; cannot be overridden.
class PluginMetadataService {
 public:
  virtual ~PluginMetadataService() = default;
  /// The id of the plugin the instance belongs to.
  [[nodiscard]] virtual std::string_view getId() const noexcept = 0;

 protected:
  PluginMetadataService() = default;
  PluginMetadataService(const PluginMetadataService&) = default;
  PluginMetadataService& operator=(const PluginMetadataService&) = default;
};

/// One installed plugin and the ids of its modules, in the order they were added.
struct InstalledPlugin {
  std::string pluginId;
  std::vector<std::string> modules;
};

/// What this backend is made of: every installed plugin with its modules. Built in; immutable once the
/// backend has registered its features.
class RootInstanceMetadataService {
 public:
  virtual ~RootInstanceMetadataService() = default;
  [[nodiscard]] virtual const std::vector<InstalledPlugin>& getInstalledPlugins() const noexcept = 0;

 protected:
  RootInstanceMetadataService() = default;
  RootInstanceMetadataService(const RootInstanceMetadataService&) = default;
  RootInstanceMetadataService& operator=(const RootInstanceMetadataService&) = default;
};

/// A lifecycle hook: no arguments; may throw, which is reported and never stops the other hooks.
using LifecycleHook = std::function<void()>;

/// Describes a hook in reports and error messages.
struct LifecycleHookOptions {
  std::string label;
};

/// Backend-wide lifecycle: startup hooks run once every plugin has started (and only if start-up succeeded);
/// before-shutdown hooks run first when the backend stops, shutdown hooks last, before instances are
/// destroyed.
class RootLifecycleService {
 public:
  virtual ~RootLifecycleService() = default;
  virtual void addStartupHook(LifecycleHook hook, LifecycleHookOptions options = {}) = 0;
  virtual void addBeforeShutdownHook(LifecycleHook hook, LifecycleHookOptions options = {}) = 0;
  virtual void addShutdownHook(LifecycleHook hook, LifecycleHookOptions options = {}) = 0;

  /// Called by the backend, once each, in this order: run the hooks of that phase in the order added and
  /// return how many failed (a failure is reported, never thrown, and never stops the other hooks).
  virtual std::size_t startup() = 0;
  virtual std::size_t beforeShutdown() = 0;
  virtual std::size_t shutdown() = 0;

 protected:
  RootLifecycleService() = default;
  RootLifecycleService(const RootLifecycleService&) = default;
  RootLifecycleService& operator=(const RootLifecycleService&) = default;
};

/// A plugin's lifecycle (modules share their plugin's): startup hooks run after the plugin's init, shutdown
/// hooks when the backend stops.
class LifecycleService {
 public:
  virtual ~LifecycleService() = default;
  virtual void addStartupHook(LifecycleHook hook, LifecycleHookOptions options = {}) = 0;
  virtual void addShutdownHook(LifecycleHook hook, LifecycleHookOptions options = {}) = 0;

  /// Called by the backend: run the hooks of that phase in the order added and return how many failed.
  virtual std::size_t startup() = 0;
  virtual std::size_t shutdown() = 0;

 protected:
  LifecycleService() = default;
  LifecycleService(const LifecycleService&) = default;
  LifecycleService& operator=(const LifecycleService&) = default;
};

/// What RootConfigService::subscribe returns: while it lives (and until unsubscribe()), the callback is
/// called after each change. Move-only; destroying it unsubscribes, so a callback never outlives what it
/// captures.
class ConfigSubscription {
 public:
  ConfigSubscription() = default;
  /// `unsubscribe` is called once, by unsubscribe() or the destructor; it must not throw.
  explicit ConfigSubscription(std::function<void()> unsubscribe) : unsubscribe_(std::move(unsubscribe)) {}
  ConfigSubscription(ConfigSubscription&& other) noexcept : unsubscribe_(std::move(other.unsubscribe_)) {
    other.unsubscribe_ = nullptr;
  }
  ConfigSubscription& operator=(ConfigSubscription&& other) noexcept {
    if (this != &other) {
      unsubscribe();
      unsubscribe_ = std::move(other.unsubscribe_);
      other.unsubscribe_ = nullptr;
    }
    return *this;
  }
  ConfigSubscription(const ConfigSubscription&) = delete;
  ConfigSubscription& operator=(const ConfigSubscription&) = delete;
  ~ConfigSubscription() { unsubscribe(); }

  /// Stops the callbacks; idempotent.
  void unsubscribe() noexcept {
    if (auto fn = std::exchange(unsubscribe_, nullptr)) fn();
  }

 private:
  std::function<void()> unsubscribe_;
};

/// Hierarchical, typed configuration read with dotted keys (`backend.listen.port`). Getters of a value that
/// has another type throw ConfigError naming the key and both types; required getters of an absent key throw
/// ConfigError naming the key.
class RootConfigService {
 public:
  virtual ~RootConfigService() = default;
  /// Backstage's `subscribe`: calls `onChange` after the configuration has changed, until the returned
  /// subscription is destroyed or unsubscribed; read the new values in the callback. Configuration that never
  /// changes (the default, and ConfigReader) never calls it. Implementations that change call every callback
  /// once per change, only when a value actually differs, and never while holding a lock a getter needs.
  [[nodiscard]] virtual ConfigSubscription subscribe(std::function<void()> onChange) const {
    static_cast<void>(onChange);
    return ConfigSubscription();
  }
  [[nodiscard]] virtual bool has(std::string_view key) const = 0;
  /// The keys of the object at this level, in the order the configuration gave them.
  [[nodiscard]] virtual std::vector<std::string> keys() const = 0;
  [[nodiscard]] virtual std::optional<std::string> getOptionalString(std::string_view key) const = 0;
  [[nodiscard]] virtual std::optional<double> getOptionalNumber(std::string_view key) const = 0;
  [[nodiscard]] virtual std::optional<bool> getOptionalBoolean(std::string_view key) const = 0;
  [[nodiscard]] virtual std::optional<std::vector<std::string>> getOptionalStringArray(
      std::string_view key) const = 0;
  /// The object at `key` as a configuration of its own, or nullptr when absent.
  [[nodiscard]] virtual std::shared_ptr<const RootConfigService> getOptionalConfig(
      std::string_view key) const = 0;
  /// The array of objects at `key`, each a configuration of its own (its keys named `key[i].name` in errors),
  /// or an empty optional when absent.
  [[nodiscard]] virtual std::optional<std::vector<std::shared_ptr<const RootConfigService>>>
  getOptionalConfigArray(std::string_view key) const = 0;

  [[nodiscard]] std::string getString(std::string_view key) const {
    return required(key, getOptionalString(key));
  }
  [[nodiscard]] double getNumber(std::string_view key) const { return required(key, getOptionalNumber(key)); }
  [[nodiscard]] bool getBoolean(std::string_view key) const { return required(key, getOptionalBoolean(key)); }
  [[nodiscard]] std::vector<std::string> getStringArray(std::string_view key) const {
    return required(key, getOptionalStringArray(key));
  }
  [[nodiscard]] std::shared_ptr<const RootConfigService> getConfig(std::string_view key) const {
    auto config = getOptionalConfig(key);
    if (!config) missing(key);
    return config;
  }
  [[nodiscard]] std::vector<std::shared_ptr<const RootConfigService>> getConfigArray(
      std::string_view key) const {
    return required(key, getOptionalConfigArray(key));
  }

 protected:
  RootConfigService() = default;
  RootConfigService(const RootConfigService&) = default;
  RootConfigService& operator=(const RootConfigService&) = default;

  /// Throws the ConfigError for an absent required key.
  [[noreturn]] virtual void missing(std::string_view key) const = 0;

 private:
  template <class V>
  V required(std::string_view key, std::optional<V> value) const {
    if (!value) missing(key);
    return std::move(*value);
  }
};

namespace coreServices {

/// `core.pluginMetadata`: the requesting plugin's metadata (plugin-scoped, built in).
inline const auto pluginMetadata = createServiceRef<PluginMetadataService>("core.pluginMetadata");
/// `core.rootInstanceMetadata`: the installed plugins and their modules (root-scoped, built in).
inline const auto rootInstanceMetadata =
    createServiceRef<RootInstanceMetadataService, RootScope>("core.rootInstanceMetadata");
/// `core.rootLifecycle`: backend-wide lifecycle hooks (root-scoped).
inline const auto rootLifecycle = createServiceRef<RootLifecycleService, RootScope>("core.rootLifecycle");
/// `core.lifecycle`: the plugin's lifecycle hooks (plugin-scoped; modules share their plugin's).
inline const auto lifecycle = createServiceRef<LifecycleService>("core.lifecycle");
/// `core.rootLogger`: the backend-wide logger (root-scoped).
inline const auto rootLogger = createServiceRef<RootLoggerService, RootScope>("core.rootLogger");
/// `core.logger`: the plugin's logger, tagged with the plugin id (plugin-scoped).
inline const auto logger = createServiceRef<LoggerService>("core.logger");
/// `core.rootConfig`: the backend's configuration (root-scoped).
inline const auto rootConfig = createServiceRef<RootConfigService, RootScope>("core.rootConfig");

}  // namespace coreServices
}  // namespace rigging
