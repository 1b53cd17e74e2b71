// SPDX-License-Identifier: Apache-2.0
// Copyright The rigging Authors
// The default root and plugin lifecycle services: ordered hook lists, run once each, failures reported.
#pragma once

#include <rigging/core_services.hpp>
#include <rigging/errors.hpp>

#include <cstddef>
#include <cstdio>
#include <exception>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace rigging {

/// Receives the failure of one hook: where it ran ("root" or "plugin 'id'"), the phase, the hook's label and
/// the exception. The default writes one line to stderr.
using HookFailureHandler = std::function<void(std::string_view owner, std::string_view phase,
                                              std::string_view label, std::exception_ptr)>;

namespace detail {

inline void printHookFailure(std::string_view owner, std::string_view phase, std::string_view label,
                             std::exception_ptr error) {
  std::string what = "unknown exception";
  try {
    std::rethrow_exception(std::move(error));
  } catch (const std::exception& e) {
    what = e.what();
  } catch (...) {
  }
  std::fprintf(stderr, "rigging: %.*s hook%s%.*s%s of %.*s failed: %s\n", static_cast<int>(phase.size()),
               phase.data(), label.empty() ? "" : " '", static_cast<int>(label.size()), label.data(),
               label.empty() ? "" : "'", static_cast<int>(owner.size()), owner.data(), what.c_str());
}

/// One phase's hooks. Runs them all, in order, once; a throwing hook is reported and the rest still run.
class HookList {
 public:
  explicit HookList(std::string_view phase) : phase_(phase) {}

  // Plugins may add hooks from their own threads after start-up (a shutdown hook from a request handler).
  // `advice` replaces the usual advice of the error for a phase that has run.
  void add(LifecycleHook hook, LifecycleHookOptions options, std::string_view advice = {}) {
    const std::lock_guard lock(mutex_);
    if (ran_) {
      throw Error(ErrorCode::hook_rejected,
                  "Attempted to add " + phase_ + " hook after " + phase_ + " has run; " +
                      (advice.empty() ? "add hooks from a plugin's init or earlier" : std::string(advice)));
    }
    hooks_.emplace_back(std::move(hook), std::move(options.label));
  }

  std::size_t run(std::string_view owner, const HookFailureHandler& onFailure) {
    {
      const std::lock_guard lock(mutex_);
      if (ran_) return 0;
      ran_ = true;  // from here on hooks_ no longer changes: add() rejects
    }
    std::size_t failures = 0;
    for (auto& [hook, label] : hooks_) {
      try {
        hook();
      } catch (...) {
        ++failures;
        if (onFailure) {
          onFailure(owner, phase_, label, std::current_exception());
        } else {
          printHookFailure(owner, phase_, label, std::current_exception());
        }
      }
    }
    return failures;
  }

 private:
  std::string phase_;
  std::vector<std::pair<LifecycleHook, std::string>> hooks_;
  bool ran_ = false;
  std::mutex mutex_;
};

}  // namespace detail

/// The default `core.rootLifecycle`.
class DefaultRootLifecycleService final : public RootLifecycleService {
 public:
  explicit DefaultRootLifecycleService(HookFailureHandler onFailure = {})
      : onFailure_(std::move(onFailure)) {}

  void addStartupHook(LifecycleHook hook, LifecycleHookOptions options = {}) override {
    startup_.add(std::move(hook), std::move(options));
  }
  void addBeforeShutdownHook(LifecycleHook hook, LifecycleHookOptions options = {}) override {
    beforeShutdown_.add(std::move(hook), std::move(options));
  }
  void addShutdownHook(LifecycleHook hook, LifecycleHookOptions options = {}) override {
    shutdown_.add(std::move(hook), std::move(options));
  }
  std::size_t startup() override { return startup_.run("root", onFailure_); }
  std::size_t beforeShutdown() override { return beforeShutdown_.run("root", onFailure_); }
  std::size_t shutdown() override { return shutdown_.run("root", onFailure_); }

 private:
  HookFailureHandler onFailure_;
  detail::HookList startup_{"startup"};
  detail::HookList beforeShutdown_{"before-shutdown"};
  detail::HookList shutdown_{"shutdown"};
};

/// The default `core.lifecycle`: hooks are reported with the plugin's id.
class DefaultLifecycleService final : public LifecycleService {
 public:
  explicit DefaultLifecycleService(std::string_view pluginId, HookFailureHandler onFailure = {})
      : owner_("plugin '" + std::string(pluginId) + "'"), onFailure_(std::move(onFailure)) {}

  void addStartupHook(LifecycleHook hook, LifecycleHookOptions options = {}) override {
    startup_.add(std::move(hook), std::move(options));
  }
  void addShutdownHook(LifecycleHook hook, LifecycleHookOptions options = {}) override {
    shutdown_.add(std::move(hook), std::move(options));
  }
  std::size_t startup() override { return startup_.run(owner_, onFailure_); }
  std::size_t shutdown() override { return shutdown_.run(owner_, onFailure_); }

 private:
  std::string owner_;
  HookFailureHandler onFailure_;
  detail::HookList startup_{"startup"};
  detail::HookList shutdown_{"shutdown"};
};

}  // namespace rigging
