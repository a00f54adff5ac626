/* SPDX-License-Identifier: MIT */
/*
 * stack.h - capturing call stacks and interning them as 32-bit ids.
 */
#ifndef LK_STACK_H
#define LK_STACK_H

#include <stdint.h>

#include "dumpfmt.h"

/* Frames captured beyond `depth` so the shim's own can be cut off. */
#define LK_STACK_SLACK		8
#define LK_STACK_CAPTURE	(LK_MAX_FRAMES + LK_STACK_SLACK)
/* Ids fit in 24 bits (table.c packs them); 0 means "no stack". */
#define LK_STACK_MAX_ID		((1u << 24) - 1)

/* One distinct stack, stored once. */
struct lk_stack {
	uint64_t hash;		/* of the frames, for the index */
	uint32_t id;		/* 1.., dense */
	uint32_t n;		/* frames in pc[] */
	uintptr_t pc[];		/* return addresses, innermost first */
};

/* Tells capture which text is the shim's own, so it can be skipped. */
void lk_stack_init(unsigned depth, uintptr_t self_lo, uintptr_t self_hi);

/*
 * Captures the caller's stack into pc (LK_STACK_CAPTURE slots), dropping
 * the shim's own frames, keeping at most `depth` frames.  Returns the
 * number kept.  Never allocates through the wrapped malloc.
 */
int lk_stack_capture(uintptr_t *pc);

/* Bounds of the shim's own text, for lk_stack_is_self. */
extern uintptr_t lk_self_lo, lk_self_hi;

/* Is pc in the shim's own text? */
static inline int lk_stack_is_self(uintptr_t pc)
{
	return pc - lk_self_lo < lk_self_hi - lk_self_lo;
}

/* Drops the shim's own frames from pc[0..n), wherever they are, and
 * keeps at most `depth`; returns how many are left. */
int lk_stack_trim(uintptr_t *pc, int n);

/* The id of this stack, interning it if new; 0 if it could not be stored
 * (arena exhausted or too many stacks). */
uint32_t lk_stack_intern(const uintptr_t *pc, int n);

/* The stack with this id, or NULL. */
const struct lk_stack *lk_stack_get(uint32_t id);

/* Highest id handed out so far. */
uint32_t lk_stack_count(void);

void lk_stack_lock_all(void);
void lk_stack_unlock_all(void);
void lk_stack_reset_child(void);

#endif
