/* session.h: one troubleshooting session: the article, the bindings of
 * checks to its nodes (content/bindings.json), and the latest result of
 * every check. The wizard, `check` and `report` all work through this. */
#ifndef ASR_SESSION_H
#define ASR_SESSION_H

#include <stdbool.h>

#include "engine/check.h"
#include "engine/doc.h"

/* A check bound to the nodes it belongs to. */
struct binding {
	const struct check_def *check; /* borrowed from the registry */
	struct node **nodes;           /* borrowed from the doc; owned array */
	size_t nnodes;
	bool changed;                  /* a bound section's text differs from
					* the one the binding was written for */
	bool missing;                  /* no section of this edition has its
					* ErrorIDs or anchor: bound to the root */
	unsigned *error_ids;           /* owned: the ErrorIDs it was bound by */
	size_t nerror_ids;
	char *anchor;                  /* owned: the anchor it was bound by, or NULL */
};

struct session {
	struct doc *doc;               /* borrowed */
	struct binding *bindings;      /* owned, one per bound check */
	size_t nbindings;
	struct check_result *results;  /* owned, parallel to bindings;
					* status NONE until run */
	struct strvec warnings;        /* problems found while binding */
};

/* Binds every check of the registry to doc's nodes using the bindings
 * JSON (bindings_json, or the embedded content/bindings.json when NULL).
 * A check whose section this edition lacks is bound to the root and marked
 * missing, so every edition runs and counts the same checks. Returns NULL
 * and *cause on malformed JSON. */
struct session *session_new(struct doc *doc, const char *bindings_json, char **cause);
void session_free(struct session *s);
/* The binding index of a check id, or -1. */
int session_find(const struct session *s, const char *check_id);
/* Whether binding b was written for what the user typed: one of its
 * ErrorIDs, or its anchor (with or without '#'). */
bool binding_names(const struct binding *b, const char *what);
/* The title of binding i's check as the front ends show it, with "its
 * section is not in this edition" when it is missing. Caller frees. */
char *session_check_title(const struct session *s, size_t i);
/* Indices of the bindings on node n or, with subtree, under it. Returns
 * the count; *out is an owned array. */
size_t session_checks_for(const struct session *s, const struct node *n, bool subtree, size_t **out);
/* The ErrorIDs of binding i's nodes, each once, in the order the nodes
 * name them. Returns the count; *out is an owned array (NULL when none). */
size_t session_error_ids(const struct session *s, size_t i, unsigned **out);
/* Stores a result (taking its contents) and updates node statuses. */
void session_store(struct session *s, struct check_result *r);
/* Whether any binding of node n is marked changed. */
bool session_node_changed(const struct session *s, const struct node *n);
/* Resets every result to "not run". */
void session_clear(struct session *s);

#endif
