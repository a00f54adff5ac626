/* SPDX-License-Identifier: MIT */
/*
 * cmd.h - what the two modes of the leakshim command share: finding the
 * dumps a process wrote from the dump path pattern, and running leakreport
 * on one.
 */
#ifndef LK_REPORTER_CMD_H
#define LK_REPORTER_CMD_H

#include <stddef.h>
#include <sys/types.h>
#include <time.h>

/* The pattern as a glob(3) pattern for one pid, or for any if pid is 0. */
void dumps_glob(char *dst, size_t size, const char *pattern, pid_t pid);

/* Reads pid, ppid, reason (exit or not) and sequence number from a dump's
 * P record; -1 if the file is not a readable dump. */
int dumps_info(const char *path, int *is_exit, unsigned long *seq,
	       long *pid, long *ppid);

/* The final dump of pid: its exit dump, else its newest. */
int dumps_final(const char *pattern, pid_t pid, char *out, size_t size);

/* Names, on stderr, the exit dumps written since `since` by processes
 * descended from pid. */
void dumps_family(const char *pattern, pid_t pid, time_t since);

/* Runs leakreport on dump with args, its report to output (a new 0600
 * file renamed into place; a device or FIFO written in place; "-" for
 * stdout) or to stderr if output is NULL.  Returns
 * leakreport's status, or -1. */
int dumps_report(const char *reporter, const char *const *args, int nargs,
		 const char *output, const char *dump);

/* Checks a report option the command passes on to leakreport (--format,
 * --top) before anything runs; prints why and returns -1 if it is bad. */
int report_arg_check(const char *flag, const char *val);

/* `leakshim snapshot`: argv[0] is "snapshot". */
int snapshot_main(int argc, char **argv, const char *reporter);

#endif
