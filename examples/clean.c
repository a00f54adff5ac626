/*
 * clean.c - allocates through every wrapped function and frees it all.
 *
 * Under the shim its report lists no site in clean.c: every block it made
 * is gone by exit.  Exit status 0 and "clean: ok" on stdout.
 */
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void churn(int round)
{
	void *p[10];
	char *s = NULL;
	size_t n = 0;
	FILE *f;
	int i;

	p[0] = malloc(10 + round);
	p[1] = calloc(4, 8);
	p[2] = realloc(malloc(5), 5000);
	p[3] = reallocarray(NULL, 7, 9);
	if (posix_memalign(&p[4], 128, 77))
		p[4] = NULL;
	p[5] = aligned_alloc(64, 128);
	p[6] = memalign(256, 10);
	p[7] = valloc(100);
	p[8] = pvalloc(100);
	p[9] = strdup("clean");
	for (i = 0; i < 10; i++)
		free(p[i]);
	if (asprintf(&s, "round %d", round) >= 0)
		free(s);
	s = NULL;
	f = open_memstream(&s, &n);
	if (f) {
		fputs("memstream", f);
		fclose(f);
	}
	free(s);
	free(realloc(malloc(1), 0));	/* realloc to 0 frees */
}

int main(void)
{
	int i;

	for (i = 0; i < 100; i++)
		churn(i);
	if (write(1, "clean: ok\n", 10) != 10)
		return 1;
	return 0;
}
