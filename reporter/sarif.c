/* SPDX-License-Identifier: MIT */
/*
 * sarif.c - the SARIF 2.1.0 log of a report (sarif.h).  JSON strings go
 * through json_put_string, so any bytes give valid JSON; messages are
 * first written with the text report's helpers into a memory stream.
 */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "json.h"
#include "sarif.h"
#include "text.h"

#define SARIF_SCHEMA "https://docs.oasis-open.org/sarif/sarif/v2.1.0/" \
	"errata01/os/schemas/sarif-schema-2.1.0.json"

enum rule {
	RULE_DIRECT, RULE_INDIRECT, RULE_CONN, RULE_RESULT, RULE_CANCEL,
	NRULES
};

static const struct {
	const char *id, *name, *level, *brief, *full;
} rules[NRULES] = {
	{ "leakshim/direct-leak", "DirectLeak", "error",
	  "Memory leaked: no pointer to it is left",
	  "Blocks allocated at this line are still allocated and no pointer "
	  "to them is left in the program's memory (globals, stacks, "
	  "registers, reachable blocks): they can never be freed." },
	{ "leakshim/indirect-leak", "IndirectLeak", "warning",
	  "Memory leaked through another leak",
	  "Blocks allocated at this line are reached only from leaked "
	  "blocks, like the nodes of a leaked list; fixing the direct leak "
	  "that holds them fixes them too." },
	{ "leakshim/leaked-connection", "LeakedConnection", "error",
	  "libpq connection never finished",
	  "Connections opened at this line were never passed to PQfinish: "
	  "still open at exit, or idle for conn_idle seconds (abandoned) in "
	  "a live dump. Each holds a server connection slot." },
	{ "leakshim/uncleared-result", "UnclearedResult", "warning",
	  "libpq result never cleared",
	  "Results created at this line were never passed to PQclear before "
	  "the program exited." },
	{ "leakshim/unfreed-cancel", "UnfreedCancel", "note",
	  "libpq cancel handle never freed",
	  "Cancel handles made at this line were never passed to "
	  "PQfreeCancel before the program exited." },
};

/* What a writer needs besides the report. */
struct sarif {
	FILE *out;
	const struct report *r;
	char cwd[PATH_MAX];	/* the working directory, or "" */
	bool first;		/* no result written yet */
};

/* --- strings --- */

/* Percent-encode path into out as a URI path (unreserved bytes and /). */
static void put_uri_path(FILE *out, const char *path)
{
	const unsigned char *p = (const unsigned char *)path;

	for (; *p; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || strchr("-._~/", *p))
			putc(*p, out);
		else
			fprintf(out, "%%%02X", *p);
	}
}

/* "artifactLocation": the file relative to SRCROOT, else a file URI. */
static void put_artifact(struct sarif *w, const char *file)
{
	size_t n = strlen(w->cwd);

	fputs("\"artifactLocation\": {\"uri\": \"", w->out);
	if (n > 1 && !strncmp(file, w->cwd, n) && file[n] == '/') {
		put_uri_path(w->out, file + n + 1);
		fputs("\", \"uriBaseId\": \"SRCROOT\"}", w->out);
		return;
	}
	if (file[0] == '/')
		fputs("file://", w->out);
	put_uri_path(w->out, file);
	fputs("\"}", w->out);
}

/* A message object of text that a memory stream holds (freed here). */
static void put_message(FILE *out, char *text)
{
	fputs("\"message\": {\"text\": ", out);
	json_put_string(out, text ? text : "");
	putc('}', out);
	free(text);
}

/* --- locations --- */

/* The members of a location object for frame f, inside its braces;
 * whether it wrote any. */
static bool put_location(struct sarif *w, const struct sym_frame *f)
{
	bool comma = false;

	if (f->file && f->file[0]) {
		fputs("\"physicalLocation\": {", w->out);
		put_artifact(w, f->file);
		if (f->line)
			fprintf(w->out, ", \"region\": {\"startLine\": %u}",
				f->line);
		putc('}', w->out);
		comma = true;
	}
	if (f->function) {
		fputs(comma ? ", " : "", w->out);
		fputs("\"logicalLocations\": [{\"fullyQualifiedName\": ",
		      w->out);
		json_put_string(w->out, f->function);
		fputs(", \"kind\": \"function\"}]", w->out);
		comma = true;
	}
	return comma;
}

/* The text of one frame, as the text report's frame lines read. */
static char *frame_text(const struct sym_frame *f)
{
	struct sym_frame copy = *f;
	struct report_stack one = { &copy, 1, 0 };
	char *buf = NULL;
	size_t size = 0;
	FILE *m = open_memstream(&buf, &size);

	if (!m)
		return NULL;
	text_put_frames(m, &one, true);
	fclose(m);
	/* "    #0 0x... in f file:line\n": keep what follows "#0 ". */
	if (buf && strlen(buf) > 7) {
		memmove(buf, buf + 7, strlen(buf + 7) + 1);
		buf[strcspn(buf, "\n")] = '\0';
	}
	return buf;
}

/* "stacks": the frames of st, innermost first. */
static void put_stacks(struct sarif *w, const struct report_stack *st)
{
	const struct sym_frame *f;
	size_t i;

	fputs(",\n      \"stacks\": [{\"message\": {\"text\": \"where it "
	      "was allocated, innermost frame first\"}, \"frames\": [", w->out);
	for (i = 0; i < st->nframes; i++) {
		f = &st->frames[i];
		fputs(i ? ",\n        {\"location\": {" : "\n        "
		      "{\"location\": {", w->out);
		if (put_location(w, f))
			fputs(", ", w->out);
		put_message(w->out, frame_text(f));
		putc('}', w->out);
		if (f->module) {
			fputs(", \"module\": ", w->out);
			json_put_string(w->out, f->module);
		}
		fprintf(w->out, ", \"properties\": {\"pc\": \"0x%" PRIx64
			"\"}}", f->pc);
	}
	fputs("]}]", w->out);
}

/* FNV-1a over s, continuing from h. */
static uint64_t fnv(uint64_t h, const char *s)
{
	for (; s && *s; s++)
		h = (h ^ (unsigned char)*s) * 0x100000001b3ULL;
	return (h ^ 0xff) * 0x100000001b3ULL;
}

/*
 * A fingerprint that stays when unrelated code moves: the rule, the
 * site's line, and the functions and file base names of the frames from
 * the site outwards.
 */
static uint64_t fingerprint(enum rule rule, const struct report_stack *st)
{
	uint64_t h = fnv(0xcbf29ce484222325ULL, rules[rule].id);
	const char *base;
	char line[16];
	size_t i;

	if (st->nframes) {
		snprintf(line, sizeof(line), "%u", st->frames[st->site].line);
		h = fnv(h, line);
	}
	for (i = st->site; i < st->nframes; i++) {
		base = st->frames[i].file ? strrchr(st->frames[i].file, '/')
					  : NULL;
		h = fnv(h, st->frames[i].function);
		h = fnv(h, base ? base + 1 : st->frames[i].file);
	}
	return h;
}

/* --- results --- */

/* Start a result of rule for stack st, with message text (freed). */
static void begin_result(struct sarif *w, enum rule rule,
			 const struct report_stack *st, char *text)
{
	fputs(w->first ? "\n    {" : ",\n    {", w->out);
	w->first = false;
	fprintf(w->out, "\"ruleId\": \"%s\", \"ruleIndex\": %d, \"level\": "
		"\"%s\",\n      ", rules[rule].id, (int)rule,
		rules[rule].level);
	put_message(w->out, text);
	if (st->nframes) {
		fputs(",\n      \"locations\": [{", w->out);
		put_location(w, &st->frames[st->site]);
		fputs("}]", w->out);
	}
	fprintf(w->out, ",\n      \"partialFingerprints\": {"
		"\"leakshimSite/v1\": \"%016" PRIx64 "\"}",
		fingerprint(rule, st));
	put_stacks(w, st);
}

/* A memory stream for a message; *buf gets the text when it is closed. */
static FILE *message_stream(char **buf, size_t *size)
{
	*buf = NULL;
	return open_memstream(buf, size);
}

static void put_leak(struct sarif *w, const struct report_entry *e)
{
	const struct dump_group *g = e->group;
	size_t size;
	char *buf;
	FILE *m = message_stream(&buf, &size);

	if (!m)
		return;
	fprintf(m, "%s leak of %" PRIu64 " byte%s in %" PRIu64 " block%s",
		e->kind == REPORT_DIRECT ? "Direct" : "Indirect", g->bytes,
		g->bytes == 1 ? "" : "s", g->blocks, g->blocks == 1 ? "" : "s");
	if (e->st.nframes)
		text_put_site(m, &e->st.frames[e->st.site]);
	fclose(m);
	begin_result(w, e->kind == REPORT_DIRECT ? RULE_DIRECT
						 : RULE_INDIRECT, &e->st, buf);
	fprintf(w->out, ",\n      \"properties\": {\"bytes\": %" PRIu64
		", \"blocks\": %" PRIu64 ", \"oldestAgeSeconds\": ",
		g->bytes, g->blocks);
	json_put_seconds(w->out, g->oldest_ms);
	fputs("}}", w->out);
}

static void put_conn(struct sarif *w, const struct report_conn *e)
{
	size_t size, i;
	char *buf;
	FILE *m = message_stream(&buf, &size);

	if (!m)
		return;
	fprintf(m, "%" PRIu64 " libpq connection%s never finished",
		e->count, e->count == 1 ? "" : "s");
	if (e->st.nframes)
		text_put_site(m, &e->st.frames[e->st.site]);
	if (e->idle)
		fprintf(m, "; %" PRIu64 " idle over %" PRIu64 " s", e->idle,
			w->r->conn_idle_s);
	if (e->failed)
		fprintf(m, "; %" PRIu64 " failed connects", e->failed);
	for (i = 0; i < e->ntargets; i++) {
		fputs(i ? ", " : "; to ", m);
		text_put_text(m, e->targets[i]);
	}
	fclose(m);
	begin_result(w, RULE_CONN, &e->st, buf);
	fprintf(w->out, ",\n      \"properties\": {\"count\": %" PRIu64
		", \"idle\": %" PRIu64 ", \"failed\": %" PRIu64
		", \"oldestAgeSeconds\": ", e->count, e->idle, e->failed);
	json_put_seconds(w->out, e->oldest_ms);
	fputs("}}", w->out);
}

/* A results entry (with bytes) or a cancel handles entry. */
static void put_pq(struct sarif *w, const struct report_pq *e, enum rule rule)
{
	const struct dump_pq_group *g = e->group;
	size_t size;
	char *buf;
	FILE *m = message_stream(&buf, &size);

	if (!m)
		return;
	if (rule == RULE_RESULT)
		fprintf(m, "%" PRIu64 " libpq result%s (%" PRIu64 " bytes) "
			"never cleared", g->count, g->count == 1 ? "" : "s",
			g->bytes);
	else
		fprintf(m, "%" PRIu64 " libpq cancel handle%s never freed",
			g->count, g->count == 1 ? "" : "s");
	if (e->st.nframes)
		text_put_site(m, &e->st.frames[e->st.site]);
	fclose(m);
	begin_result(w, rule, &e->st, buf);
	fprintf(w->out, ",\n      \"properties\": {\"count\": %" PRIu64
		", \"oldestAgeSeconds\": ", g->count);
	json_put_seconds(w->out, g->oldest_ms);
	fputs("}}", w->out);
}

static void put_results(struct sarif *w)
{
	const struct report *r = w->r;
	size_t i;

	fputs(",\n  \"results\": [", w->out);
	for (i = 0; i < r->nconns; i++)
		if (report_conn_leaked(r, &r->conns[i]))
			put_conn(w, &r->conns[i]);
	for (i = 0; report_at_exit(r) && i < r->nresults; i++)
		put_pq(w, &r->results[i], RULE_RESULT);
	for (i = 0; report_at_exit(r) && i < r->ncancels; i++)
		put_pq(w, &r->cancels[i], RULE_CANCEL);
	for (i = 0; i < r->count; i++)
		if (r->entries[i].kind == REPORT_DIRECT ||
		    r->entries[i].kind == REPORT_INDIRECT)
			put_leak(w, &r->entries[i]);
	fputs(w->first ? "]" : "\n  ]", w->out);
}

/* --- the run --- */

static void put_rules(FILE *out)
{
	unsigned i;

	fputs("\"rules\": [", out);
	for (i = 0; i < NRULES; i++) {
		fprintf(out, "%s\n      {\"id\": \"%s\", \"name\": \"%s\", "
			"\"shortDescription\": {\"text\": \"%s\"}, "
			"\"fullDescription\": {\"text\": \"%s\"}, "
			"\"help\": {\"text\": \"%s\"}, "
			"\"defaultConfiguration\": {\"level\": \"%s\"}}",
			i ? "," : "", rules[i].id, rules[i].name,
			rules[i].brief, rules[i].full, rules[i].full,
			rules[i].level);
	}
	fputs("]", out);
}

/* "invocations": successful, with a warning when nothing was classified. */
static void put_invocation(struct sarif *w)
{
	fputs(",\n  \"invocations\": [{\"executionSuccessful\": true", w->out);
	if (!w->r->classified)
		fputs(", \"toolExecutionNotifications\": [{\"level\": "
		      "\"warning\", \"message\": {\"text\": \"the dump's blocks "
		      "were not classified (sampling, or the scan could not "
		      "run): memory leaks are not reported, only libpq "
		      "objects\"}}]", w->out);
	fputs("}]", w->out);
}

static void put_properties(struct sarif *w)
{
	const struct dump_process *p = &w->r->dump->proc;
	const struct report_summary *s = &w->r->summary;

	fprintf(w->out, ",\n  \"properties\": {\"program\": ");
	json_put_string(w->out, report_program(w->r));
	fprintf(w->out, ", \"pid\": %" PRIu64 ", \"reason\": ", p->pid);
	json_put_string(w->out, p->reason);
	fprintf(w->out, ", \"classified\": %s, \"leaked_bytes\": %" PRIu64
		", \"leaked_blocks\": %" PRIu64 ", \"indirect_bytes\": %"
		PRIu64 ", \"indirect_blocks\": %" PRIu64
		", \"open_connections\": %" PRIu64
		", \"uncleared_results\": %" PRIu64 "}",
		w->r->classified ? "true" : "false", s->leaked_bytes,
		s->leaked_blocks, s->indirect_bytes, s->indirect_blocks,
		s->open_connections, s->uncleared_results);
}

int sarif_write(FILE *out, const struct report *r)
{
	struct sarif w = { .out = out, .r = r, .first = true };

	if (!getcwd(w.cwd, sizeof(w.cwd)) || w.cwd[0] != '/')
		w.cwd[0] = '\0';
	fputs("{\n\"$schema\": \"" SARIF_SCHEMA "\",\n\"version\": \"2.1.0\",\n"
	      "\"runs\": [{\n  \"tool\": {\"driver\": {\"name\": \"leakshim\", "
	      "\"fullName\": \"leakshim leak report\", ", out);
	put_rules(out);
	fputs("}}", out);
	put_invocation(&w);
	if (w.cwd[0]) {
		fputs(",\n  \"originalUriBaseIds\": {\"SRCROOT\": {\"uri\": "
		      "\"file://", out);
		put_uri_path(out, w.cwd);
		fputs(strcmp(w.cwd, "/") ? "/\"}}" : "\"}}", out);
	}
	put_results(&w);
	put_properties(&w);
	fputs("\n}]\n}\n", out);
	if (fflush(out) || ferror(out))
		return errno ? -errno : -EIO;
	return 0;
}
