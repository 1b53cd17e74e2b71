// SPDX-License-Identifier: Apache-2.0
// Copyright The rigging Authors
// The database service: each plugin gets a database of its own (an SQLite file named after the plugin), and
// never sees another plugin's tables.
//
// This is the seeds' connection-pool example of a root context: the plugin-scoped factory has a root context,
// a DatabaseManager created once per backend, which owns every SQLite connection and hands each plugin its
// own. The backend destroys the per-plugin instances first and the root context last, which closes the
// connections.
#pragma once

#include <rigging/plugin_api.hpp>

#include <sqlite3.h>

#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace showcase {

/// One row of a query result, each column as text (NULL reads as an empty string).
using DatabaseRow = std::vector<std::string>;

class DatabaseService {
 public:
  virtual ~DatabaseService() = default;
  /// Runs one SQL statement with `?` placeholders bound to `params`, and returns its rows. Each statement
  /// commits on its own (SQLite's autocommit): once it returns, the change is on disk.
  virtual std::vector<DatabaseRow> query(std::string_view sql,
                                         const std::vector<std::string>& params = {}) = 0;
};

inline const auto databaseServiceRef = rigging::createServiceRef<DatabaseService>("showcase.database");

/// An open SQLite database, safe to use from the HTTP server's threads.
class SqliteConnection {
 public:
  explicit SqliteConnection(const std::filesystem::path& file) {
    if (sqlite3_open(file.c_str(), &db_) != SQLITE_OK) {
      const std::string message = db_ != nullptr ? sqlite3_errmsg(db_) : "out of memory";
      sqlite3_close(db_);
      throw std::runtime_error("cannot open the database '" + file.string() + "': " + message);
    }
    sqlite3_busy_timeout(db_, 5000);
  }
  SqliteConnection(const SqliteConnection&) = delete;
  SqliteConnection& operator=(const SqliteConnection&) = delete;
  ~SqliteConnection() { sqlite3_close(db_); }

  std::vector<DatabaseRow> query(std::string_view sql, const std::vector<std::string>& params) {
    const std::lock_guard lock(mutex_);
    sqlite3_stmt* statement = nullptr;
    if (sqlite3_prepare_v2(db_, sql.data(), static_cast<int>(sql.size()), &statement, nullptr) != SQLITE_OK) {
      fail("prepare", sql);
    }
    const std::unique_ptr<sqlite3_stmt, int (*)(sqlite3_stmt*)> finalize(statement, sqlite3_finalize);
    for (std::size_t i = 0; i < params.size(); ++i) {
      // No copy (SQLite's SQLITE_STATIC, a null destructor): the parameters outlive the statement.
      sqlite3_bind_text(statement, static_cast<int>(i + 1), params[i].c_str(),
                        static_cast<int>(params[i].size()), nullptr);
    }
    std::vector<DatabaseRow> rows;
    while (true) {
      const int step = sqlite3_step(statement);
      if (step == SQLITE_DONE) return rows;
      if (step != SQLITE_ROW) fail("run", sql);
      DatabaseRow& row = rows.emplace_back();
      for (int column = 0; column < sqlite3_column_count(statement); ++column) {
        const auto* text = sqlite3_column_text(statement, column);
        row.emplace_back(text != nullptr ? reinterpret_cast<const char*>(text) : "");
      }
    }
  }

 private:
  [[noreturn]] void fail(std::string_view what, std::string_view sql) const {
    throw std::runtime_error("cannot " + std::string(what) + " '" + std::string(sql) +
                             "': " + sqlite3_errmsg(db_));
  }

  sqlite3* db_ = nullptr;
  std::mutex mutex_;
};

/// The root context: every plugin's connection, in one folder (config: backend.database.directory).
class DatabaseManager {
 public:
  DatabaseManager(std::filesystem::path directory, rigging::LoggerService& logger)
      : directory_(std::move(directory)), logger_(logger) {
    std::filesystem::create_directories(directory_);
  }
  DatabaseManager(const DatabaseManager&) = delete;
  DatabaseManager& operator=(const DatabaseManager&) = delete;
  ~DatabaseManager() {
    for (const auto& [pluginId, connection] : connections_)
      logger_.info("Closed the database of plugin '{}'", pluginId);
  }

  /// The plugin's connection, opened on first use.
  SqliteConnection& forPlugin(std::string_view pluginId) {
    const std::lock_guard lock(mutex_);
    auto& connection = connections_[std::string(pluginId)];
    if (!connection) {
      const auto file = directory_ / (std::string(pluginId) + ".sqlite");
      connection = std::make_unique<SqliteConnection>(file);
      logger_.info("Opened the database of plugin '{}' at {}", pluginId, file.string());
    }
    return *connection;
  }

 private:
  std::filesystem::path directory_;
  rigging::LoggerService& logger_;
  std::mutex mutex_;
  std::map<std::string, std::unique_ptr<SqliteConnection>, std::less<>> connections_;
};

/// What a plugin receives: its own connection, nothing else.
class PluginDatabase final : public DatabaseService {
 public:
  explicit PluginDatabase(SqliteConnection& connection) : connection_(connection) {}
  std::vector<DatabaseRow> query(std::string_view sql, const std::vector<std::string>& params) override {
    return connection_.query(sql, params);
  }

 private:
  SqliteConnection& connection_;
};

/// rootContext(deps(...), fn) runs once, at the first plugin that needs a database; the factory's callable
/// then receives the context first, followed by its own deps.
inline const auto databaseServiceFactory = rigging::createServiceFactory(
    databaseServiceRef, rigging::deps(rigging::coreServices::pluginMetadata),
    rigging::rootContext(rigging::deps(rigging::coreServices::rootConfig, rigging::coreServices::rootLogger),
                         [](rigging::RootConfigService& config, rigging::RootLoggerService& logger) {
                           return std::make_unique<DatabaseManager>(
                               config.getString("backend.database.directory"), logger);
                         }),
    [](DatabaseManager& manager, rigging::PluginMetadataService& plugin) {
      return std::make_unique<PluginDatabase>(manager.forPlugin(plugin.getId()));
    });

}  // namespace showcase
