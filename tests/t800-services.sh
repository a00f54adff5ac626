#!/bin/sh
# t800-services.sh - the shim preloaded onto real services under load, the
# way users run it, each compared with a run without the shim:
#   nginx (master + 2 workers) loaded by wrk: every request succeeds, a
#     live dump of a worker under load, log reopen on USR1, graceful quit
#     leaves one exit dump per process;
#   redis-server (its malloc is jemalloc's, which the shim wraps) loaded by
#     redis-benchmark: every call served, a live dump, a dump at shutdown;
#   the PostgreSQL server itself under pgbench: no failed transaction, a
#     dump per backend, all parse;
#   python3 with threads: the one malloc(4242) it lost is the leak;
#   git and sqlite3 under `leakshim --`: same output, same status.
# Throughput with and without the shim goes to TAP comments; `make soak`
# (tests/soak/services.sh) runs the same for minutes and records it.
# A part whose program is missing is skipped (make deps-test installs them).
. "$(dirname "$0")/lib.sh"
. "$SRC/tests/pg.sh"
. "$SRC/tests/svc.sh"
trap 'svc_cleanup; pg_stop; rm -rf "$T"' EXIT
# Workers of nginx (nobody) and postgres (postgres) write below $T.
chmod 755 "$T"
LOAD=${SVC_LOAD_SECONDS:-3}
# SVC_PARTS picks parts: nginx redis postgres python git sqlite.
PARTS=" ${SVC_PARTS:-nginx redis postgres python git sqlite} "

# parse_all DIR: how many dumps of DIR leakreport fails to read.
parse_all() {
	bad=0
	for f in "$1"/*.dump; do
		"$REPORT" --format json "$f" >/dev/null 2>&1 || bad=$((bad + 1))
	done
	echo "$bad"
}

# --- a. nginx ---
if ! want nginx; then
	:
elif ! have_exe "$NGINX" || ! have_exe wrk || ! have_exe curl; then
	ok 0 "nginx # SKIP nginx, wrk or curl missing (make deps-test)"
else
	ngx_first "$T/nginx"
	ok $? "nginx without the shim: master and 2 workers serve"
	curl -s "$url" >"$T/page.plain"
	wrk_run "$url" "$LOAD" "$T/wrk.plain"
	rss0=$(rss_kb $NGX_MASTER $NGX_WORKERS)
	ngx_stop
	is "$reaped $(wrk_errors "$T/wrk.plain")" "0 ok 0 0 0 0 0" \
		"nginx without the shim: every request succeeded, QUIT exits 0"

	rm -f "$N"/logs/*
	mkdir "$D"
	chmod 1777 "$D"
	ngx_start "$N" "$port" LD_PRELOAD="$SHIM" \
		LEAKSHIM_OPTIONS="path=$D/ngx.%p.%n.dump:summary=0"
	ok $? "nginx under the shim: master and 2 workers serve"
	set -- $NGX_WORKERS
	w1=$1
	w2=$2
	is "$(curl -s "$url")" "$(cat "$T/page.plain")" "nginx: the same page"
	# Load, and a live dump of a worker while it serves.
	wrk_run "$url" "$LOAD" "$T/wrk.shim" &
	wp=$!
	sleep 1
	kill -s RTMIN+3 "$w1"
	wait "$wp"
	is "$(wrk_errors "$T/wrk.shim")" "ok 0 0 0 0 0" \
		"nginx under the shim: every request succeeded (0 non-2xx/3xx, 0 socket errors)"
	rss1=$(rss_kb $NGX_MASTER $NGX_WORKERS)
	wait_for "$D/ngx.$w1.1.dump" 10
	ok $? "a live dump of worker $w1 on RTMIN+3"
	"$REPORT" --format json "$D/ngx.$w1.1.dump" >"$T/ngx-live.json"
	is "$?:$(jq -r '"\(.process.pid) \(.process.reason)"' "$T/ngx-live.json")" \
		"0:$w1 signal" "leakreport reads it (status 0, the worker's pid, reason signal)"
	is "$(sorted $(pgrep -P "$NGX_MASTER"))" "$(sorted $w1 $w2)" \
		"the workers went on: none died or was replaced"
	# nginx writes its process title over argv[0] and the environment:
	# the shim keeps the name it had at start, and snapshot is told the
	# path the environment no longer holds.
	is "$(jq -r .process.program "$T/ngx-live.json")" nginx \
		"the dump names the program nginx"
	(cd / && "$LEAKSHIM" snapshot --timeout 10 --path "$D/ngx.%p.%n.dump" \
		--format json "$w1") >"$T/snap.json" 2>"$T/snap.err"
	is "$?:$(jq -r '"\(.process.pid) \(.process.reason)"' "$T/snap.json" 2>/dev/null)" \
		"0:$w1 signal" "leakshim snapshot --path of a worker prints its report"
	# Log reopen: the master and each worker log "reopening logs".
	mv "$N/logs/access.log" "$N/logs/access.log.1"
	kill -USR1 "$NGX_MASTER"
	until_ok 10 ngx_reopened "$N"
	ok $? "USR1: the master and both workers reopen their logs"
	ok $([ -f "$N/logs/access.log" ]; echo $?) "USR1: a new access.log"
	for i in 1 2 3 4 5 6 7 8 9 10; do
		curl -s -o /dev/null "$url"
	done
	until_ok 5 eval '[ "$(wc -l <"$N/logs/access.log")" -ge 10 ]'
	is "$(wc -l <"$N/logs/access.log")" 10 \
		"the 10 requests after it are in the new access.log"
	ok $([ "$(wc -l <"$N/logs/access.log.1")" -gt "$(wrk_get "$T/wrk.shim" requests)" ]; echo $?) \
		"every request wrk counted is in the renamed one"
	ngx_stop
	is "$reaped" 0 "QUIT: nginx exits 0 under the shim"
	is "$(exit_pids "$D")" "$(sorted "$NGX_MASTER" $w1 $w2)" \
		"one exit dump per process: the master and both workers"
	# The others: the worker's live dump (and the snapshot's, if it got
	# to signal).
	is "$(for f in "$D"/*.dump; do
		r=$(dump_field "$f" 4)
		[ "$r" = exit ] || printf '%d %s\n' "0x$(dump_field "$f" 2)" "$r"
	done | sort -u)" "$w1 signal" "the other dumps are live ones of worker $w1"
	is "$(parse_all "$D")" 0 "leakreport reads every dump"
	is "$(cat "$N/stderr" "$N/logs/error.log" | grep -c '^leakshim')" 0 \
		"the shim wrote nothing to nginx's stderr or error log"
	"$REPORT" --format json "$D/ngx.$w2.1.dump" >"$T/ngx-w2.json"
	echo "# nginx worker at exit: $(jq -r '.summary | "\(.leaked_bytes) bytes in \(.leaked_blocks) blocks direct, \(.reachable_bytes) bytes in \(.reachable_blocks) blocks reachable, \(.total_allocs) allocations"' "$T/ngx-w2.json")"
	r0=$(wrk_get "$T/wrk.plain" rps)
	r1=$(wrk_get "$T/wrk.shim" rps)
	echo "# nginx: $r0 requests/s without the shim, $r1 with ($(pct "$r0" "$r1")); RSS of the 3 processes $rss0 KiB without, $rss1 KiB with"
fi

# --- b. redis ---
if ! want redis; then
	:
elif ! have_exe "$REDIS" || ! have_exe redis-cli || ! have_exe redis-benchmark; then
	ok 0 "redis # SKIP redis-server or redis-tools missing (make deps-test)"
else
	R=$T/redis
	D=$R/dumps
	bench="-q -n 20000 -t set,get,lpush,lpop --csv"
	port=$(free_port)
	rds_start "$R/plain" "$port"
	ok $? "redis without the shim answers"
	alloc0=$(rds_info "$port" mem_allocator)
	redis-benchmark -p "$port" $bench >"$T/rb.plain" 2>&1
	is "$?:$(rds_calls "$port")" "0:20000 20000 20000 20000 failed=0" \
		"redis without the shim: redis-benchmark, 20000 calls of each"
	rss0=$(rss_kb "$RDS_PID")
	redis-cli -p "$port" shutdown nosave
	reap "$RDS_PID" 10

	port=$(free_port)
	mkdir -p "$D"
	chmod 1777 "$D"
	rds_start "$R" "$port" LD_PRELOAD="$SHIM" \
		LEAKSHIM_OPTIONS="path=$D/rds.%p.%n.dump:summary=0"
	ok $? "redis under the shim answers"
	is "$(rds_info "$port" mem_allocator)" "$alloc0" \
		"the same allocator ($alloc0) under the shim"
	redis-benchmark -p "$port" $bench >"$T/rb.shim" 2>&1
	is "$?:$(bench_tests "$T/rb.shim")" "0:SET GET LPUSH LPOP " \
		"redis-benchmark completes its four tests under the shim"
	is "$(rds_calls "$port")" "20000 20000 20000 20000 failed=0" \
		"redis served exactly 20000 SET, GET, LPUSH and LPOP, none failed"
	rss1=$(rss_kb "$RDS_PID")
	# jemalloc is behind the shim's malloc: a 4 MB value shows in
	# jemalloc's own count, and in the shim's live dump.
	je_allocated() { redis-cli -p "$port" memory malloc-stats | sed -n 's/^Allocated: \([0-9]*\),.*/\1/p'; }
	a0=$(je_allocated)
	head -c 4000000 /dev/zero | tr '\0' x >"$T/big"
	redis-cli -p "$port" -x set big <"$T/big" >/dev/null
	a1=$(je_allocated)
	ok $([ $((a1 - a0)) -ge 4000000 ]; echo $?) \
		"jemalloc allocated the 4 MB value set through the shim ($a0 -> $a1 bytes)"
	kill -s RTMIN+3 "$RDS_PID"
	wait_for "$D/rds.$RDS_PID.1.dump" 10
	ok $? "a live dump on RTMIN+3"
	"$REPORT" --all --format json "$D/rds.$RDS_PID.1.dump" >"$T/rds-live.json"
	is "$?:$(jq -r .process.reason "$T/rds-live.json")" "0:signal" \
		"leakreport reads it (status 0, reason signal)"
	is "$(jq '[.leaks[] | select(.bytes >= 4000000)] | length' "$T/rds-live.json")" 1 \
		"it holds the 4 MB value"
	is "$(redis-cli -p "$port" strlen big)" 4000000 "redis goes on after the dump"
	redis-cli -p "$port" shutdown nosave
	is "$?" 0 "redis-cli shutdown nosave"
	reap "$RDS_PID" 10
	is "$reaped" 0 "redis exits 0 under the shim"
	is "$(exit_pids "$D")" "$RDS_PID " "the shutdown left an exit dump"
	is "$(ls "$D" | wc -l):$(parse_all "$D")" "2:0" \
		"2 dumps in all, leakreport reads both"
	is "$(cat "$R/stderr" "$R/redis.log" | grep -c '^leakshim')" 0 \
		"the shim wrote nothing to redis's output or log"
	"$REPORT" --format json "$D/rds.$RDS_PID.2.dump" >"$T/rds-exit.json"
	echo "# redis at exit: $(jq -r '.summary | "\(.live_bytes) bytes in \(.live_blocks) blocks live, \(.total_allocs) allocations"' "$T/rds-exit.json")"
	echo "# redis: without the shim $(bench_rps "$T/rb.plain") requests/s; with $(bench_rps "$T/rb.shim"); RSS $rss0 KiB without, $rss1 KiB with"

	# Leaks behind jemalloc: its slabs (free regions too) and its extent
	# records are anonymous mappings, which the scan takes for roots, so
	# dropped blocks still look reachable.
	je=$(ldd "$REDIS" | awk '/libjemalloc/ { print $3 }')
	if [ -n "$je" ] && cc -O1 -fno-builtin -o "$T/jeleak" \
		"$SRC/tests/progs/jeleak.c" "$je" 2>/dev/null; then
		shim_run jeleak "$T/jeleak"
		"$REPORT" --format json "$(only_dump jeleak)" >"$T/jeleak.json"
		# jemalloc keeps its own pointers to every block (in its
		# extents and free regions): the dump stays unclassified and
		# says why, and every block is there, live.
		is "$(jq -r '"\(.classified) \(.scan_error)"' "$T/jeleak.json")" \
			"false the program's malloc is not glibc's, and its own bookkeeping points at every block" \
			"jemalloc: the dump is not classified, and says why"
		is "$(jq -r '[.leaks[] | select(.kind == "live") | .bytes | select(. == 100 or . == 200 or . == 65536)] | sort | join(" ")' "$T/jeleak.json")" \
			"100 200 65536" "jemalloc: the three dropped blocks are listed live"
	else
		ok 0 "jemalloc leaks # SKIP cannot link with libjemalloc.so.2"
	fi
fi

# --- c. the PostgreSQL server ---
if ! want postgres; then
	:
elif ! command -v pgbench >/dev/null || ! pg_start; then
	ok 0 "postgres # SKIP no PostgreSQL server or pgbench"
else
	D=$PGT/dumps
	pgbench -i -s 2 -q >"$T/pgi.plain" 2>&1
	pgbench -c 4 -T "$((LOAD + 2))" -S -n >"$T/pgb.plain" 2>&1 &
	bp=$!
	sleep 2
	rss0=$(pg_rss)
	wait "$bp"
	is "$?:$(grep '^number of failed' "$T/pgb.plain")" \
		"0:number of failed transactions: 0 (0.000%)" \
		"pgbench without the shim: no failed transaction"
	pg_restart_shim "$D"
	ok $? "postgres restarts with the shim preloaded"
	pm=$(pg_postmaster)
	pgbench -i -s 2 -q >"$T/pgi.shim" 2>&1
	is "$?" 0 "pgbench -i -s 2 under the shim"
	pgbench -c 4 -T "$((LOAD + 2))" -S -n >"$T/pgb.shim" 2>&1 &
	bp=$!
	# Live dumps of the postmaster and a busy backend, mid-run.
	sleep 2
	b1=$(psql -Atc "select pid from pg_stat_activity where backend_type = 'client backend' and pid <> pg_backend_pid() limit 1")
	kill -s RTMIN+3 "$pm" "$b1"
	rss1=$(pg_rss)
	wait "$bp"
	is "$?:$(grep '^number of failed' "$T/pgb.shim")" \
		"0:number of failed transactions: 0 (0.000%)" \
		"pgbench -c 4 -S under the shim: no failed transaction"
	is "$(pg_same "$T/pgb.shim")" "$(pg_same "$T/pgb.plain")" \
		"pgbench: the same output, figures aside"
	wait_for "$D/pg.$pm.1.dump" 10
	ok $? "a live dump of the postmaster"
	wait_for "$D/pg.$b1.1.dump" 10
	ok $? "a live dump of a backend under load"
	pg_stop_fast
	is "$?" 0 "the server stops (fast) under the shim"
	# Every client backend (its pid logged at connection) left an exit
	# dump; pgbench -i and -S opened 1 + 5 connections, psql 1.
	grep 'connection authorized' "$PGT/server.log" |
		sed 's/.*\[\([0-9]*\)\].*/\1/' | sort -n >"$T/backends"
	is "$(wc -l <"$T/backends")" 7 "7 client backends were started"
	ex=" $(exit_pids "$D")"
	for p in $(cat "$T/backends"); do
		case "$ex" in *" $p "*) echo "$p" ;; esac
	done >"$T/backend-dumps"
	is "$(cat "$T/backend-dumps")" "$(cat "$T/backends")" \
		"each of them left an exit dump"
	ok $([ "$(exit_pids "$D" | wc -w)" -gt 7 ]; echo $?) \
		"the postmaster and the server's other processes too ($(exit_pids "$D" | wc -w) exit dumps)"
	is "$(parse_all "$D")" 0 "leakreport reads every dump ($(ls "$D" | wc -l))"
	for p in $(cat "$T/backends"); do
		"$REPORT" --format json "$D/pg.$p.1.dump" | jq -r .process.program
	done | sort -u >"$T/pg-names"
	is "$(cat "$T/pg-names")" postgres \
		"every backend's dump names the program postgres (its title overwrote argv[0])"
	# (Until the stop: at a stop the logical replication launcher always
	# "exited with exit code 1".)
	sed '/received fast shutdown request/q' "$PGT/server.log" |
		grep -e 'terminated by signal' -e 'exited with exit code' >"$T/pg-crashes"
	is "$(wc -l <"$T/pg-crashes")" 0 \
		"no server process crashed or failed (the dump signal disturbs nothing)"
	sed 's/^/#   /' "$T/pg-crashes"
	t0=$(pg_tps "$T/pgb.plain")
	t1=$(pg_tps "$T/pgb.shim")
	echo "# postgres: pgbench -S $t0 tps without the shim, $t1 with ($(pct "$t0" "$t1")); RSS of the cluster's processes under load $rss0 KiB without, $rss1 KiB with"
	pg_stop
fi

# --- d. python3 with threads ---
if ! want python; then
	:
elif ! have_exe "$PY"; then
	ok 0 "python3 # SKIP no /usr/bin/python3"
else
	"$PY" "$SRC/tests/progs/pythreads.py" >"$T/py.plain" 2>/dev/null
	OPTS=summary=0 shim_run py "$PY" "$SRC/tests/progs/pythreads.py"
	is "$rc:$(cat "$T/out")" "0:$(cat "$T/py.plain")" \
		"python3, 8 threads: same output and status"
	"$REPORT" --all --format json "$(only_dump py)" >"$T/py.json"
	is "$?" 0 "leakreport reads its dump"
	q='[.leaks[] | select(.kind == "direct" or .kind == "indirect") | "\(.kind) \(.bytes) \(.blocks)"] | join(", ")'
	# The lost block ends in the 8 bytes that hold the next chunk's
	# header, which glibc's arena (libc's .data) points to: roots in libc
	# count block starts only.
	is "$(jq -r "$q" "$T/py.json")" "direct 4242 1" \
		"python3: the lost malloc(4242) is the one leak"
	is "$(jq -r '[.leaks[] | select(.kind == "reachable" and .bytes == 4242)] | length' "$T/py.json")" 1 \
		"python3: the kept malloc(4242) is reachable, on its own"
	# The same with 4240 bytes, which end before that header.
	OPTS=summary=0 shim_run py2 "$PY" "$SRC/tests/progs/pythreads.py" 0.5 4240
	"$REPORT" --all --format json "$(only_dump py2)" >"$T/py2.json"
	is "$rc:$(jq -r "$q" "$T/py2.json")" "0:direct 4240 1" \
		"python3: a lost malloc(4240) is the one leak"
	is "$(jq -r '[.leaks[] | select(.kind == "reachable" and .bytes == 4240)] | length' "$T/py2.json")" 1 \
		"python3: the kept malloc(4240) is reachable"
fi

# --- e. git and sqlite3 under `leakshim --` ---
if ! want git; then
	:
elif ! have_exe git; then
	ok 0 "git # SKIP git missing (make deps-test)"
else
	git_fixed_identity	# the commit's hash is the same in both runs
	mkdir "$T/gitdumps"
	# git_steps RUNNER DIR: the steps, each "status<TAB>stdout" to DIR.out,
	# stderr to DIR.err.
	git_steps() {
		run=$1
		g=$2
		n=0
		step() {
			n=$((n + 1))
			s=0
			(cd "$g" && $run "$@") >"$g.o" 2>>"$g.err" || s=$?
			printf '%s %s\t%s\n' "$n" "$s" "$(cat "$g.o")" >>"$g.out"
		}
		mkdir "$g"
		step git init -q
		i=1
		while [ "$i" -le 200 ]; do
			echo "file $i" >"$g/f$i.txt"
			i=$((i + 1))
		done
		step git add .
		step git commit -q -m 'two hundred files'
		step git log --format='%H %an %s'
		step git gc -q
		step git count-objects -v
		step git fsck --no-progress
	}
	git_steps "" "$T/git.plain"
	# Each step's report is kept (-o) for a look after a failure.
	under() { "$LEAKSHIM" --path "$T/gitdumps/git.%p.%n.dump" -o "$T/git.rep.$n" -- "$@"; }
	GIT_TRACE2_EVENT=$T/trace2
	export GIT_TRACE2_EVENT
	git_steps under "$T/git.shim"
	unset GIT_TRACE2_EVENT
	is "$(cat "$T/git.shim.out")" "$(cat "$T/git.plain.out")" \
		"git init, add, commit, log, gc, count-objects, fsck: same output and statuses"
	is "$(grep -v '^leakshim: process [0-9]* (child of [0-9]*) left ' "$T/git.shim.err")" \
		"$(cat "$T/git.plain.err")" "git: the same stderr (leakshim's lines aside)"
	is "$(ls "$T/gitdumps" | wc -l)" "$(grep -c '"event":"start"' "$T/trace2")" \
		"git: one dump per git process ($(ls "$T/gitdumps" | wc -l), gc's children included)"
	is "$(parse_all "$T/gitdumps")" 0 "git: leakreport reads every dump"
fi
if ! want sqlite; then
	:
elif ! have_exe sqlite3; then
	ok 0 "sqlite3 # SKIP sqlite3 missing (make deps-test)"
else
	sqlite_script >"$T/s.sql"
	rc0=0
	sqlite3 "$T/plain.db" <"$T/s.sql" >"$T/sq.plain" 2>&1 || rc0=$?
	rc=0
	"$LEAKSHIM" --path "$T/sq.%p.%n.dump" --format json -o "$T/sq.json" -- \
		sqlite3 "$T/shim.db" <"$T/s.sql" >"$T/sq.shim" 2>&1 || rc=$?
	is "$rc:$(cat "$T/sq.shim")" "$rc0:$(cat "$T/sq.plain")" \
		"sqlite3, 10000 inserts in a transaction: same output and status"
	cmp -s "$T/plain.db" "$T/shim.db"
	ok $? "sqlite3: the same database file, byte for byte"
	is "$(jq -r '.summary | "\(.leaked_blocks) \(.indirect_blocks) \(.total_allocs > 10000)"' "$T/sq.json")" \
		"0 0 true" "sqlite3: the report parses: no leak, every allocation seen"
fi

done_testing
