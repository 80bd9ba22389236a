/* codes.h: the spellings of the codes an engineer meets in installer logs,
 * portal messages and the article, and the table from those codes to the
 * article's sections.
 *
 * One code has many spellings. An HRESULT is written signed decimal
 * (-2147164145), unsigned decimal (2147803151), hex (0x8004E00F) or, when
 * typed alone, bare hex (8004E00F); the Windows installer prints
 * "- Error code: -2147164145 [0x8004E00F]" then "- Exit code: 802". An exit
 * code is "exit code 511", "Exit code: 511" or (the canonical form) "exit
 * 511". An ErrorID is "ErrorID: 95320", "Error ID 95320", "错误 ID：95320" or
 * bare 95320 when typed alone or in a pasted portal message. codes_scan
 * is the only parser of these spellings: the article's titles, the log
 * scanner and what a user types all go through it.
 *
 * The table (struct codemap) holds what the article tree names (ErrorIDs,
 * the installer codes of section titles) plus the "log" entries of
 * content/bindings.json: codes and messages the article shows only in a
 * section's body, bound to a section by a code of its title first and by
 * anchor second. */
#ifndef ASR_CODES_H
#define ASR_CODES_H

#include <stdbool.h>
#include <stddef.h>

#include "engine/doc.h"

enum code_kind {
	CODE_ERRORID,  /* value: the ErrorID */
	CODE_HRESULT,  /* value: the 32-bit HRESULT (0x8004E00F) */
	CODE_EXIT,     /* value: the exit code (may be negative) */
	CODE_MESSAGE,  /* value: index of a message in the codemap */
};

struct code {
	enum code_kind kind;
	long long value;
};

/* One spelling found in a text. */
struct code_hit {
	struct code code;
	size_t start, end; /* bytes [start, end) of the spelling */
	/* Shaped like an installer or HRESULT code (a labelled number, an
	 * 8-digit failure HRESULT, a signed 10-digit decimal): worth listing
	 * even when the article does not name it. A bare 0x7 or a large
	 * unsigned number is a code only when the article names it. */
	bool strong;
};

enum {
	CODES_TEXT = 0,       /* a log line or a title */
	CODES_QUERY = 1u << 0 /* what a user typed or pasted: bare 95320 and
			       * bare 8004E00F count too, and "exit 511" */
};

/* Finds the code spellings in s[0..len) (UTF-8, need not be
 * NUL-terminated), left to right, one hit per spelling (a code spelled
 * twice on a line gives two hits). Writes at most max hits to out and
 * returns how many were found (may exceed max). Never fails. */
size_t codes_scan(const char *s, size_t len, unsigned flags, struct code_hit *out, size_t max);
/* The canonical spelling: "95320", "0x8004E00F", "exit 511"; messages as
 * "message N". Writes at most n bytes (NUL-terminated); returns buf. */
char *code_format(const struct code *c, char *buf, size_t n);
/* "errorid", "hresult", "exit", "message": for JSON. */
const char *code_kind_name(enum code_kind k);
bool code_equal(const struct code *a, const struct code *b);

struct codemap_entry {
	struct code code;  /* HRESULT or EXIT (ErrorIDs are looked up in the tree) */
	struct node *node; /* borrowed from the doc */
};

struct codemap {
	const struct doc *doc;         /* borrowed */
	struct codemap_entry *entries; /* owned */
	size_t n;
	struct strvec messages;        /* owned message texts, CODE_MESSAGE values */
	struct node **message_nodes;   /* owned array of borrowed nodes, one per message */
};

/* Builds the table for doc from its titles and the "log" entries of
 * bindings_json (the embedded content/bindings.json when NULL). An entry
 * whose section is missing from this edition is skipped. Returns NULL and
 * *cause (caller frees) when the JSON is malformed. Caller frees the map
 * (codemap_free) before the doc. */
struct codemap *codemap_new(const struct doc *doc, const char *bindings_json, char **cause);
void codemap_free(struct codemap *m);
/* The most specific sections naming c (a section is left out when one of
 * its descendants names c too). Fills out[] with at most max nodes and
 * returns how many matched (may exceed max). */
size_t codemap_find(const struct codemap *m, const struct code *c, struct node **out, size_t max);
/* The code as users read it: its canonical spelling, or a message in
 * double quotes. Caller frees. */
char *codemap_label(const struct codemap *m, const struct code *c);
/* Resolves what a user typed or pasted: an anchor ("#anchor" too), or
 * every code spelling in it (a whole portal message finds its ErrorID).
 * The union of the sections, in the order the codes appear; same contract
 * as codemap_find. */
size_t codemap_resolve(const struct codemap *m, const char *what, struct node **out, size_t max);

#endif
