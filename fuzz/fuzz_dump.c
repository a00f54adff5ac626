/* SPDX-License-Identifier: MIT */
/*
 * fuzz_dump.c - libFuzzer target for the reporter: the input is a dump.
 *
 * It goes to parse_dump (reporter/parse.c) as leakreport reads a file.  A
 * rejected dump must come with a message fit for leakreport's one line
 * on stderr: not empty, naming the file, no control byte.  An accepted
 * one is reported as leakreport would: --older-than, suppressions and
 * the options of report_options are picked from a hash of the input (so
 * the bytes of a dump all stay the dump's), report_build and
 * report_leak_count run on it, and the writers of --format (text, JSON,
 * folded, HTML, SARIF, JUnit; not pprof, which needs protobuf-c's
 * generated code) write into memory: JSON and SARIF must be well-formed
 * JSON with valid UTF-8, the others hold no control byte but newlines.
 *
 * The symbolizer runs, but against nothing: every module path of the
 * dump is moved under a directory that does not exist, so no file is
 * opened (a module of a hostile dump may name any file; reading real ELF
 * files each run would be slow and not what is tested here) while the
 * module lookups, the shim and runtime rules and the warnings still run.
 *
 * Build (make fuzz): clang -fsanitize=fuzzer,address,undefined with the
 * reporter's sources.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "age.h"
#include "folded.h"
#include "html.h"
#include "json.h"
#include "junit.h"
#include "parse.h"
#include "report.h"
#include "sarif.h"
#include "symbolize.h"
#include "text.h"

/* Where module files are looked for: nowhere. */
#define FUZZ_NOWHERE	"/nonexistent-leakshim-fuzz"

/* Deepest JSON nesting the checker follows (the writer nests 5 deep). */
#define JSON_MAX_DEPTH	32

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* --- checks --- */

static void fail(const char *what, const char *text)
{
	fprintf(stderr, "fuzz_dump: %s\n%s\n", what, text ? text : "");
	abort();
}

/* A message for leakreport's stderr line: "fuzz.dump...", no control. */
static void check_message(const char *msg)
{
	const unsigned char *p;

	if (strncmp(msg, "fuzz.dump", 9))
		fail("error message does not name the file", msg);
	for (p = (const unsigned char *)msg; *p; p++)
		if (*p < 0x20 || *p == 0x7f)
			fail("control byte in an error message", msg);
}

/* Text for a terminal: newlines, and no other control byte. */
static void check_text(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if ((c < 0x20 && c != '\n') || c == 0x7f)
			fail("control byte in the text report", s);
	}
}

struct json {
	const char *p, *end;
};

static void json_ws(struct json *j)
{
	while (j->p < j->end && strchr(" \t\r\n", *j->p) && *j->p)
		j->p++;
}

static int json_lit(struct json *j, const char *lit)
{
	size_t n = strlen(lit);

	if ((size_t)(j->end - j->p) < n || memcmp(j->p, lit, n))
		return -1;
	j->p += n;
	return 0;
}

/* The escape at j->p, a backslash in a string (the text ends in NUL). */
static int json_escape(struct json *j)
{
	size_t n = j->p[1] == 'u' ? 6 : 2;

	if ((size_t)(j->end - j->p) < n || !j->p[1] ||
	    !strchr("\"\\/bfnrtu", j->p[1]))
		return -1;
	if (n == 6 && strspn(j->p + 2, "0123456789abcdefABCDEF") < 4)
		return -1;
	j->p += n;
	return 0;
}

static int json_string(struct json *j)
{
	size_t n;

	if (json_lit(j, "\""))
		return -1;
	while (j->p < j->end && *j->p != '"') {
		unsigned char c = (unsigned char)*j->p;

		if (c < 0x20)
			return -1;
		if (c == '\\') {
			if (json_escape(j))
				return -1;
			continue;
		}
		n = util_utf8_len((const unsigned char *)j->p);
		if (!n || n > (size_t)(j->end - j->p))
			return -1;
		j->p += n;
	}
	return json_lit(j, "\"");
}

static int json_number(struct json *j)
{
	const char *start = j->p;

	if (j->p < j->end && *j->p == '-')
		j->p++;
	if (j->p >= j->end || *j->p < '0' || *j->p > '9')
		return -1;
	if (*j->p == '0' && j->p + 1 < j->end && j->p[1] >= '0' &&
	    j->p[1] <= '9')
		return -1;
	j->p += strspn(j->p, "0123456789");
	if (j->p < j->end && *j->p == '.') {
		j->p++;
		if (!strspn(j->p, "0123456789"))
			return -1;
		j->p += strspn(j->p, "0123456789");
	}
	if (j->p < j->end && (*j->p == 'e' || *j->p == 'E')) {
		j->p++;
		j->p += strspn(j->p, "+-") ? 1 : 0;
		if (!strspn(j->p, "0123456789"))
			return -1;
		j->p += strspn(j->p, "0123456789");
	}
	return j->p > start ? 0 : -1;
}

static int json_value(struct json *j, int depth);

/* An object (close '}') or an array (close ']'), after its opener. */
static int json_members(struct json *j, char close, int depth)
{
	json_ws(j);
	if (j->p < j->end && *j->p == close) {
		j->p++;
		return 0;
	}
	for (;;) {
		json_ws(j);
		if (close == '}') {
			if (json_string(j))
				return -1;
			json_ws(j);
			if (json_lit(j, ":"))
				return -1;
		}
		if (json_value(j, depth + 1))
			return -1;
		json_ws(j);
		if (j->p < j->end && *j->p == ',') {
			j->p++;
			continue;
		}
		return j->p < j->end && *j->p++ == close ? 0 : -1;
	}
}

static int json_value(struct json *j, int depth)
{
	if (depth > JSON_MAX_DEPTH)
		return -1;
	json_ws(j);
	if (j->p >= j->end)
		return -1;
	switch (*j->p) {
	case '{':
	case '[':
		return json_members(j, *j->p++ == '{' ? '}' : ']', depth);
	case '"':
		return json_string(j);
	case 't':
		return json_lit(j, "true");
	case 'f':
		return json_lit(j, "false");
	case 'n':
		return json_lit(j, "null");
	}
	return json_number(j);
}

static void check_json(const char *s, size_t len)
{
	struct json j = { s, s + len };

	if (json_value(&j, 0))
		fail("bad JSON report", s);
	json_ws(&j);
	if (j.p != j.end)
		fail("data after the JSON report", s);
}

/* --- the report --- */

/* What the input's hash picks: leakreport's options for this run. */
struct pick {
	struct report_options o;
	struct age_cut cut;
	bool supp;
};

/* FNV-1a: a mutation anywhere in the input may change the options. */
static uint64_t hash(const uint8_t *data, size_t size)
{
	uint64_t h = 0xcbf29ce484222325u;
	size_t i;

	for (i = 0; i < size; i++)
		h = (h ^ data[i]) * 0x100000001b3u;
	return h;
}

static void pick_options(struct pick *p, uint64_t h)
{
	static const char *const ages[] = {
		"0", "0.5", "1", "400", "3600", "604800", "700000.001",
	};
	static const size_t tops[] = { 0, 1, 3, 0 };
	struct util_err err;
	unsigned k;

	memset(p, 0, sizeof(*p));
	p->o.all = h & 1;
	p->o.top = tops[h >> 1 & 3];
	p->o.no_addresses = h >> 3 & 1;
	p->supp = h >> 4 & 1;
	k = (unsigned)(h >> 5 & 7);
	if (k < sizeof(ages) / sizeof(ages[0])) {
		if (age_cut_parse(&p->cut, ages[k], &err))
			fail("age_cut_parse refused a valid age", ages[k]);
		p->o.older = &p->cut;
	}
}

/*
 * Suppressions as leakreport --suppressions would load them, which take
 * some entries of the seeds and leave others (frames name only modules).
 */
static char supp_path[] = "fuzz.supp";
static char p_main[] = "main", p_lib[] = "*/lib*.so.6$",
	    p_leaky[] = "leaky", p_pool[] = "^" FUZZ_NOWHERE "/srv/pool*";
static struct report_supp_pattern supp_patterns[] = {
	{ p_main, supp_path, 1, 0, 0 },
	{ p_lib, supp_path, 2, 0, 0 },
	{ p_leaky, supp_path, 3, 0, 0 },
	{ p_pool, supp_path, 4, 0, 0 },
};
static struct report_supp_file supp_file = { supp_path, 0, 0 };

/* Move every module file under FUZZ_NOWHERE: nothing gets opened. */
static void hide_modules(struct dump *d)
{
	size_t i, n;
	char *p;

	for (i = 0; i < d->nmodules; i++) {
		if (!d->modules[i].path[0])
			continue;
		n = strlen(FUZZ_NOWHERE "/") + strlen(d->modules[i].path) + 1;
		p = malloc(n);
		if (!p)
			abort();
		snprintf(p, n, FUZZ_NOWHERE "/%s", d->modules[i].path);
		free(d->modules[i].path);
		d->modules[i].path = p;
	}
}

static void no_warning(void *arg, const char *msg)
{
	(void)arg;
	if (!msg[0])
		fail("empty symbolizer warning", msg);
}

/* The writers of --format, pprof aside (binary, from protobuf-c). */
enum writer { W_TEXT, W_JSON, W_FOLDED, W_HTML, W_SARIF, W_JUNIT, W_N };

static int write_one(FILE *f, enum writer w, const struct report *r,
		     const struct report_options *o, bool blocks)
{
	switch (w) {
	case W_TEXT:
		return text_write(f, r, o);
	case W_JSON:
		return json_write(f, r);
	case W_FOLDED:
		return folded_write(f, r, blocks);
	case W_HTML:
		return html_write(f, r, o);
	case W_SARIF:
		return sarif_write(f, r);
	default:
		return junit_write(f, r, o);
	}
}

/*
 * Write r with writer w into memory, then check what it wrote: JSON for
 * JSON and SARIF, text without control bytes for the others (folded
 * stacks, HTML and XML, whose writers escape or replace them).
 */
static void write_out(const struct report *r, const struct report_options *o,
		      enum writer w, bool blocks)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	int ret;

	if (!f)
		abort();
	ret = write_one(f, w, r, o, blocks);
	if (fclose(f) || ret)
		fail("a writer failed on memory", NULL);
	if (w == W_JSON || w == W_SARIF)
		check_json(buf, len);
	else
		check_text(buf, len);
	free(buf);
}

/* leakreport --leak-count: "BLOCKS BYTES" of the leaks left. */
static void leak_count(const struct dump *d, struct symbolizer *s,
		       const struct report_supp *supp)
{
	struct util_err err = { "" };
	uint64_t blocks, bytes;

	if (report_leak_count(d, s, supp, &blocks, &bytes, &err))
		fail("report_leak_count", err.msg);
}

static void report_dump(struct dump *d, uint64_t h)
{
	const struct sym_warner warner = { no_warning, NULL };
	struct report_supp supp = {
		supp_patterns, 4, 4, &supp_file, 1, 1
	};
	struct symbolizer *s = NULL;
	struct util_err err = { "" };
	struct report rep;
	struct pick p;
	enum writer w;

	pick_options(&p, h);
	p.o.supp = p.supp ? &supp : NULL;
	if (p.o.older)
		age_cut_apply(d, p.o.older);
	hide_modules(d);
	if (symbolize_open(&s, d, &warner, &err))
		fail("symbolize_open", err.msg);
	leak_count(d, s, p.o.supp);
	if (report_build(&rep, d, s, &p.o, &err))
		fail("report_build", err.msg);
	for (w = 0; w < W_N; w++)
		write_out(&rep, &p.o, w, h >> 8 & 1);
	report_free(&rep);
	symbolize_close(s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct util_err err = { "" };
	struct dump d = { 0 };

	if (parse_dump(&d, (const char *)data, size, "fuzz.dump", &err))
		check_message(err.msg);
	else
		report_dump(&d, hash(data, size));
	parse_free(&d);
	return 0;
}
