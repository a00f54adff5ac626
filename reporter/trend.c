/* SPDX-License-Identifier: MIT */
/*
 * trend.c - the trend model (trend.h): dumps put in time order, the x
 * axis, a least-squares line and a verdict for every series, the list of
 * sites to show in order, and the connection forecast.  The writers are in
 * trendfmt.c, the plot in plot.c.
 *
 * The verdict (docs/trend.md explains why):
 *
 *   flat       max - min <= 1% of max (a constant series included);
 *   shrinking  slope < 0 and last < first;
 *   growing    slope > 0, last > first, and the slope over the last half
 *              of the points (at least 3 of them, or all when fewer) is
 *              more than half the slope over all of them;
 *   plateau    slope > 0, last > first, and that last-half slope is at
 *              most a tenth of the whole slope (or negative);
 *   flat       otherwise.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "trend.h"

/* A series moving by this share of its top or less is flat. */
#define FLAT_SHARE	0.01
/* Growing: the last half rises faster than this share of the whole. */
#define GROWING_SHARE	0.5
/* Plateau: the last half rises at most this share of the whole. */
#define PLATEAU_SHARE	0.1
/* The last half has at least this many points (when there are so many). */
#define TAIL_MIN	3

const char *trend_verdict_name(enum trend_verdict v)
{
	static const char *const names[TREND_NVERDICTS] = {
		[TREND_GROWING] = "growing", [TREND_PLATEAU] = "plateau",
		[TREND_SHRINKING] = "shrinking", [TREND_FLAT] = "flat",
	};

	return names[v];
}

/* --- fitting --- */

void trend_fit(const double *x, const double *y, size_t n,
	       struct trend_fit *f)
{
	double mx = 0, my = 0, sxx = 0, sxy = 0, syy = 0, res = 0, e;
	bool constant = true;
	size_t i;

	for (i = 0; i < n; i++) {
		mx += x[i];
		my += y[i];
		constant &= y[i] == y[0];
	}
	mx /= (double)n;
	my /= (double)n;
	for (i = 0; i < n; i++) {
		sxx += (x[i] - mx) * (x[i] - mx);
		sxy += (x[i] - mx) * (y[i] - my);
		syy += (y[i] - my) * (y[i] - my);
	}
	/* A constant series is a flat line, whatever rounding says. */
	f->slope = sxx > 0 && !constant ? sxy / sxx : 0;
	for (i = 0; i < n; i++) {
		e = y[i] - my - f->slope * (x[i] - mx);
		res += e * e;
	}
	f->r2 = syy > 0 && !constant ? 1 - res / syy : 1;
	if (!(f->r2 >= 0))
		f->r2 = 0;	/* rounding, or NaN from a hostile series */
	if (f->r2 > 1)
		f->r2 = 1;
}

/* The slope over the last half of the n points (see the top comment). */
static double tail_slope(const double *x, const double *y, size_t n)
{
	struct trend_fit f;
	size_t k = n - n / 2;

	if (k < TAIL_MIN)
		k = n < TAIL_MIN ? n : TAIL_MIN;
	trend_fit(x + (n - k), y + (n - k), k, &f);
	return f.slope;
}

enum trend_verdict trend_judge(const double *x, const double *y, size_t n,
			       struct trend_fit *f)
{
	double lo = y[0], hi = y[0], first = y[0], last = y[n - 1], tail;
	size_t i;

	trend_fit(x, y, n, f);
	for (i = 1; i < n; i++) {
		lo = y[i] < lo ? y[i] : lo;
		hi = y[i] > hi ? y[i] : hi;
	}
	if (hi - lo <= FLAT_SHARE * hi)
		return TREND_FLAT;
	if (f->slope < 0 && last < first)
		return TREND_SHRINKING;
	if (!(f->slope > 0 && last > first))
		return TREND_FLAT;
	tail = tail_slope(x, y, n);
	if (tail > GROWING_SHARE * f->slope)
		return TREND_GROWING;
	if (tail <= PLATEAU_SHARE * f->slope)
		return TREND_PLATEAU;
	return TREND_FLAT;
}

/* --- the axis --- */

/* Positions by P time, then uptime, then command-line order. */
static int cmp_dump(const void *a, const void *b, void *arg)
{
	const struct sites *s = arg;
	size_t i = *(const size_t *)a, j = *(const size_t *)b;
	const struct site_dump *x = &s->dumps[i];
	const struct site_dump *y = &s->dumps[j];

	if (x->time_ms != y->time_ms)
		return x->time_ms < y->time_ms ? -1 : 1;
	if (x->uptime_ms != y->uptime_ms)
		return x->uptime_ms < y->uptime_ms ? -1 : 1;
	return i < j ? -1 : i > j;
}

const struct site_dump *trend_dump(const struct trend *t, size_t k)
{
	return &t->s->dumps[t->order[k]];
}

/* Order the dumps and set the x axis. */
static void set_axis(struct trend *t)
{
	const struct site_dump *d0;
	size_t k;

	for (k = 0; k < t->n; k++)
		t->order[k] = k;
	qsort_r(t->order, t->n, sizeof(*t->order), cmp_dump, (void *)t->s);
	d0 = trend_dump(t, 0);
	t->one_pid = true;
	for (k = 1; k < t->n; k++)
		t->one_pid &= trend_dump(t, k)->pid == d0->pid;
	for (k = 0; k < t->n; k++)
		t->x[k] = t->one_pid
			? (double)trend_dump(t, k)->uptime_ms / 1000
			: (double)(trend_dump(t, k)->time_ms - d0->time_ms) /
				  1000;
	t->span = t->x[t->n - 1] - t->x[0];
}

uint64_t trend_value(const struct trend *t, const struct site *st,
		     enum site_res r, size_t k)
{
	return sites_value(st, r, t->order[k]);
}

/* --- sites --- */

/* |v|, without libm (the reporter does not link it). */
static double magnitude(double v)
{
	return v < 0 ? -v : v;
}

/* Verdict, then the size of the rate, down; then resource, name, key. */
static int cmp_site(const void *a, const void *b)
{
	const struct trend_site *x = a, *y = b;
	double rx = magnitude(x->rate), ry = magnitude(y->rate);
	int c;

	if (x->verdict != y->verdict)
		return x->verdict < y->verdict ? -1 : 1;
	if (rx != ry)
		return rx > ry ? -1 : 1;
	if (x->res != y->res)
		return x->res < y->res ? -1 : 1;
	c = strcmp(x->site->name, y->site->name);
	return c ? c : strcmp(x->site->key, y->site->key);
}

/* Judge resource r of site st into e, with y as scratch. */
static void judge_site(const struct trend *t, const struct site *st,
		       enum site_res r, double *y, struct trend_site *e)
{
	struct trend_fit f;
	size_t k;

	for (k = 0; k < t->n; k++)
		y[k] = (double)trend_value(t, st, r, k);
	e->site = st;
	e->res = r;
	e->verdict = trend_judge(t->x, y, t->n, &f);
	e->rate = f.slope;
	e->r2 = f.r2;
	e->first = trend_value(t, st, r, 0);
	e->last = trend_value(t, st, r, t->n - 1);
}

static int cmp_name_ptr(const void *a, const void *b)
{
	const struct trend_site *x = *(const struct trend_site *const *)a;
	const struct trend_site *y = *(const struct trend_site *const *)b;
	int c = strcmp(x->site->name, y->site->name);

	return c ? c : x->site < y->site ? -1 : x->site > y->site;
}

/*
 * Mark the listed sites whose name another listed site has: stacks that
 * differ only inside a library (libpq's, called from one line) name the
 * same frame.  The writers then say which is which.
 */
static int mark_ambiguous(struct trend *t)
{
	struct trend_site **v;
	bool ambiguous;
	size_t i, j;

	if (t->count < 2)
		return 0;
	v = malloc(t->count * sizeof(*v));
	if (!v)
		return -ENOMEM;
	for (i = 0; i < t->count; i++)
		v[i] = &t->list[i];
	qsort(v, t->count, sizeof(*v), cmp_name_ptr);
	/* A run of one name, sorted by site: ambiguous if two sites. */
	for (i = 0; i < t->count; i = j) {
		for (j = i + 1; j < t->count &&
		     !strcmp(v[j]->site->name, v[i]->site->name); j++)
			;
		ambiguous = v[i]->site != v[j - 1]->site;
		for (; i < j; i++)
			v[i]->ambiguous = ambiguous;
	}
	free(v);
	return 0;
}

/* Judge every series; list the ones the options show, in order. */
static int judge_all(struct trend *t, bool all, double *y)
{
	const struct sites *s = t->s;
	size_t i;
	unsigned r;

	if (!s->count)
		return 0;
	if (s->count > SIZE_MAX / SITE_NRES / sizeof(*t->list))
		return -ENOMEM;
	t->list = calloc(s->count * SITE_NRES, sizeof(*t->list));
	if (!t->list)
		return -ENOMEM;
	for (i = 0; i < s->count; i++) {
		for (r = 0; r < SITE_NRES; r++) {
			if (!s->list[i]->v[r])
				continue;
			judge_site(t, s->list[i], r, y, &t->list[t->count]);
			if (all || t->list[t->count].verdict != TREND_FLAT)
				t->count++;
		}
	}
	qsort(t->list, t->count, sizeof(*t->list), cmp_site);
	return mark_ambiguous(t);
}

/* --- connections --- */

static void forecast(struct trend *t, const struct trend_options *o,
		     double *y)
{
	struct trend_conns *c = &t->conns;
	const struct site_dump *last = trend_dump(t, t->n - 1);
	struct trend_fit f;
	size_t k;

	for (k = 0; k < t->n; k++) {
		y[k] = (double)trend_dump(t, k)->open_conns;
		c->activity |= trend_dump(t, k)->conn_activity;
	}
	trend_fit(t->x, y, t->n, &f);
	c->rate = f.slope;
	c->open_last = last->open_conns;
	c->limit = last->conn_limit ? last->conn_limit : o->conn_limit;
	if (!c->limit)
		return;
	if (c->open_last >= c->limit) {
		c->exhausts = true;
		c->exhausted_in_s = 0;
	} else if (c->rate > 0) {
		c->exhausts = true;
		c->exhausted_in_s = (double)(c->limit - c->open_last) /
				    c->rate;
	}
}

int trend_build(struct trend *t, const struct sites *s,
		const struct trend_options *o, struct util_err *err)
{
	double *y;
	int r = -ENOMEM;

	memset(t, 0, sizeof(*t));
	t->s = s;
	t->n = s->ndumps;
	t->order = calloc(t->n, sizeof(*t->order));
	t->x = calloc(t->n, sizeof(*t->x));
	y = calloc(t->n, sizeof(*y));
	if (t->order && t->x && y) {
		set_axis(t);
		forecast(t, o, y);
		r = judge_all(t, o->all, y);
	}
	free(y);
	return r ? util_fail(err, r, "out of memory") : 0;
}

void trend_free(struct trend *t)
{
	free(t->order);
	free(t->x);
	free(t->list);
	memset(t, 0, sizeof(*t));
}
