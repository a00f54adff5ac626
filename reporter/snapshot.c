/* SPDX-License-Identifier: MIT */
/*
 * snapshot.c - `leakshim snapshot PID`: a report of a running program,
 * now, without stopping it.
 *
 * It checks that the shim is loaded in PID (otherwise the dump signal,
 * RTMIN+3 by default, would end the program: real-time signals terminate
 * by default), reads the program's LEAKSHIM_OPTIONS from
 * /proc/PID/environ to learn its dump signal and path pattern (with the
 * shim's own parser), notes the newest dump of PID, sends the signal,
 * waits for a newer one and prints its report on stdout.  A relative
 * pattern is taken from the directory the program started in: PWD in its
 * environment when a shell started it, else its current directory.
 *
 * Services that write a process title over argv[0] (nginx, PostgreSQL)
 * overwrite their environment too: --signal and --path then say what
 * /proc/PID/environ no longer can.  Before it signals, it checks in
 * /proc/PID/status that PID catches that signal, so a wrong guess never
 * kills the process.
 */
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cmd.h"
#include "config.h"

struct snap_opts {
	const char *args[8];	/* leakreport arguments */
	int nargs;
	const char *output;	/* -o, or "-" */
	double timeout;		/* seconds to wait for the dump */
	pid_t pid;
	int signal;		/* --signal, or -1: from the environment */
	const char *path;	/* --path, or NULL: from the environment */
};

static int snap_usage(const char *why)
{
	if (why && *why)	/* "": the caller said why */
		fprintf(stderr, "leakshim: %s\n", why);
	fputs("usage: leakshim snapshot [--format FMT] [--all] [--top N] "
	      "[-o FILE] [--timeout S]\n"
	      "                         [--signal SIG] [--path PATTERN] PID\n",
	      why ? stderr : stdout);
	return 2;
}

static int snap_args(struct snap_opts *o, int argc, char **argv)
{
	char *end;
	int i;

	o->output = "-";
	o->timeout = 30;
	o->signal = -1;
	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			snap_usage(NULL);
			exit(0);
		} else if (!strcmp(argv[i], "--all")) {
			o->args[o->nargs++] = argv[i];
		} else if ((!strcmp(argv[i], "--format") ||
			    !strcmp(argv[i], "--top")) && i + 1 < argc) {
			if (report_arg_check(argv[i], argv[i + 1]))
				return snap_usage("");
			o->args[o->nargs++] = argv[i];
			o->args[o->nargs++] = argv[++i];
		} else if ((!strcmp(argv[i], "-o") ||
			    !strcmp(argv[i], "--output")) && i + 1 < argc) {
			o->output = argv[++i];
		} else if (!strcmp(argv[i], "--signal") && i + 1 < argc) {
			i++;
			o->signal = lk_signal_parse(argv[i], strlen(argv[i]));
			if (o->signal <= 0)
				return snap_usage("--signal needs a signal the "
						  "shim can take (USR2, "
						  "RTMIN+3, ...)");
		} else if (!strcmp(argv[i], "--path") && i + 1 < argc) {
			o->path = argv[++i];
		} else if (!strcmp(argv[i], "--timeout") && i + 1 < argc) {
			o->timeout = strtod(argv[++i], &end);
			if (*end || o->timeout <= 0)
				return snap_usage("--timeout needs seconds");
		} else if (argv[i][0] != '-' && i == argc - 1) {
			o->pid = (pid_t)strtol(argv[i], &end, 10);
			if (*end || o->pid <= 0)
				return snap_usage("PID must be a process id");
		} else {
			return snap_usage("unknown option or missing value");
		}
		if (o->nargs > 6)
			return snap_usage("too many report options");
	}
	return o->pid ? 0 : snap_usage("no PID");
}

/* Reads a whole /proc file (NUL bytes and all); NULL on error. */
static char *read_proc(pid_t pid, const char *what, size_t *len)
{
	char path[64], *buf = NULL, *bigger;
	size_t cap = 0;
	ssize_t r;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, what);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	*len = 0;
	for (;;) {
		if (*len + 4096 + 1 > cap) {
			cap = cap ? cap * 2 : 65536;
			bigger = realloc(buf, cap);
			if (!bigger)
				break;
			buf = bigger;
		}
		r = read(fd, buf + *len, cap - *len - 1);
		if (r <= 0)
			break;
		*len += (size_t)r;
	}
	close(fd);
	if (buf)
		buf[*len] = 0;
	return buf;
}

/* The value of NAME in a NUL-separated environment, or NULL. */
static const char *env_value(const char *env, size_t len, const char *name)
{
	size_t n = strlen(name), i = 0;

	while (i < len) {
		if (!strncmp(env + i, name, n) && env[i + n] == '=')
			return env + i + n + 1;
		i += strlen(env + i) + 1;
	}
	return NULL;
}

/* Does pid catch sig (a handler installed, per /proc/PID/status)? */
static int catches(pid_t pid, int sig)
{
	size_t len;
	char *st = read_proc(pid, "status", &len);
	const char *p = st ? strstr(st, "\nSigCgt:") : NULL;
	unsigned long long mask;
	int yes = 0;

	if (p && sscanf(p + 8, " %llx", &mask) == 1 && sig >= 1 && sig <= 64)
		yes = (mask >> (sig - 1)) & 1;
	free(st);
	return yes;
}

/* Is libleakshim.so mapped in pid? */
static int runs_shim(pid_t pid)
{
	size_t len;
	char *maps = read_proc(pid, "maps", &len);
	int yes = maps && strstr(maps, "/libleakshim.so") != NULL;

	free(maps);
	return yes;
}

/* The program's dump settings; -1 with a message if they cannot be had. */
static int program_config(pid_t pid, struct lk_config *c, char *dir,
			  size_t size)
{
	char err[256], cwd[64];
	const char *opts = NULL, *pwd = NULL;
	size_t len = 0;
	char *env = read_proc(pid, "environ", &len);
	ssize_t n;

	lk_config_defaults(c);
	if (env) {
		opts = env_value(env, len, "LEAKSHIM_OPTIONS");
		pwd = env_value(env, len, "PWD");
	} else {
		fprintf(stderr, "leakshim: cannot read the environment of "
			"process %d (%s); assuming the default options\n",
			(int)pid, strerror(errno));
	}
	if (opts && lk_config_parse(c, opts, err, sizeof(err))) {
		fprintf(stderr, "leakshim: process %d has a bad "
			"LEAKSHIM_OPTIONS (%s): the shim is off in it\n",
			(int)pid, err);
		free(env);
		return -1;
	}
	dir[0] = 0;
	if (pwd && pwd[0] == '/')
		snprintf(dir, size, "%s", pwd);
	snprintf(cwd, sizeof(cwd), "/proc/%d/cwd", (int)pid);
	if (!dir[0] && (n = readlink(cwd, dir, size - 1)) > 0)
		dir[n] = 0;
	free(env);
	return 0;
}

/* The newest dump of pid matching pattern in dir; its sequence in *seq. */
static int newest(const char *dir, const char *pattern, pid_t pid,
		  unsigned long *seq, char *out, size_t size)
{
	char pat[PATH_MAX * 2], g[PATH_MAX * 3];
	unsigned long s;
	long dpid, dppid;
	int is_exit, found = 0;
	glob_t gl;
	size_t i;

	if (pattern[0] == '/')
		snprintf(pat, sizeof(pat), "%s", pattern);
	else
		snprintf(pat, sizeof(pat), "%s/%s", dir, pattern);
	dumps_glob(g, sizeof(g), pat, pid);
	*seq = 0;
	if (glob(g, 0, NULL, &gl))
		return 0;
	for (i = 0; i < gl.gl_pathc; i++) {
		if (dumps_info(gl.gl_pathv[i], &is_exit, &s, &dpid, &dppid) ||
		    dpid != (long)pid || s < *seq)
			continue;
		*seq = s;
		snprintf(out, size, "%s", gl.gl_pathv[i]);
		found = 1;
	}
	globfree(&gl);
	return found;
}

static void nap(void)
{
	struct timespec ts = { 0, 50 * 1000 * 1000 };

	nanosleep(&ts, NULL);
}

int snapshot_main(int argc, char **argv, const char *reporter)
{
	struct snap_opts o = { .nargs = 0 };
	char dir[PATH_MAX], dump[PATH_MAX * 3];
	unsigned long before, now;
	struct lk_config c;
	double waited = 0;
	char name[32];

	if (snap_args(&o, argc, argv))
		return 2;
	if (kill(o.pid, 0) && errno == ESRCH) {
		fprintf(stderr, "leakshim: no process %d\n", (int)o.pid);
		return 2;
	}
	if (!runs_shim(o.pid)) {
		fprintf(stderr, "leakshim: process %d is not running the shim "
			"(libleakshim.so is not loaded in it); no signal sent, "
			"as it would end the process\n", (int)o.pid);
		return 2;
	}
	if (program_config(o.pid, &c, dir, sizeof(dir)))
		return 2;
	if (o.signal >= 0)
		c.signal = o.signal;
	if (o.path)
		snprintf(c.path, sizeof(c.path), "%s", o.path);
	if (!c.signal) {
		fprintf(stderr, "leakshim: process %d takes no dump signal "
			"(signal=0 in its LEAKSHIM_OPTIONS)\n", (int)o.pid);
		return 2;
	}
	if (!catches(o.pid, c.signal)) {
		lk_signal_name(c.signal, name, sizeof(name));
		fprintf(stderr, "leakshim: process %d does not catch %s, so it "
			"would die of it; no signal sent (its dump signal may "
			"be another: give --signal, and --path, when its "
			"environment was overwritten by a process title)\n",
			(int)o.pid, name);
		return 2;
	}
	newest(dir, c.path, o.pid, &before, dump, sizeof(dump));
	if (kill(o.pid, c.signal)) {
		fprintf(stderr, "leakshim: cannot signal process %d: %s\n",
			(int)o.pid, strerror(errno));
		return 2;
	}
	while (!newest(dir, c.path, o.pid, &now, dump, sizeof(dump)) ||
	       now <= before) {
		if (waited >= o.timeout) {
			fprintf(stderr, "leakshim: process %d wrote no dump in "
				"%.0f s (looked for %s in %s)\n", (int)o.pid,
				o.timeout, c.path, dir);
			return 2;
		}
		nap();
		waited += 0.05;
	}
	return dumps_report(reporter, o.args, o.nargs, o.output, dump) == 0 ?
	       0 : 2;
}
