/*
 * ctorlib.c - a library whose constructor allocates before main and
 * before (or after) the shim's own constructor, as libselinux and many
 * others do; preloaded beside the shim in either order.
 */
#include <stdlib.h>
#include <string.h>

static void *volatile keep;

__attribute__((constructor(101))) static void ctorlib_init(void)
{
	char *s;

	free(NULL);
	s = strdup("freed before main");
	free(s);
	keep = malloc(77);	/* LEAK:ctor */
}
