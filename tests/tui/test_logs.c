/* test_logs.c: the installer logs screen (L) and code jumps in a real
 * terminal (tmux): a recorded UTF-16LE log named at the prompt, its codes
 * listed with the lines around the selected one, Enter opening the
 * section and Backspace coming back, an unknown code, control characters
 * escaped on the screen, the known places of a mounted root, the help
 * entry, and : jumping by any spelling of a code, a pasted portal message
 * of several lines too; a big log's progress, cancelled by Esc or Ctrl-C. */
#include "support/testutil.h"

#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "engine/util/util.h"
#include "support/term.h"

#define FIX "tests/fixtures/logs/"

/* The absolute path of a fixture (the wizard runs in another folder). */
static char *fixture(const char *name)
{
	char cwd[PATH_MAX];
	assert_non_null(getcwd(cwd, sizeof cwd));
	return xasprintf("%s/" FIX "%s", cwd, name);
}

static void test_log_screen(void **state)
{
	(void)state;
	struct term t = { 0 };
	term_open(&t, 80, 24, TERM_ENV_UTF8, "--lang en --no-auto-check", "1/40");
	term_keys(&t, "L");
	assert_true(term_wait(&t, "Log file (Enter: the known places):", TERM_WAIT));
	char *path = fixture("ASRUnifiedAgentInstaller.utf16le-bom-crlf.log");
	term_type(&t, path);
	term_keys(&t, "Enter");
	assert_true(term_wait(&t, "Installer logs: 2 codes the article names, 1 unknown, in 1 log", TERM_WAIT));
	char *s = term_screen(&t);
	assert_non_null(strstr(s, ">      7  0x8004E00F x2  \u2192 VSS error - 0x8004E00F\n"));
	assert_non_null(strstr(s, "       8  exit 802 x2  \u2192 VSS error - 0x8004E00F\n"));
	assert_non_null(strstr(s, "      17  0x80070005  \u2192 unknown: no section names it\n"));
	/* Below the list: the lines around the selected code. */
	assert_non_null(strstr(s, "\n\n-- ASRUnifiedAgentInstaller.utf16le-bom-crlf.log, line 7 --\n"));
	/* The lines around the selected code, numbered. */
	assert_non_null(strstr(s, "     5  ERROR:"));
	assert_non_null(strstr(s, "     7  - Error code: -2147164145 [0x8004E00F]"));
	assert_non_null(strstr(s, "     9  Unregistering the existing application..."));
	assert_non_null(strstr(s, "Logs 1/3"));
	free(s);
	/* Moving reads the context of the next code. */
	term_keys(&t, "j");
	assert_true(term_wait(&t, "    10  Create the catalogue object", TERM_WAIT));
	assert_true(term_wait(&t, "Logs 2/3", TERM_WAIT));
	/* An unknown code has no section to open. */
	term_keys(&t, "j");
	term_keys(&t, "Enter");
	assert_true(term_wait(&t, "no section names 0x80070005", TERM_WAIT));
	/* Enter opens the section; Backspace comes back to the list. */
	term_keys(&t, "Home");
	term_keys(&t, "Enter");
	assert_true(term_wait(&t, "#vss-error---0x8004e00f", TERM_WAIT));
	term_keys(&t, "BSpace");
	assert_true(term_wait(&t, "Logs 1/3", TERM_WAIT));
	term_keys(&t, "BSpace");
	assert_true(term_wait(&t, "/40", TERM_WAIT));
	assert_true(term_wait_gone(&t, "Installer logs:", TERM_WAIT));
	/* A missing file says so and stays on the tree. */
	term_keys(&t, "L");
	term_type(&t, "/nonexistent/x.log");
	term_keys(&t, "Enter");
	assert_true(term_wait(&t, "/nonexistent/x.log: No such file or directory", TERM_WAIT));
	free(path);
	/* A line with a terminal escape sequence is shown escaped. */
	term_keys(&t, "L");
	path = fixture("ua_install.utf8-bom-mixed.log");
	term_type(&t, path);
	term_keys(&t, "Enter");
	assert_true(term_wait(&t, "Installer logs: 4 codes", TERM_WAIT));
	term_keys(&t, "G");
	term_keys(&t, "k");
	assert_true(term_wait(&t, "     5  \\x1B]0;title\\x07exit code 806 after\\tcleanup", TERM_WAIT));
	/* exit code 806 names one section; the repeated code two lines. */
	s = term_screen(&t);
	assert_non_null(strstr(s, "      4  0x80070430 x2"));
	free(s);
	free(path);
	/* q closes the logs, a second q quits from the tree. */
	term_keys(&t, "q");
	assert_true(term_wait_gone(&t, "Installer logs:", TERM_WAIT));
	term_keys(&t, "q");
	assert_true(term_wait(&t, "EXIT=0", TERM_WAIT));
	term_stop(&t);
}

/* L then Enter: the logs in the known places of the mounted root. */
static void test_log_known_places(void **state)
{
	(void)state;
	char *dir = tu_mkdtemp("tui-logs");
	assert_int_equal(tu_sh(NULL, "mkdir -p %s/programdata/ASRSETUPLOGS/UploadedLogs && cp " FIX
				     "UA_InstallLogFile.utf16le-nobom-lf.log %s/programdata/ASRSETUPLOGS/UploadedLogs/"
				     "UA_InstallLogFile.log",
			       dir, dir),
		 0);
	char *args = xasprintf("--lang en --no-auto-check --root %s", dir);
	struct term t = { 0 };
	term_open(&t, 100, 30, TERM_ENV_UTF8, args, "/40");
	term_keys(&t, "L");
	assert_true(term_wait(&t, "Log file", TERM_WAIT));
	term_keys(&t, "Enter");
	assert_true(term_wait(&t, "Installer logs: 4 codes the article names, 0 unknown, in 1 log", TERM_WAIT));
	char *s = term_screen(&t);
	assert_non_null(strstr(s, "     2  \"COM+ was unable to talk to the Microsoft"));
	assert_non_null(strstr(s, "     4  exit 511  \u2192 VSS error -2147023170 [0x800706BE] - exit code 511 (+1)"));
	assert_non_null(strstr(s, "-- UA_InstallLogFile.log, line 2 --"));
	free(s);
	/* exit 511 names two sections: Enter offers the choice. */
	term_keys(&t, "G");
	term_keys(&t, "Enter");
	assert_true(term_wait(&t, "VSS error 7 [0x7] - exit code 511", TERM_WAIT));
	assert_true(term_wait(&t, "Several sections match", TERM_WAIT));
	term_keys(&t, "BSpace");
	assert_true(term_wait(&t, "Logs 4/4", TERM_WAIT));
	term_keys(&t, "Q");
	assert_true(term_wait(&t, "EXIT=0", TERM_WAIT));
	term_stop(&t);
	/* An empty root has no log: a message, no screen. */
	tu_rmtree(dir);
	free(dir);
	free(args);
	dir = tu_mkdtemp("tui-logs");
	args = xasprintf("--lang en --no-auto-check --root %s", dir);
	term_open(&t, 80, 24, TERM_ENV_UTF8, args, "/40");
	term_keys(&t, "L");
	term_keys(&t, "Enter");
	assert_true(term_wait(&t, "no installer log in the known places", TERM_WAIT));
	term_keys(&t, "q");
	assert_true(term_wait(&t, "EXIT=0", TERM_WAIT));
	term_stop(&t);
	tu_rmtree(dir);
	free(dir);
	free(args);
}

/* : then text opens the section of anchor; Backspace comes back. */
static void jump_and_back(struct term *t, const char *text, const char *anchor)
{
	term_keys(t, ":");
	assert_true(term_wait(t, "ErrorID or anchor:", TERM_WAIT));
	term_type(t, text);
	term_keys(t, "Enter");
	assert_true(term_wait(t, anchor, TERM_WAIT));
	term_keys(t, "BSpace");
	assert_true(term_wait_gone(t, anchor, TERM_WAIT));
}

/* g and : take any spelling of a code, and L is in the help. */
static void test_jump_by_code_and_help(void **state)
{
	(void)state;
	struct term t = { 0 };
	term_open(&t, 80, 40, TERM_ENV_UTF8, "--lang en --no-auto-check", "1/40");
	/* (A space first: tmux would take a leading '-' for an option.) */
	static const char *const spellings[] = { " -2147164145", "2147803151", "0x8004E00F", "8004E00F",
						 "HRESULT: 0x8004E00F", "exit code 802", "exit code: 802" };
	for (size_t i = 0; i < ARRAY_LEN(spellings); i++)
		jump_and_back(&t, spellings[i], "#vss-error---0x8004e00f");
	term_keys(&t, ":");
	term_type(&t, "Exit code: 806");
	term_keys(&t, "Enter");
	assert_true(term_wait(&t, "#vss-exit-code-806", TERM_WAIT));
	term_keys(&t, "BSpace");
	/* An ErrorID with or without its word. */
	static const char *const ids[] = { "95320", "ErrorID 95320", "ErrorID: 95320" };
	for (size_t i = 0; i < ARRAY_LEN(ids); i++)
		jump_and_back(&t, ids[i], "#enable-protection-failed-as-device-name");
	/* A pasted portal message: its ErrorID. */
	term_keys(&t, ":");
	term_type(&t, "Enable protection failed. Error ID: 95320. Possible causes: a device name");
	term_keys(&t, "Enter");
	assert_true(term_wait(&t, "#enable-protection-failed-as-device-name", TERM_WAIT));
	term_keys(&t, "BSpace");
	/* A portal message of several lines pasted whole (its last line
	 * end submits it): the ErrorID on its second line is found. */
	term_keys(&t, ":");
	assert_true(term_wait(&t, "ErrorID or anchor:", TERM_WAIT));
	term_paste(&t, "Enable protection failed for the machine.\nError ID\n95320\n"
		       "Error Message: the GRUB configuration names a device, not its UUID.\n");
	assert_true(term_wait(&t, "#enable-protection-failed-as-device-name", TERM_WAIT));
	term_keys(&t, "BSpace");
	/* Without the last line end, Enter submits it. */
	term_keys(&t, ":");
	term_paste(&t, "VSS error\r\nError code: -2147164145 [0x8004E00F]\r\nExit code: 802");
	assert_true(term_wait(&t, "Exit code: 802", TERM_WAIT));
	term_keys(&t, "Enter");
	assert_true(term_wait(&t, "#vss-error---0x8004e00f", TERM_WAIT));
	term_keys(&t, "BSpace");
	term_keys(&t, "?");
	assert_true(term_wait(&t, "installer logs: the codes of a log file", TERM_WAIT));
	term_keys(&t, "q");
	term_stop(&t);
}

/* A big log shows how far the scan got; Esc or Ctrl-C stops it and
 * gives the prompt back with the path typed, the list read before kept. */
static void test_big_log_cancelled(void **state)
{
	(void)state;
	/* 64 GB of nothing (a sparse file): minutes to read. */
	char *dir = tu_mkdtemp("biglog");
	char *big = xasprintf("%s/big.log", dir);
	int fd = open(big, O_WRONLY | O_CREAT | O_EXCL, 0600);
	assert_true(fd >= 0);
	assert_int_equal(ftruncate(fd, 64LL << 30), 0);
	close(fd);
	struct term t = { 0 };
	term_open(&t, 100, 24, TERM_ENV_UTF8, "--lang en --no-auto-check", "1/40");
	char *path = fixture("ASRUnifiedAgentInstaller.utf16le-bom-crlf.log");
	term_keys(&t, "L");
	term_type(&t, path);
	term_keys(&t, "Enter");
	assert_true(term_wait(&t, "Installer logs: 2 codes the article names, 1 unknown, in 1 log", TERM_WAIT));
	static const char *const stops[] = { "Escape", "C-c" };
	for (size_t i = 0; i < ARRAY_LEN(stops); i++) {
		term_keys(&t, "L");
		assert_true(term_wait(&t, "Log file (Enter: the known places):", TERM_WAIT));
		term_type(&t, big);
		term_keys(&t, "Enter");
		assert_true(term_wait(&t, "Reading big.log: ", TERM_WAIT));
		assert_true(term_wait(&t, " of 65536 MB)  Esc cancels", TERM_WAIT));
		term_keys(&t, stops[i]);
		assert_true(term_wait(&t, "Log file (Enter: the known places): ", TERM_WAIT));
		assert_true(term_wait(&t, "/big.log", TERM_WAIT));
		assert_true(term_wait_gone(&t, "Esc cancels", TERM_WAIT));
		/* The list read before is still there. */
		char *s = term_screen(&t);
		assert_non_null(strstr(s, "Installer logs: 2 codes the article names, 1 unknown, in 1 log"));
		assert_non_null(strstr(s, "0x8004E00F x2"));
		assert_null(strstr(s, "EXIT="));
		free(s);
		term_keys(&t, "Escape");
		assert_true(term_wait(&t, "Logs 1/3", TERM_WAIT));
	}
	term_keys(&t, "Q");
	assert_true(term_wait(&t, "EXIT=0", TERM_WAIT));
	term_stop(&t);
	free(path);
	unlink(big);
	free(big);
	tu_rmtree(dir);
	free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_log_screen),
		cmocka_unit_test(test_log_known_places),
		cmocka_unit_test(test_jump_by_code_and_help),
		cmocka_unit_test(test_big_log_cancelled),
	};
	return cmocka_run_group_tests_name("logs", tests, NULL, NULL);
}
