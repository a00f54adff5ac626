# tests/reporter.sh - sourced by the reporter's end-to-end tests that
# write dumps by hand (t015 to t018 after lib.sh, whose ok it uses; t010,
# which has its own TAP helpers, for line, ret, h and mkdump): they build
# a small program in $T, find the return addresses its calls leave on a
# stack, and compare leakreport's output with what those addresses must
# give.

# need TOOL...: bail out unless every TOOL and leakreport are there.
need() {
	for tool in "$@"; do
		command -v "$tool" >/dev/null 2>&1 ||
			{ echo "Bail out! no $tool"; exit 1; }
	done
	[ -x "$REPORT" ] || { echo "Bail out! $REPORT is not built"; exit 1; }
}

# jq_is DESC FILE EXPR: EXPR is true of the JSON in FILE.
jq_is() {
	if jq -e "$3" "$2" >/dev/null 2>&1; then
		ok 0 "$1"
	else
		ok 1 "$1"
		printf '#   jq: %s\n' "$3"
	fi
}

# same DESC EXPECTED-FILE GOT-FILE: the files are equal; the diff if not.
same() {
	if diff -u "$2" "$3" >"$T/same.diff"; then
		ok 0 "$1"
	else
		ok 1 "$1"
		sed 's/^/# /' "$T/same.diff"
	fi
}

# h N: N in the dump's hex.
h() {
	printf '%x' "$1"
}

# mkdump BODY OUT: the dump OUT, the records of BODY between the magic
# line and the end record, whose count it gives.
mkdump() {
	{ echo "leakshim-dump 1"; cat "$1"; echo "e $(printf '%x' \
		"$(wc -l <"$1")") 0"; } >"$2"
}

# build_prog FILE...: $T/prog from FILEs (in $T), unoptimized, not PIE,
# so its addresses are those of the file; its disassembly in $T/prog.dis.
build_prog() {
	(cd "$T" && gcc -g -O0 -no-pie "$@" -o prog) ||
		{ echo "Bail out! cannot build the test program"; exit 1; }
	objdump -d --no-show-raw-insn "$T/prog" >"$T/prog.dis"
}

# line MARKER [FILE]: the line of $T/FILE (prog.c) that carries /* MARKER */.
line() {
	grep -n "/\* $1 \*/" "$T/${2:-prog.c}" | cut -d: -f1
}

# ret FUNC CALLEE: the return address of FUNC's call to CALLEE in prog,
# that is the address of the instruction after it, as a stack holds it.
ret() {
	awk -v f="<$1>:" -v c="<$2>" '
		$2 == f { inside = 1; next }
		inside && /^$/ { exit }
		inside && want { sub(/:.*/, ""); print $1; exit }
		inside && /call/ && index($0, c) { want = 1 }
	' "$T/prog.dis"
}
