/* SPDX-License-Identifier: MIT */
/*
 * scan.h - a snapshot of the live blocks, and their classification by a
 * conservative pointer scan: direct, indirect or reachable.
 */
#ifndef LK_SCAN_H
#define LK_SCAN_H

#include <stddef.h>
#include <stdint.h>

/* One live block of a snapshot. */
struct lk_sblock {
	uintptr_t addr;
	uint64_t size;
	uint32_t stack;
	uint32_t birth;
};

/* The live blocks at one moment, sorted by address. */
struct lk_snap {
	struct lk_sblock *b;	/* n blocks, ascending addresses (arena) */
	char *cls;		/* LK_CLASS_* of each block (arena) */
	size_t n;
	size_t cap;		/* entries allocated in b and cls */
	uint64_t usec;		/* time taken to copy and sort them */
};

/*
 * Copies every live block out of the table and sorts them.  The caller
 * holds every shard lock (lk_table_lock_all), or is the only thread.
 * Every block starts as LK_CLASS_LIVE.  Returns 0 or -ENOMEM.
 */
int lk_snap_take_locked(struct lk_snap *s);
void lk_snap_free(struct lk_snap *s);

/* Where the dumping thread stands, so the scan leaves out its own frames. */
struct lk_scan_self {
	uintptr_t sp;		/* scan this thread's stack from here up */
};

/* What a scan did, for the dump and for measurements. */
struct lk_scan_stats {
	uint64_t root_bytes;	/* bytes of roots scanned */
	uint64_t heap_bytes;	/* bytes of reachable blocks scanned */
	uint64_t roots;		/* root ranges */
	uint64_t usec;		/* time it took */
};

/*
 * Classifies every block of s: reachable from the roots (writable private
 * mappings other than malloc's arenas, the shim's memory and the stacks of
 * exited threads; the caller's stack above self->sp), else
 * a leak, direct or indirect as valgrind decides them.  Blocks must stay
 * valid during the scan (shard locks held, or a frozen copy); roots are
 * read with process_vm_readv, so a mapping that goes away is skipped, not
 * a crash.  Returns 0 or -ENOMEM (the snapshot then stays unclassified).
 */
int lk_scan_classify(struct lk_snap *s, const struct lk_scan_self *self,
		     struct lk_scan_stats *st);

/* Sorts n blocks by address (radix sort, no allocation but tmp). */
void lk_scan_sort(struct lk_sblock *b, struct lk_sblock *tmp, size_t n);

/* libc's loaded range (text, data and bss), noted at start; 0, 0 if
 * unknown.  Roots in it count pointers to a block's start only. */
extern uintptr_t lk_libc_lo, lk_libc_hi;

/*
 * The malloc the wrappers call is not glibc's (jemalloc under redis, say).
 * Such an allocator keeps its own pointers to the blocks it hands out (in
 * its extents, its slabs' free regions) where the scan cannot tell them
 * from the program's: every leak would look reachable.  Dumps then stay
 * unclassified, with scan_error EOPNOTSUPP.
 */
extern int lk_foreign_malloc;

#endif
