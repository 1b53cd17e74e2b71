// SPDX-License-Identifier: Apache-2.0
// Copyright The rigging Authors
// One life of a generated graph, for counting instructions under callgrind:
//
//   valgrind --tool=callgrind --collect-atstart=no --toggle-collect=bench_measured_life
//            rigging_bench_once rigging 1000
//
// A first life runs outside the measured function, so one-time work (function-local statics, the
// allocator's first pages) is not counted; the rigging form's features are made before either, as a program
// makes its `inline const auto` features before main.
#include "graph.hpp"
#include "rigging_form.hpp"

#include <cstdio>
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

extern "C" __attribute__((noinline)) void bench_measured_life(bench::Sink* sink) { life(*sink); }

int main(int argc, char** argv) {
  const bench::Graph* graphs[] = {&bench::graph100, &bench::graph1000, &bench::graph10000};
  if (argc == 3) {
    for (const auto* g : graphs) {
      if (std::to_string(g->n) == argv[2]) graph = g;
    }
  }
  const bool rigging = argc == 3 && std::strcmp(argv[1], "rigging") == 0;
  if (graph == nullptr || (!rigging && std::strcmp(argv[1], "hand") != 0)) {
    std::fprintf(stderr, "usage: rigging_bench_once rigging|hand 100|1000|10000\n");
    return 2;
  }
  const bench::RiggingForm made(*graph);
  if (rigging) form = &made;
  bench::Sink sink;
  life(sink);
  bench_measured_life(&sink);
  std::printf("%s %u: sink %llu\n", argv[1], graph->n, static_cast<unsigned long long>(sink.total));
  return 0;
}
