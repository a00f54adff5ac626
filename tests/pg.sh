# tests/pg.sh - a throwaway PostgreSQL cluster for the tests, sourced after
# lib.sh: pg_start makes one with initdb in a temporary folder and starts
# it with pg_ctl, listening only on a unix socket in that folder (no TCP
# port, so parallel runs never clash); pg_stop stops and removes it.  As
# root the server runs as the postgres user (initdb refuses root).
#
# The caller sets its own trap to call pg_stop on exit.
#
# After pg_start: PGHOST (the socket folder), PGUSER=test (a superuser,
# trust authentication), PGDATABASE=postgres, PGBIN (server binaries).

pg_start() {
	PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
	if [ ! -x "$PGBIN/initdb" ]; then
		echo "# no PostgreSQL server found (make deps installs it)"
		return 1
	fi
	PGT=$(mktemp -d "${TMPDIR:-/tmp}/leakshim-pg.XXXXXX")
	PG_AS=
	if [ "$(id -u)" -eq 0 ]; then
		chown postgres: "$PGT"
		PG_AS="runuser -u postgres --"
	fi
	# From /: the postgres user may not enter the caller's directory.
	(cd / && $PG_AS "$PGBIN/initdb" -D "$PGT/data" -A trust -U test \
		--no-sync >"$PGT/initdb.log" 2>&1) ||
		{ cat "$PGT/initdb.log"; return 1; }
	(cd / && $PG_AS "$PGBIN/pg_ctl" -D "$PGT/data" -l "$PGT/server.log" -w \
		-o "-k $PGT -c listen_addresses='' -F -c max_connections=${PG_MAX_CONN:-60}" \
		start >/dev/null) || { cat "$PGT/server.log"; return 1; }
	PGHOST=$PGT
	PGUSER=test
	PGDATABASE=postgres
	export PGHOST PGUSER PGDATABASE
}

pg_stop() {
	[ -n "${PGT:-}" ] || return 0
	(cd / && $PG_AS "$PGBIN/pg_ctl" -D "$PGT/data" -m immediate -w stop \
		>/dev/null 2>&1)
	rm -rf "$PGT"
	PGT=
}

# pg_backends: client backends connected to the server right now.
pg_backends() {
	psql -Atc "select count(*) from pg_stat_activity
		where backend_type = 'client backend' and pid <> pg_backend_pid()"
}
