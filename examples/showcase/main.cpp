// SPDX-License-Identifier: Apache-2.0
// Copyright The rigging Authors
// The showcase backend: a real HTTP backend made of plugins, the way a rigging host application is written.
//
//   services/           services the plugins share: rootHttpRouter (the server), httpRouter (a plugin's
//                       routes under /api/<pluginId>), database (a SQLite database per plugin)
//   plugins/catalog-node/                what the catalog offers others: extension point, CatalogService
//   plugins/catalog/                     the catalog plugin: entities in SQLite, over HTTP
//   plugins/catalog-module-validation/   a module adding a processor that rejects bad entities
//   plugins/catalog-module-default-owner/ a module adding a processor that fills in an owner
//   plugins/scorecard/                   a second plugin, reading the catalog through CatalogService
//
// Run it, then try:
//   curl -X POST localhost:7007/api/catalog/entities -H 'Content-Type: application/json' -d
//        '{"kind":"Component","metadata":{"name":"petstore"},"spec":{"lifecycle":"production"}}'
//   curl localhost:7007/api/catalog/entities
//   curl localhost:7007/api/scorecard/scores/component:default/petstore
//   curl localhost:7007/.backstage/health/v1/readiness
// Stop it with Ctrl-C (SIGINT) or SIGTERM.
//
// Configuration: the defaults below, then each `--config <file.json>`, then APP_CONFIG_* environment
// variables (APP_CONFIG_backend_listen_port=8080), later sources winning. `--print-graph` prints the
// backend's graph in Graphviz DOT and exits without starting anything.
#include "plugins/catalog-module-default-owner/default_owner_module.hpp"
#include "plugins/catalog-module-validation/validation_module.hpp"
#include "plugins/catalog/catalog_plugin.hpp"
#include "plugins/scorecard/scorecard_plugin.hpp"
#include "services/database.hpp"
#include "services/http_router.hpp"
#include "services/root_http_router.hpp"

#include <rigging/rigging.hpp>

#include <cstdio>
#include <string_view>

// The build sets SHOWCASE_DATA_DIR to a folder under the build tree (see CMakeLists.txt).
#ifndef SHOWCASE_DATA_DIR
#define SHOWCASE_DATA_DIR "showcase-data"
#endif

namespace {

// The embedded defaults: what the showcase runs with when nothing else is configured.
rigging::ConfigValue defaultConfig() {
  using rigging::ConfigObject;
  return ConfigObject{
      {"backend", ConfigObject{{"listen", ConfigObject{{"host", "127.0.0.1"}, {"port", 7007}}},
                               {"database", ConfigObject{{"directory", SHOWCASE_DATA_DIR}}}}},
      {"catalog", ConfigObject{{"defaultOwner", "guests"}}},
  };
}

bool wantsGraph(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    if (std::string_view(argv[i]) == "--print-graph") return true;
  }
  return false;
}

}  // namespace

int main(int argc, char** argv) {
  auto backend = rigging::createBackend();  // the default core services: config, logging, lifecycle

  // Replaces the default rootConfig factory, adding the defaults above and the --config files.
  backend.add(rigging::rootConfigServiceFactory(
      {.data = defaultConfig(), .files = rigging::configFilesFromArgs(argc, argv)}));

  // The services the plugins need. Not core services of rigging: a backend chooses its own.
  backend.add(showcase::rootHttpRouterServiceFactory);
  backend.add(showcase::httpRouterServiceFactory);
  backend.add(showcase::databaseServiceFactory);
  // showcase::catalogServiceRef needs no line: its ref carries a default factory.

  // The plugins and modules. Modules run before their plugin's init, in the order added.
  backend.add(showcase::catalogPlugin);
  backend.add(showcase::catalogModuleValidation);
  backend.add(showcase::catalogModuleDefaultOwner);
  backend.add(showcase::scorecardPlugin);

  if (wantsGraph(argc, argv)) {
    // The validated plan: no factory or init has run.
    std::fputs(rigging::toDot(backend.graph()).c_str(), stdout);
    return 0;
  }

  // Starts the backend (the start-up report goes to the log), serves until SIGINT or SIGTERM, then stops it:
  // readiness turns 'not ready', the server stops, every instance is destroyed in reverse creation order.
  // 0: all went well; 1: start-up failed; 2: a shutdown hook failed.
  const int status = rigging::runUntilSignal(backend);
  std::fprintf(stderr, "showcase: stopped with status %d\n", status);
  return status;
}
