/* SPDX-License-Identifier: MIT */
/*
 * age.c - the --older-than filter (age.h).  S is read as an exact decimal
 * and kept in whole milliseconds rounded up, which is exact for the
 * comparisons that matter: every age in a dump is a whole number of
 * milliseconds, so "age >= S * 1000" holds exactly when "age >= ceil(S *
 * 1000)".  The filter compacts the dump's lists in place; the a records
 * stay where they are, as the groups still name them.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "age.h"
#include "dumpfmt.h"

static const uint64_t thresholds[LK_NAGES] = LK_AGE_THRESHOLDS;

/* Most digits before the decimal point: 10^15 s is beyond any age. */
#define AGE_INT_DIGITS	15

/* Whole digits of s[0..n) into *v (n <= AGE_INT_DIGITS). */
static void digits_value(const char *s, size_t n, uint64_t *v)
{
	size_t i;

	*v = 0;
	for (i = 0; i < n; i++)
		*v = *v * 10 + (uint64_t)(s[i] - '0');
}

/*
 * The milliseconds of the fraction f[0..n) (digits after the point),
 * rounded up: ".0004" is 1 ms, ".25" is 250 ms.
 */
static uint64_t fraction_ms(const char *f, size_t n)
{
	uint64_t ms = 0;
	size_t i;

	for (i = 0; i < 3; i++)
		ms = ms * 10 + (i < n ? (uint64_t)(f[i] - '0') : 0);
	for (; i < n; i++)
		if (f[i] != '0')
			return ms + 1;
	return ms;
}

int age_cut_parse(struct age_cut *c, const char *arg, struct util_err *err)
{
	size_t ni = strspn(arg, "0123456789"), nf = 0;
	const char *frac = NULL;
	uint64_t secs;
	unsigned k;

	if (arg[ni] == '.') {
		frac = arg + ni + 1;
		nf = strspn(frac, "0123456789");
	}
	if ((frac ? frac[nf] : arg[ni]) != '\0' || ni + nf == 0 ||
	    ni > AGE_INT_DIGITS)
		return util_fail(err, -EINVAL, "usage: --older-than needs a "
				 "number of seconds (such as 300 or 0.5), not "
				 "'%s'", arg);
	digits_value(arg, ni, &secs);
	c->arg = arg;
	c->min_ms = secs * 1000 + fraction_ms(frac ? frac : "", nf);
	for (k = 0; k + 1 < LK_NAGES && thresholds[k] * 1000 < c->min_ms; k++)
		;
	c->age_s = thresholds[k];
	c->exact = thresholds[k] * 1000 == c->min_ms;
	return 0;
}

/* Keep group g with the counts of its a record for c, if it has one. */
static bool keep_group(const struct dump *d, struct dump_group *g,
		       const struct age_cut *c)
{
	const struct dump_age *a;

	if (g->oldest_ms < c->min_ms)
		return false;
	a = parse_group_age(d, g, c->age_s);
	if (!a)
		return false;
	g->blocks = a->blocks;
	g->bytes = a->bytes;
	return true;
}

/* Keep the R or K records of list[0..*n) whose oldest is old enough. */
static void keep_pq(struct dump_pq_group *list, size_t *n, uint64_t min_ms)
{
	size_t i, k = 0;

	for (i = 0; i < *n; i++)
		if (list[i].oldest_ms >= min_ms)
			list[k++] = list[i];
	*n = k;
}

void age_cut_apply(struct dump *d, const struct age_cut *c)
{
	size_t i, k;

	for (i = k = 0; i < d->ngroups; i++)
		if (keep_group(d, &d->groups[i], c))
			d->groups[k++] = d->groups[i];
	d->ngroups = k;
	for (i = k = 0; i < d->nconns; i++) {
		if (d->conns[i].age_ms >= c->min_ms)
			d->conns[k++] = d->conns[i];
		else
			free(d->conns[i].target);
	}
	d->nconns = k;
	keep_pq(d->results, &d->nresults, c->min_ms);
	keep_pq(d->cancels, &d->ncancels, c->min_ms);
}
