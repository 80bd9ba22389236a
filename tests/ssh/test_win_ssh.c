/* test_win_ssh.c: a Windows machine over SSH, end to end: a real sshd on
 * 127.0.0.1 whose ForceCommand is the stand-in for the Windows commands
 * (tests/support/win_standin.c; SSH_ORIGINAL_COMMAND holds the line as a
 * Windows OpenSSH server hands it to cmd.exe). `asr-doctor --target`
 * finds Windows on connect (ver answers under cmd.exe), runs the Windows
 * checks with Windows quoting and decodes the code page 850 output;
 * `fix ... --yes` (journal on this machine, --journal) and the re-check
 * are observed through the stand-in's state. Undo over SSH is refused by
 * the undo path still; engine/test_fix_windows.c undoes each fix through
 * the same stand-in. */
#include "support/testutil.h"

#include <cjson/cJSON.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/util/util.h"
#include "support/sshd.h"
#include "support/winstate.h"

static struct test_sshd d;
static const char *scratch;
static char *state, *journal;

static int setup(void **s)
{
	(void)s;
	state = xasprintf("%s/state", scratch);
	journal = xasprintf("%s/journal", scratch);
	ws_seed(state);
	ws_set(state, "users", "asrpush\tNo\t\tASR push account\nsvc & asr %PATH%\tNo\t\thostile\n"
			       "svc\tNo\t\tdecoy\n");
	char *extra = xasprintf("Subsystem sftp /usr/lib/openssh/sftp-server\n"
				"ForceCommand %s --state %s\n",
				ws_standin(), state);
	d = sshd_start(extra);
	free(extra);
	return 0;
}

static int teardown(void **s)
{
	(void)s;
	sshd_stop(&d);
	free(state);
	free(journal);
	return 0;
}

/* Runs the binary against the stand-in with HOME holding its known_hosts;
 * returns the status, standard output in *out (may be NULL). */
static int cli(char **out, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int cli(char **out, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *args = xvasprintf(fmt, ap);
	va_end(ap);
	char *home = xasprintf("%s/home", scratch);
	char *o = NULL;
	int rc = tu_sh(&o,
		       "mkdir -p '%s/.ssh' && cp '%s' '%s/.ssh/known_hosts' && "
		       "HOME='%s' SSH_AUTH_SOCK= '%s' --target root@127.0.0.1:%d -i '%s' --timeout 120 %s "
		       "2>&1 </dev/null",
		       home, d.known_hosts, home, home, tu_binary(), d.port, d.user_key, args);
	if (out)
		*out = o;
	else
		free(o);
	free(home);
	free(args);
	return rc;
}

/* The status check id has in a check --json output ("" when absent). */
static char *status_of(const char *json, const char *id)
{
	const char *start = strchr(json, '{');
	cJSON *doc = cJSON_Parse(start ? start : json);
	if (!doc)
		print_error("not JSON:\n%s\n", json);
	assert_non_null(doc);
	char *st = xstrdup("");
	const cJSON *r;
	cJSON_ArrayForEach(r, cJSON_GetObjectItem(doc, "results"))
	{
		const char *c = cJSON_GetStringValue(cJSON_GetObjectItem(r, "check"));
		if (c && !strcmp(c, id)) {
			free(st);
			st = xstrdup(cJSON_GetStringValue(cJSON_GetObjectItem(r, "status")));
		}
	}
	cJSON_Delete(doc);
	return st;
}

static void expect(const char *id, const char *want, const char *extra)
{
	char *out = NULL;
	cli(&out, "%s check --json %s", extra ? extra : "", id);
	char *st = status_of(out, id);
	if (strcmp(st, want) != 0)
		print_error("%s: %s, expected %s:\n%s\n", id, st, want, out);
	assert_string_equal(st, want);
	free(st);
	free(out);
}

static void test_windows_found_and_checked(void **s)
{
	(void)s;
	char *out = NULL;
	cli(&out, "check --json");
	char *uac = status_of(out, "win.uac"), *acc = status_of(out, "win.account");
	char *nl = status_of(out, "win.netlogon"), *fs = status_of(out, "win.file_sharing");
	char *priv = status_of(out, "win.privileges"), *sshd = status_of(out, "sshd.root_login");
	assert_string_equal(uac, "fail");
	assert_string_equal(acc, "fail");
	assert_string_equal(nl, "fail");
	assert_string_equal(fs, "fail");
	assert_string_equal(priv, "pass");
	/* A Linux-only check says it does not apply, with the reason. */
	assert_string_equal(sshd, "n/a");
	char *mem = status_of(out, "resources.memory"), *os = status_of(out, "os.supported");
	assert_string_equal(mem, "n/a");
	assert_non_null(strstr(out, "not applicable on Windows: this check reads Linux's /proc/meminfo"));
	/* The OS is read as a real Windows answers: reg query ProductName and
	 * CurrentBuildNumber, judged against the support table. */
	if (strcmp(os, "pass") != 0)
		print_error("os.supported: %s\n%s\n", os, out);
	assert_string_equal(os, "pass");
	assert_non_null(strstr(out, "Windows Server 2019 Datacenter is supported"));
	free(mem);
	free(os);
	free(uac);
	free(acc);
	free(nl);
	free(fs);
	free(priv);
	free(sshd);
	/* The stand-in answers in CRLF as Windows does; no CR reaches the
	 * evidence (JSON would show it as \r). */
	assert_non_null(strstr(out, "\"command\":\t\"whoami /groups\""));
	assert_null(strstr(out, "\\r"));
	free(out);
	/* The lines the stand-in got: Windows quoting, never a POSIX shell's. */
	char *log = ws_get(state, "log");
	assert_non_null(strstr(log, "id -u || ver\n"));
	assert_non_null(strstr(log, "\nchcp\n"));
	assert_non_null(strstr(log, "\nwhoami /groups\n"));
	assert_null(strstr(log, "LC_ALL=C"));
	free(log);
}

static void test_fix_recheck_over_ssh(void **s)
{
	(void)s;
	char *out = NULL;
	int rc = cli(&out, "--journal '%s' fix win.uac_reg --yes", journal);
	if (!strstr(out, "reg add HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Policies\\System "
			 "/v LocalAccountTokenFilterPolicy /t REG_DWORD /d 1 /f"))
		print_error("fix (exit %d):\n%s\n", rc, out);
	assert_non_null(strstr(out, "reg add HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\"
				    "Policies\\System /v LocalAccountTokenFilterPolicy /t REG_DWORD "
				    "/d 1 /f"));
	free(out);
	char *reg = ws_get(state, "registry");
	assert_non_null(strstr(reg, "LocalAccountTokenFilterPolicy\tREG_DWORD\t0x1"));
	free(reg);
	expect("win.uac", "pass", NULL);
	/* Undo is refused with the reason (asr-doctor writes nothing on a
	 * Windows machine over SSH yet), and the value stays. */
	rc = cli(&out, "--journal '%s' undo --yes", journal);
	if (rc == 0 || !strstr(out, "cannot undo there: run asr-doctor on that machine"))
		print_error("undo (exit %d):\n%s\n", rc, out);
	assert_int_not_equal(rc, 0);
	assert_non_null(strstr(out, "cannot undo there: run asr-doctor on that machine"));
	free(out);
	reg = ws_get(state, "registry");
	assert_non_null(strstr(reg, "LocalAccountTokenFilterPolicy\tREG_DWORD\t0x1"));
	free(reg);
}

static void test_hostile_account_over_ssh(void **s)
{
	(void)s;
	const char *acct = "--account 'svc & asr %PATH%'";
	expect("win.account", "fail", acct);
	/* The evidence shows the line cmd.exe got, not POSIX words. */
	char *out = NULL;
	cli(&out, "%s check --json win.account", acct);
	if (!strstr(out, "\"net user ^\\\"svc ^& asr ^%PATH^%^\\\"\""))
		print_error("evidence:\n%s\n", out);
	assert_non_null(strstr(out, "\"net user ^\\\"svc ^& asr ^%PATH^%^\\\"\""));
	assert_null(strstr(out, "'svc & asr %PATH%'"));
	free(out);
	int rc = cli(&out, "%s --journal '%s' fix win.account_enable --yes", acct, journal);
	if (!strstr(out, "net user ^\"svc ^& asr ^%PATH^%^\" /active:yes"))
		print_error("fix (exit %d):\n%s\n", rc, out);
	assert_non_null(strstr(out, "net user ^\"svc ^& asr ^%PATH^%^\" /active:yes"));
	free(out);
	/* history shows the command as it ran there. */
	cli(&out, "--journal '%s' history", journal);
	if (!strstr(out, "$ net user ^\"svc ^& asr ^%PATH^%^\" /active:yes\n"))
		print_error("history:\n%s\n", out);
	assert_non_null(strstr(out, "$ net user ^\"svc ^& asr ^%PATH^%^\" /active:yes\n"));
	assert_null(strstr(out, "'svc & asr %PATH%'"));
	free(out);
	char *users = ws_get(state, "users");
	assert_non_null(strstr(users, "svc & asr %PATH%\tYes\t"));
	assert_non_null(strstr(users, "svc\tNo\t\tdecoy"));
	free(users);
	expect("win.account", "pass", acct);
}

static void test_netlogon_and_firewall_over_ssh(void **s)
{
	(void)s;
	assert_int_equal(cli(NULL, "--journal '%s' fix win.netlogon_start --yes", journal) & 0, 0);
	expect("win.netlogon", "pass", NULL);
	cli(NULL, "--journal '%s' fix win.file_sharing_enable --yes", journal);
	expect("win.file_sharing", "pass", NULL);
}

/* The commands printed (the undo of a planned fix) keep the options that
 * reached the machine: an alias of an ssh_config file given with -F. The
 * printed command, run as printed, reaches the same machine. */
static void test_printed_commands_keep_the_route(void **s)
{
	(void)s;
	/* The machine as seeded: LocalAccountTokenFilterPolicy unset again. */
	ws_seed(state);
	char *cfg = xasprintf("%s/ssh config", scratch);
	char *text = xasprintf("Host winbox\n  HostName 127.0.0.1\n  Port %d\n  User root\n"
			       "  IdentityFile %s\n",
			       d.port, d.user_key);
	tu_write_file(cfg, text);
	free(text);
	char *home = xasprintf("%s/home", scratch);
	char *out = NULL;
	tu_sh(&out,
	      "mkdir -p '%s/.ssh' && cp '%s' '%s/.ssh/known_hosts' && "
	      "HOME='%s' SSH_AUTH_SOCK= '%s' --target winbox -F '%s' --journal '%s' "
	      "fix win.uac_reg --dry-run 2>&1 </dev/null",
	      home, d.known_hosts, home, home, tu_binary(), cfg, journal);
	char *want = xasprintf("asr-doctor --target winbox -F '%s' --journal %s undo ", cfg, journal);
	if (!strstr(out, want))
		print_error("no '%s' in:\n%s\n", want, out);
	assert_non_null(strstr(out, want));
	/* The printed words before "undo", run (with this binary for
	 * asr-doctor) with a check instead: they reach the machine. */
	const char *start = strstr(out, want) + strlen("asr-doctor ");
	char *route = xstrndup(start, (size_t)(strstr(start, " undo ") - start));
	char *cmd = xasprintf("HOME='%s' SSH_AUTH_SOCK= '%s' %s check --json win.uac </dev/null", home,
			      tu_binary(), route);
	free(route);
	char *json = NULL;
	tu_sh(&json, "%s", cmd);
	char *st = status_of(json, "win.uac");
	assert_true(!strcmp(st, "fail") || !strcmp(st, "pass"));
	free(st);
	free(json);
	free(cmd);
	free(want);
	free(out);
	free(home);
	free(cfg);
}

int main(void)
{
	scratch = tu_scratch("win-ssh");
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_windows_found_and_checked),
		cmocka_unit_test(test_fix_recheck_over_ssh),
		cmocka_unit_test(test_hostile_account_over_ssh),
		cmocka_unit_test(test_netlogon_and_firewall_over_ssh),
		cmocka_unit_test(test_printed_commands_keep_the_route),
	};
	return tu_scratch_done(
	    cmocka_run_group_tests_name("Windows over SSH (stand-in)", tests, setup, teardown));
}
