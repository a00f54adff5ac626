/* SPDX-License-Identifier: MIT */
/*
 * flame.h - the flame graph of the HTML report: an inline SVG icicle
 * (the root on top, callees below their callers) of the report's
 * entries, each box a function, as wide as the bytes allocated below it.
 *
 * Stacks are merged as flame graphs merge them: from the outermost frame
 * in, frames of the same name under the same parent are one box
 * (folded_frame_name gives the names).  Boxes are ordered by weight,
 * largest left.  Colours: warm for the program's own frames, blue-grey
 * for the C and C++ runtimes, violet for libpq.  Each box carries its
 * name, figures and share in a <title> (the tooltip), and its place as
 * data-x, data-w (fractions of the total) and data-d (depth), which the
 * page's script uses to zoom into a box when it is clicked (the root box
 * zooms out).
 */
#ifndef LK_REPORTER_FLAME_H
#define LK_REPORTER_FLAME_H

#include <stdio.h>

#include "report.h"

/* Width of the picture in SVG units, and of a character at its size. */
#define FLAME_W		1200
#define FLAME_CHAR_W	6.7

/*
 * Write the <svg> of the entries of r (all of them, whatever --top said)
 * to out, weighted by bytes; what the title calls the total is the
 * caller's.  Returns 0, or -ENOMEM.
 */
int flame_put_svg(FILE *out, const struct report *r);

#endif
