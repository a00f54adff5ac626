#!/bin/sh
# t040-signal.sh - the dump signal (RTMIN+3 by default) gives a dump of a
# running program, which goes on and finishes normally; another dump
# follows at exit.  A custom signal (USR2) works the same way.
. "$(dirname "$0")/lib.sh"

# sleeper 2 leaks one 32-byte block every 10 ms, 200 in all.
LD_PRELOAD=$SHIM LEAKSHIM_OPTIONS="path=$T/s.%p.%n.dump" \
	"$EX/sleeper" 2 >"$T/out" 2>"$T/err" &
pid=$!
wait_for "$T/out" 5
sleep 0.3
kill -s RTMIN+3 "$pid"
wait_for "$T/s.$pid.1.dump" 5
ok $? "a dump appears after the signal"
wait "$pid"
is "$?" 0 "the program went on and exited 0"
is "$(cat "$T/out")" "sleeper: ready" "its output is unchanged"
is "$(sed -n 2p "$T/s.$pid.1.dump" | cut -d' ' -f4)" signal \
	"the first dump's reason is signal"
is "$(sed -n 2p "$T/s.$pid.2.dump" | cut -d' ' -f4)" exit \
	"the second dump's reason is exit"
l=$(line_of sleeper.c LEAK:tick)
"$REPORT" --all --format json "$T/s.$pid.1.dump" >"$T/1.json"
"$REPORT" --all --format json "$T/s.$pid.2.dump" >"$T/2.json"
set -- $(site "$T/1.json" sleeper.c "$l")
ok $([ "$2" -gt 0 ] && [ "$2" -lt 200 ]; echo $?) \
	"the live dump caught the program mid-way ($2 blocks)"
set -- $(site "$T/2.json" sleeper.c "$l")
is "$1 $2" "6400 200" "the exit dump has all 200 blocks"
is "$(jq -r .process.reason "$T/1.json")" signal "JSON reason signal"

# USR2 as the dump signal.
LD_PRELOAD=$SHIM LEAKSHIM_OPTIONS="path=$T/u.%p.%n.dump:signal=USR2" \
	"$EX/sleeper" 1 >"$T/out2" 2>"$T/err" &
pid=$!
wait_for "$T/out2" 5
kill -USR2 "$pid"
wait_for "$T/u.$pid.1.dump" 5
ok $? "signal=USR2: a dump after kill -USR2"
wait "$pid"
is "$?" 0 "signal=USR2: the program was not killed"

# signal=0: no handler, so RTMIN+3 keeps its default action (terminate).
LD_PRELOAD=$SHIM LEAKSHIM_OPTIONS="path=$T/z.%p.%n.dump:signal=0" \
	"$EX/sleeper" 5 >"$T/out3" 2>"$T/err" &
pid=$!
wait_for "$T/out3" 5
kill -s RTMIN+3 "$pid"
wait "$pid"
is "$?" $((128 + $(python3 -c 'import signal; print(signal.SIGRTMIN + 3)'))) \
	"signal=0: the signal keeps its default action"

# interval=1: periodic dumps while it runs, then the one at exit.
LD_PRELOAD=$SHIM LEAKSHIM_OPTIONS="path=$T/i.%p.%n.dump:interval=1:summary=0" \
	"$EX/sleeper" 3 >/dev/null 2>&1
n=0
prev=0
grow=0
for k in 1 2 3 4 5 6; do
	set -- "$T"/i.*."$k".dump
	[ -f "$1" ] || break
	reason=$(sed -n 2p "$1" | cut -d' ' -f4)
	[ "$reason" = interval ] && n=$((n + 1))
	blocks=$("$REPORT" --format json "$1" | jq -r .summary.live_blocks)
	[ "$blocks" -gt "$prev" ] && grow=$((grow + 1))
	prev=$blocks
	last=$reason
done
ok $([ "$n" -ge 2 ] && [ "$n" -le 3 ]; echo $?) \
	"interval=1: a dump a second ($n in 3 s)"
is "$last" exit "interval=1: the last dump is the exit dump"
is "$grow" $((n + 1)) "interval=1: each dump holds more blocks than the last"

done_testing
