// SPDX-License-Identifier: Apache-2.0
// Copyright The rigging Authors
// What the catalog offers to other code, kept apart from the plugin itself (Backstage's plugin-catalog-node):
// modules include this to add processors, other plugins include it to read the catalog through
// CatalogService. Neither needs the catalog plugin's own code.
#pragma once

#include "services/root_http_router.hpp"

#include <rigging/plugin_api.hpp>

#include <httplib.h>
#include <nlohmann/json.hpp>

#include <cctype>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>

namespace showcase {

/// An entity is a JSON object: {"kind": "Component", "metadata": {"name": "...", "namespace": "...",
/// "annotations": {...}}, "spec": {...}}. Its ref, "kind:namespace/name" in lower case, names it.
using Entity = nlohmann::json;

/// A step of the catalog's processing: it may change an entity before it is stored, or reject it by throwing
/// HttpError(400, ...).
class CatalogProcessor {
 public:
  virtual ~CatalogProcessor() = default;
  [[nodiscard]] virtual std::string getProcessorName() const = 0;
  virtual void preProcessEntity(Entity& entity) = 0;
};

/// The catalog's extension point: modules add processors through it, during their init.
class CatalogProcessingExtensionPoint {
 public:
  virtual ~CatalogProcessingExtensionPoint() = default;
  virtual void addProcessor(std::shared_ptr<CatalogProcessor> processor) = 0;
};

inline const auto catalogProcessingExtensionPoint =
    rigging::createExtensionPoint<CatalogProcessingExtensionPoint>("catalog.processing");

/// How other plugins read the catalog. Plugins never share objects with each other; they talk over the
/// catalog's HTTP API, as they would if the catalog ran in another backend.
class CatalogService {
 public:
  virtual ~CatalogService() = default;
  /// The entity named by `entityRef` ("component:default/petstore"), or nothing if the catalog has none.
  [[nodiscard]] virtual std::optional<Entity> getEntityByRef(std::string_view entityRef) = 0;
};

/// Calls the catalog's API on this backend's own server.
class CatalogClient final : public CatalogService {
 public:
  explicit CatalogClient(std::string baseUrl) : baseUrl_(std::move(baseUrl)) {}

  std::optional<Entity> getEntityByRef(std::string_view entityRef) override {
    httplib::Client client(baseUrl_);  // one per call: a client is not meant to be shared between threads
    const auto result = client.Get("/api/catalog/entities/by-ref/" + std::string(entityRef));
    if (!result)
      throw std::runtime_error("the catalog did not answer: " + httplib::to_string(result.error()));
    if (result->status == 404) return std::nullopt;
    if (result->status != 200) {
      throw std::runtime_error("the catalog answered " + std::to_string(result->status) + ": " +
                               result->body);
    }
    return nlohmann::json::parse(result->body);
  }

 private:
  std::string baseUrl_;
};

/// The ref carries its default factory, so a backend that installs the catalog needs no extra line for it;
/// a backend may still add its own factory for this ref (a fake in tests, a client for a remote catalog).
inline const auto catalogServiceRef =
    rigging::createServiceRef<CatalogService>("catalog.client", [](auto service) {
      return rigging::createServiceFactory(
          service, rigging::deps(rootHttpRouterServiceRef),
          [](RootHttpRouterService& server) { return std::make_unique<CatalogClient>(server.baseUrl()); });
    });

/// "kind:namespace/name" in lower case.
inline std::string entityRefOf(const Entity& entity) {
  std::string ref = entity.at("kind").get<std::string>() + ":" +
                    entity.at("metadata").value("namespace", std::string("default")) + "/" +
                    entity.at("metadata").at("name").get<std::string>();
  for (char& c : ref) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return ref;
}

}  // namespace showcase
