/*
 * pause.c - how long a live dump stops the program.
 *
 *   pause MIB   fills MIB MiB of heap (64 KiB blocks, touched), then
 *               times a malloc/free loop for 3 s while it asks the shim
 *               for a live dump (the dump signal) after 1 s, and prints
 *               the longest gap between two iterations and the usual one.
 *
 * The longest gap is the pause the dump imposed: the shim holds its locks
 * across the clone that copies the page tables.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "now.h"

int main(int argc, char **argv)
{
	long mib = argc > 1 ? atol(argv[1]) : 1024, i, n = mib * 16;
	double t0, t, last, gap, worst = 0, sum = 0;
	long iters = 0;
	int sent = 0;
	void *volatile keep;
	char **blocks = malloc(n * sizeof(*blocks));

	for (i = 0; i < n; i++) {
		blocks[i] = malloc(64 * 1024);
		memset(blocks[i], 1, 64 * 1024);
	}
	t0 = last = now();
	while ((t = now()) - t0 < 3) {
		keep = malloc(32);	/* volatile: the pair is not elided */
		free(keep);
		gap = t - last;
		last = t;
		if (gap > worst)
			worst = gap;
		sum += gap;
		iters++;
		if (!sent && t - t0 > 1) {
			kill(getpid(), SIGRTMIN + 3);
			sent = 1;
		}
	}
	printf("heap %ld MiB: longest gap %.3f ms, mean %.4f ms over %ld "
	       "iterations\n", mib, worst * 1e3, sum / iters * 1e3, iters);
	return 0;
}
