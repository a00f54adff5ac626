/* SPDX-License-Identifier: MIT */
/*
 * formats.c - the names of the report formats and the check of --top.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "formats.h"

static const char *const format_names[FMT_N] = {
	[FMT_TEXT] = "text", [FMT_JSON] = "json", [FMT_FOLDED] = "folded",
	[FMT_PPROF] = "pprof", [FMT_HTML] = "html", [FMT_SARIF] = "sarif",
	[FMT_JUNIT] = "junit",
};

int format_find(const char *name)
{
	int i;

	for (i = 0; i < FMT_N; i++)
		if (!strcmp(name, format_names[i]))
			return i;
	return -1;
}

int top_parse(const char *arg, size_t *n)
{
	unsigned long long v;
	char *end;

	errno = 0;
	v = strtoull(arg, &end, 10);
	if (arg[0] < '0' || arg[0] > '9' || *end || errno || v == 0 ||
	    v > SIZE_MAX)
		return -1;
	*n = (size_t)v;
	return 0;
}
