/* SPDX-License-Identifier: MIT */
/*
 * t_out.c - the no-malloc formatter and the buffered fd writer, including
 * the escaping of dump string fields.
 */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "out.h"
#include "tap.h"

static const char *volatile nothing;

static void test_format(void)
{
	char buf[64];

	lk_format(buf, sizeof(buf), "a%db%uc%xd%se%c%%", -42, 42u, 255u,
		  "str", 'z');
	is_str(buf, "a-42b42cffdstrez%", "all conversions");
	lk_format(buf, sizeof(buf), "%lu %llu %zu %lx", 1ul << 40,
		  18446744073709551615ull, (size_t)7, 0xdeadbeeful);
	is_str(buf, "1099511627776 18446744073709551615 7 deadbeef",
	       "length modifiers");
	lk_format(buf, sizeof(buf), "%p", (void *)0x1000);
	is_str(buf, "0x1000", "%p");
	lk_format(buf, sizeof(buf), "%s", nothing);
	is_str(buf, "(null)", "NULL string");
	is_int(lk_format(buf, 5, "%s", "abcdefgh"), 8,
	       "returns the full length");
	is_str(buf, "abcd", "truncates and terminates");
	lk_format(buf, sizeof(buf), "%d", (int)-2147483647 - 1);
	is_str(buf, "-2147483648", "INT_MIN");
}

static void test_out(void)
{
	struct lk_out o;
	char got[20000];
	int fds[2];
	ssize_t n;
	int i;

	ok(pipe(fds) == 0, "pipe");
	lk_out_init(&o, fds[1]);
	lk_out_hex(&o, 0);
	lk_out_char(&o, ' ');
	lk_out_hex(&o, 0x7fffabcd1234ull);
	lk_out_char(&o, ' ');
	lk_out_dec(&o, 1234567890123ull);
	lk_out_char(&o, ' ');
	lk_out_field(&o, "a b\\c\nd\te\x7f");
	lk_out_char(&o, '\n');
	is_int(lk_out_flush(&o), 0, "flush");
	n = read(fds[0], got, sizeof(got) - 1);
	got[n > 0 ? n : 0] = 0;
	is_str(got, "0 7fffabcd1234 1234567890123 a b\\\\c\\nd\\x09e\\x7f\n",
	       "numbers and escaped field");
	for (i = 0; i < 1500; i++)	/* more than one buffer */
		lk_out_str(&o, "0123456789");
	is_int(lk_out_flush(&o), 0, "long flush");
	n = read(fds[0], got, sizeof(got));
	is_int(n, 15000, "every byte arrives");
	close(fds[0]);
	lk_out_str(&o, "x");
	ok(lk_out_flush(&o) < 0, "write to a closed pipe reports an error");
	close(fds[1]);
}

int main(void)
{
	signal(SIGPIPE, SIG_IGN);
	test_format();
	test_out();
	done_testing();
	return exit_status();
}
