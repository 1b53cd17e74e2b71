# SPDX-License-Identifier: Apache-2.0
# Copyright The rigging Authors
# One rigging_add_example(<name> <source> <regex>) per example (see examples/CMakeLists.txt), in reading order.
rigging_add_example(01_quick_start 01_quick_start.cpp "Good morning, world [(]from hello[)]\nrigging quick start: ok")

# How a plugin author tests a plugin with the testing utilities (rigging/testing.hpp), under two frameworks.
find_package(Catch2 2 CONFIG QUIET)
if(TARGET Catch2::Catch2WithMain)
  rigging_add_example(testing_catch2 testing_catch2/greetings_test.cpp
                      "All tests passed [(]4 assertions in 3 test cases[)]")
  target_link_libraries(example_testing_catch2 PRIVATE Catch2::Catch2WithMain)
else()
  message(STATUS "rigging: Catch2 (with its prebuilt main) not found, so example testing_catch2 is not built")
endif()
find_package(GTest QUIET)
if(TARGET GTest::gtest_main)
  rigging_add_example(testing_gtest testing_gtest/greetings_test.cpp "\\[  PASSED  \\] 3 tests[.]")
  target_link_libraries(example_testing_gtest PRIVATE GTest::gtest_main)
else()
  message(STATUS "rigging: GoogleTest not found (Debian: googletest, libgtest-dev), so example testing_gtest is "
                 "not built")
endif()
