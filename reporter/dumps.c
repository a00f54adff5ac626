/* SPDX-License-Identifier: MIT */
/*
 * dumps.c - finding the dumps a process wrote, from the dump path pattern
 * of its LEAKSHIM_OPTIONS, and running leakreport on one: shared by
 * `leakshim -- PROGRAM` and `leakshim snapshot PID`.
 */
#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <glob.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cmd.h"

/* Turns the dump pattern into a glob for one pid (or any pid if pid 0). */
void dumps_glob(char *dst, size_t size, const char *pat, pid_t pid)
{
	size_t len = 0;
	int n;

	for (; *pat && len + 24 < size; pat++) {
		if (*pat == '%' && pat[1] == 'p' && pid) {
			n = snprintf(dst + len, size - len, "%d", (int)pid);
			len += (size_t)n;
			pat++;
		} else if (*pat == '%' && pat[1]) {
			dst[len++] = pat[1] == '%' ? '%' : '*';
			pat++;
		} else if (strchr("*?[\\", *pat)) {
			dst[len++] = '\\';
			dst[len++] = *pat;
		} else {
			dst[len++] = *pat;
		}
	}
	dst[len] = 0;
}

/* Reads reason and sequence from a dump's P record; -1 if unreadable. */
int dumps_info(const char *path, int *is_exit, unsigned long *seq,
		     long *pid, long *ppid)
{
	char line[512], reason[32];
	FILE *f = fopen(path, "r");
	int ok = -1;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (line[0] != 'P')
			continue;
		if (sscanf(line, "P %lx %lx %31s %*x %*x %lx",
			   (unsigned long *)pid, (unsigned long *)ppid, reason,
			   seq) == 4) {
			*is_exit = strcmp(reason, "exit") == 0;
			ok = 0;
		}
		break;
	}
	fclose(f);
	return ok;
}

/* The child's final dump: its exit dump, else its newest. */
int dumps_final(const char *pattern, pid_t pid, char *out, size_t size)
{
	char g[PATH_MAX * 2];
	glob_t gl;
	unsigned long seq, best_seq = 0;
	int is_exit, best_exit = -1;
	long dpid, dppid;
	size_t i;

	dumps_glob(g, sizeof(g), pattern, pid);
	if (glob(g, 0, NULL, &gl))
		return -1;
	for (i = 0; i < gl.gl_pathc; i++) {
		if (dumps_info(gl.gl_pathv[i], &is_exit, &seq, &dpid, &dppid) ||
		    dpid != (long)pid)
			continue;
		if (is_exit > best_exit ||
		    (is_exit == best_exit && seq > best_seq)) {
			best_exit = is_exit;
			best_seq = seq;
			snprintf(out, size, "%s", gl.gl_pathv[i]);
		}
	}
	globfree(&gl);
	return best_exit < 0 ? -1 : 0;
}

/*
 * Names the final dumps of the program's descendants (it forked): dumps
 * written since the run began whose parent pid leads back to the program.
 */
void dumps_family(const char *pattern, pid_t pid, time_t since)
{
	char g[PATH_MAX * 2];
	long family[256], dpid, dppid;
	size_t i, nfam = 1, k, seen;
	struct stat st;
	unsigned long seq;
	glob_t gl;
	int is_exit;

	family[0] = pid;
	dumps_glob(g, sizeof(g), pattern, 0);
	if (glob(g, 0, NULL, &gl))
		return;
	do {		/* children may be listed before their parents */
		seen = nfam;
		for (i = 0; i < gl.gl_pathc && nfam < 256; i++) {
			if (stat(gl.gl_pathv[i], &st) || st.st_mtime < since ||
			    dumps_info(gl.gl_pathv[i], &is_exit, &seq, &dpid,
				      &dppid) || !is_exit)
				continue;
			for (k = 0; k < nfam && family[k] != dpid; k++)
				;
			if (k < nfam)
				continue;	/* already named */
			for (k = 0; k < nfam && family[k] != dppid; k++)
				;
			if (k == nfam)
				continue;	/* not of this run */
			family[nfam++] = dpid;
			fprintf(stderr, "leakshim: process %ld (child of %ld) "
				"left %s\n", dpid, dppid, gl.gl_pathv[i]);
		}
	} while (nfam > seen);
	globfree(&gl);
}

/*
 * True when `output` is, or a symlink leads to, something other than a
 * regular file (/dev/null, /dev/stdout, a FIFO): written in place, since
 * renaming a file over it would replace the device (as root, /dev/null
 * itself).  Writing into a device or pipe cannot clobber a file.
 */
static bool output_is_special(const char *output)
{
	struct stat st;

	return stat(output, &st) == 0 && !S_ISREG(st.st_mode) &&
	       !S_ISDIR(st.st_mode);
}

/*
 * A regular file's report goes to a private temporary file beside
 * `output` (0600, never through a symlink: a symlink there is replaced)
 * that is renamed into place once the reporter succeeded: a reader never
 * sees half a report, and a failed run leaves the previous one.
 */
static int open_output(const char *output, char *tmp, size_t size)
{
	int fd;

	if ((size_t)snprintf(tmp, size, "%s.XXXXXX", output) >= size) {
		errno = ENAMETOOLONG;
		return -1;
	}
	fd = mkstemp(tmp);	/* O_EXCL, mode 0600 */
	if (fd >= 0)
		fcntl(fd, F_SETFD, FD_CLOEXEC);
	return fd;
}

int dumps_report(const char *reporter, const char *const *args, int nargs,
		 const char *output, const char *dump)
{
	const char *argv[16];
	char tmp[PATH_MAX + 8];
	int n = 0, i, status, fd = -1, r;
	pid_t p;

	argv[n++] = reporter;
	for (i = 0; i < nargs && n < 14; i++)
		argv[n++] = args[i];
	argv[n++] = dump;
	argv[n] = NULL;
	if (output && strcmp(output, "-") != 0 && output_is_special(output)) {
		fd = open(output, O_WRONLY | O_CLOEXEC | O_NOCTTY);
		if (fd < 0) {
			fprintf(stderr, "leakshim: cannot write %s: %s\n",
				output, strerror(errno));
			return 2;
		}
		tmp[0] = 0;	/* nothing to rename */
	} else if (output && strcmp(output, "-") != 0) {
		fd = open_output(output, tmp, sizeof(tmp));
		if (fd < 0) {
			fprintf(stderr, "leakshim: cannot write %s: %s\n",
				output, strerror(errno));
			return 2;
		}
	}
	fflush(NULL);
	p = fork();
	if (p < 0) {
		if (fd >= 0) {
			close(fd);
			unlink(tmp);
		}
		return -1;
	}
	if (p == 0) {
		if (fd >= 0)
			dup2(fd, 1);
		else if (!output)
			dup2(2, 1);
		execv(reporter, (char **)argv);
		fprintf(stderr, "leakshim: cannot run %s: %s\n", reporter,
			strerror(errno));
		_exit(127);
	}
	while (waitpid(p, &status, 0) < 0)
		if (errno != EINTR) {
			status = -1;
			break;
		}
	r = status != -1 && WIFEXITED(status) ? WEXITSTATUS(status) : -1;
	if (fd >= 0 && !tmp[0]) {
		close(fd);
	} else if (fd >= 0) {
		if (close(fd) || r != 0 || rename(tmp, output)) {
			if (r == 0)
				fprintf(stderr, "leakshim: cannot write %s: "
					"%s\n", output, strerror(errno));
			unlink(tmp);
			if (r == 0)
				r = 2;
		}
	}
	return r;
}
