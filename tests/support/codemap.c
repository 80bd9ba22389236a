/* codemap.c: the built-in document's code map for the suites that scan
 * logs (see codemap.h), loaded in one place rather than in each. */
#include "support/codemap.h"

#include <stdlib.h>

#include "engine/codes.h"
#include "engine/doc.h"
#include "support/testutil.h"

struct codemap *tu_map;
static struct doc *tu_doc;

int tu_codemap_setup(void **state)
{
	(void)state;
	char *cause = NULL;
	tu_doc = doc_load_builtin("en", &cause);
	tu_map = tu_doc ? codemap_new(tu_doc, NULL, &cause) : NULL;
	if (!tu_map)
		print_error("the built-in document's code map: %s\n", cause ? cause : "?");
	free(cause);
	return tu_map ? 0 : -1;
}

int tu_codemap_teardown(void **state)
{
	(void)state;
	codemap_free(tu_map);
	doc_free(tu_doc);
	tu_map = NULL;
	tu_doc = NULL;
	return 0;
}
