// SPDX-License-Identifier: Apache-2.0
// Copyright The rigging Authors
// `deps(...)`: the ordered list of services a factory, root context, decorator or init depends on.
#pragma once

#include <rigging/extension_point.hpp>
#include <rigging/service_ref.hpp>

#include <cstddef>
#include <memory>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

namespace rigging {

namespace detail {
template <class R>
struct is_dependency : std::bool_constant<is_service_ref<R>::value || is_extension_point<R>::value> {};
}  // namespace detail

/// A service ref or extension point ref: what can be listed in deps(...).
template <class R>
concept Dependency = detail::is_dependency<std::remove_cvref_t<R>>::value;

/// The dependencies of a factory or init, in the order their values are passed to its callable.
template <class... Refs>
class Deps {
 public:
  static constexpr std::size_t size = sizeof...(Refs);

  explicit Deps(Refs... refs) : refs_(std::move(refs)...) {}

  [[nodiscard]] const std::tuple<Refs...>& refs() const noexcept { return refs_; }

  /// The run-time description of every ref, in order.
  [[nodiscard]] std::vector<std::shared_ptr<const detail::RefInfo>> infos() const {
    std::vector<std::shared_ptr<const detail::RefInfo>> out;
    out.reserve(size);
    std::apply([&out](const auto&... ref) { (out.push_back(ref.info()), ...); }, refs_);
    return out;
  }

 private:
  std::tuple<Refs...> refs_;
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
