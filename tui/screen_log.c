/* screen_log.c: the installer logs screen (L): the codes of a log named at
 * the prompt, or of the logs in the known places of the examined machine,
 * one row per code; the lines around the selected one below; Enter opens
 * its section. The engine reads and decodes the logs; this file draws. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "engine/logscan.h"
#include "tui/app.h"
#include "tui/curses.h"
#include "tui/input.h"

/* Lines shown before and after the selected code's line. */
#define CONTEXT_RADIUS 2

struct logview {
	struct target *t;        /* borrowed: where the logs are read; NULL: local files */
	struct log_scan *scans;  /* owned */
	size_t nscans;
	struct lv_row {
		size_t scan, hit;
	} *rows;                 /* owned: every hit of every log, in order */
	size_t nrows;
	size_t sel, top;
	/* The context of row ctx_row, read when the selection moves. */
	bool ctx_valid;
	size_t ctx_row;
	struct strvec ctx;
	unsigned long long ctx_first;
	char *ctx_error;         /* owned */
};

void log_view_free(struct app *a)
{
	struct logview *v = a->logv;
	if (!v)
		return;
	for (size_t i = 0; i < v->nscans; i++)
		log_scan_free(&v->scans[i]);
	free(v->scans);
	free(v->rows);
	sv_free(&v->ctx);
	free(v->ctx_error);
	free(v);
	a->logv = NULL;
}

static const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');
	return slash && slash[1] ? slash + 1 : path;
}

/* A scan in the foreground: where it is, for the status line, and
 * whether the user gave up on it. */
struct scan_progress {
	struct app *a;
	const char *path; /* borrowed: the log being read */
	size_t i, n;      /* which log of how many */
	long long last_ms;
	bool cancelled;
};

static long long mono_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Draws the progress line: the log, how far, and how to stop. */
static void draw_progress(struct scan_progress *p, unsigned long long done, unsigned long long size)
{
	struct app *a = p->a;
	struct sbuf b = { 0 };
	if (p->n > 1)
		sb_printf(&b, app_tr("Reading %zu of %zu, ", "正在读取第 %zu 个（共 %zu 个），"), p->i + 1, p->n);
	else
		sb_add(&b, app_tr("Reading ", "正在读取 "));
	util_escape(&b, base_name(p->path), false);
	unsigned long long mb = done >> 20;
	if (size)
		sb_printf(&b, app_tr(": %llu%% (%llu of %llu MB)", "：%llu%%（%llu / %llu MB）"),
			  done * 100 / size, mb, size >> 20);
	else
		sb_printf(&b, app_tr(": %llu MB", "：%llu MB"), mb);
	sb_add(&b, app_tr("  Esc cancels", "  Esc 取消"));
	move(a->rows - 1, 0);
	clrtoeol();
	draw_text(a, a->rows - 1, 0, sb_str(&b), a->cols - 1, A_BOLD);
	sb_free(&b);
	refresh();
}

/* After each chunk: Esc or Ctrl-C stops the scan; the line is redrawn
 * ten times a second. Other keys typed meanwhile are dropped. */
static bool on_progress(void *arg, unsigned long long done, unsigned long long size)
{
	struct scan_progress *p = arg;
	long long now = mono_ms();
	if (now - p->last_ms < 100)
		return true;
	p->last_ms = now;
	if (app_take_interrupt())
		p->cancelled = true;
	while (!p->cancelled && input_pending()) {
		wint_t ch;
		int rc = input_get(0, &ch);
		if (rc == OK && (ch == 27 || ch == 3))
			p->cancelled = true;
	}
	if (p->cancelled)
		return false;
	draw_progress(p, done, size);
	return true;
}

void log_view_open(struct app *a, const char *path)
{
	if (!a->codes) {
		app_message(a, true, "%s", app_tr("the code table is not available", "代码表不可用"));
		return;
	}
	struct target *t = *path ? NULL : a->ctx.t;
	struct strvec paths = { 0 };
	if (*path) {
		sv_push(&paths, path);
	} else if (!t || log_known_paths(t, &paths) == 0) {
		app_message(a, true, "%s",
			    app_tr("no installer log in the known places; type a file name after L",
				   "已知位置中没有安装日志；按 L 后输入文件名"));
		sv_free(&paths);
		return;
	}
	/* A large log takes a moment: say so on the status line first. */
	move(a->rows - 1, 0);
	clrtoeol();
	char *note = xasprintf(app_tr("reading %zu log(s)...", "正在读取 %zu 个日志..."), paths.n);
	draw_text(a, a->rows - 1, 0, note, a->cols - 1, A_BOLD);
	free(note);
	refresh();
	/* The new view replaces the old one only when the scan ends: a
	 * cancelled scan leaves the screens as they were. */
	struct logview *v = xcalloc(1, sizeof *v);
	v->t = t;
	v->nscans = paths.n;
	v->scans = xcalloc(paths.n, sizeof *v->scans);
	struct scan_progress prog = { .a = a, .n = paths.n, .last_ms = mono_ms() };
	size_t cap = 0, failed = 0;
	for (size_t i = 0; i < paths.n && !prog.cancelled; i++) {
		prog.i = i;
		prog.path = paths.v[i];
		if (log_scan_progress(a->codes, t, paths.v[i], &v->scans[i], on_progress, &prog) < 0 &&
		    !prog.cancelled) {
			struct sbuf b = { 0 };
			util_escape(&b, v->scans[i].error, false);
			app_message(a, true, "%s", sb_str(&b));
			sb_free(&b);
			failed++;
		}
		for (size_t k = 0; k < v->scans[i].nhits; k++) {
			v->rows = xgrow(v->rows, &cap, v->nrows + 1, sizeof *v->rows);
			v->rows[v->nrows++] = (struct lv_row){ i, k };
		}
	}
	sv_free(&paths);
	struct logview *old = a->logv;
	a->logv = v;
	if (prog.cancelled || failed == v->nscans) {
		log_view_free(a);
		a->logv = old;
		if (prog.cancelled) {
			/* Back to the prompt, the path still typed. */
			a->prompt = PROMPT_LOG;
			sb_reset(&a->input);
			sb_add(&a->input, path);
		}
		return;
	}
	a->logv = old;
	log_view_free(a);
	a->logv = v;
	/* From the log screen (L there reads another log), the new list
	 * takes its place. */
	if (a->stack[a->depth - 1] != &screen_log)
		app_push(a, &screen_log);
}

static const struct log_hit *row_hit(const struct logview *v, size_t row, const struct log_scan **scan)
{
	const struct log_scan *s = &v->scans[v->rows[row].scan];
	if (scan)
		*scan = s;
	return &s->hits[v->rows[row].hit];
}

/* Reads the lines around the selected code (once per selection). */
static void load_context(struct app *a, struct logview *v)
{
	if (v->ctx_valid && v->ctx_row == v->sel)
		return;
	sv_free(&v->ctx);
	free(v->ctx_error);
	v->ctx_error = NULL;
	v->ctx_valid = true;
	v->ctx_row = v->sel;
	const struct log_scan *s;
	const struct log_hit *h = row_hit(v, v->sel, &s);
	if (log_context(v->t, s->path, h->line, CONTEXT_RADIUS, &v->ctx, &v->ctx_first, &v->ctx_error) < 0)
		sv_free(&v->ctx);
	(void)a;
}

static void draw_row(struct app *a, struct logview *v, size_t row, int y)
{
	const struct log_scan *s;
	const struct log_hit *h = row_hit(v, row, &s);
	struct sbuf b = { 0 };
	char *label = codemap_label(a->codes, &h->code);
	/* One log: line numbers only; several: which log too. */
	if (v->nscans > 1) {
		util_escape(&b, base_name(s->path), false);
		sb_printf(&b, ":%llu  ", h->line);
	} else {
		sb_printf(&b, "%6llu  ", h->line);
	}
	util_escape(&b, label, false);
	free(label);
	if (h->count > 1)
		sb_printf(&b, " x%llu", h->count);
	sb_add(&b, a->utf8 ? "  \u2192 " : "  -> ");
	if (h->known) {
		util_escape(&b, h->nodes[0]->title, false);
		if (h->nnodes > 1)
			sb_printf(&b, app_tr(" (+%zu)", "（另 %zu 个）"), h->nnodes - 1);
	} else {
		sb_add(&b, app_tr("unknown: no section names it", "未知：没有章节提到它"));
	}
	bool cur = row == v->sel;
	draw_text(a, y, 0, cur ? ">" : " ", 1, A_NORMAL);
	draw_text(a, y, 2, sb_str(&b), a->cols - 3,
		  cur ? A_REVERSE : h->known ? A_NORMAL : draw_style(a, STY_WARN));
	sb_free(&b);
}

static void log_draw(struct app *a)
{
	struct logview *v = a->logv;
	if (!v)
		return;
	size_t known = 0;
	for (size_t i = 0; i < v->nscans; i++)
		known += log_scan_count(&v->scans[i], true);
	char *title = xasprintf(app_tr("Installer logs: %zu %s the article names, %zu unknown, in %zu %s",
				       "安装日志：文章提到的代码 %zu %s，未知 %zu 个，共 %zu %s"),
				known, app_tr_n(known, "code", "codes", "个"), v->nrows - known, v->nscans,
				app_tr_n(v->nscans, "log", "logs", "个日志"));
	draw_text(a, 1, 0, title, a->cols - 1, A_BOLD);
	free(title);
	if (v->nrows == 0) {
		for (size_t i = 0; i < v->nscans && 3 + (int)i < a->rows - 2; i++) {
			struct sbuf b = { 0 };
			util_escape(&b, v->scans[i].path, false);
			sb_printf(&b, app_tr(": no code (%llu lines)", "：没有代码（%llu 行）"),
				  v->scans[i].info.lines);
			draw_text(a, 3 + (int)i, 2, sb_str(&b), a->cols - 3, A_NORMAL);
			sb_free(&b);
		}
		return;
	}
	/* Rows 2 .. 2+list-1 the codes, then a rule, then the context. */
	int ctx_rows = 2 * CONTEXT_RADIUS + 1;
	int list = a->rows - 2 - 2 - ctx_rows;
	if (list < 2) {
		list = a->rows - 4;
		ctx_rows = 0;
	}
	if (v->sel < v->top)
		v->top = v->sel;
	if (v->sel >= v->top + (size_t)list)
		v->top = v->sel - (size_t)list + 1;
	int r = 0;
	for (; r < list && v->top + (size_t)r < v->nrows; r++)
		draw_row(a, v, v->top + (size_t)r, 2 + r);
	if (ctx_rows == 0)
		return;
	int y = 2 + r + (r < list);
	const struct log_scan *s;
	const struct log_hit *h = row_hit(v, v->sel, &s);
	load_context(a, v);
	struct sbuf b = { 0 };
	sb_add(&b, "-- ");
	util_escape(&b, base_name(s->path), false);
	sb_printf(&b, app_tr(", line %llu --", "，第 %llu 行 --"), h->line);
	draw_text(a, y++, 0, sb_str(&b), a->cols - 1, A_DIM);
	sb_free(&b);
	if (v->ctx_error) {
		struct sbuf e = { 0 };
		util_escape(&e, v->ctx_error, false);
		draw_text(a, y, 2, sb_str(&e), a->cols - 3, A_BOLD);
		sb_free(&e);
		return;
	}
	for (size_t i = 0; i < v->ctx.n && i < (size_t)ctx_rows; i++) {
		unsigned long long n = v->ctx_first + i;
		struct sbuf l = { 0 };
		sb_printf(&l, "%6llu  ", n);
		util_escape(&l, v->ctx.v[i], false);
		draw_text(a, y + (int)i, 0, sb_str(&l), a->cols - 1, n == h->line ? A_BOLD : A_NORMAL);
		sb_free(&l);
	}
}

/* Enter: the section of the selected code (a chooser when several).
 * Returns the handler's flags. */
static int open_row(struct app *a, struct logview *v)
{
	const struct log_hit *h = row_hit(v, v->sel, NULL);
	if (!h->known) {
		char *label = codemap_label(a->codes, &h->code);
		struct sbuf b = { 0 };
		util_escape(&b, label, false);
		app_message(a, true, app_tr("no section names %s", "没有章节提到 %s"), sb_str(&b));
		sb_free(&b);
		free(label);
		return H_HANDLED;
	}
	size_t n = h->nnodes < LOG_NODES_MAX ? h->nnodes : LOG_NODES_MAX;
	if (n == 1) {
		app_select(a, h->nodes[0]->index, a->rows - 2);
		/* Wide: the tree shows the section beside it. */
		if (a->wide)
			return H_POP;
		app_push(a, &screen_detail);
		return H_HANDLED;
	}
	/* Arrays of pointers sized by their element (a pointer).
	 * NOLINTBEGIN(bugprone-sizeof-expression) */
	struct node **copy = xcalloc(n, sizeof *copy);
	memcpy(copy, h->nodes, n * sizeof *copy);
	/* NOLINTEND(bugprone-sizeof-expression) */
	app_choose(a, copy, n);
	return H_HANDLED;
}

static int log_key(struct app *a, enum action act, wint_t ch)
{
	struct logview *v = a->logv;
	(void)ch;
	if (!v)
		return H_POP;
	size_t n = v->nrows;
	switch (act) {
	case ACT_DOWN:
		if (v->sel + 1 < n)
			v->sel++;
		return H_HANDLED;
	case ACT_UP:
		if (v->sel > 0)
			v->sel--;
		return H_HANDLED;
	case ACT_PGDN:
		v->sel = v->sel + 10 < n ? v->sel + 10 : n ? n - 1 : 0;
		return H_HANDLED;
	case ACT_PGUP:
		v->sel = v->sel > 10 ? v->sel - 10 : 0;
		return H_HANDLED;
	case ACT_HOME:
		v->sel = 0;
		return H_HANDLED;
	case ACT_END:
		v->sel = n ? n - 1 : 0;
		return H_HANDLED;
	case ACT_OPEN:
		return n ? open_row(a, v) : H_HANDLED;
	case ACT_BACK:
	case ACT_CANCEL:
		return H_POP;
	default:
		return H_NONE;
	}
}

static void log_status(struct app *a, struct sbuf *out)
{
	struct logview *v = a->logv;
	sb_add(out, app_tr("Logs", "日志"));
	if (v && v->nrows)
		sb_printf(out, " %zu/%zu", v->sel + 1, v->nrows);
}

const struct screen_ops screen_log = {
	.name = "log",
	.draw = log_draw,
	.key = log_key,
	.status = log_status,
	.hints_en = "Enter open  L other log  ? help  q back",
	.hints_zh = "Enter 打开  L 其他日志  ? 帮助  q 返回",
};
