/* SPDX-License-Identifier: MIT */
/*
 * report.h - the report model that every output format writes, and the
 * suppressions that take entries out of it.
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
 * Suppressions follow LeakSanitizer: files of "leak:PATTERN" lines.  A b
 * record is suppressed when a pattern matches the function, the source
 * file or the module of any frame of its stack; it then leaves the
 * entries and the summary's sums, and counts toward the first pattern (in
 * the order the files were loaded, then file order) that matches it.
 *
 * --top N keeps the first N of each list.  The summary counts every record
 * of the dump whatever the options filter out, except suppressed blocks,
 * which it counts apart.  --older-than (age.h) filters the dump itself
 * before the report is built, so the summary's sums follow it.
 */
#ifndef LK_REPORTER_REPORT_H
#define LK_REPORTER_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "age.h"
#include "parse.h"
#include "symbolize.h"
#include "suppress.h"
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
	struct report_supp *supp;	/* suppressions, or NULL for none;
					   report_build fills their counts */
	const struct age_cut *older;	/* --older-than, applied to the
					   dump already; or NULL */
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
	/* b records left out by a suppression, every class */
	uint64_t suppressed_bytes, suppressed_blocks;
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
	uint64_t sample;		/* setting sample: 0 exact, else the
					   mean bytes between samples, and
					   blocks and bytes are estimates */
	bool libpq;			/* the dump shows libpq activity: a
					   C, R or K record, or conn_opened */
	bool classified;		/* counter classified is not 0: the b
					   records carry d, i and r */
	uint64_t scan_error;		/* counter scan_error: the errno that
					   kept the scan from running, or 0 */
	const struct report_supp *supp;	/* the options' suppressions, or
					   NULL when no file was applied */
	bool *suppressed;		/* per b record of the dump, or NULL
					   when nothing is suppressed */
	const struct age_cut *older;	/* the options' --older-than, or
					   NULL */
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

/* Whether the module path is one a site is never in: the C and C++
 * runtimes, the dynamic loader, libpq, the shim. */
bool report_is_runtime(const char *path);

/* Whether r is of a dump written at exit (reason "exit"). */
bool report_at_exit(const struct report *r);

/*
 * Whether connection entry e counts as leaked, for the CI formats: at an
 * exit dump every connection not finished is; in a live dump, an entry
 * with connections idle over conn_idle (abandoned) or failed connects
 * never finished, while one whose connections are all in use is not.
 */
bool report_conn_leaked(const struct report *r, const struct report_conn *e);

/* Whether d's blocks were classified (its counter classified is not 0). */
bool report_classified(const struct dump *d);

/* Why the scan could not run, for a reader: strerror's text, or what
 * EOPNOTSUPP means here (an allocator that is not glibc's); in buf. */
const char *report_scan_error(uint64_t e, char *buf, size_t size);

/*
 * The blocks and bytes of d's direct and indirect leaks that no pattern
 * of supp suppresses (0 and 0 for an unclassified dump).  s is used, and
 * may only be NULL, when supp has no pattern or d no direct or indirect
 * b record: only a suppression needs symbols.  Returns 0, or a negative
 * errno with err filled.
 */
int report_leak_count(const struct dump *d, struct symbolizer *s,
		      const struct report_supp *supp, uint64_t *blocks,
		      uint64_t *bytes, struct util_err *err);

/* Whether counting d's leaks against supp needs a symbolizer. */
bool report_leak_count_symbolizes(const struct dump *d,
				  const struct report_supp *supp);

/*
 * Symbolize stack st with s into out (zeroed by the caller; free its
 * frames) and find its site, the first frame outside the runtimes.
 * Returns 0, or a negative errno with err filled.
 */
int report_symbolize_stack(struct report_stack *out,
			   const struct dump_stack *st, struct symbolizer *s,
			   struct util_err *err);

#endif
