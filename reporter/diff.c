/* SPDX-License-Identifier: MIT */
/*
 * diff.c - the diff of two dumps (diff.h).  Its text layout:
 *
 *   leakshim diff: PROGRAM, pid N at U s -> [PROGRAM, ]pid N at U s (D s
 *   later)
 *
 *   +B bytes in +K blocks (OLD -> NEW) at FUNCTION (FILE:LINE)
 *       #0 0xPC in FUNCTION FILE:LINE
 *   +N connections (OLD -> NEW) at FUNCTION (FILE:LINE)
 *       #0 ...
 *   +N results (OLD -> NEW) at FUNCTION (FILE:LINE)
 *       #0 ...
 *
 *   SUMMARY: leakshim diff: +B bytes, +N connections, +N results not
 *   cleared.
 *
 * (the first line, each entry's first line and the SUMMARY are one line
 * each; the second PROGRAM only when the programs differ; "no site grew",
 * or "no site changed" with --all, stands for an empty list).  The JSON
 * object has the keys of the brief in order: format, version, old, new
 * ({pid, program, time, uptime_s}, then the dump's path), sites
 * ({resource, delta, old, new, delta_blocks for memory, stack}, then the
 * site's name and, for memory, its blocks before and after) and summary
 * ({bytes, connections, results}).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "diff.h"
#include "json.h"
#include "text.h"

/* after - before as a signed number, stuck at the ends of int64_t. */
static int64_t delta(uint64_t before, uint64_t after)
{
	if (after >= before)
		return after - before > INT64_MAX ? INT64_MAX
						  : (int64_t)(after - before);
	return before - after > INT64_MAX ? -INT64_MAX
					  : -(int64_t)(before - after);
}

/* Resource, then delta, then blocks gained, down; then by name, key. */
static int cmp_entry(const void *a, const void *b)
{
	const struct diff_entry *x = a, *y = b;
	int c;

	if (x->res != y->res)
		return x->res < y->res ? -1 : 1;
	if (x->delta != y->delta)
		return x->delta > y->delta ? -1 : 1;
	if (x->delta_blocks != y->delta_blocks)
		return x->delta_blocks > y->delta_blocks ? -1 : 1;
	c = strcmp(x->site->name, y->site->name);
	return c ? c : strcmp(x->site->key, y->site->key);
}

/* The entry of resource r of site st; whether the diff lists it. */
static bool fill_entry(struct diff_entry *e, const struct site *st,
		       enum site_res r, bool all)
{
	e->site = st;
	e->res = r;
	e->before = sites_value(st, r, 0);
	e->after = sites_value(st, r, 1);
	e->delta = delta(e->before, e->after);
	if (r == SITE_MEMORY) {
		e->blocks_before = st->blocks[0];
		e->blocks_after = st->blocks[1];
		e->delta_blocks = delta(e->blocks_before, e->blocks_after);
	}
	if (all)
		return e->delta || e->delta_blocks;
	return e->delta > 0 || e->delta_blocks > 0;
}

int diff_build(struct diff *df, const struct sites *s, bool all,
	       struct util_err *err)
{
	struct diff_entry *e;
	size_t i;
	unsigned r;

	memset(df, 0, sizeof(*df));
	df->s = s;
	df->all = all;
	for (r = 0; r < SITE_NRES; r++)
		df->total[r] = delta(s->dumps[0].total[r],
				     s->dumps[1].total[r]);
	if (!s->count)
		return 0;
	if (s->count > SIZE_MAX / SITE_NRES / sizeof(*df->list))
		return util_fail(err, -ENOMEM, "out of memory");
	df->list = calloc(s->count * SITE_NRES, sizeof(*df->list));
	if (!df->list)
		return util_fail(err, -ENOMEM, "out of memory");
	for (i = 0; i < s->count; i++) {
		for (r = 0; r < SITE_NRES; r++) {
			e = &df->list[df->count];
			if (s->list[i]->v[r] && fill_entry(e, s->list[i], r, all))
				df->count++;
		}
	}
	qsort(df->list, df->count, sizeof(*df->list), cmp_entry);
	return 0;
}

void diff_free(struct diff *df)
{
	free(df->list);
	memset(df, 0, sizeof(*df));
}

/* --- text --- */

/* "+5 blocks", "-1 block", "+0 bytes". */
static void put_signed(FILE *out, int64_t n, const char *noun)
{
	fprintf(out, "%+" PRId64 " %s%s", n, noun,
		n == 1 || n == -1 ? "" : "s");
}

/* Milliseconds as "12.5 s". */
static void put_secs(FILE *out, uint64_t ms)
{
	uint64_t t = util_ms_to_tenths(ms);

	fprintf(out, "%" PRIu64 ".%u s", t / 10, (unsigned)(t % 10));
}

static void put_headline(FILE *out, const struct diff *df)
{
	const struct site_dump *o = &df->s->dumps[0], *n = &df->s->dumps[1];

	fputs("leakshim diff: ", out);
	text_put_text(out, o->program);
	fprintf(out, ", pid %" PRIu64 " at ", o->pid);
	put_secs(out, o->uptime_ms);
	fputs(" -> ", out);
	if (strcmp(o->program, n->program)) {
		text_put_text(out, n->program);
		fputs(", ", out);
	}
	fprintf(out, "pid %" PRIu64 " at ", n->pid);
	put_secs(out, n->uptime_ms);
	fputs(" (", out);
	put_secs(out, n->time_ms >= o->time_ms ? n->time_ms - o->time_ms
					       : o->time_ms - n->time_ms);
	fputs(n->time_ms >= o->time_ms ? " later)\n" : " earlier)\n", out);
}

static void put_entry(FILE *out, const struct diff_entry *e, bool addresses)
{
	static const char *const nouns[SITE_NRES] = {
		[SITE_MEMORY] = "byte", [SITE_CONNS] = "connection",
		[SITE_RESULTS] = "result",
	};

	put_signed(out, e->delta, nouns[e->res]);
	if (e->res == SITE_MEMORY) {
		fputs(" in ", out);
		put_signed(out, e->delta_blocks, "block");
	}
	fprintf(out, " (%" PRIu64 " -> %" PRIu64 ") at ", e->before,
		e->after);
	text_put_text(out, e->site->name);
	putc('\n', out);
	text_put_frames(out, &e->site->st, addresses);
}

int diff_write_text(FILE *out, const struct diff *df, bool addresses)
{
	size_t i;

	put_headline(out, df);
	putc('\n', out);
	for (i = 0; i < df->count; i++)
		put_entry(out, &df->list[i], addresses);
	if (!df->count)
		fputs(df->all ? "no site changed\n" : "no site grew\n", out);
	fputs("\nSUMMARY: leakshim diff: ", out);
	put_signed(out, df->total[SITE_MEMORY], "byte");
	fputs(", ", out);
	put_signed(out, df->total[SITE_CONNS], "connection");
	fputs(", ", out);
	put_signed(out, df->total[SITE_RESULTS], "result");
	fputs(" not cleared.\n", out);
	if (fflush(out) || ferror(out))
		return errno ? -errno : -EIO;
	return 0;
}

/* --- JSON --- */

static void put_dump(FILE *out, const char *key, const struct site_dump *d)
{
	fprintf(out, "  \"%s\": {\"pid\": %" PRIu64 ", \"program\": ", key,
		d->pid);
	json_put_string(out, d->program);
	fputs(", \"time\": ", out);
	json_put_time(out, d->time_ms);
	fputs(", \"uptime_s\": ", out);
	json_put_seconds(out, d->uptime_ms);
	fputs(", \"dump\": ", out);
	json_put_string(out, d->path);
	fputs("},\n", out);
}

static void put_json_entry(FILE *out, const struct diff_entry *e)
{
	fprintf(out, "    {\"resource\": \"%s\", \"delta\": %" PRId64
		", \"old\": %" PRIu64 ", \"new\": %" PRIu64,
		sites_res_name(e->res), e->delta, e->before, e->after);
	if (e->res == SITE_MEMORY)
		fprintf(out, ", \"delta_blocks\": %" PRId64, e->delta_blocks);
	fputs(", \"stack\": ", out);
	json_put_frames(out, &e->site->st);
	fputs(", \"site\": ", out);
	json_put_string(out, e->site->name);
	if (e->res == SITE_MEMORY)
		fprintf(out, ", \"old_blocks\": %" PRIu64 ", \"new_blocks\": %"
			PRIu64, e->blocks_before, e->blocks_after);
	putc('}', out);
}

int diff_write_json(FILE *out, const struct diff *df)
{
	size_t i;

	fprintf(out, "{\n  \"format\": \"leakshim-diff\", \"version\": %d,\n",
		DIFF_JSON_VERSION);
	put_dump(out, "old", &df->s->dumps[0]);
	put_dump(out, "new", &df->s->dumps[1]);
	fputs("  \"sites\": [", out);
	for (i = 0; i < df->count; i++) {
		fputs(i ? ",\n" : "\n", out);
		put_json_entry(out, &df->list[i]);
	}
	fputs(df->count ? "\n  ],\n" : "],\n", out);
	fprintf(out, "  \"summary\": {\"bytes\": %" PRId64
		", \"connections\": %" PRId64 ", \"results\": %" PRId64
		"}\n}\n",
		df->total[SITE_MEMORY], df->total[SITE_CONNS],
		df->total[SITE_RESULTS]);
	if (fflush(out) || ferror(out))
		return errno ? -errno : -EIO;
	return 0;
}
