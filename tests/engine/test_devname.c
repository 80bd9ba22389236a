/* test_devname.c: the one list of device-name patterns: every stable and
 * unstable kind, names that only look like one, length-bounded input, the
 * reasons given for unstable kinds, and the kernel-name split the disk
 * checks use. */
#include "support/testutil.h"

#include <string.h>

#include "engine/devname.h"
#include "engine/util/util.h"

struct want {
	const char *name;
	enum devname_kind kind;
};

static void test_every_pattern(void **state)
{
	(void)state;
	const struct want w[] = {
		{ "UUID=0b1e2a54-3c4d-4e5f-8a9b-0c1d2e3f4a5b", DEVNAME_TAG },
		{ "LABEL=root", DEVNAME_TAG },
		{ "PARTUUID=5f3a9c1e-02", DEVNAME_TAG },
		{ "PARTLABEL=primary", DEVNAME_TAG },
		{ "UUID=", DEVNAME_NONE },
		{ "/dev/disk/by-uuid/0b1e2a54-3c4d-4e5f-8a9b-0c1d2e3f4a5b", DEVNAME_BY_STABLE },
		{ "/dev/disk/by-label/root", DEVNAME_BY_STABLE },
		{ "/dev/disk/by-partuuid/5f3a9c1e-02", DEVNAME_BY_STABLE },
		{ "/dev/disk/by-partlabel/primary", DEVNAME_BY_STABLE },
		{ "/dev/mapper/rhel-root", DEVNAME_LVM },
		{ "/dev/mapper/mpatha", DEVNAME_LVM },
		{ "/dev/rhel/root", DEVNAME_LVM },
		{ "/dev/sda", DEVNAME_KERNEL },
		{ "/dev/sda2", DEVNAME_KERNEL },
		{ "/dev/sdab12", DEVNAME_KERNEL },
		{ "/dev/hda3", DEVNAME_KERNEL },
		{ "/dev/vdb", DEVNAME_KERNEL },
		{ "/dev/vda1", DEVNAME_KERNEL },
		{ "/dev/xvda", DEVNAME_KERNEL },
		{ "/dev/xvdf1", DEVNAME_KERNEL },
		{ "/dev/nvme0n1", DEVNAME_KERNEL },
		{ "/dev/nvme0n1p2", DEVNAME_KERNEL },
		{ "/dev/nvme12n3p45", DEVNAME_KERNEL },
		{ "/dev/mmcblk0", DEVNAME_KERNEL },
		{ "/dev/mmcblk0p1", DEVNAME_KERNEL },
		{ "/dev/disk/by-path/pci-0000:00:10.0-scsi-0:0:0:0-part2", DEVNAME_BY_PATH },
		{ "/dev/disk/by-id/wwn-0x5000c500a1b2c3d4-part2", DEVNAME_BY_ID },
		{ "/dev/disk/by-id/scsi-36000c29f1e2d3c4b5a6978695a4b3c2d-part1", DEVNAME_BY_ID },
		{ "/dev/disk/by-path/", DEVNAME_OTHER_DEV },
		{ "/dev/disk/by-id/a/b", DEVNAME_OTHER_DEV },
		{ "/dev/sd", DEVNAME_OTHER_DEV },
		{ "/dev/sda2x", DEVNAME_OTHER_DEV },
		{ "/dev/sdA1", DEVNAME_OTHER_DEV },
		{ "/dev/dm-0", DEVNAME_OTHER_DEV },
		{ "/dev/md0", DEVNAME_OTHER_DEV },
		{ "/dev/sr0", DEVNAME_OTHER_DEV },
		{ "/dev/nvme0", DEVNAME_OTHER_DEV },
		{ "/dev/nvme0n", DEVNAME_OTHER_DEV },
		{ "/dev/nvme0n1p", DEVNAME_OTHER_DEV },
		{ "/dev/nvmeXn1", DEVNAME_OTHER_DEV },
		{ "/dev/mmcblk", DEVNAME_OTHER_DEV },
		{ "/dev/mmcblk0p", DEVNAME_OTHER_DEV },
		{ "/dev/mmcblk0boot0", DEVNAME_OTHER_DEV },
		{ "/dev/sda/", DEVNAME_OTHER_DEV },
		{ "/dev/md/root", DEVNAME_OTHER_DEV },
		{ "/dev/mapper/", DEVNAME_OTHER_DEV },
		{ "dev/sda1", DEVNAME_NONE },
		{ "overlay", DEVNAME_NONE },
		{ "tmpfs", DEVNAME_NONE },
		{ "none", DEVNAME_NONE },
		{ "", DEVNAME_NONE },
	};
	for (size_t i = 0; i < ARRAY_LEN(w); i++) {
		enum devname_kind k = devname_kind_str(w[i].name);
		if (k != w[i].kind)
			print_error("%s: kind %d, want %d\n", w[i].name, (int)k, (int)w[i].kind);
		assert_int_equal(k, w[i].kind);
		bool unstable = k == DEVNAME_KERNEL || k == DEVNAME_BY_PATH || k == DEVNAME_BY_ID;
		assert_int_equal(devname_unstable(k), unstable);
		assert_int_equal(devname_why_unstable(k) != NULL, unstable);
		assert_int_equal(devname_is_block(k), k != DEVNAME_NONE);
	}
	/* Length-bounded: a prefix of a longer string, and no NUL inside. */
	assert_int_equal(devname_kind("/dev/sda1 ro", 9), DEVNAME_KERNEL);
	assert_int_equal(devname_kind("/dev/sda1\0x", 11), DEVNAME_NONE);
	assert_int_equal(devname_kind_str(NULL), DEVNAME_NONE);
}

static void test_reasons_name_the_failover(void **state)
{
	(void)state;
	assert_non_null(strstr(devname_why_unstable(DEVNAME_BY_PATH), "controller"));
	assert_non_null(strstr(devname_why_unstable(DEVNAME_BY_ID), "serial"));
	assert_non_null(strstr(devname_why_unstable(DEVNAME_KERNEL), "order"));
	const char *list = devname_unstable_list();
	const char *each[] = { "sdX", "hdX", "vdX", "xvdX", "nvme", "mmcblk", "by-path", "by-id" };
	for (size_t i = 0; i < ARRAY_LEN(each); i++)
		assert_non_null(strstr(list, each[i]));
}

static void test_kernel_split(void **state)
{
	(void)state;
	const struct {
		const char *name, *disk;
		int part;
	} w[] = { { "/dev/sda2", "sda", 2 },	   { "sdab12", "sdab", 12 },
		  { "/dev/nvme0n1p2", "nvme0n1", 2 }, { "nvme1n2", "nvme1n2", 0 },
		  { "/dev/mmcblk0p1", "mmcblk0", 1 }, { "mmcblk1", "mmcblk1", 0 },
		  { "/dev/xvdf", "xvdf", 0 },	   { "hdc12", "hdc", 12 } };
	for (size_t i = 0; i < ARRAY_LEN(w); i++) {
		size_t dl = 0;
		int part = -1;
		assert_true(devname_kernel_split(w[i].name, &dl, &part));
		const char *n = strncmp(w[i].name, "/dev/", 5) == 0 ? w[i].name + 5 : w[i].name;
		assert_int_equal(dl, strlen(w[i].disk));
		assert_memory_equal(n, w[i].disk, dl);
		assert_int_equal(part, w[i].part);
	}
	size_t dl;
	int part;
	assert_false(devname_kernel_split("md0", &dl, &part));
	assert_false(devname_kernel_split("/dev/mapper/rhel-root", &dl, &part));
	assert_false(devname_kernel_split(NULL, &dl, &part));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_pattern),
		cmocka_unit_test(test_reasons_name_the_failover),
		cmocka_unit_test(test_kernel_split),
	};
	return cmocka_run_group_tests_name("devname", tests, NULL, NULL);
}
