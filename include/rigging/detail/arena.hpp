// SPDX-License-Identifier: Apache-2.0
// Copyright The rigging Authors
// The backend's arena: what a backend keeps for its whole life, bump-allocated from blocks it frees together.
#pragma once

#include <rigging/detail/attributes.hpp>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <memory_resource>
#include <new>

namespace rigging::detail {

/// Where a backend puts what lives as long as it does: services returned by value, init blocks, plugin
/// states, the lists registration points keep. Nothing is freed before the arena is destroyed.
///
/// Like std::pmr::monotonic_buffer_resource, but bump() is inline: most requests
/// cost a few instructions in the caller instead of a virtual call into the library, and blocks come from
/// plain operator new (libstdc++'s resource asks for aligned blocks, which cost more to allocate). It is a
/// memory_resource all the same, for pmr containers. Each block is a quarter of what the arena took before
/// it (1 KB at first): the unused tail of the last block, kept until the end, is about a tenth of the arena,
/// for a few more blocks than growing by half would take.
class Arena final : public std::pmr::memory_resource {
 public:
  Arena() noexcept = default;
  Arena(const Arena&) = delete;
  Arena& operator=(const Arena&) = delete;
  ~Arena() override { release(); }

  /// `size` bytes aligned to `alignment` (a power of two), valid until the arena is destroyed.
  [[nodiscard]] void* bump(std::size_t size, std::size_t alignment) {
    const std::uintptr_t at = (next_ + (alignment - 1)) & ~std::uintptr_t{alignment - 1};
    if (at <= end_ && size <= end_ - at) [[likely]] {
      next_ = at + size;
      return reinterpret_cast<void*>(at);
    }
    return grow(size, alignment);
  }

  /// Bytes taken from the heap so far, headers included.
  [[nodiscard]] std::size_t reserved() const noexcept { return reserved_; }

 private:
  // A block's header; what follows it is aligned as operator new's blocks are.
  struct alignas(std::max_align_t) Block {
    Block* previous;
  };
  static constexpr std::size_t first_block = 1024;

  RIGGING_NOINLINE void* grow(std::size_t size, std::size_t alignment) {
    // Room for the header, the worst padding and the request; at least a quarter of what was taken so far.
    constexpr std::size_t limit = static_cast<std::size_t>(-1) / 4;
    if (alignment > limit || size > limit) throw std::bad_alloc();  // no sum below can wrap
    const std::size_t header = sizeof(Block) + alignment - 1;
    const std::size_t bytes = std::max({size + header, first_block, reserved_ / 4});
    auto* block = static_cast<Block*>(::operator new(bytes));
    *block = Block{last_};
    last_ = block;
    reserved_ += bytes;
    next_ = reinterpret_cast<std::uintptr_t>(block + 1);
    end_ = reinterpret_cast<std::uintptr_t>(block) + bytes;
    return bump(size, alignment);  // fits now
  }

  void release() noexcept {
    while (last_ != nullptr) {
      Block* const previous = last_->previous;
      ::operator delete(static_cast<void*>(last_));  // unsized: clang 14 has no sized delete by default
      last_ = previous;
    }
  }

  void* do_allocate(std::size_t bytes, std::size_t alignment) override { return bump(bytes, alignment); }
  void do_deallocate(void*, std::size_t, std::size_t) noexcept override {}  // freed with the arena
  [[nodiscard]] bool do_is_equal(const std::pmr::memory_resource& other) const noexcept override {
    return this == &other;
  }

  // Empty until the first request; next_ > end_ makes that request grow (even one of zero bytes).
  std::uintptr_t next_ = 1;
  std::uintptr_t end_ = 0;
  Block* last_ = nullptr;
  std::size_t reserved_ = 0;
};

}  // namespace rigging::detail
