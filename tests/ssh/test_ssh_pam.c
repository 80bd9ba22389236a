/* test_ssh_pam.c: logins PAM decides, against real sshd instances with
 * UsePAM yes on 127.0.0.1 (tests/support/sshd.c: the accounts, the
 * shadow file and /etc/pam.d are private copies in sshd's own mount
 * namespace; no account of the host is made or changed). A server that
 * offers keyboard-interactive and not password: the engine answers the
 * server's questions (the password to the hidden one, through ask_prompt
 * when none is given), the command line with --password-fd and on the
 * terminal (the server's prompt, no echo). And what the push-install probe
 * says of accounts an administrator made unusable, as far as the server
 * tells: a password expired by `chage --lastday 0` (over
 * keyboard-interactive PAM asks a new one; over password sshd logs the
 * account in only to say so), an account locked by `usermod --lock` (the
 * server gives no reason: 95519 without a claim), one whose account
 * expired by `chage --expiredate` (PAM's words: 95519), and one pam_faillock
 * locked after failed logins (its message: 95520). */
#include "support/testutil.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "engine/target/target_ssh.h"
#include "engine/util/util.h"
#include "support/sshd.h"
#include "support/term.h"

#define ROOT_PW "R00t-kbd pw"
#define KBD_USER "asrkbd"
#define KBD_PW "Kbd s3cret-q"
#define OLD_USER "asrold"
#define OLD_PW "0ld-pw-expired"
#define LOCK_USER "asrlock"
#define LOCK_PW "L0cked-pw"
#define GONE_USER "asrgone"
#define GONE_PW "G0ne-pw"
#define TALLY_USER "asrtally"
#define TALLY_PW "T4lly-pw"
#define LONG_USER "asrlong"
/* Longer than the 16 bytes free() itself overwrites in a small block. */
#define LONG_PW_A "Long kbd passphrase, "
#define LONG_PW_B "0123456789 abcdefghij"
#define LONG_PW LONG_PW_A LONG_PW_B

/* keyboard-interactive only: what PAM serves in OpenSSH on Debian. */
#define KBD_ONLY "PasswordAuthentication no\nKbdInteractiveAuthentication yes\n"

static const char *scratch;
static struct test_sshd kbd_d;

static const struct test_account accounts[] = {
	{ .name = KBD_USER, .uid = 4601, .password = KBD_PW },
	{ .name = OLD_USER, .uid = 4602, .password = OLD_PW, .expired = true },
	{ .name = LOCK_USER, .uid = 4603, .password = LOCK_PW, .locked = true },
	{ .name = TALLY_USER, .uid = 4604, .password = TALLY_PW },
	{ .name = GONE_USER, .uid = 4605, .password = GONE_PW, .disabled = true },
	{ .name = LONG_USER, .uid = 4606, .password = LONG_PW },
};

static struct ssh_opts opts_for(const struct test_sshd *d, const char *user)
{
	struct ssh_opts o;
	ssh_opts_init(&o);
	o.host = "127.0.0.1";
	o.port = d->port;
	o.user = user;
	o.known_hosts = d->known_hosts;
	o.timeout_ms = 60000; /* a loaded CI machine takes seconds per login */
	return o;
}

/* What the ask_prompt callback was asked. */
struct asked {
	int n;
	char prompt[128];
	bool echo;
	int passwords; /* ask_password calls */
};

static char *ask_prompt(void *ctx, const char *instruction, const char *prompt, bool echo)
{
	struct asked *k = ctx;
	k->n++;
	snprintf(k->prompt, sizeof k->prompt, "%s", prompt);
	k->echo = echo;
	return xstrdup(KBD_PW);
}

static char *ask_password(void *ctx, const char *prompt)
{
	struct asked *k = ctx;
	k->passwords++;
	return NULL;
}

/* The server offers keyboard-interactive alone: the password given
 * answers its hidden question; without one, the question is the
 * server's own ("Password: ", hidden), asked once through ask_prompt and
 * never as a password asked ahead; a wrong one is refused. */
static void test_kbd_engine(void **state)
{
	struct ssh_opts o = opts_for(&kbd_d, KBD_USER);
	o.password = KBD_PW;
	struct ssh_attempt a;
	struct target *t = target_ssh_new(&o);
	char *cause = NULL;
	if (target_ssh_connect(t, &o, &a, &cause) != 0)
		fail_msg("connect: %s", cause);
	assert_null(strstr(a.methods, "password"));
	assert_non_null(strstr(a.methods, "keyboard-interactive"));
	assert_string_equal(a.auth_used, "keyboard-interactive");
	struct cmd_result r;
	assert_int_equal(target_run(t, (const char *const[]){ "id", "-un", NULL }, 30000, &r), 0);
	assert_string_equal(r.out, KBD_USER "\n");
	cmd_result_free(&r);
	target_free(t);

	struct asked k = { 0 };
	o.password = NULL;
	o.ask_prompt = ask_prompt;
	o.ask_password = ask_password;
	o.ctx = &k;
	t = target_ssh_new(&o);
	if (target_ssh_connect(t, &o, &a, &cause) != 0)
		fail_msg("connect: %s", cause);
	assert_string_equal(a.auth_used, "keyboard-interactive");
	assert_int_equal(k.n, 1);
	assert_non_null(strstr(k.prompt, "Password"));
	assert_false(k.echo);
	assert_int_equal(k.passwords, 0);
	target_free(t);

	o.ask_prompt = NULL;
	o.password = "not " KBD_PW;
	t = target_ssh_new(&o);
	assert_int_equal(target_ssh_connect(t, &o, &a, &cause), -EACCES);
	assert_int_equal(a.failed, SSH_STAGE_AUTH);
	assert_true(a.password_tried);
	assert_false(a.password_expired);
	assert_non_null(strstr(cause, "refused the password of " KBD_USER));
	assert_null(strstr(cause, "s3cret"));
	free(cause);
	target_free(t);
}

/* Counts needle in [lo, hi) of /proc/self/mem, read in pieces through
 * buf (room for PIECE + nlen bytes); each piece starts with the last
 * nlen - 1 bytes of the one before, so that a copy across two pieces is
 * found once. */
enum { PIECE = 1 << 20 };
static int count_in(int mem, unsigned long lo, unsigned long hi, const char *needle, size_t nlen,
		    char *buf)
{
	int found = 0;
	size_t keep = 0;
	for (unsigned long at = lo; at < hi;) {
		size_t want = hi - at < PIECE ? (size_t)(hi - at) : PIECE;
		ssize_t got = pread(mem, buf + keep, want, (off_t)at);
		if (got <= 0)
			break;
		size_t have = keep + (size_t)got;
		for (size_t i = 0; i + nlen <= have; i++)
			if (buf[i] == needle[0] && !memcmp(buf + i, needle, nlen))
				found++;
		keep = have >= nlen - 1 ? nlen - 1 : have;
		memmove(buf, buf + have - keep, keep);
		at += (unsigned long)got;
	}
	return found;
}

/* How many times needle is in this process's heap and anonymous mappings
 * (where a copy is kept), read through /proc/self/mem so that freed
 * memory is read as it is (a sanitizer's poisoned blocks too). The main
 * thread's stack is not looked at: its dead frames hold what the calls
 * below it left (a block of the encrypted packet's plaintext among them)
 * until the next calls overwrite them, which is no copy anyone keeps. The
 * scan's own buffer is a mapping of its own, left out; a mapping over
 * 1 GiB is a sanitizer's shadow or reserve, not blocks: skipped. */
static int in_memory(const char *needle)
{
	FILE *maps = fopen("/proc/self/maps", "r");
	int mem = open("/proc/self/mem", O_RDONLY);
	assert_non_null(maps);
	assert_true(mem >= 0);
	size_t nlen = strlen(needle), size = PIECE + nlen;
	char *buf = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	assert_true(buf != MAP_FAILED);
	unsigned long b0 = (unsigned long)buf, b1 = b0 + size;
	int found = 0;
	char line[512];
	while (fgets(line, sizeof line, maps)) {
		unsigned long lo, hi;
		char perms[8] = "", path[256] = "";
		if (sscanf(line, "%lx-%lx %7s %*s %*s %*s %255s", &lo, &hi, perms, path) < 3)
			continue;
		if (strncmp(perms, "rw", 2) != 0 || (path[0] && strcmp(path, "[heap]") != 0) ||
		    hi - lo > (1ul << 30))
			continue;
		if (b1 <= lo || b0 >= hi) {
			found += count_in(mem, lo, hi, needle, nlen, buf);
		} else {
			if (lo < b0)
				found += count_in(mem, lo, b0, needle, nlen, buf);
			if (b1 < hi)
				found += count_in(mem, b1, hi, needle, nlen, buf);
		}
	}
	munmap(buf, size);
	fclose(maps);
	close(mem);
	return found;
}

/* LONG_PW's second half put together on the heap from two pieces, so
 * that no whole copy is made on the way (printf's family writes through a
 * buffer on the stack); with the first half, the whole password. */
static char *joined(bool whole)
{
	static const char b1[] = "0123456789", b2[] = " abcdefghij";
	size_t a = whole ? strlen(LONG_PW_A) : 0;
	char *s = xmalloc(a + sizeof b1 + sizeof b2);
	memcpy(s, LONG_PW_A, a);
	memcpy(s + a, b1, sizeof b1 - 1);
	memcpy(s + a + sizeof b1 - 1, b2, sizeof b2);
	return s;
}

/* A password given to keyboard-interactive is kept nowhere once the
 * login is done: no copy of the engine's or libssh2's is still held, with
 * the link open or after it, and none is left in freed memory. What is
 * looked for is the password's second half (free() overwrites only the
 * first 16 bytes of a small block). The normal build's malloc reuses
 * freed blocks soon; the sanitizer build keeps them aside (its
 * quarantine), so there this also tells whether what libssh2 freed was
 * wiped: without the session's wiping allocator (target_ssh.c) it found
 * two copies. */
static void test_kbd_password_wiped(void **state)
{
	(void)state;
	char *pw = joined(true);
	struct ssh_opts o = opts_for(&kbd_d, LONG_USER);
	o.password = pw;
	struct ssh_attempt a;
	struct target *t = target_ssh_new(&o);
	char *cause = NULL;
	if (target_ssh_connect(t, &o, &a, &cause) != 0)
		fail_msg("connect: %s", cause);
	assert_string_equal(a.auth_used, "keyboard-interactive");
	struct cmd_result r;
	assert_int_equal(target_run(t, (const char *const[]){ "id", "-un", NULL }, 30000, &r), 0);
	assert_string_equal(r.out, LONG_USER "\n");
	cmd_result_free(&r);
	explicit_bzero(pw, strlen(pw));
	free(pw);
	char *probe = joined(false);
	int during = in_memory(probe) - 1; /* probe itself */
	target_free(t);
	int after = in_memory(probe) - 1;
	explicit_bzero(probe, strlen(probe));
	free(probe);
	if (during || after)
		print_error("the password is in memory %d time(s) with the link open, %d after\n",
			    during, after);
	assert_int_equal(during, 0);
	assert_int_equal(after, 0);
}

/* The binary with a HOME of its own holding d's known_hosts, the password
 * on descriptor 3, stderr in *err; returns the status and stdout. */
static int run(const struct test_sshd *d, const char *password, char **out, char **err,
	       const char *fmt, ...) __attribute__((format(printf, 5, 6)));
static int run(const struct test_sshd *d, const char *password, char **out, char **err,
	       const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *args = xvasprintf(fmt, ap);
	va_end(ap);
	char *home = xasprintf("%s/home", scratch);
	char *pw = xasprintf("%s/pw", scratch), *ef = xasprintf("%s/stderr", scratch);
	tu_write_file(pw, password);
	int rc = tu_sh(out,
		       "mkdir -p '%s/.ssh' && cp '%s' '%s/.ssh/known_hosts' && "
		       "HOME='%s' SSH_AUTH_SOCK= '%s' --timeout 60 --password-fd 3 %s 3<'%s' "
		       "2>'%s' </dev/null",
		       home, d->known_hosts, home, home, tu_binary(), args, pw, ef);
	*err = tu_read_file(ef, NULL);
	unlink(pw);
	free(pw);
	free(ef);
	free(home);
	free(args);
	return rc;
}

/* --password-fd answers the one password question of
 * keyboard-interactive; a wrong one ends the run with one line. */
static void test_kbd_password_fd(void **state)
{
	char *out = NULL, *err = NULL;
	int rc = run(&kbd_d, KBD_PW "\n", &out, &err, "--target " KBD_USER "@127.0.0.1:%d check",
		     kbd_d.port);
	if (rc != 0 && rc != 1)
		fail_msg("rc %d: %s", rc, err);
	char *spec = xasprintf("Target: " KBD_USER "@127.0.0.1:%d", kbd_d.port);
	assert_non_null(strstr(out, spec));
	assert_null(strstr(out, "s3cret"));
	assert_null(strstr(err, "s3cret"));
	free(spec);
	free(out);
	free(err);
	rc = run(&kbd_d, "wrong\n", &out, &err, "--target " KBD_USER "@127.0.0.1:%d check",
		 kbd_d.port);
	assert_int_equal(rc, 2);
	assert_non_null(strstr(err, "refused the password of " KBD_USER));
	free(out);
	free(err);
}

/* On a terminal the server's own question is asked as it words it,
 * without echo: what is typed never shows. */
static void test_kbd_terminal(void **state)
{
	char *home = xasprintf("%s/home-term", scratch);
	assert_int_equal(tu_sh(NULL, "mkdir -p '%s/.ssh' && cp '%s' '%s/.ssh/known_hosts'", home,
			       kbd_d.known_hosts, home),
			 0);
	char *env = xasprintf("%s HOME='%s' SSH_AUTH_SOCK=", TERM_ENV_UTF8, home);
	char *args = xasprintf("--timeout 60 --target " KBD_USER "@127.0.0.1:%d check", kbd_d.port);
	struct term t = { 0 };
	term_start(&t, 100, 30, env, args);
	assert_true(term_wait(&t, "Password:", TERM_WAIT * 8));
	/* It is the server's question, not one asked ahead of it. */
	char *s = term_screen(&t);
	assert_null(strstr(s, "'s password:"));
	free(s);
	term_type(&t, KBD_PW);
	term_keys(&t, "Enter");
	char *spec = xasprintf("Target: " KBD_USER "@127.0.0.1:%d", kbd_d.port);
	assert_true(term_wait(&t, "EXIT=", TERM_WAIT * 8));
	char *all = NULL;
	tu_sh(&all, "tmux -S '%s' capture-pane -p -S - -t t 2>/dev/null", t.sock);
	if (!strstr(all, spec))
		fail_msg("no '%s' in: %s", spec, all);
	assert_null(strstr(all, "s3cret"));
	assert_null(strstr(all, "EXIT=2"));
	free(all);
	term_stop(&t);
	free(spec);
	free(args);
	free(env);
	free(home);
}

/* The step that failed in a probe --json output (the last), or NULL. */
static cJSON *probe(const struct test_sshd *d, const char *user, const char *password,
		    const cJSON **failed)
{
	char *out = NULL, *err = NULL;
	char *pw = xasprintf("%s\n", password);
	int rc = run(d, pw, &out, &err, "probe --json %s@127.0.0.1:%d", user, d->port);
	free(pw);
	cJSON *doc = cJSON_Parse(out);
	if (!doc)
		fail_msg("rc %d out '%s' err '%s'", rc, out, err);
	*failed = NULL;
	const cJSON *s;
	cJSON_ArrayForEach(s, cJSON_GetObjectItem(doc, "steps"))
		if (!cJSON_IsTrue(cJSON_GetObjectItem(s, "ok")) && !*failed)
			*failed = s;
	assert_int_equal(rc, *failed ? 1 : 0);
	if (strstr(out, password))
		fail_msg("the password is in the output: %s", out);
	free(out);
	free(err);
	return doc;
}

static const char *field(const cJSON *s, const char *name)
{
	const char *v = cJSON_GetStringValue(cJSON_GetObjectItem(s, name));
	return v ? v : "";
}

/* Expects the probe to stop at the password login with ErrorID id, its
 * detail holding each of the texts (NULL-ended); returns the detail
 * (caller frees). */
static char *expect_login_fails(const struct test_sshd *d, const char *user, const char *password,
				const char *id, const char *const *texts)
{
	const cJSON *f;
	cJSON *doc = probe(d, user, password, &f);
	assert_non_null(f);
	if (strcmp(field(f, "step"), "password login") != 0)
		fail_msg("failed at %s: %s", field(f, "step"), field(f, "detail"));
	const char *detail = field(f, "detail");
	if (strcmp(field(f, "error_id"), id) != 0)
		fail_msg("ErrorID %s, not %s: %s", field(f, "error_id"), id, detail);
	for (const char *const *t = texts; *t; t++)
		if (!strstr(detail, *t))
			fail_msg("no '%s' in: %s", *t, detail);
	char *r = xstrdup(detail);
	cJSON_Delete(doc);
	return r;
}

/* The probe logs in as root over keyboard-interactive, as the process
 * server can, and goes on past the login. */
static void test_probe_kbd(void **state)
{
	const cJSON *f;
	cJSON *doc = probe(&kbd_d, "root", ROOT_PW, &f);
	const cJSON *steps = cJSON_GetObjectItem(doc, "steps");
	const cJSON *methods = cJSON_GetArrayItem(steps, 3);
	assert_string_equal(field(methods, "step"), "methods");
	assert_true(cJSON_IsTrue(cJSON_GetObjectItem(methods, "ok")));
	const cJSON *login = cJSON_GetArrayItem(steps, 4);
	assert_string_equal(field(login, "step"), "password login");
	assert_true(cJSON_IsTrue(cJSON_GetObjectItem(login, "ok")));
	assert_string_equal(field(login, "detail"), "logged in by keyboard-interactive");
	/* Only the OS may fail after it (the support matrix). */
	if (f)
		assert_string_equal(field(f, "step"), "os");
	cJSON_Delete(doc);
}

/* The shadow line of user in d's private copy. Caller frees. */
static char *shadow_line(const struct test_sshd *d, const char *user)
{
	char *out = NULL;
	assert_int_equal(tu_sh(&out, "grep '^%s:' '%s/accounts/etc/shadow'", user, d->dir), 0);
	return out;
}

/* chage --lastday 0 over keyboard-interactive: PAM asks a new password
 * after the old one; the probe names 95519 with the server's words and
 * answers nothing more (the password is not changed). */
static void test_probe_expired_kbd(void **state)
{
	char *before = shadow_line(&kbd_d, OLD_USER);
	/* chage wrote the last change as 0. */
	assert_non_null(strstr(before, ":0:0:99999:"));
	const char *want[] = { "has expired", "You are required to change your password", NULL };
	char *detail = expect_login_fails(&kbd_d, OLD_USER, OLD_PW, "95519", want);
	assert_null(strstr(detail, "no reason"));
	char *after = shadow_line(&kbd_d, OLD_USER);
	assert_string_equal(before, after);
	free(after);
	free(before);
	free(detail);
}

/* usermod --lock: the server refuses the password and says nothing of
 * why; the probe names 95519 and claims no lock it was not told of. */
static void test_probe_locked_kbd(void **state)
{
	char *line = shadow_line(&kbd_d, LOCK_USER);
	assert_non_null(strstr(line, LOCK_USER ":!$"));
	free(line);
	const char *want[] = { "refused the password of " LOCK_USER, "gave no reason", NULL };
	char *detail = expect_login_fails(&kbd_d, LOCK_USER, LOCK_PW, "95519", want);
	free(detail);
}

/* chage --expiredate: the account has expired (disabled); PAM says so
 * over keyboard-interactive after the password, and the probe names
 * 95519 with its words. */
static void test_probe_disabled_kbd(void **state)
{
	const char *want[] = { "refused the password of " GONE_USER, "Your account has expired",
			       NULL };
	char *detail = expect_login_fails(&kbd_d, GONE_USER, GONE_PW, "95519", want);
	assert_null(strstr(detail, "no reason"));
	free(detail);
}

/* pam_faillock locks an account after two failed logins and says so
 * over keyboard-interactive: the probe names 95520 with its words, then
 * even for the right password. */
static void test_probe_faillock(void **state)
{
	struct test_sshd d = sshd_start_pam(KBD_ONLY, accounts, ARRAY_LEN(accounts), ROOT_PW,
					    "auth     required      pam_faillock.so preauth dir=@DIR@ deny=2 unlock_time=3600\n"
					    "auth     sufficient    pam_unix.so\n"
					    "auth     [default=die] pam_faillock.so authfail dir=@DIR@ deny=2 unlock_time=3600\n"
					    "account  required      pam_faillock.so dir=@DIR@\n"
					    "account  required      pam_unix.so\n"
					    "password required      pam_unix.so\n"
					    "session  required      pam_unix.so\n");
	const char *refused[] = { "refused the password of " TALLY_USER, NULL };
	for (int i = 0; i < 2; i++) {
		char *detail = expect_login_fails(&d, TALLY_USER, "Bad-tally-9", "95519", refused);
		free(detail);
	}
	const char *locked[] = { "The account is locked due to 2 failed logins", NULL };
	char *detail = expect_login_fails(&d, TALLY_USER, TALLY_PW, "95520", locked);
	free(detail);
	sshd_stop(&d);
}

/* Over password authentication an expired password is accepted, then
 * every session (SFTP too) ends with sshd's "Your password has expired":
 * the probe says so at the login (95519), not at SFTP; the same with
 * UsePAM no (sshd's own shadow check) and yes. A locked account gives
 * no reason there either. */
static void test_probe_password_auth(void **state)
{
	const char *expired[] = { "has expired", "Your password has expired", NULL };
	const char *refused[] = { "refused the password of " LOCK_USER, "gave no reason", NULL };
	struct test_sshd d = sshd_start_accounts("PasswordAuthentication yes\n", accounts,
						 ARRAY_LEN(accounts), ROOT_PW);
	char *detail = expect_login_fails(&d, OLD_USER, OLD_PW, "95519", expired);
	free(detail);
	detail = expect_login_fails(&d, LOCK_USER, LOCK_PW, "95519", refused);
	free(detail);
	sshd_stop(&d);
	d = sshd_start_pam("PasswordAuthentication yes\nKbdInteractiveAuthentication no\n", accounts,
			   ARRAY_LEN(accounts), ROOT_PW, NULL);
	detail = expect_login_fails(&d, OLD_USER, OLD_PW, "95519", expired);
	free(detail);
	sshd_stop(&d);
}

static int setup(void **state)
{
	kbd_d = sshd_start_pam(KBD_ONLY, accounts, ARRAY_LEN(accounts), ROOT_PW, NULL);
	return 0;
}

static int teardown(void **state)
{
	sshd_stop(&kbd_d);
	return 0;
}

int main(void)
{
	scratch = term_suite_begin("ssh-pam");
	/* No agent of the machine's and no keys of its HOME take part. */
	unsetenv("SSH_AUTH_SOCK");
	setenv("HOME", scratch, 1);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kbd_engine),
		cmocka_unit_test(test_kbd_password_wiped),
		cmocka_unit_test(test_kbd_password_fd),
		cmocka_unit_test(test_kbd_terminal),
		cmocka_unit_test(test_probe_kbd),
		cmocka_unit_test(test_probe_expired_kbd),
		cmocka_unit_test(test_probe_locked_kbd),
		cmocka_unit_test(test_probe_disabled_kbd),
		cmocka_unit_test(test_probe_faillock),
		cmocka_unit_test(test_probe_password_auth),
	};
	return tu_scratch_done(cmocka_run_group_tests_name("ssh_pam", tests, setup, teardown));
}
