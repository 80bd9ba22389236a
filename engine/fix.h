/* fix.h: remediations. A fix turns a failing check's state into a plan
 * (file edits shown as diffs, commands shown exactly), which the one safe
 * apply path (apply.c) carries out behind a confirmation. */
#ifndef ASR_FIX_H
#define ASR_FIX_H

#include <stdbool.h>

#include "engine/check.h"

struct plan;     /* engine/plan.h */
struct fix_ctx;  /* engine/plan.h */

struct fix_def {
	const char *id;                 /* stable: "sshd.enable_password" */
	const char *const *check_ids;   /* checks it fixes; NULL-terminated */
	const char *title_en;
	const char *title_zh;
	/* Builds a plan from the target's current state. Returns NULL and
	 * *cause (caller frees) when there is nothing to do or it cannot. */
	struct plan *(*plan)(const struct fix_ctx *ctx, char **cause);
};

/* Every fix, in a stable order; ends with NULL. */
extern const struct fix_def *const fix_registry[];
const struct fix_def *fix_find(const char *id);
/* The fixes for a check id: fills out (up to max), returns the count. */
size_t fix_for_check(const char *check_id, const struct fix_def **out, size_t max);

#endif
