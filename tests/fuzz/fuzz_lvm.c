/* fuzz_lvm.c: the LVM metadata backup parser (blkdev_lvm_backup_pvs:
 * /etc/lvm/backup/VG, sections, segments, stripes, mirror and RAID
 * sub-volumes) that finds the disks under a logical volume. The first
 * line of the input names the logical volume, the rest is the backup file
 * of volume group "vg". */
#include "tests/fuzz/fuzz.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/blkdev.h"
#include "engine/target/target.h"

FUZZ_DECLARE(lvm);

int FUZZ_ENTRY(lvm)(const uint8_t *data, size_t size)
{
	static struct target *t;
	char root[4200];
	snprintf(root, sizeof root, "%s/lvm-root", fuzz_tmpdir());
	const uint8_t *nl = memchr(data, '\n', size);
	size_t ll = nl ? (size_t)(nl - data) : size;
	char *lv = fuzz_cstr(data, ll);
	const uint8_t *meta = nl ? nl + 1 : data + size;
	fuzz_write(root, "/etc/lvm/backup/vg", meta, (size_t)(data + size - meta));
	if (!t) {
		char *cause = NULL;
		if (!(t = target_root_new(root, &cause)))
			fuzz_fail("target_root_new: %s", cause);
	}
	struct strvec pvs = { 0 }, disks = { 0 };
	blkdev_lvm_backup_pvs(t, "vg", lv, &pvs, &disks);
	blkdev_lvm_backup_pvs(t, "vg", "root", &pvs, &disks);
	sv_free(&pvs);
	sv_free(&disks);
	free(lv);
	return 0;
}
