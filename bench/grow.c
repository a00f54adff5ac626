/* SPDX-License-Identifier: MIT */
/*
 * grow.c - realloc growth: buffers grown by small steps up to 64 KiB,
 * then freed, over and over.  N buffers (default 20k; `make bench` runs
 * 2M).
 */
#include <stdlib.h>

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 20000, i;
	size_t size;
	char *p;

	for (i = 0; i < n; i++) {
		p = NULL;
		for (size = 64; size <= 65536; size += size / 4 + 16) {
			p = realloc(p, size);
			p[size - 1] = 1;
		}
		free(p);
	}
	return 0;
}
