/* test_ssh_sudo.c: a login that is not root, with and without --sudo,
 * against a real sshd on 127.0.0.1 whose accounts and /etc/sudoers.d live
 * in a private mount namespace (tests/support/sshd.c): without sudo the
 * root-only file is refused and the check says it needs root; with sudo
 * (its password the login's, from --password-fd, or none under NOPASSWD)
 * commands run as root, /etc/shadow and a root-only folder are read, and
 * a file in root's folder is replaced with its mode and owner and its
 * bytes exact (the password on sudo's standard input never lands in it),
 * and the journal's store (folders, records, the lock) kept there;
 * a wrong sudo password and an account sudo refuses end the login with
 * sudo's reason; a whole session's outputs and files never hold the
 * password; statvfs and realpath under root's folder, refused without
 * sudo and answered through it, and a root mounted in root's folder
 * (--target --root --sudo) read through sudo, its links read there too;
 * a root-only log larger than a piece scanned through sudo.
 * The remote machine is this one, so results are read back
 * with local system calls. Needs sshd, sudo, unshare and root: fails,
 * never skips, without them. */
#include "support/testutil.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "engine/target/target_ssh.h"
#include "engine/util/util.h"
#include "support/sshd.h"

#define SUDO_PW "Sud0 pw; $x 'y' \"z\""
#define NOPW_PW "N0pw-login"

static const char *scratch;
static struct test_sshd d;
static char *dir; /* root's folder (0700) the tests change */

static const struct test_account accounts[] = {
	{ .name = "asrsudo", .uid = 4391, .password = SUDO_PW },
	{ .name = "asrnopw", .uid = 4392, .password = NOPW_PW },
	{ .name = "asrplain", .uid = 4393, .password = NOPW_PW },
	{ .name = "asrrootpw", .uid = 4394, .password = SUDO_PW },
};

static const char sudoers[] = "asrsudo ALL=(ALL:ALL) ALL\n"
			      "asrnopw ALL=(ALL:ALL) NOPASSWD: ALL\n"
			      "Defaults:asrrootpw rootpw\n"
			      "asrrootpw ALL=(ALL:ALL) ALL\n";

/* A password login as user (password_only: no agent, no keys). */
static struct ssh_opts opts_for(const char *user, const char *password, bool sudo)
{
	struct ssh_opts o;
	ssh_opts_init(&o);
	o.host = "127.0.0.1";
	o.port = d.port;
	o.user = user;
	o.password_only = true;
	o.password = password;
	o.known_hosts = d.known_hosts;
	o.timeout_ms = 60000; /* a loaded machine takes seconds per login */
	o.sudo = sudo;
	return o;
}

static struct target *connect_ok(const struct ssh_opts *o)
{
	struct target *t = target_ssh_new(o);
	struct ssh_attempt a;
	char *cause = NULL;
	if (target_ssh_connect(t, o, &a, &cause) != 0)
		fail_msg("connect: %s", cause);
	return t;
}

/* Runs argv on t and gives its standard output, trimmed (caller frees). */
static char *run_out(struct target *t, const char *const argv[], int *status)
{
	struct cmd_result r = { 0 };
	assert_int_equal(target_run(t, argv, 60000, &r), 0);
	*status = r.status;
	char *out = xstrdup(str_trim(r.out));
	cmd_result_free(&r);
	return out;
}

/* Without --sudo: the login is not root, commands run as the account,
 * /etc/shadow and a root-only folder are refused (-EACCES). */
static void test_without_sudo(void **state)
{
	struct ssh_opts o = opts_for("asrsudo", SUDO_PW, false);
	struct target *t = connect_ok(&o);
	assert_false(t->is_root);
	int st;
	const char *const id[] = { "id", "-u", NULL };
	char *out = run_out(t, id, &st);
	assert_int_equal(st, 0);
	assert_string_equal(out, "4391");
	free(out);
	char *data = NULL;
	size_t len;
	assert_int_equal(target_read(t, "/etc/shadow", &data, &len), -EACCES);
	struct strvec names = { 0 };
	assert_int_equal(target_list(t, dir, &names), -EACCES);
	target_free(t);
}

/* With --sudo and a password login: root through sudo, the login's
 * password given to sudo; /etc/shadow read whole (its bytes as on disk),
 * a root-only folder listed and a file under it stat'ed. */
static void test_sudo_reads_and_runs(void **state)
{
	char *f = xasprintf("%s/secret name 'q'", dir);
	tu_write_file(f, "only root\n");
	assert_int_equal(chown(f, 0, 4712), 0);
	assert_int_equal(chmod(f, 0640), 0);
	struct ssh_opts o = opts_for("asrsudo", SUDO_PW, true);
	struct target *t = connect_ok(&o);
	assert_true(t->is_root);
	int st;
	const char *const id[] = { "id", "-u", NULL };
	char *out = run_out(t, id, &st);
	assert_int_equal(st, 0);
	assert_string_equal(out, "0");
	free(out);
	/* A word the shell would split or expand arrives whole. */
	const char *const echo[] = { "printf", "%s|", "a b", "$HOME", "'q'", NULL };
	out = run_out(t, echo, &st);
	assert_string_equal(out, "a b|$HOME|'q'|");
	free(out);
	/* The read through sudo gives the file sshd's machine sees (the
	 * private copy with the test accounts), byte for byte. */
	char *data = NULL;
	size_t len = 0;
	assert_int_equal(target_read(t, "/etc/shadow", &data, &len), 0);
	size_t here_len = 0;
	char *copy = xasprintf("%s/accounts/etc/shadow", d.dir);
	char *here = tu_read_file(copy, &here_len);
	free(copy);
	assert_non_null(strstr(data, "\nasrsudo:"));
	assert_int_equal(len, here_len);
	assert_memory_equal(data, here, len);
	free(here);
	free(data);
	assert_int_equal(target_read(t, f, &data, &len), 0);
	assert_string_equal(data, "only root\n");
	free(data);
	char *missing = xasprintf("%s/none", dir);
	assert_int_equal(target_read(t, missing, &data, &len), -ENOENT);
	struct strvec names = { 0 };
	assert_int_equal(target_list(t, dir, &names), 0);
	assert_true(sv_contains(&names, "secret name 'q'"));
	sv_free(&names);
	struct target_stat ts;
	assert_int_equal(target_stat(t, f, &ts), 0);
	assert_int_equal(ts.mode & 07777, 0640);
	assert_true(S_ISREG(ts.mode));
	assert_int_equal(ts.gid, 4712);
	assert_int_equal(ts.size, 10);
	assert_int_equal(target_stat(t, missing, &ts), -ENOENT);
	free(missing);
	target_free(t);
	unlink(f);
	free(f);
}

/* statvfs and realpath under root's folder: -EACCES without sudo, the
 * machine's answers through it (the same numbers and path as here); a
 * root mounted there read through sudo, an absolute link on it read
 * with the machine's readlink through sudo and resolved inside it. */
static void test_sudo_statvfs_realpath_root(void **state)
{
	char *f = xasprintf("%s/etc/real.conf", dir);
	char *l = xasprintf("%s/etc/link.conf", dir);
	assert_int_equal(tu_sh(NULL, "mkdir -p '%s/etc' && chmod 0700 '%s/etc'", dir, dir), 0);
	tu_write_file(f, "inside\n");
	assert_int_equal(chmod(f, 0600), 0);
	assert_int_equal(symlink("/etc/real.conf", l), 0);
	struct ssh_opts o = opts_for("asrsudo", SUDO_PW, false);
	struct target *t = connect_ok(&o);
	struct target_vfs v;
	char *real = NULL;
	assert_int_equal(target_statvfs(t, f, &v), -EACCES);
	assert_int_equal(target_realpath(t, f, &real), -EACCES);
	target_free(t);

	o = opts_for("asrsudo", SUDO_PW, true);
	t = connect_ok(&o);
	assert_int_equal(target_statvfs(t, f, &v), 0);
	struct statvfs here;
	assert_int_equal(statvfs(f, &here), 0);
	assert_int_equal(v.total, (unsigned long long)here.f_frsize * here.f_blocks);
	assert_true(v.free >= v.avail);
	char *missing = xasprintf("%s/etc/none", dir);
	assert_int_equal(target_statvfs(t, missing, &v), -ENOENT);
	assert_int_equal(target_realpath(t, missing, &real), -ENOENT);
	free(missing);
	assert_int_equal(target_realpath(t, f, &real), 0);
	assert_string_equal(real, f);
	free(real);

	/* The same folder as a mounted root, through sudo. */
	char *cause = NULL;
	struct target *r = target_ssh_root_new(t, dir, &cause);
	if (!r)
		fail_msg("%s", cause);
	char *data = NULL;
	size_t len = 0;
	assert_int_equal(target_read(r, "/etc/link.conf", &data, &len), 0);
	assert_string_equal(data, "inside\n");
	free(data);
	assert_int_equal(target_realpath(r, "/etc/link.conf", &real), 0);
	assert_string_equal(real, "/etc/real.conf");
	free(real);
	assert_int_equal(target_statvfs(r, "/etc/real.conf", &v), 0);
	target_free(r);
	unlink(l);
	unlink(f);
	free(l);
	free(f);
}

/* Replaces name in root's folder through t and checks the result here:
 * the bytes exact (nothing of sudo's password before them), mode and
 * owner as asked, no temporary file left; then removes it. */
static void replace_and_check(struct target *t, const char *name)
{
	char *f = xasprintf("%s/%s", dir, name);
	tu_write_file(f, "old\n");
	t->can_write = true; /* as test_ssh_write: the change layer's switch */
	const char text[] = "PermitRootLogin yes\nsecond line\n";
	char *cause = NULL;
	int rc = target_replace(t, f, "sudo", text, strlen(text), 0100640, 4711, 4712, &cause);
	if (rc != 0)
		fail_msg("replace: %s", cause);
	size_t n = 0;
	char *got = tu_read_file(f, &n);
	assert_int_equal(n, strlen(text));
	assert_string_equal(got, text);
	free(got);
	struct stat st;
	assert_int_equal(stat(f, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0640);
	assert_int_equal(st.st_uid, 4711);
	assert_int_equal(st.st_gid, 4712);
	char *tmp = target_temp_path(f, "sudo");
	assert_int_equal(access(tmp, F_OK), -1);
	/* Exclusive: an existing name is refused and left as it is. */
	tu_write_file(tmp, "someone's\n");
	char *made = NULL;
	assert_int_equal(target_write_new(t, f, "sudo", "x", 1, 0600, 0, 0, &made, &cause), -EEXIST);
	free(cause);
	cause = NULL;
	got = tu_read_file(tmp, NULL);
	assert_string_equal(got, "someone's\n");
	free(got);
	assert_int_equal(target_remove(t, tmp), 0);
	assert_int_equal(access(tmp, F_OK), -1);
	assert_int_equal(target_remove(t, tmp), -ENOENT);
	assert_int_equal(target_sync_dir(t, dir), 0);
	assert_int_equal(target_remove(t, f), 0);
	assert_int_equal(access(f, F_OK), -1);
	free(tmp);
	free(f);
}

/* Writes in root's folder through sudo with its password on standard
 * input, and with sudo asking none (NOPASSWD). */
static void test_sudo_writes(void **state)
{
	struct ssh_opts o = opts_for("asrsudo", SUDO_PW, true);
	struct target *t = connect_ok(&o);
	replace_and_check(t, "sshd_config");
	target_free(t);
	o = opts_for("asrnopw", NOPW_PW, true);
	t = connect_ok(&o);
	assert_true(t->is_root);
	replace_and_check(t, "nopasswd");
	target_free(t);
}

/* sudo asking root's password (rootpw) where the login's was given: a
 * refused password ends the login with sudo's refusal, never the
 * password. */
static void test_sudo_password_refused(void **state)
{
	struct ssh_opts o = opts_for("asrrootpw", SUDO_PW, true);
	struct target *t = target_ssh_new(&o);
	struct ssh_attempt a;
	char *cause = NULL;
	assert_int_equal(target_ssh_connect(t, &o, &a, &cause), -EACCES);
	if (!strstr(cause, "sudo refused the password of asrrootpw"))
		fail_msg("cause: %s", cause);
	assert_null(strstr(cause, "Sud0"));
	free(cause);
	target_free(t);
}

/* An account sudo does not make root: the login fails with sudo's
 * reason. */
static void test_sudo_not_allowed(void **state)
{
	struct ssh_opts o = opts_for("asrplain", NOPW_PW, true);
	struct target *t = target_ssh_new(&o);
	struct ssh_attempt a;
	char *cause = NULL;
	assert_int_equal(target_ssh_connect(t, &o, &a, &cause), -EACCES);
	assert_non_null(strstr(cause, "sudo"));
	assert_non_null(strstr(cause, "asrplain"));
	assert_null(strstr(cause, NOPW_PW));
	free(cause);
	target_free(t);
}

/* The journal's store through sudo, in root's folder: folders made from
 * "/" (the last 0700, root's), a link on the way refused, a folder made
 * once, records appended and read back, and the lock taken, refused to a
 * second login with the holder's pid, and given back. */
static void test_sudo_store(void **state)
{
	struct ssh_opts o = opts_for("asrsudo", SUDO_PW, true);
	struct target *t = connect_ok(&o);
	char *j = xasprintf("%s/var/lib/journal", dir);
	char *cause = NULL;
	int rc = t->ops->store_open(t, j, true, &cause);
	if (rc)
		fail_msg("store_open: %s", cause);
	struct stat st;
	assert_int_equal(lstat(j, &st), 0);
	assert_true(S_ISDIR(st.st_mode));
	assert_int_equal(st.st_mode & 0777, 0700);
	assert_int_equal(st.st_uid, 0);
	char *mid = xasprintf("%s/var", dir);
	assert_int_equal(lstat(mid, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0755);
	char *ln = xasprintf("%s/link", dir);
	assert_int_equal(symlink(j, ln), 0);
	char *via = xasprintf("%s/x", ln);
	assert_int_equal(t->ops->store_open(t, via, true, &cause), -ELOOP);
	assert_non_null(strstr(cause, "symbolic link"));
	free(cause);
	assert_int_equal(access(j, F_OK), 0);
	assert_int_equal(t->ops->store_mkdir(t, j, "backups"), 0);
	assert_int_equal(t->ops->store_mkdir(t, j, "backups"), -EEXIST);
	char *log = xasprintf("%s/log", j);
	cause = NULL;
	if (t->ops->store_append(t, log, "one\n", 4, &cause) != 0 ||
	    t->ops->store_append(t, log, "two\n", 4, &cause) != 0)
		fail_msg("append: %s", cause);
	char *data = NULL;
	size_t len = 0;
	assert_int_equal(t->ops->store_read(t, log, 4096, true, &data, &len), 0);
	assert_string_equal(data, "one\ntwo\n");
	free(data);
	data = tu_read_file(log, NULL);
	assert_string_equal(data, "one\ntwo\n");
	free(data);
	char *lock = xasprintf("%s/lock", j);
	void *held = NULL, *held2 = NULL;
	long holder = 0;
	if (t->ops->store_lock(t, lock, 0, &held, &holder, &cause) != 0)
		fail_msg("lock: %s", cause);
	struct target *t2 = connect_ok(&o);
	assert_int_equal(t2->ops->store_lock(t2, lock, 0, &held2, &holder, &cause), -EWOULDBLOCK);
	assert_true(holder > 0);
	t->ops->store_unlock(t, held);
	if (t2->ops->store_lock(t2, lock, 0, &held2, &holder, &cause) != 0)
		fail_msg("lock again: %s", cause);
	t2->ops->store_unlock(t2, held2);
	target_free(t2);
	target_free(t);
	unlink(ln);
	free(lock);
	free(log);
	free(via);
	free(ln);
	free(mid);
	free(j);
}

/* Runs the binary with the password on descriptor 3, in a HOME of its own
 * holding d's known_hosts; returns the status and stdout. */
static int run(char **out, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int run(char **out, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *args = xvasprintf(fmt, ap);
	va_end(ap);
	char *home = xasprintf("%s/home", scratch);
	char *pw = xasprintf("%s/pw", scratch);
	tu_write_file(pw, SUDO_PW "\n");
	int rc = tu_sh(out,
		       "mkdir -p '%s/.ssh' && cp '%s' '%s/.ssh/known_hosts' && "
		       "HOME='%s' SSH_AUTH_SOCK= '%s' --timeout 60 --password-fd 3 %s 3<'%s' "
		       "2>>'%s/stderr' </dev/null",
		       home, d.known_hosts, home, home, tu_binary(), args, pw, scratch);
	unlink(pw);
	free(pw);
	free(home);
	free(args);
	return rc;
}

/* The result of check id in a check --json output. */
static const cJSON *result_of(const cJSON *doc, const char *id)
{
	const cJSON *r;
	cJSON_ArrayForEach(r, cJSON_GetObjectItem(doc, "results"))
		if (strcmp(cJSON_GetStringValue(cJSON_GetObjectItem(r, "check")), id) == 0)
			return r;
	return NULL;
}

/* The command line: without --sudo the root account's check cannot read
 * /etc/shadow and says it needs root; with --sudo it reads it and judges
 * root's password (set here). Every output and file holds no password. */
static void test_cli_with_and_without_sudo(void **state)
{
	char *o1 = NULL, *o2 = NULL;
	run(&o1, "--target asrsudo@127.0.0.1:%d check --json account.root", d.port);
	run(&o2, "--target asrsudo@127.0.0.1:%d --sudo check --json account.root", d.port);
	cJSON *j1 = cJSON_Parse(o1), *j2 = cJSON_Parse(o2);
	if (!j1 || !j2)
		fail_msg("not JSON:\n%s\n%s", o1, o2);
	const cJSON *r1 = result_of(j1, "account.root"), *r2 = result_of(j2, "account.root");
	assert_non_null(r1);
	assert_non_null(r2);
	assert_string_equal(cJSON_GetStringValue(cJSON_GetObjectItem(r1, "status")), "error");
	const char *f1 = cJSON_GetStringValue(cJSON_GetObjectItem(r1, "finding"));
	if (!strstr(f1, "needs root: use --sudo"))
		fail_msg("finding: %s", f1);
	const char *s2 = cJSON_GetStringValue(cJSON_GetObjectItem(r2, "status"));
	assert_true(strcmp(s2, "pass") == 0 || strcmp(s2, "warn") == 0);
	cJSON_Delete(j1);
	cJSON_Delete(j2);
	char *o3 = NULL;
	run(&o3, "--target asrsudo@127.0.0.1:%d --sudo report --json -o '%s/report.json'", d.port,
	    scratch);
	const char *outs[] = { o1, o2, o3 };
	for (size_t i = 0; i < ARRAY_LEN(outs); i++)
		assert_null(strstr(outs[i], "Sud0"));
	/* Every file under the scratch folder: HOME, state, reports, stderr. */
	assert_int_equal(tu_sh(NULL, "grep -rlaF 'Sud0' '%s'", scratch), 1);
	free(o1);
	free(o2);
	free(o3);
}

/* log of the machine's known places, /var/log/ua_install.log root-only
 * and larger than one piece read through sudo: refused without --sudo,
 * and with it every line counted and the code found at its line numbers
 * on both sides of a piece's end. */
static void test_cli_log_through_sudo(void **state)
{
	char *log = xasprintf("%s/varlog/ua_install.log", d.dir);
	assert_int_equal(tu_sh(NULL,
			       "awk 'BEGIN { for (i = 1; i <= 60001; i++) if (i == 40000 || i == "
			       "60001) print \"- Error code: -2147164145 [0x8004E00F]\"; else "
			       "printf \"filler %%06d %%s\\n\", i, \"................................."
			       ".........................\" }' > '%s' && chmod 600 '%s'",
			       log, log),
			 0);
	struct stat st;
	assert_int_equal(stat(log, &st), 0);
	assert_true(st.st_size > 3 * 1024 * 1024);
	char *o1 = NULL, *o2 = NULL;
	int rc1 = run(&o1, "--target asrsudo@127.0.0.1:%d log --json", d.port);
	int rc2 = run(&o2, "--target asrsudo@127.0.0.1:%d --sudo log --json", d.port);
	cJSON *j1 = cJSON_Parse(o1), *j2 = cJSON_Parse(o2);
	if (!j1 || !j2) {
		char *e = NULL;
		tu_sh(&e, "tail -n 5 '%s/stderr'", scratch);
		fail_msg("not JSON (%d, %d):\n%s\n%s\n%s", rc1, rc2, o1, o2, e);
	}
	const cJSON *l1 = cJSON_GetArrayItem(cJSON_GetObjectItem(j1, "logs"), 0);
	const cJSON *l2 = cJSON_GetArrayItem(cJSON_GetObjectItem(j2, "logs"), 0);
	assert_non_null(l1);
	assert_non_null(l2);
	assert_string_equal(cJSON_GetStringValue(cJSON_GetObjectItem(l1, "path")),
			    "/var/log/ua_install.log");
	assert_string_equal(cJSON_GetStringValue(cJSON_GetObjectItem(l2, "path")),
			    "/var/log/ua_install.log");
	const char *e1 = cJSON_GetStringValue(cJSON_GetObjectItem(l1, "error"));
	if (!e1 || !strstr(e1, "Permission denied (needs root: use --sudo)"))
		fail_msg("read without --sudo:\n%s", o1);
	if (!cJSON_IsNull(cJSON_GetObjectItem(l2, "error")))
		fail_msg("not read through sudo:\n%s", o2);
	assert_int_equal((long long)cJSON_GetNumberValue(cJSON_GetObjectItem(l2, "bytes")),
			 (long long)st.st_size);
	assert_int_equal((int)cJSON_GetNumberValue(cJSON_GetObjectItem(l2, "lines")), 60001);
	const cJSON *hit = cJSON_GetArrayItem(cJSON_GetObjectItem(l2, "hits"), 0);
	assert_non_null(hit);
	assert_string_equal(cJSON_GetStringValue(cJSON_GetObjectItem(hit, "code")), "0x8004E00F");
	assert_int_equal((int)cJSON_GetNumberValue(cJSON_GetObjectItem(hit, "line")), 40000);
	assert_int_equal((int)cJSON_GetNumberValue(cJSON_GetObjectItem(hit, "last_line")), 60001);
	assert_int_equal((int)cJSON_GetNumberValue(cJSON_GetObjectItem(hit, "count")), 2);
	assert_null(strstr(o2, "Sud0"));
	cJSON_Delete(j1);
	cJSON_Delete(j2);
	free(o1);
	free(o2);

	/* The check log.codes: without --sudo the log is not read, never a
	 * pass; with it the last 4 MB are read through sudo's pieces from the
	 * byte it moved to (dd's skip), both codes in that part found. */
	run(&o1, "--target asrsudo@127.0.0.1:%d check --json log.codes", d.port);
	if (!strstr(o1, "\"status\":\t\"error\"") ||
	    !strstr(o1, "could not read /var/log/ua_install.log: Permission denied (needs root: use --sudo)"))
		fail_msg("check without --sudo:\n%s", o1);
	run(&o2, "--target asrsudo@127.0.0.1:%d --sudo check --json log.codes", d.port);
	char *from = xasprintf("from byte %llu to the end",
			       ((unsigned long long)st.st_size - 4ull * 1024 * 1024) & ~1ull);
	if (!strstr(o2, "\"status\":\t\"fail\"") || !strstr(o2, "0x8004E00F") || !strstr(o2, from) ||
	    !strstr(o2, "2 lines name it"))
		fail_msg("check with --sudo:\n%s", o2);
	free(from);
	free(o1);
	free(o2);
	unlink(log);
	free(log);
}

static int setup(void **state)
{
	d = sshd_start_sudo("PasswordAuthentication yes\n", accounts, ARRAY_LEN(accounts),
			    "R00t-pw", sudoers);
	dir = tu_mkdtemp("sudo-root");
	assert_int_equal(chmod(dir, 0700), 0);
	return 0;
}

static int teardown(void **state)
{
	sshd_stop(&d);
	tu_rmtree(dir);
	free(dir);
	return 0;
}

int main(void)
{
	scratch = tu_scratch("ssh-sudo");
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_without_sudo),
		cmocka_unit_test(test_sudo_reads_and_runs),
		cmocka_unit_test(test_sudo_writes),
		cmocka_unit_test(test_sudo_store),
		cmocka_unit_test(test_sudo_statvfs_realpath_root),
		cmocka_unit_test(test_sudo_password_refused),
		cmocka_unit_test(test_sudo_not_allowed),
		cmocka_unit_test(test_cli_with_and_without_sudo),
		cmocka_unit_test(test_cli_log_through_sudo),
	};
	return tu_scratch_done(cmocka_run_group_tests_name("ssh_sudo", tests, setup, teardown));
}
