#!/bin/sh
# SPDX-License-Identifier: MIT
#
# t015-reporter-pq.sh - leakreport's libpq part end to end, without the
# shim or a server: a small program gives real return addresses for known
# functions, dumps with C, R and K records are written by hand around them
# (with frames in a libpq module above the program's, so the site must
# skip libpq), and the JSON and text reports are checked: grouping of
# connections by stack, idle against conn_idle (from an o record and the
# 300 s default), transactions, failed connects, targets and backend pids,
# results and cancel handles, sorting, --top on each list, the summary,
# the headline and the SUMMARY line.  A dump without libpq activity must
# read as before.
#
# Needs gcc, objdump, readelf, nm (binutils) and jq.  $B is the build
# directory holding leakreport (make check sets it).

. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/reporter.sh"

need gcc objdump readelf nm jq

# --- the program: one function per call site ---

cat >"$T/prog.c" <<'EOF'
#include <stdlib.h>

void *volatile keep;

/* Stands in for a libpq entry point: the dumps put libpq frames above. */
__attribute__((noinline)) void *pq_call(void)
{
	return malloc(1);
}

__attribute__((noinline)) void checkout(void)
{
	keep = pq_call(); /* L_CHECKOUT */
}

__attribute__((noinline)) void connect_retry(void)
{
	keep = pq_call(); /* L_RETRY */
}

__attribute__((noinline)) void dial(void)
{
	keep = pq_call(); /* L_DIAL */
}

__attribute__((noinline)) void report_stats(void)
{
	keep = pq_call(); /* L_STATS */
}

__attribute__((noinline)) void cancel_query(void)
{
	keep = pq_call(); /* L_CANCEL */
}

__attribute__((noinline)) void make_buf(void)
{
	keep = malloc(64); /* L_BUF */
}

int main(void)
{
	checkout(); /* L_MAIN_CHECKOUT */
	connect_retry(); /* L_MAIN_RETRY */
	dial(); /* L_MAIN_DIAL */
	report_stats(); /* L_MAIN_STATS */
	cancel_query(); /* L_MAIN_CANCEL */
	make_buf(); /* L_MAIN_BUF */
	return 0;
}
EOF
build_prog prog.c

CHECKOUT=$(ret checkout pq_call)
RETRY=$(ret connect_retry pq_call)
DIAL=$(ret dial pq_call)
STATS=$(ret report_stats pq_call)
CANCEL=$(ret cancel_query pq_call)
BUF=$(ret make_buf malloc@plt)
M_CHECKOUT=$(ret main checkout)
M_RETRY=$(ret main connect_retry)
M_DIAL=$(ret main dial)
M_STATS=$(ret main report_stats)
M_CANCEL=$(ret main cancel_query)
M_BUF=$(ret main make_buf)
for v in "$CHECKOUT" "$RETRY" "$DIAL" "$STATS" "$CANCEL" "$BUF" \
	"$M_CHECKOUT" "$M_RETRY" "$M_DIAL" "$M_STATS" "$M_CANCEL" "$M_BUF"; do
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

# Two libpq modules: one that is not on this machine (frames keep only
# their module), and this machine's libpq when there is one, with a pc
# inside PQgetCancel, symbolized from the file itself.
FAKEPQ=/nonexistent/x86_64-linux-gnu/libpq.so.5
REALPQ=$(ldconfig -p 2>/dev/null |
	awk '$1 == "libpq.so.5" && $NF ~ /^\// { print $NF; exit }')
GETCANCEL=
[ -n "$REALPQ" ] && GETCANCEL=$(nm -D --defined-only "$REALPQ" 2>/dev/null |
	awk '$3 == "PQgetCancel" { print $1; exit }')
REALFN='"PQgetCancel"'
if [ -z "$GETCANCEL" ]; then
	REALPQ=/nonexistent/lib/libpq.so.5.15
	GETCANCEL=100
	REALFN=null
fi
REALPQ_PC=$(printf '%x' $((0x7c0000000000 + 0x$GETCANCEL + 8)))

SRC_LINE() {
	echo "$T/prog.c:$(line "$1")"
}

# --- the dumps ---

# mkdump BODY OUT: a dump of BODY's records with its first and e lines.
# The header of every dump: process, settings and counters (as the shim
# writes them), modules and stacks.  $1 holds extra o and c records.
head_records() {
	grep -v '^$' <<EOF
P 1c8f 1c80 signal 19c6a0e7f10 $(h 1250300) 3 0
X $T/prog
N pool
o depth 20
$1
c allocs 3
c frees 1
c dropped 0
m $RANGE 0 - $T/prog
m 7e0000000000 7e0000100000 7e0000000000 - $FAKEPQ
m 7c0000000000 7c0001000000 7c0000000000 - $REALPQ
s 1 3 7e0000000010 $CHECKOUT $M_CHECKOUT
s 2 3 7e0000000020 $RETRY $M_RETRY
s 3 4 7e0000000030 7e0000000040 $STATS $M_STATS
s 4 3 $REALPQ_PC $CANCEL $M_CANCEL
s 5 2 $BUF $M_BUF
s 6 2 $STATS $M_STATS
s 7 3 7e0000000050 $DIAL $M_DIAL
s 9 2 $DIAL $M_DIAL
s a 2 $CHECKOUT $M_CHECKOUT
s c 2 $DIAL $M_DIAL
s d 2 $CHECKOUT $M_CHECKOUT
EOF
}

# C stack age_ms idle_ms status xact flags pid target
pq_records() {
	cat <<EOF
b 5 d 1 40 $(h 100)
C 1 $(h 1228800) $(h 1200000) 0 0 0 $(h 7314) test@/tmp/pg:5432/shop
C 2 $(h 3000) $(h 3000) 1 0 1 0 test@nohost:5432/shop
C 1 $(h 1048576) $(h 60000) 0 0 0 $(h 7312) test@/tmp/pg:5432/shop
C 9 $(h 5000) 0 0 1 0 $(h 32) x@h:1/d
C 1 $(h 8192) $(h 8000) 0 2 0 $(h 7313) app@db:5432/shop
C 7 $(h 5000) $(h 5000) 1 0 1 0 test@down:5432/shop
C 2 $(h 2000) $(h 2000) 1 0 3 0 @:/
C a $(h 9000) $(h 9000) 2 0 0 0 
C 1 $(h 12288) $(h 59999) 0 0 0 0 
C 9 $(h 5000) $(h 4000) 0 1 0 $(h 16) x@h:1/d
C 2 $(h 1000) $(h 100) 0 3 0 $(h 7424) test@nohost:5432/shop
C 7 $(h 3000) $(h 3000) 1 0 1 0 test@down:5432/shop
C a $(h 100) 0 0 4 0 0 
R d 1 1 0
R 3 e $(h 120345) $(h 600000)
R 6 e $(h 120346) $(h 1000)
R c 1 1 $(h 50)
K 3 1 0
K 4 2 $(h 1000)
EOF
}

COUNTERS='c conn_opened 28
c conn_finished 1a
c conn_failed 2
c results_created 40
c results_cleared 22
c cancels_created 4
c cancels_freed 1'

# a: conn_idle 60 s from its o record.
{ head_records "o conn_idle 3c
o conn_max 0
o conn_limit 64
$COUNTERS"; pq_records; } >"$T/a.body"
mkdump "$T/a.body" "$T/a.dump"
# b: the same without conn_idle: the 300 s default.
grep -v '^o conn_idle ' "$T/a.body" >"$T/b.body"
mkdump "$T/b.body" "$T/b.dump"

# --- JSON ---

"$REPORT" --format json "$T/a.dump" >"$T/a.json" 2>"$T/a.err"
is "$?" 0 "json: exit 0"
J=$T/a.json
jq_is "json: top-level keys, cancels after results" "$J" '
	keys_unsorted == ["format", "version", "process", "classified",
			  "summary", "leaks", "connections", "results",
			  "cancels", "suppressions"]'
jq_is "json: summary keys: DESIGN.md's, then the additions in order" "$J" '
	.summary | keys_unsorted == ["leaked_bytes", "leaked_blocks",
		"indirect_bytes", "indirect_blocks", "reachable_bytes",
		"reachable_blocks", "live_bytes", "live_blocks",
		"total_allocs", "total_frees", "open_connections",
		"uncleared_results", "idle_connections", "idle_in_transaction",
		"failed_connections", "uncleared_result_bytes", "open_cancels",
		"connections_opened", "connections_finished",
		"connections_failed", "suppressed_bytes", "suppressed_blocks"]'
jq_is "json: summary libpq figures (conn_idle 60)" "$J" '
	.summary | .open_connections == 9 and .idle_connections == 2 and
	.idle_in_transaction == 2 and .failed_connections == 4 and
	.uncleared_results == 30 and .uncleared_result_bytes == 240693 and
	.open_cancels == 3 and .connections_opened == 40 and
	.connections_finished == 26 and .connections_failed == 2'
jq_is "json: memory summary unchanged by libpq records" "$J" '
	.summary | .live_bytes == 64 and .live_blocks == 1 and
	.leaked_bytes == 64 and .total_allocs == 3 and .total_frees == 1'
jq_is "json: connection entry keys in order" "$J" '
	.connections[0] | keys_unsorted == ["count", "failed", "idle",
		"idle_in_transaction", "oldest_age_s", "longest_idle_s",
		"targets", "backend_pids", "stack"]'
jq_is "json: result and cancel entry keys" "$J" '
	(.results[0] | keys_unsorted == ["count", "bytes", "oldest_age_s",
					 "stack"]) and
	(.cancels[0] | keys_unsorted == ["count", "oldest_age_s", "stack"])'

# The site of an entry: its first frame in the program.
site_of() {
	jq -r "$1 | [.stack[] | select(.module == \"$T/prog\")][0] |
		\"\(.function):\(.line)\"" "$J"
}
jq_is "json: connections by count, then oldest, then stack id" "$J" '
	[.connections[] | [.count, .oldest_age_s]] ==
	[[4, 1228.8], [3, 3.0], [2, 9.0], [2, 5.0], [2, 5.0]]'
is "$(site_of '.connections[3]') $(site_of '.connections[4]')" \
	"dial:$(line L_DIAL) dial:$(line L_DIAL)" \
	"json: equal count and age: stack 7 before stack 9"
jq_is "json: the two tied groups are stacks 7 (failed) and 9" "$J" '
	.connections[3].failed == 2 and .connections[4].failed == 0'
jq_is "json: checkout group: count, failed, idle, in transaction" "$J" '
	.connections[0] | .count == 4 and .failed == 0 and .idle == 2 and
	.idle_in_transaction == 1'
jq_is "json: checkout group: ages, longest idle" "$J" '
	.connections[0] | .oldest_age_s == 1228.8 and
	.longest_idle_s == 1200.0'
jq_is "json: targets sorted, unique, empty ones left out" "$J" '
	.connections[0].targets == ["app@db:5432/shop",
				    "test@/tmp/pg:5432/shop"]'
jq_is "json: backend pids sorted, zeros left out" "$J" '
	.connections[0].backend_pids == [7312, 7313, 7314]'
jq_is "json: mixed group: failed connects counted, INERROR in a transaction" \
	"$J" '.connections[1] | .count == 3 and .failed == 2 and
	.idle == 0 and .idle_in_transaction == 1 and .oldest_age_s == 3.0'
jq_is "json: longest idle only over connections that did not fail" "$J" '
	.connections[1].longest_idle_s == 0.1 and
	.connections[3].longest_idle_s == 0.0'
jq_is "json: failed connects' targets, '@:/' kept" "$J" '
	.connections[1].targets == ["@:/", "test@nohost:5432/shop"] and
	.connections[1].backend_pids == [7424]'
jq_is "json: connecting (status 2) and UNKNOWN: neither idle nor in xact" \
	"$J" '.connections[2] | .count == 2 and .idle == 0 and
	.idle_in_transaction == 0 and .failed == 0 and .targets == [] and
	.backend_pids == []'
jq_is "json: ACTIVE connections are not idle" "$J" '
	.connections[4] | .idle == 0 and .idle_in_transaction == 0 and
	.targets == ["x@h:1/d"] and .backend_pids == [16, 32] and
	.longest_idle_s == 4.0'
is "$(site_of '.connections[0]')" "checkout:$(line L_CHECKOUT)" \
	"json: site of a connection skips the libpq frame"
jq_is "json: the libpq frame is kept at the top of the stack" "$J" "
	.connections[0].stack[0] == {\"pc\": \"0x7e0000000010\",
		\"module\": \"$FAKEPQ\", \"function\": null, \"file\": null,
		\"line\": null, \"inlined\": false} and
	.connections[0].stack[1].function == \"checkout\" and
	.connections[0].stack[2].function == \"main\""
jq_is "json: results by count, then bytes, then stack id" "$J" '
	[.results[] | [.count, .bytes, .oldest_age_s]] ==
	[[14, 120346, 1.0], [14, 120345, 600.0], [1, 1, 0.1], [1, 1, 0.0]]'
is "$(site_of '.results[1]')" "report_stats:$(line L_STATS)" \
	"json: site of a result skips two libpq frames"
jq_is "json: results of equal count and bytes: stack c before d" "$J" "
	.results[2].stack[0].function == \"dial\" and
	.results[3].stack[0].function == \"checkout\""
jq_is "json: cancels by count" "$J" '
	[.cancels[] | [.count, .oldest_age_s]] == [[2, 1.0], [1, 0.0]]'
jq_is "json: cancel stack: a frame in this machine's libpq first" "$J" "
	.cancels[0].stack[0].module == \"$REALPQ\" and
	.cancels[0].stack[0].pc == \"0x$REALPQ_PC\" and
	.cancels[0].stack[0].function == $REALFN"
is "$(site_of '.cancels[0]')" "cancel_query:$(line L_CANCEL)" \
	"json: site of a cancel handle skips libpq"
jq_is "json: memory entries as before" "$J" "
	[.leaks[] | [.kind, .bytes, .blocks, .oldest_age_s]] ==
	[[\"direct\", 64, 1, 0.1]] and .leaks[0].stack[0].function ==
	\"make_buf\""

"$REPORT" --format json "$T/b.dump" >"$T/b.json" 2>/dev/null
jq_is "json: without conn_idle, idle means 300 s and more" "$T/b.json" '
	.summary.idle_connections == 1 and .connections[0].idle == 1 and
	.connections[0].longest_idle_s == 1200.0'
jq_is "json: the default changes only the idle figures" "$T/b.json" "
	(.summary | del(.idle_connections)) ==
	($(jq -c '.summary | del(.idle_connections)' "$J"))"

# --top N: each list separately, the summary whole.
"$REPORT" --format json --top 1 "$T/a.dump" >"$T/top1.json" 2>/dev/null
jq_is "json --top 1: one entry in each list" "$T/top1.json" '
	[.leaks, .connections, .results, .cancels | length] == [1, 1, 1, 1]
	and .connections[0].count == 4 and .results[0].bytes == 120346 and
	.cancels[0].count == 2'
jq_is "json --top 1: summary counts everything" "$T/top1.json" '
	.summary.open_connections == 9 and .summary.uncleared_results == 30
	and .summary.open_cancels == 3'
"$REPORT" --format json --top 3 "$T/a.dump" >"$T/top3.json" 2>/dev/null
jq_is "json --top 3: the first three of each list, or all" "$T/top3.json" '
	[.leaks, .connections, .results, .cancels | length] == [1, 3, 3, 2]
	and [.connections[].oldest_age_s] == [1228.8, 3.0, 9.0]'

# Many connections of one stack: at most 20 pids, the smallest.
{
	head_records ""
	i=25
	while [ $i -gt 0 ]; do
		echo "C 1 $(h $((i * 1000))) 0 0 1 0 $(h $i) u@h:5432/db"
		i=$((i - 1))
	done
} >"$T/many.body"
mkdump "$T/many.body" "$T/many.dump"
"$REPORT" --format json "$T/many.dump" >"$T/many.json" 2>/dev/null
jq_is "json: 25 connections: the 20 smallest pids, one target" \
	"$T/many.json" '.connections[0] | .count == 25 and
	.backend_pids == [range(1; 21)] and .targets == ["u@h:5432/db"] and
	.oldest_age_s == 25.0'

# --- text ---

"$REPORT" --no-addresses "$T/a.dump" >"$T/a.txt" 2>/dev/null
is "$?" 0 "text: exit 0"
# Frame #0 of the cancel entry comes from this machine's libpq: what the
# symbolizer makes of it is t010's business; the line is taken as it is.
REAL0=$(jq -r '.cancels[0].stack[0] | "    #0 in \(.function // "??") " +
	(if .file then .file + (if .line then ":\(.line)" else "" end)
	 else "(\(.module))" end) + (if .inlined then " (inlined)" else "" end)' \
	"$J")
CHK=$(SRC_LINE L_CHECKOUT)
RTR=$(SRC_LINE L_RETRY)
DIA=$(SRC_LINE L_DIAL)
STA=$(SRC_LINE L_STATS)
CAN=$(SRC_LINE L_CANCEL)
cat >"$T/a.expect" <<EOF
leakshim: pool (pid 7311): 9 libpq connections open (2 idle over 60 s, 2 idle in a transaction), 4 failed connects never finished, 30 results not cleared, 3 cancel handles not freed; 1 block, 64 bytes live at signal after 1250.3 s

Open connections: 4 at checkout ($CHK), oldest 1228.8 s; 2 idle over 60 s (longest 1200.0 s); 1 idle in a transaction; to app@db:5432/shop, test@/tmp/pg:5432/shop
    #0 in ?? ($FAKEPQ)
    #1 in checkout $CHK
    #2 in main $(SRC_LINE L_MAIN_CHECKOUT)

Open connections: 1 at connect_retry ($RTR), oldest 3.0 s; 1 idle in a transaction; 2 failed connects never finished; to @:/, test@nohost:5432/shop
    #0 in ?? ($FAKEPQ)
    #1 in connect_retry $RTR
    #2 in main $(SRC_LINE L_MAIN_RETRY)

Open connections: 2 at checkout ($CHK), oldest 9.0 s
    #0 in checkout $CHK
    #1 in main $(SRC_LINE L_MAIN_CHECKOUT)

Failed connects never finished: 2 at dial ($DIA), oldest 5.0 s; to test@down:5432/shop
    #0 in ?? ($FAKEPQ)
    #1 in dial $DIA
    #2 in main $(SRC_LINE L_MAIN_DIAL)

Open connections: 2 at dial ($DIA), oldest 5.0 s; to x@h:1/d
    #0 in dial $DIA
    #1 in main $(SRC_LINE L_MAIN_DIAL)

Results not cleared: 14 (120346 bytes) at report_stats ($STA), oldest 1.0 s
    #0 in report_stats $STA
    #1 in main $(SRC_LINE L_MAIN_STATS)

Results not cleared: 14 (120345 bytes) at report_stats ($STA), oldest 600.0 s
    #0 in ?? ($FAKEPQ)
    #1 in ?? ($FAKEPQ)
    #2 in report_stats $STA
    #3 in main $(SRC_LINE L_MAIN_STATS)

Results not cleared: 1 (1 byte) at dial ($DIA), oldest 0.1 s
    #0 in dial $DIA
    #1 in main $(SRC_LINE L_MAIN_DIAL)

Results not cleared: 1 (1 byte) at checkout ($CHK), oldest 0.0 s
    #0 in checkout $CHK
    #1 in main $(SRC_LINE L_MAIN_CHECKOUT)

Cancel handles not freed: 2 at cancel_query ($CAN), oldest 1.0 s
$REAL0
    #1 in cancel_query $CAN
    #2 in main $(SRC_LINE L_MAIN_CANCEL)

Cancel handles not freed: 1 at report_stats ($STA), oldest 0.0 s
    #0 in ?? ($FAKEPQ)
    #1 in ?? ($FAKEPQ)
    #2 in report_stats $STA
    #3 in main $(SRC_LINE L_MAIN_STATS)

Direct leak of 64 bytes in 1 block at make_buf ($(SRC_LINE L_BUF)), oldest 0.1 s
    #0 in make_buf $(SRC_LINE L_BUF)
    #1 in main $(SRC_LINE L_MAIN_BUF)

SUMMARY: leakshim: 64 bytes live in 1 block from 1 site (3 allocations, 1 free); libpq: 9 connections open (40 opened, 26 finished, 2 failed), 30 results not cleared, 3 cancel handles not freed.
EOF
if diff -u "$T/a.expect" "$T/a.txt" >"$T/a.diff"; then
	ok 0 "text --no-addresses: the expected report"
else
	ok 1 "text --no-addresses: the expected report"
	sed 's/^/# /' "$T/a.diff"
fi
first_pq=$(grep -nE '^(Open connections|Failed connects|Results not|Cancel handles)' \
	"$T/a.txt" | tail -n 1 | cut -d: -f1)
first_mem=$(grep -nE '^(Direct leak|Indirect leak|Live:|Reachable:)' \
	"$T/a.txt" | head -n 1 | cut -d: -f1)
ok "$([ "${first_pq:-0}" -gt 0 ] && [ "${first_pq:-0}" -lt "${first_mem:-0}" ]
	echo $?)" "text: every libpq entry comes before the memory entries"

"$REPORT" --no-addresses "$T/b.dump" >"$T/b.txt" 2>/dev/null
is "$(head -n 1 "$T/b.txt")" \
	"leakshim: pool (pid 7311): 9 libpq connections open (1 idle over 300 s, 2 idle in a transaction), 4 failed connects never finished, 30 results not cleared, 3 cancel handles not freed; 1 block, 64 bytes live at signal after 1250.3 s" \
	"text: headline with the 300 s default"
is "$(grep '^Open connections: 4 ' "$T/b.txt")" \
	"Open connections: 4 at checkout ($CHK), oldest 1228.8 s; 1 idle over 300 s (longest 1200.0 s); 1 idle in a transaction; to app@db:5432/shop, test@/tmp/pg:5432/shop" \
	"text: entry with the 300 s default"

"$REPORT" "$T/a.dump" >"$T/addr.txt" 2>/dev/null
is "$(grep -c "^    #0 0x7e0000000010 in ?? ($FAKEPQ+0x10)\$" "$T/addr.txt")" \
	1 "text: libpq frames carry pcs and offsets with addresses"

"$REPORT" --no-addresses --top 1 "$T/a.dump" >"$T/top1.txt" 2>/dev/null
is "$(grep -E '^[A-Z]' "$T/top1.txt" | cut -d: -f1)" \
	"Open connections
Results not cleared
Cancel handles not freed
Direct leak of 64 bytes in 1 block at make_buf ($T/prog.c
SUMMARY" "text --top 1: one entry of each list"
is "$(tail -n 1 "$T/top1.txt")" "$(tail -n 1 "$T/a.txt")" \
	"text --top 1: SUMMARY unchanged"

# Singular forms, a group with one open and one failed connection, a
# dump whose only activity is counted connections.
{
	head_records "$COUNTERS"
	cat <<EOF
C 1 $(h 400000) $(h 400000) 0 0 0 0 u@h:5432/db
C 1 $(h 2000) $(h 2000) 1 0 1 0 u@h:5432/db
R 3 1 $(h 1) $(h 1000)
K 4 1 0
EOF
} | sed -e 's/^c conn_opened .*/c conn_opened 1/' \
	-e 's/^c conn_finished .*/c conn_finished 0/' \
	-e 's/^c conn_failed .*/c conn_failed 1/' >"$T/one.body"
mkdump "$T/one.body" "$T/one.dump"
"$REPORT" --no-addresses "$T/one.dump" >"$T/one.txt" 2>/dev/null
is "$(head -n 1 "$T/one.txt")" \
	"leakshim: pool (pid 7311): 1 libpq connection open (1 idle over 300 s), 1 failed connect never finished, 1 result not cleared, 1 cancel handle not freed; 0 blocks, 0 bytes live at signal after 1250.3 s" \
	"text: headline in the singular"
is "$(grep '^Open connections' "$T/one.txt")" \
	"Open connections: 1 at checkout ($CHK), oldest 400.0 s; 1 idle over 300 s (longest 400.0 s); 1 failed connect never finished; to u@h:5432/db" \
	"text: one open and one failed connection in one group"
is "$(grep '^Results not' "$T/one.txt")" \
	"Results not cleared: 1 (1 byte) at report_stats ($STA), oldest 1.0 s" \
	"text: one result of one byte"
is "$(tail -n 1 "$T/one.txt")" \
	"SUMMARY: leakshim: 0 bytes live in 0 blocks from 0 sites (3 allocations, 1 free); libpq: 1 connection open (1 opened, 0 finished, 1 failed), 1 result not cleared, 1 cancel handle not freed." \
	"text: SUMMARY in the singular"
is "$(grep -c '^leakshim: no leaks found$' "$T/one.txt")" 0 \
	"text: libpq entries alone are not 'no leaks found'"

head_records "$(echo "$COUNTERS" | sed -e 's/conn_opened .*/conn_opened 5/' \
	-e 's/conn_finished .*/conn_finished 5/' -e 's/conn_failed .*/conn_failed 0/')" \
	>"$T/closed.body"
mkdump "$T/closed.body" "$T/closed.dump"
"$REPORT" --no-addresses "$T/closed.dump" >"$T/closed.txt" 2>/dev/null
is "$(cat "$T/closed.txt")" \
	"leakshim: pool (pid 7311): 0 libpq connections open; 0 blocks, 0 bytes live at signal after 1250.3 s

leakshim: no leaks found

SUMMARY: leakshim: 0 bytes live in 0 blocks from 0 sites (3 allocations, 1 free); libpq: 0 connections open (5 opened, 5 finished, 0 failed)." \
	"text: every connection finished: libpq figures, no entries"

# --- a dump without libpq activity reads as before ---

{
	head_records "o conn_idle 12c
o conn_max 0
o conn_limit 0
$(echo "$COUNTERS" | sed 's/ [0-9a-f]*$/ 0/')"
	echo "b 5 d 1 40 64"
	echo "b 6 l 2 20 0"
} >"$T/plain.body"
mkdump "$T/plain.body" "$T/plain.dump"
"$REPORT" --format json "$T/plain.dump" >"$T/plain.json" 2>/dev/null
jq_is "no libpq: DESIGN.md's summary keys and values" "$T/plain.json" '
	.summary | to_entries[:12] | from_entries == {"leaked_bytes": 64,
		"leaked_blocks": 1, "indirect_bytes": 0, "indirect_blocks": 0,
		"reachable_bytes": 0, "reachable_blocks": 0, "live_bytes": 96,
		"live_blocks": 3, "total_allocs": 3, "total_frees": 1,
		"open_connections": 0, "uncleared_results": 0}'
jq_is "no libpq: added summary keys are 0" "$T/plain.json" '
	[.summary | to_entries[12:][].value] == [0, 0, 0, 0, 0, 0, 0, 0, 0, 0]'
jq_is "no libpq: connections, results, cancels empty" "$T/plain.json" '
	.connections == [] and .results == [] and .cancels == []'
"$REPORT" --no-addresses "$T/plain.dump" >"$T/plain.txt" 2>/dev/null
is "$(head -n 1 "$T/plain.txt")" \
	"leakshim: pool (pid 7311): 3 blocks, 96 bytes live at signal after 1250.3 s" \
	"no libpq: the headline as before"
is "$(grep -c libpq "$T/plain.txt")" 0 "no libpq: the word appears nowhere"
is "$(tail -n 1 "$T/plain.txt")" \
	"SUMMARY: leakshim: 96 bytes live in 3 blocks from 2 sites (3 allocations, 1 free)." \
	"no libpq: SUMMARY as before"

# --- bad libpq records ---

# bad DESC BODY-LINES WORDS: exit 2 and one line naming FILE:LINE.
bad() {
	{ head_records ""; printf '%s\n' "$2"; } >"$T/bad.body"
	mkdump "$T/bad.body" "$T/bad.dump"
	n=$(($(wc -l <"$T/bad.body") + 1))
	"$REPORT" "$T/bad.dump" >/dev/null 2>"$T/bad.err"
	st=$?
	is "$st $(wc -l <"$T/bad.err") $(grep -c "^leakreport: $T/bad.dump:$n: .*$3" \
		"$T/bad.err")" "2 1 1" "bad input: $1"
}
bad "C with a field missing" "C 1 0 0 0 0 0" "too few fields"
bad "C naming an undefined stack" "C 8 0 0 0 0 0 0 t" "names stack 8"
bad "R with a bad number" "R 1 1 x 0" "bytes 'x'"
bad "two R records for one stack" "R 1 1 1 1
R 1 1 1 1" "second R record for stack 1"
bad "two K records for one stack" "K 4 1 1
K 4 1 1" "second K record for stack 4"

# --- damaged dumps never crash the reporter ---

# 300 random edits of the libpq dump (a line dropped, doubled or cut, a
# field dropped or doubled, a byte replaced): exit 0 or 2, never a signal.
bad_runs=0
seed=1
while [ $seed -le 300 ]; do
	awk -v seed=$seed '
		BEGIN { srand(seed); getline; print }	# keep the first line
		{ line[++n] = $0 }
		END {
			k = 1 + int(rand() * n); op = int(rand() * 6)
			for (i = 1; i <= n; i++) {
				l = line[i]
				if (i != k) { print l; continue }
				if (op == 0) continue
				if (op == 1) { print l; print l; continue }
				if (op == 2) { print substr(l, 1, int(rand() * length(l))); continue }
				m = split(l, f, " ")
				j = 1 + int(rand() * m)
				if (op == 3) { f[j] = "" }
				else if (op == 4) { f[j] = f[j] " " f[j] }
				else { p = 1 + int(rand() * length(f[j]))
				       f[j] = substr(f[j], 1, p - 1) \
					   substr("0fgZ@ \\x", 1 + int(rand() * 8), 1) \
					   substr(f[j], p + 1) }
				out = f[1]
				for (x = 2; x <= m; x++) out = out " " f[x]
				print out
			}
		}' "$T/a.dump" >"$T/m.dump"
	"$REPORT" --all "$T/m.dump" >/dev/null 2>&1
	st=$?
	"$REPORT" --format json --top 2 "$T/m.dump" >/dev/null 2>&1
	st2=$?
	if [ $st -gt 2 ] || [ $st2 -gt 2 ] || [ $st -eq 1 ] || [ $st2 -eq 1 ]
	then
		echo "# seed $seed: exit status $st, $st2"
		bad_runs=$((bad_runs + 1))
	fi
	seed=$((seed + 1))
done
is "$bad_runs" 0 "300 damaged libpq dumps: exit 0 or 2, never a signal"

done_testing
