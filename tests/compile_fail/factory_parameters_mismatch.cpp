// SPDX-License-Identifier: Apache-2.0
// Compile-fail case: a factory callable whose parameters do not match its deps
// Built with RIGGING_COMPILE_FAIL=1 it must fail with the diagnostic; without it, its twin must build.
#include "common.hpp"

int main() {
#ifdef RIGGING_COMPILE_FAIL
  auto f = createServiceFactory(pluginRef, deps(rootRef, manyRef),
                                [](Svc&, Svc&) { return std::make_unique<Impl>(); });
  (void)f;
#else
  auto f = createServiceFactory(pluginRef, deps(rootRef, manyRef),
                                [](Svc&, ServiceRange<Svc>) { return std::make_unique<Impl>(); });
  (void)f;
#endif
  return 0;
}
