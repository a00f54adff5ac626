/* SPDX-License-Identifier: MIT */
/*
 * suppress.h - LeakSanitizer-style suppression files: reading them, and
 * matching their patterns against the frames of a symbolized stack.
 */
#ifndef LK_REPORTER_SUPPRESS_H
#define LK_REPORTER_SUPPRESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util.h"

struct report_stack;

/* One pattern of a suppression file, and what it suppressed. */
struct report_supp_pattern {
	char *pattern;		/* as written, surrounding blanks removed */
	const char *file;	/* the file it comes from (report_supp's) */
	size_t line;		/* its line there, 1-based */
	uint64_t blocks, bytes;	/* suppressed by it first, in the report */
};

/* One suppression file loaded. */
struct report_supp_file {
	char *path;		/* as given */
	uint64_t dev, ino;	/* what it is, to load it only once */
};

/* The suppression files loaded, and their patterns in order. */
struct report_supp {
	struct report_supp_pattern *patterns;
	size_t count, cap;
	struct report_supp_file *files;	/* in load order */
	size_t nfiles, files_cap;
};


/*
 * Reads the `leak:` patterns of path into s.  Returns 0, or a negative
 * errno with a message naming the file and line (unreadable file,
 * unknown suppression type, empty pattern); s is unchanged on failure.
 */
int suppress_load(struct report_supp *s, const char *path,
		  struct util_err *err);

void suppress_free(struct report_supp *s);

/*
 * LeakSanitizer's TemplateMatch: `*` matches any run of characters, a
 * leading `^` anchors at the start, a trailing `$` at the end, otherwise
 * the pattern may match anywhere.  A NULL str never matches.
 */
bool suppress_match(const char *pattern, const char *str);

/* The index of the first pattern of s that matches a frame's function,
 * file or module name in st, or s->count if none does. */
size_t suppress_find(const struct report_supp *s,
		     const struct report_stack *st);

#endif
