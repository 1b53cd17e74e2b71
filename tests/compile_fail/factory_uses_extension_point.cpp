// SPDX-License-Identifier: Apache-2.0
// Compile-fail case: a service factory depending on an extension point
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
  auto f = createServiceFactory(pluginRef, deps(point), [](Svc&) { return Impl(); });
  (void)f;
#else
  auto f = createServiceFactory(pluginRef, deps(rootRef), [](Svc&) { return Impl(); });
  (void)f;
#endif
  return 0;
}
