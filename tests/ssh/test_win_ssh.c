/* test_win_ssh.c: a Windows machine over SSH, end to end: a real sshd on
 * 127.0.0.1 whose ForceCommand is the stand-in for the Windows commands
 * (tests/support/win_standin.c; SSH_ORIGINAL_COMMAND holds the line as a
 * Windows OpenSSH server hands it to cmd.exe) and whose SFTP is the
 * stand-in's too (win_sftp.c: the real sftp-server behind the paths a
 * Windows OpenSSH server shows, /C:/..., on the state folder's fs/).
 * `asr-doctor --target` finds Windows on connect (ver answers under
 * cmd.exe), runs the Windows checks with Windows quoting and decodes the
 * code page 850 output; `fix ... --yes` keeps its journal on the machine
 * under the %ProgramData% its cmd.exe names, and the re-check and `undo`
 * (the inverses, last entry first) are observed through the same commands
 * a real machine answers (reg query, netsh, the state the stand-in keeps).
 * The lock is a file made exclusively there: a second asr-doctor is
 * refused while the first holds it. `log` and the check log.codes read
 * the installer logs of %ProgramData%\ASRSetupLogs there over SFTP. */
#include "support/testutil.h"

#include <cjson/cJSON.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "engine/util/util.h"
#include "support/sshd.h"
#include "support/winstate.h"

static struct test_sshd d;
static const char *scratch;
static char *state, *journal;  /* journal: a --journal folder named on the machine */

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

/* Every check's id and status in a check --json output, a line each, in
 * the output's order (caller frees). */
static char *statuses(const char *json)
{
	const char *start = strchr(json, '{');
	cJSON *doc = cJSON_Parse(start ? start : json);
	assert_non_null(doc);
	struct sbuf b = { 0 };
	const cJSON *r;
	cJSON_ArrayForEach(r, cJSON_GetObjectItem(doc, "results"))
	sb_printf(&b, "%s=%s\n", cJSON_GetStringValue(cJSON_GetObjectItem(r, "check")),
		  cJSON_GetStringValue(cJSON_GetObjectItem(r, "status")));
	cJSON_Delete(doc);
	return sb_steal(&b);
}

/* The lines the stand-in received after the connection's own (the
 * Windows test, the code page, %ProgramData%): what the checks asked. */
static size_t lines_after_connect(const char *log, const char **first)
{
	const char *p = strstr(log, "echo %ProgramData%\n");
	assert_non_null(p);
	p += strlen("echo %ProgramData%\n");
	*first = p;
	size_t n = 0;
	for (; *p; p++)
		n += *p == '\n';
	return n;
}

static char *batched_statuses; /* test_windows_found_and_checked's verdicts */

static void test_windows_found_and_checked(void **s)
{
	(void)s;
	char *out = NULL;
	ws_set(state, "log", "");
	cli(&out, "check --json");
	batched_statuses = statuses(out);
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
	assert_null(strstr(log, "LC_ALL=C"));
	/* The checks' commands came in one line (engine/target/winbatch.h),
	 * each with its error output joined and its status echoed after it;
	 * only net user for the account whoami named came alone (it could
	 * not be known before). Each alone, they were about 35 channels. */
	const char *first = NULL;
	size_t n = lines_after_connect(log, &first);
	if (n != 2)
		print_error("%zu lines after the connection:\n%s\n", n, first);
	assert_int_equal(n, 2);
	assert_non_null(strstr(first, "whoami /groups 2>&1 & call echo @@asr-"));
	assert_non_null(strstr(first, "sc qc Netlogon 2>&1 & call echo @@asr-"));
	assert_non_null(strstr(first, "%^errorlevel%& "));
	assert_non_null(strstr(first, "\nnet user asrpush\n"));
	free(log);
}

/* A server whose shell does not read the batched line as cmd.exe does
 * (no marked answer comes back): every command is then asked alone, and
 * every verdict is the same as with the batch. */
static void test_batch_refused_runs_alone(void **s)
{
	(void)s;
	assert_non_null(batched_statuses);
	ws_set(state, "nocall", "");
	ws_set(state, "log", "");
	char *out = NULL;
	cli(&out, "check --json");
	char *path = xasprintf("%s/nocall", state);
	unlink(path);
	free(path);
	char *alone = statuses(out);
	assert_string_equal(alone, batched_statuses);
	char *log = ws_get(state, "log");
	const char *first = NULL;
	size_t n = lines_after_connect(log, &first);
	assert_non_null(strstr(first, "2>&1 & call echo @@asr-"));
	assert_non_null(strstr(first, "\nwhoami /groups\n"));
	assert_non_null(strstr(first, "\nsc qc Netlogon\n"));
	assert_true(n > 20);
	free(log);
	free(alone);
	free(out);
	free(batched_statuses);
	batched_statuses = NULL;
}

/* The journal folder on the stand-in's system drive, as this machine
 * sees it (caller frees). */
static char *jpath(const char *name)
{
	return xasprintf("%s/fs/C:/ProgramData/asr-doctor/journal%s%s", state, name ? "/" : "",
			 name ? name : "");
}

#define UAC_KEY "HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Policies\\System"

/* What reg query answers of LocalAccountTokenFilterPolicy now, through the
 * stand-in as a real machine would be asked (caller frees). */
static char *uac_value(int *status)
{
	char *out = NULL;
	int st = ws_run(state, "reg query " UAC_KEY " /v LocalAccountTokenFilterPolicy", &out,
			NULL, NULL);
	if (status)
		*status = st;
	return out;
}

/* Runs undo --yes and expects it to succeed. */
static void undo_ok(void)
{
	char *out = NULL;
	int rc = cli(&out, "undo --yes");
	if (rc != 0)
		print_error("undo (exit %d):\n%s\n", rc, out);
	assert_int_equal(rc, 0);
	free(out);
}

static void test_fix_and_undo_over_ssh(void **s)
{
	(void)s;
	/* The value is absent, as seeded: reg query says so. */
	int st = 0;
	char *v = uac_value(&st);
	assert_int_not_equal(st, 0);
	free(v);
	char *out = NULL;
	int rc = cli(&out, "fix win.uac_reg --yes");
	if (rc != 0 || !strstr(out, "reg add " UAC_KEY " /v LocalAccountTokenFilterPolicy /t "
					"REG_DWORD /d 1 /f"))
		print_error("fix (exit %d):\n%s\n", rc, out);
	assert_int_equal(rc, 0);
	assert_non_null(strstr(out, "reg add " UAC_KEY " /v LocalAccountTokenFilterPolicy /t "
				    "REG_DWORD /d 1 /f"));
	free(out);
	v = uac_value(&st);
	assert_int_equal(st, 0);
	assert_non_null(strstr(v, "LocalAccountTokenFilterPolicy    REG_DWORD    0x1"));
	free(v);
	expect("win.uac", "pass", NULL);
	/* The journal is on the machine, under its %ProgramData%: the entry
	 * with the command that ran and the one that undoes it (a deletion:
	 * there was no value). */
	char *jf = jpath("journal.jsonl");
	char *j = tu_read_file(jf, NULL);
	if (!strstr(j, "LocalAccountTokenFilterPolicy") || !strstr(j, "\"delete\""))
		print_error("journal %s:\n%s\n", jf, j);
	assert_non_null(strstr(j, "\"add\""));
	assert_non_null(strstr(j, "\"delete\""));
	free(j);
	free(jf);
	/* No lock is left once asr-doctor is done. */
	char *lock = jpath("lock");
	assert_int_not_equal(access(lock, F_OK), 0);
	free(lock);
	/* history reads it from there. */
	cli(&out, "history");
	if (!strstr(out, "win.uac_reg"))
		print_error("history:\n%s\n", out);
	assert_non_null(strstr(out, "win.uac_reg"));
	free(out);
	/* Undo over the same connection: the value is deleted again. */
	undo_ok();
	v = uac_value(&st);
	if (st == 0)
		print_error("still there after undo:\n%s\n", v);
	assert_int_not_equal(st, 0);
	free(v);
	expect("win.uac", "fail", NULL);
	char *log = ws_get(state, "log");
	assert_non_null(strstr(log, "\nreg delete " UAC_KEY " /v LocalAccountTokenFilterPolicy /f\n"));
	assert_non_null(strstr(log, "\necho %ProgramData%\n"));
	free(log);
}

static void test_undo_restores_type_and_data(void **s)
{
	(void)s;
	/* A value of another type and data (a string someone set). */
	char *reg = ws_get(state, "registry");
	char *more = xasprintf("%sHKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\"
			       "Policies\\System\tLocalAccountTokenFilterPolicy\tREG_SZ\tlegacy 0\n",
			       reg);
	ws_set(state, "registry", more);
	free(more);
	free(reg);
	char *v = uac_value(NULL);
	assert_non_null(strstr(v, "LocalAccountTokenFilterPolicy    REG_SZ    legacy 0"));
	free(v);
	char *out = NULL;
	int rc = cli(&out, "fix win.uac_reg --yes");
	if (rc != 0)
		print_error("fix (exit %d):\n%s\n", rc, out);
	assert_int_equal(rc, 0);
	free(out);
	v = uac_value(NULL);
	assert_non_null(strstr(v, "LocalAccountTokenFilterPolicy    REG_DWORD    0x1"));
	free(v);
	undo_ok();
	v = uac_value(NULL);
	if (!strstr(v, "LocalAccountTokenFilterPolicy    REG_SZ    legacy 0"))
		print_error("after undo:\n%s\n", v);
	assert_non_null(strstr(v, "LocalAccountTokenFilterPolicy    REG_SZ    legacy 0"));
	free(v);
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
	int rc = cli(&out, "%s fix win.account_enable --yes", acct);
	if (!strstr(out, "net user ^\"svc ^& asr ^%PATH^%^\" /active:yes"))
		print_error("fix (exit %d):\n%s\n", rc, out);
	assert_non_null(strstr(out, "net user ^\"svc ^& asr ^%PATH^%^\" /active:yes"));
	free(out);
	/* history shows the command as it ran there. */
	cli(&out, "history");
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
	/* Undone by the same name, quoted the same way: that account is
	 * disabled again, the decoy untouched. */
	undo_ok();
	char *log = ws_get(state, "log");
	assert_non_null(strstr(log, "\nnet user ^\"svc ^& asr ^%PATH^%^\" /active:no\n"));
	free(log);
	users = ws_get(state, "users");
	assert_non_null(strstr(users, "svc & asr %PATH%\tNo\t"));
	assert_non_null(strstr(users, "svc\tNo\t\tdecoy"));
	free(users);
	expect("win.account", "fail", acct);
}

/* Whether netsh shows the rule of that display name enabled (-1: no such
 * rule). */
static int rule_enabled(const char *name)
{
	char *out = NULL;
	assert_int_equal(ws_run(state, "netsh advfirewall firewall show rule name=all", &out, NULL,
				NULL),
			 0);
	char *want = xasprintf("Rule Name:                            %s\r\n", name);
	const char *at = strstr(out, want);
	int on = -1;
	if (at) {
		const char *en = strstr(at, "Enabled:");
		assert_non_null(en);
		en += strlen("Enabled:");
		en += strspn(en, " ");
		on = str_starts(en, "Yes");
	}
	free(want);
	free(out);
	return on;
}

static void test_netlogon_and_firewall_over_ssh(void **s)
{
	(void)s;
	assert_int_equal(cli(NULL, "fix win.netlogon_start --yes") & 0, 0);
	expect("win.netlogon", "pass", NULL);
	/* One rule of the group enabled already (NetBIOS name, UDP 137; the
	 * check asks for SMB-In, which stays off): the undo leaves it so. */
	char *rules = ws_get(state, "rules");
	struct sbuf b = { 0 };
	for (char *line = rules; *line;) {
		size_t n = strcspn(line, "\n");
		char *l = xstrndup(line, n);
		if (str_starts(l, "FPS-NB_Name-In-UDP\t")) {
			char *no = strstr(l, "\tNo\t");
			assert_non_null(no);
			sb_printf(&b, "%.*s\tYes\t%s\n", (int)(no - l), l, no + 4);
		} else {
			sb_printf(&b, "%s\n", l);
		}
		free(l);
		line += n;
		if (*line)
			line++;
	}
	ws_set(state, "rules", sb_str(&b));
	sb_free(&b);
	free(rules);
	const char *smb = "File and Printer Sharing (SMB-In)",
		   *session = "File and Printer Sharing (NB-Session-In)",
		   *name = "File and Printer Sharing (NB-Name-In)",
		   *echo = "File and Printer Sharing (Echo Request - ICMPv4-In)";
	assert_int_equal(rule_enabled(name), 1);
	assert_int_equal(rule_enabled(smb), 0);
	char *out = NULL;
	int rc = cli(&out, "fix win.file_sharing_enable --yes");
	if (rc != 0 || rule_enabled(smb) != 1)
		print_error("fix (exit %d):\n%s\n", rc, out);
	free(out);
	assert_int_equal(rc, 0);
	expect("win.file_sharing", "pass", NULL);
	assert_int_equal(rule_enabled(smb), 1);
	assert_int_equal(rule_enabled(session), 1);
	assert_int_equal(rule_enabled(echo), 1);
	assert_int_equal(rule_enabled(name), 1);
	/* Undo: back to what each rule was, the one enabled before too. */
	undo_ok();
	assert_int_equal(rule_enabled(smb), 0);
	assert_int_equal(rule_enabled(session), 0);
	assert_int_equal(rule_enabled(echo), 0);
	assert_int_equal(rule_enabled(name), 1);
	expect("win.file_sharing", "fail", NULL);
	/* Then the Netlogon fix, the one before it (entries in reverse), its
	 * commands undone last first: stopped, then its start type back. */
	ws_set(state, "log", "");
	undo_ok();
	expect("win.netlogon", "fail", NULL);
	char *log = ws_get(state, "log");
	const char *stop = strstr(log, "\nsc stop Netlogon\n"),
		   *back = strstr(log, "\nsc config Netlogon start= disabled\n");
	if (!stop || !back || stop > back)
		print_error("log:\n%s\n", log);
	assert_true(stop && back && stop < back);
	free(log);
}

/* A second asr-doctor is refused while one holds the lock (the lock file
 * made exclusively on the machine), told who holds it; a lock whose
 * process on this host is gone is taken over; one of another host is
 * not. */
static void test_lock_on_the_machine(void **s)
{
	(void)s;
	ws_seed(state);
	ws_set(state, "log", "");
	char *lock = jpath("lock");
	/* The first asr-doctor held in the middle of its reg add. */
	ws_set(state, "hold", "reg add");
	char *home = xasprintf("%s/home", scratch);
	char *first = xasprintf("%s/first.out", scratch);
	char *cmd = xasprintf("HOME='%s' SSH_AUTH_SOCK= '%s' --target root@127.0.0.1:%d -i '%s' "
			      "--timeout 120 fix win.uac_reg --yes >'%s' 2>&1 </dev/null",
			      home, tu_binary(), d.port, d.user_key, first);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
		tu_child_exit(127);
	}
	/* Until the lock is taken and the held command has arrived. */
	for (int i = 0; i < 1200; i++) {
		char *log = ws_get(state, "log");
		bool there = access(lock, F_OK) == 0 && strstr(log, "\nreg add ");
		free(log);
		if (there)
			break;
		nanosleep(&(struct timespec){ 0, 100 * 1000 * 1000 }, NULL);
	}
	char *text = tu_read_file(lock, NULL);
	assert_non_null(strstr(text, "asr-doctor lock\nhost "));
	assert_non_null(strstr(text, "\ntoken "));
	free(text);
	char *out = NULL;
	int rc = cli(&out, "fix win.netlogon_start --yes");
	if (rc == 0 || !strstr(out, "another asr-doctor is changing"))
		print_error("second (exit %d):\n%s\n", rc, out);
	assert_int_not_equal(rc, 0);
	assert_non_null(strstr(out, "another asr-doctor is changing"));
	assert_non_null(strstr(out, "C:\\ProgramData\\asr-doctor\\journal\\lock"));
	free(out);
	/* Let the first go: it finishes and lets go of the lock. */
	char *hold = xasprintf("%s/hold", state);
	unlink(hold);
	int wst = 0;
	assert_int_equal(waitpid(pid, &wst, 0), pid);
	char *o1 = tu_read_file(first, NULL);
	if (!WIFEXITED(wst) || WEXITSTATUS(wst) != 0)
		print_error("first:\n%s\n", o1);
	assert_true(WIFEXITED(wst) && WEXITSTATUS(wst) == 0);
	free(o1);
	assert_int_not_equal(access(lock, F_OK), 0);
	/* A lock left by a process of this host that is gone: taken over. */
	pid_t gone = fork();
	assert_true(gone >= 0);
	if (gone == 0)
		tu_child_exit(0);
	waitpid(gone, NULL, 0);
	char host[256];
	assert_int_equal(gethostname(host, sizeof host), 0);
	char *stale = xasprintf("asr-doctor lock\nhost %s\npid %ld\nlogin root\nsince "
				"2026-01-01T00:00:00Z\ntoken 00\n",
				host, (long)gone);
	tu_write_file(lock, stale);
	undo_ok();
	assert_int_not_equal(access(lock, F_OK), 0);
	char *v = uac_value(&rc);
	assert_int_not_equal(rc, 0);
	free(v);
	/* One of another host is not judged from here. */
	tu_write_file(lock, "asr-doctor lock\nhost engineer-laptop\npid 4242\nlogin ana\n"
			    "since 2026-01-01T00:00:00Z\ntoken 01\n");
	rc = cli(&out, "fix win.uac_reg --yes");
	if (rc == 0 || !strstr(out, "asr-doctor pid 4242 on engineer-laptop (login ana)"))
		print_error("other host (exit %d):\n%s\n", rc, out);
	assert_int_not_equal(rc, 0);
	assert_non_null(strstr(out, "asr-doctor pid 4242 on engineer-laptop (login ana)"));
	free(out);
	v = uac_value(&rc);
	assert_int_not_equal(rc, 0);
	free(v);
	unlink(lock);
	free(stale);
	free(hold);
	free(cmd);
	free(first);
	free(home);
	free(lock);
}

/* The journal goes where the machine's own %ProgramData% is (asked, never
 * assumed on C:); a machine where it cannot be told keeps no journal, and
 * undo there is refused with the reason. */
static void test_programdata_asked(void **s)
{
	(void)s;
	ws_seed(state);
	ws_set(state, "programdata", "D:\\Data Store\\");
	char *ddir = xasprintf("%s/fs/D:/Data Store", state);
	assert_int_equal(tu_sh(NULL, "mkdir -p '%s'", ddir), 0);
	char *out = NULL;
	int rc = cli(&out, "fix win.account_enable --yes");
	if (rc != 0)
		print_error("fix (exit %d):\n%s\n", rc, out);
	assert_int_equal(rc, 0);
	free(out);
	char *jf = xasprintf("%s/asr-doctor/journal/journal.jsonl", ddir);
	char *j = tu_read_file(jf, NULL);
	assert_non_null(strstr(j, "/active:yes"));
	free(j);
	char *cdir = jpath(NULL);
	assert_int_not_equal(access(cdir, F_OK), 0);
	free(cdir);
	undo_ok();
	char *users = ws_get(state, "users");
	assert_non_null(strstr(users, "asrpush\tNo\t"));
	free(users);
	/* A shell that leaves %ProgramData% as it is: no journal there. */
	ws_set(state, "programdata", "%ProgramData%");
	rc = cli(&out, "undo --yes");
	if (rc == 0 || !strstr(out, "cannot undo there: run asr-doctor on that machine"))
		print_error("undo (exit %d):\n%s\n", rc, out);
	assert_int_not_equal(rc, 0);
	assert_non_null(strstr(out, "cannot undo there: run asr-doctor on that machine"));
	free(out);
	free(jf);
	free(ddir);
}

/* Each hit of a log --json answer as "path code line-last xcount",
 * one per line, the path's folder left out (caller frees). */
static char *log_hits(const char *json)
{
	const char *start = strchr(json, '{');
	cJSON *doc = cJSON_Parse(start ? start : json);
	if (!doc)
		print_error("not JSON:\n%s\n", json);
	assert_non_null(doc);
	struct sbuf b = { 0 };
	const cJSON *l, *h;
	cJSON_ArrayForEach(l, cJSON_GetObjectItem(doc, "logs"))
	{
		const char *path = cJSON_GetStringValue(cJSON_GetObjectItem(l, "path"));
		const char *base = strrchr(path, '/');
		cJSON_ArrayForEach(h, cJSON_GetObjectItem(l, "hits"))
		sb_printf(&b, "%s %s %g-%g x%g\n", base ? base + 1 : path,
			  cJSON_GetStringValue(cJSON_GetObjectItem(h, "code")),
			  cJSON_GetNumberValue(cJSON_GetObjectItem(h, "line")),
			  cJSON_GetNumberValue(cJSON_GetObjectItem(h, "last_line")),
			  cJSON_GetNumberValue(cJSON_GetObjectItem(h, "count")));
	}
	cJSON_Delete(doc);
	return sb_steal(&b);
}

#define LOGS "tests/fixtures/logs/"

/* `log` without a file reads the installer logs in %ProgramData%\
 * ASRSetupLogs on the machine, streamed over its SFTP: what it finds in
 * the logs of several encodings is what a local scan of the same bytes
 * finds, line for line; and a %ProgramData% on another drive is where it
 * looks. */
static void test_setup_logs_over_ssh(void **s)
{
	(void)s;
	ws_seed(state);
	char *dir = xasprintf("%s/fs/C:/ProgramData/ASRSetupLogs", state);
	assert_int_equal(tu_sh(NULL,
			       "mkdir -p '%s/UploadedLogs' && cp '%s' '%s/ASRUnifiedAgentInstaller.log' && "
			       "cp '%s' '%s/UploadedLogs/UA_InstallLogFile.log'",
			       dir, LOGS "ASRUnifiedAgentInstaller.mixed-utf16le-ansi-utf16le.log", dir,
			       LOGS "UA_InstallLogFile.mixed-utf8-utf16le.log", dir),
			 0);
	char *out = NULL;
	int rc = cli(&out, "log --json");
	if (rc != 1 || !strstr(out, "\"/C:/ProgramData/ASRSetupLogs/ASRUnifiedAgentInstaller.log\"") ||
	    !strstr(out, "\"/C:/ProgramData/ASRSetupLogs/UploadedLogs/UA_InstallLogFile.log\""))
		print_error("log (exit %d):\n%s\n", rc, out);
	assert_int_equal(rc, 1);
	assert_non_null(strstr(out, "\"/C:/ProgramData/ASRSetupLogs/ASRUnifiedAgentInstaller.log\""));
	assert_non_null(
	    strstr(out, "\"/C:/ProgramData/ASRSetupLogs/UploadedLogs/UA_InstallLogFile.log\""));
	char *remote = log_hits(out);
	free(out);
	char *local = NULL;
	tu_sh(&local, "'%s' log --json '%s/ASRUnifiedAgentInstaller.log' '%s/UploadedLogs/UA_InstallLogFile.log'",
	      tu_binary(), dir, dir);
	char *want = log_hits(local);
	assert_string_equal(remote, want);
	/* The codes of each part, at their own lines. */
	assert_non_null(strstr(remote, "ASRUnifiedAgentInstaller.log 0x80070430 10-10 x1\n"));
	assert_non_null(strstr(remote, "ASRUnifiedAgentInstaller.log 0x8004E00F 14-14 x1\n"));
	assert_non_null(strstr(remote, "UA_InstallLogFile.log 0x8007041F 7-7 x1\n"));
	free(local);
	free(want);
	free(remote);

	/* %ProgramData% on D: under another name. */
	ws_set(state, "programdata", "D:\\Data Store\\");
	char *ddir = xasprintf("%s/fs/D:/Data Store/asrsetuplogs", state);
	assert_int_equal(tu_sh(NULL, "mkdir -p '%s' && cp '%s' '%s/vss.log'", ddir,
			       LOGS "vss.utf16be-bom.log", ddir),
			 0);
	rc = cli(&out, "log --json");
	if (!strstr(out, "\"/D:/Data Store/asrsetuplogs/vss.log\""))
		print_error("log (exit %d):\n%s\n", rc, out);
	assert_non_null(strstr(out, "\"/D:/Data Store/asrsetuplogs/vss.log\""));
	assert_non_null(strstr(out, "\"/C:/ProgramData/ASRSetupLogs/ASRUnifiedAgentInstaller.log\""));
	free(out);
	free(ddir);
	free(dir);
}

/* The result of check id in a check --json output, or NULL (the caller
 * deletes *doc). */
static const cJSON *result_of(const char *json, const char *id, cJSON **doc)
{
	const char *start = strchr(json, '{');
	*doc = cJSON_Parse(start ? start : json);
	if (!*doc)
		print_error("not JSON:\n%s\n", json);
	assert_non_null(*doc);
	const cJSON *r;
	cJSON_ArrayForEach(r, cJSON_GetObjectItem(*doc, "results"))
	{
		const char *c = cJSON_GetStringValue(cJSON_GetObjectItem(r, "check"));
		if (c && !strcmp(c, id))
			return r;
	}
	return NULL;
}

/* The evidence of r whose text holds needle, as "path:line: text", or
 * NULL (caller frees). */
static char *evidence_with(const cJSON *r, const char *needle)
{
	const cJSON *e;
	cJSON_ArrayForEach(e, cJSON_GetObjectItem(r, "evidence"))
	{
		const char *text = cJSON_GetStringValue(cJSON_GetObjectItem(e, "text"));
		if (!text || !strstr(text, needle))
			continue;
		const char *path = cJSON_GetStringValue(cJSON_GetObjectItem(e, "path"));
		return xasprintf("%s:%g: %s", path ? path : "",
				 cJSON_GetNumberValue(cJSON_GetObjectItem(e, "line")), text);
	}
	return NULL;
}

/* Lines as the Windows installer writes them: UTF-16LE, a BOM, CRLF. */
static void write_utf16le(const char *path, const char *lines)
{
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	fputs("\xff\xfe", f);
	for (const char *p = lines; *p; p++) {
		if (*p == '\n')
			fputs("\r", f), fputc(0, f);
		fputc(*p, f);
		fputc(0, f);
	}
	assert_int_equal(fclose(f), 0);
}

/* log.codes over SSH: the installer logs of %ProgramData%\ASRSetupLogs
 * streamed over the machine's SFTP; a log larger than the check's bound
 * (4 MB) read from its end, the SFTP read moved there (the code of its
 * start is not found, the one of its end is); no log is n/a. */
static void test_log_check_over_ssh(void **s)
{
	(void)s;
	ws_seed(state);
	ws_set(state, "programdata", "C:\\ProgramData");
	char *dir = xasprintf("%s/fs/C:/ProgramData/ASRSetupLogs", state);
	assert_int_equal(tu_sh(NULL, "rm -rf '%s' '%s/fs/D:' && mkdir -p '%s' && cp '%s' "
				     "'%s/ASRUnifiedAgentInstaller.log'",
			       dir, state, dir, LOGS "ASRUnifiedAgentInstaller.utf16le-bom-crlf.log", dir),
			 0);
	char *out = NULL;
	cli(&out, "check --json log.codes");
	cJSON *doc = NULL;
	const cJSON *r = result_of(out, "log.codes", &doc);
	assert_non_null(r);
	const char *st = cJSON_GetStringValue(cJSON_GetObjectItem(r, "status"));
	if (strcmp(st, "fail") != 0)
		print_error("log.codes: %s\n%s\n", st, out);
	assert_string_equal(st, "fail");
	const char *finding = cJSON_GetStringValue(cJSON_GetObjectItem(r, "finding"));
	assert_non_null(strstr(finding, "0x8004E00F, exit 802; see VSS error - 0x8004E00F"));
	char *ev = evidence_with(r, "[0x8004E00F]");
	assert_non_null(ev);
	assert_string_equal(ev, "/C:/ProgramData/ASRSetupLogs/ASRUnifiedAgentInstaller.log:7: "
				"- Error code: -2147164145 [0x8004E00F]");
	free(ev);
	cJSON_Delete(doc);
	free(out);

	/* 5 MB: an old attempt's code at the start, the newest at the end. */
	struct sbuf b = { 0 };
	sb_add(&b, "- Error code: -2147023824 [0x80070430]\n- Exit code: 517\n");
	while (b.len < 5u * 1024 * 1024 / 2)
		sb_add(&b, "Installing the agent: a step done, nothing to report on this line\n");
	sb_add(&b, "Create the catalogue object\n- Error code: -2147164145 [0x8004E00F]\n");
	char *big = xasprintf("%s/ASRUnifiedAgentInstaller.log", dir);
	write_utf16le(big, sb_str(&b));
	sb_free(&b);
	cli(&out, "check --json log.codes");
	r = result_of(out, "log.codes", &doc);
	assert_non_null(r);
	finding = cJSON_GetStringValue(cJSON_GetObjectItem(r, "finding"));
	if (!strstr(finding, "0x8004E00F") || strstr(finding, "0x80070430"))
		print_error("%s\n", out);
	assert_non_null(strstr(finding, "0x8004E00F"));
	assert_null(strstr(finding, "0x80070430"));
	struct stat bst;
	assert_int_equal(stat(big, &bst), 0);
	char *cut = xasprintf("cut: read 4.0 MB of %.1f MB, from byte %llu to the end",
			      (double)bst.st_size / (1024.0 * 1024.0),
			      ((unsigned long long)bst.st_size - 4ull * 1024 * 1024) & ~1ull);
	ev = evidence_with(r, cut);
	free(cut);
	if (!ev)
		print_error("%s\n", out);
	assert_non_null(ev);
	free(ev);
	ev = evidence_with(r, "[0x8004E00F]");
	assert_non_null(ev);
	assert_non_null(strstr(ev, "ASRUnifiedAgentInstaller.log:0: line "));
	assert_non_null(strstr(ev, " counted from byte "));
	free(ev);
	cJSON_Delete(doc);
	free(out);
	free(big);

	/* No log: n/a, with where it looked. */
	assert_int_equal(tu_sh(NULL, "rm -rf '%s'", dir), 0);
	cli(&out, "check --json log.codes");
	char *na = status_of(out, "log.codes");
	assert_string_equal(na, "n/a");
	assert_non_null(strstr(out, "ASRSetupLogs and its UploadedLogs in %ProgramData%"));
	free(na);
	free(out);
	free(dir);
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
		cmocka_unit_test(test_batch_refused_runs_alone),
		cmocka_unit_test(test_fix_and_undo_over_ssh),
		cmocka_unit_test(test_undo_restores_type_and_data),
		cmocka_unit_test(test_hostile_account_over_ssh),
		cmocka_unit_test(test_netlogon_and_firewall_over_ssh),
		cmocka_unit_test(test_lock_on_the_machine),
		cmocka_unit_test(test_programdata_asked),
		cmocka_unit_test(test_setup_logs_over_ssh),
		cmocka_unit_test(test_log_check_over_ssh),
		cmocka_unit_test(test_printed_commands_keep_the_route),
	};
	return tu_scratch_done(
	    cmocka_run_group_tests_name("Windows over SSH (stand-in)", tests, setup, teardown));
}
