// SPDX-License-Identifier: Apache-2.0
// Tests of the backend's arena (detail/arena.hpp): alignment, requests larger than a block, growth, and its
// use as a memory_resource. ASan (the asan preset) checks that every block is freed with it and that no
// request overlaps another.
#include "support/catch.hpp"
#include "support/features.hpp"

#include <rigging/create_backend.hpp>
#include <rigging/detail/arena.hpp>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory_resource>
#include <new>
#include <utility>
#include <vector>

using namespace rigging;
using rigging::detail::Arena;
using rigging::test::pluginWith;

namespace {

bool alignedTo(const void* p, std::size_t alignment) {
  return reinterpret_cast<std::uintptr_t>(p) % alignment == 0;
}

struct PlainValue {
  int value;
};
struct CountedValue {
  explicit CountedValue(int v, int& destroyed) : value(v), destroyedCount(&destroyed) {}
  CountedValue(CountedValue&& other) noexcept : value(other.value), destroyedCount(other.destroyedCount) {
    other.destroyedCount = nullptr;  // a moved-from value counts nothing
  }
  CountedValue(const CountedValue&) = delete;
  CountedValue& operator=(const CountedValue&) = delete;
  CountedValue& operator=(CountedValue&&) = delete;
  ~CountedValue() {
    if (destroyedCount != nullptr) ++*destroyedCount;
  }
  int value;
  int* destroyedCount;
};

const auto plainValueRef = createServiceRef<PlainValue, RootScope>("arena.plain");
const auto countedValueRef = createServiceRef<CountedValue, RootScope>("arena.counted");

}  // namespace

TEST_CASE("arena: requests are aligned as asked and do not overlap, across many blocks", "[arena]") {
  Arena arena;
  CHECK(arena.reserved() == 0);  // nothing is taken before the first request
  std::vector<std::pair<unsigned char*, std::size_t>> taken;
  std::size_t asked = 0;  // sizes plus the most padding each could need
  const std::size_t alignments[] = {1, 2, 8, 16, 64, 256};
  for (std::size_t i = 0; i < 3000; ++i) {
    const std::size_t alignment = alignments[i % 6];
    const std::size_t size = 1 + (i * 37) % 200;
    asked += size + alignment - 1;
    auto* p = static_cast<unsigned char*>(arena.bump(size, alignment));
    REQUIRE(p != nullptr);
    CHECK(alignedTo(p, alignment));
    std::memset(p, static_cast<int>(i & 0xFFU), size);  // ASan: inside a live block
    taken.emplace_back(p, size);
  }
  // Each request still holds what was written to it: none was given out twice.
  std::size_t overwritten = 0;
  for (std::size_t i = 0; i < taken.size(); ++i) {
    const auto [p, size] = taken[i];
    for (std::size_t b = 0; b < size; ++b)
      overwritten += p[b] != static_cast<unsigned char>(i & 0xFFU) ? 1 : 0;
  }
  CHECK(overwritten == 0);
  // Each block is a quarter of what was taken before: what is reserved stays close to what was asked for
  // (the last block's unused tail, and what a request too large for a block's rest leaves behind).
  CHECK(arena.reserved() >= 3000);
  CHECK(arena.reserved() < asked + asked / 2);
}

TEST_CASE("arena: a request larger than any block, a zero-byte one and an over-aligned one", "[arena]") {
  Arena arena;
  void* empty = arena.bump(0, 1);
  CHECK(empty != nullptr);  // a pointer all the same, as memory_resource promises
  auto* big = static_cast<unsigned char*>(arena.bump(1U << 20U, 16));
  std::memset(big, 1, 1U << 20U);
  CHECK(alignedTo(big, 16));
  CHECK(arena.reserved() >= (1U << 20U));
  void* page = arena.bump(100, 4096);
  CHECK(alignedTo(page, 4096));
  auto* small = static_cast<unsigned char*>(arena.bump(8, 8));
  small[7] = 2;
  CHECK(big[(1U << 20U) - 1] == 1);
}

TEST_CASE("arena: pmr containers use it as a memory_resource, and frees are left to its end", "[arena]") {
  Arena arena;
  std::pmr::memory_resource& resource = arena;
  CHECK(resource.is_equal(arena));
  Arena other;
  CHECK_FALSE(resource.is_equal(other));
  std::pmr::vector<std::uint64_t> values(&arena);
  for (std::uint64_t v = 0; v < 10000; ++v) values.push_back(v);  // regrowth deallocates: a no-op here
  std::uint64_t sum = 0;
  for (const auto v : values) sum += v;
  CHECK(sum == 10000ULL * 9999ULL / 2ULL);
  CHECK(arena.reserved() >= 10000 * sizeof(std::uint64_t));
}

TEST_CASE("arena: a value with nothing to destroy leaves no destroy record; others are destroyed once",
          "[arena]") {
  // Three backends alike but for one service their plugin uses: none, a plain value, a value with a
  // destructor. Only the last adds a record for stop() to run.
  int destroyed = 0;
  int seen = 0;
  auto none = createBackend();
  none.add(pluginWith("arena", deps(), [] {}));
  none.start();
  const auto records = none.engine().liveInstanceCount();
  none.stop();

  auto plain = createBackend();
  plain.add(createServiceFactory(plainValueRef, deps(), [] { return PlainValue{20}; }));
  plain.add(pluginWith("arena", deps(plainValueRef), [&seen](PlainValue& a) { seen = a.value; }));
  plain.start();
  CHECK(seen == 20);
  CHECK(plain.engine().liveInstanceCount() == records);
  CHECK(plain.engine().arenaBytes() >= sizeof(PlainValue));  // the value, and the plugin's state, are there
  plain.stop();

  auto counted = createBackend();
  counted.add(
      createServiceFactory(countedValueRef, deps(), [&destroyed] { return CountedValue(22, destroyed); }));
  counted.add(pluginWith("arena", deps(countedValueRef), [&seen](CountedValue& b) { seen = b.value; }));
  counted.start();
  CHECK(seen == 22);
  CHECK(counted.engine().liveInstanceCount() == records + 1);
  CHECK(destroyed == 0);
  counted.stop();
  CHECK(destroyed == 1);
  CHECK(counted.engine().liveInstanceCount() == 0);
}

TEST_CASE("arena: a request it cannot serve throws bad_alloc and leaves the arena usable", "[arena]") {
  Arena arena;
  auto* before = static_cast<unsigned char*>(arena.bump(16, 8));
  before[15] = 7;
  const auto reserved = arena.reserved();
  CHECK_THROWS_AS(arena.bump(static_cast<std::size_t>(-1) / 2, 16), std::bad_alloc);
  CHECK_THROWS_AS(arena.bump(8, static_cast<std::size_t>(1) << 62U), std::bad_alloc);  // no wrapped sizes
  CHECK(arena.reserved() == reserved);
  auto* after = static_cast<unsigned char*>(arena.bump(16, 8));
  after[0] = 1;
  CHECK(before[15] == 7);
  CHECK(after != before);
}
