/* state.h: the wizard's state file, so that after a dropped SSH or serial
 * line `asr-doctor` can offer to resume where it stopped: which target,
 * which section was selected on which screen, whether evidence was shown,
 * a fix in progress, the check results, and whether the wizard ended
 * cleanly. The file is $XDG_STATE_HOME/asr-doctor/state.json (else
 * ~/.local/state/asr-doctor/state.json; `--state FILE` overrides), a
 * `check --json` document (so replay_load reads its results back) with a
 * "state" member. It is written atomically (a temporary file in the same
 * folder, fsync, rename, fsync of the folder; folder 0700, file 0600), and
 * secrets in recorded evidence are masked as in reports. */
#ifndef ASR_STATE_H
#define ASR_STATE_H

#include <stdbool.h>

#include "engine/session.h"

struct apply_fs; /* engine/change/apply.h: the file-system calls, a test seam */

/* The "state.version" this build writes and reads. */
#define STATE_VERSION 1
/* A state older than this is not offered for resuming. */
#define STATE_MAX_AGE_S (24LL * 60 * 60)
/* The fix id of a state saved while an undo waited for confirmation; the
 * fix entry is then the journal entry to undo. */
#define STATE_FIX_UNDO "undo"
/* fix_entry of a fix that was planned (confirmation screen) but has no
 * journal entry yet. */
#define STATE_FIX_PLANNED "planned"

/* Every string is owned (NULL when not set). */
struct app_state {
	long long time;     /* when saved, seconds since the epoch; 0 on
			     * save means now */
	long pid;           /* the process that saved it; 0 on save: this one */
	char *target_kind;  /* target_kind_name of the target */
	char *target_root;  /* target_location of the target (NULL: none) */
	char *target_name;  /* for display: "this machine", "root /mnt/os" */
	char *account;      /* --account NAME the checks judged, or NULL */
	char *anchor;       /* the selected section */
	char *screen;       /* the screen shown: "tree", "detail", "confirm"... */
	bool show_evidence; /* all evidence (e) rather than a summary */
	char *fix_id;       /* a fix in progress, or NULL */
	char *fix_entry;    /* its journal entry id, or STATE_FIX_PLANNED */
	bool clean_exit;    /* the wizard ended normally (q) */
	char *json;         /* state_load: the file's text, to pass to
			     * replay_load() for the results; unused on save */
};

/* The state file's default path: $XDG_STATE_HOME (when absolute), else
 * $HOME/.local/state, else the home folder of the user's passwd entry,
 * followed by /asr-doctor/state.json. NULL when there is no home folder.
 * Caller frees. */
char *state_default_path(void);

/* Writes st and the results of s (may be NULL: no results) to path
 * atomically, creating missing folders (0700). The target's place is
 * stored as its kind recognises it again (target_location_canonical: a
 * mounted root's folder as its canonical path). fs: the file-system calls (NULL: the real
 * ones). Returns 0, or -errno with *cause (caller frees); on failure the
 * previous file, if any, is unchanged and no temporary file is left. */
int state_save(const char *path, const struct app_state *st, const struct session *s,
	       const struct apply_fs *fs, char **cause);

/* Reads the state file at path into out (overwritten; app_state_free).
 * Returns 0, -ENOENT when there is none, or -errno/-EINVAL with *cause
 * (caller frees): not a regular file, larger than 16 MiB, owned by another
 * user (unless we are root), not JSON, no "state" member, another state
 * version, members of the wrong type. */
int state_load(const char *path, struct app_state *out, char **cause);

/* Whether to offer resuming on the target t: the file at path exists and
 * reads, it was saved for t (a kind this build knows, and target_same on
 * the target it describes: a mounted root's folder however it is named,
 * a machine over SSH by its location), it was saved less than
 * STATE_MAX_AGE_S before now (and not more than 5 minutes in the future:
 * a clock set back) and the wizard did not exit cleanly. t NULL: never.
 * When true, out holds the state (app_state_free); when false, out is
 * zeroed. */
bool state_should_offer(const char *path, const struct target *t, long long now,
			struct app_state *out);

/* Whether a state's results were judged for account (--account, NULL
 * when none was given): the same name without regard to case, or both
 * none. A state judged for another account is not offered: its account
 * check would speak of someone else. */
bool state_same_account(const struct app_state *st, const char *account);

/* Sets clean_exit in the state file at path (rewritten atomically; other
 * members kept). A missing file is fine. Returns 0 or -errno with *cause. */
int state_mark_clean(const char *path, const struct apply_fs *fs, char **cause);

/* Frees the strings of st and zeroes it. */
void app_state_free(struct app_state *st);

#endif
