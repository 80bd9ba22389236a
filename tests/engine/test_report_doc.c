/* test_report_doc.c: the full report: secrets masked in everything it
 * records (command output, file lines, notes, journal messages and
 * commands), plain text never wider than 80 columns (the demo sandbox in
 * English and Chinese, a fixture with long paths, evidence with unbroken
 * words), the JSON document (the `check --json` results plus generated,
 * facts and a journal read through the real journal API, with checksums
 * but no file contents or command output). */
#include "report_testlib.h"

#include <cjson/cJSON.h>
#include <stdio.h>

#include "engine/content.h"
#include "engine/facts.h"
#include "engine/change/journal.h"
#include "engine/report.h"
#include "engine/report_doc.h"
#include "engine/util/mask.h"

#define SHA_A "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
#define SHA_B "fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210"

static struct target *root_target(const char *dir)
{
	char *cause = NULL;
	struct target *t = target_root_new(dir, &cause);
	if (!t)
		print_error("%s\n", cause);
	free(cause);
	assert_non_null(t);
	return t;
}

/* ---- masking ---------------------------------------------------------------- */

static void test_mask_table(void **state)
{
	(void)state;
	static const char *const cases[][2] = {
		{ "password=hunter2", "password=********" },
		{ "PASSWORD hunter2", "PASSWORD ********" },
		{ "mysql --password=hunter2 -u root", "mysql --password=******** -u root" },
		{ "export DB_PASSWORD='s3 cr3t' && run", "export DB_PASSWORD='********' && run" },
		{ "{\"password\": \"hunter2\", \"user\": \"root\"}",
		  "{\"password\": \"********\", \"user\": \"root\"}" },
		{ "Password: hunter2 again", "Password: ********" },
		{ "client_secret=abc&scope=x", "client_secret=********&scope=x" },
		{ "TOKEN abc123", "TOKEN ********" },
		{ "token: abc", "token: ********" },
		{ "passphrase = \"a b c\"", "passphrase = \"********\"" },
		{ "passwd: password updated successfully", "passwd: ********" },
		{ "root:$6$saltsalt$abcdefghijklmnopqrstuv0123456789./:19000:0:99999:7:::",
		  "root:********:19000:0:99999:7:::" },
		{ "usermod -p '$y$j9T$abcdefghijklmnop$qrstuvwxyz0123456789' root",
		  "usermod -p '********' root" },
		{ "https://admin:hunter2@example.com/path", "https://admin:********@example.com/path" },
		{ "line1\npassword = two words  \nline3", "line1\npassword = ********  \nline3" },
		/* Left alone: other words, prose, empty values, ports, shell. */
		{ "PasswordAuthentication no", "PasswordAuthentication no" },
		{ "passwordauthentication yes", "passwordauthentication yes" },
		{ "PermitEmptyPasswords no", "PermitEmptyPasswords no" },
		{ "the root password is locked", "the root password is locked" },
		{ "Password:", "Password:" },
		{ "https://example.com:8443/x", "https://example.com:8443/x" },
		{ "sftp://user@host", "sftp://user@host" },
		{ "awk '{print $1$2}'", "awk '{print $1$2}'" },
		{ "", "" },
	};
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		char *m = mask_secrets(cases[i][0]);
		if (strcmp(m, cases[i][1]) != 0)
			print_error("case %zu: '%s' gave '%s', expected '%s'\n", i, cases[i][0], m,
				    cases[i][1]);
		assert_string_equal(m, cases[i][1]);
		free(m);
	}
	assert_null(mask_secrets(NULL));
}

/* A journal entry (borrowed strings) with a secret in its message, a
 * command's argument and its output. */
static void secret_entry(struct journal_entry *e, struct journal_file *f, struct journal_cmd *c,
			 char **argv)
{
	memset(e, 0, sizeof *e);
	memset(f, 0, sizeof *f);
	memset(c, 0, sizeof *c);
	e->id = (char *)"7";
	e->time = (char *)"2026-01-02T03:04:05Z";
	e->anchor = (char *)"credentials-check";
	e->fix_id = (char *)"sshd.password";
	e->title = (char *)"Allow password logins";
	e->outcome = JOURNAL_APPLIED;
	e->message = (char *)"set token=abcdef123 for the helper";
	f->path = (char *)"/etc/ssh/sshd_config";
	f->real_path = f->path;
	f->existed = true;
	f->exists_after = true;
	strcpy(f->sha_before, SHA_A);
	strcpy(f->sha_after, SHA_B);
	e->files = f;
	e->nfiles = 1;
	argv[0] = (char *)"helper";
	argv[1] = (char *)"--password=hunter2";
	argv[2] = NULL;
	c->argv = argv;
	c->ran = true;
	c->status = 0;
	c->output = (char *)"ok PASSWORD hunter2";
	e->cmds = c;
	e->ncmds = 1;
}

static void test_secrets_never_reach_report(void **state)
{
	(void)state;
	struct doc *d;
	struct session *s = rt_session("en", &d);
	struct check_result r;
	result_init(&r, s->bindings[0].check->id);
	r.status = STATUS_FAIL;
	r.finding = xstrdup("a finding");
	result_command(&r, "env", 0,
		       "HOME=/root\nDB_PASSWORD=hunter2\nPASSWORD hunter2\nmysql --password=hunter2\n");
	result_file(&r, "/etc/app.conf", 3, "password: hunter2");
	result_file(&r, "/etc/shadow", 1, "root:$6$saltsalt$abcdefghijklmnopqrstuv0123456789./:19000:::::");
	result_file(&r, "/etc/ssh/sshd_config", 12, "PasswordAuthentication no");
	result_note(&r, "secret=hunter2");
	session_store(s, &r);

	struct journal_entry e;
	struct journal_file f;
	struct journal_cmd c;
	char *argv[3];
	secret_entry(&e, &f, &c, argv);
	struct target *t = target_local_new();
	struct report_input in = { .s = s, .t = t, .journal = &e, .njournal = 1,
				   .journal_dir = "/var/lib/asr-doctor/journal",
				   .generated = "2026-01-02T03:04:05Z" };
	char *json = report_json(&in);
	assert_null(strstr(json, "hunter2"));
	assert_null(strstr(json, "abcdef123"));
	assert_null(strstr(json, "saltsalt"));
	assert_non_null(strstr(json, "PasswordAuthentication no"));
	assert_non_null(strstr(json, "DB_PASSWORD=********"));
	assert_non_null(strstr(json, "--password=********"));

	char *text = NULL;
	size_t len = 0;
	FILE *mf = open_memstream(&text, &len);
	struct render_opts o = { .width = 80 };
	report_text(&in, &o, mf);
	fclose(mf);
	assert_null(strstr(text, "hunter2"));
	assert_null(strstr(text, "abcdef123"));
	assert_null(strstr(text, "saltsalt"));
	assert_non_null(strstr(text, "PasswordAuthentication no"));
	assert_non_null(strstr(text, "password: ********"));
	free(text);
	free(json);
	target_free(t);
	rt_free(s, d);
}

/* ---- plain text fits 80 columns ------------------------------------------------ */

/* The text report of s on t with facts, at width cols. Caller frees. */
static char *text_report(const struct session *s, struct target *t, const struct journal_entry *e,
			 size_t ne, int cols, bool utf8)
{
	struct facts f;
	facts_gather(t, &f);
	struct report_input in = { .s = s, .t = t, .facts = &f, .journal = e, .njournal = ne,
				   .journal_dir = "/var/lib/asr-doctor/journal" };
	char *text = NULL;
	size_t len = 0;
	FILE *mf = open_memstream(&text, &len);
	struct render_opts o = { .width = cols, .utf8 = utf8 };
	report_text(&in, &o, mf);
	fclose(mf);
	facts_free(&f);
	return text;
}

static void demo_fits(const char *lang, enum lang l)
{
	msg_set_lang(l);
	char *dir = tu_mkdtemp("report-demo");
	char *cause = NULL;
	if (content_extract("demo/", dir, &cause) < 0)
		print_error("%s\n", cause);
	assert_null(cause);
	struct target *t = root_target(dir);
	struct doc *d;
	struct session *s = rt_session(lang, &d);
	rt_run_all(s, t);
	struct journal_entry e;
	struct journal_file f;
	struct journal_cmd c;
	char *argv[3];
	secret_entry(&e, &f, &c, argv);
	for (int utf8 = 0; utf8 <= 1; utf8++) {
		char *text = text_report(s, t, &e, 1, 80, utf8);
		size_t lines = rt_assert_width(text, 80);
		/* Every check is there, with its evidence. */
		assert_true(lines > s->nbindings * 2);
		for (size_t i = 0; i < s->nbindings; i++)
			assert_non_null(strstr(text, check_title(s->bindings[i].check)));
		assert_non_null(strstr(text, SHA_A));
		assert_non_null(strstr(text, "#7"));
		/* Failures come first, passes last. */
		const char *fail = NULL, *pass = NULL;
		for (size_t i = 0; i < s->nbindings; i++) {
			const char *at = strstr(text, check_title(s->bindings[i].check));
			enum status st = s->results[i].status;
			if (st == STATUS_FAIL && (!fail || at > fail))
				fail = at;
			if (st == STATUS_PASS && (!pass || at < pass))
				pass = at;
		}
		assert_non_null(fail);
		assert_non_null(pass);
		assert_true(fail < pass);
		free(text);
	}
	rt_free(s, d);
	target_free(t);
	tu_rmtree(dir);
	free(dir);
	msg_set_lang(LANG_EN);
}

static void test_demo_text_fits_80_columns(void **state)
{
	(void)state;
	demo_fits("en", LANG_EN);
}

static void test_demo_text_fits_80_columns_chinese(void **state)
{
	(void)state;
	demo_fits("zh-CN", LANG_ZH);
}

static void test_long_paths_fit_80_columns(void **state)
{
	(void)state;
	struct target *t = root_target("tests/fixtures/report/longpaths");
	struct doc *d;
	struct session *s = rt_session("en", &d);
	rt_run_all(s, t);
	/* Evidence no check would write on its own: unbroken words longer
	 * than a line, tabs, and wide characters. */
	struct check_result r;
	result_init(&r, s->bindings[0].check->id);
	r.status = STATUS_WARN;
	struct sbuf longword = { 0 };
	for (int i = 0; i < 30; i++)
		sb_add(&longword, "/deeply-nested");
	r.finding = xasprintf("finding naming %s", sb_str(&longword));
	result_file(&r, sb_str(&longword), 12345, sb_str(&longword));
	result_command(&r, sb_str(&longword), 127, "\tcolumn\tseparated\toutput\n中文输出中文输出中文输出中文输出中文输出中文输出中文输出中文输出中文输出中文输出");
	result_note(&r, "%s", sb_str(&longword));
	sb_free(&longword);
	session_store(s, &r);
	char *text = text_report(s, t, NULL, 0, 80, false);
	rt_assert_width(text, 80);
	/* The facts of the fixture are there, wrapped rather than cut. */
	assert_non_null(strstr(text, "a-very-long-host-name-for-a-machine"));
	assert_non_null(strstr(text, "/srv/data/applications/very/deeply/nested"));
	assert_non_null(strstr(text, "that needs wrapping"));
	free(text);
	/* Narrower widths hold too. */
	text = text_report(s, t, NULL, 0, 40, false);
	rt_assert_width(text, 40);
	free(text);
	rt_free(s, d);
	target_free(t);
}

/* ---- JSON ---------------------------------------------------------------------- */

static void test_json_document(void **state)
{
	(void)state;
	char *jdir = tu_mkdtemp("report-journal");
	struct journal *j = NULL;
	char *cause = NULL;
	assert_int_equal(journal_open(jdir, NULL, true, &j, &cause), 0);
	assert_int_equal(journal_lock(j, 0, &cause), 0);
	struct journal_entry e;
	struct journal_file f;
	struct journal_cmd c;
	char *argv[3];
	secret_entry(&e, &f, &c, argv);
	e.id = (char *)"1";
	assert_int_equal(journal_record_start(j, &e, &cause), 0);
	assert_int_equal(journal_record_end(j, &e, &cause), 0);
	journal_close(j);
	/* Read back through the journal's own reader, as `report` does. */
	assert_int_equal(journal_list(jdir, &j, &cause), 0);
	assert_int_equal(j->n, 1);

	struct target *t = root_target("tests/fixtures/report/machine");
	struct doc *d;
	struct session *s = rt_session("en", &d);
	rt_run_all(s, t);
	struct facts facts;
	facts_gather(t, &facts);
	struct report_input in = { .s = s, .t = t, .facts = &facts, .journal = j->entries,
				   .njournal = j->n, .journal_dir = jdir };
	char *json = report_json(&in);
	cJSON *root = cJSON_Parse(json);
	assert_non_null(root);
	assert_int_equal(cJSON_GetObjectItem(root, "schema")->valueint, 1);
	const cJSON *gen = cJSON_GetObjectItem(root, "generated");
	assert_true(cJSON_IsString(gen));
	assert_int_equal(strlen(gen->valuestring), 20);
	assert_int_equal(gen->valuestring[19], 'Z');
	assert_string_equal(cJSON_GetObjectItem(cJSON_GetObjectItem(root, "target"), "kind")->valuestring,
			    "root");
	const cJSON *fx = cJSON_GetObjectItem(root, "facts");
	assert_string_equal(cJSON_GetObjectItem(cJSON_GetObjectItem(fx, "host"), "name")->valuestring,
			    "fixture-web01");
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(cJSON_GetObjectItem(fx, "disks"), "list")), 2);

	/* The results are exactly those of `check --json`. */
	char *check = report_check_json(s, t, NULL, 0);
	cJSON *croot = cJSON_Parse(check);
	assert_true(cJSON_Compare(cJSON_GetObjectItem(croot, "results"),
				  cJSON_GetObjectItem(root, "results"), true));
	assert_true(cJSON_Compare(cJSON_GetObjectItem(croot, "summary"),
				  cJSON_GetObjectItem(root, "summary"), true));
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(root, "results")), s->nbindings);

	const cJSON *jj = cJSON_GetObjectItem(root, "journal");
	assert_string_equal(cJSON_GetObjectItem(jj, "dir")->valuestring, jdir);
	const cJSON *ent = cJSON_GetArrayItem(cJSON_GetObjectItem(jj, "entries"), 0);
	assert_string_equal(cJSON_GetObjectItem(ent, "id")->valuestring, "1");
	assert_string_equal(cJSON_GetObjectItem(ent, "node")->valuestring, "credentials-check");
	assert_string_equal(cJSON_GetObjectItem(ent, "fix")->valuestring, "sshd.password");
	assert_string_equal(cJSON_GetObjectItem(ent, "outcome")->valuestring, "applied");
	const cJSON *file = cJSON_GetArrayItem(cJSON_GetObjectItem(ent, "files"), 0);
	assert_string_equal(cJSON_GetObjectItem(file, "path")->valuestring, "/etc/ssh/sshd_config");
	assert_string_equal(cJSON_GetObjectItem(file, "sha256_before")->valuestring, SHA_A);
	assert_string_equal(cJSON_GetObjectItem(file, "sha256_after")->valuestring, SHA_B);
	/* Paths and checksums only: no backup, temporary file or contents. */
	assert_null(cJSON_GetObjectItem(file, "backup"));
	assert_null(cJSON_GetObjectItem(file, "real_path"));
	const cJSON *cmd = cJSON_GetArrayItem(cJSON_GetObjectItem(ent, "commands"), 0);
	assert_string_equal(cJSON_GetArrayItem(cJSON_GetObjectItem(cmd, "argv"), 1)->valuestring,
			    "--password=********");
	assert_int_equal(cJSON_GetObjectItem(cmd, "exit_status")->valueint, 0);
	assert_null(cJSON_GetObjectItem(cmd, "output"));
	assert_null(strstr(json, "ok PASSWORD"));

	cJSON_Delete(croot);
	free(check);
	cJSON_Delete(root);
	free(json);
	facts_free(&facts);
	rt_free(s, d);
	target_free(t);
	journal_close(j);
	tu_rmtree(jdir);
	free(jdir);
}

static void test_json_without_facts_or_journal(void **state)
{
	(void)state;
	struct doc *d;
	struct session *s = rt_session("en", &d);
	struct target *t = target_local_new();
	struct report_input in = { .s = s, .t = t, .journal_note = "cannot read /x: Permission denied" };
	char *json = report_json(&in);
	cJSON *root = cJSON_Parse(json);
	const cJSON *fx = cJSON_GetObjectItem(root, "facts");
	assert_string_equal(cJSON_GetObjectItem(cJSON_GetObjectItem(fx, "os"), "name")->valuestring,
			    FACTS_UNKNOWN);
	const cJSON *jj = cJSON_GetObjectItem(root, "journal");
	assert_true(cJSON_IsNull(cJSON_GetObjectItem(jj, "dir")));
	assert_string_equal(cJSON_GetObjectItem(jj, "problem")->valuestring,
			    "cannot read /x: Permission denied");
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(jj, "entries")), 0);
	cJSON_Delete(root);
	free(json);
	target_free(t);
	rt_free(s, d);
}

/* The account the checks judged (--account) is named in both forms of
 * the report; without it, neither mentions one. */
static void test_account_named_in_report(void **state)
{
	(void)state;
	struct doc *d;
	struct session *s = rt_session("en", &d);
	struct target *t = target_local_new();
	struct report_input in = { .s = s, .t = t, .account = "WEB01\\asrpush" };
	char *json = report_json(&in);
	cJSON *root = cJSON_Parse(json);
	const cJSON *tg = cJSON_GetObjectItem(root, "target");
	assert_string_equal(cJSON_GetObjectItem(tg, "account")->valuestring, "WEB01\\asrpush");
	cJSON_Delete(root);
	free(json);
	struct render_opts o = { .width = 80 };
	struct rpage pg = { 0 };
	report_page(&in, &o, &pg);
	bool seen = false;
	for (size_t i = 0; i < pg.nlines; i++) {
		char *line = rline_text(&pg.lines[i]);
		seen |= strstr(line, "Account: WEB01\\asrpush") != NULL;
		free(line);
	}
	assert_true(seen);
	rpage_free(&pg);
	in.account = NULL;
	json = report_json(&in);
	root = cJSON_Parse(json);
	assert_null(cJSON_GetObjectItem(cJSON_GetObjectItem(root, "target"), "account"));
	cJSON_Delete(root);
	free(json);
	target_free(t);
	rt_free(s, d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mask_table),
		cmocka_unit_test(test_account_named_in_report),
		cmocka_unit_test(test_secrets_never_reach_report),
		cmocka_unit_test(test_demo_text_fits_80_columns),
		cmocka_unit_test(test_demo_text_fits_80_columns_chinese),
		cmocka_unit_test(test_long_paths_fit_80_columns),
		cmocka_unit_test(test_json_document),
		cmocka_unit_test(test_json_without_facts_or_journal),
	};
	return cmocka_run_group_tests_name("report_doc", tests, NULL, NULL);
}
