/*
 * regrow.c - buffers grown by realloc in 25 steps up to 300 KB, then
 * shrunk, 2000 times, each byte pattern checked after every step: under
 * sampling, blocks move into, within and out of the shim's region.
 * Prints "regrow: N bad bytes" and exits 1 if any byte changed.
 */
#include <stdio.h>
#include <stdlib.h>

int main(void)
{
	size_t sz, prev, i;
	long bad = 0;
	unsigned char k;
	char *p;
	int r;

	for (r = 0; r < 2000; r++) {
		p = NULL;
		prev = 0;
		k = (unsigned char)r;
		for (sz = 8; sz < 300000; sz = sz * 3 / 2 + 7) {
			p = realloc(p, sz);
			if (!p)
				return 2;
			for (i = 0; i < prev; i += 97)
				bad += (unsigned char)p[i] != (unsigned char)(k + i);
			for (i = 0; i < sz; i += 97)
				p[i] = (char)(k + i);
			prev = sz;
		}
		for (sz = prev; sz > 16; sz /= 3) {
			p = realloc(p, sz);
			for (i = 0; i < sz; i += 97)
				bad += (unsigned char)p[i] != (unsigned char)(k + i);
		}
		free(p);
	}
	printf("regrow: %ld bad bytes\n", bad);
	return bad != 0;
}
