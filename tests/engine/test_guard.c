/* test_guard.c: the commit-confirmed guard, run for real (this test
 * program re-runs itself as the guard, as asr-doctor does) with a 2-3
 * second window on a sandbox of the local target: unconfirmed, the old
 * bytes come back and the reload runs again; confirmed from a new login,
 * the change stays; a confirmation from the session that made the change
 * is refused; the guard lives in its own session and shrugs off a hang-up.
 * Also the search for another way in, on generated /proc trees. */
#include "support/testutil.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "engine/change/apply.h"
#include "engine/fix.h"
#include "engine/change/guard.h"
#include "engine/change/journal.h"
#include "engine/util/util.h"
#include "engine/undo.h"

#define OLD_CONF "PasswordAuthentication no\n"
#define NEW_CONF "PasswordAuthentication yes\n"
#define APPLY_SSH "192.0.2.10 51000 192.0.2.20 22"

struct box {
	char *dir;
	char *journal;
	char *conf; /* host path = target path (local target) */
	char *mark; /* one line per reload */
	struct target *t;
	struct fix_ctx ctx;
	char *entry;
};

static bool approve(void *arg, const char *const *argv, const char *reason, bool needs_confirm)
{
	(void)arg;
	(void)argv;
	(void)reason;
	(void)needs_confirm;
	return true;
}

static int lines_in(const char *path)
{
	if (access(path, F_OK) != 0)
		return 0;
	char *d = tu_read_file(path, NULL);
	int n = 0;
	for (char *p = d; *p; p++)
		n += *p == '\n';
	free(d);
	return n;
}

/* Applies a change that turns passwords on and reloads (a harmless
 * script), as made from the SSH session APPLY_SSH. */
static void box_apply(struct box *b)
{
	memset(b, 0, sizeof *b);
	b->dir = tu_mkdtemp("guard");
	b->journal = xasprintf("%s/journal", b->dir);
	b->conf = xasprintf("%s/etc/ssh/sshd_config", b->dir);
	b->mark = xasprintf("%s/reloads", b->dir);
	tu_write_file(b->conf, OLD_CONF);
	chmod(b->conf, 0600);
	b->t = target_local_new();
	b->ctx = (struct fix_ctx){ .t = b->t, .journal_dir = b->journal, .timeout_ms = 10000 };
	struct plan *p = plan_new("sshd.test", NULL);
	char *cause = NULL;
	assert_non_null(plan_add_edit(p, b->t, b->conf, NEW_CONF, strlen(NEW_CONF), "r", &cause));
	char *script = xasprintf("echo reload >> '%s'", b->mark);
	const char *reload[] = { "sh", "-c", script, NULL };
	plan_add_command(p, reload, "reload sshd", CMD_AFTER, true)->rerun_on_undo = true;
	plan_set_commit_confirmed(p, "sshd");
	struct apply_opts o = { .confirm = approve, .ssh_connection = APPLY_SSH };
	struct apply_report rep;
	assert_int_equal(apply_plan(&b->ctx, p, &o, &rep), 0);
	assert_true(rep.reload_ran);
	b->entry = xstrdup(rep.entry_id);
	/* Offered only to an engineer connected through SSH. */
	unsetenv("SSH_CONNECTION");
	assert_false(guard_wanted(p, &rep));
	setenv("SSH_CONNECTION", APPLY_SSH, 1);
	assert_true(guard_wanted(p, &rep));
	unsetenv("SSH_CONNECTION");
	apply_report_free(&rep);
	plan_free(p);
	free(script);
	assert_int_equal(lines_in(b->mark), 1);
}

static void box_close(struct box *b)
{
	target_free(b->t);
	tu_rmtree(b->dir);
	free(b->dir);
	free(b->journal);
	free(b->conf);
	free(b->mark);
	free(b->entry);
}

/* This program, to run as the guard (named, rather than /proc/self/exe,
 * so the suite also runs under valgrind). */
static char *self;

static pid_t start(struct box *b, int seconds)
{
	struct guard_spec g = {
		.journal_dir = b->journal, .entry_id = b->entry, .within_s = seconds, .exe = self
	};
	pid_t pid = 0;
	char *cause = NULL;
	int rc = guard_start(&g, &pid, &cause);
	if (rc)
		print_error("%s\n", cause);
	assert_int_equal(rc, 0);
	assert_true(pid > 0);
	return pid;
}

/* Waits (a bounded poll) for the guard to record its result; returns it
 * (caller frees) or NULL. */
static char *wait_result(struct box *b, int max_ms)
{
	for (int waited = 0; waited <= max_ms; waited += 100) {
		struct journal *j = NULL;
		char *cause = NULL;
		assert_int_equal(journal_list(b->journal, &j, &cause), 0);
		const struct journal_entry *e = journal_get(j, b->entry);
		char *r = e && e->guard_result ? xstrdup(e->guard_result) : NULL;
		journal_close(j);
		if (r)
			return r;
		struct timespec ts = { 0, 100 * 1000000L };
		nanosleep(&ts, NULL);
	}
	return NULL;
}

static bool alive(pid_t pid)
{
	/* A finished guard is a zombie of init, or gone: look at its state. */
	char *path = xasprintf("/proc/%ld/stat", (long)pid);
	char *s = NULL;
	bool ok = access(path, F_OK) == 0 && tu_sh(&s, "cat '%s' 2>/dev/null", path) == 0 && s &&
	          !strstr(s, ") Z ");
	free(s);
	free(path);
	return ok;
}

static void test_unconfirmed_change_is_undone_and_reloaded(void **state)
{
	(void)state;
	struct box b;
	box_apply(&b);
	pid_t pid = start(&b, 2);
	char *r = wait_result(&b, 15000);
	assert_non_null(r);
	assert_string_equal(r, "reverted");
	free(r);
	char *now = tu_read_file(b.conf, NULL);
	assert_string_equal(now, OLD_CONF);
	free(now);
	struct stat st;
	assert_int_equal(stat(b.conf, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	assert_int_equal(lines_in(b.mark), 2); /* the reload ran again */
	struct journal *j = NULL;
	char *cause = NULL;
	assert_int_equal(journal_list(b.journal, &j, &cause), 0);
	const struct journal_entry *e = journal_get(j, b.entry);
	assert_non_null(e->undone_by);
	const struct journal_entry *u = journal_get(j, e->undone_by);
	assert_int_equal(u->outcome, JOURNAL_UNDONE);
	assert_true(u->cmds[0].ran);
	assert_non_null(strstr(e->guard_message, "not confirmed in time"));
	journal_close(j);
	for (int i = 0; i < 50 && alive(pid); i++)
		usleep(100000);
	assert_false(alive(pid));
	char *log = xasprintf("%s/guard-%s.log", b.journal, b.entry);
	char *text = tu_read_file(log, NULL);
	assert_non_null(strstr(text, "was not confirmed in time"));
	/* Under the sanitizers the guard reports its own errors here. */
	assert_null(strstr(text, "Sanitizer"));
	assert_null(strstr(text, "runtime error"));
	free(text);
	free(log);
	/* Too late to confirm now. */
	char *msg = NULL;
	assert_int_equal(guard_confirm(b.journal, NULL, NULL, &msg), -ENOENT);
	free(msg);
	assert_int_equal(guard_confirm(b.journal, b.entry, NULL, &msg), -ETIMEDOUT);
	assert_non_null(strstr(msg, "too late"));
	free(msg);
	box_close(&b);
}

/* The guard undoes on the target the change was made on, made again from
 * its description (kind and location on its command line): here a mounted
 * root, whose file is undone inside it; a kind a description cannot
 * reach (a machine over SSH) is recorded as a failure that says so, and
 * the change stays. */
static void test_guard_makes_the_target_again_from_its_description(void **state)
{
	(void)state;
	char *dir = tu_mkdtemp("guardroot");
	char *root = xasprintf("%s/root", dir);
	char *journal = xasprintf("%s/journal", dir);
	char *conf = xasprintf("%s/etc/ssh/sshd_config", root);
	tu_write_file(conf, OLD_CONF);
	char *cause = NULL;
	struct target *t = target_root_new(root, &cause);
	assert_non_null(t);
	struct fix_ctx ctx = { .t = t, .journal_dir = journal, .timeout_ms = 10000 };
	struct apply_opts o = { .confirm = approve };
	char *entry[2];
	for (int i = 0; i < 2; i++) {
		struct plan *p = plan_new("sshd.test", NULL);
		const char *text = i == 0 ? NEW_CONF : "PasswordAuthentication maybe\n";
		assert_non_null(plan_add_edit(p, t, "/etc/ssh/sshd_config", text, strlen(text), "r",
		                              &cause));
		struct apply_report rep;
		assert_int_equal(apply_plan(&ctx, p, &o, &rep), 0);
		entry[i] = xstrdup(rep.entry_id);
		apply_report_free(&rep);
		plan_free(p);
	}
	/* The second change, guarded as a machine over SSH: refused. */
	struct guard_spec g = { .journal_dir = journal, .entry_id = entry[1], .within_s = 1,
		                .exe = self, .target_kind = "ssh",
		                .target_location = "root@192.0.2.7:22" };
	pid_t pid = 0;
	assert_int_equal(guard_start(&g, &pid, &cause), 0);
	struct box b = { .journal = journal, .entry = entry[1] };
	char *r = wait_result(&b, 15000);
	assert_non_null(r);
	assert_string_equal(r, "failed");
	free(r);
	/* Its journal lock goes with it. */
	for (int i = 0; i < 150 && alive(pid); i++)
		usleep(100000);
	assert_false(alive(pid));
	char *now = tu_read_file(conf, NULL);
	assert_string_equal(now, "PasswordAuthentication maybe\n");
	free(now);
	struct journal *j = NULL;
	assert_int_equal(journal_list(journal, &j, &cause), 0);
	assert_non_null(strstr(journal_get(j, entry[1])->guard_message,
	                       "cannot be reached again from its description"));
	assert_null(journal_get(j, entry[1])->undone_by);
	journal_close(j);
	/* Undone by hand, then the first guarded as the mounted root. */
	struct apply_report rep;
	assert_int_equal(undo_entry(&ctx, entry[1], &(struct apply_opts){ .confirm = approve },
	                            &rep), 0);
	apply_report_free(&rep);
	g.entry_id = entry[0];
	g.target_kind = target_kind_name(t);
	g.target_location = target_location(t);
	assert_int_equal(guard_start(&g, NULL, &cause), 0);
	b.entry = entry[0];
	r = wait_result(&b, 15000);
	assert_non_null(r);
	assert_string_equal(r, "reverted");
	free(r);
	now = tu_read_file(conf, NULL);
	assert_string_equal(now, OLD_CONF);
	free(now);
	target_free(t);
	tu_rmtree(dir);
	for (int i = 0; i < 2; i++)
		free(entry[i]);
	free(conf);
	free(journal);
	free(root);
	free(dir);
}

static void test_confirmed_from_a_new_login_stays(void **state)
{
	(void)state;
	struct box b;
	box_apply(&b);
	pid_t pid = start(&b, 3);
	/* The session that made the change cannot vouch for a new login. */
	char *msg = NULL;
	assert_int_equal(guard_confirm(b.journal, NULL, APPLY_SSH, &msg), -EPERM);
	assert_non_null(strstr(msg, "NEW login"));
	free(msg);
	assert_int_equal(guard_confirm(b.journal, NULL, "192.0.2.10 51999 192.0.2.20 22", &msg), 0);
	assert_non_null(strstr(msg, "confirmed: the change stays"));
	free(msg);
	char *r = wait_result(&b, 15000);
	assert_non_null(r);
	assert_string_equal(r, "confirmed");
	free(r);
	/* Past the deadline: still the new file, no second reload. */
	sleep(4);
	char *now = tu_read_file(b.conf, NULL);
	assert_string_equal(now, NEW_CONF);
	free(now);
	assert_int_equal(lines_in(b.mark), 1);
	assert_false(alive(pid));
	assert_int_equal(guard_confirm(b.journal, b.entry, NULL, &msg), 0);
	assert_non_null(strstr(msg, "already confirmed"));
	free(msg);
	/* Undo by hand still works afterwards. */
	struct apply_opts o = { .confirm = approve };
	struct apply_report rep;
	assert_int_equal(undo_entry(&b.ctx, NULL, &o, &rep), 0);
	apply_report_free(&rep);
	now = tu_read_file(b.conf, NULL);
	assert_string_equal(now, OLD_CONF);
	free(now);
	box_close(&b);
}

static void test_guard_is_detached_and_survives_a_hangup(void **state)
{
	(void)state;
	struct box b;
	box_apply(&b);
	pid_t pid = start(&b, 3);
	assert_true(alive(pid));
	assert_int_not_equal(getsid(pid), getsid(0));
	assert_int_not_equal(getpgid(pid), getpgrp());
	char *fd0 = xasprintf("/proc/%ld/fd/0", (long)pid),
	     *fd1 = xasprintf("/proc/%ld/fd/1", (long)pid);
	char in[512] = { 0 }, out[512] = { 0 };
	assert_true(readlink(fd0, in, sizeof in - 1) > 0);
	assert_true(readlink(fd1, out, sizeof out - 1) > 0);
	assert_string_equal(in, "/dev/null");
	char *log = xasprintf("%s/guard-%s.log", b.journal, b.entry);
	assert_string_equal(out, log);
	/* What the SSH session's end sends. */
	assert_int_equal(kill(pid, SIGHUP), 0);
	usleep(300000);
	assert_true(alive(pid));
	/* While it waits, no other change may start. */
	struct plan *p = plan_new("t", NULL);
	char *cause = NULL;
	assert_non_null(plan_add_edit(p, b.t, b.conf, "x\n", 2, "r", &cause));
	struct apply_report rep;
	assert_int_equal(apply_plan(&b.ctx, p, NULL, &rep), -EBUSY);
	apply_report_free(&rep);
	plan_free(p);
	char *r = wait_result(&b, 15000);
	assert_string_equal(r, "reverted");
	free(r);
	free(fd0);
	free(fd1);
	free(log);
	box_close(&b);
}

static void test_confirm_without_a_waiting_change(void **state)
{
	(void)state;
	char *dir = tu_mkdtemp("confirm");
	char *j = xasprintf("%s/journal", dir);
	char *msg = NULL;
	assert_int_equal(guard_confirm(j, NULL, NULL, &msg), -ENOENT);
	assert_non_null(strstr(msg, "no journal"));
	free(msg);
	mkdir(j, 0700);
	assert_int_equal(guard_confirm(j, NULL, NULL, &msg), -ENOENT);
	assert_non_null(strstr(msg, "no change waits for confirmation"));
	free(msg);
	free(j);
	tu_rmtree(dir);
	free(dir);
}

/* Writes /proc/PID/{comm,cmdline,stat} under root. */
static void fake_proc(const char *root, int pid, const char *comm, const char *const *args,
                      unsigned tty_nr)
{
	char *p = xasprintf("%s/proc/%d/comm", root, pid);
	char *c = xasprintf("%s\n", comm);
	tu_write_file(p, c);
	free(p);
	free(c);
	p = xasprintf("%s/proc/%d/cmdline", root, pid);
	FILE *f = fopen(p, "wb");
	for (size_t i = 0; args && args[i]; i++)
		fwrite(args[i], 1, strlen(args[i]) + 1, f);
	fclose(f);
	free(p);
	p = xasprintf("%s/proc/%d/stat", root, pid);
	char *s = xasprintf("%d (%s) S 1 %d %d %u -1 4194560 100 0 0 0\n", pid, comm, pid, pid,
	                    tty_nr);
	tu_write_file(p, s);
	free(s);
	free(p);
}

static void test_other_way_in(void **state)
{
	(void)state;
	char *dir = tu_mkdtemp("wayin");
	const char *sysd[] = { "/sbin/init", NULL };
	const char *sshd[] = { "sshd: root@pts/0", NULL };
	const char *bash[] = { "-bash", NULL };
	fake_proc(dir, 1, "systemd", sysd, 0);
	fake_proc(dir, 700, "sshd", sshd, 0);
	fake_proc(dir, 701, "bash", bash, (136u << 8) | 0); /* pts/0 */
	char *cause = NULL;
	struct target *t = target_root_new(dir, &cause);
	struct strvec found = { 0 };
	assert_false(guard_other_way_in(t, "/proc", &found));
	assert_int_equal(found.n, 0);
	/* systemd's serial-getty@ttyS0 */
	const char *ser[] = {
		"/sbin/agetty", "-o",    "-p -- \\u", "--keep-baud", "115200,57600,38400,9600",
		"ttyS0",        "vt220", NULL
	};
	fake_proc(dir, 512, "agetty", ser, 0);
	assert_true(guard_other_way_in(t, "/proc", &found));
	assert_int_equal(found.n, 1);
	assert_non_null(strstr(found.v[0], "serial line ttyS0 (agetty, pid 512)"));
	sv_free(&found);
	/* A console getty and a console login. */
	const char *con[] = {
		"/sbin/agetty", "-o", "-p -- \\u", "--noclear", "tty1", "linux", NULL
	};
	const char *login[] = { "/bin/login", "-p", "--", NULL };
	fake_proc(dir, 513, "agetty", con, 0);
	fake_proc(dir, 514, "login", login, (4u << 8) | 2); /* tty2 */
	const char *hvc[] = { "/sbin/agetty", "--keep-baud", "115200", "/dev/hvc0", NULL };
	fake_proc(dir, 515, "agetty", hvc, 0);
	assert_true(guard_other_way_in(t, "/proc", &found));
	assert_int_equal(found.n, 4);
	struct sbuf all = { 0 };
	for (size_t i = 0; i < found.n; i++)
		sb_printf(&all, "%s\n", found.v[i]);
	assert_non_null(strstr(sb_str(&all), "local console tty1 (agetty, pid 513)"));
	assert_non_null(strstr(sb_str(&all), "logged in on tty2 (login, pid 514)"));
	assert_non_null(strstr(sb_str(&all), "serial line hvc0 (agetty, pid 515)"));
	sb_free(&all);
	sv_free(&found);
	target_free(t);
	tu_rmtree(dir);
	free(dir);
}

/* sshd.test "reloads" by adding a line to its sandbox's reloads file (the
 * sandbox holds the journal). */
static char **sshd_test_reload(const struct fix_ctx *ctx)
{
	const char *slash = strrchr(ctx->journal_dir, '/');
	char *script = xasprintf("echo reload >> '%.*s/reloads'", (int)(slash - ctx->journal_dir),
	                         ctx->journal_dir);
	const char *argv[] = { "sh", "-c", script, NULL };
	char **v = argv_dup(argv);
	free(script);
	return v;
}

static const struct fix_def sshd_test_def = { .id = "sshd.test", .reload = sshd_test_reload };
static const struct fix_def *const suite_fixes[] = { &sshd_test_def, NULL };

int main(int argc, char **argv)
{
	/* The suite's fix, known to the guard (this program) as well. */
	fix_add_definitions(suite_fixes);
	/* Run as the guard, exactly as asr-doctor's main does. */
	if (argc > 1 && strcmp(argv[1], GUARD_COMMAND) == 0)
		return undo_guard_main(argc - 1, argv + 1);
	self = realpath(argv[0], NULL);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_unconfirmed_change_is_undone_and_reloaded),
		cmocka_unit_test(test_guard_makes_the_target_again_from_its_description),
		cmocka_unit_test(test_confirmed_from_a_new_login_stays),
		cmocka_unit_test(test_guard_is_detached_and_survives_a_hangup),
		cmocka_unit_test(test_confirm_without_a_waiting_change),
		cmocka_unit_test(test_other_way_in),
	};
	int rc = cmocka_run_group_tests_name("guard", tests, NULL, NULL);
	free(self);
	return rc;
}
