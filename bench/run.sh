#!/bin/sh
# bench/run.sh - the driver behind `make bench`: builds the workloads in
# bench/ and prints the figures recorded in bench/RESULTS.md.  B is the
# build directory (make sets it).
set -eu
B=${B:-build}
B=$(cd "$B" && pwd)
cd "$(dirname "$0")"
T=$(mktemp -d "${TMPDIR:-/tmp}/leakshim-bench.XXXXXX")
trap 'rm -rf "$T"' EXIT
cc -O2 -o "$T/scan1m" scan1m.c
cc -O2 -o "$T/pause" pause.c
cc -O2 -o "$T/forkbase" forkbase.c

hexms() {	# COUNTER DUMP: a dump counter in microseconds, as ms
	v=$(sed -n "s/^c $1 //p" "$2")
	echo "$(( 0x${v:-0} / 1000 ))"
}

echo "== classification of 1M live blocks at exit (3 runs)"
for i in 1 2 3; do
	rm -f "$T"/s.*.dump
	LD_PRELOAD="$B/libleakshim.so" \
		LEAKSHIM_OPTIONS="path=$T/s.%p.dump:summary=0" "$T/scan1m"
	d=$(ls "$T"/s.*.dump)
	echo "  copy and sort $(hexms snapshot_usec "$d") ms, scan $(hexms scan_usec "$d") ms"
done

echo "== pause of a live dump (the clone), 1 GiB heap (3 runs)"
for i in 1 2 3; do
	LD_PRELOAD="$B/libleakshim.so" \
		LEAKSHIM_OPTIONS="path=$T/p.%p.%n.dump:summary=0" "$T/pause" 1024
done
"$T/forkbase" 1024
