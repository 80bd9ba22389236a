/* test_winbatch.c: several Windows commands in one cmd.exe line
 * (engine/target/winbatch.c), read back by the model of cmd.exe and the C
 * runtime that test_winquote.c uses (tests/support/winmodel.c, from the
 * documented rules; no Windows runs here): every command arrives with its
 * words intact and its error output joined, each marker echoes the status
 * of the command before it, and the answers are cut apart exactly, or
 * refused whole when they are not what the line asked. */
#include "support/testutil.h"

#include <stdlib.h>
#include <string.h>

#include "engine/target/winbatch.h"
#include "engine/util/util.h"
#include "support/winmodel.h"

static const char *status_now = "0";

/* The model's variables: a few of a real machine's, and %errorlevel%. */
static const char *model_env(const char *name, size_t n, void *arg)
{
	(void)arg;
	static const char *const vars[][2] = {
		{ "USERNAME", "Administrator" },
		{ "PATH", "C:\\Windows\\system32" },
	};
	for (size_t i = 0; i < ARRAY_LEN(vars); i++)
		if (strlen(vars[i][0]) == n && !strncmp(vars[i][0], name, n))
			return vars[i][1];
	if (n == 10 && !strncmp(name, "errorlevel", n))
		return status_now;
	return NULL;
}

static const char *const hostile[] = {
	"svc & asr %PATH%", "a|b", "caret^^", "%USERNAME%", "100%", "bang!",
	"quote\"inside", "trailing\\", "(paren)", "管理员", "", "%^errorlevel%",
};

/* The commands a run of the checks might ask, hostile words among them. */
static size_t commands(const char *const *argvs[], size_t max)
{
	static const char *const fixed[][6] = {
		{ "whoami", "/groups", NULL },
		{ "reg", "query", "HKLM\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion", "/v",
		  "ProductName", NULL },
		{ "powershell", "-NoProfile", "-Command", "(Get-CimInstance Win32_ComputerSystem).PartOfDomain",
		  NULL },
	};
	static const char *users[ARRAY_LEN(hostile)][4];
	size_t n = 0;
	for (size_t i = 0; i < ARRAY_LEN(fixed) && n < max; i++)
		argvs[n++] = fixed[i];
	for (size_t i = 0; i < ARRAY_LEN(hostile) && n < max; i++) {
		users[i][0] = "net";
		users[i][1] = "user";
		users[i][2] = hostile[i];
		users[i][3] = NULL;
		argvs[n++] = users[i];
	}
	return n;
}

static void test_line_read_back_by_the_model(void **state)
{
	(void)state;
	const char *const *argvs[32];
	size_t n = commands(argvs, ARRAY_LEN(argvs));
	size_t idx[32], used = 0, next = 0;
	char *line = winbatch_line(argvs, n, 0, "0123abcd", idx, &used, &next);
	assert_non_null(line);
	assert_int_equal(used, n);
	assert_int_equal(next, n);
	assert_true(strlen(line) <= WINBATCH_LINE_MAX);
	struct winmodel_part parts[64];
	size_t np = winmodel_cmd_parts(line, model_env, NULL, parts, ARRAY_LEN(parts));
	assert_int_equal(np, 2 * n);
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(idx[i], i);
		/* The command: its words, its error output joined. */
		const struct winmodel_part *c = &parts[2 * i], *m = &parts[2 * i + 1];
		assert_true(c->err_to_out);
		assert_string_equal(c->op, "&");
		struct strvec got = { 0 };
		winmodel_crt(c->text, &got);
		size_t words = 0;
		while (argvs[i][words])
			words++;
		assert_int_equal(got.n, words);
		for (size_t w = 0; w < words; w++)
			assert_string_equal(got.v[w], argvs[i][w]);
		sv_free(&got);
		/* The marker: %errorlevel% survives the line's reading and is
		 * read again by call, after the command. */
		assert_false(m->err_to_out);
		/* cmd.exe skips the blanks before a command's name. */
		const char *mt = m->text + strspn(m->text, " \t");
		char *want = xasprintf("call echo @@asr-0123abcd %zu %%errorlevel%%", i);
		assert_string_equal(mt, want);
		free(want);
		status_now = "1060";
		char *again = winmodel_expand(mt + strlen("call "), model_env, NULL);
		want = xasprintf("echo @@asr-0123abcd %zu 1060", i);
		assert_string_equal(again, want);
		free(want);
		free(again);
		status_now = "0";
		assert_string_equal(m->op, i + 1 < n ? "&" : "");
	}
	winmodel_parts_free(parts, np);
	free(line);
}

/* A line is cut under the limit; numbers run on across lines; a command
 * that cannot be passed, or is too long alone, is left for a run alone. */
static void test_lines_under_the_limit(void **state)
{
	(void)state;
	char *big = xmalloc(3000);
	memset(big, 'x', 2999);
	big[2999] = '\0';
	char *huge = xmalloc(WINBATCH_LINE_MAX + 10);
	memset(huge, 'y', WINBATCH_LINE_MAX + 9);
	huge[WINBATCH_LINE_MAX + 9] = '\0';
	const char *a[] = { "reg", "query", big, NULL };
	const char *nl[] = { "net", "user", "two\nlines", NULL };
	const char *h[] = { "reg", "query", huge, NULL };
	const char *const *argvs[] = { a, a, nl, a, h, a, a };
	size_t n = ARRAY_LEN(argvs), idx[ARRAY_LEN(argvs)], first = 0, used, next;
	struct sbuf seen = { 0 };
	size_t lines = 0;
	while (first < n) {
		char *line = winbatch_line(argvs, n, first, "t", idx, &used, &next);
		assert_true(next > first);
		first = next;
		if (!line)
			continue;
		lines++;
		assert_true(strlen(line) <= WINBATCH_LINE_MAX);
		for (size_t k = 0; k < used; k++)
			sb_printf(&seen, "%zu ", idx[k]);
		free(line);
	}
	assert_string_equal(sb_str(&seen), "0 1 3 5 6 ");
	assert_int_equal(lines, 3);
	sb_free(&seen);
	free(big);
	free(huge);
}

static void test_answers_cut_apart(void **state)
{
	(void)state;
	const size_t idx[] = { 0, 1, 2, 3, 4 };
	struct winbatch_part p[5];
	/* Output with CRLF, error text joined, a last line without its end
	 * (the marker then starts on it), nothing at all, and statuses cmd.exe
	 * prints: negative, and an HRESULT above INT_MAX. */
	const char raw[] = "WEB01\\asrpush\r\n@@asr-tok 0 0\r\n"
			   "ERROR: The system was unable to find the specified registry key or value.\r\n"
			   "@@asr-tok 1 1\r\n"
			   "True@@asr-tok 2 0\r\n"
			   "@@asr-tok 3 -1\r\n"
			   "@@asr-other 9 9\r\nx@@asr-tok 4 2147942405\r\n";
	long got = winbatch_split(raw, sizeof raw - 1, "tok", idx, 5, p);
	assert_int_equal(got, 5);
	assert_int_equal(p[0].len, strlen("WEB01\\asrpush\r\n"));
	assert_memory_equal(raw + p[0].off, "WEB01\\asrpush\r\n", p[0].len);
	assert_int_equal(p[0].status, 0);
	assert_int_equal(p[1].status, 1);
	assert_true(p[1].len > 10 && !memcmp(raw + p[1].off, "ERROR:", 6));
	assert_int_equal(p[2].len, 4);
	assert_memory_equal(raw + p[2].off, "True", 4);
	assert_int_equal(p[3].len, 0);
	assert_int_equal(p[3].status, -1);
	/* Another run's marker is only text of this one's output. */
	assert_int_equal(p[4].len, strlen("@@asr-other 9 9\r\nx"));
	assert_int_equal((unsigned)p[4].status, 2147942405u);
	/* LF alone ends a marker too. */
	const char lf[] = "a\n@@asr-tok 0 0\n";
	assert_int_equal(winbatch_split(lf, sizeof lf - 1, "tok", idx, 1, p), 1);
	assert_int_equal(p[0].len, 2);
}

/* Stopped early (a timeout, a lost link): the answers before are kept,
 * the unfinished one is not. */
static void test_early_stop_keeps_the_answers_before(void **state)
{
	(void)state;
	const size_t idx[] = { 4, 7, 9 };
	struct winbatch_part p[3];
	const char raw[] = "one\r\n@@asr-tok 4 0\r\npartial out";
	assert_int_equal(winbatch_split(raw, sizeof raw - 1, "tok", idx, 3, p), 1);
	assert_int_equal(winbatch_split("", 0, "tok", idx, 3, p), 0);
	/* A marker cut off before its line end: nothing of the output is kept. */
	const char cut[] = "one\r\n@@asr-tok 4 0\r\ntwo\r\n@@asr-tok 7 1";
	assert_int_equal(winbatch_split(cut, sizeof cut - 1, "tok", idx, 3, p), -1);
}

/* Anything but what the line asks refuses the whole output. */
static void test_strange_output_refused(void **state)
{
	(void)state;
	const size_t idx[] = { 0, 1 };
	struct winbatch_part p[2];
	static const char *const bad[] = {
		"a\r\n@@asr-tok 1 0\r\nb\r\n@@asr-tok 0 0\r\n", /* out of order */
		"a\r\n@@asr-tok 0 x\r\n",                       /* no status */
		"a\r\n@@asr-tok 0 %errorlevel%\r\n",            /* not expanded */
		"a\r\n@@asr-tok 0 0 extra\r\n",                 /* more on the line */
		"a\r\n@@asr-tok 0 0\r\nb\r\n@@asr-tok 1 0\r\nafter\r\n", /* text after */
		"a\r\n@@asr-tok 0 123456789012\r\n",            /* not a status */
		"a\r\n@@asr-tok 00x 0\r\n",
	};
	for (size_t i = 0; i < ARRAY_LEN(bad); i++)
		if (winbatch_split(bad[i], strlen(bad[i]), "tok", idx, 2, p) != -1)
			fail_msg("output %zu was not refused", i);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_line_read_back_by_the_model),
		cmocka_unit_test(test_lines_under_the_limit),
		cmocka_unit_test(test_answers_cut_apart),
		cmocka_unit_test(test_early_stop_keeps_the_answers_before),
		cmocka_unit_test(test_strange_output_refused),
	};
	return cmocka_run_group_tests_name("winbatch (documented cmd.exe rules, model)", tests,
					   NULL, NULL);
}
