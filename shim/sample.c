/* SPDX-License-Identifier: MIT */
/*
 * sample.c - sampling mode: which allocations are tracked, and the memory
 * they live in.
 *
 * Which: a Poisson process over allocated bytes, as in tcmalloc and
 * jemalloc.  Each thread counts down an exponentially distributed number
 * of bytes (mean `sample`); the allocation that crosses zero is sampled, so
 * a block of s bytes is sampled with probability 1 - exp(-s/N), whatever
 * the sizes around it.  Its weight, 1 / that probability, makes the
 * estimates in a dump unbiased (dumpfile.c).
 *
 * Where: unsampled blocks are the program's allocator's, untouched and
 * unrecorded, so free() must tell a sampled block without a lookup.  So
 * sampled blocks live in a region the shim reserves (up to 64 GiB of
 * address space, less where the address space is limited; PROT_NONE until
 * used), and free() compares the pointer with the
 * region's bounds: one subtraction and a compare.  Its lower half holds
 * blocks of up to 2 KiB in power-of-two size classes carved from 64 KiB
 * slabs, with free lists (a class's blocks are aligned to its size); its
 * upper half holds page runs for the rest, in power-of-two page counts
 * with a free list each: freed runs keep their pages up to 16 MiB in all
 * (reused with no system call), beyond that they are handed back with
 * MADV_DONTNEED.  A block's size is its record's in the table; its
 * half says which kind it is.
 *
 * lk_sheap.lock guards the allocator; it is taken only for sampled blocks.
 */
#include <errno.h>
#include <math.h>
#include <string.h>
#include <sys/mman.h>

#include "arena.h"
#include "lock.h"
#include "pq.h"
#include "sample.h"
#include "shim.h"
#include "table.h"
#include "track.h"

/* The region's size: address space only (PROT_NONE, no reserve); smaller
 * ones are tried where the address space is limited (RLIMIT_AS, valgrind). */
#define LK_REGION_MAX	((uintptr_t)64 << 30)
#define LK_REGION_MIN	((uintptr_t)1 << 30)
#define LK_PAGE		4096
#define LK_SLAB		(64 * 1024)
#define LK_CLASS_MIN	4	/* 16 bytes */
#define LK_CLASS_MAX	11	/* 2 KiB */
#define LK_NCLASSES	(LK_CLASS_MAX - LK_CLASS_MIN + 1)

int lk_sampling;
__thread int64_t lk_sample_left __attribute__((tls_model("initial-exec"))) =
	LK_SAMPLE_UNSET;
uintptr_t lk_region_lo, lk_region_size;

static uint64_t lk_period;
static __thread uint64_t lk_rng __attribute__((tls_model("initial-exec")));

struct lk_slot_free {
	struct lk_slot_free *next;
};

/* A free page run, its record kept in the arena. */
struct lk_run {
	struct lk_run *next;
	uintptr_t start;
	int dirty;			/* pages still hold old contents */
};

/* Page runs come in power-of-two page counts, one free list each. */
#define LK_RUN_CLASSES	40
/* Freed runs keep their pages, up to this many bytes in all; past it
 * they go back to the kernel (MADV_DONTNEED).  Reusing a warm run costs
 * no system call and no page fault. */
#define LK_RUN_RETAIN	((size_t)16 << 20)

static struct {
	struct lk_lock lock;
	uintptr_t bump;			/* next slab page never used */
	uintptr_t run_bump;		/* next run page never used */
	struct lk_slot_free *free[LK_NCLASSES];
	uintptr_t cur[LK_NCLASSES], end[LK_NCLASSES];	/* current slabs */
	struct lk_run *runs[LK_RUN_CLASSES];	/* free runs by class */
	size_t retained;		/* bytes of dirty free runs */
} lk_sheap = { .lock = LK_LOCK_INIT };

int lk_sample_init(uint64_t period)
{
	uintptr_t size;
	void *p = MAP_FAILED;

	for (size = LK_REGION_MAX; p == MAP_FAILED; size /= 2) {
		if (size < LK_REGION_MIN)
			return 0;
		p = mmap(NULL, size, PROT_NONE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	}
	lk_region_lo = (uintptr_t)p;
	lk_region_size = size;
	lk_sheap.bump = lk_region_lo;
	lk_sheap.run_bump = lk_region_lo + lk_region_size / 2;
	lk_period = period;
	lk_sampling = 1;
	return 1;
}

/* --- the sampling distance --- */

static double lk_uniform(void)
{
	uint64_t x = lk_rng;

	if (!x)
		x = ((uint64_t)(uintptr_t)&lk_rng * 0x9e3779b97f4a7c15ull) ^
		    lk_mono_ms() ^ 0x2545f4914f6cdd1dull;
	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	lk_rng = x;
	return ((double)(x >> 11) + 1.0) / 9007199254740993.0;	/* (0, 1] */
}

static void lk_draw(void)
{
	double d = -log(lk_uniform()) * (double)lk_period;

	lk_sample_left = d < 1 ? 1 : d > 9e18 ? (int64_t)9e18 : (int64_t)d;
}

int lk_sample_begin(size_t size)
{
	if (lk_state != LK_ON || !lk_guard_enter())
		return 0;
	if (lk_sample_left < LK_SAMPLE_UNSET / 2) {
		lk_draw();
		lk_sample_left -= (int64_t)size;
		if (lk_sample_left > 0) {
			lk_guard_leave();
			return 0;
		}
	}
	return 1;
}

double lk_sample_weight(uint64_t size)
{
	double p = -expm1(-(double)size / (double)lk_period);

	return p > 0 ? 1.0 / p : 1.0;
}

/* --- the region --- */

/* Makes [start, start + size) usable; 0 on failure. */
static int lk_commit(uintptr_t start, size_t size)
{
	return mprotect((void *)start, size, PROT_READ | PROT_WRITE) == 0;
}

/* Fresh pages from one half of the region: *bump moves up to `limit`. */
static uintptr_t lk_bump_locked(uintptr_t *bump, uintptr_t limit,
				size_t size)
{
	uintptr_t p = *bump;

	if (size > limit - p || !lk_commit(p, size))
		return 0;
	*bump += size;
	return p;
}

static int lk_is_run(uintptr_t p)
{
	return p >= lk_region_lo + lk_region_size / 2;
}

static int lk_class_of(size_t size)
{
	int c = LK_CLASS_MIN;

	while (((size_t)1 << c) < size)
		c++;
	return c - LK_CLASS_MIN;
}

static uintptr_t lk_small_locked(int c, int *fresh)
{
	size_t size = (size_t)1 << (c + LK_CLASS_MIN);
	struct lk_slot_free *f = lk_sheap.free[c];
	uintptr_t p;

	if (f) {
		lk_sheap.free[c] = f->next;
		*fresh = 0;
		return (uintptr_t)f;
	}
	if (lk_sheap.cur[c] + size > lk_sheap.end[c]) {
		p = lk_bump_locked(&lk_sheap.bump,
				   lk_region_lo + lk_region_size / 2, LK_SLAB);
		if (!p)
			return 0;
		lk_sheap.cur[c] = p;
		lk_sheap.end[c] = p + LK_SLAB;
	}
	p = lk_sheap.cur[c];
	lk_sheap.cur[c] += size;
	*fresh = 1;
	return p;
}

/* The class of a run of `pages` pages: 2^class pages. */
static int lk_run_class(size_t pages)
{
	int c = 0;

	while (((size_t)1 << c) < pages)
		c++;
	return c;
}

/* The class of the run that holds a block of `size` bytes (more than
 * LK_CLASS_MAX, less than the region). */
static int lk_run_class_of(size_t size)
{
	return lk_run_class((size + LK_PAGE - 1) / LK_PAGE);
}

/* A run of class c: a free one, else fresh pages (zero).  *fresh says
 * whether it holds only zeros. */
static uintptr_t lk_pages_locked(int c, int *fresh)
{
	struct lk_run *run = lk_sheap.runs[c];
	size_t bytes = ((size_t)1 << c) * LK_PAGE;
	uintptr_t p;

	if (run) {
		lk_sheap.runs[c] = run->next;
		p = run->start;
		*fresh = !run->dirty;
		if (run->dirty)
			lk_sheap.retained -= bytes;
		lk_arena_free(run, sizeof(*run));
		return p;
	}
	*fresh = 1;
	return lk_bump_locked(&lk_sheap.run_bump, lk_region_lo + lk_region_size,
			      bytes);
}

void *lk_sample_alloc(size_t size, size_t align, int zero, int n)
{
	lk_draw();
	return lk_sample_place(size, align, zero, n);
}

void *lk_sample_place(size_t size, size_t align, int zero, int n)
{
	size_t need = size > align ? size : align;
	uintptr_t p;
	int fresh = 1, c;

	if (need > lk_region_size / 2) {	/* (and no overflow below) */
		errno = ENOMEM;
		return NULL;
	}
	lk_lock(&lk_sheap.lock);
	if (need <= ((size_t)1 << LK_CLASS_MAX)) {
		p = lk_small_locked(lk_class_of(need ? need : 1), &fresh);
	} else {
		c = lk_run_class_of(need);
		p = c < LK_RUN_CLASSES ? lk_pages_locked(c, &fresh) : 0;
	}
	lk_unlock(&lk_sheap.lock);
	if (!p) {
		errno = ENOMEM;
		return NULL;
	}
	if (zero && !fresh)
		memset((void *)p, 0, size);
	lk_track_alloc((void *)p, size, n);
	return (void *)p;
}

size_t lk_sample_size(const void *p)
{
	struct lk_block b;

	return lk_table_find((uintptr_t)p, &b) ? b.size : 0;
}

void lk_sample_free(void *p)
{
	struct lk_slot_free *f = p;
	struct lk_block b;
	struct lk_run *run;
	size_t bytes;
	int c;

	if (!lk_table_del((uintptr_t)p, &b))
		return;		/* not a block we handed out: leave it */
	if (b.resource)
		lk_pq_freed(p);
	if (!lk_is_run((uintptr_t)p)) {
		/* The class of its size: an aligned block may have come from
		 * a larger class, and serves this one as well. */
		c = lk_class_of(b.size ? b.size : 1);
		lk_lock(&lk_sheap.lock);
		f->next = lk_sheap.free[c];
		lk_sheap.free[c] = f;
		lk_unlock(&lk_sheap.lock);
		return;
	}
	/* Its class as lk_sample_place chose it (lk_sample_resize keeps
	 * a size of the same class). */
	c = lk_run_class_of(b.size);
	bytes = ((size_t)1 << c) * LK_PAGE;
	run = lk_arena_alloc(sizeof(*run));
	if (!run) {
		madvise(p, bytes, MADV_DONTNEED);
		return;		/* the pages stay reserved, unused */
	}
	run->start = (uintptr_t)p;
	lk_lock(&lk_sheap.lock);
	run->dirty = lk_sheap.retained + bytes <= LK_RUN_RETAIN;
	if (run->dirty)
		lk_sheap.retained += bytes;
	run->next = lk_sheap.runs[c];
	lk_sheap.runs[c] = run;
	lk_unlock(&lk_sheap.lock);
	if (!run->dirty)
		madvise(p, bytes, MADV_DONTNEED);
}

/* The bytes the slot of a block of `size` bytes holds. */
static size_t lk_slot_bytes(uintptr_t p, size_t size)
{
	if (!lk_is_run(p))
		return (size_t)1 << (lk_class_of(size ? size : 1) + LK_CLASS_MIN);
	return ((size_t)1 << lk_run_class_of(size)) * LK_PAGE;
}

int lk_sample_resize(void *p, size_t size)
{
	struct lk_block b;

	if (!lk_table_del((uintptr_t)p, &b))
		return 0;
	/* Only within the slot's class: lk_sample_free files the block by
	 * its recorded size, and a run filed as a smaller class would lose
	 * its other pages. */
	if (size && !b.resource && lk_slot_bytes((uintptr_t)p, size) ==
				   lk_slot_bytes((uintptr_t)p, b.size))
		b.size = size;
	else
		size = 0;
	lk_table_restore(&b);
	return size != 0;
}

void lk_sample_lock_all(void)
{
	lk_lock(&lk_sheap.lock);
}

void lk_sample_unlock_all(void)
{
	lk_unlock(&lk_sheap.lock);
}

void lk_sample_reset_child(void)
{
	lk_lock_reset(&lk_sheap.lock);
}
