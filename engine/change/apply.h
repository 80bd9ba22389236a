/* apply.h: the one safe path that changes a machine. After the engineer
 * confirmed a plan: take the journal's lock, back up every original (bytes,
 * mode, owner), write each new file beside its target (O_EXCL, same mode and
 * owner), fsync, rename over, fsync the folder; run the validators against
 * the new files and put the originals back by the same path when one fails;
 * only then run the after-edit commands (each confirmed through a
 * callback); journal it all. A crash, a full disk, a lost connection or
 * Ctrl-C at any point leaves each file either old or new, never half
 * written. Works on the local machine and on a mounted root (--root). */
#ifndef ASR_APPLY_H
#define ASR_APPLY_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "engine/change/journal.h"
#include "engine/change/plan.h"

/* Every file-system call of the write path (files, backups, journal, lock)
 * goes through this table, so tests can inject failures and crashes.
 * Each behaves like the system call: -1 and errno on failure. */
struct apply_fs {
	int (*open)(const char *path, int flags, mode_t mode);
	ssize_t (*write)(int fd, const void *buf, size_t n);
	int (*fsync)(int fd);
	int (*close)(int fd);
	int (*rename)(const char *from, const char *to);
	int (*fsync_dir)(const char *dir);
	int (*fchmod)(int fd, mode_t mode);
	int (*fchown)(int fd, uid_t uid, gid_t gid);
	int (*unlink)(const char *path);
	int (*mkdir)(const char *path, mode_t mode);
	/* mkdirat(2): the journal's folders are made in a folder opened
	 * without following links. */
	int (*mkdirat)(int dirfd, const char *name, mode_t mode);
};

/* The real system calls. */
extern const struct apply_fs apply_fs_real;

/* Asked before each command runs: argv as it will run, its reason, and
 * whether the plan wants a confirmation of its own for it. Return true to
 * run it. A refused command never runs. */
typedef bool (*apply_confirm_fn)(void *arg, const char *const *argv, const char *reason,
				 bool needs_confirm);

struct apply_opts {
	const struct apply_fs *fs;  /* NULL: apply_fs_real */
	apply_confirm_fn confirm;   /* NULL: run only the commands that need no
				     * confirmation of their own */
	void *confirm_arg;
	int timeout_ms;             /* per command and validator; 0: the
				     * context's, else 60 s */
	bool force;                 /* undo: restore files changed since */
	const char *ssh_connection; /* recorded with the entry; NULL: from
				     * $SSH_CONNECTION */
};

/* A command as it ran (or did not). */
struct apply_cmd_log {
	char *argv_str;  /* owned: shown as it ran */
	bool ran;
	int status;      /* exit status when ran, else -1 */
	char *output;    /* owned: stdout and stderr, or NULL */
	char *note;      /* owned: why it did not run, or NULL */
};

struct apply_report {
	char *entry_id;          /* owned: the journal entry, or NULL when none
				  * was written */
	enum journal_outcome outcome;
	bool changed;            /* the files now hold the new bytes (undo:
				  * the originals) */
	char *message;           /* owned: one or more lines, user's language */
	char *validator_output;  /* owned: a failing validator's output, or NULL */
	struct apply_cmd_log *cmds; /* owned array */
	size_t ncmds;
	struct strvec pending;   /* commands to run after booting the machine
				  * (a mounted root cannot run them) */
	struct strvec notes;     /* unfinished entries closed, warnings */
	bool reload_ran;         /* a command marked rerun_on_undo ran */
	int signal;              /* SIGINT/SIGTERM/SIGHUP/SIGQUIT that arrived
				  * during the critical section (held until
				  * the files were consistent), or 0 */
};

/* Carries out plan p on ctx->t (local or mounted root) as described at the
 * top of this file; ctx->journal_dir (or the default) holds the journal.
 * The caller has shown the plan and the engineer confirmed it. Returns 0
 * when the change is in place (rep->outcome JOURNAL_APPLIED), or -errno
 * with rep->message saying what happened and that nothing changed (or what
 * did). Signals that stop a terminal session are held during the work and
 * reported in rep->signal: the caller prints the report, then calls
 * apply_reraise(rep->signal). Only the calling thread's signal mask is
 * changed: other threads must block those signals themselves. rep is freed
 * with apply_report_free. */
int apply_plan(const struct fix_ctx *ctx, const struct plan *p, const struct apply_opts *o,
	       struct apply_report *rep);
void apply_report_free(struct apply_report *rep);
/* Raises sig again with its default action (no-op for 0). */
void apply_reraise(int sig);
/* Writes a report as plain text (what was done, commands, what to run
 * after booting, notes). */
void apply_report_print(const struct apply_report *rep, FILE *out);

/* ---- shared with journal.c and guard.c ---- */

/* The host path of a target path (the target's root prepended; the last
 * component is not followed). Caller frees; NULL for an SSH target. */
char *apply_host_path(struct target *t, const char *target_path);
/* Writes data to the new file path (O_EXCL) with mode and owner (owner
 * only when it differs from the creator's), fsyncs and closes it. On
 * failure removes it. Returns 0 or -errno with *cause. */
int apply_write_new(const struct apply_fs *fs, const char *path, const char *data, size_t len,
		    mode_t mode, uid_t uid, gid_t gid, char **cause);
/* Replaces path with data atomically: a temporary tmp in the same folder
 * (apply_write_new), rename over path, fsync the folder. Returns 0 or
 * -errno with *cause; on failure path is unchanged. */
int apply_replace(const struct apply_fs *fs, const char *path, const char *tmp, const char *data,
		  size_t len, mode_t mode, uid_t uid, gid_t gid, char **cause);
/* Removes path and fsyncs its folder. Returns 0 or -errno with *cause. */
int apply_remove(const struct apply_fs *fs, const char *path, char **cause);
/* Reads a host file whole (at most PLAN_BINARY_MAX). Returns 0 or -errno. */
int apply_read_host(const char *path, char **data, size_t *len);
/* Runs a validator template (see struct file_edit) for the file at host
 * path file on target t. Returns true when it exits 0; *output gets its
 * output (caller frees). */
bool apply_validate(struct target *t, char *const *tmpl, const char *file, int timeout_ms,
		    char **output);
/* Runs one command through the confirmation callback and records it in
 * log (and in jc when not NULL). Returns true when it ran and exited 0. */
bool apply_run_command(struct target *t, const struct apply_opts *o, char *const *argv,
		       const char *reason, bool needs_confirm, int timeout_ms,
		       struct apply_report *rep, struct journal_cmd *jc);
/* Blocks SIGINT, SIGTERM, SIGHUP and SIGQUIT in this thread; old gets the
 * previous mask. */
void apply_signals_hold(sigset_t *old);
/* Whether one of those signals is waiting. */
bool apply_signals_pending(void);
/* Takes a waiting one off (returns it, or 0) and restores old. */
int apply_signals_release(const sigset_t *old);
/* The timeout to use: o's, else ctx's, else 60 s. */
int apply_timeout(const struct apply_opts *o, const struct fix_ctx *ctx);

#endif
