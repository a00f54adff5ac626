/* SPDX-License-Identifier: MIT */
/*
 * text.c - the text report.  Its layout is a contract with people and with
 * golden test files:
 *
 *   leakshim: PROGRAM (pid N): [LIBPQ; ]MEMORY at exit after T s
 *   [leakshim: note: blocks were not classified (the scan could not run:
 *   STRERROR); every block is listed as live]
 *   [leakshim: note: ages are recorded at 1, 10, ... and 604800 s;
 *   --older-than S counted blocks older than T s[, at sites whose oldest
 *   block is older than S s]]
 *   [leakshim: warning: N allocations were not tracked ...]
 *
 *   Open connections: N at FUNCTION (FILE:LINE), oldest T s[; I idle over
 *   S s (longest T s)][; X idle in a transaction][; F failed connects never
 *   finished][; to TARGET, ...]
 *       #0 0xPC in FUNCTION FILE:LINE [(inlined)]
 *
 *   Results not cleared: N (S bytes) at FUNCTION (FILE:LINE), oldest T s
 *   Cancel handles not freed: N at FUNCTION (FILE:LINE), oldest T s
 *
 *   Direct leak of S bytes in B blocks at FUNCTION (FILE:LINE), oldest T s
 *       #0 0xPC in FUNCTION FILE:LINE [(inlined)]
 *       #1 0xPC in FUNCTION (MODULE+0xOFFSET)
 *       #2 0xPC in ??
 *
 *   [Suppressions used:
 *     blocks      bytes pattern
 *          1        100 leak_malloc]
 *
 *   SUMMARY: leakshim: MEMORY-SUMMARY[, S bytes in B blocks suppressed]
 *   (A allocations, F frees)[; libpq: C connections open (O opened, E
 *   finished, X failed), R results not cleared, K cancel handles not
 *   freed].
 *
 * (the headline, each entry's first line and the SUMMARY are one line
 * each).  When the dump is classified, MEMORY reads "S bytes leaked in B
 * blocks (D direct, I indirect); S bytes in B blocks still reachable;"
 * ("no leaks" when no block leaked, the reachable part only when a block
 * is reachable) and MEMORY-SUMMARY "S bytes leaked in B blocks (D direct,
 * I indirect), S bytes reachable in B blocks"; otherwise they read "B
 * blocks, S bytes live" and "S bytes live in B blocks from N sites".
 * The note is there when the dump is not classified because the scan
 * failed (counter scan_error); the --older-than note when S is not one of
 * the ages the dump counts blocks at (the second part when S is beyond
 * the largest).  The suppressions table, which lists
 * every pattern with what it suppressed first, and the "suppressed" part
 * are there when a suppression file was applied.  LIBPQ reads "C libpq
 * connections open (I idle over S s, X idle in a transaction), F failed
 * connects never finished, R results not cleared, K cancel handles not
 * freed"; it and the SUMMARY's libpq part are there only when the dump
 * shows libpq activity, and parts that are zero are left out (except the
 * count of open connections).  libpq entries come first, as an on-call
 * engineer reads them first: a connection entry whose connections all
 * failed reads "Failed connects never finished: N at ...".  Memory
 * entries start with "Direct leak of", "Indirect leak of", "Live:" or
 * "Reachable:"; "leakshim: no leaks found" stands for empty lists.
 * Names and paths come from the dump, from debug information and from
 * suppression files, so control bytes in them are printed as \xHH and
 * cannot break the layout or reach the terminal.
 */
#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include "dumpfmt.h"
#include "text.h"

/* --- pieces --- */

/* A name or path, control bytes escaped. */
void text_put_text(FILE *out, const char *s)
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
	text_put_text(out, f->file);
	if (f->line)
		fprintf(out, ":%u", f->line);
}

/* "(MODULE+0xOFFSET)", or "(MODULE)" without addresses. */
static void put_module(FILE *out, const struct sym_frame *f, bool addresses)
{
	putc('(', out);
	text_put_text(out, f->module);
	if (addresses)
		fprintf(out, "+0x%" PRIx64, f->offset);
	putc(')', out);
}

void text_put_site(FILE *out, const struct sym_frame *f)
{
	if (!f->function && !f->file)
		return;
	fputs(" at ", out);
	if (f->function)
		text_put_text(out, f->function);
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
	text_put_text(out, f->function ? f->function : "??");
	if (f->file) {
		putc(' ', out);
		put_source(out, f);
	} else if (f->module) {
		putc(' ', out);
		put_module(out, f, addresses);
	}
	fputs(f->inlined ? " (inlined)\n" : "\n", out);
}

/* " at SITE" of a stack, if it has one. */
static void put_stack_site(FILE *out, const struct report_stack *st)
{
	if (st->nframes)
		text_put_site(out, &st->frames[st->site]);
}

void text_put_frames(FILE *out, const struct report_stack *st,
		     bool addresses)
{
	size_t i;

	for (i = 0; i < st->nframes; i++)
		put_frame(out, i, &st->frames[i], addresses);
}

void text_put_entry(FILE *out, const struct report_entry *e,
		    bool addresses)
{
	static const char *const heads[] = {
		[REPORT_DIRECT] = "Direct leak of ",
		[REPORT_INDIRECT] = "Indirect leak of ",
		[REPORT_LIVE] = "Live: ",
		[REPORT_REACHABLE] = "Reachable: ",
	};

	fputs(heads[e->kind], out);
	if (e->group->sampled) {
		/* An estimate: "~N bytes (+/- E) in ~B blocks (S samples)". */
		putc('~', out);
		put_count(out, e->group->bytes, "byte");
		fprintf(out, " (+/- %" PRIu64 ") in ~", e->group->bytes_se);
		put_count(out, e->group->blocks, "block");
		fprintf(out, " (%" PRIu64 " sample%s)", e->group->samples,
			e->group->samples == 1 ? "" : "s");
	} else {
		put_count(out, e->group->bytes, "byte");
		fputs(" in ", out);
		put_count(out, e->group->blocks, "block");
	}
	put_stack_site(out, &e->st);
	fputs(", oldest ", out);
	put_seconds(out, e->group->oldest_ms);
	putc('\n', out);
	text_put_frames(out, &e->st, addresses);
}

/* "; 1 idle over 300 s (longest 301.0 s); ...; to T1, T2" of an entry. */
static void put_conn_details(FILE *out, const struct report *r,
			     const struct report_conn *e)
{
	size_t i;

	if (e->idle) {
		fprintf(out, "; %" PRIu64 " idle over %" PRIu64 " s (longest ",
			e->idle, r->conn_idle_s);
		put_seconds(out, e->longest_idle_ms);
		putc(')', out);
	}
	if (e->idle_in_xact)
		fprintf(out, "; %" PRIu64 " idle in a transaction",
			e->idle_in_xact);
	if (e->failed && e->failed < e->count) {
		fputs("; ", out);
		put_count(out, e->failed, "failed connect");
		fputs(" never finished", out);
	}
	for (i = 0; i < e->ntargets; i++) {
		fputs(i ? ", " : "; to ", out);
		text_put_text(out, e->targets[i]);
	}
}

void text_put_conn(FILE *out, const struct report *r,
		   const struct report_conn *e, bool addresses)
{
	if (e->failed == e->count)
		fprintf(out, "Failed connects never finished: %" PRIu64,
			e->count);
	else
		fprintf(out, "Open connections: %" PRIu64,
			e->count - e->failed);
	put_stack_site(out, &e->st);
	fputs(", oldest ", out);
	put_seconds(out, e->oldest_ms);
	put_conn_details(out, r, e);
	putc('\n', out);
	text_put_frames(out, &e->st, addresses);
}

/* A results entry (with bytes) or a cancel handles entry (without). */
void text_put_pq(FILE *out, const struct report_pq *e, bool results,
		 bool addresses)
{
	if (results) {
		fprintf(out, "Results not cleared: %" PRIu64 " (",
			e->group->count);
		put_count(out, e->group->bytes, "byte");
		putc(')', out);
	} else {
		fprintf(out, "Cancel handles not freed: %" PRIu64,
			e->group->count);
	}
	put_stack_site(out, &e->st);
	fputs(", oldest ", out);
	put_seconds(out, e->group->oldest_ms);
	putc('\n', out);
	text_put_frames(out, &e->st, addresses);
}

/* ", N noun-s what" when n is not zero. */
static void put_part(FILE *out, uint64_t n, const char *noun,
		     const char *what)
{
	if (!n)
		return;
	fputs(", ", out);
	put_count(out, n, noun);
	fputs(what, out);
}

/* The headline's libpq figures, up to and including "; ". */
static void put_headline_pq(FILE *out, const struct report *r)
{
	const struct report_summary *s = &r->summary;

	put_count(out, s->open_connections, "libpq connection");
	fputs(" open", out);
	if (s->idle_connections)
		fprintf(out, " (%" PRIu64 " idle over %" PRIu64 " s",
			s->idle_connections, r->conn_idle_s);
	if (s->idle_in_transaction)
		fprintf(out, "%s%" PRIu64 " idle in a transaction",
			s->idle_connections ? ", " : " (",
			s->idle_in_transaction);
	if (s->idle_connections || s->idle_in_transaction)
		putc(')', out);
	put_part(out, s->failed_connections, "failed connect",
		 " never finished");
	put_part(out, s->uncleared_results, "result", " not cleared");
	put_part(out, s->open_cancels, "cancel handle", " not freed");
	fputs("; ", out);
}

/* Classified: "9473 bytes leaked in 11 blocks (7 direct, 4 indirect)". */
static void put_leaked(FILE *out, const struct report_summary *s)
{
	put_count(out, util_sat_add(s->leaked_bytes, s->indirect_bytes),
		  "byte");
	fputs(" leaked in ", out);
	put_count(out, util_sat_add(s->leaked_blocks, s->indirect_blocks),
		  "block");
	fprintf(out, " (%" PRIu64 " direct, %" PRIu64 " indirect)",
		s->leaked_blocks, s->indirect_blocks);
}

/* The headline's memory figures, up to and including "; " or " ". */
static void put_headline_memory(FILE *out, const struct report *r)
{
	const struct report_summary *s = &r->summary;

	if (!r->classified) {
		fputs(r->sample ? "~" : "", out);
		put_count(out, s->live_blocks, "block");
		fputs(r->sample ? ", ~" : ", ", out);
		put_count(out, s->live_bytes, "byte");
		fputs(" live ", out);
		return;
	}
	if (s->leaked_blocks || s->indirect_blocks)
		put_leaked(out, s);
	else
		fputs("no leaks", out);
	if (s->reachable_blocks) {
		fputs("; ", out);
		put_count(out, s->reachable_bytes, "byte");
		fputs(" in ", out);
		put_count(out, s->reachable_blocks, "block");
		fputs(" still reachable", out);
	}
	fputs("; ", out);
}

/* The reason the scan could not run (report_scan_error). */
static void put_scan_error(FILE *out, uint64_t e)
{
	char buf[160];

	text_put_text(out, report_scan_error(e, buf, sizeof(buf)));
}

/* The note of --older-than S when S is not an age the dump counts at. */
static void put_older_note(FILE *out, const struct age_cut *c)
{
	static const uint64_t ages[LK_NAGES] = LK_AGE_THRESHOLDS;
	unsigned k;

	if (!c || c->exact)
		return;
	fputs("leakshim: note: ages are recorded at ", out);
	for (k = 0; k < LK_NAGES; k++)
		fprintf(out, "%s%" PRIu64, k == 0 ? "" :
			k + 1 < LK_NAGES ? ", " : " and ", ages[k]);
	fprintf(out, " s; --older-than %s counted blocks older than %" PRIu64
		" s", c->arg, c->age_s);
	if (c->min_ms > c->age_s * 1000)
		fprintf(out, ", at sites whose oldest block is older than %s s",
			c->arg);
	putc('\n', out);
}

static void put_headline(FILE *out, const struct report *r)
{
	const struct dump_process *p = &r->dump->proc;
	const char *when = p->reason[0] == 'e' ? "at exit"
			 : p->reason[0] == 's' ? "at signal"
			 : "at interval dump";

	fputs("leakshim: ", out);
	text_put_text(out, report_program(r));
	fprintf(out, " (pid %" PRIu64 "): ", p->pid);
	if (r->libpq)
		put_headline_pq(out, r);
	put_headline_memory(out, r);
	fprintf(out, "%s after ", when);
	put_seconds(out, p->uptime_ms);
	putc('\n', out);
	if (!r->classified && r->scan_error) {
		fputs("leakshim: note: blocks were not classified (the scan "
		      "could not run: ", out);
		put_scan_error(out, r->scan_error);
		fputs("); every block is listed as live\n", out);
	}
	put_older_note(out, r->older);
	if (r->sample)
		fprintf(out, "leakshim: note: sampled, about one allocation per "
			"%" PRIu64 " bytes: blocks and bytes are estimates, "
			"+/- one standard error\n", r->sample);
	if (r->dropped) {
		fputs("leakshim: warning: ", out);
		put_count(out, r->dropped, "allocation");
		fprintf(out, " %s not tracked (tracker out of memory); "
			"figures are lower bounds\n",
			r->dropped == 1 ? "was" : "were");
	}
}

/* The patterns of the suppression files applied, and what they took. */
static void put_suppressions(FILE *out, const struct report_supp *s)
{
	size_t i;

	fputs("\nSuppressions used:\n  blocks      bytes pattern\n", out);
	for (i = 0; i < s->count; i++) {
		fprintf(out, "%8" PRIu64 " %10" PRIu64 " ",
			s->patterns[i].blocks, s->patterns[i].bytes);
		text_put_text(out, s->patterns[i].pattern);
		putc('\n', out);
	}
}

/* "; libpq: 1 connection open (...), ..." of the SUMMARY line. */
static void put_summary_pq(FILE *out, const struct report_summary *s)
{
	fputs("; libpq: ", out);
	put_count(out, s->open_connections, "connection");
	fprintf(out, " open (%" PRIu64 " opened, %" PRIu64 " finished, %"
		PRIu64 " failed)", s->connections_opened,
		s->connections_finished, s->connections_failed);
	put_part(out, s->uncleared_results, "result", " not cleared");
	put_part(out, s->open_cancels, "cancel handle", " not freed");
}

/* The SUMMARY's memory figures, before its parenthesis. */
static void put_summary_memory(FILE *out, const struct report *r)
{
	const struct report_summary *s = &r->summary;

	if (r->classified) {
		put_leaked(out, s);
		fputs(", ", out);
		put_count(out, s->reachable_bytes, "byte");
		fputs(" reachable in ", out);
		put_count(out, s->reachable_blocks, "block");
	} else {
		fputs(r->sample ? "~" : "", out);
		put_count(out, s->live_bytes, "byte");
		fputs(r->sample ? " live in ~" : " live in ", out);
		put_count(out, s->live_blocks, "block");
		fputs(" from ", out);
		put_count(out, r->sites, "site");
	}
	if (r->supp) {
		fputs(", ", out);
		put_count(out, s->suppressed_bytes, "byte");
		fputs(" in ", out);
		put_count(out, s->suppressed_blocks, "block");
		fputs(" suppressed", out);
	}
}

static void put_summary(FILE *out, const struct report *r)
{
	fputs("SUMMARY: leakshim: ", out);
	put_summary_memory(out, r);
	fputs(" (", out);
	put_count(out, r->summary.total_allocs, "allocation");
	fputs(", ", out);
	put_count(out, r->summary.total_frees, "free");
	fputs(r->sample ? " sampled)" : ")", out);
	if (r->libpq)
		put_summary_pq(out, &r->summary);
	fputs(".\n", out);
}

/* The libpq entries: connections, results, cancel handles. */
static void put_pq_entries(FILE *out, const struct report *r,
			   bool addresses)
{
	size_t i;

	for (i = 0; i < r->nconns; i++) {
		putc('\n', out);
		text_put_conn(out, r, &r->conns[i], addresses);
	}
	for (i = 0; i < r->nresults; i++) {
		putc('\n', out);
		text_put_pq(out, &r->results[i], true, addresses);
	}
	for (i = 0; i < r->ncancels; i++) {
		putc('\n', out);
		text_put_pq(out, &r->cancels[i], false, addresses);
	}
}

int text_write(FILE *out, const struct report *r,
	       const struct report_options *o)
{
	size_t i;

	put_headline(out, r);
	put_pq_entries(out, r, !o->no_addresses);
	for (i = 0; i < r->count; i++) {
		putc('\n', out);
		text_put_entry(out, &r->entries[i], !o->no_addresses);
	}
	if (!r->count && !r->nconns && !r->nresults && !r->ncancels)
		fputs("\nleakshim: no leaks found\n", out);
	if (r->supp)
		put_suppressions(out, r->supp);
	putc('\n', out);
	put_summary(out, r);
	if (fflush(out) || ferror(out))
		return errno ? -errno : -EIO;
	return 0;
}
