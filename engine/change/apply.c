/* apply.c: carrying out a confirmed plan: lock, back up, write beside,
 * fsync, rename over, fsync the folder, validate (rolling back by itself),
 * then the commands, all journaled. See apply.h for the rules. */
#include "engine/change/apply.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <time.h>
#include <unistd.h>

#include "engine/util/sha256.h"
#include "engine/change/undocmd.h"

/* Command output kept in the report; the journal keeps less. */
#define REPORT_OUTPUT_MAX (64u * 1024)
/* Room left on a file system beyond the bytes we write. */
#define SPACE_MARGIN (64u * 1024)

/* ---- the real system calls ---- */

static int real_open(const char *path, int flags, mode_t mode)
{
	return open(path, flags, mode);
}

/* The real write(2). */
static ssize_t real_write(int fd, const void *buf, size_t n)
{
	return write(fd, buf, n);
}

/* The real fsync(2). */
static int real_fsync(int fd)
{
	return fsync(fd);
}

/* The real close(2). */
static int real_close(int fd)
{
	return close(fd);
}

/* The real rename(2). */
static int real_rename(const char *from, const char *to)
{
	return rename(from, to);
}

/* Opens a folder and fsyncs it, so a rename or a new name in it is durable. */
static int real_fsync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	int r = fsync(fd);
	int e = errno;
	close(fd);
	errno = e;
	return r;
}

/* The real fchmod(2). */
static int real_fchmod(int fd, mode_t mode)
{
	return fchmod(fd, mode);
}

/* The real fchown(2). */
static int real_fchown(int fd, uid_t uid, gid_t gid)
{
	return fchown(fd, uid, gid);
}

/* The real unlink(2). */
static int real_unlink(const char *path)
{
	return unlink(path);
}

/* The real mkdir(2). */
static int real_mkdir(const char *path, mode_t mode)
{
	return mkdir(path, mode);
}

/* The real mkdirat(2). */
static int real_mkdirat(int dirfd, const char *name, mode_t mode)
{
	return mkdirat(dirfd, name, mode);
}

const struct apply_fs apply_fs_real = {
	.open = real_open,
	.write = real_write,
	.fsync = real_fsync,
	.close = real_close,
	.rename = real_rename,
	.fsync_dir = real_fsync_dir,
	.fchmod = real_fchmod,
	.fchown = real_fchown,
	.unlink = real_unlink,
	.mkdir = real_mkdir,
	.mkdirat = real_mkdirat,
};

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

/* The folder part of a path ("/" for "/x"); caller frees. */
static char *dir_of(const char *path)
{
	const char *s = strrchr(path, '/');
	if (!s || s == path)
		return xstrdup("/");
	return xstrndup(path, (size_t)(s - path));
}

/* The last component of a path. */
static const char *base_of(const char *path)
{
	const char *s = strrchr(path, '/');
	return s ? s + 1 : path;
}

/* Maps a target path to this machine (the last component not followed). */
char *apply_host_path(struct target *t, const char *target_path)
{
	if (t->kind == TARGET_LOCAL)
		return xstrdup(target_path);
	if (t->kind != TARGET_ROOT)
		return NULL;
	char *dir = dir_of(target_path);
	char *hdir = target_host_path(t, dir);
	free(dir);
	if (!hdir)
		return NULL;
	size_t hl = strlen(hdir);
	while (hl > 1 && hdir[hl - 1] == '/')
		hdir[--hl] = '\0';
	char *h = xasprintf("%s/%s", strcmp(hdir, "/") == 0 ? "" : hdir, base_of(target_path));
	free(hdir);
	return h;
}

/* Writes every byte through the seam, retrying short writes; 0 or -errno. */
static int write_all(const struct apply_fs *fs, int fd, const char *data, size_t len)
{
	while (len) {
		ssize_t n = fs->write(fd, data, len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (n == 0)
			return -ENOSPC;
		data += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Creates path (O_EXCL) with the bytes, mode and owner, synced; removed again on failure. */
int apply_write_new(const struct apply_fs *fs, const char *path, const char *data, size_t len,
                    mode_t mode, uid_t uid, gid_t gid, char **cause)
{
	const char *what = "open";
	int fd = fs->open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0) {
		int e = errno;
		*cause = xasprintf(T("cannot create %s: %s", "无法创建 %s：%s"), path, strerror(e));
		return -e;
	}
	int rc = 0;
	struct stat st;
	if (fstat(fd, &st) == 0 && (st.st_uid != uid || st.st_gid != gid) &&
	    fs->fchown(fd, uid, gid) < 0) {
		rc = -errno;
		what = "chown";
	}
	/* After chown, which may clear set-id bits. */
	if (!rc && fs->fchmod(fd, mode & 07777) < 0) {
		rc = -errno;
		what = "chmod";
	}
	if (!rc && (rc = write_all(fs, fd, data, len)) < 0)
		what = "write";
	if (!rc && fs->fsync(fd) < 0) {
		rc = -errno;
		what = "fsync";
	}
	if (fs->close(fd) < 0 && !rc) {
		rc = -errno;
		what = "close";
	}
	if (rc) {
		*cause = xasprintf(T("cannot write %s (%s): %s", "无法写入 %s（%s）：%s"), path,
		                   what, strerror(-rc));
		fs->unlink(path);
	}
	return rc;
}

/* Replaces path atomically through a temporary file beside it. */
int apply_replace(const struct apply_fs *fs, const char *path, const char *tmp, const char *data,
                  size_t len, mode_t mode, uid_t uid, gid_t gid, char **cause)
{
	int rc = apply_write_new(fs, tmp, data, len, mode, uid, gid, cause);
	if (rc < 0)
		return rc;
	if (fs->rename(tmp, path) < 0) {
		rc = -errno;
		*cause = xasprintf(T("cannot rename %s over %s: %s", "无法将 %s 重命名为 %s：%s"),
		                   tmp, path, strerror(-rc));
		fs->unlink(tmp);
		return rc;
	}
	char *dir = dir_of(path);
	if (fs->fsync_dir(dir) < 0) {
		rc = -errno;
		*cause = xasprintf(T("cannot fsync the folder %s: %s", "无法 fsync 文件夹 %s：%s"),
		                   dir, strerror(-rc));
	}
	free(dir);
	return rc;
}

/* Removes path and makes the removal durable. */
int apply_remove(const struct apply_fs *fs, const char *path, char **cause)
{
	if (fs->unlink(path) < 0 && errno != ENOENT) {
		int e = errno;
		*cause = xasprintf(T("cannot remove %s: %s", "无法删除 %s：%s"), path, strerror(e));
		return -e;
	}
	char *dir = dir_of(path);
	int rc = 0;
	if (fs->fsync_dir(dir) < 0) {
		rc = -errno;
		*cause = xasprintf(T("cannot fsync the folder %s: %s", "无法 fsync 文件夹 %s：%s"),
		                   dir, strerror(-rc));
	}
	free(dir);
	return rc;
}

/* Reads a regular host file whole without following a final symlink. */
int apply_read_host(const char *path, char **data, size_t *len)
{
	*data = NULL;
	*len = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
	if (fd < 0)
		return -errno;
	struct stat st;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return -EINVAL;
	}
	return util_read_fd(fd, PLAN_BINARY_MAX, data, len);
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
	const char *root = t->kind == TARGET_ROOT && t->root ? t->root : "";
	for (size_t i = 0; i < n; i++)
		argv[i] = subst(tmpl[i], file, root);
	struct cmd_result r;
	/* Validators run here (for a mounted root: this machine's tool on
	 * the root's file). */
	int rc = proc_run((const char *const *)argv, timeout_ms, NULL, &r);
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
static struct apply_cmd_log *report_cmd(struct apply_report *rep, char *const *argv)
{
	rep->cmds = xrealloc(rep->cmds, (rep->ncmds + 1) * sizeof *rep->cmds);
	struct apply_cmd_log *c = &rep->cmds[rep->ncmds++];
	*c = (struct apply_cmd_log){ .argv_str = plan_argv_str((const char *const *)argv),
		                     .status = -1 };
	return c;
}

/* Runs one command if it may (target, interruption, confirmation) and records it. */
bool apply_run_command(struct target *t, const struct apply_opts *o, char *const *argv,
                       const char *reason, bool needs_confirm, int timeout_ms,
                       struct apply_report *rep, struct journal_cmd *jc)
{
	struct apply_cmd_log *c = report_cmd(rep, argv);
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

/* ---- the apply path ---- */

/* One edit's working state. */
struct work {
	const struct file_edit *e; /* borrowed from the plan */
	char *host;                /* the real file on this machine */
	char *dir;                 /* its folder */
	char *tmp;                 /* host path of the temporary file */
	char *tmp_target;          /* target path of the temporary file */
	char *restore;             /* host path of the temporary file of a roll-back */
	char *backup_rel;          /* relative to the journal, or NULL (new file) */
	char *backup;              /* host path of the backup, or NULL */
	mode_t mode;
	uid_t uid;
	gid_t gid;
	bool temp_written;
	bool renamed;
};

/* Frees the apply path's working state. */
static void work_free(struct work *w, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(w[i].host);
		free(w[i].dir);
		free(w[i].tmp);
		free(w[i].tmp_target);
		free(w[i].restore);
		free(w[i].backup_rel);
		free(w[i].backup);
	}
	free(w);
}

/* Replaces the report's message (taking msg). */
static void set_message(struct apply_report *rep, char *msg)
{
	free(rep->message);
	rep->message = msg;
}

/* Whether a file or folder carries the immutable or append-only flag. */
static bool is_immutable(const char *path)
{
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return false;
	int flags = 0;
	bool r = ioctl(fd, FS_IOC_GETFLAGS, &flags) == 0 &&
	         (flags & (FS_IMMUTABLE_FL | FS_APPEND_FL));
	close(fd);
	return r;
}

/* Bytes free for us on the file system holding path, or -1. */
static long long free_bytes(const char *path)
{
	struct statvfs v;
	if (statvfs(path, &v) < 0)
		return -1;
	unsigned long long f = v.f_frsize ? v.f_frsize : v.f_bsize;
	return (long long)(f * (geteuid() == 0 ? v.f_bfree : v.f_bavail));
}

/* Whether path is on a file system mounted read-only. */
static bool on_read_only_fs(const char *path)
{
	struct statvfs v;
	return statvfs(path, &v) == 0 && (v.f_flag & ST_RDONLY);
}

/* Checks, before anything changes, that the edit can be carried out and
 * that the file is still what the plan read. Returns 0 or -errno with
 * *cause. */
static int preflight(struct work *w, char **cause)
{
	const struct file_edit *e = w->e;
	struct stat st;
	if (lstat(w->dir, &st) < 0 || !S_ISDIR(st.st_mode)) {
		*cause = xasprintf(
		        T("the folder of %s does not exist any more", "%s 所在的文件夹已不存在"),
		        e->path);
		return -ENOENT;
	}
	if (on_read_only_fs(w->dir)) {
		*cause = xasprintf(T("%s is on a read-only file system", "%s 位于只读文件系统上"),
		                   e->path);
		return -EROFS;
	}
	if (is_immutable(w->dir)) {
		*cause = xasprintf(T("the folder of %s is immutable (chattr +i)",
		                     "%s 所在的文件夹不可修改（chattr +i）"),
		                   e->path);
		return -EPERM;
	}
	if (access(w->dir, W_OK) < 0) {
		int err = errno;
		*cause = xasprintf(T("cannot write in the folder of %s: %s",
		                     "无法在 %s 所在的文件夹中写入：%s"),
		                   e->path, strerror(err));
		return -err;
	}
	int r = lstat(w->host, &st);
	if (!e->existed) {
		if (r == 0) {
			*cause = xasprintf(
			        T("%s appeared since the plan was made; plan the fix again",
			          "%s 在制定计划后出现了；请重新制定计划"),
			        e->path);
			return -EEXIST;
		}
		w->mode = e->old_mode;
		w->uid = e->old_uid;
		w->gid = e->old_gid;
	} else {
		if (r < 0 || !S_ISREG(st.st_mode)) {
			*cause = xasprintf(
			        T("%s changed since the plan was made (%s); plan the fix again",
			          "%s 在制定计划后发生了变化（%s）；请重新制定计划"),
			        e->path,
			        r < 0 ? strerror(errno) : T("not a regular file", "不是普通文件"));
			return -ESTALE;
		}
		char *cur = NULL;
		size_t len = 0;
		int rc = apply_read_host(w->host, &cur, &len);
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
		if (is_immutable(w->host)) {
			*cause = xasprintf(T("%s is immutable (chattr +i); remove the flag first "
			                     "if the change "
			                     "is wanted",
			                     "%s 不可修改（chattr +i）；如确需修改请先去掉该标志"),
			                   e->path);
			return -EPERM;
		}
		w->mode = st.st_mode & 07777;
		w->uid = st.st_uid;
		w->gid = st.st_gid;
	}
	if (geteuid() != 0 && (w->uid != geteuid())) {
		*cause = xasprintf(
		        T("%s belongs to uid %u: run asr-doctor as root to keep its owner",
		          "%s 属于 uid %u：请以 root 运行 asr-doctor 以保持其属主"),
		        e->path, (unsigned)w->uid);
		return -EPERM;
	}
	long long fb = free_bytes(w->dir);
	if (fb >= 0 && (unsigned long long)fb < e->new_len + SPACE_MARGIN) {
		*cause = xasprintf(T("not enough free space for %s (%lld bytes free)",
		                     "%s 所在文件系统空间不足（剩余 %lld 字节）"),
		                   e->path, fb);
		return -ENOSPC;
	}
	return 0;
}

/* Puts back the originals of the renamed files (newest first). Returns 0,
 * or -errno with *cause naming the files left with the new bytes. */
static int roll_back(const struct apply_fs *fs, struct work *w, size_t n, char **cause)
{
	int first = 0;
	struct sbuf bad = { 0 };
	for (size_t i = n; i-- > 0;) {
		if (!w[i].renamed)
			continue;
		char *c = NULL;
		int rc = w[i].e->existed
		                 ? apply_replace(fs, w[i].host, w[i].restore, w[i].e->old_data,
		                                 w[i].e->old_len, w[i].mode, w[i].uid, w[i].gid, &c)
		                 : apply_remove(fs, w[i].host, &c);
		if (rc < 0) {
			if (!first)
				first = rc;
			sb_printf(&bad, "%s%s", bad.len ? "; " : "", c);
		} else {
			w[i].renamed = false;
		}
		free(c);
	}
	if (first)
		*cause = sb_steal(&bad);
	sb_free(&bad);
	return first;
}

/* Removes the temporary files written but not renamed. */
static void remove_temps(const struct apply_fs *fs, struct work *w, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (w[i].temp_written && !w[i].renamed) {
			fs->unlink(w[i].tmp);
			w[i].temp_written = false;
		}
}

/* Fills the journal entry from the plan and the work. */
static void entry_from_plan(struct journal_entry *je, const char *id, struct target *t,
                            const struct fix_ctx *ctx, const struct plan *p, struct work *w,
                            const struct apply_opts *o)
{
	je->id = xstrdup(id);
	je->time = journal_now();
	je->pid = (long)getpid();
	je->target = xstrdup(t->name ? t->name : "");
	je->target_kind = xstrdup(t->kind == TARGET_ROOT ? "root" : "local");
	const char *anchor = p->anchor ? p->anchor : ctx->anchor;
	je->anchor = anchor ? xstrdup(anchor) : NULL;
	for (size_t i = 0; i < p->check_ids.n; i++)
		sv_push(&je->checks, p->check_ids.v[i]);
	je->fix_id = xstrdup(p->fix_id);
	je->title = p->title ? xstrdup(p->title) : NULL;
	const char *ssh = o->ssh_connection ? o->ssh_connection : getenv("SSH_CONNECTION");
	je->ssh_connection = ssh && *ssh ? xstrdup(ssh) : NULL;
	je->service = p->commit_confirmed_service ? xstrdup(p->commit_confirmed_service) : NULL;
	je->undo_text = p->undo_text ? xstrdup(p->undo_text) : NULL;
	je->nfiles = p->nedits;
	je->files = xcalloc(p->nedits ? p->nedits : 1, sizeof *je->files);
	for (size_t i = 0; i < p->nedits; i++) {
		const struct file_edit *e = &p->edits[i];
		struct journal_file *f = &je->files[i];
		f->path = xstrdup(e->path);
		f->real_path = xstrdup(e->real_path);
		f->backup = w[i].backup_rel ? xstrdup(w[i].backup_rel) : NULL;
		f->tmp_path = xstrdup(w[i].tmp_target);
		f->existed = e->existed;
		f->mode = (unsigned)w[i].mode;
		f->uid = (unsigned)w[i].uid;
		f->gid = (unsigned)w[i].gid;
		if (e->existed)
			sha256_hex(e->old_data, e->old_len, f->sha_before);
		f->exists_after = true;
		sha256_hex(e->new_data, e->new_len, f->sha_after);
		f->validator = e->validator ? argv_dup((const char *const *)e->validator) : NULL;
	}
	je->ncmds = p->ncmds;
	je->cmds = xcalloc(p->ncmds ? p->ncmds : 1, sizeof *je->cmds);
	for (size_t i = 0; i < p->ncmds; i++) {
		je->cmds[i].argv = argv_dup((const char *const *)p->cmds[i].argv);
		je->cmds[i].confirm = p->cmds[i].confirm;
		je->cmds[i].rerun_on_undo = p->cmds[i].rerun_on_undo;
		je->cmds[i].before = p->cmds[i].phase == CMD_BEFORE;
		je->cmds[i].status = -1;
	}
}

/* Ends the entry: records the outcome (a failure to do so is noted). */
static void finish(struct journal *j, struct journal_entry *je, enum journal_outcome outcome,
                   struct apply_report *rep)
{
	je->outcome = outcome;
	je->changed = outcome != JOURNAL_APPLIED && rep->changed;
	je->end_time = journal_now();
	free(je->message);
	je->message = rep->message ? xstrdup(rep->message) : NULL;
	free(je->validator_output);
	je->validator_output = rep->validator_output ? xstrdup(rep->validator_output) : NULL;
	rep->outcome = outcome;
	char *cause = NULL;
	if (journal_record_end(j, je, &cause) < 0) {
		sv_take(&rep->notes,
		        xasprintf(T("the journal could not record the end of entry %s: %s "
		                    "(the next run marks it interrupted)",
		                    "日志无法记录条目 %s 的结束：%s（下次运行时将标记为中断）"),
		                  je->id, cause));
		free(cause);
	}
}

/* Carries out a confirmed plan (see apply.h). */
int apply_plan(const struct fix_ctx *ctx, const struct plan *p, const struct apply_opts *o,
               struct apply_report *rep)
{
	static const struct apply_opts no_opts = { 0 };
	memset(rep, 0, sizeof *rep);
	rep->outcome = JOURNAL_FAILED;
	if (!o)
		o = &no_opts;
	const struct apply_fs *fs = o->fs ? o->fs : &apply_fs_real;
	struct target *t = ctx->t;
	int timeout = apply_timeout(o, ctx);
	if (t->kind != TARGET_LOCAL && t->kind != TARGET_ROOT) {
		set_message(rep,
		            xstrdup(T("changes over SSH are not supported: run asr-doctor on that "
		                      "machine (or on its disk with --root)",
		                      "不支持通过 SSH 修改：请在该机器上运行 asr-doctor（或用 "
		                      "--root 处理其磁盘）")));
		return -ENOTSUP;
	}
	if (p->nedits == 0 && p->ncmds == 0) {
		set_message(rep, xstrdup(T("the plan changes nothing", "该计划没有任何更改")));
		return -EINVAL;
	}
	if (p->nedits == 0 && !t->can_run) {
		for (size_t i = 0; i < p->ncmds; i++) {
			char *s = plan_argv_str((const char *const *)p->cmds[i].argv);
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

	char *jdir = ctx->journal_dir ? xstrdup(ctx->journal_dir) : journal_default_dir(t);
	size_t n = p->nedits;
	struct work *w = xcalloc(n ? n : 1, sizeof *w);
	struct journal_entry je = { 0 };
	struct journal *j = NULL;
	char *cause = NULL;
	char *id = NULL;
	char *undo = NULL; /* the command that undoes the entry, as shown */
	int rc = 0;
	sigset_t oldmask;
	apply_signals_hold(&oldmask);

	rc = journal_open(jdir, fs, true, &j, &cause);
	if (rc == 0)
		rc = journal_lock(j, 0, &cause);
	if (rc < 0) {
		set_message(rep,
		            xasprintf(T("%s; nothing was changed", "%s；未做任何更改"), cause));
		goto out;
	}
	journal_recover(j, t, &rep->notes);
	const struct journal_entry *waiting = journal_guard_waiting(j);
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

	/* Host paths and checks, before anything changes. */
	long long backup_bytes = 0;
	for (size_t i = 0; i < n; i++) {
		w[i].e = &p->edits[i];
		w[i].host = apply_host_path(t, p->edits[i].real_path);
		if (!w[i].host) {
			set_message(rep, xasprintf(T("%s: no host path; nothing was changed",
			                             "%s：没有主机路径；未做任何更改"),
			                           p->edits[i].path));
			rc = -EINVAL;
			goto out;
		}
		w[i].dir = dir_of(w[i].host);
		for (size_t k = 0; k < i; k++)
			if (strcmp(w[k].host, w[i].host) == 0) {
				set_message(
				        rep,
				        xasprintf(T("the plan edits %s twice; nothing was changed",
				                    "计划两次修改 %s；未做任何更改"),
				                  p->edits[i].real_path));
				rc = -EINVAL;
				goto out;
			}
		rc = preflight(&w[i], &cause);
		if (rc < 0) {
			set_message(rep, xasprintf(T("%s; nothing was changed", "%s；未做任何更改"),
			                           cause));
			goto out;
		}
		backup_bytes += (long long)p->edits[i].old_len;
	}
	long long jfree = free_bytes(jdir);
	if (jfree >= 0 && jfree < backup_bytes + (long long)SPACE_MARGIN) {
		set_message(
		        rep,
		        xasprintf(
		                T("not enough free space in %s for the backups (%lld bytes free); "
		                  "nothing was changed",
		                  "%s 空间不足，无法保存备份（剩余 %lld 字节）；未做任何更改"),
		                jdir, jfree));
		rc = -ENOSPC;
		goto out;
	}
	if (apply_signals_pending()) {
		set_message(rep, xstrdup(T("interrupted before any change; nothing was changed",
		                           "在任何更改之前被中断；未做任何更改")));
		rc = -EINTR;
		goto out;
	}

	/* The entry: its backups folder, then the "started" record. */
	id = journal_new_entry(j, &cause);
	if (!id) {
		set_message(rep,
		            xasprintf(T("%s; nothing was changed", "%s；未做任何更改"), cause));
		rc = -EIO;
		goto out;
	}
	undo = undo_command(t, jdir, id, false);
	for (size_t i = 0; i < n; i++) {
		const char *base = base_of(w[i].host);
		w[i].tmp = xasprintf("%s/.%s.asr-doctor-%s.tmp",
		                     strcmp(w[i].dir, "/") == 0 ? "" : w[i].dir, base, id);
		w[i].restore = xasprintf("%s.restore", w[i].tmp);
		char *tdir = dir_of(p->edits[i].real_path);
		w[i].tmp_target = xasprintf("%s/.%s.asr-doctor-%s.tmp",
		                            strcmp(tdir, "/") == 0 ? "" : tdir, base, id);
		free(tdir);
		if (p->edits[i].existed) {
			w[i].backup_rel = xasprintf("backups/%s/%zu-%s", id, i + 1, base);
			w[i].backup = xasprintf("%s/%s", jdir, w[i].backup_rel);
		}
	}
	entry_from_plan(&je, id, t, ctx, p, w, o);
	rep->entry_id = xstrdup(id);
	rc = journal_record_start(j, &je, &cause);
	if (rc < 0) {
		set_message(rep, xasprintf(T("cannot write the journal: %s; nothing was changed",
		                             "无法写入日志：%s；未做任何更改"),
		                           cause));
		free(rep->entry_id);
		rep->entry_id = NULL;
		goto out;
	}

	/* Back up every original. */
	for (size_t i = 0; i < n; i++) {
		if (!w[i].backup)
			continue;
		rc = apply_write_new(fs, w[i].backup, p->edits[i].old_data, p->edits[i].old_len,
		                     0600, geteuid(), getegid(), &cause);
		if (rc < 0) {
			set_message(rep, xasprintf(T("cannot back up %s: %s; nothing was changed",
			                             "无法备份 %s：%s；未做任何更改"),
			                           p->edits[i].path, cause));
			finish(j, &je, JOURNAL_FAILED, rep);
			goto out;
		}
	}
	if (n) {
		char *bdir = xasprintf("%s/backups/%s", jdir, id);
		if (fs->fsync_dir(bdir) < 0) {
			rc = -errno;
			set_message(rep, xasprintf(T("cannot fsync %s: %s; nothing was changed",
			                             "无法 fsync %s：%s；未做任何更改"),
			                           bdir, strerror(-rc)));
			free(bdir);
			finish(j, &je, JOURNAL_FAILED, rep);
			goto out;
		}
		free(bdir);
	}

	/* Commands that come first. */
	for (size_t i = 0; i < p->ncmds; i++) {
		const struct plan_cmd *c = &p->cmds[i];
		if (c->phase != CMD_BEFORE)
			continue;
		if (!apply_run_command(t, o, c->argv, c->reason, c->confirm, timeout, rep,
		                       &je.cmds[i])) {
			char *s = plan_argv_str((const char *const *)c->argv);
			set_message(rep,
			            xasprintf(T("'%s' did not run or failed; no file was changed",
			                        "'%s' 未执行或失败；没有修改任何文件"),
			                      s));
			free(s);
			rc = -ECANCELED;
			finish(j, &je, JOURNAL_FAILED, rep);
			goto out;
		}
	}

	/* Every new file written and synced beside its target. */
	for (size_t i = 0; i < n; i++) {
		rc = apply_write_new(fs, w[i].tmp, p->edits[i].new_data, p->edits[i].new_len,
		                     w[i].mode, w[i].uid, w[i].gid, &cause);
		if (rc < 0) {
			remove_temps(fs, w, n);
			set_message(rep, xasprintf(T("%s; nothing was changed", "%s；未做任何更改"),
			                           cause));
			finish(j, &je, JOURNAL_FAILED, rep);
			goto out;
		}
		w[i].temp_written = true;
	}
	if (apply_signals_pending()) {
		remove_temps(fs, w, n);
		set_message(
		        rep,
		        xstrdup(T("interrupted before the files were replaced; nothing was changed",
		                  "在替换文件之前被中断；未做任何更改")));
		rc = -EINTR;
		finish(j, &je, JOURNAL_FAILED, rep);
		goto out;
	}

	/* Renamed over the targets, each folder synced. */
	for (size_t i = 0; i < n; i++) {
		const char *step = NULL;
		int err = 0;
		if (fs->rename(w[i].tmp, w[i].host) < 0) {
			err = errno;
			step = "rename";
		} else {
			w[i].renamed = true;
			if (fs->fsync_dir(w[i].dir) < 0) {
				err = errno;
				step = "fsync";
			}
		}
		if (step) {
			bool any = false;
			for (size_t k = 0; k < n; k++)
				any = any || w[k].renamed;
			char *rb = NULL;
			int rbrc = roll_back(fs, w, n, &rb);
			remove_temps(fs, w, n);
			if (rbrc < 0) {
				set_message(rep, xasprintf(T("cannot replace %s (%s: %s), and "
				                             "putting back the "
				                             "originals failed: %s. Each file is "
				                             "whole (old or new); "
				                             "the originals are in %s/backups/%s "
				                             "and '%s' puts them back",
				                             "无法替换 "
				                             "%s（%s：%s），且恢复原文件失败：%"
				                             "s。每个文件都是完整的（旧或新）；"
				                             "原文件在 %s/backups/%s，"
				                             "'%s' 可将其恢复"),
				                           p->edits[i].path, step, strerror(err),
				                           rb, jdir, id, undo));
				rep->changed = true;
				finish(j, &je, JOURNAL_FAILED, rep);
			} else {
				set_message(
				        rep,
				        xasprintf(
				                T("cannot replace %s (%s: %s); the files changed "
				                  "so far "
				                  "were put back: nothing was changed",
				                  "无法替换 "
				                  "%s（%s：%s）；已修改的文件已恢复：未做任何更改"),
				                p->edits[i].path, step, strerror(err)));
				finish(j, &je, any ? JOURNAL_ROLLED_BACK : JOURNAL_FAILED, rep);
			}
			free(rb);
			rc = -err;
			goto out;
		}
	}

	/* The validators (and in-process read-backs), against the new files
	 * in place. */
	for (size_t i = 0; i < n; i++) {
		const struct file_edit *fe = &p->edits[i];
		if (!fe->validator && !fe->verify)
			continue;
		char *vout = NULL;
		bool ok = !fe->verify || fe->verify(w[i].host, fe->verify_arg, &vout);
		if (ok && fe->validator) {
			free(vout);
			vout = NULL;
			ok = apply_validate(t, fe->validator, w[i].host, timeout, &vout);
		}
		if (ok) {
			free(vout);
			continue;
		}
		rep->validator_output = vout;
		char *rb = NULL;
		int rbrc = roll_back(fs, w, n, &rb);
		if (rbrc < 0) {
			set_message(
			        rep,
			        xasprintf(T("the check of the new %s failed, and putting back the "
			                    "originals failed: %s. The originals are in "
			                    "%s/backups/%s and '%s' puts them "
			                    "back; no service was reloaded",
			                    "新的 %s 未通过校验，且恢复原文件失败：%s。原文件在 "
			                    "%s/backups/%s，'%s' "
			                    "可将其恢复；未重新加载任何服务"),
			                  p->edits[i].path, rb, jdir, id, undo));
			rep->changed = true;
			finish(j, &je, JOURNAL_FAILED, rep);
		} else {
			set_message(rep,
			            xasprintf(T("the new %s was rejected by its check; the "
			                        "original was put "
			                        "back: nothing changed, no service was reloaded",
			                        "新的 %s "
			                        "未通过校验；已恢复原文件：未做任何更改，未重新加载"
			                        "任何服务"),
			                      p->edits[i].path));
			finish(j, &je, JOURNAL_ROLLED_BACK, rep);
		}
		free(rb);
		rc = -EINVAL;
		goto out;
	}
	rep->changed = n > 0;

	/* Only now the commands that follow the edits. */
	bool all_ok = true;
	for (size_t i = 0; i < p->ncmds; i++) {
		const struct plan_cmd *c = &p->cmds[i];
		if (c->phase != CMD_AFTER)
			continue;
		bool ok = apply_run_command(t, o, c->argv, c->reason, c->confirm, timeout, rep,
		                            &je.cmds[i]);
		if (je.cmds[i].ran && c->rerun_on_undo)
			rep->reload_ran = true;
		if (!ok && t->can_run)
			all_ok = false;
	}
	if (n)
		set_message(
		        rep,
		        xasprintf(T("changed %zu file(s); entry %s ('%s' puts the "
		                    "originals back)%s",
		                    "修改了 %zu 个文件；条目 %s（'%s' "
		                    "可恢复原文件）%s"),
		                  n, id, undo,
		                  all_ok ? ""
		                         : T("; a command did not run or failed",
		                             "；有命令未执行或失败")));
	else
		set_message(rep, xasprintf(T("entry %s%s", "条目 %s%s"), id,
		                           all_ok ? ""
		                                  : T(": a command did not run or failed",
		                                      "：有命令未执行或失败")));
	if (n == 0 && !all_ok) {
		/* Only commands, and one did not run or failed. */
		finish(j, &je, JOURNAL_FAILED, rep);
		rc = -ECANCELED;
	} else {
		finish(j, &je, JOURNAL_APPLIED, rep);
		rc = 0;
	}

out:
	free(cause);
	journal_close(j);
	rep->signal = apply_signals_release(&oldmask);
	journal_entry_clear(&je);
	work_free(w, n);
	free(id);
	free(undo);
	free(jdir);
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
