/* test_batch.c: the batch scope of a target (target_batch_begin): inside
 * it, reads of a remote Linux machine come from one batched command, so a
 * file changed on the machine meanwhile still reads as it was (until
 * target_batch_forget), and paths the batch was not asked for are read
 * from the machine once and then remembered (and commands run once);
 * outside it, every read is fresh. The machine here is this one
 * marked as not this machine (as a remote one is): the batch runs for
 * real through sh, od and stat. */
#include "support/testutil.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "engine/target/target.h"
#include "engine/util/util.h"

static char *dir;
static struct target *t;
static char *file_a, *file_b, *req_a, *req_dir, *req_stat;
static const char *requests[4];

static char *read_now(const char *path)
{
	char *data = NULL;
	assert_int_equal(target_read(t, path, &data, NULL), 0);
	return data;
}

static void test_scope(void **state)
{
	(void)state;
	tu_write_file(file_a, "one\n");
	tu_write_file(file_b, "bee\n");
	/* Outside a scope: fresh. */
	char *d = read_now(file_a);
	assert_string_equal(d, "one\n");
	free(d);
	target_batch_begin(t);
	d = read_now(file_a); /* makes the batch */
	assert_string_equal(d, "one\n");
	free(d);
	/* Changed on the machine: the batch still says what it read. */
	tu_write_file(file_a, "two\n");
	tu_write_file(file_b, "bee two\n");
	d = read_now(file_a);
	assert_string_equal(d, "one\n");
	free(d);
	/* A file the batch was not asked for: read from the machine, once. */
	d = read_now(file_b);
	assert_string_equal(d, "bee two\n");
	free(d);
	tu_write_file(file_b, "bee three\n");
	d = read_now(file_b);
	assert_string_equal(d, "bee two\n");
	free(d);
	/* A command too: run once in the scope. */
	const char *cat[] = { "cat", file_b, NULL };
	struct cmd_result r;
	assert_int_equal(target_run(t, cat, 5000, &r), 0);
	assert_string_equal(r.out, "bee three\n");
	cmd_result_free(&r);
	tu_write_file(file_b, "bee four\n");
	assert_int_equal(target_run(t, cat, 5000, &r), 0);
	assert_string_equal(r.out, "bee three\n");
	cmd_result_free(&r);
	/* The listing and the stat come from the batch too: a new file
	 * is not in the listing yet. */
	char *c = xasprintf("%s/c", dir);
	tu_write_file(c, "");
	struct strvec names = { 0 };
	assert_int_equal(target_list(t, dir, &names), 0);
	assert_false(sv_contains(&names, "c"));
	assert_true(sv_contains(&names, "a"));
	sv_free(&names);
	struct target_stat st;
	assert_int_equal(target_stat(t, file_a, &st), 0);
	assert_int_equal(st.size, 4);
	/* Nested scopes: the inner end keeps the answers. */
	target_batch_begin(t);
	target_batch_end(t);
	d = read_now(file_a);
	assert_string_equal(d, "one\n");
	free(d);
	/* Forgotten (what a change does): fresh, and the folder too. */
	target_batch_forget(t, file_a);
	d = read_now(file_a);
	assert_string_equal(d, "two\n");
	free(d);
	assert_int_equal(target_list(t, dir, &names), 0);
	assert_true(sv_contains(&names, "c"));
	sv_free(&names);
	target_batch_end(t);
	/* After the scope: fresh. */
	tu_write_file(file_a, "three\n");
	d = read_now(file_a);
	assert_string_equal(d, "three\n");
	free(d);
	free(c);
}

/* A batch that cannot be made (its command fails): every read goes to
 * the machine, once in the scope; after it, fresh again. */
static void test_failed_batch(void **state)
{
	(void)state;
	static const char *const bad[] = { "X/not-a-request", NULL };
	target_batch_requests(t, bad);
	tu_write_file(file_a, "four\n");
	target_batch_begin(t);
	char *d = read_now(file_a);
	assert_string_equal(d, "four\n");
	free(d);
	tu_write_file(file_a, "five\n");
	d = read_now(file_a);
	assert_string_equal(d, "four\n");
	free(d);
	target_batch_end(t);
	d = read_now(file_a);
	assert_string_equal(d, "five\n");
	free(d);
	target_batch_requests(t, requests);
}

/* This machine itself is never batched: reads are free here. */
static void test_local_not_batched(void **state)
{
	(void)state;
	struct target *local = target_local_new();
	target_batch_requests(local, requests);
	target_batch_begin(local);
	tu_write_file(file_a, "six\n");
	char *d = NULL;
	assert_int_equal(target_read(local, file_a, &d, NULL), 0);
	free(d);
	tu_write_file(file_a, "seven\n");
	assert_int_equal(target_read(local, file_a, &d, NULL), 0);
	assert_string_equal(d, "seven\n");
	free(d);
	target_batch_end(local);
	target_free(local);
}

static int setup(void **state)
{
	(void)state;
	dir = tu_mkdtemp("batch");
	file_a = xasprintf("%s/a", dir);
	file_b = xasprintf("%s/b", dir);
	req_a = xasprintf("R%s", file_a);
	req_dir = xasprintf("D%s", dir);
	req_stat = xasprintf("S%s", file_a);
	requests[0] = req_a;
	requests[1] = req_dir;
	requests[2] = req_stat;
	requests[3] = NULL;
	t = target_local_new();
	t->this_machine = false;
	target_batch_requests(t, requests);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	target_free(t);
	tu_rmtree(dir);
	free(dir);
	free(file_a);
	free(file_b);
	free(req_a);
	free(req_dir);
	free(req_stat);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_scope),
		cmocka_unit_test(test_failed_batch),
		cmocka_unit_test(test_local_not_batched),
	};
	return cmocka_run_group_tests_name("batch", tests, setup, teardown);
}
