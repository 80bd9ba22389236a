/* replay.c: a saved report, `check --json` document or state file read
 * back into a session. The whole document is checked and copied before the
 * session is touched, so a malformed file changes nothing. */
#include "engine/replay.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "engine/jsonread.h"

/* ---- results ----------------------------------------------------------------- */

static bool read_evidence(const cJSON *e, const char *path, struct check_result *r, char **cause)
{
	if (!cJSON_IsObject(e)) {
		*cause = xasprintf("%s: expected an object", path);
		return false;
	}
	char *kind = NULL, *a = NULL, *text = NULL;
	long long num = 0;
	bool ok = false;
	if (!jr_str(e, path, "kind", true, &kind, cause))
		goto out;
	if (strcmp(kind, "file") == 0) {
		if (!jr_str(e, path, "path", true, &a, cause) ||
		    !jr_int(e, path, "line", 0, INT_MAX, &num, cause) ||
		    !jr_str(e, path, "text", false, &text, cause))
			goto out;
		result_file(r, a, (int)num, text);
	} else if (strcmp(kind, "command") == 0) {
		num = -1;
		if (!jr_str(e, path, "command", true, &a, cause) ||
		    !jr_int(e, path, "exit_status", INT_MIN, INT_MAX, &num, cause) ||
		    !jr_str(e, path, "output", false, &text, cause))
			goto out;
		result_command(r, a, (int)num, text);
	} else if (strcmp(kind, "note") == 0) {
		if (!jr_str(e, path, "text", true, &text, cause))
			goto out;
		result_note(r, "%s", text);
	} else {
		*cause = xasprintf("%s.kind: '%s' is not file, command or note", path, kind);
		goto out;
	}
	ok = true;
out:
	free(kind);
	free(a);
	free(text);
	return ok;
}

static bool read_result(const cJSON *item, size_t i, struct check_result *r, char **cause)
{
	char *path = xasprintf("results[%zu]", i);
	char *id = NULL, *st = NULL, *finding = NULL;
	const cJSON *ev;
	bool ok = false;
	memset(r, 0, sizeof *r);
	if (!cJSON_IsObject(item)) {
		*cause = xasprintf("%s: expected an object", path);
		goto out;
	}
	if (!jr_str(item, path, "check", true, &id, cause) ||
	    !jr_str(item, path, "status", true, &st, cause) ||
	    !jr_str(item, path, "finding", false, &finding, cause) ||
	    !jr_array(item, path, "evidence", false, &ev, cause))
		goto out;
	int status = status_from_name(st);
	if (status < 0) {
		*cause = xasprintf("%s.status: '%s' is not one of unchecked, n/a, pass, warn, error, fail",
				   path, st);
		goto out;
	}
	const cJSON *ms = cJSON_GetObjectItemCaseSensitive(item, "ms");
	if (ms && !cJSON_IsNull(ms) && (!cJSON_IsNumber(ms) || ms->valuedouble < 0)) {
		*cause = xasprintf("%s.ms: expected a number of milliseconds", path);
		goto out;
	}
	result_init(r, id);
	r->status = (enum status)status;
	if (finding && *finding) {
		r->finding = finding;
		finding = NULL;
	}
	r->ms = ms && cJSON_IsNumber(ms) ? ms->valuedouble : 0;
	size_t k = 0;
	const cJSON *e;
	cJSON_ArrayForEach(e, ev)
	{
		char *epath = xasprintf("%s.evidence[%zu]", path, k++);
		bool good = read_evidence(e, epath, r, cause);
		free(epath);
		if (!good)
			goto out;
	}
	ok = true;
out:
	if (!ok)
		result_free(r);
	free(path);
	free(id);
	free(st);
	free(finding);
	return ok;
}

/* ---- journal ---------------------------------------------------------------- */

/* A checksum member: null/missing gives "", else 64 hex digits. */
static bool get_sha(const cJSON *o, const char *path, const char *key, char out[SHA256_HEX_LEN + 1],
		    char **cause)
{
	char *s = NULL;
	out[0] = '\0';
	if (!jr_str(o, path, key, false, &s, cause))
		return false;
	if (!s)
		return true;
	bool ok = strlen(s) == SHA256_HEX_LEN && strspn(s, "0123456789abcdef") == SHA256_HEX_LEN;
	if (ok)
		memcpy(out, s, SHA256_HEX_LEN + 1);
	else
		*cause = xasprintf("%s.%s: expected %d lowercase hex digits", path, key, SHA256_HEX_LEN);
	free(s);
	return ok;
}

static bool read_file_rec(const cJSON *x, const char *path, struct journal_file *f, char **cause)
{
	if (!cJSON_IsObject(x)) {
		*cause = xasprintf("%s: expected an object", path);
		return false;
	}
	return jr_str(x, path, "path", true, &f->path, cause) &&
	       jr_bool(x, path, "existed", &f->existed, cause) &&
	       get_sha(x, path, "sha256_before", f->sha_before, cause) &&
	       jr_bool(x, path, "exists_after", &f->exists_after, cause) &&
	       get_sha(x, path, "sha256_after", f->sha_after, cause);
}

static bool read_cmd_rec(const cJSON *x, const char *path, struct journal_cmd *c, char **cause)
{
	const cJSON *argv;
	c->status = -1;
	if (!cJSON_IsObject(x)) {
		*cause = xasprintf("%s: expected an object", path);
		return false;
	}
	if (!jr_array(x, path, "argv", true, &argv, cause))
		return false;
	size_t n = (size_t)cJSON_GetArraySize(argv), k = 0;
	c->argv = xcalloc(n + 1, sizeof *c->argv);
	const cJSON *a;
	cJSON_ArrayForEach(a, argv)
	{
		if (!cJSON_IsString(a)) {
			*cause = xasprintf("%s.argv[%zu]: expected a string", path, k);
			return false;
		}
		c->argv[k++] = xstrdup(a->valuestring);
	}
	long long st = -1;
	if (!jr_bool(x, path, "ran", &c->ran, cause) ||
	    !jr_int(x, path, "exit_status", INT_MIN, INT_MAX, &st, cause) ||
	    !jr_str(x, path, "note", false, &c->note, cause))
		return false;
	c->status = c->ran ? (int)st : -1;
	return true;
}

static bool read_entry(const cJSON *x, size_t i, struct journal_entry *e, char **cause)
{
	char *path = xasprintf("journal.entries[%zu]", i);
	char *outcome = NULL;
	const cJSON *checks, *files, *cmds;
	bool ok = false;
	if (!cJSON_IsObject(x)) {
		*cause = xasprintf("%s: expected an object", path);
		goto out;
	}
	if (!jr_str(x, path, "id", true, &e->id, cause) ||
	    !jr_str(x, path, "time", false, &e->time, cause) ||
	    !jr_str(x, path, "end_time", false, &e->end_time, cause) ||
	    !jr_str(x, path, "node", false, &e->anchor, cause) ||
	    !jr_str(x, path, "fix", false, &e->fix_id, cause) ||
	    !jr_str(x, path, "title", false, &e->title, cause) ||
	    !jr_str(x, path, "undoes", false, &e->undoes, cause) ||
	    !jr_str(x, path, "undone_by", false, &e->undone_by, cause) ||
	    !jr_str(x, path, "outcome", true, &outcome, cause) ||
	    !jr_str(x, path, "message", false, &e->message, cause) ||
	    !jr_str(x, path, "validator_output", false, &e->validator_output, cause) ||
	    !jr_array(x, path, "checks", false, &checks, cause) ||
	    !jr_array(x, path, "files", false, &files, cause) ||
	    !jr_array(x, path, "commands", false, &cmds, cause))
		goto out;
	int oc = -1;
	for (int k = JOURNAL_UNFINISHED; k <= JOURNAL_INTERRUPTED && oc < 0; k++)
		if (strcmp(outcome, journal_outcome_name((enum journal_outcome)k)) == 0)
			oc = k;
	if (oc < 0) {
		*cause = xasprintf("%s.outcome: '%s' is not a journal outcome", path, outcome);
		goto out;
	}
	e->outcome = (enum journal_outcome)oc;
	const cJSON *it;
	size_t k = 0;
	cJSON_ArrayForEach(it, checks)
	{
		if (!cJSON_IsString(it)) {
			*cause = xasprintf("%s.checks[%zu]: expected a string", path, k);
			goto out;
		}
		sv_push(&e->checks, it->valuestring);
		k++;
	}
	size_t nf = (size_t)cJSON_GetArraySize(files), nc = (size_t)cJSON_GetArraySize(cmds);
	e->files = xcalloc(nf ? nf : 1, sizeof *e->files);
	e->cmds = xcalloc(nc ? nc : 1, sizeof *e->cmds);
	cJSON_ArrayForEach(it, files)
	{
		char *p = xasprintf("%s.files[%zu]", path, e->nfiles);
		bool good = read_file_rec(it, p, &e->files[e->nfiles++], cause);
		free(p);
		if (!good)
			goto out;
	}
	cJSON_ArrayForEach(it, cmds)
	{
		char *p = xasprintf("%s.commands[%zu]", path, e->ncmds);
		bool good = read_cmd_rec(it, p, &e->cmds[e->ncmds++], cause);
		free(p);
		if (!good)
			goto out;
	}
	ok = true;
out:
	free(outcome);
	free(path);
	return ok;
}

static bool read_journal(const cJSON *j, struct replay_info *info, char **cause)
{
	const cJSON *entries;
	if (!jr_str(j, "journal", "dir", false, &info->journal_dir, cause) ||
	    !jr_str(j, "journal", "problem", false, &info->journal_note, cause) ||
	    !jr_array(j, "journal", "entries", false, &entries, cause))
		return false;
	size_t n = (size_t)cJSON_GetArraySize(entries);
	info->journal = xcalloc(n ? n : 1, sizeof *info->journal);
	const cJSON *it;
	cJSON_ArrayForEach(it, entries)
	{
		/* Counted first, so a half-read entry is freed with the rest. */
		info->njournal++;
		if (!read_entry(it, info->njournal - 1, &info->journal[info->njournal - 1], cause))
			return false;
	}
	return true;
}

/* ---- the document ----------------------------------------------------------- */

/* "line L, column C" of position at in text. */
static char *where(const char *text, const char *at)
{
	int line = 1, col = 1;
	for (const char *p = text; p < at && *p; p++) {
		if (*p == '\n') {
			line++;
			col = 1;
		} else {
			col++;
		}
	}
	return xasprintf("line %d, column %d", line, col);
}

static bool read_header(const cJSON *root, struct replay_info *info, char **cause)
{
	const cJSON *schema = cJSON_GetObjectItemCaseSensitive(root, "schema");
	if (!schema) {
		*cause = xstrdup("no \"schema\" member: not an asr-doctor report, `check --json` "
				 "document or state file");
		return false;
	}
	if (!cJSON_IsNumber(schema)) {
		*cause = xstrdup("schema: expected a number");
		return false;
	}
	if (schema->valuedouble != 1) {
		*cause = xasprintf("schema %g is not supported: this asr-doctor (%s) reads schema 1",
				   schema->valuedouble, ASR_VERSION);
		return false;
	}
	char *tool = NULL;
	if (!jr_str(root, "document", "tool", false, &tool, cause))
		return false;
	if (tool && strcmp(tool, "asr-doctor") != 0) {
		*cause = xasprintf("tool: written by '%s', not asr-doctor", tool);
		free(tool);
		return false;
	}
	free(tool);
	const cJSON *t, *a, *facts, *journal;
	if (!jr_str(root, "document", "version", false, &info->version, cause) ||
	    !jr_str(root, "document", "generated", false, &info->generated, cause) ||
	    !jr_object(root, "document", "target", &t, cause) ||
	    !jr_str(t, "target", "kind", false, &info->target_kind, cause) ||
	    !jr_str(t, "target", "name", false, &info->target_name, cause) ||
	    !jr_str(t, "target", "root", false, &info->target_root, cause) ||
	    !jr_str(t, "target", "account", false, &info->account, cause) ||
	    !jr_object(root, "document", "article", &a, cause) ||
	    !jr_str(a, "article", "name", false, &info->article_name, cause) ||
	    !jr_str(a, "article", "lang", false, &info->article_lang, cause) ||
	    !jr_str(a, "article", "date", false, &info->article_date, cause) ||
	    !jr_object(root, "document", "facts", &facts, cause) ||
	    !jr_object(root, "document", "journal", &journal, cause))
		return false;
	if (facts) {
		if (facts_from_json(facts, &info->facts, cause) < 0)
			return false;
		info->have_facts = true;
	} else {
		facts_unknown(&info->facts);
	}
	if (journal && !read_journal(journal, info, cause))
		return false;
	info->report = facts || journal;
	return true;
}

int replay_load(const char *json, struct session *s, struct replay_info *info, char **cause)
{
	memset(info, 0, sizeof *info);
	*cause = NULL;
	const char *end = NULL;
	cJSON *root = cJSON_ParseWithOpts(json ? json : "", &end, false);
	if (!root) {
		char *at = where(json ? json : "", end ? end : json);
		*cause = xasprintf("not a JSON document (%s); --replay reads what `asr-doctor report "
				   "--json` or `check --json` wrote",
				   at);
		free(at);
		return -EINVAL;
	}
	struct check_result *got = NULL;
	size_t ngot = 0;
	const cJSON *results = NULL;
	bool ok = false;
	if (!cJSON_IsObject(root)) {
		*cause = xstrdup("the document is not a JSON object: not an asr-doctor report");
		goto out;
	}
	if (!read_header(root, info, cause) ||
	    !jr_array(root, "document", "results", true, &results, cause))
		goto out;
	size_t n = (size_t)cJSON_GetArraySize(results);
	got = xcalloc(n ? n : 1, sizeof *got);
	const cJSON *it;
	cJSON_ArrayForEach(it, results)
	{
		if (!read_result(it, ngot, &got[ngot], cause))
			goto out;
		ngot++;
	}
	ok = true;
out:
	cJSON_Delete(root);
	if (!ok) {
		for (size_t i = 0; i < ngot; i++)
			result_free(&got[i]);
		free(got);
		replay_info_free(info);
		return -EINVAL;
	}
	/* Everything was read: now the session changes. */
	session_clear(s);
	bool *seen = xcalloc(s->nbindings ? s->nbindings : 1, sizeof *seen);
	for (size_t i = 0; i < ngot; i++) {
		int b = session_find(s, got[i].check_id);
		if (b < 0) {
			sv_take(&info->warnings,
				xasprintf(check_find(got[i].check_id)
						  ? "check %s (recorded %s) has no section in this article edition; "
						    "load the edition the report names"
						  : "check %s (recorded %s) is unknown to this asr-doctor; its result "
						    "is left out",
					  got[i].check_id, status_name(got[i].status)));
			result_free(&got[i]);
			continue;
		}
		if (seen[b])
			sv_take(&info->warnings,
				xasprintf("check %s is recorded more than once; the last result is shown",
					  got[i].check_id));
		else
			info->nresults++;
		seen[b] = true;
		session_store(s, &got[i]);
	}
	free(seen);
	free(got);
	return 0;
}

void replay_info_free(struct replay_info *info)
{
	if (!info)
		return;
	free(info->version);
	free(info->generated);
	free(info->target_kind);
	free(info->target_name);
	free(info->target_root);
	free(info->account);
	free(info->article_name);
	free(info->article_lang);
	free(info->article_date);
	facts_free(&info->facts);
	free(info->journal_dir);
	free(info->journal_note);
	for (size_t i = 0; i < info->njournal; i++)
		journal_entry_clear(&info->journal[i]);
	free(info->journal);
	sv_free(&info->warnings);
	memset(info, 0, sizeof *info);
}

struct target *replay_target(const struct replay_info *info)
{
	return target_described_new(info->target_kind, info->target_name, info->target_root);
}
