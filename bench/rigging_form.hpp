// SPDX-License-Identifier: Apache-2.0
// Copyright The rigging Authors
// The rigging form of a generated graph: the refs, factories, plugins and modules of a bench::Graph table,
// made once (as a program's `inline const auto` features are), then added to a fresh backend per life.
//
// Fixed shapes keep this TU quick to compile: a factory or init is instantiated once per sequence of dep
// scopes (root-scoped deps first, at most 4), not once per service. The compile-time benchmark uses
// generated code written the way a user writes it instead (generate.py user-rigging).
//
// The factories return their Node either by value (Returns::value, the primary `rigging` form: the backend
// keeps the object in its arena, with no allocation of its own) or as std::make_unique<Node>(...)
// (Returns::unique_ptr, the `rigging-unique` form: one malloc and one delete per instance, as the
// hand-written form pays). Both make the same objects with the same deps; root contexts are values in both.
#pragma once

#include "graph.hpp"

#include <rigging/rigging.hpp>

#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace bench {

using RootRef = rigging::ServiceRef<Svc, rigging::RootScope>;
using PluginRef = rigging::ServiceRef<Svc, rigging::PluginScope>;
using MultiRef = rigging::ServiceRef<Svc, rigging::RootScope, rigging::Multiton>;

/// What the form's service factories return.
enum class Returns : std::uint8_t {
  value,       // `return Node(i, Deps{...});`: kept in the backend's arena
  unique_ptr,  // `return std::make_unique<Node>(i, Deps{...});`: a heap block per instance
};

class RiggingForm {
 public:
  explicit RiggingForm(const Graph& graph, Returns returns = Returns::value)
      : graph_(graph), returns_(returns) {
    const auto n = graph.serviceCount;
    roots_.resize(n);
    plugs_.resize(n);
    multis_.resize(n);
    for (std::uint32_t i = 0; i < n; ++i) {
      if (returns == Returns::value) {
        addService<Returns::value>(i);
      } else {
        addService<Returns::unique_ptr>(i);
      }
    }
    for (std::uint32_t p = 0; p < graph.pluginCount; ++p) addPlugin(p);
  }

  /// A backend as the benchmarks make it: the default core services, with a root logger that writes nothing.
  /// Plugin inits leave their work in `sink`.
  [[nodiscard]] rigging::Backend makeBackend(Sink& sink) const {
    sink_ = &sink;
    auto backend = rigging::createBackend();
    backend.add(quietLogger_);
    for (const auto& feature : features_) backend.add(feature);
    return backend;
  }

  /// The whole life of a backend: createBackend(), every add, start(), `afterStart`, stop().
  void life(Sink& sink, AfterStart afterStart = nullptr, void* context = nullptr) const {
    auto backend = makeBackend(sink);
    backend.start();
    if (afterStart != nullptr) afterStart(context);
    backend.stop();
  }

  /// Registration and validation only: everything start() does before it creates the first service.
  void validate() const {
    Sink sink;
    auto backend = makeBackend(sink);
    backend.engine().prepare();
  }

  [[nodiscard]] std::size_t featureCount() const noexcept { return features_.size() + 1; }
  [[nodiscard]] Returns returns() const noexcept { return returns_; }

 private:
  static std::string id(const char* prefix, std::uint32_t i) { return prefix + std::to_string(i); }

  /// What every factory of the form returns, by the form's choice.
  template <Returns R>
  static auto make(std::uint32_t i, Deps deps) {
    if constexpr (R == Returns::value) {
      return Node(i, deps);
    } else {
      return std::make_unique<Node>(i, deps);
    }
  }

  // Calls f(refs...) with the typed refs of `deps`: root-scoped ones first, then plugin-scoped ones.
  template <bool AllowPlugin, bool InPlugin = false, class F, class... Got>
  void withRefs(const std::uint32_t* deps, std::size_t count, F&& f, const Got&... got) const {
    if (count == 0) {
      f(got...);
      return;
    }
    if constexpr (sizeof...(Got) < 4) {
      const auto d = *deps;
      if (graph_.services[d].root) {
        if constexpr (!InPlugin) {
          withRefs<AllowPlugin, false>(deps + 1, count - 1, f, got..., *roots_[d]);
          return;
        }
      } else if constexpr (AllowPlugin) {
        withRefs<AllowPlugin, true>(deps + 1, count - 1, f, got..., *plugs_[d]);
        return;
      }
    }
    throw std::logic_error("bench: deps out of the generated order");
  }

  template <Returns R>
  void addService(std::uint32_t i) {
    const ServiceRow& row = graph_.services[i];
    auto node = [i](auto&... svcs) { return make<R>(i, Deps{&svcs...}); };
    switch (row.kind) {
      case Kind::multiton:
        multis_[i] = rigging::createServiceRef<Svc, rigging::RootScope>(id("bench.m", i), rigging::multiton);
        features_.emplace_back(rigging::createServiceFactory(*multis_[i], rigging::deps(), node));
        features_.emplace_back(rigging::createServiceFactory(*multis_[i], rigging::deps(), node));
        return;
      case Kind::context:
        plugs_[i] = rigging::createServiceRef<Svc>(id("bench.s", i));
        features_.emplace_back(rigging::createServiceFactory(
            *plugs_[i], rigging::deps(),
            rigging::rootContext(rigging::deps(*roots_[row.deps[0]]), [](Svc& root) { return Ctx(root); }),
            [i](Ctx& context) { return make<R>(i, Deps{&context.root}); }));
        return;
      case Kind::multi_user:
        plugs_[i] = rigging::createServiceRef<Svc>(id("bench.s", i));
        features_.emplace_back(rigging::createServiceFactory(*plugs_[i], rigging::deps(*multis_[row.deps[0]]),
                                                             [i](rigging::ServiceRange<Svc> all) {
                                                               auto it = all.begin();
                                                               Svc& first = *it;
                                                               Svc& second = *++it;
                                                               return make<R>(i, Deps{&first, &second});
                                                             }));
        return;
      case Kind::node:
        break;
    }
    if (row.root) {
      roots_[i] = rigging::createServiceRef<Svc, rigging::RootScope>(id("bench.s", i));
      withRefs<false>(row.deps, row.depCount, [&](const auto&... refs) {
        features_.emplace_back(rigging::createServiceFactory(*roots_[i], rigging::deps(refs...), node));
      });
    } else {
      plugs_[i] = rigging::createServiceRef<Svc>(id("bench.s", i));
      withRefs<true>(row.deps, row.depCount, [&](const auto&... refs) {
        features_.emplace_back(rigging::createServiceFactory(*plugs_[i], rigging::deps(refs...), node));
      });
    }
  }

  void addPlugin(std::uint32_t p) {
    const PluginRow& row = graph_.plugins[p];
    const auto ext = rigging::createExtensionPoint<Ext>(id("p", p) + ".ext");
    std::function<void(rigging::PluginRegistrationPoints&)> init;
    withRefs<true>(row.deps, row.depCount, [&](const auto&... refs) {
      init = [this, ext, refs...](rigging::PluginRegistrationPoints& env) {
        env.registerExtensionPoint(ext, std::make_shared<Ext>());
        env.registerInit(rigging::deps(refs...), [this](auto&... svcs) { pluginInit(*sink_, {&svcs...}); });
      };
    });
    features_.emplace_back(rigging::createBackendPlugin(id("p", p), std::move(init)));
    const auto d = row.moduleDep;
    auto module = [ext](const auto& ref) {
      return [ext, ref](rigging::ModuleRegistrationPoints& env) {
        env.registerInit(rigging::deps(ext, ref), [](Ext& e, Svc& s) { moduleInit(e, s); });
      };
    };
    if (graph_.services[d].root) {
      features_.emplace_back(rigging::createBackendModule(id("p", p), "m", module(*roots_[d])));
    } else {
      features_.emplace_back(rigging::createBackendModule(id("p", p), "m", module(*plugs_[d])));
    }
  }

  const Graph& graph_;
  Returns returns_;
  std::vector<std::optional<RootRef>> roots_;
  std::vector<std::optional<PluginRef>> plugs_;
  std::vector<std::optional<MultiRef>> multis_;
  std::vector<rigging::BackendFeature> features_;
  rigging::BackendFeature quietLogger_ =
      rigging::rootLoggerServiceFactory({.level = rigging::LogLevel::error, .sink = [](std::string_view) {}});
  mutable Sink* sink_ = nullptr;
};

}  // namespace bench
