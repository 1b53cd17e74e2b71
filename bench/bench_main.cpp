// SPDX-License-Identifier: Apache-2.0
// Copyright The rigging Authors
// Benchmarks 1-3 of docs/performance.md, with Google Benchmark: the whole life of a backend against wiring
// the same objects by hand, validation alone, and a call through an injected reference. After the runs, the
// rigging/hand-written ratio of every pair measured in this run is printed.
//
// Forms: `rigging` (factories return their Node by value; the backend keeps it in its arena),
// `rigging-unique` (factories return std::make_unique<Node>(...)) and `hand` (hand-written wiring,
// make_unique per object).
#include "graph.hpp"
#include "rigging_form.hpp"

#include <benchmark/benchmark.h>

#include <cstdint>
#include <cstdio>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace {

using bench::Returns;

const bench::RiggingForm& formOf(const bench::Graph& graph, Returns returns = Returns::value) {
  static std::map<std::pair<const bench::Graph*, Returns>, std::unique_ptr<bench::RiggingForm>> forms;
  auto& form = forms[{&graph, returns}];
  if (!form) form = std::make_unique<bench::RiggingForm>(graph, returns);
  return *form;
}

void lifeRigging(benchmark::State& state, const bench::Graph* graph, Returns returns) {
  const auto& form = formOf(*graph, returns);
  bench::Sink sink;
  for (auto _ : state) form.life(sink);
  benchmark::DoNotOptimize(sink.total);
  state.counters["services"] = graph->n;
}

void lifeHand(benchmark::State& state, const bench::Graph* graph) {
  bench::Sink sink;
  for (auto _ : state) graph->handLife(sink, nullptr, nullptr);
  benchmark::DoNotOptimize(sink.total);
  state.counters["services"] = graph->n;
}

// One form only: validation ends before the first factory runs, so what the factories return does not matter.
void validateRigging(benchmark::State& state, const bench::Graph* graph) {
  const auto& form = formOf(*graph);
  for (auto _ : state) form.validate();
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) * graph->n);  // refs validated
}

// The loop runs while the backend (or the hand-wired objects) is alive, on the object the first plugin's init
// received.
struct CallContext {
  benchmark::State* state;
  bench::Sink* sink;
};

void callLoop(void* context) {
  auto& call = *static_cast<CallContext*>(context);
  bench::Svc* target = call.sink->last;
  std::uint64_t total = 0;
  for (auto _ : *call.state) {
    benchmark::DoNotOptimize(target);
    total += target->value();
  }
  benchmark::DoNotOptimize(total);
}

void callRigging(benchmark::State& state, const bench::Graph* graph, Returns returns) {
  bench::Sink sink;
  CallContext context{&state, &sink};
  formOf(*graph, returns).life(sink, callLoop, &context);
}

void callHand(benchmark::State& state, const bench::Graph* graph) {
  bench::Sink sink;
  CallContext context{&state, &sink};
  graph->handLife(sink, callLoop, &context);
}

/// Prints what the console reporter prints, then, for each rigging form, the ratio of each of its benchmarks
/// to the hand-written one of the same kind and size measured in this run (names are kind/form/size).
class RatioReporter : public benchmark::ConsoleReporter {
 public:
  void ReportRuns(const std::vector<Run>& runs) override {
    ConsoleReporter::ReportRuns(runs);
    for (const auto& run : runs) {
      if (run.error_occurred) continue;
      // With --benchmark_repetitions, the ratio is of the medians.
      if (run.run_type == Run::RT_Aggregate && run.aggregate_name != "median") continue;
      times_[run.benchmark_name()] = run.GetAdjustedRealTime();
    }
  }
  void Finalize() override {
    ConsoleReporter::Finalize();
    std::printf("\n%-34s %14s %14s %8s\n", "rigging form/hand-written", "rigging form", "hand-written",
                "ratio");
    for (const auto& [name, time] : times_) {
      const auto first = name.find('/');
      const auto second = first == std::string::npos ? first : name.find('/', first + 1);
      if (second == std::string::npos) continue;
      const auto form = name.substr(first + 1, second - first - 1);
      if (form != "rigging" && form != "rigging-unique") continue;
      const auto hand = times_.find(name.substr(0, first) + "/hand" + name.substr(second));
      if (hand == times_.end()) continue;
      std::printf("%-34s %14.3f %14.3f %8.2f\n", name.c_str(), time, hand->second, time / hand->second);
    }
  }

 private:
  std::map<std::string, double> times_;
};

void registerAll() {
  const bench::Graph* lives[] = {&bench::graph100, &bench::graph1000, &bench::graph10000};
  for (const auto* graph : lives) {
    const auto n = std::to_string(graph->n);
    benchmark::RegisterBenchmark(("life/rigging/" + n).c_str(), lifeRigging, graph, Returns::value)
        ->Unit(benchmark::kMicrosecond);
    benchmark::RegisterBenchmark(("life/rigging-unique/" + n).c_str(), lifeRigging, graph,
                                 Returns::unique_ptr)
        ->Unit(benchmark::kMicrosecond);
    benchmark::RegisterBenchmark(("life/hand/" + n).c_str(), lifeHand, graph)->Unit(benchmark::kMicrosecond);
  }
  const bench::Graph* validations[] = {&bench::graph100, &bench::graph1000, &bench::graph10000,
                                       &bench::graph100000};
  for (const auto* graph : validations) {
    benchmark::RegisterBenchmark(("validate/rigging/" + std::to_string(graph->n)).c_str(), validateRigging,
                                 graph)
        ->Unit(benchmark::kMillisecond);
  }
  benchmark::RegisterBenchmark("call/rigging/1000", callRigging, &bench::graph1000, Returns::value);
  benchmark::RegisterBenchmark("call/rigging-unique/1000", callRigging, &bench::graph1000,
                               Returns::unique_ptr);
  benchmark::RegisterBenchmark("call/hand/1000", callHand, &bench::graph1000);
}

}  // namespace

int main(int argc, char** argv) {
  registerAll();
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  RatioReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  benchmark::Shutdown();
  return 0;
}
