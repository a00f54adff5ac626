/* SPDX-License-Identifier: MIT */
/*
 * boot.h - the static pool that serves allocations made while the real
 * allocator is being looked up.
 */
#ifndef LK_BOOT_H
#define LK_BOOT_H

#include <stddef.h>
#include <stdint.h>

#define LK_BOOT_SIZE	(64 * 1024)

/* The pool; inline for the free() and realloc() paths' range check. */
extern char lk_boot_pool[LK_BOOT_SIZE];

/* Zeroed memory from the pool, aligned to `align` (a power of two, at
 * least 16); NULL with errno ENOMEM when the pool is used up. */
void *lk_boot_alloc(size_t size, size_t align);

/* True if p came from the pool: such pointers never reach libc. */
static inline int lk_boot_owns(const void *p)
{
	return (uintptr_t)p - (uintptr_t)lk_boot_pool < LK_BOOT_SIZE;
}

/* The size p was allocated with. */
size_t lk_boot_size(const void *p);

#endif
