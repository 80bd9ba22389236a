/* apply.h: the one executor: the only code that changes a machine. After
 * the engineer confirmed a plan: take the journal's lock, back up every
 * original (bytes, mode, owner), write each new file beside its target
 * (O_EXCL, same mode and owner), fsync, rename over, fsync the folder; run
 * the validators against the new files and put the originals back by the
 * same path when one fails; only then run the after-edit commands (each
 * confirmed through a callback); journal it all. Undo and the guard's
 * revert are restore plans (engine/undo.h) run through the same phases
 * (apply_restore). A crash, a full disk, a lost connection or Ctrl-C at
 * any point leaves each file either old or new, never half written. Files
 * are changed only through the target's write operations (target.h), so
 * this works on every target that can write. */
#ifndef ASR_APPLY_H
#define ASR_APPLY_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "engine/change/journal.h"
#include "engine/change/plan.h"
#include "engine/target/hostfs.h"

/* Asked before each command runs: argv as it will run, its reason, and
 * whether the plan wants a confirmation of its own for it. Return true to
 * run it. A refused command never runs. */
typedef bool (*apply_confirm_fn)(void *arg, const char *const *argv, const char *reason,
				 bool needs_confirm);

struct apply_opts {
	const struct apply_fs *fs;  /* NULL: apply_fs_real. The system calls of
				     * the journal and, during the call, of a
				     * target backed by this machine's files
				     * (hostfs_target_seam): the fault tests' */
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

/* Carries out restore plan p (p->undoes set: undo of that entry, or the
 * guard's revert; see plan_restore_file) through the same phases as
 * apply_plan, on the journal j that the caller opened and locked (and
 * closed the unfinished entries of). The precondition of each file is
 * checked first (apply_precondition, o->force to override); a restored
 * file failing its validator is kept (it holds the original) and the
 * reloads (commands marked rerun_on_undo) are then not run. Success is
 * rep->outcome JOURNAL_UNDONE, the entry recording `undoes`. Returns 0 or
 * -errno with rep->message. rep is the caller's, zeroed or holding notes
 * already (the recovery's), never reset here. Signals are not held here:
 * the caller holds them. */
int apply_restore(struct journal *j, const struct fix_ctx *ctx, const struct plan *p,
		  const struct apply_opts *o, struct apply_report *rep);
/* The precondition of restore plan p: every file holds what the entry
 * p->undoes left there. Returns 0 (or force), else -ESTALE with *cause
 * naming the files changed since and the exact command that forces the
 * undo (for t and the journal folder journal_dir). */
int apply_precondition(const struct target *t, const struct plan *p, bool force,
		       const char *journal_dir, char **cause);

/* ---- shared with engine/undo.c and guard.c ---- */

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
