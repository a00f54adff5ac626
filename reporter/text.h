/* SPDX-License-Identifier: MIT */
/*
 * text.h - writes a report for people, in the manner of LeakSanitizer:
 * a headline, one paragraph per entry with its numbered frames, and a
 * SUMMARY line.
 */
#ifndef LK_REPORTER_TEXT_H
#define LK_REPORTER_TEXT_H

#include <stdio.h>

#include "report.h"

/*
 * Write r to out; o->no_addresses leaves out pcs and module offsets so
 * that the text is the same from run to run.  Returns 0, or a negative
 * errno if writing failed.
 */
int text_write(FILE *out, const struct report *r,
	       const struct report_options *o);

/* A name or path from a dump or debug information, control bytes as \xHH. */
void text_put_text(FILE *out, const char *s);

/* " at FUNCTION (FILE:LINE)" of frame f, leaving out what is unknown. */
void text_put_site(FILE *out, const struct sym_frame *f);

/* The numbered frames of st, one line each ("    #0 0xPC in ..."). */
void text_put_frames(FILE *out, const struct report_stack *st,
		     bool addresses);

/* The paragraph of one entry of each list, as text_write writes it: its
 * line ("Direct leak of ...", "Open connections: ...", "Results not
 * cleared: ...", or for !results "Cancel handles not freed: ...") and
 * its numbered frames. */
void text_put_entry(FILE *out, const struct report_entry *e,
		    bool addresses);
void text_put_conn(FILE *out, const struct report *r,
		   const struct report_conn *e, bool addresses);
void text_put_pq(FILE *out, const struct report_pq *e, bool results,
		 bool addresses);

#endif
