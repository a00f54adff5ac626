/* SPDX-License-Identifier: MIT */
/*
 * track.h - what happens on each allocation event.  Callers hold the
 * guard and have checked that the shim is tracking.
 *
 * The stack is walked by the exported wrapper itself (LK_CAPTURE, inlined
 * there), so that the only frame of the shim the walk passes through is the
 * wrapper's own: every frame libunwind walks costs about 10 ns, and the
 * shim asks for exactly the frames it keeps plus that one.
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
#define LK_CAPTURE() unw_backtrace((void **)lk_pcbuf, lk_capture_frames)

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
