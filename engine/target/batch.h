/* batch.h: what target.c asks of a target's batch (batch.c); the scope
 * itself (target_batch_begin, _end, _forget) is in target.h. Each lookup
 * returns true when the batch answers, with *err 0 and the answer or a
 * negative errno as the operation returns it; false when the machine must
 * be asked. */
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
/* Frees t's batch state; target_free calls it. */
void target_batch_free(struct target *t);

#endif
