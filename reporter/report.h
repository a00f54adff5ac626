/* SPDX-License-Identifier: MIT */
/*
 * report.h - the report model that every output format writes.
 *
 * A report has four lists, each entry with its stack symbolized and the
 * frame that names its "site": the first frame outside the C and C++
 * runtimes, libpq and the shim, so that a leak made inside strdup, getline
 * or operator new, or a connection or result made inside libpq, is charged
 * to the code that called them.
 *
 *  - entries: one per b record (the live blocks of one stack in one
 *    class), by kind (direct, indirect, live, then reachable, which only
 *    --all shows), then by bytes and blocks, largest first;
 *  - conns: the C records grouped by stack (the libpq connections opened
 *    there and never finished), most connections first, then oldest;
 *  - results, cancels: one per R or K record (PGresults never cleared,
 *    PGcancel handles never freed), most first.
 *
 * --top N keeps the first N of each list.  The summary counts every record
 * of the dump whatever the options filter out.
 */
#ifndef LK_REPORTER_REPORT_H
#define LK_REPORTER_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "parse.h"
#include "symbolize.h"
#include "util.h"

/* The kind of an entry, in the order the list shows them. */
enum report_kind {
	REPORT_DIRECT,		/* class d: no pointer reaches the blocks */
	REPORT_INDIRECT,	/* class i: reached only from leaked blocks */
	REPORT_LIVE,		/* class l: not classified */
	REPORT_REACHABLE,	/* class r: still referenced */
};

/* What the user asked for. */
struct report_options {
	bool all;		/* --all: list reachable blocks too */
	size_t top;		/* --top N: N entries per list; 0: all */
	bool no_addresses;	/* --no-addresses: text omits pcs, offsets */
};

/* Most backend pids listed for one connection entry (the smallest). */
#define REPORT_MAX_PIDS	20

/* The summary of DESIGN.md's JSON report; all records, no filters. */
struct report_summary {
	uint64_t leaked_bytes, leaked_blocks;		/* class d */
	uint64_t indirect_bytes, indirect_blocks;	/* class i */
	uint64_t reachable_bytes, reachable_blocks;	/* class r */
	uint64_t live_bytes, live_blocks;		/* every class */
	uint64_t total_allocs, total_frees;		/* counters */
	/* C records: without LK_CONN_FAILED, with it, idle for conn_idle
	 * seconds, in a transaction (INTRANS or INERROR) */
	uint64_t open_connections, failed_connections;
	uint64_t idle_connections, idle_in_transaction;
	/* R counts and bytes, K counts, added up */
	uint64_t uncleared_results, uncleared_result_bytes, open_cancels;
	/* the counters conn_opened, conn_finished, conn_failed */
	uint64_t connections_opened, connections_finished;
	uint64_t connections_failed;
};

/* A symbolized stack and the frame that names its site. */
struct report_stack {
	struct sym_frame *frames;	/* innermost first, inlines expanded */
	size_t nframes;
	size_t site;			/* index of the site frame */
};

/* One listed group of blocks. */
struct report_entry {
	enum report_kind kind;
	const struct dump_group *group;	/* blocks, bytes, age, stack */
	struct report_stack st;
};

/* The C records of one stack: connections opened there, not finished. */
struct report_conn {
	const struct dump_stack *stack;	/* where they were opened */
	uint64_t count;			/* C records */
	uint64_t failed;		/* with LK_CONN_FAILED */
	uint64_t idle;			/* OK, IDLE, unused conn_idle s */
	uint64_t idle_in_xact;		/* INTRANS or INERROR */
	uint64_t oldest_ms;		/* largest age */
	uint64_t longest_idle_ms;	/* largest idle_ms, failed left out */
	const char **targets;		/* sorted, unique, none empty; the
					   strings belong to the dump */
	size_t ntargets;
	uint64_t pids[REPORT_MAX_PIDS];	/* smallest non-zero, sorted */
	size_t npids;
	struct report_stack st;
};

/* One listed R or K record. */
struct report_pq {
	const struct dump_pq_group *group;	/* count, bytes, age, stack */
	struct report_stack st;
};

struct report {
	const struct dump *dump;	/* what the report is about */
	struct report_summary summary;
	struct report_entry *entries;	/* memory list, sorted and cut */
	size_t count;
	struct report_conn *conns;	/* connections by stack, cut */
	size_t nconns;
	struct report_pq *results;	/* R records, sorted and cut */
	size_t nresults;
	struct report_pq *cancels;	/* K records, sorted and cut */
	size_t ncancels;
	uint64_t sites;			/* distinct stacks with live blocks */
	uint64_t dropped;		/* allocations the tracker missed */
	uint64_t conn_idle_s;		/* setting conn_idle: "idle" means
					   unused for this long */
	bool libpq;			/* the dump shows libpq activity: a
					   C, R or K record, or conn_opened */
};

/*
 * Build the report of d into r (zeroed by the call), symbolizing with s.
 * d and s must outlive r: frames point into both.  Returns 0, or a
 * negative errno with err filled; r must be freed with report_free.
 */
int report_build(struct report *r, const struct dump *d,
		 struct symbolizer *s, const struct report_options *o,
		 struct util_err *err);

/* Free what r owns and zero it. */
void report_free(struct report *r);

/* "direct", "indirect", "live", "reachable". */
const char *report_kind_name(enum report_kind kind);

/* The program's short name: N, else the basename of X, else "?". */
const char *report_program(const struct report *r);

#endif
