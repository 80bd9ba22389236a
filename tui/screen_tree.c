/* screen_tree.c: the troubleshooting tree, one row per section with its
 * status; on wide terminals the selected section's detail sits beside it. */
#include "tui/app.h"

/* Rows available for content between the title and the status line. */
static int content_rows(const struct app *a)
{
	return a->rows - 2;
}

static void draw_row(struct app *a, int y, const struct node *n, bool selected, int width)
{
	/* The selection is a marker, not a highlight bar: moving it costs a
	 * few bytes on a slow line. */
	if (selected)
		draw_text(a, y, 0, ">", 1, A_NORMAL);
	/* Unchecked rows stay blank: no attribute changes for nothing. */
	enum status st = n->rolled;
	if (st != STATUS_NONE)
		draw_text(a, y, 1, status_symbol(st, a->utf8), 1, draw_status_attr(a, st));
	if (a->ses && session_node_changed(a->ses, n))
		draw_text(a, y, 2, "*", 1, draw_style(a, STY_WARN));
	int indent = 3 + 2 * (n->level - 1);
	if (indent >= width)
		return;
	draw_node_title(a, y, indent, n, width - indent, n->level == 1 ? A_BOLD : A_NORMAL);
}

static void tree_draw(struct app *a)
{
	int rows = content_rows(a);
	int tw = app_tree_width(a);
	int list_w = a->wide ? tw - 1 : a->cols;
	app_select(a, a->sel, rows);
	for (int r = 0; r < rows; r++) {
		size_t i = a->top + (size_t)r;
		if (i >= a->doc->nnodes)
			break;
		draw_row(a, 1 + r, a->doc->nodes[i], i == a->sel && (!a->wide || a->focus == 0), list_w);
	}
	if (a->wide) {
		if (a->focus == 1)
			draw_text(a, 1 + (int)(a->sel - a->top), 0, ">", 1, A_NORMAL);
		draw_vline(a, 1, tw, rows);
		int dx = tw + 2, dw = a->cols - dx - 1;
		const struct rpage *pg = app_page(a, a->doc->nodes[a->sel], dw);
		if (a->dtop + (size_t)rows > pg->nlines)
			a->dtop = pg->nlines > (size_t)rows ? pg->nlines - (size_t)rows : 0;
		draw_page(a, pg, a->dtop, 1, dx, rows, dw);
		links_draw(a, pg, a->dtop, 1, dx, rows, dw);
	}
}

/* Scrolls the wide-mode detail pane. */
static int detail_scroll(struct app *a, enum action act)
{
	/* Tab, Shift-Tab, Enter and Back over the section's links first. */
	int flags = links_key(a, act, content_rows(a));
	if (flags != H_NONE)
		return flags;
	const struct rpage *pg = app_page(a, a->doc->nodes[a->sel], a->cols - app_tree_width(a) - 3);
	if (act == ACT_BACK || act == ACT_CLOSE) {
		a->focus = 0;
		return H_HANDLED;
	}
	return app_scroll(&a->dtop, pg->nlines, content_rows(a), act);
}

static int tree_key(struct app *a, enum action act, wint_t ch)
{
	(void)ch;
	if (a->wide && a->focus == 1)
		return detail_scroll(a, act);
	int rows = content_rows(a);
	size_t n = a->doc->nnodes;
	size_t before = a->sel;
	switch (act) {
	case ACT_DOWN:
		if (a->sel + 1 < n)
			app_select(a, a->sel + 1, rows);
		break;
	case ACT_UP:
		if (a->sel > 0)
			app_select(a, a->sel - 1, rows);
		break;
	case ACT_PGDN: {
		/* Half a page: the terminal scrolls the rest, so a slow line
		 * pays only for the new rows. */
		size_t step = (size_t)(rows > 3 ? rows / 2 : 1);
		if (a->top + (size_t)rows < n) {
			a->top += step;
			if (a->top + (size_t)rows > n)
				a->top = n > (size_t)rows ? n - (size_t)rows : 0;
		}
		app_select(a, a->sel + step < n ? a->sel + step : n - 1, rows);
		break;
	}
	case ACT_PGUP: {
		size_t step = (size_t)(rows > 3 ? rows / 2 : 1);
		a->top = a->top > step ? a->top - step : 0;
		app_select(a, a->sel > step ? a->sel - step : 0, rows);
		break;
	}
	case ACT_HOME:
		app_select(a, 0, rows);
		break;
	case ACT_END:
		app_select(a, n - 1, rows);
		break;
	case ACT_OPEN:
		links_forget(a);
		if (a->wide)
			a->focus = 1;
		else
			app_push(a, &screen_detail);
		return H_HANDLED;
	case ACT_FOCUS:
		links_forget(a);
		if (a->wide)
			a->focus = 1;
		else
			app_push(a, &screen_detail);
		return H_HANDLED;
	case ACT_EVIDENCE:
		/* Evidence is shown in the detail: open it when it is hidden. */
		a->show_evidence = !a->show_evidence;
		a->page_valid = false;
		if (!a->wide)
			app_push(a, &screen_detail);
		return H_HANDLED;
	case ACT_BACK: {
		/* Up to the parent section. */
		const struct node *p = a->doc->nodes[a->sel]->parent;
		if (p)
			app_select(a, p->index, rows);
		return H_HANDLED;
	}
	default:
		return H_NONE;
	}
	if (a->sel != before) {
		a->dtop = 0;
		links_forget(a);
	}
	return H_HANDLED;
}

static void tree_status(struct app *a, struct sbuf *out)
{
	const struct node *n = a->doc->nodes[a->sel];
	sb_printf(out, "%zu/%zu ", a->sel + 1, a->doc->nnodes);
	if (a->wide && a->focus == 1)
		links_status(a, out);
	/* Where the selection sits: its parent sections (the row shows the
	 * section itself). */
	if (n->parent && n->parent->parent)
		sb_add(out, n->parent->title);
}

const struct screen_ops screen_tree = {
	.name = "tree",
	.draw = tree_draw,
	.key = tree_key,
	.status = tree_status,
	.hints_en = "Enter open  / search  : ErrorID  r check  f fix  ? help  q quit",
	.hints_zh = "Enter 打开  / 搜索  : ErrorID  r 检查  f 修复  ? 帮助  q 退出",
};
