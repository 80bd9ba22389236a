/* cmd_fix.c: `asr-doctor fix ID|anchor|check-id|fix-id`: runs the checks
 * bound there, plans the fixes of the failing ones, shows each plan, asks
 * (default No; --yes for scripts), applies through the one safe path,
 * starts the commit-confirmed guard when the change can lock out an
 * engineer connected through SSH, and runs the checks again. Exit status:
 * 0 fixed and verified (or --dry-run, or nothing to fix), 1 not fixed
 * (a change that failed or was refused, checks that could not run), 2
 * usage or runtime error. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "engine/change/apply.h"
#include "engine/fix.h"
#include "engine/change/guard.h"
#include "engine/change/journal.h"
#include "engine/change/plan.h"

int cmd_fix(struct options *o);

/* Asks a yes/no question on the terminal; anything but yes is no. */
static bool ask_yes(const char *question)
{
	printf("%s %s ", question, T("[y/N]", "[y/N]"));
	fflush(stdout);
	char line[64];
	if (!fgets(line, sizeof line, stdin))
		return false;
	char *s = str_trim(line);
	return str_ieq(s, "y") || str_ieq(s, "yes") || strcmp(s, "是") == 0;
}

struct confirm_state {
	bool yes; /* --yes: every command is agreed to */
};

/* The apply callback: commands that need their own confirmation are asked
 * about one by one (unless --yes). */
static bool confirm_command(void *arg, const char *const *argv, const char *reason,
                            bool needs_confirm)
{
	struct confirm_state *cs = arg;
	if (!needs_confirm || cs->yes)
		return true;
	if (apply_signals_pending())
		return false; /* interrupted: ask nothing more */
	char *s = plan_argv_str(argv);
	printf("\n%s: %s\n", T("Next command", "下一条命令"), s);
	if (reason && *reason)
		printf("  %s: %s\n", T("Why", "原因"), reason);
	char *q = xasprintf(T("Run it?", "执行吗？"));
	bool ok = ask_yes(q);
	free(q);
	free(s);
	return ok;
}

/* Adds check id c to the list once. */
static void add_check(struct strvec *ids, const char *c)
{
	if (!sv_contains(ids, c))
		sv_push(ids, c);
}

/* Resolves the operand to check ids; *only gets a fix when one was named.
 * Returns false after printing why. */
static bool resolve(struct session *s, const char *what, struct strvec *ids,
                    const struct fix_def **only)
{
	*only = fix_find(what);
	if (*only) {
		for (const char *const *c = (*only)->check_ids; c && *c; c++)
			add_check(ids, *c);
		return true;
	}
	if (check_find(what)) {
		add_check(ids, what);
		return true;
	}
	struct node *found[16];
	size_t nf = doc_resolve(s->doc, what, found, ARRAY_LEN(found));
	if (nf == 0) {
		cli_error(
		        "'%s' is not an ErrorID, anchor, check id or fix id; see 'asr-doctor tree'",
		        what);
		return false;
	}
	for (size_t k = 0; k < nf && k < ARRAY_LEN(found); k++) {
		size_t *idx;
		size_t c = session_checks_for(s, found[k], true, &idx);
		for (size_t j = 0; j < c; j++)
			add_check(ids, s->bindings[idx[j]].check->id);
		free(idx);
	}
	if (!ids->n) {
		cli_error("no live check belongs to '%s' (%s): nothing to fix automatically; "
		          "'asr-doctor explain %s' shows the steps",
		          what, found[0]->title, what);
		return false;
	}
	return true;
}

/* The first article node a check is bound to, or NULL. */
static const char *anchor_of(const struct session *s, const char *check_id)
{
	int i = session_find(s, check_id);
	return i >= 0 && s->bindings[i].nnodes ? s->bindings[i].nodes[0]->anchor : NULL;
}

/* Prints one check result on one line. */
static void print_result(const struct check_result *r)
{
	printf("  [%s] %s: %s\n", status_name(r->status), r->check_id,
	       r->finding ? r->finding : "");
}

/* Runs the checks; results[i] matches ids->v[i]. */
static void run_checks(const struct strvec *ids, const struct check_ctx *ctx,
                       struct check_result *results)
{
	for (size_t i = 0; i < ids->n; i++) {
		const struct check_def *c = check_find(ids->v[i]);
		if (c) {
			check_run_one(c, ctx, &results[i]);
		} else {
			result_init(&results[i], ids->v[i]);
			result_set(&results[i], STATUS_ERROR, "%s",
			           T("no such check", "没有这项检查"));
		}
		print_result(&results[i]);
	}
}

/* Tells the engineer how to keep the change, and starts the guard. */
static void start_guard(struct options *o, struct target *t, const char *jdir,
                        const struct apply_report *rep)
{
	int within = o->confirm_within > 0 ? o->confirm_within : GUARD_DEFAULT_SECONDS;
	struct guard_spec g = { .journal_dir = jdir,
		                .root = target_location(t),
		                .entry_id = rep->entry_id,
		                .within_s = within };
	pid_t pid = 0;
	char *cause = NULL;
	if (guard_start(&g, &pid, &cause) < 0) {
		cli_error(
		        T("the safety guard could not start (%s): the change stays; check that you "
		          "can still log in before closing this session",
		          "安全守护进程无法启动（%s）：更改将保留；关闭此会话前请确认仍能登录"),
		        cause);
		free(cause);
		return;
	}
	char *notice = guard_notice(t, rep->entry_id, within, (long)pid, o->journal);
	printf("\n%s", notice);
	free(notice);
}

/* The fix command (see the top of this file). */
int cmd_fix(struct options *o)
{
	if (o->argc != 1) {
		cli_error("fix needs one ErrorID, anchor, check id or fix id, e.g. 'asr-doctor fix "
		          "95108'");
		return 2;
	}
	struct doc *d;
	struct session *s = cli_doc_session(o, &d);
	if (!s)
		return 2;
	int status = 2;
	struct strvec ids = { 0 };
	const struct fix_def *only = NULL;
	struct target *t = NULL;
	struct check_result *results = NULL, *after = NULL;
	char *jdir = NULL;
	int signal_seen = 0;
	if (!resolve(s, o->argv[0], &ids, &only))
		goto out;
	t = cli_target(o);
	if (!t)
		goto out;
	jdir = journal_dir_for(o->journal, t);
	struct check_ctx cctx = cli_check_ctx(o, t);
	printf("%s: %s\n%s\n", T("Target", "目标"), t->name, T("Checking:", "检查："));
	results = xcalloc(ids.n, sizeof *results);
	run_checks(&ids, &cctx, results);

	/* The fixes of the failing checks, each once. */
	const struct fix_def *fixes[32];
	size_t fix_check[32];
	size_t nfix = 0, nfail = 0;
	/* A warning has a fix too (fstab device names), planned when asked
	 * for by name: the fix id or the check id. */
	bool named = only || check_find(o->argv[0]) != NULL;
	for (size_t i = 0; i < ids.n; i++) {
		if (results[i].status != STATUS_FAIL &&
		    !(named && results[i].status == STATUS_WARN))
			continue;
		nfail++;
		const struct fix_def *found[8];
		size_t n = fix_for_check(ids.v[i], found, ARRAY_LEN(found));
		for (size_t k = 0; k < n && k < ARRAY_LEN(found) && nfix < ARRAY_LEN(fixes); k++) {
			if (only && found[k] != only)
				continue;
			bool dup = false;
			for (size_t m = 0; m < nfix; m++)
				dup = dup || fixes[m] == found[k];
			if (!dup) {
				fix_check[nfix] = i;
				fixes[nfix++] = found[k];
			}
		}
		if (n == 0)
			printf(T("No automatic fix for %s: 'asr-doctor explain %s' shows the "
			         "steps.\n",
			         "%s 没有自动修复：'asr-doctor explain %s' 列出了步骤。\n"),
			       ids.v[i],
			       anchor_of(s, ids.v[i]) ? anchor_of(s, ids.v[i]) : ids.v[i]);
	}
	size_t nerror = 0;
	for (size_t i = 0; i < ids.n; i++)
		nerror += results[i].status == STATUS_ERROR;
	if (nfail == 0 && nerror) {
		/* An error is not a pass: what to fix cannot be known. */
		printf(T("Not fixed: %zu check(s) could not run (see above), so what to fix is not "
		         "known; nothing was changed.\n",
		         "未修复：%zu 项检查无法运行（见上文），因此无法确定要修复什么；"
		         "未做任何更改。\n"),
		       nerror);
		status = 1;
		goto out;
	}
	if (nfail == 0) {
		printf("%s\n", T("Nothing to fix: no check fails.", "无需修复：没有失败的检查。"));
		status = 0;
		goto out;
	}
	if (nfix == 0) {
		status = 1;
		goto out;
	}

	for (size_t f = 0; f < nfix && !signal_seen; f++) {
		struct fix_ctx fctx = { .t = t,
			                .server = o->server,
			                .journal_dir = jdir,
			                .result = &results[fix_check[f]],
			                .anchor = anchor_of(s, ids.v[fix_check[f]]),
			                .timeout_ms =
			                        (o->timeout_s > 0 ? o->timeout_s : 60) * 1000 };
		char *cause = NULL;
		struct plan *p = fixes[f]->plan(&fctx, &cause);
		putchar('\n');
		if (!p) {
			printf("%s: %s\n", fixes[f]->id,
			       cause ? cause : T("nothing to do", "无事可做"));
			free(cause);
			continue;
		}
		if (!p->anchor && fctx.anchor)
			plan_set_anchor(p, fctx.anchor);
		plan_print(p, stdout);
		if (o->dry_run) {
			printf("%s\n", T("(--dry-run: nothing was changed)",
			                 "（--dry-run：未做任何更改）"));
			plan_free(p);
			continue;
		}
		if (!o->yes) {
			if (!isatty(STDIN_FILENO)) {
				cli_error("%s",
				          T("refusing to change the machine without a "
				            "confirmation: run this "
				            "on a terminal, or pass --yes",
				            "未经确认拒绝修改机器：请在终端上运行，或加上 --yes"));
				plan_free(p);
				status = 2;
				goto out;
			}
			if (!ask_yes(T("\nApply this change?", "\n应用此更改吗？"))) {
				printf("%s\n", T("Not applied: nothing was changed.",
				                 "未应用：未做任何更改。"));
				plan_free(p);
				continue;
			}
		}
		struct confirm_state cs = { .yes = o->yes };
		struct apply_opts ao = { .confirm = confirm_command, .confirm_arg = &cs };
		struct apply_report rep;
		/* Held until the guard runs too: a hang-up between the reload
		 * and the guard must not leave the change unguarded. */
		sigset_t held;
		apply_signals_hold(&held);
		int rc = apply_plan(&fctx, p, &ao, &rep);
		putchar('\n');
		apply_report_print(&rep, stdout);
		if (rc == 0 && guard_wanted(p, &rep))
			start_guard(o, t, jdir, &rep);
		int late = apply_signals_release(&held);
		signal_seen = rep.signal ? rep.signal : late;
		apply_report_free(&rep);
		plan_free(p);
	}
	if (o->dry_run) {
		status = 0;
		goto out;
	}
	if (signal_seen)
		goto out;

	/* Verified by running the checks again. */
	printf("\n%s\n", T("Checking again:", "再次检查："));
	after = xcalloc(ids.n, sizeof *after);
	run_checks(&ids, &cctx, after);
	bool fixed = true;
	for (size_t i = 0; i < ids.n; i++)
		if ((results[i].status == STATUS_FAIL || (named && results[i].status == STATUS_WARN)) &&
		    after[i].status >= results[i].status)
			fixed = false;
	printf("%s\n",
	       fixed ? T("Fixed and verified.", "已修复并验证。") : T("Not fixed.", "未修复。"));
	/* Whatever stopped a change (no space, no backup, the lock), nothing
	 * was changed: not fixed. */
	status = fixed ? 0 : 1;
out:
	for (size_t i = 0; results && i < ids.n; i++)
		result_free(&results[i]);
	for (size_t i = 0; after && i < ids.n; i++)
		result_free(&after[i]);
	free(results);
	free(after);
	free(jdir);
	sv_free(&ids);
	target_free(t);
	session_free(s);
	doc_free(d);
	fflush(stdout);
	apply_reraise(signal_seen);
	return status;
}
