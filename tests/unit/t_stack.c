/* SPDX-License-Identifier: MIT */
/*
 * t_stack.c - stack interning: one id per distinct stack, dense ids,
 * lookup by id, growth of the index, concurrent interning without
 * duplicates, and capture with libunwind (depth limit, self skipping).
 */
#include <pthread.h>
#include <string.h>

#include "stack.h"
#include "tap.h"

static uint32_t intern3(uintptr_t a, uintptr_t b, uintptr_t c)
{
	uintptr_t pc[3] = { a, b, c };

	return lk_stack_intern(pc, 3);
}

static void test_intern(void)
{
	const struct lk_stack *s;
	uint32_t x, y, z, i, bad = 0;
	uintptr_t one = 0x1234;

	x = intern3(1, 2, 3);
	y = intern3(1, 2, 4);
	z = intern3(1, 2, 3);
	ok(x != 0 && y != 0, "ids are non-zero");
	ok(x != y, "different stacks, different ids");
	is_int(z, x, "same stack, same id");
	is_int(lk_stack_intern(&one, 1), y + 1, "ids are dense");
	ok(lk_stack_intern(&one, 0) != 0, "an empty stack gets an id");
	s = lk_stack_get(y);
	ok(s && s->n == 3 && s->pc[2] == 4, "lookup by id gives the frames");
	ok(lk_stack_get(0) == NULL, "id 0 is no stack");
	ok(lk_stack_get(999999) == NULL, "unknown id gives NULL");
	for (i = 0; i < 50000; i++)	/* forces the index to grow */
		if (intern3(100, i, 7) != intern3(100, i, 7))
			bad++;
	is_int(bad, 0, "ids stay stable while the index grows");
	is_int(intern3(1, 2, 3), x, "old stacks found after growth");
}

#define THREADS 4

static uint32_t ids[THREADS][3000];

static void *interner(void *arg)
{
	long t = (long)arg;
	int i;

	for (i = 0; i < 3000; i++)
		ids[t][i] = intern3(200, (uintptr_t)i, 9);
	return NULL;
}

static void test_threads(void)
{
	pthread_t t[THREADS];
	uint32_t before = lk_stack_count();
	long i;
	int j, bad = 0;

	for (i = 0; i < THREADS; i++)
		pthread_create(&t[i], NULL, interner, (void *)i);
	for (i = 0; i < THREADS; i++)
		pthread_join(t[i], NULL);
	for (i = 1; i < THREADS; i++)
		for (j = 0; j < 3000; j++)
			if (ids[i][j] != ids[0][j])
				bad++;
	is_int(bad, 0, "threads agree on every id");
	is_int(lk_stack_count() - before, 3000,
	       "concurrent interning made no duplicates");
}

static volatile int sink;

/* Not a tail call, so this function keeps a frame of its own. */
static __attribute__((noinline)) int capture_here(uintptr_t *pc)
{
	int n = lk_stack_capture(pc);

	sink = n;
	return n;
}

static void test_capture(void)
{
	static uintptr_t pc[LK_STACK_CAPTURE];
	uintptr_t f = (uintptr_t)&capture_here;
	int n, i;

	lk_stack_init(32, 0, 0);
	n = capture_here(pc);
	ok(n >= 3, "capture finds frames");
	/* pc[0] returns into lk_stack_capture, pc[1] into capture_here. */
	for (i = 0; i < n && !(pc[i] > f && pc[i] < f + 128); i++)
		;
	is_int(i, 1, "the caller's frame follows the capturing function");
	lk_stack_init(2, 0, 0);
	is_int(capture_here(pc), 2, "depth limits the frames kept");
	/* Declare the whole test binary "self": nothing is left. */
	lk_stack_init(32, 0, UINTPTR_MAX);
	is_int(capture_here(pc), 0, "frames of the shim itself are dropped");
}

int main(void)
{
	test_intern();
	test_threads();
	test_capture();
	done_testing();
	return exit_status();
}
