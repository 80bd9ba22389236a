/* runner.h: runs checks in background threads, each with a timeout, so the
 * wizard never freezes; results are collected by polling. */
#ifndef ASR_RUNNER_H
#define ASR_RUNNER_H

#include <stdbool.h>
#include <stddef.h>

#include "engine/check.h"

struct runner;

/* Starts running checks (borrowed definitions) on ctx's target with up to
 * `threads` workers. A check still running after timeout_ms is reported as
 * an error and its late result dropped. ctx is copied; its target must
 * outlive the runner. */
struct runner *runner_start(const struct check_def *const *checks, size_t n,
			    const struct check_ctx *ctx, int threads, int timeout_ms);
/* Moves up to max finished results into out (the caller owns them and
 * frees each with result_free). Never blocks. */
size_t runner_poll(struct runner *r, struct check_result *out, size_t max);
/* Waits until a result is ready or ms pass; returns whether one is. */
bool runner_wait(struct runner *r, int ms);
/* Checks not yet reported (queued or running). */
size_t runner_pending(const struct runner *r);
/* The ids of the checks running now, joined by ", " (caller frees). */
char *runner_running(struct runner *r);
/* Asks every check to stop; pending ones report "cancelled". */
void runner_cancel(struct runner *r);
/* Cancels, waits for the workers, frees everything. */
void runner_free(struct runner *r);

#endif
