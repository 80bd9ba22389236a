/* cmd_history.c: `asr-doctor history [--json]`: every change recorded in
 * the journal: id, time, article node, outcome, files, and the commands as
 * the lines that ran there (cmd.exe's line on Windows). Exit status: 0, or
 * 2 when the journal cannot be read. */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"
#include "engine/change/journal.h"
#include "engine/util/text.h"

int cmd_history(struct options *o);

/* Appends s cut to w columns ("~" marks the cut), padded with
 * spaces to w columns when pad. */
static void cell(struct sbuf *b, const char *s, int w, bool pad)
{
	char *cut = text_truncate(s, (size_t)w, "~");
	sb_add(b, cut);
	for (size_t n = text_width(cut); pad && n < (size_t)w; n++)
		sb_addc(b, ' ');
	free(cut);
}

/* The outcome column: what happened and what happened to it since. */
static char *outcome_of(const struct journal_entry *e)
{
	struct sbuf b = { 0 };
	sb_add(&b, journal_outcome_text(e->outcome));
	if (e->undoes)
		sb_printf(&b, T(" (undo of %s)", "（撤销 %s）"), e->undoes);
	if (e->undone_by)
		sb_printf(&b, T(", undone by %s", "，已由 %s 撤销"), e->undone_by);
	if (e->guard_pid && !e->guard_result) {
		time_t dl = (time_t)e->guard_deadline;
		struct tm tm;
		char when[16];
		strftime(when, sizeof when, "%H:%M:%S", localtime_r(&dl, &tm));
		sb_printf(&b, T(", awaits confirm until %s", "，等待确认至 %s"), when);
	} else if (e->guard_result) {
		sb_printf(&b, ", %s",
		          strcmp(e->guard_result, "confirmed") == 0 ? T("confirmed", "已确认")
		          : strcmp(e->guard_result, "reverted") == 0
		                  ? T("not confirmed", "未确认")
		                  : T("guard failed", "守护失败"));
	}
	return sb_steal(&b);
}

/* Where the guard of e runs: "pid N on HOST" (the host when recorded). */
static char *guard_where(const struct journal_entry *e)
{
	return e->guard_host ? xasprintf(T("pid %ld on %s", "%2$s 上的 pid %1$ld"), e->guard_pid,
					 e->guard_host)
			     : xasprintf(T("pid %ld", "pid %ld"), e->guard_pid);
}

/* What the guard of e is now: "waiting", "gone" (no result recorded and
 * its process no longer runs there), or the result recorded. */
static const char *guard_state(const struct journal *j, const struct journal_entry *e)
{
	if (e->guard_result)
		return e->guard_result;
	return journal_guard_alive(j, e) ? "waiting" : "gone";
}

/* The guard's line of an entry (see guard_state); caller frees. */
static char *guard_text(const struct journal *j, const struct journal_entry *e)
{
	char *where = guard_where(e);
	const char *st = guard_state(j, e);
	char *s;
	if (strcmp(st, "waiting") == 0) {
		time_t dl = (time_t)e->guard_deadline;
		struct tm tm;
		char when[16];
		strftime(when, sizeof when, "%H:%M:%S", localtime_r(&dl, &tm));
		s = xasprintf(T("guard %s: waits for confirmation until %s",
				"守护进程 %s：等待确认至 %s"),
			      where, when);
	} else if (strcmp(st, "gone") == 0) {
		s = xasprintf(T("guard %s: no longer running, and it recorded no result",
				"守护进程 %s：已不在运行，且没有记录结果"),
			      where);
	} else {
		s = xasprintf(T("guard %s: %s%s%s", "守护进程 %s：%s%s%s"), where, st,
			      e->guard_message ? ": " : "", e->guard_message ? e->guard_message : "");
	}
	free(where);
	return s;
}

/* Prints the journal as a JSON array; commands as the lines that ran on t. */
static void print_json(const struct journal *j, struct target *t)
{
	cJSON *a = cJSON_CreateArray();
	for (size_t i = 0; i < j->n; i++) {
		const struct journal_entry *e = &j->entries[i];
		cJSON *x = cJSON_CreateObject();
		cJSON_AddStringToObject(x, "id", e->id);
		cJSON_AddStringToObject(x, "time", e->time ? e->time : "");
		cJSON_AddStringToObject(x, "target", e->target ? e->target : "");
		if (e->anchor)
			cJSON_AddStringToObject(x, "anchor", e->anchor);
		if (e->fix_id)
			cJSON_AddStringToObject(x, "fix", e->fix_id);
		cJSON_AddStringToObject(x, "outcome", journal_outcome_name(e->outcome));
		if (e->undoes)
			cJSON_AddStringToObject(x, "undoes", e->undoes);
		if (e->undone_by)
			cJSON_AddStringToObject(x, "undone_by", e->undone_by);
		if (e->guard_pid) {
			cJSON_AddStringToObject(x, "guard", guard_state(j, e));
			cJSON_AddNumberToObject(x, "guard_pid", (double)e->guard_pid);
			if (e->guard_host)
				cJSON_AddStringToObject(x, "guard_host", e->guard_host);
			cJSON_AddNumberToObject(x, "guard_deadline", (double)e->guard_deadline);
			if (e->guard_message)
				cJSON_AddStringToObject(x, "guard_message", e->guard_message);
		} else if (e->guard_result) {
			cJSON_AddStringToObject(x, "guard", e->guard_result);
		}
		if (e->message)
			cJSON_AddStringToObject(x, "message", e->message);
		cJSON *files = cJSON_AddArrayToObject(x, "files");
		for (size_t k = 0; k < e->nfiles; k++)
			cJSON_AddItemToArray(files, cJSON_CreateString(e->files[k].path));
		cJSON *cmds = cJSON_AddArrayToObject(x, "commands");
		for (size_t k = 0; k < e->ncmds; k++) {
			char *line = target_cmdline(t, (const char *const *)e->cmds[k].argv);
			cJSON_AddItemToArray(cmds, cJSON_CreateString(line));
			free(line);
		}
		cJSON_AddItemToArray(a, x);
	}
	char *s = cJSON_Print(a);
	puts(s);
	cJSON_free(s);
	cJSON_Delete(a);
}

/* The history command (see the top of this file). */
int cmd_history(struct options *o)
{
	if (o->argc > 0) {
		cli_error("history takes no operand");
		return 2;
	}
	struct target *t = cli_target(o);
	if (!t)
		return 2;
	char *jdir = journal_dir_for(o->journal, t);
	struct journal *j = NULL;
	char *cause = NULL;
	/* Read where it is kept: on the machine over SSH. */
	if (journal_list_for(t, jdir, &j, &cause) < 0) {
		cli_error("%s", cause);
		free(cause);
		free(jdir);
		target_free(t);
		return 2;
	}
	if (o->json) {
		print_json(j, t);
	} else if (j->n == 0) {
		printf(T("No change recorded in %s.\n", "%s 中没有记录任何更改。\n"), jdir);
	} else {
		int width = cli_width();
		printf("%s: %s\n", T("Journal", "日志"), jdir);
		struct sbuf line = { 0 };
		cell(&line, "ID", 5, true);
		cell(&line, T("TIME (UTC)", "时间（UTC）"), 21, true);
		cell(&line, T("OUTCOME", "结果"), 32, true);
		sb_add(&line, T("FIX", "修复"));
		util_fputs(sb_str(&line), stdout);
			putchar('\n');
		for (size_t i = 0; i < j->n; i++) {
			const struct journal_entry *e = &j->entries[i];
			sb_reset(&line);
			cell(&line, e->id, 4, true);
			sb_addc(&line, ' ');
			cell(&line, e->time ? e->time : "?", 20, true);
			sb_addc(&line, ' ');
			char *oc = outcome_of(e);
			cell(&line, oc, 31, true);
			sb_addc(&line, ' ');
			free(oc);
			int left = width - (int)text_width(sb_str(&line));
			cell(&line, e->fix_id ? e->fix_id : "-", left > 12 ? left : 12, false);
			util_fputs(sb_str(&line), stdout);
			putchar('\n');
			/* The article node and the files on lines of their own. */
			if (e->anchor) {
				sb_reset(&line);
				sb_add(&line, "     #");
				cell(&line, e->anchor, width - 6 > 20 ? width - 6 : 20, false);
				util_fputs(sb_str(&line), stdout);
			putchar('\n');
			}
			struct sbuf files = { 0 };
			for (size_t k = 0; k < e->nfiles; k++)
				sb_printf(&files, "%s%s", k ? ", " : "", e->files[k].path);
			if (!e->nfiles)
				sb_add(&files, T("(commands only)", "（仅命令）"));
			sb_reset(&line);
			sb_add(&line, "     ");
			cell(&line, sb_str(&files), width - 5 > 20 ? width - 5 : 20, false);
			sb_free(&files);
			util_fputs(sb_str(&line), stdout);
			putchar('\n');
			/* The guard: where it runs (the machine that keeps this
			 * journal) and what became of it. */
			if (e->guard_pid) {
				char *g = guard_text(j, e);
				sb_reset(&line);
				sb_add(&line, "     ");
				cell(&line, g, width - 5 > 20 ? width - 5 : 20, false);
				free(g);
				util_fputs(sb_str(&line), stdout);
				putchar('\n');
			}
			/* Each command as the line that ran there (cmd.exe's on Windows). */
			for (size_t k = 0; k < e->ncmds; k++) {
				char *cl = target_cmdline(t, (const char *const *)e->cmds[k].argv);
				sb_reset(&line);
				sb_printf(&line, "     $ %s", cl);
				free(cl);
				util_fputs(sb_str(&line), stdout);
				putchar('\n');
			}
		}
		sb_free(&line);
		if (j->damaged)
			printf(T("(%zu damaged line(s) in the journal were skipped)\n",
			         "（跳过了日志中 %zu 行损坏的记录）\n"),
			       j->damaged);
	}
	journal_close(j);
	free(jdir);
	target_free(t);
	return 0;
}
