#!/bin/sh
# t300-classify.sh - the leak scan classifies every case of
# tests/progs/leakcases.c exactly (direct, indirect, reachable), at exit in
# the process and in a live dump taken by signal from a running program,
# and falls back to an unclassified dump, saying why, when its child
# cannot be made.
. "$(dirname "$0")/lib.sh"

P=../tests/progs/leakcases.c

# classes JSON: "MARKER kind bytes blocks" for every case, sorted.
classes() {
	for m in direct self chainhead chainrest cycle direct2 interior thread \
		held global gmiddle tls mapped viaheap; do
		l=$(line_of "$P" "LEAK:$m")
		jq -r --arg m "$m" --argjson l "$l" '
			[.leaks[] | select(([.stack[] | select(.file != null and
				(.file | endswith("/leakcases.c")))][0].line) == $l)]
			| group_by(.kind)[]
			| "\($m) \(.[0].kind) \(map(.bytes) | add) \(map(.blocks) | add)"
		' "$1"
	done
}

cat >"$T/want" <<'EOW'
direct direct 11 1
self direct 16 1
chainhead direct 32 1
chainrest indirect 64 2
cycle direct 32 1
cycle indirect 32 1
direct2 direct 64 1
interior indirect 100 1
thread direct 77 1
held reachable 55 1
global reachable 33 1
gmiddle reachable 44 1
tls reachable 22 1
mapped reachable 66 1
viaheap reachable 88 1
EOW

shim_run exit "$B/tests/leakcases"
is "$rc" 0 "leakcases exits 0"
d=$(only_dump exit)
is "$(grep '^c classified ' "$d")" "c classified 1" "the exit dump is classified"
"$REPORT" --all --format json "$d" >"$T/exit.json"
classes "$T/exit.json" >"$T/got"
diff -u "$T/want" "$T/got" | sed 's/^/# /'
ok $(cmp -s "$T/want" "$T/got"; echo $?) \
	"at exit: every case has its class, bytes and blocks"

# The same program, alive: a live dump by signal, classified by a child.
live() {	# NAME [ENV...]: starts leakcases, dumps it live, kills it
	name=$1
	shift
	rm -f "$T/ready"
	env "$@" LD_PRELOAD="$SHIM" \
		LEAKSHIM_OPTIONS="path=$T/$name.%p.%n.dump:summary=0" \
		"$B/tests/leakcases" wait "$T/ready" 2>"$T/$name.err" &
	p=$!
	wait_for "$T/ready" 10
	kill -s RTMIN+3 "$p"
	wait_for "$T/$name.$p.1.dump" 10
	sleep 0.2
	# The scan's child is a clone child of $p: it must be reaped.
	ps -o stat= --ppid "$p" >"$T/$name.children" 2>/dev/null
	kill -KILL "$p"
	wait "$p" 2>/dev/null
	echo "$T/$name.$p.1.dump"
}
d=$(live live)
is "$(sed -n 2p "$d" | cut -d' ' -f4)" signal "a live dump of the running program"
is "$(grep '^c classified ' "$d")" "c classified 1" "the live dump is classified"
"$REPORT" --all --format json "$d" >"$T/live.json"
classes "$T/live.json" >"$T/got"
diff -u "$T/want" "$T/got" | sed 's/^/# /'
ok $(cmp -s "$T/want" "$T/got"; echo $?) \
	"live: every case has the same class as at exit"
is "$(wc -l <"$T/live.children")" 0 \
	"the scan's child is gone once the dump is written (reaped, no zombie)"

# Lost blocks of every small size are direct leaks, whatever glibc's
# arena points at next to them (sizes.c).
cc -O0 -g -o "$T/sizes" "$SRC/tests/progs/sizes.c"
shim_run sizes "$T/sizes"
"$REPORT" --all --format json "$(only_dump sizes)" >"$T/sizes.json"
is "$(jq -r '[.leaks[] | select(any(.stack[]; .function == "lose"))
	| "\(.kind) \(.blocks)"] | group_by(.) | map("\(.[0]) x\(length)")
	| join(",")' "$T/sizes.json")" "direct 9 x1,direct 96 x1" \
	"105 lost blocks of 1 to 96 and 4240 to 4248 bytes: all direct"

# When the child cannot be made: an unclassified dump that says why.
d=$(live noclone LEAKSHIM_TEST_NOCLONE=1)
is "$(grep -E '^c (classified|scan_error) ' "$d" | tr '\n' ' ')" \
	"c classified 0 c scan_error b " "no child: unclassified, scan_error EAGAIN"
"$REPORT" --all --format json "$d" >"$T/nc.json"
is "$(jq -r '[.leaks[].kind] | unique | join(",")' "$T/nc.json")" live \
	"no child: every block is listed as live"

done_testing
