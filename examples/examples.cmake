# SPDX-License-Identifier: Apache-2.0
# Copyright The rigging Authors
# One rigging_add_example(<name> <source> <regex>) per example (see examples/CMakeLists.txt), in reading order.
rigging_add_example(01_quick_start 01_quick_start.cpp "Good morning, world [(]from hello[)]\nrigging quick start: ok")
