# tests/svc.sh - real services under the shim, sourced after lib.sh (and
# pg.sh) by tests/t800-services.sh and tests/soak/services.sh: nginx in the
# foreground (master and two workers) loaded by wrk, redis-server loaded by
# redis-benchmark, and a few figures (requests/s, RSS).
#
# Every server listens on 127.0.0.1 only, on a port that was free when it
# started; every load is bounded in time or count.  svc_cleanup ends what
# is still running (by pid), for the caller's EXIT trap.

PY=/usr/bin/python3
NGINX=$(command -v nginx 2>/dev/null || echo /usr/sbin/nginx)
REDIS=$(command -v redis-server 2>/dev/null || echo /usr/bin/redis-server)
SVC_PIDS=

# have_exe PATH-OR-NAME: it can be run.
have_exe() { [ -x "$1" ] || command -v "$1" >/dev/null 2>&1; }

# free_port: a TCP port of 127.0.0.1 that nothing listens on right now.
free_port() {
	$PY -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# rss_kb PID...: the sum of their resident set sizes, in KiB.
rss_kb() {
	for p in "$@"; do
		sed -n 's/^VmRSS:[[:space:]]*\([0-9]*\) kB$/\1/p' "/proc/$p/status" 2>/dev/null
	done | awk '{ s += $1 } END { print s + 0 }'
}

# reap PID SECONDS: waits for a child of this shell to end, up to SECONDS,
# then kills it; sets $reaped to its status (or "killed").
reap() {
	i=0
	while kill -0 "$1" 2>/dev/null && [ "$i" -lt $(($2 * 20)) ]; do
		sleep 0.05
		i=$((i + 1))
	done
	if kill -0 "$1" 2>/dev/null; then
		kill -KILL "$1" 2>/dev/null
		wait "$1" 2>/dev/null
		reaped=killed
		return 1
	fi
	reaped=0
	wait "$1" || reaped=$?
	return 0
}

svc_cleanup() {
	for p in $SVC_PIDS; do
		kill -KILL "$p" 2>/dev/null
	done
	SVC_PIDS=
}

# until_ok SECONDS CMD...: runs CMD every 50 ms until it succeeds.
until_ok() {
	n=$(($1 * 20))
	shift
	while [ "$n" -gt 0 ]; do
		"$@" >/dev/null 2>&1 && return 0
		sleep 0.05
		n=$((n - 1))
	done
	return 1
}

# dump_field DUMP N: field N of a dump's process line (2 pid, 3 ppid in
# hex, 4 reason; see docs/dump-format.md).
dump_field() { sed -n 2p "$1" | cut -d' ' -f"$2"; }

# want PART: PART is in " $PARTS " (the parts a run was asked for).
want() { case "$PARTS" in *" $1 "*) return 0 ;; esac; return 1; }

# exit_pids DIR: the pids of DIR's exit dumps, sorted, one line.
exit_pids() {
	for f in "$1"/*.dump; do
		[ "$(dump_field "$f" 4)" = exit ] &&
			printf '%d\n' "0x$(dump_field "$f" 2)"
	done | sort -n | tr '\n' ' '
}

# sorted N...: the numbers sorted, one line.
sorted() { printf '%s\n' "$@" | sort -n | tr '\n' ' '; }

# pct A B: B's change from A, in per cent with a sign.
pct() { awk -v a="$1" -v b="$2" 'BEGIN { if (a > 0) printf "%+.1f%%", (b - a) * 100 / a; else print "n/a" }'; }

# --- git and sqlite3 ---

# git_fixed_identity: no user or system configuration, and fixed names and
# dates, so a commit's hash is the same in every run.
git_fixed_identity() {
	GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null HOME=$T
	GIT_AUTHOR_NAME=t GIT_AUTHOR_EMAIL=t@example.org
	GIT_COMMITTER_NAME=t GIT_COMMITTER_EMAIL=t@example.org
	GIT_AUTHOR_DATE='2024-01-01T00:00:00Z' GIT_COMMITTER_DATE=$GIT_AUTHOR_DATE
	export GIT_CONFIG_NOSYSTEM GIT_CONFIG_GLOBAL HOME GIT_AUTHOR_NAME \
		GIT_AUTHOR_EMAIL GIT_COMMITTER_NAME GIT_COMMITTER_EMAIL \
		GIT_AUTHOR_DATE GIT_COMMITTER_DATE
}

# sqlite_script: SQL for sqlite3 on stdout: 10000 inserts in a
# transaction, queries, an index; the last line it prints is 5001.
sqlite_script() {
	echo "create table t(id integer primary key, name text, v real);"
	echo "begin;"
	awk 'BEGIN { for (i = 1; i <= 10000; i++)
		printf "insert into t(name, v) values (%crow %d%c, %d.5);\n", 39, i, 39, i }'
	echo "commit;"
	echo "select count(*), sum(v), min(name), max(name) from t;"
	echo "select name from t where id % 2500 = 0 order by id;"
	echo "create index t_v on t(v);"
	echo "select count(*) from t where v > 5000;"
}

# --- nginx ---

# ngx_setup DIR PORT: a configuration in DIR for `nginx -p DIR`: master and
# two workers, in the foreground, serving DIR/html on 127.0.0.1:PORT, an
# access log and an error log (notice level: the log reopens show).
ngx_setup() {
	mkdir -p "$1/html" "$1/logs" "$1/tmp"
	# As root the workers run as nobody: they must read the page and
	# write their dumps.
	chmod 755 "$1" "$1/html"
	printf 'leakshim test page\n' >"$1/html/index.html"
	cat >"$1/nginx.conf" <<EOF
daemon off;
master_process on;
worker_processes 2;
pid $1/nginx.pid;
error_log $1/logs/error.log notice;
events { worker_connections 512; }
http {
	access_log $1/logs/access.log;
	client_body_temp_path $1/tmp/body;
	proxy_temp_path $1/tmp/proxy;
	fastcgi_temp_path $1/tmp/fastcgi;
	uwsgi_temp_path $1/tmp/uwsgi;
	scgi_temp_path $1/tmp/scgi;
	server {
		listen 127.0.0.1:$2;
		location / { root $1/html; }
	}
}
EOF
}

# ngx_start DIR PORT [VAR=VALUE...]: starts nginx with that environment
# added; NGX_MASTER is the master's pid, NGX_WORKERS its two workers'.
ngx_start() {
	d=$1
	port=$2
	shift 2
	env "$@" "$NGINX" -p "$d" -c "$d/nginx.conf" -e "$d/logs/error.log" \
		>"$d/stdout" 2>"$d/stderr" &
	NGX_MASTER=$!
	SVC_PIDS="$SVC_PIDS $NGX_MASTER"
	until_ok 10 curl -sf "http://127.0.0.1:$port/" || return 1
	until_ok 10 ngx_two_workers || return 1
	NGX_WORKERS=$(pgrep -P "$NGX_MASTER" | sort -n | tr '\n' ' ')
	NGX_WORKERS=${NGX_WORKERS% }
}

# ngx_first DIR: a new configuration in DIR on a free port, started without
# the shim; sets N (DIR), D (DIR/dumps), port and url.
ngx_first() {
	N=$1
	D=$N/dumps
	port=$(free_port)
	url=http://127.0.0.1:$port/
	ngx_setup "$N" "$port"
	ngx_start "$N" "$port"
}

ngx_two_workers() { [ "$(pgrep -P "$NGX_MASTER" | wc -l)" -eq 2 ]; }

# ngx_reopeners DIR: the pids that logged "reopening logs" (the master
# also logs "signal 10 (SIGUSR1) received from PID, reopening logs").
ngx_reopeners() {
	sed -n 's/.* \([0-9]*\)#[0-9]*: reopening logs$/\1/p' "$1/logs/error.log" |
		sort -n | tr '\n' ' '
}

# ngx_reopened DIR: the master and both workers have reopened their logs.
ngx_reopened() {
	[ "$(ngx_reopeners "$1")" = "$(printf '%s\n' $NGX_MASTER $NGX_WORKERS | sort -n | tr '\n' ' ')" ]
}

# ngx_stop: graceful quit; $reaped is the master's exit status.
ngx_stop() {
	kill -QUIT "$NGX_MASTER"
	reap "$NGX_MASTER" 20
}

# wrk_run URL SECONDS OUT: wrk with 2 threads and 16 connections; OUT gets
# its output, whose last line is
#   wrk: requests=N connect=N read=N write=N status=N timeout=N rps=X
# (status counts the responses that were not 2xx or 3xx).
wrk_run() {
	cat >"$T/count.lua" <<'EOF'
done = function(summary, latency, requests)
	local e = summary.errors
	io.write(string.format(
		"wrk: requests=%d connect=%d read=%d write=%d status=%d timeout=%d rps=%.0f\n",
		summary.requests, e.connect, e.read, e.write, e.status, e.timeout,
		summary.requests / (summary.duration / 1e6)))
end
EOF
	wrk -t2 -c16 -d"$2"s -s "$T/count.lua" "$1" >"$3" 2>&1
}

# wrk_get OUT KEY: that figure of wrk_run's last line.
wrk_get() { sed -n "s/^wrk: .*\\<$2=\\([0-9.]*\\).*/\\1/p" "$1"; }

# wrk_errors OUT: "requests>0 connect read write status timeout" as
# "ok 0 0 0 0 0" when every request succeeded.
wrk_errors() {
	r=$(wrk_get "$1" requests)
	[ "${r:-0}" -gt 0 ] && printf ok || printf 'no-requests'
	for k in connect read write status timeout; do
		printf ' %s' "$(wrk_get "$1" "$k")"
	done
	echo
}

# --- redis ---

# rds_start DIR PORT [VAR=VALUE...]: redis-server in the foreground, no
# persistence; RDS_PID is its pid.
rds_start() {
	d=$1
	port=$2
	shift 2
	mkdir -p "$d"
	chmod 755 "$d"
	env "$@" "$REDIS" --port "$port" --bind 127.0.0.1 --save '' \
		--appendonly no --dir "$d" --daemonize no \
		--logfile "$d/redis.log" >"$d/stdout" 2>"$d/stderr" &
	RDS_PID=$!
	SVC_PIDS="$SVC_PIDS $RDS_PID"
	until_ok 10 rds_ping "$port"
}

rds_ping() { [ "$(redis-cli -p "$1" ping 2>/dev/null)" = PONG ]; }

# rds_calls PORT: "set get lpush lpop" calls, then the failed and rejected
# calls of every command, from INFO commandstats.
rds_calls() {
	redis-cli -p "$1" info commandstats | tr -d '\r' | awk -F'[:,=]' '
		/^cmdstat_/ { c[$1] = $3
			for (i = 2; i < NF; i += 2)
				if ($i == "failed_calls" || $i == "rejected_calls")
					bad += $(i + 1) }
		END { printf "%d %d %d %d failed=%d\n", c["cmdstat_set"],
			c["cmdstat_get"], c["cmdstat_lpush"], c["cmdstat_lpop"], bad }'
}

# rds_info PORT FIELD: one field of INFO.
rds_info() {
	redis-cli -p "$1" info | tr -d '\r' | sed -n "s/^$2://p"
}

# bench_rps CSV: "TEST=RPS ..." from redis-benchmark --csv.
bench_rps() {
	awk -F'"' 'NR > 1 && NF > 3 { printf "%s%s=%.0f", sep, $2, $4; sep = " " }
		END { print "" }' "$1"
}

# bench_tests CSV: the tests that ran, in order.
bench_tests() { awk -F'"' 'NR > 1 && NF > 3 { print $2 }' "$1" | tr '\n' ' '; }

# --- postgres (after pg.sh's pg_start) ---

# pg_restart_shim DUMPDIR [MORE_OPTIONS]: stops the cluster (fast) and
# starts it again with the shim preloaded into the postmaster and so into
# every process it forks, each writing DUMPDIR/pg.%p.%n.dump; connections
# are logged, with the backend's pid.  The server runs as postgres, which
# may not reach $SHIM (a checkout under a private directory): it gets a
# copy in $PGT, which it owns.
pg_restart_shim() {
	pg_shim=$SHIM
	mkdir -p "$1"
	if [ -n "$PG_AS" ]; then
		chown postgres: "$1"
		pg_shim=$PGT/libleakshim.so
		cp "$SHIM" "$pg_shim" && chmod 755 "$pg_shim" || return 1
	fi
	(cd / && $PG_AS "$PGBIN/pg_ctl" -D "$PGT/data" -m fast -w stop \
		>/dev/null) || return 1
	: >"$PGT/server.log"
	(cd / && $PG_AS env LD_PRELOAD="$pg_shim" \
		LEAKSHIM_OPTIONS="path=$1/pg.%p.%n.dump:summary=0${2:+:$2}" \
		"$PGBIN/pg_ctl" -D "$PGT/data" -l "$PGT/server.log" -w \
		-o "-k $PGT -c listen_addresses='' -F -c log_connections=on -c max_connections=${PG_MAX_CONN:-60}" \
		start >/dev/null) || { cat "$PGT/server.log"; return 1; }
}

# pg_postmaster: the postmaster's pid.
pg_postmaster() { head -n 1 "$PGT/data/postmaster.pid"; }

# pg_stop_fast: a clean stop: every process ends through exit().
pg_stop_fast() {
	(cd / && $PG_AS "$PGBIN/pg_ctl" -D "$PGT/data" -m fast -w stop \
		>/dev/null 2>&1)
}

# pg_tps OUT: pgbench's tps.
pg_tps() { sed -n 's/^tps = \([0-9]*\).*/\1/p' "$1"; }

# pg_same OUT: pgbench's output less the lines whose figures vary.
pg_same() {
	grep -v -e ' = ' -e '^number of transactions actually processed' \
		-e '^pgbench (' "$1"
}

# pg_rss: the sum of the RSS of the cluster's processes right now.
pg_rss() {
	m=$(pg_postmaster)
	rss_kb "$m" $(pgrep -P "$m")
}
