/* render.h: lays out a section (or any styled text) as lines of styled
 * segments wrapped to a width in terminal columns. The TUI draws these
 * lines; `explain` prints them as plain text. English and Korean wrap at
 * spaces, Chinese and Japanese at any character. */
#ifndef ASR_RENDER_H
#define ASR_RENDER_H

#include <stdbool.h>
#include <stdio.h>

#include "engine/doc.h"

/* Styles beyond the inline ones of doc.h (STY_BOLD ... STY_IMAGE). */
enum {
	STY_TITLE = 1u << 8,
	STY_DIM = 1u << 9,
	STY_MARKER = 1u << 10, /* list bullets, call-out bars */
	STY_PASS = 1u << 11,
	STY_FAIL = 1u << 12,
	STY_WARN = 1u << 13,
	STY_HIT = 1u << 14,    /* search match */
};

struct seg {
	unsigned style;
	char *text; /* owned */
};

struct rline {
	struct seg *segs; /* owned */
	size_t nsegs;
	size_t cap;
	size_t cols;      /* width in columns */
	int ref;          /* a section's followable entry this line starts,
			   * counted from 1: its links ([1] ...), then its
			   * "In this section" entries; 0 for other lines */
};

struct rpage {
	struct rline *lines; /* owned */
	size_t nlines;
	size_t cap;
};

struct render_opts {
	int width;       /* columns available (at least 10 is used) */
	bool utf8;       /* bullets and bars from UTF-8, else ASCII */
	bool wrap_code;  /* hard-wrap long code lines (TUI) or keep them whole */
	bool show_meta;  /* title, ErrorIDs and anchor header */
	const char *more_hint; /* how to see evidence left out, or NULL for
				* the wizard's "e" key */
};

/* Appends the header of node n: title (a tab's after its section's),
 * ErrorIDs, codes and anchor. */
void render_node_meta(struct rpage *pg, const struct node *n, const struct render_opts *o);
/* Appends the section of node n (header when o->show_meta, body, links,
 * subsections). */
void render_node(struct rpage *pg, const struct doc *d, const struct node *n,
		 const struct render_opts *o);
/* Appends text wrapped to o->width, each line starting with prefix (first)
 * and cont (following lines). */
void render_text(struct rpage *pg, const char *text, unsigned style, const char *prefix,
		 const char *cont, const struct render_opts *o);
/* Appends one line of styled text, cut to o->width when too long. */
void render_line(struct rpage *pg, const char *text, unsigned style, const struct render_opts *o);
void render_blank(struct rpage *pg);
struct session;
/* Appends the live checks bound to node n (status, finding and evidence:
 * a summary, or everything when full). Nothing when none is bound. */
void render_results(struct rpage *pg, const struct session *s, const struct node *n,
		    const struct render_opts *o, bool full);
/* Appends one check result (used by reports). */
struct check_result;
void render_result(struct rpage *pg, const struct check_result *r, const char *title,
		   const struct render_opts *o, bool full);
/* Writes the page as plain text, one line each, trailing blanks removed. */
void rpage_write(FILE *f, const struct rpage *pg);
/* The plain text of line i (caller frees). */
char *rline_text(const struct rline *l);
void rpage_free(struct rpage *pg);

#endif
