/* SPDX-License-Identifier: MIT */
/*
 * real.c - finds the allocator functions the wrappers forward to.
 *
 * dlsym(RTLD_NEXT) gives the definition that would have been used had the
 * shim not been preloaded: glibc's, or an allocator the program links
 * (jemalloc in redis).  dlsym itself may call calloc; that call re-enters
 * our wrapper while lk_real is still empty, finds this thread resolving,
 * and is served from the bootstrap pool (boot.c).  Should RTLD_NEXT find
 * nothing (a shim linked into the program statically), glibc's __libc_*
 * entry points are used, so no wrapper ever calls through NULL.
 */
#include <dlfcn.h>
#include <errno.h>
#include <sched.h>
#include <stdint.h>

#include "guard.h"
#include "real.h"

LK_HIDDEN struct lk_real lk_real;

/* glibc's own entry points, used only if RTLD_NEXT finds nothing. */
extern void *__libc_malloc(size_t);
extern void __libc_free(void *);
extern void *__libc_calloc(size_t, size_t);
extern void *__libc_realloc(void *, size_t);
extern void *__libc_memalign(size_t, size_t);
extern void *__libc_valloc(size_t);
extern void *__libc_pvalloc(size_t);

/* 0 never resolved, 1 in progress, 2 done. */
static int lk_resolve_state;
/* Set on the thread that is resolving, so its nested calls go to boot. */
static __thread int lk_resolving __attribute__((tls_model("initial-exec")));

static int lk_fallback_posix_memalign(void **out, size_t align, size_t size)
{
	void *p;

	if (align < sizeof(void *) || (align & (align - 1)))
		return EINVAL;
	p = __libc_memalign(align, size);
	if (!p)
		return ENOMEM;
	*out = p;
	return 0;
}

static void *lk_fallback_aligned_alloc(size_t align, size_t size)
{
	return __libc_memalign(align, size);
}

static size_t lk_fallback_usable_size(void *p)
{
	(void)p;
	return 0;
}

#define LK_NEXT(field, fallback) do { \
	void *f_ = dlsym(RTLD_NEXT, #field); \
	r.field = f_ ? (__typeof__(r.field))f_ : (fallback); \
} while (0)

static void lk_real_lookup(void)
{
	struct lk_real r;

	LK_NEXT(malloc, __libc_malloc);
	LK_NEXT(free, __libc_free);
	LK_NEXT(calloc, __libc_calloc);
	LK_NEXT(realloc, __libc_realloc);
	LK_NEXT(posix_memalign, lk_fallback_posix_memalign);
	LK_NEXT(aligned_alloc, lk_fallback_aligned_alloc);
	LK_NEXT(memalign, __libc_memalign);
	LK_NEXT(valloc, __libc_valloc);
	LK_NEXT(pvalloc, __libc_pvalloc);
	LK_NEXT(malloc_usable_size, lk_fallback_usable_size);
	/* malloc last: wrappers test it to know the rest is there. */
	lk_real.free = r.free;
	lk_real.calloc = r.calloc;
	lk_real.realloc = r.realloc;
	lk_real.posix_memalign = r.posix_memalign;
	lk_real.aligned_alloc = r.aligned_alloc;
	lk_real.memalign = r.memalign;
	lk_real.valloc = r.valloc;
	lk_real.pvalloc = r.pvalloc;
	lk_real.malloc_usable_size = r.malloc_usable_size;
	__atomic_store_n(&lk_real.malloc, r.malloc, __ATOMIC_RELEASE);
}

int lk_real_resolve(void)
{
	int expect = 0;

	if (__atomic_load_n(&lk_resolve_state, __ATOMIC_ACQUIRE) == 2)
		return 1;
	if (lk_resolving)
		return 0;
	if (__atomic_compare_exchange_n(&lk_resolve_state, &expect, 1, 0,
					__ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) {
		lk_resolving = 1;
		lk_real_lookup();
		lk_resolving = 0;
		__atomic_store_n(&lk_resolve_state, 2, __ATOMIC_RELEASE);
		return 1;
	}
	/* Another thread is resolving: its dlsym finishes quickly. */
	while (__atomic_load_n(&lk_resolve_state, __ATOMIC_ACQUIRE) != 2)
		sched_yield();
	return 1;
}
