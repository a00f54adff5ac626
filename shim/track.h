/* SPDX-License-Identifier: MIT */
/*
 * track.h - what happens on each allocation event.  Callers hold the
 * guard and have checked that the shim is tracking.
 */
#ifndef LK_TRACK_H
#define LK_TRACK_H

#include <stddef.h>

/* A block p of `size` bytes was just allocated by the caller's caller. */
void lk_track_alloc(void *p, size_t size);

/* p is about to be freed (called before the real free, so that another
 * thread cannot receive p from malloc and record it first). */
void lk_track_free(void *p);

/* realloc(p, size) for a p that is not NULL: records the move around the
 * real call, and returns what the real realloc returned, with its errno. */
void *lk_track_realloc(void *p, size_t size);

#endif
