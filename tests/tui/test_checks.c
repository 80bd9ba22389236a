/* test_checks.c: the wizard running the live checks on a fixture root (the
 * demo sandbox), read off the screen: statuses on the tree, findings and
 * evidence in the detail, r for one section, ASCII symbols, counts of one
 * agreeing with their noun. */
#include "support/testutil.h"

#include <stdlib.h>
#include <string.h>

#include "engine/util/util.h"
#include "support/term.h"

/* The screen row holding text, or NULL (caller frees). */
static char *row_with(struct term *t, const char *text)
{
	char *s = term_screen(t);
	char *save = NULL, *found = NULL;
	for (char *l = strtok_r(s, "\n", &save); l; l = strtok_r(NULL, "\n", &save))
		if (strstr(l, text) && !found)
			found = xstrdup(l);
	free(s);
	return found;
}

static void expect_row(struct term *t, const char *text, const char *symbol)
{
	char *row = row_with(t, text);
	if (!row || strncmp(row + 1, symbol, strlen(symbol)) != 0)
		print_error("row '%s' should show '%s': '%s'\n", text, symbol, row ? row : "(none)");
	assert_non_null(row);
	assert_memory_equal(row + 1, symbol, strlen(symbol));
	free(row);
}

static void test_auto_checks_fill_the_tree(void **state)
{
	(void)state;
	struct term t = { 0 };
	term_open(&t, 120, 45, TERM_ENV_UTF8, "--lang en --demo", "checks done:");
	/* The demo disables passwords in an sshd drop-in: credentials fail. */
	expect_row(&t, "(ErrorID: 95107 and 95108)", "\xe2\x9c\x97");
	/* Root's subtree rolls the failure up. */
	expect_row(&t, "Troubleshoot Mobility Service", "\xe2\x9c\x97");
	expect_row(&t, "Unsupported operating systems", "\xe2\x9c\x93");
	expect_row(&t, "Low system resources", "!");
	expect_row(&t, "Enable protection failed", "\xe2\x9c\x97");
	/* Windows sections do not apply on Linux. The tree's row (the title
	 * cut, its code kept): the root's page beside it names the section
	 * in full. */
	expect_row(&t, "(error code: 95103)", "\xc2\xb7");
	/* Sections without a check stay blank. */
	expect_row(&t, "Next steps", " ");

	/* The detail shows the findings first, with the file and line. */
	term_keys(&t, "j");
	assert_true(term_wait(&t, "Live checks", TERM_WAIT));
	assert_true(term_wait(&t, "SSH password authentication for root: fail", TERM_WAIT));
	assert_true(term_wait(&t, "60-cloudimg-settings.conf:1", TERM_WAIT));
	term_stop(&t);
}

static void test_run_one_section_and_evidence(void **state)
{
	(void)state;
	struct term t = { 0 };
	term_open(&t, 80, 24, TERM_ENV_UTF8, "--lang en --demo --no-auto-check", "1/40");
	term_keys(&t, ":");
	term_type(&t, "95320");
	term_keys(&t, "Enter");
	assert_true(term_wait(&t, "not run yet", TERM_WAIT));
	term_keys(&t, "r");
	assert_true(term_wait(&t, "2 checks done: 1 failed, 1 warning", TERM_WAIT));
	char *s = term_screen(&t);
	assert_non_null(strstr(s, "GRUB"));
	assert_non_null(strstr(s, ": fail"));
	assert_non_null(strstr(s, "/boot/grub2/grub.cfg"));
	free(s);
	/* The summary leaves evidence out; e shows it all, e again hides it. */
	assert_true(term_wait(&t, "e shows all evidence", TERM_WAIT));
	term_keys(&t, "e");
	assert_true(term_wait_gone(&t, "e shows all evidence", TERM_WAIT));
	term_keys(&t, "e");
	assert_true(term_wait(&t, "e shows all evidence", TERM_WAIT));
	/* Back on the tree the section shows its status; others stay unchecked. */
	term_keys(&t, "BSpace");
	assert_true(term_wait(&t, "21/40", TERM_WAIT));
	expect_row(&t, "Enable protection failed", "\xe2\x9c\x97");
	expect_row(&t, "Credentials check", " ");
	term_stop(&t);
}

static void test_ascii_symbols(void **state)
{
	(void)state;
	struct term t = { 0 };
	term_open(&t, 80, 40, "TERM=vt100 LANG=C LC_ALL=C", "--demo", "checks done:");
	expect_row(&t, "(ErrorID: 95107 and 95108)", "X");
	expect_row(&t, "Unsupported operating systems", "+");
	expect_row(&t, "Windows Management Instrumentation", "-");
	char *s = term_screen(&t);
	for (const char *p = s; *p; p++)
		assert_true((unsigned char)*p < 0x80);
	free(s);
	term_stop(&t);
}

/* Colour marks statuses, unless NO_COLOR says no: then attributes only. */
static void test_no_color(void **state)
{
	(void)state;
	struct term t = { 0 };
	term_open(&t, 80, 24, TERM_ENV_UTF8, "--lang en --demo", "checks done");
	char *s = term_screen_attrs(&t);
	/* A red or green foreground somewhere on the tree. */
	assert_true(strstr(s, "\033[31m") || strstr(s, "\033[32m") || strstr(s, ";31m") || strstr(s, ";32m"));
	free(s);
	term_stop(&t);
	term_open(&t, 80, 24, TERM_ENV_UTF8 " NO_COLOR=1", "--lang en --demo", "checks done");
	s = term_screen_attrs(&t);
	for (const char *p = strstr(s, "\033["); p; p = strstr(p + 2, "\033[")) {
		/* Only attributes (bold, reverse, underline, resets); 39 and 49
		 * are the default colours a reset names. */
		const char *q = p + 2;
		while (*q >= '0' && *q <= '9') {
			long v = strtol(q, (char **)&q, 10);
			if ((v >= 30 && v <= 38) || (v >= 40 && v <= 48) || (v >= 90 && v <= 107))
				fail_msg("a colour code with NO_COLOR: %.12s", p);
			if (*q == ';')
				q++;
		}
	}
	/* Failures still stand out: in bold. */
	assert_non_null(strstr(s, "\033[1m"));
	free(s);
	term_stop(&t);
}

/* An edition lacking most sections (the short ko-KR fixture) still runs
 * every check: the same count as the built-in article, the ones without a
 * section under the root, marked; Docs tabs sit inside their section. */
static void test_edition_keeps_every_check(void **state)
{
	(void)state;
	struct term t = { 0 };
	term_open(&t, 120, 45, TERM_ENV_UTF8, "--lang en --demo", "checks done:");
	char *built_in = row_with(&t, "checks done:");
	assert_non_null(built_in);
	term_stop(&t);
	/* "N checks done: F failed, W warnings", from its number on. */
	char *done = strstr(built_in, " checks done:");
	assert_non_null(done);
	while (done > built_in && done[-1] >= '0' && done[-1] <= '9')
		done--;
	assert_true(done[0] >= '1' && done[0] <= '9');

	term_open(&t, 120, 45, TERM_ENV_UTF8, "--lang en --demo --doc tests/fixtures/article/push-install-2024.ko-kr.md", "checks done:");
	char *row = row_with(&t, "checks done:");
	assert_non_null(row);
	if (!strstr(row, done))
		print_error("ko-KR edition: '%s', built-in: '%s'\n", row, done);
	assert_non_null(strstr(row, done));
	free(row);
	/* The root rolls up the failures of the checks standing under it. */
	expect_row(&t, "모바일 서비스 푸시 설치 문제 해결", "\xe2\x9c\x97");
	assert_true(term_wait(&t, "(its section is not in this edition)", TERM_WAIT));
	term_stop(&t);
	free(built_in);

	term_open(&t, 120, 45, TERM_ENV_UTF8, "--lang en --demo --doc tests/fixtures/article/push-install-2025.en.md", "checks done:");
	char *s = term_screen(&t);
	assert_non_null(strstr(s, "Credentials check (ErrorID: 95107 & 95108)"));
	assert_null(strstr(s, "(its section is not in this edition)"));
	free(s);
	/* The Linux tab sits one level below its section, with the SSH
	 * failures. */
	char *cred = row_with(&t, "Credentials check (ErrorID: 95107 & 95108)");
	char *lin = row_with(&t, " Linux");
	assert_non_null(cred);
	assert_non_null(lin);
	assert_int_equal(strstr(lin, "Linux") - lin, strstr(cred, "Credentials") - cred + 2);
	expect_row(&t, " Linux", "\xe2\x9c\x97");
	free(cred);
	free(lin);
	term_stop(&t);
}

/* Counts of one agree with their noun: one check run, one section
 * matching a search. */
static void test_counts_of_one(void **state)
{
	(void)state;
	struct term t = { 0 };
	term_open(&t, 80, 24, TERM_ENV_UTF8, "--lang en --demo --no-auto-check", "1/40");
	/* The insufficient space section has one check. */
	term_keys(&t, ":");
	term_type(&t, "95524");
	term_keys(&t, "Enter");
	assert_true(term_wait(&t, "not run yet", TERM_WAIT));
	term_keys(&t, "r");
	assert_true(term_wait(&t, "1 check done: 0 failed, 0 warnings", TERM_WAIT));
	/* One section names 95524. */
	term_keys(&t, "BSpace");
	term_keys(&t, "/");
	term_type(&t, "95524");
	term_keys(&t, "Enter");
	assert_true(term_wait(&t, "1 section matches \"95524\"", TERM_WAIT));
	term_stop(&t);
}

int main(void)
{
	term_suite_begin("checks");
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_auto_checks_fill_the_tree),
		cmocka_unit_test(test_run_one_section_and_evidence),
		cmocka_unit_test(test_ascii_symbols),
		cmocka_unit_test(test_no_color),
		cmocka_unit_test(test_edition_keeps_every_check),
		cmocka_unit_test(test_counts_of_one),
	};
	return tu_scratch_done(cmocka_run_group_tests_name("wizard checks", tests, NULL, NULL));
}
