/* SPDX-License-Identifier: MIT */
/*
 * scan.c - leak classification by a conservative pointer scan, as
 * LeakSanitizer and valgrind's memcheck do it, inside the process.
 *
 * The snapshot is every live block, sorted by address, so that "does this
 * word point into a block" is a binary search.  Interior pointers count.
 *
 * Roots are read from /proc/self/maps: every readable, writable, private
 * mapping, which covers the modules' .data and .bss, every thread's stack
 * together with its static TLS and thread control block (glibc puts them
 * at the top of the thread's stack mapping; the main thread's sit in a
 * mapping of the loader's), and the memory a program maps for itself
 * (Python's arenas, pools, JIT areas).  Left out, or cut out:
 *
 *  - malloc's own arenas ([heap], and glibc's thread heaps, recognized by
 *    their 64 MiB alignment and heap_info header): what lies between live
 *    blocks there is free chunks and stale data, which would hide leaks;
 *  - the live blocks themselves, wherever they lie (a large block is a
 *    mapping of its own): a block is scanned only once it is reached;
 *  - the shim's arena, whose tables name every block;
 *  - the stacks of exited threads, and the shim's control thread
 *    (threads.c);
 *  - the dumping thread's frames below the point where it started the
 *    dump, whose locals are the scan's own (at exit; in a live dump the
 *    dumping thread is the shim's control thread, left out whole).
 *
 * Marking floods from the roots through reached blocks with an explicit
 * stack.  Then, in address order, each block still unreached becomes a
 * direct leak and everything it reaches that is unreached becomes an
 * indirect leak; a former direct leak reached this way becomes indirect
 * too.  That is valgrind's rule for "definitely" and "indirectly lost", so
 * the two tools agree, cycles included.  Cost: one pass over live memory
 * and the roots, and a binary search per word that looks like a heap
 * pointer.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include "arena.h"
#include "dumpfmt.h"
#include "scan.h"
#include "table.h"
#include "threads.h"

#define LK_HEAP_MAX	((uintptr_t)64 << 20)	/* glibc's HEAP_MAX_SIZE */
#define LK_RADIX_BITS	15
#define LK_RADIX	(1u << LK_RADIX_BITS)

/* --- the snapshot --- */

struct lk_fill {
	struct lk_snap *s;
};

static void lk_snap_add(const struct lk_block *b, void *arg)
{
	struct lk_snap *s = ((struct lk_fill *)arg)->s;
	struct lk_sblock *d;

	if (s->n == s->cap)
		return;		/* cannot happen: counted under the locks */
	d = &s->b[s->n++];
	d->addr = b->addr;
	d->size = b->size;
	d->stack = b->stack;
	d->birth = b->birth;
}

void lk_scan_sort(struct lk_sblock *b, struct lk_sblock *tmp, size_t n)
{
	static uint32_t count[LK_RADIX];	/* callers are serialized */
	struct lk_sblock *src = b, *dst = tmp, *t;
	uint32_t sum, c;
	size_t i;
	int pass, shift;

	for (pass = 0; pass < 3; pass++) {
		shift = 3 + pass * LK_RADIX_BITS;	/* addresses are 8-aligned */
		memset(count, 0, sizeof(count));
		for (i = 0; i < n; i++)
			count[(src[i].addr >> shift) & (LK_RADIX - 1)]++;
		for (sum = 0, i = 0; i < LK_RADIX; i++) {
			c = count[i];
			count[i] = sum;
			sum += c;
		}
		for (i = 0; i < n; i++)
			dst[count[(src[i].addr >> shift) & (LK_RADIX - 1)]++] =
				src[i];
		t = src;
		src = dst;
		dst = t;
	}
	if (src != b)		/* an odd number of passes ends in tmp */
		memcpy(b, src, n * sizeof(*b));
}

static uint64_t lk_usec(void);

uintptr_t lk_libc_lo, lk_libc_hi;
int lk_foreign_malloc;

int lk_snap_take_locked(struct lk_snap *s)
{
	struct lk_fill f = { s };
	struct lk_sblock *tmp;
	size_t cap = lk_table_live_locked();
	uint64_t t0 = lk_usec();

	memset(s, 0, sizeof(*s));
	s->cap = cap ? cap : 1;
	s->b = lk_arena_alloc(s->cap * sizeof(*s->b));
	s->cls = lk_arena_alloc(s->cap);
	tmp = lk_arena_alloc(s->cap * sizeof(*tmp));
	if (!s->b || !s->cls || !tmp) {
		lk_arena_free(tmp, s->cap * sizeof(*tmp));
		lk_snap_free(s);
		return -ENOMEM;
	}
	lk_table_foreach_locked(lk_snap_add, &f);
	lk_scan_sort(s->b, tmp, s->n);
	lk_arena_free(tmp, s->cap * sizeof(*tmp));
	memset(s->cls, LK_CLASS_LIVE, s->n);
	s->usec = lk_usec() - t0;
	return 0;
}

void lk_snap_free(struct lk_snap *s)
{
	lk_arena_free(s->b, s->cap * sizeof(*s->b));
	lk_arena_free(s->cls, s->cap);
	memset(s, 0, sizeof(*s));
}

/* --- finding blocks --- */

/* Readable mappings, sorted, to check a block before reading it. */
struct lk_readable {
	struct lk_arena_range *r;
	size_t n, cap;
};

/* The scan's working state. */
struct lk_scan {
	struct lk_snap *s;
	uintptr_t lo, hi;	/* smallest address, one past the largest end */
	uint32_t *stack;	/* block indices waiting to be scanned */
	size_t depth;
	char mark;		/* class given to blocks reached now */
	size_t leader;		/* the direct leak being flooded from */
	char *buf;		/* process_vm_readv bounce buffer */
	int exact;		/* roots now read count block starts only */
	struct lk_readable rd;
	struct lk_scan_stats *st;
};

/* Index of the block that contains v, or -1. */
static ptrdiff_t lk_find(const struct lk_scan *sc, uintptr_t v)
{
	const struct lk_sblock *b = sc->s->b;
	size_t lo = 0, hi = sc->s->n, mid;

	if (v < sc->lo || v >= sc->hi)
		return -1;
	while (hi - lo > 1) {		/* last block with addr <= v */
		mid = (lo + hi) / 2;
		if (b[mid].addr <= v)
			lo = mid;
		else
			hi = mid;
	}
	if (b[lo].addr > v)
		return -1;
	if (v - b[lo].addr < (b[lo].size ? b[lo].size : 1))
		return (ptrdiff_t)lo;
	return -1;
}

/* A word that may be a pointer: queue the block it reaches, if new. */
static inline void lk_consider(struct lk_scan *sc, uintptr_t v, size_t self)
{
	ptrdiff_t k = lk_find(sc, v);
	char *c;

	if (k < 0 || (size_t)k == self ||
	    (sc->exact && sc->s->b[k].addr != v))
		return;
	c = &sc->s->cls[k];
	if (*c == LK_CLASS_LIVE) {
		*c = sc->mark;
		sc->stack[sc->depth++] = (uint32_t)k;
	} else if (*c == LK_CLASS_DIRECT && sc->mark == LK_CLASS_INDIRECT &&
		   (size_t)k != sc->leader) {
		*c = LK_CLASS_INDIRECT;	/* reached from another leak */
	}
}

static void lk_scan_words(struct lk_scan *sc, const char *p, size_t n,
			  size_t self)
{
	const char *end = p + (n & ~(size_t)7);
	uintptr_t v;

	for (; p < end; p += 8) {
		memcpy(&v, p, sizeof(v));
		if (v >= sc->lo && v < sc->hi)
			lk_consider(sc, v, self);
	}
}

/*
 * True if [addr, addr+size) lies in one readable mapping.  A record whose
 * block was freed behind the shim's back (__libc_free) may point at memory
 * that is gone: such a block is not read.
 */
static int lk_readable(const struct lk_readable *rd, uintptr_t addr,
		       uint64_t size)
{
	size_t lo = 0, hi = rd->n, mid;

	while (lo < hi) {
		mid = (lo + hi) / 2;
		if (rd->r[mid].hi <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < rd->n && rd->r[lo].lo <= addr &&
	       addr + size <= rd->r[lo].hi;
}

/* Scans what the queued blocks point to, until none is left. */
static void lk_flood(struct lk_scan *sc)
{
	const struct lk_sblock *b;
	uint32_t k;

	while (sc->depth) {
		k = sc->stack[--sc->depth];
		b = &sc->s->b[k];
		if (!lk_readable(&sc->rd, b->addr, b->size))
			continue;
		sc->st->heap_bytes += b->size;
		lk_scan_words(sc, (const char *)b->addr, b->size, k);
	}
}

/* --- roots --- */

/* Reads [lo, hi) of this process through process_vm_readv, so that a
 * mapping another thread unmaps meanwhile is skipped, not a crash. */
static void lk_scan_root(struct lk_scan *sc, uintptr_t lo, uintptr_t hi)
{
	const size_t chunk = 1 << 16;
	struct iovec local, remote;
	size_t n;
	ssize_t got;

	lo = (lo + 7) & ~(uintptr_t)7;
	if (lo >= hi)
		return;
	sc->st->roots++;
	while (lo < hi) {
		n = hi - lo < chunk ? hi - lo : chunk;
		local.iov_base = sc->buf;
		local.iov_len = n;
		remote.iov_base = (void *)lo;
		remote.iov_len = n;
		got = process_vm_readv(getpid(), &local, 1, &remote, 1, 0);
		if (got <= 0) {
			/* Unreadable here: skip to the next page. */
			lo = (lo + 4096) & ~(uintptr_t)4095;
			continue;
		}
		sc->st->root_bytes += (uint64_t)got;
		lk_scan_words(sc, sc->buf, (size_t)got, (size_t)-1);
		lk_flood(sc);
		lo += (uintptr_t)got;
	}
}

/* Scans [lo, hi) minus the live blocks in it: a mapping may hold the
 * program's data and, merged with it by the kernel, large blocks. */
static void lk_scan_around_blocks(struct lk_scan *sc, uintptr_t lo,
				  uintptr_t hi)
{
	const struct lk_sblock *b = sc->s->b;
	size_t n = sc->s->n, i, l = 0, h = n;

	while (l < h) {			/* first block ending after lo */
		i = (l + h) / 2;
		if (b[i].addr + b[i].size <= lo)
			l = i + 1;
		else
			h = i;
	}
	for (i = l; i < n && b[i].addr < hi && lo < hi; i++) {
		if (b[i].addr > lo)
			lk_scan_root(sc, lo, b[i].addr);
		if (b[i].addr + b[i].size > lo)
			lo = b[i].addr + b[i].size;
	}
	if (lo < hi)
		lk_scan_root(sc, lo, hi);
}

struct lk_cut {
	struct lk_arena_range *r;	/* the shim's mappings */
	size_t n, cap;
};

/* Scans [lo, hi) minus the shim's own mappings. */
static void lk_scan_range(struct lk_scan *sc, const struct lk_cut *cut,
			  uintptr_t lo, uintptr_t hi)
{
	size_t i;

	for (i = 0; i < cut->n && lo < hi; i++) {
		if (cut->r[i].hi <= lo || cut->r[i].lo >= hi)
			continue;
		if (cut->r[i].lo > lo)
			lk_scan_range(sc, cut, lo, cut->r[i].lo);
		lo = cut->r[i].hi;
	}
	if (lo < hi)
		lk_scan_around_blocks(sc, lo, hi);
}

/* glibc's heap_info, at the start of each heap of a non-main arena. */
static int lk_is_glibc_heap(uintptr_t lo, uintptr_t hi)
{
	const uintptr_t *h = (const uintptr_t *)lo;

	if (lo & (LK_HEAP_MAX - 1))
		return 0;
	/* ar_ptr just past the header (first heap) or a link to the
	 * previous heap; size or mprotect_size is what is mapped rw. */
	return ((h[0] > lo && h[0] < lo + 256 && h[1] == 0) ||
		(h[1] && !(h[1] & (LK_HEAP_MAX - 1)))) &&
	       (h[2] == hi - lo || h[3] == hi - lo);
}

static uintptr_t lk_hex(const char **p)
{
	uintptr_t v = 0;
	char c;

	for (;; (*p)++) {
		c = **p;
		if (c >= '0' && c <= '9')
			v = v * 16 + (uintptr_t)(c - '0');
		else if (c >= 'a' && c <= 'f')
			v = v * 16 + (uintptr_t)(c - 'a' + 10);
		else
			return v;
	}
}

/* Mappings the scan must not read even if they say rw: device memory. */
static int path_is_special(const char *perm)
{
	const char *path = strchr(perm, '/');

	return path && strncmp(path, "/dev/", 5) == 0 &&
	       strncmp(path, "/dev/zero", 9) != 0;
}

/* One line of /proc/self/maps: scans it if it is a root. */
static void lk_scan_map_line(struct lk_scan *sc, const struct lk_cut *cut,
			     const struct lk_scan_self *self, const char *p)
{
	uintptr_t lo, hi, top;
	const char *perm, *path;
	enum lk_stack_kind kind;

	lo = lk_hex(&p);
	if (*p++ != '-')
		return;
	hi = lk_hex(&p);
	perm = ++p;
	if (perm[0] != 'r' || perm[1] != 'w' || perm[3] != 'p')
		return;
	if (path_is_special(perm))
		return;
	path = strchr(perm, '/');
	if (!path)
		path = strchr(perm, '[');
	if (path && strncmp(path, "[heap]", 6) == 0)
		return;
	if (!path && lk_is_glibc_heap(lo, hi))
		return;
	kind = lk_threads_kind(lo, hi, &top);
	if (kind == LK_STACK_OURS)
		return;
	if (kind == LK_STACK_DEAD)
		lo = top & ~(uintptr_t)7;	/* not its dead frames */
	if (self->sp >= lo && self->sp < hi)
		lo = self->sp & ~(uintptr_t)7;	/* not the scan's frames */
	/*
	 * glibc's main arena, in libc's data, points at the header of the
	 * top chunk and of free chunks, which lies in the last 8 bytes of
	 * the block before: an interior pointer that would keep half of all
	 * leaks reachable.  libc holds real references to the program's
	 * blocks only by their start (a stdio buffer, environ).
	 */
	sc->exact = lo < lk_libc_hi && hi > lk_libc_lo;
	lk_scan_range(sc, cut, lo, hi);
	sc->exact = 0;
}

/* Reads /proc/self/maps whole into an arena buffer; size in *len. */
static char *lk_read_maps(size_t *len, size_t *cap)
{
	char *buf = NULL, *bigger;
	size_t size = 1 << 18, n = 0;
	ssize_t r;
	int fd = open("/proc/self/maps", O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return NULL;
	buf = lk_arena_alloc(size);
	while (buf) {
		r = read(fd, buf + n, size - n - 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		n += (size_t)r;
		if (n + 1 == size) {
			bigger = lk_arena_alloc(size * 2);
			if (bigger)
				memcpy(bigger, buf, n);
			lk_arena_free(buf, size);
			buf = bigger;
			size *= 2;
		}
	}
	close(fd);
	if (buf)
		buf[n] = 0;
	*len = n;
	*cap = size;
	return buf;
}

/* The readable mappings of the maps text, in address order. */
static void lk_collect_readable(struct lk_readable *rd, const char *maps)
{
	const char *p, *nl;
	size_t n = 1;
	uintptr_t lo, hi;

	for (p = maps; p && (p = strchr(p, '\n')); p++)
		n++;
	rd->cap = n;
	rd->r = lk_arena_alloc(n * sizeof(*rd->r));
	rd->n = 0;
	for (p = maps; rd->r && p && *p; p = nl + 1) {
		nl = strchr(p, '\n');
		if (!nl)
			break;
		lo = lk_hex(&p);
		if (*p++ != '-')
			continue;
		hi = lk_hex(&p);
		if (p[1] == 'r' && rd->n < rd->cap) {
			rd->r[rd->n].lo = lo;
			rd->r[rd->n].hi = hi;
			rd->n++;
		}
	}
}

static void lk_scan_roots(struct lk_scan *sc, const struct lk_cut *cut,
			  const struct lk_scan_self *self, char *maps)
{
	char *line, *nl;

	for (line = maps; line && *line; line = nl + 1) {
		nl = strchr(line, '\n');
		if (!nl)
			break;
		*nl = 0;
		lk_scan_map_line(sc, cut, self, line);
	}
}

/* --- classification --- */

static uint64_t lk_usec(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}

/* Every block not reached from the roots is a leak; see the header. */
static void lk_scan_leaks(struct lk_scan *sc)
{
	size_t i;

	sc->mark = LK_CLASS_INDIRECT;
	for (i = 0; i < sc->s->n; i++) {
		if (sc->s->cls[i] != LK_CLASS_LIVE)
			continue;
		sc->s->cls[i] = LK_CLASS_DIRECT;
		sc->leader = i;
		sc->stack[sc->depth++] = (uint32_t)i;
		lk_flood(sc);
	}
}

static int lk_cut_take(struct lk_cut *cut)
{
	size_t n = lk_arena_ranges(NULL, 0) + 64;

	/* Allocating the copy may add a mapping: ask again if it did.
	 * Mappings the scan makes after this are its own temporaries, read
	 * by nothing but the scan: they hold addresses of blocks, though, so
	 * none of them may be a root; the bounce buffer and the stack are
	 * allocated before, and the maps text is read after, this copy. */
	for (;;) {
		cut->cap = n;
		cut->r = lk_arena_alloc(n * sizeof(*cut->r));
		if (!cut->r)
			return -ENOMEM;
		cut->n = lk_arena_ranges(cut->r, n);
		if (cut->n <= n)
			return 0;
		lk_arena_free(cut->r, n * sizeof(*cut->r));
		n = cut->n + 64;
	}
}

int lk_scan_classify(struct lk_snap *s, const struct lk_scan_self *self,
		     struct lk_scan_stats *st)
{
	struct lk_scan sc = { .s = s, .st = st, .mark = LK_CLASS_REACHABLE };
	struct lk_cut cut = { NULL, 0, 0 };
	uint64_t t0 = lk_usec();
	size_t n = s->n ? s->n : 1, len = 0, cap = 0;
	char *maps;
	int r = -ENOMEM;

	memset(st, 0, sizeof(*st));
	if (lk_foreign_malloc)
		return -EOPNOTSUPP;
	/* Everything the scan allocates comes before the copy of the
	 * arena's mappings, so none of it is taken for a root. */
	sc.stack = lk_arena_alloc(n * sizeof(*sc.stack));
	sc.buf = lk_arena_alloc(1 << 16);
	maps = lk_read_maps(&len, &cap);
	if (maps)
		lk_collect_readable(&sc.rd, maps);
	if (sc.stack && sc.buf && maps && sc.rd.r && !lk_cut_take(&cut)) {
		if (s->n) {
			sc.lo = s->b[0].addr;
			sc.hi = s->b[s->n - 1].addr + s->b[s->n - 1].size + 1;
		}
		lk_scan_roots(&sc, &cut, self, maps);
		lk_scan_leaks(&sc);
		r = 0;
	}
	lk_arena_free(cut.r, cut.cap * sizeof(*cut.r));
	lk_arena_free(sc.rd.r, sc.rd.cap * sizeof(*sc.rd.r));
	lk_arena_free(maps, cap);
	lk_arena_free(sc.stack, n * sizeof(*sc.stack));
	lk_arena_free(sc.buf, 1 << 16);
	st->usec = lk_usec() - t0;
	return r;
}
