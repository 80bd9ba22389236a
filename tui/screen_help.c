/* screen_help.c: every key and what it does, generated from keys.def. */
#include <stdlib.h>

#include "engine/text.h"
#include "tui/app.h"

static void help_page(struct app *a, struct rpage *pg)
{
	struct render_opts o = { .width = a->cols - 1, .utf8 = a->utf8 };
	render_line(pg, app_tr("Keys", "按键"), STY_BOLD | STY_TITLE, &o);
	render_blank(pg);
	for (int act = 1; act < ACT__COUNT; act++) {
		const char *keys = key_help_keys((enum action)act);
		char *pad = xasprintf("%-20s", keys);
		char *cont = xasprintf("%20s", "");
		render_text(pg, key_help_text((enum action)act), 0, pad, cont, &o);
		free(pad);
		free(cont);
	}
	render_blank(pg);
	render_text(pg,
		    app_tr("Status symbols: + pass, X fail, ! warning, ? error, - not applicable (UTF-8 terminals show check marks). "
			   "A * after the symbol: the section's text changed since its checks were written.",
			   "状态符号：+ 通过，X 失败，! 警告，? 错误，- 不适用（UTF-8 终端显示对勾）。符号后的 *：该章节的文本在编写检查后已更改。"),
		    STY_DIM, "", "", &o);
}

static void help_draw(struct app *a)
{
	struct rpage pg = { 0 };
	help_page(a, &pg);
	int rows = a->rows - 2;
	if (a->htop + (size_t)rows > pg.nlines)
		a->htop = pg.nlines > (size_t)rows ? pg.nlines - (size_t)rows : 0;
	draw_page(a, &pg, a->htop, 1, 0, rows, a->cols - 1);
	rpage_free(&pg);
}

static int help_key(struct app *a, enum action act, wint_t ch)
{
	(void)ch;
	switch (act) {
	case ACT_DOWN:
	case ACT_PGDN:
		a->htop += act == ACT_DOWN ? 1 : (size_t)(a->rows - 3);
		return H_HANDLED;
	case ACT_UP:
		a->htop = a->htop > 0 ? a->htop - 1 : 0;
		return H_HANDLED;
	case ACT_PGUP:
		a->htop = a->htop > (size_t)(a->rows - 3) ? a->htop - (size_t)(a->rows - 3) : 0;
		return H_HANDLED;
	case ACT_HOME:
		a->htop = 0;
		return H_HANDLED;
	case ACT_BACK:
	case ACT_HELP:
	case ACT_OPEN:
	case ACT_CANCEL:
		return H_POP;
	case ACT_QUIT:
		return H_POP;
	default:
		return H_HANDLED;
	}
}

static void help_status(struct app *a, struct sbuf *out)
{
	(void)a;
	sb_add(out, app_tr("Help", "帮助"));
}

const struct screen_ops screen_help = {
	.name = "help",
	.draw = help_draw,
	.key = help_key,
	.status = help_status,
	.hints_en = "q or Bksp closes",
	.hints_zh = "q 或 Bksp 关闭",
};
