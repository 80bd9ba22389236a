/* fuzz_checks.c: every check of the registry on an examined root built
 * from the input, so the parsers that live inside checks (mount tables,
 * fstab, hosts, shadow, package databases, .vx_version, /proc files) see
 * any bytes. The input is a set of files: each "%% /PATH" line starts the
 * file PATH (absolute, without ".." components); bytes before the first
 * such line go to /proc/meminfo. */
#include "tests/fuzz/fuzz.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/check.h"
#include "engine/target/target.h"

FUZZ_DECLARE(checks);

#define MAX_FILES 32

/* Whether a part's name is a path we may create under the root. */
static bool usable_path(const char *p)
{
	if (p[0] != '/' || p[1] == '\0' || p[strlen(p) - 1] == '/')
		return false;
	return !strstr(p, "/../") && !str_ends(p, "/..") && !strstr(p, "/./") &&
	       !str_ends(p, "/.") && !strstr(p, "//");
}

int FUZZ_ENTRY(checks)(const uint8_t *data, size_t size)
{
	char root[4200];
	snprintf(root, sizeof root, "%s/checks-root", fuzz_tmpdir());
	fuzz_rmtree(root);
	fuzz_write(root, "/etc/.keep", NULL, 0);
	struct fuzz_part parts[MAX_FILES];
	size_t np = fuzz_split(data, size, parts, MAX_FILES);
	for (size_t i = 0; i < np; i++) {
		const char *name = i == 0 ? "/proc/meminfo" : parts[i].name;
		/* A path that clashes with an earlier one (a file where a
		 * folder is needed) is left out. */
		if (usable_path(name))
			fuzz_try_write(root, name, parts[i].data, parts[i].size);
	}
	char *cause = NULL;
	struct target *t = target_root_new(root, &cause);
	if (!t)
		fuzz_fail("target_root_new: %s", cause);
	struct check_ctx ctx = { .t = t, .timeout_ms = 1000 };
	for (size_t i = 0; check_registry[i]; i++) {
		struct check_result r;
		check_run_one(check_registry[i], &ctx, &r);
		if (r.status == STATUS_NONE || !r.finding)
			fuzz_fail("%s gave no status or finding", check_registry[i]->id);
		result_free(&r);
	}
	target_free(t);
	return 0;
}
