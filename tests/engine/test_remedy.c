/* test_remedy.c: the remedy flow both front ends follow (engine/remedy.c):
 * which fixes a set of results gets (each once, a warning's by the same
 * rule as a failure's), the consent rule, the fix context from the
 * options, what to check again and when the result counts as fixed; the
 * commit-confirmed guard decided per target (this machine, a mounted root,
 * a remote target that has no guard yet, a strategy plugged in), and
 * remedy_apply starting the target's guard or refusing the change. */
#include "support/testutil.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "engine/remedy.h"
#include "engine/util/util.h"

#define SSH "192.0.2.10 51000 192.0.2.20 22"

/* A result of check id with status st (free with result_free). */
static void make(struct check_result *r, const char *id, enum status st)
{
	result_init(r, id);
	if (st != STATUS_NONE)
		result_set(r, st, "%s", "test");
}

/* Results as the wizard and `fix` hold them: GRUB fails, fstab warns (both
 * have fixes), the hosts file warns (no fix), sshd fails twice (one fix
 * for both), an error, one not run yet, a pass. */
enum { GRUB, FSTAB, HOSTS, SSHD_PW, SSHD_ROOT, ACCOUNT, AGENT, MEMORY, NRES };
static struct check_result res[NRES];
static const struct check_result *ptrs[NRES];

static int results_setup(void **state)
{
	(void)state;
	make(&res[GRUB], "grub.device_names", STATUS_FAIL);
	make(&res[FSTAB], "fstab.device_names", STATUS_WARN);
	make(&res[HOSTS], "net.hosts", STATUS_WARN);
	make(&res[SSHD_PW], "sshd.password", STATUS_FAIL);
	make(&res[SSHD_ROOT], "sshd.root_login", STATUS_FAIL);
	make(&res[ACCOUNT], "account.root", STATUS_ERROR);
	make(&res[AGENT], "agent.installed", STATUS_NONE);
	make(&res[MEMORY], "resources.memory", STATUS_PASS);
	for (size_t i = 0; i < NRES; i++)
		ptrs[i] = &res[i];
	return 0;
}

static int results_teardown(void **state)
{
	(void)state;
	for (size_t i = 0; i < NRES; i++)
		result_free(&res[i]);
	return 0;
}

static void test_choose_each_fix_once_warnings_too(void **state)
{
	(void)state;
	struct remedy_set s;
	remedy_choose(ptrs, NRES, NULL, &s);
	assert_int_equal(s.n, 3);
	assert_string_equal(s.v[0].fix->id, "grub.use_uuid");
	assert_ptr_equal(s.v[0].result, &res[GRUB]);
	assert_false(s.v[0].warning_only);
	/* The warning is offered its fix, marked as a warning's. */
	assert_string_equal(s.v[1].fix->id, "fstab.use_uuid");
	assert_ptr_equal(s.v[1].result, &res[FSTAB]);
	assert_true(s.v[1].warning_only);
	/* Two failing sshd checks, one fix. */
	assert_string_equal(s.v[2].fix->id, "sshd.enable_password");
	assert_ptr_equal(s.v[2].result, &res[SSHD_PW]);
	/* Failing: GRUB, fstab (a warning with a fix), both sshd checks; a
	 * warning without a fix is information. */
	assert_int_equal(s.nfailing, 4);
	assert_int_equal(s.nerror, 1);
	assert_int_equal(s.nunrun, 1);
	assert_int_equal(s.no_fix.n, 0);
	assert_int_equal(s.warn_no_fix.n, 1);
	assert_string_equal(s.warn_no_fix.v[0], "net.hosts");
	remedy_set_free(&s);
}

static void test_choose_only_the_named_fix(void **state)
{
	(void)state;
	struct remedy_set s;
	remedy_choose(ptrs, NRES, fix_find("fstab.use_uuid"), &s);
	assert_int_equal(s.n, 1);
	assert_string_equal(s.v[0].fix->id, "fstab.use_uuid");
	remedy_set_free(&s);
	/* A failing check without a fix is listed as such. */
	struct check_result r;
	make(&r, "net.hosts", STATUS_FAIL);
	const struct check_result *one[] = { &r };
	remedy_choose(one, 1, NULL, &s);
	assert_int_equal(s.n, 0);
	assert_int_equal(s.nfailing, 1);
	assert_int_equal(s.no_fix.n, 1);
	assert_string_equal(s.no_fix.v[0], "net.hosts");
	remedy_set_free(&s);
	result_free(&r);
}

/* A fix answers its first failing check, else its first warning one. */
static void test_result_for_prefers_a_failure(void **state)
{
	(void)state;
	struct check_result pw, root;
	make(&pw, "sshd.password", STATUS_WARN);
	make(&root, "sshd.root_login", STATUS_FAIL);
	const struct check_result *both[] = { &pw, &root };
	const struct fix_def *f = fix_find("sshd.enable_password");
	assert_ptr_equal(remedy_result_for(f, both, 2), &root);
	root.status = STATUS_PASS;
	assert_ptr_equal(remedy_result_for(f, both, 2), &pw);
	pw.status = STATUS_PASS;
	assert_null(remedy_result_for(f, both, 2));
	struct remedy_set s;
	remedy_choose(both, 2, NULL, &s);
	assert_int_equal(s.n, 0);
	assert_int_equal(s.nfailing, 0);
	remedy_set_free(&s);
	result_free(&pw);
	result_free(&root);
}

/* The one rule for consent: a failure's fix is covered by --yes, a
 * warning's only when named; with nobody to ask, a warning's fix is only
 * named and a failure's refused. */
static void test_consent(void **state)
{
	(void)state;
	struct remedy fail = { .warning_only = false }, warn = { .warning_only = true };
	/* named, yes, can_ask */
	assert_int_equal(remedy_consent(&fail, false, true, false), REMEDY_APPLY);
	assert_int_equal(remedy_consent(&fail, false, false, true), REMEDY_ASK);
	assert_int_equal(remedy_consent(&fail, false, false, false), REMEDY_REFUSE);
	assert_int_equal(remedy_consent(&fail, true, true, true), REMEDY_APPLY);
	assert_int_equal(remedy_consent(&warn, false, false, true), REMEDY_ASK);
	assert_int_equal(remedy_consent(&warn, false, true, true), REMEDY_OFFER);
	assert_int_equal(remedy_consent(&warn, false, false, false), REMEDY_OFFER);
	assert_int_equal(remedy_consent(&warn, true, true, false), REMEDY_APPLY);
	assert_int_equal(remedy_consent(&warn, true, false, true), REMEDY_ASK);
	assert_int_equal(remedy_consent(&warn, true, false, false), REMEDY_REFUSE);
}

static void test_fix_ctx_from_the_options(void **state)
{
	(void)state;
	struct target *t = target_local_new();
	struct remedy_opts o = { .t = t, .server = "ps.example", .journal_dir = "/j" };
	struct fix_ctx c = remedy_fix_ctx(&o, &res[GRUB], "anchor");
	assert_ptr_equal(c.t, t);
	assert_string_equal(c.server, "ps.example");
	assert_string_equal(c.journal_dir, "/j");
	assert_ptr_equal(c.result, &res[GRUB]);
	assert_string_equal(c.anchor, "anchor");
	assert_int_equal(c.timeout_ms, REMEDY_TIMEOUT_S * 1000);
	o.timeout_s = 7;
	assert_int_equal(remedy_fix_ctx(&o, NULL, NULL).timeout_ms, 7000);
	target_free(t);
}

static void test_recheck_and_fixed(void **state)
{
	(void)state;
	struct plan *p = plan_new("sshd.enable_password", NULL);
	static const char *const ids[] = { "sshd.password", "sshd.root_login", NULL };
	plan_add_checks(p, ids);
	struct strvec again = { 0 };
	sv_push(&again, "sshd.password");
	remedy_recheck(p, &again);
	assert_int_equal(again.n, 2);
	assert_string_equal(again.v[1], "sshd.root_login");
	sv_free(&again);
	plan_free(p);

	struct check_result fail, warn;
	make(&fail, "a", STATUS_PASS);
	make(&warn, "b", STATUS_WARN);
	const struct check_result *before[] = { &res[GRUB], &res[FSTAB], &res[MEMORY] };
	const struct check_result *after[] = { &fail, &warn, NULL };
	bool wanted[] = { false, false, false };
	/* The failure passes now; the warning was not wanted. */
	assert_true(remedy_fixed(before, after, wanted, 3));
	/* Wanted (named, or its fix agreed to), it must be better too. */
	wanted[1] = true;
	assert_false(remedy_fixed(before, after, wanted, 3));
	const struct check_result *after2[] = { &fail, &res[MEMORY], NULL };
	assert_true(remedy_fixed(before, after2, wanted, 3));
	/* Not run again: unchanged, so a failure is not fixed. */
	const struct check_result *none[] = { NULL, NULL, NULL };
	assert_false(remedy_fixed(before, none, NULL, 3));
	result_free(&fail);
	result_free(&warn);
}

/* A plan that can lock the engineer out of sshd. */
static struct plan *sshd_plan(void)
{
	struct plan *p = plan_new("sshd.test", NULL);
	plan_set_commit_confirmed(p, "sshd");
	return p;
}

/* The guard, decided per target: this machine guards with a detached
 * process when the engineer came through SSH; a mounted root needs none;
 * a remote target without a guard of its own refuses, saying why. */
static void test_guard_per_target(void **state)
{
	(void)state;
	struct plan *p = sshd_plan();
	struct plan *harmless = plan_new("grub.use_uuid", NULL);
	struct remedy_guard g;

	struct target *local = target_local_new();
	struct remedy_opts o = { .t = local, .ssh_connection = SSH };
	remedy_guard(&o, p, &g);
	assert_int_equal(g.need, GUARD_NEEDED);
	assert_string_equal(g.strategy, "local process");
	assert_int_equal(g.within_s, GUARD_DEFAULT_SECONDS);
	o.confirm_within = 30;
	remedy_guard(&o, p, &g);
	assert_int_equal(g.within_s, 30);
	o.ssh_connection = NULL;
	remedy_guard(&o, p, &g);
	assert_int_equal(g.need, GUARD_NOT_NEEDED);
	assert_non_null(strstr(g.why, "not connected through SSH"));
	o.ssh_connection = SSH;
	remedy_guard(&o, harmless, &g);
	assert_int_equal(g.need, GUARD_NOT_NEEDED);
	assert_null(g.why);

	char *dir = tu_mkdtemp("remedy-root");
	char *cause = NULL;
	struct target *root = target_root_new(dir, &cause);
	assert_non_null(root);
	o.t = root;
	remedy_guard(&o, p, &g);
	assert_int_equal(g.need, GUARD_NOT_NEEDED);
	assert_string_equal(g.strategy, "none");
	assert_non_null(strstr(g.why, "not running"));

	/* A remote Linux machine: the change is made over asr-doctor's own
	 * link, whether or not the engineer's terminal is an SSH session, so
	 * it is guarded there by a process of its own. */
	struct target *remote = target_described_new("ssh", "root@192.0.2.7", NULL);
	remote->live = remote->can_run = remote->can_write = true;
	o.t = remote;
	remedy_guard(&o, p, &g);
	assert_int_equal(g.need, GUARD_NEEDED);
	assert_string_equal(g.strategy, "remote process");
	assert_null(g.why);
	o.ssh_connection = NULL;
	remedy_guard(&o, p, &g);
	assert_int_equal(g.need, GUARD_NEEDED);
	remedy_guard(&o, harmless, &g);
	assert_int_equal(g.need, GUARD_NOT_NEEDED);

	/* A remote Windows machine has no guard: refused. */
	remote->os = TARGET_OS_WINDOWS;
	o.ssh_connection = SSH;
	remedy_guard(&o, p, &g);
	assert_int_equal(g.need, GUARD_REFUSED);
	assert_string_equal(g.strategy, "refuse");
	assert_non_null(strstr(g.why, "refused"));
	assert_non_null(strstr(g.why, "guard"));
	o.ssh_connection = NULL;
	remedy_guard(&o, p, &g);
	assert_int_equal(g.need, GUARD_REFUSED);
	remedy_guard(&o, harmless, &g);
	assert_int_equal(g.need, GUARD_NOT_NEEDED);

	target_free(remote);
	target_free(root);
	tu_rmtree(dir);
	free(dir);
	target_free(local);
	plan_free(harmless);
	plan_free(p);
}

/* ---- remedy_apply with a strategy plugged in ---- */

static int started;          /* how many times the test guard started */
static char *started_entry;  /* the entry it was started for */
static enum guard_need test_answer;

static bool test_serves(const struct target *t)
{
	return t->this_machine;
}

static enum guard_need test_need(const struct target *t, const char *ssh, const char **why)
{
	(void)t;
	(void)ssh;
	*why = test_answer == GUARD_REFUSED ? "refused by the test strategy" : NULL;
	return test_answer;
}

static int test_start(struct target *t, const struct guard_spec *g, long *pid, char **cause)
{
	(void)t;
	(void)cause;
	started++;
	free(started_entry);
	started_entry = xstrdup(g->entry_id);
	*pid = 4242;
	return 0;
}

static const struct guard_strategy test_strategy = {
	.name = "test", .serves = test_serves, .need = test_need, .start = test_start
};
static const struct guard_strategy *const test_strategies[] = { &test_strategy, NULL };

static bool approve(void *arg, const char *const *argv, const char *reason, bool needs_confirm)
{
	(void)arg;
	(void)argv;
	(void)reason;
	(void)needs_confirm;
	return true;
}

struct box {
	char *dir, *journal, *conf, *mark, *script;
	struct target *t;
	struct plan *p;
};

/* A local sandbox and a plan that rewrites a file and reloads (a harmless
 * script). */
static void box_open(struct box *b)
{
	b->dir = tu_mkdtemp("remedy");
	b->journal = xasprintf("%s/journal", b->dir);
	b->conf = xasprintf("%s/sshd_config", b->dir);
	b->mark = xasprintf("%s/reloads", b->dir);
	tu_write_file(b->conf, "PasswordAuthentication no\n");
	b->t = target_local_new();
	b->p = sshd_plan();
	static const char *const ids[] = { "sshd.password", NULL };
	plan_add_checks(b->p, ids);
	char *cause = NULL;
	const char *data = "PasswordAuthentication yes\n";
	assert_non_null(plan_add_edit(b->p, b->t, b->conf, data, strlen(data), "r", &cause));
	b->script = xasprintf("echo reload >> '%s'", b->mark);
	const char *reload[] = { "sh", "-c", b->script, NULL };
	plan_add_command(b->p, reload, "reload sshd", CMD_AFTER, true)->rerun_on_undo = true;
}

static void box_close(struct box *b)
{
	plan_free(b->p);
	target_free(b->t);
	tu_rmtree(b->dir);
	free(b->dir);
	free(b->journal);
	free(b->conf);
	free(b->mark);
	free(b->script);
}

static void test_apply_starts_the_targets_guard(void **state)
{
	(void)state;
	guard_add_strategies(test_strategies);
	test_answer = GUARD_NEEDED;
	started = 0;
	struct box b;
	box_open(&b);
	struct remedy_opts o = { .t = b.t, .journal_dir = b.journal, .ssh_connection = SSH,
				 .confirm_within = 30 };
	struct apply_opts ao = { .confirm = approve };
	struct remedy_outcome out;
	assert_int_equal(remedy_apply(&o, b.p, &ao, &out), 0);
	assert_false(out.refused);
	assert_true(out.guarded);
	assert_int_equal(out.guard_rc, 0);
	assert_int_equal(started, 1);
	assert_string_equal(started_entry, out.rep.entry_id);
	/* The notice says how to keep the change, with its window. */
	assert_non_null(strstr(out.guard_text, "30 seconds"));
	char *confirm = xasprintf("asr-doctor confirm %s", out.rep.entry_id);
	assert_non_null(strstr(out.guard_text, confirm));
	free(confirm);
	assert_int_equal(out.recheck.n, 1);
	assert_string_equal(out.recheck.v[0], "sshd.password");
	assert_int_equal(out.signal, 0);
	remedy_outcome_free(&out);
	char *now = tu_read_file(b.conf, NULL);
	assert_string_equal(now, "PasswordAuthentication yes\n");
	free(now);
	box_close(&b);
	free(started_entry);
	started_entry = NULL;
	guard_add_strategies(NULL);
}

/* Not through SSH, the built-in local strategy starts nothing. */
static void test_apply_without_ssh_starts_no_guard(void **state)
{
	(void)state;
	struct box b;
	box_open(&b);
	struct remedy_opts o = { .t = b.t, .journal_dir = b.journal };
	struct apply_opts ao = { .confirm = approve };
	struct remedy_outcome out;
	assert_int_equal(remedy_apply(&o, b.p, &ao, &out), 0);
	assert_true(out.rep.reload_ran);
	assert_false(out.guarded);
	assert_null(out.guard_text);
	remedy_outcome_free(&out);
	box_close(&b);
}

/* A strategy that refuses: nothing changes, nothing is journalled, and
 * the reason is the message. */
static void test_apply_refused_changes_nothing(void **state)
{
	(void)state;
	guard_add_strategies(test_strategies);
	test_answer = GUARD_REFUSED;
	started = 0;
	struct box b;
	box_open(&b);
	struct remedy_opts o = { .t = b.t, .journal_dir = b.journal, .ssh_connection = SSH };
	struct apply_opts ao = { .confirm = approve };
	struct remedy_outcome out;
	assert_true(remedy_apply(&o, b.p, &ao, &out) < 0);
	assert_true(out.refused);
	assert_false(out.guarded);
	assert_int_equal(started, 0);
	assert_non_null(strstr(out.rep.message, "refused by the test strategy"));
	assert_null(out.rep.entry_id);
	remedy_outcome_free(&out);
	char *now = tu_read_file(b.conf, NULL);
	assert_string_equal(now, "PasswordAuthentication no\n");
	free(now);
	assert_int_equal(access(b.mark, F_OK), -1);
	assert_int_equal(access(b.journal, F_OK), -1);
	box_close(&b);
	guard_add_strategies(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_choose_each_fix_once_warnings_too),
		cmocka_unit_test(test_choose_only_the_named_fix),
		cmocka_unit_test(test_result_for_prefers_a_failure),
		cmocka_unit_test(test_consent),
		cmocka_unit_test(test_fix_ctx_from_the_options),
		cmocka_unit_test(test_recheck_and_fixed),
		cmocka_unit_test(test_guard_per_target),
		cmocka_unit_test(test_apply_starts_the_targets_guard),
		cmocka_unit_test(test_apply_without_ssh_starts_no_guard),
		cmocka_unit_test(test_apply_refused_changes_nothing),
	};
	return cmocka_run_group_tests_name("remedy", tests, results_setup, results_teardown);
}
