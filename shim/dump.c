/* SPDX-License-Identifier: MIT */
/*
 * dump.c - when and how a dump is taken.
 *
 * Three ways, one per situation:
 *
 *  - lk_dump_final: at exit (or on a fatal signal), in the process.  The
 *    shard locks are held while the blocks are copied and scanned, so no
 *    block can be freed under the scan; other threads that allocate wait.
 *  - lk_dump_live: on the dump signal or an interval, from the control
 *    thread, without stopping the program.  The shim's locks are taken
 *    (so the tables are consistent), a child is made with a raw clone (no
 *    atfork handlers of the program run, and its SIGCHLD handler sees
 *    nothing: the child has no exit signal), the locks are released in the
 *    parent at once, and the child scans its frozen copy of the whole
 *    process, other threads' stacks included, writes the dump and exits.
 *    Only the clone pauses the program.  The loader's lock may be held by
 *    a thread that does not exist in the child, so the module map is
 *    collected before the clone; the child calls nothing that locks.
 *  - lk_dump: unclassified, in the process: when the clone fails.
 *
 * lk_dump_lock serializes them and guards the sequence number, the last
 * path and the last error.  Failures are reported once per distinct errno
 * and never stop the host.
 */
#include <errno.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "arena.h"
#include "dumpfile.h"
#include "dumpfmt.h"
#include "lock.h"
#include "out.h"
#include "sample.h"
#include "shim.h"
#include "stack.h"
#include "table.h"
#include "threads.h"

static struct lk_lock lk_dump_lock = LK_LOCK_INIT;
static unsigned long lk_dump_seq;
static int lk_dump_last_err;
static char lk_dump_last_path[PATH_MAX];	/* last dump written */
char lk_cwd[PATH_MAX];
char lk_progname[LK_PROGNAME_MAX];
uint64_t lk_dumps_written;
/* The final dump was taken: no dump may follow it (lk_dump_lock). */
static int lk_dumps_closed;

/*
 * keep=N: the first periodic dump and the newest N-1 stay on disk.  The
 * names of the newest are kept in a ring (arena strings), as a pattern
 * with %t cannot be recomputed.  Dump lock held.
 */
static struct {
	char **ring;		/* keep - 1 slots, NULL or a path */
	size_t head;		/* next slot to fill (the oldest) */
	int first_seen;		/* the first periodic dump was written */
} lk_keep;

/* For tests: LEAKSHIM_TEST_NOCLONE=1 makes the clone fail (see
 * tests/t300-classify.sh); the fallback cannot be reached otherwise as
 * root. */
static int lk_test_noclone = -1;

/* --- file name --- */

static void lk_path_put(char *dst, size_t size, size_t *len, const char *s)
{
	while (*s && *len + 1 < size)
		dst[(*len)++] = *s++;
}

/*
 * The program's name as a file name part: the program chooses its argv[0],
 * so anything but letters, digits, '.', '_', '-' becomes '_', and a name
 * of dots only becomes "_": %e can never climb out of the directory.
 */
static void lk_safe_name(char *dst, size_t size, const char *name)
{
	size_t i, dots = 0;
	char c;

	for (i = 0; name[i] && i + 1 < size; i++) {
		c = name[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || c == '.' || c == '_' ||
		      c == '-'))
			c = '_';
		dots += c == '.';
		dst[i] = c;
	}
	dst[i] = 0;
	if (!i || dots == i)
		lk_format(dst, size, "_");
}

/* Expands %p %n %t %e %% of the pattern; relative patterns are taken
 * from the working directory the program started in. */
int lk_expand_path(const char *pattern, unsigned long seq, char *dst,
		   size_t size)
{
	const char *p = pattern;
	char num[32];
	size_t len = 0;

	if (p[0] != '/' && lk_cwd[0]) {
		lk_path_put(dst, size, &len, lk_cwd);
		lk_path_put(dst, size, &len, "/");
	}
	for (; *p; p++) {
		if (*p != '%' || !p[1]) {
			num[0] = *p;
			num[1] = 0;
			lk_path_put(dst, size, &len, num);
			continue;
		}
		p++;
		if (*p == 'p')
			lk_format(num, sizeof(num), "%d", (int)getpid());
		else if (*p == 'n')
			lk_format(num, sizeof(num), "%lu", seq);
		else if (*p == 't')
			lk_format(num, sizeof(num), "%lu",
				  (unsigned long)(lk_wall_ms() / 1000));
		else if (*p == 'e')
			lk_safe_name(num, sizeof(num),
				     lk_progname);
		else
			lk_format(num, sizeof(num), "%c", *p);
		lk_path_put(dst, size, &len, num);
	}
	dst[len] = 0;
	return len + 1 < size ? 0 : -ENAMETOOLONG;
}

/* --- one job --- */

struct lk_job {
	struct lk_dump_data d;
	char path[PATH_MAX];
};

/* Numbers the dump and names its file; dump lock held. */
static int lk_job_begin(struct lk_job *j, const char *reason)
{
	memset(j, 0, sizeof(*j));
	j->d.reason = reason;
	j->d.seq = ++lk_dump_seq;
	j->d.pid = (uint64_t)getpid();
	j->d.ppid = (uint64_t)getppid();
	return lk_expand_path(lk_cfg.path, j->d.seq, j->path, sizeof(j->path));
}

static char *lk_strdup_arena(const char *s)
{
	size_t n = strlen(s) + 1;
	char *d = lk_arena_alloc(n);

	if (d)
		memcpy(d, s, n);
	return d;
}

/* A periodic dump was written: remove what keep= no longer keeps. */
static void lk_keep_rotate(const char *path)
{
	size_t slots = lk_cfg.keep - 1;
	char *old;

	if (!lk_cfg.keep)
		return;
	if (!lk_keep.first_seen) {
		lk_keep.first_seen = 1;		/* the first one stays */
		return;
	}
	if (!slots) {
		unlink(path);
		return;
	}
	if (!lk_keep.ring) {
		lk_keep.ring = lk_arena_alloc(slots * sizeof(*lk_keep.ring));
		if (!lk_keep.ring)
			return;
	}
	old = lk_keep.ring[lk_keep.head];
	if (old) {
		unlink(old);
		lk_arena_free(old, strlen(old) + 1);
	}
	lk_keep.ring[lk_keep.head] = lk_strdup_arena(path);
	lk_keep.head = (lk_keep.head + 1) % slots;
}

static void lk_job_end(struct lk_job *j, int r)
{
	if (!r) {
		memcpy(lk_dump_last_path, j->path, sizeof(j->path));
		__atomic_fetch_add(&lk_dumps_written, 1, __ATOMIC_RELAXED);
		if (!strcmp(j->d.reason, LK_REASON_INTERVAL))
			lk_keep_rotate(j->path);
	} else if (r != -lk_dump_last_err) {
		lk_dump_last_err = -r;
		lk_warn("cannot write dump %s: %s", j->path,
			strerrordesc_np(-r));
	}
	lk_pq_release(&j->d.pq);
	lk_snap_free(&j->d.snap);
	lk_modmap_free(&j->d.mods);
}

/* Copies the blocks (and classifies them if self is given), with every
 * shard lock held; then the libpq objects. */
static int lk_job_gather(struct lk_job *j, const struct lk_scan_self *self,
			 int locked)
{
	int r;

	if (!locked)
		lk_table_lock_all();
	r = lk_snap_take_locked(&j->d.snap);
	/* Sampled blocks are too few to scan for: they stay live. */
	if (!r && self && !lk_sampling) {
		j->d.scan_error = -lk_scan_classify(&j->d.snap, self,
						    &j->d.scan);
		j->d.classified = !j->d.scan_error;
	}
	if (!locked)
		lk_table_unlock_all();
	if (r)
		return r;
	lk_pq_collect(&j->d.pq, lk_stack_count() + 1);
	return 0;
}

static int lk_job_run(struct lk_job *j, const struct lk_scan_self *self,
		      int locked, struct lk_dump_totals *t)
{
	int r = lk_modmap_collect(&j->d.mods);

	if (!r)
		r = lk_job_gather(j, self, locked);
	if (!r)
		r = lk_dumpfile_write(j->path, &j->d, t);
	return r;
}

int lk_dump(const char *reason, struct lk_dump_totals *totals)
{
	struct lk_dump_totals t = { 0, 0, 0, 0 };
	static struct lk_job j;		/* serialized by lk_dump_lock */
	int r;

	lk_lock(&lk_dump_lock);
	if (lk_dumps_closed) {
		lk_unlock(&lk_dump_lock);
		return 0;
	}
	r = lk_job_begin(&j, reason);
	if (!r)
		r = lk_job_run(&j, NULL, 0, &t);
	lk_job_end(&j, r);
	lk_unlock(&lk_dump_lock);
	if (totals)
		*totals = t;
	return r;
}

int lk_dump_final(const struct lk_scan_self *self,
		  struct lk_dump_totals *totals)
{
	struct lk_dump_totals t = { 0, 0, 0, 0 };
	static struct lk_job j;
	int r;

	lk_lock(&lk_dump_lock);
	/* The exit dump is the last: the control thread may still be about
	 * to take an interval dump, which would land after it. */
	lk_dumps_closed = 1;
	r = lk_job_begin(&j, LK_REASON_EXIT);
	if (!r)
		r = lk_job_run(&j, self, 0, &t);
	lk_job_end(&j, r);
	lk_unlock(&lk_dump_lock);
	if (totals)
		*totals = t;
	return r;
}

/* --- the live dump --- */

/* Every lock of the shim, in the fork handlers' order. */
static void lk_lock_everything(void)
{
	lk_pq_lock_all();
	lk_stack_lock_all();
	lk_table_lock_all();
	lk_arena_lock_all();
	lk_threads_lock_all();
}

static void lk_unlock_everything(void)
{
	lk_threads_unlock_all();
	lk_arena_unlock_all();
	lk_table_unlock_all();
	lk_stack_unlock_all();
	lk_pq_unlock_all();
}

/* The child: the only thread of a frozen copy of the program. */
static __attribute__((noreturn)) void lk_live_child(struct lk_job *j)
{
	struct lk_scan_self self = { 0 };
	struct lk_dump_totals t;
	int r;

	/* The locks were held by this very thread at the clone. */
	lk_arena_reset_child();
	lk_table_reset_child();
	lk_stack_reset_child();
	lk_pq_reset_child();
	lk_threads_reset_locks();
	r = lk_job_gather(j, &self, 1);
	if (!r)
		r = lk_dumpfile_write(j->path, &j->d, &t);
	_exit(r ? (-r & 0x7f) : 0);
}

/* fork without fork(): no atfork handlers, no exit signal. */
static pid_t lk_clone(void)
{
	if (lk_test_noclone < 0) {
		const char *e = secure_getenv("LEAKSHIM_TEST_NOCLONE");

		lk_test_noclone = e && *e == '1';
	}
	if (lk_test_noclone) {
		errno = EAGAIN;
		return -1;
	}
	return (pid_t)syscall(SYS_clone, 0UL, NULL, NULL, NULL, NULL);
}

/* Waits for the scan's child; returns 0 or the -errno it ended with. */
static int lk_reap(pid_t pid)
{
	int st;

	while (waitpid(pid, &st, __WCLONE) < 0)
		if (errno != EINTR)
			return -errno;
	if (WIFEXITED(st))
		return -WEXITSTATUS(st);
	return -EINTR;		/* killed: the dump may be missing */
}

int lk_dump_live(const char *reason)
{
	static struct lk_job j;
	struct lk_dump_totals t;
	pid_t pid;
	int r;

	if (lk_sampling)	/* nothing to classify: no need for a child */
		return lk_dump(reason, NULL);
	lk_lock(&lk_dump_lock);
	if (lk_dumps_closed) {
		lk_unlock(&lk_dump_lock);
		return 0;
	}
	r = lk_job_begin(&j, reason);
	if (!r)
		r = lk_modmap_collect(&j.d.mods);
	if (r)
		goto out;
	lk_pq_prepare();	/* the child must not need dlsym */
	lk_lock_everything();
	pid = lk_clone();
	if (pid == 0)
		lk_live_child(&j);
	r = pid < 0 ? -errno : 0;
	lk_unlock_everything();
	if (pid > 0) {
		r = lk_reap(pid);
	} else {
		/* No child: an unclassified dump from here, saying why. */
		j.d.scan_error = -r;
		r = lk_job_gather(&j, NULL, 0);
		if (!r)
			r = lk_dumpfile_write(j.path, &j.d, &t);
	}
out:
	lk_job_end(&j, r);
	lk_unlock(&lk_dump_lock);
	return r;
}

void lk_dump_reset_child(void)
{
	lk_lock_reset(&lk_dump_lock);
	lk_dumps_closed = 0;
	lk_dump_seq = 0;
	/* The parent's periodic dumps are the parent's to rotate. */
	memset(&lk_keep, 0, sizeof(lk_keep));
}

const char *lk_dump_last(void)
{
	return lk_dump_last_path[0] ? lk_dump_last_path : NULL;
}
