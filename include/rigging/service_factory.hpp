// SPDX-License-Identifier: Apache-2.0
// Copyright The rigging Authors
// Service factories: how instances of a service are made, and what they need.
//
// `createServiceFactory(ref, deps(...), fn)` checks at compile time that `fn` accepts the deps as references
// in order, that it returns something that is the ref's type, and that a root-scoped factory depends only on
// root-scoped services. The result is a plain description: nothing runs until the backend starts.
#pragma once

#include <rigging/backend_feature.hpp>
#include <rigging/deps.hpp>
#include <rigging/detail/attributes.hpp>
#include <rigging/detail/callable.hpp>
#include <rigging/detail/factory_impl.hpp>
#include <rigging/detail/invoke.hpp>
#include <rigging/service_ref.hpp>

#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <type_traits>
#include <utility>

namespace rigging {

/// A root context: created once per factory per backend, from root-scoped deps, and handed by reference
/// as the first argument to every per-plugin call of the factory. Made by rootContext(deps(...), fn).
template <class DepsT, class Fn>
struct RootContext {
  DepsT deps;
  Fn fn;
};

/// Declares a factory's root context (Backstage's `createRootContext` option).
template <class... Refs, class Fn>
[[nodiscard]] RootContext<Deps<Refs...>, Fn> rootContext(Deps<Refs...> contextDeps, Fn fn) {
  return {std::move(contextDeps), std::move(fn)};
}

/// A factory for the service named by `ServiceRef<T, Scope, Cardinality>`; add it to a backend. The defaults
/// are a ref's, so `ServiceFactory<T, RootScope>` can be named in a header that declares a function making
/// one.
template <class T, class Scope = PluginScope, class Cardinality = Singleton>
class ServiceFactory : public BackendFeature {
 public:
  using ref_type = ServiceRef<T, Scope, Cardinality>;

  explicit ServiceFactory(std::shared_ptr<const detail::FactoryImpl> impl) noexcept
      : BackendFeature(std::move(impl)) {}

  /// The ref this factory provides.
  [[nodiscard]] ref_type service() const { return ref_type(factory()->service()); }
  /// For the engine and tools.
  [[nodiscard]] std::shared_ptr<const detail::FactoryImpl> impl() const noexcept { return factory(); }
};

/// A factory that also takes options: use it as a factory, or call it with options to get a configured one.
/// Made by createServiceFactory(fn) where `fn(Options)` returns a factory.
template <class Options, class Factory, class Fn>
class ServiceFactoryWithOptions : public Factory {
 public:
  explicit ServiceFactoryWithOptions(Fn fn) : Factory(fn(Options{})), fn_(std::move(fn)) {}

  /// A factory configured with `options`.
  [[nodiscard]] Factory operator()(Options options) const { return fn_(std::move(options)); }
  /// The factory with default options.
  [[nodiscard]] Factory operator()() const { return static_cast<const Factory&>(*this); }

 private:
  Fn fn_;
};

namespace detail {

struct NoContext {};

template <class CtxFn, class CtxDepsT>
struct context_type {
  using type = NoContext;
};
template <class CtxFn, class CtxDepsT>
  requires(!std::is_same_v<CtxFn, NoContext> && invocable_with_deps<CtxFn, CtxDepsT>::value)
struct context_type<CtxFn, CtxDepsT> {
  using type = stored_t<typename deps_result<CtxFn, CtxDepsT>::type>;
};

// The typed half of a factory: calls the stored callable with the deps and keeps the result. One function
// per factory (and one per root context); everything else about a factory is the same code for all.
template <class T, class Fn, class Ctx, class DepsT, class Seq>
struct FactoryThunk;
template <class T, class Fn, class Ctx, class... Refs, std::size_t... I>
struct FactoryThunk<T, Fn, Ctx, Deps<Refs...>, std::index_sequence<I...>> {
  static void create(const void* fn, [[maybe_unused]] void* context, [[maybe_unused]] void* const* deps,
                     Created& out, Arena& arena) {
    const Fn& f = *static_cast<const Fn*>(fn);
    if constexpr (std::is_member_pointer_v<Fn>) {
      if constexpr (std::is_same_v<Ctx, NoContext>) {
        store<T>(std::invoke(f, inject<Refs>(deps[I])...), out, arena);
      } else {
        store<T>(std::invoke(f, *static_cast<Ctx*>(context), inject<Refs>(deps[I])...), out, arena);
      }
    } else if constexpr (std::is_same_v<Ctx, NoContext>) {
      store<T>(f(inject<Refs>(deps[I])...), out, arena);
    } else {
      store<T>(f(*static_cast<Ctx*>(context), inject<Refs>(deps[I])...), out, arena);
    }
  }
  static void createContext(const void* fn, [[maybe_unused]] void* const* deps, Created& out, Arena& arena) {
    store<T>(call(*static_cast<const Fn*>(fn), inject<Refs>(deps[I])...), out, arena);
  }
};

// Each check is reported alone (the first that fails) so one mistake gives one message.
enum class FactoryCheck : unsigned char {
  ok,
  depends_on_extension_point,
  root_depends_on_plugin,
  root_with_context,
  context_depends_on_plugin,
  context_not_callable,
  context_returns_void,
  not_callable,
  wrong_result,
};

template <class Ref, class DepsT, class Fn, class... Pre>
consteval FactoryCheck checkCallable() {
  if constexpr (!invocable_with_deps<Fn, DepsT, Pre...>::value) {
    return FactoryCheck::not_callable;
  } else if constexpr (!provides_v<typename Ref::service_type,
                                   typename deps_result<Fn, DepsT, Pre...>::type>) {
    return FactoryCheck::wrong_result;
  } else {
    return FactoryCheck::ok;
  }
}

template <class CtxDepsT, class CtxFn>
consteval FactoryCheck checkContext() {
  if constexpr (!all_root<CtxDepsT>::value) {
    return FactoryCheck::context_depends_on_plugin;
  } else if constexpr (!invocable_with_deps<CtxFn, CtxDepsT>::value) {
    return FactoryCheck::context_not_callable;
  } else if constexpr (std::is_void_v<typename deps_result<CtxFn, CtxDepsT>::type>) {
    return FactoryCheck::context_returns_void;
  } else {
    return FactoryCheck::ok;
  }
}

template <class Ref, class DepsT, class Fn, class CtxDepsT, class CtxFn>
consteval FactoryCheck checkFactory() {
  if constexpr (has_extension_point<DepsT>::value || has_extension_point<CtxDepsT>::value) {
    return FactoryCheck::depends_on_extension_point;
  } else if constexpr (Ref::is_root && !all_root<DepsT>::value) {
    return FactoryCheck::root_depends_on_plugin;
  } else if constexpr (std::is_same_v<CtxFn, NoContext>) {
    return checkCallable<Ref, DepsT, Fn>();
  } else if constexpr (Ref::is_root) {
    return FactoryCheck::root_with_context;
  } else if constexpr (checkContext<CtxDepsT, CtxFn>() != FactoryCheck::ok) {
    return checkContext<CtxDepsT, CtxFn>();
  } else {
    return checkCallable<Ref, DepsT, Fn, typename context_type<CtxFn, CtxDepsT>::type&>();
  }
}

template <FactoryCheck check>
constexpr void reportFactoryCheck() {
  static_assert(
      check != FactoryCheck::depends_on_extension_point,
      "rigging: a service factory cannot depend on an extension point; extension points are for the "
      "inits of modules, so list the ExtensionPoint in a module's registerInit(deps(...), fn)");
  static_assert(check != FactoryCheck::root_depends_on_plugin,
                "rigging: a root-scoped service factory can only depend on root-scoped services; remove the "
                "plugin-scoped ref from its deps(...) or make the service plugin-scoped");
  static_assert(check != FactoryCheck::root_with_context,
                "rigging: rootContext(...) is only for plugin-scoped services; a root-scoped service has one "
                "instance, so build its shared state inside its factory");
  static_assert(check != FactoryCheck::context_depends_on_plugin,
                "rigging: a root context can only depend on root-scoped services; move the plugin-scoped ref "
                "from rootContext(deps(...), fn) to the factory's own deps(...)");
  static_assert(check != FactoryCheck::context_not_callable,
                "rigging: the root context callable does not accept its deps; it must take one reference per "
                "ref of rootContext(deps(...), fn), in the same order");
  static_assert(check != FactoryCheck::context_returns_void,
                "rigging: the root context callable returns void; return the context (a value, "
                "std::unique_ptr or std::shared_ptr)");
  static_assert(
      check != FactoryCheck::not_callable,
      "rigging: the factory callable does not accept its deps; it must take one reference per ref of "
      "deps(...), in the same order (a ServiceRange<T> for a multiton ref), after the root context "
      "if the factory has one");
  static_assert(
      check != FactoryCheck::wrong_result,
      "rigging: the factory callable returns something that is not the service's type; return "
      "std::unique_ptr<T>, std::shared_ptr<T>, or a value of T or of a class derived from T, where T "
      "is the ref's service type");
}

// A factory with a root context. (One without is made by createServiceFactory itself: one function fewer per
// factory.)
template <class Ref, class... Refs, class Fn, class... CtxRefs, class CtxFn>
RIGGING_NOINLINE auto makeFactory(const Ref& ref, const Deps<Refs...>& factoryDeps, Fn fn,
                                  const Deps<CtxRefs...>& ctxDeps, CtxFn ctxFn,
                                  std::optional<Initialization> initialization) {
  using T = typename Ref::service_type;
  using Factory = ServiceFactory<T, typename Ref::scope_type, typename Ref::cardinality_type>;
  using DepsT = Deps<Refs...>;
  using CtxDepsT = Deps<CtxRefs...>;
  constexpr FactoryCheck check = checkFactory<Ref, DepsT, Fn, CtxDepsT, CtxFn>();
  if constexpr (check != FactoryCheck::ok) {
    reportFactoryCheck<check>();
    return Factory(nullptr);
  } else {
    using Ctx = typename context_type<CtxFn, CtxDepsT>::type;
    CallableOwner box(boxCallable(std::move(fn)));  // freed if boxing the context's callable throws
    const CallableBox contextBox = boxCallable(std::move(ctxFn));
    return Factory(makeFactoryImpl(
        {FactoryImpl::Kind::factory, ref.info(), factoryDeps.infoList(), ctxDeps.infoList(), initialization,
         &FactoryThunk<T, Fn, Ctx, DepsT, std::index_sequence_for<Refs...>>::create, box.release(),
         &FactoryThunk<Ctx, CtxFn, NoContext, CtxDepsT, std::index_sequence_for<CtxRefs...>>::createContext,
         contextBox}));
  }
}

template <class Fn>
struct options_of;
template <class C, class R, class A>
struct options_of<R (C::*)(A) const> {
  using type = std::remove_cvref_t<A>;
};
template <class C, class R, class A>
struct options_of<R (C::*)(A)> {
  using type = std::remove_cvref_t<A>;
};

}  // namespace detail

/// Creates a factory: `fn` receives the deps as references, in order, and returns the instance as a
/// `std::unique_ptr<T>`, a `std::shared_ptr<T>` or a value.
///
///     inline const auto fooFactory = createServiceFactory(fooRef, deps(barRef),
///         [](BarService& bar) { return std::make_unique<DefaultFoo>(bar); });
template <class T, class Scope, class C, class... Refs, class Fn>
[[nodiscard]] RIGGING_NOINLINE auto createServiceFactory(
    const ServiceRef<T, Scope, C>& service, const Deps<Refs...>& factoryDeps, Fn fn,
    std::optional<Initialization> initialization = std::nullopt) {
  using Ref = ServiceRef<T, Scope, C>;
  using DepsT = Deps<Refs...>;
  constexpr auto check = detail::checkFactory<Ref, DepsT, Fn, Deps<>, detail::NoContext>();
  if constexpr (check != detail::FactoryCheck::ok) {
    detail::reportFactoryCheck<check>();
    return ServiceFactory<T, Scope, C>(nullptr);
  } else {
    detail::FactoryImpl::Parts parts{
        detail::FactoryImpl::Kind::factory,
        service.info(),
        factoryDeps.infoList(),
        {},
        initialization,
        &detail::FactoryThunk<T, Fn, detail::NoContext, DepsT, std::index_sequence_for<Refs...>>::create,
        detail::stateless_box<Fn>,
        nullptr,
        {}};
    if constexpr (!detail::stateless_v<Fn>) parts.fn = detail::boxCallable(std::move(fn));
    return ServiceFactory<T, Scope, C>(detail::makeFactoryImpl(parts));
  }
}

/// Creates a plugin-scoped factory with a root context, passed to `fn` before the deps.
template <class T, class Scope, class C, class... Refs, class CtxDepsT, class CtxFn, class Fn>
[[nodiscard]] auto createServiceFactory(const ServiceRef<T, Scope, C>& service,
                                        const Deps<Refs...>& factoryDeps,
                                        RootContext<CtxDepsT, CtxFn> context, Fn fn,
                                        std::optional<Initialization> initialization = std::nullopt) {
  return detail::makeFactory(service, factoryDeps, std::move(fn), context.deps, std::move(context.fn),
                             initialization);
}

/// The options pattern: `fn(Options)` returns a factory. The result is the factory made with default
/// options, and can be called with options: `backend.add(fooFactory)` or `backend.add(fooFactory({...}))`.
template <class Fn>
  requires requires { &Fn::operator(); }
[[nodiscard]] auto createServiceFactory(Fn fn) {
  using Options = typename detail::options_of<decltype(&Fn::operator())>::type;
  static_assert(std::is_default_constructible_v<Options>,
                "rigging: factory options must be default-constructible, since the factory is also usable "
                "without options");
  using Factory = std::invoke_result_t<const Fn&, Options>;
  return ServiceFactoryWithOptions<Options, Factory, Fn>(std::move(fn));
}

}  // namespace rigging
