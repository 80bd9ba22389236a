/* test_ssh_checks.c: Linux checks over SSH that depend on how the remote
 * login may run commands, against a real sshd on 127.0.0.1: logged in as
 * root, the sshd checks run `sshd -T` on the remote machine and take it as
 * the authority, as a local check as root does. A whole remote check
 * costs a few operations on the link, each at most once (counted from
 * ASR_DOCTOR_SSH_TRACE, deterministic, unlike a time). Needs sshd,
 * /run/sshd and root: fails, never skips, without them. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "engine/util/util.h"
#include "support/sshd.h"
#include "support/testutil.h"

#define AUTHORITY "sshd -T (the daemon's own view for this connection) is the authority"

static struct test_sshd d;
static char *home;

/* Runs the binary with the test's HOME; returns its status and output. */
static int run_cli(char **out, const char *args)
{
	return tu_sh(out, "env -u SSH_AUTH_SOCK HOME='%s' '%s' %s 2>&1 </dev/null", home,
		     tu_binary(), args);
}

/* Root over SSH: sshd -T runs remotely, as it does locally. */
static void test_sshd_t_remote_as_root(void **state)
{
	char *local = NULL, *remote = NULL;
	run_cli(&local, "check -v sshd.password");
	if (!strstr(local, AUTHORITY))
		fail_msg("a local check as root does not use sshd -T:\n%s", local);
	char *args = xasprintf("--target root@127.0.0.1:%d -i '%s' --accept-new-host-key check -v "
			       "sshd.password",
			       d.port, d.user_key);
	int rc = run_cli(&remote, args);
	if (rc == 2 || !strstr(remote, AUTHORITY))
		fail_msg("over SSH as root, sshd -T was not the authority (status %d):\n%s", rc,
			 remote);
	free(args);
	free(local);
	free(remote);
}

/* The most operations a whole check may make on the link once logged in:
 * id -u and the batched read, which reads the package list and runs sshd
 * -T and hostname too; SFTP is never started. Each operation is a few
 * round trips on a far link. */
#define CHECK_OPS_MAX 2

/* A full remote check: every operation after the login is listed in the
 * trace, none repeats, and there are few. */
static void test_check_round_trips(void **state)
{
	char *trace = xasprintf("%s/trace", d.dir);
	char *args = xasprintf("--target root@127.0.0.1:%d -i '%s' --accept-new-host-key check",
			       d.port, d.user_key);
	char *out = NULL;
	int rc = tu_sh(&out, "env -u SSH_AUTH_SOCK HOME='%s' ASR_DOCTOR_SSH_TRACE='%s' '%s' %s "
			     "2>&1 </dev/null",
		       home, trace, tu_binary(), args);
	if (rc == 2)
		fail_msg("check over SSH failed:\n%s", out);
	char *text = tu_read_file(trace, NULL);
	/* Lines: START DURATION OPERATION WHAT; the operations after the
	 * login, up to the close. */
	struct strvec ops = { 0 };
	bool in = false, batch = false;
	size_t proc_reads = 0;
	char *save = NULL;
	for (char *l = strtok_r(text, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		long long a, b;
		int n = 0;
		if (sscanf(l, "%lld %lld %n", &a, &b, &n) != 2 || !n)
			fail_msg("not a trace line: %s", l);
		const char *op = l + n;
		if (str_starts(op, "login ")) {
			in = true;
			continue;
		}
		if (str_starts(op, "close "))
			break;
		if (!in)
			continue;
		/* The batched read is one of them. */
		batch = batch || (str_starts(op, "exec ") && strstr(op, "sh -c"));
		/* What it was, without its result: a command up to its
		 * last ": ", else the operation and its path. */
		char *key = xstrdup(op);
		char *cut = str_starts(key, "exec ") ? strrchr(key, ':') : NULL;
		if (!cut) {
			char *sp = strchr(key, ' ');
			while (sp && *sp == ' ')
				sp++;
			cut = sp ? strchr(sp, ' ') : NULL;
		}
		if (cut)
			*cut = '\0';
		/* A process of this machine (the other suites') that started
		 * or ended while the batch counted and read /proc: its
		 * cmdline is asked again, which a busy machine causes, not
		 * the batch. The SFTP start such a read needs is not counted
		 * either (below). */
		const char *rp = str_starts(key, "read ") ? key + 5 : NULL;
		while (rp && *rp == ' ')
			rp++;
		if (rp && str_starts(rp, "/proc/") && isdigit((unsigned char)rp[6])) {
			proc_reads++;
			free(key);
			continue;
		}
		if (sv_contains(&ops, key))
			fail_msg("made twice in one check: %s", key);
		sv_push(&ops, key);
		free(key);
	}
	assert_true(in);
	size_t counted = ops.n;
	for (size_t i = 0; proc_reads && i < ops.n; i++)
		counted -= str_starts(ops.v[i], "sftp ");
	if (counted > CHECK_OPS_MAX)
		fail_msg("%zu operations on the link (at most %d):\n%s", counted, CHECK_OPS_MAX,
			 tu_read_file(trace, NULL));
	if (!batch)
		fail_msg("no batched read among the %zu operations: %s", ops.n, ops.n ? ops.v[0] : "");
	sv_free(&ops);
	free(text);
	free(out);
	free(args);
	free(trace);
}

static int setup(void **state)
{
	d = sshd_start(NULL);
	home = xasprintf("%s/home", d.dir);
	assert_int_equal(tu_sh(NULL, "mkdir -p '%s/.ssh'", home), 0);
	return 0;
}

static int teardown(void **state)
{
	sshd_stop(&d);
	free(home);
	return 0;
}

int main(void)
{
	tu_scratch("sshchecks");
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sshd_t_remote_as_root),
		cmocka_unit_test(test_check_round_trips),
	};
	return tu_scratch_done(cmocka_run_group_tests(tests, setup, teardown));
}
