/* test_deps.c: tools/deps.sh in the situations a new user meets, driven
 * through its seams with stand-in apt-get, dpkg-query, id and sudo that
 * record what they were asked; the machine's own packages and its
 * policy-rc.d are never touched. */
#include "support/testutil.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "engine/util/util.h"

struct deps_case {
	char *dir;    /* owned: the case's folder (stand-ins, log, policy-rc.d) */
	char *log;    /* owned: what the stand-ins were asked, one line each */
	char *policy; /* owned: the policy-rc.d path given to the script */
};

/* Stand-ins: dpkg-query answers "installed" for the names in $DIR/installed;
 * apt-get logs its arguments and the policy-rc.d it saw, and fails when
 * $DIR/apt-fails exists; id answers $DIR/uid; sudo logs and runs. */
static void write_tool(const char *dir, const char *name, const char *body)
{
	char *p = xasprintf("%s/bin/%s", dir, name);
	char *text = xasprintf("#!/bin/sh\nD='%s'\n%s", dir, body);
	tu_write_file(p, text);
	assert_int_equal(chmod(p, 0755), 0);
	free(text);
	free(p);
}

static struct deps_case case_new(const char *installed, const char *uid)
{
	struct deps_case c;
	c.dir = tu_mkdtemp("deps");
	c.log = xasprintf("%s/log", c.dir);
	c.policy = xasprintf("%s/sbin/policy-rc.d", c.dir);
	char *p = xasprintf("%s/sbin", c.dir);
	assert_int_equal(mkdir(p, 0755), 0);
	free(p);
	p = xasprintf("%s/lists", c.dir);
	assert_int_equal(mkdir(p, 0755), 0);
	free(p);
	p = xasprintf("%s/installed", c.dir);
	tu_write_file(p, installed);
	free(p);
	p = xasprintf("%s/uid", c.dir);
	tu_write_file(p, uid);
	free(p);
	tu_write_file(c.log, "");
	write_tool(c.dir, "dpkg-query",
		   "for a; do n=$a; done\n"
		   "echo \"dpkg-query $n\" >> \"$D/log\"\n"
		   "grep -qx \"$n\" \"$D/installed\" && printf installed || printf not-installed\n");
	write_tool(c.dir, "apt-get",
		   "echo \"apt-get $* [uid $(cat \"$D/uid\") DEBIAN_FRONTEND=$DEBIAN_FRONTEND]\" >> \"$D/log\"\n"
		   "if [ -e \"$D/sbin/policy-rc.d\" ]; then\n"
		   "  echo \"policy-rc.d: $(tail -n 1 \"$D/sbin/policy-rc.d\")\" >> \"$D/log\"\n"
		   "fi\n"
		   "case \"$1\" in install) [ ! -e \"$D/apt-fails\" ];; esac\n");
	write_tool(c.dir, "id", "cat \"$D/uid\"\n");
	write_tool(c.dir, "sudo", "echo \"sudo $1\" >> \"$D/log\"\nexec \"$@\"\n");
	return c;
}

static void case_free(struct deps_case *c)
{
	tu_rmtree(c->dir);
	free(c->dir);
	free(c->log);
	free(c->policy);
}

/* Runs tools/deps.sh with the case's seams (extra: more assignments, e.g.
 * another sudo) and the package names; returns its exit status, *out its
 * output. PATH holds only the system's basic tools, so nothing real but
 * sh, find and friends can run. */
static int case_run(struct deps_case *c, const char *extra, const char *pkgs, char **out)
{
	return tu_sh(out,
		     "env -i PATH=/usr/bin:/bin DEPS_APT_GET='%s/bin/apt-get' "
		     "DEPS_DPKG_QUERY='%s/bin/dpkg-query' DEPS_ID='%s/bin/id' DEPS_SUDO='%s/bin/sudo' "
		     "DEPS_POLICY_RC_D='%s' DEPS_APT_LISTS='%s/lists' %s sh tools/deps.sh %s 2>&1",
		     c->dir, c->dir, c->dir, c->dir, c->policy, c->dir, extra, pkgs);
}

static char *case_log(struct deps_case *c)
{
	return tu_read_file(c->log, NULL);
}

static void test_nothing_missing(void **state)
{
	(void)state;
	struct deps_case c = case_new("gcc\nmake\n", "0\n");
	char *out;
	assert_int_equal(case_run(&c, "", "gcc make", &out), 0);
	assert_string_equal(out, "");
	char *log = case_log(&c);
	assert_string_equal(log, "dpkg-query gcc\ndpkg-query make\n");
	struct stat st;
	assert_int_not_equal(lstat(c.policy, &st), 0);
	free(log);
	free(out);
	case_free(&c);
}

static void test_missing_without_policy(void **state)
{
	(void)state;
	struct deps_case c = case_new("gcc\n", "0\n");
	char *out;
	assert_int_equal(case_run(&c, "", "gcc tmux openssh-server", &out), 0);
	assert_non_null(strstr(out, "deps: installing: tmux openssh-server\n"));
	char *log = case_log(&c);
	/* apt's lists were empty: an update first; during the install a
	 * policy-rc.d refused service starts; afterwards it is gone. */
	assert_non_null(strstr(log, "apt-get update -qq [uid 0 DEBIAN_FRONTEND=]\n"
				    "policy-rc.d: exit 101\n"
				    "apt-get install -y -qq --no-install-recommends tmux openssh-server "
				    "[uid 0 DEBIAN_FRONTEND=noninteractive]\npolicy-rc.d: exit 101\n"));
	assert_null(strstr(log, "sudo"));
	struct stat st;
	assert_int_not_equal(lstat(c.policy, &st), 0);
	free(log);
	free(out);
	case_free(&c);
}

/* The first run on a container image failed here: the clean-up trap
 * returned the status of its own test when it had nothing to remove. */
static void test_missing_with_existing_policy(void **state)
{
	(void)state;
	struct deps_case c = case_new("gcc\n", "0\n");
	const char *mine = "#!/bin/sh\n# the image's own\nexit 0\n";
	tu_write_file(c.policy, mine);
	assert_int_equal(chmod(c.policy, 0700), 0);
	char *lists = xasprintf("%s/lists/deb.debian.org_debian_dists_bookworm_main_binary-amd64_Packages", c.dir);
	tu_write_file(lists, "");
	char *out;
	assert_int_equal(case_run(&c, "", "gcc tmux", &out), 0);
	char *log = case_log(&c);
	assert_null(strstr(log, "apt-get update"));
	assert_non_null(strstr(log, "apt-get install -y -qq --no-install-recommends tmux "
				    "[uid 0 DEBIAN_FRONTEND=noninteractive]\npolicy-rc.d: exit 0\n"));
	size_t len;
	char *now = tu_read_file(c.policy, &len);
	assert_string_equal(now, mine);
	assert_int_equal(len, strlen(mine));
	struct stat st;
	assert_int_equal(stat(c.policy, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0700);
	free(now);
	free(log);
	free(out);
	free(lists);
	case_free(&c);
}

static void test_not_root_with_sudo(void **state)
{
	(void)state;
	struct deps_case c = case_new("", "1000\n");
	char *out;
	assert_int_equal(case_run(&c, "", "tmux", &out), 0);
	assert_non_null(strstr(out, "/bin/sudo apt-get install -y --no-install-recommends tmux\n"));
	char *log = case_log(&c);
	assert_non_null(strstr(log, "sudo sh\n"));
	assert_non_null(strstr(log, "sudo env\napt-get install -y -qq --no-install-recommends tmux"));
	assert_non_null(strstr(log, "policy-rc.d: exit 101\n"));
	assert_non_null(strstr(log, "sudo rm\n"));
	struct stat st;
	assert_int_not_equal(lstat(c.policy, &st), 0);
	free(log);
	free(out);
	case_free(&c);
}

static void test_not_root_without_sudo(void **state)
{
	(void)state;
	struct deps_case c = case_new("gcc\n", "1000\n");
	char *out;
	int rc = case_run(&c, "DEPS_SUDO=/nonexistent/sudo", "gcc tmux fdisk", &out);
	assert_int_not_equal(rc, 0);
	assert_non_null(strstr(out, "deps: missing packages: tmux fdisk; run as root: apt-get install tmux fdisk\n"));
	char *log = case_log(&c);
	assert_null(strstr(log, "apt-get "));
	struct stat st;
	assert_int_not_equal(lstat(c.policy, &st), 0);
	free(log);
	free(out);
	case_free(&c);
}

static void test_not_debian(void **state)
{
	(void)state;
	struct deps_case c = case_new("", "0\n");
	char *out;
	assert_int_equal(case_run(&c, "DEPS_DPKG_QUERY=/nonexistent/dpkg-query", "gcc libcjson-dev", &out), 0);
	assert_string_equal(out, "deps: not a Debian-like system; install the equivalents of:\n"
				 "  gcc libcjson-dev\n");
	char *log = case_log(&c);
	assert_string_equal(log, "");
	free(log);
	free(out);
	case_free(&c);
}

/* An install that fails after a retry fails the script, and the
 * policy-rc.d it made is removed all the same. */
static void test_install_fails(void **state)
{
	(void)state;
	struct deps_case c = case_new("", "0\n");
	char *flag = xasprintf("%s/apt-fails", c.dir);
	tu_write_file(flag, "");
	char *out;
	assert_int_not_equal(case_run(&c, "", "tmux", &out), 0);
	assert_non_null(strstr(out, "deps: retrying after apt-get update\n"));
	struct stat st;
	assert_int_not_equal(lstat(c.policy, &st), 0);
	free(out);
	free(flag);
	case_free(&c);
}

int main(void)
{
	tu_scratch("deps");
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_nothing_missing),
		cmocka_unit_test(test_missing_without_policy),
		cmocka_unit_test(test_missing_with_existing_policy),
		cmocka_unit_test(test_not_root_with_sudo),
		cmocka_unit_test(test_not_root_without_sudo),
		cmocka_unit_test(test_not_debian),
		cmocka_unit_test(test_install_fails),
	};
	return tu_scratch_done(cmocka_run_group_tests(tests, NULL, NULL));
}
