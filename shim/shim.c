/* SPDX-License-Identifier: MIT */
/*
 * shim.c - the shim's life: initialization on the first call, the
 * constructor that starts the control thread, fork handling, and the final
 * dump at exit.
 *
 * Initialization itself is lazy (lk_start, in state.c): the loader and
 * other libraries' constructors allocate before ours runs, and those
 * blocks are tracked too.  Threads, signal handlers and fork handlers wait
 * for the constructor.
 *
 * Fork: the prepare handler takes every shim lock (stack depot, table
 * shards, arena) so the child inherits consistent tables; parent and child
 * release them.  The child keeps tracking: its blocks (including those it
 * inherited) go to dumps named with its own pid, numbered from 1, written
 * by a control thread of its own.  exec replaces the image; the new one
 * loads the shim again if LD_PRELOAD is still in its environment.
 */
#include <dlfcn.h>
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "arena.h"
#include "dumpfmt.h"
#include "modmap.h"
#include "out.h"
#include "pq.h"
#include "sample.h"
#include "scan.h"
#include "shim.h"
#include "threads.h"
#include "stack.h"
#include "table.h"

static int lk_final_done;	/* the final dump was taken */

/* --- fork --- */

static void lk_fork_prepare(void)
{
	lk_in_shim++;
	lk_sample_lock_all();
	lk_pq_lock_all();
	lk_stack_lock_all();
	lk_table_lock_all();
	lk_arena_lock_all();
	lk_threads_lock_all();
	lk_modmap_lock_all();
}

static void lk_fork_parent(void)
{
	lk_modmap_unlock_all();
	lk_threads_unlock_all();
	lk_arena_unlock_all();
	lk_table_unlock_all();
	lk_stack_unlock_all();
	lk_pq_unlock_all();
	lk_sample_unlock_all();
	lk_in_shim--;
}

static void lk_fork_child(void)
{
	lk_arena_reset_child();
	lk_table_reset_child();
	lk_stack_reset_child();
	lk_pq_reset_child();
	lk_sample_reset_child();
	lk_threads_reset_child();
	lk_dump_reset_child();
	lk_metrics_reset_child();
	lk_modmap_reset_child();
	lk_term_signal = 0;
	if (lk_state == LK_ON)
		lk_ctl_restart_child();
	lk_in_shim--;
}

/* --- start and end --- */

__attribute__((constructor)) static void lk_ctor(void)
{
	int mine = lk_guard_enter();

	if (lk_state == LK_INIT)
		lk_start();
	if (lk_state == LK_ON) {
		pthread_atfork(lk_fork_prepare, lk_fork_parent,
			       lk_fork_child);
		lk_ctl_start();
	}
	if (mine)
		lk_guard_leave();
}

static void lk_summary(const struct lk_dump_totals *t, const char *when)
{
	const char *path = lk_dump_last();

	if (!lk_cfg.summary || !path)
		return;
	lk_warn("%llu bytes in %llu blocks live %s, from %llu site%s; "
		"dump: %s", (unsigned long long)t->bytes,
		(unsigned long long)t->blocks, when,
		(unsigned long long)t->sites, t->sites == 1 ? "" : "s", path);
}

/*
 * noinline: the scan covers this thread's stack from this frame up, so
 * everything the dump itself puts on the stack (deeper frames) stays out.
 *
 * This thread's registers are not scanned.  It is inside exit(): what its
 * registers still hold is left over from code that has returned (main's
 * last values, typically), while the values of frames that are still live
 * were saved on the stack above this frame by the exit path, which uses
 * those registers.  Scanning them kept leaks hidden that valgrind reports
 * (tar, docs/valgrind.md).
 */
__attribute__((noinline)) void lk_final_dump(int at_exit)
{
	struct lk_scan_self self;
	struct lk_dump_totals t;
	int r;

	if (__atomic_exchange_n(&lk_final_done, 1, __ATOMIC_ACQ_REL))
		return;
	if (lk_state != LK_ON)
		return;
	self.sp = (uintptr_t)__builtin_frame_address(0);
	r = lk_dump_final(&self, &t);
	lk_metrics_tick(1);
	__atomic_store_n(&lk_state, LK_OFF, __ATOMIC_RELEASE);
	if (r)
		return;
	lk_summary(&t, at_exit ? "at exit" : "when the signal came");
	if (at_exit && lk_cfg.exitcode && lk_verdict_leaks(&t, lk_dump_last()))
		_exit(lk_cfg.exitcode);
}

__attribute__((destructor)) static void lk_dtor(void)
{
	int mine = lk_guard_enter();

	lk_final_dump(1);
	if (mine)
		lk_guard_leave();
}
