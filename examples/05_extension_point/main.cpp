// SPDX-License-Identifier: Apache-2.0
// Copyright The rigging Authors
// A plugin with an extension point, and a module that extends it. The plugin owns an implementation of the
// extension point and registers it; modules for that plugin receive it in their init, like a service, and add
// to it. Every module's init runs before the plugin's init, so the plugin sees everything modules added.
// Put the extension point's interface and ref in a header of their own (Backstage's "-node" packages): a
// module author includes it, not the plugin.
#include <rigging/rigging.hpp>

#include <cstdio>
#include <memory>
#include <string>
#include <utility>
#include <vector>

using namespace rigging;

// --- search_node.hpp: what module authors include ---

/// Something that yields documents to index.
struct Collator {
  std::string type;
  std::vector<std::string> documents;
};

/// The extension point: the interface modules see.
class SearchIndexExtensionPoint {
 public:
  virtual ~SearchIndexExtensionPoint() = default;
  virtual void addCollator(Collator collator) = 0;
};
inline const auto searchIndexExtensionPoint = createExtensionPoint<SearchIndexExtensionPoint>("search.index");

// --- search_plugin.hpp: the plugin ---

/// The plugin keeps the implementation; modules only see the interface.
class Collators final : public SearchIndexExtensionPoint {
 public:
  void addCollator(Collator collator) override { collators.push_back(std::move(collator)); }
  std::vector<Collator> collators;
};

inline const auto searchPlugin = createBackendPlugin("search", [](PluginRegistrationPoints& env) {
  auto collators = std::make_shared<Collators>();
  env.registerExtensionPoint(searchIndexExtensionPoint, collators);
  env.registerInit(deps(coreServices::rootConfig), [collators](RootConfigService&) {
    std::size_t documents = 0;
    for (const auto& collator : collators->collators) {
      std::printf("search: indexing %zu %s documents\n", collator.documents.size(), collator.type.c_str());
      documents += collator.documents.size();
    }
    std::printf("search: index ready with %zu documents from %zu collators\n", documents,
                collators->collators.size());
  });
});

// --- search_module_docs.hpp: a module, possibly from another team ---

inline const auto searchModuleDocs = createBackendModule("search", "docs", [](ModuleRegistrationPoints& env) {
  env.registerInit(deps(searchIndexExtensionPoint), [](SearchIndexExtensionPoint& index) {
    std::printf("search/docs: adding the docs collator\n");
    index.addCollator({"docs", {"getting-started", "services", "plugins"}});
  });
});

int main() {
  auto backend = createBackend();
  backend.add(searchPlugin);
  backend.add(searchModuleDocs);  // the order of plugin and module does not matter: modules always run first
  backend.start();
  backend.stop();
  std::printf("05_extension_point: ok\n");
}
