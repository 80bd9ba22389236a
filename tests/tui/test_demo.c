/* test_demo.c: the --demo sandbox in the real wizard: a sandbox left by a
 * killed run is removed by the next --demo, one in use never is, and the
 * next demo after a cut one says why it offers no resume. */
#include "support/testutil.h"

#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "engine/util/util.h"
#include "support/term.h"

static const char *base;

/* The demo sandboxes under base (caller frees). */
static void sandboxes(struct strvec *out)
{
	DIR *d = opendir(base);
	assert_non_null(d);
	struct dirent *e;
	while ((e = readdir(d)))
		if (str_starts(e->d_name, "asr-doctor-demo-"))
			sv_take(out, xasprintf("%s/%s", base, e->d_name));
	closedir(d);
}

static bool exists(const char *path)
{
	struct stat st;
	return lstat(path, &st) == 0;
}

/* Makes a folder look older than the sweep's grace period. */
static void age(const char *path)
{
	assert_int_equal(tu_sh(NULL, "touch -h -d '1 hour ago' '%s'", path), 0);
}

/* Starts a demo; the runs share one state folder. */
static void start(struct term *t, const char *ready)
{
	char *env = xasprintf("%s TMPDIR=%s XDG_STATE_HOME=%s/state", TERM_ENV_UTF8, base, base);
	term_open(t, 80, 24, env, "--lang en --no-auto-check --demo", ready);
	free(env);
}

static void test_killed_sandbox_is_removed_next_time(void **state)
{
	(void)state;
	struct term t1 = { 0 };
	start(&t1, "1/40");
	/* A key: the state is saved. */
	term_keys(&t1, "j");
	assert_true(term_wait(&t1, "2/40", TERM_WAIT));
	struct strvec first = { 0 };
	sandboxes(&first);
	assert_int_equal(first.n, 1);
	/* A hard kill: nothing can clean up. */
	term_signal(&t1, "KILL");
	assert_true(term_wait_program_gone(&t1, TERM_WAIT));
	assert_true(exists(first.v[0]));
	age(first.v[0]);
	/* A sandbox an older version left, with no lock at all. */
	char *old = xasprintf("%s/asr-doctor-demo-Ab12Cd", base);
	char *old_file = xasprintf("%s/etc/hostname", old);
	tu_write_file(old_file, "old\n");
	free(old_file);
	age(old);

	/* The next demo says why it offers no resume. */
	struct term t2 = { 0 };
	start(&t2, "cut off, cannot be resumed");
	assert_false(exists(first.v[0]));
	assert_false(exists(old));
	struct strvec second = { 0 };
	sandboxes(&second);
	assert_int_equal(second.n, 1);
	/* One in use is never removed, however old it looks. */
	age(second.v[0]);
	struct term t3 = { 0 };
	start(&t3, "demo sandbox");
	assert_true(exists(second.v[0]));
	struct strvec now = { 0 };
	sandboxes(&now);
	assert_int_equal(now.n, 2);
	term_keys(&t3, "Q");
	assert_true(term_wait(&t3, "Quit?", TERM_WAIT));
	term_keys(&t3, "y");
	assert_true(term_wait(&t3, "EXIT=0", TERM_WAIT));
	term_stop(&t3);
	term_stop(&t2);
	term_stop(&t1);
	sv_free(&first);
	sv_free(&second);
	sv_free(&now);
	free(old);
}

int main(void)
{
	base = term_suite_begin("demo");
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_killed_sandbox_is_removed_next_time),
	};
	return tu_scratch_done(cmocka_run_group_tests_name("demo sandbox", tests, NULL, NULL));
}
