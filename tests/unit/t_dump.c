/* SPDX-License-Identifier: MIT */
/*
 * t_dump.c - the dump round trip: the shim's writer (shim/dump.c) and the
 * reporter's parser (reporter/parse.c) must agree on every field, and the
 * file must be private, complete and never written through a symlink.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "arena.h"
#include "dumpfmt.h"
#include "parse.h"
#include "shim.h"
#include "stack.h"
#include "table.h"
#include "tap.h"

static char dir[] = "/tmp/t_dump.XXXXXX";

static void add(uintptr_t addr, uint64_t size, uint32_t stack)
{
	struct lk_block b = { addr, size, stack, 0, 0 };

	lk_table_add(&b);
}

static const struct dump_group *group_of(const struct dump *d, uint64_t id)
{
	size_t i;

	for (i = 0; i < d->ngroups; i++)
		if (d->groups[i].stack->id == id)
			return &d->groups[i];
	return NULL;
}

static int has_module(const struct dump *d, const char *path)
{
	size_t i;

	for (i = 0; i < d->nmodules; i++)
		if (strcmp(d->modules[i].path, path) == 0 &&
		    d->modules[i].lo < d->modules[i].hi &&
		    d->modules[i].build_id)
			return 1;
	return 0;
}

static void test_round_trip(void)
{
	uintptr_t a[2] = { 0x401000, 0x7f0000001234ull }, b[1] = { 0x402000 };
	struct lk_dump_totals t;
	struct util_err err;
	struct dump d;
	const struct dump_group *g;
	struct dump_stack *s;
	char path[256], exe[256];
	struct stat st;
	uint32_t ia, ib;
	ssize_t n;

	ia = lk_stack_intern(a, 2);
	ib = lk_stack_intern(b, 1);
	add(0x10000, 100, ia);
	add(0x10010, 20, ia);
	add(0x20000, 7, ib);
	add(0x30000, 1, ib);
	lk_table_del(0x30000, NULL);
	snprintf(lk_progname, LK_PROGNAME_MAX, "%s", "we ird\nname\\");

	is_int(lk_dump(LK_REASON_SIGNAL, &t), 0, "dump written");
	is_int(t.blocks, 3, "totals: blocks");
	is_int(t.bytes, 127, "totals: bytes");
	is_int(t.sites, 2, "totals: sites");
	snprintf(path, sizeof(path), "%s/d.%d.1.dump", dir, (int)getpid());
	ok(stat(path, &st) == 0, "named from the pattern: %s", path);
	is_int(st.st_mode & 0777, 0600, "mode 0600");

	memset(&d, 0, sizeof(d));
	is_int(parse_file(&d, path, &err), 0, "reporter parses it");
	is_int(d.proc.pid, getpid(), "pid");
	is_int(d.proc.ppid, getppid(), "ppid");
	is_str(d.proc.reason, "signal", "reason");
	is_int(d.proc.seq, 1, "sequence number");
	is_str(d.proc.name, "we ird\nname\\", "escaped name round-trips");
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	exe[n > 0 ? n : 0] = 0;
	is_str(d.proc.exe, exe, "executable path");
	ok(has_module(&d, exe), "module map holds the program, with build-id");
	is_int(parse_counter(&d, "allocs", 0), 4, "allocs counter");
	is_int(parse_counter(&d, "frees", 0), 1, "frees counter");
	is_int(parse_counter(&d, "dropped", 99), 0, "dropped counter");
	is_int(parse_option(&d, "depth", 0), 32, "depth setting");
	is_int(d.ngroups, 2, "one group per stack");
	g = group_of(&d, ia);
	ok(g && g->blocks == 2 && g->bytes == 120 && g->cls == 'l',
	   "stack a: 2 live blocks, 120 bytes");
	g = group_of(&d, ib);
	ok(g && g->blocks == 1 && g->bytes == 7, "stack b: 1 block, 7 bytes");
	s = parse_find_stack(&d, ia);
	ok(s && s->count == 2 && s->pcs[0] == a[0] && s->pcs[1] == a[1],
	   "frames round-trip");
	parse_free(&d);
}

static void test_symlink(void)
{
	char target[256], link[256], path[256], buf[16];
	int fd;

	snprintf(target, sizeof(target), "%s/victim", dir);
	snprintf(path, sizeof(path), "%s/d.%d.2.dump", dir, (int)getpid());
	fd = open(target, O_WRONLY | O_CREAT, 0644);
	ok(fd >= 0 && write(fd, "keep", 4) == 4, "victim file");
	close(fd);
	snprintf(link, sizeof(link), "%s", path);
	ok(symlink(target, link) == 0, "symlink planted at the next dump name");
	is_int(lk_dump(LK_REASON_SIGNAL, NULL), 0, "dump written");
	fd = open(target, O_RDONLY);
	buf[0] = 0;
	if (fd >= 0 && read(fd, buf, sizeof(buf)) == 4)
		buf[4] = 0;
	close(fd);
	is_str(buf, "keep", "the symlink's target is untouched");
	fd = open(path, O_RDONLY | O_NOFOLLOW);
	ok(fd >= 0, "the dump replaced the symlink with a file");
	close(fd);
}

static void test_unwritable(void)
{
	strcpy(lk_cfg.path, "/nonexistent-dir/x.dump");
	is_int(lk_dump(LK_REASON_SIGNAL, NULL), -ENOENT,
	       "unwritable path fails with its errno");
}

int main(void)
{
	ok(mkdtemp(dir) != NULL, "temp dir");
	lk_config_defaults(&lk_cfg);
	snprintf(lk_cfg.path, sizeof(lk_cfg.path), "%s/d.%%p.%%n.dump", dir);
	lk_start_ms = lk_mono_ms();
	ok(lk_table_init(), "table init");
	test_round_trip();
	test_symlink();
	test_unwritable();
	done_testing();
	return exit_status();
}
