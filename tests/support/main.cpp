// SPDX-License-Identifier: Apache-2.0
// Copyright The rigging Authors
// Catch2's main, for a Catch2 v2 without the prebuilt Catch2WithMain library (tests/CMakeLists.txt picks it).
#define CATCH_CONFIG_MAIN
#include "support/catch.hpp"
