/* check_logs.c: log.codes, the installer logs of the examined machine read
 * as a check: the codes they name and the sections of the article those
 * lead to, as `asr-doctor log` lists them. The logs are found where the
 * installers leave them (log_known_paths: ProgramData\ASRSetupLogs on a
 * Windows machine over SSH or an offline Windows volume,
 * /var/log/ua_install.log and the install folder on Linux) and scanned by
 * engine/logscan. A check must stay quick on a far link, so each log is
 * read up to a bound, its end first (the newest attempt is written
 * last), and all of them up to another; what was left is said. */
#include "engine/check_logs.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/check_misc.h"
#include "engine/doc.h"
#include "engine/logscan.h"

/* Codes listed in the finding before "and N more". */
#define FINDING_CODES 4
/* Sections named in the finding. */
#define FINDING_SECTIONS 3
/* Notes of codes no section names. */
#define UNKNOWN_NOTES 10

/* A size as people read it: "512 KB", "4.0 MB". Writes into buf. */
static const char *human_size(unsigned long long n, char *buf, size_t len)
{
	if (n < 1024 * 1024)
		snprintf(buf, len, "%llu KB", (n + 1023) / 1024);
	else
		snprintf(buf, len, "%.1f MB", (double)n / (1024.0 * 1024.0));
	return buf;
}

/* Whether the check may go on: ctx->cancel not set. */
static bool go_on(void *arg, unsigned long long done, unsigned long long size)
{
	const volatile int *cancel = arg;
	(void)done;
	(void)size;
	return !cancel || !*cancel;
}

/* Where log_known_paths looks on t, for the finding when it found
 * nothing. Caller frees. */
static char *places(struct target *t)
{
	if (t->os == TARGET_OS_WINDOWS)
		return xstrdup(t->hive_files
				       ? T("\\ProgramData\\ASRSetupLogs and its UploadedLogs on the volume",
					   "该卷上的 \\ProgramData\\ASRSetupLogs 及其 UploadedLogs")
				       : T("ASRSetupLogs and its UploadedLogs in %ProgramData% and in "
					   "\\ProgramData of each drive",
					   "%ProgramData% 和各驱动器 \\ProgramData 下的 ASRSetupLogs 及其 "
					   "UploadedLogs"));
	char *dir = agent_install_dir(t);
	char *s = xasprintf(T("/var/log/ua_install.log, the *.log files of %s and of its folders "
			      "three levels down, /ProgramData/ASRSetupLogs",
			      "/var/log/ua_install.log、%s 及其下三层文件夹中的 *.log 文件、"
			      "/ProgramData/ASRSetupLogs"),
			    dir);
	free(dir);
	return s;
}

/* A hit's line as evidence: the text, "..." where it was cut; with its
 * line number, or, in a log read from a byte after its start, the line
 * counted from there. */
static void hit_evidence(struct check_result *r, const struct log_scan *s, const struct log_hit *h)
{
	struct sbuf b = { 0 };
	if (s->from > 0 && msg_lang() == LANG_ZH)
		sb_printf(&b, "从第 %llu 字节起的第 %llu 行：", s->from, h->line);
	else if (s->from > 0)
		sb_printf(&b, "line %llu counted from byte %llu: ", h->line, s->from);
	if (h->cut_before)
		sb_add(&b, "...");
	sb_add(&b, h->text);
	if (h->cut_after)
		sb_add(&b, "...");
	int line = s->from > 0 || h->line > (unsigned long long)INT32_MAX ? 0 : (int)h->line;
	result_file(r, s->path, line, sb_str(&b));
	sb_free(&b);
}

/* "ErrorID 95320", "0x8004E00F", "exit 802", a message in quotes. Caller
 * frees. */
static char *code_label(const struct codemap *m, const struct log_hit *h)
{
	char *label = codemap_label(m, &h->code);
	if (h->code.kind != CODE_ERRORID)
		return label;
	char *s = xasprintf("ErrorID %s", label);
	free(label);
	return s;
}

/* What the scans found, across the logs. */
struct tally {
	struct strvec codes;    /* known codes, each once, for the finding */
	struct node *nodes[16]; /* their sections, each once (borrowed) */
	size_t nnodes;
	size_t unknown;         /* unknown codes noted or counted */
};

static void add_node(struct tally *y, struct node *n)
{
	for (size_t i = 0; i < y->nnodes; i++)
		if (y->nodes[i] == n)
			return;
	if (y->nnodes < ARRAY_LEN(y->nodes))
		y->nodes[y->nnodes++] = n;
}

/* Records the hits of one log as evidence. */
static void record_hits(struct check_result *r, const struct codemap *m, const struct log_scan *s,
			struct tally *y)
{
	unsigned long long shown = 0; /* the line last shown: two codes of one line show it once */
	for (size_t i = 0; i < s->nhits; i++) {
		const struct log_hit *h = &s->hits[i];
		char *label = code_label(m, h);
		if (!h->known) {
			if (y->unknown++ < UNKNOWN_NOTES)
				result_note(r,
					    T("%s, line %llu: %s, which no section of the article names",
					      "%s 第 %llu 行：%s，文章中没有章节提到它"),
					    s->path, h->line, label);
			free(label);
			continue;
		}
		if (h->line != shown)
			hit_evidence(r, s, h);
		shown = h->line;
		struct sbuf b = { 0 };
		for (size_t k = 0; k < h->nnodes && k < LOG_NODES_MAX; k++) {
			sb_printf(&b, "%s#%s (%s)", k ? ", " : "", h->nodes[k]->anchor,
				  h->nodes[k]->title);
			add_node(y, h->nodes[k]);
		}
		if (h->count > 1)
			result_note(r, T("%s -> %s; %llu lines name it, the last line %llu",
					 "%s -> %s；共 %llu 行提到它，最后一行为第 %llu 行"),
				    label, sb_str(&b), h->count, h->last_line);
		else
			result_note(r, "%s -> %s", label, sb_str(&b));
		sb_free(&b);
		if (!sv_contains(&y->codes, label))
			sv_take(&y->codes, label);
		else
			free(label);
	}
}

/* The finding of a log that names known codes: the codes, then the
 * sections they lead to. Caller frees. */
static char *codes_finding(const struct tally *y)
{
	struct sbuf b = { 0 };
	sb_add(&b, T("the installer logs name codes the article explains: ",
		     "安装日志中有文章解释的代码："));
	for (size_t i = 0; i < y->codes.n && i < FINDING_CODES; i++)
		sb_printf(&b, "%s%s", i ? T(", ", "、") : "", y->codes.v[i]);
	if (y->codes.n > FINDING_CODES)
		sb_printf(&b, T(" and %zu more", " 等另外 %zu 个"), y->codes.n - FINDING_CODES);
	sb_add(&b, T("; see ", "；参见 "));
	for (size_t i = 0; i < y->nnodes && i < FINDING_SECTIONS; i++)
		sb_printf(&b, "%s%s", i ? T("; ", "；") : "", y->nodes[i]->title);
	if (y->nnodes > FINDING_SECTIONS)
		sb_printf(&b, T(" and %zu more sections", " 等另外 %zu 个章节"),
			  y->nnodes - FINDING_SECTIONS);
	return sb_steal(&b);
}

void log_codes_evaluate(const struct check_ctx *ctx, struct check_result *r,
			const struct codemap *m, unsigned long long per_log,
			unsigned long long total)
{
	struct target *t = ctx->t;
	struct strvec paths = { 0 };
	if (log_known_paths(t, &paths) == 0) {
		char *where = places(t);
		result_set(r, STATUS_NA,
			   T("no installer log on the machine (looked in %s); a log copied from it: "
			     "asr-doctor log FILE",
			     "计算机上没有安装日志（查找了 %s）；从其复制的日志：asr-doctor log FILE"),
			   where);
		free(where);
		sv_free(&paths);
		return;
	}
	struct tally y = { 0 };
	struct sbuf unread = { 0 }; /* the first log that could not be read, and why */
	size_t nread = 0, nfailed = 0, nleft = 0;
	unsigned long long left = total;
	bool cancelled = false;
	char a[32], b[32], c[32];
	for (size_t i = 0; i < paths.n; i++) {
		const char *path = paths.v[i];
		if (ctx->cancel && *ctx->cancel) {
			cancelled = true;
			break;
		}
		if (left == 0) {
			nleft++;
			char *n = xasprintf(T("not read: the check reads at most %s of logs in all; "
					      "asr-doctor log reads every log whole",
					      "未读取：本检查总共最多读取 %s 日志；asr-doctor log 会读取全部日志"),
					    human_size(total, a, sizeof a));
			result_file(r, path, 0, n);
			free(n);
			continue;
		}
		struct log_scan s = { 0 };
		int rc = log_scan_last(m, t, path, per_log < left ? per_log : left, &s, go_on,
				       (void *)ctx->cancel);
		if (rc == -ECANCELED) {
			cancelled = true;
			log_scan_free(&s);
			break;
		}
		if (rc < 0) {
			nfailed++;
			char *why = xasprintf(T("could not read %s", "无法读取 %s"), s.error);
			result_note(r, "%s", why);
			if (!unread.len)
				sb_add(&unread, why);
			free(why);
			log_scan_free(&s);
			continue;
		}
		nread++;
		left = s.info.bytes < left ? left - s.info.bytes : 0;
		if (s.from > 0 || s.cut_end) {
			struct sbuf n = { 0 };
			sb_printf(&n,
				  T("cut: read %s of %s, ", "已截断：读取了 %s（共 %s），"),
				  human_size(s.info.bytes, a, sizeof a),
				  s.size ? human_size(s.size, b, sizeof b) : T("a size not known", "大小未知"));
			if (s.from > 0)
				sb_printf(&n, T("from byte %llu to the end (the line at byte %llu left out); ",
						"从第 %llu 字节读到末尾（第 %llu 字节所在的行未读）；"),
					  s.from, s.from);
			else
				sb_add(&n, T("from the start; ", "从开头读起；"));
			sb_printf(&n, T("the check reads at most %s of a log; asr-doctor log %s reads it whole",
					"本检查每个日志最多读取 %s；asr-doctor log %s 会读取整个日志"),
				  human_size(per_log, c, sizeof c), path);
			result_file(r, path, 0, sb_str(&n));
			sb_free(&n);
		} else {
			char *n = xasprintf(T("read whole: %llu lines, %s", "已完整读取：%llu 行，%s"),
					    s.info.lines, human_size(s.info.bytes, a, sizeof a));
			result_file(r, path, 0, n);
			free(n);
		}
		record_hits(r, m, &s, &y);
		log_scan_free(&s);
	}
	if (y.unknown > UNKNOWN_NOTES)
		result_note(r, T("%zu more codes no section names", "另有 %zu 个没有章节提到的代码"),
			    y.unknown - UNKNOWN_NOTES);
	if (y.codes.n) {
		char *f = codes_finding(&y);
		result_set(r, STATUS_FAIL, "%s", f);
		free(f);
	} else if (cancelled) {
		result_set(r, STATUS_ERROR, "%s", T("cancelled while reading the installer logs",
						   "读取安装日志时已取消"));
	} else if (nread == 0) {
		result_set(r, STATUS_ERROR, "%s", sb_str(&unread));
	} else if (nfailed) {
		result_set(r, STATUS_WARN,
			   T("%s; the other logs (%zu) name no code of the article",
			     "%s；其他日志（%zu 个）中没有文章中的代码"),
			   sb_str(&unread), nread);
	} else {
		result_set(r, STATUS_PASS,
			   T("%zu installer log%s read, none names a code of the article%s",
			     "读取了 %zu 个安装日志，其中没有文章中的代码%s"),
			   nread, msg_lang() == LANG_ZH ? "" : nread == 1 ? "" : "s",
			   y.unknown ? T(" (codes it does not name are listed)", "（列出了文章未提到的代码）")
				     : "");
	}
	if (nleft)
		result_note(r, T("%zu logs not read: the bound of %s in all was reached",
				 "%zu 个日志未读取：已达到总共 %s 的上限"),
			    nleft, human_size(total, a, sizeof a));
	sb_free(&unread);
	sv_free(&y.codes);
	sv_free(&paths);
}

/* log.codes with the built-in article of the user's language. */
static void run_log_codes(const struct check_ctx *ctx, struct check_result *r)
{
	char *cause = NULL;
	struct doc *d = doc_load_builtin(lang_code(msg_lang()), &cause);
	struct codemap *m = d ? codemap_new(d, NULL, &cause) : NULL;
	if (!m) {
		result_set(r, STATUS_ERROR, T("no code table: %s", "没有代码表：%s"), cause);
		free(cause);
		doc_free(d);
		return;
	}
	log_codes_evaluate(ctx, r, m, LOG_CHECK_PER_LOG, LOG_CHECK_TOTAL);
	codemap_free(m);
	doc_free(d);
}

const struct check_def check_log_codes = {
	.id = "log.codes",
	.title_en = "No code of the article in the installer logs",
	.title_zh = "安装日志中没有文章所列的错误代码",
	.run = run_log_codes,
};
