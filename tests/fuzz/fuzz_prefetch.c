/* fuzz_prefetch.c: the parser of the batched read's output (hex blocks,
 * stat lines, errno words, glob match lists, wc -c's counts around a
 * stream, text lines, the closing END) for a fixed
 * set of requests, and the lookups on what it accepted. */
#include "tests/fuzz/fuzz.h"

#include <stdlib.h>
#include <string.h>

#include "engine/target/prefetch.h"

FUZZ_DECLARE(prefetch);

static const char *const requests[] = { "R/a", "S/b", "D/c", "R/d*", "S/e?", "D/f[0-9]",
					 "M/m*", "T/t", "T/u*" };

int FUZZ_ENTRY(prefetch)(const uint8_t *data, size_t size)
{
	char *text = fuzz_cstr(data, size);
	struct prefetch *p = NULL;
	char *cause = NULL;
	int rc = prefetch_parse(requests, sizeof requests / sizeof *requests, 64, text, &p, &cause);
	if (rc != 0 && (rc != -EPROTO || !cause || p))
		fuzz_fail("prefetch_parse returned %d", rc);
	const char *paths[] = { "/a", "/b", "/c", "/d1", "/e1", "/f1", "/m1", "/m2", "/t", "/u1", "/" };
	for (size_t i = 0; p && i < sizeof paths / sizeof *paths; i++) {
		char *d = NULL;
		size_t len = 0;
		int err = 0;
		if (prefetch_read(p, paths[i], 32, &d, &len, &err) && err == 0 && (!d || len > 32))
			fuzz_fail("a read answer of %zu bytes over the limit", len);
		free(d);
		struct target_stat st;
		prefetch_stat(p, paths[i], true, &st, &err);
		prefetch_stat(p, paths[i], false, &st, &err);
		struct strvec names = { 0 };
		if (prefetch_list(p, paths[i], &names, &err))
			for (size_t k = 1; k < names.n; k++)
				if (strcmp(names.v[k - 1], names.v[k]) > 0)
					fuzz_fail("a listing out of order");
		sv_free(&names);
		prefetch_forget(p, paths[i]);
	}
	prefetch_free(p);
	free(cause);
	free(text);
	return 0;
}
