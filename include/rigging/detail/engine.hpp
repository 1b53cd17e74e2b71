// SPDX-License-Identifier: Apache-2.0
// Copyright The rigging Authors
// The engine behind Backend: the registry, whole-graph validation and the start and stop sequence.
//
// Reading order: add*() only queue features. start() then (1) applies them and builds the registry, resolving
// every id to an index once; (2) validates the whole graph and throws one ValidationError listing every
// problem; (3) creates root services; (4) starts each plugin: its eager services, then its init. Any throw
// after (2) destroys every instance created so far, in reverse creation order, before it propagates.
#pragma once

#include <rigging/core_services.hpp>
#include <rigging/detail/callable.hpp>
#include <rigging/detail/factory_impl.hpp>
#include <rigging/detail/graph.hpp>
#include <rigging/errors.hpp>
#include <rigging/plugin.hpp>
#include <rigging/service_ref.hpp>

#include <algorithm>
#include <cstdint>
#include <exception>
#include <memory>
#include <memory_resource>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace rigging::detail {

inline std::string quote(std::string_view id) { return "'" + std::string(id) + "'"; }

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

/// Where the factory of a service came from, in order of precedence.
enum class FactorySource : unsigned char { builtin, explicitly_added, backend_default, ref_default, none };

class Engine {
 public:
  explicit Engine(std::vector<std::shared_ptr<const FactoryImpl>> backendDefaults)
      : backendDefaults_(std::move(backendDefaults)) {}
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;
  ~Engine() { destroyInstances(); }

  // ---- queueing: nothing is checked here; start() reports every problem at once ----

  void addFactory(std::shared_ptr<const FactoryImpl> factory) {
    checkCanAdd();
    queuedFactories_.push_back(std::move(factory));
  }
  void addPlugin(std::shared_ptr<const PluginImpl> plugin) {
    checkCanAdd();
    queuedPlugins_.push_back(std::move(plugin));
  }

  // ---- the start sequence ----

  void start() {
    if (state_ == State::started) throw BackendStateError("Backend has already started");
    if (state_ == State::stopped) throw BackendStateError("Backend has already stopped");
    state_ = State::started;
    std::vector<Problem> problems;
    buildRegistry(problems);
    validate(problems);
    if (!problems.empty()) {
      state_ = State::stopped;
      throw ValidationError(std::move(problems));
    }
    try {
      createRootServices();
      for (std::uint32_t p = 0; p < plugins_.size(); ++p) startPlugin(p);
    } catch (...) {
      destroyInstances();  // the strong guarantee: nothing half-built survives a failed start
      state_ = State::stopped;
      throw;
    }
  }

  void stop() noexcept {
    if (state_ == State::stopped) return;
    state_ = State::stopped;
    destroyInstances();
  }

  /// The instance of `ref` for `pluginId` (ignored for root services), created on first use.
  void* resolve(const RefInfo& ref, std::string_view pluginId) {
    const auto found = byId_.find(ref.id);
    if (found == byId_.end()) return nullptr;
    Plugin* plugin = ref.scope == ServiceScope::plugin ? &pluginState(pluginId) : nullptr;
    return ensure(found->second, plugin, {});
  }

  [[nodiscard]] std::size_t liveInstanceCount() const noexcept { return created_.size(); }

 private:
  enum class State : unsigned char { idle, started, stopped };

  struct Service {
    std::shared_ptr<const RefInfo> ref;  // the canonical declaration: the factory's ref, else the first seen
    FactorySource source = FactorySource::none;
    std::vector<std::uint32_t> factories;   // into factories_
    std::vector<std::uint32_t> decorators;  // into factories_
    void* rootInstance = nullptr;
    [[nodiscard]] bool isRoot() const noexcept { return ref->scope == ServiceScope::root; }
  };

  struct Factory {
    std::shared_ptr<const FactoryImpl> impl;
    std::uint32_t service = 0;
    std::vector<std::uint32_t> deps;         // service indices, in the order of the callable's parameters
    std::vector<std::uint32_t> contextDeps;  // likewise for the root context
    void* context = nullptr;
  };

  class Metadata final : public PluginMetadataService {
   public:
    explicit Metadata(std::string_view pluginId) : id_(pluginId) {}
    [[nodiscard]] std::string_view getId() const noexcept override { return id_; }

   private:
    std::string id_;
  };

  struct Plugin {
    explicit Plugin(std::string_view pluginId) : id(pluginId), metadata(pluginId) {}
    std::string id;
    Metadata metadata;
    std::shared_ptr<const InitImpl> init;
    std::vector<std::uint32_t> initDeps;
    std::unordered_map<std::uint32_t, void*> instances;
  };

  void checkCanAdd() const {
    if (state_ != State::idle)
      throw BackendStateError("feature can not be added after the backend has started");
  }

  // ---- (1) the registry ----

  std::uint32_t serviceFor(const std::shared_ptr<const RefInfo>& ref, std::vector<Problem>& problems) {
    const auto [it, inserted] = byId_.try_emplace(ref->id, static_cast<std::uint32_t>(services_.size()));
    if (inserted) {
      services_.push_back(Service{ref, FactorySource::none, {}, {}, nullptr});
      return it->second;
    }
    checkSameDeclaration(services_[it->second], *ref, problems);
    return it->second;
  }

  void checkSameDeclaration(const Service& service, const RefInfo& ref, std::vector<Problem>& problems) {
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

  std::uint32_t addFactoryRecord(const std::shared_ptr<const FactoryImpl>& impl, std::uint32_t service) {
    factories_.push_back(Factory{impl, service, {}, {}, nullptr});
    return static_cast<std::uint32_t>(factories_.size() - 1);
  }

  void buildRegistry(std::vector<Problem>& problems) {
    const auto metadata = serviceFor(coreServices::pluginMetadata.info(), problems);
    services_[metadata].source = FactorySource::builtin;

    registerPlugins(problems);

    // Explicit factories first: they take precedence over every default.
    std::vector<std::string> duplicates;
    for (const auto& impl : queuedFactories_) {
      const auto s = serviceFor(impl->service(), problems);
      Service& service = services_[s];
      if (impl->kind() == FactoryImpl::Kind::decorator) {
        service.decorators.push_back(addFactoryRecord(impl, s));
        continue;
      }
      if (s == metadata) {
        problems.push_back(Problem{Problem::Kind::override_forbidden,
                                   {service.ref->id},
                                   {},
                                   "The " + quote(service.ref->id) +
                                       " service is built in and cannot be overridden; remove the factory "
                                       "added for it"});
        continue;
      }
      if (service.source == FactorySource::explicitly_added && !service.ref->multiton) {
        if (std::find(duplicates.begin(), duplicates.end(), service.ref->id) == duplicates.end()) {
          duplicates.push_back(service.ref->id);
          problems.push_back(Problem{Problem::Kind::duplicate_factory,
                                     {service.ref->id},
                                     {},
                                     "Duplicate service implementations provided for " +
                                         quote(service.ref->id) +
                                         "; add only one factory for it (use createServiceDecorator to wrap "
                                         "an implementation, or make the ref a multiton)"});
        }
        continue;
      }
      if (service.source != FactorySource::explicitly_added) service.ref = impl->service();
      service.source = FactorySource::explicitly_added;
      service.factories.push_back(addFactoryRecord(impl, s));
    }
    for (const auto& impl : backendDefaults_) {
      const auto s = serviceFor(impl->service(), problems);
      Service& service = services_[s];
      if (service.source != FactorySource::none && service.source != FactorySource::backend_default) continue;
      if (service.source == FactorySource::backend_default && !service.ref->multiton) continue;
      service.source = FactorySource::backend_default;
      service.factories.push_back(addFactoryRecord(impl, s));
    }

    // Resolve every dependency to a service, loading ref default factories for those nobody provides.
    for (std::size_t f = 0; f < factories_.size(); ++f)
      resolveFactoryDeps(static_cast<std::uint32_t>(f), problems);
    for (auto& plugin : plugins_) {
      if (!plugin->init) continue;
      for (const auto& ref : plugin->init->deps()) plugin->initDeps.push_back(serviceFor(ref, problems));
    }
    for (std::size_t s = 0; s < services_.size(); ++s) {
      Service& service = services_[s];
      if (service.source != FactorySource::none) continue;
      if (!service.ref->hasDefaultFactory()) continue;
      std::shared_ptr<const FactoryImpl> impl;
      try {
        impl = service.ref->makeDefaultFactory(service.ref);
      } catch (const std::exception& e) {
        problems.push_back(Problem{Problem::Kind::missing_dependency,
                                   {service.ref->id},
                                   {},
                                   "Failed to instantiate service " + quote(service.ref->id) +
                                       " because the default factory loader threw an error: " + e.what()});
        continue;
      }
      service.source = FactorySource::ref_default;
      const auto f = addFactoryRecord(impl, static_cast<std::uint32_t>(s));
      services_[s].factories.push_back(f);
      resolveFactoryDeps(f, problems);  // may append services, which this loop then visits too
    }
  }

  void resolveFactoryDeps(std::uint32_t f, std::vector<Problem>& problems) {
    const auto impl = factories_[f].impl;
    std::vector<std::uint32_t> deps, contextDeps;
    for (const auto& ref : impl->deps()) deps.push_back(serviceFor(ref, problems));
    for (const auto& ref : impl->contextDeps()) contextDeps.push_back(serviceFor(ref, problems));
    factories_[f].deps = std::move(deps);
    factories_[f].contextDeps = std::move(contextDeps);
  }

  void registerPlugins(std::vector<Problem>& problems) {
    std::unordered_map<std::string_view, std::uint32_t> seen;
    for (const auto& impl : queuedPlugins_) {
      if (!seen.try_emplace(impl->id, 0).second) {
        if (seen[impl->id]++ == 0) {
          problems.push_back(
              Problem{Problem::Kind::duplicate_plugin,
                      {impl->id},
                      {},
                      "Plugin " + quote(impl->id) +
                          " is registered more than once; add each plugin to the backend once"});
        }
        continue;
      }
      auto plugin = std::make_unique<Plugin>(impl->id);
      PluginRegistrationPoints env;
      try {
        impl->registerFn(env);
      } catch (const std::exception& e) {
        problems.push_back(Problem{Problem::Kind::invalid_registration,
                                   {impl->id},
                                   {},
                                   "Plugin " + quote(impl->id) + " failed to register: " + e.what()});
      }
      if (env.inits().size() != 1) {
        problems.push_back(Problem{
            Problem::Kind::invalid_registration,
            {impl->id},
            {},
            "Plugin " + quote(impl->id) +
                (env.inits().empty() ? " registered no init; call env.registerInit(deps(...), fn) once"
                                     : " registered more than one init; call env.registerInit once")});
      } else {
        plugin->init = env.inits().front();
      }
      pluginIndex_.try_emplace(plugin->id, static_cast<std::uint32_t>(plugins_.size()));
      plugins_.push_back(std::move(plugin));
    }
    // Keys must view strings owned by the plugins, not by the queued features.
    pluginIndex_.clear();
    for (std::uint32_t p = 0; p < plugins_.size(); ++p) pluginIndex_.try_emplace(plugins_[p]->id, p);
  }

  // ---- (2) validation: every problem at once, before any factory runs ----

  void validate(std::vector<Problem>& problems) {
    const auto n = static_cast<std::uint32_t>(services_.size());
    graph_.begin.assign(n + 1, 0);
    graph_.edges.clear();
    std::vector<std::uint32_t> mark(n, detail::no_node);
    for (std::uint32_t s = 0; s < n; ++s) {
      auto addEdge = [&](std::uint32_t to) {
        if (mark[to] == s) return;
        mark[to] = s;
        graph_.edges.push_back(to);
      };
      for (const auto f : services_[s].factories) {
        for (const auto d : factories_[f].deps) addEdge(d);
        for (const auto d : factories_[f].contextDeps) addEdge(d);
      }
      for (const auto f : services_[s].decorators) {
        for (const auto d : factories_[f].deps) addEdge(d);
      }
      graph_.begin[s + 1] = static_cast<std::uint32_t>(graph_.edges.size());
    }

    checkScopes(problems);
    checkMissing(problems);
    checkCycles(problems);
  }

  void checkScopes(std::vector<Problem>& problems) {
    for (const auto& factory : factories_) {
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
        for (const auto d : factory.deps) {
          check(d, factory.impl->kind() == FactoryImpl::Kind::decorator ? "The root-scoped decorator"
                                                                        : "The root-scoped factory");
        }
      }
      for (const auto d : factory.contextDeps) check(d, "The root context");
    }
  }

  void checkMissing(std::vector<Problem>& problems) {
    for (std::uint32_t s = 0; s < services_.size(); ++s) {
      const Service& service = services_[s];
      if (service.source != FactorySource::none) continue;
      if (service.ref->multiton && service.decorators.empty()) continue;  // no factory: an empty range
      std::vector<std::string> neededBy;
      for (std::uint32_t from = 0; from < services_.size(); ++from) {
        if (std::find(graph_.first(from), graph_.last(from), s) == graph_.last(from)) continue;
        std::string who = "service " + quote(services_[from].ref->id);
        const auto users = pluginsUsing(from);
        if (!users.empty()) who += " (for plugin " + joinQuoted(users, ", ") + ")";
        neededBy.push_back(std::move(who));
      }
      for (const auto& plugin : plugins_) {
        if (std::find(plugin->initDeps.begin(), plugin->initDeps.end(), s) != plugin->initDeps.end()) {
          neededBy.push_back("plugin " + quote(plugin->id));
        }
      }
      const bool onlyDecorated = neededBy.empty() && !service.decorators.empty();
      std::string message =
          onlyDecorated
              ? "Service " + quote(service.ref->id) +
                    " is decorated, but no factory provides it; add a factory"
              : "Service " + quote(service.ref->id) +
                    " is missing: no factory was added for it and its ref has no default factory. Needed by ";
      if (!onlyDecorated) {
        for (std::size_t i = 0; i < neededBy.size(); ++i) message += (i == 0 ? "" : ", ") + neededBy[i];
        message += ". Add a factory for it with backend.add(createServiceFactory(...))";
      }
      problems.push_back(Problem{
          onlyDecorated ? Problem::Kind::decorator_without_service : Problem::Kind::missing_dependency,
          {service.ref->id},
          std::move(neededBy),
          std::move(message)});
    }
  }

  // The plugins whose inits reach service `s`, for messages only (the error path may be slow).
  std::vector<std::string> pluginsUsing(std::uint32_t s) const {
    std::vector<std::string> out;
    for (const auto& plugin : plugins_) {
      std::vector<char> seen(services_.size(), 0);
      std::vector<std::uint32_t> todo(plugin->initDeps.begin(), plugin->initDeps.end());
      bool reaches = false;
      while (!todo.empty() && !reaches) {
        const auto v = todo.back();
        todo.pop_back();
        if (seen[v]) continue;
        seen[v] = 1;
        if (v == s) reaches = true;
        for (const auto* e = graph_.first(v); e != graph_.last(v); ++e) todo.push_back(*e);
      }
      if (reaches) out.push_back(plugin->id);
    }
    return out;
  }

  void checkCycles(std::vector<Problem>& problems) {
    std::uint32_t count = 0;
    const auto component = stronglyConnectedComponents(graph_, count);
    std::vector<std::uint32_t> size(count, 0);
    for (const auto c : component) ++size[c];
    std::vector<char> covered(services_.size(), 0);
    // Services are numbered in the order they were first added, so the first uncovered one on a cycle is
    // the earliest-added: each cycle is printed from there.
    for (std::uint32_t s = 0; s < services_.size(); ++s) {
      if (covered[s]) continue;
      const bool selfLoop = std::find(graph_.first(s), graph_.last(s), s) != graph_.last(s);
      if (size[component[s]] < 2 && !selfLoop) continue;
      const auto path = shortestCycleThrough(graph_, s, component);
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

  // ---- (3) and (4): creating instances ----

  void createRootServices() {
    for (std::uint32_t s = 0; s < services_.size(); ++s) {
      const Service& service = services_[s];
      if (!service.isRoot() || service.rootInstance != nullptr) continue;
      if (!eager(service)) continue;
      ensure(s, nullptr, {});
    }
  }

  [[nodiscard]] bool eager(const Service& service) const {
    return std::any_of(service.factories.begin(), service.factories.end(), [this](std::uint32_t f) {
      return factories_[f].impl->initialization() == Initialization::always;
    });
  }

  void startPlugin(std::uint32_t p) {
    Plugin& plugin = *plugins_[p];
    for (std::uint32_t s = 0; s < services_.size(); ++s) {
      if (!services_[s].isRoot() && services_[s].source != FactorySource::builtin && eager(services_[s])) {
        ensure(s, &plugin, {});
      }
    }
    std::vector<void*> args;
    args.reserve(plugin.initDeps.size());
    for (const auto d : plugin.initDeps)
      args.push_back(ensure(d, services_[d].isRoot() ? nullptr : &plugin, {}));
    try {
      plugin.init->run(args.data());
    } catch (const std::exception& e) {
      std::throw_with_nested(PluginInitError(
          "Plugin " + quote(plugin.id) + " startup failed; caused by " + e.what(), plugin.id));
    } catch (...) {
      std::throw_with_nested(PluginInitError(
          "Plugin " + quote(plugin.id) + " startup failed; caused by an unknown exception", plugin.id));
    }
  }

  Plugin& pluginState(std::string_view pluginId) {
    const auto found = pluginIndex_.find(pluginId);
    if (found != pluginIndex_.end()) return *plugins_[found->second];
    plugins_.push_back(std::make_unique<Plugin>(pluginId));
    pluginIndex_.try_emplace(plugins_.back()->id, static_cast<std::uint32_t>(plugins_.size() - 1));
    return *plugins_.back();
  }

  [[nodiscard]] void* lookup(std::uint32_t s, Plugin* plugin) const {
    const Service& service = services_[s];
    if (service.isRoot()) return service.rootInstance;
    if (service.source == FactorySource::builtin) return &plugin->metadata;
    const auto found = plugin->instances.find(s);
    return found == plugin->instances.end() ? nullptr : found->second;
  }

  // Creates `s` (for `plugin` if plugin-scoped) and whatever it needs, dependencies first. Iterative: the
  // stack of frames is also the dependency chain that error messages name.
  void* ensure(std::uint32_t s, Plugin* plugin, std::vector<std::string> chain) {
    if (void* existing = lookup(s, plugin)) return existing;
    struct Frame {
      std::uint32_t service;
      Plugin* plugin;
      const std::uint32_t* next;
    };
    std::vector<Frame> frames{{s, plugin, graph_.first(s)}};
    while (!frames.empty()) {
      Frame& top = frames.back();
      if (top.next != graph_.last(top.service)) {
        const std::uint32_t dep = *top.next++;
        Plugin* depPlugin = services_[dep].isRoot() ? nullptr : top.plugin;
        if (lookup(dep, depPlugin) == nullptr) frames.push_back({dep, depPlugin, graph_.first(dep)});
        continue;
      }
      const Frame done = top;
      std::exception_ptr failure;
      try {
        create(done.service, done.plugin);
      } catch (...) {
        failure = std::current_exception();
      }
      if (failure) {
        std::vector<std::string> ids = chain;
        for (const auto& frame : frames) ids.push_back(services_[frame.service].ref->id);
        throwWithContext(failure, done.service, done.plugin, std::move(ids));
      }
      frames.pop_back();
    }
    return lookup(s, plugin);
  }

  // Called outside any handler, so that a null result nests nothing.
  [[noreturn]] void throwWithContext(const std::exception_ptr& failure, std::uint32_t s, const Plugin* plugin,
                                     std::vector<std::string> chain) {
    const std::string& id = services_[s].ref->id;
    const std::string pluginId = plugin != nullptr ? plugin->id : std::string();
    std::string target = quote(id) + (plugin != nullptr ? " for " + quote(pluginId) : std::string());
    std::string where = chain.size() > 1 ? " (dependency chain: " + joinQuoted(chain, " -> ") + ")" : "";
    try {
      std::rethrow_exception(failure);
    } catch (const NullResult&) {
      // Reported below, outside this handler.
    } catch (const std::exception& e) {
      std::throw_with_nested(ServiceFactoryError(
          ErrorCode::factory_threw,
          "Failed to instantiate service " + target + what_ + " threw an error: " + e.what() + where, id,
          pluginId, chain));
    } catch (...) {
      std::throw_with_nested(ServiceFactoryError(
          ErrorCode::factory_threw,
          "Failed to instantiate service " + target + what_ + " threw an unknown exception" + where, id,
          pluginId, chain));
    }
    throw ServiceFactoryError(ErrorCode::factory_returned_null,
                              "Failed to instantiate service " + target + " because" + whatNull_ +
                                  " returned an empty pointer; a factory must return an instance" + where,
                              id, pluginId, std::move(chain));
  }

  void gather(const std::vector<std::uint32_t>& deps, Plugin* plugin) {
    args_.clear();
    for (const auto d : deps) args_.push_back(lookup(d, services_[d].isRoot() ? nullptr : plugin));
  }

  void create(std::uint32_t s, Plugin* plugin) {
    Service& service = services_[s];
    void* object = nullptr;
    void** items = nullptr;
    if (service.ref->multiton) {
      auto* list = static_cast<InstanceList*>(arena_.allocate(sizeof(InstanceList), alignof(InstanceList)));
      items = static_cast<void**>(arena_.allocate(
          sizeof(void*) * std::max<std::size_t>(1, service.factories.size()), alignof(void*)));
      *list = InstanceList{items, service.factories.size()};
      object = list;
    }
    for (std::size_t i = 0; i < service.factories.size(); ++i) {
      Factory& factory = factories_[service.factories[i]];
      if (factory.impl->hasContext() && factory.context == nullptr) {
        gather(factory.contextDeps, nullptr);
        what_ = " because the root context factory function";
        whatNull_ = " the root context factory function";
        Created context;
        factory.impl->createContext(args_.data(), context, arena_);
        created_.push_back(context);
        factory.context = context.object;
      }
      gather(factory.deps, plugin);
      what_ = " because the factory function";
      whatNull_ = " the factory function";
      Created instance;
      factory.impl->create(factory.context, args_.data(), instance, arena_);
      created_.push_back(instance);
      if (items != nullptr) {
        items[i] = instance.object;
      } else {
        object = instance.object;
      }
    }
    for (const auto d : service.decorators) {
      gather(factories_[d].deps, plugin);
      what_ = " because a decorator";
      whatNull_ = " a decorator";
      Created decorated;
      factories_[d].impl->create(object, args_.data(), decorated, arena_);
      created_.push_back(decorated);
      object = decorated.object;
    }
    if (service.isRoot()) {
      service.rootInstance = object;
    } else {
      plugin->instances.emplace(s, object);
    }
  }

  void destroyInstances() noexcept {
    while (!created_.empty()) {
      const Created last = created_.back();
      created_.pop_back();
      last.destroy(last.storage);
    }
    for (auto& service : services_) service.rootInstance = nullptr;
    for (auto& factory : factories_) factory.context = nullptr;
    for (auto& plugin : plugins_) plugin->instances.clear();
  }

  State state_ = State::idle;
  std::vector<std::shared_ptr<const FactoryImpl>> backendDefaults_;
  std::vector<std::shared_ptr<const FactoryImpl>> queuedFactories_;
  std::vector<std::shared_ptr<const PluginImpl>> queuedPlugins_;

  std::vector<Service> services_;
  std::unordered_map<std::string, std::uint32_t> byId_;
  std::vector<Factory> factories_;
  std::vector<std::unique_ptr<Plugin>> plugins_;
  std::unordered_map<std::string_view, std::uint32_t> pluginIndex_;
  Csr graph_;

  std::pmr::monotonic_buffer_resource arena_;
  std::vector<Created> created_;  // in creation order; destroyed in reverse
  std::vector<void*> args_;
  const char* what_ = "";
  const char* whatNull_ = "";
};

}  // namespace rigging::detail
