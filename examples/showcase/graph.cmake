# SPDX-License-Identifier: Apache-2.0
# Copyright The rigging Authors
# The picture of the showcase's graph in docs/images/: showcase-graph.dot (what `showcase --print-graph`
# prints) and showcase-graph.svg (Graphviz's rendering of it, from the `graphviz` package).
#
#   cmake -DSHOWCASE=<showcase executable> -DDOCS_IMAGES=<docs/images> -P graph.cmake            check
#   cmake -DSHOWCASE=<showcase executable> -DDOCS_IMAGES=<docs/images> -DUPDATE=ON -P graph.cmake  regenerate
#
# The check (the test rigging.showcase.graph) fails when the committed DOT differs from the showcase's graph;
# the build target `showcase_graph` regenerates both files.
cmake_minimum_required(VERSION 3.25)
execute_process(
  COMMAND "${SHOWCASE}" --print-graph
  OUTPUT_VARIABLE _dot
  RESULT_VARIABLE _rc)
if(NOT _rc STREQUAL "0")
  message(FATAL_ERROR "'${SHOWCASE} --print-graph' failed with '${_rc}'")
endif()
set(_dot_file "${DOCS_IMAGES}/showcase-graph.dot")
set(_svg_file "${DOCS_IMAGES}/showcase-graph.svg")
if(UPDATE)
  find_program(_graphviz_dot dot)
  if(NOT _graphviz_dot)
    message(FATAL_ERROR "Graphviz's `dot` is missing: install the `graphviz` package (bash .ci/install-deps)")
  endif()
  file(WRITE "${_dot_file}" "${_dot}")
  execute_process(COMMAND "${_graphviz_dot}" -Tsvg "${_dot_file}" -o "${_svg_file}" COMMAND_ERROR_IS_FATAL ANY)
  message(STATUS "wrote ${_dot_file} and ${_svg_file}")
  return()
endif()
file(READ "${_dot_file}" _committed)
if(NOT _committed STREQUAL _dot)
  file(WRITE "${_dot_file}.actual" "${_dot}")
  message(FATAL_ERROR "docs/images/showcase-graph.dot is out of date: the showcase's graph changed. Regenerate "
                      "the DOT file and its picture with `cmake --build <build dir> --target showcase_graph` (or "
                      "compare: diff -u ${_dot_file} ${_dot_file}.actual)")
endif()
message(STATUS "docs/images/showcase-graph.dot matches the showcase's graph")
