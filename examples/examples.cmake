# SPDX-License-Identifier: Apache-2.0
# Copyright The rigging Authors
# One rigging_add_example(<name> <source> <regex>) per example (see examples/CMakeLists.txt), in reading order.
# Each regex spells out the lines the example must print, in order; the last one is printed after the work is done.
rigging_add_example(01_quick_start 01_quick_start/main.cpp "Good morning, world [(]from hello[)]\nrigging quick start: ok")
rigging_add_example(
  02_default_factory 02_default_factory/main.cpp
  "backend 1: no factory added, the ref's default is used
auth: token[(]issuer=auth, subject=alice, n=1[)]
auth: token[(]issuer=auth, subject=bob, n=2[)]
backend 2: an added factory replaces the default
auth: fixed-token-for-alice
auth: fixed-token-for-bob
02_default_factory: ok")
rigging_add_example(
  03_custom_root_logger 03_custom_root_logger/main.cpp
  "\\[custom\\] info Plugin initialization started: 'catalog' {type=initialization}
\\[custom\\] info refreshed 3 entities {plugin=catalog}
\\[custom\\] warn entity has no owner {plugin=catalog, entity=component:default/petstore}
\\[custom\\] info Plugin initialization complete in [^\n]*: 'catalog' [(][^\n]*[)] {type=initialization}
03_custom_root_logger: ok")
rigging_add_example(
  04_root_context 04_root_context/main.cpp
  "pool: created for sqlite://data
pool: connection 1 opened for plugin 'catalog'
catalog: using sqlite://data/catalog
pool: connection 2 opened for plugin 'scaffolder'
scaffolder: using sqlite://data/scaffolder
pool: closed 2 connections
04_root_context: ok")
rigging_add_example(
  05_extension_point 05_extension_point/main.cpp
  "search/docs: adding the docs collator
search: indexing 3 docs documents
search: index ready with 3 documents from 1 collators
05_extension_point: ok")
rigging_add_example(
  06_feature_loader 06_feature_loader/main.cpp
  "-- config [^\n]*catalog[^\n]*search[^\n]*
loader: enabling 'catalog'
loader: enabling 'search'
catalog: started
search: started
-- config [^\n]*scaffolder[^\n]*
loader: enabling 'scaffolder'
scaffolder: started
06_feature_loader: ok")
rigging_add_example(
  07_factory_options 07_factory_options/main.cpp
  "-- default options
api: rate limit 60 requests per minute per ip
-- options in code
api: rate limit 10 requests per minute per ip
-- a factory of one's own, from the building block
api: rate limit 600 requests per minute per user
07_factory_options: ok")
rigging_add_example(
  08_decorator 08_decorator/main.cpp
  "  log: info  forecast for Oslo plugin=travel
  [(]remote call for Oslo[)]
travel: Oslo -> snow
  log: info  forecast for Rome plugin=travel
  [(]remote call for Rome[)]
travel: Rome -> sun
  log: info  forecast for Oslo plugin=travel
travel: Oslo -> snow
08_decorator: ok")

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
