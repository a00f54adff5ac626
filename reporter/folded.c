/* SPDX-License-Identifier: MIT */
/*
 * folded.c - folded stacks of a report (folded.h).  Each entry becomes
 * one line in memory; the lines are sorted, equal stacks added up, and
 * written.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "folded.h"

/* One stack and its weight. */
struct fline {
	char *stack;		/* "main;f;g" */
	uint64_t weight;
};

void folded_frame_name(char *buf, size_t size, const struct sym_frame *f)
{
	const char *base;
	size_t i;

	if (f->function) {
		snprintf(buf, size, "%s", f->function);
	} else if (f->module) {
		base = strrchr(f->module, '/');
		snprintf(buf, size, "%s+0x%" PRIx64,
			 base && base[1] ? base + 1 : f->module, f->offset);
	} else {
		snprintf(buf, size, "??");
	}
	for (i = 0; buf[i]; i++) {
		if (buf[i] == ';')
			buf[i] = ':';
		else if ((unsigned char)buf[i] < 0x20 || buf[i] == 0x7f)
			buf[i] = '?';
	}
}

uint64_t folded_weight(const struct report_entry *e, bool blocks)
{
	return blocks ? e->group->blocks : e->group->bytes;
}

/* The folded frames of st, outermost first, as a new string. */
static char *fold_stack(const struct report_stack *st)
{
	char name[FOLDED_NAME_MAX], *buf = NULL;
	size_t i, len = 0, cap = 0, n;

	for (i = st->nframes; i-- > 0;) {
		folded_frame_name(name, sizeof(name), &st->frames[i]);
		n = strlen(name);
		if (util_grow(&buf, &cap, len + n + 2, 1)) {
			free(buf);
			return NULL;
		}
		if (len)
			buf[len++] = ';';
		memcpy(buf + len, name, n);
		len += n;
	}
	if (!buf)
		return strdup("??");
	buf[len] = '\0';
	return buf;
}

static int cmp_fline(const void *a, const void *b)
{
	return strcmp(((const struct fline *)a)->stack,
		      ((const struct fline *)b)->stack);
}

/* Sort v[0..n), then write it, adding up lines of one stack. */
static int put_lines(FILE *out, struct fline *v, size_t n)
{
	size_t i, j;
	uint64_t w;

	qsort(v, n, sizeof(*v), cmp_fline);
	for (i = 0; i < n; i = j) {
		w = 0;
		for (j = i; j < n && !strcmp(v[i].stack, v[j].stack); j++)
			w = util_sat_add(w, v[j].weight);
		fprintf(out, "%s %" PRIu64 "\n", v[i].stack, w);
	}
	if (fflush(out) || ferror(out))
		return errno ? -errno : -EIO;
	return 0;
}

int folded_write(FILE *out, const struct report *r, bool blocks)
{
	struct fline *v;
	size_t i, n = 0;
	int ret = -ENOMEM;

	v = calloc(r->count ? r->count : 1, sizeof(*v));
	if (!v)
		return -ENOMEM;
	for (i = 0; i < r->count; i++) {
		v[n].weight = folded_weight(&r->entries[i], blocks);
		if (!v[n].weight)
			continue;
		v[n].stack = fold_stack(&r->entries[i].st);
		if (!v[n++].stack)
			goto out_free;
	}
	ret = put_lines(out, v, n);
out_free:
	for (i = 0; i < n; i++)
		free(v[i].stack);
	free(v);
	return ret;
}
