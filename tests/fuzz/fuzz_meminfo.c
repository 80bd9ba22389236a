/* fuzz_meminfo.c: the memory check's /proc/meminfo reader (static inside
 * check_resources.c), run as the check itself (resources.memory) on an
 * examined root whose /proc/meminfo holds the input. */
#include "tests/fuzz/fuzz.h"

#include <stdio.h>
#include <stdlib.h>

#include "engine/check.h"
#include "engine/target/target.h"

FUZZ_DECLARE(meminfo);

int FUZZ_ENTRY(meminfo)(const uint8_t *data, size_t size)
{
	static struct target *t;
	static const struct check_def *c;
	char root[4200];
	snprintf(root, sizeof root, "%s/meminfo-root", fuzz_tmpdir());
	fuzz_write(root, "/proc/meminfo", data, size);
	if (!t) {
		char *cause = NULL;
		if (!(t = target_root_new(root, &cause)))
			fuzz_fail("target_root_new: %s", cause);
		if (!(c = check_find("resources.memory")))
			fuzz_fail("no check resources.memory");
	}
	struct check_ctx ctx = { .t = t, .timeout_ms = 1000 };
	struct check_result r;
	check_run_one(c, &ctx, &r);
	if (r.status == STATUS_NONE || !r.finding)
		fuzz_fail("resources.memory gave no status or finding");
	result_free(&r);
	return 0;
}
