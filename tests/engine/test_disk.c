/* test_disk.c: block devices and the disk layout checks (ErrorID 95309,
 * 95310, 95311, 95313, /boot on LVM): libblkid on real images made with
 * mkfs.ext4, mkswap and sfdisk (and GRUB's own boot.img in the first
 * sector) in a temporary folder, the mount table parser, LVM metadata
 * backups, and each check passing on one fixture root (sysfs and
 * /proc/mounts trees under tests/fixtures/disk/) and failing on another. */
#include "support/testutil.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "engine/blkdev.h"
#include "engine/check.h"

#define FIX "tests/fixtures/disk/"
#define BOOT_IMG "/usr/lib/grub/i386-pc/boot.img"
#define EXT4_UUID "62927e85-f7ba-40bc-9993-cc1feeb191e4"
#define SWAP_UUID "6f614b44-433b-431b-9ca1-4dd2f6f74f6b"

static struct target *root_target(const char *dir)
{
	char *cause = NULL;
	struct target *t = target_root_new(dir, &cause);
	if (!t)
		print_error("%s\n", cause);
	assert_non_null(t);
	return t;
}

/* Runs a shell command that must succeed. */
#define SH(...) assert_int_equal(tu_sh(NULL, __VA_ARGS__), 0)

/* An 8 MB disk image with a dos table: partition 1 bootable when asked. */
static void make_dos(const char *path, bool bootable)
{
	SH("truncate -s 8M '%s' && printf 'label: dos\\nstart=2048,size=4096,type=83%s\\n"
	   "start=6144,type=83\\n' | sfdisk -q '%s'",
	   path, bootable ? ",bootable" : "", path);
}

/* Writes GRUB's boot.img into the first 440 bytes, as grub-install does. */
static void put_grub(const char *path)
{
	SH("dd if=" BOOT_IMG " of='%s' bs=440 count=1 conv=notrunc status=none", path);
}

static void test_probe_images(void **state)
{
	(void)state;
	char *tmp = tu_mkdtemp("disk-probe");
	SH("cd '%s' && truncate -s 64M fs && mkfs.ext4 -q -F -L rootfs -U " EXT4_UUID " fs && "
	   "truncate -s 16M sw && mkswap -U " SWAP_UUID
	   " sw >/dev/null 2>&1 && truncate -s 1M empty && "
	   "mkfifo fifo && mkdir dir",
	   tmp);
	struct blkdev_info inf;
	char *cause = NULL;
	char *p = xasprintf("%s/fs", tmp);
	assert_int_equal(blkdev_probe_path(p, &inf, &cause), 0);
	assert_string_equal(inf.uuid, EXT4_UUID);
	assert_string_equal(inf.type, "ext4");
	assert_string_equal(inf.label, "rootfs");
	blkdev_info_free(&inf);
	free(p);
	p = xasprintf("%s/sw", tmp);
	assert_int_equal(blkdev_probe_path(p, &inf, NULL), 0);
	assert_string_equal(inf.uuid, SWAP_UUID);
	assert_string_equal(inf.type, "swap");
	blkdev_info_free(&inf);
	free(p);
	/* Nothing on it. */
	p = xasprintf("%s/empty", tmp);
	assert_int_equal(blkdev_probe_path(p, &inf, NULL), 1);
	assert_null(inf.type);
	free(p);
	/* Missing, a FIFO (must not block) and a folder are refused with a cause. */
	const char *bad[] = { "missing", "fifo", "dir" };
	const int err[] = { -ENOENT, -EINVAL, -EINVAL };
	for (size_t i = 0; i < ARRAY_LEN(bad); i++) {
		p = xasprintf("%s/%s", tmp, bad[i]);
		assert_int_equal(blkdev_probe_path(p, &inf, &cause), err[i]);
		assert_non_null(strstr(cause, p));
		free(cause);
		cause = NULL;
		free(p);
	}
	/* Through a mounted root: DIR/dev/sda2 is the image. */
	SH("mkdir -p '%s/root/dev' && cp '%s/fs' '%s/root/dev/sda2'", tmp, tmp, tmp);
	p = xasprintf("%s/root", tmp);
	struct target *t = root_target(p);
	assert_int_equal(blkdev_probe(t, "/dev/sda2", &inf, NULL), 0);
	assert_string_equal(inf.uuid, EXT4_UUID);
	blkdev_info_free(&inf);
	struct blkdev_uuid u;
	assert_int_equal(blkdev_uuid_lookup(t, "/dev/sda2", BLKDEV_ROLE_ROOT, &u), 0);
	assert_int_equal(u.origin, BLKDEV_ORIGIN_PROBE);
	assert_string_equal(u.uuid, EXT4_UUID);
	blkdev_uuid_free(&u);
	/* Not there: every step says why; fstab is never asked (a UUID there
	 * belongs to whatever fstab names, not to this device). */
	assert_int_equal(blkdev_uuid_lookup(t, "/dev/sdz1", BLKDEV_ROLE_SWAP, &u), -ENOENT);
	assert_null(u.uuid);
	assert_non_null(strstr(u.why, "/dev/sdz1 does not exist"));
	assert_non_null(strstr(u.why, "no /dev/disk/by-uuid links"));
	assert_null(strstr(u.why, "fstab"));
	blkdev_uuid_free(&u);
	target_free(t);
	free(p);
	tu_rmtree(tmp);
	free(tmp);
}

static void test_partition_tables(void **state)
{
	(void)state;
	char *tmp = tu_mkdtemp("disk-pt");
	char *dos = xasprintf("%s/dos", tmp), *esp = xasprintf("%s/esp", tmp);
	char *bios = xasprintf("%s/bios", tmp), *bare = xasprintf("%s/bare", tmp);
	char *whole = xasprintf("%s/whole", tmp);
	make_dos(dos, true);
	put_grub(dos);
	SH("truncate -s 16M '%s' && printf 'label: gpt\\nstart=2048,size=4096,type="
	   "C12A7328-F81F-11D2-BA4B-00A0C93EC93B,name=\"EFI System\"\\nstart=6144,type="
	   "0FC63DAF-8483-4772-8E79-3D69D8477DE4\\n' | sfdisk -q '%s'",
	   esp, esp);
	SH("truncate -s 16M '%s' && printf 'label: gpt\\nstart=2048,size=2048,type="
	   "21686148-6453-6E6F-744E-656564454649\\nstart=4096,type="
	   "E6D6D379-F507-44C2-A23C-238F2A3DF928\\n' | sfdisk -q '%s'",
	   bios, bios);
	make_dos(bare, false);
	SH("truncate -s 64M '%s' && mkfs.ext4 -q -F '%s'", whole, whole);

	struct blkdev_disk d;
	char *cause = NULL;
	assert_int_equal(blkdev_disk_probe_path(dos, &d, &cause), 0);
	assert_string_equal(d.pttype, "dos");
	assert_int_equal(d.nparts, 2);
	assert_int_equal(d.parts[0].no, 1);
	assert_int_equal(d.parts[0].start, 2048);
	assert_int_equal(d.parts[0].size, 4096);
	assert_string_equal(d.parts[0].type, "0x83");
	assert_int_equal(d.parts[1].start, 6144);
	assert_true(d.mbr_signature);
	assert_true(d.boot_code);
	assert_string_equal(d.loader, "GRUB");
	assert_int_equal(d.active_part, 1);
	assert_int_equal(d.esp_part, 0);
	assert_int_equal(blkdev_disk_boot_marks(&d), 2);
	char *desc = blkdev_disk_describe(&d);
	assert_string_equal(desc,
			    "dos partition table, 2 partition(s); GRUB boot code in the first "
			    "sector; active partition 1");
	free(desc);
	blkdev_disk_free(&d);

	assert_int_equal(blkdev_disk_probe_path(esp, &d, NULL), 0);
	assert_string_equal(d.pttype, "gpt");
	assert_int_equal(d.esp_part, 1);
	assert_string_equal(d.parts[0].type, "c12a7328-f81f-11d2-ba4b-00a0c93ec93b");
	assert_string_equal(d.parts[0].name, "EFI System");
	assert_non_null(d.parts[0].uuid);
	assert_false(d.boot_code); /* sfdisk's protective MBR has no code */
	assert_int_equal(blkdev_disk_boot_marks(&d), 2);
	blkdev_disk_free(&d);

	assert_int_equal(blkdev_disk_probe_path(bios, &d, NULL), 0);
	assert_int_equal(d.bios_boot_part, 1);
	assert_int_equal(d.esp_part, 0);
	assert_int_equal(blkdev_disk_boot_marks(&d), 2);
	blkdev_disk_free(&d);

	assert_int_equal(blkdev_disk_probe_path(bare, &d, NULL), 0);
	assert_string_equal(d.pttype, "dos");
	assert_false(d.boot_code);
	assert_int_equal(blkdev_disk_boot_marks(&d), 0);
	desc = blkdev_disk_describe(&d);
	assert_non_null(strstr(desc, "no boot loader"));
	free(desc);
	blkdev_disk_free(&d);

	assert_int_equal(blkdev_disk_probe_path(whole, &d, NULL), 0);
	assert_null(d.pttype);
	assert_string_equal(d.fstype, "ext4");
	assert_int_equal(blkdev_disk_boot_marks(&d), 0);
	blkdev_disk_free(&d);

	/* Boot code that is not GRUB's is only a weak mark. */
	SH("printf 'Invalid partition table' | dd of='%s' bs=1 seek=300 conv=notrunc status=none",
	   bare);
	assert_int_equal(blkdev_disk_probe_path(bare, &d, NULL), 0);
	assert_true(d.boot_code);
	assert_string_equal(d.loader, "Windows");
	assert_int_equal(blkdev_disk_boot_marks(&d), 1);
	blkdev_disk_free(&d);

	free(dos);
	free(esp);
	free(bios);
	free(bare);
	free(whole);
	tu_rmtree(tmp);
	free(tmp);
}

static void test_mount_tables(void **state)
{
	(void)state;
	char *tmp = tu_mkdtemp("disk-mounts");
	char *p = xasprintf("%s/etc/fstab", tmp);
	tu_write_file(p, "# comment\n"
			 "\n"
			 "UUID=abc /  ext4 defaults 0 1\r\n"
			 "  LABEL=my\\040data /srv/my\\040data/ xfs\n"
			 "/dev/sda3 none swap sw 0 0\n"
			 "broken-line-with-one-field\n"
			 "/dev/sdb1 / xfs defaults 0 0\n");
	free(p);
	p = xasprintf("%s/proc/mounts", tmp);
	tu_write_file(p, "rootfs / rootfs rw 0 0\n/dev/vda1 / ext4 rw 0 0\n");
	free(p);
	struct target *t = root_target(tmp);
	struct blkdev_mounts m;
	assert_int_equal(blkdev_mounts_read(t, "/etc/fstab", &m), 0);
	assert_true(m.fstab);
	assert_int_equal(m.n, 4);
	assert_string_equal(m.e[0].source, "UUID=abc");
	assert_string_equal(m.e[0].opts, "defaults");
	assert_int_equal(m.e[0].line, 3);
	assert_string_equal(m.e[1].source, "LABEL=my data");
	assert_string_equal(m.e[1].dir, "/srv/my data");
	assert_string_equal(m.e[1].opts, "defaults");
	/* The last entry on a mount point wins. */
	const struct blkdev_mount *e = blkdev_mounts_find(&m, "/");
	assert_string_equal(e->source, "/dev/sdb1");
	assert_int_equal(e->line, 7);
	assert_null(blkdev_mounts_find(&m, "/boot"));
	blkdev_mounts_free(&m);
	/* A fixture's /proc/mounts is preferred; rootfs lines are skipped. */
	assert_int_equal(blkdev_mounts_load(t, &m), 0);
	assert_false(m.fstab);
	assert_string_equal(m.path, "/proc/mounts");
	assert_string_equal(blkdev_mounts_find(&m, "/")->source, "/dev/vda1");
	blkdev_mounts_free(&m);
	assert_int_equal(blkdev_mounts_read(t, "/etc/missing", &m), -ENOENT);
	assert_int_equal(m.n, 0);
	blkdev_mounts_free(&m);
	target_free(t);
	tu_rmtree(tmp);
	free(tmp);
}

static void test_names(void **state)
{
	(void)state;
	const char *in[] = { "/dev/sda2",      "sdb",        "/dev/nvme0n1p3",
			     "nvme1n1",        "/dev/xvdf1", "/dev/vda",
			     "/dev/mmcblk0p1", "/dev/md0",   "/dev/hdc12" };
	const char *out[] = { "sda", "sdb",     "nvme0n1", "nvme1n1", "xvdf",
			      "vda", "mmcblk0", "md0",     "hdc" };
	for (size_t i = 0; i < ARRAY_LEN(in); i++) {
		char *d = blkdev_disk_name_guess(in[i]);
		assert_string_equal(d, out[i]);
		free(d);
	}
	char *vg, *lv;
	assert_true(blkdev_lvm_split("/dev/mapper/rhel-root", &vg, &lv));
	assert_string_equal(vg, "rhel");
	assert_string_equal(lv, "root");
	free(vg);
	free(lv);
	assert_true(blkdev_lvm_split("/dev/mapper/ubuntu--vg-ubuntu--lv", &vg, &lv));
	assert_string_equal(vg, "ubuntu-vg");
	assert_string_equal(lv, "ubuntu-lv");
	free(vg);
	free(lv);
	assert_true(blkdev_lvm_split("/dev/vg0/root", &vg, &lv));
	assert_string_equal(vg, "vg0");
	assert_string_equal(lv, "root");
	free(vg);
	free(lv);
	const char *no[] = { "/dev/mapper/luks", "/dev/mapper/-x", "/dev/disk/by-uuid/abc",
			     "/dev/sda1",        "UUID=abc",       "/dev/md/0",
			     "/dev/a/b/c" };
	for (size_t i = 0; i < ARRAY_LEN(no); i++) {
		assert_false(blkdev_lvm_split(no[i], &vg, &lv));
		assert_null(vg);
	}
}

static void test_lvm_backup(void **state)
{
	(void)state;
	struct target *t = root_target(FIX "lvm-backup");
	struct strvec pvs = { 0 }, disks = { 0 };
	/* root: a linear volume extended onto a second disk. */
	assert_int_equal(blkdev_lvm_backup_pvs(t, "rhel", "root", &pvs, &disks), 2);
	assert_int_equal(pvs.n, 2);
	assert_string_equal(pvs.v[0], "/dev/sda3");
	assert_string_equal(pvs.v[1], "/dev/sdb");
	assert_string_equal(disks.v[0], "sda");
	assert_string_equal(disks.v[1], "sdb");
	sv_free(&pvs);
	sv_free(&disks);
	assert_int_equal(blkdev_lvm_backup_pvs(t, "rhel", "swap", &pvs, &disks), 1);
	assert_string_equal(pvs.v[0], "/dev/sda3");
	sv_free(&pvs);
	sv_free(&disks);
	/* raid1: through its rimage/rmeta sub-volumes to both PVs. */
	assert_int_equal(blkdev_lvm_backup_pvs(t, "rhel", "mirror", &pvs, &disks), 2);
	assert_int_equal(disks.n, 2);
	sv_free(&pvs);
	sv_free(&disks);
	assert_int_equal(blkdev_lvm_backup_pvs(t, "rhel", "home", &pvs, &disks), -ESRCH);
	assert_int_equal(blkdev_lvm_backup_pvs(t, "centos", "root", &pvs, &disks), -ENOENT);
	assert_int_equal(blkdev_lvm_backup_pvs(t, "../rhel", "root", &pvs, &disks), -EINVAL);
	target_free(t);
	/* Damaged metadata is refused, not half-read. */
	char *tmp = tu_mkdtemp("disk-lvm");
	const char *bad[] = { "vg {\n physical_volumes {\n", "vg }\n",
			      "vg { x = \"unterminated\n}\n", "vg { = }",
			      "vg { a = [ \"pv0\" { ] }" };
	for (size_t i = 0; i < ARRAY_LEN(bad); i++) {
		char *p = xasprintf("%s/etc/lvm/backup/vg", tmp);
		tu_write_file(p, bad[i]);
		free(p);
		t = root_target(tmp);
		assert_int_equal(blkdev_lvm_backup_pvs(t, "vg", "root", &pvs, &disks), -EBADMSG);
		target_free(t);
	}
	assert_int_equal(pvs.n, 0);
	tu_rmtree(tmp);
	free(tmp);
}

/* Copies a fixture root into a temporary folder and adds dev/ images. */
static char *disk_root(const char *name)
{
	char *tmp = tu_mkdtemp("disk-root");
	SH("cp -a " FIX "%s/. '%s/' && mkdir -p '%s/dev'", name, tmp, tmp);
	char *sda = xasprintf("%s/dev/sda", tmp), *sdb = xasprintf("%s/dev/sdb", tmp);
	if (strcmp(name, "simple") == 0) {
		make_dos(sda, true);
		put_grub(sda);
		make_dos(sdb, false);
	} else if (strcmp(name, "split") == 0) {
		make_dos(sda, true);
		put_grub(sda);
		make_dos(sdb, true);
		put_grub(sdb);
	} else if (strcmp(name, "lvm") == 0) {
		SH("truncate -s 8M '%s' && printf 'label: gpt\\nstart=2048,size=2048,type="
		   "21686148-6453-6E6F-744E-656564454649\\nstart=4096,type="
		   "E6D6D379-F507-44C2-A23C-238F2A3DF928\\n' | sfdisk -q '%s'",
		   sda, sda);
		SH("truncate -s 8M '%s'", sdb);
	} else if (strcmp(name, "whole") == 0) {
		SH("truncate -s 64M '%s/dev/vda' && mkfs.ext4 -q -F '%s/dev/vda'", tmp, tmp);
	}
	free(sda);
	free(sdb);
	return tmp;
}

static enum status run_on(struct target *t, const char *id, struct check_result *r)
{
	const struct check_def *c = check_find(id);
	assert_non_null(c);
	struct check_ctx ctx = { .t = t, .timeout_ms = 5000 };
	check_run_one(c, &ctx, r);
	return r->status;
}

/* Runs a check and returns its status; *finding (may be NULL) gets a copy
 * of the finding, and needle (may be NULL) must be in the evidence. */
static enum status status_of(struct target *t, const char *id, char **finding, const char *needle)
{
	struct check_result r;
	enum status s = run_on(t, id, &r);
	if (finding)
		*finding = xstrdup(r.finding);
	if (needle) {
		bool found = false;
		for (size_t i = 0; i < r.nev && !found; i++)
			found = r.ev[i].text && strstr(r.ev[i].text, needle);
		if (!found)
			print_error("%s: no evidence with \"%s\"\n", id, needle);
		assert_true(found);
	}
	result_free(&r);
	return s;
}

static void test_simple_layout_passes(void **state)
{
	(void)state;
	char *tmp = disk_root("simple");
	struct target *t = root_target(tmp);
	char *f = NULL;
	assert_int_equal(status_of(t, "disk.boot_system", &f, "/boot: sda1 on sda"), STATUS_PASS);
	assert_string_equal(f, "/boot and / are on the same disk (sda)");
	free(f);
	assert_int_equal(status_of(t, "disk.boot_present", &f, "/dev/sda: dos partition table"),
			 STATUS_PASS);
	assert_string_equal(f, "boot disk: sda");
	free(f);
	/* loop0 (size 0) is not a disk; sdb is a data disk without boot code. */
	assert_int_equal(status_of(t, "disk.boot_multiple", &f, "disks: sda, sdb"), STATUS_PASS);
	assert_string_equal(f, "one boot disk: sda");
	free(f);
	assert_int_equal(status_of(t, "disk.root_span", &f, "/: sda2 on sda"), STATUS_PASS);
	free(f);
	assert_int_equal(status_of(t, "disk.boot_lvm", &f, NULL), STATUS_PASS);
	assert_string_equal(f, "/boot is on sda1, not on LVM");
	free(f);
	struct strvec disks = { 0 };
	assert_int_equal(blkdev_list_disks(t, &disks), 2);
	sv_free(&disks);
	target_free(t);
	tu_rmtree(tmp);
	free(tmp);
}

static void test_split_boot_and_two_boot_disks(void **state)
{
	(void)state;
	char *tmp = disk_root("split");
	struct target *t = root_target(tmp);
	char *f = NULL;
	assert_int_equal(status_of(t, "disk.boot_system", &f, "/: sdb1 on sdb"), STATUS_WARN);
	assert_non_null(strstr(f, "/boot is on sda and / on sdb"));
	assert_non_null(strstr(f, "9.20"));
	assert_non_null(strstr(f, "95309"));
	free(f);
	assert_int_equal(status_of(t, "disk.boot_multiple", &f, "/dev/sdb: dos partition table"),
			 STATUS_FAIL);
	assert_non_null(strstr(f, "2 disks carry a boot loader (sda, sdb)"));
	free(f);
	assert_int_equal(status_of(t, "disk.root_span", NULL, NULL), STATUS_PASS);
	target_free(t);
	tu_rmtree(tmp);
	free(tmp);
}

static void test_lvm_root_span_and_boot_on_lvm(void **state)
{
	(void)state;
	char *tmp = disk_root("lvm");
	struct target *t = root_target(tmp);
	char *f = NULL;
	assert_int_equal(
		status_of(t, "disk.root_span", &f, "dm-1 (vg0-root) on {sda2 on sda, sdb1 on sdb}"),
		STATUS_WARN);
	assert_non_null(strstr(f, "spans 2 disks (sda, sdb)"));
	assert_non_null(strstr(f, "95313"));
	free(f);
	assert_int_equal(status_of(t, "disk.boot_lvm", &f, "/dev/mapper/vg0-boot is dm-0"),
			 STATUS_WARN);
	assert_non_null(strstr(f, "LVM volume vg0-boot (dm-0)"));
	assert_non_null(strstr(f, "9.20"));
	free(f);
	/* /boot's disk is one of /'s disks; it carries a BIOS boot partition. */
	assert_int_equal(status_of(t, "disk.boot_system", NULL, NULL), STATUS_PASS);
	assert_int_equal(status_of(t, "disk.boot_present", &f, "BIOS boot partition 1"),
			 STATUS_PASS);
	free(f);
	assert_int_equal(status_of(t, "disk.boot_multiple", NULL, NULL), STATUS_PASS);
	/* The sysfs helpers on their own. */
	char *how = NULL;
	char *k = blkdev_kname(t, "/dev/vg0/root", "/", &how);
	assert_string_equal(k, "dm-1");
	assert_non_null(strstr(how, "device-mapper name vg0-root"));
	free(k);
	free(how);
	assert_true(blkdev_is_lvm(t, "dm-0"));
	assert_false(blkdev_is_lvm(t, "sda2"));
	k = blkdev_kname(t, "/dev/sdq1", "/", &how);
	assert_null(k);
	assert_non_null(strstr(how, "/dev/sdq1 is not a block device sysfs knows"));
	free(how);
	target_free(t);
	tu_rmtree(tmp);
	free(tmp);
}

static void test_whole_disk_has_no_boot_disk(void **state)
{
	(void)state;
	char *tmp = disk_root("whole");
	struct target *t = root_target(tmp);
	char *f = NULL;
	assert_int_equal(status_of(t, "disk.boot_present", &f,
				   "no partition table (ext4 on the whole disk)"),
			 STATUS_FAIL);
	assert_non_null(strstr(f, "no boot disk"));
	free(f);
	assert_int_equal(status_of(t, "disk.boot_multiple", NULL, NULL), STATUS_PASS);
	target_free(t);
	/* Without the image the disk cannot be read: a warning, not a failure. */
	SH("rm '%s/dev/vda'", tmp);
	t = root_target(tmp);
	assert_int_equal(status_of(t, "disk.boot_present", &f, "does not exist"), STATUS_WARN);
	free(f);
	target_free(t);
	tu_rmtree(tmp);
	free(tmp);
}

static void test_mount_source_by_uuid_probe(void **state)
{
	(void)state;
	/* / named by UUID in the mount table, no /dev/disk links: the
	 * partition is found by probing every block device. */
	char *tmp = disk_root("simple");
	SH("truncate -s 64M '%s/dev/sda2' && mkfs.ext4 -q -F -U " EXT4_UUID " '%s/dev/sda2' && "
	   "sed -i 's#^/dev/sda2 #UUID=" EXT4_UUID " #' '%s/proc/mounts'",
	   tmp, tmp, tmp);
	struct target *t = root_target(tmp);
	char *how = NULL;
	char *k = blkdev_kname(t, "UUID=" EXT4_UUID, "/", &how);
	assert_string_equal(k, "sda2");
	assert_non_null(strstr(how, "libblkid probe"));
	free(k);
	free(how);
	assert_int_equal(status_of(t, "disk.root_span", NULL, "/: sda2 on sda"), STATUS_PASS);
	k = blkdev_kname(t, "UUID=00000000-0000-4000-8000-000000000000", "/", &how);
	assert_null(k);
	free(how);
	target_free(t);
	tu_rmtree(tmp);
	free(tmp);
}

static void test_mounted_root_without_sysfs(void **state)
{
	(void)state;
	struct target *t = root_target(FIX "lvm-backup");
	char *f = NULL;
	/* The LVM metadata backup stands in for sysfs. */
	assert_int_equal(status_of(t, "disk.root_span", &f, "/dev/sda3, /dev/sdb"), STATUS_WARN);
	assert_non_null(strstr(f, "spans 2 disks (sda, sdb)"));
	free(f);
	assert_int_equal(status_of(t, "disk.boot_lvm", &f, "lists this logical volume"),
			 STATUS_WARN);
	assert_non_null(
		strstr(f, "/ (which holds /boot) is on the LVM volume /dev/mapper/rhel-root"));
	free(f);
	assert_int_equal(status_of(t, "disk.boot_system", NULL, NULL), STATUS_PASS);
	assert_int_equal(status_of(t, "disk.boot_present", &f, NULL), STATUS_NA);
	assert_non_null(strstr(f, "no /sys"));
	free(f);
	assert_int_equal(status_of(t, "disk.boot_multiple", NULL, NULL), STATUS_NA);
	target_free(t);
	/* / by UUID without /sys: nothing to go on, said as much. */
	t = root_target("tests/fixtures/grub/debian");
	assert_int_equal(status_of(t, "disk.root_span", &f, "/etc/fstab"), STATUS_NA);
	assert_non_null(strstr(f, "UUID=0b1e2a54"));
	free(f);
	target_free(t);
	/* Plain device names in fstab (SLES 11): judged by name, and said so. */
	t = root_target("tests/fixtures/grub/sles11");
	assert_int_equal(status_of(t, "disk.root_span", &f, NULL), STATUS_PASS);
	assert_string_equal(f, "/ is the partition /dev/sda2, on one disk (sda)");
	free(f);
	assert_int_equal(status_of(t, "disk.boot_lvm", NULL, NULL), STATUS_PASS);
	target_free(t);
}

/* A mounted root whose /sys and /proc are the rescue machine's (a recorded
 * host mount table says they are mount points): they are ignored, the
 * evidence says so, and the checks judge from the root's fstab; the same
 * root with its own (fixture) /sys is judged from it. */
static void test_bind_mounted_sys_is_ignored(void **state)
{
	(void)state;
	char *tmp = disk_root("split");
	char *p = xasprintf("%s/etc/fstab", tmp);
	tu_write_file(p, "/dev/sda2 / ext4 defaults 0 1\n/dev/sdb1 /boot ext4 defaults 0 2\n");
	free(p);
	struct target *t = root_target(tmp);
	char *f = NULL;
	/* Its own /sys: two disks carry GRUB. */
	unsetenv("ASR_DOCTOR_MOUNTINFO");
	assert_int_equal(status_of(t, "disk.boot_multiple", NULL, NULL), STATUS_FAIL);
	char *mi = xasprintf("%s.mountinfo", tmp);
	char *text = xasprintf("23 1 8:1 / / rw - ext4 /dev/sda1 rw\n"
			       "24 23 0:22 / /sys rw - sysfs sysfs rw\n"
			       "25 23 0:23 / /proc rw - proc proc rw\n"
			       "90 23 0:22 / %s/sys rw,nosuid - sysfs sysfs rw\n"
			       "91 23 0:23 / %s/proc rw - proc proc rw\n",
			       tmp, tmp);
	tu_write_file(mi, text);
	free(text);
	setenv("ASR_DOCTOR_MOUNTINFO", mi, 1);
	assert_int_equal(status_of(t, "disk.boot_multiple", &f, "is a mount point of this machine "
								 "(sysfs"),
			 STATUS_NA);
	assert_non_null(strstr(f, "no /sys of its own"));
	free(f);
	assert_int_equal(status_of(t, "disk.boot_multiple", NULL, "ignored; judged from /etc/fstab"),
			 STATUS_NA);
	/* The host's /proc/mounts is not the examined machine's mount table. */
	assert_int_equal(status_of(t, "disk.boot_system", &f, "mount table: /etc/fstab"),
			 STATUS_WARN);
	assert_non_null(strstr(f, "/boot is on sdb and / on sda"));
	free(f);
	assert_int_equal(status_of(t, "disk.boot_present", &f, NULL), STATUS_NA);
	free(f);
	unsetenv("ASR_DOCTOR_MOUNTINFO");
	unlink(mi);
	free(mi);
	target_free(t);
	tu_rmtree(tmp);
	free(tmp);
}

/* Every pattern of devname's list as fstab's / and /boot on a root without
 * /sys: kernel names (mmcblk and nvme included) are judged by name, the
 * others cannot be, and none of them is mistaken for "not a block device". */
static void test_each_pattern_in_the_disk_checks(void **state)
{
	(void)state;
	const struct {
		const char *root, *boot;
		enum status span, same;
		const char *disk;
	} w[] = {
		{ "/dev/sda2", "/dev/sda1", STATUS_PASS, STATUS_PASS, "sda" },
		{ "/dev/hdb2", "/dev/hdb1", STATUS_PASS, STATUS_PASS, "hdb" },
		{ "/dev/vda2", "/dev/vda1", STATUS_PASS, STATUS_PASS, "vda" },
		{ "/dev/xvda2", "/dev/xvda1", STATUS_PASS, STATUS_PASS, "xvda" },
		{ "/dev/nvme0n1p2", "/dev/nvme0n1p1", STATUS_PASS, STATUS_PASS, "nvme0n1" },
		{ "/dev/mmcblk0p2", "/dev/mmcblk0p1", STATUS_PASS, STATUS_PASS, "mmcblk0" },
		{ "/dev/mmcblk0p2", "/dev/mmcblk1p1", STATUS_PASS, STATUS_WARN, "mmcblk0" },
		{ "/dev/disk/by-path/pci-0000:00:10.0-scsi-0:0:0:0-part2",
		  "/dev/disk/by-path/pci-0000:00:10.0-scsi-0:0:0:0-part1", STATUS_NA, STATUS_NA,
		  NULL },
		{ "/dev/disk/by-id/wwn-0x5000c500a1b2c3d4-part2",
		  "/dev/disk/by-id/wwn-0x5000c500a1b2c3d4-part1", STATUS_NA, STATUS_NA, NULL },
		{ "UUID=0b1e2a54-3c4d-4e5f-8a9b-0c1d2e3f4a5b", "LABEL=boot", STATUS_NA, STATUS_NA,
		  NULL },
		{ "PARTUUID=5f3a9c1e-02", "PARTLABEL=boot", STATUS_NA, STATUS_NA, NULL },
		{ "/dev/disk/by-uuid/0b1e2a54-3c4d-4e5f-8a9b-0c1d2e3f4a5b",
		  "/dev/disk/by-label/boot", STATUS_NA, STATUS_NA, NULL },
	};
	for (size_t i = 0; i < ARRAY_LEN(w); i++) {
		char *tmp = tu_mkdtemp("disk-names");
		char *p = xasprintf("%s/etc/fstab", tmp);
		char *fstab = xasprintf("%s / ext4 defaults 0 1\n%s /boot ext4 defaults 0 2\n",
					w[i].root, w[i].boot);
		tu_write_file(p, fstab);
		free(fstab);
		free(p);
		struct target *t = root_target(tmp);
		char *f = NULL;
		enum status st = status_of(t, "disk.root_span", &f, NULL);
		if (st != w[i].span)
			print_error("%s: root_span %d (%s)\n", w[i].root, (int)st, f);
		assert_int_equal(st, w[i].span);
		assert_null(strstr(f, "not on a block device"));
		if (w[i].disk) {
			char *want = xasprintf("on one disk (%s)", w[i].disk);
			assert_non_null(strstr(f, want));
			free(want);
		}
		free(f);
		st = status_of(t, "disk.boot_system", &f, NULL);
		if (st != w[i].same)
			print_error("%s: boot_system %d (%s)\n", w[i].boot, (int)st, f);
		assert_int_equal(st, w[i].same);
		assert_null(strstr(f, "not on a block device"));
		free(f);
		target_free(t);
		tu_rmtree(tmp);
		free(tmp);
	}
}

static void test_not_applicable_cases(void **state)
{
	(void)state;
	char *tmp = tu_mkdtemp("disk-na");
	char *p = xasprintf("%s/proc/mounts", tmp);
	tu_write_file(p, "overlay / overlay rw,lowerdir=/a,upperdir=/b,workdir=/c 0 0\n");
	free(p);
	struct target *t = root_target(tmp);
	char *f = NULL;
	assert_int_equal(status_of(t, "disk.root_span", &f, NULL), STATUS_NA);
	assert_non_null(strstr(f, "not on a block device (overlay"));
	free(f);
	t->os = TARGET_OS_WINDOWS;
	assert_int_equal(status_of(t, "disk.boot_multiple", NULL, NULL), STATUS_NA);
	target_free(t);
	tu_rmtree(tmp);
	free(tmp);
	/* No mount table at all. */
	t = root_target("tests/fixtures/grub/none");
	assert_int_equal(status_of(t, "disk.boot_system", &f, NULL), STATUS_NA);
	assert_non_null(strstr(f, "no mount table"));
	free(f);
	target_free(t);
}

int main(void)
{
	if (access(BOOT_IMG, R_OK) != 0)
		fprintf(stderr, "test_disk: %s is missing (Debian package grub-pc-bin)\n",
			BOOT_IMG);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_probe_images),
		cmocka_unit_test(test_partition_tables),
		cmocka_unit_test(test_mount_tables),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_lvm_backup),
		cmocka_unit_test(test_simple_layout_passes),
		cmocka_unit_test(test_split_boot_and_two_boot_disks),
		cmocka_unit_test(test_lvm_root_span_and_boot_on_lvm),
		cmocka_unit_test(test_whole_disk_has_no_boot_disk),
		cmocka_unit_test(test_mount_source_by_uuid_probe),
		cmocka_unit_test(test_mounted_root_without_sysfs),
		cmocka_unit_test(test_bind_mounted_sys_is_ignored),
		cmocka_unit_test(test_each_pattern_in_the_disk_checks),
		cmocka_unit_test(test_not_applicable_cases),
	};
	return cmocka_run_group_tests_name("disk", tests, NULL, NULL);
}
