/* sshd.h: a real OpenSSH sshd for tests, on a free port of 127.0.0.1,
 * with its own temporary host key, configuration and log, run as a child
 * the test stops by its pid. Needs /usr/sbin/sshd and /run/sshd (CI makes
 * it); a test that cannot start one fails. */
#ifndef ASR_TEST_SSHD_H
#define ASR_TEST_SSHD_H

#include <stdbool.h>
#include <sys/types.h>

struct test_sshd {
	int port;
	pid_t pid;
	char *dir;      /* owned: its folder (host key, config, log, known_hosts) */
	char *conf;     /* owned: the configuration file */
	char *log;      /* owned: what sshd wrote (LogLevel VERBOSE) */
	char *host_pub; /* owned: the host key's .pub file */
	char *user_key; /* owned: a passphrase-less ed25519 key authorized for
			 * every account (AuthorizedKeysFile in dir) */
	char *known_hosts; /* owned: a known_hosts file holding this host's
			    * key as "[127.0.0.1]:PORT" */
};

/* A test account in the copies of /etc/passwd and /etc/shadow that
 * sshd_start_accounts gives its sshd. It exists only in the sshd's
 * private mount namespace: no account of the host is made, changed or
 * left behind, whatever becomes of the test. */
struct test_account {
	const char *name;
	unsigned uid;        /* 0 for a second root */
	const char *password; /* NULL: no password (locked "!") */
	bool locked;         /* locked as `usermod --lock` locks it ("!" before
			      * the hash), by usermod --root on the copies */
	bool expired;        /* the password must be changed, as `chage
			      * --lastday 0` says (by chage --root) */
	bool disabled;       /* the account itself has expired (disabled):
			      * `chage --expiredate 1`, by chage --root */
};

/* Starts sshd with key logins (PermitRootLogin yes, UsePAM no,
 * StrictModes no; a test process that dies takes it with it) plus the extra configuration lines (may be NULL; a
 * Subsystem sftp internal-sftp line is added unless extra has a Subsystem
 * line). Fails the test when it does not start. */
struct test_sshd sshd_start(const char *extra);

/* The same, with sshd run under `unshare -m` so that /etc/passwd and
 * /etc/shadow are copies with the accounts added (and root's password set
 * to root_password when it is not NULL), bind-mounted for it alone: the
 * host's accounts are untouched. */
struct test_sshd sshd_start_accounts(const char *extra, const struct test_account *acc, size_t n,
				     const char *root_password);

/* The same, and sudoers (sudoers lines, or NULL for none) as the only
 * file of a private /etc/sudoers.d (bind-mounted like the accounts):
 * the host's /etc/sudoers, which includes that folder, is never changed.
 * Fails the test when sudo is missing. */
struct test_sshd sshd_start_sudo(const char *extra, const struct test_account *acc, size_t n,
				 const char *root_password, const char *sudoers);

/* The same with UsePAM yes: sshd asks PAM (keyboard-interactive through
 * its conversation, account and password aging) with pam_service as the
 * text of its service file /etc/pam.d/sshd ("@DIR@" replaced by the
 * sshd's folder, for a pam_faillock tally), or, when NULL, pam_unix
 * alone for each of auth, account, password and session. The file goes
 * in a copy of the host's /etc/pam.d bind-mounted for sshd alone: the
 * host's PAM configuration is never changed. Fails the test when
 * pam_unix (libpam-modules) is missing. */
struct test_sshd sshd_start_pam(const char *extra, const struct test_account *acc, size_t n,
				const char *root_password, const char *pam_service);

/* The same, with sshd run under `unshare -m` and each host folder
 * binds[2i] bind-mounted on the path binds[2i+1] for it alone (binds ends
 * with NULL): the machine it serves shows those folders' files in those
 * places (/var/log, /usr/local) while the host's stay untouched. */
struct test_sshd sshd_start_binds(const char *extra, const char *const binds[]);

/* A machine of the test's own for changes made end to end (a fix, its
 * reload, its journal, undo): sshd runs under `unshare -m` with the host
 * folders machine/etc/ssh, machine/etc/default, machine/boot, machine/run
 * and machine/var/lib bind-mounted on /etc/ssh, /etc/default, /boot, /run
 * and /var/lib for it and its sessions alone (made when missing), and,
 * when machine/dev exists, a /dev of its own (a tmpfs holding the host's
 * null, zero, full, random, urandom, tty and pts, then a copy of
 * machine/dev: /dev/disk/by-uuid links and the files they name). Its
 * configuration is that machine's /etc/ssh/sshd_config (d.conf, the host
 * path machine/etc/ssh/sshd_config: the file the sshd fix changes), read
 * again on a reload, with no PermitRootLogin line unless extra has one
 * (sshd's default, prohibit-password, lets the key log in as root), and
 * its pid file that machine's /run/sshd.pid,
 * where a reload by pid file or by the init script finds it. The host's
 * /etc/ssh, /etc/default, /boot, /run, /var/lib and /dev are never
 * written. */
struct test_sshd sshd_start_machine(const char *extra, const char *machine);

struct target;

/* A target logged in to d as user with d's key, checked against d's
 * known_hosts, waiting at most timeout_ms; fails the test with the cause
 * when the login fails. target_free frees it. */
struct target *sshd_login(const struct test_sshd *d, const char *user, int timeout_ms);

/* The same where a refused login is the answer a test wants: NULL with
 * *err set to target_ssh_connect's result (-EACCES when d turns the key
 * away) instead of a failed test. */
struct target *sshd_try_login(const struct test_sshd *d, const char *user, int timeout_ms,
			      int *err);

/* How many times d's sshd said it listens (once at start, once per
 * reload), from its log. */
int sshd_listens(const struct test_sshd *d);

/* Stops sshd (SIGTERM, then waits) and removes its folder. */
void sshd_stop(struct test_sshd *d);

/* The host key's fingerprint as ssh-keygen -l prints it ("SHA256:...").
 * Caller frees. */
char *sshd_fingerprint(const struct test_sshd *d);

#endif
