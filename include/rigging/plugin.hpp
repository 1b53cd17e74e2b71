// SPDX-License-Identifier: Apache-2.0
// Copyright The rigging Authors
// Backend plugins: a named feature that registers extension points and one init, run with its deps when the
// backend starts, after every module of the plugin.
#pragma once

#include <rigging/backend_feature.hpp>
#include <rigging/deps.hpp>
#include <rigging/detail/factory_impl.hpp>
#include <rigging/detail/id.hpp>
#include <rigging/detail/intern.hpp>
#include <rigging/detail/invoke.hpp>
#include <rigging/errors.hpp>
#include <rigging/extension_point.hpp>

#include <concepts>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <memory_resource>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

namespace rigging {

namespace detail {

// The typed half of an init: calls the stored callable with the deps.
template <class Fn, class DepsT, class Seq>
struct InitThunk;
template <class Fn, class... Refs, std::size_t... I>
struct InitThunk<Fn, Deps<Refs...>, std::index_sequence<I...>> {
  static void run(const void* fn, [[maybe_unused]] void* const* deps) {
    const Fn& f = *static_cast<const Fn*>(fn);
    if constexpr (std::is_member_pointer_v<Fn>) {
      std::invoke(f, inject<Refs>(deps[I])...);
    } else {
      f(inject<Refs>(deps[I])...);
    }
  }
};

template <class... Refs, class Fn>
InitImpl::Ptr makeInit(std::pmr::memory_resource& memory, Deps<Refs...>&& initDeps, Fn&& fn) {
  using F = std::remove_cvref_t<Fn>;
  if constexpr (!invocable_with_deps<F, Deps<Refs...>>::value) {
    static_assert(
        invocable_with_deps<F, Deps<Refs...>>::value,
        "rigging: the init callable does not accept its deps; it must take one reference per ref of "
        "deps(...), in the same order (a ServiceRange<T> for a multiton ref)");
    return nullptr;
  } else {
    return InitImpl::make(memory, initDeps.infoList(),
                          &InitThunk<F, Deps<Refs...>, std::index_sequence_for<Refs...>>::run,
                          std::forward<Fn>(fn));
  }
}

/// An extension point as registered: one shared instance, or a factory called once per consuming module.
struct ExtensionPointRegistration {
  const RefInfo* ref;
  std::shared_ptr<void> instance;  // points at the T of ExtensionPoint<T>
  std::function<std::shared_ptr<void>(std::string_view moduleId)> factory;
};

// Keeps an implementation alive behind a pointer to the extension point's type.
template <class T, class R>
std::shared_ptr<void> asExtensionPoint(R&& result) {
  using Rd = std::remove_cvref_t<R>;
  if constexpr (result_traits<Rd>::is_pointer) {
    std::shared_ptr<stored_t<Rd>> owned(std::move(result));
    T* target = owned.get();
    return std::shared_ptr<void>(std::move(owned), target);
  } else {
    auto owned = std::make_shared<Rd>(std::forward<R>(result));
    T* target = owned.get();
    return std::shared_ptr<void>(std::move(owned), target);
  }
}

/// What plugins and modules share: the extension points they register and their one init.
class RegistrationPoints {
 public:
  /// Registers an extension point with one implementation shared by every module that uses it.
  template <class T, class Impl>
  void registerExtensionPoint(const ExtensionPoint<T>& ref, std::shared_ptr<Impl> impl) {
    if constexpr (!std::is_convertible_v<Impl*, T*>) {
      static_assert(
          std::is_convertible_v<Impl*, T*>,
          "rigging: the implementation of an extension point must derive from the ExtensionPoint's type");
    } else {
      T* target = impl.get();
      addExtensionPoint(ref.info(), std::shared_ptr<void>(std::move(impl), target));
    }
  }

  /// Registers an extension point whose `factory(moduleId)` gives each consuming module its own value (a
  /// std::shared_ptr, std::unique_ptr or value of the ExtensionPoint's type or a class derived from it).
  template <class T, class Fn>
    requires std::invocable<const Fn&, std::string_view>
  void registerExtensionPoint(const ExtensionPoint<T>& ref, Fn factory) {
    using R = std::invoke_result_t<const Fn&, std::string_view>;
    static_assert(provides_v<T, R>,
                  "rigging: an extension point factory must return the ExtensionPoint's type (a value, "
                  "std::unique_ptr or std::shared_ptr of it or of a class derived from it)");
    checkBeforeInit();
    extensionPoints_.push_back({ref.info(), nullptr, [fn = std::move(factory)](std::string_view moduleId) {
                                  return asExtensionPoint<T>(fn(moduleId));
                                }});
  }

  /// For the engine: the first init registered (null: none), and how many were.
  [[nodiscard]] const InitImpl* init() const noexcept { return init_.get(); }
  [[nodiscard]] std::size_t initCount() const noexcept { return initCount_; }
  [[nodiscard]] std::span<const ExtensionPointRegistration> extensionPoints() const noexcept {
    return extensionPoints_;
  }
  /// Registration ends when the register callback returns; later calls are errors.
  void close() noexcept { closed_ = true; }

 protected:
  // What is registered lives in `memory` (a backend's arena; by default the heap).
  explicit RegistrationPoints(std::pmr::memory_resource* memory = std::pmr::new_delete_resource()) noexcept
      : memory_(memory), extensionPoints_(memory) {}
  [[nodiscard]] std::pmr::memory_resource& memory() const noexcept { return *memory_; }

  void addInit(InitImpl::Ptr init) {
    checkOpen("registerInit");
    if (!init_) init_ = std::move(init);  // more than one is an error the engine reports
    ++initCount_;
  }

 private:
  // The same code for every type of extension point; `instance` points at its T (null: an empty pointer).
  RIGGING_NOINLINE void addExtensionPoint(const RefInfo* ref, std::shared_ptr<void> instance) {
    checkBeforeInit();
    if (!instance) {
      throw Error(ErrorCode::invalid_registration,
                  "registerExtensionPoint for '" + ref->id + "' was given an empty pointer");
    }
    extensionPoints_.push_back({ref, std::move(instance), nullptr});
  }

  void checkOpen(std::string_view what) const {
    if (closed_) {
      throw Error(ErrorCode::invalid_registration,
                  std::string(what) +
                      " was called after registration ended; call it from the register callback itself, not "
                      "from an init or later");
    }
  }

  // As in Backstage: a feature's extension points are all known before its init is.
  void checkBeforeInit() const {
    checkOpen("registerExtensionPoint");
    if (initCount_ != 0) {
      throw Error(ErrorCode::invalid_registration,
                  "registerExtensionPoint called after registerInit; register every extension point first");
    }
  }

  std::pmr::memory_resource* memory_;
  InitImpl::Ptr init_;
  std::size_t initCount_ = 0;
  std::pmr::vector<ExtensionPointRegistration> extensionPoints_;
  bool closed_ = false;
};

}  // namespace detail

/// What a plugin's register callback receives.
class PluginRegistrationPoints : public detail::RegistrationPoints {
 public:
  /// Registers the plugin's init: `fn` receives the deps as references, in order, after every module of the
  /// plugin has initialized. A plugin's init may depend on services, not on extension points.
  template <class... Refs, class Fn>
  void registerInit(Deps<Refs...> initDeps, Fn fn) {
    if constexpr (detail::has_extension_point<Deps<Refs...>>::value) {
      static_assert(
          !detail::has_extension_point<Deps<Refs...>>::value,
          "rigging: a plugin's init cannot depend on an extension point; extension points are how "
          "modules extend a plugin, so the plugin keeps its own implementation and reads it directly");
    } else {
      addInit(detail::makeInit(memory(), std::move(initDeps), std::move(fn)));
    }
  }

  PluginRegistrationPoints() = default;
  /// For the engine: what is registered is kept in `memory`.
  explicit PluginRegistrationPoints(std::pmr::memory_resource* memory) noexcept
      : RegistrationPoints(memory) {}
};

namespace detail {
class PluginImpl {
 public:
  PluginImpl(std::string_view pluginId, std::function<void(PluginRegistrationPoints&)> reg)
      : id(pluginId), key(internId(pluginId)), registerFn(std::move(reg)) {}
  std::string id;
  std::uint32_t key;  // internId(id): a backend finds plugins by number
  std::function<void(PluginRegistrationPoints&)> registerFn;
};

RIGGING_NOINLINE inline std::shared_ptr<const PluginImpl> makePluginImpl(
    std::string_view pluginId, RegisterCall<PluginRegistrationPoints> registerFn) {
  checkId("plugin", pluginId);
  return std::make_shared<const PluginImpl>(pluginId, std::move(registerFn));
}
}  // namespace detail

/// A backend plugin; add it to a backend.
class BackendPlugin : public BackendFeature {
 public:
  explicit BackendPlugin(std::shared_ptr<const detail::PluginImpl> impl) noexcept
      : BackendFeature(std::move(impl)) {}
  [[nodiscard]] std::string_view id() const noexcept { return plugin()->id; }
  [[nodiscard]] std::shared_ptr<const detail::PluginImpl> impl() const noexcept { return plugin(); }
};

/// Creates a plugin. `registerFn(env)` runs when the backend starts; it registers the plugin's extension
/// points and calls `env.registerInit(...)` once. Throws InvalidIdError if `pluginId` does not match
/// `^[a-z][a-z0-9]*(-[a-z0-9]+)*$` (case-insensitive).
///
///     inline const auto catalogPlugin = createBackendPlugin("catalog", [](PluginRegistrationPoints& env) {
///       env.registerInit(deps(fooRef), [](FooService& foo) { foo.start(); });
///     });
template <class Fn>
  requires std::is_invocable_v<const Fn&, PluginRegistrationPoints&>
[[nodiscard]] BackendPlugin createBackendPlugin(std::string_view pluginId, Fn registerFn) {
  return BackendPlugin(detail::makePluginImpl(
      pluginId, detail::registerCall<PluginRegistrationPoints>(std::move(registerFn))));
}

}  // namespace rigging
