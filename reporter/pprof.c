/* SPDX-License-Identifier: MIT */
/*
 * pprof.c - the pprof heap profile of a report (pprof.h).
 *
 * The profile is built as protobuf-c messages (profile.proto, compiled
 * into build/gen/ by protoc-c), packed by libprotobuf-c into a buffer
 * whose every append goes through zlib's deflate with a gzip header, and
 * from there to the output: the whole encoded profile is never held in
 * memory.  Strings, functions and locations are interned in hash tables
 * as they are met, so that each is stored once.  The messages and the
 * strings they point to are freed together at the end.
 *
 * A mapping's file offset is read from the module's ELF program headers
 * (the PT_LOAD segment that holds the start of the mapped range), since
 * pprof locates the segment by it when it symbolizes a module itself;
 * when the file cannot be read, the start's file address (lo - bias)
 * stands in for it, which is right for the usual first segment.
 */
#define ZLIB_CONST
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "pprof.h"		/* report.h: util.h before uthash.h */
#include "profile.pb-c.h"

/* The values of a sample, in the order of the sample types. */
enum {
	V_LEAKED_OBJECTS, V_LEAKED_SPACE, V_INUSE_OBJECTS, V_INUSE_SPACE,
	V_CONNECTIONS, V_RESULTS, V_CANCELS, NVALUES
};

static const char *const value_types[NVALUES][2] = {
	{ "leaked_objects", "count" }, { "leaked_space", "bytes" },
	{ "inuse_objects", "count" }, { "inuse_space", "bytes" },
	{ "connections", "count" }, { "results", "count" },
	{ "cancels", "count" },
};

/* An interned string and its index in the string table. */
struct pp_string {
	UT_hash_handle hh;	/* keyed by s */
	int64_t idx;
	char s[];
};

/* An interned function, keyed by its name and file indices. */
struct pp_func {
	UT_hash_handle hh;
	int64_t key[2];		/* name, filename */
	uint64_t id;
};

/* An interned location, keyed by the return address. */
struct pp_loc {
	UT_hash_handle hh;
	uint64_t pc;
	uint64_t id;
};

/* The profile being built. */
struct pp {
	const struct report *r;
	Perftools__Profiles__Profile prof;
	Perftools__Profiles__ValueType types[NVALUES], period_type;
	Perftools__Profiles__ValueType *type_ptrs[NVALUES];
	Perftools__Profiles__Mapping *maps;	/* [nmodules], dump order */
	struct pp_string *strings;	/* uthash, owns the strings */
	struct pp_func *funcs;
	struct pp_loc *locs;
	size_t strings_cap, funcs_cap, locs_cap, samples_cap, comments_cap;
	bool nomem;		/* an allocation failed on the way */
};

/* --- tables --- */

/* The index of s in the string table, added if new; 0 when out of memory
 * (p->nomem set) or for NULL. */
static int64_t pp_str(struct pp *p, const char *s)
{
	Perftools__Profiles__Profile *pr = &p->prof;
	struct pp_string *e;
	size_t len;

	if (!s)
		return 0;
	len = strlen(s);
	HASH_FIND(hh, p->strings, s, len, e);
	if (e)
		return e->idx;
	e = malloc(sizeof(*e) + len + 1);
	if (!e || util_grow(&pr->string_table, &p->strings_cap,
			    pr->n_string_table + 1, sizeof(char *))) {
		free(e);
		p->nomem = true;
		return 0;
	}
	memcpy(e->s, s, len + 1);
	e->idx = (int64_t)pr->n_string_table;
	util_hash_oom = false;
	HASH_ADD_KEYPTR(hh, p->strings, e->s, len, e);
	if (util_hash_oom) {
		free(e);
		p->nomem = true;
		return 0;
	}
	pr->string_table[pr->n_string_table++] = e->s;
	return e->idx;
}

/* Append the message m to a list of pointers; false when out of memory. */
static bool pp_push(struct pp *p, void *list, size_t *n, size_t *cap,
		    void *m)
{
	void ***v = list;

	if (!m || util_grow(v, cap, *n + 1, sizeof(void *))) {
		free(m);
		p->nomem = true;
		return false;
	}
	(*v)[(*n)++] = m;
	return true;
}

/* The id of the function of frame f (its name, or "??", and its file). */
static uint64_t pp_function(struct pp *p, const struct sym_frame *f)
{
	Perftools__Profiles__Profile *pr = &p->prof;
	Perftools__Profiles__Function *fn;
	struct pp_func *e;
	int64_t key[2];

	key[0] = pp_str(p, f->function ? f->function : "??");
	key[1] = pp_str(p, f->file);
	HASH_FIND(hh, p->funcs, key, sizeof(key), e);
	if (e)
		return e->id;
	fn = malloc(sizeof(*fn));
	e = calloc(1, sizeof(*e));
	if (!e || !fn || !pp_push(p, &pr->function, &pr->n_function,
				  &p->funcs_cap, fn)) {
		free(e);
		p->nomem = true;
		return 0;
	}
	perftools__profiles__function__init(fn);
	fn->id = pr->n_function;
	fn->name = fn->system_name = key[0];
	fn->filename = key[1];
	memcpy(e->key, key, sizeof(key));
	e->id = fn->id;
	util_hash_oom = false;
	HASH_ADD(hh, p->funcs, key, sizeof(e->key), e);
	if (util_hash_oom) {
		free(e);
		p->nomem = true;
	}
	return fn->id;
}

/* --- mappings --- */

/* The file offset of address vaddr of the ELF file path, or fallback. */
static uint64_t elf_file_offset(const char *path, uint64_t vaddr,
				uint64_t fallback)
{
	uint64_t off = fallback;
	struct stat st;
	GElf_Phdr ph;
	size_t i, n;
	Elf *elf;
	int fd;

	if (!path[0] || elf_version(EV_CURRENT) == EV_NONE)
		return fallback;
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0)
		return fallback;
	elf = fstat(fd, &st) == 0 && S_ISREG(st.st_mode) ?
	      elf_begin(fd, ELF_C_READ, NULL) : NULL;
	if (elf && elf_getphdrnum(elf, &n) == 0) {
		for (i = 0; i < n; i++) {
			if (!gelf_getphdr(elf, (int)i, &ph) ||
			    ph.p_type != PT_LOAD || vaddr < ph.p_vaddr ||
			    vaddr - ph.p_vaddr >= ph.p_memsz)
				continue;
			off = ph.p_offset + (vaddr - ph.p_vaddr);
			break;
		}
	}
	elf_end(elf);
	close(fd);
	return off;
}

/* The mappings: the dump's modules, the one of the executable first. */
static void pp_mappings(struct pp *p)
{
	const struct dump *d = p->r->dump;
	Perftools__Profiles__Profile *pr = &p->prof;
	size_t i, first = 0, k = 0;

	if (!d->nmodules)
		return;
	p->maps = calloc(d->nmodules, sizeof(*p->maps));
	pr->mapping = calloc(d->nmodules, sizeof(*pr->mapping));
	if (!p->maps || !pr->mapping) {
		p->nomem = true;
		return;
	}
	for (i = 0; i < d->nmodules; i++) {
		perftools__profiles__mapping__init(&p->maps[i]);
		if (d->proc.exe && d->proc.exe[0] &&
		    !strcmp(d->modules[i].path, d->proc.exe) && !first)
			first = i;
	}
	pr->mapping[k++] = &p->maps[first];
	for (i = 0; i < d->nmodules; i++)
		if (i != first)
			pr->mapping[k++] = &p->maps[i];
	pr->n_mapping = d->nmodules;
}

/* Fill the mappings' fields once their order is set. */
static void pp_fill_mappings(struct pp *p)
{
	const struct dump *d = p->r->dump;
	Perftools__Profiles__Mapping *mp;
	const struct dump_module *m;
	size_t i;

	for (i = 0; i < p->prof.n_mapping; i++) {
		mp = p->prof.mapping[i];
		m = &d->modules[mp - p->maps];
		mp->id = i + 1;
		mp->memory_start = m->lo;
		mp->memory_limit = m->hi;
		mp->file_offset = elf_file_offset(m->path, m->lo - m->bias,
						  m->lo - m->bias);
		mp->filename = pp_str(p, m->path[0] ? m->path : "[vdso]");
		mp->build_id = pp_str(p, m->build_id);
	}
}

/* The mapping that holds address a, or NULL. */
static Perftools__Profiles__Mapping *pp_mapping_of(struct pp *p,
						    uint64_t a)
{
	const struct dump *d = p->r->dump;
	size_t i;

	if (!p->maps)
		return NULL;
	for (i = 0; i < d->nmodules; i++)
		if (a >= d->modules[i].lo && a < d->modules[i].hi)
			return &p->maps[i];
	return NULL;
}

/* --- locations and samples --- */

/* The lines of the n frames f of one address into loc; set the
 * mapping's flags from what they hold. */
static void pp_lines(struct pp *p, Perftools__Profiles__Location *loc,
		     const struct sym_frame *f, size_t n,
		     Perftools__Profiles__Mapping *mp)
{
	Perftools__Profiles__Line *ln;
	size_t i;

	loc->line = calloc(n, sizeof(*loc->line));
	if (!loc->line) {
		p->nomem = true;
		return;
	}
	for (i = 0; i < n; i++) {
		if (!f[i].function && !f[i].file)
			continue;
		ln = malloc(sizeof(*ln));
		if (!ln) {
			p->nomem = true;
			return;
		}
		perftools__profiles__line__init(ln);
		ln->function_id = pp_function(p, &f[i]);
		ln->line = f[i].line;
		loc->line[loc->n_line++] = ln;
		if (!mp)
			continue;
		mp->has_functions |= f[i].function != NULL;
		mp->has_filenames |= f[i].file != NULL;
		mp->has_line_numbers |= f[i].line != 0;
	}
	if (mp && loc->n_line > 1)
		mp->has_inline_frames = true;
}

/* The id of the location of the n frames f (one return address). */
static uint64_t pp_location(struct pp *p, const struct sym_frame *f,
			    size_t n)
{
	Perftools__Profiles__Profile *pr = &p->prof;
	Perftools__Profiles__Location *loc;
	Perftools__Profiles__Mapping *mp;
	struct pp_loc *e;
	uint64_t pc = f[0].pc;

	HASH_FIND(hh, p->locs, &pc, sizeof(pc), e);
	if (e)
		return e->id;
	loc = malloc(sizeof(*loc));
	e = calloc(1, sizeof(*e));
	if (!e || !pp_push(p, &pr->location, &pr->n_location, &p->locs_cap,
			   loc)) {
		free(e);
		return 0;
	}
	perftools__profiles__location__init(loc);
	loc->id = pr->n_location;
	loc->address = pc ? pc - 1 : 0;
	mp = pp_mapping_of(p, loc->address);
	loc->mapping_id = mp ? mp->id : 0;
	pp_lines(p, loc, f, n, mp);
	e->pc = pc;
	e->id = loc->id;
	util_hash_oom = false;
	HASH_ADD(hh, p->locs, pc, sizeof(e->pc), e);
	if (util_hash_oom) {
		free(e);
		p->nomem = true;
	}
	return loc->id;
}

/* A label: a string one when str is not NULL, else a number. */
static void pp_label(struct pp *p, Perftools__Profiles__Sample *s,
		     const char *key, const char *str, int64_t num,
		     const char *unit)
{
	Perftools__Profiles__Label *l = malloc(sizeof(*l));
	size_t cap = s->n_label;

	if (!l || util_grow(&s->label, &cap, s->n_label + 1, sizeof(l))) {
		free(l);
		p->nomem = true;
		return;
	}
	perftools__profiles__label__init(l);
	l->key = pp_str(p, key);
	if (str) {
		l->str = pp_str(p, str);
	} else {
		l->num = num;
		l->num_unit = pp_str(p, unit);
	}
	s->label[s->n_label++] = l;
}

/* The location ids of st, one per return address, innermost first. */
static void pp_stack(struct pp *p, Perftools__Profiles__Sample *s,
		     const struct report_stack *st)
{
	size_t i, j;

	if (!st->nframes)
		return;
	s->location_id = calloc(st->nframes, sizeof(*s->location_id));
	if (!s->location_id) {
		p->nomem = true;
		return;
	}
	for (i = 0; i < st->nframes; i = j + 1) {
		/* A frame inlined into the next one shares its address. */
		for (j = i; j + 1 < st->nframes && st->frames[j].inlined; j++)
			;
		s->location_id[s->n_location_id++] =
			pp_location(p, &st->frames[i], j - i + 1);
	}
}

/* A new sample of stack st with values v, labelled kind=kind. */
static Perftools__Profiles__Sample *pp_sample(struct pp *p,
					      const struct report_stack *st,
					      const uint64_t v[NVALUES],
					      const char *kind)
{
	Perftools__Profiles__Profile *pr = &p->prof;
	Perftools__Profiles__Sample *s = malloc(sizeof(*s));
	size_t i;

	if (!pp_push(p, &pr->sample, &pr->n_sample, &p->samples_cap, s))
		return NULL;
	perftools__profiles__sample__init(s);
	s->value = calloc(NVALUES, sizeof(*s->value));
	if (!s->value) {
		p->nomem = true;
		return NULL;
	}
	s->n_value = NVALUES;
	for (i = 0; i < NVALUES; i++)
		s->value[i] = v[i] > INT64_MAX ? INT64_MAX : (int64_t)v[i];
	pp_stack(p, s, st);
	pp_label(p, s, "kind", kind, 0, NULL);
	return s;
}

static void pp_entries(struct pp *p)
{
	const struct report *r = p->r;
	Perftools__Profiles__Sample *s;
	uint64_t v[NVALUES];
	size_t i;

	for (i = 0; i < r->count && !p->nomem; i++) {
		const struct report_entry *e = &r->entries[i];
		bool leak = e->kind == REPORT_DIRECT ||
			    e->kind == REPORT_INDIRECT;

		memset(v, 0, sizeof(v));
		v[V_LEAKED_OBJECTS] = leak ? e->group->blocks : 0;
		v[V_LEAKED_SPACE] = leak ? e->group->bytes : 0;
		v[V_INUSE_OBJECTS] = e->group->blocks;
		v[V_INUSE_SPACE] = e->group->bytes;
		s = pp_sample(p, &e->st, v, report_kind_name(e->kind));
		if (s)
			pp_label(p, s, "oldest_age", NULL,
				 e->group->oldest_ms > INT64_MAX ? INT64_MAX :
				 (int64_t)e->group->oldest_ms,
				 "ms");
	}
}

/* The libpq samples: connection entries, results, then cancel handles. */
static void pp_libpq(struct pp *p)
{
	const struct report *r = p->r;
	Perftools__Profiles__Sample *s;
	uint64_t v[NVALUES] = { 0 };
	size_t i, k;

	for (i = 0; i < r->nconns && !p->nomem; i++) {
		v[V_CONNECTIONS] = r->conns[i].count;
		s = pp_sample(p, &r->conns[i].st, v, "connection");
		for (k = 0; s && k < r->conns[i].ntargets; k++)
			pp_label(p, s, "target", r->conns[i].targets[k], 0,
				 NULL);
	}
	v[V_CONNECTIONS] = 0;
	for (i = 0; i < r->nresults && !p->nomem; i++) {
		v[V_RESULTS] = r->results[i].group->count;
		pp_sample(p, &r->results[i].st, v, "result");
	}
	v[V_RESULTS] = 0;
	for (i = 0; i < r->ncancels && !p->nomem; i++) {
		v[V_CANCELS] = r->cancels[i].group->count;
		pp_sample(p, &r->cancels[i].st, v, "cancel");
	}
}

/* --- the profile --- */

static void pp_comment(struct pp *p, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void pp_comment(struct pp *p, const char *fmt, ...)
{
	Perftools__Profiles__Profile *pr = &p->prof;
	char buf[UTIL_ERR_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (util_grow(&pr->comment, &p->comments_cap, pr->n_comment + 1,
		      sizeof(*pr->comment))) {
		p->nomem = true;
		return;
	}
	pr->comment[pr->n_comment++] = pp_str(p, buf);
}

/* The header of the profile: string 0, sample types, period, time. */
static void pp_header(struct pp *p)
{
	const struct report *r = p->r;
	const struct dump_process *proc = &r->dump->proc;
	Perftools__Profiles__Profile *pr = &p->prof;
	uint64_t sample = parse_option(r->dump, "sample", 0);
	size_t i;

	perftools__profiles__profile__init(pr);
	pp_str(p, "");
	for (i = 0; i < NVALUES; i++) {
		perftools__profiles__value_type__init(&p->types[i]);
		p->types[i].type = pp_str(p, value_types[i][0]);
		p->types[i].unit = pp_str(p, value_types[i][1]);
		p->type_ptrs[i] = &p->types[i];
	}
	pr->sample_type = p->type_ptrs;
	pr->n_sample_type = NVALUES;
	perftools__profiles__value_type__init(&p->period_type);
	p->period_type.type = pp_str(p, "space");
	p->period_type.unit = pp_str(p, "bytes");
	pr->period_type = &p->period_type;
	pr->period = sample && sample <= INT64_MAX ? (int64_t)sample : 1;
	pr->default_sample_type = pp_str(p, r->classified ? "leaked_space"
							  : "inuse_space");
	if (proc->time_ms <= (uint64_t)INT64_MAX / 1000000)
		pr->time_nanos = (int64_t)(proc->time_ms * 1000000);
	pp_comment(p, "leakshim: %s (pid %" PRIu64 "), dump at %s after "
		   "%" PRIu64 " ms", report_program(r), proc->pid,
		   proc->reason, proc->uptime_ms);
	if (!r->classified)
		pp_comment(p, "leakshim: blocks not classified: leaked_* are "
			   "0, see inuse_*");
	if (sample)
		pp_comment(p, "leakshim: sampled, about one allocation per "
			   "%" PRIu64 " bytes: figures are estimates", sample);
}

/* --- output --- */

/* A protobuf-c output buffer that gzips what it is given into a file. */
struct gz_buffer {
	ProtobufCBuffer base;	/* first: libprotobuf-c calls base.append */
	z_stream zs;
	FILE *out;
	int err;		/* 0, or the first negative errno */
	unsigned char chunk[16384];
};

/* Run deflate with flush until it wants more input (or ends). */
static void gz_pump(struct gz_buffer *g, int flush)
{
	size_t n;
	int z;

	do {
		g->zs.next_out = g->chunk;
		g->zs.avail_out = sizeof(g->chunk);
		z = deflate(&g->zs, flush);
		if (z == Z_STREAM_ERROR) {
			g->err = -EIO;
			return;
		}
		n = sizeof(g->chunk) - g->zs.avail_out;
		if (n && fwrite(g->chunk, 1, n, g->out) != n && !g->err)
			g->err = errno ? -errno : -EIO;
	} while (g->zs.avail_out == 0 || (flush == Z_FINISH &&
					 z != Z_STREAM_END));
}

static void gz_append(ProtobufCBuffer *b, size_t len, const uint8_t *data)
{
	struct gz_buffer *g = (struct gz_buffer *)b;

	while (len && !g->err) {
		uInt n = len > 1u << 30 ? 1u << 30 : (uInt)len;

		g->zs.next_in = data;
		g->zs.avail_in = n;
		gz_pump(g, Z_NO_FLUSH);
		data += n;
		len -= n;
	}
}

/* Pack the profile through gzip into out. */
static int pp_emit(FILE *out, const Perftools__Profiles__Profile *pr)
{
	struct gz_buffer *g = calloc(1, sizeof(*g));
	int r;

	if (!g)
		return -ENOMEM;
	g->base.append = gz_append;
	g->out = out;
	/* 15 + 16: the largest window, with a gzip header and trailer. */
	if (deflateInit2(&g->zs, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16,
			 8, Z_DEFAULT_STRATEGY) != Z_OK) {
		free(g);
		return -ENOMEM;
	}
	protobuf_c_message_pack_to_buffer(&pr->base, &g->base);
	if (!g->err)
		gz_pump(g, Z_FINISH);
	deflateEnd(&g->zs);
	r = g->err;
	free(g);
	if (!r && (fflush(out) || ferror(out)))
		r = errno ? -errno : -EIO;
	return r;
}

/* --- freeing --- */

static void pp_free_samples(Perftools__Profiles__Profile *pr)
{
	size_t i, k;

	for (i = 0; i < pr->n_sample; i++) {
		for (k = 0; k < pr->sample[i]->n_label; k++)
			free(pr->sample[i]->label[k]);
		free(pr->sample[i]->label);
		free(pr->sample[i]->location_id);
		free(pr->sample[i]->value);
		free(pr->sample[i]);
	}
	free(pr->sample);
	for (i = 0; i < pr->n_location; i++) {
		for (k = 0; k < pr->location[i]->n_line; k++)
			free(pr->location[i]->line[k]);
		free(pr->location[i]->line);
		free(pr->location[i]);
	}
	free(pr->location);
	for (i = 0; i < pr->n_function; i++)
		free(pr->function[i]);
	free(pr->function);
}

static void pp_free(struct pp *p)
{
	struct pp_string *s, *ts;
	struct pp_func *f, *tf;
	struct pp_loc *l, *tl;

	pp_free_samples(&p->prof);
	free(p->prof.mapping);
	free(p->maps);
	free(p->prof.comment);
	free(p->prof.string_table);
	HASH_ITER(hh, p->strings, s, ts) {
		HASH_DEL(p->strings, s);
		free(s);
	}
	HASH_ITER(hh, p->funcs, f, tf) {
		HASH_DEL(p->funcs, f);
		free(f);
	}
	HASH_ITER(hh, p->locs, l, tl) {
		HASH_DEL(p->locs, l);
		free(l);
	}
}

int pprof_write(FILE *out, const struct report *r)
{
	struct pp *p = calloc(1, sizeof(*p));
	int ret;

	if (!p)
		return -ENOMEM;
	p->r = r;
	pp_header(p);
	pp_mappings(p);
	if (!p->nomem)
		pp_fill_mappings(p);
	pp_entries(p);
	pp_libpq(p);
	ret = p->nomem ? -ENOMEM : pp_emit(out, &p->prof);
	pp_free(p);
	free(p);
	return ret;
}
