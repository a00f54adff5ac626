#!/bin/sh
# t220-pool-leak.sh - the incident, reproduced: examples/pool_leak under the
# shim.  The report names the pool's leaking line with exactly the number of
# connections the program itself says it lost, and the stats loop's
# uncleared results; a live dump shows them idle while it runs; conn_max
# raises its alert.
. "$(dirname "$0")/lib.sh"
. "$SRC/tests/pg.sh"
pg_start || { echo "1..0 # SKIP no PostgreSQL server"; exit 0; }
trap 'pg_stop; rm -rf "$T"' EXIT

LD_PRELOAD=$SHIM LEAKSHIM_OPTIONS="path=$T/pool.%p.%n.dump:conn_max=3:conn_idle=1:summary=0" \
	"$EX/pool_leak" 5 >"$T/out" 2>"$T/err" &
p=$!
sleep 3.5
kill -s RTMIN+3 "$p"
wait "$p"
is "$?" 0 "pool_leak exits 0 under the shim"
set -- $(sed -n 's/^pool_leak: leaked \([0-9]*\) connections and \([0-9]*\) results$/\1 \2/p' "$T/out")
conns=$1 results=$2
ok $([ "$conns" -ge 4 ]; echo $?) "it leaked connections ($conns by its own count)"

lc=$(line_of pool_leak.c LEAK:checkout)
ls=$(line_of pool_leak.c LEAK:stats)
"$REPORT" --format json "$T/pool.$p.2.dump" >"$T/exit.json"
is "$(sum_at "$T/exit.json" connections count pool_leak.c "$lc")" "$conns" \
	"exit dump: exactly the $conns lost connections, at pool_checkout"
is "$(jq -r '.summary.open_connections' "$T/exit.json")" "$conns" \
	"exit dump: no other connection is open"
is "$(sum_at "$T/exit.json" results count pool_leak.c "$ls")" "$results" \
	"exit dump: exactly the $results uncleared results, at report_stats"
is "$(jq -r '.summary.uncleared_results' "$T/exit.json")" "$results" \
	"exit dump: no other result"
is "$(jq -r '.summary | .connections_opened - .connections_finished' "$T/exit.json")" \
	"$conns" "exit dump: opened - finished = lost"

"$REPORT" --format json "$T/pool.$p.1.dump" >"$T/live.json"
is "$(jq -r .process.reason "$T/live.json")" signal "a live dump while it ran"
live=$(sum_at "$T/live.json" connections count pool_leak.c "$lc")
idle=$(sum_at "$T/live.json" connections idle pool_leak.c "$lc")
ok $([ "$idle" -ge 1 ] && [ "$idle" -le "$live" ]; echo $?) \
	"live dump: lost connections idle for over 1 s ($idle of $live)"

grep -q "^leakshim: [0-9]* libpq connections open, over conn_max=3: [0-9]* at pool_leak+0x[0-9a-f]*" "$T/err"
ok $? "conn_max=3 raised an alert naming the opening site"
n=$(grep -c 'over conn_max' "$T/err")
ok $([ "$n" -ge 1 ] && [ "$n" -le 4 ]; echo $?) \
	"and repeated only when the count doubled ($n lines)"

"$REPORT" "$T/pool.$p.2.dump" >"$T/r.txt"
grep -q "^Open connections: $conns at pool_checkout ($SRC/examples/pool_leak.c:$lc)" "$T/r.txt"
ok $? "the text report leads with the pool's leaking line"

done_testing
