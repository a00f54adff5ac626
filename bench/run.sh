#!/bin/sh
# bench/run.sh - the driver behind `make bench`.  The benchmarks themselves
# come with the performance work (issue 6); until then this says so.
echo "bench: no benchmarks yet"
