/* test_check_windows.c: the Windows-only checks are not applicable on
 * Linux targets; the parsers read recorded output of reg, sc, net, netsh
 * and whoami (tests/fixtures/windows/, CRLF as the tools write it); and
 * the checks' Windows path, replayed on those recordings through a
 * stand-in target, reaches the right verdicts. */
#include "misc_testlib.h"

#include <stdio.h>

#include "engine/winparse.h"

#define WIN "tests/fixtures/windows/"
#define MISC "tests/fixtures/misc/"

static const char *const win_checks[] = {
	"win.uac",     "win.privileges", "win.domain_trust", "win.account", "win.netlogon",
	"win.network", "win.share",      "win.file_sharing", "win.wmi",     "win.vss",
	"win.dcom",    "win.cluster",    "win.drivers",
};

static void test_linux_target_makes_every_windows_check_na(void **state)
{
	(void)state;
	struct target *t = tl_root(MISC "agent-none");
	for (size_t i = 0; i < ARRAY_LEN(win_checks); i++) {
		struct check_result r;
		tl_run_t(t, win_checks[i], "10.0.0.10", &r);
		tl_status(&r, STATUS_NA);
		assert_string_equal(
		    r.finding,
		    "not applicable on Linux; connect to the Windows machine with --target");
		assert_int_equal(r.nev, 0);
		result_free(&r);
	}
	msg_set_lang(LANG_ZH);
	struct check_result r;
	tl_run_t(t, "win.netlogon", NULL, &r);
	msg_set_lang(LANG_EN);
	assert_string_equal(r.finding, "不适用于 Linux；请用 --target 连接到 Windows 计算机");
	result_free(&r);
	target_free(t);
}

/* ---- parsers on recorded output ------------------------------------- */

static void test_recorded_reg_query_value(void **state)
{
	(void)state;
	struct winreg_value v;
	char *out = tu_read_file(WIN "reg-latfp-1.txt", NULL);
	assert_int_equal(winreg_parse_value(out, 0, "LocalAccountTokenFilterPolicy", &v),
			 WINREG_FOUND);
	assert_string_equal(v.type, "REG_DWORD");
	assert_string_equal(v.data, "0x1");
	assert_true(v.is_num);
	assert_int_equal(v.num, 1);
	winreg_value_free(&v);
	/* Value names are case-insensitive in the registry. */
	assert_int_equal(winreg_parse_value(out, 0, "localaccounttokenfilterpolicy", &v),
			 WINREG_FOUND);
	winreg_value_free(&v);
	free(out);
	out = tu_read_file(WIN "reg-latfp-0.txt", NULL);
	assert_int_equal(winreg_parse_value(out, 0, "LocalAccountTokenFilterPolicy", &v),
			 WINREG_FOUND);
	assert_int_equal(v.num, 0);
	winreg_value_free(&v);
	free(out);
	out = tu_read_file(WIN "reg-latfp-missing.stderr.txt", NULL);
	assert_int_equal(winreg_parse_value(out, 1, "LocalAccountTokenFilterPolicy", &v),
			 WINREG_MISSING);
	free(out);
	out = tu_read_file(WIN "reg-productname-2019.txt", NULL);
	assert_int_equal(winreg_parse_value(out, 0, "ProductName", &v), WINREG_FOUND);
	assert_string_equal(v.type, "REG_SZ");
	assert_string_equal(v.data, "Windows Server 2019 Datacenter");
	assert_false(v.is_num);
	winreg_value_free(&v);
	free(out);
	/* reg exits 1 on access denied too: that is not "missing". */
	assert_int_equal(winreg_parse_value("ERROR: Access is denied.\r\n", 1, "X", &v),
			 WINREG_ERROR);
	assert_int_equal(winreg_parse_value("", 0, "X", &v), WINREG_ERROR);
}

static void test_recorded_reg_query_subkeys(void **state)
{
	(void)state;
	char *out = tu_read_file(WIN "reg-system.txt", NULL);
	struct strvec keys = { 0 };
	assert_int_equal(winreg_parse_subkeys(out, "HKLM\\SYSTEM", &keys), 19);
	assert_true(sv_contains(&keys, "ControlSet001"));
	assert_true(sv_contains(&keys, "ControlSet002"));
	assert_true(sv_contains(&keys, "Keyboard Layout"));
	sv_free(&keys);
	/* Asked about another key, the lines are not its subkeys. */
	assert_int_equal(winreg_parse_subkeys(out, "HKLM\\SOFTWARE", &keys), 0);
	free(out);
}

static void test_recorded_sc_query(void **state)
{
	(void)state;
	char *out = tu_read_file(WIN "sc-query-netlogon-running.txt", NULL);
	assert_int_equal(winsc_parse_state(out, 0), WINSVC_RUNNING);
	free(out);
	out = tu_read_file(WIN "sc-query-netlogon-stopped.txt", NULL);
	assert_int_equal(winsc_parse_state(out, 0), WINSVC_STOPPED);
	assert_string_equal(winsvc_state_name(winsc_parse_state(out, 0)), "STOPPED");
	free(out);
	out = tu_read_file(WIN "sc-query-missing.txt", NULL);
	assert_int_equal(winsc_parse_state(out, 1060), WINSVC_MISSING);
	assert_int_equal(winsc_parse_start_type(out, 1060), WINSVC_MISSING);
	free(out);
	out = tu_read_file(WIN "sc-qc-netlogon.txt", NULL);
	assert_int_equal(winsc_parse_start_type(out, 0), 3);
	free(out);
	out = tu_read_file(WIN "sc-qc-winmgmt.txt", NULL);
	assert_int_equal(winsc_parse_start_type(out, 0), 2);
	free(out);
	assert_int_equal(winsc_parse_state("garbage", 0), WINSVC_UNKNOWN);
}

static void test_recorded_net_user(void **state)
{
	(void)state;
	struct win_user u;
	char *out = tu_read_file(WIN "net-user-active.txt", NULL);
	assert_int_equal(winnet_parse_user(out, &u), 0);
	assert_string_equal(u.name, "Administrator");
	assert_int_equal(u.active, WIN_ACTIVE_YES);
	assert_true(u.never_expires);
	assert_int_equal(u.local_groups.n, 3);
	assert_string_equal(u.local_groups.v[0], "Administrators");
	assert_string_equal(u.local_groups.v[1], "Remote Desktop Users");
	assert_string_equal(u.local_groups.v[2], "Users");
	assert_int_equal(u.global_groups.n, 0);
	win_user_free(&u);
	free(out);
	out = tu_read_file(WIN "net-user-disabled.txt", NULL);
	assert_int_equal(winnet_parse_user(out, &u), 0);
	assert_string_equal(u.name, "asrpush");
	assert_int_equal(u.active, WIN_ACTIVE_NO);
	win_user_free(&u);
	free(out);
	out = tu_read_file(WIN "net-user-locked.txt", NULL);
	assert_int_equal(winnet_parse_user(out, &u), 0);
	assert_int_equal(u.active, WIN_ACTIVE_LOCKED);
	win_user_free(&u);
	free(out);
	out = tu_read_file(WIN "net-user-expires.txt", NULL);
	assert_int_equal(winnet_parse_user(out, &u), 0);
	assert_false(u.never_expires);
	assert_string_equal(u.expires, "6/30/2024 12:00:00 AM");
	win_user_free(&u);
	free(out);
	assert_int_equal(winnet_parse_user("The user name could not be found.\r\n", &u), -1);
	win_user_free(&u);
}

static void test_recorded_net_share(void **state)
{
	(void)state;
	char *out = tu_read_file(WIN "net-share.txt", NULL);
	assert_true(winnet_share_listed(out, "ADMIN$"));
	assert_true(winnet_share_listed(out, "c$"));
	assert_true(winnet_share_listed(out, "IPC$"));
	assert_false(winnet_share_listed(out, "D$"));
	free(out);
	out = tu_read_file(WIN "net-share-noadmin.txt", NULL);
	assert_false(winnet_share_listed(out, "ADMIN$"));
	free(out);
}

static void test_recorded_netsh_rules(void **state)
{
	(void)state;
	struct winfw_rule *rules = NULL;
	char *out = tu_read_file(WIN "netsh-rules-disabled.txt", NULL);
	size_t n = winfw_parse(out, &rules);
	assert_int_equal(n, 9);
	assert_string_equal(rules[2].name, "File and Printer Sharing (SMB-In)");
	assert_false(rules[2].enabled);
	assert_true(rules[2].inbound);
	assert_true(rules[2].allow);
	assert_string_equal(rules[2].grouping, "File and Printer Sharing");
	assert_string_equal(rules[2].protocol, "TCP");
	assert_string_equal(rules[2].local_port, "445");
	assert_string_equal(rules[2].profiles, "Domain,Private,Public");
	assert_null(rules[0].local_port); /* ICMP has no ports */
	assert_string_equal(rules[4].local_port, "RPC");
	assert_true(rules[8].enabled); /* Remote Desktop */
	winfw_free(rules, n);
	free(out);
	out = tu_read_file(WIN "netsh-rules-enabled.txt", NULL);
	n = winfw_parse(out, &rules);
	assert_int_equal(n, 9);
	for (size_t i = 1; i < n; i++)
		assert_true(rules[i].enabled);
	winfw_free(rules, n);
	free(out);
	/* Localized labels are not understood: no rule rather than a wrong one. */
	out = tu_read_file(WIN "netsh-rules-de.txt", NULL);
	assert_int_equal(winfw_parse(out, &rules), 0);
	winfw_free(rules, 0);
	free(out);
}

static void test_recorded_netsh_profile_state(void **state)
{
	(void)state;
	int off = -1;
	char *out = tu_read_file(WIN "netsh-state-on.txt", NULL);
	assert_int_equal(winfw_profiles_on(out, &off), 3);
	assert_int_equal(off, 0);
	free(out);
	out = tu_read_file(WIN "netsh-state-off.txt", NULL);
	assert_int_equal(winfw_profiles_on(out, &off), 0);
	assert_int_equal(off, 3);
	free(out);
	assert_int_equal(winfw_profiles_on("Ok.\r\n", &off), -1);
}

static void test_recorded_whoami_groups(void **state)
{
	(void)state;
	char *out = tu_read_file(WIN "whoami-groups-admin.txt", NULL);
	assert_int_equal(winwho_group(out, "S-1-5-32-544"), WIN_SID_ENABLED);
	/* S-1-5-32-545 must not match inside S-1-5-32-5450 or the like. */
	assert_int_equal(winwho_group(out, "S-1-5-32-54"), WIN_SID_ABSENT);
	free(out);
	out = tu_read_file(WIN "whoami-groups-filtered.txt", NULL);
	assert_int_equal(winwho_group(out, "S-1-5-32-544"), WIN_SID_DENY_ONLY);
	free(out);
	out = tu_read_file(WIN "whoami-groups-user.txt", NULL);
	assert_int_equal(winwho_group(out, "S-1-5-32-544"), WIN_SID_ABSENT);
	assert_int_equal(winwho_group(out, "S-1-5-32-545"), WIN_SID_ENABLED);
	free(out);
}

static void test_recorded_powershell_bool(void **state)
{
	(void)state;
	char *out = tu_read_file(WIN "powershell-true.txt", NULL);
	assert_int_equal(win_parse_bool(out), 1);
	free(out);
	out = tu_read_file(WIN "powershell-false.txt", NULL);
	assert_int_equal(win_parse_bool(out), 0);
	free(out);
	assert_int_equal(win_parse_bool("\r\n\r\nTrue\r\n"), 1);
	assert_int_equal(win_parse_bool("Test-ComputerSecureChannel : error\r\n"), -1);
	assert_int_equal(win_parse_bool(""), -1);
}

/* ---- the checks' Windows path, replayed ----------------------------- */

#define UAC_CMD                                                                                    \
	"reg query HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Policies\\System /v LocalAccountTokenFilterPolicy"

/* Runs check on a stand-in Windows target replaying recs. */
static void replay(const char *check, const char *server, const struct tl_replay *recs, size_t n,
		   struct check_result *r)
{
	struct target *t = tl_replay_target(MISC "agent-none", TARGET_OS_WINDOWS, recs, n);
	tl_run_t(t, check, server, r);
	assert_int_equal(tl_unknown_commands, 0);
	target_free(t);
}

static void test_recorded_uac_check(void **state)
{
	(void)state;
	struct check_result r;
	const struct tl_replay on[] = { { UAC_CMD, WIN "reg-latfp-1.txt", NULL, 0 } };
	replay("win.uac", NULL, on, ARRAY_LEN(on), &r);
	tl_status(&r, STATUS_PASS);
	const struct evidence *e = tl_ev_has(&r, EV_COMMAND, "REG_DWORD    0x1");
	assert_string_equal(e->command, UAC_CMD);
	assert_int_equal(e->exit_status, 0);
	result_free(&r);
	/* Missing, with a local account: remote UAC strips its rights. */
	const struct tl_replay missing[] = {
		{ UAC_CMD, NULL, WIN "reg-latfp-missing.stderr.txt", 1 },
		{ "whoami", WIN "whoami.txt", NULL, 0 },
		{ "hostname", WIN "hostname.txt", NULL, 0 },
	};
	replay("win.uac", NULL, missing, ARRAY_LEN(missing), &r);
	tl_status(&r, STATUS_FAIL);
	tl_finding_has(&r, "LocalAccountTokenFilterPolicy is not set");
	tl_ev_has(&r, EV_NOTE, "logged in as web01\\asrpush (local account)");
	result_free(&r);
	/* 0 with a domain account does not matter. */
	const struct tl_replay domain[] = {
		{ UAC_CMD, WIN "reg-latfp-0.txt", NULL, 0 },
		{ "whoami", WIN "whoami.txt", NULL, 0 },
		{ "hostname", WIN "powershell-true.txt", NULL, 0 }, /* any other computer name */
	};
	replay("win.uac", NULL, domain, ARRAY_LEN(domain), &r);
	tl_status(&r, STATUS_PASS);
	tl_finding_has(&r, "is 0x0, which matters for local accounts only");
	result_free(&r);
}

static void test_recorded_privileges_check(void **state)
{
	(void)state;
	static const struct {
		const char *file;
		enum status want;
	} cases[] = {
		{ WIN "whoami-groups-admin.txt", STATUS_PASS },
		{ WIN "whoami-groups-filtered.txt", STATUS_FAIL },
		{ WIN "whoami-groups-user.txt", STATUS_FAIL },
	};
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		const struct tl_replay rec[] = { { "whoami /groups", cases[i].file, NULL, 0 } };
		struct check_result r;
		replay("win.privileges", NULL, rec, 1, &r);
		tl_status(&r, cases[i].want);
		result_free(&r);
	}
}

static void test_recorded_netlogon_check(void **state)
{
	(void)state;
	struct check_result r;
	const struct tl_replay running[] = {
		{ "sc query Netlogon", WIN "sc-query-netlogon-running.txt", NULL, 0 },
		{ "sc qc Netlogon", WIN "sc-qc-netlogon.txt", NULL, 0 },
	};
	replay("win.netlogon", NULL, running, ARRAY_LEN(running), &r);
	tl_status(&r, STATUS_PASS);
	result_free(&r);
	const struct tl_replay stopped[] = {
		{ "sc query Netlogon", WIN "sc-query-netlogon-stopped.txt", NULL, 0 },
		{ "sc qc Netlogon", WIN "sc-qc-netlogon.txt", NULL, 0 },
	};
	replay("win.netlogon", NULL, stopped, ARRAY_LEN(stopped), &r);
	tl_status(&r, STATUS_FAIL);
	tl_finding_has(&r, "Netlogon service is STOPPED (95522): net start Netlogon");
	result_free(&r);
}

static void test_recorded_account_check(void **state)
{
	(void)state;
	static const struct {
		const char *file;
		enum status want;
		const char *says;
	} cases[] = {
		{ WIN "net-user-active.txt", STATUS_PASS, "active and does not expire" },
		{ WIN "net-user-disabled.txt", STATUS_FAIL,
		  "disabled (95519): net user \"asrpush\" /active:yes" },
		{ WIN "net-user-locked.txt", STATUS_FAIL, "locked out" },
		{ WIN "net-user-expires.txt", STATUS_WARN, "expires on 6/30/2024" },
	};
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		const struct tl_replay rec[] = {
			{ "whoami", WIN "whoami.txt", NULL, 0 },
			{ "hostname", WIN "hostname.txt", NULL, 0 },
			{ "net user asrpush", cases[i].file, NULL, 0 },
		};
		struct check_result r;
		replay("win.account", NULL, rec, ARRAY_LEN(rec), &r);
		tl_status(&r, cases[i].want);
		tl_finding_has(&r, cases[i].says);
		result_free(&r);
	}
}

/* --account names the push install's account: net user asks about it,
 * not about the logged-in one (no whoami); a HOST\\NAME that is not this
 * computer is asked of the domain. */
static void test_recorded_account_check_for_named_account(void **state)
{
	(void)state;
	static const struct {
		const char *account, *cmd;
		bool asks_host;
	} cases[] = {
		{ "asrpush", "net user asrpush", false },
		{ "WEB01\\asrpush", "net user asrpush", true },
		{ "CONTOSO\\asrpush", "net user asrpush /domain", true },
		{ "asrpush@contoso.com", "net user asrpush /domain", false },
	};
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		const struct tl_replay rec[] = {
			{ "hostname", WIN "hostname.txt", NULL, 0 },
			{ cases[i].cmd, WIN "net-user-locked.txt", NULL, 0 },
		};
		struct target *t = tl_replay_target(MISC "agent-none", TARGET_OS_WINDOWS, rec,
						    ARRAY_LEN(rec));
		struct check_ctx ctx = { .t = t, .account = cases[i].account, .timeout_ms = 3000 };
		struct check_result r;
		print_message("%s\n", cases[i].account);
		check_run_one(check_find("win.account"), &ctx, &r);
		assert_int_equal(tl_unknown_commands, 0);
		tl_status(&r, STATUS_FAIL);
		tl_finding_has(&r, "the account asrpush is locked out after failed logins (95520)");
		tl_ev_has(&r, EV_COMMAND, "");
		assert_non_null(tl_ev(&r, EV_NOTE, "(--account)"));
		bool ran_whoami = false, ran_host = false;
		for (size_t k = 0; k < r.nev; k++) {
			if (r.ev[k].kind != EV_COMMAND)
				continue;
			ran_whoami |= strcmp(r.ev[k].command, "whoami") == 0;
			ran_host |= strcmp(r.ev[k].command, "hostname") == 0;
		}
		assert_false(ran_whoami);
		assert_int_equal(ran_host, cases[i].asks_host);
		result_free(&r);
		target_free(t);
	}
}

#define PS "powershell -NoProfile -NonInteractive -Command "
#define FW_FPS PS WINFW_PS_PRE "@FirewallAPI.dll,-28502" WINFW_PS_POST
#define FW_WMI PS WINFW_PS_PRE "@FirewallAPI.dll,-34251" WINFW_PS_POST

/* The group listing read the same in English and German: ids, enum names
 * and profile flags; the display name is kept as evidence only. */
static void test_recorded_ps_firewall_group(void **state)
{
	(void)state;
	struct winfw_ps en, de;
	char *a = tu_read_file(WIN "ps-fwgroup-28502-en-disabled.txt", NULL);
	char *b = tu_read_file(WIN "ps-fwgroup-28502-de-domain-on.txt", NULL);
	assert_int_equal(winfw_ps_parse(a, &en), 0);
	assert_int_equal(winfw_ps_parse(b, &de), 0);
	assert_int_equal(en.active, WINFW_DOMAIN);
	assert_int_equal(en.firewall_on, WINFW_ALL);
	assert_int_equal(en.n, 7);
	assert_int_equal(de.n, 7);
	for (size_t i = 0; i < en.n; i++)
		assert_string_equal(en.rules[i].id, de.rules[i].id);
	assert_string_equal(de.rules[3].id, "FPS-SMB-In-TCP-NoScope");
	assert_int_equal(de.rules[3].profiles, WINFW_DOMAIN);
	assert_true(de.rules[3].enabled && de.rules[3].inbound && de.rules[3].allow);
	assert_false(en.rules[3].enabled);
	assert_int_equal(de.rules[2].profiles, WINFW_PRIVATE | WINFW_PUBLIC);
	assert_string_equal(de.rules[2].display, "Datei- und Druckerfreigabe (SMB eingehend)");
	assert_false(de.rules[6].inbound);
	winfw_ps_free(&en);
	winfw_ps_free(&de);
	free(a);
	free(b);
	a = tu_read_file(WIN "ps-fwgroup-34251-en-domain-only.txt", NULL);
	assert_int_equal(winfw_ps_parse(a, &en), 0);
	assert_int_equal(en.active, WINFW_DOMAIN | WINFW_PRIVATE);
	assert_int_equal(en.rules[4].profiles, WINFW_ALL); /* "Any" */
	winfw_ps_free(&en);
	free(a);
	/* Anything else is not read: a localized error, netsh's list, a
	 * profile word PowerShell does not print, a missing state line. */
	static const char *const bad[] = {
		"active|1\r\nfirewall|1|True\r\nfirewall|2|True\r\nfirewall|4|True\r\n"
		"rule|FPS-SMB-In-TCP|Wahr|Inbound|Allow|Domain|x\r\n",
		"active|1\r\nfirewall|1|True\r\nfirewall|2|True\r\nfirewall|4|True\r\n"
		"rule|FPS-SMB-In-TCP|True|Inbound|Allow|Domäne|x\r\n",
		"active|1\r\nfirewall|1|True\r\nfirewall|4|True\r\n",
		"firewall|1|True\r\nfirewall|2|True\r\nfirewall|4|True\r\n",
		"",
	};
	for (size_t i = 0; i < ARRAY_LEN(bad); i++) {
		assert_int_equal(winfw_ps_parse(bad[i], &en), -1);
		winfw_ps_free(&en);
	}
	a = tu_read_file(WIN "netsh-rules-enabled.txt", NULL);
	assert_int_equal(winfw_ps_parse(a, &en), -1);
	winfw_ps_free(&en);
	free(a);
	a = tu_read_file(WIN "ps-fwgroup-28502-de-no-netsecurity.txt", NULL);
	assert_int_equal(winfw_ps_parse(a, &en), -1);
	winfw_ps_free(&en);
	free(a);
}

static void test_recorded_file_sharing_check(void **state)
{
	(void)state;
	static const struct {
		const char *file;
		int status;
		enum status want;
		const char *says;
	} cases[] = {
		{ WIN "ps-fwgroup-28502-en-disabled.txt", 0, STATUS_FAIL,
		  "disabled for the active profiles Domain: netsh advfirewall firewall set rule "
		  "group=\"@FirewallAPI.dll,-28502\" new enable=yes" },
		{ WIN "ps-fwgroup-28502-de-domain-on.txt", 0, STATUS_PASS,
		  "are enabled for the active profiles Domain" },
		{ WIN "ps-fwgroup-28502-de-private-active.txt", 0, STATUS_FAIL,
		  "disabled for the active profiles Private" },
		{ WIN "ps-fwgroup-28502-en-fw-off.txt", 0, STATUS_PASS,
		  "Firewall is off in the active profiles (Public)" },
		{ WIN "ps-fwgroup-28502-de-no-netsecurity.txt", 1, STATUS_WARN,
		  "could not read PowerShell's answer about the firewall rules of File and Printer "
		  "Sharing (@FirewallAPI.dll,-28502)" },
		{ WIN "netsh-rules-de.txt", 0, STATUS_WARN, "could not read" },
	};
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		const struct tl_replay rec[] = { { FW_FPS, cases[i].file, NULL, cases[i].status } };
		struct check_result r;
		replay("win.file_sharing", NULL, rec, ARRAY_LEN(rec), &r);
		tl_status(&r, cases[i].want);
		tl_finding_has(&r, cases[i].says);
		if (cases[i].want == STATUS_WARN) {
			/* The raw answer is the evidence. */
			char *raw = tu_read_file(cases[i].file, NULL);
			bool found = false;
			for (size_t k = 0; k < r.nev; k++)
				if (r.ev[k].kind == EV_COMMAND && r.ev[k].text &&
				    strstr(r.ev[k].text, raw))
					found = true;
			assert_true(found);
			free(raw);
		}
		result_free(&r);
	}
	/* The German answer's rules are named in the evidence by id and name. */
	const struct tl_replay de[] = { { FW_FPS, WIN "ps-fwgroup-28502-de-domain-on.txt", NULL,
					  0 } };
	struct check_result r;
	replay("win.file_sharing", NULL, de, 1, &r);
	tl_ev_has(&r, EV_NOTE,
		  "rule FPS-SMB-In-TCP-NoScope \"Datei- und Druckerfreigabe (SMB eingehend)\" "
		  "(profiles Domain): enabled");
	result_free(&r);
}

static void test_recorded_wmi_check(void **state)
{
	(void)state;
	const struct tl_replay rec[] = {
		{ "sc query Winmgmt", WIN "sc-query-winmgmt-running.txt", NULL, 0 },
		{ "sc qc Winmgmt", WIN "sc-qc-winmgmt.txt", NULL, 0 },
		{ FW_WMI, WIN "ps-fwgroup-34251-en-domain-only.txt", NULL, 0 },
	};
	struct check_result r;
	replay("win.wmi", NULL, rec, ARRAY_LEN(rec), &r);
	/* Domain and Private active, the WMI-In rule on for Domain only. */
	tl_status(&r, STATUS_WARN);
	tl_finding_has(&r, "the WMI-In rule is disabled for the active profiles Private: netsh "
			   "advfirewall firewall set rule group=\"@FirewallAPI.dll,-34251\"");
	/* The other rules of the group are listed too. */
	tl_ev_has(&r, EV_NOTE,
		  "rule WMI-RPCSS-In-TCP \"Windows Management Instrumentation (DCOM-In)\"");
	result_free(&r);
}

static void test_recorded_cluster_and_share_checks(void **state)
{
	(void)state;
	struct check_result r;
	const struct tl_replay none[] = { { "sc query ClusSvc", WIN "sc-query-missing.txt", NULL,
					    1060 } };
	replay("win.cluster", NULL, none, 1, &r);
	tl_status(&r, STATUS_PASS);
	tl_finding_has(&r, "not installed");
	result_free(&r);
	const struct tl_replay shares[] = { { "net share", WIN "net-share-noadmin.txt", NULL, 0 } };
	replay("win.share", NULL, shares, 1, &r);
	tl_status(&r, STATUS_FAIL);
	tl_finding_has(&r, "administrative shares missing: ADMIN$, C$ (");
	result_free(&r);
}

/* What win.drivers asks reg, recorded: HKLM\SYSTEM's subkeys, then the
 * Start value of each driver in ControlSet001 and ControlSet002 from its
 * file, except odd in control set odd_set, which answers err_file on
 * stderr with exit status 1. rec[1 + 5 * (set - 1) + driver] is a
 * driver's row (drivers in the order below); cmds and files hold its
 * strings. */
struct drivers_rec {
	struct tl_replay rec[12];
	char cmds[12][128], files[12][128];
	size_t n;
};

static void drivers_recorded(struct drivers_rec *d, int odd_set, const char *odd,
			     const char *err_file)
{
	static const char *const drivers[] = { "atapi", "intelide", "storflt", "vmbus", "storvsc" };
	d->n = 0;
	d->rec[d->n++] =
	    (struct tl_replay){ "reg query HKLM\\SYSTEM", WIN "reg-system.txt", NULL, 0 };
	for (int cs = 1; cs <= 2; cs++)
		for (size_t k = 0; k < ARRAY_LEN(drivers); k++) {
			size_t n = d->n++;
			snprintf(d->cmds[n], sizeof d->cmds[n],
				 "reg query HKLM\\SYSTEM\\ControlSet00%d\\Services\\%s /v Start",
				 cs, drivers[k]);
			snprintf(d->files[n], sizeof d->files[n],
				 WIN "reg-start-ControlSet00%d-%s.txt", cs, drivers[k]);
			bool gone = cs == odd_set && strcmp(drivers[k], odd) == 0;
			d->rec[n] = (struct tl_replay){ d->cmds[n], gone ? NULL : d->files[n],
							gone ? err_file : NULL, gone ? 1 : 0 };
		}
}

static void test_recorded_drivers_check(void **state)
{
	(void)state;
	/* storflt is missing from the second control set. */
	struct drivers_rec d;
	drivers_recorded(&d, 2, "storflt", WIN "reg-latfp-missing.stderr.txt");
	struct check_result r;
	replay("win.drivers", NULL, d.rec, d.n, &r);
	tl_status(&r, STATUS_FAIL);
	tl_finding_has(&r, "drivers missing: ControlSet002\\storflt");
	tl_ev_has(&r, EV_NOTE, "ControlSet001\\intelide Start=0x3");
	result_free(&r);
	/* With every driver present in both sets, it passes. */
	d.rec[8] = (struct tl_replay){ d.cmds[8], d.files[8], NULL, 0 };
	replay("win.drivers", NULL, d.rec, d.n, &r);
	tl_status(&r, STATUS_PASS);
	tl_finding_has(&r, "present in 2 control set(s)");
	result_free(&r);
}

static void test_recorded_os_check_on_windows(void **state)
{
	(void)state;
	const char *pn =
	    "reg query HKLM\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion /v ProductName";
	const char *bn =
	    "reg query HKLM\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion /v CurrentBuildNumber";
	struct check_result r;
	const struct tl_replay s2019[] = {
		{ pn, WIN "reg-productname-2019.txt", NULL, 0 },
		{ bn, WIN "reg-currentbuild-17763.txt", NULL, 0 },
	};
	replay("os.supported", NULL, s2019, 2, &r);
	tl_status(&r, STATUS_PASS);
	tl_finding_has(&r, "listed as Windows Server 2019");
	result_free(&r);
	/* Windows 11 still calls itself "Windows 10" in ProductName. */
	const struct tl_replay w11[] = {
		{ pn, WIN "reg-productname-win11.txt", NULL, 0 },
		{ bn, WIN "reg-currentbuild-22631.txt", NULL, 0 },
	};
	replay("os.supported", NULL, w11, 2, &r);
	tl_status(&r, STATUS_FAIL);
	tl_finding_has(&r, "Windows 11 Pro is not in the support table");
	result_free(&r);
}

static void test_network_check_needs_a_plain_server(void **state)
{
	(void)state;
	struct check_result r;
	replay("win.network", NULL, NULL, 0, &r);
	tl_status(&r, STATUS_NA);
	tl_finding_has(&r, "give --server HOST");
	result_free(&r);
	/* Nothing that could break out of the PowerShell command runs. */
	replay("win.network", "cs01;Restart-Computer", NULL, 0, &r);
	tl_status(&r, STATUS_ERROR);
	result_free(&r);
	const struct tl_replay rec[] = {
		{ "powershell -NoProfile -NonInteractive -Command Test-NetConnection -ComputerName cs01.contoso.com -Port 9443 -InformationLevel Quiet",
		  WIN "powershell-false.txt", NULL, 0 },
	};
	replay("win.network", "cs01.contoso.com", rec, 1, &r);
	tl_status(&r, STATUS_FAIL);
	tl_finding_has(&r, "cs01.contoso.com cannot be reached on port 9443");
	result_free(&r);
}

/* ---- localized output (German, Simplified Chinese) ------------------ */

/* Asserts that the raw text of file is the output of a command in r's
 * evidence: an answer that is not read is shown as it came. */
static void raw_in_evidence(const struct check_result *r, const char *file)
{
	char *raw = tu_read_file(file, NULL);
	bool found = false;
	for (size_t k = 0; k < r->nev; k++)
		if (r->ev[k].kind == EV_COMMAND && r->ev[k].text && strstr(r->ev[k].text, raw))
			found = true;
	if (!found)
		print_message("%s is not in the evidence\n", file);
	assert_true(found);
	free(raw);
}

/* One run of a check over recorded answers, and what it must answer.
 * recs ends with a row whose cmd is NULL. Besides the status: words the
 * finding holds (says), words it must not hold (lacks), a file whose
 * text is in the evidence as it came (raw, see raw_in_evidence) and
 * words some command's evidence holds (ev); NULL asks nothing. */
struct replay_case {
	const char *check;
	const struct tl_replay *recs;
	enum status want;
	const char *says;
	const char *raw;
	const char *lacks;
	const char *ev;
};

/* Replays each case on a stand-in Windows target and asserts what it
 * must answer, naming the case first. */
static void replay_cases(const struct replay_case *cases, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const struct replay_case *c = &cases[i];
		size_t nrecs = 0;
		while (c->recs[nrecs].cmd)
			nrecs++;
		print_message("%s, case %zu\n", c->check, i);
		struct check_result r;
		replay(c->check, NULL, c->recs, nrecs, &r);
		tl_status(&r, c->want);
		if (c->says)
			tl_finding_has(&r, c->says);
		if (c->lacks) {
			assert_non_null(r.finding);
			assert_null(strstr(r.finding, c->lacks));
		}
		if (c->raw)
			raw_in_evidence(&r, c->raw);
		if (c->ev)
			tl_ev_has(&r, EV_COMMAND, c->ev);
		result_free(&r);
	}
}

/* The recorded answers of one case, ended as replay_cases wants. */
#define RECS(...) ((const struct tl_replay[]){ __VA_ARGS__, { NULL, NULL, NULL, 0 } })

/* reg's "not found" is read in English, German and Chinese; the same
 * exit status with any other text (access denied, in any language) is
 * not taken for "missing". */
static void test_recorded_localized_reg_query(void **state)
{
	(void)state;
	static const struct {
		const char *file;
		enum winreg_found want;
	} cases[] = {
		{ WIN "reg-latfp-missing.stderr.txt", WINREG_MISSING },
		{ WIN "reg-latfp-missing-de.stderr.txt", WINREG_MISSING },
		{ WIN "reg-latfp-missing-zh.stderr.txt", WINREG_MISSING },
		{ WIN "reg-denied-de.stderr.txt", WINREG_ERROR },
		{ WIN "reg-denied-zh.stderr.txt", WINREG_ERROR },
	};
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		char *out = tu_read_file(cases[i].file, NULL);
		struct winreg_value v;
		print_message("%s\n", cases[i].file);
		assert_int_equal(winreg_parse_value(out, 1, "LocalAccountTokenFilterPolicy", &v),
				 cases[i].want);
		assert_int_equal(winreg_parse_key(out, 1), cases[i].want);
		/* "Not found" with another exit status is not reg's answer. */
		assert_int_equal(winreg_parse_value(out, 0, "LocalAccountTokenFilterPolicy", &v),
				 WINREG_ERROR);
		free(out);
	}
	assert_int_equal(winreg_parse_key("", 0), WINREG_FOUND);
	assert_int_equal(winreg_parse_key("", 1), WINREG_ERROR);

	/* The checks: missing in German or Chinese is a verdict, denied is
	 * "could not read" with the answer as evidence, never "not set". */
	const char *const missing[] = { WIN "reg-latfp-missing-de.stderr.txt",
					WIN "reg-latfp-missing-zh.stderr.txt" };
	for (size_t i = 0; i < ARRAY_LEN(missing); i++) {
		const struct tl_replay rec[] = {
			{ UAC_CMD, NULL, missing[i], 1 },
			{ "whoami", WIN "whoami.txt", NULL, 0 },
			{ "hostname", WIN "hostname.txt", NULL, 0 },
		};
		struct check_result r;
		replay("win.uac", NULL, rec, ARRAY_LEN(rec), &r);
		tl_status(&r, STATUS_FAIL);
		tl_finding_has(&r, "LocalAccountTokenFilterPolicy is not set");
		result_free(&r);
	}
	const char *const denied[] = { WIN "reg-denied-de.stderr.txt",
				       WIN "reg-denied-zh.stderr.txt" };
	for (size_t i = 0; i < ARRAY_LEN(denied); i++) {
		const struct tl_replay rec[] = { { UAC_CMD, NULL, denied[i], 1 } };
		struct check_result r;
		replay("win.uac", NULL, rec, ARRAY_LEN(rec), &r);
		tl_status(&r, STATUS_WARN);
		tl_finding_has(&r, "could not read reg query's answer about "
				   "LocalAccountTokenFilterPolicy; its output is in the evidence");
		raw_in_evidence(&r, denied[i]);
		result_free(&r);
	}
	/* win.cluster: HKLM\Cluster missing in German is no cluster node; a
	 * Chinese refusal is not read. */
	const struct replay_case cluster[] = {
		{ .check = "win.cluster",
		  RECS({ "sc query ClusSvc", WIN "sc-query-de-netlogon-running.txt", NULL, 0 },
		       { "sc qc ClusSvc", WIN "sc-qc-de-netlogon.txt", NULL, 0 },
		       { "reg query HKLM\\Cluster", NULL, WIN "reg-latfp-missing-de.stderr.txt",
			 1 }),
		  STATUS_FAIL, "enabled (RUNNING) on a machine that is not a cluster node" },
		{ .check = "win.cluster",
		  RECS({ "sc query ClusSvc", WIN "sc-query-de-netlogon-running.txt", NULL, 0 },
		       { "sc qc ClusSvc", WIN "sc-qc-de-netlogon.txt", NULL, 0 },
		       { "reg query HKLM\\Cluster", NULL, WIN "reg-denied-zh.stderr.txt", 1 }),
		  STATUS_WARN, "could not read reg query's answer about HKLM\\Cluster",
		  WIN "reg-denied-zh.stderr.txt" },
	};
	replay_cases(cluster, ARRAY_LEN(cluster));
}

/* A driver whose Start value reg refuses to show is not "missing". */
static void test_recorded_localized_drivers_check(void **state)
{
	(void)state;
	struct drivers_rec d;
	drivers_recorded(&d, 2, "vmbus", WIN "reg-denied-de.stderr.txt");
	struct check_result r;
	replay("win.drivers", NULL, d.rec, d.n, &r);
	tl_status(&r, STATUS_WARN);
	tl_finding_has(&r, "could not read reg query's answer about ControlSet002\\vmbus");
	raw_in_evidence(&r, WIN "reg-denied-de.stderr.txt");
	result_free(&r);
	/* Missing in German, next to it, is still a missing driver. */
	d.rec[3] = (struct tl_replay){ d.cmds[3], NULL, WIN "reg-latfp-missing-de.stderr.txt", 1 };
	replay("win.drivers", NULL, d.rec, d.n, &r);
	tl_status(&r, STATUS_FAIL);
	tl_finding_has(&r, "drivers missing: ControlSet001\\storflt");
	result_free(&r);
}

/* sc translates its labels (STATUS, STARTTYP) but not the number and the
 * constant's name: the state and start type are read in German as in
 * English, and error 1060 in German and Chinese. */
static void test_recorded_localized_sc(void **state)
{
	(void)state;
	char *out = tu_read_file(WIN "sc-query-de-netlogon-running.txt", NULL);
	assert_int_equal(winsc_parse_state(out, 0), WINSVC_RUNNING);
	/* The state line is not a start type, and the reverse. */
	assert_int_equal(winsc_parse_start_type(out, 0), -1);
	free(out);
	out = tu_read_file(WIN "sc-qc-de-netlogon.txt", NULL);
	assert_int_equal(winsc_parse_start_type(out, 0), 3);
	assert_int_equal(winsc_parse_state(out, 0), WINSVC_UNKNOWN);
	free(out);
	out = tu_read_file(WIN "sc-qc-de-vss-disabled.txt", NULL);
	assert_int_equal(winsc_parse_start_type(out, 0), 4);
	free(out);
	const char *const missing[] = { WIN "sc-query-de-missing.txt",
					WIN "sc-query-zh-missing.txt" };
	for (size_t i = 0; i < ARRAY_LEN(missing); i++) {
		out = tu_read_file(missing[i], NULL);
		/* The exit status says it, and the line alone does too. */
		assert_int_equal(winsc_parse_state(out, 1060), WINSVC_MISSING);
		assert_int_equal(winsc_parse_state(out, 1), WINSVC_MISSING);
		assert_int_equal(winsc_parse_start_type(out, 1), WINSVC_MISSING);
		free(out);
	}
	out = tu_read_file(WIN "sc-query-zh-denied.txt", NULL);
	assert_int_equal(winsc_parse_state(out, 5), WINSVC_UNKNOWN);
	free(out);
	/* A number that is not its name's, or a name that is not a state,
	 * is not read. */
	assert_int_equal(winsc_parse_state("        STATUS  : 1  RUNNING\r\n", 0), WINSVC_UNKNOWN);
	assert_int_equal(winsc_parse_state("        TYP     : 20  WIN32_SHARE_PROCESS\r\n", 0),
			 WINSVC_UNKNOWN);
	assert_int_equal(winsc_parse_state("        STATUS  : 4  RUNNINGX\r\n", 0), WINSVC_UNKNOWN);

	/* win.netlogon: running, stopped, missing (German and Chinese) and
	 * refused, read as in English. */
	const struct replay_case checks[] = {
		{ .check = "win.netlogon",
		  RECS({ "sc query Netlogon", WIN "sc-query-de-netlogon-running.txt", NULL, 0 },
		       { "sc qc Netlogon", WIN "sc-qc-de-netlogon.txt", NULL, 0 }),
		  STATUS_PASS },
		{ .check = "win.netlogon",
		  RECS({ "sc query Netlogon", WIN "sc-query-de-netlogon-stopped.txt", NULL, 0 },
		       { "sc qc Netlogon", WIN "sc-qc-de-netlogon.txt", NULL, 0 }),
		  STATUS_FAIL, "Netlogon service is STOPPED (95522)" },
		{ .check = "win.netlogon",
		  RECS({ "sc query Netlogon", WIN "sc-query-de-missing.txt", NULL, 1060 }),
		  STATUS_FAIL, "the Netlogon service is not installed" },
		{ .check = "win.netlogon",
		  RECS({ "sc query Netlogon", WIN "sc-query-zh-missing.txt", NULL, 1060 }),
		  STATUS_FAIL, "the Netlogon service is not installed" },
		{ .check = "win.netlogon",
		  RECS({ "sc query Netlogon", WIN "sc-query-zh-denied.txt", NULL, 5 },
		       { "sc qc Netlogon", WIN "sc-query-zh-denied.txt", NULL, 5 }),
		  STATUS_WARN, "could not read sc's answer about Netlogon",
		  WIN "sc-query-zh-denied.txt" },
		/* win.vss: disabled in German fails; a refusal was "installed
		 * and not disabled" before (no start type read is no verdict). */
		{ .check = "win.vss",
		  RECS({ "sc query VSS", WIN "sc-query-de-vss-stopped.txt", NULL, 0 },
		       { "sc qc VSS", WIN "sc-qc-de-vss-disabled.txt", NULL, 0 }),
		  STATUS_FAIL,
		  "Volume Shadow Copy (VSS) is disabled: sc config VSS start= demand" },
		{ .check = "win.vss",
		  RECS({ "sc query VSS", WIN "sc-query-de-vss-stopped.txt", NULL, 0 },
		       { "sc qc VSS", WIN "sc-query-zh-denied.txt", NULL, 5 }),
		  STATUS_WARN, "could not read sc's answer about VSS",
		  WIN "sc-query-zh-denied.txt" },
		/* win.wmi: Winmgmt's state not read is not "Winmgmt is unknown". */
		{ .check = "win.wmi",
		  RECS({ "sc query Winmgmt", WIN "sc-query-zh-denied.txt", NULL, 5 },
		       { "sc qc Winmgmt", WIN "sc-query-zh-denied.txt", NULL, 5 },
		       { FW_WMI, WIN "ps-fwgroup-34251-en-domain-only.txt", NULL, 0 }),
		  STATUS_WARN, NULL, NULL, "is unknown", "拒绝访问" },
	};
	replay_cases(checks, ARRAY_LEN(checks));
}

/* whoami translates the attributes but not the SIDs: Administrators and
 * the integrity label (S-1-16-8192 medium, S-1-16-12288 high) give the
 * verdict in German; in Chinese the attributes agree with it, also where
 * whoami moved them to a line of their own. */
static void test_recorded_localized_whoami_groups(void **state)
{
	(void)state;
	static const struct {
		const char *file;
		enum win_sid_state text, admin;
		long il;
		enum status want;
	} cases[] = {
		{ WIN "whoami-groups-admin.txt", WIN_SID_ENABLED, WIN_SID_ENABLED, 12288, STATUS_PASS },
		{ WIN "whoami-groups-filtered.txt", WIN_SID_DENY_ONLY, WIN_SID_DENY_ONLY, 8192,
		  STATUS_FAIL },
		{ WIN "whoami-groups-user.txt", WIN_SID_ABSENT, WIN_SID_ABSENT, 8192, STATUS_FAIL },
		{ WIN "whoami-groups-zh-admin.txt", WIN_SID_ENABLED, WIN_SID_ENABLED, 12288,
		  STATUS_PASS },
		{ WIN "whoami-groups-zh-filtered.txt", WIN_SID_DENY_ONLY, WIN_SID_DENY_ONLY, 8192,
		  STATUS_FAIL },
		{ WIN "whoami-groups-zh-wrapped.txt", WIN_SID_DENY_ONLY, WIN_SID_DENY_ONLY, 8192,
		  STATUS_FAIL },
		{ WIN "whoami-groups-de-admin.txt", WIN_SID_UNKNOWN, WIN_SID_ENABLED, 12288,
		  STATUS_PASS },
		{ WIN "whoami-groups-de-filtered.txt", WIN_SID_UNKNOWN, WIN_SID_DENY_ONLY, 8192,
		  STATUS_FAIL },
	};
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		print_message("%s\n", cases[i].file);
		char *out = tu_read_file(cases[i].file, NULL);
		assert_int_equal(winwho_group(out, WIN_SID_ADMINISTRATORS), cases[i].text);
		assert_int_equal(winwho_integrity(out), cases[i].il);
		assert_int_equal(winwho_admin(out), cases[i].admin);
		free(out);
		const struct tl_replay rec[] = { { "whoami /groups", cases[i].file, NULL, 0 } };
		struct check_result r;
		replay("win.privileges", NULL, rec, 1, &r);
		tl_status(&r, cases[i].want);
		if (cases[i].admin == WIN_SID_DENY_ONLY)
			tl_finding_has(&r, "filtered (\"deny only\")");
		result_free(&r);
	}
	char *out = tu_read_file(WIN "whoami-groups-zh-wrapped.txt", NULL);
	/* The row after a wrapped one is not read as its attributes. */
	assert_int_equal(winwho_group(out, "S-1-16-8192"), WIN_SID_UNKNOWN);
	assert_int_equal(winwho_group(out, "S-1-5-32-545"), WIN_SID_ENABLED);
	free(out);
	/* Attributes and label that disagree, or neither known, or no group
	 * list at all, are not read. */
	static const char *const unread[] = {
		"Jeder  Bekannte Gruppe S-1-1-0 x\r\n"
		"BUILTIN\\Administrators Alias S-1-5-32-544 Group used for deny only\r\n"
		"Mandatory Label\\High Mandatory Level Label S-1-16-12288\r\n",
		"Jeder Bekannte Gruppe S-1-1-0 x\r\n"
		"VORDEFINIERT\\Administratoren Alias S-1-5-32-544 Aktivierte Gruppe\r\n",
		"Der Befehl wurde nicht gefunden.\r\n",
		"",
	};
	for (size_t i = 0; i < ARRAY_LEN(unread); i++)
		assert_int_equal(winwho_admin(unread[i]), WIN_SID_UNKNOWN);
	/* An answer that is no group list (here another program's "True"). */
	const struct tl_replay rec[] = { { "whoami /groups", WIN "powershell-true.txt", NULL, 0 } };
	struct check_result r;
	replay("win.privileges", NULL, rec, 1, &r);
	tl_status(&r, STATUS_WARN);
	tl_finding_has(&r, "could not read whoami /groups' answer; its output is in the evidence");
	raw_in_evidence(&r, WIN "powershell-true.txt");
	result_free(&r);
}

/* net share: the share names begin their lines in every language; an
 * answer without the list's rule is not a list. */
static void test_recorded_localized_net_share(void **state)
{
	(void)state;
	char *out = tu_read_file(WIN "net-share-zh.txt", NULL);
	assert_true(winnet_share_readable(out));
	assert_true(winnet_share_listed(out, "ADMIN$"));
	assert_true(winnet_share_listed(out, "C$"));
	assert_true(winnet_share_listed(out, "Users"));
	/* The heading's words are not shares. */
	assert_false(winnet_share_listed(out, "共享名"));
	free(out);
	const struct replay_case shares[] = {
		{ .check = "win.share", RECS({ "net share", WIN "net-share-zh.txt", NULL, 0 }),
		  STATUS_PASS },
		{ .check = "win.share",
		  RECS({ "net share", WIN "net-share-zh-noadmin.txt", NULL, 0 }),
		  STATUS_FAIL, "administrative shares missing: ADMIN$, C$ (" },
		/* An answer that is no share list is not "no shares". */
		{ .check = "win.share",
		  RECS({ "net share", WIN "sc-query-zh-missing.txt", NULL, 0 }),
		  STATUS_WARN, "could not read net share's answer", WIN "sc-query-zh-missing.txt" },
	};
	replay_cases(shares, ARRAY_LEN(shares));
	assert_false(winnet_share_readable("ADMIN$ C:\\Windows\r\n"));
}

/* net user: read in Chinese (its labels and 从不 for "never"); in a
 * language whose labels are not known, or without the active or expiry
 * line, it is "could not read". */
static void test_recorded_localized_net_user(void **state)
{
	(void)state;
	struct win_user u;
	char *out = tu_read_file(WIN "net-user-zh-active.txt", NULL);
	assert_int_equal(winnet_parse_user(out, &u), 0);
	assert_string_equal(u.name, "asrpush");
	assert_int_equal(u.active, WIN_ACTIVE_YES);
	assert_true(u.never_expires);
	assert_int_equal(u.local_groups.n, 3);
	assert_string_equal(u.local_groups.v[2], "Users");
	win_user_free(&u);
	free(out);
	/* The English file without its expiry line says nothing of expiry. */
	out = tu_read_file(WIN "net-user-active.txt", NULL);
	char *cut = strstr(out, "Account expires");
	assert_non_null(cut);
	memcpy(cut, "Account_expires", 15);
	assert_int_equal(winnet_parse_user(out, &u), -1);
	win_user_free(&u);
	free(out);

	static const struct {
		const char *file;
		enum status want;
		const char *says;
	} cases[] = {
		{ WIN "net-user-zh-active.txt", STATUS_PASS, "active and does not expire" },
		{ WIN "net-user-zh-disabled.txt", STATUS_FAIL, "disabled (95519)" },
		{ WIN "net-user-zh-expires.txt", STATUS_WARN, "expires on 2024/6/30 0:00:00" },
		{ WIN "whoami-groups-de-admin.txt", STATUS_WARN,
		  "could not read net user's answer about asrpush; its output is in the evidence" },
	};
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		const struct tl_replay rec[] = {
			{ "whoami", WIN "whoami.txt", NULL, 0 },
			{ "hostname", WIN "hostname.txt", NULL, 0 },
			{ "net user asrpush", cases[i].file, NULL, 0 },
		};
		struct check_result r;
		replay("win.account", NULL, rec, ARRAY_LEN(rec), &r);
		tl_status(&r, cases[i].want);
		tl_finding_has(&r, cases[i].says);
		if (cases[i].want == STATUS_WARN && strstr(cases[i].says, "could not read"))
			raw_in_evidence(&r, cases[i].file);
		result_free(&r);
	}
}

/* PowerShell prints a bool as True or False in every language; the
 * warnings Test-NetConnection writes before it (WARNUNG:, 警告:) are
 * translated and are not read. */
static void test_recorded_localized_powershell_bool(void **state)
{
	(void)state;
	const char *const files[] = { WIN "powershell-netconn-de-false.txt",
				      WIN "powershell-netconn-zh-false.txt" };
	for (size_t i = 0; i < ARRAY_LEN(files); i++) {
		char *out = tu_read_file(files[i], NULL);
		assert_int_equal(win_parse_bool(out), 0);
		free(out);
		const struct tl_replay rec[] = {
			{ "powershell -NoProfile -NonInteractive -Command Test-NetConnection -ComputerName cs01.contoso.com -Port 9443 -InformationLevel Quiet",
			  files[i], NULL, 0 },
		};
		struct check_result r;
		replay("win.network", "cs01.contoso.com", rec, 1, &r);
		tl_status(&r, STATUS_FAIL);
		tl_finding_has(&r, "cs01.contoso.com cannot be reached on port 9443");
		result_free(&r);
	}
	/* No bool, or two, is no answer. */
	assert_int_equal(win_parse_bool("WARNUNG: TCP connect to (10.0.0.10 : 9443) failed\r\n"), -1);
	assert_int_equal(win_parse_bool("True\r\nFalse\r\n"), -1);
	assert_int_equal(win_parse_bool("Falsch\r\n"), -1);
	/* An error in place of the bool is "could not read", with the text. */
	const struct tl_replay rec[] = {
		{ "powershell -NoProfile -NonInteractive -Command (Get-CimInstance Win32_ComputerSystem).PartOfDomain",
		  WIN "powershell-true.txt", NULL, 0 },
		{ "powershell -NoProfile -NonInteractive -Command Test-ComputerSecureChannel", NULL,
		  WIN "sc-query-zh-denied.txt", 1 },
	};
	struct check_result r;
	replay("win.domain_trust", NULL, rec, ARRAY_LEN(rec), &r);
	tl_status(&r, STATUS_WARN);
	tl_finding_has(&r, "could not read Test-ComputerSecureChannel's answer; its output is in "
			   "the evidence");
	raw_in_evidence(&r, WIN "sc-query-zh-denied.txt");
	result_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_linux_target_makes_every_windows_check_na),
		cmocka_unit_test(test_recorded_reg_query_value),
		cmocka_unit_test(test_recorded_reg_query_subkeys),
		cmocka_unit_test(test_recorded_sc_query),
		cmocka_unit_test(test_recorded_net_user),
		cmocka_unit_test(test_recorded_net_share),
		cmocka_unit_test(test_recorded_netsh_rules),
		cmocka_unit_test(test_recorded_netsh_profile_state),
		cmocka_unit_test(test_recorded_ps_firewall_group),
		cmocka_unit_test(test_recorded_whoami_groups),
		cmocka_unit_test(test_recorded_account_check_for_named_account),
		cmocka_unit_test(test_recorded_powershell_bool),
		cmocka_unit_test(test_recorded_uac_check),
		cmocka_unit_test(test_recorded_privileges_check),
		cmocka_unit_test(test_recorded_netlogon_check),
		cmocka_unit_test(test_recorded_account_check),
		cmocka_unit_test(test_recorded_file_sharing_check),
		cmocka_unit_test(test_recorded_wmi_check),
		cmocka_unit_test(test_recorded_cluster_and_share_checks),
		cmocka_unit_test(test_recorded_drivers_check),
		cmocka_unit_test(test_recorded_os_check_on_windows),
		cmocka_unit_test(test_network_check_needs_a_plain_server),
		cmocka_unit_test(test_recorded_localized_reg_query),
		cmocka_unit_test(test_recorded_localized_drivers_check),
		cmocka_unit_test(test_recorded_localized_sc),
		cmocka_unit_test(test_recorded_localized_whoami_groups),
		cmocka_unit_test(test_recorded_localized_net_share),
		cmocka_unit_test(test_recorded_localized_net_user),
		cmocka_unit_test(test_recorded_localized_powershell_bool),
	};
	return cmocka_run_group_tests_name("check_windows", tests, NULL, NULL);
}
