/* SPDX-License-Identifier: MIT */
/*
 * sites.h - allocation sites matched across dumps, for `leakreport diff`
 * and `leakreport trend`.
 *
 * A site is identified by its symbolized frames from the site frame down
 * (the frames above it are libc's or libpq's internals, see report.h), not
 * by the dump's stack id: for each frame, innermost first, its function,
 * source file and line,
 * or, for a frame without a function, its module path and its offset from
 * the module's load bias (or its bare pc when no module holds it).  Two
 * runs of one binary (other pids, other load addresses) thus give the same
 * sites, and stacks of one dump that differ only in pcs of the same lines
 * add up into one site.
 *
 * For each site and each dump the table keeps three figures: memory (the
 * bytes, and the blocks, of its b records of every class), connections
 * (its C records, failed connects included) and results (the counts of its
 * R records).  Dumps keep their command-line order here; trend.c orders
 * them by time.
 */
#ifndef LK_REPORTER_SITES_H
#define LK_REPORTER_SITES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "report.h"	/* includes util.h before uthash.h */
#include <uthash.h>

/* What a site is compared on. */
enum site_res {
	SITE_MEMORY,		/* bytes of its b records, every class */
	SITE_CONNS,		/* its C records */
	SITE_RESULTS,		/* the counts of its R records */
	SITE_NRES
};

/* What diff and trend need to know of one dump. */
struct site_dump {
	const char *path;	/* as given; belongs to the caller */
	uint64_t pid;
	char *program;		/* N, else the basename of X, else "?" */
	char *exe_base;		/* basename of X, else program */
	uint64_t time_ms;	/* P: Unix time of the dump */
	uint64_t uptime_ms;	/* P: time since the shim started */
	uint64_t total[SITE_NRES];	/* the figures over every site */
	uint64_t open_conns;	/* C records without LK_CONN_FAILED */
	uint64_t conn_limit;	/* setting conn_limit; 0: unknown */
	bool conn_activity;	/* a C record, or counter conn_opened */
};

/* One site and its figures in every dump. */
struct site {
	UT_hash_handle hh;	/* in sites.hash, keyed by key */
	char *key;		/* the frames' identity, as sites.h says */
	char *name;		/* "function (file:line)" of its site */
	struct report_stack st;	/* its frames in the latest dump holding
				   it (by time); strings in `strings` */
	char *strings;		/* the strings st's frames point into */
	size_t from;		/* the dump st comes from */
	uint64_t *v[SITE_NRES];	/* per dump; NULL when no dump has one */
	uint64_t *blocks;	/* memory blocks per dump, with v[memory] */
};

/* The sites of a series of dumps.  Zero it, then sites_init. */
struct sites {
	struct site *hash;	/* uthash by key */
	struct site **list;	/* in order of first appearance */
	size_t count, cap;
	struct site_dump *dumps;	/* [ndumps], command-line order */
	size_t ndumps;
};

/* Make room for ndumps dumps.  Returns 0 or -ENOMEM with err filled. */
int sites_init(struct sites *s, size_t ndumps, struct util_err *err);

/*
 * Add dump d, read from path, as dump i (i < ndumps, each once), its
 * stacks symbolized with sym.  d and sym may be freed afterwards: the
 * table copies what it keeps.  Returns 0, or a negative errno with err
 * filled.
 */
int sites_add(struct sites *s, size_t i, const char *path,
	      const struct dump *d, struct symbolizer *sym,
	      struct util_err *err);

/* Free everything s owns and zero it. */
void sites_free(struct sites *s);

/* The figure of site st for resource r in dump i (0 where it has none). */
uint64_t sites_value(const struct site *st, enum site_res r, size_t i);

/* "memory", "connections", "results". */
const char *sites_res_name(enum site_res r);

/*
 * "via FUNCTION (FILE:LINE)" or "via MODULE+0xOFFSET" (base names) of the
 * innermost frame of st, into buf: what tells apart two sites of one name
 * (stacks that differ only inside a library).  "" when the innermost
 * frame is the site's own frame.
 */
void sites_via(const struct site *st, char *buf, size_t size);

#endif
