/* test_check_os.c: os.supported on fixture roots of real distributions
 * (os-release and legacy release files, kernels from /proc, /lib/modules
 * and /boot), the os-release quoting rules, and lookups in the embedded
 * support table. */
#include "misc_testlib.h"

#include "engine/osrelease.h"
#include "engine/support.h"

#define OS "tests/fixtures/os/"

static void test_ubuntu_2204_passes_on_newest_kernel(void **state)
{
	(void)state;
	struct check_result r;
	tl_run(OS "ubuntu-22.04", "os.supported", &r);
	tl_status(&r, STATUS_PASS);
	/* Two kernels are installed: the newer ABI number wins (105 > 91). */
	tl_finding_has(&r, "5.15.0-105-generic");
	tl_finding_has(&r, "5.15.0-*-generic");
	const struct evidence *e = tl_ev_has(&r, EV_FILE, "ID=ubuntu");
	assert_string_equal(e->path, "/etc/os-release");
	assert_int_equal(e->line, 6);
	e = tl_ev_has(&r, EV_FILE, "VERSION_ID=22.04");
	assert_int_equal(e->line, 3);
	tl_ev_has(&r, EV_NOTE, "from /lib/modules");
	tl_ev_has(&r, EV_NOTE, "as of 2026-04-06");
	result_free(&r);
}

static void test_ubuntu_2204_unlisted_kernel_warns(void **state)
{
	(void)state;
	struct check_result r;
	tl_run(OS "ubuntu-22.04-mainline", "os.supported", &r);
	tl_status(&r, STATUS_WARN);
	tl_finding_has(&r, "6.9.3-060903-generic");
	tl_ev_has(&r, EV_NOTE, "kernels listed for Ubuntu Server LTS 22.04: 5.15.0-*-generic");
	tl_ev_has(&r, EV_NOTE, "from /boot/vmlinuz-*");
	result_free(&r);
}

static void test_ubuntu_2310_version_not_listed_fails(void **state)
{
	(void)state;
	struct check_result r;
	tl_run(OS "ubuntu-23.10", "os.supported", &r);
	tl_status(&r, STATUS_FAIL);
	tl_finding_has(&r, "version 23.10");
	tl_ev_has(&r, EV_NOTE, "14.04, 16.04, 18.04, 20.04, 22.04, 24.04");
	result_free(&r);
}

static void test_debian_12_passes_by_major_version(void **state)
{
	(void)state;
	struct check_result r;
	tl_run(OS "debian-12", "os.supported", &r);
	tl_status(&r, STATUS_PASS);
	tl_finding_has(&r, "6.1.0-18-amd64");
	tl_finding_has(&r, "6.1.0-*-amd64");
	result_free(&r);
}

static void test_rhel_94_passes_with_kernel_from_boot(void **state)
{
	(void)state;
	struct check_result r;
	tl_run(OS "rhel-9.4", "os.supported", &r);
	tl_status(&r, STATUS_PASS);
	/* The rescue image under /boot is not taken for a kernel version. */
	tl_finding_has(&r, "5.14.0-427.13.1.el9_4.x86_64");
	tl_finding_has(&r, "5.14.0-*.el9*");
	tl_ev_has(&r, EV_FILE, "ID=rhel");
	result_free(&r);
}

static void test_sles_15_sp5_passes(void **state)
{
	(void)state;
	struct check_result r;
	tl_run(OS "sles-15-sp5", "os.supported", &r);
	tl_status(&r, STATUS_PASS);
	tl_finding_has(&r, "SUSE Linux Enterprise Server 15 SP5");
	tl_finding_has(&r, "*-default");
	result_free(&r);
}

static void test_sles_11_sp4_from_suse_release_passes(void **state)
{
	(void)state;
	struct check_result r;
	tl_run(OS "sles-11-sp4", "os.supported", &r);
	tl_status(&r, STATUS_PASS);
	const struct evidence *e =
	    tl_ev_has(&r, EV_FILE, "SUSE Linux Enterprise Server 11 (x86_64)");
	assert_string_equal(e->path, "/etc/SuSE-release");
	e = tl_ev_has(&r, EV_FILE, "ID sles, version 11.4");
	assert_int_equal(e->line, 2);
	/* 11.4 lists no kernels: not restricted, and said so. */
	tl_finding_has(&r, "lists no kernels");
	result_free(&r);
}

static void test_centos_6_without_os_release_passes(void **state)
{
	(void)state;
	struct check_result r;
	tl_run(OS "centos-6", "os.supported", &r);
	tl_status(&r, STATUS_PASS);
	const struct evidence *e = tl_ev_has(&r, EV_FILE, "CentOS release 6.10 (Final)");
	assert_string_equal(e->path, "/etc/centos-release");
	tl_ev_has(&r, EV_NOTE, "2.6.32-754.35.1.el6.x86_64");
	result_free(&r);
}

static void test_centos_7_major_version_completed(void **state)
{
	(void)state;
	struct check_result r;
	tl_run(OS "centos-7", "os.supported", &r);
	/* VERSION_ID="7" alone is not in the table; centos-release says 7.9. */
	tl_status(&r, STATUS_PASS);
	tl_ev_has(
	    &r, EV_NOTE,
	    "VERSION_ID \"7\" -> 7.9 (/etc/centos-release: CentOS Linux release 7.9.2009 (Core))");
	result_free(&r);
}

static void test_unknown_distribution_fails(void **state)
{
	(void)state;
	struct check_result r;
	tl_run(OS "almalinux-9.3", "os.supported", &r);
	tl_status(&r, STATUS_FAIL);
	tl_finding_has(&r, "ID \"almalinux\"");
	tl_finding_has(&r, "2026-04-06");
	result_free(&r);
}

static void test_missing_release_file_warns(void **state)
{
	(void)state;
	struct check_result r;
	tl_run(OS "missing", "os.supported", &r);
	tl_status(&r, STATUS_WARN);
	tl_finding_has(&r, "cannot tell the distribution");
	result_free(&r);
}

static void test_edited_release_keeps_good_lines(void **state)
{
	(void)state;
	struct check_result r;
	tl_run(OS "debian-12-edited", "os.supported", &r);
	tl_status(&r, STATUS_PASS);
	tl_ev_has(&r, EV_NOTE, "line 5: unterminated double quote");
	tl_ev_has(&r, EV_FILE, "PRETTY_NAME=Debian GNU/Linux 12 (bookworm)");
	tl_finding_has(&r, "6.1.0-18-cloud-amd64");
	result_free(&r);
}

static void test_kernel_from_proc_only_when_live(void **state)
{
	(void)state;
	char *dir = tu_mkdtemp("os");
	char *p = xasprintf("%s/etc/os-release", dir);
	tu_write_file(p, "ID=ubuntu\nVERSION_ID=\"20.04\"\n");
	free(p);
	p = xasprintf("%s/proc/sys/kernel/osrelease", dir);
	tu_write_file(p, "5.4.0-1109-azure\n");
	free(p);
	/* An older kernel installed but not running must not be used. */
	p = xasprintf("%s/lib/modules/4.15.0-213-generic/modules.dep", dir);
	tu_write_file(p, "");
	free(p);
	/* A live system: the running kernel counts. */
	struct target *t = tl_root(dir);
	t->live = true;
	struct check_result r;
	tl_run_t(t, "os.supported", NULL, &r);
	tl_status(&r, STATUS_PASS);
	const struct evidence *e = tl_ev_has(&r, EV_FILE, "5.4.0-1109-azure");
	assert_string_equal(e->path, "/proc/sys/kernel/osrelease");
	tl_finding_has(&r, "5.4.0-*-azure");
	result_free(&r);
	target_free(t);
	/* The same files as a mounted root: /proc may belong to the rescue
	 * system, so the root's own newest kernel counts (and is not listed). */
	tl_run(dir, "os.supported", &r);
	tl_status(&r, STATUS_WARN);
	tl_finding_has(&r, "4.15.0-213-generic");
	tl_ev_has(&r, EV_NOTE, "from /lib/modules");
	result_free(&r);
	tu_rmtree(dir);
	free(dir);
}

static void test_finding_in_chinese(void **state)
{
	(void)state;
	msg_set_lang(LANG_ZH);
	struct check_result r;
	tl_run(OS "ubuntu-23.10", "os.supported", &r);
	msg_set_lang(LANG_EN);
	tl_status(&r, STATUS_FAIL);
	tl_finding_has(&r, "不在");
	tl_finding_has(&r, "支持表");
	result_free(&r);
}

/* ---- os-release parsing --------------------------------------------- */

static void expect_unquote(const char *in, const char *want)
{
	char *cause = NULL;
	char *v = osrelease_unquote(in, strlen(in), &cause);
	if (!v)
		print_error("%s: %s\n", in, cause);
	assert_non_null(v);
	assert_string_equal(v, want);
	free(v);
}

static void expect_bad(const char *in, const char *why)
{
	char *cause = NULL;
	char *v = osrelease_unquote(in, strlen(in), &cause);
	assert_null(v);
	assert_non_null(cause);
	assert_non_null(strstr(cause, why));
	free(cause);
}

static void test_osrelease_quoting_rules(void **state)
{
	(void)state;
	expect_unquote("ubuntu", "ubuntu");
	expect_unquote("\"Ubuntu 22.04.4 LTS\"", "Ubuntu 22.04.4 LTS");
	expect_unquote("'single $quoted \\ text'", "single $quoted \\ text");
	expect_unquote("\"a \\\"b\\\" \\$c \\`d\\` \\\\e \\x\"", "a \"b\" $c `d` \\e \\x");
	expect_unquote("\"Debian\"' GNU'/Linux", "Debian GNU/Linux");
	expect_unquote("bare\\ word", "bare word");
	expect_unquote("\"value\"   # a comment", "value");
	expect_unquote("", "");
	expect_unquote("\"\"", "");
	expect_bad("\"open", "unterminated double quote");
	expect_bad("'open", "unterminated single quote");
	expect_bad("two words", "unquoted white space");
	expect_bad("$(reboot)", "unquoted special character '$'");
	expect_bad("a;b", "unquoted special character ';'");
	expect_bad("trailing\\", "backslash at the end");
}

static void test_osrelease_parse_lines(void **state)
{
	(void)state;
	struct os_release o;
	int n = osrelease_parse(
	    "  # comment\r\n\r\nID=\"SLES\"\r\nVERSION_ID=\"15.5\"\r\n"
	    "not a line\r\nID_LIKE=\"suse opensuse\"\r\nPRETTY_NAME=\"SUSE Linux\"\r\n"
	    "VERSION_ID=15.6\r\n-BAD=1\r\n",
	    &o);
	assert_int_equal(n, 5);
	assert_string_equal(o.id, "sles"); /* lowercased */
	assert_int_equal(o.id_line, 3);
	assert_string_equal(o.version_id, "15.6"); /* the last assignment wins, as in a shell */
	assert_int_equal(o.version_line, 8);
	assert_string_equal(o.id_like, "suse opensuse");
	assert_string_equal(o.pretty_name, "SUSE Linux");
	assert_string_equal(o.bad, "line 5: not KEY=VALUE");
	os_release_free(&o);
	/* Nothing usable at all. */
	n = osrelease_parse("\x01\x02=\xff\n=x\n", &o);
	assert_int_equal(n, 0);
	assert_null(o.id);
	assert_non_null(o.bad);
	os_release_free(&o);
}

static void test_legacy_release_lines(void **state)
{
	(void)state;
	static const struct {
		const char *text, *id, *version;
	} rh[] = {
		{ "CentOS release 6.10 (Final)\n", "centos", "6.10" },
		{ "CentOS Linux release 7.9.2009 (Core)\n", "centos", "7.9" },
		{ "Red Hat Enterprise Linux Server release 6.10 (Santiago)\n", "rhel", "6.10" },
		{ "Red Hat Enterprise Linux release 8.4 (Ootpa)\n", "rhel", "8.4" },
		{ "Oracle Linux Server release 7.9\n", "ol", "7.9" },
		{ "CentOS Stream release 8\n", "centos", "8" },
	};
	for (size_t i = 0; i < ARRAY_LEN(rh); i++) {
		struct os_release o;
		assert_true(osrelease_parse_redhat(rh[i].text, &o));
		assert_string_equal(o.id, rh[i].id);
		assert_string_equal(o.version_id, rh[i].version);
		os_release_free(&o);
	}
	struct os_release o;
	assert_false(osrelease_parse_redhat("no version here\n", &o));
	assert_false(osrelease_parse_redhat(" release 7\n", &o));
	assert_false(osrelease_parse_redhat("", &o));
	assert_true(osrelease_parse_suse(
	    "SUSE Linux Enterprise Server 12 (x86_64)\nVERSION = 12\nPATCHLEVEL = 0\n", &o));
	assert_string_equal(o.id, "sles");
	assert_string_equal(o.version_id, "12");
	os_release_free(&o);
	assert_true(osrelease_parse_suse(
	    "openSUSE 13.2 (x86_64)\nVERSION = 13.2\nCODENAME = Harlequin\n", &o));
	assert_string_equal(o.id, "opensuse");
	assert_string_equal(o.version_id, "13.2");
	os_release_free(&o);
	assert_false(osrelease_parse_suse("SUSE Linux Enterprise Server 11 (x86_64)\n", &o));
}

static void test_kernel_version_order(void **state)
{
	(void)state;
	assert_true(os_version_cmp("5.15.0-105-generic", "5.15.0-91-generic") > 0);
	assert_true(os_version_cmp("6.1.0-18-amd64", "6.1.0-9-amd64") > 0);
	assert_true(os_version_cmp("4.18.0-513.5.1.el8_9", "4.18.0-80.el8") > 0);
	assert_int_equal(os_version_cmp("5.4.0-1", "5.4.0-1"), 0);
}

/* ---- the support table ---------------------------------------------- */

static void test_support_table_lookups(void **state)
{
	(void)state;
	char *cause = NULL;
	struct support_table *t = support_load(NULL, &cause);
	assert_non_null(t);
	assert_string_equal(t->as_of, "2026-04-06");
	struct support_answer a;
	support_evaluate(t, "ubuntu", "22.04", "5.15.0-91-generic", &a);
	assert_int_equal(a.verdict, SUPPORT_OK);
	assert_string_equal(a.glob, "5.15.0-*-generic");
	support_evaluate(t, "ubuntu", "22.04", NULL, &a);
	assert_int_equal(a.verdict, SUPPORT_KERNEL_UNKNOWN);
	support_evaluate(t, "ubuntu", "22.04", "5.19.0-50-generic", &a);
	assert_int_equal(a.verdict, SUPPORT_KERNEL_UNLISTED);
	/* Point releases of an exact-match table count as major.minor. */
	support_evaluate(t, "ubuntu", "20.04.6", "5.4.0-150-generic", &a);
	assert_int_equal(a.verdict, SUPPORT_OK);
	assert_string_equal(a.version, "20.04");
	/* RHEL 7 lists no kernels: any kernel passes. */
	support_evaluate(t, "rhel", "7.9", "3.10.0-1160.el7.x86_64", &a);
	assert_int_equal(a.verdict, SUPPORT_OK);
	assert_null(a.globs);
	support_evaluate(t, "rhel", "9", "5.14.0-427.el9.x86_64", &a);
	assert_int_equal(a.verdict, SUPPORT_VERSION_UNLISTED);
	/* Debian compares majors: "12.5" is 12, but 13 is not listed. */
	support_evaluate(t, "debian", "12.5", "6.1.0-21-amd64", &a);
	assert_int_equal(a.verdict, SUPPORT_OK);
	support_evaluate(t, "debian", "13", "6.12.0-1-amd64", &a);
	assert_int_equal(a.verdict, SUPPORT_VERSION_UNLISTED);
	support_evaluate(t, "debian", "1", "2.0", &a);
	assert_int_equal(a.verdict, SUPPORT_VERSION_UNLISTED);
	support_evaluate(t, "sles_sap", "15.5", "5.14.21-150500.55.39-default", &a);
	assert_int_equal(a.verdict, SUPPORT_OK);
	assert_string_equal(a.distro->id, "sles");
	support_evaluate(t, "almalinux", "9.3", "5.14.0-362.el9.x86_64", &a);
	assert_int_equal(a.verdict, SUPPORT_DISTRO_UNLISTED);
	support_evaluate(t, NULL, "9.3", NULL, &a);
	assert_int_equal(a.verdict, SUPPORT_UNKNOWN);
	support_evaluate(t, "ubuntu", NULL, NULL, &a);
	assert_int_equal(a.verdict, SUPPORT_UNKNOWN);
	assert_string_equal(support_windows(t, "Windows Server 2019 Datacenter"),
			    "Windows Server 2019");
	assert_string_equal(support_windows(t, "Windows Server 2012 R2 Standard"),
			    "Windows Server 2012 R2");
	assert_string_equal(support_windows(t, "Windows Server 2012 Standard"),
			    "Windows Server 2012");
	assert_null(support_windows(t, "Windows 11 Pro"));
	assert_null(support_windows(t, "Windows Server 20199"));
	support_free(t);
}

static void test_support_table_rejects_bad_json(void **state)
{
	(void)state;
	static const struct {
		const char *json, *why;
	} bad[] = {
		{ "{ not json", "not valid JSON" },
		{ "{\"linux\": []}", "needs \"as_of\"" },
		{ "{\"as_of\": \"x\", \"linux\": [{\"name\": \"n\"}]}", "needs \"id\"" },
		{ "{\"as_of\": \"x\", \"linux\": [{\"id\": \"a\", \"versions\": [1]}]}",
		  "must be strings" },
		{ "{\"as_of\": \"x\", \"linux\": [{\"id\": \"a\", \"versions\": [], \"version_match\": \"fuzzy\"}]}",
		  "unknown version_match" },
		{ "{\"as_of\": \"x\", \"linux\": [{\"id\": \"a\", \"versions\": [\"1\"], \"kernels\": {\"1\": \"x\"}}]}",
		  "must be an array" },
		{ "{\"as_of\": \"x\", \"linux\": [], \"windows\": {}}", "\"windows\" must be" },
		{ "{\"as_of\": \"x\", \"linux\": [3]}", "must be objects" },
	};
	for (size_t i = 0; i < ARRAY_LEN(bad); i++) {
		char *cause = NULL;
		struct support_table *t = support_load(bad[i].json, &cause);
		assert_null(t);
		assert_non_null(cause);
		if (!strstr(cause, bad[i].why))
			print_error("%s: %s\n", bad[i].json, cause);
		assert_non_null(strstr(cause, bad[i].why));
		free(cause);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ubuntu_2204_passes_on_newest_kernel),
		cmocka_unit_test(test_ubuntu_2204_unlisted_kernel_warns),
		cmocka_unit_test(test_ubuntu_2310_version_not_listed_fails),
		cmocka_unit_test(test_debian_12_passes_by_major_version),
		cmocka_unit_test(test_rhel_94_passes_with_kernel_from_boot),
		cmocka_unit_test(test_sles_15_sp5_passes),
		cmocka_unit_test(test_sles_11_sp4_from_suse_release_passes),
		cmocka_unit_test(test_centos_6_without_os_release_passes),
		cmocka_unit_test(test_centos_7_major_version_completed),
		cmocka_unit_test(test_unknown_distribution_fails),
		cmocka_unit_test(test_missing_release_file_warns),
		cmocka_unit_test(test_edited_release_keeps_good_lines),
		cmocka_unit_test(test_kernel_from_proc_only_when_live),
		cmocka_unit_test(test_finding_in_chinese),
		cmocka_unit_test(test_osrelease_quoting_rules),
		cmocka_unit_test(test_osrelease_parse_lines),
		cmocka_unit_test(test_legacy_release_lines),
		cmocka_unit_test(test_kernel_version_order),
		cmocka_unit_test(test_support_table_lookups),
		cmocka_unit_test(test_support_table_rejects_bad_json),
	};
	return cmocka_run_group_tests_name("check_os", tests, NULL, NULL);
}
