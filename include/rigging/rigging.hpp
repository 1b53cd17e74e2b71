// SPDX-License-Identifier: Apache-2.0
// Copyright The rigging Authors
// The umbrella header: everything a host application or plugin author needs. A plugin's own source files
// need only <rigging/plugin_api.hpp>, which compiles much faster.
#pragma once

#include <rigging/backend.hpp>
#include <rigging/backend_graph.hpp>
#include <rigging/core_services.hpp>
#include <rigging/create_backend.hpp>
#include <rigging/defaults/config_sources.hpp>
#include <rigging/defaults/lifecycle.hpp>
#include <rigging/defaults/root_config.hpp>
#include <rigging/defaults/root_logger.hpp>
#include <rigging/deps.hpp>
#include <rigging/errors.hpp>
#include <rigging/extension_point.hpp>
#include <rigging/feature_loader.hpp>
#include <rigging/module.hpp>
#include <rigging/plugin.hpp>
#include <rigging/plugin_api.hpp>
#include <rigging/run_until_signal.hpp>
#include <rigging/service_decorator.hpp>
#include <rigging/service_factory.hpp>
#include <rigging/service_ref.hpp>
#include <rigging/startup_result.hpp>
#include <rigging/version.hpp>
