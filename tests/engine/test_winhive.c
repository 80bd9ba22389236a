/* test_winhive.c: the offline Windows registry on real hive files: the
 * minimal hive the test support writes, filled by hivexregedit --merge
 * from the .reg files in tests/fixtures/winreg and read back by chntpw's reged; the
 * hive module (look-ups without regard to case, typed values, damaged
 * files), Windows volume detection, and every Windows check on a healthy
 * and a broken volume (two control sets, Select at the second, a missing
 * driver key, disabled rules, a locked-out account). */
#include "misc_testlib.h"

#include "support/hivegen.h"

#include <stdio.h>
#include <unistd.h>

#include "engine/check_winhive.h"
#include "engine/hive.h"
#include "engine/winroot.h"
#include "engine/winsvc.h"

#define REG "tests/fixtures/winreg/"

static char *g_ok;      /* a healthy Windows volume */
static char *g_broken;  /* a broken one */

static int setup(void **state)
{
	(void)state;
	g_ok = tu_mkdtemp("winok");
	hivegen_winroot(g_ok, REG "system-ok.reg", REG "software-ok.reg", REG "sam-ok.reg");
	g_broken = tu_mkdtemp("winbroken");
	hivegen_winroot(g_broken, REG "system-broken.reg", REG "software-broken.reg",
			REG "sam-broken.reg");
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	tu_rmtree(g_ok);
	tu_rmtree(g_broken);
	free(g_ok);
	free(g_broken);
	return 0;
}

static char *hive_path(const char *dir, const char *name)
{
	return xasprintf("%s/Windows/System32/config/%s", dir, name);
}

static void test_minimal_hive_opens_in_both_readers(void **state)
{
	(void)state;
	char *dir = tu_mkdtemp("minhive");
	char *p = xasprintf("%s/EMPTY", dir);
	assert_int_equal(hivegen_minimal(p, "ROOT"), 0);
	char *cause = NULL;
	struct hive *h = hive_open(p, false, &cause);
	assert_non_null(h);
	struct strvec kids = { 0 };
	assert_int_equal(hive_subkeys(h, hive_root(h), &kids), 0);
	assert_int_equal(kids.n, 0);
	char *name = hive_name(h, hive_root(h));
	assert_string_equal(name, "ROOT");
	free(name);
	hive_close(h);
	/* chntpw reads it too, so the bytes follow the format, not libhivex's
	 * leniency. */
	char *text = hivegen_reged_export(p, "HKEY_LOCAL_MACHINE\\X", "\\");
	assert_non_null(text);
	assert_non_null(strstr(text, "[HKEY_LOCAL_MACHINE\\X]"));
	free(text);
	sv_free(&kids);
	free(p);
	tu_rmtree(dir);
	free(dir);
}

static void test_merged_hive_reads_back_in_reged(void **state)
{
	(void)state;
	char *p = hive_path(g_broken, "SYSTEM");
	char *text = hivegen_reged_export(p, "HKEY_LOCAL_MACHINE\\SYSTEM",
					  "\\ControlSet002\\Services\\vmbus");
	assert_non_null(text);
	assert_non_null(strstr(text, "\"Start\"=dword:00000003"));
	free(text);
	free(p);
}

static void test_lookup_ignores_case_and_reads_types(void **state)
{
	(void)state;
	char *p = hive_path(g_broken, "SYSTEM");
	char *cause = NULL;
	struct hive *h = hive_open(p, false, &cause);
	assert_non_null(h);
	hive_node n = hive_lookup(h, hive_root(h), "\\controlset002\\SERVICES\\VmBus\\");
	assert_true(n != 0);
	uint32_t v = 99;
	assert_int_equal(hive_get_dword(h, n, "start", &v), 0);
	assert_int_equal(v, 3);
	int err = 0;
	char *s = hive_get_string(h, n, "ImagePath", &err);
	assert_string_equal(s, "System32\\drivers\\vmbus.sys");
	free(s);
	/* A string is not a DWORD, and the other way round. */
	assert_int_equal(hive_get_dword(h, n, "ImagePath", &v), -EILSEQ);
	assert_null(hive_get_string(h, n, "Start", &err));
	assert_int_equal(err, -EILSEQ);
	assert_int_equal(hive_get_dword(h, n, "NoSuchValue", &v), -ENOENT);
	assert_int_equal(hive_lookup(h, hive_root(h), "ControlSet002\\Services\\storflt"), 0);
	assert_int_equal(hive_lookup(h, hive_root(h), "ControlSet001\\Services\\storflt") != 0, 1);
	hive_close(h);
	free(p);
}

static void test_current_set_follows_select(void **state)
{
	(void)state;
	char *p = hive_path(g_broken, "SYSTEM");
	char *cause = NULL;
	struct hive *h = hive_open(p, false, &cause);
	assert_non_null(h);
	char *set = winroot_current_set(h, &cause);
	assert_string_equal(set, "ControlSet002");
	free(set);
	struct strvec sets = { 0 };
	assert_int_equal(winroot_control_sets(h, &sets), 2);
	assert_string_equal(sets.v[0], "ControlSet001");
	assert_string_equal(sets.v[1], "ControlSet002");
	sv_free(&sets);
	hive_close(h);
	free(p);
}

static void test_select_pointing_nowhere_is_an_error(void **state)
{
	(void)state;
	char *dir = tu_mkdtemp("winsel");
	char *reg = xasprintf("%s/sel.reg", dir);
	tu_write_file(reg, "Windows Registry Editor Version 5.00\n\n[\\Select]\n"
			   "\"Current\"=dword:00000003\n\n[\\ControlSet001]\n\n");
	hivegen_winroot(dir, reg, NULL, NULL);
	struct check_result r;
	tl_run(dir, "win.drivers", &r);
	tl_status(&r, STATUS_ERROR);
	tl_finding_has(&r, "Select\\Current is 3, but there is no ControlSet003");
	result_free(&r);
	free(reg);
	tu_rmtree(dir);
	free(dir);
}

/* Writes a damaged copy of the broken volume's SYSTEM hive. */
static char *damaged_volume(const char *tag, const char *how)
{
	char *dir = tu_mkdtemp(tag);
	assert_int_equal(tu_sh(NULL, "cp -r '%s/Windows' '%s/'", g_broken, dir), 0);
	char *p = hive_path(dir, "SYSTEM");
	assert_int_equal(tu_sh(NULL, how, p), 0);
	free(p);
	return dir;
}

static void test_truncated_hive_is_reported_never_read(void **state)
{
	(void)state;
	char *dir = damaged_volume("wintrunc", "truncate -s 6000 '%s'");
	char *p = hive_path(dir, "SYSTEM");
	char *cause = NULL;
	assert_null(hive_open(p, false, &cause));
	assert_non_null(strstr(cause, "damaged or truncated"));
	free(cause);
	struct check_result r;
	tl_run(dir, "win.drivers", &r);
	tl_status(&r, STATUS_ERROR);
	tl_finding_has(&r, "/Windows/System32/config/SYSTEM: not a registry hive");
	result_free(&r);
	free(p);
	tu_rmtree(dir);
	free(dir);
}

static void test_bad_checksum_is_reported(void **state)
{
	(void)state;
	/* Flip a byte of the base block's sequence number: the XOR checksum
	 * no longer matches. */
	char *dir = damaged_volume(
	    "winsum", "printf '\\377' | dd of='%s' bs=1 seek=5 conv=notrunc status=none");
	struct check_result r;
	tl_run(dir, "win.netlogon", &r);
	tl_status(&r, STATUS_ERROR);
	tl_finding_has(&r, "not a registry hive");
	result_free(&r);
	tu_rmtree(dir);
	free(dir);
}

static void test_windows_volume_detected_in_any_case(void **state)
{
	(void)state;
	char *dir = tu_mkdtemp("wincase");
	assert_int_equal(tu_sh(NULL, "mkdir -p '%s/WINDOWS/system32/Config' && cp '%s/Windows/System32/config/SYSTEM' '%s/WINDOWS/system32/Config/system'",
			       dir, g_ok, dir), 0);
	struct target *t = tl_root(dir);
	assert_int_equal(t->os, TARGET_OS_WINDOWS);
	assert_true(t->hive_files);
	assert_true(t->fold_case);
	assert_non_null(strstr(t->name, "Windows volume"));
	/* Paths match as Windows matches them. */
	assert_true(target_exists(t, "/Windows/System32/config/SYSTEM"));
	assert_true(target_exists(t, "/windows/SYSTEM32/CONFIG/System"));
	struct check_result r;
	tl_run_t(t, "win.drivers", NULL, &r);
	tl_status(&r, STATUS_PASS);
	result_free(&r);
	target_free(t);
	/* A Linux root stays a Linux root, with exact names. */
	t = tl_root("tests/fixtures/os/debian-12");
	assert_int_equal(t->os, TARGET_OS_LINUX);
	assert_false(t->fold_case);
	assert_false(t->hive_files);
	assert_false(target_exists(t, "/ETC/os-release"));
	target_free(t);
	tu_rmtree(dir);
	free(dir);
}

/* Checks that pass on the healthy volume and fail on the broken one. */
static const struct {
	const char *id;
	enum status ok, broken;
	const char *broken_says;
} g_verdicts[] = {
	{ "win.uac", STATUS_PASS, STATUS_FAIL, "LocalAccountTokenFilterPolicy is not set" },
	{ "win.drivers", STATUS_PASS, STATUS_FAIL, "ControlSet002\\Services\\storflt" },
	{ "win.netlogon", STATUS_PASS, STATUS_FAIL, "disabled (95522)" },
	{ "win.file_sharing", STATUS_PASS, STATUS_FAIL, "FPS-SMB-In-TCP, FPS-SMB-In-TCP-NoScope" },
	{ "win.wmi", STATUS_PASS, STATUS_FAIL, "WMI-RPCSS-In-TCP, WMI-WINMGMT-In-TCP" },
	{ "win.account", STATUS_PASS, STATUS_FAIL, "locked out after failed logins (95520): asradmin" },
	{ "win.share", STATUS_PASS, STATUS_PASS, "not turned off" },
	{ "win.vss", STATUS_PASS, STATUS_FAIL, "marked for deletion (VSS error 0x80070430, exit code 517)" },
	{ "win.dcom", STATUS_PASS, STATUS_PASS, "MSDTC and COM+" },
	{ "win.cluster", STATUS_PASS, STATUS_PASS, "not installed" },
	{ "os.supported", STATUS_PASS, STATUS_PASS, "Windows Server 2019 Datacenter (ServerDatacenter, build 17763)" },
	{ "win.privileges", STATUS_NA, STATUS_NA, "running Windows machine" },
	{ "win.network", STATUS_NA, STATUS_NA, "running Windows machine" },
};

static void test_checks_on_healthy_and_broken_volumes(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(g_verdicts); i++) {
		struct check_result r;
		print_message("%s\n", g_verdicts[i].id);
		tl_run(g_ok, g_verdicts[i].id, &r);
		tl_status(&r, g_verdicts[i].ok);
		result_free(&r);
		tl_run(g_broken, g_verdicts[i].id, &r);
		tl_status(&r, g_verdicts[i].broken);
		tl_finding_has(&r, g_verdicts[i].broken_says);
		result_free(&r);
	}
}

static void test_drivers_judge_every_control_set_by_start(void **state)
{
	(void)state;
	struct check_result r;
	tl_run(g_broken, "win.drivers", &r);
	tl_status(&r, STATUS_FAIL);
	tl_finding_has(&r, "ControlSet002\\Services\\vmbus, ControlSet002\\Services\\storvsc");
	const struct evidence *e = tl_ev_has(&r, EV_FILE, "ControlSet002\\Services\\vmbus\\Start = 3 (manual)");
	assert_string_equal(e->path, "/Windows/System32/config/SYSTEM");
	tl_ev_has(&r, EV_FILE, "ControlSet001\\Services\\vmbus\\Start = 0 (boot)");
	tl_ev_has(&r, EV_FILE, "Select\\Current -> ControlSet002");
	result_free(&r);
}

static void test_account_flags_never_show_the_v_value(void **state)
{
	(void)state;
	struct check_result r;
	tl_run(g_broken, "win.account", &r);
	tl_ev_has(&r, EV_FILE, "Users\\000001F4 (Administrator, RID 500): disabled");
	tl_ev_has(&r, EV_FILE, "Users\\000003E9 (asradmin, RID 1001): locked out");
	tl_ev_has(&r, EV_FILE, "Users\\000001F5 (Guest, RID 501): disabled");
	/* The fixture's V values hold a marker where hashes would be. */
	for (size_t i = 0; i < r.nev; i++) {
		assert_null(strstr(r.ev[i].text, "HASH"));
		assert_null(strstr(r.ev[i].text, "48,41,53,48"));
	}
	result_free(&r);
}

static void test_linux_checks_not_applicable(void **state)
{
	(void)state;
	struct target *t = tl_root(g_ok);
	static const char *const linux_only[] = { "sshd.password", "grub.device_names",
						  "account.root" };
	for (size_t i = 0; i < ARRAY_LEN(linux_only); i++) {
		if (!check_find(linux_only[i]))
			continue;
		struct check_result r;
		tl_run_t(t, linux_only[i], NULL, &r);
		tl_status(&r, STATUS_NA);
		result_free(&r);
	}
	target_free(t);
}

/* The demo's committed hives hold what their .reg sources say: each
 * regenerated from its source exports the same registry. With
 * ASR_REGEN_DEMO_HIVES=1 in the environment the regenerated hives replace
 * the committed ones first (after editing a source). */
static void test_demo_hives_match_their_sources(void **state)
{
	(void)state;
	static const char *const names[] = { "SYSTEM", "SOFTWARE", "SAM" };
	char *dir = tu_mkdtemp("demohives");
	for (size_t i = 0; i < ARRAY_LEN(names); i++) {
		char *reg = xasprintf("content/demo-windows-reg/%s.reg", names[i]);
		char *fresh = xasprintf("%s/%s", dir, names[i]);
		hivegen_from_reg(fresh, reg);
		if (getenv("ASR_REGEN_DEMO_HIVES"))
			assert_int_equal(tu_sh(NULL, "cp '%s' content/demo-windows/Windows/System32/config/",
					       fresh),
					 0);
		char *a = NULL, *b = NULL;
		assert_int_equal(tu_sh(&a, "hivexregedit --export '%s' '\\'", fresh), 0);
		assert_int_equal(tu_sh(&b, "hivexregedit --export "
					   "'content/demo-windows/Windows/System32/config/%s' '\\'",
				       names[i]),
				 0);
		if (strcmp(a, b) != 0)
			print_error("%s differs from %s: regenerate it (HACKING.md)\n", names[i], reg);
		assert_string_equal(a, b);
		assert_true(strlen(a) > 100);
		free(a);
		free(b);
		free(reg);
		free(fresh);
	}
	tu_rmtree(dir);
	free(dir);
}

/* A disabled service reads the same offline as over SSH: one verdict
 * (engine/winsvc.c) with the command that re-enables it, and the start
 * type read from the hive as evidence. */
static void test_disabled_service_judged_as_on_a_running_machine(void **state)
{
	(void)state;
	char *dir = tu_mkdtemp("winvss");
	hivegen_winroot(dir, REG "system-ok.reg", REG "software-ok.reg", REG "sam-ok.reg");
	char *sys = hive_path(dir, "SYSTEM");
	hivegen_merge(sys, REG "system-vss-disabled.reg");
	struct check_result r;
	tl_run(dir, "win.vss", &r);
	tl_status(&r, STATUS_FAIL);
	tl_finding_has(&r, "Volume Shadow Copy (VSS) is disabled: sc config VSS start= demand");
	tl_ev_has(&r, EV_FILE, "ControlSet001\\Services\\VSS\\Start = 4 (disabled)");
	result_free(&r);
	/* The live route's words for the same facts. */
	struct check_result live;
	result_init(&live, "win.vss");
	struct winsvc s = { .name = "VSS", .installed = true, .start = 4, .state = WINSVC_STOPPED };
	assert_false(winsvc_usable(&live, &s, "Volume Shadow Copy"));
	tl_status(&live, STATUS_FAIL);
	tl_finding_has(&live, "Volume Shadow Copy (VSS) is disabled: sc config VSS start= demand");
	result_free(&live);
	free(sys);
	tu_rmtree(dir);
	free(dir);
}

static void test_firewall_rule_strings(void **state)
{
	(void)state;
	struct winroot_fw_rule fr;
	assert_int_equal(winroot_fw_parse("v2.10|Action=Allow|Active=FALSE|Dir=In|Protocol=6|Profile=Private|Profile=Public|LPort=445|Name=@FirewallAPI.dll,-28519|EmbedCtxt=@FirewallAPI.dll,-28502|", &fr), 0);
	assert_false(fr.active);
	assert_true(fr.allow);
	assert_true(fr.inbound);
	assert_int_equal(fr.protocol, 6);
	assert_string_equal(fr.lport, "445");
	assert_string_equal(fr.profiles, "Private,Public");
	assert_string_equal(fr.group, WINROOT_FW_FILE_SHARING);
	winroot_fw_free(&fr);
	assert_int_equal(winroot_fw_parse("Action=Allow|Active=TRUE", &fr), -EINVAL);
	assert_int_equal(winroot_fw_parse("", &fr), -EINVAL);
	char *on = winroot_fw_enable("v2.10|Action=Allow|Active=FALSE|Dir=In|");
	assert_string_equal(on, "v2.10|Action=Allow|Active=TRUE|Dir=In|");
	free(on);
	on = winroot_fw_enable("v2.10|Action=Allow|Dir=In|");
	assert_string_equal(on, "v2.10|Active=TRUE|Action=Allow|Dir=In|");
	free(on);
}

int main(void)
{
	tu_scratch("winhive");
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_minimal_hive_opens_in_both_readers),
		cmocka_unit_test(test_merged_hive_reads_back_in_reged),
		cmocka_unit_test(test_lookup_ignores_case_and_reads_types),
		cmocka_unit_test(test_current_set_follows_select),
		cmocka_unit_test(test_select_pointing_nowhere_is_an_error),
		cmocka_unit_test(test_truncated_hive_is_reported_never_read),
		cmocka_unit_test(test_bad_checksum_is_reported),
		cmocka_unit_test(test_windows_volume_detected_in_any_case),
		cmocka_unit_test(test_checks_on_healthy_and_broken_volumes),
		cmocka_unit_test(test_drivers_judge_every_control_set_by_start),
		cmocka_unit_test(test_account_flags_never_show_the_v_value),
		cmocka_unit_test(test_linux_checks_not_applicable),
		cmocka_unit_test(test_demo_hives_match_their_sources),
		cmocka_unit_test(test_firewall_rule_strings),
		cmocka_unit_test(test_disabled_service_judged_as_on_a_running_machine),
	};
	return tu_scratch_done(cmocka_run_group_tests(tests, setup, teardown));
}
