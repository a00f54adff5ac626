/* SPDX-License-Identifier: MIT */
/*
 * flame.c - the flame graph of the HTML report (flame.h).
 *
 * The entries' stacks are merged into a tree of nodes kept in one array
 * (node 0 the root), a node's children found through a hash table keyed
 * by the parent's index and the child's name; then the tree is laid out
 * depth first, children by weight, each at the sum of its left siblings'
 * weights, and written as one <g> per node.  Nodes narrower than a
 * millionth of the total are left out with what is under them.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "flame.h"
#include "folded.h"
#include "xml.h"

#define ROW_H		17	/* height of a row of boxes */
#define NONE		SIZE_MAX

/* One box. */
struct fnode {
	char *name;
	const char *module;	/* of its first frame, or NULL */
	uint64_t bytes, blocks;
	size_t first_child, next_sibling;
	unsigned depth;
};

/* The key of a child: its parent's index and its name. */
struct fkey {
	UT_hash_handle hh;
	size_t node;
	size_t len;
	char key[];
};

struct flame {
	struct fnode *v;
	size_t n, cap;
	struct fkey *keys;
	unsigned depth;		/* deepest node */
	uint64_t total;
};

/* --- the tree --- */

static size_t new_node(struct flame *fl, const char *name,
		       const char *module, unsigned depth)
{
	struct fnode *nd;

	if (util_grow(&fl->v, &fl->cap, fl->n + 1, sizeof(*fl->v)))
		return NONE;
	nd = &fl->v[fl->n];
	memset(nd, 0, sizeof(*nd));
	nd->name = strdup(name);
	if (!nd->name)
		return NONE;
	nd->module = module;
	nd->depth = depth;
	nd->first_child = nd->next_sibling = NONE;
	if (depth > fl->depth)
		fl->depth = depth;
	return fl->n++;
}

/* The child of parent named name, made if new; NONE when out of memory. */
static size_t child(struct flame *fl, size_t parent, const char *name,
		    const char *module)
{
	size_t len = sizeof(parent) + strlen(name), c;
	struct fkey *k = malloc(sizeof(*k) + len);
	struct fkey *found;

	if (!k)
		return NONE;
	memcpy(k->key, &parent, sizeof(parent));
	memcpy(k->key + sizeof(parent), name, len - sizeof(parent));
	HASH_FIND(hh, fl->keys, k->key, len, found);
	if (found) {
		free(k);
		return found->node;
	}
	c = new_node(fl, name, module, fl->v[parent].depth + 1);
	if (c == NONE) {
		free(k);
		return NONE;
	}
	fl->v[c].next_sibling = fl->v[parent].first_child;
	fl->v[parent].first_child = c;
	k->node = c;
	k->len = len;
	util_hash_oom = false;
	HASH_ADD_KEYPTR(hh, fl->keys, k->key, len, k);
	if (util_hash_oom) {
		free(k);
		return NONE;
	}
	return c;
}

/* Add the stack of e, outermost frame first, under the root. */
static int add_entry(struct flame *fl, const struct report_entry *e)
{
	char name[FOLDED_NAME_MAX];
	uint64_t bytes = e->group->bytes, blocks = e->group->blocks;
	size_t i, at = 0;

	fl->v[0].bytes = util_sat_add(fl->v[0].bytes, bytes);
	fl->v[0].blocks = util_sat_add(fl->v[0].blocks, blocks);
	for (i = e->st.nframes; i-- > 0;) {
		folded_frame_name(name, sizeof(name), &e->st.frames[i]);
		at = child(fl, at, name, e->st.frames[i].module);
		if (at == NONE)
			return -ENOMEM;
		fl->v[at].bytes = util_sat_add(fl->v[at].bytes, bytes);
		fl->v[at].blocks = util_sat_add(fl->v[at].blocks, blocks);
	}
	return 0;
}

static void free_flame(struct flame *fl)
{
	struct fkey *k, *tmp;
	size_t i;

	HASH_ITER(hh, fl->keys, k, tmp) {
		HASH_DEL(fl->keys, k);
		free(k);
	}
	for (i = 0; i < fl->n; i++)
		free(fl->v[i].name);
	free(fl->v);
}

/* --- drawing --- */

/* FNV-1a of s, for colours that stay with a name. */
static uint32_t name_hash(const char *s)
{
	uint32_t h = 2166136261u;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

static void put_colour(FILE *out, const struct fnode *nd, bool root)
{
	uint32_t h = name_hash(nd->name);
	unsigned a = h & 0xff, b = (h >> 8) & 0xff, c = (h >> 16) & 0xff;
	const char *base = nd->module ? strrchr(nd->module, '/') : NULL;

	base = base ? base + 1 : nd->module;
	if (root)
		fputs("#d5d9e0", out);
	else if (base && !strncmp(base, "libpq", 5))
		fprintf(out, "rgb(%u,%u,%u)", 175 + a % 40, 145 + b % 40,
			215 + c % 30);
	else if (report_is_runtime(nd->module))
		fprintf(out, "rgb(%u,%u,%u)", 160 + a % 35, 178 + a % 35,
			205 + c % 35);
	else
		fprintf(out, "rgb(%u,%u,%u)", 232 + a % 23, 120 + b % 100,
			55 + c % 45);
}

/* The name cut to what fits in px units, or "" when nothing does. */
static void put_label(FILE *out, const char *name, double px)
{
	long fit = (long)((px - 6) / FLAME_CHAR_W);
	size_t len = strlen(name), k;
	char buf[FOLDED_NAME_MAX + 4];

	if (fit < 3)
		return;
	if (len <= (size_t)fit) {
		xml_put(out, name);
		return;
	}
	k = (size_t)fit - 2;
	while (k > 0 && ((unsigned char)name[k] & 0xc0) == 0x80)
		k--;	/* not inside a UTF-8 sequence */
	memcpy(buf, name, k);
	memcpy(buf + k, "..", 3);
	xml_put(out, buf);
}

static void put_node(FILE *out, const struct flame *fl, size_t i,
		     uint64_t start)
{
	const struct fnode *nd = &fl->v[i];
	double x = (double)start / (double)fl->total;
	double w = (double)nd->bytes / (double)fl->total;
	double y = (double)nd->depth * ROW_H;

	fprintf(out, "<g class=\"f\" data-x=\"%.9f\" data-w=\"%.9f\" "
		"data-d=\"%u\" data-n=\"", x, w, nd->depth);
	xml_put(out, nd->name);
	fprintf(out, "\"%s><title>", w * FLAME_W < 0.3 ?
		" style=\"display:none\"" : "");
	xml_put(out, nd->name);
	fprintf(out, ": %" PRIu64 " bytes (%.2f%%) in %" PRIu64 " block%s"
		"</title><rect x=\"%.1f\" y=\"%.0f\" width=\"%.1f\" "
		"height=\"%d\" rx=\"2\" fill=\"", nd->bytes, w * 100,
		nd->blocks, nd->blocks == 1 ? "" : "s", x * FLAME_W, y,
		w * FLAME_W, ROW_H - 1);
	put_colour(out, nd, i == 0);
	fprintf(out, "\"/><text x=\"%.1f\" y=\"%.0f\">", x * FLAME_W + 3,
		y + ROW_H - 5);
	put_label(out, nd->name, w * FLAME_W);
	if (i == 0)
		fprintf(out, " (%" PRIu64 " bytes)", nd->bytes);
	fputs("</text></g>\n", out);
}

static int cmp_weight(const void *a, const void *b, void *arg)
{
	const struct fnode *v = arg;
	const struct fnode *x = &v[*(const size_t *)a];
	const struct fnode *y = &v[*(const size_t *)b];

	if (x->bytes != y->bytes)
		return x->bytes > y->bytes ? -1 : 1;
	return strcmp(x->name, y->name);
}

/* Node i at start, then its children by weight, left to right. */
static int put_tree(FILE *out, const struct flame *fl, size_t i,
		    uint64_t start)
{
	size_t n = 0, k, c, *kids;
	int r = 0;

	if ((double)fl->v[i].bytes < (double)fl->total * 1e-6)
		return 0;
	put_node(out, fl, i, start);
	for (c = fl->v[i].first_child; c != NONE; c = fl->v[c].next_sibling)
		n++;
	if (!n)
		return 0;
	kids = malloc(n * sizeof(*kids));
	if (!kids)
		return -ENOMEM;
	for (k = 0, c = fl->v[i].first_child; c != NONE;
	     c = fl->v[c].next_sibling)
		kids[k++] = c;
	qsort_r(kids, n, sizeof(*kids), cmp_weight, fl->v);
	for (k = 0; k < n && !r; k++) {
		r = put_tree(out, fl, kids[k], start);
		start += fl->v[kids[k]].bytes;
	}
	free(kids);
	return r;
}

int flame_put_svg(FILE *out, const struct report *r)
{
	struct flame fl = { 0 };
	size_t i;
	int ret = -ENOMEM;
	unsigned h;

	if (new_node(&fl, "all", NULL, 0) == NONE)
		goto out_free;
	for (i = 0; i < r->count; i++)
		if (add_entry(&fl, &r->entries[i]))
			goto out_free;
	fl.total = fl.v[0].bytes;
	h = (fl.depth + 1) * ROW_H;
	fprintf(out, "<svg class=\"flamegraph\" xmlns=\"http://www.w3.org/"
		"2000/svg\" viewBox=\"0 0 %d %u\" width=\"%d\" height=\"%u\" "
		"data-width=\"%d\" data-char=\"%.1f\" role=\"img\" "
		"aria-label=\"flame graph\">\n", FLAME_W, h, FLAME_W, h,
		FLAME_W, FLAME_CHAR_W);
	ret = fl.total ? put_tree(out, &fl, 0, 0) : 0;
	fputs("</svg>\n", out);
out_free:
	free_flame(&fl);
	return ret;
}
