// SPDX-License-Identifier: Apache-2.0
// Copyright The rigging Authors
// Compile-time facts about callables and their deps, and the one place that calls them with stored pointers.
#pragma once

#include <rigging/deps.hpp>
#include <rigging/detail/callable.hpp>

#include <cstddef>
#include <functional>
#include <type_traits>
#include <utility>

namespace rigging::detail {

template <class DepsT>
struct all_root;
template <class... Refs>
struct all_root<Deps<Refs...>> : std::bool_constant<(Refs::is_root && ...)> {};

template <class Fn, class DepsT, class... Pre>
struct invocable_with_deps;
template <class Fn, class... Refs, class... Pre>
struct invocable_with_deps<Fn, Deps<Refs...>, Pre...>
    : std::is_invocable<const Fn&, Pre..., typename Refs::injected_type...> {};

template <class Fn, class DepsT, class... Pre>
struct deps_result;
template <class Fn, class... Refs, class... Pre>
struct deps_result<Fn, Deps<Refs...>, Pre...> {
  using type = std::invoke_result_t<const Fn&, Pre..., typename Refs::injected_type...>;
};

template <class... Refs, class Fn, class... Pre>
decltype(auto) invokeWithDeps(const Fn& fn, void* const* deps, Pre&... pre) {
  return [&]<std::size_t... I>(std::index_sequence<I...>)->decltype(auto) {
    return std::invoke(fn, pre..., inject<Refs>(deps[I])...);
  }
  (std::index_sequence_for<Refs...>{});
}

}  // namespace rigging::detail
