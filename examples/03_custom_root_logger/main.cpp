// SPDX-License-Identifier: Apache-2.0
// Copyright The rigging Authors
// Overriding a core service: the seeds' custom root logger. Backstage's docs replace the root logger with
//
//     backend.add(createServiceFactory({ service: coreServices.rootLogger, deps: {},
//                                        async factory() { return new CustomLogger(); } }));
//
// and so does this program: adding a factory for coreServices::rootLogger replaces the default one that
// createBackend() installs. Every plugin logger is the root logger's child (the default core.logger factory
// calls root.child({{"plugin", id}})), so every plugin now writes through CustomLogger, and so does the
// backend's own start-up report.
#include <rigging/rigging.hpp>

#include <cstdio>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>

using namespace rigging;

/// Writes "[custom] <level> <message> {key=value, ...}" to standard output. A LoggerService implements three
/// functions: log (one record), enabled (is a level written) and child (a logger adding fields).
class CustomLogger final : public RootLoggerService {
 public:
  CustomLogger() : CustomLogger(std::make_shared<std::mutex>(), {}) {}

  void log(LogLevel level, std::string_view message, const LogFields& fields) override {
    std::string line = "[custom] " + std::string(logLevelName(level)) + " " + std::string(message);
    LogFields all = fields_;
    all.insert(all.end(), fields.begin(), fields.end());
    if (!all.empty()) {
      line += " {";
      for (std::size_t i = 0; i < all.size(); ++i)
        line += (i == 0 ? "" : ", ") + all[i].first + "=" + all[i].second;
      line += "}";
    }
    const std::lock_guard lock(*mutex_);  // loggers are used from many threads
    std::printf("%s\n", line.c_str());
  }

  [[nodiscard]] bool enabled(LogLevel level) const noexcept override { return level != LogLevel::debug; }

  [[nodiscard]] std::shared_ptr<LoggerService> child(LogFields fields) override {
    LogFields merged = fields_;
    merged.insert(merged.end(), fields.begin(), fields.end());
    return std::shared_ptr<CustomLogger>(new CustomLogger(mutex_, std::move(merged)));
  }

 private:
  CustomLogger(std::shared_ptr<std::mutex> mutex, LogFields fields)
      : mutex_(std::move(mutex)), fields_(std::move(fields)) {}

  std::shared_ptr<std::mutex> mutex_;
  LogFields fields_;
};

/// The factory that replaces the default: same ref, no deps.
inline const auto customRootLoggerFactory =
    createServiceFactory(coreServices::rootLogger, deps(), [] { return std::make_unique<CustomLogger>(); });

inline const auto catalogPlugin = createBackendPlugin("catalog", [](PluginRegistrationPoints& env) {
  env.registerInit(deps(coreServices::logger), [](LoggerService& logger) {
    logger.info("refreshed {} entities", 3);
    logger.warn({{"entity", "component:default/petstore"}}, "entity has no owner");
    logger.debug("not written: CustomLogger skips debug records");
  });
});

int main() {
  auto backend = createBackend();
  backend.add(customRootLoggerFactory);
  backend.add(catalogPlugin);
  backend.start();
  backend.stop();
  std::printf("03_custom_root_logger: ok\n");
}
