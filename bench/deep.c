/* SPDX-License-Identifier: MIT */
/*
 * deep.c - allocations 30 to 60 frames deep: a recursion whose depth
 * cycles between 30 and 60, allocating and freeing at the bottom.
 * N allocations (default 500k; `make bench` runs 6M).
 */
#include <stdlib.h>

static void *volatile sink;

static __attribute__((noinline)) void down(int depth)
{
	if (depth > 0) {
		down(depth - 1);
		sink = NULL;	/* not a tail call */
		return;
	}
	sink = malloc(64);
	free(sink);
}

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 500000, i;

	for (i = 0; i < n; i++)
		down(30 + (int)(i % 31));
	return 0;
}
