// SPDX-License-Identifier: Apache-2.0
// Copyright The rigging Authors
// BackendFeature: anything Backend::add takes. Factories, decorators, plugins, modules and feature loaders
// are features themselves (they derive from it), so adding one copies nothing and builds no temporary.
#pragma once

#include <memory>
#include <utility>

namespace rigging {

namespace detail {
class FactoryImpl;
class PluginImpl;
class ModuleImpl;
class LoaderImpl;
}  // namespace detail

/// One feature of any kind: a service factory or decorator, a plugin, a module or a feature loader.
class BackendFeature {
 public:
  enum class Kind : unsigned char { service_factory, plugin, module, loader };

  [[nodiscard]] Kind kind() const noexcept { return kind_; }
  /// For the engine: the implementation if kind() matches, else empty.
  [[nodiscard]] std::shared_ptr<const detail::FactoryImpl> factory() const noexcept {
    return as<detail::FactoryImpl>(Kind::service_factory);
  }
  [[nodiscard]] std::shared_ptr<const detail::PluginImpl> plugin() const noexcept {
    return as<detail::PluginImpl>(Kind::plugin);
  }
  [[nodiscard]] std::shared_ptr<const detail::ModuleImpl> module() const noexcept {
    return as<detail::ModuleImpl>(Kind::module);
  }
  [[nodiscard]] std::shared_ptr<const detail::LoaderImpl> loader() const noexcept {
    return as<detail::LoaderImpl>(Kind::loader);
  }
  /// For the engine: the implementation whatever its kind (a copy keeps it alive), and a factory's address
  /// without a copy (null for other kinds).
  [[nodiscard]] const std::shared_ptr<const void>& owner() const noexcept { return impl_; }
  [[nodiscard]] const detail::FactoryImpl* factoryPointer() const noexcept {
    return kind_ == Kind::service_factory ? static_cast<const detail::FactoryImpl*>(impl_.get()) : nullptr;
  }

 protected:
  explicit BackendFeature(std::shared_ptr<const detail::FactoryImpl> impl) noexcept
      : kind_(Kind::service_factory), impl_(std::move(impl)) {}
  explicit BackendFeature(std::shared_ptr<const detail::PluginImpl> impl) noexcept
      : kind_(Kind::plugin), impl_(std::move(impl)) {}
  explicit BackendFeature(std::shared_ptr<const detail::ModuleImpl> impl) noexcept
      : kind_(Kind::module), impl_(std::move(impl)) {}
  explicit BackendFeature(std::shared_ptr<const detail::LoaderImpl> impl) noexcept
      : kind_(Kind::loader), impl_(std::move(impl)) {}

 private:
  // impl_ was made from a shared_ptr<const T> for the T that kind_ names, so the cast back is exact.
  template <class T>
  [[nodiscard]] std::shared_ptr<const T> as(Kind kind) const noexcept {
    if (kind_ != kind) return nullptr;
    return std::static_pointer_cast<const T>(impl_);
  }

  Kind kind_;
  std::shared_ptr<const void> impl_;  // one pointer, whatever the kind: copies and moves are shared_ptr's own
};

}  // namespace rigging
