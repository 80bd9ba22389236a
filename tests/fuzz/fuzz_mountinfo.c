/* fuzz_mountinfo.c: the host mount table reader of a mounted root's
 * identity (rootid_build: mountinfo fields, octal escapes, mounts hiding
 * mounts) and the rules tying device names to UUIDs (rootid_uuid), for an
 * examined root at "/" so that every mount line of the input counts (its
 * fstab is this machine's, only read). */
#include "tests/fuzz/fuzz.h"

#include <stdlib.h>
#include <string.h>

#include "engine/rootid.h"
#include "engine/target/target.h"

FUZZ_DECLARE(mountinfo);

int FUZZ_ENTRY(mountinfo)(const uint8_t *data, size_t size)
{
	static struct target *t;
	if (!t) {
		char *cause = NULL;
		if (!(t = target_root_new("/", &cause)))
			fuzz_fail("target_root_new: %s", cause);
	}
	struct rootid id;
	rootid_build(&id, t, "fuzz", (const char *)data, size);
	for (size_t i = 0; i < id.n; i++) {
		const struct rootid_mount *m = &id.m[i];
		if (!m->dir || m->dir[0] != '/' || !m->source || !m->fstype)
			fuzz_fail("mountinfo: mount %zu has a missing field", i);
		if (!m->uuid && !m->why)
			fuzz_fail("mountinfo: mount %s has neither a UUID nor a reason", m->dir);
		for (size_t k = i + 1; k < id.n; k++)
			if (strcmp(m->dir, id.m[k].dir) == 0)
				fuzz_fail("mountinfo: %s listed twice", m->dir);
	}
	free(rootid_describe(&id));
	static const char *const devs[] = { "/dev/sda2", "/dev/sda1", "UUID=x" };
	for (size_t d = 0; d < 3; d++)
		for (int role = 0; role < 3; role++) {
			struct blkdev_uuid u;
			int rc = rootid_uuid(&id, devs[d], (enum blkdev_role)role, (int)d + 1,
					     d ? NULL : devs[0], &u);
			if ((rc == 0) != (u.uuid != NULL) || (rc != 0 && !u.why))
				fuzz_fail("mountinfo: rootid_uuid answered %d without its reason", rc);
			blkdev_uuid_free(&u);
		}
	rootid_free(&id);
	return 0;
}
