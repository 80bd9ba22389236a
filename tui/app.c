/* app.c: the wizard's main loop. Keys become actions, screens handle them
 * and return flags; only this loop switches screens, redraws and quits.
 * Resizes are handled here, in one place. */
#include <errno.h>
#include <locale.h>
#include <langinfo.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "engine/codes.h"
#include "engine/change/journal.h"
#include "engine/replay.h"
#include "engine/state.h"
#include "engine/util/text.h"
#include "tui/app.h"
#include "tui/input.h"
#include "tui/termsize.h"

#define MIN_COLS 40
#define MIN_ROWS 12
#define WIDE_COLS 100
/* Bytes of a pasted message kept at the ErrorID prompt. */
#define PASTE_MAX 4000
/* Columns of the status line's left part kept when the hints need room. */
#define STATUS_MIN_LEFT 14
/* Columns of the title kept for the program and machine before a note. */
#define TITLE_MIN_HEAD 24

static volatile sig_atomic_t got_signal;
static bool curses_active;

/* Whatever ends the program (an engine error exits), the terminal is
 * restored first. */
static void restore_terminal(void)
{
	if (curses_active && !isendwin())
		endwin();
	curses_active = false;
}

static void on_signal(int sig)
{
	got_signal = sig;
}

bool app_take_interrupt(void)
{
	if (got_signal != SIGINT)
		return false;
	got_signal = 0;
	return true;
}

const char *app_tr(const char *en, const char *zh)
{
	return msg_lang() == LANG_ZH ? zh : en;
}

const char *app_tr_n(size_t n, const char *one, const char *many, const char *zh)
{
	return app_tr(n == 1 ? one : many, zh);
}

void app_message(struct app *a, bool error, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	free(a->message);
	a->message = xvasprintf(fmt, ap);
	va_end(ap);
	a->message_is_error = error;
}

int app_scroll(size_t *top, size_t nlines, int rows, enum action act)
{
	size_t page = rows > 1 ? (size_t)rows - 1 : 1;
	size_t max = nlines > (size_t)rows ? nlines - (size_t)rows : 0;
	switch (act) {
	case ACT_DOWN:
		*top = *top < max ? *top + 1 : max;
		return H_HANDLED;
	case ACT_UP:
		*top = *top > 0 ? *top - 1 : 0;
		return H_HANDLED;
	case ACT_PGDN:
		*top = *top + page > max ? max : *top + page;
		return H_HANDLED;
	case ACT_PGUP:
		*top = *top > page ? *top - page : 0;
		return H_HANDLED;
	case ACT_HOME:
		*top = 0;
		return H_HANDLED;
	case ACT_END:
		*top = max;
		return H_HANDLED;
	default:
		return H_NONE;
	}
}

int app_tree_width(const struct app *a)
{
	if (!a->wide)
		return a->cols;
	int w = a->cols * 2 / 5;
	return w < 36 ? 36 : w;
}

void app_push(struct app *a, const struct screen_ops *s)
{
	if (a->depth < (int)ARRAY_LEN(a->stack))
		a->stack[a->depth++] = s;
}

void app_choose(struct app *a, struct node **nodes, size_t n)
{
	free(a->choices);
	a->choices = nodes;
	a->nchoices = n;
	a->csel = 0;
	a->ckind = CHOOSE_NODES;
	app_push(a, &screen_choose);
}

static long long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void app_save_state(struct app *a, bool clean)
{
	if (!a->cfg->state_path || a->read_only || !a->ses)
		return;
	struct target *t = a->ctx.t;
	/* An undo waiting on the confirmation screen. */
	bool undoing = !a->plan && a->undo_entry && a->stack[a->depth - 1] == &screen_confirm;
	struct app_state st = {
		.target_kind = (char *)target_kind_name(t), /* borrowed: st is saved, never freed */
		.target_root = (char *)target_location(t),
		.target_name = t->name,
		.account = (char *)a->ctx.account,
		.anchor = a->doc->nodes[a->sel]->anchor,
		.screen = (char *)a->stack[a->depth - 1]->name,
		.show_evidence = a->show_evidence,
		.fix_id = a->plan ? a->plan->fix_id : undoing ? STATE_FIX_UNDO : NULL,
		.fix_entry = a->plan ? STATE_FIX_PLANNED : undoing ? a->undo_entry : NULL,
		.clean_exit = clean,
	};
	char *cause = NULL;
	/* A state that cannot be saved only costs the resume offer. */
	state_save(a->cfg->state_path, &st, a->ses, NULL, &cause);
	free(cause);
	a->last_save = now_ms();
}

/* Starts the runner on n checks (none: nothing) and resets the counts. */
static void start_runner(struct app *a, const struct check_def **defs, size_t n)
{
	if (!n)
		return;
	a->runner = runner_start(defs, n, &a->ctx, 4, 30000);
	a->run_total = n;
	a->run_done = 0;
	a->run_fail = a->run_warn = 0;
}

void app_run_ids(struct app *a, const struct strvec *ids)
{
	if (!a->ses || a->read_only)
		return;
	if (a->runner) {
		runner_free(a->runner);
		a->runner = NULL;
	}
	/* An array of pointers sized by its element (a pointer).
	 * NOLINTNEXTLINE(bugprone-sizeof-expression) */
	const struct check_def **defs = xcalloc(ids->n ? ids->n : 1, sizeof *defs);
	size_t n = 0;
	for (size_t i = 0; i < ids->n; i++)
		if (session_find(a->ses, ids->v[i]) >= 0)
			defs[n++] = check_find(ids->v[i]);
	start_runner(a, defs, n);
	free(defs);
}

const struct rpage *app_page(struct app *a, const struct node *n, int width)
{
	if (a->page_valid && a->page_node == n && a->page_width == width &&
	    a->page_gen == a->results_gen)
		return &a->page;
	rpage_free(&a->page);
	struct render_opts o = { .width = width, .utf8 = a->utf8, .wrap_code = true, .show_meta = false };
	/* What the checks found comes first, then the article's text. */
	render_node_meta(&a->page, n, &o);
	size_t before = a->page.nlines;
	render_results(&a->page, a->ses, n, &o, a->show_evidence);
	if (a->page.nlines > before)
		render_blank(&a->page);
	render_node(&a->page, a->doc, n, &o);
	if (a->page_node != n)
		a->dtop = 0;
	a->page_node = n;
	a->page_width = width;
	a->page_gen = a->results_gen;
	a->page_valid = true;
	return &a->page;
}

void app_select(struct app *a, size_t i, int rows)
{
	if (a->doc->nnodes == 0)
		return;
	if (i >= a->doc->nnodes)
		i = a->doc->nnodes - 1;
	a->sel = i;
	if (rows < 1)
		rows = 1;
	if (a->sel < a->top)
		a->top = a->sel;
	if (a->sel >= a->top + (size_t)rows)
		a->top = a->sel - (size_t)rows + 1;
}

void app_run_checks(struct app *a, const struct node *n)
{
	if (a->read_only) {
		app_message(a, true, "%s", app_tr("a replayed report is read-only: its results are as recorded",
						   "回放的报告是只读的：结果为当时记录的结果"));
		return;
	}
	if (!a->ses) {
		app_message(a, true, "%s", app_tr("no checks are available", "没有可用的检查"));
		return;
	}
	if (a->runner) {
		app_message(a, false, "%s", app_tr("checks are already running (Esc cancels)",
						    "检查正在运行（Esc 取消）"));
		return;
	}
	size_t *idx = NULL;
	size_t count;
	if (n) {
		count = session_checks_for(a->ses, n, true, &idx);
	} else {
		count = a->ses->nbindings;
		idx = xcalloc(count ? count : 1, sizeof *idx);
		for (size_t i = 0; i < count; i++)
			idx[i] = i;
	}
	if (count == 0) {
		app_message(a, false, "%s", app_tr("no live check belongs to this section",
						    "本节没有实时检查"));
		free(idx);
		return;
	}
	/* An array of pointers sized by its element (a pointer).
	 * NOLINTNEXTLINE(bugprone-sizeof-expression) */
	const struct check_def **defs = xcalloc(count, sizeof *defs);
	for (size_t i = 0; i < count; i++)
		defs[i] = a->ses->bindings[idx[i]].check;
	start_runner(a, defs, count);
	free(defs);
	free(idx);
}

/* Moves finished results into the session. */
static bool collect_results(struct app *a)
{
	if (!a->runner)
		return false;
	struct check_result got[16];
	size_t n;
	bool any = false;
	while ((n = runner_poll(a->runner, got, ARRAY_LEN(got))) > 0) {
		for (size_t i = 0; i < n; i++) {
			if (got[i].status == STATUS_NONE) {
				result_free(&got[i]); /* cancelled before it ran */
			} else {
				a->run_fail += got[i].status == STATUS_FAIL || got[i].status == STATUS_ERROR;
				a->run_warn += got[i].status == STATUS_WARN;
				session_store(a->ses, &got[i]);
			}
			a->run_done++;
		}
		any = true;
	}
	if (runner_pending(a->runner) == 0) {
		runner_free(a->runner);
		a->runner = NULL;
		app_message(a, a->run_fail > 0, app_tr("%zu %s done: %zu failed, %zu %s", "%zu %s完成：%zu 项失败，%zu %s"),
			    a->run_done, app_tr_n(a->run_done, "check", "checks", "项检查"), a->run_fail,
			    a->run_warn, app_tr_n(a->run_warn, "warning", "warnings", "项警告"));
		any = true;
		app_save_state(a, false);
	}
	if (any)
		a->results_gen++;
	return any;
}

static void cancel_checks(struct app *a)
{
	if (!a->runner)
		return;
	runner_cancel(a->runner);
	app_message(a, false, "%s", app_tr("cancelling checks...", "正在取消检查..."));
}

/* The hints ("Enter open  / search  ...  ? help  q quit") in at most cols
 * columns: whole hints are dropped from the middle, the last two (help
 * and leaving) always stay. Caller frees. */
static char *fit_hints(const char *hints, int cols)
{
	struct strvec parts = { 0 };
	for (const char *p = hints; *p;) {
		const char *e = strstr(p, "  ");
		size_t n = e ? (size_t)(e - p) : strlen(p);
		sv_take(&parts, xstrndup(p, n));
		p += n;
		while (*p == ' ')
			p++;
	}
	struct sbuf out = { 0 };
	for (size_t drop = 0;; drop++) {
		sb_reset(&out);
		size_t keep_front = parts.n > 2 + drop ? parts.n - 2 - drop : 0;
		for (size_t i = 0; i < parts.n; i++) {
			if (i >= keep_front && i + 2 < parts.n)
				continue;
			sb_printf(&out, "%s%s", out.len ? "  " : "", parts.v[i]);
		}
		if ((int)text_width(sb_str(&out)) <= cols || keep_front == 0)
			break;
	}
	sv_free(&parts);
	return sb_steal(&out);
}

/* The status line: a message, the prompt, or where the user is plus key
 * hints (hints are dropped first when space runs out). */
static void draw_status(struct app *a)
{
	int y = a->rows - 1;
	move(y, 0);
	clrtoeol();
	if (a->prompt != PROMPT_NONE) {
		const char *label = a->prompt == PROMPT_SEARCH ? "/"
				    : a->prompt == PROMPT_SAVE ? app_tr("Save report to: ", "报告保存到：")
				    : a->prompt == PROMPT_LOG  ? app_tr("Log file (Enter: the known places): ",
									"日志文件（Enter：已知位置）：")
				    : a->prompt == PROMPT_PROBE
					    ? app_tr("Push install to [user@]host[:port]: ",
						     "推送安装到 [user@]host[:port]：")
				    : a->prompt == PROMPT_QUIT
					    ? app_tr("Quit? The demo sandbox and its journal are removed. [y/N] ",
						     "退出吗？演示沙盒及其日志将被删除。[y/N] ")
					    : app_tr("ErrorID or anchor: ", "ErrorID 或锚点：");
		int x = draw_text(a, y, 0, label, a->cols - 1, A_BOLD);
		int w = (int)text_width(sb_str(&a->input));
		const char *shown = sb_str(&a->input);
		/* Keep the end of a long input visible. */
		while (w > a->cols - x - 2 && *shown) {
			uint32_t cp;
			size_t k = utf8_decode(shown, strlen(shown), &cp);
			w -= text_cp_width(cp);
			shown += k;
		}
		x += draw_text(a, y, x, shown, a->cols - x - 1, A_NORMAL);
		move(y, x);
		return;
	}
	const struct screen_ops *s = a->stack[a->depth - 1];
	int room = a->cols - 1;
	if (a->message) {
		/* A message is never cut for the keys: they get the room it
		 * leaves (help and leaving at least), else wait a key. */
		int mw = (int)text_width(a->message);
		char *hints = fit_hints(app_tr(s->hints_en, s->hints_zh), room - mw - 2);
		int hw = (int)text_width(hints);
		int keep = mw;
		if (mw + 2 + hw > room) {
			keep = room;
			hw = 0;
		}
		draw_text(a, y, 0, a->message, keep, a->message_is_error ? A_BOLD : A_NORMAL);
		if (hw)
			draw_text(a, y, room - hw, hints, hw, A_BOLD);
		free(hints);
		return;
	}
	struct sbuf left = { 0 };
	if (a->runner) {
		static const char spin_ascii[] = "|/-\\";
		sb_printf(&left, "%c %s %zu/%zu  ", a->slow ? '~' : spin_ascii[a->spin % 4],
			  app_tr("checking", "检查中"), a->run_done, a->run_total);
	}
	if (s->status)
		s->status(a, &left);
	int lw = (int)text_width(sb_str(&left));
	char *hints = fit_hints(app_tr(s->hints_en, s->hints_zh), room - (lw < STATUS_MIN_LEFT ? lw : STATUS_MIN_LEFT) - 2);
	int hw = (int)text_width(hints);
	/* The hints always show: where the user is gets what is left. */
	if (lw + 2 + hw <= room) {
		draw_text(a, y, 0, sb_str(&left), lw, A_NORMAL);
		draw_text(a, y, room - hw, hints, hw, A_BOLD);
	} else {
		int keep = room - hw - 2;
		if (keep < STATUS_MIN_LEFT)
			keep = lw < STATUS_MIN_LEFT ? lw : STATUS_MIN_LEFT;
		int x = lw > 0 ? draw_text(a, y, 0, sb_str(&left), keep, A_NORMAL) + 2 : 0;
		draw_text(a, y, x, hints, room - x, A_BOLD);
	}
	free(hints);
	sb_free(&left);
}

/* The title line: the program, the machine, and why the wizard speaks
 * English when that was not asked for; the machine's name is cut first. */
static void draw_title(struct app *a)
{
	move(0, 0);
	clrtoeol();
	struct sbuf t = { 0 };
	const struct replay_info *r = a->cfg->replay;
	/* A replay names the account its report's checks judged, before
	 * the target's name, which may be long enough to be cut. */
	char *acct = r && r->account ? xasprintf(app_tr(", account %s", "，账户 %s"), r->account)
				     : xstrdup("");
	if (r && r->have_facts)
		sb_printf(&t, "asr-doctor  %s %s%s (%s, %s)", app_tr("replay of", "回放"),
			  r->facts.hostname, acct, r->target_name ? r->target_name : "?",
			  r->generated ? r->generated : "?");
	else if (r)
		sb_printf(&t, "asr-doctor  %s %s%s (%s)", app_tr("replay of", "回放"),
			  r->target_name ? r->target_name : "?", acct, r->generated ? r->generated : "?");
	else
		sb_printf(&t, "asr-doctor  %s",
			  a->label ? a->label : a->cfg->target_label ? a->cfg->target_label : "");
	free(acct);
	char *note = a->cfg->lang_note ? xasprintf("  (%s)", a->cfg->lang_note) : xstrdup("");
	int nw = (int)text_width(note);
	int room = a->cols - nw;
	if (room < TITLE_MIN_HEAD)
		room = a->cols;
	int x = draw_text(a, 0, 0, sb_str(&t), room, A_BOLD);
	draw_text(a, 0, x, note, a->cols - x, A_BOLD);
	free(note);
	sb_free(&t);
}

static void draw_all(struct app *a)
{
	erase();
	if (a->too_small) {
		char *m = xasprintf(app_tr("Terminal too small (%dx%d): asr-doctor needs %dx%d. Enlarge it, or q to quit.",
					   "终端太小（%dx%d）：asr-doctor 需要 %dx%d。请放大终端，或按 q 退出。"),
				    a->cols, a->rows, MIN_COLS, MIN_ROWS);
		struct rpage pg = { 0 };
		struct render_opts o = { .width = a->cols > 2 ? a->cols - 1 : 1, .utf8 = a->utf8 };
		render_text(&pg, m, STY_BOLD, "", "", &o);
		draw_page(a, &pg, 0, 0, 0, a->rows, a->cols);
		rpage_free(&pg);
		free(m);
		return;
	}
	draw_title(a);
	a->stack[a->depth - 1]->draw(a);
	draw_status(a);
	if (a->prompt == PROMPT_NONE)
		leaveok(stdscr, TRUE);
	else
		leaveok(stdscr, FALSE);
}

static void layout(struct app *a)
{
	getmaxyx(stdscr, a->rows, a->cols);
	a->too_small = a->cols < MIN_COLS || a->rows < MIN_ROWS;
	bool wide = a->cols >= WIDE_COLS;
	if (wide != a->wide) {
		a->wide = wide;
		a->focus = 0;
		/* The detail screen is part of the tree screen when wide (and
		 * keeps its place); a pane that was not being read starts at
		 * the section's top. */
		if (wide && a->depth > 1 && a->stack[a->depth - 1] == &screen_detail)
			a->depth--;
		else
			a->dtop = 0;
	}
	/* A taller screen shows more of the tree: no empty rows below its
	 * end while rows above the top are hidden. */
	size_t rows = a->rows > 2 ? (size_t)a->rows - 2 : 1;
	if (a->top + rows > a->doc->nnodes)
		a->top = a->doc->nnodes > rows ? a->doc->nnodes - rows : 0;
	app_select(a, a->sel, a->rows - 2);
	a->page_valid = false;
	fix_relayout(a);
}

void app_relayout(struct app *a)
{
	layout(a);
}

void app_redraw(struct app *a)
{
	draw_all(a);
	wnoutrefresh(stdscr);
	doupdate();
}

void app_draw_modal(struct app *a, const struct rpage *pg, const char *status)
{
	erase();
	draw_title(a);
	draw_page(a, pg, 0, 1, 0, a->rows - 2, a->cols - 1);
	draw_text(a, a->rows - 1, 0, status, a->cols - 1, A_BOLD);
	wnoutrefresh(stdscr);
	doupdate();
}

/* Quitting: at once, or after a question when something would be lost
 * (the demo sandbox and its journal are removed when the wizard ends). */
static int quit_asked(struct app *a)
{
	if (!a->cfg->demo)
		return H_QUIT;
	a->prompt = PROMPT_QUIT;
	sb_reset(&a->input);
	return H_HANDLED;
}

/* Before a search or jump moves the selection: back to the tree (or the
 * detail over it), so that the move is seen. */
static void back_to_tree(struct app *a)
{
	while (a->depth > 1 && a->stack[a->depth - 1] != &screen_tree &&
	       a->stack[a->depth - 1] != &screen_detail)
		a->depth--;
}

/* Reads the search or jump input; returns true when the prompt ended. */
static void prompt_key(struct app *a, int rc, wint_t ch)
{
	if (a->prompt == PROMPT_QUIT) {
		/* One key answers; only y quits. */
		a->prompt = PROMPT_NONE;
		a->quit = rc == OK && (ch == 'y' || ch == 'Y');
		return;
	}
	if (rc == KEY_CODE_YES) {
		if (ch == KEY_BACKSPACE)
			goto erase;
		if (ch == KEY_ENTER)
			goto enter;
		return;
	}
	if (ch == 27) {
		a->prompt = PROMPT_NONE;
		sb_reset(&a->input);
		return;
	}
	if (ch == '\n' || ch == '\r') {
		/* A line end with more input already waiting is part of a
		 * paste (a portal message is several lines): one space, and
		 * the ErrorID in a later line is found. A typed Enter comes
		 * alone. */
		if (a->prompt != PROMPT_JUMP || !input_pending())
			goto enter;
		if (a->input.len > 0 && a->input.s[a->input.len - 1] != ' ' && a->input.len < PASTE_MAX)
			sb_add(&a->input, " ");
		return;
	}
	if (ch == 127 || ch == 8)
		goto erase;
	if (ch == 21) { /* Ctrl-U clears the line */
		sb_reset(&a->input);
		return;
	}
	if (ch == '\t' && a->prompt == PROMPT_JUMP)
		ch = ' ';
	if (ch < 32 || a->input.len > (a->prompt == PROMPT_JUMP ? PASTE_MAX : 200))
		return;
	{
		char mb[MB_LEN_MAX + 1];
		mbstate_t st = { 0 };
		size_t k = wcrtomb(mb, (wchar_t)ch, &st);
		if (k != (size_t)-1)
			sb_addn(&a->input, mb, k);
	}
	return;
erase:
	if (a->input.len > 0) {
		size_t i = a->input.len - 1;
		while (i > 0 && ((unsigned char)a->input.s[i] & 0xC0) == 0x80)
			i--;
		a->input.len = i;
		a->input.s[i] = '\0';
	}
	return;
enter : {
	enum prompt_kind kind = a->prompt;
	char *text = xstrdup(str_trim(a->input.s ? a->input.s : (char[]){ 0 }));
	a->prompt = PROMPT_NONE;
	sb_reset(&a->input);
	if (kind == PROMPT_LOG) {
		log_view_open(a, text);
		free(text);
		return;
	}
	if (!*text) {
		free(text);
		return;
	}
	if (kind == PROMPT_PROBE) {
		probe_start(a, text);
		free(text);
		return;
	}
	if (kind == PROMPT_SAVE) {
		fix_save_report(a, text);
		free(text);
		return;
	}
	if (kind == PROMPT_SEARCH) {
		free(a->query);
		a->query = text;
		struct node *n = node_matches(a->doc->nodes[a->sel], a->query)
					 ? a->doc->nodes[a->sel]
					 : doc_search(a->doc, a->query, a->sel, 1);
		if (!n) {
			app_message(a, true, app_tr("no match for \"%s\"", "没有与“%s”匹配的内容"), a->query);
			return;
		}
		back_to_tree(a);
		app_select(a, n->index, a->rows - 2);
		size_t count = 0;
		for (size_t i = 0; i < a->doc->nnodes; i++)
			count += node_matches(a->doc->nodes[i], a->query);
		app_message(a, false, app_tr("%zu %s \"%s\" (n: next, N: previous)",
					     "%zu %s“%s”匹配（n 下一个，N 上一个）"),
			    count, app_tr_n(count, "section matches", "sections match", "个章节与"), a->query);
		return;
	}
	struct node *found[16];
	size_t n = a->codes ? codemap_resolve(a->codes, text, found, ARRAY_LEN(found))
			    : doc_resolve(a->doc, text, found, ARRAY_LEN(found));
	if (n == 0) {
		app_message(a, true, app_tr("no section names ErrorID or anchor \"%s\"",
					    "没有章节包含 ErrorID 或锚点“%s”"), text);
	} else if (n == 1) {
		back_to_tree(a);
		app_select(a, found[0]->index, a->rows - 2);
		if (!a->wide && a->stack[a->depth - 1] == &screen_tree)
			app_push(a, &screen_detail);
	} else {
		back_to_tree(a);
		if (n > ARRAY_LEN(found))
			n = ARRAY_LEN(found);
		/* Arrays of pointers sized by their element (a pointer).
		 * NOLINTBEGIN(bugprone-sizeof-expression) */
		struct node **copy = xcalloc(n, sizeof *copy);
		memcpy(copy, found, n * sizeof *copy);
		/* NOLINTEND(bugprone-sizeof-expression) */
		app_choose(a, copy, n);
		app_message(a, false, app_tr("%zu sections name %s: choose one", "%zu 个章节包含 %s：请选择"), n, text);
	}
	free(text);
}
}

/* Asks the terminal for its size when the line reports none (serial
 * consoles); falls back to 80x24 and says so. */
static void measure(struct app *a, bool asked)
{
	int r, c;
	if (!asked && termsize_reported(STDOUT_FILENO, &r, &c))
		return;
	fflush(stdout);
	if (termsize_query(STDIN_FILENO, STDOUT_FILENO, 1000, false, &r, &c)) {
		a->measured = true;
		resizeterm(r, c);
		app_message(a, false, app_tr("terminal size measured: %dx%d", "已测量终端大小：%dx%d"), c, r);
	} else if (!asked) {
		resizeterm(24, 80);
		app_message(a, true, "%s", app_tr("the terminal reports no size; assuming 80x24 (M measures again)",
						   "终端未报告大小；按 80x24 处理（按 M 重新测量）"));
	} else {
		app_message(a, true, "%s", app_tr("the terminal did not answer the size query",
						   "终端没有回应大小查询"));
	}
	clearok(curscr, TRUE);
	layout(a);
}

/* Keys every screen shares, when the screen did not handle them. */
static int global_key(struct app *a, enum action act)
{
	switch (act) {
	case ACT_CLOSE:
		if (a->depth > 1)
			return H_POP;
		return quit_asked(a);
	case ACT_QUIT:
		return quit_asked(a);
	case ACT_HELP:
		if (a->stack[a->depth - 1] != &screen_help) {
			a->htop = 0;
			app_push(a, &screen_help);
		}
		return H_HANDLED;
	case ACT_SEARCH:
		a->prompt = PROMPT_SEARCH;
		sb_reset(&a->input);
		return H_HANDLED;
	case ACT_JUMP:
		a->prompt = PROMPT_JUMP;
		sb_reset(&a->input);
		return H_HANDLED;
	case ACT_LOG:
		a->prompt = PROMPT_LOG;
		sb_reset(&a->input);
		return H_HANDLED;
	case ACT_NEXT:
	case ACT_PREV: {
		if (!a->query) {
			app_message(a, false, "%s", app_tr("no search yet: / starts one", "尚未搜索：按 / 开始"));
			return H_HANDLED;
		}
		struct node *n = doc_search(a->doc, a->query, a->sel, act == ACT_NEXT ? 1 : -1);
		if (n) {
			back_to_tree(a);
			app_select(a, n->index, a->rows - 2);
		}
		else
			app_message(a, true, app_tr("no match for \"%s\"", "没有与“%s”匹配的内容"), a->query);
		return H_HANDLED;
	}
	case ACT_RUN:
		app_run_checks(a, a->doc->nodes[a->sel]);
		return H_HANDLED;
	case ACT_RUN_ALL:
		app_run_checks(a, NULL);
		return H_HANDLED;
	case ACT_EVIDENCE:
		a->show_evidence = !a->show_evidence;
		a->page_valid = false;
		return H_HANDLED;
	case ACT_CANCEL:
		cancel_checks(a);
		return H_HANDLED;
	case ACT_FIX:
		fix_start(a);
		return H_HANDLED;
	case ACT_HISTORY:
		fix_history_load(a);
		a->hsel = 0;
		a->htop2 = 0;
		app_push(a, &screen_history);
		return H_HANDLED;
	case ACT_PROBE:
		if (a->read_only) {
			app_message(a, true, "%s", app_tr("a replayed report is read-only", "回放的报告是只读的"));
			return H_HANDLED;
		}
		a->prompt = PROMPT_PROBE;
		sb_reset(&a->input);
		if (a->probe_host)
			sb_add(&a->input, a->probe_host);
		return H_HANDLED;
	case ACT_SAVE:
		a->prompt = PROMPT_SAVE;
		sb_reset(&a->input);
		if (a->cfg->report_path)
			sb_add(&a->input, a->cfg->report_path);
		return H_HANDLED;
	case ACT_REDRAW:
		clearok(curscr, TRUE);
		return H_HANDLED;
	case ACT_MEASURE:
		measure(a, true);
		return H_HANDLED;
	case ACT_BACK:
		return a->depth > 1 ? H_POP : H_HANDLED;
	default:
		return H_HANDLED;
	}
}

/* Shows an outside address whole on the terminal's own screen, outside
 * the wizard's: the terminal wraps it softly, so a copy takes it as one
 * line, and it stays in the scrollback after the wizard ends. Enter (or
 * any line) returns to the wizard. */
static void show_outside(struct app *a, const char *url)
{
	def_prog_mode();
	endwin();
	fputs("\r\n", stdout);
	util_fputs(url, stdout);
	fputs("\r\n\r\n", stdout);
	fputs(app_tr("(the address above is whole, to copy; Enter returns to asr-doctor)",
		     "（上面是完整的地址，可复制；按 Enter 返回 asr-doctor）"),
	      stdout);
	fputs("\r\n", stdout);
	fflush(stdout);
	/* The terminal is in its line mode again: a line answers. A signal
	 * ends the wait (the main loop acts on it). */
	for (;;) {
		char c;
		ssize_t n = read(STDIN_FILENO, &c, 1);
		if (n <= 0 || c == '\n' || c == '\r' || got_signal)
			break;
	}
	reset_prog_mode();
	clearok(curscr, TRUE);
	(void)a;
}

static bool locale_is_utf8(void)
{
	const char *cs = nl_langinfo(CODESET);
	return cs && (str_ieq(cs, "UTF-8") || str_ieq(cs, "utf8"));
}

/* Starts curses on the terminal (term is $TERM), with the wizard's
 * modes and signal handlers. Returns the screen, or NULL after saying
 * why on stderr. */
static SCREEN *start_curses(const char *term)
{
	SCREEN *scr = newterm(NULL, stdout, stdin);
	if (!scr) {
		fprintf(stderr, "asr-doctor: unknown terminal type '%s'; try TERM=vt100\n", term);
		return NULL;
	}
	set_term(scr);
	curses_active = true;
	static bool registered;
	if (!registered) {
		atexit(restore_terminal);
		registered = true;
	}
	/* A short but safe Escape delay: a serial line may split sequences. */
	if (!getenv("ESCDELAY"))
		set_escdelay(150);
	cbreak();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	/* Let ncurses scroll with the terminal's own line operations. */
	idlok(stdscr, TRUE);
	curs_set(0);

	struct sigaction sa = { 0 };
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	return scr;
}

/* What the terminal can show: UTF-8, line drawing, colours. */
static void display_init(struct app *a)
{
	a->utf8 = locale_is_utf8() && !a->cfg->ascii;
	const char *acsc = tigetstr("acsc");
	a->acs = !a->cfg->ascii && acsc && acsc != (char *)-1 && *acsc;
	draw_colors_init(a);
}

/* Ends curses, leaving no text of the wizard on a terminal without an
 * alternate screen. */
static void end_curses(SCREEN *scr)
{
	const char *rmcup = tigetstr("rmcup");
	if (!rmcup || rmcup == (char *)-1 || !*rmcup) {
		erase();
		wnoutrefresh(stdscr);
		doupdate();
	}
	endwin();
	curses_active = false;
	delscreen(scr);
}

struct target *tui_login(const struct tui_config *cfg, tui_login_fn login, void *arg, char **why)
{
	*why = NULL;
	const char *term = getenv("TERM");
	SCREEN *scr = start_curses(term ? term : "");
	if (!scr)
		return NULL;
	struct app a = { 0 };
	a.cfg = cfg;
	a.doc = cfg->doc;
	a.lsel = -1;
	display_init(&a);
	layout(&a);
	struct rpage pg = { 0 };
	struct render_opts o = { .width = a.cols - 1, .utf8 = a.utf8, .wrap_code = true };
	char *text = xasprintf(app_tr("Connecting to %s ...", "正在连接 %s ..."),
			       cfg->target_label ? cfg->target_label : "");
	render_text(&pg, text, STY_BOLD, "", "", &o);
	free(text);
	app_draw_modal(&a, &pg, "");
	rpage_free(&pg);
	struct tui_prompts p = { .ask_password = remote_ask_secret_cb,
				 .ask_prompt = remote_ask_prompt_cb,
				 .ask_passphrase = remote_ask_passphrase_cb,
				 .trust_new_key = remote_ask_trust,
				 .ctx = &a };
	struct tui_login_result r = { 0 };
	struct target *t = login(arg, &p, &r);
	if (!t && r.why && !got_signal)
		remote_warning(&a, r.host_key_changed
					   ? app_tr("WARNING: the host key has CHANGED", "警告：主机密钥已更改")
					   : app_tr("Could not log in", "无法登录"),
			       r.why);
	*why = r.why;
	end_curses(scr);
	free(a.message);
	/* login returns a target of its own on the heap; the prompts and
	 * the result are used only during the call (cppcheck cannot see
	 * into the callback). */
	/* cppcheck-suppress returnDanglingLifetime */
	return t;
}

int tui_run(const struct tui_config *cfg)
{
	const char *term = getenv("TERM");
	if (!term || !*term || strcmp(term, "dumb") == 0) {
		fprintf(stderr, "asr-doctor: this terminal (TERM=%s) cannot show the wizard; "
				"use 'asr-doctor check' or 'asr-doctor explain ID' instead\n",
			term && *term ? term : "unset");
		return 2;
	}
	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		fprintf(stderr, "asr-doctor: the wizard needs a terminal; use 'asr-doctor check' "
				"or 'asr-doctor explain ID' in scripts\n");
		return 2;
	}
	SCREEN *scr = start_curses(term);
	if (!scr)
		return 2;

	struct app a = { 0 };
	a.cfg = cfg;
	a.ctx = cfg->ctx;
	a.doc = cfg->doc;
	a.ses = cfg->session;
	char *codes_cause = NULL;
	a.lsel = -1;
	a.codes = codemap_new(cfg->doc, NULL, &codes_cause);
	free(codes_cause);
	display_init(&a);
	/* ptys report 38400; a real serial line reports its speed. */
	a.slow = cfg->slow || baudrate() < 38400;
	a.stack[a.depth++] = cfg->hosts ? &screen_hosts : &screen_tree;
	if (cfg->hosts && cfg->picked) {
		a.fsel = *cfg->picked > 0 ? (size_t)*cfg->picked : 0;
		*cfg->picked = -1;
	}
	layout(&a);
	measure(&a, false);
	if (cfg->term_note && !a.message)
		app_message(&a, false, "%s", cfg->term_note);
	if (cfg->start_note && !a.message)
		app_message(&a, false, "%s", cfg->start_note);
	if (cfg->replay && cfg->replay->have_facts && !a.message) {
		const struct facts *f = &cfg->replay->facts;
		app_message(&a, false, app_tr("recorded on %s: %s, kernel %s (read-only)",
					      "记录于 %s：%s，内核 %s（只读）"),
			    f->hostname, f->os, f->kernel);
	}
	a.read_only = cfg->replay != NULL || cfg->hosts != NULL;
	if (cfg->offer && a.ses && !a.read_only)
		app_push(&a, &screen_resume); /* checks start after the answer */
	else if (cfg->auto_check && a.ses && !a.read_only)
		app_run_checks(&a, NULL);
	fix_offer_confirm(&a);

	bool quit = false;
	bool dirty = true;
	while (!quit && !got_signal) {
		/* Keys typed ahead are handled before anything is drawn, so a
		 * slow line never waits for screens the user already left. */
		if (dirty && !input_pending()) {
			draw_all(&a);
			wnoutrefresh(stdscr);
			doupdate();
			dirty = false;
		}
		/* Poll while checks run (the tree fills in as results arrive);
		 * otherwise wait for a key. */
		wint_t ch = 0;
		int rc = input_get(a.runner ? 200 : -1, &ch);
		if (got_signal)
			break;
		if (rc == ERR) {
			if (a.runner) {
				bool changed = collect_results(&a);
				/* The spinner moves only on fast lines. */
				if (!a.slow) {
					a.spin++;
					changed = true;
				}
				dirty = dirty || changed;
			}
			continue;
		}
		dirty = true;
		if (a.runner)
			collect_results(&a);
		if (rc == KEY_CODE_YES && ch == KEY_RESIZE) {
			layout(&a);
			continue;
		}
		free(a.message);
		a.message = NULL;
		if (a.too_small) {
			if (ch == 'q' || ch == 3)
				break;
			continue;
		}
		if (a.prompt != PROMPT_NONE) {
			prompt_key(&a, rc, ch);
			if (a.quit)
				break;
			continue;
		}
		a.last_is_key = rc == KEY_CODE_YES;
		a.last_key = rc == KEY_CODE_YES ? (int)ch : 0;
		if (now_ms() - a.last_save > 5000)
			app_save_state(&a, false);
		enum action act = key_action(rc, ch);
		/* Screens see plain characters too (digits pick in the chooser). */
		if (act == ACT_NONE && rc != OK)
			continue;
		const struct screen_ops *s = a.stack[a.depth - 1];
		int flags = s->key ? s->key(&a, act, rc == OK ? ch : 0) : H_NONE;
		if (flags == H_NONE)
			flags = global_key(&a, act);
		if (flags & H_POP && a.depth > 1)
			a.depth--;
		if (flags & H_QUIT)
			quit = true;
		if (a.outside) {
			show_outside(&a, a.outside);
			free(a.outside);
			a.outside = NULL;
		}
	}
	if (a.runner)
		runner_cancel(a.runner);
	/* A clean quit says so; a hang-up or kill leaves the resume offer. */
	app_save_state(&a, !got_signal || got_signal == SIGINT);
	/* A terminal without an alternate screen (vt100) keeps what was
	 * drawn: it is cleared, so no text of the wizard is left behind. */
	end_curses(scr);
	if (got_signal == SIGINT)
		fprintf(stderr, "asr-doctor: interrupted\n");
	runner_free(a.runner);
	rpage_free(&a.page);
	free(a.query);
	free(a.outside);
	free(a.label);
	free(a.message);
	free(a.choices);
	sb_free(&a.input);
	fix_clear(&a);
	sb_free(&a.typed);
	free(a.page_title);
	free(a.page_entry);
	free(a.itext);
	rpage_free(&a.info);
	sv_free(&a.watch);
	journal_close(a.journal);
	log_view_free(&a);
	probe_view_free(&a);
	codemap_free(a.codes);
	/* Stopped by a signal: the shell's convention, 128 + its number. */
	return got_signal ? 128 + got_signal : 0;
}
