#!/bin/sh
# SPDX-License-Identifier: MIT
#
# t017-reporter-trend.sh - leakreport trend end to end, without the shim:
# a small program gives real return addresses for known functions, and a
# soak test's periodic dumps are written by hand around them, twelve of
# them a minute apart: a steady leak of 400 B/s with noise, a cache that
# fills in the first third and stays, a queue that drains, a site that
# stays flat, a site without symbols (whose module path needs escaping in
# XML) that grows 100 B/s, connections that grow 0.05/s towards a
# conn_limit of 100 (with a failed connect that does not count as open),
# and results that pile up.  Checked: verdicts, rates within tolerance, r2
# bounds, the order of the sites, the text lines, the JSON shape, the
# connection forecast with the dump's limit, --conn-limit, none and one
# already reached, dumps given out of order and dumps of several
# processes, usage errors, and the SVG plot (well-formed, self-contained,
# the expected polylines and legend, mode 0644, written whole).
#
# Needs gcc, objdump, readelf, jq and python3.  $B is the build directory
# holding leakreport (make check sets it).

. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/reporter.sh"

need gcc objdump readelf jq python3

# has_line DESC FILE LINE: FILE has exactly that line.
has_line() {
	if grep -qxF -- "$3" "$2"; then
		ok 0 "$1"
	else
		ok 1 "$1"
		printf '#   want: %s\n' "$3"
		sed 's/^/#   got:  /' "$2"
	fi
}

# --- the program: one function per site ---

cat >"$T/prog.c" <<'EOF'
#include <stdlib.h>

void *volatile keep;

/* Stands in for a libpq entry point: the dumps put libpq frames above. */
__attribute__((noinline)) void *pq_call(void)
{
	return malloc(1);
}

__attribute__((noinline)) void leak_steady(void)
{
	keep = malloc(64); /* L_STEADY */
}

__attribute__((noinline)) void cache_put(void)
{
	keep = malloc(512); /* L_CACHE */
}

__attribute__((noinline)) void drain_queue(void)
{
	keep = malloc(4096); /* L_DRAIN */
}

__attribute__((noinline)) void config_load(void)
{
	keep = malloc(128); /* L_CONFIG */
}

__attribute__((noinline)) void pool_checkout(void)
{
	keep = pq_call(); /* L_CHECKOUT */
}

__attribute__((noinline)) void dial(void)
{
	keep = pq_call(); /* L_DIAL */
}

__attribute__((noinline)) void report_stats(void)
{
	keep = pq_call(); /* L_STATS */
}

int main(void)
{
	leak_steady();
	cache_put();
	drain_queue();
	config_load();
	pool_checkout();
	dial();
	report_stats();
	return 0;
}
EOF
build_prog prog.c

STEADY=$(ret leak_steady malloc@plt)
CACHE=$(ret cache_put malloc@plt)
DRAIN=$(ret drain_queue malloc@plt)
CONFIG=$(ret config_load malloc@plt)
CHECKOUT=$(ret pool_checkout pq_call)
DIAL=$(ret dial pq_call)
STATS=$(ret report_stats pq_call)
M_STEADY=$(ret main leak_steady)
M_CACHE=$(ret main cache_put)
M_DRAIN=$(ret main drain_queue)
M_CONFIG=$(ret main config_load)
M_CHECKOUT=$(ret main pool_checkout)
M_DIAL=$(ret main dial)
M_STATS=$(ret main report_stats)
for v in "$STEADY" "$CACHE" "$DRAIN" "$CONFIG" "$CHECKOUT" "$DIAL" \
	"$STATS" "$M_STEADY" "$M_CACHE" "$M_DRAIN" "$M_CONFIG" \
	"$M_CHECKOUT" "$M_DIAL" "$M_STATS"; do
	[ -n "$v" ] ||
		{ echo "Bail out! no call site in the disassembly"; exit 1; }
done

# The program's module line (non-PIE: bias 0), as t010 builds it.
LO=
HI=0
for seg in $(readelf -lW "$T/prog" | awk '$1 == "LOAD" { print $3 ":" $6 }')
do
	va=$((${seg%%:*}))
	end=$((va + ${seg##*:}))
	[ -z "$LO" ] || [ $va -lt $LO ] && LO=$va
	[ $end -gt $HI ] && HI=$end
done
RANGE=$(printf '%x %x' $((LO / 4096 * 4096)) $(((HI + 4095) / 4096 * 4096)))
BUILD_ID=$(readelf -n "$T/prog" | awk '/Build ID/ { print $3 }')
[ -n "$BUILD_ID" ] || BUILD_ID=-

SRC_STEADY="$T/prog.c:$(line L_STEADY)"
SRC_CACHE="$T/prog.c:$(line L_CACHE)"
SRC_DRAIN="$T/prog.c:$(line L_DRAIN)"
SRC_CONFIG="$T/prog.c:$(line L_CONFIG)"
SRC_CHECKOUT="$T/prog.c:$(line L_CHECKOUT)"
SRC_DIAL="$T/prog.c:$(line L_DIAL)"
SRC_STATS="$T/prog.c:$(line L_STATS)"
ODD='/nonexistent/lib&<x>.so'
ODD_SITE="?? ($ODD+0x10)"

# --- the dumps ---

# Noise on the steady leak, in bytes, one per dump.
NOISE="0 2500 -1800 900 -2600 1400 -700 2100 -1500 300 -2200 1200"
T0=1700000000000

# trend_dump OUT K PID UPTIME_MS LIMIT: dump number K of the soak (0 to 11),
# written K minutes after T0, with conn_limit LIMIT (0: none) and the
# given pid and uptime.
trend_dump() {
	out=$1 dk=$2 dpid=$3 up=$4 limit=$5
	x=$(((dk + 1) * 60))
	set -- $NOISE
	shift "$dk"
	steady=$((1024 + 400 * x + $1))
	if [ "$dk" -lt 4 ]; then
		cache=$((262144 * (dk + 1) / 4))
	else
		cache=262144
	fi
	drain=$((65536 - 4096 * dk))
	conns=$((2 + 3 * dk))
	{
		echo "P $(h "$dpid") 1 interval $(h $((T0 + dk * 60000))) $(h "$up") $(h $((dk + 1))) 0"
		echo "X $T/prog"
		echo "N prog"
		[ "$limit" -eq 0 ] || echo "o conn_limit $(h "$limit")"
		echo "c allocs $(h $((1000 * (dk + 1))))"
		echo "c conn_opened $(h $((conns + 1)))"
		echo "m $RANGE 0 $BUILD_ID $T/prog"
		echo "m 7d0000000000 7d0000100000 7d0000000000 - /nonexistent/libpq.so.5"
		echo "m 7e0000000000 7e0000001000 7e0000000000 - $ODD"
		echo "s 1 2 $STEADY $M_STEADY"
		echo "s 2 2 $CACHE $M_CACHE"
		echo "s 3 2 $DRAIN $M_DRAIN"
		echo "s 4 2 $CONFIG $M_CONFIG"
		echo "s 5 3 7d0000000020 $CHECKOUT $M_CHECKOUT"
		echo "s 6 3 7d0000000020 $DIAL $M_DIAL"
		echo "s 7 3 7d0000000030 $STATS $M_STATS"
		echo "s 8 1 7e0000000010"
		echo "s 9 2 $STEADY $M_STEADY"
		# the steady site is split over two stacks of the same frames
		echo "b 1 d $(h $(((steady - 1024) / 64))) $(h $((steady - 1024))) $(h $((x * 1000)))"
		echo "b 9 r 10 $(h 1024) $(h $((x * 1000)))"
		echo "b 2 r $(h $((cache / 512))) $(h "$cache") $(h $((x * 1000)))"
		echo "b 3 l $(h $((drain / 4096))) $(h "$drain") 3e8"
		echo "b 4 d 20 $(h 4096) 3e8"
		echo "b 4 r 1 60 3e8"
		echo "b 8 d $(h "$x") $(h $((100 * x))) 3e8"
		i=0
		while [ "$i" -lt "$conns" ]; do
			echo "C 5 ea60 ea60 0 0 0 $(h $((100 + i))) u@h:5432/db"
			i=$((i + 1))
		done
		echo "C 6 3e8 3e8 1 0 1 0 u@h:5432/db"
		echo "R 7 $(h $((1 + 5 * dk))) $(h $((100 * (1 + 5 * dk)))) 3e8"
	} >"$T/body"
	{ echo "leakshim-dump 1"; cat "$T/body"; echo "e $(h $(wc -l <"$T/body")) 0"; } >"$out"
}

mkdir "$T/d" "$T/p" "$T/n" "$T/m"
k=0
while [ $k -lt 12 ]; do
	n=$(printf '%02d' $k)
	trend_dump "$T/d/soak.$n.dump" $k 4242 $(((k + 1) * 60000)) 100
	# the same soak, restarted half way: two processes
	if [ $k -lt 6 ]; then pid=4242; else pid=4343; fi
	trend_dump "$T/p/soak.$n.dump" $k $pid $(((k % 6 + 1) * 60000)) 100
	# no conn_limit in the dumps
	trend_dump "$T/n/soak.$n.dump" $k 4242 $(((k + 1) * 60000)) 0
	# no connections at all
	grep -v '^[CR] \|^c conn_opened' "$T/d/soak.$n.dump" | sed '$d' >"$T/body"
	sed 1d "$T/body" >"$T/body2"
	{ cat "$T/body"; echo "e $(h $(wc -l <"$T/body2")) 0"; } >"$T/m/soak.$n.dump"
	k=$((k + 1))
done
"$REPORT" "$T/d/soak.00.dump" >/dev/null 2>&1
ok $? "a hand-written dump reads"
"$REPORT" "$T/m/soak.11.dump" >/dev/null 2>&1
ok $? "and one without libpq records"

# --- JSON ---

"$REPORT" trend --format json "$T"/d/soak.*.dump >"$T/t.json" 2>"$T/t.err"
ok $? "trend --format json: exit 0"
J=$T/t.json
jq_is "valid JSON, format and version" "$J" \
	'.format == "leakshim-trend" and .version == 1'
jq_is "DESIGN.md's keys first, in order" "$J" '
	keys_unsorted[:6] == ["format", "version", "dumps", "span_s", "sites",
			      "connections"]'
jq_is "12 dumps over 660 s (the uptime axis of one process)" "$J" '
	.dumps == 12 and .span_s == 660 and .x_axis == "uptime" and
	.x_s[0] == 60 and .x_s[11] == 720 and .pids == [4242]'
jq_is "site keys in DESIGN.md's order" "$J" '
	all(.sites[]; keys_unsorted[:7] == ["resource", "verdict",
		"rate_per_s", "r2", "first", "last", "stack"])'
jq_is "frames as in the report" "$J" '
	.sites[0].stack[0] | keys_unsorted == ["pc", "module", "function",
		"file", "line", "inlined"]'
jq_is "sites in order: growing by rate, plateau, shrinking; flat left out" \
	"$J" '[.sites[] | [.resource, .verdict, .site]] == [
		["memory", "growing", "leak_steady ('"$SRC_STEADY"')"],
		["memory", "growing", "'"$ODD_SITE"'"],
		["results", "growing", "report_stats ('"$SRC_STATS"')"],
		["connections", "growing", "pool_checkout ('"$SRC_CHECKOUT"')"],
		["memory", "plateau", "cache_put ('"$SRC_CACHE"')"],
		["memory", "shrinking", "drain_queue ('"$SRC_DRAIN"')"]]'
jq_is "steady leak with noise: growing within 5% of 400 B/s, r2 > 0.99" \
	"$J" '.sites[0] | .rate_per_s > 380 and .rate_per_s < 420 and
	.r2 > 0.99 and .r2 <= 1'
jq_is "steady leak: its two stacks and both classes add up" "$J" '
	.sites[0] | .first == 1024 + 24000 and .last == 1024 + 288000 + 1200'
jq_is "steady leak: the stack of its latest dump" "$J" '
	.sites[0].stack[0] | .function == "leak_steady" and
	.line == '"$(line L_STEADY)"' and .module == "'"$T/prog"'"'
jq_is "a site without symbols: 100 B/s exactly, r2 1" "$J" '
	.sites[1] | (.rate_per_s - 100 | if . < 0 then -. else . end) < 1e-6
	and .r2 == 1 and .first == 6000 and .last == 72000 and
	.stack[0].module == "'"$ODD"'" and .stack[0].function == null'
jq_is "results: 5 a minute, r2 1" "$J" '
	.sites[2] | (.rate_per_s - 5 / 60 | if . < 0 then -. else . end)
	< 1e-6 and .r2 == 1 and .first == 1 and .last == 56'
jq_is "connections site: 0.05/s, libpq frame skipped in its name" "$J" '
	.sites[3] | (.rate_per_s - 0.05 | if . < 0 then -. else . end) < 1e-6
	and .first == 2 and .last == 35 and
	.stack[0].module == "/nonexistent/libpq.so.5" and
	.stack[1].function == "pool_checkout"'
jq_is "cache that fills in the first third: plateau" "$J" '
	.sites[4] | .verdict == "plateau" and .first == 65536 and
	.last == 262144 and .rate_per_s > 0'
jq_is "draining queue: shrinking at -68.3 B/s" "$J" '
	.sites[5] | (.rate_per_s + 4096 / 60 | if . < 0 then -. else . end)
	< 1e-6 and .r2 > 0.999 and .first == 65536 and .last == 20480'
jq_is "values in time order" "$J" '
	.sites[2].values == [range(12) | 1 + 5 * .]'
jq_is "connections: rate, open at the last dump, time to the limit" "$J" '
	.connections | (.rate_per_s - 0.05 | if . < 0 then -. else . end)
	< 1e-9 and .open_last == 35 and
	(.exhausted_in_s - 1300 | if . < 0 then -. else . end) < 0.01 and
	.limit == 100 and .values == [range(12) | 2 + 3 * .]'
is "$(grep -c 'cannot open /nonexistent/libpq.so.5' "$T/t.err")" 1 \
	"a missing module is warned about once, not per dump"

"$REPORT" trend --all --format json "$T"/d/soak.*.dump >"$T/all.json" \
	2>/dev/null
jq_is "--all: flat sites last, memory of all classes" "$T/all.json" '
	[.sites[] | select(.verdict == "flat") | [.resource, .site, .first,
		.last, .rate_per_s, .r2]] == [
		["memory", "config_load ('"$SRC_CONFIG"')", 4192, 4192, 0.0,
		 1.0],
		["connections", "dial ('"$SRC_DIAL"')", 1, 1, 0.0, 1.0]]'
jq_is "--all: the other sites as before" "$T/all.json" "
	(.sites | length) == 8 and
	(.sites[:6] | map(.site)) == $(jq -c '[.sites[].site]' "$J")"

# --- text ---

"$REPORT" trend "$T"/d/soak.*.dump >"$T/t.txt" 2>/dev/null
ok $? "trend (text): exit 0"
has_line "text: the headline" "$T/t.txt" \
	"leakshim trend: 12 dumps of prog (pid 4242) over 660.0 s"
is "$(sed -n 2p "$T/t.txt")" "" "text: a blank line after it"
is "$(grep '^[A-Za-z]' "$T/t.txt" | cut -c1-12)" \
"leakshim tre
Growing (lik
Plateau (fil
Shrinking:
Connections:" "text: the sections in order, no Flat without --all"
has_line "text: the growing heading" "$T/t.txt" "Growing (likely leaks):"
steady=$(jq -r '.sites[0] | "\(.rate_per_s)"' "$J")
steady=$(printf '%+.1f B/s' "$steady")
has_line "text: the steady leak" "$T/t.txt" "$(printf \
	'  memory       %-12s r2 %s   %-20s   at leak_steady (%s)' "$steady" \
	"$(jq -r '.sites[0].r2' "$J" | awk '{ printf "%.2f", $1 }')" \
	"25024 -> 290224 bytes" "$SRC_STEADY")"
has_line "text: the site without symbols" "$T/t.txt" \
	"  memory       +100.0 B/s   r2 1.00   6000 -> 72000 bytes    at $ODD_SITE"
has_line "text: results, three significant digits" "$T/t.txt" \
	"  results      +0.0833/s    r2 1.00   1 -> 56                at report_stats ($SRC_STATS)"
has_line "text: connections" "$T/t.txt" \
	"  connections  +0.05/s      r2 1.00   2 -> 35                at pool_checkout ($SRC_CHECKOUT)"
has_line "text: the plateau heading" "$T/t.txt" \
	"Plateau (filled, then stopped: likely caches):"
has_line "text: the plateau, without rate" "$T/t.txt" \
	"  memory       65536 -> 262144 bytes   at cache_put ($SRC_CACHE)"
has_line "text: shrinking" "$T/t.txt" \
	"  memory       -68.3 B/s    r2 1.00   65536 -> 20480 bytes   at drain_queue ($SRC_DRAIN)"
has_line "text: the connection forecast" "$T/t.txt" \
	"Connections: 35 open at the last dump, growing 0.05 per second (3 per minute); the limit of 100 is reached in about 22 min (1300 s)."
is "$(tail -n 2 "$T/t.txt" | head -n 1)" "" \
	"text: a blank line before the forecast"

"$REPORT" trend --all "$T"/d/soak.*.dump >"$T/all.txt" 2>/dev/null
has_line "text --all: a Flat section" "$T/all.txt" "Flat:"
has_line "text --all: a flat site" "$T/all.txt" \
	"  memory       4192 -> 4192 bytes     at config_load ($SRC_CONFIG)"

# --- order, processes, limits ---

"$REPORT" trend --format json $(ls "$T"/d/*.dump | sort -r) \
	>"$T/rev.json" 2>/dev/null
ok $? "dumps given newest first: exit 0"
is "$(jq -S . "$T/rev.json" | md5sum)" "$(jq -S . "$J" | md5sum)" \
	"dumps are put in the order of their times"

"$REPORT" trend --format json "$T"/p/soak.*.dump >"$T/p.json" 2>/dev/null
jq_is "two processes: seconds since the first dump" "$T/p.json" '
	.x_axis == "time" and .x_s[0] == 0 and .x_s[11] == 660 and
	.span_s == 660 and .pids == [4242, 4343]'
jq_is "two processes: the same verdicts and rates" "$T/p.json" "
	[.sites[] | [.verdict, .site]] == $(jq -c '[.sites[] | [.verdict, .site]]' "$J") and
	(.sites[1].rate_per_s - 100 | if . < 0 then -. else . end) < 1e-6"
"$REPORT" trend "$T"/p/soak.*.dump >"$T/p.txt" 2>/dev/null
has_line "two processes: the headline says so" "$T/p.txt" \
	"leakshim trend: 12 dumps of prog (2 processes) over 660.0 s"

"$REPORT" trend --format json "$T"/n/soak.*.dump >"$T/n.json" 2>/dev/null
jq_is "no conn_limit: exhausted_in_s is null" "$T/n.json" '
	.connections.exhausted_in_s == null and .connections.limit == null and
	.connections.open_last == 35'
"$REPORT" trend "$T"/n/soak.*.dump >"$T/n.txt" 2>/dev/null
has_line "no conn_limit: the text says how to set it" "$T/n.txt" \
	"Connections: 35 open at the last dump, growing 0.05 per second (3 per minute); the limit is unknown (set conn_limit or --conn-limit)."
"$REPORT" trend --conn-limit 50 --format json "$T"/n/soak.*.dump \
	>"$T/n.json" 2>/dev/null
jq_is "--conn-limit 50: (50 - 35) / 0.05 = 300 s" "$T/n.json" '
	(.connections.exhausted_in_s - 300 | if . < 0 then -. else . end)
	< 0.01 and .connections.limit == 50'
"$REPORT" trend --conn-limit 50 "$T"/n/soak.*.dump >"$T/n.txt" 2>/dev/null
has_line "--conn-limit 50: in about 5 min" "$T/n.txt" \
	"Connections: 35 open at the last dump, growing 0.05 per second (3 per minute); the limit of 50 is reached in about 5 min (300 s)."
"$REPORT" trend --conn-limit 35 --format json "$T"/n/soak.*.dump \
	>"$T/n.json" 2>/dev/null
jq_is "--conn-limit 35: reached already, 0 s" "$T/n.json" '
	.connections.exhausted_in_s == 0'
"$REPORT" trend --conn-limit 35 "$T"/n/soak.*.dump >"$T/n.txt" 2>/dev/null
is "$(grep -c 'the limit of 35 is already reached\.$' "$T/n.txt")" 1 \
	"--conn-limit 35: the text says it is reached"
"$REPORT" trend --conn-limit 50 --format json "$T"/d/soak.*.dump \
	>"$T/n.json" 2>/dev/null
jq_is "the dump's conn_limit comes before --conn-limit" "$T/n.json" '
	.connections.limit == 100'

"$REPORT" trend "$T"/m/soak.*.dump >"$T/m.txt" 2>/dev/null
ok "$(grep -c '^Connections' "$T/m.txt")" \
	"no connection activity: no Connections line"
"$REPORT" trend "$T/d/soak.00.dump" "$T/d/soak.00.dump" >"$T/same.txt" \
	2>/dev/null
has_line "the same dump twice: no site grows" "$T/same.txt" "no site grows"

# --- usage ---

# usage DESC ARGS...: exit 2 and one line on stderr, besides warnings
# about the missing modules of dumps read before the failure.
usage() {
	desc=$1
	shift
	"$REPORT" trend "$@" >/dev/null 2>"$T/usage.err"
	st=$?
	ok $([ $st -eq 2 ] && [ "$(grep -cv '^leakreport: warning: ' \
		"$T/usage.err")" -eq 1 ]; echo $?) \
		"usage: $desc: exit 2, one line on stderr"
}
usage "one dump" "$T/d/soak.00.dump"
grep -q '^leakreport: usage: leakreport trend .*at least 2 dumps' \
	"$T/usage.err"
ok $? "usage: one dump: says at least 2"
usage "no dump"
usage "bad format" --format xml "$T/d/soak.00.dump" "$T/d/soak.01.dump"
usage "--format pprof" --format pprof "$T/d/soak.00.dump" "$T/d/soak.01.dump"
usage "--conn-limit x" --conn-limit x "$T/d/soak.00.dump" "$T/d/soak.01.dump"
usage "--top is not a trend option" --top 3 "$T/d/soak.00.dump" \
	"$T/d/soak.01.dump"
usage "a missing dump" "$T/d/soak.00.dump" "$T/nonexistent.dump"
grep -q "^leakreport: $T/nonexistent.dump: No such file" "$T/usage.err" &&
	! grep -q '^[^l]' "$T/usage.err"
ok $? "usage: a missing dump is named"
head -n 5 "$T/d/soak.01.dump" >"$T/cut.dump"
usage "a truncated dump" "$T/d/soak.00.dump" "$T/cut.dump"
"$REPORT" trend --help >"$T/help" 2>&1
ok $? "trend --help: exit 0"
grep -q '^usage: leakreport trend' "$T/help"
ok $? "trend --help: usage on stdout"

# --- the plot ---

# svg_check FILE: "POLYLINES|TEXTS" of the SVG, or a parse error.
svg_check() {
	python3 -c '
import sys
import xml.etree.ElementTree as E
ns = "{http://www.w3.org/2000/svg}"
root = E.parse(sys.argv[1]).getroot()
assert root.tag == ns + "svg", root.tag
bad = [e.tag for e in root.iter() if e.tag in (ns + "script",
	ns + "image", ns + "foreignObject", ns + "use")]
refs = [k for e in root.iter() for k in e.attrib if "href" in k]
assert not bad and not refs, (bad, refs)
lines = root.findall(".//" + ns + "polyline")
texts = ["".join(e.itertext()) for e in root.iter(ns + "text")]
print(len(lines))
for t in texts:
	print(t)
' "$1"
}

"$REPORT" trend --plot "$T/plot.svg" "$T"/d/soak.*.dump >"$T/plot.out" \
	2>/dev/null
ok $? "--plot: exit 0"
cmp -s "$T/plot.out" "$T/t.txt"
ok $? "--plot: the text report is written as well"
svg_check "$T/plot.svg" >"$T/svg.txt" 2>"$T/svg.err"
ok $? "--plot: well-formed XML, an svg root, no script or reference"
sed 's/^/# /' "$T/svg.err"
is "$(head -n 1 "$T/svg.txt")" 5 \
	"--plot: 5 polylines (live bytes and 2 growing sites; open connections and 1)"
for want in "leakshim trend: prog (pid 4242)" \
	"total live bytes (all sites)" "leak_steady ($SRC_STEADY)" \
	"$ODD_SITE" "open connections (all sites)" \
	"pool_checkout ($SRC_CHECKOUT)" "+100.0 B/s" "+0.05/s"; do
	grep -qxF -- "$want" "$T/svg.txt"
	ok $? "--plot: a text '$want'"
done
grep -q 'Live memory (KiB)' "$T/svg.txt"
ok $? "--plot: the memory axis in KiB"
grep -q 'Open connections (count)' "$T/svg.txt"
ok $? "--plot: a connections panel"
grep -q '^uptime (min)$' "$T/svg.txt"
ok $? "--plot: the time axis in minutes of uptime"
grep -qF 'lib&amp;&lt;x&gt;.so' "$T/plot.svg"
ok $? "--plot: the module path is escaped for XML"
is "$(stat -c %a "$T/plot.svg")" 644 "--plot: mode 0644"
is "$(ls "$T" | grep -c '^plot\.svg\.')" 0 "--plot: no temporary file left"

ln -s "$T/target.svg" "$T/link.svg"
"$REPORT" trend --plot "$T/link.svg" "$T"/d/soak.*.dump >/dev/null 2>&1
ok $([ -f "$T/link.svg" ] && [ ! -L "$T/link.svg" ] &&
	[ ! -e "$T/target.svg" ]; echo $?) \
	"--plot: a symlink at FILE is replaced, not followed"

"$REPORT" trend --plot "$T/m.svg" "$T"/m/soak.*.dump >/dev/null 2>&1
svg_check "$T/m.svg" >"$T/msvg.txt" 2>&1
is "$(head -n 1 "$T/msvg.txt")" 3 \
	"--plot without connections: 3 polylines, one panel"
ok "$(grep -c 'Open connections' "$T/msvg.txt")" \
	"--plot without connections: no connections panel"

"$REPORT" trend --plot "$T/nonexistent/plot.svg" "$T"/d/soak.*.dump \
	>/dev/null 2>"$T/plot.err"
ok $([ $? -eq 2 ] && grep -q "^leakreport: cannot create $T/nonexistent/plot.svg" \
	"$T/plot.err"; echo $?) "--plot into a missing folder: exit 2, named"

done_testing
