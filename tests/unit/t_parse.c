/* SPDX-License-Identifier: MIT */
/*
 * t_parse.c - unit tests of the dump reader (reporter/parse.c): a valid
 * dump becomes the exact model, escapes decode, unknown records are
 * skipped, the suppression file (S), the libpq records (C, R, K) and the
 * age counts (a) land in the model, and every kind
 * of damage is rejected with a message that names the file and the line,
 * without crashing (run it under ASan too).
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
	"S /etc/leak supp\\\\x.supp\n"
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
	"e 14 5\n";

static int parse_str(struct dump *d, const char *s, struct util_err *err)
{
	memset(d, 0, sizeof(*d));
	err->msg[0] = '\0';
	return parse_dump(d, s, strlen(s), NAME, err);
}

/* Parses a dump that must parse: checks it under name, and says why not. */
static void parse_good(struct dump *d, const char *s, const char *name)
{
	struct util_err err;
	int r = parse_str(d, s, &err);

	is_int(r, 0, name);
	if (r)
		printf("# %s\n", err.msg);
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
	is_str(d->proc.suppressions, "/etc/leak supp\\x.supp",
	       "S: suppression file, spaces kept, \\\\ decodes");
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
	is_int(d->records, 20, "e records");
	is_int(d->dropped, 5, "e dropped");
}

static void test_valid(void)
{
	struct dump d;

	parse_good(&d, valid, "valid dump parses");
	test_process(&d);
	test_values(&d);
	test_modules(&d);
	test_stacks(&d);
	test_groups(&d);
	parse_free(&d);
	ok(d.stacks == NULL && d.groups == NULL, "parse_free zeroes");
}

/* --- libpq records --- */

static const char valid_pq[] =
	"leakshim-dump 1\n"
	"P 1c8f 1c80 exit 19c6a0e7f10 1f4 1 0\n"
	"o conn_idle 3c\n"
	"c conn_opened 28\n"
	"s 1 1 5\n"
	"s 2 2 6 7\n"
	"C 1 12c000 124f80 0 0 0 1c92 test@/tmp/pg:5432/shop\n"
	"C 2 bb8 bb8 1 0 1 0 @:/\n"
	"C 1 3e8 64 0 2 fe 0 \n"
	"C 2 10 f 3 4 ffffffffffffffff 7fffffff a b\\\\c\\x7f\n"
	"R 2 e 1d619 927c0\n"
	"R 1 1 0 0\n"
	"K 2 2 3e8\n"
	"b 1 l 1 8 0\n"
	"e d 0\n";

static void test_pq_conns(const struct dump *d)
{
	const struct dump_conn *c = d->conns;

	is_int(d->nconns, 4, "four C records, in file order");
	ok(c[0].stack == parse_find_stack(d, 1) && c[0].age_ms == 0x12c000 &&
	   c[0].idle_ms == 0x124f80 && c[0].status == 0 && c[0].xact == 0 &&
	   c[0].flags == 0 && c[0].pid == 0x1c92, "C 1: numbers");
	is_str(c[0].target, "test@/tmp/pg:5432/shop", "C 1: target");
	ok(c[1].stack->id == 2 && c[1].status == 1 && c[1].flags == 1,
	   "C 2: a failed connect");
	is_str(c[1].target, "@:/", "C 2: unknown parts of the target");
	ok(c[2].xact == 2 && c[2].flags == 0xfe && c[2].pid == 0,
	   "C 3: unknown flag bits are kept");
	is_str(c[2].target, "", "C 3: empty target");
	ok(c[3].status == 3 && c[3].xact == 4 && c[3].flags == UINT64_MAX &&
	   c[3].pid == 0x7fffffff, "C 4: largest values");
	is_str(c[3].target, "a b\\c\x7f", "C 4: target keeps spaces, "
	       "escapes decode");
}

static void test_pq_groups(const struct dump *d)
{
	const struct dump_pq_group *r = d->results, *k = d->cancels;

	is_int(d->nresults, 2, "two R records");
	ok(r[0].stack == parse_find_stack(d, 2) && r[0].count == 14 &&
	   r[0].bytes == 120345 && r[0].oldest_ms == 600000, "R 1: values");
	ok(r[1].stack->id == 1 && r[1].count == 1 && r[1].bytes == 0,
	   "R 2: values");
	is_int(d->ncancels, 1, "one K record");
	ok(k[0].stack->id == 2 && k[0].count == 2 && k[0].bytes == 0 &&
	   k[0].oldest_ms == 1000, "K: values; a stack may have R and K");
	is_int(d->ngroups, 1, "b after C, R, K still read");
}

static void test_valid_pq(void)
{
	struct util_err err;
	size_t n, len = strlen(valid_pq), accepted = 0;
	struct dump d;

	parse_good(&d, valid_pq, "valid dump with libpq records parses");
	test_pq_conns(&d);
	test_pq_groups(&d);
	is_int(parse_option(&d, "conn_idle", 300), 60, "option conn_idle");
	is_int(parse_counter(&d, "conn_opened", 0), 40, "counter conn_opened");
	ok(d.proc.suppressions == NULL, "no S record: no suppression file");
	parse_free(&d);
	ok(d.conns == NULL && d.results == NULL && d.cancels == NULL,
	   "parse_free zeroes the libpq lists");
	for (n = 0; n < len; n++) {
		memset(&d, 0, sizeof(d));
		accepted += parse_dump(&d, valid_pq, n, NAME, &err) == 0;
		parse_free(&d);
	}
	is_int(accepted, 0, "no prefix of the libpq dump is accepted");
}

/* --- ages --- */

static const char valid_ages[] =
	"leakshim-dump 1\n"
	"P 1c8f 1c80 interval 19c6a0e7f10 36ee80 2 0\n"
	"s 1 1 5\n"
	"s 2 1 6\n"
	"b 1 d a 2800 493e0\n"
	"a 1 d 1 a 2800\n"
	"a 1 d a 8 2000\n"
	"a 1 d 3c 8 2000\n"
	"z a later record between a records is skipped\n"
	"a 1 d 12c 2 800\n"
	"b 1 r 3 30 1f4\n"
	"b 2 l 5 0 93a8100\n"
	"a 2 l 1 5 0\n"
	"a 2 l 93a80 1 0\n"
	"b 2 d 1 10 0\n"
	"e e 0\n";

static void test_valid_ages(void)
{
	const struct dump_age *a;
	struct dump d;

	parse_good(&d, valid_ages, "valid dump with a records parses");
	is_int(d.ngroups, 4, "a records are not groups");
	is_int(d.nages, 6, "six a records");
	is_int(d.groups[0].nages, 4, "group 1: four ages");
	is_int(d.groups[1].nages, 0, "group 2: none");
	is_int(d.groups[2].nages, 2, "group 3: two ages, with a gap");
	is_int(d.groups[3].nages, 0, "group 4: none");
	a = parse_group_age(&d, &d.groups[0], 300);
	ok(a && a->blocks == 2 && a->bytes == 0x800,
	   "group 1 older than 300 s: 2 blocks, 2048 bytes");
	a = parse_group_age(&d, &d.groups[0], 10);
	ok(a && a->age_s == 10 && a->blocks == 8 && a->bytes == 0x2000,
	   "group 1 older than 10 s");
	ok(parse_group_age(&d, &d.groups[0], 900) == NULL,
	   "group 1 has nothing older than 900 s");
	ok(parse_group_age(&d, &d.groups[2], 604800) != NULL &&
	   parse_group_age(&d, &d.groups[2], 60) == NULL,
	   "group 3: a week, and no 60 s record");
	ok(parse_group_age(&d, &d.groups[1], 1) == NULL,
	   "a group without a records has no ages");
	parse_free(&d);
	ok(d.ages == NULL && d.nages == 0, "parse_free zeroes the ages");
}

/* --- sampled groups --- */

static void test_valid_samples(void)
{
	static const char text[] =
		"leakshim-dump 1\n"
		"P 1 0 exit 0 0 0 0\n"
		"o sample 80000\n"
		"s 1 1 5\n"
		"b 1 l 80 200000 3e8\n"
		"w 1 l 2 b504\n"
		"a 1 l 1 80 200000\n"
		"b 1 d 1 10 0\n"
		"e 7 0\n";
	struct dump d;

	parse_good(&d, text, "a sampled dump with w records parses");
	ok(d.ngroups == 2 && d.groups[0].sampled &&
	   d.groups[0].samples == 2 && d.groups[0].bytes_se == 0xb504,
	   "w: 2 samples, standard error 46340 bytes");
	is_int(d.groups[0].nages, 1, "an a record may follow a w record");
	ok(!d.groups[1].sampled, "a group without w is not marked sampled");
	parse_free(&d);
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
	{ "second S", HEAD "S /a.supp\nN x\nS /b.supp\n", 5,
	  "second S record" },
	{ "S after m", HEAD "m 1 2 0 - /x\nS /a.supp\n", 4,
	  "S record after the module map" },
	{ "S: bad escape", HEAD "S /a\\qb\n", 3,
	  "bad S record: path has a bad escape" },
	{ "S: raw control byte", HEAD "S /a\tb\n", 3,
	  "bad S record: path has control byte 0x09" },
	{ "S: no space after tag", HEAD "S\n", 3, "no space after the tag" },
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
	/* C stack age_ms idle_ms status xact flags pid target */
	{ "C: too few fields", HEAD "s 1 1 5\nC 1 0 0 0 0 0\n", 4,
	  "bad C record: too few fields (expected 8)" },
	{ "C: no target field", HEAD "s 1 1 5\nC 1 0 0 0 0 0 0\n", 4,
	  "bad C record: too few fields (expected 8)" },
	{ "C: no fields", HEAD "C \n", 3, "bad C record: stack ''" },
	{ "C: bad hex age", HEAD "s 1 1 5\nC 1 0x5 0 0 0 0 0 t\n", 4,
	  "age_ms '0x5' is not a lower-case hex" },
	{ "C: upper-case pid", HEAD "s 1 1 5\nC 1 0 0 0 0 0 1A t\n", 4,
	  "pid '1A'" },
	{ "C: negative status", HEAD "s 1 1 5\nC 1 0 0 -1 0 0 0 t\n", 4,
	  "status '-1'" },
	{ "C: 17-digit flags",
	  HEAD "s 1 1 5\nC 1 0 0 0 0 10000000000000000 0 t\n", 4,
	  "flags '10000000000000000'" },
	{ "C: undefined stack", HEAD "s 1 1 5\nC 9 0 0 0 0 0 0 t\n", 4,
	  "C record names stack 9, which no s record before it defines" },
	{ "C: before its s", HEAD "C 1 0 0 0 0 0 0 t\ns 1 1 5\n", 3,
	  "C record names stack 1" },
	{ "C: bad escape in target", HEAD "s 1 1 5\nC 1 0 0 0 0 0 0 a\\qb\n",
	  4, "bad C record: target has a bad escape" },
	{ "C: raw tab in target", HEAD "s 1 1 5\nC 1 0 0 0 0 0 0 a\tb\n", 4,
	  "bad C record: target has control byte 0x09" },
	{ "C: no space after tag", HEAD "C\n", 3, "no space after the tag" },
	/* R stack count bytes oldest_ms */
	{ "R: too few fields", HEAD "s 1 1 5\nR 1 1 1\n", 4,
	  "bad R record: too few fields (expected 4)" },
	{ "R: too many fields", HEAD "s 1 1 5\nR 1 1 1 1 1\n", 4,
	  "bad R record: too many fields (expected 4)" },
	{ "R: bad hex count", HEAD "s 1 1 5\nR 1 1G 1 1\n", 4,
	  "bad R record: count '1G'" },
	{ "R: bad hex bytes", HEAD "s 1 1 5\nR 1 1 x 1\n", 4,
	  "bad R record: bytes 'x'" },
	{ "R: undefined stack", HEAD "s 1 1 5\nR 9 1 1 1\n", 4,
	  "R record names stack 9" },
	{ "R: duplicate stack", HEAD "s 1 1 5\nR 1 1 1 1\nR 1 2 2 2\n", 5,
	  "second R record for stack 1" },
	/* K stack count oldest_ms */
	{ "K: too few fields", HEAD "s 1 1 5\nK 1 1\n", 4,
	  "bad K record: too few fields (expected 3)" },
	{ "K: too many fields", HEAD "s 1 1 5\nK 1 1 1 1\n", 4,
	  "bad K record: too many fields (expected 3)" },
	{ "K: bad hex oldest", HEAD "s 1 1 5\nK 1 1 -1\n", 4,
	  "bad K record: oldest_ms '-1'" },
	{ "K: undefined stack", HEAD "s 1 1 5\nK 2 1 1\n", 4,
	  "K record names stack 2" },
	{ "K: duplicate stack", HEAD "s 1 1 5\ns 2 1 6\nK 1 1 1\nK 2 1 1\n"
	  "K 1 1 1\n", 7, "second K record for stack 1" },
	/* a stack class age_s blocks bytes, after b stack class ... */
#define AB	HEAD "s 1 1 5\ns 2 1 6\nb 1 d 4 40 2710\n"
	{ "a: no b record before it", HEAD "s 1 1 5\na 1 d 1 1 1\n", 4,
	  "a record for stack 1 class d does not follow the b record of "
	  "that stack and class" },
	{ "a: first record of all", HEAD "a 1 d 1 1 1\n", 3,
	  "does not follow the b record" },
	{ "a: another stack", AB "a 2 d 1 1 1\n", 6,
	  "a record for stack 2 class d does not follow" },
	{ "a: another class", AB "a 1 r 1 1 1\n", 6,
	  "a record for stack 1 class r does not follow" },
	{ "a: an s record in between", AB "s 3 1 7\na 1 d 1 1 1\n", 7,
	  "does not follow the b record" },
	{ "a: a C record in between", AB "C 1 0 0 0 0 0 0 t\na 1 d 1 1 1\n",
	  7, "does not follow the b record" },
	{ "a: after the next b record", AB "b 2 d 1 1 1\na 1 d 1 1 1\n", 7,
	  "a record for stack 1 class d does not follow" },
	{ "a: age not a threshold", AB "a 1 d 2 1 1\n", 6,
	  "bad a record: age_s 2 is not one of the ages 1 a 3c 12c 384 e10 "
	  "5460 15180 93a80" },
	{ "a: age zero", AB "a 1 d 0 1 1\n", 6, "age_s 0 is not one of" },
	{ "a: a week and a second", AB "a 1 d 93a81 1 1\n", 6,
	  "age_s 93a81 is not one of" },
	{ "a: the same age twice", AB "a 1 d 3c 2 2\na 1 d 3c 1 1\n", 7,
	  "age_s 3c comes after age_s 3c (ages must increase)" },
	{ "a: ages decreasing", AB "a 1 d 3c 2 2\na 1 d a 2 2\n", 7,
	  "age_s a comes after age_s 3c" },
	{ "a: no blocks", AB "a 1 d 1 0 0\n", 6,
	  "bad a record: no blocks" },
	{ "a: more blocks than its b", AB "a 1 d 1 5 10\n", 6,
	  "5 blocks, 10 bytes are more than its b record's 4 blocks, 40 "
	  "bytes" },
	{ "a: more bytes than its b", AB "a 1 d 1 1 41\n", 6,
	  "are more than its b record's" },
	{ "a: blocks grow with age", AB "a 1 d 1 2 20\na 1 d a 3 20\n", 7,
	  "3 blocks, 20 bytes are more than the 2 blocks, 20 bytes older "
	  "than age_s 1 (counts cannot grow with age)" },
	{ "a: bytes grow with age", AB "a 1 d 1 2 20\na 1 d a 2 21\n", 7,
	  "counts cannot grow with age" },
	{ "a: too few fields", AB "a 1 d 1 1\n", 6,
	  "bad a record: too few fields (expected 5)" },
	{ "a: too many fields", AB "a 1 d 1 1 1 1\n", 6,
	  "bad a record: too many fields (expected 5)" },
	{ "a: bad class", AB "a 1 x 1 1 1\n", 6,
	  "bad a record: class 'x'" },
	{ "a: bad hex age", AB "a 1 d 3C 1 1\n", 6,
	  "bad a record: age_s '3C'" },
	{ "a: no space after tag", AB "a\n", 6, "no space after the tag" },
	{ "w: no b record before it", HEAD "s 1 1 5\nw 1 d 1 1\n", 4,
	  "w record for stack 1 class d does not follow the b record" },
	{ "w: after the group's a records", AB "a 1 d 1 2 20\nw 1 d 1 1\n",
	  7, "does not follow the b record" },
	{ "w: second one", AB "w 1 d 1 1\nw 1 d 1 1\n", 7,
	  "second w record for stack 1 class d" },
	{ "w: more samples than blocks", AB "w 1 d 5 1\n", 6,
	  "5 samples of 4 blocks" },
	{ "w: too few fields", AB "w 1 d 1\n", 6,
	  "bad w record: too few fields (expected 4)" },
#undef AB
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
	test_valid_pq();
	test_valid_ages();
	test_valid_samples();
	for (i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++)
		test_bad_case(&bad_cases[i]);
	test_nul_byte();
	test_long_line();
	test_truncations();
	test_files();
	done_testing();
	return exit_status();
}
