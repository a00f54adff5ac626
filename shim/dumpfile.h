/* SPDX-License-Identifier: MIT */
/*
 * dumpfile.h - what goes into one dump file, and the writer.
 */
#ifndef LK_DUMPFILE_H
#define LK_DUMPFILE_H

#include <stdint.h>

#include "modmap.h"
#include "pq.h"
#include "scan.h"
#include "shim.h"

/* Everything one dump holds, gathered before the file is written. */
struct lk_dump_data {
	const char *reason;	/* LK_REASON_* */
	unsigned long seq;	/* %n */
	uint64_t pid, ppid;	/* of the program, even from the scan's child */
	struct lk_snap snap;	/* live blocks, classified or LK_CLASS_LIVE */
	int classified;		/* the scan ran */
	int scan_error;		/* errno that kept it from running, or 0 */
	struct lk_scan_stats scan;
	struct lk_pq_snapshot pq;
	struct lk_modmap mods;
};

/*
 * Writes d to path: under a temporary name in the same directory, created
 * exclusively, mode 0600, without following symlinks, then renamed into
 * place.  Fills *t.  Returns 0 or a negative errno.  Does not warn.
 */
int lk_dumpfile_write(const char *path, const struct lk_dump_data *d,
		      struct lk_dump_totals *t);

#endif
