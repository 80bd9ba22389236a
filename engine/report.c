/* report.c: check results as a JSON document (cJSON owns the tree until
 * it is printed). */
#include "engine/report.h"

#include <cjson/cJSON.h>
#include <stdlib.h>

static cJSON *evidence_json(const struct evidence *e)
{
	cJSON *o = cJSON_CreateObject();
	switch (e->kind) {
	case EV_FILE:
		cJSON_AddStringToObject(o, "kind", "file");
		cJSON_AddStringToObject(o, "path", e->path);
		cJSON_AddNumberToObject(o, "line", e->line);
		cJSON_AddStringToObject(o, "text", e->text);
		break;
	case EV_COMMAND:
		cJSON_AddStringToObject(o, "kind", "command");
		cJSON_AddStringToObject(o, "command", e->command);
		cJSON_AddNumberToObject(o, "exit_status", e->exit_status);
		cJSON_AddStringToObject(o, "output", e->text);
		break;
	case EV_NOTE:
		cJSON_AddStringToObject(o, "kind", "note");
		cJSON_AddStringToObject(o, "text", e->text);
		break;
	}
	return o;
}

static cJSON *result_json(const struct session *s, size_t i)
{
	const struct binding *b = &s->bindings[i];
	const struct check_result *r = &s->results[i];
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "check", b->check->id);
	cJSON_AddStringToObject(o, "title", check_title(b->check));
	cJSON_AddStringToObject(o, "node", b->nnodes ? b->nodes[0]->anchor : "");
	cJSON *nodes = cJSON_AddArrayToObject(o, "nodes");
	for (size_t k = 0; k < b->nnodes; k++)
		cJSON_AddItemToArray(nodes, cJSON_CreateString(b->nodes[k]->anchor));
	unsigned *idv;
	size_t nid = session_error_ids(s, i, &idv);
	cJSON *ids = cJSON_AddArrayToObject(o, "error_ids");
	for (size_t k = 0; k < nid; k++)
		cJSON_AddItemToArray(ids, cJSON_CreateNumber(idv[k]));
	free(idv);
	cJSON_AddStringToObject(o, "status", status_name(r->status));
	cJSON_AddStringToObject(o, "finding", r->finding ? r->finding : "");
	cJSON_AddBoolToObject(o, "section_changed", b->changed);
	cJSON_AddBoolToObject(o, "section_missing", b->missing);
	cJSON_AddNumberToObject(o, "ms", (double)(long long)(r->ms * 10) / 10.0);
	cJSON *ev = cJSON_AddArrayToObject(o, "evidence");
	for (size_t k = 0; k < r->nev; k++)
		cJSON_AddItemToArray(ev, evidence_json(&r->ev[k]));
	return o;
}

char *report_check_json(const struct session *s, const struct target *t, const size_t *idx, size_t n)
{
	cJSON *root = cJSON_CreateObject();
	cJSON_AddNumberToObject(root, "schema", 1);
	cJSON_AddStringToObject(root, "tool", "asr-doctor");
	cJSON_AddStringToObject(root, "version", ASR_VERSION);
	cJSON *tg = cJSON_AddObjectToObject(root, "target");
	cJSON_AddStringToObject(tg, "kind", target_kind_name(t));
	cJSON_AddStringToObject(tg, "name", t->name);
	if (target_location(t))
		cJSON_AddStringToObject(tg, "root", target_location(t));
	cJSON *art = cJSON_AddObjectToObject(root, "article");
	cJSON_AddStringToObject(art, "name", s->doc->name);
	cJSON_AddStringToObject(art, "lang", s->doc->lang);
	cJSON_AddStringToObject(art, "date", s->doc->date);
	size_t count[STATUS__COUNT] = { 0 };
	cJSON *results = cJSON_CreateArray();
	size_t total = idx ? n : s->nbindings;
	for (size_t k = 0; k < total; k++) {
		size_t i = idx ? idx[k] : k;
		count[s->results[i].status]++;
		cJSON_AddItemToArray(results, result_json(s, i));
	}
	cJSON *sum = cJSON_AddObjectToObject(root, "summary");
	for (int st = 0; st < STATUS__COUNT; st++)
		cJSON_AddNumberToObject(sum, status_name((enum status)st), (double)count[st]);
	cJSON_AddItemToObject(root, "results", results);
	char *out = cJSON_Print(root);
	cJSON_Delete(root);
	char *copy = xstrdup(out ? out : "{}");
	cJSON_free(out);
	return copy;
}
