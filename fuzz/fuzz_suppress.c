/* SPDX-License-Identifier: MIT */
/*
 * fuzz_suppress.c - libFuzzer target for suppression files and their
 * patterns (reporter/suppress.c).
 *
 * The input is a suppression file, then optionally a line "%%" and names
 * to match, one a line.  The file part is written to a memfd and loaded
 * with suppress_load through /proc/self/fd/N, as leakreport --suppressions
 * would load a file (twice: the second load must see the same file and
 * add nothing).  A refusal must come with a message fit for leakreport's
 * one line on stderr: naming the file, no control byte.  Every pattern
 * loaded is matched against every name with suppress_match, and the
 * answer compared with a plain dynamic-programming matcher of the same
 * rules (README: `*` any run, a leading `^` and a trailing `$` anchor,
 * otherwise anywhere; an empty name never matches); suppress_find runs
 * on a stack whose frames carry the names.
 *
 * Build (make fuzz): clang -fsanitize=fuzzer,address,undefined with the
 * reporter's sources.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "report.h"
#include "suppress.h"
#include "symbolize.h"

/* Most names matched, and the largest pattern x name the matcher checks. */
#define FUZZ_MAX_NAMES	16
#define FUZZ_MAX_CELLS	(1u << 16)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fail(const char *what, const char *a, const char *b)
{
	fprintf(stderr, "fuzz_suppress: %s\n[%s]\n[%s]\n", what, a ? a : "",
		b ? b : "");
	abort();
}

/* --- the reference matcher --- */

/*
 * Whether p[0..n) matches s[0..m): dp[i * (m + 1) + j] says whether the
 * pattern's p[i..n) matches at s[j], to the end of s when tail.
 */
static bool ref_match(const char *pattern, const char *s)
{
	const char *p = pattern;
	size_t n, m = strlen(s), i, j;
	bool head, tail, r = false, *dp;

	head = *p == '^';
	p += head;
	n = strlen(p);
	tail = n && p[n - 1] == '$';
	n -= tail;
	dp = malloc((n + 1) * (m + 1) * sizeof(*dp));
	if (!dp)
		abort();
	for (j = 0; j <= m; j++)
		dp[n * (m + 1) + j] = !tail || j == m;
	for (i = n; i-- > 0;)
		for (j = m + 1; j-- > 0;)
			dp[i * (m + 1) + j] = p[i] == '*' ?
				dp[(i + 1) * (m + 1) + j] ||
				(j < m && dp[i * (m + 1) + j + 1]) :
				j < m && p[i] == s[j] &&
				dp[(i + 1) * (m + 1) + j + 1];
	for (j = 0; j <= (head ? 0 : m) && !r; j++)
		r = dp[j];
	free(dp);
	return r;
}

/* --- loading --- */

/* Load data[0..size) as a suppression file into s; 0 or an error. */
static int load(struct report_supp *s, const uint8_t *data, size_t size,
		char *path, size_t pathsize)
{
	struct util_err err = { "" };
	int fd = memfd_create("fuzz.supp", MFD_CLOEXEC), r;
	size_t before;

	if (fd < 0 || (size && write(fd, data, size) != (ssize_t)size))
		abort();
	snprintf(path, pathsize, "/proc/self/fd/%d", fd);
	r = suppress_load(s, path, &err);
	if (r) {
		if (strncmp(err.msg, path, strlen(path)))
			fail("suppression error does not name the file",
			     err.msg, path);
		for (size_t i = 0; err.msg[i]; i++)
			if ((unsigned char)err.msg[i] < 0x20 ||
			    err.msg[i] == 0x7f)
				fail("control byte in a suppression error",
				     err.msg, NULL);
		if (s->count || s->nfiles)
			fail("a refused file left patterns", err.msg, NULL);
	} else {
		before = s->count;
		if (suppress_load(s, path, &err) || s->count != before ||
		    s->nfiles != 1)
			fail("loading the same file twice", err.msg, NULL);
	}
	close(fd);
	return r;
}

/* --- matching --- */

/* Split names[0..size) at newlines into v (NUL-terminated copies). */
static size_t split_names(const char *names, size_t size, char **v)
{
	const char *p = names, *end = names + size, *nl;
	size_t k = 0;

	while (p < end && k < FUZZ_MAX_NAMES) {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (!nl)
			nl = end;
		v[k] = strndup(p, (size_t)(nl - p));
		if (!v[k++])
			abort();
		p = nl + 1;
	}
	return k;
}

static void match_all(const struct report_supp *s, char **names, size_t k)
{
	struct sym_frame frames[FUZZ_MAX_NAMES] = { { 0 } };
	struct report_stack st = { frames, k, 0 };
	size_t i, j, found;
	bool got, want;

	for (j = 0; j < k; j++) {
		frames[j].function = names[j];
		frames[j].file = j % 2 ? names[j] : NULL;
		frames[j].module = j % 3 ? NULL : names[j];
	}
	for (i = 0; i < s->count; i++)
		for (j = 0; j < k; j++) {
			const char *p = s->patterns[i].pattern;

			if ((strlen(p) + 1) * (strlen(names[j]) + 1) >
			    FUZZ_MAX_CELLS)
				continue;
			got = suppress_match(p, names[j]);
			want = names[j][0] && ref_match(p, names[j]);
			if (got != want)
				fail(got ? "suppress_match matched wrongly"
					 : "suppress_match missed a match",
				     p, names[j]);
		}
	found = suppress_find(s, &st);
	if (found > s->count)
		fail("suppress_find out of range", NULL, NULL);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char sep[] = "\n%%\n";
	struct report_supp s = { 0 };
	const uint8_t *names;
	char *v[FUZZ_MAX_NAMES], path[64];
	size_t fsize, k = 0;

	names = memmem(data, size, sep, sizeof(sep) - 1);
	fsize = names ? (size_t)(names - data) : size;
	if (load(&s, data, fsize, path, sizeof(path)) == 0 && names) {
		names += sizeof(sep) - 1;
		k = split_names((const char *)names,
				size - (size_t)(names - data), v);
		match_all(&s, v, k);
	}
	while (k > 0)
		free(v[--k]);
	suppress_free(&s);
	return 0;
}
