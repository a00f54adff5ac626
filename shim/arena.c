/* SPDX-License-Identifier: MIT */
/*
 * arena.c - the mmap-backed allocator behind every byte the shim keeps.
 *
 * The shim cannot use the malloc it wraps: it would recurse, and its own
 * records would show up as the host's allocations.  Small requests (up to
 * LK_ARENA_MAX_CLASS) are rounded up to a power of two and served from
 * free lists, refilled by bumping a pointer through 1 MiB chunks mapped
 * with mmap.  Larger requests (hash-table arrays) get their own mapping and
 * are unmapped when freed.  Callers pass the size back to lk_arena_free, so
 * no header is stored in front of a block (uthash's uthash_free gives it).
 *
 * Small blocks are never returned to the system; the tables that use them
 * (stacks, libpq records) only grow or recycle entries of the same sizes.
 * Small ends at 4 KiB: the live-block table's arrays double through 8 to
 * 64 KiB in each of its 64 shards, and kept on free lists those were 7.5 MiB
 * that nothing reused (a fifth of the tracker's memory at 1M blocks).
 *
 * Every mapping is also listed in `ranges` (itself a mapping grown with
 * mremap), so the leak scan can leave the shim's own memory out of its
 * roots.
 */
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>

#include "arena.h"
#include "lock.h"

#define LK_ARENA_MIN_SHIFT	4	/* 16-byte classes and up */
#define LK_ARENA_MAX_SHIFT	12	/* 4 KiB: larger goes to mmap */
#define LK_ARENA_CLASSES	(LK_ARENA_MAX_SHIFT - LK_ARENA_MIN_SHIFT + 1)
#define LK_ARENA_CHUNK		(1u << 20)

struct lk_free_block {
	struct lk_free_block *next;
};

/*
 * lk_arena_lock guards every field of struct lk_arena.  It is taken for a
 * pointer bump or a list pop, and around mmap only when a chunk runs out.
 */
static struct lk_arena {
	struct lk_lock lock;
	char *bump;		/* next free byte in the current chunk */
	char *end;		/* end of the current chunk */
	struct lk_free_block *free[LK_ARENA_CLASSES];
	size_t mapped;		/* bytes mapped in total */
	size_t limit;		/* 0, or the cap on `mapped` */
	struct lk_arena_range *ranges;	/* every mapping, unordered */
	size_t nranges, cap;		/* used and allocated entries */
} lk_arena = { .lock = LK_LOCK_INIT };

/* Notes a mapping; 0 if the list cannot grow (the mapping is then
 * given back). */
static int lk_range_add_locked(uintptr_t lo, size_t size)
{
	size_t cap = lk_arena.cap ? lk_arena.cap * 2 : 256;
	void *p;

	if (lk_arena.nranges == lk_arena.cap) {
		p = lk_arena.ranges ?
		    mremap(lk_arena.ranges, lk_arena.cap * sizeof(*lk_arena.ranges),
			   cap * sizeof(*lk_arena.ranges), MREMAP_MAYMOVE) :
		    mmap(NULL, cap * sizeof(*lk_arena.ranges),
			 PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
			 -1, 0);
		if (p == MAP_FAILED)
			return 0;
		lk_arena.ranges = p;
		lk_arena.cap = cap;
	}
	lk_arena.ranges[lk_arena.nranges].lo = lo;
	lk_arena.ranges[lk_arena.nranges].hi = lo + size;
	lk_arena.nranges++;
	return 1;
}

static void lk_range_del_locked(uintptr_t lo)
{
	size_t i;

	for (i = 0; i < lk_arena.nranges; i++)
		if (lk_arena.ranges[i].lo == lo) {
			lk_arena.ranges[i] = lk_arena.ranges[--lk_arena.nranges];
			return;
		}
}

static int lk_arena_class(size_t size)
{
	int shift = LK_ARENA_MIN_SHIFT;

	while (((size_t)1 << shift) < size)
		shift++;
	return shift - LK_ARENA_MIN_SHIFT;
}

static void *lk_arena_map_locked(size_t size)
{
	void *p;

	if (lk_arena.limit && lk_arena.mapped + size > lk_arena.limit)
		return NULL;
	p = mmap(NULL, size, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return NULL;
	if (!lk_range_add_locked((uintptr_t)p, size)) {
		munmap(p, size);
		return NULL;
	}
	lk_arena.mapped += size;
	return p;
}

static size_t lk_page_round(size_t size)
{
	return (size + 4095) & ~(size_t)4095;
}

static void *lk_arena_small_locked(int cls)
{
	size_t size = (size_t)1 << (cls + LK_ARENA_MIN_SHIFT);
	struct lk_free_block *b = lk_arena.free[cls];
	char *p;

	if (b) {
		lk_arena.free[cls] = b->next;
		memset(b, 0, size);
		return b;
	}
	if ((size_t)(lk_arena.end - lk_arena.bump) < size) {
		p = lk_arena_map_locked(LK_ARENA_CHUNK);
		if (!p)
			return NULL;
		lk_arena.bump = p;
		lk_arena.end = p + LK_ARENA_CHUNK;
	}
	p = lk_arena.bump;
	lk_arena.bump += size;
	return p;
}

void *lk_arena_alloc(size_t size)
{
	void *p;

	if (size == 0)
		size = 1;
	if (size > ((size_t)1 << LK_ARENA_MAX_SHIFT)) {
		if (size > SIZE_MAX - 4096)
			return NULL;
		lk_lock(&lk_arena.lock);
		p = lk_arena_map_locked(lk_page_round(size));
		lk_unlock(&lk_arena.lock);
		return p;
	}
	lk_lock(&lk_arena.lock);
	p = lk_arena_small_locked(lk_arena_class(size));
	lk_unlock(&lk_arena.lock);
	return p;
}

void lk_arena_free(void *p, size_t size)
{
	struct lk_free_block *b = p;
	int cls;

	if (!p)
		return;
	if (size == 0)
		size = 1;
	if (size > ((size_t)1 << LK_ARENA_MAX_SHIFT)) {
		size = lk_page_round(size);
		lk_lock(&lk_arena.lock);
		lk_range_del_locked((uintptr_t)p);
		munmap(p, size);
		lk_arena.mapped -= size;
		lk_unlock(&lk_arena.lock);
		return;
	}
	cls = lk_arena_class(size);
	lk_lock(&lk_arena.lock);
	b->next = lk_arena.free[cls];
	lk_arena.free[cls] = b;
	lk_unlock(&lk_arena.lock);
}

size_t lk_arena_mapped(void)
{
	return __atomic_load_n(&lk_arena.mapped, __ATOMIC_RELAXED);
}

size_t lk_arena_ranges(struct lk_arena_range *out, size_t max)
{
	size_t n;

	lk_lock(&lk_arena.lock);
	n = lk_arena.nranges;
	if (n && max)
		memcpy(out, lk_arena.ranges, (n < max ? n : max) * sizeof(*out));
	lk_unlock(&lk_arena.lock);
	return n;
}

void lk_arena_set_limit(size_t bytes)
{
	lk_arena.limit = bytes;
}

void lk_arena_lock_all(void)
{
	lk_lock(&lk_arena.lock);
}

void lk_arena_unlock_all(void)
{
	lk_unlock(&lk_arena.lock);
}

void lk_arena_reset_child(void)
{
	lk_lock_reset(&lk_arena.lock);
}
