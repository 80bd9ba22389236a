/* test_fleet_replay.c: `--replay` of several reports in a real terminal: the
 * list of hosts with their status, Enter opens a host's read-only replay (in
 * that report's language), q comes back to the list where it was, a report
 * that cannot be read is listed and refused. */
#include "support/testutil.h"

#include <stdlib.h>
#include <string.h>

#include "engine/util/util.h"
#include "support/term.h"

static const char *base;

static void test_host_list(void **state)
{
	(void)state;
	assert_int_equal(tu_sh(NULL, "cd %s && %s --lang en --demo check --json > web01.json", base, tu_binary()), 1);
	assert_int_equal(tu_sh(NULL, "cd %s && %s --lang zh-CN --demo report --json -o web02.json", base, tu_binary()),
			 1);
	char *bad = xasprintf("%s/broken.json", base);
	tu_write_file(bad, "{\"schema\": 7}");
	free(bad);
	char *args = xasprintf("--replay %s/web01.json %s/web02.json %s/broken.json", base, base, base);
	struct term t = { 0 };
	term_open(&t, 80, 24, TERM_ENV_UTF8, args, "3 hosts, 2 will fail a push install.");
	assert_true(term_wait(&t, "host 1/3", TERM_WAIT));
	char *s = term_screen(&t);
	assert_non_null(strstr(s, "asr-doctor  fleet of 3 reports"));
	assert_non_null(strstr(s, "web01            3 fail, 0 error, 4 warn  demo sandbox"));
	assert_non_null(strstr(s, "web02            3 fail, 0 error, 4 warn  demo sandbox"));
	assert_non_null(strstr(s, "broken           not readable: schema 7"));
	free(s);

	/* Enter: the first host's replay, read-only. */
	term_keys(&t, "Enter");
	assert_true(term_wait(&t, "q returns to the list of hosts", TERM_WAIT));
	assert_true(term_wait(&t, "replay of demo sandbox", TERM_WAIT));
	term_keys(&t, "R");
	assert_true(term_wait(&t, "read-only", TERM_WAIT));
	/* q: back to the list, on the same host. */
	term_keys(&t, "q");
	assert_true(term_wait(&t, "3 hosts, 2 will fail", TERM_WAIT));
	assert_true(term_wait(&t, "host 1/3", TERM_WAIT));

	/* The second report was made in Chinese: replayed so, and the list
	 * comes back in English. */
	term_keys(&t, "j");
	assert_true(term_wait(&t, "host 2/3", TERM_WAIT));
	term_keys(&t, "Enter");
	assert_true(term_wait(&t, "凭据检查", TERM_WAIT));
	term_keys(&t, "q");
	assert_true(term_wait(&t, "host 2/3", TERM_WAIT));

	/* A report that cannot be read is not opened. */
	term_keys(&t, "j Enter");
	assert_true(term_wait(&t, "this report cannot be read", TERM_WAIT));
	term_keys(&t, "q");
	assert_true(term_wait(&t, "EXIT=0", TERM_WAIT));
	term_stop(&t);
	free(args);
}

int main(void)
{
	base = term_suite_begin("fleet-replay");
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_host_list),
	};
	return tu_scratch_done(cmocka_run_group_tests_name("fleet replay", tests, NULL, NULL));
}
