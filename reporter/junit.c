/* SPDX-License-Identifier: MIT */
/*
 * junit.c - the JUnit XML of a report (junit.h).  The test cases are
 * collected first, each with its status, name and texts (written by the
 * text report's functions into memory streams), since the suite's counts
 * come before them; then they are written, every string escaped for XML.
 */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "junit.h"
#include "text.h"
#include "xml.h"

enum tc_status { TC_PASS, TC_FAIL, TC_SKIP };

/* One test case. */
struct tcase {
	enum tc_status status;
	char *name;
	const char *type;	/* failure type, or NULL */
	char *message;		/* failure or skip message, or NULL */
	char *body;		/* failure text or system-out */
	const struct sym_frame *site;	/* file and line attributes */
};

/* A test case name already used, and how often. */
struct tname {
	UT_hash_handle hh;
	unsigned uses;
	char name[];
};

struct junit {
	const struct report *r;
	bool addresses;
	char cwd[PATH_MAX];	/* the working directory, or "" */
	struct tcase *v;
	size_t n, cap;
	struct tname *names;
	bool nomem;
};

/* --- strings --- */

/* A memory stream; *buf holds its text once it is closed. */
static FILE *mem_open(char **buf, size_t *size)
{
	*buf = NULL;
	return open_memstream(buf, size);
}

/* file relative to the working directory when under it. */
static const char *rel(const struct junit *j, const char *file)
{
	size_t n = strlen(j->cwd);

	if (n > 1 && !strncmp(file, j->cwd, n) && file[n] == '/')
		return file + n + 1;
	return file;
}

/* "WHAT at FUNCTION (FILE:LINE)", made unique with " #N". */
static char *case_name(struct junit *j, const char *what,
		       const struct report_stack *st)
{
	const struct sym_frame *f = st->nframes ? &st->frames[st->site]
						: NULL;
	struct sym_frame g;
	struct tname *t;
	size_t size;
	char *buf;
	FILE *m = mem_open(&buf, &size);

	if (!m)
		return NULL;
	fputs(what, m);
	if (f) {
		g = *f;
		g.file = f->file ? rel(j, f->file) : NULL;
		text_put_site(m, &g);
	}
	fclose(m);
	if (!buf)
		return NULL;
	HASH_FIND_STR(j->names, buf, t);
	if (t) {
		free(buf);
		m = mem_open(&buf, &size);
		if (!m)
			return NULL;
		fprintf(m, "%s #%u", t->name, ++t->uses);
		fclose(m);
		return buf;
	}
	t = malloc(sizeof(*t) + strlen(buf) + 1);
	if (!t)
		return buf;
	strcpy(t->name, buf);
	t->uses = 1;
	util_hash_oom = false;
	HASH_ADD_STR(j->names, name, t);
	if (util_hash_oom)
		free(t);
	return buf;
}

/* --- test cases --- */

/* A new test case, or NULL (j->nomem set). */
static struct tcase *add_case(struct junit *j, enum tc_status status,
			      const char *what, const struct report_stack *st)
{
	struct tcase *c;

	if (util_grow(&j->v, &j->cap, j->n + 1, sizeof(*j->v))) {
		j->nomem = true;
		return NULL;
	}
	c = &j->v[j->n++];
	memset(c, 0, sizeof(*c));
	c->status = status;
	c->name = st ? case_name(j, what, st) : strdup(what);
	if (st && st->nframes)
		c->site = &st->frames[st->site];
	if (!c->name)
		j->nomem = true;
	return c;
}

/* The case of one memory entry. */
static void entry_case(struct junit *j, const struct report_entry *e)
{
	static const char *const what[] = {
		[REPORT_DIRECT] = "direct leak", [REPORT_INDIRECT] =
		"indirect leak", [REPORT_LIVE] = "live blocks",
		[REPORT_REACHABLE] = "reachable blocks",
	};
	bool leak = e->kind == REPORT_DIRECT || e->kind == REPORT_INDIRECT;
	struct tcase *c;
	size_t size;
	FILE *m;

	c = add_case(j, leak ? TC_FAIL : e->kind == REPORT_LIVE ? TC_SKIP
							   : TC_PASS,
		     what[e->kind], &e->st);
	if (!c)
		return;
	c->type = e->kind == REPORT_DIRECT ? "direct-leak" : "indirect-leak";
	m = mem_open(&c->body, &size);
	if (m) {
		text_put_entry(m, e, j->addresses);
		fclose(m);
	}
	m = mem_open(&c->message, &size);
	if (!m)
		return;
	if (leak)
		fprintf(m, "%" PRIu64 " byte%s in %" PRIu64 " block%s leaked",
			e->group->bytes, e->group->bytes == 1 ? "" : "s",
			e->group->blocks, e->group->blocks == 1 ? "" : "s");
	else if (e->kind == REPORT_LIVE)
		fputs("not classified: the dump does not say whether these "
		      "blocks leaked", m);
	fclose(m);
}

static void conn_case(struct junit *j, const struct report_conn *e)
{
	bool leaked = report_conn_leaked(j->r, e);
	struct tcase *c;
	size_t size;
	FILE *m;

	c = add_case(j, leaked ? TC_FAIL : TC_PASS, "connections opened",
		     &e->st);
	if (!c)
		return;
	c->type = "leaked-connection";
	m = mem_open(&c->body, &size);
	if (m) {
		text_put_conn(m, j->r, e, j->addresses);
		fclose(m);
	}
	m = mem_open(&c->message, &size);
	if (!m)
		return;
	fprintf(m, "%" PRIu64 " connections never finished", e->count);
	fclose(m);
}

/* A results entry (results set) or a cancel handles entry. */
static void pq_case(struct junit *j, const struct report_pq *e,
		    bool results)
{
	bool leaked = report_at_exit(j->r);
	struct tcase *c;
	size_t size;
	FILE *m;

	c = add_case(j, leaked ? TC_FAIL : TC_PASS, results ?
		     "results created" : "cancel handles made", &e->st);
	if (!c)
		return;
	c->type = results ? "uncleared-result" : "unfreed-cancel";
	m = mem_open(&c->body, &size);
	if (m) {
		text_put_pq(m, e, results, j->addresses);
		fclose(m);
	}
	m = mem_open(&c->message, &size);
	if (!m)
		return;
	fprintf(m, "%" PRIu64 " %s", e->group->count, results ?
		"results never cleared" : "cancel handles never freed");
	fclose(m);
}

/* Whether the report holds anything the leak check fails on. */
static bool any_leak(const struct junit *j)
{
	const struct report *r = j->r;
	size_t i;

	if (r->summary.leaked_blocks || r->summary.indirect_blocks)
		return true;
	if (report_at_exit(r) && (r->summary.uncleared_results ||
				  r->summary.open_cancels))
		return true;
	for (i = 0; i < r->nconns; i++)
		if (report_conn_leaked(r, &r->conns[i]))
			return true;
	return false;
}

/* "leak check": the whole text report. */
static void check_case(struct junit *j, const struct report_options *o)
{
	const struct report_summary *s = &j->r->summary;
	bool leak = any_leak(j);
	struct tcase *c;
	size_t size;
	FILE *m;

	c = add_case(j, leak ? TC_FAIL : TC_PASS, "leak check", NULL);
	if (!c)
		return;
	c->type = "leak";
	m = mem_open(&c->body, &size);
	if (m) {
		text_write(m, j->r, o);
		fclose(m);
	}
	m = mem_open(&c->message, &size);
	if (!m)
		return;
	fprintf(m, "%" PRIu64 " bytes leaked in %" PRIu64 " blocks (%" PRIu64
		" direct, %" PRIu64 " indirect)",
		util_sat_add(s->leaked_bytes, s->indirect_bytes),
		util_sat_add(s->leaked_blocks, s->indirect_blocks),
		s->leaked_blocks, s->indirect_blocks);
	if (j->r->libpq)
		fprintf(m, "; %" PRIu64 " libpq connections open, %" PRIu64
			" results not cleared", s->open_connections,
			s->uncleared_results);
	fclose(m);
}

static void collect(struct junit *j, const struct report_options *o)
{
	const struct report *r = j->r;
	size_t i;

	check_case(j, o);
	for (i = 0; i < r->nconns && !j->nomem; i++)
		conn_case(j, &r->conns[i]);
	for (i = 0; i < r->nresults && !j->nomem; i++)
		pq_case(j, &r->results[i], true);
	for (i = 0; i < r->ncancels && !j->nomem; i++)
		pq_case(j, &r->cancels[i], false);
	for (i = 0; i < r->count && !j->nomem; i++)
		entry_case(j, &r->entries[i]);
}

/* --- writing --- */

static void put_case(FILE *out, const struct junit *j, const struct tcase *c)
{
	fputs("    <testcase classname=\"leakshim.", out);
	xml_put(out, report_program(j->r));
	fputs("\" name=\"", out);
	xml_put(out, c->name);
	if (c->site && c->site->file) {
		fputs("\" file=\"", out);
		xml_put(out, rel(j, c->site->file));
		if (c->site->line)
			fprintf(out, "\" line=\"%u", c->site->line);
	}
	fputs("\" time=\"0\">\n", out);
	if (c->status == TC_FAIL) {
		fputs("      <failure message=\"", out);
		xml_put(out, c->message);
		fprintf(out, "\" type=\"%s\">", c->type);
		xml_put_text(out, c->body);
		fputs("</failure>\n", out);
	} else {
		if (c->status == TC_SKIP) {
			fputs("      <skipped message=\"", out);
			xml_put(out, c->message);
			fputs("\"/>\n", out);
		}
		fputs("      <system-out>", out);
		xml_put_text(out, c->body);
		fputs("</system-out>\n", out);
	}
	fputs("    </testcase>\n", out);
}

static void put_property(FILE *out, const char *name, const char *value)
{
	fprintf(out, "      <property name=\"%s\" value=\"", name);
	xml_put(out, value);
	fputs("\"/>\n", out);
}

/* ' timestamp="2026-11-27T10:00:00"' (UTC) of Unix ms, or nothing. */
static void put_timestamp(FILE *out, uint64_t ms)
{
	time_t t = (time_t)(ms / 1000);
	char buf[64];
	struct tm tm;

	if (ms / 1000 <= (uint64_t)INT64_MAX && gmtime_r(&t, &tm) &&
	    strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%S", &tm))
		fprintf(out, " timestamp=\"%s\"", buf);
}

static void put_suite(FILE *out, const struct junit *j)
{
	const struct dump_process *p = &j->r->dump->proc;
	size_t i, fail = 0, skip = 0;
	char pid[24], time[32];
	uint64_t t = util_ms_to_tenths(p->uptime_ms);

	for (i = 0; i < j->n; i++) {
		fail += j->v[i].status == TC_FAIL;
		skip += j->v[i].status == TC_SKIP;
	}
	snprintf(time, sizeof(time), "%" PRIu64 ".%u", t / 10,
		 (unsigned)(t % 10));
	fprintf(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		"<testsuites name=\"leakshim\" tests=\"%zu\" failures=\"%zu\" "
		"errors=\"0\" skipped=\"%zu\" time=\"%s\">\n  <testsuite "
		"name=\"leakshim.", j->n, fail, skip, time);
	xml_put(out, report_program(j->r));
	fprintf(out, "\" tests=\"%zu\" failures=\"%zu\" errors=\"0\" "
		"skipped=\"%zu\" time=\"%s\"", j->n, fail, skip, time);
	put_timestamp(out, p->time_ms);
	fputs(">\n    <properties>\n", out);
	snprintf(pid, sizeof(pid), "%" PRIu64, p->pid);
	put_property(out, "program", report_program(j->r));
	put_property(out, "executable", p->exe);
	put_property(out, "pid", pid);
	put_property(out, "reason", p->reason);
	put_property(out, "classified", j->r->classified ? "true" : "false");
	fputs("    </properties>\n", out);
	for (i = 0; i < j->n; i++)
		put_case(out, j, &j->v[i]);
	fputs("  </testsuite>\n</testsuites>\n", out);
}

static void free_junit(struct junit *j)
{
	struct tname *t, *tmp;
	size_t i;

	for (i = 0; i < j->n; i++) {
		free(j->v[i].name);
		free(j->v[i].message);
		free(j->v[i].body);
	}
	free(j->v);
	HASH_ITER(hh, j->names, t, tmp) {
		HASH_DEL(j->names, t);
		free(t);
	}
}

int junit_write(FILE *out, const struct report *r,
		const struct report_options *o)
{
	struct junit j = { .r = r, .addresses = !o->no_addresses };
	int ret = 0;

	if (!getcwd(j.cwd, sizeof(j.cwd)) || j.cwd[0] != '/')
		j.cwd[0] = '\0';
	collect(&j, o);
	if (j.nomem)
		ret = -ENOMEM;
	else
		put_suite(out, &j);
	free_junit(&j);
	if (!ret && (fflush(out) || ferror(out)))
		ret = errno ? -errno : -EIO;
	return ret;
}
