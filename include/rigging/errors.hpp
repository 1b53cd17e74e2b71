// SPDX-License-Identifier: Apache-2.0
// Copyright The rigging Authors
// The exceptions rigging throws: one type per kind of failure, each with a code callers can switch on.
//
// Configuration mistakes found before any plugin runs are collected into one ValidationError. A root service
// that fails throws ServiceFactoryError (with the original exception nested); failures inside a plugin's
// pipeline are collected in BackendStartupError (startup_result.hpp), each keeping its original exception.
#pragma once

#include <cstdint>
#include <exception>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace rigging {

/// What went wrong, for callers that branch on the kind rather than parse the message.
enum class ErrorCode : std::uint8_t {
  invalid_id,             ///< a plugin or module id does not follow the id rule
  validation_failed,      ///< the graph of features has problems; see ValidationError::problems()
  factory_threw,          ///< a service factory, root context or extension point factory threw
  factory_returned_null,  ///< a service factory returned an empty pointer
  invalid_state,          ///< the backend was used out of order (add after start, start twice, ...)
  invalid_registration,   ///< a plugin registered something wrongly (init twice, none, ...)
  startup_failed,         ///< plugins or modules failed and the boot-failure policy says abort
  invalid_config,         ///< a configuration value is missing or has the wrong type
  hook_rejected,          ///< a lifecycle hook was added after its phase had run
  stop_failed,            ///< a test backend's stop() saw a lifecycle hook fail (testing.hpp)
};

/// The base of every exception rigging throws.
class Error : public std::runtime_error {
 public:
  Error(ErrorCode code, const std::string& message) : std::runtime_error(message), code_(code) {}
  [[nodiscard]] ErrorCode code() const noexcept { return code_; }

 private:
  ErrorCode code_;
};

/// One configuration problem found by validation.
struct Problem {
  enum class Kind : std::uint8_t {
    circular_dependency,        ///< services depend on each other; `ids` is the cycle, first id repeated last
    missing_dependency,         ///< `ids[0]` has no factory; `neededBy` names its consumers
    duplicate_factory,          ///< two explicit factories for the singleton `ids[0]`
    duplicate_plugin,           ///< two plugins with the id `ids[0]`
    override_forbidden,         ///< a factory or decorator for core.pluginMetadata, which is built in
    type_mismatch,              ///< one id, two C++ types; `ids[0]` is the id
    scope_mismatch,             ///< one id declared with two scopes, or a root service using a plugin one
    cardinality_mismatch,       ///< one id declared both singleton and multiton
    decorator_without_service,  ///< a decorator for a service nobody provides
    invalid_registration,       ///< a plugin or module registered no init, or two, or threw while registering
    duplicate_module,           ///< two modules with the same plugin and module id; `ids` is {plugin, module}
    extension_point_misuse,     ///< an extension point used outside its plugin, by a plugin's init, or
                                ///< registered twice
    extension_point_missing,    ///< an extension point that no plugin or module registered
    module_cycle,  ///< modules waiting for each other through extension points; `ids` is the cycle
    replaced_after_instantiation,  ///< a loader provided a factory for a service already created
    invalid_config,                ///< a configuration value the backend reads is invalid
  };
  Kind kind;
  std::vector<std::string> ids;       ///< the services (or plugins) the problem is about
  std::vector<std::string> neededBy;  ///< who needs them: "service 'x'" / "plugin 'y'" entries
  std::string message;                ///< one human-readable line with the fix
};

/// Thrown by Backend::start() before any factory or plugin runs: every problem of the graph at once.
class ValidationError : public Error {
 public:
  explicit ValidationError(std::vector<Problem> problems)
      : Error(ErrorCode::validation_failed, render(problems)), problems_(std::move(problems)) {}

  [[nodiscard]] const std::vector<Problem>& problems() const noexcept { return problems_; }

  /// The problems of one kind, to check or report them separately.
  [[nodiscard]] std::vector<Problem> problems(Problem::Kind kind) const {
    std::vector<Problem> out;
    for (const auto& p : problems_) {
      if (p.kind == kind) out.push_back(p);
    }
    return out;
  }

 private:
  static std::string render(const std::vector<Problem>& problems) {
    std::string text = "Backend validation failed with " + std::to_string(problems.size()) +
                       (problems.size() == 1 ? " problem" : " problems") + "; no plugin was started:";
    for (std::size_t i = 0; i < problems.size(); ++i) {
      text += "\n  " + std::to_string(i + 1) + ". " + problems[i].message;
    }
    return text;
  }

  std::vector<Problem> problems_;
};

/// A service factory, root context or decorator failed while the backend was starting. The original
/// exception is kept: `std::rethrow_if_nested(e)` or `nested_ptr()` gives it back.
class ServiceFactoryError : public Error, public std::nested_exception {
 public:
  /// Must be constructed inside the catch block of the original exception, which it captures.
  ServiceFactoryError(ErrorCode code, const std::string& message, std::string serviceId, std::string pluginId,
                      std::vector<std::string> chain)
      : Error(code, message),
        serviceId_(std::move(serviceId)),
        pluginId_(std::move(pluginId)),
        chain_(std::move(chain)) {}

  /// The id of the service whose factory failed.
  [[nodiscard]] const std::string& serviceId() const noexcept { return serviceId_; }
  /// The plugin the instance was for; empty for a root-scoped service.
  [[nodiscard]] const std::string& pluginId() const noexcept { return pluginId_; }
  /// The services that were being built when it failed, outermost first, the failed one last.
  [[nodiscard]] const std::vector<std::string>& chain() const noexcept { return chain_; }

 private:
  std::string serviceId_;
  std::string pluginId_;
  std::vector<std::string> chain_;
};

/// A configuration value is missing or has another type than asked for; the message names the key.
class ConfigError : public Error {
 public:
  ConfigError(const std::string& message, std::string key)
      : Error(ErrorCode::invalid_config, message), key_(std::move(key)) {}
  [[nodiscard]] const std::string& key() const noexcept { return key_; }

 private:
  std::string key_;
};

/// The backend was used out of order: `add()` after `start()`, `start()` twice, `start()` after `stop()`.
class BackendStateError : public Error {
 public:
  explicit BackendStateError(const std::string& message) : Error(ErrorCode::invalid_state, message) {}
};

/// A plugin or module id does not follow the id rule.
class InvalidIdError : public Error {
 public:
  explicit InvalidIdError(const std::string& message) : Error(ErrorCode::invalid_id, message) {}
};

}  // namespace rigging
