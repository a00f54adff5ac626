/* SPDX-License-Identifier: MIT */
/*
 * html.c - the HTML page of a report, and the pieces the trend's page
 * shares (html.h).
 *
 * The headline, the notes and the SUMMARY line are the text report's own
 * lines (text_write into memory), so both say the same thing in the same
 * words.  Every string from the dump, from debug information or from a
 * source file goes through xml_put; the style sheet and the script are
 * constants of this file.  Source lines are read from the files debug
 * information names, only when they are regular files of at most
 * SRC_MAX bytes, each file once.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "flame.h"
#include "html.h"
#include "text.h"
#include "xml.h"

#define SRC_MAX		(8u << 20)	/* largest source file read */
#define SRC_AROUND	2		/* lines shown around the site's */

/* The style sheet of both pages. */
static const char css[] =
":root{--bg:#f3f4f7;--card:#fff;--ink:#1c2333;--muted:#5d6678;"
"--line:#e2e5ea;--direct:#c62828;--indirect:#e65100;--live:#1565c0;"
"--reachable:#6b7280;--conn:#7b1fa2;--result:#00796b;--ok:#2e7d32;"
"--mono:ui-monospace,'DejaVu Sans Mono',Menlo,Consolas,monospace}\n"
"*{box-sizing:border-box}\n"
"body{margin:0;background:var(--bg);color:var(--ink);font:14px/1.45 "
"system-ui,-apple-system,'Segoe UI',Roboto,'DejaVu Sans',sans-serif}\n"
"header{background:#1c2333;color:#fff;padding:16px 32px 18px}\n"
"header .brand{font-size:11px;letter-spacing:.14em;text-transform:"
"uppercase;color:#8f9bb3}\n"
"header h1{margin:2px 0 4px;font-size:24px;font-weight:600}\n"
"header h1 .pid{font-weight:400;color:#8f9bb3;font-size:17px;"
"margin-left:6px}\n"
"header .meta{margin:0;color:#c3c9d5;font-size:13px;word-break:"
"break-all}\n"
"main{max-width:1320px;margin:0 auto;padding:18px 32px 36px}\n"
".headline{font-size:15.5px;margin:0 0 14px;font-weight:500}\n"
".note{background:#fff8e1;border-left:4px solid #f9a825;padding:7px "
"12px;margin:0 0 12px;border-radius:4px}\n"
".cards{display:grid;grid-template-columns:repeat(auto-fill,minmax("
"175px,1fr));gap:12px;margin:0 0 18px}\n"
".card{background:var(--card);border-radius:8px;padding:10px 14px 12px;"
"box-shadow:0 1px 2px rgba(20,30,50,.1);border-top:4px solid "
"var(--line)}\n"
".card .lbl{color:var(--muted);font-size:12.5px;font-weight:600;"
"text-transform:uppercase;letter-spacing:.04em}\n"
".card .num{font-size:23px;font-weight:650;font-variant-numeric:"
"tabular-nums;margin-top:2px}\n"
".card .unit{font-size:13px;font-weight:400;color:var(--muted)}\n"
".card .sub{color:var(--muted);font-size:12.5px}\n"
".card.bad{border-top-color:var(--direct)}.card.bad .num{color:"
"var(--direct)}\n"
".card.ok{border-top-color:var(--ok)}\n"
".card.direct{border-top-color:var(--direct)}.card.indirect{"
"border-top-color:var(--indirect)}.card.live{border-top-color:"
"var(--live)}.card.reachable{border-top-color:var(--reachable)}"
".card.conn{border-top-color:var(--conn)}.card.result{border-top-color:"
"var(--result)}\n"
"section{background:var(--card);border-radius:8px;box-shadow:0 1px 2px "
"rgba(20,30,50,.1);padding:14px 20px 16px;margin:0 0 18px}\n"
"h2{font-size:17px;margin:0 0 4px}\n"
".hint{color:var(--muted);font-size:12.5px;margin:0 0 10px}\n"
"details.e{border:1px solid var(--line);border-radius:6px;margin:6px 0;"
"background:#fff}\n"
"details.e[open]{box-shadow:0 1px 3px rgba(20,30,50,.12)}\n"
"details.e>summary{display:grid;grid-template-columns:18px 104px 140px "
"110px minmax(0,1fr) 124px;gap:10px;align-items:baseline;padding:7px "
"12px;cursor:pointer;list-style:none}\n"
"details.e>summary::-webkit-details-marker{display:none}\n"
"details.e>summary::before{content:'\\25B8';color:var(--muted);"
"transition:transform .15s}\n"
"details.e[open]>summary::before{transform:rotate(90deg)}\n"
"details.e>summary:hover{background:#f7f8fb}\n"
".badge{display:inline-block;font-size:10.5px;font-weight:700;"
"text-transform:uppercase;letter-spacing:.05em;color:#fff;padding:2px "
"8px;border-radius:10px;text-align:center}\n"
".badge.direct{background:var(--direct)}.badge.indirect{background:"
"var(--indirect)}.badge.live{background:var(--live)}.badge.reachable{"
"background:var(--reachable)}.badge.connection,.badge.failed{background:"
"var(--conn)}.badge.result,.badge.cancel{background:var(--result)}\n"
".fig{font-variant-numeric:tabular-nums;font-weight:650;text-align:"
"right}\n.fig small{font-weight:400;color:var(--muted)}\n"
".at{overflow-wrap:anywhere}\n"
".fn{font-family:var(--mono);font-weight:600}\n"
".loc{font-family:var(--mono);color:var(--muted);font-size:12.5px}\n"
".age{color:var(--muted);font-size:12.5px;text-align:right}\n"
".body{padding:2px 14px 10px 40px;border-top:1px solid var(--line)}\n"
".body p{margin:8px 0 4px;color:var(--muted)}\n"
"pre.src{background:#f7f8fa;border:1px solid var(--line);border-radius:"
"4px;padding:5px 0;margin:8px 0;overflow-x:auto;font:12.5px/1.5 "
"var(--mono)}\n"
"pre.src .l{display:block;padding:0 12px 0 0}\n"
"pre.src .l.hl{background:#fdecea;font-weight:600}\n"
"pre.src .n{display:inline-block;width:4.5em;padding-right:1em;"
"color:#98a0ad;text-align:right;user-select:none}\n"
"ol.stack{margin:6px 0 4px;padding-left:3em;font:12.5px/1.65 "
"var(--mono)}\n"
"ol.stack li.rt,ol.stack li.rt .fn{color:#8d95a3;font-weight:400}\n"
"ol.stack li.site .fn{color:var(--direct)}\n"
"ol.stack .pc{color:#98a0ad}\n"
"ol.stack .inl{font-size:11px;color:var(--indirect);margin-left:4px}\n"
".flame svg{width:100%;height:auto;display:block;border-radius:4px}\n"
".flame g.f{cursor:pointer}\n"
".flame g.f:hover rect{stroke:#1c2333;stroke-width:1}\n"
".flame g.f.anc rect{opacity:.55}\n"
".flame text{font:11px var(--mono);fill:#1c2333;pointer-events:none}\n"
".empty{color:var(--ok);font-weight:600;margin:6px 0}\n"
"table.t{border-collapse:collapse;width:100%;font-size:13px}\n"
"table.t th{text-align:left;color:var(--muted);font-weight:600;"
"border-bottom:2px solid var(--line);padding:5px 8px}\n"
"table.t td{border-bottom:1px solid var(--line);padding:5px 8px;"
"vertical-align:top}\n"
"table.t td.r{text-align:right;font-variant-numeric:tabular-nums}\n"
".plot svg{width:100%;max-width:1100px;height:auto;display:block}\n"
"table.v{table-layout:fixed}\n"
"table.v th:nth-child(1){width:13%}table.v th:nth-child(2){width:13%}"
"table.v th:nth-child(3){width:7%}table.v th:nth-child(4){width:24%}\n"
"table.v summary{cursor:pointer}\n"
"table.d th:nth-child(1){width:10%}table.d th:nth-child(2){width:14%}"
"table.d th:nth-child(3){width:20%}table.d th:nth-child(4){width:8%}\n"
"table.d th:nth-child(2),table.d th:nth-child(3),table.d th:nth-child(4){"
"text-align:right}\n"
"footer{color:var(--muted);font-size:12.5px;margin-top:6px;"
"font-family:var(--mono);overflow-wrap:anywhere}\n";

/* The script: zooms the flame graph into the box clicked. */
static const char script[] =
"(function(){\n"
"document.querySelectorAll('svg.flamegraph').forEach(function(svg){\n"
" var W=+svg.getAttribute('data-width'),CW=+svg.getAttribute('data-char');\n"
" var gs=Array.prototype.slice.call(svg.querySelectorAll('g.f'));\n"
" function label(g,px){var n=g.getAttribute('data-n'),k=Math.floor("
"(px-6)/CW);\n"
"  if(k<3)return '';return n.length<=k?n:n.slice(0,k-2)+'..';}\n"
" function zoom(z){\n"
"  var zx=+z.getAttribute('data-x'),zw=+z.getAttribute('data-w'),"
"zd=+z.getAttribute('data-d'),e=1e-9;\n"
"  gs.forEach(function(g){\n"
"   var x=+g.getAttribute('data-x'),w=+g.getAttribute('data-w'),"
"d=+g.getAttribute('data-d');\n"
"   var nx,nw,anc=false;\n"
"   if(d<=zd&&x<=zx+e&&x+w>=zx+zw-e){nx=0;nw=W;anc=d<zd;}\n"
"   else if(d>zd&&x>=zx-e&&x+w<=zx+zw+e){nx=(x-zx)/zw*W;nw=w/zw*W;}\n"
"   else{g.style.display='none';return;}\n"
"   if(nw<0.3){g.style.display='none';return;}\n"
"   g.style.display='';g.classList.toggle('anc',anc);\n"
"   var r=g.querySelector('rect'),t=g.querySelector('text');\n"
"   r.setAttribute('x',nx.toFixed(1));r.setAttribute('width',"
"nw.toFixed(1));\n"
"   t.setAttribute('x',(nx+3).toFixed(1));t.textContent=label(g,nw);\n"
"  });\n"
" }\n"
" gs.forEach(function(g){g.addEventListener('click',function(){zoom(g);"
"});});\n"
"});\n"
"})();\n";

/* --- the page --- */

void html_begin(FILE *out, const char *title)
{
	fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset="
	      "\"utf-8\">\n<meta http-equiv=\"Content-Security-Policy\" "
	      "content=\"default-src 'none'; style-src 'unsafe-inline'; "
	      "script-src 'unsafe-inline'; img-src data:\">\n<meta name="
	      "\"viewport\" content=\"width=device-width, initial-scale=1\">"
	      "\n<link rel=\"icon\" href=\"data:,\">\n<title>", out);
	xml_put(out, title);
	fprintf(out, "</title>\n<style>\n%s</style>\n</head>\n<body>\n", css);
}

void html_end(FILE *out)
{
	fprintf(out, "<script>\n%s</script>\n</body>\n</html>\n", script);
}

/* --- numbers --- */

/* "1 block", "2 blocks". */
static void put_count(FILE *out, uint64_t n, const char *noun)
{
	fprintf(out, "%" PRIu64 " %s%s", n, noun, n == 1 ? "" : "s");
}

void html_put_seconds(FILE *out, uint64_t ms)
{
	uint64_t t = util_ms_to_tenths(ms);

	fprintf(out, "%" PRIu64 ".%u s", t / 10, (unsigned)(t % 10));
}

/* Bytes for people: "512 B", "9.3 KiB", "1.2 GiB". */
static void put_size(FILE *out, uint64_t n)
{
	static const char *const units[] = { "KiB", "MiB", "GiB", "TiB" };
	double v = (double)n;
	unsigned u = 0;

	if (n < 1024) {
		fprintf(out, "%" PRIu64 " B", n);
		return;
	}
	for (v /= 1024; v >= 1024 && u < 3; u++)
		v /= 1024;
	fprintf(out, "%.1f %s", v, units[u]);
}

/* --- source lines --- */

/* A source file, read once. */
struct src_file {
	UT_hash_handle hh;	/* keyed by path */
	char *data;		/* NULL when it could not be read */
	size_t size;
	char path[];
};

/* Read path if it is a regular file of at most SRC_MAX bytes. */
static char *read_source(const char *path, size_t *size)
{
	struct util_err err;
	struct stat st;
	char *data;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	if (fd < 0)
		return NULL;
	if (fstat(fd, &st) || !S_ISREG(st.st_mode) ||
	    (uint64_t)st.st_size > SRC_MAX) {
		close(fd);
		return NULL;
	}
	close(fd);
	if (util_read_file(path, &data, size, &err))
		return NULL;
	return data;
}

static struct src_file *source(struct src_file **cache, const char *path)
{
	struct src_file *f;

	HASH_FIND_STR(*cache, path, f);
	if (f)
		return f;
	f = calloc(1, sizeof(*f) + strlen(path) + 1);
	if (!f)
		return NULL;
	strcpy(f->path, path);
	f->data = read_source(path, &f->size);
	util_hash_oom = false;
	HASH_ADD_STR(*cache, path, f);
	if (util_hash_oom) {
		free(f->data);
		free(f);
		return NULL;
	}
	return f;
}

static void free_sources(struct src_file **cache)
{
	struct src_file *f, *tmp;

	HASH_ITER(hh, *cache, f, tmp) {
		HASH_DEL(*cache, f);
		free(f->data);
		free(f);
	}
}

/* One line of a source file, numbered, tabs as in the file. */
static void put_src_line(FILE *out, const char *s, size_t len, unsigned n,
			 bool hl)
{
	char *line = strndup(s, len > 400 ? 400 : len);

	fprintf(out, "<span class=\"l%s\"><span class=\"n\">%u</span>",
		hl ? " hl" : "", n);
	if (line)
		xml_put_text(out, line);
	fputs("</span>", out);
	free(line);
}

/* The lines around frame f's line, when its file can be read. */
static void put_source(FILE *out, struct src_file **cache,
		       const struct sym_frame *f)
{
	unsigned n = 1, lo, hi;
	struct src_file *sf;
	const char *p, *end, *nl;

	if (!f->file || !f->line || !(sf = source(cache, f->file)) ||
	    !sf->data)
		return;
	lo = f->line > SRC_AROUND ? f->line - SRC_AROUND : 1;
	hi = f->line + SRC_AROUND;
	p = sf->data;
	end = sf->data + sf->size;
	for (; p < end && n < lo; n++) {
		nl = memchr(p, '\n', (size_t)(end - p));
		p = nl ? nl + 1 : end;
	}
	if (p >= end)
		return;
	fputs("<pre class=\"src\">", out);
	for (; p < end && n <= hi; n++) {
		nl = memchr(p, '\n', (size_t)(end - p));
		put_src_line(out, p, (size_t)((nl ? nl : end) - p), n,
			     n == f->line);
		p = nl ? nl + 1 : end;
	}
	fputs("</pre>\n", out);
}

/* --- stacks --- */

static void put_frame(FILE *out, const struct sym_frame *f, bool site,
		      bool addresses)
{
	fprintf(out, "<li%s>", site ? " class=\"site\"" :
		report_is_runtime(f->module) ? " class=\"rt\"" : "");
	if (addresses)
		fprintf(out, "<span class=\"pc\">0x%" PRIx64 "</span> ", f->pc);
	fputs("<span class=\"fn\">", out);
	xml_put(out, f->function ? f->function : "??");
	fputs("</span> ", out);
	if (f->file) {
		fputs("<span class=\"loc\">", out);
		xml_put(out, f->file);
		if (f->line)
			fprintf(out, ":%u", f->line);
		fputs("</span>", out);
	} else if (f->module) {
		fputs("<span class=\"loc\">(", out);
		xml_put(out, f->module);
		if (addresses)
			fprintf(out, "+0x%" PRIx64, f->offset);
		fputs(")</span>", out);
	}
	if (f->inlined)
		fputs("<span class=\"inl\">inlined</span>", out);
	fputs("</li>\n", out);
}

void html_put_stack(FILE *out, const struct report_stack *st,
		    bool addresses)
{
	size_t i;

	fputs("<ol class=\"stack\" start=\"0\">\n", out);
	for (i = 0; i < st->nframes; i++)
		put_frame(out, &st->frames[i], i == st->site, addresses);
	fputs("</ol>\n", out);
}

void html_put_site(FILE *out, const struct report_stack *st)
{
	const struct sym_frame *f;
	const char *base;

	if (!st->nframes) {
		fputs("<span class=\"loc\">(no stack)</span>", out);
		return;
	}
	f = &st->frames[st->site];
	fputs("<span class=\"fn\">", out);
	xml_put(out, f->function ? f->function : "??");
	fputs("</span> ", out);
	if (f->file) {
		base = strrchr(f->file, '/');
		fputs("<span class=\"loc\" title=\"", out);
		xml_put(out, f->file);
		fputs("\">", out);
		xml_put(out, base ? base + 1 : f->file);
		if (f->line)
			fprintf(out, ":%u", f->line);
		fputs("</span>", out);
	} else if (f->module) {
		base = strrchr(f->module, '/');
		fputs("<span class=\"loc\">", out);
		xml_put(out, base ? base + 1 : f->module);
		fputs("</span>", out);
	}
}

/* --- the report's page --- */

/* The text report and its lines the page reuses. */
struct texts {
	char *buf;		/* the whole text report */
	const char *headline;	/* its first line, without "leakshim: " */
	char **notes;		/* "leakshim: note: ..." lines after it */
	size_t nnotes;
	const char *summary;	/* the SUMMARY line */
};

static int get_texts(struct texts *t, const struct report *r)
{
	struct report_options o = { .no_addresses = true };
	size_t size, cap = 0;
	char *p, *nl;
	FILE *m = open_memstream(&t->buf, &size);

	if (!m)
		return -ENOMEM;
	text_write(m, r, &o);
	if (fclose(m) || !t->buf)
		return -ENOMEM;
	for (p = t->buf; *p; p = nl + 1) {
		nl = strchr(p, '\n');
		if (!nl)
			break;
		*nl = '\0';
		if (p == t->buf)
			t->headline = p + (strncmp(p, "leakshim: ", 10) ? 0 : 10);
		else if (!strncmp(p, "SUMMARY: ", 9))
			t->summary = p;
		else if (!t->summary && !strncmp(p, "leakshim: ", 10) &&
			 !util_grow(&t->notes, &cap, t->nnotes + 1,
				    sizeof(*t->notes)))
			t->notes[t->nnotes++] = p + 10;
	}
	return 0;
}

static void put_header(FILE *out, const struct report *r)
{
	const struct dump_process *p = &r->dump->proc;
	time_t tt = (time_t)(p->time_ms / 1000);
	char when[64] = "";
	struct tm tm;

	if (p->time_ms / 1000 <= (uint64_t)INT64_MAX && gmtime_r(&tt, &tm))
		strftime(when, sizeof(when), " &middot; %Y-%m-%d %H:%M:%S UTC",
			 &tm);
	fputs("<header>\n<div class=\"brand\">leakshim report</div>\n<h1>",
	      out);
	xml_put(out, report_program(r));
	fprintf(out, "<span class=\"pid\">pid %" PRIu64 "</span></h1>\n"
		"<p class=\"meta\">dump at ", p->pid);
	xml_put(out, p->reason);
	fputs(" after ", out);
	html_put_seconds(out, p->uptime_ms);
	fputs(when, out);
	if (p->exe && p->exe[0]) {
		fputs(" &middot; ", out);
		xml_put(out, p->exe);
	}
	fputs("</p>\n</header>\n<main>\n", out);
}

/*
 * A card: label, then the figure of key (a JSON summary key, or NULL)
 * with its unit, then a second figure.
 */
static void put_card(FILE *out, const char *cls, const char *label,
		     const char *key, uint64_t n, const char *unit,
		     const char *key2, uint64_t n2, const char *unit2)
{
	fprintf(out, "<div class=\"card %s\"><div class=\"lbl\">%s</div>"
		"<div class=\"num\"><span%s%s%s>%" PRIu64 "</span> <span "
		"class=\"unit\">%s</span></div><div class=\"sub\">", cls,
		label, key ? " data-summary=\"" : "", key ? key : "",
		key ? "\"" : "", n, unit);
	if (key2)
		fprintf(out, "<span data-summary=\"%s\">%" PRIu64 "</span> "
			"%.*s", key2, n2, (int)strlen(unit2) -
			(n2 == 1 && unit2[strlen(unit2) - 1] == 's'), unit2);
	if (!strcmp(unit, "bytes") && n >= 1024) {
		fputs(key2 ? " &middot; " : "", out);
		put_size(out, n);
	}
	fputs("</div></div>\n", out);
}

static void put_memory_cards(FILE *out, const struct report *r)
{
	const struct report_summary *s = &r->summary;
	uint64_t lb = util_sat_add(s->leaked_bytes, s->indirect_bytes);

	if (r->classified) {
		fprintf(out, "<div class=\"card %s\"><div class=\"lbl\">Leaked"
			"</div><div class=\"num\"><span data-total=\"bytes\">"
			"%" PRIu64 "</span> <span class=\"unit\">bytes</span>"
			"</div><div class=\"sub\"><span data-total=\"blocks\">"
			"%" PRIu64 "</span> blocks, direct and indirect</div>"
			"</div>\n", lb ? "bad" : "ok", lb,
			util_sat_add(s->leaked_blocks, s->indirect_blocks));
		put_card(out, "direct", "Direct leaks", "leaked_bytes",
			 s->leaked_bytes, "bytes", "leaked_blocks",
			 s->leaked_blocks, "blocks");
		put_card(out, "indirect", "Indirect leaks", "indirect_bytes",
			 s->indirect_bytes, "bytes", "indirect_blocks",
			 s->indirect_blocks, "blocks");
		put_card(out, "reachable", "Still reachable",
			 "reachable_bytes", s->reachable_bytes, "bytes",
			 "reachable_blocks", s->reachable_blocks, "blocks");
	}
	put_card(out, "live", "Live (all blocks)", "live_bytes", s->live_bytes,
		 "bytes", "live_blocks", s->live_blocks, "blocks");
	put_card(out, "", "Allocations", "total_allocs", s->total_allocs,
		 "tracked", "total_frees", s->total_frees, "frees");
}

static void put_cards(FILE *out, const struct report *r)
{
	const struct report_summary *s = &r->summary;

	fputs("<div class=\"cards\">\n", out);
	put_memory_cards(out, r);
	if (r->libpq) {
		put_card(out, s->open_connections ? "conn" : "",
			 "libpq connections", "open_connections",
			 s->open_connections, "open", "idle_connections",
			 s->idle_connections, "idle");
		put_card(out, s->uncleared_results ? "result" : "",
			 "libpq results", "uncleared_results",
			 s->uncleared_results, "not cleared", "open_cancels",
			 s->open_cancels, "cancel handles");
	}
	if (r->supp)
		put_card(out, "", "Suppressed", "suppressed_bytes",
			 s->suppressed_bytes, "bytes", "suppressed_blocks",
			 s->suppressed_blocks, "blocks");
	fputs("</div>\n", out);
}

/* <details class="e" data-...><summary>: the badge; the caller goes on. */
static void begin_entry(FILE *out, const char *badge, const char *label,
			bool open)
{
	fprintf(out, "<details class=\"e %s\"%s><summary><span class=\"badge "
		"%s\">%s</span>", badge, open ? " open" : "", badge, label);
}

static void put_mem_entry(FILE *out, const struct report_entry *e,
			  struct src_file **cache, bool addresses, bool open)
{
	const char *kind = report_kind_name(e->kind);

	begin_entry(out, kind, kind, open);
	fprintf(out, "<span class=\"fig\" data-bytes=\"%" PRIu64 "\">%" PRIu64
		" <small>bytes</small></span><span class=\"fig\" data-blocks="
		"\"%" PRIu64 "\">", e->group->bytes, e->group->bytes,
		e->group->blocks);
	put_count(out, e->group->blocks, "block");
	fputs("</span><span class=\"at\">at ", out);
	html_put_site(out, &e->st);
	fputs("</span><span class=\"age\">oldest ", out);
	html_put_seconds(out, e->group->oldest_ms);
	fputs("</span></summary>\n<div class=\"body\">\n", out);
	if (e->st.nframes)
		put_source(out, cache, &e->st.frames[e->st.site]);
	html_put_stack(out, &e->st, addresses);
	fputs("</div></details>\n", out);
}

static void put_memory(FILE *out, const struct report *r,
		       const struct report_options *o, struct src_file **c)
{
	size_t i, n = o->top && o->top < r->count ? o->top : r->count;

	fputs("<section id=\"leaks\">\n<h2>Memory</h2>\n<p class=\"hint\">",
	      out);
	if (r->classified)
		fputs("One entry per allocation stack and class: direct leaks "
		      "(no pointer left), then indirect ones (reached only "
		      "from leaks)", out);
	else
		fputs("Blocks still allocated, per allocation stack (the dump "
		      "did not classify them)", out);
	fputs(o->all ? ", then reachable blocks" : "", out);
	fputs("; largest first.  Open an entry for its source line and its "
	      "stack (innermost frame first).", out);
	if (n < r->count)
		fprintf(out, "  The %zu largest of %zu entries are shown "
			"(--top).", n, r->count);
	fputs("</p>\n", out);
	if (!r->count)
		fputs("<p class=\"empty\">No leaks found.</p>\n", out);
	for (i = 0; i < n; i++)
		put_mem_entry(out, &r->entries[i], c, !o->no_addresses, i == 0);
	fputs("</section>\n", out);
}

static void put_conn_entry(FILE *out, const struct report *r,
			   const struct report_conn *e, bool addresses)
{
	size_t k;

	begin_entry(out, e->failed == e->count ? "failed" : "connection",
		    e->failed == e->count ? "failed" : "connections", false);
	fprintf(out, "<span class=\"fig\" data-count=\"%" PRIu64 "\">%" PRIu64
		" <small>open</small></span><span class=\"fig\">%" PRIu64
		" <small>idle</small></span><span class=\"at\">at ",
		e->count, e->count - e->failed, e->idle);
	html_put_site(out, &e->st);
	fputs("</span><span class=\"age\">oldest ", out);
	html_put_seconds(out, e->oldest_ms);
	fputs("</span></summary>\n<div class=\"body\">\n<p>", out);
	fprintf(out, "%" PRIu64 " idle over %" PRIu64 " s (longest ", e->idle,
		r->conn_idle_s);
	html_put_seconds(out, e->longest_idle_ms);
	fprintf(out, "), %" PRIu64 " idle in a transaction, %" PRIu64
		" failed connects never finished", e->idle_in_xact, e->failed);
	for (k = 0; k < e->ntargets; k++) {
		fputs(k ? ", " : "; to ", out);
		xml_put(out, e->targets[k]);
	}
	for (k = 0; k < e->npids; k++)
		fprintf(out, "%s%" PRIu64, k ? ", " : "; backend pids ",
			e->pids[k]);
	fputs("</p>\n", out);
	html_put_stack(out, &e->st, addresses);
	fputs("</div></details>\n", out);
}

static void put_pq_entry(FILE *out, const struct report_pq *e, bool results,
			 bool addresses)
{
	begin_entry(out, results ? "result" : "cancel", results ? "results"
			 : "cancels", false);
	fprintf(out, "<span class=\"fig\" data-count=\"%" PRIu64 "\">%" PRIu64
		" <small>%s</small></span><span class=\"fig\">", e->group->count,
		e->group->count, results ? "not cleared" : "not freed");
	if (results)
		put_size(out, e->group->bytes);
	fputs("</span><span class=\"at\">at ", out);
	html_put_site(out, &e->st);
	fputs("</span><span class=\"age\">oldest ", out);
	html_put_seconds(out, e->group->oldest_ms);
	fputs("</span></summary>\n<div class=\"body\">\n", out);
	html_put_stack(out, &e->st, addresses);
	fputs("</div></details>\n", out);
}

static void put_libpq(FILE *out, const struct report *r,
		      const struct report_options *o)
{
	size_t i, top = o->top ? o->top : SIZE_MAX;

	if (!r->libpq)
		return;
	fputs("<section id=\"libpq\">\n<h2>libpq connections and results"
	      "</h2>\n<p class=\"hint\">Connections never finished "
	      "(PQfinish), results never cleared (PQclear) and cancel "
	      "handles never freed (PQfreeCancel), by the line that made "
	      "them.</p>\n", out);
	if (!r->nconns && !r->nresults && !r->ncancels)
		fputs("<p class=\"empty\">Every connection was finished and "
		      "every result cleared.</p>\n", out);
	for (i = 0; i < r->nconns && i < top; i++)
		put_conn_entry(out, r, &r->conns[i], !o->no_addresses);
	for (i = 0; i < r->nresults && i < top; i++)
		put_pq_entry(out, &r->results[i], true, !o->no_addresses);
	for (i = 0; i < r->ncancels && i < top; i++)
		put_pq_entry(out, &r->cancels[i], false, !o->no_addresses);
	fputs("</section>\n", out);
}

static int put_flame(FILE *out, const struct report *r, bool all)
{
	const char *what = !r->classified ? "live bytes"
			 : all ? "leaked and reachable bytes" : "leaked bytes";

	fprintf(out, "<section class=\"flame\" id=\"flame\">\n<h2>Flame graph "
		"of %s</h2>\n", what);
	if (!r->count) {
		fputs("<p class=\"empty\">Nothing to draw: no leaks.</p>\n"
		      "</section>\n", out);
		return 0;
	}
	fputs("<p class=\"hint\">Each box is a function, as wide as the bytes "
	      "allocated below it; callers above callees.  Hover a box for "
	      "its figures, click it to zoom in, click the top box to zoom "
	      "out.</p>\n", out);
	if (flame_put_svg(out, r))
		return -ENOMEM;
	fputs("</section>\n", out);
	return 0;
}

static void put_suppressions(FILE *out, const struct report_supp *s)
{
	size_t i;

	if (!s)
		return;
	fputs("<section id=\"suppressions\">\n<h2>Suppressions used</h2>\n"
	      "<table class=\"t\"><tr><th>pattern</th><th>file</th><th>blocks"
	      "</th><th>bytes</th></tr>\n", out);
	for (i = 0; i < s->count; i++) {
		fputs("<tr><td class=\"fn\">", out);
		xml_put(out, s->patterns[i].pattern);
		fputs("</td><td class=\"loc\">", out);
		xml_put(out, s->patterns[i].file);
		fprintf(out, ":%zu</td><td class=\"r\">%" PRIu64 "</td><td "
			"class=\"r\">%" PRIu64 "</td></tr>\n",
			s->patterns[i].line, s->patterns[i].blocks,
			s->patterns[i].bytes);
	}
	fputs("</table>\n</section>\n", out);
}

static int put_page(FILE *out, const struct report *r,
		    const struct report_options *o, const struct texts *t)
{
	struct src_file *cache = NULL;
	char title[UTIL_ERR_MAX];
	size_t i;
	int ret;

	snprintf(title, sizeof(title), "leakshim: %s (pid %" PRIu64 ")",
		 report_program(r), r->dump->proc.pid);
	html_begin(out, title);
	put_header(out, r);
	fputs("<p class=\"headline\">", out);
	xml_put(out, t->headline);
	fputs("</p>\n", out);
	for (i = 0; i < t->nnotes; i++) {
		fputs("<p class=\"note\">", out);
		xml_put(out, t->notes[i]);
		fputs("</p>\n", out);
	}
	put_cards(out, r);
	put_libpq(out, r, o);
	ret = put_flame(out, r, o->all);
	put_memory(out, r, o, &cache);
	put_suppressions(out, r->supp);
	fputs("<footer>", out);
	xml_put(out, t->summary);
	fputs("</footer>\n</main>\n", out);
	html_end(out);
	free_sources(&cache);
	return ret;
}

int html_write(FILE *out, const struct report *r,
	       const struct report_options *o)
{
	struct texts t = { 0 };
	int ret;

	ret = get_texts(&t, r);
	if (ret == 0)
		ret = put_page(out, r, o, &t);
	free(t.notes);
	free(t.buf);
	if (ret == 0 && (fflush(out) || ferror(out)))
		ret = errno ? -errno : -EIO;
	return ret;
}
