/* SPDX-License-Identifier: MIT */
/*
 * pq.h - tracking of libpq objects: connections, results, cancel handles.
 */
#ifndef LK_PQ_H
#define LK_PQ_H

#include <stdint.h>

#include "out.h"

/* Longest "user@host:port/dbname" kept for a connection. */
#define LK_PQ_TARGET_MAX	160

#include "dumpfmt.h"

/* Connection flags, as a dump's C record writes them. */
#define LK_PQ_FAILED		LK_CONN_FAILED

/* A tracked libpq object at p is being freed (called from free()). */
void lk_pq_freed(void *p);

/* One connection, as a dump writes it. */
struct lk_pq_conn {
	uint32_t stack;		/* where it was opened */
	uint32_t opened;	/* lk_now when opened */
	uint32_t last_use;	/* lk_now when a query was last sent */
	int status;		/* PQstatus at dump time */
	int xact;		/* PQtransactionStatus at dump time */
	int flags;		/* LK_PQ_* */
	int pid;		/* server process id, 0 if unknown */
	char target[LK_PQ_TARGET_MAX];	/* user@host:port/dbname */
};

/* Per-stack totals of results and cancel handles, filled by
 * lk_pq_collect into arrays indexed by stack id. */
struct lk_pq_group {
	uint64_t count;
	uint64_t bytes;		/* results: PQresultMemorySize */
	uint32_t oldest;	/* smallest birth */
};

struct lk_pq_snapshot {
	struct lk_pq_conn *conn;	/* open connections (arena) */
	uint64_t nconn;
	struct lk_pq_group *results;	/* [nstacks], by stack id (arena) */
	struct lk_pq_group *cancels;	/* [nstacks], by stack id (arena) */
	uint32_t nstacks;
};

/* Finds libpq's accessors now, if libpq objects exist, so that a later
 * lk_pq_collect needs no dlsym (the scan's child must not call it). */
void lk_pq_prepare(void);

/* Takes a consistent picture of every tracked object whose stack id is
 * below nstacks.  Returns 0, or -ENOMEM (snapshot empty). */
int lk_pq_collect(struct lk_pq_snapshot *s, uint32_t nstacks);
void lk_pq_release(struct lk_pq_snapshot *s);

struct lk_pq_counts {
	uint64_t opened, finished, failed;
	uint64_t results, cleared;
	uint64_t cancels, cancels_freed;
};
void lk_pq_counts(struct lk_pq_counts *c);

/* What the metrics file shows of libpq, now. */
struct lk_pq_gauges {
	uint64_t open;		/* connections not finished, connect not failed */
	uint64_t idle;		/* of those, idle longer than conn_idle */
	uint64_t intrans;	/* idle in a transaction */
	uint64_t failed;	/* failed connects never finished */
	uint64_t results;	/* results not cleared */
	uint64_t cancels;	/* cancel handles not freed */
};
void lk_pq_gauges(struct lk_pq_gauges *g);

/* The control thread calls this once a second: the conn_max alert. */
void lk_pq_tick(void);

/* Fork handlers. */
void lk_pq_lock_all(void);
void lk_pq_unlock_all(void);
void lk_pq_reset_child(void);

#endif
