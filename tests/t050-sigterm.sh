#!/bin/sh
# t050-sigterm.sh - a service stopped with SIGTERM or SIGINT, which it
# leaves at their default action, still leaves its final dump, and dies of
# the same signal (same wait status) as without the shim.  A program that
# ignores SIGTERM keeps ignoring it.
. "$(dirname "$0")/lib.sh"

# stop SIGNAL PRELOAD: starts sleeper (SIGINT at its default action, which
# a background job of sh would not have), signals it, prints its status.
stop() {
	sig=$1
	shift
	env --default-signal=INT "$@" "$EX/sleeper" 30 >"$T/out" 2>"$T/err" &
	p=$!
	wait_for "$T/out" 5
	sleep 0.2
	kill -s "$sig" "$p"
	wait "$p"
	echo $?
}

plain=$(stop TERM env)
is "$plain" 143 "without the shim, SIGTERM gives status 143"
rm -f "$T/out"
shimmed=$(stop TERM env LD_PRELOAD="$SHIM" \
	LEAKSHIM_OPTIONS="path=$T/t.%p.%n.dump")
is "$shimmed" "$plain" "with the shim, the same status"
d=$(only_dump t)
ok $([ -n "$d" ]; echo $?) "and a final dump was written"
is "$(sed -n 2p "$d" | cut -d' ' -f4,8)" "exit f" \
	"the dump is the final one (reason exit, signal 15)"
"$REPORT" --format json "$d" >"$T/r.json"
set -- $(site "$T/r.json" sleeper.c "$(line_of sleeper.c LEAK:tick)")
ok $([ "$2" -gt 0 ]; echo $?) "it holds the blocks leaked so far ($2)"
grep -q "live when the signal came" "$T/err"
ok $? "the summary line says the signal ended it"

rm -f "$T/out"
plain=$(stop INT env)
rm -f "$T/out"
shimmed=$(stop INT env LD_PRELOAD="$SHIM" \
	LEAKSHIM_OPTIONS="path=$T/i.%p.%n.dump")
is "$shimmed" "$plain" "SIGINT: the same status as without the shim ($plain)"
ok $([ -n "$(only_dump i)" ]; echo $?) "SIGINT: a final dump was written"

# A program that ignores SIGTERM: the shim must not take it over.
rm -f "$T/out"
sh -c "trap '' TERM; exec env LD_PRELOAD=$SHIM \
	LEAKSHIM_OPTIONS=path=$T/g.%p.%n.dump $EX/sleeper 1" >"$T/out" 2>&1 &
p=$!
wait_for "$T/out" 5
kill -TERM "$p"
wait "$p"
is "$?" 0 "an ignored SIGTERM stays ignored"

done_testing
