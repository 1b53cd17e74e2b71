# SPDX-License-Identifier: Apache-2.0
# Copyright The rigging Authors
# Doc snippets as tests (nlohmann's unit-readme idea): every ```cpp block of the given markdown files is a complete
# program that ctest builds with the project's warnings and runs.
#
# This file has two roles:
#
# 1. include()d at configure time, it defines
#
#      rigging_add_doc_snippets(BASE_DIR <dir> OUTPUT_DIR <dir> FILES <markdown files...>)
#
#    which extracts each block opened by a line that is exactly ```cpp (an indented block, as in a list item, loses
#    its fence's indentation) and adds a test rigging.doc.<name>.<n>, where <name> is the file's path relative to
#    BASE_DIR without ".md", with a leading "docs/" dropped and "/" turned into "." (README.md -> README,
#    docs/guide/services.md -> guide.services) and <n> counts the file's ```cpp blocks from 1.
#    The blocks of one markdown file are built as ONE program, <OUTPUT_DIR>/doc_<name>.cpp (linking
#    rigging::rigging and rigging_warnings), run as `doc_<name> <n>`: block <n> goes into namespace
#    rigging_snippet_<n> with its `int main(` turned into `auto main(` (so a main without `return` stays valid), and
#    its #include lines are hoisted to the top. Compiling rigging's headers once per page rather than once per block
#    is what keeps the doc tests cheap (most of a block's build time is the headers and their inline functions).
#    So a block must not rely on being at global scope (no specialisations of other namespaces' templates). A ```cpp block without `int main` is a
#    configure error: mark partial code ```cpp-fragment (any other info string is ignored, too).
#    If the block is followed, with only blank lines between, by a ```text block, that block is the program's
#    expected standard output, compared exactly. Each extracted file starts with a #line directive, so compiler
#    messages point into the markdown. The markdown files become configure dependencies: editing one re-runs this.
#
# 2. run as `cmake -DRIGGING_SNIPPET_EXE=<program> -DRIGGING_SNIPPET_NUMBER=<n> [-DRIGGING_SNIPPET_EXPECTED=<file>]
#    [-DRIGGING_SNIPPET_ORIGIN=<file:line>] -P extract_snippets.cmake` (that is what each test does), it runs the
#    program and fails if it exits with non-zero status or, when an expected-output file is given, if its standard
#    output differs from the file; the actual output is then written next to it as <file>.actual.

if(CMAKE_SCRIPT_MODE_FILE STREQUAL CMAKE_CURRENT_LIST_FILE)
  cmake_minimum_required(VERSION 3.25)
  if(NOT RIGGING_SNIPPET_EXE)
    message(FATAL_ERROR "extract_snippets.cmake: pass -DRIGGING_SNIPPET_EXE=<program> when running it with -P")
  endif()
  execute_process(
    COMMAND "${RIGGING_SNIPPET_EXE}" ${RIGGING_SNIPPET_NUMBER}
    RESULT_VARIABLE _rc
    OUTPUT_VARIABLE _out
    ERROR_VARIABLE _err)
  # Type names in messages would show the namespace the block was wrapped in; a reader's program has none.
  string(REGEX REPLACE "rigging_snippet_[0-9]+::" "" _out "${_out}")
  # Echo both streams so that ctest's FAIL_REGULAR_EXPRESSION sees sanitizer reports and the like.
  message("---- standard output of the snippet from ${RIGGING_SNIPPET_ORIGIN}:\n${_out}---- end")
  if(NOT _err STREQUAL "")
    message("---- standard error:\n${_err}")
  endif()
  if(NOT _rc STREQUAL "0")
    message(FATAL_ERROR "the snippet from ${RIGGING_SNIPPET_ORIGIN} exited with '${_rc}'")
  endif()
  if(RIGGING_SNIPPET_EXPECTED)
    file(READ "${RIGGING_SNIPPET_EXPECTED}" _expected)
    if(NOT _out STREQUAL _expected)
      file(WRITE "${RIGGING_SNIPPET_EXPECTED}.actual" "${_out}")
      message("---- expected (the ```text block after the snippet):\n${_expected}---- end")
      message(FATAL_ERROR "the output of the snippet from ${RIGGING_SNIPPET_ORIGIN} differs from the ```text block "
                          "that follows it; compare with\n  diff -u ${RIGGING_SNIPPET_EXPECTED} "
                          "${RIGGING_SNIPPET_EXPECTED}.actual")
    endif()
    file(REMOVE "${RIGGING_SNIPPET_EXPECTED}.actual")
  endif()
  return()
endif()

include_guard(GLOBAL)

# Writes `content` to `path` only when it differs, so an unchanged snippet is not rebuilt after a re-configure.
function(_rigging_write_if_changed path content)
  if(EXISTS "${path}")
    file(READ "${path}" _old)
    if(_old STREQUAL content)
      return()
    endif()
  endif()
  file(WRITE "${path}" "${content}")
endfunction()

# The test that runs one snippet through this file in script mode; `expected` may be empty.
function(_rigging_add_doc_test target number name origin expected)
  set(_args "-DRIGGING_SNIPPET_EXE=$<TARGET_FILE:${target}>" "-DRIGGING_SNIPPET_NUMBER=${number}"
            "-DRIGGING_SNIPPET_ORIGIN=${origin}")
  if(expected)
    list(APPEND _args "-DRIGGING_SNIPPET_EXPECTED=${expected}")
  endif()
  add_test(NAME ${name} COMMAND "${CMAKE_COMMAND}" ${_args} -P "${CMAKE_CURRENT_FUNCTION_LIST_FILE}")
  set_tests_properties(
    ${name} PROPERTIES FAIL_REGULAR_EXPRESSION "runtime error:|ERROR: AddressSanitizer|terminate called" LABELS doc
                       TIMEOUT 60)
endfunction()

# Writes the program holding one page's blocks (see the top of this file); the text is still escaped.
function(_rigging_write_page_program path rel includes code dispatch count)
  list(JOIN includes "\n" _includes)
  string(
    CONCAT
      _text
      "// Extracted from ${rel} by cmake/extract_snippets.cmake: edit the markdown, not this.\n"
      "// Block <n> of the page is namespace rigging_snippet_<n>; run it as `<program> <n>`.\n"
      "#include <cstdio>\n#include <cstdlib>\n#include <type_traits>\n${_includes}\n\n${code}"
      "namespace {\n"
      "// Calls a block's main with or without (argc, argv); a main that returns nothing succeeded.\n"
      "template <class Main>\n"
      "int rigging_run_snippet(Main snippet_main, int argc, char** argv) {\n"
      "  if constexpr (std::is_invocable_v<Main, int, char**>) {\n"
      "    if constexpr (std::is_void_v<std::invoke_result_t<Main, int, char**>>) {\n"
      "      snippet_main(argc, argv);\n      return 0;\n"
      "    } else {\n      return snippet_main(argc, argv);\n    }\n"
      "  } else if constexpr (std::is_void_v<std::invoke_result_t<Main>>) {\n"
      "    snippet_main();\n    return 0;\n"
      "  } else {\n    return snippet_main();\n  }\n}\n}  // namespace\n\n"
      "int main(int argc, char** argv) {\n"
      "  const int which = argc > 1 ? std::atoi(argv[1]) : 0;\n"
      "  if (argc > 1) {  // the block sees its own arguments only\n"
      "    argv[1] = argv[0];\n    --argc;\n    ++argv;\n  }\n"
      "  switch (which) {\n${dispatch}    default:\n      break;\n  }\n"
      "  std::fprintf(stderr, \"usage: %s <block number, 1 to ${count}>\\n\", argv[0]);\n"
      "  return 2;\n}\n")
  string(ASCII 1 _semi)
  string(ASCII 2 _lbracket)
  string(ASCII 3 _rbracket)
  string(ASCII 4 _backslash)
  string(REPLACE "${_semi}" ";" _text "${_text}")
  string(REPLACE "${_lbracket}" "[" _text "${_text}")
  string(REPLACE "${_rbracket}" "]" _text "${_text}")
  string(REPLACE "${_backslash}" "\\" _text "${_text}")
  _rigging_write_if_changed("${path}" "${_text}")
endfunction()

function(rigging_add_doc_snippets)
  cmake_parse_arguments(PARSE_ARGV 0 arg "" "BASE_DIR;OUTPUT_DIR" "FILES")
  if(NOT arg_BASE_DIR OR NOT arg_OUTPUT_DIR)
    message(FATAL_ERROR "rigging_add_doc_snippets: BASE_DIR and OUTPUT_DIR are required")
  endif()
  if(NOT TARGET rigging_warnings)
    message(FATAL_ERROR "rigging_add_doc_snippets: the rigging_warnings target must exist")
  endif()
  file(MAKE_DIRECTORY "${arg_OUTPUT_DIR}")

  # CMake lists split on ';' and treat '[', ']' and '\' specially; C++ is full of them. Swap them for control
  # characters while the text is a list of lines, and back when writing.
  string(ASCII 1 _semi)
  string(ASCII 2 _lbracket)
  string(ASCII 3 _rbracket)
  string(ASCII 4 _backslash)

  set(_generated)
  set(_programs 0)
  set(_total 0)
  set(_checked 0)
  foreach(_md IN LISTS arg_FILES)
    set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS "${_md}")
    file(RELATIVE_PATH _rel "${arg_BASE_DIR}" "${_md}")
    string(REGEX REPLACE "^docs/" "" _name "${_rel}")
    string(REGEX REPLACE "\\.md$" "" _name "${_name}")
    string(REPLACE "/" "." _name "${_name}")
    string(MAKE_C_IDENTIFIER "doc_${_name}" _target_base)

    file(READ "${_md}" _text)
    string(REPLACE "\r" "" _text "${_text}")
    string(REPLACE "\\" "${_backslash}" _text "${_text}")
    string(REPLACE ";" "${_semi}" _text "${_text}")
    string(REPLACE "[" "${_lbracket}" _text "${_text}")
    string(REPLACE "]" "${_rbracket}" _text "${_text}")
    string(REPLACE "\n" ";" _lines "${_text}")

    set(_state text)  # text | cpp | other | expected
    set(_line_no 0)
    set(_n 0)
    set(_page_includes "")  # the #include lines of all blocks, first seen first
    set(_page_code "")      # the blocks, each in its namespace
    set(_awaiting_output FALSE)  # a ```cpp block just closed: a ```text block may follow
    foreach(_line IN LISTS _lines)
      math(EXPR _line_no "${_line_no} + 1")
      if(_state STREQUAL "text")
        if(_awaiting_output AND _line MATCHES "^( *)```text[ \t]*$")
          string(LENGTH "${CMAKE_MATCH_1}" _indent)
          set(_state expected)
          set(_body "")
          set(_awaiting_output FALSE)
          continue()
        endif()
        if(_awaiting_output AND NOT _line MATCHES "^[ \t]*$")
          set(_awaiting_output FALSE)
        endif()
        if(_line MATCHES "^( *)```cpp[ \t]*$")
          string(LENGTH "${CMAKE_MATCH_1}" _indent)
          math(EXPR _n "${_n} + 1")
          set(_state cpp)
          set(_start ${_line_no})
          set(_body "")
        elseif(_line MATCHES "^ *(```+|~~~+)")
          set(_fence "${CMAKE_MATCH_1}")
          set(_state other)
        endif()
      elseif(_state STREQUAL "other")
        if(_line MATCHES "^ *${_fence}[`~]*[ \t]*$")
          set(_state text)
        endif()
      elseif(_line MATCHES "^ *```[ \t]*$")  # the end of a ```cpp or ```text block
        string(REPLACE "${_semi}" ";" _body "${_body}")
        string(REPLACE "${_lbracket}" "[" _body "${_body}")
        string(REPLACE "${_rbracket}" "]" _body "${_body}")
        string(REPLACE "${_backslash}" "\\" _body "${_body}")
        set(_base "${arg_OUTPUT_DIR}/${_target_base}_${_n}")
        if(_state STREQUAL "cpp")
          if(NOT _body MATCHES "auto main[ \t]*\\(")
            message(FATAL_ERROR "${_md}:${_start}: this ```cpp block has no `int main(`; every ```cpp block of "
                                "the docs is compiled and run as a complete program. Make it one, or mark "
                                "partial code ```cpp-fragment.")
          endif()
          math(EXPR _first "${_start} + 1")
          string(APPEND _page_code "namespace rigging_snippet_${_n} {\n#line ${_first} \"${_md}\"\n${_body}"
                 "}  // namespace rigging_snippet_${_n}\n\n")
          string(APPEND _page_dispatch
                 "    case ${_n}: return rigging_run_snippet(&rigging_snippet_${_n}::main, argc, argv);\n")
          math(EXPR _total "${_total} + 1")
          # The test is added once the next lines show whether an expected output follows.
          set(_pending_test "${_target_base}")
          set(_pending_number ${_n})
          set(_pending_name "rigging.doc.${_name}.${_n}")
          set(_pending_origin "${_rel}:${_start}")
          set(_awaiting_output TRUE)
        else()
          _rigging_write_if_changed("${_base}.expected" "${_body}")
          list(APPEND _generated "${_base}.expected")
          set(_expected_file "${_base}.expected")
          math(EXPR _checked "${_checked} + 1")
        endif()
        set(_state text)
      else()  # a line of a ```cpp or ```text block
        if(_indent GREATER 0)  # remove at most the fence's indentation
          if(_line MATCHES "^( +)")
            string(LENGTH "${CMAKE_MATCH_1}" _cut)
            if(_cut GREATER _indent)
              set(_cut ${_indent})
            endif()
            string(SUBSTRING "${_line}" ${_cut} -1 _line)
          endif()
        endif()
        if(_state STREQUAL "cpp" AND _line MATCHES "^[ \t]*#[ \t]*include[ \t]")
          list(FIND _page_includes "${_line}" _seen)
          if(_seen EQUAL -1)
            list(APPEND _page_includes "${_line}")
          endif()
          set(_line "")  # keeps the #line numbering right
        elseif(_state STREQUAL "cpp" AND _line MATCHES "^int main[ \t]*\\(")
          string(REGEX REPLACE "^int main" "auto main" _line "${_line}")
        endif()
        string(APPEND _body "${_line}\n")
      endif()

      # Add the pending test as soon as the lines after its block show whether an expected output follows.
      if(DEFINED _pending_test AND NOT _awaiting_output AND NOT _state STREQUAL "expected")
        _rigging_add_doc_test(${_pending_test} ${_pending_number} "${_pending_name}" "${_pending_origin}"
                              "${_expected_file}")
        unset(_pending_test)
        unset(_expected_file)
      endif()
    endforeach()
    if(NOT _state STREQUAL "text")
      message(FATAL_ERROR "${_md}: a code block is not closed at the end of the file")
    endif()
    if(DEFINED _pending_test)  # a ```cpp block at the very end of the file
      _rigging_add_doc_test(${_pending_test} ${_pending_number} "${_pending_name}" "${_pending_origin}" "")
      unset(_pending_test)
    endif()
    if(_n GREATER 0)
      _rigging_write_page_program("${arg_OUTPUT_DIR}/${_target_base}.cpp" "${_rel}" "${_page_includes}"
                                  "${_page_code}" "${_page_dispatch}" ${_n})
      add_executable(${_target_base} "${arg_OUTPUT_DIR}/${_target_base}.cpp")
      target_link_libraries(${_target_base} PRIVATE rigging::rigging rigging_warnings)
      # The docs show what most readers write, e.g. std::rethrow_if_nested, which needs RTTI in libstdc++: keep
      # it on for them even where a preset builds everything else with -fno-rtti (rigging itself never needs it).
      target_compile_options(${_target_base} PRIVATE $<$<CXX_COMPILER_ID:GNU,Clang,AppleClang>:-frtti>)
      list(APPEND _generated "${arg_OUTPUT_DIR}/${_target_base}.cpp")
      math(EXPR _programs "${_programs} + 1")
    endif()
    unset(_page_dispatch)
  endforeach()

  # Remove what earlier configure runs extracted from blocks that no longer exist.
  file(GLOB _old "${arg_OUTPUT_DIR}/doc_*.cpp" "${arg_OUTPUT_DIR}/doc_*.expected")
  if(_generated)
    list(REMOVE_ITEM _old ${_generated})
  endif()
  if(_old)
    file(REMOVE ${_old})
  endif()
  message(STATUS "rigging: ${_total} doc snippets in ${_programs} programs compiled and run as tests, ${_checked} "
                 "with checked output")
endfunction()
