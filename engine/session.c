/* session.c: binding checks to article nodes (by ErrorID first, anchor
 * second) and keeping the latest results. */
#include "engine/session.h"

#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>

#include "engine/content.h"
#include "engine/util/msg.h"

static void add_node(struct binding *b, struct node *n)
{
	for (size_t i = 0; i < b->nnodes; i++)
		if (b->nodes[i] == n)
			return;
	/* An array of pointers sized by its element (a pointer).
	 * NOLINTNEXTLINE(bugprone-sizeof-expression) */
	b->nodes = xrealloc(b->nodes, (b->nnodes + 1) * sizeof *b->nodes);
	b->nodes[b->nnodes++] = n;
}

/* Whether node n still has the text the binding was written for: its
 * anchor is listed under "sections" with a hash for some language. */
static bool section_known(const cJSON *sections, const struct node *n)
{
	const cJSON *entry = cJSON_GetObjectItemCaseSensitive(sections, n->anchor);
	if (!entry)
		return false;
	const cJSON *h;
	cJSON_ArrayForEach(h, entry)
	{
		if (cJSON_IsString(h) && strcmp(h->valuestring, n->hash) == 0)
			return true;
	}
	return false;
}

static bool bind_one(struct session *s, const cJSON *item, const cJSON *sections, char **cause)
{
	const cJSON *check = cJSON_GetObjectItemCaseSensitive(item, "check");
	const cJSON *ids = cJSON_GetObjectItemCaseSensitive(item, "error_ids");
	const cJSON *anchor = cJSON_GetObjectItemCaseSensitive(item, "anchor");
	if (!cJSON_IsString(check) || (ids && !cJSON_IsArray(ids)) || (anchor && !cJSON_IsString(anchor))) {
		*cause = xstrdup("bindings: each entry needs \"check\" (string), and \"error_ids\" (array) or \"anchor\" (string)");
		return false;
	}
	const struct check_def *def = check_find(check->valuestring);
	if (!def) {
		sv_take(&s->warnings, xasprintf("bindings: unknown check '%s'", check->valuestring));
		return true;
	}
	struct binding b = { .check = def, .anchor = anchor ? xstrdup(anchor->valuestring) : NULL };
	const cJSON *id;
	cJSON_ArrayForEach(id, ids)
	{
		if (!cJSON_IsNumber(id))
			continue;
		b.error_ids = xrealloc(b.error_ids, (b.nerror_ids + 1) * sizeof *b.error_ids);
		b.error_ids[b.nerror_ids++] = (unsigned)id->valueint;
		struct node *found[8];
		size_t n = doc_find_id(s->doc, (unsigned)id->valueint, found, 8);
		for (size_t i = 0; i < n && i < 8; i++)
			add_node(&b, found[i]);
	}
	if (b.nnodes == 0 && anchor) {
		struct node *n = doc_find_anchor(s->doc, anchor->valuestring);
		if (n)
			add_node(&b, n);
	}
	if (b.nnodes == 0) {
		/* The check still runs: it shows under the root, marked. */
		sv_take(&s->warnings, xasprintf("check %s: no section of %s has its ErrorIDs or anchor",
						def->id, s->doc->name));
		add_node(&b, s->doc->root);
		b.missing = true;
	}
	for (size_t i = 0; i < b.nnodes && !b.missing; i++)
		if (!section_known(sections, b.nodes[i]))
			b.changed = true;
	s->bindings = xrealloc(s->bindings, (s->nbindings + 1) * sizeof *s->bindings);
	s->bindings[s->nbindings++] = b;
	return true;
}

struct session *session_new(struct doc *doc, const char *bindings_json, char **cause)
{
	*cause = NULL;
	if (!bindings_json) {
		const struct content_file *f = content_get("bindings.json");
		if (!f) {
			*cause = xstrdup("bindings.json is not built in");
			return NULL;
		}
		bindings_json = (const char *)f->data;
	}
	cJSON *root = cJSON_Parse(bindings_json);
	if (!root) {
		const char *at = cJSON_GetErrorPtr();
		*cause = xasprintf("bindings: malformed JSON near '%.20s'", at ? at : "?");
		return NULL;
	}
	const cJSON *list = cJSON_GetObjectItemCaseSensitive(root, "bindings");
	const cJSON *sections = cJSON_GetObjectItemCaseSensitive(root, "sections");
	if (!cJSON_IsArray(list)) {
		*cause = xstrdup("bindings: no \"bindings\" array");
		cJSON_Delete(root);
		return NULL;
	}
	struct session *s = xcalloc(1, sizeof *s);
	s->doc = doc;
	const cJSON *item;
	cJSON_ArrayForEach(item, list)
	{
		if (!bind_one(s, item, sections, cause)) {
			cJSON_Delete(root);
			session_free(s);
			return NULL;
		}
	}
	cJSON_Delete(root);
	s->results = xcalloc(s->nbindings ? s->nbindings : 1, sizeof *s->results);
	for (size_t i = 0; i < s->nbindings; i++)
		result_init(&s->results[i], s->bindings[i].check->id);
	return s;
}

void session_free(struct session *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->nbindings; i++) {
		free(s->bindings[i].nodes);
		free(s->bindings[i].error_ids);
		free(s->bindings[i].anchor);
		/* A session that failed while binding has no results yet. */
		if (s->results)
			result_free(&s->results[i]);
	}
	free(s->bindings);
	free(s->results);
	sv_free(&s->warnings);
	free(s);
}

int session_find(const struct session *s, const char *check_id)
{
	for (size_t i = 0; i < s->nbindings; i++)
		if (strcmp(s->bindings[i].check->id, check_id) == 0)
			return (int)i;
	return -1;
}

bool binding_names(const struct binding *b, const char *what)
{
	if (what[0] == '#')
		what++;
	if (b->anchor && strcmp(b->anchor, what) == 0)
		return true;
	char *end;
	unsigned long v = strtoul(what, &end, 10);
	if (!*what || *end || what[0] == '-' || what[0] == '+')
		return false;
	for (size_t i = 0; i < b->nerror_ids; i++)
		if (b->error_ids[i] == v)
			return true;
	return false;
}

char *session_check_title(const struct session *s, size_t i)
{
	const struct binding *b = &s->bindings[i];
	if (b->missing)
		return xasprintf("%s (%s)", check_title(b->check), msg(M_NOT_IN_EDITION));
	return xstrdup(check_title(b->check));
}

size_t session_checks_for(const struct session *s, const struct node *n, bool subtree, size_t **out)
{
	size_t count = 0;
	*out = xcalloc(s->nbindings ? s->nbindings : 1, sizeof **out);
	for (size_t i = 0; i < s->nbindings; i++) {
		const struct binding *b = &s->bindings[i];
		for (size_t k = 0; k < b->nnodes; k++)
			if (b->nodes[k] == n || (subtree && node_contains(n, b->nodes[k]))) {
				(*out)[count++] = i;
				break;
			}
	}
	return count;
}

static void recompute(struct session *s)
{
	for (size_t i = 0; i < s->doc->nnodes; i++)
		s->doc->nodes[i]->own = STATUS_NONE;
	for (size_t i = 0; i < s->nbindings; i++)
		for (size_t k = 0; k < s->bindings[i].nnodes; k++) {
			struct node *n = s->bindings[i].nodes[k];
			n->own = status_worse(n->own, s->results[i].status);
		}
	doc_rollup(s->doc);
}

size_t session_error_ids(const struct session *s, size_t i, unsigned **out)
{
	const struct binding *b = &s->bindings[i];
	unsigned *ids = NULL;
	size_t n = 0, cap = 0;
	for (size_t k = 0; k < b->nnodes; k++)
		for (size_t j = 0; j < b->nodes[k]->nids; j++) {
			unsigned id = b->nodes[k]->ids[j];
			bool dup = false;
			for (size_t m = 0; m < n && !dup; m++)
				dup = ids[m] == id;
			if (!dup) {
				ids = xgrow(ids, &cap, n + 1, sizeof *ids);
				ids[n++] = id;
			}
		}
	*out = ids;
	return n;
}

void session_store(struct session *s, struct check_result *r)
{
	int i = session_find(s, r->check_id);
	if (i < 0) {
		result_free(r);
		return;
	}
	result_free(&s->results[i]);
	s->results[i] = *r;
	memset(r, 0, sizeof *r);
	recompute(s);
}

bool session_node_changed(const struct session *s, const struct node *n)
{
	for (size_t i = 0; i < s->nbindings; i++)
		if (s->bindings[i].changed)
			for (size_t k = 0; k < s->bindings[i].nnodes; k++)
				if (s->bindings[i].nodes[k] == n)
					return true;
	return false;
}

void session_clear(struct session *s)
{
	for (size_t i = 0; i < s->nbindings; i++) {
		result_free(&s->results[i]);
		result_init(&s->results[i], s->bindings[i].check->id);
	}
	recompute(s);
}
