/* SPDX-License-Identifier: MIT */
/*
 * symbolize.h - turns the raw return addresses of a dump into frames:
 * function, source file and line, with inlined functions expanded.
 *
 * A symbolizer holds one libdwfl session for one dump: each module of the
 * dump's map is opened the first time a pc falls in it, at the load bias
 * the dump recorded, and separate debug files are found the standard way
 * (/usr/lib/debug/.build-id).  Results are cached per pc, so a dump with
 * many stacks that share frames costs one lookup per distinct pc.  Frames
 * and their strings belong to the symbolizer and live until it is closed.
 */
#ifndef LK_REPORTER_SYMBOLIZE_H
#define LK_REPORTER_SYMBOLIZE_H

#include <stdbool.h>
#include <stdint.h>

#include "parse.h"
#include "util.h"

/* Most frames one pc expands to (an inline chain deeper than this is cut). */
#define SYM_MAX_INLINE	64

/* One frame of a symbolized stack. */
struct sym_frame {
	uint64_t pc;		/* the return address, as in the dump */
	const char *module;	/* path of the module holding pc, or NULL */
	uint64_t offset;	/* pc minus that module's load bias */
	const char *function;	/* demangled function name, or NULL */
	const char *file;	/* absolute source file, or NULL */
	unsigned line;		/* source line, 0 when unknown */
	bool inlined;		/* inlined into the next frame's function */
};

struct symbolizer;

/*
 * Called with a one-line warning (no prefix, no newline) about a module
 * that cannot be used as the dump describes it; each module warns once.
 */
struct sym_warner {
	void (*warn)(void *arg, const char *msg);
	void *arg;
};

/*
 * Start symbolizing the pcs of d, which must outlive the symbolizer.
 * warner may be NULL.  Returns 0, or -ENOMEM with err filled.
 */
int symbolize_open(struct symbolizer **out, const struct dump *d,
		   const struct sym_warner *warner, struct util_err *err);

/*
 * The frames of one return address, innermost (inlined) first: at least
 * one, at most SYM_MAX_INLINE.  Modules that cannot be opened give a
 * frame with only pc and module.  Returns 0, or -ENOMEM with err filled.
 */
int symbolize_pc(struct symbolizer *s, uint64_t pc,
		 const struct sym_frame **frames, unsigned *count,
		 struct util_err *err);

/* Free the symbolizer, its cache and its strings.  s may be NULL. */
void symbolize_close(struct symbolizer *s);

#endif
