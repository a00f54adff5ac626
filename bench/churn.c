/* SPDX-License-Identifier: MIT */
/*
 * churn.c - one thread, mixed lifetimes: most blocks die at once, some
 * live for a while in a ring, a few for good.  N rounds (default 2M;
 * `make bench` runs 40M).  Called through a few frames, as real code
 * allocates.
 */
#include <stdlib.h>
#include <string.h>

#define RING 4096

static void *ring[RING];
static void *volatile keep;

static __attribute__((noinline)) void *make(size_t n)
{
	char *p = malloc(n);

	p[0] = 1;
	return p;
}

static __attribute__((noinline)) void step(long i)
{
	size_t n = 16 + (size_t)(i * 2654435761u % 480);
	void *p = make(n);
	long slot = i % RING;

	if (i % 3 == 0) {
		free(ring[slot]);
		ring[slot] = p;
	} else if (i % 1000 == 0) {
		keep = p;		/* lives for good */
	} else {
		free(p);
	}
}

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 2000000, i;

	for (i = 0; i < n; i++)
		step(i);
	for (i = 0; i < RING; i++)
		free(ring[i]);
	return 0;
}
