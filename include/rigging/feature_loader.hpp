// SPDX-License-Identifier: Apache-2.0
// Copyright The rigging Authors
// Features and feature loaders: anything Backend::add takes, and a feature that yields more features at
// start.
//
// A loader depends on root-scoped services only (the backend creates those, and only those, before it runs
// the loader); the features it returns are added as if by Backend::add, except that an explicitly added
// factory for the same service takes precedence over a loader's.
#pragma once

#include <rigging/backend_feature.hpp>
#include <rigging/deps.hpp>
#include <rigging/detail/factory_impl.hpp>
#include <rigging/detail/invoke.hpp>
#include <rigging/module.hpp>
#include <rigging/plugin.hpp>
#include <rigging/service_decorator.hpp>
#include <rigging/service_factory.hpp>

#include <memory>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

namespace rigging {

namespace detail {

/// A feature loader with its types erased.
class LoaderImpl {
 public:
  /// Calls the loader's callable: `fn` is its box's object, `deps` as for load().
  using LoadFn = std::vector<BackendFeature> (*)(const void* fn, void* const* deps);

  LoaderImpl(RefSpan loaderDeps, LoadFn loadFn, CallableOwner fn, const char* file, unsigned line)
      : deps_(loaderDeps.begin(), loaderDeps.end()),
        load_(loadFn),
        fn_(std::move(fn)),
        site_(siteOf(file, line)) {}
  LoaderImpl(const LoaderImpl&) = delete;
  LoaderImpl& operator=(const LoaderImpl&) = delete;
  ~LoaderImpl() = default;

  [[nodiscard]] const RefList& deps() const noexcept { return deps_; }
  [[nodiscard]] std::vector<BackendFeature> load(void* const* deps) const { return load_(fn_.get(), deps); }
  /// Where createBackendFeatureLoader was called, as Backstage names a loader: "created at 'file.cpp:12'"
  /// (the file's name without its directories, which the build decides). Empty if unknown.
  [[nodiscard]] const std::string& site() const noexcept { return site_; }

 private:
  // Copied now: the caller's `file` need not outlive the loader.
  static std::string siteOf(const char* file, unsigned line) {
    if (file == nullptr || *file == '\0') return {};
    std::string_view name(file);
    if (const auto slash = name.find_last_of("/\\"); slash != std::string_view::npos)
      name.remove_prefix(slash + 1);
    return "created at '" + std::string(name) + ":" + std::to_string(line) + "'";
  }

  RefList deps_;
  LoadFn load_;
  CallableOwner fn_;
  std::string site_;
};

// The typed half of a loader: calls the stored callable with the deps.
template <class Fn, class DepsT, class Seq>
struct LoaderThunk;
template <class Fn, class... Refs, std::size_t... I>
struct LoaderThunk<Fn, Deps<Refs...>, std::index_sequence<I...>> {
  static std::vector<BackendFeature> load(const void* fn, [[maybe_unused]] void* const* deps) {
    return call(*static_cast<const Fn*>(fn), inject<Refs>(deps[I])...);
  }
};

RIGGING_NOINLINE inline std::shared_ptr<const LoaderImpl> makeLoaderImpl(RefSpan deps,
                                                                         LoaderImpl::LoadFn load,
                                                                         CallableBox fn, const char* file,
                                                                         unsigned line) {
  CallableOwner owner(fn);
  return std::make_shared<const LoaderImpl>(deps, load, std::move(owner), file, line);
}

}  // namespace detail

/// A feature loader; add it to a backend.
class BackendFeatureLoader : public BackendFeature {
 public:
  explicit BackendFeatureLoader(std::shared_ptr<const detail::LoaderImpl> impl) noexcept
      : BackendFeature(std::move(impl)) {}
  [[nodiscard]] std::shared_ptr<const detail::LoaderImpl> impl() const noexcept { return loader(); }
};

/// Creates a feature loader: `fn` receives root-scoped deps as references and returns the features to add,
/// as a std::vector<BackendFeature>. Errors name the loader by number and by where it was made
/// ("feature loader #1 created at 'main.cpp:12'"); `file` and `line` default to this call's place.
///
///     inline const auto fromConfig = createBackendFeatureLoader(deps(coreServices::rootConfig),
///         [](RootConfigService& config) {
///           std::vector<BackendFeature> features;
///           if (config.getOptionalBoolean("catalog.enabled").value_or(true))
///           features.push_back(catalogPlugin); return features;
///         });
template <class... Refs, class Fn>
[[nodiscard]] BackendFeatureLoader createBackendFeatureLoader(const Deps<Refs...>& loaderDeps, Fn fn,
                                                              const char* file = __builtin_FILE(),
                                                              unsigned line = __builtin_LINE()) {
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
    return BackendFeatureLoader(detail::makeLoaderImpl(
        loaderDeps.infoList(), &detail::LoaderThunk<Fn, DepsT, std::index_sequence_for<Refs...>>::load,
        detail::boxCallable(std::move(fn)), file, line));
  }
}

}  // namespace rigging
