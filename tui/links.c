/* links.c: following a section from the keyboard. The entries of the
 * section shown are its links (numbered [1], [2] ... in its text and listed
 * under "Links") and then its "In this section" list; Tab and Shift-Tab
 * select one, Enter follows it (a section of this article opens in the
 * tree, an outside address is shown whole so it can be copied) and Back
 * returns along the links followed, to the place each was followed from. */
#include <stdlib.h>
#include <string.h>

#include "tui/app.h"

/* The section the detail shows. */
static const struct node *shown(const struct app *a)
{
	return a->doc->nodes[a->sel];
}

static size_t entries(const struct node *n)
{
	return n->links.n + n->nkids;
}

/* The selected entry of the section shown, or -1. */
static int selected(const struct app *a)
{
	return a->lnode == shown(a) && a->lsel >= 0 && (size_t)a->lsel < entries(shown(a)) ? a->lsel : -1;
}

/* The detail page's width, as the screen showing it lays it out. */
static int page_width(const struct app *a)
{
	return a->wide ? a->cols - app_tree_width(a) - 3 : a->cols - 1;
}

/* The section entry e leads to inside this article, or NULL for an
 * outside address. */
static struct node *target_of(const struct app *a, const struct node *n, size_t e)
{
	if (e >= n->links.n)
		return n->kids[e - n->links.n];
	const char *url = n->links.v[e];
	return url[0] == '#' && url[1] ? doc_find_anchor(a->doc, url + 1) : NULL;
}

/* The first page line of entry e (its line with ref e + 1), or the page's
 * length when it is not there. */
static size_t line_of(const struct rpage *pg, int e)
{
	for (size_t i = 0; i < pg->nlines; i++)
		if (pg->lines[i].ref == e + 1)
			return i;
	return pg->nlines;
}

/* The rows of the entry starting at line i: its first line and the lines
 * that continue it (a wrapped address or title). */
static size_t rows_of_entry(const struct rpage *pg, size_t i)
{
	size_t k = i + 1;
	while (k < pg->nlines && pg->lines[k].ref == 0 && pg->lines[k].nsegs > 0)
		k++;
	return k - i;
}

/* Selects entry e and scrolls the page so that it shows whole. */
static void select_entry(struct app *a, int e, int rows)
{
	a->lnode = shown(a);
	a->lsel = e;
	const struct rpage *pg = app_page(a, shown(a), page_width(a));
	size_t i = line_of(pg, e);
	if (i >= pg->nlines)
		return;
	size_t h = rows_of_entry(pg, i);
	if (i < a->dtop)
		a->dtop = i;
	else if (i + h > a->dtop + (size_t)rows)
		a->dtop = i + h - (size_t)rows;
}

/* Opens section to from the one shown, remembering the way back. */
static void follow(struct app *a, const struct node *to)
{
	if (a->ntrail == ARRAY_LEN(a->trail)) {
		memmove(a->trail, a->trail + 1, (ARRAY_LEN(a->trail) - 1) * sizeof a->trail[0]);
		a->ntrail--;
	}
	a->trail[a->ntrail++] = (struct link_step){ .from = a->sel, .to = to->index, .dtop = a->dtop,
						    .lsel = a->lsel };
	const struct node *from = shown(a);
	app_select(a, to->index, a->rows - 2);
	a->lnode = NULL;
	a->lsel = -1;
	app_page(a, to, page_width(a));
	a->dtop = 0;
	app_message(a, false, app_tr("Backspace or h: back to %s", "Backspace 或 h：返回 %s"), from->title);
}

/* Back along the links followed; false when the section shown was not
 * reached by one (the screen's own Back applies). */
static bool back(struct app *a)
{
	if (a->ntrail == 0)
		return false;
	struct link_step st = a->trail[a->ntrail - 1];
	if (st.to != a->sel) {
		links_forget(a);
		return false;
	}
	a->ntrail--;
	app_select(a, st.from, a->rows - 2);
	/* Lay the page out first: a new section's page starts at its top. */
	app_page(a, shown(a), page_width(a));
	a->dtop = st.dtop;
	a->lnode = shown(a);
	a->lsel = st.lsel;
	return true;
}

int links_key(struct app *a, enum action act, int rows)
{
	const struct node *n = shown(a);
	size_t count = entries(n);
	int cur = selected(a);
	switch (act) {
	case ACT_FOCUS:
	case ACT_LINK_PREV:
		if (count == 0) {
			app_message(a, false, "%s", app_tr("this section has no links and no subsections",
							    "本节没有链接，也没有子章节"));
			return H_HANDLED;
		}
		if (act == ACT_FOCUS)
			cur = cur < 0 || (size_t)cur + 1 >= count ? 0 : cur + 1;
		else
			cur = cur <= 0 ? (int)count - 1 : cur - 1;
		select_entry(a, cur, rows);
		return H_HANDLED;
	case ACT_OPEN: {
		if (cur < 0)
			return H_NONE;
		const struct node *to = target_of(a, n, (size_t)cur);
		if (to) {
			follow(a, to);
		} else {
			free(a->outside);
			a->outside = xstrdup(n->links.v[cur]);
		}
		return H_HANDLED;
	}
	case ACT_BACK:
		return back(a) ? H_HANDLED : H_NONE;
	default:
		return H_NONE;
	}
}

void links_draw(struct app *a, const struct rpage *pg, size_t top, int y, int x, int h, int w)
{
	int cur = selected(a);
	if (cur < 0)
		return;
	size_t i = line_of(pg, cur);
	if (i >= pg->nlines)
		return;
	/* Reverse video over the entry's text: no colour needed. */
	size_t end = i + rows_of_entry(pg, i);
	for (size_t k = i; k < end; k++) {
		if (k < top || k >= top + (size_t)h)
			continue;
		int cols = (int)pg->lines[k].cols < w ? (int)pg->lines[k].cols : w;
		mvchgat(y + (int)(k - top), x, cols, A_REVERSE, 0, NULL);
	}
}

void links_status(struct app *a, struct sbuf *out)
{
	int cur = selected(a);
	if (cur < 0)
		return;
	const struct node *n = shown(a);
	const struct node *to = target_of(a, n, (size_t)cur);
	if ((size_t)cur < n->links.n)
		sb_printf(out, "[%d] ", cur + 1);
	sb_add(out, to ? to->title : n->links.v[cur]);
	sb_add(out, "  ");
}

void links_forget(struct app *a)
{
	a->ntrail = 0;
}
