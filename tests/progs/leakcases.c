/*
 * leakcases.c - one block per case of the leak scan, each allocated at a
 * line marked LEAK:x, with the class the scan must give it:
 *
 *   LEAK:direct     direct     nothing points to it
 *   LEAK:self       direct     it points only to itself
 *   LEAK:chainhead  direct     the head of an unreachable chain A -> B -> C
 *   LEAK:chainrest  indirect   B and C (2 blocks)
 *   LEAK:cycle      direct 1, indirect 1: two blocks pointing at each other
 *   LEAK:interior   indirect   reached from a leaked block's interior pointer
 *   LEAK:thread     direct     allocated by a thread that has exited
 *   LEAK:global     reachable  a global points to it
 *   LEAK:gmiddle    reachable  a global points into its middle
 *   LEAK:tls        reachable  a static __thread variable points to it
 *   LEAK:held       reachable  only a live thread's stack points to it
 *   LEAK:mapped     reachable  only memory the program mmap'ed points to it
 *   LEAK:viaheap    reachable  a reachable block points to it
 *
 * Built without optimisation: the compiler may otherwise drop an
 * allocation whose pointer never escapes.
 *
 * Modes: no argument, exit at once (the exit dump classifies in the
 * process); "wait FILE": then write FILE and wait to be killed, for a live
 * dump taken by signal (the scan's child classifies a frozen copy).  The
 * stack below main is scrubbed before either, so no stale pointer left by
 * the setup functions hides a leak.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

struct node {
	struct node *next;
	char pad[24];
};

static void *global_ptr, *global_list;
static char *global_middle;
static __thread void *tls_ptr;
static void **mapped;
static void *volatile sink;
static pthread_mutex_t held_lock = PTHREAD_MUTEX_INITIALIZER;

static __attribute__((noinline)) void make_direct(void)
{
	sink = malloc(11);				/* LEAK:direct */
	sink = NULL;
}

static __attribute__((noinline)) void make_self(void)
{
	void **p = malloc(16);				/* LEAK:self */

	p[0] = p;
}

static __attribute__((noinline)) struct node *node(void)
{
	return calloc(1, sizeof(struct node));		/* LEAK:chainrest */
}

static __attribute__((noinline)) void make_chain(void)
{
	struct node *a = calloc(1, sizeof(*a));		/* LEAK:chainhead */

	a->next = node();
	a->next->next = node();
}

static __attribute__((noinline)) void make_cycle(void)
{
	struct node *a = calloc(1, sizeof(*a)), *b = calloc(1, sizeof(*b));	/* LEAK:cycle */

	a->next = b;
	b->next = a;
}

static __attribute__((noinline)) void make_interior(void)
{
	char **holder = malloc(64);			/* LEAK:direct2 */

	holder[3] = (char *)malloc(100) + 40;		/* LEAK:interior */
}

static void *leak_in_thread(void *arg)
{
	void *volatile p = malloc(77);			/* LEAK:thread */

	(void)arg;
	(void)p;
	return NULL;
}

static void *hold_on_stack(void *arg)
{
	void *volatile mine = malloc(55);		/* LEAK:held */

	pthread_mutex_lock(&held_lock);		/* blocks until exit */
	(void)arg;
	(void)mine;
	return NULL;
}

static __attribute__((noinline)) void make_reachable(void)
{
	void **v;

	global_ptr = malloc(33);			/* LEAK:global */
	global_middle = (char *)malloc(44) + 20;	/* LEAK:gmiddle */
	tls_ptr = malloc(22);				/* LEAK:tls */
	mapped = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	mapped[7] = malloc(66);				/* LEAK:mapped */
	v = malloc(16);
	global_list = v;
	v[0] = malloc(88);				/* LEAK:viaheap */
	v[1] = NULL;
}

/* Overwrites the stack below main, where the setup left pointers. */
static __attribute__((noinline)) void scrub_stack(void)
{
	volatile char junk[64 * 1024];

	memset((char *)junk, 0, sizeof(junk));
}

int main(int argc, char **argv)
{
	pthread_t t;
	FILE *f;

	pthread_mutex_lock(&held_lock);
	make_direct();
	make_self();
	make_chain();
	make_cycle();
	make_interior();
	make_reachable();
	pthread_create(&t, NULL, leak_in_thread, NULL);
	pthread_join(t, NULL);
	pthread_create(&t, NULL, hold_on_stack, NULL);
	usleep(100000);		/* the holder is blocked in the lock */
	scrub_stack();
	if (argc > 2 && strcmp(argv[1], "wait") == 0) {
		f = fopen(argv[2], "w");
		if (!f)
			return 1;
		fputs("ready\n", f);
		fclose(f);
		for (;;)
			pause();
	}
	return 0;
}
