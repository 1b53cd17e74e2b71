// SPDX-License-Identifier: Apache-2.0
// Tests of the loggers and the start-up report.
#include "support/catch.hpp"
#include "support/features.hpp"

#include <rigging/create_backend.hpp>
#include <rigging/defaults/root_logger.hpp>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <initializer_list>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

using namespace rigging;
using namespace rigging::test;

namespace {

// Collects lines; shared by a logger and the test.
struct Lines {
  std::mutex mutex;
  std::vector<std::string> all;
  LogSink sink() {
    return [this](std::string_view line) {
      const std::lock_guard lock(mutex);
      all.emplace_back(line);
    };
  }
  [[nodiscard]] std::vector<std::string> containing(std::string_view text) {
    const std::lock_guard lock(mutex);
    std::vector<std::string> out;
    for (const auto& line : all) {
      if (line.find(text) != std::string::npos) out.push_back(line);
    }
    return out;
  }
};

}  // namespace

TEST_CASE("root logger: text lines carry time, level, message and fields", "[logger]") {
  Lines lines;
  DefaultRootLogger logger({LogFormat::text, LogLevel::info, lines.sink()});
  logger.info({{"entity", "component:a"}}, "refreshed {} entities in {}ms", 3, 1.5);
  logger.debug("not written: below the level");
  REQUIRE(lines.all.size() == 1);
  const auto& line = lines.all[0];
  CHECK(line.size() > 24);
  CHECK(line[4] == '-');
  CHECK(line[23] == 'Z');
  CHECK(line.substr(24) == " info  refreshed 3 entities in 1.5ms entity=component:a");
}

TEST_CASE("root logger: JSON lines escape what they must", "[logger]") {
  Lines lines;
  DefaultRootLogger logger({LogFormat::json, LogLevel::debug, lines.sink()});
  logger.child({{"plugin", "catalog"}})->debug({{"path", "C:\\tmp"}}, "said \"hi\"\n{}", '\t');
  REQUIRE(lines.all.size() == 1);
  const auto& line = lines.all[0];
  CHECK(line.rfind("{\"timestamp\":\"", 0) == 0);
  CHECK_THAT(line,
             Catch::EndsWith(
                 R"(","level":"debug","message":"said \"hi\"\n\t","plugin":"catalog","path":"C:\\tmp"})"));
}

TEST_CASE("root logger: children add fields and share level and sink", "[logger]") {
  Lines lines;
  DefaultRootLogger logger({LogFormat::text, LogLevel::warn, lines.sink()});
  auto child = logger.child({{"plugin", "catalog"}});
  auto grandchild = child->child({{"task", "refresh"}});
  grandchild->info("filtered out");
  grandchild->warn("kept");
  CHECK_FALSE(grandchild->enabled(LogLevel::info));
  REQUIRE(lines.all.size() == 1);
  CHECK_THAT(lines.all[0], Catch::EndsWith("warn  kept plugin=catalog task=refresh"));
}

TEST_CASE("root logger: configuration chooses format and level, and rejects bad values", "[logger][config]") {
  Lines lines;
  const ConfigReader json(ConfigObject{
      {"backend", ConfigObject{{"logging", ConfigObject{{"format", "json"}, {"level", "debug"}}}}}});
  auto logger = DefaultRootLogger::fromConfig(json, {LogFormat::text, LogLevel::info, lines.sink()});
  logger->debug("hello");
  REQUIRE(lines.all.size() == 1);
  CHECK_THAT(lines.all[0], Catch::Contains(R"("level":"debug","message":"hello")"));
  const ConfigReader bad(
      ConfigObject{{"backend", ConfigObject{{"logging", ConfigObject{{"level", "loud"}}}}}});
  CHECK_THROWS_MATCHES(
      DefaultRootLogger::fromConfig(bad, {}), ConfigError,
      Catch::Message("Invalid value 'loud' for config key 'backend.logging.level'; use 'error', "
                     "'warn', 'info' or 'debug'"));
}

TEST_CASE("root logger: Backstage's backend.logger.level and LOG_LEVEL set the level too",
          "[logger][config]") {
  Lines lines;
  const ConfigReader backstage(
      ConfigObject{{"backend", ConfigObject{{"logger", ConfigObject{{"level", "debug"}}}}}});
  auto logger = DefaultRootLogger::fromConfig(backstage, {LogFormat::text, LogLevel::info, lines.sink()});
  CHECK(logger->enabled(LogLevel::debug));
  // rigging's own key wins over Backstage's; the environment variable wins over both.
  const ConfigReader both(
      ConfigObject{{"backend", ConfigObject{{"logger", ConfigObject{{"level", "debug"}}},
                                            {"logging", ConfigObject{{"level", "warn"}}}}}});
  CHECK_FALSE(DefaultRootLogger::fromConfig(both, {})->enabled(LogLevel::info));
  CHECK(DefaultRootLogger::fromConfig(both, {}, "debug")->enabled(LogLevel::debug));
  CHECK(DefaultRootLogger::fromConfig(both, {}, "")->enabled(LogLevel::warn));  // empty: not set
  CHECK_THROWS_MATCHES(
      DefaultRootLogger::fromConfig(both, {}, "loud"), ConfigError,
      Catch::Message("Invalid value 'loud' for environment variable 'LOG_LEVEL'; use 'error', "
                     "'warn', 'info' or 'debug'"));
  // The default factory reads LOG_LEVEL; unset again however the test ends.
  struct LogLevelVariable {
    LogLevelVariable() { ::setenv("LOG_LEVEL", "error", 1); }
    ~LogLevelVariable() { ::unsetenv("LOG_LEVEL"); }
    LogLevelVariable(const LogLevelVariable&) = delete;
    LogLevelVariable& operator=(const LogLevelVariable&) = delete;
  } variable;
  auto backend = createBackend();
  backend.add(rootLoggerServiceFactory({LogFormat::text, LogLevel::info, lines.sink()}));
  backend.add(
      pluginWith("catalog", deps(coreServices::logger), [](LoggerService& log) { log.warn("dropped"); }));
  backend.start();
  CHECK(lines.containing("dropped").empty());
}

TEST_CASE("logger: a plugin's logger is tagged with its id, and a custom root logger replaces the default",
          "[logger][backend]") {
  Lines lines;
  auto backend = createBackend();
  backend.add(rootLoggerServiceFactory({LogFormat::text, LogLevel::info, lines.sink()}));
  backend.add(
      pluginWith("catalog", deps(coreServices::logger), [](LoggerService& log) { log.info("ready"); }));
  backend.start();
  const auto ready = lines.containing(" ready");
  REQUIRE(ready.size() == 1);
  CHECK_THAT(ready[0], Catch::EndsWith("info  ready plugin=catalog"));
}

TEST_CASE("startup report: started, complete with times slowest first, and failures", "[logger][startup]") {
  Lines lines;
  auto backend = createBackend();
  backend.add(rootLoggerServiceFactory({LogFormat::text, LogLevel::info, lines.sink()}));
  backend.add(rootConfigServiceFactory(
      {.data = ConfigObject{
           {"backend", ConfigObject{{"startup", ConfigObject{{"default", ConfigObject{{"onPluginBootFailure",
                                                                                       "continue"}}}}}}}}}));
  backend.add(pluginWith("fast", deps(), [] {}));
  backend.add(pluginWith("slow", deps(), [] { std::this_thread::sleep_for(std::chrono::milliseconds(30)); }));
  backend.add(pluginWith("broken", deps(), [] { throw std::runtime_error("no database"); }));
  backend.add(createBackendModule("absent", "orphan",
                                  [](ModuleRegistrationPoints& env) { env.registerInit(deps(), [] {}); }));
  backend.start();
  CHECK(lines.containing("Plugin initialization started: 'fast', 'slow', 'broken' type=initialization")
            .size() == 1);
  const auto complete = lines.containing("Plugin initialization complete in ");
  REQUIRE(complete.size() == 1);
  CHECK_THAT(complete[0], Catch::Contains(": 'slow' ("));
  CHECK(complete[0].find("'slow'") < complete[0].find("'fast'"));
  CHECK(
      lines.containing("error Plugin 'broken' startup failed; caused by no database plugin=broken").size() ==
      1);
  CHECK(lines
            .containing(
                "warn  Module 'orphan' for plugin 'absent' was not started: the plugin is not installed")
            .size() == 1);
}

TEST_CASE("startup report: plugins still initializing are named at growing intervals", "[logger][startup]") {
  Lines lines;
  auto backend = createBackend();
  backend.engine().setProgressUnit(std::chrono::milliseconds(5));  // lines after 5, 10, 15, 25, 40, ... ms
  backend.add(rootLoggerServiceFactory({LogFormat::text, LogLevel::info, lines.sink()}));
  backend.add(pluginWith("quick", deps(), [] {}));
  backend.add(
      pluginWith("sluggish", deps(), [] { std::this_thread::sleep_for(std::chrono::milliseconds(200)); }));
  backend.add(pluginWith("later", deps(), [] {}));
  backend.start();
  const auto progress = lines.containing("Plugin initialization in progress");
  REQUIRE_FALSE(progress.empty());
  CHECK_THAT(progress[0], Catch::Contains("still initializing: 'sluggish', 'later'"));
  CHECK_THAT(progress[0], Catch::Contains("in progress (1s)"));  // in units: 5 ms here
}

TEST_CASE("lifecycle: a failing hook is logged with its plugin and does not stop the others",
          "[logger][lifecycle]") {
  Lines lines;
  bool second = false;
  auto backend = createBackend();
  backend.add(rootLoggerServiceFactory({LogFormat::text, LogLevel::info, lines.sink()}));
  backend.add(pluginWith("catalog", deps(coreServices::lifecycle), [&](LifecycleService& lifecycle) {
    lifecycle.addShutdownHook([] { throw std::runtime_error("flush failed"); }, {"flush"});
    lifecycle.addShutdownHook([&] { second = true; });
  }));
  backend.start();
  backend.stop();
  CHECK(second);
  const auto failed = lines.containing("shutdown hook 'flush' of plugin 'catalog' failed: flush failed");
  REQUIRE(failed.size() == 1);
  CHECK_THAT(failed[0], Catch::Contains("error"));
  CHECK_THAT(failed[0], Catch::Contains("plugin=catalog"));
}

TEST_CASE("root logger: a bad logging config fails start-up naming the key", "[logger][config]") {
  auto backend = createBackend();
  backend.add(rootConfigServiceFactory(
      {.data = ConfigObject{{"backend", ConfigObject{{"logging", ConfigObject{{"format", "xml"}}}}}}}));
  CHECK_THROWS_WITH(backend.start(), Catch::Contains("Failed to instantiate service 'core.rootLogger'") &&
                                         Catch::Contains("'backend.logging.format'; use 'text' or 'json'"));
}

namespace {
// The seeds' custom root logger: a whole implementation of its own, not the default with options.
class CloudLogger final : public RootLoggerService {
 public:
  explicit CloudLogger(std::vector<std::string>& out, LogFields fields = {})
      : out_(out), fields_(std::move(fields)) {}
  void log(LogLevel, std::string_view message, const LogFields& fields) override {
    std::string line = "cloud: " + std::string(message);
    for (const LogFields* list : std::initializer_list<const LogFields*>{&fields_, &fields}) {
      for (const auto& [k, v] : *list) line += " " + k + "=" + v;
    }
    out_.push_back(line);
  }
  [[nodiscard]] bool enabled(LogLevel) const noexcept override { return true; }
  [[nodiscard]] std::shared_ptr<LoggerService> child(LogFields fields) override {
    LogFields merged = fields_;
    merged.insert(merged.end(), fields.begin(), fields.end());
    return std::make_shared<CloudLogger>(out_, std::move(merged));
  }

 private:
  std::vector<std::string>& out_;
  LogFields fields_;
};
}  // namespace

TEST_CASE("logger: replacing the root logger changes what every plugin logger writes", "[logger][backend]") {
  std::vector<std::string> out;
  auto backend = createBackend();
  backend.add(createServiceFactory(coreServices::rootLogger, deps(),
                                   [&out] { return std::make_unique<CloudLogger>(out); }));
  for (const char* id : {"catalog", "search"}) {
    backend.add(pluginWith(id, deps(coreServices::logger), [](LoggerService& log) { log.info("hello"); }));
  }
  backend.start();
  CHECK(std::count(out.begin(), out.end(), "cloud: hello plugin=catalog") == 1);
  CHECK(std::count(out.begin(), out.end(), "cloud: hello plugin=search") == 1);
  CHECK(std::any_of(out.begin(), out.end(), [](const std::string& line) {
    return line.rfind("cloud: Plugin initialization complete", 0) == 0;  // the report goes there too
  }));
}

TEST_CASE("root logger: timestamps are ISO 8601 in UTC with milliseconds", "[root_logger]") {
  using namespace std::chrono;
  // 2024-02-29T23:59:58.007Z: a leap day, single-digit fields padded, milliseconds kept.
  const sys_time<milliseconds> leapDay =
      sys_days{year{2024} / February / 29} + hours{23} + minutes{59} + seconds{58} + milliseconds{7};
  CHECK(detail::utcTimestamp(system_clock::time_point(leapDay)) == "2024-02-29T23:59:58.007Z");
  CHECK(detail::utcTimestamp(system_clock::time_point(sys_days{year{1970} / January / 1})) ==
        "1970-01-01T00:00:00.000Z");
  const sys_time<milliseconds> late =
      sys_days{year{2031} / December / 9} + hours{4} + minutes{5} + seconds{6} + milliseconds{999};
  CHECK(detail::utcTimestamp(system_clock::time_point(late)) == "2031-12-09T04:05:06.999Z");
}
