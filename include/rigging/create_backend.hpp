// SPDX-License-Identifier: Apache-2.0
// Copyright The rigging Authors
// createBackend(): a backend with every default core service factory installed.
#pragma once

#include <rigging/backend.hpp>

namespace rigging {

/// Creates a backend with the default core services. `core.pluginMetadata` is built into every backend.
[[nodiscard]] inline Backend createBackend() { return createSpecializedBackend(); }

}  // namespace rigging
