// SPDX-License-Identifier: Apache-2.0
// Copyright The rigging Authors
// Tests that count heap allocations. This executable replaces the global operator new to count the ones made
// while a test asks it to (the unit tests' executable keeps the standard one).
#include "support/catch.hpp"

#include <rigging/extension_point.hpp>
#include <rigging/service_ref.hpp>

#include <atomic>
#include <cstdlib>
#include <new>

namespace {
std::atomic<bool> countingAllocations{false};
std::atomic<long> allocationCount{0};

struct Counted {
  virtual ~Counted() = default;
};
}  // namespace

// Every plain form is replaced, so that each block is freed by the family that made it (under ASan the forms
// not replaced would be the sanitizer's, and it reports a block of its operator new given to std::free). Out
// of line: inlined where a library allocates and frees, g++ would pair the standard operator new it knows
// with the std::free it sees and warn of a mismatch (-Wmismatched-new-delete) that is not there. The aligned
// forms are not replaced: they stay one family.
namespace {
void* countedAllocation(std::size_t size) noexcept {
  if (countingAllocations.load(std::memory_order_relaxed))
    allocationCount.fetch_add(1, std::memory_order_relaxed);
  return std::malloc(size == 0 ? 1 : size);
}
void* countedOrThrow(std::size_t size) {
  if (void* block = countedAllocation(size)) return block;
  throw std::bad_alloc();
}
}  // namespace

__attribute__((noinline)) void* operator new(std::size_t size) { return countedOrThrow(size); }
__attribute__((noinline)) void* operator new[](std::size_t size) { return countedOrThrow(size); }
__attribute__((noinline)) void* operator new(std::size_t size, const std::nothrow_t&) noexcept {
  return countedAllocation(size);
}
__attribute__((noinline)) void* operator new[](std::size_t size, const std::nothrow_t&) noexcept {
  return countedAllocation(size);
}
__attribute__((noinline)) void operator delete(void* block) noexcept { std::free(block); }
__attribute__((noinline)) void operator delete[](void* block) noexcept { std::free(block); }
__attribute__((noinline)) void operator delete(void* block, std::size_t) noexcept { std::free(block); }
__attribute__((noinline)) void operator delete[](void* block, std::size_t) noexcept { std::free(block); }
__attribute__((noinline)) void operator delete(void* block, const std::nothrow_t&) noexcept {
  std::free(block);
}
__attribute__((noinline)) void operator delete[](void* block, const std::nothrow_t&) noexcept {
  std::free(block);
}

TEST_CASE("allocation: making a ref that exists allocates nothing, whatever the length of its id",
          "[allocation]") {
  // Longer than a std::string keeps inline, so looking the id up by a temporary string would allocate.
  constexpr const char* id = "reliability.allocation.a-service-id-longer-than-fifteen-characters";
  const auto first = rigging::createServiceRef<Counted>(id);
  const auto firstPoint = rigging::createExtensionPoint<Counted>(id);
  allocationCount = 0;
  countingAllocations = true;
  const auto again = rigging::createServiceRef<Counted>(id);
  const auto pointAgain = rigging::createExtensionPoint<Counted>(id);
  countingAllocations = false;
  CHECK(allocationCount == 0);
  CHECK(again.info() == first.info());
  CHECK(pointAgain.info() == firstPoint.info());
}
