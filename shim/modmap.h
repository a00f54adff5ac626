/* SPDX-License-Identifier: MIT */
/*
 * modmap.h - the module map records of a dump.
 */
#ifndef LK_MODMAP_H
#define LK_MODMAP_H

#include <stddef.h>
#include <stdint.h>

#include "out.h"

/* One loaded module, pointing into the loader's and the module's own
 * memory (valid while it stays loaded, and in a forked copy). */
struct lk_module {
	uintptr_t lo, hi;	/* mapped range */
	uintptr_t bias;		/* dlpi_addr */
	const unsigned char *build_id;	/* NULL if none */
	size_t build_id_len;
	const char *path;	/* "" for the main program */
};

struct lk_modmap {
	struct lk_module *m;	/* arena */
	size_t n, cap;
};

/*
 * Lists the loaded modules (dl_iterate_phdr, so it takes the loader's
 * lock: call it where no other thread can be stopped holding that lock,
 * that is, not in the scan's child).  Returns 0 or -ENOMEM.
 */
int lk_modmap_collect(struct lk_modmap *mm);
void lk_modmap_free(struct lk_modmap *mm);

/* Writes one `m` record per module, then one per module unloaded since
 * the start (their frames must still symbolize); returns the number
 * written. */
unsigned long lk_modmap_write(struct lk_out *o, const struct lk_modmap *mm);

/* fork: the list of unloaded modules (see dlclose in modmap.c). */
void lk_modmap_lock_all(void);
void lk_modmap_unlock_all(void);
void lk_modmap_reset_child(void);

/* The address range of the module that contains addr; 0 if none. */
int lk_modmap_range(uintptr_t addr, uintptr_t *lo, uintptr_t *hi);

#endif
