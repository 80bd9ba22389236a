/* draw.c: drawing in columns, not bytes: text is cut at character
 * boundaries and a cut is marked; styles become attributes (colour only
 * when the terminal has it and NO_COLOR is unset). */
#include <stdlib.h>
#include <string.h>

#include "engine/util/text.h"
#include "tui/app.h"

enum { PAIR_PASS = 1, PAIR_FAIL, PAIR_WARN, PAIR_CODE, PAIR_DIM };

void draw_colors_init(struct app *a)
{
	const char *no = getenv("NO_COLOR");
	a->color = has_colors() && !(no && *no);
	if (!a->color)
		return;
	start_color();
	short bg = COLOR_BLACK;
	if (use_default_colors() == OK)
		bg = -1;
	init_pair(PAIR_PASS, COLOR_GREEN, bg);
	init_pair(PAIR_FAIL, COLOR_RED, bg);
	init_pair(PAIR_WARN, COLOR_YELLOW, bg);
	init_pair(PAIR_CODE, COLOR_CYAN, bg);
	init_pair(PAIR_DIM, COLOR_BLUE, bg);
}

attr_t draw_style(struct app *a, unsigned style)
{
	attr_t at = A_NORMAL;
	if (style & (STY_BOLD | STY_TITLE))
		at |= A_BOLD;
	if (style & STY_LINK)
		at |= A_UNDERLINE;
	if (style & STY_HIT)
		at |= A_REVERSE;
	if (a->color) {
		if (style & STY_FAIL)
			at |= COLOR_PAIR(PAIR_FAIL) | A_BOLD;
		else if (style & STY_WARN)
			at |= COLOR_PAIR(PAIR_WARN) | A_BOLD;
		else if (style & STY_PASS)
			at |= COLOR_PAIR(PAIR_PASS);
		else if (style & STY_CODE)
			at |= COLOR_PAIR(PAIR_CODE);
		else if (style & (STY_DIM | STY_MARKER | STY_IMAGE))
			at |= COLOR_PAIR(PAIR_DIM);
	} else {
		/* Without colour: failures stand out in bold. */
		if (style & (STY_FAIL | STY_WARN))
			at |= A_BOLD;
	}
	return at;
}

attr_t draw_status_attr(struct app *a, enum status s)
{
	switch (s) {
	case STATUS_FAIL:
	case STATUS_ERROR:
		return draw_style(a, STY_FAIL);
	case STATUS_WARN:
		return draw_style(a, STY_WARN);
	case STATUS_PASS:
		return draw_style(a, STY_PASS);
	default:
		return draw_style(a, STY_DIM);
	}
}

/* Replaces what the locale cannot show: outside UTF-8, any non-ASCII
 * byte becomes '?', so the screen is never garbled. */
static const char *displayable(struct app *a, const char *s, char **tmp)
{
	*tmp = NULL;
	if (a->utf8)
		return s;
	bool ascii = true;
	for (const char *p = s; *p; p++)
		if ((unsigned char)*p >= 0x80)
			ascii = false;
	if (ascii)
		return s;
	struct sbuf b = { 0 };
	size_t n = strlen(s), i = 0;
	while (i < n) {
		uint32_t cp;
		size_t k = utf8_decode(s + i, n - i, &cp);
		sb_addc(&b, cp < 0x80 ? (char)cp : '?');
		i += k;
	}
	*tmp = sb_steal(&b);
	return *tmp;
}

int draw_text(struct app *a, int y, int x, const char *s, int cols, attr_t attr)
{
	if (cols <= 0 || y < 0 || y >= a->rows || x >= a->cols)
		return 0;
	if (x + cols > a->cols)
		cols = a->cols - x;
	char *tmp;
	const char *t = displayable(a, s, &tmp);
	size_t w = text_width(t);
	attrset(attr);
	int drawn;
	if (w <= (size_t)cols) {
		mvaddstr(y, x, t);
		drawn = (int)w;
	} else {
		size_t used;
		size_t bytes = text_fit(t, (size_t)cols - 1, &used);
		mvaddnstr(y, x, t, (int)bytes);
		for (; used < (size_t)cols - 1; used++)
			addch(' ');
		addstr(a->utf8 ? "\xe2\x80\xa6" : "~");
		drawn = cols;
	}
	attrset(A_NORMAL);
	free(tmp);
	return drawn;
}

int draw_node_title(struct app *a, int y, int x, const struct node *n, int cols, attr_t attr)
{
	if (cols <= 0)
		return 0;
	char *t = node_title_fit(n, (size_t)cols, a->utf8 ? "\xe2\x80\xa6" : "~");
	int drawn = draw_text(a, y, x, t, cols, attr);
	free(t);
	return drawn;
}

void draw_rline(struct app *a, int y, int x, const struct rline *l, int cols)
{
	int used = 0;
	for (size_t i = 0; i < l->nsegs && used < cols; i++) {
		const struct seg *s = &l->segs[i];
		int w = (int)text_width(s->text);
		if (used + w > cols) {
			draw_text(a, y, x + used, s->text, cols - used, draw_style(a, s->style));
			return;
		}
		draw_text(a, y, x + used, s->text, w, draw_style(a, s->style));
		used += w;
	}
}

void draw_page(struct app *a, const struct rpage *pg, size_t top, int y, int x, int h, int w)
{
	for (int r = 0; r < h; r++) {
		size_t i = top + (size_t)r;
		if (i >= pg->nlines)
			break;
		draw_rline(a, y + r, x, &pg->lines[i], w);
	}
}

void draw_vline(struct app *a, int y, int x, int h)
{
	/* UTF-8 terminals get the box character itself; others the
	 * terminal's line-drawing set when it has one, else '|'. */
	if (a->utf8) {
		for (int r = 0; r < h; r++)
			mvaddstr(y + r, x, "\xe2\x94\x82");
	} else if (a->acs) {
		mvvline(y, x, ACS_VLINE, h);
	} else {
		mvvline(y, x, '|', h);
	}
}
