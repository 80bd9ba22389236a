/* fuzz_blockdevs.c: the reader of a remote machine's lsblk -P and blkid -o
 * export output (blockdevs_parse, engine/target/blockdevs.c), its
 * look-ups and its copy: every device it keeps has a name, and a copy
 * finds what the original finds. */
#include "tests/fuzz/fuzz.h"

#include <string.h>

#include "engine/target/blockdevs.h"

FUZZ_DECLARE(blockdevs);

int FUZZ_ENTRY(blockdevs)(const uint8_t *data, size_t size)
{
	struct blockdevs b, c;
	size_t n = blockdevs_parse((const char *)data, size, &b);
	if (n != b.n)
		fuzz_fail("blockdevs: %zu devices returned, %zu kept", n, b.n);
	blockdevs_copy(&c, &b);
	for (size_t i = 0; i < b.n; i++) {
		const struct blockdev *d = &b.v[i];
		if (!d->name && !d->kname)
			fuzz_fail("blockdevs: device %zu has no name", i);
		const struct blockdev *e = blockdevs_find(&c, d->name ? d->name : d->kname);
		if (!e || (d->uuid && (!e->uuid || strcmp(d->uuid, e->uuid) != 0)))
			fuzz_fail("blockdevs: the copy lost device %zu", i);
		if (d->has_devno && !blockdevs_find_devno(&b, d->major, d->minor))
			fuzz_fail("blockdevs: device %zu not found by its number", i);
	}
	blockdevs_free(&c);
	blockdevs_free(&b);
	return 0;
}
