/* test_edition.c: an edition's locale (front matter or file name), its
 * links made absolute in that locale, and Docs ":::" directives. */
#include "support/testutil.h"

#include <stdlib.h>
#include <string.h>

#include "engine/edition.h"

static void expect_locale(const char *lang, const char *name, const char *want)
{
	char *got = edition_locale(lang, name);
	if (strcmp(got, want) != 0)
		print_error("('%s', '%s') -> '%s', want '%s'\n", lang, name, got, want);
	assert_string_equal(got, want);
	free(got);
}

static void test_locale(void **state)
{
	(void)state;
	expect_locale("zh-TW", "x.md", "zh-tw");
	expect_locale("zh-CN", "article.ko-kr.md", "zh-cn");
	expect_locale("", "tests/fixtures/article/push-install-2024.ko-kr.md", "ko-kr");
	expect_locale("", "azure-docs.zh-tw/articles/site-recovery/vmware-azure-troubleshoot-push-install.md",
		      "zh-tw");
	expect_locale("", "/srv/ja-JP/push.md", "ja-jp");
	expect_locale("ko", "", "ko-kr");
	expect_locale("de", "", "de-de");
	expect_locale("", "vmware-azure-troubleshoot-push-install.md", "en-us");
	expect_locale("", "built-in article (en)", "en-us");
	/* Words with a dash are not locales. */
	expect_locale("", "/home/me/my-docs/do-it/cli-Ab3xZ9/tmp.ab-cd12/x.md", "en-us");
	expect_locale("", "/srv/azure-docs.zh-hant-tw/x.md", "zh-hant-tw");
	expect_locale("", "/srv/es-419/x.md", "es-419");
	char *l = edition_lang("zh-tw");
	assert_string_equal(l, "zh-TW");
	free(l);
	l = edition_lang("zh-hant-tw");
	assert_string_equal(l, "zh-HANT-TW");
	free(l);
}

static void expect_link(const char *locale, const char *url, const char *want)
{
	char *got = edition_link(locale, url);
	if (strcmp(got, want) != 0)
		print_error("('%s', '%s') -> '%s', want '%s'\n", locale, url, got, want);
	assert_string_equal(got, want);
	free(got);
}

static void test_links(void **state)
{
	(void)state;
	expect_link("zh-tw", "vmware-azure-manage-configuration-server.md",
		    "https://learn.microsoft.com/zh-tw/azure/site-recovery/vmware-azure-manage-configuration-server");
	expect_link("ko-kr", "vmware-physical-azure-support-matrix.md#linux-file-systemsguest-storage",
		    "https://learn.microsoft.com/ko-kr/azure/site-recovery/vmware-physical-azure-support-matrix#linux-file-systemsguest-storage");
	expect_link("zh-tw", "/azure/site-recovery/vmware-physical-azure-support-matrix#network",
		    "https://learn.microsoft.com/zh-tw/azure/site-recovery/vmware-physical-azure-support-matrix#network");
	expect_link("en-us", "../virtual-machines/linux/create-upload-generic.md",
		    "https://learn.microsoft.com/en-us/azure/virtual-machines/linux/create-upload-generic");
	expect_link("en-us", "./site-recovery-overview.md", "https://learn.microsoft.com/en-us/azure/site-recovery/site-recovery-overview");
	expect_link("ko-kr", "https://learn.microsoft.com/en-us/troubleshoot/x", "https://learn.microsoft.com/en-us/troubleshoot/x");
	expect_link("ko-kr", "#credentials-check-errorid-95107--95108", "#credentials-check-errorid-95107--95108");
}

static void expect_alt(const char *line, const char *want)
{
	char *got = edition_image_alt(line);
	if (!want) {
		assert_null(got);
		return;
	}
	assert_non_null(got);
	assert_string_equal(got, want);
	free(got);
}

static void test_directives(void **state)
{
	(void)state;
	expect_alt(":::image type=\"content\" source=\"./media/x/grub.png\" alt-text=\"Screenshot of the GRUB file.\":::",
		   "Screenshot of the GRUB file.");
	expect_alt("  :::image type=\"complex\" source=\"media/a.png\" alt-text='Alt \"quoted\"' lightbox=\"media/a.png\":::",
		   "Alt \"quoted\"");
	/* No alt text: the file name, so the reader knows what is missing. */
	expect_alt(":::image type=\"content\" source=\"./media/x/grub-device-name.png\":::", "grub-device-name.png");
	expect_alt(":::image:::", "");
	/* "data-alt-text" is not alt-text. */
	expect_alt(":::image source=\"a.png\" data-alt-text=\"no\":::", "a.png");
	expect_alt(":::image-end:::", NULL);
	expect_alt(":::zone pivot=\"windows\"", NULL);
	expect_alt("An :::image::: in a sentence", NULL);
	assert_true(edition_is_directive(":::image-end:::"));
	assert_true(edition_is_directive("  :::zone-end:::"));
	assert_false(edition_is_directive("::: not one"));
	assert_false(edition_is_directive("text :::image:::"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_locale),
		cmocka_unit_test(test_links),
		cmocka_unit_test(test_directives),
	};
	return cmocka_run_group_tests_name("edition", tests, NULL, NULL);
}
