/* test_fwpolicy.c: the firewall rule checks and fixes on an offline
 * Windows volume whose SOFTWARE hive carries Group Policy's firewall
 * settings (SOFTWARE\Policies\Microsoft\WindowsFirewall), on real hives
 * built with hivexregedit --merge from tests/fixtures/winreg and the
 * policy keys below: a policy rule with a local rule's ID replaces it
 * (enabled or disabled), AllowLocalPolicyMerge 0 leaves the local rules
 * out of its profiles, the policy's EnableFirewall overrides the local
 * one, verdicts name the store of each rule; the fix enables local rules
 * only (verified with chntpw's reged), never writes a policy rule and
 * refuses when enabling a local rule would not take effect. */
#include "misc_testlib.h"

#include "support/hivegen.h"

#include <unistd.h>

#include "engine/change/apply.h"
#include "engine/change/plan.h"
#include "engine/fix.h"
#include "engine/fwpolicy.h"
#include "engine/undo.h"

#define REG "tests/fixtures/winreg/"
#define CONFIG "/Windows/System32/config/"
#define HDR "Windows Registry Editor Version 5.00\n\n"
#define POLICY_KEYS                                                                    \
	"[\\Policies]\n\n[\\Policies\\Microsoft]\n\n"                                 \
	"[\\Policies\\Microsoft\\WindowsFirewall]\n\n"
#define FPS_RULE(id, active, profile)                                                  \
	"\"" id "\"=\"v2.10|Action=Allow|Active=" active                              \
	"|Dir=In|Protocol=6|" profile "LPort=445|App=System|Name=@FirewallAPI.dll,-28519|" \
	"EmbedCtxt=@FirewallAPI.dll,-28502|\"\n"

/* A Windows volume (healthy or broken) with policy_reg merged into its
 * SOFTWARE hive (NULL: none). */
struct vol {
	char *dir;
	struct target *t;
};

static void vol_open(struct vol *v, bool broken, const char *policy_reg)
{
	v->dir = tu_mkdtemp("fwpol");
	if (broken)
		hivegen_winroot(v->dir, REG "system-broken.reg", REG "software-broken.reg",
				REG "sam-broken.reg");
	else
		hivegen_winroot(v->dir, REG "system-ok.reg", REG "software-ok.reg", REG "sam-ok.reg");
	if (policy_reg) {
		char *reg = xasprintf("%s/policy.reg", v->dir);
		char *soft = xasprintf("%s" CONFIG "SOFTWARE", v->dir);
		tu_write_file(reg, policy_reg);
		hivegen_merge(soft, reg);
		unlink(reg);
		free(reg);
		free(soft);
	}
	v->t = tl_root(v->dir);
}

static void vol_close(struct vol *v)
{
	target_free(v->t);
	tu_rmtree(v->dir);
	free(v->dir);
}

static char *bytes_of(const struct vol *v, const char *hive, size_t *len)
{
	char *p = xasprintf("%s" CONFIG "%s", v->dir, hive);
	char *d = tu_read_file(p, len);
	free(p);
	return d;
}

static struct plan *plan_of(struct vol *v, const char *fix_id, char **cause)
{
	const struct fix_def *f = fix_find(fix_id);
	assert_non_null(f);
	struct fix_ctx ctx = { .t = v->t, .timeout_ms = 20000 };
	*cause = NULL;
	return f->plan(&ctx, cause);
}

/* Asserts fix_id refuses on v saying says, leaving both hives as they were. */
static void fix_refused(struct vol *v, const char *fix_id, const char *says)
{
	size_t slen, wlen;
	char *sys = bytes_of(v, "SYSTEM", &slen), *soft = bytes_of(v, "SOFTWARE", &wlen);
	char *cause = NULL;
	struct plan *p = plan_of(v, fix_id, &cause);
	assert_null(p);
	if (!strstr(cause, says))
		print_error("cause: %s\n", cause);
	assert_non_null(strstr(cause, says));
	free(cause);
	size_t n;
	char *now = bytes_of(v, "SYSTEM", &n);
	assert_int_equal(n, slen);
	assert_memory_equal(now, sys, n);
	free(now);
	now = bytes_of(v, "SOFTWARE", &n);
	assert_int_equal(n, wlen);
	assert_memory_equal(now, soft, n);
	free(now);
	free(sys);
	free(soft);
}

static void test_profiles_of_a_rule_string(void **state)
{
	(void)state;
	static const struct {
		const char *rule;
		unsigned bits;
		const char *names;
	} cases[] = {
		{ "v2.10|Action=Allow|Profile=Private|Profile=Public|", FWPOL_PRIVATE | FWPOL_PUBLIC,
		  "Private, Public" },
		{ "v2.10|Action=Allow|Profile=domain|", FWPOL_DOMAIN, "Domain" },
		{ "v2.10|Action=Allow|", FWPOL_ALL, "Domain, Private, Public" },
		{ "v2.30|Profile=Elsewhere|", FWPOL_ALL, "Domain, Private, Public" },
	};
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		struct winroot_fw_rule fr;
		assert_int_equal(winroot_fw_parse(cases[i].rule, &fr), 0);
		assert_int_equal(fwpol_profiles(&fr), cases[i].bits);
		assert_string_equal(fwpol_profile_names(fwpol_profiles(&fr)), cases[i].names);
		winroot_fw_free(&fr);
	}
	assert_string_equal(fwpol_profile_names(0), "none");
}

/* Group Policy enables the rules a broken local store disables, under the
 * same IDs: the policy's rules are the ones in force. */
static void test_policy_rule_with_the_same_id_wins(void **state)
{
	(void)state;
	struct vol v;
	vol_open(&v, true,
		 HDR POLICY_KEYS "[\\Policies\\Microsoft\\WindowsFirewall\\FirewallRules]\n"
		 FPS_RULE("FPS-SMB-In-TCP", "TRUE", "Profile=Private|Profile=Public|")
		 FPS_RULE("fps-smb-in-tcp-noscope", "TRUE", "Profile=Domain|") "\n");
	struct check_result r;
	tl_run_t(v.t, "win.file_sharing", NULL, &r);
	tl_status(&r, STATUS_PASS);
	tl_finding_has(&r, "are enabled (Group Policy)");
	const struct evidence *e = tl_ev_has(
	    &r, EV_FILE,
	    "Policies\\Microsoft\\WindowsFirewall\\FirewallRules\\FPS-SMB-In-TCP: Active=TRUE (profiles Private, Public; in force in Private, Public)");
	assert_string_equal(e->path, CONFIG "SOFTWARE");
	e = tl_ev_has(&r, EV_FILE,
		      "ControlSet002\\Services\\SharedAccess\\Parameters\\FirewallPolicy\\FirewallRules\\FPS-SMB-In-TCP: Active=FALSE (profiles Private, Public; in force in none); replaced by Group Policy's rule of the same ID");
	assert_string_equal(e->path, CONFIG "SYSTEM");
	result_free(&r);
	/* The disabled local rules are replaced: enabling them changes nothing. */
	fix_refused(&v, "win.file_sharing_rules", "nothing to do");
	vol_close(&v);
}

/* Group Policy disables rules a healthy local store enables. */
static void test_policy_disabling_a_local_rule_fails_and_is_not_written(void **state)
{
	(void)state;
	struct vol v;
	vol_open(&v, false,
		 HDR POLICY_KEYS "[\\Policies\\Microsoft\\WindowsFirewall\\FirewallRules]\n"
		 FPS_RULE("FPS-SMB-In-TCP", "FALSE", "Profile=Private|Profile=Public|") "\n");
	struct check_result r;
	tl_run_t(v.t, "win.file_sharing", NULL, &r);
	tl_status(&r, STATUS_WARN);
	tl_finding_has(&r, "some SMB-In (TCP 445) rules of \"File and Printer Sharing\" are not in force: FPS-SMB-In-TCP (Group Policy)");
	result_free(&r);
	vol_close(&v);

	vol_open(&v, false,
		 HDR POLICY_KEYS "[\\Policies\\Microsoft\\WindowsFirewall\\FirewallRules]\n"
		 FPS_RULE("FPS-SMB-In-TCP", "FALSE", "Profile=Private|Profile=Public|")
		 FPS_RULE("FPS-SMB-In-TCP-NoScope", "FALSE", "Profile=Domain|") "\n");
	tl_run_t(v.t, "win.file_sharing", NULL, &r);
	tl_status(&r, STATUS_FAIL);
	tl_finding_has(&r, "are disabled: FPS-SMB-In-TCP, FPS-SMB-In-TCP-NoScope (Group Policy)");
	result_free(&r);
	/* A policy rule is the policy's: the fix names it and writes nothing. */
	fix_refused(&v, "win.file_sharing_rules",
		    "Group Policy disables FPS-SMB-In-TCP, FPS-SMB-In-TCP-NoScope (SOFTWARE\\Policies\\Microsoft\\WindowsFirewall\\FirewallRules)");
	char *journal = xasprintf("%s/ProgramData/asr-doctor", v.dir);
	assert_int_not_equal(access(journal, F_OK), 0);
	free(journal);
	vol_close(&v);
}

/* AllowLocalPolicyMerge 0 leaves the local rules out of its profiles. */
static void test_no_local_merge_ignores_local_rules(void **state)
{
	(void)state;
	struct vol v;
	vol_open(&v, false,
		 HDR POLICY_KEYS
		 "[\\Policies\\Microsoft\\WindowsFirewall\\DomainProfile]\n\"AllowLocalPolicyMerge\"=dword:00000000\n\n"
		 "[\\Policies\\Microsoft\\WindowsFirewall\\PrivateProfile]\n\"AllowLocalPolicyMerge\"=dword:00000000\n\n"
		 "[\\Policies\\Microsoft\\WindowsFirewall\\PublicProfile]\n\"AllowLocalPolicyMerge\"=dword:00000000\n\n");
	struct check_result r;
	tl_run_t(v.t, "win.file_sharing", NULL, &r);
	tl_status(&r, STATUS_FAIL);
	tl_finding_has(&r, "are not in force: FPS-SMB-In-TCP, FPS-SMB-In-TCP-NoScope (local policy, not merged: Group Policy sets AllowLocalPolicyMerge 0 in Domain, Private, Public)");
	const struct evidence *e =
	    tl_ev_has(&r, EV_FILE, "Policies\\Microsoft\\WindowsFirewall\\PublicProfile\\AllowLocalPolicyMerge = 0");
	assert_string_equal(e->path, CONFIG "SOFTWARE");
	result_free(&r);
	vol_close(&v);

	/* Only the domain profile: the rule for Domain alone is out. */
	vol_open(&v, false,
		 HDR POLICY_KEYS
		 "[\\Policies\\Microsoft\\WindowsFirewall\\DomainProfile]\n\"AllowLocalPolicyMerge\"=dword:00000000\n\n"
		 "[\\Policies\\Microsoft\\WindowsFirewall\\PrivateProfile]\n\"AllowLocalPolicyMerge\"=dword:00000001\n\n");
	tl_run_t(v.t, "win.file_sharing", NULL, &r);
	tl_status(&r, STATUS_WARN);
	tl_finding_has(&r, "are not in force: FPS-SMB-In-TCP-NoScope (local policy, not merged: Group Policy sets AllowLocalPolicyMerge 0 in Domain)");
	tl_ev_has(&r, EV_FILE, "FPS-SMB-In-TCP: Active=TRUE (profiles Private, Public; in force in Private, Public)");
	result_free(&r);
	vol_close(&v);

	/* On a broken local store, enabling the rules would not take effect. */
	vol_open(&v, true,
		 HDR POLICY_KEYS
		 "[\\Policies\\Microsoft\\WindowsFirewall\\DomainProfile]\n\"AllowLocalPolicyMerge\"=dword:00000000\n\n"
		 "[\\Policies\\Microsoft\\WindowsFirewall\\PrivateProfile]\n\"AllowLocalPolicyMerge\"=dword:00000000\n\n"
		 "[\\Policies\\Microsoft\\WindowsFirewall\\PublicProfile]\n\"AllowLocalPolicyMerge\"=dword:00000000\n\n");
	fix_refused(&v, "win.wmi_rules",
		    "enabling WMI-RPCSS-In-TCP, WMI-WINMGMT-In-TCP in the local policy would not take effect: Group Policy sets AllowLocalPolicyMerge 0 in Domain, Private, Public");
	vol_close(&v);
}

/* The policy's EnableFirewall overrides the local store's. */
static void test_policy_turns_the_firewall_off(void **state)
{
	(void)state;
	struct vol v;
	vol_open(&v, true,
		 HDR POLICY_KEYS
		 "[\\Policies\\Microsoft\\WindowsFirewall\\DomainProfile]\n\"EnableFirewall\"=dword:00000000\n\n"
		 "[\\Policies\\Microsoft\\WindowsFirewall\\StandardProfile]\n\"EnableFirewall\"=dword:00000000\n\n"
		 "[\\Policies\\Microsoft\\WindowsFirewall\\PublicProfile]\n\"EnableFirewall\"=dword:00000000\n\n");
	struct check_result r;
	tl_run_t(v.t, "win.wmi", NULL, &r);
	tl_status(&r, STATUS_PASS);
	tl_finding_has(&r, "off in every profile");
	tl_ev_has(&r, EV_FILE, "Policies\\Microsoft\\WindowsFirewall\\StandardProfile\\EnableFirewall = 0");
	result_free(&r);
	vol_close(&v);
	/* On in one profile through the policy: the rules matter again. */
	vol_open(&v, true,
		 HDR POLICY_KEYS
		 "[\\Policies\\Microsoft\\WindowsFirewall\\DomainProfile]\n\"EnableFirewall\"=dword:00000000\n\n"
		 "[\\Policies\\Microsoft\\WindowsFirewall\\PrivateProfile]\n\"EnableFirewall\"=dword:00000001\n\n"
		 "[\\Policies\\Microsoft\\WindowsFirewall\\PublicProfile]\n\"EnableFirewall\"=dword:00000000\n\n");
	tl_run_t(v.t, "win.wmi", NULL, &r);
	tl_status(&r, STATUS_FAIL);
	tl_finding_has(&r, "WMI-RPCSS-In-TCP, WMI-WINMGMT-In-TCP (local policy)");
	result_free(&r);
	vol_close(&v);
}

/* With a policy that merges local rules and adds one of its own, the fix
 * enables the local rules in SYSTEM, leaves SOFTWARE as it was, and undo
 * gives SYSTEM back byte for byte. */
static void test_fix_writes_the_local_store_beside_a_merging_policy(void **state)
{
	(void)state;
	struct vol v;
	vol_open(&v, true,
		 HDR POLICY_KEYS
		 "[\\Policies\\Microsoft\\WindowsFirewall\\DomainProfile]\n\"AllowLocalPolicyMerge\"=dword:00000001\n\n"
		 "[\\Policies\\Microsoft\\WindowsFirewall\\FirewallRules]\n"
		 "\"Corp-WMI-In\"=\"v2.30|Action=Allow|Active=TRUE|Dir=In|Protocol=6|LPort=135|"
		 "EmbedCtxt=@FirewallAPI.dll,-34251|\"\n\n");
	struct check_result r;
	tl_run_t(v.t, "win.wmi", NULL, &r);
	tl_status(&r, STATUS_WARN);
	tl_finding_has(&r, "not in force: WMI-RPCSS-In-TCP, WMI-WINMGMT-In-TCP (local policy)");
	result_free(&r);
	size_t slen, wlen;
	char *sys = bytes_of(&v, "SYSTEM", &slen), *soft = bytes_of(&v, "SOFTWARE", &wlen);
	char *cause = NULL;
	struct plan *p = plan_of(&v, "win.wmi_rules", &cause);
	if (!p)
		print_error("%s\n", cause);
	assert_non_null(p);
	assert_int_equal(p->nedits, 1);
	assert_int_equal(p->before.n, 2);
	assert_non_null(strstr(p->before.v[0], "SYSTEM\\ControlSet002\\Services\\SharedAccess\\Parameters\\FirewallPolicy\\FirewallRules\\"));
	assert_non_null(strstr(p->after.v[0], "(REG_SZ) = v2.10|Action=Allow|Active=TRUE|"));
	struct fix_ctx ctx = { .t = v.t, .timeout_ms = 20000 };
	struct apply_report rep;
	int rc = apply_plan(&ctx, p, NULL, &rep);
	if (rc != 0)
		print_error("apply: %s\n", rep.message);
	assert_int_equal(rc, 0);
	apply_report_free(&rep);
	plan_free(p);
	/* chntpw's reged, an independent reader, sees both rules enabled. */
	char *hf = xasprintf("%s" CONFIG "SYSTEM", v.dir);
	char *out = hivegen_reged_export(hf, "HKEY_LOCAL_MACHINE\\SYSTEM",
					 "\\ControlSet002\\Services\\SharedAccess\\Parameters\\FirewallPolicy\\FirewallRules");
	assert_non_null(out);
	assert_non_null(strstr(out, "\"WMI-RPCSS-In-TCP\"=\"v2.10|Action=Allow|Active=TRUE|Dir=In|"));
	assert_non_null(strstr(out, "\"WMI-WINMGMT-In-TCP\"=\"v2.10|Action=Allow|Active=TRUE|Dir=In|"));
	free(out);
	size_t n;
	char *now = bytes_of(&v, "SOFTWARE", &n);
	assert_int_equal(n, wlen);
	assert_memory_equal(now, soft, n);
	free(now);
	tl_run_t(v.t, "win.wmi", NULL, &r);
	tl_status(&r, STATUS_PASS);
	tl_finding_has(&r, "are enabled (local policy and Group Policy)");
	result_free(&r);
	struct apply_report urep;
	struct apply_opts o = { 0 };
	assert_int_equal(undo_entry(&ctx, "latest", &o, &urep), 0);
	apply_report_free(&urep);
	now = bytes_of(&v, "SYSTEM", &n);
	assert_int_equal(n, slen);
	assert_memory_equal(now, sys, n);
	free(now);
	free(hf);
	free(sys);
	free(soft);
	vol_close(&v);
}

/* A SOFTWARE hive libhivex cannot open: the check says the policy is
 * unknown, the fix writes nothing. */
static void test_unreadable_software_hive(void **state)
{
	(void)state;
	struct vol v;
	vol_open(&v, true, NULL);
	char *soft = xasprintf("%s" CONFIG "SOFTWARE", v.dir);
	assert_int_equal(tu_sh(NULL, "truncate -s 5000 '%s'", soft), 0);
	struct check_result r;
	tl_run_t(v.t, "win.wmi", NULL, &r);
	tl_status(&r, STATUS_FAIL);
	tl_ev_has(&r, EV_FILE, "Group Policy's firewall settings cannot be read");
	result_free(&r);
	fix_refused(&v, "win.wmi_rules", "cannot tell whether Group Policy overrides the firewall rules");
	free(soft);
	vol_close(&v);
}

int main(void)
{
	tu_scratch("fwpolicy");
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_profiles_of_a_rule_string),
		cmocka_unit_test(test_policy_rule_with_the_same_id_wins),
		cmocka_unit_test(test_policy_disabling_a_local_rule_fails_and_is_not_written),
		cmocka_unit_test(test_no_local_merge_ignores_local_rules),
		cmocka_unit_test(test_policy_turns_the_firewall_off),
		cmocka_unit_test(test_fix_writes_the_local_store_beside_a_merging_policy),
		cmocka_unit_test(test_unreadable_software_hive),
	};
	return tu_scratch_done(cmocka_run_group_tests(tests, NULL, NULL));
}
