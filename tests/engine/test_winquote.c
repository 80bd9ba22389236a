/* test_winquote.c: Windows command lines, judged by models of the two
 * readers as Microsoft documents them (no Windows runs here): cmd.exe's
 * %NAME% expansion and caret removal outside quotes ("cmd /?", "Parsing C
 * command-line arguments" for the C runtime's splitting, with the rule of
 * 2008 and later that "" inside quotes is one quote; tests/support/winmodel.c,
 * shared with the stand-in for the Windows commands). Every hostile word
 * must come back intact; the unescaped line must not, through the same
 * model, which shows the model can tell. */
#include "support/testutil.h"

#include <stdlib.h>
#include <string.h>

#include "engine/util/util.h"
#include "engine/util/winquote.h"
#include "support/winmodel.h"

/* The variables the model's cmd.exe knows. */
static const char *model_env(const char *name, size_t n, void *arg)
{
	(void)arg;
	static const char *const vars[][2] = {
		{ "USERNAME", "Administrator" },
		{ "PATH", "C:\\Windows\\system32" },
		{ "COMPUTERNAME", "SRC01" },
	};
	for (size_t i = 0; i < ARRAY_LEN(vars); i++)
		if (strlen(vars[i][0]) == n && !strncmp(vars[i][0], name, n))
			return vars[i][1];
	return NULL;
}

/* Whether argv survives cmd.exe and the C runtime through win_cmdline. */
static bool round_trips(const char *const argv[], bool for_cmd)
{
	char *line = win_cmdline(argv, for_cmd);
	assert_non_null(line);
	char *after_cmd = winmodel_cmd(line, model_env, NULL);
	free(line);
	if (!after_cmd)
		return false;
	struct strvec got = { 0 };
	winmodel_crt(after_cmd, &got);
	free(after_cmd);
	bool same = true;
	size_t n = 0;
	while (argv[n])
		n++;
	if (got.n != n)
		same = false;
	for (size_t i = 0; same && i < n; i++)
		same = !strcmp(got.v[i], argv[i]);
	sv_free(&got);
	return same;
}

/* User names and values an account or a path can carry on Windows. */
static const char *const hostile[] = {
	"plain",
	"two words",
	"",
	" leading and trailing ",
	"tab\there",
	"quote\"inside",
	"\"",
	"\"\"",
	"back\\slash",
	"trailing\\",
	"trailing\\\\",
	"\\\\server\\share\\",
	"slash-quote\\\"",
	"C:\\Program Files\\Microsoft Azure Site Recovery\\",
	"a&b",
	"a|b",
	"a<b>c",
	"(paren)",
	"caret^^^",
	"%USERNAME%",
	"100%",
	"%PATH",
	"%%USERNAME%%",
	"bang!",
	"'single quoted'",
	"CONTOSO\\svc asr",
	"Administrateur général",
	"管理员",
	"a\\\\\"&\"^%PATH%^\"\\",
};

static void test_hostile_words_arrive_intact(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(hostile); i++) {
		const char *argv[] = { "net", "user", hostile[i], "/active:yes", NULL };
		if (!round_trips(argv, true))
			fail_msg("word %zu did not survive cmd.exe and the C runtime: [%s]", i,
				 hostile[i]);
	}
}

static void test_all_words_in_one_line(void **state)
{
	(void)state;
	const char *argv[ARRAY_LEN(hostile) + 2];
	argv[0] = "reg";
	for (size_t i = 0; i < ARRAY_LEN(hostile); i++)
		argv[i + 1] = hostile[i];
	argv[ARRAY_LEN(hostile) + 1] = NULL;
	assert_true(round_trips(argv, true));
}

/* Without the cmd.exe escaping, the same model breaks the words it must:
 * the round trip above is a real test. */
static void test_unescaped_line_breaks_under_cmd(void **state)
{
	(void)state;
	const char *expand[] = { "net", "user", "%USERNAME%", NULL };
	assert_false(round_trips(expand, false));
	const char *amp[] = { "net", "user", "a&b", NULL };
	assert_false(round_trips(amp, false)); /* a bare & ends the command */
	const char *quote_amp[] = { "net", "user", "x\"&whoami", NULL };
	assert_false(round_trips(quote_amp, false));
	assert_true(round_trips(quote_amp, true));
}

static void check_line(const char *const argv[], bool for_cmd, const char *want)
{
	char *got = win_cmdline(argv, for_cmd);
	assert_non_null(got);
	assert_string_equal(got, want);
	free(got);
}

/* Exact lines, worked out by hand from the documented rules. */
static void test_exact_lines(void **state)
{
	(void)state;
	const char *a[] = { "net", "user", "svc asr", "/active:yes", NULL };
	check_line(a, false, "net user \"svc asr\" /active:yes");
	check_line(a, true, "net user ^\"svc asr^\" /active:yes");
	const char *b[] = { "reg", "query", "HKLM\\SOFTWARE\\x y\\", NULL };
	check_line(b, false, "reg query \"HKLM\\SOFTWARE\\x y\\\\\"");
	const char *c[] = { "net", "user", "a\"b", NULL };
	check_line(c, false, "net user \"a\\\"b\"");
	check_line(c, true, "net user ^\"a\\^\"b^\"");
	const char *d[] = { "sc", "query", "100%", NULL };
	check_line(d, true, "sc query 100^%");
	const char *e[] = { "C:\\Program Files\\x.exe", "-v", NULL };
	check_line(e, false, "\"C:\\Program Files\\x.exe\" -v");
	char *q = win_quote_arg("");
	assert_string_equal(q, "\"\"");
	free(q);
}

static void test_what_cannot_be_passed(void **state)
{
	(void)state;
	const char *nl[] = { "net", "user", "a\nb", NULL };
	assert_null(win_cmdline(nl, true));
	const char *cr[] = { "net", "user", "a\rb", NULL };
	assert_null(win_cmdline(cr, false));
	const char *quote_prog[] = { "ne\"t", NULL };
	assert_null(win_cmdline(quote_prog, true));
	const char *empty_prog[] = { "", "x", NULL };
	assert_null(win_cmdline(empty_prog, true));
	const char *none[] = { NULL };
	assert_null(win_cmdline(none, true));
	assert_null(win_cmdline(NULL, true));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hostile_words_arrive_intact),
		cmocka_unit_test(test_all_words_in_one_line),
		cmocka_unit_test(test_unescaped_line_breaks_under_cmd),
		cmocka_unit_test(test_exact_lines),
		cmocka_unit_test(test_what_cannot_be_passed),
	};
	return cmocka_run_group_tests_name("winquote (documented cmd.exe and C runtime rules)",
					   tests, NULL, NULL);
}
