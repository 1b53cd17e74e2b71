// SPDX-License-Identifier: Apache-2.0
// Concurrency: after start(), many threads use services and loggers at once, and an instance created on first
// request (a lazy root service, a plugin-scoped service for a tool) is created once even when several threads
// ask first. Its own executable, so the tsan preset builds and runs only this (ctest label `concurrency`).
#include "support/catch.hpp"
#include "support/features.hpp"

#include <rigging/create_backend.hpp>
#include <rigging/defaults/root_logger.hpp>

#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

using namespace rigging;
using namespace rigging::test;

namespace {

constexpr int threadCount = 8;
constexpr int rounds = 25;

// Releases every waiting thread at once, so they race for the first request.
class StartLine {
 public:
  void wait() {
    ++waiting_;
    while (!open_.load(std::memory_order_acquire)) std::this_thread::yield();
  }
  void openWhen(int count) {
    while (waiting_.load() < count) std::this_thread::yield();
    open_.store(true, std::memory_order_release);
  }

 private:
  std::atomic<int> waiting_{0};
  std::atomic<bool> open_{false};
};

// Runs `fn(t)` on `threadCount` threads released together; returns what each returned.
template <class Fn>
std::vector<void*> race(Fn fn) {
  StartLine line;
  std::vector<void*> got(threadCount, nullptr);
  std::vector<std::thread> threads;
  for (int t = 0; t < threadCount; ++t) {
    threads.emplace_back([&, t] {
      line.wait();
      got[static_cast<std::size_t>(t)] = fn(t);
    });
  }
  line.openWhen(threadCount);
  for (auto& thread : threads) thread.join();
  return got;
}

// A service that counts how often it was made, and is slow to make so that racing threads overlap.
struct Made {
  explicit Made(std::atomic<int>& counter) {
    ++counter;
    for (int i = 0; i < 20; ++i) std::this_thread::yield();
  }
  int calls = 0;
};

struct Counters {
  std::atomic<int> lazyRoot{0};
  std::atomic<int> lazyRootDep{0};
  std::atomic<int> perPlugin{0};
};

const auto lazyRootDepRef = createServiceRef<Made, RootScope>("conc.lazyRootDep");
const auto lazyRootRef = createServiceRef<Made, RootScope>("conc.lazyRoot");
const auto perPluginRef = createServiceRef<Made>("conc.perPlugin");

Backend lazyBackend(Counters& counters) {
  auto backend = createBackend();
  backend.add(rootLoggerServiceFactory({LogFormat::text, LogLevel::warn, [](std::string_view) {}}));
  backend.add(createServiceFactory(
      lazyRootDepRef, deps(), [&counters] { return std::make_unique<Made>(counters.lazyRootDep); },
      Initialization::lazy));
  backend.add(createServiceFactory(
      lazyRootRef, deps(lazyRootDepRef),
      [&counters](Made&) { return std::make_unique<Made>(counters.lazyRoot); }, Initialization::lazy));
  backend.add(createServiceFactory(perPluginRef, deps(lazyRootRef), [&counters](Made&) {
    return std::make_unique<Made>(counters.perPlugin);
  }));
  backend.add(pluginWith("idle", deps(), [] {}));
  return backend;
}

}  // namespace

TEST_CASE("concurrency: a lazy root service asked for by many threads at once is created once",
          "[concurrency]") {
  for (int round = 0; round < rounds; ++round) {
    Counters counters;
    auto backend = lazyBackend(counters);
    backend.start();
    REQUIRE(counters.lazyRoot == 0);
    const auto got = race([&](int) { return backend.engine().resolve(*lazyRootRef.info(), ""); });
    CHECK(counters.lazyRoot == 1);
    CHECK(counters.lazyRootDep == 1);
    REQUIRE(got.front() != nullptr);
    CHECK(std::set<void*>(got.begin(), got.end()).size() == 1);
    CHECK(backend.stop());
  }
  std::printf("concurrency: %d rounds x %d threads racing for one lazy root service\n", rounds, threadCount);
}

TEST_CASE("concurrency: a ref nothing uses, asked for by many threads, is added and made once by its default",
          "[concurrency]") {
  // Half the threads ask for a root ref the backend does not know (added then, with the default its default
  // needs), while the others ask for a lazy service the backend has: the addition grows the registry under
  // their feet.
  static std::atomic<int> outer{0};
  static std::atomic<int> inner{0};
  // [[maybe_unused]]: g++ 12 counts a use inside a later generic lambda as none (-Wunused-but-set-variable).
  [[maybe_unused]] static const auto innerRef =
      createServiceRef<Made, RootScope>("conc.defaultInner", [](auto service) {
        return createServiceFactory(service, deps(), [] { return std::make_unique<Made>(inner); });
      });
  static const auto outerRef = createServiceRef<Made, RootScope>("conc.defaultOuter", [](auto service) {
    return createServiceFactory(service, deps(innerRef), [](Made&) { return std::make_unique<Made>(outer); });
  });
  for (int round = 0; round < rounds; ++round) {
    outer = 0;
    inner = 0;
    Counters counters;
    auto backend = lazyBackend(counters);
    backend.start();
    const auto got = race([&](int t) {
      return backend.engine().resolve(t % 2 == 0 ? *outerRef.info() : *lazyRootRef.info(), "");
    });
    CHECK(outer == 1);
    CHECK(inner == 1);
    CHECK(counters.lazyRoot == 1);
    std::set<void*> outers;
    std::set<void*> lazies;
    for (std::size_t t = 0; t < got.size(); ++t) (t % 2 == 0 ? outers : lazies).insert(got[t]);
    CHECK(outers.size() == 1);
    CHECK(lazies.size() == 1);
    CHECK(outers.count(nullptr) == 0);
    CHECK(lazies.count(nullptr) == 0);
    CHECK(backend.stop());
  }
}

TEST_CASE(
    "concurrency: the built-in list of installed plugins, first asked for by many threads, lists every "
    "plugin",
    "[concurrency]") {
  // Nothing needs core.rootInstanceMetadata at start, so the engine lists the plugins on the first request.
  for (int round = 0; round < rounds; ++round) {
    Counters counters;
    auto backend = lazyBackend(counters);
    backend.add(pluginWith("other", deps(), [] {}));
    backend.start();
    const auto got =
        race([&](int) { return backend.engine().resolve(*coreServices::rootInstanceMetadata.info(), ""); });
    REQUIRE(got.front() != nullptr);
    CHECK(std::set<void*>(got.begin(), got.end()).size() == 1);
    const auto& installed = static_cast<RootInstanceMetadataService*>(got.front())->getInstalledPlugins();
    REQUIRE(installed.size() == 2);
    CHECK(installed[0].pluginId == "idle");
    CHECK(installed[1].pluginId == "other");
    CHECK(backend.stop());
  }
}

TEST_CASE("concurrency: plugin-scoped services asked for by many threads are created once per plugin",
          "[concurrency]") {
  constexpr int plugins = 4;
  for (int round = 0; round < rounds; ++round) {
    Counters counters;
    auto backend = lazyBackend(counters);
    backend.start();
    // Two threads per plugin id, every one racing also for the lazy root service both depend on.
    const auto got = race([&](int t) {
      return backend.engine().resolve(*perPluginRef.info(), "tool" + std::to_string(t % plugins));
    });
    CHECK(counters.perPlugin == plugins);
    CHECK(counters.lazyRoot == 1);
    for (int t = 0; t < threadCount; ++t) {
      REQUIRE(got[static_cast<std::size_t>(t)] != nullptr);
      CHECK(got[static_cast<std::size_t>(t)] == got[static_cast<std::size_t>(t % plugins)]);
    }
    CHECK(std::set<void*>(got.begin(), got.end()).size() == plugins);
    CHECK(backend.stop());
  }
}

namespace {

struct Counter {
  virtual ~Counter() = default;
  virtual void hit() = 0;
  [[nodiscard]] virtual long total() const = 0;
};
struct AtomicCounter final : Counter {
  void hit() override { ++hits; }
  [[nodiscard]] long total() const override { return hits.load(); }
  std::atomic<long> hits{0};
};

const auto counterRef = createServiceRef<Counter, RootScope>("conc.counter");

// What a plugin keeps after its init: the references it was given, used later from other threads.
struct Held {
  LoggerService* logger = nullptr;
  Counter* counter = nullptr;
};

}  // namespace

TEST_CASE("concurrency: after start, threads use injected services and plugin loggers at once",
          "[concurrency]") {
  constexpr int plugins = 4;
  constexpr int linesPerThread = 200;
  std::mutex linesMutex;
  std::vector<std::string> lines;
  auto backend = createBackend();
  backend.add(rootLoggerServiceFactory({LogFormat::json, LogLevel::info, [&](std::string_view line) {
                                          const std::lock_guard lock(linesMutex);
                                          lines.emplace_back(line);
                                        }}));
  backend.add(createServiceFactory(counterRef, deps(), [] { return std::make_unique<AtomicCounter>(); }));
  std::vector<Held> held(plugins);
  for (int p = 0; p < plugins; ++p) {
    backend.add(pluginWith("worker" + std::to_string(p), deps(coreServices::logger, counterRef),
                           [&held, p](LoggerService& logger, Counter& counter) {
                             held[static_cast<std::size_t>(p)] = {&logger, &counter};
                           }));
  }
  backend.start();
  {
    const std::lock_guard lock(linesMutex);
    lines.clear();  // the start-up report
  }
  race([&](int t) -> void* {
    const Held& mine = held[static_cast<std::size_t>(t % plugins)];
    auto child = mine.logger->child({{"thread", std::to_string(t)}});
    for (int i = 0; i < linesPerThread; ++i) {
      mine.counter->hit();
      (i % 2 == 0 ? *mine.logger : *child).info({{"n", std::to_string(i)}}, "line {} of thread {}", i, t);
    }
    return nullptr;
  });
  CHECK(held.front().counter->total() == threadCount * linesPerThread);
  const std::lock_guard lock(linesMutex);
  REQUIRE(lines.size() == static_cast<std::size_t>(threadCount * linesPerThread));
  // Every line whole: one JSON object naming its plugin, never two records interleaved.
  std::vector<int> perThread(threadCount, 0);
  for (const auto& line : lines) {
    REQUIRE(line.front() == '{');
    REQUIRE(line.back() == '}');
    REQUIRE(line.find('{', 1) == std::string::npos);
    const auto at = line.find("of thread ");
    REQUIRE(at != std::string::npos);
    const int t = std::stoi(line.substr(at + 10));
    CHECK(line.find("\"plugin\":\"worker" + std::to_string(t % plugins) + "\"") != std::string::npos);
    ++perThread[static_cast<std::size_t>(t)];
  }
  for (const int count : perThread) CHECK(count == linesPerThread);
  std::printf("concurrency: %d threads wrote %d log lines through %d plugin loggers\n", threadCount,
              threadCount * linesPerThread, plugins);
}

TEST_CASE("concurrency: the default root logger writes whole lines to stderr from many threads",
          "[concurrency]") {
  // The default sink is standard error; send it to a file for the test and read it back.
  std::FILE* file = std::tmpfile();
  REQUIRE(file != nullptr);
  std::fflush(stderr);
  const int saved = dup(fileno(stderr));
  REQUIRE(dup2(fileno(file), fileno(stderr)) >= 0);
  {
    DefaultRootLogger logger({LogFormat::text, LogLevel::info, {}});
    race([&](int t) -> void* {
      for (int i = 0; i < 100; ++i) logger.child({{"t", std::to_string(t)}})->info("record {}", i);
      return nullptr;
    });
  }
  std::fflush(stderr);
  dup2(saved, fileno(stderr));
  close(saved);
  std::rewind(file);
  int count = 0;
  char buffer[512];
  while (std::fgets(buffer, sizeof buffer, file) != nullptr) {
    const std::string line(buffer);
    CHECK(line.find(" info  record ") == 24);  // after the timestamp
    CHECK(line.find(" t=") != std::string::npos);
    CHECK(line.back() == '\n');
    ++count;
  }
  std::fclose(file);
  CHECK(count == threadCount * 100);
}

TEST_CASE("concurrency: plugins add shutdown hooks from many threads after start, and every one runs",
          "[concurrency]") {
  constexpr int hooksPerThread = 50;
  LifecycleService* lifecycle = nullptr;
  RootLifecycleService* rootLifecycle = nullptr;
  auto backend = createBackend();
  backend.add(rootLoggerServiceFactory({LogFormat::text, LogLevel::warn, [](std::string_view) {}}));
  backend.add(pluginWith("hooks", deps(coreServices::lifecycle, coreServices::rootLifecycle),
                         [&](LifecycleService& own, RootLifecycleService& root) {
                           lifecycle = &own;
                           rootLifecycle = &root;
                         }));
  backend.start();
  std::atomic<int> ran{0};
  race([&](int t) -> void* {
    for (int i = 0; i < hooksPerThread; ++i) {
      if (t % 2 == 0) {
        lifecycle->addShutdownHook([&ran] { ++ran; });
      } else {
        rootLifecycle->addShutdownHook([&ran] { ++ran; });
      }
    }
    return nullptr;
  });
  CHECK(ran == 0);
  CHECK(backend.stop());
  CHECK(ran == threadCount * hooksPerThread);
}

namespace {

// Shared by every backend of the next test, in a different order per thread.
const std::vector<ServiceRef<int, RootScope>> sharedRefs = [] {
  std::vector<ServiceRef<int, RootScope>> refs;
  for (int i = 0; i < 12; ++i)
    refs.push_back(createServiceRef<int, RootScope>("conc.shared" + std::to_string(i)));
  return refs;
}();
int wiredRight = 0;  // its address marks a thread whose every backend was wired right

}  // namespace

TEST_CASE("concurrency: threads starting backends that share ref objects each get their own wiring",
          "[concurrency]") {
  // A ref caches the service index its latest registry gave it; backends on other threads number the same
  // refs differently and overwrite that cache at any moment. Each thread adds the services in its own order,
  // each one adding 1 to the one before it in a chain of its own, and checks the end of the chain.
  auto got = race([](int t) -> void* {
    bool right = true;
    for (int round = 0; round < rounds; ++round) {
      std::vector<std::size_t> order(sharedRefs.size());
      for (std::size_t i = 0; i < order.size(); ++i)
        order[i] = (i * 5 + static_cast<std::size_t>(t + round)) % order.size();
      auto backend = createBackend();
      backend.add(rootLoggerServiceFactory({LogFormat::text, LogLevel::warn, [](std::string_view) {}}));
      backend.add(createServiceFactory(sharedRefs[order[0]], deps(), [t] { return t * 1000; }));
      for (std::size_t i = 1; i < order.size(); ++i)
        backend.add(createServiceFactory(sharedRefs[order[i]], deps(sharedRefs[order[i - 1]]),
                                         [](int& before) { return before + 1; }));
      int last = -1;
      backend.add(
          pluginWith("reader", deps(sharedRefs[order.back()]), [&last](int& value) { last = value; }));
      backend.start();
      backend.stop();
      right = right && last == t * 1000 + static_cast<int>(order.size()) - 1;
    }
    return right ? &wiredRight : nullptr;
  });
  for (const void* result : got) CHECK(result == &wiredRight);
}
