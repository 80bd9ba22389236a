/* test_rootpath.c: the resolver both mounted roots use (a folder of this
 * machine, one on a machine over SSH) over a root held in memory: a table
 * of folders, files and links. Absolute links start again at the root,
 * ".." stops there, loops and chains longer than the kernel's 40 end in
 * ELOOP, a trailing link is followed or kept as asked, an lstat that
 * fails for another reason than "nothing there" ends the walk; and every
 * path the resolver asks about, like every path it hands back, is plain
 * and has no link before its last component, so the operation on it
 * cannot be sent anywhere by the disk. */
#include "support/testutil.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "engine/target/rootpath.h"
#include "engine/util/util.h"

/* One name of the root in memory. */
struct node {
	char *path; /* owned: "/a/b" */
	char type;  /* 'd' folder, 'f' file, 'l' link */
	char *to;   /* owned: a link's contents */
};

struct fake {
	struct node *nodes; /* owned */
	size_t n;
	int lstats, readlinks;  /* questions asked */
	const char *unreadable; /* borrowed: a link whose readlink fails EACCES */
	const char *unknown;    /* borrowed: a path whose lstat fails with */
	int unknown_rc;         /* this error */
};

static void add(struct fake *f, const char *path, char type, const char *to)
{
	f->nodes = xrealloc(f->nodes, (f->n + 1) * sizeof *f->nodes);
	f->nodes[f->n++] = (struct node){ .path = xstrdup(path), .type = type,
					  .to = to ? xstrdup(to) : NULL };
}

static const struct node *find(const struct fake *f, const char *path, size_t len)
{
	for (size_t i = 0; i < f->n; i++)
		if (strlen(f->nodes[i].path) == len && strncmp(f->nodes[i].path, path, len) == 0)
			return &f->nodes[i];
	return NULL;
}

/* Asserts that path is "/" or a plain resolved path: absolute, no empty,
 * "." or ".." component, and no link before its last component (a link
 * there would be followed by whatever operates on the path). */
static void assert_plain(const struct fake *f, const char *path)
{
	assert_true(path[0] == '/');
	if (strcmp(path, "/") == 0)
		return;
	for (const char *c = path + 1;;) {
		const char *e = strchr(c, '/');
		size_t n = e ? (size_t)(e - c) : strlen(c);
		assert_true(n > 0);
		assert_false(n == 1 && c[0] == '.');
		assert_false(n == 2 && c[0] == '.' && c[1] == '.');
		if (!e)
			break;
		const struct node *d = find(f, path, (size_t)(e - path));
		assert_false(d && d->type == 'l');
		c = e + 1;
	}
}

/* lstat as a file system answers it: the node's type; ENOTDIR under a
 * file; ENOENT for what is missing. The root itself is never asked. */
static int fake_lstat(void *arg, const char *path, mode_t *mode)
{
	struct fake *f = arg;
	f->lstats++;
	assert_plain(f, path);
	if (f->unknown && strcmp(path, f->unknown) == 0)
		return f->unknown_rc;
	const struct node *nd = find(f, path, strlen(path));
	if (nd) {
		*mode = nd->type == 'd' ? S_IFDIR | 0755 : nd->type == 'f' ? S_IFREG | 0644
									       : S_IFLNK | 0777;
		return 0;
	}
	for (const char *s = strchr(path + 1, '/'); s; s = strchr(s + 1, '/')) {
		const struct node *p = find(f, path, (size_t)(s - path));
		if (p && p->type == 'f')
			return -ENOTDIR;
	}
	return -ENOENT;
}

static int fake_readlink(void *arg, const char *path, char **target)
{
	struct fake *f = arg;
	f->readlinks++;
	assert_plain(f, path);
	if (f->unreadable && strcmp(path, f->unreadable) == 0)
		return -EACCES;
	const struct node *nd = find(f, path, strlen(path));
	if (!nd || nd->type != 'l')
		return nd ? -EINVAL : -ENOENT;
	*target = xstrdup(nd->to);
	return 0;
}

/* The name in dir spelled as the table spells it, ignoring case (a
 * Windows volume). */
static char *fake_spell(void *arg, const char *dir, const char *name)
{
	struct fake *f = arg;
	size_t dl = strlen(dir);
	for (size_t i = 0; i < f->n; i++) {
		const char *p = f->nodes[i].path;
		if (strncmp(p, dir, dl) == 0 && !strchr(p + dl, '/') && str_ieq(p + dl, name))
			return xstrdup(p + dl);
	}
	return NULL;
}

static int setup(void **state)
{
	struct fake *f = xcalloc(1, sizeof *f);
	add(f, "/etc", 'd', NULL);
	add(f, "/etc/passwd", 'f', NULL);
	add(f, "/etc/shadow", 'f', NULL);
	add(f, "/usr", 'd', NULL);
	add(f, "/usr/bin", 'd', NULL);
	add(f, "/usr/lib", 'd', NULL);
	add(f, "/usr/lib/libc.so", 'f', NULL);
	add(f, "/lib", 'l', "usr/lib");
	add(f, "/usr/lib/abs", 'l', "/etc/passwd");
	add(f, "/bin", 'l', "/usr/bin");
	add(f, "/rootlink", 'l', "/");
	add(f, "/escape", 'l', "/../../../../etc/shadow");
	add(f, "/up", 'l', "../../../../etc/passwd");
	add(f, "/etc/up", 'l', "../../../../usr");
	add(f, "/etc/alt", 'l', "passwd");
	add(f, "/loop1", 'l', "loop2");
	add(f, "/loop2", 'l', "/loop1");
	add(f, "/self", 'l', "self");
	add(f, "/dangle", 'l', "/nowhere/file");
	add(f, "/noread", 'l', "etc");
	add(f, "/Windows", 'd', NULL);
	add(f, "/Windows/System32", 'd', NULL);
	add(f, "/Windows/Temp", 'l', "/etc");
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fake *f = *state;
	for (size_t i = 0; i < f->n; i++) {
		free(f->nodes[i].path);
		free(f->nodes[i].to);
	}
	free(f->nodes);
	free(f);
	return 0;
}

/* Resolves path in f (names as written) and asserts the outcome: rc, and
 * when 0 the resolved path, plain. */
static void want_io(struct fake *f, bool spell, const char *path, bool follow, int rc,
		    const char *resolved)
{
	const struct rootpath_io io = { .lstat = fake_lstat, .readlink = fake_readlink,
					.spell = spell ? fake_spell : NULL, .arg = f };
	static char unset[] = "unset";
	char *out = unset;
	assert_int_equal(rootpath_resolve(&io, path, follow, &out), rc);
	if (rc < 0) {
		assert_null(out);
		return;
	}
	assert_non_null(out);
	assert_string_equal(out, resolved);
	assert_plain(f, out);
	free(out);
}

static void want(struct fake *f, const char *path, bool follow, int rc, const char *resolved)
{
	want_io(f, false, path, follow, rc, resolved);
}

/* The operation's own lstat of a resolved path. */
static int lstat_of(struct fake *f, const char *path)
{
	mode_t m = 0;
	return fake_lstat(f, path, &m);
}

static void test_plain_paths(void **state)
{
	struct fake *f = *state;
	want(f, "/", true, 0, "/");
	want(f, "/etc/passwd", true, 0, "/etc/passwd");
	want(f, "/etc/passwd", false, 0, "/etc/passwd");
	want(f, "/etc/missing", true, 0, "/etc/missing");
	/* Not a path on the examined machine. */
	want(f, "", true, -EINVAL, NULL);
	want(f, "etc/passwd", true, -EINVAL, NULL);
	want(f, "../etc/passwd", true, -EINVAL, NULL);
	want(f, NULL, true, -EINVAL, NULL);
	assert_int_equal(f->readlinks, 0);
}

static void test_empty_components_and_dots(void **state)
{
	struct fake *f = *state;
	want(f, "//etc///passwd", true, 0, "/etc/passwd");
	want(f, "/etc/passwd//", true, 0, "/etc/passwd");
	want(f, "///", true, 0, "/");
	want(f, "//", false, 0, "/");
	want(f, "/./etc/./passwd/.", true, 0, "/etc/passwd");
	want(f, "/.", true, 0, "/");
	/* "//" in front of a link is one "/": the link is still read. */
	want(f, "//bin//sh", true, 0, "/usr/bin/sh");
}

static void test_absolute_link_restarts_at_root(void **state)
{
	struct fake *f = *state;
	want(f, "/bin/sh", true, 0, "/usr/bin/sh");
	want(f, "/bin", true, 0, "/usr/bin");
	want(f, "/rootlink", true, 0, "/");
	want(f, "/rootlink/etc/passwd", true, 0, "/etc/passwd");
	want(f, "/rootlink/rootlink/bin/sh", true, 0, "/usr/bin/sh");
	/* From deep down too: the root, not the link's folder. */
	want(f, "/usr/lib/abs", true, 0, "/etc/passwd");
	want(f, "/lib/abs", true, 0, "/etc/passwd");
	want(f, "/usr/lib/abs", false, 0, "/usr/lib/abs");
	/* "/../../../../etc/shadow" is the root's /etc/shadow, never the
	 * host's. */
	want(f, "/escape", true, 0, "/etc/shadow");
	want(f, "/usr/../escape", true, 0, "/etc/shadow");
}

static void test_dotdot_stops_at_root(void **state)
{
	struct fake *f = *state;
	want(f, "/..", true, 0, "/");
	want(f, "/../../etc/passwd", true, 0, "/etc/passwd");
	want(f, "/etc/../../../..", true, 0, "/");
	want(f, "/etc/../../../../usr/lib", true, 0, "/usr/lib");
	/* A relative link climbing above the root stops there too. */
	want(f, "/up", true, 0, "/etc/passwd");
	want(f, "/etc/up/lib/libc.so", true, 0, "/usr/lib/libc.so");
	/* ".." after a link is taken from where the link led ("/usr/lib"),
	 * as the kernel takes it, not by striking the link's name out. */
	want(f, "/lib/..", true, 0, "/usr");
	want(f, "/bin/../lib/libc.so", true, 0, "/usr/lib/libc.so");
}

static void test_link_in_the_middle(void **state)
{
	struct fake *f = *state;
	want(f, "/lib/libc.so", true, 0, "/usr/lib/libc.so");
	want(f, "/lib/libc.so", false, 0, "/usr/lib/libc.so");
	/* A relative link is read from its own folder. */
	want(f, "/etc/alt", true, 0, "/etc/passwd");
	want(f, "/etc/up/bin/x", false, 0, "/usr/bin/x");
	/* Without follow, only the last component is kept as written. */
	want(f, "/rootlink/etc/alt", false, 0, "/etc/alt");
}

static void test_link_loops(void **state)
{
	struct fake *f = *state;
	want(f, "/loop1", true, -ELOOP, NULL);
	want(f, "/loop2/x", false, -ELOOP, NULL);
	want(f, "/self", true, -ELOOP, NULL);
	want(f, "/self/etc", true, -ELOOP, NULL);
	/* A loop at the last component is not walked when it is kept. */
	int before = f->readlinks;
	want(f, "/loop1", false, 0, "/loop1");
	want(f, "/etc/../self", false, 0, "/self");
	assert_int_equal(f->readlinks, before);
}

static void test_dangling_final_link(void **state)
{
	struct fake *f = *state;
	/* Followed: its target, missing, which the operation then reports. */
	want(f, "/dangle", true, 0, "/nowhere/file");
	assert_int_equal(lstat_of(f, "/nowhere/file"), -ENOENT);
	/* Kept: the link itself (what a remove or rename acts on). */
	want(f, "/dangle", false, 0, "/dangle");
	/* A trailing "/" does not make it a folder to follow, as both mounted
	 * roots always had it. */
	want(f, "/dangle/", false, 0, "/dangle");
	want(f, "/dangle/", true, 0, "/nowhere/file");
}

static void test_component_is_a_file(void **state)
{
	struct fake *f = *state;
	/* The walk does not judge: under a file nothing is a link, the path
	 * comes back as written, and the operation on it meets ENOTDIR. */
	int before = f->readlinks;
	want(f, "/etc/passwd/x", true, 0, "/etc/passwd/x");
	want(f, "/etc/passwd/x/y", false, 0, "/etc/passwd/x/y");
	want(f, "/lib/libc.so/x", true, 0, "/usr/lib/libc.so/x");
	assert_int_equal(f->readlinks, before + 1);
	assert_int_equal(lstat_of(f, "/etc/passwd/x"), -ENOTDIR);
	assert_int_equal(lstat_of(f, "/usr/lib/libc.so/x"), -ENOTDIR);
}

static void test_long_chains(void **state)
{
	struct fake *f = *state;
	/* /c0 -> c1 -> /c2 -> ... -> /c<N>, each link one step, relative and
	 * absolute in turn; the last one leads to /etc/passwd. */
	for (int i = 0; i < ROOTPATH_MAX_LINKS; i++) {
		char *name = xasprintf("/c%d", i);
		char *to = xasprintf(i % 2 ? "/c%d" : "c%d", i + 1);
		add(f, name, 'l', to);
		free(name);
		free(to);
	}
	char *end = xasprintf("/c%d", ROOTPATH_MAX_LINKS);
	add(f, end, 'l', "/etc/passwd");
	free(end);
	/* From /c1: exactly ROOTPATH_MAX_LINKS links to /etc/passwd. */
	f->readlinks = 0;
	want(f, "/c1", true, 0, "/etc/passwd");
	assert_int_equal(f->readlinks, ROOTPATH_MAX_LINKS);
	/* From /c0: one more than the kernel would follow. */
	want(f, "/c0", true, -ELOOP, NULL);
	want(f, "/c0/x", false, -ELOOP, NULL);
	want(f, "/c0", false, 0, "/c0");
	/* Links counted over the whole path, not per component: 21 + 20
	 * is too many, 11 + 10 is not. */
	want(f, "/c20/../../c21", true, -ELOOP, NULL);
	want(f, "/c30/../../c31", true, 0, "/etc/passwd");
	/* A long path of plain components and ".." is no loop. */
	struct sbuf p = { 0 };
	for (int i = 0; i < 5000; i++)
		sb_add(&p, "/usr/..");
	sb_add(&p, "/lib/libc.so");
	want(f, sb_str(&p), true, 0, "/usr/lib/libc.so");
	sb_free(&p);
}

static void test_unreadable_link(void **state)
{
	struct fake *f = *state;
	f->unreadable = "/noread";
	want(f, "/noread/passwd", true, -EACCES, NULL);
	want(f, "/noread", true, -EACCES, NULL);
	/* Kept as written: never read. */
	want(f, "/noread", false, 0, "/noread");
	f->unreadable = NULL;
	want(f, "/noread/passwd", true, 0, "/etc/passwd");
}

/* An lstat that fails for another reason than "nothing there" (a link
 * dropped, a timeout, an I/O error) leaves unknown whether the name is a
 * link that the operation would follow, outside the root: the walk ends
 * with that error rather than hand back a path through it. */
static void test_unknown_component_ends_the_walk(void **state)
{
	struct fake *f = *state;
	const int errs[] = { -EIO, -EACCES, -ETIMEDOUT, -ENOTCONN };
	for (size_t i = 0; i < sizeof errs / sizeof *errs; i++) {
		f->unknown = "/bin";
		f->unknown_rc = errs[i];
		want(f, "/bin/sh", true, errs[i], NULL);
		want(f, "/bin/sh", false, errs[i], NULL);
		want(f, "/bin", true, errs[i], NULL);
		/* Kept as written, never asked about. */
		want(f, "/bin", false, 0, "/bin");
		/* The same under a link, met on the way there. */
		f->unknown = "/usr/bin";
		want(f, "/rootlink/bin/sh", true, errs[i], NULL);
	}
	/* Missing or under a file: walked on, as the operation reports it. */
	f->unknown = "/etc";
	f->unknown_rc = -ENOENT;
	want(f, "/etc/passwd", true, 0, "/etc/passwd");
	f->unknown_rc = -ENOTDIR;
	want(f, "/etc/passwd", true, 0, "/etc/passwd");
	f->unknown = NULL;
	want(f, "/bin/sh", true, 0, "/usr/bin/sh");
}

static void test_names_spelled_by_the_root(void **state)
{
	struct fake *f = *state;
	want_io(f, true, "/windows/system32", true, 0, "/Windows/System32");
	want_io(f, true, "/WINDOWS/temp/passwd", true, 0, "/etc/passwd");
	want_io(f, true, "/windows/temp", false, 0, "/Windows/Temp");
	/* A name with no match is kept as written. */
	want_io(f, true, "/windows/nothing", true, 0, "/Windows/nothing");
	/* Without spelling, names are exact. */
	want(f, "/windows/system32", true, 0, "/windows/system32");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_plain_paths, setup, teardown),
		cmocka_unit_test_setup_teardown(test_empty_components_and_dots, setup, teardown),
		cmocka_unit_test_setup_teardown(test_absolute_link_restarts_at_root, setup, teardown),
		cmocka_unit_test_setup_teardown(test_dotdot_stops_at_root, setup, teardown),
		cmocka_unit_test_setup_teardown(test_link_in_the_middle, setup, teardown),
		cmocka_unit_test_setup_teardown(test_link_loops, setup, teardown),
		cmocka_unit_test_setup_teardown(test_dangling_final_link, setup, teardown),
		cmocka_unit_test_setup_teardown(test_component_is_a_file, setup, teardown),
		cmocka_unit_test_setup_teardown(test_long_chains, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unreadable_link, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unknown_component_ends_the_walk, setup, teardown),
		cmocka_unit_test_setup_teardown(test_names_spelled_by_the_root, setup, teardown),
	};
	return cmocka_run_group_tests_name("rootpath", tests, NULL, NULL);
}
