/* SPDX-License-Identifier: MIT */
/*
 * plot.c - the SVG plot of a trend (plot.h).
 *
 * Layout, top to bottom: a title (the program) and a subtitle; then each
 * panel: its name with the unit of its y axis, the plot area (a frame,
 * horizontal grid lines at the y ticks, x ticks under it, one polyline per
 * series), the x axis's name, and its legend, one row per line: a sample
 * of the line, the site's rate, and the site's name.  Only the series are
 * polylines (the legend samples are lines), so a reader can count them.
 *
 * The y axis starts at 0 and ends at a tick of 1, 2 or 5 times a power of
 * ten; bytes are shown in B, KiB, MiB or GiB after the largest value.  The
 * x axis shows seconds for spans under 10 minutes, minutes under 10 hours,
 * else hours.  Colours are the Okabe-Ito palette, which readers with
 * colour-blindness tell apart (its yellow left out: too pale on white);
 * the totals are black and thicker.  Every string from a dump or from
 * debug information is escaped for XML, control bytes and invalid UTF-8
 * becoming U+FFFD.  The reporter does not link libm, so the arithmetic
 * here does without it.
 */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "plot.h"
#include "xml.h"

#define LEFT		90	/* left edge of the plot areas */
#define AREA_W		840	/* width of the plot areas */
#define AREA_H		230	/* height of a plot area */
#define MIN_W		960	/* narrowest picture */
#define ROW_H		18	/* a legend row */
#define RATE_X		(LEFT + 40)	/* legend: the rate column */
#define CHAR_W		7.3	/* width of a 12 px monospace char */
#define Y_TICKS		5	/* about this many steps up y */
#define X_TICKS		6	/* and along the x axis */

/* Okabe-Ito, without its yellow. */
static const char *const colours[] = {
	"#E69F00", "#56B4E9", "#009E73", "#0072B2", "#D55E00", "#CC79A7",
};

/* One line of a panel. */
struct pline {
	const struct site *site;	/* NULL for the panel's total */
	const char *label;		/* the legend's name */
	char via[UTIL_ERR_MAX];		/* what tells it apart, or "" */
	char rate[48];			/* the legend's rate column */
	const char *colour;
	double width;			/* stroke width */
};

/* A scale: values divided by div, ticks every step from lo to hi. */
struct scale {
	double lo, hi;		/* in units */
	double step;
	int dec;		/* decimals of the tick labels */
	double div;		/* values per unit */
	const char *unit;	/* "MiB", "min", ... */
};

/* One panel. */
struct panel {
	const char *title;		/* "Live memory" */
	enum site_res res;		/* what its sites' lines show */
	struct pline lines[1 + PLOT_MEMORY_SITES];
	size_t nlines;
	struct scale y;
	double top;			/* y of the plot area's top edge */
	double name_x;			/* x of the legend's names */
};

/* --- scales --- */

/* 1, 2 or 5 times a power of ten, at least raw; *dec its decimals. */
static double nice_step(double raw, int *dec)
{
	double p = 1, m;
	int k = 0;

	*dec = 0;
	if (!(raw > 0) || !isfinite(raw))
		return 1;
	while (p * 10 <= raw) {
		p *= 10;
		k++;
	}
	while (p > raw) {
		p /= 10;
		k--;
	}
	m = raw / p;
	if (m > 5) {
		p *= 10;
		k++;
		m = 1;
	}
	*dec = k < 0 ? -k : 0;
	return (m <= 1 ? 1 : m <= 2 ? 2 : 5) * p;
}

/* The y scale of values from 0 to max; bytes in B, KiB, MiB or GiB. */
static void y_scale(struct scale *sc, double max, bool bytes)
{
	static const char *const units[] = { "B", "KiB", "MiB", "GiB" };
	unsigned u = 0;
	double n;

	sc->div = 1;
	while (bytes && u < 3 && max >= sc->div * 1024) {
		sc->div *= 1024;
		u++;
	}
	sc->unit = bytes ? units[u] : "count";
	max = max > 0 ? max / sc->div : 1;
	sc->step = nice_step(max / Y_TICKS, &sc->dec);
	if (!bytes && sc->step < 1) {
		sc->step = 1;
		sc->dec = 0;
	}
	n = (double)(uint64_t)(max / sc->step);
	if (n * sc->step < max)
		n++;
	sc->lo = 0;
	sc->hi = n * sc->step;
}

/* The x scale of the dumps' times. */
static void x_scale(struct scale *sc, const struct trend *t)
{
	double lo = t->x[0], hi = t->x[t->n - 1];

	if (hi <= lo) {
		lo -= 1;
		hi += 1;
	}
	sc->div = hi - lo < 600 ? 1 : hi - lo < 36000 ? 60 : 3600;
	sc->unit = sc->div == 1 ? "s" : sc->div == 60 ? "min" : "h";
	sc->lo = lo / sc->div;
	sc->hi = hi / sc->div;
	sc->step = nice_step((sc->hi - sc->lo) / X_TICKS, &sc->dec);
}

/* Position of value v (not divided) on scale sc, from a to b. */
static double place(const struct scale *sc, double v, double a, double b)
{
	return a + (v / sc->div - sc->lo) / (sc->hi - sc->lo) * (b - a);
}

/* --- panels --- */

/* The value of line l at position k. */
static double line_value(const struct trend *t, const struct panel *p,
			 const struct pline *l, size_t k)
{
	const struct site_dump *d = trend_dump(t, k);

	if (l->site)
		return (double)trend_value(t, l->site, p->res, k);
	return (double)(p->res == SITE_MEMORY ? d->total[SITE_MEMORY]
					      : d->open_conns);
}

/* The panel of resource res: its total, then its fastest-growing sites. */
static void make_panel(struct panel *p, const struct trend *t,
		       enum site_res res, size_t most)
{
	const struct trend_site *e;
	double max = 0;
	size_t i, k;

	p->res = res;
	p->title = res == SITE_MEMORY ? "Live memory" : "Open connections";
	p->lines[0] = (struct pline){ .label = res == SITE_MEMORY ?
		"total live bytes (all sites)" : "open connections (all "
		"sites)", .colour = "#000000", .width = 3.5 };
	p->nlines = 1;
	for (i = 0; i < t->count && p->nlines <= most; i++) {
		e = &t->list[i];
		if (e->res != res || e->verdict != TREND_GROWING)
			continue;
		p->lines[p->nlines] = (struct pline){ .site = e->site,
			.label = e->site->name, .width = 2,
			.colour = colours[(p->nlines - 1) % 6] };
		trend_fmt_rate(p->lines[p->nlines].rate, 48, e);
		if (e->ambiguous)
			sites_via(e->site, p->lines[p->nlines].via,
				  sizeof(p->lines[p->nlines].via));
		p->nlines++;
	}
	for (i = 0; i < p->nlines; i++)
		for (k = 0; k < t->n; k++)
			if (line_value(t, p, &p->lines[i], k) > max)
				max = line_value(t, p, &p->lines[i], k);
	y_scale(&p->y, max, res == SITE_MEMORY);
}

/* The frame, the y grid and ticks, the x ticks and the axis names. */
static void put_axes(FILE *out, const struct panel *p,
		     const struct scale *x, const char *x_name)
{
	double v, py, bottom = p->top + AREA_H;
	int i;

	fprintf(out, "<text x=\"%d\" y=\"%.0f\" font-size=\"14\" "
		"font-weight=\"bold\">%s (%s)</text>\n", LEFT, p->top - 10,
		p->title, p->y.unit);
	for (i = 0, v = 0; v <= p->y.hi * (1 + 1e-9) && i < 50;
	     v = ++i * p->y.step) {
		py = bottom - v / p->y.hi * AREA_H;
		fprintf(out, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\""
			" stroke=\"#dddddd\"/>\n<text x=\"%d\" y=\"%.1f\" "
			"text-anchor=\"end\">%.*f</text>\n", LEFT, py,
			LEFT + AREA_W, py, LEFT - 6, py + 4, p->y.dec, v);
	}
	/* The first tick at or before lo; none for an absurd range. */
	v = x->lo / x->step;
	v = v > -1e15 && v < 1e15 ? (double)(int64_t)v * x->step : x->hi + 1;
	for (i = 0; v <= x->hi * (1 + 1e-9) + 1e-9 && i < 50;
	     v += x->step, i++) {
		if (v < x->lo - 1e-9)
			continue;
		py = place(x, v * x->div, LEFT, LEFT + AREA_W);
		fprintf(out, "<line x1=\"%.1f\" y1=\"%.0f\" x2=\"%.1f\" "
			"y2=\"%.0f\" stroke=\"#555555\"/>\n<text x=\"%.1f\" "
			"y=\"%.0f\" text-anchor=\"middle\">%.*f</text>\n", py,
			bottom, py, bottom + 5, py, bottom + 18, x->dec, v);
	}
	fprintf(out, "<rect x=\"%d\" y=\"%.0f\" width=\"%d\" height=\"%d\" "
		"fill=\"none\" stroke=\"#555555\"/>\n", LEFT, p->top, AREA_W,
		AREA_H);
	fprintf(out, "<text x=\"%d\" y=\"%.0f\" text-anchor=\"middle\">%s "
		"(%s)</text>\n", LEFT + AREA_W / 2, bottom + 36, x_name,
		x->unit);
}

/*
 * The series, one polyline each: the thick total first, so that a site
 * that holds all of it (the same values) still shows on top of it.
 */
static void put_lines(FILE *out, const struct trend *t,
		      const struct panel *p, const struct scale *x)
{
	size_t k, l;
	double v;

	for (l = 0; l < p->nlines; l++) {
		const struct pline *ln = &p->lines[l];

		fprintf(out, "<polyline fill=\"none\" stroke=\"%s\" "
			"stroke-width=\"%.1f\" stroke-linejoin=\"round\" "
			"points=\"", ln->colour, ln->width);
		for (k = 0; k < t->n; k++) {
			v = line_value(t, p, ln, k) / p->y.div;
			fprintf(out, "%s%.1f,%.1f", k ? " " : "",
				place(x, t->x[k], LEFT, LEFT + AREA_W),
				p->top + AREA_H - v / p->y.hi * AREA_H);
		}
		fputs("\"/>\n", out);
	}
}

/* The legend under the panel, from y top: one row per line. */
static void put_legend(FILE *out, const struct panel *p, double top)
{
	double y;
	size_t i;

	for (i = 0; i < p->nlines; i++) {
		y = top + (double)i * ROW_H;
		fprintf(out, "<line x1=\"%d\" y1=\"%.0f\" x2=\"%d\" y2=\"%.0f\""
			" stroke=\"%s\" stroke-width=\"%.1f\"/>\n", LEFT, y - 4,
			LEFT + 30, y - 4, p->lines[i].colour,
			p->lines[i].width);
		fprintf(out, "<text x=\"%d\" y=\"%.0f\" "
			"font-family=\"monospace\">%s</text>\n", RATE_X, y,
			p->lines[i].rate);
		fprintf(out, "<text x=\"%.0f\" y=\"%.0f\" "
			"font-family=\"monospace\">", p->name_x, y);
		xml_put(out, p->lines[i].label);
		if (p->lines[i].via[0]) {
			putc(' ', out);
			xml_put(out, p->lines[i].via);
		}
		fputs("</text>\n", out);
	}
}

/* Height of a panel from its name to the end of its legend. */
static double panel_height(const struct panel *p)
{
	return AREA_H + 60 + (double)p->nlines * ROW_H;
}

/* --- the picture --- */

/* Place the legends' name column after the widest rate. */
static void set_name_column(struct panel *p, size_t np)
{
	size_t i, k, most = 10;

	for (i = 0; i < np; i++)
		for (k = 0; k < p[i].nlines; k++)
			if (strlen(p[i].lines[k].rate) > most)
				most = strlen(p[i].lines[k].rate);
	for (i = 0; i < np; i++)
		p[i].name_x = RATE_X + CHAR_W * (double)most + 16;
}

/* Width that holds the longest legend name. */
static double picture_width(const struct panel *p, size_t np)
{
	double w = MIN_W, need;
	size_t i, k, len;

	for (i = 0; i < np; i++)
		for (k = 0; k < p[i].nlines; k++) {
			len = strlen(p[i].lines[k].label) +
			      strlen(p[i].lines[k].via) + 1;
			need = p[i].name_x + CHAR_W * (double)len + 20;
			w = need > w ? need : w;
		}
	return w;
}

static void put_title(FILE *out, const struct trend *t, double w)
{
	const struct site_dump *d = trend_dump(t, t->n - 1);

	fputs("<title>leakshim trend: ", out);
	xml_put(out, d->program);
	fputs("</title>\n", out);
	fprintf(out, "<rect width=\"%.0f\" height=\"100%%\" "
		"fill=\"#ffffff\"/>\n<text x=\"%d\" y=\"28\" font-size=\"18\" "
		"font-weight=\"bold\">leakshim trend: ", w, LEFT);
	xml_put(out, d->program);
	if (t->one_pid)
		fprintf(out, " (pid %" PRIu64 ")", d->pid);
	fprintf(out, "</text>\n<text x=\"%d\" y=\"48\" fill=\"#444444\">%zu "
		"dumps over %.1f s; black: all sites; coloured: the sites "
		"that grow fastest</text>\n", LEFT, t->n, t->span);
}

void plot_put_svg(FILE *out, const struct trend *t)
{
	struct panel p[2];
	size_t np = 1, i;
	struct scale x;
	double w, h, top = 84;

	make_panel(&p[0], t, SITE_MEMORY, PLOT_MEMORY_SITES);
	if (t->conns.activity)
		make_panel(&p[np++], t, SITE_CONNS, PLOT_CONN_SITES);
	x_scale(&x, t);
	set_name_column(p, np);
	w = picture_width(p, np);
	for (h = top, i = 0; i < np; i++)
		h += panel_height(&p[i]) + 30;
	fprintf(out, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" "
		"height=\"%.0f\" viewBox=\"0 0 %.0f %.0f\" "
		"font-family=\"sans-serif\" font-size=\"12\">\n", w, h, w, h);
	put_title(out, t, w);
	for (i = 0; i < np; i++) {
		p[i].top = top;
		put_axes(out, &p[i], &x, t->one_pid ? "uptime"
				    : "time since the first dump");
		put_lines(out, t, &p[i], &x);
		put_legend(out, &p[i], top + AREA_H + 62);
		top += panel_height(&p[i]) + 30;
	}
	fputs("</svg>\n", out);
}

/* --- the file --- */

/* Write the picture to the open temporary file fd, then close it. */
static int write_file(int fd, const struct trend *t)
{
	FILE *f = fdopen(fd, "w");
	int r = 0;

	if (!f) {
		r = -errno;
		close(fd);
		return r;
	}
	fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n", f);
	plot_put_svg(f, t);
	if (fflush(f) || ferror(f) || fsync(fileno(f)))
		r = errno ? -errno : -EIO;
	if (fclose(f) && !r)
		r = errno ? -errno : -EIO;
	return r;
}

int plot_write(const char *path, const struct trend *t,
	       struct util_err *err)
{
	size_t len = strlen(path);
	char *tmp = malloc(len + 8);
	int fd, r;

	if (!tmp)
		return util_fail(err, -ENOMEM, "out of memory");
	memcpy(tmp, path, len);
	memcpy(tmp + len, ".XXXXXX", 8);
	fd = mkstemp(tmp);
	if (fd < 0) {
		r = util_fail(err, -errno, "cannot create %s: %s", tmp,
			      strerror(errno));
		goto out_free;
	}
	/* mkstemp made it 0600; a picture is for anyone to look at. */
	if (fchmod(fd, 0644)) {
		r = -errno;
		close(fd);
	} else {
		r = write_file(fd, t);
	}
	if (r == 0 && rename(tmp, path))
		r = -errno;
	if (r) {
		unlink(tmp);
		util_fail(err, r, "cannot write %s: %s", path, strerror(-r));
	}
out_free:
	free(tmp);
	return r;
}
