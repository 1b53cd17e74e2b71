// SPDX-License-Identifier: Apache-2.0
// Compile-fail case: a log message whose format string does not match its arguments (checked by fmt).
// Built with RIGGING_COMPILE_FAIL defined it must fail with the diagnostic; without it, its twin must build.
#include <rigging/rigging.hpp>

void logSomething(rigging::LoggerService& logger) {
#ifdef RIGGING_COMPILE_FAIL
  logger.info("started {} plugins in {}ms", 3);
#else
  logger.info("started {} plugins in {}ms", 3, 12);
#endif
}

int main() { return 0; }
