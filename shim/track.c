/* SPDX-License-Identifier: MIT */
/*
 * track.c - the tracker's side of malloc, free and realloc.
 *
 * Order matters.  The stack is captured before any lock is taken (it is
 * the slow part); the table lock is held only for the insert.  free takes
 * the record out before the real free runs; realloc takes the old record
 * out first and puts it back if the real realloc fails, because only then
 * is the old block still the program's.  A block marked as a libpq object
 * (table.c) tells pq.c when it goes, whoever frees it: PQfinish, PQclear
 * and PQfreeCancel all end in free(), even when they were called through a
 * dlsym handle that bypasses the shim's libpq wrappers.
 *
 * The wrappers walk the stack themselves (track.h says why); what they
 * walked is trimmed of the shim's frames here.
 */
#include <errno.h>
#include <stdint.h>

#include "config.h"
#include "pq.h"
#include "real.h"
#include "shim.h"
#include "stack.h"
#include "table.h"
#include "track.h"

__thread uintptr_t lk_pcbuf[LK_STACK_CAPTURE]
	__attribute__((tls_model("initial-exec")));
int lk_capture_frames = LK_DEFAULT_DEPTH + 1;
__thread uintptr_t lk_stack_lo __attribute__((tls_model("initial-exec")));

__attribute__((noinline, cold)) int lk_capture_caller(void *ret)
{
	lk_pcbuf[0] = (uintptr_t)ret;
	return 1;
}

/*
 * The frames LK_CAPTURE walked start with the shim's own (track.h), which
 * are dropped.  Frames of the shim further down (libpq calling itself
 * through the shim's libpq wrappers) are rare and stay: the reporter
 * leaves out frames of libleakshim.so.  So the malloc path never copies
 * frames.
 */
static void lk_record(void *p, size_t size, int n)
{
	struct lk_block b;
	int top = 0;

	while (top < n && lk_stack_is_self(lk_pcbuf[top]))
		top++;
	n -= top;
	if (n > lk_capture_frames - 1)
		n = lk_capture_frames - 1;
	b.addr = (uintptr_t)p;
	b.size = size;
	b.stack = lk_stack_intern(lk_pcbuf + top, n);
	b.birth = __atomic_load_n(&lk_now, __ATOMIC_RELAXED);
	b.resource = 0;
	lk_table_add(&b);
}

void lk_track_alloc(void *p, size_t size, int n)
{
	lk_record(p, size, n);
}

void lk_track_free(void *p)
{
	if (lk_unlikely(lk_table_drop((uintptr_t)p) == 2))
		lk_pq_freed(p);
}

void *lk_track_realloc(void *p, size_t size, int n)
{
	struct lk_block old;
	int had, e;
	void *q;

	had = lk_table_del((uintptr_t)p, &old);
	q = lk_real.realloc(p, size);
	e = errno;
	if (q)
		lk_record(q, size, n);
	else if (size != 0 && had)
		lk_table_restore(&old);
	if (had && old.resource && (q || size == 0))
		lk_pq_freed(p);	/* never done by libpq; kept exact anyway */
	errno = e;
	return q;
}
