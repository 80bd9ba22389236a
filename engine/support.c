/* support.c: loading content/support.json with cJSON and looking systems
 * up in it. */
#include "engine/support.h"

#include <cjson/cJSON.h>
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

#include "engine/content.h"

/* Appends every string of a JSON array to sv; false when an element is
 * not a string. */
static bool strings(const cJSON *arr, struct strvec *sv)
{
	const cJSON *e;
	cJSON_ArrayForEach (e, arr) {
		if (!cJSON_IsString(e))
			return false;
		sv_push(sv, e->valuestring);
	}
	return true;
}

/* A string member or NULL. */
static const char *str_member(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
	return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* Fills d from one "linux" entry; false and *cause on a schema error. */
static bool load_distro(const cJSON *o, struct support_distro *d, char **cause)
{
	const char *id = str_member(o, "id"), *name = str_member(o, "name");
	const cJSON *versions = cJSON_GetObjectItemCaseSensitive(o, "versions");
	const cJSON *kernels = cJSON_GetObjectItemCaseSensitive(o, "kernels");
	const char *match = str_member(o, "version_match");
	if (!id || !cJSON_IsArray(versions)) {
		*cause =
		    xstrdup("support.json: a linux entry needs \"id\" and a \"versions\" array");
		return false;
	}
	d->id = xstrdup(id);
	d->name = xstrdup(name ? name : id);
	const char *note = str_member(o, "note");
	d->note = note ? xstrdup(note) : NULL;
	if (match && strcmp(match, "major") != 0 && strcmp(match, "exact") != 0) {
		*cause = xasprintf("support.json: %s: unknown version_match \"%s\"", id, match);
		return false;
	}
	d->match_major = match && strcmp(match, "major") == 0;
	if (!strings(versions, &d->versions)) {
		*cause = xasprintf("support.json: %s: versions must be strings", id);
		return false;
	}
	if (kernels && !cJSON_IsObject(kernels)) {
		*cause = xasprintf("support.json: %s: kernels must be an object", id);
		return false;
	}
	size_t nk = kernels ? (size_t)cJSON_GetArraySize(kernels) : 0;
	d->kernels = xcalloc(nk ? nk : 1, sizeof *d->kernels);
	const cJSON *k;
	cJSON_ArrayForEach (k, kernels) {
		if (!cJSON_IsArray(k) || !k->string) {
			*cause = xasprintf(
			    "support.json: %s: kernels of a version must be an array", id);
			return false;
		}
		struct support_kernels *sk = &d->kernels[d->nkernels++];
		sk->version = xstrdup(k->string);
		if (!strings(k, &sk->globs)) {
			*cause = xasprintf("support.json: %s %s: kernel globs must be strings", id,
					   k->string);
			return false;
		}
	}
	return true;
}

struct support_table *support_load(const char *json, char **cause)
{
	if (!json) {
		const struct content_file *f = content_get("support.json");
		if (!f) {
			*cause = xstrdup("support.json is not embedded");
			return NULL;
		}
		json = (const char *)f->data;
	}
	cJSON *root = cJSON_Parse(json);
	if (!root) {
		*cause = xstrdup("support.json: not valid JSON");
		return NULL;
	}
	struct support_table *t = xcalloc(1, sizeof *t);
	const cJSON *linux_ = cJSON_GetObjectItemCaseSensitive(root, "linux");
	const cJSON *windows = cJSON_GetObjectItemCaseSensitive(root, "windows");
	const char *as_of = str_member(root, "as_of"), *source = str_member(root, "source");
	if (!cJSON_IsArray(linux_) || !as_of) {
		*cause = xstrdup("support.json: needs \"as_of\" and a \"linux\" array");
		goto bad;
	}
	t->as_of = xstrdup(as_of);
	t->source = xstrdup(source ? source : "");
	if (windows && (!cJSON_IsArray(windows) || !strings(windows, &t->windows))) {
		*cause = xstrdup("support.json: \"windows\" must be an array of strings");
		goto bad;
	}
	size_t n = (size_t)cJSON_GetArraySize(linux_);
	t->distros = xcalloc(n ? n : 1, sizeof *t->distros);
	const cJSON *o;
	cJSON_ArrayForEach (o, linux_) {
		if (!cJSON_IsObject(o)) {
			*cause = xstrdup("support.json: linux entries must be objects");
			goto bad;
		}
		/* Counted first so a half-filled entry is freed too. */
		if (!load_distro(o, &t->distros[t->ndistros++], cause))
			goto bad;
	}
	cJSON_Delete(root);
	return t;
bad:
	cJSON_Delete(root);
	support_free(t);
	return NULL;
}

void support_free(struct support_table *t)
{
	if (!t)
		return;
	for (size_t i = 0; i < t->ndistros; i++) {
		struct support_distro *d = &t->distros[i];
		free(d->id);
		free(d->name);
		free(d->note);
		sv_free(&d->versions);
		for (size_t k = 0; k < d->nkernels; k++) {
			free(d->kernels[k].version);
			sv_free(&d->kernels[k].globs);
		}
		free(d->kernels);
	}
	free(t->distros);
	free(t->as_of);
	free(t->source);
	sv_free(&t->windows);
	free(t);
}

const struct support_distro *support_find(const struct support_table *t, const char *id)
{
	static const struct {
		const char *alias, *id;
	} aliases[] = { { "sles_sap", "sles" }, { "redhat", "rhel" } };
	if (!id)
		return NULL;
	for (size_t i = 0; i < ARRAY_LEN(aliases); i++)
		if (strcmp(id, aliases[i].alias) == 0)
			id = aliases[i].id;
	for (size_t i = 0; i < t->ndistros; i++)
		if (strcmp(t->distros[i].id, id) == 0)
			return &t->distros[i];
	return NULL;
}

/* Length of the major part of a version ("12" of "12.5"). */
static size_t major_len(const char *v)
{
	return strcspn(v, ".");
}

/* The table's version entry that version matches, or NULL. */
static const char *match_version(const struct support_distro *d, const char *version)
{
	for (size_t i = 0; i < d->versions.n; i++) {
		const char *e = d->versions.v[i];
		if (d->match_major) {
			size_t a = major_len(e), b = major_len(version);
			if (a == b && strncmp(e, version, a) == 0)
				return e;
		} else if (strcmp(e, version) == 0) {
			return e;
		}
	}
	if (!d->match_major) {
		/* "7.9.2009" or "20.04.6": the table lists major.minor. */
		const char *dot = strchr(version, '.');
		const char *dot2 = dot ? strchr(dot + 1, '.') : NULL;
		if (dot2) {
			char *mm = xstrndup(version, (size_t)(dot2 - version));
			const char *r = match_version(d, mm);
			free(mm);
			return r;
		}
	}
	return NULL;
}

void support_evaluate(const struct support_table *t, const char *id, const char *version,
		      const char *kernel, struct support_answer *a)
{
	memset(a, 0, sizeof *a);
	if (!id || !*id || !version || !*version) {
		a->verdict = SUPPORT_UNKNOWN;
		a->distro = id ? support_find(t, id) : NULL;
		return;
	}
	a->distro = support_find(t, id);
	if (!a->distro) {
		a->verdict = SUPPORT_DISTRO_UNLISTED;
		return;
	}
	a->version = match_version(a->distro, version);
	if (!a->version) {
		a->verdict = SUPPORT_VERSION_UNLISTED;
		return;
	}
	for (size_t i = 0; i < a->distro->nkernels; i++)
		if (strcmp(a->distro->kernels[i].version, a->version) == 0)
			a->globs = &a->distro->kernels[i].globs;
	if (!a->globs || a->globs->n == 0) {
		a->globs = NULL;
		a->verdict = SUPPORT_OK;
		return;
	}
	if (!kernel || !*kernel) {
		a->verdict = SUPPORT_KERNEL_UNKNOWN;
		return;
	}
	for (size_t i = 0; i < a->globs->n; i++)
		if (fnmatch(a->globs->v[i], kernel, 0) == 0) {
			a->glob = a->globs->v[i];
			a->verdict = SUPPORT_OK;
			return;
		}
	a->verdict = SUPPORT_KERNEL_UNLISTED;
}

const char *support_windows(const struct support_table *t, const char *product)
{
	const char *best = NULL;
	for (size_t i = 0; product && i < t->windows.n; i++) {
		const char *w = t->windows.v[i];
		size_t n = strlen(w);
		if (strncmp(product, w, n) == 0 && (product[n] == '\0' || product[n] == ' ') &&
		    (!best || n > strlen(best)))
			best = w;
	}
	return best;
}
