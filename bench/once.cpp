// SPDX-License-Identifier: Apache-2.0
// Copyright The rigging Authors
// Lives of a generated graph, for counting instructions under callgrind:
//
//   valgrind --tool=callgrind --collect-atstart=no --toggle-collect=bench_measured_life
//            rigging_bench_once rigging|rigging-unique|hand 1000 [lives]
//
// `rigging`: the rigging form with factories that return their Node by value (kept in the backend's arena);
// `rigging-unique`: the same with factories that return std::make_unique<Node>(...); `hand`: the hand-written
// wiring (make_unique per object).
//
// A first life runs outside the measured function, so one-time work (function-local statics, the
// allocator's first pages) is not counted; the rigging form's features are made before either, as a program
// makes its `inline const auto` features before main. Then `lives` lives (default 5) run inside it: divide
// the count by `lives`. One life alone would be unfair either way: glibc merges the small blocks a life frees
// when some later call asks for a large one, so part of a life's cost can fall in the next life.
#include "graph.hpp"
#include "rigging_form.hpp"

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

namespace {

const bench::RiggingForm* form = nullptr;
const bench::Graph* graph = nullptr;

void life(bench::Sink& sink) {
  if (form != nullptr) {
    form->life(sink);
  } else {
    graph->handLife(sink, nullptr, nullptr);
  }
}

}  // namespace

extern "C" __attribute__((noinline)) void bench_measured_life(bench::Sink* sink, int lives) {
  for (int i = 0; i < lives; ++i) life(*sink);
}

int main(int argc, char** argv) {
  const bench::Graph* graphs[] = {&bench::graph100, &bench::graph1000, &bench::graph10000};
  const int lives = argc == 4 ? std::atoi(argv[3]) : 5;
  if (argc == 3 || (argc == 4 && lives > 0)) {
    for (const auto* g : graphs) {
      if (std::to_string(g->n) == argv[2]) graph = g;
    }
  }
  const bool byValue = graph != nullptr && std::strcmp(argv[1], "rigging") == 0;
  const bool unique = graph != nullptr && std::strcmp(argv[1], "rigging-unique") == 0;
  if (graph == nullptr || (!byValue && !unique && std::strcmp(argv[1], "hand") != 0)) {
    std::fprintf(stderr, "usage: rigging_bench_once rigging|rigging-unique|hand 100|1000|10000 [lives]\n");
    return 2;
  }
  const bench::RiggingForm made(*graph, unique ? bench::Returns::unique_ptr : bench::Returns::value);
  if (byValue || unique) form = &made;
  bench::Sink sink;
  life(sink);
  bench_measured_life(&sink, lives);
  std::printf("%s %u, %d measured lives: sink %llu\n", argv[1], graph->n, lives,
              static_cast<unsigned long long>(sink.total));
  return 0;
}
