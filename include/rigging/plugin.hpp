// SPDX-License-Identifier: Apache-2.0
// Copyright The rigging Authors
// Backend plugins: a named feature that registers one init, run with its deps when the backend starts.
#pragma once

#include <rigging/deps.hpp>
#include <rigging/detail/factory_impl.hpp>
#include <rigging/detail/id.hpp>
#include <rigging/detail/invoke.hpp>

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

namespace rigging {

namespace detail {

template <class DepsT, class Fn>
class TypedInit;
template <class... Refs, class Fn>
class TypedInit<Deps<Refs...>, Fn> final : public InitImpl {
 public:
  TypedInit(const Deps<Refs...>& initDeps, Fn fn) : InitImpl(initDeps.infos()), fn_(std::move(fn)) {}
  void run(void* const* deps) const override { invokeWithDeps<Refs...>(fn_, deps); }

 private:
  Fn fn_;
};

class PluginImpl;

template <class DepsT, class Fn>
std::shared_ptr<const InitImpl> makeInit(const DepsT& initDeps, Fn fn) {
  if constexpr (!invocable_with_deps<Fn, DepsT>::value) {
    static_assert(
        invocable_with_deps<Fn, DepsT>::value,
        "rigging: the init callable does not accept its deps; it must take one reference per ref of "
        "deps(...), in the same order (a ServiceRange<T> for a multiton ref)");
    return nullptr;
  } else {
    return std::make_shared<const TypedInit<DepsT, Fn>>(initDeps, std::move(fn));
  }
}

}  // namespace detail

/// What a plugin's register callback receives: the place to register its init.
class PluginRegistrationPoints {
 public:
  /// Registers the plugin's init: `fn` receives the deps as references, in order, when the plugin starts.
  template <class... Refs, class Fn>
  void registerInit(const Deps<Refs...>& initDeps, Fn fn) {
    inits_.push_back(detail::makeInit(initDeps, std::move(fn)));
  }

  /// For the engine: every init registered (a valid plugin registers exactly one).
  [[nodiscard]] const std::vector<std::shared_ptr<const detail::InitImpl>>& inits() const noexcept {
    return inits_;
  }

 private:
  std::vector<std::shared_ptr<const detail::InitImpl>> inits_;
};

namespace detail {
class PluginImpl {
 public:
  PluginImpl(std::string_view pluginId, std::function<void(PluginRegistrationPoints&)> reg)
      : id(pluginId), registerFn(std::move(reg)) {}
  std::string id;
  std::function<void(PluginRegistrationPoints&)> registerFn;
};
}  // namespace detail

/// A backend plugin; add it to a backend.
class BackendPlugin {
 public:
  explicit BackendPlugin(std::shared_ptr<const detail::PluginImpl> impl) : impl_(std::move(impl)) {}
  [[nodiscard]] std::string_view id() const noexcept { return impl_->id; }
  [[nodiscard]] const std::shared_ptr<const detail::PluginImpl>& impl() const noexcept { return impl_; }

 private:
  std::shared_ptr<const detail::PluginImpl> impl_;
};

/// Creates a plugin. `registerFn(env)` runs when the backend starts and calls `env.registerInit(...)` once.
/// Throws InvalidIdError if `pluginId` does not match `^[a-z][a-z0-9]*(-[a-z0-9]+)*$` (case-insensitive).
///
///     inline const auto catalogPlugin = createBackendPlugin("catalog", [](PluginRegistrationPoints& env) {
///       env.registerInit(deps(fooRef), [](FooService& foo) { foo.start(); });
///     });
template <class Fn>
  requires std::is_invocable_v<const Fn&, PluginRegistrationPoints&>
[[nodiscard]] BackendPlugin createBackendPlugin(std::string_view pluginId, Fn registerFn) {
  detail::checkId("plugin", pluginId);
  return BackendPlugin(std::make_shared<const detail::PluginImpl>(pluginId, std::move(registerFn)));
}

}  // namespace rigging
