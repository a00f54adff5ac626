/* SPDX-License-Identifier: MIT */
/*
 * t_parse.c - unit tests of the dump reader (reporter/parse.c): a valid
 * dump becomes the exact model, escapes decode, unknown records are
 * skipped, and every kind of damage is rejected with a message that names
 * the file and the line, without crashing (run it under ASan too).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parse.h"
#include "tap.h"

/* The file name the tests give parse_dump, as it appears in messages. */
#define NAME	"t.dump"

static const char valid[] =
	"leakshim-dump 1\n"
	"P 1c8f 1c80 signal 19c6a0e7f10 1f4 3 f\n"
	"X /home/me/my prog\n"
	"N my\\x01prog\n"
	"o depth 20\n"
	"o future_setting ffffffffffffffff\n"
	"c allocs 9\n"
	"c frees 2\n"
	"c dropped 0\n"
	"c new_counter 7\n"
	"z a record from a later writer\n"
	"m 55d0c2a1a000 55d0c2a1f000 55d0c2a1a000 4f1c9a /a\\\\b\\nc d\n"
	"m 7ffd0000 7ffd2000 7ffd0000 - \n"
	"s 1 3 55d0c2a1b2c3 55d0c2a1b401 7f3a1c22918a\n"
	"s ffffffff 1 1\n"
	"s 2 0\n"
	"b 1 l 3 60 1f0\n"
	"b ffffffff d 1 10 0\n"
	"b 2 r 1 1 1\n"
	"Q\n"
	"e 13 5\n";

static int parse_str(struct dump *d, const char *s, struct util_err *err)
{
	memset(d, 0, sizeof(*d));
	err->msg[0] = '\0';
	return parse_dump(d, s, strlen(s), NAME, err);
}

/* --- a valid dump --- */

static void test_process(const struct dump *d)
{
	is_int(d->proc.pid, 0x1c8f, "pid");
	is_int(d->proc.ppid, 0x1c80, "ppid");
	is_str(d->proc.reason, "signal", "reason");
	is_int(d->proc.time_ms, 0x19c6a0e7f10, "time_ms");
	is_int(d->proc.uptime_ms, 0x1f4, "uptime_ms");
	is_int(d->proc.seq, 3, "seq");
	is_int(d->proc.signal, 15, "signal");
	is_str(d->proc.exe, "/home/me/my prog", "exe keeps its space");
	is_str(d->proc.name, "my\x01prog", "name: \\x01 decodes");
}

static void test_values(const struct dump *d)
{
	is_int(d->noptions, 2, "two o records");
	is_str(d->options[1].name, "future_setting", "unknown option kept");
	ok(d->options[1].value == UINT64_MAX, "16 hex digits fill 64 bits");
	is_int(parse_option(d, "depth", 0), 32, "option depth");
	is_int(d->ncounters, 4, "four c records");
	is_int(parse_counter(d, "allocs", 0), 9, "counter allocs");
	is_int(parse_counter(d, "frees", 0), 2, "counter frees");
	is_int(parse_counter(d, "new_counter", 0), 7, "unknown counter kept");
	is_int(parse_counter(d, "absent", 42), 42, "absent counter: default");
}

static void test_modules(const struct dump *d)
{
	const struct dump_module *m = d->modules;

	is_int(d->nmodules, 2, "two modules");
	ok(m[0].lo == 0x55d0c2a1a000 && m[0].hi == 0x55d0c2a1f000 &&
	   m[0].bias == 0x55d0c2a1a000, "module range and bias");
	is_str(m[0].build_id, "4f1c9a", "build-id");
	is_str(m[0].path, "/a\\b\nc d", "path: \\\\ and \\n decode");
	ok(m[1].build_id == NULL, "build-id '-' is NULL");
	is_str(m[1].path, "", "empty path (vDSO)");
}

static void test_stacks(const struct dump *d)
{
	const struct dump_stack *st = parse_find_stack(d, 1);

	is_int(d->nstacks, 3, "three stacks");
	ok(st && st->count == 3 && st->pcs[0] == 0x55d0c2a1b2c3 &&
	   st->pcs[1] == 0x55d0c2a1b401 && st->pcs[2] == 0x7f3a1c22918a,
	   "stack 1 pcs in order");
	st = parse_find_stack(d, 0xffffffff);
	ok(st && st->count == 1 && st->pcs[0] == 1, "stack ffffffff");
	st = parse_find_stack(d, 2);
	ok(st && st->count == 0, "an empty stack is allowed");
	ok(parse_find_stack(d, 3) == NULL, "unknown stack id: NULL");
}

static void test_groups(const struct dump *d)
{
	const struct dump_group *g = d->groups;

	is_int(d->ngroups, 3, "three groups");
	ok(g[0].stack == parse_find_stack(d, 1) && g[0].cls == 'l' &&
	   g[0].blocks == 3 && g[0].bytes == 0x60 && g[0].oldest_ms == 0x1f0,
	   "group 1 values");
	ok(g[1].stack->id == 0xffffffff && g[1].cls == 'd' &&
	   g[1].bytes == 16, "group 2 values");
	ok(g[2].cls == 'r', "group 3 class");
	is_int(d->records, 19, "e records");
	is_int(d->dropped, 5, "e dropped");
}

static void test_valid(void)
{
	struct util_err err;
	struct dump d;
	int r = parse_str(&d, valid, &err);

	is_int(r, 0, "valid dump parses");
	if (r)
		printf("# %s\n", err.msg);
	test_process(&d);
	test_values(&d);
	test_modules(&d);
	test_stacks(&d);
	test_groups(&d);
	parse_free(&d);
	ok(d.stacks == NULL && d.groups == NULL, "parse_free zeroes");
}

/* --- rejections --- */

/* A damaged dump, the line its message must name and words it must say. */
struct bad_case {
	const char *what;	/* test name */
	const char *text;	/* the dump */
	int line;		/* line in the message; 0: "t.dump: " only */
	const char *words;	/* a substring of the message */
};

#define HEAD	"leakshim-dump 1\nP 1 0 exit 0 0 0 0\n"

static const struct bad_case bad_cases[] = {
	{ "empty file", "", 0, "empty file" },
	{ "wrong magic", "hello world\n", 1, "not a leakshim dump" },
	{ "binary garbage", "\x7f" "ELF\x02\x01\x01\n\x00\x00\x01", 1,
	  "not a leakshim dump" },
	{ "magic without version", "leakshim-dump\n", 1, "not a leakshim" },
	{ "wrong version", "leakshim-dump 7\ne 0 0\n", 1,
	  "dump version 7 is not supported (this leakreport reads "
	  "version 1)" },
	{ "version with CR", "leakshim-dump 1\r\ne 0 0\n", 1,
	  "dump version 1\\x0d" },
	{ "first line only, no newline", "leakshim-dump 1", 1, "truncated" },
	{ "truncated: no e record", HEAD "N x\n", 3, "without its e record" },
	{ "truncated inside a line", HEAD "s 1 2 3 ", 3, "no newline" },
	{ "missing P record", "leakshim-dump 1\nN x\ne 1 0\n", 3,
	  "no P record" },
	{ "e count mismatch", HEAD "N x\ne 3 0\n", 4, "counts 3 records" },
	{ "data after e", HEAD "e 1 0\nN x\n", 4, "after the e record" },
	{ "empty line", HEAD "\ne 2 0\n", 3, "empty line" },
	{ "too many fields", "leakshim-dump 1\nP 1 0 exit 0 0 0 0 9\n", 2,
	  "too many fields" },
	{ "too few fields", "leakshim-dump 1\nP 1 0 exit 0 0 0\n", 2,
	  "too few fields" },
	{ "17 hex digits", HEAD "c allocs 10000000000000000\n", 3,
	  "'10000000000000000' is not a lower-case hex" },
	{ "upper-case hex", HEAD "c allocs 1F\n", 3, "'1F'" },
	{ "0x prefix", HEAD "c allocs 0x1f\n", 3, "'0x1f'" },
	{ "empty field (two spaces)", HEAD "b  1 l 1 1 1\n", 3, "stack ''" },
	{ "negative number", HEAD "c frees -1\n", 3, "'-1'" },
	{ "no space after tag", HEAD "P\n", 3, "no space after the tag" },
	{ "second P", HEAD "P 1 0 exit 0 0 0 0\n", 3, "second P" },
	{ "P after m", "leakshim-dump 1\nm 1 2 0 - /x\nP 1 0 exit 0 0 0 0\n",
	  3, "after the module map" },
	{ "X after m", HEAD "m 1 2 0 - /x\nX /y\n", 4,
	  "after the module map" },
	{ "unknown reason", "leakshim-dump 1\nP 1 0 crash 0 0 0 0\n", 2,
	  "reason 'crash'" },
	{ "unknown class", HEAD "s 1 1 5\nb 1 x 1 1 1\n", 4, "class 'x'" },
	{ "b names an undefined stack", HEAD "b 9 d 1 1 1\n", 3,
	  "names stack 9" },
	{ "b before its s", HEAD "b 1 d 1 1 1\ns 1 1 5\n", 3,
	  "names stack 1" },
	{ "more than 256 frames", HEAD "s 1 101 1\n", 3, "more than 256" },
	{ "n larger than the pcs", HEAD "s 1 3 1 2\n", 3,
	  "n is 3 but 2 pcs follow" },
	{ "n smaller than the pcs", HEAD "s 1 1 1 2\n", 3,
	  "n is 1 but more pcs follow" },
	{ "duplicate stack id", HEAD "s 1 1 5\ns 1 1 6\n", 4,
	  "defined twice" },
	{ "lo above hi", HEAD "m 2 1 0 - /x\n", 3, "is above hi" },
	{ "bad build-id", HEAD "m 1 2 0 XYZ /x\n", 3, "build-id 'XYZ'" },
	{ "odd build-id", HEAD "m 1 2 0 abc /x\n", 3, "build-id 'abc'" },
	{ "unknown escape", HEAD "X /a\\qb\n", 3, "bad escape" },
	{ "cut escape", HEAD "X /a\\x4\n", 3, "bad escape" },
	{ "upper-case escape", HEAD "X /a\\x4F\n", 3, "bad escape" },
	{ "escaped NUL", HEAD "X /a\\x00\n", 3, "bad escape" },
	{ "raw control byte", HEAD "X /a\tb\n", 3, "control byte 0x09" },
	{ "raw DEL byte", HEAD "N a\x7f\n", 3, "control byte 0x7f" },
	{ "empty counter name", HEAD "c  5\n", 3, "empty name" },
	{ "e with a bad number", HEAD "e one 0\n", 3, "records 'one'" },
};

static void test_bad_case(const struct bad_case *c)
{
	char want[64];
	struct util_err err;
	struct dump d;
	int r;

	if (c->line)
		snprintf(want, sizeof(want), NAME ":%d: ", c->line);
	else
		snprintf(want, sizeof(want), NAME ": ");
	r = parse_str(&d, c->text, &err);
	ok(r == -EINVAL && !strncmp(err.msg, want, strlen(want)) &&
	   strstr(err.msg, c->words), "rejects %s", c->what);
	if (r != -EINVAL || strncmp(err.msg, want, strlen(want)) ||
	    !strstr(err.msg, c->words))
		printf("#   r=%d msg '%s', want '%s...%s'\n", r, err.msg, want,
		       c->words);
	parse_free(&d);
}

/* Bytes that strlen cannot carry: a NUL inside a line. */
static void test_nul_byte(void)
{
	static const char text[] = HEAD "N a\0b\ne 1 0\n";
	struct util_err err = { "" };
	struct dump d = { 0 };
	int r;

	r = parse_dump(&d, text, sizeof(text) - 1, NAME, &err);
	ok(r == -EINVAL && strstr(err.msg, NAME ":3: NUL byte"),
	   "rejects a NUL byte, naming its line");
	parse_free(&d);
}

static void test_long_line(void)
{
	size_t n = PARSE_LINE_MAX + 1;
	char *text = malloc(strlen(HEAD) + n + 16);
	struct util_err err;
	struct dump d;
	int r;

	strcpy(text, HEAD);
	memset(text + strlen(HEAD), 'z', n);
	strcpy(text + strlen(HEAD) + n, "\ne 1 0\n");
	r = parse_str(&d, text, &err);
	ok(r == -EINVAL && strstr(err.msg, NAME ":3: line longer than"),
	   "rejects an overlong line, even of an unknown record");
	parse_free(&d);
	free(text);
}

/* Every proper prefix of a valid dump is a truncated dump. */
static void test_truncations(void)
{
	struct util_err err;
	size_t n, len = strlen(valid), accepted = 0;
	struct dump d;

	for (n = 0; n < len; n++) {
		memset(&d, 0, sizeof(d));
		accepted += parse_dump(&d, valid, n, NAME, &err) == 0;
		parse_free(&d);
	}
	is_int(accepted, 0, "no prefix of a valid dump is accepted");
}

/* --- files --- */

static void test_files(void)
{
	struct util_err err = { "" };
	struct dump d = { 0 };
	char path[] = "/tmp/t_parse.XXXXXX";
	FILE *f;
	int fd, r;

	r = parse_file(&d, "/nonexistent/x.dump", &err);
	ok(r == -ENOENT && strstr(err.msg, "/nonexistent/x.dump: No such"),
	   "missing file: -ENOENT, message names it");
	r = parse_file(&d, "/tmp", &err);
	ok(r == -EISDIR && strstr(err.msg, "/tmp: is a directory"),
	   "directory: -EISDIR");
	fd = mkstemp(path);
	f = fd >= 0 ? fdopen(fd, "w") : NULL;
	ok(f != NULL, "temp file");
	if (!f)
		return;
	fputs(valid, f);
	fclose(f);
	r = parse_file(&d, path, &err);
	ok(r == 0 && d.ngroups == 3, "parse_file reads a valid dump");
	parse_free(&d);
	remove(path);
}

int main(void)
{
	size_t i;

	test_valid();
	for (i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++)
		test_bad_case(&bad_cases[i]);
	test_nul_byte();
	test_long_line();
	test_truncations();
	test_files();
	done_testing();
	return exit_status();
}
