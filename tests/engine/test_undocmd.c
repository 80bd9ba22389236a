/* test_undocmd.c: the undo command shown for a journal entry names the
 * machine and the journal it is for, and can be pasted into a shell. */
#include "support/testutil.h"

#include <stdlib.h>
#include <string.h>

#include "engine/change/journal.h"
#include "engine/target/target.h"
#include "engine/change/undocmd.h"
#include "engine/util/util.h"

static void expect(char *got, const char *want)
{
	if (strcmp(got, want) != 0)
		print_error("got \"%s\", want \"%s\"\n", got, want);
	assert_string_equal(got, want);
	free(got);
}

static void test_local_default_journal(void **state)
{
	(void)state;
	struct target *t = target_local_new();
	char *def = journal_default_dir(t);
	expect(undo_command(t, def, "3", false), "asr-doctor undo 3");
	expect(undo_command(t, def, "3", true), "asr-doctor undo 3 --force");
	/* Another journal folder: named, so this one is read. */
	expect(undo_command(t, "/srv/j", "3", false), "asr-doctor --journal /srv/j undo 3");
	free(def);
	target_free(t);
}

static void test_mounted_root(void **state)
{
	(void)state;
	char *dir = tu_mkdtemp("undo cmd");
	char *cause = NULL;
	struct target *t = target_root_new(dir, &cause);
	assert_non_null(t);
	char *def = journal_default_dir(t);
	/* A folder with a space is quoted for the shell. */
	char *want = xasprintf("asr-doctor --root '%s' undo 1", t->root);
	expect(undo_command(t, def, "1", false), want);
	free(want);
	want = xasprintf("asr-doctor --root '%s' --journal /mnt/j undo 1 --force", t->root);
	expect(undo_command(t, "/mnt/j", "1", true), want);
	free(want);
	free(def);
	target_free(t);
	tu_rmtree(dir);
	free(dir);
}

/* A remote machine reached through an alias, jump hosts and a key: the
 * printed command goes the same way, the options as the user gave them. */
static void test_route_as_given(void **state)
{
	(void)state;
	struct target *t = target_described_new("ssh", "root@10.0.0.5:22", "root@10.0.0.5:22");
	expect(undo_command(t, "/j", "4", false), "asr-doctor --target root@10.0.0.5:22 --journal /j undo 4");
	const char *const argv[] = { "--target", "box", "-J", "ops@jump:2222", "-F", "/home/a b/cfg",
				     "-i", "/k", NULL };
	target_set_cli_args(t, argv);
	expect(undo_command(t, "/j", "4", false),
	       "asr-doctor --target box -J ops@jump:2222 -F '/home/a b/cfg' -i /k --journal /j undo 4");
	/* Set again: the last route only. */
	const char *const again[] = { "--target", "box2", NULL };
	target_set_cli_args(t, again);
	expect(undo_command(t, "/j", "5", true), "asr-doctor --target box2 --journal /j undo 5 --force");
	target_free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_local_default_journal),
		cmocka_unit_test(test_mounted_root),
		cmocka_unit_test(test_route_as_given),
	};
	return cmocka_run_group_tests_name("undocmd", tests, NULL, NULL);
}
