#!/bin/sh
# t410-trend.sh - soak analysis on real runs: examples/soak's steady leak
# is "growing" at its true rate (640 B/s, within 20%) and its cache is not;
# pool_leak's connections grow at the pace it leaks them, with the right
# time to exhaustion; diff compares two runs of one binary.
. "$(dirname "$0")/lib.sh"
. "$SRC/tests/pg.sh"

# soak: 12 s, a dump a second.
mkdir "$T/s"
(cd "$T/s" && LD_PRELOAD=$SHIM LEAKSHIM_OPTIONS="interval=1:summary=0" \
	"$EX/soak" 12)
"$REPORT" trend --format json "$T"/s/*.dump >"$T/s.json"
is "$?" 0 "trend reads the 13 dumps"
is "$(jq -r .dumps "$T/s.json")" 13 "12 periodic dumps and the exit dump"
ls=$(line_of soak.c LEAK:steady)
lc=$(line_of soak.c LEAK:cache)
site_of() {	# LINE: "verdict rate" of the memory site whose frame is at LINE
	jq -r --argjson l "$1" '[.sites[] | select(.resource == "memory") |
		select(any(.stack[]; .file != null and (.file | endswith("/soak.c"))
		and .line == $l))][0] | "\(.verdict) \(.rate_per_s)"' "$T/s.json"
}
set -- $(site_of "$ls")
is "$1" growing "the steady leak is growing"
ok $(awk -v r="$2" 'BEGIN { exit !(r >= 512 && r <= 768) }'; echo $?) \
	"at 640 B/s within 20% ($2 B/s)"
set -- $(site_of "$lc")
ok $([ "$1" != growing ]; echo $?) "the cache is not growing ($1)"
is "$1" plateau "it is a plateau: filled, then stopped"
"$REPORT" trend "$T"/s/*.dump >"$T/s.txt"
grep -q "^  memory  *+[0-9.]* B/s .* at leak_steadily ($SRC/examples/soak.c:$ls)\$" "$T/s.txt"
ok $? "the text names the leaking line"
"$REPORT" trend --plot "$T/s.svg" "$T"/s/*.dump >/dev/null
python3 -c 'import sys, xml.etree.ElementTree as E; E.parse(sys.argv[1])' "$T/s.svg"
ok $? "the plot is well-formed SVG"
grep -q "leak_steadily" "$T/s.svg"
ok $? "its legend names the growing site"

# diff: two runs of the same binary, 3 s and 6 s.
mkdir "$T/d1" "$T/d2"
(cd "$T/d1" && LD_PRELOAD=$SHIM LEAKSHIM_OPTIONS="summary=0" "$EX/soak" 3)
(cd "$T/d2" && LD_PRELOAD=$SHIM LEAKSHIM_OPTIONS="summary=0" "$EX/soak" 6)
"$REPORT" diff --format json "$T"/d1/*.dump "$T"/d2/*.dump >"$T/d.json"
is "$?" 0 "diff of two runs"
is "$(jq -r --argjson l "$ls" '[.sites[] | select(.resource == "memory" and any(.stack[]; .line == $l and (.file // "" | endswith("/soak.c"))))][0] | "\(.old) \(.new) \(.delta_blocks)"' "$T/d.json")" \
	"1920 3840 30" "the steady leak grew by 30 blocks, 1920 bytes, across runs"
is "$(jq -r --argjson l "$lc" '[.sites[] | select(any(.stack[]; .line == $l and (.file // "" | endswith("/soak.c"))))] | length' "$T/d.json")" \
	0 "the full cache is the same in both: not listed"

# Connections leaked at a steady pace, against a real server.
if ! pg_start; then
	for i in 1 2 3; do ok 0 "connections # SKIP no PostgreSQL"; done
	done_testing
fi
trap 'pg_stop; rm -rf "$T"' EXIT
mkdir "$T/p"
(cd "$T/p" && LD_PRELOAD=$SHIM \
	LEAKSHIM_OPTIONS="interval=1:conn_limit=60:summary=0" \
	"$EX/pool_leak" 10 >"$T/p.out")
leaked=$(sed -n 's/^pool_leak: leaked \([0-9]*\) connections.*/\1/p' "$T/p.out")
"$REPORT" trend --format json "$T"/p/*.dump >"$T/p.json"
set -- $(jq -r '.connections | "\(.rate_per_s) \(.open_last) \(.exhausted_in_s)"' "$T/p.json")
# pool_leak loses about 1.6 connections a second: 4 workers, one request
# in 25 every 100 ms each.
ok $(awk -v r="$1" -v n="$leaked" 'BEGIN { exit !(r >= 0.8 * n / 10 && r <= 1.2 * n / 10) }'; echo $?) \
	"connections grow at the pace it lost them ($1/s; it lost $leaked in 10 s)"
ok $(awk -v r="$1" -v o="$2" -v e="$3" 'BEGIN { x = (60 - o) / r; exit !(e > x - 0.5 && e < x + 0.5) }'; echo $?) \
	"the limit of 60 is reached in (60 - open) / rate s ($3 s)"
grep -q "the limit of 60 is reached in about" <<EOF2
$("$REPORT" trend "$T"/p/*.dump)
EOF2
ok $? "the text says when the limit is reached"

done_testing
