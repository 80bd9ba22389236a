/* test_win_standin.c: the stand-in for a Windows machine's commands
 * (tests/support/win_standin.c) answers in exactly the formats of the
 * recorded real outputs in tests/fixtures/windows (compared byte for
 * byte, CRLF and columns included), keeps its state across commands, reads
 * the line as cmd.exe and the C runtime do, and prints in its code page. */
#include "support/testutil.h"

#include <stdlib.h>
#include <string.h>

#include "engine/util/util.h"
#include "engine/util/winquote.h"
#include "engine/util/wintext.h"
#include "engine/winparse.h"
#include "support/winstate.h"

#define FIX "tests/fixtures/windows/"

static char *state;

static int setup(void **s)
{
	(void)s;
	state = tu_mkdtemp("winstate");
	ws_seed(state);
	ws_set(state, "codepage", "437\n");
	return 0;
}

static int teardown(void **s)
{
	(void)s;
	tu_rmtree(state);
	free(state);
	return 0;
}

/* Asserts that line prints exactly the recording (standard output, or
 * standard error when on_err) with status want. */
static void same_as(const char *line, const char *fixture, bool on_err, int want)
{
	char *o = NULL, *e = NULL;
	int st = ws_run(state, line, &o, NULL, &e);
	char *rec = tu_read_file(fixture, NULL);
	const char *got = on_err ? e : o;
	if (strcmp(got, rec) != 0)
		print_error("%s: output differs from %s:\n[%s]\n", line, fixture, got);
	assert_string_equal(got, rec);
	assert_int_equal(st, want);
	free(rec);
	free(o);
	free(e);
}

static void test_recorded_formats_whoami_hostname(void **s)
{
	(void)s;
	same_as("whoami", FIX "whoami.txt", false, 0);
	same_as("hostname", FIX "hostname.txt", false, 0);
	same_as("whoami /groups", FIX "whoami-groups-admin.txt", false, 0);
	ws_set(state, "groups", "filtered\n");
	same_as("whoami /groups", FIX "whoami-groups-filtered.txt", false, 0);
	ws_set(state, "groups", "user\n");
	same_as("whoami /groups", FIX "whoami-groups-user.txt", false, 0);
}

static void test_recorded_formats_reg(void **s)
{
	(void)s;
	const char *q = "reg query HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Policies\\System "
			"/v LocalAccountTokenFilterPolicy";
	same_as(q, FIX "reg-latfp-missing.stderr.txt", true, 1);
	assert_int_equal(ws_run(state,
				"reg add HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Policies\\"
				"System /v LocalAccountTokenFilterPolicy /t REG_DWORD /d 0 /f",
				NULL, NULL, NULL),
			 0);
	same_as(q, FIX "reg-latfp-0.txt", false, 0);
	assert_int_equal(ws_run(state,
				"reg add HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Policies\\"
				"System /v LocalAccountTokenFilterPolicy /t REG_DWORD /d 0x1 /f",
				NULL, NULL, NULL),
			 0);
	same_as(q, FIX "reg-latfp-1.txt", false, 0);
	same_as("reg query HKLM\\SYSTEM\\ControlSet002\\Services\\intelide /v Start",
		FIX "reg-start-ControlSet002-intelide.txt", false, 0);
	assert_int_equal(ws_run(state,
				"reg delete HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Policies\\"
				"System /v LocalAccountTokenFilterPolicy /f",
				NULL, NULL, NULL),
			 0);
	same_as(q, FIX "reg-latfp-missing.stderr.txt", true, 1);
}

static void test_recorded_formats_net(void **s)
{
	(void)s;
	same_as("net user asrpush", FIX "net-user-disabled.txt", false, 0);
	assert_int_equal(ws_run(state, "net user asrpush /active:yes", NULL, NULL, NULL), 0);
	ws_set(state, "users", "asrpush\tLocked\t\tASR push account\n");
	same_as("net user asrpush", FIX "net-user-locked.txt", false, 0);
	ws_set(state, "users", "asrpush\tYes\t6/30/2024 12:00:00 AM\tASR push account\n");
	same_as("net user asrpush", FIX "net-user-expires.txt", false, 0);
	same_as("net share", FIX "net-share.txt", false, 0);
	ws_set(state, "shares", "IPC$\t\tRemote IPC\n");
	same_as("net share", FIX "net-share-noadmin.txt", false, 0);
}

static void test_recorded_formats_sc(void **s)
{
	(void)s;
	same_as("sc query netlogon", FIX "sc-query-netlogon-stopped.txt", false, 0);
	same_as("sc query Winmgmt", FIX "sc-query-winmgmt-running.txt", false, 0);
	same_as("sc query NoSuchService", FIX "sc-query-missing.txt", false, 1060 & 0xFF);
	/* Disabled: sc start refuses (1058); enabled, it starts. */
	char *o = NULL;
	assert_int_equal(ws_run(state, "sc start Netlogon", &o, NULL, NULL), 1058 & 0xFF);
	assert_non_null(strstr(o, "FAILED 1058"));
	free(o);
	assert_int_equal(ws_run(state, "sc config Netlogon start= demand", NULL, NULL, NULL), 0);
	assert_int_equal(ws_run(state, "sc start Netlogon", NULL, NULL, NULL), 0);
	same_as("sc query netlogon", FIX "sc-query-netlogon-running.txt", false, 0);
}

static void test_recorded_formats_netsh(void **s)
{
	(void)s;
	same_as("netsh advfirewall show allprofiles state", FIX "netsh-state-on.txt", false, 0);
	ws_set(state, "fwstate", "OFF OFF OFF\n");
	same_as("netsh advfirewall show allprofiles state", FIX "netsh-state-off.txt", false, 0);
	same_as("netsh advfirewall firewall show rule name=all", FIX "netsh-rules-disabled.txt", false,
		0);
	/* The article's own command, by the English group name. */
	char *o = NULL;
	assert_int_equal(ws_run(state,
				"netsh advfirewall firewall set rule group=\"File and Printer "
				"Sharing\" new enable=yes",
				&o, NULL, NULL),
			 0);
	assert_string_equal(o, "\r\nUpdated 4 rule(s).\r\nOk.\r\n\r\n");
	free(o);
	assert_int_equal(ws_run(state,
				"netsh advfirewall firewall set rule group=\"windows management "
				"instrumentation (wmi)\" new enable=yes",
				NULL, NULL, NULL),
			 0);
	assert_int_equal(ws_run(state,
				"netsh advfirewall firewall set rule name=\"File and Printer Sharing "
				"(Echo Request - ICMPv4-In)\" new enable=no",
				NULL, NULL, NULL),
			 1);
	/* The echo rule is off in the recording of the enabled groups. */
	char *rules = ws_get(state, "rules");
	const char *on = "FPS-ICMP4-ERQ-In\t@FirewallAPI.dll,-28502\tYes\t";
	char *p = strstr(rules, on);
	assert_non_null(p);
	struct sbuf b = { 0 };
	sb_addn(&b, rules, (size_t)(p - rules));
	sb_add(&b, "FPS-ICMP4-ERQ-In\t@FirewallAPI.dll,-28502\tNo\t");
	sb_add(&b, p + strlen(on));
	ws_set(state, "rules", sb_str(&b));
	sb_free(&b);
	free(rules);
	same_as("netsh advfirewall firewall show rule name=all", FIX "netsh-rules-enabled.txt", false,
		0);
}

static void test_recorded_formats_netsh_german(void **s)
{
	(void)s;
	ws_set(state, "lang", "de\n");
	ws_set(state, "codepage", "65001\n");
	ws_set(state, "rules",
	       "FPS-SMB-In-TCP\t@FirewallAPI.dll,-28502\tYes\tIn\tDomain,Private,Public\t"
	       "Datei- und Druckerfreigabe\tTCP\t445\tDatei- und Druckerfreigabe (SMB eingehend)\n");
	same_as("netsh advfirewall firewall show rule name=all", FIX "netsh-rules-de.txt", false, 0);
}

/* The checks' listing of a rule group by its reference: the same rules
 * answer the recording byte for byte, in German too (only the display
 * names differ), and a group the machine lacks is PowerShell's error. */
static void test_recorded_formats_ps_firewall_group(void **s)
{
	(void)s;
	static const char *const rows[][3] = {
		{ "FPS-NB_Session-In-TCP", "Private,Public",
		  "Datei- und Druckerfreigabe (NB-Sitzung eingehend)" },
		{ "FPS-NB_Session-In-TCP-NoScope", "Domain",
		  "Datei- und Druckerfreigabe (NB-Sitzung eingehend)" },
		{ "FPS-SMB-In-TCP", "Private,Public", "Datei- und Druckerfreigabe (SMB eingehend)" },
		{ "FPS-SMB-In-TCP-NoScope", "Domain", "Datei- und Druckerfreigabe (SMB eingehend)" },
		{ "FPS-ICMP4-ERQ-In", "Private,Public",
		  "Datei- und Druckerfreigabe (Echoanforderung - ICMPv4 eingehend)" },
		{ "FPS-ICMP4-ERQ-In-NoScope", "Domain",
		  "Datei- und Druckerfreigabe (Echoanforderung - ICMPv4 eingehend)" },
		{ "FPS-SMB-Out-TCP", "Private,Public", "Datei- und Druckerfreigabe (SMB ausgehend)" },
	};
	struct sbuf t = { 0 };
	for (size_t i = 0; i < ARRAY_LEN(rows); i++)
		sb_printf(&t, "%s\t@FirewallAPI.dll,-28502\t%s\t%s\t%s\tDatei- und Druckerfreigabe\tTCP\t445\t%s\n",
			  rows[i][0], strstr(rows[i][0], "NoScope") ? "Yes" : "No",
			  strstr(rows[i][0], "-Out-") ? "Out" : "In", rows[i][1], rows[i][2]);
	ws_set(state, "lang", "de\n");
	ws_set(state, "codepage", "65001\n");
	ws_set(state, "curprofiles", "1\n");
	ws_set(state, "rules", sb_str(&t));
	sb_free(&t);
	char *script = xasprintf(WINFW_PS_PRE "@FirewallAPI.dll,-28502" WINFW_PS_POST);
	const char *argv[] = { "powershell", "-NoProfile", "-NonInteractive", "-Command", script,
			       NULL };
	char *line = win_cmdline(argv, true);
	same_as(line, FIX "ps-fwgroup-28502-de-domain-on.txt", false, 0);
	ws_set(state, "curprofiles", "2\n");
	same_as(line, FIX "ps-fwgroup-28502-de-private-active.txt", false, 0);
	free(line);
	free(script);
	script = xasprintf(WINFW_PS_PRE "@FirewallAPI.dll,-34251" WINFW_PS_POST);
	argv[4] = script;
	line = win_cmdline(argv, true);
	char *o = NULL, *e = NULL;
	assert_int_equal(ws_run(state, line, &o, NULL, &e), 1);
	assert_string_equal(o, "active|2\r\nfirewall|1|True\r\nfirewall|2|True\r\nfirewall|4|True\r\n");
	assert_non_null(strstr(e, "No MSFT_NetFirewallRule objects found with property 'Group' "
				  "equal to '@FirewallAPI.dll,-34251'"));
	free(o);
	free(e);
	free(line);
	free(script);
}

static void test_powershell_lines(void **s)
{
	(void)s;
	const char *list = "powershell -NoProfile -NonInteractive -Command ^\"Get-NetFirewallRule "
			   "-Group '@FirewallAPI.dll,-28502' ^| ForEach-Object { $_.Name + '^|' + "
			   "$_.Enabled }^\"";
	char *o = NULL;
	assert_int_equal(ws_run(state, list, &o, NULL, NULL), 0);
	assert_string_equal(o, "FPS-ICMP4-ERQ-In|False\r\nFPS-NB_Session-In-TCP|False\r\n"
			       "FPS-SMB-In-TCP|False\r\nFPS-NB_Name-In-UDP|False\r\n");
	free(o);
	assert_int_equal(ws_run(state,
				"powershell -NoProfile -NonInteractive -Command ^\"Enable-NetFirewallRule "
				"-Name 'FPS-SMB-In-TCP','FPS-NB_Name-In-UDP'^\"",
				NULL, NULL, NULL),
			 0);
	assert_int_equal(ws_run(state, list, &o, NULL, NULL), 0);
	assert_string_equal(o, "FPS-ICMP4-ERQ-In|False\r\nFPS-NB_Session-In-TCP|False\r\n"
			       "FPS-SMB-In-TCP|True\r\nFPS-NB_Name-In-UDP|True\r\n");
	free(o);
	same_as("powershell -NoProfile -NonInteractive -Command "
		"^\"(Get-CimInstance Win32_ComputerSystem).PartOfDomain^\"",
		FIX "powershell-false.txt", false, 0);
	same_as("powershell -NoProfile -NonInteractive -Command Test-ComputerSecureChannel",
		FIX "powershell-true.txt", false, 0);
}

/* cmd.exe's reading: & ends a command (and runs the next), %VAR% expands,
 * carets and quotes keep a word whole; unknown programs answer 9009. */
static void test_cmd_reading(void **s)
{
	(void)s;
	ws_set(state, "users", "svc & asr\tNo\t\tx\nsvc\tYes\t\ty\n");
	char *o = NULL, *e = NULL;
	/* Unquoted: net user svc, then "asr" as a command of its own. */
	assert_int_equal(ws_run(state, "net user svc & asr /active:yes", &o, NULL, &e), 9009 & 0xFF);
	assert_non_null(strstr(o, "User name                    svc\r\n"));
	assert_string_equal(e, "'asr' is not recognized as an internal or external command,\r\n"
			       "operable program or batch file.\r\n");
	free(o);
	free(e);
	assert_int_equal(ws_run(state, "net user ^\"svc ^& asr^\" /active:yes", NULL, NULL, NULL), 0);
	char *users = ws_get(state, "users");
	assert_string_equal(users, "svc & asr\tYes\t\tx\nsvc\tYes\t\ty\n");
	free(users);
	assert_int_equal(ws_run(state, "net user %USERNAME%", &o, NULL, &e), 2);
	assert_non_null(strstr(e, "The user name could not be found."));
	free(o);
	free(e);
	assert_int_equal(ws_run(state, "ver", &o, NULL, NULL), 0);
	assert_non_null(strstr(o, "Microsoft Windows [Version "));
	free(o);
	char *log = ws_get(state, "log");
	assert_non_null(strstr(log, "net user ^\"svc ^& asr^\" /active:yes\n"));
	free(log);
}

/* Output in code page 850: the reader has to decode it. */
static void test_code_page(void **s)
{
	(void)s;
	ws_set(state, "codepage", "850\n");
	ws_set(state, "users", "José\tYes\t\tJosé Müller\n");
	char *o = NULL;
	size_t n = 0;
	assert_int_equal(ws_run(state, "net user Jos\xc3\xa9", &o, &n, NULL), 0);
	assert_non_null(strstr(o, "Jos\x82")); /* é in CP850 */
	assert_null(strstr(o, "Jos\xc3\xa9"));
	char *c = NULL;
	assert_int_equal(ws_run(state, "chcp", &c, NULL, NULL), 0);
	assert_string_equal(c, "Active code page: 850\r\n");
	char *u = win_text_utf8(o, n, win_chcp_parse(c), NULL);
	/* Decoded, its CRLF line ends are LF (wintext.h). */
	assert_non_null(strstr(o, "Jos\x82 M\x81ller\r\n"));
	assert_non_null(strstr(u, "Full Name                    José Müller\n"));
	assert_null(strchr(u, '\r'));
	free(u);
	free(c);
	free(o);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_recorded_formats_whoami_hostname, setup, teardown),
		cmocka_unit_test_setup_teardown(test_recorded_formats_reg, setup, teardown),
		cmocka_unit_test_setup_teardown(test_recorded_formats_net, setup, teardown),
		cmocka_unit_test_setup_teardown(test_recorded_formats_sc, setup, teardown),
		cmocka_unit_test_setup_teardown(test_recorded_formats_netsh, setup, teardown),
		cmocka_unit_test_setup_teardown(test_recorded_formats_netsh_german, setup, teardown),
		cmocka_unit_test_setup_teardown(test_recorded_formats_ps_firewall_group, setup, teardown),
		cmocka_unit_test_setup_teardown(test_powershell_lines, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cmd_reading, setup, teardown),
		cmocka_unit_test_setup_teardown(test_code_page, setup, teardown),
	};
	return cmocka_run_group_tests_name("the stand-in for the Windows commands", tests, NULL, NULL);
}
