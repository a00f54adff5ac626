/* SPDX-License-Identifier: MIT */
/*
 * guard.h - the per-thread recursion flag.
 *
 * Everything the shim does on behalf of a wrapped call (stack capture,
 * table updates, writing a dump) runs with this flag set.  A malloc or free
 * that arrives while it is set comes from the shim itself (libunwind, the
 * loader, libc functions the shim calls) or from a signal handler that
 * interrupted the shim: either way it is passed straight to libc untracked,
 * so the shim never recurses and never waits on a lock its own thread holds.
 *
 * The variable uses the initial-exec TLS model so that touching it never
 * calls into the dynamic loader (which may allocate); this is safe because
 * the shim is loaded at startup with LD_PRELOAD.
 */
#ifndef LK_GUARD_H
#define LK_GUARD_H

#define lk_likely(x)	__builtin_expect(!!(x), 1)
#define lk_unlikely(x)	__builtin_expect(!!(x), 0)
#define LK_HIDDEN	__attribute__((visibility("hidden")))
#define LK_EXPORT	__attribute__((visibility("default")))

/* Non-zero while this thread runs shim code. */
extern __thread int lk_in_shim __attribute__((tls_model("initial-exec")));

/* Sets the flag; returns 0 if it was already set (a nested call). */
static inline int lk_guard_enter(void)
{
	if (lk_in_shim)
		return 0;
	lk_in_shim = 1;
	return 1;
}

static inline void lk_guard_leave(void)
{
	lk_in_shim = 0;
}

#endif
