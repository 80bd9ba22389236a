/* test_blockdevs.c: lsblk -P and blkid -o export output read into one
 * list of devices (engine/target/blockdevs.c), on output recorded from
 * the real programs (tests/fixtures/blockdevs/, each file says how it was
 * made) and on hand-made edge cases: \xHH escapes of lsblk, backslash
 * quoting of blkid, a blkid device lsblk does not list, cut and garbled
 * input. */
#include "support/testutil.h"

#include <stdlib.h>
#include <string.h>

#include "engine/target/blockdevs.h"
#include "engine/util/util.h"

/* Parses a fixture file; caller frees b. */
static void parse_fixture(const char *name, struct blockdevs *b)
{
	char *path = xasprintf("tests/fixtures/blockdevs/%s", name);
	size_t len = 0;
	char *text = tu_read_file(path, &len);
	assert_non_null(text);
	blockdevs_parse(text, len, b);
	free(text);
	free(path);
}

/* Three loop devices: lsblk's names and numbers (its filesystem columns
 * empty: no udev database), blkid's filesystems merged in by name. */
static void test_recorded_loops(void **state)
{
	(void)state;
	struct blockdevs b;
	parse_fixture("loops.txt", &b);
	assert_int_equal(b.n, 6);
	const struct blockdev *r = blockdevs_find(&b, "/dev/loop1");
	assert_non_null(r);
	assert_true(r->has_devno);
	assert_int_equal(r->major, 7);
	assert_int_equal(r->minor, 1);
	assert_string_equal(r->type, "loop");
	assert_string_equal(r->fstype, "ext4");
	assert_string_equal(r->uuid, "0b3a0b49-52c5-4a4e-8f7e-6d2f1c0c9a11");
	assert_string_equal(r->label, "root fs");
	assert_string_equal(r->mountpoint, "/tmp/blkrec/root mnt");
	assert_null(r->pkname);
	assert_null(r->partuuid);
	assert_ptr_equal(blockdevs_find_devno(&b, 7, 1), r);
	const struct blockdev *s = blockdevs_find(&b, "/dev/loop2");
	assert_string_equal(s->fstype, "swap");
	assert_string_equal(s->label, "swap");
	const struct blockdev *x = blockdevs_find_devno(&b, 7, 3);
	assert_non_null(x);
	assert_string_equal(x->label, "data$\"q");
	assert_string_equal(x->uuid, "2d6c3e58-0c7a-4b8e-9a0f-1f3c5b7d9e33");
	/* The disk: named, numbered, no filesystem. */
	const struct blockdev *v = blockdevs_find(&b, "/dev/vda");
	assert_non_null(v);
	assert_string_equal(v->type, "disk");
	assert_int_equal(v->major, 254);
	assert_string_equal(v->mountpoint, "/");
	assert_null(v->uuid);
	assert_null(v->fstype);
	assert_null(blockdevs_find(&b, "/dev/sda"));
	assert_null(blockdevs_find_devno(&b, 8, 0));
	blockdevs_free(&b);
}

static void test_recorded_bare_and_blkid_alone(void **state)
{
	(void)state;
	struct blockdevs b;
	parse_fixture("bare.txt", &b);
	assert_int_equal(b.n, 3);
	assert_string_equal(blockdevs_find(&b, "/dev/loop0")->label, "root fs");
	assert_null(blockdevs_find(&b, "/dev/zram0")->uuid);
	blockdevs_free(&b);
	parse_fixture("blkid-only.txt", &b);
	assert_int_equal(b.n, 2);
	const struct blockdev *s = blockdevs_find(&b, "s.img");
	assert_non_null(s);
	assert_string_equal(s->fstype, "swap");
	assert_false(s->has_devno);
	assert_null(s->type);
	blockdevs_free(&b);
}

/* Hand-made: lsblk's \xHH escapes, KNAME lookups, a blkid device lsblk
 * does not list, blocks without the blank line between, CRLF. */
static void test_escapes_and_merging(void **state)
{
	(void)state;
	static const char text[] =
		"NAME=\"/dev/mapper/vg-root\" KNAME=\"/dev/dm-0\" MAJ:MIN=\"253:1\" TYPE=\"lvm\" "
		"PKNAME=\"/dev/sda3\" FSTYPE=\"xfs\" UUID=\"aaaa\" LABEL=\"my\\x20root\\x22\" "
		"MOUNTPOINT=\"/mnt/sys\\x20image\"\r\n"
		"NAME=\"/dev/sda3\" MAJ_MIN=\"8:3\" TYPE=\"part\" PARTUUID=\"p-3\"\n"
		BLOCKDEVS_SEPARATOR "\n"
		"DEVNAME=/dev/dm-0\nUUID=bbbb\nTYPE=xfs\n"
		"DEVNAME=/dev/sdb1\nUUID=cccc\nTYPE=vfat\nLABEL=EFI\\ SYS\n";
	struct blockdevs b;
	assert_int_equal(blockdevs_parse(text, sizeof text - 1, &b), 3);
	const struct blockdev *r = blockdevs_find(&b, "/dev/dm-0");
	assert_non_null(r);
	assert_string_equal(r->name, "/dev/mapper/vg-root");
	/* blkid read the device: its UUID outranks udev's record. */
	assert_string_equal(r->uuid, "bbbb");
	assert_string_equal(r->label, "my root\"");
	assert_string_equal(r->mountpoint, "/mnt/sys image");
	assert_string_equal(r->pkname, "/dev/sda3");
	const struct blockdev *p = blockdevs_find_devno(&b, 8, 3);
	assert_non_null(p);
	assert_string_equal(p->partuuid, "p-3");
	const struct blockdev *e = blockdevs_find(&b, "/dev/sdb1");
	assert_non_null(e);
	assert_string_equal(e->label, "EFI SYS");
	assert_string_equal(e->fstype, "vfat");
	struct blockdevs c;
	blockdevs_copy(&c, &b);
	blockdevs_free(&b);
	assert_int_equal(c.n, 3);
	assert_string_equal(blockdevs_find(&c, "/dev/sdb1")->label, "EFI SYS");
	blockdevs_free(&c);
}

/* Garbage, cut lines and NUL bytes never crash and never invent a device
 * from a half-read pair. */
static void test_garbled(void **state)
{
	(void)state;
	struct blockdevs b;
	assert_int_equal(blockdevs_parse(NULL, 0, &b), 0);
	assert_int_equal(blockdevs_parse("", 0, &b), 0);
	static const char cut[] = "NAME=\"/dev/sda\" TYPE=\"di";
	assert_int_equal(blockdevs_parse(cut, sizeof cut - 1, &b), 1);
	assert_null(b.v[0].type);
	blockdevs_free(&b);
	static const char nul[] = "NAME=\"/dev/sdz\"\0 UUID=\"x\"\nUUID=orphan\n\n=\nDEVNAME=\n";
	blockdevs_parse(nul, sizeof nul - 1, &b);
	assert_int_equal(b.n, 1);
	assert_null(b.v[0].uuid);
	blockdevs_free(&b);
	static const char devno[] = "NAME=\"/dev/a\" MAJ:MIN=\"8:x\"\nNAME=\"/dev/b\" MAJ:MIN=\"9:1:2\"\n";
	blockdevs_parse(devno, sizeof devno - 1, &b);
	assert_int_equal(b.n, 2);
	assert_false(b.v[0].has_devno);
	assert_false(b.v[1].has_devno);
	blockdevs_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_recorded_loops),
		cmocka_unit_test(test_recorded_bare_and_blkid_alone),
		cmocka_unit_test(test_escapes_and_merging),
		cmocka_unit_test(test_garbled),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
