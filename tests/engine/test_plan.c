/* test_plan.c: plans read the current files through the target (symlinks,
 * new files, bad input refused), the unified diff is right (exact text on
 * small cases; on random cases GNU patch turns old into new with it and it
 * is as short as diff's own minimal diff), and the printed plan says what
 * will happen. */
#include "support/testutil.h"
#include "engine/util/diff.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "engine/fix.h"
#include "engine/change/plan.h"
#include "engine/util/util.h"

static char *sandbox;

static int setup(void **state)
{
	(void)state;
	sandbox = tu_mkdtemp("plan");
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	tu_rmtree(sandbox);
	free(sandbox);
	return 0;
}

static char *sbx(const char *rel)
{
	return xasprintf("%s%s", sandbox, rel);
}

static char *diff_of(const char *a, const char *b)
{
	struct sbuf out = { 0 };
	diff_unified(a, strlen(a), b, strlen(b), "old", "new", &out);
	return sb_steal(&out);
}

static void test_diff_equal_is_empty(void **state)
{
	(void)state;
	char *d = diff_of("a\nb\n", "a\nb\n");
	assert_string_equal(d, "");
	free(d);
}

static void test_diff_one_line_in_the_middle(void **state)
{
	(void)state;
	const char *a = "1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n";
	const char *b = "1\n2\n3\n4\nfive\n6\n7\n8\n9\n10\n";
	char *d = diff_of(a, b);
	assert_string_equal(d, "--- old\n+++ new\n"
	                       "@@ -2,7 +2,7 @@\n 2\n 3\n 4\n-5\n+five\n 6\n 7\n 8\n");
	free(d);
}

static void test_diff_two_hunks_and_merge(void **state)
{
	(void)state;
	struct sbuf a = { 0 }, b = { 0 };
	for (int i = 1; i <= 20; i++)
		sb_printf(&a, "%d\n", i);
	for (int i = 1; i <= 20; i++) {
		if (i == 2)
			sb_add(&b, "two\n");
		else if (i == 18)
			sb_add(&b, "eighteen\n");
		else
			sb_printf(&b, "%d\n", i);
	}
	char *d = diff_of(sb_str(&a), sb_str(&b));
	assert_string_equal(d, "--- old\n+++ new\n"
	                       "@@ -1,5 +1,5 @@\n 1\n-2\n+two\n 3\n 4\n 5\n"
	                       "@@ -15,6 +15,6 @@\n 15\n 16\n 17\n-18\n+eighteen\n 19\n 20\n");
	free(d);
	/* Changes 6 equal lines apart share one hunk (diff -u merges at 2 x 3). */
	sb_reset(&b);
	for (int i = 1; i <= 20; i++) {
		if (i == 5)
			sb_add(&b, "five\n");
		else if (i == 12)
			sb_add(&b, "twelve\n");
		else
			sb_printf(&b, "%d\n", i);
	}
	d = diff_of(sb_str(&a), sb_str(&b));
	assert_non_null(strstr(d, "@@ -2,14 +2,14 @@\n"));
	assert_null(strstr(d + 20, "\n@@"));
	free(d);
	sb_free(&a);
	sb_free(&b);
}

static void test_diff_no_newline_and_new_file(void **state)
{
	(void)state;
	char *d = diff_of("a\nb", "a\nb\n");
	assert_string_equal(
	        d, "--- old\n+++ new\n@@ -1,2 +1,2 @@\n a\n-b\n\\ No newline at end of file\n+b\n");
	free(d);
	d = diff_of("", "x\ny\n");
	assert_string_equal(d, "--- old\n+++ new\n@@ -0,0 +1,2 @@\n+x\n+y\n");
	free(d);
	d = diff_of("x\n", "");
	assert_string_equal(d, "--- old\n+++ new\n@@ -1 +0,0 @@\n-x\n");
	free(d);
}

/* A small deterministic generator, so a failure can be replayed. */
static unsigned long rng = 12345;
static unsigned rnd(unsigned n)
{
	rng = rng * 6364136223846793005ULL + 1442695040888963407ULL;
	return (unsigned)((rng >> 33) % n);
}

static char *random_text(size_t lines)
{
	static const char *words[] = { "alpha", "beta", "gamma", "delta", "eps", "", "# c" };
	struct sbuf b = { 0 };
	for (size_t i = 0; i < lines; i++)
		sb_printf(&b, "%s\n", words[rnd(7)]);
	return sb_steal(&b);
}

static char *mutate(const char *text)
{
	struct sbuf b = { 0 };
	const char *p = text;
	while (*p) {
		const char *nl = strchr(p, '\n');
		size_t n = (size_t)(nl - p) + 1;
		unsigned r = rnd(10);
		if (r == 0)
			; /* drop the line */
		else if (r == 1)
			sb_add(&b, "inserted\n");
		else if (r == 2)
			sb_printf(&b, "changed %u\n", rnd(5));
		if (r != 0 && r != 2)
			sb_addn(&b, p, n);
		p += n;
	}
	if (rnd(3) == 0)
		sb_add(&b, "tail\n");
	if (rnd(4) == 0 && b.len)
		b.s[--b.len] = '\0'; /* no newline at the end */
	return sb_steal(&b);
}

static int count_changes(const char *diff)
{
	int n = 0;
	for (const char *p = diff; *p;) {
		if ((*p == '+' && strncmp(p, "+++ ", 4) != 0) ||
		    (*p == '-' && strncmp(p, "--- ", 4) != 0))
			n++;
		const char *nl = strchr(p, '\n');
		if (!nl)
			break;
		p = nl + 1;
	}
	return n;
}

static void test_diff_random_against_patch_and_diff(void **state)
{
	(void)state;
	if (!tu_have("patch") || !tu_have("diff"))
		skip();
	char *a_path = sbx("/a"), *b_path = sbx("/b"), *d_path = sbx("/d"), *o_path = sbx("/o");
	for (int round = 0; round < 60; round++) {
		char *a = random_text(rnd(40));
		char *b = mutate(a);
		if (round % 10 == 0) {
			free(b);
			b = random_text(rnd(40)); /* unrelated texts */
		}
		tu_write_file(a_path, a);
		tu_write_file(b_path, b);
		char *d = diff_of(a, b);
		tu_write_file(d_path, d);
		if (*d) {
			char *out = NULL;
			int rc = tu_sh(&out, "patch -s -o '%s' '%s' < '%s' 2>&1", o_path, a_path,
			               d_path);
			if (rc != 0)
				print_error("round %d: patch said: %s\n%s", round, out, d);
			assert_int_equal(rc, 0);
			free(out);
			char *o = tu_read_file(o_path, NULL);
			assert_string_equal(o, b);
			free(o);
		}
		/* As short as GNU diff's minimal edit script. */
		char *gnu = NULL;
		tu_sh(&gnu, "diff -d -u '%s' '%s'", a_path, b_path);
		assert_int_equal(count_changes(d), count_changes(gnu));
		free(gnu);
		free(d);
		free(a);
		free(b);
	}
	free(a_path);
	free(b_path);
	free(d_path);
	free(o_path);
}

static void test_diff_large_different_files_fall_back(void **state)
{
	(void)state;
	/* 6000 lines each, all different: more than the search bound, so the
	 * middle is one replacement, still correct. */
	struct sbuf a = { 0 }, b = { 0 };
	for (int i = 0; i < 6000; i++) {
		sb_printf(&a, "a%d\n", i);
		sb_printf(&b, "b%d\n", i);
	}
	char *d = diff_of(sb_str(&a), sb_str(&b));
	assert_true(str_starts(d, "--- old\n+++ new\n@@ -1,6000 +1,6000 @@\n-a0\n"));
	assert_int_equal(count_changes(d), 12000);
	free(d);
	sb_free(&a);
	sb_free(&b);
}

static struct target *root_target(void)
{
	char *cause = NULL;
	struct target *t = target_root_new(sandbox, &cause);
	assert_non_null(t);
	return t;
}

static void test_add_edit_reads_the_current_file(void **state)
{
	(void)state;
	char *p = sbx("/etc/ssh/sshd_config");
	tu_write_file(p, "PasswordAuthentication no\n");
	chmod(p, 0600);
	struct target *t = root_target();
	struct plan *pl = plan_new("test.fix", "Test");
	char *cause = NULL;
	const char *nw = "PasswordAuthentication yes\n";
	struct file_edit *e =
	        plan_add_edit(pl, t, "/etc/ssh/sshd_config", nw, strlen(nw), "step 2", &cause);
	assert_non_null(e);
	assert_true(e->existed);
	assert_false(e->via_symlink);
	assert_string_equal(e->real_path, "/etc/ssh/sshd_config");
	assert_string_equal(e->old_data, "PasswordAuthentication no\n");
	assert_int_equal(e->old_mode, 0600);
	assert_int_equal(e->old_uid, getuid());
	assert_int_equal(pl->nedits, 1);
	plan_free(pl);
	target_free(t);
	free(p);
}

static void test_add_edit_follows_symlink(void **state)
{
	(void)state;
	char *real = sbx("/etc/ssh/real.conf"), *link = sbx("/etc/ssh/linked.conf");
	tu_write_file(real, "Port 22\n");
	unlink(link);
	/* Absolute, as on the examined machine: resolved inside the root. */
	assert_int_equal(symlink("/etc/ssh/real.conf", link), 0);
	struct target *t = root_target();
	struct plan *pl = plan_new("test.fix", NULL);
	char *cause = NULL;
	struct file_edit *e =
	        plan_add_edit(pl, t, "/etc/ssh/linked.conf", "Port 2222\n", 10, "r", &cause);
	assert_non_null(e);
	assert_true(e->via_symlink);
	assert_string_equal(e->path, "/etc/ssh/linked.conf");
	assert_string_equal(e->real_path, "/etc/ssh/real.conf");
	assert_string_equal(e->old_data, "Port 22\n");
	struct sbuf out = { 0 };
	plan_format(pl, &out);
	assert_non_null(strstr(sb_str(&out),
	                       "is a symbolic link: the real file /etc/ssh/real.conf is changed"));
	sb_free(&out);
	plan_free(pl);
	target_free(t);
	free(real);
	free(link);
}

static void test_add_edit_new_file(void **state)
{
	(void)state;
	char *d = sbx("/etc/ssh/sshd_config.d");
	tu_sh(NULL, "mkdir -p '%s'", d);
	struct target *t = root_target();
	struct plan *pl = plan_new("test.fix", NULL);
	char *cause = NULL;
	struct file_edit *e = plan_add_edit(pl, t, "/etc/ssh/sshd_config.d/00-asr.conf", "X yes\n",
	                                    6, "r", &cause);
	assert_non_null(e);
	assert_false(e->existed);
	assert_int_equal(e->old_mode, 0644);
	plan_edit_mode(e, 0600);
	assert_int_equal(e->old_mode, 0600);
	assert_string_equal(e->real_path, "/etc/ssh/sshd_config.d/00-asr.conf");
	struct sbuf diff = { 0 };
	plan_diff(e, &diff);
	assert_string_equal(
	        sb_str(&diff),
	        "--- /dev/null\n+++ /etc/ssh/sshd_config.d/00-asr.conf\n@@ -0,0 +1 @@\n+X yes\n");
	sb_free(&diff);
	plan_free(pl);
	target_free(t);
	free(d);
}

static void expect_refused(struct target *t, const char *path, const char *data, size_t len,
                           const char *words)
{
	struct plan *pl = plan_new("test.fix", NULL);
	char *cause = NULL;
	assert_null(plan_add_edit(pl, t, path, data, len, "r", &cause));
	assert_non_null(cause);
	if (!strstr(cause, words))
		print_error("cause: %s (wanted '%s')\n", cause, words);
	assert_non_null(strstr(cause, words));
	assert_int_equal(pl->nedits, 0);
	free(cause);
	plan_free(pl);
}

static void test_add_edit_refuses_bad_input(void **state)
{
	(void)state;
	char *bin = sbx("/etc/binary"), *big = sbx("/etc/big"), *dir = sbx("/etc/adir"),
	     *dangling = sbx("/etc/dangling");
	FILE *f = fopen(bin, "wb");
	fwrite("ab\0cd\n", 1, 6, f);
	fclose(f);
	tu_sh(NULL, "truncate -s 17M '%s'", big);
	mkdir(dir, 0755);
	unlink(dangling);
	assert_int_equal(symlink("/etc/nowhere", dangling), 0);
	struct target *t = root_target();
	expect_refused(t, "/etc/binary", "x\n", 2, "NUL bytes");
	expect_refused(t, "/etc/big", "x\n", 2, "larger than 16 MiB");
	expect_refused(t, "/etc/adir", "x\n", 2, "not a regular file");
	expect_refused(t, "/no/such/folder/file", "x\n", 2, "does not exist");
	expect_refused(t, "/etc/dangling", "x\n", 2, "does not exist");
	expect_refused(t, "relative/path", "x\n", 2, "not an absolute path");
	expect_refused(t, "/etc/newfile", "a\0b", 3, "not text");
	target_free(t);
	free(bin);
	free(big);
	free(dir);
	free(dangling);
}

static void test_argv_quoting(void **state)
{
	(void)state;
	const char *argv[] = { "sshd", "-t", "-f",     "/etc/ssh/sshd config",
		               "it's", "",   "{file}", NULL };
	char *s = plan_argv_str(argv);
	assert_string_equal(s, "sshd -t -f '/etc/ssh/sshd config' 'it'\\''s' '' {file}");
	free(s);
}

static void test_print_shows_everything(void **state)
{
	(void)state;
	char *p = sbx("/etc/ssh/sshd_config");
	tu_write_file(p, "PasswordAuthentication no\n");
	struct target *t = root_target();
	struct plan *pl = plan_new("sshd.test", "Allow passwords");
	const char *checks[] = { "sshd.password", NULL };
	plan_add_checks(pl, checks);
	plan_set_anchor(pl, "credentials-check-errorid-95107--95108");
	plan_before(pl, "PasswordAuthentication no");
	plan_after(pl, "PasswordAuthentication yes");
	char *cause = NULL;
	struct file_edit *e =
	        plan_add_edit(pl, t, "/etc/ssh/sshd_config", "PasswordAuthentication yes\n", 27,
	                      "the article's step 2", &cause);
	const char *val[] = { "sshd", "-t", "-f", "{file}", NULL };
	plan_edit_validator(e, val);
	const char *reload[] = { "systemctl", "reload", "ssh", NULL };
	plan_add_command(pl, reload, "apply the new settings", CMD_AFTER, true);
	plan_set_commit_confirmed(pl, "sshd");
	struct sbuf out = { 0 };
	plan_format(pl, &out);
	const char *s = sb_str(&out);
	const char *want[] = {
		"Fix: Allow passwords (sshd.test)",
		"Checks: sshd.password",
		"#credentials-check-errorid-95107--95108",
		"can lock you out of sshd",
		"Now:\n  PasswordAuthentication no",
		"After the change:\n  PasswordAuthentication yes",
		"File 1: /etc/ssh/sshd_config",
		"Why: the article's step 2",
		"checked with: sshd -t -f {file}",
		"-PasswordAuthentication no\n+PasswordAuthentication yes\n",
		"1. systemctl reload ssh",
		"asks again before it runs",
		"Undo: 'asr-doctor undo' puts back the exact bytes",
	};
	for (size_t i = 0; i < ARRAY_LEN(want); i++) {
		if (!strstr(s, want[i]))
			print_error("missing '%s' in:\n%s", want[i], s);
		assert_non_null(strstr(s, want[i]));
	}
	sb_free(&out);
	plan_free(pl);
	target_free(t);
	free(p);
}

static struct plan *plan_account(const char *fixture, char **cause)
{
	char *dir = xasprintf("tests/fixtures/apply/%s", fixture);
	char *c2 = NULL;
	struct target *t = target_root_new(dir, &c2);
	assert_non_null(t);
	const struct fix_def *f = fix_find("account.root_unlock");
	assert_non_null(f);
	assert_string_equal(f->check_ids[0], "account.root");
	struct fix_ctx ctx = { .t = t, .anchor = "credentials-check-errorid-95107--95108" };
	*cause = NULL;
	struct plan *p = f->plan(&ctx, cause);
	target_free(t);
	free(dir);
	return p;
}

static void test_root_unlock_plan(void **state)
{
	(void)state;
	const struct fix_def *found[4];
	assert_int_equal(fix_for_check("account.root", found, 4), 1);
	assert_string_equal(found[0]->id, "account.root_unlock");
	char *cause = NULL;
	struct plan *p = plan_account("account-locked", &cause);
	assert_non_null(p);
	assert_int_equal(p->nedits, 0);
	assert_int_equal(p->ncmds, 1);
	assert_string_equal(p->cmds[0].argv[0], "passwd");
	assert_string_equal(p->cmds[0].argv[1], "-u");
	assert_string_equal(p->cmds[0].argv[2], "root");
	assert_null(p->cmds[0].argv[3]);
	assert_true(p->cmds[0].confirm);
	assert_string_equal(p->anchor, "credentials-check-errorid-95107--95108");
	struct sbuf out = { 0 };
	plan_format(p, &out);
	const char *s = sb_str(&out);
	assert_non_null(strstr(s, "1. passwd -u root"));
	assert_non_null(strstr(s, "asks again before it runs"));
	assert_non_null(strstr(s, "refuses an account without a password"));
	assert_non_null(strstr(s, "'passwd root'"));
	assert_non_null(strstr(s, "mounted root: the command cannot run here"));
	assert_non_null(strstr(s, "Undone by: passwd -l root"));
	assert_non_null(p->cmds[0].inverse);
	/* The hash never shows. */
	assert_null(strstr(s, "Zx1salt"));
	assert_null(strstr(s, "$6$"));
	sb_free(&out);
	plan_free(p);

	/* No password behind the lock: passwd -u would refuse; guidance only. */
	p = plan_account("account-nopassword", &cause);
	assert_null(p);
	assert_non_null(strstr(cause, "passwd root"));
	assert_non_null(strstr(cause, "never asks for, sets or stores a password"));
	free(cause);
	p = plan_account("account-usable", &cause);
	assert_null(p);
	assert_non_null(strstr(cause, "not locked"));
	free(cause);
	/* Unreadable shadow: the command is still offered, with the caveat. */
	p = plan_account("account-locked/etc", &cause); /* no etc/shadow below */
	assert_non_null(p);
	assert_non_null(strstr(p->before.v[0], "could not be read"));
	plan_free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_diff_equal_is_empty),
		cmocka_unit_test(test_diff_one_line_in_the_middle),
		cmocka_unit_test(test_diff_two_hunks_and_merge),
		cmocka_unit_test(test_diff_no_newline_and_new_file),
		cmocka_unit_test(test_diff_random_against_patch_and_diff),
		cmocka_unit_test(test_diff_large_different_files_fall_back),
		cmocka_unit_test(test_add_edit_reads_the_current_file),
		cmocka_unit_test(test_add_edit_follows_symlink),
		cmocka_unit_test(test_add_edit_new_file),
		cmocka_unit_test(test_add_edit_refuses_bad_input),
		cmocka_unit_test(test_argv_quoting),
		cmocka_unit_test(test_print_shows_everything),
		cmocka_unit_test(test_root_unlock_plan),
	};
	return cmocka_run_group_tests_name("plan", tests, setup, teardown);
}
