/* test_ssh_route.c: a machine's name, -i and -J resolved through a
 * configuration file into the logins to make. Every endpoint on a route
 * is compared with what `ssh -G -F FILE` prints for the same alias and
 * command-line options (hostname, user, port), the order of jump hosts
 * with ssh's rules (a jump host's own ProxyJump first, -J over the file),
 * and the refusals: a ProxyCommand, a loop, a bad name. Needs
 * openssh-client: a missing ssh fails the suite. */
#include "support/testutil.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "engine/target/ssh_route.h"
#include "engine/util/util.h"

static char *dir, *conf;
static struct ssh_config_env env;

static const char config_text[] =
	"Host target1\n"
	"  HostName 10.1.1.1\n"
	"  User admin\n"
	"  Port 2201\n"
	"  ProxyJump bastion\n"
	"  IdentityFile ~/.ssh/t1_%r_%h\n"
	"Host bastion\n"
	"  HostName bastion.example.com\n"
	"  User jumper\n"
	"  Port 2222\n"
	"  IdentityFile ~/.ssh/b_%h\n"
	"  ProxyJump outer\n"
	"Host outer\n"
	"  HostName 192.0.2.9\n"
	"Host loopy\n"
	"  ProxyJump loopy2\n"
	"Host loopy2\n"
	"  ProxyJump loopy\n"
	"Host cmd\n"
	"  ProxyCommand nc %h %p\n"
	"Host *\n"
	"  User everyone\n";

/* Asserts that e is what ssh -G says for the alias with extra options. */
static void like_ssh(const struct ssh_endpoint *e, const char *opts)
{
	char *out = NULL;
	assert_int_equal(tu_sh(&out,
			       "ssh -G -F '%s' %s '%s' 2>/dev/null </dev/null | "
			       "grep -E '^(hostname|user|port) ' | sort",
			       conf, opts, e->alias),
			 0);
	char *mine = xasprintf("hostname %s\nport %d\nuser %s\n", e->host, e->port, e->user);
	assert_string_equal(mine, out);
	free(mine);
	free(out);
}

static int resolve(const char *spec, const char *jump, const char *identity, struct ssh_route *r,
		   char **cause)
{
	struct ssh_route_args a = { .spec = spec, .jump = jump, .identity = identity,
				    .config = conf };
	return ssh_route_resolve(&a, &env, r, cause);
}

/* target1 through bastion, which itself goes through outer. */
static void test_chain_from_config(void **state)
{
	(void)state;
	struct ssh_route r;
	char *cause = NULL;
	assert_int_equal(resolve("target1", NULL, NULL, &r, &cause), 0);
	assert_int_equal(r.n_hops, 2);
	assert_string_equal(r.hops[0].alias, "outer");
	assert_string_equal(r.hops[1].alias, "bastion");
	like_ssh(&r.hops[0], "");
	like_ssh(&r.hops[1], "");
	like_ssh(&r.target, "");
	/* ssh's own view of the target's jump host. */
	char *out = NULL;
	assert_int_equal(tu_sh(&out, "ssh -G -F '%s' target1 2>/dev/null </dev/null | sed -n 's/^proxyjump //p'",
			       conf),
			 0);
	assert_string_equal(out, "bastion\n");
	free(out);
	char *want = xasprintf("%s/.ssh/t1_admin_10.1.1.1", env.home);
	assert_int_equal(r.target.n_identity, 1);
	assert_string_equal(r.target.identity[0], want);
	free(want);
	want = xasprintf("%s/.ssh/b_bastion.example.com", env.home);
	assert_int_equal(r.hops[1].n_identity, 1);
	assert_string_equal(r.hops[1].identity[0], want);
	free(want);
	assert_int_equal(r.hops[0].n_identity, 0);
	ssh_route_free(&r);
}

/* The command line wins: user@, :port, -i first, -J over ProxyJump (and
 * the -J hop resolved through the file). */
static void test_command_line_wins(void **state)
{
	(void)state;
	struct ssh_route r;
	char *cause = NULL;
	assert_int_equal(resolve("root@target1:2000", "ops@outer:2022", "/k/%h", &r, &cause), 0);
	like_ssh(&r.target, "-l root -p 2000");
	assert_int_equal(r.n_hops, 1);
	like_ssh(&r.hops[0], "-l ops -p 2022");
	assert_int_equal(r.target.n_identity, 2);
	assert_string_equal(r.target.identity[0], "/k/10.1.1.1");
	ssh_route_free(&r);
	/* -J none: no jump host even though the file names one. */
	assert_int_equal(resolve("target1", "none", NULL, &r, &cause), 0);
	assert_int_equal(r.n_hops, 0);
	ssh_route_free(&r);
	/* Two hops on -J: the second's own ProxyJump is not followed, the
	 * first's is. */
	assert_int_equal(resolve("plain", "bastion,target1", NULL, &r, &cause), 0);
	assert_int_equal(r.n_hops, 3);
	assert_string_equal(r.hops[0].alias, "outer");
	assert_string_equal(r.hops[1].alias, "bastion");
	assert_string_equal(r.hops[2].alias, "target1");
	like_ssh(&r.target, "");
	ssh_route_free(&r);
}

static void test_refusals(void **state)
{
	(void)state;
	struct ssh_route r;
	char *cause = NULL;
	assert_int_equal(resolve("loopy", NULL, NULL, &r, &cause), -ELOOP);
	free(cause);
	ssh_route_free(&r);
	cause = NULL;
	assert_int_equal(resolve("outer", "outer", NULL, &r, &cause), -ELOOP);
	free(cause);
	ssh_route_free(&r);
	cause = NULL;
	assert_int_equal(resolve("cmd", NULL, NULL, &r, &cause), -EINVAL);
	assert_non_null(strstr(cause, "ProxyCommand"));
	free(cause);
	ssh_route_free(&r);
	cause = NULL;
	/* -J overrides the ProxyCommand, as for ssh. */
	assert_int_equal(resolve("cmd", "outer", NULL, &r, &cause), 0);
	ssh_route_free(&r);
	const char *bad[] = { "", "a,b", "u@", "h:0", "h:x" };
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		cause = NULL;
		assert_int_equal(resolve(bad[i], NULL, NULL, &r, &cause), -EINVAL);
		free(cause);
		ssh_route_free(&r);
	}
}

/* No configuration: the name as written, the local user, port 22. */
static void test_no_config(void **state)
{
	(void)state;
	struct ssh_route_args a = { .spec = "Target1", .config = "none" };
	struct ssh_route r;
	char *cause = NULL;
	assert_int_equal(ssh_route_resolve(&a, &env, &r, &cause), 0);
	assert_string_equal(r.target.host, "target1");
	assert_string_equal(r.target.user, env.local_user);
	assert_int_equal(r.target.port, 22);
	assert_int_equal(r.n_hops, 0);
	ssh_route_free(&r);
}

static int setup(void **state)
{
	(void)state;
	if (!tu_have("ssh"))
		fail_msg("ssh (openssh-client) is missing: make deps-test");
	dir = tu_mkdtemp("sshroute");
	conf = xasprintf("%s/config", dir);
	tu_write_file(conf, config_text);
	chmod(conf, 0600);
	char *cause = NULL;
	if (ssh_config_env_default(&env, &cause) != 0)
		fail_msg("%s", cause);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	tu_rmtree(dir);
	free(dir);
	free(conf);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_chain_from_config),
		cmocka_unit_test(test_command_line_wins),
		cmocka_unit_test(test_refusals),
		cmocka_unit_test(test_no_config),
	};
	return cmocka_run_group_tests_name("ssh_route", tests, setup, teardown);
}
