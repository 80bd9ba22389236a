/* undo.h: undo as a restore plan. The journal (engine/change/journal.h) is
 * a store; this module reads an entry from it, looks up the fix that made
 * it (fix_find: its validator, reload and inverse hooks give every command
 * undo runs, never the journal), and builds the restore plan: each file
 * back to its exact bytes, mode and owner (a file the entry created is
 * removed), with the precondition that it still holds what the entry left;
 * the reloads; the inverse of each command that ran, last first. The one
 * executor (apply_restore) carries it out. The commit-confirmed guard's
 * body, which undoes an unconfirmed change at its deadline, lives here
 * too. */
#ifndef ASR_UNDO_H
#define ASR_UNDO_H

#include <stdbool.h>

#include "engine/change/apply.h"
#include "engine/change/journal.h"
#include "engine/change/plan.h"

/* Builds the restore plan of entry e of journal j for ctx (ctx->t the
 * target it was made on). Files already holding their originals are left
 * out. Refuses with -EPERM when a command the entry records differs from
 * what its fix's definition gives now (or names no known fix while it
 * records commands), or a backup path leaves the journal folder; -EIO for
 * a damaged backup. Returns 0 and *out (plan_free), or -errno and *cause
 * (caller frees). The precondition is not checked here (apply_precondition,
 * apply_restore). */
int undo_plan(const struct journal *j, const struct fix_ctx *ctx, const struct journal_entry *e,
	      struct plan **out, char **cause);

/* Undoes an entry ("latest" or an id): checks every file still holds what
 * the entry wrote (else refuses, unless o->force), backs up the current
 * bytes, restores the exact original bytes, mode and owner through the
 * same atomic path (a file the entry created is removed), runs the
 * validators and, when they pass, the reload commands, then the inverses
 * of the commands that ran (each command through o->confirm), and
 * journals the undo as an entry of its own. The commands come from the
 * definition of the entry's fix (undo_plan), never from the journal. Takes
 * the lock and holds the signals that end a terminal session while it
 * works (rep->signal). Returns 0 (rep->outcome JOURNAL_UNDONE), or -errno
 * with rep->message: -ENOTSUP on a target whose files asr-doctor cannot
 * change and that keeps no journal itself (target_keeps_journal: a
 * Windows machine over SSH keeps one under its %ProgramData%, unless
 * that could not be told); -EBUSY while a guard on the target still waits
 * for its confirmation and would put the same files back itself
 * (guard_undo_busy: a remote machine's guard; this machine's stands down
 * for an entry undone meanwhile). rep is freed with apply_report_free. */
int undo_entry(const struct fix_ctx *ctx, const char *which, const struct apply_opts *o,
	       struct apply_report *rep);
/* The same with the journal already open and locked (ctx->t the target,
 * ctx->journal_dir unused). */
int undo_entry_locked(struct journal *j, const struct fix_ctx *ctx, const char *which,
		      const struct apply_opts *o, struct apply_report *rep);
/* Describes what undo of `which` would do (files, a diff of the current
 * bytes against the originals, commands) without changing anything.
 * Returns 0, or -errno and *cause (-ENOTSUP, as undo_entry, on a target
 * asr-doctor cannot change and that keeps no journal of its own; -EBUSY,
 * as undo_entry, while a guard there waits). */
int undo_preview(const struct fix_ctx *ctx, const char *which, bool force, struct sbuf *out,
		 char **cause);

/* The guard's body: waits until deadline (seconds since the epoch), and
 * stops as soon as a confirmation for the entry appears (see guard.h); at
 * the deadline, unless confirmed, undoes the entry (forced) on the target
 * made again from its description (target_open_described: kind as
 * target_kind_name gave it, NULL for this machine; location as
 * target_location gave it, may be NULL), runs its reload again, and
 * journals the result. Returns the process exit status (0 confirmed or
 * undone, 1 the undo failed). */
int undo_guard_run(const char *journal_dir, const char *kind, const char *location,
		   const char *entry_id, long long deadline);
/* `PROG __guard JOURNAL ENTRY DEADLINE [KIND [LOCATION]]`: argv[0] is
 * GUARD_COMMAND. main() hands it here before parsing options. Returns the
 * exit status (2 for bad arguments). */
int undo_guard_main(int argc, char **argv);

#endif
