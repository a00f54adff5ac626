/* SPDX-License-Identifier: MIT */
/*
 * lock.h - a small spin lock for the shim's short critical sections.
 *
 * The shim's locks are held for a hash-table probe or a pointer bump, never
 * across a system call that can block for long, so a test-and-test-and-set
 * lock beats a mutex on the malloc path.  A waiter spins briefly, then
 * yields the CPU, so that a holder preempted on a busy machine still gets to
 * run.  The lock is a plain int, so a forked child can reset it (see the
 * fork handlers in shim.c).
 */
#ifndef LK_LOCK_H
#define LK_LOCK_H

#include <sched.h>

#if defined(__x86_64__) || defined(__i386__)
#define lk_cpu_relax()	__builtin_ia32_pause()
#else
#define lk_cpu_relax()	__asm__ __volatile__("" ::: "memory")
#endif

struct lk_lock {
	int held;		/* 1 while some thread owns the lock */
};

#define LK_LOCK_INIT	{ 0 }

static inline void lk_lock(struct lk_lock *l)
{
	int spins = 0;

	while (__atomic_exchange_n(&l->held, 1, __ATOMIC_ACQUIRE)) {
		while (__atomic_load_n(&l->held, __ATOMIC_RELAXED)) {
			if (++spins < 64)
				lk_cpu_relax();
			else
				sched_yield();
		}
	}
}

static inline void lk_unlock(struct lk_lock *l)
{
	__atomic_store_n(&l->held, 0, __ATOMIC_RELEASE);
}

/* For a forked child, where the owner no longer exists. */
static inline void lk_lock_reset(struct lk_lock *l)
{
	__atomic_store_n(&l->held, 0, __ATOMIC_RELAXED);
}

#endif
