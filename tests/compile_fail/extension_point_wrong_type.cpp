// SPDX-License-Identifier: Apache-2.0
// Compile-fail case: registering an implementation not derived from the extension point's type
// Built with RIGGING_COMPILE_FAIL defined it must fail with the diagnostic; without it, its twin must build.
#include "common.hpp"

int main() {
#ifdef RIGGING_COMPILE_FAIL
  auto p = createBackendPlugin("p", [](PluginRegistrationPoints& env) {
    env.registerExtensionPoint(point, std::make_shared<int>(1));
    env.registerInit(deps(), [] {});
  });
  (void)p;
#else
  auto p = createBackendPlugin("p", [](PluginRegistrationPoints& env) {
    env.registerExtensionPoint(point, std::make_shared<Impl>());
    env.registerInit(deps(), [] {});
  });
  (void)p;
#endif
  return 0;
}
