/* doc.h: the troubleshooting article as a tree of sections. The markdown is
 * parsed with cmark at run time, so a newer edition can be loaded with
 * --doc; each heading becomes a node with its anchor, title, ErrorIDs and a
 * body of structured blocks. */
#ifndef ASR_DOC_H
#define ASR_DOC_H

#include <stdbool.h>
#include <stddef.h>

#include "engine/status.h"
#include "engine/util/util.h"

/* Inline style bits carried by spans and, later, by rendered segments. */
enum {
	STY_BOLD = 1u << 0,
	STY_EMPH = 1u << 1,
	STY_CODE = 1u << 2,
	STY_LINK = 1u << 3,
	STY_IMAGE = 1u << 4,
	STY_BREAK = 1u << 5, /* a hard line break; text is "" */
};

/* A run of inline text with one style. */
struct span {
	unsigned style;
	char *text; /* owned, UTF-8 */
	int link;   /* index into node->links, or -1 */
};

enum blk_kind {
	BLK_PARA,
	BLK_LIST,
	BLK_ITEM,
	BLK_CODE,
	BLK_CALLOUT,
	BLK_QUOTE,
	BLK_RULE,
	BLK_HEADING, /* a heading below level 3, kept in the body */
};

enum callout {
	CALLOUT_NOTE,
	CALLOUT_IMPORTANT,
	CALLOUT_TIP,
	CALLOUT_WARNING,
	CALLOUT_CAUTION,
};

struct block {
	enum blk_kind kind;
	struct span *spans; /* PARA, HEADING: owned */
	size_t nspans;
	char *code;         /* CODE: owned, ends with a newline */
	char *info;         /* CODE: owned fence info ("shell"), may be "" */
	enum callout callout;
	bool ordered;       /* LIST */
	int start;          /* LIST: first number of an ordered list */
	struct block *kids; /* LIST (items), ITEM, CALLOUT, QUOTE: owned */
	size_t nkids;
};

struct node {
	char *anchor;        /* owned; from <a name="...">, else the heading's
			      * identifier as Docs makes it (slug.h) */
	struct strvec aliases; /* other anchors that lead here: the Docs
				* identifier of a heading with an <a name>,
				* identifiers of deeper headings in the body */
	char *title;         /* owned, plain text */
	int level;           /* 1 root, 2, 3; a tab one below its section */
	bool tab;            /* a tab of a Docs tab group, titled by its label */
	unsigned *ids;       /* owned ErrorIDs named by the title (or body) */
	size_t nids;
	struct strvec codes; /* other codes in the title: "0x8004E00F", "exit 511" */
	struct block *body;  /* owned */
	size_t nbody;
	struct strvec links; /* link targets, absolute where they could be made so */
	char hash[13];       /* short hash of the section's markdown */
	int line;            /* line of the heading in the file (1-based) */
	struct node *parent; /* borrowed */
	struct node **kids;  /* owned array of owned nodes */
	size_t nkids;
	size_t index;        /* position in doc->nodes */
	char *text;          /* owned plain text of title+body, for search */
	/* Filled in by the checks: the node's own status and its subtree's. */
	enum status own;
	enum status rolled;
};

struct doc {
	char *name;        /* owned: the file name or "built-in (en)" */
	char *lang;        /* owned: "en", "zh-CN" (from front matter or caller) */
	char *title;       /* owned front matter values, "" when missing */
	char *description;
	char *date;
	struct node *root; /* owned */
	struct node **nodes; /* owned array, preorder, nodes[0] == root */
	size_t nnodes;
	char *locale;      /* owned: the Docs locale its links point at ("zh-tw") */
};

/* Parses an article. name is used in messages. Returns NULL and sets *cause
 * (caller frees) when the text is empty, not UTF-8, binary, or has no
 * heading. The caller owns the result (doc_free). */
struct doc *doc_parse(const char *text, size_t len, const char *name, char **cause);
/* Reads and parses a file; see doc_parse. */
struct doc *doc_load_file(const char *path, char **cause);
/* Parses the article compiled into the binary for lang ("en" or "zh-CN"). */
struct doc *doc_load_builtin(const char *lang, char **cause);
void doc_free(struct doc *d);

/* Finds a node by anchor (exact), else by one of its aliases, or NULL. */
struct node *doc_find_anchor(const struct doc *d, const char *anchor);
/* Fills out[] with the most specific nodes naming the ErrorID (a node is
 * left out when one of its descendants names it too); returns how many
 * matched, which may exceed max. */
size_t doc_find_id(const struct doc *d, unsigned id, struct node **out, size_t max);
/* Resolves what a user typed: an ErrorID, an anchor, or "#anchor". Same
 * contract as doc_find_id. */
size_t doc_resolve(const struct doc *d, const char *what, struct node **out, size_t max);
/* Finds the next node after index from (wrapping, in direction dir = +1 or
 * -1) whose title, body or ErrorIDs contain query (case-insensitive).
 * Returns NULL when none does. */
struct node *doc_search(const struct doc *d, const char *query, size_t from, int dir);
bool node_matches(const struct node *n, const char *query);
bool node_has_id(const struct node *n, unsigned id);
/* Whether a is b or an ancestor of b. */
bool node_contains(const struct node *a, const struct node *b);
/* The title cut to at most cols columns without ever cutting its ErrorIDs:
 * the words before "(ErrorID: ...)" are shortened first (the cut marked
 * with mark, one column wide); when even the list does not fit, the IDs
 * alone ("95519 95520 ...") follow what is left of the words. Caller
 * frees. */
char *node_title_fit(const struct node *n, size_t cols, const char *mark);
/* Writes "Root > Section > Sub" into b. */
void node_breadcrumb(const struct node *n, struct sbuf *b, const char *sep);
/* Recomputes every node's rolled status from own statuses. */
void doc_rollup(struct doc *d);

#endif
