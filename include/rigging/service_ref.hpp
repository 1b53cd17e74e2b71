// SPDX-License-Identifier: Apache-2.0
// Copyright The rigging Authors
// Service references: the typed, named handle through which a service is requested and provided.
//
// A ref carries the service interface `T`, its scope (`RootScope` or `PluginScope`) and its cardinality
// (`Singleton` or `Multiton`) in its type, so mistakes about them are compile errors, and an id by which the
// backend matches factories to consumers at run time. It may carry a default factory.
#pragma once

#include <rigging/detail/attributes.hpp>
#include <rigging/detail/intern.hpp>
#include <rigging/detail/type_name.hpp>

#include <atomic>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <type_traits>
#include <unordered_map>
#include <utility>
#include <vector>

namespace rigging {

/// Scope tag: one instance per backend, shared by every plugin.
struct RootScope {};
/// Scope tag (the default): one instance per plugin that needs it.
struct PluginScope {};

/// Cardinality tag (the default): one factory provides the service.
struct Singleton {};
/// Cardinality tag: every registered factory contributes an instance; consumers get them all.
struct Multiton {};

/// Pass `multiton` to createServiceRef to make a multiton ref.
struct multiton_t {
  explicit constexpr multiton_t() = default;
};
inline constexpr multiton_t multiton{};

/// The run-time spelling of a scope, used in messages and introspection.
enum class ServiceScope : unsigned char { root, plugin };

/// When a factory's instances are created. Root services default to `always` (created at start), plugin
/// services to `lazy` (created when a plugin first needs them); `always` on a plugin service creates it for
/// every plugin.
enum class Initialization : unsigned char { always, lazy };

namespace detail {

class FactoryImpl;

template <class Scope>
inline constexpr bool is_scope_v = std::is_same_v<Scope, RootScope> || std::is_same_v<Scope, PluginScope>;

template <class C>
inline constexpr bool is_cardinality_v = std::is_same_v<C, Singleton> || std::is_same_v<C, Multiton>;

/// What the backend knows of a ref at run time. Made once and never destroyed (see internRef): refs,
/// factories, inits and backends hold it by plain pointer, so copying a ref or a list of deps counts no
/// references, and a ref is trivially destructible (a program's namespace-scope refs need no destructor
/// each).
class RefInfo {
 public:
  RefInfo(std::string_view refId, TypeKey refType, std::string_view name, ServiceScope refScope,
          bool isMultiton, bool isExtensionPoint)
      : id(refId),
        key(internId(refId)),
        type(refType),
        typeName(name),
        scope(refScope),
        multiton(isMultiton),
        extensionPoint(isExtensionPoint) {}
  RefInfo(const RefInfo&) = delete;
  RefInfo& operator=(const RefInfo&) = delete;

  [[nodiscard]] virtual bool hasDefaultFactory() const noexcept { return false; }
  // Only called when hasDefaultFactory() says so.
  [[nodiscard]] virtual std::shared_ptr<const FactoryImpl> makeDefaultFactory() const { return nullptr; }

  std::string id;
  std::uint32_t key;  // internId(id): equal for every ref with this id
  // The service index the engine gave this ref object in its latest registry build (high half: the build's
  // number). Only a cache: a backend on another thread overwriting it costs a lookup, never a wrong index.
  mutable std::atomic<std::uint64_t> engineSlot{0};
  TypeKey type;
  std::string_view typeName;
  ServiceScope scope;
  bool multiton;
  bool extensionPoint;             // an ExtensionPoint<T>, not a service
  TypeKey callbackType = nullptr;  // the type of its default factory's callback, if it has one

 protected:
  ~RefInfo() = default;  // only a failed creation calls it: every RefInfo made lives as long as the process
};

// Every RefInfo of the process. Never destroyed, so a ref stays valid in any static object's destructor.
struct RefTable {
  std::mutex mutex;
  std::vector<const RefInfo*> all;  // every RefInfo made, in the order made: what keeps them reachable
  std::unordered_multimap<std::uint32_t, const RefInfo*> interned;  // by key

  // Room for one more in `all`, growing geometrically, so that the push_back after making a RefInfo cannot
  // throw and lose it.
  void reserveOne() {
    if (all.size() == all.capacity()) all.reserve(2 * all.size() + 16);
  }
};

inline RefTable& refTable() {
  static RefTable& table = *new RefTable;
  return table;
}

/// What a ref's C++ type says about it: one constant per type, so making a ref passes one pointer for all of
/// it.
struct RefKind {
  TypeKey type;
  std::string_view typeName;
  ServiceScope scope;
  bool multiton;
  bool extensionPoint;
};

template <class T, ServiceScope scope, bool multiton, bool extensionPoint>
inline constexpr RefKind ref_kind{typeKey<T>(), typeName<T>(), scope, multiton, extensionPoint};

/// The RefInfo for `id` and `kind` whose default factory is a callback of type `callback` (null: none), made
/// by `make()` the first time and kept for the rest of the process; the table's mutex is held.
template <class Make>
const RefInfo* internLocked(RefTable& table, std::uint32_t key, const RefKind& kind, TypeKey callback,
                            Make make) {
  for (auto [at, end] = table.interned.equal_range(key); at != end; ++at) {
    const RefInfo& info = *at->second;
    if (info.type == kind.type && info.scope == kind.scope && info.multiton == kind.multiton &&
        info.extensionPoint == kind.extensionPoint && info.callbackType == callback)
      return &info;
  }
  table.reserveOne();
  auto info = make();  // a unique_ptr until the table holds it
  table.interned.emplace(key, info.get());
  table.all.push_back(info.get());
  return info.release();
}

/// The RefInfo of a ref without a default factory: one per id, type, scope and kind for the whole process, so
/// a function that makes the same ref at every call allocates nothing after the first.
RIGGING_NOINLINE inline const RefInfo* internRef(std::string_view id, const RefKind& kind) {
  const std::uint32_t key = internId(id);
  RefTable& table = refTable();
  const std::lock_guard lock(table.mutex);
  return internLocked(table, key, kind, nullptr, [&] {
    struct Plain final : RefInfo {
      using RefInfo::RefInfo;
    };
    return std::unique_ptr<Plain>(
        new Plain(id, kind.type, kind.typeName, kind.scope, kind.multiton, kind.extensionPoint));
  });
}

/// Keeps `make()`'s RefInfo, a ref with a default factory, for the rest of the process. One whose callback
/// holds no state is interned like a plain ref (by its callback's type too); one whose callback holds state
/// gets its own each time, since callbacks cannot be compared.
template <class F, class Make>
const RefInfo* keepRef(std::string_view id, const RefKind& kind, Make make) {
  const std::uint32_t key = internId(id);
  RefTable& table = refTable();
  const std::lock_guard lock(table.mutex);
  if constexpr (std::is_empty_v<F>) {  // a lambda without captures: its type says everything it does
    return internLocked(table, key, kind, typeKey<F>(), make);
  } else {
    table.reserveOne();
    auto info = make();
    table.all.push_back(info.get());
    return info.release();
  }
}

}  // namespace detail

/// The range a consumer of a multiton ref receives: every instance, in registration order, as `T&`.
template <class T>
class ServiceRange {
 public:
  class iterator {
   public:
    using value_type = T;
    using reference = T&;
    using pointer = T*;
    using difference_type = std::ptrdiff_t;
    using iterator_category = std::random_access_iterator_tag;

    iterator() = default;
    explicit iterator(void* const* at) : at_(at) {}
    T& operator*() const { return *static_cast<T*>(*at_); }
    T* operator->() const { return static_cast<T*>(*at_); }
    T& operator[](difference_type n) const { return *static_cast<T*>(at_[n]); }
    iterator& operator++() {
      ++at_;
      return *this;
    }
    iterator operator++(int) {
      auto old = *this;
      ++at_;
      return old;
    }
    iterator& operator--() {
      --at_;
      return *this;
    }
    iterator operator--(int) {
      auto old = *this;
      --at_;
      return old;
    }
    iterator& operator+=(difference_type n) {
      at_ += n;
      return *this;
    }
    iterator& operator-=(difference_type n) {
      at_ -= n;
      return *this;
    }
    friend iterator operator+(iterator it, difference_type n) { return it += n; }
    friend iterator operator+(difference_type n, iterator it) { return it += n; }
    friend iterator operator-(iterator it, difference_type n) { return it -= n; }
    friend difference_type operator-(iterator a, iterator b) { return a.at_ - b.at_; }
    friend bool operator==(iterator a, iterator b) { return a.at_ == b.at_; }
    friend auto operator<=>(iterator a, iterator b) { return a.at_ <=> b.at_; }

   private:
    void* const* at_ = nullptr;
  };

  ServiceRange() = default;
  ServiceRange(void* const* items, std::size_t count) : items_(items), size_(count) {}

  [[nodiscard]] iterator begin() const { return iterator(items_); }
  [[nodiscard]] iterator end() const { return iterator(items_ + size_); }
  [[nodiscard]] std::size_t size() const noexcept { return size_; }
  [[nodiscard]] bool empty() const noexcept { return size_ == 0; }
  T& operator[](std::size_t i) const { return *static_cast<T*>(items_[i]); }

 private:
  void* const* items_ = nullptr;
  std::size_t size_ = 0;
};

/// A typed reference to a service. Copies are cheap and all name the same service.
template <class T, class Scope = PluginScope, class Cardinality = Singleton>
class ServiceRef {
  static_assert(detail::is_scope_v<Scope>,
                "rigging: the scope of a ServiceRef must be RootScope or PluginScope");
  static_assert(detail::is_cardinality_v<Cardinality>,
                "rigging: the cardinality of a ServiceRef must be Singleton or Multiton");
  static_assert(!std::is_reference_v<T> && !std::is_const_v<T>,
                "rigging: a ServiceRef names the service type itself, not a reference or const type");

 public:
  using service_type = T;
  using scope_type = Scope;
  using cardinality_type = Cardinality;
  static constexpr bool is_root = std::is_same_v<Scope, RootScope>;
  static constexpr bool is_multiton = std::is_same_v<Cardinality, Multiton>;
  /// What a factory, init or decorator receives for this ref: `T&`, or a ServiceRange<T> for a multiton.
  using injected_type = std::conditional_t<is_multiton, ServiceRange<T>, T&>;

  explicit constexpr ServiceRef(const detail::RefInfo* info) noexcept : info_(info) {}

  /// The id, `'<pluginId>.<serviceName>'` by convention.
  [[nodiscard]] std::string_view id() const noexcept { return info_->id; }
  [[nodiscard]] static constexpr ServiceScope scope() noexcept {
    return is_root ? ServiceScope::root : ServiceScope::plugin;
  }
  [[nodiscard]] bool hasDefaultFactory() const noexcept { return info_->hasDefaultFactory(); }

  /// For the engine and tools; not needed to use a service.
  [[nodiscard]] const detail::RefInfo* info() const noexcept { return info_; }

 private:
  const detail::RefInfo* info_;  // lives as long as the process
};

namespace detail {

template <class R>
struct is_service_ref : std::false_type {};
template <class T, class S, class C>
struct is_service_ref<ServiceRef<T, S, C>> : std::true_type {};

// Keeps the user's default-factory callback; calls it with the ref when the backend needs the factory.
template <class Ref, class F>
class RefInfoWithDefault final : public RefInfo {
 public:
  RefInfoWithDefault(std::string_view refId, F fn)
      : RefInfo(refId, detail::typeKey<typename Ref::service_type>(),
                detail::typeName<typename Ref::service_type>(), Ref::scope(), Ref::is_multiton, false),
        fn_(std::move(fn)) {
    callbackType = typeKey<F>();
  }

  [[nodiscard]] bool hasDefaultFactory() const noexcept override { return true; }
  [[nodiscard]] std::shared_ptr<const FactoryImpl> makeDefaultFactory() const override {
    auto factory = fn_(Ref(this));
    static_assert(
        requires { factory.impl(); },
        "rigging: a default factory callback must return createServiceFactory(service, ...) for the "
        "ref it receives");
    static_assert(std::is_same_v<typename decltype(factory)::ref_type, Ref>,
                  "rigging: a default factory must create the service of the ref it belongs to; pass the "
                  "callback's `service` argument to createServiceFactory");
    return factory.impl();
  }

 private:
  F fn_;
};

template <class Ref>
RIGGING_ALWAYS_INLINE inline const RefInfo* plainRefInfo(std::string_view id) {
  using T = typename Ref::service_type;
  return internRef(id, ref_kind<T, Ref::scope(), Ref::is_multiton, false>);
}

template <class Ref, class F>
const RefInfo* defaultedRefInfo(std::string_view id, F&& fn) {
  using Fd = std::decay_t<F>;
  using T = typename Ref::service_type;
  return keepRef<Fd>(id, ref_kind<T, Ref::scope(), Ref::is_multiton, false>, [&] {
    return std::unique_ptr<RefInfoWithDefault<Ref, Fd>>(
        new RefInfoWithDefault<Ref, Fd>(id, std::forward<F>(fn)));
  });
}

}  // namespace detail

// A plain ref's create function is inlined to one call of a function shared by every ref, so a program's
// namespace-scope refs cost its static initialiser one call each, and no function per ref type.

/// Creates a reference to a service of interface `T`.
///
///     inline const auto fooRef = createServiceRef<FooService>("example.foo");
///     inline const auto clockRef = createServiceRef<Clock, RootScope>("example.clock");
template <class T, class Scope = PluginScope>
[[nodiscard]] RIGGING_ALWAYS_INLINE inline ServiceRef<T, Scope> createServiceRef(std::string_view id) {
  return ServiceRef<T, Scope>(detail::plainRefInfo<ServiceRef<T, Scope>>(id));
}

/// Creates a reference with a default factory: `defaultFactory(service)` must return
/// `createServiceFactory(service, ...)`; it is used only when the backend has no other factory for the ref.
template <class T, class Scope = PluginScope, class F>
  requires(!std::same_as<std::remove_cvref_t<F>, multiton_t>)
[[nodiscard]] RIGGING_NOINLINE ServiceRef<T, Scope> createServiceRef(std::string_view id, F defaultFactory) {
  using Ref = ServiceRef<T, Scope>;
  return Ref(detail::defaultedRefInfo<Ref>(id, std::move(defaultFactory)));
}

/// Creates a multiton reference: every factory added for it contributes an instance.
template <class T, class Scope = PluginScope>
[[nodiscard]] RIGGING_ALWAYS_INLINE inline ServiceRef<T, Scope, Multiton> createServiceRef(
    std::string_view id, multiton_t) {
  return ServiceRef<T, Scope, Multiton>(detail::plainRefInfo<ServiceRef<T, Scope, Multiton>>(id));
}

/// Creates a multiton reference whose default factory counts only when no other factory is registered.
template <class T, class Scope = PluginScope, class F>
[[nodiscard]] RIGGING_NOINLINE ServiceRef<T, Scope, Multiton> createServiceRef(std::string_view id,
                                                                               multiton_t, F defaultFactory) {
  using Ref = ServiceRef<T, Scope, Multiton>;
  return Ref(detail::defaultedRefInfo<Ref>(id, std::move(defaultFactory)));
}

}  // namespace rigging
