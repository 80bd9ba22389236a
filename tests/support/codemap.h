/* codemap.h: the built-in document's code map, loaded once for a group
 * of cmocka tests that scan logs with it. */
#ifndef ASR_TEST_CODEMAP_H
#define ASR_TEST_CODEMAP_H

struct codemap;

/* The English built-in document's code map while a group runs (from
 * tu_codemap_setup to tu_codemap_teardown); NULL outside it. */
extern struct codemap *tu_map;

/* A cmocka group setup: loads the document and its code map. Returns -1
 * (the group fails) when either does not load. */
int tu_codemap_setup(void **state);

/* A cmocka group teardown: frees what tu_codemap_setup loaded. */
int tu_codemap_teardown(void **state);

#endif
