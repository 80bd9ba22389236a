/* fuzz_doc.c: the article parser (doc_parse: front matter, cmark, the
 * heading tree, ErrorIDs, call-outs) on any bytes, then the layout of
 * every section (render_node) at 20 and 80 columns, with and without
 * UTF-8 and code wrapping, as the wizard and `explain` draw them. */
#include "tests/fuzz/fuzz.h"

#include <stdio.h>
#include <stdlib.h>

#include "engine/doc.h"
#include "engine/util/msg.h"
#include "engine/render.h"

FUZZ_DECLARE(doc);

/* The tree's links agree with each other (the wizard walks both ways). */
static void check_tree(const struct doc *d)
{
	if (d->nnodes == 0 || d->nodes[0] != d->root)
		fuzz_fail("doc: nodes[0] is not the root");
	for (size_t i = 0; i < d->nnodes; i++) {
		const struct node *n = d->nodes[i];
		if (n->index != i)
			fuzz_fail("doc: node %zu has index %zu", i, n->index);
		if (i > 0 && (!n->parent || n->level <= n->parent->level))
			fuzz_fail("doc: node %zu (%s) has a bad parent", i, n->anchor);
		for (size_t k = 0; k < n->nkids; k++)
			if (n->kids[k]->parent != n)
				fuzz_fail("doc: node %zu's child %zu has another parent", i, k);
	}
}

/* Lays out one section and reads every line back. */
static void render_one(const struct doc *d, const struct node *n, int width, bool utf8,
		       bool wrap, FILE *sink)
{
	struct render_opts o = { .width = width, .utf8 = utf8, .wrap_code = wrap,
				 .show_meta = true };
	struct rpage pg = { 0 };
	render_node(&pg, d, n, &o);
	for (size_t i = 0; i < pg.nlines; i++)
		free(rline_text(&pg.lines[i]));
	if (sink)
		rpage_write(sink, &pg);
	rpage_free(&pg);
}

int FUZZ_ENTRY(doc)(const uint8_t *data, size_t size)
{
	static FILE *sink;
	if (!sink)
		sink = fopen("/dev/null", "w");
	msg_set_lang(size & 1 ? LANG_ZH : LANG_EN);
	char *cause = NULL;
	struct doc *d = doc_parse((const char *)data, size, "fuzz.md", &cause);
	if (!d) {
		if (!cause || !*cause)
			fuzz_fail("doc_parse failed without saying why");
		free(cause);
		msg_set_lang(LANG_EN);
		return 0;
	}
	check_tree(d);
	for (size_t i = 0; i < d->nnodes; i++) {
		const struct node *n = d->nodes[i];
		render_one(d, n, 20, false, true, NULL);
		render_one(d, n, 80, true, true, NULL);
		render_one(d, n, 80, true, false, sink);
		struct sbuf b = { 0 };
		node_breadcrumb(n, &b, " > ");
		sb_free(&b);
		if (doc_find_anchor(d, n->anchor) == NULL)
			fuzz_fail("doc: anchor '%s' of node %zu is not found", n->anchor, i);
	}
	struct node *hits[8];
	doc_resolve(d, "95320", hits, 8);
	doc_resolve(d, d->nnodes > 1 ? d->nodes[1]->anchor : "x", hits, 8);
	doc_search(d, "sshd", 0, 1);
	doc_search(d, "0x8004", d->nnodes - 1, -1);
	doc_rollup(d);
	doc_free(d);
	msg_set_lang(LANG_EN);
	return 0;
}
