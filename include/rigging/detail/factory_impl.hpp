// SPDX-License-Identifier: Apache-2.0
// Copyright The rigging Authors
// The type-erased forms of factories, decorators and inits: what the engine runs, one virtual call each.
#pragma once

#include <rigging/detail/callable.hpp>
#include <rigging/service_ref.hpp>

#include <memory>
#include <memory_resource>
#include <optional>
#include <utility>
#include <vector>

namespace rigging::detail {

using RefList = std::vector<std::shared_ptr<const RefInfo>>;

/// A service factory or decorator with its types erased. Immutable once made; shared between copies.
class FactoryImpl {
 public:
  enum class Kind : unsigned char { factory, decorator };

  FactoryImpl(Kind kind, std::shared_ptr<const RefInfo> service, RefList deps, RefList contextDeps,
              bool hasContext, std::optional<Initialization> initialization)
      : kind_(kind),
        service_(std::move(service)),
        deps_(std::move(deps)),
        contextDeps_(std::move(contextDeps)),
        hasContext_(hasContext),
        initialization_(initialization) {}
  FactoryImpl(const FactoryImpl&) = delete;
  FactoryImpl& operator=(const FactoryImpl&) = delete;
  virtual ~FactoryImpl() = default;

  [[nodiscard]] Kind kind() const noexcept { return kind_; }
  [[nodiscard]] const std::shared_ptr<const RefInfo>& service() const noexcept { return service_; }
  [[nodiscard]] const RefList& deps() const noexcept { return deps_; }
  [[nodiscard]] const RefList& contextDeps() const noexcept { return contextDeps_; }
  [[nodiscard]] bool hasContext() const noexcept { return hasContext_; }
  /// The factory's own setting, or its scope's default.
  [[nodiscard]] Initialization initialization() const noexcept {
    if (initialization_) return *initialization_;
    return service_->scope == ServiceScope::root ? Initialization::always : Initialization::lazy;
  }

  /// Creates the root context; `deps` point to the instances of contextDeps(), in order.
  virtual void createContext(void* const* deps, Created& out, std::pmr::memory_resource& arena) const = 0;
  /// Creates one instance. `context` is the root context (factories) or the wrapped instance (decorators).
  virtual void create(void* context, void* const* deps, Created& out,
                      std::pmr::memory_resource& arena) const = 0;

 private:
  Kind kind_;
  std::shared_ptr<const RefInfo> service_;
  RefList deps_;
  RefList contextDeps_;
  bool hasContext_;
  std::optional<Initialization> initialization_;
};

/// A plugin's (or module's) init with its types erased.
class InitImpl {
 public:
  explicit InitImpl(RefList deps) : deps_(std::move(deps)) {}
  InitImpl(const InitImpl&) = delete;
  InitImpl& operator=(const InitImpl&) = delete;
  virtual ~InitImpl() = default;

  [[nodiscard]] const RefList& deps() const noexcept { return deps_; }
  virtual void run(void* const* deps) const = 0;

 private:
  RefList deps_;
};

}  // namespace rigging::detail
