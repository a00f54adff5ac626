/* SPDX-License-Identifier: MIT */
/*
 * json.h - writes a report as the JSON object DESIGN.md specifies for
 * `leakreport --format json` (format "leakshim-report", version 1).
 */
#ifndef LK_REPORTER_JSON_H
#define LK_REPORTER_JSON_H

#include <stdio.h>

#include "report.h"

/* The report format version this writer produces. */
#define JSON_REPORT_VERSION	1

/* Write r to out.  Returns 0, or a negative errno if writing failed. */
int json_write(FILE *out, const struct report *r);

/* A JSON string of any bytes (invalid UTF-8 as U+FFFD), null for NULL. */
void json_put_string(FILE *out, const char *str);

/* Milliseconds as seconds with one decimal: 11949 -> 11.9. */
void json_put_seconds(FILE *out, uint64_t ms);

/* Unix milliseconds as an ISO 8601 UTC string, or null. */
void json_put_time(FILE *out, uint64_t ms);

/* The frames of st as a JSON list of FRAME objects (DESIGN.md). */
void json_put_frames(FILE *out, const struct report_stack *st);

#endif
