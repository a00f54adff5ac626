/* SPDX-License-Identifier: MIT */
/*
 * age.h - `leakreport --older-than S`: keeps only what has lived longer
 * than S seconds, by filtering the parsed dump before the report is built,
 * so that the lists and the summary's sums follow the filter alike.
 *
 * Blocks are counted by age only at the thresholds of LK_AGE_THRESHOLDS
 * (the dump's a records), so a group keeps the blocks older than the
 * smallest threshold T >= S, and only if its oldest block is S old; past
 * the largest threshold, the groups whose oldest block is S old keep the
 * counts of the largest.  Connections carry their own age and are kept
 * one by one; results and cancel handles are kept whole when their
 * oldest is S old.
 */
#ifndef LK_REPORTER_AGE_H
#define LK_REPORTER_AGE_H

#include <stdbool.h>
#include <stdint.h>

#include "parse.h"
#include "util.h"

/* What --older-than asked for, and the threshold that serves it. */
struct age_cut {
	const char *arg;	/* S as written on the command line */
	uint64_t min_ms;	/* S in milliseconds, rounded up */
	uint64_t age_s;		/* the threshold whose a records count */
	bool exact;		/* S is that threshold */
};

/*
 * Read S, a non-negative number of seconds written with digits and at
 * most one decimal point ("400", "0.5"), into c; c keeps arg.  Returns 0,
 * or -EINVAL with a usage message in err.
 */
int age_cut_parse(struct age_cut *c, const char *arg, struct util_err *err);

/* Drop from d what has not lived longer than c says, as age.h explains. */
void age_cut_apply(struct dump *d, const struct age_cut *c);

#endif
