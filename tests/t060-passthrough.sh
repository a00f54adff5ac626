#!/bin/sh
# t060-passthrough.sh - the shim changes nothing a program shows: the same
# stdout, stderr and exit status for ordinary programs, with and without
# it (its summary line turned off), and the same malloc semantics and errno.
. "$(dirname "$0")/lib.sh"

# same NAME CMD...: runs CMD twice and compares everything it shows.
same() {
	name=$1
	shift
	rc1=0
	rc2=0
	"$@" >"$T/o1" 2>"$T/e1" <"$T/in" || rc1=$?
	LD_PRELOAD=$SHIM LEAKSHIM_OPTIONS="path=$T/p.%p.%n.dump:summary=0" \
		"$@" >"$T/o2" 2>"$T/e2" <"$T/in" || rc2=$?
	cmp -s "$T/o1" "$T/o2" && cmp -s "$T/e1" "$T/e2" && [ $rc1 = $rc2 ]
	ok $? "$name: same output and status ($rc1)"
}

printf 'pear\napple\nfig\n' >"$T/in"
same "sort" sort
same "ls -la /usr/bin" ls -la /usr/bin
same "cat of a missing file" cat /nonexistent/file
same "sh exit 42" sh -c 'exit 42'
same "bash pipeline" bash -c 'for i in 1 2 3; do echo $i; done | tac'
same "python3" /usr/bin/python3 -c 'import json; print(json.dumps({"a": [1, 2]}))'
same "gcc --version" gcc --version
same "awk" awk '{ n += length($0) } END { print n }'

cc -O0 -o "$T/errno" "$SRC/tests/progs/errno.c"
rc=0
LD_PRELOAD=$SHIM LEAKSHIM_OPTIONS="path=$T/e.%p.%n.dump:summary=0" \
	"$T/errno" >"$T/out" 2>&1 || rc=$?
is "$rc" 0 "malloc semantics and errno are glibc's under the shim"
grep FAIL "$T/out" | sed 's/^/# /'
is "$(grep -c "^ok" "$T/out")" 19 "all 19 checks ran"

done_testing
