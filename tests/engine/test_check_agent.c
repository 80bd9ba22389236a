/* test_check_agent.c: agent.reboot on fixture roots (driver loaded,
 * installed but not loaded, shipped for other kernels only, a mounted
 * root, no agent), its small parsers, and the demo root, which is broken
 * on purpose in the ways these checks report. */
#include "misc_testlib.h"

#include "engine/sysparse.h"

#define MISC "tests/fixtures/misc/"

static void test_driver_loaded_passes(void **state)
{
	(void)state;
	struct check_result r;
	tl_run(MISC "agent-loaded", "agent.reboot", &r);
	tl_status(&r, STATUS_PASS);
	tl_finding_has(&r, "agent 9.60.0.0 installed and its filter driver involflt is loaded");
	const struct evidence *e = tl_ev_has(&r, EV_FILE, "involflt 319488 9 - Live");
	assert_string_equal(e->path, "/proc/modules");
	assert_int_equal(e->line, 1);
	e = tl_ev_has(&r, EV_FILE, "VERSION=9.60.0.0");
	assert_string_equal(e->path, "/usr/local/.vx_version");
	assert_int_equal(e->line, 2);
	/* Found through modules.dep, where modprobe looks. */
	tl_ev_has(&r, EV_NOTE, "/lib/modules/5.15.0-91-generic/kernel/drivers/char/involflt.ko");
	result_free(&r);
}

static void test_installed_not_loaded_warns_reboot(void **state)
{
	(void)state;
	struct check_result r;
	tl_run(MISC "agent-pending", "agent.reboot", &r);
	tl_status(&r, STATUS_WARN);
	tl_finding_has(&r, "reboot pending");
	tl_finding_has(&r, "5.15.0-91-generic");
	/* No modules.dep entry: found by walking the kernel's folder. */
	tl_ev_has(
	    &r, EV_NOTE,
	    "driver for the running kernel: /lib/modules/5.15.0-91-generic/extra/involflt.ko");
	tl_ev_has(&r, EV_NOTE, "/proc/modules does not list involflt");
	result_free(&r);
}

static void test_driver_for_other_kernels_only_warns(void **state)
{
	(void)state;
	struct check_result r;
	tl_run(MISC "agent-nodriver", "agent.reboot", &r);
	tl_status(&r, STATUS_WARN);
	tl_finding_has(&r, "no build for the running kernel 5.15.0-91-generic");
	tl_ev_has(&r, EV_NOTE, "/usr/local/ASR/Vx/bin/drivers/involflt.ko.5.4.0-150-generic");
	assert_null(tl_ev(&r, EV_NOTE, "driver for the running kernel"));
	result_free(&r);
}

static void test_mounted_root_not_applicable(void **state)
{
	(void)state;
	struct check_result r;
	tl_run(MISC "agent-mounted", "agent.reboot", &r);
	tl_status(&r, STATUS_NA);
	tl_finding_has(&r, "agent 9.60.0.0 installed");
	tl_finding_has(&r, "cannot be seen");
	result_free(&r);
}

static void test_no_agent_not_applicable(void **state)
{
	(void)state;
	struct check_result r;
	tl_run(MISC "agent-none", "agent.reboot", &r);
	tl_status(&r, STATUS_NA);
	tl_finding_has(&r, "no Mobility agent installed");
	result_free(&r);
	msg_set_lang(LANG_ZH);
	tl_run(MISC "agent-none", "agent.reboot", &r);
	msg_set_lang(LANG_EN);
	tl_finding_has(&r, "未安装移动服务代理");
	result_free(&r);
}

static void test_parsers(void **state)
{
	(void)state;
	int line = 0;
	char *v =
	    kv_get("# agent\nVERSIONS=1\n  VERSION = \"9.60.0.0\" \nVERSION=2\n", "VERSION", &line);
	assert_string_equal(v, "9.60.0.0");
	assert_int_equal(line, 3);
	free(v);
	assert_null(kv_get("INSTALLATION_DIR\n", "INSTALLATION_DIR", NULL));
	v = kv_get("A=\r\n", "A", NULL);
	assert_string_equal(v, "");
	free(v);
	assert_true(proc_modules_has("ext4 1 0 - Live 0x0\ninvolflt 2 0 - Live 0x0 (OE)\n",
				     "involflt", &line));
	assert_int_equal(line, 2);
	assert_false(proc_modules_has("involflt_helper 2 0 - Live 0x0\n", "involflt", NULL));
	assert_false(proc_modules_has("", "involflt", NULL));
}

/* The demo root (content/demo) is a machine broken on purpose: each of
 * these checks finds what the demo is meant to show. */
static void test_demo_root_is_broken_as_designed(void **state)
{
	(void)state;
	static const struct {
		const char *check;
		enum status want;
		const char *says;
	} cases[] = {
		{ "os.supported", STATUS_PASS, "Ubuntu 22.04.4 LTS with kernel 5.15.0-91-generic" },
		{ "account.root", STATUS_PASS, "" },
		{ "net.hosts", STATUS_WARN, "maps only to 127.0.1.1" },
		{ "packages.ssh", STATUS_PASS, "installed (dpkg)" },
		{ "agent.reboot", STATUS_WARN, "reboot pending" },
		{ "resources.memory", STATUS_WARN, "384 MB" },
		{ "net.server", STATUS_NA, "source machine" },
		{ "win.uac", STATUS_NA, "not applicable on Linux" },
	};
	struct target *t = tl_root("content/demo");
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		struct check_result r;
		tl_run_t(t, cases[i].check, "10.0.0.10", &r);
		tl_status(&r, cases[i].want);
		tl_finding_has(&r, cases[i].says);
		result_free(&r);
	}
	target_free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_driver_loaded_passes),
		cmocka_unit_test(test_installed_not_loaded_warns_reboot),
		cmocka_unit_test(test_driver_for_other_kernels_only_warns),
		cmocka_unit_test(test_mounted_root_not_applicable),
		cmocka_unit_test(test_no_agent_not_applicable),
		cmocka_unit_test(test_parsers),
		cmocka_unit_test(test_demo_root_is_broken_as_designed),
	};
	return cmocka_run_group_tests_name("check_agent", tests, NULL, NULL);
}
