/* SPDX-License-Identifier: MIT */
/*
 * plot.h - `leakreport trend --plot FILE.svg`: the trend as one
 * self-contained SVG picture (no script, no external reference), written
 * to a temporary file beside FILE and renamed over it, mode 0644.
 *
 * Two panels share the time axis.  The top one shows the live bytes of
 * each dump (all sites) as a thick black line and the five fastest-growing
 * memory sites as thinner coloured lines; the bottom one, present only
 * when a dump shows connection activity, the open libpq connections and
 * the three fastest-growing connection sites.  A legend under each panel
 * names every line by its site, "function (file:line)".
 */
#ifndef LK_REPORTER_PLOT_H
#define LK_REPORTER_PLOT_H

#include <stdio.h>

#include "trend.h"
#include "util.h"

/* Most growing memory and connection sites drawn. */
#define PLOT_MEMORY_SITES	5
#define PLOT_CONN_SITES		3

/* Write the plot of t to path.  Returns 0, or a negative errno with err
 * filled (naming path). */
int plot_write(const char *path, const struct trend *t,
	       struct util_err *err);

/* The picture alone, without the XML declaration, to out: a file's body,
 * or inline in an HTML page (the trend's --format html). */
void plot_put_svg(FILE *out, const struct trend *t);

#endif
