// SPDX-License-Identifier: Apache-2.0
// Copyright The rigging Authors
// The default root logger and its children: one line per record, human-readable text or JSON lines.
#pragma once

#include <rigging/core_services.hpp>
#include <rigging/detail/json.hpp>
#include <rigging/errors.hpp>

#include <chrono>
#include <cstddef>
#include <cstdio>
#include <ctime>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>

namespace rigging {

/// How the default logger writes records: `text` (the default) or `json` (one JSON object per line).
enum class LogFormat : unsigned char { text, json };

/// Receives each finished line, without its newline. Called under the logger's lock.
using LogSink = std::function<void(std::string_view line)>;

/// Options of the default root logger; configuration (`backend.logging.format`, `backend.logging.level`)
/// overrides format and level when present.
struct RootLoggerOptions {
  LogFormat format = LogFormat::text;
  LogLevel level = LogLevel::info;
  LogSink sink{};  ///< empty: standard error
};

[[nodiscard]] constexpr std::string_view logLevelName(LogLevel level) noexcept {
  switch (level) {
    case LogLevel::error:
      return "error";
    case LogLevel::warn:
      return "warn";
    case LogLevel::info:
      return "info";
    case LogLevel::debug:
      return "debug";
  }
  return "info";
}

namespace detail {

/// What a root logger and all its children share: where lines go, and how they look.
struct LoggerState {
  LogFormat format;
  LogLevel level;
  LogSink sink;
  std::mutex mutex;
};

/// `now` as the logger writes it: ISO 8601 in UTC with milliseconds, `2024-05-01T12:00:00.123Z`. Written by
/// hand rather than with fmt's chrono formatting, which every TU that includes rigging would compile.
inline std::string utcTimestamp(std::chrono::system_clock::time_point now) {
  const long long millis =
      std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
  const std::time_t seconds = std::chrono::system_clock::to_time_t(now);
  std::tm utc{};
#if defined(_WIN32)
  gmtime_s(&utc, &seconds);
#else
  gmtime_r(&seconds, &utc);
#endif
  char text[64];
  const int size =
      std::snprintf(text, sizeof text, "%04d-%02d-%02dT%02d:%02d:%02d.%03lldZ", utc.tm_year + 1900,
                    utc.tm_mon + 1, utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec, millis);
  return std::string(text, size > 0 ? static_cast<std::size_t>(size) : 0);
}

inline std::string renderRecord(const LoggerState& state, LogLevel level, std::string_view message,
                                const LogFields& own, const LogFields& extra) {
  const std::string timestamp = utcTimestamp(std::chrono::system_clock::now());
  const std::string_view levelName = logLevelName(level);
  std::string line;
  if (state.format == LogFormat::json) {
    line = "{\"timestamp\":\"" + timestamp + "\",\"level\":\"" + std::string(levelName) + "\",\"message\":";
    appendJsonString(line, message);
    for (const auto* fields : {&own, &extra}) {
      for (const auto& [key, value] : *fields) {
        line += ',';
        appendJsonString(line, key);
        line += ':';
        appendJsonString(line, value);
      }
    }
    line += '}';
  } else {
    // "<timestamp> <level, left-aligned in 5> <message> key=value..."
    line = timestamp;
    line += ' ';
    line += levelName;
    if (levelName.size() < 5) line.append(5 - levelName.size(), ' ');
    line += ' ';
    line += message;
    for (const auto* fields : {&own, &extra}) {
      for (const auto& [key, value] : *fields) {
        line += ' ';
        line += key;
        line += '=';
        line += value;
      }
    }
  }
  return line;
}

template <class Base>
class BasicLogger : public Base {
 public:
  BasicLogger(std::shared_ptr<LoggerState> state, LogFields fields)
      : state_(std::move(state)), fields_(std::move(fields)) {}

  void log(LogLevel level, std::string_view message, const LogFields& fields) override {
    if (!enabled(level)) return;
    const std::string line = renderRecord(*state_, level, message, fields_, fields);
    const std::lock_guard lock(state_->mutex);
    if (state_->sink) {
      state_->sink(line);
    } else {
      std::fprintf(stderr, "%s\n", line.c_str());
    }
  }

  [[nodiscard]] bool enabled(LogLevel level) const noexcept override { return level <= state_->level; }

  [[nodiscard]] std::shared_ptr<LoggerService> child(LogFields fields) override {
    LogFields merged = fields_;
    merged.insert(merged.end(), std::make_move_iterator(fields.begin()),
                  std::make_move_iterator(fields.end()));
    return std::make_shared<BasicLogger<LoggerService>>(state_, std::move(merged));
  }

 private:
  std::shared_ptr<LoggerState> state_;
  LogFields fields_;
};

// `where` names the source: "config key" or "environment variable".
inline LogLevel parseLogLevel(std::string_view text, std::string_view key,
                              std::string_view where = "config key") {
  for (const auto level : {LogLevel::error, LogLevel::warn, LogLevel::info, LogLevel::debug}) {
    if (text == logLevelName(level)) return level;
  }
  throw ConfigError("Invalid value '" + std::string(text) + "' for " + std::string(where) + " '" +
                        std::string(key) + "'; use 'error', 'warn', 'info' or 'debug'",
                    std::string(key));
}

}  // namespace detail

/// The default `core.rootLogger`.
class DefaultRootLogger final : public detail::BasicLogger<RootLoggerService> {
 public:
  explicit DefaultRootLogger(RootLoggerOptions options = {})
      : BasicLogger(std::shared_ptr<detail::LoggerState>(
                        new detail::LoggerState{options.format, options.level, std::move(options.sink), {}}),
                    {}) {}

  /// The logger the configuration asks for: `backend.logging.format` (`text` or `json`) and
  /// `backend.logging.level` (`error`, `warn`, `info`, `debug`; Backstage's `backend.logger.level` is read
  /// too, and loses to it) override `options`; `environmentLevel`, the `LOG_LEVEL` variable the default
  /// factory passes, overrides them all, as in Backstage.
  static std::unique_ptr<DefaultRootLogger> fromConfig(const RootConfigService& config,
                                                       RootLoggerOptions options,
                                                       const char* environmentLevel = nullptr) {
    if (const auto format = config.getOptionalString("backend.logging.format")) {
      if (*format == "json") {
        options.format = LogFormat::json;
      } else if (*format == "text") {
        options.format = LogFormat::text;
      } else {
        throw ConfigError(
            "Invalid value '" + *format + "' for config key 'backend.logging.format'; use 'text' or 'json'",
            "backend.logging.format");
      }
    }
    for (const std::string_view key : {"backend.logger.level", "backend.logging.level"}) {
      if (const auto level = config.getOptionalString(key))
        options.level = detail::parseLogLevel(*level, key);
    }
    if (environmentLevel != nullptr && *environmentLevel != '\0')
      options.level = detail::parseLogLevel(environmentLevel, "LOG_LEVEL", "environment variable");
    return std::make_unique<DefaultRootLogger>(std::move(options));
  }
};

}  // namespace rigging
