#!/bin/sh
# t116-setuid.sh - a set-user-ID program never takes the shim's options from
# its caller (docs/security.md): in a secure-execution process the shim
# reads LEAKSHIM_OPTIONS with secure_getenv, which gives it nothing.
#
# ld.so ignores LD_PRELOAD paths for set-user-ID programs, so the program
# here carries the shim as a dependency (DT_NEEDED, absolute RUNPATH, which
# secure execution still honours).  Run as nobody with LEAKSHIM_OPTIONS
# naming a dump path: the copy without the set-user-ID bit writes its dump
# there (the control); the set-user-ID root copy does not, and writes its
# dump where the defaults say (leakshim.PID.N.dump in its working
# directory).  Needs root, the nobody user, setpriv, a C compiler and a
# file system that honours set-user-ID bits; skipped otherwise.
. "$(dirname "$0")/lib.sh"

skip_all() {
	echo "1..0 # skip $1"
	exit 0
}

[ "$(id -u)" = 0 ] || skip_all "not root"
id nobody >/dev/null 2>&1 || skip_all "no user nobody"
command -v setpriv >/dev/null 2>&1 || skip_all "no setpriv"
command -v cc >/dev/null 2>&1 || skip_all "no cc"

chmod 755 "$T"
D=$T/suid
mkdir -p "$D/out" "$D/cwd"
chmod 1777 "$D/out" "$D/cwd"
# nobody may not reach $SHIM (a checkout under a private directory): the
# program links to a copy beside it.
LIBDIR=$D/lib
mkdir -p "$LIBDIR"
cp "$SHIM" "$LIBDIR/" && chmod -R a+rX "$LIBDIR"

cat >"$D/prog.c" <<'EOF'
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int main(void)
{
	char *volatile p = malloc(100);	/* leaked on purpose */

	p[0] = 1;
	printf("euid %d\n", (int)geteuid());
	return 0;
}
EOF
cc -o "$D/prog" "$D/prog.c" -Wl,--no-as-needed -L"$LIBDIR" -l:libleakshim.so \
	-Wl,-rpath,"$LIBDIR" || skip_all "cannot link a program to the shim"
cp "$D/prog" "$D/plain"
chmod 755 "$D/prog" "$D/plain"
chown root:root "$D/prog"
chmod 4755 "$D/prog"

# as_nobody PROG: runs PROG as nobody from $D/cwd, with options that ask
# for a dump in $D/out; its stdout.
as_nobody() {
	(cd "$D/cwd" &&
		LEAKSHIM_OPTIONS="path=$D/out/evil.%p.dump:summary=0" \
		setpriv --reuid=nobody --regid=nogroup --clear-groups "$1" \
		2>"$T/err")
}

out=$(as_nobody "$D/plain")
[ "$out" = "euid 65534" ] || skip_all "the plain copy did not run as nobody"
set -- "$D/out"/evil.*.dump
ok $([ -f "$1" ]; echo $?) "control: without set-user-ID the options are taken"
rm -f "$D/out"/*

out=$(as_nobody "$D/prog")
[ "$out" = "euid 0" ] ||
	skip_all "set-user-ID not honoured here (euid: ${out#euid })"
is "$(ls -A "$D/out")" "" \
	"set-user-ID: no dump where the caller's LEAKSHIM_OPTIONS asked"
set -- "$D/cwd"/leakshim.*.dump
ok $([ -f "$1" ]; echo $?) "set-user-ID: the dump goes where the defaults say"
is "$(stat -c %a "$1" 2>/dev/null)" 600 "set-user-ID: and it is private"
"$REPORT" --format json "$1" >"$T/r.json"
is "$(jq -c '[.leaks[] | [.kind, .bytes, .blocks]]' "$T/r.json")" '[["direct",100,1]]' \
	"set-user-ID: the shim still tracks (the 100-byte leak)"

done_testing
