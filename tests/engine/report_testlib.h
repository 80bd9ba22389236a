/* report_testlib.h: helpers shared by the report, replay and state suites:
 * a session over the built-in article, checks run on a fixture root, a
 * session filled with every status and kind of evidence, and comparing
 * two sessions' results. Header-only (static inline) so each suite stays
 * one file. */
#ifndef ASR_REPORT_TESTLIB_H
#define ASR_REPORT_TESTLIB_H

#include "support/testutil.h"

#include <stdlib.h>
#include <string.h>

#include "engine/check.h"
#include "engine/doc.h"
#include "engine/session.h"
#include "engine/status.h"
#include "engine/util/text.h"

/* The built-in article in lang and a session bound to it. */
static inline struct session *rt_session(const char *lang, struct doc **d)
{
	char *cause = NULL;
	*d = doc_load_builtin(lang, &cause);
	if (!*d)
		print_error("%s\n", cause);
	assert_non_null(*d);
	struct session *s = session_new(*d, NULL, &cause);
	if (!s)
		print_error("%s\n", cause);
	assert_non_null(s);
	return s;
}

static inline void rt_free(struct session *s, struct doc *d)
{
	session_free(s);
	doc_free(d);
}

/* Runs every bound check of s on t, one after the other. */
static inline void rt_run_all(struct session *s, struct target *t)
{
	struct check_ctx ctx = { .t = t, .timeout_ms = 3000 };
	for (size_t i = 0; i < s->nbindings; i++) {
		struct check_result r;
		check_run_one(s->bindings[i].check, &ctx, &r);
		session_store(s, &r);
	}
}

/* Gives the bindings of s every status in turn, with findings and
 * evidence of every kind, including text that JSON must escape. Needs at
 * least STATUS__COUNT bindings. */
static inline void rt_fill_every_status(struct session *s)
{
	assert_true(s->nbindings >= STATUS__COUNT);
	for (size_t i = 0; i < s->nbindings; i++) {
		struct check_result r;
		result_init(&r, s->bindings[i].check->id);
		r.status = (enum status)(i % STATUS__COUNT);
		r.ms = 12.5;
		if (r.status != STATUS_NONE) {
			r.finding = xasprintf("finding %zu: \"quoted\", back\\slash, tab\there, 中文", i);
			result_file(&r, "/etc/ssh/sshd_config", (int)i + 1, "PasswordAuthentication no");
			result_file(&r, "/etc/fstab", 0, "");
			result_command(&r, "sshd -T -C user=root", (int)i - 3,
				       "line one\nline two\n\ttabbed\n");
			result_note(&r, "note %zu with unicode \xe2\x9c\x93 and a newline\nsecond", i);
		}
		session_store(s, &r);
	}
}

/* Asserts that a and b hold the same results (status, finding, evidence;
 * times to the tenth of a millisecond). */
static inline void rt_assert_same_results(const struct session *a, const struct session *b)
{
	assert_int_equal(a->nbindings, b->nbindings);
	for (size_t i = 0; i < a->nbindings; i++) {
		const struct check_result *x = &a->results[i], *y = &b->results[i];
		assert_string_equal(x->check_id, y->check_id);
		assert_int_equal(x->status, y->status);
		if (x->finding && *x->finding)
			assert_string_equal(x->finding, y->finding);
		else
			assert_null(y->finding);
		assert_true(x->ms - y->ms < 0.051 && y->ms - x->ms < 0.051);
		assert_int_equal(x->nev, y->nev);
		for (size_t k = 0; k < x->nev; k++) {
			const struct evidence *e = &x->ev[k], *f = &y->ev[k];
			assert_int_equal(e->kind, f->kind);
			assert_string_equal(e->text, f->text);
			if (e->kind == EV_FILE) {
				assert_string_equal(e->path, f->path);
				assert_int_equal(e->line, f->line);
			}
			if (e->kind == EV_COMMAND) {
				assert_string_equal(e->command, f->command);
				assert_int_equal(e->exit_status, f->exit_status);
			}
		}
	}
}

/* Asserts every line of text is at most cols columns wide (printing the
 * first that is wider); returns the count of lines. */
static inline size_t rt_assert_width(const char *text, size_t cols)
{
	size_t n = 0;
	const char *p = text;
	while (*p) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		char *line = xstrndup(p, len);
		size_t w = text_width(line);
		if (w > cols)
			print_error("line %zu is %zu columns: '%s'\n", n + 1, w, line);
		assert_true(w <= cols);
		free(line);
		n++;
		p = nl ? nl + 1 : p + len;
	}
	return n;
}

#endif
