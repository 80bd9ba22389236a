/* fuzz_disk.c: what the disk checks read from the start of a disk
 * (blkdev_disk_probe_path: the first sector's boot code and signature,
 * the partition table through libblkid) and describe, on an image file
 * holding the input. */
#include "tests/fuzz/fuzz.h"

#include <stdio.h>
#include <stdlib.h>

#include "engine/blkdev.h"

FUZZ_DECLARE(disk);

int FUZZ_ENTRY(disk)(const uint8_t *data, size_t size)
{
	char dir[4200], path[4300];
	snprintf(dir, sizeof dir, "%s/disk", fuzz_tmpdir());
	fuzz_write(dir, "img", data, size);
	snprintf(path, sizeof path, "%s/img", dir);
	struct blkdev_disk d;
	char *cause = NULL;
	blkdev_disk_probe_path(path, &d, &cause);
	free(cause);
	blkdev_disk_boot_marks(&d);
	free(blkdev_disk_describe(&d));
	blkdev_disk_free(&d);
	struct blkdev_info info;
	cause = NULL;
	blkdev_probe_path(path, &info, &cause);
	free(cause);
	blkdev_info_free(&info);
	return 0;
}
