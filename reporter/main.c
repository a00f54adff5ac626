/* SPDX-License-Identifier: MIT */
/*
 * main.c - the leakreport command: reads its options, wires the reader,
 * the suppression files, the symbolizer, the report model and a writer
 * together, and is the only place that prints errors and warnings.  Exit
 * status: 0 when a report (or the --leak-count line) was written,
 * whatever it found, 2 for bad usage or bad input, a bad --suppressions
 * file included (DESIGN.md).  The suppression file the dump names (its S
 * record) is applied after the --suppressions files; when it cannot be
 * read or parsed, a warning says so and the report goes on without it.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "parse.h"
#include "report.h"
#include "symbolize.h"
#include "text.h"
#include "util.h"

#define EXIT_REPORT	0	/* a report was written */
#define EXIT_BAD	2	/* bad usage or bad input */

/* What the command line asked for. */
struct cli {
	bool json;			/* --format json (else text) */
	bool help;			/* --help: usage on stdout, exit 0 */
	bool leak_count;		/* --leak-count: "BLOCKS BYTES" only */
	struct report_options opts;	/* --all, --top, --no-addresses */
	const char **supp_paths;	/* --suppressions FILE, in order */
	size_t nsupp;
	const char *path;		/* the dump, "-" for stdin */
};

static const char usage_text[] =
	"usage: leakreport [--format text|json] [--all] [--top N] "
	"[--no-addresses]\n"
	"                  [--suppressions FILE]... [--leak-count] DUMP\n"
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
	"  --leak-count        print only \"BLOCKS BYTES\" of the direct and\n"
	"                      indirect leaks that are not suppressed\n"
	"  --help              print this help\n"
	"\n"
	"Recognised but not implemented yet: --format folded|pprof|html|\n"
	"sarif|junit, --older-than SECONDS, and the subcommands diff and\n"
	"trend.\n"
	"\n"
	"Exit status: 0 when a report was written, 2 on bad usage or input.\n";

static const char usage_line[] =
	"usage: leakreport [--format text|json] [--all] [--top N] "
	"[--no-addresses] [--suppressions FILE]... [--leak-count] DUMP "
	"(see leakreport --help)";

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
		return util_fail(err, -ENOSYS, "--older-than is not "
				 "implemented yet");
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

	if (argc > 1 && (!strcmp(argv[1], "diff") ||
			 !strcmp(argv[1], "trend")))
		return util_fail(err, -ENOSYS, "%s is not implemented yet",
				 argv[1]);
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
	if (r == 0)
		r = load_dump_supp(&d, &supp, c->leak_count, err);
	if (r == 0)
		r = c->leak_count ? leak_count(&d, &supp, err)
				  : write_report(c, &d, &supp, err);
	parse_free(&d);
	suppress_free(&supp);
	return r;
}

int main(int argc, char **argv)
{
	struct util_err err = { "" };
	struct cli c = { 0 };

	int status = EXIT_REPORT;

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
