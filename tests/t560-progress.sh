#!/bin/sh
# t560-progress.sh - leakreport shows progress on a terminal during long
# jobs, erases it before the report, and prints nothing of it elsewhere.
# LEAKREPORT_PROGRESS_MS=0 makes every job "long".
. "$(dirname "$0")/lib.sh"

shim_run p "$EX/leaky"
d=$(only_dump p)
cp "$d" "$T/second.dump"

# On a pseudo-terminal (script(1)), stdout to a file.
LEAKREPORT_PROGRESS_MS=0 script -qec "'$REPORT' '$d' >'$T/tty.txt'" /dev/null \
	>"$T/tty.err"
tr '\r' '\n' <"$T/tty.err" | grep -a -c '^leakreport: symbolizing stacks [0-9]*/[0-9]* ([0-9]*%)' >"$T/n"
ok $([ "$(cat "$T/n")" -ge 1 ]; echo $?) "a terminal shows 'symbolizing stacks N/M (P%)'"
is "$(tail -c 4 "$T/tty.err" | od -An -c | tr -s ' ')" ' \r 033 [ K' \
	"and the line is erased at the end"
"$REPORT" "$d" >"$T/plain.txt"
cmp -s "$T/tty.txt" "$T/plain.txt"
ok $? "the report itself is the same"

LEAKREPORT_PROGRESS_MS=0 script -qec "'$REPORT' trend '$d' '$T/second.dump' >/dev/null" \
	/dev/null >"$T/trend.err"
tr '\r' '\n' <"$T/trend.err" | grep -a -q '^leakreport: reading dumps [0-9]/2 '
ok $? "trend shows 'reading dumps N/2'"

# Not a terminal: nothing, even when every job counts as long.
LEAKREPORT_PROGRESS_MS=0 "$REPORT" "$d" >/dev/null 2>"$T/file.err"
is "$(wc -c <"$T/file.err")" 0 "stderr to a file: no progress at all"
LEAKREPORT_PROGRESS_MS=0 TERM=dumb script -qec "'$REPORT' '$d' >/dev/null" \
	/dev/null >"$T/dumb.err"
is "$(wc -c <"$T/dumb.err")" 0 "TERM=dumb: none either"
# Quick jobs stay quiet on a terminal too (the default half second).
script -qec "'$REPORT' '$d' >/dev/null" /dev/null >"$T/quick.err"
is "$(wc -c <"$T/quick.err")" 0 "a job of less than half a second shows nothing"

done_testing
