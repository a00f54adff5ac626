/* SPDX-License-Identifier: MIT */
/*
 * fuzz_options.c - libFuzzer target for the shim's option parser: the
 * input is a LEAKSHIM_OPTIONS string.
 *
 * A NUL-terminated copy goes to lk_config_parse (shim/config.c) over the
 * defaults, with an error buffer of a size picked from the input's length
 * (so that cut messages are tried too).  A refusal must come with a
 * message fit for the shim's one warning line: not empty, terminated, no
 * control byte.  An accepted string must leave every setting in its
 * documented range.  The bytes as they are (not terminated, in a buffer
 * of their exact size, so reading past them is caught) also go to
 * lk_signal_parse, whose result must be 0, -1 or a signal the shim may
 * take, and its name to lk_signal_name.  The dump path pattern of an
 * accepted string goes to dumps_glob, as the leakshim command turns it
 * into a glob (reporter/dumps.c), into a buffer of its size and into a
 * small one.
 *
 * Build (make fuzz): clang -fsanitize=fuzzer,address,undefined with
 * shim/config.c, shim/out.c and reporter/dumps.c.
 */
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fail(const char *what, const char *text)
{
	fprintf(stderr, "fuzz_options: %s\n%s\n", what, text ? text : "");
	abort();
}

/* One line of a warning: terminated inside size, no control byte. */
static void check_message(const char *msg, size_t size)
{
	size_t i;

	if (size == 0)
		return;		/* nothing may be written */
	for (i = 0; i < size && msg[i]; i++)
		if ((unsigned char)msg[i] < 0x20 || msg[i] == 0x7f)
			fail("control byte in an option error", msg);
	if (i == size)
		fail("option error not terminated", NULL);
	if (size > 1 && i == 0)
		fail("empty option error", NULL);
}

/* A NUL-terminated field of PATH_MAX bytes. */
static void check_path(const char *p, const char *what)
{
	if (!memchr(p, '\0', PATH_MAX))
		fail("path option not terminated", what);
}

/* Every setting lk_config_parse accepted is in its documented range. */
static void check_config(const struct lk_config *c)
{
	check_path(c->path, "path");
	check_path(c->suppressions, "suppressions");
	check_path(c->metrics, "metrics");
	if (c->depth < 1 || c->depth > 256)
		fail("depth out of range", NULL);
	if (c->exitcode < 0 || c->exitcode > 255)
		fail("exitcode out of range", NULL);
	if (c->signal < 0 || c->signal > SIGRTMAX)
		fail("signal out of range", NULL);
	if (c->conn_idle < 1 || c->interval > 31536000)
		fail("conn_idle or interval out of range", NULL);
	if (c->summary != 0 && c->summary != 1)
		fail("summary is not 0 or 1", NULL);
	if (c->sample > (uint64_t)1 << 40)
		fail("sample out of range", NULL);
}

/* The glob of pattern for one pid and for any, into size bytes. */
static void glob_path(const char *pattern, size_t size)
{
	char *g = malloc(size);

	if (!g)
		abort();
	dumps_glob(g, size, pattern, 1234);
	if (!memchr(g, '\0', size))
		fail("dumps_glob left its glob unterminated", pattern);
	dumps_glob(g, size, pattern, 0);
	free(g);
}

static void signal_parse(const uint8_t *data, size_t size)
{
	char *s = malloc(size ? size : 1), name[32];
	int sig;

	if (!s)
		abort();
	memcpy(s, data, size);
	sig = lk_signal_parse(s, size);
	if (sig < -1 || sig > SIGRTMAX || sig == SIGKILL || sig == SIGSTOP ||
	    sig == SIGSEGV || sig == SIGBUS || sig == SIGILL || sig == SIGFPE ||
	    (sig > 0 && sig < SIGRTMIN && sig > 31))
		fail("lk_signal_parse took a signal it must refuse", NULL);
	if (sig > 0) {
		lk_signal_name(sig, name, 1 + size % sizeof(name));
		lk_signal_name(sig, name, sizeof(name));
	}
	free(s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t errsize = size % 300;
	struct lk_config c;
	char *s, *err;

	s = malloc(size + 1);
	err = malloc(errsize ? errsize : 1);
	if (!s || !err)
		abort();
	memcpy(s, data, size);
	s[size] = '\0';
	lk_config_defaults(&c);
	if (lk_config_parse(&c, s, err, errsize)) {
		check_message(err, errsize);
	} else {
		check_config(&c);
		glob_path(c.path, PATH_MAX * 2);
		glob_path(c.path, 1 + size % 64);
	}
	signal_parse(data, size);
	free(err);
	free(s);
	return 0;
}
