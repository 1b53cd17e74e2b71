// SPDX-License-Identifier: Apache-2.0
// Copyright The rigging Authors
// The type-erased forms of factories, decorators and inits: what the engine runs, one indirect call each.
//
// One class each, not a class template per callable: the typed side contributes only a function (a "thunk")
// that casts the stored callable back and calls it, so a TU with many factories instantiates one small
// function per factory rather than a class with a vtable, a std::make_shared control block and their RTTI.
#pragma once

#include <rigging/deps.hpp>
#include <rigging/detail/attributes.hpp>
#include <rigging/detail/callable.hpp>
#include <rigging/detail/invoke.hpp>
#include <rigging/service_ref.hpp>

#include <memory>
#include <memory_resource>
#include <optional>
#include <utility>
#include <vector>

namespace rigging::detail {

/// A service factory or decorator with its types erased. Immutable once made; shared between copies.
class FactoryImpl {
 public:
  enum class Kind : unsigned char { factory, decorator };

  /// Calls the factory's callable: `fn` is its box's object, the rest as for create().
  using CreateFn = void (*)(const void* fn, void* context, void* const* deps, Created& out,
                            std::pmr::memory_resource& arena);
  /// Calls the root context's callable: `fn` is its box's object, the rest as for createContext().
  using CreateContextFn = void (*)(const void* fn, void* const* deps, Created& out,
                                   std::pmr::memory_resource& arena);

  /// What the typed side hands over; the boxes are owned from then on.
  struct Parts {
    Kind kind;
    const std::shared_ptr<const RefInfo>* service;
    const RefList* deps;
    const RefList* contextDeps;  // null: none
    std::optional<Initialization> initialization;
    CreateFn create;
    CallableBox fn;
    CreateContextFn createContext;  // null: no root context
    CallableBox contextFn;
  };

  FactoryImpl(const Parts& parts, CallableOwner fn, CallableOwner contextFn)
      : kind_(parts.kind),
        service_(*parts.service),
        deps_(*parts.deps),
        contextDeps_(parts.contextDeps != nullptr ? *parts.contextDeps : RefList()),
        initialization_(parts.initialization),
        create_(parts.create),
        createContext_(parts.createContext),
        fn_(std::move(fn)),
        contextFn_(std::move(contextFn)) {}
  FactoryImpl(const FactoryImpl&) = delete;
  FactoryImpl& operator=(const FactoryImpl&) = delete;
  ~FactoryImpl() = default;

  [[nodiscard]] Kind kind() const noexcept { return kind_; }
  [[nodiscard]] const std::shared_ptr<const RefInfo>& service() const noexcept { return service_; }
  [[nodiscard]] const RefList& deps() const noexcept { return deps_; }
  [[nodiscard]] const RefList& contextDeps() const noexcept { return contextDeps_; }
  [[nodiscard]] bool hasContext() const noexcept { return createContext_ != nullptr; }
  /// The factory's own setting, or its scope's default.
  [[nodiscard]] Initialization initialization() const noexcept {
    if (initialization_) return *initialization_;
    return service_->scope == ServiceScope::root ? Initialization::always : Initialization::lazy;
  }

  /// Creates the root context; `deps` point to the instances of contextDeps(), in order.
  void createContext(void* const* deps, Created& out, std::pmr::memory_resource& arena) const {
    if (createContext_ != nullptr) createContext_(contextFn_.get(), deps, out, arena);
  }
  /// Creates one instance. `context` is the root context (factories) or the wrapped instance (decorators).
  void create(void* context, void* const* deps, Created& out, std::pmr::memory_resource& arena) const {
    create_(fn_.get(), context, deps, out, arena);
  }

 private:
  Kind kind_;
  std::shared_ptr<const RefInfo> service_;
  RefList deps_;
  RefList contextDeps_;
  std::optional<Initialization> initialization_;
  CreateFn create_;
  CreateContextFn createContext_;
  CallableOwner fn_;
  CallableOwner contextFn_;
};

/// Makes a FactoryImpl from what a typed factory or decorator hands over: the same code for every factory.
RIGGING_NOINLINE inline std::shared_ptr<const FactoryImpl> makeFactoryImpl(const FactoryImpl::Parts& parts) {
  CallableOwner fn(parts.fn);  // destroyed with the factory, or here if making it throws
  CallableOwner contextFn(parts.contextFn);
  return std::make_shared<const FactoryImpl>(parts, std::move(fn), std::move(contextFn));
}

/// A plugin's (or module's) init with its types erased.
class InitImpl {
 public:
  /// Calls the init's callable: `fn` is its box's object, `deps` as for run().
  using RunFn = void (*)(const void* fn, void* const* deps);

  InitImpl(const RefList& initDeps, RunFn runFn, CallableOwner fn)
      : deps_(initDeps), run_(runFn), fn_(std::move(fn)) {}
  InitImpl(const InitImpl&) = delete;
  InitImpl& operator=(const InitImpl&) = delete;
  ~InitImpl() = default;

  [[nodiscard]] const RefList& deps() const noexcept { return deps_; }
  void run(void* const* deps) const { run_(fn_.get(), deps); }

 private:
  RefList deps_;
  RunFn run_;
  CallableOwner fn_;
};

/// Makes an InitImpl: the same code for every init.
RIGGING_NOINLINE inline std::shared_ptr<const InitImpl> makeInitImpl(const RefList& deps,
                                                                     InitImpl::RunFn runFn, CallableBox fn) {
  CallableOwner owner(fn);
  return std::make_shared<const InitImpl>(deps, runFn, std::move(owner));
}

}  // namespace rigging::detail
