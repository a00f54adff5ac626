/* SPDX-License-Identifier: MIT */
/*
 * parse.c - reads a dump (docs/dump-format.md, shim/dumpfmt.h) into the
 * model of parse.h.
 *
 * The reader works on a memory buffer so that it can be unit-tested and
 * fuzzed without files.  It walks the buffer line by line and hands each
 * line to the parser of its record tag; every parser splits the fields,
 * checks them strictly and adds to the model.  A dump is untrusted input:
 * every check that fails produces "NAME:LINE: what is wrong" and -EINVAL,
 * and no input makes the reader read outside the buffer, allocate without
 * bound or loop for long (work is linear in the size of the buffer).  An
 * a record is checked against the b record it follows: the last known
 * record before it, or before the a records of that group before it
 * (records of unknown tags in between are skipped as everywhere).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dumpfmt.h"
#include "parse.h"


/* Reader state for one buffer. */
struct parser {
	struct dump *d;		/* the model being built */
	const char *name;	/* file name, for messages */
	size_t lineno;		/* current line, 1-based */
	struct util_err *err;	/* where the message goes */
	bool have_p, have_x, have_n, have_s;	/* P, X, N, S seen (once) */
	bool have_m;		/* an m record seen: P, X, N, S are too late */
	bool ended;		/* the e record seen: nothing may follow */
	size_t open_group;	/* 1 + index of the b record that an a record
				   may follow now (the last known record is it
				   or an a record of it), or 0 */
};

/* The fields of one record, consumed left to right. */
struct fields {
	const char *p;		/* start of the next field */
	const char *end;	/* end of the line (the newline, excluded) */
	bool done;		/* no field left, not even an empty one */
	char tag;		/* record tag, for messages */
};

/* --- messages --- */

/* Fail with "NAME:LINE: message". */
static int fail(struct parser *ps, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int fail(struct parser *ps, const char *fmt, ...)
{
	char msg[UTIL_ERR_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return util_fail(ps->err, -EINVAL, "%s:%zu: %s", ps->name, ps->lineno,
			 msg);
}

static int fail_nomem(struct parser *ps)
{
	return util_fail(ps->err, -ENOMEM, "%s:%zu: out of memory", ps->name,
			 ps->lineno);
}

/* --- fields --- */

/* Start splitting the fields after "T " of line[0..len), len >= 2. */
static void fields_init(struct fields *f, const char *line, size_t len)
{
	f->p = line + 2;
	f->end = line + len;
	f->done = false;
	f->tag = line[0];
}

/* Take the next space-separated field; false when none is left. */
static bool field_next(struct fields *f, const char **tok, size_t *len)
{
	const char *q;

	if (f->done)
		return false;
	q = memchr(f->p, ' ', (size_t)(f->end - f->p));
	if (!q) {
		q = f->end;
		f->done = true;
	}
	*tok = f->p;
	*len = (size_t)(q - f->p);
	f->p = f->done ? f->end : q + 1;
	return true;
}

/* Take the rest of the line as one string field (possibly empty). */
static void field_rest(struct fields *f, const char **tok, size_t *len)
{
	*tok = f->p;
	*len = f->done ? 0 : (size_t)(f->end - f->p);
	f->p = f->end;
	f->done = true;
}

/* Fail unless every field of the record has been consumed. */
static int fields_end(struct parser *ps, struct fields *f, unsigned expect)
{
	if (!f->done)
		return fail(ps, "bad %c record: too many fields (expected %u)",
			    f->tag, expect);
	return 0;
}

/* Parse 1 to 16 lower-case hex digits. */
static bool hex_value(const char *s, size_t len, uint64_t *v)
{
	uint64_t x = 0;
	size_t i;

	if (len < 1 || len > 16)
		return false;
	for (i = 0; i < len; i++) {
		char c = s[i];

		if (c >= '0' && c <= '9')
			x = x << 4 | (uint64_t)(c - '0');
		else if (c >= 'a' && c <= 'f')
			x = x << 4 | (uint64_t)(c - 'a' + 10);
		else
			return false;
	}
	*v = x;
	return true;
}

/* Take the next field as a number; what names it in messages. */
static int field_num(struct parser *ps, struct fields *f, uint64_t *v,
		     const char *what, unsigned expect)
{
	char buf[UTIL_SHOW_BUF];
	const char *tok;
	size_t len;

	if (!field_next(f, &tok, &len))
		return fail(ps, "bad %c record: too few fields (expected %u)",
			    f->tag, expect);
	if (!hex_value(tok, len, v))
		return fail(ps, "bad %c record: %s '%s' is not a lower-case "
			    "hex number of 1 to 16 digits", f->tag, what,
			    util_show(buf, sizeof(buf), tok, len));
	return 0;
}

/* --- strings --- */

static int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/*
 * Decode the escape at s[*i] (a backslash) of s[0..len) into *out and
 * advance *i past it.  Returns false for an unknown or cut escape, and
 * for \x00, which no C string can carry.
 */
static bool unescape_one(const char *s, size_t len, size_t *i, char *out)
{
	int hi, lo;

	if (*i + 1 >= len)
		return false;
	switch (s[*i + 1]) {
	case '\\':
		*out = '\\';
		*i += 2;
		return true;
	case 'n':
		*out = '\n';
		*i += 2;
		return true;
	case 'x':
		if (*i + 3 >= len)
			return false;
		hi = hex_digit(s[*i + 2]);
		lo = hex_digit(s[*i + 3]);
		if (hi < 0 || lo < 0 || (hi | lo) == 0)
			return false;
		*out = (char)(hi << 4 | lo);
		*i += 4;
		return true;
	}
	return false;
}

/* Decode the string field s[0..len) of a tag record into a new C string. */
static int unescape(struct parser *ps, char tag, const char *s, size_t len,
		    char **out, const char *what)
{
	char *r = malloc(len + 1);
	size_t i = 0, o = 0;

	if (!r)
		return fail_nomem(ps);
	while (i < len) {
		unsigned char c = (unsigned char)s[i];

		if (c == '\\') {
			if (unescape_one(s, len, &i, &r[o++]))
				continue;
			free(r);
			return fail(ps, "bad %c record: %s has a bad escape "
				    "at byte %zu", tag, what, i + 1);
		}
		if (c < 0x20 || c == 0x7f) {
			free(r);
			return fail(ps, "bad %c record: %s has control byte "
				    "0x%02x, which must be escaped", tag, what,
				    c);
		}
		r[o++] = (char)c;
		i++;
	}
	r[o] = '\0';
	*out = r;
	return 0;
}

/* --- records --- */

/* Take the reason field of a P record. */
static int field_reason(struct parser *ps, struct fields *f)
{
	static const char *const reasons[] = {
		LK_REASON_EXIT, LK_REASON_SIGNAL, LK_REASON_INTERVAL,
	};
	char buf[UTIL_SHOW_BUF];
	const char *tok;
	size_t len, i;

	if (!field_next(f, &tok, &len))
		return fail(ps, "bad P record: too few fields (expected 7)");
	for (i = 0; i < sizeof(reasons) / sizeof(reasons[0]); i++) {
		if (len != strlen(reasons[i]) || memcmp(tok, reasons[i], len))
			continue;
		strcpy(ps->d->proc.reason, reasons[i]);
		return 0;
	}
	return fail(ps, "bad P record: reason '%s' is not exit, signal or "
		    "interval", util_show(buf, sizeof(buf), tok, len));
}

/* P pid ppid reason time_ms uptime_ms seq signal */
static int rec_process(struct parser *ps, struct fields *f)
{
	static const char *const names[] = {
		"pid", "ppid", "reason", "time_ms", "uptime_ms", "seq", "signal"
	};
	struct dump_process *p = &ps->d->proc;
	uint64_t *nums[] = {
		&p->pid, &p->ppid, NULL, &p->time_ms, &p->uptime_ms, &p->seq,
		&p->signal
	};
	unsigned i;
	int r;

	if (ps->have_p)
		return fail(ps, "second P record");
	if (ps->have_m)
		return fail(ps, "P record after the module map");
	for (i = 0; i < 7; i++) {
		r = nums[i] ? field_num(ps, f, nums[i], names[i], 7)
			    : field_reason(ps, f);
		if (r)
			return r;
	}
	ps->have_p = true;
	return fields_end(ps, f, 7);
}

/* X path, N name, S path: once each, before the module map. */
static int rec_string(struct parser *ps, struct fields *f, bool *seen,
		      char **dst, const char *what)
{
	const char *tok;
	size_t len;
	int r;

	if (*seen)
		return fail(ps, "second %c record", f->tag);
	if (ps->have_m)
		return fail(ps, "%c record after the module map", f->tag);
	field_rest(f, &tok, &len);
	r = unescape(ps, f->tag, tok, len, dst, what);
	if (r == 0)
		*seen = true;
	return r;
}

/* o name value, c name value: appended to the list in file order. */
static int rec_value(struct parser *ps, struct fields *f,
		     struct dump_value **list, size_t *count, size_t *cap)
{
	struct dump_value v;
	const char *tok;
	size_t len;
	int r;

	if (!field_next(f, &tok, &len) || len == 0)
		return fail(ps, "bad %c record: empty name", f->tag);
	r = field_num(ps, f, &v.value, "value", 2);
	if (r == 0)
		r = fields_end(ps, f, 2);
	if (r == 0)
		r = unescape(ps, f->tag, tok, len, &v.name, "name");
	if (r)
		return r;
	if (util_grow(list, cap, *count + 1, sizeof(v))) {
		free(v.name);
		return fail_nomem(ps);
	}
	(*list)[(*count)++] = v;
	return 0;
}

/* The build-id field of an m record: "-" or lower-case hex bytes. */
static int field_build_id(struct parser *ps, struct fields *f, char **out)
{
	char buf[UTIL_SHOW_BUF];
	const char *tok;
	size_t len, i;

	*out = NULL;
	if (!field_next(f, &tok, &len))
		return fail(ps, "bad m record: too few fields (expected 5)");
	if (len == 1 && tok[0] == '-')
		return 0;
	for (i = 0; i < len && hex_digit(tok[i]) >= 0; i++)
		;
	if (len == 0 || i < len || len % 2 || len > 256)
		return fail(ps, "bad m record: build-id '%s' is neither '-' "
			    "nor lower-case hex bytes",
			    util_show(buf, sizeof(buf), tok, len));
	*out = strndup(tok, len);
	return *out ? 0 : fail_nomem(ps);
}

/* m lo hi bias build-id path */
static int rec_module(struct parser *ps, struct fields *f)
{
	struct dump *d = ps->d;
	struct dump_module m = { 0 };
	const char *tok;
	size_t len;
	int r;

	if ((r = field_num(ps, f, &m.lo, "lo", 5)) ||
	    (r = field_num(ps, f, &m.hi, "hi", 5)) ||
	    (r = field_num(ps, f, &m.bias, "bias", 5)))
		return r;
	if (m.lo > m.hi)
		return fail(ps, "bad m record: lo %" PRIx64 " is above hi %"
			    PRIx64, m.lo, m.hi);
	if ((r = field_build_id(ps, f, &m.build_id)))
		return r;
	field_rest(f, &tok, &len);
	if ((r = unescape(ps, 'm', tok, len, &m.path, "path")))
		goto out_free;
	if (util_grow(&d->modules, &d->modules_cap, d->nmodules + 1,
		      sizeof(m))) {
		r = fail_nomem(ps);
		goto out_free;
	}
	d->modules[d->nmodules++] = m;
	ps->have_m = true;
	return 0;
out_free:
	free(m.build_id);
	free(m.path);
	return r;
}

/* The pcs of an s record into st->pcs; n was checked against the limit. */
static int stack_pcs(struct parser *ps, struct fields *f,
		     struct dump_stack *st)
{
	unsigned i;
	int r;

	for (i = 0; i < st->count; i++) {
		if (f->done)
			return fail(ps, "bad s record: n is %u but %u pcs "
				    "follow", st->count, i);
		r = field_num(ps, f, &st->pcs[i], "pc", st->count + 2);
		if (r)
			return r;
	}
	if (!f->done)
		return fail(ps, "bad s record: n is %u but more pcs follow",
			    st->count);
	return 0;
}

/* s id n pc1 ... pcn */
static int rec_stack(struct parser *ps, struct fields *f)
{
	struct dump_stack *st;
	uint64_t id, n;
	int r;

	if ((r = field_num(ps, f, &id, "id", 2)) ||
	    (r = field_num(ps, f, &n, "n", 2)))
		return r;
	if (n > LK_MAX_FRAMES)
		return fail(ps, "bad s record: stack %" PRIx64 " has %" PRIu64
			    " frames, more than %d", id, n, LK_MAX_FRAMES);
	if (parse_find_stack(ps->d, id))
		return fail(ps, "stack %" PRIx64 " is defined twice", id);
	st = malloc(sizeof(*st) + n * sizeof(st->pcs[0]));
	if (!st)
		return fail_nomem(ps);
	st->id = id;
	st->count = (unsigned)n;
	st->has_results = false;
	st->has_cancels = false;
	if ((r = stack_pcs(ps, f, st))) {
		free(st);
		return r;
	}
	util_hash_oom = false;
	HASH_ADD(hh, ps->d->stacks, id, sizeof(st->id), st);
	if (util_hash_oom) {
		free(st);
		return fail_nomem(ps);
	}
	ps->d->nstacks++;
	return 0;
}

/* The class field of a b or a record: one of LK_CLASS_*. */
static int field_class(struct parser *ps, struct fields *f, char *cls)
{
	char buf[UTIL_SHOW_BUF];
	const char *tok;
	size_t len;

	if (!field_next(f, &tok, &len))
		return fail(ps, "bad %c record: too few fields (expected 5)",
			    f->tag);
	if (len == 1 && (tok[0] == LK_CLASS_LIVE || tok[0] == LK_CLASS_DIRECT ||
			 tok[0] == LK_CLASS_INDIRECT ||
			 tok[0] == LK_CLASS_REACHABLE)) {
		*cls = tok[0];
		return 0;
	}
	return fail(ps, "bad %c record: class '%s' is not one of l, d, i, r",
		    f->tag, util_show(buf, sizeof(buf), tok, len));
}

/* The stack a tag record names: it must be defined by an earlier s. */
static int named_stack(struct parser *ps, char tag, uint64_t id,
		       struct dump_stack **st)
{
	*st = parse_find_stack(ps->d, id);
	if (!*st)
		return fail(ps, "%c record names stack %" PRIx64 ", which no "
			    "s record before it defines", tag, id);
	return 0;
}

/* b stack class blocks bytes oldest_ms */
static int rec_blocks(struct parser *ps, struct fields *f)
{
	struct dump *d = ps->d;
	struct dump_group g = { 0 };
	uint64_t id;
	int r;

	if ((r = field_num(ps, f, &id, "stack", 5)) ||
	    (r = field_class(ps, f, &g.cls)) ||
	    (r = field_num(ps, f, &g.blocks, "blocks", 5)) ||
	    (r = field_num(ps, f, &g.bytes, "bytes", 5)) ||
	    (r = field_num(ps, f, &g.oldest_ms, "oldest_ms", 5)) ||
	    (r = fields_end(ps, f, 5)) ||
	    (r = named_stack(ps, 'b', id, &g.stack)))
		return r;
	g.ages = 0;
	g.nages = 0;
	if (util_grow(&d->groups, &d->groups_cap, d->ngroups + 1, sizeof(g)))
		return fail_nomem(ps);
	d->groups[d->ngroups++] = g;
	ps->open_group = d->ngroups;
	return 0;
}

/* --- ages --- */

static const uint64_t age_thresholds[LK_NAGES] = LK_AGE_THRESHOLDS;

/* Whether age_s is one of LK_AGE_THRESHOLDS. */
static bool is_threshold(uint64_t age_s)
{
	unsigned k;

	for (k = 0; k < LK_NAGES; k++)
		if (age_thresholds[k] == age_s)
			return true;
	return false;
}

/* "1 a 3c ...": the thresholds as a dump writes them, for messages. */
static const char *threshold_list(char *buf, size_t size)
{
	size_t o = 0;
	unsigned k;

	buf[0] = '\0';
	for (k = 0; k < LK_NAGES && o < size; k++)
		o += (size_t)snprintf(buf + o, size - o, "%s%" PRIx64,
				      k ? " " : "", age_thresholds[k]);
	return buf;
}

/*
 * Check the counts of a, an a record of group g: not zero, within the
 * group's, and not above those of the group's previous a record prev
 * (NULL for none), which must be for a smaller age.
 */
static int check_age(struct parser *ps, const struct dump_group *g,
		     const struct dump_age *prev, const struct dump_age *a)
{
	char buf[LK_NAGES * 17 + 1];

	if (!is_threshold(a->age_s))
		return fail(ps, "bad a record: age_s %" PRIx64 " is not one "
			    "of the ages %s (seconds, in hex)", a->age_s,
			    threshold_list(buf, sizeof(buf)));
	if (prev && a->age_s <= prev->age_s)
		return fail(ps, "bad a record: age_s %" PRIx64 " comes after "
			    "age_s %" PRIx64 " (ages must increase)", a->age_s,
			    prev->age_s);
	if (!a->blocks)
		return fail(ps, "bad a record: no blocks (an a record is "
			    "written only when some block is that old)");
	if (a->blocks > g->blocks || a->bytes > g->bytes)
		return fail(ps, "bad a record: %" PRIx64 " blocks, %" PRIx64
			    " bytes are more than its b record's %" PRIx64
			    " blocks, %" PRIx64 " bytes", a->blocks, a->bytes,
			    g->blocks, g->bytes);
	if (prev && (a->blocks > prev->blocks || a->bytes > prev->bytes))
		return fail(ps, "bad a record: %" PRIx64 " blocks, %" PRIx64
			    " bytes are more than the %" PRIx64 " blocks, %"
			    PRIx64 " bytes older than age_s %" PRIx64
			    " (counts cannot grow with age)", a->blocks,
			    a->bytes, prev->blocks, prev->bytes, prev->age_s);
	return 0;
}

/* a stack class age_s blocks bytes: right after its group's b record. */
static int rec_ages(struct parser *ps, struct fields *f)
{
	struct dump *d = ps->d;
	struct dump_group *g;
	struct dump_age a;
	uint64_t id;
	char cls;
	int r;

	if ((r = field_num(ps, f, &id, "stack", 5)) ||
	    (r = field_class(ps, f, &cls)) ||
	    (r = field_num(ps, f, &a.age_s, "age_s", 5)) ||
	    (r = field_num(ps, f, &a.blocks, "blocks", 5)) ||
	    (r = field_num(ps, f, &a.bytes, "bytes", 5)) ||
	    (r = fields_end(ps, f, 5)))
		return r;
	g = ps->open_group ? &d->groups[ps->open_group - 1] : NULL;
	if (!g || g->stack->id != id || g->cls != cls)
		return fail(ps, "a record for stack %" PRIx64 " class %c does "
			    "not follow the b record of that stack and class",
			    id, cls);
	r = check_age(ps, g, g->nages ? &d->ages[g->ages + g->nages - 1]
				       : NULL, &a);
	if (r)
		return r;
	if (util_grow(&d->ages, &d->ages_cap, d->nages + 1, sizeof(a)))
		return fail_nomem(ps);
	if (!g->nages)
		g->ages = d->nages;
	g->nages++;
	d->ages[d->nages++] = a;
	return 0;
}

/* w stack class samples bytes_se: right after its group's b record. */
static int rec_samples(struct parser *ps, struct fields *f)
{
	struct dump *d = ps->d;
	struct dump_group *g;
	uint64_t id, samples, se;
	char cls;
	int r;

	if ((r = field_num(ps, f, &id, "stack", 4)) ||
	    (r = field_class(ps, f, &cls)) ||
	    (r = field_num(ps, f, &samples, "samples", 4)) ||
	    (r = field_num(ps, f, &se, "bytes_se", 4)) ||
	    (r = fields_end(ps, f, 4)))
		return r;
	g = ps->open_group ? &d->groups[ps->open_group - 1] : NULL;
	if (!g || g->stack->id != id || g->cls != cls || g->nages)
		return fail(ps, "w record for stack %" PRIx64 " class %c does "
			    "not follow the b record of that stack and class",
			    id, cls);
	if (g->sampled)
		return fail(ps, "second w record for stack %" PRIx64
			    " class %c", id, cls);
	if (samples > g->blocks)
		return fail(ps, "bad w record: %" PRIx64 " samples of %"
			    PRIx64 " blocks (an estimate is never below "
			    "what was sampled)", samples, g->blocks);
	g->sampled = true;
	g->samples = samples;
	g->bytes_se = se;
	return 0;
}

/* The seven numbers of a C record, before its target. */
static int conn_numbers(struct parser *ps, struct fields *f,
			struct dump_conn *c)
{
	static const char *const names[] = {
		"stack", "age_ms", "idle_ms", "status", "xact", "flags", "pid"
	};
	uint64_t id;
	uint64_t *nums[] = {
		&id, &c->age_ms, &c->idle_ms, &c->status, &c->xact, &c->flags,
		&c->pid
	};
	unsigned i;
	int r;

	for (i = 0; i < 7; i++)
		if ((r = field_num(ps, f, nums[i], names[i], 8)))
			return r;
	/* The target may be empty, but its separating space must be there. */
	if (f->done)
		return fail(ps, "bad C record: too few fields (expected 8)");
	return named_stack(ps, 'C', id, &c->stack);
}

/* C stack age_ms idle_ms status xact flags pid target */
static int rec_conn(struct parser *ps, struct fields *f)
{
	struct dump *d = ps->d;
	struct dump_conn c = { 0 };
	const char *tok;
	size_t len;
	int r;

	if ((r = conn_numbers(ps, f, &c)))
		return r;
	field_rest(f, &tok, &len);
	if ((r = unescape(ps, 'C', tok, len, &c.target, "target")))
		return r;
	if (util_grow(&d->conns, &d->conns_cap, d->nconns + 1, sizeof(c))) {
		free(c.target);
		return fail_nomem(ps);
	}
	d->conns[d->nconns++] = c;
	return 0;
}

/*
 * The fields of an R (stack count bytes oldest_ms) or K (stack count
 * oldest_ms) record into g; *seen is the stack's flag for that tag.
 */
static int pq_group_fields(struct parser *ps, struct fields *f,
			   struct dump_pq_group *g, bool **seen)
{
	bool results = f->tag == LK_TAG_RESULTS;
	unsigned expect = results ? 4 : 3;
	uint64_t id;
	int r;

	if ((r = field_num(ps, f, &id, "stack", expect)) ||
	    (r = field_num(ps, f, &g->count, "count", expect)) ||
	    (results && (r = field_num(ps, f, &g->bytes, "bytes", expect))) ||
	    (r = field_num(ps, f, &g->oldest_ms, "oldest_ms", expect)) ||
	    (r = fields_end(ps, f, expect)) ||
	    (r = named_stack(ps, f->tag, id, &g->stack)))
		return r;
	*seen = results ? &g->stack->has_results : &g->stack->has_cancels;
	if (**seen)
		return fail(ps, "second %c record for stack %" PRIx64, f->tag,
			    id);
	return 0;
}

/* R and K records: at most one of each per stack, kept in file order. */
static int rec_pq_group(struct parser *ps, struct fields *f)
{
	bool results = f->tag == LK_TAG_RESULTS;
	struct dump *d = ps->d;
	struct dump_pq_group **list = results ? &d->results : &d->cancels;
	size_t *count = results ? &d->nresults : &d->ncancels;
	size_t *cap = results ? &d->results_cap : &d->cancels_cap;
	struct dump_pq_group g = { 0 };
	bool *seen;
	int r;

	if ((r = pq_group_fields(ps, f, &g, &seen)))
		return r;
	if (util_grow(list, cap, *count + 1, sizeof(g)))
		return fail_nomem(ps);
	(*list)[(*count)++] = g;
	*seen = true;
	return 0;
}

/* e records dropped: the last line, which proves the dump is whole. */
static int rec_end(struct parser *ps, struct fields *f)
{
	struct dump *d = ps->d;
	int r;

	if ((r = field_num(ps, f, &d->records, "records", 2)) ||
	    (r = field_num(ps, f, &d->dropped, "dropped", 2)) ||
	    (r = fields_end(ps, f, 2)))
		return r;
	if (d->records != ps->lineno - 2)
		return fail(ps, "e record counts %" PRIu64 " records but %zu "
			    "lines come before it (damaged dump?)", d->records,
			    ps->lineno - 2);
	if (!ps->have_p)
		return fail(ps, "the dump has no P record");
	ps->ended = true;
	return 0;
}

/* One line after the first; unknown tags are skipped. */
static int parse_record(struct parser *ps, const char *line, size_t len)
{
	static const char known[] = "PXNSocmsbawCRKe";
	struct dump *d = ps->d;
	struct fields f;

	if (len == 0)
		return fail(ps, "empty line");
	if (!memchr(known, line[0], sizeof(known) - 1))
		return 0;
	if (len < 2 || line[1] != ' ')
		return fail(ps, "bad %c record: no space after the tag",
			    line[0]);
	fields_init(&f, line, len);
	/* An a or w record may follow only its b record, that b's w record
	 * and a records. */
	if (line[0] != LK_TAG_AGES && line[0] != LK_TAG_BLOCKS &&
	    line[0] != LK_TAG_SAMPLES)
		ps->open_group = 0;
	switch (line[0]) {
	case LK_TAG_PROCESS:
		return rec_process(ps, &f);
	case LK_TAG_EXE:
		return rec_string(ps, &f, &ps->have_x, &d->proc.exe, "path");
	case LK_TAG_NAME:
		return rec_string(ps, &f, &ps->have_n, &d->proc.name, "name");
	case LK_TAG_SUPPRESSIONS:
		return rec_string(ps, &f, &ps->have_s, &d->proc.suppressions,
				  "path");
	case LK_TAG_OPTION:
		return rec_value(ps, &f, &d->options, &d->noptions,
				 &d->options_cap);
	case LK_TAG_COUNTER:
		return rec_value(ps, &f, &d->counters, &d->ncounters,
				 &d->counters_cap);
	case LK_TAG_MODULE:
		return rec_module(ps, &f);
	case LK_TAG_STACK:
		return rec_stack(ps, &f);
	case LK_TAG_BLOCKS:
		ps->open_group = 0;
		return rec_blocks(ps, &f);
	case LK_TAG_AGES:
		return rec_ages(ps, &f);
	case LK_TAG_SAMPLES:
		return rec_samples(ps, &f);
	case LK_TAG_CONN:
		return rec_conn(ps, &f);
	case LK_TAG_RESULTS:
	case LK_TAG_CANCELS:
		return rec_pq_group(ps, &f);
	}
	return rec_end(ps, &f);
}

/* --- lines --- */

/* The first line: exactly LK_DUMP_MAGIC, a space and LK_DUMP_VERSION. */
static int parse_magic(struct parser *ps, const char *line, size_t len)
{
	static const char magic[] = LK_DUMP_MAGIC " ";
	size_t mlen = sizeof(magic) - 1;
	char want[32], buf[UTIL_SHOW_BUF];
	int n;

	n = snprintf(want, sizeof(want), "%s%d", magic, LK_DUMP_VERSION);
	if (len == (size_t)n && !memcmp(line, want, len))
		return 0;
	if (len <= mlen || memcmp(line, magic, mlen))
		return fail(ps, "not a leakshim dump (the first line is not "
			    "'%s')", want);
	return fail(ps, "dump version %s is not supported (this leakreport "
		    "reads version %d)",
		    util_show(buf, sizeof(buf), line + mlen, len - mlen),
		    LK_DUMP_VERSION);
}

/*
 * Check line[0..len) (newline excluded) as a line of its own, then parse
 * it.  complete is false for a last line that has no newline.
 */
static int parse_line(struct parser *ps, const char *line, size_t len,
		      bool complete)
{
	int r;

	if (ps->ended)
		return fail(ps, "data after the e record");
	if (ps->lineno == 1) {
		/* Say "not a dump" before any complaint about its bytes. */
		r = parse_magic(ps, line, len);
		if (r == 0 && !complete)
			r = fail(ps, "the dump ends after its first line "
				 "(truncated dump?)");
		return r;
	}
	if (len > PARSE_LINE_MAX)
		return fail(ps, "line longer than %d bytes", PARSE_LINE_MAX);
	if (memchr(line, '\0', len))
		return fail(ps, "NUL byte in the line");
	if (!complete)
		return fail(ps, "the last line has no newline (truncated "
			    "dump?)");
	return parse_record(ps, line, len);
}

int parse_dump(struct dump *d, const char *buf, size_t size,
	       const char *name, struct util_err *err)
{
	struct parser ps = { .d = d, .name = name, .err = err };
	const char *p = buf, *end = buf + size, *nl;
	int r;

	if (size == 0)
		return util_fail(err, -EINVAL, "%s: empty file, not a "
				 "leakshim dump", name);
	for (ps.lineno = 1; p < end; ps.lineno++) {
		nl = memchr(p, '\n', (size_t)(end - p));
		r = parse_line(&ps, p, (size_t)((nl ? nl : end) - p), nl);
		if (r)
			return r;
		p = nl + 1;
	}
	if (!ps.ended) {
		ps.lineno--;
		return fail(&ps, "the dump ends without its e record "
			    "(truncated dump?)");
	}
	return 0;
}

/* --- the model --- */

int parse_file(struct dump *d, const char *path, struct util_err *err)
{
	char *buf;
	size_t size;
	int r;

	r = util_read_file(path, &buf, &size, err);
	if (r)
		return r;
	r = parse_dump(d, buf, size, strcmp(path, "-") ? path : "<stdin>",
		       err);
	free(buf);
	return r;
}

static void free_values(struct dump_value *v, size_t count)
{
	size_t i;

	for (i = 0; i < count; i++)
		free(v[i].name);
	free(v);
}

void parse_free(struct dump *d)
{
	struct dump_stack *st, *tmp;
	size_t i;

	free(d->proc.exe);
	free(d->proc.name);
	free(d->proc.suppressions);
	free_values(d->options, d->noptions);
	free_values(d->counters, d->ncounters);
	for (i = 0; i < d->nmodules; i++) {
		free(d->modules[i].build_id);
		free(d->modules[i].path);
	}
	free(d->modules);
	HASH_ITER(hh, d->stacks, st, tmp) {
		HASH_DEL(d->stacks, st);
		free(st);
	}
	free(d->groups);
	free(d->ages);
	for (i = 0; i < d->nconns; i++)
		free(d->conns[i].target);
	free(d->conns);
	free(d->results);
	free(d->cancels);
	memset(d, 0, sizeof(*d));
}

struct dump_stack *parse_find_stack(const struct dump *d, uint64_t id)
{
	struct dump_stack *st;

	HASH_FIND(hh, d->stacks, &id, sizeof(id), st);
	return st;
}

/* The last value named name in list, or dflt: a later record wins. */
static uint64_t find_value(const struct dump_value *list, size_t count,
			   const char *name, uint64_t dflt)
{
	while (count-- > 0)
		if (!strcmp(list[count].name, name))
			return list[count].value;
	return dflt;
}

uint64_t parse_counter(const struct dump *d, const char *name,
		       uint64_t dflt)
{
	return find_value(d->counters, d->ncounters, name, dflt);
}

uint64_t parse_option(const struct dump *d, const char *name,
		      uint64_t dflt)
{
	return find_value(d->options, d->noptions, name, dflt);
}

const struct dump_age *parse_group_age(const struct dump *d,
				       const struct dump_group *g,
				       uint64_t age_s)
{
	unsigned k;

	for (k = 0; k < g->nages; k++)
		if (d->ages[g->ages + k].age_s == age_s)
			return &d->ages[g->ages + k];
	return NULL;
}
