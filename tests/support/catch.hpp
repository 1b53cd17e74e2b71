// SPDX-License-Identifier: Apache-2.0
// Copyright The rigging Authors
// The one place that names Catch2's headers: every test includes "support/catch.hpp", never Catch2 directly.
#pragma once

// Set by tests/CMakeLists.txt from the Catch2 package it found, so the choice shows in the CMake log.
#if !defined(RIGGING_TEST_CATCH2_MAJOR)
#error "RIGGING_TEST_CATCH2_MAJOR is not defined: build the tests through tests/CMakeLists.txt"
#elif RIGGING_TEST_CATCH2_MAJOR >= 3
#include <catch2/catch_template_test_macros.hpp>
#include <catch2/catch_test_macros.hpp>
#else
#include <catch2/catch.hpp>
#endif
