/* undocmd.h: the exact command that undoes a journal entry, as shown in
 * messages, the journal and reports: it names the machine (--root) and
 * the journal (--journal) the entry lives in, so that run as printed, on
 * a rescue machine with its own journal, it undoes this entry and no
 * other. */
#ifndef ASR_UNDOCMD_H
#define ASR_UNDOCMD_H

#include <stdbool.h>

struct target;

/* "asr-doctor [--root DIR] [--journal DIR] undo ID [--force]" for entry_id
 * in the journal folder journal_dir (a host path) of target t: --root for
 * a mounted root, --journal when the folder is not t's default one; words
 * are quoted for a POSIX shell. Never fails; caller frees. */
char *undo_command(const struct target *t, const char *journal_dir, const char *entry_id, bool force);

#endif
