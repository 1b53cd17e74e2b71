# SPDX-License-Identifier: Apache-2.0
# Copyright The rigging Authors
# Start-up time against N, log-log: called by bench/plot.sh with `data` (N rigging_us rigging_unique_us hand_us)
# and `out`.
set terminal pngcairo size 800,500 font ",11"
set output out
set logscale xy
set xlabel "services (N); plugins = N/20"
set ylabel "one life: create, start, stop (microseconds)"
set title "Start-up time of the same objects: rigging against hand-written wiring"
set key top left
set grid
set xrange [80:12500]
set xtics (100, 1000, 10000)
plot data using 1:2 with linespoints lw 2 pt 7 title "rigging, factories return by value", \
     data using 1:3 with linespoints lw 2 pt 9 title "rigging, factories return make_unique" noenhanced, \
     data using 1:4 with linespoints lw 2 pt 5 title "hand-written (make_unique)" noenhanced, \
     data using 1:($4*3) with lines dt 2 lc rgb "gray" title "3 x hand-written (target)"
