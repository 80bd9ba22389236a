/* test_fix_sshd.c: the sshd fix (95108) end to end on sandbox roots copied
 * from tests/fixtures/fix_sshd/<case>/root (and the demo root from the
 * binary's own content): plan -> the exact bytes of every edited file
 * against the fixture's expected/ files -> apply through the one safe path,
 * validated by the real /usr/sbin/sshd -t with a generated ed25519 host
 * key -> the sshd checks pass on the root -> undo -> every file of the root
 * byte-identical with its mode. Also: a configuration sshd -t rejects is
 * rolled back by itself; the reload chosen on a running machine; the
 * before/after effective values; evaluating planned bytes in memory
 * (sshd_config_load_with). */
#include "support/testutil.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "engine/change/apply.h"
#include "engine/check.h"
#include "engine/content.h"
#include "engine/fix.h"
#include "engine/change/journal.h"
#include "engine/change/plan.h"
#include "engine/sshd_config.h"
#include "engine/util/util.h"
#include "engine/undo.h"

#define FIXTURES "tests/fixtures/fix_sshd"
#define SSHD "/usr/sbin/sshd"

/* A generated host key for sshd -t (the machine's own may be unreadable),
 * made once for the suite; NULL when sshd -t cannot run here. */
static char *keydir;
static char *hostkey;

static int suite_setup(void **state)
{
	(void)state;
	if (access(SSHD, X_OK) != 0 || !tu_have("ssh-keygen")) {
		print_message("no %s or ssh-keygen: the tests that need sshd -t are skipped\n", SSHD);
		return 0;
	}
	keydir = tu_mkdtemp("fixsshd-key");
	char *key = xasprintf("%s/host_ed25519", keydir);
	if (tu_sh(NULL, "ssh-keygen -q -t ed25519 -N '' -f '%s'", key) != 0 ||
	    tu_sh(NULL, SSHD " -t -f tests/fixtures/apply/sshd_config.good -h '%s' 2>/dev/null",
	          key) != 0) {
		print_message("sshd -t does not run here (no /run/sshd?): those tests are skipped\n");
		free(key);
		return 0;
	}
	hostkey = key;
	return 0;
}

static int suite_teardown(void **state)
{
	(void)state;
	if (keydir)
		tu_rmtree(keydir);
	free(keydir);
	free(hostkey);
	return 0;
}

/* ---- a sandbox ---- */

struct box {
	char *dir;      /* temporary folder: root/ and journal/ */
	char *root;     /* the sandbox root */
	struct target *t;
	const char *extra[3];
	struct fix_ctx ctx;
	struct check_ctx cctx;
};

/* Copies the fixture root of a case (or the demo root when fixture is
 * NULL) into a new sandbox. */
static void box_open(struct box *b, const char *fixture)
{
	memset(b, 0, sizeof *b);
	b->dir = tu_mkdtemp("fixsshd");
	b->root = xasprintf("%s/root", b->dir);
	assert_int_equal(mkdir(b->root, 0755), 0);
	if (fixture) {
		assert_int_equal(tu_sh(NULL, "cp -a '" FIXTURES "/%s/root/.' '%s/'", fixture, b->root),
		                 0);
	} else {
		char *cause = NULL;
		if (content_extract("demo/", b->root, &cause) < 0)
			fail_msg("content_extract: %s", cause);
	}
	char *cause = NULL;
	b->t = target_root_new(b->root, &cause);
	assert_non_null(b->t);
	b->extra[0] = "-h";
	b->extra[1] = hostkey;
	b->extra[2] = NULL;
	char *journal = xasprintf("%s/journal", b->dir);
	b->ctx = (struct fix_ctx){ .t = b->t,
		                   .journal_dir = journal,
		                   .timeout_ms = 20000,
		                   .validator_extra = hostkey ? b->extra : NULL,
		                   .anchor = "credentials-check-errorid-95107--95108" };
	b->cctx = (struct check_ctx){ .t = b->t, .timeout_ms = 20000 };
}

static void box_close(struct box *b)
{
	target_free(b->t);
	free((char *)b->ctx.journal_dir);
	tu_rmtree(b->dir);
	free(b->dir);
	free(b->root);
}

/* Every file and link of the root with its mode, size and SHA-256: equal
 * snapshots mean byte-identical files with the same modes and nothing
 * left over. Caller frees. */
static char *snapshot(const struct box *b)
{
	char *out = NULL;
	assert_int_equal(tu_sh(&out,
	                       "cd '%s' && find . \\( -type f -o -type l \\) -printf '%%p %%m %%s "
	                       "%%l\\n' | LC_ALL=C sort && find . -type f -print0 | LC_ALL=C sort -z "
	                       "| xargs -0 -r sha256sum",
	                       b->root),
	                 0);
	return out;
}

/* The host bytes of a root file. */
static char *root_file(const struct box *b, const char *path, size_t *len)
{
	char *h = xasprintf("%s%s", b->root, path);
	char *d = tu_read_file(h, len);
	free(h);
	return d;
}

static mode_t root_mode(const struct box *b, const char *path)
{
	char *h = xasprintf("%s%s", b->root, path);
	struct stat st;
	assert_int_equal(stat(h, &st), 0);
	free(h);
	return st.st_mode & 07777;
}

/* Plans the fix; fails the test with the cause when there is no plan. */
static struct plan *plan_fix(struct box *b)
{
	const struct fix_def *f = fix_find("sshd.enable_password");
	assert_non_null(f);
	char *cause = NULL;
	struct plan *p = f->plan(&b->ctx, &cause);
	if (!p)
		fail_msg("no plan: %s", cause ? cause : "(no cause)");
	assert_null(cause);
	return p;
}

/* Asserts every edit holds exactly the bytes of <case>/<expdir>/<path>
 * and that every expected file is edited. */
static void assert_expected(const struct plan *p, const char *fixture, const char *expdir)
{
	char *count = NULL;
	tu_sh(&count, "find '" FIXTURES "/%s/%s' -type f | wc -l", fixture, expdir);
	assert_int_equal((size_t)atoi(count), p->nedits);
	free(count);
	for (size_t i = 0; i < p->nedits; i++) {
		const struct file_edit *e = &p->edits[i];
		char *path = xasprintf(FIXTURES "/%s/%s%s", fixture, expdir, e->path);
		size_t len = 0;
		char *want = tu_read_file(path, &len);
		if (e->new_len != len || memcmp(e->new_data, want, len) != 0)
			fail_msg("%s: the planned bytes differ from %s:\n---- planned\n%.*s---- "
			         "expected\n%s",
			         e->path, path, (int)e->new_len, e->new_data, want);
		free(want);
		free(path);
	}
}

/* Runs a check on the sandbox; returns its status. */
static enum status run_check(struct box *b, const char *id, char **finding)
{
	const struct check_def *c = check_find(id);
	assert_non_null(c);
	struct check_result r;
	check_run_one(c, &b->cctx, &r);
	enum status s = r.status;
	if (finding)
		*finding = xstrdup(r.finding ? r.finding : "");
	result_free(&r);
	return s;
}

/* Asserts the three sshd checks pass on the sandbox. With undecided, a
 * warning that a Match block on the unknown address could turn a value
 * back is accepted too (the fix notes it and does not guess). */
static void assert_checks_pass(struct box *b, bool undecided)
{
	static const char *const ids[] = { "sshd.password", "sshd.root_login", "sshd.sftp" };
	for (size_t i = 0; i < ARRAY_LEN(ids); i++) {
		char *finding = NULL;
		enum status s = run_check(b, ids[i], &finding);
		bool ok = s == STATUS_PASS ||
		          (undecided && s == STATUS_WARN && strstr(finding, "is yes, but the Match block") &&
		           strstr(finding, "give --server"));
		if (!ok)
			fail_msg("%s: %s: %s", ids[i], status_name(s), finding);
		free(finding);
	}
}

/* The confirmation callback: refuses every command that needs its own
 * confirmation (the reload) and counts what it was asked. */
static bool refuse(void *arg, const char *const *argv, const char *reason, bool needs_confirm)
{
	(void)argv;
	(void)reason;
	int *asked = arg;
	(*asked)++;
	return !needs_confirm;
}

/* The reload command of the plan, shown as it will run, or NULL. */
static char *reload_of(const struct plan *p)
{
	for (size_t i = 0; i < p->ncmds; i++)
		if (p->cmds[i].rerun_on_undo)
			return plan_argv_str((const char *const *)p->cmds[i].argv);
	return NULL;
}

/* Whether one of the plan's notes contains s. */
static bool has_note(const struct plan *p, const char *s)
{
	for (size_t i = 0; i < p->notes.n; i++)
		if (strstr(p->notes.v[i], s))
			return true;
	return false;
}

/* The whole path: plan, exact bytes, apply with the real sshd -t, checks,
 * undo, originals back. reload is the expected reload command (NULL:
 * none); edited lists paths whose mode is checked to be kept. */
static void end_to_end(const char *fixture, const char *expdir, const char *server,
                       const char *reload, bool undecided)
{
	if (!hostkey)
		skip();
	struct box b;
	box_open(&b, fixture);
	b.ctx.server = server;
	b.cctx.server = server;
	char *before = snapshot(&b);
	/* The fixture fails at least one of the checks. */
	bool failing = run_check(&b, "sshd.password", NULL) == STATUS_FAIL ||
	               run_check(&b, "sshd.root_login", NULL) == STATUS_FAIL ||
	               run_check(&b, "sshd.sftp", NULL) == STATUS_FAIL;
	assert_true(failing);

	struct plan *p = plan_fix(&b);
	assert_expected(p, fixture, expdir);
	assert_string_equal(p->fix_id, "sshd.enable_password");
	assert_int_equal(p->check_ids.n, 3);
	assert_non_null(p->commit_confirmed_service);
	assert_string_equal(p->commit_confirmed_service, "sshd");
	mode_t modes[8];
	assert_true(p->nedits <= ARRAY_LEN(modes));
	for (size_t i = 0; i < p->nedits; i++) {
		const struct file_edit *e = &p->edits[i];
		/* A mounted root is judged before writing, on a copy of its
		 * own files, never by `sshd -t -f ROOT/...` after. */
		assert_null(e->validator);
		assert_true(e->reason && str_starts(e->reason, "the article"));
		modes[i] = root_mode(&b, e->path);
	}
	assert_true(has_note(p, "Validated before anything is written: `" SSHD " -t -f "
	                        "/etc/ssh/sshd_config -h "));
	assert_true(has_note(p, "assembled from the root's own files (/etc/ssh/sshd_config"));
	char *r = reload_of(p);
	if (reload) {
		assert_non_null(r);
		assert_string_equal(r, reload);
		assert_int_equal(p->ncmds, 1);
		assert_true(p->cmds[0].confirm);
		assert_int_equal(p->cmds[0].phase, CMD_AFTER);
	} else {
		assert_null(r);
		assert_int_equal(p->ncmds, 0);
	}
	free(r);

	int asked = 0;
	struct apply_opts o = { .confirm = refuse, .confirm_arg = &asked };
	struct apply_report rep;
	int rc = apply_plan(&b.ctx, p, &o, &rep);
	if (rc != 0)
		fail_msg("apply: %s\n%s", rep.message,
		         rep.validator_output ? rep.validator_output : "");
	assert_int_equal(rep.outcome, JOURNAL_APPLIED);
	assert_true(rep.changed);
	assert_false(rep.reload_ran);
	assert_int_equal(asked, 0); /* a mounted root runs nothing: listed */
	assert_int_equal(rep.pending.n, reload ? 1 : 0);
	if (reload)
		assert_string_equal(rep.pending.v[0], reload);
	apply_report_free(&rep);
	for (size_t i = 0; i < p->nedits; i++) {
		const struct file_edit *e = &p->edits[i];
		size_t len = 0;
		char *now = root_file(&b, e->path, &len);
		assert_int_equal(len, e->new_len);
		assert_memory_equal(now, e->new_data, len);
		free(now);
		assert_int_equal(root_mode(&b, e->path), modes[i]);
	}
	assert_checks_pass(&b, undecided);

	/* Planning again finds nothing to do. */
	const struct fix_def *f = fix_find("sshd.enable_password");
	char *cause = NULL;
	struct plan *again = f->plan(&b.ctx, &cause);
	assert_null(again);
	assert_non_null(cause);
	assert_non_null(strstr(cause, "nothing to change"));
	free(cause);

	rc = undo_entry(&b.ctx, NULL, &o, &rep);
	if (rc != 0)
		fail_msg("undo: %s", rep.message);
	assert_int_equal(rep.outcome, JOURNAL_UNDONE);
	apply_report_free(&rep);
	char *now = snapshot(&b);
	assert_string_equal(now, before);
	free(now);
	free(before);
	plan_free(p);
	box_close(&b);
}

static void test_debian_cloud_image_drop_in_and_default_root_login(void **state)
{
	(void)state;
	end_to_end("debian-cloud", "expected", NULL, "systemctl reload ssh", false);
}

static void test_ubuntu_cloud_init_drop_in_read_first_decides(void **state)
{
	(void)state;
	end_to_end("ubuntu-cloud-init", "expected", NULL, "systemctl reload ssh", false);
	/* cloud-init rewrites its drop-in on a new instance: said in a note. */
	struct box b;
	box_open(&b, "ubuntu-cloud-init");
	struct plan *p = plan_fix(&b);
	assert_true(has_note(p, "/etc/ssh/sshd_config.d/50-cloud-init.conf is written by "
	                        "cloud-init (ssh_pwauth)"));
	plan_free(p);
	box_close(&b);
}

static void test_rhel9_layout(void **state)
{
	(void)state;
	end_to_end("rhel9", "expected", NULL, "systemctl reload sshd", false);
}

static void test_article_case_uncomments_the_lines(void **state)
{
	(void)state;
	end_to_end("article", "expected", NULL, "service ssh reload", false);
}

static void test_match_block_at_the_end_new_lines_go_before_it(void **state)
{
	(void)state;
	end_to_end("match-end", "expected", NULL, NULL, true);
	/* The Address block is undecided without --server: a note, no guess. */
	struct box b;
	box_open(&b, "match-end");
	struct plan *p = plan_fix(&b);
	assert_true(has_note(p, "Review /etc/ssh/sshd_config:12 (the Match block at "
	                        "/etc/ssh/sshd_config:11)"));
	assert_true(has_note(p, "it makes PermitRootLogin no for root; that depends on Address"));
	assert_true(has_note(p, "No ssh/sshd service was found in this root"));
	plan_free(p);
	box_close(&b);
}

static void test_match_block_that_applies_from_the_server_is_changed_in_place(void **state)
{
	(void)state;
	end_to_end("match-end", "expected-server", "192.0.2.10", NULL, false);
	struct box b;
	box_open(&b, "match-end");
	b.ctx.server = "192.0.2.10";
	struct plan *p = plan_fix(&b);
	assert_false(has_note(p, "Review "));
	assert_non_null(strstr(p->edits[0].reason, "the Match block at /etc/ssh/sshd_config:11 "
	                                           "applies to root's connection"));
	assert_string_equal(p->before.v[0],
	                    "Effective for user root from 192.0.2.10, as sshd reads the files:");
	assert_string_equal(p->before.v[2],
	                    "PermitRootLogin         no  (/etc/ssh/sshd_config:12, in the Match "
	                    "block at /etc/ssh/sshd_config:11)");
	assert_string_equal(p->after.v[2],
	                    "PermitRootLogin         yes  (/etc/ssh/sshd_config:13, in the Match "
	                    "block at /etc/ssh/sshd_config:12)");
	plan_free(p);
	box_close(&b);
}

/* AuthenticationMethods in a drop-in asks for a key and a password: the
 * checks fail, the fix adds the list "password" to the line that decides
 * it, and only then do the checks pass (once the fix said "verified"
 * while sshd still refused a password alone). */
static void test_authentication_methods_get_a_password_list(void **state)
{
	(void)state;
	struct box b;
	box_open(&b, "auth-methods");
	char *finding = NULL;
	assert_int_equal(run_check(&b, "sshd.password", &finding), STATUS_FAIL);
	assert_non_null(strstr(finding, "AuthenticationMethods publickey,password "
	                                "publickey,keyboard-interactive for root "
	                                "(/etc/ssh/sshd_config.d/50-mfa.conf:1)"));
	free(finding);
	struct plan *p = plan_fix(&b);
	assert_int_equal(p->nedits, 1);
	assert_non_null(strstr(p->edits[0].reason, "the method list \"password\" is added"));
	bool shown = false;
	for (size_t i = 0; i < p->after.n; i++)
		shown |= str_starts(p->after.v[i], "AuthenticationMethods   publickey,password "
		                                   "publickey,keyboard-interactive password");
	assert_true(shown);
	plan_free(p);
	box_close(&b);
	end_to_end("auth-methods", "expected", NULL, NULL, false);
}

/* The root's sshd_config is a link to an absolute path inside the root
 * (on this machine that path does not exist): validating it as
 * `sshd -t -f ROOT/etc/ssh/sshd_config` followed the link here and
 * rejected a correct change. The copy assembled from the root's own files
 * is what sshd judges now. */
static void test_linked_main_file_is_validated_inside_the_root(void **state)
{
	(void)state;
	if (!hostkey)
		skip();
	struct box b;
	box_open(&b, "debian-cloud");
	assert_int_equal(tu_sh(NULL,
	                       "cd '%s/etc/ssh' && mkdir -p ../asr-test-real && "
	                       "mv sshd_config ../asr-test-real/sshd_config && "
	                       "ln -s /etc/asr-test-real/sshd_config sshd_config",
	                       b.root),
	                 0);
	assert_int_not_equal(access("/etc/asr-test-real/sshd_config", F_OK), 0);
	struct plan *p = plan_fix(&b);
	assert_true(has_note(p, "Validated before anything is written"));
	assert_true(has_note(p, "/etc/ssh/sshd_config.d/60-cloudimg-settings.conf"));
	int asked = 0;
	struct apply_opts o = { .confirm = refuse, .confirm_arg = &asked };
	struct apply_report rep;
	int rc = apply_plan(&b.ctx, p, &o, &rep);
	if (rc != 0)
		fail_msg("apply: %s\n%s", rep.message, rep.validator_output ? rep.validator_output : "");
	assert_int_equal(rep.outcome, JOURNAL_APPLIED);
	apply_report_free(&rep);
	/* The real file inside the root holds the change; the link stays. */
	char *link = xasprintf("%s/etc/ssh/sshd_config", b.root);
	struct stat st;
	assert_int_equal(lstat(link, &st), 0);
	assert_true(S_ISLNK(st.st_mode));
	free(link);
	assert_checks_pass(&b, false);
	plan_free(p);
	box_close(&b);
}

/* A Match Group the root's files cannot decide (no /etc/group): the plan
 * says so, and does not send the engineer to --server. */
static void test_undecided_group_is_named(void **state)
{
	(void)state;
	if (!hostkey)
		skip();
	struct box b;
	box_open(&b, "debian-cloud");
	char *main = xasprintf("%s/etc/ssh/sshd_config", b.root);
	assert_int_equal(tu_sh(NULL, "rm -f '%s/etc/group' && printf 'Match Group admins\\n"
	                             "\\tPermitRootLogin no\\n' >> '%s'",
	                       b.root, main),
	                 0);
	free(main);
	struct plan *p = plan_fix(&b);
	assert_true(has_note(p, "that depends on Group, which is unknown here (the root has no "
	                        "readable /etc/passwd and /etc/group naming root)"));
	assert_false(has_note(p, "give --server"));
	plan_free(p);
	box_close(&b);
}

static void test_crlf_file_stays_crlf(void **state)
{
	(void)state;
	end_to_end("crlf", "expected", NULL, NULL, false);
}

static void test_missing_sftp_binary_points_at_the_one_that_exists(void **state)
{
	(void)state;
	end_to_end("missing-sftp-binary", "expected", NULL, NULL, false);
}

static void test_no_sftp_server_adds_internal_sftp(void **state)
{
	(void)state;
	end_to_end("no-sftp-server", "expected", NULL, NULL, false);
}

/* The demo root (content/demo, as --demo extracts it). */
static void test_demo_root(void **state)
{
	(void)state;
	if (!hostkey)
		skip();
	struct box b;
	box_open(&b, NULL);
	char *before = snapshot(&b);
	assert_int_equal(run_check(&b, "sshd.password", NULL), STATUS_FAIL);
	assert_int_equal(run_check(&b, "sshd.root_login", NULL), STATUS_FAIL);
	struct plan *p = plan_fix(&b);
	assert_expected(p, "demo", "expected");
	struct apply_report rep;
	int rc = apply_plan(&b.ctx, p, NULL, &rep);
	if (rc != 0)
		fail_msg("apply: %s\n%s", rep.message,
		         rep.validator_output ? rep.validator_output : "");
	apply_report_free(&rep);
	assert_checks_pass(&b, false);
	assert_int_equal(undo_entry(&b.ctx, NULL, NULL, &rep), 0);
	apply_report_free(&rep);
	char *now = snapshot(&b);
	assert_string_equal(now, before);
	free(now);
	free(before);
	plan_free(p);
	box_close(&b);
}

/* What the confirmation screen shows: the three effective values for root
 * and where they are decided, before and after, from the new bytes. */
static void test_before_and_after_effective_values(void **state)
{
	(void)state;
	struct box b;
	box_open(&b, "debian-cloud");
	struct plan *p = plan_fix(&b);
	assert_int_equal(p->before.n, 4);
	assert_int_equal(p->after.n, 4);
	assert_string_equal(p->before.v[0], "Effective for user root (process server address "
	                                    "unknown), as sshd reads the files:");
	assert_string_equal(p->before.v[1], "PasswordAuthentication  no  "
	                                    "(/etc/ssh/sshd_config.d/60-cloudimg-settings.conf:1)");
	assert_string_equal(p->before.v[2],
	                    "PermitRootLogin         prohibit-password  (OpenSSH's default: no "
	                    "file sets it)");
	assert_string_equal(p->before.v[3], "Subsystem sftp          /usr/lib/openssh/sftp-server  "
	                                    "(/etc/ssh/sshd_config:36)");
	assert_string_equal(p->after.v[1], "PasswordAuthentication  yes  "
	                                   "(/etc/ssh/sshd_config.d/60-cloudimg-settings.conf:1)");
	assert_string_equal(p->after.v[2], "PermitRootLogin         yes  (/etc/ssh/sshd_config:16)");
	assert_string_equal(p->after.v[3], "Subsystem sftp          /usr/lib/openssh/sftp-server  "
	                                   "(/etc/ssh/sshd_config:36)");
	/* The drop-in's reason says why the change goes there. */
	assert_string_equal(p->edits[0].path, "/etc/ssh/sshd_config.d/60-cloudimg-settings.conf");
	assert_string_equal(p->edits[0].reason,
	                    "the article, steps 2-3: PasswordAuthentication must be yes; sshd uses "
	                    "the first value it reads, and it reads this line of "
	                    "/etc/ssh/sshd_config.d/60-cloudimg-settings.conf (included from "
	                    "/etc/ssh/sshd_config:5) first, so the value is changed there rather "
	                    "than commented out (which would hand the decision to the next file "
	                    "that sets it)");
	assert_string_equal(p->edits[1].path, "/etc/ssh/sshd_config");
	assert_non_null(strstr(p->edits[1].reason, "the commented-out line 16 is uncommented and "
	                                           "set to yes, as the article does"));
	/* The reload asks again and runs again after undo (and for the
	 * commit-confirmed guard). */
	assert_int_equal(p->ncmds, 1);
	assert_true(p->cmds[0].confirm);
	assert_true(p->cmds[0].rerun_on_undo);
	/* A missing program is marked in the summary. */
	plan_free(p);
	box_close(&b);
	box_open(&b, "missing-sftp-binary");
	p = plan_fix(&b);
	assert_string_equal(p->before.v[3], "Subsystem sftp          /usr/libexec/openssh/sftp-server "
	                                    "-f AUTHPRIV -l INFO [program missing]  "
	                                    "(/etc/ssh/sshd_config:3)");
	assert_string_equal(p->after.v[3], "Subsystem sftp          /usr/lib/openssh/sftp-server -f "
	                                   "AUTHPRIV -l INFO  (/etc/ssh/sshd_config:3)");
	plan_free(p);
	box_close(&b);
}

/* A configuration sshd -t rejects (a line asr-doctor's reader only warns
 * about) is put back by itself, nothing reloaded, for a broken main file
 * and for a broken drop-in (checked on its own on a mounted root). */
static void rejected(const char *file)
{
	if (!hostkey)
		skip();
	struct box b;
	box_open(&b, "debian-cloud");
	char *h = xasprintf("%s%s", b.root, file);
	assert_int_equal(tu_sh(NULL, "echo 'KexAlgorithms mlkem768x25519-sha256' >> '%s'", h), 0);
	free(h);
	char *before = snapshot(&b);
	const struct fix_def *f = fix_find("sshd.enable_password");
	char *cause = NULL;
	struct plan *p = f->plan(&b.ctx, &cause);
	assert_null(p);
	assert_non_null(cause);
	/* sshd's own words, about the root's file and line. */
	char *where = xasprintf("%s line ", file);
	if (!strstr(cause, "this machine's sshd refuses the planned configuration") ||
	    !strstr(cause, where) || !strstr(cause, "mlkem768x25519-sha256"))
		fail_msg("%s", cause);
	free(where);
	free(cause);
	char *now = snapshot(&b);
	assert_string_equal(now, before);
	free(now);
	free(before);
	box_close(&b);
}

static void test_refused_main_file_is_not_planned(void **state)
{
	(void)state;
	rejected("/etc/ssh/sshd_config");
}

static void test_refused_drop_in_is_not_planned(void **state)
{
	(void)state;
	rejected("/etc/ssh/sshd_config.d/60-cloudimg-settings.conf");
}

static void test_nothing_to_change_names_what_to_review(void **state)
{
	(void)state;
	struct box b;
	box_open(&b, "nothing");
	const struct fix_def *f = fix_find("sshd.enable_password");
	char *cause = NULL;
	assert_null(f->plan(&b.ctx, &cause));
	assert_non_null(cause);
	assert_true(str_starts(cause, "nothing to change"));
	assert_non_null(strstr(cause, "Review /etc/ssh/sshd_config:6 (the Match block at "
	                              "/etc/ssh/sshd_config:5)"));
	free(cause);
	box_close(&b);
}

static void test_configuration_errors_are_not_built_on(void **state)
{
	(void)state;
	struct box b;
	box_open(&b, "article");
	char *h = xasprintf("%s/etc/ssh/sshd_config", b.root);
	assert_int_equal(tu_sh(NULL, "echo 'PermitRootLogin maybe' >> '%s'", h), 0);
	free(h);
	const struct fix_def *f = fix_find("sshd.enable_password");
	char *cause = NULL;
	assert_null(f->plan(&b.ctx, &cause));
	assert_non_null(strstr(cause, "/etc/ssh/sshd_config:18: PermitRootLogin: unsupported "
	                              "value \"maybe\""));
	free(cause);
	box_close(&b);
	box_open(&b, "article");
	h = xasprintf("%s/etc/ssh/sshd_config", b.root);
	unlink(h);
	free(h);
	assert_null(f->plan(&b.ctx, &cause));
	assert_non_null(strstr(cause, "/etc/ssh/sshd_config is missing"));
	free(cause);
	box_close(&b);
}

static void on_hup_exit(int sig)
{
	(void)sig;
	_exit(0);
}

/* A child named sshd (its comm) that exits 0 on SIGHUP, or a plain child
 * when !named; its pid. */
static pid_t child_named(bool named)
{
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		if (named)
			prctl(PR_SET_NAME, "sshd", 0, 0, 0);
		signal(SIGHUP, on_hup_exit);
		for (;;)
			pause();
	}
	/* Wait until the name is set (the child sets it before it pauses). */
	char *path = xasprintf("/proc/%d/comm", (int)pid);
	for (int i = 0; i < 3000; i++) {
		FILE *fp = fopen(path, "r");
		char comm[32] = "";
		if (fp) {
			if (!fgets(comm, sizeof comm, fp))
				comm[0] = 0;
			fclose(fp);
		}
		if (!named || strcmp(comm, "sshd\n") == 0)
			break;
		usleep(10000);
	}
	free(path);
	return pid;
}

/* Runs the planned reload script with a pid file of our own: it signals
 * the process the file names when it runs, only when that is an sshd. */
static void run_reload_script(const char *script)
{
	char *dir = tu_mkdtemp("reload");
	char *pidfile = xasprintf("%s/sshd.pid", dir);
	pid_t other = child_named(false);
	pid_t sshd = child_named(true);
	/* The file names a process that is not sshd (a pid reused): refused,
	 * nothing signalled. */
	assert_int_equal(tu_sh(NULL, "echo %d > '%s'", (int)other, pidfile), 0);
	assert_int_not_equal(tu_sh(NULL, "sh -c '%s' sh '%s' 2>/dev/null", script, pidfile), 0);
	int st;
	assert_int_equal(waitpid(other, &st, WNOHANG), 0);
	/* Then it names the sshd: signalled. */
	assert_int_equal(tu_sh(NULL, "echo %d > '%s'", (int)sshd, pidfile), 0);
	assert_int_equal(tu_sh(NULL, "sh -c '%s' sh '%s'", script, pidfile), 0);
	assert_int_equal(waitpid(sshd, &st, 0), sshd);
	assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	/* Not a number: refused. */
	assert_int_equal(tu_sh(NULL, "echo '1 2' > '%s'", pidfile), 0);
	assert_int_not_equal(tu_sh(NULL, "sh -c '%s' sh '%s' 2>/dev/null", script, pidfile), 0);
	kill(other, SIGKILL);
	waitpid(other, &st, 0);
	tu_rmtree(dir);
	free(pidfile);
	free(dir);
}

/* On a running machine: SIGHUP to the pid in sshd's pid file when no
 * systemd runs and there is no service command, only when that pid is
 * sshd; systemctl once systemd runs. (The sandbox is marked as a running
 * machine; it still cannot run commands.) */
static void test_reload_choice_on_a_running_machine(void **state)
{
	(void)state;
	struct box b;
	box_open(&b, "reload-pid");
	b.t->live = true;
	struct plan *p = plan_fix(&b);
	const struct plan_cmd *c = NULL;
	for (size_t i = 0; i < p->ncmds; i++)
		if (p->cmds[i].rerun_on_undo)
			c = &p->cmds[i];
	assert_non_null(c);
	/* The pid file is named, not the pid it held when planned. */
	assert_string_equal(c->argv[0], "sh");
	assert_string_equal(c->argv[1], "-c");
	assert_string_equal(c->argv[4], "/run/sshd.pid");
	assert_null(c->argv[5]);
	assert_null(strstr(c->argv[2], "812"));
	assert_true(c->confirm);
	run_reload_script(c->argv[2]);
	plan_free(p);
	/* /run/sshd.pid gone: /var/run/sshd.pid names a process that is not
	 * sshd, so nothing is signalled. */
	char *h = xasprintf("%s/run/sshd.pid", b.root);
	assert_int_equal(unlink(h), 0);
	free(h);
	p = plan_fix(&b);
	assert_null(reload_of(p));
	assert_true(has_note(p, "No way to reload sshd was found"));
	plan_free(p);
	/* systemd running: its unit. */
	h = xasprintf("%s/run/systemd/system", b.root);
	assert_int_equal(tu_sh(NULL, "mkdir -p '%s'", h), 0);
	free(h);
	p = plan_fix(&b);
	char *r = reload_of(p);
	assert_string_equal(r, "systemctl reload ssh");
	free(r);
	plan_free(p);
	box_close(&b);
}

/* sshd_config_load_with: planned bytes evaluated without writing them; a
 * new drop-in is found by the Include pattern; the target is untouched. */
static void test_load_with_overrides(void **state)
{
	(void)state;
	struct box b;
	box_open(&b, "debian-cloud");
	const char *yes = "PasswordAuthentication yes\n";
	struct sshd_override ov[] = {
		{ "/etc/ssh/sshd_config.d/60-cloudimg-settings.conf", yes, strlen(yes) },
	};
	struct sshd_config *cfg = sshd_config_load_with(b.t, NULL, ov, 1);
	sshd_config_eval(cfg, NULL);
	assert_int_equal(cfg->nerrors, 0);
	const struct sshd_setting *s = sshd_config_get(cfg, SSHD_PASSWORD_AUTH);
	assert_string_equal(s->value, "yes");
	assert_string_equal(cfg->files[s->file].path, ov[0].path);
	sshd_config_free(cfg);
	/* Without overrides: the file as it is. */
	cfg = sshd_config_load(b.t, NULL);
	sshd_config_eval(cfg, NULL);
	assert_string_equal(sshd_config_get(cfg, SSHD_PASSWORD_AUTH)->value, "no");
	sshd_config_free(cfg);
	/* A drop-in that does not exist yet, read before 60-...: it decides. */
	const char *early = "PasswordAuthentication yes\nPermitRootLogin yes";
	struct sshd_override ov2[] = {
		{ "/etc/ssh/sshd_config.d/10-new.conf", early, strlen(early) },
	};
	cfg = sshd_config_load_with(b.t, NULL, ov2, 1);
	sshd_config_eval(cfg, NULL);
	s = sshd_config_get(cfg, SSHD_PASSWORD_AUTH);
	assert_string_equal(s->value, "yes");
	assert_string_equal(cfg->files[s->file].path, "/etc/ssh/sshd_config.d/10-new.conf");
	assert_string_equal(sshd_config_get(cfg, SSHD_PERMIT_ROOT_LOGIN)->value, "yes");
	assert_int_equal(s->nothers, 1); /* 60-...'s "no" loses */
	sshd_config_free(cfg);
	char *h = xasprintf("%s/etc/ssh/sshd_config.d/10-new.conf", b.root);
	assert_int_not_equal(access(h, F_OK), 0);
	free(h);
	box_close(&b);
}

/* Runs the asr-doctor binary; *out gets stdout and stderr. */
static int run_cli(char **out, const char *args)
{
	return tu_sh(out, "%s %s 2>&1", tu_binary(), args);
}

/* The demo through the binary: --demo fix with --yes fixes the sshd part
 * and verifies it (the sandbox is a mounted root: nothing is reloaded). */
static void test_cli_demo_fix(void **state)
{
	(void)state;
	if (access(tu_binary(), X_OK) != 0 || !hostkey) {
		skip();
		return;
	}
	char *out = NULL;
	run_cli(&out, "--demo fix sshd.enable_password --dry-run </dev/null");
	bool wired = out && strstr(out, "(sshd.enable_password)");
	free(out);
	/* The binary's sshd -t uses this machine's host keys. */
	bool keys = tu_sh(NULL, SSHD " -t -f tests/fixtures/apply/sshd_config.good 2>/dev/null") == 0;
	if (!wired || !keys) {
		print_message("%s: %s: not run\n", tu_binary(),
		              !wired ? "no sshd.enable_password fix" : "sshd -t cannot read host keys");
		skip();
		return;
	}
	char *j = tu_mkdtemp("fixsshd-journal");
	char *args = xasprintf("--demo fix sshd.enable_password --yes --journal '%s' </dev/null", j);
	int rc = run_cli(&out, args);
	if (rc != 0)
		print_error("%s\n", out);
	assert_int_equal(rc, 0);
	const char *again = strstr(out, "Checking again:");
	assert_non_null(again);
	assert_non_null(strstr(again, "[pass] sshd.password"));
	assert_non_null(strstr(again, "[pass] sshd.root_login"));
	assert_non_null(strstr(again, "[pass] sshd.sftp"));
	assert_non_null(strstr(again, "Fixed and verified."));
	free(out);
	free(args);
	/* By ErrorID: the sshd part is fixed the same way. */
	args = xasprintf("--demo fix 95108 --yes --journal '%s' </dev/null", j);
	run_cli(&out, args);
	again = strstr(out, "Checking again:");
	assert_non_null(again);
	assert_non_null(strstr(again, "[pass] sshd.password"));
	assert_non_null(strstr(again, "[pass] sshd.root_login"));
	assert_non_null(strstr(again, "[pass] sshd.sftp"));
	free(out);
	free(args);
	tu_rmtree(j);
	free(j);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_load_with_overrides),
		cmocka_unit_test(test_debian_cloud_image_drop_in_and_default_root_login),
		cmocka_unit_test(test_ubuntu_cloud_init_drop_in_read_first_decides),
		cmocka_unit_test(test_rhel9_layout),
		cmocka_unit_test(test_article_case_uncomments_the_lines),
		cmocka_unit_test(test_match_block_at_the_end_new_lines_go_before_it),
		cmocka_unit_test(test_match_block_that_applies_from_the_server_is_changed_in_place),
		cmocka_unit_test(test_authentication_methods_get_a_password_list),
		cmocka_unit_test(test_linked_main_file_is_validated_inside_the_root),
		cmocka_unit_test(test_undecided_group_is_named),
		cmocka_unit_test(test_crlf_file_stays_crlf),
		cmocka_unit_test(test_missing_sftp_binary_points_at_the_one_that_exists),
		cmocka_unit_test(test_no_sftp_server_adds_internal_sftp),
		cmocka_unit_test(test_demo_root),
		cmocka_unit_test(test_before_and_after_effective_values),
		cmocka_unit_test(test_refused_main_file_is_not_planned),
		cmocka_unit_test(test_refused_drop_in_is_not_planned),
		cmocka_unit_test(test_nothing_to_change_names_what_to_review),
		cmocka_unit_test(test_configuration_errors_are_not_built_on),
		cmocka_unit_test(test_reload_choice_on_a_running_machine),
		cmocka_unit_test(test_cli_demo_fix),
	};
	return cmocka_run_group_tests_name("fix_sshd", tests, suite_setup, suite_teardown);
}
