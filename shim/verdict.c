/* SPDX-License-Identifier: MIT */
/*
 * verdict.c - does the program leak, for `exitcode`?
 *
 * Without suppressions the exit dump's own count of direct and indirect
 * leaks decides.  With them, a leak is suppressed by the function, file or
 * module names of its frames, which only the reporter knows (the shim
 * never symbolizes): so the shim runs `leakreport --leak-count DUMP`, which
 * applies the suppression file the dump names, and reads its answer.  It is
 * found through LEAKSHIM_REPORTER, or beside libleakshim.so (the build
 * tree), or in ../../bin from it (an installed tree).  It runs without the
 * shim in its environment.  If it cannot run, every leak counts, and one
 * line says so.
 */
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "arena.h"
#include "out.h"
#include "shim.h"

extern char **environ;

static int lk_reporter_path(char *dst, size_t size)
{
	const char *env = secure_getenv("LEAKSHIM_REPORTER");
	Dl_info info;
	char dir[PATH_MAX], *slash;

	if (env && *env) {
		lk_format(dst, size, "%s", env);
		return access(dst, X_OK);
	}
	if (!dladdr((void *)&lk_reporter_path, &info) || !info.dli_fname)
		return -1;
	lk_format(dir, sizeof(dir), "%s", info.dli_fname);
	slash = strrchr(dir, '/');
	if (!slash)
		return -1;
	*slash = 0;
	lk_format(dst, size, "%s/leakreport", dir);
	if (access(dst, X_OK) == 0)
		return 0;
	lk_format(dst, size, "%s/../../bin/leakreport", dir);
	return access(dst, X_OK);
}

/* environ without the variables that would load the shim again. */
static char **lk_clean_env(size_t *count)
{
	size_t n = 0, k = 0, i;
	char **env;

	while (environ && environ[n])
		n++;
	*count = n + 1;
	env = lk_arena_alloc(*count * sizeof(*env));
	if (!env)
		return NULL;
	for (i = 0; i < n; i++)
		if (strncmp(environ[i], "LD_PRELOAD=", 11) &&
		    strncmp(environ[i], "LEAKSHIM_OPTIONS=", 17))
			env[k++] = environ[i];
	env[k] = NULL;
	return env;
}

static long long lk_read_count(int fd)
{
	char buf[64];
	size_t n = 0;
	ssize_t r;
	long long v = 0;

	while (n < sizeof(buf) - 1) {
		r = read(fd, buf + n, sizeof(buf) - 1 - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		n += (size_t)r;
	}
	buf[n] = 0;
	if (n == 0 || buf[0] < '0' || buf[0] > '9')
		return -1;
	for (n = 0; buf[n] >= '0' && buf[n] <= '9'; n++)
		v = v * 10 + (buf[n] - '0');
	return v;
}

/* Leaked blocks the suppressions leave, or -1 if leakreport failed. */
static long long lk_count_by_reporter(const char *dump)
{
	posix_spawn_file_actions_t fa;
	char prog[PATH_MAX], **env;
	char *argv[] = { prog, (char *)"--leak-count", (char *)dump, NULL };
	long long v = -1;
	size_t nenv;
	int p[2], st;
	pid_t pid;

	if (lk_reporter_path(prog, sizeof(prog)) || pipe2(p, O_CLOEXEC))
		return -1;
	env = lk_clean_env(&nenv);
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, p[1], 1);
	posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
	if (env && posix_spawn(&pid, prog, &fa, NULL, argv, env) == 0) {
		close(p[1]);
		p[1] = -1;
		v = lk_read_count(p[0]);
		while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
			;
		if (!WIFEXITED(st) || WEXITSTATUS(st))
			v = -1;
	}
	posix_spawn_file_actions_destroy(&fa);
	close(p[0]);
	if (p[1] >= 0)
		close(p[1]);
	lk_arena_free(env, nenv * sizeof(*env));
	return v;
}

int lk_verdict_leaks(const struct lk_dump_totals *t, const char *dump)
{
	long long v;

	if (!t->leaked || !lk_cfg.suppressions[0])
		return t->leaked != 0;
	v = lk_count_by_reporter(dump);
	if (v < 0) {
		lk_warn("cannot apply the suppressions in %s (leakreport failed "
			"on %s); every leak counts for exitcode",
			lk_cfg.suppressions, dump);
		return 1;
	}
	return v != 0;
}
