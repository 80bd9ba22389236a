/* test_fix_winhive.c: the registry fixes on real hive files (built with
 * hivexregedit from tests/fixtures/winreg, see test_winhive.c): each fix
 * planned from the broken volume, applied through the one apply path,
 * verified by chntpw's reged (an independent reader) and by the check
 * passing again; undo giving back the original hive byte for byte, and
 * refusing a hive changed since unless forced; a damaged or uncleanly
 * closed hive never written; a new hive that does not read back as
 * planned rolled back by apply itself. */
#include "misc_testlib.h"

#include "support/hivegen.h"

#include <sys/stat.h>
#include <unistd.h>

#include "engine/change/apply.h"
#include "engine/fix.h"
#include "engine/change/journal.h"
#include "engine/change/plan.h"
#include "engine/undo.h"

#define REG "tests/fixtures/winreg/"

/* A broken Windows volume with its target and fix context. */
struct vol {
	char *dir;
	struct target *t;
	struct fix_ctx ctx;
};

static void vol_open(struct vol *v, const char *tag)
{
	v->dir = tu_mkdtemp(tag);
	hivegen_winroot(v->dir, REG "system-broken.reg", REG "software-broken.reg",
			REG "sam-broken.reg");
	v->t = tl_root(v->dir);
	memset(&v->ctx, 0, sizeof v->ctx);
	v->ctx.t = v->t;
	v->ctx.timeout_ms = 20000;
}

static void vol_close(struct vol *v)
{
	target_free(v->t);
	tu_rmtree(v->dir);
	free(v->dir);
}

static char *hive_file(const struct vol *v, const char *name)
{
	return xasprintf("%s/Windows/System32/config/%s", v->dir, name);
}

/* The hive's bytes (caller frees). */
static char *hive_bytes(const struct vol *v, const char *name, size_t *len)
{
	char *p = hive_file(v, name);
	char *d = tu_read_file(p, len);
	free(p);
	return d;
}

/* Asserts the hive holds exactly len bytes of data. */
static void hive_is(const struct vol *v, const char *name, const char *data, size_t len)
{
	size_t n;
	char *now = hive_bytes(v, name, &n);
	assert_int_equal(n, len);
	assert_memory_equal(now, data, len);
	free(now);
}

static struct plan *plan_of(struct vol *v, const char *fix_id, char **cause)
{
	const struct fix_def *f = fix_find(fix_id);
	assert_non_null(f);
	*cause = NULL;
	return f->plan(&v->ctx, cause);
}

static void undo_latest(struct vol *v, bool force, int want_rc)
{
	struct apply_report rep;
	struct apply_opts o = { .force = force };
	int rc = undo_entry(&v->ctx, "latest", &o, &rep);
	if (rc != want_rc)
		print_error("undo: %s\n", rep.message ? rep.message : "");
	assert_int_equal(rc, want_rc);
	apply_report_free(&rep);
}

/* Each fix, its hive, a value reged must show afterwards, and its check. */
static const struct {
	const char *fix, *hive, *prefix, *key, *after, *check;
} g_fixes[] = {
	{ "win.boot_drivers", "SYSTEM", "HKEY_LOCAL_MACHINE\\SYSTEM", "\\ControlSet002\\Services\\storvsc",
	  "\"Start\"=dword:00000000", "win.drivers" },
	{ "win.uac_policy", "SOFTWARE", "HKEY_LOCAL_MACHINE\\SOFTWARE",
	  "\\Microsoft\\Windows\\CurrentVersion\\Policies\\System",
	  "\"LocalAccountTokenFilterPolicy\"=dword:00000001", "win.uac" },
	{ "win.netlogon_auto", "SYSTEM", "HKEY_LOCAL_MACHINE\\SYSTEM", "\\ControlSet002\\Services\\Netlogon",
	  "\"Start\"=dword:00000002", "win.netlogon" },
	{ "win.file_sharing_rules", "SYSTEM", "HKEY_LOCAL_MACHINE\\SYSTEM",
	  "\\ControlSet002\\Services\\SharedAccess\\Parameters\\FirewallPolicy\\FirewallRules",
	  "\"FPS-SMB-In-TCP\"=\"v2.10|Action=Allow|Active=TRUE|Dir=In|Protocol=6|", "win.file_sharing" },
	{ "win.wmi_rules", "SYSTEM", "HKEY_LOCAL_MACHINE\\SYSTEM",
	  "\\ControlSet002\\Services\\SharedAccess\\Parameters\\FirewallPolicy\\FirewallRules",
	  "\"WMI-WINMGMT-In-TCP\"=\"v2.10|Action=Allow|Active=TRUE|", "win.wmi" },
};

static void test_each_fix_applies_reads_back_and_undoes_exactly(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(g_fixes); i++) {
		print_message("%s\n", g_fixes[i].fix);
		struct vol v;
		vol_open(&v, "fixhive");
		size_t olen;
		char *orig = hive_bytes(&v, g_fixes[i].hive, &olen);
		char *cause = NULL;
		struct plan *p = plan_of(&v, g_fixes[i].fix, &cause);
		if (!p)
			print_error("%s: %s\n", g_fixes[i].fix, cause);
		assert_non_null(p);
		assert_int_equal(p->nedits, 1);
		assert_true(p->edits[0].binary);
		assert_non_null(p->edits[0].verify);
		/* The plan names key, value, type, old and new data. */
		assert_true(p->before.n > 0 && p->before.n == p->after.n);
		struct sbuf text = { 0 };
		plan_format(p, &text);
		assert_non_null(strstr(sb_str(&text), "binary file /Windows/System32/config/"));
		sb_free(&text);
		struct apply_report rep;
		int rc = apply_plan(&v.ctx, p, NULL, &rep);
		if (rc != 0)
			print_error("apply: %s\n", rep.message);
		assert_int_equal(rc, 0);
		apply_report_free(&rep);
		plan_free(p);
		/* The journal lives where Windows keeps program data, with the
		 * whole original hive. */
		char *bk = NULL;
		assert_int_equal(tu_sh(&bk, "ls '%s'/ProgramData/asr-doctor/journal/backups/*/*",
				       v.dir),
				 0);
		char *backup = str_trim(bk);
		size_t blen;
		char *bytes = tu_read_file(backup, &blen);
		assert_int_equal(blen, olen);
		assert_memory_equal(bytes, orig, olen);
		free(bytes);
		free(bk);
		/* An independent reader sees the new value. */
		char *hf = hive_file(&v, g_fixes[i].hive);
		char *exported = hivegen_reged_export(hf, g_fixes[i].prefix, g_fixes[i].key);
		assert_non_null(exported);
		if (!strstr(exported, g_fixes[i].after))
			print_error("reged:\n%s\n", exported);
		assert_non_null(strstr(exported, g_fixes[i].after));
		free(exported);
		/* The check agrees (drivers still fails for the missing storflt,
		 * but no longer for the Start values). */
		struct check_result r;
		tl_run_t(v.t, g_fixes[i].check, NULL, &r);
		if (strcmp(g_fixes[i].check, "win.drivers") == 0) {
			tl_status(&r, STATUS_FAIL);
			assert_null(strstr(r.finding, "Start 0"));
		} else {
			tl_status(&r, STATUS_PASS);
		}
		result_free(&r);
		/* The whole original hive is in the journal, and undo puts it
		 * back byte for byte. */
		undo_latest(&v, false, 0);
		hive_is(&v, g_fixes[i].hive, orig, olen);
		free(hf);
		free(orig);
		vol_close(&v);
	}
}

static void test_undo_refuses_a_hive_changed_since_unless_forced(void **state)
{
	(void)state;
	struct vol v;
	vol_open(&v, "fixchanged");
	size_t olen;
	char *orig = hive_bytes(&v, "SYSTEM", &olen);
	char *cause = NULL;
	struct plan *p = plan_of(&v, "win.netlogon_auto", &cause);
	assert_non_null(p);
	/* The plan names hive, key, value, type, old and new data. */
	assert_int_equal(p->before.n, 1);
	assert_string_equal(p->before.v[0], "SYSTEM\\ControlSet002\\Services\\Netlogon\\Start (REG_DWORD) = 4");
	assert_string_equal(p->after.v[0], "SYSTEM\\ControlSet002\\Services\\Netlogon\\Start (REG_DWORD) = 2");
	struct apply_report rep;
	assert_int_equal(apply_plan(&v.ctx, p, NULL, &rep), 0);
	apply_report_free(&rep);
	plan_free(p);
	/* Someone changes the hive afterwards. */
	char *dir = tu_mkdtemp("fixreg");
	char *reg = xasprintf("%s/later.reg", dir);
	tu_write_file(reg, "Windows Registry Editor Version 5.00\n\n[\\ControlSet002\\Services\\VSS]\n"
			   "\"Start\"=dword:00000004\n\n");
	char *hf = hive_file(&v, "SYSTEM");
	assert_int_equal(tu_sh(NULL, "hivexregedit --merge '%s' '%s'", hf, reg), 0);
	size_t clen;
	char *changed = hive_bytes(&v, "SYSTEM", &clen);
	undo_latest(&v, false, -ESTALE);
	hive_is(&v, "SYSTEM", changed, clen);
	undo_latest(&v, true, 0);
	hive_is(&v, "SYSTEM", orig, olen);
	free(changed);
	free(hf);
	free(reg);
	tu_rmtree(dir);
	free(dir);
	free(orig);
	vol_close(&v);
}

/* A damaged hive and one not closed cleanly are never written. */
static void test_damaged_or_dirty_hive_is_never_written(void **state)
{
	(void)state;
	static const struct {
		const char *how, *says;
	} cases[] = {
		{ "truncate -s 9000 '%s'", "not a registry hive" },
		/* Sequence numbers that differ: the logs hold newer data. */
		{ NULL, "not closed cleanly" },
	};
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		struct vol v;
		vol_open(&v, "fixbad");
		char *hf = hive_file(&v, "SYSTEM");
		if (cases[i].how)
			assert_int_equal(tu_sh(NULL, cases[i].how, hf), 0);
		else
			hivegen_make_dirty(hf);
		size_t olen;
		char *orig = hive_bytes(&v, "SYSTEM", &olen);
		char *cause = NULL;
		struct plan *p = plan_of(&v, "win.boot_drivers", &cause);
		assert_null(p);
		if (!strstr(cause, cases[i].says))
			print_error("cause: %s\n", cause);
		assert_non_null(strstr(cause, cases[i].says));
		free(cause);
		hive_is(&v, "SYSTEM", orig, olen);
		char *journal = xasprintf("%s/ProgramData/asr-doctor", v.dir);
		assert_int_not_equal(access(journal, F_OK), 0);
		free(journal);
		free(orig);
		free(hf);
		vol_close(&v);
	}
}

/* When the hive in place does not read back as planned, apply puts the
 * original back by itself. */
static void test_new_hive_not_reading_back_is_rolled_back(void **state)
{
	(void)state;
	struct vol v;
	vol_open(&v, "fixverify");
	size_t olen;
	char *orig = hive_bytes(&v, "SYSTEM", &olen);
	char *cause = NULL;
	struct plan *p = plan_of(&v, "win.boot_drivers", &cause);
	assert_non_null(p);
	/* New bytes that lack the change: the original with another value. */
	char *dir = tu_mkdtemp("fixverify2");
	char *reg = xasprintf("%s/other.reg", dir), *copy = xasprintf("%s/SYSTEM", dir);
	tu_write_file(reg, "Windows Registry Editor Version 5.00\n\n[\\ControlSet002\\Services\\VSS]\n"
			   "\"Start\"=dword:00000002\n\n");
	char *hf = hive_file(&v, "SYSTEM");
	assert_int_equal(tu_sh(NULL, "cp '%s' '%s' && hivexregedit --merge '%s' '%s'", hf, copy,
			       copy, reg),
			 0);
	size_t wlen;
	char *wrong = tu_read_file(copy, &wlen);
	free(p->edits[0].new_data);
	p->edits[0].new_data = wrong;
	p->edits[0].new_len = wlen;
	struct apply_report rep;
	assert_int_equal(apply_plan(&v.ctx, p, NULL, &rep), -EINVAL);
	assert_int_equal(rep.outcome, JOURNAL_ROLLED_BACK);
	assert_non_null(rep.validator_output);
	assert_non_null(strstr(rep.validator_output, "does not hold the planned data"));
	apply_report_free(&rep);
	hive_is(&v, "SYSTEM", orig, olen);
	plan_free(p);
	free(hf);
	free(reg);
	free(copy);
	tu_rmtree(dir);
	free(dir);
	free(orig);
	vol_close(&v);
}

static void test_fixes_refuse_other_targets_and_healthy_hives(void **state)
{
	(void)state;
	/* A Linux root: the registry fixes do not apply. */
	struct target *t = tl_root("tests/fixtures/os/debian-12");
	struct fix_ctx ctx = { .t = t };
	char *cause = NULL;
	assert_null(fix_find("win.uac_policy")->plan(&ctx, &cause));
	assert_non_null(strstr(cause, "--root"));
	free(cause);
	target_free(t);
	/* A healthy volume: nothing to do. */
	char *dir = tu_mkdtemp("fixok");
	hivegen_winroot(dir, REG "system-ok.reg", REG "software-ok.reg", NULL);
	t = tl_root(dir);
	ctx.t = t;
	static const char *const ids[] = { "win.uac_policy", "win.boot_drivers", "win.netlogon_auto",
					   "win.file_sharing_rules", "win.wmi_rules" };
	for (size_t i = 0; i < ARRAY_LEN(ids); i++) {
		cause = NULL;
		assert_null(fix_find(ids[i])->plan(&ctx, &cause));
		assert_non_null(strstr(cause, "nothing to do"));
		free(cause);
	}
	target_free(t);
	tu_rmtree(dir);
	free(dir);
}

int main(void)
{
	tu_scratch("fixwinhive");
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_each_fix_applies_reads_back_and_undoes_exactly),
		cmocka_unit_test(test_undo_refuses_a_hive_changed_since_unless_forced),
		cmocka_unit_test(test_damaged_or_dirty_hive_is_never_written),
		cmocka_unit_test(test_new_hive_not_reading_back_is_rolled_back),
		cmocka_unit_test(test_fixes_refuse_other_targets_and_healthy_hives),
	};
	return tu_scratch_done(cmocka_run_group_tests(tests, NULL, NULL));
}
