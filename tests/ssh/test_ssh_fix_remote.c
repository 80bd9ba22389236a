/* test_ssh_fix_remote.c: real fixes applied, checked and undone on a
 * Linux machine over SSH by the real binary, end to end: `asr-doctor
 * --target root@127.0.0.1:PORT check`, `fix`, `confirm`, `check`, `undo`,
 * `check`, with the file bytes on the machine and its journal asserted at
 * each step. The sshd fix (sshd.enable_password) changes the very sshd
 * that serves the link: its /etc/ssh/sshd_config, validated there with
 * sshd -t, reloaded the way the fix finds there (the init script through
 * service, which signals the pid in /run/sshd.pid), its guard started
 * there and confirmed over a new connection; the GRUB fix
 * (grub.use_uuid) writes root=UUID= into /boot/grub/grub.cfg, the UUID
 * read from the machine's /dev/disk/by-uuid. The machine is this one seen
 * through a mount namespace of its own (sshd_start_machine): its
 * /etc/ssh, /etc/default, /boot, /run, /var/lib and /dev are the test's
 * folders, so this machine's own are never written; each test checks
 * that they are byte for byte what they were (tar of the folders hashed
 * before and after). Needs sshd, unshare and root: fails, never skips,
 * without them. */
#include <cjson/cJSON.h>
#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "engine/change/journal.h"
#include "engine/target/target_ssh.h"
#include "engine/undo.h"
#include "engine/util/util.h"
#include "support/sshd.h"
#include "support/testutil.h"

/* How long a wait for sshd's reload may last before the test fails. */
#define WAIT_MS 90000

static const char *scratch;
/* The test's sshd and machine folder, stopped by the teardown even when
 * the test fails halfway. */
static struct test_sshd srv;
static char *mach;

/* A fixed UUID for the machine's root file system. */
#define ROOT_UUID "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d"

/* What this machine's own folders hold, the ones the test machine has
 * copies of: a hash of a tar of them (names, bytes, modes, owners, times)
 * and whether asr-doctor's journal folder or an sshd pid file exists.
 * Caller frees. */
static char *host_state(void)
{
	char *out = NULL;
	assert_int_equal(tu_sh(&out,
			       "cd / && tar --numeric-owner -cf - etc/ssh etc/default boot 2>/dev/null "
			       "| sha256sum; ls -d /var/lib/asr-doctor /run/sshd.pid /dev/disk "
			       "2>/dev/null; true"),
			 0);
	return out;
}

/* The machine's folder, for a test (under the scratch folder). */
static char *new_machine(const char *tag)
{
	char *m = xasprintf("%s/machine-%s", scratch, tag);
	assert_int_equal(tu_sh(NULL, "mkdir -p '%s/etc/default' '%s/boot/grub'", m, m), 0);
	return m;
}

/* Runs the real binary against the machine of d (root, d's key, a HOME
 * whose known_hosts knows it); returns its exit status, *out its output
 * (both streams; caller frees). */
static int run_cli(const struct test_sshd *d, const char *home, const char *args, char **out)
{
	return tu_sh(out,
		     "env -u SSH_AUTH_SOCK -u SSH_CONNECTION HOME='%s' '%s' --target "
		     "root@127.0.0.1:%d -i '%s' %s 2>&1 </dev/null",
		     home, tu_binary(), d->port, d->user_key, args);
}

/* A HOME for the binary whose known_hosts knows d. Caller frees. */
static char *cli_home(const struct test_sshd *d, const char *tag)
{
	char *home = xasprintf("%s/home-%s", scratch, tag);
	assert_int_equal(tu_sh(NULL, "mkdir -p '%s/.ssh' && cp '%s' '%s/.ssh/known_hosts'", home,
			       d->known_hosts, home),
			 0);
	return home;
}

/* The status `check --json` gave the check id ("pass", "fail", ...), or
 * NULL. Caller frees. */
static char *status_of(const char *json, const char *id)
{
	const char *start = strchr(json, '{');
	cJSON *root = start ? cJSON_Parse(start) : NULL;
	char *st = NULL;
	const cJSON *r;
	cJSON_ArrayForEach(r, cJSON_GetObjectItem(root, "results"))
	{
		const cJSON *c = cJSON_GetObjectItem(r, "check");
		const cJSON *s = cJSON_GetObjectItem(r, "status");
		if (cJSON_IsString(c) && strcmp(c->valuestring, id) == 0 && cJSON_IsString(s))
			st = xstrdup(s->valuestring);
	}
	cJSON_Delete(root);
	return st;
}

/* Runs `check --json` of the ids (one string, space-separated) and
 * asserts each has the status want. */
static void expect_checks(const struct test_sshd *d, const char *home, const char *ids,
			  const char *want)
{
	char *args = xasprintf("check --json %s", ids);
	char *out = NULL;
	run_cli(d, home, args, &out);
	char *copy = xstrdup(ids), *save = NULL;
	for (char *id = strtok_r(copy, " ", &save); id; id = strtok_r(NULL, " ", &save)) {
		char *st = status_of(out, id);
		if (!st || strcmp(st, want) != 0)
			fail_msg("check %s is '%s', not '%s':\n%s", id, st ? st : "(missing)", want,
				 out);
		free(st);
	}
	free(copy);
	free(out);
	free(args);
}

/* Waits until sshd has listened n times. */
static void wait_listens(const struct test_sshd *d, int n)
{
	for (int i = 0; i < WAIT_MS / 50 && sshd_listens(d) < n; i++)
		nanosleep(&(struct timespec){ 0, 50 * 1000 * 1000 }, NULL);
	if (sshd_listens(d) != n) {
		char *log = tu_read_file(d->log, NULL);
		fail_msg("sshd listened %d times, not %d:\n%s", sshd_listens(d), n, log);
	}
}

/* The journal on the machine (its /var/lib/asr-doctor/journal), read as
 * the machine's own console reads it. */
static struct journal *machine_journal(const char *machine)
{
	char *dir = xasprintf("%s/var/lib/asr-doctor/journal", machine);
	struct journal *j = NULL;
	char *cause = NULL;
	if (journal_list(dir, &j, &cause) != 0)
		fail_msg("journal %s: %s", dir, cause);
	free(dir);
	return j;
}

/* Undo while the fix's guard waits on the machine: the guard puts the
 * file back by itself from its own copy, so undo is refused, by the real
 * binary (its preview, --dry-run too) and by the engine under the
 * journal's lock (what the wizard calls), each saying which entry waits,
 * until when and with how long left, the confirm command, and that the
 * guard may be let put it back; the file, the journal and the guard are
 * left as they were. */
static void expect_undo_refused_while_guarded(const struct test_sshd *d, const char *home,
					      const char *fixed)
{
	char *confirm = xasprintf("'asr-doctor --target root@127.0.0.1:%d -i %s confirm 1'",
				  d->port, d->user_key);
	const char *const says[] = { "entry 1 on ", "waits for confirmation until ", " s left)",
				     confirm, "or let the guard put it back at ",
				     "nothing was changed" };
	const char *const runs[] = { "undo --yes", "undo 1 --yes", "undo --dry-run" };
	for (size_t i = 0; i < ARRAY_LEN(runs); i++) {
		char *out = NULL;
		int rc = run_cli(d, home, runs[i], &out);
		if (rc != 1)
			fail_msg("'%s' while the guard waits exited %d:\n%s", runs[i], rc, out);
		for (size_t k = 0; k < ARRAY_LEN(says); k++)
			if (!strstr(out, says[k]))
				fail_msg("'%s' does not say '%s':\n%s", runs[i], says[k], out);
		free(out);
	}
	struct target *t = sshd_login(d, "root", 20000);
	struct fix_ctx ctx = { .t = t, .timeout_ms = 60000 };
	struct apply_report rep;
	assert_int_equal(undo_entry(&ctx, "1", &(struct apply_opts){ .force = true }, &rep),
			 -EBUSY);
	/* The link made here names no key: the confirm command has none. */
	char *plain = xasprintf("'asr-doctor --target root@127.0.0.1:%d confirm 1'", d->port);
	const char *const engine_says[] = { says[0], says[1], says[2], plain, says[4], says[5] };
	for (size_t k = 0; k < ARRAY_LEN(engine_says); k++)
		if (!strstr(rep.message, engine_says[k]))
			fail_msg("undo_entry does not say '%s':\n%s", engine_says[k], rep.message);
	free(plain);
	apply_report_free(&rep);
	target_free(t);
	char *now = tu_read_file(d->conf, NULL);
	assert_string_equal(now, fixed);
	free(now);
	struct journal *j = machine_journal(mach);
	assert_int_equal(j->n, 1);
	assert_null(j->entries[0].undone_by);
	assert_ptr_equal(journal_guard_waiting(j), &j->entries[0]);
	journal_close(j);
	free(confirm);
}

/* The sshd fix over the link it changes: checked failing, applied (the
 * file validated and replaced, sshd reloaded through the init script,
 * which finds the test's sshd by the machine's pid file), its guard
 * recorded in the machine's journal, undo refused while it waits, the
 * guard confirmed over a new connection,
 * checked passing, undone (the exact bytes back, sshd reloaded again),
 * checked failing again; this machine's /etc/ssh untouched. */
static void test_sshd_fix(void **state)
{
	(void)state;
	char *before = host_state();
	mach = new_machine("sshd");
	srv = sshd_start_machine("#PermitRootLogin prohibit-password\nPasswordAuthentication no\n",
				 mach);
	char *home = cli_home(&srv, "sshd");
	size_t old_len = 0;
	char *old = tu_read_file(srv.conf, &old_len);
	struct stat st;
	assert_int_equal(stat(srv.conf, &st), 0);
	mode_t mode = st.st_mode & 07777;
	const char *ids = "sshd.password sshd.root_login";
	expect_checks(&srv, home, ids, "fail");
	expect_checks(&srv, home, "sshd.sftp", "pass");

	int reloads = sshd_listens(&srv);
	char *out = NULL;
	int rc = run_cli(&srv, home, "fix sshd.enable_password --yes --confirm-within 600", &out);
	if (rc != 0)
		fail_msg("fix exited %d:\n%s", rc, out);
	char *want = xasprintf("asr-doctor --target root@127.0.0.1:%d -i %s confirm 1", srv.port,
			       srv.user_key);
	/* The reload the fix finds there: the init script through service
	 * where the machine has it (this one does), else SIGHUP to the pid
	 * in /run/sshd.pid; either reaches sshd through the machine's pid
	 * file (the output is longer than a failure message holds: its
	 * end). */
	bool reload = strstr(out, "$ service ssh reload") || strstr(out, "/run/sshd.pid");
	if (!reload || !strstr(out, want))
		fail_msg("fix did not reload through the init script or name its confirm:\n%s",
			 out + (strlen(out) > 1500 ? strlen(out) - 1500 : 0));
	free(want);
	free(out);
	/* The reload reached the test's sshd. */
	wait_listens(&srv, reloads + 1);
	char *now = tu_read_file(srv.conf, NULL);
	if (!strstr(now, "\nPasswordAuthentication yes\n") || !strstr(now, "\nPermitRootLogin yes\n"))
		fail_msg("the machine's sshd_config after the fix:\n%s", now);
	free(now);
	/* Its journal, on the machine: applied, a guard waiting there. */
	struct journal *j = machine_journal(mach);
	assert_int_equal(j->n, 1);
	const struct journal_entry *e = &j->entries[0];
	assert_string_equal(e->fix_id, "sshd.enable_password");
	assert_int_equal(e->outcome, JOURNAL_APPLIED);
	assert_true(e->guard_pid > 1);
	assert_null(e->guard_result);
	assert_non_null(journal_guard_waiting(j));
	journal_close(j);
	now = tu_read_file(srv.conf, NULL);
	expect_undo_refused_while_guarded(&srv, home, now);
	free(now);
	assert_int_equal(sshd_listens(&srv), reloads + 1);

	/* Confirmed over a new connection. */
	rc = run_cli(&srv, home, "confirm", &out);
	if (rc != 0 || !strstr(out, "entry 1 confirmed"))
		fail_msg("confirm exited %d:\n%s", rc, out);
	free(out);
	j = machine_journal(mach);
	assert_string_equal(j->entries[0].guard_result, "confirmed");
	journal_close(j);
	expect_checks(&srv, home, ids, "pass");

	rc = run_cli(&srv, home, "undo --yes", &out);
	if (rc != 0)
		fail_msg("undo exited %d:\n%s", rc, out);
	free(out);
	wait_listens(&srv, reloads + 2);
	size_t now_len = 0;
	now = tu_read_file(srv.conf, &now_len);
	assert_int_equal(now_len, old_len);
	assert_memory_equal(now, old, old_len);
	free(now);
	assert_int_equal(stat(srv.conf, &st), 0);
	assert_int_equal(st.st_mode & 07777, mode);
	assert_int_equal(st.st_uid, 0);
	j = machine_journal(mach);
	assert_int_equal(j->n, 2);
	assert_string_equal(j->entries[0].undone_by, "2");
	assert_string_equal(j->entries[1].undoes, "1");
	assert_int_equal(j->entries[1].outcome, JOURNAL_UNDONE);
	journal_close(j);
	expect_checks(&srv, home, ids, "fail");
	/* history over the link tells the same. */
	rc = run_cli(&srv, home, "history --json", &out);
	assert_int_equal(rc, 0);
	if (!strstr(out, "\"guard\":\t\"confirmed\"") || !strstr(out, "\"undone_by\":\t\"2\""))
		fail_msg("history over SSH:\n%s", out);
	free(out);

	sshd_stop(&srv);
	char *after = host_state();
	assert_string_equal(after, before);
	free(after);
	free(old);
	free(home);
	free(before);
}

/* The GRUB fix: root=/dev/sda2 in the machine's /boot/grub/grub.cfg, the
 * UUID of /dev/sda2 known from the machine's /dev/disk/by-uuid link:
 * checked failing, fixed (root=UUID=..., every other byte kept, no
 * command run since /etc/default/grub names no device), checked passing,
 * undone byte for byte, checked failing again; this machine's /boot and
 * /etc/default untouched. */
static void test_grub_fix(void **state)
{
	(void)state;
	char *before = host_state();
	mach = new_machine("grub");
	assert_int_equal(tu_sh(NULL,
			       "mkdir -p '%s/dev/disk/by-uuid' && : >'%s/dev/sda2' && "
			       "ln -s ../../sda2 '%s/dev/disk/by-uuid/" ROOT_UUID "'",
			       mach, mach, mach),
			 0);
	char *dflt = xasprintf("%s/etc/default/grub", mach);
	const char *dflt_text = "GRUB_DEFAULT=0\nGRUB_TIMEOUT=5\nGRUB_DISTRIBUTOR=Debian\n"
				"GRUB_CMDLINE_LINUX_DEFAULT=\"quiet\"\nGRUB_CMDLINE_LINUX=\"\"\n";
	tu_write_file(dflt, dflt_text);
	char *cfg = xasprintf("%s/boot/grub/grub.cfg", mach);
	const char *cfg_text = "### BEGIN /etc/grub.d/10_linux ###\n"
			       "menuentry 'Debian GNU/Linux' --class debian {\n"
			       "\tlinux\t/vmlinuz-6.1.0-13-amd64 root=/dev/sda2 ro quiet\n"
			       "\tinitrd\t/initrd.img-6.1.0-13-amd64\n"
			       "}\n"
			       "### END /etc/grub.d/10_linux ###\n";
	tu_write_file(cfg, cfg_text);
	assert_int_equal(chmod(cfg, 0444), 0);
	srv = sshd_start_machine(NULL, mach);
	char *home = cli_home(&srv, "grub");
	expect_checks(&srv, home, "grub.device_names", "fail");

	char *out = NULL;
	int rc = run_cli(&srv, home, "fix grub.use_uuid --yes", &out);
	if (rc != 0)
		fail_msg("fix exited %d:\n%s", rc, out);
	free(out);
	char *now = tu_read_file(cfg, NULL);
	char *want = xstrdup(cfg_text);
	char *at = strstr(want, "/dev/sda2");
	char *fixed = xasprintf("%.*sUUID=" ROOT_UUID "%s", (int)(at - want), want,
				at + strlen("/dev/sda2"));
	assert_string_equal(now, fixed);
	free(fixed);
	free(want);
	free(now);
	struct stat st;
	assert_int_equal(stat(cfg, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0444);
	now = tu_read_file(dflt, NULL);
	assert_string_equal(now, dflt_text);
	free(now);
	struct journal *j = machine_journal(mach);
	assert_int_equal(j->n, 1);
	assert_string_equal(j->entries[0].fix_id, "grub.use_uuid");
	assert_int_equal(j->entries[0].outcome, JOURNAL_APPLIED);
	assert_int_equal(j->entries[0].nfiles, 1);
	assert_string_equal(j->entries[0].files[0].path, "/boot/grub/grub.cfg");
	assert_int_equal(j->entries[0].ncmds, 0);
	assert_int_equal(j->entries[0].guard_pid, 0);
	journal_close(j);
	expect_checks(&srv, home, "grub.device_names", "pass");

	rc = run_cli(&srv, home, "undo --yes", &out);
	if (rc != 0)
		fail_msg("undo exited %d:\n%s", rc, out);
	free(out);
	now = tu_read_file(cfg, NULL);
	assert_string_equal(now, cfg_text);
	free(now);
	assert_int_equal(stat(cfg, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0444);
	j = machine_journal(mach);
	assert_int_equal(j->n, 2);
	assert_string_equal(j->entries[1].undoes, "1");
	assert_int_equal(j->entries[1].outcome, JOURNAL_UNDONE);
	journal_close(j);
	expect_checks(&srv, home, "grub.device_names", "fail");

	sshd_stop(&srv);
	char *after = host_state();
	assert_string_equal(after, before);
	free(after);
	free(home);
	free(cfg);
	free(dflt);
	free(before);
}

/* Stops what a test started, by pid: a guard still waiting on the
 * machine (named by its journal), then sshd. */
static int teardown_machine(void **state)
{
	(void)state;
	char *dir = mach ? xasprintf("%s/var/lib/asr-doctor/journal", mach) : NULL;
	struct journal *j = NULL;
	char *cause = NULL;
	if (dir && journal_list(dir, &j, &cause) == 0) {
		for (size_t i = 0; i < j->n; i++)
			if (j->entries[i].guard_pid > 1 && !j->entries[i].guard_result)
				kill((pid_t)j->entries[i].guard_pid, SIGTERM);
		journal_close(j);
	}
	free(cause);
	free(dir);
	sshd_stop(&srv);
	free(mach);
	mach = NULL;
	return 0;
}

static int setup(void **state)
{
	(void)state;
	unsetenv("SSH_AUTH_SOCK");
	scratch = tu_scratch("fix-remote");
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_sshd_fix, teardown_machine),
		cmocka_unit_test_teardown(test_grub_fix, teardown_machine),
	};
	return tu_scratch_done(cmocka_run_group_tests_name("ssh_fix_remote", tests, setup, NULL));
}
