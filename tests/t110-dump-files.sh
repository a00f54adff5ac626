#!/bin/sh
# t110-dump-files.sh - dump files are private and never harm the host: an
# unwritable path costs one line on stderr and nothing else; a symlink at
# the dump's name is replaced, never followed.
. "$(dirname "$0")/lib.sh"

rc=0
LD_PRELOAD=$SHIM LEAKSHIM_OPTIONS="path=/nonexistent/dir/x.%p.dump" \
	"$EX/leaky" >"$T/out" 2>"$T/err" || rc=$?
is "$rc:$(cat "$T/out")" "0:leaky: done" "unwritable path: the program is unaffected"
is "$(wc -l <"$T/err")" 1 "unwritable path: one line on stderr"
grep -q "^leakshim: cannot write dump /nonexistent/dir/x\.[0-9]*\.dump: No such file or directory\$" "$T/err"
ok $? "unwritable path: the line says why"

mkdir "$T/ro"
chmod 0555 "$T/ro"
if [ "$(id -u)" -ne 0 ]; then
	LD_PRELOAD=$SHIM LEAKSHIM_OPTIONS="path=$T/ro/x.dump" "$EX/leaky" \
		>/dev/null 2>"$T/err"
	grep -q "Permission denied" "$T/err"
	ok $? "read-only directory: permission denied, once"
else
	ok 0 "read-only directory: skipped as root # SKIP root ignores modes"
fi

echo secret >"$T/victim"
ln -s "$T/victim" "$T/trap.dump"
LD_PRELOAD=$SHIM LEAKSHIM_OPTIONS="path=$T/trap.dump:summary=0" "$EX/leaky" \
	>/dev/null 2>&1
is "$(cat "$T/victim")" secret "a symlink at the dump name is not followed"
ok $([ ! -L "$T/trap.dump" ] && [ -f "$T/trap.dump" ]; echo $?) \
	"the dump replaced the symlink"
is "$(stat -c %a "$T/trap.dump")" 600 "mode 0600 even with umask 0"

# Relative paths are taken from the directory the program started in.
mkdir "$T/start" "$T/elsewhere"
(cd "$T/start" && LD_PRELOAD=$SHIM LEAKSHIM_OPTIONS="path=rel.dump:summary=0" \
	sh -c "cd $T/elsewhere; exec $EX/leaky" >/dev/null)
ok $([ -f "$T/elsewhere/rel.dump" ]; echo $?) \
	"relative path: from the directory the image started in"
is "$(find "$T" -name '*.tmp*' | wc -l)" 0 "no temporary file is left behind"

done_testing
