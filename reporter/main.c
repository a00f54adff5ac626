/* SPDX-License-Identifier: MIT */
/*
 * main.c - the leakreport command: reads its options, wires the reader,
 * the suppression files, the --older-than filter, the symbolizer, the
 * report model and a writer together, and is the only place that prints
 * errors and warnings.  Exit status: 0 when a report (or the --leak-count
 * line) was written, whatever it found, 2 for bad usage or bad input, a
 * bad --suppressions file included (DESIGN.md).  The suppression file the
 * dump names (its S record) is applied after the --suppressions files;
 * when it cannot be read or parsed, a warning says so and the report goes
 * on without it.
 *
 * --format picks the writer: text.h, json.h, folded.h, pprof.h, html.h,
 * sarif.h or junit.h.  pprof is built with every entry (its inuse types
 * count every block), folded and html without --top (their sums and the
 * flame graph cover every entry; html cuts its lists itself).
 *
 * The subcommands `diff OLD NEW` and `trend DUMP...` read each dump in
 * turn into the site table (sites.h), symbolizing it and freeing it before
 * the next, then build and write the diff (diff.h) or the trend (trend.h,
 * and the plot of plot.h).  Symbolizer warnings repeated by later dumps
 * are printed once.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "age.h"
#include "diff.h"
#include "folded.h"
#include "formats.h"
#include "html.h"
#include "json.h"
#include "junit.h"
#include "parse.h"
#include "plot.h"
#include "pprof.h"
#include "progress.h"
#include "report.h"
#include "sarif.h"
#include "sites.h"
#include "symbolize.h"
#include "text.h"
#include "trend.h"
#include "util.h"

#define EXIT_REPORT	0	/* a report was written */
#define EXIT_BAD	2	/* bad usage or bad input */

/* What the command line asked for. */
struct cli {
	enum format format;		/* --format */
	bool blocks;			/* --weight blocks (folded) */
	bool weight;			/* --weight was given */
	bool help;			/* --help: usage on stdout, exit 0 */
	bool leak_count;		/* --leak-count: "BLOCKS BYTES" only */
	struct report_options opts;	/* --all, --top, --no-addresses,
					   --older-than (pointing at older) */
	struct age_cut older;		/* --older-than S */
	const char **supp_paths;	/* --suppressions FILE, in order */
	size_t nsupp;
	const char *path;		/* the dump, "-" for stdin */
};

static const char usage_text[] =
	"usage: leakreport [OPTIONS] DUMP\n"
	"       leakreport diff [--format text|json|html] [--all] "
	"[--no-addresses]\n"
	"                       OLD NEW\n"
	"       leakreport trend [--format text|json|html] [--plot FILE.svg] "
	"[--all]\n"
	"                        [--conn-limit N] DUMP DUMP...\n"
	"Reports the leaks, live blocks and libpq objects of a dump written by\n"
	"libleakshim.so, with symbolized stacks.  DUMP may be - for stdin.\n"
	"\n"
	"  --format FMT        text (default), json, folded, pprof, html, sarif, "
	"junit\n"
	"  --weight bytes|blocks  what folded stacks count [bytes]\n"
	"  --all               also list reachable blocks\n"
	"  --top N             only the N largest entries of each list\n"
	"  --no-addresses      leave pcs and offsets out of the text\n"
	"  --suppressions FILE leave out leaks a leak:PATTERN line matches "
	"(repeatable)\n"
	"  --older-than S      only what has lived longer than S seconds\n"
	"  --leak-count        print only \"BLOCKS BYTES\" of the leaks left\n"
	"  --help              this text (leakreport diff|trend --help: theirs)"
	"\n"
	"\n"
	"diff lists what grew from OLD to NEW; trend calls each site's series\n"
	"growing, plateau, shrinking or flat.  Exit status: 0 when a report "
	"was\nwritten, 2 on bad usage or input.  See leakreport(1).\n";

static const char usage_line[] =
	"usage: leakreport [--format text|json|folded|pprof|html|sarif|junit] "
	"[--all] [--top N] [--suppressions FILE]... [--older-than SECONDS] "
	"DUMP (see leakreport --help)";

/* --- options --- */

static int set_format(struct cli *c, const char *name, struct util_err *err)
{
	int i = format_find(name);

	if (i < 0)
		return util_fail(err, -EINVAL, "usage: unknown format '%s' ("
				 FORMAT_LIST ")", name);
	c->format = (enum format)i;
	return 0;
}

static int set_weight(struct cli *c, const char *arg, struct util_err *err)
{
	if (strcmp(arg, "bytes") && strcmp(arg, "blocks"))
		return util_fail(err, -EINVAL, "usage: --weight is bytes or "
				 "blocks, not '%s'", arg);
	c->blocks = arg[1] == 'l';
	c->weight = true;
	return 0;
}

static int set_top(struct cli *c, const char *arg, struct util_err *err)
{
	if (top_parse(arg, &c->opts.top))
		return util_fail(err, -EINVAL, "usage: --top needs a positive "
				 "whole number, not '%s'", arg);
	return 0;
}

/* What getopt_long could not accept, as a usage error. */
static int bad_option(int ch, char **argv, struct util_err *err)
{
	const char *what = argv[optind - 1];

	if (ch == ':')
		return util_fail(err, -EINVAL, "usage: option '%s' needs a "
				 "value", what);
	if (optopt)
		return util_fail(err, -EINVAL, "usage: unknown option '-%c' "
				 "(see leakreport --help)", optopt);
	return util_fail(err, -EINVAL, "usage: unknown option '%s' (see "
			 "leakreport --help)", what);
}

static int parse_option_char(struct cli *c, int ch, char **argv,
			     struct util_err *err)
{
	switch (ch) {
	case 'f':
		return set_format(c, optarg, err);
	case 'a':
		c->opts.all = true;
		return 0;
	case 't':
		return set_top(c, optarg, err);
	case 'A':
		c->opts.no_addresses = true;
		return 0;
	case 'h':
		c->help = true;
		return 0;
	case 's':
		c->supp_paths[c->nsupp++] = optarg;
		return 0;
	case 'c':
		c->leak_count = true;
		return 0;
	case 'o':
		c->opts.older = &c->older;
		return age_cut_parse(&c->older, optarg, err);
	case 'w':
		return set_weight(c, optarg, err);
	}
	return bad_option(ch, argv, err);
}

/* What the options say together. */
static int check_args(const struct cli *c, struct util_err *err)
{
	if (c->weight && c->format != FMT_FOLDED)
		return util_fail(err, -EINVAL, "usage: --weight is an option "
				 "of --format folded");
	if (c->format == FMT_PPROF && !c->leak_count && isatty(1))
		return util_fail(err, -EINVAL, "--format pprof writes gzip "
				 "data: redirect it to a file (leakreport "
				 "--format pprof DUMP > leaks.pb.gz)");
	return 0;
}

static int parse_args(int argc, char **argv, struct cli *c,
		      struct util_err *err)
{
	static const struct option longs[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "all", no_argument, NULL, 'a' },
		{ "top", required_argument, NULL, 't' },
		{ "no-addresses", no_argument, NULL, 'A' },
		{ "suppressions", required_argument, NULL, 's' },
		{ "leak-count", no_argument, NULL, 'c' },
		{ "older-than", required_argument, NULL, 'o' },
		{ "weight", required_argument, NULL, 'w' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int ch, r;

	/* At most one FILE per argument: argc entries are enough. */
	c->supp_paths = calloc((size_t)argc, sizeof(*c->supp_paths));
	if (!c->supp_paths)
		return util_fail(err, -ENOMEM, "out of memory");
	opterr = 0;
	while ((ch = getopt_long(argc, argv, ":h", longs, NULL)) != -1) {
		r = parse_option_char(c, ch, argv, err);
		if (r)
			return r;
	}
	if (c->help)
		return 0;
	if (optind != argc - 1)
		return util_fail(err, -EINVAL, "%s", usage_line);
	c->path = argv[optind];
	return check_args(c, err);
}

/* --- running --- */

/*
 * A symbolizer warning.  It names paths from the dump, so control bytes
 * are escaped: they cannot drive the terminal.
 */
static void print_warning(void *arg, const char *msg)
{
	(void)arg;
	fputs("leakreport: warning: ", stderr);
	for (; *msg; msg++) {
		unsigned char c = (unsigned char)*msg;

		if (c < 0x20 || c == 0x7f)
			fprintf(stderr, "\\x%02x", c);
		else
			putc(c, stderr);
	}
	putc('\n', stderr);
}

/* A warning of our own, formatted, then escaped as print_warning does. */
static void warnf(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));

static void warnf(const char *fmt, ...)
{
	char msg[UTIL_ERR_MAX + 4096];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	print_warning(NULL, msg);
}

/* Load every --suppressions file: any failure is the command's error. */
static int load_cli_supp(const struct cli *c, struct report_supp *supp,
			 struct util_err *err)
{
	size_t i;
	int r;

	for (i = 0; i < c->nsupp; i++) {
		r = suppress_load(supp, c->supp_paths[i], err);
		if (r)
			return r;
	}
	return 0;
}

/*
 * Load the suppression file the dump names, if any.  For a report, only
 * running out of memory is an error: a file that cannot be read or parsed
 * is named in one warning and left out.  For --leak-count it is an error:
 * the shim asks in order to apply exactly that file to its exit status.
 */
static int load_dump_supp(const struct dump *d, struct report_supp *supp,
			  int strict, struct util_err *err)
{
	const char *path = d->proc.suppressions;
	struct util_err why = { "" };
	int r;

	if (!path || !path[0])
		return 0;
	r = suppress_load(supp, path, &why);
	if (r == -ENOMEM || (r && strict))
		return util_fail(err, r, "%s", why.msg);
	if (r == -EINVAL)
		warnf("%s; the suppression file named by the dump is not "
		     "applied", why.msg);
	else if (r)
		warnf("cannot read suppression file %s named by the dump: %s; "
		     "not applied", path, strerror(-r));
	return 0;
}

/*
 * --leak-count: one line "BLOCKS BYTES".  The symbolizer is opened only
 * when a suppression has to be checked against a leak's frames.
 */
static int leak_count(const struct dump *d, const struct report_supp *supp,
		      struct util_err *err)
{
	const struct sym_warner warner = { print_warning, NULL };
	struct symbolizer *s = NULL;
	uint64_t blocks, bytes;
	int r = 0;

	if (report_leak_count_symbolizes(d, supp))
		r = symbolize_open(&s, d, &warner, err);
	if (r == 0)
		r = report_leak_count(d, s, supp, &blocks, &bytes, err);
	symbolize_close(s);
	if (r)
		return r;
	printf("%" PRIu64 " %" PRIu64 "\n", blocks, bytes);
	if (fflush(stdout) || ferror(stdout))
		return util_fail(err, -EIO, "cannot write the count: %s",
				 strerror(errno ? errno : EIO));
	return 0;
}

/*
 * The options the report is built with: pprof always holds every block
 * (its inuse_* types count them all), and folded stacks and the HTML
 * page's flame graph add up every entry, so --top is applied by the HTML
 * writer to its lists only, and not at all to pprof and folded.
 */
static struct report_options build_options(const struct cli *c,
					   struct report_supp *supp)
{
	struct report_options o = c->opts;

	o.supp = supp;
	if (c->format == FMT_PPROF)
		o.all = true;
	if (c->format == FMT_PPROF || c->format == FMT_FOLDED ||
	    c->format == FMT_HTML)
		o.top = 0;
	return o;
}

/* Write rep in the format c asks for. */
static int write_format(const struct cli *c, const struct report *rep,
			const struct report_options *o)
{
	switch (c->format) {
	case FMT_JSON:
		return json_write(stdout, rep);
	case FMT_FOLDED:
		return folded_write(stdout, rep, c->blocks);
	case FMT_PPROF:
		return pprof_write(stdout, rep);
	case FMT_HTML:
		return html_write(stdout, rep, &c->opts);
	case FMT_SARIF:
		return sarif_write(stdout, rep);
	case FMT_JUNIT:
		return junit_write(stdout, rep, o);
	default:
		return text_write(stdout, rep, o);
	}
}

/* Symbolize and write the report of d. */
static int write_report(const struct cli *c, const struct dump *d,
		  struct report_supp *supp, struct util_err *err)
{
	const struct sym_warner warner = { print_warning, NULL };
	struct report_options o = build_options(c, supp);
	struct symbolizer *s = NULL;
	struct report rep = { 0 };
	int r;

	r = symbolize_open(&s, d, &warner, err);
	if (r == 0)
		r = report_build(&rep, d, s, &o, err);
	if (r == 0) {
		r = write_format(c, &rep, &o);
		if (r)
			util_fail(err, r, "cannot write the report: %s",
				  strerror(-r));
	}
	report_free(&rep);
	symbolize_close(s);
	return r;
}

/* Load, parse, report; err says why when it returns non-zero. */
static int run(const struct cli *c, struct util_err *err)
{
	struct report_supp supp = { 0 };
	struct dump d = { 0 };
	int r;

	r = load_cli_supp(c, &supp, err);
	if (r == 0)
		r = parse_file(&d, c->path, err);
	if (r == 0 && c->opts.older)
		age_cut_apply(&d, c->opts.older);
	if (r == 0)
		r = load_dump_supp(&d, &supp, c->leak_count, err);
	if (r == 0)
		r = c->leak_count ? leak_count(&d, &supp, err)
				  : write_report(c, &d, &supp, err);
	parse_free(&d);
	suppress_free(&supp);
	return r;
}

/* --- diff and trend --- */

/* What `leakreport diff` or `leakreport trend` was asked. */
struct series_cli {
	bool trend;		/* trend, else diff */
	bool json;		/* --format json */
	bool html;		/* --format html */
	bool all;		/* --all */
	bool no_addresses;	/* diff --no-addresses */
	bool help;		/* --help */
	const char *plot;	/* trend --plot FILE, or NULL */
	uint64_t conn_limit;	/* trend --conn-limit N, 0 when not given */
	char **paths;		/* the dumps, in command-line order */
	size_t npaths;
};

/* Warnings already printed: each dump's symbolizer would repeat them. */
struct warned {
	char **msgs;
	size_t count, cap;
};

static const char diff_usage_text[] =
	"usage: leakreport diff [--format text|json|html] [--all] "
	"[--no-addresses] OLD NEW\n"
	"Lists the sites whose memory, libpq connections or uncleared results\n"
	"grew from dump OLD to dump NEW, biggest first.  Sites are matched by\n"
	"their functions, files and lines, so dumps of two runs compare.\n"
	"\n"
	"  --format FMT        text for people (default), json for tools, or\n"
	"                      html: one self-contained page\n"
	"  --all               every site that changed, shrinking ones too\n"
	"  --no-addresses      leave pcs and offsets out of the text\n"
	"  --help              this text\n";

static const char diff_usage_line[] =
	"usage: leakreport diff [--format text|json|html] [--all] "
	"[--no-addresses] OLD NEW (see leakreport diff --help)";

static const char trend_usage_text[] =
	"usage: leakreport trend [--format text|json|html] [--plot FILE.svg] "
	"[--all]\n"
	"                        [--conn-limit N] DUMP DUMP...\n"
	"Fits a line to each site's live bytes, connections and uncleared\n"
	"results over the dumps and calls it growing (a leak), plateau (a\n"
	"cache), shrinking or flat; forecasts when open connections reach the\n"
	"server's limit (docs/trend.md).\n"
	"\n"
	"  --format text|json|html  text (default), JSON, or a page with the "
	"plot\n"
	"  --plot FILE.svg     also draw live bytes and open connections over "
	"time\n"
	"  --all               list flat sites too\n"
	"  --conn-limit N      the server's connection limit, if the dump has "
	"none\n"
	"  --help              this text\n";

static const char trend_usage_line[] =
	"usage: leakreport trend [--format text|json|html] [--plot FILE.svg] "
	"[--all] [--conn-limit N] DUMP DUMP... (see leakreport trend --help)";

/* Print msg as print_warning does, unless it was printed already. */
static void print_warning_once(void *arg, const char *msg)
{
	struct warned *w = arg;
	size_t i;

	for (i = 0; i < w->count; i++)
		if (!strcmp(w->msgs[i], msg))
			return;
	print_warning(NULL, msg);
	if (util_grow(&w->msgs, &w->cap, w->count + 1, sizeof(*w->msgs)))
		return;
	w->msgs[w->count] = strdup(msg);
	w->count += w->msgs[w->count] != NULL;
}

static void free_warned(struct warned *w)
{
	size_t i;

	for (i = 0; i < w->count; i++)
		free(w->msgs[i]);
	free(w->msgs);
}

static int set_conn_limit(struct series_cli *c, const char *arg,
			  struct util_err *err)
{
	unsigned long long n;
	char *end;

	errno = 0;
	n = strtoull(arg, &end, 10);
	if (arg[0] < '0' || arg[0] > '9' || *end || errno)
		return util_fail(err, -EINVAL, "usage: --conn-limit needs a "
				 "whole number, not '%s'", arg);
	c->conn_limit = n;
	return 0;
}

static int series_option(struct series_cli *c, int ch, char **argv,
			 struct util_err *err)
{
	switch (ch) {
	case 'f':
		if (!strcmp(optarg, "html")) {
			c->html = true;
			c->json = false;
			return 0;
		}
		if (strcmp(optarg, "text") && strcmp(optarg, "json"))
			return util_fail(err, -EINVAL, "usage: unknown format "
					 "'%s' (text, json or html)", optarg);
		c->json = optarg[0] == 'j';
		c->html = false;
		return 0;
	case 'a':
		c->all = true;
		return 0;
	case 'A':
		c->no_addresses = true;
		return 0;
	case 'p':
		c->plot = optarg;
		return 0;
	case 'l':
		return set_conn_limit(c, optarg, err);
	case 'h':
		c->help = true;
		return 0;
	}
	return bad_option(ch, argv, err);
}

/* Options of diff or trend; argv[0] names which. */
static int parse_series_args(int argc, char **argv, struct series_cli *c,
			     struct util_err *err)
{
	static const struct option diff_longs[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "all", no_argument, NULL, 'a' },
		{ "no-addresses", no_argument, NULL, 'A' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	static const struct option trend_longs[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "plot", required_argument, NULL, 'p' },
		{ "all", no_argument, NULL, 'a' },
		{ "conn-limit", required_argument, NULL, 'l' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int ch, r;

	c->trend = !strcmp(argv[0], "trend");
	opterr = 0;
	optind = 1;
	while ((ch = getopt_long(argc, argv, ":h", c->trend ? trend_longs
							    : diff_longs,
				 NULL)) != -1)
		if ((r = series_option(c, ch, argv, err)))
			return r;
	if (c->help)
		return 0;
	c->paths = argv + optind;
	c->npaths = (size_t)(argc - optind);
	if (!c->trend && c->npaths != 2)
		return util_fail(err, -EINVAL, "%s", diff_usage_line);
	if (c->trend && c->npaths < 2)
		return util_fail(err, -EINVAL, "%s: trend needs at least 2 "
				 "dumps", trend_usage_line);
	return 0;
}

/* Read dump i of c into s, symbolize it, and let it go. */
static int load_one(struct sites *s, size_t i, const char *path,
		    const struct sym_warner *warner, struct util_err *err)
{
	struct symbolizer *sym = NULL;
	struct dump d = { 0 };
	int r;

	r = parse_file(&d, path, err);
	if (r == 0)
		r = symbolize_open(&sym, &d, warner, err);
	if (r == 0)
		r = sites_add(s, i, path, &d, sym, err);
	symbolize_close(sym);
	parse_free(&d);
	return r;
}

/* Every dump of c into the site table s (sites_init'ed by the call). */
static int load_sites(struct sites *s, const struct series_cli *c,
		      struct util_err *err)
{
	struct warned w = { 0 };
	const struct sym_warner warner = { print_warning_once, &w };
	size_t i;
	int r;

	r = sites_init(s, c->npaths, err);
	for (i = 0; r == 0 && i < c->npaths; i++) {
		progress_show("reading dumps", i, c->npaths);
		r = load_one(s, i, c->paths[i], &warner, err);
	}
	progress_done();
	free_warned(&w);
	return r;
}

/* Warn, once, when the dumps come from programs of other names. */
static void warn_programs(const struct sites *s)
{
	const struct site_dump *a = &s->dumps[0], *b;
	size_t i;

	for (i = 1; i < s->ndumps; i++) {
		b = &s->dumps[i];
		if (!strcmp(a->exe_base, b->exe_base))
			continue;
		warnf("%s is a dump of %s but %s one of %s; the sites are "
		      "compared all the same", a->path, a->exe_base, b->path,
		      b->exe_base);
		return;
	}
}

static int run_diff(const struct series_cli *c, const struct sites *s,
		    struct util_err *err)
{
	struct diff df;
	int r;

	r = diff_build(&df, s, c->all, err);
	if (r == 0) {
		r = c->html ? html_write_diff(stdout, &df)
		    : c->json ? diff_write_json(stdout, &df)
			      : diff_write_text(stdout, &df, !c->no_addresses);
		if (r)
			util_fail(err, r, "cannot write the diff: %s",
				  strerror(-r));
	}
	diff_free(&df);
	return r;
}

static int run_trend(const struct series_cli *c, const struct sites *s,
		     struct util_err *err)
{
	const struct trend_options o = { c->all, c->conn_limit };
	struct trend t;
	int r;

	r = trend_build(&t, s, &o, err);
	if (r == 0 && c->plot)
		r = plot_write(c->plot, &t, err);
	if (r == 0) {
		r = c->html ? html_write_trend(stdout, &t)
		    : c->json ? trend_write_json(stdout, &t)
			      : trend_write_text(stdout, &t);
		if (r)
			util_fail(err, r, "cannot write the trend: %s",
				  strerror(-r));
	}
	trend_free(&t);
	return r;
}

/* `leakreport diff ...` or `leakreport trend ...`: argv[0] says which. */
static int series_main(int argc, char **argv)
{
	struct util_err err = { "" };
	struct series_cli c = { 0 };
	struct sites s = { 0 };
	int r;

	if (parse_series_args(argc, argv, &c, &err)) {
		fprintf(stderr, "leakreport: %s\n", err.msg);
		return EXIT_BAD;
	}
	if (c.help) {
		fputs(c.trend ? trend_usage_text : diff_usage_text, stdout);
		return fflush(stdout) ? EXIT_BAD : EXIT_REPORT;
	}
	r = load_sites(&s, &c, &err);
	if (r == 0) {
		warn_programs(&s);
		r = c.trend ? run_trend(&c, &s, &err) : run_diff(&c, &s, &err);
	}
	sites_free(&s);
	if (r)
		fprintf(stderr, "leakreport: %s\n", err.msg);
	return r ? EXIT_BAD : EXIT_REPORT;
}

int main(int argc, char **argv)
{
	struct util_err err = { "" };
	struct cli c = { 0 };

	int status = EXIT_REPORT;

	progress_init();
	if (argc > 1 && (!strcmp(argv[1], "diff") ||
			 !strcmp(argv[1], "trend")))
		return series_main(argc - 1, argv + 1);

	if (parse_args(argc, argv, &c, &err)) {
		fprintf(stderr, "leakreport: %s\n", err.msg);
		status = EXIT_BAD;
	} else if (c.help) {
		fputs(usage_text, stdout);
		status = fflush(stdout) ? EXIT_BAD : EXIT_REPORT;
	} else if (run(&c, &err)) {
		fprintf(stderr, "leakreport: %s\n", err.msg);
		status = EXIT_BAD;
	}
	free(c.supp_paths);
	return status;
}
