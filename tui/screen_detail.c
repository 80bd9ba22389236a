/* screen_detail.c: one section full screen (narrow terminals): its text,
 * ErrorIDs, and the live checks with their evidence. */
#include "tui/app.h"

static int rows_of(const struct app *a)
{
	return a->rows - 2;
}

static void detail_draw(struct app *a)
{
	int rows = rows_of(a);
	const struct rpage *pg = app_page(a, a->doc->nodes[a->sel], a->cols - 1);
	if (a->dtop + (size_t)rows > pg->nlines)
		a->dtop = pg->nlines > (size_t)rows ? pg->nlines - (size_t)rows : 0;
	draw_page(a, pg, a->dtop, 1, 0, rows, a->cols - 1);
	links_draw(a, pg, a->dtop, 1, 0, rows, a->cols - 1);
}

static int detail_key(struct app *a, enum action act, wint_t ch)
{
	(void)ch;
	const struct rpage *pg = app_page(a, a->doc->nodes[a->sel], a->cols - 1);
	/* Tab, Shift-Tab, Enter and Back over the section's links first. */
	int flags = links_key(a, act, rows_of(a));
	if (flags != H_NONE)
		return flags;
	if (act == ACT_BACK)
		return H_POP;
	if (act == ACT_OPEN)
		return H_HANDLED;
	return app_scroll(&a->dtop, pg->nlines, rows_of(a), act);
}

static void detail_status(struct app *a, struct sbuf *out)
{
	const struct node *n = a->doc->nodes[a->sel];
	const struct rpage *pg = &a->page;
	int rows = rows_of(a);
	size_t pct = pg->nlines <= (size_t)rows ? 100 : (a->dtop + (size_t)rows) * 100 / pg->nlines;
	sb_printf(out, "%zu%% ", pct);
	links_status(a, out);
	/* The root's title is the same everywhere: leave it out. */
	if (n->parent && n->parent->parent) {
		sb_add(out, n->parent->title);
		sb_add(out, " > ");
	}
	sb_add(out, n->title);
}

const struct screen_ops screen_detail = {
	.name = "detail",
	.draw = detail_draw,
	.key = detail_key,
	.status = detail_status,
	.hints_en = "Tab links  e evidence  f fix  ? help  q back",
	.hints_zh = "Tab 链接  e 证据  f 修复  ? 帮助  q 返回",
};
