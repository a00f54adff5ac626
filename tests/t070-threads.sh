#!/bin/sh
# t070-threads.sh - threads: leaks made in 8 threads at once are counted
# exactly; 8 threads doing 1M malloc/free pairs each (half of the blocks
# freed by another thread) end with exact counts and nothing live from them.
. "$(dirname "$0")/lib.sh"

shim_run thr "$EX/threads"
is "$rc" 0 "threads exits 0"
"$REPORT" --format json "$(only_dump thr)" >"$T/r.json"
is "$(site "$T/r.json" threads.c "$(line_of threads.c LEAK:thread)")" \
	"9600 200 1" "8 threads x 25 leaks of 48 bytes: one site, exact"
# glibc keeps the DTVs of cached thread stacks: live, under pthread_create.
is "$(entries_not_via "$T/r.json" threads.c pthread_create)" 1 \
	"no other site in threads.c, but glibc's own under pthread_create"

shim_run stress "$EX/threads" stress 8 1000000
is "$rc" 0 "stress exits 0"
is "$(cat "$T/out")" "pairs 8000000" "8M pairs done"
"$REPORT" --format json "$(only_dump stress)" >"$T/s.json"
is "$(entries_not_via "$T/s.json" threads.c pthread_create)" 0 \
	"nothing live from the stress loop"
set -- $(jq -r '.summary | "\(.total_allocs) \(.total_frees) \(.live_blocks)"' "$T/s.json")
is "$(($1 - $2))" "$3" "allocations - frees = live blocks ($1 - $2 = $3)"
# Besides the 8M blocks, glibc allocates a few per thread (its DTV).
ok $([ "$1" -ge 8000000 ] && [ "$1" -le 8000100 ]; echo $?) \
	"8M tracked allocations, plus a few of glibc's ($1)"

done_testing
