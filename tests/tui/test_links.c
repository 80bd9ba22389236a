/* test_links.c: a section is followed from the keyboard, read off the real
 * wizard's screen: Tab and Shift-Tab select a link or an "In this section"
 * entry, Enter opens it (a section of the article opens in the tree, an
 * outside address is shown whole, as one line the terminal wrapped by
 * itself), and Backspace or h goes back to where the link was followed. */
#include "support/testutil.h"

#include <stdlib.h>
#include <string.h>

#include "engine/util/util.h"
#include "support/term.h"

#define ROOT_ANCHOR "#troubleshoot-mobility-service-push-installation"
#define FILE_SHARING_ANCHOR "#file-and-printer-sharing-services-check-errorid-95105--95106"
#define MODIFY_CREDENTIALS_URL                                                                     \
	"https://learn.microsoft.com/en-us/azure/site-recovery/"                                   \
	"vmware-azure-manage-configuration-server#modify-credentials-for-mobility-service-installation"

static void start(struct term *t, int cols)
{
	term_open(t, cols, 24, TERM_ENV_UTF8, "--lang en --no-auto-check", "1/40");
}

/* Whether line y of the screen starts with text. */
static bool line_starts(struct term *t, int y, const char *text)
{
	char *l = term_line(t, y);
	bool ok = str_starts(l, text);
	if (!ok)
		print_error("line %d is \"%s\", not \"%s...\"\n", y, l, text);
	free(l);
	return ok;
}

static void test_open_in_this_section_entry(void **state)
{
	(void)state;
	struct term t = { 0 };
	start(&t, 80);
	/* The article's root: 11 links, then its subsections. */
	term_keys(&t, "Enter");
	assert_true(term_wait(&t, ROOT_ANCHOR, TERM_WAIT));
	/* Shift-Tab from nothing selected: the last entry. */
	term_keys(&t, "BTab");
	assert_true(term_wait(&t, "Next steps  ", TERM_WAIT));
	term_keys(&t, "Enter");
	assert_true(term_wait(&t, "#next-steps", TERM_WAIT));
	assert_true(line_starts(&t, 1, "Next steps"));
	/* Back: the root, its last entry still selected; Tab goes round to
	 * the first link, eleven more past the links to the first
	 * subsection. */
	term_keys(&t, "h");
	assert_true(term_wait(&t, "% Next steps  ", TERM_WAIT));
	term_keys(&t, "Tab");
	assert_true(term_wait(&t, "[1] Credentials check", TERM_WAIT));
	term_keys(&t, "Tab Tab Tab Tab Tab Tab Tab Tab Tab Tab");
	assert_true(term_wait(&t, "[11] Install Mobility", TERM_WAIT));
	term_keys(&t, "Tab");
	assert_true(term_wait(&t, "% Credentials check", TERM_WAIT));
	term_keys(&t, "l");
	assert_true(term_wait(&t, "#credentials-check-errorid-95107--95108", TERM_WAIT));
	assert_true(line_starts(&t, 1, "Credentials check (ErrorID: 95107 and 95108)"));
	/* The tree follows: q closes the section on the entry opened. */
	term_keys(&t, "q");
	assert_true(term_wait(&t, "2/40", TERM_WAIT));
	term_stop(&t);
}

static void test_follow_link_and_back(void **state)
{
	(void)state;
	struct term t = { 0 };
	start(&t, 80);
	term_keys(&t, "Enter");
	assert_true(term_wait(&t, ROOT_ANCHOR, TERM_WAIT));
	/* [4] is "File and printer sharing errors": a link into the article. */
	term_keys(&t, "Tab Tab Tab Tab");
	assert_true(term_wait(&t, "[4] File and printer", TERM_WAIT));
	term_keys(&t, "Enter");
	assert_true(term_wait(&t, "Backspace or h: back to", TERM_WAIT));
	assert_true(line_starts(&t, 1, "File and printer sharing services check"));
	assert_true(line_starts(&t, 3, FILE_SHARING_ANCHOR));
	/* Back: the root again, with the link still selected. */
	term_keys(&t, "BSpace");
	assert_true(term_wait(&t, "[4] File and printer", TERM_WAIT));
	char *s = term_screen(&t);
	assert_null(strstr(s, "File and printer sharing services check (ErrorID"));
	free(s);
	/* Back once more: out of the detail, to the tree. */
	term_keys(&t, "h");
	assert_true(term_wait(&t, "1/40", TERM_WAIT));
	term_stop(&t);

	/* Two panes: the tree's selection follows the link and comes back. */
	start(&t, 132);
	term_keys(&t, "Tab Tab Tab Tab Tab");
	assert_true(term_wait(&t, "[4] File and printer", TERM_WAIT));
	term_keys(&t, "Enter");
	assert_true(term_wait(&t, FILE_SHARING_ANCHOR, TERM_WAIT));
	char *last = term_line(&t, 23);
	assert_false(str_starts(last, "1/40"));
	free(last);
	term_keys(&t, "h");
	assert_true(term_wait(&t, "1/40 [4] File and printer", TERM_WAIT));
	assert_true(line_starts(&t, 23, "1/40 [4] File and printer"));
	term_stop(&t);
}

static void test_outside_link_shown_whole(void **state)
{
	(void)state;
	struct term t = { 0 };
	start(&t, 80);
	term_keys(&t, ":");
	term_type(&t, "95108");
	term_keys(&t, "Enter");
	assert_true(term_wait(&t, "#credentials-check-errorid-95107--95108", TERM_WAIT));
	term_keys(&t, "Tab");
	assert_true(term_wait(&t, "[1] https://", TERM_WAIT));
	term_keys(&t, "Enter");
	assert_true(term_wait(&t, "Enter returns to asr-doctor", TERM_WAIT));
	/* One line, wrapped by the terminal itself: a copy takes it whole. */
	char *s = term_screen_joined(&t);
	bool whole = false;
	char *save = NULL;
	for (char *l = strtok_r(s, "\n", &save); l; l = strtok_r(NULL, "\n", &save))
		whole = whole || strcmp(l, MODIFY_CREDENTIALS_URL) == 0;
	if (!whole)
		print_error("the address is not one whole line: %s\n", s);
	assert_true(whole);
	free(s);
	term_keys(&t, "Enter");
	assert_true(term_wait(&t, "Tab links", TERM_WAIT));
	assert_true(term_wait(&t, "[1] https://", TERM_WAIT));
	term_stop(&t);
}

int main(void)
{
	term_suite_begin("links");
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_open_in_this_section_entry),
		cmocka_unit_test(test_follow_link_and_back),
		cmocka_unit_test(test_outside_link_shown_whole),
	};
	return tu_scratch_done(cmocka_run_group_tests_name("links", tests, NULL, NULL));
}
