/* test_target.c: what the target says of itself so that no code outside
 * engine/target/ has to look at its kind: whether two targets are the
 * same (a mounted root however its folder is named, a machine over SSH by
 * its location, this machine always), its kind by the name a journal or a
 * saved state records, a working target made again from such a
 * description (the guard's), where a described target's journal was,
 * what a change asks before it writes, and a mounted root's paths kept
 * inside its folder. */
#include "support/testutil.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "engine/change/journal.h"
#include "engine/target/target.h"
#include "engine/util/util.h"

struct dirs {
	char *top, *mnt, *link, *dotted, *other;
};

static void dirs_make(struct dirs *d)
{
	d->top = tu_mkdtemp("target");
	d->mnt = xasprintf("%s/mnt", d->top);
	d->link = xasprintf("%s/link", d->top);
	d->dotted = xasprintf("%s/./mnt/", d->top);
	d->other = xasprintf("%s/other", d->top);
	assert_int_equal(mkdir(d->mnt, 0755), 0);
	assert_int_equal(mkdir(d->other, 0755), 0);
	assert_int_equal(symlink(d->mnt, d->link), 0);
}

static void dirs_free(struct dirs *d)
{
	tu_rmtree(d->top);
	free(d->top);
	free(d->mnt);
	free(d->link);
	free(d->dotted);
	free(d->other);
}

static void test_same_target(void **state)
{
	(void)state;
	struct dirs d;
	dirs_make(&d);
	char *cause = NULL;
	struct target *here = target_local_new();
	struct target *root = target_root_new(d.link, &cause);
	assert_non_null(root);
	/* A live target and descriptions of it, its folder named three ways. */
	struct target *by_mnt = target_described_new("root", "saved", d.mnt);
	struct target *by_dots = target_described_new("root", "saved", d.dotted);
	struct target *by_other = target_described_new("root", "saved", d.other);
	struct target *local = target_described_new("local", "saved", NULL);
	struct target *web01 = target_described_new("ssh", "saved", "root@web01:22");
	struct target *web01b = target_described_new("ssh", "other name", "root@web01:22");
	struct target *web02 = target_described_new("ssh", "saved", "root@web02:22");
	assert_true(target_same(root, by_mnt));
	assert_true(target_same(by_dots, root));
	assert_false(target_same(root, by_other));
	assert_false(target_same(root, here));
	assert_true(target_same(here, local));
	assert_false(target_same(local, web01));
	assert_true(target_same(web01, web01b));
	assert_false(target_same(web01, web02));
	assert_false(target_same(NULL, here));
	assert_false(target_same(here, NULL));
	/* Saved canonical: the folder itself, not the link. */
	char *canon = realpath(d.mnt, NULL);
	char *loc = target_location_canonical(by_dots);
	assert_string_equal(loc, canon);
	free(loc);
	assert_null(target_location_canonical(here));
	loc = target_location_canonical(web01);
	assert_string_equal(loc, "root@web01:22");
	free(loc);
	free(canon);
	/* The kind by its recorded name. */
	assert_true(target_is_kind(root, "root"));
	assert_true(target_is_kind(here, "local"));
	assert_true(target_is_kind(web01, "ssh"));
	assert_false(target_is_kind(here, "root"));
	assert_false(target_is_kind(here, NULL));
	assert_false(target_is_kind(NULL, "local"));
	/* An unknown kind describes this machine, but is not of its kind. */
	struct target *odd = target_described_new("vax", "saved", NULL);
	assert_false(target_is_kind(odd, "vax"));
	target_free(odd);
	struct target *all[] = { here, root, by_mnt, by_dots, by_other, local, web01, web01b, web02 };
	for (size_t i = 0; i < ARRAY_LEN(all); i++)
		target_free(all[i]);
	dirs_free(&d);
}

static void test_open_described(void **state)
{
	(void)state;
	struct dirs d;
	dirs_make(&d);
	char *cause = NULL;
	/* This machine, with or without its kind's name. */
	for (int i = 0; i < 2; i++) {
		struct target *t = target_open_described(i ? "local" : NULL, NULL, &cause);
		assert_non_null(t);
		assert_true(t->this_machine && t->can_run && t->can_write);
		struct target *again = target_local_new();
		assert_true(target_same(t, again));
		target_free(again);
		target_free(t);
	}
	/* A mounted root: the same target as the one described, files
	 * read inside it. */
	char *file = xasprintf("%s/etc/hostname", d.mnt);
	tu_write_file(file, "inside\n");
	struct target *root = target_root_new(d.link, &cause);
	assert_non_null(root);
	struct target *t = target_open_described(target_kind_name(root), target_location(root),
	                                         &cause);
	assert_non_null(t);
	assert_true(target_same(t, root));
	assert_true(t->offline);
	char *data = NULL;
	size_t len = 0;
	assert_int_equal(target_read(t, "/etc/hostname", &data, &len), 0);
	assert_string_equal(data, "inside\n");
	free(data);
	target_free(t);
	target_free(root);
	/* Its folder gone: refused with the cause. */
	char *gone = xasprintf("%s/gone", d.top);
	assert_null(target_open_described("root", gone, &cause));
	assert_non_null(cause);
	assert_non_null(strstr(cause, gone));
	free(cause);
	cause = NULL;
	/* A machine over SSH needs its login, and an unknown kind is none. */
	assert_null(target_open_described("ssh", "root@192.0.2.7:22", &cause));
	assert_non_null(strstr(cause, "cannot be reached again from its description"));
	free(cause);
	cause = NULL;
	/* So does a root mounted on one: the login, not the folder, is
	 * what a description cannot give. */
	assert_null(target_open_described("ssh-root", "root@192.0.2.7:22/mnt/sysroot", &cause));
	assert_non_null(strstr(cause, "'ssh-root' cannot be reached again from its description"));
	free(cause);
	cause = NULL;
	assert_null(target_open_described("vax", NULL, &cause));
	assert_non_null(strstr(cause, "unknown kind of target 'vax'"));
	free(cause);
	free(gone);
	free(file);
	dirs_free(&d);
}

/* What a change asks before anything changes: whether a folder takes
 * new files and whether an owner can be kept, answered by the target. */
/* A target known by its description (a replayed report) keeps its
 * journal where it was: under a mounted root's folder on this machine;
 * for a machine over SSH, a path there, never a folder named after its
 * address. */
static void test_described_journal_dir(void **state)
{
	struct target *root = target_described_new("root", "saved", "/mnt/saved-os");
	struct target *slash = target_described_new("root", "saved", "/");
	struct target *web01 = target_described_new("ssh", "saved", "root@web01:22");
	char *a = journal_default_dir(root), *b = journal_default_dir(slash),
	     *c = journal_default_dir(web01);
	char *want = xasprintf("/mnt/saved-os%s", target_journal_dir(root));
	assert_string_equal(a, want);
	assert_string_equal(b, target_journal_dir(slash));
	assert_string_equal(c, target_journal_dir(web01));
	assert_true(c[0] == '/');
	free(want);
	free(a);
	free(b);
	free(c);
	target_free(root);
	target_free(slash);
	target_free(web01);
}

static void test_may_change_and_owners(void **state)
{
	(void)state;
	struct dirs d;
	dirs_make(&d);
	char *cause = NULL;
	struct target *root = target_root_new(d.link, &cause);
	assert_non_null(root);
	assert_int_equal(target_may_change(root, "/", true), 0);
	char *file = xasprintf("%s/f", d.mnt);
	tu_write_file(file, "x\n");
	assert_int_equal(target_may_change(root, "/f", false), 0);
	if (geteuid() != 0) {
		/* A folder the writer may not write in (root writes anyway). */
		assert_int_equal(chmod(d.mnt, 0555), 0);
		assert_int_equal(target_may_change(root, "/", true), -EACCES);
		assert_int_equal(chmod(d.mnt, 0755), 0);
	}
	/* As root any owner; else only the writer's own. */
	assert_true(root->writer_known);
	assert_int_equal(root->writer_uid, geteuid());
	assert_true(target_can_own(root, geteuid(), 4242));
	assert_int_equal(target_can_own(root, 4242, 4242), geteuid() == 0);
	/* A target that does not know its writer: the owner the file has. */
	struct target *far = target_described_new("ssh", "far", "u@192.0.2.7:22");
	assert_false(far->writer_known);
	assert_true(target_can_own(far, 4242, 4242));
	assert_false(target_can_own(far, 0, 4242));
	far->is_root = true;
	assert_true(target_can_own(far, 0, 4242));
	/* and cannot tell whether a folder takes files: the write will. */
	assert_int_equal(target_may_change(far, "/etc", true), 0);
	target_free(far);
	target_free(root);
	free(file);
	dirs_free(&d);
}

/* Reads target path through t: the bytes, or NULL when it fails with
 * want_rc. */
static char *read_or(struct target *t, const char *path, int want_rc)
{
	char *data = NULL;
	size_t len = 0;
	assert_int_equal(target_read(t, path, &data, &len), want_rc);
	return data;
}

/* A mounted root of this machine resolves every path inside its folder,
 * with the walk of rootpath.c over lstat(2) and readlink(2): an absolute
 * link and one that climbs out with ".." find the root's files, never
 * this machine's; loops and chains past 40 links are ELOOP; a file on the
 * way is ENOTDIR; a dangling link is ENOENT followed and itself kept. */
static void test_root_paths_stay_inside(void **state)
{
	(void)state;
	struct dirs d;
	dirs_make(&d);
	char *outside = xasprintf("%s/outside.conf", d.other);
	tu_write_file(outside, "OUTSIDE\n");
	char *sh = NULL;
	assert_int_equal(tu_sh(&sh, "cd '%s' && mkdir etc && echo ROOT > etc/passwd && "
				    "ln -s '%s' etc/abs && "
				    "ln -s '../../../../../../../../../../..%s' etc/rel && "
				    "ln -s / etc/top && ln -s loop etc/loop && "
				    "ln -s /nowhere/file etc/dangle && "
				    "i=0; while [ $i -lt 40 ]; do ln -s c$((i + 1)) c$i; i=$((i + 1)); done; "
				    "ln -s etc/passwd c40",
			       d.mnt, outside, outside),
			 0);
	free(sh);
	char *cause = NULL;
	struct target *t = target_root_new(d.mnt, &cause);
	assert_non_null(t);
	/* Out of the root: nothing there inside it. */
	assert_null(read_or(t, "/etc/abs", -ENOENT));
	assert_null(read_or(t, "/etc/rel", -ENOENT));
	/* The same path inside the root is what both links find. */
	char *inner = xasprintf("%s%s", d.mnt, outside);
	assert_int_equal(tu_sh(NULL, "mkdir -p \"$(dirname '%s')\" && echo INSIDE > '%s'", inner,
			       inner),
			 0);
	char *data = read_or(t, "/etc/abs", 0);
	assert_string_equal(data, "INSIDE\n");
	free(data);
	data = read_or(t, "/etc/rel", 0);
	assert_string_equal(data, "INSIDE\n");
	free(data);
	char *real = NULL;
	assert_int_equal(target_realpath(t, "/etc/rel", &real), 0);
	assert_string_equal(real, outside);
	free(real);
	char *host = target_host_path(t, "/etc/abs");
	assert_string_equal(host, inner);
	free(host);
	/* "/" and ".." are the root's, however reached. */
	data = read_or(t, "/../../../etc/passwd", 0);
	assert_string_equal(data, "ROOT\n");
	free(data);
	data = read_or(t, "/etc/top/etc/top/../etc/passwd", 0);
	assert_string_equal(data, "ROOT\n");
	free(data);
	/* Loops and long chains: 40 links are followed, not 41. */
	struct target_stat st;
	assert_null(read_or(t, "/etc/loop", -ELOOP));
	assert_int_equal(target_lstat(t, "/etc/loop", &st), 0);
	assert_true(S_ISLNK(st.mode));
	data = read_or(t, "/c1", 0);
	assert_string_equal(data, "ROOT\n");
	free(data);
	assert_null(read_or(t, "/c0", -ELOOP));
	/* A file on the way; a dangling link followed, and kept. */
	assert_null(read_or(t, "/etc/passwd/x", -ENOTDIR));
	assert_int_equal(target_stat(t, "/etc/dangle", &st), -ENOENT);
	assert_int_equal(target_lstat(t, "/etc/dangle", &st), 0);
	assert_true(S_ISLNK(st.mode));
	/* This machine's file is untouched and was never the answer. */
	data = tu_read_file(outside, NULL);
	assert_string_equal(data, "OUTSIDE\n");
	free(data);
	target_free(t);
	free(inner);
	free(outside);
	dirs_free(&d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_same_target),
		cmocka_unit_test(test_open_described),
		cmocka_unit_test(test_described_journal_dir),
		cmocka_unit_test(test_may_change_and_owners),
		cmocka_unit_test(test_root_paths_stay_inside),
	};
	return cmocka_run_group_tests_name("target", tests, NULL, NULL);
}
