/* SPDX-License-Identifier: MIT */
/*
 * metrics.c - the `metrics` file: process-level figures in the Prometheus
 * text exposition format, for node_exporter's textfile collector or any
 * scraper, rewritten by the control thread every `interval` seconds (every
 * 10 s without one).
 *
 * Each version is written to a temporary name beside the file and renamed
 * over it, so a scraper never reads half of one.  Mode 0644: a scraper
 * runs as another user, and the figures hold nothing private (no paths
 * but the program's name, no stacks).  The figures are read without
 * stopping the program: live bytes and blocks come from the table's running
 * totals, so no table walk is needed.
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "arena.h"
#include "lock.h"
#include "out.h"
#include "pq.h"
#include "shim.h"
#include "table.h"

/* Guards the two below and the writer's buffer: the control thread
 * writes, and so does the exit path, once. */
static struct lk_lock lk_metrics_lock = LK_LOCK_INIT;
static uint64_t lk_metrics_next_ms;	/* uptime of the next write */
static int lk_metrics_last_err;

/* A label value: backslash, quote and newline escaped. */
static void lk_label(struct lk_out *o, const char *s)
{
	for (; *s; s++) {
		if (*s == '\\' || *s == '"')
			lk_out_char(o, '\\');
		if (*s == '\n') {
			lk_out_str(o, "\\n");
			continue;
		}
		lk_out_char(o, *s);
	}
}

static void lk_metric(struct lk_out *o, const char *name, const char *type,
		      const char *help, uint64_t v)
{
	lk_out_str(o, "# HELP ");
	lk_out_str(o, name);
	lk_out_char(o, ' ');
	lk_out_str(o, help);
	lk_out_str(o, "\n# TYPE ");
	lk_out_str(o, name);
	lk_out_char(o, ' ');
	lk_out_str(o, type);
	lk_out_char(o, '\n');
	lk_out_str(o, name);
	lk_out_str(o, "{program=\"");
	lk_label(o, lk_progname);
	lk_out_str(o, "\",pid=\"");
	lk_out_dec(o, (uint64_t)getpid());
	lk_out_str(o, "\"} ");
	lk_out_dec(o, v);
	lk_out_char(o, '\n');
}

static void lk_metrics_body(struct lk_out *o)
{
	struct lk_table_counts c;
	struct lk_pq_gauges g;
	struct lk_pq_counts q;

	lk_table_counts(&c);
	lk_pq_gauges(&g);
	lk_pq_counts(&q);
	lk_metric(o, "leakshim_live_bytes", "gauge",
		  "Bytes in heap blocks allocated and not yet freed.",
		  c.live_bytes);
	lk_metric(o, "leakshim_live_blocks", "gauge",
		  "Heap blocks allocated and not yet freed.", c.live_blocks);
	lk_metric(o, "leakshim_allocations_total", "counter",
		  "Heap blocks allocated since the program started.",
		  c.allocs);
	lk_metric(o, "leakshim_frees_total", "counter",
		  "Tracked heap blocks freed since the program started.",
		  c.frees);
	lk_metric(o, "leakshim_open_connections", "gauge",
		  "libpq connections opened and not finished.", g.open);
	lk_metric(o, "leakshim_idle_connections", "gauge",
		  "Open libpq connections unused for conn_idle seconds.",
		  g.idle);
	lk_metric(o, "leakshim_idle_in_transaction_connections", "gauge",
		  "Open libpq connections idle inside a transaction.",
		  g.intrans);
	lk_metric(o, "leakshim_failed_connections", "gauge",
		  "libpq connects that failed and were never finished.",
		  g.failed);
	lk_metric(o, "leakshim_uncleared_results", "gauge",
		  "libpq results not cleared.", g.results);
	lk_metric(o, "leakshim_connections_opened_total", "counter",
		  "libpq connections opened since the program started.",
		  q.opened);
	lk_metric(o, "leakshim_dumps_total", "counter",
		  "Dumps written since the program started.", lk_dumps_written);
	lk_metric(o, "leakshim_dropped_total", "counter",
		  "Allocations the tracker could not record.", c.dropped);
	lk_metric(o, "leakshim_tracker_bytes", "gauge",
		  "Memory the tracker mapped for itself.", lk_arena_mapped());
	lk_metric(o, "leakshim_uptime_seconds", "gauge",
		  "Seconds since the tracker started.",
		  (lk_mono_ms() - lk_start_ms) / 1000);
}

static int lk_metrics_write(const char *path)
{
	static struct lk_out o;		/* lk_metrics_lock held */
	struct lk_file f;
	int r = lk_file_open(&f, path, 0644);

	if (r)
		return r;
	lk_out_init(&o, f.fd);
	lk_metrics_body(&o);
	return lk_file_commit(&f, lk_out_flush(&o));
}

void lk_metrics_tick(int force)
{
	uint64_t up = lk_mono_ms() - lk_start_ms;
	uint64_t period = (lk_cfg.interval ? lk_cfg.interval : 10) * 1000ull;
	char path[PATH_MAX];
	int r;

	if (!lk_cfg.metrics[0] || (!force && up < lk_metrics_next_ms))
		return;
	lk_lock(&lk_metrics_lock);
	lk_metrics_next_ms = up + period;
	r = lk_expand_path(lk_cfg.metrics, 0, path, sizeof(path));
	if (!r)
		r = lk_metrics_write(path);
	if (r && -r != lk_metrics_last_err) {
		lk_metrics_last_err = -r;
		lk_warn("cannot write metrics %s: %s", path,
			strerrordesc_np(-r));
	}
	lk_unlock(&lk_metrics_lock);
}

void lk_metrics_reset_child(void)
{
	lk_lock_reset(&lk_metrics_lock);
	lk_metrics_next_ms = 0;
}
