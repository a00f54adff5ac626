/* SPDX-License-Identifier: MIT */
/*
 * parse.h - the in-memory model of one dump, and the reader that builds it.
 *
 * The model mirrors the records of docs/dump-format.md: the process (P, X,
 * N, S), settings (o) and counters (c) as name/value lists in file order,
 * the module map (m) in file order, the interned stacks (s) in a hash
 * table by id, and the block groups (b), the open libpq connections (C),
 * the uncleared results (R) and the cancel handles not freed (K) in file
 * order, each pointing at its stack.  The age counts (a) of a group are
 * kept in one list in file order, and each group names its run of them.  Strings are unescaped and
 * NUL-terminated; every number is a uint64_t as the dump has 16 hex
 * digits at most.  The reader accepts
 * exactly the grammar of shim/dumpfmt.h, skips unknown record tags and
 * rejects everything else with a message "NAME:LINE: what is wrong".
 */
#ifndef LK_REPORTER_PARSE_H
#define LK_REPORTER_PARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util.h"	/* before uthash.h: it configures it */
#include <uthash.h>

/* Longest line the reader accepts, newline excluded. */
#define PARSE_LINE_MAX	65536

/* The P, X, N and S records. */
struct dump_process {
	uint64_t pid;		/* the process that wrote the dump */
	uint64_t ppid;		/* its parent */
	char reason[12];	/* LK_REASON_*: "exit", "signal", "interval" */
	uint64_t time_ms;	/* Unix time of the dump, milliseconds */
	uint64_t uptime_ms;	/* time since the shim started */
	uint64_t seq;		/* the dump's sequence number */
	uint64_t signal;	/* signal that ended the process, or 0 */
	char *exe;		/* X: executable path, "" if absent */
	char *name;		/* N: short program name, "" if absent */
	char *suppressions;	/* S: the shim's suppression file, or NULL */
};

/* One o or c record: unknown names are kept, for forward compatibility. */
struct dump_value {
	char *name;		/* "allocs", "depth", ... */
	uint64_t value;
};

/* One m record: a loaded module. */
struct dump_module {
	uint64_t lo;		/* first mapped address */
	uint64_t hi;		/* one past the last mapped address */
	uint64_t bias;		/* file vaddr + bias = runtime address */
	char *build_id;		/* lower-case hex, or NULL for "-" */
	char *path;		/* "" for modules without a file (vDSO) */
};

/* One s record, found by id through the hash table. */
struct dump_stack {
	uint64_t id;		/* unique in a dump */
	UT_hash_handle hh;	/* keyed by id */
	bool has_results;	/* an R record names it (at most one may) */
	bool has_cancels;	/* a K record names it (at most one may) */
	unsigned count;		/* number of pcs, at most LK_MAX_FRAMES */
	uint64_t pcs[];		/* return addresses, innermost first */
};

/* One b record: the live blocks of one stack in one class. */
struct dump_group {
	struct dump_stack *stack;	/* never NULL: b names a known s */
	char cls;			/* LK_CLASS_*: 'l', 'd', 'i', 'r' */
	uint64_t blocks;		/* number of blocks */
	uint64_t bytes;			/* their total size */
	uint64_t oldest_ms;		/* age of the oldest, milliseconds */
	size_t ages;			/* index of its first a record in
					   dump.ages (when nages > 0) */
	unsigned nages;			/* its a records, by age */
	/* Sampled dumps (option sample): blocks and bytes above are
	 * estimates, from `samples` sampled blocks, the bytes with a
	 * standard error of bytes_se (its w record). */
	bool sampled;
	uint64_t samples;
	uint64_t bytes_se;
};

/*
 * One a record: of the blocks of the group before it, those surely older
 * than age_s seconds.  age_s is one of LK_AGE_THRESHOLDS; the counts are
 * not zero, at most the group's, and do not grow with age.
 */
struct dump_age {
	uint64_t age_s;			/* the threshold, in seconds */
	uint64_t blocks;		/* blocks older than it */
	uint64_t bytes;			/* their total size */
};

/*
 * One C record: a libpq connection not yet finished (PGconn).  status is
 * libpq's ConnStatusType (0 OK, 1 BAD, others: connecting), xact its
 * PGTransactionStatusType (0 IDLE, 1 ACTIVE, 2 INTRANS, 3 INERROR,
 * 4 UNKNOWN); flags holds LK_CONN_*, and other bits, kept as they are,
 * mean nothing yet.
 */
struct dump_conn {
	struct dump_stack *stack;	/* where it was opened; not NULL */
	uint64_t age_ms;		/* since it was opened */
	uint64_t idle_ms;		/* since a query was last sent */
	uint64_t status;		/* ConnStatusType at dump time */
	uint64_t xact;			/* PGTransactionStatusType */
	uint64_t flags;			/* LK_CONN_* */
	uint64_t pid;			/* backend pid, 0: unknown */
	char *target;			/* "user@host:port/dbname" or "" */
};

/* One R or K record: libpq objects of one stack never released. */
struct dump_pq_group {
	struct dump_stack *stack;	/* where they were made; not NULL */
	uint64_t count;			/* how many */
	uint64_t bytes;			/* R: their memory; K: 0 */
	uint64_t oldest_ms;		/* age of the oldest, milliseconds */
};

/* A whole dump.  Zero it before parse_dump; free it with parse_free. */
struct dump {
	struct dump_process proc;
	struct dump_value *options;	/* o records in file order */
	size_t noptions;
	struct dump_value *counters;	/* c records in file order */
	size_t ncounters;
	struct dump_module *modules;	/* m records in file order */
	size_t nmodules;
	struct dump_stack *stacks;	/* uthash head of the s records */
	size_t nstacks;
	struct dump_group *groups;	/* b records in file order */
	size_t ngroups;
	struct dump_age *ages;		/* a records in file order */
	size_t nages;
	struct dump_conn *conns;	/* C records in file order */
	size_t nconns;
	struct dump_pq_group *results;	/* R records in file order */
	size_t nresults;
	struct dump_pq_group *cancels;	/* K records in file order */
	size_t ncancels;
	uint64_t records;		/* e: lines between first and e */
	uint64_t dropped;		/* e: allocations not recorded */
	/* capacities of the arrays above */
	size_t options_cap, counters_cap, modules_cap, groups_cap;
	size_t ages_cap, conns_cap, results_cap, cancels_cap;
};

/*
 * Parse the dump in buf[0..size) into d, which must be zeroed.  name is
 * used in messages only.  The buffer needs no terminator and may hold any
 * bytes.  Returns 0, or a negative errno (-EINVAL for a bad dump,
 * -ENOMEM) with err filled; d must be freed with parse_free either way.
 */
int parse_dump(struct dump *d, const char *buf, size_t size,
	       const char *name, struct util_err *err);

/* Read path ("-" for standard input) and parse it, as parse_dump. */
int parse_file(struct dump *d, const char *path, struct util_err *err);

/* Free everything d owns and zero it. */
void parse_free(struct dump *d);

/* The stack with this id, or NULL. */
struct dump_stack *parse_find_stack(const struct dump *d, uint64_t id);

/* The value of counter name, or dflt if the dump has none. */
uint64_t parse_counter(const struct dump *d, const char *name,
		       uint64_t dflt);

/* The value of setting name, or dflt if the dump has none. */
uint64_t parse_option(const struct dump *d, const char *name,
		      uint64_t dflt);

/* The a record of group g for threshold age_s, or NULL if it has none. */
const struct dump_age *parse_group_age(const struct dump *d,
				       const struct dump_group *g,
				       uint64_t age_s);

#endif
