/* SPDX-License-Identifier: MIT */
/*
 * json.c - the JSON report: one object with the keys, in the order, of
 * DESIGN.md ("--format json").  Strings from the dump and from debug
 * information are arbitrary bytes, so every string is escaped here: quote,
 * backslash and control bytes are escaped, valid UTF-8 is kept as it is,
 * and each byte that is not part of valid UTF-8 becomes U+FFFD, so the
 * output is always valid JSON.  Ages and uptime are seconds with one
 * decimal, computed in integers so large values print exactly.
 */
#include <errno.h>
#include <inttypes.h>
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

static void put_summary(FILE *out, const struct report_summary *s)
{
	fprintf(out, "  \"summary\": {"
		"\"leaked_bytes\": %" PRIu64 ", \"leaked_blocks\": %" PRIu64
		", \"indirect_bytes\": %" PRIu64 ", \"indirect_blocks\": %"
		PRIu64 ", \"reachable_bytes\": %" PRIu64
		", \"reachable_blocks\": %" PRIu64 ", \"live_bytes\": %" PRIu64
		", \"live_blocks\": %" PRIu64 ", \"total_allocs\": %" PRIu64
		", \"total_frees\": %" PRIu64 ", \"open_connections\": %"
		PRIu64 ", \"uncleared_results\": %" PRIu64 "},\n",
		s->leaked_bytes, s->leaked_blocks, s->indirect_bytes,
		s->indirect_blocks, s->reachable_bytes, s->reachable_blocks,
		s->live_bytes, s->live_blocks, s->total_allocs, s->total_frees,
		s->open_connections, s->uncleared_results);
}

static void put_leak(FILE *out, const struct report_entry *e)
{
	size_t i;

	fputs("    {\"kind\": ", out);
	put_string(out, report_kind_name(e->kind));
	fprintf(out, ", \"bytes\": %" PRIu64 ", \"blocks\": %" PRIu64
		", \"oldest_age_s\": ", e->group->bytes, e->group->blocks);
	put_seconds(out, e->group->oldest_ms);
	fputs(", \"stack\": [", out);
	for (i = 0; i < e->nframes; i++) {
		fputs(i ? ",\n      " : "\n      ", out);
		put_frame(out, &e->frames[i]);
	}
	fputs(e->nframes ? "\n    ]}" : "]}", out);
}

int json_write(FILE *out, const struct report *r)
{
	size_t i;

	fprintf(out, "{\n  \"format\": \"leakshim-report\", \"version\": %d,\n",
		JSON_REPORT_VERSION);
	put_process(out, r);
	put_summary(out, &r->summary);
	fputs("  \"leaks\": [", out);
	for (i = 0; i < r->count; i++) {
		fputs(i ? ",\n" : "\n", out);
		put_leak(out, &r->entries[i]);
	}
	fputs(r->count ? "\n  ],\n" : "],\n", out);
	fputs("  \"connections\": [],\n  \"results\": []\n}\n", out);
	if (fflush(out) || ferror(out))
		return errno ? -errno : -EIO;
	return 0;
}
