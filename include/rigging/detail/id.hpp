// SPDX-License-Identifier: Apache-2.0
// Copyright The rigging Authors
// The id rule for plugins and modules, checked at creation because ids may come from configuration.
#pragma once

#include <rigging/errors.hpp>

#include <string>
#include <string_view>

namespace rigging::detail {

inline constexpr std::string_view id_pattern = "^[a-z][a-z0-9]*(-[a-z0-9]+)*$";

// ^[a-z][a-z0-9]*(-[a-z0-9]+)*$, case-insensitive, written by hand to keep <regex> out of every TU.
constexpr bool isValidId(std::string_view id) noexcept {
  auto letter = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); };
  auto digit = [](char c) { return c >= '0' && c <= '9'; };
  if (id.empty() || !letter(id.front())) return false;
  bool afterDash = false;
  for (char c : id.substr(1)) {
    if (c == '-') {
      if (afterDash) return false;
      afterDash = true;
    } else if (letter(c) || digit(c)) {
      afterDash = false;
    } else {
      return false;
    }
  }
  return !afterDash;
}

inline void checkId(std::string_view what, std::string_view id) {
  if (!isValidId(id)) {
    throw InvalidIdError(std::string("Invalid ") + std::string(what) + " ID '" + std::string(id) +
                         "': an id must match /" + std::string(id_pattern) +
                         "/i (letters, digits and single dashes, starting with a letter), e.g. 'catalog' or "
                         "'github-org'");
  }
}

}  // namespace rigging::detail
