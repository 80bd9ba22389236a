/* test_wizard.c: the real binary in a real terminal (tmux): the tree,
 * navigation, search, ErrorID jumps, resizing, CJK and quitting, read off
 * the screen the user sees. */
#include "support/testutil.h"

#include <stdlib.h>
#include <string.h>

#include "engine/util/text.h"
#include "engine/util/util.h"
#include "support/term.h"

/* tmux emulates tmux-256color; the keys it sends match that description. */

static void test_first_screen_80x24(void **state)
{
	(void)state;
	struct term t = { 0 };
	term_open(&t, 80, 24, TERM_ENV_UTF8, "--lang en --no-auto-check", "1/40");
	char *s = term_screen(&t);
	assert_non_null(strstr(s, "asr-doctor"));
	assert_non_null(strstr(s, ">  Troubleshoot Mobility Service push installation"));
	assert_non_null(strstr(s, "Credentials check (ErrorID: 95107 and 95108)"));
	assert_non_null(strstr(s, "? help"));
	/* H3 rows are indented under their H2. */
	assert_non_null(strstr(s, "       Credentials of the user account have been disabled"));
	free(s);
	char *last = term_line(&t, 23);
	assert_true(str_starts(last, "1/40"));
	free(last);
	term_keys(&t, "q");
	assert_true(term_wait(&t, "EXIT=0", TERM_WAIT));
	term_stop(&t);
}

static void test_navigate_open_and_back(void **state)
{
	(void)state;
	struct term t = { 0 };
	term_open(&t, 80, 24, TERM_ENV_UTF8, "--lang en --no-auto-check", "1/40");
	term_keys(&t, "j j Down");
	assert_true(term_wait(&t, "4/40", TERM_WAIT));
	term_keys(&t, "Enter");
	/* The detail of 95518 with its body and its link. */
	assert_true(term_wait(&t, "domain trust relationship", TERM_WAIT));
	char *s = term_screen(&t);
	assert_non_null(strstr(s, "ErrorID: 95518"));
	assert_non_null(strstr(s, "[1] https://learn.microsoft.com/"));
	assert_null(strstr(s, "4/40"));
	free(s);
	term_keys(&t, "BSpace");
	assert_true(term_wait(&t, "4/40", TERM_WAIT));
	/* Up, Home, End and paging move the selection. */
	term_keys(&t, "k");
	assert_true(term_wait(&t, "3/40", TERM_WAIT));
	term_keys(&t, "End");
	assert_true(term_wait(&t, "40/40", TERM_WAIT));
	assert_true(term_wait(&t, "Next steps", TERM_WAIT));
	term_keys(&t, "Home");
	assert_true(term_wait(&t, "1/40", TERM_WAIT));
	term_keys(&t, "NPage");
	assert_true(term_wait(&t, "12/40", TERM_WAIT));
	term_keys(&t, "PPage");
	assert_true(term_wait(&t, "1/40", TERM_WAIT));
	/* Plain keys for terminals without the special ones. */
	term_keys(&t, "Space");
	assert_true(term_wait(&t, "12/40", TERM_WAIT));
	term_keys(&t, "'>'");
	assert_true(term_wait(&t, "40/40", TERM_WAIT));
	term_keys(&t, "'<'");
	assert_true(term_wait(&t, "1/40", TERM_WAIT));
	term_keys(&t, "q");
	assert_true(term_wait(&t, "EXIT=0", TERM_WAIT));
	term_stop(&t);
}

static void test_search_and_next(void **state)
{
	(void)state;
	struct term t = { 0 };
	term_open(&t, 80, 24, TERM_ENV_UTF8, "--lang en --no-auto-check", "1/40");
	term_keys(&t, "/");
	term_type(&t, "netlogon");
	assert_true(term_wait(&t, "/netlogon", TERM_WAIT));
	term_keys(&t, "Enter");
	/* Netlogon is named by 95521 and 95522 (and the login H2 lists them). */
	assert_true(term_wait(&t, "match \"netlogon\"", TERM_WAIT));
	char *last = term_line(&t, 23);
	assert_non_null(strstr(last, "sections match"));
	free(last);
	term_keys(&t, "n");
	assert_true(term_wait(&t, "9/40", TERM_WAIT));
	term_keys(&t, "N");
	assert_true(term_wait(&t, "8/40", TERM_WAIT));
	/* A search with no match says so and leaves the selection alone. */
	term_keys(&t, "/");
	term_type(&t, "zzznotthere");
	term_keys(&t, "Enter");
	assert_true(term_wait(&t, "no match for \"zzznotthere\"", TERM_WAIT));
	term_keys(&t, "j");
	assert_true(term_wait(&t, "9/40", TERM_WAIT));
	term_stop(&t);
}

static void test_jump_by_error_id(void **state)
{
	(void)state;
	struct term t = { 0 };
	term_open(&t, 80, 24, TERM_ENV_UTF8, "--lang en --no-auto-check", "1/40");
	term_keys(&t, ":");
	assert_true(term_wait(&t, "ErrorID or anchor:", TERM_WAIT));
	term_type(&t, "95320");
	term_keys(&t, "Enter");
	assert_true(term_wait(&t, "#enable-protection-failed-as-device-name", TERM_WAIT));
	term_keys(&t, "BSpace");
	assert_true(term_wait(&t, "21/40", TERM_WAIT));
	/* 95523 is named by two sections: the jump offers the choice. */
	term_keys(&t, ":");
	term_type(&t, "95523");
	term_keys(&t, "Enter");
	assert_true(term_wait(&t, "Several sections match", TERM_WAIT));
	char *s = term_screen(&t);
	assert_non_null(strstr(s, "Connectivity failure (ErrorID: 95523)"));
	assert_non_null(strstr(s, "Check access for network shared folders"));
	free(s);
	term_keys(&t, "2");
	assert_true(term_wait(&t, "SOURCE-MACHINE-IP", TERM_WAIT));
	term_keys(&t, "BSpace");
	assert_true(term_wait(&t, "12/40", TERM_WAIT));
	/* An unknown ErrorID is reported, nothing moves. */
	term_keys(&t, ":");
	term_type(&t, "12345");
	term_keys(&t, "Enter");
	assert_true(term_wait(&t, "no section names ErrorID or anchor \"12345\"", TERM_WAIT));
	/* Esc cancels a prompt. */
	term_keys(&t, ":");
	term_type(&t, "9");
	term_keys(&t, "Escape");
	assert_true(term_wait(&t, "12/40", TERM_WAIT));
	term_stop(&t);
}

static void test_resize_two_panes(void **state)
{
	(void)state;
	struct term t = { 0 };
	term_open(&t, 80, 24, TERM_ENV_UTF8, "--lang en --no-auto-check", "1/40");
	term_keys(&t, "j");
	assert_true(term_wait(&t, "2/40", TERM_WAIT));
	term_resize(&t, 120, 40);
	/* Tree and detail side by side: the detail shows the selection. */
	assert_true(term_wait(&t, "\xe2\x94\x82 Credentials check (ErrorID: 95107 and 95108)", TERM_WAIT));
	char *s = term_screen(&t);
	assert_non_null(strstr(s, "LocalAccountTokenFilterPolicy"));
	assert_non_null(strstr(s, "Low system resources"));
	free(s);
	/* Moving in the tree updates the detail. */
	term_keys(&t, "j");
	assert_true(term_wait(&t, "\xe2\x94\x82 Insufficient privileges failure (ErrorID: 95517)", TERM_WAIT));
	/* Back to one pane. */
	term_resize(&t, 80, 24);
	assert_true(term_wait_gone(&t, "\xe2\x94\x82", TERM_WAIT));
	assert_true(term_wait(&t, "3/40", TERM_WAIT));
	/* Too small, then large enough again. */
	term_resize(&t, 30, 10);
	assert_true(term_wait(&t, "Terminal too small", TERM_WAIT));
	term_resize(&t, 40, 12);
	assert_true(term_wait(&t, "3/40", TERM_WAIT));
	term_keys(&t, "q");
	assert_true(term_wait(&t, "EXIT=0", TERM_WAIT));
	term_stop(&t);
}

static void test_chinese_tree_columns(void **state)
{
	(void)state;
	struct term t = { 0 };
	term_open(&t, 80, 24, TERM_ENV_UTF8, "--lang zh-CN --no-auto-check", "凭据检查（ErrorID：95107 和 95108）");
	char *s = term_screen(&t);
	/* Every row fits in 80 columns, wide characters counted twice. */
	char *save = NULL;
	int rows = 0;
	for (char *l = strtok_r(s, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		assert_true(text_width(l) <= 80);
		rows++;
	}
	assert_int_equal(rows, 24);
	free(s);
	/* A long Chinese title is cut with a mark before its ErrorID list. */
	term_keys(&t, ":");
	term_type(&t, "95320");
	term_keys(&t, "Enter");
	assert_true(term_wait(&t, "启用保护失败，因为 GRUB 配置中提到了设备名而非 UUID", TERM_WAIT));
	term_keys(&t, "BSpace");
	assert_true(term_wait(&t, "21/40", TERM_WAIT));
	term_resize(&t, 50, 20);
	assert_true(term_wait(&t, "21/40", TERM_WAIT));
	char *row = NULL;
	s = term_screen(&t);
	for (char *l = strtok_r(s, "\n", &save); l; l = strtok_r(NULL, "\n", &save))
		if (strstr(l, "启用保护失败"))
			row = l;
	assert_non_null(row);
	assert_true(str_ends(row, "\xe2\x80\xa6\xef\xbc\x88" "ErrorID\xef\xbc\x9a" "95320)"));
	assert_true(text_width(row) <= 50);
	free(s);
	/* Help in Chinese. */
	term_keys(&t, "?");
	assert_true(term_wait(&t, "向下移动", TERM_WAIT));
	term_keys(&t, "q");
	assert_true(term_wait(&t, "21/40", TERM_WAIT));
	term_stop(&t);
}

static void test_no_cjk_terminal_falls_back(void **state)
{
	(void)state;
	struct term t = { 0 };
	term_open(&t, 80, 24, "TERM=linux LANG=C.UTF-8 LC_ALL=C.UTF-8", "--lang zh-CN --no-auto-check", "Credentials check (ErrorID: 95107 and 95108)");
	/* The asked-for language is named, and the line holds it whole. */
	char *title = term_line(&t, 0);
	if (!strstr(title, "(English, not zh-CN: TERM=linux cannot draw CJK)"))
		print_error("title: \"%s\"\n", title);
	assert_non_null(strstr(title, "(English, not zh-CN: TERM=linux cannot draw CJK)"));
	free(title);
	term_stop(&t);
	/* A non-UTF-8 locale: English and ASCII only. */
	term_open(&t, 80, 24, "TERM=vt100 LANG=C LC_ALL=C", "--lang zh-CN --no-auto-check", "(English, not zh-CN: the locale is not UTF-8)");
	char *s = term_screen(&t);
	for (const char *p = s; *p; p++)
		assert_true((unsigned char)*p < 0x80);
	free(s);
	term_stop(&t);
}

/* A UTF-8 locale that is not installed still gets Chinese (its encoding
 * is all the wizard needs); one that is not UTF-8 says it is missing. */
static void test_locale_not_installed(void **state)
{
	(void)state;
	struct term t = { 0 };
	term_open(&t, 80, 24, "TERM=tmux-256color LANG=zh_CN.UTF-8 LC_ALL=zh_CN.UTF-8", "--no-auto-check", "凭据检查（ErrorID：95107 和 95108）");
	term_stop(&t);
	term_open(&t, 80, 24, "TERM=tmux-256color LANG=zh_CN.GB2312 LC_ALL=zh_CN.GB2312", "--no-auto-check", "(English: locale zh_CN.GB2312 is not installed)");
	term_stop(&t);
}

static void test_help_lists_every_key(void **state)
{
	(void)state;
	struct term t = { 0 };
	term_open(&t, 80, 40, TERM_ENV_UTF8, "--lang en --no-auto-check", "1/40");
	term_keys(&t, "?");
	assert_true(term_wait(&t, "Keys", TERM_WAIT));
	char *s = term_screen(&t);
	static const char *const want[] = { "move down", "page up", "search titles, text and ErrorIDs",
					    "go to an ErrorID", "run every check", "quit", "Ctrl-L" };
	for (size_t i = 0; i < ARRAY_LEN(want); i++) {
		if (!strstr(s, want[i]))
			print_error("help lacks '%s'\n", want[i]);
		assert_non_null(strstr(s, want[i]));
	}
	free(s);
	term_keys(&t, "BSpace");
	assert_true(term_wait(&t, "1/40", TERM_WAIT));
	term_stop(&t);
}

static void test_ctrl_c_restores_terminal(void **state)
{
	(void)state;
	struct term t = { 0 };
	term_open(&t, 80, 24, TERM_ENV_UTF8, "--lang en --no-auto-check", "1/40");
	term_keys(&t, "C-c");
	assert_true(term_wait(&t, "EXIT=130", TERM_WAIT)); /* 128 + SIGINT */
	char *s = term_screen(&t);
	/* The wizard's screen is gone: the terminal is back to the shell. */
	assert_null(strstr(s, "Credentials check"));
	assert_non_null(strstr(s, "interrupted"));
	free(s);
	term_stop(&t);
}

static void test_refuses_dumb_terminal(void **state)
{
	(void)state;
	struct term t = { 0 };
	term_open(&t, 80, 24, "TERM=dumb LANG=C", "--no-auto-check", "EXIT=2");
	assert_true(term_wait(&t, "cannot show the wizard", TERM_WAIT));
	term_stop(&t);
}

int main(void)
{
	term_suite_begin(NULL);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_first_screen_80x24),
		cmocka_unit_test(test_navigate_open_and_back),
		cmocka_unit_test(test_search_and_next),
		cmocka_unit_test(test_jump_by_error_id),
		cmocka_unit_test(test_resize_two_panes),
		cmocka_unit_test(test_chinese_tree_columns),
		cmocka_unit_test(test_no_cjk_terminal_falls_back),
		cmocka_unit_test(test_locale_not_installed),
		cmocka_unit_test(test_help_lists_every_key),
		cmocka_unit_test(test_ctrl_c_restores_terminal),
		cmocka_unit_test(test_refuses_dumb_terminal),
	};
	return cmocka_run_group_tests_name("wizard", tests, NULL, NULL);
}
