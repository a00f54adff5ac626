/* SPDX-License-Identifier: MIT */
/*
 * diff.h - `leakreport diff OLD NEW`: the sites (sites.h) whose memory,
 * connections or results grew from one dump to another, and its text and
 * JSON ("leakshim-diff", version 1) writers.
 *
 * An entry is one resource of one site.  Memory grew when its bytes or its
 * blocks grew; with --all, every entry that changed is listed, shrinking
 * ones with negative deltas.  Memory entries come first, by bytes gained
 * (then blocks gained), then connections, then results, each by what they
 * gained.  The summary is the change of the totals over each whole dump:
 * live bytes, C records, results not cleared.
 */
#ifndef LK_REPORTER_DIFF_H
#define LK_REPORTER_DIFF_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "sites.h"

/* The format version of the JSON diff. */
#define DIFF_JSON_VERSION	1

/* One resource of one site that changed. */
struct diff_entry {
	const struct site *site;
	enum site_res res;
	uint64_t before, after;		/* in OLD and in NEW */
	int64_t delta;			/* after - before, saturated */
	uint64_t blocks_before, blocks_after;	/* memory only */
	int64_t delta_blocks;
};

struct diff {
	const struct sites *s;		/* dumps: OLD is 0, NEW is 1 */
	struct diff_entry *list;	/* sorted as diff.h says */
	size_t count;
	bool all;			/* --all: shrinking entries too */
	int64_t total[SITE_NRES];	/* change of the dumps' totals */
};

/* Build the diff of the two dumps of s into df (zeroed by the call). */
int diff_build(struct diff *df, const struct sites *s, bool all,
	       struct util_err *err);

void diff_free(struct diff *df);

/* Write df for people; addresses false leaves pcs and offsets out. */
int diff_write_text(FILE *out, const struct diff *df, bool addresses);

/* Write df as one JSON object. */
int diff_write_json(FILE *out, const struct diff *df);

#endif
