/*
 * libcleak.c - leaks through libc functions that allocate for their caller.
 *
 * The report names the caller's line for each, not the libc internals:
 *   LEAK:asprintf   1 block,  11 bytes  ("leak 12345" and its NUL)
 *   LEAK:getline    1 block, 120 bytes  (getline's first buffer)
 *   LEAK:memstream  1 block,  25 bytes  (open_memstream's buffer, at the
 *                                        fclose that gave it its final size)
 *   LEAK:realpath   1 block,   2 bytes  (realpath("/", NULL))
 * Every FILE it opens is closed, so nothing else of stdio stays live.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char text[] = "first line\nsecond line\n";

static char *leak_asprintf(void)
{
	char *s = NULL;

	if (asprintf(&s, "leak %d", 12345) < 0)		/* LEAK:asprintf */
		return NULL;
	return s;
}

static char *leak_getline(void)
{
	FILE *f = fmemopen(text, strlen(text), "r");
	char *line = NULL;
	size_t n = 0;

	if (!f)
		return NULL;
	if (getline(&line, &n, f) < 0)			/* LEAK:getline */
		line = NULL;
	fclose(f);
	return line;
}

static char *leak_memstream(void)
{
	char *buf = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&buf, &n);

	if (!f)
		return NULL;
	fputs("some text for the stream", f);
	fclose(f);					/* LEAK:memstream */
	return buf;
}

static char *leak_realpath(void)
{
	return realpath("/", NULL);			/* LEAK:realpath */
}

int main(void)
{
	char *p[4];

	p[0] = leak_asprintf();
	p[1] = leak_getline();
	p[2] = leak_memstream();
	p[3] = leak_realpath();
	if (!p[0] || !p[1] || !p[2] || !p[3])
		return 1;
	p[0] = p[1] = p[2] = p[3] = NULL;
	return write(1, "libcleak: done\n", 15) == 15 ? 0 : 1;
}
