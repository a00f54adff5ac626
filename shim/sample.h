/* SPDX-License-Identifier: MIT */
/*
 * sample.h - sampling mode (`sample=N`): about one allocation per N bytes
 * allocated is tracked, and only those blocks live in memory the shim owns,
 * so that free() tells them from the rest with one range check.
 */
#ifndef LK_SAMPLE_H
#define LK_SAMPLE_H

#include <stddef.h>
#include <stdint.h>

#include "guard.h"

/* Non-zero when sampling: the wrappers test it first. */
extern int lk_sampling;

/* Bytes this thread may still allocate before the next sample; the
 * wrappers subtract every request from it.  A new thread starts far below
 * zero (LK_SAMPLE_UNSET): its first request draws a distance instead. */
extern __thread int64_t lk_sample_left __attribute__((tls_model("initial-exec")));
#define LK_SAMPLE_UNSET		(INT64_MIN / 4)

/* The shim's region for sampled blocks: [lk_region_lo, +lk_region_size). */
extern uintptr_t lk_region_lo, lk_region_size;

/* Sets sampling up (reserves the region); 0 if it cannot (then the shim
 * tracks every allocation instead, and says so). */
int lk_sample_init(uint64_t period);

/* True if p is a sampled block (lives in the region). */
static inline int lk_sampled(const void *p)
{
	return (uintptr_t)p - lk_region_lo < lk_region_size;
}

/* Counts size down; true when this request is to be sampled.  Inlined into
 * the wrappers: one thread-local subtraction and a branch. */
static inline int lk_sample_due(size_t size)
{
	lk_sample_left -= (int64_t)size;
	return lk_unlikely(lk_sample_left <= 0);
}

/* The countdown crossed zero: returns 1, with the guard held, if this
 * request is to be sampled now; 0 if not (nested in the shim, tracking off,
 * or a thread's first request, which only draws its first distance). */
int lk_sample_begin(size_t size);

/*
 * A sampled block of `size` bytes aligned to `align` (a power of two up to
 * 4096), from the region, zeroed if `zero`, recorded with the stack in
 * lk_pcbuf (n frames walked by the wrapper).  Draws the next sampling
 * distance.  NULL with errno ENOMEM when the region is full.
 */
void *lk_sample_alloc(size_t size, size_t align, int zero, int n);

/* The same without drawing a distance: for a sampled block that realloc
 * moves, which stays sampled. */
void *lk_sample_place(size_t size, size_t align, int zero, int n);

/* realloc of sampled block p to `size` within its slot: records the new
 * size (the block keeps its stack) and returns 1; 0 if it does not fit. */
int lk_sample_resize(void *p, size_t size);

/* Frees a sampled block (removes its record). */
void lk_sample_free(void *p);

/* The size a sampled block was allocated with. */
size_t lk_sample_size(const void *p);

/* Fork handlers. */
void lk_sample_lock_all(void);
void lk_sample_unlock_all(void);
void lk_sample_reset_child(void);

/* The weight of a sampled block of `size` bytes: 1 / P(sampled). */
double lk_sample_weight(uint64_t size);

#endif
