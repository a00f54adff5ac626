/* SPDX-License-Identifier: MIT */
/*
 * tap.h - the smallest TAP producer that serves our unit tests.
 *
 * plan(n) or done_testing() at the end; ok(cond, fmt, ...) prints
 * "ok N - name" or "not ok N - name"; is_int and is_str also print what was
 * expected and what came, as TAP diagnostics.  exit_status() is what main
 * returns: 0 only if every test passed and the plan was met.
 */
#ifndef LK_TAP_H
#define LK_TAP_H

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static int tap_run, tap_failed, tap_planned = -1;

static inline void plan(int n)
{
	tap_planned = n;
	printf("1..%d\n", n);
}

static inline int vok(int cond, const char *fmt, va_list ap)
{
	printf("%sok %d - ", cond ? "" : "not ", ++tap_run);
	vprintf(fmt, ap);
	printf("\n");
	if (!cond)
		tap_failed++;
	fflush(stdout);
	return cond;
}

static inline int ok(int cond, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = vok(cond, fmt, ap);
	va_end(ap);
	return r;
}

#define is_int(got, want, ...) do { \
	long long g_ = (long long)(got), w_ = (long long)(want); \
	if (!ok(g_ == w_, __VA_ARGS__)) \
		printf("#   got %lld, want %lld\n", g_, w_); \
} while (0)

#define is_str(got, want, ...) do { \
	const char *g_ = (got), *w_ = (want); \
	if (!ok(g_ && w_ && strcmp(g_, w_) == 0, __VA_ARGS__)) \
		printf("#   got '%s', want '%s'\n", g_ ? g_ : "(null)", \
		       w_ ? w_ : "(null)"); \
} while (0)

static inline void done_testing(void)
{
	if (tap_planned < 0)
		printf("1..%d\n", tap_run);
}

static inline int exit_status(void)
{
	if (tap_planned >= 0 && tap_planned != tap_run)
		return 255;
	return tap_failed ? 1 : 0;
}

#endif
