/* SPDX-License-Identifier: MIT */
/*
 * xml.c - escaping for XML and HTML output (xml.h).
 */
#include "util.h"
#include "xml.h"

static void put_escaped(FILE *out, const char *str, int keep_space)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t n;

	if (!s)
		return;
	for (; *s; s += n ? n : 1) {
		n = util_utf8_len(s);
		if (*s == '&')
			fputs("&amp;", out);
		else if (*s == '<')
			fputs("&lt;", out);
		else if (*s == '>')
			fputs("&gt;", out);
		else if (*s == '"')
			fputs("&quot;", out);
		else if (*s == '\'')
			fputs("&#39;", out);
		else if (keep_space && (*s == '\n' || *s == '\t'))
			putc(*s, out);
		else if (n == 0 || *s < 0x20 || *s == 0x7f)
			fputs("&#xFFFD;", out);
		else
			fwrite(s, 1, n, out);
	}
}

void xml_put(FILE *out, const char *s)
{
	put_escaped(out, s, 0);
}

void xml_put_text(FILE *out, const char *s)
{
	put_escaped(out, s, 1);
}
