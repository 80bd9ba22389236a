/* test_log.c: `asr-doctor log` and the code spellings of `explain` as
 * users and scripts see them: the hits of recorded logs (text and JSON),
 * escaping, exit statuses, the known log places under --root, every
 * spelling of a code finding its section, and a big log read in bounded
 * memory. */
#include "support/testutil.h"

#include <cjson/cJSON.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "engine/util/util.h"

#define FIX "tests/fixtures/logs/"

static int run(char **out, const char *args)
{
	return tu_sh(out, "%s --lang en %s 2>&1", tu_binary(), args);
}

static void test_log_text(void **state)
{
	(void)state;
	char *out;
	assert_int_equal(run(&out, "log " FIX "ASRUnifiedAgentInstaller.utf16le-bom-crlf.log"), 1);
	assert_non_null(strstr(out, FIX "ASRUnifiedAgentInstaller.utf16le-bom-crlf.log:7: 0x8004E00F -> "
				    "#vss-error---0x8004e00f (VSS error - 0x8004E00F); 2 lines, the last 15\n"
				    "    - Error code: -2147164145 [0x8004E00F]\n"));
	assert_non_null(strstr(out, ":8: exit 802 -> #vss-error---0x8004e00f"));
	assert_non_null(strstr(out, ":17: 0x80070005 unknown: no section names it\n"));
	assert_non_null(strstr(out, "2 codes the article names, 1 unknown, in 1 log;"));
	free(out);
	/* Control characters never reach the terminal raw. */
	assert_int_equal(run(&out, "log " FIX "ua_install.utf8-bom-mixed.log"), 1);
	assert_non_null(strstr(out, "    \\x1B]0;title\\x07exit code 806 after\\tcleanup\n"));
	assert_null(strchr(out, '\x1b'));
	free(out);
	/* Several files; a log without codes. */
	char *dir = tu_mkdtemp("log");
	char *clean = xasprintf("%s/clean.log", dir);
	tu_write_file(clean, "Installation succeeded\nExit code: 0\n");
	char *args = xasprintf("log %s", clean);
	assert_int_equal(run(&out, args), 0);
	assert_non_null(strstr(out, "clean.log: no code (2 lines, utf-8)"));
	free(out);
	free(args);
	args = xasprintf("log %s " FIX "vss.utf16be-bom.log", clean);
	assert_int_equal(run(&out, args), 1);
	assert_non_null(strstr(out, "vss.utf16be-bom.log:1: 0x800706BE"));
	free(out);
	free(args);
	/* A file that cannot be read: 2, and the others are still scanned. */
	args = xasprintf("log %s/missing.log " FIX "vss.utf16be-bom.log", dir);
	assert_int_equal(run(&out, args), 2);
	assert_non_null(strstr(out, "missing.log: No such file or directory"));
	assert_non_null(strstr(out, "vss.utf16be-bom.log:1:"));
	free(out);
	free(args);
	free(clean);
	tu_rmtree(dir);
	free(dir);
}

static void test_log_json(void **state)
{
	(void)state;
	char *out;
	assert_int_equal(tu_sh(&out, "%s log --json " FIX "ua_install.utf8-bom-mixed.log " FIX
				     "UA_InstallLogFile.utf16le-nobom-lf.log 2>/dev/null",
			       tu_binary()),
			 1);
	cJSON *j = cJSON_Parse(out);
	assert_non_null(j);
	assert_int_equal(cJSON_GetObjectItem(j, "known")->valueint, 8);
	assert_int_equal(cJSON_GetObjectItem(j, "unknown")->valueint, 0);
	const cJSON *logs = cJSON_GetObjectItem(j, "logs");
	assert_int_equal(cJSON_GetArraySize(logs), 2);
	const cJSON *l0 = cJSON_GetArrayItem(logs, 0);
	assert_string_equal(cJSON_GetObjectItem(l0, "encoding")->valuestring, "utf-8");
	assert_true(cJSON_IsTrue(cJSON_GetObjectItem(l0, "bom")));
	assert_int_equal(cJSON_GetObjectItem(l0, "lines")->valueint, 6);
	/* The line exactly, control characters included. */
	const cJSON *h = cJSON_GetArrayItem(cJSON_GetObjectItem(l0, "hits"), 3);
	assert_string_equal(cJSON_GetObjectItem(h, "code")->valuestring, "exit 806");
	assert_string_equal(cJSON_GetObjectItem(h, "kind")->valuestring, "exit");
	assert_string_equal(cJSON_GetObjectItem(h, "text")->valuestring,
			    "\x1b]0;title\x07" "exit code 806 after\tcleanup");
	assert_int_equal(cJSON_GetObjectItem(h, "line")->valueint, 5);
	const cJSON *sec = cJSON_GetArrayItem(cJSON_GetObjectItem(h, "sections"), 0);
	assert_string_equal(cJSON_GetObjectItem(sec, "anchor")->valuestring, "vss-exit-code-806");
	const cJSON *l1 = cJSON_GetArrayItem(logs, 1);
	assert_string_equal(cJSON_GetObjectItem(l1, "encoding")->valuestring, "utf-16le");
	h = cJSON_GetArrayItem(cJSON_GetObjectItem(l1, "hits"), 1);
	assert_string_equal(cJSON_GetObjectItem(h, "kind")->valuestring, "message");
	assert_true(str_starts(cJSON_GetObjectItem(h, "code")->valuestring, "COM+ was unable"));
	cJSON_Delete(j);
	free(out);
}

/* Without FILE: the known places of a mounted root. */
static void test_log_known_places(void **state)
{
	(void)state;
	char *dir = tu_mkdtemp("log");
	char *out;
	char *args = xasprintf("--root %s log", dir);
	assert_int_equal(run(&out, args), 2);
	assert_non_null(strstr(out, "no installer log in the known places"));
	free(out);
	char *p = xasprintf("%s/ProgramData/ASRSetupLogs/ASRUnifiedAgentInstaller.log", dir);
	assert_int_equal(tu_sh(NULL, "mkdir -p %s/ProgramData/ASRSetupLogs && cp " FIX
				     "ASRUnifiedAgentInstaller.utf16le-bom-crlf.log %s",
			       dir, p),
			 0);
	free(p);
	p = xasprintf("%s/var/log/ua_install.log", dir);
	tu_write_file(p, "- Exit code: 806\n");
	free(p);
	assert_int_equal(run(&out, args), 1);
	assert_non_null(strstr(out, "/var/log/ua_install.log:1: exit 806 -> #vss-exit-code-806"));
	assert_non_null(strstr(out, "/ProgramData/ASRSetupLogs/ASRUnifiedAgentInstaller.log:7: 0x8004E00F"));
	assert_non_null(strstr(out, "in 2 logs"));
	free(out);
	free(args);
	tu_rmtree(dir);
	free(dir);
}

/* Every spelling of a code opens its section in explain. */
static void test_explain_spellings(void **state)
{
	(void)state;
	static const char *const hresult[] = { "-2147164145", "2147803151", "0x8004E00F", "8004E00F",
					       "'HRESULT: 0x8004E00F'" };
	char *out;
	for (size_t i = 0; i < ARRAY_LEN(hresult); i++) {
		char *args = xasprintf("explain %s", hresult[i]);
		assert_int_equal(run(&out, args), 0);
		assert_true(str_starts(out, "VSS error - 0x8004E00F\n"));
		free(out);
		free(args);
	}
	static const char *const exits[] = { "'exit code 806'", "'exit code: 806'", "'Exit code: 806'",
					     "'exit 806'" };
	for (size_t i = 0; i < ARRAY_LEN(exits); i++) {
		char *args = xasprintf("explain %s", exits[i]);
		assert_int_equal(run(&out, args), 0);
		assert_true(str_starts(out, "VSS exit code 806\n"));
		free(out);
		free(args);
	}
	static const char *const ids[] = { "95320", "'ErrorID 95320'", "'ErrorID: 95320'",
					   "'Enable protection failed. Error ID: 95320. Possible causes: ...'" };
	for (size_t i = 0; i < ARRAY_LEN(ids); i++) {
		char *args = xasprintf("explain %s", ids[i]);
		assert_int_equal(run(&out, args), 0);
		assert_true(str_starts(out, "Enable protection failed"));
		free(out);
		free(args);
	}
	/* exit 511: two sections. */
	assert_int_equal(run(&out, "explain 'exit code 511'"), 0);
	assert_non_null(strstr(out, "VSS error -2147023170 [0x800706BE] - exit code 511\n"));
	assert_non_null(strstr(out, "VSS error 7 [0x7] - exit code 511\n"));
	free(out);
	assert_int_equal(run(&out, "explain 0x80070005"), 1);
	free(out);
	/* The words of a code as separate arguments, as typed unquoted. */
	static const char *const words[] = { "exit 802", "Exit code: 802", "- Exit code: 802",
					     "HRESULT 0x8004E00F" };
	for (size_t i = 0; i < ARRAY_LEN(words); i++) {
		char *args = xasprintf("explain %s", words[i]);
		assert_int_equal(run(&out, args), 0);
		assert_true(str_starts(out, "VSS error - 0x8004E00F\n"));
		free(out);
		free(args);
	}
	assert_int_equal(run(&out, "explain Enable protection failed. Error ID: 95320."), 0);
	assert_true(str_starts(out, "Enable protection failed"));
	free(out);
}

/* Appends text as UTF-16LE (the text is ASCII). */
static void put_utf16le(FILE *f, const char *text)
{
	for (const char *p = text; *p; p++) {
		assert_int_equal(fputc(*p, f), (unsigned char)*p);
		assert_int_equal(fputc(0, f), 0);
	}
}

/* Runs `asr-doctor log --json PATH` with its output in OUT_PATH; returns its
 * exit status and puts its peak resident memory (kB) in *peak_kb. */
static int run_measured(const char *path, const char *out_path, long *peak_kb)
{
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		int fd = open(out_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		if (fd < 0 || dup2(fd, 1) < 0)
			tu_child_exit(127);
		execl(tu_binary(), "asr-doctor", "--lang", "en", "log", "--json", path, (char *)NULL);
		tu_child_exit(127);
	}
	int status = 0;
	struct rusage ru;
	assert_int_equal(wait4(pid, &status, 0, &ru), pid);
	*peak_kb = ru.ru_maxrss;
	assert_true(WIFEXITED(status));
	return WEXITSTATUS(status);
}

/* A log of 64 MB in UTF-16LE with a BOM and CRLF (a code every 1000
 * lines, a 4 MB line, a last line cut short) is streamed: every hit is
 * counted and the peak memory stays under 8 MB. */
static void test_log_big_file_streamed(void **state)
{
	(void)state;
	enum { BLOCKS = 480, LINES = 1000, LONG_LINE = 4 << 20 };
	char *dir = tu_mkdtemp("biglog");
	char *path = xasprintf("%s/ASRUnifiedAgentInstaller.log", dir);
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite("\xff\xfe", 1, 2, f), 2);
	for (int b = 0; b < BLOCKS; b++)
		for (int i = 0; i < LINES; i++)
			put_utf16le(f, i == LINES / 2 ? "- Error code: -2147164145 [0x8004E00F]\r\n"
						       : "2026-12-04 10:00:00.000 Unregistering the existing application...\r\n");
	for (int i = 0; i < LONG_LINE; i++) {
		assert_int_equal(fputc('x', f), 'x');
		assert_int_equal(fputc(0, f), 0);
	}
	put_utf16le(f, " Exit code: 806\r\n- Exit code: 51");
	assert_int_equal(fclose(f), 0);

	char *out_path = xasprintf("%s/out.json", dir);
	long peak_kb = 0;
	assert_int_equal(run_measured(path, out_path, &peak_kb), 1);
	char *out = tu_read_file(out_path, NULL);
	cJSON *j = cJSON_Parse(out);
	assert_non_null(j);
	const cJSON *l0 = cJSON_GetArrayItem(cJSON_GetObjectItem(j, "logs"), 0);
	assert_string_equal(cJSON_GetObjectItem(l0, "encoding")->valuestring, "utf-16le");
	assert_int_equal(cJSON_GetObjectItem(l0, "lines")->valueint, BLOCKS * LINES + 2);
	const cJSON *hits = cJSON_GetObjectItem(l0, "hits");
	bool hresult = false, exit806 = false;
	for (int i = 0; i < cJSON_GetArraySize(hits); i++) {
		const cJSON *h = cJSON_GetArrayItem(hits, i);
		const char *code = cJSON_GetObjectItem(h, "code")->valuestring;
		if (strcmp(code, "0x8004E00F") == 0) {
			hresult = true;
			assert_int_equal(cJSON_GetObjectItem(h, "count")->valueint, BLOCKS);
			assert_int_equal(cJSON_GetObjectItem(h, "line")->valueint, LINES / 2 + 1);
			assert_int_equal(cJSON_GetObjectItem(h, "last_line")->valueint,
					 (BLOCKS - 1) * LINES + LINES / 2 + 1);
		} else if (strcmp(code, "exit 806") == 0) {
			exit806 = true;
			assert_int_equal(cJSON_GetObjectItem(h, "line")->valueint, BLOCKS * LINES + 1);
		}
	}
	assert_true(hresult);
	assert_true(exit806);
	cJSON_Delete(j);
	free(out);
	/* Sanitizers keep shadow memory of their own: the bound is for the
	 * release build. Under valgrind the child is valgrind until its exec,
	 * and its peak is valgrind's. */
#if !defined(__SANITIZE_ADDRESS__)
	if (!tu_under_valgrind()) {
		if (peak_kb >= 8 * 1024)
			print_error("asr-doctor log peaked at %ld kB on a 64 MB log\n", peak_kb);
		assert_true(peak_kb < 8 * 1024);
	}
#endif
	free(out_path);
	free(path);
	tu_rmtree(dir);
	free(dir);
}

int main(void)
{
	tu_scratch("log-run");
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_log_text),
		cmocka_unit_test(test_log_json),
		cmocka_unit_test(test_log_known_places),
		cmocka_unit_test(test_explain_spellings),
		cmocka_unit_test(test_log_big_file_streamed),
	};
	return tu_scratch_done(cmocka_run_group_tests_name("log", tests, NULL, NULL));
}
