// SPDX-License-Identifier: Apache-2.0
// Tests of the default lifecycle services.
#include "support/catch.hpp"

#include <rigging/defaults/lifecycle.hpp>

#include <exception>
#include <stdexcept>
#include <string>
#include <vector>

using namespace rigging;

TEST_CASE("lifecycle: hooks run once, in order, and a failure is reported without stopping the rest",
          "[lifecycle]") {
  std::vector<std::string> log;
  std::vector<std::string> failures;
  DefaultLifecycleService lifecycle("catalog", [&](std::string_view owner, std::string_view phase,
                                                   std::string_view label, std::exception_ptr error) {
    try {
      std::rethrow_exception(error);
    } catch (const std::exception& e) {
      failures.push_back(std::string(owner) + "/" + std::string(phase) + "/" + std::string(label) + ": " +
                         e.what());
    }
  });
  lifecycle.addShutdownHook([&] { log.push_back("one"); });
  lifecycle.addShutdownHook([] { throw std::runtime_error("boom"); }, {"closer"});
  lifecycle.addShutdownHook([&] { log.push_back("three"); });
  CHECK(lifecycle.shutdown() == 1);
  CHECK(lifecycle.shutdown() == 0);  // once only
  CHECK(log == std::vector<std::string>{"one", "three"});
  CHECK(failures == std::vector<std::string>{"plugin 'catalog'/shutdown/closer: boom"});
}

TEST_CASE("lifecycle: hooks added after their phase has run are rejected", "[lifecycle]") {
  DefaultRootLifecycleService root;
  root.startup();
  CHECK_THROWS_MATCHES(root.addStartupHook([] {}), Error,
                       Catch::Message("Attempted to add startup hook after startup has run; add hooks from a "
                                      "plugin's init or earlier"));
  root.addShutdownHook([] {});  // later phases are still open
  root.beforeShutdown();
  root.shutdown();
  try {
    root.addShutdownHook([] {});
    FAIL("must throw");
  } catch (const Error& e) {
    CHECK(e.code() == ErrorCode::hook_rejected);
  }
}
