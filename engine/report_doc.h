/* report_doc.h: the full report for a support case (`asr-doctor report`,
 * the wizard's save key): the machine's facts, every check with its status
 * and evidence, the journal of applied fixes and the article edition, as
 * JSON (schema 1: the `check --json` document plus "generated", "facts"
 * and "journal"; see README "report --json") or as plain text that fits
 * the width asked for (80 columns for a report). Secrets never reach a
 * report: every recorded text goes through mask_secrets (engine/util/mask.h), and no
 * file contents are included, only paths and SHA-256 checksums. */
#ifndef ASR_REPORT_DOC_H
#define ASR_REPORT_DOC_H

#include <stdio.h>

#include "engine/facts.h"
#include "engine/change/journal.h"
#include "engine/render.h"
#include "engine/session.h"
#include "engine/target/target.h"

/* What a report is made of; everything borrowed. */
struct report_input {
	const struct session *s;               /* results and article (required) */
	const struct target *t;                /* kind, name and root (required) */
	const char *account;                   /* --account NAME, or NULL */
	const struct facts *facts;             /* NULL: every fact "unknown" */
	const struct journal_entry *journal;   /* entries in the order they started */
	size_t njournal;
	const char *journal_dir;               /* where they were read, or NULL */
	const char *journal_note;              /* why the journal could not be read
						* (one line), or NULL */
	const char *generated;                 /* ISO 8601 UTC; NULL: now */
};

/* The report as a JSON document (schema 1). Returns the text; caller
 * frees. */
char *report_json(const struct report_input *in);
/* Lays the report out as plain text lines no wider than o->width columns
 * (with o->width 80 for a report), appended to pg (rpage_free). */
void report_page(const struct report_input *in, const struct render_opts *o, struct rpage *pg);
/* Writes report_page's lines to f. */
void report_text(const struct report_input *in, const struct render_opts *o, FILE *f);

/* A copy of a check result with its finding and every evidence text and
 * command masked (dst overwritten; free with result_free). */
void report_mask_result(struct check_result *dst, const struct check_result *src);

struct cJSON;
/* The `check --json` document of every check of s on target t, with
 * secrets masked: the base of reports and of the wizard's state file.
 * Caller owns the tree (cJSON_Delete). */
struct cJSON *report_base_json(const struct session *s, const struct target *t);
/* One journal entry as a report's "journal" item (no file contents, no
 * command output). Caller owns the tree. */
struct cJSON *report_entry_json(const struct journal_entry *e);

#endif
