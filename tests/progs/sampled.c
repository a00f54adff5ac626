/*
 * sampled.c - a workload for sampling mode.
 *
 *   sampled leak     leaks 32 MiB in 64-byte blocks at LEAK:steady
 *                    (524288 blocks), next to 4M short-lived blocks that
 *                    are all freed; under sample=524288 the estimate is
 *                    built from about 64 samples.
 *   sampled mix      every allocation function, realloc in and out of
 *                    the sampled region, all freed; checks its own data
 *                    and prints "mix: ok".
 */
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void *volatile sink;

static __attribute__((noinline)) void leak_steady(void)
{
	sink = malloc(64);				/* LEAK:steady */
}

static __attribute__((noinline)) void churn(int i)
{
	void *p = malloc(32 + (size_t)(i & 255));

	sink = p;
	free(p);
}

static int mix(void)
{
	char *p, *q[6];
	int i, k, bad = 0;
	size_t n;

	for (i = 0; i < 200000; i++) {
		p = NULL;
		for (n = 16; n <= 20000; n = n * 2 + 3) {
			p = realloc(p, n);
			memset(p + n / 2, i & 0xff, n - n / 2);
			if (n > 16 && (unsigned char)p[n / 4] != (unsigned char)(n / 2 > n / 4 ? p[n / 4] : 0))
				bad++;
		}
		free(p);
		q[0] = calloc(1, 100 + (size_t)(i & 31));
		for (k = 0; k < 100; k++)
			bad += q[0][k] != 0;
		if (posix_memalign((void **)&q[1], 64, 200))
			q[1] = NULL;
		q[2] = aligned_alloc(256, 512);
		q[3] = memalign(4096, 100);
		q[4] = valloc(10);
		q[5] = strdup("sampled");
		bad += ((size_t)q[1] & 63) != 0;
		bad += ((size_t)q[2] & 255) != 0;
		bad += ((size_t)q[3] & 4095) != 0;
		bad += malloc_usable_size(q[5]) < 8;
		for (k = 0; k < 6; k++)
			free(q[k]);
	}
	printf("mix: %s\n", bad ? "BAD" : "ok");
	return bad != 0;
}

int main(int argc, char **argv)
{
	int i, k;

	if (argc > 1 && strcmp(argv[1], "mix") == 0)
		return mix();
	for (i = 0; i < 524288; i++) {
		leak_steady();
		for (k = 0; k < 8; k++)
			churn(i * 8 + k);
	}
	return 0;
}
