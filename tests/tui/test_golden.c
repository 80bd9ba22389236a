/* test_golden.c: golden screens. The help and the confirmation screen at
 * 80x24, in English, in Chinese and with --ascii, are compared with the
 * texts in tests/fixtures/golden/, so that any drift in their layout is
 * seen. A change on purpose: ASR_GOLDEN_UPDATE=1 rewrites the files (then
 * read the diff before committing). A failure prints a unified diff. */
#include "support/testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "engine/util/util.h"
#include "support/term.h"

#define GOLDEN_DIR "tests/fixtures/golden"

/* The sandbox lives under a folder of a fixed length in /tmp, so that a
 * path on the screen wraps the same way everywhere; its random parts are
 * masked before comparing. */
static char *base;

struct variant {
	const char *tag;   /* file name part */
	const char *args;  /* language and symbol options */
	const char *ready; /* text of the first screen */
	const char *checks_done;
	const char *apply; /* the confirmation screen's prompt */
};

static const struct variant variants[] = {
	{ "en", "--lang en", "1/40", "checks done", "Apply? [y/N]" },
	{ "zh-CN", "--lang zh-CN", "1/40", "项检查完成", "应用吗？[y/N]" },
	{ "ascii", "--lang en --ascii", "1/40", "checks done", "Apply? [y/N]" },
};

/* Replaces every occurrence of from (non-empty) with to, of the same
 * length, in place. */
static void mask(char *s, const char *from, const char *to)
{
	size_t n = strlen(from);
	for (char *p = s; (p = strstr(p, from)) != NULL; p += n)
		memcpy(p, to, n);
}

/* The random parts of sandbox paths become fixed letters. */
static void mask_paths(char *s)
{
	mask(s, base, "/tmp/asr-golden-XXXXXX");
	for (char *p = s; (p = strstr(p, "asr-doctor-demo-")) != NULL;) {
		p += strlen("asr-doctor-demo-");
		for (int i = 0; i < 6 && p[i] && p[i] != '\n'; i++)
			p[i] = 'X';
	}
}

/* Compares text with the golden file name (or writes it when
 * ASR_GOLDEN_UPDATE=1). */
static void golden(const char *name, const char *text)
{
	char *path = xasprintf("%s/%s", GOLDEN_DIR, name);
	const char *update = getenv("ASR_GOLDEN_UPDATE");
	if (update && strcmp(update, "1") == 0) {
		tu_write_file(path, text);
		print_message("golden %s rewritten\n", path);
		free(path);
		return;
	}
	if (access(path, F_OK) != 0) {
		print_error("golden %s is missing; ASR_GOLDEN_UPDATE=1 writes it\n", path);
		free(path);
		fail();
	}
	char *want = tu_read_file(path, NULL);
	if (strcmp(want, text) != 0) {
		char *got = xasprintf("%s/%s.got", base, name);
		tu_write_file(got, text);
		char *diff = NULL;
		tu_sh(&diff, "diff -u '%s' '%s'", path, got);
		print_error("the screen differs from %s (- golden, + now); if the change is meant, "
			    "rerun with ASR_GOLDEN_UPDATE=1 and review the diff:\n%s\n",
			    path, diff ? diff : "");
		free(diff);
		free(got);
	}
	assert_string_equal(want, text);
	free(want);
	free(path);
}

static char *screen_masked(struct term *t)
{
	char *s = term_screen(t);
	assert_non_null(s);
	mask_paths(s);
	return s;
}

static void check_ascii(const struct variant *v, const char *s)
{
	if (strcmp(v->tag, "ascii") != 0)
		return;
	for (const char *p = s; *p; p++)
		assert_true((unsigned char)*p < 0x80);
}

static void start(struct term *t, const struct variant *v, bool demo)
{
	char *env = xasprintf("%s TMPDIR=%s", TERM_ENV_UTF8, base);
	char *args = xasprintf("%s --no-auto-check%s", v->args, demo ? " --demo" : "");
	term_open(t, 80, 24, env, args, v->ready);
	free(env);
	free(args);
}

static void test_golden_help(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(variants); i++) {
		const struct variant *v = &variants[i];
		struct term t = { 0 };
		start(&t, v, false);
		term_keys(&t, "?");
		assert_true(term_wait_gone(&t, v->ready, TERM_WAIT));
		char *top = screen_masked(&t);
		/* The rest of the help, at its end. */
		term_keys(&t, "End");
		char *end = NULL;
		for (int tries = 0; tries < 100; tries++) {
			free(end);
			end = screen_masked(&t);
			if (strcmp(end, top) != 0)
				break;
			usleep(30 * 1000);
		}
		/* The help is longer than one screen at 80x24: End moved it. */
		assert_string_not_equal(end, top);
		/* Read it again until two reads agree (the redraw is done). */
		for (;;) {
			usleep(30 * 1000);
			char *again = screen_masked(&t);
			bool same = strcmp(again, end) == 0;
			free(end);
			end = again;
			if (same)
				break;
		}
		char *both = xasprintf("%s----- End -----\n%s", top, end);
		check_ascii(v, both);
		char *name = xasprintf("help-80x24.%s.txt", v->tag);
		golden(name, both);
		free(name);
		free(both);
		free(top);
		free(end);
		term_stop(&t);
	}
}

static void test_golden_confirm(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(variants); i++) {
		const struct variant *v = &variants[i];
		struct term t = { 0 };
		start(&t, v, true);
		/* The credentials section's checks fail in the demo. */
		term_keys(&t, "j r");
		assert_true(term_wait(&t, v->checks_done, TERM_WAIT));
		term_keys(&t, "f");
		assert_true(term_wait(&t, v->apply, TERM_WAIT));
		char *s = screen_masked(&t);
		check_ascii(v, s);
		char *name = xasprintf("confirm-80x24.%s.txt", v->tag);
		golden(name, s);
		free(name);
		free(s);
		/* Nothing is applied: Esc cancels. */
		term_keys(&t, "Escape");
		assert_true(term_wait_gone(&t, v->apply, TERM_WAIT));
		term_stop(&t);
	}
}

int main(void)
{
	term_suite_begin(NULL);
	char tmpl[] = "/tmp/asr-golden-XXXXXX";
	base = mkdtemp(tmpl);
	if (!base) {
		print_error("cannot make a folder in /tmp\n");
		return 1;
	}
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_golden_help),
		cmocka_unit_test(test_golden_confirm),
	};
	int rc = cmocka_run_group_tests_name("golden screens", tests, NULL, NULL);
	tu_rmtree(base);
	return rc;
}
