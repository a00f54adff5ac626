/* SPDX-License-Identifier: MIT */
/*
 * progress.h - one line on a terminal while leakreport works through a
 * long job (symbolizing a big dump, reading the dumps of a trend).
 *
 * The only printing below main.c, and on purpose: it is display, not an
 * error.  It shows only when stderr is a terminal (never in a log, a pipe
 * or a CI file), only once a job has taken longer than half a second, at
 * most ten times a second, and erases itself when the job ends, so what
 * the report writes next starts on a clean line.
 */
#ifndef LK_REPORTER_PROGRESS_H
#define LK_REPORTER_PROGRESS_H

#include <stddef.h>

/* Turns the line on when stderr is a terminal.  LEAKREPORT_PROGRESS_MS
 * (for tests) changes the half second a job waits before showing. */
void progress_init(void);

/* `done` of `total` steps of the job `what` ("symbolizing stacks"). */
void progress_show(const char *what, size_t done, size_t total);

/* The job ended: erase the line if one was shown. */
void progress_done(void);

#endif
