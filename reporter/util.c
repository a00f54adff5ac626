/* SPDX-License-Identifier: MIT */
/*
 * util.c - helpers shared by the reporter's modules: error messages that
 * travel upward, growable arrays, whole-file reading, UTF-8 checking.
 * See util.h.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util.h"

bool util_hash_oom;

/* A dump larger than this is not something the shim writes. */
#define UTIL_FILE_MAX	((size_t)1 << 32)

int util_fail(struct util_err *err, int code, const char *fmt, ...)
{
	va_list ap;

	if (!err)
		return code;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	return code;
}

int util_grow(void *array, size_t *cap, size_t need, size_t elsize)
{
	void **p = array;
	size_t n = *cap ? *cap : 16;
	void *q;

	if (need <= *cap)
		return 0;
	while (n < need) {
		if (n > SIZE_MAX / 2)
			return -ENOMEM;
		n *= 2;
	}
	if (n > SIZE_MAX / elsize)
		return -ENOMEM;
	q = realloc(*p, n * elsize);
	if (!q)
		return -ENOMEM;
	*p = q;
	*cap = n;
	return 0;
}

/* Read fd to its end into *data; the caller names the file in messages. */
static int read_all(int fd, char **data, size_t *size)
{
	char *buf = NULL;
	size_t cap = 0, len = 0;
	ssize_t n;

	for (;;) {
		if (len + 1 >= cap && util_grow(&buf, &cap, len + 65536, 1))
			goto out_nomem;
		n = read(fd, buf + len, cap - len - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			n = -errno;
			free(buf);
			return (int)n;
		}
		if (n == 0)
			break;
		len += (size_t)n;
		if (len > UTIL_FILE_MAX)
			goto out_nomem;
	}
	if (!buf && util_grow(&buf, &cap, 1, 1))
		return -ENOMEM;
	buf[len] = '\0';
	*data = buf;
	*size = len;
	return 0;
out_nomem:
	free(buf);
	return -EFBIG;
}

int util_read_file(const char *path, char **data, size_t *size,
		   struct util_err *err)
{
	struct stat st;
	int fd, r;

	fd = strcmp(path, "-") ? open(path, O_RDONLY | O_CLOEXEC) : 0;
	if (fd < 0)
		return util_fail(err, -errno, "%s: %s", path, strerror(errno));
	/* read(2) on a directory fails with EISDIR anyway; say it plainly. */
	if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
		r = util_fail(err, -EISDIR, "%s: is a directory", path);
		goto out_close;
	}
	r = read_all(fd, data, size);
	if (r == -EFBIG || r == -ENOMEM)
		util_fail(err, r, "%s: file too large", path);
	else if (r < 0)
		util_fail(err, r, "%s: %s", path, strerror(-r));
out_close:
	if (fd > 0)
		close(fd);
	return r;
}

const char *util_show(char *buf, size_t bufsize, const char *s, size_t len)
{
	size_t i, o = 0;

	for (i = 0; i < len && i < UTIL_SHOW_MAX && o + 8 < bufsize; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c >= 0x20 && c < 0x7f)
			buf[o++] = (char)c;
		else
			o += (size_t)snprintf(buf + o, bufsize - o, "\\x%02x",
					      c);
	}
	if (i < len && o + 4 < bufsize)
		o += (size_t)snprintf(buf + o, bufsize - o, "...");
	buf[o] = '\0';
	return buf;
}

uint64_t util_sat_add(uint64_t a, uint64_t b)
{
	uint64_t r;

	return __builtin_add_overflow(a, b, &r) ? UINT64_MAX : r;
}

uint64_t util_ms_to_tenths(uint64_t ms)
{
	return ms / 100 + (ms % 100 >= 50);
}

size_t util_utf8_len(const unsigned char *s)
{
	uint32_t cp, min;
	size_t n, i;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		n = 2, cp = s[0] & 0x1f, min = 0x80;
	} else if ((s[0] & 0xf0) == 0xe0) {
		n = 3, cp = s[0] & 0x0f, min = 0x800;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		n = 4, cp = s[0] & 0x07, min = 0x10000;
	} else {
		return 0;
	}
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;	/* also stops at the NUL */
		cp = cp << 6 | (s[i] & 0x3f);
	}
	/* Overlong forms, surrogates and values past Unicode are invalid. */
	if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return n;
}
