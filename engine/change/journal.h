/* journal.h: the record of every change asr-doctor makes to a machine, kept
 * in a folder (0700) as JSON lines (journal.jsonl), with the original bytes
 * of each changed file under backups/<entry>/. An entry is written as a
 * "started" record before anything changes and a "finished" record at the
 * end, so a crash leaves a visible, unfinished entry that the next run
 * closes. A store only: undo is planned above it (engine/undo.h) and
 * carried out, and journaled, by the executor (apply.h). No secret
 * (password, key) is ever written here. It lives on the machine it
 * records, and is written and read only through a target's store
 * operations (target.h): this machine's (the local machine; the folder
 * inside a mounted root; --journal DIR for a machine that cannot be
 * written), through the seam of engine/target/hostfs.h, or the examined
 * machine's own (over SSH: SFTP, and flock there for the lock). */
#ifndef ASR_JOURNAL_H
#define ASR_JOURNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "engine/change/plan.h"
#include "engine/util/sha256.h"
#include "engine/target/target.h"

struct apply_fs;     /* engine/target/hostfs.h */

/* The journal of the local machine, and under --root DIR the one inside it
 * (DIR/var/lib/asr-doctor/journal); `--journal DIR` overrides both. */
#define JOURNAL_DEFAULT_DIR TARGET_JOURNAL_DIR
/* The same on a Windows volume (%ProgramData%\asr-doctor). */
#define JOURNAL_WINDOWS_DIR TARGET_JOURNAL_DIR_WINDOWS
/* The records' file in the journal folder (a remote machine's guard
 * appends to it too, engine/change/guard_remote.c). */
#define JOURNAL_FILE_NAME "journal.jsonl"

enum journal_outcome {
	JOURNAL_UNFINISHED,  /* started, no end recorded: running now, or stopped */
	JOURNAL_APPLIED,     /* the files hold the new bytes */
	JOURNAL_ROLLED_BACK, /* a validator or a write failed; originals put back */
	JOURNAL_FAILED,      /* stopped before any file changed (or could not
			      * roll back: see the message) */
	JOURNAL_UNDONE,      /* an undo entry that put the files back */
	JOURNAL_INTERRUPTED, /* found unfinished by a later run and closed */
};

/* What a changed file holds, compared with the journal's hashes. */
enum journal_fstate {
	JFILE_BEFORE,   /* the bytes before the change */
	JFILE_AFTER,    /* the bytes the change wrote */
	JFILE_OTHER,    /* something else: changed since */
	JFILE_MISSING,  /* no file (and one was expected) */
};

struct journal_file {
	char *path;       /* owned: target path as planned */
	char *real_path;  /* owned: target path written (symlinks followed) */
	char *backup;     /* owned: relative to the journal folder, NULL when
			   * the file did not exist */
	char *tmp_path;   /* owned: target path of the temporary file */
	bool existed;
	unsigned mode;    /* permission bits before (or of the new file) */
	unsigned uid, gid;
	char sha_before[SHA256_HEX_LEN + 1]; /* "" when !existed */
	bool exists_after;
	char sha_after[SHA256_HEX_LEN + 1];  /* "" when !exists_after */
	char **validator; /* owned NULL-terminated template, or NULL */
};

struct journal_cmd {
	char **argv;          /* owned, NULL-terminated */
	char **inverse;       /* owned: the command that undoes it, as its
			       * fix planned it, or NULL (none) */
	bool confirm;         /* needed its own confirmation */
	bool rerun_on_undo;   /* a reload, run again after undo */
	bool before;          /* ran before the file edits */
	bool ran;
	int status;           /* exit status when ran, else -1 */
	char *output;         /* owned: output (capped), or NULL */
	char *note;           /* owned: why it did not run, or NULL */
};

struct journal_entry {
	char *id;             /* owned: "1", "2", ... */
	char *time;           /* owned: ISO 8601 UTC, when it started */
	char *end_time;       /* owned or NULL */
	long pid;
	char *target;         /* owned: "this machine", "mounted root /mnt/x" */
	char *target_kind;    /* owned: target_kind_name of the target */
	char *anchor;         /* owned or NULL */
	struct strvec checks;
	char *fix_id;         /* owned or NULL (undo entries) */
	char *title;          /* owned or NULL */
	char *undoes;         /* owned: the entry this one undoes, or NULL */
	char *undone_by;      /* owned: the undo entry that undid this one */
	char *ssh_connection; /* owned: $SSH_CONNECTION at apply time, or NULL */
	char *service;        /* owned: commit-confirmed service, or NULL */
	char *undo_text;      /* owned or NULL */
	struct journal_file *files; /* owned array */
	size_t nfiles;
	struct journal_cmd *cmds;   /* owned array */
	size_t ncmds;
	enum journal_outcome outcome;
	bool changed;           /* files were left holding other bytes than
				 * before (a failed roll-back): undo can
				 * restore them whatever the outcome */
	char *message;          /* owned: one line, or NULL */
	char *validator_output; /* owned or NULL */
	/* The commit-confirmed guard, when one was started. */
	long guard_pid;             /* 0: none; a process of guard_host */
	long long guard_deadline;   /* seconds since the epoch, on guard_host's clock */
	char *guard_host;           /* owned: the name of the machine the guard
				     * runs on (the one that keeps this journal),
				     * or NULL in records made before it was kept */
	char *guard_result;         /* owned: NULL while waiting, "confirmed",
				     * "reverted", "failed" */
	char *guard_message;        /* owned or NULL */
};

struct journal {
	char *dir;                    /* owned: the folder, a path of place */
	struct target *place;         /* where it is kept: this machine (owned,
				       * own_place) or the examined machine
				       * (borrowed) */
	bool own_place;
	void *held;                   /* the lock (place's store_lock), or NULL */
	const struct apply_fs *fs;    /* borrowed: how this machine's files are
				       * written */
	struct journal_entry *entries; /* owned, in the order they started */
	size_t n;
	size_t damaged;               /* lines that could not be read (a torn
				       * last line after a crash) */
};

/* The default journal folder for target t, the one its kind names
 * (target_journal_dir): a path of t when t keeps its journal itself
 * (target_keeps_journal), else a host path (inside a mounted root, links
 * resolved there; on a Windows volume names matched in any case as the
 * volume's own). Caller frees. */
char *journal_default_dir(const struct target *t);
/* The journal folder to use: option (--journal DIR: a folder of t as
 * named when t keeps its journal itself, else of this machine, made
 * absolute against the current folder) or, when NULL, the default for t.
 * Caller frees. */
char *journal_dir_for(const char *option, const struct target *t);

/* Opens the journal in dir and reads it. With create, makes the folder
 * (0700, and missing parents 0755); without, a missing folder is an empty
 * journal. fs is how files are written (NULL: the real system calls).
 * Returns 0 and *out (journal_close), or -errno and *cause (caller
 * frees). */
int journal_open(const char *dir, const struct apply_fs *fs, bool create, struct journal **out,
		 char **cause);
/* The same for the journal of changes to target t: dir (journal_dir_for)
 * is kept on t itself when t keeps its journal (target_keeps_journal),
 * else it is a folder of this machine (fs its seam). */
int journal_open_for(struct target *t, const char *dir, const struct apply_fs *fs, bool create,
		     struct journal **out, char **cause);
/* Rereads the records (after others appended). Returns 0 or -errno. */
int journal_reload(struct journal *j, char **cause);
/* Takes the journal's lock (flock on dir/lock), waiting up to wait_ms (0:
 * not at all), and rereads the records. Returns 0, or -EWOULDBLOCK with
 * *cause "another asr-doctor (pid N) is changing this machine", or another
 * -errno. */
int journal_lock(struct journal *j, int wait_ms, char **cause);
/* Releases the lock (if held) and frees everything. NULL is fine. */
void journal_close(struct journal *j);

/* Finds an entry: "latest" (or NULL) is the newest entry that changed
 * files and was not undone and is not itself an undo: applied,
 * interrupted, unfinished (a run that stopped, or could not record its
 * end), or failed with files left changed; otherwise the exact id.
 * Returns a borrowed entry or NULL. */
const struct journal_entry *journal_get(const struct journal *j, const char *which);
/* The entry whose commit-confirmed guard is still waiting (no result
 * recorded, its process alive: journal_guard_alive), or NULL. */
const struct journal_entry *journal_guard_waiting(const struct journal *j);
/* Whether the guard process of e (e->guard_pid) still runs. Every guard
 * runs on the machine that keeps its journal (a guard of this machine
 * beside its journal, a remote machine's guard in the journal folder
 * there), so it is asked there: a signal 0 on this machine, else whether
 * /proc/PID exists through j's place (one stat over the link); a place
 * with no /proc to ask counts it running until its deadline. */
bool journal_guard_alive(const struct journal *j, const struct journal_entry *e);

/* Lists the journal in dir without locking or creating it: the same as
 * journal_open(dir, NULL, false, ...). */
int journal_list(const char *dir, struct journal **out, char **cause);
/* The same through journal_open_for. */
int journal_list_for(struct target *t, const char *dir, struct journal **out, char **cause);

/* The tag (see target_write_new) of the temporary file by which entry id
 * puts a file back when its change is rolled back; recovery removes it
 * with the entry's own. Caller frees. */
char *journal_restore_tag(const char *id);
/* Closes entries left unfinished by a run that stopped (crash, power loss,
 * kill): removes their temporary files, notes which files hold the old or
 * the new bytes, and marks them "interrupted" (undo still works). Needs
 * the lock. Adds one line per entry to notes. Returns how many. */
int journal_recover(struct journal *j, struct target *t, struct strvec *notes);

/* Human names ("applied", "rolled back", ...), in the user's language. */
const char *journal_outcome_text(enum journal_outcome o);
/* Stable names used in the journal file ("applied", "rolled_back"...). */
const char *journal_outcome_name(enum journal_outcome o);

/* Appends records (used by apply.c and guard.c; the lock must be held). A
 * failed append leaves the file as it was. Return 0 or -errno. */
int journal_record_start(struct journal *j, const struct journal_entry *e, char **cause);
int journal_record_end(struct journal *j, const struct journal_entry *e, char **cause);
/* host: the machine the guard runs on (gethostname there), or NULL. The
 * same records are appended by a remote machine's guard itself (the sh
 * script of guard_remote.c), in the same format. */
int journal_record_guard(struct journal *j, const char *id, long pid, long long deadline,
			 const char *host, char **cause);
int journal_record_guard_end(struct journal *j, const char *id, const char *result,
			     const char *message, char **cause);
/* The id the next journal_new_entry in the journal folder dir will give,
 * as it stands now (read without the lock: another change made before
 * this one takes it). "1" for a journal not made yet. Caller frees. */
char *journal_next_id(const char *dir);
/* The same for the journal of t (see journal_open_for). */
char *journal_next_id_for(struct target *t, const char *dir);
/* A new entry id (one more than the highest) whose backups folder was
 * created (0700). Caller frees. NULL and *cause on failure. */
char *journal_new_entry(struct journal *j, char **cause);
/* Writes the backup rel (relative to the folder, "backups/ID/N-NAME") of
 * entry being made, exclusively, 0600, on stable storage. 0 or -errno
 * with *cause. */
int journal_write_backup(struct journal *j, const char *rel, const char *data, size_t len,
			 char **cause);
/* Makes the backups of entry id durable (fsync of their folder). 0 or
 * -errno with *cause. */
int journal_sync_backups(struct journal *j, const char *id, char **cause);
/* Bytes free for the journal where it is kept, or -1. */
long long journal_free_bytes(struct journal *j);
/* Frees an entry's contents. */
void journal_entry_clear(struct journal_entry *e);
/* The current time in ISO 8601 UTC; caller frees. */
char *journal_now(void);

/* What file f of a journal entry holds now on target t (a host read). */
enum journal_fstate journal_file_state(struct target *t, const struct journal_file *f);

/* Whether a command of e that ran recorded an inverse (so undo has
 * something to do even when e changed no file). */
bool journal_has_inverse(const struct journal_entry *e);
/* Whether an entry was made on the same kind of target as t. */
bool journal_same_kind(const struct journal_entry *e, const struct target *t);
/* Whether a relative path stays inside its folder: not absolute, no empty,
 * "." or ".." component. */
bool journal_inside_path(const char *rel);
/* Reads the backup of file f of an entry (no link inside the journal
 * folder followed, a path that leaves it refused with -EPERM) and checks
 * its SHA-256 is the one recorded (-EIO when not). Returns 0 and *data
 * (caller frees), or -errno and *cause. */
int journal_read_backup(const struct journal *j, const struct journal_file *f, char **data,
			size_t *len, char **cause);

#endif
