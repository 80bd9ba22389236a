/* cmd_confirm.c: `asr-doctor confirm [ENTRY]`: keeps a change that would
 * otherwise be undone by its commit-confirmed guard. Must be run from a NEW
 * login (another SSH session, or the console): one from the session that
 * made the change is refused. With --target it logs in to the machine
 * afresh and confirms the guard waiting there (its strategy's confirm,
 * engine/change/guard.h). Exit status: 0 confirmed, 1 refused, too late
 * or nothing waiting, 2 usage or runtime error. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli/cli.h"
#include "engine/change/guard.h"
#include "engine/change/journal.h"

int cmd_confirm(struct options *o);

/* The confirm command (see the top of this file). */
int cmd_confirm(struct options *o)
{
	if (o->argc > 1) {
		cli_error("confirm takes at most one journal entry, e.g. 'asr-doctor confirm 3'");
		return 2;
	}
	struct target *t = cli_target(o);
	if (!t)
		return 2;
	char *jdir = journal_dir_for(o->journal, t);
	char *msg = NULL;
	int rc = guard_confirm_on(t, jdir, o->argc ? o->argv[0] : NULL, getenv("SSH_CONNECTION"),
				  &msg);
	target_free(t);
	if (rc == 0)
		printf("%s\n", msg);
	else
		cli_error("%s", msg ? msg : "?");
	free(msg);
	free(jdir);
	return rc == 0 ? 0 : rc == -EPERM || rc == -ENOENT || rc == -ETIMEDOUT ? 1 : 2;
}
