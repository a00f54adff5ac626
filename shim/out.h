/* SPDX-License-Identifier: MIT */
/*
 * out.h - buffered output to a file descriptor without stdio or malloc,
 * number formatting, and lk_warn for the shim's few stderr lines.
 */
#ifndef LK_OUT_H
#define LK_OUT_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

struct lk_out {
	int fd;			/* where flushes go */
	int err;		/* first errno a write failed with, or 0 */
	size_t len;		/* bytes waiting in buf */
	char buf[8192];
};

void lk_out_init(struct lk_out *o, int fd);
void lk_out_mem(struct lk_out *o, const char *s, size_t n);
void lk_out_char(struct lk_out *o, char c);
void lk_out_str(struct lk_out *o, const char *s);
/* A string field of the dump format: escaped, see dumpfmt.h. */
void lk_out_field(struct lk_out *o, const char *s);
void lk_out_hex(struct lk_out *o, uint64_t v);
void lk_out_dec(struct lk_out *o, uint64_t v);
/* Writes what is buffered; returns 0 or the negative errno of the first
 * failed write since lk_out_init. */
int lk_out_flush(struct lk_out *o);

/* Writes all of buf to fd, retrying on EINTR and short writes. */
int lk_write_all(int fd, const char *buf, size_t n);

/*
 * A file that appears whole or not at all: written under a temporary name
 * beside it (created exclusively, never through a symlink, off the
 * standard fds), then renamed over it.
 */
struct lk_file {
	const char *path;
	char tmp[4096 + 32];
	int fd;
};

/* Creates the temporary file with `mode` (whatever the umask); 0 or a
 * negative errno. */
int lk_file_open(struct lk_file *f, const char *path, unsigned mode);

/* Closes it; renames it into place if r is 0, else removes it.  Returns
 * r, or the errno of a failed close or rename. */
int lk_file_commit(struct lk_file *f, int r);

/*
 * A printf subset that never allocates: %s %c %d %u %x %p %%, with the
 * l, ll and z length modifiers.  Always NUL-terminates; returns the length
 * it would have written.
 */
size_t lk_vformat(char *buf, size_t size, const char *fmt, va_list ap);
size_t lk_format(char *buf, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* One "leakshim: ..." line on stderr; at most LK_MAX_WARNINGS per process,
 * so a broken state cannot flood the host's stderr.  Keeps errno. */
void lk_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#define LK_MAX_WARNINGS 16

/* Notes what fd 2 is now; later lines go there only while it is still
 * that file, or something a log line suits (see out.c). */
void lk_err_remember(void);

/* Like lk_warn, but not counted against LK_MAX_WARNINGS: for alerts the
 * user asked for (conn_max), which their caller rate-limits. */
void lk_alert(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
