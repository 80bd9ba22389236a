/* test_fix_account.c: the fix that unlocks root's password carries its
 * exact inverse, and undo runs it. The machine is a mounted-root sandbox
 * whose commands run through a stand-in passwd that edits the sandbox's
 * /etc/shadow as passwd -u and -l do (one '!' off, one '!' on); nothing
 * here touches this machine's accounts. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cmocka.h>

#include "engine/change/apply.h"
#include "engine/change/journal.h"
#include "engine/fix.h"
#include "engine/target/target.h"
#include "engine/undo.h"
#include "support/testutil.h"

/* The sandbox, the host file the stand-in edits as its shadow, and every
 * command line it got. */
static char *g_dir;
static char *g_shadow;
static struct strvec g_ran;

/* passwd as the stand-in plays it: -u takes one '!' off USER's password
 * field (exit 3 when there is none, as passwd refuses), -l puts one on.
 * Any other command exits 127. */
static int standin_run(struct target *t, const char *const argv[], int timeout_ms,
		       struct cmd_result *out)
{
	(void)t;
	(void)timeout_ms;
	struct sbuf line = { 0 };
	for (size_t i = 0; argv[i]; i++)
		sb_printf(&line, "%s%s", i ? " " : "", argv[i]);
	sv_take(&g_ran, sb_steal(&line));
	out->out = xstrdup("");
	out->err = xstrdup("");
	out->status = 127;
	if (!argv[0] || strcmp(argv[0], "passwd") != 0 || !argv[1] || !argv[2] || argv[3])
		return 0;
	bool unlock = strcmp(argv[1], "-u") == 0;
	if (!unlock && strcmp(argv[1], "-l") != 0)
		return 0;
	char *path = xstrdup(g_shadow);
	char *shadow = tu_read_file(path, NULL);
	char *user = xasprintf("\n%s:", argv[2]);
	struct sbuf all = { 0 };
	sb_printf(&all, "\n%s", shadow);
	char *at = strstr(all.s, user);
	out->status = 1;
	if (at) {
		char *field = at + strlen(user);
		size_t off = (size_t)(field - all.s);
		struct sbuf next = { 0 };
		sb_printf(&next, "%.*s", (int)off, all.s);
		if (unlock && *field == '!') {
			sb_add(&next, field + 1);
			out->status = 0;
		} else if (!unlock) {
			sb_printf(&next, "!%s", field);
			out->status = 0;
		} else {
			out->status = 3;
		}
		if (out->status == 0)
			tu_write_file(path, next.s + 1);
		sb_free(&next);
	}
	sb_free(&all);
	free(user);
	free(shadow);
	free(path);
	return 0;
}

/* The engineer says yes to every command. */
static bool yes(void *arg, const char *const *argv, const char *reason, bool needs_confirm)
{
	(void)arg;
	(void)argv;
	(void)reason;
	(void)needs_confirm;
	return true;
}

static struct target_ops g_ops;

/* A mounted root on a copy of fixture whose commands run through the
 * stand-in, which edits shadow (a path inside the sandbox). */
static struct target *sandbox(const char *fixture, const char *shadow)
{
	g_dir = tu_mkdtemp("account");
	assert_int_equal(tu_sh(NULL, "cp -a '%s/.' '%s/'", fixture, g_dir), 0);
	g_shadow = xasprintf("%s%s", g_dir, shadow);
	char *cause = NULL;
	struct target *t = target_root_new(g_dir, &cause);
	assert_non_null(t);
	g_ops = *t->ops;
	g_ops.run = standin_run;
	t->ops = &g_ops;
	t->can_run = true;
	sv_free(&g_ran);
	return t;
}

static void sandbox_free(struct target *t)
{
	target_free(t);
	tu_rmtree(g_dir);
	free(g_dir);
	free(g_shadow);
	g_dir = g_shadow = NULL;
	sv_free(&g_ran);
}

static char *shadow_now(void)
{
	return tu_read_file(g_shadow, NULL);
}

static void test_undo_locks_root_again(void **state)
{
	(void)state;
	struct target *t = sandbox("tests/fixtures/apply/account-locked", "/etc/shadow");
	char *before = shadow_now();
	assert_non_null(strstr(before, "root:!$6$"));
	const struct fix_def *f = fix_find("account.root_unlock");
	assert_non_null(f);
	struct fix_ctx ctx = { .t = t, .timeout_ms = 20000 };
	char *cause = NULL;
	struct plan *p = f->plan(&ctx, &cause);
	assert_non_null(p);
	assert_int_equal(p->ncmds, 1);
	assert_non_null(p->cmds[0].inverse);
	struct sbuf text = { 0 };
	plan_format(p, &text);
	assert_non_null(strstr(sb_str(&text), "Undone by: passwd -l root"));
	assert_null(strstr(sb_str(&text), "cannot be undone"));
	sb_free(&text);

	struct apply_opts o = { .confirm = yes };
	struct apply_report rep;
	int rc = apply_plan(&ctx, p, &o, &rep);
	if (rc)
		print_error("%s\n", rep.message);
	assert_int_equal(rc, 0);
	apply_report_free(&rep);
	plan_free(p);
	assert_int_equal(g_ran.n, 1);
	assert_string_equal(g_ran.v[0], "passwd -u root");
	char *unlocked = shadow_now();
	assert_non_null(strstr(unlocked, "root:$6$"));
	free(unlocked);

	/* The preview names the inverse; undo runs it from the definition. */
	struct sbuf out = { 0 };
	assert_int_equal(undo_preview(&ctx, NULL, false, &out, &cause), 0);
	assert_non_null(strstr(sb_str(&out), "passwd -l root"));
	sb_free(&out);
	rc = undo_entry(&ctx, NULL, &o, &rep);
	if (rc)
		print_error("%s\n", rep.message);
	assert_int_equal(rc, 0);
	assert_int_equal(rep.outcome, JOURNAL_UNDONE);
	apply_report_free(&rep);
	assert_int_equal(g_ran.n, 2);
	assert_string_equal(g_ran.v[1], "passwd -l root");
	/* Locked again, byte for byte as before. */
	char *after = shadow_now();
	assert_string_equal(after, before);
	free(after);
	free(before);
	sandbox_free(t);
}

static void test_unknown_state_cannot_be_undone(void **state)
{
	(void)state;
	/* The password file cannot be read where the fix looks (here: the
	 * stand-in keeps it elsewhere): its state is unknown, so locking it
	 * again could lock a password that never was locked. */
	struct target *t = sandbox("tests/fixtures/apply/account-locked", "/hidden-shadow");
	assert_int_equal(tu_sh(NULL, "mv '%s/etc/shadow' '%s'", g_dir, g_shadow), 0);
	const struct fix_def *f = fix_find("account.root_unlock");
	struct fix_ctx ctx = { .t = t, .timeout_ms = 20000 };
	char *cause = NULL;
	struct plan *p = f->plan(&ctx, &cause);
	assert_non_null(p);
	assert_null(p->cmds[0].inverse);
	struct sbuf text = { 0 };
	plan_format(p, &text);
	assert_non_null(strstr(sb_str(&text), "cannot be undone by asr-doctor"));
	assert_non_null(strstr(sb_str(&text), "asr-doctor cannot undo this command"));
	sb_free(&text);
	struct apply_opts o = { .confirm = yes };
	struct apply_report rep;
	assert_int_equal(apply_plan(&ctx, p, &o, &rep), 0);
	apply_report_free(&rep);
	plan_free(p);
	assert_int_equal(g_ran.n, 1);
	char *unlocked = shadow_now();
	assert_non_null(strstr(unlocked, "root:$6$"));
	/* Undo refuses and runs nothing: the latest entry there is to undo
	 * is none, and this entry by its number says what to do instead. */
	assert_true(undo_entry(&ctx, NULL, &o, &rep) < 0);
	assert_non_null(strstr(rep.message, "nothing to undo"));
	apply_report_free(&rep);
	assert_true(undo_entry(&ctx, "1", &o, &rep) < 0);
	assert_non_null(strstr(rep.message, "passwd -l root"));
	apply_report_free(&rep);
	assert_int_equal(g_ran.n, 1);
	char *still = shadow_now();
	assert_string_equal(still, unlocked);
	free(still);
	free(unlocked);
	sandbox_free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_undo_locks_root_again),
		cmocka_unit_test(test_unknown_state_cannot_be_undone),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
