/* SPDX-License-Identifier: MIT */
/*
 * report.c - builds the report model (report.h) from a parsed dump: the
 * suppressed b records first (which needs the symbolized stack of every
 * one of them, so it happens only when a suppression file is applied),
 * the summary over every record, then the sorted and cut lists (memory,
 * connections grouped by stack, results, cancel handles), and only then
 * the symbolized stacks of the entries that are kept, so that --top on a
 * large dump symbolizes little.  It also reads suppression files and
 * counts the leaks for `leakreport --leak-count`, which symbolizes
 * nothing unless a suppression is in effect.
 */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "dumpfmt.h"
#include "progress.h"
#include "report.h"

/*
 * Basename prefixes of the libraries a site is never in: the runtimes, the
 * shim, and libpq, whose connections and results are charged to the line
 * that called PQconnectdb or PQexec, not to libpq's insides.
 */
static const char *const runtime_libs[] = {
	"libc.so", "libstdc++.so", "libgcc_s.so", "ld-linux", "libm.so",
	"libleakshim.so", "libunwind", "libpq",
};

/* Default of the conn_idle setting, in seconds (DESIGN.md). */
#define CONN_IDLE_DEFAULT	300

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
		*bytes = util_sat_add(*bytes, g->bytes);
		*blocks = util_sat_add(*blocks, g->blocks);
	}
	sum->live_bytes = util_sat_add(sum->live_bytes, g->bytes);
	sum->live_blocks = util_sat_add(sum->live_blocks, g->blocks);
}

static int cmp_stack_ptr(const void *a, const void *b)
{
	const struct dump_stack *x = *(const struct dump_stack *const *)a;
	const struct dump_stack *y = *(const struct dump_stack *const *)b;

	return x->id < y->id ? -1 : x->id > y->id;
}

/* Whether b record i of the dump is left out by a suppression. */
static bool is_suppressed(const struct report *r, size_t i)
{
	return r->suppressed && r->suppressed[i];
}

/* The number of distinct stacks among the groups not suppressed. */
static int count_sites(struct report *r)
{
	const struct dump *d = r->dump;
	const struct dump_stack **v;
	size_t i, n = 0;

	if (!d->ngroups)
		return 0;
	v = malloc(d->ngroups * sizeof(*v));
	if (!v)
		return -ENOMEM;
	for (i = 0; i < d->ngroups; i++)
		if (!is_suppressed(r, i))
			v[n++] = d->groups[i].stack;
	qsort(v, n, sizeof(*v), cmp_stack_ptr);
	for (i = 0; i < n; i++)
		r->sites += i == 0 || v[i] != v[i - 1];
	free(v);
	return 0;
}

/* conn_idle in milliseconds, stuck at UINT64_MAX. */
static uint64_t idle_limit_ms(const struct report *r)
{
	return r->conn_idle_s > UINT64_MAX / 1000 ? UINT64_MAX
						 : r->conn_idle_s * 1000;
}

/* Open, outside a transaction and unused for conn_idle: abandoned. */
static bool conn_is_idle(const struct dump_conn *c, uint64_t limit_ms)
{
	return c->status == 0 && c->xact == 0 && c->idle_ms >= limit_ms;
}

/* In a transaction (INTRANS) or a failed one (INERROR): holding locks. */
static bool conn_in_xact(const struct dump_conn *c)
{
	return c->xact == 2 || c->xact == 3;
}

static bool conn_failed(const struct dump_conn *c)
{
	return c->flags & LK_CONN_FAILED;
}

/* The libpq part of the summary: C, R and K records and the counters. */
static void summarize_pq(struct report *r)
{
	const struct dump *d = r->dump;
	struct report_summary *sum = &r->summary;
	uint64_t limit = idle_limit_ms(r);
	size_t i;

	for (i = 0; i < d->nconns; i++) {
		const struct dump_conn *c = &d->conns[i];

		if (conn_failed(c))
			sum->failed_connections++;
		else
			sum->open_connections++;
		sum->idle_connections += conn_is_idle(c, limit);
		sum->idle_in_transaction += conn_in_xact(c);
	}
	for (i = 0; i < d->nresults; i++) {
		sum->uncleared_results = util_sat_add(sum->uncleared_results,
						 d->results[i].count);
		sum->uncleared_result_bytes =
			util_sat_add(sum->uncleared_result_bytes,
				d->results[i].bytes);
	}
	for (i = 0; i < d->ncancels; i++)
		sum->open_cancels = util_sat_add(sum->open_cancels,
					    d->cancels[i].count);
	sum->connections_opened = parse_counter(d, "conn_opened", 0);
	sum->connections_finished = parse_counter(d, "conn_finished", 0);
	sum->connections_failed = parse_counter(d, "conn_failed", 0);
	r->libpq = d->nconns || d->nresults || d->ncancels ||
		   sum->connections_opened;
}

/* Fill the summary, the site count and the dropped count. */
static int summarize(struct report *r)
{
	const struct dump *d = r->dump;
	uint64_t dropped = parse_counter(d, "dropped", 0);
	size_t i;

	for (i = 0; i < d->ngroups; i++) {
		const struct dump_group *g = &d->groups[i];

		if (!is_suppressed(r, i)) {
			add_group(&r->summary, g);
			continue;
		}
		r->summary.suppressed_bytes =
			util_sat_add(r->summary.suppressed_bytes, g->bytes);
		r->summary.suppressed_blocks =
			util_sat_add(r->summary.suppressed_blocks, g->blocks);
	}
	r->summary.total_allocs = parse_counter(d, "allocs", 0);
	r->summary.total_frees = parse_counter(d, "frees", 0);
	/* The e record counts them too; trust the larger figure. */
	r->dropped = dropped > d->dropped ? dropped : d->dropped;
	r->conn_idle_s = parse_option(d, "conn_idle", CONN_IDLE_DEFAULT);
	r->sample = parse_option(d, "sample", 0);
	summarize_pq(r);
	return count_sites(r);
}

/* --- memory --- */

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

		if ((kind == REPORT_REACHABLE && !o->all) ||
		    is_suppressed(r, i))
			continue;
		r->entries[r->count].kind = kind;
		r->entries[r->count++].group = &d->groups[i];
	}
	qsort(r->entries, r->count, sizeof(*r->entries), cmp_entry);
	if (o->top && o->top < r->count)
		r->count = o->top;
	return 0;
}

/* --- connections --- */

/* C records by stack id, then in file order. */
static int cmp_conn_ptr(const void *a, const void *b)
{
	const struct dump_conn *x = *(const struct dump_conn *const *)a;
	const struct dump_conn *y = *(const struct dump_conn *const *)b;

	if (x->stack->id != y->stack->id)
		return x->stack->id < y->stack->id ? -1 : 1;
	return x < y ? -1 : x > y;
}

static int cmp_string_ptr(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* The sorted unique non-empty targets of v[0..n) into e. */
static int conn_targets(struct report_conn *e, const struct dump_conn **v,
			size_t n)
{
	size_t i, k = 0;

	e->targets = malloc(n * sizeof(*e->targets));
	if (!e->targets)
		return -ENOMEM;
	for (i = 0; i < n; i++)
		if (v[i]->target[0])
			e->targets[k++] = v[i]->target;
	qsort(e->targets, k, sizeof(*e->targets), cmp_string_ptr);
	for (i = 0; i < k; i++)
		if (!e->ntargets ||
		    strcmp(e->targets[e->ntargets - 1], e->targets[i]))
			e->targets[e->ntargets++] = e->targets[i];
	if (!e->ntargets) {
		free(e->targets);
		e->targets = NULL;
	}
	return 0;
}

/* The smallest REPORT_MAX_PIDS non-zero pids of v[0..n), with scratch. */
static void conn_pids(struct report_conn *e, const struct dump_conn **v,
		      size_t n, uint64_t *scratch)
{
	size_t i, k = 0;

	for (i = 0; i < n; i++)
		if (v[i]->pid)
			scratch[k++] = v[i]->pid;
	qsort(scratch, k, sizeof(*scratch), cmp_u64);
	e->npids = k < REPORT_MAX_PIDS ? k : REPORT_MAX_PIDS;
	memcpy(e->pids, scratch, e->npids * sizeof(*scratch));
}

/* The entry of the n C records v[0..n) of one stack. */
static int conn_entry(struct report_conn *e, const struct dump_conn **v,
		      size_t n, uint64_t limit_ms, uint64_t *scratch)
{
	const struct dump_conn *c;
	size_t i;

	e->stack = v[0]->stack;
	e->count = n;
	for (i = 0; i < n; i++) {
		c = v[i];
		e->failed += conn_failed(c);
		e->idle += conn_is_idle(c, limit_ms);
		e->idle_in_xact += conn_in_xact(c);
		if (c->age_ms > e->oldest_ms)
			e->oldest_ms = c->age_ms;
		if (!conn_failed(c) && c->idle_ms > e->longest_idle_ms)
			e->longest_idle_ms = c->idle_ms;
	}
	conn_pids(e, v, n, scratch);
	return conn_targets(e, v, n);
}

/* Most connections, then the oldest, then the smallest stack id. */
static int cmp_conn_entry(const void *a, const void *b)
{
	const struct report_conn *x = a, *y = b;

	if (x->count != y->count)
		return x->count > y->count ? -1 : 1;
	if (x->oldest_ms != y->oldest_ms)
		return x->oldest_ms > y->oldest_ms ? -1 : 1;
	return x->stack->id < y->stack->id ? -1 : x->stack->id > y->stack->id;
}

/* Group v[0..n), sorted by stack, into r->conns. */
static int group_conns(struct report *r, const struct dump_conn **v,
		       size_t n, uint64_t *scratch)
{
	uint64_t limit = idle_limit_ms(r);
	size_t i, j;

	for (i = 0; i < n; i = j) {
		for (j = i + 1; j < n && v[j]->stack == v[i]->stack; j++)
			;
		/* Counted first: report_free frees its targets either way. */
		if (conn_entry(&r->conns[r->nconns++], v + i, j - i, limit,
			       scratch))
			return -ENOMEM;
	}
	return 0;
}

/* The connection entries, grouped, sorted and cut, not yet symbolized. */
static int select_conns(struct report *r, const struct report_options *o)
{
	const struct dump *d = r->dump;
	const struct dump_conn **v;
	uint64_t *scratch;
	size_t i;
	int ret = -ENOMEM;

	if (!d->nconns)
		return 0;
	v = malloc(d->nconns * sizeof(*v));
	scratch = malloc(d->nconns * sizeof(*scratch));
	r->conns = calloc(d->nconns, sizeof(*r->conns));
	if (!v || !scratch || !r->conns)
		goto out_free;
	for (i = 0; i < d->nconns; i++)
		v[i] = &d->conns[i];
	qsort(v, d->nconns, sizeof(*v), cmp_conn_ptr);
	ret = group_conns(r, v, d->nconns, scratch);
	if (ret)
		goto out_free;
	qsort(r->conns, r->nconns, sizeof(*r->conns), cmp_conn_entry);
	for (i = o->top; o->top && i < r->nconns; i++)
		free(r->conns[i].targets);
	if (o->top && o->top < r->nconns)
		r->nconns = o->top;
out_free:
	free(scratch);
	free(v);
	return ret;
}

/* --- results and cancel handles --- */

/* Most objects, then most bytes, then the smallest stack id. */
static int cmp_pq_entry(const void *a, const void *b)
{
	const struct dump_pq_group *x = ((const struct report_pq *)a)->group;
	const struct dump_pq_group *y = ((const struct report_pq *)b)->group;

	if (x->count != y->count)
		return x->count > y->count ? -1 : 1;
	if (x->bytes != y->bytes)
		return x->bytes > y->bytes ? -1 : 1;
	return x->stack->id < y->stack->id ? -1 : x->stack->id > y->stack->id;
}

/* Entries of the n R or K records in list, sorted and cut, into *out. */
static int select_pq(struct report_pq **out, size_t *count,
		     const struct dump_pq_group *list, size_t n,
		     const struct report_options *o)
{
	size_t i;

	if (!n)
		return 0;
	*out = calloc(n, sizeof(**out));
	if (!*out)
		return -ENOMEM;
	for (i = 0; i < n; i++)
		(*out)[i].group = &list[i];
	qsort(*out, n, sizeof(**out), cmp_pq_entry);
	*count = o->top && o->top < n ? o->top : n;
	return 0;
}

/* --- stacks --- */

/* Whether path is one of the libraries a site is never in. */
/* A frame of the shim itself: the malloc path leaves the frames of the
 * shim's libpq wrappers that libpq re-enters in stacks, for the reporter
 * to drop. */
static bool is_shim(const char *path)
{
	const char *base;

	if (!path)
		return false;
	base = strrchr(path, '/');
	base = base ? base + 1 : path;
	return !strncmp(base, "libleakshim", 11);
}

bool report_is_runtime(const char *path)
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

int report_symbolize_stack(struct report_stack *out,
			   const struct dump_stack *st, struct symbolizer *s,
			   struct util_err *err)
{
	const struct sym_frame *f;
	size_t i, cap = 0;
	unsigned n;
	int r;

	for (i = 0; i < st->count; i++) {
		r = symbolize_pc(s, st->pcs[i], &f, &n, err);
		if (r)
			return r;
		if (n && is_shim(f[0].module))
			continue;	/* the shim's wrapper, libpq re-entered */
		if (util_grow(&out->frames, &cap, out->nframes + n,
			      sizeof(*f)))
			return util_fail(err, -ENOMEM, "out of memory");
		memcpy(out->frames + out->nframes, f, n * sizeof(*f));
		out->nframes += n;
	}
	for (i = 0; i < out->nframes; i++)
		if (!report_is_runtime(out->frames[i].module))
			break;
	out->site = i < out->nframes ? i : 0;
	return 0;
}

/* Symbolize the stacks of every entry that is kept. */
static int symbolize_all(struct report *r, struct symbolizer *s,
			 struct util_err *err)
{
	static const char what[] = "symbolizing stacks";
	size_t i, n = 0, total = r->count + r->nconns + r->nresults +
				 r->ncancels;
	int ret = 0;

	for (i = 0; !ret && i < r->count; i++, n++) {
		progress_show(what, n, total);
		ret = report_symbolize_stack(&r->entries[i].st,
					     r->entries[i].group->stack, s,
					     err);
	}
	for (i = 0; !ret && i < r->nconns; i++, n++)
		ret = report_symbolize_stack(&r->conns[i].st,
					     r->conns[i].stack, s, err);
	for (i = 0; !ret && i < r->nresults; i++, n++)
		ret = report_symbolize_stack(&r->results[i].st,
					     r->results[i].group->stack, s,
					     err);
	for (i = 0; !ret && i < r->ncancels; i++, n++)
		ret = report_symbolize_stack(&r->cancels[i].st,
					     r->cancels[i].group->stack, s,
					     err);
	progress_done();
	return ret;
}

/* Whether a pattern of s matches stack st; *k is its index. */
static int supp_check(const struct report_supp *s,
		      const struct dump_stack *st, struct symbolizer *sym,
		      size_t *k, struct util_err *err)
{
	struct report_stack rs = { 0 };
	int r;

	r = report_symbolize_stack(&rs, st, sym, err);
	if (r == 0)
		*k = suppress_find(s, &rs);
	free(rs.frames);
	return r;
}

/*
 * Mark the b records that a pattern of supp suppresses, and count them
 * toward the first pattern that matches each.  Symbolizes every b record
 * when supp has a pattern.
 */
static int suppress_groups(struct report *r, struct report_supp *supp,
			   struct symbolizer *s, struct util_err *err)
{
	const struct dump *d = r->dump;
	struct report_supp_pattern *p;
	size_t i, k;
	int ret;

	for (k = 0; k < supp->count; k++)
		supp->patterns[k].blocks = supp->patterns[k].bytes = 0;
	if (!supp->count || !d->ngroups)
		return 0;
	r->suppressed = calloc(d->ngroups, sizeof(*r->suppressed));
	if (!r->suppressed)
		return util_fail(err, -ENOMEM, "out of memory");
	for (i = 0; i < d->ngroups; i++) {
		ret = supp_check(supp, d->groups[i].stack, s, &k, err);
		if (ret)
			return ret;
		if (k == supp->count)
			continue;
		p = &supp->patterns[k];
		r->suppressed[i] = true;
		p->blocks = util_sat_add(p->blocks, d->groups[i].blocks);
		p->bytes = util_sat_add(p->bytes, d->groups[i].bytes);
	}
	return 0;
}

/* --- what the CI formats call leaked --- */

bool report_at_exit(const struct report *r)
{
	return !strcmp(r->dump->proc.reason, LK_REASON_EXIT);
}

bool report_conn_leaked(const struct report *r, const struct report_conn *e)
{
	return report_at_exit(r) || e->idle || e->failed;
}

/* --- leak count --- */

bool report_classified(const struct dump *d)
{
	return parse_counter(d, "classified", 0) != 0;
}

static bool is_leak(const struct dump_group *g)
{
	return g->cls == LK_CLASS_DIRECT || g->cls == LK_CLASS_INDIRECT;
}

bool report_leak_count_symbolizes(const struct dump *d,
				  const struct report_supp *supp)
{
	size_t i;

	if (!supp || !supp->count || !report_classified(d))
		return false;
	for (i = 0; i < d->ngroups; i++)
		if (is_leak(&d->groups[i]))
			return true;
	return false;
}

int report_leak_count(const struct dump *d, struct symbolizer *s,
		      const struct report_supp *supp, uint64_t *blocks,
		      uint64_t *bytes, struct util_err *err)
{
	bool check = report_leak_count_symbolizes(d, supp);
	size_t i, k;
	int r;

	*blocks = *bytes = 0;
	if (!report_classified(d))
		return 0;
	for (i = 0; i < d->ngroups; i++) {
		const struct dump_group *g = &d->groups[i];

		if (!is_leak(g))
			continue;
		if (check) {
			r = supp_check(supp, g->stack, s, &k, err);
			if (r)
				return r;
			if (k < supp->count)
				continue;
		}
		*blocks = util_sat_add(*blocks, g->blocks);
		*bytes = util_sat_add(*bytes, g->bytes);
	}
	return 0;
}


int report_build(struct report *r, const struct dump *d,
		 struct symbolizer *s, const struct report_options *o,
		 struct util_err *err)
{
	int ret;

	memset(r, 0, sizeof(*r));
	r->dump = d;
	r->older = o->older;
	r->classified = report_classified(d);
	r->scan_error = parse_counter(d, "scan_error", 0);
	if (o->supp && o->supp->nfiles) {
		r->supp = o->supp;
		ret = suppress_groups(r, o->supp, s, err);
		if (ret)
			return ret;
	}
	if (summarize(r) || select_entries(r, o) || select_conns(r, o) ||
	    select_pq(&r->results, &r->nresults, d->results, d->nresults, o) ||
	    select_pq(&r->cancels, &r->ncancels, d->cancels, d->ncancels, o))
		return util_fail(err, -ENOMEM, "out of memory");
	return symbolize_all(r, s, err);
}

/* Free the frames of n entries of a results or cancels list, and it. */
static void free_pq(struct report_pq *list, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(list[i].st.frames);
	free(list);
}

void report_free(struct report *r)
{
	size_t i;

	/* Entries past the counts were cut by --top and own nothing. */
	for (i = 0; i < r->count; i++)
		free(r->entries[i].st.frames);
	free(r->entries);
	free(r->suppressed);
	for (i = 0; i < r->nconns; i++) {
		free(r->conns[i].st.frames);
		free(r->conns[i].targets);
	}
	free(r->conns);
	free_pq(r->results, r->nresults);
	free_pq(r->cancels, r->ncancels);
	memset(r, 0, sizeof(*r));
}

const char *report_scan_error(uint64_t e, char *buf, size_t size)
{
	if (e == EOPNOTSUPP)
		snprintf(buf, size, "the program's malloc is not glibc's, and "
			 "its own bookkeeping points at every block");
	else if (e <= INT_MAX)
		snprintf(buf, size, "%s", strerror((int)e));
	else
		snprintf(buf, size, "Unknown error %" PRIu64, e);
	return buf;
}
