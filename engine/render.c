/* render.c: wraps styled text into lines for a given width. */
#include "engine/render.h"

#include <stdlib.h>
#include <string.h>

#include "engine/util/msg.h"
#include "engine/util/text.h"

/* One unbreakable word being collected, possibly in several styles. */
struct word {
	struct seg *pieces;
	size_t n, cap;
	size_t cols;
};

/* Builds wrapped lines: prefix on the first line, cont on the others. */
struct lb {
	struct rpage *pg;
	size_t width;
	const char *prefix;
	const char *cont;
	unsigned prefix_style;
	struct rline *cur; /* line being filled, inside pg */
	size_t prefix_cols;
	bool pending_space;
	bool first_line_done;
	uint32_t prev;     /* last character added, 0 after a space */
	struct word w;
};

static struct rline *page_new_line(struct rpage *pg)
{
	pg->lines = xgrow(pg->lines, &pg->cap, pg->nlines + 1, sizeof *pg->lines);
	struct rline *l = &pg->lines[pg->nlines++];
	memset(l, 0, sizeof *l);
	return l;
}

static void line_add(struct rline *l, const char *text, size_t len, unsigned style)
{
	if (len == 0)
		return;
	if (l->nsegs > 0 && l->segs[l->nsegs - 1].style == style) {
		struct seg *s = &l->segs[l->nsegs - 1];
		size_t old = strlen(s->text);
		s->text = xrealloc(s->text, old + len + 1);
		memcpy(s->text + old, text, len);
		s->text[old + len] = '\0';
	} else {
		l->segs = xgrow(l->segs, &l->cap, l->nsegs + 1, sizeof *l->segs);
		l->segs[l->nsegs++] = (struct seg){ .style = style, .text = xstrndup(text, len) };
	}
	l->cols += text_width_n(text, len);
}

static void lb_newline(struct lb *b)
{
	b->cur = page_new_line(b->pg);
	const char *p = b->first_line_done ? b->cont : b->prefix;
	b->first_line_done = true;
	line_add(b->cur, p, strlen(p), b->prefix_style);
	b->prefix_cols = b->cur->cols;
	b->pending_space = false;
}

/* Whether a prefix is only indentation (no mark that must start every
 * row, as a diff's + and - do). */
static bool blank(const char *s)
{
	return s[strspn(s, " ")] == '\0';
}

/* A new row without the prefix: a token that needs the room starts at
 * the left edge instead of after the indentation. */
static void lb_newline_bare(struct lb *b)
{
	b->cur = page_new_line(b->pg);
	b->first_line_done = true;
	b->prefix_cols = 0;
	b->pending_space = false;
}

/* The text of a row's first segment ("" when it has none). */
static const char *rline_first(const struct rline *l)
{
	return l->nsegs ? l->segs[0].text : "";
}

/* Removes what a row holds (only its prefix): it starts at the left edge. */
static void line_clear(struct rline *l)
{
	for (size_t i = 0; i < l->nsegs; i++)
		free(l->segs[i].text);
	l->nsegs = 0;
	l->cols = 0;
}

static void lb_init(struct lb *b, struct rpage *pg, size_t width, const char *prefix,
		    const char *cont, unsigned prefix_style)
{
	memset(b, 0, sizeof *b);
	b->pg = pg;
	b->width = width;
	b->prefix = prefix;
	b->cont = cont;
	b->prefix_style = prefix_style;
}

static void word_clear(struct word *w)
{
	for (size_t i = 0; i < w->n; i++)
		free(w->pieces[i].text);
	w->n = 0;
	w->cols = 0;
}

static void word_add(struct word *w, const char *s, size_t len, unsigned style)
{
	if (w->n > 0 && w->pieces[w->n - 1].style == style) {
		struct seg *p = &w->pieces[w->n - 1];
		size_t old = strlen(p->text);
		p->text = xrealloc(p->text, old + len + 1);
		memcpy(p->text + old, s, len);
		p->text[old + len] = '\0';
	} else {
		w->pieces = xgrow(w->pieces, &w->cap, w->n + 1, sizeof *w->pieces);
		w->pieces[w->n++] = (struct seg){ .style = style, .text = xstrndup(s, len) };
	}
	w->cols += text_width_n(s, len);
}

/* Punctuation that must not start a line (closing marks) or end one
 * (opening marks), as in Chinese typesetting. */
static bool no_line_start(uint32_t cp)
{
	static const uint32_t set[] = { 0xFF0C, 0x3002, 0x3001, 0xFF1B, 0xFF1A, 0xFF1F, 0xFF01,
					0xFF09, 0x300D, 0x300F, 0x201D, 0x2019, 0x3011, 0x300B,
					',', '.', ';', ':', '?', '!', ')', ']' };
	for (size_t i = 0; i < ARRAY_LEN(set); i++)
		if (set[i] == cp)
			return true;
	return false;
}

static bool no_line_end(uint32_t cp)
{
	static const uint32_t set[] = { 0xFF08, 0x300C, 0x300E, 0x201C, 0x2018, 0x3010, 0x300A };
	for (size_t i = 0; i < ARRAY_LEN(set); i++)
		if (set[i] == cp)
			return true;
	return false;
}

/* Removes the last bytes (one character of cols columns) from a line. */
static void line_pop(struct rline *l, size_t bytes, size_t cols)
{
	struct seg *s = &l->segs[l->nsegs - 1];
	size_t len = strlen(s->text);
	s->text[len - bytes] = '\0';
	if (len == bytes) {
		free(s->text);
		l->nsegs--;
	}
	l->cols -= cols;
}

/* Places the collected word, wrapping before it. A word (an address, a
 * path, a command) is never broken where it fits a row: when it does not
 * fit after an indentation, it starts a row of its own at the left edge.
 * Only a word wider than the whole row is split, at the row's end, with
 * nothing put into it: its next rows start at the left edge, so a copy of
 * the rows is the word with line ends only (a diff's mark, which every row
 * needs, stays in front). */
static void lb_flush(struct lb *b)
{
	struct word *w = &b->w;
	if (w->n == 0)
		return;
	if (!b->cur)
		lb_newline(b);
	bool has_text = b->cur->cols > b->prefix_cols;
	size_t space = (b->pending_space && has_text) ? 1 : 0;
	bool bare_ok = blank(b->cont);
	if (has_text && b->cur->cols + space + w->cols > b->width) {
		lb_newline(b);
		space = 0;
	}
	if (!has_text && bare_ok && b->cur->cols + w->cols > b->width && w->cols <= b->width) {
		if (b->cur->cols == 0 || blank(rline_first(b->cur))) {
			line_clear(b->cur);
			b->prefix_cols = 0;
		} else {
			/* A list marker keeps its row; the word takes the next. */
			lb_newline_bare(b);
		}
	}
	if (space)
		line_add(b->cur, " ", 1, w->pieces[0].style & ~(unsigned)(STY_LINK));
	/* The last character placed, so that closing punctuation can take it
	 * along to the next line instead of starting that line alone. */
	char last[8] = "";
	unsigned last_style = 0;
	size_t last_w = 0;
	for (size_t i = 0; i < w->n; i++) {
		const char *s = w->pieces[i].text;
		size_t len = strlen(s), pos = 0;
		while (pos < len) {
			uint32_t cp;
			size_t k = utf8_decode(s + pos, len - pos, &cp);
			size_t cw = (size_t)text_cp_width(cp);
			if (b->cur->cols + cw > b->width && b->cur->cols > b->prefix_cols) {
				bool carry = no_line_start(cp) && last[0] &&
					     b->cur->cols - last_w > b->prefix_cols;
				if (carry)
					line_pop(b->cur, strlen(last), last_w);
				if (bare_ok)
					lb_newline_bare(b);
				else
					lb_newline(b);
				if (carry)
					line_add(b->cur, last, strlen(last), last_style);
			}
			line_add(b->cur, s + pos, k, w->pieces[i].style);
			if (k < sizeof last) {
				memcpy(last, s + pos, k);
				last[k] = '\0';
				last_style = w->pieces[i].style;
				last_w = cw;
			}
			pos += k;
		}
	}
	word_clear(w);
	b->pending_space = false;
}

/* Feeds text: spaces are break points, and a line may also break next to
 * a CJK character unless punctuation forbids it. */
static void lb_add(struct lb *b, const char *s, unsigned style)
{
	size_t len = strlen(s), i = 0;
	while (i < len) {
		uint32_t cp;
		size_t k = utf8_decode(s + i, len - i, &cp);
		if (cp == ' ' || cp == '\t' || cp == '\n' || cp == '\r') {
			lb_flush(b);
			b->pending_space = true;
			b->prev = 0;
		} else {
			bool cjk = text_cp_breaks(cp) || (b->prev && text_cp_breaks(b->prev));
			if (b->prev && cjk && !no_line_start(cp) && !no_line_end(b->prev))
				lb_flush(b);
			word_add(&b->w, s + i, k, style);
			b->prev = cp;
		}
		i += k;
	}
}

static void lb_break(struct lb *b)
{
	lb_flush(b);
	b->prev = 0;
	b->cur = NULL;
}

static void lb_end(struct lb *b)
{
	lb_flush(b);
	free(b->w.pieces);
	b->w.pieces = NULL;
	b->cur = NULL;
}

void render_blank(struct rpage *pg)
{
	page_new_line(pg);
}

/* Avoids doubled blank lines and a blank first line. */
static void blank_once(struct rpage *pg)
{
	if (pg->nlines > 0 && pg->lines[pg->nlines - 1].nsegs > 0)
		page_new_line(pg);
}

void render_text(struct rpage *pg, const char *text, unsigned style, const char *prefix,
		 const char *cont, const struct render_opts *o)
{
	struct lb b;
	lb_init(&b, pg, (size_t)(o->width < 10 ? 10 : o->width), prefix, cont, STY_MARKER);
	lb_add(&b, text, style);
	lb_end(&b);
}

void render_line(struct rpage *pg, const char *text, unsigned style, const struct render_opts *o)
{
	struct rline *l = page_new_line(pg);
	size_t w = (size_t)(o->width < 1 ? 1 : o->width);
	char *cut = text_truncate(text, w, o->utf8 ? "\xe2\x80\xa6" : "~");
	line_add(l, cut, strlen(cut), style);
	free(cut);
}

static void spans_out(struct lb *b, const struct span *spans, size_t n, const struct render_opts *o)
{
	for (size_t i = 0; i < n; i++) {
		const struct span *s = &spans[i];
		if (s->style & STY_BREAK) {
			lb_break(b);
			continue;
		}
		if (s->style & STY_IMAGE) {
			char *t = xasprintf("[%s: %s]", msg(M_IMAGE), s->text);
			lb_add(b, t, STY_IMAGE | STY_DIM);
			free(t);
			continue;
		}
		lb_add(b, s->text, s->style);
		if (s->link >= 0 && (i + 1 == n || spans[i + 1].link != s->link)) {
			char mark[32];
			snprintf(mark, sizeof mark, "[%d]", s->link + 1);
			word_add(&b->w, mark, strlen(mark), STY_DIM);
		}
	}
	(void)o;
}

static char *spaces(size_t n)
{
	char *s = xmalloc(n + 1);
	memset(s, ' ', n);
	s[n] = '\0';
	return s;
}

static void blocks_out(struct rpage *pg, const struct block *blk, size_t n, const char *first,
		       const char *cont, const struct render_opts *o, bool tight);

/* Fills row l with the start of a code line too long for it (*rest, which
 * moves past what was placed) and returns the row that continues it. The
 * line breaks at a space, and the wrap mark follows that space, so it never
 * touches a path or a word; the next row starts after pre. A word that does
 * not fit after pre starts at the left edge, and only one wider than the
 * whole row is split, at the row's end, with no mark put into it (its next
 * row starts at the left edge too): a copy of its rows is the word. */
static struct rline *code_wrap(struct rpage *pg, struct rline *l, const char **rest, const char *pre,
			       size_t width, const char *mark)
{
	const char *r = *rest;
	size_t mark_w = text_width(mark);
	size_t room = l->cols + mark_w < width ? width - l->cols - mark_w : 0;
	size_t fit = text_fit(r, room, NULL);
	/* The last space within what fits, after some text. */
	size_t cut = 0;
	size_t lead = strspn(r, " ");
	for (size_t i = lead; i < fit; i++)
		if (r[i] == ' ')
			cut = i + 1;
	if (cut) {
		line_add(l, r, cut, STY_CODE);
		line_add(l, mark, strlen(mark), STY_DIM);
		*rest = r + cut;
		l = page_new_line(pg);
		line_add(l, pre, strlen(pre), STY_MARKER);
		return l;
	}
	size_t word = lead + strcspn(r + lead, " ");
	size_t word_w = text_width_n(r, word);
	bool only_prefix = l->nsegs <= 1 && (l->nsegs == 0 || l->segs[0].style == STY_MARKER);
	if (only_prefix && l->cols > 0 && word_w <= width) {
		/* The word fits a row without the indentation: it takes this
		 * one, or the next when this one holds a list marker. */
		if (blank(l->segs[0].text))
			line_clear(l);
		else
			l = page_new_line(pg);
		line_add(l, r, word, STY_CODE);
		*rest = r + word;
		return l;
	}
	if (!only_prefix) {
		/* The word moves whole to the next row (the mark follows a
		 * space, so it is left out when the row has no room for both). */
		if (lead && l->cols + text_width_n(r, lead) + mark_w <= width) {
			line_add(l, r, lead, STY_CODE);
			line_add(l, mark, strlen(mark), STY_DIM);
		}
		*rest = r + lead;
		l = page_new_line(pg);
		line_add(l, pre, strlen(pre), STY_MARKER);
		return l;
	}
	/* Wider than a row: split at its end, nothing put into it. */
	size_t part = text_fit(r, width > l->cols ? width - l->cols : 1, NULL);
	if (part == 0)
		part = utf8_decode(r, strlen(r), &(uint32_t){ 0 });
	line_add(l, r, part, STY_CODE);
	*rest = r + part;
	return page_new_line(pg);
}

/* Code lines are kept whole (or wrapped between words, with a mark, in the
 * TUI). A block that starts a list item goes on the marker's line. */
static void code_out(struct rpage *pg, const struct block *blk, const char *first,
		     const char *cont, const struct render_opts *o)
{
	const char *p = blk->code;
	bool starts_item = strcmp(first, cont) != 0;
	char *pre1 = starts_item ? xstrdup(first) : xasprintf("%s    ", cont);
	char *pre = starts_item ? xstrdup(cont) : xasprintf("%s    ", cont);
	const char *cur_pre = pre1;
	size_t width = (size_t)(o->width < 10 ? 10 : o->width);
	const char *wrap_mark = o->utf8 ? "\xe2\x86\xb5" : "\\";
	while (*p) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		char *line = xstrndup(p, len);
		/* Tabs would break column counting. */
		for (char *t = line; *t; t++)
			if (*t == '\t')
				*t = ' ';
		struct rline *l = page_new_line(pg);
		line_add(l, cur_pre, strlen(cur_pre), STY_MARKER);
		cur_pre = pre;
		const char *rest = line;
		while (o->wrap_code && text_width(rest) + l->cols > width)
			l = code_wrap(pg, l, &rest, pre, width, wrap_mark);
		line_add(l, rest, strlen(rest), STY_CODE);
		free(line);
		p = nl ? nl + 1 : p + len;
	}
	free(pre1);
	free(pre);
}

static enum msg_id callout_label(enum callout c)
{
	switch (c) {
	case CALLOUT_IMPORTANT:
		return M_IMPORTANT;
	case CALLOUT_TIP:
		return M_TIP;
	case CALLOUT_WARNING:
		return M_WARNING;
	case CALLOUT_CAUTION:
		return M_CAUTION;
	default:
		return M_NOTE;
	}
}

static void block_out(struct rpage *pg, const struct block *blk, const char *first,
		      const char *cont, const struct render_opts *o)
{
	size_t width = (size_t)(o->width < 10 ? 10 : o->width);
	switch (blk->kind) {
	case BLK_PARA:
		if (blk->nspans == 1 && (blk->spans[0].style & STY_CODE) && blk->spans[0].link < 0) {
			/* A paragraph that is only a command is shown like a code
			 * block, so it stays whole and can be copied. */
			struct block as_code = { .kind = BLK_CODE, .code = blk->spans[0].text };
			block_out(pg, &as_code, first, cont, o);
			break;
		}
		/* fall through */
	case BLK_HEADING: {
		struct lb b;
		lb_init(&b, pg, width, first, cont, STY_MARKER);
		spans_out(&b, blk->spans, blk->nspans, o);
		lb_end(&b);
		break;
	}
	case BLK_CODE:
		code_out(pg, blk, first, cont, o);
		break;
	case BLK_LIST: {
		bool tight = true;
		for (size_t i = 0; i < blk->nkids; i++)
			if (blk->kids[i].nkids > 1)
				tight = false;
		for (size_t i = 0; i < blk->nkids; i++) {
			char marker[32];
			if (blk->ordered)
				snprintf(marker, sizeof marker, "%d. ", blk->start + (int)i);
			else
				snprintf(marker, sizeof marker, "%s ", o->utf8 ? "\xe2\x80\xa2" : "*");
			const char *lead = i == 0 ? first : cont;
			char *f = xasprintf("%s%s", lead, marker);
			char *pad = spaces(text_width(marker));
			char *c = xasprintf("%s%s", cont, pad);
			if (!tight && i > 0)
				blank_once(pg);
			blocks_out(pg, blk->kids[i].kids, blk->kids[i].nkids, f, c, o, tight);
			free(f);
			free(pad);
			free(c);
		}
		break;
	}
	case BLK_CALLOUT:
	case BLK_QUOTE: {
		const char *bar = o->utf8 ? "\xe2\x94\x82 " : "| ";
		char *f = xasprintf("%s%s", first, bar);
		char *c = xasprintf("%s%s", cont, bar);
		if (blk->kind == BLK_CALLOUT) {
			struct rline *l = page_new_line(pg);
			line_add(l, f, strlen(f), STY_MARKER);
			const char *label = msg(callout_label(blk->callout));
			line_add(l, label, strlen(label), STY_BOLD);
			blocks_out(pg, blk->kids, blk->nkids, c, c, o, true);
		} else {
			blocks_out(pg, blk->kids, blk->nkids, f, c, o, true);
		}
		free(f);
		free(c);
		break;
	}
	case BLK_RULE: {
		struct rline *l = page_new_line(pg);
		char *dash = xmalloc(width + 1);
		size_t k = width > 40 ? 40 : width;
		memset(dash, '-', k);
		dash[k] = '\0';
		line_add(l, dash, k, STY_DIM);
		free(dash);
		break;
	}
	case BLK_ITEM:
		blocks_out(pg, blk->kids, blk->nkids, first, cont, o, true);
		break;
	}
}

static void blocks_out(struct rpage *pg, const struct block *blk, size_t n, const char *first,
		       const char *cont, const struct render_opts *o, bool tight)
{
	for (size_t i = 0; i < n; i++) {
		if (i > 0 && !tight)
			blank_once(pg);
		block_out(pg, &blk[i], i == 0 ? first : cont, cont, o);
	}
}

void render_node_meta(struct rpage *pg, const struct node *n, const struct render_opts *o)
{
	if (n->tab && n->parent) {
		/* A tab's label says little without its section. */
		char *t = xasprintf("%s > %s", n->parent->title, n->title);
		render_text(pg, t, STY_TITLE | STY_BOLD, "", "", o);
		free(t);
	} else {
		render_text(pg, n->title, STY_TITLE | STY_BOLD, "", "", o);
	}
	struct sbuf meta = { 0 };
	if (n->nids) {
		sb_printf(&meta, "%s: ", msg(M_ERRORID));
		for (size_t i = 0; i < n->nids; i++)
			sb_printf(&meta, "%s%u", i ? ", " : "", n->ids[i]);
		sb_add(&meta, "   ");
	}
	if (n->codes.n) {
		sb_printf(&meta, "%s: ", msg(M_CODES));
		for (size_t i = 0; i < n->codes.n; i++)
			sb_printf(&meta, "%s%s", i ? ", " : "", n->codes.v[i]);
		sb_add(&meta, "   ");
	}
	sb_printf(&meta, "#%s", n->anchor);
	render_text(pg, sb_str(&meta), STY_DIM, "", "", o);
	sb_free(&meta);
	render_blank(pg);
}

void render_node(struct rpage *pg, const struct doc *d, const struct node *n,
		 const struct render_opts *o)
{
	(void)d;
	if (o->show_meta)
		render_node_meta(pg, n, o);
	for (size_t i = 0; i < n->nbody; i++) {
		if (i > 0)
			blank_once(pg);
		block_out(pg, &n->body[i], "", "", o);
	}
	if (n->links.n) {
		blank_once(pg);
		render_line(pg, msg(M_LINKS), STY_BOLD, o);
		for (size_t i = 0; i < n->links.n; i++) {
			char pre[32];
			snprintf(pre, sizeof pre, "[%zu] ", i + 1);
			size_t at = pg->nlines;
			if (o->wrap_code) {
				render_text(pg, n->links.v[i], STY_LINK, pre, "    ", o);
			} else {
				/* Plain text keeps URLs whole: a wrapped URL cannot be copied. */
				struct rline *l = page_new_line(pg);
				line_add(l, pre, strlen(pre), STY_DIM);
				line_add(l, n->links.v[i], strlen(n->links.v[i]), STY_LINK);
			}
			if (at < pg->nlines)
				pg->lines[at].ref = (int)i + 1;
		}
	}
	if (n->nkids) {
		blank_once(pg);
		render_line(pg, msg(M_SUBSECTIONS), STY_BOLD, o);
		const char *bullet = o->utf8 ? "\xe2\x80\xa2 " : "* ";
		char *cont = spaces(text_width(bullet));
		for (size_t i = 0; i < n->nkids; i++) {
			size_t at = pg->nlines;
			render_text(pg, n->kids[i]->title, 0, bullet, cont, o);
			if (at < pg->nlines)
				pg->lines[at].ref = (int)(n->links.n + i) + 1;
		}
		free(cont);
	}
}

char *rline_text(const struct rline *l)
{
	struct sbuf b = { 0 };
	for (size_t i = 0; i < l->nsegs; i++)
		sb_add(&b, l->segs[i].text);
	char *s = sb_steal(&b);
	size_t len = strlen(s);
	while (len > 0 && s[len - 1] == ' ')
		s[--len] = '\0';
	return s;
}

void rpage_write(FILE *f, const struct rpage *pg)
{
	for (size_t i = 0; i < pg->nlines; i++) {
		char *t = rline_text(&pg->lines[i]);
		util_fputs(t, f);
		fputc('\n', f);
		free(t);
	}
}

void rpage_free(struct rpage *pg)
{
	for (size_t i = 0; i < pg->nlines; i++) {
		for (size_t j = 0; j < pg->lines[i].nsegs; j++)
			free(pg->lines[i].segs[j].text);
		free(pg->lines[i].segs);
	}
	free(pg->lines);
	memset(pg, 0, sizeof *pg);
}
