#!/bin/sh
# t100-leakshim-cmd.sh - the leakshim command: runs a program under the
# shim, prints the report on stderr, and returns the program's status (or
# --exitcode's when leaks were found), or dies of the program's signal.
. "$(dirname "$0")/lib.sh"

cd "$T" || exit 1
rc=0
"$LEAKSHIM" -- "$EX/leaky" >out 2>err || rc=$?
is "$rc" 0 "the program's status (0)"
is "$(cat out)" "leaky: done" "the program's stdout is untouched"
grep -q "^Direct leak of 100 bytes in 1 block at leak_malloc ($SRC/examples/leaky.c:$(line_of leaky.c LEAK:malloc))" err
ok $? "the report on stderr names the leak"
is "$(grep -c '^leakshim: .* live at exit, from' err)" 0 \
	"no shim summary line (the report says it all)"

rc=0
"$LEAKSHIM" --exitcode 23 -- "$EX/leaky" >/dev/null 2>&1 || rc=$?
is "$rc" 23 "--exitcode 23 when leaks are found"
rc=0
"$LEAKSHIM" --exitcode 23 -- "$EX/clean" >/dev/null 2>&1 || rc=$?
is "$rc" 0 "--exitcode: a program without leaks keeps its status"
rc=0
"$LEAKSHIM" -- sh -c 'exit 42' >/dev/null 2>&1 || rc=$?
is "$rc" 42 "status 42 passes through"

rc=0
"$LEAKSHIM" --path "$T/mine.%p.dump" --format json -o rep.json \
	-- "$EX/leaky" >/dev/null 2>err || rc=$?
is "$rc" 0 "--path, --format json, -o"
set -- "$T"/mine.*.dump
ok $([ -f "$1" ]; echo $?) "--path names the dump"
is "$(jq -r '.leaks | length' rep.json)" 8 "-o writes the JSON report"

"$EX/sleeper" 30 >/dev/null 2>&1 &
p=$!
sleep 0.3
kill -TERM "$p"
wait "$p"
plain=$?
"$LEAKSHIM" -- "$EX/sleeper" 30 >out 2>err &
p=$!
wait_for out 5
sleep 0.2
kill -TERM "$p"	# to leakshim: it passes the signal on
wait "$p"
is "$?" "$plain" "killed by SIGTERM: leakshim dies the same way ($plain)"
grep -Eq "^(Direct leak of|Live:) .* at main \($SRC/examples/sleeper.c:" err
ok $? "and still prints the final report"

rm -f out
# 3 s: the live dump must be done before the program exits (with 1 s, a
# loaded machine sometimes let the exit come first).
"$LEAKSHIM" --signal USR2 --path "$T/u.%p.%n.dump" -- "$EX/sleeper" 3 \
	>out 2>err &
p=$!
wait_for out 5
pkill -USR2 -P "$p"
wait "$p"
is "$?" 0 "--signal USR2: the program survives its dump signal"
set -- "$T"/u.*.1.dump
is "$(sed -n 2p "$1" | cut -d' ' -f4)" signal "--signal USR2: a live dump"

rc=0
"$LEAKSHIM" -- /nonexistent/prog 2>err || rc=$?
is "$rc" 127 "a program that does not exist: 127"
is "$(cat err)" "leakshim: cannot run /nonexistent/prog: No such file or directory" \
	"with one clear line"
rc=0
"$LEAKSHIM" --bogus -- true 2>err || rc=$?
is "$rc" 2 "an unknown option: status 2"
is "$(head -n 1 err)" "leakshim: unknown option or missing value: --bogus" \
	"and a clear line"

"$LEAKSHIM" -- "$EX/forky" >/dev/null 2>err
grep -q "^leakshim: process [0-9]* (child of [0-9]*) left leakshim\.[0-9]*\.1\.dump\$" err
ok $? "dumps of forked children are named"

# Report options are checked before the program runs, not after.
# usage_err WHAT FIRST-LINE FLAGS...
usage_err() {
	what=$1 want=$2
	shift 2
	rc=0
	"$LEAKSHIM" "$@" -- touch "$T/ran" >/dev/null 2>err || rc=$?
	is "$rc:$(head -n 1 err):$([ -e "$T/ran" ]; echo $?)" "2:$want:1" \
		"leakshim $what: usage error, the program does not run"
}
usage_err "--format nonsense" "leakshim: unknown format 'nonsense' (text, json, folded, pprof, html, sarif or junit)" --format nonsense
usage_err "--top 0" "leakshim: --top needs a positive whole number, not '0'" --top 0
usage_err "--top x" "leakshim: --top needs a positive whole number, not 'x'" --top x
rc=0
"$LEAKSHIM" snapshot --format nonsense $$ >/dev/null 2>err || rc=$?
is "$rc:$(head -n 1 err)" \
	"2:leakshim: unknown format 'nonsense' (text, json, folded, pprof, html, sarif or junit)" \
	"snapshot --format nonsense: usage error"

done_testing
