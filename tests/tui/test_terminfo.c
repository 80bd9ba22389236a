/* test_terminfo.c: the wizard on a machine without a terminal description
 * for $TERM (the real binary in tmux): it draws with the description built
 * into it, from a private TERMINFO folder that is gone once it exits. */
#include "support/testutil.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "engine/util/util.h"
#include "support/term.h"

#define TITLE "Troubleshoot Mobility Service push installation"

/* The private folders the binary made under tmp (caller frees; "" when
 * there are none). */
static char *terminfo_dirs(const char *tmp)
{
	char *out = NULL;
	tu_sh(&out, "ls -d '%s'/asr-doctor-terminfo.* 2>/dev/null", tmp);
	return out;
}

/* Quits the wizard, checks it exited 0 and left no folder behind. */
static void quit_and_check_gone(struct term *t, const char *tmp)
{
	term_keys(t, "q");
	assert_true(term_wait(t, "EXIT=0", TERM_WAIT));
	char *left = terminfo_dirs(tmp);
	assert_string_equal(left, "");
	free(left);
}

/* A name no terminfo database has and none is built in: the wizard still
 * draws (as vt100) instead of refusing the terminal. */
static void test_unknown_term_draws_as_vt100(void **state)
{
	(void)state;
	char *tmp = tu_mkdtemp("ti-unknown");
	char *env = xasprintf("TERM=asr-doctor-no-such-term LANG=C.UTF-8 LC_ALL=C.UTF-8 "
			      "TMPDIR=%s",
			      tmp);
	struct term t = { 0 };
	term_open(&t, 80, 24, env, "--lang en --no-auto-check", TITLE);
	/* The status line says which description is drawing. */
	assert_true(term_wait(&t, "is unknown here: drawing as vt100", TERM_WAIT));
	char *s = term_screen(&t);
	assert_null(strstr(s, "unknown terminal type"));
	free(s);
	/* While it runs, the vt100 entry sits under the name, in both layouts
	 * ('a' is 0x61). */
	char *dirs = terminfo_dirs(tmp);
	assert_true(str_starts(dirs, tmp));
	char *dir = xstrndup(dirs, strcspn(dirs, "\n"));
	assert_int_equal(tu_sh(NULL, "test -s '%s/a/asr-doctor-no-such-term'", dir), 0);
	assert_int_equal(tu_sh(NULL, "test -s '%s/61/asr-doctor-no-such-term'", dir), 0);
	assert_int_equal(tu_sh(NULL, "cmp -s '%s/a/asr-doctor-no-such-term' "
				     "'%s/61/asr-doctor-no-such-term'",
			       dir, dir),
			 0);
	free(dir);
	free(dirs);
	quit_and_check_gone(&t, tmp);
	term_stop(&t);
	tu_rmtree(tmp);
	free(env);
	free(tmp);
}

/* A terminal the machine knows: nothing is written. */
static void test_known_term_writes_nothing(void **state)
{
	(void)state;
	char *tmp = tu_mkdtemp("ti-known");
	char *env = xasprintf("%s TMPDIR=%s", TERM_ENV_UTF8, tmp);
	struct term t = { 0 };
	term_open(&t, 80, 24, env, "--lang en --no-auto-check", TITLE);
	char *dirs = terminfo_dirs(tmp);
	assert_string_equal(dirs, "");
	free(dirs);
	quit_and_check_gone(&t, tmp);
	term_stop(&t);
	tu_rmtree(tmp);
	free(env);
	free(tmp);
}

/* TERM=vt220 on a machine whose terminfo database is empty: TERMINFO,
 * TERMINFO_DIRS and HOME point at an empty folder and, in a private mount
 * namespace, empty folders cover the system databases, so nothing but
 * the built-in entry can describe vt220. */
static void test_vt220_without_database(void **state)
{
	(void)state;
	char *tmp = tu_mkdtemp("ti-vt220");
	char *empty = xasprintf("%s/empty", tmp);
	char *hide = xasprintf("%s/hide.sh", tmp);
	char *script = xasprintf("#!/bin/sh\n"
				 "for d in /etc/terminfo /lib/terminfo /usr/share/terminfo; do\n"
				 "  [ -d \"$d\" ] || continue\n"
				 "  mount -t tmpfs -o ro,size=16k none \"$d\" || exit 97\n"
				 "done\n"
				 "exec env TERMINFO=%s TERMINFO_DIRS=%s HOME=%s \"$@\"\n",
				 empty, empty, empty);
	tu_write_file(hide, script);
	tu_sh(NULL, "mkdir -p '%s' && chmod 0755 '%s'", empty, hide);
	const char *unshare = getuid() == 0 ? "unshare -m" : "unshare -rm";
	/* The namespace must really hide vt220, or the test proves nothing. */
	int rc = tu_sh(NULL, "%s '%s' infocmp vt220 >/dev/null 2>&1", unshare, hide);
	if (rc == 0) {
		print_error("vt220 still visible inside the namespace\n");
		fail();
	}
	if (rc != 1) {
		print_message("no private mount namespace here (exit %d); skipped\n", rc);
		tu_rmtree(tmp);
		free(script);
		free(hide);
		free(empty);
		free(tmp);
		skip();
	}
	char *env = xasprintf("TERM=vt220 LANG=C.UTF-8 LC_ALL=C.UTF-8 TMPDIR=%s %s %s", tmp,
			      unshare, hide);
	struct term t = { 0 };
	term_open(&t, 80, 24, env, "--lang en --no-auto-check", TITLE);
	assert_true(term_wait(&t, "no terminfo for TERM=vt220 here: using the built-in one", TERM_WAIT));
	/* The entry written is the build machine's vt220 ('v' is 0x76). */
	char *dirs = terminfo_dirs(tmp);
	char *dir = xstrndup(dirs, strcspn(dirs, "\n"));
	assert_true(str_starts(dir, tmp));
	assert_int_equal(tu_sh(NULL, "cmp -s '%s/v/vt220' '%s/76/vt220'", dir, dir), 0);
	const char *host = NULL;
	if (access("/lib/terminfo/v/vt220", R_OK) == 0)
		host = "/lib/terminfo/v/vt220";
	else if (access("/usr/share/terminfo/v/vt220", R_OK) == 0)
		host = "/usr/share/terminfo/v/vt220";
	if (host)
		assert_int_equal(tu_sh(NULL, "cmp -s '%s/v/vt220' '%s'", dir, host), 0);
	free(dir);
	free(dirs);
	/* Keys arrive as vt220 sends them and still move the selection. */
	term_keys(&t, "Down");
	assert_true(term_wait(&t, "2/", TERM_WAIT));
	char *last = term_line(&t, 23);
	assert_true(str_starts(last, "2/"));
	free(last);
	quit_and_check_gone(&t, tmp);
	term_stop(&t);
	tu_rmtree(tmp);
	free(env);
	free(script);
	free(hide);
	free(empty);
	free(tmp);
}

int main(void)
{
	term_suite_begin(NULL);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_unknown_term_draws_as_vt100),
		cmocka_unit_test(test_known_term_writes_nothing),
		cmocka_unit_test(test_vt220_without_database),
	};
	return cmocka_run_group_tests_name("terminfo", tests, NULL, NULL);
}
