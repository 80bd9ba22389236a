/* screen_help.c: every key and what it does, generated from keys.def. */
#include <stdlib.h>

#include "engine/util/text.h"
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
		    app_tr("As in less and vi: j/k, Space/b, g/G, / with n/N, q closes the view (in the tree it quits; "
			   "with --demo it asks first). Different here: : goes to an ErrorID (no command line), "
			   "h/Backspace go up a level, f fixes (not forward: use Space), Q quits from any view. "
			   "In a section, Tab selects a link as in a browser and Enter follows it; an outside "
			   "address is printed whole on the terminal's own screen, to copy.",
			   "与 less 和 vi 相同：j/k、Space/b、g/G、/ 及 n/N，q 关闭当前视图（在树中则退出；--demo 时先询问）。"
			   "不同之处：: 转到 ErrorID（不是命令行），h/Backspace 返回上一级，f 执行修复（不是向前翻页：请用 Space），"
			   "Q 从任意视图退出。在章节中，Tab 像浏览器一样选择链接，Enter 打开它；"
			   "外部地址完整打印在终端自己的屏幕上，以便复制。"),
		    0, "", "", &o);
	render_blank(pg);
	/* The symbols as this screen draws them (UTF-8 or ASCII). */
	static const enum status shown[] = { STATUS_PASS, STATUS_FAIL, STATUS_WARN, STATUS_ERROR, STATUS_NA };
	static const char *const names[][2] = { { "pass", "通过" }, { "fail", "失败" }, { "warning", "警告" },
						{ "error", "错误" }, { "not applicable", "不适用" } };
	struct sbuf legend = { 0 };
	sb_add(&legend, app_tr("Status symbols:", "状态符号："));
	for (size_t i = 0; i < ARRAY_LEN(shown); i++)
		sb_printf(&legend, "%s%s %s", i ? app_tr(", ", "，") : app_tr(" ", ""),
			  status_symbol(shown[i], a->utf8), app_tr(names[i][0], names[i][1]));
	sb_add(&legend, app_tr(". A * after the symbol: the section's text changed since its checks were written.",
			       "。符号后的 *：该章节的文本在编写检查后已更改。"));
	render_text(pg, sb_str(&legend), STY_DIM, "", "", &o);
	sb_free(&legend);
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
	case ACT_BACK:
	case ACT_HELP:
	case ACT_OPEN:
	case ACT_CANCEL:
	case ACT_CLOSE:
		return H_POP;
	case ACT_QUIT:
		return H_NONE;
	default: {
		struct rpage pg = { 0 };
		help_page(a, &pg);
		app_scroll(&a->htop, pg.nlines, a->rows - 2, act);
		rpage_free(&pg);
		return H_HANDLED;
	}
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
	.hints_en = "j/k scroll  q close",
	.hints_zh = "j/k 滚动  q 关闭",
};
