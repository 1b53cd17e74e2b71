// SPDX-License-Identifier: Apache-2.0
// The graph fuzzer's harness (tests/fuzz/graph_harness.hpp) over a fixed range of seeds, as a plain test:
// each seed is a generated backend checked against the reference model. The libFuzzer target runs the same
// harness on the stored corpus and on what it mutates from it.
#include "fuzz/graph_harness.hpp"
#include "support/catch.hpp"

#include <cstdint>
#include <cstdio>
#include <string>

TEST_CASE("fuzzed graphs: a fixed range of seeds agrees with the reference model", "[fuzz]") {
  constexpr std::uint64_t seeds = 3000;
  rigging::fuzz::Stats stats;
  for (std::uint64_t seed = 0; seed < seeds; ++seed) {
    const auto bytes = rigging::fuzz::bytesOfSeed(seed);
    const std::string mismatch = rigging::fuzz::runCase(bytes.data(), bytes.size(), &stats);
    INFO("seed " << seed << ": " << mismatch);
    REQUIRE(mismatch.empty());
  }
  std::printf("fuzzed graphs: %ld seeds, %ld instances created, %ld injected faults; outcomes:", stats.cases,
              stats.instances, stats.faults);
  for (const auto& [outcome, count] : stats.outcomes) std::printf(" %s %ld,", outcome.c_str(), count);
  std::printf("\n");
  // The generator must reach every outcome, or the model is checked on too little.
  CHECK(stats.outcomes.size() == 6);
}
