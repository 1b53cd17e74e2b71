// SPDX-License-Identifier: Apache-2.0
// Small feature builders shared by the tests: a plugin or module with one init, and the problems of a start.
#pragma once

#include "support/catch.hpp"

#include <rigging/backend.hpp>
#include <rigging/module.hpp>
#include <rigging/plugin.hpp>

#include <string_view>
#include <vector>

namespace rigging::test {

/// A plugin whose register callback only registers `fn` as its init with `initDeps`.
template <class DepsT, class Fn>
BackendPlugin pluginWith(std::string_view id, DepsT initDeps, Fn fn) {
  return createBackendPlugin(
      id, [initDeps, fn](PluginRegistrationPoints& env) { env.registerInit(initDeps, fn); });
}

/// A module whose register callback only registers `fn` as its init with `initDeps`.
template <class DepsT, class Fn>
BackendModule moduleWith(std::string_view pluginId, std::string_view moduleId, DepsT initDeps, Fn fn) {
  return createBackendModule(
      pluginId, moduleId, [initDeps, fn](ModuleRegistrationPoints& env) { env.registerInit(initDeps, fn); });
}

/// Starts `backend`, which must throw a ValidationError, and returns its problems.
inline std::vector<Problem> problemsOf(Backend& backend) {
  try {
    backend.start();
  } catch (const ValidationError& e) {
    return e.problems();
  }
  FAIL("start() must throw a ValidationError");
  return {};
}

}  // namespace rigging::test
