#!/bin/sh
# SPDX-License-Identifier: MIT
#
# t550-install.sh - make install into a DESTDIR, from the current tree
# and its build directory ($B, so nothing is rebuilt): every file in its
# place with its mode; the installed leakshim, run by its own path, finds
# the installed library and leakreport, and reports a leaking example;
# the man pages render with man -l without a warning; make uninstall
# leaves no file behind.
. "$(dirname "$0")/lib.sh"

D=$T/dest
P=/usr/local
R=$D$P

mk() {
	make --no-print-directory -C "$SRC" B="$B" DESTDIR="$D" PREFIX="$P" \
		"$@" >"$T/make.out" 2>&1
}

mk install
is "$?" 0 "make install DESTDIR=... PREFIX=$P"
[ "$?" -eq 0 ] || sed 's/^/# /' "$T/make.out"

# mode FILE WANT: the file is there, a regular file of mode WANT.
mode() {
	if [ -f "$R/$1" ]; then
		is "$(stat -c %a "$R/$1")" "$2" "$P/$1, mode $2"
	else
		ok 1 "$P/$1 is missing"
	fi
}
mode bin/leakshim 755
mode bin/leakreport 755
mode lib/leakshim/libleakshim.so 644
mode share/man/man1/leakshim.1 644
mode share/man/man1/leakreport.1 644
mode share/man/man7/leakshim.7 644
is "$(cd "$D" && find . -type f | sort | tr '\n' ' ')" \
	"./usr/local/bin/leakreport ./usr/local/bin/leakshim ./usr/local/lib/leakshim/libleakshim.so ./usr/local/share/man/man1/leakreport.1 ./usr/local/share/man/man1/leakshim.1 ./usr/local/share/man/man7/leakshim.7 " \
	"and nothing else"

# --- the installed command ---

cd "$T" || exit 1
rc=0
env -u LEAKSHIM_LIBRARY -u LEAKSHIM_REPORTER -u LD_PRELOAD \
	"$R/bin/leakshim" --path "$T/inst.%p.%n.dump" -- "$EX/leaky" \
	>out 2>err || rc=$?
is "$rc" 0 "the installed leakshim runs leaky, status 0"
is "$(cat out)" "leaky: done" "its output untouched"
grep -q "^Direct leak of 100 bytes in 1 block at leak_malloc ($SRC/examples/leaky.c:$(line_of leaky.c LEAK:malloc))" err
ok $? "the report names the leak"
set -- "$T"/inst.*.dump
grep -q "^m .* $R/\(bin/\.\./\)\{0,1\}lib/leakshim/libleakshim.so\$" "$1"
ok $? "the program ran with the installed library"
"$R/bin/leakreport" --format json "$1" >r.json
is "$(jq '.summary.leaked_blocks > 0' r.json)" true \
	"the installed leakreport reads the dump"
"$R/bin/leakshim" --help >help.txt
grep -q -- '--format FMT .*pprof, html, sarif or junit' help.txt
ok $? "leakshim --help lists the formats"
"$R/bin/leakreport" --help >help.txt
grep -q 'folded, pprof' help.txt
ok $? "leakreport --help lists the formats"

# --- man pages ---

if command -v man >/dev/null 2>&1; then
	for page in man1/leakshim.1 man1/leakreport.1 man7/leakshim.7; do
		MANWIDTH=80 man -l --warnings "$R/share/man/$page" \
			>"$T/page.txt" 2>"$T/page.err"
		ok $([ -s "$T/page.txt" ] && [ ! -s "$T/page.err" ]; echo $?) \
			"man -l $page renders without a warning"
		sed 's/^/# /' "$T/page.err"
	done
	MANWIDTH=80 man -l "$R/share/man/man1/leakreport.1" |
		grep -q -- '--older-than SECONDS'
	ok $? "leakreport(1) documents --older-than"
else
	echo "# man is missing: the pages are not rendered"
fi

# --- uninstall ---

mk uninstall
is "$?" 0 "make uninstall"
is "$(find "$D" -type f | wc -l)" 0 "leaves no file behind"
ok $([ ! -d "$R/lib/leakshim" ]; echo $?) "nor the library's directory"

done_testing
