/* test_remote_log.c: `asr-doctor --target HOST log` finds the installer
 * logs in their known places on the remote machine (a real sshd on
 * 127.0.0.1 whose /var/log and /usr/local are the test's folders, mounted
 * for it alone) and reports what a local scan of the same bytes reports,
 * with the remote paths; the check log.codes reads the same logs. */
#include "support/testutil.h"

#include <cjson/cJSON.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "engine/util/util.h"
#include "support/sshd.h"

#define LOGS "tests/fixtures/logs/"

static const char *scratch;
static char *varlog, *usrlocal;

/* Runs the binary with HOME holding d's known_hosts; returns the status,
 * stdout in *out, stderr in *err. */
static int run_cli(const struct test_sshd *d, char **out, char **err, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static int run_cli(const struct test_sshd *d, char **out, char **err, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *args = xvasprintf(fmt, ap);
	va_end(ap);
	char *home = xasprintf("%s/home-%d", scratch, d->port);
	char *ef = xasprintf("%s/stderr", scratch);
	int rc = tu_sh(out,
		       "mkdir -p '%s/.ssh' && cp '%s' '%s/.ssh/known_hosts' && "
		       "HOME='%s' SSH_AUTH_SOCK= '%s' --target root@127.0.0.1:%d -i '%s' %s "
		       "2>'%s' </dev/null",
		       home, d->known_hosts, home, home, tu_binary(), d->port, d->user_key, args, ef);
	*err = tu_read_file(ef, NULL);
	free(ef);
	free(home);
	free(args);
	return rc;
}

/* One hit as a comparable line: code, known, lines, count, sections. */
static void hit_lines(const cJSON *log, struct sbuf *b)
{
	const cJSON *h;
	cJSON_ArrayForEach(h, cJSON_GetObjectItem(log, "hits"))
	{
		sb_printf(b, "%s %s line %g-%g x%g:",
			  cJSON_GetStringValue(cJSON_GetObjectItem(h, "code")),
			  cJSON_IsTrue(cJSON_GetObjectItem(h, "known")) ? "known" : "unknown",
			  cJSON_GetNumberValue(cJSON_GetObjectItem(h, "line")),
			  cJSON_GetNumberValue(cJSON_GetObjectItem(h, "last_line")),
			  cJSON_GetNumberValue(cJSON_GetObjectItem(h, "count")));
		const cJSON *s;
		cJSON_ArrayForEach(s, cJSON_GetObjectItem(h, "sections"))
		sb_printf(b, " #%s", cJSON_GetStringValue(cJSON_GetObjectItem(s, "anchor")));
		sb_addc(b, '\n');
	}
}

/* The logs of a log --json output, by path: "path\nhits..." blocks. */
static char *summary(const char *json, const char *strip_prefix[], size_t nstrip)
{
	cJSON *doc = cJSON_Parse(json);
	assert_non_null(doc);
	struct sbuf b = { 0 };
	const cJSON *log;
	cJSON_ArrayForEach(log, cJSON_GetObjectItem(doc, "logs"))
	{
		const char *path = cJSON_GetStringValue(cJSON_GetObjectItem(log, "path"));
		assert_non_null(path);
		for (size_t i = 0; i < nstrip; i++)
			if (str_starts(path, strip_prefix[i]))
				path += strlen(strip_prefix[i]);
		const cJSON *err = cJSON_GetObjectItem(log, "error");
		sb_printf(&b, "%s (%s, %g lines)\n", path,
			  cJSON_IsNull(err) ? cJSON_GetStringValue(cJSON_GetObjectItem(log, "encoding"))
					    : cJSON_GetStringValue(err),
			  cJSON_GetNumberValue(cJSON_GetObjectItem(log, "lines")));
		hit_lines(log, &b);
	}
	cJSON_Delete(doc);
	return sb_steal(&b);
}

static void test_remote_known_places(void **state)
{
	(void)state;
	const char *binds[] = { varlog, "/var/log", usrlocal, "/usr/local", NULL };
	struct test_sshd d = sshd_start_binds(NULL, binds);
	char *remote = NULL, *err = NULL;
	int rrc = run_cli(&d, &remote, &err, "log --json");
	if (rrc != 1)
		fail_msg("log over SSH exited %d:\n%s\n%s", rrc, remote, err);

	/* The oracle: the same files scanned here, named as they are. */
	char *local = NULL;
	int lrc = tu_sh(&local, "'%s' log --json '%s/ua_install.log' '%s/ASR/Vx/logs/install.log' "
				"'%s/ASR/Vx/logs/deep/UA_InstallLogFile.log' 2>/dev/null",
			tu_binary(), varlog, usrlocal, usrlocal);
	assert_int_equal(lrc, 1);
	const char *strip_local[] = { varlog, usrlocal };
	const char *strip_remote[] = { "/var/log", "/usr/local" };
	char *want = summary(local, strip_local, 2);
	char *got = summary(remote, strip_remote, 2);
	assert_string_equal(got, want);
	/* What it compared: three logs in two encodings, known codes found. */
	assert_non_null(strstr(got, "/ua_install.log (utf-8"));
	assert_non_null(strstr(got, "/ASR/Vx/logs/install.log (utf-16le"));
	assert_non_null(strstr(got, "0x8004E00F known"));
	/* Paths are the remote machine's; the .txt and the folder too deep
	 * are left out, as they are locally. */
	assert_non_null(strstr(remote, "\"/var/log/ua_install.log\""));
	assert_non_null(strstr(remote, "\"/usr/local/ASR/Vx/logs/install.log\""));
	assert_null(strstr(remote, "notes.txt"));
	assert_null(strstr(remote, "too-deep"));
	free(want);
	free(got);
	free(local);
	free(remote);
	free(err);

	/* The text output names the remote files and the sections. */
	char *text = NULL;
	assert_int_equal(run_cli(&d, &text, &err, "log"), 1);
	assert_non_null(strstr(text, "/var/log/ua_install.log:"));
	assert_non_null(strstr(text, "/usr/local/ASR/Vx/logs/install.log:"));
	assert_non_null(strstr(text, "in 3 logs"));
	free(text);
	free(err);

	/* The check log.codes reads the same logs: it fails with the code
	 * and the line of the remote file. */
	assert_int_equal(run_cli(&d, &text, &err, "check -v log.codes"), 1);
	if (!strstr(text, "X No code of the article in the installer logs: fail") ||
	    !strstr(text, "0x8004E00F"))
		fail_msg("check log.codes:\n%s\n%s", text, err);
	assert_non_null(strstr(text, "/var/log/ua_install.log: read whole"));
	assert_non_null(strstr(text, "/usr/local/ASR/Vx/logs/install.log: read whole"));
	free(text);
	free(err);
	sshd_stop(&d);
}

/* A machine without logs: the message names it, exit 2. */
static void test_remote_no_logs(void **state)
{
	(void)state;
	char *empty_log = xasprintf("%s/empty-var-log", scratch);
	char *empty_local = xasprintf("%s/empty-usr-local", scratch);
	assert_int_equal(tu_sh(NULL, "mkdir -p '%s' '%s'", empty_log, empty_local), 0);
	const char *binds[] = { empty_log, "/var/log", empty_local, "/usr/local", NULL };
	struct test_sshd d = sshd_start_binds(NULL, binds);
	char *out = NULL, *err = NULL;
	assert_int_equal(run_cli(&d, &out, &err, "log"), 2);
	char *name = xasprintf("no installer log in the known places of root@127.0.0.1:%d", d.port);
	if (!strstr(err, name))
		fail_msg("stderr: %s", err);
	free(name);
	free(out);
	free(err);
	/* The check: not applicable, where it looked. */
	assert_int_equal(run_cli(&d, &out, &err, "check log.codes"), 0);
	if (!strstr(out, "installer logs: n/a") || !strstr(out, "looked in /var/log/ua_install.log"))
		fail_msg("check log.codes:\n%s\n%s", out, err);
	free(out);
	free(err);
	sshd_stop(&d);
	free(empty_log);
	free(empty_local);
}

/* A log larger than any file read whole (256 MiB) is streamed over one
 * SFTP handle: scanned to its last line, with the process's peak memory a
 * small fraction of the file. */
static void test_remote_large_log_streamed(void **state)
{
	(void)state;
	char *big = xasprintf("%s/big-var-log", scratch);
	char *none = xasprintf("%s/big-usr-local", scratch);
	assert_int_equal(tu_sh(NULL,
			       "mkdir -p '%s' '%s' && { yes 'Installing the agent: step done, "
			       "nothing to report on this line' | head -c 293601280; "
			       "printf '\\n- Error code: -2147164145 [0x8004E00F]\\n'; } "
			       "> '%s/ua_install.log'",
			       big, none, big),
			 0);
	char *lines = NULL;
	assert_int_equal(tu_sh(&lines, "wc -l < '%s/ua_install.log'", big), 0);
	str_trim(lines);
	const char *binds[] = { big, "/var/log", none, "/usr/local", NULL };
	struct test_sshd d = sshd_start_binds(NULL, binds);
	char *out = NULL, *err = NULL;
	int rc = run_cli(&d, &out, &err, "log --json");
	if (rc != 1)
		fail_msg("exit %d: %s", rc, err);
	cJSON *doc = cJSON_Parse(out);
	assert_non_null(doc);
	const cJSON *log = cJSON_GetArrayItem(cJSON_GetObjectItem(doc, "logs"), 0);
	assert_true(cJSON_IsNull(cJSON_GetObjectItem(log, "error")));
	assert_true(cJSON_GetNumberValue(cJSON_GetObjectItem(log, "bytes")) > 280.0 * 1024 * 1024);
	const cJSON *hit = cJSON_GetArrayItem(cJSON_GetObjectItem(log, "hits"), 0);
	assert_string_equal(cJSON_GetStringValue(cJSON_GetObjectItem(hit, "code")), "0x8004E00F");
	assert_int_equal((long long)cJSON_GetNumberValue(cJSON_GetObjectItem(hit, "line")),
			 strtoll(lines, NULL, 10));
	cJSON_Delete(doc);
	/* Peak memory of the largest child this suite waited for, the
	 * binary among them (kilobytes). */
	struct rusage ru;
	assert_int_equal(getrusage(RUSAGE_CHILDREN, &ru), 0);
	print_message("    peak memory of the children: %ld KiB for a %s-line log of 280 MiB\n",
		      ru.ru_maxrss, lines);
#if !defined(__SANITIZE_ADDRESS__)
	/* AddressSanitizer's shadow memory and quarantine are not the
	 * program's own: the bound holds in the normal build. */
	assert_true(ru.ru_maxrss < 64 * 1024);
#endif
	free(out);
	free(err);
	free(lines);
	sshd_stop(&d);
	tu_rmtree(big);
	free(big);
	free(none);
}

static int setup(void **state)
{
	(void)state;
	varlog = xasprintf("%s/var-log", scratch);
	usrlocal = xasprintf("%s/usr-local", scratch);
	int rc = tu_sh(NULL,
		       "mkdir -p '%s' '%s/ASR/Vx/logs/deep/a/b' && "
		       "cp " LOGS "ua_install.utf8-bom-mixed.log '%s/ua_install.log' && "
		       "printf 'INSTALLATION_DIR=/usr/local/ASR\\n' > '%s/.vx_version' && "
		       "cp " LOGS "ASRUnifiedAgentInstaller.utf16le-bom-crlf.log "
		       "'%s/ASR/Vx/logs/install.log' && "
		       "cp " LOGS "UA_InstallLogFile.utf16le-nobom-lf.log "
		       "'%s/ASR/Vx/logs/deep/UA_InstallLogFile.log' && "
		       "cp " LOGS "vss.utf8-nul-padded.log '%s/ASR/Vx/logs/deep/a/b/too-deep.log' && "
		       "printf 'exit code 806\\n' > '%s/ASR/Vx/logs/notes.txt'",
		       varlog, usrlocal, varlog, usrlocal, usrlocal, usrlocal, usrlocal, usrlocal);
	assert_int_equal(rc, 0);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	free(varlog);
	free(usrlocal);
	return 0;
}

int main(void)
{
	scratch = tu_scratch("remote-log");
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_remote_known_places),
		cmocka_unit_test(test_remote_no_logs),
		cmocka_unit_test(test_remote_large_log_streamed),
	};
	return tu_scratch_done(
		cmocka_run_group_tests_name("remote installer logs (real sshd)", tests, setup, teardown));
}
