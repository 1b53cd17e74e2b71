// SPDX-License-Identifier: Apache-2.0
// Copyright The rigging Authors
// Service ids interned once per process: a ref gets the number of its id when it is made, so a backend
// matches refs by number at every start instead of hashing and comparing strings.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

namespace rigging::detail {

// Looks a std::string key up by std::string_view, without making a string.
struct IdHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view id) const noexcept { return std::hash<std::string_view>{}(id); }
};

struct InternTable {
  std::mutex mutex;
  std::unordered_map<std::string, std::uint32_t, IdHash, std::equal_to<>> numbers;
  std::atomic<std::uint32_t> count{0};  // numbers.size(), readable without the mutex
};

// Never destroyed, like the refs that hold its numbers: a ref may be made in a static object's destructor.
inline InternTable& internTable() {
  static InternTable& table = *new InternTable;
  return table;
}

/// The same number for the same id, from any thread; numbers are dense, from 0. An id seen before costs a
/// lookup, not an allocation.
inline std::uint32_t internId(std::string_view id) {
  InternTable& table = internTable();
  const std::lock_guard lock(table.mutex);
  if (const auto found = table.numbers.find(id); found != table.numbers.end()) return found->second;
  const auto number = static_cast<std::uint32_t>(table.numbers.size());
  table.numbers.emplace(std::string(id), number);
  table.count.store(number + 1, std::memory_order_relaxed);
  return number;
}

/// How many ids have numbers: every number given out so far is below it.
inline std::uint32_t internedIdCount() noexcept {
  return internTable().count.load(std::memory_order_relaxed);
}

/// The number of an id some ref already has, or no_id: for looking ids up without giving out new numbers.
inline constexpr std::uint32_t no_id = ~std::uint32_t{0};
inline std::uint32_t findInternedId(std::string_view id) {
  InternTable& table = internTable();
  const std::lock_guard lock(table.mutex);
  const auto found = table.numbers.find(id);
  return found == table.numbers.end() ? no_id : found->second;
}

}  // namespace rigging::detail
