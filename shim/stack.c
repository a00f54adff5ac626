/* SPDX-License-Identifier: MIT */
/*
 * stack.c - stack capture with libunwind, and the stack depot.
 *
 * Every allocation needs its stack, but programs allocate from a few
 * thousand places: each distinct stack is stored once and blocks refer to
 * it by a 32-bit id (as LLVM's stack depot and heaptrack's trace tree do).
 *
 * The depot has two parts.  `lk_depot.dir` maps an id to its record; it is
 * a two-level array whose chunks never move, so a dump can walk ids without
 * a lock.  `lk_index` is an open-addressing hash index of record pointers,
 * read without any lock on the malloc path: a reader loads the current
 * index and probes it; slots only ever go from NULL to a record.  Inserts
 * and growth happen under lk_depot.lock.  Growth builds a new index and
 * publishes it; the old one is left in place (never freed) because a
 * reader may still be probing it.  A reader that misses in a stale index
 * takes the lock and looks again, so it never creates a duplicate.  The
 * indexes left behind add up to less than the current one.
 */
#include <string.h>

#define UNW_LOCAL_ONLY
#include <libunwind.h>

#include "arena.h"
#include "lock.h"
#include "stack.h"

#define LK_DIR_SHIFT	12
#define LK_DIR_CHUNK	(1u << LK_DIR_SHIFT)
#define LK_DIR_CHUNKS	((LK_STACK_MAX_ID >> LK_DIR_SHIFT) + 1)
#define LK_INDEX_MIN	4096
#define LK_CARVE_CHUNK	(64u * 1024)	/* holds the largest record, 2 KiB */
_Static_assert(sizeof(struct lk_stack) + LK_STACK_CAPTURE * sizeof(uintptr_t)
	       <= LK_CARVE_CHUNK, "a record fits in a carving chunk");

struct lk_index {
	uint64_t mask;			/* slots - 1 */
	struct lk_stack *slot[];	/* NULL or a record */
};

/*
 * lk_depot.lock guards inserts into the index, index growth, `next_id`,
 * the creation of directory chunks and the chunk records are carved from.
 * Lookups take no lock.
 */
static struct {
	struct lk_lock lock;
	uint32_t next_id;		/* last id handed out */
	uint64_t used;			/* records in the current index */
	char *carve;			/* free room for records, and its size */
	size_t room;
	struct lk_stack **dir[LK_DIR_CHUNKS];
} lk_depot = { .lock = LK_LOCK_INIT };

static struct lk_index *lk_index;	/* current index, published */

static unsigned lk_depth = 32;

/*
 * A per-thread memo of recent stacks: hash and length to id.  A program
 * allocates from the same few stacks over and over; a hit skips the depot
 * probe and the frame comparison.  It trusts the 64-bit hash: two distinct
 * stacks of one length would have to collide in it, a chance of about one
 * in 2^64 per pair.
 */
#define LK_MEMO 256
struct lk_memo {
	uint64_t hash;
	uint32_t n;
	uint32_t id;		/* 0: empty */
};
static __thread struct lk_memo lk_memo[LK_MEMO]
	__attribute__((tls_model("initial-exec")));
uintptr_t lk_self_lo, lk_self_hi;

void lk_stack_init(unsigned depth, uintptr_t self_lo, uintptr_t self_hi)
{
	/* libunwind's default cache of unwind info is global, behind a
	 * lock; a per-thread one needs no lock on the malloc path. */
	unw_set_caching_policy(unw_local_addr_space, UNW_CACHE_PER_THREAD);
	lk_depth = depth;
	lk_self_lo = self_lo;
	lk_self_hi = self_hi;
}

int lk_stack_trim(uintptr_t *pc, int n)
{
	int i, keep, top = 0;

	/* The wrapper on top, and (rarely) the libpq wrappers that libpq
	 * re-enters further down: look for those without copying. */
	while (top < n && lk_stack_is_self(pc[top]))
		top++;
	for (i = top; i < n && !lk_stack_is_self(pc[i]); i++)
		;
	if (i == n) {
		keep = n - top;
		if (keep > (int)lk_depth)
			keep = (int)lk_depth;
		if (top)
			memmove(pc, pc + top, (size_t)keep * sizeof(*pc));
		return keep;
	}
	for (keep = 0, i = top; i < n && keep < (int)lk_depth; i++)
		if (!lk_stack_is_self(pc[i]))
			pc[keep++] = pc[i];
	return keep;
}

int lk_stack_capture(uintptr_t *pc)
{
	int n = unw_backtrace((void **)pc, (int)lk_depth + LK_STACK_SLACK);

	return lk_stack_trim(pc, n);
}

/*
 * Two independent lanes of rotate-and-add over the frames, so the loop
 * costs about a cycle a frame, then one strong mix.  Return addresses are
 * already well spread; the mix is what makes the low bits (the index and
 * the memo slot) good.
 */
static uint64_t lk_stack_hash(const uintptr_t *pc, int n)
{
	uint64_t a = 0x9e3779b97f4a7c15ull, b = (uint64_t)n;
	int i;

	for (i = 0; i + 1 < n; i += 2) {
		a = ((a << 13) | (a >> 51)) + pc[i];
		b = ((b << 17) | (b >> 47)) + pc[i + 1];
	}
	if (i < n)
		a = ((a << 13) | (a >> 51)) + pc[i];
	a ^= b * 0xff51afd7ed558ccdull;
	a ^= a >> 29;
	a *= 0xc4ceb9fe1a85ec53ull;
	return a ^ (a >> 32);
}

static int lk_stack_equal(const struct lk_stack *s, uint64_t h,
			  const uintptr_t *pc, int n)
{
	return s->hash == h && s->n == (uint32_t)n &&
	       memcmp(s->pc, pc, (size_t)n * sizeof(pc[0])) == 0;
}

/* Probes idx; returns the match, or NULL at the first empty slot. */
static struct lk_stack *lk_index_find(struct lk_index *idx, uint64_t h,
				      const uintptr_t *pc, int n)
{
	uint64_t i = h & idx->mask;
	struct lk_stack *s;

	for (;; i = (i + 1) & idx->mask) {
		s = __atomic_load_n(&idx->slot[i], __ATOMIC_ACQUIRE);
		if (!s || lk_stack_equal(s, h, pc, n))
			return s;
	}
}

static void lk_index_put(struct lk_index *idx, struct lk_stack *s)
{
	uint64_t i = s->hash & idx->mask;

	while (idx->slot[i])
		i = (i + 1) & idx->mask;
	__atomic_store_n(&idx->slot[i], s, __ATOMIC_RELEASE);
}

static size_t lk_index_size(uint64_t slots)
{
	return sizeof(struct lk_index) + slots * sizeof(struct lk_stack *);
}

/* Keeps the load under 1/2 so probes stay short; 0 if out of memory. */
static int lk_index_grow_locked(void)
{
	struct lk_index *old = lk_index, *idx;
	uint64_t slots = old ? (old->mask + 1) * 2 : LK_INDEX_MIN, i;

	if (old && lk_depot.used + 1 <= (old->mask + 1) / 2)
		return 1;
	idx = lk_arena_alloc(lk_index_size(slots));
	if (!idx)
		return 0;
	idx->mask = slots - 1;
	for (i = 0; old && i <= old->mask; i++)
		if (old->slot[i])
			lk_index_put(idx, old->slot[i]);
	__atomic_store_n(&lk_index, idx, __ATOMIC_RELEASE);
	return 1;
}

static int lk_dir_put_locked(struct lk_stack *s)
{
	struct lk_stack ***chunk = &lk_depot.dir[s->id >> LK_DIR_SHIFT];

	struct lk_stack **fresh;

	if (!*chunk) {
		fresh = lk_arena_alloc(LK_DIR_CHUNK * sizeof(*fresh));
		if (!fresh)
			return 0;
		__atomic_store_n(chunk, fresh, __ATOMIC_RELEASE);
	}
	__atomic_store_n(&(*chunk)[s->id & (LK_DIR_CHUNK - 1)], s,
			 __ATOMIC_RELEASE);
	return 1;
}

/*
 * Room for a record of `size` bytes.  Records are never freed, so they are
 * carved one after another from 64 KiB chunks: through the arena's
 * power-of-two classes a 32-frame record (272 bytes) took 512, and
 * python3's 14,000 stacks wasted 3 MB.
 */
static struct lk_stack *lk_carve_locked(size_t size)
{
	struct lk_stack *s;

	if (lk_depot.room < size) {
		lk_depot.carve = lk_arena_alloc(LK_CARVE_CHUNK);
		if (!lk_depot.carve) {
			lk_depot.room = 0;
			return NULL;
		}
		lk_depot.room = LK_CARVE_CHUNK;
	}
	s = (struct lk_stack *)(void *)lk_depot.carve;
	lk_depot.carve += size;
	lk_depot.room -= size;
	return s;
}

static uint32_t lk_stack_insert_locked(uint64_t h, const uintptr_t *pc,
				       int n)
{
	struct lk_stack *s;
	size_t size = sizeof(*s) + (size_t)n * sizeof(pc[0]);

	if (lk_depot.next_id >= LK_STACK_MAX_ID || !lk_index_grow_locked())
		return 0;
	s = lk_carve_locked(size);
	if (!s)
		return 0;
	s->hash = h;
	s->n = (uint32_t)n;
	s->id = lk_depot.next_id + 1;
	memcpy(s->pc, pc, (size_t)n * sizeof(pc[0]));
	if (!lk_dir_put_locked(s)) {
		lk_depot.carve -= size;		/* the last carved: given back */
		lk_depot.room += size;
		return 0;
	}
	lk_depot.next_id = s->id;
	lk_depot.used++;
	lk_index_put(lk_index, s);
	return s->id;
}

uint32_t lk_stack_intern(const uintptr_t *pc, int n)
{
	uint64_t h = lk_stack_hash(pc, n);
	struct lk_memo *m = &lk_memo[h & (LK_MEMO - 1)];
	struct lk_index *idx;
	struct lk_stack *s;
	uint32_t id;

	if (m->id && m->hash == h && m->n == (uint32_t)n)
		return m->id;
	idx = __atomic_load_n(&lk_index, __ATOMIC_ACQUIRE);
	if (idx && (s = lk_index_find(idx, h, pc, n))) {
		id = s->id;
	} else {
		lk_lock(&lk_depot.lock);
		s = lk_index ? lk_index_find(lk_index, h, pc, n) : NULL;
		id = s ? s->id : lk_stack_insert_locked(h, pc, n);
		lk_unlock(&lk_depot.lock);
	}
	if (id) {
		m->hash = h;
		m->n = (uint32_t)n;
		m->id = id;
	}
	return id;
}

const struct lk_stack *lk_stack_get(uint32_t id)
{
	struct lk_stack **chunk;

	if (id == 0 || id > LK_STACK_MAX_ID)
		return NULL;
	chunk = __atomic_load_n(&lk_depot.dir[id >> LK_DIR_SHIFT],
				__ATOMIC_ACQUIRE);
	if (!chunk)
		return NULL;
	return __atomic_load_n(&chunk[id & (LK_DIR_CHUNK - 1)],
			       __ATOMIC_ACQUIRE);
}

uint32_t lk_stack_count(void)
{
	return __atomic_load_n(&lk_depot.next_id, __ATOMIC_ACQUIRE);
}

void lk_stack_lock_all(void)
{
	lk_lock(&lk_depot.lock);
}

void lk_stack_unlock_all(void)
{
	lk_unlock(&lk_depot.lock);
}

void lk_stack_reset_child(void)
{
	lk_lock_reset(&lk_depot.lock);
}
