/* fuzz_winhive.c: the offline Windows registry (engine/hive, winroot, the
 * Windows checks and the registry fixes' planners) on hive files built
 * from the input. Parts "%% SYSTEM", "%% SOFTWARE" and "%% SAM" become
 * those hives of a Windows volume; without such parts the whole input is
 * each of them. The input is also read as a firewall rule string. A plan
 * never changes the volume (planners work on private copies), which the
 * target checks afterwards. */
#include "tests/fuzz/fuzz.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/check.h"
#include "engine/fix.h"
#include "engine/change/plan.h"
#include "engine/target/target.h"
#include "engine/winroot.h"

FUZZ_DECLARE(winhive);

#define CONFIG "/Windows/System32/config/"

static const char *const hives[] = { "SYSTEM", "SOFTWARE", "SAM" };

/* The bytes of hive h: its part, else the whole input. */
static void hive_part(const struct fuzz_part *parts, size_t np, size_t h, const uint8_t *data,
		      size_t size, const uint8_t **d, size_t *n)
{
	*d = data;
	*n = size;
	for (size_t i = 1; i < np; i++)
		if (strcmp(parts[i].name, hives[h]) == 0) {
			*d = parts[i].data;
			*n = parts[i].size;
		}
}

int FUZZ_ENTRY(winhive)(const uint8_t *data, size_t size)
{
	char root[4200];
	snprintf(root, sizeof root, "%s/winhive-root", fuzz_tmpdir());
	fuzz_rmtree(root);
	struct fuzz_part parts[8];
	size_t np = fuzz_split(data, size, parts, 8);
	for (size_t h = 0; h < 3; h++) {
		const uint8_t *d;
		size_t n;
		hive_part(parts, np, h, data, size, &d, &n);
		char rel[64];
		snprintf(rel, sizeof rel, CONFIG "%s", hives[h]);
		fuzz_write(root, rel, d, n);
	}
	char *cause = NULL;
	struct target *t = target_root_new(root, &cause);
	if (!t)
		fuzz_fail("target_root_new: %s", cause);
	if (!t->hive_files)
		fuzz_fail("a folder with %sSYSTEM is not a Windows volume", CONFIG);
	struct check_ctx ctx = { .t = t, .timeout_ms = 1000 };
	for (size_t i = 0; check_registry[i]; i++) {
		if (!str_starts(check_registry[i]->id, "win.") &&
		    strcmp(check_registry[i]->id, "os.supported") != 0)
			continue;
		struct check_result r;
		check_run_one(check_registry[i], &ctx, &r);
		if (r.status == STATUS_NONE || !r.finding)
			fuzz_fail("%s gave no status or finding", check_registry[i]->id);
		result_free(&r);
	}
	struct fix_ctx fctx = { .t = t };
	for (size_t i = 0; fix_registry[i]; i++) {
		if (!str_starts(fix_registry[i]->id, "win."))
			continue;
		cause = NULL;
		struct plan *p = fix_registry[i]->plan(&fctx, &cause);
		if (!p && !cause)
			fuzz_fail("%s gave neither a plan nor a cause", fix_registry[i]->id);
		if (p && (p->nedits != 1 || !p->edits[0].verify))
			fuzz_fail("%s planned something other than one checked hive", fix_registry[i]->id);
		plan_free(p);
		free(cause);
	}
	/* Planning changed nothing on the volume. */
	for (size_t h = 0; h < 3; h++) {
		char rel[64];
		snprintf(rel, sizeof rel, CONFIG "%s", hives[h]);
		char *now = NULL;
		size_t len = 0;
		if (t->ops->read_file(t, rel, &now, &len, 64u << 20) < 0)
			fuzz_fail("%s vanished", rel);
		const uint8_t *d;
		size_t n;
		hive_part(parts, np, h, data, size, &d, &n);
		if (len != n || (n && memcmp(now, d, n) != 0))
			fuzz_fail("planning changed %s", rel);
		free(now);
	}
	target_free(t);

	char *s = fuzz_cstr(data, size);
	struct winroot_fw_rule fr;
	if (winroot_fw_parse(s, &fr) == 0) {
		char *on = winroot_fw_enable(s);
		struct winroot_fw_rule again;
		if (winroot_fw_parse(on, &again) != 0 || !again.active)
			fuzz_fail("an enabled rule does not read back as active");
		winroot_fw_free(&again);
		free(on);
	}
	winroot_fw_free(&fr);
	free(s);
	return 0;
}
