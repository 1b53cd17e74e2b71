// SPDX-License-Identifier: Apache-2.0
// Compile-fail case: a decorator callable that does not take the wrapped service first
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
  auto d = createServiceDecorator(pluginRef, deps(rootRef), [](Svc&) { return Impl(); });
  (void)d;
#else
  auto d = createServiceDecorator(pluginRef, deps(rootRef), [](Svc&, Svc&) { return Impl(); });
  (void)d;
#endif
  return 0;
}
