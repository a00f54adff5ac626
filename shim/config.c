/* SPDX-License-Identifier: MIT */
/*
 * config.c - LEAKSHIM_OPTIONS: "key=value" pairs separated by ':', as the
 * sanitizers do.  Parsing is strict: an unknown key or a bad value is an
 * error, and the caller then leaves the host untouched (DESIGN.md).
 * Everything here works on caller-provided buffers; it runs before the
 * shim's arena exists and must not allocate.
 */
#include <errno.h>
#include <signal.h>
#include <string.h>

#include "config.h"
#include "out.h"

void lk_config_defaults(struct lk_config *c)
{
	memset(c, 0, sizeof(*c));
	strcpy(c->path, LK_DEFAULT_PATH);
	c->signal = SIGRTMIN + 3;
	c->depth = LK_DEFAULT_DEPTH;
	c->conn_idle = 300;
	c->summary = 1;
}

/* --- values --- */

static int lk_parse_u64(const char *s, size_t n, uint64_t max, uint64_t *out)
{
	uint64_t v = 0;
	size_t i;

	if (n == 0 || n > 20)
		return -1;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		if (v > (UINT64_MAX - 9) / 10)
			return -1;
		v = v * 10 + (uint64_t)(s[i] - '0');
	}
	if (v > max)
		return -1;
	*out = v;
	return 0;
}

static const struct {
	const char *name;
	int num;
} lk_signames[] = {
	{ "HUP", SIGHUP }, { "INT", SIGINT }, { "QUIT", SIGQUIT },
	{ "TRAP", SIGTRAP }, { "ABRT", SIGABRT }, { "USR1", SIGUSR1 },
	{ "USR2", SIGUSR2 }, { "PIPE", SIGPIPE }, { "ALRM", SIGALRM },
	{ "TERM", SIGTERM }, { "CHLD", SIGCHLD }, { "CONT", SIGCONT },
	{ "TSTP", SIGTSTP }, { "TTIN", SIGTTIN }, { "TTOU", SIGTTOU },
	{ "URG", SIGURG }, { "XCPU", SIGXCPU }, { "XFSZ", SIGXFSZ },
	{ "VTALRM", SIGVTALRM }, { "PROF", SIGPROF }, { "WINCH", SIGWINCH },
	{ "IO", SIGIO }, { "PWR", SIGPWR }, { "SYS", SIGSYS },
};

/*
 * Signals the shim must not take over: uncatchable, raised by faults, or
 * kept by glibc for its threads (the kernel's real-time signals below
 * SIGRTMIN, 32 and 33, which sigaction refuses).
 */
static int lk_signal_allowed(int sig)
{
	return sig != SIGKILL && sig != SIGSTOP && sig != SIGSEGV &&
	       sig != SIGBUS && sig != SIGILL && sig != SIGFPE &&
	       (sig < __SIGRTMIN || sig >= SIGRTMIN) && sig <= SIGRTMAX;
}

static int lk_signal_rt(const char *s, size_t n)
{
	uint64_t off = 0;
	int base;

	if (n >= 5 && memcmp(s, "RTMIN", 5) == 0)
		base = SIGRTMIN;
	else if (n >= 5 && memcmp(s, "RTMAX", 5) == 0)
		base = SIGRTMAX;
	else
		return -1;
	if (n > 5) {
		if (n < 7 || (s[5] != '+' && s[5] != '-') ||
		    lk_parse_u64(s + 6, n - 6, 64, &off))
			return -1;
		base = s[5] == '+' ? base + (int)off : base - (int)off;
	}
	if (base < SIGRTMIN || base > SIGRTMAX)
		return -1;
	return base;
}

int lk_signal_parse(const char *s, size_t n)
{
	uint64_t v;
	size_t i;

	if (lk_parse_u64(s, n, 64, &v) == 0) {
		if (v == 0)
			return 0;
		return lk_signal_allowed((int)v) ? (int)v : -1;
	}
	if (n > 3 && memcmp(s, "SIG", 3) == 0) {
		s += 3;
		n -= 3;
	}
	for (i = 0; i < sizeof(lk_signames) / sizeof(lk_signames[0]); i++)
		if (strlen(lk_signames[i].name) == n &&
		    memcmp(lk_signames[i].name, s, n) == 0)
			return lk_signames[i].num;
	return lk_signal_rt(s, n);
}

void lk_signal_name(int sig, char *buf, size_t size)
{
	size_t i;

	for (i = 0; i < sizeof(lk_signames) / sizeof(lk_signames[0]); i++)
		if (lk_signames[i].num == sig) {
			lk_format(buf, size, "SIG%s", lk_signames[i].name);
			return;
		}
	if (sig >= SIGRTMIN && sig <= SIGRTMAX)
		lk_format(buf, size, "SIGRTMIN+%d", sig - SIGRTMIN);
	else
		lk_format(buf, size, "%d", sig);
}

/* --- keys --- */

enum lk_opt_type { LK_T_UINT, LK_T_PATH, LK_T_SIGNAL, LK_T_BOOL };

struct lk_opt {
	const char *key;
	enum lk_opt_type type;
	size_t offset;		/* field in struct lk_config */
	uint64_t min, max;	/* range of LK_T_UINT */
	int is64;		/* field is uint64_t, not unsigned/int */
};

#define LK_OFF(f) offsetof(struct lk_config, f)

static const struct lk_opt lk_opts[] = {
	{ "path", LK_T_PATH, LK_OFF(path), 0, 0, 0 },
	{ "signal", LK_T_SIGNAL, LK_OFF(signal), 0, 0, 0 },
	{ "interval", LK_T_UINT, LK_OFF(interval), 0, 31536000, 0 },
	{ "keep", LK_T_UINT, LK_OFF(keep), 0, 1000000, 0 },
	{ "depth", LK_T_UINT, LK_OFF(depth), 1, 256, 0 },
	{ "sample", LK_T_UINT, LK_OFF(sample), 0, (uint64_t)1 << 40, 1 },
	{ "exitcode", LK_T_UINT, LK_OFF(exitcode), 0, 255, 0 },
	{ "suppressions", LK_T_PATH, LK_OFF(suppressions), 0, 0, 0 },
	{ "conn_max", LK_T_UINT, LK_OFF(conn_max), 0, 10000000, 0 },
	{ "conn_idle", LK_T_UINT, LK_OFF(conn_idle), 1, 31536000, 0 },
	{ "conn_limit", LK_T_UINT, LK_OFF(conn_limit), 0, 10000000, 0 },
	{ "metrics", LK_T_PATH, LK_OFF(metrics), 0, 0, 0 },
	{ "summary", LK_T_BOOL, LK_OFF(summary), 0, 1, 0 },
	{ "memory_limit", LK_T_UINT, LK_OFF(memory_limit), 0, 1u << 30, 0 },
};

static const struct lk_opt *lk_opt_find(const char *k, size_t n)
{
	size_t i;

	for (i = 0; i < sizeof(lk_opts) / sizeof(lk_opts[0]); i++)
		if (strlen(lk_opts[i].key) == n &&
		    memcmp(lk_opts[i].key, k, n) == 0)
			return &lk_opts[i];
	return NULL;
}

static int lk_opt_set(struct lk_config *c, const struct lk_opt *o,
		      const char *v, size_t n)
{
	char *field = (char *)c + o->offset;
	uint64_t u;
	int sig;

	switch (o->type) {
	case LK_T_PATH:
		if (n >= PATH_MAX || memchr(v, 0, n))
			return -1;
		memcpy(field, v, n);
		field[n] = 0;
		return 0;
	case LK_T_SIGNAL:
		sig = lk_signal_parse(v, n);
		if (sig < 0)
			return -1;
		*(int *)field = sig;
		return 0;
	case LK_T_BOOL:
	case LK_T_UINT:
		if (lk_parse_u64(v, n, o->max, &u) || u < o->min)
			return -1;
		if (o->is64)
			*(uint64_t *)field = u;
		else
			*(unsigned *)field = (unsigned)u;
		return 0;
	}
	return -1;
}

/* Splits the next "key=value" off *sp; quotes protect ':' in values. */
static int lk_next_pair(const char **sp, const char **k, size_t *kn,
			const char **v, size_t *vn)
{
	const char *s = *sp, *eq;
	char q;

	*k = s;
	eq = s;
	while (*eq && *eq != '=' && *eq != ':')
		eq++;
	*kn = (size_t)(eq - s);
	if (*eq != '=')
		return -1;
	s = eq + 1;
	if (*s == '"' || *s == '\'') {
		q = *s++;
		*v = s;
		while (*s && *s != q)
			s++;
		if (*s != q)
			return -1;
		*vn = (size_t)(s - *v);
		s++;
	} else {
		*v = s;
		while (*s && *s != ':')
			s++;
		*vn = (size_t)(s - *v);
	}
	if (*s && *s != ':')
		return -1;
	*sp = *s ? s + 1 : s;
	return 0;
}

/* Most bytes of a key or value quoted in a message, and the room it takes. */
#define LK_QUOTE_MAX	64
#define LK_QUOTE_BUF	(LK_QUOTE_MAX * 4 + 1)

/*
 * The first LK_QUOTE_MAX bytes of s[0..n) for a message, control bytes as
 * \xHH: the message is one warning line, which a hostile value must not
 * break or use to drive a terminal.
 */
static void lk_quote(char *dst, size_t size, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	size_t i, o = 0;

	for (i = 0; i < n && i < LK_QUOTE_MAX && o + 5 <= size; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c >= 0x20 && c != 0x7f) {
			dst[o++] = (char)c;
			continue;
		}
		dst[o++] = '\\';
		dst[o++] = 'x';
		dst[o++] = hex[c >> 4];
		dst[o++] = hex[c & 15];
	}
	dst[o] = 0;
}

int lk_config_parse(struct lk_config *c, const char *s, char *err,
		    size_t errsize)
{
	const struct lk_opt *o;
	const char *k, *v;
	size_t kn, vn;
	char kb[LK_QUOTE_BUF], vb[LK_QUOTE_BUF];

	while (s && *s) {
		if (*s == ':') {
			s++;
			continue;
		}
		if (lk_next_pair(&s, &k, &kn, &v, &vn)) {
			lk_quote(kb, sizeof(kb), k, strcspn(k, ":"));
			lk_format(err, errsize, "malformed option '%s' "
				  "(want key=value)", kb);
			return -EINVAL;
		}
		lk_quote(kb, sizeof(kb), k, kn);
		o = lk_opt_find(k, kn);
		if (!o) {
			lk_format(err, errsize, "unknown option '%s'", kb);
			return -EINVAL;
		}
		if (lk_opt_set(c, o, v, vn)) {
			lk_quote(vb, sizeof(vb), v, vn);
			lk_format(err, errsize, "bad value '%s' for option "
				  "'%s'", vb, kb);
			return -EINVAL;
		}
	}
	return 0;
}
