// SPDX-License-Identifier: Apache-2.0
// Compile-fail case: a service factory depending on an extension point
// Built with RIGGING_COMPILE_FAIL defined it must fail with the diagnostic; without it, its twin must build.
#include "common.hpp"

int main() {
#ifdef RIGGING_COMPILE_FAIL
  auto f = createServiceFactory(pluginRef, deps(point), [](Svc&) { return Impl(); });
  (void)f;
#else
  auto f = createServiceFactory(pluginRef, deps(rootRef), [](Svc&) { return Impl(); });
  (void)f;
#endif
  return 0;
}
