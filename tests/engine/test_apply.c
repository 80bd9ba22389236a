/* test_apply.c: the safe apply path on sandboxes (a --root folder, or
 * files of the local target under a temporary folder; never the machine's
 * own configuration). Exact bytes, mode and owner after apply and undo;
 * symlinked targets; a real `sshd -t` rejecting a broken sshd_config and
 * the original put back with no reload; the lock; the command callback;
 * and every fault point: each file-system call of the write path failing
 * once, failing from then on (a full disk), a crash before and after it
 * (in a child process that dies there), and Ctrl-C arriving there. After
 * each, every file is the old or the new version, never anything else, the
 * journal reads back, and undo brings back the original. The same fault
 * points are run on a registry hive replaced by a real fix
 * (win.boot_drivers on a Windows volume built with hivexregedit). Undo
 * goes through the same executor and is interrupted at every call the
 * same ways; a command-only fix is undone by the inverses its definition
 * gives, last first. */
#include "support/hivegen.h"
#include "support/testutil.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "engine/change/apply.h"
#include "engine/fix.h"
#include "engine/change/guard.h"
#include "engine/change/journal.h"
#include "engine/change/plan.h"
#include "engine/util/sha256.h"
#include "engine/util/util.h"
#include "engine/undo.h"

#define APP_OLD "line1\nold value\nline3\n"
#define APP_NEW "line1\nnew value\nline3\n"
#define NEW_FILE "created\n"

/* ---- a sandbox ---- */

struct box {
	char *dir;  /* the temporary folder */
	bool local; /* local target (commands run) or --root target */
	struct target *t;
	char *journal; /* host path of the journal folder */
	struct fix_ctx ctx;
};

/* The fault tests' subject: false, the two-file plan; true, a registry
 * hive (a Windows volume copied from g_win_template). */
static bool g_hive;
static char *g_win_template;

static void box_open(struct box *b, const char *tag, bool local)
{
	memset(b, 0, sizeof *b);
	b->dir = tu_mkdtemp(tag);
	b->local = local;
	if (g_hive && !local)
		assert_int_equal(tu_sh(NULL, "cp -a '%s/Windows' '%s/'", g_win_template, b->dir), 0);
	if (local) {
		b->t = target_local_new();
		b->journal = xasprintf("%s/journal", b->dir);
	} else {
		char *cause = NULL;
		b->t = target_root_new(b->dir, &cause);
		assert_non_null(b->t);
		b->journal = xasprintf("%s%s", b->dir, g_hive ? JOURNAL_WINDOWS_DIR : JOURNAL_DEFAULT_DIR);
	}
	b->ctx.t = b->t;
	/* The root target finds its journal by default; the local one is
	 * pointed into the sandbox. */
	b->ctx.journal_dir = local ? b->journal : NULL;
	b->ctx.timeout_ms = 20000;
}

static void box_close(struct box *b)
{
	target_free(b->t);
	tu_sh(NULL, "chattr -R -i '%s' 2>/dev/null", b->dir);
	tu_rmtree(b->dir);
	free(b->dir);
	free(b->journal);
}

/* The target path of a sandbox file ("/etc/x" inside a root, or the
 * absolute temporary path on the local target); caller frees. */
static char *tpath(const struct box *b, const char *rel)
{
	return b->local ? xasprintf("%s%s", b->dir, rel) : xstrdup(rel);
}

static char *hpath(const struct box *b, const char *rel)
{
	return xasprintf("%s%s", b->dir, rel);
}

static void put(const struct box *b, const char *rel, const char *data, mode_t mode)
{
	char *h = hpath(b, rel);
	tu_write_file(h, data);
	assert_int_equal(chmod(h, mode), 0);
	free(h);
}

/* The file's bytes, or NULL when it does not exist. */
static char *get(const struct box *b, const char *rel)
{
	char *h = hpath(b, rel);
	char *data = NULL;
	if (access(h, F_OK) == 0)
		data = tu_read_file(h, NULL);
	free(h);
	return data;
}

static mode_t mode_of(const struct box *b, const char *rel)
{
	char *h = hpath(b, rel);
	struct stat st;
	assert_int_equal(lstat(h, &st), 0);
	free(h);
	return st.st_mode & 07777;
}

/* How many temporary files of ours are left in a sandbox folder. */
static int temps_in(const struct box *b, const char *rel)
{
	char *out = NULL;
	tu_sh(&out, "ls -a '%s%s' 2>/dev/null | grep -c 'asr-doctor-'", b->dir, rel);
	int n = atoi(out ? out : "0");
	free(out);
	return n;
}

static struct plan *two_file_plan(struct box *b)
{
	put(b, "/etc/app.conf", APP_OLD, 0640);
	char *d = hpath(b, "/etc/conf.d");
	mkdir(d, 0755);
	free(d);
	struct plan *p = plan_new("test.two_files", "Two files");
	const char *checks[] = { "test.check", NULL };
	plan_add_checks(p, checks);
	plan_set_anchor(p, "test-anchor");
	char *cause = NULL;
	char *a = tpath(b, "/etc/app.conf"), *n = tpath(b, "/etc/conf.d/new.conf");
	struct file_edit *e = plan_add_edit(p, b->t, a, APP_NEW, strlen(APP_NEW), "step 1", &cause);
	assert_non_null(e);
	const char *val[] = { "grep", "-q", "new value", "{file}", NULL };
	plan_edit_validator(e, val);
	e = plan_add_edit(p, b->t, n, NEW_FILE, strlen(NEW_FILE), "step 2", &cause);
	assert_non_null(e);
	plan_edit_mode(e, 0600);
	free(a);
	free(n);
	return p;
}

/* 0: both files hold the old version; 1: both the new; 2: mixed; -1:
 * some file is neither (that must never happen). Modes are checked too. */
static int two_file_state(const struct box *b)
{
	char *app = get(b, "/etc/app.conf"), *nw = get(b, "/etc/conf.d/new.conf");
	int sa = app && strcmp(app, APP_OLD) == 0 ? 0 : app && strcmp(app, APP_NEW) == 0 ? 1 : -1;
	int sn = !nw ? 0 : strcmp(nw, NEW_FILE) == 0 ? 1 : -1;
	if (sa >= 0 && mode_of(b, "/etc/app.conf") != 0640)
		sa = -1;
	if (sn == 1 && mode_of(b, "/etc/conf.d/new.conf") != 0600)
		sn = -1;
	free(app);
	free(nw);
	if (sa < 0 || sn < 0)
		return -1;
	return sa == sn ? sa : 2;
}

static int temps_left(const struct box *b)
{
	return temps_in(b, "/etc") + temps_in(b, "/etc/conf.d");
}

/* The hive plan's old and new bytes, for hive_state. */
static char *g_hive_old, *g_hive_new;
static size_t g_hive_old_len, g_hive_new_len;

/* The registry fix win.boot_drivers on the box's Windows volume. */
static struct plan *hive_plan(struct box *b)
{
	const struct fix_def *f = fix_find("win.boot_drivers");
	assert_non_null(f);
	char *cause = NULL;
	struct plan *p = f->plan(&b->ctx, &cause);
	if (!p)
		print_error("win.boot_drivers: %s\n", cause);
	assert_non_null(p);
	free(g_hive_old);
	free(g_hive_new);
	g_hive_old_len = p->edits[0].old_len;
	g_hive_old = xmalloc(g_hive_old_len);
	memcpy(g_hive_old, p->edits[0].old_data, g_hive_old_len);
	g_hive_new_len = p->edits[0].new_len;
	g_hive_new = xmalloc(g_hive_new_len);
	memcpy(g_hive_new, p->edits[0].new_data, g_hive_new_len);
	return p;
}

/* 0: the hive holds the old bytes, 1: the new ones, -1: anything else. */
static int hive_state(const struct box *b)
{
	size_t len;
	char *h = hpath(b, "/Windows/System32/config/SYSTEM");
	char *d = tu_read_file(h, &len);
	free(h);
	int s = len == g_hive_old_len && memcmp(d, g_hive_old, len) == 0   ? 0
		: len == g_hive_new_len && memcmp(d, g_hive_new, len) == 0 ? 1
									   : -1;
	free(d);
	return s;
}

/* The fault tests' plan, state and temporary files, for the subject. */
static struct plan *fault_plan(struct box *b)
{
	return g_hive ? hive_plan(b) : two_file_plan(b);
}

static int fault_state(const struct box *b)
{
	return g_hive ? hive_state(b) : two_file_state(b);
}

static int fault_temps(const struct box *b)
{
	return g_hive ? temps_in(b, "/Windows/System32/config") : temps_left(b);
}

/* Reads the journal back; fails the test when it cannot. */
static struct journal *journal_of(const struct box *b)
{
	struct journal *j = NULL;
	char *cause = NULL;
	int rc = journal_list(b->journal, &j, &cause);
	if (rc < 0)
		print_error("journal: %s\n", cause);
	assert_int_equal(rc, 0);
	return j;
}

/* ---- the suite's own fixes ---- */

/* The sandbox of a fix context: the root, or the folder holding the
 * local box's journal. Caller frees. */
static char *sandbox_of(const struct fix_ctx *ctx)
{
	if (ctx->t->kind == TARGET_ROOT)
		return xstrdup(ctx->t->root);
	const char *slash = strrchr(ctx->journal_dir, '/');
	return xstrndup(ctx->journal_dir, (size_t)(slash - ctx->journal_dir));
}

/* test.two_files checks the edited app.conf with grep. */
static char **two_files_validator(const struct fix_ctx *ctx, const char *path)
{
	(void)ctx;
	const char *val[] = { "grep", "-q", "new value", "{file}", NULL };
	return str_ends(path, "/etc/app.conf") ? argv_dup(val) : NULL;
}

/* sshd.test checks with the real sshd and a key in the sandbox... */
static char **sshd_test_validator(const struct fix_ctx *ctx, const char *path)
{
	(void)path;
	char *dir = sandbox_of(ctx);
	char *key = xasprintf("%s/hostkey", dir);
	const char *val[] = { "/usr/sbin/sshd", "-t", "-f", "{file}", "-h", key, NULL };
	char **v = argv_dup(val);
	free(key);
	free(dir);
	return v;
}

/* ...and "reloads" by adding a line to the sandbox's reloads file. */
static char **sshd_test_reload(const struct fix_ctx *ctx)
{
	char *dir = sandbox_of(ctx);
	char *script = xasprintf("echo reload >> '%s/reloads'", dir);
	const char *argv[] = { "sh", "-c", script, NULL };
	char **v = argv_dup(argv);
	free(script);
	free(dir);
	return v;
}

static const struct fix_def two_files_def = { .id = "test.two_files",
	                                      .validator = two_files_validator };
static const struct fix_def sshd_test_def = { .id = "sshd.test",
	                                      .validator = sshd_test_validator,
	                                      .reload = sshd_test_reload };
static char **inverse_of(const struct fix_ctx *ctx, const char *const *argv);
static const struct fix_def inverse_def = { .id = "test.inverse", .inverse = inverse_of };
static const struct fix_def *const suite_fixes[] = { &two_files_def, &sshd_test_def, &inverse_def,
	                                             NULL };

/* ---- the fault seam ---- */

enum fault_mode { F_NONE, F_FAIL_ONCE, F_FAIL_FROM, F_CRASH_BEFORE, F_CRASH_AFTER, F_SIGNAL };

static struct {
	enum fault_mode mode;
	int at; /* the call (1-based) that misbehaves */
	int calls;
	int fired;
	int sig;
} fault;

static void fault_set(enum fault_mode m, int at)
{
	fault.mode = m;
	fault.at = at;
	fault.calls = 0;
	fault.fired = 0;
}

/* Whether this call misbehaves; crashes and signals happen here. */
static bool fault_hit(void)
{
	fault.calls++;
	bool hit = fault.mode == F_FAIL_FROM ? fault.calls >= fault.at : fault.calls == fault.at;
	if (!hit || fault.mode == F_NONE)
		return false;
	if (fault.mode == F_CRASH_BEFORE)
		tu_child_exit(99);
	if (fault.mode == F_SIGNAL) {
		fault.fired++;
		kill(getpid(), fault.sig);
		return false;
	}
	if (fault.mode == F_CRASH_AFTER)
		return true; /* the call does its work, then the process dies */
	fault.fired++;
	return true;
}

static int t_open(const char *path, int flags, mode_t mode)
{
	if (fault_hit()) {
		if (fault.mode == F_CRASH_AFTER) {
			open(path, flags, mode);
			tu_child_exit(99);
		}
		errno = (flags & O_CREAT) ? ENOSPC : EIO;
		return -1;
	}
	return open(path, flags, mode);
}

static ssize_t t_write(int fd, const void *buf, size_t n)
{
	if (fault_hit()) {
		if (fault.mode == F_CRASH_AFTER) {
			/* Torn: half of it reached the file. */
			if (write(fd, buf, n > 1 ? n / 2 : n) < 0)
				tu_child_exit(98);
			tu_child_exit(99);
		}
		errno = ENOSPC;
		return -1;
	}
	return write(fd, buf, n);
}

static int t_fsync(int fd)
{
	if (fault_hit()) {
		if (fault.mode == F_CRASH_AFTER) {
			fsync(fd);
			tu_child_exit(99);
		}
		errno = EIO;
		return -1;
	}
	return fsync(fd);
}

static int t_close(int fd)
{
	if (fault_hit()) {
		/* Linux closes the descriptor even when close reports an error. */
		close(fd);
		if (fault.mode == F_CRASH_AFTER)
			tu_child_exit(99);
		errno = EIO;
		return -1;
	}
	return close(fd);
}

static int t_rename(const char *a, const char *b)
{
	if (fault_hit()) {
		if (fault.mode == F_CRASH_AFTER) {
			rename(a, b);
			tu_child_exit(99);
		}
		errno = EIO;
		return -1;
	}
	return rename(a, b);
}

static int t_fsync_dir(const char *dir)
{
	if (fault_hit()) {
		if (fault.mode == F_CRASH_AFTER) {
			apply_fs_real.fsync_dir(dir);
			tu_child_exit(99);
		}
		errno = EIO;
		return -1;
	}
	return apply_fs_real.fsync_dir(dir);
}

static int t_fchmod(int fd, mode_t m)
{
	if (fault_hit()) {
		if (fault.mode == F_CRASH_AFTER) {
			fchmod(fd, m);
			tu_child_exit(99);
		}
		errno = EPERM;
		return -1;
	}
	return fchmod(fd, m);
}

static int t_fchown(int fd, uid_t u, gid_t g)
{
	if (fault_hit()) {
		if (fault.mode == F_CRASH_AFTER) {
			if (fchown(fd, u, g) < 0)
				tu_child_exit(98);
			tu_child_exit(99);
		}
		errno = EPERM;
		return -1;
	}
	return fchown(fd, u, g);
}

static int t_unlink(const char *p)
{
	if (fault_hit()) {
		if (fault.mode == F_CRASH_AFTER) {
			unlink(p);
			tu_child_exit(99);
		}
		errno = EIO;
		return -1;
	}
	return unlink(p);
}

static int t_mkdir(const char *p, mode_t m)
{
	if (fault_hit()) {
		if (fault.mode == F_CRASH_AFTER) {
			mkdir(p, m);
			tu_child_exit(99);
		}
		errno = ENOSPC;
		return -1;
	}
	return mkdir(p, m);
}

static int t_mkdirat(int dirfd, const char *name, mode_t m)
{
	if (fault_hit()) {
		if (fault.mode == F_CRASH_AFTER) {
			mkdirat(dirfd, name, m);
			tu_child_exit(99);
		}
		errno = ENOSPC;
		return -1;
	}
	return mkdirat(dirfd, name, m);
}

static const struct apply_fs faulty_fs = {
	.open = t_open,
	.write = t_write,
	.fsync = t_fsync,
	.close = t_close,
	.rename = t_rename,
	.fsync_dir = t_fsync_dir,
	.fchmod = t_fchmod,
	.fchown = t_fchown,
	.unlink = t_unlink,
	.mkdir = t_mkdir,
	.mkdirat = t_mkdirat,
};

/* Undoes the latest entry with the real calls and checks the originals
 * are back (or were never changed). */
static void undo_to_old(struct box *b)
{
	struct apply_report rep;
	undo_entry(&b->ctx, "latest", NULL, &rep);
	apply_report_free(&rep);
	assert_int_equal(fault_state(b), 0);
	assert_int_equal(fault_temps(b), 0);
}

/* ---- tests ---- */

static void test_apply_and_undo_exact_bytes_and_mode(void **state)
{
	(void)state;
	struct box b;
	box_open(&b, "apply", false);
	struct plan *p = two_file_plan(&b);
	struct apply_report rep;
	int rc = apply_plan(&b.ctx, p, NULL, &rep);
	if (rc)
		print_error("%s\n", rep.message);
	assert_int_equal(rc, 0);
	assert_int_equal(rep.outcome, JOURNAL_APPLIED);
	assert_true(rep.changed);
	assert_string_equal(rep.entry_id, "1");
	assert_int_equal(two_file_state(&b), 1);
	assert_int_equal(temps_left(&b), 0);
	/* The journal and its backups are private. */
	struct stat st;
	assert_int_equal(stat(b.journal, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0700);
	char *bdir = xasprintf("%s/backups/1", b.journal);
	assert_int_equal(stat(bdir, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0700);
	char *bfile = xasprintf("%s/1-app.conf", bdir);
	assert_int_equal(stat(bfile, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	char *saved = tu_read_file(bfile, NULL);
	assert_string_equal(saved, APP_OLD);
	free(saved);
	apply_report_free(&rep);

	rc = undo_entry(&b.ctx, "latest", NULL, &rep);
	if (rc)
		print_error("%s\n", rep.message);
	assert_int_equal(rc, 0);
	assert_int_equal(rep.outcome, JOURNAL_UNDONE);
	assert_string_equal(rep.entry_id, "2");
	char *app = get(&b, "/etc/app.conf");
	assert_string_equal(app, APP_OLD);
	free(app);
	assert_int_equal(mode_of(&b, "/etc/app.conf"), 0640);
	char *nw = get(&b, "/etc/conf.d/new.conf");
	assert_null(nw); /* it did not exist before */
	assert_int_equal(temps_left(&b), 0);
	apply_report_free(&rep);

	struct journal *j = journal_of(&b);
	assert_int_equal(j->n, 2);
	assert_int_equal(j->damaged, 0);
	assert_int_equal(j->entries[0].outcome, JOURNAL_APPLIED);
	assert_string_equal(j->entries[0].undone_by, "2");
	assert_int_equal(j->entries[1].outcome, JOURNAL_UNDONE);
	assert_string_equal(j->entries[1].undoes, "1");
	/* Nothing left to undo. */
	assert_null(journal_get(j, "latest"));
	journal_close(j);
	rc = undo_entry(&b.ctx, "1", NULL, &rep);
	assert_int_not_equal(rc, 0);
	assert_non_null(strstr(rep.message, "already undone by entry 2"));
	apply_report_free(&rep);
	free(bfile);
	free(bdir);
	plan_free(p);
	box_close(&b);
}

static void test_owner_and_special_mode_kept(void **state)
{
	(void)state;
	if (geteuid() != 0)
		skip();
	struct box b;
	box_open(&b, "owner", false);
	put(&b, "/etc/owned.conf", "a\n", 0640);
	char *h = hpath(&b, "/etc/owned.conf");
	assert_int_equal(chown(h, 1234, 5678), 0);
	assert_int_equal(chmod(h, 02640), 0);
	struct plan *p = plan_new("test.owner", NULL);
	char *cause = NULL;
	assert_non_null(plan_add_edit(p, b.t, "/etc/owned.conf", "b\n", 2, "r", &cause));
	struct apply_report rep;
	assert_int_equal(apply_plan(&b.ctx, p, NULL, &rep), 0);
	apply_report_free(&rep);
	struct stat st;
	assert_int_equal(stat(h, &st), 0);
	assert_int_equal(st.st_uid, 1234);
	assert_int_equal(st.st_gid, 5678);
	assert_int_equal(st.st_mode & 07777, 02640);
	assert_int_equal(undo_entry(&b.ctx, NULL, NULL, &rep), 0);
	apply_report_free(&rep);
	assert_int_equal(stat(h, &st), 0);
	assert_int_equal(st.st_uid, 1234);
	assert_int_equal(st.st_mode & 07777, 02640);
	char *data = tu_read_file(h, NULL);
	assert_string_equal(data, "a\n");
	free(data);
	free(h);
	plan_free(p);
	box_close(&b);
}

static void test_symlinked_target_changes_the_real_file(void **state)
{
	(void)state;
	struct box b;
	box_open(&b, "link", false);
	put(&b, "/etc/ssh/real_config", "Port 22\n", 0600);
	char *link = hpath(&b, "/etc/ssh/sshd_config");
	assert_int_equal(symlink("/etc/ssh/real_config", link), 0);
	struct plan *p = plan_new("test.link", NULL);
	char *cause = NULL;
	struct file_edit *e =
	        plan_add_edit(p, b.t, "/etc/ssh/sshd_config", "Port 2222\n", 10, "r", &cause);
	assert_non_null(e);
	assert_true(e->via_symlink);
	struct apply_report rep;
	assert_int_equal(apply_plan(&b.ctx, p, NULL, &rep), 0);
	apply_report_free(&rep);
	struct stat st;
	assert_int_equal(lstat(link, &st), 0);
	assert_true(S_ISLNK(st.st_mode)); /* the link itself is kept */
	char *real = get(&b, "/etc/ssh/real_config");
	assert_string_equal(real, "Port 2222\n");
	free(real);
	assert_int_equal(mode_of(&b, "/etc/ssh/real_config"), 0600);
	struct journal *j = journal_of(&b);
	assert_string_equal(j->entries[0].files[0].path, "/etc/ssh/sshd_config");
	assert_string_equal(j->entries[0].files[0].real_path, "/etc/ssh/real_config");
	journal_close(j);
	assert_int_equal(undo_entry(&b.ctx, NULL, NULL, &rep), 0);
	apply_report_free(&rep);
	real = get(&b, "/etc/ssh/real_config");
	assert_string_equal(real, "Port 22\n");
	free(real);
	assert_int_equal(lstat(link, &st), 0);
	assert_true(S_ISLNK(st.st_mode));
	free(link);
	plan_free(p);
	box_close(&b);
}

/* The confirmation callback: records what it was asked, approves unless
 * the command needs its own confirmation and refuse_confirmed is set. */
struct asked {
	int count;
	bool refuse_confirmed;
	char last[256];
};

static bool ask(void *arg, const char *const *argv, const char *reason, bool needs_confirm)
{
	struct asked *a = arg;
	(void)reason;
	a->count++;
	char *s = plan_argv_str(argv);
	snprintf(a->last, sizeof a->last, "%s", s);
	free(s);
	return !(needs_confirm && a->refuse_confirmed);
}

static int lines_in(const char *path)
{
	if (access(path, F_OK) != 0)
		return 0;
	char *d = tu_read_file(path, NULL);
	int n = 0;
	for (char *p = d; *p; p++)
		n += *p == '\n';
	free(d);
	return n;
}

static void test_real_sshd_rejects_broken_config_and_rolls_back(void **state)
{
	(void)state;
	if (access("/usr/sbin/sshd", X_OK) != 0 || !tu_have("ssh-keygen"))
		skip();
	struct box b;
	box_open(&b, "sshd", true);
	char *key = hpath(&b, "/hostkey");
	assert_int_equal(tu_sh(NULL, "ssh-keygen -q -t ed25519 -N '' -f '%s'", key), 0);
	if (tu_sh(NULL, "/usr/sbin/sshd -t -f tests/fixtures/apply/sshd_config.good -h '%s' 2>/dev/null",
		  key) != 0) {
		/* e.g. no /run/sshd: this machine cannot run sshd -t at all */
		print_message("sshd -t rejects even the good fixture here: not run\n");
		free(key);
		box_close(&b);
		skip();
	}
	char *good = tu_read_file("tests/fixtures/apply/sshd_config.good", NULL);
	char *broken = tu_read_file("tests/fixtures/apply/sshd_config.broken", NULL);
	char *fixed = tu_read_file("tests/fixtures/apply/sshd_config.fixed", NULL);
	put(&b, "/etc/ssh/sshd_config", good, 0644);
	char *target = tpath(&b, "/etc/ssh/sshd_config");
	char *mark = hpath(&b, "/reloads");
	char *script = xasprintf("echo reload >> '%s'", mark);
	const char *val[] = { "/usr/sbin/sshd", "-t", "-f", "{file}", "-h", key, NULL };
	const char *reload[] = { "sh", "-c", script, NULL };
	struct asked a = { 0 };
	struct apply_opts o = { .confirm = ask, .confirm_arg = &a };

	/* A value sshd rejects: the original comes back, nothing reloads. */
	struct plan *p = plan_new("sshd.test", NULL);
	char *cause = NULL;
	struct file_edit *e = plan_add_edit(p, b.t, target, broken, strlen(broken), "r", &cause);
	plan_edit_validator(e, val);
	plan_add_command(p, reload, "reload sshd", CMD_AFTER, true)->rerun_on_undo = true;
	plan_set_commit_confirmed(p, "sshd");
	struct apply_report rep;
	int rc = apply_plan(&b.ctx, p, &o, &rep);
	assert_int_not_equal(rc, 0);
	assert_int_equal(rep.outcome, JOURNAL_ROLLED_BACK);
	assert_false(rep.changed);
	assert_non_null(rep.validator_output);
	assert_non_null(strstr(rep.validator_output, "unsupported option"));
	assert_non_null(strstr(rep.message, "nothing changed"));
	assert_int_equal(a.count, 0);        /* never even asked */
	assert_int_equal(lines_in(mark), 0); /* never reloaded */
	char *now = get(&b, "/etc/ssh/sshd_config");
	assert_string_equal(now, good);
	free(now);
	assert_int_equal(mode_of(&b, "/etc/ssh/sshd_config"), 0644);
	assert_int_equal(temps_in(&b, "/etc/ssh"), 0);
	apply_report_free(&rep);
	plan_free(p);

	/* A valid change: in place, then (only then) the reload. */
	p = plan_new("sshd.test", NULL);
	e = plan_add_edit(p, b.t, target, fixed, strlen(fixed), "r", &cause);
	plan_edit_validator(e, val);
	plan_add_command(p, reload, "reload sshd", CMD_AFTER, true)->rerun_on_undo = true;
	plan_set_commit_confirmed(p, "sshd");
	rc = apply_plan(&b.ctx, p, &o, &rep);
	if (rc)
		print_error("%s\n%s\n", rep.message,
		            rep.validator_output ? rep.validator_output : "");
	assert_int_equal(rc, 0);
	assert_true(rep.reload_ran);
	assert_int_equal(a.count, 1);
	assert_int_equal(lines_in(mark), 1);
	now = get(&b, "/etc/ssh/sshd_config");
	assert_string_equal(now, fixed);
	free(now);
	apply_report_free(&rep);

	/* Undo: the original again, validated, and reloaded again. */
	rc = undo_entry(&b.ctx, "latest", &o, &rep);
	if (rc)
		print_error("%s\n", rep.message);
	assert_int_equal(rc, 0);
	assert_int_equal(lines_in(mark), 2);
	now = get(&b, "/etc/ssh/sshd_config");
	assert_string_equal(now, good);
	free(now);
	apply_report_free(&rep);

	struct journal *j = journal_of(&b);
	assert_int_equal(j->n, 3);
	assert_int_equal(j->entries[0].outcome, JOURNAL_ROLLED_BACK);
	assert_non_null(strstr(j->entries[0].validator_output, "unsupported option"));
	assert_false(j->entries[0].cmds[0].ran);
	assert_int_equal(j->entries[1].outcome, JOURNAL_APPLIED);
	assert_true(j->entries[1].cmds[0].ran);
	assert_int_equal(j->entries[1].cmds[0].status, 0);
	assert_string_equal(j->entries[1].service, "sshd");
	assert_int_equal(j->entries[2].outcome, JOURNAL_UNDONE);
	assert_true(j->entries[2].cmds[0].ran);
	journal_close(j);
	plan_free(p);
	free(good);
	free(broken);
	free(fixed);
	free(target);
	free(mark);
	free(script);
	free(key);
	box_close(&b);
}

static void test_lock_refuses_a_second_apply(void **state)
{
	(void)state;
	struct box b;
	box_open(&b, "lock", false);
	struct plan *p = two_file_plan(&b);
	int ready[2], go[2];
	assert_int_equal(pipe(ready), 0);
	assert_int_equal(pipe(go), 0);
	pid_t child = fork();
	assert_true(child >= 0);
	if (child == 0) {
		struct journal *j = NULL;
		char *cause = NULL;
		if (journal_open(b.journal, NULL, true, &j, &cause) < 0 ||
		    journal_lock(j, 0, &cause) < 0)
			tu_child_exit(1);
		char c = 'r';
		if (write(ready[1], &c, 1) != 1 || read(go[0], &c, 1) < 0)
			tu_child_exit(1);
		tu_child_exit(0);
	}
	char c;
	assert_int_equal(read(ready[0], &c, 1), 1);
	struct apply_report rep;
	int rc = apply_plan(&b.ctx, p, NULL, &rep);
	assert_int_equal(rc, -EWOULDBLOCK);
	char *want =
	        xasprintf("another asr-doctor (pid %ld) is changing this machine", (long)child);
	if (!strstr(rep.message, want))
		print_error("message: %s\n", rep.message);
	assert_non_null(strstr(rep.message, want));
	assert_non_null(strstr(rep.message, "nothing was changed"));
	assert_null(rep.entry_id);
	assert_int_equal(two_file_state(&b), 0);
	apply_report_free(&rep);
	free(want);
	assert_int_equal(write(go[1], "g", 1), 1);
	int st;
	waitpid(child, &st, 0);
	assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	/* Free again once the other run ended. */
	assert_int_equal(apply_plan(&b.ctx, p, NULL, &rep), 0);
	apply_report_free(&rep);
	close(ready[0]);
	close(ready[1]);
	close(go[0]);
	close(go[1]);
	plan_free(p);
	box_close(&b);
}

static void test_commands_only_run_when_the_callback_agrees(void **state)
{
	(void)state;
	struct box b;
	box_open(&b, "cmds", true);
	put(&b, "/etc/x.conf", "a\n", 0644);
	char *target = tpath(&b, "/etc/x.conf");
	char *m1 = hpath(&b, "/ran-confirmed"), *m2 = hpath(&b, "/ran-plain");
	char *s1 = xasprintf("touch '%s'", m1), *s2 = xasprintf("touch '%s'", m2);
	const char *c1[] = { "sh", "-c", s1, NULL }, *c2[] = { "sh", "-c", s2, NULL };
	struct plan *p = plan_new("test.cmds", NULL);
	char *cause = NULL;
	assert_non_null(plan_add_edit(p, b.t, target, "b\n", 2, "r", &cause));
	plan_add_command(p, c1, "needs its own yes", CMD_AFTER, true);
	plan_add_command(p, c2, "plain", CMD_AFTER, false);
	struct asked a = { .refuse_confirmed = true };
	struct apply_opts o = { .confirm = ask, .confirm_arg = &a };
	struct apply_report rep;
	assert_int_equal(apply_plan(&b.ctx, p, &o, &rep), 0);
	assert_int_equal(a.count, 2);
	assert_int_not_equal(access(m1, F_OK), 0); /* refused: never ran */
	assert_int_equal(access(m2, F_OK), 0);
	assert_false(rep.cmds[0].ran);
	assert_non_null(strstr(rep.cmds[0].note, "not confirmed"));
	assert_true(rep.cmds[1].ran);
	apply_report_free(&rep);
	assert_int_equal(undo_entry(&b.ctx, NULL, NULL, &rep), 0);
	apply_report_free(&rep);
	unlink(m2);
	/* No callback: a command that needs its own confirmation never runs. */
	assert_int_equal(apply_plan(&b.ctx, p, NULL, &rep), 0);
	assert_int_not_equal(access(m1, F_OK), 0);
	assert_int_equal(access(m2, F_OK), 0);
	apply_report_free(&rep);
	struct journal *j = journal_of(&b);
	assert_false(j->entries[0].cmds[0].ran);
	assert_non_null(j->entries[0].cmds[0].note);
	assert_true(j->entries[0].cmds[1].ran);
	journal_close(j);
	free(target);
	free(m1);
	free(m2);
	free(s1);
	free(s2);
	plan_free(p);
	box_close(&b);
}

static void test_mounted_root_lists_commands_for_after_boot(void **state)
{
	(void)state;
	struct box b;
	box_open(&b, "pending", false);
	put(&b, "/etc/x.conf", "a\n", 0644);
	struct plan *p = plan_new("test.pending", NULL);
	char *cause = NULL;
	assert_non_null(plan_add_edit(p, b.t, "/etc/x.conf", "b\n", 2, "r", &cause));
	const char *reload[] = { "systemctl", "reload", "ssh", NULL };
	plan_add_command(p, reload, "r", CMD_AFTER, true);
	struct asked a = { 0 };
	struct apply_opts o = { .confirm = ask, .confirm_arg = &a };
	struct apply_report rep;
	assert_int_equal(apply_plan(&b.ctx, p, &o, &rep), 0);
	assert_int_equal(a.count, 0);
	assert_int_equal(rep.pending.n, 1);
	assert_string_equal(rep.pending.v[0], "systemctl reload ssh");
	assert_false(rep.reload_ran);
	char *x = get(&b, "/etc/x.conf");
	assert_string_equal(x, "b\n");
	free(x);
	apply_report_free(&rep);
	plan_free(p);
	/* A plan of commands only changes nothing there. */
	p = plan_new("test.cmdonly", NULL);
	plan_add_command(p, reload, "r", CMD_AFTER, true);
	assert_int_equal(apply_plan(&b.ctx, p, &o, &rep), -ENOTSUP);
	assert_int_equal(rep.pending.n, 1);
	assert_non_null(strstr(rep.message, "after booting"));
	apply_report_free(&rep);
	plan_free(p);
	box_close(&b);
}

static void test_bad_input_changes_nothing(void **state)
{
	(void)state;
	struct box b;
	box_open(&b, "bad", false);
	struct apply_report rep;
	char *cause = NULL;

	/* The file changed between plan and apply. */
	put(&b, "/etc/a.conf", "a\n", 0644);
	struct plan *p = plan_new("t", NULL);
	assert_non_null(plan_add_edit(p, b.t, "/etc/a.conf", "b\n", 2, "r", &cause));
	put(&b, "/etc/a.conf", "edited by hand\n", 0644);
	assert_true(apply_plan(&b.ctx, p, NULL, &rep) < 0);
	assert_non_null(strstr(rep.message, "changed since the plan was made"));
	assert_non_null(strstr(rep.message, "nothing was changed"));
	apply_report_free(&rep);
	char *x = get(&b, "/etc/a.conf");
	assert_string_equal(x, "edited by hand\n");
	free(x);
	plan_free(p);

	/* The folder went away. */
	char *d = hpath(&b, "/etc/gone");
	mkdir(d, 0755);
	p = plan_new("t", NULL);
	assert_non_null(plan_add_edit(p, b.t, "/etc/gone/n.conf", "b\n", 2, "r", &cause));
	rmdir(d);
	assert_true(apply_plan(&b.ctx, p, NULL, &rep) < 0);
	assert_non_null(strstr(rep.message, "does not exist any more"));
	apply_report_free(&rep);
	plan_free(p);
	free(d);

	/* Immutable file and folder (chattr +i, where the file system and
	 * our privileges allow it). */
	put(&b, "/etc/i.conf", "a\n", 0644);
	char *h = hpath(&b, "/etc/i.conf");
	if (tu_sh(NULL, "chattr +i '%s' 2>/dev/null", h) == 0) {
		p = plan_new("t", NULL);
		assert_non_null(plan_add_edit(p, b.t, "/etc/i.conf", "b\n", 2, "r", &cause));
		assert_true(apply_plan(&b.ctx, p, NULL, &rep) < 0);
		assert_non_null(strstr(rep.message, "immutable"));
		assert_non_null(strstr(rep.message, "nothing was changed"));
		apply_report_free(&rep);
		plan_free(p);
		tu_sh(NULL, "chattr -i '%s'", h);
		x = get(&b, "/etc/i.conf");
		assert_string_equal(x, "a\n");
		free(x);
		char *ro = hpath(&b, "/etc/ro");
		mkdir(ro, 0755);
		p = plan_new("t", NULL);
		assert_non_null(plan_add_edit(p, b.t, "/etc/ro/new.conf", "b\n", 2, "r", &cause));
		tu_sh(NULL, "chattr +i '%s'", ro);
		assert_true(apply_plan(&b.ctx, p, NULL, &rep) < 0);
		assert_non_null(strstr(rep.message, "immutable"));
		apply_report_free(&rep);
		tu_sh(NULL, "chattr -i '%s'", ro);
		plan_free(p);
		free(ro);
	} else {
		print_message("chattr +i is not available here: immutable cases not run\n");
	}
	free(h);

	/* Secrets and binaries are refused at planning already. */
	put(&b, "/etc/shadow", "root:!$6$x:19000::::::\n", 0600);
	p = plan_new("t", NULL);
	assert_null(plan_add_edit(p, b.t, "/etc/shadow", "x\n", 2, "r", &cause));
	assert_non_null(strstr(cause, "secret"));
	free(cause);
	cause = NULL;
	plan_free(p);

	/* Nothing was ever journaled: every refusal came before a change. */
	struct stat st;
	if (stat(b.journal, &st) == 0) {
		struct journal *j = journal_of(&b);
		assert_int_equal(j->n, 0);
		journal_close(j);
	}
	box_close(&b);
}

/* Runs the two-file plan with the fault seam set to (mode, k) in this
 * process. Returns apply's result. */
static int run_faulty(struct box *b, struct plan *p, enum fault_mode mode, int k,
                      struct apply_report *rep)
{
	fault_set(mode, k);
	struct apply_opts o = { .fs = &faulty_fs };
	int rc = apply_plan(&b->ctx, p, &o, rep);
	fault.mode = F_NONE; /* fault.fired is kept for the caller */
	return rc;
}

/* Every file-system call failing once, and failing from then on. */
static void failures(enum fault_mode mode)
{
	int points = 0;
	for (int k = 1; k < 500; k++) {
		struct box b;
		box_open(&b, "fault", false);
		struct plan *p = fault_plan(&b);
		struct apply_report rep;
		int rc = run_faulty(&b, p, mode, k, &rep);
		int fired = fault.fired;
		int s = fault_state(&b);
		if (s < 0)
			print_error("k=%d: a file is neither old nor new (%s)\n", k, rep.message);
		assert_true(s >= 0);
		if (mode == F_FAIL_ONCE) {
			/* One failure: cleaned up completely. */
			if (rc == 0) {
				assert_int_equal(s, 1);
			} else {
				if (s != 0)
					print_error("k=%d: %s\n", k, rep.message);
				assert_int_equal(s, 0);
				assert_int_equal(fault_temps(&b), 0);
				assert_non_null(strstr(rep.message, "nothing"));
			}
		}
		struct stat st;
		if (stat(b.journal, &st) == 0) {
			struct journal *j = journal_of(&b);
			assert_int_equal(j->damaged, 0);
			if (rep.entry_id) {
				const struct journal_entry *e = journal_get(j, rep.entry_id);
				assert_non_null(e);
				if (rc == 0)
					assert_true(e->outcome == JOURNAL_APPLIED ||
					            e->outcome == JOURNAL_UNFINISHED);
				else if (mode == F_FAIL_ONCE)
					assert_true(e->outcome == JOURNAL_FAILED ||
					            e->outcome == JOURNAL_ROLLED_BACK ||
					            e->outcome == JOURNAL_UNFINISHED);
			}
			journal_close(j);
		}
		apply_report_free(&rep);
		/* Undo (with working calls) always gets the originals back. */
		undo_to_old(&b);
		plan_free(p);
		box_close(&b);
		if (!fired)
			break;
		points++;
	}
	print_message("%d fault points exercised\n", points);
	assert_true(points > 20);
}

static void test_every_call_failing_once(void **state)
{
	(void)state;
	failures(F_FAIL_ONCE);
}

static void test_disk_failing_from_every_point_on(void **state)
{
	(void)state;
	failures(F_FAIL_FROM);
}

/* A crash at call k, in a child that dies there. */
static void crashes(enum fault_mode mode)
{
	int points = 0;
	for (int k = 1; k < 500; k++) {
		struct box b;
		box_open(&b, "crash", false);
		struct plan *p = fault_plan(&b);
		pid_t child = fork();
		assert_true(child >= 0);
		if (child == 0) {
			struct apply_report rep;
			int rc = run_faulty(&b, p, mode, k, &rep);
			tu_child_exit(rc == 0 ? 0 : 1);
		}
		int st;
		waitpid(child, &st, 0);
		assert_true(WIFEXITED(st));
		bool crashed = WEXITSTATUS(st) == 99;
		if (!crashed)
			assert_int_equal(WEXITSTATUS(st), 0);
		int s = fault_state(&b);
		if (s < 0)
			print_error("crash at call %d: a file is neither old nor new\n", k);
		assert_true(s >= 0);
		struct stat jst;
		if (stat(b.journal, &jst) == 0) {
			/* Readable; at most one torn line (a write cut in half). */
			struct journal *j = journal_of(&b);
			assert_true(j->damaged <= 1);
			for (size_t i = 0; i < j->n; i++)
				if (s != 0)
					assert_true(j->entries[i].outcome == JOURNAL_UNFINISHED ||
					            j->entries[i].outcome == JOURNAL_APPLIED);
			journal_close(j);
		}
		/* The next run closes the entry and undo restores the originals. */
		undo_to_old(&b);
		if (stat(b.journal, &jst) == 0) {
			struct journal *j = journal_of(&b);
			for (size_t i = 0; i < j->n; i++)
				assert_int_not_equal(j->entries[i].outcome, JOURNAL_UNFINISHED);
			journal_close(j);
		}
		plan_free(p);
		box_close(&b);
		if (!crashed)
			break;
		points++;
	}
	print_message("%d crash points exercised\n", points);
	assert_true(points > 20);
}

static void test_crash_before_every_call(void **state)
{
	(void)state;
	crashes(F_CRASH_BEFORE);
}

static void test_crash_after_every_call(void **state)
{
	(void)state;
	crashes(F_CRASH_AFTER);
}

/* The fault points again, on a registry hive replaced by a real fix. */
static void on_hive(void (*run)(enum fault_mode), enum fault_mode mode)
{
	if (!g_win_template) {
		g_win_template = tu_mkdtemp("wintemplate");
		hivegen_winroot(g_win_template, "tests/fixtures/winreg/system-broken.reg", NULL, NULL);
	}
	g_hive = true;
	run(mode);
	g_hive = false;
}

static void test_hive_every_call_failing_once(void **state)
{
	(void)state;
	on_hive(failures, F_FAIL_ONCE);
}

static void test_hive_disk_failing_from_every_point_on(void **state)
{
	(void)state;
	on_hive(failures, F_FAIL_FROM);
}

static void test_hive_crash_before_every_call(void **state)
{
	(void)state;
	on_hive(crashes, F_CRASH_BEFORE);
}

static void test_hive_crash_after_every_call(void **state)
{
	(void)state;
	on_hive(crashes, F_CRASH_AFTER);
}

static void on_signal(int sig)
{
	(void)sig;
	fail_msg("a signal reached the test: apply did not hold it");
}

static void interrupted(int sig)
{
	signal(sig, on_signal);
	int points = 0, before = 0, after = 0, held = 0;
	fault.sig = sig;
	for (int k = 1; k < 500; k++) {
		struct box b;
		box_open(&b, "signal", true);
		struct plan *p = two_file_plan(&b);
		char *m = hpath(&b, "/reloaded");
		char *script = xasprintf("touch '%s'", m);
		const char *reload[] = { "sh", "-c", script, NULL };
		plan_add_command(p, reload, "r", CMD_AFTER, false);
		struct apply_report rep;
		int rc = run_faulty(&b, p, F_SIGNAL, k, &rep);
		int fired = fault.fired;
		int s = two_file_state(&b);
		assert_true(s == 0 || s == 1);
		if (fired) {
			assert_int_equal(rep.signal, sig);
			if (rc < 0) {
				assert_int_equal(s, 0);
				assert_int_not_equal(access(m, F_OK), 0);
				assert_non_null(strstr(rep.message, "nothing was changed"));
				before++;
			} else {
				assert_int_equal(s, 1);
				assert_int_equal(rep.ncmds, 1);
				/* The command ran only when the signal came after it. */
				assert_int_equal(access(m, F_OK) == 0, rep.cmds[0].ran);
				if (!rep.cmds[0].ran) {
					assert_non_null(strstr(rep.cmds[0].note, "interrupted"));
					held++;
				}
				after++;
			}
			sigset_t pend;
			sigpending(&pend);
			assert_false(sigismember(&pend, sig));
		} else {
			assert_int_equal(rep.signal, 0);
			assert_int_equal(access(m, F_OK), 0);
		}
		apply_report_free(&rep);
		undo_to_old(&b);
		free(m);
		free(script);
		plan_free(p);
		box_close(&b);
		if (!fired)
			break;
		points++;
	}
	signal(sig, SIG_DFL);
	print_message("%d points: %d stopped before a change, %d finished the files (%d of them "
	              "without running the command)\n",
	              points, before, after, held);
	assert_true(before > 5 && after > 0 && held > 0);
}

static void test_ctrl_c_at_every_call_is_held(void **state)
{
	(void)state;
	interrupted(SIGINT);
}

static void test_sigterm_at_every_call_is_held(void **state)
{
	(void)state;
	interrupted(SIGTERM);
}

static void test_journal_records_and_keeps_secrets_out(void **state)
{
	(void)state;
	struct box b;
	box_open(&b, "record", false);
	put(&b, "/etc/app.conf", "token = s3cr3t-value\nkeep\n", 0640);
	struct plan *p = plan_new("test.record", "Record");
	const char *checks[] = { "a.check", "b.check", NULL };
	plan_add_checks(p, checks);
	plan_set_anchor(p, "the-anchor");
	char *cause = NULL;
	const char *nw = "token = s3cr3t-value\nchanged\n";
	assert_non_null(plan_add_edit(p, b.t, "/etc/app.conf", nw, strlen(nw), "r", &cause));
	struct apply_report rep;
	struct apply_opts o = { .ssh_connection = "10.0.0.5 50000 10.0.0.9 22" };
	assert_int_equal(apply_plan(&b.ctx, p, &o, &rep), 0);
	apply_report_free(&rep);
	char *path = xasprintf("%s/journal.jsonl", b.journal);
	char *text = tu_read_file(path, NULL);
	assert_null(strstr(text, "s3cr3t"));
	/* Two records, each a JSON object on one line. */
	char *nl = strchr(text, '\n');
	assert_non_null(nl);
	*nl = '\0';
	cJSON *r = cJSON_Parse(text);
	assert_non_null(r);
	assert_string_equal(cJSON_GetObjectItem(r, "record")->valuestring, "started");
	assert_string_equal(cJSON_GetObjectItem(r, "id")->valuestring, "1");
	const char *time = cJSON_GetObjectItem(r, "time")->valuestring;
	assert_int_equal(strlen(time), 20);
	assert_true(time[4] == '-' && time[10] == 'T' && time[19] == 'Z');
	assert_string_equal(cJSON_GetObjectItem(r, "anchor")->valuestring, "the-anchor");
	assert_string_equal(cJSON_GetObjectItem(r, "fix")->valuestring, "test.record");
	assert_string_equal(cJSON_GetObjectItem(r, "target_kind")->valuestring, "root");
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(r, "checks")), 2);
	cJSON *f = cJSON_GetArrayItem(cJSON_GetObjectItem(r, "files"), 0);
	assert_string_equal(cJSON_GetObjectItem(f, "path")->valuestring, "/etc/app.conf");
	assert_string_equal(cJSON_GetObjectItem(f, "mode")->valuestring, "0640");
	assert_string_equal(cJSON_GetObjectItem(f, "backup")->valuestring, "backups/1/1-app.conf");
	char hex[SHA256_HEX_LEN + 1];
	sha256_hex("token = s3cr3t-value\nkeep\n", 26, hex);
	assert_string_equal(cJSON_GetObjectItem(f, "sha256_before")->valuestring, hex);
	sha256_hex(nw, strlen(nw), hex);
	assert_string_equal(cJSON_GetObjectItem(f, "sha256_after")->valuestring, hex);
	assert_true(cJSON_IsTrue(cJSON_GetObjectItem(f, "existed")));
	assert_string_equal(cJSON_GetObjectItem(r, "ssh_connection")->valuestring,
	                    "10.0.0.5 50000 10.0.0.9 22");
	cJSON_Delete(r);
	r = cJSON_Parse(nl + 1);
	assert_non_null(r);
	assert_string_equal(cJSON_GetObjectItem(r, "record")->valuestring, "finished");
	assert_string_equal(cJSON_GetObjectItem(r, "outcome")->valuestring, "applied");
	cJSON_Delete(r);
	free(text);
	free(path);
	plan_free(p);
	box_close(&b);
}

static void test_undo_refuses_a_changed_file_unless_forced(void **state)
{
	(void)state;
	struct box b;
	box_open(&b, "changed", false);
	struct plan *p = two_file_plan(&b);
	struct apply_report rep;
	assert_int_equal(apply_plan(&b.ctx, p, NULL, &rep), 0);
	apply_report_free(&rep);
	put(&b, "/etc/app.conf", "edited after the fix\n", 0640);
	int rc = undo_entry(&b.ctx, NULL, NULL, &rep);
	assert_int_equal(rc, -ESTALE);
	assert_non_null(strstr(rep.message, "/etc/app.conf changed since entry 1 was applied"));
	assert_non_null(strstr(rep.message, "--force"));
	apply_report_free(&rep);
	char *x = get(&b, "/etc/app.conf");
	assert_string_equal(x, "edited after the fix\n");
	free(x);
	x = get(&b, "/etc/conf.d/new.conf");
	assert_string_equal(x, NEW_FILE); /* nothing was undone at all */
	free(x);
	struct apply_opts o = { .force = true };
	rc = undo_entry(&b.ctx, NULL, &o, &rep);
	assert_int_equal(rc, 0);
	apply_report_free(&rep);
	assert_int_equal(two_file_state(&b), 0);
	/* The hand edit is kept in the undo entry's backup. */
	char *bk = xasprintf("%s/backups/2/1-app.conf", b.journal);
	x = tu_read_file(bk, NULL);
	assert_string_equal(x, "edited after the fix\n");
	free(x);
	free(bk);
	plan_free(p);
	box_close(&b);
}

static void test_a_waiting_guard_blocks_other_changes(void **state)
{
	(void)state;
	struct box b;
	box_open(&b, "waiting", false);
	struct plan *p = two_file_plan(&b);
	struct apply_report rep;
	assert_int_equal(apply_plan(&b.ctx, p, NULL, &rep), 0);
	apply_report_free(&rep);
	assert_int_equal(undo_entry(&b.ctx, NULL, NULL, &rep), 0);
	apply_report_free(&rep);
	/* Pretend a guard (this very process, so it is alive) waits on 1. */
	struct journal *j = NULL;
	char *cause = NULL;
	assert_int_equal(journal_open(b.journal, NULL, false, &j, &cause), 0);
	assert_int_equal(journal_lock(j, 0, &cause), 0);
	assert_int_equal(journal_record_guard(j, "1", (long)getpid(), 4102444800LL, NULL, &cause), 0);
	journal_close(j);
	assert_int_equal(apply_plan(&b.ctx, p, NULL, &rep), -EBUSY);
	assert_non_null(strstr(rep.message, "waits for confirmation"));
	assert_int_equal(two_file_state(&b), 0);
	apply_report_free(&rep);
	plan_free(p);
	box_close(&b);
}

/* Runs the asr-doctor binary with args (a shell fragment); *out gets
 * stdout and stderr. Returns its exit status. */
static int run_cli(char **out, const char *args)
{
	return tu_sh(out, "%s %s 2>&1", tu_binary(), args);
}

/* Whether the binary has the commands of this module wired in. */
static bool cli_has_fix(void)
{
	if (access(tu_binary(), X_OK) != 0)
		return false;
	char *out = NULL;
	run_cli(&out, "history --journal /nonexistent-asr-journal </dev/null");
	bool ok = out && !strstr(out, "unknown command") && !strstr(out, "unknown option");
	free(out);
	if (!ok)
		print_message("%s has no fix/undo/history commands or --journal yet: not run\n",
		              tu_binary());
	return ok;
}

/* Whether the binary hands GUARD_COMMAND to guard_main. */
static bool cli_has_guard(void)
{
	if (access(tu_binary(), X_OK) != 0)
		return false;
	char *out = NULL;
	run_cli(&out, GUARD_COMMAND " </dev/null");
	bool ok = out && strstr(out, "usage: asr-doctor " GUARD_COMMAND);
	free(out);
	if (!ok)
		print_message("%s does not run as the guard yet: not run\n", tu_binary());
	return ok;
}

static void test_cli_fix_undo_history_confirm(void **state)
{
	(void)state;
	if (!cli_has_fix())
		skip();
	struct box b;
	box_open(&b, "applycli", false);
	tu_sh(NULL, "cp -r tests/fixtures/apply/account-locked/etc '%s/'", b.dir);
	char *out = NULL;
	char *args = xasprintf("--root '%s' fix account.root --dry-run </dev/null", b.dir);
	assert_int_equal(run_cli(&out, args), 0);
	assert_non_null(strstr(out, "1. passwd -u root"));
	assert_non_null(strstr(out, "(--dry-run: nothing was changed)"));
	free(out);
	free(args);
	/* No terminal and no --yes: refused. */
	args = xasprintf("--root '%s' fix 95519 </dev/null", b.dir);
	assert_int_equal(run_cli(&out, args), 2);
	assert_non_null(strstr(out, "refusing to change the machine without a confirmation"));
	free(out);
	free(args);
	/* A mounted root cannot run passwd: listed for after boot, not fixed. */
	args = xasprintf("--root '%s' fix account.root --yes </dev/null", b.dir);
	assert_int_equal(run_cli(&out, args), 1);
	assert_non_null(strstr(out, "Run these after booting the machine:\n  passwd -u root"));
	assert_non_null(strstr(out, "Not fixed."));
	free(out);
	free(args);

	/* A file change made through the library, then the commands. The
	 * binary runs only its own fixes' commands at undo, so this one has
	 * no validator (test_undo_runs_only_the_fix_definitions_commands). */
	struct plan *p = two_file_plan(&b);
	argv_free(p->edits[0].validator);
	p->edits[0].validator = NULL;
	struct apply_report rep;
	assert_int_equal(apply_plan(&b.ctx, p, NULL, &rep), 0);
	apply_report_free(&rep);
	args = xasprintf("--root '%s' history </dev/null", b.dir);
	assert_int_equal(run_cli(&out, args), 0);
	assert_non_null(strstr(out, "test.two_files"));
	assert_non_null(strstr(out, "#test-anchor"));
	assert_non_null(strstr(out, "/etc/app.conf, /etc/conf.d/new.conf"));
	free(out);
	free(args);
	args = xasprintf("--root '%s' undo --dry-run </dev/null", b.dir);
	assert_int_equal(run_cli(&out, args), 0);
	assert_non_null(strstr(out, "-new value\n+old value\n"));
	assert_non_null(strstr(out, "Remove /etc/conf.d/new.conf"));
	free(out);
	free(args);
	args = xasprintf("--root '%s' undo </dev/null", b.dir);
	assert_int_equal(run_cli(&out, args), 2);
	free(out);
	free(args);
	assert_int_equal(two_file_state(&b), 1);
	args = xasprintf("--root '%s' undo 1 --yes </dev/null", b.dir);
	assert_int_equal(run_cli(&out, args), 0);
	free(out);
	free(args);
	assert_int_equal(two_file_state(&b), 0);
	args = xasprintf("--root '%s' undo 1 --yes </dev/null", b.dir);
	assert_int_equal(run_cli(&out, args), 1);
	assert_non_null(strstr(out, "already undone by entry 2"));
	free(out);
	free(args);
	args = xasprintf("--root '%s' confirm </dev/null", b.dir);
	assert_int_equal(run_cli(&out, args), 1);
	assert_non_null(strstr(out, "no change waits for confirmation"));
	free(out);
	free(args);
	plan_free(p);
	box_close(&b);
}

/* The binary's own hidden guard command undoes an unconfirmed change. */
static void test_cli_binary_runs_as_the_guard(void **state)
{
	(void)state;
	if (!cli_has_guard())
		skip();
	char *exe = realpath(tu_binary(), NULL);
	struct box b;
	box_open(&b, "applyguard", true);
	put(&b, "/etc/g.conf", "old\n", 0644);
	char *target = tpath(&b, "/etc/g.conf");
	struct plan *p = plan_new("t", NULL);
	char *cause = NULL;
	assert_non_null(plan_add_edit(p, b.t, target, "new\n", 4, "r", &cause));
	struct apply_report rep;
	assert_int_equal(apply_plan(&b.ctx, p, NULL, &rep), 0);
	struct guard_spec g = {
		.journal_dir = b.journal, .entry_id = rep.entry_id, .within_s = 1, .exe = exe
	};
	assert_int_equal(guard_start(&g, NULL, &cause), 0);
	apply_report_free(&rep);
	bool done = false;
	for (int i = 0; i < 100 && !done; i++) {
		usleep(100000);
		char *x = get(&b, "/etc/g.conf");
		done = strcmp(x, "old\n") == 0;
		free(x);
	}
	assert_true(done);
	free(target);
	free(exe);
	plan_free(p);
	box_close(&b);
}

/* A seam that fails only some calls: opens of the journal file after
 * the first (the disk filled up after the entry started) or renames from
 * the nth on. */
static struct {
	int journal_opens;
	int renames;
	int fail_rename_from; /* 0: never */
	bool fail_journal_end;
} sel;

static int sel_open(const char *path, int flags, mode_t mode)
{
	if (str_ends(path, "/journal.jsonl") && ++sel.journal_opens > 1 && sel.fail_journal_end) {
		errno = ENOSPC;
		return -1;
	}
	return open(path, flags, mode);
}

static int sel_rename(const char *a, const char *b)
{
	if (sel.fail_rename_from && ++sel.renames >= sel.fail_rename_from) {
		errno = EIO;
		return -1;
	}
	return rename(a, b);
}

static struct apply_fs selective_fs(void)
{
	struct apply_fs fs = apply_fs_real;
	fs.open = sel_open;
	fs.rename = sel_rename;
	memset(&sel, 0, sizeof sel);
	return fs;
}

/* The journal could not record the end of the entry: it stays unfinished,
 * and a bare undo (its preview first, as the command line does) takes it. */
static void test_unrecorded_end_is_what_bare_undo_undoes(void **state)
{
	(void)state;
	struct box b;
	box_open(&b, "noend", false);
	struct plan *p = two_file_plan(&b);
	struct apply_fs fs = selective_fs();
	sel.fail_journal_end = true;
	struct apply_opts o = { .fs = &fs };
	struct apply_report rep;
	assert_int_equal(apply_plan(&b.ctx, p, &o, &rep), 0);
	assert_int_equal(two_file_state(&b), 1);
	assert_non_null(strstr(rep.notes.v[0], "could not record the end of entry 1"));
	apply_report_free(&rep);
	struct journal *j = journal_of(&b);
	assert_int_equal(j->entries[0].outcome, JOURNAL_UNFINISHED);
	journal_close(j);
	struct sbuf out = { 0 };
	char *cause = NULL;
	int rc = undo_preview(&b.ctx, NULL, false, &out, &cause);
	if (rc)
		print_error("%s\n", cause);
	assert_int_equal(rc, 0);
	assert_non_null(strstr(sb_str(&out), "Undo entry 1"));
	sb_free(&out);
	assert_int_equal(undo_entry(&b.ctx, NULL, NULL, &rep), 0);
	apply_report_free(&rep);
	assert_int_equal(two_file_state(&b), 0);
	plan_free(p);
	box_close(&b);
}

/* The second rename fails and putting the first file back fails too: the
 * journal says files were left changed, and undo restores them. */
static void test_failed_roll_back_is_recorded_and_undone(void **state)
{
	(void)state;
	struct box b;
	box_open(&b, "rbfail", false);
	struct plan *p = two_file_plan(&b);
	struct apply_fs fs = selective_fs();
	sel.fail_rename_from = 2;
	struct apply_opts o = { .fs = &fs };
	struct apply_report rep;
	assert_true(apply_plan(&b.ctx, p, &o, &rep) < 0);
	assert_int_equal(rep.outcome, JOURNAL_FAILED);
	assert_true(rep.changed);
	/* The undo command names the root it is for. */
	char *undo = xasprintf("'asr-doctor --root %s undo 1' puts them back", b.t->root);
	assert_non_null(strstr(rep.message, undo));
	free(undo);
	apply_report_free(&rep);
	assert_int_equal(two_file_state(&b), 2); /* app.conf new, new.conf absent */
	struct journal *j = journal_of(&b);
	assert_int_equal(j->entries[0].outcome, JOURNAL_FAILED);
	assert_true(j->entries[0].changed);
	assert_ptr_equal(journal_get(j, NULL), &j->entries[0]);
	journal_close(j);
	int rc = undo_entry(&b.ctx, NULL, NULL, &rep);
	if (rc)
		print_error("%s\n", rep.message);
	assert_int_equal(rc, 0);
	apply_report_free(&rep);
	assert_int_equal(two_file_state(&b), 0);
	assert_int_equal(temps_left(&b), 0);
	plan_free(p);
	box_close(&b);
}

/* ---- undo interrupted, and commands with an inverse ---- */

/* Undo of the fault plan, interrupted at each file-system call in turn
 * (failing once, failing from then on, a crash before or after it in a
 * child): every file is the old or the new version, the journal reads
 * back, and a plain undo afterwards gets the originals back. */
static void undo_interrupted(enum fault_mode mode)
{
	int points = 0;
	bool crash = mode == F_CRASH_BEFORE || mode == F_CRASH_AFTER;
	for (int k = 1; k < 500; k++) {
		struct box b;
		box_open(&b, "undofault", false);
		struct plan *p = fault_plan(&b);
		struct apply_report rep;
		int rc = apply_plan(&b.ctx, p, NULL, &rep);
		if (rc)
			print_error("%s\n", rep.message);
		assert_int_equal(rc, 0);
		apply_report_free(&rep);
		assert_int_equal(fault_state(&b), 1);
		bool hit;
		if (crash) {
			pid_t child = fork();
			assert_true(child >= 0);
			if (child == 0) {
				fault_set(mode, k);
				struct apply_opts o = { .fs = &faulty_fs };
				int urc = undo_entry(&b.ctx, "latest", &o, &rep);
				_exit(urc == 0 ? 0 : 1);
			}
			int st;
			waitpid(child, &st, 0);
			assert_true(WIFEXITED(st));
			hit = WEXITSTATUS(st) == 99;
			if (!hit)
				assert_int_equal(WEXITSTATUS(st), 0);
		} else {
			fault_set(mode, k);
			struct apply_opts o = { .fs = &faulty_fs };
			rc = undo_entry(&b.ctx, "latest", &o, &rep);
			fault.mode = F_NONE;
			hit = fault.fired > 0;
			int s = fault_state(&b);
			if (rc == 0) {
				assert_int_equal(s, 0);
			} else if (mode == F_FAIL_ONCE) {
				/* One failure: the files as the fix left them. */
				if (s != 1)
					print_error("k=%d: %s\n", k, rep.message);
				assert_int_equal(s, 1);
				assert_int_equal(fault_temps(&b), 0);
			}
			apply_report_free(&rep);
		}
		int s = fault_state(&b);
		if (s < 0)
			print_error("undo stopped at call %d: a file is neither old nor new\n", k);
		assert_true(s >= 0);
		struct journal *j = journal_of(&b);
		assert_true(j->damaged <= 1);
		journal_close(j);
		/* The next undo finishes the job. */
		undo_to_old(&b);
		plan_free(p);
		box_close(&b);
		if (!hit)
			break;
		points++;
	}
	print_message("%d points of undo exercised\n", points);
	assert_true(points > 10);
}

static void test_undo_failing_once_at_every_call(void **state)
{
	(void)state;
	undo_interrupted(F_FAIL_ONCE);
}

static void test_undo_disk_failing_from_every_point_on(void **state)
{
	(void)state;
	undo_interrupted(F_FAIL_FROM);
}

static void test_undo_crash_before_every_call(void **state)
{
	(void)state;
	undo_interrupted(F_CRASH_BEFORE);
}

static void test_undo_crash_after_every_call(void **state)
{
	(void)state;
	undo_interrupted(F_CRASH_AFTER);
}

static void test_hive_undo_crash_after_every_call(void **state)
{
	(void)state;
	on_hive(undo_interrupted, F_CRASH_AFTER);
}

/* test.inverse's commands append "X" to a log (sh -c 'echo X >> LOG');
 * each is undone by appending "undo-X". */
static char **inverse_of(const struct fix_ctx *ctx, const char *const *argv)
{
	(void)ctx;
	if (!argv || !argv[0] || !argv[1] || !argv[2] || !str_starts(argv[2], "echo "))
		return NULL;
	char *script = xasprintf("echo undo-%s", argv[2] + 5);
	const char *inv[] = { "sh", "-c", script, NULL };
	char **v = argv_dup(inv);
	free(script);
	return v;
}

/* Adds "echo WORD >> LOG" with its inverse to p. */
static void add_logged(struct plan *p, const char *word, const char *log)
{
	char *script = xasprintf("echo %s >> '%s'", word, log);
	const char *argv[] = { "sh", "-c", script, NULL };
	struct plan_cmd *c = plan_add_command(p, argv, "r", CMD_AFTER, false);
	char **inv = inverse_of(NULL, argv);
	plan_cmd_inverse(c, (const char *const *)inv);
	argv_free(inv);
	free(script);
}

static void test_undo_of_a_command_only_fix_runs_the_inverses(void **state)
{
	(void)state;
	struct box b;
	box_open(&b, "inverse", true);
	char *log = hpath(&b, "/log");
	struct plan *p = plan_new("test.inverse", "Commands only");
	add_logged(p, "a", log);
	add_logged(p, "b", log);
	/* A third command says nothing about its undoing. */
	const char *plain[] = { "true", NULL };
	plan_add_command(p, plain, "r", CMD_AFTER, false);
	struct sbuf text = { 0 };
	plan_format(p, &text);
	assert_non_null(strstr(sb_str(&text), "Undone by: sh -c 'echo undo-a >>"));
	assert_non_null(strstr(sb_str(&text), "cannot be undone by asr-doctor"));
	sb_free(&text);
	struct apply_report rep;
	int rc = apply_plan(&b.ctx, p, NULL, &rep);
	if (rc)
		print_error("%s\n", rep.message);
	assert_int_equal(rc, 0);
	apply_report_free(&rep);
	char *got = tu_read_file(log, NULL);
	assert_string_equal(got, "a\nb\n");
	free(got);
	/* Undo runs the inverses, last first, from the fix's definition. */
	struct sbuf out = { 0 };
	char *cause = NULL;
	assert_int_equal(undo_preview(&b.ctx, NULL, false, &out, &cause), 0);
	assert_non_null(strstr(sb_str(&out), "echo undo-b"));
	sb_free(&out);
	rc = undo_entry(&b.ctx, NULL, NULL, &rep);
	if (rc)
		print_error("%s\n", rep.message);
	assert_int_equal(rc, 0);
	assert_int_equal(rep.outcome, JOURNAL_UNDONE);
	assert_int_equal(rep.ncmds, 2);
	apply_report_free(&rep);
	got = tu_read_file(log, NULL);
	assert_string_equal(got, "a\nb\nundo-b\nundo-a\n");
	free(got);
	struct journal *j = journal_of(&b);
	assert_int_equal(j->n, 2);
	assert_string_equal(j->entries[0].undone_by, "2");
	assert_non_null(j->entries[0].cmds[0].inverse);
	journal_close(j);

	/* A journal whose recorded inverse is not the fix's is refused,
	 * and nothing runs. */
	assert_int_equal(apply_plan(&b.ctx, p, NULL, &rep), 0);
	apply_report_free(&rep);
	assert_int_equal(tu_sh(NULL, "sed -i 's/undo-b/pwned/' '%s/journal.jsonl'", b.journal), 0);
	rc = undo_entry(&b.ctx, NULL, NULL, &rep);
	assert_int_equal(rc, -EPERM);
	assert_non_null(strstr(rep.message, "never a journal's"));
	apply_report_free(&rep);
	got = tu_read_file(log, NULL);
	assert_string_equal(got, "a\nb\nundo-b\nundo-a\na\nb\n");
	free(got);
	free(log);
	plan_free(p);
	box_close(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_apply_and_undo_exact_bytes_and_mode),
		cmocka_unit_test(test_owner_and_special_mode_kept),
		cmocka_unit_test(test_symlinked_target_changes_the_real_file),
		cmocka_unit_test(test_real_sshd_rejects_broken_config_and_rolls_back),
		cmocka_unit_test(test_lock_refuses_a_second_apply),
		cmocka_unit_test(test_commands_only_run_when_the_callback_agrees),
		cmocka_unit_test(test_mounted_root_lists_commands_for_after_boot),
		cmocka_unit_test(test_bad_input_changes_nothing),
		cmocka_unit_test(test_every_call_failing_once),
		cmocka_unit_test(test_disk_failing_from_every_point_on),
		cmocka_unit_test(test_crash_before_every_call),
		cmocka_unit_test(test_crash_after_every_call),
		cmocka_unit_test(test_hive_every_call_failing_once),
		cmocka_unit_test(test_hive_disk_failing_from_every_point_on),
		cmocka_unit_test(test_hive_crash_before_every_call),
		cmocka_unit_test(test_hive_crash_after_every_call),
		cmocka_unit_test(test_ctrl_c_at_every_call_is_held),
		cmocka_unit_test(test_sigterm_at_every_call_is_held),
		cmocka_unit_test(test_journal_records_and_keeps_secrets_out),
		cmocka_unit_test(test_undo_refuses_a_changed_file_unless_forced),
		cmocka_unit_test(test_a_waiting_guard_blocks_other_changes),
		cmocka_unit_test(test_cli_fix_undo_history_confirm),
		cmocka_unit_test(test_cli_binary_runs_as_the_guard),
		cmocka_unit_test(test_unrecorded_end_is_what_bare_undo_undoes),
		cmocka_unit_test(test_failed_roll_back_is_recorded_and_undone),
		cmocka_unit_test(test_undo_failing_once_at_every_call),
		cmocka_unit_test(test_undo_disk_failing_from_every_point_on),
		cmocka_unit_test(test_undo_crash_before_every_call),
		cmocka_unit_test(test_undo_crash_after_every_call),
		cmocka_unit_test(test_hive_undo_crash_after_every_call),
		cmocka_unit_test(test_undo_of_a_command_only_fix_runs_the_inverses),
	};
	fix_add_definitions(suite_fixes);
	int rc = cmocka_run_group_tests_name("apply", tests, NULL, NULL);
	tu_rmtree(g_win_template);
	free(g_win_template);
	free(g_hive_old);
	free(g_hive_new);
	return rc;
}
