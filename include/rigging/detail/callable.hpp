// SPDX-License-Identifier: Apache-2.0
// Copyright The rigging Authors
// What a factory may return, how its result is kept alive, and how stored pointers become arguments.
#pragma once

#include <rigging/detail/arena.hpp>
#include <rigging/detail/attributes.hpp>
#include <rigging/service_ref.hpp>

#include <cstddef>
#include <memory>
#include <new>
#include <type_traits>
#include <utility>

namespace rigging::detail {

/// One created object as the engine keeps it: the service pointer, and how to destroy what owns it (null:
/// nothing to do, a value that is trivially destructible).
struct Created {
  void* object = nullptr;
  void* storage = nullptr;
  void (*destroy)(void*) noexcept = nullptr;
};

/// What a multiton dependency points to: the instances in registration order.
struct InstanceList {
  void* const* items = nullptr;
  std::size_t size = 0;
};

/// Thrown by store() for an empty pointer; the engine turns it into a ServiceFactoryError.
struct NullResult {};

[[noreturn]] RIGGING_COLD inline void throwNullResult() { throw NullResult{}; }

/// Destroys a `V` made by emplace(), in place (the arena keeps the bytes).
template <class V>
void destroyInPlace(void* storage) noexcept {
  static_cast<V*>(storage)->~V();
}

/// Deletes a `U` released from a std::unique_ptr<U>.
template <class U>
void deleteObject(void* storage) noexcept {
  delete static_cast<U*>(storage);
}

template <class R>
struct result_traits {
  using stored = R;
  static constexpr bool is_pointer = false;
};
template <class U, class D>
struct result_traits<std::unique_ptr<U, D>> {
  using stored = U;
  static constexpr bool is_pointer = true;
};
template <class U>
struct result_traits<std::shared_ptr<U>> {
  using stored = U;
  static constexpr bool is_pointer = true;
};

/// The object a callable's result gives access to: `U` for unique_ptr<U> / shared_ptr<U>, else the value.
template <class R>
using stored_t = typename result_traits<std::remove_cvref_t<R>>::stored;

/// True when a callable returning R can provide a service of type T.
template <class T, class R>
inline constexpr bool provides_v = [] {
  using Rd = std::remove_cvref_t<R>;
  if constexpr (std::is_void_v<Rd>) {
    return false;
  } else if constexpr (result_traits<Rd>::is_pointer) {
    return std::is_convertible_v<stored_t<Rd>*, T*>;
  } else if constexpr (std::is_convertible_v<Rd*, T*>) {
    return std::is_move_constructible_v<Rd> && !std::is_abstract_v<Rd>;
  } else {
    return !std::is_abstract_v<T> && std::is_constructible_v<T, Rd>;
  }
}();

template <class V, class... A>
RIGGING_ALWAYS_INLINE inline V* emplace(Arena& arena, Created& out, A&&... args) {
  void* memory = arena.bump(sizeof(V), alignof(V));
  // If the constructor throws, the bytes stay in the arena until the backend is destroyed.
  V* value = ::new (memory) V(std::forward<A>(args)...);
  out.storage = value;
  if constexpr (std::is_trivially_destructible_v<V>) {
    out.destroy = nullptr;  // the engine keeps no record of it
  } else {
    out.destroy = &destroyInPlace<V>;
  }
  return value;
}

/// Keeps a callable's result alive and records where the service of type T is.
template <class T, class R>
RIGGING_ALWAYS_INLINE inline void store(R&& result, Created& out, Arena& arena) {
  using Rd = std::remove_cvref_t<R>;
  if constexpr (result_traits<Rd>::is_pointer) {
    using U = stored_t<Rd>;
    if constexpr (std::is_same_v<Rd, std::unique_ptr<U>>) {
      U* raw = result.release();  // plain delete needs no holder
      if (raw == nullptr) throwNullResult();
      out.storage = raw;
      out.destroy = &deleteObject<U>;
      out.object = static_cast<T*>(raw);
    } else {
      if (!result) throwNullResult();
      U* raw = result.get();
      emplace<Rd>(arena, out, std::move(result));
      out.object = static_cast<T*>(raw);
    }
  } else if constexpr (std::is_convertible_v<Rd*, T*>) {
    out.object = static_cast<T*>(emplace<Rd>(arena, out, std::forward<R>(result)));
  } else {
    out.object = emplace<T>(arena, out, std::forward<R>(result));
  }
}

/// Turns a stored pointer back into what the callable receives for `Ref`.
template <class Ref>
typename Ref::injected_type inject(void* pointer) {
  using T = typename Ref::service_type;
  if constexpr (Ref::is_multiton) {
    const auto* list = static_cast<const InstanceList*>(pointer);
    return ServiceRange<T>(list->items, list->size);
  } else {
    return *static_cast<T*>(pointer);
  }
}

}  // namespace rigging::detail
