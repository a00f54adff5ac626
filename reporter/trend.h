/* SPDX-License-Identifier: MIT */
/*
 * trend.h - `leakreport trend DUMP...`: fits a line to each site's series
 * over a set of dumps and says whether it grows (a leak), filled and
 * stopped (a cache), shrinks or stays flat; forecasts when open libpq
 * connections reach the server's limit.  docs/trend.md gives the rules
 * and why; the JSON ("leakshim-trend", version 1) is DESIGN.md's.
 *
 * Dumps are put in order of their P time.  The x axis is the uptime when
 * every dump comes from one process, else the seconds since the first
 * dump.  The series of a site (sites.h) holds one figure per dump, 0 where
 * the dump does not have the site.
 */
#ifndef LK_REPORTER_TREND_H
#define LK_REPORTER_TREND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "sites.h"

/* The format version of the JSON trend. */
#define TREND_JSON_VERSION	1

/* What a series does, in the order the lists show them. */
enum trend_verdict {
	TREND_GROWING,		/* still rising at its pace: a leak */
	TREND_PLATEAU,		/* rose, then stopped: a cache */
	TREND_SHRINKING,	/* falls */
	TREND_FLAT,		/* moves by 1% of its top or less, or no
				   clear direction */
	TREND_NVERDICTS
};

/* A least-squares line. */
struct trend_fit {
	double slope;		/* units per second */
	double r2;		/* coefficient of determination, 0 to 1 */
};

/* One resource of one site, judged. */
struct trend_site {
	const struct site *site;
	enum site_res res;
	enum trend_verdict verdict;
	double rate;		/* slope of the whole series, per second */
	double r2;
	uint64_t first, last;	/* in the first dump and in the last */
	bool ambiguous;		/* another listed site has its name */
};

/* The open connections of every dump, and the forecast. */
struct trend_conns {
	bool activity;		/* a dump has a C record or conn_opened */
	double rate;		/* slope of open connections, per second */
	uint64_t open_last;	/* open at the last dump */
	uint64_t limit;		/* the server's limit, 0 when unknown */
	bool exhausts;		/* exhausted_in_s is a number */
	double exhausted_in_s;	/* seconds until open reaches limit */
};

/* What the command line asked for. */
struct trend_options {
	bool all;		/* --all: list flat sites too */
	uint64_t conn_limit;	/* --conn-limit N, 0 when not given */
};

struct trend {
	const struct sites *s;
	size_t n;		/* dumps */
	size_t *order;		/* [n]: dump index at each position */
	double *x;		/* [n]: seconds, increasing with position */
	bool one_pid;		/* all dumps of one process: x is uptime */
	double span;		/* x[n - 1] - x[0] */
	struct trend_site *list;	/* listed, in the order shown */
	size_t count;
	struct trend_conns conns;
};

/*
 * Least squares over the n points (x, y).  A constant series has r2 1;
 * when every x is the same, the slope is 0.
 */
void trend_fit(const double *x, const double *y, size_t n,
	       struct trend_fit *f);

/* Fit the n points into f and give their verdict (docs/trend.md). */
enum trend_verdict trend_judge(const double *x, const double *y, size_t n,
			       struct trend_fit *f);

/* "growing", "plateau", "shrinking", "flat". */
const char *trend_verdict_name(enum trend_verdict v);

/* Build the trend of the dumps of s (at least 2) into t (zeroed). */
int trend_build(struct trend *t, const struct sites *s,
		const struct trend_options *o, struct util_err *err);

void trend_free(struct trend *t);

/* The figure of resource r of site st at position k (time order). */
uint64_t trend_value(const struct trend *t, const struct site *st,
		     enum site_res r, size_t k);

/* The dump at position k. */
const struct site_dump *trend_dump(const struct trend *t, size_t k);

/* Write t for people. */
int trend_write_text(FILE *out, const struct trend *t);

/* "+412.5 B/s", "+0.035/s": the rate of e as the text shows it. */
void trend_fmt_rate(char *buf, size_t size, const struct trend_site *e);

/* "\nConnections: 37 open at the last dump, ...\n": the forecast line of
 * the text, after an empty line. */
void trend_put_conns(FILE *out, const struct trend_conns *c);

/* Write t as one JSON object. */
int trend_write_json(FILE *out, const struct trend *t);

#endif
