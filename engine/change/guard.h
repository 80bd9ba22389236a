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
	const char *target_kind; /* the target changed, as target_kind_name
				  * gives it (NULL: this machine) ... */
	const char *target_location; /* ... and target_location (may be NULL):
				      * the guard makes it again from these
				      * (target_open_described) */
	const char *entry_id;    /* the entry to undo unless confirmed */
	int within_s;            /* seconds to wait; 0: GUARD_DEFAULT_SECONDS */
	const char *exe;         /* program to run; NULL: /proc/self/exe */
	const struct plan *plan; /* borrowed: the change applied, or NULL; a
				  * guard that runs on the target itself
				  * takes the old bytes of its files and its
				  * reloads from here */
};

/* Whether a guard should follow this apply: the plan can lock the engineer
 * out, a command marked rerun_on_undo (the reload) ran, and the engineer is
 * connected through SSH ($SSH_CONNECTION set). */
bool guard_wanted(const struct plan *p, const struct apply_report *rep);

/* Starts the guard for g->entry_id: double fork and setsid (its own
 * session, immune to the SSH session's hang-up), standard input from
 * /dev/null, output to <journal>/guard-<entry>.log, then exec of g->exe
 * with GUARD_COMMAND and the target's description. Records the guard (pid, deadline) in the journal.
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
 * within_s seconds unless `asr-doctor [TARGET OPTIONS] confirm ENTRY` runs
 * from a new login (journal_opt, when not NULL, is added as --journal;
 * for a machine that is not this one, from a new connection made by that
 * command), and the other ways into the machine (or that none was found).
 * Caller frees. */
char *guard_notice(struct target *t, const char *entry_id, int within_s, long pid,
		   const char *journal_opt);

/* ---- the guard strategy of a target ---- */

/* What a change that can lock the engineer out (a plan with
 * commit_confirmed_service) needs on a target. */
enum guard_need {
	GUARD_NOT_NEEDED, /* nobody can be locked out by it: no guard */
	GUARD_NEEDED,     /* a guard is started once the change and its reload are in */
	GUARD_REFUSED,    /* it could lock the engineer out and the target cannot
			   * guard it: it is not applied */
};

/* How one kind of target guards such a change. Each target has one
 * (guard_strategy_for); a new target adds its own here, and the front
 * ends, which go through engine/remedy.c, do not change. */
struct guard_strategy {
	const char *name; /* "local process", "none", ... */
	/* Whether this is t's strategy. */
	bool (*serves)(const struct target *t);
	/* What a commit-confirmed change on t needs, the engineer connected
	 * through ssh_connection ($SSH_CONNECTION, NULL when not through
	 * SSH). *why gets a static line (user's language) for
	 * GUARD_NOT_NEEDED and GUARD_REFUSED, else NULL. */
	enum guard_need (*need)(const struct target *t, const char *ssh_connection,
				const char **why);
	/* Starts the guard for g->entry_id, a change applied on t. Returns 0
	 * and *pid, or -errno and *cause (caller frees). NULL when need never
	 * says GUARD_NEEDED. */
	int (*start)(struct target *t, const struct guard_spec *g, long *pid, char **cause);
	/* `confirm` for t: confirms the guard waiting for entry which (NULL:
	 * the one waiting) as guard_confirm does. NULL: guard_confirm on
	 * the journal folder. */
	int (*confirm)(struct target *t, const char *journal_dir, const char *which,
		       const char *ssh_connection, char **msg);
	/* Whether a guard of t still waits for its confirmation (its undo
	 * would overwrite any change made meanwhile): 1 with *entry (caller
	 * frees), 0 when none, -errno with *cause (caller frees). NULL: the
	 * journal tells (apply refuses then). */
	int (*waiting)(struct target *t, const char *journal_dir, char **entry, char **cause);
	/* Whether its guard decides from the journal, under the journal's
	 * lock, and stands down for an entry undone meanwhile (the guard
	 * process of guard_start: undo may run while it waits). false: the
	 * guard puts its files back from copies of its own without reading
	 * the journal, so undo is refused while it waits
	 * (guard_undo_busy). */
	bool reads_journal;
};

/* The strategy of target t: the first added one (guard_add_strategies)
 * that serves it, else the built-in ones: a detached local process for
 * this machine, none for a system that is not running (a mounted root),
 * a process detached on the machine itself for a running remote Linux
 * machine (guard_remote.h), and a refusal for any other target. Never
 * NULL. */
const struct guard_strategy *guard_strategy_for(const struct target *t);
/* Makes guard_strategy_for try these first (NULL-terminated, borrowed for
 * the life of the process; NULL removes them): tests' own strategies, and
 * the way a new target plugs its guard in. */
void guard_add_strategies(const struct guard_strategy *const *s);
/* What plan p needs on t (see enum guard_need): GUARD_NOT_NEEDED with *why
 * NULL when p cannot lock anyone out, else the strategy's answer. */
enum guard_need guard_needs(const struct target *t, const struct plan *p,
			     const char *ssh_connection, const char **why);
/* `asr-doctor confirm` on t: its strategy's confirm, or guard_confirm on
 * journal_dir (a host path) when it has none. Same contract as
 * guard_confirm. */
int guard_confirm_on(struct target *t, const char *journal_dir, const char *which,
		     const char *ssh_connection, char **msg);
/* Why no change may be applied to t now: a guard there still waits for
 * its confirmation (the strategy's waiting). Returns NULL when nothing
 * waits (or the strategy leaves it to the journal), else a message
 * naming the entry and the confirm command (journal_opt as in
 * guard_notice), or why it could not be asked. Caller frees. */
char *guard_busy(struct target *t, const char *journal_dir, const char *journal_opt);
/* Why entry undo may not run on t now: a guard there still waits for
 * its confirmation (journal_guard_waiting on j, the journal of t, open)
 * and t's strategy does not read the journal (reads_journal false), so
 * an undo now and the guard's own revert would both act on the same
 * files. Returns NULL when nothing waits or the guard would stand down,
 * else a message naming the entry, its deadline and the time left (on
 * the clock of this machine), the confirm command (journal_opt as in
 * guard_notice) and the other way out (letting the guard put it back).
 * Caller frees. */
char *guard_undo_busy(struct target *t, const struct journal *j, const char *journal_opt);
/* Whether an apply is ready for its guard: the change is in place,
 * journalled, and a command marked rerun_on_undo (the reload) ran. */
bool guard_due(const struct apply_report *rep);

#endif
