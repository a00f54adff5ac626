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
 * "classified" (true when the dump's blocks were classified) and, when
 * the dump says why the scan could not run, "scan_error" (strerror's
 * text) follow "process"; the summary gains libpq keys after its own,
 * then suppressed_bytes and suppressed_blocks; connection entries gain
 * failed, idle_in_transaction, longest_idle_s and backend_pids between
 * its keys, result entries gain bytes and oldest_age_s; a "cancels" list
 * follows "results", and a "suppressions" list (every pattern of the
 * suppression files applied, with what it suppressed first: pattern,
 * file, blocks, bytes) follows "cancels".
 */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <string.h>
#include <time.h>

#include "json.h"

/* --- values --- */

/* Length of the valid UTF-8 sequence at s (NUL-terminated), 0 if none. */
static size_t utf8_seq(const unsigned char *s)
{
	uint32_t cp, min;
	size_t n, i;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		n = 2, cp = s[0] & 0x1f, min = 0x80;
	} else if ((s[0] & 0xf0) == 0xe0) {
		n = 3, cp = s[0] & 0x0f, min = 0x800;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		n = 4, cp = s[0] & 0x07, min = 0x10000;
	} else {
		return 0;
	}
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;	/* also stops at the NUL */
		cp = cp << 6 | (s[i] & 0x3f);
	}
	/* Overlong forms, surrogates and values past Unicode are invalid. */
	if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return n;
}

/* A JSON string, or null for NULL. */
static void put_string(FILE *out, const char *str)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t n;

	if (!s) {
		fputs("null", out);
		return;
	}
	putc('"', out);
	while (*s) {
		n = utf8_seq(s);
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

/* Milliseconds as seconds with one decimal: 11949 -> 11.9. */
static void put_seconds(FILE *out, uint64_t ms)
{
	uint64_t t = util_ms_to_tenths(ms);

	fprintf(out, "%" PRIu64 ".%u", t / 10, (unsigned)(t % 10));
}

/* Unix milliseconds as ISO 8601 UTC, whole seconds; null if unrepresentable. */
static void put_time(FILE *out, uint64_t ms)
{
	time_t t = (time_t)(ms / 1000);
	char buf[64];
	struct tm tm;

	if (ms / 1000 > (uint64_t)INT64_MAX || !gmtime_r(&t, &tm) ||
	    !strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm)) {
		fputs("null", out);
		return;
	}
	put_string(out, buf);
}

/* --- objects --- */

static void put_frame(FILE *out, const struct sym_frame *f)
{
	fprintf(out, "{\"pc\": \"0x%" PRIx64 "\", \"module\": ", f->pc);
	put_string(out, f->module);
	fputs(", \"function\": ", out);
	put_string(out, f->function);
	fputs(", \"file\": ", out);
	put_string(out, f->file);
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
	put_string(out, report_program(r));
	fputs(", \"reason\": ", out);
	put_string(out, p->reason);
	fputs(", \"time\": ", out);
	put_time(out, p->time_ms);
	fputs(", \"uptime_s\": ", out);
	put_seconds(out, p->uptime_ms);
	fputs("},\n", out);
}

/* "classified", and "scan_error" when the dump names one. */
static void put_classified(FILE *out, const struct report *r)
{
	char buf[64];

	fprintf(out, "  \"classified\": %s,\n",
		r->classified ? "true" : "false");
	if (!r->scan_error)
		return;
	fputs("  \"scan_error\": ", out);
	if (r->scan_error <= INT_MAX) {
		put_string(out, strerror((int)r->scan_error));
	} else {
		snprintf(buf, sizeof(buf), "Unknown error %" PRIu64,
			 r->scan_error);
		put_string(out, buf);
	}
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

/* ", \"stack\": [FRAME, ...]}": the last key of every entry. */
static void put_stack(FILE *out, const struct report_stack *st)
{
	size_t i;

	fputs(", \"stack\": [", out);
	for (i = 0; i < st->nframes; i++) {
		fputs(i ? ",\n      " : "\n      ", out);
		put_frame(out, &st->frames[i]);
	}
	fputs(st->nframes ? "\n    ]}" : "]}", out);
}

static void put_leak(FILE *out, const struct report *r, size_t i)
{
	const struct report_entry *e = &r->entries[i];

	fputs("    {\"kind\": ", out);
	put_string(out, report_kind_name(e->kind));
	fprintf(out, ", \"bytes\": %" PRIu64 ", \"blocks\": %" PRIu64
		", \"oldest_age_s\": ", e->group->bytes, e->group->blocks);
	put_seconds(out, e->group->oldest_ms);
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
	put_seconds(out, e->oldest_ms);
	fputs(", \"longest_idle_s\": ", out);
	put_seconds(out, e->longest_idle_ms);
	fputs(", \"targets\": [", out);
	for (k = 0; k < e->ntargets; k++) {
		fputs(k ? ", " : "", out);
		put_string(out, e->targets[k]);
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
	put_seconds(out, e->group->oldest_ms);
	put_stack(out, &e->st);
}

static void put_cancel(FILE *out, const struct report *r, size_t i)
{
	const struct report_pq *e = &r->cancels[i];

	fprintf(out, "    {\"count\": %" PRIu64 ", \"oldest_age_s\": ",
		e->group->count);
	put_seconds(out, e->group->oldest_ms);
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
		put_string(out, p->pattern);
		fputs(", \"file\": ", out);
		put_string(out, p->file);
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
