// SPDX-License-Identifier: Apache-2.0
// Copyright The rigging Authors
// A decorator: wrapping a service without replacing its factory. createServiceDecorator(ref, deps(...), fn)
// receives the instance that would otherwise be injected, then its own deps, and returns the instance to
// inject instead. It works whatever provides the service (an added factory, a backend default, the ref's
// default), so an application can add caching, tracing or checks to a service from a library it does not own.
// Several decorators apply in the order added: the first wraps the real instance. (In Backstage this needs
// overriding a service with itself, which is a cycle; decorators are rigging's addition.)
#include <rigging/rigging.hpp>

#include <cstdio>
#include <map>
#include <memory>
#include <string>
#include <string_view>

using namespace rigging;

/// A service from some library, with its default factory in the ref.
class WeatherService {
 public:
  virtual ~WeatherService() = default;
  [[nodiscard]] virtual std::string forecast(const std::string& city) = 0;
};
class SlowWeatherService final : public WeatherService {
 public:
  std::string forecast(const std::string& city) override {
    std::printf("  (remote call for %s)\n", city.c_str());
    return city == "Oslo" ? "snow" : "sun";
  }
};
inline const auto weatherServiceRef = createServiceRef<WeatherService>("example.weather", [](auto service) {
  return createServiceFactory(service, deps(), [] { return std::make_unique<SlowWeatherService>(); });
});

/// Decorator 1: a cache in front of the real service.
class CachedWeather final : public WeatherService {
 public:
  explicit CachedWeather(WeatherService& inner) : inner_(inner) {}
  std::string forecast(const std::string& city) override {
    auto found = cache_.find(city);
    if (found == cache_.end()) found = cache_.emplace(city, inner_.forecast(city)).first;
    return found->second;
  }

 private:
  WeatherService& inner_;  // the wrapped instance lives as long as the wrapper
  std::map<std::string, std::string> cache_;
};

/// Decorator 2: logs each call, through the plugin's logger (a decorator may have deps, like a factory).
class LoggedWeather final : public WeatherService {
 public:
  LoggedWeather(WeatherService& inner, LoggerService& logger) : inner_(inner), logger_(logger) {}
  std::string forecast(const std::string& city) override {
    logger_.info("forecast for {}", city);
    return inner_.forecast(city);
  }

 private:
  WeatherService& inner_;
  LoggerService& logger_;
};

inline const auto cachedWeather = createServiceDecorator(
    weatherServiceRef, deps(), [](WeatherService& inner) { return std::make_unique<CachedWeather>(inner); });
inline const auto loggedWeather = createServiceDecorator(
    weatherServiceRef, deps(coreServices::logger), [](WeatherService& inner, LoggerService& logger) {
      return std::make_unique<LoggedWeather>(inner, logger);
    });

inline const auto travelPlugin = createBackendPlugin("travel", [](PluginRegistrationPoints& env) {
  env.registerInit(deps(weatherServiceRef), [](WeatherService& weather) {
    for (const char* city : {"Oslo", "Rome", "Oslo"})
      std::printf("travel: %s -> %s\n", city, weather.forecast(city).c_str());
  });
});

int main() {
  // The logger writes to standard output here, without timestamps, so that the example's output is fixed.
  RootLoggerOptions logging;
  logging.sink = [](std::string_view line) {
    if (line.find("type=initialization") == std::string_view::npos)
      std::printf("  log: %s\n", std::string(line.substr(line.find(' ') + 1)).c_str());
  };
  auto backend = createBackend();
  backend.add(rootLoggerServiceFactory(logging));
  backend.add(cachedWeather);  // wraps the real service
  backend.add(loggedWeather);  // wraps the cache: every call is logged, only misses reach the real service
  backend.add(travelPlugin);
  backend.start();
  std::printf("08_decorator: ok\n");
}
