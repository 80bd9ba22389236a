/* test_check_space.c: space.free measures real file systems: the numbers it
 * reports for a temporary folder equal statvfs's own, the real thresholds
 * are applied, and a need above what is free fails. */
#include "misc_testlib.h"

#include <stdio.h>
#include <sys/statvfs.h>

#include "engine/check_misc.h"

#define MIB (1024ull * 1024ull)

/* statvfs's "available" and total figures of a host folder, in MiB. */
static void host_vfs(const char *path, unsigned long long *avail, unsigned long long *total)
{
	struct statvfs v;
	assert_int_equal(statvfs(path, &v), 0);
	unsigned long long f = v.f_frsize ? v.f_frsize : v.f_bsize;
	*avail = f * v.f_bavail / MIB;
	*total = f * v.f_blocks / MIB;
}

/* The numbers of the note about path: "PATH (...): A MB available of T
 * MB; needs N MB". Fails the test when there is no such note. */
static void reported(const struct check_result *r, const char *path, unsigned long long *avail,
		     unsigned long long *total, unsigned long long *need)
{
	char *prefix = xasprintf("%s (", path);
	for (size_t i = 0; i < r->nev; i++) {
		const struct evidence *e = &r->ev[i];
		if (e->kind != EV_NOTE || !str_starts(e->text, prefix))
			continue;
		const char *p = strstr(e->text, "): ");
		assert_non_null(p);
		assert_int_equal(sscanf(p + 3, "%llu MB available of %llu MB; needs %llu MB", avail,
					total, need),
				 3);
		free(prefix);
		return;
	}
	print_error("no note for %s\n", path);
	tl_dump(r);
	fail();
}

/* A root with /tmp and /usr/local, but no /usr/local/ASR yet. */
static char *make_root(void)
{
	char *dir = tu_mkdtemp("space");
	char *p = xasprintf("%s/tmp/.keep", dir);
	tu_write_file(p, "");
	free(p);
	p = xasprintf("%s/usr/local/bin/.keep", dir);
	tu_write_file(p, "");
	free(p);
	return dir;
}

static void test_reports_statvfs_numbers_with_real_thresholds(void **state)
{
	(void)state;
	char *dir = make_root();
	char *tmp = xasprintf("%s/tmp", dir);
	struct check_result r;
	/* Other processes write to this file system too: measure before and
	 * after, and accept a run only when nothing moved in between. */
	unsigned long long a1 = 0, a2 = 1, t1 = 0, t2 = 0;
	for (int tries = 0; tries < 20; tries++) {
		host_vfs(tmp, &a1, &t1);
		tl_run(dir, "space.free", &r);
		host_vfs(tmp, &a2, &t2);
		if (a1 == a2)
			break;
		result_free(&r);
	}
	assert_int_equal(a1, a2);
	unsigned long long avail, total, need;
	reported(&r, "/tmp", &avail, &total, &need);
	assert_int_equal(avail, a1);
	assert_int_equal(total, t1);
	assert_int_equal(need, 100);
	reported(&r, "/", &avail, &total, &need);
	assert_int_equal(avail, a1);
	assert_int_equal(need, 2048);
	reported(&r, "/usr/local/ASR", &avail, &total, &need);
	assert_int_equal(avail, a1);
	assert_int_equal(need, 600);
	tl_ev_has(&r, EV_NOTE, "measured on /usr/local, the nearest existing folder");
	/* The verdict follows the numbers: / needs the most. */
	tl_status(&r, a1 >= 2048 ? STATUS_PASS : STATUS_FAIL);
	result_free(&r);
	free(tmp);
	tu_rmtree(dir);
	free(dir);
}

static void test_need_above_free_space_fails(void **state)
{
	(void)state;
	char *dir = make_root();
	struct target *t = tl_root(dir);
	struct check_ctx ctx = { .t = t };
	/* More than any disk has: 2^40 MiB is an exbibyte. */
	const struct space_need needs[] = {
		{ "/tmp", 1, "agent copy", "代理复制位置" },
		{ "/usr/local", 1ull << 40, "install folder", "安装目录" },
	};
	struct check_result r;
	result_init(&r, "space.free");
	space_evaluate(&ctx, &r, needs, ARRAY_LEN(needs));
	tl_status(&r, STATUS_FAIL);
	tl_finding_has(&r, "not enough free space: /usr/local ");
	tl_finding_has(&r, "(needs 1099511627776 MB)");
	/* The path that has enough is not named as short of space. */
	assert_null(strstr(r.finding, "/tmp"));
	result_free(&r);
	target_free(t);
	tu_rmtree(dir);
	free(dir);
}

static void test_zero_needs_pass(void **state)
{
	(void)state;
	char *dir = make_root();
	struct target *t = tl_root(dir);
	struct check_ctx ctx = { .t = t };
	const struct space_need needs[] = { { "/tmp", 0, "agent copy", "代理复制位置" } };
	struct check_result r;
	result_init(&r, "space.free");
	space_evaluate(&ctx, &r, needs, 1);
	tl_status(&r, STATUS_PASS);
	tl_finding_has(&r, "enough free space: /tmp ");
	result_free(&r);
	target_free(t);
	tu_rmtree(dir);
	free(dir);
}

static void test_install_folder_from_agent(void **state)
{
	(void)state;
	char *dir = make_root();
	char *p = xasprintf("%s/usr/local/.vx_version", dir);
	tu_write_file(p, "INSTALLATION_DIR=/opt/asr/agent\nVERSION=9.60.0.0\n");
	free(p);
	p = xasprintf("%s/opt/.keep", dir);
	tu_write_file(p, "");
	free(p);
	struct check_result r;
	tl_run(dir, "space.free", &r);
	unsigned long long avail, total, need;
	reported(&r, "/opt/asr/agent", &avail, &total, &need);
	assert_int_equal(need, 600);
	tl_ev_has(&r, EV_NOTE, "measured on /opt, the nearest existing folder");
	assert_null(tl_ev(&r, EV_NOTE, "/usr/local/ASR ("));
	result_free(&r);
	tu_rmtree(dir);
	free(dir);
}

static void test_windows_target_not_applicable(void **state)
{
	(void)state;
	char *dir = make_root();
	struct target *t = tl_root(dir);
	t->os = TARGET_OS_WINDOWS;
	struct check_result r;
	tl_run_t(t, "space.free", NULL, &r);
	tl_status(&r, STATUS_NA);
	result_free(&r);
	target_free(t);
	tu_rmtree(dir);
	free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reports_statvfs_numbers_with_real_thresholds),
		cmocka_unit_test(test_need_above_free_space_fails),
		cmocka_unit_test(test_zero_needs_pass),
		cmocka_unit_test(test_install_folder_from_agent),
		cmocka_unit_test(test_windows_target_not_applicable),
	};
	return cmocka_run_group_tests_name("check_space", tests, NULL, NULL);
}
