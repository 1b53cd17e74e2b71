// SPDX-License-Identifier: Apache-2.0
// Copyright The rigging Authors
// `deps(...)`: the ordered list of services a factory, root context, decorator or init depends on.
#pragma once

#include <rigging/detail/attributes.hpp>
#include <rigging/extension_point.hpp>
#include <rigging/service_ref.hpp>

#include <cstddef>
#include <initializer_list>
#include <memory>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

namespace rigging {

namespace detail {
template <class R>
struct is_dependency : std::bool_constant<is_service_ref<R>::value || is_extension_point<R>::value> {};

/// The run-time descriptions of a list of refs, in order.
using RefList = std::vector<std::shared_ptr<const RefInfo>>;

// What every Deps<...> holds, whatever its refs' types: the list is built and destroyed by the same code for
// every list of deps, so a TU with many factories does not get one copy of it per factory.
class DepsBase {
 public:
  /// The run-time description of every ref, in order.
  [[nodiscard]] RefList infos() const { return infos_; }
  [[nodiscard]] const RefList& infoList() const noexcept { return infos_; }
  /// Hands the list over (an init keeps the list of the deps(...) it is given, not a copy).
  [[nodiscard]] RefList takeInfoList() && noexcept { return std::move(infos_); }

 protected:
  DepsBase() = default;
  RIGGING_NOINLINE explicit DepsBase(std::initializer_list<const std::shared_ptr<const RefInfo>*> refs) {
    infos_.reserve(refs.size());
    for (const auto* info : refs) infos_.push_back(*info);
  }
  RIGGING_NOINLINE DepsBase(const DepsBase& other) : infos_(other.infos_) {}
  DepsBase(DepsBase&&) noexcept = default;
  DepsBase& operator=(const DepsBase&) = default;
  DepsBase& operator=(DepsBase&&) noexcept = default;
  RIGGING_NOINLINE ~DepsBase() = default;

 private:
  RefList infos_;
};
}  // namespace detail

/// A service ref or extension point ref: what can be listed in deps(...).
template <class R>
concept Dependency = detail::is_dependency<std::remove_cvref_t<R>>::value;

/// The dependencies of a factory or init, in the order their values are passed to its callable.
template <class... Refs>
class Deps : public detail::DepsBase {
 public:
  static constexpr std::size_t size = sizeof...(Refs);

  explicit Deps(const Refs&... refs) : DepsBase({&refs.info()...}) {}

  /// The refs, in order.
  [[nodiscard]] std::tuple<Refs...> refs() const {
    return [this]<std::size_t... I>(std::index_sequence<I...>) {
      return std::tuple<Refs...>(Refs(infoList()[I])...);
    }
    (std::index_sequence_for<Refs...>{});
  }
};

/// No dependencies: nothing to hold, so nothing to destroy either (a factory without deps costs no code for
/// them).
template <>
class Deps<> {
 public:
  static constexpr std::size_t size = 0;

  Deps() = default;

  [[nodiscard]] std::tuple<> refs() const noexcept { return {}; }
  /// The run-time description of every ref, in order: none.
  [[nodiscard]] detail::RefList infos() const { return {}; }
  [[nodiscard]] const detail::RefList& infoList() const noexcept {
    static const detail::RefList none;
    return none;
  }
  [[nodiscard]] detail::RefList takeInfoList() && noexcept { return {}; }
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
