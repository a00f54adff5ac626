#!/bin/sh
# t030-clean.sh - a program that frees everything it allocates, through
# every wrapped function, reports no site of its own, and its exact
# allocation and free counts balance.
. "$(dirname "$0")/lib.sh"

shim_run clean "$EX/clean"
is "$rc" 0 "clean exits 0 under the shim"
is "$(cat "$T/out")" "clean: ok" "its stdout is unchanged"
d=$(only_dump clean)
"$REPORT" --format json "$d" >"$T/r.json"
is "$(entries_in "$T/r.json" clean.c)" 0 "no report entry points into clean.c"
is "$(jq -r '.summary | "\(.live_blocks) \(.live_bytes)"' "$T/r.json")" "0 0" \
	"nothing is live at exit"
# 100 rounds: 11 blocks through the allocation functions (realloc(malloc)
# counts its malloc and its realloc), 1 asprintf, 1 realloc(malloc(1), 0)
# pair, and open_memstream's buffer growth (at least one block).
allocs=$(jq -r '.summary.total_allocs' "$T/r.json")
frees=$(jq -r '.summary.total_frees' "$T/r.json")
is "$allocs" "$frees" "every tracked allocation was freed ($allocs)"
ok $([ "$allocs" -ge 1500 ]; echo $?) "at least 15 tracked allocations a round"
"$REPORT" "$d" >"$T/r.txt"
grep -q "^leakshim: no leaks found" "$T/r.txt"
ok $? "the text report says no leaks were found"

done_testing
