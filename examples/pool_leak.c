/*
 * pool_leak.c - a small order service with a connection pool that leaks the
 * way the incident's did.  Connects with the PG* environment variables.
 *
 *   pool_leak [SECONDS]     serve requests for SECONDS (default 10), then
 *                           exit 0; SIGTERM or SIGINT stop it early, also
 *                           through exit().
 *
 * Four worker threads take requests; each checks a connection out of the
 * pool (a new one is opened at LEAK:checkout when the pool has none idle),
 * runs a query and checks the connection back in.  Two bugs:
 *
 *  - handle_request returns early when a request fails validation (one in
 *    25) and never checks its connection back in: the pool opens another
 *    next time and the old one stays open, idle, for good.  The report
 *    shows these connections at LEAK:checkout, growing, idle.
 *  - report_stats (a fifth thread) runs a query every 200 ms and never
 *    clears the result: LEAK:stats in the report.
 *
 * It prints a line a second (requests served, pool size, connections
 * opened) and, at the end, what it leaked by its own count, which the
 * tests compare with the report:
 *   pool_leak: leaked N connections and M results
 */
#include <libpq-fe.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define WORKERS 4
#define POOL_MAX 256

/* The pool: idle connections ready for checkout.  pool_lock guards it
 * and the counters below. */
static pthread_mutex_t pool_lock = PTHREAD_MUTEX_INITIALIZER;
static PGconn *pool_idle[POOL_MAX];
static int pool_nidle;
static long opened, served, leaked_conns, leaked_results;

static volatile sig_atomic_t stopping;

static void on_stop(int sig)
{
	(void)sig;
	stopping = 1;
}

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000 };

	nanosleep(&ts, NULL);
}

static PGconn *pool_checkout(void)
{
	PGconn *c = NULL;

	pthread_mutex_lock(&pool_lock);
	if (pool_nidle > 0)
		c = pool_idle[--pool_nidle];
	pthread_mutex_unlock(&pool_lock);
	if (c)
		return c;
	c = PQconnectdb("application_name=pool_leak");	/* LEAK:checkout */
	if (PQstatus(c) != CONNECTION_OK) {
		fprintf(stderr, "pool_leak: connect: %s", PQerrorMessage(c));
		PQfinish(c);
		return NULL;
	}
	pthread_mutex_lock(&pool_lock);
	opened++;
	pthread_mutex_unlock(&pool_lock);
	return c;
}

static void pool_checkin(PGconn *c)
{
	pthread_mutex_lock(&pool_lock);
	if (pool_nidle < POOL_MAX) {
		pool_idle[pool_nidle++] = c;
		c = NULL;
	}
	pthread_mutex_unlock(&pool_lock);
	if (c)
		PQfinish(c);
}

/* One request: look up an order's total.  The early return is the bug. */
static void handle_request(long id)
{
	char arg[32];
	const char *params[1] = { arg };
	PGconn *c = pool_checkout();
	PGresult *r;

	if (!c)
		return;
	if (id % 25 == 7) {
		pthread_mutex_lock(&pool_lock);
		leaked_conns++;
		pthread_mutex_unlock(&pool_lock);
		return;		/* "invalid request": the connection is lost */
	}
	snprintf(arg, sizeof(arg), "%ld", id);
	r = PQexecParams(c, "SELECT $1::bigint * 3", 1, NULL, params, NULL,
			 NULL, 0);
	PQclear(r);
	pool_checkin(c);
	pthread_mutex_lock(&pool_lock);
	served++;
	pthread_mutex_unlock(&pool_lock);
}

static void *worker(void *arg)
{
	long id = (long)arg;

	while (!stopping) {
		handle_request(id);
		id += WORKERS;
		sleep_ms(100);
	}
	return NULL;
}

/* Every 200 ms: a stats query whose result is never cleared. */
static void *report_stats(void *arg)
{
	PGconn *c = PQconnectdb("application_name=pool_stats");
	PGresult *r;

	(void)arg;
	while (!stopping && PQstatus(c) == CONNECTION_OK) {
		r = PQexec(c, "SELECT count(*) FROM pg_stat_activity"); /* LEAK:stats */
		pthread_mutex_lock(&pool_lock);
		leaked_results++;
		pthread_mutex_unlock(&pool_lock);
		if (PQresultStatus(r) != PGRES_TUPLES_OK)
			break;
		sleep_ms(200);
	}
	PQfinish(c);
	return NULL;
}

static void pool_drain(void)
{
	pthread_mutex_lock(&pool_lock);
	while (pool_nidle > 0)
		PQfinish(pool_idle[--pool_nidle]);
	pthread_mutex_unlock(&pool_lock);
}

int main(int argc, char **argv)
{
	struct sigaction sa = { .sa_handler = on_stop };
	int seconds = argc > 1 ? atoi(argv[1]) : 10, s;
	pthread_t t[WORKERS + 1];
	long i;

	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	setvbuf(stdout, NULL, _IOLBF, 0);
	for (i = 0; i < WORKERS; i++)
		pthread_create(&t[i], NULL, worker, (void *)i);
	pthread_create(&t[WORKERS], NULL, report_stats, NULL);
	for (s = 0; s < seconds && !stopping; s++) {
		sleep_ms(1000);
		pthread_mutex_lock(&pool_lock);
		printf("pool_leak: %ds: %ld requests served, %d idle in the "
		       "pool, %ld connections opened\n", s + 1, served,
		       pool_nidle, opened);
		pthread_mutex_unlock(&pool_lock);
	}
	stopping = 1;
	for (i = 0; i <= WORKERS; i++)
		pthread_join(t[i], NULL);
	pool_drain();
	printf("pool_leak: leaked %ld connections and %ld results\n",
	       leaked_conns, leaked_results);
	return 0;
}
