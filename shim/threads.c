/* SPDX-License-Identifier: MIT */
/*
 * threads.c - a registry of the program's threads, for the leak scan.
 *
 * The scan treats every writable mapping as a root, thread stacks
 * included.  That is right for live threads but wrong for the stacks glibc
 * keeps cached after a thread exits: their dead frames still hold pointers
 * and would hide leaks.  So pthread_create is wrapped: the new thread
 * starts in lk_thread_start, which notes an address on its own stack (a
 * marker) as live, and a cleanup handler marks it dead when the thread
 * returns, exits or is cancelled.  A stack mapping with only dead markers
 * is skipped; one with a live marker (a new thread on a cached stack) is
 * scanned.  The control thread marks its stack as the shim's own.
 *
 * Markers live in a fixed table; when it is full, the oldest dead ones are
 * forgotten first, and a thread that finds no slot is simply not
 * registered (its stack is then scanned, which is conservative).
 *
 * lk_threads_lock guards the table.
 */
#include <dlfcn.h>
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>

#include "arena.h"
#include "guard.h"
#include "lock.h"
#include "shim.h"
#include "threads.h"
#include "track.h"

#define LK_THREADS_MAX	4096

struct lk_marker {
	uintptr_t addr;			/* an address on the thread's stack */
	enum lk_stack_kind kind;	/* LIVE, DEAD or OURS; 0: free slot */
	uint64_t seq;			/* when it died, to forget the oldest */
};

static struct lk_lock lk_threads_lock = LK_LOCK_INIT;
static struct lk_marker lk_markers[LK_THREADS_MAX];
static uint64_t lk_deaths;
/* This thread's marker, so a forked child knows which one to keep. */
static __thread struct lk_marker *lk_my_marker
	__attribute__((tls_model("initial-exec")));

/* Takes a free slot, or the one of the oldest dead thread. */
static struct lk_marker *lk_slot_locked(void)
{
	struct lk_marker *best = NULL;
	int i;

	for (i = 0; i < LK_THREADS_MAX; i++) {
		if (lk_markers[i].kind == LK_STACK_UNKNOWN)
			return &lk_markers[i];
		if (lk_markers[i].kind == LK_STACK_DEAD &&
		    (!best || lk_markers[i].seq < best->seq))
			best = &lk_markers[i];
	}
	return best;
}

static struct lk_marker *lk_mark(uintptr_t addr, enum lk_stack_kind kind)
{
	struct lk_marker *m;

	lk_lock(&lk_threads_lock);
	m = lk_slot_locked();
	if (m) {
		m->addr = addr;
		m->kind = kind;
	}
	lk_unlock(&lk_threads_lock);
	return m;
}

void lk_threads_mark_ours(void)
{
	int here;

	lk_my_marker = lk_mark((uintptr_t)&here, LK_STACK_OURS);
}

enum lk_stack_kind lk_threads_kind(uintptr_t lo, uintptr_t hi,
				   uintptr_t *frames_top)
{
	enum lk_stack_kind k = LK_STACK_UNKNOWN;
	int i;

	*frames_top = lo;
	lk_lock(&lk_threads_lock);
	for (i = 0; i < LK_THREADS_MAX; i++) {
		if (lk_markers[i].kind == LK_STACK_UNKNOWN ||
		    lk_markers[i].addr < lo || lk_markers[i].addr >= hi)
			continue;
		/* Ours wins (the scan must never read its own frames),
		 * then live (a new thread on a cached stack), then dead. */
		if (lk_markers[i].kind == LK_STACK_OURS) {
			k = LK_STACK_OURS;
			break;
		}
		if (lk_markers[i].kind == LK_STACK_DEAD &&
		    lk_markers[i].addr > *frames_top)
			*frames_top = lk_markers[i].addr;
		if (k != LK_STACK_LIVE)
			k = lk_markers[i].kind;
	}
	lk_unlock(&lk_threads_lock);
	return k;
}

/* --- the wrapper --- */

struct lk_start_args {
	void *(*fn)(void *);
	void *arg;
};

static void lk_thread_gone(void *m)
{
	struct lk_marker *mk = m;

	lk_lock(&lk_threads_lock);
	mk->kind = LK_STACK_DEAD;
	mk->seq = ++lk_deaths;
	lk_unlock(&lk_threads_lock);
}

/* Notes where this thread's stack ends, for LK_CAPTURE's room check. */
static void lk_note_stack(void)
{
	pthread_attr_t attr;
	size_t size;
	void *lo;

	lk_in_shim = 1;		/* pthread_getattr_np allocates */
	if (!pthread_getattr_np(pthread_self(), &attr)) {
		if (!pthread_attr_getstack(&attr, &lo, &size))
			lk_stack_lo = (uintptr_t)lo;
		pthread_attr_destroy(&attr);
	}
	lk_in_shim = 0;
}

static void *lk_thread_start(void *p)
{
	struct lk_start_args a = *(struct lk_start_args *)p;
	struct lk_marker *m;
	void *r;

	lk_arena_free(p, sizeof(a));
	lk_note_stack();
	m = lk_mark((uintptr_t)&a, LK_STACK_LIVE);
	lk_my_marker = m;
	if (!m)
		return a.fn(a.arg);
	pthread_cleanup_push(lk_thread_gone, m);
	r = a.fn(a.arg);
	pthread_cleanup_pop(1);
	return r;
}

LK_EXPORT int pthread_create(pthread_t *t, const pthread_attr_t *attr,
			     void *(*fn)(void *), void *arg);

LK_EXPORT int pthread_create(pthread_t *t, const pthread_attr_t *attr,
			     void *(*fn)(void *), void *arg)
{
	static int (*real)(pthread_t *, const pthread_attr_t *,
			   void *(*)(void *), void *);
	struct lk_start_args *a;
	int r;

	int mine;

	if (!real) {
		mine = lk_guard_enter();	/* dlsym may allocate */
		real = (int (*)(pthread_t *, const pthread_attr_t *,
				void *(*)(void *), void *))
		       dlsym(RTLD_NEXT, "pthread_create");
		if (mine)
			lk_guard_leave();
		if (!real)
			return EAGAIN;
	}
	/* The shim's own thread is not registered as the program's.  The
	 * arguments come from the arena: not one of the program's
	 * allocations. */
	if (lk_state != LK_ON || lk_in_shim ||
	    !(a = lk_arena_alloc(sizeof(*a))))
		return real(t, attr, fn, arg);
	a->fn = fn;
	a->arg = arg;
	r = real(t, attr, lk_thread_start, a);
	if (r)
		lk_arena_free(a, sizeof(*a));
	return r;
}

/* --- fork --- */

void lk_threads_lock_all(void)
{
	lk_lock(&lk_threads_lock);
}

void lk_threads_unlock_all(void)
{
	lk_unlock(&lk_threads_lock);
}

void lk_threads_reset_locks(void)
{
	lk_lock_reset(&lk_threads_lock);
}

/* In a child of fork(), only the forking thread goes on: every other
 * thread's stack, the parent's control thread's included, is now a dead
 * copy.  (The leak scan's own child, made without fork(), keeps them: it
 * scans the frozen image of a live process.) */
void lk_threads_reset_child(void)
{
	int i;

	lk_lock_reset(&lk_threads_lock);
	for (i = 0; i < LK_THREADS_MAX; i++)
		if (&lk_markers[i] != lk_my_marker &&
		    (lk_markers[i].kind == LK_STACK_LIVE ||
		     lk_markers[i].kind == LK_STACK_OURS))
			lk_markers[i].kind = LK_STACK_DEAD;
}
