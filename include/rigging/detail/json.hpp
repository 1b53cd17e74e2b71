// SPDX-License-Identifier: Apache-2.0
// Copyright The rigging Authors
// The little JSON writing rigging needs (log lines, graph export), without a JSON library.
#pragma once

#include <fmt/format.h>

#include <string>
#include <string_view>

namespace rigging::detail {

/// Appends `text` as a JSON string literal, quotes included.
inline void appendJsonString(std::string& out, std::string_view text) {
  out += '"';
  for (const char c : text) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          out += fmt::format("\\u{:04x}", static_cast<unsigned>(static_cast<unsigned char>(c)));
        } else {
          out += c;
        }
    }
  }
  out += '"';
}

}  // namespace rigging::detail
