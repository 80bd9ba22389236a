/* test_check_logs.c: log.codes, the installer logs read as a check, on
 * --root sandboxes: an offline Windows volume (a SYSTEM hive and
 * ProgramData/ASRSetupLogs holding UTF-16LE logs as the installer writes
 * them, made of the article's lines: tests/fixtures/logs/README.md) and
 * a Linux root (/var/log/ua_install.log, the install folder's logs). A log
 * naming the article's codes fails with the codes, their sections and
 * the lines; a log without codes passes; no log is n/a with where it
 * looked; a log larger than the bound is read from its end and says so,
 * and a source that cannot move reads its start; a log that cannot be
 * read never passes. */
#include "support/testutil.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/check_logs.h"
#include "engine/logscan.h"
#include "misc_testlib.h"
#include "support/codemap.h"
#include "support/hivegen.h"

#define FIX "tests/fixtures/logs/"
#define SETUP "/ProgramData/ASRSetupLogs"

/* A Windows volume: Windows/System32/config/SYSTEM, and ProgramData/
 * ASRSetupLogs/UploadedLogs when logs is set. Caller frees and removes. */
static char *win_volume(bool logs)
{
	char *dir = tu_mkdtemp("logcheck-win");
	assert_int_equal(tu_sh(NULL, "mkdir -p '%s/Windows/System32/config'", dir), 0);
	char *sys = xasprintf("%s/Windows/System32/config/SYSTEM", dir);
	assert_int_equal(hivegen_minimal(sys, "SYSTEM"), 0);
	free(sys);
	if (logs)
		assert_int_equal(tu_sh(NULL, "mkdir -p '%s" SETUP "/UploadedLogs'", dir), 0);
	return dir;
}

/* Writes lines (ASCII, each ended by \n here) to path as the Windows
 * installer writes its log: UTF-16LE with a byte order mark, CRLF. */
static void write_utf16le(const char *path, const char *lines)
{
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	fputc(0xFF, f);
	fputc(0xFE, f);
	for (const char *p = lines; *p; p++) {
		if (*p == '\n') {
			fputc('\r', f);
			fputc(0, f);
		}
		fputc(*p, f);
		fputc(0, f);
	}
	assert_int_equal(fclose(f), 0);
}

/* Lines the article quotes from ASRUnifiedAgentInstaller.log, without
 * their codes. */
#define ARTICLE_LINES                                                                          \
	"Unregistering the existing application...\n"                                          \
	"Create the catalogue object\n"                                                        \
	"Get the collection of Applications\n"

/* The evidence of kind k whose text holds needle (and, for a file, whose
 * path ends with path_end, may be NULL), or NULL. */
static const struct evidence *ev_find(const struct check_result *r, enum ev_kind k,
				      const char *path_end, const char *needle)
{
	for (size_t i = 0; i < r->nev; i++) {
		const struct evidence *e = &r->ev[i];
		if (e->kind != k || !strstr(e->text, needle))
			continue;
		if (path_end && (!e->path || !str_ends(e->path, path_end)))
			continue;
		return e;
	}
	return NULL;
}

static void expect_ev(const struct check_result *r, enum ev_kind k, const char *path_end,
		      const char *needle)
{
	if (!ev_find(r, k, path_end, needle)) {
		print_error("no evidence with '%s'\n", needle);
		tl_dump(r);
	}
	assert_non_null(ev_find(r, k, path_end, needle));
}

/* The check from the registry, on the sandbox dir, in English. */
static void run_check(const char *dir, struct check_result *r)
{
	msg_set_lang(LANG_EN);
	tl_run(dir, "log.codes", r);
}

/* The installer's own log, recorded encoding (UTF-16LE, BOM, CRLF): the
 * codes of the article fail the check with their sections; the line is
 * evidence at its number; a code no section names is a note. */
static void test_windows_volume_log_names_codes(void **state)
{
	(void)state;
	char *dir = win_volume(true);
	assert_int_equal(tu_sh(NULL, "cp '" FIX "ASRUnifiedAgentInstaller.utf16le-bom-crlf.log' '%s" SETUP
				     "/ASRUnifiedAgentInstaller.log'",
			       dir),
			 0);
	struct check_result r;
	run_check(dir, &r);
	tl_status(&r, STATUS_FAIL);
	tl_finding_has(&r, "0x8004E00F, exit 802");
	tl_finding_has(&r, "see VSS error - 0x8004E00F");
	const struct evidence *e = ev_find(&r, EV_FILE, "/ASRUnifiedAgentInstaller.log",
					   "- Error code: -2147164145 [0x8004E00F]");
	if (!e)
		tl_dump(&r);
	assert_non_null(e);
	assert_string_equal(e->path, SETUP "/ASRUnifiedAgentInstaller.log");
	assert_int_equal(e->line, 7);
	e = ev_find(&r, EV_FILE, NULL, "- Exit code: 802");
	assert_non_null(e);
	assert_int_equal(e->line, 8);
	expect_ev(&r, EV_NOTE, NULL, "0x8004E00F -> #vss-error---0x8004e00f (VSS error - 0x8004E00F)");
	expect_ev(&r, EV_NOTE, NULL, "2 lines name it, the last line 15");
	expect_ev(&r, EV_NOTE, NULL, "line 17: 0x80070005, which no section of the article names");
	expect_ev(&r, EV_FILE, "/ASRUnifiedAgentInstaller.log", "read whole: 18 lines");
	result_free(&r);

	/* In Chinese: the finding and the sections of the Chinese edition. */
	msg_set_lang(LANG_ZH);
	tl_run(dir, "log.codes", &r);
	msg_set_lang(LANG_EN);
	tl_status(&r, STATUS_FAIL);
	tl_finding_has(&r, "安装日志中有文章解释的代码：0x8004E00F");
	result_free(&r);
	tu_rmtree(dir);
	free(dir);
}

/* Logs of the article's lines without a code pass; one with a code no
 * section names passes too, the code listed. Names in another case are
 * found, as Windows matches them. */
static void test_log_without_codes_passes(void **state)
{
	(void)state;
	char *dir = win_volume(false);
	assert_int_equal(tu_sh(NULL, "mkdir -p '%s/programdata/asrsetuplogs'", dir), 0);
	char *p = xasprintf("%s/programdata/asrsetuplogs/ASRUnifiedAgentInstaller.LOG", dir);
	write_utf16le(p, ARTICLE_LINES);
	struct check_result r;
	run_check(dir, &r);
	tl_status(&r, STATUS_PASS);
	tl_finding_has(&r, "1 installer log read, none names a code of the article");
	expect_ev(&r, EV_FILE, "/ASRUnifiedAgentInstaller.LOG", "read whole: 3 lines");
	result_free(&r);

	write_utf16le(p, ARTICLE_LINES "ERROR:\n- Error code: -2147024891 [0x80070005]\n");
	run_check(dir, &r);
	tl_status(&r, STATUS_PASS);
	tl_finding_has(&r, "(codes it does not name are listed)");
	expect_ev(&r, EV_NOTE, NULL, "line 5: 0x80070005, which no section of the article names");
	result_free(&r);
	free(p);
	tu_rmtree(dir);
	free(dir);
}

/* No log: n/a, saying where it looked and how to read a copied log. */
static void test_no_log_is_na(void **state)
{
	(void)state;
	char *dir = win_volume(true);
	struct check_result r;
	run_check(dir, &r);
	tl_status(&r, STATUS_NA);
	tl_finding_has(&r, "\\ProgramData\\ASRSetupLogs and its UploadedLogs");
	tl_finding_has(&r, "asr-doctor log FILE");
	result_free(&r);
	tu_rmtree(dir);
	free(dir);

	dir = tu_mkdtemp("logcheck-linux-empty");
	assert_int_equal(tu_sh(NULL, "mkdir -p '%s/var/log' '%s/usr/local/ASR/Vx'", dir, dir), 0);
	run_check(dir, &r);
	tl_status(&r, STATUS_NA);
	tl_finding_has(&r, "/var/log/ua_install.log, the *.log files of /usr/local/ASR");
	tl_finding_has(&r, "asr-doctor log FILE");
	result_free(&r);
	tu_rmtree(dir);
	free(dir);
}

/* A Linux root: /var/log/ua_install.log (UTF-8 with a terminal escape in a
 * line) and a log of the install folder's subfolder. */
static void test_linux_root(void **state)
{
	(void)state;
	char *dir = tu_mkdtemp("logcheck-linux");
	assert_int_equal(tu_sh(NULL,
			       "mkdir -p '%s/var/log' '%s/usr/local/ASR/Vx/logs' && "
			       "cp '" FIX "ua_install.utf8-bom-mixed.log' '%s/var/log/ua_install.log' && "
			       "cp '" FIX "vss.utf16be-bom.log' '%s/usr/local/ASR/Vx/logs/vss.log'",
			       dir, dir, dir, dir),
			 0);
	struct check_result r;
	run_check(dir, &r);
	tl_status(&r, STATUS_FAIL);
	expect_ev(&r, EV_FILE, "/var/log/ua_install.log", "read whole");
	expect_ev(&r, EV_FILE, "/usr/local/ASR/Vx/logs/vss.log", "read whole");
	/* The line is kept as it is (the outputs escape it). */
	bool esc = false;
	for (size_t i = 0; i < r.nev; i++)
		esc |= r.ev[i].kind == EV_FILE && strchr(r.ev[i].text, '\x1b') != NULL;
	assert_true(esc);
	result_free(&r);
	tu_rmtree(dir);
	free(dir);
}

/* A log larger than the bound: its end is read (the newest attempt), the
 * code of its start is not, and the evidence says what was read, from
 * which byte, with the lines counted from there. */
static void test_cut_log_read_from_its_end(void **state)
{
	(void)state;
	char *dir = win_volume(true);
	struct sbuf b = { 0 };
	sb_add(&b, ARTICLE_LINES "- Error code: -2147023824 [0x80070430]\n- Exit code: 517\n");
	for (int i = 0; i < 4000; i++)
		sb_printf(&b, "Installing the agent: step %04d done, nothing to report here\n", i);
	sb_add(&b, ARTICLE_LINES "- Error code: -2147164145 [0x8004E00F]\n- Exit code: 802\n");
	char *p = xasprintf("%s" SETUP "/ASRUnifiedAgentInstaller.log", dir);
	write_utf16le(p, sb_str(&b));
	struct check_ctx ctx = { .t = tl_root(dir), .timeout_ms = 3000 };
	struct check_result r;
	result_init(&r, "log.codes");
	msg_set_lang(LANG_EN);
	log_codes_evaluate(&ctx, &r, tu_map, 64 * 1024, LOG_CHECK_TOTAL);
	tl_status(&r, STATUS_FAIL);
	tl_finding_has(&r, "0x8004E00F, exit 802");
	if (strstr(r.finding, "0x80070430"))
		tl_dump(&r);
	assert_null(strstr(r.finding, "0x80070430"));
	/* 64 KB of the end, from an even byte; the line it falls in left out. */
	struct sbuf want = { 0 };
	unsigned long long size = 2 + 2 * (unsigned long long)(b.len + 4000 + 10);
	sb_printf(&want, "cut: read 64 KB of %llu KB, from byte %llu to the end", (size + 1023) / 1024,
		  (size - 65536) & ~1ull);
	expect_ev(&r, EV_FILE, "/ASRUnifiedAgentInstaller.log", sb_str(&want));
	expect_ev(&r, EV_FILE, NULL, "the check reads at most 64 KB of a log; asr-doctor log");
	/* The line: no number of the file's, the one counted from the byte. */
	const struct evidence *e = ev_find(&r, EV_FILE, NULL, "- Error code: -2147164145 [0x8004E00F]");
	assert_non_null(e);
	assert_int_equal(e->line, 0);
	assert_non_null(strstr(e->text, " counted from byte "));
	result_free(&r);
	sb_free(&want);

	/* The bound of all logs: a second log is named, not read. */
	char *p2 = xasprintf("%s" SETUP "/UploadedLogs/UA_InstallLogFile.log", dir);
	write_utf16le(p2, ARTICLE_LINES "- Error code: -2147023841 [0x8007041F]\n");
	result_init(&r, "log.codes");
	log_codes_evaluate(&ctx, &r, tu_map, 64 * 1024, 64 * 1024);
	tl_status(&r, STATUS_FAIL);
	assert_null(strstr(r.finding, "0x8007041F"));
	expect_ev(&r, EV_FILE, "/UA_InstallLogFile.log", "not read: the check reads at most 64 KB of logs in all");
	expect_ev(&r, EV_NOTE, NULL, "1 logs not read");
	result_free(&r);

	/* Cancelled: an error, never a pass. */
	volatile int cancel = 1;
	ctx.cancel = &cancel;
	result_init(&r, "log.codes");
	log_codes_evaluate(&ctx, &r, tu_map, 64 * 1024, LOG_CHECK_TOTAL);
	tl_status(&r, STATUS_ERROR);
	tl_finding_has(&r, "cancelled");
	result_free(&r);
	target_free(ctx.t);
	free(p2);
	free(p);
	sb_free(&b);
	tu_rmtree(dir);
	free(dir);
}

/* ---- a target that streams its files (as one over SSH does) from the
 * sandbox, its streams unable to move, and failing to open the
 * installer's own log: the root target's operations with these in place. */

static const char *g_dir; /* the sandbox the streams read under */

static char *no_host_path(struct target *t, const char *path)
{
	(void)t;
	(void)path;
	return NULL;
}

static int stream_open(struct target *t, const char *path, void **stream, unsigned long long *size)
{
	(void)t;
	if (strstr(path, "ASRUnifiedAgentInstaller"))
		return -EACCES;
	char *p = xasprintf("%s%s", g_dir, path);
	FILE *f = fopen(p, "rb");
	free(p);
	if (!f)
		return -errno;
	fseek(f, 0, SEEK_END);
	*size = (unsigned long long)ftell(f);
	rewind(f);
	*stream = f;
	return 0;
}

static long stream_read(struct target *t, void *stream, char *buf, size_t n)
{
	(void)t;
	return (long)fread(buf, 1, n, stream);
}

static void stream_close(struct target *t, void *stream)
{
	(void)t;
	fclose(stream);
}

/* t with the streaming operations above in ops (t->ops restored by the
 * caller before target_free). */
static void streaming(struct target *t, struct target_ops *ops, const char *dir)
{
	*ops = *t->ops;
	ops->host_path = no_host_path;
	ops->open_stream = stream_open;
	ops->stream_read = stream_read;
	ops->stream_seek = NULL;
	ops->stream_close = stream_close;
	t->ops = ops;
	g_dir = dir;
}

/* A log that cannot be read: an error naming it and why; beside one read
 * without codes, a warning; never a pass. */
static void test_unreadable_log_never_passes(void **state)
{
	(void)state;
	char *dir = win_volume(true);
	char *p = xasprintf("%s" SETUP "/ASRUnifiedAgentInstaller.log", dir);
	write_utf16le(p, ARTICLE_LINES);
	struct target *t = tl_root(dir);
	const struct target_ops *real = t->ops;
	struct target_ops ops;
	streaming(t, &ops, dir);
	struct check_ctx ctx = { .t = t, .timeout_ms = 3000 };
	struct check_result r;
	result_init(&r, "log.codes");
	msg_set_lang(LANG_EN);
	log_codes_evaluate(&ctx, &r, tu_map, LOG_CHECK_PER_LOG, LOG_CHECK_TOTAL);
	tl_status(&r, STATUS_ERROR);
	tl_finding_has(&r, "could not read " SETUP "/ASRUnifiedAgentInstaller.log: Permission denied");
	result_free(&r);

	char *p2 = xasprintf("%s" SETUP "/UploadedLogs/UA_InstallLogFile.log", dir);
	write_utf16le(p2, ARTICLE_LINES);
	result_init(&r, "log.codes");
	log_codes_evaluate(&ctx, &r, tu_map, LOG_CHECK_PER_LOG, LOG_CHECK_TOTAL);
	tl_status(&r, STATUS_WARN);
	tl_finding_has(&r, "could not read " SETUP "/ASRUnifiedAgentInstaller.log: Permission denied");
	tl_finding_has(&r, "the other logs (1) name no code of the article");
	expect_ev(&r, EV_FILE, "/UA_InstallLogFile.log", "read whole: 3 lines");
	result_free(&r);
	t->ops = real;
	target_free(t);
	free(p2);
	free(p);
	tu_rmtree(dir);
	free(dir);
}

/* A stream that cannot move: the first bytes up to the bound are read,
 * with the file's own line numbers, and the evidence says so. */
static void test_stream_that_cannot_move_reads_its_start(void **state)
{
	(void)state;
	char *dir = win_volume(true);
	struct sbuf b = { 0 };
	sb_add(&b, ARTICLE_LINES "- Error code: -2147023824 [0x80070430]\n");
	for (int i = 0; i < 4000; i++)
		sb_printf(&b, "Installing the agent: step %04d done, nothing to report here\n", i);
	sb_add(&b, "- Error code: -2147164145 [0x8004E00F]\n");
	char *p = xasprintf("%s" SETUP "/UploadedLogs/UA_InstallLogFile.log", dir);
	write_utf16le(p, sb_str(&b));
	struct target *t = tl_root(dir);
	const struct target_ops *real = t->ops;
	struct target_ops ops;
	streaming(t, &ops, dir);
	struct check_ctx ctx = { .t = t, .timeout_ms = 3000 };
	struct check_result r;
	result_init(&r, "log.codes");
	msg_set_lang(LANG_EN);
	log_codes_evaluate(&ctx, &r, tu_map, 64 * 1024, LOG_CHECK_TOTAL);
	tl_status(&r, STATUS_FAIL);
	tl_finding_has(&r, "0x80070430");
	assert_null(strstr(r.finding, "0x8004E00F"));
	expect_ev(&r, EV_FILE, "/UA_InstallLogFile.log", "cut: read 64 KB of ");
	expect_ev(&r, EV_FILE, "/UA_InstallLogFile.log", "from the start; the check reads at most 64 KB");
	const struct evidence *e = ev_find(&r, EV_FILE, NULL, "- Error code: -2147023824 [0x80070430]");
	assert_non_null(e);
	assert_int_equal(e->line, 4);
	result_free(&r);
	t->ops = real;
	target_free(t);
	free(p);
	sb_free(&b);
	tu_rmtree(dir);
	free(dir);
}

int main(void)
{
	tu_scratch("check-logs");
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_windows_volume_log_names_codes),
		cmocka_unit_test(test_log_without_codes_passes),
		cmocka_unit_test(test_no_log_is_na),
		cmocka_unit_test(test_linux_root),
		cmocka_unit_test(test_cut_log_read_from_its_end),
		cmocka_unit_test(test_unreadable_log_never_passes),
		cmocka_unit_test(test_stream_that_cannot_move_reads_its_start),
	};
	return tu_scratch_done(cmocka_run_group_tests_name("log.codes", tests, tu_codemap_setup,
								   tu_codemap_teardown));
}
