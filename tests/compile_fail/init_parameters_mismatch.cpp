// SPDX-License-Identifier: Apache-2.0
// Compile-fail case: a plugin init callable whose parameters do not match its deps
// Built with RIGGING_COMPILE_FAIL=1 it must fail with the diagnostic; without it, its twin must build.
#include <rigging/rigging.hpp>

#include <memory>

using namespace rigging;

struct Svc {
  virtual ~Svc() = default;
};
struct Impl : Svc {};
struct Other {};

inline const auto pluginRef = createServiceRef<Svc>("test.plugin");
inline const auto rootRef = createServiceRef<Svc, RootScope>("test.root");
inline const auto manyRef = createServiceRef<Svc>("test.many", multiton);

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
