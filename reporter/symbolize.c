/* SPDX-License-Identifier: MIT */
/*
 * symbolize.c - return addresses to frames with elfutils' libdwfl.
 *
 * The dump's module map is copied and sorted by address; a pc is first
 * placed in a module of that map, so that frames name the module even
 * when its file is gone.  The module's ELF file is reported to one Dwfl
 * lazily, the first time a pc needs it, which keeps the warnings (missing
 * file, build-id changed) to modules that stacks actually use.
 *
 * A pc in a stack is a return address: the call that made the frame ends
 * just before it, so every lookup is for pc - 1 (for the innermost frame
 * too: the dump starts at the caller of the wrapped function).
 *
 * With DWARF, the scopes around the address give the chain of inlined
 * subroutines and the function that holds them; the innermost frame takes
 * its line from the line table and each outer one from the DW_AT_call_file
 * and DW_AT_call_line of the inlined subroutine inside it (what
 * `eu-addr2line -i` prints).  The function around an address is found
 * through an index of each compile unit's functions, sorted by address and
 * built once per unit; only what the index misses walks the unit
 * (dwarf_getscopes).  Without DWARF, the ELF symbol table names the
 * function.  C++ names are demangled.  Strings are interned, frames cached
 * per pc.
 */
#include <dwarf.h>
#include <elfutils/libdwfl.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "symbolize.h"

/* The C++ runtime's demangler (libstdc++, -lstdc++); C has no header. */
extern char *__cxa_demangle(const char *mangled, char *buf, size_t *size,
			    int *status);

/* State of a module's file in the Dwfl. */
enum mod_state {
	MOD_UNTRIED,	/* no pc has needed it yet */
	MOD_OPEN,	/* reported; dwfl_mod is valid */
	MOD_FAILED,	/* missing or unusable: frames keep pc and module */
};

/* One module of the dump's map. */
struct sym_module {
	uint64_t lo, hi;	/* mapped range [lo, hi) */
	uint64_t bias;		/* load bias */
	const char *path;	/* interned path, NULL for no file */
	const char *build_id;	/* the dump's build-id (hex), or NULL */
	enum mod_state state;
	Dwfl_Module *dwfl_mod;	/* valid when state is MOD_OPEN */
};

/* An interned string; also remembers whether its file was warned about. */
struct sym_string {
	UT_hash_handle hh;	/* keyed by s */
	bool warned;		/* a warning about this path was given */
	char s[];
};

/* The cached frames of one pc. */
struct sym_entry {
	uint64_t pc;		/* key */
	UT_hash_handle hh;
	unsigned count;
	struct sym_frame frames[];
};

/* The code range of one function of a compile unit. */
struct fn_range {
	Dwarf_Addr lo, hi;	/* [lo, hi), in the DWARF's address space */
	Dwarf_Die die;		/* its DW_TAG_subprogram */
};

/* Which compile unit: DIE offsets are per module. */
struct cu_key {
	Dwfl_Module *mod;
	Dwarf_Off off;		/* offset of the CU DIE */
};

/*
 * The functions of one compile unit sorted by address, built the first
 * time a pc falls in it: finding a function is then a binary search, not
 * a walk over the whole unit for every pc (dwarf_getscopes), which made a
 * large unit cost minutes for 100k distinct pcs.
 */
struct cu_index {
	struct cu_key key;
	UT_hash_handle hh;
	struct fn_range *fns;
	size_t count, cap;
};

struct symbolizer {
	Dwfl *dwfl;			/* one session for the whole dump */
	struct sym_module *mods;	/* sorted by lo */
	size_t nmods;
	struct sym_entry *cache;	/* uthash by pc */
	struct cu_index *units;		/* uthash by cu_key */
	struct sym_string *strings;	/* uthash by content */
	struct sym_warner warner;	/* warn is NULL for silence */
	bool nomem;			/* an allocation failed on the way */
};

/* Debug files: ".debug" beside the file, /usr/lib/debug, build-id dirs. */
static char *debuginfo_path;

static const Dwfl_Callbacks dwfl_callbacks = {
	.find_elf = dwfl_build_id_find_elf,
	.find_debuginfo = dwfl_standard_find_debuginfo,
	.section_address = dwfl_offline_section_address,
	.debuginfo_path = &debuginfo_path,
};

/* --- strings and warnings --- */

/* The interned copy of str (NULL for NULL); NULL and nomem on failure. */
static struct sym_string *intern_entry(struct symbolizer *s, const char *str)
{
	struct sym_string *e;
	size_t len;

	if (!str)
		return NULL;
	HASH_FIND_STR(s->strings, str, e);
	if (e)
		return e;
	len = strlen(str);
	e = calloc(1, sizeof(*e) + len + 1);
	if (!e)
		goto out_nomem;
	memcpy(e->s, str, len + 1);
	util_hash_oom = false;
	HASH_ADD_KEYPTR(hh, s->strings, e->s, len, e);
	if (!util_hash_oom)
		return e;
	free(e);
out_nomem:
	s->nomem = true;
	return NULL;
}

static const char *intern(struct symbolizer *s, const char *str)
{
	struct sym_string *e = intern_entry(s, str);

	return e ? e->s : NULL;
}

/* Pass msg, a warning about path, on; only the first one per path. */
static void warn_path(struct symbolizer *s, const char *path,
		      const char *msg)
{
	struct sym_string *e = intern_entry(s, path);

	if (!s->warner.warn || !e || e->warned)
		return;
	e->warned = true;
	s->warner.warn(s->warner.arg, msg);
}

/* Warn that path cannot be used: verb is "open" or "read". */
static void warn_unusable(struct symbolizer *s, const char *path,
			  const char *verb, const char *why)
{
	char msg[UTIL_ERR_MAX];

	snprintf(msg, sizeof(msg), "cannot %s %s: %s; its frames are not "
		 "symbolized", verb, path, why);
	warn_path(s, path, msg);
}

/* --- the module map --- */

static int cmp_module(const void *a, const void *b)
{
	const struct sym_module *x = a, *y = b;

	return x->lo < y->lo ? -1 : x->lo > y->lo;
}

/* Copy the dump's module map, sorted for lookups by address. */
static int copy_modules(struct symbolizer *s, const struct dump *d)
{
	size_t i;

	if (!d->nmodules)
		return 0;
	s->mods = calloc(d->nmodules, sizeof(*s->mods));
	if (!s->mods)
		return -ENOMEM;
	for (i = 0; i < d->nmodules; i++) {
		const struct dump_module *m = &d->modules[i];
		struct sym_module *sm = &s->mods[i];

		sm->lo = m->lo;
		sm->hi = m->hi;
		sm->bias = m->bias;
		sm->build_id = m->build_id;
		sm->path = m->path[0] ? intern(s, m->path) : NULL;
	}
	s->nmods = d->nmodules;
	qsort(s->mods, s->nmods, sizeof(*s->mods), cmp_module);
	return s->nomem ? -ENOMEM : 0;
}

/* The module whose range holds addr, or NULL. */
static struct sym_module *find_module(struct symbolizer *s, uint64_t addr)
{
	size_t lo = 0, hi = s->nmods;

	/* Find the last module with lo <= addr. */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (s->mods[mid].lo <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == 0 || addr >= s->mods[lo - 1].hi)
		return NULL;
	return &s->mods[lo - 1];
}

/* Warn if the file's GNU build-id is not the one the dump recorded. */
static void check_build_id(struct symbolizer *s, struct sym_module *m)
{
	char hex[3], msg[UTIL_ERR_MAX];
	const unsigned char *bits;
	GElf_Addr vaddr;
	size_t i;
	int len;

	len = dwfl_module_build_id(m->dwfl_mod, &bits, &vaddr);
	if (!m->build_id || len <= 0)
		return;
	if (strlen(m->build_id) != 2 * (size_t)len)
		goto out_changed;
	for (i = 0; i < (size_t)len; i++) {
		snprintf(hex, sizeof(hex), "%02x", bits[i]);
		if (memcmp(hex, m->build_id + 2 * i, 2))
			goto out_changed;
	}
	return;
out_changed:
	snprintf(msg, sizeof(msg), "%s has changed since the dump (its "
		 "build-id differs); its frames may be wrong", m->path);
	warn_path(s, m->path, msg);
}

/*
 * Open the module's file for reading, refusing what is not a regular
 * file: a FIFO named by a hostile dump would block open(2) or read(2).
 */
static int open_regular(const char *path)
{
	struct stat st;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return -EINVAL;
	}
	return fd;
}

/* Report m's file to the Dwfl; on failure, warn and mark it failed. */
static void open_module(struct symbolizer *s, struct sym_module *m)
{
	Dwfl_Module *mod;
	int fd;

	m->state = MOD_FAILED;
	if (!m->path)
		return;
	fd = open_regular(m->path);
	if (fd < 0) {
		warn_unusable(s, m->path, "open", fd == -EINVAL ?
			      "not a regular file" : strerror(-fd));
		return;
	}
	/*
	 * With add_p_vaddr, base is the load bias (dlpi_addr), which is what
	 * the dump holds; without it base would be the address of the first
	 * segment, which differs for prelinked libraries.  ET_EXEC files
	 * ignore base: they load where their headers say.
	 */
	dwfl_report_begin_add(s->dwfl);
	mod = dwfl_report_elf(s->dwfl, m->path, m->path, fd, m->bias, true);
	dwfl_report_end(s->dwfl, NULL, NULL);
	if (!mod) {
		close(fd);	/* only a successful report takes fd over */
		warn_unusable(s, m->path, "read", dwfl_errmsg(-1));
		return;
	}
	m->dwfl_mod = mod;
	m->state = MOD_OPEN;
	check_build_id(s, m);
}

/* --- names and lines --- */

/* The demangled form of a C++ name, interned; other names as they are. */
static const char *demangle(struct symbolizer *s, const char *name)
{
	const char *r;
	char *dm;
	int status;

	if (!name || strncmp(name, "_Z", 2))
		return intern(s, name);
	dm = __cxa_demangle(name, NULL, NULL, &status);
	r = intern(s, dm && status == 0 ? dm : name);
	free(dm);
	return r;
}

/*
 * The function name of a subprogram or inlined subroutine DIE: the
 * demangled linkage name for C++, else DW_AT_name.  C functions may have
 * a linkage name too (glibc's "__GI___strdup" for __strdup); it is an
 * alias nobody wrote, so only a mangled one is used.
 */
static const char *die_function(struct symbolizer *s, Dwarf_Die *die)
{
	const char *link = NULL;
	Dwarf_Attribute a;

	/* _integrate follows DW_AT_abstract_origin and DW_AT_specification. */
	if (dwarf_attr_integrate(die, DW_AT_linkage_name, &a) ||
	    dwarf_attr_integrate(die, DW_AT_MIPS_linkage_name, &a))
		link = dwarf_formstring(&a);
	if (link && !strncmp(link, "_Z", 2))
		return demangle(s, link);
	if (dwarf_attr_integrate(die, DW_AT_name, &a))
		return intern(s, dwarf_formstring(&a));
	return demangle(s, link);
}

/* file, made absolute with the CU's comp_dir if relative; interned. */
static const char *source_path(struct symbolizer *s, const char *file,
			       Dwarf_Die *cu)
{
	Dwarf_Attribute a;
	const char *dir = NULL;
	char *joined;
	const char *r;

	if (!file)
		return NULL;
	if (file[0] != '/' && cu && dwarf_attr(cu, DW_AT_comp_dir, &a))
		dir = dwarf_formstring(&a);
	/*
	 * A relative comp_dir (Debian maps build directories to ".") cannot
	 * make the path absolute: keep what the line table says.
	 */
	if (!dir || dir[0] != '/')
		return intern(s, file);
	if (asprintf(&joined, "%s/%s", dir, file) < 0) {
		s->nomem = true;
		return NULL;
	}
	r = intern(s, joined);
	free(joined);
	return r;
}

/* File and line of addr from the module's line table, if it has one. */
static void line_of(struct symbolizer *s, Dwfl_Module *mod, uint64_t addr,
		    struct sym_frame *f)
{
	Dwfl_Line *l = dwfl_module_getsrc(mod, addr);
	const char *file;
	int line = 0;

	if (!l)
		return;
	file = dwfl_lineinfo(l, NULL, &line, NULL, NULL, NULL);
	f->file = source_path(s, file, dwfl_linecu(l));
	f->line = line > 0 && f->file ? (unsigned)line : 0;
}

/* The call site an inlined subroutine DIE records, into f. */
static void call_site(struct symbolizer *s, Dwarf_Die *cu, Dwarf_Die *die,
		      struct sym_frame *f)
{
	Dwarf_Files *files;
	Dwarf_Attribute a;
	Dwarf_Word idx, line;
	size_t nfiles;

	f->file = NULL;
	f->line = 0;
	if (!dwarf_attr(die, DW_AT_call_file, &a) || dwarf_formudata(&a, &idx))
		return;
	if (dwarf_getsrcfiles(cu, &files, &nfiles) || idx >= nfiles)
		return;
	f->file = source_path(s, dwarf_filesrc(files, idx, NULL, NULL), cu);
	if (f->file && dwarf_attr(die, DW_AT_call_line, &a) &&
	    !dwarf_formudata(&a, &line) && line <= 0xffffffffu)
		f->line = (unsigned)line;
}

/* --- function index --- */

/* Deepest DIE nesting the reader follows: a bound for hostile files. */
#define SYM_MAX_DEPTH	256

/* Add the code ranges of subprogram die to ix. */
static void index_function(struct symbolizer *s, struct cu_index *ix,
			   Dwarf_Die *die)
{
	Dwarf_Addr base, lo, hi;
	ptrdiff_t off = 0;

	while ((off = dwarf_ranges(die, off, &base, &lo, &hi)) > 0) {
		if (lo >= hi)
			continue;
		if (util_grow(&ix->fns, &ix->cap, ix->count + 1,
			      sizeof(ix->fns[0]))) {
			s->nomem = true;
			return;
		}
		ix->fns[ix->count++] = (struct fn_range){ lo, hi, *die };
	}
}

/*
 * Index the subprograms under parent.  Definitions sit at unit level or,
 * with some compilers, inside namespaces and classes; a function nested
 * in another (a GNU C extension) is left to the slow path.
 */
static void index_tree(struct symbolizer *s, struct cu_index *ix,
		       Dwarf_Die *parent, int depth)
{
	Dwarf_Die child;
	int tag;

	if (depth > SYM_MAX_DEPTH || dwarf_child(parent, &child) != 0)
		return;
	do {
		tag = dwarf_tag(&child);
		if (tag == DW_TAG_subprogram)
			index_function(s, ix, &child);
		else if (tag == DW_TAG_namespace ||
			 tag == DW_TAG_class_type ||
			 tag == DW_TAG_structure_type ||
			 tag == DW_TAG_union_type)
			index_tree(s, ix, &child, depth + 1);
	} while (dwarf_siblingof(&child, &child) == 0);
}

static int cmp_fn(const void *a, const void *b)
{
	const struct fn_range *x = a, *y = b;

	return x->lo < y->lo ? -1 : x->lo > y->lo;
}

/* The index of unit cu of mod, built on first use; NULL without memory. */
static struct cu_index *unit_index(struct symbolizer *s, Dwfl_Module *mod,
				   Dwarf_Die *cu)
{
	struct cu_key key = { mod, dwarf_dieoffset(cu) };
	struct cu_index *ix;

	HASH_FIND(hh, s->units, &key, sizeof(key), ix);
	if (ix)
		return ix;
	ix = calloc(1, sizeof(*ix));
	if (!ix) {
		s->nomem = true;
		return NULL;
	}
	ix->key = key;
	index_tree(s, ix, cu, 0);
	qsort(ix->fns, ix->count, sizeof(ix->fns[0]), cmp_fn);
	util_hash_oom = false;
	HASH_ADD(hh, s->units, key, sizeof(key), ix);
	if (!util_hash_oom)
		return ix;
	free(ix->fns);
	free(ix);
	s->nomem = true;
	return NULL;
}

/* The subprogram of ix whose code holds addr, or NULL. */
static Dwarf_Die *find_function(struct cu_index *ix, Dwarf_Addr addr)
{
	size_t lo = 0, hi = ix->count;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (ix->fns[mid].lo <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == 0 || addr >= ix->fns[lo - 1].hi)
		return NULL;
	return &ix->fns[lo - 1].die;
}

/* --- scopes --- */

/* The child of parent that holds addr and may hold inlined code. */
static bool inner_child(Dwarf_Die *parent, Dwarf_Addr addr, Dwarf_Die *out)
{
	int tag;

	if (dwarf_child(parent, out) != 0)
		return false;
	do {
		tag = dwarf_tag(out);
		if ((tag == DW_TAG_inlined_subroutine ||
		     tag == DW_TAG_lexical_block ||
		     tag == DW_TAG_try_block || tag == DW_TAG_catch_block) &&
		    dwarf_haspc(out, addr) == 1)
			return true;
	} while (dwarf_siblingof(out, out) == 0);
	return false;
}

/*
 * The scopes from function fn down to the innermost one holding addr,
 * into a malloc'd array, innermost first.  Returns their number or -1.
 */
static int function_scopes(Dwarf_Die *fn, Dwarf_Addr addr, Dwarf_Die **out)
{
	Dwarf_Die *v = malloc(SYM_MAX_DEPTH * sizeof(*v)), t;
	int n = 1, i;

	if (!v)
		return -1;
	v[0] = *fn;
	while (n < SYM_MAX_DEPTH && inner_child(&v[n - 1], addr, &v[n]))
		n++;
	for (i = 0; i < n / 2; i++) {
		t = v[i];
		v[i] = v[n - 1 - i];
		v[n - 1 - i] = t;
	}
	*out = v;
	return n;
}

/*
 * The scopes around addr as the code nests them, innermost first, in a
 * malloc'd array.  dwarf_getscopes alone is not enough: past an inlined
 * subroutine it goes on with the scopes of the inlined function's own
 * definition (for variable lookup), not with the function it was inlined
 * into, so we take its innermost scope and ask for that DIE's parents.
 * Both walk the whole unit; this is the slow path, for code the index
 * does not cover.
 */
static int unit_scopes(Dwarf_Die *cu, Dwarf_Addr addr, Dwarf_Die **out)
{
	Dwarf_Die *scopes, inner;
	int n;

	n = dwarf_getscopes(cu, addr, &scopes);
	if (n <= 0)
		return n;
	inner = scopes[0];
	free(scopes);
	return dwarf_getscopes_die(&inner, out);
}

/* Scopes around addr in unit cu, innermost first, fast path first. */
static int code_scopes(struct symbolizer *s, Dwfl_Module *mod,
		       Dwarf_Die *cu, Dwarf_Addr addr, Dwarf_Die **out)
{
	struct cu_index *ix = unit_index(s, mod, cu);
	Dwarf_Die *fn = ix ? find_function(ix, addr) : NULL;

	if (fn)
		return function_scopes(fn, addr, out);
	return unit_scopes(cu, addr, out);
}

/* --- frames --- */

/*
 * Frames for scopes[0..ns) (innermost first) into out: one per inlined
 * subroutine, then one for the function that holds them.  where has the
 * file and line of the innermost one; each outer one takes the call site
 * recorded by the inlined subroutine inside it.
 */
static unsigned scope_frames(struct symbolizer *s, Dwarf_Die *cu,
			     Dwarf_Die *scopes, int ns,
			     struct sym_frame *where, struct sym_frame *out)
{
	Dwarf_Die unit;
	unsigned n = 0;
	int i, tag;

	for (i = 0; i < ns && n < SYM_MAX_INLINE; i++) {
		tag = dwarf_tag(&scopes[i]);
		if (tag != DW_TAG_subprogram &&
		    tag != DW_TAG_inlined_subroutine)
			continue;
		out[n] = *where;
		out[n].function = die_function(s, &scopes[i]);
		out[n++].inlined = tag == DW_TAG_inlined_subroutine;
		if (tag == DW_TAG_subprogram)
			break;
		/* call_file indexes the file table of the DIE's own unit. */
		if (!dwarf_diecu(&scopes[i], &unit, NULL, NULL))
			unit = *cu;
		call_site(s, &unit, &scopes[i], where);
	}
	return n;
}

/*
 * Expand addr (pc - 1) in an open module into its chain of inlined
 * functions, innermost first, each frame starting as a copy of base (pc
 * and module).  Returns the number of frames; 0 when no DWARF scope there
 * names a function.
 */
static unsigned dwarf_frames(struct symbolizer *s, Dwfl_Module *mod,
			     uint64_t addr, const struct sym_frame *base,
			     struct sym_frame *out)
{
	struct sym_frame where = *base;
	Dwarf_Die *cu, *scopes;
	Dwarf_Addr bias;
	unsigned n;
	int ns;

	cu = dwfl_module_addrdie(mod, addr, &bias);
	if (!cu || (ns = code_scopes(s, mod, cu, addr - bias, &scopes)) <= 0)
		return 0;
	line_of(s, mod, addr, &where);
	n = scope_frames(s, cu, scopes, ns, &where, out);
	free(scopes);
	return n;
}

/* A frame from the ELF symbol table, for code without DWARF. */
static void symbol_frame(struct symbolizer *s, Dwfl_Module *mod,
			 uint64_t addr, struct sym_frame *f)
{
	GElf_Off off;
	GElf_Sym sym;

	f->function = demangle(s, dwfl_module_addrinfo(mod, addr, &off, &sym,
						       NULL, NULL, NULL));
	line_of(s, mod, addr, f);
}

/* Symbolize pc and add it to the cache; NULL when out of memory. */
static struct sym_entry *resolve(struct symbolizer *s, uint64_t pc)
{
	struct sym_frame base = { .pc = pc }, frames[SYM_MAX_INLINE];
	struct sym_module *m = pc ? find_module(s, pc - 1) : NULL;
	struct sym_entry *e;
	unsigned n = 0;

	if (m) {
		base.module = m->path;
		base.offset = pc - m->bias;
		if (m->state == MOD_UNTRIED)
			open_module(s, m);
		if (m->state == MOD_OPEN)
			n = dwarf_frames(s, m->dwfl_mod, pc - 1, &base, frames);
		if (m->state == MOD_OPEN && n == 0) {
			frames[0] = base;
			symbol_frame(s, m->dwfl_mod, pc - 1, &frames[0]);
			n = 1;
		}
	}
	if (n == 0)
		frames[n++] = base;
	e = malloc(sizeof(*e) + n * sizeof(e->frames[0]));
	if (!e)
		return NULL;
	e->pc = pc;
	e->count = n;
	memcpy(e->frames, frames, n * sizeof(frames[0]));
	util_hash_oom = false;
	HASH_ADD(hh, s->cache, pc, sizeof(e->pc), e);
	if (!util_hash_oom)
		return e;
	free(e);
	return NULL;
}

/* --- the symbolizer --- */

int symbolize_open(struct symbolizer **out, const struct dump *d,
		   const struct sym_warner *warner, struct util_err *err)
{
	struct symbolizer *s;

	*out = NULL;
	s = calloc(1, sizeof(*s));
	if (!s)
		return util_fail(err, -ENOMEM, "out of memory");
	if (warner)
		s->warner = *warner;
	s->dwfl = dwfl_begin(&dwfl_callbacks);
	if (!s->dwfl || copy_modules(s, d)) {
		symbolize_close(s);
		return util_fail(err, -ENOMEM, "cannot start symbolizing: %s",
				 s->dwfl ? "out of memory" : dwfl_errmsg(-1));
	}
	*out = s;
	return 0;
}

int symbolize_pc(struct symbolizer *s, uint64_t pc,
		 const struct sym_frame **frames, unsigned *count,
		 struct util_err *err)
{
	struct sym_entry *e;

	HASH_FIND(hh, s->cache, &pc, sizeof(pc), e);
	if (!e)
		e = resolve(s, pc);
	if (!e || s->nomem)
		return util_fail(err, -ENOMEM, "out of memory while "
				 "symbolizing");
	*frames = e->frames;
	*count = e->count;
	return 0;
}

void symbolize_close(struct symbolizer *s)
{
	struct sym_entry *e, *etmp;
	struct sym_string *str, *stmp;
	struct cu_index *ix, *itmp;

	if (!s)
		return;
	HASH_ITER(hh, s->units, ix, itmp) {
		HASH_DEL(s->units, ix);
		free(ix->fns);
		free(ix);
	}
	if (s->dwfl)
		dwfl_end(s->dwfl);
	HASH_ITER(hh, s->cache, e, etmp) {
		HASH_DEL(s->cache, e);
		free(e);
	}
	HASH_ITER(hh, s->strings, str, stmp) {
		HASH_DEL(s->strings, str);
		free(str);
	}
	free(s->mods);
	free(s);
}
