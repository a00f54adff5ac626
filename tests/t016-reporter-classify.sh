#!/bin/sh
# SPDX-License-Identifier: MIT
#
# t016-reporter-classify.sh - leakreport on classified dumps, and
# suppressions, end to end without the shim: a small program (one source
# file in a vendor/ folder) gives real return addresses for known
# functions, and dumps with direct, indirect, reachable and live groups
# are written by hand around them.  Checked: the default list and --all,
# the summary's sums, the exact headline and SUMMARY, the note of a dump
# whose scan could not run, suppression patterns matching a function, a
# source file or a module (with ^, $ and *), counts per pattern in text
# and JSON, the first matching pattern taking the blocks, the suppression
# file a dump names (applied, or warned about when missing), bad
# suppression files, and --leak-count with and without suppressions
# (symbolizing only when a suppression applies).
#
# Needs gcc, objdump, readelf (binutils) and jq.  $B is the build
# directory holding leakreport (make check sets it).

. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/reporter.sh"

need gcc objdump readelf jq

# --- the program: one function per call site ---

mkdir -p "$T/vendor"
cat >"$T/prog.c" <<'EOF'
#include <stdlib.h>

void *volatile keep;
void third_alloc(void);

__attribute__((noinline)) void leak_a(void)
{
	keep = malloc(100); /* L_A */
}

__attribute__((noinline)) void leak_b(void)
{
	keep = malloc(100); /* L_B */
}

__attribute__((noinline)) void make_node(void)
{
	keep = malloc(16); /* L_NODE */
}

__attribute__((noinline)) void keep_cache(void)
{
	keep = malloc(32); /* L_CACHE */
}

int main(void)
{
	leak_a(); /* L_MAIN_A */
	leak_b(); /* L_MAIN_B */
	make_node(); /* L_MAIN_NODE */
	keep_cache(); /* L_MAIN_CACHE */
	third_alloc(); /* L_MAIN_THIRD */
	return 0;
}
EOF
cat >"$T/vendor/third.c" <<'EOF'
#include <stdlib.h>

extern void *volatile keep;

__attribute__((noinline)) void third_alloc(void)
{
	keep = malloc(16); /* L_THIRD */
}
EOF
build_prog prog.c vendor/third.c

# src MARKER: FILE:LINE of the source line that carries MARKER.
src() {
	grep -n "/\* $1 \*/" "$T/prog.c" "$T/vendor/third.c" |
		cut -d: -f1,2
}

A=$(ret leak_a malloc@plt)
BB=$(ret leak_b malloc@plt)
NODE=$(ret make_node malloc@plt)
CACHE=$(ret keep_cache malloc@plt)
THIRD=$(ret third_alloc malloc@plt)
M_A=$(ret main leak_a)
M_B=$(ret main leak_b)
M_NODE=$(ret main make_node)
M_CACHE=$(ret main keep_cache)
M_THIRD=$(ret main third_alloc)
for v in "$A" "$BB" "$NODE" "$CACHE" "$THIRD" "$M_A" "$M_B" "$M_NODE" \
	"$M_CACHE" "$M_THIRD"; do
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
# A library that is not on this machine: its frames keep only the module.
ZAP=/nonexistent/libzap-1.2.so

# --- the dumps ---

# mkdump BODY OUT: a dump of BODY's records with its first and e lines.
# head_records EXTRA: process, S records (EXTRA), counters, modules,
# stacks.  Stack 6 is leak_a called from inside libzap.
head_records() {
	grep -v '^$' <<EOF
P 1c8f 1c80 exit 19c6a0e7f10 4d2 1 0
X $T/prog
N prog
$1
o depth 20
c allocs 14
c frees 5
c dropped 0
c stacks 6
EOF
	printf '%s\n' "$COUNTERS"
	cat <<EOF
m $RANGE 0 - $T/prog
m 7e0000000000 7e0000100000 7e0000000000 - $ZAP
s 1 2 $A $M_A
s 2 2 $BB $M_B
s 3 2 $NODE $M_NODE
s 4 2 $CACHE $M_CACHE
s 5 2 $THIRD $M_THIRD
s 6 3 7e0000000010 $A $M_A
EOF
}

# b stack class blocks bytes oldest_ms: 7 direct blocks (364 bytes), 4
# indirect (64), 1 reachable (32), 2 live (8).
GROUPS='b 1 d 1 64 3e8
b 2 d 2 c8 7d0
b 3 i 4 40 64
b 4 r 1 20 0
b 5 d 3 30 0
b 6 d 1 10 0
b 2 l 2 8 0'

COUNTERS='c classified 1
c scan_usec 21f
c scan_root_bytes 1093f8
c scan_heap_bytes 2541'
{ head_records ""; echo "$GROUPS"; } >"$T/c.body"
mkdump "$T/c.body" "$T/c.dump"

# u: the same blocks unclassified, because the scan could not run.
COUNTERS='c classified 0
c scan_error b'
{ head_records ""; echo "$GROUPS" | sed 's/^\(b [0-9]\) [dir] /\1 l /' |
	grep -v '^b 2 '; echo "b 2 l 4 d0 7d0"; } >"$T/u.body"
mkdump "$T/u.body" "$T/u.dump"
COUNTERS='c classified 1'

# --- classified: the lists and the summary ---

"$REPORT" --format json "$T/c.dump" >"$T/c.json" 2>"$T/c.err"
is "$?" 0 "json: exit 0"
J=$T/c.json
jq_is "json: classified after process, no scan_error" "$J" '
	(keys_unsorted == ["format", "version", "process", "classified",
			   "summary", "leaks", "connections", "results",
			   "cancels", "suppressions"]) and .classified == true'
jq_is "json: summary sums by class, nothing suppressed" "$J" '
	.summary | .leaked_bytes == 364 and .leaked_blocks == 7 and
	.indirect_bytes == 64 and .indirect_blocks == 4 and
	.reachable_bytes == 32 and .reachable_blocks == 1 and
	.live_bytes == 468 and .live_blocks == 14 and
	.suppressed_bytes == 0 and .suppressed_blocks == 0'
jq_is "json: suppressed_* are the last summary keys" "$J" '
	.summary | keys_unsorted[-2:] == ["suppressed_bytes",
					  "suppressed_blocks"]'
jq_is "json: default list: direct, indirect, live; no reachable" "$J" '
	[.leaks[] | [.kind, .bytes, .blocks]] == [["direct", 200, 2],
		["direct", 100, 1], ["direct", 48, 3], ["direct", 16, 1],
		["indirect", 64, 4], ["live", 8, 2]]'
jq_is "json: no suppression file: an empty list" "$J" '.suppressions == []'
"$REPORT" --format json --all "$T/c.dump" >"$T/all.json" 2>/dev/null
jq_is "json --all: reachable last" "$T/all.json" '
	[.leaks[] | .kind] == ["direct", "direct", "direct", "direct",
			       "indirect", "live", "reachable"] and
	.leaks[6].stack[0].function == "keep_cache"'
jq_is "json --all: the summary does not change" "$T/all.json" "
	.summary == $(jq -c .summary "$J")"

# Frame #0 of stack 6 is in libzap, not a runtime library: that frame,
# without a function or a file, is the site, so the entry has no "at".
"$REPORT" --no-addresses "$T/c.dump" >"$T/c.txt" 2>/dev/null
cat >"$T/c.expect" <<EOF
leakshim: prog (pid 7311): 428 bytes leaked in 11 blocks (7 direct, 4 indirect); 32 bytes in 1 block still reachable; at exit after 1.2 s

Direct leak of 200 bytes in 2 blocks at leak_b ($(src L_B)), oldest 2.0 s
    #0 in leak_b $(src L_B)
    #1 in main $(src L_MAIN_B)

Direct leak of 100 bytes in 1 block at leak_a ($(src L_A)), oldest 1.0 s
    #0 in leak_a $(src L_A)
    #1 in main $(src L_MAIN_A)

Direct leak of 48 bytes in 3 blocks at third_alloc ($(src L_THIRD)), oldest 0.0 s
    #0 in third_alloc $(src L_THIRD)
    #1 in main $(src L_MAIN_THIRD)

Direct leak of 16 bytes in 1 block, oldest 0.0 s
    #0 in ?? ($ZAP)
    #1 in leak_a $(src L_A)
    #2 in main $(src L_MAIN_A)

Indirect leak of 64 bytes in 4 blocks at make_node ($(src L_NODE)), oldest 0.1 s
    #0 in make_node $(src L_NODE)
    #1 in main $(src L_MAIN_NODE)

Live: 8 bytes in 2 blocks at leak_b ($(src L_B)), oldest 0.0 s
    #0 in leak_b $(src L_B)
    #1 in main $(src L_MAIN_B)

SUMMARY: leakshim: 428 bytes leaked in 11 blocks (7 direct, 4 indirect), 32 bytes reachable in 1 block (20 allocations, 5 frees).
EOF
same "text: the classified report" "$T/c.expect" "$T/c.txt"

"$REPORT" --no-addresses --all "$T/c.dump" >"$T/all.txt" 2>/dev/null
is "$(grep -E '^[A-Z][a-z]' "$T/all.txt" | cut -d' ' -f1-6 | tail -n 2)" \
	"Live: 8 bytes in 2 blocks
Reachable: 32 bytes in 1 block" "text --all: reachable listed last"

# Only reachable blocks, then nothing at all.
{ head_records ""; echo "b 4 r 1 20 0"; } >"$T/r.body"
mkdump "$T/r.body" "$T/r.dump"
"$REPORT" --no-addresses "$T/r.dump" >"$T/r.txt" 2>/dev/null
is "$(cat "$T/r.txt")" \
	"leakshim: prog (pid 7311): no leaks; 32 bytes in 1 block still reachable; at exit after 1.2 s

leakshim: no leaks found

SUMMARY: leakshim: 0 bytes leaked in 0 blocks (0 direct, 0 indirect), 32 bytes reachable in 1 block (20 allocations, 5 frees)." \
	"text: only reachable blocks: no leaks"
head_records "" >"$T/n.body"
mkdump "$T/n.body" "$T/n.dump"
"$REPORT" --no-addresses "$T/n.dump" >"$T/n.txt" 2>/dev/null
is "$(head -n 1 "$T/n.txt")" \
	"leakshim: prog (pid 7311): no leaks; at exit after 1.2 s" \
	"text: no block at all: no leaks, no reachable part"

# The libpq part stays in front of the memory part.
COUNTERS='c classified 1
c conn_opened 3
c conn_finished 2
c conn_failed 0'
{ head_records ""; echo "$GROUPS"
	echo "C 1 3e8 3e8 0 0 0 1c92 u@h:5432/db"; } >"$T/pq.body"
mkdump "$T/pq.body" "$T/pq.dump"
COUNTERS='c classified 1'
"$REPORT" --no-addresses "$T/pq.dump" >"$T/pq.txt" 2>/dev/null
is "$(head -n 1 "$T/pq.txt")" \
	"leakshim: prog (pid 7311): 1 libpq connection open; 428 bytes leaked in 11 blocks (7 direct, 4 indirect); 32 bytes in 1 block still reachable; at exit after 1.2 s" \
	"text: headline with libpq and leaks"
is "$(tail -n 1 "$T/pq.txt")" \
	"SUMMARY: leakshim: 428 bytes leaked in 11 blocks (7 direct, 4 indirect), 32 bytes reachable in 1 block (20 allocations, 5 frees); libpq: 1 connection open (3 opened, 2 finished, 0 failed)." \
	"text: SUMMARY with the libpq tail"

# --- unclassified: live wording and the note ---

"$REPORT" --no-addresses "$T/u.dump" >"$T/u.txt" 2>/dev/null
is "$(sed -n '1,2p' "$T/u.txt")" \
	"leakshim: prog (pid 7311): 14 blocks, 468 bytes live at exit after 1.2 s
leakshim: note: blocks were not classified (the scan could not run: Resource temporarily unavailable); every block is listed as live" \
	"text: unclassified headline, then the note with strerror"
is "$(tail -n 1 "$T/u.txt")" \
	"SUMMARY: leakshim: 468 bytes live in 14 blocks from 6 sites (20 allocations, 5 frees)." \
	"text: unclassified SUMMARY as before"
is "$(grep -c '^Live: ' "$T/u.txt")" 6 "text: every group listed as live"
"$REPORT" --format json "$T/u.dump" >"$T/u.json" 2>/dev/null
jq_is "json: classified false, scan_error after it" "$T/u.json" '
	(keys_unsorted[3:5] == ["classified", "scan_error"]) and
	.classified == false and
	.scan_error == "Resource temporarily unavailable"'
grep -v '^c scan_error' "$T/u.body" >"$T/u2.body"
mkdump "$T/u2.body" "$T/u2.dump"
"$REPORT" --no-addresses "$T/u2.dump" >"$T/u2.txt" 2>/dev/null
is "$(grep -c 'note' "$T/u2.txt")" 0 "text: no scan_error, no note"
"$REPORT" --format json "$T/u2.dump" >"$T/u2.json" 2>/dev/null
jq_is "json: no scan_error, no key" "$T/u2.json" '
	has("scan_error") == false and .classified == false'

# --- suppressions: one pattern at a time ---

# pattern_count PATTERN [DUMP]: "blocks bytes" that PATTERN alone takes.
pattern_count() {
	printf 'leak:%s\n' "$1" >"$T/one.supp"
	"$REPORT" --format json --suppressions "$T/one.supp" "${2:-$T/c.dump}" \
		2>/dev/null | jq -r '.suppressions[0] | "\(.blocks) \(.bytes)"'
}

# check_pattern PATTERN "BLOCKS BYTES" WHY
check_pattern() {
	is "$(pattern_count "$1")" "$2" "pattern '$1': $2 ($3)"
}
check_pattern 'leak_b' "4 208" "a function; direct and live entries"
check_pattern '/vendor/' "3 48" "a source file path"
check_pattern "^$T/vendor/third.c\$" "3 48" "a whole file path"
check_pattern 'third.c$' "3 48" "the end of a file path"
check_pattern 'libzap-*.so$' "1 16" "a module path, * and \$"
check_pattern '^/nonexistent/libzap' "1 16" "the start of a module path"
check_pattern '^make_' "4 64" "the start of a function; indirect"
check_pattern 'make_node$' "4 64" "the end of a function"
check_pattern '^make_node$' "4 64" "a whole function name"
check_pattern '^make_nod$' "0 0" "^ and \$ together: the whole name"
check_pattern '^node' "0 0" "^ anchors: node is inside make_node"
check_pattern 'keep_c$' "0 0" "\$ anchors: keep_c is inside keep_cache"
check_pattern 'cache$' "1 32" "a reachable entry"
check_pattern 'k*_c*e' "1 32" "two stars"
check_pattern '^*cache' "1 32" "^ then a star"
check_pattern 'l*k_*a' "2 116" "stars: leak_a, not leak_b"
check_pattern 'never*used' "0 0" "nothing matches"
check_pattern '*' "14 468" "a star alone matches everything"
check_pattern 'main' "14 468" "a frame below the first"

# --- suppressions: a file ---

cat >"$T/a.supp" <<'EOF'
# one pattern per kind of match; blanks and comments do not count

leak:leak_b
	leak:  /vendor/  
leak:libzap-*.so$
  # an indented comment
leak:^node
leak:^make_
leak:keep_c$
leak:cache$
leak:never*used
EOF
"$REPORT" --no-addresses --suppressions "$T/a.supp" "$T/c.dump" \
	>"$T/a.txt" 2>"$T/a.err"
is "$?" 0 "suppressions: exit 0"
cat >"$T/a.expect" <<EOF
leakshim: prog (pid 7311): 100 bytes leaked in 1 block (1 direct, 0 indirect); at exit after 1.2 s

Direct leak of 100 bytes in 1 block at leak_a ($(src L_A)), oldest 1.0 s
    #0 in leak_a $(src L_A)
    #1 in main $(src L_MAIN_A)

Suppressions used:
  blocks      bytes pattern
       4        208 leak_b
       3         48 /vendor/
       1         16 libzap-*.so$
       0          0 ^node
       4         64 ^make_
       0          0 keep_c$
       1         32 cache$
       0          0 never*used

SUMMARY: leakshim: 100 bytes leaked in 1 block (1 direct, 0 indirect), 0 bytes reachable in 0 blocks, 368 bytes in 13 blocks suppressed (20 allocations, 5 frees).
EOF
same "text: suppressed entries gone, the table, the SUMMARY" \
	"$T/a.expect" "$T/a.txt"

"$REPORT" --format json --suppressions "$T/a.supp" "$T/c.dump" \
	>"$T/a.json" 2>/dev/null
jq_is "json: suppressions list: every pattern, in file order" "$T/a.json" "
	.suppressions == [
	{\"pattern\": \"leak_b\", \"file\": \"$T/a.supp\", \"blocks\": 4, \"bytes\": 208},
	{\"pattern\": \"/vendor/\", \"file\": \"$T/a.supp\", \"blocks\": 3, \"bytes\": 48},
	{\"pattern\": \"libzap-*.so\$\", \"file\": \"$T/a.supp\", \"blocks\": 1, \"bytes\": 16},
	{\"pattern\": \"^node\", \"file\": \"$T/a.supp\", \"blocks\": 0, \"bytes\": 0},
	{\"pattern\": \"^make_\", \"file\": \"$T/a.supp\", \"blocks\": 4, \"bytes\": 64},
	{\"pattern\": \"keep_c\$\", \"file\": \"$T/a.supp\", \"blocks\": 0, \"bytes\": 0},
	{\"pattern\": \"cache\$\", \"file\": \"$T/a.supp\", \"blocks\": 1, \"bytes\": 32},
	{\"pattern\": \"never*used\", \"file\": \"$T/a.supp\", \"blocks\": 0, \"bytes\": 0}]"
jq_is "json: summary without the suppressed blocks" "$T/a.json" '
	.summary | .leaked_bytes == 100 and .leaked_blocks == 1 and
	.indirect_bytes == 0 and .indirect_blocks == 0 and
	.reachable_bytes == 0 and .reachable_blocks == 0 and
	.live_bytes == 100 and .live_blocks == 1 and
	.suppressed_bytes == 368 and .suppressed_blocks == 13'
jq_is "json: the list holds what is left" "$T/a.json" '
	[.leaks[] | [.kind, .bytes]] == [["direct", 100]]'
"$REPORT" --format json --all --suppressions "$T/a.supp" "$T/c.dump" \
	>"$T/aall.json" 2>/dev/null
jq_is "json --all: a suppressed reachable entry stays out" \
	"$T/aall.json" '[.leaks[] | .kind] == ["direct"]'

# First match wins: in a file, then across files in command line order.
printf 'leak:main\nleak:leak_a\n' >"$T/first.supp"
"$REPORT" --format json --suppressions "$T/first.supp" "$T/c.dump" \
	>"$T/first.json" 2>/dev/null
jq_is "first match wins: main takes every block, leak_a none" \
	"$T/first.json" '[.suppressions[] | [.pattern, .blocks, .bytes]] ==
	[["main", 14, 468], ["leak_a", 0, 0]] and .leaks == []'
"$REPORT" --format json --suppressions "$T/a.supp" --suppressions \
	"$T/first.supp" --suppressions "$T/a.supp" "$T/c.dump" \
	>"$T/two.json" 2>/dev/null
jq_is "two files: the second gets what the first leaves; one file once" \
	"$T/two.json" "[.suppressions[] | [.file, .blocks]] |
	length == 10 and .[8] == [\"$T/first.supp\", 1] and
	.[9] == [\"$T/first.supp\", 0]"
"$REPORT" --no-addresses --suppressions "$T/first.supp" "$T/c.dump" \
	>"$T/first.txt" 2>/dev/null
is "$(sed -n '1p;3p' "$T/first.txt")" \
	"leakshim: prog (pid 7311): no leaks; at exit after 1.2 s
leakshim: no leaks found" "text: all suppressed: no leaks found"

# A file without a pattern applies: the table is empty, the count 0.
printf '# nothing yet\n\n' >"$T/empty.supp"
"$REPORT" --no-addresses --suppressions "$T/empty.supp" "$T/c.dump" \
	>"$T/empty.txt" 2>/dev/null
is "$(tail -n 5 "$T/empty.txt")" \
	"
Suppressions used:
  blocks      bytes pattern

SUMMARY: leakshim: 428 bytes leaked in 11 blocks (7 direct, 4 indirect), 32 bytes reachable in 1 block, 0 bytes in 0 blocks suppressed (20 allocations, 5 frees)." \
	"text: a file without patterns still shows the table"
"$REPORT" --no-addresses --suppressions "$T/a.supp" "$T/u.dump" \
	>"$T/ua.txt" 2>/dev/null
is "$(tail -n 1 "$T/ua.txt")" \
	"SUMMARY: leakshim: 100 bytes live in 1 block from 1 site, 368 bytes in 13 blocks suppressed (20 allocations, 5 frees)." \
	"text: unclassified SUMMARY with suppressions"

# --- the suppression file the dump names ---

{ head_records "S $T/a.supp"; echo "$GROUPS"; } >"$T/s.body"
mkdump "$T/s.body" "$T/s.dump"
"$REPORT" --no-addresses "$T/s.dump" >"$T/s.txt" 2>"$T/s.err"
is "$?" 0 "S: exit 0"
same "S: the dump's file is applied as --suppressions is" \
	"$T/a.expect" "$T/s.txt"
is "$(grep -vc "cannot open $ZAP" "$T/s.err")" 0 \
	"S: no warning but the symbolizer's"
"$REPORT" --format json --suppressions "$T/first.supp" "$T/s.dump" \
	>"$T/s.json" 2>/dev/null
jq_is "S: applied after the --suppressions files" "$T/s.json" "
	[.suppressions[].file] | .[0] == \"$T/first.supp\" and
	.[2] == \"$T/a.supp\" and length == 10"
"$REPORT" --format json --suppressions "$T/a.supp" "$T/s.dump" \
	>"$T/s2.json" 2>/dev/null
jq_is "S: the same file as --suppressions is applied once" "$T/s2.json" '
	(.suppressions | length) == 8 and .summary.suppressed_blocks == 13'

{ head_records "S $T/missing.supp"; echo "$GROUPS"; } >"$T/m.body"
mkdump "$T/m.body" "$T/m.dump"
"$REPORT" --no-addresses "$T/m.dump" >"$T/m.txt" 2>"$T/m.err"
is "$?" 0 "S missing: exit 0"
is "$(grep -v "cannot open $ZAP" "$T/m.err")" \
	"leakreport: warning: cannot read suppression file $T/missing.supp named by the dump: No such file or directory; not applied" \
	"S missing: one warning"
same "S missing: the report as without suppressions" "$T/c.expect" \
	"$T/m.txt"
"$REPORT" --format json --suppressions "$T/first.supp" "$T/m.dump" \
	>"$T/m.json" 2>"$T/m.err"
jq_is "S missing: --suppressions files still apply" "$T/m.json" '
	(.suppressions | length) == 2'
is "$(grep -c 'suppression file' "$T/m.err")" 1 "S missing: warned once"
"$REPORT" --leak-count "$T/m.dump" >"$T/m.count" 2>"$T/m.err"
is "$? $(wc -c <"$T/m.count") $(wc -l <"$T/m.err")" "2 0 1" \
	"S missing: --leak-count fails (the shim asked for that very file)"

printf 'leak:leak_b\nfun:leak_a\n' >"$T/bad.supp"
{ head_records "S $T/bad.supp"; echo "$GROUPS"; } >"$T/sb.body"
mkdump "$T/sb.body" "$T/sb.dump"
"$REPORT" --no-addresses "$T/sb.dump" >"$T/sb.txt" 2>"$T/sb.err"
is "$? $(grep -v "cannot open $ZAP" "$T/sb.err")" \
	"0 leakreport: warning: $T/bad.supp:2: unknown suppression type 'fun' (only leak: is supported); the suppression file named by the dump is not applied" \
	"S with a bad line: a warning, not applied"
same "S with a bad line: the report as without suppressions" \
	"$T/c.expect" "$T/sb.txt"

# --- bad suppression files ---

# bad_supp DESC CONTENT LINE TYPE: exit 2, "FILE:LINE: unknown ... 'TYPE'".
bad_supp() {
	printf '%s\n' "$2" >"$T/bad.supp"
	"$REPORT" --suppressions "$T/bad.supp" "$T/c.dump" >"$T/bad.out" \
		2>"$T/bad.err"
	is "$? $(cat "$T/bad.err") $(wc -c <"$T/bad.out")" \
		"2 leakreport: $T/bad.supp:$3: unknown suppression type '$4' (only leak: is supported) 0" \
		"bad suppression file: $1"
}
bad_supp "another type" "leak:a
# c
foo:x" 3 foo
bad_supp "no colon" "leak:a

leak_b" 3 leak_b
bad_supp "a type in capitals" "LEAK:a" 1 LEAK
bad_supp "interceptor_via_fun, not supported" "interceptor_via_fun:x" 1 \
	interceptor_via_fun
printf 'leak:  \n' >"$T/bad.supp"
"$REPORT" --suppressions "$T/bad.supp" "$T/c.dump" >/dev/null 2>"$T/bad.err"
is "$? $(cat "$T/bad.err")" \
	"2 leakreport: $T/bad.supp:1: empty pattern after leak:" \
	"bad suppression file: an empty pattern"
"$REPORT" --suppressions "$T/nonexistent.supp" "$T/c.dump" >/dev/null \
	2>"$T/bad.err"
is "$? $(cat "$T/bad.err")" \
	"2 leakreport: $T/nonexistent.supp: No such file or directory" \
	"bad suppression file: a missing one"
"$REPORT" --leak-count --suppressions "$T/bad.supp" "$T/c.dump" \
	>"$T/bad.out" 2>/dev/null
is "$? $(wc -c <"$T/bad.out")" "2 0" "bad suppression file: --leak-count too"

# --- --leak-count ---

# count ARGS...: "status stdout | stderr lines".
count() {
	"$REPORT" --leak-count "$@" >"$T/count.out" 2>"$T/count.err"
	echo "$? $(cat "$T/count.out") | $(wc -l <"$T/count.err")"
}
is "$(count "$T/c.dump")" "0 11 428 | 0" \
	"--leak-count: direct and indirect blocks and bytes"
# libzap is missing: symbolizing a stack in it would warn.  No warning
# means no symbolization.
is "$(count --suppressions "$T/empty.supp" "$T/c.dump")" "0 11 428 | 0" \
	"--leak-count: a file without patterns: nothing symbolized"
is "$(count --suppressions "$T/a.supp" "$T/c.dump")" "0 1 100 | 1" \
	"--leak-count: suppressed leaks left out (symbolized: one warning)"
is "$(grep -c "cannot open $ZAP" "$T/count.err")" 1 \
	"--leak-count: the warning is the symbolizer's"
is "$(count "$T/s.dump")" "0 1 100 | 1" \
	"--leak-count: the dump's suppression file applies"
is "$(count --suppressions "$T/a.supp" "$T/u.dump")" "0 0 0 | 0" \
	"--leak-count: an unclassified dump has no leaks, nothing symbolized"
is "$(count --suppressions "$T/a.supp" "$T/r.dump")" "0 0 0 | 0" \
	"--leak-count: reachable blocks are not leaks"
is "$(count --format json --all --top 1 "$T/c.dump")" "0 11 428 | 0" \
	"--leak-count: report options do not change it"

# 200k leaks of 100k stacks: counted without symbolizing, quickly.
awk -v a="$A" -v b="$M_A" '
	NR == FNR && /^[PXNocm] / { print; next }
	END {
		for (i = 1; i <= 100000; i++)
			printf "s %x 2 %s %s\n", i, a, b
		for (i = 1; i <= 100000; i++)
			printf "b %x d 1 %x 0\nb %x i 1 1 0\n", i, i, i
	}' "$T/c.body" >"$T/big.body"
mkdump "$T/big.body" "$T/big.dump"
start=$(date +%s)
got=$(count "$T/big.dump")
took=$(($(date +%s) - start))
is "$got" "0 200000 5000150000 | 0" \
	"--leak-count: 200k leaks of 100k stacks counted"
ok "$([ "$took" -le 10 ]; echo $?)" \
	"--leak-count: 100k stacks in ${took}s (limit 10 s)"

done_testing
