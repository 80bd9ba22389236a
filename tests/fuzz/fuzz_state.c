/* fuzz_state.c: the wizard's state file read from disk (state_load: JSON,
 * schema, types) and the resume decision made on it
 * (state_should_offer), as after a dropped line. */
#include "tests/fuzz/fuzz.h"

#include <stdio.h>
#include <stdlib.h>

#include "engine/state.h"

FUZZ_DECLARE(state);

int FUZZ_ENTRY(state)(const uint8_t *data, size_t size)
{
	char dir[4200], path[4300];
	snprintf(dir, sizeof dir, "%s/state", fuzz_tmpdir());
	fuzz_write(dir, "state.json", data, size);
	snprintf(path, sizeof path, "%s/state.json", dir);
	struct app_state st;
	char *cause = NULL;
	int rc = state_load(path, &st, &cause);
	if (rc < 0) {
		if (!cause || !*cause)
			fuzz_fail("state_load failed (%d) without saying why", rc);
		free(cause);
	} else {
		if (!st.json)
			fuzz_fail("state_load succeeded without the file's text");
		app_state_free(&st);
	}
	static const char *const kinds[][2] = { { "local", NULL }, { "root", "/" },
						{ "ssh", "root@192.0.2.7:22" } };
	for (size_t i = 0; i < 3; i++) {
		struct app_state o;
		struct target *t = target_described_new(kinds[i][0], "fuzz", kinds[i][1]);
		if (state_should_offer(path, t, 1775433600LL, &o))
			app_state_free(&o);
		target_free(t);
	}
	return 0;
}
