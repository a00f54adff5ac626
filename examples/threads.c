/*
 * threads.c - allocation from many threads at once.
 *
 *   threads                 8 threads each leak 25 blocks of 48 bytes at
 *                           LEAK:thread (200 blocks, 9600 bytes in all) and
 *                           free everything else they allocate.
 *   threads stress T N      T threads each do N malloc/free pairs, half of
 *                           them freeing blocks another thread allocated;
 *                           nothing leaks.  Prints the pairs done.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define RING 64

static long rounds;
/* Blocks handed from one thread to the next, freed by the receiver. */
static void *volatile mailbox[64][RING];

static void *leaker(void *arg)
{
	void *keep[25];
	int i, j;

	(void)arg;
	for (i = 0; i < 25; i++) {
		keep[i] = malloc(48);		/* LEAK:thread */
		for (j = 0; j < 100; j++)
			free(malloc(16 + j));
	}
	(void)keep;
	return NULL;
}

static void *stresser(void *arg)
{
	long id = (long)arg, i;
	void *p, *old;
	int slot;

	for (i = 0; i < rounds; i++) {
		p = malloc(16 + (size_t)(i & 255));
		if (i & 1) {
			free(p);
			continue;
		}
		/* Swap with the box of the next thread: it frees ours. */
		slot = (int)(i / 2 % RING);
		old = __atomic_exchange_n(&mailbox[(id + 1) % 64][slot], p,
					  __ATOMIC_ACQ_REL);
		free(old);
	}
	return NULL;
}

static int run(int n, void *(*fn)(void *))
{
	pthread_t t[64];
	long i;

	for (i = 0; i < n; i++)
		if (pthread_create(&t[i], NULL, fn, (void *)i))
			return 1;
	for (i = 0; i < n; i++)
		pthread_join(t[i], NULL);
	return 0;
}

int main(int argc, char **argv)
{
	char line[64];
	int n, i, j;

	if (argc == 4 && strcmp(argv[1], "stress") == 0) {
		n = atoi(argv[2]);
		rounds = atol(argv[3]);
		if (n < 1 || n > 64 || run(n, stresser))
			return 2;
		for (i = 0; i < 64; i++)
			for (j = 0; j < RING; j++)
				free(mailbox[i][j]);
		n = snprintf(line, sizeof(line), "pairs %ld\n", n * rounds);
		return write(1, line, (size_t)n) == n ? 0 : 1;
	}
	return run(8, leaker);
}
