// SPDX-License-Identifier: Apache-2.0
// Tests of runUntilSignal: start, wait for SIGTERM or SIGINT, stop, and the exit code.
#include "support/catch.hpp"

#include <rigging/create_backend.hpp>
#include <rigging/run_until_signal.hpp>

#include <pthread.h>
#include <signal.h>
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

TEST_CASE("runUntilSignal: a second signal while the backend stops does not end the process",
          "[run_until_signal]") {
  std::vector<std::string> log;
  auto backend = createBackend();
  backend.add(signalSender(SIGTERM, log));
  backend.add(createBackendPlugin("impatient", [&log](PluginRegistrationPoints& env) {
    env.registerInit(deps(coreServices::lifecycle), [&log](LifecycleService& lifecycle) {
      lifecycle.addShutdownHook([&log] {
        // Runs in stop(), on runUntilSignal's thread: as if the user pressed Ctrl-C again, then a supervisor
        // sent SIGTERM.
        ::pthread_kill(::pthread_self(), SIGINT);
        ::pthread_kill(::pthread_self(), SIGTERM);
        log.emplace_back("signalled again");
      });
    });
  }));
  CHECK(runUntilSignal(backend) == 0);  // without taking them, the process would end here, status 130 or 143
  CHECK(log == std::vector<std::string>{"signalled again", "shutdown hook ran"});
  sigset_t pending;
  sigpending(&pending);
  CHECK(sigismember(&pending, SIGINT) == 0);
  CHECK(sigismember(&pending, SIGTERM) == 0);
}

TEST_CASE("runUntilSignal: a start-up failure returns 1 without waiting", "[run_until_signal]") {
  auto backend = createBackend();
  backend.add(
      createBackendPlugin("broken", [](PluginRegistrationPoints&) {}));  // no init: a validation error
  CHECK(runUntilSignal(backend) == 1);
}
