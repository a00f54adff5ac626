/* SPDX-License-Identifier: MIT */
/*
 * junit.h - `leakreport --format junit`: the report as JUnit XML, for the
 * test dashboards of Jenkins, GitLab and the like.
 *
 * One <testsuite> named leakshim.PROGRAM in a <testsuites>, whose test
 * cases all have the class name leakshim.PROGRAM:
 *
 *  - "leak check": fails when the report holds a direct or indirect leak
 *    or a leaked connection (report_conn_leaked), or, at an exit dump,
 *    results or cancel handles; the failure's text is the whole text
 *    report.  A stable name, present in every run.
 *  - one per memory entry, "direct leak at FUNCTION (FILE:LINE)" and so
 *    on: direct and indirect leaks fail, with the entry's paragraph of
 *    the text report (its stack) as the failure's text; reachable ones
 *    (listed with --all) pass; live ones (a dump not classified) are
 *    skipped, since nothing says whether they leaked.
 *  - one per connection entry ("connections opened at ..."): failed when
 *    they count as leaked, else passed; one per results and per cancel
 *    handles entry: failed at an exit dump, else passed.
 *
 * FILE is relative to the working directory when it is under it, so
 * names stay the same from one checkout to another; a name that repeats
 * gets " #2", " #3" and so on.  Passing and skipped cases carry their
 * paragraph in <system-out>.
 */
#ifndef LK_REPORTER_JUNIT_H
#define LK_REPORTER_JUNIT_H

#include <stdio.h>

#include "report.h"

/* Write r to out; o->no_addresses applies to the texts.  Returns 0, or a
 * negative errno. */
int junit_write(FILE *out, const struct report *r,
		const struct report_options *o);

#endif
