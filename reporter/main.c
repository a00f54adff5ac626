/* SPDX-License-Identifier: MIT */
/*
 * main.c - the leakreport command: reads its options, wires the reader,
 * the symbolizer, the report model and a writer together, and is the only
 * place that prints errors.  Exit status: 0 when a report was written
 * (whatever it found), 2 for bad usage or bad input (DESIGN.md).
 */
#include <errno.h>
#include <getopt.h>
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
	struct report_options opts;	/* --all, --top, --no-addresses */
	const char *path;		/* the dump, "-" for stdin */
};

static const char usage_text[] =
	"usage: leakreport [--format text|json] [--all] [--top N] "
	"[--no-addresses] DUMP\n"
	"\n"
	"Reads a dump written by libleakshim.so and writes a report of the\n"
	"live blocks and the libpq connections, results and cancel handles\n"
	"it holds, with symbolized stacks.  DUMP may be - for standard input.\n"
	"\n"
	"  --format text|json  text for people (default) or JSON for tools\n"
	"  --all               also list reachable blocks\n"
	"  --top N             list only the N largest entries of each list\n"
	"  --no-addresses      leave pcs and offsets out of the text report\n"
	"  --help              print this help\n"
	"\n"
	"Recognised but not implemented yet: --format folded|pprof|html|\n"
	"sarif|junit, --suppressions FILE, --older-than SECONDS, and the\n"
	"subcommands diff and trend.\n"
	"\n"
	"Exit status: 0 when a report was written, 2 on bad usage or input.\n";

static const char usage_line[] =
	"usage: leakreport [--format text|json] [--all] [--top N] "
	"[--no-addresses] DUMP (see leakreport --help)";

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
		return util_fail(err, -ENOSYS, "--suppressions is not "
				 "implemented yet");
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
		{ "older-than", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int ch, r;

	if (argc > 1 && (!strcmp(argv[1], "diff") ||
			 !strcmp(argv[1], "trend")))
		return util_fail(err, -ENOSYS, "%s is not implemented yet",
				 argv[1]);
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

/* Parse, symbolize, report; err says why when it returns non-zero. */
static int run(const struct cli *c, struct util_err *err)
{
	const struct sym_warner warner = { print_warning, NULL };
	struct symbolizer *s = NULL;
	struct dump d = { 0 };
	struct report rep = { 0 };
	int r;

	r = parse_file(&d, c->path, err);
	if (r == 0)
		r = symbolize_open(&s, &d, &warner, err);
	if (r == 0)
		r = report_build(&rep, &d, s, &c->opts, err);
	if (r == 0) {
		r = c->json ? json_write(stdout, &rep)
			    : text_write(stdout, &rep, &c->opts);
		if (r)
			util_fail(err, r, "cannot write the report: %s",
				  strerror(-r));
	}
	report_free(&rep);
	symbolize_close(s);
	parse_free(&d);
	return r;
}

int main(int argc, char **argv)
{
	struct util_err err = { "" };
	struct cli c = { 0 };

	if (parse_args(argc, argv, &c, &err)) {
		fprintf(stderr, "leakreport: %s\n", err.msg);
		return EXIT_BAD;
	}
	if (c.help) {
		fputs(usage_text, stdout);
		return fflush(stdout) ? EXIT_BAD : EXIT_REPORT;
	}
	if (run(&c, &err)) {
		fprintf(stderr, "leakreport: %s\n", err.msg);
		return EXIT_BAD;
	}
	return EXIT_REPORT;
}
