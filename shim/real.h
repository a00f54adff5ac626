/* SPDX-License-Identifier: MIT */
/*
 * real.h - the next-in-chain allocation functions the wrappers call.
 */
#ifndef LK_REAL_H
#define LK_REAL_H

#include <stddef.h>

struct lk_real {
	void *(*malloc)(size_t);
	void (*free)(void *);
	void *(*calloc)(size_t, size_t);
	void *(*realloc)(void *, size_t);
	int (*posix_memalign)(void **, size_t, size_t);
	void *(*aligned_alloc)(size_t, size_t);
	void *(*memalign)(size_t, size_t);
	void *(*valloc)(size_t);
	void *(*pvalloc)(size_t);
	size_t (*malloc_usable_size)(void *);
};

extern struct lk_real lk_real;

/*
 * Fills lk_real.  Returns 1 when every pointer is set; 0 if this thread is
 * already resolving (dlsym allocated): the caller must then serve the
 * request from the bootstrap pool.
 */
int lk_real_resolve(void);

#endif
