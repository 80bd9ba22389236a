/* undo.c: undo planned from a journal entry and asr-doctor's own fix
 * definitions, carried out by the one executor; the guard's body (see
 * undo.h). */
#include "engine/undo.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "engine/change/guard.h"
#include "engine/fix.h"
#include "engine/target/hostfs.h"
#include "engine/util/diff.h"
#include "engine/util/msg.h"

/* How often the guard looks for a confirmation. */
#define GUARD_POLL_MS 100
/* How long the guard waits for the journal's lock. */
#define GUARD_LOCK_WAIT_MS 120000

/* Replaces the report's message (taking m). */
static void set_msg(struct apply_report *rep, char *m)
{
	free(rep->message);
	rep->message = m;
}

/* Why entry e cannot be undone on t, or NULL. Caller frees. */
static char *undo_refusal(const struct journal *j, const struct journal_entry *e,
                          const struct target *t, const char *which)
{
	if (!e)
		return which && strcmp(which, "latest") != 0
		               ? xasprintf(
		                         T("no entry %s in the journal %s ('asr-doctor history' "
		                           "lists them)",
		                           "日志 %s 中没有条目 %s（'asr-doctor history' 可列出）"),
		                         which, j->dir)
		               : xasprintf(T("nothing to undo in the journal %s",
		                             "日志 %s 中没有可撤销的内容"),
		                           j->dir);
	if (e->undoes)
		return xasprintf(
		        T("entry %s is itself the undo of entry %s; apply the fix again instead",
		          "条目 %s 本身是条目 %s 的撤销；如需要请重新应用修复"),
		        e->id, e->undoes);
	if (e->undone_by)
		return xasprintf(
		        T("entry %s was already undone by entry %s", "条目 %s 已由条目 %s 撤销"),
		        e->id, e->undone_by);
	if (e->guard_result && strcmp(e->guard_result, "reverted") == 0)
		return xasprintf(T("entry %s was put back by its guard, not confirmed in time (%s): "
		                   "nothing to undo",
		                   "条目 %s 未在时限内确认，已由其守护进程恢复（%s）：无需撤销"),
		                 e->id, e->guard_message ? e->guard_message : e->guard_result);
	if ((e->outcome == JOURNAL_ROLLED_BACK || e->outcome == JOURNAL_FAILED) && !e->changed)
		return xasprintf(T("entry %s changed nothing (%s): nothing to undo",
		                   "条目 %s 没有做任何更改（%s）：无需撤销"),
		                 e->id, journal_outcome_text(e->outcome));
	if (!journal_same_kind(e, t))
		return xasprintf(T("entry %s was made on %s; run undo there (reached with the same "
		                   "options)",
		                   "条目 %s 是在 %s 上做的；请在那里撤销（使用相同的选项连接）"),
		                 e->id, e->target ? e->target : "?");
	if (e->nfiles == 0 && !journal_has_inverse(e))
		return xasprintf(T("entry %s changed no file, and commands cannot be undone by "
		                   "asr-doctor%s%s",
		                   "条目 %s 没有修改文件，asr-doctor 无法撤销命令%s%s"),
		                 e->id, e->undo_text ? ": " : "", e->undo_text ? e->undo_text : "");
	return NULL;
}

/* The refusal of undo while a guard on ctx->t still waits and would put
 * the same files back itself (guard_undo_busy), or NULL. The confirm
 * command it names carries --journal only when the journal is not the
 * target's own. Caller frees. */
static char *undo_guard_refusal(const struct journal *j, const struct fix_ctx *ctx)
{
	char *dflt = ctx->journal_dir ? journal_default_dir(ctx->t) : NULL;
	const char *opt = dflt && strcmp(dflt, ctx->journal_dir) != 0 ? ctx->journal_dir : NULL;
	char *why = guard_undo_busy(ctx->t, j, opt);
	free(dflt);
	return why;
}

/* Compares a recorded command with the fix's; on a difference sets
 * *cause and returns false. */
static bool same_command(const struct journal_entry *e, const struct fix_def *fx, bool windows,
                         char *const *recorded, char *const *want, char **cause)
{
	if (argv_equal((const char *const *)recorded, (const char *const *)want))
		return true;
	char *rec = recorded ? plan_cmdline(windows, (const char *const *)recorded)
	                     : xstrdup(T("no command", "没有命令"));
	char *why;
	if (!fx) {
		why = xasprintf(T("asr-doctor has no fix named '%s'", "asr-doctor 没有名为 '%s' 的修复"),
		                e->fix_id ? e->fix_id : "");
	} else if (want) {
		char *w = plan_cmdline(windows, (const char *const *)want);
		why = xasprintf(T("its fix %s runs '%s'", "其修复 %s 执行的是 '%s'"), fx->id, w);
		free(w);
	} else {
		why = xasprintf(T("its fix %s runs no such command", "其修复 %s 不执行这样的命令"),
		                fx->id);
	}
	*cause = xasprintf(T("entry %s records '%s', but %s: undo runs only the commands of "
	                     "asr-doctor's own fixes, never a journal's; refused",
	                     "条目 %s 记录的是 '%s'，但%s：撤销只执行 asr-doctor "
	                     "自身修复定义的命令，从不执行日志中的命令；已拒绝"),
	                   e->id, rec, why);
	free(rec);
	free(why);
	return false;
}

/* The command a fix gives (NULL: none) checked against the one recorded;
 * on a difference *cause is set and false returned. want is taken either
 * way: on success into *out. */
static bool take_checked(const struct journal_entry *e, const struct fix_def *fx, bool windows,
                         char *const *recorded, char **want, char ***out, char **cause)
{
	if (!same_command(e, fx, windows, recorded, want, cause)) {
		argv_free(want);
		return false;
	}
	*out = want;
	return true;
}

/* The restore plan of an entry (see undo.h). */
int undo_plan(const struct journal *j, const struct fix_ctx *ctx, const struct journal_entry *e,
              struct plan **out, char **cause)
{
	*out = NULL;
	struct target *t = ctx->t;
	const struct fix_def *fx = fix_find(e->fix_id);
	struct plan *p = plan_new(e->fix_id, e->title);
	p->undoes = xstrdup(e->id);
	p->windows = t->os == TARGET_OS_WINDOWS;
	if (e->anchor)
		plan_set_anchor(p, e->anchor);
	for (size_t i = 0; i < e->checks.n; i++) {
		const char *one[] = { e->checks.v[i], NULL };
		plan_add_checks(p, one);
	}
	int rc = 0;
	/* Every command first, so a refusal comes before any read. */
	char ***validators = xcalloc(e->nfiles + 1, sizeof *validators);
	for (size_t i = 0; i < e->nfiles && !rc; i++) {
		const struct journal_file *f = &e->files[i];
		char **want = fx && fx->validator ? fx->validator(ctx, f->path) : NULL;
		/* Validators run on this machine: POSIX words. */
		if (!take_checked(e, fx, false, f->validator, want, &validators[i], cause))
			rc = -EPERM;
	}
	char ***reloads = xcalloc(e->ncmds + 1, sizeof *reloads);
	char ***inverses = xcalloc(e->ncmds + 1, sizeof *inverses);
	for (size_t i = 0; i < e->ncmds && !rc; i++) {
		const struct journal_cmd *c = &e->cmds[i];
		if (c->rerun_on_undo) {
			char **want = fx && fx->reload ? fx->reload(ctx) : NULL;
			if (!take_checked(e, fx, p->windows, c->argv, want, &reloads[i], cause))
				rc = -EPERM;
		}
		/* An inverse recorded must be the one the fix gives for the
		 * command now; none recorded: nothing runs for it. */
		if (!rc && c->inverse && fx && !fx->inverse && fx->inverse_ok) {
			if (fx->inverse_ok(ctx, (const char *const *)c->argv,
			                   (const char *const *)c->inverse)) {
				inverses[i] = argv_dup((const char *const *)c->inverse);
			} else {
				char *rec = plan_cmdline(p->windows, (const char *const *)c->inverse);
				*cause = xasprintf(
				        T("entry %s records '%s' as an undo, which its fix %s does not "
				          "write: undo runs only the commands of asr-doctor's own "
				          "fixes, never a journal's; refused",
				          "条目 %s 记录的撤销命令 '%s' 不是其修复 %s 会写出的命令："
				          "撤销只执行 asr-doctor 自身修复定义的命令，从不执行日志中的命令；已拒绝"),
				        e->id, rec, fx->id);
				free(rec);
				rc = -EPERM;
			}
		} else if (!rc && c->inverse) {
			char **want = fx && fx->inverse
			                      ? fx->inverse(ctx, (const char *const *)c->argv)
			                      : NULL;
			if (!take_checked(e, fx, p->windows, c->inverse, want, &inverses[i], cause))
				rc = -EPERM;
		}
	}
	/* The files, each back to its original (a created one removed). */
	for (size_t i = 0; i < e->nfiles && !rc; i++) {
		const struct journal_file *f = &e->files[i];
		if (journal_file_state(t, f) == JFILE_BEFORE)
			continue; /* already the original */
		/* What the file holds now, read through the target. */
		struct target_stat st = { 0 };
		char *cur = NULL, *orig = NULL;
		size_t cur_len = 0, orig_len = 0;
		bool here = target_lstat(t, f->real_path, &st) == 0;
		if (here) {
			int r = target_read_exact(t, f->real_path, PLAN_BINARY_MAX, &cur, &cur_len);
			if (r < 0 && r != -ENOENT) {
				*cause = xasprintf(T("cannot read %s: %s", "无法读取 %s：%s"), f->path,
				                   strerror(-r));
				rc = r;
			}
		}
		if (!rc && f->existed)
			rc = journal_read_backup(j, f, &orig, &orig_len, cause);
		if (!rc) {
			struct file_edit *fe = plan_restore_file(
			        p, f->path, f->real_path, cur, cur_len, cur ? st.mode : f->mode,
			        cur ? st.uid : f->uid, cur ? st.gid : f->gid,
			        f->existed ? orig : NULL, orig_len, f->mode, f->uid, f->gid,
			        f->exists_after, f->sha_after);
			fe->reason = xasprintf(T("as it was before entry %s", "恢复为条目 %s 之前的内容"),
			                       e->id);
			if (f->existed && validators[i])
				plan_edit_validator(fe, (const char *const *)validators[i]);
		}
		free(cur);
		free(orig);
	}
	/* The reloads, then the inverses, last command first. */
	for (size_t i = 0; i < e->ncmds && !rc; i++)
		if (reloads[i]) {
			struct plan_cmd *c = plan_add_command(
			        p, (const char *const *)reloads[i],
			        T("load the original settings again", "重新加载原来的设置"), CMD_AFTER,
			        e->cmds[i].confirm);
			c->rerun_on_undo = true;
		}
	for (size_t i = e->ncmds; i-- > 0 && !rc;)
		if (inverses[i] && e->cmds[i].ran) {
			char *fwd = plan_cmdline(p->windows, (const char *const *)e->cmds[i].argv);
			char *why = xasprintf(T("undoes '%s'", "撤销 '%s'"), fwd);
			plan_add_command(p, (const char *const *)inverses[i], why, CMD_AFTER,
			                 e->cmds[i].confirm);
			free(why);
			free(fwd);
		}
	for (size_t i = 0; i < e->nfiles; i++)
		argv_free(validators[i]);
	for (size_t i = 0; i < e->ncmds; i++) {
		argv_free(reloads[i]);
		argv_free(inverses[i]);
	}
	free(validators);
	free(reloads);
	free(inverses);
	if (rc) {
		plan_free(p);
		return rc;
	}
	*out = p;
	return 0;
}

/* Undoes an entry with the journal open and locked. */
int undo_entry_locked(struct journal *j, const struct fix_ctx *ctx, const char *which,
                      const struct apply_opts *o, struct apply_report *rep)
{
	memset(rep, 0, sizeof *rep);
	rep->outcome = JOURNAL_FAILED;
	journal_recover(j, ctx->t, &rep->notes);
	const struct journal_entry *e = journal_get(j, which);
	char *why = undo_refusal(j, e, ctx->t, which);
	if (why) {
		set_msg(rep, why);
		return -EINVAL;
	}
	if ((why = undo_guard_refusal(j, ctx)) != NULL) {
		set_msg(rep, why);
		return -EBUSY;
	}
	struct plan *p = NULL;
	char *cause = NULL;
	int rc = undo_plan(j, ctx, e, &p, &cause);
	if (rc < 0) {
		set_msg(rep, xasprintf(T("%s; nothing was changed", "%s；未做任何更改"), cause));
		free(cause);
		return rc;
	}
	rc = apply_restore(j, ctx, p, o, rep);
	plan_free(p);
	return rc;
}

/* Why undo cannot run on t, or NULL: a machine whose files asr-doctor
 * does not change and where it keeps no journal (a Windows machine over
 * SSH whose %ProgramData% could not be told): the journal of what was done
 * there is not there to undo from. Caller frees. */
static char *unreachable(struct target *t)
{
	if (t->can_write || target_keeps_journal(t))
		return NULL;
	char *label = target_label(t);
	char *m = xasprintf(T("asr-doctor cannot change %s over this connection, so it "
	                      "cannot undo there: run asr-doctor on that machine",
	                      "asr-doctor 无法通过此连接更改 %s，因此无法在那里撤销："
	                      "请在该机器上运行 asr-doctor"),
	                    label);
	free(label);
	return m;
}

/* Undoes an entry: opens and locks the journal, then undo_entry_locked. */
int undo_entry(const struct fix_ctx *ctx, const char *which, const struct apply_opts *o,
               struct apply_report *rep)
{
	memset(rep, 0, sizeof *rep);
	rep->outcome = JOURNAL_FAILED;
	struct target *t = ctx->t;
	if ((rep->message = unreachable(t)) != NULL)
		return -ENOTSUP;
	char *dir = ctx->journal_dir ? xstrdup(ctx->journal_dir) : journal_default_dir(t);
	struct stat st;
	struct target_stat tst;
	if (target_keeps_journal(t) ? target_stat(t, dir, &tst) < 0 : stat(dir, &st) < 0) {
		rep->message = xasprintf(
		        T("no journal at %s: nothing to undo", "%s 没有日志：无需撤销"), dir);
		free(dir);
		return -ENOENT;
	}
	sigset_t old;
	apply_signals_hold(&old);
	struct journal *j = NULL;
	char *cause = NULL;
	int rc = journal_open_for(t, dir, o ? o->fs : NULL, false, &j, &cause);
	if (rc == 0)
		rc = journal_lock(j, 0, &cause);
	if (rc < 0) {
		rep->message = xasprintf(T("%s; nothing was changed", "%s；未做任何更改"), cause);
		free(cause);
	} else {
		rc = undo_entry_locked(j, ctx, which, o, rep);
	}
	journal_close(j);
	rep->signal = apply_signals_release(&old);
	free(dir);
	return rc;
}

/* Describes what undo would do, changing nothing. */
int undo_preview(const struct fix_ctx *ctx, const char *which, bool force, struct sbuf *out,
                 char **cause)
{
	struct target *t = ctx->t;
	if ((*cause = unreachable(t)) != NULL)
		return -ENOTSUP;
	char *dir = ctx->journal_dir ? xstrdup(ctx->journal_dir) : journal_default_dir(t);
	struct journal *j = NULL;
	int rc = journal_list_for(t, dir, &j, cause);
	free(dir);
	if (rc < 0)
		return rc;
	const struct journal_entry *e = journal_get(j, which);
	char *why = undo_refusal(j, e, t, which);
	int busy = 0;
	if (!why && (why = undo_guard_refusal(j, ctx)) != NULL)
		busy = -EBUSY;
	if (why) {
		*cause = why;
		journal_close(j);
		return busy ? busy : -EINVAL;
	}
	struct plan *p = NULL;
	rc = undo_plan(j, ctx, e, &p, cause);
	if (rc == 0)
		rc = apply_precondition(t, p, force, j->dir, cause);
	if (rc < 0) {
		plan_free(p);
		journal_close(j);
		return rc;
	}
	sb_printf(out, T("Undo entry %s (%s, %s, %s):\n", "撤销条目 %s（%s，%s，%s）：\n"), e->id,
	          e->time ? e->time : "?", e->fix_id ? e->fix_id : "?",
	          journal_outcome_text(e->outcome));
	if (!p->nedits && !p->ncmds)
		sb_printf(out, "  %s\n",
		          T("every file already holds its original bytes", "每个文件都已是原内容"));
	for (size_t i = 0; i < p->nedits; i++) {
		const struct file_edit *x = &p->edits[i];
		if (!x->remove) {
			sb_printf(out,
			          T("\nRestore %s (mode %04o, owner %u:%u):\n",
			            "\n恢复 %s（权限 %04o，属主 %u:%u）：\n"),
			          x->path, (unsigned)x->new_mode, (unsigned)x->new_uid,
			          (unsigned)x->new_gid);
			diff_unified(x->old_data, x->old_len, x->new_data, x->new_len,
			             x->existed ? x->real_path : "/dev/null", x->real_path, out);
		} else {
			sb_printf(out,
			          T("\nRemove %s (it did not exist before)\n",
			            "\n删除 %s（之前不存在）\n"),
			          x->path);
		}
	}
	for (size_t i = 0; i < p->ncmds; i++) {
		const struct plan_cmd *c = &p->cmds[i];
		char *s = plan_cmdline(p->windows, (const char *const *)c->argv);
		if (c->rerun_on_undo)
			sb_printf(out, T("\nThen run again: %s%s\n", "\n然后再次执行：%s%s\n"), s,
			          c->confirm ? T(" (asks first)", "（执行前确认）") : "");
		else
			sb_printf(out, T("\nThen run: %s (%s)%s\n", "\n然后执行：%s（%s）%s\n"), s,
			          c->reason, c->confirm ? T(" (asks first)", "（执行前确认）") : "");
		free(s);
	}
	plan_free(p);
	journal_close(j);
	return 0;
}

/* ---- the guard's body ---- */

static void log_line(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* One time-stamped line on standard output (the guard's log). */
static void log_line(const char *fmt, ...)
{
	char *now = journal_now();
	va_list ap;
	va_start(ap, fmt);
	char *s = xvasprintf(fmt, ap);
	va_end(ap);
	printf("%s guard[%ld]: %s\n", now, (long)getpid(), s);
	fflush(stdout);
	free(s);
	free(now);
}

/* Whether a path exists. */
static bool file_exists(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0;
}

/* The guard agrees to every command it reruns (the reload). */
static bool approve_all(void *arg, const char *const *argv, const char *reason, bool needs_confirm)
{
	(void)arg;
	(void)argv;
	(void)reason;
	(void)needs_confirm;
	return true;
}

/* Finishes the guard under the lock: confirmed, or undo and reload. */
static int guard_decide(const char *dir, const char *kind, const char *location, const char *id)
{
	struct journal *j = NULL;
	char *cause = NULL;
	int rc = journal_open(dir, NULL, false, &j, &cause);
	if (rc == 0)
		rc = journal_lock(j, GUARD_LOCK_WAIT_MS, &cause);
	if (rc == 0)
		rc = journal_reload(j, &cause);
	if (rc < 0) {
		log_line("cannot lock the journal %s: %s", dir, cause);
		free(cause);
		journal_close(j);
		return 1;
	}
	char *cpath = guard_confirm_path(dir, id);
	bool confirmed = file_exists(cpath);
	free(cpath);
	const struct journal_entry *e = journal_get(j, id);
	int status = 0;
	if (confirmed) {
		log_line("entry %s was confirmed; it stays", id);
		rc = journal_record_guard_end(
		        j, id, "confirmed", T("confirmed from a new login", "已从新的登录会话确认"),
		        &cause);
	} else if (e && e->undone_by) {
		log_line("entry %s was already undone by entry %s", id, e->undone_by);
		char *m = xasprintf(T("already undone by entry %s", "已由条目 %s 撤销"),
		                    e->undone_by);
		rc = journal_record_guard_end(j, id, "reverted", m, &cause);
		free(m);
	} else {
		log_line("entry %s was not confirmed in time: undoing it", id);
		struct target *t = target_open_described(kind, location, &cause);
		if (!t) {
			log_line("%s", cause);
			char *why = cause;
			cause = NULL;
			rc = journal_record_guard_end(j, id, "failed", why, &cause);
			free(why);
			status = 1;
		} else {
			struct apply_opts o = { .force = true, .confirm = approve_all };
			struct apply_report rep;
			struct fix_ctx ctx = { .t = t, .journal_dir = dir };
			int urc = undo_entry_locked(j, &ctx, id, &o, &rep);
			for (size_t i = 0; i < rep.ncmds; i++)
				log_line("ran %s: %s exit %d", rep.cmds[i].argv_str,
				         rep.cmds[i].ran ? "" : rep.cmds[i].note,
				         rep.cmds[i].status);
			log_line("%s", rep.message ? rep.message : "");
			char *m = xasprintf(T("not confirmed in time: %s", "未在时限内确认：%s"),
			                    rep.message ? rep.message : "");
			rc = journal_record_guard_end(j, id, urc == 0 ? "reverted" : "failed", m,
			                              &cause);
			free(m);
			status = urc == 0 ? 0 : 1;
			apply_report_free(&rep);
			target_free(t);
		}
	}
	if (rc < 0) {
		log_line("cannot record the result: %s", cause ? cause : "?");
		status = 1;
	}
	free(cause);
	journal_close(j);
	return status;
}

/* The guard's wait, then its decision. */
int undo_guard_run(const char *journal_dir, const char *kind, const char *location,
                   const char *entry_id, long long deadline)
{
	log_line("waiting for a confirmation of entry %s in %s until %lld", entry_id, journal_dir,
	         deadline);
	char *cpath = guard_confirm_path(journal_dir, entry_id);
	while (!file_exists(cpath) && (long long)time(NULL) < deadline) {
		struct timespec ts = { 0, GUARD_POLL_MS * 1000000L };
		nanosleep(&ts, NULL);
	}
	free(cpath);
	return guard_decide(journal_dir, kind, location, entry_id);
}

/* Parses the hidden command line and runs the guard. */
int undo_guard_main(int argc, char **argv)
{
	if (argc < 4 || argc > 6 || strcmp(argv[0], GUARD_COMMAND) != 0) {
		fprintf(stderr, "usage: asr-doctor %s JOURNAL ENTRY DEADLINE [KIND [LOCATION]]\n",
		        GUARD_COMMAND);
		return 2;
	}
	long long deadline = strtoll(argv[3], NULL, 10);
	if (deadline <= 0 || argv[1][0] != '/') {
		fprintf(stderr, "asr-doctor %s: bad arguments\n", GUARD_COMMAND);
		return 2;
	}
	return undo_guard_run(argv[1], argc >= 5 ? argv[4] : NULL, argc == 6 ? argv[5] : NULL,
	                      argv[2], deadline);
}
