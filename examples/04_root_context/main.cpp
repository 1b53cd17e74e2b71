// SPDX-License-Identifier: Apache-2.0
// Copyright The rigging Authors
// A root context shared by per-plugin instances. A plugin-scoped service has one instance per plugin; when
// those instances should share something expensive (a connection pool, a cache, generated secrets), the
// factory declares a root context: rootContext(deps(...), fn) runs once per backend, at the first plugin that
// needs the service, and every per-plugin call of the factory receives it first. The context may depend on
// root-scoped services only; the per-plugin part may use plugin-scoped ones such as core.pluginMetadata.
// examples/showcase/services/database.hpp does the same with real SQLite connections.
#include <rigging/rigging.hpp>

#include <cstdio>
#include <map>
#include <memory>
#include <string>
#include <string_view>

using namespace rigging;

/// The shared part: a pool that hands out one connection per plugin and counts what it opened.
class ConnectionPool {
 public:
  explicit ConnectionPool(std::string url) : url_(std::move(url)) {
    std::printf("pool: created for %s\n", url_.c_str());
  }
  ConnectionPool(const ConnectionPool&) = delete;
  ConnectionPool& operator=(const ConnectionPool&) = delete;
  ~ConnectionPool() { std::printf("pool: closed %zu connections\n", opened_.size()); }

  std::string connect(std::string_view pluginId) {
    const std::string name = url_ + "/" + std::string(pluginId);
    opened_[std::string(pluginId)] = name;
    std::printf("pool: connection %zu opened for plugin '%s'\n", opened_.size(),
                std::string(pluginId).c_str());
    return name;
  }

 private:
  std::string url_;
  std::map<std::string, std::string> opened_;
};

/// The per-plugin service.
class Database {
 public:
  virtual ~Database() = default;
  [[nodiscard]] virtual std::string name() const = 0;
};
class PooledDatabase final : public Database {
 public:
  explicit PooledDatabase(std::string name) : name_(std::move(name)) {}
  std::string name() const override { return name_; }

 private:
  std::string name_;
};

inline const auto databaseRef = createServiceRef<Database>("example.database");

inline const auto databaseFactory = createServiceFactory(
    databaseRef, deps(coreServices::pluginMetadata),
    // Runs once: root-scoped deps only (here the configuration).
    rootContext(deps(coreServices::rootConfig),
                [](RootConfigService& config) {
                  return std::make_unique<ConnectionPool>(config.getString("database.url"));
                }),
    // Runs once per plugin: the context first, then the factory's own deps.
    [](ConnectionPool& pool, PluginMetadataService& plugin) {
      return std::make_unique<PooledDatabase>(pool.connect(plugin.getId()));
    });

BackendPlugin pluginUsingTheDatabase(std::string_view id) {
  return createBackendPlugin(id, [id = std::string(id)](PluginRegistrationPoints& env) {
    env.registerInit(deps(databaseRef), [id](Database& database) {
      std::printf("%s: using %s\n", id.c_str(), database.name().c_str());
    });
  });
}

int main() {
  auto backend = createBackend();
  backend.add(
      rootConfigServiceFactory({.data = ConfigObject{{"database", ConfigObject{{"url", "sqlite://data"}}}}}));
  backend.add(databaseFactory);
  backend.add(pluginUsingTheDatabase("catalog"));
  backend.add(pluginUsingTheDatabase("scaffolder"));
  backend.start();
  backend.stop();  // the per-plugin instances go first, the root context last
  std::printf("04_root_context: ok\n");
}
