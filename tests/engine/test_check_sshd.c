/* test_check_sshd.c: the SSH checks (sshd.password, sshd.root_login,
 * sshd.kbd_interactive, sshd.sftp, sshd.service) on fixture roots: each
 * passes on one and fails on another, evidence names the deciding file and
 * line, an unknown process server address makes a Match block a warning,
 * and on a machine where sshd -T can run, the real sshd -T is used as the
 * authority. */
#include "support/testutil.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "engine/check.h"
#include "engine/sshd_config.h"
#include "engine/target/target.h"

#define FIX "tests/fixtures/sshd"

/* Runs check id against the root dir with an optional --server. */
static void run_on(const char *id, const char *dir, const char *server, struct check_result *r)
{
	char *cause = NULL;
	struct target *t = target_root_new(dir, &cause);
	if (!t)
		print_error("%s\n", cause);
	assert_non_null(t);
	const struct check_def *c = check_find(id);
	assert_non_null(c);
	struct check_ctx ctx = { .t = t, .server = server, .timeout_ms = 10000 };
	check_run_one(c, &ctx, r);
	target_free(t);
}

static void run_fixture(const char *id, const char *fixture, const char *server,
			struct check_result *r)
{
	char *dir = xasprintf("%s/%s", FIX, fixture);
	run_on(id, dir, server, r);
	free(dir);
}

/* Prints a result (shown when an assertion fails). */
static void dump(const struct check_result *r)
{
	print_error("%s: %s: %s\n", r->check_id, status_name(r->status), r->finding);
	for (size_t i = 0; i < r->nev; i++)
		print_error("  [%d] %s:%d %s %s\n", r->ev[i].kind, r->ev[i].path ? r->ev[i].path : "",
			    r->ev[i].line, r->ev[i].command ? r->ev[i].command : "", r->ev[i].text);
}

static void expect_status(const struct check_result *r, enum status s)
{
	if (r->status != s)
		dump(r);
	assert_int_equal(r->status, s);
}

/* Whether the result has file evidence for path:line. */
static bool has_file_ev(const struct check_result *r, const char *path, int line)
{
	for (size_t i = 0; i < r->nev; i++)
		if (r->ev[i].kind == EV_FILE && r->ev[i].path && strcmp(r->ev[i].path, path) == 0 &&
		    r->ev[i].line == line)
			return true;
	return false;
}

/* The text of the file evidence at path:line, or NULL. */
static const char *file_ev_text(const struct check_result *r, const char *path, int line)
{
	for (size_t i = 0; i < r->nev; i++)
		if (r->ev[i].kind == EV_FILE && r->ev[i].path && strcmp(r->ev[i].path, path) == 0 &&
		    r->ev[i].line == line)
			return r->ev[i].text;
	return NULL;
}

/* The command evidence of a result, or NULL. */
static const struct evidence *command_ev(const struct check_result *r)
{
	for (size_t i = 0; i < r->nev; i++)
		if (r->ev[i].kind == EV_COMMAND)
			return &r->ev[i];
	return NULL;
}

static bool has_note(const struct check_result *r, const char *needle)
{
	for (size_t i = 0; i < r->nev; i++)
		if (r->ev[i].kind == EV_NOTE && strstr(r->ev[i].text, needle))
			return true;
	return false;
}

static void test_registered_with_bound_ids(void **state)
{
	(void)state;
	static const char *const ids[] = { "sshd.password", "sshd.root_login", "sshd.kbd_interactive",
					   "sshd.sftp", "sshd.service" };
	char *bindings = tu_read_file("content/bindings.json", NULL);
	for (size_t i = 0; i < ARRAY_LEN(ids); i++) {
		assert_non_null(check_find(ids[i]));
		char *quoted = xasprintf("\"check\": \"%s\"", ids[i]);
		assert_non_null(strstr(bindings, quoted));
		free(quoted);
	}
	free(bindings);
}

static void test_password_fails_on_cloud_dropin(void **state)
{
	(void)state;
	struct check_result r;
	run_fixture("sshd.password", "debian-cloud", NULL, &r);
	expect_status(&r, STATUS_FAIL);
	assert_non_null(strstr(r.finding, "PasswordAuthentication no"));
	assert_non_null(strstr(r.finding, "/etc/ssh/sshd_config.d/60-cloudimg-settings.conf:1"));
	assert_true(has_file_ev(&r, "/etc/ssh/sshd_config.d/60-cloudimg-settings.conf", 1));
	result_free(&r);
}

static void test_password_passes(void **state)
{
	(void)state;
	struct check_result r;
	run_fixture("sshd.password", "rhel9", NULL, &r);
	expect_status(&r, STATUS_PASS);
	assert_true(has_note(&r, "default is yes"));
	result_free(&r);
	/* From a Match User root block, with the global "no" shown as
	 * ignored, and the keyboard-interactive note. */
	run_fixture("sshd.password", "match-user", NULL, &r);
	expect_status(&r, STATUS_PASS);
	assert_true(has_file_ev(&r, "/etc/ssh/sshd_config", 9));
	assert_true(has_file_ev(&r, "/etc/ssh/sshd_config", 8));
	assert_true(has_file_ev(&r, "/etc/ssh/sshd_config", 1));
	assert_true(has_note(&r, "password method"));
	result_free(&r);
}

/* Each losing line is labelled with its real reason: a global value a
 * Match block overrides, a line of a block that does not apply, a later
 * line of an applying block. */
static void test_ignored_lines_say_why(void **state)
{
	(void)state;
	struct check_result r;
	run_fixture("sshd.password", "match-user", NULL, &r);
	expect_status(&r, STATUS_PASS);
	const char *g = file_ev_text(&r, "/etc/ssh/sshd_config", 1);
	assert_non_null(g);
	assert_non_null(strstr(g, "the Match block at /etc/ssh/sshd_config:8 applies"));
	assert_null(strstr(g, "earlier value wins"));
	const char *m = file_ev_text(&r, "/etc/ssh/sshd_config", 6);
	assert_non_null(m);
	assert_non_null(strstr(m, "does not apply"));
	result_free(&r);
	run_fixture("sshd.root_login", "match-user", NULL, &r);
	const char *later = file_ev_text(&r, "/etc/ssh/sshd_config", 13);
	assert_non_null(later);
	assert_non_null(strstr(later, "an earlier value wins"));
	assert_non_null(strstr(file_ev_text(&r, "/etc/ssh/sshd_config", 2), "overrides global"));
	result_free(&r);
}

/* Only a Match Group is undecided (the root has no /etc/group): the note
 * names root's groups, not the process server's address. */
static void test_group_only_undecided_note(void **state)
{
	(void)state;
	char *dir = tu_mkdtemp("sshd-grp");
	char *path = xasprintf("%s/etc/ssh/sshd_config", dir);
	tu_write_file(path, "PasswordAuthentication yes\nMatch Group admins\n"
			    "\tPasswordAuthentication no\n");
	struct check_result r;
	run_on("sshd.password", dir, NULL, &r);
	expect_status(&r, STATUS_WARN);
	assert_true(has_note(&r, "root's groups are unknown"));
	assert_false(has_note(&r, "Address or Host"));
	assert_null(strstr(r.finding, "--server"));
	result_free(&r);
	/* With the root's own files root is not in admins: decided. */
	char *p = xasprintf("%s/etc/passwd", dir);
	tu_write_file(p, "root:x:0:0:root:/root:/bin/sh\n");
	free(p);
	p = xasprintf("%s/etc/group", dir);
	tu_write_file(p, "root:x:0:\nadmins:x:1000:alice\n");
	free(p);
	run_on("sshd.password", dir, NULL, &r);
	expect_status(&r, STATUS_PASS);
	assert_false(has_note(&r, "root's groups are unknown"));
	assert_non_null(strstr(file_ev_text(&r, "/etc/ssh/sshd_config", 3), "does not apply"));
	result_free(&r);
	free(path);
	tu_rmtree(dir);
	free(dir);
}

static void test_password_match_address(void **state)
{
	(void)state;
	struct check_result r;
	/* Without --server the Address block may apply: a warning naming it. */
	run_fixture("sshd.password", "match-address", NULL, &r);
	expect_status(&r, STATUS_WARN);
	assert_non_null(strstr(r.finding, "/etc/ssh/sshd_config:7"));
	assert_non_null(strstr(r.finding, "Address"));
	assert_true(has_note(&r, "--server"));
	result_free(&r);
	run_fixture("sshd.password", "match-address", "10.1.2.3", &r);
	expect_status(&r, STATUS_FAIL);
	assert_true(has_file_ev(&r, "/etc/ssh/sshd_config", 8));
	assert_true(has_file_ev(&r, "/etc/ssh/sshd_config", 7));
	result_free(&r);
	run_fixture("sshd.password", "match-address", "192.0.2.10", &r);
	expect_status(&r, STATUS_PASS);
	result_free(&r);
	/* A name is resolved here (localhost: from /etc/hosts, no DNS). */
	run_fixture("sshd.password", "match-address", "localhost", &r);
	expect_status(&r, STATUS_PASS);
	assert_true(has_note(&r, "resolves to"));
	result_free(&r);
}

/* AuthenticationMethods that needs more than a password fails the
 * password check even with PasswordAuthentication yes; a Match block that
 * adds the list "password" for the process server's network passes; one
 * on an unknown address is a warning. */
static void test_authentication_methods(void **state)
{
	(void)state;
	struct check_result r;
	run_fixture("sshd.password", "auth-methods", "192.0.2.10", &r);
	expect_status(&r, STATUS_FAIL);
	assert_non_null(strstr(r.finding, "AuthenticationMethods publickey,password for root "
					  "(/etc/ssh/sshd_config:4)"));
	assert_true(has_file_ev(&r, "/etc/ssh/sshd_config", 4));
	result_free(&r);
	run_fixture("sshd.password", "auth-methods", "10.1.2.3", &r);
	expect_status(&r, STATUS_PASS);
	assert_non_null(strstr(r.finding, "lets a password alone in"));
	assert_true(has_file_ev(&r, "/etc/ssh/sshd_config", 8));
	result_free(&r);
	run_fixture("sshd.password", "auth-methods", "10.9.9.9", &r);
	expect_status(&r, STATUS_FAIL);
	assert_true(has_note(&r, "keyboard-interactive login alone is allowed"));
	result_free(&r);
	run_fixture("sshd.password", "auth-methods", NULL, &r);
	expect_status(&r, STATUS_WARN);
	assert_non_null(strstr(r.finding, "AuthenticationMethods"));
	assert_non_null(strstr(r.finding, "give --server"));
	result_free(&r);
}

static void test_root_login(void **state)
{
	(void)state;
	struct check_result r;
	run_fixture("sshd.root_login", "debian-cloud", NULL, &r);
	expect_status(&r, STATUS_FAIL);
	/* The default since OpenSSH 7.0, which the article forgets. */
	assert_non_null(strstr(r.finding, "prohibit-password"));
	assert_non_null(strstr(r.finding, "7.0"));
	assert_non_null(strstr(r.finding, "article"));
	result_free(&r);
	run_fixture("sshd.root_login", "rhel9", NULL, &r);
	expect_status(&r, STATUS_PASS);
	assert_true(has_file_ev(&r, "/etc/ssh/sshd_config.d/01-permitrootlogin.conf", 2));
	result_free(&r);
	run_fixture("sshd.root_login", "include-in-match", NULL, &r);
	expect_status(&r, STATUS_PASS);
	assert_true(has_file_ev(&r, "/etc/ssh/root.d/10-root.conf", 2));
	assert_true(has_file_ev(&r, "/etc/ssh/sshd_config", 4));
	result_free(&r);
	/* "no" from a later duplicate loses; "no" first fails. */
	run_fixture("sshd.root_login", "duplicates", NULL, &r);
	expect_status(&r, STATUS_PASS);
	result_free(&r);
	char *dir = tu_mkdtemp("sshd-rl");
	char *p = xasprintf("%s/etc/ssh/sshd_config", dir);
	tu_write_file(p, "PermitRootLogin without-password\n");
	run_on("sshd.root_login", dir, NULL, &r);
	expect_status(&r, STATUS_FAIL);
	assert_non_null(strstr(r.finding, "prohibit-password"));
	assert_non_null(strstr(r.finding, "/etc/ssh/sshd_config:1"));
	result_free(&r);
	tu_write_file(p, "PermitRootLogin forced-commands-only\n");
	run_on("sshd.root_login", dir, NULL, &r);
	expect_status(&r, STATUS_FAIL);
	assert_non_null(strstr(r.finding, "forced-commands-only"));
	assert_non_null(strstr(r.finding, "7.0"));
	result_free(&r);
	free(p);
	tu_rmtree(dir);
	free(dir);
	/* Match Group wheel: root is not in wheel in the root's /etc/group,
	 * so the block does not apply and the global yes decides. */
	run_fixture("sshd.root_login", "match-group", NULL, &r);
	expect_status(&r, STATUS_PASS);
	assert_non_null(strstr(file_ev_text(&r, "/etc/ssh/sshd_config", 3), "does not apply"));
	result_free(&r);
}

static void test_kbd_interactive_is_informational(void **state)
{
	(void)state;
	struct check_result r;
	run_fixture("sshd.kbd_interactive", "debian-cloud", NULL, &r);
	expect_status(&r, STATUS_PASS);
	assert_true(has_file_ev(&r, "/etc/ssh/sshd_config", 20));
	result_free(&r);
	/* Passwords off, keyboard-interactive with PAM on: a manual test
	 * succeeds where the push fails. */
	run_fixture("sshd.kbd_interactive", "equals", NULL, &r);
	expect_status(&r, STATUS_WARN);
	assert_non_null(strstr(r.finding, "password method"));
	result_free(&r);
	static const char *const all[] = { "debian-cloud", "rhel9", "match-user", "match-address",
					   "duplicates", "crlf", "uppercase", "equals", "quoted-sftp",
					   "missing-sftp", "include-in-match", "relative-include",
					   "open-match", "match-group" };
	for (size_t i = 0; i < ARRAY_LEN(all); i++) {
		run_fixture("sshd.kbd_interactive", all[i], NULL, &r);
		assert_true(r.status == STATUS_PASS || r.status == STATUS_WARN);
		result_free(&r);
	}
}

static void test_sftp(void **state)
{
	(void)state;
	struct check_result r;
	run_fixture("sshd.sftp", "debian-cloud", NULL, &r);
	expect_status(&r, STATUS_PASS);
	assert_true(has_file_ev(&r, "/etc/ssh/sshd_config", 30));
	assert_true(has_file_ev(&r, "/usr/lib/openssh/sftp-server", 0));
	result_free(&r);
	run_fixture("sshd.sftp", "quoted-sftp", NULL, &r);
	expect_status(&r, STATUS_PASS);
	assert_non_null(strstr(r.finding, "/usr/lib/ssh/sftp-server"));
	result_free(&r);
	run_fixture("sshd.sftp", "match-address", NULL, &r);
	expect_status(&r, STATUS_PASS);
	assert_non_null(strstr(r.finding, "internal-sftp"));
	result_free(&r);
	run_fixture("sshd.sftp", "missing-sftp", NULL, &r);
	expect_status(&r, STATUS_FAIL);
	assert_non_null(strstr(r.finding, "/usr/libexec/openssh/sftp-server"));
	assert_non_null(strstr(r.finding, "does not exist"));
	result_free(&r);
	run_fixture("sshd.sftp", "match-user", NULL, &r);
	expect_status(&r, STATUS_FAIL);
	assert_non_null(strstr(r.finding, "no Subsystem sftp"));
	result_free(&r);
	/* A program without the executable bit. */
	char *dir = tu_mkdtemp("sshd-sftp");
	char *p = xasprintf("%s/etc/ssh/sshd_config", dir);
	tu_write_file(p, "Subsystem sftp /usr/lib/openssh/sftp-server\n");
	free(p);
	p = xasprintf("%s/usr/lib/openssh/sftp-server", dir);
	tu_write_file(p, "#!/bin/sh\n");
	chmod(p, 0644);
	free(p);
	run_on("sshd.sftp", dir, NULL, &r);
	expect_status(&r, STATUS_FAIL);
	assert_non_null(strstr(r.finding, "not an executable"));
	result_free(&r);
	tu_rmtree(dir);
	free(dir);
}

static void test_service(void **state)
{
	(void)state;
	struct check_result r;
	run_fixture("sshd.service", "service-running", NULL, &r);
	expect_status(&r, STATUS_PASS);
	assert_true(has_file_ev(&r, "/proc/net/tcp", 2));
	assert_true(has_file_ev(&r, "/proc/net/tcp6", 2));
	assert_true(has_note(&r, "/proc/812/comm: sshd"));
	result_free(&r);
	/* No sshd; a connection to a remote port 22 is not a listener. */
	run_fixture("sshd.service", "service-stopped", NULL, &r);
	expect_status(&r, STATUS_FAIL);
	assert_non_null(strstr(r.finding, "not running"));
	result_free(&r);
	run_fixture("sshd.service", "service-port2222", NULL, &r);
	expect_status(&r, STATUS_FAIL);
	assert_non_null(strstr(r.finding, "2222"));
	assert_non_null(strstr(r.finding, "/etc/ssh/sshd_config:1"));
	assert_true(has_note(&r, "/proc/700/cmdline: /usr/sbin/sshd"));
	result_free(&r);
	run_fixture("sshd.service", "service-socket", NULL, &r);
	expect_status(&r, STATUS_PASS);
	assert_non_null(strstr(r.finding, "socket activation"));
	result_free(&r);
	/* A mounted root without /proc: not applicable, with the reason. */
	run_fixture("sshd.service", "debian-cloud", NULL, &r);
	expect_status(&r, STATUS_NA);
	assert_non_null(strstr(r.finding, "mounted root"));
	result_free(&r);
}

static void test_broken_and_missing_configurations(void **state)
{
	(void)state;
	struct check_result r;
	/* sshd refuses an include loop: it would not start. */
	run_fixture("sshd.password", "include-loop", NULL, &r);
	expect_status(&r, STATUS_FAIL);
	assert_non_null(strstr(r.finding, "sshd refuses to start"));
	assert_non_null(strstr(r.finding, "loop"));
	assert_non_null(strstr(r.finding, "/etc/ssh/sshd_config.d/loop.conf:1"));
	result_free(&r);
	char *dir = tu_mkdtemp("sshd-none");
	run_on("sshd.password", dir, NULL, &r);
	expect_status(&r, STATUS_FAIL);
	assert_non_null(strstr(r.finding, "openssh-server"));
	result_free(&r);
	run_on("sshd.kbd_interactive", dir, NULL, &r);
	expect_status(&r, STATUS_WARN);
	result_free(&r);
	tu_rmtree(dir);
	free(dir);
}

/* A configuration sshd refuses to load fails every SSH check with the
 * reason, and the connectivity check (95117) follows, on a mounted root
 * too; a deprecated keyword does not; a file we cannot read is an error. */
static void test_configuration_sshd_refuses(void **state)
{
	(void)state;
	char *dir = tu_mkdtemp("sshd-refuse");
	char *path = xasprintf("%s/etc/ssh/sshd_config", dir);
	tu_write_file(path, "PasswordAuthentication yes\nPermitRootLogin yes\n"
			    "PermitEmptyPassword no\nSubsystem sftp internal-sftp\n");
	static const char *const ids[] = { "sshd.password", "sshd.root_login", "sshd.sftp",
					   "sshd.kbd_interactive" };
	struct check_result r;
	for (size_t i = 0; i < ARRAY_LEN(ids); i++) {
		run_on(ids[i], dir, NULL, &r);
		expect_status(&r, STATUS_FAIL);
		assert_non_null(strstr(r.finding, "sshd refuses to start with this configuration "
						  "(/etc/ssh/sshd_config:3: Bad configuration option: "
						  "permitemptypassword"));
		assert_true(has_file_ev(&r, "/etc/ssh/sshd_config", 3));
		result_free(&r);
	}
	run_on("sshd.service", dir, NULL, &r);
	expect_status(&r, STATUS_FAIL);
	assert_non_null(strstr(r.finding, "nothing will listen on port 22"));
	result_free(&r);
	/* Deprecated and ignored keywords are only logged by sshd. */
	tu_write_file(path, "PasswordAuthentication yes\nPermitRootLogin yes\n"
			    "RhostsAuthentication no\nPAMAuthenticationViaKBDInt no\nProtocol 2\n"
			    "Subsystem sftp internal-sftp\n");
	run_on("sshd.password", dir, NULL, &r);
	expect_status(&r, STATUS_PASS);
	result_free(&r);
	run_on("sshd.service", dir, NULL, &r);
	expect_status(&r, STATUS_NA);
	result_free(&r);
	/* A release that refuses it: the root's own openssh-server. */
	char *st = xasprintf("%s/var/lib/dpkg/status", dir);
	tu_write_file(st, "Package: openssh-server\nStatus: install ok installed\n"
			  "Version: 1:10.4p1-1\n\n");
	run_on("sshd.password", dir, NULL, &r);
	expect_status(&r, STATUS_FAIL);
	assert_non_null(strstr(r.finding, "pamauthenticationviakbdint is not known to OpenSSH "
					  "after 10.3"));
	assert_true(has_note(&r, "judged for OpenSSH 10.4 (from /var/lib/dpkg/status)"));
	result_free(&r);
	free(st);
	/* Binary data: we cannot read it; not sshd's verdict. */
	tu_write_file(path, "Include /etc/ssh/x.conf\n");
	char *x = xasprintf("%s/etc/ssh/x.conf", dir);
	FILE *f = fopen(x, "wb");
	assert_non_null(f);
	fwrite("Port\0 22\n", 1, 9, f);
	fclose(f);
	run_on("sshd.password", dir, NULL, &r);
	expect_status(&r, STATUS_ERROR);
	result_free(&r);
	free(x);
	free(path);
	tu_rmtree(dir);
	free(dir);
}

/* This machine's sshd judges a copy of the root's own files as a second
 * opinion: agreement is noted; a refusal of what we accepted fails the
 * check for the root's own release and warns for another; an acceptance
 * of what we refused for the root's release is said. */
static void test_second_opinion_of_this_machines_sshd(void **state)
{
	(void)state;
	char *release = NULL;
	assert_int_equal(tu_sh(&release, "dpkg-query -W -f '${Version}' openssh-server"), 0);
	mkdir("/run/sshd", 0755);
	char *dir = tu_mkdtemp("sshd-second");
	char *path = xasprintf("%s/etc/ssh/sshd_config", dir);
	char *dpkg = xasprintf("%s/var/lib/dpkg/status", dir);
	const char *good = "PasswordAuthentication yes\nPermitRootLogin yes\n"
			   "Subsystem sftp internal-sftp\n";
	tu_write_file(path, good);
	struct check_result r;
	run_on("sshd.password", dir, NULL, &r);
	expect_status(&r, STATUS_PASS);
	assert_true(has_note(&r, "it agrees with asr-doctor's reading"));
	const struct evidence *e = command_ev(&r);
	assert_non_null(e);
	assert_true(str_starts(e->command, "/usr/sbin/sshd -t -f /etc/ssh/sshd_config -h "));
	result_free(&r);
	/* A key exchange this release does not have (only a warning for us:
	 * a distribution may add it), refused by the same release here. */
	char *text = xasprintf("%sKexAlgorithms mlkem768x25519-sha256\n", good);
	tu_write_file(path, text);
	free(text);
	char *st = xasprintf("Package: openssh-server\nStatus: install ok installed\n"
			     "Version: %s\n\n", release);
	tu_write_file(dpkg, st);
	free(st);
	run_on("sshd.password", dir, NULL, &r);
	expect_status(&r, STATUS_FAIL);
	assert_non_null(strstr(r.finding, "sshd refuses to start with this configuration"));
	assert_non_null(strstr(r.finding, "/etc/ssh/sshd_config line 4"));
	assert_non_null(strstr(r.finding, "the two disagree"));
	result_free(&r);
	/* Another release on the root: a warning. */
	unlink(dpkg);
	run_on("sshd.root_login", dir, NULL, &r);
	expect_status(&r, STATUS_WARN);
	assert_non_null(strstr(r.finding, "the two disagree"));
	result_free(&r);
	/* The root's release refuses what this machine's accepts. */
	text = xasprintf("%sPAMAuthenticationViaKBDInt no\n", good);
	tu_write_file(path, text);
	free(text);
	tu_write_file(dpkg, "Package: openssh-server\nStatus: install ok installed\n"
			    "Version: 1:10.4p1-1\n\n");
	run_on("sshd.sftp", dir, NULL, &r);
	expect_status(&r, STATUS_FAIL);
	assert_true(has_note(&r, "refuses it: the two disagree"));
	result_free(&r);
	free(release);
	free(dpkg);
	free(path);
	tu_rmtree(dir);
	free(dir);
}

/* The Debian and Ubuntu default: an Include of an empty sshd_config.d.
 * Listing the empty folder once sorted a NULL array (undefined behaviour
 * the sanitizer build aborts on); every check runs on such a root. */
static void test_empty_include_folder(void **state)
{
	(void)state;
	char *dir = tu_mkdtemp("sshd-emptyd");
	char *path = xasprintf("%s/etc/ssh/sshd_config", dir);
	tu_write_file(path, "Include /etc/ssh/sshd_config.d/*.conf\n"
			    "KbdInteractiveAuthentication no\nUsePAM yes\n"
			    "Subsystem sftp internal-sftp\n");
	free(path);
	char *d = xasprintf("%s/etc/ssh/sshd_config.d", dir);
	assert_int_equal(mkdir(d, 0755), 0);
	free(d);
	struct check_result r;
	run_on("sshd.password", dir, NULL, &r);
	expect_status(&r, STATUS_PASS);
	result_free(&r);
	run_on("sshd.root_login", dir, NULL, &r);
	expect_status(&r, STATUS_FAIL);
	assert_non_null(strstr(r.finding, "prohibit-password"));
	result_free(&r);
	/* Every other check on the same root: none crashes. */
	char *cause = NULL;
	struct target *t = target_root_new(dir, &cause);
	assert_non_null(t);
	struct check_ctx ctx = { .t = t, .timeout_ms = 10000 };
	size_t ran = 0;
	for (const struct check_def *const *c = check_registry; *c; c++, ran++) {
		check_run_one(*c, &ctx, &r);
		assert_non_null(r.finding);
		result_free(&r);
	}
	assert_int_equal(ran, check_count());
	target_free(t);
	tu_rmtree(dir);
	free(dir);
}

/* A FIFO, a device or a socket where a configuration file belongs (a
 * hostile disk): never read (so nothing blocks), never an empty file
 * that passes on sshd's defaults, but an error naming what was found. */
static void test_special_files_are_errors(void **state)
{
	(void)state;
	char *dir = tu_mkdtemp("sshd-special");
	struct {
		const char *make; /* shell, run in the root */
		const char *words;
		bool needs_root;
	} cases[] = {
		{ "mkfifo etc/ssh/sshd_config", "a FIFO (named pipe), not a regular file", false },
		{ "echo 'Include /etc/ssh/sshd_config.d/*.conf' > etc/ssh/sshd_config && "
		  "mkfifo etc/ssh/sshd_config.d/50-cloud-init.conf",
		  "50-cloud-init.conf: a FIFO (named pipe), not a regular file", false },
		{ "ln -s /dev/null etc/ssh/sshd_config && mknod dev/null c 1 3",
		  "a character device, not a regular file", true },
		{ "python3 -c \"import socket; socket.socket(socket.AF_UNIX)"
		  ".bind('etc/ssh/sshd_config')\"",
		  "a socket, not a regular file", false },
	};
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		if ((cases[i].needs_root && geteuid() != 0) ||
		    (strstr(cases[i].make, "python3") && !tu_have("python3")))
			continue;
		assert_int_equal(tu_sh(NULL, "cd '%s' && rm -rf etc dev && "
		                             "mkdir -p etc/ssh/sshd_config.d dev && %s",
		                       dir, cases[i].make),
		                 0);
		const char *ids[] = { "sshd.password", "sshd.root_login", "sshd.sftp" };
		for (size_t k = 0; k < ARRAY_LEN(ids); k++) {
			struct check_result r;
			run_on(ids[k], dir, NULL, &r);
			expect_status(&r, STATUS_ERROR);
			if (!strstr(r.finding, cases[i].words))
				dump(&r);
			assert_non_null(strstr(r.finding, cases[i].words));
			result_free(&r);
		}
	}
	tu_rmtree(dir);
	free(dir);
}

static void test_windows_is_not_applicable(void **state)
{
	(void)state;
	static const char *const ids[] = { "sshd.password", "sshd.root_login", "sshd.kbd_interactive",
					   "sshd.sftp", "sshd.service" };
	char *cause = NULL;
	struct target *t = target_root_new(FIX "/debian-cloud", &cause);
	assert_non_null(t);
	t->os = TARGET_OS_WINDOWS;
	for (size_t i = 0; i < ARRAY_LEN(ids); i++) {
		struct check_ctx ctx = { .t = t, .timeout_ms = 10000 };
		struct check_result r;
		check_run_one(check_find(ids[i]), &ctx, &r);
		expect_status(&r, STATUS_NA);
		result_free(&r);
	}
	target_free(t);
}

static void test_demo_root(void **state)
{
	(void)state;
	struct check_result r;
	run_on("sshd.password", "content/demo", NULL, &r);
	expect_status(&r, STATUS_FAIL);
	assert_true(has_file_ev(&r, "/etc/ssh/sshd_config.d/60-cloudimg-settings.conf", 1));
	result_free(&r);
	run_on("sshd.root_login", "content/demo", NULL, &r);
	expect_status(&r, STATUS_FAIL);
	result_free(&r);
	run_on("sshd.sftp", "content/demo", NULL, &r);
	expect_status(&r, STATUS_PASS);
	result_free(&r);
	/* The commented-out lines a fix would change are there. */
	char *cause = NULL;
	struct target *t = target_root_new("content/demo", &cause);
	assert_non_null(t);
	struct sshd_config *cfg = sshd_config_load(t, NULL);
	assert_int_equal(cfg->nerrors, 0);
	int pl = sshd_config_find_commented(cfg, 0, SSHD_PASSWORD_AUTH);
	int rl = sshd_config_find_commented(cfg, 0, SSHD_PERMIT_ROOT_LOGIN);
	assert_true(pl > 0 && rl > 0);
	assert_string_equal(sshd_config_line(cfg, 0, pl)->text, "#PasswordAuthentication yes");
	assert_string_equal(sshd_config_line(cfg, 0, rl)->text, "#PermitRootLogin prohibit-password");
	sshd_config_free(cfg);
	target_free(t);
}

/* ---- sshd -T as the authority ---- */

/* A target that reads a fixture root but presents itself as the local
 * machine where commands run as root; sshd is the real one, pointed at a
 * copy of the fixture with a test host key. */
struct wrap {
	struct target *inner; /* owned: the fixture root */
	char *config;         /* owned: host path of the copied sshd_config */
	char *key;            /* owned: host key */
	int runs;             /* how many times sshd ran */
};

static int w_read(struct target *t, const char *path, char **data, size_t *len, size_t max)
{
	struct wrap *w = t->priv;
	return w->inner->ops->read_file(w->inner, path, data, len, max);
}

static int w_list(struct target *t, const char *path, struct strvec *names)
{
	struct wrap *w = t->priv;
	return w->inner->ops->list_dir(w->inner, path, names);
}

static int w_stat(struct target *t, const char *path, struct target_stat *st, bool follow)
{
	struct wrap *w = t->priv;
	if (strcmp(path, "/usr/sbin/sshd") == 0) {
		struct stat s;
		if (stat(path, &s) != 0)
			return -errno;
		*st = (struct target_stat){ .mode = s.st_mode, .size = s.st_size };
		return 0;
	}
	return w->inner->ops->stat(w->inner, path, st, follow);
}

static int w_run(struct target *t, const char *const argv[], int timeout_ms, struct cmd_result *out)
{
	struct wrap *w = t->priv;
	if (strcmp(argv[0], "/usr/sbin/sshd") != 0)
		return -ENOTSUP;
	const char *v[16];
	size_t n = 0;
	v[n++] = argv[0];
	v[n++] = "-f";
	v[n++] = w->config;
	v[n++] = "-h";
	v[n++] = w->key;
	for (size_t i = 1; argv[i] && n < 15; i++)
		v[n++] = argv[i];
	v[n] = NULL;
	w->runs++;
	return proc_run(v, timeout_ms, NULL, out);
}

static void w_destroy(struct target *t)
{
	struct wrap *w = t->priv;
	target_free(w->inner);
	free(w->config);
	free(w->key);
	free(w);
}

static const struct target_ops wrap_ops = {
	.read_file = w_read, .list_dir = w_list, .stat = w_stat, .run = w_run, .destroy = w_destroy,
};

/* Copies a fixture (rewriting absolute Include paths into the copy) and
 * wraps it as a local root target. */
static struct target *wrap_new(const char *tmp, const char *fixture)
{
	char *copy = xasprintf("%s/%s", tmp, fixture);
	assert_int_equal(tu_sh(NULL, "mkdir -p '%s' && cp -a '%s/%s/.' '%s/' && "
				     "find '%s/etc' -type f -exec sed -i 's#^Include /#Include %s/#' {} +",
			       copy, FIX, fixture, copy, copy, copy),
			 0);
	struct wrap *w = xcalloc(1, sizeof *w);
	char *cause = NULL;
	char *fx = xasprintf("%s/%s", FIX, fixture);
	w->inner = target_root_new(fx, &cause);
	free(fx);
	assert_non_null(w->inner);
	w->config = xasprintf("%s/etc/ssh/sshd_config", copy);
	w->key = xasprintf("%s/hostkey", tmp);
	free(copy);
	struct target *t = xcalloc(1, sizeof *t);
	t->ops = &wrap_ops;
	t->kind = TARGET_LOCAL;
	t->this_machine = true;
	t->os = TARGET_OS_LINUX;
	t->name = xstrdup("fixture as local");
	t->live = false;
	t->can_run = true;
	t->is_root = true;
	t->priv = w;
	return t;
}

static void test_sshd_t_is_the_authority(void **state)
{
	(void)state;
	if (access("/usr/sbin/sshd", X_OK) != 0) {
		print_error("/usr/sbin/sshd is missing: install openssh-server\n");
		fail();
	}
	mkdir("/run/sshd", 0755);
	char *tmp = tu_mkdtemp("sshd-auth");
	assert_int_equal(tu_sh(NULL, "ssh-keygen -q -t ed25519 -N '' -f '%s/hostkey'", tmp), 0);

	struct target *t = wrap_new(tmp, "debian-cloud");
	struct check_ctx ctx = { .t = t, .timeout_ms = 20000 };
	struct check_result r;
	check_run_one(check_find("sshd.password"), &ctx, &r);
	expect_status(&r, STATUS_FAIL);
	const struct evidence *e = command_ev(&r);
	assert_non_null(e);
	assert_non_null(strstr(e->command, "-T -C user=root,lport=22"));
	assert_int_equal(e->exit_status, 0);
	assert_non_null(strstr(e->text, "passwordauthentication no"));
	assert_true(has_note(&r, "authority"));
	/* The deciding file line is still shown. */
	assert_true(has_file_ev(&r, "/etc/ssh/sshd_config.d/60-cloudimg-settings.conf", 1));
	result_free(&r);
	check_run_one(check_find("sshd.root_login"), &ctx, &r);
	expect_status(&r, STATUS_FAIL);
	assert_non_null(strstr(r.finding, "prohibit-password"));
	result_free(&r);
	assert_int_equal(((struct wrap *)t->priv)->runs, 2);
	target_free(t);

	/* With --server, sshd -T gets the address and the Match block decides. */
	t = wrap_new(tmp, "match-address");
	ctx = (struct check_ctx){ .t = t, .server = "10.1.2.3", .timeout_ms = 20000 };
	check_run_one(check_find("sshd.password"), &ctx, &r);
	expect_status(&r, STATUS_FAIL);
	e = command_ev(&r);
	assert_non_null(e);
	assert_non_null(strstr(e->command, "host=10.1.2.3,addr=10.1.2.3"));
	result_free(&r);
	ctx.server = "192.0.2.10";
	check_run_one(check_find("sshd.password"), &ctx, &r);
	expect_status(&r, STATUS_PASS);
	result_free(&r);
	target_free(t);
	tu_rmtree(tmp);
	free(tmp);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_registered_with_bound_ids),
		cmocka_unit_test(test_password_fails_on_cloud_dropin),
		cmocka_unit_test(test_password_passes),
		cmocka_unit_test(test_password_match_address),
		cmocka_unit_test(test_ignored_lines_say_why),
		cmocka_unit_test(test_group_only_undecided_note),
		cmocka_unit_test(test_authentication_methods),
		cmocka_unit_test(test_root_login),
		cmocka_unit_test(test_kbd_interactive_is_informational),
		cmocka_unit_test(test_sftp),
		cmocka_unit_test(test_service),
		cmocka_unit_test(test_broken_and_missing_configurations),
		cmocka_unit_test(test_configuration_sshd_refuses),
		cmocka_unit_test(test_second_opinion_of_this_machines_sshd),
		cmocka_unit_test(test_empty_include_folder),
		cmocka_unit_test(test_special_files_are_errors),
		cmocka_unit_test(test_windows_is_not_applicable),
		cmocka_unit_test(test_demo_root),
		cmocka_unit_test(test_sshd_t_is_the_authority),
	};
	return cmocka_run_group_tests_name("check_sshd", tests, NULL, NULL);
}
