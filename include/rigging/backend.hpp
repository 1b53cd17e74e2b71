// SPDX-License-Identifier: Apache-2.0
// Copyright The rigging Authors
// Backend: the dependency-injection container a host application builds, starts and stops.
#pragma once

#include <rigging/detail/engine.hpp>
#include <rigging/errors.hpp>
#include <rigging/plugin.hpp>
#include <rigging/service_decorator.hpp>
#include <rigging/service_factory.hpp>

#include <memory>
#include <utility>
#include <vector>

namespace rigging {

/// A backend instance: add features, then start() validates the whole graph and builds it, and stop()
/// (or the destructor) tears it down in reverse creation order.
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

  /// Queues a service factory. Problems (duplicates, overrides) are reported by start(), all together.
  /// Throws BackendStateError after start().
  template <class T, class Scope, class C>
  void add(const ServiceFactory<T, Scope, C>& factory) {
    engine().addFactory(factory.impl());
  }
  /// Queues a service decorator; decorators of one service apply in the order added.
  template <class T, class Scope>
  void add(const ServiceDecorator<T, Scope>& decorator) {
    engine().addFactory(decorator.impl());
  }
  /// Queues a plugin.
  void add(const BackendPlugin& plugin) { engine().addPlugin(plugin.impl()); }

  /// Validates everything added, then creates root services and starts every plugin in the order added.
  /// Throws ValidationError (nothing ran), ServiceFactoryError or PluginInitError (everything created was
  /// destroyed again), or BackendStateError if called twice or after stop().
  void start() { engine().start(); }

  /// Destroys every instance in reverse creation order. Idempotent.
  void stop() noexcept {
    if (engine_) engine_->stop();
  }

 private:
  detail::Engine& engine() {
    if (!engine_) throw BackendStateError("This Backend was moved from; use the backend it was moved to");
    return *engine_;
  }

  std::unique_ptr<detail::Engine> engine_;
};

/// A backend with the given default factories (Backstage's createSpecializedBackend): an added factory for
/// the same service replaces a default one without being a duplicate.
template <class... Factories>
[[nodiscard]] Backend createSpecializedBackend(const Factories&... defaultFactories) {
  return Backend(std::vector<std::shared_ptr<const detail::FactoryImpl>>{defaultFactories.impl()...});
}

}  // namespace rigging
