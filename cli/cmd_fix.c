/* cmd_fix.c: `asr-doctor fix ID|anchor|check-id|fix-id`: runs the checks
 * bound there, shows the plan of each fix the remedy flow offers for them
 * (engine/remedy.h: which fixes, the rule for warnings, the guard, what
 * to check again), asks (default No; --yes for scripts), applies it, and
 * runs the checks it addresses again. Exit status:
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
#include "engine/remedy.h"

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
	bool yes;           /* --yes: every command is agreed to */
	struct target *t;   /* borrowed: where the commands run */
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
	char *s = target_cmdline(cs->t, argv); /* the line as it runs there */
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

/* The remedy options of the command line. */
static struct remedy_opts remedy_options(const struct options *o, struct target *t, const char *jdir)
{
	const char *ssh = getenv("SSH_CONNECTION");
	struct remedy_opts ro = { .t = t,
		                  .server = o->server,
		                  .account = o->account,
		                  .journal_dir = jdir,
		                  .journal_opt = o->journal,
		                  .timeout_s = o->timeout_s,
		                  .confirm_within = o->confirm_within,
		                  .ssh_connection = ssh && *ssh ? ssh : NULL };
	return ro;
}

/* The index in results[0..n) of r, or n. */
static size_t index_of(const struct check_result *const *results, size_t n,
                       const struct check_result *r)
{
	size_t i = 0;
	while (i < n && results[i] != r)
		i++;
	return i;
}

/* Prints what applying a plan did: the report, and the guard's notice
 * (or, on standard error, why the guard could not start). */
static void print_outcome(const struct remedy_outcome *out)
{
	putchar('\n');
	if (out->refused) {
		util_fputs(out->rep.message, stdout);
		putchar('\n');
		return;
	}
	apply_report_print(&out->rep, stdout);
	if (out->guarded)
		printf("\n%s", out->guard_text);
	else if (out->guard_text)
		cli_error("%s", out->guard_text);
}

/* Says, before the question, what the guard will do for the plan. */
static void print_guard_preview(const struct remedy_opts *ro, const struct plan *p)
{
	struct remedy_guard g;
	remedy_guard(ro, p, &g);
	if (g.need == GUARD_NEEDED)
		printf("\n%s\n",
		       T("You are connected through SSH: after the reload, this change is undone by "
		         "itself unless you confirm it from a new login (see below once applied).",
		         "你正通过 SSH 连接：重新加载后，除非从新的登录会话确认，此更改将自动撤销"
		         "（应用后见下文）。"));
	else if (g.need == GUARD_REFUSED)
		printf("\n%s\n", g.why);
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
	struct strvec ids = { 0 }, recheck = { 0 };
	const struct fix_def *only = NULL;
	struct target *t = NULL;
	struct check_result *results = NULL, *after = NULL;
	const struct check_result **before = NULL, **again = NULL;
	bool *wanted = NULL;
	struct remedy_set set = { 0 };
	char *jdir = NULL;
	int signal_seen = 0;
	if (!resolve(s, o->argv[0], &ids, &only))
		goto out;
	t = cli_target(o);
	if (!t)
		goto out;
	jdir = journal_dir_for(o->journal, t);
	struct remedy_opts ro = remedy_options(o, t, jdir);
	struct check_ctx cctx = cli_check_ctx(o, t);
	printf("%s: %s\n%s\n", T("Target", "目标"), t->name, T("Checking:", "检查："));
	results = xcalloc(ids.n, sizeof *results);
	/* Arrays of pointers: sizeof *before is the pointer's size. */
	before = xcalloc(ids.n, sizeof *before); /* NOLINT(bugprone-sizeof-expression) */
	run_checks(&ids, &cctx, results);
	for (size_t i = 0; i < ids.n; i++)
		before[i] = &results[i];

	/* The fixes of the failing and warning checks, each once. A fix or
	 * check named on the command line is asked for by name: --yes then
	 * covers a warning's fix too. */
	bool named = only || check_find(o->argv[0]) != NULL;
	remedy_choose(before, ids.n, only, &set);
	/* A fix named by its id is planned, and says why it cannot apply. */
	if (!only)
		remedy_drop_unfit(&set, t);
	wanted = xcalloc(ids.n, sizeof *wanted);
	for (size_t i = 0; i < ids.n; i++)
		wanted[i] = named;
	size_t nfailing = set.nfailing + (named ? set.warn_no_fix.n : 0);
	for (size_t i = 0; i < set.no_fix.n + (named ? set.warn_no_fix.n : 0); i++) {
		const char *id = i < set.no_fix.n ? set.no_fix.v[i] : set.warn_no_fix.v[i - set.no_fix.n];
		const char *anchor = remedy_anchor(s, id);
		printf(T("No automatic fix for %s: 'asr-doctor explain %s' shows the steps.\n",
		         "%s 没有自动修复：'asr-doctor explain %s' 列出了步骤。\n"),
		       id, anchor ? anchor : id);
	}
	if (nfailing == 0 && set.nerror) {
		/* An error is not a pass: what to fix cannot be known. */
		printf(T("Not fixed: %zu check(s) could not run (see above), so what to fix is not "
		         "known; nothing was changed.\n",
		         "未修复：%zu 项检查无法运行（见上文），因此无法确定要修复什么；"
		         "未做任何更改。\n"),
		       set.nerror);
		status = 1;
		goto out;
	}
	if (nfailing == 0) {
		printf("%s\n", T("Nothing to fix: no check fails.", "无需修复：没有失败的检查。"));
		status = 0;
		goto out;
	}
	if (set.n == 0) {
		status = 1;
		goto out;
	}

	bool can_ask = isatty(STDIN_FILENO);
	for (size_t f = 0; f < set.n && !signal_seen; f++) {
		const struct remedy *rem = &set.v[f];
		enum remedy_consent consent = remedy_consent(rem, named, o->yes, can_ask);
		if (consent == REMEDY_OFFER && !o->dry_run) {
			char *cmd = remedy_fix_command(&ro, rem->fix->id);
			printf("\n");
			printf(T("%s only warns: its fix \"%s\" (%s) is offered, not applied without a "
			         "yes; '%s' shows it and asks.\n",
			         "%s 只是警告：其修复“%s”（%s）仅作建议，未经同意不会应用；'%s' "
			         "会显示它并询问。\n"),
			       rem->result->check_id, T(rem->fix->title_en, rem->fix->title_zh),
			       rem->fix->id, cmd);
			free(cmd);
			continue;
		}
		const char *anchor = rem->result ? remedy_anchor(s, rem->result->check_id) : NULL;
		char *cause = NULL;
		struct plan *p = remedy_plan(&ro, rem->fix, rem->result, anchor, &cause);
		putchar('\n');
		if (!p) {
			printf("%s: %s\n", rem->fix->id,
			       cause ? cause : T("nothing to do", "无事可做"));
			free(cause);
			continue;
		}
		plan_print(p, stdout);
		if (o->dry_run) {
			printf("%s\n", T("(--dry-run: nothing was changed)",
			                 "（--dry-run：未做任何更改）"));
			plan_free(p);
			continue;
		}
		if (consent == REMEDY_REFUSE) {
			cli_error("%s", T("refusing to change the machine without a confirmation: run "
			                  "this on a terminal, or pass --yes",
			                  "未经确认拒绝修改机器：请在终端上运行，或加上 --yes"));
			plan_free(p);
			status = 2;
			goto out;
		}
		if (consent == REMEDY_ASK) {
			print_guard_preview(&ro, p);
			if (!ask_yes(T("\nApply this change?", "\n应用此更改吗？"))) {
				printf("%s\n", T("Not applied: nothing was changed.",
				                 "未应用：未做任何更改。"));
				plan_free(p);
				continue;
			}
		}
		/* Agreed to: a warning it answers must now be fixed too. */
		size_t at = index_of(before, ids.n, rem->result);
		if (at < ids.n)
			wanted[at] = true;
		struct confirm_state cs = { .yes = o->yes, .t = ro.t };
		struct apply_opts ao = { .confirm = confirm_command, .confirm_arg = &cs };
		struct remedy_outcome res;
		remedy_apply(&ro, p, &ao, &res);
		print_outcome(&res);
		signal_seen = res.signal;
		if (!res.refused)
			for (size_t i = 0; i < res.recheck.n; i++)
				if (!sv_contains(&recheck, res.recheck.v[i]))
					sv_push(&recheck, res.recheck.v[i]);
		remedy_outcome_free(&res);
		plan_free(p);
	}
	if (o->dry_run) {
		status = 0;
		goto out;
	}
	if (signal_seen)
		goto out;

	/* Verified by running again the checks the changes address. */
	again = xcalloc(ids.n, sizeof *again); /* NOLINT(bugprone-sizeof-expression) */
	if (recheck.n) {
		printf("\n%s\n", T("Checking again:", "再次检查："));
		after = xcalloc(recheck.n, sizeof *after);
		run_checks(&recheck, &cctx, after);
		for (size_t k = 0; k < recheck.n; k++)
			for (size_t i = 0; i < ids.n; i++)
				if (strcmp(ids.v[i], recheck.v[k]) == 0)
					again[i] = &after[k];
	}
	bool any = false;
	for (size_t i = 0; i < ids.n; i++)
		any = any || before[i]->status == STATUS_FAIL ||
		      (before[i]->status == STATUS_WARN && wanted[i]);
	if (!any) {
		/* Only warnings, whose fixes were offered and not taken. */
		printf("\n%s\n", T("Nothing to fix: no check fails.", "无需修复：没有失败的检查。"));
		status = 0;
		goto out;
	}
	bool fixed = remedy_fixed(before, again, wanted, ids.n);
	printf("%s\n",
	       fixed ? T("Fixed and verified.", "已修复并验证。") : T("Not fixed.", "未修复。"));
	/* Whatever stopped a change (no space, no backup, the lock), nothing
	 * was changed: not fixed. */
	status = fixed ? 0 : 1;
out:
	for (size_t i = 0; results && i < ids.n; i++)
		result_free(&results[i]);
	for (size_t i = 0; after && i < recheck.n; i++)
		result_free(&after[i]);
	free(results);
	free(after);
	free(before);
	free(again);
	free(wanted);
	remedy_set_free(&set);
	free(jdir);
	sv_free(&ids);
	sv_free(&recheck);
	target_free(t);
	session_free(s);
	doc_free(d);
	fflush(stdout);
	apply_reraise(signal_seen);
	return status;
}
