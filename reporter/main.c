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

#include "age.h"
#include "diff.h"
#include "json.h"
#include "parse.h"
#include "plot.h"
#include "report.h"
#include "sites.h"
#include "symbolize.h"
#include "text.h"
#include "trend.h"
#include "util.h"

#define EXIT_REPORT	0	/* a report was written */
#define EXIT_BAD	2	/* bad usage or bad input */

/* What the command line asked for. */
struct cli {
	bool json;			/* --format json (else text) */
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
	"usage: leakreport [--format text|json] [--all] [--top N] "
	"[--no-addresses]\n"
	"                  [--suppressions FILE]... [--older-than SECONDS]\n"
	"                  [--leak-count] DUMP\n"
	"       leakreport diff [--format text|json] [--all] OLD NEW\n"
	"       leakreport trend [--format text|json] [--plot FILE.svg] "
	"[--all]\n"
	"                        [--conn-limit N] DUMP DUMP...\n"
	"\n"
	"Reads a dump written by libleakshim.so and writes a report of the\n"
	"leaked and live blocks and the libpq connections, results and\n"
	"cancel handles it holds, with symbolized stacks.  DUMP may be - for\n"
	"standard input.\n"
	"\n"
	"  --format text|json  text for people (default) or JSON for tools\n"
	"  --all               also list reachable blocks\n"
	"  --top N             list only the N largest entries of each list\n"
	"  --no-addresses      leave pcs and offsets out of the text report\n"
	"  --suppressions FILE leave out the blocks that a leak:PATTERN line\n"
	"                      of FILE matches (LeakSanitizer's syntax);\n"
	"                      repeatable; the file the dump names applies\n"
	"                      too\n"
	"  --older-than S      keep only what has lived longer than S seconds\n"
	"                      (decimals allowed): blocks are counted at the\n"
	"                      ages the dump records (1, 10, 60, 300, 900,\n"
	"                      3600, 21600, 86400, 604800 s), at the first\n"
	"                      one >= S, and a note says which when S is not\n"
	"                      one of them; connections, results and cancel\n"
	"                      handles by their own age.  The summary's sums\n"
	"                      (and --leak-count) count only what is kept\n"
	"  --leak-count        print only \"BLOCKS BYTES\" of the direct and\n"
	"                      indirect leaks that are not suppressed\n"
	"  --help              print this help\n"
	"\n"
	"diff lists the sites whose memory, connections or results grew from\n"
	"OLD to NEW (--all: every site that changed), matched by their source\n"
	"lines, so dumps of two runs compare.  trend fits a line to each\n"
	"site's figures over many dumps and calls it growing (a leak),\n"
	"plateau (a cache), shrinking or flat.  See leakreport diff --help\n"
	"and leakreport trend --help.\n"
	"\n"
	"Recognised but not implemented yet: --format folded|pprof|html|\n"
	"sarif|junit.\n"
	"\n"
	"Exit status: 0 when a report was written, 2 on bad usage or input.\n";

static const char usage_line[] =
	"usage: leakreport [--format text|json] [--all] [--top N] "
	"[--no-addresses] [--suppressions FILE]... [--older-than SECONDS] "
	"[--leak-count] DUMP (see leakreport --help)";

/* --- options --- */

static int set_format(struct cli *c, const char *name, struct util_err *err)
{
	static const char *const later[] = {
		"folded", "pprof", "html", "sarif", "junit",
	};
	size_t i;

	if (!strcmp(name, "text") || !strcmp(name, "json")) {
		c->json = name[0] == 'j';
		return 0;
	}
	for (i = 0; i < sizeof(later) / sizeof(later[0]); i++)
		if (!strcmp(name, later[i]))
			return util_fail(err, -ENOSYS, "--format %s is not "
					 "implemented yet", name);
	return util_fail(err, -EINVAL, "usage: unknown format '%s' (text "
			 "or json)", name);
}

static int set_top(struct cli *c, const char *arg, struct util_err *err)
{
	unsigned long long n;
	char *end;

	errno = 0;
	n = strtoull(arg, &end, 10);
	if (arg[0] < '0' || arg[0] > '9' || *end || errno || n == 0 ||
	    n > SIZE_MAX)
		return util_fail(err, -EINVAL, "usage: --top needs a positive "
				 "whole number, not '%s'", arg);
	c->opts.top = (size_t)n;
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
	}
	return bad_option(ch, argv, err);
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
	return 0;
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

/* Symbolize and write the report of d. */
static int write_report(const struct cli *c, const struct dump *d,
		  struct report_supp *supp, struct util_err *err)
{
	const struct sym_warner warner = { print_warning, NULL };
	struct report_options o = c->opts;
	struct symbolizer *s = NULL;
	struct report rep = { 0 };
	int r;

	o.supp = supp;
	r = symbolize_open(&s, d, &warner, err);
	if (r == 0)
		r = report_build(&rep, d, s, &o, err);
	if (r == 0) {
		r = c->json ? json_write(stdout, &rep)
			    : text_write(stdout, &rep, &o);
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
	"usage: leakreport diff [--format text|json] [--all] "
	"[--no-addresses] OLD NEW\n"
	"\n"
	"Lists the sites whose live bytes (or blocks), libpq connections or\n"
	"uncleared results grew from dump OLD to dump NEW: memory first, by\n"
	"bytes gained, then connections, then results.  A site is matched\n"
	"by its frames' functions, files and lines (module and offset where\n"
	"there are no symbols), not by the dump's stack ids, so dumps of two\n"
	"runs of one program compare; memory adds up every class of a site.\n"
	"The SUMMARY gives the change of the dumps' totals.\n"
	"\n"
	"  --format text|json  text for people (default) or JSON for tools\n"
	"  --all               every site that changed, shrinking ones too\n"
	"  --no-addresses      leave pcs and offsets out of the text\n"
	"  --help              print this help\n";

static const char diff_usage_line[] =
	"usage: leakreport diff [--format text|json] [--all] "
	"[--no-addresses] OLD NEW (see leakreport diff --help)";

static const char trend_usage_text[] =
	"usage: leakreport trend [--format text|json] [--plot FILE.svg] "
	"[--all]\n"
	"                        [--conn-limit N] DUMP DUMP...\n"
	"\n"
	"Fits a line to each site's live bytes, connections and uncleared\n"
	"results over the dumps (in the order of their times; on the uptime\n"
	"axis when they come from one process) and calls it growing (a leak),\n"
	"plateau (filled, then stopped: a cache), shrinking or flat\n"
	"(docs/trend.md).  Sites are matched as leakreport diff matches them.\n"
	"It forecasts when open connections reach the server's limit.\n"
	"\n"
	"  --format text|json  text for people (default) or JSON for tools\n"
	"  --plot FILE.svg     also draw the live bytes and the open\n"
	"                      connections, with the sites that grow fastest\n"
	"  --all               list flat sites too\n"
	"  --conn-limit N      the server's connection limit, when the last\n"
	"                      dump does not record one (conn_limit)\n"
	"  --help              print this help\n";

static const char trend_usage_line[] =
	"usage: leakreport trend [--format text|json] [--plot FILE.svg] "
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
		if (strcmp(optarg, "text") && strcmp(optarg, "json"))
			return util_fail(err, -EINVAL, "usage: unknown format "
					 "'%s' (text or json)", optarg);
		c->json = optarg[0] == 'j';
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
	for (i = 0; r == 0 && i < c->npaths; i++)
		r = load_one(s, i, c->paths[i], &warner, err);
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
		r = c->json ? diff_write_json(stdout, &df)
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
		r = c->json ? trend_write_json(stdout, &t)
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
