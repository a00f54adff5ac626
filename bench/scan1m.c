/*
 * scan1m.c - a heap of N live blocks (default 1,000,000) for timing the
 * leak scan at exit: 64-byte nodes in 1000 linked lists, every other list
 * hanging from a global array (reachable), the others forgotten (one
 * direct leak and 999 indirect ones each).  Prints nothing; the exit
 * dump's scan_usec counter is the figure.
 */
#include <stdlib.h>

struct node {
	struct node *next;
	long pad[7];
};

static struct node *heads[1000];

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 1000000, i;
	struct node *x;

	for (i = 0; i < n; i++) {
		x = malloc(sizeof(*x));
		x->next = heads[i % 1000];
		heads[i % 1000] = x;
	}
	for (i = 1; i < 1000; i += 2)
		heads[i] = NULL;
	return 0;
}
