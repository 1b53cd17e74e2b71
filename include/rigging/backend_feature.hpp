// SPDX-License-Identifier: Apache-2.0
// Copyright The rigging Authors
// BackendFeature: anything Backend::add takes. Factories, decorators, plugins, modules and feature loaders
// are features themselves (they derive from it), so adding one copies nothing and builds no temporary.
#pragma once

#include <rigging/detail/attributes.hpp>

#include <memory>
#include <new>
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

  BackendFeature(const BackendFeature& other) : kind_(other.kind_) { copyFrom(other); }
  BackendFeature(BackendFeature&& other) noexcept : kind_(other.kind_) { moveFrom(other); }
  BackendFeature& operator=(const BackendFeature& other) {
    if (this != &other) {
      BackendFeature copy(other);
      *this = std::move(copy);
    }
    return *this;
  }
  BackendFeature& operator=(BackendFeature&& other) noexcept {
    if (this != &other) {
      destroy();
      kind_ = other.kind_;
      moveFrom(other);
    }
    return *this;
  }
  ~BackendFeature() { destroy(); }

  [[nodiscard]] Kind kind() const noexcept { return kind_; }
  /// For the engine: the one member that matches kind(); the others are empty.
  [[nodiscard]] const std::shared_ptr<const detail::FactoryImpl>& factory() const noexcept {
    return kind_ == Kind::service_factory ? factory_ : empty<detail::FactoryImpl>();
  }
  [[nodiscard]] const std::shared_ptr<const detail::PluginImpl>& plugin() const noexcept {
    return kind_ == Kind::plugin ? plugin_ : empty<detail::PluginImpl>();
  }
  [[nodiscard]] const std::shared_ptr<const detail::ModuleImpl>& module() const noexcept {
    return kind_ == Kind::module ? module_ : empty<detail::ModuleImpl>();
  }
  [[nodiscard]] const std::shared_ptr<const detail::LoaderImpl>& loader() const noexcept {
    return kind_ == Kind::loader ? loader_ : empty<detail::LoaderImpl>();
  }

 protected:
  explicit BackendFeature(std::shared_ptr<const detail::FactoryImpl> impl) noexcept
      : kind_(Kind::service_factory), factory_(std::move(impl)) {}
  explicit BackendFeature(std::shared_ptr<const detail::PluginImpl> impl) noexcept
      : kind_(Kind::plugin), plugin_(std::move(impl)) {}
  explicit BackendFeature(std::shared_ptr<const detail::ModuleImpl> impl) noexcept
      : kind_(Kind::module), module_(std::move(impl)) {}
  explicit BackendFeature(std::shared_ptr<const detail::LoaderImpl> impl) noexcept
      : kind_(Kind::loader), loader_(std::move(impl)) {}

 private:
  template <class T>
  static const std::shared_ptr<const T>& empty() noexcept {
    static const std::shared_ptr<const T> none;
    return none;
  }

  // Out of line: every feature type's copy and destructor is a call here, not a copy of this switch.
  RIGGING_NOINLINE void copyFrom(const BackendFeature& other) noexcept {
    switch (kind_) {
      case Kind::service_factory:
        ::new (&factory_) std::shared_ptr<const detail::FactoryImpl>(other.factory_);
        break;
      case Kind::plugin:
        ::new (&plugin_) std::shared_ptr<const detail::PluginImpl>(other.plugin_);
        break;
      case Kind::module:
        ::new (&module_) std::shared_ptr<const detail::ModuleImpl>(other.module_);
        break;
      case Kind::loader:
        ::new (&loader_) std::shared_ptr<const detail::LoaderImpl>(other.loader_);
        break;
    }
  }
  RIGGING_NOINLINE void moveFrom(BackendFeature& other) noexcept {
    switch (kind_) {
      case Kind::service_factory:
        ::new (&factory_) std::shared_ptr<const detail::FactoryImpl>(std::move(other.factory_));
        break;
      case Kind::plugin:
        ::new (&plugin_) std::shared_ptr<const detail::PluginImpl>(std::move(other.plugin_));
        break;
      case Kind::module:
        ::new (&module_) std::shared_ptr<const detail::ModuleImpl>(std::move(other.module_));
        break;
      case Kind::loader:
        ::new (&loader_) std::shared_ptr<const detail::LoaderImpl>(std::move(other.loader_));
        break;
    }
  }
  RIGGING_NOINLINE void destroy() noexcept {
    switch (kind_) {
      case Kind::service_factory:
        factory_.~shared_ptr();
        break;
      case Kind::plugin:
        plugin_.~shared_ptr();
        break;
      case Kind::module:
        module_.~shared_ptr();
        break;
      case Kind::loader:
        loader_.~shared_ptr();
        break;
    }
  }

  Kind kind_;
  union {
    std::shared_ptr<const detail::FactoryImpl> factory_;
    std::shared_ptr<const detail::PluginImpl> plugin_;
    std::shared_ptr<const detail::ModuleImpl> module_;
    std::shared_ptr<const detail::LoaderImpl> loader_;
  };
};

}  // namespace rigging
