// SPDX-License-Identifier: Apache-2.0
// Copyright The rigging Authors
// The plugin HTTP router: what a plugin uses to serve HTTP. Plugin-scoped: each plugin gets its own instance,
// which mounts the plugin's routes under /api/<pluginId> on the root router's server, so that plugins cannot
// step on each other's paths.
#pragma once

#include "services/root_http_router.hpp"

#include <rigging/plugin_api.hpp>

#include <memory>
#include <string>
#include <string_view>
#include <utility>

namespace showcase {

class HttpRouterService {
 public:
  virtual ~HttpRouterService() = default;
  /// Adds a route; `path` is a regular expression relative to the plugin's base path, e.g. "/entities" or
  /// "/entities/([^/]+)" (capture groups arrive in request.matches).
  virtual void addRoute(HttpMethod method, std::string_view path, HttpHandler handler) = 0;

  void get(std::string_view path, HttpHandler handler) {
    addRoute(HttpMethod::get, path, std::move(handler));
  }
  void post(std::string_view path, HttpHandler handler) {
    addRoute(HttpMethod::post, path, std::move(handler));
  }
  void put(std::string_view path, HttpHandler handler) {
    addRoute(HttpMethod::put, path, std::move(handler));
  }
  void del(std::string_view path, HttpHandler handler) {
    addRoute(HttpMethod::del, path, std::move(handler));
  }
};

/// Plugin scope is the default scope of a ref.
inline const auto httpRouterServiceRef = rigging::createServiceRef<HttpRouterService>("showcase.httpRouter");

/// Prefixes every route with the plugin's base path. Plugin ids hold only [a-z0-9-], so the prefix needs no
/// escaping inside a regular expression.
class PluginHttpRouter final : public HttpRouterService {
 public:
  PluginHttpRouter(RootHttpRouterService& root, std::string_view pluginId)
      : root_(root), basePath_("/api/" + std::string(pluginId)) {}

  void addRoute(HttpMethod method, std::string_view path, HttpHandler handler) override {
    root_.addRoute(method, basePath_ + std::string(path), std::move(handler));
  }

 private:
  RootHttpRouterService& root_;
  std::string basePath_;
};

/// A plugin-scoped factory may depend on root and plugin services alike; core.pluginMetadata tells it which
/// plugin the instance is for.
inline const auto httpRouterServiceFactory = rigging::createServiceFactory(
    httpRouterServiceRef, rigging::deps(rootHttpRouterServiceRef, rigging::coreServices::pluginMetadata),
    [](RootHttpRouterService& root, rigging::PluginMetadataService& plugin) {
      return std::make_unique<PluginHttpRouter>(root, plugin.getId());
    });

}  // namespace showcase
