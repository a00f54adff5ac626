/* SPDX-License-Identifier: MIT */
/*
 * modmap.h - the module map records of a dump.
 */
#ifndef LK_MODMAP_H
#define LK_MODMAP_H

#include <stdint.h>

#include "out.h"

/* Writes one `m` record per loaded module; returns the number written. */
unsigned long lk_modmap_write(struct lk_out *o);

/* The address range of the module that contains addr; 0 if none. */
int lk_modmap_range(uintptr_t addr, uintptr_t *lo, uintptr_t *hi);

#endif
