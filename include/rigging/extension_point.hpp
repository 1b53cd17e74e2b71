// SPDX-License-Identifier: Apache-2.0
// Copyright The rigging Authors
// Extension points: how a plugin lets its modules (and modules their siblings) extend it.
//
// A plugin or module registers an implementation with `env.registerExtensionPoint(ref, impl)`; modules of the
// same plugin list the ref in their init's deps(...) and receive the implementation as `T&`.
#pragma once

#include <rigging/detail/attributes.hpp>
#include <rigging/detail/type_name.hpp>
#include <rigging/service_ref.hpp>

#include <memory>
#include <string_view>
#include <type_traits>
#include <utility>

namespace rigging {

/// A typed reference to an extension point. Copies are cheap and all name the same extension point.
template <class T>
class ExtensionPoint {
  static_assert(
      !std::is_reference_v<T> && !std::is_const_v<T>,
      "rigging: an ExtensionPoint names the extension point type itself, not a reference or const type");

 public:
  using service_type = T;
  using injected_type = T&;
  static constexpr bool is_root = false;
  static constexpr bool is_multiton = false;

  explicit constexpr ExtensionPoint(const detail::RefInfo* info) noexcept : info_(info) {}

  /// The id, `'<pluginId>.<name>'` by convention.
  [[nodiscard]] std::string_view id() const noexcept { return info_->id; }
  /// For the engine and tools.
  [[nodiscard]] const detail::RefInfo* info() const noexcept { return info_; }

 private:
  const detail::RefInfo* info_;  // lives as long as the process
};

/// Creates an extension point ref.
///
///     inline const auto processingExtensionPoint =
///         createExtensionPoint<ProcessingExtensionPoint>("catalog.processing");
template <class T>
[[nodiscard]] RIGGING_ALWAYS_INLINE inline ExtensionPoint<T> createExtensionPoint(std::string_view id) {
  return ExtensionPoint<T>(detail::internRef(id, detail::ref_kind<T, ServiceScope::plugin, false, true>));
}

namespace detail {
template <class R>
struct is_extension_point : std::false_type {};
template <class T>
struct is_extension_point<ExtensionPoint<T>> : std::true_type {};
}  // namespace detail

}  // namespace rigging
