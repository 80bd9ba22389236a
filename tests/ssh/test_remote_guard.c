/* test_remote_guard.c: the commit-confirmed guard of a remote machine
 * (engine/change/guard_remote.c) against a real sshd on 127.0.0.1. The
 * change is made to that very sshd's configuration file, over a link to
 * it, and sshd is reloaded with SIGHUP (kill -HUP, as the sshd fix plans
 * it from a pid file): a change that locks root out (AllowUsers) is put
 * back byte for byte by the guard after the link is cut (the sshd
 * session processes killed, the client gone) and sshd reloaded, so a new
 * login works again; a change confirmed over a new connection (the real
 * binary, `--target ... confirm`) stays; a confirmation over the link
 * that made the change is refused; one that comes too late says so; the
 * remedy flow (remedy_apply, as `fix` and the wizard use it) starts the
 * guard itself after a change and its reload over SSH. The
 * remote machine is this one, so results are read with local calls; the
 * login is a second root (uid 0) whose shell is /bin/sh.
 * Needs sshd, /run/sshd and root: fails, never skips, without them. */
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "engine/change/apply.h"
#include "engine/change/guard_remote.h"
#include "engine/change/journal.h"
#include "engine/fix.h"
#include "engine/remedy.h"
#include "engine/change/plan.h"
#include "engine/target/target_ssh.h"
#include "engine/util/util.h"
#include "support/sshd.h"
#include "support/testutil.h"

/* How long a wait for another process may last before the test fails. */
#define WAIT_MS 90000

static const char *scratch;

/* A second root whose shell is /bin/sh and whose home is the test's: no
 * profile of this machine's root runs with each command. Its password
 * is set only because sshd refuses a key to a locked account. */
static const struct test_account groot = { .name = "groot", .uid = 0, .password = "not-used" };

/* An sshd whose machine has groot. */
static struct test_sshd start_sshd(void)
{
	return sshd_start_accounts(NULL, &groot, 1, NULL);
}

/* A connection to d as root (groot); NULL with *err when d refuses it. */
static struct target *login(const struct test_sshd *d, int *err)
{
	return sshd_try_login(d, "groot", 20000, err);
}

/* The same where the login must work. */
static struct target *must_login(const struct test_sshd *d)
{
	return sshd_login(d, "groot", 20000);
}

static void nap(void)
{
	nanosleep(&(struct timespec){ 0, 50 * 1000 * 1000 }, NULL);
}

/* Waits until sshd has listened n times. */
static void wait_listens(const struct test_sshd *d, int n)
{
	for (int i = 0; i < WAIT_MS / 50 && sshd_listens(d) < n; i++)
		nap();
	assert_int_equal(sshd_listens(d), n);
}

/* The contents of dir/name with the trailing newline removed, or NULL. */
static char *read_in(const char *dir, const char *name)
{
	char *path = xasprintf("%s/%s", dir, name);
	char *s = access(path, F_OK) == 0 ? tu_read_file(path, NULL) : NULL;
	free(path);
	return s ? str_trim(s) : NULL;
}

/* Waits until the guard's state file says want. */
static void wait_state(const char *gdir, const char *want)
{
	char *s = NULL;
	for (int i = 0; i < WAIT_MS / 50; i++) {
		free(s);
		s = read_in(gdir, "state");
		if (s && strcmp(s, want) == 0)
			break;
		nap();
	}
	if (!s || strcmp(s, want) != 0) {
		char *log = read_in(gdir, "log");
		fail_msg("the guard's state is '%s', not '%s'; its log:\n%s", s ? s : "(none)", want,
			 log ? log : "(none)");
	}
	free(s);
}

/* Waits until the guard's log has a line holding what. */
static void wait_log(const char *gdir, const char *what)
{
	char *log = NULL;
	for (int i = 0; i < WAIT_MS / 50; i++) {
		free(log);
		log = read_in(gdir, "log");
		if (log && strstr(log, what))
			break;
		nap();
	}
	if (!log || !strstr(log, what))
		fail_msg("the guard never logged '%s'; its log:\n%s", what, log ? log : "(none)");
	free(log);
}

/* How many times what occurs in s. */
static int count_of(const char *s, const char *what)
{
	int n = 0;
	for (const char *p = s; p && (p = strstr(p, what)); p += strlen(what))
		n++;
	return n;
}

/* This machine's name, which the guard's record names (the remote
 * machine is this one). Caller frees. */
static char *host_name(void)
{
	char h[256] = "";
	assert_int_equal(gethostname(h, sizeof h - 1), 0);
	return xstrdup(h);
}

/* A HOME for the real binary whose known_hosts knows d. Caller frees. */
static char *cli_home(const struct test_sshd *d, const char *tag)
{
	char *home = xasprintf("%s/home-%s", scratch, tag);
	assert_int_equal(tu_sh(NULL, "mkdir -p '%s/.ssh' && cp '%s' '%s/.ssh/known_hosts'", home,
			       d->known_hosts, home),
			 0);
	return home;
}

/* Runs the real binary with --target on d (groot, its key) and the
 * journal folder jdir, then args; returns its exit status, *out its
 * output (both streams; caller frees). */
static int run_remote(const struct test_sshd *d, const char *home, const char *jdir,
		      const char *args, char **out)
{
	return tu_sh(out,
		     "HOME='%s' SSH_AUTH_SOCK= '%s' --target groot@127.0.0.1:%d -i '%s' "
		     "--journal '%s' %s 2>&1 </dev/null",
		     home, tu_binary(), d->port, d->user_key, jdir, args);
}

/* Runs the real binary as on the machine's own console (no --target, no
 * SSH connection) with the journal folder jdir, then args. */
static int run_console(const char *jdir, const char *args, char **out)
{
	return tu_sh(out, "SSH_CONNECTION= '%s' --journal '%s' %s 2>&1 </dev/null", tu_binary(),
		     jdir, args);
}

/* Cuts every link to d: kills its session processes (the listener's
 * children) with SIGKILL, as a dropped network would leave them gone. */
static int cut_sessions(const struct test_sshd *d)
{
	DIR *proc = opendir("/proc");
	assert_non_null(proc);
	int n = 0;
	struct dirent *de;
	while ((de = readdir(proc))) {
		long pid;
		if (!str_to_long(de->d_name, &pid))
			continue;
		char *path = xasprintf("/proc/%ld/stat", pid);
		char *st = access(path, R_OK) == 0 ? tu_read_file(path, NULL) : NULL;
		free(path);
		const char *rp = st ? strrchr(st, ')') : NULL;
		char state;
		long ppid;
		if (rp && sscanf(rp + 1, " %c %ld", &state, &ppid) == 2 && ppid == d->pid &&
		    kill((pid_t)pid, SIGKILL) == 0)
			n++;
		free(st);
	}
	closedir(proc);
	return n;
}

/* A plan for the change: sshd's configuration file gets new_conf, a file
 * is created beside it, and sshd is reloaded with SIGHUP. Planned through
 * t, as a fix plans. */
static struct plan *change_plan(struct target *t, const struct test_sshd *d, const char *new_conf,
				const char *created)
{
	struct plan *p = plan_new("test.remote_guard", "remote guard");
	char *cause = NULL;
	if (!plan_add_edit(p, t, d->conf, new_conf, strlen(new_conf), "the change", &cause))
		fail_msg("plan: %s", cause);
	if (!plan_add_edit(p, t, created, "Banner none\n", 12, "a new file", &cause))
		fail_msg("plan: %s", cause);
	char *pid = xasprintf("%ld", (long)d->pid);
	const char *const hup[] = { "kill", "-HUP", pid, NULL };
	plan_add_command(p, hup, "reload sshd", CMD_AFTER, true)->rerun_on_undo = true;
	free(pid);
	p->commit_confirmed_service = xstrdup("sshd");
	return p;
}

/* Makes the change plan p describes, as apply would: the new bytes, the
 * new file, the reload. */
static void make_change(const struct plan *p, const struct test_sshd *d)
{
	for (size_t i = 0; i < p->nedits; i++) {
		tu_write_file(p->edits[i].real_path, p->edits[i].new_data);
		assert_int_equal(chmod(p->edits[i].real_path, p->edits[i].old_mode & 07777), 0);
	}
	int before = sshd_listens(d);
	assert_int_equal(kill(d->pid, SIGHUP), 0);
	wait_listens(d, before + 1);
}

/* The test's plans' commands (the reload) are agreed to. */
static bool approve_all(void *arg, const char *const *argv, const char *reason, bool needs_confirm)
{
	(void)arg;
	(void)argv;
	(void)reason;
	(void)needs_confirm;
	return true;
}

static const struct fix_def guarded_def = { .id = "test.remote_guard" };
static const struct fix_def *const suite_fixes[] = { &guarded_def, NULL };

/* Not confirmed, the link cut: the guard puts the configuration back byte
 * for byte (mode kept, a new inode: a rename), removes the file the change
 * created, reloads sshd, and root can log in again; confirming then is
 * too late, and says so. */
static void test_reverts_after_link_cut(void **state)
{
	(void)state;
	struct test_sshd d = start_sshd();
	char *jdir = xasprintf("%s/journal-cut", scratch);
	char *created = xasprintf("%s/extra.conf", d.dir);
	/* Bytes a shell would take for its own reach the copy as they are. */
	char *conf = tu_read_file(d.conf, NULL);
	char *tricky = xasprintf("%s# it's $HOME `id` \\ \"q\" %%s\t\n\n", conf);
	tu_write_file(d.conf, tricky);
	free(tricky);
	free(conf);
	assert_int_equal(chmod(d.conf, 0640), 0);
	size_t old_len = 0;
	char *old = tu_read_file(d.conf, &old_len);
	struct target *t = must_login(&d);
	char *locked = xasprintf("%sAllowUsers nobody-at-all\n", old);
	struct plan *p = change_plan(t, &d, locked, created);
	make_change(p, &d);
	/* The change locks root out: a new login is refused. */
	int err = 0;
	struct target *refused = login(&d, &err);
	assert_null(refused);
	assert_int_equal(err, -EACCES);

	long pid = 0;
	char *gdir = NULL, *cause = NULL;
	int rc = guard_remote_start(t, jdir, "7", 3, p, &pid, &gdir, &cause);
	if (rc != 0)
		fail_msg("guard: %s", cause);
	assert_true(pid > 1);
	assert_true(str_starts(gdir, jdir));
	char *pidtext = NULL;
	for (int i = 0; i < WAIT_MS / 50 && !(pidtext = read_in(gdir, "pid")); i++)
		nap();
	assert_non_null(pidtext);
	struct stat st;
	assert_int_equal(stat(gdir, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0700);
	int reloads = sshd_listens(&d);
	/* The notice names the command that confirms it, with the target. */
	char *notice = guard_notice(t, "7", 3, pid, NULL);
	char *want = xasprintf("asr-doctor --target groot@127.0.0.1:%d confirm 7", d.port);
	if (!strstr(notice, want))
		fail_msg("the notice does not say '%s':\n%s", want, notice);
	assert_non_null(strstr(notice, "NEW connection"));
	free(want);
	free(notice);

	/* The link goes: its sshd processes killed, the client gone. */
	assert_true(cut_sessions(&d) >= 1);
	target_free(t);

	wait_state(gdir, "reverted");
	size_t now_len = 0;
	char *now = tu_read_file(d.conf, &now_len);
	assert_int_equal(now_len, old_len);
	assert_memory_equal(now, old, old_len);
	assert_int_equal(stat(d.conf, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0640);
	assert_int_equal(st.st_uid, 0);
	assert_int_equal(access(created, F_OK), -1);
	char *tmp = target_temp_path(d.conf, "guard");
	assert_int_equal(access(tmp, F_OK), -1);
	free(tmp);
	wait_listens(&d, reloads + 1);
	char *log = read_in(gdir, "log");
	assert_non_null(strstr(log, "restored "));
	assert_non_null(strstr(log, "ran: kill -HUP"));
	free(log);
	/* The journal there says it, in asr-doctor's own records: the guard
	 * (its pid there, the machine's name), then what became of it. */
	char *records = read_in(jdir, "journal.jsonl");
	assert_non_null(records);
	char *host = host_name();
	char *rec = xasprintf("{\"record\":\"guard\",\"id\":\"7\",");
	char *rpid = xasprintf("\"pid\":%ld,", pid);
	char *rhost = xasprintf("\"host\":\"%s\"}", host);
	if (!strstr(records, rec) || !strstr(records, rpid) || !strstr(records, rhost) ||
	    count_of(records, "\"record\":\"guard_end\",\"id\":\"7\"") != 1 ||
	    count_of(records, "\"result\":\"reverted\"") != 1)
		fail_msg("the journal does not record the guard and its revert:\n%s", records);
	free(rhost);
	free(rpid);
	free(rec);
	free(host);
	free(records);

	/* Root gets in again, and a confirmation now is too late. */
	struct target *t2 = must_login(&d);
	char *msg = NULL;
	assert_int_equal(guard_remote_confirm(t2, jdir, "7", &msg), -ETIMEDOUT);
	assert_non_null(strstr(msg, "too late"));
	free(msg);
	target_free(t2);

	free(pidtext);
	free(gdir);
	free(now);
	plan_free(p);
	free(locked);
	free(old);
	free(created);
	free(jdir);
	sshd_stop(&d);
}

/* Confirmed over a new connection by the real binary: the change stays,
 * sshd is not reloaded again, the guard stops at once; over the link that
 * made the change the confirmation is refused; a second one says it is
 * already confirmed; an entry with no guard is named. The journal folder's
 * name holds a quote, a space and a $, which must reach the remote shell
 * as they are. */
static void test_confirmed_from_new_connection(void **state)
{
	(void)state;
	struct test_sshd d = start_sshd();
	char *jdir = xasprintf("%s/jour nal's $HOME", scratch);
	char *created = xasprintf("%s/extra.conf", d.dir);
	char *old = tu_read_file(d.conf, NULL);
	struct target *t = must_login(&d);
	char *changed = xasprintf("%sMaxAuthTries 5\n", old);
	struct plan *p = change_plan(t, &d, changed, created);
	make_change(p, &d);

	long pid = 0;
	char *gdir = NULL, *cause = NULL;
	/* Long enough that only the confirmation can end it in this test. */
	int rc = guard_remote_start(t, jdir, "12", 600, p, &pid, &gdir, &cause);
	if (rc != 0)
		fail_msg("guard: %s", cause);
	assert_true(str_starts(gdir, jdir));
	int reloads = sshd_listens(&d);

	/* No other change while it waits: its guard would undo that too. */
	struct plan *p2 = plan_new("test.remote_guard", "another");
	char *other = xasprintf("%s/other.conf", d.dir);
	if (!plan_add_edit(p2, t, other, "x\n", 2, "another change", &cause))
		fail_msg("plan: %s", cause);
	struct remedy_opts o = { .t = t, .journal_dir = jdir };
	struct apply_opts ao = { .confirm = approve_all };
	struct remedy_outcome ro;
	assert_int_equal(remedy_apply(&o, p2, &ao, &ro), -EBUSY);
	if (!strstr(ro.rep.message, "entry 12") || !strstr(ro.rep.message, "confirm 12"))
		fail_msg("the refusal does not name the entry and its confirm: %s", ro.rep.message);
	assert_int_equal(access(other, F_OK), -1);
	remedy_outcome_free(&ro);

	/* The link that made the change cannot confirm it. */
	char *msg = NULL;
	assert_int_equal(guard_remote_confirm(t, jdir, "12", &msg), -EPERM);
	assert_non_null(strstr(msg, "refused"));
	free(msg);
	char *s = read_in(gdir, "state");
	assert_string_equal(s, "waiting");
	free(s);

	/* No guard waits for another entry. */
	struct target *t2 = must_login(&d);
	assert_int_equal(guard_remote_confirm(t2, jdir, "13", &msg), -ENOENT);
	assert_non_null(strstr(msg, "13"));
	free(msg);
	target_free(t2);

	/* The real command, connecting afresh. */
	char *home = xasprintf("%s/home", scratch);
	char *out = NULL;
	assert_int_equal(tu_sh(NULL, "mkdir -p '%s/.ssh' && cp '%s' '%s/.ssh/known_hosts'", home,
			       d.known_hosts, home),
			 0);
	char *qj = xasprintf("%s/jour nal'\\''s $HOME", scratch);
	rc = tu_sh(&out,
		   "HOME='%s' SSH_AUTH_SOCK= '%s' --target groot@127.0.0.1:%d -i '%s' "
		   "--journal '%s' confirm 2>&1 </dev/null",
		   home, tu_binary(), d.port, d.user_key, qj);
	if (rc != 0)
		fail_msg("confirm exited %d: %s", rc, out);
	assert_non_null(strstr(out, "entry 12 confirmed"));
	free(out);
	wait_log(gdir, "confirmed");
	s = read_in(gdir, "state");
	assert_string_equal(s, "confirmed");
	free(s);
	char *now = tu_read_file(d.conf, NULL);
	assert_string_equal(now, changed);
	free(now);
	assert_int_equal(access(created, F_OK), 0);
	assert_int_equal(sshd_listens(&d), reloads);

	/* The confirmation is in the journal there, once. */
	char *records = read_in(jdir, "journal.jsonl");
	if (count_of(records, "\"record\":\"guard\",\"id\":\"12\"") != 1 ||
	    count_of(records, "\"record\":\"guard_end\",\"id\":\"12\"") != 1 ||
	    count_of(records, "\"result\":\"confirmed\"") != 1)
		fail_msg("the journal does not record the confirmation once:\n%s", records);
	free(records);

	/* Again: already confirmed (exit 0). */
	rc = tu_sh(&out,
		   "HOME='%s' SSH_AUTH_SOCK= '%s' --target groot@127.0.0.1:%d -i '%s' "
		   "--journal '%s' confirm 12 2>&1 </dev/null",
		   home, tu_binary(), d.port, d.user_key, qj);
	assert_int_equal(rc, 0);
	assert_non_null(strstr(out, "already confirmed"));
	free(out);
	records = read_in(jdir, "journal.jsonl");
	assert_int_equal(count_of(records, "\"record\":\"guard_end\""), 1);
	free(records);

	/* Confirmed: changes are allowed again. */
	assert_int_equal(remedy_apply(&o, p2, &ao, &ro), 0);
	assert_int_equal(access(other, F_OK), 0);
	remedy_outcome_free(&ro);
	plan_free(p2);
	free(other);
	target_free(t);
	free(qj);
	free(home);
	free(gdir);
	plan_free(p);
	free(changed);
	free(old);
	free(created);
	free(jdir);
	sshd_stop(&d);
}

/* The remedy flow both front ends follow, over SSH: the change that
 * locks root out is applied through the one executor (its journal on the
 * machine), the reload runs, the remote machine's strategy starts the
 * guard there and says how to confirm; the link cut, the guard puts the
 * file back and reloads sshd, and root logs in again. */
static void test_remedy_guards_over_ssh(void **state)
{
	(void)state;
	struct test_sshd d = start_sshd();
	char *jdir = xasprintf("%s/journal-remedy", scratch);
	char *created = xasprintf("%s/extra.conf", d.dir);
	size_t old_len = 0;
	char *old = tu_read_file(d.conf, &old_len);
	struct target *t = must_login(&d);
	assert_true(t->can_write);
	char *locked = xasprintf("%sAllowUsers nobody-at-all\n", old);
	struct plan *p = change_plan(t, &d, locked, created);
	fix_add_definitions(suite_fixes);

	struct remedy_opts o = { .t = t, .journal_dir = jdir, .confirm_within = 2 };
	struct remedy_guard g;
	remedy_guard(&o, p, &g);
	assert_int_equal(g.need, GUARD_NEEDED);
	assert_string_equal(g.strategy, "remote process");
	int reloads = sshd_listens(&d);
	struct apply_opts ao = { .confirm = approve_all };
	struct remedy_outcome out;
	int rc = remedy_apply(&o, p, &ao, &out);
	if (rc != 0 || !out.guarded)
		fail_msg("remedy over SSH: %d %s\n%s", rc, out.rep.message ? out.rep.message : "",
			 out.guard_text ? out.guard_text : "");
	char *want = xasprintf("--target groot@127.0.0.1:%d confirm %s", d.port, out.rep.entry_id);
	if (!strstr(out.guard_text, want))
		fail_msg("the notice does not say '%s':\n%s", want, out.guard_text);
	free(want);
	/* The change is in and sshd reloaded: root is locked out. */
	wait_listens(&d, reloads + 1);
	char *now = tu_read_file(d.conf, NULL);
	assert_string_equal(now, locked);
	free(now);
	int err = 0;
	assert_null(login(&d, &err));
	assert_int_equal(err, -EACCES);

	/* The guard's folder, under the journal folder on the machine. */
	char *gdir = NULL;
	char *pattern = xasprintf("%s/guard/%s.", jdir, out.rep.entry_id);
	assert_int_equal(tu_sh(&gdir, "ls -d '%s'*", pattern), 0);
	str_trim(gdir);
	free(pattern);

	/* The journal there, read over the link, says a guard waits: its
	 * pid on that machine (alive there: a stat of /proc over the link),
	 * the machine's name, no result yet. */
	const char *id = out.rep.entry_id;
	char *host = host_name();
	struct journal *j = NULL;
	char *cause = NULL;
	if (journal_list_for(t, jdir, &j, &cause) != 0)
		fail_msg("journal over SSH: %s", cause);
	const struct journal_entry *e = journal_get(j, id);
	assert_non_null(e);
	long gpid = e->guard_pid;
	assert_true(gpid > 1);
	assert_null(e->guard_result);
	assert_string_equal(e->guard_host, host);
	assert_true(e->guard_deadline > (long long)time(NULL) - 60);
	assert_ptr_equal(journal_guard_waiting(j), e);
	journal_close(j);
	char *pidfile = read_in(gdir, "pid");
	for (int i = 0; i < WAIT_MS / 50 && !pidfile; i++) {
		nap();
		pidfile = read_in(gdir, "pid");
	}
	char *want_pid = xasprintf("%ld", gpid);
	assert_string_equal(pidfile, want_pid);
	free(want_pid);
	free(pidfile);
	/* The machine's own console reads the same. */
	assert_int_equal(journal_list(jdir, &j, &cause), 0);
	e = journal_get(j, id);
	assert_int_equal(e->guard_pid, gpid);
	assert_ptr_equal(journal_guard_waiting(j), e);
	journal_close(j);

	assert_true(cut_sessions(&d) >= 1);
	target_free(t);
	wait_state(gdir, "reverted");
	/* The journal says the guard put it back: nothing is left to undo,
	 * and nothing waits, whoever asks. */
	assert_int_equal(journal_list(jdir, &j, &cause), 0);
	e = journal_get(j, id);
	assert_string_equal(e->guard_result, "reverted");
	assert_non_null(strstr(e->guard_message, "put the files back"));
	assert_null(journal_get(j, NULL));
	assert_null(journal_guard_waiting(j));
	journal_close(j);
	size_t now_len = 0;
	now = tu_read_file(d.conf, &now_len);
	assert_int_equal(now_len, old_len);
	assert_memory_equal(now, old, old_len);
	assert_int_equal(access(created, F_OK), -1);
	wait_listens(&d, reloads + 2);
	struct target *t2 = must_login(&d);
	target_free(t2);

	/* The real binary over a new connection, and on the console. */
	char *home = cli_home(&d, "remedy");
	char *cli = NULL;
	assert_int_equal(run_remote(&d, home, jdir, "history --json", &cli), 0);
	char *want_json = xasprintf("\"guard_pid\":\t%ld", gpid);
	if (!strstr(cli, "\"guard\":\t\"reverted\"") || !strstr(cli, want_json))
		fail_msg("--target history --json does not say the guard reverted:\n%s", cli);
	free(want_json);
	free(cli);
	assert_int_equal(run_console(jdir, "history", &cli), 0);
	char *want_line = xasprintf("guard pid %ld on %s: reverted", gpid, host);
	if (!strstr(cli, want_line))
		fail_msg("history on the console does not say '%s':\n%s", want_line, cli);
	free(want_line);
	free(cli);
	char *undo = xasprintf("undo %s --yes", id);
	assert_int_not_equal(run_remote(&d, home, jdir, undo, &cli), 0);
	if (!strstr(cli, "put back by its guard"))
		fail_msg("undo of the reverted entry: %s", cli);
	free(cli);
	free(undo);
	assert_int_not_equal(run_remote(&d, home, jdir, "undo --yes", &cli), 0);
	assert_non_null(strstr(cli, "nothing to undo"));
	free(cli);
	free(home);
	free(host);

	fix_add_definitions(NULL);
	free(now);
	free(gdir);
	remedy_outcome_free(&out);
	plan_free(p);
	free(locked);
	free(old);
	free(created);
	free(jdir);
	sshd_stop(&d);
}

/* The machine's own console sees the remote guard as its own: `history`
 * there names it waiting (its pid, the machine), an undo over a new
 * connection is refused while it waits, and `asr-doctor confirm` on the
 * console confirms it: the guard sees the confirmation file, stops, and
 * records the confirmation, which a new connection then reads. */
static void test_console_confirms(void **state)
{
	(void)state;
	struct test_sshd d = start_sshd();
	char *jdir = xasprintf("%s/journal-console", scratch);
	char *created = xasprintf("%s/extra.conf", d.dir);
	char *old = tu_read_file(d.conf, NULL);
	struct target *t = must_login(&d);
	char *changed = xasprintf("%sMaxAuthTries 5\n", old);
	struct plan *p = change_plan(t, &d, changed, created);
	fix_add_definitions(suite_fixes);
	/* Long enough that only the confirmation can end it in this test. */
	struct remedy_opts o = { .t = t, .journal_dir = jdir, .confirm_within = 600 };
	struct apply_opts ao = { .confirm = approve_all };
	struct remedy_outcome out;
	int reloads = sshd_listens(&d);
	int rc = remedy_apply(&o, p, &ao, &out);
	if (rc != 0 || !out.guarded)
		fail_msg("remedy over SSH: %d %s", rc, out.rep.message ? out.rep.message : "");
	wait_listens(&d, reloads + 1);
	const char *id = out.rep.entry_id;
	char *gdir = NULL;
	char *pattern = xasprintf("%s/guard/%s.", jdir, id);
	assert_int_equal(tu_sh(&gdir, "ls -d '%s'*", pattern), 0);
	str_trim(gdir);
	free(pattern);
	struct journal *j = NULL;
	char *cause = NULL;
	assert_int_equal(journal_list(jdir, &j, &cause), 0);
	long gpid = journal_get(j, id)->guard_pid;
	journal_close(j);

	char *host = host_name();
	char *cli = NULL;
	assert_int_equal(run_console(jdir, "history", &cli), 0);
	char *want = xasprintf("guard pid %ld on %s: waits for confirmation", gpid, host);
	if (!strstr(cli, want))
		fail_msg("history on the console does not say '%s':\n%s", want, cli);
	free(want);
	free(cli);
	char *home = cli_home(&d, "console");
	assert_int_equal(run_remote(&d, home, jdir, "history --json", &cli), 0);
	assert_non_null(strstr(cli, "\"guard\":\t\"waiting\""));
	free(cli);
	/* Another change now, over a new connection, would be undone by the
	 * guard too: the one executor refuses it, the journal there telling
	 * it that the guard's process still runs on that machine. */
	struct target *t2 = must_login(&d);
	struct plan *p2 = plan_new("test.remote_guard", "another");
	char *other = xasprintf("%s/other.conf", d.dir);
	if (!plan_add_edit(p2, t2, other, "x\n", 2, "another change", &cause))
		fail_msg("plan: %s", cause);
	struct fix_ctx ctx = { .t = t2, .journal_dir = jdir };
	struct apply_report rep;
	assert_int_equal(apply_plan(&ctx, p2, &ao, &rep), -EBUSY);
	if (!strstr(rep.message, "waits for confirmation"))
		fail_msg("another change while the guard waits: %s", rep.message);
	apply_report_free(&rep);
	assert_int_equal(access(other, F_OK), -1);
	plan_free(p2);
	free(other);
	target_free(t2);
	char *now = tu_read_file(d.conf, NULL);
	assert_string_equal(now, changed);
	free(now);

	/* Confirmed on the console. */
	rc = run_console(jdir, "confirm", &cli);
	if (rc != 0 || !strstr(cli, "confirmed"))
		fail_msg("confirm on the console exited %d: %s", rc, cli);
	free(cli);
	wait_log(gdir, "confirmed on this machine");
	wait_state(gdir, "confirmed");
	/* Over a new connection the journal says so, and nothing waits. */
	t2 = must_login(&d);
	if (journal_list_for(t2, jdir, &j, &cause) != 0)
		fail_msg("journal over SSH: %s", cause);
	const struct journal_entry *e = journal_get(j, id);
	assert_string_equal(e->guard_result, "confirmed");
	assert_null(journal_guard_waiting(j));
	journal_close(j);
	target_free(t2);
	assert_int_equal(run_remote(&d, home, jdir, "history --json", &cli), 0);
	assert_non_null(strstr(cli, "\"guard\":\t\"confirmed\""));
	free(cli);
	/* The change stays, sshd was not reloaded again. */
	now = tu_read_file(d.conf, NULL);
	assert_string_equal(now, changed);
	free(now);
	assert_int_equal(access(created, F_OK), 0);
	assert_int_equal(sshd_listens(&d), reloads + 1);

	fix_add_definitions(NULL);
	remedy_outcome_free(&out);
	target_free(t);
	free(home);
	free(host);
	free(gdir);
	plan_free(p);
	free(changed);
	free(old);
	free(created);
	free(jdir);
	sshd_stop(&d);
}

/* A guard is refused an entry id that is not a plain name, files too
 * large for the command that carries them, and a target that runs no
 * commands; nothing is left on the machine. */
static void test_start_refused(void **state)
{
	(void)state;
	struct test_sshd d = start_sshd();
	char *jdir = xasprintf("%s/journal-refused", scratch);
	struct target *t = must_login(&d);
	struct plan *p = plan_new("test.remote_guard", "remote guard");
	long pid = 0;
	char *cause = NULL;
	assert_int_equal(guard_remote_start(t, jdir, "../x", 3, p, &pid, NULL, &cause), -EINVAL);
	free(cause);
	char *big_path = xasprintf("%s/big.conf", d.dir);
	char *big = xmalloc(100 * 1024 + 1);
	memset(big, '#', 100 * 1024);
	big[100 * 1024] = '\0';
	tu_write_file(big_path, big);
	if (!plan_add_edit(p, t, big_path, "x\n", 2, "large", &cause))
		fail_msg("plan: %s", cause);
	assert_int_equal(guard_remote_start(t, jdir, "3", 3, p, &pid, NULL, &cause), -EFBIG);
	assert_non_null(strstr(cause, "too large"));
	free(cause);
	t->can_run = false;
	assert_int_equal(guard_remote_start(t, jdir, "3", 3, p, &pid, NULL, &cause), -ENOTSUP);
	free(cause);
	free(big);
	free(big_path);
	assert_int_equal(access(jdir, F_OK), -1);
	plan_free(p);
	target_free(t);
	free(jdir);
	sshd_stop(&d);
}

static int setup(void **state)
{
	(void)state;
	scratch = tu_scratch("remoteguard");
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reverts_after_link_cut),
		cmocka_unit_test(test_confirmed_from_new_connection),
		cmocka_unit_test(test_remedy_guards_over_ssh),
		cmocka_unit_test(test_console_confirms),
		cmocka_unit_test(test_start_refused),
	};
	return tu_scratch_done(cmocka_run_group_tests_name("remote_guard", tests, setup, NULL));
}
