/* SPDX-License-Identifier: MIT */
/*
 * modmap.c - which file every return address belongs to.
 *
 * The shim never symbolizes; it records, for each loaded module, the range
 * it occupies, its load bias and its GNU build-id, so that leakreport can
 * map a raw address to a file offset under ASLR and check that the file it
 * reads is the one that was loaded (dumpfmt.h, record `m`).  Everything
 * comes from dl_iterate_phdr and the module's own program headers in
 * memory; nothing here allocates.
 */
#include <elf.h>
#include <link.h>
#include <string.h>
#include <unistd.h>

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

/* Writes the build-id of the module as hex, or "-" if it has none. */
static void lk_out_build_id(struct lk_out *o, const struct dl_phdr_info *info)
{
	static const char hex[] = "0123456789abcdef";
	const ElfW(Phdr) *ph;
	const char *p, *end;
	const ElfW(Nhdr) *nh;
	size_t step;
	int i;
	ElfW(Word) k;

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
				p += sizeof(*nh) + 4;
				for (k = 0; k < nh->n_descsz; k++) {
					lk_out_char(o, hex[(unsigned char)p[k] >> 4]);
					lk_out_char(o, hex[(unsigned char)p[k] & 15]);
				}
				return;
			}
			p += step;
		}
	}
	lk_out_char(o, '-');
}

struct lk_modmap_walk {
	struct lk_out *o;
	unsigned long count;
	int first;
};

static int lk_modmap_one(struct dl_phdr_info *info, size_t size, void *arg)
{
	struct lk_modmap_walk *w = arg;
	struct lk_range r;
	char exe[4096];
	const char *path = info->dlpi_name;
	ssize_t n;

	(void)size;
	lk_module_range(info, &r);
	if (r.lo == r.hi)
		return 0;
	if (w->first && (!path || !*path)) {
		/* The main program is reported with an empty name. */
		n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
		exe[n > 0 ? n : 0] = 0;
		path = exe;
	}
	w->first = 0;
	lk_out_char(w->o, LK_TAG_MODULE);
	lk_out_char(w->o, ' ');
	lk_out_hex(w->o, r.lo);
	lk_out_char(w->o, ' ');
	lk_out_hex(w->o, r.hi);
	lk_out_char(w->o, ' ');
	lk_out_hex(w->o, info->dlpi_addr);
	lk_out_char(w->o, ' ');
	lk_out_build_id(w->o, info);
	lk_out_char(w->o, ' ');
	lk_out_field(w->o, path ? path : "");
	lk_out_char(w->o, '\n');
	w->count++;
	return 0;
}

unsigned long lk_modmap_write(struct lk_out *o)
{
	struct lk_modmap_walk w = { o, 0, 1 };

	dl_iterate_phdr(lk_modmap_one, &w);
	return w.count;
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
