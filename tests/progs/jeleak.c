/* jeleak.c - three leaks for a program whose malloc is jemalloc's (linked
 * with libjemalloc.so.2, as Debian's redis-server is): a 100-byte block
 * whose only pointer was in a block since freed, a 200-byte block and a
 * 64 KiB block whose pointers were dropped.  Each is a direct leak. */
#include <stdlib.h>
#include <string.h>

void *volatile sink;

__attribute__((noinline)) static void leaks(void)
{
	void **a = malloc(64);

	a[0] = malloc(100);
	free(a);
	sink = malloc(200);
	sink = malloc(65536);
	sink = NULL;
}

/* Leaves no stale copy of those pointers in the dead part of the stack. */
__attribute__((noinline)) static void clobber(void)
{
	volatile char b[65536];

	memset((char *)b, 0, sizeof(b));
}

int main(void)
{
	leaks();
	clobber();
	return 0;
}
