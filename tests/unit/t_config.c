/* SPDX-License-Identifier: MIT */
/*
 * t_config.c - LEAKSHIM_OPTIONS parsing: defaults, every key, quoting,
 * signal names, and the exact message for each kind of mistake.
 */
#include <errno.h>
#include <signal.h>
#include <string.h>

#include "config.h"
#include "tap.h"

static int parse(struct lk_config *c, const char *s, char *err)
{
	lk_config_defaults(c);
	err[0] = 0;
	return lk_config_parse(c, s, err, 256);
}

static void test_defaults(void)
{
	struct lk_config c;

	lk_config_defaults(&c);
	is_str(c.path, "leakshim.%p.%n.dump", "default path");
	is_int(c.signal, SIGRTMIN + 3, "default signal is RTMIN+3");
	is_int(c.interval, 0, "no interval by default");
	is_int(c.keep, 0, "keep all by default");
	is_int(c.depth, 32, "default depth 32");
	is_int(c.sample, 0, "exact tracking by default");
	is_int(c.exitcode, 0, "program's exit status by default");
	is_int(c.conn_idle, 300, "conn_idle 300");
	is_int(c.summary, 1, "summary on by default");
	is_str(c.metrics, "", "no metrics by default");
	is_int(c.memory_limit, 0, "no memory_limit by default");
}

static void test_values(void)
{
	struct lk_config c;
	char err[256];

	is_int(parse(&c, "path=/tmp/x.%p.dump:depth=8:interval=60:keep=5:"
		     "sample=524288:exitcode=23:summary=0:conn_max=10:"
		     "conn_idle=20:conn_limit=100:metrics=/tmp/m.prom:"
		     "suppressions=/tmp/s.supp:memory_limit=64", err), 0,
	       "all keys parse");
	is_str(c.path, "/tmp/x.%p.dump", "path");
	is_int(c.depth, 8, "depth");
	is_int(c.interval, 60, "interval");
	is_int(c.keep, 5, "keep");
	is_int(c.sample, 524288, "sample");
	is_int(c.exitcode, 23, "exitcode");
	is_int(c.summary, 0, "summary");
	is_int(c.conn_max, 10, "conn_max");
	is_int(c.conn_idle, 20, "conn_idle");
	is_int(c.conn_limit, 100, "conn_limit");
	is_str(c.metrics, "/tmp/m.prom", "metrics");
	is_str(c.suppressions, "/tmp/s.supp", "suppressions");
	is_int(c.memory_limit, 64, "memory_limit");

	is_int(parse(&c, "path='/a:b/%p.dump':depth=4", err), 0,
	       "quoted value parses");
	is_str(c.path, "/a:b/%p.dump", "quotes protect ':'");
	is_int(parse(&c, "path=\"/c:d\"", err), 0, "double quotes too");
	is_str(c.path, "/c:d", "double-quoted value");
	is_int(parse(&c, "", err), 0, "empty string is fine");
	is_int(parse(&c, "::depth=3::", err), 0, "stray separators skipped");
	is_int(c.depth, 3, "depth after stray separators");
	is_int(parse(&c, "depth=3:depth=9", err), 0, "repeated key");
	is_int(c.depth, 9, "the last value wins");
}

static void test_signals(void)
{
	struct lk_config c;
	char err[256], name[32];

	is_int(lk_signal_parse("USR2", 4), SIGUSR2, "USR2");
	is_int(lk_signal_parse("SIGUSR1", 7), SIGUSR1, "SIGUSR1");
	is_int(lk_signal_parse("RTMIN", 5), SIGRTMIN, "RTMIN");
	is_int(lk_signal_parse("RTMIN+5", 7), SIGRTMIN + 5, "RTMIN+5");
	is_int(lk_signal_parse("RTMAX-1", 7), SIGRTMAX - 1, "RTMAX-1");
	is_int(lk_signal_parse("12", 2), 12, "a number");
	is_int(lk_signal_parse("0", 1), 0, "0 means none");
	is_int(lk_signal_parse("KILL", 4), -1, "KILL cannot be caught");
	is_int(lk_signal_parse("SEGV", 4), -1, "SEGV is refused");
	is_int(lk_signal_parse("9", 1), -1, "9 is KILL");
	is_int(lk_signal_parse("RTMIN+99", 8), -1, "RTMIN+99 out of range");
	is_int(lk_signal_parse("32", 2), -1, "32 is glibc's, refused");
	is_int(lk_signal_parse("33", 2), -1, "33 is glibc's, refused");
	is_int(lk_signal_parse("65", 2), -1, "65 is past RTMAX");
	is_int(lk_signal_parse("BOGUS", 5), -1, "unknown name");
	is_int(parse(&c, "signal=USR2", err), 0, "signal=USR2");
	is_int(c.signal, SIGUSR2, "signal option set");
	is_int(parse(&c, "signal=0", err), 0, "signal=0");
	is_int(c.signal, 0, "no dump signal");
	lk_signal_name(SIGUSR2, name, sizeof(name));
	is_str(name, "SIGUSR2", "name of USR2");
	lk_signal_name(SIGRTMIN + 3, name, sizeof(name));
	is_str(name, "SIGRTMIN+3", "name of RTMIN+3");
	lk_signal_name(SIGRTMIN, name, sizeof(name));
	is_str(name, "SIGRTMIN+0", "name of RTMIN");
}

static void test_errors(void)
{
	struct lk_config c;
	char err[256];

	is_int(parse(&c, "foo=1", err), -EINVAL, "unknown key fails");
	is_str(err, "unknown option 'foo'", "unknown key message");
	is_int(parse(&c, "depth=0", err), -EINVAL, "depth 0 fails");
	is_str(err, "bad value '0' for option 'depth'", "bad value message");
	is_int(parse(&c, "depth=257", err), -EINVAL, "depth above 256 fails");
	is_int(parse(&c, "depth=-1", err), -EINVAL, "negative fails");
	is_int(parse(&c, "depth=12x", err), -EINVAL, "trailing junk fails");
	is_int(parse(&c, "depth=", err), -EINVAL, "empty number fails");
	is_int(parse(&c, "interval=99999999999999999999999", err), -EINVAL,
	       "overflow fails");
	is_int(parse(&c, "exitcode=256", err), -EINVAL, "exitcode above 255");
	is_int(parse(&c, "summary=2", err), -EINVAL, "summary is 0 or 1");
	is_int(parse(&c, "memory_limit=1073741825", err), -EINVAL,
	       "memory_limit above 1 PiB fails");
	is_int(parse(&c, "signal=KILL", err), -EINVAL, "signal=KILL fails");
	is_str(err, "bad value 'KILL' for option 'signal'", "signal message");
	is_int(parse(&c, "depth", err), -EINVAL, "key without value fails");
	is_str(err, "malformed option 'depth' (want key=value)",
	       "malformed message");
	is_int(parse(&c, "path='/x", err), -EINVAL, "unclosed quote fails");
	is_int(parse(&c, "path='/x'y", err), -EINVAL, "junk after quote");
	is_int(parse(&c, "f\033]0;\x7f\no=1", err), -EINVAL,
	       "control bytes in a key");
	is_str(err, "unknown option 'f\\x1b]0;\\x7f\\x0ao'",
	       "control bytes are quoted as \\xHH: one line, no escapes");
}

int main(void)
{
	test_defaults();
	test_values();
	test_signals();
	test_errors();
	done_testing();
	return exit_status();
}
