/* fuzz_support.c: the support table reader (support_load: JSON and its
 * schema) and the lookups the OS check makes on a table it accepted. */
#include "tests/fuzz/fuzz.h"

#include <stdlib.h>

#include "engine/support.h"

FUZZ_DECLARE(support);

int FUZZ_ENTRY(support)(const uint8_t *data, size_t size)
{
	char *json = fuzz_cstr(data, size);
	char *cause = NULL;
	struct support_table *t = support_load(json, &cause);
	if (!t) {
		if (!cause || !*cause)
			fuzz_fail("support_load failed without saying why");
		free(cause);
		free(json);
		return 0;
	}
	struct support_answer a;
	for (size_t i = 0; i < t->ndistros; i++) {
		const struct support_distro *d = &t->distros[i];
		/* An alias ("redhat") finds its base entry, not itself. */
		support_find(t, d->id);
		for (size_t v = 0; v < d->versions.n; v++) {
			support_evaluate(t, d->id, d->versions.v[v], "5.15.0-91-generic", &a);
			support_evaluate(t, d->id, d->versions.v[v], NULL, &a);
		}
		support_evaluate(t, d->id, "9.4", "5.14.0-427.13.1.el9_4.x86_64", &a);
	}
	support_find(t, "sles_sap");
	support_evaluate(t, "ubuntu", "22.04", "5.15.0-91-generic", &a);
	support_evaluate(t, NULL, NULL, NULL, &a);
	support_windows(t, "Windows Server 2019 Datacenter");
	support_windows(t, "");
	support_free(t);
	free(json);
	return 0;
}
