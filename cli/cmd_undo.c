/* cmd_undo.c: `asr-doctor undo [ENTRY] [--force]`: shows what undo will put
 * back (a diff of the current bytes against the originals), asks (default
 * No; --yes for scripts), and restores the exact bytes, mode and owner.
 * Exit status: 0 undone, 1 refused or failed, 2 usage or runtime error. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "engine/change/apply.h"
#include "engine/change/journal.h"
#include "engine/change/plan.h"
#include "engine/undo.h"

int cmd_undo(struct options *o);

/* Asks a yes/no question on the terminal; anything but yes is no. */
static bool ask_yes(const char *question)
{
	printf("%s [y/N] ", question);
	fflush(stdout);
	char line[64];
	if (!fgets(line, sizeof line, stdin))
		return false;
	char *s = str_trim(line);
	return str_ieq(s, "y") || str_ieq(s, "yes") || strcmp(s, "是") == 0;
}

/* What confirm_command asks with. */
struct undo_confirm {
	bool yes;         /* --yes */
	struct target *t; /* borrowed: where the commands run */
};

/* Reloads after undo are asked about like any command (unless --yes). */
static bool confirm_command(void *arg, const char *const *argv, const char *reason,
                            bool needs_confirm)
{
	const struct undo_confirm *uc = arg;
	if (!needs_confirm || uc->yes)
		return true;
	char *s = target_cmdline(uc->t, argv); /* the line as it runs there */
	printf("\n%s: %s\n", T("Next command", "下一条命令"), s);
	if (reason && *reason)
		printf("  %s: %s\n", T("Why", "原因"), reason);
	bool ok = ask_yes(T("Run it?", "执行吗？"));
	free(s);
	return ok;
}

/* The undo command (see the top of this file). */
int cmd_undo(struct options *o)
{
	if (o->argc > 1) {
		cli_error("undo takes at most one journal entry, e.g. 'asr-doctor undo 3' "
		          "('asr-doctor "
		          "history' lists them)");
		return 2;
	}
	const char *which = o->argc ? o->argv[0] : "latest";
	struct target *t = cli_target(o);
	if (!t)
		return 2;
	char *jdir = journal_dir_for(o->journal, t);
	struct fix_ctx ctx = { .t = t,
		               .journal_dir = jdir,
		               .timeout_ms = (o->timeout_s > 0 ? o->timeout_s : 60) * 1000 };
	struct sbuf preview = { 0 };
	char *cause = NULL;
	int status = 1;
	int sig = 0;
	if (undo_preview(&ctx, which, o->force, &preview, &cause) < 0) {
		cli_error("%s", cause);
		free(cause);
		goto out;
	}
	util_fputs(sb_str(&preview), stdout);
	if (o->dry_run) {
		printf("%s\n",
		       T("(--dry-run: nothing was changed)", "（--dry-run：未做任何更改）"));
		status = 0;
		goto out;
	}
	if (!o->yes) {
		if (!isatty(STDIN_FILENO)) {
			cli_error("%s", T("refusing to change the machine without a confirmation: "
			                  "run this on "
			                  "a terminal, or pass --yes",
			                  "未经确认拒绝修改机器：请在终端上运行，或加上 --yes"));
			status = 2;
			goto out;
		}
		if (!ask_yes(T("\nUndo this change?", "\n撤销此更改吗？"))) {
			printf("%s\n", T("Nothing was changed.", "未做任何更改。"));
			status = 1;
			goto out;
		}
	}
	struct undo_confirm uc = { .yes = o->yes, .t = t };
	struct apply_opts ao = { .force = o->force, .confirm = confirm_command, .confirm_arg = &uc };
	struct apply_report rep;
	int rc = undo_entry(&ctx, which, &ao, &rep);
	putchar('\n');
	apply_report_print(&rep, stdout);
	sig = rep.signal;
	apply_report_free(&rep);
	status = rc == 0 ? 0 : 1;
out:
	sb_free(&preview);
	free(jdir);
	target_free(t);
	fflush(stdout);
	apply_reraise(sig);
	return status;
}
