/* SPDX-License-Identifier: MIT */
/*
 * stacks100k.c - a heap whose blocks come from many distinct stacks, for
 * the exit dump (issue 6 target 5) and the reporter (target 6).
 *
 *   stacks100k [S [K]]   S distinct call paths (default 100,000), K
 *                        32-byte blocks from each (default 10): half of
 *                        them kept in a global array (reachable), half
 *                        forgotten (direct leaks).  Prints `main_end NS`,
 *                        CLOCK_MONOTONIC as main() returns, so that the
 *                        time of the exit (the exit dump) can be told
 *                        from the end of the process.
 *
 * Path i is a recursion 17 levels deep through a() and b(), which call on
 * through a() when bit d-1 of i is set and through b() otherwise: each
 * level's return address gives away one bit, so the S paths are distinct
 * stacks of 22 frames (17 levels, leaf(), main() and the C runtime's 3),
 * fewer than the 32 the shim keeps.  a() and b()
 * differ in the counter they bump, so the compiler cannot merge them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define LEVELS 17	/* 2^17 paths, more than S needs */

static void **kept;	/* the reachable half */
static long nkept, per = 10;
static volatile long in_a, in_b;

static __attribute__((noinline)) void leaf(void)
{
	void *p;
	long k;

	for (k = 0; k < per; k++) {
		p = malloc(32);
		((long *)p)[0] = k;
		if (k & 1)
			kept[nkept++] = p;
	}
}

static void a(int d, long i);
static void b(int d, long i);

/* One level: on through a() or b() by bit d-1 of i; the leaf at 0. */
#define STEP(d, i) do {						\
		if ((d) == 0)					\
			leaf();					\
		else if (((i) >> ((d) - 1)) & 1)		\
			a((d) - 1, (i));			\
		else						\
			b((d) - 1, (i));			\
	} while (0)

static __attribute__((noinline)) void a(int d, long i)
{
	STEP(d, i);
	in_a++;		/* also keeps the call from being a tail call */
}

static __attribute__((noinline)) void b(int d, long i)
{
	STEP(d, i);
	in_b++;
}

int main(int argc, char **argv)
{
	long s = argc > 1 ? atol(argv[1]) : 100000, i;
	struct timespec ts;

	if (argc > 2)
		per = atol(argv[2]);
	kept = malloc((size_t)(s * per / 2 + 1) * sizeof(*kept));
	for (i = 0; i < s; i++)
		STEP(LEVELS, i);
	clock_gettime(CLOCK_MONOTONIC, &ts);
	printf("main_end %lld\n", ts.tv_sec * 1000000000LL + ts.tv_nsec);
	return 0;
}
