/* test_probe.c: `asr-doctor probe` against real sshd instances on
 * 127.0.0.1 whose accounts live in a private mount namespace
 * (tests/support/sshd.c): every step passing as root, password logins
 * switched off (95108 from the offered methods), no SFTP subsystem
 * (95108), a login that is not root (95517), a wrong password (95519);
 * and a whole remote session (probe, check, report) run with a known
 * password, every output and file it produced searched for it. */
#include "support/testutil.h"

#include <cjson/cJSON.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "engine/util/util.h"
#include "support/sshd.h"

#define ROOT_PW "R00t pw; $x 'y'"
#define USER_PW "Us3r-secret \"z\""

static const char *scratch;
static struct test_sshd ok_d;

static const struct test_account accounts[] = {
	{ .name = "asrprobe", .uid = 4343, .password = USER_PW },
};

/* Runs the binary in a HOME of its own holding d's known_hosts, the
 * password on descriptor 3; returns the status and stdout (caller frees). */
static int run(const struct test_sshd *d, const char *password, char **out, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static int run(const struct test_sshd *d, const char *password, char **out, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *args = xvasprintf(fmt, ap);
	va_end(ap);
	char *home = xasprintf("%s/home", scratch);
	char *pw = xasprintf("%s/pw", scratch);
	tu_write_file(pw, password);
	int rc = tu_sh(out,
		       "mkdir -p '%s/.ssh' && cp '%s' '%s/.ssh/known_hosts' && "
		       "HOME='%s' SSH_AUTH_SOCK= '%s' --timeout 60 --password-fd 3 %s 3<'%s' "
		       "2>>'%s/stderr' </dev/null",
		       home, d->known_hosts, home, home, tu_binary(), args, pw, scratch);
	unlink(pw);
	free(pw);
	free(home);
	free(args);
	return rc;
}

/* The step that failed in a probe --json output, or NULL when none. */
static const cJSON *failed_step(const cJSON *doc)
{
	const cJSON *s;
	cJSON_ArrayForEach(s, cJSON_GetObjectItem(doc, "steps"))
		if (!cJSON_IsTrue(cJSON_GetObjectItem(s, "ok")))
			return s;
	return NULL;
}

/* Runs probe --json and expects it to fail at step with ErrorID id. */
static void expect_fail(const struct test_sshd *d, const char *user, const char *password,
			const char *step, const char *id)
{
	char *out = NULL;
	int rc = run(d, password, &out, "probe --json %s@127.0.0.1:%d", user, d->port);
	assert_int_equal(rc, 1);
	cJSON *doc = cJSON_Parse(out);
	assert_non_null(doc);
	assert_false(cJSON_IsTrue(cJSON_GetObjectItem(doc, "ok")));
	const cJSON *f = failed_step(doc);
	assert_non_null(f);
	assert_string_equal(cJSON_GetStringValue(cJSON_GetObjectItem(f, "step")), step);
	if (id)
		assert_string_equal(cJSON_GetStringValue(cJSON_GetObjectItem(f, "error_id")), id);
	/* It stopped there. */
	const cJSON *steps = cJSON_GetObjectItem(doc, "steps");
	assert_ptr_equal(cJSON_GetArrayItem(steps, cJSON_GetArraySize(steps) - 1), f);
	cJSON_Delete(doc);
	free(out);
}

static void test_all_steps(void **state)
{
	char *out = NULL;
	int rc = run(&ok_d, ROOT_PW "\n", &out, "probe --json root@127.0.0.1:%d", ok_d.port);
	cJSON *doc = cJSON_Parse(out);
	assert_non_null(doc);
	const char *want[] = { "resolve", "connect", "ssh handshake", "methods", "password login",
			       "sftp", "root", "space", "space", "test file", "os" };
	const cJSON *steps = cJSON_GetObjectItem(doc, "steps");
	if (cJSON_GetArraySize(steps) != (int)ARRAY_LEN(want))
		fail_msg("steps: %s", out);
	for (size_t i = 0; i < ARRAY_LEN(want); i++) {
		const cJSON *s = cJSON_GetArrayItem(steps, (int)i);
		assert_string_equal(cJSON_GetStringValue(cJSON_GetObjectItem(s, "step")), want[i]);
		assert_true(cJSON_GetNumberValue(cJSON_GetObjectItem(s, "ms")) >= 0);
		if (i + 1 < ARRAY_LEN(want) && !cJSON_IsTrue(cJSON_GetObjectItem(s, "ok")))
			fail_msg("step %s failed: %s", want[i],
				 cJSON_GetStringValue(cJSON_GetObjectItem(s, "detail")));
	}
	/* The OS verdict is the one the local check gives this machine. */
	const cJSON *os = cJSON_GetArrayItem(steps, (int)ARRAY_LEN(want) - 1);
	bool os_ok = cJSON_IsTrue(cJSON_GetObjectItem(os, "ok"));
	assert_int_equal(rc, os_ok ? 0 : 1);
	if (!os_ok)
		assert_string_equal(cJSON_GetStringValue(cJSON_GetObjectItem(os, "anchor")),
				    "unsupported-operating-systems");
	const cJSON *login = cJSON_GetArrayItem(steps, 4);
	assert_non_null(strstr(cJSON_GetStringValue(cJSON_GetObjectItem(login, "detail")),
			       "password"));
	/* No test file left behind. */
	assert_int_equal(tu_sh(NULL, "ls /tmp/asr-doctor-probe-* 2>/dev/null | grep -q ."), 1);
	cJSON_Delete(doc);
	free(out);
	/* The text form names each step. */
	rc = run(&ok_d, ROOT_PW "\n", &out, "probe root@127.0.0.1:%d", ok_d.port);
	assert_non_null(strstr(out, "ok   password login"));
	free(out);
}

static void test_not_root(void **state)
{
	expect_fail(&ok_d, "asrprobe", USER_PW "\n", "root", "95517");
}

static void test_wrong_password(void **state)
{
	expect_fail(&ok_d, "root", "not the password\n", "password login", "95519");
}

static void test_no_password_auth(void **state)
{
	struct test_sshd d = sshd_start_accounts("PasswordAuthentication no\n"
						 "KbdInteractiveAuthentication no\n",
						 accounts, ARRAY_LEN(accounts), ROOT_PW);
	expect_fail(&d, "root", ROOT_PW "\n", "methods", "95108");
	sshd_stop(&d);
}

static void test_no_sftp(void **state)
{
	struct test_sshd d = sshd_start_accounts("Subsystem sftp /nonexistent/sftp-server\n",
						 accounts, ARRAY_LEN(accounts), ROOT_PW);
	expect_fail(&d, "root", ROOT_PW "\n", "sftp", "95108");
	sshd_stop(&d);
}

/* A whole session with a known password: it appears in no output and no
 * file the runs made (reports, state, journal, known_hosts). */
static void test_secrets(void **state)
{
	char *o1 = NULL, *o2 = NULL, *o3 = NULL;
	run(&ok_d, ROOT_PW "\n", &o1, "probe --json root@127.0.0.1:%d", ok_d.port);
	run(&ok_d, ROOT_PW "\n", &o2, "--target root@127.0.0.1:%d check --json", ok_d.port);
	run(&ok_d, ROOT_PW "\n", &o3, "--target root@127.0.0.1:%d report --json -o '%s/report.json'",
	    ok_d.port, scratch);
	char *rep = xasprintf("%s/report.json", scratch);
	assert_int_equal(access(rep, F_OK), 0);
	free(rep);
	assert_non_null(strstr(o2, "\"results\""));
	const char *outs[] = { o1, o2, o3 };
	for (size_t i = 0; i < ARRAY_LEN(outs); i++) {
		assert_null(strstr(outs[i], ROOT_PW));
		assert_null(strstr(outs[i], "R00t"));
	}
	/* Every file under the scratch folder: HOME, state, reports,
	 * stderr. */
	assert_int_equal(tu_sh(NULL, "grep -rlaF 'R00t' '%s'", scratch), 1);
	free(o1);
	free(o2);
	free(o3);
}

static int setup(void **state)
{
	ok_d = sshd_start_accounts("PasswordAuthentication yes\n", accounts, ARRAY_LEN(accounts),
				   ROOT_PW);
	return 0;
}

static int teardown(void **state)
{
	sshd_stop(&ok_d);
	return 0;
}

int main(void)
{
	scratch = tu_scratch("ssh-probe");
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_all_steps),
		cmocka_unit_test(test_not_root),

		cmocka_unit_test(test_wrong_password),
		cmocka_unit_test(test_no_password_auth),
		cmocka_unit_test(test_no_sftp),
		cmocka_unit_test(test_secrets),
	};
	return tu_scratch_done(cmocka_run_group_tests_name("probe", tests, setup, teardown));
}
