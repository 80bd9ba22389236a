/* test_wrap.c: wrapping keeps intact what must be copied, read off the
 * real wizard's screen. A path that fits a row is never broken (in ASCII
 * too, where the wrap mark once landed inside a registry path); an address
 * wider than the screen is split only at the row's end, with nothing put
 * into it, so its rows joined are the address; the wizard's diff keeps the
 * blank context lines `fix --dry-run` prints. */
#include "support/testutil.h"

#include <stdlib.h>
#include <string.h>

#include "engine/util/util.h"
#include "support/term.h"

#define UAC_KEY "HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Policies\\System"
#define MODIFY_CREDENTIALS_URL                                                                     \
	"https://learn.microsoft.com/en-us/azure/site-recovery/"                                   \
	"vmware-azure-manage-configuration-server#modify-credentials-for-mobility-service-installation"

/* The screen's rows, trailing blanks removed. */
static void screen_rows(struct term *t, struct strvec *out)
{
	char *s = term_screen(t);
	for (char *p = s, *e; *p; p = e + 1) {
		e = strchr(p, '\n');
		if (!e)
			e = p + strlen(p);
		char *row = xstrndup(p, (size_t)(e - p));
		size_t n = strlen(row);
		while (n > 0 && row[n - 1] == ' ')
			row[--n] = '\0';
		sv_take(out, row);
		if (!*e)
			break;
	}
	free(s);
}

/* Opens the section of 95108 (the credentials check) at its end. */
static void open_credentials(struct term *t, int cols, const char *args)
{
	term_open(t, cols, 60, TERM_ENV_UTF8, args, "1/40");
	term_keys(t, ":");
	term_type(t, "95108");
	term_keys(t, "Enter");
	assert_true(term_wait(t, "#credentials-check-errorid-95107--95108", TERM_WAIT));
	term_keys(t, "G");
	assert_true(term_wait(t, "100%", TERM_WAIT));
}

/* The registry key is whole on its rows (the list item and the command),
 * at widths where it fits a row, in ASCII and in UTF-8. */
static void test_paths_are_never_broken(void **state)
{
	(void)state;
	static const struct {
		int cols;
		const char *args;
	} runs[] = {
		{ 80, "--lang en --no-auto-check --ascii" },
		{ 80, "--lang en --no-auto-check" },
		{ 90, "--lang en --no-auto-check --ascii" },
	};
	for (size_t r = 0; r < ARRAY_LEN(runs); r++) {
		struct term t = { 0 };
		open_credentials(&t, runs[r].cols, runs[r].args);
		struct strvec rows = { 0 };
		screen_rows(&t, &rows);
		size_t whole = 0;
		for (size_t i = 0; i < rows.n; i++) {
			if (!strstr(rows.v[i], "HKEY_"))
				continue;
			if (!strstr(rows.v[i], UAC_KEY))
				print_error("%d columns (%s): the key is broken: \"%s\"\n", runs[r].cols,
					    runs[r].args, rows.v[i]);
			assert_non_null(strstr(rows.v[i], UAC_KEY));
			whole++;
		}
		/* The list item and the REG ADD command. */
		assert_int_equal(whole, 2);
		/* The command's words after the key follow it. */
		bool rest = false;
		for (size_t i = 0; i < rows.n; i++)
			rest = rest || strstr(rows.v[i], "LocalAccountTokenFilterPolicy /t REG_DWORD /d 1");
		assert_true(rest);
		sv_free(&rows);
		term_stop(&t);
	}
}

/* An address wider than the screen: its rows hold only its characters, the
 * next ones from the left edge, so the rows joined are the address. */
static void test_long_address_rows_join_to_it(void **state)
{
	(void)state;
	struct term t = { 0 };
	open_credentials(&t, 80, "--lang en --no-auto-check");
	struct strvec rows = { 0 };
	screen_rows(&t, &rows);
	struct sbuf joined = { 0 };
	for (size_t i = 0; i < rows.n; i++) {
		if (!str_starts(rows.v[i], "[1] https://"))
			continue;
		sb_add(&joined, rows.v[i] + 4);
		for (size_t k = i + 1; k < rows.n && *rows.v[k] && !strstr(rows.v[k], "% "); k++)
			sb_add(&joined, rows.v[k]);
		break;
	}
	if (strcmp(sb_str(&joined), MODIFY_CREDENTIALS_URL) != 0)
		print_error("the address's rows join to \"%s\"\n", sb_str(&joined));
	assert_string_equal(sb_str(&joined), MODIFY_CREDENTIALS_URL);
	sb_free(&joined);
	sv_free(&rows);
	term_stop(&t);
}

/* The rows of a hunk starting at the row that is exactly head, up to the
 * first row that is not a diff line (nor a blank context line). */
static void hunk_rows(struct strvec *rows, const char *head, struct strvec *out)
{
	for (size_t i = 0; i < rows->n; i++) {
		if (strcmp(rows->v[i], head) != 0)
			continue;
		for (size_t k = i + 1; k < rows->n; k++) {
			const char *r = rows->v[k];
			bool diff = *r == ' ' || *r == '+' || *r == '-';
			/* A blank row is a blank context line when a diff line
			 * follows it. */
			bool context = !*r && k + 1 < rows->n && (*rows->v[k + 1] == ' ' ||
							   *rows->v[k + 1] == '+' || *rows->v[k + 1] == '-');
			if (!diff && !context)
				break;
			sv_push(out, r);
		}
		return;
	}
}

/* The wizard's diff of the sshd fix keeps the blank context line that
 * `fix --dry-run` prints ("# Authentication:", "", "#LoginGraceTime"). */
static void test_diff_keeps_blank_context(void **state)
{
	(void)state;
	char *plan = NULL;
	assert_int_equal(tu_sh(&plan, "%s --lang en --demo fix 95108 --dry-run", tu_binary()), 0);
	struct strvec printed = { 0 };
	struct strvec lines = { 0 };
	for (char *p = plan, *e; *p; p = e + 1) {
		e = strchr(p, '\n');
		if (!e)
			break;
		char *row = xstrndup(p, (size_t)(e - p));
		size_t n = strlen(row);
		while (n > 0 && row[n - 1] == ' ')
			row[--n] = '\0';
		sv_take(&lines, row);
	}
	hunk_rows(&lines, "@@ -20,7 +20,7 @@", &printed);
	assert_true(printed.n >= 7);
	assert_true(sv_contains(&printed, ""));

	struct term t = { 0 };
	term_open(&t, 100, 100, TERM_ENV_UTF8, "--lang en --demo --no-auto-check", "1/40");
	term_keys(&t, "j Enter");
	assert_true(term_wait(&t, "not run yet", TERM_WAIT));
	term_keys(&t, "r");
	assert_true(term_wait(&t, "checks done", TERM_WAIT));
	term_keys(&t, "f");
	assert_true(term_wait(&t, "Apply? [y/N]", TERM_WAIT));
	assert_true(term_wait(&t, "@@ -20,7 +20,7 @@", TERM_WAIT));
	struct strvec rows = { 0 };
	struct strvec shown = { 0 };
	screen_rows(&t, &rows);
	hunk_rows(&rows, "@@ -20,7 +20,7 @@", &shown);
	if (shown.n != printed.n)
		print_error("the wizard shows %zu rows of the hunk, fix --dry-run %zu\n", shown.n, printed.n);
	assert_int_equal(shown.n, printed.n);
	for (size_t i = 0; i < printed.n; i++)
		assert_string_equal(shown.v[i], printed.v[i]);
	term_keys(&t, "Escape");
	assert_true(term_wait(&t, "cancelled: nothing was changed", TERM_WAIT));
	sv_free(&rows);
	sv_free(&shown);
	sv_free(&printed);
	sv_free(&lines);
	free(plan);
	term_stop(&t);
}

int main(void)
{
	term_suite_begin("wrap");
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_paths_are_never_broken),
		cmocka_unit_test(test_long_address_rows_join_to_it),
		cmocka_unit_test(test_diff_keeps_blank_context),
	};
	return tu_scratch_done(cmocka_run_group_tests_name("wrap", tests, NULL, NULL));
}
