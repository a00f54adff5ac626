/* SPDX-License-Identifier: MIT */
/*
 * html.h - `leakreport --format html` and `leakreport trend --format
 * html`: one self-contained page each (inline CSS, SVG and script; no
 * network, no other file: a Content-Security-Policy says so to the
 * browser too), readable without the script, which only zooms the flame
 * graph.
 *
 * The report's page, top to bottom: the program and the dump; the
 * headline; cards with the summary's figures; notes (blocks not
 * classified, --older-than, allocations not tracked); the libpq entries
 * (connections, results, cancel handles); the flame graph of the listed
 * memory entries (leaked bytes; live bytes for a dump not classified;
 * reachable ones too with --all); the memory entries, each a collapsible
 * <details> whose summary gives kind, bytes, blocks, site and age, and
 * whose body the source lines around the site (when the file can be
 * read) and the numbered stack; the suppressions used; the SUMMARY line.
 * --top cuts the lists, not the flame graph.  Figures are exact integers;
 * each card and entry also carries them as data-* attributes.
 *
 * The trend's page: the headline, the plot of plot.h inline, the sites
 * by verdict in tables with each site's stack, and the connection
 * forecast.  The diff's page: the two dumps, cards with the change of
 * the totals, and the entries of the diff in a table with their stacks.
 */
#ifndef LK_REPORTER_HTML_H
#define LK_REPORTER_HTML_H

#include <stdio.h>

#include "diff.h"
#include "report.h"
#include "trend.h"

/* Write the page of r, built with every entry (no --top), to out; o's
 * top and no_addresses apply.  Returns 0, or a negative errno. */
int html_write(FILE *out, const struct report *r,
	       const struct report_options *o);

/* Write the page of trend t to out.  Returns 0, or a negative errno. */
int html_write_trend(FILE *out, const struct trend *t);

/* Write the page of diff df to out.  Returns 0, or a negative errno. */
int html_write_diff(FILE *out, const struct diff *df);

/* --- pieces both pages use (html.c) --- */

/* The document up to and including <body>, titled title (escaped). */
void html_begin(FILE *out, const char *title);

/* The script and the end of the document. */
void html_end(FILE *out);

/* The numbered frames of st as an <ol class="stack">. */
void html_put_stack(FILE *out, const struct report_stack *st,
		    bool addresses);

/* Milliseconds as "0.3 s". */
void html_put_seconds(FILE *out, uint64_t ms);

/* "function (file:line)" of the site frame of st, as HTML. */
void html_put_site(FILE *out, const struct report_stack *st);

#endif
