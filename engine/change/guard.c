/* guard.c: the commit-confirmed guard (a detached re-run of this program
 * that undoes an unconfirmed change: its body is undo_guard_main in
 * engine/undo.c, above the fix definitions it needs), `confirm`, and the
 * search for another way into the machine. */
#include "engine/change/guard.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "engine/change/guard_remote.h"
#include "engine/change/journal.h"
#include "engine/target/hostfs.h"
#include "engine/util/msg.h"

/* How long confirm waits for the journal's lock. */
#define CONFIRM_LOCK_WAIT_MS 10000

/* Whether the guard should follow this apply. */
bool guard_wanted(const struct plan *p, const struct apply_report *rep)
{
	const char *ssh = getenv("SSH_CONNECTION");
	return p->commit_confirmed_service && guard_due(rep) && ssh && *ssh;
}

/* The confirmation file of an entry; caller frees. */
char *guard_confirm_path(const char *dir, const char *id)
{
	return xasprintf("%s/confirm/%s", dir, id);
}

/* Closes every descriptor from 3 up except keep (async-signal-safe). */
static void close_from_3(int keep)
{
#ifdef SYS_close_range
	unsigned lo = 3;
	bool ok = true;
	if (keep > 3)
		ok = syscall(SYS_close_range, 3u, (unsigned)keep - 1, 0u) == 0;
	if (keep >= 3)
		lo = (unsigned)keep + 1;
	if (ok && syscall(SYS_close_range, lo, ~0u, 0u) == 0)
		return;
#endif
	for (int fd = 3; fd < 65536; fd++)
		if (fd != keep)
			close(fd);
}

/* Starts the detached guard and records it. */
int guard_start(const struct guard_spec *g, pid_t *pid, char **cause)
{
	if (!g->journal_dir || !g->entry_id) {
		*cause = xstrdup("guard: no journal or entry");
		return -EINVAL;
	}
	int within = g->within_s > 0 ? g->within_s : GUARD_DEFAULT_SECONDS;
	long long deadline = (long long)time(NULL) + within;
	/* Everything the children need is made before fork: after it, only
	 * async-signal-safe calls. On the stack, not the heap: the middle
	 * process leaves with _exit and must not own memory it cannot free. */
	const char *exe = g->exe ? g->exe : "/proc/self/exe";
	char log[PATH_MAX], dl[24];
	int n = snprintf(log, sizeof log, "%s/guard-%s.log", g->journal_dir, g->entry_id);
	if (n < 0 || (size_t)n >= sizeof log) {
		*cause = xstrdup("guard: the journal folder's path is too long");
		return -ENAMETOOLONG;
	}
	snprintf(dl, sizeof dl, "%lld", deadline);
	char *argv[8] = { "asr-doctor",
		          GUARD_COMMAND,
		          (char *)g->journal_dir,
		          (char *)g->entry_id,
		          dl,
		          (char *)g->target_kind,
		          (char *)(g->target_kind ? g->target_location : NULL),
		          NULL };
	int p[2];
	if (pipe2(p, O_CLOEXEC) < 0) {
		int e = errno;
		*cause = xasprintf("pipe: %s", strerror(e));
		return -e;
	}
	pid_t first = fork();
	if (first < 0) {
		int e = errno;
		*cause = xasprintf("fork: %s", strerror(e));
		close(p[0]);
		close(p[1]);
		return -e;
	}
	if (first == 0) {
		/* A new session: no controlling terminal, not in the SSH
		 * session's process group, so its hang-up does not reach us. */
		close(p[0]);
		setsid();
		pid_t second = fork();
		if (second != 0) {
			if (second < 0) {
				int e = errno;
				pid_t none = -1;
				if (write(p[1], &none, sizeof none) < 0 ||
				    write(p[1], &e, sizeof e) < 0)
					_exit(1);
			}
			_exit(second < 0);
		}
		/* Not a session leader: can never acquire a terminal. */
		signal(SIGHUP, SIG_IGN);
		signal(SIGINT, SIG_IGN);
		signal(SIGPIPE, SIG_DFL);
		sigset_t none;
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		umask(077);
		if (chdir("/") < 0)
			_exit(127);
		int in = open("/dev/null", O_RDONLY);
		int out = open(log, O_WRONLY | O_CREAT | O_APPEND | O_NOFOLLOW, 0600);
		if (out < 0)
			out = open("/dev/null", O_WRONLY);
		if (in < 0 || out < 0 || dup2(in, 0) < 0 || dup2(out, 1) < 0 || dup2(out, 2) < 0)
			_exit(127);
		close_from_3(p[1]);
		pid_t me = getpid();
		if (write(p[1], &me, sizeof me) < 0)
			_exit(127);
		execv(exe, argv);
		int e = errno;
		if (write(p[1], &e, sizeof e) < 0)
			_exit(127);
		_exit(127);
	}
	close(p[1]);
	int st;
	while (waitpid(first, &st, 0) < 0 && errno == EINTR)
		;
	pid_t gpid = -1;
	int err = 0;
	ssize_t r1 = read(p[0], &gpid, sizeof gpid);
	ssize_t r2 = read(p[0], &err, sizeof err);
	close(p[0]);
	if (r1 != (ssize_t)sizeof gpid || gpid <= 0 || r2 > 0) {
		*cause = xasprintf(
		        T("cannot start the guard (%s): %s", "无法启动守护进程（%s）：%s"), exe,
		        strerror(r2 > 0 ? err : EIO));
		return r2 > 0 ? -err : -EIO;
	}
	struct journal *j = NULL;
	char host[256] = "";
	if (gethostname(host, sizeof host - 1) < 0)
		host[0] = '\0';
	int rc = journal_open(g->journal_dir, NULL, false, &j, cause);
	if (rc == 0)
		rc = journal_lock(j, CONFIRM_LOCK_WAIT_MS, cause);
	if (rc == 0)
		rc = journal_record_guard(j, g->entry_id, (long)gpid, deadline, host[0] ? host : NULL,
					  cause);
	journal_close(j);
	if (rc < 0) {
		/* Without a record nobody could confirm it: stop it. */
		kill(gpid, SIGTERM);
		return rc;
	}
	if (pid)
		*pid = gpid;
	return 0;
}

/* Confirms the waiting change, unless asked from the same session. */
int guard_confirm(const char *journal_dir, const char *which, const char *ssh_connection,
                  char **msg)
{
	*msg = NULL;
	struct journal *j = NULL;
	char *cause = NULL;
	struct stat st;
	if (!journal_dir || stat(journal_dir, &st) < 0) {
		*msg = xasprintf(T("no journal at %s: no change waits for confirmation",
		                   "%s 没有日志：没有等待确认的更改"),
		                 journal_dir ? journal_dir : "?");
		return -ENOENT;
	}
	int rc = journal_open(journal_dir, NULL, false, &j, &cause);
	if (rc == 0)
		rc = journal_lock(j, CONFIRM_LOCK_WAIT_MS, &cause);
	if (rc < 0) {
		*msg = cause;
		journal_close(j);
		return rc;
	}
	const struct journal_entry *e = NULL;
	if (which) {
		e = journal_get(j, which);
	} else {
		for (size_t i = j->n; i-- > 0 && !e;)
			if (j->entries[i].guard_pid && !j->entries[i].guard_result)
				e = &j->entries[i];
	}
	if (!e || !e->guard_pid) {
		*msg = which ? xasprintf(T("entry %s has no change waiting for confirmation",
		                           "条目 %s 没有等待确认的更改"),
		                         which)
		             : xstrdup(T("no change waits for confirmation", "没有等待确认的更改"));
		rc = -ENOENT;
		goto out;
	}
	if (e->guard_result) {
		*msg = strcmp(e->guard_result, "confirmed") == 0
		               ? xasprintf(T("entry %s is already confirmed", "条目 %s 已确认"),
		                           e->id)
		               : xasprintf(T("too late: entry %s was not confirmed in time and was "
		                             "undone (%s)",
		                             "太晚了：条目 %s 未在时限内确认，已被撤销（%s）"),
		                           e->id,
		                           e->guard_message ? e->guard_message : e->guard_result);
		rc = strcmp(e->guard_result, "confirmed") == 0 ? 0 : -ETIMEDOUT;
		goto out;
	}
	if (e->ssh_connection && ssh_connection && strcmp(e->ssh_connection, ssh_connection) == 0) {
		*msg = xasprintf(
		        T("refused: this is the SSH session that made the change (%s). Confirm "
		          "from a NEW login (a second ssh connection, or the console): only a new "
		          "login proves you can still get in",
		          "拒绝：这是做出更改的那个 SSH 会话（%s）。请从新的登录会话（另一个 ssh "
		          "连接或控制台）确认："
		          "只有新的登录才能证明你仍能登录"),
		        ssh_connection);
		rc = -EPERM;
		goto out;
	}
	char *cdir = xasprintf("%s/confirm", journal_dir);
	if (mkdir(cdir, 0700) < 0 && errno != EEXIST) {
		int e2 = errno;
		*msg = xasprintf(T("cannot create %s: %s", "无法创建 %s：%s"), cdir, strerror(e2));
		free(cdir);
		rc = -e2;
		goto out;
	}
	char *path = guard_confirm_path(journal_dir, e->id);
	char *tmp = xasprintf("%s/.%s.tmp", cdir, e->id);
	char *now = journal_now();
	char *body = xasprintf("%s %s\n", now,
	                       ssh_connection && *ssh_connection ? ssh_connection : "console");
	unlink(tmp);
	rc = hostfs_replace(&apply_fs_real, path, tmp, body, strlen(body), 0600, geteuid(),
	                   getegid(), &cause);
	free(body);
	free(now);
	free(tmp);
	free(path);
	free(cdir);
	if (rc < 0) {
		*msg = cause;
		cause = NULL;
		goto out;
	}
	bool alive = kill((pid_t)e->guard_pid, 0) == 0 || errno == EPERM;
	if (!alive) {
		/* The guard is gone (killed, or the machine restarted): record
		 * the confirmation ourselves. */
		journal_record_guard_end(j, e->id, "confirmed",
		                         T("confirmed from a new login (the guard was not running)",
		                           "已从新的登录会话确认（守护进程未在运行）"),
		                         &cause);
	}
	*msg = xasprintf(
	        T("entry %s confirmed: the change stays%s", "条目 %s 已确认：更改将保留%s"), e->id,
	        alive ? "" : T(" (its guard was no longer running)", "（其守护进程已不在运行）"));
	rc = 0;
out:
	free(cause);
	journal_close(j);
	return rc;
}

/* ---- other ways in ---- */

static bool is_getty(const char *comm)
{
	static const char *const names[] = { "agetty",  "getty",  "mingetty", "mgetty",
		                             "fbgetty", "qgetty", "ngetty" };
	for (size_t i = 0; i < ARRAY_LEN(names); i++)
		if (strcmp(comm, names[i]) == 0)
			return true;
	return false;
}

/* The terminal named by a getty argument ("ttyS0", "/dev/hvc0"), or NULL. */
static const char *tty_arg(const char *arg, bool *serial)
{
	if (str_starts(arg, "/dev/"))
		arg += 5;
	static const char *const ser[] = { "ttyS", "hvc", "ttyAMA", "ttysclp", "ttyUSB", "ttyPS" };
	for (size_t i = 0; i < ARRAY_LEN(ser); i++)
		if (str_starts(arg, ser[i]) && isdigit((unsigned char)arg[strlen(ser[i])])) {
			*serial = true;
			return arg;
		}
	if ((str_starts(arg, "tty") && isdigit((unsigned char)arg[3])) ||
	    strcmp(arg, "console") == 0) {
		*serial = false;
		return arg;
	}
	return NULL;
}

/* The controlling terminal of a process from its stat line, as a name
 * ("tty1", "ttyS0"), or NULL. */
static char *stat_tty(const char *stat_text)
{
	const char *rp = strrchr(stat_text, ')');
	if (!rp)
		return NULL;
	/* After "pid (comm)": state ppid pgrp session tty_nr */
	long tty = 0;
	char state;
	long ppid, pgrp, sess;
	if (sscanf(rp + 1, " %c %ld %ld %ld %ld", &state, &ppid, &pgrp, &sess, &tty) != 5 ||
	    tty == 0)
		return NULL;
	unsigned major = ((unsigned long)tty >> 8) & 0xfff;
	unsigned minor = ((unsigned long)tty & 0xff) | (((unsigned long)tty >> 12) & 0xfff00);
	if (major == 4 && minor >= 1 && minor < 64)
		return xasprintf("tty%u", minor);
	if (major == 4 && minor >= 64)
		return xasprintf("ttyS%u", minor - 64);
	if (major == 229)
		return xasprintf("hvc%u", minor);
	if (major == 204 && minor >= 64)
		return xasprintf("ttyAMA%u", minor - 64);
	return NULL;
}

/* Lists the ways into the machine other than SSH. */
bool guard_other_way_in(struct target *t, const char *proc_dir, struct strvec *found)
{
	if (!proc_dir)
		proc_dir = "/proc";
	struct strvec pids = { 0 };
	if (target_list(t, proc_dir, &pids) < 0)
		return false;
	size_t before = found->n;
	for (size_t i = 0; i < pids.n; i++) {
		const char *pid = pids.v[i];
		if (!*pid || strspn(pid, "0123456789") != strlen(pid))
			continue;
		char *path = xasprintf("%s/%s/comm", proc_dir, pid);
		char *comm = NULL;
		int rc = target_read(t, path, &comm, NULL);
		free(path);
		if (rc < 0)
			continue;
		str_trim(comm);
		if (is_getty(comm)) {
			path = xasprintf("%s/%s/cmdline", proc_dir, pid);
			char *cmd = NULL;
			size_t len = 0;
			if (target_read(t, path, &cmd, &len) == 0) {
				const char *tty = NULL;
				bool serial = false;
				for (size_t off = 0; off < len && !tty;
				     off += strlen(cmd + off) + 1)
					tty = tty_arg(cmd + off, &serial);
				if (tty)
					sv_take(found,
					        serial ? xasprintf(T("a login prompt on the serial "
					                             "line %s "
					                             "(%s, pid %s)",
					                             "串口 %s "
					                             "上有登录提示（%s，pid %s）"),
					                           tty, comm, pid)
					               : xasprintf(T("a login prompt on the local "
					                             "console %s "
					                             "(%s, pid %s)",
					                             "本地控制台 %s "
					                             "上有登录提示（%s，pid %s）"),
					                           tty, comm, pid));
			}
			free(cmd);
			free(path);
		} else {
			path = xasprintf("%s/%s/stat", proc_dir, pid);
			char *st = NULL;
			if (strcmp(comm, "login") == 0 && target_read(t, path, &st, NULL) == 0) {
				char *tty = stat_tty(st);
				if (tty)
					sv_take(found,
					        xasprintf(T("a session logged in on %s (login, pid "
					                    "%s)",
					                    "%s 上有已登录的会话（login，pid %s）"),
					                  tty, pid));
				free(tty);
			}
			free(st);
			free(path);
		}
		free(comm);
	}
	sv_free(&pids);
	return found->n > before;
}

static char *confirm_command(struct target *t, const char *entry_id, const char *journal_opt);

char *guard_notice(struct target *t, const char *entry_id, int within_s, long pid,
		   const char *journal_opt)
{
	char *cmd = confirm_command(t, entry_id, journal_opt);
	struct sbuf b = { 0 };
	if (t->this_machine)
		sb_printf(&b,
			  T("This change can lock you out of SSH. It is undone by itself in %d "
			    "seconds (guard pid %ld) unless you confirm it from a NEW login: keep this "
			    "session open, open a second SSH session (or use the console) and run "
			    "there:\n  %s\n",
			    "此更改可能使你无法通过 SSH 登录。除非你从新的登录会话确认，否则它会在 %d "
			    "秒后自动撤销（守护进程 pid %ld）：请保持此会话，打开第二个 SSH "
			    "会话（或使用控制台）并在那里运行：\n  %s\n"),
			  within_s, pid, cmd);
	else
		sb_printf(&b,
			  T("This change can lock you out of SSH on %s. A guard left running there "
			    "(pid %ld) puts the files back and reloads sshd in %d seconds unless you "
			    "confirm it over a NEW connection, which proves you can still log in. "
			    "Run, from here or any machine that reaches it:\n  %s\n",
			    "此更改可能使你无法通过 SSH 登录 %s。留在那里运行的守护进程（pid %ld）会在 "
			    "%d 秒后恢复文件并重新加载 sshd，除非你通过新的连接确认（这证明你仍能登录）。"
			    "请在本机或任何能连到它的机器上运行：\n  %s\n"),
			  t->name, pid, within_s, cmd);
	free(cmd);
	struct strvec ways = { 0 };
	/* Only here: over a link, the search reads every process's files. */
	if (t->live && t->this_machine && guard_other_way_in(t, "/proc", &ways)) {
		sb_printf(&b, "%s\n", T("Other ways in if SSH fails:", "SSH 失败时的其他登录途径："));
		for (size_t i = 0; i < ways.n; i++)
			sb_printf(&b, "  %s\n", ways.v[i]);
	} else if (t->live && t->this_machine) {
		sb_printf(&b, "%s\n",
			  T("No serial or console login was found: SSH may be the only way in.",
			    "未发现串口或控制台登录：SSH 可能是唯一的登录途径。"));
	}
	sv_free(&ways);
	return sb_steal(&b);
}

/* ---- the guard strategy of a target ---- */

bool guard_due(const struct apply_report *rep)
{
	return rep->outcome == JOURNAL_APPLIED && rep->reload_ran && rep->entry_id;
}

/* This machine: the guard is this program, detached (guard_start). */
static bool local_serves(const struct target *t)
{
	return t->this_machine;
}

static enum guard_need local_need(const struct target *t, const char *ssh_connection,
				  const char **why)
{
	(void)t;
	if (ssh_connection && *ssh_connection) {
		*why = NULL;
		return GUARD_NEEDED;
	}
	*why = T("you are not connected through SSH: a change to sshd cannot cut this session off",
		 "你不是通过 SSH 连接的：对 sshd 的更改不会切断此会话");
	return GUARD_NOT_NEEDED;
}

static int local_start(struct target *t, const struct guard_spec *g, long *pid, char **cause)
{
	/* The guard undoes on t made again from its description. */
	struct guard_spec local = *g;
	local.target_kind = target_kind_name(t);
	local.target_location = target_location(t);
	pid_t p = 0;
	int rc = guard_start(&local, &p, cause);
	if (rc == 0)
		*pid = (long)p;
	return rc;
}

static int local_confirm(struct target *t, const char *journal_dir, const char *which,
			 const char *ssh_connection, char **msg)
{
	(void)t;
	return guard_confirm(journal_dir, which, ssh_connection, msg);
}

static const struct guard_strategy guard_local = {
	.name = "local process",
	.serves = local_serves,
	.need = local_need,
	.start = local_start,
	.confirm = local_confirm,
	/* guard_decide (engine/undo.c) finds undone_by under the lock. */
	.reads_journal = true,
};

/* A system that is not running (a mounted root): nothing reloads there,
 * so nobody is locked out until it boots, and then from its console. */
static bool offline_serves(const struct target *t)
{
	return t->offline;
}

static enum guard_need offline_need(const struct target *t, const char *ssh_connection,
				    const char **why)
{
	(void)t;
	(void)ssh_connection;
	*why = T("the examined system is not running: sshd is not reloaded, so this change locks "
		 "nobody out now",
		 "被检查的系统没有运行：sshd 不会重新加载，因此此更改现在不会把任何人锁在外面");
	return GUARD_NOT_NEEDED;
}

static const struct guard_strategy guard_offline = {
	.name = "none",
	.serves = offline_serves,
	.need = offline_need,
	/* Any guard its journal records is guard_start's process. */
	.reads_journal = true,
};

/* Any other target (a Windows machine over SSH). */
static bool any_serves(const struct target *t)
{
	(void)t;
	return true;
}

static enum guard_need any_need(const struct target *t, const char *ssh_connection,
				const char **why)
{
	(void)t;
	(void)ssh_connection;
	*why = T("refused: this change can lock you out of sshd, and asr-doctor has no "
		 "commit-confirmed guard for this target that would undo it by itself; make it "
		 "from the machine's own console",
		 "已拒绝：此更改可能使你无法登录 sshd，而 asr-doctor 对此目标没有能自动撤销它的"
		 "确认守护机制；请在该机器自己的控制台上进行");
	return GUARD_REFUSED;
}

static const struct guard_strategy guard_refuse = {
	.name = "refuse",
	.serves = any_serves,
	.need = any_need,
};

/* Strategies added by guard_add_strategies, or NULL. */
static const struct guard_strategy *const *extra_strategies;

void guard_add_strategies(const struct guard_strategy *const *s)
{
	extra_strategies = s;
}

const struct guard_strategy *guard_strategy_for(const struct target *t)
{
	static const struct guard_strategy *const builtin[] = { &guard_local, &guard_offline,
								&guard_remote, &guard_refuse };
	for (size_t i = 0; extra_strategies && extra_strategies[i]; i++)
		if (extra_strategies[i]->serves(t))
			return extra_strategies[i];
	for (size_t i = 0; i < ARRAY_LEN(builtin); i++)
		if (builtin[i]->serves(t))
			return builtin[i];
	return &guard_refuse;
}

int guard_confirm_on(struct target *t, const char *journal_dir, const char *which,
		     const char *ssh_connection, char **msg)
{
	const struct guard_strategy *s = guard_strategy_for(t);
	if (s->confirm)
		return s->confirm(t, journal_dir, which, ssh_connection, msg);
	return guard_confirm(journal_dir, which, ssh_connection, msg);
}

/* The confirm command for t (see guard_notice); caller frees. */
static char *confirm_command(struct target *t, const char *entry_id, const char *journal_opt)
{
	struct strvec argv = { 0 };
	sv_push(&argv, "asr-doctor");
	target_cli_args(t, &argv);
	sv_push(&argv, "confirm");
	if (entry_id)
		sv_push(&argv, entry_id);
	if (journal_opt) {
		sv_push(&argv, "--journal");
		sv_push(&argv, journal_opt);
	}
	char *cmd = plan_argv_str((const char *const *)argv.v);
	sv_free(&argv);
	return cmd;
}

char *guard_busy(struct target *t, const char *journal_dir, const char *journal_opt)
{
	const struct guard_strategy *s = guard_strategy_for(t);
	if (!s->waiting)
		return NULL;
	char *entry = NULL, *cause = NULL;
	int rc = s->waiting(t, journal_dir, &entry, &cause);
	char *msg = NULL;
	if (rc < 0) {
		msg = xasprintf(T("cannot tell whether a change on %s waits for confirmation (%s); "
				  "nothing was changed",
				  "无法确定 %s 上是否有更改在等待确认（%s）；未做任何更改"),
				t->name, cause ? cause : strerror(-rc));
	} else if (rc > 0) {
		char *cmd = confirm_command(t, entry, journal_opt);
		msg = xasprintf(T("entry %s on %s waits for confirmation, and its guard would undo "
				  "any change made meanwhile: run '%s' first (or let it be undone); "
				  "nothing was changed",
				  "条目 %s（%s）正在等待确认，其守护进程会撤销期间所做的任何更改："
				  "请先运行“%s”（或等待其自动撤销）；未做任何更改"),
				entry, t->name, cmd);
		free(cmd);
	}
	free(entry);
	free(cause);
	return msg;
}

char *guard_undo_busy(struct target *t, const struct journal *j, const char *journal_opt)
{
	if (guard_strategy_for(t)->reads_journal)
		return NULL;
	const struct journal_entry *w = journal_guard_waiting(j);
	if (!w)
		return NULL;
	char when[32] = "?";
	time_t dl = (time_t)w->guard_deadline;
	struct tm tm;
	if (w->guard_deadline > 0 && localtime_r(&dl, &tm))
		strftime(when, sizeof when, "%H:%M:%S", &tm);
	long long left = w->guard_deadline - (long long)time(NULL);
	char *remains = left > 0 ? xasprintf(T("about %lld s left", "约剩 %lld 秒"), left)
				 : xstrdup(T("its time is up: the guard is putting it back now",
					     "时限已到：守护进程正在恢复"));
	char *cmd = confirm_command(t, w->id, journal_opt);
	char *msg = xasprintf(T("entry %s on %s waits for confirmation until %s (%s), and its "
				"guard there puts the files back by itself if it is not confirmed: "
				"an undo now would act on the same files. Either confirm it first "
				"from a new connection with '%s' and then undo, or let the guard "
				"put it back at %s; nothing was changed",
				"条目 %s（%s）正在等待确认，截止 %s（%s）；若未确认，那里的守护进程会"
				"自行恢复文件：此时撤销会与其作用于同一批文件。请先从新的连接运行“%s”"
				"确认后再撤销，或等待守护进程在 %s 自动恢复；未做任何更改"),
			      w->id, t->name, when, remains, cmd, when);
	free(cmd);
	free(remains);
	return msg;
}

enum guard_need guard_needs(const struct target *t, const struct plan *p,
			     const char *ssh_connection, const char **why)
{
	*why = NULL;
	if (!p || !p->commit_confirmed_service)
		return GUARD_NOT_NEEDED;
	return guard_strategy_for(t)->need(t, ssh_connection, why);
}
