/* SPDX-License-Identifier: MIT */
/*
 * pq.c - libpq objects: connections (PGconn), results (PGresult) and cancel
 * handles (PGcancel), from creation to destruction, with the stack that
 * made them.
 *
 * How objects are seen:
 *
 *  - Creation, through exported wrappers.  Connections: PQconnectdb,
 *    PQconnectdbParams, PQsetdbLogin, PQconnectStart, PQconnectStartParams.
 *    libpq calls its own exported functions through the PLT, so these are
 *    re-entered from inside libpq (PQconnectdb calls PQconnectStart): a
 *    thread-local depth counts the nesting and only the outermost call
 *    records, with the user's stack.  A program that calls libpq through a
 *    dlsym handle (Python's ctypes) bypasses the outer wrapper but still
 *    reaches the inner one, so its connections are recorded too.  Results:
 *    every PGresult is born in PQmakeEmptyPGresult, which libpq calls
 *    through the PLT, so one wrapper sees them all; the report later
 *    attributes each to the first frame outside libpq.  Cancel handles:
 *    PQgetCancel.
 *  - Identity, when a connect completes (the connect wrappers and
 *    PQconnectPoll, which libpq also calls through the PLT): status,
 *    server pid and "user@host:port/dbname" are copied from libpq's
 *    accessors into the record.  No conninfo string, parameter value or
 *    password is ever read or stored.
 *  - Use: the PQsend* functions (PQexec and friends call them through the
 *    PLT) and result creation stamp the connection's last use.
 *  - Destruction, through free().  The block of every recorded object is
 *    marked in the block table (table.c); PQfinish, PQclear and
 *    PQfreeCancel all end by freeing it, and free() then calls
 *    lk_pq_freed, whoever called them.  This is why PQfinish and PQclear
 *    need no wrapper, and why ctypes clients are tracked exactly.
 *
 * The real functions are found lazily: dlsym(RTLD_NEXT) first; when libpq
 * was loaded RTLD_LOCAL by a dlopen'ed module (psycopg2), RTLD_NEXT finds
 * nothing and the loaded libpq is opened with RTLD_NOLOAD instead, by its
 * soname or by its path from dl_iterate_phdr (bundled copies).  A wrapper
 * whose real function cannot be found fails as libpq would on out of
 * memory; it never calls through NULL.  The shim never links libpq.
 *
 * lk_pq_lock guards the three tables and the counters.  Holding it also
 * keeps every tracked object's memory alive: its free() stops in
 * lk_pq_freed until the lock is released, so the dump can call
 * PQtransactionStatus and PQresultMemorySize on objects other threads own.
 */
#include <dlfcn.h>
#include <errno.h>
#include <link.h>
#include <string.h>

#include "arena.h"
#include "guard.h"
#include "lock.h"
#include "pq.h"
#include "sample.h"
#include "shim.h"
#include "stack.h"
#include "table.h"

#define uthash_malloc(sz)	lk_arena_alloc(sz)
#define uthash_free(p, sz)	lk_arena_free((p), (sz))
#define HASH_NONFATAL_OOM	1
#define uthash_nonfatal_oom(obj)	(lk_pq_oom = 1)
static int lk_pq_oom;		/* set by uthash when an add failed */
#include <uthash.h>

/* libpq's values, declared here so the shim needs no libpq header. */
#define LK_CONNECTION_OK	0
#define LK_CONNECTION_BAD	1
#define LK_POLLING_FAILED	0
#define LK_POLLING_OK		3

struct lk_pq_obj {
	void *ptr;		/* the PGconn, PGresult or PGcancel */
	UT_hash_handle hh;
	struct lk_pq_conn c;	/* connections: everything; others: stack */
	uint32_t birth;		/* lk_now at creation */
};

static struct lk_lock lk_pq_lock = LK_LOCK_INIT;
static struct lk_pq_obj *lk_conns, *lk_results, *lk_cancels;
static struct lk_pq_counts lk_counts;
static unsigned lk_alert_at;	/* open count that raises the next alert */

/* Nesting of connect calls on this thread (libpq calling itself). */
static __thread int lk_pq_depth __attribute__((tls_model("initial-exec")));

/* --- finding libpq --- */

struct lk_pq_find {
	const char *name;
	void *fn;
};

static int lk_pq_find_module(struct dl_phdr_info *info, size_t size,
			     void *arg)
{
	struct lk_pq_find *f = arg;
	const char *base;
	void *h;

	(void)size;
	if (!info->dlpi_name || !*info->dlpi_name)
		return 0;
	base = strrchr(info->dlpi_name, '/');
	base = base ? base + 1 : info->dlpi_name;
	if (strncmp(base, "libpq", 5) != 0)
		return 0;
	h = dlopen(info->dlpi_name, RTLD_LAZY | RTLD_NOLOAD);
	if (!h)
		return 0;
	f->fn = dlsym(h, f->name);
	dlclose(h);
	return f->fn != NULL;
}

/* The real libpq function `name`, or NULL if libpq is not loaded. */
static void *lk_pq_lookup(const char *name)
{
	struct lk_pq_find f = { name, NULL };
	int mine = lk_guard_enter();	/* dlsym may allocate */
	void *h;

	f.fn = dlsym(RTLD_NEXT, name);
	if (!f.fn) {
		h = dlopen("libpq.so.5", RTLD_LAZY | RTLD_NOLOAD);
		if (h) {
			f.fn = dlsym(h, name);
			dlclose(h);
		}
	}
	if (!f.fn)
		dl_iterate_phdr(lk_pq_find_module, &f);
	if (mine)
		lk_guard_leave();
	return f.fn;
}

/* Resolves a cached pointer on first use; false if it stays NULL. */
#define LK_PQ_REAL(var, name) \
	(lk_likely(__atomic_load_n(&(var), __ATOMIC_ACQUIRE) != NULL) || \
	 lk_pq_resolve((void **)&(var), (name)))

static int lk_pq_resolve(void **slot, const char *name)
{
	void *fn = lk_pq_lookup(name);

	if (!fn) {
		lk_warn("cannot find libpq's %s; that call fails", name);
		return 0;
	}
	__atomic_store_n(slot, fn, __ATOMIC_RELEASE);
	return 1;
}

/* libpq accessors the shim reads; NULL until first needed. */
static struct {
	int (*status)(const void *);
	int (*xact)(const void *);
	int (*pid)(const void *);
	char *(*user)(const void *);
	char *(*host)(const void *);
	char *(*port)(const void *);
	char *(*db)(const void *);
	size_t (*result_size)(const void *);
} lk_pq_fn;

/* --- records --- */

static struct lk_pq_obj *lk_pq_new(void *ptr)
{
	struct lk_pq_obj *o = lk_arena_alloc(sizeof(*o));
	uintptr_t pc[LK_STACK_CAPTURE];
	int n;

	if (!o)
		return NULL;
	n = lk_stack_capture(pc);
	o->ptr = ptr;
	o->c.stack = lk_stack_intern(pc, n);
	o->birth = __atomic_load_n(&lk_now, __ATOMIC_RELAXED);
	o->c.opened = o->c.last_use = o->birth;
	return o;
}

/* Adds o to *head, replacing a stale record of the same pointer.
 * Called with lk_pq_lock held; returns 0 if uthash ran out of memory. */
static int lk_pq_add_locked(struct lk_pq_obj **head, struct lk_pq_obj *o)
{
	struct lk_pq_obj *old;

	HASH_FIND_PTR(*head, &o->ptr, old);
	if (old) {
		HASH_DEL(*head, old);
		lk_arena_free(old, sizeof(*old));
	}
	lk_pq_oom = 0;
	HASH_ADD_PTR(*head, ptr, o);
	return !lk_pq_oom;
}

/* Records a new object and marks its block; guard held by the caller. */
static struct lk_pq_obj *lk_pq_record(struct lk_pq_obj **head, void *ptr,
				      uint64_t *counter)
{
	struct lk_pq_obj *o = lk_pq_new(ptr);

	if (!o)
		return NULL;
	lk_table_mark((uintptr_t)ptr);
	lk_lock(&lk_pq_lock);
	if (!lk_pq_add_locked(head, o)) {
		lk_arena_free(o, sizeof(*o));
		o = NULL;
	}
	(*counter)++;
	lk_unlock(&lk_pq_lock);
	return o;
}

static void lk_pq_drop_locked(struct lk_pq_obj **head, struct lk_pq_obj *o)
{
	HASH_DEL(*head, o);
	lk_arena_free(o, sizeof(*o));
}

void lk_pq_freed(void *p)
{
	struct lk_pq_obj *o;

	lk_lock(&lk_pq_lock);
	HASH_FIND_PTR(lk_conns, &p, o);
	if (o) {
		lk_pq_drop_locked(&lk_conns, o);
		lk_counts.finished++;
		goto out;
	}
	HASH_FIND_PTR(lk_results, &p, o);
	if (o) {
		lk_pq_drop_locked(&lk_results, o);
		lk_counts.cleared++;
		goto out;
	}
	HASH_FIND_PTR(lk_cancels, &p, o);
	if (o) {
		lk_pq_drop_locked(&lk_cancels, o);
		lk_counts.cancels_freed++;
	}
out:
	lk_unlock(&lk_pq_lock);
}

/* --- connection identity --- */

static int lk_pq_accessors(void)
{
	return LK_PQ_REAL(lk_pq_fn.status, "PQstatus") &&
	       LK_PQ_REAL(lk_pq_fn.xact, "PQtransactionStatus") &&
	       LK_PQ_REAL(lk_pq_fn.pid, "PQbackendPID") &&
	       LK_PQ_REAL(lk_pq_fn.user, "PQuser") &&
	       LK_PQ_REAL(lk_pq_fn.host, "PQhost") &&
	       LK_PQ_REAL(lk_pq_fn.port, "PQport") &&
	       LK_PQ_REAL(lk_pq_fn.db, "PQdb");
}

static const char *lk_str(const char *s)
{
	return s ? s : "";
}

/* "user@host:port/dbname" from libpq's accessors: values libpq settled
 * on, never the conninfo text (which may hold a password). */
static void lk_pq_target(void *conn, char *dst, size_t size)
{
	lk_format(dst, size, "%s@%s:%s/%s", lk_str(lk_pq_fn.user(conn)),
		  lk_str(lk_pq_fn.host(conn)), lk_str(lk_pq_fn.port(conn)),
		  lk_str(lk_pq_fn.db(conn)));
}

/* A connect finished (well or not): copy what the report needs.  Runs on
 * the thread that owns conn, so libpq's accessors are safe to call. */
static void lk_pq_connected(void *conn)
{
	struct lk_pq_obj *o;
	char target[LK_PQ_TARGET_MAX];
	int status, pid;

	if (!lk_pq_accessors())
		return;
	status = lk_pq_fn.status(conn);
	pid = status == LK_CONNECTION_OK ? lk_pq_fn.pid(conn) : 0;
	lk_pq_target(conn, target, sizeof(target));
	lk_lock(&lk_pq_lock);
	HASH_FIND_PTR(lk_conns, &conn, o);
	if (o) {
		o->c.status = status;
		o->c.pid = pid;
		memcpy(o->c.target, target, sizeof(target));
		if (status == LK_CONNECTION_BAD &&
		    !(o->c.flags & LK_PQ_FAILED)) {
			o->c.flags |= LK_PQ_FAILED;
			lk_counts.failed++;
		}
	}
	lk_unlock(&lk_pq_lock);
}

/* After a connect wrapper's real call: record at the outermost level. */
static void lk_pq_opened(void *conn, int complete)
{
	struct lk_pq_obj *o;
	int e = errno;

	if (!conn || lk_pq_depth || !lk_tracking() || !lk_guard_enter())
		return;
	o = lk_pq_record(&lk_conns, conn, &lk_counts.opened);
	if (o && complete)
		lk_pq_connected(conn);
	lk_guard_leave();
	errno = e;
}

static void lk_pq_used(const void *conn)
{
	struct lk_pq_obj *o;

	if (!conn || lk_state != LK_ON)
		return;
	lk_lock(&lk_pq_lock);
	HASH_FIND_PTR(lk_conns, &conn, o);
	if (o)
		o->c.last_use = __atomic_load_n(&lk_now, __ATOMIC_RELAXED);
	lk_unlock(&lk_pq_lock);
}

/* --- exported wrappers --- */

#define LK_PQ_CONNECT(name, params, args, complete) \
LK_EXPORT void *name params; \
LK_EXPORT void *name params \
{ \
	static void *(*real) params; \
	void *c; \
	if (!LK_PQ_REAL(real, #name)) \
		return NULL; \
	lk_pq_depth++; \
	c = real args; \
	lk_pq_depth--; \
	lk_pq_opened(c, complete); \
	return c; \
}

LK_PQ_CONNECT(PQconnectdb, (const char *ci), (ci), 1)
LK_PQ_CONNECT(PQconnectdbParams,
	      (const char *const *k, const char *const *v, int x),
	      (k, v, x), 1)
LK_PQ_CONNECT(PQsetdbLogin,
	      (const char *h, const char *p, const char *o, const char *t,
	       const char *d, const char *l, const char *w),
	      (h, p, o, t, d, l, w), 1)
LK_PQ_CONNECT(PQconnectStart, (const char *ci), (ci), 0)
LK_PQ_CONNECT(PQconnectStartParams,
	      (const char *const *k, const char *const *v, int x),
	      (k, v, x), 0)

LK_EXPORT int PQconnectPoll(void *conn);
LK_EXPORT void *PQmakeEmptyPGresult(void *conn, int status);
LK_EXPORT void *PQgetCancel(void *conn);

LK_EXPORT int PQconnectPoll(void *conn)
{
	static int (*real)(void *);
	int r, e;

	if (!LK_PQ_REAL(real, "PQconnectPoll"))
		return LK_POLLING_FAILED;
	r = real(conn);
	if ((r == LK_POLLING_OK || r == LK_POLLING_FAILED) && conn &&
	    lk_state == LK_ON && lk_guard_enter()) {
		e = errno;
		lk_pq_connected(conn);
		errno = e;
		lk_guard_leave();
	}
	return r;
}

LK_EXPORT void *PQmakeEmptyPGresult(void *conn, int status)
{
	static void *(*real)(void *, int);
	void *res;
	int e;

	if (!LK_PQ_REAL(real, "PQmakeEmptyPGresult"))
		return NULL;
	res = real(conn, status);
	if (res && lk_tracking() && lk_guard_enter()) {
		e = errno;
		if (lk_pq_record(&lk_results, res, &lk_counts.results))
			lk_pq_used(conn);
		errno = e;
		lk_guard_leave();
	}
	return res;
}

LK_EXPORT void *PQgetCancel(void *conn)
{
	static void *(*real)(void *);
	void *c;
	int e;

	if (!LK_PQ_REAL(real, "PQgetCancel"))
		return NULL;
	c = real(conn);
	if (c && lk_tracking() && lk_guard_enter()) {
		e = errno;
		lk_pq_record(&lk_cancels, c, &lk_counts.cancels);
		errno = e;
		lk_guard_leave();
	}
	return c;
}

/*
 * In sampling mode the blocks of libpq objects are not recorded (only
 * sampled ones are), so their free() tells nothing: the destructors are
 * wrapped instead.  This misses objects destroyed through a dlsym handle
 * (ctypes), which tracking every allocation does not.
 */
#define LK_PQ_DESTROY(name) \
LK_EXPORT void name(void *obj); \
LK_EXPORT void name(void *obj) \
{ \
	static void (*real)(void *); \
	if (!LK_PQ_REAL(real, #name)) \
		return; \
	if (obj && lk_sampling && lk_guard_enter()) { \
		lk_pq_freed(obj); \
		lk_guard_leave(); \
	} \
	real(obj); \
}

LK_PQ_DESTROY(PQfinish)
LK_PQ_DESTROY(PQclear)
LK_PQ_DESTROY(PQfreeCancel)

/* Query senders: PQexec, PQexecParams, PQprepare and PQexecPrepared reach
 * these through the PLT, so they mark every query's connection as used. */
#define LK_PQ_SEND(name, params, args) \
LK_EXPORT int name params; \
LK_EXPORT int name params \
{ \
	static int (*real) params; \
	if (!LK_PQ_REAL(real, #name)) \
		return 0; \
	lk_pq_used(conn); \
	return real args; \
}

LK_PQ_SEND(PQsendQuery, (void *conn, const char *q), (conn, q))
LK_PQ_SEND(PQsendQueryParams,
	   (void *conn, const char *q, int n, const unsigned *t,
	    const char *const *v, const int *l, const int *f, int r),
	   (conn, q, n, t, v, l, f, r))
LK_PQ_SEND(PQsendPrepare,
	   (void *conn, const char *s, const char *q, int n,
	    const unsigned *t),
	   (conn, s, q, n, t))
LK_PQ_SEND(PQsendQueryPrepared,
	   (void *conn, const char *s, int n, const char *const *v,
	    const int *l, const int *f, int r),
	   (conn, s, n, v, l, f, r))
LK_PQ_SEND(PQsendDescribePrepared, (void *conn, const char *s), (conn, s))
LK_PQ_SEND(PQsendDescribePortal, (void *conn, const char *s), (conn, s))

/* --- dumps --- */

static void lk_pq_group_add(struct lk_pq_group *g, const struct lk_pq_obj *o,
			    uint64_t bytes)
{
	if (!g->count || o->birth < g->oldest)
		g->oldest = o->birth;
	g->count++;
	g->bytes += bytes;
}

/* Copies the open connections, reading their state now (lock held). */
static int lk_pq_collect_conns_locked(struct lk_pq_snapshot *s, int live)
{
	struct lk_pq_obj *o, *tmp;
	uint64_t n = HASH_COUNT(lk_conns), i = 0;

	s->conn = n ? lk_arena_alloc(n * sizeof(*s->conn)) : NULL;
	if (n && !s->conn)
		return -ENOMEM;
	HASH_ITER(hh, lk_conns, o, tmp) {
		if (o->c.stack >= s->nstacks)
			continue;	/* opened after the dump began */
		s->conn[i] = o->c;
		if (live) {
			s->conn[i].status = lk_pq_fn.status(o->ptr);
			s->conn[i].xact = lk_pq_fn.xact(o->ptr);
		}
		i++;
	}
	s->nconn = i;
	return 0;
}

void lk_pq_prepare(void)
{
	if (lk_conns || lk_results || lk_cancels) {
		if (lk_pq_accessors())
			(void)LK_PQ_REAL(lk_pq_fn.result_size,
					 "PQresultMemorySize");
	}
}

int lk_pq_collect(struct lk_pq_snapshot *s, uint32_t nstacks)
{
	size_t size = (size_t)nstacks * sizeof(struct lk_pq_group);
	struct lk_pq_obj *o, *tmp;
	int live, sized, r;

	memset(s, 0, sizeof(*s));
	s->nstacks = nstacks;
	if (!lk_conns && !lk_results && !lk_cancels)
		return 0;	/* nothing: no need for libpq at all */
	live = lk_pq_accessors();
	/* PQresultMemorySize came with PostgreSQL 12's libpq. */
	sized = LK_PQ_REAL(lk_pq_fn.result_size, "PQresultMemorySize");
	s->results = lk_arena_alloc(size);
	s->cancels = lk_arena_alloc(size);
	if (!s->results || !s->cancels) {
		lk_pq_release(s);
		return -ENOMEM;
	}
	lk_lock(&lk_pq_lock);
	r = lk_pq_collect_conns_locked(s, live);
	HASH_ITER(hh, lk_results, o, tmp)
		if (o->c.stack < nstacks)
			lk_pq_group_add(&s->results[o->c.stack], o, sized ?
					lk_pq_fn.result_size(o->ptr) : 0);
	HASH_ITER(hh, lk_cancels, o, tmp)
		if (o->c.stack < nstacks)
			lk_pq_group_add(&s->cancels[o->c.stack], o, 0);
	lk_unlock(&lk_pq_lock);
	if (r)
		lk_pq_release(s);
	return r;
}

void lk_pq_release(struct lk_pq_snapshot *s)
{
	size_t size = (size_t)s->nstacks * sizeof(struct lk_pq_group);

	lk_arena_free(s->conn, s->nconn * sizeof(*s->conn));
	lk_arena_free(s->results, size);
	lk_arena_free(s->cancels, size);
	memset(s, 0, sizeof(*s));
}

void lk_pq_gauges(struct lk_pq_gauges *g)
{
	uint32_t now = __atomic_load_n(&lk_now, __ATOMIC_RELAXED);
	struct lk_pq_obj *o, *tmp;
	int live, xact;

	memset(g, 0, sizeof(*g));
	if (!lk_conns && !lk_results && !lk_cancels)
		return;
	live = lk_pq_accessors();
	lk_lock(&lk_pq_lock);
	HASH_ITER(hh, lk_conns, o, tmp) {
		if (o->c.flags & LK_PQ_FAILED) {
			g->failed++;
			continue;
		}
		g->open++;
		xact = live ? lk_pq_fn.xact(o->ptr) : -1;
		if (xact == 2 || xact == 3)	/* INTRANS, INERROR */
			g->intrans++;
		else if (xact == 0 && now - o->c.last_use >= lk_cfg.conn_idle)
			g->idle++;
	}
	g->results = HASH_COUNT(lk_results);
	g->cancels = HASH_COUNT(lk_cancels);
	lk_unlock(&lk_pq_lock);
}

void lk_pq_counts(struct lk_pq_counts *c)
{
	lk_lock(&lk_pq_lock);
	*c = lk_counts;
	lk_unlock(&lk_pq_lock);
}

/* --- the conn_max alert --- */

#define LK_TALLY 64	/* distinct opening sites counted for the alert */

struct lk_site_count {
	uint32_t stack;
	unsigned count;
};

/* The first frame of a stack that is the program's, not libpq's or the
 * C library's, as "function+0xoff (module)" from the dynamic symbols. */
static void lk_pq_site_name(uint32_t stack, char *dst, size_t size)
{
	const struct lk_stack *s = lk_stack_get(stack);
	const char *base;
	Dl_info info;
	uint32_t i;

	lk_format(dst, size, "an unknown place");
	for (i = 0; s && i < s->n; i++) {
		if (!dladdr((void *)(s->pc[i] - 1), &info) || !info.dli_fname)
			continue;
		base = strrchr(info.dli_fname, '/');
		base = base ? base + 1 : info.dli_fname;
		if (!strncmp(base, "libpq", 5) || !strncmp(base, "libc.", 5))
			continue;
		if (info.dli_sname)
			lk_format(dst, size, "%s+0x%lx (%s)", info.dli_sname,
				  (unsigned long)(s->pc[i] -
						  (uintptr_t)info.dli_saddr),
				  base);
		else
			lk_format(dst, size, "%s+0x%lx", base, (unsigned long)
				  (s->pc[i] - (uintptr_t)info.dli_fbase));
		return;
	}
}

/* Counts open connections per opening stack (lock held) into t, which
 * holds up to LK_TALLY sites, largest first on return; returns the total
 * and the number of sites in *nsites. */
static unsigned lk_pq_tally_locked(struct lk_site_count *t, int *nsites)
{
	struct lk_pq_obj *o, *tmp;
	struct lk_site_count c;
	unsigned total = 0;
	int n = 0, k, j;

	HASH_ITER(hh, lk_conns, o, tmp) {
		if (o->c.flags & LK_PQ_FAILED)
			continue;
		total++;
		for (k = 0; k < n && t[k].stack != o->c.stack; k++)
			;
		if (k == n && n < LK_TALLY)
			t[n++] = (struct lk_site_count){ o->c.stack, 0 };
		if (k < n)
			t[k].count++;
	}
	for (k = 1; k < n; k++)		/* insertion sort, by count */
		for (j = k; j > 0 && t[j].count > t[j - 1].count; j--) {
			c = t[j];
			t[j] = t[j - 1];
			t[j - 1] = c;
		}
	*nsites = n;
	return total;
}

void lk_pq_tick(void)
{
	struct lk_site_count t[LK_TALLY];
	char sites[600], name[160];
	size_t len = 0;
	unsigned open;
	int n, k;

	if (!lk_cfg.conn_max || !lk_conns)
		return;
	if (!lk_alert_at)
		lk_alert_at = lk_cfg.conn_max;
	lk_lock(&lk_pq_lock);
	open = lk_pq_tally_locked(t, &n);
	lk_unlock(&lk_pq_lock);
	if (open <= lk_alert_at)
		return;
	sites[0] = 0;
	for (k = 0; k < n && k < 3 && len < sizeof(sites); k++) {
		lk_pq_site_name(t[k].stack, name, sizeof(name));
		len += lk_format(sites + len, sizeof(sites) - len, "%s%u at %s",
				 k ? ", " : "", t[k].count, name);
	}
	lk_alert("%u libpq connections open, over conn_max=%u: %s; a dump "
		 "(signal or exit) gives their source lines", open,
		 lk_cfg.conn_max, sites);
	while (lk_alert_at < open)
		lk_alert_at *= 2;
}

/* --- fork --- */

void lk_pq_lock_all(void)
{
	lk_lock(&lk_pq_lock);
}

void lk_pq_unlock_all(void)
{
	lk_unlock(&lk_pq_lock);
}

void lk_pq_reset_child(void)
{
	lk_lock_reset(&lk_pq_lock);
}
