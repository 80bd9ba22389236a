/* diff.h: the unified diff of two texts. */
#ifndef ASR_DIFF_H
#define ASR_DIFF_H

#include <stddef.h>

#include "engine/util/util.h"

/* Appends to out the unified diff (3 lines of context, "--- name_a" and
 * "+++ name_b" headers, "\ No newline at end of file" where it applies)
 * of a[0..alen) and b[0..blen). Nothing is appended when the bytes are
 * equal. Binary bytes (a NUL in either side: a registry hive) give one
 * line: name_b, the sizes and SHA-256 of both. */
void diff_unified(const char *a, size_t alen, const char *b, size_t blen, const char *name_a,
		  const char *name_b, struct sbuf *out);

#endif
