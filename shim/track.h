/* SPDX-License-Identifier: MIT */
/*
 * track.h - what happens on each allocation event.  Callers hold the
 * guard and have checked that the shim is tracking.
 *
 * The stack is walked by the exported wrapper itself, or by the slow path
 * it tail-calls, whose frame replaces the wrapper's (LK_CAPTURE, inlined
 * there), so that the walk passes through one frame of the shim: every
 * frame libunwind walks costs about 10 ns, and the shim asks for exactly
 * the frames it keeps plus that one.  (Where a compiler makes no tail
 * call, lk_record drops both, and the stack keeps one frame less.)
 */
#ifndef LK_TRACK_H
#define LK_TRACK_H

#include <stddef.h>
#include <stdint.h>

#define UNW_LOCAL_ONLY
#include <libunwind.h>

#include "stack.h"

/* This thread's capture buffer.  Thread-local rather than on the stack: it
 * is 2 KiB, and threads with small stacks (16 KiB is legal) allocate too;
 * the guard keeps a signal handler's nested malloc from touching it. */
extern __thread uintptr_t lk_pcbuf[LK_STACK_CAPTURE]
	__attribute__((tls_model("initial-exec")));

/* Frames to ask unw_backtrace for: `depth`, plus the wrapper's own. */
extern int lk_capture_frames;

/* Walks the caller's stack into lk_pcbuf; returns the frame count. */
/*
 * The low end of this thread's stack (threads the program started while
 * the shim was on; 0 for others).  Walking the stack needs about 5 KiB of
 * stack itself; with less than LK_UNWIND_ROOM left below the wrapper (a
 * thread made with PTHREAD_STACK_MIN, deep in recursion) only the caller's
 * address is kept, which still names the line.  Stacks the shim does not
 * know (coroutines, sigaltstack) are walked as usual.
 */
extern __thread uintptr_t lk_stack_lo __attribute__((tls_model("initial-exec")));
#define LK_UNWIND_ROOM	(8u << 10)

#define LK_CAPTURE() \
	(lk_likely((uintptr_t)__builtin_frame_address(0) - lk_stack_lo >= \
		   LK_UNWIND_ROOM) ? \
	 unw_backtrace((void **)lk_pcbuf, lk_capture_frames) : \
	 lk_capture_caller(__builtin_return_address(0)))

/* The short stack of LK_CAPTURE: the caller only; returns 1. */
int lk_capture_caller(void *ret);

/* A block p of `size` bytes was just allocated; lk_pcbuf holds the n
 * frames LK_CAPTURE walked. */
void lk_track_alloc(void *p, size_t size, int n);

/* p is about to be freed (called before the real free, so that another
 * thread cannot receive p from malloc and record it first). */
void lk_track_free(void *p);

/* realloc(p, size) for a p that is not NULL, after LK_CAPTURE gave n
 * frames: records the move around the real call, and returns what the real
 * realloc returned, with its errno. */
void *lk_track_realloc(void *p, size_t size, int n);

#endif
