/* fixflow.c: the wizard's side of changing a machine: offer the fixes the
 * remedy flow chooses (engine/remedy.h), show a plan on the confirmation
 * screen with what the commit-confirmed guard will do, apply it through the
 * remedy flow (each command asked about on its own), re-run the checks it
 * names; the history with undo; saving a report. Everything that touches
 * the machine is an engine call. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "engine/facts.h"
#include "engine/remedy.h"
#include "engine/replay.h"
#include "engine/report_doc.h"
#include "engine/util/text.h"
#include "engine/undo.h"
#include "tui/app.h"
#include "tui/input.h"

void fix_clear(struct app *a)
{
	plan_free(a->plan);
	a->plan = NULL;
	free(a->undo_entry);
	a->undo_entry = NULL;
	rpage_free(&a->cpage);
	free(a->cbody);
	a->cbody = NULL;
	a->cpage_valid = false;
	a->armed = false;
	sb_reset(&a->typed);
}

/* Lays the generic page's text out at the current width. */
static void info_layout(struct app *a)
{
	rpage_free(&a->info);
	a->iwidth = a->cols - 1;
	const char *text = a->itext ? a->itext : "";
	struct render_opts o = { .width = a->cols - 1, .utf8 = a->utf8, .wrap_code = true };
	const char *p = text;
	while (*p) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		char *line = xstrndup(p, len);
		size_t ind = strspn(line, " ");
		char *pre = xstrndup(line, ind);
		render_text(&a->info, line + ind, 0, pre, pre, &o);
		free(pre);
		free(line);
		p = nl ? nl + 1 : p + len;
	}
}

void app_page_text(struct app *a, const char *title, const char *text)
{
	free(a->page_entry);
	a->page_entry = NULL;
	free(a->page_title);
	a->page_title = xstrdup(title);
	free(a->itext);
	a->itext = xstrdup(text);
	info_layout(a);
	a->itop = 0;
}

/* The remedy options: the target, server, journal, timeouts and SSH
 * connection the command line gave. */
static struct remedy_opts remedy_options(const struct app *a)
{
	struct remedy_opts o = {
		.t = a->ctx.t,
		.server = a->ctx.server,
		.account = a->ctx.account,
		.journal_dir = a->cfg->journal_dir,
		.journal_opt = a->cfg->journal_opt,
		.timeout_s = a->cfg->timeout_s,
		.confirm_within = a->cfg->confirm_within,
		.ssh_connection = a->cfg->ssh_connection,
	};
	return o;
}

/* The fix context for the engine. */
static struct fix_ctx fix_context(struct app *a, const struct check_result *r, const char *anchor)
{
	struct remedy_opts o = remedy_options(a);
	return remedy_fix_ctx(&o, r, anchor);
}

/* The latest results of bindings idx[0..n) (every binding when idx is
 * NULL), as pointers (caller frees the array). */
static const struct check_result **results_of(struct app *a, const size_t *idx, size_t n)
{
	/* An array of pointers, sized by its element. */
	const struct check_result **r =
		xcalloc(n ? n : 1, sizeof *r); /* NOLINT(bugprone-sizeof-expression) */
	for (size_t i = 0; i < n; i++)
		r[i] = &a->ses->results[idx ? idx[i] : i];
	return r;
}

void fix_start(struct app *a)
{
	if (a->read_only) {
		app_message(a, true, "%s", app_tr("a replayed report is read-only", "回放的报告是只读的"));
		return;
	}
	if (!a->ses)
		return;
	size_t *idx;
	size_t n = session_checks_for(a->ses, a->doc->nodes[a->sel], true, &idx);
	const struct check_result **res = results_of(a, idx, n);
	struct remedy_set set;
	remedy_choose(res, n, NULL, &set);
	remedy_drop_unfit(&set, a->ctx.t);
	free(res);
	free(idx);
	if (set.nfailing == 0) {
		app_message(a, false, "%s",
			    set.nunrun ? app_tr("run the checks first (r): nothing is known to fail here",
						"请先运行检查（r）：这里还没有已知的失败")
				       : app_tr("nothing fails here: no fix needed", "这里没有失败：无需修复"));
		remedy_set_free(&set);
		return;
	}
	a->nchoices = 0;
	for (size_t i = 0; i < set.n && a->nchoices < ARRAY_LEN(a->fix_choices); i++)
		a->fix_choices[a->nchoices++] = set.v[i].fix;
	remedy_set_free(&set);
	if (a->nchoices == 0) {
		app_message(a, false, "%s",
			    app_tr("no automatic fix for what fails here: the section's steps explain it",
				   "这里失败的项目没有自动修复：请按本节的步骤操作"));
		return;
	}
	if (a->nchoices == 1) {
		fix_plan(a, a->fix_choices[0]);
		return;
	}
	a->ckind = CHOOSE_FIXES;
	a->csel = 0;
	app_push(a, &screen_choose);
}

/* The latest result a fix answers (its first failing check, else the
 * first warning one), and the article anchor to record with it. */
static const struct check_result *result_for(struct app *a, const struct fix_def *f, const char **anchor)
{
	*anchor = a->doc->nodes[a->sel]->anchor;
	const struct check_result **res = results_of(a, NULL, a->ses->nbindings);
	const struct check_result *r = remedy_result_for(f, res, a->ses->nbindings);
	free(res);
	const char *bound = r ? remedy_anchor(a->ses, r->check_id) : NULL;
	if (bound)
		*anchor = bound;
	return r;
}

/* Styles a line of a plan's text: additions, removals, hunk marks. */
static unsigned plan_line_style(const char *line)
{
	if (str_starts(line, "+++") || str_starts(line, "---"))
		return STY_BOLD;
	if (line[0] == '+')
		return STY_PASS;
	if (line[0] == '-')
		return STY_FAIL;
	if (str_starts(line, "@@"))
		return STY_DIM;
	return 0;
}

/* Lays out the confirmation screen: where the change lands, the lock-out
 * risk, the plan (or undo preview) itself, and how to apply. */
static void confirm_page(struct app *a, const char *body)
{
	if (body != a->cbody) {
		free(a->cbody);
		a->cbody = xstrdup(body);
		body = a->cbody;
	}
	rpage_free(&a->cpage);
	a->cwidth = a->cols - 1;
	struct render_opts o = { .width = a->cols - 1, .utf8 = a->utf8, .wrap_code = true };
	struct target *t = a->ctx.t;
	const char *title = a->plan ? (a->plan->title ? a->plan->title : a->plan->fix_id)
				    : app_tr("Undo a fix", "撤销修复");
	render_text(&a->cpage, title, STY_TITLE | STY_BOLD, "", "", &o);
	if (!t->this_machine) {
		char *label = target_label(t);
		char *w = xasprintf(app_tr("This changes %s, not this machine.", "这会修改%s，而不是本机。"),
				    label);
		render_text(&a->cpage, w, STY_WARN, "", "", &o);
		free(w);
		free(label);
	} else {
		render_text(&a->cpage, app_tr("This changes this machine.", "这会修改本机。"), STY_WARN, "", "", &o);
	}
	struct remedy_guard g = { .need = GUARD_NOT_NEEDED };
	if (a->plan) {
		struct remedy_opts ro = remedy_options(a);
		remedy_guard(&ro, a->plan, &g);
	}
	if (g.need == GUARD_REFUSED) {
		render_text(&a->cpage, g.why, STY_FAIL | STY_BOLD, "", "", &o);
	} else if (g.need == GUARD_NEEDED) {
		char *w = xasprintf(app_tr("You are connected through SSH: after the reload, this change is undone by itself "
					   "in %d seconds unless you confirm it from a new login.",
					   "你正通过 SSH 连接：重新加载后，除非从新的登录会话确认，此更改将在 %d 秒后自动撤销。"),
				    g.within_s);
		render_text(&a->cpage, w, STY_WARN | STY_BOLD, "", "", &o);
		free(w);
		struct strvec ways = { 0 };
		if (guard_other_way_in(t, "/proc", &ways)) {
			render_text(&a->cpage, app_tr("Other ways in if SSH fails:", "SSH 失败时的其他登录途径："), 0, "", "", &o);
			for (size_t i = 0; i < ways.n; i++)
				render_text(&a->cpage, ways.v[i], 0, "  ", "    ", &o);
		} else {
			render_text(&a->cpage,
				    app_tr("No serial or console login was found: SSH may be the only way in.",
					   "未发现串口或控制台登录：SSH 可能是唯一的登录途径。"),
				    STY_WARN, "", "", &o);
		}
		sv_free(&ways);
	}
	render_blank(&a->cpage);
	const char *p = body;
	while (*p) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		char *line = xstrndup(p, len);
		unsigned st = plan_line_style(line);
		if (line[strspn(line, " ")] == '\0') {
			/* A blank line (a diff's blank context line too) stays. */
			render_line(&a->cpage, line, st, &o);
		} else if (st == STY_PASS || st == STY_FAIL || line[0] == ' ') {
			/* Diff and indented lines keep their indentation when
			 * wrapped, and a continued diff line its + or - mark, so
			 * the sides can be told apart without colour. */
			size_t mark = st == STY_PASS || st == STY_FAIL ? 1 : 0;
			size_t ind = mark + strspn(line + mark, " ");
			char *pre = xstrndup(line, ind);
			render_text(&a->cpage, line + ind, st, pre, pre, &o);
			free(pre);
		} else if (text_width(line) <= (size_t)o.width) {
			/* A line that fits keeps its spacing (aligned values). */
			render_line(&a->cpage, line, st, &o);
		} else {
			render_text(&a->cpage, line, st, "", "  ", &o);
		}
		free(line);
		p = nl ? nl + 1 : p + len;
	}
	render_blank(&a->cpage);
	render_text(&a->cpage,
		    app_tr("Apply: press y, then Enter (or type apply and Enter). Esc, q or n cancels: nothing changes.",
			   "应用：按 y 再按 Enter（或输入 apply 后按 Enter）。Esc、q 或 n 取消：不做任何更改。"),
		    STY_BOLD, "", "", &o);
	a->cpage_valid = true;
}

void fix_plan(struct app *a, const struct fix_def *f)
{
	fix_clear(a);
	const char *anchor;
	const struct check_result *r = result_for(a, f, &anchor);
	struct remedy_opts ro = remedy_options(a);
	char *cause = NULL;
	struct plan *p = remedy_plan(&ro, f, r, anchor, &cause);
	if (!p) {
		app_message(a, true, "%s: %s", T(f->title_en, f->title_zh),
			    cause ? cause : app_tr("nothing to do", "无事可做"));
		free(cause);
		return;
	}
	a->plan = p;
	struct sbuf body = { 0 };
	plan_format(p, &body);
	confirm_page(a, sb_str(&body));
	sb_free(&body);
	a->ctop = 0;
	app_push(a, &screen_confirm);
}

void fix_undo_preview(struct app *a, const char *id)
{
	if (a->read_only) {
		app_message(a, true, "%s", app_tr("a replayed report is read-only", "回放的报告是只读的"));
		return;
	}
	fix_clear(a);
	struct fix_ctx c = fix_context(a, NULL, NULL);
	struct sbuf body = { 0 };
	char *cause = NULL;
	if (undo_preview(&c, id, false, &body, &cause) < 0) {
		app_message(a, true, "%s", cause ? cause : app_tr("cannot undo that entry", "无法撤销该条目"));
		free(cause);
		sb_free(&body);
		return;
	}
	a->undo_entry = xstrdup(id);
	confirm_page(a, sb_str(&body));
	sb_free(&body);
	a->ctop = 0;
	app_push(a, &screen_confirm);
}

/* The command confirmation asked during apply: a full-screen question,
 * default No. */
static bool ask_command(void *arg, const char *const *argv, const char *reason, bool needs_confirm)
{
	if (!needs_confirm)
		return true;
	struct app *a = arg;
	char *cmd = target_cmdline(a->ctx.t, argv); /* the line as it runs there */
	struct rpage pg = { 0 };
	struct render_opts o = { .width = a->cols - 1, .utf8 = a->utf8, .wrap_code = true };
	render_text(&pg, app_tr("Next command:", "下一条命令："), STY_BOLD, "", "", &o);
	render_text(&pg, cmd, STY_CODE, "  ", "  ", &o);
	if (reason && *reason) {
		char *why = xasprintf("%s %s", app_tr("Why:", "原因："), reason);
		render_text(&pg, why, 0, "", "  ", &o);
		free(why);
	}
	render_blank(&pg);
	render_text(&pg, app_tr("Run it? y runs it; any other key skips it (default: no).",
				"执行吗？按 y 执行；按其他任意键跳过（默认：否）。"),
		    STY_BOLD, "", "", &o);
	erase();
	draw_page(a, &pg, 0, 1, 0, a->rows - 2, a->cols - 1);
	wnoutrefresh(stdscr);
	doupdate();
	rpage_free(&pg);
	free(cmd);
	wint_t ch = 0;
	int rc;
	do
		rc = input_get(-1, &ch);
	while (rc == KEY_CODE_YES && ch == KEY_RESIZE);
	return rc == OK && (ch == 'y' || ch == 'Y');
}

void fix_apply(struct app *a)
{
	app_message(a, false, "%s", app_tr("applying...", "正在应用..."));
	struct remedy_opts ro = remedy_options(a);
	struct apply_opts ao = { .confirm = ask_command, .confirm_arg = a };
	struct remedy_outcome res;
	memset(&res, 0, sizeof res);
	int rc, late;
	const char *what;
	if (a->plan) {
		rc = remedy_apply(&ro, a->plan, &ao, &res);
		late = res.signal;
		what = app_tr("Fix", "修复");
	} else {
		/* Signals wait until the files are consistent. */
		struct fix_ctx c = remedy_fix_ctx(&ro, NULL, NULL);
		ao.ssh_connection = ro.ssh_connection;
		sigset_t held;
		apply_signals_hold(&held);
		rc = undo_entry(&c, a->undo_entry, &ao, &res.rep);
		remedy_recheck_entry(a->journal ? journal_get(a->journal, a->undo_entry) : NULL, &res.recheck);
		late = apply_signals_release(&held);
		what = app_tr("Undo", "撤销");
	}
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	if (f) {
		if (res.refused)
			fprintf(f, "%s\n", res.rep.message);
		else
			apply_report_print(&res.rep, f);
		if (res.guard_text)
			fprintf(f, "\n%s", res.guard_text);
		if (res.recheck.n && !res.refused)
			fprintf(f, "\n%s\n", app_tr("Checking again (results below and on the tree):",
						    "再次检查（结果见下方和树中）："));
		fclose(f);
	}
	char *title = xasprintf("%s: %s", what,
				rc == 0 ? app_tr("done", "完成") : app_tr("nothing changed or not complete", "未更改或未完成"));
	app_page_text(a, title, buf ? buf : "");
	free(title);
	free(buf);
	struct strvec recheck = { 0 };
	if (!res.refused) {
		recheck = res.recheck;
		memset(&res.recheck, 0, sizeof res.recheck);
	}
	remedy_outcome_free(&res);
	fix_clear(a);
	/* The confirm screen gives way to the result page. */
	a->depth--;
	sv_free(&a->watch);
	a->watch = recheck;
	app_push(a, &screen_page);
	if (recheck.n)
		app_run_ids(a, &a->watch);
	if (late)
		raise(late);
	fix_history_load(a);
	app_save_state(a, false);
}

void fix_history_load(struct app *a)
{
	if (a->read_only)
		return;
	journal_close(a->journal);
	a->journal = NULL;
	char *cause = NULL;
	/* Read where it is kept (on the machine itself over SSH). */
	if (!a->cfg->journal_dir ||
	    journal_list_for(a->ctx.t, a->cfg->journal_dir, &a->journal, &cause) < 0) {
		a->journal = NULL;
		free(cause);
	}
}

void fix_save_report(struct app *a, const char *path)
{
	struct target *t = a->ctx.t;
	struct facts facts;
	const struct replay_info *ri = a->cfg->replay;
	struct target *shown = NULL;
	struct report_input in = { .s = a->ses, .t = t, .account = a->ctx.account };
	if (ri) {
		shown = replay_target(ri);
		in.t = shown;
		in.account = ri->account; /* the one the replayed report judged */
		in.facts = ri->have_facts ? &ri->facts : NULL;
		in.journal = ri->journal;
		in.njournal = ri->njournal;
		in.journal_dir = ri->journal_dir;
		in.journal_note = ri->journal_note;
		in.generated = ri->generated;
	} else {
		facts_gather(t, &facts);
		in.facts = &facts;
		if (!a->journal)
			fix_history_load(a);
		in.journal = a->journal ? a->journal->entries : NULL;
		in.njournal = a->journal ? a->journal->n : 0;
		in.journal_dir = a->cfg->journal_dir;
	}
	char *json = report_json(&in);
	char *text = xasprintf("%s\n", json);
	free(json);
	char *tmp = xasprintf("%s.tmp.%ld", path, (long)getpid());
	char *cause = NULL;
	if (hostfs_replace(&apply_fs_real, path, tmp, text, strlen(text), 0600, getuid(), getgid(), &cause) < 0)
		app_message(a, true, app_tr("cannot save the report: %s", "无法保存报告：%s"), cause);
	else
		app_message(a, false, app_tr("report saved to %s", "报告已保存到 %s"), path);
	free(cause);
	free(tmp);
	free(text);
	target_free(shown);
	if (!ri)
		facts_free(&facts);
}

void fix_offer_confirm(struct app *a)
{
	if (a->read_only || !a->cfg->journal_dir)
		return;
	fix_history_load(a);
	const struct journal_entry *e = a->journal ? journal_guard_waiting(a->journal) : NULL;
	if (!e)
		return;
	/* The same connection proves nothing: only a new login does. */
	const char *now = a->cfg->ssh_connection;
	if (e->ssh_connection && now && strcmp(e->ssh_connection, now) == 0)
		return;
	char *text = xasprintf(
		app_tr("An sshd change (entry %s: %s) is waiting for confirmation and will be undone at the "
		       "deadline. You reached this machine with a new login, so logging in works: "
		       "press c to keep the change, or Backspace to leave it to the guard.\n",
		       "一项 sshd 更改（条目 %s：%s）正在等待确认，到期将被撤销。你已通过新的登录到达本机，"
		       "说明登录正常：按 c 保留此更改，或按 Backspace 交给守护进程处理。\n"),
		e->id, e->title ? e->title : "");
	app_page_text(a, app_tr("Confirm the change", "确认更改"), text);
	free(text);
	free(a->undo_entry);
	a->undo_entry = xstrdup(e->id); /* the entry the c key confirms */
	app_push(a, &screen_page);
}

void fix_relayout(struct app *a)
{
	if (a->cbody && a->cwidth != a->cols - 1)
		confirm_page(a, a->cbody);
	if (a->itext && a->iwidth != a->cols - 1)
		info_layout(a);
}
