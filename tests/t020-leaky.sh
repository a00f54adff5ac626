#!/bin/sh
# t020-leaky.sh - examples/leaky under the shim: every deliberate leak is
# reported at its exact source line with its exact bytes and blocks, and
# nothing else is.
. "$(dirname "$0")/lib.sh"

shim_run leaky "$EX/leaky"
is "$rc" 0 "leaky exits 0 under the shim"
is "$(cat "$T/out")" "leaky: done" "its stdout is unchanged"
d=$(only_dump leaky)
ok $([ -n "$d" ]; echo $?) "one dump written at exit"
is "$(stat -c %a "$d")" 600 "the dump is private (0600)"
is "$(head -n 1 "$d")" "leakshim-dump 1" "dump version line"
grep -q "^leakshim: 9537 bytes in 12 blocks live at exit, from 8 sites; dump: $d\$" "$T/err"
ok $? "one summary line on stderr names the dump"
is "$(wc -l <"$T/err")" 1 "and nothing else on stderr"

"$REPORT" --all --format json "$d" >"$T/r.json"
is "$?" 0 "leakreport exits 0"
jq -e . "$T/r.json" >/dev/null
ok $? "the JSON report is valid JSON"

check_site "$T/r.json" leaky.c LEAK:malloc leak_malloc "100 1"
check_site "$T/r.json" leaky.c LEAK:calloc leak_calloc "240 1"
check_site "$T/r.json" leaky.c LEAK:realloc leak_realloc "300 1"
check_site "$T/r.json" leaky.c LEAK:aligned leak_aligned "512 1"
check_site "$T/r.json" leaky.c LEAK:aligned2 leak_aligned "8192 1"
check_site "$T/r.json" leaky.c LEAK:strdup leak_strdup "9 1"
l=$(line_of leaky.c LEAK:list)
is "$(site "$T/r.json" leaky.c "$l")" "120 5 2" \
	"LEAK:list: 5 blocks, 120 bytes at leaky.c:$l, in two entries"
is "$(jq -r --argjson l "$l" '[.leaks[] | select(.stack[0].line == $l) | "\(.kind) \(.bytes) \(.blocks)"] | join(",")' "$T/r.json")" \
	"direct 24 1,indirect 96 4" \
	"LEAK:list: the head is a direct leak, the 4 nodes it holds indirect"
check_site "$T/r.json" leaky.c LEAK:global keep_global "64 1"
is "$(kinds_at "$T/r.json" leaky.c "$(line_of leaky.c LEAK:global)")" \
	reachable "LEAK:global: still held by a global, so reachable"
for m in malloc calloc realloc aligned aligned2 strdup; do
	is "$(kinds_at "$T/r.json" leaky.c "$(line_of leaky.c LEAK:$m)")" \
		direct "LEAK:$m: a direct leak"
done

is "$(jq -r '.leaks | length' "$T/r.json")" 9 "exactly 9 entries with --all, no others"
is "$(jq -r '.summary | "\(.live_bytes) \(.live_blocks) \(.total_allocs) \(.total_frees)"' "$T/r.json")" \
	"9537 12 17 5" "summary: live bytes, blocks, allocations, frees"
is "$(jq -r '.summary | "\(.leaked_bytes) \(.leaked_blocks) \(.indirect_bytes) \(.indirect_blocks) \(.reachable_bytes) \(.reachable_blocks)"' "$T/r.json")" \
	"9377 7 96 4 64 1" "summary: direct, indirect and reachable totals"
is "$(jq -r '[.leaks[] | select(.kind == "direct") | .bytes] | . == (sort | reverse)' "$T/r.json")" \
	true "direct leaks are sorted largest first"
"$REPORT" --format json "$d" >"$T/default.json"
is "$(jq -r '[.leaks[].kind] | unique | join(",")' "$T/default.json")" \
	"direct,indirect" "by default only leaks are listed, not reachable blocks"
is "$(jq -r '.process | "\(.program) \(.reason)"' "$T/r.json")" \
	"leaky exit" "process: program and reason"
# __strdup with libc's debug information (libc6-dbg), strdup without it.
is "$(jq -r '.leaks[] | select(.bytes == 9) | .stack[0].function | ltrimstr("__")' "$T/r.json")" \
	strdup "strdup's own frame stays on top of the stack"
is "$(jq -r '.leaks[] | select(.bytes == 9) | .stack[1].function' "$T/r.json")" \
	leak_strdup "with its caller right below"
is "$(jq -r '.leaks[0].stack[0] | keys | join(",")' "$T/r.json")" \
	"file,function,inlined,line,module,pc" "frames carry the documented keys"

"$REPORT" --top 3 --format json "$d" >"$T/top.json"
is "$(jq -r '[.leaks[].bytes] | join(",")' "$T/top.json")" "8192,512,300" \
	"--top 3 keeps the three largest"

"$REPORT" "$d" >"$T/r.txt"
l=$(line_of leaky.c LEAK:malloc)
grep -q "^Direct leak of 100 bytes in 1 block at leak_malloc ($SRC/examples/leaky.c:$l), oldest " "$T/r.txt"
ok $? "the text report names the leaking line"
grep -q "^SUMMARY: leakshim: " "$T/r.txt"
ok $? "the text report ends with a summary"

done_testing
