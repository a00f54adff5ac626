/* SPDX-License-Identifier: MIT */
/*
 * state.c - the shim's global state, its clocks, and its lazy start.
 *
 * lk_start runs on the first tracked call, which may come from the loader
 * or another library's constructor before ours: it only does what is safe
 * that early (read the environment, map the first table arrays).  This is
 * kept apart from shim.c and ctl.c (constructor, destructor, control
 * thread) so that unit tests can link the tables, the libpq tracking and
 * the dump writer without them.
 */
#include <errno.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "arena.h"
#include "modmap.h"
#include "out.h"
#include "real.h"
#include "shim.h"
#include "stack.h"
#include "sample.h"
#include "scan.h"
#include "table.h"
#include "track.h"

int lk_state = LK_INIT;
struct lk_config lk_cfg;
uint64_t lk_start_ms;
uint32_t lk_now;
int lk_term_signal;

__thread int lk_in_shim __attribute__((tls_model("initial-exec")));

/* 0 before lk_start, 1 while one thread runs it, 2 after. */
static int lk_start_once;

uint64_t lk_mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

uint64_t lk_wall_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* --- start --- */

void lk_die(const char *why)
{
	if (__atomic_exchange_n(&lk_state, LK_DEAD, __ATOMIC_ACQ_REL) !=
	    LK_DEAD)
		lk_warn("%s; tracking stopped, the program goes on", why);
}

/* Whether the real malloc lies outside libc (scan.h, lk_foreign_malloc);
 * after lk_libc_lo and lk_libc_hi are known. */
static void lk_note_allocator(void)
{
	uintptr_t m;

	if (!lk_real_resolve() || !lk_libc_hi)
		return;
	m = (uintptr_t)lk_real.malloc;
	/* Not a line on stderr (a service's log): each dump says it. */
	lk_foreign_malloc = m < lk_libc_lo || m >= lk_libc_hi;
}

static int lk_init_locked(void)
{
	/* secure_getenv: a set-user-ID or set-group-ID program never takes
	 * its options (nor a dump path) from its caller's environment. */
	const char *env = secure_getenv("LEAKSHIM_OPTIONS");
	char err[256];
	uintptr_t lo, hi;

	lk_err_remember();
	lk_config_defaults(&lk_cfg);
	if (env && lk_config_parse(&lk_cfg, env, err, sizeof(err))) {
		lk_warn("%s in LEAKSHIM_OPTIONS; not tracking", err);
		return LK_OFF;
	}
	if (!getcwd(lk_cwd, PATH_MAX))
		lk_cwd[0] = 0;
	lk_format(lk_progname, LK_PROGNAME_MAX, "%s",
		  program_invocation_short_name);
	lk_start_ms = lk_mono_ms();
	/* getpid is libc's own: its module is libc (scan.c). */
	lk_modmap_range((uintptr_t)&getpid, &lk_libc_lo, &lk_libc_hi);
	lk_note_allocator();
	if (!lk_modmap_range((uintptr_t)&lk_init_locked, &lo, &hi))
		lo = hi = 0;
	lk_arena_set_limit((size_t)lk_cfg.memory_limit << 20);
	lk_stack_init(lk_cfg.depth, lo, hi);
	lk_capture_frames = (int)lk_cfg.depth + 1;
	if (!lk_table_init()) {
		lk_warn("out of memory for the tables; not tracking");
		return LK_DEAD;
	}
	if (lk_cfg.sample && !lk_sample_init(lk_cfg.sample)) {
		lk_warn("cannot reserve the region for sampled blocks; "
			"tracking every allocation instead");
		lk_cfg.sample = 0;
	}
	return LK_ON;
}

int lk_start(void)
{
	int expect = 0;

	if (!__atomic_compare_exchange_n(&lk_start_once, &expect, 1, 0,
					 __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
		return __atomic_load_n(&lk_state, __ATOMIC_ACQUIRE) == LK_ON;
	__atomic_store_n(&lk_state, lk_init_locked(), __ATOMIC_RELEASE);
	__atomic_store_n(&lk_start_once, 2, __ATOMIC_RELEASE);
	return lk_state == LK_ON;
}
