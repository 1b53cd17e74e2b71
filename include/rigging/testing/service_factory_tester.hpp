// SPDX-License-Identifier: Apache-2.0
// Copyright The rigging Authors
// ServiceFactoryTester: creates the instances of one service factory, for any plugin id, among mock core
// services (Backstage's `ServiceFactoryTester` of @backstage/backend-test-utils).
//
// Each tester owns a backend of its own that never starts: no plugin runs, and instances (root services, root
// contexts, per-plugin instances) are created on first request and destroyed with the tester. So every tester
// has fresh root contexts, and a root context is created once per tester however many plugins ask.
#pragma once

#include <rigging/backend.hpp>
#include <rigging/feature_loader.hpp>
#include <rigging/service_decorator.hpp>
#include <rigging/service_factory.hpp>
#include <rigging/testing/mock_services.hpp>

#include <exception>
#include <memory>
#include <string_view>
#include <utility>
#include <vector>

namespace rigging {

/// A service factory or decorator of any service, as ServiceFactoryTester takes its dependencies.
class AnyServiceFactory {
 public:
  template <class T, class Scope, class C>
  AnyServiceFactory(const ServiceFactory<T, Scope, C>& factory)  // NOLINT(google-explicit-constructor)
      : feature_(factory) {}
  template <class T, class Scope>
  AnyServiceFactory(const ServiceDecorator<T, Scope>& decorator)  // NOLINT(google-explicit-constructor)
      : feature_(decorator) {}

  [[nodiscard]] const BackendFeature& feature() const noexcept { return feature_; }

 private:
  BackendFeature feature_;
};

/// `{.dependencies = {...}}`: factories for the services the subject needs beyond the mocked core services; a
/// factory for a core service replaces its mock.
struct ServiceFactoryTesterOptions {
  std::vector<AnyServiceFactory> dependencies;
};

template <class Ref>
class TypedServiceFactoryTester;

/// Tests a service factory: `auto tester = ServiceFactoryTester::from(myFactory, {.dependencies = {...}});`,
/// then `tester.getSubject("my-plugin")` and `tester.getService(ref, "my-plugin")`.
class ServiceFactoryTester {
 public:
  using Options = ServiceFactoryTesterOptions;

  /// A tester of `subject`, with `options.dependencies` and a mock of every core service.
  template <class T, class Scope, class C>
  [[nodiscard]] static TypedServiceFactoryTester<ServiceRef<T, Scope, C>> from(
      const ServiceFactory<T, Scope, C>& subject, Options options = {});

  /// The instance of `ref` for plugin `pluginId` (ignored for root services), created on first request. The
  /// first request validates the tester's graph: a dependency that nothing provides is a ValidationError
  /// naming it, thrown again by every later request; so is a `ref` that no factory here provides. A factory
  /// that throws gives a ServiceFactoryError, as in a backend.
  template <class Ref>
  requires detail::is_service_ref<Ref>::value typename Ref::injected_type getService(
      const Ref& ref, std::string_view pluginId = "test") {
    return detail::resolveForTest(engine(), ref, pluginId, "this ServiceFactoryTester", advice);
  }

 protected:
  ServiceFactoryTester(const BackendFeature& subject, const Options& options)
      : backend_(detail::backendForTest(featuresOf(subject, options), advice)) {}

 private:
  static constexpr std::string_view advice =
      ". Add a factory for it to the tester's dependencies: ServiceFactoryTester::from(subject, "
      "{.dependencies = {createServiceFactory(...)}})";

  // As Backstage's ServiceRegistry.create([...dependencies, subject]): the subject comes last, and replaces a
  // dependency's factory for the same singleton service; a multiton keeps both, the subject's instance last.
  static std::vector<BackendFeature> featuresOf(const BackendFeature& subject, const Options& options) {
    const auto subjectImpl = subject.factory();  // null if moved from: the backend reports that
    std::vector<BackendFeature> features;
    features.reserve(options.dependencies.size() + 1);
    for (const auto& dependency : options.dependencies) {
      const BackendFeature& feature = dependency.feature();
      const auto impl = feature.kind() == BackendFeature::Kind::service_factory ? feature.factory() : nullptr;
      const bool replaced = subjectImpl && impl && !subjectImpl->service()->multiton &&
                            impl->kind() == detail::FactoryImpl::Kind::factory &&
                            impl->service()->id == subjectImpl->service()->id;
      if (!replaced) features.push_back(feature);
    }
    features.push_back(subject);
    return features;
  }

  detail::Engine& engine() {
    if (failure_) std::rethrow_exception(failure_);
    detail::Engine& engine = backend_.engine();
    try {
      engine.prepare();  // once; validates every factory here before any runs
    } catch (...) {
      failure_ = std::current_exception();
      throw;
    }
    return engine;
  }

  Backend backend_;
  std::exception_ptr failure_;
};

/// What ServiceFactoryTester::from returns: a ServiceFactoryTester that also knows its subject's type.
template <class Ref>
class TypedServiceFactoryTester : public ServiceFactoryTester {
 public:
  /// The subject's instance for plugin `pluginId` (ignored for a root service): `T&`, or a ServiceRange<T>
  /// for a multiton. Throws like getService.
  typename Ref::injected_type getSubject(std::string_view pluginId = "test") {
    return getService(ref_, pluginId);
  }

 private:
  friend class ServiceFactoryTester;
  TypedServiceFactoryTester(Ref ref, const BackendFeature& subject, const Options& options)
      : ServiceFactoryTester(subject, options), ref_(std::move(ref)) {}

  Ref ref_;
};

template <class T, class Scope, class C>
TypedServiceFactoryTester<ServiceRef<T, Scope, C>> ServiceFactoryTester::from(
    const ServiceFactory<T, Scope, C>& subject, Options options) {
  return TypedServiceFactoryTester<ServiceRef<T, Scope, C>>(subject.service(), subject, options);
}

}  // namespace rigging
