#!/bin/sh
# t210-pq-clients.sh - real libpq clients under the shim: psql and pgbench
# (a new connection per transaction) leave zero open connections and their
# output is unchanged; psycopg2, which loads libpq from a dlopen'ed
# extension, and a ctypes client, which calls libpq through a dlsym handle,
# are tracked exactly.
. "$(dirname "$0")/lib.sh"
. "$SRC/tests/pg.sh"
pg_start || { echo "1..0 # SKIP no PostgreSQL server"; exit 0; }
trap 'pg_stop; rm -rf "$T"' EXIT
PY=/usr/bin/python3

# psql -c
psql -Atc 'select 40 + 2' >"$T/plain" 2>&1
OPTS=summary=0 shim_run psql psql -Atc 'select 40 + 2'
is "$rc:$(cat "$T/out")" "0:$(cat "$T/plain")" "psql -c: same output and status"
"$REPORT" --format json "$(only_dump psql)" >"$T/psql.json"
is "$(jq -r '.summary | "\(.open_connections) \(.uncleared_results) \(.connections_opened) \(.connections_finished)"' "$T/psql.json")" \
	"0 0 1 1" "psql -c: one connection opened and finished, nothing left"

# pgbench -C: a connection per transaction.
pgbench -i -q >/dev/null 2>&1
pgbench -C -c 2 -t 50 -n >"$T/plain" 2>&1
OPTS=summary=0 shim_run bench pgbench -C -c 2 -t 50 -n
is "$rc" 0 "pgbench -C exits 0"
# Timings differ from run to run; everything else must not.
is "$(grep -v ' = ' "$T/out")" "$(grep -v ' = ' "$T/plain")" \
	"pgbench -C: same output, timings aside"
"$REPORT" --format json "$(only_dump bench)" >"$T/bench.json"
is "$(jq -r '.summary | "\(.open_connections) \(.uncleared_results)"' "$T/bench.json")" \
	"0 0" "pgbench -C: zero open connections, zero uncleared results"
is "$(jq -r '.summary.connections_opened' "$T/bench.json")" \
	"$(jq -r '.summary.connections_finished' "$T/bench.json")" \
	"pgbench -C: every connection opened was finished"
ok $([ "$(jq -r '.summary.connections_opened' "$T/bench.json")" -ge 100 ]; echo $?) \
	"pgbench -C: at least 100 connections seen"

# psycopg2: libpq comes in as a dependency of a dlopen'ed extension.
if $PY -c 'import psycopg2' 2>/dev/null; then
	shim_run psy $PY "$SRC/tests/progs/psyleak.py" "$T/psy.%d.1.dump"
	is "$rc:$(cat "$T/out")" "0:psyleak: done" "psycopg2: the client runs"
	set -- "$T"/psy.*.1.dump
	"$REPORT" --format json "$1" >"$T/psy.json"
	is "$(jq -r '.summary.open_connections' "$T/psy.json")" 3 \
		"psycopg2: the 3 leaked connections are open in the live dump"
	is "$(jq -r '[.connections[] | select(any(.stack[0:3][]; (.module // "") | contains("_psycopg")))] | map(.count) | add' "$T/psy.json")" \
		3 "psycopg2: at the extension's call site, right below libpq"
	is "$(jq -r '.summary | "\(.connections_opened) \(.connections_finished)"' "$T/psy.json")" \
		"5 2" "psycopg2: the 2 it closed were finished"
else
	for i in 1 2 3 4; do ok 0 "psycopg2 # SKIP python3-psycopg2 missing"; done
fi

# ctypes: PQconnectdb and PQfinish are called through a dlsym handle.
shim_run ct $PY "$SRC/tests/progs/ctypesleak.py"
is "$rc:$(cat "$T/out")" "0:ctypesleak: done" "ctypes: the client runs"
"$REPORT" --format json "$(only_dump ct)" >"$T/ct.json"
is "$(jq -r '.summary | "\(.open_connections) \(.connections_opened) \(.connections_finished)"' "$T/ct.json")" \
	"1 3 2" "ctypes: 3 opened, 2 finished, 1 open"
is "$(jq -r '.summary.uncleared_results' "$T/ct.json")" 1 \
	"ctypes: the result it did not clear"

is "$(pg_backends)" 0 "no client is left connected"

done_testing
