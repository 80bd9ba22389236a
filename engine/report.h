/* report.h: results as JSON (for `check --json`, reports and --replay). */
#ifndef ASR_REPORT_H
#define ASR_REPORT_H

#include <stddef.h>

#include "engine/session.h"
#include "engine/target/target.h"

/* The JSON document for the results at idx[0..n) of session s (all when
 * idx is NULL): schema 1, see README "check --json". Caller frees. */
char *report_check_json(const struct session *s, const struct target *t, const size_t *idx, size_t n);

#endif
