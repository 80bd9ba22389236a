/* replay.h: reading a saved report (`report --json`), a `check --json`
 * document or the wizard's state file back into a session, so the wizard
 * can show a field engineer's results read-only elsewhere (--replay FILE)
 * or resume after a dropped line. Results are matched to the session's
 * checks by check id; everything else the document recorded (target,
 * article edition, facts, journal) is returned for display. */
#ifndef ASR_REPLAY_H
#define ASR_REPLAY_H

#include <stdbool.h>
#include <stddef.h>

#include "engine/facts.h"
#include "engine/change/journal.h"
#include "engine/session.h"
#include "engine/target/target.h"

/* What a saved document says besides the results. Every string is owned
 * and may be NULL when the document did not record it. */
struct replay_info {
	bool report;              /* a full report (has "facts" or "journal"),
				   * not only a `check --json` document */
	char *version;            /* asr-doctor version that wrote it */
	char *generated;          /* ISO 8601 UTC time of the report */
	char *target_kind;        /* "local", "root", "ssh" */
	char *target_name;        /* "this machine", "root /mnt/os" */
	char *target_root;        /* the mounted root folder */
	char *account;            /* the --account the checks judged */
	char *article_name;       /* "built-in article (en)", a --doc file name */
	char *article_lang;       /* "en", "zh-CN": load this edition to replay */
	char *article_date;
	bool have_facts;
	struct facts facts;       /* owned; all "unknown" when !have_facts */
	char *journal_dir;
	char *journal_note;       /* why the journal could not be read then */
	struct journal_entry *journal; /* owned array: id, time, end_time,
					* anchor, checks, fix_id, title, undoes,
					* undone_by, outcome, message,
					* validator_output, files (path, existed,
					* sha_before, exists_after, sha_after) and
					* cmds (argv, ran, status, note) */
	size_t njournal;
	size_t nresults;          /* results stored into the session */
	struct strvec warnings;   /* results for checks this build does not know
				   * or this article edition does not bind,
				   * duplicates */
};

/* Reads json (a report, a `check --json` document or a state file, schema
 * 1) and stores its results into s: every result is first cleared, then
 * each recorded result replaces the one with the same check id (status,
 * finding, evidence, time taken; node statuses roll up as after a run).
 * Results for unknown check ids are left out and named in
 * info->warnings. Returns 0 and fills info (replay_info_free), or -EINVAL
 * with *cause (caller frees) saying what is wrong and where ("not JSON
 * (line 3, column 7)", "schema 2 is not supported...",
 * "results[2].evidence[0].line: expected a number"); then s is unchanged
 * and info is zeroed. */
int replay_load(const char *json, struct session *s, struct replay_info *info, char **cause);
/* Frees everything info holds and zeroes it; a zeroed info is fine. */
void replay_info_free(struct replay_info *info);
/* The target the report was recorded on, known by its description only
 * (target_described_new: kind, name, root), for report_input when a
 * replayed report is saved again. Never NULL; caller frees (target_free). */
struct target *replay_target(const struct replay_info *info);

#endif
