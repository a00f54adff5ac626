/* SPDX-License-Identifier: MIT */
/*
 * shim.h - the shim's global state: whether it tracks, its options, its
 * clock, and the entry points that shim.c and ctl.c offer the rest.
 */
#ifndef LK_SHIM_H
#define LK_SHIM_H

#include <stdint.h>

#include "config.h"
#include "guard.h"

/*
 * The state machine.  LK_INIT until the first call initializes the shim;
 * then LK_ON (tracking) or LK_OFF (passing every call through: bad
 * options, or after the final dump).  LK_DEAD is LK_OFF after an internal
 * failure.  Wrappers only ever test for LK_ON.
 */
enum lk_state { LK_INIT, LK_ON, LK_OFF, LK_DEAD };

extern int lk_state;
extern struct lk_config lk_cfg;

/* Seconds since the shim started, advanced by the control thread: the
 * malloc path reads it instead of calling a clock. */
extern uint32_t lk_now;

/* Initializes the shim on the first tracked call; returns 1 if tracking.
 * Called with the guard held. */
int lk_start(void);

/* True when the calling wrapper should record.  One load and one branch
 * in the common case. */
static inline int lk_tracking(void)
{
	return lk_likely(lk_state == LK_ON) ||
	       (lk_state == LK_INIT && lk_start());
}

/* Stops tracking after an internal failure, with one line on stderr. */
void lk_die(const char *why);

/* Milliseconds of CLOCK_MONOTONIC and of the wall clock. */
uint64_t lk_mono_ms(void);
uint64_t lk_wall_ms(void);
/* Monotonic time the shim started at, for uptime. */
extern uint64_t lk_start_ms;

/* --- ctl.c: the control thread and the signals it answers --- */

/* Starts the control thread and installs the signal handlers; 0 on
 * failure (the shim then tracks but only dumps at exit). */
int lk_ctl_start(void);
/* In a forked child: a fresh pipe and thread. */
void lk_ctl_restart_child(void);
/* Signal that ended the process through the shim's handler, or 0. */
extern int lk_term_signal;

/* --- dump.c --- */

/* What a dump held. */
struct lk_dump_totals {
	uint64_t blocks;	/* live blocks */
	uint64_t bytes;		/* their bytes */
	uint64_t sites;		/* distinct stacks they came from */
	uint64_t leaked;	/* blocks classified direct or indirect */
};

struct lk_scan_self;

/* An unclassified dump, written from this thread; reason is an
 * LK_REASON_*.  Returns 0 or -errno, and warns once on failure.  Dumps
 * are serialized.  `totals`, if not NULL, receives what the dump held. */
int lk_dump(const char *reason, struct lk_dump_totals *totals);

/* The exit dump: classified in the process, the caller's stack scanned
 * from self->sp up. */
int lk_dump_final(const struct lk_scan_self *self,
		  struct lk_dump_totals *totals);

/* A classified dump of the running program, written by a child that
 * holds a frozen copy of it (falls back to lk_dump if no child can be
 * made).  Called by the control thread. */
int lk_dump_live(const char *reason);

/* The final dump, once per process: at exit (at_exit 1) or on a fatal
 * signal.  Stops tracking, prints the summary line, and at exit applies
 * `exitcode`. */
void lk_final_dump(int at_exit);

/* verdict.c: whether the exit dump holds leaks that count for
 * `exitcode`, suppressions applied. */
int lk_verdict_leaks(const struct lk_dump_totals *t, const char *dump);

/* In a forked child: the dump lock released, numbering from 1 again. */
void lk_dump_reset_child(void);
/* Path of the last dump written, or NULL. */
const char *lk_dump_last(void);
/* Working directory at start: relative dump paths are taken from it. */
extern char lk_cwd[];
/* The program's short name at start.  Services (nginx, PostgreSQL)
 * rewrite their argv[0] into a process title, and
 * program_invocation_short_name points into it. */
#define LK_PROGNAME_MAX 256
extern char lk_progname[];

/* Expands %p %n %t %e %% of a file pattern (dump or metrics), relative
 * to lk_cwd; 0 or -ENAMETOOLONG. */
int lk_expand_path(const char *pattern, unsigned long seq, char *dst,
		   size_t size);

/* Dumps written so far. */
extern uint64_t lk_dumps_written;

/* metrics.c: rewrites the metrics file when it is due (or now, if
 * force); the control thread calls it every tick. */
void lk_metrics_tick(int force);
void lk_metrics_reset_child(void);

#endif
