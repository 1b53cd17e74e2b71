// SPDX-License-Identifier: Apache-2.0
// Copyright The rigging Authors
// The engine's map from an interned id number (RefInfo::key) to a service. Numbers are dense per process, so
// while the process has not many more ids than the backend has services, an array indexed by the number is
// both smaller and quicker than a hash table: no hashing, no probing. A process with far more ids (many
// backends of different services, say) gets the hash table instead.
#pragma once

#include <rigging/detail/attributes.hpp>
#include <rigging/detail/flat_table.hpp>

#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

namespace rigging::detail {

class IdIndex {
 public:
  static constexpr std::uint32_t none = ~std::uint32_t{0};

  /// Empties the index and readies it for `count` entries whose keys are mostly below `keyBound` (the
  /// process's count of interned ids): an array if that is at most 4 slots per entry (plus a little), else
  /// a hash table.
  void reset(std::size_t count, std::size_t keyBound) {
    table_.clear();
    dense_.clear();
    isDense_ = keyBound <= count * 4 + 1024;
    if (isDense_) {
      dense_.assign(keyBound, none);
    } else {
      table_.reserve(count);
    }
  }

  [[nodiscard]] bool dense() const noexcept { return isDense_; }

  /// The value of `key`, or nullptr.
  [[nodiscard]] RIGGING_ALWAYS_INLINE const std::uint32_t* find(std::uint32_t key) const noexcept {
    if (!isDense_) return table_.find(key);
    return key < dense_.size() && dense_[key] != none ? &dense_[key] : nullptr;
  }

  /// Inserts `value` under `key` unless the key is there; returns the entry and whether it was inserted.
  std::pair<std::uint32_t*, bool> insert(std::uint32_t key, std::uint32_t value) {
    if (!isDense_ || key >= dense_.size()) [[unlikely]]
      return insertSlow(key, value);
    std::uint32_t& slot = dense_[key];
    if (slot != none) return {&slot, false};
    slot = value;
    return {&slot, true};
  }

 private:
  // Out of line, so that the array's path stays small where it is inlined.
  RIGGING_NOINLINE std::pair<std::uint32_t*, bool> insertSlow(std::uint32_t key, std::uint32_t value) {
    if (!isDense_) return table_.insert(key, value);
    dense_.resize(std::size_t{key} + 1 + dense_.size() / 2, none);  // an id numbered after reset()
    return insert(key, value);
  }

  bool isDense_ = true;
  std::vector<std::uint32_t> dense_;
  FlatTable<std::uint32_t, std::uint32_t> table_;
};

}  // namespace rigging::detail
