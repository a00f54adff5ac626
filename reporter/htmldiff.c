/* SPDX-License-Identifier: MIT */
/*
 * htmldiff.c - the HTML page of `leakreport diff` (html.h): the two dumps,
 * cards with the change of the totals (bytes, connections, results not
 * cleared), and one table row per entry of the diff, each with its stack
 * in a <details>.  The figures are those of the JSON diff, also carried as
 * data-* attributes.
 */
#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include "html.h"
#include "util.h"
#include "xml.h"

/* "pid 12 at 3.4 s" of one dump. */
static void put_dump(FILE *out, const struct site_dump *d)
{
	fprintf(out, "pid %" PRIu64 " at ", d->pid);
	html_put_seconds(out, d->uptime_ms);
}

static void put_header(FILE *out, const struct diff *df)
{
	const struct site_dump *o = &df->s->dumps[0], *n = &df->s->dumps[1];

	fputs("<header>\n<div class=\"brand\">leakshim diff</div>\n<h1>", out);
	xml_put(out, o->program);
	if (strcmp(o->program, n->program)) {
		fputs(" &rarr; ", out);
		xml_put(out, n->program);
	}
	fputs("</h1>\n<p class=\"meta\">", out);
	put_dump(out, o);
	fputs(" &rarr; ", out);
	put_dump(out, n);
	fputs("</p>\n</header>\n<main>\n", out);
}

/* A card of the change of one total; growth is bad, the rest fine. */
static void put_card(FILE *out, const char *label, const char *key,
		     int64_t delta, const char *unit)
{
	fprintf(out, "<div class=\"card %s\"><div class=\"lbl\">%s</div>"
		"<div class=\"num\"><span data-summary=\"%s\">%+" PRId64
		"</span> <span class=\"unit\">%s</span></div></div>\n",
		delta > 0 ? "bad" : "ok", label, key, delta, unit);
}

static void put_row(FILE *out, const struct diff_entry *e)
{
	fprintf(out, "<tr><td>%s</td><td class=\"r\"><span data-delta=\"%"
		PRId64 "\">%+" PRId64 "</span>%s</td><td class=\"r\">%" PRIu64
		" &rarr; %" PRIu64 "</td><td class=\"r\">",
		sites_res_name(e->res), e->delta, e->delta,
		e->res == SITE_MEMORY ? " bytes" : "", e->before, e->after);
	if (e->res == SITE_MEMORY)
		fprintf(out, "<span data-delta-blocks=\"%" PRId64 "\">%+"
			PRId64 "</span>", e->delta_blocks, e->delta_blocks);
	fputs("</td><td><details><summary>", out);
	html_put_site(out, &e->site->st);
	fputs("</summary>\n", out);
	html_put_stack(out, &e->site->st, false);
	fputs("</details></td></tr>\n", out);
}

int html_write_diff(FILE *out, const struct diff *df)
{
	char title[UTIL_ERR_MAX];
	size_t i;

	snprintf(title, sizeof(title), "leakshim diff: %s",
		 df->s->dumps[1].program);
	html_begin(out, title);
	put_header(out, df);
	fputs("<div class=\"cards\">\n", out);
	put_card(out, "Live memory", "bytes", df->total[SITE_MEMORY],
		 "bytes");
	put_card(out, "Open connections", "connections",
		 df->total[SITE_CONNS], "");
	put_card(out, "Results not cleared", "results",
		 df->total[SITE_RESULTS], "");
	fprintf(out, "</div>\n<section>\n<h2>%s</h2>\n",
		df->all ? "Sites that changed" : "Sites that grew");
	if (df->count)
		fputs("<table class=\"t v d\"><tr><th>resource</th><th>change"
		      "</th><th>old &rarr; new</th><th>blocks</th><th>site"
		      "</th></tr>\n", out);
	for (i = 0; i < df->count; i++)
		put_row(out, &df->list[i]);
	if (df->count)
		fputs("</table>\n", out);
	else
		fprintf(out, "<p class=\"empty\">%s</p>\n", df->all ?
			"No site changed." : "No site grew.");
	fputs("</section>\n</main>\n", out);
	html_end(out);
	if (fflush(out) || ferror(out))
		return errno ? -errno : -EIO;
	return 0;
}
