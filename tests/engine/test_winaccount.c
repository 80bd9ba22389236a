/* test_winaccount.c: the push install's account (--account) judged from
 * the SAM hive of a Windows disk, on real hives built with hivexregedit
 * from tests/fixtures/winreg: present or not, disabled, locked out, a
 * member of the local Administrators group (the machine's SID and the
 * alias's member list, read back by chntpw's samusrgrp as an independent
 * reader), names matched as Windows matches them, a domain account said
 * to be out of reach, and never a byte of the V value that holds the
 * password hashes. */
#include "misc_testlib.h"

#include "support/hivegen.h"

#include "engine/hive.h"
#include "engine/winroot.h"

#define REG "tests/fixtures/winreg/"

static char *g_ok;      /* asradmin enabled and an administrator */
static char *g_broken;  /* asradmin locked out and not one; Administrator disabled */

static int setup(void **state)
{
	(void)state;
	g_ok = tu_mkdtemp("acctok");
	hivegen_winroot(g_ok, REG "system-ok.reg", REG "software-ok.reg", REG "sam-ok.reg");
	g_broken = tu_mkdtemp("acctbroken");
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

/* Runs win.account on the volume dir for account. */
static void run_for(const char *dir, const char *account, struct check_result *r)
{
	struct target *t = tl_root(dir);
	struct check_ctx ctx = { .t = t, .account = account, .timeout_ms = 3000 };
	check_run_one(check_find("win.account"), &ctx, r);
	target_free(t);
}

/* No evidence holds the marker the fixtures put where hashes would be. */
static void no_hashes(const struct check_result *r)
{
	assert_null(strstr(r->finding, "HASH"));
	for (size_t i = 0; i < r->nev; i++) {
		assert_null(strstr(r->ev[i].text, "HASH"));
		assert_null(strstr(r->ev[i].text, "48,41,53,48"));
	}
}

static void test_named_account_passes_when_usable(void **state)
{
	(void)state;
	struct check_result r;
	run_for(g_ok, "ASRADMIN", &r);
	tl_status(&r, STATUS_PASS);
	tl_finding_has(&r, "the account asradmin (RID 1001) is enabled, not locked out, and a member of the local Administrators group");
	tl_ev_has(&r, EV_FILE, "Users\\000003E9 (asradmin, RID 1001): enabled");
	tl_ev_has(&r, EV_FILE, "Aliases\\00000220\\C (Administrators, S-1-5-32-544): 2 member(s)");
	tl_ev_has(&r, EV_NOTE, "S-1-5-21-1004336348-1177238915-682003330-1001 (the machine's SID and RID 1001): listed");
	tl_ev_has(&r, EV_NOTE, "(--account): ASRADMIN");
	/* Only the named account is judged: Guest is not listed. */
	assert_null(tl_ev(&r, EV_FILE, "Guest"));
	no_hashes(&r);
	result_free(&r);
}

static void test_named_account_fails_for_each_reason(void **state)
{
	(void)state;
	struct check_result r;
	run_for(g_broken, "asradmin", &r);
	tl_status(&r, STATUS_FAIL);
	tl_finding_has(&r, "the account asradmin is locked out after failed logins (95520); not a member of the local Administrators group (95517)");
	tl_ev_has(&r, EV_NOTE, "not listed in Administrators");
	no_hashes(&r);
	result_free(&r);
	/* Without --account a disabled built-in Administrator only warns;
	 * named, it is the account that will fail. */
	run_for(g_broken, "administrator", &r);
	tl_status(&r, STATUS_FAIL);
	tl_finding_has(&r, "the account Administrator is disabled (95519): net user \"Administrator\" /active:yes");
	result_free(&r);
	run_for(g_broken, "nobody", &r);
	tl_status(&r, STATUS_FAIL);
	tl_finding_has(&r, "there is no local account nobody on this disk (local accounts: Administrator, asradmin, Guest)");
	result_free(&r);
}

static void test_account_name_forms(void **state)
{
	(void)state;
	static const struct {
		const char *name;
		enum status want;
		const char *says;
	} cases[] = {
		/* This computer's name (from the SYSTEM hive), in any case: local. */
		{ "win-asr01\\AsrAdmin", STATUS_PASS, "the account asradmin (RID 1001) is enabled" },
		{ ".\\asradmin", STATUS_PASS, "the account asradmin (RID 1001) is enabled" },
		{ "CONTOSO\\asradmin", STATUS_WARN, "CONTOSO\\asradmin is a domain account" },
		{ "asradmin@contoso.com", STATUS_WARN, "asradmin@contoso.com is a domain account" },
	};
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		struct check_result r;
		print_message("%s\n", cases[i].name);
		run_for(g_ok, cases[i].name, &r);
		tl_status(&r, cases[i].want);
		tl_finding_has(&r, cases[i].says);
		result_free(&r);
	}
	struct check_result r;
	run_for(g_ok, "win-asr01\\asradmin", &r);
	tl_ev_has(&r, EV_FILE, "ControlSet001\\Control\\ComputerName\\ComputerName\\ComputerName = WIN-ASR01");
	result_free(&r);
}

static void test_unreadable_membership_warns(void **state)
{
	(void)state;
	char *dir = tu_mkdtemp("acctdamaged");
	hivegen_winroot(dir, REG "system-ok.reg", REG "software-ok.reg", REG "sam-ok.reg");
	char *sam = xasprintf("%s/Windows/System32/config/SAM", dir);
	hivegen_merge(sam, REG "sam-alias-damaged.reg");
	struct check_result r;
	run_for(dir, "asradmin", &r);
	tl_status(&r, STATUS_WARN);
	tl_finding_has(&r, "whether it is an administrator cannot be read from this SAM");
	tl_ev_has(&r, EV_NOTE, "its member list lies outside it");
	result_free(&r);
	free(sam);
	tu_rmtree(dir);
	free(dir);
}

/* chntpw's samusrgrp, an independent reader, lists the same members of
 * Administrators as asr-doctor reads. */
static void test_members_agree_with_samusrgrp(void **state)
{
	(void)state;
	const char *dirs[] = { g_ok, g_broken };
	for (size_t d = 0; d < ARRAY_LEN(dirs); d++) {
		char *path = xasprintf("%s/Windows/System32/config/SAM", dirs[d]);
		char *cause = NULL;
		struct hive *h = hive_open(path, false, &cause);
		assert_non_null(h);
		struct strvec ours = { 0 };
		int n = winroot_alias_members(h, WINROOT_ALIAS_ADMINS, &ours, &cause);
		assert_int_equal(n, d == 0 ? 2 : 1);
		char *sid = winroot_machine_sid(h, &cause);
		assert_string_equal(sid, "S-1-5-21-1004336348-1177238915-682003330");
		free(sid);
		hive_close(h);
		/* Parsable output: group:name:index:rid:user:sid per member. */
		char *out = NULL;
		assert_int_equal(tu_sh(&out, "samusrgrp -L '%s' 2>/dev/null", path), 0);
		struct strvec theirs = { 0 };
		for (char *line = strtok(out, "\n"); line; line = strtok(NULL, "\n")) {
			char *last = strrchr(line, ':');
			if (str_starts(line, "220:") && last)
				sv_push(&theirs, last + 1);
		}
		assert_int_equal(theirs.n, ours.n);
		for (size_t i = 0; i < ours.n; i++)
			assert_string_equal(ours.v[i], theirs.v[i]);
		sv_free(&ours);
		sv_free(&theirs);
		free(out);
		free(path);
	}
}

static void test_names_compare_as_windows_does(void **state)
{
	(void)state;
	assert_true(winroot_name_eq("asradmin", "ASRADMIN"));
	assert_true(winroot_name_eq("Jürgen", "JÜRGEN"));
	assert_true(winroot_name_eq("łukasz", "ŁUKASZ"));
	assert_true(winroot_name_eq("Иван", "иВАН"));
	assert_true(winroot_name_eq("σοφια", "ΣΟΦΙΑ"));
	assert_false(winroot_name_eq("admin", "admin2"));
	assert_false(winroot_name_eq("Jurgen", "Jürgen"));
	assert_true(winroot_name_eq("a\xff", "A\xff"));
	assert_false(winroot_name_eq("a\xff", "a\xfe"));
}

/* Without --account the check is what it was: every local account. */
static void test_without_account_every_account_is_listed(void **state)
{
	(void)state;
	struct check_result r;
	run_for(g_broken, NULL, &r);
	tl_status(&r, STATUS_FAIL);
	tl_finding_has(&r, "locked out after failed logins (95520): asradmin");
	tl_ev_has(&r, EV_FILE, "(Guest, RID 501): disabled");
	result_free(&r);
}

/* On Linux the push install logs in as root: the name is only noted. */
static void test_linux_notes_the_account(void **state)
{
	(void)state;
	struct target *t = tl_root("tests/fixtures/misc/account-ok");
	struct check_ctx ctx = { .t = t, .account = "asradmin", .timeout_ms = 3000 };
	struct check_result r;
	check_run_one(check_find("account.root"), &ctx, &r);
	tl_ev_has(&r, EV_NOTE, "--account asradmin is not judged here: a push install to Linux logs in as root");
	result_free(&r);
	target_free(t);
}

int main(void)
{
	tu_scratch("winaccount");
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_named_account_passes_when_usable),
		cmocka_unit_test(test_named_account_fails_for_each_reason),
		cmocka_unit_test(test_account_name_forms),
		cmocka_unit_test(test_unreadable_membership_warns),
		cmocka_unit_test(test_members_agree_with_samusrgrp),
		cmocka_unit_test(test_names_compare_as_windows_does),
		cmocka_unit_test(test_without_account_every_account_is_listed),
		cmocka_unit_test(test_linux_notes_the_account),
	};
	return tu_scratch_done(cmocka_run_group_tests(tests, setup, teardown));
}
