#!/bin/sh
# examples/demo.sh - what `make demo` shows: the incident, reproduced.
#
# Starts a throwaway PostgreSQL cluster in a temporary folder (as the
# postgres user when run as root), runs examples/pool_leak under leakshim
# for 8 seconds, asks it for a live dump with the dump signal halfway
# through, prints that report, and stops the cluster.  B is the build
# directory.
set -u
B=${B:-build}
B=$(cd "$B" && pwd)
T=$(mktemp -d "${TMPDIR:-/tmp}/leakshim-demo.XXXXXX")
. "$(dirname "$0")/../tests/pg.sh"
trap 'pg_stop; rm -rf "$T"' EXIT
pg_start || exit 1

echo "== a throwaway PostgreSQL is up: PGHOST=$PGHOST"
echo "== pool_leak under leakshim: 4 workers, a pool that loses a connection"
echo "   on an error path and a stats loop that never clears its results"
echo
cd "$T" || exit 1
LEAKSHIM_OPTIONS="conn_max=10:conn_idle=2:summary=0" \
	LD_PRELOAD="$B/libleakshim.so" "$B/examples/pool_leak" 8 &
pid=$!
sleep 5
echo
echo "== kill -s RTMIN+3 $pid   (a live dump; the service goes on)"
kill -s RTMIN+3 "$pid"
while [ ! -s "leakshim.$pid.1.dump" ]; do sleep 0.1; done
echo "== leakreport --top 3 leakshim.$pid.1.dump"
echo
"$B/leakreport" --top 3 "leakshim.$pid.1.dump"
wait "$pid"
