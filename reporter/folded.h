/* SPDX-License-Identifier: MIT */
/*
 * folded.h - `leakreport --format folded`: the report as folded
 * ("collapsed") stacks, the input of flamegraph.pl, inferno, speedscope
 * and Pyroscope's folded ingest.
 *
 * One line per distinct stack: its frames' names, outermost first,
 * separated by ';', then a space and the weight.  The weight is the bytes
 * (or, with --weight blocks, the blocks) of the direct and indirect leaks
 * at that stack; of the live blocks when the dump is not classified; and
 * of the reachable blocks too with --all.  Lines are sorted, stacks whose
 * names are the same are added up, and lines of weight 0 are left out,
 * so the weights add up to the JSON summary's figures.
 *
 * A frame's name is its function; without one, the base name of its
 * module and the offset ("libfoo.so+0x1a2b"); without a module, "??".
 * A ';' in a name becomes ':', and control bytes become '?', so that a
 * name can neither split a frame nor a line.
 */
#ifndef LK_REPORTER_FOLDED_H
#define LK_REPORTER_FOLDED_H

#include <stdbool.h>
#include <stdio.h>

#include "report.h"

/* Longest frame name written; longer ones are cut. */
#define FOLDED_NAME_MAX	1024

/*
 * Write r's entries to out, weighted by blocks instead of bytes when
 * blocks is set.  r must have been built without --top.  Returns 0, or a
 * negative errno when memory or writing failed.
 */
int folded_write(FILE *out, const struct report *r, bool blocks);

/* The name of frame f as a folded stack shows it, into buf. */
void folded_frame_name(char *buf, size_t size, const struct sym_frame *f);

/* The weight of entry e: its bytes, or its blocks.  The report lists
 * what counts: leaks, live blocks, reachable ones only with --all. */
uint64_t folded_weight(const struct report_entry *e, bool blocks);

#endif
