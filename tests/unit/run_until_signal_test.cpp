// SPDX-License-Identifier: Apache-2.0
// Tests of runUntilSignal: start, wait for SIGTERM or SIGINT, stop, and the exit code.
#include "support/catch.hpp"

#include <rigging/create_backend.hpp>
#include <rigging/run_until_signal.hpp>

#include <unistd.h>

#include <csignal>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

using namespace rigging;

namespace {

// Sends `signal` to this process from a thread started by a root startup hook: it inherits the blocked
// signal mask, as every thread of a real backend does, so only runUntilSignal receives the signal.
BackendPlugin signalSender(int signal, std::vector<std::string>& log, bool failingShutdownHook = false) {
  return createBackendPlugin("sender", [signal, &log, failingShutdownHook](PluginRegistrationPoints& env) {
    env.registerInit(
        deps(coreServices::rootLifecycle, coreServices::lifecycle),
        [signal, &log, failingShutdownHook](RootLifecycleService& root, LifecycleService& lifecycle) {
          auto sender = std::make_shared<std::thread>();
          root.addStartupHook(
              [sender, signal] { *sender = std::thread([signal] { ::kill(::getpid(), signal); }); });
          lifecycle.addShutdownHook([sender, &log] {
            sender->join();
            log.emplace_back("shutdown hook ran");
          });
          if (failingShutdownHook) {
            lifecycle.addShutdownHook([] { throw std::runtime_error("cannot flush"); }, {"flush"});
          }
        });
  });
}

}  // namespace

TEST_CASE("runUntilSignal: SIGTERM stops the backend cleanly and returns 0", "[run_until_signal]") {
  std::vector<std::string> log;
  auto backend = createBackend();
  backend.add(signalSender(SIGTERM, log));
  CHECK(runUntilSignal(backend) == 0);
  CHECK(log == std::vector<std::string>{"shutdown hook ran"});
}

TEST_CASE("runUntilSignal: SIGINT does too, and a failing shutdown hook makes it return 2",
          "[run_until_signal]") {
  std::vector<std::string> log;
  auto backend = createBackend();
  backend.add(rootLoggerServiceFactory({LogFormat::text, LogLevel::info, [](std::string_view) {}}));
  backend.add(signalSender(SIGINT, log, true));
  CHECK(runUntilSignal(backend) == 2);
  CHECK(log == std::vector<std::string>{"shutdown hook ran"});
}

TEST_CASE("runUntilSignal: a start-up failure returns 1 without waiting", "[run_until_signal]") {
  auto backend = createBackend();
  backend.add(
      createBackendPlugin("broken", [](PluginRegistrationPoints&) {}));  // no init: a validation error
  CHECK(runUntilSignal(backend) == 1);
}
