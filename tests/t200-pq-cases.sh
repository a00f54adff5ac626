#!/bin/sh
# t200-pq-cases.sh - libpq objects against a real PostgreSQL server: every
# connection, result and cancel handle tests/progs/pqcases.c forgets is
# reported at its line with its exact count; those it closes are not; idle
# and idle-in-transaction connections and failed connects are told apart;
# no password reaches a dump, a report or a log line.
. "$(dirname "$0")/lib.sh"
. "$SRC/tests/pg.sh"
pg_start || { echo "1..0 # SKIP no PostgreSQL server"; exit 0; }
trap 'pg_stop; rm -rf "$T"' EXIT

OPTS=conn_idle=1 shim_run pq "$B/tests/pqcases" 2
is "$rc" 0 "pqcases exits 0 under the shim"
is "$(cat "$T/out")" "pqcases: done" "its output is unchanged"
d=$(only_dump pq)
"$REPORT" --format json "$d" >"$T/r.json"
"$REPORT" "$d" >"$T/r.txt"
ok $? "leakreport reads the dump"

conn() {	# MARKER COUNT: connections opened at MARKER's line
	l=$(line_of ../tests/progs/pqcases.c "$1")
	is "$(sum_at "$T/r.json" connections count pqcases.c "$l")" "$2" \
		"$1: $2 open at pqcases.c:$l"
}
conn LEAK:conn 3
conn LEAK:params 1
conn LEAK:uri 1
conn LEAK:setdb 1
conn LEAK:async 1
conn LEAK:intrans 1
conn LEAK:failed 1
l=$(line_of ../tests/progs/pqcases.c LEAK:failed)
is "$(sum_at "$T/r.json" connections failed pqcases.c "$l")" 1 \
	"LEAK:failed: counted as a failed connect"
l=$(line_of ../tests/progs/pqcases.c LEAK:intrans)
is "$(sum_at "$T/r.json" connections idle_in_transaction pqcases.c "$l")" 1 \
	"LEAK:intrans: idle in a transaction"
is "$(sum_at "$T/r.json" connections idle pqcases.c "$l")" 0 \
	"LEAK:intrans: not counted as plain idle"
l=$(line_of ../tests/progs/pqcases.c LEAK:conn)
is "$(sum_at "$T/r.json" connections idle pqcases.c "$l")" 3 \
	"LEAK:conn: all 3 idle for over conn_idle=1 s"
l=$(line_of ../tests/progs/pqcases.c LEAK:result)
is "$(sum_at "$T/r.json" results count pqcases.c "$l")" 4 \
	"LEAK:result: 4 results not cleared (10 cleared are not reported)"
ok $([ "$(sum_at "$T/r.json" results bytes pqcases.c "$l")" -gt 4000 ]; echo $?) \
	"LEAK:result: their size comes from PQresultMemorySize"
l=$(line_of ../tests/progs/pqcases.c LEAK:cancel)
is "$(sum_at "$T/r.json" cancels count pqcases.c "$l")" 2 \
	"LEAK:cancel: 2 cancel handles not freed (1 freed is not reported)"

is "$(jq -r '.summary | "\(.open_connections) \(.failed_connections) \(.idle_connections) \(.idle_in_transaction) \(.uncleared_results) \(.open_cancels)"' "$T/r.json")" \
	"8 1 7 1 4 2" "summary: open, failed, idle, in transaction, results, cancels"
is "$(jq -r '.summary | "\(.connections_opened) \(.connections_finished) \(.connections_failed)"' "$T/r.json")" \
	"11 2 1" "counters: 11 opened, 2 finished, 1 failed"
is "$(jq -r '[.connections[].count] | add' "$T/r.json")" 9 \
	"no other connection is reported"
is "$(jq -r --arg t "test@$PGHOST:5432/postgres" '[.connections[] | select(.failed == 0) | .targets == [$t]] | all' "$T/r.json")" \
	true "targets are user@host:port/dbname"
is "$(jq -r '[.connections[].backend_pids[]] | length' "$T/r.json")" 8 \
	"each open connection has its server pid"

grep -rl 'SeCrEt' "$T" >"$T/found" 2>/dev/null
is "$(wc -l <"$T/found")" 0 "no password in any dump, report or log line"

is "$(pg_backends)" 0 "no connection is left on the server after exit"

# Text: connections come first, at the lines that opened them.
l=$(line_of ../tests/progs/pqcases.c LEAK:conn)
grep -n "^Open connections: 3 at open_conn ($SRC/tests/progs/pqcases.c:$l)" "$T/r.txt" >"$T/first"
ok $? "the text report names the connection leak's line"
first_mem=$(grep -n '^Live:' "$T/r.txt" | head -n 1 | cut -d: -f1)
ok $([ "$(cut -d: -f1 "$T/first")" -lt "${first_mem:-999999}" ]; echo $?) \
	"connections come before memory in the text report"

done_testing
