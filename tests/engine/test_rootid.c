/* test_rootid.c: the identity of a mounted root: recorded host mount
 * tables (/proc/self/mountinfo format) that name real filesystem images
 * (mkfs.ext4 -U) as the devices mounted at the root folder and below,
 * escaped mount points, mounts hiding mounts, a bind-mounted /sys and
 * /dev told apart from the root's own, every rule that ties (or refuses to
 * tie) a device name to a UUID, and the real /proc/self/mountinfo of this
 * machine compared with findmnt. */
#include "support/testutil.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "engine/rootid.h"
#include "engine/util/util.h"

#define ROOT_UUID "3b6f0c2e-9d41-4f7a-8e25-1c9a7d4b6e08"
#define BOOT_UUID "5b1f3c2e-8a4d-4f6e-9c1b-2d3e4f5a6b7c"
#define OTHER_UUID "0b1e2a54-7c0d-4f4e-9d1a-3e5b8c7f6a21"
#define SWAP_UUID "a7d2e915-4c3b-4e6f-9a10-5b8c2d7e3f41"

/* A sandbox: a root folder (with a space in its name, as mount tables
 * escape it) and two ext4 images outside it. */
struct sand {
	char *tmp;  /* owned: the temporary folder */
	char *root; /* owned: tmp/"my root" */
	char *img_root, *img_boot; /* owned: the images */
	struct target *t;
};

static void sand_open(struct sand *s, const char *fstab)
{
	memset(s, 0, sizeof *s);
	s->tmp = tu_mkdtemp("rootid");
	s->root = xasprintf("%s/my root", s->tmp);
	char *p = xasprintf("%s/etc/fstab", s->root);
	tu_write_file(p, fstab);
	free(p);
	s->img_root = xasprintf("%s/img-root", s->tmp);
	s->img_boot = xasprintf("%s/img-boot", s->tmp);
	assert_int_equal(tu_sh(NULL,
			       "truncate -s 32M '%s' && mkfs.ext4 -q -F -L root -U " ROOT_UUID
			       " '%s' >/dev/null 2>&1 && truncate -s 32M '%s' && mkfs.ext4 -q -F -U "
			       BOOT_UUID " '%s' >/dev/null 2>&1",
			       s->img_root, s->img_root, s->img_boot, s->img_boot),
			 0);
	char *cause = NULL;
	s->t = target_root_new(s->root, &cause);
	assert_non_null(s->t);
}

static void sand_close(struct sand *s)
{
	target_free(s->t);
	tu_rmtree(s->tmp);
	free(s->tmp);
	free(s->root);
	free(s->img_root);
	free(s->img_boot);
}

/* The root folder as a mount table writes it (space as \040). Caller frees. */
static char *escaped(const char *path)
{
	struct sbuf b = { 0 };
	for (const char *p = path; *p; p++) {
		if (*p == ' ')
			sb_add(&b, "\\040");
		else
			sb_addc(&b, *p);
	}
	return sb_steal(&b);
}

/* s with every "%R" replaced by r. Caller frees. */
static char *subst_root(const char *s, const char *r)
{
	struct sbuf b = { 0 };
	for (const char *p = s; *p; p++) {
		if (p[0] == '%' && p[1] == 'R') {
			sb_add(&b, r);
			p++;
		} else {
			sb_addc(&b, *p);
		}
	}
	return sb_steal(&b);
}

/* A recorded mount table: the host's own /, then (when with_root) the
 * root image at the folder and the boot image at folder/boot, then extra
 * lines (with the escaped folder for each %R). */
static char *mountinfo(const struct sand *s, bool with_root, const char *extra)
{
	char *f = escaped(s->root);
	struct sbuf b = { 0 };
	sb_add(&b, "23 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw,errors=remount-ro\n"
		   "24 23 0:22 / /sys rw,nosuid,nodev,noexec,relatime shared:7 - sysfs sysfs rw\n");
	if (with_root)
		sb_printf(&b,
			  "97 23 8:34 / %s rw,relatime shared:50 - ext4 %s rw\n"
			  "98 97 8:33 / %s/boot rw,relatime shared:51 - ext4 %s rw\n",
			  f, s->img_root, f, s->img_boot);
	if (extra) {
		char *x = subst_root(extra, f);
		sb_add(&b, x);
		free(x);
	}
	free(f);
	return sb_steal(&b);
}

static void build(struct rootid *id, const struct sand *s, bool with_root, const char *extra)
{
	char *mi = mountinfo(s, with_root, extra);
	rootid_build(id, s->t, "recorded-mountinfo", mi, strlen(mi));
	free(mi);
}

static void test_recorded_mountinfo_names_images(void **state)
{
	(void)state;
	struct sand s;
	sand_open(&s, "/dev/sda2 / ext4 defaults 0 1\n/dev/sda1 /boot ext4 defaults 0 2\n");
	struct rootid id;
	build(&id, &s, true,
	      "99 97 0:22 / %R/sys rw,relatime - sysfs sysfs rw\n"
	      "100 97 0:5 / %R/dev rw,nosuid - devtmpfs udev rw,mode=755\n"
	      "101 100 0:23 / %R/dev/pts rw - devpts devpts rw\n");
	assert_int_equal(id.mountinfo_err, 0);
	assert_string_equal(id.folder, s.root);
	assert_int_equal(id.n, 5);
	const struct rootid_mount *m = rootid_mount_at(&id, "/");
	assert_non_null(m);
	assert_string_equal(m->source, s.img_root);
	assert_string_equal(m->probed, s.img_root);
	assert_int_equal(m->major, 8);
	assert_int_equal(m->minor, 34);
	assert_string_equal(m->uuid, ROOT_UUID);
	assert_string_equal(m->type, "ext4");
	assert_string_equal(m->label, "root");
	m = rootid_mount_at(&id, "/boot");
	assert_non_null(m);
	assert_string_equal(m->uuid, BOOT_UUID);
	m = rootid_mount_at(&id, "/sys");
	assert_non_null(m);
	assert_null(m->uuid);
	assert_non_null(strstr(m->why, "not a block device"));
	/* The host's sysfs and /dev bind-mounted into the root are told. */
	assert_true(id.host_sys);
	assert_true(id.host_dev);
	assert_false(id.host_proc);
	assert_non_null(strstr(id.host_why.v[0], "/sys is a mount point of this machine (sysfs"));
	char *d = rootid_describe(&id);
	assert_non_null(strstr(d, "is mounted from"));
	assert_non_null(strstr(d, "UUID " ROOT_UUID));
	assert_non_null(strstr(d, "never through its /dev"));
	free(d);
	rootid_free(&id);
	/* A mount over the folder hides the earlier mounts at and below it. */
	build(&id, &s, true, "120 23 0:40 / %R rw - tmpfs tmpfs rw\n");
	assert_int_equal(id.n, 1);
	assert_string_equal(rootid_mount_at(&id, "/")->fstype, "tmpfs");
	assert_null(rootid_mount_at(&id, "/boot"));
	assert_null(rootid_mount_at(&id, "/")->uuid);
	rootid_free(&id);
	/* Not a mount point: nothing to probe, said so; a plain /sys is the root's. */
	build(&id, &s, false, NULL);
	assert_int_equal(id.n, 0);
	assert_false(id.host_sys);
	d = rootid_describe(&id);
	assert_non_null(strstr(d, "is not a mount point"));
	free(d);
	rootid_free(&id);
	/* Junk lines are skipped; no table at all is said so. */
	const char *junk = "garbage\n1 2 x:y / / rw - ext4 /dev/sda1 rw\n\n- - -\n";
	rootid_build(&id, s.t, "junk", junk, strlen(junk));
	assert_int_equal(id.n, 0);
	rootid_free(&id);
	rootid_build(&id, s.t, "missing", NULL, 0);
	assert_int_equal(id.mountinfo_err, -ENOENT);
	d = rootid_describe(&id);
	assert_non_null(strstr(d, "missing cannot be read"));
	free(d);
	rootid_free(&id);
	sand_close(&s);
}

/* Expects a UUID with its origin. */
static void want_uuid(const struct rootid *id, const char *dev, enum blkdev_role role, int line,
		      const char *own, const char *uuid, enum blkdev_origin origin)
{
	struct blkdev_uuid u;
	int rc = rootid_uuid(id, dev, role, line, own, &u);
	if (rc)
		print_error("%s: no UUID: %s\n", dev, u.why);
	assert_int_equal(rc, 0);
	assert_string_equal(u.uuid, uuid);
	assert_int_equal(u.origin, origin);
	assert_non_null(u.source);
	assert_null(u.why);
	blkdev_uuid_free(&u);
}

/* Expects no UUID, and a reason containing needle. */
static void want_none(const struct rootid *id, const char *dev, enum blkdev_role role, int line,
		      const char *own, const char *needle)
{
	struct blkdev_uuid u;
	int rc = rootid_uuid(id, dev, role, line, own, &u);
	if (rc == 0)
		print_error("%s: unexpected UUID %s (%s)\n", dev, u.uuid, u.source);
	assert_int_equal(rc, -ENOENT);
	assert_null(u.uuid);
	if (!strstr(u.why, needle))
		print_error("%s: reason \"%s\" lacks \"%s\"\n", dev, u.why, needle);
	assert_non_null(strstr(u.why, needle));
	blkdev_uuid_free(&u);
}

static void test_device_names_tied_by_fstab(void **state)
{
	(void)state;
	struct sand s;
	/* fstab names the root device: only that name gets the mounted UUID. */
	sand_open(&s, "/dev/sda2 / ext4 defaults 0 1\n/dev/sda1 /boot ext4 defaults 0 2\n"
		      "/dev/sdb1 /data ext4 defaults 0 2\n/dev/sda3 none swap sw 0 0\n");
	struct rootid id;
	build(&id, &s, true, NULL);
	want_uuid(&id, "/dev/sda2", BLKDEV_ROLE_ROOT, 0, NULL, ROOT_UUID, BLKDEV_ORIGIN_MOUNT);
	want_uuid(&id, "/dev/sda2", BLKDEV_ROLE_ROOT, 0, "/dev/sdb3", ROOT_UUID,
		  BLKDEV_ORIGIN_MOUNT);
	want_none(&id, "/dev/sdb3", BLKDEV_ROLE_ROOT, 0, "/dev/sdb3", "is not this root's device");
	want_uuid(&id, "/dev/sda1", BLKDEV_ROLE_ANY, 2, NULL, BOOT_UUID, BLKDEV_ORIGIN_MOUNT);
	want_uuid(&id, "/dev/sda2", BLKDEV_ROLE_ANY, 1, NULL, ROOT_UUID, BLKDEV_ORIGIN_MOUNT);
	want_none(&id, "/dev/sdb1", BLKDEV_ROLE_ANY, 3, NULL, "/data is not mounted under");
	want_none(&id, "/dev/sda1", BLKDEV_ROLE_ANY, 3, NULL, "does not name /dev/sda1");
	/* Swap is never mounted: named by device, its UUID cannot be read. */
	want_none(&id, "/dev/sda3", BLKDEV_ROLE_SWAP, 0, "/dev/sda3", "never mounted");
	want_none(&id, "/dev/sda3", BLKDEV_ROLE_ANY, 4, NULL, "never mounted");
	rootid_free(&id);
	/* The same root not mounted here: no UUID for a device fstab names. */
	build(&id, &s, false, NULL);
	want_none(&id, "/dev/sda2", BLKDEV_ROLE_ROOT, 0, NULL, "/ is not mounted under");
	rootid_free(&id);
	sand_close(&s);

	/* fstab mounts / by UUID: the root's own entries say which name is it. */
	sand_open(&s, "UUID=" ROOT_UUID " / ext4 defaults 0 1\nUUID=" SWAP_UUID
		      " none swap sw 0 0\n");
	build(&id, &s, true, NULL);
	want_uuid(&id, "/dev/sda2", BLKDEV_ROLE_ROOT, 0, "/dev/sda2", ROOT_UUID,
		  BLKDEV_ORIGIN_MOUNT);
	want_none(&id, "/dev/sdb3", BLKDEV_ROLE_ROOT, 0, "/dev/sda2", "name another root device");
	want_none(&id, "/dev/sda2", BLKDEV_ROLE_ROOT, 0, NULL, "name several root devices");
	want_uuid(&id, "/dev/sda3", BLKDEV_ROLE_SWAP, 0, "/dev/sda3", SWAP_UUID,
		  BLKDEV_ORIGIN_FSTAB);
	want_none(&id, "/dev/sda4", BLKDEV_ROLE_SWAP, 0, "/dev/sda3", "not known to be this root's swap");
	rootid_free(&id);
	/* Not mounted here: fstab's UUID stands, tied by the root's own entries. */
	build(&id, &s, false, NULL);
	want_uuid(&id, "/dev/sda2", BLKDEV_ROLE_ROOT, 0, "/dev/sda2", ROOT_UUID,
		  BLKDEV_ORIGIN_FSTAB);
	rootid_free(&id);
	sand_close(&s);

	/* fstab's UUID is not the mounted filesystem's: nothing is guessed. */
	sand_open(&s, "UUID=" OTHER_UUID " / ext4 defaults 0 1\nLABEL=nope /boot ext4 defaults 0 2\n"
		      "/dev/sda3 none swap sw 0 0\n/dev/sdb2 none swap sw 0 0\n");
	build(&id, &s, true, NULL);
	want_none(&id, "/dev/sda2", BLKDEV_ROLE_ROOT, 0, "/dev/sda2", "not the same filesystem");
	want_none(&id, "/dev/sda4", BLKDEV_ROLE_SWAP, 0, "/dev/sda4", "2 swap entries");
	rootid_free(&id);
	sand_close(&s);

	/* No fstab at all. */
	sand_open(&s, "");
	char *p = xasprintf("%s/etc/fstab", s.root);
	unlink(p);
	free(p);
	build(&id, &s, true, NULL);
	want_none(&id, "/dev/sda2", BLKDEV_ROLE_ROOT, 0, "/dev/sda2", "/etc/fstab cannot be read");
	want_none(&id, "/dev/sda3", BLKDEV_ROLE_SWAP, 0, "/dev/sda3", "no swap entry");
	rootid_free(&id);
	sand_close(&s);
}

/* This machine's own /proc/self/mountinfo, read as rootid_load reads it:
 * what it says is mounted at / agrees with findmnt, and /sys and /proc of
 * "/" examined as a root are this machine's. */
static void test_real_mountinfo(void **state)
{
	(void)state;
	if (!tu_have("findmnt"))
		skip();
	unsetenv("ASR_DOCTOR_MOUNTINFO");
	assert_string_equal(rootid_mountinfo_path(), "/proc/self/mountinfo");
	char *cause = NULL;
	struct target *t = target_root_new("/", &cause);
	assert_non_null(t);
	struct rootid id;
	rootid_load(&id, t);
	assert_int_equal(id.mountinfo_err, 0);
	const struct rootid_mount *m = rootid_mount_at(&id, "/");
	assert_non_null(m);
	char *out = NULL;
	assert_int_equal(tu_sh(&out, "findmnt -n -r -o FSTYPE,MAJ:MIN --mountpoint /"), 0);
	char *want = xasprintf("%s %u:%u\n", m->fstype, m->major, m->minor);
	/* findmnt lists the last mount of / first when / is mounted over. */
	assert_non_null(strstr(out, want));
	free(want);
	free(out);
	assert_true(id.host_sys);
	assert_true(id.host_proc);
	rootid_free(&id);
	target_free(t);
	/* A temporary folder is no mount point. */
	char *tmp = tu_mkdtemp("rootid-real");
	t = target_root_new(tmp, &cause);
	assert_non_null(t);
	rootid_load(&id, t);
	assert_null(rootid_mount_at(&id, "/"));
	assert_false(id.host_sys);
	rootid_free(&id);
	target_free(t);
	tu_rmtree(tmp);
	free(tmp);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_recorded_mountinfo_names_images),
		cmocka_unit_test(test_device_names_tied_by_fstab),
		cmocka_unit_test(test_real_mountinfo),
	};
	return cmocka_run_group_tests_name("rootid", tests, NULL, NULL);
}
