/* screen_resume.c: after a dropped line, offers to resume where the last
 * run stopped: its place and its check results. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "engine/fix.h"
#include "engine/replay.h"
#include "engine/state.h"
#include "tui/app.h"

static void resume_draw(struct app *a)
{
	const struct app_state *st = a->cfg->offer;
	struct rpage pg = { 0 };
	struct render_opts o = { .width = a->cols - 1, .utf8 = a->utf8 };
	char when[32] = "?";
	time_t t = (time_t)st->time;
	struct tm tm;
	if (localtime_r(&t, &tm))
		strftime(when, sizeof when, "%Y-%m-%d %H:%M", &tm);
	const struct node *n = st->anchor ? doc_find_anchor(a->doc, st->anchor) : NULL;
	bool undo = st->fix_id && strcmp(st->fix_id, STATE_FIX_UNDO) == 0 && st->fix_entry;
	char *open = undo ? xasprintf(app_tr(", with the undo of entry %s waiting for confirmation",
					     "，条目 %s 的撤销正在等待确认"),
				      st->fix_entry)
		     : st->fix_id ? xstrdup(app_tr(", with a fix open", "，有一个打开的修复"))
				  : xstrdup("");
	char *who = st->account ? xasprintf(app_tr("%s (account %s)", "%s（账户 %s）"),
					    st->target_name ? st->target_name : "?", st->account)
				: xstrdup(st->target_name ? st->target_name : "?");
	char *text = xasprintf(app_tr("The last asr-doctor on %s stopped at %s without quitting (a dropped connection?), "
				      "at \"%s\"%s.",
				      "上一次在 %s 上运行的 asr-doctor 于 %s 中断且未正常退出（连接断开？），位于“%s”%s。"),
			       who, when, n ? n->title : "?", open);
	free(open);
	free(who);
	render_text(&pg, app_tr("Resume?", "继续吗？"), STY_TITLE | STY_BOLD, "", "", &o);
	render_blank(&pg);
	render_text(&pg, text, 0, "", "", &o);
	render_blank(&pg);
	render_text(&pg, app_tr("y: resume with its place and check results (a fix or an undo in progress is shown again, "
				"never applied by itself). n: start fresh.",
				"y：恢复其位置和检查结果（进行中的修复或撤销会重新显示，绝不会自动应用）。n：重新开始。"),
		    STY_BOLD, "", "", &o);
	free(text);
	draw_page(a, &pg, 0, 1, 0, a->rows - 2, a->cols - 1);
	rpage_free(&pg);
}

static int resume_key(struct app *a, enum action act, wint_t ch)
{
	(void)act;
	const struct app_state *st = a->cfg->offer;
	if (ch == 'y' || ch == 'Y') {
		struct replay_info info;
		char *cause = NULL;
		if (st->json && replay_load(st->json, a->ses, &info, &cause) == 0) {
			replay_info_free(&info);
			a->results_gen++;
		} else {
			app_message(a, true, "%s", cause ? cause : "");
			free(cause);
		}
		/* The run resumed judged this account: so do its checks now. */
		if (st->account && !a->ctx.account) {
			a->ctx.account = st->account;
			free(a->label);
			a->label = xasprintf(app_tr("account %s, %s", "账户 %s，%s"), st->account,
					     a->ctx.t->name);
		}
		const struct node *n = st->anchor ? doc_find_anchor(a->doc, st->anchor) : NULL;
		if (n)
			app_select(a, n->index, a->rows - 2);
		a->show_evidence = st->show_evidence;
		a->depth--;
		if (st->fix_id && strcmp(st->fix_id, STATE_FIX_UNDO) == 0 && st->fix_entry) {
			fix_undo_preview(a, st->fix_entry);
		} else if (st->fix_id) {
			const struct fix_def *f = fix_find(st->fix_id);
			if (f)
				fix_plan(a, f);
		} else if (st->screen && strcmp(st->screen, "detail") == 0 && !a->wide) {
			app_push(a, &screen_detail);
		}
		/* The confirmation screen's own prompt stays in view. */
		if (!a->message && a->stack[a->depth - 1] != &screen_confirm)
			app_message(a, false, "%s", app_tr("resumed: R runs the checks again", "已恢复：按 R 重新运行检查"));
		return H_HANDLED;
	}
	if (ch == 'n' || ch == 'N' || ch == 27 || ch == 'q') {
		a->depth--;
		if (a->cfg->auto_check)
			app_run_checks(a, NULL);
		return H_HANDLED;
	}
	return H_HANDLED;
}

static void resume_status(struct app *a, struct sbuf *out)
{
	(void)a;
	sb_add(out, app_tr("Resume? [y/n]", "继续吗？[y/n]"));
}

const struct screen_ops screen_resume = {
	.name = "resume",
	.draw = resume_draw,
	.key = resume_key,
	.status = resume_status,
	.hints_en = "y resume  n start fresh",
	.hints_zh = "y 恢复  n 重新开始",
};
