// SPDX-License-Identifier: Apache-2.0
// Compile-fail case: a factory returning something that is not the ref's type
// Built with RIGGING_COMPILE_FAIL=1 it must fail with the diagnostic; without it, its twin must build.
#include "common.hpp"

int main() {
#ifdef RIGGING_COMPILE_FAIL
  auto f = createServiceFactory(pluginRef, deps(), [] { return std::make_unique<Other>(); });
  (void)f;
#else
  auto f = createServiceFactory(pluginRef, deps(), [] { return std::make_shared<Impl>(); });
  (void)f;
#endif
  return 0;
}
