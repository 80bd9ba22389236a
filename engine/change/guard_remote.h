/* guard_remote.h: the commit-confirmed guard of a remote Linux machine
 * (a target that runs commands and is not this machine, reached over
 * asr-doctor's own SSH link). The guard is a POSIX sh script left on the
 * remote machine in a folder of its own under the journal folder
 * (JOURNAL/guard/ENTRY.XXXXXX, made by mktemp -d, mode 0700) with copies
 * of the files the change replaced, and started there in a session of its
 * own (setsid, standard input from /dev/null, output to the folder's log),
 * so the link dropping or the SSH session ending does not stop it. Unless
 * `asr-doctor --target ... confirm` reaches it over a NEW connection in
 * time, it puts each file back (a copy beside it, owner and mode set, then
 * mv over it), removes the files the change created, syncs and runs the
 * plan's reloads.
 *
 * The folder holds: entry (the journal entry), link (the $SSH_CONNECTION
 * of the login that made the change), state ("waiting", then "confirmed",
 * "reverting", "reverted" or "failed"), pid, log, guard.sh and old-N (the
 * bytes of the plan's edit N before the change). Confirmation and the
 * guard's decision race through one mkdir of "decided": whoever makes it
 * decides, so a late confirmation can never leave a change half undone.
 * Removing the folder while the guard waits cancels it (its copies are
 * gone).
 *
 * The journal there tells the same as for a guard of the machine itself
 * (guard.h), in the same records, so that `asr-doctor --target ...
 * history`, `undo` and `confirm` and asr-doctor run on the machine's own
 * console agree: the start appends the "guard" record (the guard's pid
 * there, its deadline on the machine's clock, the machine's name), the
 * guard appends "guard_end" when it puts the files back ("reverted", or
 * "failed"), the confirmation over a new connection appends "confirmed"
 * when it decides, and the guard, seeing confirm/ENTRY in the journal
 * folder (`asr-doctor confirm` on the console), decides and appends
 * "confirmed" itself. Each append takes the journal's lock as asr-doctor
 * does (flock on its lock file). */
#ifndef ASR_GUARD_REMOTE_H
#define ASR_GUARD_REMOTE_H

#include "engine/change/guard.h"

/* The guard's folders live in this folder of the journal folder. */
#define GUARD_REMOTE_SUBDIR "guard"

/* The strategy of a running remote Linux machine (see the top of this
 * file); guard_strategy_for returns it for such a target. */
extern const struct guard_strategy guard_remote;

/* Starts the guard of journal entry entry_id on t (a connected remote
 * machine that runs commands) for plan p, just applied, in one command
 * (one round trip): its edits' old bytes are copied into the guard's
 * folder under journal_dir (a path on t; NULL: target_journal_dir) and
 * its commands marked rerun_on_undo are the reloads. within_s: seconds
 * before it reverts (0: GUARD_DEFAULT_SECONDS). Returns 0 with *pid (the
 * guard's process on t) and *dir (its folder on t; may be NULL; caller
 * frees; the journal under journal_dir records it), or -errno with
 * *cause (caller frees): -EINVAL for an entry id
 * that is not a plain name or a file holding NUL bytes, -EFBIG when the
 * files exceed 96 KiB (the command carries them), -ENOTSUP when t runs no
 * commands; on failure no guard runs. */
int guard_remote_start(struct target *t, const char *journal_dir, const char *entry_id,
		       int within_s, const struct plan *p, long *pid, char **dir, char **cause);

/* `asr-doctor --target ... confirm [ENTRY]`: over t, a connection of its
 * own, confirms the guard waiting for entry which (NULL: the one waiting)
 * under journal_dir on t (NULL: target_journal_dir). Refused when t's
 * login is the very connection that made the change (the same
 * $SSH_CONNECTION on the remote): only a new login proves the way in
 * still works. Returns 0 with *msg (confirmed, or already confirmed);
 * -EPERM (the same connection), -ENOENT (no guard for it), -ETIMEDOUT
 * (too late: the guard reverted it or is reverting it) or another -errno,
 * with *msg saying why. Caller frees *msg. */
int guard_remote_confirm(struct target *t, const char *journal_dir, const char *which,
			 char **msg);

#endif
