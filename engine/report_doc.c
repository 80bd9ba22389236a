/* report_doc.c: the full report (facts, checks, journal) as JSON and as
 * plain text, and the masking of secrets in everything a report records. */
#include "engine/report_doc.h"

#include <cjson/cJSON.h>
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "engine/report.h"
#include "engine/util/mask.h"

/* Replaces *s by its masked copy. */
static void mask_in_place(char **s)
{
	char *m = mask_secrets(*s);
	free(*s);
	*s = m;
}

void report_mask_result(struct check_result *dst, const struct check_result *src)
{
	result_copy(dst, src);
	mask_in_place(&dst->finding);
	for (size_t i = 0; i < dst->nev; i++) {
		mask_in_place(&dst->ev[i].text);
		mask_in_place(&dst->ev[i].command);
	}
}

/* ---- JSON ------------------------------------------------------------------ */

/* Replaces the string member key of o (when it is a string) by its masked
 * copy. */
static void mask_member(cJSON *o, const char *key)
{
	cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
	if (!cJSON_IsString(v))
		return;
	char *m = mask_secrets(v->valuestring);
	cJSON_ReplaceItemInObjectCaseSensitive(o, key, cJSON_CreateString(m));
	free(m);
}

cJSON *report_base_json(const struct session *s, const struct target *t)
{
	char *text = report_check_json(s, t, NULL, 0);
	cJSON *root = cJSON_Parse(text);
	free(text);
	if (!root)
		root = cJSON_CreateObject();
	cJSON *r;
	cJSON_ArrayForEach(r, cJSON_GetObjectItemCaseSensitive(root, "results"))
	{
		mask_member(r, "finding");
		cJSON *e;
		cJSON_ArrayForEach(e, cJSON_GetObjectItemCaseSensitive(r, "evidence"))
		{
			mask_member(e, "text");
			mask_member(e, "command");
			mask_member(e, "output");
		}
	}
	return root;
}

/* Adds key: s, or null when s is NULL, with secrets masked. */
static void add_str(cJSON *o, const char *key, const char *s)
{
	if (!s) {
		cJSON_AddNullToObject(o, key);
		return;
	}
	char *m = mask_secrets(s);
	cJSON_AddStringToObject(o, key, m);
	free(m);
}

cJSON *report_entry_json(const struct journal_entry *e)
{
	cJSON *o = cJSON_CreateObject();
	add_str(o, "id", e->id);
	add_str(o, "time", e->time);
	add_str(o, "end_time", e->end_time);
	add_str(o, "node", e->anchor);
	cJSON *checks = cJSON_AddArrayToObject(o, "checks");
	for (size_t i = 0; i < e->checks.n; i++)
		cJSON_AddItemToArray(checks, cJSON_CreateString(e->checks.v[i]));
	add_str(o, "fix", e->fix_id);
	add_str(o, "title", e->title);
	add_str(o, "undoes", e->undoes);
	add_str(o, "undone_by", e->undone_by);
	cJSON_AddStringToObject(o, "outcome", journal_outcome_name(e->outcome));
	add_str(o, "message", e->message);
	add_str(o, "validator_output", e->validator_output);
	cJSON *files = cJSON_AddArrayToObject(o, "files");
	for (size_t i = 0; i < e->nfiles; i++) {
		const struct journal_file *f = &e->files[i];
		cJSON *x = cJSON_CreateObject();
		add_str(x, "path", f->path);
		cJSON_AddBoolToObject(x, "existed", f->existed);
		add_str(x, "sha256_before", f->existed ? f->sha_before : NULL);
		cJSON_AddBoolToObject(x, "exists_after", f->exists_after);
		add_str(x, "sha256_after", f->exists_after ? f->sha_after : NULL);
		cJSON_AddItemToArray(files, x);
	}
	cJSON *cmds = cJSON_AddArrayToObject(o, "commands");
	for (size_t i = 0; i < e->ncmds; i++) {
		const struct journal_cmd *c = &e->cmds[i];
		cJSON *x = cJSON_CreateObject();
		cJSON *argv = cJSON_AddArrayToObject(x, "argv");
		for (size_t k = 0; c->argv && c->argv[k]; k++) {
			char *m = mask_secrets(c->argv[k]);
			cJSON_AddItemToArray(argv, cJSON_CreateString(m));
			free(m);
		}
		cJSON_AddBoolToObject(x, "ran", c->ran);
		if (c->ran)
			cJSON_AddNumberToObject(x, "exit_status", c->status);
		else
			cJSON_AddNullToObject(x, "exit_status");
		add_str(x, "note", c->note);
		cJSON_AddItemToArray(cmds, x);
	}
	return o;
}

/* Moves every member of base into a new object, adding "generated" before
 * "target" and "facts" before "summary" (cJSON cannot insert into an
 * object in place). base is freed; the caller owns the result. */
static cJSON *with_members(cJSON *base, cJSON *generated, cJSON *facts)
{
	cJSON *out = cJSON_CreateObject();
	cJSON *it;
	while ((it = base->child) != NULL) {
		cJSON_DetachItemViaPointer(base, it);
		if (generated && it->string && strcmp(it->string, "target") == 0) {
			cJSON_AddItemToObject(out, "generated", generated);
			generated = NULL;
		}
		if (facts && it->string && strcmp(it->string, "summary") == 0) {
			cJSON_AddItemToObject(out, "facts", facts);
			facts = NULL;
		}
		/* The key is copied before the item's own copy is freed. */
		cJSON_AddItemToObject(out, it->string ? it->string : "", it);
	}
	if (generated)
		cJSON_AddItemToObject(out, "generated", generated);
	if (facts)
		cJSON_AddItemToObject(out, "facts", facts);
	cJSON_Delete(base);
	return out;
}

char *report_json(const struct report_input *in)
{
	char *now = in->generated ? NULL : journal_now();
	cJSON *gen = cJSON_CreateString(in->generated ? in->generated : now);
	free(now);
	struct facts unknown;
	const struct facts *f = in->facts;
	if (!f) {
		facts_unknown(&unknown);
		f = &unknown;
	}
	cJSON *root = with_members(report_base_json(in->s, in->t), gen, facts_to_json(f));
	cJSON *tg = cJSON_GetObjectItemCaseSensitive(root, "target");
	if (in->account && cJSON_IsObject(tg))
		cJSON_AddStringToObject(tg, "account", in->account);
	if (!in->facts)
		facts_free(&unknown);
	cJSON *j = cJSON_AddObjectToObject(root, "journal");
	add_str(j, "dir", in->journal_dir);
	add_str(j, "problem", in->journal_note);
	cJSON *entries = cJSON_AddArrayToObject(j, "entries");
	for (size_t i = 0; i < in->njournal; i++)
		cJSON_AddItemToArray(entries, report_entry_json(&in->journal[i]));
	char *out = cJSON_Print(root);
	cJSON_Delete(root);
	char *copy = xstrdup(out ? out : "{}");
	cJSON_free(out);
	return copy;
}

/* ---- plain text ------------------------------------------------------------ */

/* A "label: value" line, wrapped under the value. */
static void kv(struct rpage *pg, const char *indent, const char *label, const char *value,
	       const struct render_opts *o)
{
	char *t = xasprintf(T("%s: %s", "%s：%s"), label, value);
	char *cont = xasprintf("%s    ", indent);
	render_text(pg, t, 0, indent, cont, o);
	free(cont);
	free(t);
}

/* value (from), or value alone when from is unknown. */
static char *with_from(const char *value, const char *from)
{
	if (!from || strcmp(from, FACTS_UNKNOWN) == 0)
		return xstrdup(value);
	return xasprintf("%s (%s)", value, from);
}

static void facts_page(struct rpage *pg, const struct facts *f, const struct render_opts *o)
{
	render_text(pg, T("Machine", "机器"), STY_BOLD | STY_TITLE, "", "", o);
	char *v = with_from(f->hostname, f->hostname_from);
	kv(pg, "  ", T("Host name", "主机名"), v, o);
	free(v);
	v = with_from(f->os, f->os_from);
	kv(pg, "  ", T("Operating system", "操作系统"), v, o);
	free(v);
	v = with_from(f->kernel, f->kernel_from);
	kv(pg, "  ", T("Kernel", "内核"), v, o);
	free(v);
	v = f->ndisks ? xasprintf("%s (%s):", T("Disks", "磁盘"), f->disks_from)
		      : xasprintf("%s: %s", T("Disks", "磁盘"), FACTS_UNKNOWN);
	render_text(pg, v, 0, "  ", "      ", o);
	free(v);
	for (size_t i = 0; i < f->ndisks; i++) {
		const struct fact_disk *d = &f->disks[i];
		char *size = facts_size_text(d->size);
		const char *rem = d->removable < 0 ? T("removable: unknown", "可移动：未知")
				  : d->removable ? T("removable", "可移动")
						 : T("fixed", "固定");
		char *line = strcmp(d->model, FACTS_UNKNOWN) == 0
				     ? xasprintf("%s  %s  %s  %s", d->name, size, T("model unknown", "型号未知"), rem)
				     : xasprintf("%s  %s  %s  %s", d->name, size, d->model, rem);
		render_text(pg, line, 0, "    ", "        ", o);
		free(line);
		free(size);
	}
	v = f->nmounts ? xasprintf("%s (%s):", T("Mounts", "挂载"), f->mounts_from)
		       : xasprintf("%s: %s", T("Mounts", "挂载"), FACTS_UNKNOWN);
	render_text(pg, v, 0, "  ", "      ", o);
	free(v);
	for (size_t i = 0; i < f->nmounts; i++) {
		const struct fact_mount *m = &f->mounts[i];
		char *line = xasprintf("%s  %s  %s", m->dir, m->fstype, m->source);
		render_text(pg, line, 0, "    ", "        ", o);
		free(line);
	}
}

static void entry_page(struct rpage *pg, const struct journal_entry *e, const struct render_opts *o)
{
	char *head = xasprintf("#%s  %s  %s", e->id ? e->id : "?", journal_outcome_text(e->outcome),
			       e->time ? e->time : "?");
	render_text(pg, head, STY_BOLD, "  ", "      ", o);
	free(head);
	struct sbuf what = { 0 };
	if (e->undoes)
		sb_printf(&what, T("undo of #%s", "撤销 #%s"), e->undoes);
	else
		sb_printf(&what, "%s %s", T("fix", "修复"), e->fix_id ? e->fix_id : "?");
	if (e->title)
		sb_printf(&what, ": %s", e->title);
	if (e->anchor)
		sb_printf(&what, " (%s %s)", T("section", "章节"), e->anchor);
	if (e->undone_by)
		sb_printf(&what, T("; undone by #%s", "；已由 #%s 撤销"), e->undone_by);
	render_text(pg, sb_str(&what), 0, "      ", "        ", o);
	sb_free(&what);
	if (e->message) {
		char *m = mask_secrets(e->message);
		render_text(pg, m, STY_DIM, "      ", "      ", o);
		free(m);
	}
	for (size_t i = 0; i < e->nfiles; i++) {
		const struct journal_file *f = &e->files[i];
		render_text(pg, f->path ? f->path : "?", 0, "      ", "        ", o);
		char *b = xasprintf("%s %s", T("before", "之前"),
				    f->existed ? f->sha_before : T("(no file)", "（无文件）"));
		char *a = xasprintf("%s %s", T("after ", "之后"),
				    f->exists_after ? f->sha_after : T("(no file)", "（无文件）"));
		render_text(pg, b, STY_DIM, "        ", "          ", o);
		render_text(pg, a, STY_DIM, "        ", "          ", o);
		free(b);
		free(a);
	}
	for (size_t i = 0; i < e->ncmds; i++) {
		const struct journal_cmd *c = &e->cmds[i];
		struct sbuf cmd = { 0 };
		sb_add(&cmd, "$");
		for (size_t k = 0; c->argv && c->argv[k]; k++)
			sb_printf(&cmd, " %s", c->argv[k]);
		if (c->ran)
			sb_printf(&cmd, "  (%s %d)", T("exit", "退出码"), c->status);
		else
			sb_printf(&cmd, "  (%s%s%s)", T("not run", "未运行"), c->note ? ": " : "",
				  c->note ? c->note : "");
		char *m = mask_secrets(sb_str(&cmd));
		render_text(pg, m, STY_CODE, "      ", "        ", o);
		free(m);
		sb_free(&cmd);
	}
}

void report_page(const struct report_input *in, const struct render_opts *o, struct rpage *pg)
{
	const struct session *s = in->s;
	char *now = in->generated ? NULL : journal_now();
	char *head = xasprintf(T("asr-doctor %s report, %s", "asr-doctor %s 报告，%s"), ASR_VERSION,
			       in->generated ? in->generated : now);
	free(now);
	render_text(pg, head, STY_BOLD | STY_TITLE, "", "", o);
	free(head);
	kv(pg, "", T("Target", "目标"), in->t->name ? in->t->name : "?", o);
	if (in->account)
		kv(pg, "", T("Account", "账户"), in->account, o);
	char *art = xasprintf("%s, %s, %s", s->doc->name, s->doc->lang,
			      *s->doc->date ? s->doc->date : "?");
	kv(pg, "", T("Article", "文章"), art, o);
	free(art);
	render_blank(pg);

	struct facts unknown;
	const struct facts *f = in->facts;
	if (!f) {
		facts_unknown(&unknown);
		f = &unknown;
	}
	facts_page(pg, f, o);
	if (!in->facts)
		facts_free(&unknown);
	render_blank(pg);

	size_t count[STATUS__COUNT] = { 0 };
	for (size_t i = 0; i < s->nbindings; i++)
		count[s->results[i].status]++;
	char *sum = xasprintf(T("Checks: %zu (%zu fail, %zu error, %zu warn, %zu pass, %zu n/a, %zu not run)",
				"检查：%zu 项（失败 %zu，错误 %zu，警告 %zu，通过 %zu，不适用 %zu，未运行 %zu）"),
			      s->nbindings, count[STATUS_FAIL], count[STATUS_ERROR], count[STATUS_WARN],
			      count[STATUS_PASS], count[STATUS_NA], count[STATUS_NONE]);
	render_text(pg, sum, STY_BOLD | STY_TITLE, "", "  ", o);
	free(sum);
	/* What needs attention first: failures, errors, warnings, checks not
	 * run, then what does not apply and what passed; the article's order
	 * within each. */
	static const enum status order[] = { STATUS_FAIL, STATUS_ERROR, STATUS_WARN,
					     STATUS_NONE, STATUS_NA,    STATUS_PASS };
	for (size_t k = 0; k < ARRAY_LEN(order); k++) {
		for (size_t i = 0; i < s->nbindings; i++) {
			if (s->results[i].status != order[k])
				continue;
			struct check_result m;
			report_mask_result(&m, &s->results[i]);
			char *title = session_check_title(s, i);
			render_result(pg, &m, title, o, true);
			free(title);
			result_free(&m);
		}
	}
	render_blank(pg);

	char *jh = in->journal_dir ? xasprintf("%s (%s)", T("Applied fixes", "已应用的修复"), in->journal_dir)
				   : xstrdup(T("Applied fixes", "已应用的修复"));
	render_text(pg, jh, STY_BOLD | STY_TITLE, "", "  ", o);
	free(jh);
	if (in->journal_note) {
		char *m = mask_secrets(in->journal_note);
		render_text(pg, m, STY_WARN, "  ", "  ", o);
		free(m);
	} else if (!in->njournal) {
		render_text(pg, T("none", "无"), STY_DIM, "  ", "  ", o);
	}
	for (size_t i = 0; i < in->njournal; i++)
		entry_page(pg, &in->journal[i], o);
	render_blank(pg);
	render_text(pg,
		    T("Passwords, password hashes and tokens are masked in this report; files are named by path and SHA-256 only.",
		      "本报告中的密码、密码哈希和令牌均已隐藏；文件只列出路径和 SHA-256。"),
		    STY_DIM, "", "", o);
}

void report_text(const struct report_input *in, const struct render_opts *o, FILE *f)
{
	struct rpage pg = { 0 };
	report_page(in, o, &pg);
	rpage_write(f, &pg);
	rpage_free(&pg);
}
