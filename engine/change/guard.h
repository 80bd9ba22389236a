/* guard.h: the commit-confirmed guard. A change that can lock the engineer
 * out (sshd's settings, applied while connected through SSH) is undone by
 * itself unless it is confirmed from a NEW login within N seconds. The
 * guard is this same program run again (/proc/self/exe __guard ...) in its
 * own session, detached from the terminal, so losing the SSH connection
 * does not stop it; `asr-doctor confirm` leaves a confirmation file in the
 * journal folder. */
#ifndef ASR_GUARD_H
#define ASR_GUARD_H

#include <stdbool.h>
#include <sys/types.h>

#include "engine/change/apply.h"
#include "engine/change/plan.h"
#include "engine/target/target.h"

#define GUARD_DEFAULT_SECONDS 300
/* The hidden command the guard runs as: main() must hand
 * `PROG __guard ...` to undo_guard_main (engine/undo.h) before parsing
 * options. */
#define GUARD_COMMAND "__guard"

struct guard_spec {
	const char *journal_dir; /* the journal holding the entry (host path) */
	const char *root;        /* the --root folder, or NULL for this machine */
	const char *entry_id;    /* the entry to undo unless confirmed */
	int within_s;            /* seconds to wait; 0: GUARD_DEFAULT_SECONDS */
	const char *exe;         /* program to run; NULL: /proc/self/exe */
};

/* Whether a guard should follow this apply: the plan can lock the engineer
 * out, a command marked rerun_on_undo (the reload) ran, and the engineer is
 * connected through SSH ($SSH_CONNECTION set). */
bool guard_wanted(const struct plan *p, const struct apply_report *rep);

/* Starts the guard for g->entry_id: double fork and setsid (its own
 * session, immune to the SSH session's hang-up), standard input from
 * /dev/null, output to <journal>/guard-<entry>.log, then exec of g->exe
 * with GUARD_COMMAND. Records the guard (pid, deadline) in the journal.
 * Returns 0 and *pid (may be NULL), or -errno and *cause (caller frees). */
int guard_start(const struct guard_spec *g, pid_t *pid, char **cause);

/* The file whose presence confirms entry id in the journal folder dir (a
 * host path); caller frees. The guard's body (undo_guard_run in
 * engine/undo.h) looks for it. */
char *guard_confirm_path(const char *dir, const char *id);

/* `asr-doctor confirm [ENTRY]`: confirms the entry whose guard waits
 * (which: an id, or NULL for the one waiting). Refuses when ssh_connection
 * (the caller's $SSH_CONNECTION, may be NULL) equals the one recorded when
 * the change was applied: only a NEW login proves the way in still works.
 * Returns 0 with *msg saying what happened, or -errno with *msg why not.
 * Caller frees *msg. */
int guard_confirm(const char *journal_dir, const char *which, const char *ssh_connection,
		  char **msg);

/* Looks for another way into the machine than SSH, for the confirmation
 * screen: a getty on a serial line (ttyS*, hvc*, ttyAMA*, ttysclp*), a
 * login prompt on the local console (tty1...), a session logged in on a
 * console. Reads proc_dir (normally "/proc") through t, which must be the
 * running machine (a fixture root in tests). Adds one line per finding to
 * found; returns whether there was any. */
bool guard_other_way_in(struct target *t, const char *proc_dir, struct strvec *found);

/* What the engineer must know once a guard runs: the change is undone in
 * within_s seconds unless `asr-doctor confirm ENTRY` runs from a new login
 * (journal_opt, when not NULL, is added as --journal), and the other ways
 * into the machine (or that none was found). Caller frees. */
char *guard_notice(struct target *t, const char *entry_id, int within_s, long pid,
		   const char *journal_opt);

#endif
