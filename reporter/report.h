/* SPDX-License-Identifier: MIT */
/*
 * report.h - the report model that every output format writes.
 *
 * A report has one entry per b record of the dump (the live blocks of one
 * stack in one class), with its stack symbolized and the frame that names
 * its "site": the first frame outside the C and C++ runtimes and the shim,
 * so that a leak made inside strdup, getline or operator new is charged to
 * the code that called them.  Entries are listed by kind (direct,
 * indirect, live, then reachable, which only --all shows), then by bytes
 * and blocks, largest first; --top N keeps the first N.  The summary
 * counts every group of the dump whatever the options filter out.
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
	size_t top;		/* --top N: keep N entries; 0 keeps all */
	bool no_addresses;	/* --no-addresses: text omits pcs, offsets */
};

/* The summary of DESIGN.md's JSON report; all groups, no filters. */
struct report_summary {
	uint64_t leaked_bytes, leaked_blocks;		/* class d */
	uint64_t indirect_bytes, indirect_blocks;	/* class i */
	uint64_t reachable_bytes, reachable_blocks;	/* class r */
	uint64_t live_bytes, live_blocks;		/* every class */
	uint64_t total_allocs, total_frees;		/* counters */
	uint64_t open_connections, uncleared_results;	/* 0 for now */
};

/* One listed group of blocks. */
struct report_entry {
	enum report_kind kind;
	const struct dump_group *group;	/* blocks, bytes, age, stack */
	struct sym_frame *frames;	/* the stack, inlined frames expanded */
	size_t nframes;
	size_t site;			/* index of the site frame */
};

struct report {
	const struct dump *dump;	/* what the report is about */
	struct report_summary summary;
	struct report_entry *entries;	/* the list, sorted and cut */
	size_t count;
	uint64_t sites;			/* distinct stacks with live blocks */
	uint64_t dropped;		/* allocations the tracker missed */
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
