/* undocmd.c: the undo command for a journal entry (see undocmd.h). */
#include "engine/change/undocmd.h"

#include <stdlib.h>
#include <string.h>

#include "engine/change/journal.h"
#include "engine/change/plan.h"
#include "engine/target/target.h"

char *undo_command(const struct target *t, const char *journal_dir, const char *entry_id, bool force)
{
	const char *argv[10];
	size_t n = 0;
	argv[n++] = "asr-doctor";
	if (t && t->kind == TARGET_ROOT) {
		argv[n++] = "--root";
		argv[n++] = *t->root ? t->root : "/";
	}
	char *def = t ? journal_default_dir(t) : NULL;
	if (journal_dir && (!def || strcmp(def, journal_dir) != 0)) {
		argv[n++] = "--journal";
		argv[n++] = journal_dir;
	}
	argv[n++] = "undo";
	argv[n++] = entry_id;
	if (force)
		argv[n++] = "--force";
	argv[n] = NULL;
	char *s = plan_argv_str(argv);
	free(def);
	return s;
}
