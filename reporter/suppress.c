/* SPDX-License-Identifier: MIT */
/*
 * suppress.c - suppression files in LeakSanitizer's syntax, `leak:PATTERN`
 * one a line, and the matching of their patterns against the function,
 * file and module names of a stack's frames.  Any frame that matches
 * suppresses the whole report entry; report.c counts what each pattern
 * took.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "report.h"
#include "suppress.h"
#include "symbolize.h"

/* --- suppressions: matching --- */

/* Find seg[0..n) in str[*pos..len), leftmost, and move *pos past it. */
static bool find_segment(const char *str, size_t len, size_t *pos,
			 const char *seg, size_t n)
{
	const char *p;

	if (!n)
		return true;
	p = memmem(str + *pos, len - *pos, seg, n);
	if (!p)
		return false;
	*pos = (size_t)(p - str) + n;
	return true;
}

/* A pattern without "*": p[0..n) as a whole, prefix, suffix or part. */
static bool match_plain(const char *p, size_t n, const char *str,
			size_t len, bool head, bool tail)
{
	size_t pos = 0;

	if (n > len)
		return false;
	if (head && tail)
		return n == len && !memcmp(str, p, n);
	if (head)
		return !memcmp(str, p, n);
	if (tail)
		return !memcmp(str + len - n, p, n);
	return find_segment(str, len, &pos, p, n);
}

/*
 * The segments between the stars of p[0..n) are found one after the
 * other, each leftmost: the first at the start of str when head, the
 * last at its end when tail.  With only "*" as a wildcard, taking each
 * middle segment as early as possible never loses a match.
 */
bool suppress_match(const char *pattern, const char *str)
{
	const char *p = pattern, *end, *star;
	size_t n, len, pos = 0;
	bool head, tail;

	if (!str || !*str)
		return false;
	head = *p == '^';
	p += head;
	n = strlen(p);
	tail = n && p[n - 1] == '$';
	n -= tail;
	end = p + n;
	len = strlen(str);
	star = memchr(p, '*', n);
	if (!star)
		return match_plain(p, n, str, len, head, tail);
	if (head) {
		if ((size_t)(star - p) > len ||
		    memcmp(str, p, (size_t)(star - p)))
			return false;
		pos = (size_t)(star - p);
	} else if (!find_segment(str, len, &pos, p, (size_t)(star - p))) {
		return false;
	}
	for (p = star + 1; (star = memchr(p, '*', (size_t)(end - p)));
	     p = star + 1)
		if (!find_segment(str, len, &pos, p, (size_t)(star - p)))
			return false;
	n = (size_t)(end - p);
	if (tail)
		return len - pos >= n && !memcmp(str + len - n, p, n);
	return find_segment(str, len, &pos, p, n);
}

/* Whether pattern matches a name of frame f: function, file, module. */
static bool frame_matches(const char *pattern, const struct sym_frame *f)
{
	return suppress_match(pattern, f->function) ||
	       suppress_match(pattern, f->file) ||
	       suppress_match(pattern, f->module);
}

/* The index of the first pattern that matches a frame of st, or count. */
size_t suppress_find(const struct report_supp *s,
		     const struct report_stack *st)
{
	size_t k, i;

	for (k = 0; k < s->count; k++)
		for (i = 0; i < st->nframes; i++)
			if (frame_matches(s->patterns[k].pattern,
					  &st->frames[i]))
				return k;
	return s->count;
}

/* --- suppressions: files --- */

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

/* s[0..*len) without the blanks around it; *len is updated. */
static const char *trim(const char *s, size_t *len)
{
	while (*len && is_blank(*s)) {
		s++;
		(*len)--;
	}
	while (*len && is_blank(s[*len - 1]))
		(*len)--;
	return s;
}

/* Append pattern p[0..n) of file f, line n, to s. */
static int supp_add(struct report_supp *s, const char *f, size_t line,
		    const char *p, size_t n, struct util_err *err)
{
	struct report_supp_pattern *e;

	if (util_grow(&s->patterns, &s->cap, s->count + 1, sizeof(*e)))
		return util_fail(err, -ENOMEM, "out of memory");
	e = &s->patterns[s->count];
	memset(e, 0, sizeof(*e));
	e->pattern = strndup(p, n);
	if (!e->pattern)
		return util_fail(err, -ENOMEM, "out of memory");
	e->file = f;
	e->line = line;
	s->count++;
	return 0;
}

/* Line number line, s[0..len), of suppression file f. */
static int supp_line(struct report_supp *s, const char *f, size_t line,
		     const char *text, size_t len, struct util_err *err)
{
	char buf[UTIL_SHOW_BUF];
	const char *colon, *type, *p;
	size_t tlen, plen;

	text = trim(text, &len);
	if (!len || text[0] == '#')
		return 0;
	if (memchr(text, '\0', len))
		return util_fail(err, -EINVAL, "%s:%zu: NUL byte in the line",
				 f, line);
	colon = memchr(text, ':', len);
	tlen = colon ? (size_t)(colon - text) : len;
	type = trim(text, &tlen);
	if (!colon || tlen != 4 || memcmp(type, "leak", 4))
		return util_fail(err, -EINVAL, "%s:%zu: unknown suppression "
				 "type '%s' (only leak: is supported)", f,
				 line, util_show(buf, sizeof(buf), type,
						 tlen));
	plen = len - (size_t)(colon + 1 - text);
	p = trim(colon + 1, &plen);
	if (!plen)
		return util_fail(err, -EINVAL, "%s:%zu: empty pattern after "
				 "leak:", f, line);
	return supp_add(s, f, line, p, plen, err);
}

/* The lines of buf[0..size), the text of suppression file f, into s. */
static int supp_lines(struct report_supp *s, const char *f,
		      const char *buf, size_t size, struct util_err *err)
{
	const char *p = buf, *end = buf + size, *nl;
	size_t line;
	int r;

	for (line = 1; p < end; line++) {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (!nl)
			nl = end;
		r = supp_line(s, f, line, p, (size_t)(nl - p), err);
		if (r)
			return r;
		p = nl + 1;
	}
	return 0;
}

/* Whether the file with this identity is loaded already. */
static bool supp_loaded(const struct report_supp *s, const struct stat *st)
{
	size_t i;

	for (i = 0; i < s->nfiles; i++)
		if (s->files[i].dev == (uint64_t)st->st_dev &&
		    s->files[i].ino == (uint64_t)st->st_ino)
			return true;
	return false;
}

/* Drop what the file loaded last added: patterns from first on, it. */
static void supp_undo(struct report_supp *s, size_t first)
{
	while (s->count > first)
		free(s->patterns[--s->count].pattern);
	free(s->files[--s->nfiles].path);
}

/* Add path to the files of s, as st identifies it. */
static int supp_add_file(struct report_supp *s, const char *path,
			 const struct stat *st, struct util_err *err)
{
	struct report_supp_file *f;

	if (util_grow(&s->files, &s->files_cap, s->nfiles + 1, sizeof(*f)))
		return util_fail(err, -ENOMEM, "out of memory");
	f = &s->files[s->nfiles];
	f->path = strdup(path);
	if (!f->path)
		return util_fail(err, -ENOMEM, "out of memory");
	f->dev = st ? (uint64_t)st->st_dev : 0;
	f->ino = st ? (uint64_t)st->st_ino : 0;
	s->nfiles++;
	return 0;
}

int suppress_load(struct report_supp *s, const char *path,
		     struct util_err *err)
{
	size_t first = s->count, size;
	struct stat st;
	bool known;
	char *buf;
	int r;

	r = util_read_file(path, &buf, &size, err);
	if (r)
		return r;
	known = strcmp(path, "-") ? stat(path, &st) == 0
				  : fstat(0, &st) == 0;
	if (known && supp_loaded(s, &st)) {
		free(buf);
		return 0;
	}
	r = supp_add_file(s, path, known ? &st : NULL, err);
	if (r == 0) {
		r = supp_lines(s, s->files[s->nfiles - 1].path, buf, size,
			       err);
		if (r)
			supp_undo(s, first);
	}
	free(buf);
	return r;
}

void suppress_free(struct report_supp *s)
{
	size_t i;

	for (i = 0; i < s->count; i++)
		free(s->patterns[i].pattern);
	free(s->patterns);
	for (i = 0; i < s->nfiles; i++)
		free(s->files[i].path);
	free(s->files);
	memset(s, 0, sizeof(*s));
}

