/* test_ssh_config.c: the ~/.ssh/config reader against OpenSSH itself.
 * Each configuration (real-world shapes: several Host blocks, wildcards,
 * negations, duplicates, quoting, Include of globbed drop-ins, Match) is
 * written to a temporary folder and resolved for a set of aliases both by
 * ssh_config_resolve and by `ssh -G -F FILE ALIAS`; hostname, user, port,
 * identityfile and proxyjump must agree. Expanded IdentityFile paths are
 * compared with the paths `ssh -v` reports loading (a ProxyCommand of
 * `true` ends the connection before anything is sent; ssh ends its log
 * lines with CR LF). What ssh refuses,
 * we refuse. Needs openssh-client (a test dependency): a missing ssh fails
 * the suite. */
#include "support/testutil.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "engine/target/ssh_config.h"
#include "engine/util/util.h"

static char *dir;
static struct ssh_config_env env;

/* The values `ssh -G` prints that we resolve. */
struct oracle {
	char *hostname, *user, *proxyjump;
	int port;
	struct strvec identity;
};

static void oracle_free(struct oracle *o)
{
	free(o->hostname);
	free(o->user);
	free(o->proxyjump);
	sv_free(&o->identity);
}

/* Runs ssh -G; returns its exit status. */
static int oracle_run(const char *file, const char *host, struct oracle *o)
{
	memset(o, 0, sizeof *o);
	char *out = NULL;
	int rc = tu_sh(&out, "ssh -G -F '%s' '%s' 2>/dev/null </dev/null", file, host);
	char *save = NULL;
	for (char *l = strtok_r(out, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		if (str_starts(l, "hostname "))
			o->hostname = xstrdup(l + 9);
		else if (str_starts(l, "user "))
			o->user = xstrdup(l + 5);
		else if (str_starts(l, "port "))
			o->port = atoi(l + 5);
		else if (str_starts(l, "proxyjump "))
			o->proxyjump = xstrdup(l + 10);
		else if (str_starts(l, "identityfile "))
			sv_push(&o->identity, l + 13);
	}
	free(out);
	return rc;
}

/* The IdentityFile paths ssh -v says it loads, expanded. */
static void oracle_identity_paths(const char *file, const char *host, struct strvec *paths)
{
	char *out = NULL;
	tu_sh(&out,
	      "ssh -v -F '%s' -o ProxyCommand=true -o BatchMode=yes '%s' 2>&1 </dev/null | tr -d '\\r' | "
	      "sed -n 's/^debug1: identity file \\(.*\\) type -*[0-9]*$/\\1/p' | grep -v -- '-cert$'",
	      file, host);
	char *save = NULL;
	for (char *l = strtok_r(out, "\n", &save); l; l = strtok_r(NULL, "\n", &save))
		sv_push(paths, l);
	free(out);
}

/* Resolves host in file both ways and asserts they agree. */
static void agree(const char *file, const char *host)
{
	struct oracle o;
	assert_int_equal(oracle_run(file, host, &o), 0);
	struct ssh_config_host h;
	char *cause = NULL;
	int rc = ssh_config_resolve(file, host, &env, &h, &cause);
	if (rc != 0)
		fail_msg("%s for %s: %s", file, host, cause);
	assert_non_null(o.hostname);
	assert_string_equal(h.hostname, o.hostname);
	assert_string_equal(h.user ? h.user : env.local_user, o.user);
	assert_int_equal(h.port ? h.port : 22, o.port);
	if (!h.proxyjump || !o.proxyjump)
		assert_ptr_equal(h.proxyjump, o.proxyjump);
	else
		assert_string_equal(h.proxyjump, o.proxyjump);
	/* With no IdentityFile ssh lists its defaults, which start with
	 * ~/.ssh/id_rsa; otherwise the lists are the same. */
	if (h.n_identity == 0) {
		assert_true(o.identity.n > 0);
		assert_string_equal(o.identity.v[0], "~/.ssh/id_rsa");
	} else {
		assert_int_equal(h.n_identity, o.identity.n);
		for (size_t i = 0; i < h.n_identity; i++)
			assert_string_equal(h.identity[i], o.identity.v[i]);
		/* And each expands to the path ssh loads. */
		struct strvec paths = { 0 };
		oracle_identity_paths(file, host, &paths);
		assert_int_equal(paths.n, h.n_identity);
		struct ssh_config_tokens tok = {
			.original_host = host,
			.hostname = h.hostname,
			.remote_user = h.user ? h.user : env.local_user,
			.port = h.port ? h.port : 22,
		};
		for (size_t i = 0; i < h.n_identity; i++) {
			char *p = NULL;
			rc = ssh_config_expand_path(h.identity[i], &env, &tok, &p, &cause);
			if (rc != 0)
				fail_msg("%s: %s", h.identity[i], cause);
			assert_string_equal(p, paths.v[i]);
			free(p);
		}
		sv_free(&paths);
	}
	ssh_config_host_free(&h);
	oracle_free(&o);
}

/* Writes name under the suite's folder (mode 0600); returns its path. */
static char *put(const char *name, const char *text)
{
	char *path = xasprintf("%s/%s", dir, name);
	tu_write_file(path, text);
	chmod(path, 0600);
	return path;
}

static const char work_config[] =
	"# Work machines\n"
	"Host bastion\n"
	"    HostName bastion.corp.example.com\n"
	"    User ops\n"
	"    Port 2222\n"
	"    IdentityFile ~/.ssh/id_ed25519_work\n"
	"\n"
	"Host web-* db-?? !db-99\n"
	"    HostName %h.internal.corp.example.com\n"
	"    ProxyJump ops@bastion:2222\n"
	"    User deploy\n"
	"\n"
	"Host db-*\n"
	"    Port 5522\n"
	"    IdentityFile ~/.ssh/db_%r_%h_%p\n"
	"\n"
	"Host *.example.org   staging\n"
	"    User=admin\n"
	"    IdentityFile \"~/.ssh/key with space\"\n"
	"\n"
	"Host *\n"
	"    User fallback\n"
	"    Port 22\n"
	"    IdentityFile ~/.ssh/id_ed25519\n"
	"    IdentityFile %d/.ssh/id_rsa_%u_%n_%i\n"
	"    ServerAliveInterval 30\n";

/* Several Host blocks: exact names, * and ?, a negation, two patterns on
 * a line, first value wins, identity files adding up. */
static void test_work_config(void **state)
{
	(void)state;
	char *f = put("work", work_config);
	const char *hosts[] = { "bastion", "Bastion", "web-1", "web-", "db-01", "db-99", "db-100",
				"staging", "a.example.org", "A.EXAMPLE.ORG", "example.org",
				"other", "10.0.0.7" };
	for (size_t i = 0; i < sizeof hosts / sizeof *hosts; i++)
		agree(f, hosts[i]);
	/* And our own reading of some of them, so the oracle is not alone. */
	struct ssh_config_host h;
	char *cause = NULL;
	assert_int_equal(ssh_config_resolve(f, "db-01", &env, &h, &cause), 0);
	assert_string_equal(h.hostname, "db-01.internal.corp.example.com");
	assert_string_equal(h.user, "deploy");
	assert_int_equal(h.port, 5522);
	assert_string_equal(h.proxyjump, "ops@bastion:2222");
	assert_int_equal(h.n_identity, 3);
	assert_string_equal(h.identity[0], "~/.ssh/db_%r_%h_%p");
	ssh_config_host_free(&h);
	assert_int_equal(ssh_config_resolve(f, "db-99", &env, &h, &cause), 0);
	assert_string_equal(h.hostname, "db-99");
	assert_null(h.proxyjump);
	assert_int_equal(h.port, 5522);
	ssh_config_host_free(&h);
	free(f);
}

/* Quoting, `=`, comments, CRLF, tabs, duplicates, ProxyJump none and a
 * ProxyCommand that came first. */
static void test_syntax_and_duplicates(void **state)
{
	(void)state;
	char *f = put("syntax",
		      "Host=dup\n"
		      "HostName = first.example # a comment\n"
		      "HostName second.example\n"
		      "User\t=\t\"q\\\"x\"\n"
		      "Port=2200\n"
		      "Port 2300\n"
		      "\n"
		      "Host crlf\r\n"
		      "\tUser crlf-user\r\n"
		      "\tHostName Mixed.Case.Example\r\n"
		      "Host nojump\n"
		      "  ProxyJump none\n"
		      "Host viacmd\n"
		      "  ProxyCommand nc %h %p\n"
		      "Host quoted\n"
		      "  IdentityFile '/k/with \"double\" inside'\n"
		      "  IdentityFile /k/esc\\ aped\n"
		      "Host *\n"
		      "  ProxyJump j1,u@j2:2022\n");
	const char *hosts[] = { "dup", "crlf", "nojump", "viacmd", "quoted", "else" };
	for (size_t i = 0; i < sizeof hosts / sizeof *hosts; i++)
		agree(f, hosts[i]);
	struct ssh_config_host h;
	char *cause = NULL;
	assert_int_equal(ssh_config_resolve(f, "viacmd", &env, &h, &cause), 0);
	assert_string_equal(h.proxycommand, "nc %h %p");
	assert_null(h.proxyjump);
	ssh_config_host_free(&h);
	free(f);
}

/* Include: drop-ins in lexical order, at the top and inside a Host
 * block; an Include inside an inactive block can make nothing apply; the
 * state after an Include is the including block's. */
static void test_include(void **state)
{
	(void)state;
	char *d20 = put("conf.d/20-late.conf",
			"Host app\n  User late\n  Port 2020\nHost *\n  IdentityFile /keys/late\n");
	char *d10 = put("conf.d/10-early.conf",
			"Host app\n  User early\nHost legacy\n  HostName legacy.example\n");
	char *in = put("inner.conf", "User from-inner\nHost *\n  Port 4444\n");
	char *text = xasprintf("Include %s/conf.d/*.conf %s/none-*.conf\n"
			       "Host skipped\n"
			       "  Include %s/inner.conf\n"
			       "  User skipped-user\n"
			       "Host inner\n"
			       "  Include %s/inner.conf\n"
			       "  HostName after-include.example\n"
			       "Host *\n"
			       "  User last\n",
			       dir, dir, dir, dir);
	char *f = put("main", text);
	const char *hosts[] = { "app", "legacy", "skipped", "inner", "other" };
	for (size_t i = 0; i < sizeof hosts / sizeof *hosts; i++)
		agree(f, hosts[i]);
	struct ssh_config_host h;
	char *cause = NULL;
	assert_int_equal(ssh_config_resolve(f, "app", &env, &h, &cause), 0);
	assert_string_equal(h.user, "early");
	assert_int_equal(h.port, 2020);
	ssh_config_host_free(&h);
	free(f);
	free(text);
	free(in);
	free(d10);
	free(d20);
}

/* A relative Include is under HOME/.ssh; ~ in Include is HOME. */
static void test_include_relative(void **state)
{
	(void)state;
	char *inc = put("home/.ssh/config.d/a.conf", "Host rel\n  User rel-user\n");
	char *inc2 = put("home/other.conf", "Host tilde\n  Port 2345\n");
	char *f = put("home/.ssh/config", "Include config.d/*\nInclude ~/other.conf\n");
	char *home = xasprintf("%s/home", dir);
	struct ssh_config_env e = env;
	e.home = home;
	char *path = ssh_config_default_path(&e);
	assert_string_equal(path, f);
	struct ssh_config_host h;
	char *cause = NULL;
	assert_int_equal(ssh_config_resolve(path, "rel", &e, &h, &cause), 0);
	assert_string_equal(h.user, "rel-user");
	ssh_config_host_free(&h);
	assert_int_equal(ssh_config_resolve(path, "tilde", &e, &h, &cause), 0);
	assert_int_equal(h.port, 2345);
	assert_null(h.user);
	ssh_config_host_free(&h);
	free(path);
	free(home);
	free(f);
	free(inc);
	free(inc2);
}

/* Match is skipped with a note; where ssh's Match does not apply either,
 * the results agree. */
static void test_match_skipped(void **state)
{
	(void)state;
	char *f = put("match", "Host a\n  Port 2001\n"
			       "Match host nomatch.example\n  User from-match\n"
			       "Host *\n  User after-match\n");
	agree(f, "a");
	agree(f, "b");
	struct ssh_config_host h;
	char *cause = NULL;
	assert_int_equal(ssh_config_resolve(f, "nomatch.example", &env, &h, &cause), 0);
	assert_int_equal(h.n_notes, 1);
	assert_non_null(strstr(h.notes[0], ":3: Match is not evaluated"));
	assert_string_equal(h.user, "after-match");
	ssh_config_host_free(&h);
	free(f);
}

/* What ssh refuses, we refuse, with the line named. */
static void test_refused_like_ssh(void **state)
{
	(void)state;
	const char *bad[] = {
		"Port 0\n",          "Port 99999\n",        "Port nosuchservice\n",
		"User \"open\n",     "User\n",              "Host\n",
		"User a b\n",        "ProxyJump a@b:70000\n", "ProxyJump ,\n",
		"Host h\n  HostName %p.example\n", "Host x\n  IdentityFile\n",
		"ProxyJump a,,b\n",  "ProxyJump ::2\n",
	};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		char *f = put("bad", bad[i]);
		struct oracle o;
		assert_int_not_equal(oracle_run(f, "h", &o), 0);
		oracle_free(&o);
		struct ssh_config_host h;
		char *cause = NULL;
		assert_int_equal(ssh_config_resolve(f, "h", &env, &h, &cause), -EINVAL);
		assert_non_null(strstr(cause, " line "));
		free(cause);
		ssh_config_host_free(&h);
		free(f);
	}
	/* A service name is a port, as for ssh. */
	char *f = put("svc", "Port ssh\nProxyJump u@[::1]:22,gw\n");
	agree(f, "h");
	free(f);
}

/* A file others may write is refused (as ssh refuses ~/.ssh/config); a
 * missing file gives the defaults. */
static void test_permissions_and_missing(void **state)
{
	(void)state;
	char *f = put("perm", "User x\n");
	chmod(f, 0666);
	struct ssh_config_host h;
	char *cause = NULL;
	assert_int_equal(ssh_config_resolve(f, "h", &env, &h, &cause), -EPERM);
	assert_non_null(strstr(cause, "Bad owner or permissions"));
	free(cause);
	ssh_config_host_free(&h);
	char *missing = xasprintf("%s/does-not-exist", dir);
	assert_int_equal(ssh_config_resolve(missing, "Some.Host", &env, &h, &cause), 0);
	assert_string_equal(h.hostname, "some.host");
	assert_null(h.user);
	assert_int_equal(h.port, 0);
	ssh_config_host_free(&h);
	free(missing);
	free(f);
}

/* Include cannot recurse forever. */
static void test_include_loop(void **state)
{
	(void)state;
	char *text = xasprintf("Include %s/loop\n", dir);
	char *f = put("loop", text);
	struct ssh_config_host h;
	char *cause = NULL;
	assert_int_equal(ssh_config_resolve(f, "h", &env, &h, &cause), -ELOOP);
	free(cause);
	ssh_config_host_free(&h);
	free(f);
	free(text);
}

/* Tokens we do not give are refused, not passed on as text. */
static void test_expand_refusals(void **state)
{
	(void)state;
	struct ssh_config_tokens tok = { "a", "a.example", "u", 22 };
	char *out = NULL, *cause = NULL;
	assert_int_equal(ssh_config_expand_path("~/.ssh/%C", &env, &tok, &out, &cause), -EINVAL);
	assert_null(out);
	free(cause);
	cause = NULL;
	assert_int_equal(ssh_config_expand_path("/k/%", &env, &tok, &out, &cause), -EINVAL);
	free(cause);
	cause = NULL;
	assert_int_equal(ssh_config_expand_path("~nosuchuser-x/k", &env, &tok, &out, &cause),
			 -EINVAL);
	free(cause);
	setenv("ASR_SSHCFG_KEYDIR", "/env/keys", 1);
	assert_int_equal(ssh_config_expand_path("${ASR_SSHCFG_KEYDIR}/%r@%h:%p %%", &env, &tok,
						&out, &cause),
			 0);
	assert_string_equal(out, "/env/keys/u@a.example:22 %");
	free(out);
}

/* The wildcard matcher on its own. */
static void test_pattern(void **state)
{
	(void)state;
	assert_true(ssh_config_match_pattern("web-1", "web-*"));
	assert_true(ssh_config_match_pattern("web-", "web-*"));
	assert_true(ssh_config_match_pattern("db-01", "db-??"));
	assert_false(ssh_config_match_pattern("db-100", "db-??"));
	assert_true(ssh_config_match_pattern("a.b.c", "*.*"));
	assert_true(ssh_config_match_pattern("aXbXc", "a*b*c"));
	assert_false(ssh_config_match_pattern("aXbXd", "a*b*c"));
	assert_false(ssh_config_match_pattern("Web-1", "web-*"));
	assert_true(ssh_config_match_pattern("", "*"));
	assert_false(ssh_config_match_pattern("", "?"));
}

static int setup(void **state)
{
	(void)state;
	if (!tu_have("ssh"))
		fail_msg("ssh (openssh-client) is missing: make deps-test");
	dir = tu_mkdtemp("sshcfg");
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
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_work_config),
		cmocka_unit_test(test_syntax_and_duplicates),
		cmocka_unit_test(test_include),
		cmocka_unit_test(test_include_relative),
		cmocka_unit_test(test_match_skipped),
		cmocka_unit_test(test_refused_like_ssh),
		cmocka_unit_test(test_permissions_and_missing),
		cmocka_unit_test(test_include_loop),
		cmocka_unit_test(test_expand_refusals),
		cmocka_unit_test(test_pattern),
	};
	return cmocka_run_group_tests_name("ssh_config", tests, setup, teardown);
}
