// SPDX-License-Identifier: Apache-2.0
// Copyright The rigging Authors
// Features and feature loaders: anything Backend::add takes, and a feature that yields more features at
// start.
//
// A loader depends on root-scoped services only (the backend creates those, and only those, before it runs
// the loader); the features it returns are added as if by Backend::add, except that an explicitly added
// factory for the same service takes precedence over a loader's.
#pragma once

#include <rigging/deps.hpp>
#include <rigging/detail/factory_impl.hpp>
#include <rigging/detail/invoke.hpp>
#include <rigging/module.hpp>
#include <rigging/plugin.hpp>
#include <rigging/service_decorator.hpp>
#include <rigging/service_factory.hpp>

#include <memory>
#include <type_traits>
#include <utility>
#include <vector>

namespace rigging {

class BackendFeatureLoader;
namespace detail {
class LoaderImpl;
}

/// One feature of any kind: a service factory or decorator, a plugin, a module or a feature loader.
class BackendFeature {
 public:
  enum class Kind : unsigned char { service_factory, plugin, module, loader };

  template <class T, class Scope, class C>
  BackendFeature(const ServiceFactory<T, Scope, C>& factory)  // NOLINT(google-explicit-constructor)
      : kind_(Kind::service_factory), factory_(factory.impl()) {}
  template <class T, class Scope>
  BackendFeature(const ServiceDecorator<T, Scope>& decorator)  // NOLINT(google-explicit-constructor)
      : kind_(Kind::service_factory), factory_(decorator.impl()) {}
  BackendFeature(const BackendPlugin& plugin)  // NOLINT(google-explicit-constructor)
      : kind_(Kind::plugin), plugin_(plugin.impl()) {}
  BackendFeature(const BackendModule& module)  // NOLINT(google-explicit-constructor)
      : kind_(Kind::module), module_(module.impl()) {}
  BackendFeature(const BackendFeatureLoader& loader);  // NOLINT(google-explicit-constructor)

  [[nodiscard]] Kind kind() const noexcept { return kind_; }
  /// For the engine: the one member that matches kind().
  [[nodiscard]] const std::shared_ptr<const detail::FactoryImpl>& factory() const noexcept {
    return factory_;
  }
  [[nodiscard]] const std::shared_ptr<const detail::PluginImpl>& plugin() const noexcept { return plugin_; }
  [[nodiscard]] const std::shared_ptr<const detail::ModuleImpl>& module() const noexcept { return module_; }
  [[nodiscard]] const std::shared_ptr<const detail::LoaderImpl>& loader() const noexcept { return loader_; }

 private:
  Kind kind_;
  std::shared_ptr<const detail::FactoryImpl> factory_;
  std::shared_ptr<const detail::PluginImpl> plugin_;
  std::shared_ptr<const detail::ModuleImpl> module_;
  std::shared_ptr<const detail::LoaderImpl> loader_;
};

namespace detail {

/// A feature loader with its types erased.
class LoaderImpl {
 public:
  explicit LoaderImpl(RefList deps) : deps_(std::move(deps)) {}
  LoaderImpl(const LoaderImpl&) = delete;
  LoaderImpl& operator=(const LoaderImpl&) = delete;
  virtual ~LoaderImpl() = default;

  [[nodiscard]] const RefList& deps() const noexcept { return deps_; }
  [[nodiscard]] virtual std::vector<BackendFeature> load(void* const* deps) const = 0;

 private:
  RefList deps_;
};

template <class DepsT, class Fn>
class TypedLoader;
template <class... Refs, class Fn>
class TypedLoader<Deps<Refs...>, Fn> final : public LoaderImpl {
 public:
  TypedLoader(const Deps<Refs...>& loaderDeps, Fn fn) : LoaderImpl(loaderDeps.infos()), fn_(std::move(fn)) {}
  [[nodiscard]] std::vector<BackendFeature> load(void* const* deps) const override {
    return invokeWithDeps<Refs...>(fn_, deps);
  }

 private:
  Fn fn_;
};

}  // namespace detail

/// A feature loader; add it to a backend.
class BackendFeatureLoader {
 public:
  explicit BackendFeatureLoader(std::shared_ptr<const detail::LoaderImpl> impl) : impl_(std::move(impl)) {}
  [[nodiscard]] const std::shared_ptr<const detail::LoaderImpl>& impl() const noexcept { return impl_; }

 private:
  std::shared_ptr<const detail::LoaderImpl> impl_;
};

inline BackendFeature::BackendFeature(const BackendFeatureLoader& loader)
    : kind_(Kind::loader), loader_(loader.impl()) {}

/// Creates a feature loader: `fn` receives root-scoped deps as references and returns the features to add,
/// as a std::vector<BackendFeature>.
///
///     inline const auto fromConfig = createBackendFeatureLoader(deps(coreServices::rootConfig),
///         [](RootConfigService& config) {
///           std::vector<BackendFeature> features;
///           if (config.getOptionalBoolean("catalog.enabled").value_or(true))
///           features.push_back(catalogPlugin); return features;
///         });
template <class... Refs, class Fn>
[[nodiscard]] BackendFeatureLoader createBackendFeatureLoader(const Deps<Refs...>& loaderDeps, Fn fn) {
  using DepsT = Deps<Refs...>;
  if constexpr (detail::has_extension_point<DepsT>::value || !detail::all_root<DepsT>::value) {
    static_assert(
        !detail::has_extension_point<DepsT>::value && detail::all_root<DepsT>::value,
        "rigging: a feature loader can only depend on root-scoped services; remove the plugin-scoped "
        "ref or extension point from its deps(...)");
    return BackendFeatureLoader(nullptr);
  } else if constexpr (!detail::invocable_with_deps<Fn, DepsT>::value) {
    static_assert(
        detail::invocable_with_deps<Fn, DepsT>::value,
        "rigging: the feature loader callable does not accept its deps; it must take one reference per "
        "ref of deps(...), in the same order");
    return BackendFeatureLoader(nullptr);
  } else if constexpr (!std::is_convertible_v<typename detail::deps_result<Fn, DepsT>::type,
                                              std::vector<BackendFeature>>) {
    static_assert(
        std::is_convertible_v<typename detail::deps_result<Fn, DepsT>::type, std::vector<BackendFeature>>,
        "rigging: a feature loader must return std::vector<BackendFeature>");
    return BackendFeatureLoader(nullptr);
  } else {
    return BackendFeatureLoader(
        std::make_shared<const detail::TypedLoader<DepsT, Fn>>(loaderDeps, std::move(fn)));
  }
}

}  // namespace rigging
