/* test_fix_windows.c: the fixes on a running Windows machine
 * (engine/fix_windows.c) against the stand-in for the Windows commands
 * (tests/support/win_standin.c): a target whose run() hands the stand-in
 * exactly the line a Windows OpenSSH server hands cmd.exe
 * (win_cmdline(argv, true)) and decodes what it prints in its code page
 * (850). Each fix goes check (fails) -> plan (commands shown exactly) ->
 * apply -> check (passes) -> undo -> check (fails again), all observed
 * through the stand-in's state, the same commands a real machine answers.
 * User names that cmd.exe and the C runtime would tear apart arrive whole. */
#include "support/testutil.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "engine/change/apply.h"
#include "engine/change/journal.h"
#include "engine/change/plan.h"
#include "engine/check.h"
#include "engine/fix.h"
#include "engine/undo.h"
#include "engine/util/util.h"
#include "support/winstate.h"

struct wbox {
	char *dir;     /* the temporary folder */
	char *state;   /* the stand-in's state (dir/state) */
	char *root;    /* the target's folder (dir/root): holds the journal */
	char *journal; /* dir/journal */
	struct target *t;
	struct fix_ctx ctx;
};

static void wbox_open(struct wbox *b)
{
	memset(b, 0, sizeof *b);
	b->dir = tu_mkdtemp("winfix");
	b->state = xasprintf("%s/state", b->dir);
	b->root = xasprintf("%s/root", b->dir);
	b->journal = xasprintf("%s/journal", b->dir);
	ws_seed(b->state);
	assert_int_equal(tu_sh(NULL, "mkdir -p '%s'", b->root), 0);
	b->t = ws_target(b->root, b->state);
	b->ctx.t = b->t;
	b->ctx.journal_dir = b->journal;
	b->ctx.timeout_ms = 20000;
}

static void wbox_close(struct wbox *b)
{
	target_free(b->t);
	tu_rmtree(b->dir);
	free(b->dir);
	free(b->state);
	free(b->root);
	free(b->journal);
}

/* Runs check id on the box (with the box's --account) and returns its
 * status; prints the result when it is not want. */
static enum status check(struct wbox *b, const char *id, enum status want)
{
	const struct check_def *c = check_find(id);
	assert_non_null(c);
	struct check_ctx ctx = { .t = b->t, .account = b->ctx.account, .timeout_ms = 20000 };
	struct check_result r;
	check_run_one(c, &ctx, &r);
	enum status st = r.status;
	if (st != want)
		print_error("%s: %s (%s), expected %s\n", id, status_name(st),
			    r.finding ? r.finding : "", status_name(want));
	result_free(&r);
	assert_int_equal(st, want);
	return st;
}

/* Plans fix id; fails the test when there is no plan. */
static struct plan *plan_of(struct wbox *b, const char *id)
{
	const struct fix_def *f = fix_find(id);
	assert_non_null(f);
	char *cause = NULL;
	struct plan *p = f->plan(&b->ctx, &cause);
	if (!p)
		print_error("%s: %s\n", id, cause);
	free(cause);
	assert_non_null(p);
	return p;
}

/* The plan's text, which must hold every needle. */
static void plan_shows(const struct plan *p, const char *const *needles)
{
	struct sbuf s = { 0 };
	plan_format(p, &s);
	for (const char *const *n = needles; *n; n++) {
		if (!strstr(sb_str(&s), *n))
			print_error("the plan lacks [%s]:\n%s\n", *n, sb_str(&s));
		assert_non_null(strstr(sb_str(&s), *n));
	}
	sb_free(&s);
}

static void apply_ok(struct wbox *b, const struct plan *p)
{
	struct apply_report rep;
	int rc = apply_plan(&b->ctx, p, NULL, &rep);
	if (rc)
		print_error("apply: %s\n", rep.message ? rep.message : "?");
	assert_int_equal(rc, 0);
	assert_int_equal(rep.outcome, JOURNAL_APPLIED);
	apply_report_free(&rep);
}

static void undo_ok(struct wbox *b)
{
	struct apply_report rep;
	int rc = undo_entry(&b->ctx, NULL, NULL, &rep);
	if (rc)
		print_error("undo: %s\n", rep.message ? rep.message : "?");
	assert_int_equal(rc, 0);
	assert_int_equal(rep.outcome, JOURNAL_UNDONE);
	apply_report_free(&rep);
}

/* Whether the stand-in's state file name holds needle. */
static bool state_has(struct wbox *b, const char *name, const char *needle)
{
	char *s = ws_get(b->state, name);
	bool has = strstr(s, needle) != NULL;
	free(s);
	return has;
}

#define LATFP_KEY "HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Policies\\System"

static void test_uac_reg_add_and_undo_deletes_the_value(void **state)
{
	(void)state;
	struct wbox b;
	wbox_open(&b);
	check(&b, "win.uac", STATUS_FAIL);
	struct plan *p = plan_of(&b, "win.uac_reg");
	const char *shown[] = {
		"reg add HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Policies\\System /v "
		"LocalAccountTokenFilterPolicy /t REG_DWORD /d 1 /f",
		"Undone by: reg delete HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Policies\\"
		"System /v LocalAccountTokenFilterPolicy /f",
		"No restart is needed",
		NULL
	};
	plan_shows(p, shown);
	apply_ok(&b, p);
	plan_free(p);
	assert_true(state_has(&b, "registry",
			      LATFP_KEY "\tLocalAccountTokenFilterPolicy\tREG_DWORD\t0x1\n"));
	check(&b, "win.uac", STATUS_PASS);
	/* Nothing left to do: the planner says so. */
	char *cause = NULL;
	assert_null(fix_find("win.uac_reg")->plan(&b.ctx, &cause));
	assert_non_null(strstr(cause, "nothing to do"));
	free(cause);
	undo_ok(&b);
	assert_false(state_has(&b, "registry", "LocalAccountTokenFilterPolicy"));
	check(&b, "win.uac", STATUS_FAIL);
	/* The stand-in got exactly these lines, in this order. */
	char *log = ws_get(b.state, "log");
	const char *add = strstr(log, "\nreg add HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\"
				      "Policies\\System /v LocalAccountTokenFilterPolicy /t REG_DWORD "
				      "/d 1 /f\n");
	const char *del = strstr(log, "\nreg delete HKLM\\SOFTWARE\\Microsoft\\Windows\\"
				      "CurrentVersion\\Policies\\System /v "
				      "LocalAccountTokenFilterPolicy /f\n");
	assert_non_null(add);
	assert_non_null(del);
	assert_true(add < del);
	free(log);
	wbox_close(&b);
}

static void test_uac_undo_restores_the_previous_type_and_data(void **state)
{
	(void)state;
	struct wbox b;
	wbox_open(&b);
	char *reg = ws_get(b.state, "registry");
	char *more = xasprintf("%s" LATFP_KEY "\tLocalAccountTokenFilterPolicy\tREG_DWORD\t0x0\n", reg);
	ws_set(b.state, "registry", more);
	free(more);
	free(reg);
	check(&b, "win.uac", STATUS_FAIL);
	struct plan *p = plan_of(&b, "win.uac_reg");
	const char *shown[] = { "Undone by: reg add HKLM\\SOFTWARE\\Microsoft\\Windows\\"
				"CurrentVersion\\Policies\\System /v LocalAccountTokenFilterPolicy "
				"/t REG_DWORD /d 0x0 /f",
				"REG_DWORD 0x0", NULL };
	plan_shows(p, shown);
	apply_ok(&b, p);
	check(&b, "win.uac", STATUS_PASS);
	undo_ok(&b);
	assert_true(state_has(&b, "registry",
			      LATFP_KEY "\tLocalAccountTokenFilterPolicy\tREG_DWORD\t0x0\n"));
	check(&b, "win.uac", STATUS_FAIL);
	/* A journal whose undo is not one the fix writes is refused, and
	 * nothing runs. */
	apply_ok(&b, p);
	plan_free(p);
	assert_int_equal(tu_sh(NULL, "sed -i 's/\"0x0\"/\"0x0 \\& whoami\"/' '%s/journal.jsonl'",
			       b.journal),
			 0);
	struct apply_report rep;
	assert_int_equal(undo_entry(&b.ctx, NULL, NULL, &rep), -EPERM);
	assert_non_null(strstr(rep.message, "never a journal's"));
	apply_report_free(&rep);
	assert_true(state_has(&b, "registry",
			      LATFP_KEY "\tLocalAccountTokenFilterPolicy\tREG_DWORD\t0x1\n"));
	wbox_close(&b);
}

/* Names cmd.exe or the C runtime would cut, expand or end a command at;
 * each one's neighbours (decoys) must stay as they are. */
static const char *const hostile_users[] = {
	"asr push", "o'brien", "a&b", "x^y", "100%", "%USERNAME%", "bang!",
	"quote\"d", "svc & asr ^ %PATH% !x! (y)", "Jos\xc3\xa9 M\xc3\xbcller",
};

static void test_account_enable_with_hostile_names(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(hostile_users); i++) {
		const char *name = hostile_users[i];
		struct wbox b;
		wbox_open(&b);
		char *users = xasprintf("asrpush\tNo\t\tASR push account\n%s\tNo\t\thostile\n"
					"asr\tNo\t\tdecoy\na\tNo\t\tdecoy\nx\tNo\t\tdecoy\n"
					"svc\tNo\t\tdecoy\n",
					name);
		ws_set(b.state, "users", users);
		b.ctx.account = name;
		check(&b, "win.account", STATUS_FAIL);
		struct plan *p = plan_of(&b, "win.account_enable");
		apply_ok(&b, p);
		plan_free(p);
		char *want_on = xasprintf("asrpush\tNo\t\tASR push account\n%s\tYes\t\thostile\n"
					  "asr\tNo\t\tdecoy\na\tNo\t\tdecoy\nx\tNo\t\tdecoy\n"
					  "svc\tNo\t\tdecoy\n",
					  name);
		char *got = ws_get(b.state, "users");
		if (strcmp(got, want_on) != 0)
			print_error("name [%s]: the stand-in's accounts are\n%s\n", name, got);
		assert_string_equal(got, want_on);
		free(got);
		check(&b, "win.account", STATUS_PASS);
		undo_ok(&b);
		got = ws_get(b.state, "users");
		assert_string_equal(got, users);
		free(got);
		check(&b, "win.account", STATUS_FAIL);
		free(want_on);
		free(users);
		wbox_close(&b);
	}
}

static void test_account_plan_shows_the_cmd_line(void **state)
{
	(void)state;
	struct wbox b;
	wbox_open(&b);
	ws_set(b.state, "users", "svc & asr\tNo\t\tx\n");
	b.ctx.account = "svc & asr";
	struct plan *p = plan_of(&b, "win.account_enable");
	const char *shown[] = { "1. net user ^\"svc ^& asr^\" /active:yes\n",
				"Undone by: net user ^\"svc ^& asr^\" /active:no\n",
				"single quotes", NULL };
	plan_shows(p, shown);
	/* Applied, the undo preview and the evidence show cmd.exe's lines too. */
	apply_ok(&b, p);
	plan_free(p);
	struct sbuf prev = { 0 };
	char *cause = NULL;
	assert_int_equal(undo_preview(&b.ctx, NULL, false, &prev, &cause), 0);
	if (!strstr(sb_str(&prev), "Then run: net user ^\"svc ^& asr^\" /active:no ("))
		print_error("undo preview:\n%s\n", sb_str(&prev));
	assert_non_null(strstr(sb_str(&prev), "Then run: net user ^\"svc ^& asr^\" /active:no ("));
	assert_non_null(strstr(sb_str(&prev), "undoes 'net user ^\"svc ^& asr^\" /active:yes'"));
	assert_null(strstr(sb_str(&prev), "'svc & asr'"));
	sb_free(&prev);
	struct check_result r;
	struct check_ctx cc = { .t = b.t, .account = b.ctx.account, .timeout_ms = 60000 };
	check_run_one(check_find("win.account"), &cc, &r);
	bool shown_cmd = false;
	for (size_t i = 0; i < r.nev; i++)
		if (r.ev[i].kind == EV_COMMAND &&
		    !strcmp(r.ev[i].command, "net user ^\"svc ^& asr^\""))
			shown_cmd = true;
	assert_true(shown_cmd);
	result_free(&r);
	/* Locked out is not disabled: no plan, and why. */
	ws_set(b.state, "users", "svc & asr\tLocked\t\tx\n");
	assert_null(fix_find("win.account_enable")->plan(&b.ctx, &cause));
	assert_non_null(strstr(cause, "locked out"));
	free(cause);
	wbox_close(&b);
}

static void test_netlogon_start_type_and_start_undone(void **state)
{
	(void)state;
	struct wbox b;
	wbox_open(&b);
	check(&b, "win.netlogon", STATUS_FAIL);
	struct plan *p = plan_of(&b, "win.netlogon_start");
	const char *shown[] = { "1. sc config Netlogon start= auto\n",
				"Undone by: sc config Netlogon start= disabled\n",
				"2. sc start Netlogon\n", "Undone by: sc stop Netlogon\n", NULL };
	plan_shows(p, shown);
	apply_ok(&b, p);
	plan_free(p);
	assert_true(state_has(&b, "services", "Netlogon\tRUNNING\t2\tNetlogon\n"));
	check(&b, "win.netlogon", STATUS_PASS);
	undo_ok(&b);
	assert_true(state_has(&b, "services", "Netlogon\tSTOPPED\t4\tNetlogon\n"));
	check(&b, "win.netlogon", STATUS_FAIL);
	char *log = ws_get(b.state, "log");
	const char *stop = strstr(log, "\nsc stop Netlogon\n");
	const char *back = strstr(log, "\nsc config Netlogon start= disabled\n");
	assert_non_null(stop);
	assert_non_null(back);
	assert_true(stop < back); /* last command first */
	free(log);
	wbox_close(&b);
}

static void test_netlogon_running_manual_only_sets_the_start_type(void **state)
{
	(void)state;
	struct wbox b;
	wbox_open(&b);
	ws_set(b.state, "services", "Netlogon\tSTOPPED\t3\tNetlogon\n");
	struct plan *p = plan_of(&b, "win.netlogon_start");
	const char *shown[] = { "Undone by: sc config Netlogon start= demand\n", NULL };
	plan_shows(p, shown);
	apply_ok(&b, p);
	plan_free(p);
	check(&b, "win.netlogon", STATUS_PASS);
	undo_ok(&b);
	assert_true(state_has(&b, "services", "Netlogon\tSTOPPED\t3\tNetlogon\n"));
	wbox_close(&b);
}

/* The group's rules found by reference, only the disabled ones enabled,
 * and exactly those disabled again by undo. */
static void test_file_sharing_group_by_reference(void **state)
{
	(void)state;
	struct wbox b;
	wbox_open(&b);
	/* The echo rule is on already: the fix leaves it alone both ways. */
	char *rules = ws_get(b.state, "rules");
	char *p0 = strstr(rules, "FPS-ICMP4-ERQ-In\t@FirewallAPI.dll,-28502\tNo\t");
	assert_non_null(p0);
	char *no = strstr(p0, "\tNo\t");
	struct sbuf s = { 0 };
	sb_addn(&s, rules, (size_t)(no - rules));
	sb_add(&s, "\tYes\t");
	sb_add(&s, no + 4);
	ws_set(b.state, "rules", sb_str(&s));
	sb_free(&s);
	free(rules);
	check(&b, "win.file_sharing", STATUS_FAIL);
	struct plan *p = plan_of(&b, "win.file_sharing_enable");
	const char *shown[] = {
		"1. powershell -NoProfile -NonInteractive -Command ^\"Enable-NetFirewallRule -Name "
		"'FPS-NB_Session-In-TCP','FPS-SMB-In-TCP','FPS-NB_Name-In-UDP'^\"\n",
		"Undone by: powershell -NoProfile -NonInteractive -Command ^\"Disable-NetFirewallRule "
		"-Name 'FPS-NB_Session-In-TCP','FPS-SMB-In-TCP','FPS-NB_Name-In-UDP'^\"\n",
		"@FirewallAPI.dll,-28502", NULL
	};
	plan_shows(p, shown);
	char *before = ws_get(b.state, "rules");
	apply_ok(&b, p);
	plan_free(p);
	assert_true(state_has(&b, "rules", "FPS-SMB-In-TCP\t@FirewallAPI.dll,-28502\tYes\t"));
	check(&b, "win.file_sharing", STATUS_PASS);
	undo_ok(&b);
	char *after = ws_get(b.state, "rules");
	assert_string_equal(after, before);
	free(after);
	free(before);
	check(&b, "win.file_sharing", STATUS_FAIL);
	wbox_close(&b);
}

static void test_wmi_group_by_reference(void **state)
{
	(void)state;
	struct wbox b;
	wbox_open(&b);
	check(&b, "win.wmi", STATUS_FAIL);
	struct plan *p = plan_of(&b, "win.wmi_enable");
	const char *shown[] = { "'WMI-WINMGMT-In-TCP-NoScope','WMI-WINMGMT-In-TCP',"
				"'WMI-RPCSS-In-TCP-NoScope','WMI-ASYNC-In-TCP-NoScope'",
				"@FirewallAPI.dll,-34251", NULL };
	plan_shows(p, shown);
	apply_ok(&b, p);
	plan_free(p);
	check(&b, "win.wmi", STATUS_PASS);
	/* Remote Desktop, another group, is untouched. */
	assert_true(state_has(&b, "rules",
			      "RemoteDesktop-UserMode-In-TCP\t@FirewallAPI.dll,-28752\tYes\t"));
	undo_ok(&b);
	check(&b, "win.wmi", STATUS_FAIL);
	wbox_close(&b);
}

/* On a German Windows the same references find the same rules. */
static void test_file_sharing_on_german_windows(void **state)
{
	(void)state;
	struct wbox b;
	wbox_open(&b);
	ws_set(b.state, "lang", "de\n");
	ws_set(b.state, "rules",
	       "FPS-SMB-In-TCP\t@FirewallAPI.dll,-28502\tNo\tIn\tDomain,Private,Public\t"
	       "Datei- und Druckerfreigabe\tTCP\t445\tDatei- und Druckerfreigabe (SMB eingehend)\n");
	/* The check and the fix both go by the reference, so the German
	 * machine is judged, fixed and judged again like an English one. */
	check(&b, "win.file_sharing", STATUS_FAIL);
	struct plan *p = plan_of(&b, "win.file_sharing_enable");
	apply_ok(&b, p);
	plan_free(p);
	assert_true(state_has(&b, "rules", "FPS-SMB-In-TCP\t@FirewallAPI.dll,-28502\tYes\t"));
	check(&b, "win.file_sharing", STATUS_PASS);
	undo_ok(&b);
	assert_true(state_has(&b, "rules", "FPS-SMB-In-TCP\t@FirewallAPI.dll,-28502\tNo\t"));
	check(&b, "win.file_sharing", STATUS_FAIL);
	wbox_close(&b);
}

static void test_vss_provider_script_shown_and_not_undoable(void **state)
{
	(void)state;
	struct wbox b;
	wbox_open(&b);
	struct plan *p = plan_of(&b, "win.vss_provider");
	const char *shown[] = {
		"1. ^\"C:\\Program Files ^(x86^)\\Microsoft Azure Site Recovery\\agent\\"
		"InMageVSSProvider_Install.cmd^\"\n",
		"cannot be undone by asr-doctor",
		"C:\\Program Files (x86)\\Microsoft Azure Site Recovery\\agent\\"
		"InMageVSSProvider_Install.cmd",
		NULL
	};
	plan_shows(p, shown);
	assert_false(state_has(&b, "services", "Azure Site Recovery VSS Provider"));
	apply_ok(&b, p);
	plan_free(p);
	assert_true(state_has(&b, "services", "Azure Site Recovery VSS Provider\tSTOPPED\t3"));
	/* Nothing for undo to run. */
	struct apply_report rep;
	assert_true(undo_entry(&b.ctx, NULL, NULL, &rep) < 0);
	apply_report_free(&rep);
	wbox_close(&b);
}

static void test_fixes_refuse_where_they_do_not_apply(void **state)
{
	(void)state;
	static const char *const ids[] = { "win.uac_reg", "win.account_enable",
					   "win.netlogon_start", "win.file_sharing_enable",
					   "win.wmi_enable", "win.vss_provider" };
	char *dir = tu_mkdtemp("winfix-linux");
	char *cause = NULL;
	struct target *t = target_root_new(dir, &cause);
	assert_non_null(t);
	struct fix_ctx ctx = { .t = t };
	for (size_t i = 0; i < ARRAY_LEN(ids); i++) {
		assert_null(fix_find(ids[i])->plan(&ctx, &cause));
		assert_non_null(strstr(cause, "Windows"));
		free(cause);
		cause = NULL;
	}
	target_free(t);
	tu_rmtree(dir);
	free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_uac_reg_add_and_undo_deletes_the_value),
		cmocka_unit_test(test_uac_undo_restores_the_previous_type_and_data),
		cmocka_unit_test(test_account_enable_with_hostile_names),
		cmocka_unit_test(test_account_plan_shows_the_cmd_line),
		cmocka_unit_test(test_netlogon_start_type_and_start_undone),
		cmocka_unit_test(test_netlogon_running_manual_only_sets_the_start_type),
		cmocka_unit_test(test_file_sharing_group_by_reference),
		cmocka_unit_test(test_wmi_group_by_reference),
		cmocka_unit_test(test_file_sharing_on_german_windows),
		cmocka_unit_test(test_vss_provider_script_shown_and_not_undoable),
		cmocka_unit_test(test_fixes_refuse_where_they_do_not_apply),
	};
	int rc = cmocka_run_group_tests_name("Windows fixes through the stand-in", tests, NULL, NULL);
	return rc;
}
