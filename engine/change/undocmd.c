/* undocmd.c: the undo command for a journal entry (see undocmd.h). */
#include "engine/change/undocmd.h"

#include <stdlib.h>
#include <string.h>

#include "engine/change/journal.h"
#include "engine/change/plan.h"
#include "engine/target/target.h"

char *undo_command(const struct target *t, const char *journal_dir, const char *entry_id, bool force)
{
	struct strvec argv = { 0 };
	sv_push(&argv, "asr-doctor");
	if (t)
		target_cli_args(t, &argv);
	char *def = t ? journal_default_dir(t) : NULL;
	if (journal_dir && (!def || strcmp(def, journal_dir) != 0)) {
		sv_push(&argv, "--journal");
		sv_push(&argv, journal_dir);
	}
	sv_push(&argv, "undo");
	sv_push(&argv, entry_id);
	if (force)
		sv_push(&argv, "--force");
	char *s = plan_argv_str((const char *const *)argv.v); /* v is NULL-terminated */
	sv_free(&argv);
	free(def);
	return s;
}
