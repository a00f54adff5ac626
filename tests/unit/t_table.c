/* SPDX-License-Identifier: MIT */
/*
 * t_table.c - the live-block table against a simple reference, growth,
 * backward-shift deletion, realloc restore, the packed fields' limits, and
 * a threaded stress run whose totals must come out exact.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "table.h"
#include "tap.h"

#define N 20000

static uint64_t live_blocks, live_bytes;

static void count(const struct lk_block *b, void *arg)
{
	(void)arg;
	live_blocks++;
	live_bytes += b->size;
}

static void totals(void)
{
	live_blocks = live_bytes = 0;
	lk_table_foreach(count, NULL);
}

static struct lk_block blk(uintptr_t addr, uint64_t size, uint32_t stack)
{
	struct lk_block b = { addr, size, stack, 7, 0 };

	return b;
}

static void test_basic(void)
{
	struct lk_block b = blk(0x1000, 24, 3), got;

	ok(lk_table_add(&b), "add one block");
	totals();
	is_int(live_blocks, 1, "one live block");
	is_int(live_bytes, 24, "its bytes");
	ok(lk_table_del(0x1000, &got), "delete finds it");
	is_int(got.size, 24, "record keeps the size");
	is_int(got.stack, 3, "record keeps the stack id");
	is_int(got.birth, 7, "record keeps the birth");
	is_int(got.addr, 0x1000, "record keeps the address");
	ok(!lk_table_del(0x1000, NULL), "second delete finds nothing");
	ok(!lk_table_del(0x2000, NULL), "unknown address finds nothing");
	b = blk(0x1000, 1, 1);
	lk_table_add(&b);
	b = blk(0x1000, 99, 2);
	lk_table_add(&b);
	totals();
	is_int(live_blocks, 1, "a stale record at the same address is replaced");
	is_int(live_bytes, 99, "with the new size");
	lk_table_del(0x1000, NULL);
}

static void test_limits(void)
{
	struct lk_block b = blk(0x7ffffffff000ull, (uint64_t)1 << 45,
				(1u << 24) - 1), got;

	b.birth = 5000000;
	ok(lk_table_add(&b), "a block at the top of user space");
	lk_table_del(b.addr, &got);
	is_int(got.addr, 0x7ffffffff000ull, "high address kept exactly");
	is_int(got.size, LK_BLOCK_MAX_SIZE, "huge size saturates");
	is_int(got.stack, (1u << 24) - 1, "largest stack id kept");
	is_int(got.birth, LK_BLOCK_MAX_BIRTH, "birth saturates");
	b = blk(0x1003, 1, 1);
	ok(!lk_table_add(&b), "a misaligned address is refused");
	b = blk((uintptr_t)1 << 50, 1, 1);
	ok(!lk_table_add(&b), "an address beyond 47 bits is refused");
}

/* Random adds and deletes against a reference array; exercises growth and
 * backward shifting in every shard. */
static void test_reference(void)
{
	static char in[N];
	struct lk_block b;
	uint64_t want_blocks = 0, want_bytes = 0;
	int i, k, bad = 0, found;

	srand(42);
	for (i = 0; i < 400000; i++) {
		k = rand() % N;
		if (in[k]) {
			found = lk_table_del(0x10000 + (uintptr_t)k * 16, &b);
			if (!found || b.size != (uint64_t)k)
				bad++;
			in[k] = 0;
			want_blocks--;
			want_bytes -= (uint64_t)k;
		} else {
			b = blk(0x10000 + (uintptr_t)k * 16, (uint64_t)k, 1);
			lk_table_add(&b);
			in[k] = 1;
			want_blocks++;
			want_bytes += (uint64_t)k;
		}
	}
	is_int(bad, 0, "every delete found the right record");
	totals();
	is_int(live_blocks, want_blocks, "live blocks match the reference");
	is_int(live_bytes, want_bytes, "live bytes match the reference");
	for (k = 0; k < N; k++)
		if (in[k] != lk_table_del(0x10000 + (uintptr_t)k * 16, NULL))
			bad++;
	is_int(bad, 0, "membership matches the reference for every address");
	totals();
	is_int(live_blocks, 0, "table empty afterwards");
}

static void test_mark(void)
{
	struct lk_block b = blk(0x6000, 16, 2), got;

	ok(!lk_table_mark(0x6000), "mark: an unknown address is refused");
	lk_table_add(&b);
	ok(lk_table_mark(0x6000), "mark: a live block is marked");
	lk_table_del(0x6000, &got);
	ok(got.resource && got.size == 16 && got.stack == 2,
	   "mark: the record says resource, and keeps size and stack");
	lk_table_add(&b);
	lk_table_del(0x6000, &got);
	ok(!got.resource, "mark: a new block at the address is not marked");
}

static void test_restore(void)
{
	struct lk_table_counts before, after;
	struct lk_block b = blk(0x5000, 40, 9), old;

	lk_table_add(&b);
	lk_table_counts(&before);
	lk_table_del(0x5000, &old);
	lk_table_restore(&old);
	lk_table_counts(&after);
	is_int(after.frees, before.frees, "restore undoes the free count");
	is_int(after.allocs, before.allocs, "restore is not an allocation");
	totals();
	is_int(live_bytes, 40, "restored block is live again");
	lk_table_del(0x5000, NULL);
}

#define THREADS 4
#define PER 200000

static void *worker(void *arg)
{
	uintptr_t base = 0x100000000ull * (1 + (uintptr_t)arg);
	struct lk_block b;
	int i;

	for (i = 0; i < PER; i++) {
		b = blk(base + (uintptr_t)(i % 5000) * 32, 8, 1);
		lk_table_add(&b);
		if (i % 5000 >= 10)	/* keep the first 10 of each lap */
			lk_table_del(b.addr, NULL);
	}
	return NULL;
}

static void test_threads(void)
{
	struct lk_table_counts c0, c1;
	pthread_t t[THREADS];
	long i;

	lk_table_counts(&c0);
	for (i = 0; i < THREADS; i++)
		pthread_create(&t[i], NULL, worker, (void *)i);
	for (i = 0; i < THREADS; i++)
		pthread_join(t[i], NULL);
	lk_table_counts(&c1);
	totals();
	is_int(live_blocks, THREADS * 10, "threads: exact live blocks");
	is_int(c1.allocs - c0.allocs, THREADS * PER, "threads: exact allocs");
	is_int(c1.frees - c0.frees, THREADS * (PER - PER / 5000 * 10),
	       "threads: exact frees");
}

int main(void)
{
	ok(lk_table_init(), "table init");
	test_basic();
	test_limits();
	test_reference();
	test_mark();
	test_restore();
	test_threads();
	done_testing();
	return exit_status();
}
