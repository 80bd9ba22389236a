/* tree.c: lookups over the section tree: anchors, ErrorIDs, search,
 * breadcrumbs and the roll-up of check statuses. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "engine/doc.h"

struct node *doc_find_anchor(const struct doc *d, const char *anchor)
{
	for (size_t i = 0; i < d->nnodes; i++)
		if (strcmp(d->nodes[i]->anchor, anchor) == 0)
			return d->nodes[i];
	for (size_t i = 0; i < d->nnodes; i++)
		if (sv_contains(&d->nodes[i]->aliases, anchor))
			return d->nodes[i];
	return NULL;
}

bool node_has_id(const struct node *n, unsigned id)
{
	for (size_t i = 0; i < n->nids; i++)
		if (n->ids[i] == id)
			return true;
	return false;
}

bool node_contains(const struct node *a, const struct node *b)
{
	for (; b; b = b->parent)
		if (a == b)
			return true;
	return false;
}

static bool subtree_has_id_below(const struct node *n, unsigned id)
{
	for (size_t i = 0; i < n->nkids; i++)
		if (node_has_id(n->kids[i], id) || subtree_has_id_below(n->kids[i], id))
			return true;
	return false;
}

size_t doc_find_id(const struct doc *d, unsigned id, struct node **out, size_t max)
{
	size_t found = 0;
	for (size_t i = 0; i < d->nnodes; i++) {
		struct node *n = d->nodes[i];
		/* The most specific section wins: a parent listing the IDs of
		 * its children (95519-95522) is not a separate choice. */
		if (!node_has_id(n, id) || subtree_has_id_below(n, id))
			continue;
		if (found < max)
			out[found] = n;
		found++;
	}
	return found;
}

size_t doc_resolve(const struct doc *d, const char *what, struct node **out, size_t max)
{
	if (!what || !*what)
		return 0;
	if (what[0] == '#')
		what++;
	bool digits = true;
	for (const char *p = what; *p; p++)
		if (!isdigit((unsigned char)*p))
			digits = false;
	if (digits && strlen(what) <= 9) {
		size_t n = doc_find_id(d, (unsigned)strtoul(what, NULL, 10), out, max);
		if (n)
			return n;
	}
	struct node *a = doc_find_anchor(d, what);
	if (a) {
		if (max)
			out[0] = a;
		return 1;
	}
	return 0;
}

bool node_matches(const struct node *n, const char *query)
{
	return query && *query && str_icase_find(n->text, query) != NULL;
}

struct node *doc_search(const struct doc *d, const char *query, size_t from, int dir)
{
	if (!query || !*query || d->nnodes == 0)
		return NULL;
	size_t n = d->nnodes;
	for (size_t step = 1; step <= n; step++) {
		size_t i = dir >= 0 ? (from + step) % n : (from + n - step % n) % n;
		if (node_matches(d->nodes[i], query))
			return d->nodes[i];
	}
	return NULL;
}

void node_breadcrumb(const struct node *n, struct sbuf *b, const char *sep)
{
	const struct node *path[8];
	size_t depth = 0;
	for (const struct node *p = n; p && depth < ARRAY_LEN(path); p = p->parent)
		path[depth++] = p;
	for (size_t i = depth; i-- > 0;) {
		sb_add(b, path[i]->title);
		if (i)
			sb_add(b, sep);
	}
}

static enum status rollup(struct node *n)
{
	enum status s = n->own;
	for (size_t i = 0; i < n->nkids; i++)
		s = status_worse(s, rollup(n->kids[i]));
	n->rolled = s;
	return s;
}

void doc_rollup(struct doc *d)
{
	if (d->root)
		rollup(d->root);
}
