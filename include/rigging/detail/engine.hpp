// SPDX-License-Identifier: Apache-2.0
// Copyright The rigging Authors
// The engine behind Backend: the registry, whole-graph validation and the start and stop sequence.
//
// add() sorts each feature by kind (1). start(), top to bottom: (2) run feature loaders, creating the root
// services they depend on and only those; (3) run every plugin's and module's register callback and build the
// registry, resolving every id to an index once; (4) validate the whole graph and throw one ValidationError
// listing every problem; (5) create root services; (6) per plugin, in the order added: its eager services,
// its modules (ordered by extension points), its init, its lifecycle startup hooks; (7) root lifecycle
// startup hooks. Any throw after (2) unwinds: shutdown hooks of what started, then every instance destroyed
// in reverse order.
#pragma once

#include <rigging/backend_graph.hpp>
#include <rigging/core_services.hpp>
#include <rigging/detail/attributes.hpp>
#include <rigging/detail/callable.hpp>
#include <rigging/detail/factory_impl.hpp>
#include <rigging/detail/flat_table.hpp>
#include <rigging/detail/graph.hpp>
#include <rigging/detail/id_index.hpp>
#include <rigging/detail/intern.hpp>
#include <rigging/detail/startup_report.hpp>
#include <rigging/errors.hpp>
#include <rigging/feature_loader.hpp>
#include <rigging/module.hpp>
#include <rigging/plugin.hpp>
#include <rigging/service_ref.hpp>
#include <rigging/startup_result.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <exception>
#include <memory>
#include <memory_resource>
#include <mutex>
#include <new>
#include <optional>
#include <shared_mutex>
#include <span>
#include <string>
#include <string_view>
#include <tuple>
#include <unordered_map>
#include <utility>
#include <vector>

namespace rigging::detail {

inline std::string quote(std::string_view id) {
  // Appended, not "'" + std::string(id): g++ 12 at -O3 warns falsely (-Wrestrict) on that insert.
  std::string out;
  out.reserve(id.size() + 2);
  out += '\'';
  out += id;
  out += '\'';
  return out;
}

inline std::string joinQuoted(const std::vector<std::string>& ids, std::string_view separator) {
  std::string out;
  for (std::size_t i = 0; i < ids.size(); ++i) {
    if (i != 0) out += separator;
    out += quote(ids[i]);
  }
  return out;
}

inline std::string_view scopeName(ServiceScope scope) {
  return scope == ServiceScope::root ? "root" : "plugin";
}

inline std::string describe(const std::exception_ptr& error) {
  try {
    std::rethrow_exception(error);
  } catch (const std::exception& e) {
    return e.what();
  } catch (...) {
    return "an unknown exception";
  }
}

/// Where the factory of a service came from, in order of precedence.
enum class FactorySource : unsigned char {
  builtin,
  explicitly_added,
  loader,
  backend_default,
  ref_default,
  none
};

class Engine {
 public:
  explicit Engine(std::vector<std::shared_ptr<const FactoryImpl>> backendDefaults)
      : backendDefaults_(std::move(backendDefaults)) {}
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;
  ~Engine() {
    stop();
    modules_.clear();  // what modules registered goes first, as it always has, then the plugins' own
    for (Plugin* plugin : plugins_) plugin->~Plugin();  // their bytes go with arena_
  }

  /// Keeps a feature, sorted by kind; nothing is checked here: start() reports every problem at once.
  void add(const BackendFeature& feature) {
    if (state_ != State::idle || prepared_) throwAddedLate();
    apply(feature, FactorySource::explicitly_added, 0);  // (1)
  }

  // ---- the start sequence ----

  /// Steps (1) to (4): everything up to a validated plan. start() calls it; graph() calls it too, so a graph
  /// can be described before anything but a feature loader's root services has run.
  void prepare() {
    if (prepared_) return;
    if (state_ != State::idle) throw BackendStateError("Backend has already stopped");
    prepared_ = true;
    try {
      std::vector<Problem> problems;
      runLoaders(problems);                 // (2)
      registerPluginsAndModules(problems);  // (3)
      registered_ = true;
      if (metadataHandedOut_) installedPlugins();  // a loader holds it: its list is complete from now on
      buildRegistry(problems, true);
      releaseBuildState();  // the registry is complete
      validate(problems);   // (4)
      if (!problems.empty()) throw ValidationError(withoutRepeats(std::move(problems)));
    } catch (...) {
      state_ = State::stopped;
      destroyInstances();  // a loader's root services; nothing had started
      throw;
    }
  }

  const StartupResult& start() {
    if (state_ == State::started) throw BackendStateError("Backend has already started");
    if (state_ == State::stopped) throw BackendStateError("Backend has already stopped");
    startCalled_ = true;
    const auto began = std::chrono::steady_clock::now();
    prepare();
    state_ = State::started;
    try {
      readBootFailurePolicy();  // before the root services: a bad policy is a validation problem
      createRootServices();     // (5)
      startPlugins();           // (6)
      result_.duration = std::chrono::steady_clock::now() - began;
      if (auto* logger = rootLogger()) logCompletion(*logger, result_);
      if (!result_.ok()) throw BackendStartupError(result_);
      if (auto* lifecycle = rootLifecycle()) lifecycle->startup();  // (7)
    } catch (...) {
      stop();  // the strong guarantee: hooks of what started, then nothing left alive
      throw;
    }
    return result_;
  }

  /// The backend's graph: the validated plan (preparing it if needed), with the instances created so far.
  BackendGraph graph() {
    prepare();
    BackendGraph graph;
    const char* sources[] = {"built in",        "explicit",    "feature loader",
                             "backend default", "ref default", "none"};
    for (std::uint32_t s = 0; s < services_.size(); ++s) {
      const Service& service = services_[s];
      GraphService node;
      node.id = service.ref->id;
      node.scope = service.ref->scope;
      node.multiton = service.ref->multiton;
      node.typeName = std::string(service.ref->typeName);
      node.source = sources[static_cast<int>(service.source)];
      node.factories = 0;
      for (auto f = service.firstFactory; f != no_node; f = factories_[f].next) ++node.factories;
      node.decorated = service.firstDecorator != no_node;
      const ServiceGraph edges = serviceGraph();
      for (const auto* e = edges.first(s); e != edges.last(s); ++e) {
        if (std::find(edges.first(s), e, *e) == e) node.dependencies.push_back(services_[*e].ref->id);
      }
      if (service.isRoot()) {
        // The built-in list exists until stop() (the engine holds it), even before anything asked for it.
        if (service.rootInstance != nullptr ||
            (service.source == FactorySource::builtin && service.firstDecorator == no_node &&
             state_ != State::stopped))
          node.instances.emplace_back("root");
      } else {
        for (const auto& plugin : plugins_) {
          if (pluginInstances_.find(instanceKey(*plugin, s)) != nullptr) node.instances.push_back(plugin->id);
        }
      }
      graph.services.push_back(std::move(node));
    }
    auto split = [this](std::span<const InitDep> deps, std::vector<std::string>& services,
                        std::vector<std::string>* points) {
      for (const auto& dep : deps) {
        if (dep.service != no_node) {
          services.push_back(services_[dep.service].ref->id);
        } else if (dep.extensionPoint != nullptr && points != nullptr) {
          points->push_back(dep.extensionPoint->ref->id);
        }
      }
    };
    for (const auto& plugin : plugins_) {
      for (const auto m : modulesOf(*plugin)) {
        const Module& module = modules_[m];
        GraphModule node{plugin->id, module.impl->moduleId, {}, {}, module.runnable};
        split(initDepsOf(module.initDeps), node.services, &node.extensionPoints);
        graph.modules.push_back(std::move(node));
      }
      if (!plugin->impl) continue;
      GraphPlugin node{plugin->id, {}, {}};
      split(initDepsOf(plugin->initDeps), node.services, nullptr);
      for (const auto m : moduleOrderOf(*plugin)) node.modules.push_back(modules_[m].impl->moduleId);
      graph.plugins.push_back(std::move(node));
    }
    for (const auto& plugin : plugins_) {
      auto add = [&](const RegistrationPoints& env, const std::string& moduleId) {
        for (const auto& ep : env.extensionPoints())
          graph.extensionPoints.push_back({ep.ref->id, plugin->id, moduleId});
      };
      add(plugin->env, {});
      for (const auto m : modulesOf(*plugin)) add(modules_[m].env, modules_[m].impl->moduleId);
    }
    return graph;
  }

  /// Root before-shutdown hooks, every plugin's shutdown hooks (last started first), root shutdown hooks,
  /// then every instance destroyed in reverse creation order. Idempotent; never throws: failures are reported
  /// and make it return false.
  bool stop() noexcept {
    if (state_ == State::stopped) return true;
    const bool started = state_ == State::started;
    state_ = State::stopped;
    std::size_t failures = 0;
    if (started) {
      RootLifecycleService* root = rootLifecycle();
      failures +=
          guarded("root before-shutdown", [&] { return root != nullptr ? root->beforeShutdown() : 0; });
      for (auto it = plugins_.rbegin(); it != plugins_.rend(); ++it) {
        failures += guarded("plugin shutdown", [&] {
          auto* lifecycle = pluginLifecycle(**it);
          return lifecycle != nullptr ? lifecycle->shutdown() : 0;
        });
      }
      failures += guarded("root shutdown", [&] { return root != nullptr ? root->shutdown() : 0; });
    }
    destroyInstances();
    return failures == 0;
  }

  [[nodiscard]] const StartupResult& result() const noexcept { return result_; }

  /// The start-up report's progress lines come after 1, 2, 3, 5, ... of these units (a second by default).
  void setProgressUnit(std::chrono::milliseconds unit) noexcept { progressUnit_ = unit; }

  /// The instance of `ref` for `pluginId` (ignored for root services), created on first use, or nullptr when
  /// the backend does not know `ref` and it has no default factory; for tools and the testing utilities.
  /// Only valid after prepare() (which start() runs) and before stop(). A ref that nothing in the backend
  /// uses but that has a default factory is added then, as Backstage's registry loads a default factory on
  /// first request: it and the defaults it needs in turn are validated first (a ValidationError, thrown
  /// again on every later request). Threads may call it at once: each instance is still created once. A
  /// root instance that exists costs a shared lock; creating, adding, and plugin-scoped instances (whose
  /// table may grow) take it exclusively. A factory must not call it.
  void* resolve(const RefInfo& ref, std::string_view pluginId) {
    {
      const std::shared_lock shared(resolveMutex_);
      const std::uint32_t* found = byKey_.find(ref.key);
      if (found == nullptr && !ref.hasDefaultFactory()) return nullptr;
      if (found != nullptr && services_[*found].isRoot() && services_[*found].rootInstance != nullptr) {
        const LateBatch* batch = lateBatchOf(*found);
        if (batch == nullptr || batch->problems.empty()) return services_[*found].rootInstance;
      }
    }
    const std::lock_guard lock(resolveMutex_);
    const std::uint32_t* found = byKey_.find(ref.key);
    const std::uint32_t s = found != nullptr ? *found : addLate(ref);
    if (const LateBatch* batch = lateBatchOf(s); batch != nullptr && !batch->problems.empty())
      throw ValidationError(batch->problems);
    const Service& service = services_[s];
    Plugin* plugin = nullptr;
    if (!service.isRoot()) {
      const std::uint32_t key = findInternedId(pluginId);
      plugin = &pluginState(key == no_id ? internId(pluginId) : key, pluginId);
    }
    return ensure(s, plugin);
  }

  /// Instances that stop() will destroy: not counting values that are trivially destructible (kept in the
  /// arena, with nothing to run at stop).
  [[nodiscard]] std::size_t liveInstanceCount() const noexcept { return created_.size(); }

  /// Bytes the backend's arena has taken from the heap (plugin states, inits, values returned by
  /// factories); for the memory benchmark and tools.
  [[nodiscard]] std::size_t arenaBytes() const noexcept { return arena_.reserved(); }

  /// For the testing utilities only: how a missing dependency's message ends (". Add a factory for it ...");
  /// `advice` must outlive the engine (static text).
  void setMissingAdvice(std::string_view advice) noexcept { missingAdvice_ = advice; }

  /// For the testing utilities only: `factory` provides core.rootInstanceMetadata instead of the built-in
  /// list, ahead of the backend's features. Call before start().
  void replaceInstanceMetadata(std::shared_ptr<const FactoryImpl> factory) {
    instanceMetadataFactory_ = std::move(factory);
  }

 private:
  enum class State : unsigned char { idle, started, stopped };

  // A creation that failed: a root service, a plugin's instance of a plugin-scoped service, or (`context`) a
  // root context. Later consumers get the same failure instead of a second run, as Backstage caches a
  // factory's rejected promise (per plugin for plugin-scoped services).
  struct Failure {
    std::uint32_t index;   // the service, or for a root context its factory
    std::uint32_t plugin;  // the plugin of a plugin-scoped instance; no_node for root ones
    bool context;
    std::exception_ptr error;
    const char* what;
  };

  // Services resolve() added in one request: services_[first, last), and what is wrong with them.
  struct LateBatch {
    std::uint32_t first;
    std::uint32_t last;
    std::vector<Problem> problems;
  };

  // The registry is flat: services and factories in two arrays, each service's factories (and decorators) a
  // list threaded through the factory array, every factory's deps a slice of one index array. Factories are
  // held by raw pointer (ownedFactories_, the plugins' inits and the loaders own them for the engine's life),
  // and so are refs, whose descriptions live as long as the process. Nothing here is allocated per service.
  struct FactoryRecord {
    const FactoryImpl* impl;  // owned by ownedFactories_
    FactorySource source;
    std::uint32_t loader;  // 1-based number of the loader that provided it
  };

  struct Service {
    const RefInfo* ref;  // the canonical declaration: the factory's ref, else the first seen
    void* rootInstance = nullptr;
    std::uint32_t firstFactory = no_node;  // into factories_, linked by Factory::next, in registration order
    std::uint32_t firstDecorator = no_node;
    std::uint32_t edgesFirst = 0;  // its edges in the graph: depList_[edgesFirst, edgesLast)
    std::uint32_t edgesLast = 0;
    FactorySource source = FactorySource::none;
    bool merged = false;  // more than one factory, or decorators: its edges are a list of their own
    [[nodiscard]] bool isRoot() const noexcept { return ref->scope == ServiceScope::root; }
  };

  // The service graph as graph.hpp's algorithms read it: each service's edges, a slice of depList_.
  struct ServiceGraph {
    const std::uint32_t* edges;
    const Service* services;
    std::uint32_t nodes;
    [[nodiscard]] std::uint32_t size() const noexcept { return nodes; }
    [[nodiscard]] const std::uint32_t* first(std::uint32_t n) const noexcept {
      return edges + services[n].edgesFirst;
    }
    [[nodiscard]] const std::uint32_t* last(std::uint32_t n) const noexcept {
      return edges + services[n].edgesLast;
    }
  };

  // 32 bytes, read in order by validation; the FactoryImpl (elsewhere on the heap) only when creating.
  struct Factory {
    const FactoryImpl* impl;
    std::uint32_t service = 0;
    std::uint32_t next = no_node;  // the service's next factory (or decorator)
    std::uint32_t deps = 0;        // into depList_: depCount service indices, in parameter order, then the
                                   // contextDepCount deps of the root context
    std::uint32_t depCount = 0;
    std::uint32_t contextDepCount = 0;
    bool decorator = false;
  };

  [[nodiscard]] std::span<const std::uint32_t> depsOf(const Factory& factory) const noexcept {
    return {depList_.data() + factory.deps, factory.depCount};
  }
  [[nodiscard]] std::span<const std::uint32_t> contextDepsOf(const Factory& factory) const noexcept {
    return {depList_.data() + factory.deps + factory.depCount, factory.contextDepCount};
  }

  /// A root service created for a feature loader, kept across the rebuild of the registry.
  struct Carried {
    std::string id;
    std::vector<const FactoryImpl*> makers;  // its factories and decorators, to detect a later replacement
    void* object;
  };

  class InstanceMetadata final : public RootInstanceMetadataService {
   public:
    [[nodiscard]] const std::vector<InstalledPlugin>& getInstalledPlugins() const noexcept override {
      return plugins;
    }
    std::vector<InstalledPlugin> plugins;
  };

  class Metadata final : public PluginMetadataService {
   public:
    explicit Metadata(std::string_view pluginId) : id_(pluginId) {}
    [[nodiscard]] std::string_view getId() const noexcept override { return id_; }

   private:
    std::string_view id_;
  };

  /// One dependency of an init: a service, or an extension point registration.
  struct InitDep {
    std::uint32_t service = no_node;
    const ExtensionPointRegistration* extensionPoint = nullptr;
  };

  /// An init's deps: a slice of initDepList_.
  struct InitDeps {
    std::uint32_t first = 0;
    std::uint32_t count = 0;
  };

  [[nodiscard]] std::span<const InitDep> initDepsOf(InitDeps deps) const noexcept {
    return {initDepList_.data() + deps.first, deps.count};
  }

  struct Module {
    Module(const ModuleImpl* moduleImpl, std::uint32_t pluginIndex, std::pmr::memory_resource* memory)
        : impl(moduleImpl), plugin(pluginIndex), env(memory) {}
    const ModuleImpl* impl;          // owned by moduleImpls_
    std::uint32_t plugin;            // into plugins_
    ModuleRegistrationPoints env;    // keeps what it registers in arena_
    const InitImpl* init = nullptr;  // owned by env
    InitDeps initDeps;
    std::uint32_t next = no_node;  // the plugin's next module, in the order added
    bool runnable = false;         // its plugin is present and it registered properly
    bool abortOnFailure = true;    // backend.startup...onPluginModuleBootFailure
  };

  // Made in arena_ (plugin-scoped services keep references to its metadata), destroyed by ~Engine.
  struct Plugin {
    Plugin(std::string_view pluginId, std::uint32_t number, std::pmr::memory_resource* memory)
        : id(pluginId), metadata(id), env(memory), index(number) {}
    Plugin(const Plugin&) = delete;
    Plugin& operator=(const Plugin&) = delete;
    ~Plugin() = default;
    std::string id;
    Metadata metadata;                 // its id is a view of `id`
    const PluginImpl* impl = nullptr;  // owned by pluginImpls_; null for a plugin id known only from modules
                                       // or tools
    PluginRegistrationPoints env;      // keeps what it registers in arena_
    const InitImpl* init = nullptr;    // owned by env
    InitDeps initDeps;
    std::uint32_t firstModule = no_node;  // into modules_, linked by Module::next: modulesOf()
    std::uint32_t lastModule = no_node;
    InitDeps order;       // a slice of moduleOrder_: the runnable modules in the order they run
    std::uint32_t index;  // into plugins_
    bool abortOnFailure = true;
  };

  struct ExtensionPointOwner {
    std::uint32_t plugin = no_node;
    std::uint32_t module = no_node;  // no_node when the plugin registered it
    const ExtensionPointRegistration* registration = nullptr;
  };

  // The modules of a plugin in the order added (indices into modules_), for range-for.
  class ModuleList {
   public:
    class iterator {
     public:
      iterator(const std::vector<Module>* modules, std::uint32_t at) noexcept : modules_(modules), at_(at) {}
      std::uint32_t operator*() const noexcept { return at_; }
      iterator& operator++() noexcept {
        at_ = (*modules_)[at_].next;
        return *this;
      }
      bool operator!=(const iterator& other) const noexcept { return at_ != other.at_; }

     private:
      const std::vector<Module>* modules_;
      std::uint32_t at_;
    };
    ModuleList(const std::vector<Module>& modules, std::uint32_t first) noexcept
        : modules_(&modules), first_(first) {}
    [[nodiscard]] iterator begin() const noexcept { return {modules_, first_}; }
    [[nodiscard]] iterator end() const noexcept { return {modules_, no_node}; }
    [[nodiscard]] bool empty() const noexcept { return first_ == no_node; }

   private:
    const std::vector<Module>* modules_;
    std::uint32_t first_;
  };

  [[nodiscard]] ModuleList modulesOf(const Plugin& plugin) const noexcept {
    return {modules_, plugin.firstModule};
  }
  [[nodiscard]] std::span<const std::uint32_t> moduleOrderOf(const Plugin& plugin) const noexcept {
    return {moduleOrder_.data() + plugin.order.first, plugin.order.count};
  }

  // A problem seen while running loaders may be seen again when the whole graph is validated.
  static std::vector<Problem> withoutRepeats(std::vector<Problem> problems) {
    std::vector<Problem> out;
    for (auto& problem : problems) {
      const bool seen = std::any_of(out.begin(), out.end(), [&](const Problem& p) {
        return p.kind == problem.kind && p.message == problem.message;
      });
      if (!seen) out.push_back(std::move(problem));
    }
    return out;
  }

  // ---- (1) applying features ----

  void apply(const BackendFeature& feature, FactorySource source, std::uint32_t loader) {
    if (const FactoryImpl* factory = feature.factoryPointer()) {  // most features
      ownedFactories_.push_back(feature.owner());  // first: a record never points at what nothing owns
      factoryRecords_.push_back({factory, source, loader});
      return;
    }
    applyOther(feature);
  }

  RIGGING_NOINLINE void applyOther(const BackendFeature& feature) {
    if (!feature.owner()) {
      throw Error(
          ErrorCode::invalid_registration,
          "Backend::add was given an empty feature (one that was moved from); add the feature itself");
    }
    switch (feature.kind()) {
      case BackendFeature::Kind::service_factory:
        break;  // not reached: apply() took it
      case BackendFeature::Kind::plugin:
        pluginImpls_.push_back(feature.plugin());
        break;
      case BackendFeature::Kind::module:
        moduleImpls_.push_back(feature.module());
        moduleAfter_.push_back(static_cast<std::uint32_t>(pluginImpls_.size()));
        break;
      case BackendFeature::Kind::loader:
        // A loader's loaders run right after it, before the loaders added after it (depth first, as in
        // Backstage), so a service one of them provides is known before a later loader needs it.
        if (nextLoaderAt_ != 0) {
          loaders_.insert(loaders_.begin() + static_cast<std::ptrdiff_t>(nextLoaderAt_++), feature.loader());
        } else {
          loaders_.push_back(feature.loader());
        }
        break;
    }
  }

  // What only building the registry needs: the records. The factories stay owned by
  // ownedFactories_ (factories_ points at them).
  void releaseBuildState() { std::vector<FactoryRecord>().swap(factoryRecords_); }

  // ---- (2) feature loaders ----

  void runLoaders(std::vector<Problem>& problems) {
    for (std::size_t l = 0; l < loaders_.size(); ++l) {  // loaders may add loaders: index, not iterators
      const auto loader = loaders_[l];
      const auto number = static_cast<std::uint32_t>(l + 1);
      const std::string name = loaderName(number);
      std::vector<Problem> found;
      buildRegistry(found, false);
      std::vector<std::uint32_t> deps;
      for (const auto& ref : loader->deps()) deps.push_back(serviceFor(*ref, found));
      resolveRefDefaults(found);
      buildGraph();
      restoreCarried(found);
      for (const auto d : deps) {
        if (!services_[d].isRoot()) {
          found.push_back(Problem{Problem::Kind::scope_mismatch,
                                  {services_[d].ref->id},
                                  {},
                                  capitalized(name) + " depends on plugin-scoped service " +
                                      quote(services_[d].ref->id) +
                                      ", but a feature loader may only depend on root-scoped services"});
        }
      }
      std::vector<char> reachable(services_.size(), 0);
      markReachable(deps, reachable);
      // Only problems of what this loader needs keep it from running; the rest are found again, with the
      // loader's features known, when the whole graph is validated.
      std::erase_if(found, [&](const Problem& p) {
        return std::none_of(p.ids.begin(), p.ids.end(), [&](const std::string& id) {
          const auto at = serviceIndex(id);
          return at != no_node && reachable[at];
        });
      });
      validate(found, &reachable, name);
      if (!found.empty()) {
        problems.insert(problems.end(), found.begin(), found.end());
        continue;  // its features are unknown; report everything at the end
      }
      std::vector<void*> args;
      for (const auto d : deps) args.push_back(ensureRoot(d));
      std::vector<BackendFeature> features;
      try {
        features = loader->load(args.data());
      } catch (...) {
        std::throw_with_nested(Error(ErrorCode::factory_threw, capitalized(name) + " threw an error: " +
                                                                   describe(std::current_exception())));
      }
      nextLoaderAt_ = l + 1;
      const struct Reset {
        std::size_t& at;
        ~Reset() { at = 0; }
      } reset{nextLoaderAt_};
      for (const auto& feature : features) {
        if (!feature.owner()) {
          throw Error(ErrorCode::invalid_registration,
                      capitalized(name) +
                          " returned an empty feature (one that was moved from); return the feature itself");
        }
        apply(feature, FactorySource::loader, number);
      }
      carryRootInstances();
    }
  }

  // "feature loader #2 created at 'main.cpp:12'": numbered in the order run, and where it was made.
  [[nodiscard]] std::string loaderName(std::uint32_t number) const {
    std::string name = "feature loader #" + std::to_string(number);
    if (number == 0 || number > loaders_.size()) return name;
    if (const std::string& site = loaders_[number - 1]->site(); !site.empty()) name += " " + site;
    return name;
  }
  // The loader that provided service `s`'s factory so far (for a duplicate's message; factories are not
  // linked to their services yet).
  [[nodiscard]] std::uint32_t loaderOf(std::uint32_t s) const noexcept {
    const auto factory = std::find_if(factories_.begin(), factories_.end(),
                                      [s](const Factory& f) { return f.service == s && !f.decorator; });
    if (factory == factories_.end()) return 0;
    for (const auto& record : factoryRecords_) {
      if (record.impl == factory->impl && record.source == FactorySource::loader) return record.loader;
    }
    return 0;
  }
  // Backstage's "by both feature loader <a> and feature loader <b>", or one loader that gave two factories.
  [[nodiscard]] std::string loaderPair(std::uint32_t first, std::uint32_t second) const {
    if (first == second) return loaderName(first) + " more than once";
    return "both " + loaderName(first) + " and " + loaderName(second);
  }
  static std::string capitalized(std::string text) {
    if (!text.empty() && text[0] >= 'a' && text[0] <= 'z') text[0] = static_cast<char>(text[0] - 'a' + 'A');
    return text;
  }

  void carryRootInstances() {
    for (const auto& service : services_) {
      if (!service.isRoot() || service.rootInstance == nullptr) continue;
      if (std::any_of(carried_.begin(), carried_.end(),
                      [&](const Carried& c) { return c.id == service.ref->id; })) {
        continue;
      }
      carried_.push_back({service.ref->id, makersOf(service), service.rootInstance});
    }
  }

  [[nodiscard]] std::vector<const FactoryImpl*> makersOf(const Service& service) const {
    std::vector<const FactoryImpl*> makers;
    for (auto f = service.firstFactory; f != no_node; f = factories_[f].next)
      makers.push_back(factories_[f].impl);
    for (auto f = service.firstDecorator; f != no_node; f = factories_[f].next)
      makers.push_back(factories_[f].impl);
    return makers;
  }

  // For messages and rare paths: the service of an id, or no_node.
  [[nodiscard]] std::uint32_t serviceIndex(std::string_view id) const {
    const std::uint32_t key = findInternedId(id);
    const std::uint32_t* found = key == no_id ? nullptr : byKey_.find(key);
    return found == nullptr ? no_node : *found;
  }

  // ---- (3) registration and the registry ----

  void registerPluginsAndModules(std::vector<Problem>& problems) {
    pluginIndex_.reserve(pluginImpls_.size() + moduleImpls_.size());  // no rehash while plugins are added
    plugins_.reserve(pluginImpls_.size() + moduleImpls_.size());
    extensionPoints_.reserve(pluginImpls_.size());  // most plugins register one, if any
    for (const auto& impl : pluginImpls_) {
      if (const std::uint32_t* found = pluginIndex_.find(impl->key); found != nullptr) {
        if (plugins_[*found]->impl) {
          if (std::none_of(problems.begin(), problems.end(), [&](const Problem& p) {
                return p.kind == Problem::Kind::duplicate_plugin && p.ids.front() == impl->id;
              })) {
            problems.push_back(
                Problem{Problem::Kind::duplicate_plugin,
                        {impl->id},
                        {},
                        "Plugin " + quote(impl->id) +
                            " is registered more than once; add each plugin to the backend once"});
          }
          continue;
        }
      }
      Plugin& plugin = pluginState(impl->key, impl->id);
      plugin.impl = impl.get();
      const bool registered = runRegister([&impl] { return "Plugin " + quote(impl->id); }, {impl->id},
                                          impl->registerFn, plugin.env, problems);
      if (const auto inits = plugin.env.initCount(); inits == 1) {
        plugin.init = plugin.env.init();
      } else if (registered) {
        problems.push_back(
            Problem{Problem::Kind::invalid_registration,
                    {impl->id},
                    {},
                    "Plugin " + quote(impl->id) +
                        (inits == 0 ? " registered no init; call env.registerInit(deps(...), fn) once"
                                    : " registered more than one init; call env.registerInit once")});
      }
      for (const auto& ep : plugin.env.extensionPoints()) {
        addExtensionPoint(ep, plugin.index, no_node, problems);
      }
    }
    modules_.reserve(moduleImpls_.size());  // registration points must not move once registered
    for (const auto& impl : moduleImpls_) {
      Plugin& plugin = pluginState(impl->pluginKey, impl->pluginId);
      bool duplicate = false;
      for (const auto m : modulesOf(plugin))
        duplicate = duplicate || modules_[m].impl->moduleId == impl->moduleId;
      if (duplicate) {
        problems.push_back(Problem{Problem::Kind::duplicate_module,
                                   {impl->pluginId, impl->moduleId},
                                   {},
                                   "Module " + quote(impl->moduleId) + " for plugin " +
                                       quote(impl->pluginId) +
                                       " is registered more than once; add each module once"});
        continue;
      }
      const auto m = static_cast<std::uint32_t>(modules_.size());
      modules_.emplace_back(impl.get(), plugin.index, &arena_);
      if (plugin.lastModule == no_node) {
        plugin.firstModule = m;
      } else {
        modules_[plugin.lastModule].next = m;
      }
      plugin.lastModule = m;
      Module& module = modules_.back();
      auto who = [&impl] {
        return "Module " + quote(impl->moduleId) + " for plugin " + quote(impl->pluginId);
      };
      const bool registered =
          runRegister(who, {impl->pluginId, impl->moduleId}, impl->registerFn, module.env, problems);
      if (const auto inits = module.env.initCount(); inits == 1) {
        module.init = module.env.init();
        module.runnable = registered;
      } else if (registered) {
        problems.push_back(
            Problem{Problem::Kind::invalid_registration,
                    {impl->pluginId, impl->moduleId},
                    {},
                    who() + (inits == 0 ? " registered no init; call env.registerInit(deps(...), fn) once"
                                        : " registered more than one init; call env.registerInit once")});
      }
      for (const auto& ep : module.env.extensionPoints()) {
        addExtensionPoint(ep, plugin.index, m, problems);
      }
    }
  }

  // The built-in core.rootInstanceMetadata, listed when it is first needed (most backends never ask for it).
  // Asked for by a feature loader, before plugins register, it is handed out empty and listed by prepare().
  RootInstanceMetadataService* installedPlugins() {
    if (!registered_) {
      metadataHandedOut_ = true;
    } else if (!metadataListed_) {
      // As in Backstage: each plugin id in the order its plugin or first module was added, including ids
      // that have only modules (their plugin absent); not an id that only a late lookup named.
      // Order keys: the p-th plugin added is (p, 1, 0); the j-th module, added after k plugins, is (k, 0, j).
      using Key = std::tuple<std::uint32_t, std::uint32_t, std::uint32_t>;
      constexpr Key none{no_node, 0, 0};
      std::vector<Key> first(plugins_.size(), none);
      const auto see = [&](std::uint32_t key, const Key& at) {
        if (const std::uint32_t* found = pluginIndex_.find(key)) first[*found] = std::min(first[*found], at);
      };
      for (std::uint32_t p = 0; p < pluginImpls_.size(); ++p) see(pluginImpls_[p]->key, Key{p, 1, 0});
      for (std::uint32_t j = 0; j < moduleImpls_.size(); ++j)
        see(moduleImpls_[j]->pluginKey, Key{moduleAfter_[j], 0, j});
      std::vector<std::uint32_t> order;
      for (std::uint32_t p = 0; p < plugins_.size(); ++p) {
        if (first[p] != none) order.push_back(p);
      }
      std::sort(order.begin(), order.end(),
                [&](std::uint32_t a, std::uint32_t b) { return first[a] < first[b]; });
      std::vector<InstalledPlugin> list;
      list.reserve(order.size());
      for (const auto p : order) {
        InstalledPlugin& installed = list.emplace_back(InstalledPlugin{plugins_[p]->id, {}});
        for (const auto m : modulesOf(*plugins_[p])) installed.modules.push_back(modules_[m].impl->moduleId);
      }
      instanceMetadata_.plugins = std::move(list);
      metadataListed_ = true;
    }
    return &instanceMetadata_;
  }

  // Returns false when the callback threw (reported here; the missing init then says nothing new).
  template <class Who, class Env>
  static bool runRegister(const Who& who, std::initializer_list<std::string_view> ids,
                          const std::function<void(Env&)>& fn, Env& env, std::vector<Problem>& problems) {
    bool ok = true;
    try {
      fn(env);
    } catch (...) {
      ok = false;
      problems.push_back(Problem{Problem::Kind::invalid_registration,
                                 std::vector<std::string>(ids.begin(), ids.end()),
                                 {},
                                 who() + " failed to register: " + describe(std::current_exception())});
    }
    env.close();
    return ok;
  }

  void addExtensionPoint(const ExtensionPointRegistration& ep, std::uint32_t plugin, std::uint32_t module,
                         std::vector<Problem>& problems) {
    const auto [it, inserted] =
        extensionPoints_.insert(ep.ref->key, ExtensionPointOwner{plugin, module, &ep});
    if (inserted) return;
    problems.push_back(Problem{Problem::Kind::extension_point_misuse,
                               {ep.ref->id},
                               {},
                               "Extension point " + quote(ep.ref->id) + " is registered twice, by " +
                                   ownerName(it->plugin, it->module) + " and by " +
                                   ownerName(plugin, module) + "; register each extension point once"});
  }

  [[nodiscard]] std::string ownerName(std::uint32_t plugin, std::uint32_t module) const {
    if (module == no_node) return "plugin " + quote(plugins_[plugin]->id);
    return "module " + quote(modules_[module].impl->moduleId) + " of plugin " + quote(plugins_[plugin]->id);
  }

  std::uint32_t serviceFor(const RefInfo& ref, std::vector<Problem>& problems) {
    // A ref object seen before in this build (a dep used by many factories) is found in its own cache.
    const std::uint64_t cached = ref.engineSlot.load(std::memory_order_relaxed);
    if ((cached >> 32U) == build_) return static_cast<std::uint32_t>(cached);
    return findOrAddService(ref, problems);
  }

  // Out of line, so that the cached path above stays a few instructions wherever it is inlined.
  RIGGING_NOINLINE std::uint32_t findOrAddService(const RefInfo& ref, std::vector<Problem>& problems) {
    const auto [at, inserted] = byKey_.insert(ref.key, static_cast<std::uint32_t>(services_.size()));
    if (inserted) {
      services_.push_back(Service{&ref});
    } else if (const Service& service = services_[*at]; service.ref != &ref) {
      checkSameDeclaration(service, ref, problems);
    }
    ref.engineSlot.store((static_cast<std::uint64_t>(build_) << 32U) | *at, std::memory_order_relaxed);
    return *at;
  }

  [[noreturn]] RIGGING_COLD void throwAddedLate() const {
    if (startCalled_) throw BackendStateError("feature can not be added after the backend has started");
    if (state_ == State::stopped)
      throw BackendStateError("feature can not be added after the backend has stopped");
    throw BackendStateError(
        "feature can not be added after graph() has prepared the backend's plan; add every feature before "
        "calling graph()");
  }

  // Out of line and cold: the lookup above stays light, as a second ref of a service is rare.
  RIGGING_COLD static void checkSameDeclaration(const Service& service, const RefInfo& ref,
                                                std::vector<Problem>& problems) {
    const RefInfo& canonical = *service.ref;
    if (&canonical == &ref) return;
    auto report = [&](Problem::Kind kind, std::string message) {
      for (const auto& p : problems) {
        if (p.kind == kind && p.ids.front() == canonical.id && p.message == message) return;
      }
      problems.push_back(Problem{kind, {canonical.id}, {}, std::move(message)});
    };
    if (canonical.type != ref.type) {
      report(Problem::Kind::type_mismatch,
             "Service " + quote(canonical.id) + " is declared with two C++ types, '" +
                 std::string(canonical.typeName) + "' and '" + std::string(ref.typeName) +
                 "'; refs with one id name one service, so give one of them another id or use one type");
    }
    if (canonical.scope != ref.scope) {
      report(Problem::Kind::scope_mismatch, "Service " + quote(canonical.id) + " is declared both " +
                                                std::string(scopeName(canonical.scope)) + "-scoped and " +
                                                std::string(scopeName(ref.scope)) +
                                                "-scoped; every ref with this id must use the same scope");
    }
    if (canonical.multiton != ref.multiton) {
      report(Problem::Kind::cardinality_mismatch,
             "Service " + quote(canonical.id) +
                 " is declared both as a multiton and as a singleton; every ref with this id must agree");
    }
  }

  // Appends a factory (or decorator) to the service's list; resolveFactoryDeps does its deps.
  // Appends a factory (or decorator) of service `s`; linkFactories() puts it in the service's list.
  std::uint32_t addFactory(const FactoryImpl& impl, std::uint32_t s) {
    const auto f = static_cast<std::uint32_t>(factories_.size());
    Factory factory{&impl};
    factory.service = s;
    factory.decorator = impl.kind() == FactoryImpl::Kind::decorator;
    factories_.push_back(factory);
    return f;
  }

  // Threads every factory into its service's list of factories or decorators, in registration order: walked
  // backwards, each is put first.
  // Services with more than one factory, or with decorators, are listed in merged_ for buildGraph().
  void linkFactories() {
    merged_.clear();
    for (auto f = static_cast<std::uint32_t>(factories_.size()); f-- > 0;) {
      Factory& factory = factories_[f];
      Service& service = services_[factory.service];
      std::uint32_t& first = factory.decorator ? service.firstDecorator : service.firstFactory;
      if ((first != no_node || factory.decorator) && !service.merged) {
        service.merged = true;
        merged_.push_back(factory.service);
      }
      factory.next = first;
      first = f;
    }
  }

  void buildRegistry(std::vector<Problem>& problems, bool withPlugins) {
    build_ = nextBuild();  // invalidates every ref's engineSlot
    services_.clear();
    factories_.clear();
    depList_.clear();
    upward_.clear();
    contexts_.clear();  // keyed by factory index, which this build renumbers
    forgetFailures();
    // Every factory names a service: sized once, the registry is not rehashed or moved while it fills.
    const std::size_t expected = factoryRecords_.size() + backendDefaults_.size() + 2;
    services_.reserve(expected);
    byKey_.reset(expected, internedIdCount());
    factories_.reserve(expected);
    // Large blocks are taken now, while the heap has few small free ones to consolidate first (glibc does
    // that on every large request): the cycle check's working memory.
    scratch_.reserve(expected);
    services_[serviceFor(*coreServices::pluginMetadata.info(), problems)].source = FactorySource::builtin;
    const auto installed = serviceFor(*coreServices::rootInstanceMetadata.info(), problems);
    if (instanceMetadataFactory_) {
      services_[installed].source = FactorySource::explicitly_added;
      addFactory(*instanceMetadataFactory_, installed);
    } else {
      services_[installed].source = FactorySource::builtin;  // made by createAny(), when first needed
    }

    // Added factories take precedence over loaders', which take precedence over every default.
    std::vector<std::string> duplicates;
    for (const auto source : {FactorySource::explicitly_added, FactorySource::loader}) {
      for (const auto& record : factoryRecords_) {
        if (record.source != source) continue;
        const FactoryImpl& impl = *record.impl;
        const auto s = serviceFor(*impl.service(), problems);
        Service& service = services_[s];
        // core.pluginMetadata is made by the engine for each plugin: a factory or decorator for it would
        // never run. The built-in core.rootInstanceMetadata can be replaced, and decorated (see createAny()).
        if (service.source == FactorySource::builtin && s != installed) {
          const bool decorator = impl.kind() == FactoryImpl::Kind::decorator;
          problems.push_back(Problem{Problem::Kind::override_forbidden,
                                     {service.ref->id},
                                     {},
                                     "The " + quote(service.ref->id) + " service is built in and cannot be " +
                                         (decorator ? "decorated; remove the decorator added for it"
                                                    : "overridden; remove the factory added for it")});
          continue;
        }
        if (impl.kind() == FactoryImpl::Kind::decorator) {
          addFactory(impl, s);
          continue;
        }
        if (source == FactorySource::loader && service.source == FactorySource::explicitly_added) {
          // An added factory silently wins over a loader's; a multiton keeps both, as in Backstage.
          if (service.ref->multiton) addFactory(impl, s);
          continue;
        }
        if (service.source == source && !service.ref->multiton) {
          if (std::find(duplicates.begin(), duplicates.end(), service.ref->id) == duplicates.end()) {
            duplicates.push_back(service.ref->id);
            problems.push_back(
                Problem{Problem::Kind::duplicate_factory,
                        {service.ref->id},
                        {},
                        "Duplicate service implementations provided for " + quote(service.ref->id) +
                            (source == FactorySource::loader ? " by " + loaderPair(loaderOf(s), record.loader)
                                                             : std::string()) +
                            "; add only one factory for it (use createServiceDecorator to "
                            "wrap an implementation, or make "
                            "the ref a multiton)"});
          }
          continue;
        }
        if (service.source != source) service.ref = impl.service();
        service.source = source;
        addFactory(impl, s);
      }
    }
    for (const auto& impl : backendDefaults_) {
      const auto s = serviceFor(*impl->service(), problems);
      Service& service = services_[s];
      if (service.source != FactorySource::none && service.source != FactorySource::backend_default) continue;
      if (service.source == FactorySource::backend_default && !service.ref->multiton) continue;
      service.source = FactorySource::backend_default;
      addFactory(*impl, s);
    }
    linkFactories();
    std::size_t depCount = 0;  // sized once: merged edge lists (few) may still grow it
    for (const Factory& factory : factories_) {
      depCount += factory.impl->deps().size() + factory.impl->contextDeps().size();
    }
    depList_.reserve(depCount + depCount / 8);
    resolveFactoryDeps(0, problems);

    if (withPlugins) {
      initDepList_.clear();
      std::size_t initDepCount = 0;
      for (const Plugin* plugin : plugins_)
        initDepCount += plugin->init != nullptr ? plugin->init->deps().size() : 0;
      for (const Module& module : modules_)
        initDepCount += module.init != nullptr ? module.init->deps().size() : 0;
      initDepList_.reserve(initDepCount);
      for (auto& plugin : plugins_) {
        if (!plugin->impl || !plugin->init) continue;
        plugin->initDeps = resolveInitDeps(*plugin->init, *plugin, no_node, problems);
      }
      for (std::uint32_t m = 0; m < modules_.size(); ++m) {
        Module& module = modules_[m];
        Plugin& plugin = *plugins_[module.plugin];
        if (!plugin.impl) module.runnable = false;  // its plugin is absent: it does not run
        if (!module.runnable) continue;
        module.initDeps = resolveInitDeps(*module.init, plugin, m, problems);
      }
      resolveRefDefaults(problems);
      buildGraph();
      fillNeededBy(problems);
      orderModules(problems);
      restoreCarried(problems);
    }
  }

  // Root services created for feature loaders live on; a loader may not have replaced their factories.
  void restoreCarried(std::vector<Problem>& problems) {
    for (const auto& carried : carried_) {
      const auto found = serviceIndex(carried.id);
      if (found == no_node) continue;
      Service& service = services_[found];
      if (makersOf(service) != carried.makers) {
        problems.push_back(
            Problem{Problem::Kind::replaced_after_instantiation,
                    {carried.id},
                    {},
                    "Unable to set service factory with id " + quote(carried.id) +
                        ", service has already been instantiated for a feature loader; add that "
                        "factory with backend.add instead of from a loader"});
        continue;
      }
      service.rootInstance = carried.object;
    }
  }

  // Appends the init's deps to initDepList_.
  InitDeps resolveInitDeps(const InitImpl& init, const Plugin& plugin, std::uint32_t module,
                           std::vector<Problem>& problems) {
    std::vector<InitDep>& out = initDepList_;
    const InitDeps range{static_cast<std::uint32_t>(out.size()),
                         static_cast<std::uint32_t>(init.deps().size())};
    const std::uint32_t p = plugin.index;
    for (const auto& ref : init.deps()) {
      if (!ref->extensionPoint) {
        out.push_back({serviceFor(*ref, problems), nullptr});
        continue;
      }
      out.push_back({no_node, nullptr});
      auto user = [&] {
        return module == no_node ? "the init of plugin " + quote(plugin.id) : ownerName(p, module);
      };
      if (module == no_node) {
        problems.push_back(
            Problem{Problem::Kind::extension_point_misuse,
                    {ref->id, plugin.id},
                    {},
                    "Extension point " + quote(ref->id) + " is used by " + user() +
                        "; extension points are for modules, a plugin uses its own implementation"});
        continue;
      }
      const ExtensionPointOwner* found = extensionPoints_.find(ref->key);
      if (found == nullptr) {
        problems.push_back(
            Problem{Problem::Kind::extension_point_missing,
                    {ref->id},
                    {ownerName(p, module)},
                    "Extension point " + quote(ref->id) + " used by " + user() +
                        " is not registered by any plugin or module; add the plugin that provides it"});
        continue;
      }
      if (found->plugin != p) {
        problems.push_back(Problem{Problem::Kind::extension_point_misuse,
                                   {ref->id, plugins_[found->plugin]->id, plugin.id},
                                   {ownerName(p, module)},
                                   "Extension point " + quote(ref->id) + " of plugin " +
                                       quote(plugins_[found->plugin]->id) + " is used by " + user() +
                                       "; a module can only use the extension points of its own plugin " +
                                       quote(plugin.id)});
        continue;
      }
      if (found->registration->ref->type != ref->type) {
        problems.push_back(Problem{
            Problem::Kind::type_mismatch,
            {ref->id},
            {},
            "Extension point " + quote(ref->id) + " is declared with two C++ types, '" +
                std::string(found->registration->ref->typeName) + "' and '" + std::string(ref->typeName) +
                "'; refs with one id name one extension point, so use one type"});
        continue;
      }
      out.back().extensionPoint = found->registration;
    }
    return range;
  }

  // Resolves the deps of factories_[from] and every later one into depList_.
  void resolveFactoryDeps(std::uint32_t from, std::vector<Problem>& problems) {
    for (auto f = from; f < factories_.size(); ++f) {
      Factory& factory = factories_[f];
      const FactoryImpl& impl = *factory.impl;
      factory.deps = static_cast<std::uint32_t>(depList_.size());
      factory.depCount = static_cast<std::uint32_t>(impl.deps().size());
      factory.contextDepCount = static_cast<std::uint32_t>(impl.contextDeps().size());
      const std::uint32_t s = factory.service;
      auto add = [&](const RefInfo& ref) {
        const std::uint32_t d = serviceFor(ref, problems);
        depList_.push_back(d);
        if (d >= s) [[unlikely]]
          upward_.push_back(d);  // where a cycle search must start
      };
      for (const auto& ref : impl.deps()) add(*ref);
      for (const auto& ref : impl.contextDeps()) add(*ref);
      // A service's only factory: its deps are the service's edges (repeats included: every algorithm here
      // allows them). Merged ones get theirs in buildGraph().
      Service& service = services_[factory.service];
      if (!service.merged) {
        service.edgesFirst = factory.deps;
        service.edgesLast = static_cast<std::uint32_t>(depList_.size());
      }
    }
  }

  // Services nobody provides get their ref's default factory, whose deps may need defaults in turn. Their
  // problems name who needs the service once the graph is complete (fillNeededBy).
  void resolveRefDefaults(std::vector<Problem>& problems, std::size_t from = 0) {
    // A tight loop: nearly every service has a source. loadRefDefault may append services, visited here too.
    for (std::size_t s = from; s < services_.size(); ++s) {
      if (services_[s].source != FactorySource::none) [[likely]]
        continue;
      loadRefDefault(static_cast<std::uint32_t>(s), problems);
    }
  }

  // Gives service `s`, which no factory provides, its ref's default factory if it has one.
  RIGGING_NOINLINE void loadRefDefault(std::uint32_t s, std::vector<Problem>& problems) {
    if (!services_[s].ref->hasDefaultFactory()) return;
    std::shared_ptr<const FactoryImpl>& impl = defaultFactories_[services_[s].ref];
    try {
      if (!impl)  // once per ref: stable identity
        impl = services_[s].ref->makeDefaultFactory();
    } catch (...) {
      services_[s].source = FactorySource::ref_default;  // reported here, not again as missing
      defaultProblems_.emplace_back(problems.size(), static_cast<std::uint32_t>(s));
      problems.push_back(Problem{
          Problem::Kind::invalid_registration,
          {services_[s].ref->id},
          {},
          "Failed to instantiate service " + quote(services_[s].ref->id) +
              " because the default factory loader threw an error: " + describe(std::current_exception())});
      return;
    }
    if (impl->service()->id != services_[s].ref->id) {
      services_[s].source = FactorySource::ref_default;
      defaultProblems_.emplace_back(problems.size(), static_cast<std::uint32_t>(s));
      problems.push_back(
          Problem{Problem::Kind::invalid_registration,
                  {services_[s].ref->id, impl->service()->id},
                  {},
                  "The default factory of " + quote(services_[s].ref->id) + " provides " +
                      quote(impl->service()->id) +
                      " instead; pass the callback's `service` argument to createServiceFactory"});
      return;
    }
    services_[s].source = FactorySource::ref_default;
    const auto f = addFactory(*impl, static_cast<std::uint32_t>(s));
    services_[s].firstFactory = f;    // its only factory: it had none (its decorators stay)
    resolveFactoryDeps(f, problems);  // (the last factory) may append services, which this loop visits too
  }

  // The problems of default factories that failed, with the services, plugins and modules that need them.
  void fillNeededBy(std::vector<Problem>& problems) {
    for (const auto& [at, s] : defaultProblems_) problems[at].neededBy = neededByOf(s, {});
    defaultProblems_.clear();
  }

  // Each service's edges: the deps of its factories, decorators and root contexts. A service with one factory
  // and no decorator (nearly all) uses that factory's slice of depList_ as it is, repeats included (every
  // algorithm here allows them); the others get a merged list without repeats, appended to depList_.
  void buildGraph() {
    if (merged_.empty()) return;
    const auto n = static_cast<std::uint32_t>(services_.size());
    // Repeats are found by a scan while a list is short (nearly always), then by marks: mark[d] == s means d
    // is already an edge of s. The marks are made only for the first long list.
    constexpr std::size_t scanned = 32;
    std::vector<std::uint32_t> mark;
    for (const std::uint32_t s : merged_) {
      Service& service = services_[s];
      const auto first = static_cast<std::uint32_t>(depList_.size());
      bool marked = false;
      auto addEdge = [&](std::uint32_t to) {
        if (!marked) {
          if (depList_.size() - first < scanned) {
            if (std::find(depList_.begin() + first, depList_.end(), to) == depList_.end())
              depList_.push_back(to);
            return;
          }
          if (mark.empty()) mark.assign(n, no_node);
          for (std::size_t i = first; i < depList_.size(); ++i) mark[depList_[i]] = s;
          marked = true;
        }
        if (mark[to] == s) return;
        mark[to] = s;
        depList_.push_back(to);
      };
      for (auto f = service.firstFactory; f != no_node; f = factories_[f].next) {
        const Factory& factory = factories_[f];
        for (std::uint32_t i = 0; i < factory.depCount + factory.contextDepCount; ++i)
          addEdge(depList_[factory.deps + i]);  // by index: depList_ grows here
      }
      for (auto f = service.firstDecorator; f != no_node; f = factories_[f].next) {
        const Factory& factory = factories_[f];
        for (std::uint32_t i = 0; i < factory.depCount; ++i) addEdge(depList_[factory.deps + i]);
      }
      service.edgesFirst = first;
      service.edgesLast = static_cast<std::uint32_t>(depList_.size());
    }
    std::vector<std::uint32_t>().swap(merged_);
  }

  [[nodiscard]] ServiceGraph serviceGraph() const noexcept {
    return {depList_.data(), services_.data(), static_cast<std::uint32_t>(services_.size())};
  }

  void markReachable(const std::vector<std::uint32_t>& from, std::vector<char>& seen) const {
    std::vector<std::uint32_t> todo(from);
    const ServiceGraph edges = serviceGraph();
    while (!todo.empty()) {
      const auto v = todo.back();
      todo.pop_back();
      if (seen[v]) continue;
      seen[v] = 1;
      for (const auto* e = edges.first(v); e != edges.last(v); ++e) todo.push_back(*e);
    }
  }

  // resolve() of a ref that nothing in the prepared backend uses and that has a default factory: adds it, and
  // the defaults of whatever it needs that is new, then validates what it reaches (the backend's services
  // among them passed already; none of them can reach the new ones). Problems are kept with the batch.
  RIGGING_COLD std::uint32_t addLate(const RefInfo& ref) {
    const auto first = static_cast<std::uint32_t>(services_.size());
    std::vector<Problem> problems;
    const std::uint32_t s = serviceFor(ref, problems);
    resolveRefDefaults(problems, first);
    fillNeededBy(problems);  // (a service added here has one factory: its edges are set)
    std::vector<char> reached(services_.size(), 0);
    markReachable({s}, reached);
    validate(problems, &reached);
    for (const auto& batch :
         lateBatches_) {  // an earlier failed request's services, if reached, fail this one
      if (batch.problems.empty()) continue;
      if (std::any_of(reached.begin() + batch.first, reached.begin() + batch.last, [](char r) { return r; }))
        problems.insert(problems.end(), batch.problems.begin(), batch.problems.end());
    }
    lateBatches_.push_back(
        {first, static_cast<std::uint32_t>(services_.size()), withoutRepeats(std::move(problems))});
    return s;
  }

  [[nodiscard]] const LateBatch* lateBatchOf(std::uint32_t s) const noexcept {
    for (const auto& batch : lateBatches_) {
      if (s >= batch.first && s < batch.last) return &batch;
    }
    return nullptr;
  }

  // The module that registered an extension point; no_node for a plugin's own or an unregistered one (a
  // runnable module's are all registered, but the optimiser cannot know that).
  [[nodiscard]] std::uint32_t extensionPointModule(std::uint32_t key) const noexcept {
    const ExtensionPointOwner* found = extensionPoints_.find(key);
    return found == nullptr ? no_node : found->module;
  }

  // Modules run consumers first: a module that registers an extension point waits for every sibling module
  // that uses it. Ties keep the order added.
  void orderModules(std::vector<Problem>& problems) {
    moduleOrder_.clear();
    moduleOrder_.reserve(modules_.size());
    for (std::uint32_t p = 0; p < plugins_.size(); ++p) {
      Plugin& plugin = *plugins_[p];
      // The runnable modules in the order added; most plugins have no module that waits for a sibling, and
      // this is the order they run in.
      plugin.order.first = static_cast<std::uint32_t>(moduleOrder_.size());
      for (const auto m : modulesOf(plugin)) {
        if (modules_[m].runnable) moduleOrder_.push_back(m);
      }
      plugin.order.count = static_cast<std::uint32_t>(moduleOrder_.size()) - plugin.order.first;
      const auto slice = moduleOrderOf(plugin);
      const bool independent = std::none_of(slice.begin(), slice.end(), [&](std::uint32_t m) {
        const auto deps = initDepsOf(modules_[m].initDeps);
        return std::any_of(deps.begin(), deps.end(), [&](const InitDep& dep) {
          if (dep.extensionPoint == nullptr) return false;
          const auto owner = extensionPointModule(dep.extensionPoint->ref->key);
          return owner != no_node && owner != m;
        });
      });
      if (independent) continue;
      const std::vector<std::uint32_t> runnable(slice.begin(), slice.end());
      const auto count = static_cast<std::uint32_t>(runnable.size());
      auto local = [&](std::uint32_t m) {
        return static_cast<std::uint32_t>(std::find(runnable.begin(), runnable.end(), m) - runnable.begin());
      };
      // Edges consumer -> registrar (what a cycle report prints).
      Csr uses;
      uses.begin.assign(count + 1, 0);
      for (std::uint32_t i = 0; i < count; ++i) {
        for (const auto& dep : initDepsOf(modules_[runnable[i]].initDeps)) {
          if (dep.extensionPoint == nullptr) continue;
          const auto owner = extensionPointModule(dep.extensionPoint->ref->key);
          if (owner == no_node || owner == runnable[i]) continue;
          const auto j = local(owner);
          if (j == count) continue;
          if (std::find(uses.edges.begin() + uses.begin[i], uses.edges.end(), j) == uses.edges.end()) {
            uses.edges.push_back(j);
          }
        }
        uses.begin[i + 1] = static_cast<std::uint32_t>(uses.edges.size());
      }
      std::uint32_t components = 0;
      const auto component = stronglyConnectedComponents(uses, components);
      std::vector<std::uint32_t> size(components, 0);
      for (const auto c : component) ++size[c];
      std::vector<char> covered(count, 0);
      bool cyclic = false;
      for (std::uint32_t i = 0; i < count; ++i) {
        if (covered[i] || size[component[i]] < 2) continue;
        cyclic = true;
        auto path = shortestCycleThrough(uses, i, component);
        startAtSmallest(path);
        std::vector<std::string> ids;
        for (const auto v : path) {
          covered[v] = 1;
          ids.push_back(modules_[runnable[v]].impl->moduleId);
        }
        problems.push_back(
            Problem{Problem::Kind::module_cycle,
                    ids,
                    {},
                    "Circular dependency between modules of plugin " + quote(plugin.id) + ": " +
                        joinQuoted(ids, " -> ") +
                        " (each uses an extension point the next registers); break the cycle"});
      }
      if (cyclic) {
        plugin.order.count = 0;  // nothing runs: validation fails
        continue;
      }
      // Kahn's algorithm on registrar-waits-for-consumers, picking the earliest-added ready module.
      std::vector<std::uint32_t> waitingFor(count, 0);
      for (std::uint32_t i = 0; i < count; ++i) {
        for (const auto* e = uses.first(i); e != uses.last(i); ++e) ++waitingFor[*e];
      }
      std::vector<char> done(count, 0);
      for (std::uint32_t step = 0; step < count; ++step) {
        std::uint32_t next = 0;
        while (done[next] || waitingFor[next] != 0) ++next;
        done[next] = 1;
        moduleOrder_[plugin.order.first + step] = runnable[next];
        for (const auto* e = uses.first(next); e != uses.last(next); ++e) --waitingFor[*e];
      }
    }
  }

  // ---- (4) validation: every problem at once, before any factory runs ----

  void validate(std::vector<Problem>& problems, const std::vector<char>* only = nullptr,
                const std::string& consumer = {}) {
    checkScopes(problems, only);
    checkMissing(problems, only, consumer);
    checkCycles(problems, only);
  }

  void checkScopes(std::vector<Problem>& problems, const std::vector<char>* only) {
    for (const auto& factory : factories_) {
      if (only != nullptr && !(*only)[factory.service]) continue;
      const Service& owner = services_[factory.service];
      auto check = [&](std::uint32_t dep, std::string_view who) {
        const Service& used = services_[dep];
        if (used.isRoot()) return;
        problems.push_back(Problem{Problem::Kind::scope_mismatch,
                                   {owner.ref->id, used.ref->id},
                                   {},
                                   std::string(who) + " of " + quote(owner.ref->id) +
                                       " depends on plugin-scoped service " + quote(used.ref->id) +
                                       ", but may only depend on root-scoped services; make " +
                                       quote(used.ref->id) + " root-scoped or move the dependency"});
      };
      if (owner.isRoot()) {
        for (const auto d : depsOf(factory)) {
          check(d, factory.impl->kind() == FactoryImpl::Kind::decorator ? "The root-scoped decorator"
                                                                        : "The root-scoped factory");
        }
      }
      for (const auto d : contextDepsOf(factory)) check(d, "The root context");
    }
  }

  void checkMissing(std::vector<Problem>& problems, const std::vector<char>* only,
                    const std::string& consumer) {
    // A tight loop: nearly every service has a source, and the report is out of line.
    const Service* const services = services_.data();
    const auto count = static_cast<std::uint32_t>(services_.size());
    for (std::uint32_t s = 0; s < count; ++s) {
      if (services[s].source != FactorySource::none) [[likely]]
        continue;
      if (only != nullptr && !(*only)[s]) continue;
      reportMissing(s, problems, consumer);
    }
  }

  // The problem of service `s`, which no factory provides (a multiton without one is an empty range).
  RIGGING_COLD void reportMissing(std::uint32_t s, std::vector<Problem>& problems,
                                  const std::string& consumer) {
    const Service& service = services_[s];
    if (service.ref->multiton && service.firstDecorator == no_node) return;  // no factory: an empty range
    std::vector<std::string> neededBy = neededByOf(s, consumer);
    const bool onlyDecorated = neededBy.empty() && service.firstDecorator != no_node;
    std::string message =
        onlyDecorated
            ? "Service " + quote(service.ref->id) + " is decorated, but no factory provides it; add a factory"
            : "Service " + quote(service.ref->id) +
                  " is missing: no factory was added for it and its ref has no default factory. Needed by ";
    if (!onlyDecorated) {
      for (std::size_t i = 0; i < neededBy.size(); ++i) message += (i == 0 ? "" : ", ") + neededBy[i];
      message += missingAdvice_;
    }
    problems.push_back(
        Problem{onlyDecorated ? Problem::Kind::decorator_without_service : Problem::Kind::missing_dependency,
                {service.ref->id},
                std::move(neededBy),
                std::move(message)});
  }

  // Who needs service `s`: the services whose factories use it (and the plugins those are for), and the
  // plugins and modules whose inits do; else `consumer`, if given. For messages only.
  [[nodiscard]] std::vector<std::string> neededByOf(std::uint32_t s, const std::string& consumer) const {
    std::vector<std::string> neededBy;
    const ServiceGraph edges = serviceGraph();
    for (std::uint32_t from = 0; from < services_.size(); ++from) {
      if (std::find(edges.first(from), edges.last(from), s) == edges.last(from)) continue;
      std::string who = "service " + quote(services_[from].ref->id);
      const auto users = pluginsUsing(from);
      if (!users.empty()) who += " (for plugin " + joinQuoted(users, ", ") + ")";
      neededBy.push_back(std::move(who));
    }
    auto needs = [this, s](InitDeps range) {
      const auto deps = initDepsOf(range);
      return std::any_of(deps.begin(), deps.end(), [s](const InitDep& d) { return d.service == s; });
    };
    for (const auto& plugin : plugins_) {
      if (!plugin->impl) continue;
      for (const auto m : modulesOf(*plugin)) {
        if (modules_[m].runnable && needs(modules_[m].initDeps))
          neededBy.push_back(ownerName(plugin->index, m));
      }
      if (needs(plugin->initDeps)) neededBy.push_back("plugin " + quote(plugin->id));
    }
    if (neededBy.empty() && !consumer.empty()) neededBy.push_back(consumer);
    return neededBy;
  }

  // The plugins whose inits (or whose modules' inits) reach service `s`; for messages only.
  [[nodiscard]] std::vector<std::string> pluginsUsing(std::uint32_t s) const {
    std::vector<std::string> out;
    for (const auto& plugin : plugins_) {
      if (!plugin->impl) continue;
      std::vector<std::uint32_t> from;
      auto collect = [this, &from](InitDeps deps) {
        for (const auto& d : initDepsOf(deps)) {
          if (d.service != no_node) from.push_back(d.service);
        }
      };
      collect(plugin->initDeps);
      for (const auto m : modulesOf(*plugin)) {
        if (modules_[m].runnable) collect(modules_[m].initDeps);
      }
      std::vector<char> seen(services_.size(), 0);
      markReachable(from, seen);
      if (seen[s]) out.push_back(plugin->id);
    }
    return out;
  }

  void checkCycles(std::vector<Problem>& problems, const std::vector<char>* only) {
    const ServiceGraph graph = serviceGraph();
    // The common case, found without Tarjan's bookkeeping; the roots were noted as deps were resolved.
    const bool none = acyclicFrom(graph, std::span<const std::uint32_t>(upward_), scratch_);
    scratch_.release();
    if (none) return;
    std::uint32_t count = 0;
    const auto component = stronglyConnectedComponents(graph, count);
    std::vector<std::uint32_t> size(count, 0);
    for (const auto c : component) ++size[c];
    std::vector<char> covered(services_.size(), 0);
    // Services are numbered in the order they were first added: each cycle is searched from its first
    // uncovered service and printed from its earliest-added one (startAtSmallest).
    for (std::uint32_t s = 0; s < services_.size(); ++s) {
      if (covered[s] || (only != nullptr && !(*only)[s])) continue;
      const bool selfLoop = std::find(graph.first(s), graph.last(s), s) != graph.last(s);
      if (size[component[s]] < 2 && !selfLoop) continue;
      // An earlier service of the component, already printed (on a self-loop, say), may be on this cycle too.
      auto path = shortestCycleThrough(graph, s, component);
      startAtSmallest(path);
      std::vector<std::string> ids;
      for (const auto v : path) {
        covered[v] = 1;
        ids.push_back(services_[v].ref->id);
      }
      std::string message = path.size() == 2 ? "Service " + quote(ids.front()) +
                                                   " depends on itself: " + joinQuoted(ids, " -> ") +
                                                   "; to wrap an existing implementation use "
                                                   "createServiceDecorator instead of a factory that "
                                                   "depends on its own ref"
                                             : "Circular dependency detected: " + joinQuoted(ids, " -> ") +
                                                   "; break the cycle by removing one of these dependencies";
      problems.push_back(Problem{Problem::Kind::circular_dependency, std::move(ids), {}, std::move(message)});
    }
  }

  // ---- (5) root services and the boot-failure policy ----

  // Also finds, in the same pass, the plugin-scoped services every plugin creates at start (eagerServices_).
  void createRootServices() {
    created_.reserve(services_.size());  // most services are made; plugin-scoped ones may make it grow
    eagerServices_.clear();
    for (std::uint32_t s = 0; s < services_.size(); ++s) {
      const Service& service = services_[s];
      if (service.isRoot()) {
        if (service.rootInstance == nullptr && eager(service)) build(s, nullptr);
      } else if (service.source != FactorySource::builtin && eager(service)) {
        eagerServices_.push_back(s);
      }
    }
  }

  [[nodiscard]] bool eager(const Service& service) const {
    for (auto f = service.firstFactory; f != no_node; f = factories_[f].next) {
      if (factories_[f].impl->initialization() == Initialization::always) return true;
    }
    return false;
  }

  // backend.startup.default.onPluginBootFailure / onPluginModuleBootFailure: 'abort' (default) or 'continue',
  // overridden by backend.startup.plugins.<id>.onPluginBootFailure and
  // backend.startup.plugins.<id>.modules.<moduleId>.onPluginModuleBootFailure.
  // Creates core.rootConfig (and what it needs) if nothing has yet, and nothing else.
  void readBootFailurePolicy() {
    if (const std::uint32_t* s = byKey_.find(coreServices::rootConfig.info()->key);
        s != nullptr && services_[*s].isRoot() && services_[*s].source != FactorySource::none) {
      ensureRoot(*s);
    }
    const auto* config = static_cast<const RootConfigService*>(instanceOf(*coreServices::rootConfig.info()));
    std::vector<Problem> problems;
    auto read = [&](const std::string& key, bool fallback) {
      if (config == nullptr) return fallback;
      std::optional<std::string> value;
      try {
        value = config->getOptionalString(key);
      } catch (const std::exception& e) {
        problems.push_back(Problem{Problem::Kind::invalid_config, {key}, {}, e.what()});
        return fallback;
      }
      if (!value) return fallback;
      if (*value == "abort") return true;
      if (*value == "continue") return false;
      problems.push_back(Problem{Problem::Kind::invalid_config,
                                 {key},
                                 {},
                                 "Invalid value " + quote(*value) + " for config key " + quote(key) +
                                     "; use 'abort' or 'continue'"});
      return fallback;
    };
    const bool pluginDefault = read("backend.startup.default.onPluginBootFailure", true);
    const bool moduleDefault = read("backend.startup.default.onPluginModuleBootFailure", true);
    // Without a backend.startup.plugins section every plugin gets the defaults: no key to build and look up
    // per plugin and module.
    bool perPlugin = config != nullptr;
    if (perPlugin) {
      try {
        perPlugin = config->has("backend.startup.plugins");
      } catch (...) {
        perPlugin = true;  // let the reads below report what is wrong
      }
    }
    for (auto& plugin : plugins_) {
      if (!perPlugin) {
        plugin->abortOnFailure = pluginDefault;
        for (const auto m : moduleOrderOf(*plugin)) modules_[m].abortOnFailure = moduleDefault;
        continue;
      }
      const std::string base = "backend.startup.plugins." + plugin->id;
      plugin->abortOnFailure = read(base + ".onPluginBootFailure", pluginDefault);
      for (const auto m : moduleOrderOf(*plugin)) {
        modules_[m].abortOnFailure = read(
            base + ".modules." + modules_[m].impl->moduleId + ".onPluginModuleBootFailure", moduleDefault);
      }
    }
    if (!problems.empty()) throw ValidationError(std::move(problems));
  }

  // ---- (6) plugins ----

  void startPlugins() {
    LoggerService* logger = rootLogger();
    // The progress lines and the list of plugins are info records: nothing to prepare when they are not
    // written.
    const bool reporting = logger != nullptr && logger->enabled(LogLevel::info);
    std::vector<std::string> ids;
    for (const auto& plugin : plugins_) {
      if (reporting && plugin->impl) ids.push_back(plugin->id);
    }
    if (reporting) {
      logger->info({{"type", "initialization"}}, "Plugin initialization started: {}",
                   ids.empty() ? std::string("no plugins") : quoteAll(ids));
    }
    const std::vector<std::uint32_t>& eagerServices = eagerServices_;  // found by createRootServices()
    // Sized for the plugin-scoped services the inits name directly, and as many again for their deps.
    std::size_t direct = 0;
    for (const Plugin* plugin : plugins_) {
      if (!plugin->impl) continue;
      direct += eagerServices.size() + pluginScopedCount(plugin->initDeps);
      for (const auto m : moduleOrderOf(*plugin)) direct += pluginScopedCount(modules_[m].initDeps);
    }
    pluginInstances_.reserve(pluginInstances_.size() + 2 * direct);
    result_.plugins.reserve(plugins_.size());
    {
      std::optional<ProgressReporter> progress;
      if (reporting && !ids.empty()) progress.emplace(*logger, progressUnit_, ids);
      for (auto& plugin : plugins_) {
        if (!plugin->impl) continue;
        startPlugin(*plugin, eagerServices);
        if (progress) progress->done(plugin->id);
      }
    }
    reportAbsentPlugins();
    if (logger == nullptr) return;
    for (const auto& plugin : result_.plugins) {
      for (const auto& module : plugin.modules) {
        if (module.failure) {
          logger->error({{"plugin", plugin.pluginId}, {"module", module.moduleId}},
                        "Module '{}' for plugin '{}' startup failed; caused by {}", module.moduleId,
                        plugin.pluginId, module.failure->message);
        } else if (module.status == StartupStatus::skipped && plugin.status == StartupStatus::skipped) {
          logger->warn({{"plugin", plugin.pluginId}, {"module", module.moduleId}},
                       "Module '{}' for plugin '{}' was not started: the plugin is not installed",
                       module.moduleId, plugin.pluginId);
        }
      }
      if (plugin.failure) {
        logger->error({{"plugin", plugin.pluginId}}, "Plugin '{}' startup failed; caused by {}",
                      plugin.pluginId, plugin.failure->message);
      }
    }
  }

  [[nodiscard]] std::size_t pluginScopedCount(InitDeps deps) const noexcept {
    std::size_t count = 0;
    for (const auto& dep : initDepsOf(deps))
      count += dep.service != no_node && !services_[dep.service].isRoot();
    return count;
  }

  // One clock reading starts each module and ends the one before (or the plugin's eager services).
  void startPlugin(Plugin& plugin, const std::vector<std::uint32_t>& eagerServices) {
    const auto began = std::chrono::steady_clock::now();
    auto now = began;
    PluginStartupResult result{plugin.id, StartupStatus::ok, {}, std::nullopt, {}};
    auto fail = [](std::exception_ptr error, bool abort) {
      return StartupFailure{error, describe(error), !abort};
    };
    bool servicesReady = true;
    if (!eagerServices.empty()) {
      try {
        for (const auto s : eagerServices) ensure(s, &plugin);
      } catch (...) {
        servicesReady = false;
        result.status = StartupStatus::failed;
        result.failure = fail(std::current_exception(), plugin.abortOnFailure);
      }
      now = std::chrono::steady_clock::now();
    }
    const auto order = moduleOrderOf(plugin);
    result.modules.reserve(order.size());
    for (const auto m : order) {
      const Module& module = modules_[m];
      ModuleStartupResult& moduleResult = result.modules.emplace_back(
          ModuleStartupResult{module.impl->moduleId, StartupStatus::skipped, {}, std::nullopt});
      if (servicesReady) {
        const auto moduleBegan = now;
        try {
          runInit(*module.init, initDepsOf(module.initDeps), plugin, module.impl->moduleId);
          moduleResult.status = StartupStatus::ok;
        } catch (...) {
          moduleResult.status = StartupStatus::failed;
          // As in Backstage, where a module's failure that its own policy does not permit becomes its
          // plugin's failure: the plugin's 'continue' permits it too.
          moduleResult.failure =
              fail(std::current_exception(), module.abortOnFailure && plugin.abortOnFailure);
        }
        now = std::chrono::steady_clock::now();
        moduleResult.duration = now - moduleBegan;
      }
    }
    if (servicesReady) {
      try {
        runInit(*plugin.init, initDepsOf(plugin.initDeps), plugin, {});
        if (auto* lifecycle = pluginLifecycle(plugin)) lifecycle->startup();
      } catch (...) {
        result.status = StartupStatus::failed;
        result.failure = fail(std::current_exception(), plugin.abortOnFailure);
      }
    }
    result.duration = std::chrono::steady_clock::now() - began;
    result_.plugins.push_back(std::move(result));
  }

  void runInit(const InitImpl& init, std::span<const InitDep> deps, Plugin& plugin,
               std::string_view moduleId) {
    std::vector<void*>& args = initArgs_;  // an init cannot re-enter the engine: one buffer will do
    args.clear();
    for (const auto& dep : deps) {
      if (dep.extensionPoint != nullptr) {
        args.push_back(extensionPointFor(*dep.extensionPoint, plugin, moduleId));
      } else {
        args.push_back(ensure(dep.service, services_[dep.service].isRoot() ? nullptr : &plugin));
      }
    }
    init.run(args.data());
  }

  void* extensionPointFor(const ExtensionPointRegistration& ep, const Plugin& plugin,
                          std::string_view moduleId) {
    if (ep.instance) return ep.instance.get();
    return makeExtensionPoint(ep, plugin, moduleId);
  }

  // An extension point registered with a factory: one value per module that asks.
  RIGGING_NOINLINE void* makeExtensionPoint(const ExtensionPointRegistration& ep, const Plugin& plugin,
                                            std::string_view moduleId) {
    const auto named = [&] {
      return quote(ep.ref->id) + " for module " + quote(moduleId) + " of plugin " + quote(plugin.id);
    };
    std::shared_ptr<void> made;
    try {
      made = ep.factory(moduleId);
    } catch (...) {
      std::throw_with_nested(Error(ErrorCode::factory_threw, "Failed to create extension point " + named() +
                                                                 " because its factory threw an error: " +
                                                                 describe(std::current_exception())));
    }
    if (!made) {
      throw Error(ErrorCode::factory_returned_null,
                  "Failed to create extension point " + named() +
                      " because its factory returned an empty pointer; it must return an instance");
    }
    Created holder;
    void* target = emplace<std::shared_ptr<void>>(arena_, holder, std::move(made))->get();
    own(holder);
    holder.object = target;
    return target;
  }

  void reportAbsentPlugins() {
    for (const auto& plugin : plugins_) {
      if (plugin->impl || modulesOf(*plugin).empty()) continue;
      PluginStartupResult result{plugin->id, StartupStatus::skipped, {}, std::nullopt, {}};
      for (const auto m : modulesOf(*plugin)) {
        result.modules.push_back({modules_[m].impl->moduleId, StartupStatus::skipped, {}, std::nullopt});
      }
      result_.plugins.push_back(std::move(result));
    }
  }

  // `key` is internId(pluginId).
  Plugin& pluginState(std::uint32_t key, std::string_view pluginId) {
    if (const std::uint32_t* found = pluginIndex_.find(key)) return *plugins_[*found];
    const auto index = static_cast<std::uint32_t>(plugins_.size());
    // Room first (geometric growth), so nothing can throw once the plugin is made.
    plugins_.push_back(nullptr);
    try {
      pluginIndex_.reserve(plugins_.size());
      void* memory = arena_.bump(sizeof(Plugin), alignof(Plugin));
      plugins_.back() = ::new (memory) Plugin(pluginId, index, &arena_);  // if it throws, the bytes stay
    } catch (...) {
      plugins_.pop_back();
      throw;
    }
    pluginIndex_.insert(key, index);  // reserved: does not throw
    return *plugins_.back();
  }

  // ---- instances ----

  [[nodiscard]] void* lookup(std::uint32_t s, Plugin* plugin) const {
    const Service& service = services_[s];
    if (service.isRoot()) return service.rootInstance;
    if (service.source == FactorySource::builtin) return &plugin->metadata;
    void* const* found = pluginInstances_.find(instanceKey(*plugin, s));
    return found == nullptr ? nullptr : *found;
  }

  // Plugin-scoped instances live in one table for the whole backend, keyed by plugin and service.
  static std::uint64_t instanceKey(const Plugin& plugin, std::uint32_t s) noexcept {
    return (static_cast<std::uint64_t>(plugin.index) << 32U) | s;
  }

  [[nodiscard]] void* instanceOf(const RefInfo& ref) const {
    const std::uint32_t* found = byKey_.find(ref.key);
    return found == nullptr ? nullptr : services_[*found].rootInstance;
  }

  [[nodiscard]] LoggerService* rootLogger() const {
    return static_cast<RootLoggerService*>(instanceOf(*coreServices::rootLogger.info()));
  }

  [[nodiscard]] RootLifecycleService* rootLifecycle() const {
    return static_cast<RootLifecycleService*>(instanceOf(*coreServices::rootLifecycle.info()));
  }

  [[nodiscard]] LifecycleService* pluginLifecycle(const Plugin& plugin) const {
    const std::uint32_t* found = byKey_.find(coreServices::lifecycle.info()->key);
    if (found == nullptr) return nullptr;
    void* const* instance = pluginInstances_.find(instanceKey(plugin, *found));
    return instance == nullptr ? nullptr : static_cast<LifecycleService*>(*instance);
  }

  // Creates `s` (for `plugin` if plugin-scoped) and whatever it needs, dependencies first; returns its
  // instance.
  void* ensure(std::uint32_t s, Plugin* plugin) {
    if (void* existing = lookup(s, plugin)) return existing;
    return build(s, plugin);
  }

  // ensure() for a root service (a loader's deps are root-scoped, checked before).
  void* ensureRoot(std::uint32_t s) {
    if (void* existing = services_[s].rootInstance) return existing;
    return build(s, nullptr);
  }

  // ensure() for a service without an instance. Most have every dep made already: their instances are
  // gathered into values_ and the service is made from them, with no frame.
  void* build(std::uint32_t s, Plugin* plugin) {
    const ServiceGraph graph = serviceGraph();
    const std::uint32_t* next = graph.first(s);
    const std::uint32_t* const last = graph.last(s);
    const auto count = static_cast<std::size_t>(last - next);
    if (count > values_.size()) values_.resize(std::max(count, 2 * values_.size()));
    void** const values = values_.data();
    std::uint32_t used = 0;
    for (; next != last; ++next) {
      const std::uint32_t dep = *next;
      void* existing = lookup(dep, services_[dep].isRoot() ? nullptr : plugin);
      if (existing == nullptr) return buildDeep(s, plugin, next, used);
      values[used++] = existing;
    }
    void* object = nullptr;
    std::exception_ptr failure;
    try {
      object = create(s, plugin, values);
    } catch (...) {
      failure = std::current_exception();
    }
    if (failure) {
      frames_.assign(1, Frame{s, 0, plugin, last, last});
      failCreating(failure);
    }
    return object;
  }

  // build() for a service with a dep to make: `next` is that dep, values_ holds the instances of those
  // before it. Iterative: the stack of frames is also the dependency chain that error messages name. The
  // instances of a frame's deps, found or made in edge order, are kept in values_ (room for all of a frame's
  // is made when it is pushed): a service with one plain factory (whose deps are its edges) is made from
  // them.
  RIGGING_NOINLINE void* buildDeep(std::uint32_t s, Plugin* plugin, const std::uint32_t* next,
                                   std::uint32_t used) {
    std::vector<Frame>& frames = frames_;  // factories cannot re-enter the engine: one stack will do
    const ServiceGraph graph = serviceGraph();
    void** values = values_.data();
    frames.clear();
    frames.push_back({s, 0, plugin, next, graph.last(s)});
    bool creating = false;
    std::exception_ptr failure;
    try {
      Frame* top = &frames.back();
      for (;;) {
        const std::uint32_t* at = top->next;
        bool missing = false;
        while (at != top->last) {
          const std::uint32_t dep = *at++;
          Plugin* depPlugin = services_[dep].isRoot() ? nullptr : top->plugin;
          void* existing = lookup(dep, depPlugin);
          if (existing == nullptr) {
            top->next = at;
            const std::uint32_t* first = graph.first(dep);
            const std::uint32_t* end = graph.last(dep);
            const std::size_t need = used + static_cast<std::size_t>(end - first);
            if (need > values_.size()) {
              values_.resize(std::max(need, 2 * values_.size()));
              values = values_.data();
            }
            frames.push_back({dep, used, depPlugin, first, end});
            top = &frames.back();
            missing = true;
            break;
          }
          values[used++] = existing;
        }
        if (missing) continue;
        creating = true;
        void* object = create(top->service, top->plugin, values + top->base);
        creating = false;
        used = top->base;
        frames.pop_back();
        if (frames.empty()) return object;
        values[used++] = object;
        top = &frames.back();
      }
    } catch (...) {
      failure = std::current_exception();
    }
    if (!creating) std::rethrow_exception(failure);
    failCreating(failure);
  }

  // The top frame's factory failed: names it and the dependency chain that led to it.
  [[noreturn]] RIGGING_COLD void failCreating(const std::exception_ptr& failure) {
    std::vector<std::string> chain;
    for (const auto& frame : frames_) chain.push_back(services_[frame.service].ref->id);
    const Frame& top = frames_.back();
    const bool root = services_[top.service].isRoot() || top.plugin == nullptr;
    remember(top.service, false, root ? no_node : top.plugin->index, failure);
    throwWithContext(failure, top.service, top.plugin, std::move(chain));
  }

  // Without memory for the record, the next consumer runs the factory again: the failure itself must win.
  void remember(std::uint32_t index, bool context, std::uint32_t plugin,
                const std::exception_ptr& failure) noexcept {
    try {
      if (findFailure(index, context, plugin) == nullptr)
        failures_.push_back({index, plugin, context, failure, what_});
      anyFailure_ = true;
    } catch (...) {
    }
  }
  [[nodiscard]] const Failure* findFailure(std::uint32_t index, bool context,
                                           std::uint32_t plugin) const noexcept {
    for (const auto& failure : failures_) {
      if (failure.index == index && failure.context == context && failure.plugin == plugin) return &failure;
    }
    return nullptr;
  }
  // Throws what an earlier attempt threw, if there was one.
  RIGGING_COLD void rethrowFailure(std::uint32_t index, bool context, std::uint32_t plugin) {
    if (const Failure* failure = findFailure(index, context, plugin)) {
      what_ = failure->what;
      std::rethrow_exception(failure->error);
    }
  }
  void forgetFailures() noexcept {
    failures_.clear();
    anyFailure_ = false;
  }

  // Called outside any handler, so that a null result nests nothing.
  [[noreturn]] void throwWithContext(const std::exception_ptr& failure, std::uint32_t s, const Plugin* plugin,
                                     std::vector<std::string> chain) {
    const std::string& id = services_[s].ref->id;
    const std::string pluginId = plugin != nullptr ? plugin->id : std::string();
    const std::string target = quote(id) + (plugin != nullptr ? " for " + quote(pluginId) : std::string());
    const std::string where =
        chain.size() > 1 ? " (dependency chain: " + joinQuoted(chain, " -> ") + ")" : "";
    try {
      std::rethrow_exception(failure);
    } catch (const NullResult&) {
      // Reported below, outside this handler.
    } catch (...) {
      std::throw_with_nested(ServiceFactoryError(ErrorCode::factory_threw,
                                                 "Failed to instantiate service " + target + " because " +
                                                     what_ + " threw an error: " + describe(failure) + where,
                                                 id, pluginId, chain));
    }
    throw ServiceFactoryError(ErrorCode::factory_returned_null,
                              "Failed to instantiate service " + target + " because " + what_ +
                                  " returned an empty pointer; a factory must return an instance" + where,
                              id, pluginId, std::move(chain));
  }

  void gather(std::span<const std::uint32_t> deps, Plugin* plugin) {
    args_.clear();
    for (const auto d : deps) args_.push_back(lookup(d, services_[d].isRoot() ? nullptr : plugin));
  }

  // A root context's deps, which checkScopes has made sure are all root-scoped.
  void gatherRoot(std::span<const std::uint32_t> deps) {
    args_.clear();
    for (const auto d : deps) args_.push_back(services_[d].rootInstance);
  }

  // Creates the instance of `s` (for `plugin` if plugin-scoped) and records it. `found` holds the instances
  // of its edges, in order. A service that is not merged has one factory and its edges are that factory's
  // deps (resolveFactoryDeps): without a root context, and not a multiton, it is made from `found`.
  RIGGING_ALWAYS_INLINE void* create(std::uint32_t s, Plugin* plugin, void* const* found) {
    Service& service = services_[s];
    if (anyFailure_) rethrowFailure(s, false, service.isRoot() ? no_node : plugin->index);
    const std::uint32_t only = service.firstFactory;
    void* object = nullptr;
    if (only != no_node && !service.merged && !service.ref->multiton &&
        !factories_[only].impl->hasContext()) {
      what_ = "the factory function";
      Created instance;
      factories_[only].impl->create(nullptr, found, instance, arena_);
      own(instance);
      object = instance.object;
    } else {
      object = createAny(service, plugin);
    }
    if (service.isRoot()) {
      service.rootInstance = object;
    } else {
      pluginInstances_.insert(instanceKey(*plugin, s), object);
    }
    return object;
  }

  // Any service: its factories (a multiton's list of instances), their root contexts, its decorators.
  RIGGING_NOINLINE void* createAny(const Service& service, Plugin* plugin) {
    void* object = nullptr;
    void** items = nullptr;
    // The only built-in root service, unless a factory replaced it; core.pluginMetadata never gets here
    // (lookup() has it).
    if (service.source == FactorySource::builtin) {
      what_ = "the built-in list of installed plugins";
      object = static_cast<void*>(installedPlugins());
    } else if (service.ref->multiton) {
      std::size_t count = 0;
      for (auto f = service.firstFactory; f != no_node; f = factories_[f].next) ++count;
      void* const at = arena_.bump(sizeof(InstanceList), alignof(InstanceList));
      items =
          static_cast<void**>(arena_.bump(sizeof(void*) * std::max<std::size_t>(1, count), alignof(void*)));
      auto* list = ::new (at) InstanceList{items, count};
      object = list;
    }
    std::size_t i = 0;
    for (auto f = service.firstFactory; f != no_node; f = factories_[f].next, ++i) {
      Factory& factory = factories_[f];
      void* context = nullptr;
      if (factory.impl->hasContext()) {
        void** slot = contexts_.insert(f, nullptr).first;
        if (*slot == nullptr) {
          if (anyFailure_) rethrowFailure(f, true, no_node);
          gatherRoot(contextDepsOf(factory));
          what_ = "the root context factory function";
          Created made;
          try {
            factory.impl->createContext(args_.data(), made, arena_);
          } catch (...) {
            remember(f, true, no_node, std::current_exception());
            throw;
          }
          own(made);
          *slot = made.object;
        }
        context = *slot;
      }
      gather(depsOf(factory), plugin);
      what_ = "the factory function";
      Created instance;
      factory.impl->create(context, args_.data(), instance, arena_);
      own(instance);
      if (items != nullptr) {
        items[i] = instance.object;
      } else {
        object = instance.object;
      }
    }
    for (auto d = service.firstDecorator; d != no_node; d = factories_[d].next) {
      gather(depsOf(factories_[d]), plugin);
      what_ = "a decorator";
      Created decorated;
      factories_[d].impl->create(object, args_.data(), decorated, arena_);
      own(decorated);
      object = decorated.object;
    }
    return object;
  }

  // Runs one phase of a lifecycle implementation, which should not throw but might.
  template <class Fn>
  static std::size_t guarded(const char* phase, Fn&& fn) noexcept {
    try {
      return fn();
    } catch (...) {
      std::fprintf(stderr, "rigging: %s failed: %s\n", phase, describe(std::current_exception()).c_str());
      return 1;
    }
  }

  void destroyInstances() noexcept {
    while (!created_.empty()) {
      const Owned last = created_.back();
      created_.pop_back();
      last.destroy(last.storage);
    }
    for (auto& service : services_) service.rootInstance = nullptr;
    contexts_.clear();
    forgetFailures();
    pluginInstances_.clear();
    carried_.clear();
  }

  // Numbers every registry build in the process, for RefInfo::engineSlot; 0 is never used.
  static std::uint32_t nextBuild() noexcept {
    static std::atomic<std::uint32_t> counter{0};
    std::uint32_t number = counter.fetch_add(1, std::memory_order_relaxed) + 1;
    while (number == 0) number = counter.fetch_add(1, std::memory_order_relaxed) + 1;
    return number;
  }

  State state_ = State::idle;
  std::uint32_t build_ = 0;
  bool prepared_ = false;
  bool startCalled_ = false;        // start() was called, whether or not it succeeded
  bool registered_ = false;         // plugins and modules have registered: the installed list is known
  bool metadataHandedOut_ = false;  // core.rootInstanceMetadata was given out before registered_
  bool metadataListed_ = false;
  // Plugin states, what plugins and modules register at each start, and instance holders. Declared before
  // everything that holds blocks of it, so it is destroyed after them.
  Arena arena_;
  std::vector<std::shared_ptr<const FactoryImpl>> backendDefaults_;

  std::vector<FactoryRecord> factoryRecords_;                // until the registry is complete
  std::vector<std::shared_ptr<const void>> ownedFactories_;  // what keeps the added factories alive
  std::vector<std::shared_ptr<const PluginImpl>> pluginImpls_;
  std::vector<std::shared_ptr<const ModuleImpl>> moduleImpls_;
  std::vector<std::uint32_t> moduleAfter_;  // for each module: how many plugins were added before it
  std::vector<std::shared_ptr<const LoaderImpl>> loaders_;  // in the order they run: numbered by it
  std::size_t nextLoaderAt_ = 0;  // while a loader's features are applied: where its loaders go, else 0
  std::vector<Carried> carried_;
  std::unordered_map<const RefInfo*, std::shared_ptr<const FactoryImpl>> defaultFactories_;
  std::vector<std::pair<std::size_t, std::uint32_t>> defaultProblems_;  // see fillNeededBy()
  // The end of a missing dependency's message: what to do about it. A view of static text: no allocation for
  // each backend.
  std::string_view missingAdvice_ = ". Add a factory for it with backend.add(createServiceFactory(...))";

  std::vector<Service> services_;
  IdIndex byKey_;  // RefInfo::key -> into services_
  std::vector<Factory> factories_;
  std::vector<InitDep> initDepList_;    // every plugin's and module's init deps, as slices (InitDeps)
  std::vector<std::uint32_t> depList_;  // every factory's deps, as slices (Factory::deps)
  std::vector<std::uint32_t> upward_;   // targets of edges to a service numbered no lower: see acyclicFrom
  std::vector<std::uint32_t> merged_;   // while the registry is built: services buildGraph() lists edges for
  FlatTable<std::uint64_t, void*> pluginInstances_;  // instanceKey(plugin, service) -> instance
  FlatTable<std::uint32_t, void*> contexts_;         // factory -> its root context, once created

  std::vector<Plugin*> plugins_;                         // in arena_
  FlatTable<std::uint32_t, std::uint32_t> pluginIndex_;  // internId(plugin id) -> into plugins_
  std::vector<Module> modules_;
  std::vector<std::uint32_t> moduleOrder_;  // each plugin's runnable modules in the order they run: slices
  FlatTable<std::uint32_t, ExtensionPointOwner> extensionPoints_;  // RefInfo::key of the extension point

  InstanceMetadata instanceMetadata_;
  std::shared_ptr<const FactoryImpl> instanceMetadataFactory_;  // testing utilities only
  StartupResult result_;
  std::chrono::milliseconds progressUnit_{1000};
  // What destroyInstances() destroys: Created without the service pointer, which nothing needs again.
  struct Owned {
    void* storage;
    void (*destroy)(void*) noexcept;
  };
  void own(const Created& created) {
    if (created.destroy != nullptr) created_.push_back({created.storage, created.destroy});
  }
  std::vector<Owned> created_;  // in creation order; destroyed in reverse
  DfsScratch scratch_;          // the cycle check's, reserved with the registry
  struct Frame {
    std::uint32_t service;
    std::uint32_t base;  // where the instances of its edges start in values_
    Plugin* plugin;
    const std::uint32_t* next;
    const std::uint32_t* last;
  };
  std::vector<std::uint32_t> eagerServices_;  // the plugin-scoped services every plugin creates at start
  std::vector<Frame> frames_;                 // build()'s stack
  std::vector<void*> values_;    // build()'s instances of the edges of its frames; sized, not pushed
  std::vector<void*> args_;      // a factory's arguments
  std::vector<void*> initArgs_;  // an init's arguments
  const char* what_ = "";
  // Creations that failed (see Failure): every later consumer (of a plugin-scoped instance: in the same
  // plugin) gets the same failure instead of a second run. Rare, so a list; `anyFailure_` keeps the check off
  // the path that creates instances.
  std::vector<Failure> failures_;
  bool anyFailure_ = false;
  std::shared_mutex resolveMutex_;  // creation and additions after start(); see resolve()
  // Services resolve() added after prepare() for a ref's default factory, one batch per request, with the
  // problems found in it (none: it is usable). Only the testing utilities and tools add them.
  std::vector<LateBatch> lateBatches_;
};

}  // namespace rigging::detail
