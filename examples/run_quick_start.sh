#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Copyright The rigging Authors
# Builds and runs the quick-start example (examples/01_quick_start.cpp) with the dev preset, installing missing
# Debian packages first. Run from anywhere: bash examples/run_quick_start.sh
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

bash .ci/install-deps
cmake --preset dev
cmake --build --preset dev --target example_01_quick_start
./build/dev/examples/example_01_quick_start
