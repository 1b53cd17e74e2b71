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

#include <cstddef>
#include <cstdint>
#include <memory>
#include <memory_resource>
#include <new>
#include <optional>
#include <span>
#include <type_traits>
#include <utility>
#include <vector>

namespace rigging::detail {

/// A service factory or decorator with its types erased. Immutable once made; shared between copies.
class FactoryImpl {
 public:
  enum class Kind : unsigned char { factory, decorator };

  /// Calls the factory's callable: `fn` is its box's object, the rest as for create().
  using CreateFn = void (*)(const void* fn, void* context, void* const* deps, Created& out, Arena& arena);
  /// Calls the root context's callable: `fn` is its box's object, the rest as for createContext().
  using CreateContextFn = void (*)(const void* fn, void* const* deps, Created& out, Arena& arena);

  /// What the typed side hands over; the boxes are owned from then on.
  struct Parts {
    Kind kind;
    const RefInfo* service;
    RefSpan deps;
    RefSpan contextDeps;
    std::optional<Initialization> initialization;
    CreateFn create;
    CallableBox fn;
    CreateContextFn createContext;  // null: no root context
    CallableBox contextFn;
  };

  FactoryImpl(const Parts& parts, CallableOwner fn, CallableOwner contextFn)
      : kind_(parts.kind),
        service_(parts.service),
        deps_(parts.deps.begin(), parts.deps.end()),
        contextDeps_(parts.contextDeps.begin(), parts.contextDeps.end()),
        initialization_(parts.initialization),
        create_(parts.create),
        createContext_(parts.createContext),
        fn_(std::move(fn)),
        contextFn_(std::move(contextFn)) {}
  FactoryImpl(const FactoryImpl&) = delete;
  FactoryImpl& operator=(const FactoryImpl&) = delete;
  ~FactoryImpl() = default;

  [[nodiscard]] Kind kind() const noexcept { return kind_; }
  [[nodiscard]] const RefInfo* service() const noexcept { return service_; }
  [[nodiscard]] const RefList& deps() const noexcept { return deps_; }
  [[nodiscard]] const RefList& contextDeps() const noexcept { return contextDeps_; }
  [[nodiscard]] bool hasContext() const noexcept { return createContext_ != nullptr; }
  /// The factory's own setting, or its scope's default.
  [[nodiscard]] Initialization initialization() const noexcept {
    if (initialization_) return *initialization_;
    return service_->scope == ServiceScope::root ? Initialization::always : Initialization::lazy;
  }

  /// Creates the root context; `deps` point to the instances of contextDeps(), in order.
  void createContext(void* const* deps, Created& out, Arena& arena) const {
    if (createContext_ != nullptr) createContext_(contextFn_.get(), deps, out, arena);
  }
  /// Creates one instance. `context` is the root context (factories) or the wrapped instance (decorators).
  void create(void* context, void* const* deps, Created& out, Arena& arena) const {
    create_(fn_.get(), context, deps, out, arena);
  }

 private:
  Kind kind_;
  const RefInfo* service_;
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

// `n` rounded up to a multiple of what operator new aligns to.
constexpr std::size_t roundUp(std::size_t n) noexcept {
  constexpr std::size_t align = alignof(std::max_align_t);
  return (n + align - 1) / align * align;
}

/// A plugin's (or module's) init with its types erased, in one block of the registration points' memory (the
/// backend's arena): the thunk, the deps and, after them, the callable itself. Made at every start by a
/// register callback, so it is one allocation, not one for the init, one for its callable and one for its
/// list of deps. Owned by the registration points.
class InitImpl {
 public:
  /// Calls the init's callable: `fn` is the callable, `deps` as for run().
  using RunFn = void (*)(const void* fn, void* const* deps);

  struct Deleter {
    void operator()(InitImpl* init) const noexcept { destroy(init); }
  };
  using Ptr = std::unique_ptr<InitImpl, Deleter>;

  InitImpl(const InitImpl&) = delete;
  InitImpl& operator=(const InitImpl&) = delete;

  [[nodiscard]] RefSpan deps() const noexcept { return {depsStorage(), depCount_}; }
  /// `deps` point to the instances of deps(), in order.
  void run(void* const* deps) const { run_(fn_, deps); }

  /// Makes an init in `memory` that keeps the refs of `deps` and a copy of `fn`.
  template <class Fn>
  static Ptr make(std::pmr::memory_resource& memory, RefSpan deps, RunFn runFn, Fn&& fn) {
    using F = std::remove_cvref_t<Fn>;
    if constexpr (stateless_v<F>) {
      Ptr init = allocate(memory, deps, runFn, 0);
      init->fn_ = &stateless_instance<F>;
      return init;
    } else if constexpr (alignof(F) <= alignof(std::max_align_t)) {
      Ptr init = allocate(memory, deps, runFn, sizeof(F));
      void* storage = init->callableStorage();
      init->fn_ = ::new (storage) F(std::forward<Fn>(fn));  // if this throws, `init` frees the block
      init->destroy_ = &destroyInPlace<F>;
      return init;
    } else {  // over-aligned: a box of its own
      Ptr init = allocate(memory, deps, runFn, 0);
      const CallableBox box = boxCallable(std::forward<Fn>(fn));
      init->fn_ = box.object;
      init->destroy_ = box.destroy;
      return init;
    }
  }

 private:
  using RefPtr = const RefInfo*;
  static constexpr std::size_t align = alignof(std::max_align_t);
  static constexpr std::size_t header_size = roundUp(sizeof(void*) * 6);

  InitImpl(std::pmr::memory_resource& memory, std::size_t blockSize, RunFn runFn,
           std::size_t depCount) noexcept
      : memory_(&memory), blockSize_(blockSize), run_(runFn), depCount_(depCount) {}
  ~InitImpl() = default;

  [[nodiscard]] RefPtr* depsStorage() const noexcept {
    return reinterpret_cast<RefPtr*>(reinterpret_cast<std::uintptr_t>(this) + header_size);
  }
  [[nodiscard]] void* callableStorage() noexcept {
    return reinterpret_cast<unsigned char*>(this) + header_size + roundUp(sizeof(RefPtr) * depCount_);
  }

  // The same code for every init: the block, the init at its start and the refs after it.
  RIGGING_NOINLINE static Ptr allocate(std::pmr::memory_resource& memory, RefSpan initDeps, RunFn runFn,
                                       std::size_t callableSize) {
    static_assert(sizeof(InitImpl) <= header_size && alignof(RefPtr) <= align);
    const std::size_t size = header_size + roundUp(sizeof(RefPtr) * initDeps.size()) + callableSize;
    void* block = memory.allocate(size, align);
    Ptr init(::new (block) InitImpl(memory, size, runFn, initDeps.size()));
    RefPtr* refs = init->depsStorage();
    for (std::size_t i = 0; i < initDeps.size(); ++i) ::new (refs + i) RefPtr(initDeps[i]);
    return init;
  }

  RIGGING_NOINLINE static void destroy(InitImpl* init) noexcept {
    if (init->destroy_ != nullptr) init->destroy_(const_cast<void*>(init->fn_));
    std::pmr::memory_resource* const memory = init->memory_;
    const std::size_t size = init->blockSize_;
    init->~InitImpl();
    memory->deallocate(init, size, align);
  }

  std::pmr::memory_resource* memory_;
  std::size_t blockSize_;
  RunFn run_;
  const void* fn_ = nullptr;
  void (*destroy_)(void*) noexcept = nullptr;  // null: nothing to destroy (a stateless callable)
  std::size_t depCount_;
};

}  // namespace rigging::detail
