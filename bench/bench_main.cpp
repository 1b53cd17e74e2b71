// SPDX-License-Identifier: Apache-2.0
// Copyright The rigging Authors
// Benchmarks 1-3 of docs/performance.md, with Google Benchmark: the whole life of a backend against wiring
// the same objects by hand, validation alone, and calls through the references plugins were given. After the
// runs, the rigging/hand-written ratio of every pair measured in this run is printed.
//
// Forms: `rigging` (factories return their Node by value; the backend keeps it in its arena),
// `rigging-unique` (factories return std::make_unique<Node>(...)) and `hand` (hand-written wiring,
// make_unique per object).
#include "graph.hpp"
#include "rigging_form.hpp"

#include <benchmark/benchmark.h>
#include <unistd.h>

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

// Benchmark 3: calls on the objects the plugins were given, after start, nothing looked up per call. Every
// plugin init of the graph records the services it receives (bench::Sink::targets, in init order, reserved
// before the life); while the backend (or the hand-wired objects) is alive, each iteration calls value() on
// every one of them. One virtual call alone (~0.4 ns) is below what a run can compare: its time moved with
// the binary's layout by up to 2x. The time reported per call is the iteration's divided by the count of
// targets, which is the same in every form (checked, as is the sum of value() over the targets); the counter
// per_call is the CPU time per call (Google Benchmark divides rates by the CPU time).

/// What the plugin inits of a life received: how many services, and the sum of their value().
struct CallTargets {
  std::size_t count = 0;
  std::uint64_t sum = 0;
};

CallTargets targetsOf(const std::vector<bench::Svc*>& targets) {
  CallTargets got{targets.size(), 0};
  for (const auto* target : targets) got.sum += target->value();
  return got;
}

bool callChecksFailed = false;

/// The hand-written form's targets, which every form's must match: the same count (also the table's) and sum.
const CallTargets& handTargets(const bench::Graph& graph) {
  static std::map<const bench::Graph*, CallTargets> references;
  const auto found = references.find(&graph);
  if (found != references.end()) return found->second;
  struct Reference {
    std::vector<bench::Svc*> targets;
    CallTargets got;
  } reference;
  bench::Sink sink;
  sink.targets = &reference.targets;
  graph.handLife(
      sink,
      [](void* context) {
        auto& r = *static_cast<Reference*>(context);
        r.got = targetsOf(r.targets);
      },
      &reference);
  return references[&graph] = reference.got;
}

struct CallContext {
  benchmark::State* state;
  const std::vector<bench::Svc*>* targets;
  std::size_t tableCount;  // services the plugin inits receive, by the graph's table
  CallTargets hand;
};

void callLoop(void* context) {
  auto& call = *static_cast<CallContext*>(context);
  auto& state = *call.state;
  const std::vector<bench::Svc*>& targets = *call.targets;
  const auto got = targetsOf(targets);
  state.counters["targets"] = static_cast<double>(got.count);
  state.counters["value_sum"] = static_cast<double>(got.sum);
  if (got.count != call.tableCount || got.count != call.hand.count || got.sum != call.hand.sum) {
    callChecksFailed = true;
    state.SkipWithError("the plugin inits received other services than the hand-written form's");
    return;
  }
  for (auto _ : state) {
    std::uint64_t total = 0;
    for (const auto* target : targets) total += target->value();
    benchmark::DoNotOptimize(total);
  }
  state.counters["per_call"] =
      benchmark::Counter(static_cast<double>(state.iterations()) * static_cast<double>(got.count),
                         benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}

template <class Life>
void callBenchmark(benchmark::State& state, const bench::Graph& graph, Life life) {
  const auto tableCount = bench::pluginInitDeps(graph);
  std::vector<bench::Svc*> targets;
  targets.reserve(tableCount);
  CallContext context{&state, &targets, tableCount, handTargets(graph)};
  bench::Sink sink;
  sink.targets = &targets;
  life(sink, context);
}

void callRigging(benchmark::State& state, const bench::Graph* graph, Returns returns) {
  const auto& form = formOf(*graph, returns);
  callBenchmark(state, *graph,
                [&](bench::Sink& sink, CallContext& context) { form.life(sink, callLoop, &context); });
}

void callHand(benchmark::State& state, const bench::Graph* graph) {
  callBenchmark(state, *graph,
                [&](bench::Sink& sink, CallContext& context) { graph->handLife(sink, callLoop, &context); });
}

/// Prints what the console reporter prints, then, for each rigging form, the ratio of each of its benchmarks
/// to the hand-written one of the same kind and size measured in this run (names are kind/form/size): of the
/// real times, and of the CPU times (on a shared machine, other work adds to the real time only). The call
/// benchmarks' times are per call (the iteration's time over its targets), and their counts of targets and
/// sums of value() are printed, and must agree.
class RatioReporter : public benchmark::ConsoleReporter {
 public:
  using ConsoleReporter::ConsoleReporter;
  void ReportRuns(const std::vector<Run>& runs) override {
    ConsoleReporter::ReportRuns(runs);
    for (const auto& run : runs) {
      if (run.error_occurred) continue;
      // With --benchmark_repetitions, the ratio is of the medians.
      if (run.run_type == Run::RT_Aggregate && run.aggregate_name != "median") continue;
      Measured measured{run.GetAdjustedRealTime(), run.GetAdjustedCPUTime(), 0, 0};
      if (const auto targets = run.counters.find("targets"); targets != run.counters.end()) {
        measured.targets = targets->second.value;
        measured.sum = run.counters.at("value_sum").value;
        measured.time /= measured.targets;
        measured.cpu /= measured.targets;
      }
      times_[run.benchmark_name()] = measured;
    }
  }
  void Finalize() override {
    ConsoleReporter::Finalize();
    std::printf("\n%-34s %14s %14s %8s %10s\n", "rigging form/hand-written", "rigging form", "hand-written",
                "ratio", "cpu ratio");
    for (const auto& [name, measured] : times_) {
      const auto first = name.find('/');
      const auto second = first == std::string::npos ? first : name.find('/', first + 1);
      if (second == std::string::npos) continue;
      const auto form = name.substr(first + 1, second - first - 1);
      if (form != "rigging" && form != "rigging-unique") continue;
      const auto hand = times_.find(name.substr(0, first) + "/hand" + name.substr(second));
      if (hand == times_.end()) continue;
      std::printf("%-34s %14.3f %14.3f %8.2f %10.2f", name.c_str(), measured.time, hand->second.time,
                  measured.time / hand->second.time, measured.cpu / hand->second.cpu);
      if (measured.targets > 0) {
        std::printf("  per call (ns); targets %.0f and %.0f, sums of value() %.0f and %.0f", measured.targets,
                    hand->second.targets, measured.sum, hand->second.sum);
        if (measured.targets != hand->second.targets || measured.sum != hand->second.sum) {
          std::printf(": DIFFER");
          differ_ = true;
        }
      }
      std::printf("\n");
    }
  }
  [[nodiscard]] bool differ() const noexcept { return differ_; }

 private:
  struct Measured {
    double time;     // real time per iteration in the benchmark's unit; per call for call benchmarks
    double cpu;      // the same in CPU time, less moved by other work on a shared machine
    double targets;  // call benchmarks: the services called per iteration
    double sum;      // call benchmarks: the sum of their value()
  };
  std::map<std::string, Measured> times_;
  bool differ_ = false;
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
  // Colours only on a terminal (a reporter passed in does not follow --benchmark_color).
  RatioReporter reporter(isatty(fileno(stdout)) != 0 ? RatioReporter::OO_ColorTabular
                                                     : RatioReporter::OO_Tabular);
  benchmark::RunSpecifiedBenchmarks(&reporter);
  benchmark::Shutdown();
  if (callChecksFailed || reporter.differ()) {
    std::fprintf(stderr, "rigging_bench: the call benchmarks' forms called different services\n");
    return 1;
  }
  return 0;
}
