/* SPDX-License-Identifier: MIT */
/*
 * pprof.h - `leakreport --format pprof`: the report as a gzip-compressed
 * pprof heap profile (profile.proto), for `go tool pprof`, Pyroscope,
 * Parca and the other readers of that format.
 *
 * Sample types, in this order: leaked_objects/count and leaked_space/bytes
 * (direct and indirect leaks), inuse_objects/count and inuse_space/bytes
 * (every block of the dump, whatever its class), connections/count (libpq
 * connections not finished), results/count (libpq results not cleared)
 * and cancels/count (cancel handles not freed).  The default type is leaked_space, or inuse_space when the
 * dump's blocks were not classified; the period type is space/bytes, the
 * period the dump's sampling period (1 when every allocation is tracked).
 * Each entry of the report is one sample, labelled kind=direct, indirect,
 * reachable or live, and oldest_age (milliseconds); each connection entry
 * each results and each cancels entry is one more, labelled kind=connection,
 * result or cancel
 * (connections also target=user@host:port/db, one label per target).
 *
 * Locations are the distinct return addresses of the stacks; a location's
 * address is the return address minus 1 (inside the call, where the
 * symbolizer looked), its lines the frames that address expands to,
 * inlined ones first.  Mappings are the dump's modules, the program first,
 * with their range, file offset, path and build-id, and flags that say
 * what leakreport could symbolize in them, so pprof symbolizes again only
 * the modules leakreport could not.
 */
#ifndef LK_REPORTER_PPROF_H
#define LK_REPORTER_PPROF_H

#include <stdio.h>

#include "report.h"

/*
 * Write r, which must have been built with every entry (all, no top), to
 * out.  Returns 0, or a negative errno when memory or writing failed.
 */
int pprof_write(FILE *out, const struct report *r);

#endif
