#!/bin/sh
# SPDX-License-Identifier: MIT
#
# fuzz/run.sh - runs the libFuzzer targets that `make fuzz` built, each for
# FUZZ_SECONDS (default 60), on a copy of its seed corpus in $FUZZ_B/corpus
# (new inputs land there, never in fuzz/corpus), and exits 1 when any of
# them found a crash, a leak, undefined behaviour or a hang.  Each target's
# output goes to $FUZZ_B/fuzz_NAME.log, and the input that failed to
# $FUZZ_B/crashes/NAME-*; to reproduce: $FUZZ_B/fuzz_NAME THAT-FILE.
#
#   sh fuzz/run.sh NAME:MAX_LEN...     (make fuzz gives dump, options, suppress)
#
# The dump target also starts from the regression inputs in
# tests/fuzz-regress/.
set -u
cd "$(dirname "$0")/.." || exit 2
: "${FUZZ_B:=build-fuzz}"
: "${FUZZ_SECONDS:=60}"

status=0
for run in "$@"; do
	name=${run%%:*}
	len=${run#*:}
	corpus=$FUZZ_B/corpus/$name
	mkdir -p "$corpus" "$FUZZ_B/crashes" || exit 2
	cp fuzz/corpus/"$name"/* "$corpus"/ || exit 2
	if [ "$name" = dump ]; then
		for f in tests/fuzz-regress/*.dump; do
			[ -f "$f" ] && cp "$f" "$corpus"/
		done
	fi
	log=$FUZZ_B/fuzz_$name.log
	echo "fuzz_$name: $FUZZ_SECONDS s, inputs up to $len bytes," \
		"corpus $corpus"
	# -timeout: an input that takes 10 s is a hang; detect_leaks is on
	# by default with ASan, and UBSan does not recover (make fuzz).
	if "$FUZZ_B/fuzz_$name" -max_total_time="$FUZZ_SECONDS" \
		-max_len="$len" -timeout=10 -rss_limit_mb=2048 \
		-print_final_stats=1 \
		-artifact_prefix="$FUZZ_B/crashes/$name-" "$corpus" \
		>"$log" 2>&1; then
		grep -E '^stat::(number_of_executed_units|peak_rss_mb)' "$log" |
			sed "s/^/    /"
	else
		echo "fuzz_$name FAILED: the end of $log:"
		tail -n 40 "$log" | sed "s/^/    /"
		status=1
	fi
done
exit $status
