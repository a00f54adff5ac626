#!/bin/sh
# t320-exitcode.sh - exitcode=N for CI: the program exits with N when
# direct or indirect leaks that no suppression covers exist at exit, and
# keeps its own status otherwise (no leaks, only reachable blocks, or
# every leak suppressed); the same through the leakshim command.
. "$(dirname "$0")/lib.sh"

status() {	# OPTIONS PROGRAM: the program's exit status under the shim
	rc=0
	LD_PRELOAD=$SHIM LEAKSHIM_OPTIONS="path=$T/x.%p.%n.dump:summary=0:$1" \
		"$2" >/dev/null 2>"$T/err" || rc=$?
	echo "$rc"
}

is "$(status exitcode=23 "$EX/leaky")" 23 "leaks at exit: status 23"
is "$(status exitcode=23 "$EX/clean")" 0 "no leak at exit: the program's 0"
is "$(status "" "$EX/leaky")" 0 "without exitcode, the program's status"

cat >"$T/all.supp" <<'EOS'
# every leak of examples/leaky
leak:leak_aligned
leak:^leak_realloc$
leak:*/examples/leaky.c
EOS
cat >"$T/most.supp" <<'EOS'
leak:leak_aligned
leak:leak_realloc
leak:leak_calloc
leak:leak_strdup
leak:leak_list
EOS
is "$(status "exitcode=23:suppressions=$T/all.supp" "$EX/leaky")" 0 \
	"every leak suppressed: the program's status"
is "$(cat "$T/err")" "" "and nothing on stderr"
is "$(status "exitcode=23:suppressions=$T/most.supp" "$EX/leaky")" 23 \
	"one leak left unsuppressed (leak_malloc): status 23"
echo 'bogus:x' >"$T/bad.supp"
is "$(status "exitcode=23:suppressions=$T/bad.supp" "$EX/leaky")" 23 \
	"an unusable suppression file: every leak counts"
grep -q "^leakshim: cannot apply the suppressions in $T/bad.supp" "$T/err"
ok $? "and one line says so"

# The dump names its suppression file, so its report applies it.
rm -f "$T"/x.*.dump
status "suppressions=$T/most.supp" "$EX/leaky" >/dev/null
set -- "$T"/x.*.dump
"$REPORT" --format json "$1" >"$T/r.json"
is "$(jq -r '[.leaks[] | select(.kind == "direct" or .kind == "indirect") | .stack[0].function] | join(",")' "$T/r.json")" \
	leak_malloc "the report of that dump lists only the unsuppressed leak"
is "$(jq -r '.summary | "\(.leaked_bytes) \(.suppressed_bytes) \(.suppressed_blocks)"' "$T/r.json")" \
	"100 9373 10" "and counts the suppressed bytes and blocks"

# The leakshim command.
cd "$T" || exit 1
rc=0
"$LEAKSHIM" --exitcode 23 --suppressions "$T/all.supp" -- "$EX/leaky" \
	>/dev/null 2>"$T/cmd.err" || rc=$?
is "$rc" 0 "leakshim --exitcode --suppressions: every leak suppressed, 0"
grep -q '^Suppressions used:' "$T/cmd.err"
ok $? "its report shows the suppressions used"
rc=0
"$LEAKSHIM" --exitcode 23 --suppressions "$T/most.supp" -- "$EX/leaky" \
	>/dev/null 2>&1 || rc=$?
is "$rc" 23 "leakshim --exitcode --suppressions: a leak left, 23"

done_testing
