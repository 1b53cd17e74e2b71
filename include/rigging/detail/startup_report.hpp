// SPDX-License-Identifier: Apache-2.0
// Copyright The rigging Authors
// The start-up report: what is starting, who is still initializing (1 s, 2 s, 3 s, 5 s, ... then every 60 s),
// and how long each plugin took, slowest first, all through the root logger.
#pragma once

#include <rigging/core_services.hpp>
#include <rigging/startup_result.hpp>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

namespace rigging::detail {

inline std::string formatDuration(std::chrono::nanoseconds duration) {
  const double ms = std::chrono::duration<double, std::milli>(duration).count();
  return ms < 1000.0 ? fmt::format("{:.1f}ms", ms) : fmt::format("{:.1f}s", ms / 1000.0);
}

inline std::string quoteAll(const std::vector<std::string>& ids) {
  std::string out;
  for (const auto& id : ids) out += (out.empty() ? "'" : ", '") + id + "'";
  return out;
}

/// Logs, on a thread of its own, which plugins are still initializing, at growing intervals.
class ProgressReporter {
 public:
  ProgressReporter(LoggerService& logger, std::chrono::milliseconds unit, std::vector<std::string> pending)
      : logger_(logger), unit_(unit), pending_(std::move(pending)), thread_([this] { run(); }) {}
  ProgressReporter(const ProgressReporter&) = delete;
  ProgressReporter& operator=(const ProgressReporter&) = delete;
  ~ProgressReporter() {
    {
      const std::lock_guard lock(mutex_);
      finished_ = true;
    }
    wake_.notify_all();
    thread_.join();
  }

  void done(std::string_view pluginId) {
    const std::lock_guard lock(mutex_);
    // Plugins finish in the order they start, so this is nearly always the first pending one: dropping it
    // by moving first_ keeps a start with P plugins O(P), where erasing from the front was O(P^2).
    const auto first = pending_.begin() + static_cast<std::ptrdiff_t>(first_);
    const auto found = std::find(first, pending_.end(), pluginId);
    if (found == first && found != pending_.end()) {
      ++first_;
    } else if (found != pending_.end()) {
      pending_.erase(found);
    }
  }

 private:
  void run() {
    const auto began = std::chrono::steady_clock::now();
    std::int64_t gap = 1, next = 1, elapsed = 0;  // in units: gaps 1, 1, 1, 2, 3, 5, ... capped at 60
    std::unique_lock lock(mutex_);
    while (true) {
      elapsed += gap;
      if (wake_.wait_until(lock, began + unit_ * elapsed, [this] { return finished_; })) return;
      if (first_ < pending_.size()) {
        logger_.info({{"type", "initialization"}},
                     "Plugin initialization in progress ({}s), still initializing: {}", elapsed,
                     quoteAll({pending_.begin() + static_cast<std::ptrdiff_t>(first_), pending_.end()}));
      }
      const std::int64_t following = elapsed < 3 ? 1 : std::min<std::int64_t>(gap + next, 60);
      next = gap;
      gap = following;
    }
  }

  LoggerService& logger_;
  std::chrono::milliseconds unit_;
  std::vector<std::string> pending_;
  std::size_t first_ = 0;  // pending_[0, first_) are done
  std::mutex mutex_;
  std::condition_variable wake_;
  bool finished_ = false;
  std::thread thread_;  // last: starts once everything it reads exists
};

/// `Plugin initialization complete: 'slow' (1.2s), 'fast' (3.0ms)`: slowest first.
inline void logCompletion(LoggerService& logger, const StartupResult& result) {
  if (!logger.enabled(LogLevel::info)) return;  // not written: nothing to sort and format
  std::vector<const PluginStartupResult*> started;
  for (const auto& plugin : result.plugins) {
    if (plugin.status != StartupStatus::skipped) started.push_back(&plugin);
  }
  std::stable_sort(started.begin(), started.end(),
                   [](const auto* a, const auto* b) { return a->duration > b->duration; });
  std::string list;
  for (const auto* plugin : started) {
    list += (list.empty() ? "'" : ", '") + plugin->pluginId + "' (" + formatDuration(plugin->duration) + ")";
  }
  logger.info({{"type", "initialization"}}, "Plugin initialization complete in {}: {}",
              formatDuration(result.duration), list.empty() ? "no plugins" : list);
}

}  // namespace rigging::detail
