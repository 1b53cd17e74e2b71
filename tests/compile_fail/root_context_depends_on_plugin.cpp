// SPDX-License-Identifier: Apache-2.0
// Compile-fail case: a root context depending on a plugin-scoped ref
// Built with RIGGING_COMPILE_FAIL=1 it must fail with the diagnostic; without it, its twin must build.
#include "common.hpp"

int main() {
#ifdef RIGGING_COMPILE_FAIL
  auto f = createServiceFactory(pluginRef, deps(), rootContext(deps(pluginRef), [](Svc&) { return 1; }),
                                [](int&) { return std::make_unique<Impl>(); });
  (void)f;
#else
  auto f = createServiceFactory(pluginRef, deps(), rootContext(deps(rootRef), [](Svc&) { return 1; }),
                                [](int&) { return std::make_unique<Impl>(); });
  (void)f;
#endif
  return 0;
}
