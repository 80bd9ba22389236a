/* fuzz_mounts.c: the mount table reader (blkdev_mounts_read: /etc/fstab
 * and /proc/mounts, octal escapes), its lookups, and the resolution of
 * each source to a kernel name (blkdev_kname: device paths, UUID=,
 * LABEL=, /dev/mapper names) on an examined root holding the input as
 * both files. */
#include "tests/fuzz/fuzz.h"

#include <stdio.h>
#include <stdlib.h>

#include "engine/blkdev.h"
#include "engine/target/target.h"

FUZZ_DECLARE(mounts);

int FUZZ_ENTRY(mounts)(const uint8_t *data, size_t size)
{
	static struct target *t;
	char root[4200];
	snprintf(root, sizeof root, "%s/mounts-root", fuzz_tmpdir());
	fuzz_write(root, "/etc/fstab", data, size);
	fuzz_write(root, "/proc/mounts", data, size);
	if (!t) {
		char *cause = NULL;
		if (!(t = target_root_new(root, &cause)))
			fuzz_fail("target_root_new: %s", cause);
	}
	static const char *const files[] = { "/etc/fstab", "/proc/mounts" };
	for (size_t f = 0; f < 2; f++) {
		struct blkdev_mounts m;
		blkdev_mounts_read(t, files[f], &m);
		for (size_t i = 0; i < m.n; i++) {
			const struct blkdev_mount *e = &m.e[i];
			if (!e->source || !e->dir || !e->fstype || !e->opts || e->line < 1)
				fuzz_fail("mounts: entry %zu has a missing field", i);
			if (i < 4) {
				char *how = NULL;
				free(blkdev_kname(t, e->source, e->dir, &how));
				free(how);
				free(blkdev_disk_name_guess(e->source));
				char *vg = NULL, *lv = NULL;
				if (blkdev_lvm_split(e->source, &vg, &lv)) {
					free(vg);
					free(lv);
				}
			}
		}
		blkdev_mounts_find(&m, "/");
		blkdev_mounts_find(&m, "/boot");
		blkdev_mounts_free(&m);
	}
	struct blkdev_mounts best;
	blkdev_mounts_load(t, &best);
	blkdev_mounts_free(&best);
	return 0;
}
