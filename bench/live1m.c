/* SPDX-License-Identifier: MIT */
/*
 * live1m.c - the tracker's memory per live block (issue 6 target 3).
 *
 *   live1m [N]    allocates N (default 1,000,000) 32-byte blocks from one
 *                 site, keeps them all (reachable from an array), and
 *                 prints `hwm_kib K`: the process's peak RSS (VmHWM) as
 *                 main() ends, before any exit dump.
 *
 * Run natively and under the shim, the difference of the two peaks over N
 * is what the tracker costs per live block while the program runs; the
 * peak measured from outside also counts what the exit dump takes (its
 * copy of the table and the scan).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void **blocks;

/* VmHWM of this process in KiB, or -1. */
static long hwm_kib(void)
{
	char line[256];
	long v = -1;
	FILE *f = fopen("/proc/self/status", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (strncmp(line, "VmHWM:", 6) == 0)
			v = atol(line + 6);
	fclose(f);
	return v;
}

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 1000000, i;

	blocks = malloc((size_t)n * sizeof(*blocks));
	for (i = 0; i < n; i++) {
		blocks[i] = malloc(32);
		memset(blocks[i], 0, 32);
	}
	printf("hwm_kib %ld\n", hwm_kib());
	return 0;
}
