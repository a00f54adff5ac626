/* SPDX-License-Identifier: MIT */
/*
 * xml.h - escaping for the XML and HTML writers (JUnit, the HTML page,
 * the SVG plot): any bytes from a dump, from debug information or from a
 * file become text that is safe in element content and in attribute
 * values quoted with either quote.
 */
#ifndef LK_REPORTER_XML_H
#define LK_REPORTER_XML_H

#include <stdio.h>

/*
 * Write s escaped: & < > " ' as entities, control bytes (a tab and a
 * newline too, unless keep_space) and bytes that are not valid UTF-8 as
 * U+FFFD; valid UTF-8 is kept.  NULL writes nothing.
 */
void xml_put(FILE *out, const char *s);

/* As xml_put, but tabs and newlines are kept (for <pre> and bodies). */
void xml_put_text(FILE *out, const char *s);

#endif
