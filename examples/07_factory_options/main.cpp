// SPDX-License-Identifier: Apache-2.0
// Copyright The rigging Authors
// The factory options pattern and exported building blocks: how a library ships a service factory that works
// as is, takes options, and can be rebuilt by users who need more than options.
//
//   backend.add(rateLimiterServiceFactory);                       // default options
//   backend.add(rateLimiterServiceFactory({.requestsPerMinute = 10}));  // configured
//   backend.add(createServiceFactory(rateLimiterServiceRef, ...DefaultRateLimiter::create(...)));  // rebuilt
//
// createServiceFactory(fn), where fn takes one options struct and returns a factory, makes an object that is
// the factory made with default options and can be called with options. The options type must be
// default-constructible.
#include <rigging/rigging.hpp>

#include <cstdio>
#include <memory>
#include <string>
#include <utility>

using namespace rigging;

// --- rate_limiter.hpp: what the library exports ---

class RateLimiterService {
 public:
  virtual ~RateLimiterService() = default;
  [[nodiscard]] virtual std::string describe() const = 0;
};
inline const auto rateLimiterServiceRef =
    createServiceRef<RateLimiterService, RootScope>("example.rateLimiter");

struct RateLimiterOptions {
  int requestsPerMinute = 60;
  std::string key = "ip";
};

/// The implementation, exported with its building block, create(): users may build their own factory on it.
class DefaultRateLimiter final : public RateLimiterService {
 public:
  static std::unique_ptr<DefaultRateLimiter> create(RateLimiterOptions options) {
    return std::unique_ptr<DefaultRateLimiter>(new DefaultRateLimiter(std::move(options)));
  }
  std::string describe() const override {
    return std::to_string(options_.requestsPerMinute) + " requests per minute per " + options_.key;
  }

 private:
  explicit DefaultRateLimiter(RateLimiterOptions options) : options_(std::move(options)) {}
  RateLimiterOptions options_;
};

/// The factory with options.
inline const auto rateLimiterServiceFactory = createServiceFactory([](RateLimiterOptions options) {
  return createServiceFactory(rateLimiterServiceRef, deps(),
                              [options] { return DefaultRateLimiter::create(options); });
});

// --- an application ---

inline const auto apiPlugin = createBackendPlugin("api", [](PluginRegistrationPoints& env) {
  env.registerInit(deps(rateLimiterServiceRef), [](RateLimiterService& limiter) {
    std::printf("api: rate limit %s\n", limiter.describe().c_str());
  });
});

/// Options cannot come from configuration at the time the factory is added; a factory of one's own, built on
/// the exported create(), can read them from core.rootConfig when the backend starts.
inline const auto configuredRateLimiterFactory = createServiceFactory(
    rateLimiterServiceRef, deps(coreServices::rootConfig), [](RootConfigService& config) {
      return DefaultRateLimiter::create({.requestsPerMinute = static_cast<int>(
                                             config.getOptionalNumber("rateLimit.perMinute").value_or(60)),
                                         .key = config.getOptionalString("rateLimit.key").value_or("ip")});
    });

template <class Factory>
void run(const char* title, const Factory& factory) {
  std::printf("-- %s\n", title);
  auto backend = createBackend();
  backend.add(rootConfigServiceFactory(
      {.data = ConfigObject{{"rateLimit", ConfigObject{{"perMinute", 600}, {"key", "user"}}}},
       .environment = false}));
  backend.add(factory);
  backend.add(apiPlugin);
  backend.start();
}

int main() {
  run("default options", rateLimiterServiceFactory);
  run("options in code", rateLimiterServiceFactory({.requestsPerMinute = 10}));
  run("a factory of one's own, from the building block", configuredRateLimiterFactory);
  std::printf("07_factory_options: ok\n");
}
