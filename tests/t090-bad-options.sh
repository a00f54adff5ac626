#!/bin/sh
# t090-bad-options.sh - a bad LEAKSHIM_OPTIONS gives one clear line on
# stderr and an untouched run: same output, same status, no dump.
. "$(dirname "$0")/lib.sh"

bad() {	# OPTIONS EXPECTED-LINE
	rc=0
	(cd "$T" && LD_PRELOAD=$SHIM LEAKSHIM_OPTIONS="$1" "$EX/leaky" \
		>"$T/out" 2>"$T/err") || rc=$?
	is "$(cat "$T/err")" "$2" "'$1': one clear line"
	is "$rc:$(cat "$T/out")" "0:leaky: done" "'$1': the program runs as usual"
	set -- "$T"/*.dump
	ok $([ ! -e "$1" ]; echo $?) "'$1': no dump"
}

bad "foo=1" "leakshim: unknown option 'foo' in LEAKSHIM_OPTIONS; not tracking"
bad "depth=0" "leakshim: bad value '0' for option 'depth' in LEAKSHIM_OPTIONS; not tracking"
bad "signal=KILL" "leakshim: bad value 'KILL' for option 'signal' in LEAKSHIM_OPTIONS; not tracking"
bad "interval" "leakshim: malformed option 'interval' (want key=value) in LEAKSHIM_OPTIONS; not tracking"
bad "path=x.dump:exitcode=300" "leakshim: bad value '300' for option 'exitcode' in LEAKSHIM_OPTIONS; not tracking"

done_testing
