// SPDX-License-Identifier: Apache-2.0
// Compile-fail case: a decorator callable that does not take the wrapped service first
// Built with RIGGING_COMPILE_FAIL=1 it must fail with the diagnostic; without it, its twin must build.
#include "common.hpp"

int main() {
#ifdef RIGGING_COMPILE_FAIL
  auto d = createServiceDecorator(pluginRef, deps(rootRef), [](Svc&) { return Impl(); });
  (void)d;
#else
  auto d = createServiceDecorator(pluginRef, deps(rootRef), [](Svc&, Svc&) { return Impl(); });
  (void)d;
#endif
  return 0;
}
