/* test_cfgwords.c: OpenSSH configuration arguments split into words, the
 * one splitter the ssh_config reader and the sshd_config model share. The
 * expected words are what OpenSSH's own splitter (argv_split) gives; the
 * two readers' suites check the same rules against ssh -G and sshd -T. */
#include "support/testutil.h"

#include <stdlib.h>
#include <string.h>

#include "engine/util/cfgwords.h"

/* Splits s and compares with want (NULL-terminated); ok is the return. */
static void expect_words(const char *s, bool ok, const char *const *want)
{
	struct strvec w = { 0 };
	assert_int_equal(cfg_split_words(s, &w), ok);
	size_t n = 0;
	while (want[n])
		n++;
	if (w.n != n)
		fail_msg("'%s': %zu words, want %zu", s, w.n, n);
	for (size_t i = 0; i < n; i++)
		assert_string_equal(w.v[i], want[i]);
	sv_free(&w);
}

static void test_blanks_and_quotes(void **state)
{
	(void)state;
	expect_words("a  b\tc", true, (const char *[]){ "a", "b", "c", NULL });
	expect_words("\"/usr/lib/my sftp\" -l INFO", true,
		     (const char *[]){ "/usr/lib/my sftp", "-l", "INFO", NULL });
	expect_words("'it''s'", true, (const char *[]){ "its", NULL });
	expect_words("pre\"mid dle\"post", true, (const char *[]){ "premid dlepost", NULL });
	expect_words("\"\" x", true, (const char *[]){ "", "x", NULL });
	expect_words("", true, (const char *[]){ NULL });
}

static void test_backslashes(void **state)
{
	(void)state;
	expect_words("a\\ b", true, (const char *[]){ "a b", NULL });
	expect_words("\\\"x\\'", true, (const char *[]){ "\"x'", NULL });
	expect_words("c:\\\\dir", true, (const char *[]){ "c:\\dir", NULL });
	/* Inside quotes a backslash before a blank stays. */
	expect_words("\"a\\ b\"", true, (const char *[]){ "a\\ b", NULL });
	/* Before anything else it is kept as it is. */
	expect_words("a\\nb", true, (const char *[]){ "a\\nb", NULL });
}

static void test_comments(void **state)
{
	(void)state;
	expect_words("yes # because", true, (const char *[]){ "yes", NULL });
	expect_words("# all of it", true, (const char *[]){ NULL });
	/* A # inside a word or quotes is part of it. */
	expect_words("a#b \"#c\"", true, (const char *[]){ "a#b", "#c", NULL });
}

static void test_unterminated(void **state)
{
	(void)state;
	expect_words("ok \"never closed", false, (const char *[]){ "ok", "never closed", NULL });
	expect_words("'", false, (const char *[]){ "", NULL });
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_blanks_and_quotes),
		cmocka_unit_test(test_backslashes),
		cmocka_unit_test(test_comments),
		cmocka_unit_test(test_unterminated),
	};
	return cmocka_run_group_tests_name("cfgwords", tests, NULL, NULL);
}
