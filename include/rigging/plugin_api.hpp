// SPDX-License-Identifier: Apache-2.0
// Copyright The rigging Authors
// What a plugin or module author needs, as Backstage's @backstage/backend-plugin-api: refs, factories,
// decorators, deps, plugins, modules, extension points, feature loaders, the core services' interfaces and
// the errors. Not the backend or the default implementations of the core services (rigging.hpp and
// create_backend.hpp, as @backstage/backend-defaults): a source file of a plugin that includes only this
// compiles in about a quarter of the time (docs/performance.md, "Headers").
#pragma once

#include <rigging/core_services.hpp>
#include <rigging/deps.hpp>
#include <rigging/errors.hpp>
#include <rigging/extension_point.hpp>
#include <rigging/feature_loader.hpp>
#include <rigging/module.hpp>
#include <rigging/plugin.hpp>
#include <rigging/service_decorator.hpp>
#include <rigging/service_factory.hpp>
#include <rigging/service_ref.hpp>
#include <rigging/version.hpp>
