// SPDX-License-Identifier: Apache-2.0
// Compile-fail case: a feature loader depending on a plugin-scoped service
// Built with RIGGING_COMPILE_FAIL defined it must fail with the diagnostic; without it, its twin must build.
#include "common.hpp"

int main() {
#ifdef RIGGING_COMPILE_FAIL
  auto l = createBackendFeatureLoader(deps(pluginRef), [](Svc&) { return std::vector<BackendFeature>{}; });
  (void)l;
#else
  auto l = createBackendFeatureLoader(deps(rootRef), [](Svc&) { return std::vector<BackendFeature>{}; });
  (void)l;
#endif
  return 0;
}
