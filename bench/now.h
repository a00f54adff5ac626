/* SPDX-License-Identifier: MIT */
/*
 * now.h - the benchmark programs' clock: monotonic seconds.
 */
#ifndef BENCH_NOW_H
#define BENCH_NOW_H

#include <time.h>

static inline double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

#endif
