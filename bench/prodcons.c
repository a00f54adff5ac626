/* SPDX-License-Identifier: MIT */
/*
 * prodcons.c - threads that free each other's blocks.
 *
 *   prodcons N         the producer/consumer workload: a producer thread
 *                      allocates N blocks (16 to 527 bytes) and fills
 *                      them; a consumer thread reads each block (a
 *                      checksum) and frees it.  Blocks go over in batches
 *                      of BATCH pointers through a bounded queue guarded
 *                      by a mutex, and a thread with nothing to do sleeps
 *                      on a condition variable: no spinning, so the time
 *                      is that of allocating, filling, reading and
 *                      freeing.  Default N: 8M.
 *   prodcons N -t K    the scaling measurement (issue 6 target 4): K
 *                      threads in a ring, each allocating N/K blocks in
 *                      batches, handing every batch to the next thread,
 *                      then freeing a batch the previous one handed it.
 *                      With K = 1 the one thread frees its own batches:
 *                      the same total work.  Prints one line:
 *                        threads K blocks N seconds S
 *                      timed from the first thread's start to the last
 *                      one's end; throughput is N / S.
 *   prodcons N -s K    the same, but every thread frees its own batches:
 *                      what threads cost without cross-thread frees (in
 *                      glibc, freeing another thread's block contends for
 *                      that thread's arena lock).
 *
 * The batches live in the queues, not in the heap, so that only the
 * blocks are allocations.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "now.h"

#define BATCH	256
#define QSLOTS	64		/* batches a queue holds */
#define MAXT	64

struct batch {
	int n;				/* pointers in p */
	void *p[BATCH];
};

/* A bounded FIFO of batches; `lock` guards all of it. */
struct queue {
	pthread_mutex_t lock;
	pthread_cond_t nonempty;	/* signalled after a put */
	pthread_cond_t nonfull;		/* signalled after a take */
	unsigned head, tail;		/* taken, put (count mod QSLOTS) */
	struct batch slot[QSLOTS];
};

static struct queue queues[MAXT];
static long per_thread;			/* blocks each allocating thread makes */
static int nthreads;
static int handoff = 1;			/* ring: 1 to the next thread, 0 self */
static volatile uint64_t checksum;	/* keeps the reads */

static void queue_init(struct queue *q)
{
	pthread_mutex_init(&q->lock, NULL);
	pthread_cond_init(&q->nonempty, NULL);
	pthread_cond_init(&q->nonfull, NULL);
}

static void queue_put(struct queue *q, const struct batch *b)
{
	pthread_mutex_lock(&q->lock);
	while (q->tail - q->head == QSLOTS)
		pthread_cond_wait(&q->nonfull, &q->lock);
	q->slot[q->tail % QSLOTS] = *b;
	q->tail++;
	pthread_cond_signal(&q->nonempty);
	pthread_mutex_unlock(&q->lock);
}

static void queue_take(struct queue *q, struct batch *b)
{
	pthread_mutex_lock(&q->lock);
	while (q->tail == q->head)
		pthread_cond_wait(&q->nonempty, &q->lock);
	*b = q->slot[q->head % QSLOTS];
	q->head++;
	pthread_cond_signal(&q->nonfull);
	pthread_mutex_unlock(&q->lock);
}

/* Allocates and fills the blocks start .. start+n-1 of a sequence. */
static __attribute__((noinline)) void make_batch(struct batch *b, long start,
						 int n)
{
	size_t size;
	long i;

	for (i = 0; i < n; i++) {
		size = 16 + (size_t)((start + i) * 2654435761u % 512);
		b->p[i] = malloc(size);
		memset(b->p[i], (int)(start + i), size < 64 ? size : 64);
	}
	b->n = n;
}

/* Reads the first bytes of every block of b, then frees them. */
static __attribute__((noinline)) void drop_batch(struct batch *b)
{
	uint64_t sum = 0;
	int i;

	for (i = 0; i < b->n; i++) {
		sum += ((uint64_t *)b->p[i])[0] + ((uint64_t *)b->p[i])[1];
		free(b->p[i]);
	}
	checksum += sum;
}

static void *producer(void *arg)
{
	struct batch b;
	long i, n;

	(void)arg;
	for (i = 0; i < per_thread; i += n) {
		n = per_thread - i < BATCH ? per_thread - i : BATCH;
		make_batch(&b, i, (int)n);
		queue_put(&queues[0], &b);
	}
	b.n = 0;			/* the end */
	queue_put(&queues[0], &b);
	return NULL;
}

static void *consumer(void *arg)
{
	struct batch b;

	(void)arg;
	for (;;) {
		queue_take(&queues[0], &b);
		if (b.n == 0)
			return NULL;
		drop_batch(&b);
	}
}

/* Ring member `arg`: hands its batches to the next, frees the previous'. */
static void *ring(void *arg)
{
	long me = (long)arg, i, n;
	struct batch b;

	for (i = 0; i < per_thread; i += n) {
		n = per_thread - i < BATCH ? per_thread - i : BATCH;
		make_batch(&b, i, (int)n);
		queue_put(&queues[(me + handoff) % nthreads], &b);
		queue_take(&queues[me], &b);
		drop_batch(&b);
	}
	return NULL;
}

int main(int argc, char **argv)
{
	long total = argc > 1 ? atol(argv[1]) : 8000000, i;
	pthread_t t[MAXT];
	double t0;

	for (i = 0; i < MAXT; i++)
		queue_init(&queues[i]);
	if (argc > 3 && (!strcmp(argv[2], "-t") || !strcmp(argv[2], "-s"))) {
		handoff = argv[2][1] == 't';
		nthreads = atoi(argv[3]);
		if (nthreads < 1 || nthreads > MAXT)
			return 2;
		per_thread = total / nthreads;
		t0 = now();
		for (i = 0; i < nthreads; i++)
			pthread_create(&t[i], NULL, ring, (void *)i);
		for (i = 0; i < nthreads; i++)
			pthread_join(t[i], NULL);
		printf("threads %d blocks %ld seconds %.4f\n", nthreads,
		       per_thread * nthreads, now() - t0);
		return 0;
	}
	per_thread = total;
	pthread_create(&t[0], NULL, producer, NULL);
	pthread_create(&t[1], NULL, consumer, NULL);
	pthread_join(t[0], NULL);
	pthread_join(t[1], NULL);
	return 0;
}
