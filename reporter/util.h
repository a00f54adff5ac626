/* SPDX-License-Identifier: MIT */
/*
 * util.h - small helpers shared by the reporter's modules: an error message
 * buffer that travels upward with a negative errno, growable arrays with
 * overflow checks, reading a whole file into memory, and telling valid
 * UTF-8 (which JSON and XML writers keep) from bytes they must replace.
 *
 * Functions below the top level never print.  When they fail they fill a
 * struct util_err with a message that already names the file (and line,
 * where there is one) and return a negative errno; only main.c prints it.
 *
 * Macros: this header sets HASH_NONFATAL_OOM and uthash_nonfatal_oom for
 * every user of uthash in the reporter, so it must come before
 * <uthash.h>: a failed allocation inside HASH_ADD then sets util_hash_oom
 * instead of calling exit(3), and the caller returns -ENOMEM.
 */
#ifndef LK_REPORTER_UTIL_H
#define LK_REPORTER_UTIL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef UTHASH_H
#error "include util.h before uthash.h"
#endif
#define HASH_NONFATAL_OOM 1
#define uthash_nonfatal_oom(obj) (util_hash_oom = true)

/* Set when uthash could not allocate; clear it before an add. */
extern bool util_hash_oom;

/* Longest error message; longer ones are cut, never overflowed. */
#define UTIL_ERR_MAX	512

/* The message of the first failure on the way up; empty when none. */
struct util_err {
	char msg[UTIL_ERR_MAX];	/* "app.dump:12: what is wrong" */
};

/*
 * Format a message into err (which may be NULL) and return code, so that
 * callers can write `return util_fail(err, -EINVAL, "...", ...)`.
 */
int util_fail(struct util_err *err, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/*
 * Make room for need elements of size elsize in *array, whose capacity is
 * *cap elements.  Grows geometrically.  Returns 0 or -ENOMEM (also when
 * the size would overflow); *array is untouched on failure.
 */
int util_grow(void *array, size_t *cap, size_t need, size_t elsize);

/*
 * Read all of path ("-" means standard input) into a malloc'd buffer that
 * gets one extra NUL byte after *size bytes (the data itself may contain
 * NUL bytes).  Returns 0, or a negative errno with a message naming path:
 * a missing file, a directory, an unreadable file, a file too large.
 */
int util_read_file(const char *path, char **data, size_t *size,
		   struct util_err *err);

/* Longest piece of input util_show quotes, and the buffer it needs. */
#define UTIL_SHOW_MAX	40
#define UTIL_SHOW_BUF	(UTIL_SHOW_MAX * 4 + 8)

/*
 * Copy s[0..len) into buf for a message: printable ASCII as is, anything
 * else as \xHH, cut with "..." after UTIL_SHOW_MAX bytes.  Returns buf.
 */
const char *util_show(char *buf, size_t bufsize, const char *s, size_t len);

/* a + b, stuck at UINT64_MAX: a hostile dump must not wrap the totals. */
uint64_t util_sat_add(uint64_t a, uint64_t b);

/* Round milliseconds to tenths of a second, without overflow. */
uint64_t util_ms_to_tenths(uint64_t ms);

/*
 * The length of the valid UTF-8 sequence that starts at s (NUL-terminated:
 * the NUL ends any sequence), or 0 when there is none: a stray
 * continuation byte, an overlong form, a surrogate, a value past U+10FFFF.
 */
size_t util_utf8_len(const unsigned char *s);

#endif
