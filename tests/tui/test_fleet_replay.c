/* test_fleet_replay.c: `--replay` of several reports in a real terminal: the
 * list of hosts with their status, Enter opens a host's read-only replay (in
 * that report's language), q comes back to the list where it was, a report
 * that cannot be read is listed and refused. */
#include "support/testutil.h"

#include <stdlib.h>
#include <string.h>

#include "engine/util/util.h"
#include "support/term.h"

#define ENV "TERM=tmux-256color LANG=C.UTF-8 LC_ALL=C.UTF-8"
#define WAIT 8000

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
	term_start(&t, 80, 24, ENV, args);
	assert_true(term_wait(&t, "3 hosts, 2 will fail a push install.", WAIT));
	assert_true(term_wait(&t, "host 1/3", WAIT));
	char *s = term_screen(&t);
	assert_non_null(strstr(s, "asr-doctor  fleet of 3 reports"));
	assert_non_null(strstr(s, "web01            3 fail, 0 error, 4 warn  demo sandbox"));
	assert_non_null(strstr(s, "web02            3 fail, 0 error, 4 warn  demo sandbox"));
	assert_non_null(strstr(s, "broken           not readable: schema 7"));
	free(s);

	/* Enter: the first host's replay, read-only. */
	term_keys(&t, "Enter");
	assert_true(term_wait(&t, "q returns to the list of hosts", WAIT));
	assert_true(term_wait(&t, "replay of demo sandbox", WAIT));
	term_keys(&t, "R");
	assert_true(term_wait(&t, "read-only", WAIT));
	/* q: back to the list, on the same host. */
	term_keys(&t, "q");
	assert_true(term_wait(&t, "3 hosts, 2 will fail", WAIT));
	assert_true(term_wait(&t, "host 1/3", WAIT));

	/* The second report was made in Chinese: replayed so, and the list
	 * comes back in English. */
	term_keys(&t, "j");
	assert_true(term_wait(&t, "host 2/3", WAIT));
	term_keys(&t, "Enter");
	assert_true(term_wait(&t, "凭据检查", WAIT));
	term_keys(&t, "q");
	assert_true(term_wait(&t, "host 2/3", WAIT));

	/* A report that cannot be read is not opened. */
	term_keys(&t, "j Enter");
	assert_true(term_wait(&t, "this report cannot be read", WAIT));
	term_keys(&t, "q");
	assert_true(term_wait(&t, "EXIT=0", WAIT));
	term_stop(&t);
	free(args);
}

int main(void)
{
	base = tu_scratch("fleet-replay");
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_host_list),
	};
	return tu_scratch_done(cmocka_run_group_tests_name("fleet replay", tests, NULL, NULL));
}
