/* test_runner.c: checks in background threads (results arrive, timeouts,
 * cancellation) and the session binding checks to the article (ErrorID
 * first, anchor second, changed sections, malformed bindings). */
#include "support/testutil.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "engine/doc.h"
#include "engine/runner.h"
#include "engine/session.h"

static void run_fast(const struct check_ctx *ctx, struct check_result *r)
{
	(void)ctx;
	result_set(r, STATUS_PASS, "fast");
}

/* Sleeps in small steps, stopping when cancelled. */
static void run_slow(const struct check_ctx *ctx, struct check_result *r)
{
	for (int i = 0; i < 300; i++) {
		if (ctx->cancel && *ctx->cancel) {
			result_set(r, STATUS_ERROR, "stopped");
			return;
		}
		usleep(10 * 1000);
	}
	result_set(r, STATUS_FAIL, "slow");
}

static const struct check_def fast = { .id = "t.fast", .title_en = "fast", .title_zh = "快", .run = run_fast };
static const struct check_def slow = { .id = "t.slow", .title_en = "slow", .title_zh = "慢", .run = run_slow };

static struct check_result *find(struct check_result *rs, size_t n, const char *id)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(rs[i].check_id, id) == 0)
			return &rs[i];
	return NULL;
}

static size_t drain(struct runner *r, struct check_result *out, size_t max, int wait_ms)
{
	size_t got = 0;
	for (int i = 0; i < wait_ms / 20 && runner_pending(r) > 0; i++) {
		runner_wait(r, 20);
		got += runner_poll(r, out + got, max - got);
	}
	got += runner_poll(r, out + got, max - got);
	return got;
}

static void test_results_arrive(void **state)
{
	(void)state;
	struct target *t = target_local_new();
	struct check_ctx ctx = { .t = t };
	const struct check_def *defs[] = { &fast, &fast, &slow };
	struct runner *r = runner_start(defs, 3, &ctx, 2, 30000);
	struct check_result out[4];
	size_t got = drain(r, out, 4, 10000);
	assert_int_equal(got, 3);
	assert_int_equal(runner_pending(r), 0);
	assert_int_equal(find(out, got, "t.slow")->status, STATUS_FAIL);
	assert_int_equal(find(out, got, "t.fast")->status, STATUS_PASS);
	assert_true(find(out, got, "t.slow")->ms >= 2500);
	for (size_t i = 0; i < got; i++)
		result_free(&out[i]);
	runner_free(r);
	target_free(t);
}

static void test_timeout_is_an_error(void **state)
{
	(void)state;
	struct target *t = target_local_new();
	struct check_ctx ctx = { .t = t };
	const struct check_def *defs[] = { &slow, &fast };
	/* One worker: the fast check waits behind the slow one, which runs
	 * past its 300 ms. */
	struct runner *r = runner_start(defs, 2, &ctx, 1, 300);
	struct check_result out[2];
	size_t got = drain(r, out, 2, 10000);
	assert_int_equal(got, 2);
	struct check_result *s = find(out, got, "t.slow");
	assert_int_equal(s->status, STATUS_ERROR);
	assert_non_null(strstr(s->finding, "timed out"));
	assert_int_equal(find(out, got, "t.fast")->status, STATUS_PASS);
	for (size_t i = 0; i < got; i++)
		result_free(&out[i]);
	runner_free(r);
	target_free(t);
}

static void test_cancel(void **state)
{
	(void)state;
	struct target *t = target_local_new();
	struct check_ctx ctx = { .t = t };
	const struct check_def *defs[] = { &slow, &slow, &slow, &slow };
	struct runner *r = runner_start(defs, 4, &ctx, 1, 30000);
	usleep(50 * 1000);
	struct timespec a, b;
	clock_gettime(CLOCK_MONOTONIC, &a);
	runner_cancel(r);
	struct check_result out[4];
	size_t got = drain(r, out, 4, 10000);
	clock_gettime(CLOCK_MONOTONIC, &b);
	assert_int_equal(got, 4);
	/* The running check stopped early; queued ones never ran. */
	int stopped = 0, never = 0;
	for (size_t i = 0; i < got; i++) {
		stopped += out[i].status == STATUS_ERROR;
		never += out[i].status == STATUS_NONE;
		result_free(&out[i]);
	}
	assert_int_equal(stopped, 1);
	assert_int_equal(never, 3);
	assert_true(b.tv_sec - a.tv_sec < 2);
	runner_free(r);
	target_free(t);
}

static struct doc *load_en(void)
{
	char *cause = NULL;
	struct doc *d = doc_load_file("content/article.en.md", &cause);
	assert_non_null(d);
	return d;
}

static void test_bindings(void **state)
{
	(void)state;
	struct doc *d = load_en();
	char *cause = NULL;
	/* By ErrorID (two nodes for 95523), by anchor when no ErrorID, an
	 * unknown check and an ErrorID nobody names. */
	const char *json =
		"{\"bindings\": ["
		"{\"check\": \"resources.memory\", \"error_ids\": [95523], \"anchor\": \"next-steps\"},"
		"{\"check\": \"space.free\", \"error_ids\": [12345], \"anchor\": \"next-steps\"},"
		"{\"check\": \"no.such.check\", \"error_ids\": [95108]},"
		"{\"check\": \"os.supported\", \"error_ids\": [99999]}"
		"], \"sections\": {\"next-steps\": [\"000000000000\"]}}";
	struct session *s = session_new(d, json, &cause);
	assert_non_null(s);
	/* The check bound to nothing stays, under the root, marked. */
	assert_int_equal(s->nbindings, 3);
	int os = session_find(s, "os.supported");
	assert_true(os >= 0);
	assert_true(s->bindings[os].missing);
	assert_ptr_equal(s->bindings[os].nodes[0], d->root);
	int mem = session_find(s, "resources.memory");
	assert_true(mem >= 0);
	assert_int_equal(s->bindings[mem].nnodes, 2);
	int space = session_find(s, "space.free");
	assert_false(s->bindings[space].missing);
	assert_string_equal(s->bindings[space].nodes[0]->anchor, "next-steps");
	/* Its hash is not the one listed: flagged as changed. */
	assert_true(s->bindings[space].changed);
	assert_true(session_node_changed(s, s->bindings[space].nodes[0]));
	/* Two warnings: the unknown check, and the check bound to nothing. */
	assert_int_equal(s->warnings.n, 2);

	/* Results roll up the tree. */
	struct check_result r;
	result_init(&r, "space.free");
	result_set(&r, STATUS_FAIL, "full");
	session_store(s, &r);
	assert_int_equal(d->root->rolled, STATUS_FAIL);
	assert_int_equal(doc_find_anchor(d, "next-steps")->own, STATUS_FAIL);
	session_clear(s);
	assert_int_equal(d->root->rolled, STATUS_NONE);
	session_free(s);

	assert_null(session_new(d, "{not json", &cause));
	assert_non_null(strstr(cause, "malformed JSON"));
	free(cause);
	assert_null(session_new(d, "{\"bindings\": 3}", &cause));
	assert_non_null(strstr(cause, "bindings"));
	free(cause);
	assert_null(session_new(d, "{\"bindings\": [{\"error_ids\": [1]}]}", &cause));
	assert_non_null(strstr(cause, "\"check\""));
	free(cause);
	/* A bad entry after a good one: refused, nothing leaked or freed twice. */
	assert_null(session_new(d, "{\"bindings\":[{\"check\":\"space.free\",\"error_ids\":[95108]},{}]}", &cause));
	assert_non_null(strstr(cause, "\"check\""));
	free(cause);
	doc_free(d);
}

/* The built-in bindings match the built-in articles: every check is bound,
 * no section is flagged changed, and every registered check has a binding. */
static void test_builtin_bindings_current(void **state)
{
	(void)state;
	const char *paths[] = { "content/article.en.md", "content/article.zh-CN.md" };
	for (size_t k = 0; k < 2; k++) {
		char *cause = NULL;
		struct doc *d = doc_load_file(paths[k], &cause);
		assert_non_null(d);
		struct session *s = session_new(d, NULL, &cause);
		assert_non_null(s);
		for (size_t i = 0; i < s->warnings.n; i++)
			print_error("%s\n", s->warnings.v[i]);
		assert_int_equal(s->warnings.n, 0);
		for (size_t i = 0; i < s->nbindings; i++) {
			if (s->bindings[i].changed)
				print_error("%s: %s is bound to a changed section (run tools/update-hashes.py)\n",
					    paths[k], s->bindings[i].check->id);
			assert_false(s->bindings[i].changed);
		}
		for (size_t i = 0; check_registry[i]; i++) {
			if (session_find(s, check_registry[i]->id) < 0)
				print_error("check %s has no binding\n", check_registry[i]->id);
			assert_true(session_find(s, check_registry[i]->id) >= 0);
		}
		session_free(s);
		doc_free(d);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_results_arrive),
		cmocka_unit_test(test_timeout_is_an_error),
		cmocka_unit_test(test_cancel),
		cmocka_unit_test(test_bindings),
		cmocka_unit_test(test_builtin_bindings_current),
	};
	return cmocka_run_group_tests_name("runner and session", tests, NULL, NULL);
}
