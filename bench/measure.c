/* SPDX-License-Identifier: MIT */
/*
 * measure.c - runs one command and writes its wall time and peak RSS.
 *
 *   measure [-t SECONDS] OUT CMD [ARGS...]
 *
 * Runs CMD as a child (stdin, stdout and stderr as given to measure) in a
 * process group of its own, waits for it with wait4(), and writes one line
 * to the file OUT:
 *
 *   <wall seconds> <peak RSS KiB> <end, CLOCK_MONOTONIC ns> <status>
 *
 * With -t, a command still running after SECONDS is killed with its whole
 * process group (heaptrack's interpreter, gcc's cc1) and `status` is the
 * word `timeout`.  SIGINT, SIGTERM and SIGHUP sent to measure are passed on
 * to the group, so ^C still stops the command.
 *
 * The wall time runs from just before fork() to wait4()'s return.  The
 * peak RSS is wait4()'s ru_maxrss, which the kernel takes as the largest
 * of the child's own and those of the descendants it waited for: for
 * `gcc -c`, the largest of gcc, cc1 and as (not their sum).  The end
 * stamp lets a program that prints CLOCK_MONOTONIC as it leaves main()
 * learn how long its exit took (the exit dump).  `status` is the exit
 * status, or 128 plus the signal that ended it; measure exits with it.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t timed_out;	/* set by SIGALRM */
static volatile pid_t child;		/* its process group, once started */

static void on_alarm(int sig)
{
	(void)sig;
	timed_out = 1;
	if (child > 0)
		kill(-child, SIGKILL);
}

static void on_stop(int sig)
{
	if (child > 0)
		kill(-child, sig);
}

static void handle(int sig, void (*fn)(int))
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = fn;	/* no SA_RESTART: wait4() returns EINTR */
	sigaction(sig, &sa, NULL);
}

static long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* Forks and execs argv in a new process group; returns the child's pid. */
static pid_t start(char **argv)
{
	pid_t pid = fork();

	if (pid == 0) {
		setpgid(0, 0);
		execvp(argv[0], argv);
		perror(argv[0]);
		_exit(127);
	}
	if (pid > 0)
		setpgid(pid, pid);	/* either side may run first */
	return pid;
}

int main(int argc, char **argv)
{
	unsigned limit = 0;
	struct rusage ru;
	long long t0, t1;
	int status, code;
	FILE *out;
	pid_t pid;

	if (argc > 2 && strcmp(argv[1], "-t") == 0) {
		limit = (unsigned)atoi(argv[2]);
		argv += 2;
		argc -= 2;
	}
	if (argc < 3) {
		fprintf(stderr, "usage: measure [-t SECONDS] OUT CMD [ARGS...]\n");
		return 2;
	}
	handle(SIGALRM, on_alarm);
	handle(SIGINT, on_stop);
	handle(SIGTERM, on_stop);
	handle(SIGHUP, on_stop);
	t0 = now_ns();
	pid = start(argv + 2);
	if (pid < 0) {
		perror("measure: fork");
		return 2;
	}
	child = pid;
	alarm(limit);
	while (wait4(pid, &status, 0, &ru) < 0) {
		if (errno != EINTR) {
			perror("measure: wait4");
			return 2;
		}
	}
	t1 = now_ns();
	alarm(0);
	code = WIFEXITED(status) ? WEXITSTATUS(status)
				 : 128 + WTERMSIG(status);
	out = fopen(argv[1], "w");
	if (!out) {
		perror(argv[1]);
		return 2;
	}
	if (timed_out)
		fprintf(out, "%.4f %ld %lld timeout\n", (t1 - t0) / 1e9,
			ru.ru_maxrss, t1);
	else
		fprintf(out, "%.4f %ld %lld %d\n", (t1 - t0) / 1e9,
			ru.ru_maxrss, t1, code);
	fclose(out);
	return timed_out ? 124 : code;
}
