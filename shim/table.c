/* SPDX-License-Identifier: MIT */
/*
 * table.c - the live-block table.
 *
 * One record per live block, so its size decides the tracker's memory:
 * a record is two 64-bit words in an open-addressing array (no per-entry
 * pointers, unlike uthash's 56-byte handle).
 *
 *   key = addr >> 3 (44 bits) | birth << 44 (20 bits, seconds, saturating)
 *   val = size (39 bits) | resource << 39 (1 bit) | stack id << 40 (24 bits)
 *
 * The resource bit marks a PGconn, PGresult or PGcancel (pq.c): freeing
 * such a block, from any caller, tells pq.c the object is gone.
 *
 * key == 0 marks an empty slot.  User-space addresses on x86-64 are below
 * 2^47 and malloc results are 8-aligned, so addr >> 3 fits in 44 bits;
 * a block outside that (never seen from glibc) is dropped and counted.
 *
 * The table is split into LK_SHARDS shards by a hash of the address, each
 * with its own lock, so threads that allocate at once rarely meet.  Inside
 * a shard: linear probing, growth by doubling at 3/4 load, and deletion by
 * shifting back the entries that follow (no tombstones), so probes stay
 * short however long the program runs.
 */
#include <string.h>

#include "arena.h"
#include "guard.h"
#include "lock.h"
#include "out.h"
#include "table.h"

#define LK_SHARDS	64
#define LK_SHARD_BITS	6
#define LK_SHARD_MIN	256
#define LK_ADDR_BITS	44
#define LK_ADDR_MASK	((((uint64_t)1) << LK_ADDR_BITS) - 1)
#define LK_SIZE_BITS	40	/* size and resource bit */
#define LK_RESOURCE	(((uint64_t)1) << 39)

struct lk_slot {
	uint64_t key;
	uint64_t val;
};

/*
 * Each shard's lock guards all of that shard: the slot array, its size,
 * its count and its counters.
 */
struct lk_shard {
	struct lk_lock lock;
	uint64_t mask;		/* slots - 1, or 0 before init */
	uint64_t count;		/* live records */
	uint64_t bytes;		/* their sizes, summed */
	struct lk_slot *slot;
	uint64_t allocs, frees, dropped;
} __attribute__((aligned(64)));

static struct lk_shard lk_shards[LK_SHARDS];

static inline uint64_t lk_addr_hash(uintptr_t addr)
{
	return (uint64_t)(addr >> 3) * 0x9e3779b97f4a7c15ull;
}

static inline struct lk_shard *lk_shard_of(uint64_t h)
{
	return &lk_shards[h >> (64 - LK_SHARD_BITS)];
}

static inline uint64_t lk_slot_home(const struct lk_shard *s, uint64_t h)
{
	return (h >> 16) & s->mask;
}

static void lk_pack(const struct lk_block *b, struct lk_slot *e)
{
	uint64_t birth = b->birth < LK_BLOCK_MAX_BIRTH ?
			 b->birth : LK_BLOCK_MAX_BIRTH;
	uint64_t size = b->size < LK_BLOCK_MAX_SIZE ?
			b->size : LK_BLOCK_MAX_SIZE;

	e->key = ((uint64_t)b->addr >> 3) | (birth << LK_ADDR_BITS);
	e->val = size | ((uint64_t)b->stack << LK_SIZE_BITS) |
		 (b->resource ? LK_RESOURCE : 0);
}

static void lk_unpack(const struct lk_slot *e, struct lk_block *b)
{
	b->addr = (uintptr_t)((e->key & LK_ADDR_MASK) << 3);
	b->birth = (uint32_t)(e->key >> LK_ADDR_BITS);
	b->size = e->val & LK_BLOCK_MAX_SIZE;
	b->stack = (uint32_t)(e->val >> LK_SIZE_BITS);
	b->resource = (e->val & LK_RESOURCE) != 0;
}

static int lk_shard_alloc(struct lk_shard *s, uint64_t slots)
{
	struct lk_slot *a = lk_arena_alloc(slots * sizeof(*a));

	if (!a)
		return 0;
	/* Atomic stores: lk_table_prefetch reads them without the lock. */
	__atomic_store_n(&s->slot, a, __ATOMIC_RELAXED);
	__atomic_store_n(&s->mask, slots - 1, __ATOMIC_RELAXED);
	return 1;
}

int lk_table_init(void)
{
	int i;

	for (i = 0; i < LK_SHARDS; i++)
		if (!lk_shards[i].slot &&
		    !lk_shard_alloc(&lk_shards[i], LK_SHARD_MIN))
			return 0;
	return 1;
}

/* Slot holding addr's key bits, or the empty slot where it would go. */
static inline uint64_t lk_probe(const struct lk_shard *s, uint64_t h,
				 uint64_t akey)
{
	uint64_t i = lk_slot_home(s, h);

	while (s->slot[i].key && (s->slot[i].key & LK_ADDR_MASK) != akey)
		i = (i + 1) & s->mask;
	return i;
}

static int lk_shard_grow_locked(struct lk_shard *s)
{
	struct lk_slot *old = s->slot;
	uint64_t oldn = s->mask + 1, i, j, h;

	if (!lk_shard_alloc(s, oldn * 2))
		return 0;
	for (i = 0; i < oldn; i++) {
		if (!old[i].key)
			continue;
		h = lk_addr_hash((uintptr_t)((old[i].key & LK_ADDR_MASK) << 3));
		j = lk_probe(s, h, old[i].key & LK_ADDR_MASK);
		s->slot[j] = old[i];
	}
	lk_arena_free(old, oldn * sizeof(*old));
	return 1;
}

/* Inserts or replaces; 0 if the shard is full and cannot grow. */
static inline int lk_put_locked(struct lk_shard *s, uint64_t h,
			 const struct lk_slot *e)
{
	uint64_t i = lk_probe(s, h, e->key & LK_ADDR_MASK);

	if (!s->slot[i].key) {
		if ((s->count + 1) * 4 > (s->mask + 1) * 3) {
			if (!lk_shard_grow_locked(s))
				return 0;
			i = lk_probe(s, h, e->key & LK_ADDR_MASK);
		}
		s->count++;
	} else {
		s->bytes -= s->slot[i].val & LK_BLOCK_MAX_SIZE;
	}
	s->bytes += e->val & LK_BLOCK_MAX_SIZE;
	s->slot[i] = *e;
	return 1;
}

static int lk_addr_ok(uintptr_t addr)
{
	return addr && !(addr & 7) && ((uint64_t)addr >> 3) <= LK_ADDR_MASK;
}

/* A shard could not grow: said once, outside any lock. */
static __attribute__((noinline, cold)) void lk_table_note_full(void)
{
	static int said;

	if (!__atomic_exchange_n(&said, 1, __ATOMIC_RELAXED))
		lk_warn("out of memory for the tables (memory_limit, or mmap "
			"failed); blocks allocated from now on may go "
			"unrecorded, and the dump counts them as dropped");
}

void lk_table_prefetch(uintptr_t addr)
{
	uint64_t h = lk_addr_hash(addr);
	struct lk_shard *s = lk_shard_of(h);
	/* Unlocked: a hint only.  A stale array (the shard grew and the old
	 * one was unmapped) costs nothing: prefetches do not fault. */
	struct lk_slot *slot = __atomic_load_n(&s->slot, __ATOMIC_RELAXED);
	uint64_t mask = __atomic_load_n(&s->mask, __ATOMIC_RELAXED);

	__builtin_prefetch(s, 1);
	if (slot)
		__builtin_prefetch(&slot[(h >> 16) & mask], 1);
}

int lk_table_add(const struct lk_block *b)
{
	uint64_t h = lk_addr_hash(b->addr);
	struct lk_shard *s = lk_shard_of(h);
	struct lk_slot e;
	int r;

	lk_pack(b, &e);
	lk_lock(&s->lock);
	r = s->slot && lk_addr_ok(b->addr) ? lk_put_locked(s, h, &e) : -1;
	if (r > 0)
		s->allocs++;
	else
		s->dropped++;
	lk_unlock(&s->lock);
	if (!r)
		lk_table_note_full();
	return r > 0;
}

/* Backward-shift deletion: pulls later entries of the probe run into the
 * hole so that no lookup ever stops early at it. */
static inline void lk_erase_locked(struct lk_shard *s, uint64_t hole)
{
	uint64_t i = hole, home, h;

	s->bytes -= s->slot[hole].val & LK_BLOCK_MAX_SIZE;
	for (;;) {
		i = (i + 1) & s->mask;
		if (!s->slot[i].key)
			break;
		h = lk_addr_hash((uintptr_t)((s->slot[i].key & LK_ADDR_MASK)
					     << 3));
		home = lk_slot_home(s, h);
		/* Move it if its home is not in (hole, i], cyclically. */
		if (((i - home) & s->mask) >= ((i - hole) & s->mask)) {
			s->slot[hole] = s->slot[i];
			hole = i;
		}
	}
	s->slot[hole].key = 0;
	s->slot[hole].val = 0;
	s->count--;
}

int lk_table_del(uintptr_t addr, struct lk_block *old)
{
	uint64_t h = lk_addr_hash(addr);
	struct lk_shard *s = lk_shard_of(h);
	uint64_t i;
	int found = 0;

	if (!lk_addr_ok(addr))
		return 0;
	lk_lock(&s->lock);
	if (s->slot) {
		i = lk_probe(s, h, (uint64_t)addr >> 3);
		if (s->slot[i].key) {
			if (old)
				lk_unpack(&s->slot[i], old);
			lk_erase_locked(s, i);
			s->frees++;
			found = 1;
		}
	}
	lk_unlock(&s->lock);
	return found;
}

int lk_table_find(uintptr_t addr, struct lk_block *b)
{
	uint64_t h = lk_addr_hash(addr);
	struct lk_shard *s = lk_shard_of(h);
	uint64_t i;
	int found = 0;

	if (!lk_addr_ok(addr))
		return 0;
	lk_lock(&s->lock);
	i = lk_probe(s, h, (uint64_t)addr >> 3);
	if (s->slot[i].key) {
		lk_unpack(&s->slot[i], b);
		found = 1;
	}
	lk_unlock(&s->lock);
	return found;
}

int lk_table_drop(uintptr_t addr)
{
	uint64_t h = lk_addr_hash(addr);
	struct lk_shard *s = lk_shard_of(h);
	uint64_t i;
	int found = 0;

	if (lk_unlikely(!lk_addr_ok(addr)))
		return 0;
	lk_lock(&s->lock);
	i = lk_probe(s, h, (uint64_t)addr >> 3);
	if (s->slot[i].key) {
		found = (s->slot[i].val & LK_RESOURCE) ? 2 : 1;
		lk_erase_locked(s, i);
		s->frees++;
	}
	lk_unlock(&s->lock);
	return found;
}

int lk_table_mark(uintptr_t addr)
{
	uint64_t h = lk_addr_hash(addr);
	struct lk_shard *s = lk_shard_of(h);
	uint64_t i;
	int found = 0;

	if (!lk_addr_ok(addr))
		return 0;
	lk_lock(&s->lock);
	if (s->slot) {
		i = lk_probe(s, h, (uint64_t)addr >> 3);
		if (s->slot[i].key) {
			s->slot[i].val |= LK_RESOURCE;
			found = 1;
		}
	}
	lk_unlock(&s->lock);
	return found;
}

void lk_table_restore(const struct lk_block *b)
{
	uint64_t h = lk_addr_hash(b->addr);
	struct lk_shard *s = lk_shard_of(h);
	struct lk_slot e;

	lk_pack(b, &e);
	lk_lock(&s->lock);
	if (lk_put_locked(s, h, &e))
		s->frees--;
	else
		s->dropped++;
	lk_unlock(&s->lock);
}

static void lk_shard_foreach(struct lk_shard *s,
			     void (*fn)(const struct lk_block *, void *),
			     void *arg)
{
	struct lk_block b;
	uint64_t i;

	for (i = 0; s->slot && i <= s->mask; i++) {
		if (!s->slot[i].key)
			continue;
		lk_unpack(&s->slot[i], &b);
		fn(&b, arg);
	}
}

void lk_table_foreach(void (*fn)(const struct lk_block *, void *), void *arg)
{
	int k;

	for (k = 0; k < LK_SHARDS; k++) {
		lk_lock(&lk_shards[k].lock);
		lk_shard_foreach(&lk_shards[k], fn, arg);
		lk_unlock(&lk_shards[k].lock);
	}
}

void lk_table_foreach_locked(void (*fn)(const struct lk_block *, void *),
			     void *arg)
{
	int k;

	for (k = 0; k < LK_SHARDS; k++)
		lk_shard_foreach(&lk_shards[k], fn, arg);
}

uint64_t lk_table_live_locked(void)
{
	uint64_t n = 0;
	int k;

	for (k = 0; k < LK_SHARDS; k++)
		n += lk_shards[k].count;
	return n;
}

void lk_table_counts(struct lk_table_counts *c)
{
	int k;

	memset(c, 0, sizeof(*c));
	for (k = 0; k < LK_SHARDS; k++) {
		c->live_blocks += __atomic_load_n(&lk_shards[k].count,
						  __ATOMIC_RELAXED);
		c->live_bytes += __atomic_load_n(&lk_shards[k].bytes,
						 __ATOMIC_RELAXED);
		c->allocs += __atomic_load_n(&lk_shards[k].allocs,
					     __ATOMIC_RELAXED);
		c->frees += __atomic_load_n(&lk_shards[k].frees,
					    __ATOMIC_RELAXED);
		c->dropped += __atomic_load_n(&lk_shards[k].dropped,
					      __ATOMIC_RELAXED);
	}
}

void lk_table_lock_all(void)
{
	int k;

	for (k = 0; k < LK_SHARDS; k++)
		lk_lock(&lk_shards[k].lock);
}

void lk_table_unlock_all(void)
{
	int k;

	for (k = LK_SHARDS - 1; k >= 0; k--)
		lk_unlock(&lk_shards[k].lock);
}

void lk_table_reset_child(void)
{
	int k;

	for (k = 0; k < LK_SHARDS; k++)
		lk_lock_reset(&lk_shards[k].lock);
}
