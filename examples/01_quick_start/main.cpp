// SPDX-License-Identifier: Apache-2.0
// Quick start: a service behind a ref, a factory for it, a root service it depends on, and a plugin that
// uses it. Copy this file to begin a backend of your own.
#include <rigging/rigging.hpp>

#include <cstdio>
#include <memory>
#include <string>
#include <string_view>

using namespace rigging;

// 1. A service interface and its ref. Plugin scope is the default: each plugin gets its own instance.
struct GreeterService {
  virtual ~GreeterService() = default;
  virtual std::string greet(std::string_view who) = 0;
};
inline const auto greeterRef = createServiceRef<GreeterService>("example.greeter");

// 2. A root-scoped service: one instance for the whole backend, shared by every plugin.
struct Clock {
  virtual ~Clock() = default;
  virtual int hour() const = 0;
};
inline const auto clockRef = createServiceRef<Clock, RootScope>("example.clock");

struct FixedClock final : Clock {
  int hour() const override { return 9; }
};

// 3. An implementation that depends on other services, received by reference.
class DefaultGreeter final : public GreeterService {
 public:
  DefaultGreeter(const Clock& clock, std::string_view pluginId) : clock_(clock), pluginId_(pluginId) {}
  std::string greet(std::string_view who) override {
    const char* part = clock_.hour() < 12 ? "Good morning" : "Good afternoon";
    return std::string(part) + ", " + std::string(who) + " (from " + pluginId_ + ")";
  }

 private:
  const Clock& clock_;
  std::string pluginId_;
};

// 4. Factories: the service they make, its deps, and a callable that receives the deps in order.
inline const auto clockFactory =
    createServiceFactory(clockRef, deps(), [] { return std::make_unique<FixedClock>(); });

inline const auto greeterFactory =
    createServiceFactory(greeterRef, deps(clockRef, coreServices::pluginMetadata),
                         [](Clock& clock, PluginMetadataService& plugin) {
                           return std::make_unique<DefaultGreeter>(clock, plugin.getId());
                         });

// 5. A plugin: its init runs once the services it asks for exist.
inline const auto helloPlugin = createBackendPlugin("hello", [](PluginRegistrationPoints& env) {
  env.registerInit(deps(greeterRef),
                   [](GreeterService& greeter) { std::printf("%s\n", greeter.greet("world").c_str()); });
});

int main() {
  auto backend = createBackend();
  backend.add(clockFactory);
  backend.add(greeterFactory);
  backend.add(helloPlugin);
  backend.start();  // validates the whole graph first, then builds it in dependency order
  backend.stop();   // destroys every instance in reverse creation order
  std::printf("rigging quick start: ok\n");
}
