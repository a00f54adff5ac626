#!/bin/sh
# SPDX-License-Identifier: MIT
#
# t510-pprof.sh - leakreport --format pprof, read by the real consumer:
# Debian's Go toolchain's `go tool pprof`.  The leaky example's profile
# must open, its default type must be leaked_space, the totals of
# leaked_space, inuse_space, leaked_objects and inuse_objects must be the
# JSON summary's, and the top functions and their flat values those of
# the JSON report's entries; a program with an inlined allocator must give
# one location with both functions (inlined first); the labels and the
# mapping (build-id, program first) must be there; a live dump of
# pool_leak (when a PostgreSQL server can be started) must count its
# connections.  Skips when `go` is absent (make deps-test installs it).
. "$(dirname "$0")/lib.sh"

GO=$(command -v go || ls /usr/lib/go/bin/go 2>/dev/null)
if [ -z "$GO" ]; then
	echo "1..0 # SKIP go is not installed (make deps-test)"
	exit 0
fi
# pprof keeps nothing of ours: its home and temporary files go to $T.
export HOME="$T" PPROF_TMPDIR="$T" GOCACHE="$T/gocache" GOFLAGS=

# pprof ARGS...: go tool pprof, stderr kept apart.
pprof() {
	"$GO" tool pprof "$@" 2>"$T/pprof.err"
}

# total FILE INDEX: the "of N total" figure of pprof -top.
total() {
	pprof -top -unit=B -sample_index="$2" "$1" |
		sed -n 's/^Showing nodes accounting for .* of \([0-9.]*\)B* total$/\1/p'
}

# top3 FILE INDEX: "function value" of the three largest flat rows.
top3() {
	pprof -top -unit=B -nodefraction=0 -sample_index="$2" "$1" |
		awk '/flat%/ { go = 1; next }
		     go && $1 != "0" { sub(/B$/, "", $1); print $6, $1 }' |
		head -n 3
}

cd "$T" || exit 1
shim_run leaky "$EX/leaky"
D=$(only_dump leaky)
"$REPORT" --format json "$D" >leaky.json
"$REPORT" --format pprof "$D" >leaky.pb.gz
is "$?" 0 "--format pprof: exit 0"
is "$(head -c 2 leaky.pb.gz | od -An -tx1 | tr -d ' ')" 1f8b \
	"the profile is gzip-compressed"
pprof -top leaky.pb.gz >top.txt
ok $? "go tool pprof reads it"
is "$(cat "$T/pprof.err")" "" "and has nothing to complain about"
grep -q '^Type: leaked_space$' top.txt
ok $? "default sample type: leaked_space"

summary() {
	jq -r ".summary | $1" leaky.json
}
is "$(total leaky.pb.gz leaked_space)" \
	"$(summary '.leaked_bytes + .indirect_bytes')" \
	"leaked_space total = direct + indirect bytes of the JSON summary"
is "$(total leaky.pb.gz inuse_space)" "$(summary .live_bytes)" \
	"inuse_space total = live_bytes"
is "$(total leaky.pb.gz leaked_objects)" \
	"$(summary '.leaked_blocks + .indirect_blocks')" \
	"leaked_objects total = direct + indirect blocks"
is "$(total leaky.pb.gz inuse_objects)" "$(summary .live_blocks)" \
	"inuse_objects total = live_blocks"

# The JSON report's entries by their innermost function (pprof's "flat").
"$REPORT" --format json --all "$D" >all.json
json_top3() {
	jq -r "[.leaks[] | select($1) | {f: .stack[0].function, b: .bytes}]
		| group_by(.f) | map({f: .[0].f, b: (map(.b) | add)})
		| sort_by(-.b) | .[:3][] | \"\(.f) \(.b)\"" all.json
}
is "$(top3 leaky.pb.gz leaked_space | tr '\n' ' ')" \
	"$(json_top3 '.kind == "direct" or .kind == "indirect"' | tr '\n' ' ')" \
	"leaked_space: the top functions and values of the JSON report"
is "$(top3 leaky.pb.gz inuse_space | tr '\n' ' ')" \
	"$(json_top3 true | tr '\n' ' ')" \
	"inuse_space: the top functions and values, reachable blocks included"
is "$(top3 leaky.pb.gz leaked_space | head -n 1)" "leak_aligned 8704" \
	"the largest is leak_aligned's 8192 + 512 bytes"

pprof -raw leaky.pb.gz >raw.txt
grep -q 'kind:\[indirect\]' raw.txt && grep -q 'kind:\[reachable\]' raw.txt
ok $? "samples are labelled with their kind"
grep -q 'oldest_age:\[[0-9]* ms\]' raw.txt
ok $? "and with the age of their oldest block"
bid=$(readelf -n "$EX/leaky" | awk '/Build ID/ { print $3 }')
sed -n '/^Mappings/,$p' raw.txt | sed -n 2p >map1.txt
grep -q " $EX/leaky $bid \[FN\]\[FL\]\[LN\]" map1.txt
ok $? "mapping 1 is the program, with its build-id and symbols"
grep -q "leak_malloc $SRC/examples/leaky.c:$(line_of leaky.c LEAK:malloc) " \
	raw.txt
ok $? "locations carry function, file and line"

# --- inlined frames ---

cat >inl.c <<'EOF'
#include <stdlib.h>

char *volatile keep;

static inline __attribute__((always_inline)) char *helper(size_t n)
{
	return malloc(n * 2); /* L_HELPER */
}

__attribute__((noinline)) char *outer(size_t n)
{
	char *p = helper(n); /* L_OUTER */
	keep = p;
	return p;
}

int main(void)
{
	outer(20);
	keep = NULL;
	return 0;
}
EOF
gcc -g -O2 -o inl inl.c || { echo "Bail out! cannot build inl.c"; exit 1; }
shim_run inl ./inl
"$REPORT" --format pprof "$(only_dump inl)" >inl.pb.gz
pprof -raw inl.pb.gz >inl.txt
lh=$(grep -n L_HELPER inl.c | cut -d: -f1)
lo=$(grep -n L_OUTER inl.c | cut -d: -f1)
awk -v h="helper $T/inl.c:$lh" -v o="outer $T/inl.c:$lo" '
	/^Locations/ { on = 1; next }
	/^Mappings/ { on = 0 }
	on && index($0, h) { want = 1; next }
	on && want { found = index($0, o) > 0; want = 0 }
	END { exit !found }' inl.txt
ok $? "an inlined frame: one location, helper then outer"
grep -q '\[FN\]\[FL\]\[LN\]\[IN\]' inl.txt
ok $? "and its mapping says it has inline frames"

# --- refused on a terminal ---

if command -v script >/dev/null 2>&1; then
	script -qec "$REPORT --format pprof $D" /dev/null >tty.txt 2>&1
	is "$?" 2 "--format pprof to a terminal: exit 2"
	grep -q 'redirect it to a file' tty.txt
	ok $? "and the message says what to do"
fi

# --- libpq ---

. "$SRC/tests/pg.sh"
if pg_start >/dev/null 2>&1; then
	trap 'pg_stop; rm -rf "$T"' EXIT
	OPTS=conn_idle=1 shim_run pool "$EX/pool_leak" 3
	P=$(ls "$T"/pool.*.dump | tail -n 1)
	"$REPORT" --format json "$P" >pool.json
	"$REPORT" --format pprof "$P" >pool.pb.gz
	is "$(total pool.pb.gz connections)" \
		"$(jq '[.connections[].count] | add // 0' pool.json)" \
		"connections: every connection not finished"
	is "$(total pool.pb.gz results)" \
		"$(jq '.summary.uncleared_results' pool.json)" \
		"results: every result not cleared"
	pprof -raw pool.pb.gz | grep -q 'target:\[test@'
	ok $? "connections are labelled with their target"
	# pqcases leaves 2 cancel handles (LEAK:cancel) and frees a third.
	OPTS=conn_idle=1 shim_run pq "$B/tests/pqcases" 2
	Q=$(ls "$T"/pq.*.dump | tail -n 1)
	"$REPORT" --format json "$Q" >pq.json
	"$REPORT" --format pprof "$Q" >pq.pb.gz
	is "$(total pq.pb.gz cancels):$(jq '[.cancels[].count] | add // 0' \
		pq.json)" "2:2" "cancels: the 2 cancel handles not freed"
	l=$(line_of ../tests/progs/pqcases.c LEAK:cancel)
	pprof -sample_index=cancels -lines -top pq.pb.gz 2>/dev/null |
		grep -q "get_cancel .*pqcases.c:$l\$"
	ok $? "at get_cancel, pqcases.c:$l"
else
	echo "# no PostgreSQL server: libpq samples not checked"
fi

done_testing
