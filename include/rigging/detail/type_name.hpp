// SPDX-License-Identifier: Apache-2.0
// Copyright The rigging Authors
// Type identity and readable type names without RTTI, so rigging works under -fno-rtti.
#pragma once

#include <cstddef>
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

// The compiler spells the type inside the signature of this function; we cut it out. Where it stands is
// found once, from the spelling for `int`: every other type then costs the compiler one substr, not a search.
template <class T>
constexpr std::string_view signatureOf() noexcept {
#if defined(__clang__) || defined(__GNUC__)
  return __PRETTY_FUNCTION__;
#else
  return {};
#endif
}

struct TypeNameSpan {
  std::size_t prefix = 0;  // characters before the type
  std::size_t suffix = 0;  // characters after it
  bool found = false;
};

inline constexpr TypeNameSpan type_name_span = [] {
  const std::string_view sig = signatureOf<int>();
  const auto start = sig.find("T = int");
  if (start == std::string_view::npos) return TypeNameSpan{};
  return TypeNameSpan{start + 4, sig.size() - (start + 7), true};
}();

template <class T>
constexpr std::string_view spelledTypeName() noexcept {
  if constexpr (!type_name_span.found) {
    return "unknown type";
  } else {
    const std::string_view sig = signatureOf<T>();
    return sig.substr(type_name_span.prefix, sig.size() - type_name_span.prefix - type_name_span.suffix);
  }
}

// Computed by the compiler, so a program holds the name as a constant instead of code that cuts it out.
template <class T>
inline constexpr std::string_view type_name_v = spelledTypeName<T>();

template <class T>
constexpr std::string_view typeName() noexcept {
  return type_name_v<T>;
}

}  // namespace rigging::detail
