/* SPDX-License-Identifier: MIT */
/*
 * t_arena.c - the shim's allocator: zeroed memory, reuse of freed blocks,
 * large mappings, and the limit that makes it fail instead of growing.
 */
#include <stdint.h>
#include <string.h>

#include "arena.h"
#include "tap.h"

static int all_zero(const unsigned char *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (p[i])
			return 0;
	return 1;
}

int main(void)
{
	unsigned char *a, *b, *big;
	size_t before;

	a = lk_arena_alloc(40);
	ok(a != NULL, "small allocation");
	ok(((uintptr_t)a & 15) == 0, "16-byte aligned");
	ok(all_zero(a, 40), "zeroed");
	memset(a, 0xab, 64);
	lk_arena_free(a, 40);
	b = lk_arena_alloc(33);
	ok(b == a, "a freed block of the same class is reused");
	ok(all_zero(b, 33), "reused memory is zeroed again");
	ok(lk_arena_alloc(0) != NULL, "zero bytes gives a block");

	before = lk_arena_mapped();
	big = lk_arena_alloc(1 << 20);
	ok(big != NULL, "large allocation");
	ok(lk_arena_mapped() >= before + (1 << 20), "counted as mapped");
	ok(all_zero(big, 1 << 20), "large block zeroed");
	lk_arena_free(big, 1 << 20);
	is_int(lk_arena_mapped(), before, "unmapped again when freed");

	lk_arena_set_limit(lk_arena_mapped() + 100000);
	ok(lk_arena_alloc(1 << 20) == NULL, "limit refuses a large mapping");
	ok(lk_arena_alloc(64) != NULL, "small blocks still fit the chunk");
	lk_arena_set_limit(0);
	ok(lk_arena_alloc(1 << 20) != NULL, "no limit, no refusal");
	done_testing();
	return exit_status();
}
