/* fix.h: remediations. A fix turns a failing check's state into a plan
 * (file edits shown as diffs, commands shown exactly), which the one safe
 * apply path (apply.c) carries out behind a confirmation. */
#ifndef ASR_FIX_H
#define ASR_FIX_H

#include <stdbool.h>

#include "engine/check.h"

struct plan;     /* engine/change/plan.h */
struct fix_ctx;  /* engine/change/plan.h */

struct fix_def {
	const char *id;                 /* stable: "sshd.enable_password" */
	const char *const *check_ids;   /* checks it fixes; NULL-terminated */
	const char *title_en;
	const char *title_zh;
	/* Builds a plan from the target's current state. Returns NULL and
	 * *cause (caller frees) when there is nothing to do or it cannot. */
	struct plan *(*plan)(const struct fix_ctx *ctx, char **cause);
	/* The commands that go with a change this fix made, as its planner
	 * writes them for ctx now. Undo runs these, never commands read from
	 * a journal (a file on the examined machine), and refuses an entry
	 * whose recorded commands differ. validator: the validator template
	 * (see struct file_edit) of the edited file at target path `path`, or
	 * NULL when it has none. reload: the command run again once undo has
	 * restored the files, or NULL. Both return a vector the caller frees
	 * with argv_free. A NULL hook: the fix has no such command. */
	char **(*validator)(const struct fix_ctx *ctx, const char *path);
	char **(*reload)(const struct fix_ctx *ctx);
	/* The command that undoes argv, a command this fix's planner writes
	 * (plan_cmd_inverse), as the planner gives it for ctx now, or NULL
	 * when it has none. Undo runs this one in reverse order of the
	 * commands, never an inverse read from the journal, and refuses an
	 * entry whose recorded inverse differs. Caller frees (argv_free). */
	char **(*inverse)(const struct fix_ctx *ctx, const char *const *argv);
	/* For an inverse that depends on the state the planner found (the
	 * previous type and data of a registry value, the previous start
	 * type of a service), which argv alone cannot give: whether inv, as
	 * the journal recorded it, is one this fix's planner writes for
	 * argv, checked word by word (program, key, name, and a type and
	 * data of the forms the planner writes). Asked only when inverse is
	 * NULL; undo then runs inv, and refuses the entry when it is not. */
	bool (*inverse_ok)(const struct fix_ctx *ctx, const char *const *argv,
			   const char *const *inv);
	/* Whether the fix can change target t at all (a registry fix of an
	 * offline Windows volume, or one that runs commands on a running
	 * Windows machine), so that the fixes offered for a failing check
	 * are the ones for this machine; NULL: any target (the planner says
	 * why not). */
	bool (*applies)(const struct target *t);
};

/* Every fix, in a stable order; ends with NULL. */
extern const struct fix_def *const fix_registry[];
/* The fix named id (the registry's, or one added by
 * fix_add_definitions), or NULL. */
const struct fix_def *fix_find(const char *id);
/* Makes fix_find know more definitions (NULL-terminated, borrowed for the
 * life of the process; NULL removes them): the test suites' own fixes,
 * whose commands undo then runs like the registry's. */
void fix_add_definitions(const struct fix_def *const *defs);
/* The fixes for a check id: fills out (up to max), returns the count. */
size_t fix_for_check(const char *check_id, const struct fix_def **out, size_t max);

#endif
