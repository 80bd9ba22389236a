/* test_hostile.c: a mounted disk as an attacker would prepare it, seen
 * through the command line: a FIFO for a configuration file (the fix says
 * the checks could not run and exits 1), escape sequences in os-release,
 * the host name, the journal and a --doc article (every text output shows
 * them escaped, JSON keeps them exact), a secret next to a planned change
 * (masked in the diff), a report file (0600), and one exit status for
 * "nothing was changed" whatever stopped the change. */
#include "support/testutil.h"

#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "engine/util/util.h"

/* OSC 52 (set the clipboard), a title, a screen clear. */
#define CLIP "\033]52;c;ZXZpbA==\007"
#define TITLE "\033]0;pwned\007"
#define CLEAR "\033[2J"

static char *base;

/* Runs the binary with args, output (stdout and stderr) to *out. */
static int run(char **out, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int run(char **out, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *args = xvasprintf(fmt, ap);
	va_end(ap);
	int rc = tu_sh(out, "'%s' --lang en %s </dev/null 2>&1", tu_binary(), args);
	free(args);
	return rc;
}

/* A new root under the suite's folder; caller frees. */
static char *new_root(const char *tag)
{
	char *r = xasprintf("%s/%s", base, tag);
	assert_int_equal(tu_sh(NULL, "mkdir -p '%s/etc'", r), 0);
	return r;
}

/* Fails when text holds an escape character, printing it. */
static void no_escape(const char *what, const char *text)
{
	if (strchr(text, '\033'))
		print_error("%s printed an escape character:\n%s\n", what, text);
	assert_null(strchr(text, '\033'));
}

static void test_fix_with_checks_in_error_is_not_fixed(void **state)
{
	(void)state;
	char *root = new_root("fifo");
	assert_int_equal(tu_sh(NULL, "mkdir -p '%s/etc/ssh' && mkfifo '%s/etc/ssh/sshd_config'",
	                       root, root),
	                 0);
	char *out = NULL;
	assert_int_equal(run(&out, "--root '%s' fix 95108 --yes", root), 1);
	assert_non_null(strstr(out, "a FIFO (named pipe), not a regular file"));
	assert_non_null(strstr(out, "check(s) could not run"));
	assert_non_null(strstr(out, "nothing was changed"));
	assert_null(strstr(out, "Nothing to fix"));
	free(out);
	free(root);
}

static void test_escapes_from_the_disk_are_shown_escaped(void **state)
{
	(void)state;
	char *root = new_root("escapes");
	char *p = xasprintf("%s/etc/os-release", root);
	tu_write_file(p, "NAME=\"Ev" CLIP "il\"\nPRETTY_NAME=\"Ubuntu " TITLE " 22.04" CLEAR
	                 "\"\nID=ubuntu\nVERSION_ID=\"22.04\"\n");
	free(p);
	p = xasprintf("%s/etc/hostname", root);
	tu_write_file(p, "web" CLEAR "01\n");
	free(p);
	/* A journal on the disk with escapes in its fields. */
	p = xasprintf("%s/var/lib/asr-doctor/journal/journal.jsonl", root);
	tu_write_file(p, "{\"record\":\"started\",\"id\":\"1\",\"time\":\"2026-01-02T03:04:05Z\","
	                 "\"target_kind\":\"root\",\"fix\":\"evil" TITLE "\",\"anchor\":\"a" CLEAR
	                 "\",\"files\":[{\"path\":\"/etc/x" CLIP "\",\"real_path\":\"/etc/x\"}],"
	                 "\"commands\":[]}\n"
	                 "{\"record\":\"finished\",\"id\":\"1\",\"outcome\":\"applied\","
	                 "\"message\":\"done" CLEAR "\"}\n");
	free(p);

	char *out = NULL;
	run(&out, "--root '%s' check os.supported net.hosts -v", root);
	no_escape("check", out);
	assert_non_null(strstr(out, "Ubuntu \\x1B]0;pwned\\x07 22.04\\x1B[2J"));
	assert_non_null(strstr(out, "web\\x1B[2J01"));
	free(out);
	run(&out, "--root '%s' report", root);
	no_escape("report", out);
	assert_non_null(strstr(out, "\\x1B[2J"));
	free(out);
	run(&out, "--root '%s' history", root);
	no_escape("history", out);
	assert_non_null(strstr(out, "evil\\x1B]0;pwned\\x07"));
	assert_non_null(strstr(out, "/etc/x\\x1B]52;c;ZXZpbA==\\x07"));
	free(out);
	/* JSON stays exact. */
	tu_sh(&out, "'%s' --lang en --root '%s' check --json os.supported 2>/dev/null", tu_binary(),
	      root);
	cJSON *j = cJSON_Parse(out);
	assert_non_null(j);
	const cJSON *res = cJSON_GetArrayItem(cJSON_GetObjectItem(j, "results"), 0);
	assert_non_null(strstr(cJSON_GetObjectItem(res, "finding")->valuestring,
	                       "Ubuntu " TITLE " 22.04" CLEAR));
	cJSON_Delete(j);
	free(out);
	/* A report file: escaped too, and for its owner only. */
	char *rep = xasprintf("%s/report.txt", base);
	run(&out, "--root '%s' report -o '%s'", root, rep);
	free(out);
	struct stat st;
	assert_int_equal(stat(rep, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	char *text = tu_read_file(rep, NULL);
	no_escape("report -o", text);
	free(text);
	free(rep);

	/* A --doc article with escapes in a heading: tree and explain. */
	char *article = tu_read_file("content/article.en.md", NULL);
	const char *old = "</a>Low system resources\n";
	char *at = strstr(article, old);
	assert_non_null(at);
	char *edited = xasprintf("%.*s</a>Low " CLIP "system resources" TITLE "\n%s",
	                         (int)(at - article), article, at + strlen(old));
	char *doc = xasprintf("%s/hostile.md", base);
	tu_write_file(doc, edited);
	run(&out, "--doc '%s' tree", doc);
	no_escape("tree", out);
	assert_non_null(strstr(out, "Low \\x1B]52;c;ZXZpbA==\\x07system resources"));
	free(out);
	run(&out, "--doc '%s' explain low-system-resources", doc);
	no_escape("explain", out);
	assert_non_null(strstr(out, "\\x1B]52;c;ZXZpbA==\\x07"));
	free(out);
	free(doc);
	free(edited);
	free(article);
	free(root);
}

/* A copy of the Debian cloud root, whose sshd fix edits the drop-in. */
static char *cloud_root(const char *tag)
{
	char *root = xasprintf("%s/%s", base, tag);
	assert_int_equal(tu_sh(NULL, "cp -a tests/fixtures/sshd/debian-cloud '%s'", root), 0);
	return root;
}

static void test_plan_diff_masks_secrets(void **state)
{
	(void)state;
	if (access("/usr/sbin/sshd", X_OK) != 0)
		skip(); /* the fix plans only with an sshd to validate */
	char *root = cloud_root("secret");
	char *p = xasprintf("%s/etc/ssh/sshd_config.d/60-cloudimg-settings.conf", root);
	tu_write_file(p, "# passwd=hunter2 token=s3cr3t-t0ken\nPasswordAuthentication no\n");
	free(p);
	char *out = NULL;
	assert_int_equal(run(&out, "--root '%s' fix sshd.enable_password --dry-run", root), 0);
	assert_non_null(strstr(out, "+PasswordAuthentication yes"));
	assert_null(strstr(out, "hunter2"));
	assert_null(strstr(out, "s3cr3t-t0ken"));
	assert_non_null(strstr(out, "passwd=********"));
	free(out);
	free(root);
}

static void test_nothing_changed_has_one_exit_status(void **state)
{
	(void)state;
	if (access("/usr/sbin/sshd", X_OK) != 0 || !tu_have("flock"))
		skip();
	/* Another asr-doctor holds the lock. */
	char *root = cloud_root("locked");
	char *jdir = xasprintf("%s/var/lib/asr-doctor/journal", root);
	assert_int_equal(tu_sh(NULL, "mkdir -p '%s' && chmod 700 '%s'", jdir, jdir), 0);
	char *out = NULL;
	int rc = tu_sh(&out,
	               "flock '%s/lock' '%s' --lang en --root '%s' fix sshd.enable_password "
	               "--yes </dev/null 2>&1",
	               jdir, tu_binary(), root);
	assert_int_equal(rc, 1);
	assert_non_null(strstr(out, "another asr-doctor"));
	assert_non_null(strstr(out, "nothing was changed"));
	free(out);
	/* No backup folder can be made. */
	char *bk = xasprintf("%s/backups", jdir);
	tu_write_file(bk, "not a folder\n");
	assert_int_equal(run(&out, "--root '%s' fix sshd.enable_password --yes", root), 1);
	assert_non_null(strstr(out, "nothing was changed"));
	free(out);
	free(bk);
	free(jdir);
	free(root);
}

int main(void)
{
	base = tu_mkdtemp("hostile");
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fix_with_checks_in_error_is_not_fixed),
		cmocka_unit_test(test_escapes_from_the_disk_are_shown_escaped),
		cmocka_unit_test(test_plan_diff_masks_secrets),
		cmocka_unit_test(test_nothing_changed_has_one_exit_status),
	};
	int rc = cmocka_run_group_tests_name("hostile", tests, NULL, NULL);
	tu_rmtree(base);
	free(base);
	return rc;
}
