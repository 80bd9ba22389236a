/* test_state.c: the wizard's state file: its default path, a save/load
 * round trip (results read back through replay_load), modes of the file
 * and the folders made for it, masked secrets, atomic replacement (a
 * failing rename or a full disk leaves the old file and no temporary
 * one), and when resuming is offered (age, clean exit, target). */
#include "report_testlib.h"

#include <cjson/cJSON.h>
#include <dirent.h>
#include <errno.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "engine/change/apply.h"
#include "engine/replay.h"
#include "engine/state.h"

/* A folder for one test and the state file's path inside it. */
struct tmp {
	char *dir;
	char *path;
};

static void tmp_new(struct tmp *t, const char *sub)
{
	t->dir = tu_mkdtemp("state");
	t->path = xasprintf("%s/%s", t->dir, sub);
}

static void tmp_free(struct tmp *t)
{
	tu_rmtree(t->dir);
	free(t->dir);
	free(t->path);
}

/* The names in folder dir, sorted, joined by spaces. Caller frees. */
static char *names_in(const char *dir)
{
	struct dirent **list;
	int n = scandir(dir, &list, NULL, alphasort);
	assert_true(n >= 0);
	struct sbuf b = { 0 };
	for (int i = 0; i < n; i++) {
		if (strcmp(list[i]->d_name, ".") != 0 && strcmp(list[i]->d_name, "..") != 0)
			sb_printf(&b, "%s%s", b.len ? " " : "", list[i]->d_name);
		free(list[i]);
	}
	free(list);
	return sb_steal(&b);
}

static void base_state(struct app_state *st, const char *kind, const char *root)
{
	memset(st, 0, sizeof *st);
	st->target_kind = (char *)kind;
	st->target_root = (char *)root;
	st->target_name = (char *)"this machine";
	st->anchor = (char *)"credentials-check-errorid-95107--95108";
	st->screen = (char *)"detail";
	st->show_evidence = true;
	st->fix_id = (char *)"sshd.password";
	st->fix_entry = (char *)STATE_FIX_PLANNED;
}

static void save_ok(const char *path, const struct app_state *st, const struct session *s)
{
	char *cause = NULL;
	int rc = state_save(path, st, s, NULL, &cause);
	if (rc < 0)
		print_error("%s\n", cause);
	assert_int_equal(rc, 0);
	assert_null(cause);
}

static void test_default_path(void **state)
{
	(void)state;
	char *old_xdg = getenv("XDG_STATE_HOME") ? xstrdup(getenv("XDG_STATE_HOME")) : NULL;
	char *old_home = getenv("HOME") ? xstrdup(getenv("HOME")) : NULL;
	setenv("XDG_STATE_HOME", "/srv/state", 1);
	setenv("HOME", "/home/engineer", 1);
	char *p = state_default_path();
	assert_string_equal(p, "/srv/state/asr-doctor/state.json");
	free(p);
	/* A relative XDG_STATE_HOME is ignored, as the specification says. */
	setenv("XDG_STATE_HOME", "relative/state", 1);
	p = state_default_path();
	assert_string_equal(p, "/home/engineer/.local/state/asr-doctor/state.json");
	free(p);
	unsetenv("XDG_STATE_HOME");
	p = state_default_path();
	assert_string_equal(p, "/home/engineer/.local/state/asr-doctor/state.json");
	free(p);
	if (old_xdg)
		setenv("XDG_STATE_HOME", old_xdg, 1);
	if (old_home)
		setenv("HOME", old_home, 1);
	else
		unsetenv("HOME");
	free(old_xdg);
	free(old_home);
}

static void test_round_trip(void **state)
{
	(void)state;
	struct tmp t;
	tmp_new(&t, "made/asr-doctor/state.json");
	struct doc *da, *db;
	struct session *a = rt_session("en", &da);
	rt_fill_every_status(a);
	struct app_state st;
	base_state(&st, "root", t.dir);
	st.time = 1767225600; /* 2026-01-01T00:00:00Z */
	st.pid = 4242;
	save_ok(t.path, &st, a);

	struct stat sb;
	assert_int_equal(stat(t.path, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0600);
	char *made = xasprintf("%s/made", t.dir);
	assert_int_equal(stat(made, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0700);
	free(made);
	made = xasprintf("%s/made/asr-doctor", t.dir);
	assert_int_equal(stat(made, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0700);
	free(made);

	struct app_state back;
	char *cause = NULL;
	assert_int_equal(state_load(t.path, &back, &cause), 0);
	assert_int_equal(back.time, 1767225600);
	assert_int_equal(back.pid, 4242);
	assert_string_equal(back.target_kind, "root");
	char *canon = realpath(t.dir, NULL);
	assert_string_equal(back.target_root, canon);
	free(canon);
	assert_string_equal(back.target_name, "this machine");
	assert_string_equal(back.anchor, st.anchor);
	assert_string_equal(back.screen, "detail");
	assert_true(back.show_evidence);
	assert_string_equal(back.fix_id, "sshd.password");
	assert_string_equal(back.fix_entry, STATE_FIX_PLANNED);
	assert_false(back.clean_exit);
	assert_non_null(strstr(back.json, "\"time\":\t\"2026-01-01T00:00:00Z\""));

	/* The results come back through replay_load. */
	struct session *b = rt_session("en", &db);
	struct replay_info info;
	assert_int_equal(replay_load(back.json, b, &info, &cause), 0);
	rt_assert_same_results(a, b);
	replay_info_free(&info);

	/* A fix with a journal entry, and no fix at all. */
	app_state_free(&back);
	st.fix_entry = (char *)"12";
	save_ok(t.path, &st, NULL);
	assert_int_equal(state_load(t.path, &back, &cause), 0);
	assert_string_equal(back.fix_entry, "12");
	app_state_free(&back);
	st.fix_id = NULL;
	save_ok(t.path, &st, NULL);
	assert_int_equal(state_load(t.path, &back, &cause), 0);
	assert_null(back.fix_id);
	assert_null(back.fix_entry);
	assert_int_equal(back.pid, 4242);
	app_state_free(&back);

	rt_free(a, da);
	rt_free(b, db);
	tmp_free(&t);
}

static void test_secrets_masked(void **state)
{
	(void)state;
	struct tmp t;
	tmp_new(&t, "state.json");
	struct doc *d;
	struct session *s = rt_session("en", &d);
	struct check_result r;
	result_init(&r, s->bindings[0].check->id);
	r.status = STATUS_FAIL;
	r.finding = xstrdup("f");
	result_command(&r, "printenv", 0, "MYSQL_PASSWORD=hunter2\nPASSWORD hunter2\n");
	session_store(s, &r);
	struct app_state st;
	base_state(&st, "local", NULL);
	save_ok(t.path, &st, s);
	char *text = tu_read_file(t.path, NULL);
	assert_null(strstr(text, "hunter2"));
	assert_non_null(strstr(text, "MYSQL_PASSWORD=********"));
	free(text);
	rt_free(s, d);
	tmp_free(&t);
}

/* ---- atomic replacement ------------------------------------------------------ */

static int rename_fails(const char *from, const char *to)
{
	(void)from;
	(void)to;
	errno = EIO;
	return -1;
}

static int writes;

/* Writes a few bytes, then the disk is full. */
static ssize_t write_fills_disk(int fd, const void *buf, size_t n)
{
	if (writes++ > 0) {
		errno = ENOSPC;
		return -1;
	}
	return write(fd, buf, n > 10 ? 10 : n);
}

static void test_failed_save_keeps_old_file(void **state)
{
	(void)state;
	struct tmp t;
	tmp_new(&t, "state.json");
	struct app_state st;
	base_state(&st, "local", NULL);
	st.anchor = (char *)"old-anchor";
	save_ok(t.path, &st, NULL);
	char *before = tu_read_file(t.path, NULL);

	st.anchor = (char *)"new-anchor";
	struct apply_fs fs = apply_fs_real;
	fs.rename = rename_fails;
	char *cause = NULL;
	assert_int_equal(state_save(t.path, &st, NULL, &fs, &cause), -EIO);
	assert_non_null(strstr(cause, "cannot rename"));
	free(cause);
	char *after = tu_read_file(t.path, NULL);
	assert_string_equal(after, before);
	free(after);
	char *names = names_in(t.dir);
	assert_string_equal(names, "state.json");
	free(names);

	fs = apply_fs_real;
	fs.write = write_fills_disk;
	writes = 0;
	cause = NULL;
	assert_int_equal(state_save(t.path, &st, NULL, &fs, &cause), -ENOSPC);
	assert_non_null(strstr(cause, "write"));
	free(cause);
	after = tu_read_file(t.path, NULL);
	assert_string_equal(after, before);
	free(after);
	names = names_in(t.dir);
	assert_string_equal(names, "state.json");
	free(names);

	/* A temporary file left by a run that stopped midway is replaced. */
	char *stale = xasprintf("%s.tmp.%ld", t.path, (long)getpid());
	tu_write_file(stale, "half a state fi");
	free(stale);
	save_ok(t.path, &st, NULL);
	names = names_in(t.dir);
	assert_string_equal(names, "state.json");
	free(names);
	struct app_state back;
	assert_int_equal(state_load(t.path, &back, &cause), 0);
	assert_string_equal(back.anchor, "new-anchor");
	app_state_free(&back);
	free(before);
	tmp_free(&t);
}

/* ---- resuming ------------------------------------------------------------------ */

/* The target described by kind and root (none without a kind) asks. */
static bool offer(const char *path, const char *kind, const char *root, long long now)
{
	struct app_state out;
	struct target *t = kind ? target_described_new(kind, "asking", root) : NULL;
	bool r = state_should_offer(path, t, now, &out);
	target_free(t);
	if (r)
		assert_non_null(out.json);
	else
		assert_null(out.json);
	app_state_free(&out);
	return r;
}

static void test_should_offer(void **state)
{
	(void)state;
	struct tmp t;
	tmp_new(&t, "state.json");
	long long now = (long long)time(NULL);
	assert_false(offer(t.path, "local", NULL, now));

	struct app_state st;
	base_state(&st, "local", NULL);
	st.time = now;
	save_ok(t.path, &st, NULL);
	assert_true(offer(t.path, "local", NULL, now));
	struct app_state out;
	struct target *here = target_described_new("local", "this machine", NULL);
	assert_true(state_should_offer(t.path, here, now + 60, &out));
	target_free(here);
	assert_string_equal(out.anchor, st.anchor);
	assert_string_equal(out.fix_id, "sshd.password");
	app_state_free(&out);
	/* Age: under 24 hours, and a little clock skew. */
	assert_true(offer(t.path, "local", NULL, now + 23 * 3600));
	assert_false(offer(t.path, "local", NULL, now + STATE_MAX_AGE_S));
	assert_false(offer(t.path, "local", NULL, now + 25 * 3600));
	assert_true(offer(t.path, "local", NULL, now - 60));
	assert_false(offer(t.path, "local", NULL, now - 3600));
	/* Another target. */
	assert_false(offer(t.path, "root", t.dir, now));
	assert_false(offer(t.path, "ssh", "root@web01", now));
	assert_false(offer(t.path, NULL, NULL, now));

	/* A mounted root, named through a symbolic link or by another path. */
	char *mnt = xasprintf("%s/mnt", t.dir), *link = xasprintf("%s/link", t.dir);
	char *other = xasprintf("%s/other", t.dir), *dotted = xasprintf("%s/./mnt/", t.dir);
	assert_int_equal(mkdir(mnt, 0755), 0);
	assert_int_equal(mkdir(other, 0755), 0);
	assert_int_equal(symlink(mnt, link), 0);
	base_state(&st, "root", link);
	st.time = now;
	save_ok(t.path, &st, NULL);
	assert_true(offer(t.path, "root", mnt, now));
	assert_true(offer(t.path, "root", dotted, now));
	assert_false(offer(t.path, "root", other, now));
	assert_false(offer(t.path, "local", NULL, now));
	free(mnt);
	free(link);
	free(other);
	free(dotted);

	/* SSH targets by name. */
	base_state(&st, "ssh", "root@web01:22");
	st.time = now;
	save_ok(t.path, &st, NULL);
	assert_true(offer(t.path, "ssh", "root@web01:22", now));
	assert_false(offer(t.path, "ssh", "root@web02:22", now));

	/* A root mounted on a machine over SSH: that machine and folder. */
	base_state(&st, "ssh-root", "root@web01:22/mnt/sysroot");
	st.time = now;
	save_ok(t.path, &st, NULL);
	assert_true(offer(t.path, "ssh-root", "root@web01:22/mnt/sysroot", now));
	assert_false(offer(t.path, "ssh-root", "root@web01:22/mnt/other", now));
	assert_false(offer(t.path, "ssh-root", "root@web02:22/mnt/sysroot", now));
	assert_false(offer(t.path, "ssh", "root@web01:22", now));
	assert_false(offer(t.path, "root", "/mnt/sysroot", now));

	/* A clean exit is not offered. */
	base_state(&st, "local", NULL);
	st.time = now;
	st.clean_exit = true;
	save_ok(t.path, &st, NULL);
	assert_false(offer(t.path, "local", NULL, now));

	/* Nor is a file that does not read. */
	tu_write_file(t.path, "{\"state\": ");
	assert_false(offer(t.path, "local", NULL, now));
	tmp_free(&t);
}

/* The state the wizard saves for the target it examines (as app.c does:
 * the target's own kind name and location) is offered to that target
 * only, as the target itself compares: a mounted root reached again
 * through a link, not this machine or another folder; a state whose kind
 * this build does not know, to none. */
static void test_offered_to_the_same_target_only(void **state)
{
	(void)state;
	struct tmp t;
	tmp_new(&t, "state.json");
	long long now = (long long)time(NULL);
	char *mnt = xasprintf("%s/mnt", t.dir), *link = xasprintf("%s/link", t.dir);
	char *other = xasprintf("%s/other", t.dir);
	assert_int_equal(mkdir(mnt, 0755), 0);
	assert_int_equal(mkdir(other, 0755), 0);
	assert_int_equal(symlink(mnt, link), 0);
	char *cause = NULL;
	struct target *saved_on = target_root_new(mnt, &cause);
	struct target *via_link = target_root_new(link, &cause);
	struct target *elsewhere = target_root_new(other, &cause);
	struct target *here = target_local_new();
	assert_non_null(saved_on);
	assert_non_null(via_link);
	assert_non_null(elsewhere);
	struct app_state st;
	base_state(&st, target_kind_name(saved_on), target_location(saved_on));
	st.time = now;
	save_ok(t.path, &st, NULL);
	struct app_state out;
	assert_true(state_should_offer(t.path, via_link, now, &out));
	app_state_free(&out);
	assert_false(state_should_offer(t.path, elsewhere, now, &out));
	assert_false(state_should_offer(t.path, here, now, &out));
	assert_false(state_should_offer(t.path, NULL, now, &out));
	/* This machine's state, to this machine only. */
	base_state(&st, target_kind_name(here), target_location(here));
	st.time = now;
	save_ok(t.path, &st, NULL);
	assert_true(state_should_offer(t.path, here, now, &out));
	app_state_free(&out);
	assert_false(state_should_offer(t.path, saved_on, now, &out));
	/* A kind unknown here names no target, not even this machine. */
	char *text = tu_read_file(t.path, NULL);
	cJSON *doc = cJSON_Parse(text);
	free(text);
	cJSON *tg = cJSON_GetObjectItem(cJSON_GetObjectItem(doc, "state"), "target");
	assert_string_equal(cJSON_GetObjectItem(tg, "kind")->valuestring, "local");
	cJSON_ReplaceItemInObject(tg, "kind", cJSON_CreateString("vaxen"));
	text = cJSON_Print(doc);
	tu_write_file(t.path, text);
	cJSON_free(text);
	cJSON_Delete(doc);
	assert_false(state_should_offer(t.path, here, now, &out));
	target_free(saved_on);
	target_free(via_link);
	target_free(elsewhere);
	target_free(here);
	free(mnt);
	free(link);
	free(other);
	tmp_free(&t);
}

/* A state is for the account its checks judged (--account): the same
 * name in any case, or none on both sides. */
static void test_account_kept_and_compared(void **state)
{
	(void)state;
	struct tmp t;
	tmp_new(&t, "state.json");
	struct app_state st;
	base_state(&st, "local", NULL);
	st.account = (char *)"WEB01\\asrpush";
	save_ok(t.path, &st, NULL);
	char *cause = NULL;
	struct app_state back;
	assert_int_equal(state_load(t.path, &back, &cause), 0);
	assert_string_equal(back.account, "WEB01\\asrpush");
	assert_true(state_same_account(&back, "web01\\ASRPUSH"));
	assert_false(state_same_account(&back, "asrpush"));
	assert_false(state_same_account(&back, NULL));
	app_state_free(&back);
	st.account = NULL;
	save_ok(t.path, &st, NULL);
	assert_int_equal(state_load(t.path, &back, &cause), 0);
	assert_null(back.account);
	assert_true(state_same_account(&back, NULL));
	assert_false(state_same_account(&back, "asrpush"));
	app_state_free(&back);
	tmp_free(&t);
}

static void test_mark_clean(void **state)
{
	(void)state;
	struct tmp t;
	tmp_new(&t, "state.json");
	char *cause = NULL;
	assert_int_equal(state_mark_clean(t.path, NULL, &cause), 0);
	assert_int_equal(access(t.path, F_OK), -1);

	long long now = (long long)time(NULL);
	struct doc *d;
	struct session *s = rt_session("en", &d);
	rt_fill_every_status(s);
	struct app_state st;
	base_state(&st, "local", NULL);
	st.time = now;
	save_ok(t.path, &st, s);
	assert_true(offer(t.path, "local", NULL, now));
	assert_int_equal(state_mark_clean(t.path, NULL, &cause), 0);
	assert_null(cause);
	assert_false(offer(t.path, "local", NULL, now));
	struct app_state back;
	assert_int_equal(state_load(t.path, &back, &cause), 0);
	assert_true(back.clean_exit);
	assert_string_equal(back.anchor, st.anchor);
	assert_int_equal(back.time, now);
	struct stat sb;
	assert_int_equal(stat(t.path, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0600);
	/* The results are kept. */
	struct doc *d2;
	struct session *s2 = rt_session("en", &d2);
	struct replay_info info;
	assert_int_equal(replay_load(back.json, s2, &info, &cause), 0);
	rt_assert_same_results(s, s2);
	replay_info_free(&info);
	app_state_free(&back);
	rt_free(s2, d2);
	rt_free(s, d);

	/* A file that is not a state file is left alone. */
	tu_write_file(t.path, "{\"schema\": 1}");
	assert_int_equal(state_mark_clean(t.path, NULL, &cause), -EINVAL);
	assert_non_null(strstr(cause, "not an asr-doctor state file"));
	free(cause);
	char *text = tu_read_file(t.path, NULL);
	assert_string_equal(text, "{\"schema\": 1}");
	free(text);
	tmp_free(&t);
}

static void test_load_errors(void **state)
{
	(void)state;
	struct tmp t;
	tmp_new(&t, "state.json");
	struct app_state st;
	char *cause = NULL;
	assert_int_equal(state_load(t.path, &st, &cause), -ENOENT);
	assert_null(cause);
	static const char *const cases[][2] = {
		{ "not json", "is not JSON" },
		{ "{\"schema\": 1, \"results\": []}", "no \"state\" object" },
		{ "{\"state\": {\"version\": 2}}", "state version 2 is not supported" },
		{ "{\"state\": {\"version\": 1}}", "state.epoch: expected a number" },
		{ "{\"state\": {\"version\": 1, \"epoch\": 5, \"target\": {\"kind\": 1}}}",
		  "state.target.kind: expected a string" },
		{ "{\"state\": {\"version\": 1, \"epoch\": 5, \"target\": {\"kind\": \"local\"}, \"fix\": \"x\"}}",
		  "state.fix: expected an object or null" },
		{ "{\"state\": {\"version\": 1, \"epoch\": 5, \"target\": {\"kind\": \"local\"}, \"clean_exit\": 1}}",
		  "state.clean_exit: expected true or false" },
	};
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		tu_write_file(t.path, cases[i][0]);
		cause = NULL;
		int rc = state_load(t.path, &st, &cause);
		if (rc != -EINVAL || !cause || !strstr(cause, cases[i][1]))
			print_error("case %zu: rc %d, cause '%s'\n", i, rc, cause ? cause : "(none)");
		assert_int_equal(rc, -EINVAL);
		assert_non_null(strstr(cause, cases[i][1]));
		assert_null(st.json);
		assert_null(st.target_kind);
		free(cause);
	}
	assert_int_equal(state_load(t.dir, &st, &cause), -EINVAL);
	assert_non_null(strstr(cause, "not a regular file"));
	free(cause);
	tmp_free(&t);
}

/* A state file another user could have written is not trusted. Needs root
 * to become that other user. */
static void test_other_users_file_refused(void **state)
{
	(void)state;
	if (getuid() != 0)
		skip();
	struct tmp t;
	tmp_new(&t, "state.json");
	struct app_state st;
	base_state(&st, "local", NULL);
	save_ok(t.path, &st, NULL);
	assert_int_equal(chmod(t.dir, 0755), 0);
	assert_int_equal(chmod(t.path, 0644), 0);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		if (setgid(65534) < 0 || setuid(65534) < 0)
			_exit(3);
		struct app_state out;
		char *cause = NULL;
		int rc = state_load(t.path, &out, &cause);
		bool named = cause && strstr(cause, "belongs to user 0");
		free(cause);
		if (rc == 0)
			app_state_free(&out);
		free(t.dir);
		free(t.path);
		_exit(rc == -EPERM && named ? 0 : 1);
	}
	int status;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	tmp_free(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_default_path),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_secrets_masked),
		cmocka_unit_test(test_failed_save_keeps_old_file),
		cmocka_unit_test(test_should_offer),
		cmocka_unit_test(test_offered_to_the_same_target_only),
		cmocka_unit_test(test_account_kept_and_compared),
		cmocka_unit_test(test_mark_clean),
		cmocka_unit_test(test_load_errors),
		cmocka_unit_test(test_other_users_file_refused),
	};
	return cmocka_run_group_tests_name("state", tests, NULL, NULL);
}
