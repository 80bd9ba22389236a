/* apply.c: the one executor. A plan (a fix's, or the restore plan undo and
 * the guard make) is carried out as one transaction, one function per phase
 * over one record (struct txn): lock, check, begin the entry, back up,
 * write beside, rename over, validate, commands, record. See apply.h for
 * the rules. */
#include "engine/change/apply.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "engine/change/undocmd.h"
#include "engine/target/hostfs.h"
#include "engine/util/msg.h"
#include "engine/util/sha256.h"

/* Command output kept in the report; the journal keeps less. */
#define REPORT_OUTPUT_MAX (64u * 1024)
/* Room left on a file system beyond the bytes we write. */
#define SPACE_MARGIN (64u * 1024)

/* ---- signals ---- */

static void held_set(sigset_t *s)
{
	sigemptyset(s);
	sigaddset(s, SIGINT);
	sigaddset(s, SIGTERM);
	sigaddset(s, SIGHUP);
	sigaddset(s, SIGQUIT);
}

/* Blocks the signals that end a terminal session, keeping the old mask. */
void apply_signals_hold(sigset_t *old)
{
	sigset_t s;
	held_set(&s);
	pthread_sigmask(SIG_BLOCK, &s, old);
}

/* Whether one of the held signals is waiting. */
bool apply_signals_pending(void)
{
	sigset_t p;
	if (sigpending(&p) < 0)
		return false;
	return sigismember(&p, SIGINT) == 1 || sigismember(&p, SIGTERM) == 1 ||
	       sigismember(&p, SIGHUP) == 1 || sigismember(&p, SIGQUIT) == 1;
}

/* Takes every held signal that arrived off (returning the first) and restores the mask. */
int apply_signals_release(const sigset_t *old)
{
	sigset_t s;
	held_set(&s);
	int first = 0;
	struct timespec zero = { 0, 0 };
	while (apply_signals_pending()) {
		int sig = sigtimedwait(&s, NULL, &zero);
		if (sig <= 0)
			break;
		if (!first)
			first = sig;
	}
	pthread_sigmask(SIG_SETMASK, old, NULL);
	return first;
}

/* Delivers sig again with its default action. */
void apply_reraise(int sig)
{
	if (!sig)
		return;
	signal(sig, SIG_DFL);
	sigset_t s;
	sigemptyset(&s);
	sigaddset(&s, sig);
	pthread_sigmask(SIG_UNBLOCK, &s, NULL);
	raise(sig);
}

/* ---- small helpers ---- */

int apply_timeout(const struct apply_opts *o, const struct fix_ctx *ctx)
{
	if (o && o->timeout_ms > 0)
		return o->timeout_ms;
	if (ctx && ctx->timeout_ms > 0)
		return ctx->timeout_ms;
	return 60000;
}

/* Replaces every "{key}" in s; caller frees. */
static char *subst(const char *s, const char *file, const char *root)
{
	struct sbuf b = { 0 };
	while (*s) {
		if (str_starts(s, "{file}")) {
			sb_add(&b, file);
			s += 6;
		} else if (str_starts(s, "{root}")) {
			sb_add(&b, root);
			s += 6;
		} else {
			sb_addc(&b, *s++);
		}
	}
	return sb_steal(&b);
}

/* A command's standard output and error as one text, cut at max bytes. */
static char *join_output(const struct cmd_result *r, size_t max)
{
	struct sbuf b = { 0 };
	if (r->out)
		sb_add(&b, r->out);
	if (r->err && *r->err) {
		if (b.len && b.s[b.len - 1] != '\n')
			sb_addc(&b, '\n');
		sb_add(&b, r->err);
	}
	if (r->timed_out)
		sb_add(&b, T("(timed out)\n", "（超时）\n"));
	if (b.len > max) {
		b.len = max;
		b.s[max] = '\0';
		sb_add(&b, T("\n(output cut)\n", "\n（输出已截断）\n"));
	}
	return sb_steal(&b);
}

/* Runs a validator template against file; true when it accepts it. */
bool apply_validate(struct target *t, char *const *tmpl, const char *file, int timeout_ms,
                    char **output)
{
	size_t n = 0;
	while (tmpl[n])
		n++;
	char **argv = xcalloc(n + 1, sizeof *argv);
	/* Validators run where the file is: on this machine for a target
	 * with host paths (for a mounted root: this machine's tool on the
	 * root's file), else on the target's machine. "{root}": the host
	 * folder of the target's "/" ("" for this machine and a remote one). */
	bool here = target_has_host_paths(t);
	char *hroot = here ? target_host_path(t, "/") : NULL;
	const char *root = hroot && strcmp(hroot, "/") != 0 ? hroot : "";
	for (size_t i = 0; i < n; i++)
		argv[i] = subst(tmpl[i], file, root);
	free(hroot);
	struct cmd_result r = { 0 };
	int rc = here ? proc_run((const char *const *)argv, timeout_ms, NULL, &r)
	              : target_run(t, (const char *const *)argv, timeout_ms, &r);
	char *shown = plan_argv_str((const char *const *)argv);
	bool ok;
	if (rc < 0) {
		*output = xasprintf(T("%s: cannot run: %s\n", "%s：无法运行：%s\n"), shown,
		                    strerror(-rc));
		ok = false;
	} else {
		char *o = join_output(&r, REPORT_OUTPUT_MAX);
		*output = r.status == 0 ? xasprintf("$ %s\n%s", shown, o)
		                        : xasprintf(T("$ %s\n%s(exit status %d)\n",
		                                      "$ %s\n%s（退出状态 %d）\n"),
		                                    shown, o, r.status);
		free(o);
		ok = r.status == 0 && !r.timed_out;
	}
	cmd_result_free(&r);
	free(shown);
	for (size_t i = 0; i < n; i++)
		free(argv[i]);
	free(argv);
	return ok;
}

/* Adds a command line to the report. */
static struct apply_cmd_log *report_cmd(struct apply_report *rep, bool windows, char *const *argv)
{
	rep->cmds = xrealloc(rep->cmds, (rep->ncmds + 1) * sizeof *rep->cmds);
	struct apply_cmd_log *c = &rep->cmds[rep->ncmds++];
	*c = (struct apply_cmd_log){ .argv_str = plan_cmdline(windows, (const char *const *)argv),
		                     .status = -1 };
	return c;
}

/* Runs one command if it may (target, interruption, confirmation) and records it. */
bool apply_run_command(struct target *t, const struct apply_opts *o, char *const *argv,
                       const char *reason, bool needs_confirm, int timeout_ms,
                       struct apply_report *rep, struct journal_cmd *jc)
{
	struct apply_cmd_log *c = report_cmd(rep, t->os == TARGET_OS_WINDOWS, argv);
	const char *note = NULL;
	if (!t->can_run) {
		note = T("not run: a mounted root cannot run commands; run it after booting the "
		         "machine",
		         "未执行：挂载的根目录无法执行命令；请在启动该机器后执行");
		sv_push(&rep->pending, c->argv_str);
	} else if (apply_signals_pending()) {
		note = T("not run: asr-doctor was interrupted", "未执行：asr-doctor 被中断");
	} else {
		bool yes = o->confirm ? o->confirm(o->confirm_arg, (const char *const *)argv,
		                                   reason, needs_confirm)
		                      : !needs_confirm;
		if (!yes)
			note = T("not run: not confirmed", "未执行：未确认");
	}
	if (note) {
		c->note = xstrdup(note);
		if (jc) {
			free(jc->note);
			jc->note = xstrdup(note);
		}
		return false;
	}
	struct cmd_result r;
	int rc = target_run(t, (const char *const *)argv, timeout_ms, &r);
	c->ran = rc == 0;
	c->status = rc == 0 ? r.status : -1;
	c->output = rc == 0 ? join_output(&r, REPORT_OUTPUT_MAX)
	                    : xasprintf(T("cannot run: %s\n", "无法运行：%s\n"), strerror(-rc));
	if (jc) {
		jc->ran = c->ran;
		jc->status = c->status;
		free(jc->output);
		jc->output = rc == 0 ? join_output(&r, 4096) : xstrdup(c->output);
	}
	cmd_result_free(&r);
	return c->ran && c->status == 0 && !r.timed_out;
}

/* ---- the transaction ---- */

/* One file's working state. */
struct work {
	const struct file_edit *e; /* borrowed from the plan */
	char *host;                /* the real file on this machine (the validator's) */
	char *tdir;                /* the target path of its folder */
	char *tmp_target;          /* target path of the temporary file */
	char *restore_tag;         /* the tag of a roll-back's temporary file */
	char *backup_rel;          /* relative to the journal, or NULL (no file now) */
	char *backup;              /* host path of the backup, or NULL */
	mode_t mode;               /* what the file gets */
	uid_t uid;
	gid_t gid;
	mode_t cur_mode;           /* what it has now (a new file: what it gets) */
	uid_t cur_uid;
	gid_t cur_gid;
	bool temp_written;
	bool renamed;              /* holds the new state (a removed file: gone) */
};

/* The one transaction record every phase works on. */
struct txn {
	const struct fix_ctx *ctx;    /* borrowed */
	struct target *t;             /* borrowed: ctx->t */
	const struct plan *p;         /* borrowed: a fix's plan or a restore plan */
	const struct apply_opts *o;   /* borrowed, never NULL */
	const struct apply_fs *fs;    /* borrowed: the system-call seam */
	struct apply_report *rep;     /* borrowed: what the caller gets */
	struct journal *j;            /* borrowed: open and locked */
	bool restore;                 /* p->undoes: undo or the guard's revert */
	int timeout;
	struct work *w;               /* owned, one per edit */
	size_t n;
	char *id;                     /* owned: the new entry, once begun */
	char *undo;                   /* owned: the command that undoes it */
	struct journal_entry je;      /* owned: the entry as recorded */
	bool valid;                   /* restore: every restored file passed its check */
};

/* Replaces the report's message (taking msg). */
static void set_message(struct apply_report *rep, char *msg)
{
	free(rep->message);
	rep->message = msg;
}

/* Checks, before anything changes, that the edit can be carried out and
 * that the file is still what the plan read; fills in the modes and
 * owners. Asked of the target (a host file's flags and permissions where
 * it has them, target_may_change; what it cannot tell from here shows as
 * a failed write, before anything changed). Returns 0 or -errno with
 * *cause. */
static int preflight(struct target *t, struct work *w, char **cause)
{
	const struct file_edit *e = w->e;
	struct target_stat st;
	if (target_stat(t, w->tdir, &st) < 0 || !S_ISDIR(st.mode)) {
		*cause = xasprintf(
		        T("the folder of %s does not exist any more", "%s 所在的文件夹已不存在"),
		        e->path);
		return -ENOENT;
	}
	int rc = target_may_change(t, w->tdir, true);
	if (rc == -EROFS) {
		*cause = xasprintf(T("%s is on a read-only file system", "%s 位于只读文件系统上"),
		                   e->path);
		return rc;
	}
	if (rc == -EPERM) {
		*cause = xasprintf(T("the folder of %s is immutable (chattr +i)",
		                     "%s 所在的文件夹不可修改（chattr +i）"),
		                   e->path);
		return rc;
	}
	if (rc < 0) {
		*cause = xasprintf(T("cannot write in the folder of %s: %s",
		                     "无法在 %s 所在的文件夹中写入：%s"),
		                   e->path, strerror(-rc));
		return rc;
	}
	int r = target_lstat(t, e->real_path, &st);
	if (!e->existed) {
		if (r == 0) {
			*cause = xasprintf(
			        T("%s appeared since the plan was made; plan the fix again",
			          "%s 在制定计划后出现了；请重新制定计划"),
			        e->path);
			return -EEXIST;
		}
		w->cur_mode = e->set_attrs ? e->new_mode : e->old_mode;
		w->cur_uid = e->set_attrs ? e->new_uid : e->old_uid;
		w->cur_gid = e->set_attrs ? e->new_gid : e->old_gid;
	} else {
		if (r < 0 || !S_ISREG(st.mode)) {
			*cause = xasprintf(
			        T("%s changed since the plan was made (%s); plan the fix again",
			          "%s 在制定计划后发生了变化（%s）；请重新制定计划"),
			        e->path,
			        r < 0 ? strerror(-r) : T("not a regular file", "不是普通文件"));
			return -ESTALE;
		}
		char *cur = NULL;
		size_t len = 0;
		rc = target_read_exact(t, e->real_path, PLAN_BINARY_MAX, &cur, &len);
		if (rc < 0) {
			*cause = xasprintf(T("cannot read %s: %s", "无法读取 %s：%s"), e->path,
			                   strerror(-rc));
			return rc;
		}
		bool same = len == e->old_len && (len == 0 || memcmp(cur, e->old_data, len) == 0);
		free(cur);
		if (!same) {
			*cause = xasprintf(
			        T("%s changed since the plan was made; plan the fix again",
			          "%s 在制定计划后被修改；请重新制定计划"),
			        e->path);
			return -ESTALE;
		}
		if (target_may_change(t, e->real_path, false) == -EPERM) {
			*cause = xasprintf(T("%s is immutable (chattr +i); remove the flag first "
			                     "if the change "
			                     "is wanted",
			                     "%s 不可修改（chattr +i）；如确需修改请先去掉该标志"),
			                   e->path);
			return -EPERM;
		}
		w->cur_mode = st.mode & 07777;
		w->cur_uid = st.uid;
		w->cur_gid = st.gid;
	}
	w->mode = e->set_attrs ? e->new_mode : w->cur_mode;
	w->uid = e->set_attrs ? e->new_uid : w->cur_uid;
	w->gid = e->set_attrs ? e->new_gid : w->cur_gid;
	uid_t owner = e->remove ? w->cur_uid : w->uid;
	if (!target_can_own(t, owner, w->cur_uid)) {
		*cause = xasprintf(T("%s belongs to uid %u, an owner only root can keep (%s)",
		                     "%s 属于 uid %u，只有 root 才能保持该属主（%s）"),
		                   e->path, (unsigned)owner, target_needs_root(t));
		return -EPERM;
	}
	struct target_vfs v;
	if (target_statvfs(t, w->tdir, &v) == 0) {
		unsigned long long fb = t->is_root ? v.free : v.avail;
		if (fb < e->new_len + SPACE_MARGIN) {
			*cause = xasprintf(T("not enough free space for %s (%lld bytes free)",
			                     "%s 所在文件系统空间不足（剩余 %lld 字节）"),
			                   e->path, (long long)fb);
			return -ENOSPC;
		}
	}
	return 0;
}

/* Whether edit e is in the state its restore plan expects (see struct
 * file_edit). */
static bool as_expected(const struct file_edit *e)
{
	if (!e->has_expect)
		return true;
	if (!e->expect_exists)
		return !e->existed;
	if (!e->existed)
		return false;
	char hex[SHA256_HEX_LEN + 1];
	sha256_hex(e->old_data, e->old_len, hex);
	return strcmp(hex, e->expect_sha) == 0;
}

int apply_precondition(const struct target *t, const struct plan *p, bool force,
                       const char *journal_dir, char **cause)
{
	struct sbuf changed = { 0 };
	for (size_t i = 0; i < p->nedits; i++)
		if (!as_expected(&p->edits[i]))
			sb_printf(&changed, "%s%s", changed.len ? ", " : "", p->edits[i].path);
	if (!changed.len || force) {
		sb_free(&changed);
		return 0;
	}
	const char *id = p->undoes ? p->undoes : "?";
	char *forced = undo_command(t, journal_dir, id, true);
	*cause = xasprintf(
	        T("%s changed since entry %s was applied: undo would lose those changes. "
	          "'%s' restores the originals anyway (the current "
	          "bytes are kept in the journal)",
	          "%s 在条目 %s 应用后又被修改：撤销会丢失这些修改。'%s' "
	          "仍会恢复原文件（当前内容会保存在日志中）"),
	        sb_str(&changed), id, forced);
	free(forced);
	sb_free(&changed);
	return -ESTALE;
}

/* Puts back what the changed files held (newest first). Returns 0, or
 * -errno with *cause naming the files left in the new state. */
static int roll_back(struct txn *x, char **cause)
{
	int first = 0;
	struct sbuf bad = { 0 };
	for (size_t i = x->n; i-- > 0;) {
		struct work *w = &x->w[i];
		if (!w->renamed)
			continue;
		char *c = NULL;
		const char *path = w->e->real_path;
		int rc = w->e->existed
		                 ? target_replace(x->t, path, w->restore_tag, w->e->old_data,
		                                  w->e->old_len, w->cur_mode, w->cur_uid, w->cur_gid, &c)
		                 : target_remove_durably(x->t, path, &c);
		if (rc < 0) {
			if (!first)
				first = rc;
			sb_printf(&bad, "%s%s", bad.len ? "; " : "", c);
		} else {
			w->renamed = false;
		}
		free(c);
	}
	if (first)
		*cause = sb_steal(&bad);
	sb_free(&bad);
	return first;
}

/* Removes the temporary files written but not renamed. */
static void remove_temps(struct txn *x)
{
	for (size_t i = 0; i < x->n; i++)
		if (x->w[i].temp_written && !x->w[i].renamed) {
			target_remove(x->t, x->w[i].tmp_target);
			x->w[i].temp_written = false;
		}
}

/* The outcome of a transaction that did what it planned. */
static enum journal_outcome success(const struct txn *x)
{
	return x->restore ? JOURNAL_UNDONE : JOURNAL_APPLIED;
}

/* Fills the journal entry from the plan and the work. */
static void entry_from_plan(struct txn *x)
{
	const struct plan *p = x->p;
	struct journal_entry *je = &x->je;
	je->id = xstrdup(x->id);
	je->time = journal_now();
	je->pid = (long)getpid();
	je->target = xstrdup(x->t->name ? x->t->name : "");
	je->target_kind = xstrdup(target_kind_name(x->t));
	const char *anchor = p->anchor ? p->anchor : x->ctx->anchor;
	je->anchor = anchor ? xstrdup(anchor) : NULL;
	for (size_t i = 0; i < p->check_ids.n; i++)
		sv_push(&je->checks, p->check_ids.v[i]);
	je->fix_id = xstrdup(p->fix_id);
	je->title = p->title ? xstrdup(p->title) : NULL;
	je->undoes = p->undoes ? xstrdup(p->undoes) : NULL;
	const char *ssh = x->o->ssh_connection ? x->o->ssh_connection : getenv("SSH_CONNECTION");
	je->ssh_connection = ssh && *ssh ? xstrdup(ssh) : NULL;
	je->service = p->commit_confirmed_service ? xstrdup(p->commit_confirmed_service) : NULL;
	je->undo_text = plan_undo_text(p, x->undo);
	je->nfiles = p->nedits;
	je->files = xcalloc(p->nedits ? p->nedits : 1, sizeof *je->files);
	for (size_t i = 0; i < p->nedits; i++) {
		const struct file_edit *e = &p->edits[i];
		const struct work *w = &x->w[i];
		struct journal_file *f = &je->files[i];
		f->path = xstrdup(e->path);
		f->real_path = xstrdup(e->real_path);
		f->backup = w->backup_rel ? xstrdup(w->backup_rel) : NULL;
		f->tmp_path = xstrdup(w->tmp_target);
		f->existed = e->existed;
		f->mode = (unsigned)w->cur_mode;
		f->uid = (unsigned)w->cur_uid;
		f->gid = (unsigned)w->cur_gid;
		if (e->existed)
			sha256_hex(e->old_data, e->old_len, f->sha_before);
		f->exists_after = !e->remove;
		if (!e->remove)
			sha256_hex(e->new_data, e->new_len, f->sha_after);
		f->validator = e->validator ? argv_dup((const char *const *)e->validator) : NULL;
	}
	je->ncmds = p->ncmds;
	je->cmds = xcalloc(p->ncmds ? p->ncmds : 1, sizeof *je->cmds);
	for (size_t i = 0; i < p->ncmds; i++) {
		je->cmds[i].argv = argv_dup((const char *const *)p->cmds[i].argv);
		je->cmds[i].inverse =
		        p->cmds[i].inverse ? argv_dup((const char *const *)p->cmds[i].inverse) : NULL;
		je->cmds[i].confirm = p->cmds[i].confirm;
		je->cmds[i].rerun_on_undo = p->cmds[i].rerun_on_undo;
		je->cmds[i].before = p->cmds[i].phase == CMD_BEFORE;
		je->cmds[i].status = -1;
	}
}

/* Ends the entry: records the outcome (a failure to do so is noted). */
static void finish(struct txn *x, enum journal_outcome outcome)
{
	struct journal_entry *je = &x->je;
	struct apply_report *rep = x->rep;
	je->outcome = outcome;
	je->changed = outcome != success(x) && rep->changed;
	je->end_time = journal_now();
	free(je->message);
	je->message = rep->message ? xstrdup(rep->message) : NULL;
	free(je->validator_output);
	je->validator_output = rep->validator_output ? xstrdup(rep->validator_output) : NULL;
	rep->outcome = outcome;
	char *cause = NULL;
	if (journal_record_end(x->j, je, &cause) < 0) {
		sv_take(&rep->notes,
		        xasprintf(T("the journal could not record the end of entry %s: %s "
		                    "(the next run marks it interrupted)",
		                    "日志无法记录条目 %s 的结束：%s（下次运行时将标记为中断）"),
		                  je->id, cause));
		free(cause);
	}
}

/* Ends a failed phase: message (taken), outcome recorded, rc returned. */
static int fail(struct txn *x, int rc, enum journal_outcome outcome, char *msg)
{
	set_message(x->rep, msg);
	finish(x, outcome);
	return rc;
}

/* Phase: what the plan asks of this target, before the journal is touched. */
static int txn_refuse(struct txn *x)
{
	const struct plan *p = x->p;
	struct target *t = x->t;
	struct apply_report *rep = x->rep;
	/* A machine whose files cannot be written from here (over SSH) takes
	 * plans of commands only, with the journal on this machine where
	 * --journal names it. */
	bool commands_only = p->nedits == 0 && t->can_run && x->ctx->journal_dir;
	if (!t->can_write && !commands_only) {
		set_message(rep,
		            xstrdup(T("changes over SSH are not supported: run asr-doctor on that "
		                      "machine (or on its disk with --root); a fix made of commands "
		                      "only runs with --journal DIR on this machine",
		                      "不支持通过 SSH 修改：请在该机器上运行 asr-doctor（或用 "
		                      "--root 处理其磁盘）；只含命令的修复可加 --journal DIR（本机目录）运行")));
		return -ENOTSUP;
	}
	if (p->nedits == 0 && p->ncmds == 0 && !x->restore) {
		set_message(rep, xstrdup(T("the plan changes nothing", "该计划没有任何更改")));
		return -EINVAL;
	}
	if (p->nedits == 0 && p->ncmds && !t->can_run) {
		for (size_t i = 0; i < p->ncmds; i++) {
			char *s = plan_cmdline(p->windows, (const char *const *)p->cmds[i].argv);
			sv_take(&rep->pending, s);
		}
		set_message(
		        rep,
		        xstrdup(T("this fix only runs commands, which a mounted root cannot do: "
		                  "run them after booting the machine; nothing was changed",
		                  "此修复只执行命令，挂载的根目录无法执行：请在启动该机器后执行；未"
		                  "做任何更改")));
		return -ENOTSUP;
	}
	for (size_t i = 0; i < p->ncmds; i++)
		if (p->cmds[i].phase == CMD_BEFORE && !t->can_run) {
			set_message(rep,
			            xstrdup(T("this fix must run commands before it changes files, "
			                      "which a mounted root cannot do: run it on the "
			                      "booted machine; "
			                      "nothing was changed",
			                      "此修复需要在修改文件之前执行命令，挂载的根目录无法执"
			                      "行：请在启动的机器上运行；未做任何更改")));
			return -ENOTSUP;
		}
	return 0;
}

/* Phase: host paths, the restore precondition and the preflight of every
 * file, room for the backups, before anything changes. */
static int txn_check(struct txn *x)
{
	const struct plan *p = x->p;
	struct apply_report *rep = x->rep;
	const char *jdir = x->j->dir;
	char *cause = NULL;
	int rc = 0;
	if (x->restore && (rc = apply_precondition(x->t, p, x->o->force, jdir, &cause)) < 0)
		goto refused;
	long long backup_bytes = 0;
	for (size_t i = 0; i < x->n; i++) {
		struct work *w = &x->w[i];
		w->e = &p->edits[i];
		/* The host file of a target with host paths, for the
		 * validators that read one; the preflight asks the target. */
		w->host = target_host_file(x->t, p->edits[i].real_path);
		if (!w->host && target_has_host_paths(x->t)) {
			set_message(rep, xasprintf(T("%s: no host path; nothing was changed",
			                             "%s：没有主机路径；未做任何更改"),
			                           p->edits[i].path));
			return -EINVAL;
		}
		w->tdir = target_dir_of(p->edits[i].real_path);
		for (size_t k = 0; k < i; k++)
			if (strcmp(x->w[k].host ? x->w[k].host : x->w[k].e->real_path,
			           w->host ? w->host : w->e->real_path) == 0) {
				set_message(
				        rep,
				        xasprintf(T("the plan edits %s twice; nothing was changed",
				                    "计划两次修改 %s；未做任何更改"),
				                  p->edits[i].real_path));
				return -EINVAL;
			}
		if ((rc = preflight(x->t, w, &cause)) < 0)
			goto refused;
		if (p->edits[i].existed)
			backup_bytes += (long long)p->edits[i].old_len;
	}
	long long jfree = journal_free_bytes(x->j);
	if (jfree >= 0 && jfree < backup_bytes + (long long)SPACE_MARGIN) {
		set_message(
		        rep,
		        xasprintf(
		                T("not enough free space in %s for the backups (%lld bytes free); "
		                  "nothing was changed",
		                  "%s 空间不足，无法保存备份（剩余 %lld 字节）；未做任何更改"),
		                jdir, jfree));
		return -ENOSPC;
	}
	if (apply_signals_pending()) {
		set_message(rep, xstrdup(T("interrupted before any change; nothing was changed",
		                           "在任何更改之前被中断；未做任何更改")));
		return -EINTR;
	}
	return 0;
refused:
	set_message(rep, xasprintf(T("%s; nothing was changed", "%s；未做任何更改"), cause));
	free(cause);
	return rc;
}

/* Phase: the entry, its backups folder and names, the "started" record. */
static int txn_begin(struct txn *x)
{
	struct apply_report *rep = x->rep;
	const char *jdir = x->j->dir;
	char *cause = NULL;
	x->id = journal_new_entry(x->j, &cause);
	if (!x->id) {
		set_message(rep, xasprintf(T("%s; nothing was changed", "%s；未做任何更改"), cause));
		free(cause);
		return -EIO;
	}
	x->undo = undo_command(x->t, jdir, x->restore ? x->p->undoes : x->id, false);
	for (size_t i = 0; i < x->n; i++) {
		struct work *w = &x->w[i];
		const char *base = hostfs_base_of(w->e->real_path);
		w->tmp_target = target_temp_path(w->e->real_path, x->id);
		w->restore_tag = journal_restore_tag(x->id);
		if (w->e->existed) {
			w->backup_rel = xasprintf("backups/%s/%zu-%s", x->id, i + 1, base);
			w->backup = xasprintf("%s/%s", jdir, w->backup_rel);
		}
	}
	entry_from_plan(x);
	rep->entry_id = xstrdup(x->id);
	int rc = journal_record_start(x->j, &x->je, &cause);
	if (rc < 0) {
		set_message(rep, xasprintf(T("cannot write the journal: %s; nothing was changed",
		                             "无法写入日志：%s；未做任何更改"),
		                           cause));
		free(cause);
		free(rep->entry_id);
		rep->entry_id = NULL;
	}
	return rc;
}

/* Phase: every file as it is now, saved in the entry's backups. */
static int txn_backup(struct txn *x)
{
	char *cause = NULL;
	for (size_t i = 0; i < x->n; i++) {
		struct work *w = &x->w[i];
		if (!w->backup)
			continue;
		int rc = journal_write_backup(x->j, w->backup_rel, w->e->old_data, w->e->old_len,
		                              &cause);
		if (rc < 0) {
			char *m = xasprintf(T("cannot back up %s: %s; nothing was changed",
			                      "无法备份 %s：%s；未做任何更改"),
			                    w->e->path, cause);
			free(cause);
			return fail(x, rc, JOURNAL_FAILED, m);
		}
	}
	if (x->n) {
		int rc = journal_sync_backups(x->j, x->id, &cause);
		if (rc < 0) {
			char *m = xasprintf(T("%s; nothing was changed", "%s；未做任何更改"), cause);
			free(cause);
			return fail(x, rc, JOURNAL_FAILED, m);
		}
	}
	return 0;
}

/* Phase: the commands that come before the files. */
static int txn_commands_before(struct txn *x)
{
	const struct plan *p = x->p;
	for (size_t i = 0; i < p->ncmds; i++) {
		const struct plan_cmd *c = &p->cmds[i];
		if (c->phase != CMD_BEFORE)
			continue;
		if (!apply_run_command(x->t, x->o, c->argv, c->reason, c->confirm, x->timeout, x->rep,
		                       &x->je.cmds[i])) {
			char *s = plan_cmdline(p->windows, (const char *const *)c->argv);
			char *m = xasprintf(T("'%s' did not run or failed; no file was changed",
			                      "'%s' 未执行或失败；没有修改任何文件"),
			                    s);
			free(s);
			return fail(x, -ECANCELED, JOURNAL_FAILED, m);
		}
	}
	return 0;
}

/* Phase: every new file written and synced beside its target. */
static int txn_write(struct txn *x)
{
	char *cause = NULL;
	for (size_t i = 0; i < x->n; i++) {
		struct work *w = &x->w[i];
		if (w->e->remove)
			continue;
		char *made = NULL;
		int rc = target_write_new(x->t, w->e->real_path, x->id, w->e->new_data, w->e->new_len,
		                          w->mode, w->uid, w->gid, &made, &cause);
		if (rc == 0 && strcmp(made, w->tmp_target) != 0) {
			/* The journal names the temporary file to remove after a
			 * crash: only the one it names may be made. */
			target_remove(x->t, made);
			cause = xasprintf(T("%s was written as %s, not %s", "%s 被写为 %s，而不是 %s"),
			                  w->e->path, made, w->tmp_target);
			rc = -EINVAL;
		}
		free(made);
		if (rc < 0) {
			remove_temps(x);
			char *m = xasprintf(T("%s; nothing was changed", "%s；未做任何更改"), cause);
			free(cause);
			return fail(x, rc, JOURNAL_FAILED, m);
		}
		w->temp_written = true;
	}
	if (apply_signals_pending()) {
		remove_temps(x);
		return fail(x, -EINTR, JOURNAL_FAILED,
		            xstrdup(T("interrupted before the files were replaced; nothing was "
		                      "changed",
		                      "在替换文件之前被中断；未做任何更改")));
	}
	return 0;
}

/* Phase: renamed over the targets (or removed), each folder synced; on a
 * failure the files changed so far are put back. */
static int txn_rename(struct txn *x)
{
	struct apply_report *rep = x->rep;
	for (size_t i = 0; i < x->n; i++) {
		struct work *w = &x->w[i];
		const char *step = NULL;
		int err = 0;
		int r;
		if (w->e->remove) {
			if ((r = target_remove(x->t, w->e->real_path)) < 0 && r != -ENOENT) {
				err = -r;
				step = "unlink";
			}
		} else if ((r = target_rename(x->t, w->tmp_target, w->e->real_path)) < 0) {
			err = -r;
			step = "rename";
		}
		if (!step) {
			w->renamed = true;
			if ((r = target_sync_dir(x->t, w->tdir)) < 0) {
				err = -r;
				step = "fsync";
			}
		}
		if (!step)
			continue;
		bool any = false;
		for (size_t k = 0; k < x->n; k++)
			any = any || x->w[k].renamed;
		char *rb = NULL;
		int rbrc = roll_back(x, &rb);
		remove_temps(x);
		char *m;
		enum journal_outcome oc;
		if (rbrc < 0 && x->restore) {
			m = xasprintf(T("undo failed (cannot replace %s: %s: %s) and the files it had "
			                "restored could not be put back (%s); each file is whole, see "
			                "the journal entry %s",
			                "撤销失败（无法替换 %s：%s：%s），已恢复的文件也无法还原（%s）；"
			                "每个文件都是完整的，见日志条目 %s"),
			              w->e->path, step, strerror(err), rb, x->id);
			rep->changed = true;
			oc = JOURNAL_FAILED;
		} else if (rbrc < 0) {
			m = xasprintf(T("cannot replace %s (%s: %s), and putting back the originals "
			                "failed: %s. Each file is whole (old or new); the originals "
			                "are in %s/backups/%s and '%s' puts them back",
			                "无法替换 %s（%s：%s），且恢复原文件失败：%s。每个文件都是完整"
			                "的（旧或新）；原文件在 %s/backups/%s，'%s' 可将其恢复"),
			              w->e->path, step, strerror(err), rb, x->j->dir, x->id, x->undo);
			rep->changed = true;
			oc = JOURNAL_FAILED;
		} else {
			m = xasprintf(T("%scannot replace %s (%s: %s); the files changed so far were "
			                "put back: nothing was changed",
			                "%s无法替换 %s（%s：%s）；已修改的文件已恢复：未做任何更改"),
			              x->restore ? T("undo failed: ", "撤销失败：") : "", w->e->path,
			              step, strerror(err));
			oc = any ? JOURNAL_ROLLED_BACK : JOURNAL_FAILED;
		}
		free(rb);
		return fail(x, -err, oc, m);
	}
	rep->changed = x->n > 0;
	return 0;
}

/* Phase: the validators (and in-process read-backs) against the new files
 * in place. A fix's plan is rolled back by itself when one fails; a
 * restore plan keeps the originals and only reloads nothing. */
static int txn_validate(struct txn *x)
{
	struct apply_report *rep = x->rep;
	x->valid = true;
	for (size_t i = 0; i < x->n; i++) {
		struct work *w = &x->w[i];
		const struct file_edit *fe = w->e;
		if ((!fe->validator && !fe->verify) || fe->remove)
			continue;
		char *vout = NULL;
		bool ok = !fe->verify || (w->host && fe->verify(w->host, fe->verify_arg, &vout));
		if (!ok && !vout)
			vout = xstrdup(T("cannot be read back here: no host path",
			                 "无法在此读回：没有主机路径"));
		if (ok && fe->validator) {
			free(vout);
			vout = NULL;
			ok = apply_validate(x->t, fe->validator, w->host ? w->host : fe->real_path,
			                    x->timeout, &vout);
		}
		if (ok) {
			free(vout);
			continue;
		}
		rep->validator_output = vout;
		if (x->restore) {
			x->valid = false;
			return 0;
		}
		rep->changed = false;
		char *rb = NULL;
		int rbrc = roll_back(x, &rb);
		char *m;
		enum journal_outcome oc;
		if (rbrc < 0) {
			m = xasprintf(T("the check of the new %s failed, and putting back the "
			                "originals failed: %s. The originals are in "
			                "%s/backups/%s and '%s' puts them "
			                "back; no service was reloaded",
			                "新的 %s 未通过校验，且恢复原文件失败：%s。原文件在 "
			                "%s/backups/%s，'%s' "
			                "可将其恢复；未重新加载任何服务"),
			              fe->path, rb, x->j->dir, x->id, x->undo);
			rep->changed = true;
			oc = JOURNAL_FAILED;
		} else {
			m = xasprintf(T("the new %s was rejected by its check; the "
			                "original was put "
			                "back: nothing changed, no service was reloaded",
			                "新的 %s "
			                "未通过校验；已恢复原文件：未做任何更改，未重新加载"
			                "任何服务"),
			              fe->path);
			oc = JOURNAL_ROLLED_BACK;
		}
		free(rb);
		return fail(x, -EINVAL, oc, m);
	}
	return 0;
}

/* Phase: only now the commands that follow the files; then the entry's
 * end. */
static int txn_commands_after(struct txn *x)
{
	const struct plan *p = x->p;
	struct apply_report *rep = x->rep;
	bool all_ok = true;
	for (size_t i = 0; i < p->ncmds; i++) {
		const struct plan_cmd *c = &p->cmds[i];
		if (c->phase != CMD_AFTER)
			continue;
		if (x->restore && c->rerun_on_undo && !x->valid) {
			x->je.cmds[i].note = xstrdup(T("not run: the restored file failed its check",
			                               "未执行：恢复的文件未通过校验"));
			continue;
		}
		bool ok = apply_run_command(x->t, x->o, c->argv, c->reason, c->confirm, x->timeout,
		                            rep, &x->je.cmds[i]);
		if (x->je.cmds[i].ran && c->rerun_on_undo)
			rep->reload_ran = true;
		if (!ok && x->t->can_run)
			all_ok = false;
	}
	const char *bad = all_ok ? "" : T("; a command did not run or failed", "；有命令未执行或失败");
	size_t n = x->n;
	if (x->restore && n)
		set_message(rep, xasprintf(T("entry %s: %zu file(s) hold their original bytes and "
		                             "mode again (this undo is entry %s)%s%s",
		                             "条目 %s：%zu 个文件已恢复原内容和权限（本次撤销为条目 "
		                             "%s）%s%s"),
		                           p->undoes, n, x->id,
		                           x->valid ? ""
		                                    : T("; the restored file failed its check, so "
		                                        "nothing was reloaded",
		                                        "；恢复的文件未通过校验，因此未重新加载"),
		                           bad));
	else if (x->restore && p->ncmds)
		set_message(rep, xasprintf(T("entry %s: the commands that undo its commands ran "
		                             "(this undo is entry %s)%s",
		                             "条目 %s：已执行撤销其命令的命令（本次撤销为条目 %s）%s"),
		                           p->undoes, x->id, bad));
	else if (x->restore)
		set_message(rep, xasprintf(T("entry %s: the files already held their original "
		                             "bytes (this undo is entry %s)",
		                             "条目 %s：文件本来就是原内容（本次撤销为条目 %s）"),
		                           p->undoes, x->id));
	else if (n)
		set_message(rep, xasprintf(T("changed %zu file(s); entry %s ('%s' puts the "
		                             "originals back)%s",
		                             "修改了 %zu 个文件；条目 %s（'%s' "
		                             "可恢复原文件）%s"),
		                           n, x->id, x->undo,
		                           all_ok ? ""
		                                  : T("; a command did not run or failed",
		                                      "；有命令未执行或失败")));
	else
		set_message(rep, xasprintf(T("entry %s%s", "条目 %s%s"), x->id,
		                           all_ok ? ""
		                                  : T(": a command did not run or failed",
		                                      "：有命令未执行或失败")));
	if (n == 0 && !all_ok && !x->restore) {
		/* Only commands, and one did not run or failed. */
		finish(x, JOURNAL_FAILED);
		return -ECANCELED;
	}
	finish(x, success(x));
	return 0;
}

/* Runs every phase in order on a locked journal; the first that fails
 * ends the transaction (and records its end, once the entry began). */
static int txn_run(struct txn *x)
{
	x->timeout = apply_timeout(x->o, x->ctx);
	x->n = x->p->nedits;
	x->w = xcalloc(x->n ? x->n : 1, sizeof *x->w);
	int rc;
	if ((rc = txn_check(x)) < 0 || (rc = txn_begin(x)) < 0)
		return rc;
	if ((rc = txn_backup(x)) < 0 || (rc = txn_commands_before(x)) < 0 ||
	    (rc = txn_write(x)) < 0 || (rc = txn_rename(x)) < 0 || (rc = txn_validate(x)) < 0)
		return rc;
	return txn_commands_after(x);
}

/* Frees the transaction's working state (not the journal). */
static void txn_free(struct txn *x)
{
	for (size_t i = 0; x->w && i < x->n; i++) {
		struct work *w = &x->w[i];
		free(w->host);
		free(w->tdir);
		free(w->tmp_target);
		free(w->restore_tag);
		free(w->backup_rel);
		free(w->backup);
	}
	free(x->w);
	free(x->id);
	free(x->undo);
	journal_entry_clear(&x->je);
}

/* Carries out a confirmed plan (see apply.h). */
int apply_plan(const struct fix_ctx *ctx, const struct plan *p, const struct apply_opts *o,
               struct apply_report *rep)
{
	static const struct apply_opts no_opts = { 0 };
	memset(rep, 0, sizeof *rep);
	rep->outcome = JOURNAL_FAILED;
	struct txn x = { .ctx = ctx, .t = ctx->t, .p = p, .o = o ? o : &no_opts, .rep = rep };
	x.fs = x.o->fs ? x.o->fs : &apply_fs_real;
	int rc = txn_refuse(&x);
	if (rc < 0)
		return rc;
	const struct apply_fs *seam = hostfs_target_seam(x.t, x.o->fs);
	char *jdir = ctx->journal_dir ? xstrdup(ctx->journal_dir) : journal_default_dir(x.t);
	char *cause = NULL;
	sigset_t oldmask;
	apply_signals_hold(&oldmask);
	rc = journal_open_for(x.t, jdir, x.fs, true, &x.j, &cause);
	if (rc == 0)
		rc = journal_lock(x.j, 0, &cause);
	if (rc < 0) {
		set_message(rep, xasprintf(T("%s; nothing was changed", "%s；未做任何更改"), cause));
		goto out;
	}
	journal_recover(x.j, x.t, &rep->notes);
	const struct journal_entry *waiting = journal_guard_waiting(x.j);
	if (waiting) {
		time_t dl = (time_t)waiting->guard_deadline;
		struct tm tm;
		char when[32];
		strftime(when, sizeof when, "%H:%M:%S", localtime_r(&dl, &tm));
		set_message(
		        rep,
		        xasprintf(
		                T("entry %s waits for confirmation until %s: run 'asr-doctor "
		                  "confirm' from a new login first (or let it be undone); nothing "
		                  "was changed",
		                  "条目 %s 正在等待确认（截止 %s）：请先从新的登录会话运行 "
		                  "'asr-doctor confirm'"
		                  "（或等待其自动撤销）；未做任何更改"),
		                waiting->id, when));
		rc = -EBUSY;
		goto out;
	}
	rc = txn_run(&x);
out:
	free(cause);
	journal_close(x.j);
	rep->signal = apply_signals_release(&oldmask);
	txn_free(&x);
	free(jdir);
	hostfs_target_seam(x.t, seam);
	return rc;
}

/* Carries out a restore plan on a locked journal (see apply.h). */
int apply_restore(struct journal *j, const struct fix_ctx *ctx, const struct plan *p,
                  const struct apply_opts *o, struct apply_report *rep)
{
	static const struct apply_opts no_opts = { 0 };
	/* rep is the caller's: it may hold notes of the recovery already. */
	rep->outcome = JOURNAL_FAILED;
	struct txn x = { .ctx = ctx, .t = ctx->t, .p = p, .o = o ? o : &no_opts, .rep = rep,
		         .j = j, .restore = true, .fs = j->fs };
	const struct apply_fs *seam = hostfs_target_seam(x.t, j->fs);
	int rc = txn_refuse(&x);
	if (rc == 0)
		rc = txn_run(&x);
	txn_free(&x);
	hostfs_target_seam(x.t, seam);
	return rc;
}

/* Frees a report's contents. */
void apply_report_free(struct apply_report *rep)
{
	if (!rep)
		return;
	free(rep->entry_id);
	free(rep->message);
	free(rep->validator_output);
	for (size_t i = 0; i < rep->ncmds; i++) {
		free(rep->cmds[i].argv_str);
		free(rep->cmds[i].output);
		free(rep->cmds[i].note);
	}
	free(rep->cmds);
	sv_free(&rep->pending);
	sv_free(&rep->notes);
	memset(rep, 0, sizeof *rep);
}

/* Writes a report as plain text. */
void apply_report_print(const struct apply_report *rep, FILE *out)
{
	struct sbuf b = { 0 };
	sb_printf(&b, "%s: %s\n", journal_outcome_text(rep->outcome),
	          rep->message ? rep->message : "");
	if (rep->validator_output)
		sb_printf(&b, "%s\n%s", T("Check output:", "校验输出："), rep->validator_output);
	for (size_t i = 0; i < rep->ncmds; i++) {
		const struct apply_cmd_log *c = &rep->cmds[i];
		if (c->ran) {
			sb_printf(&b, "$ %s\n%s", c->argv_str, c->output ? c->output : "");
			if (c->output && *c->output && c->output[strlen(c->output) - 1] != '\n')
				sb_addc(&b, '\n');
			if (c->status != 0)
				sb_printf(&b, T("(exit status %d)\n", "（退出状态 %d）\n"), c->status);
		} else if (c->note) {
			sb_printf(&b, "%s: %s\n", c->argv_str, c->note);
		}
	}
	if (rep->pending.n) {
		sb_printf(&b, "%s\n",
		          T("Run these after booting the machine:", "请在启动该机器后执行："));
		for (size_t i = 0; i < rep->pending.n; i++)
			sb_printf(&b, "  %s\n", rep->pending.v[i]);
	}
	for (size_t i = 0; i < rep->notes.n; i++)
		sb_printf(&b, "%s: %s\n", T("Note", "注意"), rep->notes.v[i]);
	/* Messages and command output quote the machine: escaped. */
	util_fputs(sb_str(&b), out);
	sb_free(&b);
}
