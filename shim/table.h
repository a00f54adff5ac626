/* SPDX-License-Identifier: MIT */
/*
 * table.h - the live-block table: address -> size, stack id, birth time.
 */
#ifndef LK_TABLE_H
#define LK_TABLE_H

#include <stddef.h>
#include <stdint.h>

/* What the table remembers of one live block. */
struct lk_block {
	uintptr_t addr;
	uint64_t size;
	uint32_t stack;		/* stack id, 0 if unknown */
	uint32_t birth;		/* lk_now when allocated, in seconds */
	int resource;		/* it is a libpq object the shim tracks */
};

/* Largest size and birth the packed entry holds; larger values saturate. */
#define LK_BLOCK_MAX_SIZE	((((uint64_t)1) << 39) - 1)
#define LK_BLOCK_MAX_BIRTH	((1u << 20) - 1)

/* Allocates the first shard arrays; 0 if out of memory. */
int lk_table_init(void);

/* Records a block (replacing a stale record at the same address); counts
 * it in `allocs`.  Returns 0 if it could not be recorded (counted as
 * dropped). */
int lk_table_add(const struct lk_block *b);

/*
 * Starts loading the cache lines lk_table_add(addr) will touch.  The
 * wrappers call it before the stack walk, which hides the miss: in a big
 * table (python3's heap) the first load of the home slot was 84 % of
 * lk_table_add's time, and python3 runs about 7 % faster with it.
 */
void lk_table_prefetch(uintptr_t addr);

/* Removes the record of addr, copying it to *old if old is not NULL.
 * Returns 1 if a record was found (and counts a free), else 0. */
int lk_table_del(uintptr_t addr, struct lk_block *old);

/* Marks the live block at addr as a tracked libpq object, so that its
 * free reaches pq.c whoever calls it.  Returns 0 if addr is not live. */
int lk_table_mark(uintptr_t addr);

/* Copies the record of addr to *b without removing it; 0 if none. */
int lk_table_find(uintptr_t addr, struct lk_block *b);

/* lk_table_del for free(): 0 if addr had no record, 1 if it had one, 2 if
 * it was a marked libpq object. */
int lk_table_drop(uintptr_t addr);

/* Puts back a record taken out with lk_table_del (a failed realloc): not
 * counted as an allocation, nor its removal as a free. */
void lk_table_restore(const struct lk_block *b);

/* Calls fn for every live block, one shard at a time under its lock: fn
 * must not call into the table nor allocate through the wrapped malloc. */
void lk_table_foreach(void (*fn)(const struct lk_block *, void *), void *arg);

/* The same with every shard lock already held by the caller (or in a
 * child where no other thread exists). */
void lk_table_foreach_locked(void (*fn)(const struct lk_block *, void *),
			     void *arg);

/* Live records, with every shard lock held. */
uint64_t lk_table_live_locked(void);

struct lk_table_counts {
	uint64_t allocs;	/* blocks recorded since start */
	uint64_t frees;		/* records removed by free/realloc */
	uint64_t dropped;	/* blocks that could not be recorded */
	uint64_t live_blocks;	/* records now (read without locks: a */
	uint64_t live_bytes;	/* moment's approximation, for metrics) */
};
void lk_table_counts(struct lk_table_counts *c);

/* Fork handlers: every shard lock held across fork. */
void lk_table_lock_all(void);
void lk_table_unlock_all(void);
void lk_table_reset_child(void);

#endif
