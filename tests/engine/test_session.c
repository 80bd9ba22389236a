/* test_session.c: binding checks to the sections of an edition. Every
 * edition, whatever sections it has, runs and counts the same checks; a
 * check whose section is missing shows under the root, marked. */
#include "support/testutil.h"

#include <stdlib.h>
#include <string.h>

#include "engine/doc.h"
#include "engine/util/msg.h"
#include "engine/render.h"
#include "engine/session.h"
#include "doc_testlib.h"


static struct session *bind(struct doc *d)
{
	char *cause = NULL;
	struct session *s = session_new(d, NULL, &cause);
	assert_non_null(s);
	return s;
}

/* The text of the live checks shown on node n, in the current language. */
static char *results_text(const struct session *s, const struct node *n)
{
	struct render_opts o = { .width = 200, .utf8 = true };
	struct rpage pg = { 0 };
	render_results(&pg, s, n, &o, false);
	struct sbuf b = { 0 };
	for (size_t i = 0; i < pg.nlines; i++) {
		char *t = rline_text(&pg.lines[i]);
		sb_add(&b, t);
		sb_addc(&b, '\n');
		free(t);
	}
	rpage_free(&pg);
	return sb_steal(&b);
}

/* The same checks, in the same order, for every edition. */
static void test_every_edition_has_every_check(void **state)
{
	(void)state;
	char *cause = NULL;
	struct doc *ref = doc_load_builtin("en", &cause);
	assert_non_null(ref);
	struct session *rs = bind(ref);
	assert_true(rs->nbindings >= 30);
	for (size_t i = 0; i < rs->nbindings; i++)
		assert_false(rs->bindings[i].missing);
	struct doc *eds[] = { doc_load_builtin("zh-CN", &cause), tl_load_doc(EN2025_PATH), tl_load_doc(ZHTW_PATH),
			      tl_load_doc(KOKR_PATH) };
	size_t missing_total = 0;
	for (size_t e = 0; e < ARRAY_LEN(eds); e++) {
		assert_non_null(eds[e]);
		struct session *s = bind(eds[e]);
		assert_int_equal(s->nbindings, rs->nbindings);
		for (size_t i = 0; i < s->nbindings; i++) {
			const struct binding *b = &s->bindings[i];
			assert_string_equal(b->check->id, rs->bindings[i].check->id);
			assert_true(b->nnodes >= 1);
			if (b->missing) {
				assert_int_equal(b->nnodes, 1);
				assert_ptr_equal(b->nodes[0], eds[e]->root);
				assert_false(b->changed);
				missing_total++;
			}
		}
		session_free(s);
		doc_free(eds[e]);
	}
	/* The short zh-TW and ko-KR editions lack most sections. */
	assert_true(missing_total >= 40);
	session_free(rs);
	doc_free(ref);
}

/* An edition without "Unsupported Operating Systems": the OS check is
 * under the root, marked in both languages, and answers to its anchor. */
static void test_missing_section_marked(void **state)
{
	(void)state;
	char *text = tu_read_file(EN2025_PATH, NULL);
	char *from = strstr(text, "## Unsupported Operating Systems\n");
	char *to = strstr(text, "## Unsupported boot disk configurations");
	assert_non_null(from);
	assert_non_null(to);
	memmove(from, to, strlen(to) + 1);
	struct doc *d = tl_parse_doc(text, "no-os.md");
	struct session *s = bind(d);
	int i = session_find(s, "os.supported");
	assert_true(i >= 0);
	const struct binding *b = &s->bindings[i];
	assert_true(b->missing);
	assert_ptr_equal(b->nodes[0], d->root);
	assert_true(binding_names(b, "unsupported-operating-systems"));
	assert_true(binding_names(b, "#unsupported-operating-systems"));
	assert_false(binding_names(b, "95108"));
	for (size_t k = 0; k < s->nbindings; k++)
		assert_int_equal(s->bindings[k].missing, (int)k == i);
	assert_true(binding_names(&s->bindings[session_find(s, "sshd.password")], "95117"));

	msg_set_lang(LANG_EN);
	char *shown = results_text(s, d->root);
	assert_non_null(strstr(shown, "Supported operating system and kernel (its section is not in this edition)"));
	free(shown);
	msg_set_lang(LANG_ZH);
	shown = results_text(s, d->root);
	assert_non_null(strstr(shown, "(本版本的文章中没有它所属的章节)"));
	free(shown);
	msg_set_lang(LANG_EN);
	char *title = session_check_title(s, (size_t)session_find(s, "space.free"));
	assert_string_equal(title, check_title(check_find("space.free")));
	free(title);

	/* Its result counts at the root like any other. */
	struct check_result r;
	result_init(&r, "os.supported");
	result_set(&r, STATUS_FAIL, "unsupported");
	session_store(s, &r);
	assert_int_equal(d->root->own, STATUS_FAIL);
	session_free(s);
	doc_free(d);
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_edition_has_every_check),
		cmocka_unit_test(test_missing_section_marked),
	};
	return cmocka_run_group_tests_name("session", tests, NULL, NULL);
}
