#!/bin/sh
# t130-libc-callers.sh - blocks that libc allocates for its caller
# (asprintf, getline, open_memstream, realpath) are reported at the
# caller's line, with libc's own frames above it.
. "$(dirname "$0")/lib.sh"

shim_run lc "$EX/libcleak"
is "$rc:$(cat "$T/out")" "0:libcleak: done" "libcleak runs as usual"
"$REPORT" --format json "$(only_dump lc)" >"$T/r.json"
check_site "$T/r.json" libcleak.c LEAK:asprintf leak_asprintf "11 1"
check_site "$T/r.json" libcleak.c LEAK:getline leak_getline "120 1"
check_site "$T/r.json" libcleak.c LEAK:memstream leak_memstream "25 1"
check_site "$T/r.json" libcleak.c LEAK:realpath leak_realpath "2 1"
is "$(jq -r '.leaks | length' "$T/r.json")" 4 "no other site: every FILE was closed"
"$REPORT" "$(only_dump lc)" >"$T/r.txt"
grep -q "^Direct leak of 11 bytes in 1 block at leak_asprintf ($SRC/examples/libcleak.c:$(line_of libcleak.c LEAK:asprintf))" "$T/r.txt"
ok $? "the text report's headline names the caller, not libc"

done_testing
