// SPDX-License-Identifier: Apache-2.0
// Copyright The rigging Authors
// What Backend::start() reports: every plugin and module, ok, failed (and whether the policy allowed it) or
// skipped, with the time each took; and BackendStartupError, which carries it when start-up must abort.
#pragma once

#include <rigging/errors.hpp>

#include <chrono>
#include <exception>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace rigging {

enum class StartupStatus : unsigned char {
  ok,       ///< started
  failed,   ///< its init (or a service it needed) threw; see `failure`
  skipped,  ///< not run: a module whose plugin is absent (and that plugin), or a module of a plugin whose
            ///< eager services failed
};

/// Why a plugin or module failed.
struct StartupFailure {
  std::exception_ptr error;  ///< the exception thrown, as thrown
  std::string message;       ///< its what()
  bool allowed = false;      ///< the boot-failure policy said `continue`
};

struct ModuleStartupResult {
  std::string moduleId;
  StartupStatus status = StartupStatus::ok;
  std::chrono::nanoseconds duration{};
  std::optional<StartupFailure> failure;
};

struct PluginStartupResult {
  std::string pluginId;
  StartupStatus status = StartupStatus::ok;
  std::chrono::nanoseconds duration{};  ///< the plugin's whole pipeline: eager services, modules, init, hooks
  std::optional<StartupFailure> failure;
  std::vector<ModuleStartupResult> modules;  ///< in the order they ran

  [[nodiscard]] const ModuleStartupResult* module(std::string_view id) const noexcept {
    for (const auto& m : modules) {
      if (m.moduleId == id) return &m;
    }
    return nullptr;
  }
};

/// The outcome of Backend::start(): plugins in the order they started; plugins that are absent but have
/// modules come last, as `skipped` with their modules `skipped`.
struct StartupResult {
  std::vector<PluginStartupResult> plugins;
  std::chrono::nanoseconds duration{};

  [[nodiscard]] const PluginStartupResult* plugin(std::string_view id) const noexcept {
    for (const auto& p : plugins) {
      if (p.pluginId == id) return &p;
    }
    return nullptr;
  }

  /// True when no failure was disallowed by the boot-failure policy.
  [[nodiscard]] bool ok() const noexcept {
    for (const auto& p : plugins) {
      if (p.failure && !p.failure->allowed) return false;
      for (const auto& m : p.modules) {
        if (m.failure && !m.failure->allowed) return false;
      }
    }
    return true;
  }
};

/// Plugins or modules failed and the boot-failure policy (`backend.startup...onPluginBootFailure`,
/// `onPluginModuleBootFailure`, default `abort`) did not allow it. Thrown once every plugin has settled and
/// the backend has unwound; what() lists every disallowed failure with its cause.
class BackendStartupError : public Error {
 public:
  explicit BackendStartupError(StartupResult result)
      : Error(ErrorCode::startup_failed, render(result)), result_(std::move(result)) {}

  [[nodiscard]] const StartupResult& result() const noexcept { return result_; }

 private:
  static std::string render(const StartupResult& result) {
    std::string text = "Backend startup failed due to the following errors:";
    for (const auto& p : result.plugins) {
      for (const auto& m : p.modules) {
        if (m.failure && !m.failure->allowed) {
          text += "\n  Module '" + m.moduleId + "' for plugin '" + p.pluginId +
                  "' startup failed; caused by " + m.failure->message;
        }
      }
      if (p.failure && !p.failure->allowed) {
        text += "\n  Plugin '" + p.pluginId + "' startup failed; caused by " + p.failure->message;
      }
    }
    return text;
  }

  StartupResult result_;
};

}  // namespace rigging
