// SPDX-License-Identifier: Apache-2.0
// Copyright The rigging Authors
// Defining a service with a default factory: the ref carries the factory, so a plugin that needs the service
// works in any backend without a line of set-up, and a backend that wants another implementation adds its own
// factory for the same ref, which wins. Put the interface, the ref and the default implementation in one
// header that plugins include.
#include <rigging/rigging.hpp>

#include <cstdio>
#include <memory>
#include <string>
#include <string_view>

using namespace rigging;

// --- token_service.hpp: what a library of services would export ---

/// The service interface.
class TokenService {
 public:
  virtual ~TokenService() = default;
  [[nodiscard]] virtual std::string issue(std::string_view subject) = 0;
};

/// The default implementation. It depends on core services, as any factory may.
class PrefixTokenService final : public TokenService {
 public:
  explicit PrefixTokenService(std::string_view pluginId) : issuer_(pluginId) {}
  std::string issue(std::string_view subject) override {
    return "token(issuer=" + issuer_ + ", subject=" + std::string(subject) +
           ", n=" + std::to_string(++count_) + ")";
  }

 private:
  std::string issuer_;
  int count_ = 0;
};

/// The ref. The second argument receives the ref itself (`service`) and returns its default factory; the
/// backend uses it only when no other factory for "example.tokens" was added. Plugin scope (the default):
/// each plugin gets its own instance, created for it.
inline const auto tokenServiceRef = createServiceRef<TokenService>("example.tokens", [](auto service) {
  return createServiceFactory(service, deps(coreServices::pluginMetadata), [](PluginMetadataService& plugin) {
    return std::make_unique<PrefixTokenService>(plugin.getId());
  });
});

// --- a plugin that uses it ---

inline const auto authPlugin = createBackendPlugin("auth", [](PluginRegistrationPoints& env) {
  env.registerInit(deps(tokenServiceRef), [](TokenService& tokens) {
    std::printf("auth: %s\n", tokens.issue("alice").c_str());
    std::printf("auth: %s\n", tokens.issue("bob").c_str());
  });
});

// --- an application that prefers another implementation ---

class FixedTokenService final : public TokenService {
 public:
  std::string issue(std::string_view subject) override { return "fixed-token-for-" + std::string(subject); }
};
inline const auto fixedTokenFactory =
    createServiceFactory(tokenServiceRef, deps(), [] { return std::make_unique<FixedTokenService>(); });

int main() {
  std::printf("backend 1: no factory added, the ref's default is used\n");
  {
    auto backend = createBackend();
    backend.add(authPlugin);
    backend.start();
  }
  std::printf("backend 2: an added factory replaces the default\n");
  {
    auto backend = createBackend();
    backend.add(authPlugin);
    backend.add(fixedTokenFactory);
    backend.start();
  }
  std::printf("02_default_factory: ok\n");
}
