/* screen_page.c: a page of text with a title: what a fix or an undo did
 * (with the re-run checks' results as they arrive), a journal entry, the
 * offer to confirm a guarded change. */
#include <stdlib.h>

#include "engine/change/guard.h"
#include "tui/app.h"

static int rows_of(const struct app *a)
{
	return a->rows - 2;
}

/* The page plus the live results of the watched checks. */
static void page_build(struct app *a, struct rpage *pg)
{
	struct render_opts o = { .width = a->cols - 1, .utf8 = a->utf8, .wrap_code = true };
	render_text(pg, a->page_title ? a->page_title : "", STY_TITLE | STY_BOLD, "", "", &o);
	render_blank(pg);
	for (size_t i = 0; i < a->info.nlines; i++) {
		struct rline *l = &a->info.lines[i];
		/* Copy the line: pg owns its lines. */
		render_blank(pg);
		struct rline *dst = &pg->lines[pg->nlines - 1];
		for (size_t k = 0; k < l->nsegs; k++) {
			dst->segs = xgrow(dst->segs, &dst->cap, dst->nsegs + 1, sizeof *dst->segs);
			dst->segs[dst->nsegs++] = (struct seg){ .style = l->segs[k].style,
								 .text = xstrdup(l->segs[k].text) };
		}
		dst->cols = l->cols;
	}
	for (size_t i = 0; a->ses && i < a->watch.n; i++) {
		int b = session_find(a->ses, a->watch.v[i]);
		if (b >= 0) {
			char *title = session_check_title(a->ses, (size_t)b);
			render_result(pg, &a->ses->results[b], title, &o, false);
			free(title);
		}
	}
}

static void page_draw(struct app *a)
{
	struct rpage pg = { 0 };
	page_build(a, &pg);
	int rows = rows_of(a);
	size_t max = pg.nlines > (size_t)rows ? pg.nlines - (size_t)rows : 0;
	if (a->itop > max)
		a->itop = max;
	draw_page(a, &pg, a->itop, 1, 0, rows, a->cols - 1);
	rpage_free(&pg);
}

static int page_key(struct app *a, enum action act, wint_t ch)
{
	int rows = rows_of(a);
	if (ch == 'c' && a->undo_entry && !a->plan) {
		/* The offer to keep a guarded change. */
		char *msg = NULL;
		int rc = guard_confirm_on(a->cfg->ctx.t, a->cfg->journal_dir, a->undo_entry,
					  a->cfg->ssh_connection, &msg);
		app_message(a, rc < 0, "%s", msg ? msg : "");
		free(msg);
		free(a->undo_entry);
		a->undo_entry = NULL;
		return H_POP;
	}
	if (ch == 'u' && a->page_entry) {
		char *id = xstrdup(a->page_entry);
		fix_undo_preview(a, id);
		free(id);
		return H_HANDLED;
	}
	switch (act) {
	case ACT_DOWN:
		a->itop++;
		return H_HANDLED;
	case ACT_UP:
		if (a->itop > 0)
			a->itop--;
		return H_HANDLED;
	case ACT_PGDN:
		a->itop += (size_t)rows - 1;
		return H_HANDLED;
	case ACT_PGUP:
		a->itop = a->itop > (size_t)rows - 1 ? a->itop - (size_t)rows + 1 : 0;
		return H_HANDLED;
	case ACT_HOME:
		a->itop = 0;
		return H_HANDLED;
	case ACT_BACK:
	case ACT_OPEN:
	case ACT_CANCEL:
		free(a->undo_entry);
		a->undo_entry = NULL;
		return H_POP;
	default:
		return H_NONE;
	}
}

static void page_status(struct app *a, struct sbuf *out)
{
	/* A journal entry's page: u undoes it, as in the list. */
	if (a->page_entry)
		sb_add(out, app_tr("u undo  ", "u 撤销  "));
	sb_add(out, a->page_title ? a->page_title : "");
}

const struct screen_ops screen_page = {
	.name = "page",
	.draw = page_draw,
	.key = page_key,
	.status = page_status,
	.hints_en = "H history  ? help  q back",
	.hints_zh = "H 历史  ? 帮助  q 返回",
};
