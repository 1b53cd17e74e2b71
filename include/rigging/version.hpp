// SPDX-License-Identifier: Apache-2.0
// Copyright The rigging Authors
// The library's version, for the preprocessor and for CMake, which reads it from here.
#pragma once

#define RIGGING_VERSION_MAJOR 0
#define RIGGING_VERSION_MINOR 1
#define RIGGING_VERSION_PATCH 0
#define RIGGING_VERSION (RIGGING_VERSION_MAJOR * 10000 + RIGGING_VERSION_MINOR * 100 + RIGGING_VERSION_PATCH)
