#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Copyright The rigging Authors
# Benchmark 4 of docs/performance.md: compile time and peak compiler memory of the generated TU, written the way
# a user writes it (generate.py user-rigging / user-rigging-unique / user-hand), and the stripped size of the
# linked program.
#
#   bench/compile_time.sh [out-dir]        env: SIZES="0 100 1000" COMPILERS="g++ clang++" RUNS=3 SEED=1
#                                               FORMS="rigging rigging-unique hand"
#
# Forms: rigging (factories return their service by value), rigging-unique (factories return
# std::make_unique<S>(...)), hand (the same classes wired by hand in main(), std::make_unique).
#
# Each TU is compiled RUNS times with `<compiler> -std=c++20 -O2 -c` under /usr/bin/time -v; the table holds
# the medians of wall time, CPU time (user + system: less sensitive to a busy machine) and maximum resident
# set size, then the size of the program linked from the last object and stripped. Every program is run once
# to check it works. Prints a table and writes it to <out-dir>/compile_time.tsv.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
out=${1:-$root/build/compile-time}
sizes=${SIZES:-"0 100 1000"}
compilers=${COMPILERS:-"g++ clang++"}
runs=${RUNS:-3}
seed=${SEED:-1}
forms=${FORMS:-"rigging rigging-unique hand"}
mkdir -p "$out"

median() { sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

table="$out/compile_time.tsv"
printf 'compiler\tform\tN\twall_s\tcpu_s\tpeak_MiB\tstripped_bytes\n' >"$table"
for n in $sizes; do
  for form in $forms; do
    python3 "$root/bench/generate.py" "user-$form" "$n" "$seed" "$out/user_${form}_$n.cpp"
  done
done
for compiler in $compilers; do
  for n in $sizes; do
    for form in $forms; do
      src="$out/user_${form}_$n.cpp"
      name="$out/${compiler}_${form}_$n"
      : >"$name.runs"
      for ((r = 1; r <= runs; r++)); do
        /usr/bin/time -v -o "$name.time" "$compiler" -std=c++20 -O2 -I"$root/include" -c "$src" -o "$name.o"
        awk -F': ' '
          /User time/ { cpu += $2 } /System time/ { cpu += $2 }
          /Elapsed \(wall clock\)/ { n = split($2, t, ":"); wall = 0; for (i = 1; i <= n; i++) wall = wall * 60 + t[i] }
          /Maximum resident set size/ { rss = $2 }
          END { printf "%.2f %.2f %.1f\n", wall, cpu, rss / 1024 }' "$name.time" >>"$name.runs"
      done
      "$compiler" "$name.o" -o "$name" -lfmt -pthread
      strip -o "$name.stripped" "$name"
      "$name"
      wall=$(cut -d' ' -f1 "$name.runs" | median)
      cpu=$(cut -d' ' -f2 "$name.runs" | median)
      rss=$(cut -d' ' -f3 "$name.runs" | median)
      size=$(stat -c %s "$name.stripped")
      printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$compiler" "$form" "$n" "$wall" "$cpu" "$rss" "$size" | tee -a "$table"
    done
  done
done
echo "written: $table"
