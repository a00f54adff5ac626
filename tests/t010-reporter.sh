#!/bin/sh
# SPDX-License-Identifier: MIT
#
# t010-reporter.sh - leakreport end to end, without the shim: a small
# program is built with known functions (one inlined into another), real
# return addresses are taken from its disassembly, a dump is written by
# hand around them, and the JSON and text reports are checked frame by
# frame.  --older-than is checked on a dump with age counts (a records):
# at a threshold, between two (with its note), past the largest, and on
# connections, results and cancel handles.  Then bad dumps must give exit
# status 2 and one line on stderr, and 200 mutated dumps must never kill
# leakreport with a signal.
#
# Needs gcc, objdump, readelf (binutils) and jq.  $B is the build
# directory holding leakreport (default: build, relative to the top).

cd "$(dirname "$0")/.." || exit 1
: "${B:=build}"
case $B in /*) ;; *) B=$(pwd)/$B ;; esac
LR=$B/leakreport
# Debug files must come from this machine only, never from the network.
unset DEBUGINFOD_URLS
# line, ret, h and mkdump (tests/reporter.sh; its other helpers are lib.sh's).
. tests/reporter.sh

n=0
failed=0

# ok_if DESC CMD...: one TAP test, passing when CMD succeeds.
ok_if() {
	desc=$1
	shift
	n=$((n + 1))
	if "$@" >/dev/null 2>&1; then
		echo "ok $n - $desc"
	else
		echo "not ok $n - $desc"
		failed=$((failed + 1))
	fi
}

# jq_ok DESC FILE EXPR: FILE is JSON and EXPR is true of it.
jq_ok() {
	ok_if "$1" jq -e "$3" "$2"
}

for tool in gcc objdump readelf jq; do
	command -v $tool >/dev/null 2>&1 ||
		{ echo "Bail out! no $tool"; exit 1; }
done
[ -x "$LR" ] || { echo "Bail out! $LR is not built"; exit 1; }

T=$(mktemp -d) || exit 1
trap 'rm -rf "$T"' EXIT INT TERM

# --- the program ---

cat >"$T/prog.c" <<'EOF'
#include <stdlib.h>

char *outer(size_t n);
char *volatile keep;

__attribute__((noinline)) char *make_list(size_t n)
{
	char *p = malloc(n); /* L_MAKE */
	keep = p;
	return p;
}

int main(void)
{
	make_list(10); /* L_MAIN1 */
	outer(20); /* L_MAIN2 */
	return 0;
}
EOF
cat >"$T/inl.c" <<'EOF'
#include <stdlib.h>

extern char *volatile keep;

static inline __attribute__((always_inline)) char *helper(size_t n)
{
	return malloc(n * 2); /* L_HELPER */
}

/* Built at -O2: helper is inlined here, a real DW_TAG_inlined_subroutine. */
__attribute__((noinline)) char *outer(size_t n)
{
	char *p = helper(n); /* L_OUTER */
	keep = p;
	return p;
}
EOF
(cd "$T" && gcc -g -O2 -c inl.c -o inl.o &&
	gcc -g -O0 -no-pie prog.c inl.o -o prog) ||
	{ echo "Bail out! cannot build the test program"; exit 1; }

L_MAKE=$(line L_MAKE prog.c)
L_MAIN1=$(line L_MAIN1 prog.c)
L_MAIN2=$(line L_MAIN2 prog.c)
L_HELPER=$(line L_HELPER inl.c)
L_OUTER=$(line L_OUTER inl.c)

objdump -d --no-show-raw-insn "$T/prog" >"$T/prog.dis"

MAKE_RET=$(ret make_list malloc@plt)
MAIN1_RET=$(ret main make_list)
MAIN2_RET=$(ret main outer)
OUTER_RET=$(ret outer malloc@plt)
for v in "$MAKE_RET" "$MAIN1_RET" "$MAIN2_RET" "$OUTER_RET"; do
	[ -n "$v" ] ||
		{ echo "Bail out! no call site in the disassembly"; exit 1; }
done

# The module line of the program: non-PIE, so bias 0, and the range of
# its PT_LOAD segments rounded out to pages (hex arithmetic in the shell:
# Debian's awk is mawk, which has no strtonum).
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

# A real libc pc, inside strdup, for a frame symbolized from libc itself.
LIBC=$(ldd "$T/prog" | awk '$1 ~ /^libc\.so/ { print $3 }')
STRDUP=$(nm -D --defined-only "$LIBC" 2>/dev/null |
	awk '$3 == "strdup" || $3 ~ /^strdup@/ { print $1; exit }')
: "${STRDUP:=0}"
LIBC_PC=$(printf '%x' $((0x7f0000000000 + 0x$STRDUP + 16)))

# --- the dump ---

cat >"$T/body" <<EOF
P 1c8f 1c80 exit 19c6a0e7f10 4d2 1 0
X $T/prog
N prog
o depth 20
c allocs 14
c frees 5
c dropped 0
m $RANGE 0 $BUILD_ID $T/prog
m 7f0000000000 7f0001000000 7f0000000000 - $LIBC
m 7e0000000000 7e0000001000 7e0000000000 - /nonexistent/libgone.so
m 7d0000000000 7d0000100000 7d0000000000 - /nonexistent/libstdc++.so.6
s 1 2 $MAKE_RET $MAIN1_RET
s 2 2 $OUTER_RET $MAIN2_RET
s 3 3 7d0000000020 $MAKE_RET $MAIN1_RET
s 4 2 7e0000000010 123
s 5 1 $MAKE_RET
s 6 1 $MAIN2_RET
s 7 2 $LIBC_PC $MAKE_RET
b 1 d 2 30 3e8
b 5 d 2 30 0
b 6 d 3 30 0
b 3 d 4 100 5
b 2 i 1 40 64
b 3 l 3 60 7d0
b 4 l 1 8 0
b 7 r 1 10 0
z a record from a later version
EOF

# mkdump BODY OUT: a dump of BODY's records with its first and e lines.
mkdump "$T/body" "$T/a.dump"

# --- JSON ---

"$LR" --format json "$T/a.dump" >"$T/a.json" 2>"$T/a.err"
ok_if "json: exit 0" test $? -eq 0
ok_if "json: valid JSON" jq . "$T/a.json"
J=$T/a.json
jq_ok "json: format, version, process" "$J" '
	.format == "leakshim-report" and .version == 1 and
	.process == {"pid": 7311, "program": "prog", "reason": "exit",
		     "time": "2026-02-17T05:24:20Z", "uptime_s": 1.2}'
jq_ok "json: summary counts every group" "$J" '.summary == {
	"leaked_bytes": 400, "leaked_blocks": 11,
	"indirect_bytes": 64, "indirect_blocks": 1,
	"reachable_bytes": 16, "reachable_blocks": 1,
	"live_bytes": 584, "live_blocks": 17,
	"total_allocs": 20, "total_frees": 5,
	"open_connections": 0, "uncleared_results": 0,
	"idle_connections": 0, "idle_in_transaction": 0,
	"failed_connections": 0, "uncleared_result_bytes": 0,
	"open_cancels": 0, "connections_opened": 0,
	"connections_finished": 0, "connections_failed": 0,
	"suppressed_bytes": 0, "suppressed_blocks": 0}'
jq_ok "json: keys in DESIGN.md order" "$J" '
	(keys_unsorted == ["format", "version", "process", "classified",
			   "summary", "leaks", "connections", "results",
			   "cancels", "suppressions"]) and
	(.summary | keys_unsorted[:12] == ["leaked_bytes", "leaked_blocks",
		"indirect_bytes", "indirect_blocks", "reachable_bytes",
		"reachable_blocks", "live_bytes", "live_blocks", "total_allocs",
		"total_frees", "open_connections", "uncleared_results"]) and
	(.leaks[0] | keys_unsorted == ["kind", "bytes", "blocks",
				       "oldest_age_s", "stack"]) and
	(.leaks[0].stack[0] | keys_unsorted == ["pc", "module", "function",
						"file", "line", "inlined"])'
jq_ok "json: order direct, indirect, live; bytes, blocks, stack id" "$J" '
	[.leaks[] | [.kind, .bytes, .blocks]] == [
		["direct", 256, 4], ["direct", 48, 3], ["direct", 48, 2],
		["direct", 48, 2], ["indirect", 64, 1], ["live", 96, 3],
		["live", 8, 1]]'
jq_ok "json: equal entries by stack id (1 before 5)" "$J" '
	(.leaks[2].stack | length) == 2 and (.leaks[3].stack | length) == 1'
jq_ok "json: ages in seconds" "$J" '
	[.leaks[].oldest_age_s] == [0.0, 0.0, 1.0, 0.0, 0.1, 2.0, 0.0]'

# frame_is I J FUNC FILE LINE INLINED: frame J of leak I, file by basename.
frame_is() {
	jq_ok "json: leak $1 frame $2 is $3 $4:$5${6:+ inlined}" "$J" "
		.leaks[$1].stack[$2] | .function == \"$3\" and
		(.file | split(\"/\") | last) == \"$4\" and .line == $5 and
		.inlined == ${6:-false} and .module == \"$T/prog\""
}
frame_is 2 0 make_list prog.c "$L_MAKE"
frame_is 2 1 main prog.c "$L_MAIN1"
frame_is 4 0 helper inl.c "$L_HELPER" true
frame_is 4 1 outer inl.c "$L_OUTER"
frame_is 4 2 main prog.c "$L_MAIN2"
jq_ok "json: pcs as in the dump; an inline chain shares its pc" "$J" "
	.leaks[2].stack[0].pc == \"0x$MAKE_RET\" and
	.leaks[4].stack[0].pc == \"0x$OUTER_RET\" and
	.leaks[4].stack[1].pc == \"0x$OUTER_RET\""
jq_ok "json: file names are absolute" "$J" "
	.leaks[2].stack[0].file == \"$T/prog.c\""
jq_ok "json: missing module keeps pc and module, no symbols" "$J" '
	.leaks[6].stack[0] == {"pc": "0x7e0000000010",
		"module": "/nonexistent/libgone.so", "function": null,
		"file": null, "line": null, "inlined": false}'
jq_ok "json: pc in no module" "$J" '
	.leaks[6].stack[1] == {"pc": "0x123", "module": null,
		"function": null, "file": null, "line": null,
		"inlined": false}'
jq_ok "json: connections, results and cancels empty" "$J" '
	.connections == [] and .results == [] and .cancels == []'
jq_ok "json: no classified counter: not classified, no suppressions" "$J" '
	.classified == false and .suppressions == [] and
	has("scan_error") == false'
ok_if "json: one warning per missing module" test "$(grep -c \
	'^leakreport: warning: cannot open /nonexistent/libgone.so: No such file or directory; its frames are not symbolized$' \
	"$T/a.err")" -eq 1

"$LR" --format json --all "$T/a.dump" >"$T/all.json" 2>/dev/null
jq_ok "json --all: reachable listed last" "$T/all.json" '
	(.leaks | length) == 8 and .leaks[7].kind == "reachable" and
	.leaks[7].bytes == 16'
jq_ok "json --all: a libc frame is symbolized from libc" "$T/all.json" "
	.leaks[7].stack[0].module == \"$LIBC\" and
	(.leaks[7].stack[0].function | test(\"strdup\")) and
	.leaks[7].stack[1].function == \"make_list\""
jq_ok "json: reachable hidden by default" "$J" '
	[.leaks[].kind] | index("reachable") == null'
"$LR" --format json --top 2 --no-addresses "$T/a.dump" >"$T/top.json" \
	2>/dev/null
jq_ok "json --top 2: the first two, summary unchanged" "$T/top.json" '
	[.leaks[] | .bytes] == [256, 48] and .summary.live_blocks == 17'
jq_ok "json ignores --no-addresses" "$T/top.json" '
	.leaks[0].stack[1].pc | startswith("0x")'

# --- text ---

"$LR" --no-addresses "$T/a.dump" >"$T/a.txt" 2>/dev/null
ok_if "text: exit 0" test $? -eq 0
cat >"$T/a.expect" <<EOF
leakshim: prog (pid 7311): 17 blocks, 584 bytes live at exit after 1.2 s

Direct leak of 256 bytes in 4 blocks at make_list ($T/prog.c:$L_MAKE), oldest 0.0 s
    #0 in ?? (/nonexistent/libstdc++.so.6)
    #1 in make_list $T/prog.c:$L_MAKE
    #2 in main $T/prog.c:$L_MAIN1

Direct leak of 48 bytes in 3 blocks at main ($T/prog.c:$L_MAIN2), oldest 0.0 s
    #0 in main $T/prog.c:$L_MAIN2

Direct leak of 48 bytes in 2 blocks at make_list ($T/prog.c:$L_MAKE), oldest 1.0 s
    #0 in make_list $T/prog.c:$L_MAKE
    #1 in main $T/prog.c:$L_MAIN1

Direct leak of 48 bytes in 2 blocks at make_list ($T/prog.c:$L_MAKE), oldest 0.0 s
    #0 in make_list $T/prog.c:$L_MAKE

Indirect leak of 64 bytes in 1 block at helper ($T/inl.c:$L_HELPER), oldest 0.1 s
    #0 in helper $T/inl.c:$L_HELPER (inlined)
    #1 in outer $T/inl.c:$L_OUTER
    #2 in main $T/prog.c:$L_MAIN2

Live: 96 bytes in 3 blocks at make_list ($T/prog.c:$L_MAKE), oldest 2.0 s
    #0 in ?? (/nonexistent/libstdc++.so.6)
    #1 in make_list $T/prog.c:$L_MAKE
    #2 in main $T/prog.c:$L_MAIN1

Live: 8 bytes in 1 block, oldest 0.0 s
    #0 in ?? (/nonexistent/libgone.so)
    #1 in ??

SUMMARY: leakshim: 584 bytes live in 17 blocks from 7 sites (20 allocations, 5 frees).
EOF
ok_if "text --no-addresses: matches the expected report" \
	diff -u "$T/a.expect" "$T/a.txt"
diff -u "$T/a.expect" "$T/a.txt" | sed 's/^/# /'

"$LR" "$T/a.dump" >"$T/addr.txt" 2>/dev/null
ok_if "text: frames carry pcs" grep -qx \
	"    #1 0x$MAKE_RET in make_list $T/prog.c:$L_MAKE" "$T/addr.txt"
ok_if "text: frames without a file carry module+offset" grep -qx \
	"    #0 0x7e0000000010 in ?? (/nonexistent/libgone.so+0x10)" \
	"$T/addr.txt"

grep -v '^b [0-9] [dil]' "$T/body" >"$T/quiet.body"
sed 's/^c dropped 0$/c dropped 3/' "$T/quiet.body" >"$T/quiet.b2"
mv "$T/quiet.b2" "$T/quiet.body"
mkdump "$T/quiet.body" "$T/quiet.dump"
"$LR" "$T/quiet.dump" >"$T/quiet.txt" 2>/dev/null
ok_if "text: empty list says no leaks found" grep -qx \
	"leakshim: no leaks found" "$T/quiet.txt"
ok_if "text: dropped allocations are reported" grep -qx \
	"leakshim: warning: 3 allocations were not tracked (tracker out of memory); figures are lower bounds" \
	"$T/quiet.txt"
ok_if "text: SUMMARY still printed" grep -qx \
	"SUMMARY: leakshim: 16 bytes live in 1 block from 1 site (20 allocations, 5 frees)." \
	"$T/quiet.txt"

sed "s/^m \\(.*\\) $BUILD_ID /m \\1 00112233 /" "$T/body" >"$T/changed.body"
mkdump "$T/changed.body" "$T/changed.dump"
"$LR" "$T/changed.dump" >/dev/null 2>"$T/changed.err"
ok_if "a changed build-id is reported once" test "$(grep -c \
	"^leakreport: warning: $T/prog has changed since the dump" \
	"$T/changed.err")" -eq 1

# --- --older-than ---

# Stack 1: direct, 950 s old, ages down to 900 s; stack 2: indirect,
# 400.5 s old, nothing at 900 s; stack 5: live, 10 s old; stack 7:
# reachable, 800000 s old, counted at every age up to a week.  Three
# connections of stack 6 aged 500 s, 100 s and 2 s, and a failed connect
# 3 s old; results 600 s and 30 s old; a cancel handle 1000 s old.
cat >"$T/age.body" <<EOF
P 1c8f 1c80 signal 19c6a0e7f10 $(h 900000000) 1 0
X $T/prog
N prog
o conn_limit 64
c allocs 64
c frees 5
m $RANGE 0 $BUILD_ID $T/prog
s 1 2 $MAKE_RET $MAIN1_RET
s 2 2 $OUTER_RET $MAIN2_RET
s 5 1 $MAKE_RET
s 6 1 $MAIN2_RET
s 7 2 $LIBC_PC $MAKE_RET
b 1 d a $(h 4096) $(h 950000)
a 1 d 1 a $(h 4096)
a 1 d a 8 $(h 3000)
a 1 d 3c 6 $(h 2000)
a 1 d 12c 4 $(h 1500)
a 1 d 384 2 $(h 500)
b 2 i 3 $(h 768) $(h 400500)
a 2 i 1 3 $(h 768)
a 2 i a 3 $(h 768)
a 2 i 3c 2 $(h 512)
a 2 i 12c 1 $(h 256)
b 5 l 5 50 $(h 10000)
a 5 l 1 5 50
b 7 r 2 20 $(h 800000000)
a 7 r 1 2 20
a 7 r a 2 20
a 7 r 3c 2 20
a 7 r 12c 2 20
a 7 r 384 2 20
a 7 r e10 2 20
a 7 r 5460 2 20
a 7 r 15180 2 20
a 7 r 93a80 1 10
C 6 $(h 500000) $(h 500000) 0 0 0 10 u@h:5432/db
C 6 $(h 100000) $(h 100000) 0 0 0 11 u@h:5432/db
C 6 $(h 2000) $(h 2000) 0 0 0 12 u@h:5432/db
C 6 $(h 3000) $(h 3000) 1 0 1 0 u@h:5432/db
R 5 4 $(h 4000) $(h 600000)
R 1 2 $(h 1000) $(h 30000)
K 2 1 $(h 1000000)
EOF
mkdump "$T/age.body" "$T/age.dump"
NOTE='leakshim: note: ages are recorded at 1, 10, 60, 300, 900, 3600, 21600, 86400 and 604800 s;'

# older S [OPTIONS]: the JSON report of age.dump with --older-than S.
older() {
	s=$1
	shift
	"$LR" --format json --all "$@" --older-than "$s" "$T/age.dump" \
		>"$T/older.json" 2>"$T/older.err"
}

"$LR" --format json --all "$T/age.dump" >"$T/age.json" 2>/dev/null
jq_ok "no --older-than: every group, no older_than_s" "$T/age.json" '
	[.leaks[] | [.kind, .bytes, .blocks]] == [["direct", 4096, 10],
		["indirect", 768, 3], ["live", 80, 5], ["reachable", 32, 2]] and
	has("older_than_s") == false and .summary.open_connections == 3'

older 60
ok_if "--older-than 60: exit 0, nothing on stderr" test $? -eq 0 -a \
	! -s "$T/older.err"
jq_ok "--older-than 60: the counts of the 60 s records" "$T/older.json" '
	[.leaks[] | [.kind, .bytes, .blocks, .oldest_age_s]] == [
		["direct", 2000, 6, 950.0], ["indirect", 512, 2, 400.5],
		["reachable", 32, 2, 800000.0]]'
jq_ok "--older-than 60: older_than_s 60 right after classified" \
	"$T/older.json" '.older_than_s == 60 and
	(keys_unsorted[:6] == ["format", "version", "process", "classified",
			       "older_than_s", "summary"])'
jq_ok "--older-than 60: the summary follows the entries" "$T/older.json" '
	.summary | .leaked_bytes == 2000 and .leaked_blocks == 6 and
	.indirect_bytes == 512 and .indirect_blocks == 2 and
	.reachable_bytes == 32 and .live_bytes == 2544 and
	.live_blocks == 10 and .total_allocs == 100'
jq_ok "--older-than 60: connections one by one" "$T/older.json" '
	[.connections[] | [.count, .oldest_age_s, .backend_pids]] ==
		[[2, 500.0, [16, 17]]] and .summary.open_connections == 2 and
	.summary.failed_connections == 0'
jq_ok "--older-than 60: results and cancel handles by their oldest" \
	"$T/older.json" '[.results[] | .count] == [4] and
	.summary.uncleared_results == 4 and [.cancels[] | .count] == [1]'
"$LR" --older-than 60 --no-addresses "$T/age.dump" >"$T/older.txt" 2>&1
ok_if "--older-than 60 (a threshold): no note" test "$(grep -c \
	'note: ages' "$T/older.txt")" -eq 0
ok_if "--older-than 60: text SUMMARY follows the entries" grep -qx \
	"SUMMARY: leakshim: 2544 bytes live in 10 blocks from 3 sites (100 allocations, 5 frees); libpq: 2 connections open (0 opened, 0 finished, 0 failed), 4 results not cleared, 1 cancel handle not freed." \
	"$T/older.txt"
older 60.000
jq_ok "--older-than 60.000 is the threshold 60" "$T/older.json" \
	'.older_than_s == 60 and (.leaks | length) == 3'

older 400
jq_ok "--older-than 400: counted at 900 s, oldest at least 400 s" \
	"$T/older.json" '.older_than_s == 900 and
	[.leaks[] | [.kind, .bytes, .blocks]] == [["direct", 500, 2],
		["reachable", 32, 2]]'
jq_ok "--older-than 400: one connection, results of 600 s" \
	"$T/older.json" '[.connections[] | .count] == [1] and
	.summary.open_connections == 1 and .summary.uncleared_results == 4'
"$LR" --older-than 400 --no-addresses "$T/age.dump" >"$T/older.txt" 2>&1
ok_if "--older-than 400: the note says 900 s" grep -qx \
	"$NOTE --older-than 400 counted blocks older than 900 s" \
	"$T/older.txt"
ok_if "--older-than 400: the note is the second line" test \
	"$(sed -n 2p "$T/older.txt" | cut -c1-30)" = \
	"leakshim: note: ages are recor"
ok_if "--older-than 400: one note line" test "$(grep -c 'note:' \
	"$T/older.txt")" -eq 1

older 400.6
jq_ok "--older-than 400.6: a group 400.5 s old is out anyway" \
	"$T/older.json" '[.leaks[] | .kind] == ["direct", "reachable"]'
older 0.5
jq_ok "--older-than 0.5: counted at 1 s" "$T/older.json" '
	.older_than_s == 1 and [.leaks[] | [.kind, .bytes, .blocks]] == [
		["direct", 4096, 10], ["indirect", 768, 3], ["live", 80, 5],
		["reachable", 32, 2]] and .summary.open_connections == 3'
older 5
jq_ok "--older-than 5: counted at 10 s; live group has no 10 s record" \
	"$T/older.json" '.older_than_s == 10 and
	[.leaks[] | [.kind, .bytes, .blocks]] == [["direct", 3000, 8],
		["indirect", 768, 3], ["reachable", 32, 2]]'
older 2
jq_ok "--older-than 2: connections of 2 s and more" "$T/older.json" '
	.summary.open_connections == 3 and
	.summary.failed_connections == 1'
older 700000
jq_ok "--older-than 700000: week counts where the oldest is that old" \
	"$T/older.json" '.older_than_s == 604800 and
	[.leaks[] | [.kind, .bytes, .blocks]] == [["reachable", 16, 1]] and
	.connections == [] and .results == [] and .cancels == []'
"$LR" --all --older-than 700000 "$T/age.dump" >"$T/older.txt" 2>&1
ok_if "--older-than 700000: the note names both ages" grep -qx \
	"$NOTE --older-than 700000 counted blocks older than 604800 s, at sites whose oldest block is older than 700000 s" \
	"$T/older.txt"
older 900000
jq_ok "--older-than 900000: nothing that old" "$T/older.json" '
	.leaks == [] and .summary.live_bytes == 0'
"$LR" --leak-count --older-than 300 "$T/age.dump" >"$T/older.txt" 2>&1
ok_if "--leak-count --older-than 300: unclassified, no leaks" test \
	"$(cat "$T/older.txt")" = "0 0"
sed 's/^c frees 5$/c classified 1/' "$T/age.body" >"$T/agec.body"
mkdump "$T/agec.body" "$T/agec.dump"
"$LR" --leak-count --older-than 300 "$T/agec.dump" >"$T/older.txt" 2>&1
ok_if "--leak-count --older-than 300, classified: only the old leaks" \
	test "$(cat "$T/older.txt")" = "5 1756"

# --- usage ---

"$LR" --help >"$T/help" 2>&1
ok_if "--help: exit 0, usage on stdout" grep -q '^usage: leakreport' "$T/help"
for args in "--weight blocks" "--format folded --weight lines" "--suppressions" \
	"--older-than -1" "--older-than 1e3" "--older-than 5s" \
	"--older-than ." "diff" "trend" "--bogus" "--top x" "--format xml" \
	"--top"; do
	# shellcheck disable=SC2086
	"$LR" $args "$T/a.dump" >/dev/null 2>"$T/usage.err"
	st=$?
	ok_if "usage '$args': exit 2, one line on stderr" test $st -eq 2 -a \
		"$(wc -l <"$T/usage.err")" -eq 1
done
"$LR" >/dev/null 2>"$T/usage.err"
ok_if "no DUMP: exit 2, usage on stderr" test $? -eq 2 -a \
	"$(grep -c '^leakreport: usage: ' "$T/usage.err")" -eq 1
"$LR" --format sarif --weight blocks "$T/a.dump" 2>"$T/usage.err"
ok_if "--weight is for folded stacks only, and says so" grep -qx \
	"leakreport: usage: --weight is an option of --format folded" \
	"$T/usage.err"
"$LR" --suppressions "$T/none.supp" "$T/a.dump" >/dev/null 2>"$T/usage.err"
ok_if "--suppressions is implemented: a missing file is an error" test \
	$? -eq 2 -a "$(cat "$T/usage.err")" = \
	"leakreport: $T/none.supp: No such file or directory"

# --- bad input ---

# bad DESC FILE: exit 2, one stderr line "leakreport: ...", no signal.
bad() {
	"$LR" "$2" >/dev/null 2>"$T/bad.err"
	st=$?
	ok_if "bad input: $1" test $st -eq 2 -a \
		"$(wc -l <"$T/bad.err")" -eq 1 -a \
		"$(grep -c '^leakreport: ' "$T/bad.err")" -eq 1
}
head -n 5 "$T/a.dump" >"$T/trunc.dump"
bad "truncated dump" "$T/trunc.dump"
head -c 200 "$T/a.dump" >"$T/cut.dump"
bad "dump cut inside a line" "$T/cut.dump"
sed '1s/ 1$/ 7/' "$T/a.dump" >"$T/v7.dump"
bad "wrong version" "$T/v7.dump"
"$LR" "$T/v7.dump" 2>&1 | grep -q 'dump version 7 is not supported'
ok_if "wrong version: names the version found" test $? -eq 0
head -c 4096 "$T/prog" >"$T/garbage.dump"
bad "binary garbage" "$T/garbage.dump"
: >"$T/empty.dump"
bad "empty file" "$T/empty.dump"
bad "a directory" "$T"
bad "a missing file" "$T/nonexistent.dump"
printf 'leakshim-dump 1\nP 1 0 exit 0 0 0 0\nN a\000b\ne 2 0\n' >"$T/nul.dump"
bad "NUL byte" "$T/nul.dump"

# --- scale ---

# 100k distinct stacks of 16 frames: the report must take seconds, not
# minutes (pcs are cached, functions indexed per compile unit).
awk -v a="$MAKE_RET" -v b="$MAIN1_RET" -v c="$OUTER_RET" -v d="$MAIN2_RET" '
	NR == FNR && /^[PXNocm] / { print; next }
	END {
		split(a " " b " " c " " d, pc, " ")
		for (i = 1; i <= 100000; i++) {
			line = sprintf("s %x 10", i)
			for (j = 0; j < 16; j++)
				line = line " " pc[1 + (i + j * j) % 4]
			print line
		}
		for (i = 1; i <= 100000; i++)
			printf "b %x d 1 %x 0\n", i, i
	}' "$T/body" >"$T/big.body"
mkdump "$T/big.body" "$T/big.dump"
start=$(date +%s)
"$LR" --format json "$T/big.dump" >"$T/big.json" 2>/dev/null
st=$?
took=$(($(date +%s) - start))
ok_if "100k stacks: report in ${took}s (limit 30s)" test $st -eq 0 -a \
	$took -le 30
# (grep, not jq: jq takes longer over this file than leakreport)
ok_if "100k stacks: every entry listed" test "$(grep -c \
	'^    {"kind": "direct", "bytes": ' "$T/big.json")" -eq 100000

# --- mutations ---

cat >"$T/mutate.c" <<'EOF'
/* mutate SEED < dump > damaged: one random edit of a dump. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv)
{
	static char buf[1 << 20];
	size_t n = fread(buf, 1, sizeof(buf), stdin), i, j, k;

	srand(argc > 1 ? (unsigned)atoi(argv[1]) : 1);
	if (n == 0)
		return 1;
	i = (size_t)rand() % n;
	switch (rand() % 5) {
	case 0:		/* truncate at a random byte */
		n = i;
		break;
	case 1:		/* delete the line that holds byte i */
		while (i > 0 && buf[i - 1] != '\n')
			i--;
		for (j = i; j < n && buf[j] != '\n'; j++)
			;
		j = j < n ? j + 1 : n;
		memmove(buf + i, buf + j, n - j);
		n -= j - i;
		break;
	case 2:		/* flip a byte */
		buf[i] ^= (char)(1 + rand() % 255);
		break;
	case 3:		/* set a byte to one of the separators */
		buf[i] = " \n\\\0"[rand() % 4];
		break;
	default:	/* duplicate the line that holds byte i */
		while (i > 0 && buf[i - 1] != '\n')
			i--;
		for (j = i; j < n && buf[j] != '\n'; j++)
			;
		k = j < n ? j + 1 - i : j - i;
		if (n + k <= sizeof(buf)) {
			memmove(buf + i + k, buf + i, n - i);
			n += k;
		}
	}
	fwrite(buf, 1, n, stdout);
	return 0;
}
EOF
gcc -O1 -o "$T/mutate" "$T/mutate.c" || { echo "Bail out! mutate"; exit 1; }
bad_runs=0
seed=1
while [ $seed -le 200 ]; do
	"$T/mutate" $seed <"$T/a.dump" >"$T/m.dump"
	"$LR" --all "$T/m.dump" >/dev/null 2>&1
	st=$?
	if [ $st -ne 0 ] && [ $st -ne 2 ]; then
		echo "# seed $seed: exit status $st"
		bad_runs=$((bad_runs + 1))
	fi
	seed=$((seed + 1))
done
ok_if "200 mutated dumps: exit 0 or 2, never a signal" test $bad_runs -eq 0

echo "1..$n"
[ $failed -eq 0 ]
