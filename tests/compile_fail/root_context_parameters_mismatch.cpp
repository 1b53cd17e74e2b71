// SPDX-License-Identifier: Apache-2.0
// Compile-fail case: a root context callable that does not accept its deps
// Built with RIGGING_COMPILE_FAIL=1 it must fail with the diagnostic; without it, its twin must build.
#include "common.hpp"

int main() {
#ifdef RIGGING_COMPILE_FAIL
  auto f = createServiceFactory(pluginRef, deps(), rootContext(deps(rootRef), [] { return 1; }),
                                [](int&) { return Impl(); });
  (void)f;
#else
  auto f = createServiceFactory(pluginRef, deps(), rootContext(deps(rootRef), [](Svc&) { return 1; }),
                                [](int&) { return Impl(); });
  (void)f;
#endif
  return 0;
}
