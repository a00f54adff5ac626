/* SPDX-License-Identifier: MIT */
/*
 * json.c - the JSON report: one object with the keys, in the order, of
 * DESIGN.md ("--format json").  Strings from the dump and from debug
 * information are arbitrary bytes, so every string is escaped here: quote,
 * backslash and control bytes are escaped, valid UTF-8 is kept as it is,
 * and each byte that is not part of valid UTF-8 becomes U+FFFD, so the
 * output is always valid JSON.  Ages and uptime are seconds with one
 * decimal, computed in integers so large values print exactly.
 *
 * Additions to DESIGN.md's object keep its keys, names and order:
 * "classified" (true when the dump's blocks were classified), with
 * --older-than "older_than_s" (the age threshold whose counts were used)
 * and, when the dump says why the scan could not run, "scan_error"
 * (report_scan_error's text) follow "process"; the summary gains libpq keys after
 * its own, then suppressed_bytes and suppressed_blocks; connection
 * entries gain failed, idle_in_transaction, longest_idle_s and
 * backend_pids between its keys, result entries gain bytes and
 * oldest_age_s; a "cancels" list follows "results", and a "suppressions"
 * list (every pattern of the suppression files applied, with what it
 * suppressed first: pattern, file, blocks, bytes) follows "cancels".
 * Sampled dumps: "sample" (the mean bytes between samples) follows
 * "classified", and each leak entry gains "samples" (blocks sampled)
 * and "bytes_stderr" (the standard error of its bytes estimate) after
 * oldest_age_s.
 *
 * json_put_string, json_put_seconds, json_put_time and json_put_frames
 * serve the diff and trend writers too.
 */
#include <errno.h>
#include <inttypes.h>
#include <string.h>
#include <time.h>

#include "json.h"

/* --- values --- */

void json_put_string(FILE *out, const char *str)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t n;

	if (!s) {
		fputs("null", out);
		return;
	}
	putc('"', out);
	while (*s) {
		n = util_utf8_len(s);
		if (*s == '"' || *s == '\\')
			fprintf(out, "\\%c", *s);
		else if (*s < 0x20 || *s == 0x7f)
			fprintf(out, "\\u%04x", *s);
		else if (n == 0)
			fputs("\\ufffd", out);
		else
			fwrite(s, 1, n, out);
		s += n ? n : 1;
	}
	putc('"', out);
}

void json_put_seconds(FILE *out, uint64_t ms)
{
	uint64_t t = util_ms_to_tenths(ms);

	fprintf(out, "%" PRIu64 ".%u", t / 10, (unsigned)(t % 10));
}

void json_put_time(FILE *out, uint64_t ms)
{
	time_t t = (time_t)(ms / 1000);
	char buf[64];
	struct tm tm;

	if (ms / 1000 > (uint64_t)INT64_MAX || !gmtime_r(&t, &tm) ||
	    !strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm)) {
		fputs("null", out);
		return;
	}
	json_put_string(out, buf);
}

/* --- objects --- */

static void put_frame(FILE *out, const struct sym_frame *f)
{
	fprintf(out, "{\"pc\": \"0x%" PRIx64 "\", \"module\": ", f->pc);
	json_put_string(out, f->module);
	fputs(", \"function\": ", out);
	json_put_string(out, f->function);
	fputs(", \"file\": ", out);
	json_put_string(out, f->file);
	if (f->line)
		fprintf(out, ", \"line\": %u", f->line);
	else
		fputs(", \"line\": null", out);
	fprintf(out, ", \"inlined\": %s}", f->inlined ? "true" : "false");
}

static void put_process(FILE *out, const struct report *r)
{
	const struct dump_process *p = &r->dump->proc;

	fprintf(out, "  \"process\": {\"pid\": %" PRIu64 ", \"program\": ",
		p->pid);
	json_put_string(out, report_program(r));
	fputs(", \"reason\": ", out);
	json_put_string(out, p->reason);
	fputs(", \"time\": ", out);
	json_put_time(out, p->time_ms);
	fputs(", \"uptime_s\": ", out);
	json_put_seconds(out, p->uptime_ms);
	fputs("},\n", out);
}

/* "classified", and "scan_error" when the dump names one. */
static void put_classified(FILE *out, const struct report *r)
{
	char buf[160];

	fprintf(out, "  \"classified\": %s,\n",
		r->classified ? "true" : "false");
	if (r->older)
		fprintf(out, "  \"older_than_s\": %" PRIu64 ",\n",
			r->older->age_s);
	if (r->sample)
		fprintf(out, "  \"sample\": %" PRIu64 ",\n", r->sample);
	if (!r->scan_error)
		return;
	fputs("  \"scan_error\": ", out);
	json_put_string(out, report_scan_error(r->scan_error, buf,
					       sizeof(buf)));
	fputs(",\n", out);
}

static void put_summary(FILE *out, const struct report_summary *s)
{
	fprintf(out, "  \"summary\": {"
		"\"leaked_bytes\": %" PRIu64 ", \"leaked_blocks\": %" PRIu64
		", \"indirect_bytes\": %" PRIu64 ", \"indirect_blocks\": %"
		PRIu64 ", \"reachable_bytes\": %" PRIu64
		", \"reachable_blocks\": %" PRIu64 ", \"live_bytes\": %" PRIu64
		", \"live_blocks\": %" PRIu64 ", \"total_allocs\": %" PRIu64
		", \"total_frees\": %" PRIu64 ", \"open_connections\": %"
		PRIu64 ", \"uncleared_results\": %" PRIu64,
		s->leaked_bytes, s->leaked_blocks, s->indirect_bytes,
		s->indirect_blocks, s->reachable_bytes, s->reachable_blocks,
		s->live_bytes, s->live_blocks, s->total_allocs, s->total_frees,
		s->open_connections, s->uncleared_results);
	/* Additions to DESIGN.md's keys, after them. */
	fprintf(out, ", \"idle_connections\": %" PRIu64
		", \"idle_in_transaction\": %" PRIu64
		", \"failed_connections\": %" PRIu64
		", \"uncleared_result_bytes\": %" PRIu64
		", \"open_cancels\": %" PRIu64
		", \"connections_opened\": %" PRIu64
		", \"connections_finished\": %" PRIu64
		", \"connections_failed\": %" PRIu64
		", \"suppressed_bytes\": %" PRIu64
		", \"suppressed_blocks\": %" PRIu64 "},\n",
		s->idle_connections, s->idle_in_transaction,
		s->failed_connections, s->uncleared_result_bytes,
		s->open_cancels, s->connections_opened,
		s->connections_finished, s->connections_failed,
		s->suppressed_bytes, s->suppressed_blocks);
}

void json_put_frames(FILE *out, const struct report_stack *st)
{
	size_t i;

	putc('[', out);
	for (i = 0; i < st->nframes; i++) {
		fputs(i ? ",\n      " : "\n      ", out);
		put_frame(out, &st->frames[i]);
	}
	fputs(st->nframes ? "\n    ]" : "]", out);
}

/* ", \"stack\": [FRAME, ...]}": the last key of every entry. */
static void put_stack(FILE *out, const struct report_stack *st)
{
	fputs(", \"stack\": ", out);
	json_put_frames(out, st);
	putc('}', out);
}

static void put_leak(FILE *out, const struct report *r, size_t i)
{
	const struct report_entry *e = &r->entries[i];

	fputs("    {\"kind\": ", out);
	json_put_string(out, report_kind_name(e->kind));
	fprintf(out, ", \"bytes\": %" PRIu64 ", \"blocks\": %" PRIu64
		", \"oldest_age_s\": ", e->group->bytes, e->group->blocks);
	json_put_seconds(out, e->group->oldest_ms);
	if (e->group->sampled)
		fprintf(out, ", \"samples\": %" PRIu64 ", \"bytes_stderr\": %"
			PRIu64, e->group->samples, e->group->bytes_se);
	put_stack(out, &e->st);
}

static void put_conn(FILE *out, const struct report *r, size_t i)
{
	const struct report_conn *e = &r->conns[i];
	size_t k;

	fprintf(out, "    {\"count\": %" PRIu64 ", \"failed\": %" PRIu64
		", \"idle\": %" PRIu64 ", \"idle_in_transaction\": %" PRIu64
		", \"oldest_age_s\": ", e->count, e->failed, e->idle,
		e->idle_in_xact);
	json_put_seconds(out, e->oldest_ms);
	fputs(", \"longest_idle_s\": ", out);
	json_put_seconds(out, e->longest_idle_ms);
	fputs(", \"targets\": [", out);
	for (k = 0; k < e->ntargets; k++) {
		fputs(k ? ", " : "", out);
		json_put_string(out, e->targets[k]);
	}
	fputs("], \"backend_pids\": [", out);
	for (k = 0; k < e->npids; k++)
		fprintf(out, "%s%" PRIu64, k ? ", " : "", e->pids[k]);
	putc(']', out);
	put_stack(out, &e->st);
}

static void put_result(FILE *out, const struct report *r, size_t i)
{
	const struct report_pq *e = &r->results[i];

	fprintf(out, "    {\"count\": %" PRIu64 ", \"bytes\": %" PRIu64
		", \"oldest_age_s\": ", e->group->count, e->group->bytes);
	json_put_seconds(out, e->group->oldest_ms);
	put_stack(out, &e->st);
}

static void put_cancel(FILE *out, const struct report *r, size_t i)
{
	const struct report_pq *e = &r->cancels[i];

	fprintf(out, "    {\"count\": %" PRIu64 ", \"oldest_age_s\": ",
		e->group->count);
	json_put_seconds(out, e->group->oldest_ms);
	put_stack(out, &e->st);
}

/* "  \"NAME\": [ENTRY, ...]" and sep, writing each entry with put. */
static void put_list(FILE *out, const char *name, const struct report *r,
		     size_t count,
		     void (*put)(FILE *, const struct report *, size_t),
		     const char *sep)
{
	size_t i;

	fprintf(out, "  \"%s\": [", name);
	for (i = 0; i < count; i++) {
		fputs(i ? ",\n" : "\n", out);
		put(out, r, i);
	}
	fputs(count ? "\n  ]" : "]", out);
	fputs(sep, out);
}

/* The last key: the patterns of the suppression files applied. */
static void put_suppressions(FILE *out, const struct report_supp *s)
{
	const struct report_supp_pattern *p;
	size_t i, n = s ? s->count : 0;

	fputs("  \"suppressions\": [", out);
	for (i = 0; i < n; i++) {
		p = &s->patterns[i];
		fputs(i ? ",\n    {\"pattern\": " : "\n    {\"pattern\": ",
		      out);
		json_put_string(out, p->pattern);
		fputs(", \"file\": ", out);
		json_put_string(out, p->file);
		fprintf(out, ", \"blocks\": %" PRIu64 ", \"bytes\": %" PRIu64
			"}", p->blocks, p->bytes);
	}
	fputs(n ? "\n  ]\n" : "]\n", out);
}

int json_write(FILE *out, const struct report *r)
{
	fprintf(out, "{\n  \"format\": \"leakshim-report\", \"version\": %d,\n",
		JSON_REPORT_VERSION);
	put_process(out, r);
	put_classified(out, r);
	put_summary(out, &r->summary);
	put_list(out, "leaks", r, r->count, put_leak, ",\n");
	put_list(out, "connections", r, r->nconns, put_conn, ",\n");
	put_list(out, "results", r, r->nresults, put_result, ",\n");
	put_list(out, "cancels", r, r->ncancels, put_cancel, ",\n");
	put_suppressions(out, r->supp);
	fputs("}\n", out);
	if (fflush(out) || ferror(out))
		return errno ? -errno : -EIO;
	return 0;
}
