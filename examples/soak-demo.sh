#!/bin/sh
# examples/soak-demo.sh - what `make soak-demo` shows: a soak test.
#
# Starts a throwaway PostgreSQL (300 connections allowed), runs
# examples/pool_leak under leakshim for SOAK_SECONDS (120 by default) with
# a dump every 10 s and a metrics file, then runs `leakreport trend` on the
# dumps: it names the leaking lines, the growth rates, and when the server
# would run out of connections.  Everything stays in $B/soak-demo/.
set -u
B=${B:-build}
B=$(cd "$B" && pwd)
SECS=${SOAK_SECONDS:-120}
OUT=$B/soak-demo
T=$(mktemp -d "${TMPDIR:-/tmp}/leakshim-soak.XXXXXX")
. "$(dirname "$0")/../tests/pg.sh"
trap 'pg_stop; rm -rf "$T"' EXIT
PG_MAX_CONN=300
pg_start || exit 1
rm -rf "$OUT"
mkdir -p "$OUT"

echo "== pool_leak under leakshim for $SECS s: a dump every 10 s, metrics in"
echo "   $OUT/pool_leak.prom (PostgreSQL allows $PG_MAX_CONN connections)"
"$B/leakshim" --interval 10 --conn-limit "$PG_MAX_CONN" \
	--metrics "$OUT/pool_leak.prom" --path "$OUT/pool_leak.%p.%n.dump" \
	-o "$OUT/exit-report.txt" -- "$B/examples/pool_leak" "$SECS" \
	>"$OUT/pool_leak.log" || exit 1
tail -n 1 "$OUT/pool_leak.log"
echo
echo "== leakreport trend --plot $OUT/trend.svg $OUT/pool_leak.*.dump"
echo
"$B/leakreport" trend --plot "$OUT/trend.svg" "$OUT"/pool_leak.*.dump || exit 1
echo
echo "The plot: $OUT/trend.svg    The report at exit: $OUT/exit-report.txt"
