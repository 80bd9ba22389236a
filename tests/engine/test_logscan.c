/* test_logscan.c: installer logs as they are written (recorded excerpts in
 * tests/fixtures/logs/, see its README): UTF-16LE with and without a BOM,
 * UTF-16BE, UTF-8 with and without a BOM, CRLF, lone CR and mixed line
 * ends, a truncated last line, NUL padding; lines longer than a piece and
 * codes cut by a piece or a read chunk; the context of a hit; the known
 * log places of a mounted root; escaping for terminals. */
#include "support/testutil.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "engine/logscan.h"
#include "support/codemap.h"

#define FIX "tests/fixtures/logs/"

static void scan_file(const char *path, struct log_scan *s)
{
	*s = (struct log_scan){ 0 };
	assert_int_equal(log_scan(tu_map, NULL, path, s), 0);
	assert_null(s->error);
}

static void scan_mem(const char *data, size_t len, struct log_scan *s)
{
	*s = (struct log_scan){ 0 };
	struct log_src src = { .fd = -1, .mem = data, .len = len };
	assert_int_equal(log_scan_src(tu_map, &src, "mem.log", s), 0);
}

/* The hit for a canonical code spelling, or NULL. */
static const struct log_hit *hit(const struct log_scan *s, const char *spelling)
{
	for (size_t i = 0; i < s->nhits; i++) {
		char buf[40];
		if (strcmp(code_format(&s->hits[i].code, buf, sizeof buf), spelling) == 0)
			return &s->hits[i];
	}
	return NULL;
}

static void test_recorded_utf16le_bom_crlf(void **state)
{
	(void)state;
	struct log_scan s;
	scan_file(FIX "ASRUnifiedAgentInstaller.utf16le-bom-crlf.log", &s);
	assert_int_equal(s.info.enc, LOG_UTF16LE);
	assert_true(s.info.bom);
	assert_int_equal(s.info.lines, 18);
	assert_int_equal(s.nhits, 3);
	const struct log_hit *h = hit(&s, "0x8004E00F");
	assert_non_null(h);
	assert_true(h->known);
	assert_int_equal(h->line, 7);
	assert_int_equal(h->last_line, 15);
	assert_int_equal(h->count, 2);
	assert_string_equal(h->text, "- Error code: -2147164145 [0x8004E00F]");
	assert_string_equal(h->nodes[0]->anchor, "vss-error---0x8004e00f");
	h = hit(&s, "exit 802");
	assert_non_null(h);
	assert_true(h->known);
	assert_int_equal(h->line, 8);
	assert_int_equal(h->count, 2);
	/* Not in the article: listed as unknown. "Exit code: 0" is success. */
	h = hit(&s, "0x80070005");
	assert_non_null(h);
	assert_false(h->known);
	assert_int_equal(h->nnodes, 0);
	assert_int_equal(h->line, 17);
	assert_null(hit(&s, "exit 0"));
	log_scan_free(&s);
}

static void test_recorded_utf16le_nobom_lf(void **state)
{
	(void)state;
	struct log_scan s;
	scan_file(FIX "UA_InstallLogFile.utf16le-nobom-lf.log", &s);
	assert_int_equal(s.info.enc, LOG_UTF16LE);
	assert_false(s.info.bom);
	assert_int_equal(s.info.lines, 4);
	/* The cluster-service message, and its HRESULT. */
	assert_int_equal(s.nhits, 4);
	assert_int_equal(s.hits[1].code.kind, CODE_MESSAGE);
	assert_int_equal(s.hits[1].line, 2);
	assert_true(str_starts(s.hits[1].nodes[0]->anchor, "vss-provider-installation-fails"));
	const struct log_hit *h = hit(&s, "0x7");
	assert_non_null(h);
	assert_string_equal(h->nodes[0]->anchor, "vss-error-7-0x7---exit-code-511");
	h = hit(&s, "exit 511");
	assert_int_equal(h->nnodes, 2);
	log_scan_free(&s);
}

static void test_recorded_utf8_bom_mixed(void **state)
{
	(void)state;
	struct log_scan s;
	scan_file(FIX "ua_install.utf8-bom-mixed.log", &s);
	assert_int_equal(s.info.enc, LOG_UTF8);
	assert_true(s.info.bom);
	/* CRLF, LF and a lone CR end lines 1-3; the last line has no end. */
	assert_int_equal(s.info.lines, 6);
	const struct log_hit *h = hit(&s, "95320");
	assert_int_equal(h->line, 2);
	assert_string_equal(h->text, "ErrorID: 95320 设备名称 /dev/sda1");
	assert_int_equal(hit(&s, "exit 517")->line, 3);
	h = hit(&s, "0x80070430");
	assert_int_equal(h->line, 4);
	assert_int_equal(h->last_line, 6);
	assert_int_equal(h->count, 2);
	/* Control characters are kept exactly; escaping is for terminals. */
	h = hit(&s, "exit 806");
	assert_int_equal(h->line, 5);
	assert_string_equal(h->text, "\x1b]0;title\x07" "exit code 806 after\tcleanup");
	struct sbuf b = { 0 };
	util_escape(&b, h->text, false);
	assert_string_equal(sb_str(&b), "\\x1B]0;title\\x07exit code 806 after\\tcleanup");
	sb_free(&b);
	log_scan_free(&s);
}

static void test_recorded_nul_padding_and_utf16be(void **state)
{
	(void)state;
	struct log_scan s;
	scan_file(FIX "vss.utf8-nul-padded.log", &s);
	assert_int_equal(s.info.enc, LOG_UTF8);
	assert_int_equal(s.info.lines, 3);
	assert_int_equal(s.nhits, 2);
	assert_int_equal(hit(&s, "0x8007041F")->line, 2);
	assert_int_equal(hit(&s, "exit 512")->line, 3);
	log_scan_free(&s);
	scan_file(FIX "vss.utf16be-bom.log", &s);
	assert_int_equal(s.info.enc, LOG_UTF16BE);
	assert_true(s.info.bom);
	assert_int_equal(s.info.lines, 2);
	assert_int_equal(hit(&s, "0x800706BE")->line, 1);
	log_scan_free(&s);
}

/* A code at every position around the end of a piece is found once, and
 * the line keeps one number. */
static void test_long_lines(void **state)
{
	(void)state;
	const char *code = "Error code: -2147164145 [0x8004E00F]";
	size_t clen = strlen(code);
	for (size_t at = LOG_PIECE - clen - 4; at <= LOG_PIECE + 4; at++) {
		size_t len = 3 * LOG_PIECE;
		char *data = xmalloc(len + 16);
		memset(data, 'x', len);
		for (size_t i = 1000; i < len; i += 1000)
			data[i] = ' ';
		data[at - 1] = ' ';
		memcpy(data + at, code, clen);
		data[at + clen] = ' ';
		memcpy(data + len, "\nexit code 511\n", 15);
		struct log_scan s;
		scan_mem(data, len + 15, &s);
		assert_int_equal(s.info.lines, 2);
		assert_int_equal(s.nhits, 2);
		assert_int_equal(s.hits[0].code.value, 0x8004E00FLL);
		assert_int_equal(s.hits[0].count, 1);
		assert_int_equal(s.hits[0].line, 1);
		assert_true(s.hits[0].cut_before && s.hits[0].cut_after);
		assert_true(strlen(s.hits[0].text) <= LOG_TEXT_MAX);
		assert_non_null(strstr(s.hits[0].text, code));
		assert_int_equal(s.hits[1].line, 2);
		log_scan_free(&s);
		free(data);
	}
}

/* UTF-16 code units and UTF-8 characters cut by the read chunk, a
 * surrogate pair, a stray surrogate, bad UTF-8. */
static void test_chunk_edges_and_bad_text(void **state)
{
	(void)state;
	for (size_t pad = LOG_CHUNK / 2 - 30; pad < LOG_CHUNK / 2 + 2; pad++) {
		size_t len = 2 + 2 * pad + 200;
		char *data = xcalloc(1, len);
		data[0] = (char)0xFF, data[1] = (char)0xFE;
		size_t o = 2;
		for (size_t i = 0; i < pad; i++, o += 2)
			data[o] = i % 50 == 49 ? '\n' : 'a';
		const char *text = "\n\xe2\x9c\x93 exit code: 512 \xf0\x9f\x98\x80\n";
		/* ✓ U+2713, then U+1F600 as a surrogate pair. */
		const unsigned short units[] = { '\n', 0x2713, ' ', 'e', 'x', 'i', 't', ' ', 'c', 'o', 'd', 'e', ':',
						 ' ', '5', '1', '2', ' ', 0xD83D, 0xDE00, '\n', 0xDC00, 'z' };
		(void)text;
		for (size_t i = 0; i < ARRAY_LEN(units); i++, o += 2) {
			data[o] = (char)(units[i] & 0xFF);
			data[o + 1] = (char)(units[i] >> 8);
		}
		struct log_scan s;
		scan_mem(data, o + 1, &s); /* and an odd last byte */
		assert_int_equal(s.nhits, 1);
		assert_string_equal(s.hits[0].text, "\xe2\x9c\x93 exit code: 512 \xf0\x9f\x98\x80");
		assert_int_equal(s.hits[0].line, pad / 50 + 2);
		log_scan_free(&s);
		free(data);
	}
	/* U+0080-U+00FF have a NUL high byte too, but are two bytes in UTF-8
	 * (found by fuzzing). */
	const char latin[] = "\xff\xfe" "e\0\xd8\0 \0" "e\0x\0i\0t\0 \0c\0o\0d\0e\0 \0" "8\0" "0\0" "6\0";
	struct log_scan s;
	scan_mem(latin, sizeof latin - 1, &s);
	assert_int_equal(s.nhits, 1);
	assert_string_equal(s.hits[0].text, "e\xc3\x98 exit code 806");
	log_scan_free(&s);
	const char bad[] = "a\xc3(b \xff exit code 517\xe6\x8e";
	scan_mem(bad, sizeof bad - 1, &s);
	assert_int_equal(s.nhits, 1);
	/* One replacement per byte that starts no character (text.h). */
	assert_string_equal(s.hits[0].text,
			    "a\xef\xbf\xbd(b \xef\xbf\xbd exit code 517\xef\xbf\xbd\xef\xbf\xbd");
	log_scan_free(&s);
}

/* A log several tools appended to: UTF-16LE with a BOM, an ANSI part (a
 * batch file's echo >>), UTF-16LE again without a BOM and cut short; then
 * UTF-8 followed by UTF-16LE with its own BOM whose Chinese lines have
 * 0x0A bytes inside characters. Every part is found at its own line. */
static void test_recorded_mixed_encodings(void **state)
{
	(void)state;
	struct log_scan s;
	scan_file(FIX "ASRUnifiedAgentInstaller.mixed-utf16le-ansi-utf16le.log", &s);
	assert_int_equal(s.info.enc, LOG_UTF16LE);
	assert_true(s.info.bom);
	assert_int_equal(s.info.changes, 2);
	assert_int_equal(s.info.last, LOG_UTF16LE);
	assert_int_equal(s.info.lines, 15);
	static const struct {
		const char *code;
		unsigned long long line;
		const char *text;
	} want[] = {
		{ "0x800706BE", 7, "- Error code: -2147023170 [0x800706BE]" },
		{ "0x80070430", 10, "- Error code: -2147023824 [0x80070430]" },
		{ "exit 517", 11, "- Exit code: 517" },
		{ "0x8004E00F", 14, "- Error code: -2147164145 [0x8004E00F]" },
		{ "exit 8", 15, "- Exit code: 8" },
	};
	for (size_t i = 0; i < ARRAY_LEN(want); i++) {
		const struct log_hit *h = hit(&s, want[i].code);
		assert_non_null(h);
		assert_int_equal(h->line, want[i].line);
		assert_string_equal(h->text, want[i].text);
	}
	log_scan_free(&s);
	/* The ANSI line: its one byte that is not UTF-8 replaced, the rest
	 * whole; the lines around it in their own encodings. */
	struct strvec lines = { 0 };
	unsigned long long first = 0;
	char *cause = NULL;
	assert_int_equal(log_context(NULL, FIX "ASRUnifiedAgentInstaller.mixed-utf16le-ansi-utf16le.log",
				     9, 1, &lines, &first, &cause),
			 0);
	assert_int_equal(first, 8);
	assert_int_equal(lines.n, 3);
	assert_string_equal(lines.v[0], "- Exit code: 511");
	assert_string_equal(lines.v[1], "InMageVSSProvider_Install.cmd: Registrierung fehlgeschlagen "
					"f\xef\xbf\xbdr den Anbieter");
	assert_string_equal(lines.v[2], "- Error code: -2147023824 [0x80070430]");
	sv_free(&lines);

	scan_file(FIX "UA_InstallLogFile.mixed-utf8-utf16le.log", &s);
	assert_int_equal(s.info.enc, LOG_UTF8);
	assert_false(s.info.bom);
	assert_int_equal(s.info.changes, 1);
	assert_int_equal(s.info.last, LOG_UTF16LE);
	assert_int_equal(s.info.lines, 8);
	assert_int_equal(hit(&s, "95320")->line, 2);
	assert_int_equal(hit(&s, "exit 806")->line, 3);
	assert_int_equal(hit(&s, "0x8007041F")->line, 7);
	assert_int_equal(hit(&s, "exit 512")->line, 8);
	log_scan_free(&s);
	assert_int_equal(log_context(NULL, FIX "UA_InstallLogFile.mixed-utf8-utf16le.log", 5, 1, &lines,
				     &first, &cause),
			 0);
	assert_int_equal(lines.n, 3);
	assert_string_equal(lines.v[0], "安装日志");
	assert_string_equal(lines.v[1], "上一步失败"); /* U+4E0A is 0A 4E */
	assert_string_equal(lines.v[2], "安装上一步失败");
	sv_free(&lines);
}

/* Appends s as UTF-16LE. */
static void u16(struct sbuf *b, const char *s)
{
	for (; *s; s++) {
		sb_addc(b, *s);
		sb_addn(b, "", 1);
	}
}

/* Where one part ends and the next begins, wherever that falls against
 * the read chunks and the look-ahead: UTF-16LE then ANSI then BOM-less
 * UTF-16LE, line numbers running on across all three. */
static void test_mixed_at_chunk_edges(void **state)
{
	(void)state;
	for (size_t pad = LOG_CHUNK - LOG_LOOK - 40; pad < LOG_CHUNK + 8; pad += 7) {
		struct sbuf b = { 0 };
		sb_addn(&b, "\xff\xfe", 2);
		/* Lines of 40 characters (82 bytes) up to about pad bytes. */
		size_t lines = 0;
		while (b.len + 82 <= pad) {
			u16(&b, "abcdefghijklmnopqrstuvwxyz0123456789ABC\r\n");
			lines++;
		}
		u16(&b, "exit code 511\r\n");
		sb_add(&b, "exit code 517\r\nplain \xe9t\xe9\r\n");
		u16(&b, "exit code 806\r\n- Error code: -2147164145 [0x8004E00F]");
		struct log_scan s;
		scan_mem(b.s, b.len, &s);
		assert_int_equal(s.info.changes, 2);
		assert_int_equal(s.info.lines, lines + 5);
		assert_int_equal(hit(&s, "exit 511")->line, lines + 1);
		assert_int_equal(hit(&s, "exit 517")->line, lines + 2);
		assert_int_equal(hit(&s, "exit 806")->line, lines + 4);
		assert_int_equal(hit(&s, "0x8004E00F")->line, lines + 5);
		log_scan_free(&s);
		sb_free(&b);
	}
}

static void test_context(void **state)
{
	(void)state;
	struct strvec lines = { 0 };
	unsigned long long first = 0;
	char *cause = NULL;
	assert_int_equal(log_context(NULL, FIX "ASRUnifiedAgentInstaller.utf16le-bom-crlf.log", 7, 2, &lines,
				     &first, &cause),
			 0);
	assert_int_equal(first, 5);
	assert_int_equal(lines.n, 5);
	assert_string_equal(lines.v[0], "ERROR:");
	assert_string_equal(lines.v[2], "- Error code: -2147164145 [0x8004E00F]");
	assert_string_equal(lines.v[4], "Unregistering the existing application...");
	sv_free(&lines);
	/* At the start and at the end. */
	assert_int_equal(log_context(NULL, FIX "vss.utf16be-bom.log", 1, 3, &lines, &first, &cause), 0);
	assert_int_equal(first, 1);
	assert_int_equal(lines.n, 2);
	sv_free(&lines);
	assert_true(log_context(NULL, FIX "missing.log", 1, 3, &lines, &first, &cause) == -ENOENT);
	assert_non_null(strstr(cause, "missing.log"));
	free(cause);
}

static void test_errors(void **state)
{
	(void)state;
	struct log_scan s = { 0 };
	assert_int_equal(log_scan(tu_map, NULL, FIX "no-such.log", &s), -ENOENT);
	assert_non_null(strstr(s.error, "no-such.log"));
	log_scan_free(&s);
	assert_int_equal(log_scan(tu_map, NULL, FIX, &s), -EISDIR);
	log_scan_free(&s);
}

/* The known places under a mounted root: Linux and a Windows volume whose
 * folder names differ in case. */
static void test_known_paths(void **state)
{
	(void)state;
	char *dir = tu_mkdtemp("logs");
	char *p = xasprintf("%s/var/log/ua_install.log", dir);
	tu_write_file(p, "Exit code: 806\n");
	free(p);
	p = xasprintf("%s/opt/asr/Vx/var/install.LOG", dir);
	tu_write_file(p, "x\n");
	free(p);
	p = xasprintf("%s/opt/asr/notes.txt", dir);
	tu_write_file(p, "x\n");
	free(p);
	p = xasprintf("%s/usr/local/.vx_version", dir);
	tu_write_file(p, "VERSION=9.60\nINSTALLATION_DIR=/opt/asr\n");
	free(p);
	p = xasprintf("%s/programdata/asrsetuplogs/ASRUnifiedAgentInstaller.log", dir);
	tu_write_file(p, "x\n");
	free(p);
	p = xasprintf("%s/programdata/asrsetuplogs/uploadedlogs/2024UA_InstallLogFile.log", dir);
	tu_write_file(p, "x\n");
	free(p);
	char *cause = NULL;
	struct target *t = target_root_new(dir, &cause);
	assert_non_null(t);
	struct strvec paths = { 0 };
	assert_int_equal(log_known_paths(t, &paths), 4);
	assert_string_equal(paths.v[0], "/var/log/ua_install.log");
	assert_string_equal(paths.v[1], "/opt/asr/Vx/var/install.LOG");
	assert_string_equal(paths.v[2], "/programdata/asrsetuplogs/ASRUnifiedAgentInstaller.log");
	assert_string_equal(paths.v[3], "/programdata/asrsetuplogs/uploadedlogs/2024UA_InstallLogFile.log");
	/* Read through the target, inside the root. */
	struct log_scan s = { 0 };
	assert_int_equal(log_scan(tu_map, t, paths.v[0], &s), 0);
	assert_int_equal(s.nhits, 1);
	assert_string_equal(s.path, "/var/log/ua_install.log");
	log_scan_free(&s);
	sv_free(&paths);
	target_free(t);
	tu_rmtree(dir);
	free(dir);

	/* A running Windows machine: its SFTP shows the drives at the top,
	 * %ProgramData% on any of them; the Linux places are not looked at
	 * there, nor a folder named like a drive that is not one. */
	dir = tu_mkdtemp("winlogs");
	p = xasprintf("%s/D:/ProgramData/ASRSetupLogs/ASRUnifiedAgentInstaller.log", dir);
	tu_write_file(p, "x\n");
	free(p);
	p = xasprintf("%s/C:/ProgramData/ASRSetupLogs/UploadedLogs/UA_InstallLogFile.log", dir);
	tu_write_file(p, "x\n");
	free(p);
	p = xasprintf("%s/CD:/ProgramData/ASRSetupLogs/not-a-drive.log", dir);
	tu_write_file(p, "x\n");
	free(p);
	p = xasprintf("%s/var/log/ua_install.log", dir);
	tu_write_file(p, "x\n");
	free(p);
	t = target_root_new(dir, &cause);
	assert_non_null(t);
	t->os = TARGET_OS_WINDOWS;
	assert_int_equal(log_known_paths(t, &paths), 2);
	assert_string_equal(paths.v[0], "/C:/ProgramData/ASRSetupLogs/UploadedLogs/UA_InstallLogFile.log");
	assert_string_equal(paths.v[1], "/D:/ProgramData/ASRSetupLogs/ASRUnifiedAgentInstaller.log");
	sv_free(&paths);
	target_free(t);
	tu_rmtree(dir);
	free(dir);
}

static void test_escape(void **state)
{
	(void)state;
	struct sbuf b = { 0 };
	util_escape(&b, "ok 设备\r\x7f\xc2\x9b[2J\xe2\x80\xae" "evil", false);
	assert_string_equal(sb_str(&b), "ok 设备\\r\\x7F\\u{009B}[2J\\u{202E}evil");
	sb_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_recorded_utf16le_bom_crlf),
		cmocka_unit_test(test_recorded_utf16le_nobom_lf),
		cmocka_unit_test(test_recorded_utf8_bom_mixed),
		cmocka_unit_test(test_recorded_nul_padding_and_utf16be),
		cmocka_unit_test(test_long_lines),
		cmocka_unit_test(test_chunk_edges_and_bad_text),
		cmocka_unit_test(test_recorded_mixed_encodings),
		cmocka_unit_test(test_mixed_at_chunk_edges),
		cmocka_unit_test(test_context),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_known_paths),
		cmocka_unit_test(test_escape),
	};
	return cmocka_run_group_tests_name("logscan", tests, tu_codemap_setup,
					   tu_codemap_teardown);
}
