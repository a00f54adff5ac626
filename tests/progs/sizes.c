/*
 * sizes.c - one lost block of every size from 1 to 96 bytes, and of 4240
 * to 4248: each must be a direct leak.  glibc's main arena points at the
 * header of the chunk after a block (the top chunk, a free chunk), which
 * lies in the block's last 8 bytes for half of all sizes: a scan that took
 * that for a reference called those leaks reachable.
 */
#include <stdlib.h>
#include <string.h>

static __attribute__((noinline)) void lose(size_t n)
{
	void *volatile p = malloc(n);

	(void)p;
}

static __attribute__((noinline)) void scrub(void)
{
	volatile char b[8192];

	memset((char *)b, 0, sizeof(b));
}

int main(void)
{
	size_t n;

	for (n = 1; n <= 96; n++)
		lose(n);
	for (n = 4240; n <= 4248; n++)
		lose(n);
	scrub();
	return 0;
}
