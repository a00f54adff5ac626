/* SPDX-License-Identifier: MIT */
/*
 * preload.c - the exported allocation functions that LD_PRELOAD puts in
 * front of libc's.  Thin wrappers only: decide, call, record.
 *
 * Each wrapper resolves the real function on first use (serving dlsym's
 * own allocations from the bootstrap pool meanwhile), calls it, and records
 * the result when the shim is on and this is not a nested call.  errno is
 * what the real function left: recording saves and restores it.  free
 * records before the real free (see track.c).  Pointers from the bootstrap
 * pool never reach libc.
 *
 * Not wrapped, because glibc routes them through these: reallocarray is
 * realloc with an overflow check (done here the same way); strdup, getline,
 * asprintf, open_memstream and C++ operator new call malloc or realloc
 * through the PLT and so land here with their own frame on the stack.
 */
#include <errno.h>
#include <malloc.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "boot.h"
#include "guard.h"
#include "real.h"
#include "sample.h"
#include "scan.h"
#include "shim.h"
#include "table.h"
#include "track.h"

static inline int lk_ready(void)
{
	return lk_likely(lk_real.malloc != NULL) || lk_real_resolve();
}

/* Inlined into each wrapper, so that the stack walk starts there. */
static inline __attribute__((always_inline)) void lk_note_alloc(void *p,
								size_t size)
{
	int e;

	/* When sampling, what did not come from the region is not tracked. */
	if (p && !lk_sampling && lk_tracking() && lk_guard_enter()) {
		lk_table_prefetch((uintptr_t)p);
		e = errno;
		lk_track_alloc(p, size, LK_CAPTURE());
		errno = e;
		lk_guard_leave();
	}
}

/*
 * Sampling mode, after the countdown crossed zero (the caller subtracted
 * the request): serves the request from the shim's region and records it
 * if the countdown picks it; NULL (then the caller asks the real
 * allocator) when it is not picked, or the region is full.  Inlined into
 * the wrappers' slow paths, so the stack walk starts there.
 */
static inline __attribute__((always_inline)) void *lk_sample_pick(
	size_t size, size_t counted, size_t align, int zero)
{
	void *p;
	int e;

	if (!lk_sample_begin(counted))
		return NULL;
	e = errno;
	p = lk_sample_alloc(size, align, zero, LK_CAPTURE());
	errno = e;
	lk_guard_leave();
	return p;
}

/* The same with the countdown first: for the wrappers without a fast path. */
static inline __attribute__((always_inline)) void *lk_maybe_sample(
	size_t size, size_t align, int zero)
{
	if (lk_likely(!lk_sample_due(size)))
		return NULL;
	return lk_sample_pick(size, size, align, zero);
}

/*
 * malloc, free, calloc and realloc are split in two.  The exported
 * function holds the fast path of sampling mode (a request the countdown
 * does not pick, the free of a block that was not sampled): a few
 * instructions, no stack frame, and a tail call into libc.  Everything
 * else is in an out-of-line slow path (LK_SLOW), reached by a tail call
 * too, so that the slow path's frame replaces the wrapper's and the stack
 * LK_CAPTURE walks there is the one it would walk in the wrapper (where a
 * compiler does not make it a tail call, lk_record drops both frames).
 * Inlined into the wrapper, the slow path made every call save and
 * restore six registers, a third of what sampling mode cost over a bare
 * forwarder.
 */
#define LK_SLOW static __attribute__((noinline))

LK_SLOW void *lk_malloc_slow(size_t size)
{
	void *p;

	if (!lk_ready())
		return lk_boot_alloc(size, 16);
	if (lk_sampling) {	/* the countdown crossed zero */
		p = lk_sample_pick(size, size, 16, 0);
		return p ? p : lk_real.malloc(size);
	}
	p = lk_real.malloc(size);
	lk_note_alloc(p, size);
	return p;
}

LK_EXPORT void *malloc(size_t size)
{
	if (lk_sampling && lk_likely(!lk_sample_due(size)))
		return lk_real.malloc(size);
	return lk_malloc_slow(size);
}

LK_SLOW void lk_free_slow(void *p)
{
	int e;

	if (!p || lk_boot_owns(p))
		return;
	if (lk_sampling) {
		if (!lk_sampled(p)) {
			lk_real.free(p);
			return;
		}
		/* A nested free (a signal handler that interrupted the
		 * shim) may not take the shim's locks: that block stays
		 * allocated. */
		if (lk_guard_enter()) {
			lk_sample_free(p);
			lk_guard_leave();
		}
		return;
	}
	if (lk_tracking() && lk_guard_enter()) {
		e = errno;
		lk_track_free(p);
		errno = e;
		lk_guard_leave();
	}
	if (lk_ready())
		lk_real.free(p);
}

LK_EXPORT void free(void *p)
{
	/* free(NULL) takes this path too: libc's free ignores it. */
	if (lk_sampling && lk_likely(!lk_sampled(p) && !lk_boot_owns(p))) {
		lk_real.free(p);
		return;
	}
	lk_free_slow(p);
}

LK_SLOW void *lk_calloc_slow(size_t n, size_t size)
{
	size_t total;
	void *p;

	if (!lk_ready())
		return __builtin_mul_overflow(n, size, &total) ?
		       (errno = ENOMEM, NULL) : lk_boot_alloc(total, 16);
	if (lk_sampling && !__builtin_mul_overflow(n, size, &total)) {
		p = lk_sample_pick(total, total, 16, 1);
		return p ? p : lk_real.calloc(n, size);
	}
	p = lk_real.calloc(n, size);
	if (p && !__builtin_mul_overflow(n, size, &total))
		lk_note_alloc(p, total);
	return p;
}

LK_EXPORT void *calloc(size_t n, size_t size)
{
	size_t total;

	/* An overflowing request is libc's to refuse. */
	if (lk_sampling && (__builtin_mul_overflow(n, size, &total) ||
			    lk_likely(!lk_sample_due(total))))
		return lk_real.calloc(n, size);
	return lk_calloc_slow(n, size);
}

/* realloc of a bootstrap block: move it to the real allocator. */
static void *lk_boot_realloc(void *p, size_t size)
{
	size_t old = lk_boot_size(p);
	void *q;

	if (!lk_ready())
		q = lk_boot_alloc(size, 16);
	else
		q = malloc(size);
	if (q)
		memcpy(q, p, old < size ? old : size);
	return q;
}

/*
 * realloc in sampling mode.  An unsampled block counts only the bytes it
 * grows by toward the next sample: a block grown step by step is then
 * sampled with the probability of one allocated at its final size (the
 * Poisson process over its bytes is the same), and growing buffers do not
 * draw a sample at every step.  When one lands in the growth, the block
 * moves into the region by copy (lk_realloc_pick).  A sampled block stays
 * sampled: it moves within the region (lk_realloc_sampled).
 */
LK_SLOW void *lk_realloc_pick(void *p, size_t size, size_t old)
{
	void *q = lk_sample_pick(size, size - old, 16, 0);

	if (!q)
		return lk_real.realloc(p, size);
	memcpy(q, p, old < size ? old : size);
	lk_real.free(p);
	return q;
}

static void *lk_realloc_sampled(void *p, size_t size, int n)
{
	size_t old = lk_sample_size(p);
	void *q;

	q = lk_sample_place(size, 16, 0, n);
	if (!q)
		q = lk_real.malloc(size);	/* region full: leave it */
	if (q) {
		memcpy(q, p, old < size ? old : size);
		lk_sample_free(p);
	}
	return q;
}

/* realloc of a block in the region, to size; p is not NULL. */
LK_SLOW void *lk_realloc_in_region(void *p, size_t size)
{
	void *q;
	int e;

	if (!size) {
		lk_free_slow(p);
		return NULL;
	}
	/* A nested call (a handler in the shim) leaves p as it is. */
	if (!lk_guard_enter()) {
		errno = ENOMEM;
		return NULL;
	}
	/* Most growth fits the slot (a power of two): no move, and no stack
	 * walk; the block keeps the stack it was sampled at. */
	if (lk_sample_resize(p, size)) {
		lk_guard_leave();
		return p;
	}
	e = errno;
	q = lk_realloc_sampled(p, size, LK_CAPTURE());
	if (q)
		errno = e;
	lk_guard_leave();
	return q;
}

LK_SLOW void *lk_realloc_slow(void *p, size_t size)
{
	void *q;

	if (!p)
		return malloc(size);
	if (lk_boot_owns(p))
		return lk_boot_realloc(p, size);
	if (!lk_ready())
		return NULL;	/* unreachable: p came from somewhere */
	if (lk_sampling)
		return lk_realloc_in_region(p, size);
	if (!lk_tracking() || !lk_guard_enter())
		return lk_real.realloc(p, size);
	q = lk_track_realloc(p, size, LK_CAPTURE());
	lk_guard_leave();
	return q;
}

/*
 * The usable size of p, a block of the real allocator, for the sampling
 * countdown of realloc and, when the block moves into the region, the
 * length to copy (all of it lies in the chunk).  With glibc's malloc it is
 * read from the chunk's size word (bit 1: a mapped chunk, with a 16-byte
 * header), as its malloc_usable_size does, without the call: a third of
 * what sampling added to a realloc.
 */
static inline size_t lk_usable(void *p)
{
	size_t word;

	if (lk_unlikely(lk_foreign_malloc))
		return lk_real.malloc_usable_size(p);
	word = ((const size_t *)p)[-1];
	return (word & ~(size_t)7) - (word & 2 ? 16 : 8);
}

LK_EXPORT void *realloc(void *p, size_t size)
{
	size_t old;

	if (lk_sampling && p && lk_likely(!lk_sampled(p) && !lk_boot_owns(p))) {
		old = lk_usable(p);
		if (size <= old || lk_likely(!lk_sample_due(size - old)))
			return lk_real.realloc(p, size);
		return lk_realloc_pick(p, size, old);
	}
	return lk_realloc_slow(p, size);
}

LK_EXPORT void *reallocarray(void *p, size_t n, size_t size)
{
	size_t total;

	if (__builtin_mul_overflow(n, size, &total)) {
		errno = ENOMEM;
		return NULL;
	}
	return realloc(p, total);
}

LK_EXPORT int posix_memalign(void **out, size_t align, size_t size)
{
	int r;

	if (!lk_ready()) {
		if (align < sizeof(void *) || (align & (align - 1)))
			return EINVAL;
		*out = lk_boot_alloc(size, align);
		return *out ? 0 : ENOMEM;
	}
	if (lk_unlikely(lk_sampling) && align <= 4096 &&
	    !(align & (align - 1)) && align >= sizeof(void *) &&
	    (*out = lk_maybe_sample(size, align, 0)))
		return 0;
	r = lk_real.posix_memalign(out, align, size);
	if (r == 0)
		lk_note_alloc(*out, size);
	return r;
}

LK_EXPORT void *aligned_alloc(size_t align, size_t size)
{
	void *p;

	if (!lk_ready())
		return lk_boot_alloc(size, align);
	if (lk_unlikely(lk_sampling) && align && align <= 4096 &&
	    !(align & (align - 1)) && (p = lk_maybe_sample(size, align, 0)))
		return p;
	p = lk_real.aligned_alloc(align, size);
	lk_note_alloc(p, size);
	return p;
}

LK_EXPORT void *memalign(size_t align, size_t size)
{
	void *p;

	if (!lk_ready())
		return lk_boot_alloc(size, align);
	if (lk_unlikely(lk_sampling) && align && align <= 4096 &&
	    !(align & (align - 1)) && (p = lk_maybe_sample(size, align, 0)))
		return p;
	p = lk_real.memalign(align, size);
	lk_note_alloc(p, size);
	return p;
}

LK_EXPORT void *valloc(size_t size)
{
	void *p;

	if (!lk_ready())
		return lk_boot_alloc(size, 4096);
	if (lk_unlikely(lk_sampling) && (p = lk_maybe_sample(size, 4096, 0)))
		return p;
	p = lk_real.valloc(size);
	lk_note_alloc(p, size);
	return p;
}

LK_EXPORT void *pvalloc(size_t size)
{
	void *p;

	if (!lk_ready())
		return lk_boot_alloc((size + 4095) & ~(size_t)4095, 4096);
	if (lk_unlikely(lk_sampling) &&
	    (p = lk_maybe_sample((size + 4095) & ~(size_t)4095, 4096, 0)))
		return p;
	p = lk_real.pvalloc(size);
	lk_note_alloc(p, (size + 4095) & ~(size_t)4095);
	return p;
}

LK_EXPORT size_t malloc_usable_size(void *p)
{
	if (!p)
		return 0;
	if (lk_boot_owns(p))
		return lk_boot_size(p);
	if (lk_unlikely(lk_sampling) && lk_sampled(p))
		return lk_sample_size(p);
	if (!lk_ready())
		return 0;
	return lk_real.malloc_usable_size(p);
}
