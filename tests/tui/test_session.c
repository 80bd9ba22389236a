/* test_session.c: surviving the line and handing over: after a hang-up
 * the next run offers to resume (place and results), a clean quit does
 * not; SIGTERM restores the terminal; a saved report replays read-only. */
#include "support/testutil.h"

#include <stdlib.h>
#include <string.h>

#include "engine/content.h"
#include "engine/util.h"
#include "support/term.h"

#define ENV "TERM=tmux-256color LANG=C.UTF-8 LC_ALL=C.UTF-8"
#define WAIT 8000

static const char *base;

/* A copy of the demo machine as a mounted root of its own. */
static char *make_root(const char *tag)
{
	char *dir = xasprintf("%s/%s", base, tag);
	char *cause = NULL;
	assert_int_equal(content_extract("demo/", dir, &cause), 0);
	return dir;
}

static void test_resume_after_hangup(void **state)
{
	(void)state;
	char *root = make_root("resume-root");
	char *env = xasprintf("%s XDG_STATE_HOME=%s/state", ENV, base);
	char *args = xasprintf("--lang en --root %s --no-auto-check", root);
	struct term t = { 0 };
	term_start(&t, 80, 24, env, args);
	assert_true(term_wait(&t, "1/40", WAIT));
	term_keys(&t, "g");
	term_type(&t, "95320");
	term_keys(&t, "Enter");
	assert_true(term_wait(&t, "not run yet", WAIT));
	term_keys(&t, "r");
	assert_true(term_wait(&t, "checks done", WAIT));
	/* The line drops. */
	term_signal(&t, "HUP");
	assert_true(term_wait(&t, "EXIT=", WAIT));
	term_stop(&t);

	/* The next run on the same root offers to resume. */
	term_start(&t, 80, 24, env, args);
	assert_true(term_wait(&t, "Resume?", WAIT));
	assert_true(term_wait(&t, "without quitting", WAIT));
	term_keys(&t, "y");
	assert_true(term_wait(&t, "resumed", WAIT));
	/* Its place and its results, without running anything. */
	term_keys(&t, "BSpace");
	assert_true(term_wait(&t, "21/40", WAIT));
	char *s = term_screen(&t);
	assert_non_null(strstr(s, "\xe2\x9c\x97   Enable protection failed"));
	free(s);
	term_keys(&t, "q");
	assert_true(term_wait(&t, "EXIT=0", WAIT));
	term_stop(&t);

	/* After a clean quit there is nothing to resume. */
	term_start(&t, 80, 24, env, args);
	assert_true(term_wait(&t, "1/40", WAIT));
	assert_true(term_wait_gone(&t, "Resume?", 500));
	term_stop(&t);

	/* Another root does not get this root's offer. */
	char *other = make_root("other-root");
	free(args);
	args = xasprintf("--lang en --root %s --no-auto-check", other);
	term_start(&t, 80, 24, env, args);
	assert_true(term_wait(&t, "1/40", WAIT));
	term_stop(&t);
	free(other);
	free(args);
	free(env);
	free(root);
}

static void test_sigterm_restores_terminal(void **state)
{
	(void)state;
	struct term t = { 0 };
	term_start(&t, 80, 24, ENV, "--lang en --no-auto-check");
	assert_true(term_wait(&t, "1/40", WAIT));
	term_signal(&t, "TERM");
	assert_true(term_wait(&t, "EXIT=", WAIT));
	char *s = term_screen(&t);
	assert_null(strstr(s, "Credentials check"));
	free(s);
	term_stop(&t);
}

static void test_replay_is_read_only(void **state)
{
	(void)state;
	char *report = xasprintf("%s/case.json", base);
	int rc = tu_sh(NULL, "TMPDIR=%s %s --lang zh-CN --demo report --json -o %s", base, tu_binary(), report);
	assert_int_equal(rc, 1);
	/* Replayed in the report's language, with its statuses. */
	char *args = xasprintf("--replay %s", report);
	struct term t = { 0 };
	term_start(&t, 80, 24, ENV, args);
	assert_true(term_wait(&t, "demo sandbox", WAIT));
	assert_true(term_wait(&t, "凭据检查（ErrorID：95107 和 95108）", WAIT));
	char *s = term_screen(&t);
	assert_non_null(strstr(s, "\xe2\x9c\x97   凭据检查"));
	free(s);
	/* Nothing runs and nothing changes. */
	term_keys(&t, "R");
	assert_true(term_wait(&t, "只读", WAIT));
	term_keys(&t, "j f");
	assert_true(term_wait(&t, "只读", WAIT));
	/* The recorded finding is there. */
	term_keys(&t, "Enter");
	assert_true(term_wait(&t, "60-cloudimg-settings.conf:1", WAIT));
	term_keys(&t, "q");
	assert_true(term_wait(&t, "EXIT=0", WAIT));
	term_stop(&t);
	/* A file that is not a report is refused with a clear message. */
	char *bad = xasprintf("%s/bad.json", base);
	tu_write_file(bad, "{\"schema\": 7}");
	char *out = NULL;
	rc = tu_sh(&out, "%s --replay %s 2>&1 </dev/null", tu_binary(), bad);
	assert_int_equal(rc, 2);
	assert_non_null(strstr(out, "schema"));
	free(out);
	free(bad);
	free(args);
	free(report);
}

int main(void)
{
	base = tu_scratch("session");
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_resume_after_hangup),
		cmocka_unit_test(test_sigterm_restores_terminal),
		cmocka_unit_test(test_replay_is_read_only),
	};
	return tu_scratch_done(cmocka_run_group_tests_name("wizard session", tests, NULL, NULL));
}
