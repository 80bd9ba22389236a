/* check_logs.h: the internal entry point of log.codes, so that its tests
 * can give their own code table and read bounds. The check in the
 * registry calls it with the built-in article of the user's language and
 * the bounds below. */
#ifndef ASR_CHECK_LOGS_H
#define ASR_CHECK_LOGS_H

#include "engine/check.h"
#include "engine/codes.h"

/* Most bytes read of one log: its last 4 MB (the newest attempt is at
 * the end), a few seconds on a slow link. */
#define LOG_CHECK_PER_LOG (4ull * 1024 * 1024)
/* Most bytes read of all the logs together. */
#define LOG_CHECK_TOTAL (16ull * 1024 * 1024)

/* Finds the installer logs of ctx->t in their known places
 * (log_known_paths) and scans at most per_log bytes of each, total in
 * all, with the code table m (borrowed). FAIL when a log names a code
 * some section of m's article names (the codes and their sections in the
 * finding, each line as file evidence); PASS when every log was read and
 * none does (codes no section names are listed as notes); WARN when some
 * logs could not be read and those read name no known code; ERROR when
 * none could be read or ctx->cancel stopped it; NA when there is no log
 * in the known places (where it looked, and `asr-doctor log FILE`). A log
 * read in part says so in a note: the bytes read and where. */
void log_codes_evaluate(const struct check_ctx *ctx, struct check_result *r,
			const struct codemap *m, unsigned long long per_log,
			unsigned long long total);

#endif
