/* SPDX-License-Identifier: MIT */
/*
 * boot.c - the bootstrap pool.
 *
 * glibc's dlsym allocates (its error buffer, with calloc) while the shim
 * resolves the real malloc; those few allocations come from this static
 * pool instead.  Each block has a 16-byte header with its size, so realloc
 * and malloc_usable_size of a pool pointer work.  Pool memory is never
 * reused: free of a pool pointer does nothing.  When the pool is used up
 * the request fails with ENOMEM rather than aborting the host.
 */
#include <errno.h>
#include <stdint.h>

#include "boot.h"

#define LK_BOOT_HDR	16

char lk_boot_pool[LK_BOOT_SIZE] __attribute__((aligned(4096)));
static size_t lk_boot_used;	/* bytes handed out; bumped atomically */

void *lk_boot_alloc(size_t size, size_t align)
{
	size_t start, old, need;
	char *p;

	if (align < 16)
		align = 16;
	if (size > LK_BOOT_SIZE || align > LK_BOOT_SIZE / 4)
		goto full;
	old = __atomic_load_n(&lk_boot_used, __ATOMIC_RELAXED);
	do {
		start = (old + LK_BOOT_HDR + align - 1) & ~(align - 1);
		need = start + ((size + 15) & ~(size_t)15);
		if (need > LK_BOOT_SIZE)
			goto full;
	} while (!__atomic_compare_exchange_n(&lk_boot_used, &old, need, 0,
					      __ATOMIC_RELAXED,
					      __ATOMIC_RELAXED));
	p = lk_boot_pool + start;
	*(size_t *)(p - LK_BOOT_HDR) = size;
	return p;
full:
	errno = ENOMEM;
	return NULL;
}

size_t lk_boot_size(const void *p)
{
	return *(const size_t *)((const char *)p - LK_BOOT_HDR);
}
