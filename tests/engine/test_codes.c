/* test_codes.c: every spelling of a code is parsed to the same code (signed
 * and unsigned decimal and hex HRESULTs, exit codes, ErrorIDs with and
 * without their label, in English and Chinese), text that only looks like
 * a code is not, and the code table built from the article's titles and
 * the bindings leads to the right sections. */
#include "support/testutil.h"

#include <stdlib.h>
#include <string.h>

#include "engine/codes.h"

static struct doc *load(const char *lang)
{
	char *cause = NULL;
	struct doc *d = doc_load_builtin(lang, &cause);
	assert_non_null(d);
	return d;
}

/* The only code in s, parsed with flags; fails unless there is one. */
static struct code one(const char *s, unsigned flags)
{
	struct code_hit h[4];
	size_t n = codes_scan(s, strlen(s), flags, h, 4);
	if (n != 1)
		print_error("'%s': %zu codes\n", s, n);
	assert_int_equal(n, 1);
	return h[0].code;
}

static void test_hresult_spellings(void **state)
{
	(void)state;
	static const char *const spellings[] = { "-2147164145", "2147803151", "0x8004E00F", "8004E00F",
						 "0x8004e00f", "  8004e00f  ", "HRESULT: 0x8004E00F" };
	for (size_t i = 0; i < ARRAY_LEN(spellings); i++) {
		struct code c = one(spellings[i], CODES_QUERY);
		assert_int_equal(c.kind, CODE_HRESULT);
		assert_int_equal(c.value, 0x8004E00FLL);
	}
	/* All-digit bare hex typed alone is hex (E_ACCESSDENIED). */
	struct code c = one("80070005", CODES_QUERY);
	assert_int_equal(c.value, 0x80070005LL);
	char buf[40];
	assert_string_equal(code_format(&c, buf, sizeof buf), "0x80070005");
}

static void test_exit_and_errorid_spellings(void **state)
{
	(void)state;
	static const char *const exits[] = { "exit code 511", "exit code: 511", "Exit code: 511", "exit 511",
					     "EXIT CODE=511", "ExitCode 511", "退出代码 511" };
	for (size_t i = 0; i < ARRAY_LEN(exits); i++) {
		struct code c = one(exits[i], CODES_QUERY);
		assert_int_equal(c.kind, CODE_EXIT);
		assert_int_equal(c.value, 511);
	}
	static const char *const ids[] = { "95320", "ErrorID 95320", "ErrorID: 95320", "Error ID 95320",
					   "错误 ID：95320", "errorid=95320", "Error code: 95320" };
	for (size_t i = 0; i < ARRAY_LEN(ids); i++) {
		struct code c = one(ids[i], CODES_QUERY);
		assert_int_equal(c.kind, CODE_ERRORID);
		assert_int_equal(c.value, 95320);
	}
	char buf[40];
	struct code e = { CODE_EXIT, 511 };
	assert_string_equal(code_format(&e, buf, sizeof buf), "exit 511");
}

/* In a log line only labelled or code-shaped numbers count. */
static void test_text_mode(void **state)
{
	(void)state;
	struct code_hit h[8];
	const char *line = "- Error code: -2147164145 [0x8004E00F]";
	assert_int_equal(codes_scan(line, strlen(line), CODES_TEXT, h, 8), 2);
	assert_true(code_equal(&h[0].code, &h[1].code));
	assert_true(h[0].strong && h[1].strong);
	assert_int_equal(h[0].start, 2);
	assert_int_equal(h[1].start, strlen("- Error code: -2147164145 ["));
	assert_int_equal(h[1].end, strlen(line) - 1);
	/* Timestamps, process ids, dates, versions and addresses are not codes. */
	const char *noise = "2024-01-05 12:34:56.789 pid 95320 v9.60.1 at 0x00007ff6a1b2c3d4 id 1700000000 -1";
	assert_int_equal(codes_scan(noise, strlen(noise), CODES_TEXT, h, 8), 0);
	/* "exit 511" without "code" is a code only when typed. */
	assert_int_equal(codes_scan("exit 511", 8, CODES_TEXT, h, 8), 0);
	/* Small hex and large unsigned numbers: codes, but weak. */
	assert_int_equal(codes_scan("[0x7] 3000000000", 16, CODES_TEXT, h, 8), 2);
	assert_false(h[0].strong);
	assert_int_equal(h[0].code.value, 7);
	assert_false(h[1].strong);
	/* A label makes any number a code; a word with a label's prefix
	 * does not. */
	assert_int_equal(codes_scan("Error code: 5 [0x5]", 19, CODES_TEXT, h, 8), 2);
	assert_true(h[0].strong);
	assert_int_equal(codes_scan("exitcodes 5 hresults 6", 22, CODES_TEXT, h, 8), 0);
	/* Not NUL-terminated: the length is the end. */
	assert_int_equal(codes_scan("0x8004E00F99", 10, CODES_TEXT, h, 8), 1);
	assert_int_equal(h[0].code.value, 0x8004E00FLL);
	/* Nine hex digits are not an HRESULT. */
	assert_int_equal(codes_scan("0x8004E00F9", 11, CODES_TEXT, h, 8), 0);
}

/* Titles of both editions give the same installer codes. */
static void test_titles_codes(void **state)
{
	(void)state;
	struct doc *en = load("en"), *zh = load("zh-CN");
	assert_int_equal(en->nnodes, zh->nnodes);
	size_t with_codes = 0;
	for (size_t i = 0; i < en->nnodes; i++) {
		assert_int_equal(en->nodes[i]->codes.n, zh->nodes[i]->codes.n);
		for (size_t k = 0; k < en->nodes[i]->codes.n; k++)
			assert_string_equal(en->nodes[i]->codes.v[k], zh->nodes[i]->codes.v[k]);
		with_codes += en->nodes[i]->codes.n > 0;
	}
	assert_int_equal(with_codes, 6);
	struct node *n = doc_find_anchor(en, "vss-error--2147023170-0x800706be---exit-code-511");
	assert_int_equal(n->codes.n, 2);
	assert_string_equal(n->codes.v[0], "0x800706BE");
	assert_string_equal(n->codes.v[1], "exit 511");
	doc_free(en);
	doc_free(zh);
}

static void test_codemap(void **state)
{
	(void)state;
	static const char *const langs[] = { "en", "zh-CN" };
	for (size_t l = 0; l < 2; l++) {
		struct doc *d = load(langs[l]);
		char *cause = NULL;
		struct codemap *m = codemap_new(d, NULL, &cause);
		assert_non_null(m);
		struct node *out[8];
		struct code c = { CODE_HRESULT, 0x8004E00F };
		assert_int_equal(codemap_find(m, &c, out, 8), 1);
		assert_string_equal(out[0]->anchor, "vss-error---0x8004e00f");
		c = (struct code){ CODE_EXIT, 511 };
		assert_int_equal(codemap_find(m, &c, out, 8), 2);
		assert_string_equal(out[0]->anchor, "vss-error--2147023170-0x800706be---exit-code-511");
		assert_string_equal(out[1]->anchor, "vss-error-7-0x7---exit-code-511");
		/* From the bindings: the body's exit code, and the message. */
		c = (struct code){ CODE_EXIT, 802 };
		assert_int_equal(codemap_find(m, &c, out, 8), 1);
		assert_string_equal(out[0]->anchor, "vss-error---0x8004e00f");
		assert_int_equal(m->messages.n, 1);
		c = (struct code){ CODE_MESSAGE, 0 };
		assert_int_equal(codemap_find(m, &c, out, 8), 1);
		assert_true(str_starts(out[0]->anchor, "vss-provider-installation-fails"));
		c = (struct code){ CODE_HRESULT, 0x80070005 };
		assert_int_equal(codemap_find(m, &c, out, 8), 0);
		c = (struct code){ CODE_ERRORID, 95523 };
		assert_int_equal(codemap_find(m, &c, out, 8), 2);
		/* What users type or paste. */
		assert_int_equal(codemap_resolve(m, "-2147164145", out, 8), 1);
		assert_int_equal(codemap_resolve(m, "#how-to-fix", out, 8), 1);
		assert_string_equal(out[0]->anchor, "how-to-fix");
		const char *portal = "Error ID\n95320\nError Message\nEnable protection failed as device name "
				     "mentioned in the GRUB configuration instead of UUID.\nPossible causes ...";
		assert_int_equal(codemap_resolve(m, portal, out, 8), 1);
		assert_true(node_has_id(out[0], 95320));
		assert_int_equal(codemap_resolve(m, "12345", out, 8), 0);
		assert_int_equal(codemap_resolve(m, "", out, 8), 0);
		codemap_free(m);
		doc_free(d);
	}
}

static void test_bindings_log_entries(void **state)
{
	(void)state;
	struct doc *d = load("en");
	char *cause = NULL;
	assert_null(codemap_new(d, "{\"log\": [{\"anchor\": \"how-to-fix\"}]}", &cause));
	assert_non_null(strstr(cause, "\"code\""));
	free(cause);
	cause = NULL;
	assert_null(codemap_new(d, "{\"log\": [{\"code\": \"nonsense\", \"anchor\": \"how-to-fix\"}]}", &cause));
	free(cause);
	cause = NULL;
	/* A code or message that is not a string (its valuestring is NULL)
	 * is refused, not read. */
	static const char *const not_strings[] = {
		"{\"log\": [{\"code\": 802, \"message\": \"m\", \"anchor\": \"how-to-fix\"}]}",
		"{\"log\": [{\"code\": \"exit 802\", \"message\": 5, \"anchor\": \"how-to-fix\"}]}",
		"{\"log\": [{\"code\": 802, \"anchor\": \"how-to-fix\"}]}",
	};
	for (size_t i = 0; i < ARRAY_LEN(not_strings); i++) {
		assert_null(codemap_new(d, not_strings[i], &cause));
		assert_non_null(strstr(cause, "\"code\""));
		free(cause);
		cause = NULL;
	}
	assert_null(codemap_new(d, "{\"log\": 5}", &cause));
	free(cause);
	cause = NULL;
	assert_null(codemap_new(d, "{", &cause));
	free(cause);
	/* "with" first, anchor second; a section missing from this edition
	 * is skipped. */
	struct codemap *m = codemap_new(d,
					"{\"log\": [{\"code\": \"exit 900\", \"with\": \"0x80070430\", \"anchor\": \"how-to-fix\"},"
					" {\"code\": \"exit 901\", \"anchor\": \"how-to-fix\"},"
					" {\"code\": \"exit 902\", \"anchor\": \"no-such-section\"}]}",
					&cause);
	assert_non_null(m);
	struct node *out[4];
	struct code c = { CODE_EXIT, 900 };
	assert_int_equal(codemap_find(m, &c, out, 4), 1);
	assert_string_equal(out[0]->anchor, "vss-error--2147023824-0x80070430---exit-code-517");
	c.value = 901;
	assert_int_equal(codemap_find(m, &c, out, 4), 1);
	assert_string_equal(out[0]->anchor, "how-to-fix");
	c.value = 902;
	assert_int_equal(codemap_find(m, &c, out, 4), 0);
	codemap_free(m);
	doc_free(d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hresult_spellings),
		cmocka_unit_test(test_exit_and_errorid_spellings),
		cmocka_unit_test(test_text_mode),
		cmocka_unit_test(test_titles_codes),
		cmocka_unit_test(test_codemap),
		cmocka_unit_test(test_bindings_log_entries),
	};
	return cmocka_run_group_tests_name("codes", tests, NULL, NULL);
}
