// SPDX-License-Identifier: Apache-2.0
// Copyright The rigging Authors
// A program built against an installed rigging found with find_package(rigging): a service, a plugin, a
// start.
#include <rigging/rigging.hpp>

#include <cstdio>
#include <memory>
#include <string>

namespace {

struct Greeter {
  virtual ~Greeter() = default;
  [[nodiscard]] virtual std::string greet() const = 0;
};
struct PlainGreeter final : Greeter {
  [[nodiscard]] std::string greet() const override { return "hello from an installed rigging"; }
};

const auto greeterRef = rigging::createServiceRef<Greeter>("consumer.greeter");

}  // namespace

int main() {
  std::string greeting;
  auto backend = rigging::createBackend();
  backend.add(rigging::createServiceFactory(greeterRef, rigging::deps(),
                                            [] { return std::make_unique<PlainGreeter>(); }));
  backend.add(rigging::createBackendPlugin("consumer", [&greeting](rigging::PluginRegistrationPoints& env) {
    env.registerInit(rigging::deps(greeterRef),
                     [&greeting](Greeter& greeter) { greeting = greeter.greet(); });
  }));
  backend.start();
  backend.stop();
  std::printf("%s\nrigging consumer ok %d.%d.%d\n", greeting.c_str(), RIGGING_VERSION_MAJOR,
              RIGGING_VERSION_MINOR, RIGGING_VERSION_PATCH);
  return greeting.empty() ? 1 : 0;
}
