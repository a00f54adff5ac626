/* SPDX-License-Identifier: MIT */
/*
 * arena.h - the shim's own memory, from mmap, never from the wrapped malloc.
 */
#ifndef LK_ARENA_H
#define LK_ARENA_H

#include <stddef.h>
#include <stdint.h>

/* Zeroed memory of at least `size` bytes, 16-byte aligned; NULL when the
 * arena cannot grow (mmap failed or the limit was reached). */
void *lk_arena_alloc(size_t size);

/* Returns memory to the arena; `size` is the size it was allocated with. */
void lk_arena_free(void *p, size_t size);

/* Bytes the arena has mapped from the system. */
size_t lk_arena_mapped(void);

/* Caps the bytes the arena may map (0: no cap). */
void lk_arena_set_limit(size_t bytes);

/* One mapping the arena made. */
struct lk_arena_range {
	uintptr_t lo, hi;
};

/*
 * Copies up to `max` of the arena's mappings into out; returns how many
 * there are in all (call again with more room if that is larger).  The
 * leak scan subtracts them from its roots: they hold the shim's tables,
 * which name every live block.
 */
size_t lk_arena_ranges(struct lk_arena_range *out, size_t max);

/* Fork handlers: hold the arena lock across fork, release it after. */
void lk_arena_lock_all(void);
void lk_arena_unlock_all(void);
void lk_arena_reset_child(void);

#endif
