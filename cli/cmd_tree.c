/* cmd_tree.c: `asr-doctor tree` prints the outline of the article. */
#include <stdio.h>

#include "cli/cli.h"

int cmd_tree(struct options *o)
{
	if (o->argc != 0) {
		cli_error("tree takes no arguments");
		return 2;
	}
	struct doc *d = cli_load_doc(o);
	if (!d)
		return 2;
	for (size_t i = 0; i < d->nnodes; i++) {
		const struct node *n = d->nodes[i];
		printf("%*s", (n->level - 1) * 2, "");
		/* Titles and anchors come from the article, maybe --doc FILE. */
		util_fputs(n->title, stdout);
		fputs("  #", stdout);
		util_fputs(n->anchor, stdout);
		if (n->nids) {
			printf("  [");
			for (size_t k = 0; k < n->nids; k++)
				printf("%s%u", k ? " " : "", n->ids[k]);
			printf("]");
		}
		if (o->hashes)
			printf("  hash=%s", n->hash);
		putchar('\n');
	}
	doc_free(d);
	return 0;
}
