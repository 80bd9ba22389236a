/* doc_testlib.h: loading and parsing articles in the suites of the
 * article tree and of the sessions bound to it, failing the test with the
 * parser's message. Header-only (static inline) so each suite stays one
 * file. */
#ifndef ASR_DOC_TESTLIB_H
#define ASR_DOC_TESTLIB_H

#include "support/testutil.h"

#include <stdlib.h>
#include <string.h>

#include "engine/doc.h"

/* The fixture editions of the article (reconstructions of the published
 * formats; see each file's header). */
#define EN2025_PATH "tests/fixtures/article/push-install-2025.en.md"
#define ZHTW_PATH "tests/fixtures/article/push-install-2020.zh-tw.md"
#define KOKR_PATH "tests/fixtures/article/push-install-2024.ko-kr.md"

static inline struct doc *tl_doc_check(struct doc *d, char *cause)
{
	if (!d) {
		print_error("%s\n", cause);
		free(cause);
	}
	assert_non_null(d);
	return d;
}

/* An article file. */
static inline struct doc *tl_load_doc(const char *path)
{
	char *cause = NULL;
	struct doc *d = doc_load_file(path, &cause);
	return tl_doc_check(d, cause);
}

/* An article given as text; name is used in messages. */
static inline struct doc *tl_parse_doc(const char *text, const char *name)
{
	char *cause = NULL;
	struct doc *d = doc_parse(text, strlen(text), name, &cause);
	return tl_doc_check(d, cause);
}

#endif
