/* cmd_log.c: `asr-doctor log [FILE]...` lists the codes of installer logs
 * with the sections to open: the files named, or the logs in the known
 * places of the examined machine. */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "engine/logscan.h"

static const char *encoding_name(enum log_encoding e)
{
	static const char *const names[] = { "utf-8", "utf-16le", "utf-16be" };
	return names[e];
}

static void print_hit(const struct codemap *m, const struct log_scan *s, const struct log_hit *h)
{
	struct sbuf b = { 0 };
	char *label = codemap_label(m, &h->code);
	util_escape(&b, s->path, false);
	sb_printf(&b, ":%llu: ", h->line);
	util_escape(&b, label, false);
	free(label);
	if (h->known) {
		sb_add(&b, " ->");
		for (size_t i = 0; i < h->nnodes && i < LOG_NODES_MAX; i++) {
			sb_printf(&b, "%s #%s (", i ? "," : "", h->nodes[i]->anchor);
			util_escape(&b, h->nodes[i]->title, false);
			sb_addc(&b, ')');
		}
	} else {
		sb_add(&b, " unknown: no section names it");
	}
	if (h->count > 1)
		sb_printf(&b, "; %llu lines, the last %llu", h->count, h->last_line);
	sb_add(&b, "\n    ");
	if (h->cut_before)
		sb_add(&b, "...");
	util_escape(&b, h->text, false);
	if (h->cut_after)
		sb_add(&b, "...");
	sb_addc(&b, '\n');
	fputs(sb_str(&b), stdout);
	sb_free(&b);
}

static void print_text(const struct codemap *m, const struct log_scan *scans, size_t n)
{
	size_t known = 0, unknown = 0;
	for (size_t i = 0; i < n; i++) {
		const struct log_scan *s = &scans[i];
		if (s->error)
			continue;
		for (size_t k = 0; k < s->nhits; k++)
			print_hit(m, s, &s->hits[k]);
		if (s->more)
			printf("%s: %llu more lines name codes beyond the first %u kept\n", s->path, s->more,
			       LOG_HITS_MAX);
		if (s->nhits == 0) {
			struct sbuf b = { 0 };
			util_escape(&b, s->path, false);
			printf("%s: no code (%llu lines, %s%s%s)\n", sb_str(&b), s->info.lines,
			       encoding_name(s->info.enc), s->info.changes ? ", then " : "",
			       s->info.changes ? encoding_name(s->info.last) : "");
			sb_free(&b);
		}
		known += log_scan_count(s, true);
		unknown += log_scan_count(s, false);
	}
	printf("%zu code%s the article names, %zu unknown, in %zu log%s", known, known == 1 ? "" : "s",
	       unknown, n, n == 1 ? "" : "s");
	puts(known ? "; 'asr-doctor explain ANCHOR' prints a section." : ".");
}

static cJSON *hit_json(const struct codemap *m, const struct log_hit *h)
{
	cJSON *o = cJSON_CreateObject();
	char buf[40];
	cJSON_AddStringToObject(o, "kind", code_kind_name(h->code.kind));
	if (h->code.kind == CODE_MESSAGE) {
		cJSON_AddStringToObject(o, "code", m->messages.v[h->code.value]);
	} else {
		cJSON_AddStringToObject(o, "code", code_format(&h->code, buf, sizeof buf));
		cJSON_AddNumberToObject(o, "value", (double)h->code.value);
	}
	cJSON_AddBoolToObject(o, "known", h->known);
	cJSON_AddNumberToObject(o, "line", (double)h->line);
	cJSON_AddNumberToObject(o, "last_line", (double)h->last_line);
	cJSON_AddNumberToObject(o, "count", (double)h->count);
	cJSON_AddStringToObject(o, "text", h->text);
	cJSON_AddBoolToObject(o, "cut_before", h->cut_before);
	cJSON_AddBoolToObject(o, "cut_after", h->cut_after);
	cJSON *sections = cJSON_AddArrayToObject(o, "sections");
	for (size_t i = 0; i < h->nnodes && i < LOG_NODES_MAX; i++) {
		cJSON *sec = cJSON_CreateObject();
		cJSON_AddStringToObject(sec, "anchor", h->nodes[i]->anchor);
		cJSON_AddStringToObject(sec, "title", h->nodes[i]->title);
		cJSON_AddItemToArray(sections, sec);
	}
	return o;
}

static void print_json(const struct codemap *m, const struct log_scan *scans, size_t n)
{
	cJSON *root = cJSON_CreateObject();
	cJSON *logs = cJSON_AddArrayToObject(root, "logs");
	size_t known = 0, unknown = 0;
	for (size_t i = 0; i < n; i++) {
		const struct log_scan *s = &scans[i];
		cJSON *o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "path", s->path);
		if (s->error) {
			cJSON_AddStringToObject(o, "error", s->error);
		} else {
			cJSON_AddNullToObject(o, "error");
			cJSON_AddStringToObject(o, "encoding", encoding_name(s->info.enc));
			cJSON_AddBoolToObject(o, "bom", s->info.bom);
			/* A log several tools appended to changes encoding. */
			cJSON_AddNumberToObject(o, "encoding_changes", (double)s->info.changes);
			cJSON_AddStringToObject(o, "last_encoding", encoding_name(s->info.last));
			cJSON_AddNumberToObject(o, "lines", (double)s->info.lines);
			cJSON_AddNumberToObject(o, "bytes", (double)s->info.bytes);
		}
		cJSON *hits = cJSON_AddArrayToObject(o, "hits");
		for (size_t k = 0; k < s->nhits; k++)
			cJSON_AddItemToArray(hits, hit_json(m, &s->hits[k]));
		cJSON_AddNumberToObject(o, "more_lines", (double)s->more);
		cJSON_AddItemToArray(logs, o);
		known += log_scan_count(s, true);
		unknown += log_scan_count(s, false);
	}
	cJSON_AddNumberToObject(root, "known", (double)known);
	cJSON_AddNumberToObject(root, "unknown", (double)unknown);
	char *text = cJSON_Print(root);
	puts(text);
	free(text);
	cJSON_Delete(root);
}

int cmd_log(struct options *o)
{
	struct doc *d = cli_load_doc(o);
	if (!d)
		return 2;
	struct codemap *m = cli_codemap(d);
	if (!m) {
		doc_free(d);
		return 2;
	}
	/* Files named are local files; without any, the known places of the
	 * examined machine are read through its target. */
	struct target *t = NULL;
	struct strvec paths = { 0 };
	for (int i = 0; i < o->argc; i++)
		sv_push(&paths, o->argv[i]);
	if (o->argc == 0) {
		t = cli_target(o);
		if (!t) {
			codemap_free(m);
			doc_free(d);
			return 2;
		}
		if (log_known_paths(t, &paths) == 0) {
			cli_error("no installer log in the known places of %s (/var/log/ua_install.log, "
				  "the install folder, ProgramData/ASRSetupLogs); name a FILE",
				  t->name);
			target_free(t);
			codemap_free(m);
			doc_free(d);
			return 2;
		}
	}
	struct log_scan *scans = xcalloc(paths.n, sizeof *scans);
	bool failed = false, found = false;
	for (size_t i = 0; i < paths.n; i++) {
		if (log_scan(m, t, paths.v[i], &scans[i]) < 0) {
			failed = true;
			struct sbuf b = { 0 };
			util_escape(&b, scans[i].error, false);
			cli_error("%s", sb_str(&b));
			sb_free(&b);
		}
		found |= scans[i].nhits > 0 || scans[i].more > 0;
	}
	if (o->json)
		print_json(m, scans, paths.n);
	else
		print_text(m, scans, paths.n);
	for (size_t i = 0; i < paths.n; i++)
		log_scan_free(&scans[i]);
	free(scans);
	sv_free(&paths);
	if (t)
		target_free(t);
	codemap_free(m);
	doc_free(d);
	return failed ? 2 : found ? 1 : 0;
}
