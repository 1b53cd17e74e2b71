// SPDX-License-Identifier: Apache-2.0
// Fuzzed graphs: turns bytes (or a seed) into a backend, starts and stops it, and checks what rigging did
// against a plain reference model of the same graph written here, independently of the engine.
//
// The graph: services of both scopes, singletons and multitons, with explicit, duplicate, feature-loader and
// ref-default factories or none, root contexts and decorators; plugins and modules (some of absent plugins,
// some duplicated) registering and using extension points; a feature loader; random cycles and missing refs;
// and factories, root contexts, decorators, inits, register callbacks, the loader and shutdown hooks that
// throw.
//
// The checks: start() fails exactly when the model says, with the model's validation problems (kinds and ids;
// a cycle as any valid path, with every service on a cycle named), or with a failure of the plugin, module or
// service the model predicts; every instance is handed only after the instances it depends on (each factory,
// decorator and init checks what it receives); every created instance is destroyed exactly once whatever the
// outcome; every shutdown hook of a plugin whose init ran has run, once.
//
// Every factory, plugin and module has one fixed shape (two root, two plugin and one multiton dependency of
// each scope, unused slots filled with padding), so the harness instantiates a handful of templates, not one
// per generated combination.
#pragma once

#include <rigging/create_backend.hpp>

#include <algorithm>
#include <array>
#include <cstdint>
#include <exception>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

namespace rigging::fuzz {

/// Reads choices from the input; zeros once it runs out, so every input is a valid (if plain) graph, and a
/// zero byte always picks the plainest option.
class Choices {
 public:
  Choices(const std::uint8_t* data, std::size_t size) : data_(data), size_(size) {}
  int below(int n) { return n <= 1 ? 0 : next() % n; }
  bool chance(int percent) { return next() % 100 + percent >= 100; }

 private:
  int next() { return at_ < size_ ? data_[at_++] : 0; }
  const std::uint8_t* data_;
  std::size_t size_;
  std::size_t at_ = 0;
};

/// The bytes a seed stands for (xorshift; the same on every platform).
inline std::vector<std::uint8_t> bytesOfSeed(std::uint64_t seed, std::size_t size = 160) {
  std::uint64_t state = seed * 0x9E3779B97F4A7C15ULL + 1;
  std::vector<std::uint8_t> out(size);
  for (auto& byte : out) {
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    byte = static_cast<std::uint8_t>(state >> 32);
  }
  return out;
}

// ---- the generated graph, as plain data ----

/// A consumer's dependencies by slot: two root singletons, two plugin singletons, one root and one plugin
/// multiton; -1 is padding.
struct Slots {
  std::array<int, 6> at{-1, -1, -1, -1, -1, -1};
  enum : std::size_t { r0, r1, p0, p1, rm, pm };
  [[nodiscard]] std::vector<int> used() const {
    std::vector<int> out;
    for (const int s : at) {
      if (s >= 0) out.push_back(s);
    }
    return out;
  }
};

struct ServiceSpec {
  bool root = false, multiton = false;
  bool flipInit = false;  // root: lazy; plugin: always
  int explicitCount = 1;
  bool fromLoader = false, refDefault = false;
  Slots deps;
  bool throws = false;
  bool hasContext = false, contextThrows = false;   // plugin-scoped only
  int contextDep = -1;                              // a root singleton
  bool decorated = false, decoratorThrows = false;  // singletons only
  Slots decoratorDeps;                              // r0 and p0 only
};

struct PluginSpec {
  int id = 0;  // "p<id>"
  bool registerThrows = false, initThrows = false, hookThrows = false, continueOnFailure = false;
  bool startupHookThrows = false;
  int registers = -1;  // extension point
  Slots deps;
};

struct ModuleSpec {
  int plugin = 0, id = 0;  // "p<plugin>", "m<id>"
  bool registerThrows = false, initThrows = false, continueOnFailure = false;
  int registers = -1;
  std::vector<int> uses;  // extension points, at most two
  Slots deps;
};

struct Spec {
  std::vector<ServiceSpec> services;
  std::vector<PluginSpec> plugins;
  std::vector<ModuleSpec> modules;
  int extensionPoints = 0;
  bool loader = false, baseThrows = false, loaderThrows = false;
};

// Appended, not "p" + std::to_string(p): g++ 12 at -O3 warns falsely (-Wrestrict) on that insert.
inline std::string numbered(const char* prefix, int n) {
  std::string id = prefix;
  id += std::to_string(n);
  return id;
}
inline std::string serviceId(int s) { return numbered("f.s", s); }
inline std::string pluginId(int p) { return numbered("p", p); }
inline std::string moduleId(int m) { return numbered("m", m); }
inline std::string pointId(int e) { return numbered("f.ep", e); }

// Adds up to `count` dependencies to `slots`, as the slot budget and the scope rule allow.
inline void pickDeps(Choices& c, const Spec& spec, int self, bool rootOnly, int count, Slots& slots) {
  const int n = static_cast<int>(spec.services.size());
  for (int k = 0; k < count; ++k) {
    // Mostly an earlier service (acyclic); sometimes any, itself included (cycles).
    const int target = c.chance(5) ? c.below(n) : (self > 0 ? c.below(self) : -1);
    if (target < 0) continue;
    const auto& t = spec.services[static_cast<std::size_t>(target)];
    if (std::find(slots.at.begin(), slots.at.end(), target) != slots.at.end()) continue;
    if (!t.root && rootOnly) continue;
    // Its two slots (a multiton has one, listed twice).
    const std::size_t first =
        t.multiton ? (t.root ? Slots::rm : Slots::pm) : (t.root ? Slots::r0 : Slots::p0);
    const std::size_t second = t.multiton ? first : (t.root ? Slots::r1 : Slots::p1);
    for (const auto slot : {first, second}) {
      if (slots.at[slot] == -1) {
        slots.at[slot] = target;
        break;
      }
    }
  }
}

// Mostly an extension point nobody registered yet; sometimes any (registered twice).
inline int freshPoint(Choices& c, const Spec& spec) {
  std::set<int> taken;
  for (const auto& p : spec.plugins) taken.insert(p.registers);
  for (const auto& m : spec.modules) taken.insert(m.registers);
  for (int e = 0; e < spec.extensionPoints; ++e) {
    if (taken.count(e) == 0 && !c.chance(7)) return e;
  }
  return c.below(spec.extensionPoints);
}

inline Spec generate(Choices& c) {
  Spec spec;
  const int n = 1 + c.below(10);
  spec.services.resize(static_cast<std::size_t>(n));
  for (auto& s : spec.services) {  // declarations first: deps may point forward (cycles)
    s.root = c.chance(35);
    s.multiton = c.chance(15);
  }
  spec.extensionPoints = c.below(4);
  spec.loader = c.chance(25);
  spec.baseThrows = c.chance(5);
  spec.loaderThrows = c.chance(5);
  for (int i = 0; i < n; ++i) {
    auto& s = spec.services[static_cast<std::size_t>(i)];
    s.flipInit = c.chance(20);
    switch (c.below(30)) {
      case 14:
        s.explicitCount = 0;
        break;
      case 15:
        s.explicitCount = 0, s.fromLoader = true;
        break;
      case 16:
        s.explicitCount = 0, s.refDefault = true;
        break;
      case 17:
        s.explicitCount = 2;
        break;
      case 18:
        s.fromLoader = true;
        break;
      case 19:
        s.refDefault = true;
        break;
      default:
        break;
    }
    pickDeps(c, spec, i, s.root, c.below(4), s.deps);
    s.throws = c.chance(8);
    if (!s.root) {
      s.hasContext = c.chance(20);
      s.contextThrows = c.chance(10);
      const int d = c.chance(5) ? c.below(n) : c.below(i);
      if (c.chance(60) && spec.services[static_cast<std::size_t>(d)].root &&
          !spec.services[static_cast<std::size_t>(d)].multiton)
        s.contextDep = d;
    }
    if (!s.multiton && c.chance(15)) {
      s.decorated = true;
      s.decoratorThrows = c.chance(10);
      const int d = c.chance(5) ? c.below(n) : c.below(i);
      const auto& t = spec.services[static_cast<std::size_t>(d)];
      if (d != i && !t.multiton && (t.root || !s.root))
        s.decoratorDeps.at[t.root ? Slots::r0 : Slots::p0] = d;
    }
  }
  for (int k = c.below(4); k > 0; --k) {
    PluginSpec p;
    p.id = c.chance(8) ? c.below(4) : static_cast<int>(spec.plugins.size());
    p.registerThrows = c.chance(4);
    p.initThrows = c.chance(10);
    p.hookThrows = c.chance(25);
    p.startupHookThrows = c.chance(10);
    p.continueOnFailure = c.chance(40);
    if (spec.extensionPoints > 0 && c.chance(40)) p.registers = freshPoint(c, spec);
    pickDeps(c, spec, n, false, c.below(4), p.deps);
    spec.plugins.push_back(p);
  }
  for (int k = c.below(5); k > 0; --k) {
    ModuleSpec m;
    // Mostly a plugin that is there, sometimes an absent one; mostly a fresh module id, sometimes a repeat.
    m.plugin = !spec.plugins.empty() && !c.chance(15)
                   ? spec.plugins[static_cast<std::size_t>(c.below(static_cast<int>(spec.plugins.size())))].id
                   : c.below(4);
    m.id = c.chance(8) ? c.below(3) : static_cast<int>(spec.modules.size());
    m.registerThrows = c.chance(4);
    m.initThrows = c.chance(10);
    m.continueOnFailure = c.chance(40);
    if (spec.extensionPoints > 0) {
      // Mostly the extension points of its own plugin and its siblings; sometimes any (missing, another's).
      std::vector<int> own;
      for (const auto& p : spec.plugins) {
        if (p.id == m.plugin && p.registers >= 0) own.push_back(p.registers);
      }
      for (const auto& sibling : spec.modules) {
        if (sibling.plugin == m.plugin && sibling.registers >= 0) own.push_back(sibling.registers);
      }
      for (int u = c.chance(50) ? c.below(3) : 0; u > 0; --u) {
        const int e = own.empty() || c.chance(7)
                          ? c.below(spec.extensionPoints)
                          : own[static_cast<std::size_t>(c.below(static_cast<int>(own.size())))];
        if (std::find(m.uses.begin(), m.uses.end(), e) == m.uses.end()) m.uses.push_back(e);
      }
      if (c.chance(50)) m.registers = freshPoint(c, spec);
    }
    pickDeps(c, spec, n, false, c.below(3), m.deps);
    spec.modules.push_back(m);
  }
  return spec;
}

/// The spec in words, to read when a case fails: `rigging_graph_fuzzer -runs=1 <input>` or the seed test's
/// message.
inline std::string describe(const Spec& spec) {
  auto slots = [](const Slots& d) {
    std::string out;
    for (const int x : d.at) out += (x < 0 ? std::string("-") : std::to_string(x)) + " ";
    return out;
  };
  std::string out;
  for (std::size_t i = 0; i < spec.services.size(); ++i) {
    const auto& x = spec.services[i];
    out += "s" + std::to_string(i) + (x.root ? " root" : " plugin") + (x.multiton ? " multiton" : "") +
           (x.flipInit ? " flipInit" : "") + " explicit=" + std::to_string(x.explicitCount) +
           (x.fromLoader ? " loader" : "") + (x.refDefault ? " refDefault" : "") + " deps=[" + slots(x.deps) +
           "]" + (x.throws ? " throws" : "") +
           (x.hasContext ? " context=" + std::to_string(x.contextDep) : "") +
           (x.contextThrows ? " contextThrows" : "") +
           (x.decorated ? " decorated=[" + slots(x.decoratorDeps) + "]" : "") +
           (x.decoratorThrows ? " decoratorThrows" : "") + "\n";
  }
  for (const auto& p : spec.plugins) {
    out += "plugin p" + std::to_string(p.id) + " deps=[" + slots(p.deps) +
           "] registers=" + std::to_string(p.registers) + (p.registerThrows ? " registerThrows" : "") +
           (p.initThrows ? " initThrows" : "") + "\n";
  }
  for (const auto& m : spec.modules) {
    out += "module p" + std::to_string(m.plugin) + "/m" + std::to_string(m.id) + " deps=[" + slots(m.deps) +
           "] registers=" + std::to_string(m.registers) + " uses=" + std::to_string(m.uses.size()) +
           (m.registerThrows ? " registerThrows" : "") + (m.initThrows ? " initThrows" : "") + "\n";
  }
  out += "extension points " + std::to_string(spec.extensionPoints) + (spec.loader ? ", loader" : "") +
         (spec.baseThrows ? " baseThrows" : "") + (spec.loaderThrows ? " loaderThrows" : "") + "\n";
  return out;
}

// ---- the reference model ----

struct ExpectedModule {
  std::string id;
  StartupStatus status;
  bool operator==(const ExpectedModule&) const = default;
};
struct ExpectedPlugin {
  std::string id;
  StartupStatus status;
  std::vector<ExpectedModule> modules;  // sorted by id
  bool operator==(const ExpectedPlugin&) const = default;
};

struct Model {
  enum class Outcome { started, baseFailed, loaderFailed, invalid, rootFailed, startupFailed };
  Outcome outcome = Outcome::started;
  std::multiset<std::pair<Problem::Kind, std::vector<std::string>>> problems;  // all but cycles
  std::set<std::string> cyclic;                                                // services on a cycle
  std::map<std::string, std::set<std::string>> cyclicModules;                  // per plugin
  std::vector<std::vector<int>> edges;                                         // per service
  std::set<int> known;
  std::vector<int> factories;  // effective factory count per service
  std::set<std::string> rootFailures;
  std::vector<ExpectedPlugin> plugins;                         // as the startup result lists them
  std::map<std::string, std::set<std::string>> allowedCauses;  // "plugin" or "plugin/module" -> who may fail
  std::set<std::string> hooked;                                // plugins whose init ran and added its hooks
  std::set<std::string> started;  // plugins whose init returned: their startup hooks ran
  std::vector<std::pair<std::string, std::string>> moduleEdges;  // "p/consumer" runs before "p/registrar"
};

namespace model {

inline void addEdges(const Spec& spec, const std::vector<int>& factories, int s, std::vector<int>& out) {
  const auto& svc = spec.services[static_cast<std::size_t>(s)];
  auto add = [&out](int d) {
    if (d >= 0 && std::find(out.begin(), out.end(), d) == out.end()) out.push_back(d);
  };
  if (factories[static_cast<std::size_t>(s)] > 0) {
    for (const int d : svc.deps.at) add(d);
    if (svc.hasContext) add(svc.contextDep);
  }
  if (svc.decorated) {
    for (const int d : svc.decoratorDeps.at) add(d);
  }
}

// Whether `to` can be reached from `from` in one step or more.
inline bool reaches(const std::vector<std::vector<int>>& edges, int from, int to) {
  std::vector<char> seen(edges.size(), 0);
  std::vector<int> todo(edges[static_cast<std::size_t>(from)]);
  while (!todo.empty()) {
    const int v = todo.back();
    todo.pop_back();
    if (v == to) return true;
    if (seen[static_cast<std::size_t>(v)]) continue;
    seen[static_cast<std::size_t>(v)] = 1;
    for (const int w : edges[static_cast<std::size_t>(v)]) todo.push_back(w);
  }
  return false;
}

// Everything `from` needs, itself included.
inline std::set<int> closure(const std::vector<std::vector<int>>& edges, const std::vector<int>& from) {
  std::set<int> out;
  std::vector<int> todo(from);
  while (!todo.empty()) {
    const int v = todo.back();
    todo.pop_back();
    if (!out.insert(v).second) continue;
    for (const int w : edges[static_cast<std::size_t>(v)]) todo.push_back(w);
  }
  return out;
}

}  // namespace model

inline Model expect(const Spec& spec) {
  Model m;
  const int n = static_cast<int>(spec.services.size());
  if (spec.loader && spec.baseThrows) {
    m.outcome = Model::Outcome::baseFailed;
    return m;
  }
  if (spec.loader && spec.loaderThrows) {
    m.outcome = Model::Outcome::loaderFailed;
    return m;
  }
  auto svc = [&spec](int s) -> const ServiceSpec& { return spec.services[static_cast<std::size_t>(s)]; };

  // Factories: explicit ones win over the loader's, which win over the ref's default; a multiton keeps the
  // explicit ones and the loader's (as in Backstage).
  for (int s = 0; s < n; ++s) {
    const auto& x = svc(s);
    int count = 0;
    if (x.explicitCount > 0) {
      count = x.multiton ? x.explicitCount + (x.fromLoader && spec.loader ? 1 : 0) : 1;
      if (!x.multiton && x.explicitCount > 1)
        m.problems.insert({Problem::Kind::duplicate_factory, {serviceId(s)}});
    } else if (x.fromLoader && spec.loader) {
      count = 1;
    } else if (x.refDefault) {
      count = 1;
    }
    m.factories.push_back(count);
  }
  m.edges.resize(static_cast<std::size_t>(n));
  for (int s = 0; s < n; ++s) model::addEdges(spec, m.factories, s, m.edges[static_cast<std::size_t>(s)]);

  // Plugins and modules as registered: first of each id wins; a throwing register callback registers nothing.
  std::map<int, bool> pluginRegistered;  // present plugin id -> registered its init
  std::vector<int> acceptedPlugins;      // indices into spec.plugins
  std::set<int> duplicatePluginReported;
  std::map<int, std::pair<std::string, std::string>> owner;  // extension point -> (plugin, module or "")
  auto registerPoint = [&](int e, const std::string& plugin, const std::string& module) {
    if (e < 0) return;
    if (owner.count(e) != 0) {
      m.problems.insert({Problem::Kind::extension_point_misuse, {pointId(e)}});
      return;
    }
    owner[e] = {plugin, module};
  };
  for (std::size_t i = 0; i < spec.plugins.size(); ++i) {
    const auto& p = spec.plugins[i];
    if (pluginRegistered.count(p.id) != 0) {
      if (duplicatePluginReported.insert(p.id).second)
        m.problems.insert({Problem::Kind::duplicate_plugin, {pluginId(p.id)}});
      continue;
    }
    acceptedPlugins.push_back(static_cast<int>(i));
    pluginRegistered[p.id] = !p.registerThrows;
    if (p.registerThrows) {
      m.problems.insert({Problem::Kind::invalid_registration, {pluginId(p.id)}});
      continue;
    }
    registerPoint(p.registers, pluginId(p.id), "");
  }
  std::vector<int> accepted;  // modules
  std::set<std::pair<int, int>> seenModules;
  std::vector<int> absentOrder;  // plugin ids known only from modules, in the order first seen
  for (std::size_t i = 0; i < spec.modules.size(); ++i) {
    const auto& mod = spec.modules[i];
    if (pluginRegistered.count(mod.plugin) == 0 &&
        std::find(absentOrder.begin(), absentOrder.end(), mod.plugin) == absentOrder.end())
      absentOrder.push_back(mod.plugin);
    if (!seenModules.insert({mod.plugin, mod.id}).second) {
      const std::pair<Problem::Kind, std::vector<std::string>> problem{
          Problem::Kind::duplicate_module, {pluginId(mod.plugin), moduleId(mod.id)}};
      if (m.problems.count(problem) == 0) m.problems.insert(problem);  // once per pair, however often added
      continue;
    }
    accepted.push_back(static_cast<int>(i));
    if (mod.registerThrows) {
      m.problems.insert({Problem::Kind::invalid_registration, {pluginId(mod.plugin), moduleId(mod.id)}});
      continue;
    }
    registerPoint(mod.registers, pluginId(mod.plugin), moduleId(mod.id));
  }
  auto runnable = [&](int i) {
    const auto& mod = spec.modules[static_cast<std::size_t>(i)];
    return !mod.registerThrows && pluginRegistered.count(mod.plugin) != 0;
  };
  for (const int i : accepted) {
    if (!runnable(i)) continue;
    const auto& mod = spec.modules[static_cast<std::size_t>(i)];
    for (const int e : mod.uses) {
      const auto found = owner.find(e);
      if (found == owner.end()) {
        m.problems.insert({Problem::Kind::extension_point_missing, {pointId(e)}});
      } else if (found->second.first != pluginId(mod.plugin)) {
        m.problems.insert(
            {Problem::Kind::extension_point_misuse, {pointId(e), found->second.first, pluginId(mod.plugin)}});
      }
    }
  }

  // Module cycles: a module that uses an extension point waits for nothing; its registrar waits for it.
  for (const auto& [plugin, registered] : pluginRegistered) {
    std::vector<int> mods;
    for (const int i : accepted) {
      if (runnable(i) && spec.modules[static_cast<std::size_t>(i)].plugin == plugin) mods.push_back(i);
    }
    std::vector<std::vector<int>> uses(spec.modules.size());
    for (const int i : mods) {
      for (const int e : spec.modules[static_cast<std::size_t>(i)].uses) {
        const auto found = owner.find(e);
        if (found == owner.end() || found->second.first != pluginId(plugin) || found->second.second.empty())
          continue;
        for (const int j : mods) {
          if (j != i && moduleId(spec.modules[static_cast<std::size_t>(j)].id) == found->second.second) {
            uses[static_cast<std::size_t>(i)].push_back(j);
            m.moduleEdges.emplace_back(
                pluginId(plugin) + "/" + moduleId(spec.modules[static_cast<std::size_t>(i)].id),
                pluginId(plugin) + "/" + found->second.second);
          }
        }
      }
    }
    for (const int i : mods) {
      if (model::reaches(uses, i, i))
        m.cyclicModules[pluginId(plugin)].insert(moduleId(spec.modules[static_cast<std::size_t>(i)].id));
    }
  }

  // The services the backend knows: those with a factory or decorator record, and everything they or a
  // running init need.
  std::vector<int> from;
  for (int s = 0; s < n; ++s) {
    const auto& x = svc(s);
    if (x.explicitCount > 0 || (x.fromLoader && spec.loader) || x.decorated) from.push_back(s);
  }
  std::vector<int> initUsers;  // services some init needs
  for (const int i : acceptedPlugins) {
    const auto& p = spec.plugins[static_cast<std::size_t>(i)];
    if (!p.registerThrows)
      for (const int d : p.deps.used()) initUsers.push_back(d);
  }
  for (const int i : accepted) {
    if (runnable(i))
      for (const int d : spec.modules[static_cast<std::size_t>(i)].deps.used()) initUsers.push_back(d);
  }
  from.insert(from.end(), initUsers.begin(), initUsers.end());
  m.known = model::closure(m.edges, from);
  for (const int s : m.known) {
    const auto& x = svc(s);
    if (m.factories[static_cast<std::size_t>(s)] > 0 || (x.multiton && !x.decorated)) continue;
    bool needed = std::find(initUsers.begin(), initUsers.end(), s) != initUsers.end();
    for (const int t : m.known) {
      const auto& e = m.edges[static_cast<std::size_t>(t)];
      needed = needed || std::find(e.begin(), e.end(), s) != e.end();
    }
    m.problems.insert({needed ? Problem::Kind::missing_dependency : Problem::Kind::decorator_without_service,
                       {serviceId(s)}});
  }
  for (const int s : m.known) {
    if (model::reaches(m.edges, s, s)) m.cyclic.insert(serviceId(s));
  }
  if (!m.problems.empty() || !m.cyclic.empty() || !m.cyclicModules.empty()) {
    m.outcome = Model::Outcome::invalid;
    return m;
  }

  // Start-up: who throws, and what each phase needs.
  std::set<int> throwers;
  for (const int s : m.known) {
    const auto& x = svc(s);
    if ((m.factories[static_cast<std::size_t>(s)] > 0 && (x.throws || (x.hasContext && x.contextThrows))) ||
        (x.decorated && x.decoratorThrows))
      throwers.insert(s);
  }
  auto failing = [&](const std::vector<int>& needs) {
    std::set<std::string> out;
    for (const int s : model::closure(m.edges, needs)) {
      if (throwers.count(s) != 0) out.insert(serviceId(s));
    }
    return out;
  };
  std::vector<int> eagerRoot, eagerPlugin;
  for (const int s : m.known) {
    const auto& x = svc(s);
    if (m.factories[static_cast<std::size_t>(s)] == 0) continue;
    if (x.root && !x.flipInit) eagerRoot.push_back(s);
    if (!x.root && x.flipInit) eagerPlugin.push_back(s);
  }
  m.rootFailures = failing(eagerRoot);
  if (!m.rootFailures.empty()) {
    m.outcome = Model::Outcome::rootFailed;
    return m;
  }
  bool abort = false;
  const auto eagerFailures = failing(eagerPlugin);
  for (const int i : acceptedPlugins) {
    const auto& p = spec.plugins[static_cast<std::size_t>(i)];
    ExpectedPlugin result{pluginId(p.id), StartupStatus::ok, {}};
    const bool ready = eagerFailures.empty();
    for (const int j : accepted) {
      const auto& mod = spec.modules[static_cast<std::size_t>(j)];
      if (!runnable(j) || mod.plugin != p.id) continue;
      auto status = StartupStatus::skipped;
      if (ready) {
        const auto causes = failing(mod.deps.used());
        status = causes.empty() && !mod.initThrows ? StartupStatus::ok : StartupStatus::failed;
        m.allowedCauses[result.id + "/" + moduleId(mod.id)] = causes;
        // The plugin's 'continue' permits its modules' failures too (Backstage).
        if (status == StartupStatus::failed && !mod.continueOnFailure && !p.continueOnFailure) abort = true;
      }
      result.modules.push_back({moduleId(mod.id), status});
    }
    if (ready) {
      const auto causes = failing(p.deps.used());
      if (causes.empty()) m.hooked.insert(result.id);
      if (causes.empty() && !p.initThrows) m.started.insert(result.id);
      if (!causes.empty() || p.initThrows) result.status = StartupStatus::failed;
      m.allowedCauses[result.id] = causes;
    } else {
      result.status = StartupStatus::failed;
      m.allowedCauses[result.id] = eagerFailures;
    }
    if (result.status == StartupStatus::failed && !p.continueOnFailure) abort = true;
    std::sort(result.modules.begin(), result.modules.end(),
              [](const ExpectedModule& a, const ExpectedModule& b) { return a.id < b.id; });
    m.plugins.push_back(std::move(result));
  }
  for (const int plugin : absentOrder) {
    ExpectedPlugin result{pluginId(plugin), StartupStatus::skipped, {}};
    for (const int j : accepted) {
      const auto& mod = spec.modules[static_cast<std::size_t>(j)];
      if (mod.plugin == plugin) result.modules.push_back({moduleId(mod.id), StartupStatus::skipped});
    }
    std::sort(result.modules.begin(), result.modules.end(),
              [](const ExpectedModule& a, const ExpectedModule& b) { return a.id < b.id; });
    m.plugins.push_back(std::move(result));
  }
  m.outcome = abort ? Model::Outcome::startupFailed : Model::Outcome::started;
  return m;
}

// ---- the run: the backend built from the spec, with every instance tracked ----

class Run;

/// `d` with `more` appended.
template <class... Refs, class... More>
auto plus(const Deps<Refs...>& d, const More&... more) {
  return std::apply([&](const auto&... refs) { return deps(refs..., more...); }, d.refs());
}

/// Every service instance (and root context) of the harness; knows who it is and tells the run when it dies.
struct Node {
  Node(Run* owner, int service, std::string plugin, int decorations);
  Node(const Node&) = delete;
  Node& operator=(const Node&) = delete;
  ~Node();
  Run* run;
  int service;  // -1 root padding, -2 plugin padding, -3 the loader's base service
  std::string plugin;
  int decorations;
  long token;
};

struct Sink {
  virtual ~Sink() = default;
};

using R = ServiceRef<Node, RootScope>;
using P = ServiceRef<Node>;
using RM = ServiceRef<Node, RootScope, Multiton>;
using PM = ServiceRef<Node, PluginScope, Multiton>;
using Range = ServiceRange<Node>;

/// What the runs of a batch did, for the figures printed by the seed test and docs/reliability.md.
struct Stats {
  long cases = 0;
  long instances = 0;
  long faults = 0;  // throwing factories, contexts, decorators, inits, register callbacks, hooks, loaders
  std::map<std::string, long> outcomes;
};

class Run {
 public:
  Run(const Spec& spec, const Model& model) : spec_(spec), model_(model) {}

  void fail(const std::string& what) {
    if (error.empty()) error = what;
  }

  std::unique_ptr<Node> make(int s, std::string plugin, int decorations) {
    ++created;
    return std::make_unique<Node>(this, s, std::move(plugin), decorations);
  }

  Backend build() {
    auto backend = createBackend();
    backend.add(rootLoggerServiceFactory({LogFormat::text, LogLevel::error, [](std::string_view) {}}));
    backend.add(rootConfigServiceFactory({.data = policy(), .environment = false, .context = "fuzz"}));
    const int n = static_cast<int>(spec_.services.size());
    for (int s = 0; s < n; ++s) declare(s);
    backend.add(createServiceFactory(rootPad_, deps(), [this] { return make(-1, "", 0); }));
    backend.add(createServiceFactory(
        pluginPad_, deps(coreServices::pluginMetadata),
        [this](PluginMetadataService& m) { return make(-2, std::string(m.getId()), 0); }));
    for (int s = 0; s < n; ++s) {
      const auto& x = svc(s);
      for (int k = 0; k < x.explicitCount; ++k) addFactory(backend, s);
      if (x.decorated) addDecorator(backend, s);
    }
    for (std::size_t i = 0; i < spec_.plugins.size(); ++i) addPlugin(backend, i);
    for (std::size_t i = 0; i < spec_.modules.size(); ++i) addModule(backend, i);
    if (spec_.loader) addLoader(backend);
    return backend;
  }

  std::string error;
  long created = 0;
  std::set<long> alive;
  long nextToken = 0;
  std::vector<std::string> inits;  // "p" or "p/m", in the order they ran
  std::map<std::string, int> hooksRan, startupHooksRan;
  std::set<std::string> hooksAdded;

  // Checks what a factory, decorator or init was given: each dependency alive, the right service, for the
  // right plugin, decorated if it has a decorator, and a multiton with one instance per factory.
  void checkSlots(const std::string& who, const std::string& plugin, const Slots& slots,
                  std::array<const Node*, 4> singles, const Range* rootMany, const Range* pluginMany) {
    for (std::size_t i = 0; i < 4; ++i) {
      const Node* got = singles[i];
      if (got == nullptr) continue;
      const bool root = i < 2;
      const int want = slots.at[i];
      checkNode(who, got, want < 0 ? (root ? -1 : -2) : want, root ? std::string() : plugin,
                want < 0 ? 0 : (svc(want).decorated ? 1 : 0));
    }
    const Range* ranges[] = {rootMany, pluginMany};
    for (std::size_t i = 0; i < 2; ++i) {
      if (ranges[i] == nullptr) continue;
      const int want = slots.at[Slots::rm + i];
      const auto count = want < 0 ? 0 : model_.factories[static_cast<std::size_t>(want)];
      if (ranges[i]->size() != static_cast<std::size_t>(count)) {
        fail(who + " got " + std::to_string(ranges[i]->size()) + " instances of multiton " + serviceId(want) +
             ", expected " + std::to_string(count));
      }
      for (const Node& node : *ranges[i]) checkNode(who, &node, want, i == 0 ? std::string() : plugin, 0);
    }
  }

 private:
  friend struct Node;

  const ServiceSpec& svc(int s) const { return spec_.services[static_cast<std::size_t>(s)]; }

  void checkNode(const std::string& who, const Node* got, int service, const std::string& plugin,
                 int decorations) {
    if (alive.count(got->token) == 0) {
      fail(who + " was given a destroyed instance");
    } else if (got->service != service || got->plugin != plugin || got->decorations != decorations) {
      fail(who + " was given service " + std::to_string(got->service) + " for '" + got->plugin + "' (" +
           std::to_string(got->decorations) + " decorations), expected " + std::to_string(service) +
           " for '" + plugin + "' (" + std::to_string(decorations) + ")");
    }
  }

  ConfigObject policy() const {
    std::map<std::string, ConfigObject> plugins;
    for (const auto& p : spec_.plugins)
      plugins[pluginId(p.id)] = {{"onPluginBootFailure", p.continueOnFailure ? "continue" : "abort"}};
    std::map<std::string, ConfigObject> modules;
    for (const auto& m : spec_.modules) {
      modules[pluginId(m.plugin)].push_back(
          {moduleId(m.id),
           ConfigObject{{"onPluginModuleBootFailure", m.continueOnFailure ? "continue" : "abort"}}});
    }
    ConfigObject all;
    for (auto& [id, entries] : modules) plugins[id].push_back({"modules", std::move(entries)});
    for (auto& [id, entries] : plugins) all.push_back({id, std::move(entries)});
    return ConfigObject{{"backend", ConfigObject{{"startup", ConfigObject{{"plugins", std::move(all)}}}}}};
  }

  void declare(int s) {
    const auto& x = svc(s);
    const auto id = serviceId(s);
    auto defaults = [this, s](auto service) { return factoryFor(service, s); };
    if (x.root && !x.multiton) {
      r_.insert_or_assign(s, x.refDefault ? createServiceRef<Node, RootScope>(id, defaults)
                                          : createServiceRef<Node, RootScope>(id));
    } else if (x.root) {
      rm_.insert_or_assign(s, x.refDefault ? createServiceRef<Node, RootScope>(id, multiton, defaults)
                                           : createServiceRef<Node, RootScope>(id, multiton));
    } else if (!x.multiton) {
      p_.insert_or_assign(s,
                          x.refDefault ? createServiceRef<Node>(id, defaults) : createServiceRef<Node>(id));
    } else {
      pm_.insert_or_assign(s, x.refDefault ? createServiceRef<Node>(id, multiton, defaults)
                                           : createServiceRef<Node>(id, multiton));
    }
  }

  const ExtensionPoint<Sink>& point(int e) const { return points_.at(static_cast<std::size_t>(e)); }
  const R& rootRef(int s) const { return s < 0 ? rootPad_ : r_.at(s); }
  const P& pluginRef(int s) const { return s < 0 ? pluginPad_ : p_.at(s); }
  const RM& rootManyRef(int s) const { return s < 0 ? rootManyPad_ : rm_.at(s); }
  const PM& pluginManyRef(int s) const { return s < 0 ? pluginManyPad_ : pm_.at(s); }

  std::unique_ptr<Node> produce(int s, const std::string& plugin) {
    if (svc(s).throws) throw std::runtime_error("fuzz: factory of " + serviceId(s) + " threw");
    return make(s, plugin, 0);
  }

  template <class Ref>
  auto factoryFor(const Ref& ref, int s) {
    const auto& x = svc(s);
    const Slots& d = x.deps;
    std::optional<Initialization> init;
    if (x.flipInit) init = Ref::is_root ? Initialization::lazy : Initialization::always;
    if constexpr (Ref::is_root) {
      return createServiceFactory(
          ref, deps(rootRef(d.at[Slots::r0]), rootRef(d.at[Slots::r1]), rootManyRef(d.at[Slots::rm])),
          [this, s](Node& a, Node& b, Range many) {
            checkSlots("the factory of " + serviceId(s), "", svc(s).deps, {&a, &b, nullptr, nullptr}, &many,
                       nullptr);
            return produce(s, "");
          },
          init);
    } else {
      const auto pluginDeps =
          deps(coreServices::pluginMetadata, rootRef(d.at[Slots::r0]), rootRef(d.at[Slots::r1]),
               pluginRef(d.at[Slots::p0]), pluginRef(d.at[Slots::p1]), rootManyRef(d.at[Slots::rm]),
               pluginManyRef(d.at[Slots::pm]));
      auto body = [this, s](PluginMetadataService& meta, Node& a, Node& b, Node& c, Node& e, Range rm,
                            Range pm) {
        const std::string plugin(meta.getId());
        checkSlots("the factory of " + serviceId(s) + " for " + plugin, plugin, svc(s).deps, {&a, &b, &c, &e},
                   &rm, &pm);
        return produce(s, plugin);
      };
      if (!x.hasContext) return createServiceFactory(ref, pluginDeps, body, init);
      return createServiceFactory(
          ref, pluginDeps,
          rootContext(deps(rootRef(x.contextDep)),
                      [this, s](Node& dep) {
                        checkNode("the root context of " + serviceId(s), &dep,
                                  svc(s).contextDep < 0 ? -1 : svc(s).contextDep, "",
                                  svc(s).contextDep < 0 ? 0 : (svc(svc(s).contextDep).decorated ? 1 : 0));
                        if (svc(s).contextThrows)
                          throw std::runtime_error("fuzz: root context of " + serviceId(s) + " threw");
                        return make(s, "#context", 0);
                      }),
          [this, s, body](Node& context, PluginMetadataService& meta, Node& a, Node& b, Node& c, Node& e,
                          Range rm, Range pm) {
            checkNode("the factory of " + serviceId(s), &context, s, "#context", 0);
            return body(meta, a, b, c, e, rm, pm);
          },
          init);
    }
  }

  void addFactory(Backend& backend, int s) {
    const auto& x = svc(s);
    if (x.root && !x.multiton) backend.add(factoryFor(r_.at(s), s));
    if (x.root && x.multiton) backend.add(factoryFor(rm_.at(s), s));
    if (!x.root && !x.multiton) backend.add(factoryFor(p_.at(s), s));
    if (!x.root && x.multiton) backend.add(factoryFor(pm_.at(s), s));
  }

  std::unique_ptr<Node> decorate(int s, const Node& inner, const std::string& plugin) {
    checkNode("the decorator of " + serviceId(s), &inner, s, plugin, 0);
    if (svc(s).decoratorThrows) throw std::runtime_error("fuzz: decorator of " + serviceId(s) + " threw");
    return make(s, plugin, 1);
  }

  void addDecorator(Backend& backend, int s) {
    const Slots& d = svc(s).decoratorDeps;
    if (svc(s).root) {
      backend.add(
          createServiceDecorator(r_.at(s), deps(rootRef(d.at[Slots::r0])), [this, s](Node& inner, Node& a) {
            checkSlots("the decorator of " + serviceId(s), "", svc(s).decoratorDeps,
                       {&a, nullptr, nullptr, nullptr}, nullptr, nullptr);
            return decorate(s, inner, "");
          }));
    } else {
      backend.add(createServiceDecorator(
          p_.at(s), deps(coreServices::pluginMetadata, rootRef(d.at[Slots::r0]), pluginRef(d.at[Slots::p0])),
          [this, s](Node& inner, PluginMetadataService& meta, Node& a, Node& c) {
            const std::string plugin(meta.getId());
            checkSlots("the decorator of " + serviceId(s), plugin, svc(s).decoratorDeps,
                       {&a, nullptr, &c, nullptr}, nullptr, nullptr);
            return decorate(s, inner, plugin);
          }));
    }
  }

  // The deps every init takes, and the check of what it got.
  auto initDeps(const Slots& d) const {
    return deps(coreServices::pluginMetadata, rootRef(d.at[Slots::r0]), rootRef(d.at[Slots::r1]),
                pluginRef(d.at[Slots::p0]), pluginRef(d.at[Slots::p1]), rootManyRef(d.at[Slots::rm]),
                pluginManyRef(d.at[Slots::pm]));
  }

  void ranInit(const std::string& who, const Slots& slots, PluginMetadataService& meta,
               std::array<const Node*, 4> singles, const Range& rm, const Range& pm, bool throws) {
    const std::string plugin(meta.getId());
    if (who.rfind(plugin, 0) != 0) fail("the init of " + who + " was given the metadata of " + plugin);
    checkSlots("the init of " + who, plugin, slots, singles, &rm, &pm);
    inits.push_back(who);
    if (throws) throw std::runtime_error("fuzz: init of " + who + " threw");
  }

  void addPlugin(Backend& backend, std::size_t i) {
    const auto& p = spec_.plugins[i];
    backend.add(createBackendPlugin(pluginId(p.id), [this, i](PluginRegistrationPoints& env) {
      const auto& spec = spec_.plugins[i];
      if (spec.registerThrows) throw std::runtime_error("fuzz: register of " + pluginId(spec.id) + " threw");
      if (spec.registers >= 0) env.registerExtensionPoint(point(spec.registers), std::make_shared<Sink>());
      env.registerInit(plus(initDeps(spec.deps), coreServices::lifecycle),
                       [this, i](PluginMetadataService& meta, Node& a, Node& b, Node& c, Node& e, Range rm,
                                 Range pm, LifecycleService& lifecycle) {
                         const auto& me = spec_.plugins[i];
                         const std::string id = pluginId(me.id);
                         hooksAdded.insert(id);
                         lifecycle.addShutdownHook([this, id, throws = me.hookThrows] {
                           ++hooksRan[id];
                           if (throws) throw std::runtime_error("fuzz: shutdown hook of " + id + " threw");
                         });
                         lifecycle.addStartupHook([this, id, throws = me.startupHookThrows] {
                           ++startupHooksRan[id];
                           if (throws) throw std::runtime_error("fuzz: startup hook of " + id + " threw");
                         });
                         ranInit(id, me.deps, meta, {&a, &b, &c, &e}, rm, pm, me.initThrows);
                       });
    }));
  }

  void addModule(Backend& backend, std::size_t i) {
    const auto& m = spec_.modules[i];
    backend.add(
        createBackendModule(pluginId(m.plugin), moduleId(m.id), [this, i](ModuleRegistrationPoints& env) {
          const auto& spec = spec_.modules[i];
          const std::string who = pluginId(spec.plugin) + "/" + moduleId(spec.id);
          if (spec.registerThrows) throw std::runtime_error("fuzz: register of " + who + " threw");
          if (spec.registers >= 0)
            env.registerExtensionPoint(point(spec.registers), std::make_shared<Sink>());
          auto run = [this, i, who](PluginMetadataService& meta, Node& a, Node& b, Node& c, Node& e, Range rm,
                                    Range pm) {
            const auto& me = spec_.modules[i];
            ranInit(who, me.deps, meta, {&a, &b, &c, &e}, rm, pm, me.initThrows);
          };
          const auto base = initDeps(spec.deps);
          if (spec.uses.empty()) {
            env.registerInit(base, run);
          } else if (spec.uses.size() == 1) {
            env.registerInit(plus(base, point(spec.uses[0])),
                             [run](PluginMetadataService& meta, Node& a, Node& b, Node& c, Node& e, Range rm,
                                   Range pm, Sink&) { run(meta, a, b, c, e, rm, pm); });
          } else {
            env.registerInit(plus(base, point(spec.uses[0]), point(spec.uses[1])),
                             [run](PluginMetadataService& meta, Node& a, Node& b, Node& c, Node& e, Range rm,
                                   Range pm, Sink&, Sink&) { run(meta, a, b, c, e, rm, pm); });
          }
        }));
  }

  void addLoader(Backend& backend) {
    std::vector<BackendFeature> features;
    for (int s = 0; s < static_cast<int>(spec_.services.size()); ++s) {
      if (!svc(s).fromLoader) continue;
      const auto& x = svc(s);
      if (x.root && !x.multiton) features.emplace_back(factoryFor(r_.at(s), s));
      if (x.root && x.multiton) features.emplace_back(factoryFor(rm_.at(s), s));
      if (!x.root && !x.multiton) features.emplace_back(factoryFor(p_.at(s), s));
      if (!x.root && x.multiton) features.emplace_back(factoryFor(pm_.at(s), s));
    }
    backend.add(createServiceFactory(base_, deps(), [this] {
      if (spec_.baseThrows) throw std::runtime_error("fuzz: factory of f.base threw");
      return make(-3, "", 0);
    }));
    backend.add(createBackendFeatureLoader(deps(base_), [this, features](Node& base) {
      checkNode("the feature loader", &base, -3, "", 0);
      if (spec_.loaderThrows) throw std::runtime_error("fuzz: the loader threw");
      return features;
    }));
  }

  const Spec& spec_;
  const Model& model_;
  std::map<int, R> r_;
  std::map<int, P> p_;
  std::map<int, RM> rm_;
  std::map<int, PM> pm_;
  R rootPad_ = createServiceRef<Node, RootScope>("f.rootPad");
  P pluginPad_ = createServiceRef<Node>("f.pluginPad");
  RM rootManyPad_ = createServiceRef<Node, RootScope>("f.rootMany", multiton);
  PM pluginManyPad_ = createServiceRef<Node>("f.pluginMany", multiton);
  R base_ = createServiceRef<Node, RootScope>("f.base");
  std::vector<ExtensionPoint<Sink>> points_ = [this] {
    std::vector<ExtensionPoint<Sink>> out;
    for (int e = 0; e < spec_.extensionPoints; ++e) out.push_back(createExtensionPoint<Sink>(pointId(e)));
    return out;
  }();
};

inline Node::Node(Run* owner, int s, std::string p, int d)
    : run(owner), service(s), plugin(std::move(p)), decorations(d), token(owner->nextToken++) {
  run->alive.insert(token);
}

inline Node::~Node() {
  if (run->alive.erase(token) == 0)
    run->fail("an instance of service " + std::to_string(service) + " was destroyed twice");
}

// ---- comparing what happened with the model ----

namespace check {

inline std::string join(const std::vector<std::string>& ids) {
  std::string out;
  for (const auto& id : ids) out += (out.empty() ? "" : ",") + id;
  return out;
}

inline int indexOf(const std::string& id) { return id.rfind("f.s", 0) == 0 ? std::stoi(id.substr(3)) : -1; }

inline std::string message(const std::exception_ptr& error) { return detail::describe(error); }

// A ServiceFactoryError for one of `candidates`, whose nested cause is the fault of that service; else why
// not.
inline std::string factoryError(const std::exception_ptr& error, const std::set<std::string>& candidates) {
  try {
    std::rethrow_exception(error);
  } catch (const ServiceFactoryError& e) {
    if (e.code() != ErrorCode::factory_threw) return "a ServiceFactoryError without factory_threw";
    if (candidates.count(e.serviceId()) == 0)
      return "service " + e.serviceId() + " failed, not one that throws";
    if (e.chain().empty() || e.chain().back() != e.serviceId())
      return "a chain that does not end at the failure";
    const std::string cause = message(e.nested_ptr());
    for (const char* what : {"factory", "root context", "decorator"}) {
      if (cause == std::string("fuzz: ") + what + " of " + e.serviceId() + " threw") return {};
    }
    return "a nested cause '" + cause + "' that is not the fault of " + e.serviceId();
  } catch (...) {
    return "'" + message(std::current_exception()) + "' instead of a ServiceFactoryError";
  }
}

inline std::vector<ExpectedPlugin> resultOf(const StartupResult& result) {
  std::vector<ExpectedPlugin> out;
  for (const auto& p : result.plugins) {
    ExpectedPlugin plugin{p.pluginId, p.status, {}};
    for (const auto& m : p.modules) plugin.modules.push_back({m.moduleId, m.status});
    std::sort(plugin.modules.begin(), plugin.modules.end(),
              [](const ExpectedModule& a, const ExpectedModule& b) { return a.id < b.id; });
    out.push_back(std::move(plugin));
  }
  return out;
}

inline std::string describe(const std::vector<ExpectedPlugin>& plugins) {
  std::string out;
  for (const auto& p : plugins) {
    out += " " + p.id + ":" + std::to_string(static_cast<int>(p.status)) + "[";
    for (const auto& m : p.modules) out += m.id + ":" + std::to_string(static_cast<int>(m.status)) + " ";
    out += "]";
  }
  return out;
}

// The start-up result: every plugin and module with the model's status, each failure with the model's cause.
inline std::string startupResult(const StartupResult& result, const Model& model) {
  const auto got = resultOf(result);
  if (got != model.plugins) return "start-up result" + describe(got) + ", expected" + describe(model.plugins);
  auto cause = [&](const std::string& who, const std::optional<StartupFailure>& failure) -> std::string {
    if (!failure) return {};
    const auto& causes = model.allowedCauses.at(who);
    if (!causes.empty()) {
      const auto why = factoryError(failure->error, causes);
      return why.empty() ? why : who + " failed with " + why;
    }
    const auto text = message(failure->error);
    return text == "fuzz: init of " + who + " threw" ? std::string() : who + " failed with '" + text + "'";
  };
  for (const auto& p : result.plugins) {
    for (const auto& m : p.modules) {
      if (auto why = cause(p.pluginId + "/" + m.moduleId, m.failure); !why.empty()) return why;
    }
    if (auto why = cause(p.pluginId, p.failure); !why.empty()) return why;
  }
  return {};
}

// The validation problems: the model's, kinds and ids; each cycle a path of real edges, every cyclic node
// named.
inline std::string problems(const std::vector<Problem>& got, const Model& model) {
  std::multiset<std::pair<Problem::Kind, std::vector<std::string>>> plain;
  std::set<std::string> cyclic, cyclicModules, expectedModules;
  for (const auto& [plugin, modules] : model.cyclicModules)
    expectedModules.insert(modules.begin(), modules.end());
  for (const auto& p : got) {
    if (p.kind != Problem::Kind::circular_dependency && p.kind != Problem::Kind::module_cycle) {
      plain.insert({p.kind, p.ids});
      continue;
    }
    if (p.ids.size() < 2 || p.ids.front() != p.ids.back())
      return "a cycle that is not closed: " + join(p.ids);
    for (std::size_t i = 0; i + 1 < p.ids.size(); ++i) {
      if (p.kind == Problem::Kind::module_cycle) {
        cyclicModules.insert(p.ids[i]);
        continue;
      }
      const int from = indexOf(p.ids[i]), to = indexOf(p.ids[i + 1]);
      if (from < 0 || to < 0) return "a cycle through a service the graph does not have: " + join(p.ids);
      const auto& edges = model.edges[static_cast<std::size_t>(from)];
      if (std::find(edges.begin(), edges.end(), to) == edges.end())
        return "a cycle with no edge " + p.ids[i] + " -> " + p.ids[i + 1];
      cyclic.insert(p.ids[i]);
    }
  }
  if (plain != model.problems) {
    std::string text = "problems differ; got:";
    for (const auto& [kind, ids] : plain)
      text += " " + std::to_string(static_cast<int>(kind)) + "{" + join(ids) + "}";
    text += "; expected:";
    for (const auto& [kind, ids] : model.problems)
      text += " " + std::to_string(static_cast<int>(kind)) + "{" + join(ids) + "}";
    return text;
  }
  if (cyclic != model.cyclic) return "the cycles name other services than the model finds on cycles";
  if (cyclicModules != expectedModules) return "the module cycles name other modules than the model finds";
  return {};
}

}  // namespace check

/// Builds the graph of `data`, starts and stops it, and returns the first way rigging disagreed with the
/// model (empty when it agreed).
inline std::string runSpec(const Spec& spec, Stats* stats = nullptr) {
  const Model model = expect(spec);
  Run run(spec, model);
  std::string outcome;
  {
    auto backend = run.build();
    std::exception_ptr error;
    try {
      backend.start();
    } catch (...) {
      error = std::current_exception();
    }
    using Outcome = Model::Outcome;
    std::string why;
    auto expectError = [&](const char* what) {
      if (!error) why = std::string("start() succeeded where the model expects ") + what;
      return static_cast<bool>(error);
    };
    switch (model.outcome) {
      case Outcome::baseFailed:
        outcome = "loader's service failed";
        if (expectError("the loader's service to fail")) why = check::factoryError(error, {"f.base"});
        break;
      case Outcome::loaderFailed:
        outcome = "loader failed";
        if (expectError("the loader to fail")) {
          try {
            std::rethrow_exception(error);
          } catch (const ServiceFactoryError&) {
            why = "a ServiceFactoryError where the loader threw";
          } catch (const Error& e) {
            const std::string_view what = e.what();
            if (e.code() != ErrorCode::factory_threw || !what.starts_with("Feature loader #1 created at '") ||
                !what.ends_with("' threw an error: fuzz: the loader threw"))
              why = std::string("the loader's error reads '") + e.what() + "'";
          } catch (...) {
            why = "'" + check::message(error) + "' where the loader threw";
          }
        }
        break;
      case Outcome::invalid:
        outcome = "invalid";
        if (expectError("validation problems")) {
          try {
            std::rethrow_exception(error);
          } catch (const ValidationError& e) {
            why = check::problems(e.problems(), model);
          } catch (...) {
            why = "'" + check::message(error) + "' instead of a ValidationError";
          }
        }
        if (why.empty() && !run.inits.empty()) why = "an init ran although validation failed";
        break;
      case Outcome::rootFailed:
        outcome = "root service failed";
        if (expectError("a root service to fail")) why = check::factoryError(error, model.rootFailures);
        break;
      case Outcome::startupFailed:
        outcome = "start-up failed";
        if (expectError("a plugin or module to fail")) {
          try {
            std::rethrow_exception(error);
          } catch (const BackendStartupError& e) {
            why = check::startupResult(e.result(), model);
          } catch (...) {
            why = "'" + check::message(error) + "' instead of a BackendStartupError";
          }
        }
        break;
      case Outcome::started:
        outcome = "started";
        if (error) {
          why = "start() threw '" + check::message(error) + "'";
        } else {
          why = check::startupResult(backend.startupResult(), model);
        }
        break;
    }
    if (!why.empty()) run.fail(why);
    if (!error && !run.hooksRan.empty()) run.fail("a shutdown hook ran before stop()");
    if (error && backend.engine().liveInstanceCount() != 0) run.fail("instances alive after start() threw");
    if (error && !run.alive.empty())
      run.fail(std::to_string(run.alive.size()) + " instances alive after start() threw");
    if (!backend.stop() && !error) {
      bool hookThrew = false;
      for (const auto& p : spec.plugins)
        hookThrew = hookThrew || (p.hookThrows && run.hooksAdded.count(pluginId(p.id)) != 0);
      if (!hookThrew) run.fail("stop() reported a failure nothing caused");
    }
    if (!run.alive.empty()) run.fail(std::to_string(run.alive.size()) + " instances alive after stop()");
    if (model.outcome == Outcome::started || model.outcome == Outcome::startupFailed) {
      if (run.hooksAdded != model.hooked)
        run.fail("the plugins whose init ran are not the ones the model expects");
      for (const auto& id : model.hooked) {
        if (run.startupHooksRan[id] != static_cast<int>(model.started.count(id)))
          run.fail("the startup hook of " + id + " ran " + std::to_string(run.startupHooksRan[id]) +
                   " times");
      }
    }
    for (const auto& id : run.hooksAdded) {
      if (run.hooksRan[id] != 1)
        run.fail("the shutdown hook of " + id + " ran " + std::to_string(run.hooksRan[id]) + " times");
    }
    // Modules before their plugin; a module that uses an extension point before the module that registers it.
    auto at = [&run](const std::string& who) {
      return std::find(run.inits.begin(), run.inits.end(), who) - run.inits.begin();
    };
    for (const auto& [consumer, registrar] : model.moduleEdges) {
      if (at(consumer) > at(registrar) && at(consumer) != static_cast<long>(run.inits.size()))
        run.fail("module " + consumer + " ran after " + registrar + ", whose extension point it uses");
    }
    for (const auto& who : run.inits) {
      const auto slash = who.find('/');
      if (slash != std::string::npos && at(who) > at(who.substr(0, slash)))
        run.fail(who + " ran after its plugin");
    }
  }
  if (stats != nullptr) {
    ++stats->cases;
    ++stats->outcomes[outcome];
    stats->instances += run.created;
    for (const auto& x : spec.services) stats->faults += x.throws + x.contextThrows + x.decoratorThrows;
    for (const auto& p : spec.plugins)
      stats->faults += p.registerThrows + p.initThrows + p.hookThrows + p.startupHookThrows;
    for (const auto& m : spec.modules) stats->faults += m.registerThrows + m.initThrows;
    stats->faults += spec.loader ? spec.baseThrows + spec.loaderThrows : 0;
  }
  return run.error;
}

/// runSpec over the graph that `data` describes.
inline std::string runCase(const std::uint8_t* data, std::size_t size, Stats* stats = nullptr) {
  Choices choices(data, size);
  const Spec spec = generate(choices);
  const std::string mismatch = runSpec(spec, stats);
  return mismatch.empty() ? mismatch : mismatch + "\n" + describe(spec);
}

}  // namespace rigging::fuzz
