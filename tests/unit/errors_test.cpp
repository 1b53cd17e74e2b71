// SPDX-License-Identifier: Apache-2.0
// Tests of the error types: kinds, codes and rendering.
#include "support/catch.hpp"

#include <rigging/errors.hpp>

#include <stdexcept>
#include <string>
#include <type_traits>

using namespace rigging;

TEST_CASE("errors: every error is a rigging::Error and a std::runtime_error", "[errors]") {
  STATIC_REQUIRE(std::is_base_of_v<Error, ValidationError>);
  STATIC_REQUIRE(std::is_base_of_v<Error, ServiceFactoryError>);
  STATIC_REQUIRE(std::is_base_of_v<Error, ConfigError>);
  STATIC_REQUIRE(std::is_base_of_v<Error, BackendStateError>);
  STATIC_REQUIRE(std::is_base_of_v<Error, InvalidIdError>);
  STATIC_REQUIRE(std::is_base_of_v<std::runtime_error, Error>);
  STATIC_REQUIRE(std::is_base_of_v<std::nested_exception, ServiceFactoryError>);
}

TEST_CASE("errors: a validation error numbers its problems and keeps them", "[errors]") {
  const ValidationError error({
      Problem{Problem::Kind::missing_dependency, {"a"}, {"plugin 'p'"}, "Service 'a' is missing"},
      Problem{Problem::Kind::circular_dependency, {"b", "b"}, {}, "'b' -> 'b'"},
  });
  CHECK(error.code() == ErrorCode::validation_failed);
  CHECK(std::string(error.what()) ==
        "Backend validation failed with 2 problems; no plugin was started:\n"
        "  1. Service 'a' is missing\n"
        "  2. 'b' -> 'b'");
  CHECK(error.problems().size() == 2);
  CHECK(error.problems(Problem::Kind::circular_dependency).size() == 1);
  CHECK(error.problems(Problem::Kind::duplicate_factory).empty());
}

TEST_CASE("errors: a service factory error keeps the original exception", "[errors]") {
  try {
    try {
      throw std::out_of_range("original");
    } catch (...) {
      throw ServiceFactoryError(ErrorCode::factory_threw, "wrapped", "svc", "plugin", {"svc"});
    }
  } catch (const ServiceFactoryError& e) {
    CHECK(e.serviceId() == "svc");
    CHECK(e.pluginId() == "plugin");
    CHECK_THROWS_AS(e.rethrow_nested(), std::out_of_range);
  }
}
