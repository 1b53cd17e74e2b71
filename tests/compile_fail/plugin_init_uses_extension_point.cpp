// SPDX-License-Identifier: Apache-2.0
// Compile-fail case: a plugin's init depending on an extension point
// Built with RIGGING_COMPILE_FAIL defined it must fail with the diagnostic; without it, its twin must build.
#include "common.hpp"

int main() {
#ifdef RIGGING_COMPILE_FAIL
  auto p = createBackendPlugin(
      "p", [](PluginRegistrationPoints& env) { env.registerInit(deps(point), [](Svc&) {}); });
  (void)p;
#else
  auto m = createBackendModule(
      "p", "m", [](ModuleRegistrationPoints& env) { env.registerInit(deps(point), [](Svc&) {}); });
  (void)m;
#endif
  return 0;
}
