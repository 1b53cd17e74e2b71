// SPDX-License-Identifier: Apache-2.0
// Compile-fail case: a decorator depending on an extension point.
// Built with RIGGING_COMPILE_FAIL defined it must fail with the diagnostic; without it, its twin must build.
#include "common.hpp"

int main() {
#ifdef RIGGING_COMPILE_FAIL
  auto d = createServiceDecorator(pluginRef, deps(point), [](Svc&, Svc&) { return Impl(); });
#else
  auto d = createServiceDecorator(pluginRef, deps(rootRef), [](Svc&, Svc&) { return Impl(); });
#endif
  (void)d;
  return 0;
}
