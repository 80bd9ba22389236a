/* screen_confirm.c: the confirmation screen: what will change, where and
 * why, and what undo will do. The default answer is No: applying needs y
 * then Enter, or typing "apply" and Enter; Esc, q or n cancel and nothing
 * is touched. */
#include "tui/app.h"

static int rows_of(const struct app *a)
{
	return a->rows - 2;
}

static void confirm_draw(struct app *a)
{
	int rows = rows_of(a);
	size_t max = a->cpage.nlines > (size_t)rows ? a->cpage.nlines - (size_t)rows : 0;
	if (a->ctop > max)
		a->ctop = max;
	draw_page(a, &a->cpage, a->ctop, 1, 0, rows, a->cols - 1);
}

/* Cancels: nothing was changed. */
static int cancel(struct app *a)
{
	fix_clear(a);
	app_message(a, false, "%s", app_tr("cancelled: nothing was changed", "已取消：未做任何更改"));
	return H_POP;
}

static int confirm_key(struct app *a, enum action act, wint_t ch)
{
	int rows = rows_of(a);
	/* Typing: "apply" + Enter, or y + Enter. */
	bool enter = ch == '\r' || ch == '\n' || (a->last_is_key && a->last_key == KEY_ENTER);
	if (enter) {
		if (a->armed || str_ieq(sb_str(&a->typed), "apply")) {
			fix_apply(a);
			return H_HANDLED;
		}
		return cancel(a);
	}
	if (ch == 27 || act == ACT_CANCEL)
		return cancel(a);
	if (ch >= 'a' && ch <= 'z') {
		sb_addc(&a->typed, (char)ch);
		if (a->typed.len > 8)
			sb_reset(&a->typed);
		if (ch == 'y' && a->typed.len == 1) {
			a->armed = true;
			return H_HANDLED;
		}
		/* "apply" is being typed: those letters are not commands. */
		if (str_starts("apply", sb_str(&a->typed)))
			return H_HANDLED;
		sb_reset(&a->typed);
		a->armed = false;
		if (ch == 'q' || ch == 'n')
			return cancel(a);
	} else {
		sb_reset(&a->typed);
		a->armed = false;
	}
	if (app_scroll(&a->ctop, a->cpage.nlines, rows, act) == H_HANDLED)
		return H_HANDLED;
	switch (act) {
	case ACT_BACK:
	case ACT_CLOSE:
	case ACT_QUIT:
		return cancel(a);
	case ACT_HELP:
		/* Help opens over the plan and closes back to it. */
		return H_NONE;
	default:
		/* Nothing else acts here: a stray key never applies. */
		return H_HANDLED;
	}
}

static void confirm_status(struct app *a, struct sbuf *out)
{
	if (a->armed)
		sb_add(out, app_tr("Enter applies; any other key cancels", "按 Enter 应用；按其他任意键取消"));
	else if (a->typed.len)
		sb_printf(out, "%s: %s", app_tr("typed", "已输入"), sb_str(&a->typed));
	else
		sb_add(out, app_tr("Apply? [y/N]", "应用吗？[y/N]"));
}

const struct screen_ops screen_confirm = {
	.name = "confirm",
	.draw = confirm_draw,
	.key = confirm_key,
	.status = confirm_status,
	.hints_en = "y+Enter apply  j/k scroll  ? help  Esc/q cancel",
	.hints_zh = "y+Enter 应用  j/k 滚动  ? 帮助  Esc/q 取消",
};
