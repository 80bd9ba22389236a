/* sshd.c: a real sshd on 127.0.0.1 for tests (see sshd.h). */
#include "tests/support/sshd.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "engine/target/target_ssh.h"
#include "engine/util/util.h"
#include "tests/support/testutil.h"

static int free_port(void)
{
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof a;
	assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof a), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&a, &len), 0);
	close(fd);
	return ntohs(a.sin_port);
}

static bool port_open(int port)
{
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port),
				 .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	bool ok = connect(fd, (struct sockaddr *)&a, sizeof a) == 0;
	close(fd);
	return ok;
}

/* Makes the folder, keys and configuration: the configuration in conf
 * (NULL: the folder's sshd_config), the pid file pidfile (NULL: the
 * folder's sshd.pid), UsePAM yes when pam. */
static struct test_sshd prepare_in(const char *extra, const char *conf, const char *pidfile,
				   bool pam);

static struct test_sshd prepare(const char *extra, bool pam)
{
	return prepare_in(extra, NULL, NULL, pam);
}

static struct test_sshd prepare_in(const char *extra, const char *conf, const char *pidfile,
				   bool pam)
{
	if (access("/usr/sbin/sshd", X_OK) != 0 || access("/run/sshd", F_OK) != 0)
		fail_msg("sshd or /run/sshd is missing: make deps-test (CI makes /run/sshd)");
	struct test_sshd d = { .port = free_port() };
	d.dir = tu_mkdtemp("sshd");
	assert_int_equal(tu_sh(NULL,
			       "cd '%s' && ssh-keygen -q -t ed25519 -N '' -C host -f host_key && "
			       "ssh-keygen -q -t ed25519 -N '' -C user -f user_key && "
			       "cp user_key.pub authorized_keys && chmod 755 . && "
			       "printf '[127.0.0.1]:%d ' > known_hosts && cat host_key.pub >> known_hosts",
			       d.dir, d.port),
			 0);
	d.conf = conf ? xstrdup(conf) : xasprintf("%s/sshd_config", d.dir);
	d.log = xasprintf("%s/sshd.log", d.dir);
	d.host_pub = xasprintf("%s/host_key.pub", d.dir);
	d.user_key = xasprintf("%s/user_key", d.dir);
	d.known_hosts = xasprintf("%s/known_hosts", d.dir);
	bool own_sftp = extra && strstr(extra, "Subsystem");
	/* SetEnv SHLVL=1: bash, the accounts' login shell, reads ~/.bashrc
	 * for a command sshd starts (Debian builds it so) unless SHLVL says
	 * it is nested; a .bashrc of this machine's root that takes seconds
	 * (pyenv init) would be paid by every command of every test. */
	char *text = xasprintf("Port %d\nListenAddress 127.0.0.1\nHostKey %s/host_key\n"
			       "AuthorizedKeysFile %s/authorized_keys\nUsePAM %s\nStrictModes no\n"
			       "%sPidFile %s%s\nLogLevel VERBOSE\n"
			       "MaxStartups 100\nSetEnv SHLVL=1\n%s%s",
			       d.port, d.dir, d.dir, pam ? "yes" : "no",
			       conf ? "" : "PermitRootLogin yes\n", pidfile ? "" : d.dir,
			       pidfile ? pidfile : "/sshd.pid", extra ? extra : "",
			       own_sftp ? "" : "Subsystem sftp internal-sftp\n");
	tu_write_file(d.conf, text);
	free(text);
	return d;
}

/* Forks the command (argv) with output to the log and waits for the port. */
static void launch(struct test_sshd *d, char *const argv[])
{
	d->pid = fork();
	assert_true(d->pid >= 0);
	if (d->pid == 0) {
		int fd = open(d->log, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
		dup2(fd, 2);
		dup2(fd, 1);
		int nul = open("/dev/null", O_RDONLY);
		dup2(nul, 0);
		/* A test process that dies takes its sshd (and the private
		 * accounts it alone sees) with it; unshare and sh exec it, so
		 * the signal stays set. */
		prctl(PR_SET_PDEATHSIG, SIGTERM);
		execv(argv[0], argv);
		tu_child_exit(127);
	}
	for (int i = 0; i < 1000 && !port_open(d->port); i++) {
		if (waitpid(d->pid, NULL, WNOHANG) == d->pid) {
			d->pid = 0;
			break;
		}
		nanosleep(&(struct timespec){ 0, 10 * 1000 * 1000 }, NULL);
	}
	if (d->pid <= 0 || !port_open(d->port)) {
		char *l = tu_read_file(d->log, NULL);
		fail_msg("sshd did not start:\n%s", l);
	}
}

struct test_sshd sshd_start(const char *extra)
{
	struct test_sshd d = prepare(extra, false);
	char *const argv[] = { "/usr/sbin/sshd", "-D", "-e", "-f", d.conf, NULL };
	launch(&d, argv);
	return d;
}

/* The shadow hash of a password (SHA-512 crypt, by openssl). */
static char *hash_of(const char *password)
{
	char *out = NULL;
	assert_int_equal(tu_sh(&out, "openssl passwd -6 -stdin <<'EOF'\n%s\nEOF", password), 0);
	str_trim(out);
	return out;
}

struct test_sshd sshd_start_accounts(const char *extra, const struct test_account *acc, size_t n,
				     const char *root_password)
{
	return sshd_start_sudo(extra, acc, n, root_password, NULL);
}

/* Runs one of the shadow suite's tools (usermod, chage) with --root on the
 * copies of the account files under root: what an administrator does to
 * an account, done to the test's copy only. */
static void account_tool(const char *root, const char *tool, const char *args, const char *name)
{
	char *out = NULL;
	int rc = tu_sh(&out, "PATH=/usr/sbin:/usr/bin:/sbin:/bin; command -v %s >/dev/null || exit 127; "
			     "%s --root '%s' %s '%s' 2>&1",
		       tool, tool, root, args, name);
	if (rc == 127)
		fail_msg("%s is missing (the passwd package): make deps-test", tool);
	if (rc != 0)
		fail_msg("%s %s %s on the test's accounts: %s", tool, args, name, out);
	free(out);
}

/* The PAM service sshd uses (UsePAM yes) when a test gives none: the
 * password checked by pam_unix against the private shadow file, the
 * account's aging too, nothing of the host's own stack (pam_loginuid,
 * pam_systemd) that a container refuses. */
static const char pam_unix_only[] = "auth     required pam_unix.so\n"
				    "account  required pam_unix.so\n"
				    "password required pam_unix.so\n"
				    "session  required pam_unix.so\n";

/* sshd in a private mount namespace with copies of the account files
 * (and, when asked, sudoers.d and pam.d); see sshd.h. */
static struct test_sshd start_private(const char *extra, const struct test_account *acc, size_t n,
				      const char *root_password, const char *sudoers, bool pam,
				      const char *pam_service)
{
	struct test_sshd d = prepare(extra, pam);
	if (!tu_have("unshare"))
		fail_msg("unshare (util-linux) is missing: it keeps the test accounts private");
	char *pw = tu_read_file("/etc/passwd", NULL);
	char *sh = tu_read_file("/etc/shadow", NULL);
	struct sbuf p = { 0 }, s = { 0 };
	sb_add(&p, pw);
	/* root's line replaced when its password is set. */
	char *line, *save = NULL;
	for (line = strtok_r(sh, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		if (root_password && str_starts(line, "root:")) {
			char *h = hash_of(root_password);
			sb_printf(&s, "root:%s:19000:0:99999:7:::\n", h);
			free(h);
		} else {
			sb_printf(&s, "%s\n", line);
		}
	}
	for (size_t i = 0; i < n; i++) {
		char *home = xasprintf("%s/home-%s", d.dir, acc[i].name);
		assert_int_equal(tu_sh(NULL, "mkdir -p '%s' && chown %u:%u '%s'", home, acc[i].uid,
				       acc[i].uid, home),
				 0);
		sb_printf(&p, "%s:x:%u:%u::%s:/bin/sh\n", acc[i].name, acc[i].uid, acc[i].uid, home);
		char *h = acc[i].password ? hash_of(acc[i].password) : xstrdup("!");
		sb_printf(&s, "%s:%s:19000:0:99999:7:::\n", acc[i].name, h);
		free(h);
		free(home);
	}
	/* The copies live in a root folder of their own (etc/passwd,
	 * etc/shadow, etc/group), where usermod and chage --root change them
	 * as they change the real ones. */
	char *root = xasprintf("%s/accounts", d.dir);
	char *ppath = xasprintf("%s/etc/passwd", root), *spath = xasprintf("%s/etc/shadow", root);
	tu_write_file(ppath, sb_str(&p));
	tu_write_file(spath, sb_str(&s));
	assert_int_equal(tu_sh(NULL, "cp /etc/group '%s/etc/group' && chmod 644 '%s' && chmod 640 '%s'",
			       root, ppath, spath),
			 0);
	for (size_t i = 0; i < n; i++) {
		if (acc[i].locked)
			account_tool(root, "usermod", "--lock", acc[i].name);
		if (acc[i].expired)
			account_tool(root, "chage", "--lastday 0", acc[i].name);
		if (acc[i].disabled)
			account_tool(root, "chage", "--expiredate 1", acc[i].name);
	}
	struct sbuf binds = { 0 };
	sb_printf(&binds, "mount --bind '%s' /etc/passwd && mount --bind '%s' /etc/shadow && ", ppath,
		  spath);
	/* sudo reads /etc/sudoers.d: a folder of the test's own (root's,
	 * its file 0440 as sudo demands) takes its place. */
	if (sudoers) {
		if (access("/usr/bin/sudo", X_OK) != 0)
			fail_msg("sudo is missing: make deps-test");
		char *sd = xasprintf("%s/sudoers.d", d.dir), *sf = xasprintf("%s/sudoers.d/asr-test", d.dir);
		assert_int_equal(mkdir(sd, 0755), 0);
		tu_write_file(sf, sudoers);
		assert_int_equal(chmod(sf, 0440), 0);
		sb_printf(&binds, "mount --bind '%s' /etc/sudoers.d && ", sd);
		/* /var/log too (sshd_dir/varlog, empty): the known place of an
		 * installer log, made root-only by a test, never the host's. */
		char *vl = xasprintf("%s/varlog", d.dir);
		assert_int_equal(mkdir(vl, 0755), 0);
		sb_printf(&binds, "mount --bind '%s' /var/log && ", vl);
		free(vl);
		free(sd);
		free(sf);
	}
	/* sshd's PAM service is /etc/pam.d/sshd: a copy of the host's
	 * folder with that one file the test's takes its place, the host's
	 * folder untouched. "@DIR@" in the service stands for the sshd's
	 * folder (a pam_faillock tally there). */
	if (pam) {
		if (tu_sh(NULL, "ls /lib/*/security/pam_unix.so /usr/lib/*/security/pam_unix.so "
				"2>/dev/null | grep -q .") != 0)
			fail_msg("pam_unix.so is missing (libpam-modules): make deps-test");
		char *pd = xasprintf("%s/pam.d", d.dir), *pf = xasprintf("%s/pam.d/sshd", d.dir);
		assert_int_equal(tu_sh(NULL, "mkdir '%s' && cp -a /etc/pam.d/. '%s/' && rm -f '%s'", pd,
				       pd, pf),
				 0);
		struct sbuf text = { 0 };
		const char *src = pam_service ? pam_service : pam_unix_only;
		for (const char *at; (at = strstr(src, "@DIR@")); src = at + 5) {
			sb_addn(&text, src, (size_t)(at - src));
			sb_add(&text, d.dir);
		}
		sb_add(&text, src);
		tu_write_file(pf, sb_str(&text));
		sb_free(&text);
		sb_printf(&binds, "mount --bind '%s' /etc/pam.d && ", pd);
		free(pd);
		free(pf);
	}
	sb_printf(&binds, "exec /usr/sbin/sshd -D -e -f '%s'", d.conf);
	char *const argv[] = { "/usr/bin/unshare", "-m", "/bin/sh", "-c", binds.s, NULL };
	launch(&d, argv);
	sb_free(&binds);
	free(root);
	free(ppath);
	free(spath);
	sb_free(&p);
	sb_free(&s);
	free(pw);
	free(sh);
	return d;
}

struct test_sshd sshd_start_sudo(const char *extra, const struct test_account *acc, size_t n,
				 const char *root_password, const char *sudoers)
{
	return start_private(extra, acc, n, root_password, sudoers, false, NULL);
}

struct test_sshd sshd_start_pam(const char *extra, const struct test_account *acc, size_t n,
				const char *root_password, const char *pam_service)
{
	return start_private(extra, acc, n, root_password, NULL, true, pam_service);
}

struct test_sshd sshd_start_binds(const char *extra, const char *const binds[])
{
	struct test_sshd d = prepare(extra, false);
	if (!tu_have("unshare"))
		fail_msg("unshare (util-linux) is missing: it keeps the test's folders private");
	struct sbuf script = { 0 };
	for (size_t i = 0; binds[i] && binds[i + 1]; i += 2)
		sb_printf(&script, "mount --bind '%s' '%s' && ", binds[i], binds[i + 1]);
	sb_printf(&script, "exec /usr/sbin/sshd -D -e -f '%s'", d.conf);
	char *const argv[] = { "/usr/bin/unshare", "-m", "/bin/sh", "-c", script.s, NULL };
	launch(&d, argv);
	sb_free(&script);
	return d;
}

struct test_sshd sshd_start_machine(const char *extra, const char *machine)
{
	if (!tu_have("unshare"))
		fail_msg("unshare (util-linux) is missing: it keeps the test machine's folders private");
	static const char *const dirs[] = { "etc/ssh", "etc/default", "boot", "run/sshd", "var/lib" };
	for (size_t i = 0; i < ARRAY_LEN(dirs); i++)
		assert_int_equal(tu_sh(NULL, "mkdir -p '%s/%s'", machine, dirs[i]), 0);
	/* sshd's privilege separation folder: root's, not writable by others. */
	assert_int_equal(tu_sh(NULL, "chmod 755 '%s/run' '%s/run/sshd'", machine, machine), 0);
	char *conf = xasprintf("%s/etc/ssh/sshd_config", machine);
	struct test_sshd d = prepare_in(extra, conf, "/run/sshd.pid", false);
	free(conf);
	struct sbuf sh = { 0 };
	sb_printf(&sh, "set -e; m='%s'\n", machine);
	/* Every bind is made in this mount namespace alone (unshare makes
	 * its mounts private): the host's folders are never written. */
	sb_add(&sh, "for f in etc/ssh etc/default boot run var/lib; do mount --bind \"$m/$f\" "
		    "\"/$f\"; done\n");
	/* A /dev of its own when the machine has one: a tmpfs with the
	 * host's harmless nodes bound in, then the machine's own entries
	 * (links of /dev/disk/by-uuid and the files they name). */
	sb_add(&sh, "if [ -d \"$m/dev\" ]; then\n"
		    "\thd=$(mktemp -d)\n"
		    "\tmount --rbind /dev \"$hd\"\n"
		    "\tmount -t tmpfs -o mode=0755 asr-test-dev /dev\n"
		    "\tfor n in null zero full random urandom tty; do : >\"/dev/$n\"; "
		    "mount --bind \"$hd/$n\" \"/dev/$n\"; done\n"
		    "\tmkdir /dev/pts /dev/shm\n"
		    "\tmount --rbind \"$hd/pts\" /dev/pts\n"
		    "\tln -s pts/ptmx /dev/ptmx; ln -s /proc/self/fd /dev/fd\n"
		    "\tln -s /proc/self/fd/0 /dev/stdin; ln -s /proc/self/fd/1 /dev/stdout; "
		    "ln -s /proc/self/fd/2 /dev/stderr\n"
		    "\tcp -a \"$m/dev/.\" /dev/\n"
		    "\tumount -l \"$hd\"; rmdir \"$hd\"\n"
		    "fi\n");
	sb_add(&sh, "exec /usr/sbin/sshd -D -e\n");
	char *const argv[] = { "/usr/bin/unshare", "-m", "/bin/sh", "-c", sh.s, NULL };
	launch(&d, argv);
	sb_free(&sh);
	return d;
}

void sshd_stop(struct test_sshd *d)
{
	if (d->pid > 0) {
		kill(d->pid, SIGTERM);
		waitpid(d->pid, NULL, 0);
		d->pid = 0;
	}
	if (d->dir)
		tu_rmtree(d->dir);
	free(d->dir);
	free(d->conf);
	free(d->log);
	free(d->host_pub);
	free(d->user_key);
	free(d->known_hosts);
	memset(d, 0, sizeof *d);
}

/* The login both sshd_login and sshd_try_login make: a target to d as
 * user, connected, or NULL with *err from target_ssh_connect and *cause
 * (caller frees) when it fails. */
static struct target *connect_as(const struct test_sshd *d, const char *user, int timeout_ms,
				 int *err, char **cause)
{
	struct ssh_opts o;
	ssh_opts_init(&o);
	o.host = "127.0.0.1";
	o.port = d->port;
	o.user = user;
	o.identity = d->user_key;
	o.known_hosts = d->known_hosts;
	o.timeout_ms = timeout_ms;
	struct target *t = target_ssh_new(&o);
	struct ssh_attempt a;
	*cause = NULL;
	*err = target_ssh_connect(t, &o, &a, cause);
	if (*err != 0) {
		target_free(t);
		return NULL;
	}
	return t;
}

struct target *sshd_login(const struct test_sshd *d, const char *user, int timeout_ms)
{
	int err = 0;
	char *cause = NULL;
	struct target *t = connect_as(d, user, timeout_ms, &err, &cause);
	if (!t)
		fail_msg("login as %s to 127.0.0.1:%d: %s", user, d->port, cause);
	free(cause);
	return t;
}

struct target *sshd_try_login(const struct test_sshd *d, const char *user, int timeout_ms,
			      int *err)
{
	char *cause = NULL;
	struct target *t = connect_as(d, user, timeout_ms, err, &cause);
	free(cause);
	return t;
}

int sshd_listens(const struct test_sshd *d)
{
	char *log = tu_read_file(d->log, NULL);
	int n = 0;
	for (const char *p = log; (p = strstr(p, "Server listening on")); p++)
		n++;
	free(log);
	return n;
}

char *sshd_fingerprint(const struct test_sshd *d)
{
	char *out = NULL;
	assert_int_equal(tu_sh(&out, "ssh-keygen -l -E sha256 -f '%s' | cut -d' ' -f2", d->host_pub),
			 0);
	str_trim(out);
	return out;
}
