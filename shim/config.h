/* SPDX-License-Identifier: MIT */
/*
 * config.h - the shim's options, read once from LEAKSHIM_OPTIONS.
 */
#ifndef LK_CONFIG_H
#define LK_CONFIG_H

#include <limits.h>
#include <stddef.h>
#include <stdint.h>

#define LK_DEFAULT_PATH		"leakshim.%p.%n.dump"
#define LK_DEFAULT_DEPTH	32

struct lk_config {
	char path[PATH_MAX];	/* dump file pattern (%p %n %t %e %%) */
	int signal;		/* dump signal, 0 for none */
	unsigned interval;	/* seconds between periodic dumps, 0 none */
	unsigned keep;		/* periodic dumps kept, 0 all */
	unsigned depth;		/* frames kept per stack */
	uint64_t sample;	/* 0 exact; else mean bytes between samples */
	int exitcode;		/* status when leaks are found at exit, 0 keep */
	char suppressions[PATH_MAX];	/* suppression file, "" none */
	unsigned conn_max;	/* warn above this many connections, 0 off */
	unsigned conn_idle;	/* seconds before an idle conn is abandoned */
	unsigned conn_limit;	/* server's connection limit, 0 unknown */
	char metrics[PATH_MAX];	/* Prometheus textfile, "" none */
	int summary;		/* one summary line on stderr at exit */
	unsigned memory_limit;	/* MiB the tracker may map, 0 no cap */
};

/* Fills `c` with the defaults of DESIGN.md. */
void lk_config_defaults(struct lk_config *c);

/*
 * Parses "key=value:key=value" (values may be quoted with ' or " to hold a
 * ':') over the defaults already in `c`.  Returns 0, or -EINVAL with a
 * one-line reason in err ("unknown option 'foo'").
 */
int lk_config_parse(struct lk_config *c, const char *s, char *err,
		    size_t errsize);

/* "USR2", "SIGUSR2", "RTMIN+3", "RTMAX-1", "12" or "0" to a signal number
 * (0 for none); -1 if it is not a signal the shim can take. */
int lk_signal_parse(const char *s, size_t len);

/* The name a user would type for sig: "SIGUSR2", "SIGRTMIN+3", or the
 * number. */
void lk_signal_name(int sig, char *buf, size_t size);

#endif
