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

#endif
