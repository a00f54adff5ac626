#!/bin/sh
# t080-fork-exec.sh - fork and exec under the shim: the child gets a dump of
# its own (its pid, numbered from 1) holding what it allocated and what it
# inherited; an exec'd image is tracked afresh; exit statuses pass through.
. "$(dirname "$0")/lib.sh"

lp=$(line_of forky.c LEAK:parent)
lc=$(line_of forky.c LEAK:child)
le=$(line_of forky.c LEAK:exec)

shim_run f "$EX/forky"
is "$rc" 5 "forky exits with its child's status 5"
n=0
for d in "$T"/f.*.dump; do
	n=$((n + 1))
	"$REPORT" --all --format json "$d" >"$d.json"
done
is "$n" 2 "two dumps: the parent's and the child's"
parent=$(grep -l '"reason":"exit"' /dev/null "$T"/f.*.json | head -n 0)
for j in "$T"/f.*.json; do
	if [ "$(site "$j" forky.c "$lc")" = "222 1 1" ]; then
		child=$j
	else
		parent=$j
	fi
done
is "$(site "$parent" forky.c "$lp")" "111 1 1" "parent's dump: its own leak"
is "$(site "$parent" forky.c "$lc")" "0 0 0" "parent's dump: not the child's"
is "$(site "$child" forky.c "$lc")" "222 1 1" "child's dump: its own leak"
is "$(site "$child" forky.c "$lp")" "111 1 1" \
	"child's dump: the block it inherited"
ppid=$(jq -r .process.pid "$parent")
is "$(sed -n 2p "${child%.json}" | cut -d' ' -f3)" "$(printf %x "$ppid")" \
	"the child's dump names the parent as ppid"
case "$child" in
*".1.dump.json") ok 0 "the child numbers its dumps from 1" ;;
*) ok 1 "the child numbers its dumps from 1" ;;
esac

rm -f "$T"/f.*
shim_run x "$EX/forky" child-exec
is "$rc" 7 "child-exec: the exec'd program's status comes back"
n=0
for d in "$T"/x.*.dump; do
	"$REPORT" --all --format json "$d" >"$d.json"
	if [ "$(site "$d.json" forky.c "$le")" = "333 1 1" ]; then
		n=$((n + 1))
		exec_json=$d.json
	fi
done
is "$n" 1 "the exec'd image leaves a dump with its own leak"
is "$(site "$exec_json" forky.c "$lc")" "0 0 0" \
	"and nothing of the image it replaced"

done_testing
