/* test_journal.c: the journal folder on its own: where it lives, reading
 * records back (a torn last line skipped, the next record after it), ids,
 * closing an entry a crash left unfinished (temporary files removed, then
 * undo), which entry "latest" means, undo's refusals, and the preview of
 * what undo would do. A journal on an examined disk is data: undo runs
 * only its fixes' own commands and reads no backup outside the folder. */
#include "support/testutil.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "engine/change/apply.h"
#include "engine/change/journal.h"
#include "engine/change/plan.h"
#include "engine/change/undocmd.h"
#include "engine/util/sha256.h"
#include "engine/util/util.h"
#include "engine/undo.h"

static char *sandbox;
static struct target *root_t;
static char *jdir;

static int setup(void **state)
{
	(void)state;
	sandbox = tu_mkdtemp("journal");
	char *cause = NULL;
	root_t = target_root_new(sandbox, &cause);
	jdir = journal_default_dir(root_t);
	return root_t ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	target_free(root_t);
	tu_rmtree(sandbox);
	free(sandbox);
	free(jdir);
	return 0;
}

static char *sbx(const char *rel)
{
	return xasprintf("%s%s", sandbox, rel);
}

static struct journal *open_locked(void)
{
	struct journal *j = NULL;
	char *cause = NULL;
	assert_int_equal(journal_open(jdir, NULL, true, &j, &cause), 0);
	assert_int_equal(journal_lock(j, 0, &cause), 0);
	return j;
}

static struct journal *reread(void)
{
	struct journal *j = NULL;
	char *cause = NULL;
	assert_int_equal(journal_list(jdir, &j, &cause), 0);
	return j;
}

/* A hand-made entry with one file, as apply would record it. */
static void fill_entry(struct journal_entry *e, const char *id, const char *kind, const char *path,
                       const char *before, const char *after)
{
	memset(e, 0, sizeof *e);
	e->id = xstrdup(id);
	e->time = journal_now();
	e->pid = 4242;
	e->target = xstrdup(kind);
	e->target_kind = xstrdup(kind);
	e->fix_id = xstrdup("test.fix");
	if (!path)
		return;
	e->nfiles = 1;
	e->files = xcalloc(1, sizeof *e->files);
	struct journal_file *f = &e->files[0];
	f->path = xstrdup(path);
	f->real_path = xstrdup(path);
	const char *base = strrchr(path, '/') + 1;
	f->backup = xasprintf("backups/%s/1-%s", id, base);
	char *dir = xstrndup(path, (size_t)(base - 1 - path));
	f->tmp_path = xasprintf("%s/.%s.asr-doctor-%s.tmp", dir, base, id);
	free(dir);
	f->existed = true;
	f->mode = 0644;
	f->uid = getuid();
	f->gid = getgid();
	sha256_hex(before, strlen(before), f->sha_before);
	f->exists_after = true;
	sha256_hex(after, strlen(after), f->sha_after);
}

static void write_backup(const char *id, const char *name, const char *data)
{
	char *p = xasprintf("%s/backups/%s/1-%s", jdir, id, name);
	tu_write_file(p, data);
	free(p);
}

static void record(struct journal *j, struct journal_entry *e, enum journal_outcome end)
{
	char *cause = NULL;
	assert_int_equal(journal_record_start(j, e, &cause), 0);
	if (end != JOURNAL_UNFINISHED) {
		e->outcome = end;
		assert_int_equal(journal_record_end(j, e, &cause), 0);
	}
}

static void test_default_folders(void **state)
{
	(void)state;
	struct target *l = target_local_new();
	char *d = journal_default_dir(l);
	assert_string_equal(d, "/var/lib/asr-doctor/journal");
	free(d);
	target_free(l);
	char *want = sbx("/var/lib/asr-doctor/journal");
	assert_string_equal(jdir, want);
	free(want);
}

static void test_ids_and_private_folders(void **state)
{
	(void)state;
	struct journal *j = open_locked();
	char *cause = NULL;
	char *a = journal_new_entry(j, &cause), *b = journal_new_entry(j, &cause);
	assert_string_equal(a, "1");
	assert_string_equal(b, "2"); /* backups/1 exists, so the next one */
	struct stat st;
	assert_int_equal(stat(jdir, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0700);
	char *p = xasprintf("%s/backups/2", jdir);
	assert_int_equal(stat(p, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0700);
	free(p);
	free(a);
	free(b);
	journal_close(j);
	tu_sh(NULL, "rm -rf '%s'", jdir);
}

static void test_torn_last_line_is_skipped(void **state)
{
	(void)state;
	struct journal *j = open_locked();
	struct journal_entry e;
	fill_entry(&e, "1", "root", "/etc/t.conf", "a\n", "b\n");
	record(j, &e, JOURNAL_UNFINISHED);
	/* A crash in the middle of writing the end record. */
	char *path = xasprintf("%s/journal.jsonl", jdir);
	FILE *f = fopen(path, "a");
	fputs("{\"record\":\"finished\",\"id\":\"1\",\"out", f);
	fclose(f);
	struct journal *r = reread();
	assert_int_equal(r->n, 1);
	assert_int_equal(r->damaged, 1);
	assert_int_equal(r->entries[0].outcome, JOURNAL_UNFINISHED);
	journal_close(r);
	/* The next record starts on a line of its own. */
	e.outcome = JOURNAL_APPLIED;
	char *cause = NULL;
	assert_int_equal(journal_record_end(j, &e, &cause), 0);
	r = reread();
	assert_int_equal(r->damaged, 1);
	assert_int_equal(r->entries[0].outcome, JOURNAL_APPLIED);
	journal_close(r);
	char *text = tu_read_file(path, NULL);
	assert_non_null(strstr(text, "\"out\n{\"record\":\"finished\""));
	free(text);
	free(path);
	journal_entry_clear(&e);
	journal_close(j);
	tu_sh(NULL, "rm -rf '%s'", jdir);
}

static void test_recover_closes_an_unfinished_entry(void **state)
{
	(void)state;
	/* As a crash right after the rename leaves it: the new bytes in
	 * place, the backup saved, the temporary file of the second step. */
	char *conf = sbx("/etc/r.conf"), *tmp = sbx("/etc/.r.conf.asr-doctor-1.tmp");
	tu_write_file(conf, "new\n");
	tu_write_file(tmp, "ne");
	struct journal *j = open_locked();
	char *cause = NULL;
	char *id = journal_new_entry(j, &cause);
	assert_string_equal(id, "1");
	free(id);
	write_backup("1", "r.conf", "old\n");
	struct journal_entry e;
	fill_entry(&e, "1", "root", "/etc/r.conf", "old\n", "new\n");
	record(j, &e, JOURNAL_UNFINISHED);
	journal_entry_clear(&e);
	struct strvec notes = { 0 };
	assert_int_equal(journal_reload(j, &cause), 0);
	assert_int_equal(journal_recover(j, root_t, &notes), 1);
	assert_int_equal(notes.n, 1);
	assert_non_null(strstr(notes.v[0], "entry 1 was left unfinished"));
	assert_non_null(strstr(notes.v[0], "/etc/r.conf holds the new bytes"));
	/* The exact command, naming the root (and the journal). */
	char *undo = undo_command(root_t, jdir, "1", false);
	assert_non_null(strstr(undo, "--root"));
	assert_non_null(strstr(notes.v[0], undo));
	free(undo);
	sv_free(&notes);
	assert_int_not_equal(access(tmp, F_OK), 0);
	journal_close(j);
	struct journal *r = reread();
	assert_int_equal(r->entries[0].outcome, JOURNAL_INTERRUPTED);
	/* Interrupted entries can be undone. */
	assert_ptr_equal(journal_get(r, "latest"), &r->entries[0]);
	journal_close(r);
	struct fix_ctx ctx = { .t = root_t };
	struct apply_report rep;
	assert_int_equal(undo_entry(&ctx, "1", NULL, &rep), 0);
	apply_report_free(&rep);
	char *data = tu_read_file(conf, NULL);
	assert_string_equal(data, "old\n");
	free(data);
	free(conf);
	free(tmp);
	tu_sh(NULL, "rm -rf '%s'", jdir);
}

static void test_latest_and_refusals(void **state)
{
	(void)state;
	struct journal *j = open_locked();
	struct journal_entry e;
	/* 1 applied, undone by 2; 3 rolled back; 4 applied; 5 failed;
	 * 6 changed no file; 7 made on another kind of target. */
	fill_entry(&e, "1", "root", "/etc/l.conf", "a\n", "b\n");
	record(j, &e, JOURNAL_APPLIED);
	journal_entry_clear(&e);
	fill_entry(&e, "2", "root", "/etc/l.conf", "b\n", "a\n");
	e.undoes = xstrdup("1");
	record(j, &e, JOURNAL_UNDONE);
	journal_entry_clear(&e);
	fill_entry(&e, "3", "root", "/etc/l.conf", "a\n", "c\n");
	record(j, &e, JOURNAL_ROLLED_BACK);
	journal_entry_clear(&e);
	fill_entry(&e, "4", "root", "/etc/l.conf", "a\n", "d\n");
	record(j, &e, JOURNAL_APPLIED);
	journal_entry_clear(&e);
	fill_entry(&e, "5", "root", "/etc/l.conf", "d\n", "e\n");
	record(j, &e, JOURNAL_FAILED);
	journal_entry_clear(&e);
	fill_entry(&e, "6", "root", NULL, NULL, NULL);
	e.undo_text = xstrdup("run passwd -l root");
	record(j, &e, JOURNAL_APPLIED);
	journal_entry_clear(&e);
	fill_entry(&e, "7", "local", "/etc/l.conf", "a\n", "f\n");
	record(j, &e, JOURNAL_APPLIED);
	journal_entry_clear(&e);
	journal_close(j);

	struct journal *r = reread();
	assert_int_equal(r->n, 7);
	assert_string_equal(r->entries[0].undone_by, "2");
	/* The newest undoable: 7 (journal_get does not look at the target). */
	assert_string_equal(journal_get(r, "latest")->id, "7");
	assert_string_equal(journal_get(r, NULL)->id, "7");
	assert_null(journal_get(r, "99"));
	journal_close(r);

	struct fix_ctx ctx = { .t = root_t };
	struct {
		const char *which;
		const char *words;
	} cases[] = {
		{ "99", "no entry 99" },
		{ "1", "already undone by entry 2" },
		{ "2", "is itself the undo of entry 1" },
		{ "3", "changed nothing (rolled back)" },
		{ "5", "changed nothing (failed)" },
		{ "6", "changed no file" },
		{ "7", "was made on local" },
	};
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		struct apply_report rep;
		assert_true(undo_entry(&ctx, cases[i].which, NULL, &rep) < 0);
		if (!strstr(rep.message, cases[i].words))
			print_error("undo %s: %s\n", cases[i].which, rep.message);
		assert_non_null(strstr(rep.message, cases[i].words));
		apply_report_free(&rep);
	}
	struct apply_report rep;
	assert_true(undo_entry(&ctx, "6", NULL, &rep) < 0);
	assert_non_null(strstr(rep.message, "passwd -l root"));
	apply_report_free(&rep);
	tu_sh(NULL, "rm -rf '%s'", jdir);
}

static void test_preview_shows_what_undo_does(void **state)
{
	(void)state;
	char *conf = sbx("/etc/p.conf");
	tu_write_file(conf, "one\nold\nthree\n");
	struct plan *p = plan_new("test.preview", NULL);
	char *cause = NULL;
	assert_non_null(
	        plan_add_edit(p, root_t, "/etc/p.conf", "one\nnew\nthree\n", 14, "r", &cause));
	struct fix_ctx ctx = { .t = root_t };
	struct apply_report rep;
	assert_int_equal(apply_plan(&ctx, p, NULL, &rep), 0);
	apply_report_free(&rep);
	struct sbuf out = { 0 };
	assert_int_equal(undo_preview(&ctx, NULL, false, &out, &cause), 0);
	const char *s = sb_str(&out);
	assert_non_null(strstr(s, "Undo entry 1"));
	assert_non_null(strstr(s, "Restore /etc/p.conf (mode 0644"));
	assert_non_null(strstr(s, "-new\n+old\n"));
	sb_free(&out);
	/* Changed by hand: the preview refuses as undo would. */
	tu_write_file(conf, "hand\n");
	assert_true(undo_preview(&ctx, NULL, false, &out, &cause) < 0);
	assert_non_null(strstr(cause, "changed since entry 1"));
	free(cause);
	cause = NULL;
	assert_int_equal(undo_preview(&ctx, NULL, true, &out, &cause), 0);
	assert_non_null(strstr(sb_str(&out), "-hand\n+one\n+old\n+three\n"));
	sb_free(&out);
	/* Nothing changed by the previews. */
	char *data = tu_read_file(conf, NULL);
	assert_string_equal(data, "hand\n");
	free(data);
	plan_free(p);
	free(conf);
	tu_sh(NULL, "rm -rf '%s'", jdir);
}

static void test_missing_journal(void **state)
{
	(void)state;
	struct journal *j = NULL;
	char *cause = NULL;
	char *nowhere = sbx("/no/journal/here");
	assert_int_equal(journal_list(nowhere, &j, &cause), 0);
	assert_int_equal(j->n, 0);
	journal_close(j);
	struct fix_ctx ctx = { .t = root_t, .journal_dir = nowhere };
	struct apply_report rep;
	assert_int_equal(undo_entry(&ctx, NULL, NULL, &rep), -ENOENT);
	assert_non_null(strstr(rep.message, "no journal at"));
	apply_report_free(&rep);
	assert_int_equal(journal_open("relative/dir", NULL, true, &j, &cause), -EINVAL);
	free(cause);
	free(nowhere);
}

/* Runs the binary under test on the sandbox; returns its exit status,
 * its output (stdout and stderr) in *out. */
static int run_undo(char **out, const char *args)
{
	return tu_sh(out, "'%s' --root '%s' --lang en %s </dev/null 2>&1", tu_binary(), sandbox,
	             args);
}

/* A journal on the examined disk names commands: undo runs only what the
 * fix's own definition runs, and refuses an entry that records anything
 * else, before it changes a byte. */
static void test_undo_runs_only_the_fix_definitions_commands(void **state)
{
	(void)state;
	char *conf = sbx("/etc/ssh/sshd_config"), *other = sbx("/etc/other.conf");
	char *marker = sbx("/ran-on-the-host");
	tu_write_file(conf, "PasswordAuthentication yes\n");
	tu_write_file(other, "new\n");
	struct journal *j = open_locked();
	char *cause = NULL;
	free(journal_new_entry(j, &cause));
	free(journal_new_entry(j, &cause));
	write_backup("1", "sshd_config", "PasswordAuthentication no\n");
	write_backup("2", "other.conf", "old\n");
	char *script = xasprintf("touch '%s' #", marker);
	/* 1: the real sshd fix's name, a validator it never writes. */
	struct journal_entry e;
	fill_entry(&e, "1", "root", "/etc/ssh/sshd_config", "PasswordAuthentication no\n",
	           "PasswordAuthentication yes\n");
	free(e.fix_id);
	e.fix_id = xstrdup("sshd.enable_password");
	const char *val[] = { "sh", "-c", script, "{file}", NULL };
	e.files[0].validator = argv_dup(val);
	record(j, &e, JOURNAL_APPLIED);
	journal_entry_clear(&e);
	/* 2: a fix asr-doctor does not have, and a "reload". */
	fill_entry(&e, "2", "root", "/etc/other.conf", "old\n", "new\n");
	free(e.fix_id);
	e.fix_id = xstrdup("evil.fix");
	const char *cmd[] = { "sh", "-c", script, NULL };
	e.ncmds = 1;
	e.cmds = xcalloc(1, sizeof *e.cmds);
	e.cmds[0].argv = argv_dup(cmd);
	e.cmds[0].rerun_on_undo = true;
	e.cmds[0].status = -1;
	record(j, &e, JOURNAL_APPLIED);
	journal_entry_clear(&e);
	journal_close(j);

	struct fix_ctx ctx = { .t = root_t };
	struct apply_report rep;
	assert_int_equal(undo_entry(&ctx, "1", NULL, &rep), -EPERM);
	assert_non_null(strstr(rep.message, "entry 1 records 'sh -c"));
	assert_non_null(strstr(rep.message, "its fix sshd.enable_password runs"));
	assert_non_null(strstr(rep.message, "undo runs only the commands of asr-doctor's own "
	                                    "fixes, never a journal's; refused; nothing was "
	                                    "changed"));
	apply_report_free(&rep);
	assert_int_equal(undo_entry(&ctx, "2", NULL, &rep), -EPERM);
	assert_non_null(strstr(rep.message, "asr-doctor has no fix named 'evil.fix'"));
	apply_report_free(&rep);
	/* The preview refuses as well, and so does the command line. */
	struct sbuf out = { 0 };
	assert_true(undo_preview(&ctx, "1", false, &out, &cause) < 0);
	assert_non_null(strstr(cause, "records 'sh -c"));
	free(cause);
	sb_free(&out);
	char *text = NULL;
	assert_int_equal(run_undo(&text, "undo 1 --yes"), 1);
	assert_non_null(strstr(text, "undo runs only the commands of asr-doctor's own fixes"));
	free(text);
	assert_int_equal(run_undo(&text, "undo 2 --yes"), 1);
	assert_non_null(strstr(text, "no fix named 'evil.fix'"));
	free(text);
	/* Nothing ran, nothing changed. */
	assert_int_not_equal(access(marker, F_OK), 0);
	char *data = tu_read_file(conf, NULL);
	assert_string_equal(data, "PasswordAuthentication yes\n");
	free(data);
	data = tu_read_file(other, NULL);
	assert_string_equal(data, "new\n");
	free(data);
	free(script);
	free(marker);
	free(conf);
	free(other);
	tu_sh(NULL, "rm -rf '%s'", jdir);
}

/* A backup path that leaves the journal folder is never read. */
static void test_backup_path_outside_the_journal_is_refused(void **state)
{
	(void)state;
	char *conf = sbx("/etc/b.conf"), *secret = sbx("/secret");
	tu_write_file(conf, "new\n");
	tu_write_file(secret, "old\n");
	struct journal *j = open_locked();
	char *cause = NULL;
	free(journal_new_entry(j, &cause));
	journal_close(j);
	char *abs = xasprintf("%s/secret", sandbox);
	const char *bad[] = { "../../../../secret", "backups/1/../../../../../secret", abs };
	for (size_t i = 0; i < ARRAY_LEN(bad); i++) {
		struct journal_entry e;
		char *id = xasprintf("%zu", i + 1);
		fill_entry(&e, id, "root", "/etc/b.conf", "old\n", "new\n");
		free(e.files[0].backup);
		e.files[0].backup = xstrdup(bad[i]);
		j = open_locked();
		record(j, &e, JOURNAL_APPLIED);
		journal_close(j);
		journal_entry_clear(&e);
		struct fix_ctx ctx = { .t = root_t };
		struct apply_report rep;
		assert_int_equal(undo_entry(&ctx, id, NULL, &rep), -EPERM);
		assert_non_null(strstr(rep.message, "which is not a path inside the journal folder"));
		apply_report_free(&rep);
		char *data = tu_read_file(conf, NULL);
		assert_string_equal(data, "new\n");
		free(data);
		free(id);
	}
	free(abs);
	free(conf);
	free(secret);
	tu_sh(NULL, "rm -rf '%s'", jdir);
}

/* A bare undo takes the newest entry that changed files even when the run
 * that made it stopped before recording its end. */
static void test_bare_undo_takes_an_unfinished_entry(void **state)
{
	(void)state;
	char *a = sbx("/etc/a.conf"), *u = sbx("/etc/u.conf");
	tu_write_file(a, "a-new\n");
	tu_write_file(u, "u-new\n");
	struct journal *j = open_locked();
	char *cause = NULL;
	free(journal_new_entry(j, &cause));
	free(journal_new_entry(j, &cause));
	write_backup("1", "a.conf", "a-old\n");
	write_backup("2", "u.conf", "u-old\n");
	struct journal_entry e;
	fill_entry(&e, "1", "root", "/etc/a.conf", "a-old\n", "a-new\n");
	record(j, &e, JOURNAL_APPLIED);
	journal_entry_clear(&e);
	fill_entry(&e, "2", "root", "/etc/u.conf", "u-old\n", "u-new\n");
	record(j, &e, JOURNAL_UNFINISHED);
	journal_entry_clear(&e);
	journal_close(j);
	struct journal *r = reread();
	assert_string_equal(journal_get(r, NULL)->id, "2");
	journal_close(r);
	struct fix_ctx ctx = { .t = root_t };
	struct sbuf out = { 0 };
	assert_int_equal(undo_preview(&ctx, NULL, false, &out, &cause), 0);
	assert_non_null(strstr(sb_str(&out), "Undo entry 2"));
	sb_free(&out);
	char *text = NULL;
	int rc = run_undo(&text, "undo --yes");
	if (rc != 0)
		print_error("%s\n", text);
	assert_int_equal(rc, 0);
	assert_non_null(strstr(text, "entry 2: 1 file(s) hold their original bytes"));
	free(text);
	char *data = tu_read_file(u, NULL);
	assert_string_equal(data, "u-old\n");
	free(data);
	data = tu_read_file(a, NULL);
	assert_string_equal(data, "a-new\n");
	free(data);
	free(a);
	free(u);
	tu_sh(NULL, "rm -rf '%s'", jdir);
}

/* Whether a host folder is empty (nothing was written there). */
static bool empty_dir(const char *dir)
{
	char *out = NULL;
	tu_sh(&out, "ls -A '%s'", dir);
	bool empty = out && !*out;
	free(out);
	return empty;
}

/* Applies a one-file change on the sandbox root; returns apply's result
 * with its message in *msg (caller frees). */
static int apply_one(const char *old, const char *new, char **msg)
{
	char *conf = sbx("/etc/j.conf");
	tu_write_file(conf, old);
	free(conf);
	struct plan *p = plan_new("test.link", NULL);
	char *cause = NULL;
	assert_non_null(plan_add_edit(p, root_t, "/etc/j.conf", new, strlen(new), "r", &cause));
	struct fix_ctx ctx = { .t = root_t };
	struct apply_report rep;
	int rc = apply_plan(&ctx, p, NULL, &rep);
	*msg = xstrdup(rep.message ? rep.message : "");
	apply_report_free(&rep);
	plan_free(p);
	return rc;
}

/* The journal folder, or its backups folder, linked to a folder of this
 * machine: the journal is resolved inside the root or refused, and
 * nothing is written outside the root. */
static void test_linked_journal_folders_stay_inside_the_root(void **state)
{
	(void)state;
	char *host = tu_mkdtemp("journal-host");
	char *parent = sbx("/var/lib/asr-doctor");
	tu_sh(NULL, "mkdir -p '%s' && ln -s '%s' '%s/journal'", parent, host, parent);
	/* The link is the root's: its target is a folder inside the root. */
	char *dir = journal_default_dir(root_t);
	char *want = xasprintf("%s%s", sandbox, host);
	assert_string_equal(dir, want);
	char *msg = NULL;
	int rc = apply_one("a\n", "b\n", &msg);
	if (rc)
		print_error("%s\n", msg);
	assert_int_equal(rc, 0);
	free(msg);
	char *jl = xasprintf("%s/journal.jsonl", want);
	assert_int_equal(access(jl, F_OK), 0);
	free(jl);
	struct fix_ctx ctx = { .t = root_t };
	struct apply_report rep;
	assert_int_equal(undo_entry(&ctx, NULL, NULL, &rep), 0);
	apply_report_free(&rep);
	assert_true(empty_dir(host));
	tu_sh(NULL, "rm -rf '%s' '%s'", parent, want);
	free(dir);
	free(want);

	/* backups/ linked to the host folder: refused before any change. */
	tu_sh(NULL, "mkdir -p '%s' && ln -s '%s' '%s/backups'", jdir, host, jdir);
	rc = apply_one("a\n", "c\n", &msg);
	assert_true(rc < 0);
	assert_non_null(strstr(msg, "/backups is a symbolic link or not a folder"));
	assert_non_null(strstr(msg, "nothing was changed"));
	free(msg);
	char *conf = sbx("/etc/j.conf");
	char *data = tu_read_file(conf, NULL);
	assert_string_equal(data, "a\n");
	free(data);
	free(conf);
	assert_true(empty_dir(host));
	/* A journal folder reached through a link of this machine is refused. */
	char *linked = xasprintf("%s/linked", sandbox);
	assert_int_equal(symlink(host, linked), 0);
	char *through = xasprintf("%s/journal", linked);
	struct journal *j = NULL;
	char *cause = NULL;
	assert_int_equal(journal_open(through, NULL, true, &j, &cause), -ELOOP);
	assert_non_null(strstr(cause, "is a symbolic link or not a folder"));
	free(cause);
	assert_true(empty_dir(host));
	free(through);
	free(linked);
	tu_sh(NULL, "rm -rf '%s' '%s'", parent, host);
	free(parent);
	free(host);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_default_folders),
		cmocka_unit_test(test_ids_and_private_folders),
		cmocka_unit_test(test_torn_last_line_is_skipped),
		cmocka_unit_test(test_recover_closes_an_unfinished_entry),
		cmocka_unit_test(test_latest_and_refusals),
		cmocka_unit_test(test_preview_shows_what_undo_does),
		cmocka_unit_test(test_missing_journal),
		cmocka_unit_test(test_undo_runs_only_the_fix_definitions_commands),
		cmocka_unit_test(test_backup_path_outside_the_journal_is_refused),
		cmocka_unit_test(test_bare_undo_takes_an_unfinished_entry),
		cmocka_unit_test(test_linked_journal_folders_stay_inside_the_root),
	};
	return cmocka_run_group_tests_name("journal", tests, setup, teardown);
}
