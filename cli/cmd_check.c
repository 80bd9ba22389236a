/* cmd_check.c: `asr-doctor check`: the live checks without a terminal, as
 * text or JSON, for scripts and fleet tools. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "engine/render.h"
#include "engine/report.h"

/* Adds binding i to the selection once. */
static void pick(size_t *sel, size_t *n, size_t i)
{
	for (size_t k = 0; k < *n; k++)
		if (sel[k] == i)
			return;
	sel[(*n)++] = i;
}

/* Resolves operands (ErrorIDs, anchors, check ids) to bindings. Returns
 * false after printing what was not found. */
static bool select_checks(struct session *s, struct options *o, size_t *sel, size_t *n)
{
	*n = 0;
	if (o->argc == 0) {
		for (size_t i = 0; i < s->nbindings; i++)
			sel[(*n)++] = i;
		return true;
	}
	for (int a = 0; a < o->argc; a++) {
		const char *what = o->argv[a];
		int direct = session_find(s, what);
		if (direct >= 0) {
			pick(sel, n, (size_t)direct);
			continue;
		}
		struct node *found[16];
		size_t nf = doc_resolve(s->doc, what, found, ARRAY_LEN(found));
		/* A check whose section this edition lacks still answers to
		 * the ErrorIDs and anchor it was written for. */
		size_t before_missing = *n;
		for (size_t i = 0; i < s->nbindings; i++)
			if (s->bindings[i].missing && binding_names(&s->bindings[i], what))
				pick(sel, n, i);
		if (nf == 0 && *n > before_missing)
			continue;
		if (nf == 0) {
			cli_error("'%s' is not an ErrorID, anchor or check id; see 'asr-doctor tree'", what);
			return false;
		}
		size_t before = *n;
		for (size_t k = 0; k < nf && k < ARRAY_LEN(found); k++) {
			size_t *idx;
			size_t c = session_checks_for(s, found[k], true, &idx);
			for (size_t j = 0; j < c; j++)
				pick(sel, n, idx[j]);
			free(idx);
		}
		if (*n == before) {
			cli_error("no live check belongs to '%s' (%s)", what, found[0]->title);
			return false;
		}
	}
	return true;
}

int cmd_check(struct options *o)
{
	struct doc *d;
	struct session *s = cli_doc_session(o, &d);
	if (!s)
		return 2;
	size_t *sel = xcalloc(s->nbindings ? s->nbindings : 1, sizeof *sel);
	size_t n = 0;
	if (!select_checks(s, o, sel, &n)) {
		free(sel);
		session_free(s);
		doc_free(d);
		return 2;
	}
	struct target *t = cli_target(o);
	if (!t) {
		free(sel);
		session_free(s);
		doc_free(d);
		return 2;
	}
	cli_run_checks(s, o, t, sel, n);

	size_t count[STATUS__COUNT] = { 0 };
	for (size_t i = 0; i < n; i++)
		count[s->results[sel[i]].status]++;
	if (o->json) {
		char *json = report_check_json(s, t, sel, n);
		puts(json);
		free(json);
	} else {
		char *head = xasprintf("%s: %s\n%s: %s (%s)\n\n", T("Target", "目标"), t->name,
		                       T("Article", "文章"), d->name, *d->date ? d->date : "?");
		util_fputs(head, stdout);
		free(head);
		struct render_opts ro = { .width = cli_width(), .utf8 = !o->ascii && isatty(STDOUT_FILENO),
					  .wrap_code = false,
					  .more_hint = T("-v shows all evidence", "-v 显示全部证据") };
		for (size_t i = 0; i < n; i++) {
			struct rpage pg = { 0 };
			char *title = session_check_title(s, sel[i]);
			render_result(&pg, &s->results[sel[i]], title, &ro, o->verbose);
			free(title);
			rpage_write(stdout, &pg);
			rpage_free(&pg);
		}
		printf("\n%zu %s: %zu fail, %zu error, %zu warn, %zu pass, %zu n/a\n", n,
		       T("checks", "项检查"), count[STATUS_FAIL], count[STATUS_ERROR], count[STATUS_WARN],
		       count[STATUS_PASS], count[STATUS_NA]);
	}
	free(sel);
	target_free(t);
	session_free(s);
	doc_free(d);
	return count[STATUS_FAIL] || count[STATUS_ERROR] ? 1 : 0;
}
