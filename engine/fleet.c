/* fleet.c: many hosts' reports summarized: each report is replayed into
 * one session, its failing, erroring and warning checks copied out with
 * their ErrorIDs and one line of evidence; groups by ErrorID are built on
 * demand. */
#include "engine/fleet.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "engine/replay.h"

/* Reports are small; a fleet tool's file larger than this is not one. */
#define FLEET_REPORT_MAX (64u * 1024 * 1024)

/* The one line of evidence that says most: the first line of a file when
 * there is one, else the first item of any kind. NULL when none. */
static char *evidence_line(const struct check_result *r)
{
	const struct evidence *e = NULL;
	for (size_t i = 0; i < r->nev && !e; i++)
		if (r->ev[i].kind == EV_FILE && r->ev[i].line > 0)
			e = &r->ev[i];
	if (!e && r->nev)
		e = &r->ev[0];
	if (!e)
		return NULL;
	char *raw;
	switch (e->kind) {
	case EV_FILE:
		raw = e->line > 0 ? xasprintf("%s:%d: %s", e->path, e->line, e->text ? e->text : "")
				  : xasprintf("%s: %s", e->path, e->text ? e->text : "");
		break;
	case EV_COMMAND: {
		char *out = str_first_line(e->text ? e->text : "");
		raw = *out ? xasprintf("$ %s (exit %d): %s", e->command, e->exit_status, out)
			   : xasprintf("$ %s (exit %d)", e->command, e->exit_status);
		free(out);
		break;
	}
	default:
		raw = xstrdup(e->text ? e->text : "");
		break;
	}
	char *line = str_first_line(raw);
	free(raw);
	return line;
}

/* The file name without its folder and a trailing ".json". */
static char *host_name(const char *path)
{
	const char *base = strrchr(path, '/');
	base = base ? base + 1 : path;
	size_t n = strlen(base);
	if (n > 5 && str_ends(base, ".json"))
		n -= 5;
	char *name = xstrndup(base, n);
	char *clean = str_first_line(name);
	free(name);
	return clean;
}

/* Copies the checks of session s with status st into h. */
static void take_checks(struct fleet_host *h, const struct session *s, enum status st)
{
	for (size_t i = 0; i < s->nbindings; i++) {
		const struct check_result *r = &s->results[i];
		if (r->status != st)
			continue;
		const struct binding *b = &s->bindings[i];
		h->checks = xrealloc(h->checks, (h->nchecks + 1) * sizeof *h->checks);
		struct fleet_check *c = &h->checks[h->nchecks++];
		c->check_id = b->check->id;
		c->title = check_title(b->check);
		c->anchor = b->nnodes ? b->nodes[0]->anchor : "";
		c->status = st;
		c->finding = str_first_line(r->finding ? r->finding : "");
		c->evidence = evidence_line(r);
		c->nids = session_error_ids(s, i, &c->ids);
	}
}

const struct fleet_host *fleet_add_file(struct fleet *f, struct session *s, const char *path)
{
	f->hosts = xgrow(f->hosts, &f->cap, f->nhosts + 1, sizeof *f->hosts);
	struct fleet_host *h = &f->hosts[f->nhosts++];
	memset(h, 0, sizeof *h);
	h->name = host_name(path);
	h->file = xstrdup(path);
	h->worst = STATUS_ERROR;
	char *json = util_read_file(path, FLEET_REPORT_MAX, NULL);
	if (!json) {
		h->problem = xstrdup(strerror(errno));
		return h;
	}
	struct replay_info info;
	char *cause = NULL;
	if (replay_load(json, s, &info, &cause) < 0) {
		h->problem = str_first_line(cause);
		free(cause);
		free(json);
		return h;
	}
	free(json);
	if (info.have_facts && info.facts.hostname && strcmp(info.facts.hostname, FACTS_UNKNOWN) != 0)
		h->hostname = str_first_line(info.facts.hostname);
	if (info.target_name)
		h->target = str_first_line(info.target_name);
	replay_info_free(&info);
	h->worst = STATUS_NONE;
	for (size_t i = 0; i < s->nbindings; i++) {
		h->count[s->results[i].status]++;
		h->worst = status_worse(h->worst, s->results[i].status);
	}
	take_checks(h, s, STATUS_FAIL);
	take_checks(h, s, STATUS_ERROR);
	take_checks(h, s, STATUS_WARN);
	return h;
}

bool fleet_host_fails(const struct fleet_host *h)
{
	return h->count[STATUS_FAIL] > 0;
}

/* The group for id (or anchor when id is 0) in g[0..*n), added when new. */
static struct fleet_group *group_for(struct fleet_group **g, size_t *n, size_t *cap, unsigned id,
				     const char *anchor)
{
	if (!id && !anchor)
		anchor = ""; /* a report may name neither (or ErrorID 0) */
	for (size_t i = 0; i < *n; i++)
		if ((*g)[i].id == id && (id || strcmp((*g)[i].anchor, anchor) == 0))
			return &(*g)[i];
	*g = xgrow(*g, cap, *n + 1, sizeof **g);
	struct fleet_group *gr = &(*g)[(*n)++];
	memset(gr, 0, sizeof *gr);
	gr->id = id;
	gr->anchor = id ? NULL : anchor;
	return gr;
}

static void group_add(struct fleet_group *gr, size_t host, const char *check_id)
{
	if (!gr->nhosts || gr->hosts[gr->nhosts - 1] != host) {
		gr->hosts = xrealloc(gr->hosts, (gr->nhosts + 1) * sizeof *gr->hosts);
		gr->hosts[gr->nhosts++] = host;
	}
	if (!sv_contains(&gr->checks, check_id))
		sv_push(&gr->checks, check_id);
}

static int group_cmp(const void *a, const void *b)
{
	const struct fleet_group *x = a, *y = b;
	if (!x->id != !y->id)
		return x->id ? -1 : 1;
	if (x->id)
		return x->id < y->id ? -1 : x->id > y->id;
	return strcmp(x->anchor, y->anchor);
}

size_t fleet_groups(const struct fleet *f, struct fleet_group **out)
{
	struct fleet_group *g = NULL;
	size_t n = 0, cap = 0;
	for (size_t h = 0; h < f->nhosts; h++)
		for (size_t k = 0; k < f->hosts[h].nchecks; k++) {
			const struct fleet_check *c = &f->hosts[h].checks[k];
			if (c->status != STATUS_FAIL)
				continue;
			if (!c->nids)
				group_add(group_for(&g, &n, &cap, 0, c->anchor), h, c->check_id);
			for (size_t i = 0; i < c->nids; i++)
				group_add(group_for(&g, &n, &cap, c->ids[i], NULL), h, c->check_id);
		}
	if (n)
		qsort(g, n, sizeof *g, group_cmp);
	*out = g;
	return n;
}

void fleet_groups_free(struct fleet_group *g, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(g[i].hosts);
		sv_free(&g[i].checks);
	}
	free(g);
}

static void add_str_or_null(cJSON *o, const char *key, const char *v)
{
	if (v)
		cJSON_AddStringToObject(o, key, v);
	else
		cJSON_AddNullToObject(o, key);
}

static cJSON *host_json(const struct fleet_host *h)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "host", h->name);
	cJSON_AddStringToObject(o, "file", h->file);
	add_str_or_null(o, "hostname", h->hostname);
	add_str_or_null(o, "target", h->target);
	cJSON_AddStringToObject(o, "status", status_name(h->worst));
	cJSON_AddBoolToObject(o, "will_fail", fleet_host_fails(h));
	add_str_or_null(o, "problem", h->problem);
	cJSON *cnt = cJSON_AddObjectToObject(o, "summary");
	for (int st = 0; st < STATUS__COUNT; st++)
		cJSON_AddNumberToObject(cnt, status_name((enum status)st), (double)h->count[st]);
	cJSON *checks = cJSON_AddArrayToObject(o, "checks");
	for (size_t k = 0; k < h->nchecks; k++) {
		const struct fleet_check *c = &h->checks[k];
		cJSON *co = cJSON_CreateObject();
		cJSON_AddStringToObject(co, "check", c->check_id);
		cJSON_AddStringToObject(co, "title", c->title);
		cJSON_AddStringToObject(co, "node", c->anchor);
		cJSON_AddStringToObject(co, "status", status_name(c->status));
		cJSON *ids = cJSON_AddArrayToObject(co, "error_ids");
		for (size_t i = 0; i < c->nids; i++)
			cJSON_AddItemToArray(ids, cJSON_CreateNumber(c->ids[i]));
		cJSON_AddStringToObject(co, "finding", c->finding);
		add_str_or_null(co, "evidence", c->evidence);
		cJSON_AddItemToArray(checks, co);
	}
	return o;
}

char *fleet_json(const struct fleet *f)
{
	cJSON *root = cJSON_CreateObject();
	cJSON_AddNumberToObject(root, "schema", 1);
	cJSON_AddStringToObject(root, "tool", "asr-doctor");
	cJSON_AddStringToObject(root, "version", ASR_VERSION);
	size_t fail = 0, error = 0, warn = 0, unreadable = 0;
	for (size_t h = 0; h < f->nhosts; h++) {
		const struct fleet_host *fh = &f->hosts[h];
		unreadable += fh->problem != NULL;
		fail += fleet_host_fails(fh);
		error += !fleet_host_fails(fh) && fh->worst == STATUS_ERROR;
		warn += fh->worst == STATUS_WARN;
	}
	cJSON *sum = cJSON_AddObjectToObject(root, "summary");
	cJSON_AddNumberToObject(sum, "hosts", (double)f->nhosts);
	cJSON_AddNumberToObject(sum, "will_fail", (double)fail);
	cJSON_AddNumberToObject(sum, "error", (double)error);
	cJSON_AddNumberToObject(sum, "warn", (double)warn);
	cJSON_AddNumberToObject(sum, "pass", (double)(f->nhosts - fail - error - warn));
	cJSON_AddNumberToObject(sum, "unreadable", (double)unreadable);
	cJSON *hosts = cJSON_AddArrayToObject(root, "hosts");
	for (size_t h = 0; h < f->nhosts; h++)
		cJSON_AddItemToArray(hosts, host_json(&f->hosts[h]));
	struct fleet_group *g;
	size_t ng = fleet_groups(f, &g);
	cJSON *groups = cJSON_AddArrayToObject(root, "error_ids");
	for (size_t i = 0; i < ng; i++) {
		cJSON *go = cJSON_CreateObject();
		if (g[i].id)
			cJSON_AddNumberToObject(go, "error_id", g[i].id);
		else
			cJSON_AddNullToObject(go, "error_id");
		add_str_or_null(go, "node", g[i].anchor);
		cJSON *gh = cJSON_AddArrayToObject(go, "hosts");
		for (size_t k = 0; k < g[i].nhosts; k++)
			cJSON_AddItemToArray(gh, cJSON_CreateString(f->hosts[g[i].hosts[k]].name));
		cJSON *gc = cJSON_AddArrayToObject(go, "checks");
		for (size_t k = 0; k < g[i].checks.n; k++)
			cJSON_AddItemToArray(gc, cJSON_CreateString(g[i].checks.v[k]));
		cJSON_AddItemToArray(groups, go);
	}
	fleet_groups_free(g, ng);
	char *out = cJSON_Print(root);
	cJSON_Delete(root);
	char *copy = xstrdup(out ? out : "{}");
	cJSON_free(out);
	return copy;
}

void fleet_free(struct fleet *f)
{
	for (size_t h = 0; h < f->nhosts; h++) {
		struct fleet_host *fh = &f->hosts[h];
		for (size_t k = 0; k < fh->nchecks; k++) {
			free(fh->checks[k].finding);
			free(fh->checks[k].evidence);
			free(fh->checks[k].ids);
		}
		free(fh->checks);
		free(fh->name);
		free(fh->file);
		free(fh->hostname);
		free(fh->target);
		free(fh->problem);
	}
	free(f->hosts);
	memset(f, 0, sizeof *f);
}
