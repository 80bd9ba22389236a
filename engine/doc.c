/* doc.c: turns the article's markdown (parsed by cmark) into the tree of
 * sections the wizard shows: H1 root, H2 children, H3 grandchildren. */
#include "engine/doc.h"

#include <cmark.h>
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/codes.h"
#include "engine/content.h"
#include "engine/edition.h"
#include "engine/slug.h"
#include "engine/util/text.h"

/* Parsing state shared by the walk over cmark's tree. */
struct builder {
	struct doc *doc;
	struct node *cur;       /* node receiving body blocks */
	struct node *last_h2;
	const char *body;       /* markdown after the front matter */
	size_t body_len;
	size_t *line_start;     /* offsets of each line of body */
	size_t nlines;
	int line_offset;        /* lines taken by the front matter */
	char *anchor_seen;      /* anchor found in the heading being read */
	bool in_heading;        /* anchors count only inside a heading */
	struct strvec ids_used; /* Docs identifiers given so far, in order */
	struct node *tab_section; /* section holding the open tab group, or NULL */
};

static void spans_free(struct span *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(s[i].text);
	free(s);
}

static void blocks_free(struct block *b, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		spans_free(b[i].spans, b[i].nspans);
		free(b[i].code);
		free(b[i].info);
		blocks_free(b[i].kids, b[i].nkids);
	}
	free(b);
}

static void node_free(struct node *n)
{
	if (!n)
		return;
	for (size_t i = 0; i < n->nkids; i++)
		node_free(n->kids[i]);
	free(n->kids);
	free(n->anchor);
	sv_free(&n->aliases);
	free(n->title);
	free(n->ids);
	sv_free(&n->codes);
	blocks_free(n->body, n->nbody);
	sv_free(&n->links);
	free(n->text);
	free(n);
}

void doc_free(struct doc *d)
{
	if (!d)
		return;
	node_free(d->root);
	free(d->nodes);
	free(d->name);
	free(d->lang);
	free(d->title);
	free(d->description);
	free(d->date);
	free(d->locale);
	free(d);
}

/* Adds a span, merging it into the previous one when the style matches. */
static void span_add(struct span **spans, size_t *n, unsigned style, const char *text,
		     size_t len, int link)
{
	if (*n > 0 && !(style & (STY_BREAK | STY_IMAGE))) {
		struct span *p = &(*spans)[*n - 1];
		if (p->style == style && p->link == link) {
			size_t old = strlen(p->text);
			p->text = xrealloc(p->text, old + len + 1);
			memcpy(p->text + old, text, len);
			p->text[old + len] = '\0';
			return;
		}
	}
	*spans = xrealloc(*spans, (*n + 1) * sizeof **spans);
	(*spans)[*n] = (struct span){ .style = style, .text = xstrndup(text, len), .link = link };
	(*n)++;
}

/* Reads name="..." (or id="...") out of an <a ...> tag. */
static char *html_anchor_name(const char *html)
{
	if (!str_starts(html, "<a ") && !str_starts(html, "<A "))
		return NULL;
	const char *keys[] = { "name=", "id=" };
	for (size_t k = 0; k < ARRAY_LEN(keys); k++) {
		const char *p = str_icase_find(html, keys[k]);
		if (!p)
			continue;
		p += strlen(keys[k]);
		char q = *p;
		if (q != '"' && q != '\'')
			continue;
		const char *e = strchr(p + 1, q);
		if (e && e > p + 1)
			return xstrndup(p + 1, (size_t)(e - p - 1));
	}
	return NULL;
}

static bool html_is_break(const char *html)
{
	return str_starts(html, "<br") || str_starts(html, "<BR");
}

/* Appends the plain text of n's inlines; a line break becomes brk. HTML
 * tags give nothing, unless html (then they are text as written). */
static void collect_text_html(cmark_node *n, struct sbuf *out, const char *brk, bool html)
{
	for (cmark_node *c = cmark_node_first_child(n); c; c = cmark_node_next(c)) {
		switch (cmark_node_get_type(c)) {
		case CMARK_NODE_TEXT:
		case CMARK_NODE_CODE:
			sb_add(out, cmark_node_get_literal(c));
			break;
		case CMARK_NODE_SOFTBREAK:
		case CMARK_NODE_LINEBREAK:
			sb_add(out, brk);
			break;
		case CMARK_NODE_HTML_INLINE:
			if (html)
				sb_add(out, cmark_node_get_literal(c));
			break;
		default:
			collect_text_html(c, out, brk, html);
		}
	}
}

static void collect_text(cmark_node *n, struct sbuf *out, const char *brk)
{
	collect_text_html(n, out, brk, false);
}


static int link_index(struct builder *b, const char *url)
{
	struct node *n = b->cur;
	char *abs = edition_link(b->doc->locale, url);
	for (size_t i = 0; i < n->links.n; i++)
		if (strcmp(n->links.v[i], abs) == 0) {
			free(abs);
			return (int)i;
		}
	sv_take(&n->links, abs);
	return (int)n->links.n - 1;
}

static void inlines(struct builder *b, cmark_node *parent, unsigned style, int link,
		    struct span **spans, size_t *n)
{
	for (cmark_node *c = cmark_node_first_child(parent); c; c = cmark_node_next(c)) {
		const char *lit = cmark_node_get_literal(c);
		switch (cmark_node_get_type(c)) {
		case CMARK_NODE_TEXT:
			span_add(spans, n, style, lit, strlen(lit), link);
			break;
		case CMARK_NODE_SOFTBREAK:
			span_add(spans, n, style, " ", 1, link);
			break;
		case CMARK_NODE_LINEBREAK:
			span_add(spans, n, STY_BREAK, "", 0, -1);
			break;
		case CMARK_NODE_CODE:
			span_add(spans, n, style | STY_CODE, lit, strlen(lit), link);
			break;
		case CMARK_NODE_HTML_INLINE: {
			char *a = html_anchor_name(lit);
			if (a) {
				/* An anchor names the section only in its heading;
				 * one in a paragraph is just markup. */
				if (b->in_heading && !b->anchor_seen)
					b->anchor_seen = a;
				else
					free(a);
			} else if (html_is_break(lit)) {
				span_add(spans, n, STY_BREAK, "", 0, -1);
			}
			break;
		}
		case CMARK_NODE_EMPH:
			inlines(b, c, style | STY_EMPH, link, spans, n);
			break;
		case CMARK_NODE_STRONG:
			inlines(b, c, style | STY_BOLD, link, spans, n);
			break;
		case CMARK_NODE_LINK:
			inlines(b, c, style | STY_LINK, link_index(b, cmark_node_get_url(c)), spans, n);
			break;
		case CMARK_NODE_IMAGE: {
			struct sbuf alt = { 0 };
			collect_text(c, &alt, " ");
			span_add(spans, n, STY_IMAGE, sb_str(&alt), alt.len, -1);
			sb_free(&alt);
			break;
		}
		default:
			inlines(b, c, style, link, spans, n);
		}
	}
}

/* Drops break spans and white space at both ends of a paragraph. */
static void spans_trim(struct span **spans, size_t *n)
{
	while (*n > 0) {
		struct span *l = &(*spans)[*n - 1];
		if (l->style & STY_BREAK) {
			free(l->text);
			(*n)--;
			continue;
		}
		if (!(l->style & STY_CODE)) {
			size_t len = strlen(l->text);
			while (len > 0 && isspace((unsigned char)l->text[len - 1]))
				l->text[--len] = '\0';
			if (len == 0 && !(l->style & STY_IMAGE)) {
				free(l->text);
				(*n)--;
				continue;
			}
		}
		break;
	}
	while (*n > 0) {
		struct span *f = &(*spans)[0];
		bool drop = (f->style & STY_BREAK) != 0;
		if (!drop && !(f->style & (STY_CODE | STY_IMAGE))) {
			size_t k = 0;
			while (isspace((unsigned char)f->text[k]))
				k++;
			memmove(f->text, f->text + k, strlen(f->text + k) + 1);
			drop = f->text[0] == '\0';
		}
		if (!drop)
			break;
		free(f->text);
		memmove(*spans, *spans + 1, (*n - 1) * sizeof **spans);
		(*n)--;
	}
}

/* Recognises "[!NOTE]" and friends at the start of a quote's first
 * paragraph, removes the marker and returns the kind, or -1. */
static int callout_strip(struct span **spans, size_t *n)
{
	static const struct {
		const char *tag;
		enum callout kind;
	} tags[] = {
		{ "NOTE", CALLOUT_NOTE }, { "IMPORTANT", CALLOUT_IMPORTANT }, { "TIP", CALLOUT_TIP },
		{ "WARNING", CALLOUT_WARNING }, { "CAUTION", CALLOUT_CAUTION },
	};
	if (*n == 0 || ((*spans)[0].style & (STY_CODE | STY_BREAK | STY_IMAGE)))
		return -1;
	const char *t = (*spans)[0].text;
	size_t skip = 0;
	while (t[skip] == ' ')
		skip++;
	if (t[skip] != '[' || t[skip + 1] != '!')
		return -1;
	for (size_t i = 0; i < ARRAY_LEN(tags); i++) {
		size_t l = strlen(tags[i].tag);
		if (strncasecmp(t + skip + 2, tags[i].tag, l) == 0 && t[skip + 2 + l] == ']') {
			size_t cut = skip + 3 + l;
			memmove((*spans)[0].text, t + cut, strlen(t + cut) + 1);
			spans_trim(spans, n);
			return (int)tags[i].kind;
		}
	}
	return -1;
}

static struct block *block_append(struct block **arr, size_t *n)
{
	*arr = xrealloc(*arr, (*n + 1) * sizeof **arr);
	struct block *blk = &(*arr)[*n];
	memset(blk, 0, sizeof *blk);
	(*n)++;
	return blk;
}

/* A paragraph made only of Docs ":::" directive lines becomes what a
 * terminal can show of them: the alt text of each ":::image:::" (nothing
 * for the others, such as ":::image-end:::"). Returns false, touching
 * nothing, for any other paragraph. */
static bool directive_para(cmark_node *para, struct block **arr, size_t *n)
{
	struct sbuf raw = { 0 };
	collect_text_html(para, &raw, "\n", true);
	char *text = sb_steal(&raw);
	/* A complex image carries a long description for screen readers
	 * between its lines; the alt text says it here. */
	char *last = strrchr(text, '\n');
	if (last && edition_is_directive(text) && str_starts(text, ":::image") &&
	    strcmp(str_trim(last + 1), ":::image-end:::") == 0)
		text[strcspn(text, "\n")] = '\0';
	bool all = true;
	for (char *line = text; line && all;) {
		char *nl = strchr(line, '\n');
		if (nl)
			*nl = '\0';
		all = edition_is_directive(line);
		if (nl)
			*nl = '\n';
		line = nl ? nl + 1 : NULL;
	}
	if (!all) {
		free(text);
		return false;
	}
	for (char *line = text, *nl; line; line = nl ? nl + 1 : NULL) {
		nl = strchr(line, '\n');
		if (nl)
			*nl = '\0';
		char *alt = edition_image_alt(line);
		if (!alt)
			continue;
		struct block *blk = block_append(arr, n);
		blk->kind = BLK_PARA;
		blk->spans = NULL;
		blk->nspans = 0;
		span_add(&blk->spans, &blk->nspans, STY_IMAGE, alt, strlen(alt), -1);
		free(alt);
	}
	free(text);
	return true;
}

static void convert_children(struct builder *b, cmark_node *parent, struct block **arr, size_t *n);

/* Gives a heading the identifier Docs gives it: every heading of the
 * document counts, in order, for the "-1", "-2" of repeated titles. */
static char *heading_id(struct builder *b, cmark_node *heading)
{
	struct sbuf plain = { 0 };
	collect_text(heading, &plain, "");
	char *id = slug_unique(&b->ids_used, sb_str(&plain));
	sb_free(&plain);
	return id;
}

/* Converts one cmark block into zero or one block appended to arr. */
static void convert_block(struct builder *b, cmark_node *c, struct block **arr, size_t *n)
{
	struct block *blk;
	switch (cmark_node_get_type(c)) {
	case CMARK_NODE_PARAGRAPH:
	case CMARK_NODE_HEADING: {
		if (cmark_node_get_type(c) == CMARK_NODE_PARAGRAPH && directive_para(c, arr, n))
			return;
		if (cmark_node_get_type(c) == CMARK_NODE_HEADING) {
			/* A deeper heading: a link to it leads to its section. */
			char *id = heading_id(b, c);
			if (b->cur && !sv_contains(&b->cur->aliases, id))
				sv_take(&b->cur->aliases, id);
			else
				free(id);
		}
		struct span *spans = NULL;
		size_t ns = 0;
		inlines(b, c, cmark_node_get_type(c) == CMARK_NODE_HEADING ? STY_BOLD : 0, -1, &spans, &ns);
		spans_trim(&spans, &ns);
		if (ns == 0) {
			free(spans);
			return;
		}
		blk = block_append(arr, n);
		blk->kind = cmark_node_get_type(c) == CMARK_NODE_HEADING ? BLK_HEADING : BLK_PARA;
		blk->spans = spans;
		blk->nspans = ns;
		return;
	}
	case CMARK_NODE_CODE_BLOCK: {
		blk = block_append(arr, n);
		blk->kind = BLK_CODE;
		const char *lit = cmark_node_get_literal(c);
		blk->code = xstrdup(lit ? lit : "");
		const char *info = cmark_node_get_fence_info(c);
		blk->info = xstrdup(info ? info : "");
		return;
	}
	case CMARK_NODE_LIST: {
		blk = block_append(arr, n);
		blk->kind = BLK_LIST;
		blk->ordered = cmark_node_get_list_type(c) == CMARK_ORDERED_LIST;
		blk->start = cmark_node_get_list_start(c);
		struct block *kids = NULL;
		size_t nk = 0;
		for (cmark_node *it = cmark_node_first_child(c); it; it = cmark_node_next(it)) {
			struct block *item = block_append(&kids, &nk);
			item->kind = BLK_ITEM;
			struct block *ik = NULL;
			size_t nik = 0;
			convert_children(b, it, &ik, &nik);
			kids[nk - 1].kids = ik;
			kids[nk - 1].nkids = nik;
		}
		/* blk may have moved while kids were converted? No: arr is not
		 * touched by items, only kids, so blk stays valid. */
		blk->kids = kids;
		blk->nkids = nk;
		return;
	}
	case CMARK_NODE_BLOCK_QUOTE: {
		struct block *kids = NULL;
		size_t nk = 0;
		convert_children(b, c, &kids, &nk);
		int kind = -1;
		if (nk > 0 && kids[0].kind == BLK_PARA) {
			kind = callout_strip(&kids[0].spans, &kids[0].nspans);
			if (kind >= 0 && kids[0].nspans == 0) {
				blocks_free(NULL, 0);
				free(kids[0].spans);
				memmove(kids, kids + 1, (nk - 1) * sizeof *kids);
				nk--;
			}
		}
		blk = block_append(arr, n);
		blk->kind = kind >= 0 ? BLK_CALLOUT : BLK_QUOTE;
		blk->callout = kind >= 0 ? (enum callout)kind : CALLOUT_NOTE;
		blk->kids = kids;
		blk->nkids = nk;
		return;
	}
	case CMARK_NODE_THEMATIC_BREAK:
		blk = block_append(arr, n);
		blk->kind = BLK_RULE;
		return;
	default:
		/* HTML blocks carry nothing a terminal can show. */
		return;
	}
}

static void convert_children(struct builder *b, cmark_node *parent, struct block **arr, size_t *n)
{
	for (cmark_node *c = cmark_node_first_child(parent); c; c = cmark_node_next(c))
		convert_block(b, c, arr, n);
}

/* Collects five-digit ErrorIDs (95xxx, 97xxx...) from text. */
static void ids_from_text(struct node *n, const char *s)
{
	for (const char *p = s; *p;) {
		if (!isdigit((unsigned char)*p)) {
			p++;
			continue;
		}
		const char *q = p;
		while (isdigit((unsigned char)*q))
			q++;
		bool neg = p > s && p[-1] == '-';
		if (q - p == 5 && *p == '9' && !neg) {
			unsigned v = (unsigned)strtoul(p, NULL, 10);
			if (!node_has_id(n, v)) {
				n->ids = xrealloc(n->ids, (n->nids + 1) * sizeof *n->ids);
				n->ids[n->nids++] = v;
			}
		}
		p = q;
	}
}

/* Collects installer codes named by a title: HRESULTs and exit codes, in
 * their canonical spelling ("0x8004E00F", "exit 511"). */
static void codes_from_title(struct node *n)
{
	struct code_hit h[16];
	size_t k = codes_scan(n->title, strlen(n->title), CODES_TEXT, h, ARRAY_LEN(h));
	for (size_t i = 0; i < k && i < ARRAY_LEN(h); i++) {
		char code[32];
		if (h[i].code.kind != CODE_HRESULT && h[i].code.kind != CODE_EXIT)
			continue;
		code_format(&h[i].code, code, sizeof code);
		if (!sv_contains(&n->codes, code))
			sv_push(&n->codes, code);
	}
}

static void block_text(const struct block *blk, size_t n, struct sbuf *out, bool code_too)
{
	for (size_t i = 0; i < n; i++) {
		const struct block *k = &blk[i];
		for (size_t j = 0; j < k->nspans; j++)
			if (code_too || !(k->spans[j].style & STY_CODE)) {
				sb_add(out, k->spans[j].text);
				sb_addc(out, ' ');
			}
		if (k->code && code_too) {
			sb_add(out, k->code);
			sb_addc(out, '\n');
		}
		block_text(k->kids, k->nkids, out, code_too);
		sb_addc(out, '\n');
	}
}

/* Hash of a section's markdown lines [first, last) with CR and trailing
 * blanks dropped, so line-ending changes do not count as edits. */
static void section_hash(struct builder *b, struct node *n, int first, int last)
{
	unsigned long long h = 1469598103934665603ULL;
	for (int l = first; l < last && (size_t)l < b->nlines; l++) {
		size_t s = b->line_start[l];
		size_t e = (size_t)l + 1 < b->nlines ? b->line_start[l + 1] : b->body_len;
		while (e > s && (b->body[e - 1] == '\n' || b->body[e - 1] == '\r' ||
				 b->body[e - 1] == ' ' || b->body[e - 1] == '\t'))
			e--;
		if (e == s)
			continue;
		for (size_t i = s; i < e; i++) {
			h ^= (unsigned char)b->body[i];
			h *= 1099511628211ULL;
		}
		h ^= '\n';
		h *= 1099511628211ULL;
	}
	char full[17];
	snprintf(full, sizeof full, "%016llx", h);
	memcpy(n->hash, full, 12);
	n->hash[12] = '\0';
}

static struct node *node_new(struct builder *b, cmark_node *heading, int level)
{
	struct node *n = xcalloc(1, sizeof *n);
	n->level = level;
	n->line = cmark_node_get_start_line(heading) + b->line_offset;
	struct sbuf t = { 0 };
	b->anchor_seen = NULL;
	/* Walk inlines for the anchor; title is the plain text. */
	struct span *spans = NULL;
	size_t ns = 0;
	struct node *saved = b->cur;
	b->cur = n;
	b->in_heading = true;
	inlines(b, heading, 0, -1, &spans, &ns);
	b->in_heading = false;
	b->cur = saved;
	spans_trim(&spans, &ns);
	for (size_t i = 0; i < ns; i++)
		sb_add(&t, spans[i].text);
	spans_free(spans, ns);
	/* Collapse runs of white space in the title. */
	char *raw = sb_steal(&t);
	struct sbuf clean = { 0 };
	bool sp = false;
	for (char *p = raw; *p; p++) {
		if (*p == ' ' || *p == '\t' || *p == '\n') {
			sp = clean.len > 0;
			continue;
		}
		if (sp)
			sb_addc(&clean, ' ');
		sp = false;
		sb_addc(&clean, *p);
	}
	free(raw);
	n->title = sb_steal(&clean);
	/* Docs gives the heading its identifier even when an <a name> tag
	 * names it too: both lead here. */
	char *id = heading_id(b, heading);
	if (b->anchor_seen) {
		n->anchor = b->anchor_seen;
		if (strcmp(id, n->anchor) != 0)
			sv_take(&n->aliases, id);
		else
			free(id);
	} else {
		n->anchor = id;
	}
	b->anchor_seen = NULL;
	ids_from_text(n, n->title);
	codes_from_title(n);
	return n;
}

static void node_add_kid(struct node *parent, struct node *kid)
{
	/* An array of pointers: its element is a pointer (not a mistake).
	 * NOLINTNEXTLINE(bugprone-sizeof-expression) */
	parent->kids = xrealloc(parent->kids, (parent->nkids + 1) * sizeof *parent->kids);
	parent->kids[parent->nkids++] = kid;
	kid->parent = parent;
}

/* The target of a Docs tab heading ("# [Linux](#tab/linux)": a heading
 * whose only content is a link to #tab/ID, ID+ID..., optionally followed by
 * /CONDITION; IDs of letters, digits and dashes), without "#tab/"; NULL
 * for any other heading. */
static const char *tab_target(cmark_node *heading)
{
	if (cmark_node_get_type(heading) != CMARK_NODE_HEADING)
		return NULL;
	cmark_node *link = cmark_node_first_child(heading);
	if (!link || cmark_node_next(link) || cmark_node_get_type(link) != CMARK_NODE_LINK)
		return NULL;
	const char *url = cmark_node_get_url(link);
	if (!url || !str_starts(url, "#tab/"))
		return NULL;
	const char *id = url + 5, *p = id;
	bool seg = false; /* the current +-separated ID has a character */
	for (; *p && *p != '/'; p++) {
		if (*p == '+') {
			if (!seg)
				return NULL;
			seg = false;
		} else if (isalnum((unsigned char)*p) || *p == '-') {
			seg = true;
		} else {
			return NULL;
		}
	}
	if (!seg)
		return NULL;
	if (*p == '/')
		for (p++; *p; p++)
			if (!isalnum((unsigned char)*p) && *p != '-')
				return NULL;
	return id;
}

/* The root node made from the front matter title, for an article without
 * an H1. */
static struct node *root_from_title(const struct doc *d, const char *name)
{
	struct node *r = xcalloc(1, sizeof *r);
	r->level = 1;
	r->title = xstrdup(*d->title ? d->title : name);
	r->anchor = slug_docs(r->title);
	if (!*r->anchor) {
		free(r->anchor);
		r->anchor = xstrdup("section");
	}
	r->line = 1;
	return r;
}

/* Whether a child of sec has the anchor (two tab groups of one section
 * may use the same tab IDs). */
static bool kid_anchor_taken(const struct node *sec, const char *anchor)
{
	for (size_t i = 0; i < sec->nkids; i++)
		if (strcmp(sec->kids[i]->anchor, anchor) == 0)
			return true;
	return false;
}

/* Starts a tab of a Docs tab group: a child of the section the group
 * stands in, titled by its label, with the anchor SECTION/tab/ID. The
 * heading still takes its Docs identifier (later repeated titles are
 * numbered after it), but Docs shows no heading, so nothing links to it. */
static struct node *tab_new(struct builder *b, cmark_node *heading, const char *target,
			    const char *name)
{
	if (!b->tab_section) {
		if (!b->cur) {
			if (!b->doc->root)
				b->doc->root = root_from_title(b->doc, name);
			b->cur = b->doc->root;
		}
		b->tab_section = b->cur;
	}
	struct node *sec = b->tab_section;
	struct node *n = xcalloc(1, sizeof *n);
	n->level = sec->level + 1;
	n->line = cmark_node_get_start_line(heading) + b->line_offset;
	n->tab = true;
	struct sbuf t = { 0 };
	collect_text(cmark_node_first_child(heading), &t, " ");
	char *label = sb_steal(&t);
	n->title = xstrdup(str_trim(label));
	free(label);
	free(heading_id(b, heading));
	char *anchor = xasprintf("%s/tab/%s", sec->anchor, target);
	n->anchor = xstrdup(anchor);
	for (unsigned k = 1; kid_anchor_taken(sec, n->anchor); k++) {
		free(n->anchor);
		n->anchor = xasprintf("%s-%u", anchor, k);
	}
	free(anchor);
	ids_from_text(n, n->title);
	codes_from_title(n);
	node_add_kid(sec, n);
	b->cur = n;
	return n;
}

static void doc_index(struct doc *d, struct node *n)
{
	/* An array of pointers: its element is a pointer (not a mistake).
	 * NOLINTNEXTLINE(bugprone-sizeof-expression) */
	d->nodes = xrealloc(d->nodes, (d->nnodes + 1) * sizeof *d->nodes);
	n->index = d->nnodes;
	d->nodes[d->nnodes++] = n;
	for (size_t i = 0; i < n->nkids; i++)
		doc_index(d, n->kids[i]);
}

/* Strips the front matter block and records its title, description, date
 * and locale. Returns the offset where the markdown starts. */
static size_t front_matter(struct doc *d, const char *text, size_t len, int *lines)
{
	*lines = 0;
	if (len < 4 || strncmp(text, "---", 3) != 0 || (text[3] != '\n' && text[3] != '\r'))
		return 0;
	size_t pos = text[3] == '\r' ? 5 : 4;
	int count = 1;
	while (pos < len) {
		const char *nl = memchr(text + pos, '\n', len - pos);
		size_t end = nl ? (size_t)(nl - text) : len;
		char *line = xstrndup(text + pos, end - pos);
		count++;
		char *l = str_trim(line);
		if (strcmp(l, "---") == 0 || strcmp(l, "...") == 0) {
			free(line);
			*lines = count;
			return nl ? end + 1 : len;
		}
		char *colon = strchr(l, ':');
		if (colon) {
			*colon = '\0';
			char *key = str_trim(l), *val = str_trim(colon + 1);
			size_t vl = strlen(val);
			if (vl >= 2 && (val[0] == '"' || val[0] == '\'') && val[vl - 1] == val[0]) {
				val[vl - 1] = '\0';
				val++;
			}
			char **slot = NULL;
			if (strcmp(key, "title") == 0)
				slot = &d->title;
			else if (strcmp(key, "description") == 0)
				slot = &d->description;
			else if (strcmp(key, "ms.date") == 0 || strcmp(key, "date") == 0)
				slot = &d->date;
			else if (strcmp(key, "ms.contentlocale") == 0 || strcmp(key, "locale") == 0)
				slot = &d->lang;
			if (slot) {
				free(*slot);
				*slot = xstrdup(val);
			}
		}
		free(line);
		pos = nl ? end + 1 : len;
	}
	/* No closing marker: not front matter after all. */
	*lines = 0;
	return 0;
}

/* Rejects input that cannot be an article, with a message naming where. */
static bool validate(const char *text, size_t len, const char *name, char **cause)
{
	size_t i = 0;
	int line = 1;
	while (i < len) {
		unsigned char c = (unsigned char)text[i];
		if (c == 0) {
			*cause = xasprintf("%s: binary data (NUL byte at line %d), not a markdown article",
					   name, line);
			return false;
		}
		if (c == '\n')
			line++;
		uint32_t cp;
		size_t k = utf8_decode(text + i, len - i, &cp);
		if (cp == UTF8_INVALID) {
			*cause = xasprintf("%s: not valid UTF-8 text (line %d)", name, line);
			return false;
		}
		i += k;
	}
	for (i = 0; i < len; i++)
		if (!isspace((unsigned char)text[i]))
			return true;
	*cause = xasprintf("%s: the document is empty", name);
	return false;
}

struct doc *doc_parse(const char *text, size_t len, const char *name, char **cause)
{
	*cause = NULL;
	if (len >= 3 && memcmp(text, "\xef\xbb\xbf", 3) == 0) {
		text += 3;
		len -= 3;
	}
	if (!validate(text, len, name, cause))
		return NULL;

	struct doc *d = xcalloc(1, sizeof *d);
	d->name = xstrdup(name);
	int fm_lines;
	size_t off = front_matter(d, text, len, &fm_lines);
	if (!d->title)
		d->title = xstrdup("");
	if (!d->description)
		d->description = xstrdup("");
	if (!d->date)
		d->date = xstrdup("");
	if (!d->lang)
		d->lang = xstrdup("");
	d->locale = edition_locale(d->lang, name);
	if (!*d->lang && strcmp(d->locale, "en-us") != 0) {
		/* No locale in the front matter; the file name gave one. */
		free(d->lang);
		d->lang = edition_lang(d->locale);
	}

	struct builder b = { .doc = d, .body = text + off, .body_len = len - off, .line_offset = fm_lines };
	size_t cap = 0;
	b.line_start = xgrow(NULL, &cap, 1, sizeof *b.line_start);
	b.line_start[b.nlines++] = 0;
	for (size_t i = 0; i < b.body_len; i++)
		if (b.body[i] == '\n' && i + 1 < b.body_len) {
			b.line_start = xgrow(b.line_start, &cap, b.nlines + 1, sizeof *b.line_start);
			b.line_start[b.nlines++] = i + 1;
		}

	cmark_node *root = cmark_parse_document(b.body, b.body_len, CMARK_OPT_SOURCEPOS);
	if (!root) {
		*cause = xasprintf("%s: the markdown parser failed", name);
		free(b.line_start);
		sv_free(&b.ids_used);
		doc_free(d);
		return NULL;
	}

	/* Headings at levels 1-3 start nodes; everything else is body. */
	struct node **order = NULL;
	int *starts = NULL;
	size_t norder = 0;
	struct block *preamble = NULL;
	size_t npre = 0;
	for (cmark_node *c = cmark_node_first_child(root); c; c = cmark_node_next(c)) {
		int lvl = cmark_node_get_type(c) == CMARK_NODE_HEADING ? cmark_node_get_heading_level(c) : 0;
		const char *tab = tab_target(c);
		if (tab || b.tab_section) {
			/* A Docs tab group: a tab heading starts a tab, and every
			 * block up to a thematic break ("---", which Docs does
			 * not show) or the end belongs to the tab, headings too. */
			if (!tab && cmark_node_get_type(c) == CMARK_NODE_THEMATIC_BREAK) {
				b.cur = b.tab_section;
				b.tab_section = NULL;
			} else if (!tab) {
				convert_block(&b, c, &b.cur->body, &b.cur->nbody);
			} else {
				struct node *n = tab_new(&b, c, tab, name);
				/* An array of pointers: its element is a pointer.
				 * NOLINTNEXTLINE(bugprone-sizeof-expression) */
				order = xrealloc(order, (norder + 1) * sizeof *order);
				starts = xrealloc(starts, (norder + 1) * sizeof *starts);
				order[norder] = n;
				starts[norder] = cmark_node_get_start_line(c) - 1;
				norder++;
			}
			continue;
		}
		if (lvl < 1 || lvl > 3) {
			if (b.cur)
				convert_block(&b, c, &b.cur->body, &b.cur->nbody);
			else if (cmark_node_get_type(c) != CMARK_NODE_HTML_BLOCK) {
				/* Text before any heading: keep it for the root. */
				struct node tmp = { 0 };
				b.cur = &tmp;
				convert_block(&b, c, &preamble, &npre);
				sv_free(&tmp.links);
				sv_free(&tmp.aliases);
				b.cur = NULL;
			}
			continue;
		}
		if (lvl == 1 && d->root)
			lvl = 2; /* a second H1 is read as a section */
		struct node *n = node_new(&b, c, lvl);
		if (lvl == 1) {
			d->root = n;
		} else {
			if (!d->root) /* No H1: the front matter title names the root. */
				d->root = root_from_title(d, name);
			if (lvl == 2 || !b.last_h2) {
				n->level = 2;
				node_add_kid(d->root, n);
				b.last_h2 = n;
			} else {
				node_add_kid(b.last_h2, n);
			}
			if (lvl == 2)
				b.last_h2 = n;
		}
		b.cur = n;
		/* An array of pointers: its element is a pointer (not a mistake).
		 * NOLINTNEXTLINE(bugprone-sizeof-expression) */
		order = xrealloc(order, (norder + 1) * sizeof *order);
		starts = xrealloc(starts, (norder + 1) * sizeof *starts);
		order[norder] = n;
		starts[norder] = cmark_node_get_start_line(c) - 1;
		norder++;
	}
	cmark_node_free(root);

	if (!d->root) {
		*cause = xasprintf("%s: no headings found; an article needs a '# Title' and '## Section' headings",
				   name);
		blocks_free(preamble, npre);
		free(order);
		free(starts);
		free(b.line_start);
		sv_free(&b.ids_used);
		doc_free(d);
		return NULL;
	}
	if (npre) {
		/* Preamble text goes before the root's own body. */
		struct node *r = d->root;
		preamble = xrealloc(preamble, (npre + r->nbody) * sizeof *preamble);
		if (r->nbody)
			memcpy(preamble + npre, r->body, r->nbody * sizeof *preamble);
		free(r->body);
		r->body = preamble;
		r->nbody += npre;
	}
	for (size_t i = 0; i < norder; i++)
		section_hash(&b, order[i], starts[i], i + 1 < norder ? starts[i + 1] : (int)b.nlines);
	if (d->root->hash[0] == '\0')
		section_hash(&b, d->root, 0, 0);
	free(order);
	free(starts);
	free(b.line_start);
	sv_free(&b.ids_used);

	doc_index(d, d->root);
	for (size_t i = 0; i < d->nnodes; i++) {
		struct node *n = d->nodes[i];
		if (n->nids == 0 && n != d->root) {
			struct sbuf body = { 0 };
			block_text(n->body, n->nbody, &body, false);
			ids_from_text(n, sb_str(&body));
			sb_free(&body);
		}
		struct sbuf all = { 0 };
		sb_add(&all, n->title);
		sb_addc(&all, '\n');
		for (size_t k = 0; k < n->nids; k++)
			sb_printf(&all, "%u ", n->ids[k]);
		sb_add(&all, n->anchor);
		sb_addc(&all, '\n');
		block_text(n->body, n->nbody, &all, true);
		n->text = sb_steal(&all);
	}
	return d;
}

struct doc *doc_load_file(const char *path, char **cause)
{
	*cause = NULL;
	size_t len = 0;
	char *text = util_read_file(path, 16u * 1024 * 1024, &len);
	if (!text) {
		*cause = errno == EFBIG ? xasprintf("%s: larger than 16 MiB; not an article", path)
					: xasprintf("%s: %s", path, strerror(errno));
		return NULL;
	}
	struct doc *d = doc_parse(text, len, path, cause);
	free(text);
	return d;
}

struct doc *doc_load_builtin(const char *lang, char **cause)
{
	char name[64];
	snprintf(name, sizeof name, "article.%s.md", lang);
	const struct content_file *f = content_get(name);
	if (!f) {
		*cause = xasprintf("no built-in article for language '%s' (have: en, zh-CN)", lang);
		return NULL;
	}
	char label[64];
	snprintf(label, sizeof label, "built-in article (%s)", lang);
	struct doc *d = doc_parse((const char *)f->data, f->len, label, cause);
	if (d) {
		free(d->lang);
		d->lang = xstrdup(lang);
	}
	return d;
}
