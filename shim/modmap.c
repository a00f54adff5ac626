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
#include <elf.h>
#include <errno.h>
#include <link.h>
#include <string.h>
#include <unistd.h>

#include "arena.h"
#include "dumpfmt.h"
#include "modmap.h"

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

unsigned long lk_modmap_write(struct lk_out *o, const struct lk_modmap *mm)
{
	static const char hex[] = "0123456789abcdef";
	const struct lk_module *m;
	char exe[4096];
	ssize_t len;
	size_t i, k;

	for (i = 0; i < mm->n; i++) {
		m = &mm->m[i];
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
		if (i == 0 && !*m->path) {
			/* The main program is reported with an empty name. */
			len = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
			exe[len > 0 ? len : 0] = 0;
			lk_out_field(o, exe);
		} else {
			lk_out_field(o, m->path);
		}
		lk_out_char(o, '\n');
	}
	return (unsigned long)mm->n;
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
