// SPDX-License-Identifier: Apache-2.0
// Compile-fail case: a feature loader depending on a plugin-scoped service
// Built with RIGGING_COMPILE_FAIL defined it must fail with the diagnostic; without it, its twin must build.
#include <rigging/rigging.hpp>

#include <memory>
#include <vector>

using namespace rigging;

struct Svc {
  virtual ~Svc() = default;
};
struct Impl : Svc {};

inline const auto pluginRef = createServiceRef<Svc>("test.plugin");
inline const auto rootRef = createServiceRef<Svc, RootScope>("test.root");
inline const auto point = createExtensionPoint<Svc>("test.point");

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
