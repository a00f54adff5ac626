/* SPDX-License-Identifier: MIT */
/*
 * dumpfile.c - turns gathered data (struct lk_dump_data) into a dump file,
 * record by record, as docs/dump-format.md specifies.
 *
 * Blocks are added up per stack and class first, so a dump's size grows
 * with the number of distinct allocation sites, not with the number of
 * blocks.  Only the stacks something refers to are written.
 *
 * The file is written under a temporary name in the target directory,
 * created exclusively, mode 0600, never through a symlink, and renamed into
 * place once complete: a reader never sees half a dump, and a symlink
 * planted at the final name is replaced rather than followed.  This runs in
 * the scan's child too, so it only uses system calls and the arena.
 */
#include <errno.h>
#include <math.h>
#include <string.h>
#include <unistd.h>

#include "arena.h"
#include "dumpfile.h"
#include "dumpfmt.h"
#include "out.h"
#include "sample.h"
#include "stack.h"
#include "table.h"

#define LK_NCLASS 4

static const char lk_class_letter[LK_NCLASS] = {
	LK_CLASS_LIVE, LK_CLASS_DIRECT, LK_CLASS_INDIRECT, LK_CLASS_REACHABLE,
};

static const uint32_t lk_ages[LK_NAGES] = LK_AGE_THRESHOLDS;

/* Totals of one stack in one class. */
struct lk_agg {
	uint64_t blocks;	/* blocks recorded (sampled ones, when sampling) */
	uint64_t bytes;
	uint32_t oldest;	/* smallest birth seen */
	uint32_t age_slot;	/* 1 + index into the writer's `ages`, or 0 */
	double eblocks;		/* estimates: each block counts its weight */
	double ebytes;
	double vbytes;		/* the variance of the bytes estimate */
};

/* Blocks and bytes older than each threshold, for one stack and class
 * (estimates, weighted as in struct lk_agg). */
struct lk_ages {
	double blocks[LK_NAGES];
	double bytes[LK_NAGES];
};

/*
 * A block's weight: 1 when every allocation is tracked; when sampling,
 * 1 / P(sampled) (sample.c), which makes the sums unbiased estimates of
 * the blocks and bytes all allocations at the site hold.
 */
static double lk_weight(uint64_t size)
{
	return lk_sampling ? lk_sample_weight(size) : 1.0;
}

static uint64_t lk_round(double x)
{
	return x <= 0 ? 0 : (uint64_t)(x + 0.5);
}

/* The writer's working state. */
struct lk_writer {
	struct lk_out out;
	unsigned long records;
	uint64_t up;			/* uptime, ms */
	const struct lk_dump_data *d;
	uint32_t n;			/* stack ids 0..n-1 */
	struct lk_agg *agg;		/* [n][LK_NCLASS] */
	unsigned char *need;		/* [n]: write this stack */
	struct lk_ages *ages;		/* one per non-empty agg, or NULL */
	size_t nages;
};

static int lk_class_index(char c)
{
	int k;

	for (k = 0; k < LK_NCLASS; k++)
		if (lk_class_letter[k] == c)
			return k;
	return 0;
}

/*
 * Births are whole seconds of lk_now: a block born in second b was made in
 * [b, b + 1).  Ages shown take the middle of that second; the age
 * thresholds count a block only once it is surely that old.
 */
static uint64_t lk_age_ms(uint64_t up, uint32_t birth)
{
	uint64_t born = (uint64_t)birth * 1000 + 500;

	return up > born ? up - born : 0;
}

static uint64_t lk_age_min_ms(uint64_t up, uint32_t birth)
{
	uint64_t born = ((uint64_t)birth + 1) * 1000;

	return up > born ? up - born : 0;
}

/* --- gathering --- */

/*
 * Second pass: how many blocks of each stack and class are older than
 * each threshold.  The counters exist only for the stack-class pairs that
 * hold blocks, so they cost per site, not per block.  Without memory for
 * them the dump just has no a records.
 */
static void lk_add_ages(struct lk_writer *w)
{
	const struct lk_snap *s = &w->d->snap;
	size_t i, n = (size_t)w->n * LK_NCLASS, used = 0;
	struct lk_agg *a;
	struct lk_ages *g;
	uint64_t age;
	double wt;
	int k;

	for (i = 0; i < n; i++)
		if (w->agg[i].blocks &&
		    lk_age_min_ms(w->up, w->agg[i].oldest) >= 1000ull * lk_ages[0])
			w->agg[i].age_slot = (uint32_t)++used;
	if (!used)
		return;
	w->ages = lk_arena_alloc(used * sizeof(*w->ages));
	if (!w->ages) {
		for (i = 0; i < n; i++)
			w->agg[i].age_slot = 0;
		return;
	}
	w->nages = used;
	for (i = 0; i < s->n; i++) {
		if (s->b[i].stack >= w->n)
			continue;
		a = &w->agg[(size_t)s->b[i].stack * LK_NCLASS +
			    lk_class_index(s->cls[i])];
		if (!a->age_slot)
			continue;
		g = &w->ages[a->age_slot - 1];
		age = lk_age_min_ms(w->up, s->b[i].birth) / 1000;
		wt = lk_weight(s->b[i].size);
		for (k = 0; k < LK_NAGES && age >= lk_ages[k]; k++) {
			g->blocks[k] += wt;
			g->bytes[k] += wt * (double)s->b[i].size;
		}
	}
}

static void lk_add_up(struct lk_writer *w, struct lk_dump_totals *t)
{
	const struct lk_snap *s = &w->d->snap;
	const struct lk_pq_snapshot *q = &w->d->pq;
	struct lk_agg *a;
	uint64_t i;
	uint32_t id;
	double wt;

	for (i = 0; i < s->n; i++) {
		id = s->b[i].stack;
		if (id >= w->n)
			continue;	/* interned after the dump began */
		a = &w->agg[(size_t)id * LK_NCLASS + lk_class_index(s->cls[i])];
		if (!a->blocks || s->b[i].birth < a->oldest)
			a->oldest = s->b[i].birth;
		a->blocks++;
		a->bytes += s->b[i].size;
		wt = lk_weight(s->b[i].size);
		a->eblocks += wt;
		a->ebytes += wt * (double)s->b[i].size;
		a->vbytes += (wt * wt - wt) * (double)s->b[i].size *
			     (double)s->b[i].size;
		if (!w->need[id])
			t->sites++;
		w->need[id] = 1;
		t->blocks++;
		t->bytes += s->b[i].size;
		if (s->cls[i] == LK_CLASS_DIRECT || s->cls[i] == LK_CLASS_INDIRECT)
			t->leaked++;
	}
	lk_add_ages(w);
	for (i = 0; i < q->nconn; i++)
		if (q->conn[i].stack < w->n)
			w->need[q->conn[i].stack] = 1;
	for (id = 0; id < w->n && id < q->nstacks; id++)
		if ((q->results && q->results[id].count) ||
		    (q->cancels && q->cancels[id].count))
			w->need[id] = 1;
}

/* --- records --- */

static void lk_rec(struct lk_writer *w, char tag)
{
	lk_out_char(&w->out, tag);
	w->records++;
}

static void lk_hexf(struct lk_writer *w, uint64_t v)
{
	lk_out_char(&w->out, ' ');
	lk_out_hex(&w->out, v);
}

static void lk_word(struct lk_writer *w, const char *s)
{
	lk_out_char(&w->out, ' ');
	lk_out_str(&w->out, s);
}

static void lk_field(struct lk_writer *w, const char *s)
{
	lk_out_char(&w->out, ' ');
	lk_out_field(&w->out, s);
	lk_out_char(&w->out, '\n');
}

static void lk_kv(struct lk_writer *w, char tag, const char *name, uint64_t v)
{
	lk_rec(w, tag);
	lk_word(w, name);
	lk_hexf(w, v);
	lk_out_char(&w->out, '\n');
}

static void lk_write_head(struct lk_writer *w)
{
	const struct lk_dump_data *d = w->d;
	char exe[PATH_MAX];
	ssize_t n;

	lk_out_str(&w->out, LK_DUMP_MAGIC " 1\n");
	lk_rec(w, LK_TAG_PROCESS);
	lk_hexf(w, d->pid);
	lk_hexf(w, d->ppid);
	lk_word(w, d->reason);
	lk_hexf(w, lk_wall_ms());
	lk_hexf(w, w->up);
	lk_hexf(w, d->seq);
	lk_hexf(w, (uint64_t)lk_term_signal);
	lk_out_char(&w->out, '\n');
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	exe[n > 0 ? n : 0] = 0;
	lk_rec(w, LK_TAG_EXE);
	lk_field(w, exe);
	lk_rec(w, LK_TAG_NAME);
	lk_field(w, lk_progname);
	if (lk_cfg.suppressions[0]) {
		/* Absolute, so leakreport finds it from any directory. */
		lk_rec(w, LK_TAG_SUPPRESSIONS);
		lk_out_char(&w->out, ' ');
		if (lk_cfg.suppressions[0] != '/' && lk_cwd[0]) {
			lk_out_field(&w->out, lk_cwd);
			lk_out_char(&w->out, '/');
		}
		lk_out_field(&w->out, lk_cfg.suppressions);
		lk_out_char(&w->out, '\n');
	}
}

static void lk_write_settings(struct lk_writer *w)
{
	const struct lk_dump_data *d = w->d;
	struct lk_table_counts c;
	struct lk_pq_counts q;

	lk_kv(w, LK_TAG_OPTION, "depth", lk_cfg.depth);
	lk_kv(w, LK_TAG_OPTION, "sample", lk_cfg.sample);
	lk_kv(w, LK_TAG_OPTION, "interval", lk_cfg.interval);
	lk_kv(w, LK_TAG_OPTION, "conn_idle", lk_cfg.conn_idle);
	lk_kv(w, LK_TAG_OPTION, "conn_max", lk_cfg.conn_max);
	lk_kv(w, LK_TAG_OPTION, "conn_limit", lk_cfg.conn_limit);
	lk_table_counts(&c);
	lk_kv(w, LK_TAG_COUNTER, "allocs", c.allocs);
	lk_kv(w, LK_TAG_COUNTER, "frees", c.frees);
	lk_kv(w, LK_TAG_COUNTER, "dropped", c.dropped);
	lk_kv(w, LK_TAG_COUNTER, "stacks", lk_stack_count());
	lk_kv(w, LK_TAG_COUNTER, "tracker_bytes", lk_arena_mapped());
	lk_kv(w, LK_TAG_COUNTER, "classified", (uint64_t)d->classified);
	if (d->scan_error)
		lk_kv(w, LK_TAG_COUNTER, "scan_error",
		      (uint64_t)d->scan_error);
	lk_kv(w, LK_TAG_COUNTER, "snapshot_usec", d->snap.usec);
	if (d->classified) {
		lk_kv(w, LK_TAG_COUNTER, "scan_usec", d->scan.usec);
		lk_kv(w, LK_TAG_COUNTER, "scan_root_bytes",
		      d->scan.root_bytes);
		lk_kv(w, LK_TAG_COUNTER, "scan_heap_bytes",
		      d->scan.heap_bytes);
	}
	lk_pq_counts(&q);
	lk_kv(w, LK_TAG_COUNTER, "conn_opened", q.opened);
	lk_kv(w, LK_TAG_COUNTER, "conn_finished", q.finished);
	lk_kv(w, LK_TAG_COUNTER, "conn_failed", q.failed);
	lk_kv(w, LK_TAG_COUNTER, "results_created", q.results);
	lk_kv(w, LK_TAG_COUNTER, "results_cleared", q.cleared);
	lk_kv(w, LK_TAG_COUNTER, "cancels_created", q.cancels);
	lk_kv(w, LK_TAG_COUNTER, "cancels_freed", q.cancels_freed);
}

static void lk_write_stacks(struct lk_writer *w)
{
	const struct lk_stack *s;
	uint32_t id, i, n;

	for (id = 0; id < w->n; id++) {
		if (!w->need[id])
			continue;
		s = lk_stack_get(id);
		n = s ? s->n : 0;
		lk_rec(w, LK_TAG_STACK);
		lk_hexf(w, id);
		lk_hexf(w, n);
		for (i = 0; i < n; i++)
			lk_hexf(w, s->pc[i]);
		lk_out_char(&w->out, '\n');
	}
}

static void lk_write_ages(struct lk_writer *w, uint32_t id, char cls,
			  const struct lk_ages *g)
{
	int k;

	for (k = 0; k < LK_NAGES && lk_round(g->blocks[k]); k++) {
		lk_rec(w, LK_TAG_AGES);
		lk_hexf(w, id);
		lk_out_char(&w->out, ' ');
		lk_out_char(&w->out, cls);
		lk_hexf(w, lk_ages[k]);
		lk_hexf(w, lk_round(g->blocks[k]));
		lk_hexf(w, lk_round(g->bytes[k]));
		lk_out_char(&w->out, '\n');
	}
}

/* Behind a sampled estimate: how many samples, and its standard error. */
static void lk_write_samples(struct lk_writer *w, uint32_t id, char cls,
			     const struct lk_agg *a)
{
	lk_rec(w, LK_TAG_SAMPLES);
	lk_hexf(w, id);
	lk_out_char(&w->out, ' ');
	lk_out_char(&w->out, cls);
	lk_hexf(w, a->blocks);
	lk_hexf(w, lk_round(sqrt(a->vbytes)));
	lk_out_char(&w->out, '\n');
}

static void lk_write_blocks(struct lk_writer *w)
{
	const struct lk_agg *a;
	uint32_t id;
	int k;

	for (id = 0; id < w->n; id++) {
		for (k = 0; w->need[id] && k < LK_NCLASS; k++) {
			a = &w->agg[(size_t)id * LK_NCLASS + k];
			if (!a->blocks)
				continue;
			lk_rec(w, LK_TAG_BLOCKS);
			lk_hexf(w, id);
			lk_out_char(&w->out, ' ');
			lk_out_char(&w->out, lk_class_letter[k]);
			lk_hexf(w, lk_round(a->eblocks));
			lk_hexf(w, lk_round(a->ebytes));
			lk_hexf(w, lk_age_ms(w->up, a->oldest));
			lk_out_char(&w->out, '\n');
			if (lk_sampling)
				lk_write_samples(w, id, lk_class_letter[k], a);
			if (a->age_slot)
				lk_write_ages(w, id, lk_class_letter[k],
					      &w->ages[a->age_slot - 1]);
		}
	}
}

static void lk_write_groups(struct lk_writer *w, char tag,
			    const struct lk_pq_group *g, int bytes)
{
	uint32_t id;

	for (id = 0; g && id < w->n && id < w->d->pq.nstacks; id++) {
		if (!g[id].count)
			continue;
		lk_rec(w, tag);
		lk_hexf(w, id);
		lk_hexf(w, g[id].count);
		if (bytes)
			lk_hexf(w, g[id].bytes);
		lk_hexf(w, lk_age_ms(w->up, g[id].oldest));
		lk_out_char(&w->out, '\n');
	}
}

/* C, R and K records: the libpq objects still alive. */
static void lk_write_pq(struct lk_writer *w)
{
	const struct lk_pq_snapshot *q = &w->d->pq;
	const struct lk_pq_conn *c;
	uint64_t i;

	for (i = 0; i < q->nconn; i++) {
		c = &q->conn[i];
		if (c->stack >= w->n)
			continue;
		lk_rec(w, LK_TAG_CONN);
		lk_hexf(w, c->stack);
		lk_hexf(w, lk_age_ms(w->up, c->opened));
		lk_hexf(w, lk_age_ms(w->up, c->last_use));
		lk_hexf(w, (uint64_t)c->status);
		lk_hexf(w, (uint64_t)c->xact);
		lk_hexf(w, (uint64_t)c->flags);
		lk_hexf(w, (uint64_t)c->pid);
		lk_field(w, c->target);
	}
	lk_write_groups(w, LK_TAG_RESULTS, q->results, 1);
	lk_write_groups(w, LK_TAG_CANCELS, q->cancels, 0);
}

/* --- the file --- */

static int lk_write_all_records(struct lk_writer *w, int fd)
{
	lk_out_init(&w->out, fd);
	lk_write_head(w);
	lk_write_settings(w);
	w->records += lk_modmap_write(&w->out, &w->d->mods);
	lk_write_stacks(w);
	lk_write_blocks(w);
	lk_write_pq(w);
	lk_out_char(&w->out, LK_TAG_END);
	lk_hexf(w, w->records);
	lk_hexf(w, 0);
	lk_out_char(&w->out, '\n');
	return lk_out_flush(&w->out);
}

int lk_dumpfile_write(const char *path, const struct lk_dump_data *d,
		      struct lk_dump_totals *t)
{
	static struct lk_writer w;	/* 8 KiB buffer; dumps are serialized */
	struct lk_file f;
	size_t asize, nsize;
	int r;

	memset(t, 0, sizeof(*t));
	memset(&w, 0, sizeof(w));
	w.d = d;
	w.up = lk_mono_ms() - lk_start_ms;
	w.n = lk_stack_count() + 1;
	asize = (size_t)w.n * LK_NCLASS * sizeof(*w.agg);
	nsize = w.n;
	w.agg = lk_arena_alloc(asize);
	w.need = lk_arena_alloc(nsize);
	r = -ENOMEM;
	if (!w.agg || !w.need)
		goto out;
	lk_add_up(&w, t);
	r = lk_file_open(&f, path, 0600);
	if (!r)
		r = lk_file_commit(&f, lk_write_all_records(&w, f.fd));
out:
	lk_arena_free(w.ages, w.nages * sizeof(*w.ages));
	lk_arena_free(w.agg, asize);
	lk_arena_free(w.need, nsize);
	return r;
}
