/* test_replay.c: reading a saved report or `check --json` document back
 * into a session (--replay): every status, finding and evidence item
 * survives the round trip, the facts, target, article edition and journal
 * come back for display, unknown checks become warnings, and malformed
 * input gives an error that says what is wrong and where, leaving the
 * session as it was. */
#include "report_testlib.h"

#include <errno.h>

#include "engine/facts.h"
#include "engine/change/journal.h"
#include "engine/replay.h"
#include "engine/report.h"
#include "engine/report_doc.h"

#define SHA_A "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

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

/* Two journal entries (borrowed strings): an applied fix and its undo. */
struct fake_journal {
	struct journal_entry e[2];
	struct journal_file f;
	struct journal_cmd c[2];
	char *argv0[4], *argv1[3];
};

static void fake_journal(struct fake_journal *j)
{
	memset(j, 0, sizeof *j);
	struct journal_entry *e = &j->e[0];
	e->id = (char *)"1";
	e->time = (char *)"2026-01-02T03:04:05Z";
	e->end_time = (char *)"2026-01-02T03:04:09Z";
	e->anchor = (char *)"credentials-check-errorid-95107--95108";
	sv_push(&e->checks, "sshd.password");
	e->fix_id = (char *)"sshd.password";
	e->title = (char *)"Allow password logins for root";
	e->undone_by = (char *)"2";
	e->outcome = JOURNAL_APPLIED;
	e->message = (char *)"PasswordAuthentication yes written to /etc/ssh/sshd_config.d/60-cloudimg-settings.conf";
	e->validator_output = (char *)"";
	j->f.path = (char *)"/etc/ssh/sshd_config.d/60-cloudimg-settings.conf";
	j->f.existed = true;
	strcpy(j->f.sha_before, SHA_A);
	j->f.exists_after = false;
	e->files = &j->f;
	e->nfiles = 1;
	j->argv0[0] = (char *)"systemctl";
	j->argv0[1] = (char *)"reload";
	j->argv0[2] = (char *)"ssh";
	j->c[0].argv = j->argv0;
	j->c[0].ran = true;
	j->c[0].status = 3;
	j->argv1[0] = (char *)"sshd";
	j->argv1[1] = (char *)"-t";
	j->c[1].argv = j->argv1;
	j->c[1].ran = false;
	j->c[1].status = -1;
	j->c[1].note = (char *)"refused on the confirmation screen";
	e->cmds = j->c;
	e->ncmds = 2;
	e = &j->e[1];
	e->id = (char *)"2";
	e->undoes = (char *)"1";
	e->outcome = JOURNAL_UNDONE;
}

static void test_report_round_trip(void **state)
{
	(void)state;
	struct doc *da, *db;
	struct session *a = rt_session("en", &da);
	rt_fill_every_status(a);
	struct target *t = root_target("tests/fixtures/report/machine");
	struct facts facts;
	facts_gather(t, &facts);
	struct fake_journal fj;
	fake_journal(&fj);
	struct report_input in = { .s = a, .t = t, .facts = &facts, .journal = fj.e, .njournal = 2,
				   .journal_dir = "/var/lib/asr-doctor/journal",
				   .generated = "2026-01-02T03:05:00Z" };
	char *json = report_json(&in);

	struct session *b = rt_session("en", &db);
	struct replay_info info;
	char *cause = NULL;
	/* The text is gone once read: everything must have been copied. */
	char *copy = xstrdup(json);
	int rc = replay_load(copy, b, &info, &cause);
	memset(copy, 'x', strlen(copy));
	free(copy);
	if (rc < 0)
		print_error("%s\n", cause);
	assert_int_equal(rc, 0);
	assert_null(cause);
	rt_assert_same_results(a, b);
	/* Statuses roll up the new tree as they did in the old one. */
	for (size_t i = 0; i < da->nnodes; i++) {
		assert_int_equal(da->nodes[i]->own, db->nodes[i]->own);
		assert_int_equal(da->nodes[i]->rolled, db->nodes[i]->rolled);
	}
	assert_int_equal(info.nresults, a->nbindings);
	assert_int_equal(info.warnings.n, 0);
	assert_true(info.report);
	assert_string_equal(info.generated, "2026-01-02T03:05:00Z");
	assert_string_equal(info.version, ASR_VERSION);
	assert_string_equal(info.target_kind, "root");
	assert_string_equal(info.target_name, t->name);
	assert_string_equal(info.target_root, t->root);
	assert_string_equal(info.article_lang, "en");
	assert_string_equal(info.article_name, da->name);
	assert_string_equal(info.article_date, da->date);
	assert_true(info.have_facts);
	assert_string_equal(info.facts.hostname, "fixture-web01");
	assert_string_equal(info.facts.kernel, "5.15.0-105-generic");
	assert_int_equal(info.facts.ndisks, 2);
	assert_true(info.facts.disks[0].size == facts.disks[0].size);
	assert_int_equal(info.facts.nmounts, facts.nmounts);
	assert_string_equal(info.journal_dir, "/var/lib/asr-doctor/journal");
	assert_null(info.journal_note);
	assert_int_equal(info.njournal, 2);
	const struct journal_entry *e = &info.journal[0];
	assert_string_equal(e->id, "1");
	assert_string_equal(e->end_time, "2026-01-02T03:04:09Z");
	assert_string_equal(e->anchor, fj.e[0].anchor);
	assert_int_equal(e->checks.n, 1);
	assert_string_equal(e->checks.v[0], "sshd.password");
	assert_string_equal(e->fix_id, "sshd.password");
	assert_string_equal(e->title, fj.e[0].title);
	assert_string_equal(e->undone_by, "2");
	assert_int_equal(e->outcome, JOURNAL_APPLIED);
	assert_string_equal(e->message, fj.e[0].message);
	assert_int_equal(e->nfiles, 1);
	assert_string_equal(e->files[0].path, fj.f.path);
	assert_true(e->files[0].existed);
	assert_string_equal(e->files[0].sha_before, SHA_A);
	assert_false(e->files[0].exists_after);
	assert_string_equal(e->files[0].sha_after, "");
	assert_int_equal(e->ncmds, 2);
	assert_string_equal(e->cmds[0].argv[2], "ssh");
	assert_null(e->cmds[0].argv[3]);
	assert_true(e->cmds[0].ran);
	assert_int_equal(e->cmds[0].status, 3);
	assert_false(e->cmds[1].ran);
	assert_int_equal(e->cmds[1].status, -1);
	assert_string_equal(e->cmds[1].note, "refused on the confirmation screen");
	assert_string_equal(info.journal[1].undoes, "1");
	assert_int_equal(info.journal[1].outcome, JOURNAL_UNDONE);

	/* Saved again from the replay, the report is the same document. */
	struct target *rt = replay_target(&info);
	struct report_input again = { .s = b, .t = rt, .facts = &info.facts, .journal = info.journal,
				      .njournal = info.njournal, .journal_dir = info.journal_dir,
				      .generated = info.generated };
	char *json2 = report_json(&again);
	assert_string_equal(json2, json);
	free(json2);
	target_free(rt);

	replay_info_free(&info);
	sv_free(&fj.e[0].checks);
	free(json);
	facts_free(&facts);
	target_free(t);
	rt_free(a, da);
	rt_free(b, db);
}

static void test_check_json_subset(void **state)
{
	(void)state;
	struct doc *da, *db;
	struct session *a = rt_session("en", &da);
	rt_fill_every_status(a);
	struct target *t = target_local_new();
	size_t idx[] = { 2, 3 };
	char *json = report_check_json(a, t, idx, 2);
	struct session *b = rt_session("en", &db);
	struct replay_info info;
	char *cause = NULL;
	assert_int_equal(replay_load(json, b, &info, &cause), 0);
	assert_false(info.report);
	assert_false(info.have_facts);
	assert_string_equal(info.facts.hostname, FACTS_UNKNOWN);
	assert_int_equal(info.njournal, 0);
	assert_null(info.generated);
	assert_string_equal(info.target_kind, "local");
	assert_null(info.target_root);
	assert_int_equal(info.nresults, 2);
	for (size_t i = 0; i < b->nbindings; i++) {
		if (i == 2 || i == 3) {
			assert_int_equal(b->results[i].status, a->results[i].status);
			assert_int_equal(b->results[i].nev, a->results[i].nev);
		} else {
			assert_int_equal(b->results[i].status, STATUS_NONE);
		}
	}
	replay_info_free(&info);
	free(json);
	target_free(t);
	rt_free(a, da);
	rt_free(b, db);
}

static void test_unknown_and_unbound_checks_warn(void **state)
{
	(void)state;
	char *cause = NULL;
	struct doc *d = doc_load_builtin("en", &cause);
	assert_non_null(d);
	/* An edition whose bindings leave out every check but one. */
	struct session *s = session_new(
		d, "{\"bindings\": [{\"check\": \"resources.memory\", \"error_ids\": [95572]}]}", &cause);
	assert_non_null(s);
	assert_int_equal(s->nbindings, 1);
	const char *json =
		"{\"schema\": 1, \"results\": ["
		"{\"check\": \"resources.memory\", \"status\": \"warn\", \"finding\": \"384 MB\"},"
		"{\"check\": \"sshd.password\", \"status\": \"fail\", \"finding\": \"no\"},"
		"{\"check\": \"future.check\", \"status\": \"pass\", \"finding\": \"ok\"},"
		"{\"check\": \"resources.memory\", \"status\": \"fail\", \"finding\": \"100 MB\"}]}";
	struct replay_info info;
	assert_int_equal(replay_load(json, s, &info, &cause), 0);
	assert_int_equal(info.nresults, 1);
	assert_int_equal(info.warnings.n, 3);
	assert_non_null(strstr(info.warnings.v[0], "sshd.password"));
	assert_non_null(strstr(info.warnings.v[0], "no section in this article edition"));
	assert_non_null(strstr(info.warnings.v[1], "future.check"));
	assert_non_null(strstr(info.warnings.v[1], "unknown to this asr-doctor"));
	assert_non_null(strstr(info.warnings.v[2], "more than once"));
	/* The last of the duplicates is the one shown. */
	assert_int_equal(s->results[0].status, STATUS_FAIL);
	assert_string_equal(s->results[0].finding, "100 MB");
	replay_info_free(&info);
	session_free(s);
	doc_free(d);
}

static void test_malformed_input_is_named(void **state)
{
	(void)state;
#define R1(x) "{\"schema\": 1, \"results\": [" x "]}"
#define EV(x) R1("{\"check\": \"resources.memory\", \"status\": \"pass\", \"evidence\": [" x "]}")
#define J(x) "{\"schema\": 1, \"results\": [], \"journal\": {\"entries\": [" x "]}}"
	static const char *const cases[][2] = {
		{ "", "not a JSON document (line 1, column 1)" },
		{ "{\"schema\": 1,\n \"results\": [}", "not a JSON document (line 2, column 14)" },
		{ "[1, 2]", "not a JSON object" },
		{ "{}", "no \"schema\" member" },
		{ "{\"schema\": \"1\"}", "schema: expected a number" },
		{ "{\"schema\": 2, \"results\": []}", "schema 2 is not supported" },
		{ "{\"schema\": 1}", "document: no \"results\" array" },
		{ "{\"schema\": 1, \"results\": {}}", "document.results: expected an array" },
		{ "{\"schema\": 1, \"tool\": \"other\", \"results\": []}", "tool: written by 'other', not asr-doctor" },
		{ "{\"schema\": 1, \"target\": \"local\", \"results\": []}", "document.target: expected an object" },
		{ "{\"schema\": 1, \"target\": {\"name\": 7}, \"results\": []}", "target.name: expected a string" },
		{ R1("42"), "results[0]: expected an object" },
		{ R1("{\"status\": \"pass\"}"), "results[0]: no \"check\" member" },
		{ R1("{\"check\": \"resources.memory\", \"status\": \"great\"}"),
		  "results[0].status: 'great' is not one of" },
		{ R1("{\"check\": \"resources.memory\", \"status\": 3}"), "results[0].status: expected a string" },
		{ R1("{\"check\": \"resources.memory\", \"status\": \"pass\", \"ms\": -1}"), "results[0].ms" },
		{ R1("{\"check\": \"resources.memory\", \"status\": \"pass\", \"evidence\": {}}"),
		  "results[0].evidence: expected an array" },
		{ EV("{\"kind\": \"file\", \"path\": \"/x\", \"line\": \"3\"}"),
		  "results[0].evidence[0].line: expected a whole number" },
		{ EV("{\"kind\": \"file\", \"path\": \"/x\", \"line\": 2.5}"),
		  "results[0].evidence[0].line: expected a whole number" },
		{ EV("{\"kind\": \"note\", \"text\": \"a\"}, {\"kind\": \"video\"}"),
		  "results[0].evidence[1].kind: 'video' is not file, command or note" },
		{ EV("{\"kind\": \"command\", \"output\": \"\"}"), "results[0].evidence[0]: no \"command\" member" },
		{ EV("{\"kind\": \"command\", \"command\": \"ls\", \"exit_status\": true}"),
		  "results[0].evidence[0].exit_status: expected a whole number" },
		{ "{\"schema\": 1, \"results\": [], \"facts\": {\"host\": {\"name\": 42}}}",
		  "facts.host.name: expected a string" },
		{ "{\"schema\": 1, \"results\": [], \"journal\": []}", "document.journal: expected an object" },
		{ J("{\"id\": \"1\", \"outcome\": \"exploded\"}"),
		  "journal.entries[0].outcome: 'exploded' is not a journal outcome" },
		{ J("{\"id\": \"1\", \"outcome\": \"applied\", \"files\": [{\"path\": \"/x\", \"sha256_before\": \"xyz\"}]}"),
		  "journal.entries[0].files[0].sha256_before: expected 64 lowercase hex digits" },
		{ J("{\"id\": \"1\", \"outcome\": \"applied\", \"commands\": [{\"argv\": [\"a\", 1]}]}"),
		  "journal.entries[0].commands[0].argv[1]: expected a string" },
		{ J("{\"outcome\": \"applied\"}"), "journal.entries[0]: no \"id\" member" },
	};
	struct doc *d;
	struct session *s = rt_session("en", &d);
	int mem = session_find(s, "resources.memory");
	assert_true(mem >= 0);
	struct check_result r;
	result_init(&r, "resources.memory");
	r.status = STATUS_WARN;
	r.finding = xstrdup("kept");
	session_store(s, &r);
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		struct replay_info info;
		char *cause = NULL;
		int rc = replay_load(cases[i][0], s, &info, &cause);
		if (rc != -EINVAL || !cause || !strstr(cause, cases[i][1]))
			print_error("case %zu: rc %d, cause '%s', expected '%s'\n", i, rc,
				    cause ? cause : "(none)", cases[i][1]);
		assert_int_equal(rc, -EINVAL);
		assert_non_null(cause);
		assert_non_null(strstr(cause, cases[i][1]));
		free(cause);
		/* Nothing changed, and nothing is left to free. */
		assert_int_equal(s->results[mem].status, STATUS_WARN);
		assert_string_equal(s->results[mem].finding, "kept");
		assert_null(info.version);
		assert_null(info.journal);
		assert_int_equal(info.warnings.n, 0);
		replay_info_free(&info);
	}
	rt_free(s, d);
#undef R1
#undef EV
#undef J
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_report_round_trip),
		cmocka_unit_test(test_check_json_subset),
		cmocka_unit_test(test_unknown_and_unbound_checks_warn),
		cmocka_unit_test(test_malformed_input_is_named),
	};
	return cmocka_run_group_tests_name("replay", tests, NULL, NULL);
}
