/* cmd_explain.c: `asr-doctor explain ID` prints a section as plain text.
 * The words of ID may come as several arguments (explain exit code 802,
 * a portal message pasted unquoted): they are read as one text. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "engine/render.h"

int cmd_explain(struct options *o)
{
	if (o->argc < 1) {
		cli_error("explain needs an ErrorID, a code or an anchor, e.g. 'asr-doctor explain 95320'");
		return 2;
	}
	struct doc *d = cli_load_doc(o);
	if (!d)
		return 2;
	struct node *found[16];
	struct codemap *m = cli_codemap(d);
	if (!m) {
		doc_free(d);
		return 2;
	}
	struct sbuf what = { 0 };
	for (int i = 0; i < o->argc; i++) {
		if (i > 0)
			sb_add(&what, " ");
		sb_add(&what, o->argv[i]);
	}
	size_t n = codemap_resolve(m, sb_str(&what), found, ARRAY_LEN(found));
	codemap_free(m);
	if (n == 0) {
		cli_error("no section for '%s' in %s; 'asr-doctor tree' lists the ErrorIDs and anchors",
			  sb_str(&what), d->name);
		sb_free(&what);
		doc_free(d);
		return 1;
	}
	sb_free(&what);
	struct render_opts ro = {
		.width = cli_width(),
		.utf8 = !o->ascii,
		.wrap_code = false,
		.show_meta = true,
	};
	for (size_t i = 0; i < n && i < ARRAY_LEN(found); i++) {
		struct rpage pg = { 0 };
		if (i > 0)
			fputc('\n', stdout);
		struct sbuf crumb = { 0 };
		node_breadcrumb(found[i], &crumb, " > ");
		render_node(&pg, d, found[i], &ro);
		rpage_write(stdout, &pg);
		rpage_free(&pg);
		sb_free(&crumb);
	}
	doc_free(d);
	return 0;
}
