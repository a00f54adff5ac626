/* SPDX-License-Identifier: MIT */
/*
 * text.c - the text report.  Its layout is a contract with people and with
 * golden test files:
 *
 *   leakshim: PROGRAM (pid N): B blocks, S bytes live at exit after T s
 *   [leakshim: warning: N allocations were not tracked ...]
 *
 *   Direct leak of S bytes in B blocks at FUNCTION (FILE:LINE), oldest T s
 *       #0 0xPC in FUNCTION FILE:LINE [(inlined)]
 *       #1 0xPC in FUNCTION (MODULE+0xOFFSET)
 *       #2 0xPC in ??
 *
 *   SUMMARY: leakshim: S bytes live in B blocks from N sites (A allocations,
 *   F frees).
 *
 * (the SUMMARY is one line).  Entries start with "Direct leak of",
 * "Indirect leak of", "Live:" or "Reachable:"; "leakshim: no leaks found"
 * stands for an empty list.  Names and paths come from the dump and from
 * debug information, so control bytes in them are printed as \xHH and
 * cannot break the layout or reach the terminal.
 */
#include <errno.h>
#include <inttypes.h>

#include "text.h"

/* --- pieces --- */

/* A name or path, control bytes escaped. */
static void put_text(FILE *out, const char *s)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c < 0x20 || c == 0x7f)
			fprintf(out, "\\x%02x", c);
		else
			putc(c, out);
	}
}

/* "1 byte", "2 bytes": count and a noun whose plural adds an s. */
static void put_count(FILE *out, uint64_t n, const char *noun)
{
	fprintf(out, "%" PRIu64 " %s%s", n, noun, n == 1 ? "" : "s");
}

/* Milliseconds as "0.3 s". */
static void put_seconds(FILE *out, uint64_t ms)
{
	uint64_t t = util_ms_to_tenths(ms);

	fprintf(out, "%" PRIu64 ".%u s", t / 10, (unsigned)(t % 10));
}

/* "FILE:LINE", or "FILE" when the line is unknown. */
static void put_source(FILE *out, const struct sym_frame *f)
{
	put_text(out, f->file);
	if (f->line)
		fprintf(out, ":%u", f->line);
}

/* "(MODULE+0xOFFSET)", or "(MODULE)" without addresses. */
static void put_module(FILE *out, const struct sym_frame *f, bool addresses)
{
	putc('(', out);
	put_text(out, f->module);
	if (addresses)
		fprintf(out, "+0x%" PRIx64, f->offset);
	putc(')', out);
}

/* " at FUNCTION (FILE:LINE)", leaving out what is unknown. */
static void put_site(FILE *out, const struct sym_frame *f)
{
	if (!f->function && !f->file)
		return;
	fputs(" at ", out);
	if (f->function)
		put_text(out, f->function);
	if (f->function && f->file)
		fputs(" (", out);
	if (f->file)
		put_source(out, f);
	if (f->function && f->file)
		putc(')', out);
}

/* --- paragraphs --- */

static void put_frame(FILE *out, size_t i, const struct sym_frame *f,
		      bool addresses)
{
	fprintf(out, "    #%zu ", i);
	if (addresses)
		fprintf(out, "0x%" PRIx64 " ", f->pc);
	fputs("in ", out);
	put_text(out, f->function ? f->function : "??");
	if (f->file) {
		putc(' ', out);
		put_source(out, f);
	} else if (f->module) {
		putc(' ', out);
		put_module(out, f, addresses);
	}
	fputs(f->inlined ? " (inlined)\n" : "\n", out);
}

static void put_entry(FILE *out, const struct report_entry *e,
		      bool addresses)
{
	static const char *const heads[] = {
		[REPORT_DIRECT] = "Direct leak of ",
		[REPORT_INDIRECT] = "Indirect leak of ",
		[REPORT_LIVE] = "Live: ",
		[REPORT_REACHABLE] = "Reachable: ",
	};
	size_t i;

	fputs(heads[e->kind], out);
	put_count(out, e->group->bytes, "byte");
	fputs(" in ", out);
	put_count(out, e->group->blocks, "block");
	if (e->nframes)
		put_site(out, &e->frames[e->site]);
	fputs(", oldest ", out);
	put_seconds(out, e->group->oldest_ms);
	putc('\n', out);
	for (i = 0; i < e->nframes; i++)
		put_frame(out, i, &e->frames[i], addresses);
}

static void put_headline(FILE *out, const struct report *r)
{
	const struct dump_process *p = &r->dump->proc;
	const char *when = p->reason[0] == 'e' ? "at exit"
			 : p->reason[0] == 's' ? "at signal"
			 : "at interval dump";

	fputs("leakshim: ", out);
	put_text(out, report_program(r));
	fprintf(out, " (pid %" PRIu64 "): ", p->pid);
	put_count(out, r->summary.live_blocks, "block");
	fputs(", ", out);
	put_count(out, r->summary.live_bytes, "byte");
	fprintf(out, " live %s after ", when);
	put_seconds(out, p->uptime_ms);
	putc('\n', out);
	if (r->dropped) {
		fputs("leakshim: warning: ", out);
		put_count(out, r->dropped, "allocation");
		fprintf(out, " %s not tracked (tracker out of memory); "
			"figures are lower bounds\n",
			r->dropped == 1 ? "was" : "were");
	}
}

static void put_summary(FILE *out, const struct report *r)
{
	fputs("SUMMARY: leakshim: ", out);
	put_count(out, r->summary.live_bytes, "byte");
	fputs(" live in ", out);
	put_count(out, r->summary.live_blocks, "block");
	fputs(" from ", out);
	put_count(out, r->sites, "site");
	fputs(" (", out);
	put_count(out, r->summary.total_allocs, "allocation");
	fputs(", ", out);
	put_count(out, r->summary.total_frees, "free");
	fputs(").\n", out);
}

int text_write(FILE *out, const struct report *r,
	       const struct report_options *o)
{
	size_t i;

	put_headline(out, r);
	for (i = 0; i < r->count; i++) {
		putc('\n', out);
		put_entry(out, &r->entries[i], !o->no_addresses);
	}
	if (!r->count)
		fputs("\nleakshim: no leaks found\n", out);
	putc('\n', out);
	put_summary(out, r);
	if (fflush(out) || ferror(out))
		return errno ? -errno : -EIO;
	return 0;
}
