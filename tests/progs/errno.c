/*
 * errno.c - what a program sees of malloc is unchanged by the shim:
 * errno survives a successful malloc/free, failures set ENOMEM or EINVAL
 * exactly as glibc does, and overflowing sizes are refused (up to
 * SIZE_MAX, whose page count overflows); blocks shrunk by realloc give
 * their memory back when freed.
 * Prints one line per check, "ok" or "FAIL", and exits 0 when all pass.
 */
#include <errno.h>
#include <malloc.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int failed;
static char *volatile keep;
static volatile size_t max_size = SIZE_MAX;	/* no compile-time warning */

static void check(int cond, const char *what)
{
	printf("%s %s\n", cond ? "ok" : "FAIL", what);
	failed |= !cond;
}

/* The peak resident set, in KiB. */
static long peak_kib(void)
{
	char line[256];
	long kib = -1;
	FILE *f = fopen("/proc/self/status", "r");

	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "VmHWM: %ld", &kib) == 1)
			break;
	if (f)
		fclose(f);
	return kib;
}

int main(void)
{
	void *p, *q;
	size_t huge = SIZE_MAX / 2;
	int i;

	errno = 1234;
	p = malloc(10);
	free(p);
	check(errno == 1234, "errno kept across malloc and free");
	errno = 0;
	p = malloc(huge);
	check(!p && errno == ENOMEM, "huge malloc: NULL, ENOMEM");
	errno = 0;
	p = calloc(huge, 4);
	check(!p && errno == ENOMEM, "overflowing calloc: NULL, ENOMEM");
	errno = 0;
	p = reallocarray(NULL, huge, 4);
	check(!p && errno == ENOMEM, "overflowing reallocarray: ENOMEM");
	q = malloc(16);
	strcpy(q, "keep me");
	errno = 0;
	p = realloc(q, huge);
	check(!p && errno == ENOMEM, "failed realloc: NULL, ENOMEM");
	check(strcmp(q, "keep me") == 0, "failed realloc keeps the block");
	free(q);
	q = malloc(1 << 20);
	memset(q, 1, 1 << 20);
	errno = 0;
	check(!malloc(max_size) && errno == ENOMEM,
	      "malloc(SIZE_MAX): NULL, ENOMEM");
	errno = 0;
	p = realloc(q, max_size - 100);
	check(!p && errno == ENOMEM && ((char *)q)[12345] == 1,
	      "realloc of 1 MiB to SIZE_MAX - 100: NULL, ENOMEM, block kept");
	free(q);
	/* 300 MiB in all if the shrunk blocks' memory were lost. */
	for (i = 0; i < 300; i++) {
		q = malloc(1 << 20);
		memset(q, 2, 1 << 20);
		keep = realloc(q, 100);
		free(keep);
	}
	check(peak_kib() < 64 * 1024, "1 MiB blocks shrunk to 100 bytes and "
	      "freed, 300 times: peak RSS under 64 MiB");
	errno = 77;
	check(posix_memalign(&p, 3, 10) == EINVAL && errno == 77,
	      "posix_memalign with a bad alignment: EINVAL, errno kept");
	check(posix_memalign(&p, 64, 10) == 0 && ((uintptr_t)p & 63) == 0,
	      "posix_memalign aligns");
	check(malloc_usable_size(p) >= 10, "malloc_usable_size works");
	free(p);
	errno = 55;
	free(NULL);
	check(errno == 55, "free(NULL) keeps errno");
	p = malloc(0);
	check(p != NULL, "malloc(0) gives a block");
	free(p);
	p = malloc(8);
	check(realloc(p, 0) == NULL, "realloc to 0 frees (glibc)");
	p = aligned_alloc(4096, 4096);
	check(p && ((uintptr_t)p & 4095) == 0, "aligned_alloc aligns");
	free(p);
	p = memalign(128, 1);
	check(p && ((uintptr_t)p & 127) == 0, "memalign aligns");
	free(p);
	p = valloc(1);
	check(p && ((uintptr_t)p & 4095) == 0, "valloc aligns");
	free(p);
	p = pvalloc(1);
	check(p && malloc_usable_size(p) >= 4096, "pvalloc rounds up");
	free(p);
	return failed;
}
