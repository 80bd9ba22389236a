/* batch.h: what target.c asks of a target's batch (batch.c); the scope
 * itself (target_batch_begin, _end, _forget) is in target.h. Inside a
 * scope each lookup answers (returns true) with *err 0 and the answer or
 * a negative errno as the operation returns it: from the batched read,
 * else from what the machine answered earlier in the scope, else by
 * asking the machine now and keeping the answer. Outside a scope (or for
 * a target that is not batched) it returns false: the caller asks the
 * machine. */
#ifndef ASR_TARGET_BATCH_H
#define ASR_TARGET_BATCH_H

#include <stdbool.h>
#include <stddef.h>

#include "engine/target/target.h"

/* read_file with at most max bytes; *data (caller frees) and *len. */
bool target_batch_read(struct target *t, const char *path, size_t max, char **data, size_t *len,
		       int *err);
/* list_dir: the names appended to *names, sorted. */
bool target_batch_list(struct target *t, const char *path, struct strvec *names, int *err);
/* stat (follow) or lstat. */
bool target_batch_stat(struct target *t, const char *path, bool follow, struct target_stat *st,
		       int *err);
/* statvfs. */
bool target_batch_statvfs(struct target *t, const char *path, struct target_vfs *out, int *err);
/* realpath: *out (caller frees). */
bool target_batch_realpath(struct target *t, const char *path, char **out, int *err);
/* run: *out as target_run fills it (caller frees with cmd_result_free);
 * *err the run's result. A command that timed out is not kept. */
bool target_batch_run(struct target *t, const char *const argv[], int timeout_ms,
		      struct cmd_result *out, int *err);
/* Frees t's batch state; target_free calls it. */
void target_batch_free(struct target *t);

#endif
