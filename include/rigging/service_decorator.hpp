// SPDX-License-Identifier: Apache-2.0
// Copyright The rigging Authors
// Service decorators: wrap the instance that would otherwise be injected, keeping the original alive.
//
// Backstage users override a service with a factory that depends on the same service, which is a cycle
// (backstage/backstage#25017). A decorator says what they mean: "take whatever provides this service and
// wrap it". Several decorators of one service apply in the order they were added.
#pragma once

#include <rigging/backend_feature.hpp>
#include <rigging/deps.hpp>
#include <rigging/detail/attributes.hpp>
#include <rigging/detail/callable.hpp>
#include <rigging/detail/factory_impl.hpp>
#include <rigging/detail/invoke.hpp>
#include <rigging/service_factory.hpp>
#include <rigging/service_ref.hpp>

#include <memory>
#include <type_traits>
#include <utility>

namespace rigging {

/// A decorator of the service named by `ServiceRef<T, Scope>`; add it to a backend.
template <class T, class Scope>
class ServiceDecorator : public BackendFeature {
 public:
  using ref_type = ServiceRef<T, Scope>;

  explicit ServiceDecorator(std::shared_ptr<const detail::FactoryImpl> impl) noexcept
      : BackendFeature(std::move(impl)) {}

  [[nodiscard]] ref_type service() const { return ref_type(factory()->service()); }
  [[nodiscard]] std::shared_ptr<const detail::FactoryImpl> impl() const noexcept { return factory(); }
};

namespace detail {

// The typed half of a decorator: calls the stored callable with the wrapped instance and the deps.
template <class T, class Fn, class DepsT, class Seq>
struct DecoratorThunk;
template <class T, class Fn, class... Refs, std::size_t... I>
struct DecoratorThunk<T, Fn, Deps<Refs...>, std::index_sequence<I...>> {
  static void create(const void* fn, void* inner, [[maybe_unused]] void* const* deps, Created& out,
                     Arena& arena) {
    store<T>(call(*static_cast<const Fn*>(fn), *static_cast<T*>(inner), inject<Refs>(deps[I])...), out,
             arena);
  }
};

}  // namespace detail

/// Creates a decorator: `fn` receives the instance that would otherwise be injected (as `T&`), then the
/// deps in order, and returns the instance to inject instead.
///
///     inline const auto tracedFoo = createServiceDecorator(fooRef, deps(tracerRef),
///         [](FooService& inner, Tracer& tracer) { return std::make_unique<TracedFoo>(inner, tracer); });
template <class T, class Scope, class C, class... Refs, class Fn>
[[nodiscard]] RIGGING_NOINLINE auto createServiceDecorator(const ServiceRef<T, Scope, C>& service,
                                                           const Deps<Refs...>& decoratorDeps, Fn fn) {
  using Ref = ServiceRef<T, Scope, C>;
  using Decorator = ServiceDecorator<T, Scope>;
  using DepsT = Deps<Refs...>;
  if constexpr (detail::has_extension_point<DepsT>::value) {
    static_assert(
        !detail::has_extension_point<DepsT>::value,
        "rigging: a decorator cannot depend on an extension point; extension points are for the inits "
        "of modules");
    return Decorator(nullptr);
  } else if constexpr (Ref::is_multiton) {
    static_assert(!Ref::is_multiton,
                  "rigging: multiton services cannot be decorated; decorate the service of each factory "
                  "instead, or wrap the range where you consume it");
    return Decorator(nullptr);
  } else if constexpr (Ref::is_root && !detail::all_root<DepsT>::value) {
    static_assert(detail::all_root<DepsT>::value,
                  "rigging: a decorator of a root-scoped service can only depend on root-scoped services; "
                  "remove the plugin-scoped ref from its deps(...)");
    return Decorator(nullptr);
  } else if constexpr (!detail::invocable_with_deps<Fn, DepsT, T&>::value) {
    static_assert(detail::invocable_with_deps<Fn, DepsT, T&>::value,
                  "rigging: the decorator callable does not accept its arguments; it must take the wrapped "
                  "service as T& first, then one reference per ref of deps(...), in the same order");
    return Decorator(nullptr);
  } else if constexpr (!detail::provides_v<T, typename detail::deps_result<Fn, DepsT, T&>::type>) {
    static_assert(detail::provides_v<T, typename detail::deps_result<Fn, DepsT, T&>::type>,
                  "rigging: the decorator callable returns something that is not the service's type; return "
                  "std::unique_ptr<T>, std::shared_ptr<T>, or a value of T or of a class derived from T");
    return Decorator(nullptr);
  } else {
    return Decorator(detail::makeFactoryImpl(
        {detail::FactoryImpl::Kind::decorator,
         service.info(),
         decoratorDeps.infoList(),
         {},
         std::nullopt,
         &detail::DecoratorThunk<T, Fn, DepsT, std::index_sequence_for<Refs...>>::create,
         detail::boxCallable(std::move(fn)),
         nullptr,
         {}}));
  }
}

}  // namespace rigging
