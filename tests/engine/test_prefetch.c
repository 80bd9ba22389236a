/* test_prefetch.c: the batched read, run for real by the system's sh, od
 * and stat (through the local target, as the SSH target runs it on the
 * remote machine), against the answers of the target's own operations
 * for the same paths: a tree of hostile names (blanks, a newline, quotes,
 * a leading dash, glob characters, a backslash), every byte value, an
 * empty file, a file larger than the limit, links valid and dangling, a
 * FIFO, a folder; globs expanded on the machine; /proc files of size 0;
 * the Linux checks' list. Output that does not parse is refused whole. */
#include "support/testutil.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "engine/target/prefetch.h"
#include "engine/target/target.h"
#include "engine/util/util.h"

static char *dir;
static struct target *local;

static const char *const names[] = {
	"plain.conf", "with space", "new\nline", "it's \"quoted\"", "-dash", "star*name",
	"q?mark", "[bracket]", "back\\slash", "ünïcode", ".hidden", "..dots", "empty", "bytes",
	"big",
};

/* Compares every answer the batch knows for path with the target's. */
static void same_as_target(const struct prefetch *p, const char *path, bool want_read,
			   bool want_stat)
{
	char *data = NULL, *pdata = NULL;
	size_t len = 0, plen = 0;
	int err = 0;
	int rc = target_read(local, path, &data, &len);
	bool known = prefetch_read(p, path, TARGET_READ_MAX, &pdata, &plen, &err);
	if (want_read) {
		if (!known)
			fail_msg("no read answer for %s", path);
		if (err != rc)
			fail_msg("%s: read %d, batch %d", path, rc, err);
		if (rc == 0) {
			assert_int_equal(plen, len);
			assert_memory_equal(pdata, data, len);
		}
	}
	free(data);
	free(pdata);
	for (int follow = 0; follow < 2 && want_stat; follow++) {
		struct target_stat a, b;
		memset(&a, 0, sizeof a);
		memset(&b, 0, sizeof b);
		rc = follow ? target_stat(local, path, &a) : target_lstat(local, path, &a);
		if (!prefetch_stat(p, path, follow, &b, &err))
			fail_msg("no stat answer for %s", path);
		if (err != rc)
			fail_msg("%s: stat(%d) %d, batch %d", path, follow, rc, err);
		if (rc == 0) {
			assert_int_equal(a.mode, b.mode);
			assert_int_equal(a.uid, b.uid);
			assert_int_equal(a.gid, b.gid);
			assert_int_equal(a.size, b.size);
			assert_int_equal(a.mtime, b.mtime);
			assert_int_equal(a.dev, b.dev);
			assert_int_equal(a.ino, b.ino);
		}
	}
}

static void test_hostile_tree(void **state)
{
	(void)state;
	struct sbuf b = { 0 };
	for (int i = 0; i < 256; i++)
		sb_addc(&b, (char)i);
	sb_addn(&b, "\0\0tail", 6);
	for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
		char *path = xasprintf("%s/t/%s", dir, names[i]);
		if (strcmp(names[i], "empty") == 0) {
			tu_write_file(path, "");
		} else if (strcmp(names[i], "bytes") == 0) {
			FILE *f = fopen(path, "wb");
			assert_non_null(f);
			fwrite(b.s, 1, b.len, f);
			fclose(f);
		} else if (strcmp(names[i], "big") == 0) {
			assert_int_equal(tu_sh(NULL, "head -c %u /dev/zero > '%s'", PREFETCH_FILE_MAX + 10,
					       path),
					 0);
		} else {
			char *text = xasprintf("content of %s\n", names[i]);
			tu_write_file(path, text);
			free(text);
		}
		free(path);
	}
	sb_free(&b);
	assert_int_equal(tu_sh(NULL,
			       "cd '%s/t' && mkdir sub && ln -s plain.conf link && ln -s nowhere dangling "
			       "&& ln -s sub dirlink && mkfifo fifo",
			       dir),
			 0);
	struct strvec req = { 0 };
	const char *extra[] = { "sub", "link", "dangling", "dirlink", "fifo", "missing" };
	for (size_t i = 0; i < sizeof names / sizeof *names + 6; i++) {
		const char *n = i < sizeof names / sizeof *names ? names[i] : extra[i - sizeof names / sizeof *names];
		/* A name with glob characters is asked for through a glob
		 * that matches it alone. */
		if (strpbrk(n, "*?["))
			continue;
		sv_take(&req, xasprintf("R%s/t/%s", dir, n));
		sv_take(&req, xasprintf("S%s/t/%s", dir, n));
	}
	sv_take(&req, xasprintf("D%s/t", dir));
	sv_take(&req, xasprintf("D%s/t/sub", dir));
	sv_take(&req, xasprintf("D%s/t/plain.conf", dir));
	sv_take(&req, xasprintf("D%s/t/missing", dir));
	sv_take(&req, xasprintf("R%s/t/*", dir));
	sv_take(&req, xasprintf("S%s/t/*", dir));
	sv_take(&req, xasprintf("R%s/t/nomatch*", dir));
	struct prefetch *p = NULL;
	char *cause = NULL;
	int rc = prefetch_fetch(local, (const char *const *)req.v, req.n, 30000, &p, &cause);
	if (rc != 0)
		fail_msg("prefetch: %s", cause);
	/* Every name, whether asked for by name or through the glob. */
	for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
		char *path = xasprintf("%s/t/%s", dir, names[i]);
		same_as_target(p, path, true, true);
		free(path);
	}
	for (size_t i = 0; i < sizeof extra / sizeof *extra; i++) {
		char *path = xasprintf("%s/t/%s", dir, extra[i]);
		same_as_target(p, path, true, true);
		free(path);
	}
	/* M: the same files as one stream. Any answer known is right; the
	 * files before the first name wc quotes (the newline's) are known,
	 * the folder, links and FIFO among them left out of the stream. */
	struct prefetch *pm = NULL;
	char *mreq = xasprintf("M%s/t/*", dir);
	const char *mr[] = { mreq };
	assert_int_equal(prefetch_fetch(local, mr, 1, 30000, &pm, &cause), 0);
	size_t known = 0;
	for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
		char *path = xasprintf("%s/t/%s", dir, names[i]), *md = NULL, *want = NULL;
		size_t mlen = 0, wlen = 0;
		int merr = 0;
		if (prefetch_read(pm, path, TARGET_READ_MAX, &md, &mlen, &merr)) {
			known++;
			assert_int_equal(merr, 0);
			assert_int_equal(target_read(local, path, &want, &wlen), 0);
			assert_int_equal(mlen, wlen);
			assert_memory_equal(md, want, wlen);
		} else {
			assert_true(strcmp(names[i], "-dash") != 0 && strcmp(names[i], "bytes") != 0 &&
				    strcmp(names[i], "empty") != 0);
		}
		free(md);
		free(want);
		free(path);
	}
	assert_true(known >= 4);
	prefetch_free(pm);
	free(mreq);
	/* The big file asked by name is read whole (above); through a glob
	 * it is cut at the limit, so not known: asked the ordinary way. */
	char *big = xasprintf("%s/t/big", dir), *data = NULL;
	size_t len = 0;
	int err = 0;
	char *greq = xasprintf("R%s/t/bi[g]", dir);
	const char *gr[] = { greq };
	struct prefetch *pg = NULL;
	assert_int_equal(prefetch_fetch(local, gr, 1, 30000, &pg, &cause), 0);
	assert_false(prefetch_read(pg, big, TARGET_READ_MAX, &data, &len, &err));
	prefetch_free(pg);
	free(greq);
	/* A smaller limit than the caller's: -EFBIG. */
	char *plain = xasprintf("%s/t/plain.conf", dir);
	assert_true(prefetch_read(p, plain, 5, &data, &len, &err));
	assert_int_equal(err, -EFBIG);
	/* Listings as list_dir gives them. */
	const char *dirs[] = { "t", "t/sub", "t/plain.conf", "t/missing" };
	for (size_t i = 0; i < sizeof dirs / sizeof *dirs; i++) {
		char *d = xasprintf("%s/%s", dir, dirs[i]);
		struct strvec a = { 0 }, pb = { 0 };
		int ra = target_list(local, d, &a);
		assert_true(prefetch_list(p, d, &pb, &err));
		assert_int_equal(err, ra);
		assert_int_equal(a.n, pb.n);
		for (size_t k = 0; k < a.n; k++)
			assert_string_equal(a.v[k], pb.v[k]);
		sv_free(&a);
		sv_free(&pb);
		free(d);
	}
	/* Forgetting a file forgets its folder's listing too. */
	size_t before = prefetch_count(p);
	prefetch_forget(p, plain);
	assert_true(prefetch_count(p) < before);
	assert_false(prefetch_read(p, plain, TARGET_READ_MAX, &data, &len, &err));
	struct strvec none = { 0 };
	char *t = xasprintf("%s/t", dir);
	assert_false(prefetch_list(p, t, &none, &err));
	free(t);
	free(plain);
	free(big);
	prefetch_free(p);
	sv_free(&req);
}

/* /proc: files of size 0 come whole; the glob of the process list. */
/* Files asked for by name are read together, whole, up to the most the
 * group may hold: those that end within it are known, the one cut there
 * and those after it are asked the ordinary way; a /proc file is in a
 * group of its own, known whatever the files on disk did. */
static void test_group_cut(void **state)
{
	(void)state;
	char *a = xasprintf("%s/g/a", dir), *huge = xasprintf("%s/g/huge", dir),
	     *after = xasprintf("%s/g/after", dir);
	assert_int_equal(tu_sh(NULL, "mkdir -p '%s/g' && printf 'first\n' > '%s' && head -c %u "
				     "/dev/zero > '%s' && printf 'last\n' > '%s'",
			       dir, a, PREFETCH_GROUP_MAX + 1, huge, after),
			 0);
	char *ra = xasprintf("R%s", a), *rh = xasprintf("R%s", huge), *rf = xasprintf("R%s", after);
	const char *req[] = { ra, "R/proc/meminfo", rh, rf };
	struct prefetch *p = NULL;
	char *cause = NULL;
	assert_int_equal(prefetch_fetch(local, req, 4, 30000, &p, &cause), 0);
	char *data = NULL;
	size_t len = 0;
	int err = 0;
	assert_true(prefetch_read(p, a, TARGET_READ_MAX, &data, &len, &err));
	assert_int_equal(err, 0);
	assert_string_equal(data, "first\n");
	free(data);
	assert_true(prefetch_read(p, "/proc/meminfo", TARGET_READ_MAX, &data, &len, &err));
	assert_true(str_starts(data, "MemTotal:"));
	free(data);
	assert_false(prefetch_read(p, huge, TARGET_READ_MAX, &data, &len, &err));
	assert_false(prefetch_read(p, after, TARGET_READ_MAX, &data, &len, &err));
	prefetch_free(p);
	free(ra);
	free(rh);
	free(rf);
	free(a);
	free(huge);
	free(after);
}

/* Commands run inside the batch answer target_run with the same words:
 * output, error output (a newline at its end kept) and status as the
 * target itself gives them; a program missing at its path, or one the
 * shell does not find, is left for the ordinary way. */
static void test_commands(void **state)
{
	(void)state;
	const char *req[] = {
		"X\nhostname",
		"X\nsh\n-c\nprintf 'a b\\n\\001'; printf 'err\\n.5\\n' >&2; exit 3",
		"X\n/nonexistent/program\n-T",
		"X\nno-such-command-here",
		"X\nprintf\n%s\n*",
	};
	const char *const argv[][4] = {
		{ "hostname", NULL },
		{ "sh", "-c", "printf 'a b\\n\\001'; printf 'err\\n.5\\n' >&2; exit 3", NULL },
		{ "printf", "%s", "*", NULL },
	};
	struct prefetch *p = NULL;
	char *cause = NULL;
	assert_int_equal(prefetch_fetch(local, req, ARRAY_LEN(req), 30000, &p, &cause), 0);
	for (size_t i = 0; i < ARRAY_LEN(argv); i++) {
		struct cmd_result a, b;
		memset(&a, 0, sizeof a);
		assert_int_equal(target_run(local, argv[i], 30000, &a), 0);
		if (!prefetch_run(p, argv[i], &b))
			fail_msg("no answer for %s", argv[i][0]);
		assert_int_equal(a.status, b.status);
		assert_string_equal(a.out ? a.out : "", b.out);
		assert_string_equal(a.err ? a.err : "", b.err);
		cmd_result_free(&a);
		cmd_result_free(&b);
	}
	const char *missing[] = { "/nonexistent/program", "-T", NULL };
	const char *unfound[] = { "no-such-command-here", NULL };
	const char *other[] = { "hostname", "-f", NULL };
	struct cmd_result r;
	assert_false(prefetch_run(p, missing, &r));
	assert_false(prefetch_run(p, unfound, &r));
	assert_false(prefetch_run(p, other, &r));
	/* A write forgets them (they may have read what it changed). */
	prefetch_forget(p, "/etc/hostname");
	assert_false(prefetch_run(p, argv[0], &r));
	prefetch_free(p);
}

static void test_proc(void **state)
{
	(void)state;
	const char *req[] = { "R/proc/1/comm", "R/proc/[0-9]*/comm", "D/proc", "R/proc/meminfo" };
	struct prefetch *p = NULL;
	char *cause = NULL;
	assert_int_equal(prefetch_fetch(local, req, 4, 30000, &p, &cause), 0);
	char *data = NULL, *want = NULL;
	size_t len;
	int err;
	assert_true(prefetch_read(p, "/proc/1/comm", TARGET_READ_MAX, &data, &len, &err));
	assert_int_equal(err, 0);
	assert_int_equal(target_read(local, "/proc/1/comm", &want, NULL), 0);
	assert_string_equal(data, want);
	free(data);
	free(want);
	assert_true(prefetch_read(p, "/proc/meminfo", TARGET_READ_MAX, &data, &len, &err));
	assert_true(str_starts(data, "MemTotal:"));
	free(data);
	struct strvec pids = { 0 };
	assert_true(prefetch_list(p, "/proc", &pids, &err));
	size_t seen = 0;
	for (size_t i = 0; i < pids.n; i++) {
		if (!strspn(pids.v[i], "0123456789") || pids.v[i][strspn(pids.v[i], "0123456789")])
			continue;
		char *path = xasprintf("/proc/%s/comm", pids.v[i]);
		if (prefetch_read(p, path, TARGET_READ_MAX, &data, &len, &err) && err == 0) {
			seen++;
			assert_true(len > 0 && data[len - 1] == '\n');
			free(data);
		}
		free(path);
	}
	assert_true(seen >= 2);
	sv_free(&pids);
	prefetch_free(p);
}

/* The Linux checks' list runs through on this machine. */
static void test_linux_list(void **state)
{
	(void)state;
	size_t n = 0;
	while (prefetch_linux[n])
		n++;
	struct prefetch *p = NULL;
	char *cause = NULL;
	int rc = prefetch_fetch(local, prefetch_linux, n, 60000, &p, &cause);
	if (rc != 0)
		fail_msg("%s", cause);
	same_as_target(p, "/etc/passwd", true, false);
	same_as_target(p, "/etc/ssh/sshd_config", true, false);
	same_as_target(p, "/usr/sbin/sshd", false, true);
	/* The file systems' space, asked together: each path its own. */
	const char *vfs[] = { "/tmp", "/", "/var" };
	for (size_t i = 0; i < ARRAY_LEN(vfs); i++) {
		struct target_vfs a, b;
		int err = 1;
		assert_int_equal(target_statvfs(local, vfs[i], &a), 0);
		if (!prefetch_statvfs(p, vfs[i], &b, &err))
			fail_msg("no statvfs answer for %s", vfs[i]);
		assert_int_equal(err, 0);
		assert_true(a.total == b.total);
	}
	/* The package list, on disk and asked by name: whole. */
	if (access("/var/lib/dpkg/status", R_OK) == 0)
		same_as_target(p, "/var/lib/dpkg/status", true, false);
	assert_true(prefetch_count(p) > n);
	prefetch_free(p);
}

/* Anything but the whole output is refused. */
static void test_refused_output(void **state)
{
	(void)state;
	const char *req[] = { "R/a", "S/b", "D/c" };
	const char *good = "= R\nR 0\n 68 69\n. 0\n= S\nS ENOENT|ENOENT\n= D\nD 0\n 78 00\n.\nEND\n";
	struct prefetch *p = NULL;
	char *cause = NULL;
	assert_int_equal(prefetch_parse(req, 3, 100, good, &p, &cause), 0);
	char *data = NULL;
	size_t len;
	int err;
	assert_true(prefetch_read(p, "/a", 100, &data, &len, &err));
	assert_string_equal(data, "hi");
	free(data);
	prefetch_free(p);
	const char *bad[] = {
		"",
		"= R\nR 0\n 68 69\n. 0\n= S\nS ENOENT|ENOENT\n= D\nD 0\n 78 00\n.\n",
		"= R\nR 0\n 68 6\n. 0\n= S\nS ENOENT|ENOENT\n= D\nD 0\n 78 00\n.\nEND\n",
		"= R\nR 0\n 68 69\n. 0\n= S\nS 81a4 0 0|ENOENT\n= D\nD 0\n 78 00\n.\nEND\n",
		"= R\nR 0\n 68 69\n. 0\n= D\nD 0\n 78 00\n.\n= S\nS ENOENT|ENOENT\nEND\n",
		"= R\nR 0\n 68 69\n. 0\n= S\nS ENOENT|ENOENT\n= D\nD 0\n 78\n.\nEND\n",
		"= R\nR EWHAT\n= S\nS ENOENT|ENOENT\n= D\nD 0\n 78 00\n.\nEND\n",
		"= R\nR 0\n 68 69\n. 0\n= S\nS ENOENT|ENOENT\n= D\nD 0\n 78 00\n.\nEND\nmore\n",
	};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		cause = NULL;
		if (prefetch_parse(req, 3, 100, bad[i], &p, &cause) != -EPROTO)
			fail_msg("accepted output %zu", i);
		assert_null(p);
		free(cause);
	}
}

static int setup(void **state)
{
	(void)state;
	dir = tu_mkdtemp("prefetch");
	local = target_local_new();
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	target_free(local);
	tu_rmtree(dir);
	free(dir);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hostile_tree),
		cmocka_unit_test(test_proc),
		cmocka_unit_test(test_group_cut),
		cmocka_unit_test(test_commands),
		cmocka_unit_test(test_linux_list),
		cmocka_unit_test(test_refused_output),
	};
	return cmocka_run_group_tests_name("prefetch", tests, setup, teardown);
}
