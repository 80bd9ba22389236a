/* test_titles.c: what the wizard's rows and status line keep when space
 * runs out, read off the screen: a section's ErrorIDs are never cut (the
 * words before them are), and the status line always shows the keys. */
#include "support/testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/util/text.h"
#include "engine/util/util.h"
#include "support/term.h"

/* Every "(ErrorID" on the screen is followed by its closing parenthesis
 * within the same pane (the tree ends at the "│" of two panes). Returns
 * how many lists the screen shows. */
static int whole_id_lists(const char *screen)
{
	int lists = 0;
	char *copy = xstrdup(screen), *save = NULL;
	for (char *l = strtok_r(copy, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		char *bar = strstr(l, "\xe2\x94\x82");
		if (bar)
			*bar = '\0';
		for (char *p = l; (p = strstr(p, "ErrorID")) != NULL; p++) {
			/* The list, not the "g ErrorID" hint. */
			if (p == l || (p[-1] != '(' && (p - l < 3 || strncmp(p - 3, "\xef\xbc\x88", 3) != 0)))
				continue;
			lists++;
			if (!strchr(p, ')') && !strstr(p, "\xef\xbc\x89"))
				print_error("an ErrorID list is cut: \"%s\"\n", l);
			assert_true(strchr(p, ')') || strstr(p, "\xef\xbc\x89"));
		}
	}
	free(copy);
	return lists;
}

static void start_at(struct term *t, int cols, int rows, const char *lang)
{
	char *args = xasprintf("--lang %s --no-auto-check", lang);
	term_open(t, cols, rows, TERM_ENV_UTF8, args, "1/40");
	free(args);
}

static void test_tree_keeps_error_ids(void **state)
{
	(void)state;
	static const int widths[] = { 80, 132, 60, 44 };
	for (size_t i = 0; i < ARRAY_LEN(widths); i++) {
		struct term t = { 0 };
		start_at(&t, widths[i], 40, "en");
		char *s = term_screen(&t);
		assert_true(whole_id_lists(s) >= 15);
		/* Side by side, 95517 and 95518 stay apart. */
		assert_non_null(strstr(s, "(ErrorID: 95517)"));
		assert_non_null(strstr(s, "(ErrorID: 95518)"));
		assert_non_null(strstr(s, "(ErrorID: 95320)"));
		free(s);
		term_stop(&t);
	}
	/* Chinese titles, wide characters counted twice. */
	struct term t = { 0 };
	start_at(&t, 80, 40, "zh-CN");
	char *s = term_screen(&t);
	assert_true(whole_id_lists(s) >= 15);
	assert_non_null(strstr(s, "ErrorID\xef\xbc\x9a" "95320"));
	free(s);
	term_stop(&t);
}

static void test_chooser_keeps_error_ids(void **state)
{
	(void)state;
	struct term t = { 0 };
	start_at(&t, 44, 24, "en");
	term_keys(&t, ":");
	term_type(&t, "95523");
	term_keys(&t, "Enter");
	assert_true(term_wait(&t, "Several sections match", TERM_WAIT));
	char *s = term_screen(&t);
	assert_non_null(strstr(s, "(ErrorID: 95105,95523)"));
	assert_non_null(strstr(s, "(ErrorID: 95523)"));
	free(s);
	term_stop(&t);
}

/* The last row of the screen (caller frees). */
static char *status_line(struct term *t, int rows)
{
	return term_line(t, rows - 1);
}

static void test_status_line_keeps_hints(void **state)
{
	(void)state;
	struct term t = { 0 };
	start_at(&t, 80, 24, "en");
	/* A long section title with its parent in the status line. */
	term_keys(&t, ":");
	term_type(&t, "95520");
	term_keys(&t, "Enter");
	assert_true(term_wait(&t, "multiple failed login attempts", TERM_WAIT));
	char *last = status_line(&t, 24);
	if (!strstr(last, "? help"))
		print_error("status line without hints: \"%s\"\n", last);
	assert_non_null(strstr(last, "? help"));
	assert_non_null(strstr(last, "q back"));
	free(last);
	/* At the narrowest width the help and quit keys stay. */
	term_keys(&t, "BSpace");
	term_resize(&t, 40, 24);
	assert_true(term_wait(&t, "? help", TERM_WAIT));
	last = status_line(&t, 24);
	assert_non_null(strstr(last, "q quit"));
	assert_true(text_width(last) <= 40);
	free(last);
	term_stop(&t);
}

/* From 80x24 to 132x43: the tree fills the taller screen from its root,
 * and the detail pane opens at the top of the selected section. */
static void test_resize_shows_a_fresh_view(void **state)
{
	(void)state;
	struct term t = { 0 };
	start_at(&t, 80, 24, "en");
	term_keys(&t, "G");
	assert_true(term_wait(&t, "40/40", TERM_WAIT));
	/* Read down the last section, then come back to the tree. */
	term_keys(&t, "Enter");
	assert_true(term_wait(&t, "%", TERM_WAIT));
	term_keys(&t, "Space Space");
	term_keys(&t, "q");
	assert_true(term_wait(&t, "40/40", TERM_WAIT));
	term_resize(&t, 132, 43);
	assert_true(term_wait(&t, "\xe2\x94\x82", TERM_WAIT));
	char *row1 = term_line(&t, 1);
	if (!strstr(row1, "Troubleshoot Mobility Service push installation"))
		print_error("row 1 after the resize: \"%s\"\n", row1);
	assert_non_null(strstr(row1, "Troubleshoot Mobility Service push installation"));
	/* The pane starts with the section's title. */
	assert_non_null(strstr(row1, "\xe2\x94\x82 Next steps"));
	free(row1);
	/* The last row of the tree is its last section, with no gap. */
	char *row40 = term_line(&t, 40);
	assert_non_null(strstr(row40, "Next steps"));
	free(row40);
	term_stop(&t);
}

/* The first screen after the checks finish: the summary and the keys. */
static void test_hints_beside_the_summary(void **state)
{
	(void)state;
	struct term t = { 0 };
	term_open(&t, 80, 24, TERM_ENV_UTF8, "--lang en --demo", "checks done:");
	char *last = status_line(&t, 24);
	if (!strstr(last, "? help"))
		print_error("status line: \"%s\"\n", last);
	assert_non_null(strstr(last, "checks done:"));
	assert_non_null(strstr(last, "? help"));
	free(last);
	term_stop(&t);
}

/* The status line keeps the keys after a fix ("Fix: done") and on a
 * history entry's page, which has its own key (u). */
static void test_hints_after_fix_and_in_history(void **state)
{
	(void)state;
	struct term t = { 0 };
	term_open(&t, 80, 24, TERM_ENV_UTF8, "--lang en --demo --no-auto-check", "1/40");
	term_keys(&t, "j r");
	assert_true(term_wait(&t, "checks done", TERM_WAIT));
	term_keys(&t, "f");
	assert_true(term_wait(&t, "Apply? [y/N]", TERM_WAIT));
	term_keys(&t, "y");
	assert_true(term_wait(&t, "Enter applies", TERM_WAIT));
	term_keys(&t, "Enter");
	assert_true(term_wait(&t, "Fix: done", TERM_WAIT));
	/* The re-check after the fix ends with a message that holds the
	 * status line until the next key: on a busy machine it can end after
	 * H and Enter, hiding the entry page's "u undo" behind it. */
	assert_true(term_wait(&t, "checks done", TERM_WAIT));
	char *last = status_line(&t, 24);
	if (!strstr(last, "? help"))
		print_error("status line after the fix: \"%s\"\n", last);
	assert_non_null(strstr(last, "? help"));
	assert_non_null(strstr(last, "H history"));
	free(last);
	term_keys(&t, "H");
	assert_true(term_wait(&t, "History of fixes", TERM_WAIT));
	term_keys(&t, "Enter");
	assert_true(term_wait(&t, "Outcome: applied", TERM_WAIT));
	last = status_line(&t, 24);
	if (!strstr(last, "u undo"))
		print_error("status line on the entry's page: \"%s\"\n", last);
	assert_non_null(strstr(last, "u undo"));
	assert_non_null(strstr(last, "? help"));
	assert_non_null(strstr(last, "q back"));
	free(last);
	term_stop(&t);
}

/* A diff line wrapped on a narrow screen keeps its + or - mark on every
 * row: without colour (vt100) the sides can still be told apart. */
static void test_wrapped_diff_keeps_its_mark(void **state)
{
	(void)state;
	struct term t = { 0 };
	term_open(&t, 60, 70, "TERM=vt100 LANG=C.UTF-8 LC_ALL=C.UTF-8", "--lang en --demo --no-auto-check", "1/40");
	term_keys(&t, ":");
	term_type(&t, "95320");
	term_keys(&t, "Enter");
	assert_true(term_wait(&t, "not run yet", TERM_WAIT));
	term_keys(&t, "r");
	assert_true(term_wait(&t, "checks done", TERM_WAIT));
	/* The boot loader fix, then its diff. */
	term_keys(&t, "f Enter");
	assert_true(term_wait(&t, "Apply? [y/N]", TERM_WAIT));
	term_keys(&t, "Space");
	assert_true(term_wait(&t, "-linux /boot/vmlinuz", TERM_WAIT));
	char *s = term_screen(&t);
	char *save = NULL;
	bool in_hunk = false;
	int rows = 0;
	for (char *l = strtok_r(s, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		if (str_starts(l, "-linux /boot/vmlinuz"))
			in_hunk = true;
		else if (str_starts(l, " initrd"))
			in_hunk = false;
		if (!in_hunk)
			continue;
		rows++;
		if (l[0] != '-' && l[0] != '+')
			print_error("a continued diff line lost its mark: \"%s\"\n", l);
		assert_true(l[0] == '-' || l[0] == '+');
	}
	/* The long kernel lines did wrap. */
	assert_true(rows > 4);
	free(s);
	/* The prompt is whole beside the keys. */
	char *last = status_line(&t, 70);
	assert_non_null(strstr(last, "Apply? [y/N]"));
	free(last);
	term_stop(&t);
}

int main(void)
{
		/* The demo sandboxes land in a folder that is removed. */
	term_suite_begin("titles");
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tree_keeps_error_ids),
		cmocka_unit_test(test_chooser_keeps_error_ids),
		cmocka_unit_test(test_status_line_keeps_hints),
		cmocka_unit_test(test_resize_shows_a_fresh_view),
		cmocka_unit_test(test_hints_beside_the_summary),
		cmocka_unit_test(test_hints_after_fix_and_in_history),
		cmocka_unit_test(test_wrapped_diff_keeps_its_mark),
	};
	return tu_scratch_done(cmocka_run_group_tests_name("titles", tests, NULL, NULL));
}
