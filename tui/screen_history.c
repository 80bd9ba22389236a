/* screen_history.c: the journal of applied fixes, newest first; Enter
 * shows an entry, u undoes it (through the confirmation screen). A replay
 * shows the journal recorded in the report, read-only. */
#include <stdlib.h>
#include <string.h>

#include "engine/change/journal.h"
#include "engine/replay.h"
#include "tui/app.h"

/* The entries shown: the live journal or the replayed one. */
static const struct journal_entry *entries(struct app *a, size_t *n)
{
	if (a->cfg->replay) {
		*n = a->cfg->replay->njournal;
		return a->cfg->replay->journal;
	}
	*n = a->journal ? a->journal->n : 0;
	return a->journal ? a->journal->entries : NULL;
}

/* Row i of the list is entry n-1-i (newest first). */
static const struct journal_entry *row_entry(struct app *a, size_t row)
{
	size_t n;
	const struct journal_entry *e = entries(a, &n);
	return row < n ? &e[n - 1 - row] : NULL;
}

/* The entry's state as shown everywhere (list, entry page): an applied
 * entry that a later undo put back reads "undone by N", never "applied". */
static char *shown_outcome(const struct journal_entry *e)
{
	if (e->undone_by)
		return xasprintf(app_tr("undone by %s", "已被 %s 撤销"), e->undone_by);
	return xstrdup(journal_outcome_text(e->outcome));
}

static void history_draw(struct app *a)
{
	size_t n;
	entries(a, &n);
	int rows = a->rows - 3;
	draw_text(a, 1, 0, app_tr("History of fixes (newest first)", "修复历史（最新在前）"), a->cols - 1, A_BOLD);
	if (n == 0) {
		draw_text(a, 3, 2, app_tr("No fix has been applied here yet.", "这里尚未应用任何修复。"), a->cols - 3,
			  A_NORMAL);
		return;
	}
	if (a->hsel >= n)
		a->hsel = n - 1;
	if (a->hsel < a->htop2)
		a->htop2 = a->hsel;
	if (a->hsel >= a->htop2 + (size_t)rows)
		a->htop2 = a->hsel - (size_t)rows + 1;
	for (int r = 0; r < rows; r++) {
		size_t i = a->htop2 + (size_t)r;
		const struct journal_entry *e = row_entry(a, i);
		if (!e)
			break;
		int y = 2 + r;
		if (i == a->hsel)
			draw_text(a, y, 0, ">", 1, A_NORMAL);
		char *outcome = shown_outcome(e);
		char *line = xasprintf("%-4s %.16s  %-12s %s", e->id, e->time ? e->time : "", outcome,
				       e->title ? e->title : e->undoes ? app_tr("undo", "撤销") : "");
		free(outcome);
		attr_t at = e->undone_by ? A_NORMAL
			    : e->outcome == JOURNAL_APPLIED ? draw_style(a, STY_PASS)
			    : e->outcome == JOURNAL_UNDONE  ? A_NORMAL
							    : draw_style(a, STY_WARN);
		draw_text(a, y, 2, line, a->cols - 3, at);
		free(line);
	}
}

/* A journal entry as text: files, commands, the guard. */
static char *entry_text(const struct journal_entry *e)
{
	struct sbuf b = { 0 };
	char *outcome = shown_outcome(e);
	sb_printf(&b, "%s: %s\n", app_tr("Outcome", "结果"), outcome);
	free(outcome);
	sb_printf(&b, "%s: %s%s%s\n", app_tr("Time", "时间"), e->time ? e->time : "?",
		  e->end_time ? " - " : "", e->end_time ? e->end_time : "");
	if (e->target)
		sb_printf(&b, "%s: %s\n", app_tr("Target", "目标"), e->target);
	if (e->anchor)
		sb_printf(&b, "%s: #%s\n", app_tr("Section", "章节"), e->anchor);
	if (e->undoes)
		sb_printf(&b, "%s %s\n", app_tr("Undoes entry", "撤销条目"), e->undoes);
	/* The message of an undone entry tells how to undo it: no longer. */
	if (e->undone_by)
		sb_printf(&b, app_tr("Entry %s put the original files back.\n", "条目 %s 已恢复原文件。\n"),
			  e->undone_by);
	else if (e->message)
		sb_printf(&b, "%s\n", e->message);
	for (size_t i = 0; i < e->nfiles; i++) {
		const struct journal_file *f = &e->files[i];
		sb_printf(&b, "\n%s %s\n", app_tr("File", "文件"), f->path);
		if (f->real_path && strcmp(f->real_path, f->path) != 0)
			sb_printf(&b, "  -> %s\n", f->real_path);
		sb_printf(&b, "  %s: %s\n", app_tr("before", "之前"), f->existed ? f->sha_before : app_tr("(did not exist)", "（不存在）"));
		sb_printf(&b, "  %s: %s\n", app_tr("after", "之后"), f->exists_after ? f->sha_after : app_tr("(removed)", "（已删除）"));
		if (f->backup)
			sb_printf(&b, "  %s: %s\n", app_tr("backup", "备份"), f->backup);
	}
	for (size_t i = 0; i < e->ncmds; i++) {
		const struct journal_cmd *c = &e->cmds[i];
		sb_add(&b, "\n$");
		for (char **v = c->argv; v && *v; v++)
			sb_printf(&b, " %s", *v);
		if (c->ran)
			sb_printf(&b, "  (%s %d)\n", app_tr("exit", "退出码"), c->status);
		else
			sb_printf(&b, "  (%s)\n", c->note ? c->note : app_tr("not run", "未运行"));
	}
	if (e->guard_pid)
		sb_printf(&b, "\n%s: %s\n", app_tr("Guard", "守护进程"),
			  e->guard_result ? e->guard_result : app_tr("waiting for confirmation", "等待确认"));
	return sb_steal(&b);
}

static int history_key(struct app *a, enum action act, wint_t ch)
{
	size_t n;
	entries(a, &n);
	const struct journal_entry *e = row_entry(a, a->hsel);
	if (ch == 'u') {
		if (!e)
			return H_HANDLED;
		fix_undo_preview(a, e->id);
		return H_HANDLED;
	}
	switch (act) {
	case ACT_DOWN:
		if (a->hsel + 1 < n)
			a->hsel++;
		return H_HANDLED;
	case ACT_UP:
		if (a->hsel > 0)
			a->hsel--;
		return H_HANDLED;
	case ACT_HOME:
		a->hsel = 0;
		return H_HANDLED;
	case ACT_END:
		a->hsel = n ? n - 1 : 0;
		return H_HANDLED;
	case ACT_OPEN:
		if (e) {
			char *title = xasprintf("%s %s: %s", app_tr("Entry", "条目"), e->id, e->title ? e->title : "");
			char *text = entry_text(e);
			app_page_text(a, title, text);
			free(title);
			free(text);
			sv_free(&a->watch);
			/* u on the entry's page does what u in the list does. */
			free(a->page_entry);
			a->page_entry = xstrdup(e->id);
			app_push(a, &screen_page);
		}
		return H_HANDLED;
	case ACT_BACK:
	case ACT_CANCEL:
	case ACT_HISTORY:
		return H_POP;
	default:
		return H_NONE;
	}
}

static void history_status(struct app *a, struct sbuf *out)
{
	size_t n;
	entries(a, &n);
	sb_printf(out, "%zu %s", n, app_tr_n(n, "entry", "entries", "个条目"));
}

const struct screen_ops screen_history = {
	.name = "history",
	.draw = history_draw,
	.key = history_key,
	.status = history_status,
	.hints_en = "Enter show  u undo  ? help  q back",
	.hints_zh = "Enter 查看  u 撤销  ? 帮助  q 返回",
};
