/*
 * pqcases.c - every kind of libpq object a program can forget, made on
 * purpose, next to the same kind done right.  Connects with the PG*
 * environment (a throwaway server).  At exit these are still alive, each
 * at the line marked LEAK:x:
 *
 *   LEAK:conn      3 connections, PQconnectdb          (2 more finished)
 *   LEAK:params    1 connection, PQconnectdbParams with a password value
 *   LEAK:uri       1 connection, a URI with a password in it
 *   LEAK:setdb     1 connection, PQsetdbLogin with a password
 *   LEAK:async     1 connection, PQconnectStart and a PQconnectPoll loop
 *   LEAK:intrans   1 connection idle in a transaction (BEGIN, no COMMIT)
 *   LEAK:failed    1 failed connect never finished
 *   LEAK:result    4 results not cleared                (10 more cleared)
 *   LEAK:cancel    2 cancel handles not freed           (1 more freed)
 *
 * It then sleeps SECONDS (argv[1], default 0) so that the connections turn
 * idle, and exits 0.  The password is "SeCrEt-pw-1"; it must appear in no
 * dump, report or log line.
 */
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static PGconn *must(PGconn *c)
{
	if (!c || PQstatus(c) != CONNECTION_OK) {
		fprintf(stderr, "pqcases: connect: %s",
			c ? PQerrorMessage(c) : "out of memory\n");
		exit(2);
	}
	return c;
}

static PGconn *open_conn(void)
{
	return must(PQconnectdb(""));			/* LEAK:conn */
}

static PGconn *open_params(void)
{
	const char *k[] = { "password", "application_name", NULL };
	const char *v[] = { "SeCrEt-pw-1", "pqcases", NULL };

	return must(PQconnectdbParams(k, v, 1));	/* LEAK:params */
}

static PGconn *open_uri(void)
{
	char uri[512];

	snprintf(uri, sizeof(uri), "postgresql://%s:SeCrEt-pw-1@/%s?host=%s",
		 getenv("PGUSER"), getenv("PGDATABASE"), getenv("PGHOST"));
	return must(PQconnectdb(uri));			/* LEAK:uri */
}

static PGconn *open_setdb(void)
{
	PGconn *c = PQsetdbLogin(NULL, NULL, NULL, NULL, NULL, NULL, "SeCrEt-pw-1"); /* LEAK:setdb */

	return must(c);
}

static PGconn *open_async(void)
{
	PGconn *c = PQconnectStart("");			/* LEAK:async */
	PostgresPollingStatusType st = PGRES_POLLING_WRITING;

	while (c && st != PGRES_POLLING_OK && st != PGRES_POLLING_FAILED) {
		usleep(1000);
		st = PQconnectPoll(c);
	}
	return must(c);
}

static PGconn *open_intrans(void)
{
	PGconn *c = must(PQconnectdb(""));		/* LEAK:intrans */

	PQclear(PQexec(c, "BEGIN"));
	PQclear(PQexec(c, "SELECT 1"));
	return c;
}

static PGconn *open_failed(void)
{
	return PQconnectdb("host=/nonexistent/socket/dir");	/* LEAK:failed */
}

static PGresult *run_query(PGconn *c)
{
	return PQexec(c, "SELECT generate_series(1, 100)");	/* LEAK:result */
}

static PGcancel *get_cancel(PGconn *c)
{
	return PQgetCancel(c);				/* LEAK:cancel */
}

int main(int argc, char **argv)
{
	int i, seconds = argc > 1 ? atoi(argv[1]) : 0;
	PGconn *c[3], *keep;

	for (i = 0; i < 3; i++)
		c[i] = open_conn();
	for (i = 0; i < 2; i++)
		PQfinish(must(PQconnectdb("")));
	open_params();
	open_uri();
	open_setdb();
	open_async();
	open_intrans();
	if (PQstatus(open_failed()) != CONNECTION_BAD)
		return 3;
	keep = c[0];
	for (i = 0; i < 4; i++)
		run_query(keep);
	for (i = 0; i < 10; i++)
		PQclear(PQexec(keep, "SELECT 2"));
	get_cancel(keep);
	get_cancel(keep);
	PQfreeCancel(PQgetCancel(keep));
	sleep((unsigned)seconds);
	printf("pqcases: done\n");
	return 0;
}
