// SPDX-License-Identifier: Apache-2.0
// Copyright The rigging Authors
// Service ids interned once per process: a ref gets the number of its id when it is made, so a backend
// matches refs by number at every start instead of hashing and comparing strings.
#pragma once

#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

namespace rigging::detail {

/// The same number for the same id, from any thread; numbers are dense, from 0.
inline std::uint32_t internId(std::string_view id) {
  static std::mutex mutex;
  static std::unordered_map<std::string, std::uint32_t> numbers;
  const std::lock_guard lock(mutex);
  const auto [at, inserted] =
      numbers.try_emplace(std::string(id), static_cast<std::uint32_t>(numbers.size()));
  return at->second;
}

}  // namespace rigging::detail
