// SPDX-License-Identifier: Apache-2.0
// Copyright The rigging Authors
// An open-addressing hash table of integer keys, in one array: what the engine looks services and per-plugin
// instances up in. A node-based std::unordered_map costs an allocation per entry and a pointer chase per
// lookup; at 100,000 services that is most of a start.
#pragma once

#include <cstddef>
#include <cstdint>
#include <type_traits>
#include <utility>
#include <vector>

namespace rigging::detail {

template <class Key, class Value>
class FlatTable {
  static_assert(std::is_unsigned_v<Key>, "keys are unsigned integers; the largest value marks a free slot");

 public:
  static constexpr Key free_key = static_cast<Key>(~Key{0});

  /// Room for `count` entries without growing.
  void reserve(std::size_t count) {
    if (count * 2 > slots_.size()) rehash(capacityFor(count));
  }

  /// The value of `key`, or nullptr.
  [[nodiscard]] Value* find(Key key) noexcept {
    if (slots_.empty()) return nullptr;
    for (std::size_t i = home(key);; i = (i + 1) & mask()) {
      if (slots_[i].key == key) return &slots_[i].value;
      if (slots_[i].key == free_key) return nullptr;
    }
  }
  [[nodiscard]] const Value* find(Key key) const noexcept { return const_cast<FlatTable*>(this)->find(key); }

  /// Inserts `value` under `key` unless the key is there; returns the entry and whether it was inserted.
  std::pair<Value*, bool> insert(Key key, Value value) {
    if ((size_ + 1) * 2 > slots_.size()) rehash(capacityFor(size_ + 1));
    for (std::size_t i = home(key);; i = (i + 1) & mask()) {
      if (slots_[i].key == key) return {&slots_[i].value, false};
      if (slots_[i].key == free_key) {
        slots_[i] = {key, std::move(value)};
        ++size_;
        return {&slots_[i].value, true};
      }
    }
  }

  [[nodiscard]] std::size_t size() const noexcept { return size_; }

  /// Empties the table; keeps its memory.
  void clear() noexcept {
    for (auto& slot : slots_) slot.key = free_key;
    size_ = 0;
  }

 private:
  struct Slot {
    Key key = free_key;
    Value value{};
  };

  static std::size_t capacityFor(std::size_t count) {
    std::size_t capacity = 16;
    while (capacity < count * 2) capacity *= 2;
    return capacity;
  }
  [[nodiscard]] std::size_t mask() const noexcept { return slots_.size() - 1; }
  // Fibonacci hashing: consecutive keys (ids are numbered densely) spread over the table.
  [[nodiscard]] std::size_t home(Key key) const noexcept {
    return static_cast<std::size_t>((static_cast<std::uint64_t>(key) * 0x9E3779B97F4A7C15ULL) >> 32U) &
           mask();
  }

  void rehash(std::size_t capacity) {
    std::vector<Slot> old(capacity);
    old.swap(slots_);
    size_ = 0;
    for (auto& slot : old) {
      if (slot.key != free_key) insert(slot.key, std::move(slot.value));
    }
  }

  std::vector<Slot> slots_;
  std::size_t size_ = 0;
};

}  // namespace rigging::detail
