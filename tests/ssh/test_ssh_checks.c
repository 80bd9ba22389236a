/* test_ssh_checks.c: Linux checks over SSH that depend on how the remote
 * login may run commands, against a real sshd on 127.0.0.1: logged in as
 * root, the sshd checks run `sshd -T` on the remote machine and take it as
 * the authority, as a local check as root does. Needs sshd, /run/sshd and
 * root: fails, never skips, without them. */
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
	};
	return tu_scratch_done(cmocka_run_group_tests(tests, setup, teardown));
}
