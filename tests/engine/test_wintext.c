/* test_wintext.c: Windows command output to UTF-8. The bytes a console
 * would print are made by the iconv program from text in each display
 * language (a German netsh rule, a Chinese chcp line, a French user name),
 * in the code pages those consoles use, and in UTF-16LE as PowerShell
 * writes it when redirected; decoding must give the text back exactly. */
#include "support/testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "engine/util/util.h"
#include "engine/util/wintext.h"

static const char german[] = "Regelname:   Datei- und Druckerfreigabe (SMB eingehend)\r\n"
			     "Gruppierung: Datei- und Druckerfreigabe\r\n"
			     "Benutzer:    Müller, Jürgen; Größe: 5 MB\r\n";
static const char chinese[] = "活动代码页: 936\r\n用户名                 管理员\r\n";
static const char french[] = "Nom d'utilisateur    Administrateur général\r\nCompte : actif   Oui\r\n";

/* text encoded by the iconv program into encoding; *len its length. */
static char *encode(const char *text, const char *encoding, size_t *len)
{
	char *dir = tu_mkdtemp("wintext");
	char *in = xasprintf("%s/in", dir), *out = xasprintf("%s/out", dir);
	tu_write_file(in, text);
	char *cmd = xasprintf("iconv -f UTF-8 -t %s < '%s' > '%s'", encoding, in, out);
	int rc = system(cmd);
	assert_true(WIFEXITED(rc) && WEXITSTATUS(rc) == 0);
	char *data = tu_read_file(out, len);
	free(cmd);
	free(in);
	free(out);
	tu_rmtree(dir);
	free(dir);
	return data;
}

/* text with its CRLF line ends as LF: what the decoder gives back. */
static char *lf(const char *text)
{
	char *o = xstrdup(text), *w = o;
	for (const char *p = text; *p; p++)
		if (!(p[0] == '\r' && p[1] == '\n'))
			*w++ = *p;
	*w = '\0';
	return o;
}

static void check_decodes(const char *text, const char *encoding, unsigned codepage)
{
	size_t len;
	char *bytes = encode(text, encoding, &len);
	if (strcmp(encoding, "UTF-8") != 0)
		assert_true(len != strlen(text) || memcmp(bytes, text, len) != 0);
	size_t got_len;
	char *got = win_text_utf8(bytes, len, codepage, &got_len);
	char *want = lf(text);
	assert_string_equal(got, want);
	assert_int_equal(got_len, strlen(want));
	assert_null(strchr(got, '\r'));
	free(want);
	free(got);
	free(bytes);
}

/* Lines end with LF alone whatever the encoding: CRLF and wmic's CRCRLF
 * lose their CRs; a CR inside a line stays. */
static void test_line_ends(void **state)
{
	(void)state;
	const char in[] = "a\r\nb\r\r\nc\rd\r\n\r\ne\r";
	char *got = win_text_utf8(in, sizeof in - 1, 437, NULL);
	assert_string_equal(got, "a\nb\nc\rd\n\ne\r");
	free(got);
	size_t len;
	char *bytes = encode("x\r\r\ny\r\n", "UTF-16LE", &len);
	got = win_text_utf8(bytes, len, 850, NULL);
	assert_string_equal(got, "x\ny\n");
	free(got);
	free(bytes);
}

static void test_code_pages(void **state)
{
	(void)state;
	check_decodes(german, "CP850", 850);
	check_decodes(german, "CP1252", 1252);
	check_decodes(chinese, "CP936", 936);
	check_decodes(french, "CP850", 850);
	check_decodes(french, "CP437", 437);
	check_decodes(french, "CP437", 0); /* unknown: the US console's */
}

static void test_utf8_kept(void **state)
{
	(void)state;
	check_decodes(chinese, "UTF-8", 65001);
	check_decodes(german, "UTF-8", 850); /* chcp said 850, bytes are UTF-8 */
	size_t len;
	char *with_bom = encode(german, "UTF-8", &len);
	char *b = xasprintf("\xEF\xBB\xBF%s", with_bom);
	char *got = win_text_utf8(b, len + 3, 850, NULL);
	char *want = lf(german);
	assert_string_equal(got, want);
	free(want);
	free(got);
	free(b);
	free(with_bom);
}

static void test_utf16le(void **state)
{
	(void)state;
	check_decodes(german, "UTF-16LE", 850); /* no mark: told by its NULs */
	check_decodes(french, "UTF-16LE", 437);
	size_t len;
	char *bytes = encode(chinese, "UTF-16", &len); /* glibc writes FF FE first */
	assert_true(len > 2 && (unsigned char)bytes[0] == 0xFF && (unsigned char)bytes[1] == 0xFE);
	char *got = win_text_utf8(bytes, len, 936, NULL);
	char *want = lf(chinese);
	assert_string_equal(got, want);
	free(want);
	free(got);
	free(bytes);
}

/* Bad input gives valid UTF-8 with U+FFFD in place of what cannot be read. */
static void test_bad_bytes_replaced(void **state)
{
	(void)state;
	char *got = win_text_utf8("ok\x81\xFF end", 8, 65001, NULL);
	assert_string_equal(got, "ok\xEF\xBF\xBD\xEF\xBF\xBD end");
	free(got);
	/* a cut GBK character at the end */
	got = win_text_utf8("\xB9\xDC\xC0", 3, 936, NULL);
	assert_string_equal(got, "管\xEF\xBF\xBD");
	free(got);
	/* an unpaired surrogate in UTF-16 */
	got = win_text_utf8("\xFF\xFE" "a\0\x00\xD8" "b\0", 8, 0, NULL);
	assert_string_equal(got, "a\xEF\xBF\xBD" "b");
	free(got);
	got = win_text_utf8("x\x80", 2, 99999, NULL); /* a code page iconv lacks */
	assert_string_equal(got, "x\xEF\xBF\xBD");
	free(got);
	got = win_text_utf8("", 0, 850, NULL);
	assert_string_equal(got, "");
	free(got);
}

static void test_chcp_in_each_language(void **state)
{
	(void)state;
	assert_int_equal(win_chcp_parse("Active code page: 437\r\n"), 437);
	assert_int_equal(win_chcp_parse("Aktive Codepage: 850.\r\n"), 850);
	assert_int_equal(win_chcp_parse("Page de codes active : 850\r\n"), 850);
	assert_int_equal(win_chcp_parse("活动代码页: 936\r\n"), 936);
	assert_int_equal(win_chcp_parse("現在のコード ページ: 932\r\n"), 932);
	assert_int_equal(win_chcp_parse("Active code page: 65001\r\n"), 65001);
	assert_int_equal(win_chcp_parse("'chcp' is not recognized\r\n"), 0);
	assert_int_equal(win_chcp_parse(NULL), 0);
	assert_int_equal(win_chcp_parse("99999999999"), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_code_pages),	   cmocka_unit_test(test_utf8_kept),
		cmocka_unit_test(test_utf16le),		   cmocka_unit_test(test_bad_bytes_replaced),
		cmocka_unit_test(test_chcp_in_each_language),
		cmocka_unit_test(test_line_ends),
	};
	return cmocka_run_group_tests_name("wintext", tests, NULL, NULL);
}
