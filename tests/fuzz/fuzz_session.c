/* fuzz_session.c: binding checks to the article (session_new) with any
 * bindings JSON, against the built-in English article. */
#include "tests/fuzz/fuzz.h"

#include <stdlib.h>

#include "engine/doc.h"
#include "engine/session.h"

FUZZ_DECLARE(session);

int FUZZ_ENTRY(session)(const uint8_t *data, size_t size)
{
	static struct doc *doc;
	char *cause = NULL;
	if (!doc && !(doc = doc_load_builtin("en", &cause)))
		fuzz_fail("built-in article: %s", cause);
	char *json = fuzz_cstr(data, size);
	struct session *s = session_new(doc, json, &cause);
	if (!s) {
		if (!cause || !*cause)
			fuzz_fail("session_new failed without saying why");
		free(cause);
		free(json);
		return 0;
	}
	for (size_t i = 0; i < s->nbindings; i++) {
		const struct binding *b = &s->bindings[i];
		if (!b->check)
			fuzz_fail("session: binding %zu has no check", i);
		if (session_find(s, b->check->id) < 0)
			fuzz_fail("session: check %s bound but not found", b->check->id);
		for (size_t k = 0; k < b->nnodes; k++)
			if (b->nodes[k]->index >= doc->nnodes ||
			    doc->nodes[b->nodes[k]->index] != b->nodes[k])
				fuzz_fail("session: binding %zu: a node outside the article", i);
	}
	for (size_t i = 0; i < doc->nnodes; i++) {
		size_t *idx = NULL;
		size_t n = session_checks_for(s, doc->nodes[i], i == 0, &idx);
		for (size_t k = 0; k < n; k++)
			if (idx[k] >= s->nbindings)
				fuzz_fail("session: check index %zu out of range", idx[k]);
		free(idx);
		session_node_changed(s, doc->nodes[i]);
	}
	session_free(s);
	free(json);
	return 0;
}
