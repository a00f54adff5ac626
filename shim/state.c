/* SPDX-License-Identifier: MIT */
/*
 * state.c - the shim's global state and its clocks, apart from the code
 * that drives them (shim.c, ctl.c), so unit tests can link the tables and
 * the dump writer without the constructor, the destructor and the control
 * thread.
 */
#include <time.h>

#include "shim.h"

int lk_state = LK_INIT;
struct lk_config lk_cfg;
uint64_t lk_start_ms;
uint32_t lk_now;
int lk_term_signal;

__thread int lk_in_shim __attribute__((tls_model("initial-exec")));

uint64_t lk_mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

uint64_t lk_wall_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}
