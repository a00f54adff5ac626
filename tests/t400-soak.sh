#!/bin/sh
# t400-soak.sh - what a soak test leans on, shim side: keep= rotation of
# periodic dumps, the metrics file (contents and atomic replacement), and
# leakshim snapshot of a running program.
. "$(dirname "$0")/lib.sh"

# keep=3: the first periodic dump and the newest two stay; the exit dump
# is never rotated away.
mkdir "$T/k"
(cd "$T/k" && LD_PRELOAD=$SHIM \
	LEAKSHIM_OPTIONS="interval=1:keep=3:summary=0" "$EX/soak" 6)
set -- $(cd "$T/k" && ls | sed 's/^leakshim\.[0-9]*\.\([0-9]*\)\.dump$/\1/' | sort -n)
eval "last=\${$#}"
is "$*" "1 $((last - 2)) $((last - 1)) $last" \
	"keep=3: the first dump, the newest two, and the exit dump ($*)"
ok $([ "$last" -ge 6 ]; echo $?) "after at least 5 periodic dumps"
is "$(grep -l '^P [0-9a-f]* [0-9a-f]* interval ' "$T"/k/* | wc -l)" 3 \
	"three periodic dumps kept"
is "$(grep -l '^P [0-9a-f]* [0-9a-f]* exit ' "$T"/k/* | wc -l)" 1 \
	"and the exit dump"

# metrics: written every interval, replaced whole, with the figures.
mkdir "$T/m"
LD_PRELOAD=$SHIM LEAKSHIM_OPTIONS="path=$T/m/d.%p.%n.dump:interval=1:metrics=$T/m/app.prom:summary=0" \
	"$EX/soak" 4 &
p=$!
: >"$T/seen"
i=0
while kill -0 "$p" 2>/dev/null && [ "$i" -lt 100 ]; do
	# A reader must never see a partial file: every read is complete.
	if [ -f "$T/m/app.prom" ]; then
		tail -n 1 "$T/m/app.prom" >>"$T/seen"
	fi
	sleep 0.05
	i=$((i + 1))
done
wait "$p"
ok $([ -s "$T/seen" ]; echo $?) "the metrics file appeared while it ran"
is "$(grep -cv '^leakshim_uptime_seconds{program="soak",pid="[0-9]*"} [0-9]*$' "$T/seen")" 0 \
	"every read saw a whole file (its last line complete)"
is "$(stat -c %a "$T/m/app.prom")" 644 "mode 0644, for a scraper running as another user"
is "$(ls "$T/m" | grep -c tmp)" 0 "no temporary file left"
m=$T/m/app.prom
val() { sed -n "s/^$1{program=\"soak\",pid=\"$p\"} //p" "$m"; }
for name in live_bytes live_blocks allocations_total frees_total \
	open_connections idle_connections idle_in_transaction_connections \
	failed_connections uncleared_results connections_opened_total \
	dumps_total dropped_total tracker_bytes uptime_seconds; do
	ok $([ -n "$(val leakshim_$name)" ]; echo $?) "metric leakshim_$name"
done
is "$(grep -c '^# TYPE leakshim_[a-z_]* \(gauge\|counter\)$' "$m")" 14 \
	"each metric is typed"
# The last write is the exit's: its live figures are the exit dump's.
d=$(ls "$T"/m/d.*.dump | sort -t. -k3 -n | tail -n 1)
"$REPORT" --all --format json "$d" >"$T/m.json"
is "$(val leakshim_live_bytes) $(val leakshim_live_blocks)" \
	"$(jq -r '.summary | "\(.live_bytes) \(.live_blocks)"' "$T/m.json")" \
	"at exit the metrics match the exit dump's live bytes and blocks"
is "$(val leakshim_allocations_total) $(val leakshim_frees_total)" \
	"$(jq -r '.summary | "\(.total_allocs) \(.total_frees)"' "$T/m.json")" \
	"and its allocation and free counters"
is "$(val leakshim_dumps_total)" "$(ls "$T"/m/d.*.dump | wc -l)" \
	"dumps_total counts the dumps written"

# snapshot
LD_PRELOAD=$SHIM LEAKSHIM_OPTIONS="path=$T/s.%p.%n.dump:summary=0" \
	"$EX/sleeper" 5 >"$T/out" 2>&1 &
p=$!
wait_for "$T/out" 5
(cd / && "$LEAKSHIM" snapshot --format json "$p") >"$T/snap.json"
is "$?" 0 "snapshot exits 0"
is "$(jq -r '"\(.process.pid) \(.process.reason)"' "$T/snap.json")" \
	"$p signal" "snapshot prints the report of a new live dump"
kill -0 "$p"
ok $? "the program goes on"
"$LEAKSHIM" snapshot --format json "$p" >"$T/snap2.json"
is "$(jq -r .process.reason "$T/snap2.json")" signal "a second snapshot"
ok $([ "$(ls "$T"/s.*.dump | wc -l)" -eq 2 ]; echo $?) \
	"each snapshot wrote its own dump"
wait "$p"
is "$?" 0 "and the program finished normally"

# A wrong --signal is refused before it is sent (the process does not
# catch it); the right --signal and --path work without the environment.
LD_PRELOAD=$SHIM LEAKSHIM_OPTIONS="path=$T/o.%p.%n.dump:summary=0:signal=RTMIN+5" \
	"$EX/sleeper" 5 >"$T/out2" 2>&1 &
p=$!
wait_for "$T/out2" 5
rc=0
"$LEAKSHIM" snapshot --signal RTMIN+3 "$p" >/dev/null 2>"$T/err" || rc=$?
is "$rc" 2 "snapshot --signal of a signal the program does not catch: status 2"
grep -q "^leakshim: process $p does not catch SIGRTMIN+3, so it would die of it; no signal sent" "$T/err"
ok $? "with a clear message"
kill -0 "$p"
ok $? "and the program is alive"
(cd / && "$LEAKSHIM" snapshot --signal RTMIN+5 --path "$T/o.%p.%n.dump" \
	--format json "$p") >"$T/snap3.json"
is "$?:$(jq -r .process.reason "$T/snap3.json")" 0:signal \
	"snapshot --signal RTMIN+5 --path PATTERN"
wait "$p"

sleep 30 &
p=$!
rc=0
"$LEAKSHIM" snapshot "$p" 2>"$T/err" || rc=$?
is "$rc" 2 "snapshot of a program without the shim: status 2"
grep -q "^leakshim: process $p is not running the shim" "$T/err"
ok $? "with a clear message"
kill -0 "$p"
ok $? "and the program was not signalled"
kill "$p"

done_testing
