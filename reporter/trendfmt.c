/* SPDX-License-Identifier: MIT */
/*
 * trendfmt.c - the text and JSON writers of `leakreport trend` (trend.h).
 * The text layout:
 *
 *   leakshim trend: N dumps of PROGRAM (pid P) over S s
 *
 *   Growing (likely leaks):
 *     memory       +412.5 B/s   r2 0.99   1024 -> 273408 bytes   at SITE
 *     connections  +0.035/s     r2 0.98   2 -> 25                at SITE
 *   Plateau (filled, then stopped: likely caches):
 *     memory       1048576 -> 1048576 bytes   at SITE
 *   Shrinking:
 *     memory       -51.2 B/s    r2 0.97   8192 -> 2048 bytes     at SITE
 *   Flat:
 *     results      5 -> 5                 at SITE
 *
 *   Connections: 37 open at the last dump, growing 0.035 per second (2.1
 *   per minute); the limit of 100 is reached in about 30 min (1800 s).
 *
 * ("(N processes)" when the dumps come from several; empty sections are
 * left out, and "no site grows" stands for an empty Growing section; Flat
 * only with --all; the Connections line, one line, only when a dump shows
 * connection activity).  SITE is "function (file:line)" of the site's
 * frame, followed by "via ..." of the innermost frame when another listed
 * site has that name (stacks that differ only inside a library).  Rates
 * of counts, and of memory under 1 B/s, have three significant digits.
 *
 * The JSON object has DESIGN.md's keys in order, and after them: in each
 * site, its name ("site") and its series ("values", in time order); in
 * "connections", the limit used (or null) and the open connections of
 * each dump ("values"); at the end, the program, the pids, which x axis
 * was used ("uptime" or "time") and its values ("x_s").
 */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <string.h>

#include "json.h"
#include "text.h"
#include "trend.h"

/* --- numbers --- */

/*
 * |v| with three significant digits, no exponent, trailing zeros cut:
 * 0.035, 0.5, 2.1, 412.
 */
static void fmt_sig(char *buf, size_t size, double v)
{
	double m = v < 0 ? -v : v, t = 100;
	int dec = 0;
	size_t n;

	while (m > 0 && m < t && dec < 12) {
		t /= 10;
		dec++;
	}
	n = (size_t)snprintf(buf, size, "%.*f", dec, m);
	if (dec == 0 || n >= size)
		return;
	while (n > 1 && buf[n - 1] == '0')
		buf[--n] = '\0';
	if (buf[n - 1] == '.')
		buf[n - 1] = '\0';
}

/* A JSON number with at most dec decimals (at least one); null if not
 * finite; an exponent for tiny non-zero values. */
static void put_num(FILE *out, double v, int dec)
{
	char buf[64];
	size_t n;

	if (!isfinite(v)) {
		fputs("null", out);
		return;
	}
	if (v == 0)
		v = 0;	/* no "-0.0" */
	if (v != 0 && v > -1e-4 && v < 1e-4 && dec > 4) {
		fprintf(out, "%.6e", v);
		return;
	}
	n = (size_t)snprintf(buf, sizeof(buf), "%.*f", dec, v);
	if (n >= sizeof(buf)) {
		fprintf(out, "%.17g", v);
		return;
	}
	while (n > 2 && buf[n - 1] == '0' && buf[n - 2] != '.')
		buf[--n] = '\0';
	fputs(buf, out);
}

/* --- text --- */

/* The number of distinct pids among the dumps. */
static size_t count_pids(const struct trend *t)
{
	size_t i, j, n = 0;

	for (i = 0; i < t->n; i++) {
		for (j = 0; j < i; j++)
			if (t->s->dumps[j].pid == t->s->dumps[i].pid)
				break;
		n += j == i;
	}
	return n;
}

static void put_headline(FILE *out, const struct trend *t)
{
	const struct site_dump *last = trend_dump(t, t->n - 1);

	fprintf(out, "leakshim trend: %zu dumps of ", t->n);
	text_put_text(out, last->program);
	if (t->one_pid)
		fprintf(out, " (pid %" PRIu64 ")", last->pid);
	else
		fprintf(out, " (%zu processes)", count_pids(t));
	fprintf(out, " over %.1f s\n", t->span);
}

void trend_fmt_rate(char *buf, size_t size, const struct trend_site *e)
{
	char sig[40];

	if (e->res == SITE_MEMORY && (e->rate >= 1 || e->rate <= -1)) {
		snprintf(buf, size, "%+.1f B/s", e->rate);
		return;
	}
	fmt_sig(sig, sizeof(sig), e->rate);
	snprintf(buf, size, "%c%s%s", e->rate < 0 ? '-' : '+', sig,
		 e->res == SITE_MEMORY ? " B/s" : "/s");
}

static void put_line(FILE *out, const struct trend_site *e)
{
	char rate[64], range[64], via[UTIL_ERR_MAX];

	fprintf(out, "  %-13s", sites_res_name(e->res));
	if (e->verdict == TREND_GROWING || e->verdict == TREND_SHRINKING) {
		trend_fmt_rate(rate, sizeof(rate), e);
		fprintf(out, "%-12s r2 %.2f   ", rate, e->r2);
	}
	snprintf(range, sizeof(range), "%" PRIu64 " -> %" PRIu64 "%s",
		 e->first, e->last, e->res == SITE_MEMORY ? " bytes" : "");
	fprintf(out, "%-20s   at ", range);
	text_put_text(out, e->site->name);
	via[0] = '\0';
	if (e->ambiguous)
		sites_via(e->site, via, sizeof(via));
	if (via[0]) {
		putc(' ', out);
		text_put_text(out, via);
	}
	putc('\n', out);
}

/* The listed sites of verdict v under their heading, if there are any. */
static void put_section(FILE *out, const struct trend *t,
			enum trend_verdict v)
{
	static const char *const heads[TREND_NVERDICTS] = {
		[TREND_GROWING] = "Growing (likely leaks):",
		[TREND_PLATEAU] = "Plateau (filled, then stopped: likely "
				  "caches):",
		[TREND_SHRINKING] = "Shrinking:",
		[TREND_FLAT] = "Flat:",
	};
	bool head = false;
	size_t i;

	for (i = 0; i < t->count; i++) {
		if (t->list[i].verdict != v)
			continue;
		if (!head)
			fprintf(out, "%s\n", heads[v]);
		head = true;
		put_line(out, &t->list[i]);
	}
	if (!head && v == TREND_GROWING)
		fputs("no site grows\n", out);
}

/* "about 30 min (1800 s)". */
static void put_duration(FILE *out, double s)
{
	if (s < 120)
		fprintf(out, "about %.0f s", s);
	else if (s < 7200)
		fprintf(out, "about %.0f min (%.0f s)", s / 60, s);
	else if (s < 172800)
		fprintf(out, "about %.1f h (%.0f s)", s / 3600, s);
	else
		fprintf(out, "about %.1f days (%.0f s)", s / 86400, s);
}

/* The connection forecast, one line after an empty one. */
void trend_put_conns(FILE *out, const struct trend_conns *c)
{
	char r[40], m[40];

	fprintf(out, "\nConnections: %" PRIu64 " open at the last dump, ",
		c->open_last);
	fmt_sig(r, sizeof(r), c->rate);
	fmt_sig(m, sizeof(m), c->rate * 60);
	if (c->rate != 0)
		fprintf(out, "%s %s per second (%s per minute)",
			c->rate > 0 ? "growing" : "shrinking", r, m);
	else
		fputs("steady", out);
	if (!c->limit)
		fputs("; the limit is unknown (set conn_limit or "
		      "--conn-limit).\n", out);
	else if (c->open_last >= c->limit)
		fprintf(out, "; the limit of %" PRIu64 " is already reached."
			"\n", c->limit);
	else if (c->exhausts) {
		fprintf(out, "; the limit of %" PRIu64 " is reached in ",
			c->limit);
		put_duration(out, c->exhausted_in_s);
		fputs(".\n", out);
	} else
		fprintf(out, "; the limit of %" PRIu64 " is not approached.\n",
			c->limit);
}

int trend_write_text(FILE *out, const struct trend *t)
{
	unsigned v;

	put_headline(out, t);
	putc('\n', out);
	for (v = 0; v < TREND_NVERDICTS; v++)
		put_section(out, t, (enum trend_verdict)v);
	if (t->conns.activity)
		trend_put_conns(out, &t->conns);
	if (fflush(out) || ferror(out))
		return errno ? -errno : -EIO;
	return 0;
}

/* --- JSON --- */

/* The series of resource r of site st, in time order. */
static void put_values(FILE *out, const struct trend *t,
		       const struct site *st, enum site_res r)
{
	size_t k;

	putc('[', out);
	for (k = 0; k < t->n; k++)
		fprintf(out, "%s%" PRIu64, k ? ", " : "",
			trend_value(t, st, r, k));
	putc(']', out);
}

static void put_site(FILE *out, const struct trend *t,
		     const struct trend_site *e)
{
	fprintf(out, "    {\"resource\": \"%s\", \"verdict\": \"%s\", "
		"\"rate_per_s\": ", sites_res_name(e->res),
		trend_verdict_name(e->verdict));
	put_num(out, e->rate, 6);
	fputs(", \"r2\": ", out);
	put_num(out, e->r2, 4);
	fprintf(out, ", \"first\": %" PRIu64 ", \"last\": %" PRIu64
		", \"stack\": ", e->first, e->last);
	json_put_frames(out, &e->site->st);
	fputs(", \"site\": ", out);
	json_put_string(out, e->site->name);
	fputs(", \"values\": ", out);
	put_values(out, t, e->site, e->res);
	putc('}', out);
}

static void put_conns_json(FILE *out, const struct trend *t)
{
	const struct trend_conns *c = &t->conns;
	size_t k;

	fputs("  \"connections\": {\"rate_per_s\": ", out);
	put_num(out, c->rate, 6);
	fprintf(out, ", \"open_last\": %" PRIu64 ", \"exhausted_in_s\": ",
		c->open_last);
	if (c->exhausts)
		put_num(out, c->exhausted_in_s, 1);
	else
		fputs("null", out);
	if (c->limit)
		fprintf(out, ", \"limit\": %" PRIu64, c->limit);
	else
		fputs(", \"limit\": null", out);
	fputs(", \"values\": [", out);
	for (k = 0; k < t->n; k++)
		fprintf(out, "%s%" PRIu64, k ? ", " : "",
			trend_dump(t, k)->open_conns);
	fputs("]},\n", out);
}

/* The keys after DESIGN.md's: program, pids, x axis. */
static void put_axis(FILE *out, const struct trend *t)
{
	size_t k, j;

	fputs("  \"program\": ", out);
	json_put_string(out, trend_dump(t, t->n - 1)->program);
	fputs(", \"pids\": [", out);
	for (k = 0; k < t->n; k++) {
		for (j = 0; j < k; j++)
			if (trend_dump(t, j)->pid == trend_dump(t, k)->pid)
				break;
		if (j == k)
			fprintf(out, "%s%" PRIu64, k ? ", " : "",
				trend_dump(t, k)->pid);
	}
	fprintf(out, "], \"x_axis\": \"%s\", \"x_s\": [",
		t->one_pid ? "uptime" : "time");
	for (k = 0; k < t->n; k++) {
		fputs(k ? ", " : "", out);
		put_num(out, t->x[k], 3);
	}
	fputs("]\n", out);
}

int trend_write_json(FILE *out, const struct trend *t)
{
	size_t i;

	fprintf(out, "{\n  \"format\": \"leakshim-trend\", \"version\": %d,\n"
		"  \"dumps\": %zu, \"span_s\": ", TREND_JSON_VERSION, t->n);
	put_num(out, t->span, 3);
	fputs(",\n  \"sites\": [", out);
	for (i = 0; i < t->count; i++) {
		fputs(i ? ",\n" : "\n", out);
		put_site(out, t, &t->list[i]);
	}
	fputs(t->count ? "\n  ],\n" : "],\n", out);
	put_conns_json(out, t);
	put_axis(out, t);
	fputs("}\n", out);
	if (fflush(out) || ferror(out))
		return errno ? -errno : -EIO;
	return 0;
}
