/* SPDX-License-Identifier: MIT */
/*
 * out.c - the shim's only way to write: a buffer over a raw fd.
 *
 * stdio takes locks and allocates, and after fork in a threaded host a
 * stdio lock can be held by a thread that no longer exists; so the shim
 * formats numbers itself and calls write(2).  The same formatter serves
 * the warnings on stderr (lk_warn) and the dump writer.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>	/* rename(2) only: no stdio streams */
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "out.h"

static const char lk_hexdigits[] = "0123456789abcdef";

void lk_out_init(struct lk_out *o, int fd)
{
	o->fd = fd;
	o->err = 0;
	o->len = 0;
}

int lk_write_all(int fd, const char *buf, size_t n)
{
	ssize_t w;

	while (n > 0) {
		w = write(fd, buf, n);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (w == 0)
			return -EIO;
		buf += w;
		n -= (size_t)w;
	}
	return 0;
}

int lk_out_flush(struct lk_out *o)
{
	int r;

	if (o->len && !o->err) {
		r = lk_write_all(o->fd, o->buf, o->len);
		if (r)
			o->err = -r;
	}
	o->len = 0;
	return o->err ? -o->err : 0;
}

void lk_out_mem(struct lk_out *o, const char *s, size_t n)
{
	size_t k;

	while (n > 0) {
		if (o->len == sizeof(o->buf))
			lk_out_flush(o);
		k = sizeof(o->buf) - o->len;
		if (k > n)
			k = n;
		memcpy(o->buf + o->len, s, k);
		o->len += k;
		s += k;
		n -= k;
	}
}

void lk_out_char(struct lk_out *o, char c)
{
	if (o->len == sizeof(o->buf))
		lk_out_flush(o);
	o->buf[o->len++] = c;
}

void lk_out_str(struct lk_out *o, const char *s)
{
	lk_out_mem(o, s, strlen(s));
}

void lk_out_field(struct lk_out *o, const char *s)
{
	unsigned char c;

	for (; (c = (unsigned char)*s) != 0; s++) {
		if (c == '\\') {
			lk_out_mem(o, "\\\\", 2);
		} else if (c == '\n') {
			lk_out_mem(o, "\\n", 2);
		} else if (c < 0x20 || c == 0x7f) {
			lk_out_mem(o, "\\x", 2);
			lk_out_char(o, lk_hexdigits[c >> 4]);
			lk_out_char(o, lk_hexdigits[c & 15]);
		} else {
			lk_out_char(o, (char)c);
		}
	}
}

static size_t lk_utoa(char *tmp, uint64_t v, unsigned base)
{
	size_t n = 0;

	do {
		tmp[n++] = lk_hexdigits[v % base];
		v /= base;
	} while (v);
	return n;
}

static void lk_out_num(struct lk_out *o, uint64_t v, unsigned base)
{
	char tmp[24];
	size_t n = lk_utoa(tmp, v, base);

	while (n > 0)
		lk_out_char(o, tmp[--n]);
}

void lk_out_hex(struct lk_out *o, uint64_t v)
{
	lk_out_num(o, v, 16);
}

void lk_out_dec(struct lk_out *o, uint64_t v)
{
	lk_out_num(o, v, 10);
}

/* --- files written whole --- */

int lk_file_open(struct lk_file *f, const char *path, unsigned mode)
{
	const int flags = O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
			  O_CLOEXEC;
	int fd, low;

	f->path = path;
	lk_format(f->tmp, sizeof(f->tmp), "%s.tmp%d", path, (int)getpid());
	fd = open(f->tmp, flags, mode);
	if (fd < 0 && errno == EEXIST && unlink(f->tmp) == 0)
		fd = open(f->tmp, flags, mode);	/* left by a crash */
	if (fd >= 0 && fd < 3) {
		/* The host closed a standard fd; do not sit on it. */
		low = fd;
		fd = fcntl(low, F_DUPFD_CLOEXEC, 3);
		close(low);
	}
	if (fd < 0)
		return -errno;
	fchmod(fd, mode);
	f->fd = fd;
	return 0;
}

int lk_file_commit(struct lk_file *f, int r)
{
	if (close(f->fd) && !r)
		r = -errno;
	if (!r && rename(f->tmp, f->path))
		r = -errno;
	if (r)
		unlink(f->tmp);
	return r;
}

/* --- formatter --- */

struct lk_sink {
	char *buf;
	size_t size;
	size_t len;
};

static void lk_sink_put(struct lk_sink *s, char c)
{
	if (s->len + 1 < s->size)
		s->buf[s->len] = c;
	s->len++;
}

static void lk_sink_num(struct lk_sink *s, uint64_t v, unsigned base, int neg)
{
	char tmp[24];
	size_t n = lk_utoa(tmp, v, base);

	if (neg)
		lk_sink_put(s, '-');
	while (n > 0)
		lk_sink_put(s, tmp[--n]);
}

/* Reads one integer argument of the given length modifier. */
static uint64_t lk_arg_uint(va_list *ap, int lng)
{
	if (lng >= 2)
		return va_arg(*ap, unsigned long long);
	if (lng == 1)
		return va_arg(*ap, unsigned long);
	return va_arg(*ap, unsigned int);
}

static int64_t lk_arg_int(va_list *ap, int lng)
{
	if (lng >= 2)
		return va_arg(*ap, long long);
	if (lng == 1)
		return va_arg(*ap, long);
	return va_arg(*ap, int);
}

static void lk_sink_conv(struct lk_sink *s, char c, int lng, va_list *ap)
{
	const char *str;
	int64_t iv;

	switch (c) {
	case 's':
		str = va_arg(*ap, const char *);
		for (str = str ? str : "(null)"; *str; str++)
			lk_sink_put(s, *str);
		break;
	case 'c':
		lk_sink_put(s, (char)va_arg(*ap, int));
		break;
	case 'd':
		iv = lk_arg_int(ap, lng);
		lk_sink_num(s, iv < 0 ? -(uint64_t)iv : (uint64_t)iv, 10, iv < 0);
		break;
	case 'u':
		lk_sink_num(s, lk_arg_uint(ap, lng), 10, 0);
		break;
	case 'x':
		lk_sink_num(s, lk_arg_uint(ap, lng), 16, 0);
		break;
	case 'p':
		lk_sink_put(s, '0');
		lk_sink_put(s, 'x');
		lk_sink_num(s, (uintptr_t)va_arg(*ap, void *), 16, 0);
		break;
	default:
		lk_sink_put(s, '%');
		lk_sink_put(s, c);
	}
}

size_t lk_vformat(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct lk_sink s = { buf, size, 0 };
	va_list aq;
	int lng;

	va_copy(aq, ap);
	for (; *fmt; fmt++) {
		if (*fmt != '%') {
			lk_sink_put(&s, *fmt);
			continue;
		}
		fmt++;
		if (*fmt == '%') {
			lk_sink_put(&s, '%');
			continue;
		}
		for (lng = 0; *fmt == 'l' || *fmt == 'z'; fmt++)
			lng++;
		if (!*fmt)
			break;
		lk_sink_conv(&s, *fmt, lng, &aq);
	}
	va_end(aq);
	if (size)
		buf[s.len < size ? s.len : size - 1] = 0;
	return s.len;
}

size_t lk_format(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	size_t n;

	va_start(ap, fmt);
	n = lk_vformat(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

static int lk_warnings;

/*
 * What fd 2 was when the shim started.  Daemons close stderr and the
 * number goes to whatever they open next: a database file, a socket to a
 * client.  A line written there would corrupt it, so a warning is written
 * only while fd 2 is still the file it was at the start, or is now
 * something a log line suits (a terminal, pipe or socket, or a file opened
 * for appending, as log files are).  Otherwise the line is dropped: losing
 * a warning is better than a stray line in the program's data.
 */
static struct {
	int known;		/* 1 once lk_err_remember ran */
	int open;		/* fd 2 was open then */
	dev_t dev;
	ino_t ino;
} lk_err;

void lk_err_remember(void)
{
	struct stat st;

	lk_err.open = fstat(2, &st) == 0;
	if (lk_err.open) {
		lk_err.dev = st.st_dev;
		lk_err.ino = st.st_ino;
	}
	lk_err.known = 1;
}

static int lk_err_usable(void)
{
	struct stat st;
	int fl;

	if (fstat(2, &st))
		return 0;
	if (!lk_err.known || (lk_err.open && st.st_dev == lk_err.dev &&
			      st.st_ino == lk_err.ino))
		return 1;
	if (S_ISCHR(st.st_mode) || S_ISFIFO(st.st_mode) ||
	    S_ISSOCK(st.st_mode))
		return 1;
	fl = fcntl(2, F_GETFL);
	return S_ISREG(st.st_mode) && fl >= 0 && (fl & O_APPEND);
}

static void lk_vline(const char *fmt, va_list ap)
{
	char line[1024];
	size_t n;
	int e = errno;

	if (!lk_err_usable())
		return;

	memcpy(line, "leakshim: ", 10);
	n = 10 + lk_vformat(line + 10, sizeof(line) - 11, fmt, ap);
	if (n > sizeof(line) - 2)
		n = sizeof(line) - 2;
	line[n++] = '\n';
	lk_write_all(2, line, n);
	errno = e;
}

void lk_warn(const char *fmt, ...)
{
	va_list ap;

	if (__atomic_fetch_add(&lk_warnings, 1, __ATOMIC_RELAXED) >=
	    LK_MAX_WARNINGS)
		return;
	va_start(ap, fmt);
	lk_vline(fmt, ap);
	va_end(ap);
}

void lk_alert(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	lk_vline(fmt, ap);
	va_end(ap);
}
