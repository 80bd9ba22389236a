/* test_session.c: surviving the line and handing over: after a hang-up
 * the next run offers to resume (place and results), a clean quit does
 * not, a fix's or an undo's confirmation comes back with its prompt in
 * view; SIGTERM restores the terminal; a saved report replays read-only. */
#include "support/testutil.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "engine/content.h"
#include "engine/change/journal.h"
#include "engine/util/util.h"
#include "support/term.h"

static const char *base;

/* A copy of the demo machine as a mounted root of its own. */
static char *make_root(const char *tag)
{
	char *dir = xasprintf("%s/%s", base, tag);
	char *cause = NULL;
	assert_int_equal(content_extract("demo/", dir, &cause), 0);
	return dir;
}

static void test_resume_after_hangup(void **state)
{
	(void)state;
	char *root = make_root("resume-root");
	char *env = xasprintf("%s XDG_STATE_HOME=%s/state", TERM_ENV_UTF8, base);
	char *args = xasprintf("--lang en --root %s --no-auto-check", root);
	struct term t = { 0 };
	term_open(&t, 80, 24, env, args, "1/40");
	term_keys(&t, ":");
	term_type(&t, "95320");
	term_keys(&t, "Enter");
	assert_true(term_wait(&t, "not run yet", TERM_WAIT));
	term_keys(&t, "r");
	assert_true(term_wait(&t, "checks done", TERM_WAIT));
	/* The line drops. */
	term_signal(&t, "HUP");
	assert_true(term_wait(&t, "EXIT=129", TERM_WAIT)); /* 128 + SIGHUP */
	term_stop(&t);

	/* The next run on the same root offers to resume. */
	term_open(&t, 80, 24, env, args, "Resume?");
	assert_true(term_wait(&t, "without quitting", TERM_WAIT));
	term_keys(&t, "y");
	assert_true(term_wait(&t, "resumed", TERM_WAIT));
	/* Its place and its results, without running anything. */
	term_keys(&t, "BSpace");
	assert_true(term_wait(&t, "21/40", TERM_WAIT));
	char *s = term_screen(&t);
	assert_non_null(strstr(s, "\xe2\x9c\x97   Enable protection failed"));
	free(s);
	term_keys(&t, "q");
	assert_true(term_wait(&t, "EXIT=0", TERM_WAIT));
	term_stop(&t);

	/* After a clean quit there is nothing to resume. */
	term_open(&t, 80, 24, env, args, "1/40");
	assert_true(term_wait_gone(&t, "Resume?", 500));
	term_stop(&t);

	/* Another root does not get this root's offer. */
	char *other = make_root("other-root");
	free(args);
	args = xasprintf("--lang en --root %s --no-auto-check", other);
	term_open(&t, 80, 24, env, args, "1/40");
	term_stop(&t);
	free(other);
	free(args);
	free(env);
	free(root);
}

static void test_sigterm_restores_terminal(void **state)
{
	(void)state;
	struct term t = { 0 };
	term_open(&t, 80, 24, TERM_ENV_UTF8, "--lang en --no-auto-check", "1/40");
	term_signal(&t, "TERM");
	assert_true(term_wait(&t, "EXIT=143", TERM_WAIT)); /* 128 + SIGTERM */
	char *s = term_screen(&t);
	assert_null(strstr(s, "Credentials check"));
	free(s);
	term_stop(&t);
}

/* A hang-up while an undo waits for confirmation: the offer says so, and
 * resuming shows the undo again, unapplied, with its prompt in view. */
/* On a confirmation screen: a key (so the state is saved there), a
 * hang-up, and the next run resumed: the offer names the undo when there
 * is one, the confirmation comes back (its title shown), and its
 * Apply? [y/N] prompt is not covered by the resume's own message; Esc
 * cancels it. */
static void hang_up_and_resume(struct term *t, const char *env, const char *args, const char *offer,
			       const char *title)
{
	term_keys(t, "j");
	term_signal(t, "HUP");
	assert_true(term_wait_program_gone(t, TERM_WAIT));
	term_stop(t);

	term_open(t, 80, 24, env, args, "Resume?");
	if (offer)
		assert_true(term_wait(t, offer, TERM_WAIT));
	term_keys(t, "y");
	assert_true(term_wait(t, title, TERM_WAIT));
	assert_true(term_wait(t, "Apply? [y/N]", TERM_WAIT));
	char *last = term_line(t, 23);
	if (!strstr(last, "Apply? [y/N]"))
		print_error("status line after the resume: \"%s\"\n", last);
	assert_non_null(strstr(last, "Apply? [y/N]"));
	assert_null(strstr(last, "R runs the checks again"));
	free(last);
	term_keys(t, "Escape");
	assert_true(term_wait(t, "cancelled: nothing was changed", TERM_WAIT));
	term_stop(t);
}

static void test_resume_on_fix_confirmation(void **state)
{
	(void)state;
	char *root = make_root("fix-root");
	char *env = xasprintf("%s XDG_STATE_HOME=%s/fix-state", TERM_ENV_UTF8, base);
	char *args = xasprintf("--lang en --root %s --no-auto-check", root);
	struct term t = { 0 };
	term_open(&t, 80, 24, env, args, "1/40");
	term_keys(&t, "j r");
	assert_true(term_wait(&t, "checks done", TERM_WAIT));
	term_keys(&t, "f");
	assert_true(term_wait(&t, "Apply? [y/N]", TERM_WAIT));
	hang_up_and_resume(&t, env, args, NULL, "Let root log in to sshd with a password");
	free(env);
	free(args);
	free(root);
}

static void test_resume_on_undo_confirmation(void **state)
{
	(void)state;
	char *root = make_root("undo-root");
	char *env = xasprintf("%s XDG_STATE_HOME=%s/undo-state", TERM_ENV_UTF8, base);
	char *args = xasprintf("--lang en --root %s --no-auto-check", root);
	/* A fix applied from the command line: entry 1. */
	assert_int_equal(tu_sh(NULL, "%s --root %s fix 95108 --yes >/dev/null 2>&1", tu_binary(), root), 0);
	struct term t = { 0 };
	term_open(&t, 80, 24, env, args, "1/40");
	term_keys(&t, "H");
	assert_true(term_wait(&t, "1 entry", TERM_WAIT));
	term_keys(&t, "u");
	assert_true(term_wait(&t, "Undo a fix", TERM_WAIT));
	hang_up_and_resume(&t, env, args, "with the undo of entry 1", "Undo a fix");
	free(env);
	free(args);
	free(root);
}

static void test_replay_is_read_only(void **state)
{
	(void)state;
	char *report = xasprintf("%s/case.json", base);
	int rc = tu_sh(NULL, "TMPDIR=%s %s --lang zh-CN --demo report --json -o %s", base, tu_binary(), report);
	assert_int_equal(rc, 1);
	/* Replayed in the report's language, with its statuses. */
	char *args = xasprintf("--replay %s", report);
	struct term t = { 0 };
	term_open(&t, 80, 24, TERM_ENV_UTF8, args, "demo sandbox");
	assert_true(term_wait(&t, "凭据检查（ErrorID：95107 和 95108）", TERM_WAIT));
	/* Which machine the report came from: host, OS, kernel. */
	assert_true(term_wait(&t, "Ubuntu 22.04.4 LTS", TERM_WAIT));
	char *line = term_line(&t, 23);
	assert_non_null(strstr(line, "记录于 "));
	assert_non_null(strstr(line, "内核"));
	free(line);
	line = term_line(&t, 0);
	assert_non_null(strstr(line, "回放 "));
	free(line);
	char *s = term_screen(&t);
	assert_non_null(strstr(s, "\xe2\x9c\x97   凭据检查"));
	free(s);
	/* Nothing runs and nothing changes. */
	term_keys(&t, "R");
	assert_true(term_wait(&t, "只读", TERM_WAIT));
	term_keys(&t, "j f");
	assert_true(term_wait(&t, "只读", TERM_WAIT));
	/* The recorded finding is there. */
	term_keys(&t, "Enter");
	assert_true(term_wait(&t, "60-cloudimg-settings.conf:1", TERM_WAIT));
	term_keys(&t, "Q");
	assert_true(term_wait(&t, "EXIT=0", TERM_WAIT));
	term_stop(&t);
	/* A file that is not a report is refused with a clear message. */
	char *bad = xasprintf("%s/bad.json", base);
	tu_write_file(bad, "{\"schema\": 7}");
	char *out = NULL;
	rc = tu_sh(&out, "%s --replay %s 2>&1 </dev/null", tu_binary(), bad);
	assert_int_equal(rc, 2);
	assert_non_null(strstr(out, "schema"));
	free(out);
	free(bad);
	free(args);
	free(report);
}

/* The title line (row 0) holds needle, and not gone (NULL: no check). */
static void title_has(struct term *t, const char *needle, const char *gone)
{
	char *line = term_line(t, 0);
	if (!strstr(line, needle) || (gone && strstr(line, gone)))
		print_error("title: \"%s\"\n", line);
	assert_non_null(strstr(line, needle));
	if (gone)
		assert_null(strstr(line, gone));
	free(line);
}

/* A replayed report and a resumed run bring back the --account they were
 * made with: the title names it, and a different --account is refused
 * (replay) or not offered the run (resume). */
static void test_account_comes_back(void **state)
{
	(void)state;
	char *report = xasprintf("%s/account.json", base);
	int rc = tu_sh(NULL, "TMPDIR=%s %s --lang en --demo windows --account asradmin report --json -o %s",
		       base, tu_binary(), report);
	assert_int_equal(rc, 1);
	char *args = xasprintf("--lang en --replay %s", report);
	struct term t = { 0 };
	term_open(&t, 100, 24, TERM_ENV_UTF8, args, "replay of");
	title_has(&t, "account asradmin", NULL);
	term_keys(&t, "Q");
	assert_true(term_wait(&t, "EXIT=0", TERM_WAIT));
	term_stop(&t);
	char *out = NULL;
	rc = tu_sh(&out, "%s --lang en --account other --replay %s 2>&1 </dev/null", tu_binary(), report);
	assert_int_equal(rc, 2);
	assert_non_null(strstr(out, "was made for the account asradmin"));
	free(out);

	/* A run on a Windows volume for asradmin drops its line... */
	char *root = xasprintf("%s/winvol-root", base);
	char *cause = NULL;
	assert_int_equal(content_extract("demo-windows/", root, &cause), 0);
	char *env = xasprintf("%s XDG_STATE_HOME=%s/account-state", TERM_ENV_UTF8, base);
	free(args);
	args = xasprintf("--lang en --root %s --account asradmin --no-auto-check", root);
	term_open(&t, 100, 24, env, args, "1/");
	title_has(&t, "account asradmin", NULL);
	term_keys(&t, "j");
	term_signal(&t, "HUP");
	assert_true(term_wait(&t, "EXIT=129", TERM_WAIT));
	term_stop(&t);
	/* ...and another account is not offered it. */
	free(args);
	args = xasprintf("--lang en --root %s --account someone --no-auto-check", root);
	term_open(&t, 100, 24, env, args, "1/");
	assert_true(term_wait_gone(&t, "Resume?", 500));
	title_has(&t, "account someone", "asradmin");
	term_keys(&t, "q");
	assert_true(term_wait(&t, "EXIT=0", TERM_WAIT));
	term_stop(&t);
	/* The other account's clean quit saved its own state: drop asradmin's
	 * line again, then resume it without --account. */
	free(args);
	args = xasprintf("--lang en --root %s --account asradmin --no-auto-check", root);
	term_open(&t, 100, 24, env, args, "1/");
	term_signal(&t, "HUP");
	assert_true(term_wait(&t, "EXIT=129", TERM_WAIT));
	term_stop(&t);
	free(args);
	args = xasprintf("--lang en --root %s --no-auto-check", root);
	term_open(&t, 100, 24, env, args, "Resume?");
	/* The offer names the account (its words may wrap). */
	char *s = term_screen(&t);
	for (char *c = s; *c; c++)
		if (*c == '\n')
			*c = ' ';
	if (!strstr(s, "(account asradmin) stopped at"))
		print_error("%s\n", s);
	assert_non_null(strstr(s, "(account asradmin) stopped at"));
	free(s);
	title_has(&t, "Windows volume", "asradmin");
	term_keys(&t, "y");
	assert_true(term_wait(&t, "resumed", TERM_WAIT));
	title_has(&t, "account asradmin", NULL);
	term_keys(&t, "q");
	assert_true(term_wait(&t, "EXIT=0", TERM_WAIT));
	term_stop(&t);
	free(env);
	free(args);
	free(root);
	free(report);
}

/* An sshd change made over one SSH connection waits for its guard: the
 * wizard reached through a new connection offers to confirm it (c), and
 * the same connection is not offered anything. */
static void test_confirm_from_new_login(void **state)
{
	(void)state;
	char *root = make_root("guard-root");
	char *jdir = xasprintf("%s/var/lib/asr-doctor/journal", root);
	/* A stand-in guard: a process of ours that is alive while we test. */
	pid_t guard = fork();
	assert_true(guard >= 0);
	if (guard == 0) {
		execlp("sleep", "sleep", "60", (char *)NULL);
		_exit(127);
	}
	struct journal *j = NULL;
	char *cause = NULL;
	assert_int_equal(journal_open(jdir, NULL, true, &j, &cause), 0);
	char *id = journal_new_entry(j, &cause);
	assert_non_null(id);
	struct journal_entry e = { 0 };
	e.id = id;
	e.time = journal_now();
	e.target = (char *)"mounted root";
	e.target_kind = (char *)"root";
	e.title = (char *)"Let root log in to sshd with a password";
	e.fix_id = (char *)"sshd.enable_password";
	e.ssh_connection = (char *)"192.0.2.7 50000 192.0.2.4 22";
	e.service = (char *)"sshd";
	e.outcome = JOURNAL_APPLIED;
	assert_int_equal(journal_record_start(j, &e, &cause), 0);
	assert_int_equal(journal_record_end(j, &e, &cause), 0);
	assert_int_equal(
	        journal_record_guard(j, id, (long)guard, (long long)time(NULL) + 60, NULL, &cause), 0);
	journal_close(j);

	/* The same connection: nothing is offered. */
	char *env = xasprintf("%s SSH_CONNECTION='192.0.2.7 50000 192.0.2.4 22'", TERM_ENV_UTF8);
	char *args = xasprintf("--lang en --root %s --no-auto-check", root);
	struct term t = { 0 };
	term_open(&t, 80, 24, env, args, "1/40");
	assert_true(term_wait_gone(&t, "Confirm the change", 300));
	term_stop(&t);
	free(env);
	char *confirmed = xasprintf("%s/confirm/%s", jdir, id);
	assert_int_not_equal(access(confirmed, F_OK), 0);

	/* A new login: the offer, and c confirms. */
	env = xasprintf("%s SSH_CONNECTION='192.0.2.7 50123 192.0.2.4 22'", TERM_ENV_UTF8);
	term_open(&t, 80, 24, env, args, "Confirm the change");
	assert_true(term_wait(&t, "entry 1: Let root log in", TERM_WAIT));
	term_keys(&t, "c");
	assert_true(term_wait_gone(&t, "Confirm the change", TERM_WAIT));
	term_stop(&t);
	assert_int_equal(access(confirmed, F_OK), 0);

	kill(guard, SIGTERM);
	waitpid(guard, NULL, 0);
	free(confirmed);
	free((char *)e.time);
	free(id);
	free(env);
	free(args);
	free(jdir);
	free(root);
}

int main(void)
{
	base = term_suite_begin("session");
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_resume_after_hangup),
		cmocka_unit_test(test_sigterm_restores_terminal),
		cmocka_unit_test(test_resume_on_fix_confirmation),
		cmocka_unit_test(test_resume_on_undo_confirmation),
		cmocka_unit_test(test_replay_is_read_only),
		cmocka_unit_test(test_account_comes_back),
		cmocka_unit_test(test_confirm_from_new_login),
	};
	return tu_scratch_done(cmocka_run_group_tests_name("wizard session", tests, NULL, NULL));
}
