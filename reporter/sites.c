/* SPDX-License-Identifier: MIT */
/*
 * sites.c - the site table of sites.h.  Adding a dump symbolizes each
 * stack that a b, C or R record names, once per dump (a map from stack id
 * to site lives while the dump is added), builds the stack's identity key
 * from its frames, and adds the record's figures to the site of that key,
 * which is created the first time any dump has it.  A site keeps a copy of
 * the frames (and their strings) of the latest dump that holds it, so that
 * each dump and its symbolizer can be freed before the next is read.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dumpfmt.h"
#include "sites.h"

/* A stack id of the dump being added, and the site it belongs to. */
struct stack_site {
	uint64_t id;		/* key */
	UT_hash_handle hh;
	struct site *site;
};

/* A growing string. */
struct strbuf {
	char *p;
	size_t len, cap;
	bool nomem;		/* an append failed: the string is cut */
};

/* The state of one sites_add call. */
struct adder {
	struct sites *s;
	size_t i;			/* the dump's index */
	struct symbolizer *sym;
	struct stack_site *map;		/* uthash by stack id */
	struct util_err *err;
};

const char *sites_res_name(enum site_res r)
{
	static const char *const names[SITE_NRES] = {
		[SITE_MEMORY] = "memory", [SITE_CONNS] = "connections",
		[SITE_RESULTS] = "results",
	};

	return names[r];
}

uint64_t sites_value(const struct site *st, enum site_res r, size_t i)
{
	return st->v[r] ? st->v[r][i] : 0;
}

/* --- strings --- */

static void sb_add(struct strbuf *b, const char *s, size_t n)
{
	if (b->nomem || util_grow(&b->p, &b->cap, b->len + n + 1, 1)) {
		b->nomem = true;
		return;
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

static void sb_str(struct strbuf *b, const char *s)
{
	sb_add(b, s, strlen(s));
}

/* Append a number formatted by fmt (short: at most 40 bytes). */
static void sb_num(struct strbuf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void sb_num(struct strbuf *b, const char *fmt, ...)
{
	char buf[48];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	sb_add(b, buf, n < 0 ? 0 : (size_t)n < sizeof(buf) ? (size_t)n
							  : sizeof(buf) - 1);
}

/* The identity of one frame, as sites.h defines it, and a newline. */
static void key_frame(struct strbuf *b, const struct sym_frame *f)
{
	if (f->function) {
		sb_str(b, "F");
		sb_str(b, f->function);
		sb_str(b, "\t");
		sb_str(b, f->file ? f->file : "");
		sb_num(b, "\t%u\n", f->line);
	} else if (f->module) {
		sb_str(b, "M");
		sb_str(b, f->module);
		sb_num(b, "\t%" PRIx64 "\n", f->offset);
	} else {
		sb_num(b, "P%" PRIx64 "\n", f->pc);
	}
}

/*
 * The key of a symbolized stack, malloc'd, or NULL without memory.  It
 * starts at the site frame: the frames above it are the runtime's (libc,
 * libpq) and say how, not where, so a connection's dozen internal
 * allocation paths under one PQconnectdb call make one site.
 */
static char *stack_key(const struct report_stack *st)
{
	struct strbuf b = { 0 };
	size_t i;

	sb_add(&b, "", 0);
	for (i = st->site; i < st->nframes; i++)
		key_frame(&b, &st->frames[i]);
	if (!b.nomem)
		return b.p;
	free(b.p);
	return NULL;
}

/* "function (file:line)" of frame f, or what is known of it. */
static void name_frame(struct strbuf *b, const struct sym_frame *f)
{
	sb_str(b, f->function ? f->function : "??");
	if (f->file) {
		sb_str(b, " (");
		sb_str(b, f->file);
		if (f->line)
			sb_num(b, ":%u", f->line);
		sb_str(b, ")");
	} else if (f->module) {
		sb_str(b, " (");
		sb_str(b, f->module);
		sb_num(b, "+0x%" PRIx64 ")", f->offset);
	} else {
		sb_num(b, " (0x%" PRIx64 ")", f->pc);
	}
}

/* The name of the site frame of st, malloc'd, or NULL without memory. */
static char *stack_name(const struct report_stack *st)
{
	struct strbuf b = { 0 };

	if (st->nframes)
		name_frame(&b, &st->frames[st->site]);
	else
		sb_str(&b, "(no frames)");
	if (!b.nomem)
		return b.p;
	free(b.p);
	return NULL;
}

/* The part of path after its last slash. */
static const char *base_of(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash && slash[1] ? slash + 1 : path;
}

void sites_via(const struct site *st, char *buf, size_t size)
{
	const struct sym_frame *f = st->st.frames;

	buf[0] = '\0';
	if (!st->st.nframes || st->st.site == 0)
		return;
	if (f->function && f->file && f->line)
		snprintf(buf, size, "via %s (%s:%u)", f->function,
			 base_of(f->file), f->line);
	else if (f->function)
		snprintf(buf, size, "via %s", f->function);
	else if (f->module)
		snprintf(buf, size, "via %s+0x%" PRIx64, base_of(f->module),
			 f->offset);
	else
		snprintf(buf, size, "via 0x%" PRIx64, f->pc);
}

/* --- frames --- */

/* Copy string str to *o and return the copy; NULL stays NULL. */
static const char *copy_str(char **o, const char *str)
{
	size_t n;
	char *r;

	if (!str)
		return NULL;
	n = strlen(str) + 1;
	r = memcpy(*o, str, n);
	*o += n;
	return r;
}

/* Replace st's frames with a copy of from's (from stays the caller's). */
static int copy_frames(struct site *st, const struct report_stack *from)
{
	struct sym_frame *frames;
	size_t i, size = 1;
	char *strings, *o;

	for (i = 0; i < from->nframes; i++) {
		const struct sym_frame *f = &from->frames[i];

		size += (f->module ? strlen(f->module) + 1 : 0) +
			(f->function ? strlen(f->function) + 1 : 0) +
			(f->file ? strlen(f->file) + 1 : 0);
	}
	frames = calloc(from->nframes ? from->nframes : 1, sizeof(*frames));
	strings = malloc(size);
	if (!frames || !strings) {
		free(frames);
		free(strings);
		return -ENOMEM;
	}
	o = strings;
	for (i = 0; i < from->nframes; i++) {
		frames[i] = from->frames[i];
		frames[i].module = copy_str(&o, from->frames[i].module);
		frames[i].function = copy_str(&o, from->frames[i].function);
		frames[i].file = copy_str(&o, from->frames[i].file);
	}
	free(st->st.frames);
	free(st->strings);
	st->st.frames = frames;
	st->st.nframes = from->nframes;
	st->st.site = from->site;
	st->strings = strings;
	return 0;
}

/* --- the table --- */

int sites_init(struct sites *s, size_t ndumps, struct util_err *err)
{
	memset(s, 0, sizeof(*s));
	s->dumps = calloc(ndumps ? ndumps : 1, sizeof(*s->dumps));
	if (!s->dumps)
		return util_fail(err, -ENOMEM, "out of memory");
	s->ndumps = ndumps;
	return 0;
}

static void free_site(struct site *st)
{
	unsigned r;

	free(st->key);
	free(st->name);
	free(st->st.frames);
	free(st->strings);
	for (r = 0; r < SITE_NRES; r++)
		free(st->v[r]);
	free(st->blocks);
	free(st);
}

void sites_free(struct sites *s)
{
	size_t i;

	HASH_CLEAR(hh, s->hash);
	for (i = 0; i < s->count; i++)
		free_site(s->list[i]);
	free(s->list);
	for (i = 0; i < s->ndumps; i++) {
		free(s->dumps[i].program);
		free(s->dumps[i].exe_base);
	}
	free(s->dumps);
	memset(s, 0, sizeof(*s));
}

/* Whether dump i is later than dump j: by time, then by index. */
static bool later(const struct sites *s, size_t i, size_t j)
{
	if (s->dumps[i].time_ms != s->dumps[j].time_ms)
		return s->dumps[i].time_ms > s->dumps[j].time_ms;
	return i > j;
}

/* A new site for key (taken over) with the frames of rs, in the table. */
static struct site *new_site(struct adder *a, char *key,
			     const struct report_stack *rs)
{
	struct sites *s = a->s;
	struct site *st = calloc(1, sizeof(*st));

	if (!st || util_grow(&s->list, &s->cap, s->count + 1,
			     sizeof(*s->list))) {
		free(st);
		free(key);
		return NULL;
	}
	st->key = key;
	st->from = a->i;
	st->name = stack_name(rs);
	if (!st->name || copy_frames(st, rs)) {
		free_site(st);
		return NULL;
	}
	util_hash_oom = false;
	HASH_ADD_KEYPTR(hh, s->hash, st->key, strlen(st->key), st);
	if (util_hash_oom) {
		free_site(st);
		return NULL;
	}
	s->list[s->count++] = st;
	return st;
}

/* The site of symbolized stack rs, found or made; NULL without memory. */
static struct site *site_of_frames(struct adder *a,
				   const struct report_stack *rs)
{
	char *key = stack_key(rs);
	struct site *st;

	if (!key)
		return NULL;
	HASH_FIND_STR(a->s->hash, key, st);
	if (!st)
		return new_site(a, key, rs);
	free(key);
	if (later(a->s, a->i, st->from)) {
		if (copy_frames(st, rs))
			return NULL;
		st->from = a->i;
	}
	return st;
}

/* The site of stack ds of the dump being added, symbolized once. */
static int site_of(struct adder *a, const struct dump_stack *ds,
		   struct site **out)
{
	struct report_stack rs = { 0 };
	struct stack_site *m;
	int r;

	HASH_FIND(hh, a->map, &ds->id, sizeof(ds->id), m);
	if (m) {
		*out = m->site;
		return 0;
	}
	r = report_symbolize_stack(&rs, ds, a->sym, a->err);
	if (r) {
		free(rs.frames);
		return r;
	}
	*out = site_of_frames(a, &rs);
	free(rs.frames);
	m = *out ? calloc(1, sizeof(*m)) : NULL;
	if (!m)
		return util_fail(a->err, -ENOMEM, "out of memory");
	m->id = ds->id;
	m->site = *out;
	util_hash_oom = false;
	HASH_ADD(hh, a->map, id, sizeof(m->id), m);
	if (util_hash_oom) {
		free(m);
		return util_fail(a->err, -ENOMEM, "out of memory");
	}
	return 0;
}

/* Add n to resource r of the site of stack ds, and blocks to memory's. */
static int add_to(struct adder *a, const struct dump_stack *ds,
		  enum site_res r, uint64_t n, uint64_t blocks)
{
	size_t nd = a->s->ndumps;
	struct site *st;
	int ret;

	if ((ret = site_of(a, ds, &st)))
		return ret;
	if (!st->v[r] && !(st->v[r] = calloc(nd, sizeof(uint64_t))))
		return util_fail(a->err, -ENOMEM, "out of memory");
	if (r == SITE_MEMORY && !st->blocks &&
	    !(st->blocks = calloc(nd, sizeof(uint64_t))))
		return util_fail(a->err, -ENOMEM, "out of memory");
	st->v[r][a->i] = util_sat_add(st->v[r][a->i], n);
	if (r == SITE_MEMORY)
		st->blocks[a->i] = util_sat_add(st->blocks[a->i], blocks);
	return 0;
}

/* --- one dump --- */

/* The basename of path, or NULL for an empty one. */
static const char *base_name(const char *path)
{
	const char *slash;

	if (!path || !path[0])
		return NULL;
	slash = strrchr(path, '/');
	return slash && slash[1] ? slash + 1 : path;
}

/* The process figures of d into sd. */
static int describe(struct site_dump *sd, const char *path,
		    const struct dump *d, struct util_err *err)
{
	const char *exe = base_name(d->proc.exe);
	const char *prog = d->proc.name && d->proc.name[0] ? d->proc.name
			 : exe ? exe : "?";
	size_t i;

	sd->path = path;
	sd->pid = d->proc.pid;
	sd->time_ms = d->proc.time_ms;
	sd->uptime_ms = d->proc.uptime_ms;
	sd->program = strdup(prog);
	sd->exe_base = strdup(exe ? exe : prog);
	if (!sd->program || !sd->exe_base)
		return util_fail(err, -ENOMEM, "out of memory");
	for (i = 0; i < d->ngroups; i++)
		sd->total[SITE_MEMORY] = util_sat_add(sd->total[SITE_MEMORY],
						      d->groups[i].bytes);
	sd->total[SITE_CONNS] = d->nconns;
	for (i = 0; i < d->nconns; i++)
		sd->open_conns += !(d->conns[i].flags & LK_CONN_FAILED);
	for (i = 0; i < d->nresults; i++)
		sd->total[SITE_RESULTS] = util_sat_add(sd->total[SITE_RESULTS],
						       d->results[i].count);
	sd->conn_limit = parse_option(d, "conn_limit", 0);
	sd->conn_activity = d->nconns || parse_counter(d, "conn_opened", 0);
	return 0;
}

/* Add every b, C and R record of d to the sites. */
static int add_records(struct adder *a, const struct dump *d)
{
	size_t i;
	int r = 0;

	for (i = 0; !r && i < d->ngroups; i++)
		r = add_to(a, d->groups[i].stack, SITE_MEMORY,
			   d->groups[i].bytes, d->groups[i].blocks);
	for (i = 0; !r && i < d->nconns; i++)
		r = add_to(a, d->conns[i].stack, SITE_CONNS, 1, 0);
	for (i = 0; !r && i < d->nresults; i++)
		r = add_to(a, d->results[i].stack, SITE_RESULTS,
			   d->results[i].count, 0);
	return r;
}

int sites_add(struct sites *s, size_t i, const char *path,
	      const struct dump *d, struct symbolizer *sym,
	      struct util_err *err)
{
	struct adder a = { .s = s, .i = i, .sym = sym, .err = err };
	struct stack_site *m, *tmp;
	int r;

	r = describe(&s->dumps[i], path, d, err);
	if (r == 0)
		r = add_records(&a, d);
	HASH_ITER(hh, a.map, m, tmp) {
		HASH_DEL(a.map, m);
		free(m);
	}
	return r;
}
