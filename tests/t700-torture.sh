#!/bin/sh
# t700-torture.sh - what hosts do to a preloaded allocator (RELIABILITY.md):
# signal storms, fork and vfork from threads, a thousand threads, dlclose,
# tiny stacks, closed fds, exits while threads allocate, full disks,
# address-space limits.  Each case checks that the program sees what it
# sees without the shim, and that the dump holds exactly what it leaked.
. "$(dirname "$0")/lib.sh"

TT=$B/tests/torture
TS=tests/torture/torture.c
SIGDUMP=$(python3 -c 'import signal; print(int(signal.SIGRTMIN) + 3)')

# run NAME OPTIONS CMD...: CMD under the shim, dumps $T/NAME.%p.%n.dump;
# stdout $T/NAME.out, stderr $T/NAME.err, status in $rc.  (timeout runs
# outside the shim: it would leave a dump of its own.)
run() {
	name=$1
	opts=$2
	shift 2
	rc=0
	timeout 300 env LD_PRELOAD="$SHIM" \
		LEAKSHIM_OPTIONS="path=$T/$name.%p.%n.dump:summary=0$opts" \
		"$@" >"$T/$name.out" 2>"$T/$name.err" || rc=$?
}

# plain CMD...: the status of CMD without the shim.
plain() {
	prc=0
	timeout 300 "$@" >/dev/null 2>&1 || prc=$?
	echo $prc
}

ndumps() { ls "$T" | grep -c "^$1\..*\.dump\$"; }

# exit_dump NAME: the one dump of NAME written at exit.
exit_dump() {
	for d in "$T/$1".*.dump; do
		[ "$(sed -n 2p "$d" | cut -d' ' -f4)" = exit ] && echo "$d"
	done | head -n 1
}

# all_parse NAME: every dump of NAME gives a report (status 0).
all_parse() {
	bad=0
	for d in "$T/$1".*.dump; do
		"$REPORT" --leak-count "$d" >/dev/null 2>&1 || bad=$((bad + 1))
	done
	echo $bad
}

# at NAME MARKER [FILE]: "bytes blocks" of every entry, leaked or
# reachable, at the line MARKER of FILE in NAME's exit dump.
at() {
	f=${3:-$TS}
	"$REPORT" --all --format json "$(exit_dump "$1")" >"$T/$1.json"
	site "$T/$1.json" "$(basename "$f")" "$(line_of "$f" "$2")" |
		cut -d' ' -f1,2
}

# --- signals ---

run storm "" "$TT" storm 2000
is "$rc:$(cat "$T/storm.out")" "0:storm: 4000 signals, handler ran: yes" \
	"storm: 4000 signals (half of them dumps) and an allocating handler"
ok $([ "$(ndumps storm)" -ge 2 ]; echo $?) \
	"storm: live dumps were taken ($(ndumps storm) files)"
is "$(all_parse storm)" 0 "storm: every dump is whole"
is "$(at storm LEAK:storm)" "8028 8" "storm: the 8 blocks the threads kept"
is "$(cat "$T/storm.err")" "" "storm: nothing on stderr"

# A handler that frees and replaces its thread's block: half the time it
# lands inside the shim, where its free is passed to libc at once.
run swap "" "$TT" swap 4000
is "$rc:$(cat "$T/swap.out")" "0:swap: 4000 signals, handler ran: yes" \
	"swap: 4000 handlers that free and allocate, amid 4 allocating threads"
is "$(at swap SWAP:worker):$(at swap SWAP:handler)" "0 0:0 0" \
	"swap: every swapped block was freed: none is left, leaked or not"
is "$("$REPORT" --leak-count "$(exit_dump swap)")" "0 0" "swap: no leaks"
is "$(cat "$T/swap.err")" "" "swap: nothing on stderr"

rc=0
"$TT" eintr >"$T/plain-eintr.out" &
pid=$!
sleep 0.2
kill -s "$SIGDUMP" $pid 2>/dev/null
wait $pid 2>/dev/null || rc=$?
is "$rc" $((128 + SIGDUMP)) "eintr: without the shim the dump signal kills"
LD_PRELOAD=$SHIM LEAKSHIM_OPTIONS="path=$T/eintr.%p.%n.dump:summary=0" \
	"$TT" eintr >"$T/eintr.out" 2>"$T/eintr.err" &
pid=$!
sleep 0.2
kill -s "$SIGDUMP" $pid
rc=0
wait $pid || rc=$?
is "$rc:$(tail -n 1 "$T/eintr.out")" "0:eintr: read 1" \
	"eintr: a blocking read goes on through a dump (SA_RESTART)"
is "$(ndumps eintr)" 2 "eintr: the live dump and the exit dump"

run takeover "" "$TT" takeover
is "$rc:$(cat "$T/takeover.out")" "0:takeover: own handler ran: yes" \
	"takeover: the program's own handler for the dump signal runs"
is "$(cat "$T/takeover.err")" "leakshim: the program installed its own handler for SIGRTMIN+3; dumps on signal are off (set signal= to another one)" \
	"takeover: one line says dumps on signal are off"

rc=0
LD_PRELOAD=$SHIM LEAKSHIM_OPTIONS="path=$T/usr2.%p.dump:summary=0" \
	sh -c 'kill -USR2 $$' 2>/dev/null || rc=$?
is "$rc" "$(plain sh -c 'kill -USR2 $$')" \
	"SIGUSR2 keeps its default action (the shim takes RTMIN+3)"

# --- processes ---

run forks "" "$TT" forks 200
is "$rc:$(cat "$T/forks.out")" "0:forks: 200 children, 0 failed" \
	"forks: 200 forks from two threads while four allocate"
is "$(ndumps forks)" 101 \
	"forks: one dump per child that called exit(), and the parent's"
is "$(all_parse forks)" 0 "forks: every dump is whole"

run spawn "" "$TT" spawn 200
is "$rc:$(cat "$T/spawn.out")" "0:spawn: 400 spawned, 0 failed" \
	"spawn: posix_spawn and vfork+exec while threads allocate"
is "$(ndumps spawn)" 301 \
	"spawn: a dump from each exec'd /bin/true, and the parent's"

run exec1 "" "$TT" exec 1
is "$rc:$(cat "$T/exec1.out"):$(ndumps exec1)" "0:deep: done:1" \
	"exec with the shim in the environment: the new image dumps"
is "$(at exec1 LEAK:deep)" "123 1" "and its dump holds its own block only"
is "$(jq '[.leaks[] | select(.bytes == 99)] | length' "$T/exec1.json")" 0 \
	"not the old image's 99 bytes"
run exec0 "" "$TT" exec 0
is "$rc:$(cat "$T/exec0.out"):$(ndumps exec0)" "0:deep: done:0" \
	"exec without it: the new image runs untracked, no dump"

run exitrace "" "$TT" exitrace
is "$rc" "$(plain "$TT" exitrace)" "exitrace: main returns while 8 threads allocate: status $rc"
is "$(ndumps exitrace)" 1 "exitrace: one dump"
is "$(at exitrace LEAK:exitrace)" "300 1" "exitrace: its block is in it"

run exitthread "" "$TT" exitthread
is "$rc:$(ndumps exitthread)" "$(plain "$TT" exitthread):1" \
	"exitthread: exit() from a second thread: same status, one dump"

# --- threads ---

run threads "" "$TT" threads 1000
is "$rc:$(cat "$T/threads.out")" "0:threads: 1000" "threads: 1000 at once"
is "$(at threads LEAK:thread1000)" "24000 1000" \
	"threads: one block from each"

run tsd "" "$TT" tsd 2000
is "$rc:$(cat "$T/tsd.out")" "0:tsd: 2000 threads" \
	"tsd: destructors that allocate, dlerror in 2000 short threads"
ok $([ "$(ndumps tsd)" -ge 2 ]; echo $?) \
	"tsd: dumps taken while threads came and went ($(ndumps tsd))"
is "$(all_parse tsd)" 0 "tsd: every dump is whole"
"$REPORT" --format json "$(exit_dump tsd)" >"$T/tsd.json"
is "$(jq '.summary.leaked_blocks' "$T/tsd.json")" 0 \
	"tsd: no leak (glibc's per-thread buffers were freed)"

# --- dynamic loading ---

run dl "" "$TT" dl 400 "$B/tests/plugin.so"
is "$rc:$(cat "$T/dl.out")" "0:dl: unloaded: yes" \
	"dl: 4 threads load, call and unload a plugin 400 times"
is "$(at dl LEAK:plugin tests/torture/plugin.c)" "16000 400" \
	"dl: its 400 blocks are reported at their line after dlclose"
is "$(jq -r '[.leaks[] | select(any(.stack[]; .file != null and (.file | endswith("/plugin.c")))) | .stack[0].function] | unique | join(",")' "$T/dl.json")" \
	plugin_leak "dl: in plugin_leak"

for order in "$B/tests/ctorlib.so $SHIM" "$SHIM $B/tests/ctorlib.so"; do
	rc=0
	LD_PRELOAD=$order LEAKSHIM_OPTIONS="path=$T/ctor.%p.dump:summary=0" \
		"$EX/clean" >/dev/null 2>"$T/ctor.err" || rc=$?
	"$REPORT" --all --format json "$T"/ctor.*.dump >"$T/ctor.json"
	is "$rc:$(site "$T/ctor.json" ctorlib.c "$(line_of tests/torture/ctorlib.c LEAK:ctor)")" \
		"0:77 1 1" "LD_PRELOAD='$(basename "${order%% *}") ...': a constructor's leak before main"
	rm -f "$T"/ctor.*.dump
done

# --- stacks ---

run deep "" "$TT" deep 10000
is "$rc:$(cat "$T/deep.out")" "0:deep: done" "deep: 10000 frames deep"
is "$(at deep LEAK:deep)" "123 1" "deep: the block at the bottom"
is "$(jq '[.leaks[] | select(.bytes == 123) | .stack | length][0]' "$T/deep.json")" \
	32 "deep: its stack is cut at depth=32"

run overflow "" sh -c "exec $TT overflow"
is "$rc" "$(plain sh -c "exec $TT overflow")" \
	"overflow: stack exhaustion ends it as without the shim ($rc)"

run smallstack "" "$TT" smallstack
is "$rc:$(cat "$T/smallstack.out")" \
	"0:smallstack: 16384-byte thread stacks, a coroutine, an alt stack" \
	"smallstack: PTHREAD_STACK_MIN threads, makecontext, sigaltstack"
is "$(at smallstack LEAK:smallstack)" "384 8" \
	"smallstack: the minimal-stack threads' blocks, at their line"
is "$(at smallstack LEAK:coro)" "56 1" "smallstack: the coroutine's block"
is "$(at smallstack LEAK:altstack)" "72 1" \
	"smallstack: the block from the handler on the alternate stack"
is "$(jq '[.leaks[] | select(.bytes == 72) | .stack[] | select(.function == "mode_smallstack")] | length' "$T/smallstack.json")" \
	1 "smallstack: that stack runs through the signal frame to the program"

# --- exits by signal, while threads allocate ---

LD_PRELOAD=$SHIM LEAKSHIM_OPTIONS="path=$T/forever.%p.%n.dump:summary=0:interval=1" \
	"$TT" forever >"$T/forever.out" 2>&1 &
pid=$!
sleep 2.5
kill -TERM $pid
rc=0
wait $pid 2>/dev/null || rc=$?
is "$rc" 143 "forever: SIGTERM ends it as it would without the shim"
ok $([ "$(ndumps forever)" -ge 3 ]; echo $?) \
	"forever: interval dumps and the final one ($(ndumps forever))"
is "$(all_parse forever)" 0 "forever: every dump is whole"
is "$(at forever LEAK:forever)" "32000 2000" \
	"forever: the final dump has exactly the 2000 kept blocks"

# --- memory ---

run oom "" "$TT" oom
is "$rc:$(cat "$T/oom.out")" "0:oom: 3 rounds ended in NULL, over 100 blocks the first" \
	"oom: under RLIMIT_AS, malloc returns NULL; nothing else changes"
is "$(grep -vc '^leakshim: ' "$T/oom.err")" 0 "oom: stderr holds only the shim's lines"

run limit ":memory_limit=1" "$TT" many 300000
is "$rc:$(cat "$T/limit.out")" "0:many: 300000" "memory_limit=1: the program runs as usual"
is "$(cat "$T/limit.err")" "leakshim: out of memory for the tables (memory_limit, or mmap failed); blocks allocated from now on may go unrecorded, and the dump counts them as dropped" \
	"memory_limit=1: one line says what happens"
d=$(exit_dump limit)
ok $([ "$(grep -a '^c dropped ' "$d" | cut -d' ' -f3)" != 0 ]; echo $?) \
	"memory_limit=1: the dump counts the dropped records"
"$REPORT" "$d" >"$T/limit.txt"
grep -q "^leakshim: warning: [0-9]* allocations were not tracked (tracker out of memory); figures are lower bounds$" "$T/limit.txt"
ok $? "memory_limit=1: the report says some allocations were not recorded"

run mixed "" "$TT" mixed
is "$rc" 0 "mixed: __libc_malloc/__libc_free mixed with the wrappers"
reused=$(cut -d' ' -f4 "$T/mixed.out")
is "$(at mixed LEAK:mixed)" "10 1" "mixed: the block at its line (address reused: $reused)"
is "$(site "$T/mixed.json" torture.c "$(grep -n '/\* REUSE \*/' "$SRC/$TS" | cut -d: -f1)" | cut -d' ' -f2)" \
	0 "mixed: 1.6M malloc/free pairs in 8 threads leave no record"

rc=0
"$TT" badfree >/dev/null 2>"$T/badfree.plain" || rc=$?
run badfree "" "$TT" badfree
is "$rc:$(cat "$T/badfree.err")" "$rc:$(cat "$T/badfree.plain")" \
	"badfree: glibc's verdict on a bad free() is unchanged ($rc)"

"$B/tests/exc" >/dev/null
run exc "" "$B/tests/exc"
is "$rc:$(cat "$T/exc.out")" "0:exc: 6 threads, 120000 exceptions" \
	"exc: C++ exceptions in 6 threads, aligned new"
is "$(at exc LEAK:cxx tests/torture/exc.cc)" "100 1" "exc: the one array it kept"
"$REPORT" --format json "$(exit_dump exc)" >"$T/exc-leaks.json"
is "$(entries_in "$T/exc-leaks.json" exc.cc)" 0 \
	"exc: no leak from exc.cc (the array is still reachable)"

# --- file descriptors ---

run fds "" "$TT" fds "$T/fds.data"
seq 0 99 | sed 's/^/row /' >"$T/fds.want"
is "$rc" 0 "fds: closes 3..4095 and dup2s its data file over 1..63"
cmp -s "$T/fds.data" "$T/fds.want"
ok $? "fds: the data file holds exactly its 100 rows"
is "$(at fds LEAK:fds)" "333 1" "fds: and the dump was still written"

rc=0
LD_PRELOAD=$SHIM LEAKSHIM_OPTIONS="path=/nonexistent/dir/x.dump" \
	"$TT" stderr "$T/stderr.data" >/dev/null || rc=$?
seq 0 9 | sed 's/^/record /' >"$T/stderr.want"
cmp -s "$T/stderr.data" "$T/stderr.want"
ok $? "stderr reused for a data file: no warning or summary lands in it"

run title "" "$TT" title
is "$rc:$(sed -n 's/^N //p' "$(exit_dump title)")" "0:torture" \
	"a program that writes its title over argv[0] keeps its name in the dump"

# --- the environment ---

mkdir "$T/envi"
rc=0
(cd "$T/envi" && env -i LD_PRELOAD="$SHIM" /bin/true 2>/dev/null) || rc=$?
is "$rc:$(ls "$T/envi" | grep -c '^leakshim\.[0-9]*\.1\.dump$')" "0:1" \
	"env -i: no environment at all, the default dump name"

if [ -x /sbin/ldconfig ]; then
	/sbin/ldconfig -p >"$T/ldc1" 2>&1
	LD_PRELOAD=$SHIM /sbin/ldconfig -p >"$T/ldc2" 2>&1
	cmp -s "$T/ldc1" "$T/ldc2"
	ok $? "a static program (ldconfig) runs as without the shim"
fi

if [ "$(id -u)" = 0 ] && mkdir "$T/full" &&
	mount -t tmpfs -o size=4k tmpfs "$T/full" 2>/dev/null; then
	# The one page is taken: the dump cannot be written at all.
	head -c 4096 /dev/zero >"$T/full/filler" 2>/dev/null
	rc=0
	LD_PRELOAD=$SHIM LEAKSHIM_OPTIONS="path=$T/full/x.%p.dump" \
		"$EX/leaky" >"$T/full.out" 2>"$T/full.err" || rc=$?
	"$EX/leaky" >"$T/full.plain" 2>/dev/null
	is "$rc" "$(plain "$EX/leaky")" "full disk: the same status"
	cmp -s "$T/full.out" "$T/full.plain"
	ok $? "full disk: the same output"
	is "$(sed "s|$T/full/x\.[0-9]*\.dump|X|" "$T/full.err")" \
		"leakshim: cannot write dump X: No space left on device" \
		"full disk: one line on stderr says why"
	is "$(ls -A "$T/full")" filler "full disk: no partial file is left"
	umount "$T/full"
else
	ok 0 "full disk # SKIP needs root to mount a small tmpfs"
fi

done_testing
