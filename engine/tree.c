/* tree.c: lookups over the section tree: anchors, ErrorIDs, search,
 * breadcrumbs and the roll-up of check statuses. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "engine/doc.h"
#include "engine/util/text.h"

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

/* Where the title's code list starts ("(ErrorID: 95517)", "（错误代码：
 * 95103）"): a last opening parenthesis whose text runs to the end, closes
 * there and holds a digit. Returns its byte offset, or the length. */
static size_t id_tail(const char *t)
{
	size_t len = strlen(t);
	size_t open = len;
	for (size_t i = 0; i < len; i++)
		if (t[i] == '(' || strncmp(t + i, "\xef\xbc\x88", 3) == 0)
			open = i;
	if (open == len || !(str_ends(t, ")") || str_ends(t, "\xef\xbc\x89")))
		return len;
	for (size_t i = open; i < len; i++)
		if (isdigit((unsigned char)t[i]))
			return open;
	return len;
}

/* head cut to cols columns (marked when cut), then sep and tail. */
static char *join_cut(const char *head, size_t head_len, size_t cols, const char *mark,
		      const char *sep, const char *tail)
{
	char *h = xstrndup(head, head_len);
	char *cut = text_truncate(str_trim(h), cols, mark);
	char *out = xasprintf("%s%s%s", cut, sep, tail);
	free(cut);
	free(h);
	return out;
}

char *node_title_fit(const struct node *n, size_t cols, const char *mark)
{
	const char *t = n->title;
	if (text_width(t) <= cols)
		return xstrdup(t);
	size_t at = id_tail(t);
	if (at == strlen(t))
		return text_truncate(t, cols, mark);
	/* At least a word's start must remain to tell sections apart. */
	enum { MIN_HEAD = 4 };
	const char *tail = t + at;
	const char *sep = tail[0] == '(' ? " " : "";
	size_t need = text_width(tail) + strlen(sep);
	if (need + MIN_HEAD <= cols)
		return join_cut(t, at, cols - need, mark, sep, tail);
	if (n->nids == 0)
		return text_truncate(t, cols, mark);
	struct sbuf ids = { 0 };
	for (size_t i = 0; i < n->nids; i++)
		sb_printf(&ids, "%s%u", i ? " " : "", n->ids[i]);
	char *out;
	if (ids.len + 1 + MIN_HEAD <= cols)
		out = join_cut(t, at, cols - ids.len - 1, mark, " ", sb_str(&ids));
	else
		out = text_truncate(sb_str(&ids), cols, mark);
	sb_free(&ids);
	return out;
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
