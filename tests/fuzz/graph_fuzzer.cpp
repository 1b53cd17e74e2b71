// SPDX-License-Identifier: Apache-2.0
// libFuzzer target: each input is a generated backend (tests/fuzz/graph_harness.hpp) checked against the
// reference model; a disagreement aborts with the reason. Run by the fuzz preset's ctest test over the stored
// corpus (tests/fuzz/corpus) for a bounded time; reproduce one input with `rigging_graph_fuzzer <file>`.
#include "fuzz/graph_harness.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string mismatch = rigging::fuzz::runCase(data, size);
  if (!mismatch.empty()) {
    std::fprintf(stderr, "rigging graph fuzzer: rigging disagrees with the model: %s\n", mismatch.c_str());
    std::abort();
  }
  return 0;
}
