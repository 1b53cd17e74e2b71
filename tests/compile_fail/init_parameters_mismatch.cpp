// SPDX-License-Identifier: Apache-2.0
// Compile-fail case: a plugin init callable whose parameters do not match its deps
// Built with RIGGING_COMPILE_FAIL=1 it must fail with the diagnostic; without it, its twin must build.
#include "common.hpp"

int main() {
#ifdef RIGGING_COMPILE_FAIL
  auto p = createBackendPlugin(
      "p", [](PluginRegistrationPoints& env) { env.registerInit(deps(rootRef), [](Other&) {}); });
  (void)p;
#else
  auto p = createBackendPlugin(
      "p", [](PluginRegistrationPoints& env) { env.registerInit(deps(rootRef), [](Svc&) {}); });
  (void)p;
#endif
  return 0;
}
