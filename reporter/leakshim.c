/* SPDX-License-Identifier: MIT */
/*
 * leakshim.c - the `leakshim` command: run a program under the shim and
 * print the report of its final dump.
 *
 *   leakshim [options] [--] PROGRAM [ARGS...]
 *
 * It maps its flags onto LEAKSHIM_OPTIONS (appended to what the environment
 * already holds, so flags win), puts libleakshim.so first in LD_PRELOAD,
 * runs the program as a child, waits, finds the child's final dump by
 * expanding the dump path pattern with the child's pid, and runs leakreport
 * on it.  The report goes to stderr (or --output FILE), so the program's
 * stdout stays the program's.  Its exit status is the program's: the same
 * code, or death by the same signal (the shim turns it into `exitcode` when
 * asked and leaks were found).
 *
 * The library and leakreport are found next to this executable (the build
 * tree) or in ../lib/leakshim/ (an installed tree); LEAKSHIM_LIBRARY and
 * LEAKSHIM_REPORTER override both.
 */
#include "cmd.h"

#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "formats.h"

#define DEFAULT_PATH "leakshim.%p.%n.dump"

struct run {
	char options[8192];	/* LEAKSHIM_OPTIONS additions */
	const char *path;	/* dump path pattern */
	const char *report_args[8];	/* extra leakreport arguments */
	int nreport;
	const char *output;	/* report file, NULL for stderr */
	int summary;		/* keep the shim's own summary line */
	char **argv;		/* the program and its arguments */
};

static pid_t child_pid;

static void usage(FILE *f)
{
	fputs("usage: leakshim [OPTIONS] [--] PROGRAM [ARGS...]\n"
	      "       leakshim snapshot [--format FMT] [--all] [--top N] "
	      "[-o FILE]\n"
	      "                         [--timeout S] [--signal SIG] "
	      "[--path PATTERN] PID\n"
	      "Runs PROGRAM with libleakshim.so preloaded and prints the report "
	      "of its final\ndump on stderr; exits with PROGRAM's status.  "
	      "snapshot: a report of a\nrunning program now, on stdout.\n\n"
	      "  --exitcode N        exit with N when leaks are found at exit\n"
	      "  --signal SIG        signal that asks for a dump [RTMIN+3], 0 "
	      "for none\n"
	      "  --path PATTERN      dump file pattern [" DEFAULT_PATH "]\n"
	      "  --interval S        also write a dump every S seconds\n"
	      "  --keep N            keep the first and newest N-1 periodic "
	      "dumps\n"
	      "  --depth N           stack frames kept per allocation [32]\n"
	      "  --sample N          track about one allocation per N bytes\n"
	      "  --suppressions F    leak:PATTERN file the report applies\n"
	      "  --conn-max N        warn when open libpq connections exceed N"
	      "\n"
	      "  --conn-idle S       connections unused for S s are idle "
	      "[300]\n"
	      "  --conn-limit N      the server's connection limit, for "
	      "forecasts\n"
	      "  --metrics F         Prometheus metrics file, rewritten every "
	      "interval\n"
	      "  --summary           also print the shim's one-line summary\n"
	      "  --format FMT        text, json, folded, pprof, html, sarif or "
	      "junit [text]\n"
	      "  --all               also list reachable blocks\n"
	      "  --top N             only the N largest entries of each list\n"
	      "  -o, --output FILE   write the report to FILE, not stderr\n"
	      "  -h, --help          this text\n"
	      "See leakshim(1), leakreport(1) and leakshim(7).\n", f);
}

static int die_usage(const char *what, const char *arg)
{
	fprintf(stderr, "leakshim: %s%s\n", what, arg);
	usage(stderr);
	return 2;
}

/* --- options --- */

static const struct {
	const char *flag;
	const char *key;	/* LEAKSHIM_OPTIONS key, NULL: report arg */
} shim_flags[] = {
	{ "--exitcode", "exitcode" }, { "--signal", "signal" },
	{ "--path", "path" }, { "--interval", "interval" },
	{ "--keep", "keep" }, { "--depth", "depth" },
	{ "--sample", "sample" }, { "--suppressions", "suppressions" },
	{ "--conn-max", "conn_max" }, { "--conn-idle", "conn_idle" },
	{ "--conn-limit", "conn_limit" }, { "--metrics", "metrics" },
};

static int add_option(struct run *r, const char *key, const char *value)
{
	size_t len = strlen(r->options);
	/* Quoted when a ':' would end it or a leading quote start quoting. */
	const char *q = strchr(value, ':') || value[0] == '\'' ? "\"" : "";
	int n;

	if (strchr(value, '"'))
		return -1;
	n = snprintf(r->options + len, sizeof(r->options) - len, "%s%s=%s%s%s",
		     len ? ":" : "", key, q, value, q);
	return n < 0 || (size_t)n >= sizeof(r->options) - len ? -1 : 0;
}

int report_arg_check(const char *flag, const char *val)
{
	size_t top;

	if (!strcmp(flag, "--format") && format_find(val) < 0) {
		fprintf(stderr, "leakshim: unknown format '%s' (" FORMAT_LIST
			")\n", val);
		return -1;
	}
	if (!strcmp(flag, "--top") && top_parse(val, &top)) {
		fprintf(stderr, "leakshim: --top needs a positive whole "
			"number, not '%s'\n", val);
		return -1;
	}
	return 0;
}

/* Handles one flag with a value at argv[*i]; 1 if it was one, -1 on error. */
static int parse_valued(struct run *r, int argc, char **argv, int *i)
{
	const char *flag = argv[*i], *val;
	size_t k;

	if (*i + 1 >= argc)
		return 0;
	val = argv[*i + 1];
	for (k = 0; k < sizeof(shim_flags) / sizeof(shim_flags[0]); k++) {
		if (strcmp(flag, shim_flags[k].flag) != 0)
			continue;
		if (add_option(r, shim_flags[k].key, val))
			return -1;
		if (strcmp(shim_flags[k].key, "path") == 0)
			r->path = val;
		*i += 1;
		return 1;
	}
	if (strcmp(flag, "--format") == 0 || strcmp(flag, "--top") == 0) {
		if (report_arg_check(flag, val))
			return -2;
		r->report_args[r->nreport++] = flag;
		r->report_args[r->nreport++] = val;
	} else if (strcmp(flag, "-o") == 0 || strcmp(flag, "--output") == 0) {
		r->output = val;
	} else {
		return 0;
	}
	*i += 1;
	return 1;
}

/* Whether the report args ask for pprof, which is no text for stderr. */
static int binary_format(const struct run *r)
{
	int i;

	for (i = 0; i + 1 < r->nreport; i++)
		if (!strcmp(r->report_args[i], "--format") &&
		    !strcmp(r->report_args[i + 1], "pprof"))
			return 1;
	return 0;
}

static int parse_args(struct run *r, int argc, char **argv)
{
	int i, v;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0) {
			i++;
			break;
		}
		if (argv[i][0] != '-')
			break;
		if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			usage(stdout);
			exit(0);
		}
		if (strcmp(argv[i], "--all") == 0) {
			r->report_args[r->nreport++] = "--all";
			continue;
		}
		if (strcmp(argv[i], "--summary") == 0) {
			r->summary = 1;
			continue;
		}
		v = parse_valued(r, argc, argv, &i);
		if (v == -2) {
			usage(stderr);
			return 2;
		}
		if (v < 0)
			return die_usage("bad value for ", argv[i]);
		if (v == 0)
			return die_usage("unknown option or missing value: ",
					 argv[i]);
	}
	if (i >= argc)
		return die_usage("no program to run", "");
	if (!r->output && binary_format(r))
		return die_usage("--format pprof writes gzip data: add -o "
				 "FILE (-o leaks.pb.gz)", "");
	r->argv = argv + i;
	return 0;
}

/*
 * Check the program's LEAKSHIM_OPTIONS to be (the environment's, then
 * our flags) with the shim's own parser: a bad value is our error, with
 * exit status 2, rather than a run of the program without the shim.
 */
static int check_options(const struct run *r)
{
	const char *env = getenv("LEAKSHIM_OPTIONS");
	struct lk_config c;
	char err[512];

	lk_config_defaults(&c);
	if (env && lk_config_parse(&c, env, err, sizeof(err))) {
		fprintf(stderr, "leakshim: %s in LEAKSHIM_OPTIONS\n", err);
		return -1;
	}
	if (lk_config_parse(&c, r->options, err, sizeof(err))) {
		fprintf(stderr, "leakshim: %s\n", err);
		return -1;
	}
	return 0;
}

/* --- finding our files --- */

static int find_beside(char *dst, size_t size, const char *env,
		       const char *name, const char *installed)
{
	char self[PATH_MAX], *slash;
	ssize_t n;

	if (getenv(env) && *getenv(env)) {
		snprintf(dst, size, "%s", getenv(env));
		return access(dst, R_OK) == 0 ? 0 : -1;
	}
	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n <= 0)
		return -1;
	self[n] = 0;
	slash = strrchr(self, '/');
	*slash = 0;
	if ((size_t)snprintf(dst, size, "%s/%s", self, name) < size &&
	    access(dst, R_OK) == 0)
		return 0;
	if ((size_t)snprintf(dst, size, "%s/%s", self, installed) < size &&
	    access(dst, R_OK) == 0)
		return 0;
	return -1;
}

static int setup_env(struct run *r, const char *lib)
{
	const char *old = getenv("LEAKSHIM_OPTIONS");
	const char *pre = getenv("LD_PRELOAD");
	char *buf;
	size_t n;

	if (!r->summary && add_option(r, "summary", "0"))
		return -1;
	n = strlen(r->options) + (old ? strlen(old) : 0) + 2;
	buf = malloc(n);
	if (!buf)
		return -1;
	snprintf(buf, n, "%s%s%s", old && *old ? old : "",
		 old && *old && r->options[0] ? ":" : "", r->options);
	if (setenv("LEAKSHIM_OPTIONS", buf, 1))
		return -1;
	free(buf);
	n = strlen(lib) + (pre ? strlen(pre) : 0) + 2;
	buf = malloc(n);
	if (!buf)
		return -1;
	snprintf(buf, n, "%s%s%s", lib, pre && *pre ? ":" : "",
		 pre ? pre : "");
	if (setenv("LD_PRELOAD", buf, 1))
		return -1;
	free(buf);
	return 0;
}

/* --- running --- */

static void forward(int sig)
{
	if (child_pid > 0)
		kill(child_pid, sig);
}

static int run_program(struct run *r, const char *lib, int *status)
{
	struct sigaction ign = { .sa_handler = SIG_IGN };
	struct sigaction fwd = { .sa_handler = forward };
	pid_t w;

	child_pid = fork();
	if (child_pid < 0)
		return -1;
	if (child_pid == 0) {
		/* Only the program gets the shim, not leakreport. */
		if (setup_env(r, lib)) {
			fprintf(stderr, "leakshim: cannot set up the "
				"environment\n");
			_exit(126);
		}
		execvp(r->argv[0], r->argv);
		fprintf(stderr, "leakshim: cannot run %s: %s\n", r->argv[0],
			strerror(errno));
		_exit(errno == ENOENT ? 127 : 126);
	}
	/* The terminal's ^C reaches the program itself; a supervisor's
	 * SIGTERM to us is passed on, and we wait for the final dump. */
	sigaction(SIGINT, &ign, NULL);
	sigaction(SIGQUIT, &ign, NULL);
	sigaction(SIGTERM, &fwd, NULL);
	sigaction(SIGHUP, &fwd, NULL);
	do
		w = waitpid(child_pid, status, 0);
	while (w < 0 && errno == EINTR);
	return w < 0 ? -1 : 0;
}

/* Leaves with the program's status: its code, or its signal. */
static int pass_status(int status)
{
	struct rlimit no_core = { 0, 0 };
	struct sigaction dfl = { .sa_handler = SIG_DFL };
	sigset_t set;
	int sig;

	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	sig = WTERMSIG(status);
	setrlimit(RLIMIT_CORE, &no_core);	/* the child dumped core */
	sigaction(sig, &dfl, NULL);
	sigemptyset(&set);
	sigaddset(&set, sig);
	sigprocmask(SIG_UNBLOCK, &set, NULL);
	fflush(NULL);
	raise(sig);
	return 128 + sig;
}

int main(int argc, char **argv)
{
	struct run r = { .path = DEFAULT_PATH };
	char lib[PATH_MAX], reporter[PATH_MAX], dump[PATH_MAX];
	time_t start = time(NULL);
	int status;

	if (find_beside(reporter, sizeof(reporter), "LEAKSHIM_REPORTER",
			"leakreport", "leakreport")) {
		fprintf(stderr, "leakshim: cannot find leakreport beside %s\n",
			argv[0]);
		return 2;
	}
	if (argc > 1 && strcmp(argv[1], "snapshot") == 0)
		return snapshot_main(argc - 1, argv + 1, reporter);
	if (parse_args(&r, argc, argv) || check_options(&r))
		return 2;
	if (find_beside(lib, sizeof(lib), "LEAKSHIM_LIBRARY", "libleakshim.so",
			"../lib/leakshim/libleakshim.so")) {
		fprintf(stderr, "leakshim: cannot find libleakshim.so beside "
			"%s\n", argv[0]);
		return 2;
	}
	if (run_program(&r, lib, &status)) {
		fprintf(stderr, "leakshim: cannot run %s: %s\n", r.argv[0],
			strerror(errno));
		return 2;
	}
	if (dumps_final(r.path, child_pid, dump, sizeof(dump)) == 0)
		dumps_report(reporter, r.report_args, r.nreport, r.output, dump);
	else if (!(WIFEXITED(status) && WEXITSTATUS(status) >= 126))
		fprintf(stderr, "leakshim: %s (pid %d) left no dump: it ended "
			"without exit() (by _exit, exec, or an uncaught "
			"signal)\n", r.argv[0], (int)child_pid);
	dumps_family(r.path, child_pid, start);
	return pass_status(status);
}
