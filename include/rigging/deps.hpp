// SPDX-License-Identifier: Apache-2.0
// Copyright The rigging Authors
// `deps(...)`: the ordered list of services a factory, root context, decorator or init depends on.
#pragma once

#include <rigging/detail/attributes.hpp>
#include <rigging/extension_point.hpp>
#include <rigging/service_ref.hpp>

#include <array>
#include <cstddef>
#include <span>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

namespace rigging {

namespace detail {
template <class R>
struct is_dependency : std::bool_constant<is_service_ref<R>::value || is_extension_point<R>::value> {};

/// The run-time descriptions of a list of refs, in order, where a list is kept (factories, loaders).
using RefList = std::vector<const RefInfo*>;
/// A view of one.
using RefSpan = std::span<const RefInfo* const>;
}  // namespace detail

/// A service ref or extension point ref: what can be listed in deps(...).
template <class R>
concept Dependency = detail::is_dependency<std::remove_cvref_t<R>>::value;

/// The dependencies of a factory or init, in the order their values are passed to its callable. Holds a
/// pointer per ref and nothing else, so making and dropping one costs no code beyond the stores.
template <class... Refs>
class Deps {
 public:
  static constexpr std::size_t size = sizeof...(Refs);

  // Not explicit when empty, so that `{}` is still an empty list of deps.
  explicit(sizeof...(Refs) != 0) Deps(const Refs&... refs) noexcept : infos_{refs.info()...} {}

  /// The refs, in order.
  [[nodiscard]] std::tuple<Refs...> refs() const {
    return [this]<std::size_t... I>(std::index_sequence<I...>) {
      return std::tuple<Refs...>(Refs(infos_[I])...);
    }
    (std::index_sequence_for<Refs...>{});
  }
  /// The run-time description of every ref, in order.
  [[nodiscard]] detail::RefList infos() const { return {infos_.begin(), infos_.end()}; }
  [[nodiscard]] detail::RefSpan infoList() const noexcept { return {infos_.data(), infos_.size()}; }

 private:
  std::array<const detail::RefInfo*, sizeof...(Refs)> infos_;
};

/// Lists dependencies: `deps(coreServices::logger, fooRef)`.
template <Dependency... Refs>
[[nodiscard]] Deps<std::remove_cvref_t<Refs>...> deps(const Refs&... refs) {
  return Deps<std::remove_cvref_t<Refs>...>(refs...);
}

namespace detail {
template <class D>
struct is_deps : std::false_type {};
template <class... Refs>
struct is_deps<Deps<Refs...>> : std::true_type {};

template <class DepsT>
struct has_extension_point;
template <class... Refs>
struct has_extension_point<Deps<Refs...>> : std::bool_constant<(is_extension_point<Refs>::value || ...)> {};
}  // namespace detail

}  // namespace rigging
