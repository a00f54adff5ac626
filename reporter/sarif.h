/* SPDX-License-Identifier: MIT */
/*
 * sarif.h - `leakreport --format sarif`: the report as a SARIF 2.1.0 log,
 * for code-scanning dashboards (GitHub, GitLab, IDE viewers), which show
 * each result at its source line.
 *
 * One run of the tool "leakshim", with five rules: leakshim/direct-leak
 * (level error), leakshim/indirect-leak (warning),
 * leakshim/leaked-connection (error), leakshim/uncleared-result (warning)
 * and leakshim/unfreed-cancel (note).  One result per direct and per
 * indirect leak entry; per connection entry that counts as leaked
 * (report_conn_leaked); per results and cancel handles entry of an exit
 * dump.  Reachable and live blocks are no results.  A result's location
 * is its site frame's source file and line (and function, as a logical
 * location); its message says what and how much, like the text report's
 * entry line; its stack is in "stacks"; its properties hold the figures;
 * "partialFingerprints" keeps it one alert across runs.
 *
 * File paths under the working directory are written relative to it,
 * with the uriBaseId SRCROOT (the working directory, in
 * originalUriBaseIds): run leakreport from the repository's top for
 * repository-relative paths.  Other absolute paths are file:// URIs.
 */
#ifndef LK_REPORTER_SARIF_H
#define LK_REPORTER_SARIF_H

#include <stdio.h>

#include "report.h"

/* Write r to out.  Returns 0, or a negative errno. */
int sarif_write(FILE *out, const struct report *r);

#endif
