/* test_remote.c: the wizard on remote machines, the real binary in tmux
 * against a real sshd on 127.0.0.1 (tests/support/sshd.c): the title line
 * naming the machine; a Windows machine (the stand-in for its commands
 * behind sshd's ForceCommand, tests/support/win_standin.c) with its check
 * set, the Linux-only sections not applicable with the reason, and a
 * registry fix through the confirmation screen; the login's questions
 * (a password, keyboard-interactive's own question from a PAM sshd, host
 * keys) on the wizard's screens; the commands the wizard
 * prints keep the options that reached the machine. */
#include "support/testutil.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "engine/content.h"
#include "engine/util/util.h"
#include "support/sshd.h"
#include "support/term.h"
#include "support/winstate.h"

/* Connecting and running every check remotely takes longer than a screen
 * of the local wizard on a loaded machine. */
#define REMOTE_WAIT (TERM_WAIT * 8)

static const char *scratch;

/* A HOME of its own (name under the scratch folder) holding known_hosts
 * (copied from d's when known is true). Returns its path (caller frees). */
static char *make_home(const char *name, const struct test_sshd *d, bool known)
{
	char *home = xasprintf("%s/%s", scratch, name);
	assert_int_equal(tu_sh(NULL, "rm -rf '%s' && mkdir -p '%s/.ssh' && chmod 700 '%s/.ssh'",
			       home, home, home), 0);
	if (known)
		assert_int_equal(tu_sh(NULL, "cp '%s' '%s/.ssh/known_hosts'", d->known_hosts, home), 0);
	return home;
}

/* The environment the wizard runs in: HOME, no agent. */
static char *env_for(const char *home)
{
	return xasprintf("%s HOME='%s' SSH_AUTH_SOCK=", TERM_ENV_UTF8, home);
}

/* Everything the pane ever showed, scrollback included (caller frees). */
static char *term_history(struct term *t)
{
	char *out = NULL;
	tu_sh(&out, "tmux -S '%s' capture-pane -p -S - -t t 2>/dev/null", t->sock);
	return out;
}

/* Waits (bounded by ms) until the screen shows one of texts (NULL-ended);
 * returns it, or NULL after printing the screen. */
static const char *wait_any(struct term *t, const char *const *texts, int ms)
{
	for (int waited = 0; waited <= ms; waited += 100) {
		char *s = term_screen_joined(t);
		for (const char *const *x = texts; *x; x++)
			if (s && strstr(s, *x)) {
				free(s);
				return *x;
			}
		free(s);
		usleep(100 * 1000);
	}
	char *s = term_screen(t);
	print_error("none of the texts came; the screen:\n%s\n", s);
	free(s);
	return NULL;
}

static void test_title_names_the_linux_machine(void **state)
{
	(void)state;
	struct test_sshd d = sshd_start(NULL);
	char *home = make_home("home-title", &d, true);
	char *env = env_for(home);
	char *args = xasprintf("--lang en --no-auto-check --timeout 60 --target root@127.0.0.1:%d "
			       "-i '%s'",
			       d.port, d.user_key);
	char *title = xasprintf("asr-doctor  root@127.0.0.1:%d", d.port);
	struct term t = { 0 };
	term_start(&t, 80, 24, env, args);
	assert_true(term_wait(&t, "1/40", REMOTE_WAIT));
	char *line = term_line(&t, 0);
	assert_true(str_starts(line, title));
	assert_null(strstr(line, "Windows"));
	free(line);
	term_keys(&t, "q");
	assert_true(term_wait(&t, "EXIT=0", TERM_WAIT));
	term_stop(&t);
	free(title);
	free(args);
	free(env);
	free(home);
	sshd_stop(&d);
}

/* The wizard on a Windows machine: its checks, Linux-only sections not
 * applicable with the reason, and the LocalAccountTokenFilterPolicy fix
 * through the confirmation screen (the command shown exactly, default No),
 * observed in the stand-in's registry; the undo command printed names the
 * key the machine was reached with. */
static void test_windows_wizard(void **state)
{
	(void)state;
	char *wstate = xasprintf("%s/winstate", scratch);
	char *journal = xasprintf("%s/winjournal", scratch);
	ws_seed(wstate);
	char *extra = xasprintf("Subsystem sftp /usr/lib/openssh/sftp-server\n"
				"ForceCommand %s --state %s\n",
				ws_standin(), wstate);
	struct test_sshd d = sshd_start(extra);
	free(extra);
	char *home = make_home("home-win", &d, true);
	char *env = env_for(home);
	char *args = xasprintf("--lang en --no-auto-check --timeout 60 --target root@127.0.0.1:%d "
			       "-i '%s' --journal '%s'",
			       d.port, d.user_key, journal);
	char *title = xasprintf("asr-doctor  root@127.0.0.1:%d (Windows)", d.port);
	struct term t = { 0 };
	/* Wide enough that the reasons are not wrapped. */
	term_start(&t, 200, 40, env, args);
	assert_true(term_wait(&t, title, REMOTE_WAIT));
	/* A Linux-only section: its checks run, not applicable, and why. */
	term_keys(&t, ":");
	term_type(&t, "95108");
	term_keys(&t, "Enter");
	assert_true(term_wait(&t, "ErrorID: 95107 and 95108", TERM_WAIT));
	term_keys(&t, "r");
	assert_true(term_wait(&t, "a Windows machine: the push install uses SMB and WMI there, not SSH",
			      REMOTE_WAIT));
	assert_true(term_wait_gone(&t, "checking", REMOTE_WAIT));
	/* The Windows check of 95107 fails, and its fix is offered. */
	assert_true(term_wait(&t, "LocalAccountTokenFilterPolicy", TERM_WAIT));
	term_keys(&t, "f");
	const char *cmd = "reg add HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Policies\\System "
			  "/v LocalAccountTokenFilterPolicy /t REG_DWORD /d 1 /f";
	assert_true(term_wait(&t, "Apply? [y/N]", REMOTE_WAIT));
	char *s = term_screen_joined(&t);
	if (!strstr(s, cmd))
		print_error("the command is not shown exactly:\n%s\n", s);
	assert_non_null(strstr(s, cmd));
	/* The undo command goes the same way: the same key. */
	char *undo = xasprintf("-i %s", d.user_key);
	assert_non_null(strstr(s, undo));
	free(undo);
	free(s);
	/* Enter alone is No: nothing changes. */
	term_keys(&t, "Enter");
	assert_true(term_wait(&t, "cancelled: nothing was changed", TERM_WAIT));
	char *before = ws_get(wstate, "registry");
	assert_null(strstr(before, "LocalAccountTokenFilterPolicy\tREG_DWORD\t0x1"));
	free(before);
	/* y then Enter applies it, on the machine (each command asked again,
	 * default No, and answered y). */
	term_keys(&t, "f");
	assert_true(term_wait(&t, "Apply? [y/N]", REMOTE_WAIT));
	term_keys(&t, "y");
	term_keys(&t, "Enter");
	const char *seen = wait_any(&t, (const char *[]){ "Fix: done", "Run it?", NULL }, REMOTE_WAIT);
	while (seen && !strcmp(seen, "Run it?")) {
		term_keys(&t, "y");
		seen = wait_any(&t, (const char *[]){ "Fix: done", "Fix: nothing", NULL }, REMOTE_WAIT);
	}
	assert_non_null(seen);
	assert_string_equal(seen, "Fix: done");
	char *reg = ws_get(wstate, "registry");
	assert_non_null(strstr(reg, "LocalAccountTokenFilterPolicy\tREG_DWORD\t0x1"));
	free(reg);
	term_keys(&t, "Q");
	assert_true(term_wait(&t, "EXIT=0", REMOTE_WAIT));
	term_stop(&t);
	free(title);
	free(args);
	free(env);
	free(home);
	sshd_stop(&d);
	free(wstate);
	free(journal);
}

/* The push install's password: special characters, no single quote (tmux
 * gets it through a shell's single quotes). */
#define ROOT_PW "Pr0be pw;$x \"y\" &z"

static const struct test_account accounts[] = {
	{ .name = "asrwiz", .uid = 4344, .password = "not-root-pw" },
};

/* P, the machine, Enter, then the password screen; the password typed. */
static void probe_login(struct term *t, const struct test_sshd *d, const char *password)
{
	term_keys(t, "P");
	assert_true(term_wait(t, "Push install to [user@]host[:port]:", TERM_WAIT));
	term_keys(t, "C-u");
	char *spec = xasprintf("root@127.0.0.1:%d", d->port);
	term_type(t, spec);
	free(spec);
	term_keys(t, "Enter");
	assert_true(term_wait(t, "What you type is not shown", TERM_WAIT));
	term_type(t, password);
	/* Nothing of it is drawn. */
	char *s = term_screen(t);
	assert_null(strstr(s, password));
	assert_null(strstr(s, "Pr0be"));
	free(s);
	term_keys(t, "Enter");
}

/* The password appears nowhere the terminal kept, nor in any file the run
 * made. */
static void expect_password_nowhere(struct term *t, const char *home)
{
	char *h = term_history(t);
	assert_null(strstr(h, "Pr0be"));
	free(h);
	assert_int_equal(tu_sh(NULL, "grep -rlaF 'Pr0be' '%s' '%s'", home, t->dir), 1);
}

static void test_probe_screen_all_steps(void **state)
{
	(void)state;
	struct test_sshd d = sshd_start_accounts("PasswordAuthentication yes\n", accounts,
						 ARRAY_LEN(accounts), ROOT_PW);
	char *home = make_home("home-probe", &d, true);
	char *env = env_for(home);
	struct term t = { 0 };
	term_open(&t, 100, 30, env, "--lang en --no-auto-check --timeout 60", "1/40");
	probe_login(&t, &d, ROOT_PW);
	const char *end = wait_any(&t, (const char *[]){ "Every step of the push install passed",
							   "would stop at the step marked FAIL", NULL },
				   REMOTE_WAIT);
	assert_non_null(end);
	char *s = term_screen(&t);
	const char *want[] = { "ok   resolve", "ok   connect", "ok   ssh handshake", "ok   methods",
			       "ok   password login", "ok   sftp", "ok   root", "ok   test file" };
	for (size_t i = 0; i < ARRAY_LEN(want); i++) {
		if (!strstr(s, want[i]))
			print_error("no '%s':\n%s\n", want[i], s);
		assert_non_null(strstr(s, want[i]));
	}
	/* Each step says how long it took. */
	assert_non_null(strstr(s, " ms  "));
	/* Only the OS may fail: this machine's own OS against the table. */
	if (strstr(end, "FAIL"))
		assert_non_null(strstr(s, "FAIL os"));
	free(s);
	expect_password_nowhere(&t, home);
	/* q closes the replay: the tree again. */
	term_keys(&t, "q");
	assert_true(term_wait_gone(&t, "Push-install replay:", TERM_WAIT));
	term_keys(&t, "q");
	assert_true(term_wait(&t, "EXIT=0", TERM_WAIT));
	term_stop(&t);
	free(env);
	free(home);
	sshd_stop(&d);
}

/* PasswordAuthentication no: the methods step fails with 95108, the
 * replay stops there, and Enter opens that section. */
static void test_probe_screen_stops_at_95108(void **state)
{
	(void)state;
	struct test_sshd d = sshd_start_accounts("PasswordAuthentication no\n"
						 "KbdInteractiveAuthentication no\n",
						 accounts, ARRAY_LEN(accounts), ROOT_PW);
	char *home = make_home("home-probe-95108", &d, true);
	char *env = env_for(home);
	struct term t = { 0 };
	term_open(&t, 100, 30, env, "--lang en --no-auto-check --timeout 60", "1/40");
	probe_login(&t, &d, ROOT_PW);
	assert_true(term_wait(&t, "stopped at methods: ErrorID 95108", REMOTE_WAIT));
	char *s = term_screen(&t);
	assert_non_null(strstr(s, "FAIL methods"));
	assert_non_null(strstr(s, "ErrorID 95108"));
	assert_non_null(strstr(s, "ok   ssh handshake"));
	/* It stopped: no later step ran. */
	assert_null(strstr(s, "password login"));
	assert_null(strstr(s, "sftp "));
	free(s);
	term_keys(&t, "Enter");
	assert_true(term_wait_gone(&t, "FAIL methods", TERM_WAIT));
	assert_true(term_wait(&t, "95108", TERM_WAIT));
	expect_password_nowhere(&t, home);
	term_keys(&t, "Q");
	assert_true(term_wait(&t, "EXIT=0", TERM_WAIT));
	term_stop(&t);
	free(env);
	free(home);
	sshd_stop(&d);
}

/* An unknown host key: the confirmation screen with its fingerprint;
 * Enter refuses (nothing recorded, the replay stops at the handshake);
 * y then Enter trusts it, known_hosts gets it and the login goes on. */
static void test_unknown_host_key_screen(void **state)
{
	(void)state;
	struct test_sshd d = sshd_start_accounts("PasswordAuthentication yes\n", accounts,
						 ARRAY_LEN(accounts), ROOT_PW);
	char *home = make_home("home-unknown", &d, false);
	char *kh = xasprintf("%s/.ssh/known_hosts", home);
	char *fp = sshd_fingerprint(&d);
	char *env = env_for(home);
	struct term t = { 0 };
	term_open(&t, 100, 30, env, "--lang en --no-auto-check --timeout 60", "1/40");
	probe_login(&t, &d, ROOT_PW);
	assert_true(term_wait(&t, "Unknown host key", REMOTE_WAIT));
	assert_true(term_wait(&t, fp, TERM_WAIT));
	assert_true(term_wait(&t, "Trust this host key? [y/N]", TERM_WAIT));
	/* Enter alone is No. */
	term_keys(&t, "Enter");
	assert_true(term_wait(&t, "FAIL ssh handshake", REMOTE_WAIT));
	assert_int_equal(access(kh, F_OK), -1);
	/* Again, and trusted. */
	probe_login(&t, &d, ROOT_PW);
	assert_true(term_wait(&t, "Trust this host key? [y/N]", REMOTE_WAIT));
	term_keys(&t, "y");
	assert_true(term_wait(&t, "Enter trusts the key", TERM_WAIT));
	term_keys(&t, "Enter");
	assert_true(term_wait(&t, "ok   password login", REMOTE_WAIT));
	char *text = tu_read_file(kh, NULL);
	assert_non_null(text);
	char *entry = xasprintf("[127.0.0.1]:%d ssh-ed25519 ", d.port);
	assert_non_null(strstr(text, entry));
	free(entry);
	free(text);
	/* ssh itself accepts the line written. */
	assert_int_equal(tu_sh(NULL, "ssh-keygen -F '[127.0.0.1]:%d' -f '%s' | grep -q ssh-ed25519",
			       d.port, kh), 0);
	expect_password_nowhere(&t, home);
	term_keys(&t, "Q");
	assert_true(term_wait(&t, "EXIT=0", REMOTE_WAIT));
	term_stop(&t);
	free(env);
	free(fp);
	free(kh);
	free(home);
	sshd_stop(&d);
}

/* The wizard on a machine reached with a password: asked before the
 * screen starts, without echo; the title names the machine; the password
 * is nowhere on the screen, in the scrollback or in a file. */
static void test_target_password_never_shown(void **state)
{
	(void)state;
	struct test_sshd d = sshd_start_accounts("PasswordAuthentication yes\n", accounts,
						 ARRAY_LEN(accounts), ROOT_PW);
	char *home = make_home("home-target-pw", &d, true);
	char *env = env_for(home);
	char *args = xasprintf("--lang en --no-auto-check --timeout 60 --target root@127.0.0.1:%d",
			       d.port);
	char *ask = xasprintf("root@127.0.0.1:%d's password:", d.port);
	char *title = xasprintf("asr-doctor  root@127.0.0.1:%d", d.port);
	struct term t = { 0 };
	term_start(&t, 100, 30, env, args);
	assert_true(term_wait(&t, ask, REMOTE_WAIT));
	term_type(&t, ROOT_PW);
	char *s = term_screen(&t);
	assert_null(strstr(s, "Pr0be"));
	free(s);
	term_keys(&t, "Enter");
	assert_true(term_wait(&t, title, REMOTE_WAIT));
	expect_password_nowhere(&t, home);
	term_keys(&t, "q");
	assert_true(term_wait(&t, "EXIT=0", TERM_WAIT));
	expect_password_nowhere(&t, home);
	term_stop(&t);
	free(title);
	free(ask);
	free(args);
	free(env);
	free(home);
	sshd_stop(&d);
}

/* A server that offers keyboard-interactive and not password (PAM): the
 * wizard asks the server's own question on its screen ("The server
 * asks", its "Password:"), what is typed never drawn; the login is made
 * with the answer and the wizard starts on the machine. */
static void test_target_kbd_question(void **state)
{
	(void)state;
	struct test_sshd d = sshd_start_pam("PasswordAuthentication no\n"
					    "KbdInteractiveAuthentication yes\n",
					    accounts, ARRAY_LEN(accounts), ROOT_PW, NULL);
	char *home = make_home("home-target-kbd", &d, true);
	char *env = env_for(home);
	char *args = xasprintf("--lang en --no-auto-check --timeout 60 --target root@127.0.0.1:%d",
			       d.port);
	char *title = xasprintf("asr-doctor  root@127.0.0.1:%d", d.port);
	struct term t = { 0 };
	term_start(&t, 100, 30, env, args);
	assert_true(term_wait(&t, "The server asks", REMOTE_WAIT));
	char *s = term_screen(&t);
	assert_non_null(strstr(s, "Password:"));
	/* The server's question, not one asked ahead of it. */
	assert_null(strstr(s, "'s password:"));
	free(s);
	term_type(&t, ROOT_PW);
	s = term_screen(&t);
	assert_null(strstr(s, "Pr0be"));
	free(s);
	term_keys(&t, "Enter");
	assert_true(term_wait(&t, title, REMOTE_WAIT));
	expect_password_nowhere(&t, home);
	term_keys(&t, "q");
	assert_true(term_wait(&t, "EXIT=0", TERM_WAIT));
	term_stop(&t);
	free(title);
	free(args);
	free(env);
	free(home);
	sshd_stop(&d);
}

/* The wizard's own login (--target) with an unknown host key: the same
 * confirmation screen; refused, the wizard says why and ends (status 2)
 * with nothing recorded; trusted, known_hosts gets the key and the wizard
 * starts on the machine. */
static void test_target_unknown_host_key(void **state)
{
	(void)state;
	struct test_sshd d = sshd_start(NULL);
	char *home = make_home("home-target-unknown", &d, false);
	char *kh = xasprintf("%s/.ssh/known_hosts", home);
	char *fp = sshd_fingerprint(&d);
	char *env = env_for(home);
	char *args = xasprintf("--lang en --no-auto-check --timeout 60 --target root@127.0.0.1:%d "
			       "-i '%s'",
			       d.port, d.user_key);
	struct term t = { 0 };
	term_start(&t, 100, 30, env, args);
	assert_true(term_wait(&t, "Unknown host key", REMOTE_WAIT));
	assert_true(term_wait(&t, fp, TERM_WAIT));
	char *title = term_line(&t, 0);
	char *spec = xasprintf("root@127.0.0.1:%d", d.port);
	assert_non_null(strstr(title, spec));
	free(title);
	term_keys(&t, "n");
	assert_true(term_wait(&t, "Could not log in", REMOTE_WAIT));
	assert_true(term_wait(&t, "is not known", TERM_WAIT));
	term_keys(&t, "Enter");
	assert_true(term_wait(&t, "EXIT=2", TERM_WAIT));
	assert_int_equal(access(kh, F_OK), -1);
	term_stop(&t);
	/* Again, trusted with y and Enter. */
	term_start(&t, 100, 30, env, args);
	assert_true(term_wait(&t, "Trust this host key? [y/N]", REMOTE_WAIT));
	term_keys(&t, "y");
	term_keys(&t, "Enter");
	char *ready = xasprintf("asr-doctor  %s", spec);
	assert_true(term_wait(&t, "1/40", REMOTE_WAIT));
	assert_true(term_wait(&t, ready, TERM_WAIT));
	assert_int_equal(tu_sh(NULL, "ssh-keygen -F '[127.0.0.1]:%d' -f '%s' | grep -q ssh-ed25519",
			       d.port, kh), 0);
	term_keys(&t, "q");
	assert_true(term_wait(&t, "EXIT=0", TERM_WAIT));
	term_stop(&t);
	free(ready);
	free(spec);
	free(args);
	free(env);
	free(fp);
	free(kh);
	free(home);
	sshd_stop(&d);
}

/* The wizard's own login with a changed host key: a warning screen, then
 * the wizard ends (status 2), the warning left in the scrollback. */
static void test_target_changed_host_key(void **state)
{
	(void)state;
	struct test_sshd d = sshd_start(NULL);
	char *home = make_home("home-target-changed", &d, false);
	assert_int_equal(tu_sh(NULL,
			       "cd '%s/.ssh' && ssh-keygen -q -t ed25519 -N '' -C other -f other && "
			       "printf '[127.0.0.1]:%d ' > known_hosts && cat other.pub >> known_hosts",
			       home, d.port), 0);
	char *env = env_for(home);
	char *args = xasprintf("--lang en --no-auto-check --timeout 60 --target root@127.0.0.1:%d "
			       "-i '%s'",
			       d.port, d.user_key);
	struct term t = { 0 };
	term_start(&t, 100, 30, env, args);
	assert_true(term_wait(&t, "WARNING: the host key has CHANGED", REMOTE_WAIT));
	term_keys(&t, "Enter");
	assert_true(term_wait(&t, "EXIT=2", TERM_WAIT));
	char *h = term_history(&t);
	assert_non_null(strstr(h, "has CHANGED"));
	free(h);
	term_stop(&t);
	free(args);
	free(env);
	free(home);
	sshd_stop(&d);
}

/* A changed host key: refused, with a warning screen naming it. */
static void test_changed_host_key_warning(void **state)
{
	(void)state;
	struct test_sshd d = sshd_start_accounts("PasswordAuthentication yes\n", accounts,
						 ARRAY_LEN(accounts), ROOT_PW);
	char *home = make_home("home-changed", &d, false);
	assert_int_equal(tu_sh(NULL,
			       "cd '%s/.ssh' && ssh-keygen -q -t ed25519 -N '' -C other -f other && "
			       "printf '[127.0.0.1]:%d ' > known_hosts && cat other.pub >> known_hosts",
			       home, d.port), 0);
	char *fp = sshd_fingerprint(&d);
	char *env = env_for(home);
	struct term t = { 0 };
	term_open(&t, 100, 30, env, "--lang en --no-auto-check --timeout 60", "1/40");
	probe_login(&t, &d, ROOT_PW);
	assert_true(term_wait(&t, "WARNING: the host key has CHANGED", REMOTE_WAIT));
	char *s = term_screen_joined(&t);
	assert_non_null(strstr(s, fp));
	assert_non_null(strstr(s, "known_hosts:1"));
	free(s);
	term_keys(&t, "Space");
	assert_true(term_wait(&t, "FAIL ssh handshake", TERM_WAIT));
	/* Nothing was trusted, nothing sent: the password login never ran. */
	s = term_screen(&t);
	assert_null(strstr(s, "password login"));
	free(s);
	assert_int_equal(tu_sh(NULL, "grep -c . '%s/.ssh/known_hosts' | grep -qx 1", home), 0);
	term_keys(&t, "Q");
	assert_true(term_wait(&t, "EXIT=0", REMOTE_WAIT));
	term_stop(&t);
	free(env);
	free(fp);
	free(home);
	sshd_stop(&d);
}

/* A wizard run on a root mounted on a machine over SSH (--target --root),
 * cut off by a hang-up: the next run on that root of that machine (named
 * through a link there: the folder is resolved on the machine) offers to
 * resume it, its place and results back without running anything; the
 * same machine with another root, or the machine itself, is not offered
 * it. The target is made again as every run makes it, by logging in with
 * the engineer's options: its description alone reaches nothing (as for
 * a machine over SSH, test_target). */
static void test_resume_mounted_root_over_ssh(void **state)
{
	(void)state;
	struct test_sshd d = sshd_start(NULL);
	char *home = make_home("home-resume", &d, true);
	char *base_env = env_for(home);
	char *env = xasprintf("%s XDG_STATE_HOME='%s/state'", base_env, home);
	free(base_env);
	char *root = xasprintf("%s/resume-root", scratch), *other = xasprintf("%s/other-root", scratch);
	char *cause = NULL;
	assert_int_equal(content_extract("demo/", root, &cause), 0);
	assert_int_equal(content_extract("demo/", other, &cause), 0);
	char *login = xasprintf("--lang en --no-auto-check --timeout 60 --target root@127.0.0.1:%d "
				"-i '%s'",
				d.port, d.user_key);
	char *args = xasprintf("%s --root '%s'", login, root);
	struct term t = { 0 };
	term_start(&t, 80, 24, env, args);
	assert_true(term_wait(&t, "1/40", REMOTE_WAIT));
	term_keys(&t, ":");
	term_type(&t, "95320");
	term_keys(&t, "Enter");
	assert_true(term_wait(&t, "not run yet", REMOTE_WAIT));
	term_keys(&t, "r");
	assert_true(term_wait(&t, "checks done", REMOTE_WAIT));
	term_signal(&t, "HUP");
	assert_true(term_wait(&t, "EXIT=129", REMOTE_WAIT)); /* 128 + SIGHUP */
	term_stop(&t);

	/* The same root of the same machine, named through a link there:
	 * offered, and resumed. */
	char *link = xasprintf("%s/root-link", scratch);
	assert_int_equal(symlink(root, link), 0);
	char *again = xasprintf("%s --root '%s/.'", login, link);
	term_start(&t, 80, 24, env, again);
	assert_true(term_wait(&t, "Resume?", REMOTE_WAIT));
	term_keys(&t, "y");
	assert_true(term_wait(&t, "resumed", REMOTE_WAIT));
	term_keys(&t, "BSpace");
	assert_true(term_wait(&t, "21/40", REMOTE_WAIT));
	char *s = term_screen(&t);
	assert_non_null(strstr(s, "Enable protection failed"));
	free(s);
	/* Cut off again: the offer stands, kept for each run below. */
	term_signal(&t, "HUP");
	assert_true(term_wait(&t, "EXIT=129", REMOTE_WAIT));
	term_stop(&t);
	assert_int_equal(tu_sh(NULL, "cp '%s/state/asr-doctor/state.json' '%s/saved.json'", home,
			       home), 0);

	/* Another root there, and the machine itself: not offered. */
	char *others[] = { xasprintf("%s --root '%s'", login, other), xstrdup(login) };
	for (size_t i = 0; i < ARRAY_LEN(others); i++) {
		assert_int_equal(tu_sh(NULL, "cp '%s/saved.json' '%s/state/asr-doctor/state.json'",
				       home, home), 0);
		term_start(&t, 80, 24, env, others[i]);
		assert_true(term_wait(&t, "1/40", REMOTE_WAIT));
		assert_true(term_wait_gone(&t, "Resume?", 500));
		term_keys(&t, "q");
		assert_true(term_wait(&t, "EXIT=0", REMOTE_WAIT));
		term_stop(&t);
		free(others[i]);
	}
	free(again);
	free(link);
	free(args);
	free(login);
	free(other);
	free(root);
	free(env);
	free(home);
	sshd_stop(&d);
}

int main(void)
{
	scratch = term_suite_begin("remote");
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_title_names_the_linux_machine),
		cmocka_unit_test(test_windows_wizard),
		cmocka_unit_test(test_probe_screen_all_steps),
		cmocka_unit_test(test_probe_screen_stops_at_95108),
		cmocka_unit_test(test_unknown_host_key_screen),
		cmocka_unit_test(test_changed_host_key_warning),
		cmocka_unit_test(test_target_password_never_shown),
		cmocka_unit_test(test_target_kbd_question),
		cmocka_unit_test(test_target_unknown_host_key),
		cmocka_unit_test(test_target_changed_host_key),
		cmocka_unit_test(test_resume_mounted_root_over_ssh),
	};
	return tu_scratch_done(cmocka_run_group_tests_name("wizard remote", tests, NULL, NULL));
}
