/* render_results.c: lays out check results and their evidence for the
 * detail pane, `check` and reports. */
#include <stdlib.h>
#include <string.h>

#include "engine/check.h"
#include "engine/render.h"
#include "engine/session.h"

static unsigned status_style(enum status s)
{
	switch (s) {
	case STATUS_FAIL:
	case STATUS_ERROR:
		return STY_FAIL;
	case STATUS_WARN:
		return STY_WARN;
	case STATUS_PASS:
		return STY_PASS;
	default:
		return STY_DIM;
	}
}

/* Up to max lines of text, each with prefix; "..." when more were left. */
static void text_lines(struct rpage *pg, const char *text, const char *prefix, unsigned style,
		       const struct render_opts *o, size_t max)
{
	size_t shown = 0;
	const char *p = text;
	while (*p) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		if (shown == max) {
			render_text(pg, "...", STY_DIM, prefix, prefix, o);
			return;
		}
		char *line = xstrndup(p, len);
		render_text(pg, line, style, prefix, prefix, o);
		free(line);
		shown++;
		p = nl ? nl + 1 : p + len;
	}
}

void render_result(struct rpage *pg, const struct check_result *r, const char *title,
		   const struct render_opts *o, bool full)
{
	char *head = xasprintf("%s %s: %s", status_symbol(r->status, o->utf8), title,
			       r->status == STATUS_NONE && !r->finding ? T("not run yet (r runs it)", "尚未运行（按 r 运行）")
								     : status_name(r->status));
	render_text(pg, head, status_style(r->status) | STY_BOLD, "", "  ", o);
	free(head);
	if (r->finding)
		render_text(pg, r->finding, 0, "  ", "  ", o);
	size_t limit = full ? r->nev : (r->nev < 3 ? r->nev : 3);
	for (size_t i = 0; i < limit; i++) {
		const struct evidence *e = &r->ev[i];
		switch (e->kind) {
		case EV_FILE: {
			char *t = e->line > 0 ? xasprintf("%s:%d: %s", e->path, e->line, e->text)
					      : xasprintf("%s: %s", e->path, e->text);
			render_text(pg, t, STY_DIM, "    ", "      ", o);
			free(t);
			break;
		}
		case EV_COMMAND: {
			char *t = xasprintf("$ %s  (%s %d)", e->command, T("exit", "退出码"), e->exit_status);
			render_text(pg, t, STY_CODE, "    ", "      ", o);
			free(t);
			text_lines(pg, e->text, "      ", STY_DIM, o, full ? (size_t)-1 : 3);
			break;
		}
		case EV_NOTE:
			render_text(pg, e->text, STY_DIM, "    ", "      ", o);
			break;
		}
	}
	if (!full && r->nev > limit) {
		const char *hint = o->more_hint ? o->more_hint : T("e shows all evidence", "按 e 显示全部证据");
		char *t = xasprintf(T("(%zu more; %s)", "（还有 %zu 项；%s）"), r->nev - limit, hint);
		render_text(pg, t, STY_DIM, "    ", "    ", o);
		free(t);
	}
}

void render_results(struct rpage *pg, const struct session *s, const struct node *n,
		    const struct render_opts *o, bool full)
{
	if (!s)
		return;
	size_t *idx;
	size_t count = session_checks_for(s, n, false, &idx);
	if (count) {
		if (pg->nlines && pg->lines[pg->nlines - 1].nsegs)
			render_blank(pg);
		char *head = xasprintf(T("Live checks (%zu)", "实时检查（%zu 项）"), count);
		render_line(pg, head, STY_BOLD | STY_TITLE, o);
		free(head);
		if (session_node_changed(s, n))
			render_text(pg,
				    T("This section's text differs from the one the checks were written for; read it before trusting them.",
				      "本节的文本与编写检查时的版本不同；请先阅读再依赖检查结果。"),
				    STY_WARN, "", "", o);
		for (size_t i = 0; i < count; i++) {
			char *title = session_check_title(s, idx[i]);
			render_result(pg, &s->results[idx[i]], title, o, full);
			free(title);
		}
	}
	free(idx);
}
