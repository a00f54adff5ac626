/* SPDX-License-Identifier: MIT */
/*
 * threads.h - which thread stacks belong to live threads of the program.
 */
#ifndef LK_THREADS_H
#define LK_THREADS_H

#include <stddef.h>
#include <stdint.h>

/* What the scan should do with a stack mapping. */
enum lk_stack_kind {
	LK_STACK_UNKNOWN,	/* no thread we know of: scan it */
	LK_STACK_LIVE,		/* a live program thread: scan it */
	LK_STACK_DEAD,		/* cached stack of an exited thread: skip
				 * its frames, scan its thread block */
	LK_STACK_OURS,		/* the shim's control thread: skip */
};

/* The kind of the mapping [lo, hi).  For a dead thread's stack,
 * *frames_top is where its dead frames end: above it, glibc keeps the
 * thread's descriptor and static TLS (and, for a cached stack, the DTV it
 * will hand to the next thread), which stay roots. */
enum lk_stack_kind lk_threads_kind(uintptr_t lo, uintptr_t hi,
				   uintptr_t *frames_top);

/* Registers the calling thread as the shim's own (its stack holds no
 * program data). */
void lk_threads_mark_ours(void);

/* Fork handlers. */
void lk_threads_lock_all(void);
void lk_threads_unlock_all(void);
void lk_threads_reset_child(void);
/* Only the lock: for the scan's own child, which keeps every marker. */
void lk_threads_reset_locks(void);

#endif
