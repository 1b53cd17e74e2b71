#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Copyright The rigging Authors
# Builds and runs the showcase backend (examples/showcase/) in the foreground until Ctrl-C: installs the
# missing Debian packages first, then configures the release preset and builds only the `showcase` target.
# Run from anywhere: bash examples/run_showcase.sh [--config my-config.json]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

bash .ci/install-deps
cmake --preset release >/dev/null
cmake --build --preset release --target showcase
echo "run_showcase: starting the showcase on http://127.0.0.1:${APP_CONFIG_backend_listen_port:-7007} (Ctrl-C stops it)"
echo "run_showcase: try  curl http://127.0.0.1:${APP_CONFIG_backend_listen_port:-7007}/api/catalog/entities"
exec ./build/release/examples/showcase/showcase "$@"
