/* test_keys.c: the keys people bring from less, vi, tig and htop, read off
 * the real wizard's screen: g/G/Home/End, q closes the view it is in and
 * quits only from the tree (asking first in --demo), ? and F1 open help
 * over the confirmation screen, e and Tab work on one-pane screens, and a
 * key typed in one view never moves another's hidden cursor. */
#include "support/testutil.h"

#include <stdlib.h>
#include <string.h>

#include "engine/util/util.h"
#include "support/term.h"

static const char *base;

static void start(struct term *t, const char *args)
{
	char *env = xasprintf("%s TMPDIR=%s", TERM_ENV_UTF8, base);
	term_open(t, 80, 24, env, args, "1/40");
	free(env);
}

static void test_first_and_last_line(void **state)
{
	(void)state;
	struct term t = { 0 };
	start(&t, "--lang en --no-auto-check");
	term_keys(&t, "G");
	assert_true(term_wait(&t, "40/40", TERM_WAIT));
	term_keys(&t, "g");
	assert_true(term_wait(&t, "1/40", TERM_WAIT));
	term_keys(&t, "End");
	assert_true(term_wait(&t, "40/40", TERM_WAIT));
	term_keys(&t, "Home");
	assert_true(term_wait(&t, "1/40", TERM_WAIT));
	/* The dedicated key for an ErrorID. */
	term_keys(&t, ":");
	assert_true(term_wait(&t, "ErrorID or anchor:", TERM_WAIT));
	term_type(&t, "95518");
	term_keys(&t, "Enter");
	assert_true(term_wait(&t, "domain trust relationship", TERM_WAIT));
	/* In the detail, g and G go to its first and last line. */
	term_keys(&t, "G");
	assert_true(term_wait(&t, "100%", TERM_WAIT));
	term_stop(&t);
}

static void test_q_closes_the_view(void **state)
{
	(void)state;
	struct term t = { 0 };
	start(&t, "--lang en --no-auto-check");
	term_keys(&t, "j Enter");
	assert_true(term_wait(&t, "ErrorID: 95107", TERM_WAIT));
	term_keys(&t, "q");
	assert_true(term_wait(&t, "2/40", TERM_WAIT));
	term_keys(&t, "H");
	assert_true(term_wait(&t, "History of fixes", TERM_WAIT));
	term_keys(&t, "q");
	assert_true(term_wait(&t, "2/40", TERM_WAIT));
	term_keys(&t, "?");
	assert_true(term_wait(&t, "move down", TERM_WAIT));
	term_keys(&t, "q");
	assert_true(term_wait(&t, "2/40", TERM_WAIT));
	/* In the tree, q quits (nothing is lost outside the demo). */
	term_keys(&t, "q");
	assert_true(term_wait(&t, "EXIT=0", TERM_WAIT));
	term_stop(&t);
	/* Q quits from any view. */
	start(&t, "--lang en --no-auto-check");
	term_keys(&t, "H");
	assert_true(term_wait(&t, "History of fixes", TERM_WAIT));
	term_keys(&t, "Q");
	assert_true(term_wait(&t, "EXIT=0", TERM_WAIT));
	term_stop(&t);
}

static void test_quit_asks_in_demo(void **state)
{
	(void)state;
	struct term t = { 0 };
	start(&t, "--lang en --no-auto-check --demo");
	term_keys(&t, "q");
	assert_true(term_wait(&t, "Quit? The demo sandbox and its journal are removed. [y/N]", TERM_WAIT));
	/* Anything but y keeps the wizard. */
	term_keys(&t, "n");
	assert_true(term_wait_gone(&t, "Quit?", TERM_WAIT));
	term_keys(&t, "j");
	assert_true(term_wait(&t, "2/40", TERM_WAIT));
	term_keys(&t, "Q");
	assert_true(term_wait(&t, "Quit?", TERM_WAIT));
	term_keys(&t, "y");
	assert_true(term_wait(&t, "EXIT=0", TERM_WAIT));
	term_stop(&t);
}

static void test_help_over_confirmation(void **state)
{
	(void)state;
	struct term t = { 0 };
	start(&t, "--lang en --no-auto-check --demo");
	term_keys(&t, "j r");
	assert_true(term_wait(&t, "checks done", TERM_WAIT));
	term_keys(&t, "f");
	assert_true(term_wait(&t, "Apply? [y/N]", TERM_WAIT));
	term_keys(&t, "?");
	assert_true(term_wait(&t, "move down", TERM_WAIT));
	term_keys(&t, "q");
	/* Back on the plan, which was not cancelled. */
	assert_true(term_wait(&t, "Apply? [y/N]", TERM_WAIT));
	assert_true(term_wait(&t, "PasswordAuthentication", TERM_WAIT));
	term_keys(&t, "F1");
	assert_true(term_wait(&t, "move down", TERM_WAIT));
	term_keys(&t, "Escape");
	assert_true(term_wait(&t, "Apply? [y/N]", TERM_WAIT));
	term_keys(&t, "Escape");
	assert_true(term_wait(&t, "cancelled: nothing was changed", TERM_WAIT));
	term_stop(&t);
}

static void test_evidence_and_tab_on_one_pane(void **state)
{
	(void)state;
	struct term t = { 0 };
	start(&t, "--lang en --no-auto-check");
	term_keys(&t, "j");
	assert_true(term_wait(&t, "2/40", TERM_WAIT));
	/* One pane: Tab opens the detail over the tree (where Tab then
	 * selects the section's links), h goes back. */
	term_keys(&t, "Tab");
	assert_true(term_wait(&t, "Verify that the user account", TERM_WAIT));
	term_keys(&t, "h");
	assert_true(term_wait(&t, "2/40", TERM_WAIT));
	/* e shows the evidence, which lives in the detail. */
	term_keys(&t, "e");
	assert_true(term_wait(&t, "Live checks", TERM_WAIT));
	term_stop(&t);
}

static void test_history_keys_stay_in_history(void **state)
{
	(void)state;
	struct term t = { 0 };
	start(&t, "--lang en --no-auto-check");
	term_keys(&t, "j j");
	assert_true(term_wait(&t, "3/40", TERM_WAIT));
	term_keys(&t, "H");
	assert_true(term_wait(&t, "History of fixes", TERM_WAIT));
	term_keys(&t, "g G Home End");
	term_keys(&t, "q");
	assert_true(term_wait(&t, "3/40", TERM_WAIT));
	term_stop(&t);
}

static void test_vt100_quit_leaves_no_text(void **state)
{
	(void)state;
	struct term t = { 0 };
	term_open(&t, 80, 24, "TERM=vt100 LANG=C LC_ALL=C", "--lang en --no-auto-check", "1/40");
	term_keys(&t, "q");
	assert_true(term_wait(&t, "EXIT=0", TERM_WAIT));
	char *s = term_screen(&t);
	if (strstr(s, "Credentials check"))
		print_error("the wizard's text stayed on the screen:\n%s\n", s);
	assert_null(strstr(s, "Credentials check"));
	free(s);
	term_stop(&t);
}

int main(void)
{
	base = term_suite_begin("keys");
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_first_and_last_line),
		cmocka_unit_test(test_q_closes_the_view),
		cmocka_unit_test(test_quit_asks_in_demo),
		cmocka_unit_test(test_help_over_confirmation),
		cmocka_unit_test(test_evidence_and_tab_on_one_pane),
		cmocka_unit_test(test_history_keys_stay_in_history),
		cmocka_unit_test(test_vt100_quit_leaves_no_text),
	};
	return tu_scratch_done(cmocka_run_group_tests_name("keys", tests, NULL, NULL));
}
