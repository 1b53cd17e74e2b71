// SPDX-License-Identifier: Apache-2.0
// Copyright The rigging Authors
// Compile-time facts about callables and their deps, and how a callable is kept (boxed) and called.
//
// A TU instantiates these once per factory, init or loader, so they are written to instantiate little: a
// plain call expression in a `requires` instead of std::is_invocable / std::invoke_result (std::invoke only
// for member pointers), and the callable kept in a type-erased box that captureless lambdas do not even need.
#pragma once

#include <rigging/deps.hpp>
#include <rigging/detail/attributes.hpp>
#include <rigging/detail/callable.hpp>

#include <cstddef>
#include <functional>
#include <memory>
#include <type_traits>
#include <utility>

namespace rigging::detail {

template <class DepsT>
struct all_root;
template <class... Refs>
struct all_root<Deps<Refs...>> : std::bool_constant<(Refs::is_root && ...)> {};

// Whether `fn(args...)` is valid for a `const Fn&`, as std::is_invocable says, and what it returns.
template <class Fn, bool = std::is_member_pointer_v<Fn>>
struct call_traits {
  template <class... Args>
  static constexpr bool invocable = requires(const Fn& fn, Args&&... args) {
    fn(static_cast<Args&&>(args)...);
  };
  template <class... Args>
  using result = decltype(std::declval<const Fn&>()(std::declval<Args>()...));
};
template <class Fn>
struct call_traits<Fn, true> {
  template <class... Args>
  static constexpr bool invocable = std::is_invocable_v<const Fn&, Args...>;
  template <class... Args>
  using result = std::invoke_result_t<const Fn&, Args...>;
};

template <class Fn, class DepsT, class... Pre>
struct invocable_with_deps;
template <class Fn, class... Refs, class... Pre>
struct invocable_with_deps<Fn, Deps<Refs...>, Pre...>
    : std::bool_constant<call_traits<Fn>::template invocable<Pre..., typename Refs::injected_type...>> {};

template <class Fn, class DepsT, class... Pre>
struct deps_result;
template <class Fn, class... Refs, class... Pre>
struct deps_result<Fn, Deps<Refs...>, Pre...> {
  using type = typename call_traits<Fn>::template result<Pre..., typename Refs::injected_type...>;
};

/// A callable with its type erased: owned through `object`, or nothing at all for a captureless lambda
/// (any empty, trivial function object), which the typed side makes again where it calls it.
struct CallableBox {
  void* object = nullptr;
  void (*destroy)(void*) noexcept = nullptr;
};

template <class Fn>
inline constexpr bool stateless_v = std::is_empty_v<Fn>&& std::is_trivially_default_constructible_v<Fn>&&
    std::is_trivially_copy_constructible_v<Fn>&& std::is_trivially_destructible_v<Fn>;

template <class Fn>
inline const Fn stateless_instance{};

/// The box of a stateless callable: a pointer to stateless_instance<Fn>; empty for any other callable.
template <class Fn>
inline constexpr CallableBox stateless_box{};
template <class Fn>
  requires stateless_v<Fn>
inline constexpr CallableBox stateless_box<Fn>{const_cast<Fn*>(&stateless_instance<Fn>), nullptr};

template <class Fn>
void deleteCallable(void* object) noexcept {
  delete static_cast<Fn*>(object);
}

/// Boxes `fn`; a stateless one is not copied: the box points to stateless_instance<Fn>.
template <class Fn>
CallableBox boxCallable(Fn&& fn) {
  using F = std::remove_cvref_t<Fn>;
  if constexpr (stateless_v<F>) {
    return {const_cast<F*>(&stateless_instance<F>), nullptr};
  } else {
    return {new F(std::forward<Fn>(fn)), &deleteCallable<F>};
  }
}

/// Owns a box; destroys the callable unless released.
class CallableOwner {
 public:
  explicit CallableOwner(CallableBox box) noexcept : box_(box) {}
  CallableOwner(CallableOwner&& other) noexcept : box_(other.box_) { other.box_ = {}; }
  CallableOwner& operator=(CallableOwner&&) = delete;
  ~CallableOwner() {
    if (box_.destroy != nullptr) box_.destroy(box_.object);
  }
  [[nodiscard]] const void* get() const noexcept { return box_.object; }
  /// Gives the box up: the caller owns it again.
  [[nodiscard]] CallableBox release() noexcept { return std::exchange(box_, CallableBox{}); }

 private:
  CallableBox box_;
};

/// Keeps a boxed callable alive for the copies of a RegisterCall; one class for every callable.
class CallableHolder {
 public:
  explicit CallableHolder(CallableBox box) noexcept : owner_(box) {}
  [[nodiscard]] const void* get() const noexcept { return owner_.get(); }

 private:
  CallableOwner owner_;
};

/// What the std::function of a plugin's or module's register callback holds: one type per `Env` (rather than
/// one per callable, each with its own std::function manager); the callable's own code is one thunk.
template <class Env>
class RegisterCall {
 public:
  using Thunk = void (*)(const void* fn, Env& env);

  RegisterCall(Thunk thunk, const void* fn, std::shared_ptr<const CallableHolder> holder) noexcept
      : thunk_(thunk), fn_(fn), holder_(std::move(holder)) {}
  void operator()(Env& env) const { thunk_(fn_, env); }

 private:
  Thunk thunk_;
  const void* fn_;
  std::shared_ptr<const CallableHolder> holder_;  // null for a stateless callable
};

template <class Fn, class Env>
void registerThunk(const void* fn, Env& env) {
  (*static_cast<const Fn*>(fn))(env);
}

/// The RegisterCall for `fn`.
template <class Env, class Fn>
RegisterCall<Env> registerCall(Fn&& fn) {
  using F = std::remove_cvref_t<Fn>;
  if constexpr (stateless_v<F>) {
    return RegisterCall<Env>(&registerThunk<F, Env>, &stateless_instance<F>, nullptr);
  } else {
    auto holder = std::make_shared<const CallableHolder>(boxCallable(std::forward<Fn>(fn)));
    const void* object = holder->get();
    return RegisterCall<Env>(&registerThunk<F, Env>, object, std::move(holder));
  }
}

/// Calls `fn(args...)` (std::invoke for a member pointer).
template <class Fn, class... Args>
decltype(auto) call(const Fn& fn, Args&&... args) {
  if constexpr (std::is_member_pointer_v<Fn>) {
    return std::invoke(fn, std::forward<Args>(args)...);
  } else {
    return fn(std::forward<Args>(args)...);
  }
}

}  // namespace rigging::detail
