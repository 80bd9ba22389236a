/* test_cli.c: the command line as users and scripts see it: help, version,
 * errors and exit codes, explain, tree, check --json, --doc editions, and
 * the man page in step with --help. */
#include "support/testutil.h"

#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "engine/util/util.h"

static int run(char **out, const char *args)
{
	return tu_sh(out, "%s %s 2>&1", tu_binary(), args);
}

static void test_help_and_version(void **state)
{
	(void)state;
	char *out;
	assert_int_equal(run(&out, "--help"), 0);
	assert_true(str_starts(out, "Usage: asr-doctor"));
	free(out);
	assert_int_equal(run(&out, "--version"), 0);
	assert_true(str_starts(out, "asr-doctor "));
	free(out);
}

static void test_usage_errors(void **state)
{
	(void)state;
	char *out;
	assert_int_equal(run(&out, "--bogus"), 2);
	assert_non_null(strstr(out, "unknown option '--bogus'"));
	assert_non_null(strstr(out, "Try 'asr-doctor --help'"));
	free(out);
	assert_int_equal(run(&out, "frobnicate"), 2);
	assert_non_null(strstr(out, "unknown command 'frobnicate'"));
	free(out);
	assert_int_equal(run(&out, "--lang fr tree"), 2);
	assert_non_null(strstr(out, "unknown language 'fr'"));
	free(out);
	assert_int_equal(run(&out, "--root"), 2);
	assert_non_null(strstr(out, "needs an argument"));
	free(out);
	assert_int_equal(run(&out, "explain"), 2);
	free(out);
	assert_int_equal(run(&out, "--root /nonexistent/x check"), 2);
	assert_non_null(strstr(out, "/nonexistent/x"));
	free(out);
	assert_int_equal(run(&out, "check no-such-anchor"), 2);
	assert_non_null(strstr(out, "'no-such-anchor' is not an ErrorID"));
	free(out);
}

static void test_explain(void **state)
{
	(void)state;
	char *out;
	assert_int_equal(run(&out, "--lang en explain 95320"), 0);
	assert_non_null(strstr(out, "ErrorID: 95320"));
	free(out);
	/* The GRUB fix: the article's command lines come out whole. */
	assert_int_equal(run(&out, "--lang en explain how-to-fix"), 0);
	assert_non_null(strstr(out, "    kernel /boot/vmlinuz-3.0.101-63-default root=UUID=62927e85-f7ba-40bc-9993-cc1feeb191e4 resume=UUID=6f614b44-433b-431b-9ca1-4dd2f6f74f6b splash=silent crashkernel=256M-:128M showopts vga=0x314\n"));
	free(out);
	/* Two sections name 95523: both are printed. */
	assert_int_equal(run(&out, "--lang zh-CN explain 95523"), 0);
	assert_non_null(strstr(out, "连接失败（ErrorID：95523）"));
	assert_non_null(strstr(out, "检查源计算机上网络共享文件夹的访问权限"));
	free(out);
	assert_int_equal(run(&out, "explain 12345"), 1);
	assert_non_null(strstr(out, "no section for '12345'"));
	free(out);
	/* Wrapped to the width asked for. */
	assert_int_equal(tu_sh(&out, "COLUMNS=40 %s --lang en explain 95524", tu_binary()), 0);
	char *save = NULL;
	for (char *l = strtok_r(out, "\n", &save); l; l = strtok_r(NULL, "\n", &save))
		assert_true(strlen(l) <= 40);
	free(out);
}

static void test_tree(void **state)
{
	(void)state;
	char *out;
	assert_int_equal(run(&out, "--lang en tree"), 0);
	int lines = 0;
	for (char *p = out; *p; p++)
		lines += *p == '\n';
	assert_int_equal(lines, 40);
	assert_non_null(strstr(out, "  Low system resources  #low-system-resources  [95572 95573]\n"));
	free(out);
}

static void test_bad_doc(void **state)
{
	(void)state;
	char *dir = tu_mkdtemp("cli");
	char *path = xasprintf("%s/empty.md", dir);
	tu_write_file(path, "\n\n");
	char *out;
	char *args = xasprintf("--doc %s tree", path);
	assert_int_equal(run(&out, args), 2);
	assert_non_null(strstr(out, path));
	assert_non_null(strstr(out, "empty"));
	free(out);
	free(args);
	args = xasprintf("--doc %s/missing.md explain 95108", dir);
	assert_int_equal(run(&out, args), 2);
	assert_non_null(strstr(out, "No such file"));
	free(out);
	free(args);
	free(path);
	tu_rmtree(dir);
	free(dir);
}

/* A newer edition with one section reworded: checks still bind by
 * ErrorID, and the changed section is flagged. */
static void test_new_edition_flags_changed_sections(void **state)
{
	(void)state;
	char *dir = tu_mkdtemp("cli");
	char *text = tu_read_file("content/article.en.md", NULL);
	const char *old = "## <a name=\"low-system-resources\"></a>Low system resources\n";
	char *at = strstr(text, old);
	assert_non_null(at);
	char *edited = xasprintf("%.*s## <a name=\"low-resources\"></a>Low system resources\n\nReworded in a newer edition.\n%s",
				 (int)(at - text), text, at + strlen(old));
	char *path = xasprintf("%s/newer.md", dir);
	tu_write_file(path, edited);
	char *out;
	char *args = xasprintf("--doc %s --demo check --json resources.memory 2>/dev/null", path);
	tu_sh(&out, "%s %s", tu_binary(), args);
	cJSON *j = cJSON_Parse(out);
	assert_non_null(j);
	const cJSON *res = cJSON_GetArrayItem(cJSON_GetObjectItem(j, "results"), 0);
	assert_non_null(res);
	assert_string_equal(cJSON_GetObjectItem(res, "node")->valuestring, "low-resources");
	assert_true(cJSON_IsTrue(cJSON_GetObjectItem(res, "section_changed")));
	cJSON_Delete(j);
	free(out);
	free(args);
	/* The built-in edition is not flagged. */
	tu_sh(&out, "%s --demo check --json resources.memory 2>/dev/null", tu_binary());
	j = cJSON_Parse(out);
	assert_non_null(j);
	res = cJSON_GetArrayItem(cJSON_GetObjectItem(j, "results"), 0);
	assert_true(cJSON_IsFalse(cJSON_GetObjectItem(res, "section_changed")));
	cJSON_Delete(j);
	free(out);
	free(path);
	free(edited);
	free(text);
	tu_rmtree(dir);
	free(dir);
}

#define EN2025 "tests/fixtures/article/push-install-2025.en.md"

/* The 2025 English edition has no <a name> tags: its anchors are the
 * identifiers Docs makes, and a check bound by anchor alone finds its
 * section by them. */
static void test_edition_anchors_as_docs(void **state)
{
	(void)state;
	char *out;
	assert_int_equal(run(&out, "--lang en --doc " EN2025 " explain credentials-check-errorid-95107--95108"), 0);
	assert_non_null(strstr(out, "Credentials check (ErrorID: 95107 & 95108)"));
	free(out);
	tu_sh(&out, "%s --doc " EN2025 " --demo check --json win.dcom 2>/dev/null", tu_binary());
	cJSON *j = cJSON_Parse(out);
	assert_non_null(j);
	const cJSON *res = cJSON_GetArrayItem(cJSON_GetObjectItem(j, "results"), 0);
	assert_non_null(res);
	assert_string_equal(cJSON_GetObjectItem(res, "node")->valuestring, "vss-error---0x8004e00f");
	cJSON_Delete(j);
	free(out);
}

/* The 2025 edition puts the 95523 variant in a tab of "Connectivity
 * failures": explain shows that tab with its section, and the other
 * section naming 95523, nothing else. */
static void test_edition_tabs(void **state)
{
	(void)state;
	char *out;
	assert_int_equal(run(&out, "--lang en --doc " EN2025 " explain 95523"), 0);
	assert_true(str_starts(out, "Connectivity failures > ErrorID: 95523\n"));
	assert_non_null(strstr(out, "#connectivity-failures/tab/95523"));
	assert_non_null(strstr(out, "\nCheck access for network shared folders on source machine (ErrorID: 95105,95523)\n"));
	assert_null(strstr(out, "95117"));
	free(out);
	assert_int_equal(run(&out, "--doc " EN2025 " tree"), 0);
	assert_non_null(strstr(out, "\n  Connectivity failures  #connectivity-failures\n"
				    "    ErrorID: 95117 & 97118  #connectivity-failures/tab/95117  [95117 97118]\n"
				    "    ErrorID: 95523  #connectivity-failures/tab/95523  [95523]\n"
				    "    Check access for network shared folders"));
	free(out);
}

/* The summary of `check --json` on one machine is the same whatever
 * edition is loaded, even one lacking most sections; a check whose
 * section is missing says so and stands at the root. */
static void test_editions_count_the_same(void **state)
{
	(void)state;
	const char *docs[] = { "--lang en", "--lang zh-CN", "--doc " EN2025,
			       "--doc tests/fixtures/article/push-install-2020.zh-tw.md",
			       "--doc tests/fixtures/article/push-install-2024.ko-kr.md" };
	char *first = NULL;
	int first_n = -1;
	for (size_t i = 0; i < ARRAY_LEN(docs); i++) {
		char *out;
		tu_sh(&out, "%s %s --demo check --json 2>/dev/null", tu_binary(), docs[i]);
		cJSON *j = cJSON_Parse(out);
		assert_non_null(j);
		char *sum = cJSON_PrintUnformatted(cJSON_GetObjectItem(j, "summary"));
		const cJSON *results = cJSON_GetObjectItem(j, "results");
		int n = cJSON_GetArraySize(results);
		if (!first) {
			first = xstrdup(sum);
			first_n = n;
		}
		if (strcmp(sum, first) != 0)
			print_error("%s: summary %s, built-in: %s\n", docs[i], sum, first);
		assert_string_equal(sum, first);
		assert_int_equal(n, first_n);
		const cJSON *r;
		int missing = 0;
		cJSON_ArrayForEach(r, results)
		{
			if (cJSON_IsTrue(cJSON_GetObjectItem(r, "section_missing"))) {
				missing++;
				assert_string_equal(cJSON_GetObjectItem(r, "node")->valuestring,
						    "troubleshoot-mobility-service-push-installation");
			}
		}
		assert_true(i < 3 ? missing == 0 : missing >= 20);
		free(sum);
		cJSON_Delete(j);
		free(out);
	}
	free(first);
	/* Asked for by the anchor it was written for, a check whose section
	 * is missing still runs, marked. */
	char *out;
	int rc = run(&out, "--lang en --doc tests/fixtures/article/push-install-2024.ko-kr.md --demo check low-system-resources");
	assert_true(rc == 0 || rc == 1);
	assert_non_null(strstr(out, "(its section is not in this edition)"));
	assert_non_null(strstr(out, "1 checks:"));
	free(out);
}

static void test_check_json_schema(void **state)
{
	(void)state;
	char *out;
	int rc = tu_sh(&out, "%s --demo check --json 2>/dev/null", tu_binary());
	assert_true(rc == 0 || rc == 1);
	cJSON *j = cJSON_Parse(out);
	assert_non_null(j);
	assert_int_equal(cJSON_GetObjectItem(j, "schema")->valueint, 1);
	const cJSON *target = cJSON_GetObjectItem(j, "target");
	assert_string_equal(cJSON_GetObjectItem(target, "kind")->valuestring, "root");
	const cJSON *results = cJSON_GetObjectItem(j, "results");
	assert_true(cJSON_GetArraySize(results) >= 1);
	const cJSON *r;
	cJSON_ArrayForEach(r, results)
	{
		assert_true(cJSON_IsString(cJSON_GetObjectItem(r, "check")));
		assert_true(cJSON_IsString(cJSON_GetObjectItem(r, "node")));
		assert_true(cJSON_IsArray(cJSON_GetObjectItem(r, "error_ids")));
		const char *st = cJSON_GetObjectItem(r, "status")->valuestring;
		assert_true(strcmp(st, "pass") == 0 || strcmp(st, "fail") == 0 || strcmp(st, "warn") == 0 ||
			    strcmp(st, "n/a") == 0 || strcmp(st, "error") == 0);
		assert_true(cJSON_IsString(cJSON_GetObjectItem(r, "finding")));
		assert_true(cJSON_IsArray(cJSON_GetObjectItem(r, "evidence")));
	}
	/* Exit status follows the results. */
	const cJSON *sum = cJSON_GetObjectItem(j, "summary");
	int bad = cJSON_GetObjectItem(sum, "fail")->valueint + cJSON_GetObjectItem(sum, "error")->valueint;
	assert_int_equal(rc, bad ? 1 : 0);
	cJSON_Delete(j);
	free(out);
}

/* --demo windows: a broken Windows disk whose registry fixes work. */
static void test_demo_windows(void **state)
{
	(void)state;
	char *out;
	int rc = run(&out, "--lang en --demo windows check win.drivers win.uac sshd.password");
	assert_int_equal(rc, 1);
	assert_non_null(strstr(out, "Target: demo Windows disk"));
	assert_non_null(strstr(out, "X Storage and Hyper-V drivers in every control set: fail"));
	assert_non_null(strstr(out, "X Remote UAC for local accounts: fail"));
	assert_non_null(strstr(out, "- SSH password authentication for root: n/a"));
	free(out);
	rc = run(&out, "--lang en --demo=windows fix 95107 --dry-run");
	assert_int_equal(rc, 0);
	assert_non_null(strstr(out, "LocalAccountTokenFilterPolicy (REG_DWORD) = not set"));
	assert_non_null(strstr(out, "LocalAccountTokenFilterPolicy (REG_DWORD) = 1"));
	assert_non_null(strstr(out, "binary file /Windows/System32/config/SOFTWARE"));
	free(out);
	rc = run(&out, "--lang en --demo windows fix win.boot_drivers --yes");
	assert_int_equal(rc, 0);
	assert_non_null(strstr(out, "Fixed and verified."));
	free(out);
	/* The Linux demo is still the default, and an unknown kind is refused. */
	rc = run(&out, "--lang en --demo linux check sshd.password");
	assert_int_equal(rc, 1);
	assert_non_null(strstr(out, "Target: demo sandbox"));
	free(out);
	assert_int_equal(run(&out, "--demo=mac check"), 2);
	assert_non_null(strstr(out, "unknown demo 'mac'"));
	free(out);
}

/* --account: refused when it cannot be an account name; otherwise named
 * in the report and judged by win.account (the demo's Windows disk). */
static void test_account_option(void **state)
{
	(void)state;
	char *out;
	assert_int_equal(run(&out, "--account '' check"), 2);
	assert_non_null(strstr(out, "--account takes an account name"));
	free(out);
	assert_int_equal(run(&out, "--account 'a:b' check"), 2);
	free(out);
	char *dir = tu_mkdtemp("account");
	char *file = xasprintf("%s/case.json", dir);
	char *args = xasprintf("--demo windows --account ASRADMIN report --json -o %s", file);
	assert_int_equal(run(&out, args), 1);
	free(out);
	char *json = tu_read_file(file, NULL);
	cJSON *j = cJSON_Parse(json);
	assert_non_null(j);
	assert_string_equal(cJSON_GetObjectItem(cJSON_GetObjectItem(j, "target"), "account")->valuestring,
			    "ASRADMIN");
	bool judged = false;
	const cJSON *it;
	cJSON_ArrayForEach(it, cJSON_GetObjectItem(j, "results"))
	{
		const char *id = cJSON_GetObjectItem(it, "check")->valuestring;
		if (strcmp(id, "win.account") == 0)
			judged = strstr(cJSON_GetObjectItem(it, "finding")->valuestring, "asradmin") != NULL;
	}
	assert_true(judged);
	cJSON_Delete(j);
	free(json);
	free(args);
	free(file);
	tu_rmtree(dir);
	free(dir);
}

/* After a fix on a mounted root, the report (text and JSON) gives the
 * undo as the exact command: run as printed elsewhere, it reads this
 * root's journal. */
static void test_report_names_the_undo_command(void **state)
{
	(void)state;
	char *root = tu_mkdtemp("undo-report");
	assert_int_equal(tu_sh(NULL, "cp -a content/demo/. '%s'/", root), 0);
	char *args = xasprintf("--root %s fix 95108 --yes", root);
	char *out;
	assert_int_equal(run(&out, args), 0);
	free(out);
	free(args);
	char *want = xasprintf("'asr-doctor --root %s undo 1'", root);
	args = xasprintf("--root %s report", root);
	run(&out, args);
	/* The text report wraps at 80 columns: compare with each run of
	 * blanks and line ends as one space. */
	char *flat = xstrdup(out);
	char *w = flat;
	for (const char *p = out; *p; p++) {
		bool blank = *p == ' ' || *p == '\n';
		if (!blank || (w > flat && w[-1] != ' '))
			*w++ = blank ? ' ' : *p;
	}
	*w = '\0';
	if (!strstr(flat, want))
		print_error("the report lacks %s:\n%s\n", want, out);
	assert_non_null(strstr(flat, want));
	free(flat);
	free(out);
	free(args);
	args = xasprintf("--root %s report --json", root);
	run(&out, args);
	assert_non_null(strstr(out, want));
	free(out);
	free(args);
	free(want);
	tu_rmtree(root);
	free(root);
}

static void test_report(void **state)
{
	(void)state;
	char *out;
	int rc = tu_sh(&out, "%s --lang en --demo report 2>/dev/null", tu_binary());
	assert_int_equal(rc, 1); /* the demo machine has failures */
	assert_non_null(strstr(out, "Machine"));
	assert_non_null(strstr(out, "Host name: demo-web01"));
	assert_non_null(strstr(out, "SSH password authentication for root: fail"));
	/* Failures first, passes last. */
	const char *last_fail = NULL, *first_pass = strstr(out, ": pass\n");
	for (const char *p = strstr(out, ": fail\n"); p; p = strstr(p + 1, ": fail\n"))
		last_fail = p;
	assert_non_null(last_fail);
	assert_non_null(first_pass);
	assert_true(last_fail < first_pass);
	char *save = NULL;
	for (char *l = strtok_r(out, "\n", &save); l; l = strtok_r(NULL, "\n", &save))
		assert_true(strlen(l) <= 80);
	free(out);
	/* The shadow hash of the demo's root never shows, masked or not. */
	char *dir = tu_mkdtemp("report");
	char *file = xasprintf("%s/case.json", dir);
	char *args = xasprintf("--demo report --json -o %s", file);
	rc = run(&out, args);
	assert_int_equal(rc, 1);
	free(out);
	char *json = tu_read_file(file, NULL);
	cJSON *j = cJSON_Parse(json);
	assert_non_null(j);
	assert_non_null(cJSON_GetObjectItem(j, "facts"));
	assert_non_null(cJSON_GetObjectItem(j, "journal"));
	assert_true(cJSON_GetArraySize(cJSON_GetObjectItem(j, "results")) >= 30);
	cJSON_Delete(j);
	free(json);
	free(args);
	/* A folder as output is refused before anything runs. */
	args = xasprintf("--demo report -o %s", dir);
	assert_int_equal(run(&out, args), 2);
	assert_non_null(strstr(out, dir));
	free(out);
	free(args);
	free(file);
	tu_rmtree(dir);
	free(dir);
}

/* The long options of a text: every "--word" (sorted, unique). */
static void long_options(const char *text, struct strvec *out)
{
	for (const char *p = strstr(text, "--"); p; p = strstr(p + 2, "--")) {
		size_t n = 2;
		while (p[n] == '-' || (p[n] >= 'a' && p[n] <= 'z'))
			n++;
		if (n > 3) {
			char *opt = xstrndup(p, n);
			if (!sv_contains(out, opt))
				sv_take(out, opt);
			else
				free(opt);
		}
		p += n - 2;
	}
}

/* Every long option of --help is in the man page, and the other way round. */
static void test_man_page_matches_help(void **state)
{
	(void)state;
	char *help;
	assert_int_equal(run(&help, "--help"), 0);
	char *man = tu_read_file("man/asr-doctor.1", NULL);
	/* roff writes a hyphen as "\-". */
	for (char *q; (q = strstr(man, "\\-"));)
		memmove(q, q + 1, strlen(q));
	struct strvec h = { 0 }, m = { 0 };
	long_options(help, &h);
	long_options(man, &m);
	assert_true(h.n >= 12);
	for (size_t i = 0; i < h.n; i++) {
		if (!sv_contains(&m, h.v[i]))
			print_error("man page lacks %s\n", h.v[i]);
		assert_true(sv_contains(&m, h.v[i]));
	}
	for (size_t i = 0; i < m.n; i++) {
		if (!sv_contains(&h, m.v[i]))
			print_error("--help lacks %s\n", m.v[i]);
		assert_true(sv_contains(&h, m.v[i]));
	}
	sv_free(&h);
	sv_free(&m);
	free(man);
	free(help);
}

/* Every key of the wizard (tui/keys.def, the list the help screen is
 * made from) is in the man page's KEYS section. */
static void test_man_page_lists_every_key(void **state)
{
	(void)state;
	char *man = tu_read_file("man/asr-doctor.1", NULL);
	char *keys = strstr(man, ".SH KEYS\n");
	assert_non_null(keys);
	char *end = strstr(keys + 1, "\n.SH ");
	if (end)
		*end = '\0';
	/* The words of the .B and .BR lines. */
	struct strvec words = { 0 };
	char *save = NULL;
	for (char *l = strtok_r(keys, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		if (!str_starts(l, ".B"))
			continue;
		char *wsave = NULL;
		for (char *w = strtok_r(l + 3, " \",", &wsave); w; w = strtok_r(NULL, " \",", &wsave))
			sv_push(&words, w);
	}
	char *def = tu_read_file("tui/keys.def", NULL);
	size_t n = 0;
	for (char *p = strstr(def, "\nACTION("); p; p = strstr(p + 1, "\nACTION(")) {
		char *q = strchr(p, '"');
		assert_non_null(q);
		size_t k = strcspn(q + 1, " \"");
		char *key = xstrndup(q + 1, k);
		if (!sv_contains(&words, key))
			print_error("the man page's KEYS lack '%s'\n", key);
		assert_true(sv_contains(&words, key));
		free(key);
		n++;
	}
	assert_true(n >= 20);
	free(def);
	sv_free(&words);
	free(man);
}

/* The wizard's key table, from the list that makes its help. */
static const char *const key_table[][2] = {
#define ACTION(id, keys, en, zh) { keys, en },
#include "tui/keys.def"
#undef ACTION
};

/* Removes roff's escapes for a hyphen and a quoted argument's quotes. */
static char *roff_plain(const char *s)
{
	struct sbuf b = { 0 };
	for (const char *p = s; *p; p++) {
		if (p[0] == '\\' && p[1] == '-') {
			sb_addc(&b, '-');
			p++;
		} else if (*p != '"') {
			sb_addc(&b, *p);
		}
	}
	return sb_steal(&b);
}

/* The man page's KEYS section lists the key table's entries, in its order,
 * with the same keys and words, and nothing else. */
static void test_man_keys_match_key_table(void **state)
{
	(void)state;
	char *man = tu_read_file("man/asr-doctor.1", NULL);
	char *sec = strstr(man, "\n.SH KEYS\n");
	assert_non_null(sec);
	char *end = strstr(sec + 1, "\n.SH ");
	assert_non_null(end);
	*end = '\0';
	size_t k = 0;
	char *save = NULL;
	for (char *l = strtok_r(sec, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		if (strcmp(l, ".TP") != 0)
			continue;
		char *keys = strtok_r(NULL, "\n", &save);
		char *text = strtok_r(NULL, "\n", &save);
		assert_non_null(keys);
		assert_non_null(text);
		assert_true(str_starts(keys, ".B "));
		assert_true(k < ARRAY_LEN(key_table));
		char *pk = roff_plain(keys + 3), *pt = roff_plain(text);
		if (strcmp(pk, key_table[k][0]) != 0 || strcmp(pt, key_table[k][1]) != 0)
			print_error("man page KEYS entry %zu: \"%s\" \"%s\"; keys.def: \"%s\" \"%s\"\n", k + 1, pk,
				    pt, key_table[k][0], key_table[k][1]);
		assert_string_equal(pk, key_table[k][0]);
		assert_string_equal(pt, key_table[k][1]);
		free(pk);
		free(pt);
		k++;
	}
	if (k != ARRAY_LEN(key_table))
		print_error("man page KEYS has %zu entries, keys.def %zu\n", k, ARRAY_LEN(key_table));
	assert_int_equal(k, ARRAY_LEN(key_table));
	/* The files the wizard keeps are named. */
	assert_non_null(strstr(end + 1, ".SH FILES"));
	assert_non_null(strstr(end + 1, "journal.jsonl"));
	assert_non_null(strstr(end + 1, "state.json"));
	free(man);
}

/* The command between "Undo: '" and the next "'" of a plan's text; caller
 * frees; NULL when there is none. */
static char *undo_named(const char *out)
{
	const char *u = strstr(out, "Undo: '");
	if (!u)
		return NULL;
	u += 7;
	const char *end = strchr(u, '\'');
	return end ? xstrndup(u, (size_t)(end - u)) : NULL;
}

/* fix --dry-run names the exact command that will undo the change, with
 * --root and --journal, and that command, run as printed, undoes it. */
static void test_plan_names_the_exact_undo_command(void **state)
{
	(void)state;
	if (access("/usr/sbin/sshd", X_OK) != 0)
		skip(); /* the fix plans only with an sshd to validate */
	char *dir = tu_mkdtemp("cli");
	char *root = xasprintf("%s/root", dir);
	assert_int_equal(tu_sh(NULL, "cp -a tests/fixtures/sshd/debian-cloud '%s'", root), 0);
	char *conf = xasprintf("%s/etc/ssh/sshd_config.d/60-cloudimg-settings.conf", root);
	tu_write_file(conf, "PasswordAuthentication no\n");
	char *out = NULL;
	char *args = xasprintf("--lang en --root '%s' fix sshd.enable_password --dry-run", root);
	assert_int_equal(run(&out, args), 0);
	free(args);
	char *cmd = undo_named(out);
	char *want = xasprintf("asr-doctor --root %s undo 1", root);
	if (!cmd || strcmp(cmd, want) != 0)
		print_error("%s", out);
	assert_non_null(cmd);
	assert_string_equal(cmd, want);
	free(want);
	free(cmd);
	free(out);

	/* Another journal folder is named too. */
	args = xasprintf("--lang en --root '%s' --journal '%s/j' fix sshd.enable_password "
			 "--dry-run",
			 root, dir);
	assert_int_equal(run(&out, args), 0);
	free(args);
	cmd = undo_named(out);
	want = xasprintf("asr-doctor --root %s --journal %s/j undo 1", root, dir);
	assert_non_null(cmd);
	assert_string_equal(cmd, want);
	free(want);
	free(cmd);
	free(out);

	/* Applied, then undone by the very command the plan named. */
	args = xasprintf("--lang en --root '%s' fix sshd.enable_password --dry-run", root);
	assert_int_equal(run(&out, args), 0);
	cmd = undo_named(out);
	free(out);
	free(args);
	args = xasprintf("--lang en --root '%s' fix sshd.enable_password --yes </dev/null", root);
	int rc = run(&out, args);
	if (rc != 0)
		print_error("%s", out);
	assert_int_equal(rc, 0);
	assert_non_null(strstr(out, cmd));
	free(out);
	free(args);
	char *now = tu_read_file(conf, NULL);
	assert_non_null(strstr(now, "PasswordAuthentication yes"));
	free(now);
	assert_true(str_starts(cmd, "asr-doctor "));
	/* As printed; --yes answers the confirmation a terminal would ask. */
	args = xasprintf("--lang en %s --yes </dev/null", cmd + strlen("asr-doctor "));
	rc = run(&out, args);
	if (rc != 0)
		print_error("%s", out);
	assert_int_equal(rc, 0);
	free(out);
	free(args);
	free(cmd);
	now = tu_read_file(conf, NULL);
	assert_string_equal(now, "PasswordAuthentication no\n");
	free(now);

	/* The next change will be entry 3 (2 is the undo). */
	args = xasprintf("--lang en --root '%s' fix sshd.enable_password --dry-run", root);
	assert_int_equal(run(&out, args), 0);
	cmd = undo_named(out);
	want = xasprintf("asr-doctor --root %s undo 3", root);
	assert_non_null(cmd);
	assert_string_equal(cmd, want);
	free(want);
	free(cmd);
	free(out);
	free(args);
	free(conf);
	free(root);
	tu_rmtree(dir);
	free(dir);
}

int main(void)
{
	/* Everything the commands put in a temporary folder lands here. */
	const char *base = tu_scratch("cli-run");
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_help_and_version),
		cmocka_unit_test(test_usage_errors),
		cmocka_unit_test(test_explain),
		cmocka_unit_test(test_tree),
		cmocka_unit_test(test_bad_doc),
		cmocka_unit_test(test_new_edition_flags_changed_sections),
		cmocka_unit_test(test_edition_anchors_as_docs),
		cmocka_unit_test(test_edition_tabs),
		cmocka_unit_test(test_editions_count_the_same),
		cmocka_unit_test(test_check_json_schema),
		cmocka_unit_test(test_demo_windows),
		cmocka_unit_test(test_report),
		cmocka_unit_test(test_report_names_the_undo_command),
		cmocka_unit_test(test_account_option),
		cmocka_unit_test(test_man_page_matches_help),
		cmocka_unit_test(test_man_page_lists_every_key),
		cmocka_unit_test(test_man_keys_match_key_table),
		cmocka_unit_test(test_plan_names_the_exact_undo_command),
	};
	int rc = cmocka_run_group_tests_name("cli", tests, NULL, NULL);
	/* The demo sandboxes are removed by asr-doctor itself. */
	int left = tu_sh(NULL, "[ -z \"$(ls -A '%s')\" ]", base);
	if (left != 0)
		print_error("asr-doctor left files in %s\n", base);
	return tu_scratch_done(rc ? rc : left != 0);
}
