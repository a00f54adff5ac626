#!/bin/sh
# t310-valgrind.sh - on real programs from Debian packages and on our own
# leaking examples, leakshim's direct and indirect totals (bytes and
# blocks) equal valgrind memcheck's "definitely lost" and "indirectly
# lost".  valgrind runs with --run-libc-freeres=no: docs/valgrind.md says
# why (glibc's cleanup sets environ to NULL, which turns blocks that only
# environ holds into "definitely lost").
. "$(dirname "$0")/lib.sh"
if ! command -v valgrind >/dev/null; then
	echo "1..0 # SKIP valgrind is not installed"
	exit 0
fi

mkdir "$T/repo" "$T/w"
git -C "$T/repo" init -q
echo hello >"$T/repo/a.txt"
cd "$T/w" || exit 1

# ours CMD...: "direct_bytes/blocks indirect_bytes/blocks" from the shim.
ours() {
	rm -f "$T"/vg.*.dump "$T/pid"
	LD_PRELOAD=$SHIM LEAKSHIM_OPTIONS="path=$T/vg.%p.dump:summary=0" \
		sh -c 'echo $$ >"$0"; exec "$@"' "$T/pid" "$@" \
		>/dev/null 2>&1 </dev/null
	"$REPORT" --format json "$T/vg.$(cat "$T/pid").dump" 2>/dev/null |
		jq -r '.summary | "\(.leaked_bytes)/\(.leaked_blocks) \(.indirect_bytes)/\(.indirect_blocks)"'
}

# theirs CMD...: the same figures from valgrind.
theirs() {
	valgrind --leak-check=summary --run-libc-freeres=no "$@" \
		2>&1 >/dev/null </dev/null | tr -d , | awk '
		/definitely lost:/ { d = $4 "/" $7 }
		/indirectly lost:/ { i = $4 "/" $7 }
		END { print (d ? d : "0/0") " " (i ? i : "0/0") }'
}

same() {
	a=$(ours "$@")
	b=$(theirs "$@")
	is "$a" "$b" "$*: direct and indirect as valgrind's ($b)"
}

same ls -la /usr/bin
same sed s/root/toor/ /etc/passwd
same grep -c root /etc/passwd
same sort /etc/passwd
same find /usr/share/doc/bash -type f
same tar cf "$T/w/x.tar" /usr/share/doc/bash
same git -C "$T/repo" status
same /usr/bin/python3 -c 'import json; print(json.dumps({"a": [1]}))'
same bash -c 'for i in 1 2; do echo $i; done'
same perl -e 'print 1'
same diff /etc/passwd /etc/group
same gzip -c /etc/passwd
same xz -c /etc/passwd
same du -s /usr/share/doc
same ssh -V
same openssl version
same psql --version
same make --version
same "$EX/leaky"
same "$EX/cxxleak"
same "$EX/libcleak"
same "$B/tests/leakcases"
# Known leaks, so the comparison is not all zeros.
set -- $(ours perl -e 'print 1' | tr / ' ')
ok $([ "$2" -gt 0 ]; echo $?) "perl -e leaks at exit ($2 blocks direct)"

done_testing
