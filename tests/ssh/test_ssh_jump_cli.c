/* test_ssh_jump_cli.c: --target through ~/.ssh/config and jump hosts, with
 * the real binary against real sshd instances on 127.0.0.1: an alias
 * whose HostName, Port, User, IdentityFile and ProxyJump come from the
 * file; -J on the command line; a jump host whose sshd does not permit
 * the forwarding (the refusal is the jump host's, in its log: the
 * connection goes through it); a jump host whose key is not yet known
 * (refused, then trusted with --accept-new-host-key). Each run has a HOME
 * of its own (config, known_hosts, keys). */
#include "support/testutil.h"

#include <cjson/cJSON.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "support/sshd.h"
#include "engine/util/util.h"

static const char *scratch;
static struct test_sshd target_d, jump_d, deny_d;
static char *home;

/* Runs the binary with HOME; stdout to *out, stderr to *err. */
static int run_cli(char **out, char **err, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int run_cli(char **out, char **err, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *args = xvasprintf(fmt, ap);
	va_end(ap);
	char *ef = xasprintf("%s/stderr", scratch);
	int rc = tu_sh(out, "HOME='%s' SSH_AUTH_SOCK= '%s' %s 2>'%s' </dev/null", home, tu_binary(),
		       args, ef);
	*err = tu_read_file(ef, NULL);
	free(ef);
	free(args);
	return rc;
}

/* A HOME whose known_hosts knows the target and, with jump_known, the
 * jump host; the config text given. */
static void make_home(bool jump_known, const char *config)
{
	tu_sh(NULL, "rm -rf '%s'", home);
	assert_int_equal(tu_sh(NULL, "mkdir -p '%s/.ssh' && cat '%s' %s%s%s > '%s/.ssh/known_hosts'",
			       home, target_d.known_hosts, jump_known ? "'" : "",
			       jump_known ? jump_d.known_hosts : "", jump_known ? "'" : "", home),
			 0);
	char *path = xasprintf("%s/.ssh/config", home);
	tu_write_file(path, config);
	chmod(path, 0600);
	free(path);
}

/* The machine's name in a check --json report. */
static char *target_name(const char *json)
{
	cJSON *doc = cJSON_Parse(json);
	assert_non_null(doc);
	const cJSON *tg = cJSON_GetObjectItem(doc, "target");
	char *name = xstrdup(cJSON_GetStringValue(cJSON_GetObjectItem(tg, "name")));
	cJSON_Delete(doc);
	return name;
}

static char *config_text(void)
{
	return xasprintf("Host tgt\n  HostName 127.0.0.1\n  Port %d\n  User root\n"
			 "  IdentityFile %s\n  ProxyJump jmp\n"
			 "Host jmp\n  HostName 127.0.0.1\n  Port %d\n  User root\n  IdentityFile %s\n"
			 "Host denyjmp\n  HostName 127.0.0.1\n  Port %d\n  User root\n"
			 "  IdentityFile %s\n",
			 target_d.port, target_d.user_key, jump_d.port, jump_d.user_key, deny_d.port,
			 deny_d.user_key);
}

/* An alias: everything from the file, through the jump host it names. */
static void test_alias_through_config(void **state)
{
	(void)state;
	char *conf = config_text();
	make_home(true, conf);
	char *out = NULL, *err = NULL;
	int rc = run_cli(&out, &err, "--target tgt check --json");
	if (rc != 0 && rc != 1)
		fail_msg("exit %d: %s", rc, err);
	char *name = target_name(out);
	char *want = xasprintf("root@127.0.0.1:%d", target_d.port);
	assert_string_equal(name, want);
	/* The jump host logged the key login it was asked for. */
	char *jl = tu_read_file(jump_d.log, NULL);
	assert_non_null(strstr(jl, "Accepted publickey for root"));
	free(jl);
	free(want);
	free(name);
	free(out);
	free(err);
	free(conf);
}

/* -J on the command line, a jump host named by an alias of the file, the
 * machine by its address and -i. */
static void test_dash_j(void **state)
{
	(void)state;
	char *conf = config_text();
	make_home(true, conf);
	char *out = NULL, *err = NULL;
	int rc = run_cli(&out, &err, "--target root@127.0.0.1:%d -i '%s' -J jmp check --json",
			 target_d.port, target_d.user_key);
	if (rc != 0 && rc != 1)
		fail_msg("exit %d: %s", rc, err);
	free(out);
	free(err);
	free(conf);
}

/* A jump host that may not connect to the machine: its refusal, and its
 * log shows the request for the machine's port. */
static void test_jump_refuses(void **state)
{
	(void)state;
	char *conf = config_text();
	make_home(true, conf);
	assert_int_equal(tu_sh(NULL, "cat '%s' >> '%s/.ssh/known_hosts'", deny_d.known_hosts, home),
			 0);
	char *out = NULL, *err = NULL;
	int rc = run_cli(&out, &err, "--target root@127.0.0.1:%d -i '%s' -J denyjmp check --json",
			 target_d.port, target_d.user_key);
	assert_int_equal(rc, 2);
	assert_non_null(strstr(err, "jump host"));
	assert_non_null(strstr(err, "prohibited"));
	char *dl = tu_read_file(deny_d.log, NULL);
	char *expect = xasprintf("to connect to host 127.0.0.1 port %d, but the request was denied",
				 target_d.port);
	if (!strstr(dl, expect))
		fail_msg("the jump host's log lacks \"%s\":\n%s", expect, dl);
	free(expect);
	free(dl);
	free(out);
	free(err);
	free(conf);
}

/* The jump host's key is checked too: unknown, refused without
 * --accept-new-host-key; with it, trusted and recorded. */
static void test_jump_host_key(void **state)
{
	(void)state;
	char *conf = config_text();
	make_home(false, conf);
	char *out = NULL, *err = NULL;
	int rc = run_cli(&out, &err, "--target tgt check --json");
	assert_int_equal(rc, 2);
	assert_non_null(strstr(err, "jump host"));
	char *fp = sshd_fingerprint(&jump_d);
	assert_non_null(strstr(err, fp));
	free(out);
	free(err);
	rc = run_cli(&out, &err, "--target tgt --accept-new-host-key check --json");
	if (rc != 0 && rc != 1)
		fail_msg("exit %d: %s", rc, err);
	char *kh = xasprintf("%s/.ssh/known_hosts", home);
	char *text = tu_read_file(kh, NULL);
	char *line = xasprintf("[127.0.0.1]:%d ", jump_d.port);
	assert_non_null(strstr(text, line));
	free(line);
	free(text);
	free(kh);
	free(fp);
	free(out);
	free(err);
	free(conf);
}

/* -J and -F only with --target; a bad jump list is refused. */
static void test_usage(void **state)
{
	(void)state;
	char *out = NULL, *err = NULL;
	assert_int_equal(run_cli(&out, &err, "-J jmp check"), 2);
	assert_non_null(strstr(err, "--target"));
	free(out);
	free(err);
	assert_int_equal(run_cli(&out, &err, "--target tgt -J 'a,,b' check"), 2);
	assert_non_null(strstr(err, "a,,b"));
	free(out);
	free(err);
}

static int setup(void **state)
{
	(void)state;
	scratch = tu_scratch("sshjumpcli");
	home = xasprintf("%s/home", scratch);
	target_d = sshd_start("AllowTcpForwarding no\n");
	char *extra = xasprintf("AllowTcpForwarding yes\nPermitOpen 127.0.0.1:%d\n", target_d.port);
	jump_d = sshd_start(extra);
	free(extra);
	deny_d = sshd_start("AllowTcpForwarding yes\nPermitOpen 127.0.0.1:1\n");
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	sshd_stop(&deny_d);
	sshd_stop(&jump_d);
	sshd_stop(&target_d);
	free(home);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_alias_through_config),
		cmocka_unit_test(test_dash_j),
		cmocka_unit_test(test_jump_refuses),
		cmocka_unit_test(test_jump_host_key),
		cmocka_unit_test(test_usage),
	};
	return tu_scratch_done(cmocka_run_group_tests_name("ssh_jump_cli", tests, setup, teardown));
}
