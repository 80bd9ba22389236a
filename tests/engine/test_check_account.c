/* test_check_account.c: account.root on shadow and passwd variants: a
 * usable root passes; locked, unset, empty, expired, must-change and
 * nologin roots fail; an unreadable shadow is an error that says why; and
 * no password hash ever reaches the evidence. */
#include "misc_testlib.h"

#include "engine/check_misc.h"
#include "engine/sysparse.h"

#define MISC "tests/fixtures/misc/"
#define HASH_PART "TEST.FIXTURE.HASH"

/* No evidence may carry the hash. */
static void assert_no_hash(const struct check_result *r)
{
	for (size_t i = 0; i < r->nev; i++)
		assert_null(strstr(r->ev[i].text, HASH_PART));
	assert_null(strstr(r->finding, HASH_PART));
}

static void test_usable_root_passes(void **state)
{
	(void)state;
	struct check_result r;
	tl_run(MISC "account-ok", "account.root", &r);
	tl_status(&r, STATUS_PASS);
	const struct evidence *e =
	    tl_ev_has(&r, EV_FILE, "root:<password hash hidden>:19700:0:99999:7:::");
	assert_string_equal(e->path, "/etc/shadow");
	assert_int_equal(e->line, 1);
	e = tl_ev_has(&r, EV_FILE, "root:x:0:0:root:/root:/bin/bash");
	assert_string_equal(e->path, "/etc/passwd");
	assert_no_hash(&r);
	result_free(&r);
}

static void test_locked_root_fails(void **state)
{
	(void)state;
	struct check_result r;
	tl_run(MISC "account-locked", "account.root", &r);
	tl_status(&r, STATUS_FAIL);
	tl_finding_has(&r, "locked");
	tl_finding_has(&r, "passwd -u root");
	/* The lock marker stays visible, the hash does not. */
	tl_ev_has(&r, EV_FILE, "root:!<password hash hidden>:19700");
	assert_no_hash(&r);
	result_free(&r);
}

static void test_nologin_shell_fails(void **state)
{
	(void)state;
	struct check_result r;
	tl_run(MISC "account-nologin", "account.root", &r);
	tl_status(&r, STATUS_FAIL);
	tl_finding_has(&r, "/usr/sbin/nologin");
	result_free(&r);
}

/* Runs account_root_evaluate on a root made of a shadow line for root,
 * a passwd line for root and /bin/bash, as of day today. */
static void eval(const char *shadow_root, const char *passwd_root, long today,
		 struct check_result *r)
{
	char *dir = tu_mkdtemp("account");
	char *p = xasprintf("%s/etc/shadow", dir);
	char *text = xasprintf("daemon:*:19405:0:99999:7:::\n%s%s", shadow_root ? shadow_root : "",
			       shadow_root ? "\n" : "");
	tu_write_file(p, text);
	free(text);
	free(p);
	p = xasprintf("%s/etc/passwd", dir);
	text = xasprintf("%s\ndaemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n", passwd_root);
	tu_write_file(p, text);
	free(text);
	free(p);
	p = xasprintf("%s/bin/bash", dir);
	tu_write_file(p, "");
	free(p);
	struct target *t = tl_root(dir);
	struct check_ctx ctx = { .t = t };
	result_init(r, "account.root");
	account_root_evaluate(&ctx, r, today);
	target_free(t);
	tu_rmtree(dir);
	free(dir);
}

#define BASH "root:x:0:0:root:/root:/bin/bash"
#define PW "$6$salt$" HASH_PART

static void test_password_field_variants(void **state)
{
	(void)state;
	static const struct {
		const char *line;
		enum status want;
		const char *says;
	} cases[] = {
		{ "root:" PW ":19000:0:99999:7:::", STATUS_PASS, "neither locked nor expired" },
		{ "root::19000:0:99999:7:::", STATUS_FAIL, "empty password" },
		{ "root:!!:19000:0:99999:7:::", STATUS_FAIL,
		  "no usable password (password field \"!!\")" },
		{ "root:*:19000:0:99999:7:::", STATUS_FAIL,
		  "no usable password (password field \"*\")" },
		{ "root:!:19000:0:99999:7:::", STATUS_FAIL,
		  "no usable password (password field \"!\")" },
		{ "root:!" PW ":19000:0:99999:7:::", STATUS_FAIL, "locked" },
		{ "root:*LK*" PW ":19000::::::", STATUS_FAIL, "locked" },
	};
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		struct check_result r;
		eval(cases[i].line, BASH, 19500, &r);
		tl_status(&r, cases[i].want);
		tl_finding_has(&r, cases[i].says);
		assert_no_hash(&r);
		result_free(&r);
	}
}

static void test_expiry_and_aging(void **state)
{
	(void)state;
	static const struct {
		const char *line;
		long today;
		enum status want;
		const char *says;
	} cases[] = {
		/* Account expiry (field 8): expired from that day on. */
		{ "root:" PW ":19000:0:99999:7::19000:", 19500, STATUS_FAIL,
		  "expired on 2022-01-08" },
		{ "root:" PW ":19000:0:99999:7::19500:", 19500, STATUS_FAIL, "expired on" },
		{ "root:" PW ":19000:0:99999:7::19501:", 19500, STATUS_PASS, "neither" },
		/* 0 is "no expiry" to the shadow suite. */
		{ "root:" PW ":19000:0:99999:7::0:", 19500, STATUS_PASS, "neither" },
		/* Password aging: last change + max days. */
		{ "root:" PW ":19000:0:90:7:::", 19500, STATUS_FAIL,
		  "password expired on 2022-04-08" },
		{ "root:" PW ":19000:0:90:7:::", 19089, STATUS_PASS, "neither" },
		{ "root:" PW ":19000:0:90:7:::", 19090, STATUS_FAIL, "password expired" },
		/* 10000 days and more, or an empty max, mean no aging. */
		{ "root:" PW ":10:0:99999:7:::", 19500, STATUS_PASS, "neither" },
		{ "root:" PW ":10:0::7:::", 19500, STATUS_PASS, "neither" },
		/* Past expiry plus the inactive period: the account is disabled. */
		{ "root:" PW ":19000:0:90:7:30::", 19500, STATUS_FAIL,
		  "inactive since 2022-05-08" },
		{ "root:" PW ":19000:0:90:7:30::", 19100, STATUS_FAIL,
		  "password expired on 2022-04-08" },
		/* Last change 0: must change at the next login. */
		{ "root:" PW ":0:0:99999:7:::", 19500, STATUS_FAIL, "must change its password" },
		/* Aging disabled entirely. */
		{ "root:" PW "::0:99999:7:::", 19500, STATUS_PASS, "neither" },
	};
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		struct check_result r;
		eval(cases[i].line, BASH, cases[i].today, &r);
		if (r.status != cases[i].want)
			print_error("case %zu: %s\n", i, cases[i].line);
		tl_status(&r, cases[i].want);
		tl_finding_has(&r, cases[i].says);
		result_free(&r);
	}
}

static void test_shell_variants(void **state)
{
	(void)state;
	struct check_result r;
	eval("root:" PW ":19000:0:99999:7:::", "root:x:0:0:root:/root:/bin/false", 19500, &r);
	tl_status(&r, STATUS_FAIL);
	tl_finding_has(&r, "/bin/false");
	result_free(&r);
	/* An empty shell field means /bin/sh, which this root lacks. */
	eval("root:" PW ":19000:0:99999:7:::", "root:x:0:0:root:/root:", 19500, &r);
	tl_status(&r, STATUS_WARN);
	tl_finding_has(&r, "/bin/sh does not exist");
	result_free(&r);
	eval("root:" PW ":19000:0:99999:7:::", "daemon:x:1:1::/:/bin/sh", 19500, &r);
	tl_status(&r, STATUS_FAIL);
	tl_finding_has(&r, "/etc/passwd has no root line");
	result_free(&r);
}

static void test_missing_and_malformed_root_line(void **state)
{
	(void)state;
	struct check_result r;
	eval(NULL, BASH, 19500, &r);
	tl_status(&r, STATUS_FAIL);
	tl_finding_has(&r, "/etc/shadow has no root line");
	result_free(&r);
	eval("root:" PW ":notanumber:0:99999:7:::", BASH, 19500, &r);
	tl_status(&r, STATUS_ERROR);
	tl_finding_has(&r, "root's line 2 in /etc/shadow is malformed");
	assert_no_hash(&r);
	result_free(&r);
	eval("root:" PW ":19000", BASH, 19500, &r);
	tl_status(&r, STATUS_ERROR);
	result_free(&r);
}

/* read_file of a stand-in target that is refused /etc/shadow, as a user
 * who is not root is. */
static int (*real_read)(struct target *, const char *, char **, size_t *, size_t);
static int refusing_read(struct target *t, const char *path, char **data, size_t *len, size_t max)
{
	if (strcmp(path, "/etc/shadow") == 0) {
		*data = NULL;
		return -EACCES;
	}
	return real_read(t, path, data, len, max);
}

static void test_unreadable_shadow_is_an_error_with_the_reason(void **state)
{
	(void)state;
	struct target *t = tl_root(MISC "account-ok");
	static struct target_ops ops;
	ops = *t->ops;
	real_read = ops.read_file;
	ops.read_file = refusing_read;
	t->ops = &ops;
	struct check_result r;
	tl_run_t(t, "account.root", NULL, &r);
	tl_status(&r, STATUS_ERROR);
	tl_finding_has(&r, "Permission denied");
	tl_finding_has(&r, "needs root: run asr-doctor as root");
	result_free(&r);
	/* A missing file is an error too, with its own reason. */
	char *dir = tu_mkdtemp("account");
	struct target *t2 = tl_root(dir);
	tl_run_t(t2, "account.root", NULL, &r);
	tl_status(&r, STATUS_ERROR);
	tl_finding_has(&r, "No such file or directory");
	result_free(&r);
	target_free(t2);
	tu_rmtree(dir);
	free(dir);
	target_free(t);
}

static void test_parsers(void **state)
{
	(void)state;
	struct shadow_entry e;
	assert_int_equal(shadow_find("rootx:a:1:2:3:4:5:6:\nroot:pw:1:2:3:4::6:\n", "root", &e), 1);
	assert_string_equal(e.name, "root");
	assert_string_equal(e.pw, "pw");
	assert_int_equal(e.line, 2);
	assert_int_equal(e.lastchg, 1);
	assert_int_equal(e.max, 3);
	assert_int_equal(e.inactive, SHADOW_EMPTY);
	assert_int_equal(e.expire, 6);
	shadow_entry_free(&e);
	assert_int_equal(shadow_find("", "root", &e), 0);
	assert_int_equal(shadow_find("root:x:-5:::::\n", "root", &e), -1);
	struct passwd_entry p;
	assert_int_equal(passwd_find("root:x:0:0:root:/root:/bin/bash\r\n", "root", &p), 1);
	assert_int_equal(p.uid, 0);
	assert_string_equal(p.shell, "/bin/bash");
	assert_string_equal(p.home, "/root");
	passwd_entry_free(&p);
	assert_int_equal(passwd_find("root:x:zero:0::/:/bin/sh\n", "root", &p), -1);
	assert_int_equal(passwd_find("root:x:0:0\n", "root", &p), -1);
}

static void test_windows_target_not_applicable(void **state)
{
	(void)state;
	struct target *t = tl_root(MISC "account-ok");
	t->os = TARGET_OS_WINDOWS;
	struct check_result r;
	tl_run_t(t, "account.root", NULL, &r);
	tl_status(&r, STATUS_NA);
	result_free(&r);
	target_free(t);
}

static void test_finding_in_chinese(void **state)
{
	(void)state;
	msg_set_lang(LANG_ZH);
	struct check_result r;
	tl_run(MISC "account-locked", "account.root", &r);
	msg_set_lang(LANG_EN);
	tl_status(&r, STATUS_FAIL);
	tl_finding_has(&r, "已锁定");
	tl_ev_has(&r, EV_FILE, "<密码哈希已隐藏>");
	result_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_usable_root_passes),
		cmocka_unit_test(test_locked_root_fails),
		cmocka_unit_test(test_nologin_shell_fails),
		cmocka_unit_test(test_password_field_variants),
		cmocka_unit_test(test_expiry_and_aging),
		cmocka_unit_test(test_shell_variants),
		cmocka_unit_test(test_missing_and_malformed_root_line),
		cmocka_unit_test(test_unreadable_shadow_is_an_error_with_the_reason),
		cmocka_unit_test(test_parsers),
		cmocka_unit_test(test_windows_target_not_applicable),
		cmocka_unit_test(test_finding_in_chinese),
	};
	return cmocka_run_group_tests_name("check_account", tests, NULL, NULL);
}
