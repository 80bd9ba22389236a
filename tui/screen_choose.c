/* screen_choose.c: picks one of several sections that name the same
 * ErrorID (95105 and 95523 each lead to two). */
#include "engine/fix.h"
#include "tui/app.h"

static void choose_draw(struct app *a)
{
	bool fixes = a->ckind == CHOOSE_FIXES;
	draw_text(a, 1, 0,
		  fixes ? app_tr("Several fixes apply here; Enter shows one (nothing changes yet):",
				 "这里有多个修复；按 Enter 查看其中一个（尚不做任何更改）：")
			: app_tr("Several sections match; Enter opens one:", "多个章节匹配；按 Enter 打开其中一个："),
		  a->cols - 1, A_BOLD);
	for (size_t i = 0; i < a->nchoices && (int)i + 3 < a->rows - 1; i++) {
		int y = 3 + (int)i;
		if (i == a->csel)
			draw_text(a, y, 0, ">", 1, A_BOLD);
		if (fixes) {
			const struct fix_def *f = a->fix_choices[i];
			draw_text(a, y, 2, app_tr(f->title_en, f->title_zh), a->cols - 3, A_NORMAL);
			continue;
		}
		const struct node *n = a->choices[i];
		draw_text(a, y, 1, status_symbol(n->rolled, a->utf8), 1, draw_status_attr(a, n->rolled));
		draw_node_title(a, y, 3, n, a->cols - 4, A_NORMAL);
	}
}

static int choose_key(struct app *a, enum action act, wint_t ch)
{
	if (ch >= '1' && ch <= '9' && (size_t)(ch - '1') < a->nchoices) {
		a->csel = (size_t)(ch - '1');
		act = ACT_OPEN;
	}
	switch (act) {
	case ACT_DOWN:
		if (a->csel + 1 < a->nchoices)
			a->csel++;
		return H_HANDLED;
	case ACT_UP:
		if (a->csel > 0)
			a->csel--;
		return H_HANDLED;
	case ACT_OPEN:
		/* Replace the chooser with what was chosen. */
		a->depth--;
		if (a->ckind == CHOOSE_FIXES) {
			fix_plan(a, a->fix_choices[a->csel]);
			return H_HANDLED;
		}
		app_select(a, a->choices[a->csel]->index, a->rows - 2);
		if (!a->wide)
			app_push(a, &screen_detail);
		return H_HANDLED;
	case ACT_BACK:
	case ACT_CANCEL:
	case ACT_CLOSE:
		return H_POP;
	case ACT_QUIT:
	case ACT_HELP:
		return H_NONE;
	default:
		return H_HANDLED;
	}
}

static void choose_status(struct app *a, struct sbuf *out)
{
	sb_printf(out, "%zu/%zu", a->csel + 1, a->nchoices);
}

const struct screen_ops screen_choose = {
	.name = "choose",
	.draw = choose_draw,
	.key = choose_key,
	.status = choose_status,
	.hints_en = "Enter open  1-9 pick  ? help  q cancel",
	.hints_zh = "Enter 打开  1-9 选择  ? 帮助  q 取消",
};
