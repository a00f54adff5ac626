/* SPDX-License-Identifier: MIT */
/*
 * formats.h - the report formats and --top, checked the same way by
 * leakreport and by the leakshim command, which checks its report options
 * before it runs the program rather than after a run that may take hours.
 */
#ifndef LK_FORMATS_H
#define LK_FORMATS_H

#include <stddef.h>

/* The formats of --format, in the order --help lists them. */
enum format {
	FMT_TEXT, FMT_JSON, FMT_FOLDED, FMT_PPROF, FMT_HTML, FMT_SARIF,
	FMT_JUNIT, FMT_N
};

#define FORMAT_LIST	"text, json, folded, pprof, html, sarif or junit"

/* The format called name, or -1. */
int format_find(const char *name);

/* --top's value: a positive whole number; 0 on success, -1 if it is not. */
int top_parse(const char *arg, size_t *n);

#endif
