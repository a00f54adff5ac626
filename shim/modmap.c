/* SPDX-License-Identifier: MIT */
/*
 * modmap.c - which file every return address belongs to.
 *
 * The shim never symbolizes; it records, for each loaded module, the range
 * it occupies, its load bias and its GNU build-id, so that leakreport can
 * map a raw address to a file offset under ASLR and check that the file it
 * reads is the one that was loaded (dumpfmt.h, record `m`).  Everything
 * comes from dl_iterate_phdr and the module's own program headers in
 * memory.  The list is collected first (in a thread that may take the
 * loader's lock) and written later, possibly by the scan's child, which
 * must not.
 */
#include <dlfcn.h>
#include <elf.h>
#include <errno.h>
#include <link.h>
#include <string.h>
#include <unistd.h>

#include "arena.h"
#include "dumpfmt.h"
#include "guard.h"
#include "lock.h"
#include "modmap.h"
#include "shim.h"

struct lk_range {
	uintptr_t lo, hi;
};

static void lk_module_range(const struct dl_phdr_info *info,
			    struct lk_range *r)
{
	const ElfW(Phdr) *ph;
	uintptr_t a, b;
	int i;

	r->lo = UINTPTR_MAX;
	r->hi = 0;
	for (i = 0; i < info->dlpi_phnum; i++) {
		ph = &info->dlpi_phdr[i];
		if (ph->p_type != PT_LOAD)
			continue;
		a = (info->dlpi_addr + ph->p_vaddr) & ~(uintptr_t)4095;
		b = info->dlpi_addr + ph->p_vaddr + ph->p_memsz;
		if (a < r->lo)
			r->lo = a;
		if (b > r->hi)
			r->hi = b;
	}
	if (r->lo > r->hi)
		r->lo = r->hi = 0;
}

/* The module's GNU build-id note, from its PT_NOTE segments in memory. */
static void lk_find_build_id(const struct dl_phdr_info *info,
			     struct lk_module *m)
{
	const ElfW(Phdr) *ph;
	const char *p, *end;
	const ElfW(Nhdr) *nh;
	size_t step;
	int i;

	for (i = 0; i < info->dlpi_phnum; i++) {
		ph = &info->dlpi_phdr[i];
		if (ph->p_type != PT_NOTE)
			continue;
		p = (const char *)(info->dlpi_addr + ph->p_vaddr);
		end = p + ph->p_memsz;
		while (p + sizeof(*nh) <= end) {
			nh = (const ElfW(Nhdr) *)p;
			step = sizeof(*nh) + ((nh->n_namesz + 3) & ~3u) +
			       ((nh->n_descsz + 3) & ~3u);
			if (p + step > end)
				break;
			if (nh->n_type == NT_GNU_BUILD_ID &&
			    nh->n_namesz == 4 &&
			    memcmp(p + sizeof(*nh), "GNU", 4) == 0) {
				m->build_id = (const unsigned char *)p +
					      sizeof(*nh) + 4;
				m->build_id_len = nh->n_descsz;
				return;
			}
			p += step;
		}
	}
}

static int lk_modmap_one(struct dl_phdr_info *info, size_t size, void *arg)
{
	struct lk_modmap *mm = arg;
	struct lk_module *m;
	struct lk_range r;

	(void)size;
	lk_module_range(info, &r);
	if (r.lo == r.hi || mm->n == mm->cap)
		return 0;
	m = &mm->m[mm->n++];
	memset(m, 0, sizeof(*m));
	m->lo = r.lo;
	m->hi = r.hi;
	m->bias = info->dlpi_addr;
	m->path = info->dlpi_name ? info->dlpi_name : "";
	lk_find_build_id(info, m);
	return 0;
}

static int lk_modmap_count(struct dl_phdr_info *info, size_t size, void *arg)
{
	(void)info;
	(void)size;
	(*(size_t *)arg)++;
	return 0;
}

int lk_modmap_collect(struct lk_modmap *mm)
{
	size_t n = 0;

	dl_iterate_phdr(lk_modmap_count, &n);
	mm->cap = n + 16;	/* room for modules loaded meanwhile */
	mm->n = 0;
	mm->m = lk_arena_alloc(mm->cap * sizeof(*mm->m));
	if (!mm->m)
		return -ENOMEM;
	dl_iterate_phdr(lk_modmap_one, mm);
	return 0;
}

void lk_modmap_free(struct lk_modmap *mm)
{
	lk_arena_free(mm->m, mm->cap * sizeof(*mm->m));
	memset(mm, 0, sizeof(*mm));
}

/* --- unloaded modules --- */

/*
 * Modules dlclose unloaded, copied (path and build-id into the arena), so
 * that dumps keep their map entries: blocks they allocated outlive them.
 * At most LK_GONE_MAX, the oldest forgotten first.  lk_gone_lock guards
 * the list.
 */
#define LK_GONE_MAX 1024
static struct lk_lock lk_gone_lock = LK_LOCK_INIT;
static struct lk_module lk_gone[LK_GONE_MAX];
static size_t lk_ngone, lk_gone_next;

static void *lk_copy(const void *p, size_t n)
{
	void *d = lk_arena_alloc(n ? n : 1);

	if (d)
		memcpy(d, p, n);
	return d;
}

static void lk_module_drop_copy(struct lk_module *m)
{
	if (*m->path)
		lk_arena_free((void *)m->path, strlen(m->path) + 1);
	if (m->build_id_len)
		lk_arena_free((void *)m->build_id, m->build_id_len);
}

/* Takes ownership of m's copied path and build-id. */
static void lk_gone_add_locked(const struct lk_module *m)
{
	struct lk_module *slot = &lk_gone[lk_gone_next];

	if (lk_ngone == LK_GONE_MAX)
		lk_module_drop_copy(slot);
	else
		lk_ngone++;
	*slot = *m;
	lk_gone_next = (lk_gone_next + 1) % LK_GONE_MAX;
}

static int lk_module_in(const struct lk_module *m, const struct lk_modmap *mm)
{
	size_t i;

	for (i = 0; i < mm->n; i++)
		if (mm->m[i].lo == m->lo && mm->m[i].bias == m->bias)
			return 1;
	return 0;
}

/*
 * The map with every path and build-id copied: the loader frees a name
 * and unmaps the notes of a module it unloads, and the map taken before
 * dlclose must outlive it.
 */
static int lk_modmap_collect_copy(struct lk_modmap *mm)
{
	struct lk_module *m;
	const void *path, *id;
	size_t i;

	if (lk_modmap_collect(mm))
		return -ENOMEM;
	for (i = 0; i < mm->n; i++) {
		m = &mm->m[i];
		path = m->path;
		id = m->build_id;
		m->path = lk_copy(path, strlen(path) + 1);
		m->build_id = m->build_id_len ?
			      lk_copy(id, m->build_id_len) : NULL;
		if (!m->build_id)
			m->build_id_len = 0;
		if (!m->path)
			m->path = "";
	}
	return 0;
}

/* Remembers the modules of `before` that are gone now, and frees it. */
static void lk_modmap_note_unload(struct lk_modmap *before)
{
	struct lk_modmap after;
	size_t i;

	if (lk_modmap_collect(&after)) {
		after.n = 0;
		after.m = NULL;
		after.cap = 0;
	}
	lk_lock(&lk_gone_lock);
	for (i = 0; i < before->n; i++) {
		if (after.m && !lk_module_in(&before->m[i], &after))
			lk_gone_add_locked(&before->m[i]);
		else
			lk_module_drop_copy(&before->m[i]);
	}
	lk_unlock(&lk_gone_lock);
	if (after.m)
		lk_modmap_free(&after);
	lk_modmap_free(before);
}

LK_EXPORT int dlclose(void *handle);

/*
 * dlclose: blocks a plugin allocated outlive it, and their stacks point
 * into it; the dump keeps the map entries of modules unloaded since the
 * start so that those frames still name their source line.
 */
LK_EXPORT int dlclose(void *handle)
{
	static int (*real)(void *);
	struct lk_modmap before;
	int mine, r, have;

	mine = lk_guard_enter();	/* dlsym and the loader may allocate */
	if (!real)
		real = (int (*)(void *))dlsym(RTLD_NEXT, "dlclose");
	if (!real) {
		if (mine)
			lk_guard_leave();
		return -1;
	}
	have = lk_state == LK_ON && !lk_modmap_collect_copy(&before);
	r = real(handle);
	if (have)
		lk_modmap_note_unload(&before);
	if (mine)
		lk_guard_leave();
	return r;
}

void lk_modmap_lock_all(void)
{
	lk_lock(&lk_gone_lock);
}

void lk_modmap_unlock_all(void)
{
	lk_unlock(&lk_gone_lock);
}

void lk_modmap_reset_child(void)
{
	lk_lock_reset(&lk_gone_lock);
}

static void lk_write_module(struct lk_out *o, const struct lk_module *m,
			    int main_program)
{
	static const char hex[] = "0123456789abcdef";
	char exe[4096];
	ssize_t len;
	size_t k;

	lk_out_char(o, LK_TAG_MODULE);
	lk_out_char(o, ' ');
	lk_out_hex(o, m->lo);
	lk_out_char(o, ' ');
	lk_out_hex(o, m->hi);
	lk_out_char(o, ' ');
	lk_out_hex(o, m->bias);
	lk_out_char(o, ' ');
	for (k = 0; k < m->build_id_len; k++) {
		lk_out_char(o, hex[m->build_id[k] >> 4]);
		lk_out_char(o, hex[m->build_id[k] & 15]);
	}
	if (!m->build_id_len)
		lk_out_char(o, '-');
	lk_out_char(o, ' ');
	if (main_program) {
		/* The main program is reported with an empty name. */
		len = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
		exe[len > 0 ? len : 0] = 0;
		lk_out_field(o, exe);
	} else {
		lk_out_field(o, m->path);
	}
	lk_out_char(o, '\n');
}

unsigned long lk_modmap_write(struct lk_out *o, const struct lk_modmap *mm)
{
	unsigned long n = 0;
	size_t i;

	for (i = 0; i < mm->n; i++, n++)
		lk_write_module(o, &mm->m[i], i == 0 && !*mm->m[i].path);
	/* Unloaded ones last: a reader takes the first module that holds
	 * an address, so a library loaded since at the same place wins. */
	lk_lock(&lk_gone_lock);
	for (i = 0; i < lk_ngone; i++)
		if (!lk_module_in(&lk_gone[i], mm)) {
			lk_write_module(o, &lk_gone[i], 0);
			n++;
		}
	lk_unlock(&lk_gone_lock);
	return n;
}

struct lk_find {
	uintptr_t addr;
	struct lk_range r;
	int found;
};

static int lk_modmap_find(struct dl_phdr_info *info, size_t size, void *arg)
{
	struct lk_find *f = arg;
	struct lk_range r;

	(void)size;
	lk_module_range(info, &r);
	if (f->addr >= r.lo && f->addr < r.hi) {
		f->r = r;
		f->found = 1;
		return 1;
	}
	return 0;
}

int lk_modmap_range(uintptr_t addr, uintptr_t *lo, uintptr_t *hi)
{
	struct lk_find f = { addr, { 0, 0 }, 0 };

	dl_iterate_phdr(lk_modmap_find, &f);
	*lo = f.r.lo;
	*hi = f.r.hi;
	return f.found;
}
