/*
 * leaky.c - leaks on purpose, one way per function, and frees the rest.
 *
 * Under the shim its report lists exactly these sites (function, line
 * marked LEAK below, bytes, blocks):
 *
 *   leak_list     LEAK:list     5 blocks, 120 bytes (a linked list)
 *   leak_aligned  LEAK:aligned  1 block,  512 bytes (posix_memalign)
 *   leak_aligned  LEAK:aligned2 1 block, 8192 bytes (aligned_alloc)
 *   leak_realloc  LEAK:realloc  1 block,  300 bytes (grown by realloc)
 *   leak_calloc   LEAK:calloc   1 block,  240 bytes
 *   leak_malloc   LEAK:malloc   1 block,  100 bytes
 *   keep_global   LEAK:global   1 block,   64 bytes (still held by a global)
 *   leak_strdup   LEAK:strdup   1 block,    9 bytes (strdup, at its caller)
 *
 * It prints with write(2) and never with stdio, so no stdio buffer shows up
 * among them.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct node {
	struct node *next;
	long value[2];
};

static char *global_cache;

static void say(const char *s)
{
	if (write(1, s, strlen(s)) < 0)
		_exit(1);
}

static void *leak_malloc(void)
{
	return malloc(100);			/* LEAK:malloc */
}

static void *leak_calloc(void)
{
	return calloc(10, 24);			/* LEAK:calloc */
}

static void *leak_realloc(void)
{
	char *p = malloc(16);

	return realloc(p, 300);			/* LEAK:realloc */
}

static void leak_aligned(void **a, void **b)
{
	if (posix_memalign(a, 64, 512))		/* LEAK:aligned */
		*a = NULL;
	*b = aligned_alloc(4096, 8192);		/* LEAK:aligned2 */
}

static char *leak_strdup(void)
{
	return strdup("leakshim");		/* LEAK:strdup */
}

static struct node *leak_list(int n)
{
	struct node *head = NULL, *x;
	int i;

	for (i = 0; i < n; i++) {
		x = malloc(sizeof(*x));		/* LEAK:list */
		x->next = head;
		x->value[0] = i;
		head = x;
	}
	return head;
}

static void keep_global(void)
{
	global_cache = malloc(64);		/* LEAK:global */
}

static void use_and_free(void)
{
	char *s = strdup("freed");
	void *p = calloc(3, 7);
	void *q = realloc(NULL, 50);

	q = realloc(q, 500);
	free(s);
	free(p);
	free(q);
}

int main(void)
{
	void *a, *b, *p[4];
	struct node *list;

	use_and_free();
	p[0] = leak_malloc();
	p[1] = leak_calloc();
	p[2] = leak_realloc();
	p[3] = leak_strdup();
	leak_aligned(&a, &b);
	list = leak_list(5);
	keep_global();
	/* Forget every pointer: these blocks are now leaked. */
	p[0] = p[1] = p[2] = p[3] = a = b = NULL;
	list = NULL;
	(void)p;
	(void)list;
	say("leaky: done\n");
	return 0;
}
