#!/bin/sh
# SPDX-License-Identifier: MIT
#
# t019-bad-input.sh - bad input never crashes anything.  leakreport on
# damaged dumps (a set made here: empty, wrong magic, version 2, cut in a
# record, a stack of 2^64-1 frames, a bad hex digit, an unknown stack, a
# NUL byte, a 10 MB line; also through diff, trend and bad suppression
# files; and any dump the fuzzers of fuzz/ find, kept in
# tests/fuzz-regress/*.dump with the message it must give in its .err
# file: none so far) must exit with status 2, write nothing on stdout and
# exactly one line on stderr, the message that names the file and line (a
# crash would show as a status over 128).  The leakshim command with a
# bad option value or a bad LEAKSHIM_OPTIONS (tests/fuzz-regress/*.opts,
# and more made here) must exit with status 2 and one line, without
# running the program; the shim itself, preloaded with them, must say so
# in one line and leave the program alone.  Runs under make sanitize too
# (B=build-san, where the shim is not built and its part is skipped).
. "$(dirname "$0")/lib.sh"

REGRESS=$SRC/tests/fuzz-regress
ulimit -c 0 2>/dev/null		# a crash is found by its status, not a core
cd "$T" || exit 1

# run CMD...: rc, $T/out and $T/err of CMD.
run() {
	rc=0
	"$@" >"$T/out" 2>"$T/err" || rc=$?
}

# bad_dump DESC FILE WANT: leakreport FILE exits with 2, prints nothing
# and the one line WANT on stderr.
bad_dump() {
	run "$REPORT" "$2"
	is "$rc" 2 "$1: exit status 2 (not a signal, not a sanitizer's 1)"
	is "$(wc -l <"$T/err"):$(cat "$T/err")" "1:$3" "$1: one line"
	is "$(wc -c <"$T/out")" 0 "$1: nothing on stdout"
}

# --- the fuzzers' findings ---

for f in "$REGRESS"/*.dump; do
	[ -f "$f" ] || continue
	name=${f##*/}
	want=$(cat "${f%.dump}.err")
	bad_dump "fuzz-regress/$name" "$f" "leakreport: $f$want"
done

# --- damage made here ---

# mkdump FILE RECORD...: a dump of a P record, the records, its e record.
mkdump() {
	f=$1
	shift
	{
		printf 'leakshim-dump 1\nP 1 0 exit 0 0 0 0\n'
		printf '%s\n' "$@"
		printf 'e %x 0\n' $(($# + 1))
	} >"$f"
}

: >empty.dump
bad_dump "empty file" empty.dump \
	"leakreport: empty.dump: empty file, not a leakshim dump"

printf 'leakshim-dumq 1\nP 1 0 exit 0 0 0 0\ne 1 0\n' >magic.dump
bad_dump "wrong magic" magic.dump "leakreport: magic.dump:1: not a leakshim \
dump (the first line is not 'leakshim-dump 1')"

printf 'leakshim-dump 2\nP 1 0 exit 0 0 0 0\ne 1 0\n' >v2.dump
bad_dump "version 2" v2.dump "leakreport: v2.dump:1: dump version 2 is not \
supported (this leakreport reads version 1)"

printf 'leakshim-dump 1\nP 1 0 exit 0 0 0 0\nm 400000 500000 0 - /x\n%s' \
	's 1 2 401000 40' >cut.dump
bad_dump "truncated in a record" cut.dump "leakreport: cut.dump:4: the last \
line has no newline (truncated dump?)"

printf 'leakshim-dump 1\nP 1 0 exit 0 0 0 0\ns 1 1 401000\n' >noend.dump
bad_dump "truncated after a record" noend.dump "leakreport: noend.dump:3: \
the dump ends without its e record (truncated dump?)"

mkdump huge.dump 's 1 ffffffffffffffff 401000'
bad_dump "a stack of 2^64-1 frames" huge.dump "leakreport: huge.dump:3: bad \
s record: stack 1 has 18446744073709551615 frames, more than 256"

mkdump digits.dump 's 1 0' 'b 1 d 1 10000000000000000 0'
bad_dump "a number of 17 digits" digits.dump "leakreport: digits.dump:4: bad \
b record: bytes '10000000000000000' is not a lower-case hex number of 1 to 16 \
digits"

mkdump hex.dump 's 1 1 40100G'
bad_dump "invalid hex" hex.dump "leakreport: hex.dump:3: bad s record: pc \
'40100G' is not a lower-case hex number of 1 to 16 digits"

mkdump nostack.dump 's 1 1 401000' 'b 2 d 1 10 0'
bad_dump "a stack id that does not exist" nostack.dump "leakreport: \
nostack.dump:4: b record names stack 2, which no s record before it defines"

mkdump twice.dump 's 1 0' 'R 1 1 10 0' 'R 1 1 10 0'
bad_dump "a second R record for a stack" twice.dump "leakreport: \
twice.dump:5: second R record for stack 1"

printf 'leakshim-dump 1\nP 1 0 exit 0 0 0 0\nN a\000b\ne 2 0\n' >nul.dump
bad_dump "a NUL byte in a line" nul.dump "leakreport: nul.dump:3: NUL byte in \
the line"

printf 'leakshim-dump 1\nP 1 0 exit 0 0 0 0\nN \033]0;x\007\ne 2 0\n' >esc.dump
bad_dump "terminal escapes in a string" esc.dump "leakreport: esc.dump:3: bad \
N record: name has control byte 0x1b, which must be escaped"

{
	printf 'leakshim-dump 1\nP 1 0 exit 0 0 0 0\nX /'
	head -c 10000000 /dev/zero | tr '\0' x
	printf '\ne 2 0\n'
} >long.dump
bad_dump "a 10 MB line" long.dump "leakreport: long.dump:3: line longer than \
65536 bytes"

head -c 4096 "$REPORT" >elf.dump
bad_dump "an ELF file" elf.dump "leakreport: elf.dump:1: not a leakshim dump \
(the first line is not 'leakshim-dump 1')"

run "$REPORT" - <empty.dump
is "$rc:$(cat "$T/err")" "2:leakreport: <stdin>: empty file, not a leakshim \
dump" "empty standard input: exit status 2, one line"

# Counts at the top of their range are valid: sums stop at 2^64-1.
mkdump max.dump 's 1 0' 'c classified 1' \
	'b 1 d ffffffffffffffff ffffffffffffffff ffffffffffffffff' \
	'b 1 i ffffffffffffffff ffffffffffffffff 0'
run "$REPORT" --format json max.dump
is "$rc:$(wc -c <"$T/err")" "0:0" "counts of 2^64-1: a report, no message"
# (grep: jq reads numbers as doubles)
is "$(grep -o '"live_bytes": [0-9]*' "$T/out")" \
	'"live_bytes": 18446744073709551615' \
	"counts of 2^64-1: the sum stops at 2^64-1"

# The other ways in: diff, trend, suppression files.
mkdump good.dump 's 1 0' 'b 1 d 1 1 0'
run "$REPORT" diff v2.dump good.dump
is "$rc:$(wc -l <"$T/err"):$(cat "$T/err")" "2:1:leakreport: v2.dump:1: dump \
version 2 is not supported (this leakreport reads version 1)" \
	"diff with a bad dump: exit status 2, one line"
run "$REPORT" trend good.dump cut.dump
is "$rc:$(wc -l <"$T/err"):$(cat "$T/err")" "2:1:leakreport: cut.dump:4: the \
last line has no newline (truncated dump?)" \
	"trend with a bad dump: exit status 2, one line"
printf 'leak:x\nrace:foo\n' >bad.supp
run "$REPORT" --suppressions bad.supp good.dump
is "$rc:$(wc -l <"$T/err"):$(cat "$T/err")" "2:1:leakreport: bad.supp:2: \
unknown suppression type 'race' (only leak: is supported)" \
	"a bad suppression file: exit status 2, one line"
printf 'leak:a\000b\n' >nul.supp
run "$REPORT" --suppressions nul.supp good.dump
is "$rc:$(wc -l <"$T/err"):$(cat "$T/err")" "2:1:leakreport: nul.supp:1: NUL \
byte in the line" "a NUL byte in a suppression file: exit status 2, one line"

# --- options ---

# bad_cmd DESC WANT ARGS...: leakshim ARGS exits with 2 and the one line
# WANT, and the program (echo) does not run.
bad_cmd() {
	desc=$1
	want=$2
	shift 2
	run "$LEAKSHIM" "$@" -- echo ran
	is "$rc" 2 "leakshim $desc: exit status 2"
	is "$(wc -l <"$T/err"):$(cat "$T/err")" "1:$want" \
		"leakshim $desc: one line"
	is "$(wc -c <"$T/out")" 0 "leakshim $desc: the program does not run"
}

bad_cmd "--depth 0" "leakshim: bad value '0' for option 'depth'" --depth 0
bad_cmd "--signal KILL" "leakshim: bad value 'KILL' for option 'signal'" \
	--signal KILL
bad_cmd "--signal 32 (glibc's)" "leakshim: bad value '32' for option \
'signal'" --signal 32
bad_cmd "--exitcode 300" "leakshim: bad value '300' for option 'exitcode'" \
	--exitcode 300
bad_cmd "--interval x" "leakshim: bad value 'x' for option 'interval'" \
	--interval x
export LEAKSHIM_OPTIONS=foo=1
bad_cmd "with LEAKSHIM_OPTIONS=foo=1" \
	"leakshim: unknown option 'foo' in LEAKSHIM_OPTIONS"
LEAKSHIM_OPTIONS="path='x"
bad_cmd "with an unterminated quote" "leakshim: malformed option 'path='x' \
(want key=value) in LEAKSHIM_OPTIONS"
unset LEAKSHIM_OPTIONS

# skip N WHY: N tests skipped.
skip() {
	i=0
	while [ $i -lt "$1" ]; do
		echo "ok $((tap_n += 1)) # skip $2"
		i=$((i + 1))
	done
}

# A value that starts with a quote is quoted for the shim, not refused.
if [ -f "$SHIM" ]; then
	run "$LEAKSHIM" --path "'q%p.%n.dump" -- echo ran
	is "$rc:$(cat "$T/out")" "0:ran" "leakshim --path 'q...: runs"
	set -- "$T"/\'q*.dump
	ok $([ -f "$1" ]; echo $?) "leakshim --path 'q...: its dump"
else
	skip 2 "no $SHIM"
fi

# The shim, preloaded with the same options: one line, the program as usual.
for f in "$REGRESS"/*.opts; do
	[ -f "$f" ] || continue
	name=fuzz-regress/${f##*/}
	opts=$(cat "$f")
	msg=$(cat "${f%.opts}.err")
	export LEAKSHIM_OPTIONS="$opts"
	bad_cmd "with $name" "leakshim: $msg in LEAKSHIM_OPTIONS"
	unset LEAKSHIM_OPTIONS
	if [ ! -f "$SHIM" ]; then
		skip 1 "$name preloaded: no $SHIM"
		continue
	fi
	rc=0
	LD_PRELOAD=$SHIM LEAKSHIM_OPTIONS=$opts sh -c 'echo ran' \
		>"$T/out" 2>"$T/err" || rc=$?
	is "$rc:$(cat "$T/out"):$(wc -l <"$T/err"):$(cat "$T/err")" \
		"0:ran:1:leakshim: $msg in LEAKSHIM_OPTIONS; not tracking" \
		"$name preloaded: one line, the program as usual"
done

done_testing
