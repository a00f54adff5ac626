/* SPDX-License-Identifier: MIT */
/*
 * report.c - builds the report model (report.h) from a parsed dump: the
 * summary over every group, then the sorted and cut list of entries, and
 * only then the symbolized stacks of the entries that are kept, so that
 * --top on a large dump symbolizes little.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "dumpfmt.h"
#include "report.h"

/* Basename prefixes of the runtime libraries a site is never in. */
static const char *const runtime_libs[] = {
	"libc.so", "libstdc++.so", "libgcc_s.so", "ld-linux", "libm.so",
	"libleakshim.so", "libunwind",
};

/* a + b, stuck at UINT64_MAX: a hostile dump must not wrap the totals. */
static uint64_t sat_add(uint64_t a, uint64_t b)
{
	uint64_t r;

	return __builtin_add_overflow(a, b, &r) ? UINT64_MAX : r;
}

static enum report_kind kind_of(char cls)
{
	switch (cls) {
	case LK_CLASS_DIRECT:
		return REPORT_DIRECT;
	case LK_CLASS_INDIRECT:
		return REPORT_INDIRECT;
	case LK_CLASS_REACHABLE:
		return REPORT_REACHABLE;
	}
	return REPORT_LIVE;
}

const char *report_kind_name(enum report_kind kind)
{
	static const char *const names[] = {
		[REPORT_DIRECT] = "direct", [REPORT_INDIRECT] = "indirect",
		[REPORT_LIVE] = "live", [REPORT_REACHABLE] = "reachable",
	};

	return names[kind];
}

const char *report_program(const struct report *r)
{
	const struct dump_process *p = &r->dump->proc;
	const char *slash;

	if (p->name && p->name[0])
		return p->name;
	if (p->exe && p->exe[0]) {
		slash = strrchr(p->exe, '/');
		return slash && slash[1] ? slash + 1 : p->exe;
	}
	return "?";
}

/* --- summary --- */

static void add_group(struct report_summary *sum, const struct dump_group *g)
{
	uint64_t *bytes = NULL, *blocks = NULL;

	if (g->cls == LK_CLASS_DIRECT) {
		bytes = &sum->leaked_bytes;
		blocks = &sum->leaked_blocks;
	} else if (g->cls == LK_CLASS_INDIRECT) {
		bytes = &sum->indirect_bytes;
		blocks = &sum->indirect_blocks;
	} else if (g->cls == LK_CLASS_REACHABLE) {
		bytes = &sum->reachable_bytes;
		blocks = &sum->reachable_blocks;
	}
	if (bytes) {
		*bytes = sat_add(*bytes, g->bytes);
		*blocks = sat_add(*blocks, g->blocks);
	}
	sum->live_bytes = sat_add(sum->live_bytes, g->bytes);
	sum->live_blocks = sat_add(sum->live_blocks, g->blocks);
}

static int cmp_stack_ptr(const void *a, const void *b)
{
	const struct dump_stack *x = *(const struct dump_stack *const *)a;
	const struct dump_stack *y = *(const struct dump_stack *const *)b;

	return x->id < y->id ? -1 : x->id > y->id;
}

/* The number of distinct stacks among the groups. */
static int count_sites(struct report *r)
{
	const struct dump *d = r->dump;
	const struct dump_stack **v;
	size_t i;

	if (!d->ngroups)
		return 0;
	v = malloc(d->ngroups * sizeof(*v));
	if (!v)
		return -ENOMEM;
	for (i = 0; i < d->ngroups; i++)
		v[i] = d->groups[i].stack;
	qsort(v, d->ngroups, sizeof(*v), cmp_stack_ptr);
	for (i = 0; i < d->ngroups; i++)
		r->sites += i == 0 || v[i] != v[i - 1];
	free(v);
	return 0;
}

/* Fill the summary, the site count and the dropped count. */
static int summarize(struct report *r)
{
	const struct dump *d = r->dump;
	uint64_t dropped = parse_counter(d, "dropped", 0);
	size_t i;

	for (i = 0; i < d->ngroups; i++)
		add_group(&r->summary, &d->groups[i]);
	r->summary.total_allocs = parse_counter(d, "allocs", 0);
	r->summary.total_frees = parse_counter(d, "frees", 0);
	/* The e record counts them too; trust the larger figure. */
	r->dropped = dropped > d->dropped ? dropped : d->dropped;
	return count_sites(r);
}

/* --- the list --- */

/* Direct, indirect, live, reachable; bytes, blocks down; stack id up. */
static int cmp_entry(const void *a, const void *b)
{
	const struct report_entry *x = a, *y = b;
	const struct dump_group *g = x->group, *h = y->group;

	if (x->kind != y->kind)
		return x->kind < y->kind ? -1 : 1;
	if (g->bytes != h->bytes)
		return g->bytes > h->bytes ? -1 : 1;
	if (g->blocks != h->blocks)
		return g->blocks > h->blocks ? -1 : 1;
	if (g->stack->id != h->stack->id)
		return g->stack->id < h->stack->id ? -1 : 1;
	/* Same stack and class twice: keep file order, qsort is unstable. */
	return g < h ? -1 : g > h;
}

/* The entries the options list, sorted and cut, not yet symbolized. */
static int select_entries(struct report *r, const struct report_options *o)
{
	const struct dump *d = r->dump;
	size_t i;

	if (!d->ngroups)
		return 0;
	r->entries = calloc(d->ngroups, sizeof(*r->entries));
	if (!r->entries)
		return -ENOMEM;
	for (i = 0; i < d->ngroups; i++) {
		enum report_kind kind = kind_of(d->groups[i].cls);

		if (kind == REPORT_REACHABLE && !o->all)
			continue;
		r->entries[r->count].kind = kind;
		r->entries[r->count++].group = &d->groups[i];
	}
	qsort(r->entries, r->count, sizeof(*r->entries), cmp_entry);
	if (o->top && o->top < r->count)
		r->count = o->top;
	return 0;
}

/* Whether path is one of the runtimes a leak is never charged to. */
static bool is_runtime(const char *path)
{
	const char *base;
	size_t i;

	if (!path)
		return false;
	base = strrchr(path, '/');
	base = base ? base + 1 : path;
	for (i = 0; i < sizeof(runtime_libs) / sizeof(runtime_libs[0]); i++)
		if (!strncmp(base, runtime_libs[i], strlen(runtime_libs[i])))
			return true;
	return false;
}

/* Symbolize the stack of e into e->frames and find its site. */
static int symbolize_entry(struct report_entry *e, struct symbolizer *s,
			   struct util_err *err)
{
	const struct dump_stack *st = e->group->stack;
	const struct sym_frame *f;
	size_t i, cap = 0;
	unsigned n;
	int r;

	for (i = 0; i < st->count; i++) {
		r = symbolize_pc(s, st->pcs[i], &f, &n, err);
		if (r)
			return r;
		if (util_grow(&e->frames, &cap, e->nframes + n, sizeof(*f)))
			return util_fail(err, -ENOMEM, "out of memory");
		memcpy(e->frames + e->nframes, f, n * sizeof(*f));
		e->nframes += n;
	}
	for (i = 0; i < e->nframes; i++)
		if (!is_runtime(e->frames[i].module))
			break;
	e->site = i < e->nframes ? i : 0;
	return 0;
}

int report_build(struct report *r, const struct dump *d,
		 struct symbolizer *s, const struct report_options *o,
		 struct util_err *err)
{
	size_t i;
	int ret;

	memset(r, 0, sizeof(*r));
	r->dump = d;
	if (summarize(r) || select_entries(r, o))
		return util_fail(err, -ENOMEM, "out of memory");
	for (i = 0; i < r->count; i++) {
		ret = symbolize_entry(&r->entries[i], s, err);
		if (ret)
			return ret;
	}
	return 0;
}

void report_free(struct report *r)
{
	size_t i;

	/* Entries past count were cut by --top and own no frames. */
	for (i = 0; i < r->count; i++)
		free(r->entries[i].frames);
	free(r->entries);
	memset(r, 0, sizeof(*r));
}
