/* SPDX-License-Identifier: MIT */
/*
 * bare.c - the floor for exact tracking: an interposer that calls
 * unw_backtrace on every allocation and stores nothing.  Built as
 * $B/bench/libbare.so; leakshim's full mode is measured against it
 * (issue 6: at most 1.25 times its time).
 *
 * It walks what the shim walks by default: BARE_FRAMES = 33 frames, the
 * 32 the shim keeps (its `depth` option) plus the wrapper's own, from the
 * wrapper itself (the walk is inlined there, as the shim's LK_CAPTURE is),
 * into a thread-local buffer.  It does what any exact tracker must
 * (resolve the real functions, serve dlsym's calloc from a static pool,
 * guard against recursion, walk the stack) and nothing else: free() only
 * checks the pool's range.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <malloc.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#define UNW_LOCAL_ONLY
#include <libunwind.h>

static void *(*real_malloc)(size_t);
static void (*real_free)(void *);
static void *(*real_calloc)(size_t, size_t);
static void *(*real_realloc)(void *, size_t);
static int (*real_posix_memalign)(void **, size_t, size_t);
static void *(*real_aligned_alloc)(size_t, size_t);
static void *(*real_memalign)(size_t, size_t);

#define BARE_FRAMES 33

static __thread int busy __attribute__((tls_model("initial-exec")));
static __thread void *pcbuf[BARE_FRAMES]
	__attribute__((tls_model("initial-exec")));
static char pool[8192] __attribute__((aligned(16)));
static size_t pool_used;
static int resolving;

static void *pool_alloc(size_t n)
{
	void *p = pool + pool_used;

	pool_used += (n + 15) & ~(size_t)15;
	return pool_used <= sizeof(pool) ? memset(p, 0, n) : NULL;
}

static void resolve(void)
{
	resolving = 1;
	real_free = dlsym(RTLD_NEXT, "free");
	real_calloc = dlsym(RTLD_NEXT, "calloc");
	real_realloc = dlsym(RTLD_NEXT, "realloc");
	real_posix_memalign = dlsym(RTLD_NEXT, "posix_memalign");
	real_aligned_alloc = dlsym(RTLD_NEXT, "aligned_alloc");
	real_memalign = dlsym(RTLD_NEXT, "memalign");
	real_malloc = dlsym(RTLD_NEXT, "malloc");
	resolving = 0;
}

/* Inlined into each wrapper, so that the walk starts in the wrapper. */
static inline __attribute__((always_inline)) void walk(void)
{
	if (busy)
		return;
	busy = 1;
	unw_backtrace(pcbuf, BARE_FRAMES);
	busy = 0;
}

void *malloc(size_t n)
{
	if (!real_malloc) {
		if (resolving)
			return pool_alloc(n);
		resolve();
	}
	walk();
	return real_malloc(n);
}

void free(void *p)
{
	if ((char *)p >= pool && (char *)p < pool + sizeof(pool))
		return;
	if (!real_free)
		resolve();
	real_free(p);
}

void *calloc(size_t n, size_t s)
{
	if (!real_calloc) {
		if (resolving)
			return pool_alloc(n * s);
		resolve();
	}
	walk();
	return real_calloc(n, s);
}

void *realloc(void *p, size_t n)
{
	if (!real_realloc)
		resolve();
	walk();
	return real_realloc(p, n);
}

int posix_memalign(void **p, size_t a, size_t n)
{
	if (!real_posix_memalign)
		resolve();
	walk();
	return real_posix_memalign(p, a, n);
}

void *aligned_alloc(size_t a, size_t n)
{
	if (!real_aligned_alloc)
		resolve();
	walk();
	return real_aligned_alloc(a, n);
}

void *memalign(size_t a, size_t n)
{
	if (!real_memalign)
		resolve();
	walk();
	return real_memalign(a, n);
}
