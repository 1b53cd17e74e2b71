// SPDX-License-Identifier: Apache-2.0
// Copyright The rigging Authors
// The root HTTP router: the backend's one HTTP server (cpp-httplib), shared by every plugin. Root-scoped, so
// there is one instance per backend; plugins do not use it directly but through their plugin-scoped
// httpRouter (http_router.hpp), which mounts their routes under /api/<pluginId>.
//
// Its life follows the backend's lifecycle, as Backstage's does:
//   - the factory binds the port, so a port already in use fails start() before any plugin runs;
//   - plugins add their routes during their init;
//   - a root startup hook (run once every plugin has started) starts serving: the backend is "ready";
//   - a root before-shutdown hook turns the readiness check to 503, waits
//   backend.lifecycle.serverShutdownDelay
//     milliseconds so that a load balancer can notice, and a root shutdown hook stops the server.
#pragma once

#include <rigging/plugin_api.hpp>

#include <httplib.h>
#include <nlohmann/json.hpp>

#include <atomic>
#include <chrono>
#include <exception>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>

namespace showcase {

/// A request handler: reads the request, fills the response. May throw HttpError (or anything else: 500).
using HttpHandler = std::function<void(const httplib::Request&, httplib::Response&)>;

enum class HttpMethod : unsigned char { get, post, put, del };

/// Thrown by handlers to answer with an HTTP error status and a JSON body {"error": {"message": ...}}.
class HttpError : public std::runtime_error {
 public:
  HttpError(int status, const std::string& message) : std::runtime_error(message), status_(status) {}
  [[nodiscard]] int status() const noexcept { return status_; }

 private:
  int status_;
};

/// Sends `body` as the JSON response.
inline void sendJson(httplib::Response& response, const nlohmann::json& body, int status = 200) {
  response.status = status;
  response.set_content(body.dump(), "application/json");
}

/// The service interface: what other services may ask of the server.
class RootHttpRouterService {
 public:
  virtual ~RootHttpRouterService() = default;
  /// Serves requests of `method` whose whole path matches the regular expression `pattern`. Only during
  /// start-up (plugin inits): the server does not take new routes once it serves.
  virtual void addRoute(HttpMethod method, const std::string& pattern, HttpHandler handler) = 0;
  /// Where the server listens, e.g. "http://127.0.0.1:7007".
  [[nodiscard]] virtual std::string baseUrl() const = 0;
};

/// The ref: root scope, so one server per backend.
inline const auto rootHttpRouterServiceRef =
    rigging::createServiceRef<RootHttpRouterService, rigging::RootScope>("showcase.rootHttpRouter");

/// The implementation, exported so that a backend can build its own factory around it.
class DefaultRootHttpRouter final : public RootHttpRouterService {
 public:
  struct Options {
    std::string host = "127.0.0.1";
    int port = 7007;  ///< 0 picks a free port
    std::chrono::milliseconds shutdownDelay{0};
  };

  /// Binds the port now (so that a busy port fails start-up) and ties serving to the root lifecycle.
  static std::unique_ptr<DefaultRootHttpRouter> create(const Options& options, rigging::LoggerService& logger,
                                                       rigging::RootLifecycleService& lifecycle) {
    auto router = std::unique_ptr<DefaultRootHttpRouter>(new DefaultRootHttpRouter(options, logger));
    DefaultRootHttpRouter& self = *router;
    lifecycle.addStartupHook([&self] { self.serve(); }, {"http server"});
    lifecycle.addBeforeShutdownHook([&self] { self.drain(); }, {"http readiness"});
    lifecycle.addShutdownHook([&self] { self.halt(); }, {"http server"});
    return router;
  }

  /// Options from configuration: backend.listen.host, backend.listen.port,
  /// backend.lifecycle.serverShutdownDelay.
  static Options optionsFromConfig(const rigging::RootConfigService& config) {
    Options options;
    if (auto host = config.getOptionalString("backend.listen.host")) options.host = *host;
    if (auto port = config.getOptionalNumber("backend.listen.port")) options.port = static_cast<int>(*port);
    if (auto delay = config.getOptionalNumber("backend.lifecycle.serverShutdownDelay")) {
      options.shutdownDelay = std::chrono::milliseconds(static_cast<long>(*delay));
    }
    return options;
  }

  DefaultRootHttpRouter(const DefaultRootHttpRouter&) = delete;
  DefaultRootHttpRouter& operator=(const DefaultRootHttpRouter&) = delete;
  ~DefaultRootHttpRouter() override { halt(); }

  void addRoute(HttpMethod method, const std::string& pattern, HttpHandler handler) override {
    if (serving_) throw std::logic_error("routes can only be added before the HTTP server starts serving");
    switch (method) {
      case HttpMethod::get:
        server_.Get(pattern, std::move(handler));
        break;
      case HttpMethod::post:
        server_.Post(pattern, std::move(handler));
        break;
      case HttpMethod::put:
        server_.Put(pattern, std::move(handler));
        break;
      case HttpMethod::del:
        server_.Delete(pattern, std::move(handler));
        break;
    }
  }

  [[nodiscard]] std::string baseUrl() const override {
    return "http://" + host_ + ":" + std::to_string(port_);
  }

 private:
  DefaultRootHttpRouter(const Options& options, rigging::LoggerService& logger)
      : logger_(logger), host_(options.host), shutdownDelay_(options.shutdownDelay) {
    port_ = options.port == 0 ? server_.bind_to_any_port(host_) : options.port;
    if (port_ <= 0 || (options.port != 0 && !server_.bind_to_port(host_, port_))) {
      throw std::runtime_error("cannot listen on " + host_ + ":" + std::to_string(options.port) +
                               "; is another program using the port? Choose another with the config key "
                               "backend.listen.port (or APP_CONFIG_backend_listen_port)");
    }
    // Backstage's health checks: liveness answers as soon as the server serves; readiness only while the
    // backend is neither starting nor stopping.
    server_.Get("/.backstage/health/v1/liveness", [](const httplib::Request&, httplib::Response& res) {
      sendJson(res, {{"status", "ok"}});
    });
    server_.Get("/.backstage/health/v1/readiness", [this](const httplib::Request&, httplib::Response& res) {
      if (ready_) {
        sendJson(res, {{"status", "ok"}});
      } else {
        sendJson(res, {{"status", "error"}, {"message", "Backend is not ready"}}, 503);
      }
    });
    // Each request, at debug level (backend.logging.level: debug).
    server_.set_logger([this](const httplib::Request& req, const httplib::Response& res) {
      logger_.debug({{"type", "incomingRequest"}}, "{} {} {}", req.method, req.path, res.status);
    });
    server_.set_exception_handler(
        [](const httplib::Request&, httplib::Response& res, std::exception_ptr error) {
          try {
            std::rethrow_exception(std::move(error));
          } catch (const HttpError& e) {
            sendJson(res, {{"error", {{"message", e.what()}}}}, e.status());
          } catch (const std::exception& e) {
            sendJson(res, {{"error", {{"message", e.what()}}}}, 500);
          }
        });
  }

  // Root startup hook: every plugin has added its routes.
  void serve() {
    serving_ = true;
    thread_ = std::thread([this] {
      server_.listen_after_bind();
      listenReturned_ = true;
    });
    // stop() only works once the server runs: wait for that, so that a quick shutdown cannot miss it.
    while (!server_.is_running()) {
      if (listenReturned_) throw std::runtime_error("the HTTP server stopped as soon as it started");
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    ready_ = true;
    logger_.info("Listening on {}", baseUrl());
  }

  // Root before-shutdown hook: stop looking ready, keep serving what is in flight for a while.
  void drain() {
    ready_ = false;
    logger_.info("Readiness now reports 'not ready'; stopping the HTTP server in {} ms",
                 shutdownDelay_.count());
    std::this_thread::sleep_for(shutdownDelay_);
  }

  // Root shutdown hook, and the destructor. When start-up failed before serving, there is no thread to stop,
  // and the bound socket is released when the process exits: cpp-httplib has no call to close a socket it has
  // not served on.
  void halt() {
    if (!thread_.joinable()) return;
    server_.stop();  // lets the requests being handled finish
    thread_.join();
    logger_.info("HTTP server stopped");
  }

  rigging::LoggerService& logger_;
  httplib::Server server_;
  std::string host_;
  int port_ = 0;
  std::chrono::milliseconds shutdownDelay_;
  std::thread thread_;
  std::atomic<bool> serving_{false};
  std::atomic<bool> ready_{false};
  std::atomic<bool> listenReturned_{false};
};

/// The factory, added by the backend's main(). Depends on root services only, as a root factory must.
inline const auto rootHttpRouterServiceFactory = rigging::createServiceFactory(
    rootHttpRouterServiceRef,
    rigging::deps(rigging::coreServices::rootConfig, rigging::coreServices::rootLogger,
                  rigging::coreServices::rootLifecycle),
    [](rigging::RootConfigService& config, rigging::RootLoggerService& logger,
       rigging::RootLifecycleService& lifecycle) {
      return DefaultRootHttpRouter::create(DefaultRootHttpRouter::optionsFromConfig(config), logger,
                                           lifecycle);
    });

}  // namespace showcase
