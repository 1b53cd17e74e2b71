#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Copyright The rigging Authors
# A short pass of every benchmark so that they never rot: builds the benchmark targets in an existing build
# directory (default build/dev, configured by the dev preset) and runs each one briefly. Checks that they run
# and agree with themselves, not how fast they are.
#
#   bench/smoke.sh [build-dir]
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${1:-$root/build/dev}
if [[ ! -f $build/CMakeCache.txt ]]; then
  echo "smoke: $build is not a configured build directory; run cmake --preset dev first" >&2
  exit 1
fi
if ! grep -q '^benchmark_DIR:PATH=/' "$build/CMakeCache.txt"; then
  echo "smoke: Google Benchmark was not found when $build was configured (Debian: libbenchmark-dev)" >&2
  exit 1
fi
bench=$build/bench
cmake --build "$build" --target rigging_bench rigging_bench_once rigging_bench_memory
"$bench/rigging_bench" --benchmark_min_time=0.001 --benchmark_filter='/(100|1000)$'
for form in rigging rigging-unique hand; do
  "$bench/rigging_bench_once" "$form" 100
done
"$bench/rigging_bench_memory"
for form in rigging rigging-unique hand; do
  python3 "$root/bench/generate.py" "user-$form" 10 1 "$bench/smoke_user_$form.cpp"
done
for form in rigging rigging-unique hand; do
  "${CXX:-c++}" -std=c++20 -I"$root/include" "$bench/smoke_user_$form.cpp" -o "$bench/smoke_user_$form" -lfmt -pthread
  "$bench/smoke_user_$form"
done
echo "smoke: every benchmark ran"
