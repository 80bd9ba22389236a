/* test_ssh_change.c: a change made to a Linux machine over SSH, end to
 * end, against a real sshd on 127.0.0.1: the one executor (apply_plan)
 * replaces a file there (a temporary file beside it, mode and owner kept,
 * renamed over), its validator runs on that machine, the journal and its
 * backups are kept there under /var/lib/asr-doctor/journal (read back
 * with this machine's own journal code, the same format), `history` over
 * SSH lists it, undo over SSH (the engine's, and the real binary's
 * `--target ... undo`) puts the bytes, mode and owner back; two
 * asr-doctors changing the machine are refused by one lock, which the
 * machine's own console takes too (flock); the server's sessions killed
 * in the middle of a change leave the file old or new, and the next run
 * closes the entry. The remote machine is this one with its own /var/lib
 * (sshd runs in a mount namespace of its own, a scratch folder bound
 * there), so results are read with local calls and nothing of this
 * machine's /var/lib changes. Needs sshd, /run/sshd, unshare and root:
 * fails, never skips, without them. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "engine/change/apply.h"
#include "engine/change/journal.h"
#include "engine/fix.h"
#include "engine/target/target_ssh.h"
#include "engine/undo.h"
#include "engine/util/util.h"
#include "support/sshd.h"
#include "support/testutil.h"

static struct test_sshd d;
static char *varlib; /* the remote machine's /var/lib, on this machine */
static char *files;  /* a folder the tests change, the same path on both */
static char *home;   /* HOME of the binary's runs */

/* The validator of test.remote: passes only where the remote machine's
 * /var/lib holds asr-doctor's journal, which this machine's does not, and
 * only for the new bytes: it proves the check ran there, on that file. */
static char **remote_validator(const struct fix_ctx *ctx, const char *path)
{
	(void)ctx;
	(void)path;
	const char *v[] = { "sh", "-c", "test -d /var/lib/asr-doctor/journal && grep -q value \"$1\"",
			    "validator", "{file}", NULL };
	return argv_dup(v);
}

static const struct fix_def remote_def = { .id = "test.remote", .validator = remote_validator };
static const struct fix_def *const suite_fixes[] = { &remote_def, NULL };

/* A connection to the test's sshd as root. */
static struct target *login(void)
{
	return sshd_login(&d, "root", 30000);
}

/* A plan of test.remote writing text to path, with its validator. */
static struct plan *plan_for(struct target *t, const char *path, const char *text)
{
	struct plan *p = plan_new("test.remote", "test change");
	char *cause = NULL;
	struct file_edit *e = plan_add_edit(p, t, path, text, strlen(text), "a test", &cause);
	if (!e)
		fail_msg("plan: %s", cause);
	char **v = remote_validator(NULL, path);
	plan_edit_validator(e, (const char *const *)v);
	argv_free(v);
	return p;
}

/* The file's bytes, mode and owner on the (remote) machine. */
static void assert_file(const char *path, const char *text, mode_t mode, uid_t uid, gid_t gid)
{
	char *got = tu_read_file(path, NULL);
	assert_non_null(got);
	assert_string_equal(got, text);
	free(got);
	struct stat st;
	assert_int_equal(lstat(path, &st), 0);
	assert_true(S_ISREG(st.st_mode));
	assert_int_equal(st.st_mode & 07777, mode);
	assert_int_equal(st.st_uid, uid);
	assert_int_equal(st.st_gid, gid);
}

/* Whether a temporary file of asr-doctor is left in dir. */
static bool temp_left(const char *dir)
{
	char *out = NULL;
	tu_sh(&out, "ls -a '%s' | grep -c asr-doctor", dir);
	bool left = out && atoi(out) > 0;
	free(out);
	return left;
}

/* Runs the binary against the remote machine; returns its status. */
static int run_cli(char **out, const char *args)
{
	return tu_sh(out,
		     "env -u SSH_AUTH_SOCK HOME='%s' '%s' --target root@127.0.0.1:%d -i '%s' "
		     "--accept-new-host-key %s 2>&1 </dev/null",
		     home, tu_binary(), d.port, d.user_key, args);
}

/* A fix applied over SSH, checked again, listed by `history` over SSH,
 * read back locally, and undone over SSH. */
static void test_apply_and_undo_over_ssh(void **state)
{
	char *f = xasprintf("%s/app.conf", files);
	tu_write_file(f, "setting old\n");
	assert_int_equal(chown(f, 4711, 4712), 0);
	assert_int_equal(chmod(f, 0640), 0);
	struct target *t = login();
	assert_true(t->can_write);
	assert_true(target_keeps_journal(t));
	char *jdir = journal_default_dir(t);
	assert_string_equal(jdir, "/var/lib/asr-doctor/journal");

	struct plan *p = plan_for(t, f, "setting value\n");
	/* The plan says where its check runs: on the remote machine. */
	struct sbuf shown = { 0 };
	plan_format(p, &shown);
	char *where = xasprintf("run on %s", t->remote);
	if (!strstr(sb_str(&shown), where))
		fail_msg("the plan does not say where it is checked:\n%s", sb_str(&shown));
	free(where);
	sb_free(&shown);
	struct fix_ctx ctx = { .t = t, .timeout_ms = 60000 };
	struct apply_report rep;
	int rc = apply_plan(&ctx, p, NULL, &rep);
	if (rc != 0)
		fail_msg("apply over SSH: %s\n%s", rep.message,
			 rep.validator_output ? rep.validator_output : "");
	assert_int_equal(rep.outcome, JOURNAL_APPLIED);
	assert_string_equal(rep.entry_id, "1");
	apply_report_free(&rep);
	plan_free(p);

	/* The new bytes, the old mode and owner, nothing left beside. */
	assert_file(f, "setting value\n", 0640, 4711, 4712);
	assert_false(temp_left(files));
	/* Checked again through the target. */
	char *again = NULL;
	size_t len = 0;
	assert_int_equal(target_read(t, f, &again, &len), 0);
	assert_string_equal(again, "setting value\n");
	free(again);

	/* The journal is on the remote machine, under its /var/lib, 0700,
	 * and this machine's journal code reads it as its own. */
	char *hj = xasprintf("%s/asr-doctor/journal", varlib);
	struct stat st;
	assert_int_equal(lstat(hj, &st), 0);
	assert_true(S_ISDIR(st.st_mode));
	assert_int_equal(st.st_mode & 0777, 0700);
	struct journal *j = NULL;
	char *cause = NULL;
	assert_int_equal(journal_list(hj, &j, &cause), 0);
	assert_int_equal(j->n, 1);
	assert_int_equal(j->damaged, 0);
	const struct journal_entry *e = &j->entries[0];
	assert_string_equal(e->target_kind, "ssh");
	assert_int_equal(e->outcome, JOURNAL_APPLIED);
	assert_int_equal(e->nfiles, 1);
	assert_string_equal(e->files[0].path, f);
	assert_int_equal(e->files[0].mode, 0640);
	assert_int_equal(e->files[0].uid, 4711);
	char *orig = NULL;
	size_t olen = 0;
	assert_int_equal(journal_read_backup(j, &e->files[0], &orig, &olen, &cause), 0);
	assert_string_equal(orig, "setting old\n");
	free(orig);
	journal_close(j);
	/* No lock left held: the machine's own console can take it. */
	char *lock = xasprintf("%s/lock", hj);
	int fd = open(lock, O_RDWR | O_CLOEXEC);
	assert_true(fd >= 0);
	assert_int_equal(flock(fd, LOCK_EX | LOCK_NB), 0);
	close(fd);

	/* history over SSH reads the remote journal. */
	char *out = NULL;
	assert_int_equal(run_cli(&out, "history"), 0);
	if (!strstr(out, "/var/lib/asr-doctor/journal") || !strstr(out, "test.remote") ||
	    !strstr(out, f))
		fail_msg("history over SSH:\n%s", out);
	free(out);

	/* Undo over SSH: the original bytes, mode and owner. */
	struct apply_report urep;
	rc = undo_entry(&ctx, "latest", NULL, &urep);
	if (rc != 0)
		fail_msg("undo over SSH: %s", urep.message);
	assert_int_equal(urep.outcome, JOURNAL_UNDONE);
	apply_report_free(&urep);
	assert_file(f, "setting old\n", 0640, 4711, 4712);
	assert_false(temp_left(files));
	assert_int_equal(journal_list(hj, &j, &cause), 0);
	assert_int_equal(j->n, 2);
	assert_string_equal(j->entries[1].undoes, "1");
	assert_int_equal(j->entries[1].outcome, JOURNAL_UNDONE);
	assert_string_equal(j->entries[0].undone_by, "2");
	journal_close(j);

	free(lock);
	free(hj);
	free(jdir);
	target_free(t);
	free(f);
}

/* One asr-doctor at a time: a second connection is refused while the
 * first holds the lock (and so is the machine's own console), and takes
 * it once the first lets go. */
static void test_one_changer_at_a_time(void **state)
{
	char *jdir = xasprintf("%s/locked-journal", files);
	char *f = xasprintf("%s/locked.conf", files);
	tu_write_file(f, "setting old\n");
	struct target *t1 = login(), *t2 = login();
	struct journal *j1 = NULL, *j2 = NULL;
	char *cause = NULL;
	assert_int_equal(journal_open_for(t1, jdir, NULL, true, &j1, &cause), 0);
	assert_true(j1->place == t1);
	assert_int_equal(journal_lock(j1, 0, &cause), 0);

	assert_int_equal(journal_open_for(t2, jdir, NULL, false, &j2, &cause), 0);
	assert_int_equal(journal_lock(j2, 0, &cause), -EWOULDBLOCK);
	if (!strstr(cause, "another asr-doctor (pid ") || !strstr(cause, t2->remote))
		fail_msg("the refusal does not say who holds the lock: %s", cause);
	free(cause);
	cause = NULL;
	/* The holder's pid is a live process of that machine. */
	char *lock = xasprintf("%s/lock", jdir);
	char *holder = tu_read_file(lock, NULL);
	assert_true(atol(holder) > 0);
	assert_int_equal(kill((pid_t)atol(holder), 0), 0);
	free(holder);
	int fd = open(lock, O_RDWR | O_CLOEXEC);
	assert_true(fd >= 0);
	assert_int_equal(flock(fd, LOCK_EX | LOCK_NB), -1);
	assert_int_equal(errno, EWOULDBLOCK);

	/* A change through the second connection is refused, nothing
	 * changed. */
	struct plan *p = plan_for(t2, f, "setting value\n");
	struct fix_ctx ctx = { .t = t2, .journal_dir = jdir, .timeout_ms = 60000 };
	struct apply_report rep;
	assert_int_equal(apply_plan(&ctx, p, NULL, &rep), -EWOULDBLOCK);
	if (!strstr(rep.message, "another asr-doctor") || !strstr(rep.message, "nothing was changed"))
		fail_msg("apply while locked: %s", rep.message);
	apply_report_free(&rep);
	char *got = tu_read_file(f, NULL);
	assert_string_equal(got, "setting old\n");
	free(got);

	/* Let go: the console and then the second connection take it. */
	journal_close(j1);
	assert_int_equal(flock(fd, LOCK_EX | LOCK_NB), 0);
	assert_int_equal(flock(fd, LOCK_UN), 0);
	close(fd);
	assert_int_equal(journal_lock(j2, 0, &cause), 0);
	journal_close(j2);

	plan_free(p);
	free(lock);
	target_free(t1);
	target_free(t2);
	free(f);
	free(jdir);
}

/* The server's sessions killed while a change is being written: the file
 * is the old one or the new one, whole, and the next run over a new
 * connection closes the entry (interrupted) and removes the temporary
 * file. */
static void test_killed_mid_change(void **state)
{
	char *jdir = xasprintf("%s/killed-journal", files);
	char *f = xasprintf("%s/big.conf", files);
	const char *old = "setting old\n";
	tu_write_file(f, old);
	/* A large text, so that the write is under way when the sessions go. */
	size_t n = 12u * 1024 * 1024;
	char *text = xmalloc(n + 1);
	for (size_t i = 0; i < n; i++)
		text[i] = i % 64 == 63 ? '\n' : 'v';
	memcpy(text, "value", 5);
	text[n] = '\0';
	struct target *t = login();
	struct plan *p = plan_for(t, f, text);
	pid_t killer = fork();
	assert_true(killer >= 0);
	if (killer == 0) {
		char *tmp = target_temp_path(f, "1");
		struct stat st;
		for (int i = 0; i < 20000; i++) {
			if (stat(tmp, &st) == 0 && st.st_size > 1024 * 1024)
				break;
			nanosleep(&(struct timespec){ 0, 2 * 1000 * 1000 }, NULL);
		}
		tu_sh(NULL, "for c in $(cat /proc/%d/task/*/children); do kill -9 $c; done",
		      (int)d.pid);
		tu_child_exit(0);
	}
	/* In a child of its own (libssh2 keeps what a lost link could not
	 * close); 0: the change failed with the link lost. */
	pid_t applier = fork();
	assert_true(applier >= 0);
	if (applier == 0) {
		struct fix_ctx ctx = { .t = t, .journal_dir = jdir, .timeout_ms = 60000 };
		struct apply_report rep;
		int rc = apply_plan(&ctx, p, NULL, &rep);
		tu_child_exit(rc < 0 && target_lost(t) ? 0 : 1);
	}
	int status = -1;
	assert_int_equal(waitpid(applier, &status, 0), applier);
	waitpid(killer, NULL, 0);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	size_t len = 0;
	char *got = tu_read_file(f, &len);
	assert_true(strcmp(got, old) == 0 || (len == n && memcmp(got, text, n) == 0));
	free(got);
	target_free(t);
	plan_free(p);

	/* The entry was begun and not finished: a new connection's next
	 * change closes it, and the temporary file is gone. */
	struct journal *j = NULL;
	char *cause = NULL;
	assert_int_equal(journal_list(jdir, &j, &cause), 0);
	assert_int_equal(j->n, 1);
	assert_int_equal(j->entries[0].outcome, JOURNAL_UNFINISHED);
	journal_close(j);
	t = login();
	char *g = xasprintf("%s/small.conf", files);
	tu_write_file(g, "setting old\n");
	p = plan_for(t, g, "setting value\n");
	struct fix_ctx ctx = { .t = t, .journal_dir = jdir, .timeout_ms = 60000 };
	struct apply_report rep;
	if (apply_plan(&ctx, p, NULL, &rep) != 0)
		fail_msg("the next change: %s", rep.message);
	assert_true(rep.notes.n >= 1);
	if (!strstr(rep.notes.v[0], "entry 1"))
		fail_msg("the unfinished entry is not closed: %s", rep.notes.v[0]);
	apply_report_free(&rep);
	char *tmp = target_temp_path(f, "1");
	assert_int_equal(access(tmp, F_OK), -1);
	assert_int_equal(journal_list(jdir, &j, &cause), 0);
	assert_int_equal(j->entries[0].outcome, JOURNAL_INTERRUPTED);
	assert_int_equal(j->entries[1].outcome, JOURNAL_APPLIED);
	journal_close(j);
	free(tmp);
	free(g);
	plan_free(p);
	target_free(t);
	free(text);
	free(f);
	free(jdir);
}

/* The real binary's `--target ... undo --yes` over SSH: the change of a
 * fix the binary knows nothing more of than its journal entry (no
 * validator, no command) is put back from the remote journal, bytes,
 * mode and owner, and the undo is journalled there. */
static void test_cli_undo_over_ssh(void **state)
{
	char *jdir = xasprintf("%s/cli-journal", files);
	char *f = xasprintf("%s/cli.conf", files);
	tu_write_file(f, "setting old\n");
	assert_int_equal(chown(f, 4711, 4712), 0);
	assert_int_equal(chmod(f, 0604), 0);
	struct target *t = login();
	struct plan *p = plan_new("test.plain", "test change");
	char *cause = NULL;
	const char *text = "setting new\n";
	assert_non_null(plan_add_edit(p, t, f, text, strlen(text), "a test", &cause));
	struct fix_ctx ctx = { .t = t, .journal_dir = jdir, .timeout_ms = 60000 };
	struct apply_report rep;
	if (apply_plan(&ctx, p, NULL, &rep) != 0)
		fail_msg("apply: %s", rep.message);
	apply_report_free(&rep);
	plan_free(p);
	target_free(t);
	assert_file(f, text, 0604, 4711, 4712);

	char *out = NULL;
	char *args = xasprintf("--journal '%s' undo --yes", jdir);
	int rc = run_cli(&out, args);
	if (rc != 0 || !strstr(out, "entry 1"))
		fail_msg("undo over SSH (status %d):\n%s", rc, out);
	free(out);
	assert_file(f, "setting old\n", 0604, 4711, 4712);
	assert_false(temp_left(files));
	struct journal *j = NULL;
	assert_int_equal(journal_list(jdir, &j, &cause), 0);
	assert_int_equal(j->n, 2);
	assert_string_equal(j->entries[1].undoes, "1");
	assert_int_equal(j->entries[1].outcome, JOURNAL_UNDONE);
	assert_string_equal(j->entries[1].target_kind, "ssh");
	journal_close(j);
	free(args);
	free(f);
	free(jdir);
}

static int setup(void **state)
{
	unsetenv("SSH_AUTH_SOCK");
	const char *scratch = tu_scratch("ssh-change");
	varlib = xasprintf("%s/varlib", scratch);
	files = xasprintf("%s/files", scratch);
	home = xasprintf("%s/home", scratch);
	assert_int_equal(tu_sh(NULL, "mkdir -p '%s' '%s' '%s/.ssh'", varlib, files, home), 0);
	const char *binds[] = { varlib, "/var/lib", NULL };
	d = sshd_start_binds(NULL, binds);
	return 0;
}

static int teardown(void **state)
{
	sshd_stop(&d);
	free(varlib);
	free(files);
	free(home);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_apply_and_undo_over_ssh),
		cmocka_unit_test(test_one_changer_at_a_time),
		cmocka_unit_test(test_killed_mid_change),
		cmocka_unit_test(test_cli_undo_over_ssh),
	};
	fix_add_definitions(suite_fixes);
	return tu_scratch_done(cmocka_run_group_tests_name("ssh_change", tests, setup, teardown));
}
