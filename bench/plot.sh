#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Copyright The rigging Authors
# The start-up plot of docs/performance.md: runs the life benchmarks (the three forms: rigging with factories
# that return by value, rigging with factories that return make_unique, hand-written; N = 100, 1,000, 10,000) and
# draws time per life against N, log-log, with gnuplot (Debian: gnuplot-nox) into docs/images/startup.png.
#
#   bench/plot.sh [build-dir]    (default build/release; the benchmark targets must be built)
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${1:-$root/build/release}
data=$build/bench/startup
"$build/bench/rigging_bench" --benchmark_filter='^life/' --benchmark_repetitions=3 \
  --benchmark_report_aggregates_only=true --benchmark_out="$data.csv" --benchmark_out_format=csv >/dev/null
# name,iterations,real_time,... -> "N rigging_us rigging_unique_us hand_us" from the medians
awk -F, '/_median"?,/ {
    gsub(/"/, "", $1); split($1, part, "/"); n = part[3]; sub(/_median/, "", n)
    t[part[2], n] = $3; ns[n] = 1
  }
  END { for (n in ns) print n, t["rigging", n], t["rigging-unique", n], t["hand", n] }' "$data.csv" |
  sort -g >"$data.dat"
cat "$data.dat"
gnuplot -e "data='$data.dat'; out='$root/docs/images/startup.png'" "$root/bench/startup.gp"
echo "written: $root/docs/images/startup.png"
