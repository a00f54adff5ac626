/* SPDX-License-Identifier: MIT */
/*
 * dumpfmt.h - the leakshim dump format, shared by the writer (shim/dump.c)
 * and the reader (reporter/parse.c).  docs/dump-format.md explains it for
 * people; this comment is the grammar both sides implement.
 *
 * A dump is text, one record per line, '\n' terminated:
 *
 *   leakshim-dump 1                      first line, always
 *   P pid ppid reason time_ms uptime_ms seq signal
 *   X exe-path                           absolute path of the executable
 *   N program-name                       short name (argv[0] basename)
 *   S path                               suppression file the shim used
 *   o name value                         a numeric setting (depth, ...)
 *   c name value                         a counter (allocs, frees, ...)
 *   m lo hi bias build-id path           one loaded module
 *   s id n pc1 ... pcn                   an interned stack, innermost first
 *   b stack class blocks bytes oldest_ms live blocks of one stack and class
 *   a stack class age_s blocks bytes     of those, the ones older than age_s
 *   w stack class samples stderr_bytes   when sampling: the b record is an
 *                                        estimate from this many samples
 *   C stack age_ms idle_ms status xact flags pid target
 *                                        one open libpq connection
 *   R stack count bytes oldest_ms        results not cleared, per stack
 *   K stack count oldest_ms              cancel handles not freed
 *   e records dropped                    last line: records written between
 *                                        the first line and this one
 *
 * Every number is lower-case hexadecimal without "0x".  `reason` is one of
 * LK_REASON_*; `class` is one letter, LK_CLASS_*.  `build-id` is hex or
 * "-".  A string field (path, name) is last on its line and runs to the
 * end of it; a backslash, a newline or any other byte below 0x20 or equal
 * to 0x7f in it is written as "\\", "\n" or "\xHH".
 *
 * Order: P, X, N and S come before the first m; every s comes before the
 * first b, C, R or K that names it; an a record follows the b record of
 * its stack and class, as does a w record (written only when `o sample`
 * is not 0: then b, a and the summary figures are unbiased estimates);
 * e is last.  age_s is one of LK_AGE_THRESHOLDS, and
 * an a record is written only when some block is that old.  In C, status is libpq's
 * ConnStatusType and xact its PGTransactionStatusType at dump time, flags
 * holds LK_CONN_*; target is "user@host:port/dbname", never a password.  A reader rejects a first line with
 * another version, a malformed known record, or a missing e; it skips
 * records whose tag it does not know, so later versions of the writer
 * may add records without breaking older readers.
 */
#ifndef LK_DUMPFMT_H
#define LK_DUMPFMT_H

#define LK_DUMP_MAGIC		"leakshim-dump"
#define LK_DUMP_VERSION		1

#define LK_TAG_PROCESS		'P'
#define LK_TAG_EXE		'X'
#define LK_TAG_NAME		'N'
#define LK_TAG_SUPPRESSIONS	'S'
#define LK_TAG_OPTION		'o'
#define LK_TAG_COUNTER		'c'
#define LK_TAG_MODULE		'm'
#define LK_TAG_STACK		's'
#define LK_TAG_BLOCKS		'b'
#define LK_TAG_AGES		'a'
#define LK_TAG_SAMPLES		'w'
#define LK_TAG_CONN		'C'
#define LK_TAG_RESULTS		'R'
#define LK_TAG_CANCELS		'K'
#define LK_TAG_END		'e'

/* Why the dump was written. */
#define LK_REASON_EXIT		"exit"
#define LK_REASON_SIGNAL	"signal"
#define LK_REASON_INTERVAL	"interval"

/* Leak class of a group of blocks (DESIGN.md: kind). */
#define LK_CLASS_LIVE		'l'	/* not classified */
#define LK_CLASS_DIRECT		'd'	/* no pointer reaches it */
#define LK_CLASS_INDIRECT	'i'	/* reached only from leaked blocks */
#define LK_CLASS_REACHABLE	'r'	/* still referenced */

/* Flags of a C record. */
#define LK_CONN_FAILED		1	/* the connect failed, never finished */

/* Ages, in seconds, at which a dump counts the blocks older than them
 * (record a): 1 s, 10 s, 1 min, 5 min, 15 min, 1 h, 6 h, 1 day, 1 week. */
#define LK_AGE_THRESHOLDS	{ 1, 10, 60, 300, 900, 3600, 21600, 86400, \
				  604800 }
#define LK_NAGES		9

/* Longest stack a dump may hold; readers reject longer ones. */
#define LK_MAX_FRAMES		256

#endif
