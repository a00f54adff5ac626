/*
 * plugin.c - a module torture.c loads, calls and unloads again: each call
 * leaks one block, whose stack points into code that is gone by the time
 * of the dump.
 */
#include <stdlib.h>

void plugin_leak(void);
static void *volatile keep;

__attribute__((noinline)) void plugin_leak(void)
{
	void *p = malloc(40);	/* LEAK:plugin */

	keep = p;
}
