// SPDX-License-Identifier: Apache-2.0
// Copyright The rigging Authors
// Backend modules: extend exactly one plugin through its extension points; always initialize before it.
#pragma once

#include <rigging/backend_feature.hpp>
#include <rigging/deps.hpp>
#include <rigging/detail/id.hpp>
#include <rigging/detail/intern.hpp>
#include <rigging/plugin.hpp>

#include <cstdint>
#include <functional>
#include <memory>
#include <memory_resource>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

namespace rigging {

/// What a module's register callback receives.
class ModuleRegistrationPoints : public detail::RegistrationPoints {
 public:
  /// Registers the module's init: `fn` receives the deps (services and extension points of its plugin, or of
  /// sibling modules) as references, in order.
  template <class... Refs, class Fn>
  void registerInit(Deps<Refs...> initDeps, Fn fn) {
    addInit(detail::makeInit(memory(), std::move(initDeps), std::move(fn)));
  }

  ModuleRegistrationPoints() = default;
  /// For the engine: what is registered is kept in `memory`.
  explicit ModuleRegistrationPoints(std::pmr::memory_resource* memory) noexcept
      : RegistrationPoints(memory) {}
};

namespace detail {
class ModuleImpl {
 public:
  ModuleImpl(std::string_view plugin, std::string_view module,
             std::function<void(ModuleRegistrationPoints&)> reg)
      : pluginId(plugin), moduleId(module), pluginKey(internId(plugin)), registerFn(std::move(reg)) {}
  std::string pluginId;
  std::string moduleId;
  std::uint32_t pluginKey;  // internId(pluginId)
  std::function<void(ModuleRegistrationPoints&)> registerFn;
};

RIGGING_NOINLINE inline std::shared_ptr<const ModuleImpl> makeModuleImpl(
    std::string_view pluginId, std::string_view moduleId, RegisterCall<ModuleRegistrationPoints> registerFn) {
  checkId("plugin", pluginId);
  checkId("module", moduleId);
  return std::make_shared<const ModuleImpl>(pluginId, moduleId, std::move(registerFn));
}
}  // namespace detail

/// A backend module; add it to a backend.
class BackendModule : public BackendFeature {
 public:
  explicit BackendModule(std::shared_ptr<const detail::ModuleImpl> impl) noexcept
      : BackendFeature(std::move(impl)) {}
  [[nodiscard]] std::string_view pluginId() const noexcept { return module()->pluginId; }
  [[nodiscard]] std::string_view moduleId() const noexcept { return module()->moduleId; }
  [[nodiscard]] std::shared_ptr<const detail::ModuleImpl> impl() const noexcept { return module(); }
};

/// Creates a module of plugin `pluginId`. Throws InvalidIdError if either id breaks the id rule.
///
///     inline const auto githubModule = createBackendModule("catalog", "github", [](ModuleRegistrationPoints&
///     env) {
///       env.registerInit(deps(processingExtensionPoint), [](ProcessingExtensionPoint& ext) { ext.add(...);
///       });
///     });
template <class Fn>
  requires std::is_invocable_v<const Fn&, ModuleRegistrationPoints&>
[[nodiscard]] BackendModule createBackendModule(std::string_view pluginId, std::string_view moduleId,
                                                Fn registerFn) {
  return BackendModule(detail::makeModuleImpl(
      pluginId, moduleId, detail::registerCall<ModuleRegistrationPoints>(std::move(registerFn))));
}

}  // namespace rigging
