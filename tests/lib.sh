# tests/lib.sh - sourced by the end-to-end tests: TAP helpers, where the
# built files are, a scratch directory, and jq queries over the JSON report.
#
# B is the build directory (absolute); make check sets it.

set -u
SRC=$(cd "$(dirname "$0")/.." && pwd)
B=${B:-$SRC/build}
SHIM=$B/libleakshim.so
REPORT=$B/leakreport
LEAKSHIM=$B/leakshim
EX=$B/examples
T=$(mktemp -d "${TMPDIR:-/tmp}/leakshim-test.XXXXXX")
trap 'rm -rf "$T"' EXIT
export LC_ALL=C
# Symbols come from the files on this machine, never from the network.
unset DEBUGINFOD_URLS

tap_n=0
tap_failed=0

ok() {
	tap_n=$((tap_n + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $tap_n - $2"
	else
		echo "not ok $tap_n - $2"
		tap_failed=$((tap_failed + 1))
	fi
}

# is GOT WANT NAME
is() {
	if [ "$1" = "$2" ]; then
		ok 0 "$3"
	else
		ok 1 "$3"
		printf '#   got:  %s\n#   want: %s\n' "$1" "$2"
	fi
}

done_testing() {
	echo "1..$tap_n"
	[ "$tap_failed" -eq 0 ]
	exit $?
}

# line_of FILE MARKER: the line of examples/FILE (or else of FILE, a path
# from the top of the tree) whose comment is MARKER
# ("/* LEAK:x */" or "// LEAK:x" at the end of a line of code).
line_of() {
	f=$SRC/examples/$1
	[ -f "$f" ] || f=$SRC/$1
	grep -nE "(/\* $2 \*/|// $2)\$" "$f" | head -n 1 | cut -d: -f1
}

# site JSON FILE LINE: "bytes blocks entries" over the report entries whose
# first frame in source file FILE (a basename) is at LINE.
site() {
	jq -r --arg f "/$2" --argjson l "$3" '
		[.leaks[] | select(([.stack[] | select(.file != null and
			(.file | endswith($f)))][0].line) == $l)]
		| "\(map(.bytes) | add // 0) \(map(.blocks) | add // 0) \(length)"
	' "$1"
}

# site_function JSON FILE LINE: the function named at that site.
site_function() {
	jq -r --arg f "/$2" --argjson l "$3" '
		[.leaks[] | [.stack[] | select(.file != null and
			(.file | endswith($f)))][0] | select(.line == $l)
			| .function][0] // "none"
	' "$1"
}

# sum_at JSON LIST FIELD FILE LINE: the sum of FIELD over the entries of
# report list LIST (leaks, connections, results, cancels) whose first frame
# in source file FILE is at LINE.
sum_at() {
	jq -r --arg list "$2" --arg field "$3" --arg f "/$4" --argjson l "$5" '
		[.[$list][] | select(([.stack[] | select(.file != null and
			(.file | endswith($f)))][0].line) == $l) | .[$field]]
		| add // 0
	' "$1"
}

# check_site JSON FILE MARKER FUNCTION "BYTES BLOCKS": one report entry at
# the line of FILE marked MARKER, with those bytes and blocks, in FUNCTION.
check_site() {
	l=$(line_of "$2" "$3")
	is "$(site "$1" "$2" "$l")" "$5 1" "$3: $5 at $2:$l"
	is "$(site_function "$1" "$2" "$l")" "$4" "$3: in $4"
}

# kinds_at JSON FILE LINE: the kinds of the entries at that line, sorted.
kinds_at() {
	jq -r --arg f "/$2" --argjson l "$3" '
		[.leaks[] | select(([.stack[] | select(.file != null and
			(.file | endswith($f)))][0].line) == $l) | .kind]
		| sort | join(",")
	' "$1"
}

# entries_in JSON FILE: report entries with any frame in source FILE.
entries_in() {
	jq -r --arg f "/$2" '[.leaks[] | select(any(.stack[];
		.file != null and (.file | endswith($f))))] | length' "$1"
}

# entries_not_via JSON FILE FUNC: report entries with a frame in source FILE
# and no frame in a function whose name contains FUNC.
entries_not_via() {
	jq -r --arg f "/$2" --arg fn "$3" '[.leaks[] | select(any(.stack[];
		.file != null and (.file | endswith($f)))) | select(all(.stack[];
		(.function // "") | contains($fn) | not))] | length' "$1"
}

# shim_run DUMPNAME CMD...: runs CMD under the shim, dumps to $T/DUMPNAME
# with %p and %n; stdout to $T/out, stderr to $T/err, status in $rc.
shim_run() {
	name=$1
	shift
	rc=0
	LD_PRELOAD=$SHIM LEAKSHIM_OPTIONS="path=$T/$name.%p.%n.dump${OPTS:+:$OPTS}" \
		"$@" >"$T/out" 2>"$T/err" || rc=$?
}

# only_dump DUMPNAME: the single dump of that name, or "" if not exactly one.
only_dump() {
	set -- "$T"/"$1".*.dump
	[ $# -eq 1 ] && [ -f "$1" ] && echo "$1"
}

# wait_for FILE-GLOB SECONDS: waits until a non-empty file matches.
wait_for() {
	i=0
	while [ "$i" -lt $(($2 * 20)) ]; do
		for f in $1; do
			[ -s "$f" ] && return 0
		done
		sleep 0.05
		i=$((i + 1))
	done
	return 1
}
