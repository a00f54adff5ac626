/* SPDX-License-Identifier: MIT */
/*
 * dump.c - writes a dump (docs/dump-format.md) of the live tables.
 *
 * Blocks are aggregated per stack first, so a dump's size grows with the
 * number of distinct allocation sites, not with the number of blocks.  The
 * aggregate arrays come from the arena and are returned afterwards.
 *
 * The file is written under a temporary name in the target directory,
 * created exclusively, mode 0600, never through a symlink, and renamed into
 * place once complete: a reader never sees half a dump, and a symlink
 * planted at the final name is replaced rather than followed.  One dump at a
 * time (lk_dump_lock); a failure is reported once per distinct errno and
 * never stops the host.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>	/* rename(2) only: no stdio streams */
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "arena.h"
#include "dumpfmt.h"
#include "lock.h"
#include "modmap.h"
#include "out.h"
#include "pq.h"
#include "shim.h"
#include "stack.h"
#include "table.h"

/* Serializes dumps: the control thread's and the one at exit.  Also
 * guards lk_dump_seq and lk_dump_last_err. */
static struct lk_lock lk_dump_lock = LK_LOCK_INIT;
static unsigned long lk_dump_seq;
static int lk_dump_last_err;
static char lk_dump_last_path[PATH_MAX];	/* last dump written */
char lk_cwd[PATH_MAX];

/* Per-stack totals for one dump. */
struct lk_agg {
	uint64_t blocks;
	uint64_t bytes;
	uint32_t oldest;	/* smallest birth seen */
	uint32_t conns;		/* open connections opened here */
};

struct lk_agg_walk {
	struct lk_agg *agg;
	uint32_t n;		/* entries in agg: ids 0..n-1 */
	struct lk_pq_snapshot pq;	/* libpq objects, same ids */
};

static void lk_agg_add(const struct lk_block *b, void *arg)
{
	struct lk_agg_walk *w = arg;
	struct lk_agg *a;

	if (b->stack >= w->n)
		return;		/* interned after the dump began */
	a = &w->agg[b->stack];
	if (!a->blocks || b->birth < a->oldest)
		a->oldest = b->birth;
	a->blocks++;
	a->bytes += b->size;
}

/* --- file name --- */

static void lk_path_put(char *dst, size_t size, size_t *len, const char *s)
{
	while (*s && *len + 1 < size)
		dst[(*len)++] = *s++;
}

/* Expands %p %n %t %e %% of the pattern; relative patterns are taken
 * from the working directory the program started in. */
static int lk_dump_path(char *dst, size_t size, unsigned long seq)
{
	const char *p = lk_cfg.path;
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
			lk_format(num, sizeof(num), "%s",
				  program_invocation_short_name);
		else
			lk_format(num, sizeof(num), "%c", *p);
		lk_path_put(dst, size, &len, num);
	}
	dst[len] = 0;
	return len + 1 < size ? 0 : -ENAMETOOLONG;
}

/* --- records --- */

static void lk_rec_begin(struct lk_out *o, char tag, unsigned long *records)
{
	lk_out_char(o, tag);
	(*records)++;
}

static void lk_rec_hex(struct lk_out *o, uint64_t v)
{
	lk_out_char(o, ' ');
	lk_out_hex(o, v);
}

static void lk_rec_word(struct lk_out *o, const char *s)
{
	lk_out_char(o, ' ');
	lk_out_str(o, s);
}

static void lk_write_head(struct lk_out *o, const char *reason,
			  unsigned long seq, unsigned long *records)
{
	char exe[PATH_MAX];
	ssize_t n;

	lk_out_str(o, LK_DUMP_MAGIC " 1\n");
	lk_rec_begin(o, LK_TAG_PROCESS, records);
	lk_rec_hex(o, (uint64_t)getpid());
	lk_rec_hex(o, (uint64_t)getppid());
	lk_rec_word(o, reason);
	lk_rec_hex(o, lk_wall_ms());
	lk_rec_hex(o, lk_mono_ms() - lk_start_ms);
	lk_rec_hex(o, seq);
	lk_rec_hex(o, (uint64_t)lk_term_signal);
	lk_out_char(o, '\n');

	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	exe[n > 0 ? n : 0] = 0;
	lk_rec_begin(o, LK_TAG_EXE, records);
	lk_out_char(o, ' ');
	lk_out_field(o, exe);
	lk_out_char(o, '\n');
	lk_rec_begin(o, LK_TAG_NAME, records);
	lk_out_char(o, ' ');
	lk_out_field(o, program_invocation_short_name);
	lk_out_char(o, '\n');
}

static void lk_write_kv(struct lk_out *o, char tag, const char *name,
			uint64_t v, unsigned long *records)
{
	lk_rec_begin(o, tag, records);
	lk_rec_word(o, name);
	lk_rec_hex(o, v);
	lk_out_char(o, '\n');
}

static void lk_write_settings(struct lk_out *o, unsigned long *records)
{
	struct lk_table_counts c;
	struct lk_pq_counts q;

	lk_write_kv(o, LK_TAG_OPTION, "depth", lk_cfg.depth, records);
	lk_write_kv(o, LK_TAG_OPTION, "sample", lk_cfg.sample, records);
	lk_write_kv(o, LK_TAG_OPTION, "interval", lk_cfg.interval, records);
	lk_write_kv(o, LK_TAG_OPTION, "conn_idle", lk_cfg.conn_idle, records);
	lk_write_kv(o, LK_TAG_OPTION, "conn_max", lk_cfg.conn_max, records);
	lk_write_kv(o, LK_TAG_OPTION, "conn_limit", lk_cfg.conn_limit,
		    records);
	lk_pq_counts(&q);
	lk_write_kv(o, LK_TAG_COUNTER, "conn_opened", q.opened, records);
	lk_write_kv(o, LK_TAG_COUNTER, "conn_finished", q.finished, records);
	lk_write_kv(o, LK_TAG_COUNTER, "conn_failed", q.failed, records);
	lk_write_kv(o, LK_TAG_COUNTER, "results_created", q.results, records);
	lk_write_kv(o, LK_TAG_COUNTER, "results_cleared", q.cleared, records);
	lk_write_kv(o, LK_TAG_COUNTER, "cancels_created", q.cancels, records);
	lk_write_kv(o, LK_TAG_COUNTER, "cancels_freed", q.cancels_freed,
		    records);
	lk_table_counts(&c);
	lk_write_kv(o, LK_TAG_COUNTER, "allocs", c.allocs, records);
	lk_write_kv(o, LK_TAG_COUNTER, "frees", c.frees, records);
	lk_write_kv(o, LK_TAG_COUNTER, "dropped", c.dropped, records);
	lk_write_kv(o, LK_TAG_COUNTER, "stacks", lk_stack_count(), records);
	lk_write_kv(o, LK_TAG_COUNTER, "tracker_bytes", lk_arena_mapped(),
		    records);
}

static void lk_write_stack(struct lk_out *o, uint32_t id,
			   unsigned long *records)
{
	const struct lk_stack *s = lk_stack_get(id);
	uint32_t i, n = s ? s->n : 0;

	lk_rec_begin(o, LK_TAG_STACK, records);
	lk_rec_hex(o, id);
	lk_rec_hex(o, n);
	for (i = 0; i < n; i++)
		lk_rec_hex(o, s->pc[i]);
	lk_out_char(o, '\n');
}

static uint64_t lk_age_ms(uint64_t up, uint32_t birth)
{
	uint64_t born = (uint64_t)birth * 1000;

	return up > born ? up - born : 0;
}

/* The s records of every stack something in this dump refers to. */
static void lk_write_stacks(struct lk_out *o, struct lk_agg_walk *w,
			    unsigned long *records)
{
	const struct lk_pq_snapshot *q = &w->pq;
	uint64_t i;
	uint32_t id;

	for (i = 0; i < q->nconn; i++)
		w->agg[q->conn[i].stack].conns++;
	for (id = 0; id < w->n; id++)
		if (w->agg[id].blocks || w->agg[id].conns ||
		    (q->results && q->results[id].count) ||
		    (q->cancels && q->cancels[id].count))
			lk_write_stack(o, id, records);
}

/* C, R and K records: the libpq objects still alive. */
static void lk_write_pq(struct lk_out *o, const struct lk_agg_walk *w,
			unsigned long *records)
{
	const struct lk_pq_snapshot *q = &w->pq;
	uint64_t up = lk_mono_ms() - lk_start_ms, i;
	const struct lk_pq_conn *c;
	uint32_t id;

	for (i = 0; i < q->nconn; i++) {
		c = &q->conn[i];
		lk_rec_begin(o, LK_TAG_CONN, records);
		lk_rec_hex(o, c->stack);
		lk_rec_hex(o, lk_age_ms(up, c->opened));
		lk_rec_hex(o, lk_age_ms(up, c->last_use));
		lk_rec_hex(o, (uint64_t)c->status);
		lk_rec_hex(o, (uint64_t)c->xact);
		lk_rec_hex(o, (uint64_t)c->flags);
		lk_rec_hex(o, (uint64_t)c->pid);
		lk_out_char(o, ' ');
		lk_out_field(o, c->target);
		lk_out_char(o, '\n');
	}
	for (id = 0; q->results && id < w->n; id++) {
		if (!q->results[id].count)
			continue;
		lk_rec_begin(o, LK_TAG_RESULTS, records);
		lk_rec_hex(o, id);
		lk_rec_hex(o, q->results[id].count);
		lk_rec_hex(o, q->results[id].bytes);
		lk_rec_hex(o, lk_age_ms(up, q->results[id].oldest));
		lk_out_char(o, '\n');
	}
	for (id = 0; q->cancels && id < w->n; id++) {
		if (!q->cancels[id].count)
			continue;
		lk_rec_begin(o, LK_TAG_CANCELS, records);
		lk_rec_hex(o, id);
		lk_rec_hex(o, q->cancels[id].count);
		lk_rec_hex(o, lk_age_ms(up, q->cancels[id].oldest));
		lk_out_char(o, '\n');
	}
}

/* Writes b records and adds up what they hold. */
static void lk_write_blocks(struct lk_out *o, const struct lk_agg_walk *w,
			    unsigned long *records, struct lk_dump_totals *t)
{
	uint64_t up = lk_mono_ms() - lk_start_ms;
	const struct lk_agg *a;
	uint32_t id;

	for (id = 0; id < w->n; id++) {
		a = &w->agg[id];
		if (!a->blocks)
			continue;
		lk_rec_begin(o, LK_TAG_BLOCKS, records);
		lk_rec_hex(o, id);
		lk_out_str(o, " l");
		lk_rec_hex(o, a->blocks);
		lk_rec_hex(o, a->bytes);
		lk_rec_hex(o, lk_age_ms(up, a->oldest));
		lk_out_char(o, '\n');
		t->blocks += a->blocks;
		t->bytes += a->bytes;
		t->sites++;
	}
}

/* --- the file --- */

static int lk_open_tmp(const char *tmp)
{
	int fd, low;

	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
		  0600);
	if (fd < 0 && errno == EEXIST && unlink(tmp) == 0)
		fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
			  O_CLOEXEC, 0600);
	if (fd >= 0 && fd < 3) {
		/* The host closed a standard fd; do not sit on it. */
		low = fd;
		fd = fcntl(low, F_DUPFD_CLOEXEC, 3);
		close(low);
	}
	return fd < 0 ? -errno : fd;
}

static int lk_write_file(const char *path, const char *reason,
			 unsigned long seq, struct lk_agg_walk *w,
			 struct lk_dump_totals *t)
{
	static struct lk_out o;	/* 8 KiB; dumps are serialized */
	char tmp[PATH_MAX + 32];
	unsigned long records = 0;
	int fd, r;

	lk_format(tmp, sizeof(tmp), "%s.tmp%d", path, (int)getpid());
	fd = lk_open_tmp(tmp);
	if (fd < 0)
		return fd;
	lk_out_init(&o, fd);
	lk_write_head(&o, reason, seq, &records);
	lk_write_settings(&o, &records);
	records += lk_modmap_write(&o);
	lk_write_stacks(&o, w, &records);
	lk_write_blocks(&o, w, &records, t);
	lk_write_pq(&o, w, &records);
	lk_out_char(&o, LK_TAG_END);
	lk_rec_hex(&o, records);
	lk_rec_hex(&o, 0);
	lk_out_char(&o, '\n');
	r = lk_out_flush(&o);
	if (close(fd) && !r)
		r = -errno;
	if (!r && rename(tmp, path))
		r = -errno;
	if (r)
		unlink(tmp);
	return r;
}

static void lk_dump_fail(const char *path, int err)
{
	if (err == lk_dump_last_err)
		return;
	lk_dump_last_err = err;
	lk_warn("cannot write dump %s: %s", path, strerrordesc_np(err));
}

int lk_dump(const char *reason, struct lk_dump_totals *totals)
{
	struct lk_dump_totals t = { 0, 0, 0 };
	struct lk_agg_walk w;
	char path[PATH_MAX];
	size_t size;
	int r;

	lk_lock(&lk_dump_lock);
	w.n = lk_stack_count() + 1;
	size = (size_t)w.n * sizeof(*w.agg);
	w.agg = lk_arena_alloc(size);
	r = lk_dump_path(path, sizeof(path), ++lk_dump_seq);
	if (!w.agg) {
		r = -ENOMEM;
	} else if (!r) {
		lk_table_foreach(lk_agg_add, &w);
		lk_pq_collect(&w.pq, w.n);	/* empty if out of memory */
		r = lk_write_file(path, reason, lk_dump_seq, &w, &t);
		lk_pq_release(&w.pq);
	}
	if (!r)
		memcpy(lk_dump_last_path, path, sizeof(path));
	if (r)
		lk_dump_fail(path, -r);
	lk_arena_free(w.agg, size);
	lk_unlock(&lk_dump_lock);
	if (totals)
		*totals = t;
	return r;
}

void lk_dump_reset_child(void)
{
	lk_lock_reset(&lk_dump_lock);
	lk_dump_seq = 0;
}

const char *lk_dump_last(void)
{
	return lk_dump_last_path[0] ? lk_dump_last_path : NULL;
}
