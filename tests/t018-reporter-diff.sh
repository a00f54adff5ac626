#!/bin/sh
# SPDX-License-Identifier: MIT
#
# t018-reporter-diff.sh - leakreport diff end to end, without the shim:
# a small program gives real return addresses for known functions, and
# two dumps are written by hand as two runs of it would write them: other
# pids, other stack ids, libc and a library without symbols loaded at
# other addresses, and a site whose blocks come from two stacks (two calls
# on one line).  Sites must be matched by their frames.  Checked: which
# sites are listed (growth in bytes or in blocks; --all adds the ones that
# shrank or went away), their order, memory adding up every class, the
# text lines and frames, the SUMMARY (the change of the dumps' totals),
# the JSON shape, a warning for dumps of different programs, and usage.
#
# Needs gcc, objdump, readelf, nm (binutils) and jq.  $B is the build
# directory holding leakreport (make check sets it).

. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/reporter.sh"

need gcc objdump readelf nm jq

# --- the program ---

cat >"$T/prog.c" <<'EOF'
#include <stdlib.h>
#include <string.h>

void *volatile keep;

/* Stands in for a libpq entry point. */
__attribute__((noinline)) void *pq_call(void)
{
	return malloc(1);
}

__attribute__((noinline)) void leak_grow(void)
{
	keep = malloc(64); keep = calloc(1, 64); /* L_GROW */
}

__attribute__((noinline)) void dup_name(void)
{
	keep = strdup("name"); /* L_DUP */
}

__attribute__((noinline)) void shrink_buf(void)
{
	keep = malloc(4096); /* L_SHRINK */
}

__attribute__((noinline)) void gone_away(void)
{
	keep = malloc(1024); /* L_GONE */
}

__attribute__((noinline)) void fresh_alloc(void)
{
	keep = malloc(64); /* L_FRESH */
}

__attribute__((noinline)) void same_buf(void)
{
	keep = malloc(1000); /* L_SAME */
}

__attribute__((noinline)) void realloc_more(void)
{
	keep = malloc(2048); /* L_MORE */
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
	leak_grow();
	dup_name();
	shrink_buf();
	gone_away();
	fresh_alloc();
	same_buf();
	realloc_more();
	pool_checkout();
	dial();
	report_stats();
	return 0;
}
EOF
build_prog prog.c

GROW1=$(ret leak_grow malloc@plt)
GROW2=$(ret leak_grow calloc@plt)
DUP=$(ret dup_name strdup@plt)
SHRINK=$(ret shrink_buf malloc@plt)
GONE=$(ret gone_away malloc@plt)
FRESH=$(ret fresh_alloc malloc@plt)
SAME=$(ret same_buf malloc@plt)
MORE=$(ret realloc_more malloc@plt)
CHECKOUT=$(ret pool_checkout pq_call)
DIAL=$(ret dial pq_call)
STATS=$(ret report_stats pq_call)
for f in leak_grow dup_name shrink_buf gone_away fresh_alloc same_buf \
	realloc_more pool_checkout dial report_stats; do
	eval "M_$f=\$(ret main $f)"
done
for v in "$GROW1" "$GROW2" "$DUP" "$SHRINK" "$GONE" "$FRESH" "$SAME" \
	"$MORE" "$CHECKOUT" "$DIAL" "$STATS" "$M_leak_grow" "$M_dup_name" \
	"$M_report_stats"; do
	[ -n "$v" ] ||
		{ echo "Bail out! no call site in the disassembly"; exit 1; }
done
[ "$GROW1" != "$GROW2" ] || { echo "Bail out! one call in leak_grow"; exit 1; }

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

# A real pc inside libc's strdup, at the libc base of each run.
LIBC=$(ldd "$T/prog" | awk '$1 ~ /^libc\.so/ { print $3 }')
STRDUP=$(nm -D --defined-only "$LIBC" 2>/dev/null |
	awk '$3 == "strdup" || $3 ~ /^strdup@/ { print $1; exit }')
[ -n "$STRDUP" ] || { echo "Bail out! no strdup in $LIBC"; exit 1; }
LIBC1=7f0000000000
LIBC2=7f1234500000
GONE1=7e0000000000
GONE2=7e4400000000

# --- two runs ---

# run 1: pid 7311, 60 s after start.
cat >"$T/old.body" <<EOF
P 1c8f 1 signal $(h 1700000000000) $(h 60000) 1 0
X $T/prog
N prog
c allocs 100
m $RANGE 0 $BUILD_ID $T/prog
m $LIBC1 $(printf '%x' $((0x$LIBC1 + 0x1000000))) $LIBC1 - $LIBC
m $GONE1 $(printf '%x' $((0x$GONE1 + 0x1000))) $GONE1 - /nonexistent/libgone.so
s 1 2 $GROW1 $M_leak_grow
s 2 3 $(printf '%x' $((0x$LIBC1 + 0x$STRDUP + 16))) $DUP $M_dup_name
s 3 2 $SHRINK $M_shrink_buf
s 4 2 $GONE $M_gone_away
s 5 2 $SAME $M_same_buf
s 6 2 $MORE $M_realloc_more
s 7 1 $(printf '%x' $((0x$GONE1 + 0x10)))
s 8 2 $CHECKOUT $M_pool_checkout
s 9 2 $DIAL $M_dial
s a 2 $STATS $M_report_stats
b 1 d 3 $(h 12288) 3e8
b 1 r 1 $(h 4096) 3e8
b 2 d 1 $(h 100) 3e8
b 3 l 2 $(h 8192) 3e8
b 4 d 2 $(h 2048) 3e8
b 5 r 1 $(h 1000) 3e8
b 6 r 1 $(h 4096) 3e8
b 7 i 1 $(h 512) 3e8
C 8 ea60 ea60 0 0 0 10 u@h:5432/db
C 8 ea60 ea60 0 0 0 11 u@h:5432/db
C 8 ea60 ea60 0 0 0 12 u@h:5432/db
C 8 ea60 ea60 0 0 0 13 u@h:5432/db
C 9 ea60 ea60 0 0 0 14 u@h:5432/db
C 9 3e8 3e8 1 0 1 0 u@h:5432/db
R a d $(h 1300) 3e8
EOF

# run 2: pid 7400, an hour later; other ids, other load addresses.
cat >"$T/new.body" <<EOF
P 1ce8 1 signal $(h 1700003600000) $(h 120000) 1 0
X $T/prog
N prog
c allocs 200
m $RANGE 0 $BUILD_ID $T/prog
m $GONE2 $(printf '%x' $((0x$GONE2 + 0x1000))) $GONE2 - /nonexistent/libgone.so
m $LIBC2 $(printf '%x' $((0x$LIBC2 + 0x1000000))) $LIBC2 - $LIBC
s 31 2 $STATS $M_report_stats
s 30 2 $DIAL $M_dial
s 2f 2 $CHECKOUT $M_pool_checkout
s 2e 1 $(printf '%x' $((0x$GONE2 + 0x10)))
s 2d 2 $MORE $M_realloc_more
s 2c 2 $SAME $M_same_buf
s 2b 2 $FRESH $M_fresh_alloc
s 2a 2 $SHRINK $M_shrink_buf
s 29 3 $(printf '%x' $((0x$LIBC2 + 0x$STRDUP + 16))) $DUP $M_dup_name
s 22 2 $GROW2 $M_leak_grow
s 21 2 $GROW1 $M_leak_grow
b 21 d 5 $(h 65536) 3e8
b 22 i 4 $(h 32768) 3e8
b 29 d 3 $(h 300) 3e8
b 2a l 1 $(h 4096) 3e8
b 2b d a $(h 640) 3e8
b 2c r 1 $(h 1000) 3e8
b 2d r 2 $(h 4096) 3e8
b 2e i 2 $(h 1024) 3e8
C 2f ea60 ea60 0 0 0 20 u@h:5432/db
C 2f ea60 ea60 0 0 0 21 u@h:5432/db
C 2f ea60 ea60 0 0 0 22 u@h:5432/db
C 2f ea60 ea60 0 0 0 23 u@h:5432/db
C 2f ea60 ea60 0 0 0 24 u@h:5432/db
C 2f ea60 ea60 0 0 0 25 u@h:5432/db
C 2f ea60 ea60 0 0 0 26 u@h:5432/db
C 2f ea60 ea60 0 0 0 27 u@h:5432/db
C 2f ea60 ea60 0 0 0 28 u@h:5432/db
C 2f ea60 ea60 0 0 0 29 u@h:5432/db
C 30 ea60 ea60 0 0 0 2a u@h:5432/db
R 31 19 $(h 2500) 3e8
EOF

# mkdump BODY OUT: a dump of BODY's records with its first and e lines.
mkdump "$T/old.body" "$T/old.dump"
mkdump "$T/new.body" "$T/new.dump"
OLD=$T/old.dump
NEW=$T/new.dump

S_GROW="leak_grow ($T/prog.c:$(line L_GROW))"
S_DUP="dup_name ($T/prog.c:$(line L_DUP))"
S_SHRINK="shrink_buf ($T/prog.c:$(line L_SHRINK))"
S_GONE="gone_away ($T/prog.c:$(line L_GONE))"
S_FRESH="fresh_alloc ($T/prog.c:$(line L_FRESH))"
S_MORE="realloc_more ($T/prog.c:$(line L_MORE))"
S_LIBGONE="?? (/nonexistent/libgone.so+0x10)"
S_CHECKOUT="pool_checkout ($T/prog.c:$(line L_CHECKOUT))"
S_DIAL="dial ($T/prog.c:$(line L_DIAL))"
S_STATS="report_stats ($T/prog.c:$(line L_STATS))"

# --- text ---

"$REPORT" diff --no-addresses "$OLD" "$NEW" >"$T/d.txt" 2>"$T/d.err"
ok $? "diff: exit 0"
is "$(grep -c '^leakreport: warning: cannot open /nonexistent/libgone.so' \
	"$T/d.err")" 1 "a missing module is warned about once for both dumps"
cat >"$T/d.expect" <<EOF
leakshim diff: prog, pid 7311 at 60.0 s -> pid 7400 at 120.0 s (3600.0 s later)

+81920 bytes in +5 blocks (16384 -> 98304) at $S_GROW
    #0 in leak_grow $T/prog.c:$(line L_GROW)
    #1 in main $T/prog.c:$(grep -n '^	leak_grow();' "$T/prog.c" | cut -d: -f1)
+640 bytes in +10 blocks (0 -> 640) at $S_FRESH
    #0 in fresh_alloc $T/prog.c:$(line L_FRESH)
    #1 in main $T/prog.c:$(grep -n '^	fresh_alloc();' "$T/prog.c" | cut -d: -f1)
+512 bytes in +1 block (512 -> 1024) at $S_LIBGONE
    #0 in ?? (/nonexistent/libgone.so)
+200 bytes in +2 blocks (100 -> 300) at $S_DUP
EOF
sed -n '1,11p' "$T/d.txt" >"$T/d.head"
same "text: headline, and the memory entries by bytes gained, with frames" \
	"$T/d.expect" "$T/d.head"
# The libc frame of dup_name's stack, then its own frames.
grep -A 3 '^+200 bytes' "$T/d.txt" | sed -n 2p | grep -q '^    #0 in .*strdup'
ok $? "text: a libc frame at another base still matches (strdup)"
cat >"$T/d.expect" <<EOF
+0 bytes in +1 block (4096 -> 4096) at $S_MORE
+6 connections (4 -> 10) at $S_CHECKOUT
+12 results (13 -> 25) at $S_STATS
EOF
grep '^[+-]' "$T/d.txt" | tail -n 3 >"$T/d.tail"
same "text: blocks grown at the same bytes, then connections, then results" \
	"$T/d.expect" "$T/d.tail"
is "$(grep -c '^[+-]' "$T/d.txt")" 7 \
	"text: only what grew (no shrinking, unchanged or vanished site)"
is "$(tail -n 2 "$T/d.txt")" "
SUMMARY: leakshim diff: +77128 bytes, +5 connections, +12 results not cleared." \
	"text: the SUMMARY gives the change of the totals"

"$REPORT" diff "$OLD" "$NEW" >"$T/addr.txt" 2>/dev/null
grep -qx "    #0 0x$GROW1 in leak_grow $T/prog.c:$(line L_GROW)" \
	"$T/addr.txt" ||
	grep -qx "    #0 0x$GROW2 in leak_grow $T/prog.c:$(line L_GROW)" \
	"$T/addr.txt"
ok $? "text: frames carry the new dump's pcs"
grep -qx "    #0 0x$(printf '%x' $((0x$GONE2 + 0x10))) in ?? (/nonexistent/libgone.so+0x10)" \
	"$T/addr.txt"
ok $? "text: a frame without symbols: module and offset"

"$REPORT" diff --all --no-addresses "$OLD" "$NEW" >"$T/all.txt" 2>/dev/null
cat >"$T/d.expect" <<EOF
+81920 bytes in +5 blocks (16384 -> 98304) at $S_GROW
+640 bytes in +10 blocks (0 -> 640) at $S_FRESH
+512 bytes in +1 block (512 -> 1024) at $S_LIBGONE
+200 bytes in +2 blocks (100 -> 300) at $S_DUP
+0 bytes in +1 block (4096 -> 4096) at $S_MORE
-2048 bytes in -2 blocks (2048 -> 0) at $S_GONE
-4096 bytes in -1 block (8192 -> 4096) at $S_SHRINK
+6 connections (4 -> 10) at $S_CHECKOUT
-1 connection (2 -> 1) at $S_DIAL
+12 results (13 -> 25) at $S_STATS
EOF
grep '^[+-]' "$T/all.txt" >"$T/all.got"
same "--all: every site that changed, shrinking and vanished ones too" \
	"$T/d.expect" "$T/all.got"
is "$(tail -n 1 "$T/all.txt")" \
	"SUMMARY: leakshim diff: +77128 bytes, +5 connections, +12 results not cleared." \
	"--all: the same SUMMARY"

"$REPORT" diff "$OLD" "$OLD" >"$T/self.txt" 2>/dev/null
is "$(sed -n 3p "$T/self.txt")" "no site grew" "a dump against itself: no site grew"
is "$(tail -n 1 "$T/self.txt")" \
	"SUMMARY: leakshim diff: +0 bytes, +0 connections, +0 results not cleared." \
	"a dump against itself: a zero SUMMARY"
"$REPORT" diff --all "$OLD" "$OLD" >"$T/self.txt" 2>/dev/null
is "$(sed -n 3p "$T/self.txt")" "no site changed" "--all: no site changed"

"$REPORT" diff --no-addresses "$NEW" "$OLD" >"$T/rev.txt" 2>/dev/null
is "$(head -n 1 "$T/rev.txt")" \
	"leakshim diff: prog, pid 7400 at 120.0 s -> pid 7311 at 60.0 s (3600.0 s earlier)" \
	"reversed: the headline says earlier"
is "$(grep '^[+-]' "$T/rev.txt")" \
"+4096 bytes in +1 block (4096 -> 8192) at $S_SHRINK
+2048 bytes in +2 blocks (0 -> 2048) at $S_GONE
+1 connection (1 -> 2) at $S_DIAL" "reversed: what grew the other way"

# --- JSON ---

"$REPORT" diff --format json "$OLD" "$NEW" >"$T/d.json" 2>/dev/null
ok $? "json: exit 0"
J=$T/d.json
jq_is "json: format, version, keys in order" "$J" '
	.format == "leakshim-diff" and .version == 1 and
	keys_unsorted == ["format", "version", "old", "new", "sites",
			  "summary"]'
jq_is "json: old and new" "$J" '
	(.old | keys_unsorted[:4] == ["pid", "program", "time", "uptime_s"])
	and .old.pid == 7311 and .old.program == "prog" and
	.old.time == "2023-11-14T22:13:20Z" and .old.uptime_s == 60.0 and
	.new.pid == 7400 and .new.time == "2023-11-14T23:13:20Z" and
	.new.uptime_s == 120.0'
jq_is "json: the sites that grew, in order" "$J" '
	[.sites[] | [.resource, .delta, .old, .new, .delta_blocks]] == [
		["memory", 81920, 16384, 98304, 5], ["memory", 640, 0, 640, 10],
		["memory", 512, 512, 1024, 1], ["memory", 200, 100, 300, 2],
		["memory", 0, 4096, 4096, 1], ["connections", 6, 4, 10, null],
		["results", 12, 13, 25, null]]'
jq_is "json: entry keys; delta_blocks for memory only" "$J" '
	(.sites[0] | keys_unsorted[:6] == ["resource", "delta", "old", "new",
		"delta_blocks", "stack"]) and
	(.sites[5] | keys_unsorted[:5] == ["resource", "delta", "old", "new",
		"stack"] and has("delta_blocks") == false)'
jq_is "json: stacks are frames, with the site's name after" "$J" '
	.sites[0].stack[0].function == "leak_grow" and
	.sites[0].site == "'"$S_GROW"'" and
	(.sites[0].stack[0] | keys_unsorted == ["pc", "module", "function",
		"file", "line", "inlined"]) and
	.sites[5].stack[0].function == "pool_checkout"'
jq_is "json: a library frame at another base, by module and offset" "$J" '
	.sites[2].stack[0] | .module == "/nonexistent/libgone.so" and
	.pc == "0x'"$(printf '%x' $((0x$GONE2 + 0x10)))"'" and
	.function == null'
jq_is "json: summary" "$J" '
	.summary == {"bytes": 77128, "connections": 5, "results": 12}'
"$REPORT" diff --all --format json "$OLD" "$NEW" >"$T/all.json" 2>/dev/null
jq_is "json --all: negative deltas" "$T/all.json" '
	[.sites[] | select(.delta < 0) | [.resource, .delta, .delta_blocks]]
	== [["memory", -2048, -2], ["memory", -4096, -1],
	    ["connections", -1, null]]'

# --- other programs, usage ---

sed "s|^X .*|X /usr/bin/other|; s|^N prog\$|N other|" "$T/new.body" \
	>"$T/other.body"
mkdump "$T/other.body" "$T/other.dump"
"$REPORT" diff --no-addresses "$OLD" "$T/other.dump" >"$T/o.txt" 2>"$T/o.err"
ok $? "different programs: exit 0 all the same"
is "$(grep -c "^leakreport: warning: $OLD is a dump of prog but $T/other.dump one of other" \
	"$T/o.err")" 1 "different programs: one warning names both"
is "$(head -n 1 "$T/o.txt")" \
	"leakshim diff: prog, pid 7311 at 60.0 s -> other, pid 7400 at 120.0 s (3600.0 s later)" \
	"different programs: the headline names both"
is "$(grep -c '^+' "$T/o.txt")" 7 "different programs: sites still compared"

# usage DESC ARGS...: exit 2 and one line on stderr.
usage() {
	desc=$1
	shift
	"$REPORT" diff "$@" >/dev/null 2>"$T/usage.err"
	st=$?
	ok $([ $st -eq 2 ] && [ "$(grep -cv '^leakreport: warning: ' \
		"$T/usage.err")" -eq 1 ]; echo $?) \
		"usage: $desc: exit 2, one line on stderr"
}
usage "one dump" "$OLD"
grep -q '^leakreport: usage: leakreport diff ' "$T/usage.err"
ok $? "usage: one dump: the usage line"
usage "three dumps" "$OLD" "$NEW" "$NEW"
usage "bad format" --format xml "$OLD" "$NEW"
usage "--plot is trend's" --plot x.svg "$OLD" "$NEW"
usage "a missing dump" "$OLD" "$T/nonexistent.dump"
head -n 4 "$NEW" >"$T/cut.dump"
usage "a truncated dump" "$OLD" "$T/cut.dump"
"$REPORT" diff --help >"$T/help" 2>&1
ok $? "diff --help: exit 0"
grep -q '^usage: leakreport diff' "$T/help"
ok $? "diff --help: usage on stdout"

done_testing
