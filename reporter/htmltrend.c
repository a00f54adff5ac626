/* SPDX-License-Identifier: MIT */
/*
 * htmltrend.c - the HTML page of `leakreport trend` (html.h): the plot of
 * plot.c inline, then one table per verdict (growing, plateau, shrinking,
 * and flat ones with --all), each site with its stack in a <details>, and
 * the connection forecast in the text's words.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "html.h"
#include "plot.h"
#include "xml.h"

static const char *const headings[TREND_NVERDICTS] = {
	[TREND_GROWING] = "Growing: likely leaks",
	[TREND_PLATEAU] = "Plateau: filled, then stopped (likely caches)",
	[TREND_SHRINKING] = "Shrinking",
	[TREND_FLAT] = "Flat",
};

static void put_header(FILE *out, const struct trend *t)
{
	const struct site_dump *last = trend_dump(t, t->n - 1);

	fputs("<header>\n<div class=\"brand\">leakshim trend</div>\n<h1>", out);
	xml_put(out, last->program);
	if (t->one_pid)
		fprintf(out, "<span class=\"pid\">pid %" PRIu64 "</span>",
			last->pid);
	fprintf(out, "</h1>\n<p class=\"meta\"><span data-dumps=\"%zu\">%zu"
		"</span> dumps over %.1f s</p>\n</header>\n<main>\n", t->n,
		t->n, t->span);
}

/* One row: resource, rate, r2, first -> last, the site and its stack. */
static void put_row(FILE *out, const struct trend_site *e)
{
	char rate[64], via[UTIL_ERR_MAX];
	bool moving = e->verdict == TREND_GROWING ||
		      e->verdict == TREND_SHRINKING;

	trend_fmt_rate(rate, sizeof(rate), e);
	fprintf(out, "<tr><td>%s</td><td class=\"r\">%s</td><td class=\"r\">",
		sites_res_name(e->res), moving ? rate : "");
	if (moving)
		fprintf(out, "%.2f", e->r2);
	fprintf(out, "</td><td class=\"r\"><span data-first=\"%" PRIu64 "\">"
		"%" PRIu64 "</span> &rarr; <span data-last=\"%" PRIu64 "\">%"
		PRIu64 "</span>%s</td><td><details><summary>", e->first,
		e->first, e->last, e->last, e->res == SITE_MEMORY ? " bytes"
								 : "");
	html_put_site(out, &e->site->st);
	via[0] = '\0';
	if (e->ambiguous)
		sites_via(e->site, via, sizeof(via));
	if (via[0]) {
		fputs(" <span class=\"loc\">", out);
		xml_put(out, via);
		fputs("</span>", out);
	}
	fputs("</summary>\n", out);
	html_put_stack(out, &e->site->st, false);
	fputs("</details></td></tr>\n", out);
}

/* The table of the sites of verdict v, if any is listed. */
static void put_verdict(FILE *out, const struct trend *t,
			enum trend_verdict v)
{
	bool head = false;
	size_t i;

	for (i = 0; i < t->count; i++) {
		if (t->list[i].verdict != v)
			continue;
		if (!head)
			fprintf(out, "<section class=\"v-%s\">\n<h2>%s</h2>\n"
				"<table class=\"t v\"><tr><th>resource</th><th>"
				"rate</th><th>r&sup2;</th><th>first &rarr; "
				"last</th><th>site</th></tr>\n",
				trend_verdict_name(v), headings[v]);
		head = true;
		put_row(out, &t->list[i]);
	}
	if (head)
		fputs("</table>\n</section>\n", out);
	else if (v == TREND_GROWING)
		fputs("<section><h2>Growing</h2><p class=\"empty\">No site "
		      "grows.</p><p class=\"hint\">Flat sites are listed "
		      "with --all.</p></section>\n", out);
}

/* The forecast, as the text says it. */
static int put_forecast(FILE *out, const struct trend *t)
{
	char *buf = NULL;
	size_t size;
	FILE *m;

	if (!t->conns.activity)
		return 0;
	m = open_memstream(&buf, &size);
	if (!m)
		return -ENOMEM;
	trend_put_conns(m, &t->conns);
	if (fclose(m) || !buf)
		return -ENOMEM;
	buf[strcspn(buf + 1, "\n") + 1] = '\0';
	fputs("<section id=\"connections\">\n<h2>Connections</h2>\n<p>", out);
	xml_put(out, buf + 1);
	fputs("</p>\n</section>\n", out);
	free(buf);
	return 0;
}

int html_write_trend(FILE *out, const struct trend *t)
{
	const struct site_dump *last = trend_dump(t, t->n - 1);
	char title[UTIL_ERR_MAX];
	unsigned v;
	int r;

	snprintf(title, sizeof(title), "leakshim trend: %s", last->program);
	html_begin(out, title);
	put_header(out, t);
	fputs("<section class=\"plot\">\n<h2>Over time</h2>\n", out);
	plot_put_svg(out, t);
	fputs("</section>\n", out);
	for (v = 0; v < TREND_NVERDICTS; v++)
		put_verdict(out, t, (enum trend_verdict)v);
	r = put_forecast(out, t);
	fputs("</main>\n", out);
	html_end(out);
	if (r == 0 && (fflush(out) || ferror(out)))
		r = errno ? -errno : -EIO;
	return r;
}
