// SPDX-License-Identifier: Apache-2.0
// How the engine keeps what plugins and modules register at every start: an init owns its callable and its
// refs for the backend's life, and a plugin's state (its metadata service) never moves once made.
#include "support/catch.hpp"

#include <rigging/create_backend.hpp>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

using namespace rigging;

namespace {

struct Word {
  std::string text;
};

const auto initWordRef = createServiceRef<Word, RootScope>("init-storage.word");
const auto initPluginWordRef = createServiceRef<Word>("init-storage.plugin-word");

auto quietInitLogger() {
  return rootLoggerServiceFactory({LogFormat::text, LogLevel::warn, [](std::string_view) {}});
}

// Counts the live copies of a callable, so that a leak or a double destruction shows.
struct InitTally {
  int live = 0;
  int calls = 0;
};

struct CountedInit {
  explicit CountedInit(InitTally& t) : tally(&t) { ++tally->live; }
  CountedInit(const CountedInit& copied) : tally(copied.tally) { ++tally->live; }
  CountedInit(CountedInit&& moved) noexcept : tally(moved.tally) { ++tally->live; }
  CountedInit& operator=(const CountedInit&) = delete;
  CountedInit& operator=(CountedInit&&) = delete;
  ~CountedInit() { --tally->live; }
  void operator()(Word& word) const {
    ++tally->calls;
    CHECK(word.text == "w");
  }
  InitTally* tally;
};

// Aligned more strictly than operator new aligns, so the init cannot keep it in its own block.
struct alignas(64) OverAligned {
  explicit OverAligned(InitTally& t) : tally(&t) { ++tally->live; }
  OverAligned(const OverAligned& copied) : tally(copied.tally) { ++tally->live; }
  OverAligned& operator=(const OverAligned&) = delete;
  ~OverAligned() { --tally->live; }
  void operator()(Word&) const {
    ++tally->calls;
    CHECK(reinterpret_cast<std::uintptr_t>(this) % 64 == 0);
  }
  InitTally* tally;
};

}  // namespace

TEST_CASE("init storage: an init keeps its callable's state and destroys it exactly once", "[init-storage]") {
  InitTally plain;
  InitTally aligned;
  InitTally moduleTally;
  {
    auto backend = createBackend();
    backend.add(quietInitLogger());
    backend.add(createServiceFactory(initWordRef, deps(), [] { return Word{"w"}; }));
    backend.add(createBackendPlugin("counted", [&plain](PluginRegistrationPoints& env) {
      env.registerInit(deps(initWordRef), CountedInit(plain));
    }));
    backend.add(createBackendPlugin("aligned", [&aligned](PluginRegistrationPoints& env) {
      env.registerInit(deps(initWordRef), OverAligned(aligned));
    }));
    backend.add(createBackendModule("counted", "extra", [&moduleTally](ModuleRegistrationPoints& env) {
      env.registerInit(deps(initWordRef), CountedInit(moduleTally));
    }));
    backend.start();
    CHECK(plain.calls == 1);
    CHECK(aligned.calls == 1);
    CHECK(moduleTally.calls == 1);
    CHECK(plain.live == 1);  // the init's own copy, alive as long as the backend
    CHECK(aligned.live == 1);
    CHECK(moduleTally.live == 1);
    backend.stop();
  }
  CHECK(plain.live == 0);
  CHECK(aligned.live == 0);
  CHECK(moduleTally.live == 0);
}

TEST_CASE("init storage: an init can use a ref made only inside the register callback", "[init-storage]") {
  const detail::RefInfo* local = nullptr;
  std::string seen;
  {
    auto backend = createBackend();
    backend.add(quietInitLogger());
    backend.add(createServiceFactory(initWordRef, deps(), [] { return Word{"made"}; }));
    backend.add(createBackendPlugin("owner", [&](PluginRegistrationPoints& env) {
      // A ref of the same service, gone when the callback returns: its description is the process's.
      const auto temporary = createServiceRef<Word, RootScope>("init-storage.word");
      local = temporary.info();
      env.registerInit(deps(temporary), [&seen](Word& word) { seen = word.text; });
    }));
    backend.start();
    CHECK(seen == "made");
    CHECK(local == initWordRef.info());  // the same id, type and scope: one description
    backend.stop();
  }
  CHECK(local->id == "init-storage.word");  // still valid after the backend and the ref are gone
}

TEST_CASE("init storage: a plugin's metadata stays where it is while later plugin states are made",
          "[init-storage]") {
  const PluginMetadataService* first = nullptr;
  auto backend = createBackend();
  backend.add(quietInitLogger());
  backend.add(createServiceFactory(
      initPluginWordRef, deps(coreServices::pluginMetadata),
      [](PluginMetadataService& metadata) { return Word{std::string(metadata.getId())}; }));
  backend.add(createBackendPlugin("first", [&first](PluginRegistrationPoints& env) {
    env.registerInit(deps(coreServices::pluginMetadata),
                     [&first](PluginMetadataService& metadata) { first = &metadata; });
  }));
  backend.start();
  REQUIRE(first != nullptr);
  // Tools resolve services for plugin ids the backend has not seen; each makes a plugin state.
  for (int i = 0; i < 64; ++i) {
    const std::string id = "tool" + std::to_string(i);
    const auto* word = static_cast<const Word*>(backend.engine().resolve(*initPluginWordRef.info(), id));
    REQUIRE(word != nullptr);
    CHECK(word->text == id);
  }
  CHECK(backend.engine().resolve(*coreServices::pluginMetadata.info(), "first") == first);
  CHECK(first->getId() == "first");
  backend.stop();
}

namespace {

// Records its name when destroyed.
struct Farewell {
  Farewell(std::vector<std::string>& log, std::string name) : log_(&log), name_(std::move(name)) {}
  Farewell(const Farewell& copied) = default;
  Farewell& operator=(const Farewell&) = delete;
  ~Farewell() {
    if (log_ != nullptr) log_->push_back(name_);
  }
  std::vector<std::string>* log_;
  std::string name_;
};

struct FarewellPoint {
  explicit FarewellPoint(std::vector<std::string>& log) : farewell(log, "plugin's extension point") {}
  Farewell farewell;
};

const auto farewellPointRef = createExtensionPoint<FarewellPoint>("init-storage.farewell");

}  // namespace

TEST_CASE("init storage: what modules registered is destroyed before what their plugin registered",
          "[init-storage]") {
  std::vector<std::string> log;
  {
    auto backend = createBackend();
    backend.add(quietInitLogger());
    backend.add(createBackendPlugin("farewell", [&log](PluginRegistrationPoints& env) {
      env.registerExtensionPoint(farewellPointRef, std::make_shared<FarewellPoint>(log));
      env.registerInit(deps(), [] {});
    }));
    backend.add(createBackendModule("farewell", "user", [&log](ModuleRegistrationPoints& env) {
      env.registerInit(deps(farewellPointRef), [last = std::make_shared<Farewell>(log, "module's init")](
                                                   FarewellPoint&) { (void)last; });
    }));
    backend.start();
    backend.stop();
    log.clear();  // copies made while registering
  }
  CHECK(log == std::vector<std::string>{"module's init", "plugin's extension point"});
}
