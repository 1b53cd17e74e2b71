// SPDX-License-Identifier: Apache-2.0
// Copyright The rigging Authors
// Testing utilities for plugin and service authors (Backstage's @backstage/backend-test-utils):
// startTestBackend, mockServices::<name> and ServiceFactoryTester. They work under any test framework, or
// none: they never call a framework's macros, and report problems by exceptions (and, from a destructor, on
// standard error).
#pragma once

#include <rigging/testing/mock_services.hpp>
#include <rigging/testing/service_factory_tester.hpp>
#include <rigging/testing/test_backend.hpp>
