/* SPDX-License-Identifier: MIT */
/*
 * progress.c - the progress line of progress.h.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "progress.h"

static struct {
	bool on;		/* stderr is a terminal */
	uint64_t after_ms;	/* a job shows once it is this old */
	const char *what;	/* the current job, or NULL */
	uint64_t start_ms;	/* when it began */
	uint64_t last_ms;	/* when the line was last drawn, 0 never */
} pg = { false, 500, NULL, 0, 0 };

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

void progress_init(void)
{
	const char *e = getenv("LEAKREPORT_PROGRESS_MS");
	const char *term = getenv("TERM");

	pg.on = isatty(2) && !(term && !strcmp(term, "dumb"));
	if (e && *e)
		pg.after_ms = strtoull(e, NULL, 10);
}

void progress_show(const char *what, size_t done, size_t total)
{
	uint64_t t;

	if (!pg.on)
		return;
	t = now_ms();
	if (what != pg.what) {
		progress_done();
		pg.what = what;
		pg.start_ms = t;
	}
	if (t - pg.start_ms < pg.after_ms ||
	    (pg.last_ms && t - pg.last_ms < 100))
		return;
	pg.last_ms = t;
	fprintf(stderr, "\rleakreport: %s %zu/%zu (%zu%%)\033[K", what, done,
		total, total ? done * 100 / total : 100);
	fflush(stderr);
}

void progress_done(void)
{
	if (pg.last_ms) {
		fputs("\r\033[K", stderr);
		fflush(stderr);
	}
	pg.what = NULL;
	pg.last_ms = 0;
}
