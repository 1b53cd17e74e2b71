// SPDX-License-Identifier: Apache-2.0
// Copyright The rigging Authors
// Backend: the dependency-injection container a host application builds, starts and stops.
#pragma once

#include <rigging/backend_graph.hpp>
#include <rigging/detail/engine.hpp>
#include <rigging/errors.hpp>
#include <rigging/feature_loader.hpp>
#include <rigging/startup_result.hpp>

#include <memory>
#include <utility>
#include <vector>

namespace rigging {

/// A backend instance: add features, then start() validates the whole graph and builds it, and stop()
/// (or the destructor) runs the shutdown hooks and tears it down in reverse creation order.
///
///     auto backend = createBackend();
///     backend.add(fooServiceFactory);
///     backend.add(catalogPlugin);
///     backend.start();
///     backend.stop();
class Backend {
 public:
  /// A backend whose `defaultFactories` are used for services no added feature provides.
  explicit Backend(std::vector<std::shared_ptr<const detail::FactoryImpl>> defaultFactories = {})
      : engine_(std::make_unique<detail::Engine>(std::move(defaultFactories))) {}

  Backend(Backend&&) noexcept = default;
  Backend& operator=(Backend&&) noexcept = default;
  Backend(const Backend&) = delete;
  Backend& operator=(const Backend&) = delete;
  /// Stops the backend if it is still running.
  ~Backend() = default;

  /// Queues a feature: a service factory or decorator, a plugin, a module or a feature loader. Problems
  /// (duplicates, bad overrides, ...) are reported by start(), all together.
  /// Throws BackendStateError after start(): "feature can not be added after the backend has started" (and
  /// after graph() or a stop() without start(), a message that says which).
  void add(const BackendFeature& feature) { engine().add(feature); }

  /// Validates everything added, creates root services and starts every plugin in the order added.
  /// Throws ValidationError (nothing ran), BackendStartupError (a plugin or module failed and the
  /// boot-failure policy says abort), ServiceFactoryError (a root service failed), or BackendStateError if
  /// called twice or after stop(). When it throws, everything it started has been shut down and destroyed
  /// already.
  const StartupResult& start() { return engine().start(); }

  /// Root before-shutdown hooks, every plugin's shutdown hooks, root shutdown hooks, then every instance
  /// destroyed in reverse creation order. Idempotent; a failing hook is reported and never stops the others.
  /// Returns false when a hook failed.
  bool stop() noexcept { return engine_ ? engine_->stop() : true; }

  /// The backend's graph: every service (with where its factory came from, its dependencies and, after
  /// start(), the plugins it was created for), plugin, module and extension point. Before start() it is the
  /// validated plan (this runs feature loaders and registration, and throws ValidationError like start()).
  /// Export it with toDot, toMermaid or toJson.
  [[nodiscard]] BackendGraph graph() { return engine().graph(); }

  /// The result of the last start().
  [[nodiscard]] const StartupResult& startupResult() const {
    if (!engine_) throw BackendStateError("This Backend was moved from; use the backend it was moved to");
    return engine_->result();
  }

  /// For tools and the testing utilities.
  [[nodiscard]] detail::Engine& engine() {
    if (!engine_) throw BackendStateError("This Backend was moved from; use the backend it was moved to");
    return *engine_;
  }

 private:
  std::unique_ptr<detail::Engine> engine_;
};

/// A backend with the given default factories (Backstage's createSpecializedBackend): an added factory for
/// the same service replaces a default one without being a duplicate.
template <class... T, class... Scope, class... C>
[[nodiscard]] Backend createSpecializedBackend(const ServiceFactory<T, Scope, C>&... defaultFactories) {
  return Backend(std::vector<std::shared_ptr<const detail::FactoryImpl>>{defaultFactories.impl()...});
}

}  // namespace rigging
