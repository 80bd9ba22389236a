/* test_slug.c: heading identifiers as Docs makes them: the cases of
 * markdig's own GitHub-mode tests, the article's real headings in English,
 * Chinese, Korean and German, and repeated titles. */
#include "support/testutil.h"

#include <stdlib.h>
#include <string.h>

#include "engine/slug.h"

static void expect(const char *title, const char *id)
{
	char *got = slug_docs(title);
	if (strcmp(got, id) != 0)
		print_error("'%s' -> '%s', want '%s'\n", title, got, id);
	assert_string_equal(got, id);
	free(got);
}

/* The inputs and results markdig's own tests give for its GitHub mode. */
static void test_markdig_cases(void **state)
{
	(void)state;
	expect("Header identifiers in HTML", "header-identifiers-in-html");
	expect("* Dogs*?--in *my* house?", "-dogs--in-my-house");
	expect("[HTML], [S5], or [RTF]?", "html-s5-or-rtf");
	expect("3. Applications", "3-applications");
	expect("33", "33");
	expect("a_c", "a_c");
	expect("a  d", "a--d");
	expect("", "");
}

/* Runs of dashes stay: the article's own table of contents links these. */
static void test_article_headings(void **state)
{
	(void)state;
	expect("Credentials check (ErrorID: 95107 & 95108)", "credentials-check-errorid-95107--95108");
	expect("Check access for network shared folders on source machine (ErrorID: 95105,95523)",
	       "check-access-for-network-shared-folders-on-source-machine-errorid-9510595523");
	expect("VSS error -2147023170 [0x800706BE] - exit code 511",
	       "vss-error--2147023170-0x800706be---exit-code-511");
	expect("VSS error - 0x8004E00F", "vss-error---0x8004e00f");
	expect("Boot and system partitions / volumes aren't the same disk (ErrorID: 95309)",
	       "boot-and-system-partitions--volumes-arent-the-same-disk-errorid-95309");
	expect("LVM support from 9.20 version", "lvm-support-from-920-version");
	/* A tab is not a space. */
	expect("a\tb", "ab");
}

/* Letters of every script stay, lower-cased; their punctuation goes. */
static void test_other_scripts(void **state)
{
	(void)state;
	expect("凭据检查（ErrorID：95107 和 95108）", "凭据检查errorid95107-和-95108");
	expect("자격 증명 확인(ErrorID: 95107 및 95108)", "자격-증명-확인errorid-95107-및-95108");
	expect("Überprüfung der Anmeldeinformationen", "überprüfung-der-anmeldeinformationen");
	expect("ΣΦάλμα Σύνδεσης", "σφάλμα-σύνδεσης");
	expect("Ошибка ПОДКЛЮЧЕНИЯ", "ошибка-подключения");
	expect("ＡＢＣ全角", "ａｂｃ全角");
	expect("移動サービスのプッシュ インストール", "移動サービスのプッシュ-インストール");
	/* Outside the Basic Multilingual Plane: a surrogate pair in .NET,
	 * neither letter nor digit. */
	expect("a\xf0\xa0\x80\x80z", "az");
	/* A bad byte is dropped, not copied. */
	expect("a\xffz", "az");
}

static void test_unique(void **state)
{
	(void)state;
	struct strvec used = { 0 };
	const char *titles[] = { "Possible cause", "Possible cause", "", "Possible cause-1", "Possible cause", "?" };
	const char *want[] = { "possible-cause", "possible-cause-1", "section", "possible-cause-1-1",
			       "possible-cause-2", "section-1" };
	for (size_t i = 0; i < ARRAY_LEN(titles); i++) {
		char *id = slug_unique(&used, titles[i]);
		assert_string_equal(id, want[i]);
		free(id);
	}
	assert_int_equal(used.n, ARRAY_LEN(titles));
	sv_free(&used);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_markdig_cases),
		cmocka_unit_test(test_article_headings),
		cmocka_unit_test(test_other_scripts),
		cmocka_unit_test(test_unique),
	};
	return cmocka_run_group_tests_name("slug", tests, NULL, NULL);
}
