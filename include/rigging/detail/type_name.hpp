// SPDX-License-Identifier: Apache-2.0
// Copyright The rigging Authors
// Type identity and readable type names without RTTI, so rigging works under -fno-rtti.
#pragma once

#include <string_view>

namespace rigging::detail {

/// A unique address per type: two refs with one id but different C++ types compare unequal here.
using TypeKey = const void*;

template <class T>
struct TypeKeyHolder {
  static constexpr char anchor = 0;
};

template <class T>
constexpr TypeKey typeKey() noexcept {
  return &TypeKeyHolder<T>::anchor;
}

// The compiler spells the type inside the signature of this function; we cut it out.
template <class T>
constexpr std::string_view spelledTypeName() noexcept {
#if defined(__clang__) || defined(__GNUC__)
  std::string_view sig = __PRETTY_FUNCTION__;
  const auto start = sig.find("T = ");
  if (start == std::string_view::npos) return "unknown type";
  sig.remove_prefix(start + 4);
  const auto end = sig.find_first_of(";]");
  return sig.substr(0, end);
#else
  return "unknown type";
#endif
}

// Computed by the compiler, so a program holds the name as a constant instead of code that cuts it out.
template <class T>
inline constexpr std::string_view type_name_v = spelledTypeName<T>();

template <class T>
constexpr std::string_view typeName() noexcept {
  return type_name_v<T>;
}

}  // namespace rigging::detail
