/* test_fix.c: the demo sandbox walked through the sshd fix in the real
 * wizard: run the check, open the fix and see the diff, cancel (nothing
 * changed), open it again, confirm, see the checks pass, undo it from the
 * history; the files' bytes are compared at each step. The same walk on
 * the demo Windows disk with a registry fix (the boot drivers). A warning
 * is offered the same fix by the wizard and by `asr-doctor fix`. */
#include "support/testutil.h"

#include <dirent.h>
#include <stdlib.h>
#include <string.h>

#include "engine/fix.h"
#include "engine/util/util.h"
#include "support/term.h"

static const char *base;

/* The one demo sandbox the wizard made under base. */
static char *sandbox(void)
{
	DIR *d = opendir(base);
	assert_non_null(d);
	char *found = NULL;
	struct dirent *e;
	while ((e = readdir(d)))
		if (str_starts(e->d_name, "asr-doctor-demo-"))
			found = xasprintf("%s/%s", base, e->d_name);
	closedir(d);
	assert_non_null(found);
	return found;
}

static char *file_in(const char *root, const char *path)
{
	char *p = xasprintf("%s%s", root, path);
	char *data = tu_read_file(p, NULL);
	free(p);
	return data;
}

static void test_sshd_fix_walkthrough(void **state)
{
	(void)state;
	struct term t = { 0 };
	char *env = xasprintf("%s TMPDIR=%s", TERM_ENV_UTF8, base);
	term_open(&t, 80, 24, env, "--lang en --demo --no-auto-check", "1/40");
	free(env);
	char *root = sandbox();
	char *dropin0 = file_in(root, "/etc/ssh/sshd_config.d/60-cloudimg-settings.conf");
	char *main0 = file_in(root, "/etc/ssh/sshd_config");
	assert_non_null(strstr(dropin0, "PasswordAuthentication no"));

	/* Select the node, run its checks. */
	term_keys(&t, "j Enter");
	assert_true(term_wait(&t, "not run yet", TERM_WAIT));
	term_keys(&t, "r");
	assert_true(term_wait(&t, "SSH password authentication for root: fail", TERM_WAIT));
	assert_true(term_wait(&t, "checks done", TERM_WAIT));

	/* The fix: the plan with before/after values and the diff. */
	term_keys(&t, "f");
	assert_true(term_wait(&t, "This changes the mounted root", TERM_WAIT));
	assert_true(term_wait(&t, "Apply? [y/N]", TERM_WAIT));
	term_keys(&t, "Space");
	assert_true(term_wait(&t, "+PasswordAuthentication yes", TERM_WAIT));
	assert_true(term_wait(&t, "-PasswordAuthentication no", TERM_WAIT));
	/* Cancel: nothing changed on disk. */
	term_keys(&t, "Escape");
	assert_true(term_wait(&t, "cancelled: nothing was changed", TERM_WAIT));
	char *now = file_in(root, "/etc/ssh/sshd_config.d/60-cloudimg-settings.conf");
	assert_string_equal(now, dropin0);
	free(now);
	/* A stray key never applies: Enter alone cancels too. */
	term_keys(&t, "f");
	assert_true(term_wait(&t, "Apply? [y/N]", TERM_WAIT));
	term_keys(&t, "Enter");
	assert_true(term_wait(&t, "cancelled: nothing was changed", TERM_WAIT));

	/* Open again: the plan's last lines name the exact command that will
	 * undo it (this root, the entry it will be); confirm with y then
	 * Enter. */
	term_keys(&t, "f");
	assert_true(term_wait(&t, "Apply? [y/N]", TERM_WAIT));
	term_keys(&t, "G");
	assert_true(term_wait(&t, "Undo: 'asr-doctor --root", TERM_WAIT));
	char *named = xasprintf("Undo: 'asr-doctor --root %s undo 1' puts back", root);
	char *screen = term_screen(&t);
	/* The line as one, however the screen wrapped it. */
	struct sbuf flat = { 0 };
	for (const char *c = screen; *c; c++) {
		if (*c == '\n' || *c == ' ') {
			while (c[1] == ' ' || c[1] == '\n')
				c++;
			sb_addc(&flat, ' ');
		} else {
			sb_addc(&flat, *c);
		}
	}
	if (!strstr(sb_str(&flat), named))
		print_error("no \"%s\" in:\n%s\n", named, screen);
	assert_non_null(strstr(sb_str(&flat), named));
	sb_free(&flat);
	free(screen);
	free(named);
	term_keys(&t, "y");
	assert_true(term_wait(&t, "Enter applies", TERM_WAIT));
	term_keys(&t, "Enter");
	assert_true(term_wait(&t, "Fix: done", TERM_WAIT));
	assert_true(term_wait(&t, "entry 1", TERM_WAIT));
	/* The undo hint names the machine: run as printed on a rescue
	 * machine, it undoes this root's entry, not the host's. */
	char *journal = file_in(root, "/var/lib/asr-doctor/journal/journal.jsonl");
	char *hint = xasprintf("'asr-doctor --root %s undo 1'", root);
	if (!strstr(journal, hint))
		print_error("the journal lacks %s:\n%s\n", hint, journal);
	assert_non_null(strstr(journal, hint));
	free(hint);
	free(journal);
	assert_true(term_wait(&t, "asr-doctor --root", TERM_WAIT));
	/* The checks run again and pass. */
	assert_true(term_wait(&t, "SSH password authentication for root: pass", TERM_WAIT));
	assert_true(term_wait(&t, "SSH root login with a password: pass", TERM_WAIT));
	now = file_in(root, "/etc/ssh/sshd_config.d/60-cloudimg-settings.conf");
	assert_non_null(strstr(now, "PasswordAuthentication yes"));
	free(now);
	now = file_in(root, "/etc/ssh/sshd_config");
	assert_non_null(strstr(now, "\nPermitRootLogin yes\n"));
	free(now);
	/* The tree shows the section passing now. */
	term_keys(&t, "Enter BSpace");
	assert_true(term_wait(&t, "2/40", TERM_WAIT));
	char *s = term_screen(&t);
	assert_non_null(strstr(s, ">\xe2\x9c\x93   Credentials check"));
	free(s);

	/* Undo from the history screen. */
	term_keys(&t, "H");
	assert_true(term_wait(&t, "History of fixes", TERM_WAIT));
	assert_true(term_wait(&t, "applied", TERM_WAIT));
	assert_true(term_wait(&t, "1 entry ", TERM_WAIT));
	term_keys(&t, "u");
	assert_true(term_wait(&t, "Undo a fix", TERM_WAIT));
	term_keys(&t, "y Enter");
	assert_true(term_wait(&t, "Undo: done", TERM_WAIT));
	assert_true(term_wait(&t, "SSH password authentication for root: fail", TERM_WAIT));
	/* Byte-identical originals. */
	now = file_in(root, "/etc/ssh/sshd_config.d/60-cloudimg-settings.conf");
	assert_string_equal(now, dropin0);
	free(now);
	now = file_in(root, "/etc/ssh/sshd_config");
	assert_string_equal(now, main0);
	free(now);
	term_keys(&t, "Enter");
	assert_true(term_wait(&t, "undone", TERM_WAIT));
	/* One state shown the same everywhere: entry 1 reads undone in the
	 * list and on its page, which no longer offers its undo. */
	term_keys(&t, "q H");
	assert_true(term_wait(&t, "2 entries", TERM_WAIT));
	assert_true(term_wait(&t, "undone by 2", TERM_WAIT));
	char *row = term_screen(&t);
	assert_null(strstr(row, "applied"));
	free(row);
	term_keys(&t, "j Enter");
	assert_true(term_wait(&t, "Outcome: undone by 2", TERM_WAIT));
	assert_true(term_wait(&t, "Entry 2 put the original files back.", TERM_WAIT));
	row = term_screen(&t);
	assert_null(strstr(row, "undo 1'"));
	free(row);
	/* u here says what u in the list says. */
	term_keys(&t, "u");
	assert_true(term_wait(&t, "entry 1 was already undone by entry 2", TERM_WAIT));

	term_keys(&t, "Q");
	term_stop(&t);
	free(dropin0);
	free(main0);
	free(root);
}

/* The hive's bytes (caller frees) and length. */
static char *hive_in(const char *root, size_t *len)
{
	char *p = xasprintf("%s/Windows/System32/config/SYSTEM", root);
	char *data = tu_read_file(p, len);
	free(p);
	return data;
}

static void test_registry_fix_walkthrough(void **state)
{
	(void)state;
	struct term t = { 0 };
	char *env = xasprintf("%s TMPDIR=%s", TERM_ENV_UTF8, base);
	term_open(&t, 80, 24, env, "--lang en --demo windows --no-auto-check", "demo Windows disk");
	free(env);
	char *root = sandbox();
	size_t len0, len;
	char *hive0 = hive_in(root, &len0);

	/* The drivers' section, by its anchor; run its check. */
	term_keys(&t, ":");
	term_type(&t, "drivers-are-missing-on-the-source-server");
	term_keys(&t, "Enter");
	assert_true(term_wait(&t, "not run yet", TERM_WAIT));
	term_keys(&t, "r");
	assert_true(term_wait(&t, "Storage and Hyper-V drivers in every control set: fail", TERM_WAIT));

	/* The plan names the keys, values, types and data; apply it. */
	term_keys(&t, "f");
	assert_true(term_wait(&t, "Apply? [y/N]", TERM_WAIT));
	assert_true(term_wait(&t, "(REG_DWORD) = 3", TERM_WAIT));
	term_keys(&t, "y");
	assert_true(term_wait(&t, "Enter applies", TERM_WAIT));
	term_keys(&t, "Enter");
	assert_true(term_wait(&t, "Fix: done", TERM_WAIT));
	assert_true(term_wait(&t, "Storage and Hyper-V drivers in every control set: pass", TERM_WAIT));
	char *now = hive_in(root, &len);
	assert_false(len == len0 && memcmp(now, hive0, len) == 0);
	free(now);

	/* Undo from the history: the hive is back, byte for byte. */
	term_keys(&t, "H");
	assert_true(term_wait(&t, "History of fixes", TERM_WAIT));
	term_keys(&t, "u");
	assert_true(term_wait(&t, "Undo a fix", TERM_WAIT));
	term_keys(&t, "y Enter");
	assert_true(term_wait(&t, "Undo: done", TERM_WAIT));
	assert_true(term_wait(&t, "Storage and Hyper-V drivers in every control set: fail", TERM_WAIT));
	now = hive_in(root, &len);
	assert_int_equal(len, len0);
	assert_memory_equal(now, hive0, len0);
	free(now);

	term_keys(&t, "Enter q q");
	term_stop(&t);
	free(hive0);
	free(root);
}

/* A warning is offered the same fix in the wizard and on the command
 * line. On the demo, 95320's GRUB check fails and its fstab check warns:
 * `fix 95320` and the wizard's f on that section offer exactly the same
 * fixes, the fstab one among them; --yes applies the failure's fix and
 * names the warning's without applying it. */
static void test_warning_offered_alike(void **state)
{
	(void)state;
	char *cli_tmp = xasprintf("%s/cli", base);
	assert_int_equal(tu_sh(NULL, "mkdir -p '%s'", cli_tmp), 0);
	char *cli = NULL;
	assert_int_equal(tu_sh(&cli, "TMPDIR='%s' %s --lang en --demo fix 95320 --dry-run </dev/null 2>&1",
			       cli_tmp, tu_binary()),
			 0);
	assert_non_null(strstr(cli, "[warn] fstab.device_names"));

	struct term t = { 0 };
	char *env = xasprintf("%s TMPDIR=%s", TERM_ENV_UTF8, base);
	term_open(&t, 80, 24, env, "--lang en --demo --no-auto-check", "1/40");
	free(env);
	term_keys(&t, ":");
	term_type(&t, "95320");
	term_keys(&t, "Enter");
	assert_true(term_wait(&t, "not run yet", TERM_WAIT));
	term_keys(&t, "r");
	assert_true(term_wait(&t, "checks done", TERM_WAIT));
	term_keys(&t, "f");
	assert_true(term_wait(&t, "Several fixes apply here", TERM_WAIT));
	char *screen = term_screen(&t);

	/* Each fix is in both lists or in neither. */
	size_t offered = 0;
	for (size_t i = 0; fix_registry[i]; i++) {
		const struct fix_def *f = fix_registry[i];
		char *planned = xasprintf("(%s)\n", f->id);
		char *unplanned = xasprintf("\n%s: ", f->id);
		bool in_cli = strstr(cli, planned) || strstr(cli, unplanned);
		bool in_wizard = strstr(screen, f->title_en) != NULL;
		if (in_cli != in_wizard)
			print_error("%s: offered by %s only\n--- fix:\n%s\n--- wizard:\n%s\n", f->id,
				    in_cli ? "fix" : "the wizard", cli, screen);
		assert_true(in_cli == in_wizard);
		offered += in_cli;
		free(planned);
		free(unplanned);
	}
	assert_int_equal(offered, 2);
	const struct fix_def *fstab = fix_find("fstab.use_uuid");
	assert_non_null(strstr(screen, fstab->title_en));
	free(screen);
	/* Chosen in the wizard, the warning's fix is planned like the CLI's. */
	term_keys(&t, "2");
	assert_true(term_wait(&t, "Mount by UUID in /etc/fstab: nothing can be changed safely", TERM_WAIT));
	assert_non_null(strstr(cli, "fstab.use_uuid: nothing can be changed safely"));
	term_keys(&t, "Q");
	term_stop(&t);
	free(cli);

	/* --yes: the failure's fix is applied, the warning's only named. */
	assert_int_equal(tu_sh(&cli, "TMPDIR='%s' %s --lang en --demo fix 95320 --yes </dev/null 2>&1",
			       cli_tmp, tu_binary()),
			 0);
	assert_non_null(strstr(cli, "applied: changed 2 file(s)"));
	assert_non_null(strstr(cli, "\"Mount by UUID in /etc/fstab\" (fstab.use_uuid) is offered, not applied"));
	assert_non_null(strstr(cli, "Fixed and verified."));
	free(cli);
	tu_rmtree(cli_tmp);
	free(cli_tmp);
}

int main(void)
{
	base = term_suite_begin("fixflow");
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sshd_fix_walkthrough),
		cmocka_unit_test(test_registry_fix_walkthrough),
		cmocka_unit_test(test_warning_offered_alike),
	};
	return tu_scratch_done(cmocka_run_group_tests_name("wizard fix", tests, NULL, NULL));
}
