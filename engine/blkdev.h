/* blkdev.h: block devices of the examined machine. Filesystem UUID, TYPE
 * and LABEL and partition tables come from libblkid's low-level probe on
 * the target's host path of a device (never the blkid cache); which disks
 * a partition, an LVM or RAID volume sits on comes from sysfs (/sys/block,
 * /sys/class/block, dm-N/slaves) read through the target; the mount table
 * is /proc/mounts on a live machine and /etc/fstab on a mounted root; LVM
 * metadata backups (/etc/lvm/backup) stand in for sysfs on a mounted root.
 * A machine over SSH, whose devices cannot be opened from here, is asked
 * instead: its own lsblk and blkid (target_block_devices). */
#ifndef ASR_BLKDEV_H
#define ASR_BLKDEV_H

#include <stdbool.h>
#include <stddef.h>

#include "engine/target/target.h"
#include "engine/util/util.h"

/* ---- filesystem identity --------------------------------------------- */

/* What libblkid's superblock probe says about one device or image. */
struct blkdev_info {
	char *uuid;   /* owned; NULL when the filesystem has none */
	char *type;   /* owned: "ext4", "swap", "xfs"...; NULL when nothing found */
	char *label;  /* owned; NULL when none */
};

/* Probes host_path (a block device or a regular file holding an image)
 * for a filesystem or swap signature. Returns 0 when one was found, 1 when
 * the device holds no known signature, or -errno when it cannot be opened
 * or probed (-EINVAL: not a block device or regular file; -EEXIST: several
 * ambiguous signatures). On error *cause (when cause is not NULL) gets a
 * message the caller frees. out is always initialised; caller frees it with
 * blkdev_info_free. */
int blkdev_probe_path(const char *host_path, struct blkdev_info *out, char **cause);
/* The same for a device path of the target ("/dev/sda2"), probed at
 * target_host_path(t, dev); on a live machine without host paths (over
 * SSH), what its own lsblk and blkid list for dev (or the name its links
 * resolve to there): -ENOENT when they do not list it. -ENOTSUP when
 * neither way exists (a mounted root's device names). */
int blkdev_probe(struct target *t, const char *dev, struct blkdev_info *out, char **cause);
void blkdev_info_free(struct blkdev_info *i);

/* Which kernel parameter a device name stands for: on a mounted root it
 * decides which /etc/fstab entry may tie the device to the root. */
enum blkdev_role {
	BLKDEV_ROLE_ANY,   /* no fallback */
	BLKDEV_ROLE_ROOT,  /* root=: the fstab entry mounted on / */
	BLKDEV_ROLE_SWAP,  /* resume=: the (only) swap entry of fstab */
};

/* Where a UUID came from. */
enum blkdev_origin {
	BLKDEV_ORIGIN_NONE,    /* no UUID found; see why */
	BLKDEV_ORIGIN_PROBE,   /* libblkid probe of the device */
	BLKDEV_ORIGIN_BYUUID,  /* a /dev/disk/by-uuid link that points at the device */
	BLKDEV_ORIGIN_FSTAB,   /* the target's /etc/fstab (entry on / or swap) */
	BLKDEV_ORIGIN_MOUNT,   /* libblkid probe of the host's device mounted at the
				* mount point fstab gives the device (mounted root) */
};

/* The UUID that belongs where a device name is written. */
struct blkdev_uuid {
	enum blkdev_origin origin;
	char *uuid;    /* owned; NULL when none was found */
	char *type;    /* owned: filesystem type when known, else NULL */
	char *source;  /* owned: where the UUID came from, one line in the user's
			* language ("libblkid probe of /mnt/dev/sda2"); NULL when none */
	char *path;    /* owned: ORIGIN_FSTAB, ORIGIN_MOUNT: the fstab file, else NULL */
	int line;      /* ORIGIN_FSTAB, ORIGIN_MOUNT: its 1-based line, else 0 */
	char *why;     /* owned: when uuid is NULL, every step tried and why it
			* gave nothing, in the user's language; else NULL */
};

/* Finds the UUID of dev ("/dev/sda2") on a live target: a libblkid probe
 * of its host path (over SSH: the machine's own lsblk and blkid), then a
 * /dev/disk/by-uuid link to it. Never from
 * /etc/fstab: a UUID written there belongs to whatever device fstab names,
 * not to dev (role is kept for the callers' sake). On a mounted root use
 * rootid_uuid instead: its /dev is not the examined machine's. Returns 0
 * when a UUID was found, -ENOENT when not (out->why says why). out is
 * always filled; caller frees it with blkdev_uuid_free. */
int blkdev_uuid_lookup(struct target *t, const char *dev, enum blkdev_role role,
		       struct blkdev_uuid *out);
/* Deep copy (dst is overwritten, not freed first). */
void blkdev_uuid_copy(struct blkdev_uuid *dst, const struct blkdev_uuid *src);
void blkdev_uuid_free(struct blkdev_uuid *u);

/* ---- the mount table ----------------------------------------------------- */

/* One line of /proc/mounts or /etc/fstab (octal escapes undone). */
struct blkdev_mount {
	char *source;  /* owned: "/dev/sda2", "UUID=...", "overlay" */
	char *dir;     /* owned: the mount point, "none" for swap in fstab */
	char *fstype;  /* owned */
	char *opts;    /* owned ("defaults" when the field is missing) */
	int line;      /* 1-based line in the file */
};

struct blkdev_mounts {
	struct blkdev_mount *e;  /* owned array */
	size_t n, cap;
	char *path;              /* owned: the file read, as seen on the target */
	bool fstab;              /* true: /etc/fstab (what should be mounted),
				  * false: /proc/mounts (what is mounted) */
};

/* A field of fstab or a mount table with its \ooo octal escapes undone
 * (s need not be NUL-terminated). Caller frees. */
char *blkdev_unescape(const char *s, size_t n);
/* Reads one mount table file of the target (fstab or /proc/mounts format).
 * Returns 0 or -errno; out is always initialised and freed by the caller
 * with blkdev_mounts_free. */
int blkdev_mounts_read(struct target *t, const char *path, struct blkdev_mounts *out);
/* Reads the best mount table of the target: /proc/mounts when it can be
 * read (a live machine, or a fixture that provides one), else /etc/fstab.
 * Returns 0 or -errno of the last file tried. */
int blkdev_mounts_load(struct target *t, struct blkdev_mounts *out);
/* The entry mounted on dir (the last one, as the kernel and mount do;
 * "rootfs" lines of /proc/mounts are skipped); NULL when none. Borrowed. */
const struct blkdev_mount *blkdev_mounts_find(const struct blkdev_mounts *m, const char *dir);
void blkdev_mounts_free(struct blkdev_mounts *m);

/* ---- disks and partition tables ----------------------------------------- */

struct blkdev_part {
	int no;                  /* partition number */
	unsigned long long start, size; /* in 512-byte sectors */
	char *type;              /* owned: "0x83" (dos) or a GPT type GUID (lowercase) */
	unsigned long long flags; /* dos: 0x80 = active; gpt: attribute bits */
	char *uuid;              /* owned: PARTUUID, or NULL */
	char *name;              /* owned: GPT partition name, or NULL */
};

/* What a disk carries at its start: partition table and boot loader marks. */
struct blkdev_disk {
	char *name;              /* owned: kernel name, "sda" (or the image path) */
	char *pttype;            /* owned: "dos", "gpt"...; NULL: no partition table */
	struct blkdev_part *parts; /* owned array */
	size_t nparts;
	char *fstype;            /* owned: a filesystem on the whole disk, or NULL */
	bool mbr_signature;      /* 0x55 0xAA at byte 510 */
	bool boot_code;          /* non-zero bytes in the first 440 bytes */
	char *loader;            /* owned: "GRUB", "LILO"... recognised boot code, or NULL */
	int esp_part;            /* number of an EFI system partition, 0 when none */
	int bios_boot_part;      /* number of a GPT BIOS boot partition (GRUB core), 0 */
	int active_part;         /* number of a dos partition marked active, 0 */
};

/* Reads the partition table (libblkid) and the first sector of host_path.
 * Returns 0 or -errno with *cause (caller frees, may be NULL). out is always
 * initialised; caller frees it with blkdev_disk_free. */
int blkdev_disk_probe_path(const char *host_path, struct blkdev_disk *out, char **cause);
/* The same for the disk /dev/NAME of the target. */
int blkdev_disk_probe(struct target *t, const char *name, struct blkdev_disk *out, char **cause);
void blkdev_disk_free(struct blkdev_disk *d);
/* Whether the disk carries a boot loader. Strong marks: GRUB or LILO boot
 * code, an EFI system partition, a BIOS boot partition. Weak marks: other
 * boot code (Windows tools write it on data disks too), an active flag.
 * Returns 2 for a strong mark, 1 for only weak ones, 0 for none. */
int blkdev_disk_boot_marks(const struct blkdev_disk *d);
/* One line describing d in the user's language
 * ("dos partition table, 3 partitions, GRUB boot code, active partition 1").
 * Caller frees. */
char *blkdev_disk_describe(const struct blkdev_disk *d);

/* ---- sysfs ----------------------------------------------------------------- */

/* Whether the target has a sysfs tree with block devices (/sys/block). */
bool blkdev_have_sysfs(struct target *t);
/* The whole disks of /sys/block, without virtual devices (loop, ram, zram,
 * dm-, md, sr, fd, nbd) and empty ones (size 0); sorted. Returns the count
 * or -errno. */
int blkdev_list_disks(struct target *t, struct strvec *out);
/* The kernel name ("sda2", "dm-1") of a mount source on the target: a
 * device path, a /dev/mapper or /dev/VG/LV name, UUID=/LABEL=/PARTUUID=/
 * PARTLABEL= (by /dev/disk/by-* links, else by probing every block device),
 * and, on a live target, the device number of mountpoint (may be NULL).
 * Returns the name (caller frees) or NULL; *how (may be NULL) gets a line
 * saying how it was found or why not (caller frees). */
char *blkdev_kname(struct target *t, const char *source, const char *mountpoint, char **how);
/* The whole disks under a kernel name: a partition's disk, the slaves of a
 * device-mapper or md device followed down to disks, or the name itself.
 * Appends names to disks (without duplicates) and, when trail is not NULL,
 * a readable path ("dm-1 (vg-root) <- sda2, sdb1"). Returns the count added
 * or -errno. */
int blkdev_disks_of(struct target *t, const char *kname, struct strvec *disks, struct sbuf *trail);
/* The device-mapper name of a dm-N device ("rhel-root"), or NULL; caller frees. */
char *blkdev_dm_name(struct target *t, const char *kname);
/* Whether kname is an LVM logical volume (dm/uuid starts with "LVM-"). */
bool blkdev_is_lvm(struct target *t, const char *kname);

/* ---- names and LVM metadata ---------------------------------------------- */

/* The disk name a partition name suggests by its spelling alone
 * ("/dev/sda2" -> "sda", "nvme0n1p2" -> "nvme0n1"); a copy of the name
 * without "/dev/" when it does not look like a partition. Caller frees. */
char *blkdev_disk_name_guess(const char *dev);
/* Splits an LVM volume's device path into volume group and logical volume:
 * "/dev/mapper/rhel-root", "/dev/mapper/my--vg-lv" ("--" is "-"), or
 * "/dev/VG/LV". Returns false when the path has neither form; else *vg and
 * *lv are set (caller frees both). */
bool blkdev_lvm_split(const char *dev, char **vg, char **lv);
/* Reads the target's LVM metadata backup /etc/lvm/backup/VG and lists the
 * physical volumes logical volume LV uses (through mirror and RAID
 * sub-volumes too): their device hints go to pvdevs ("/dev/sda2", as LVM
 * last saw them) and the disks those names suggest to disks. Returns the
 * number of physical volumes, or -errno (-ENOENT: no backup for VG,
 * -ESRCH: no LV of that name, -EBADMSG: unreadable metadata). */
int blkdev_lvm_backup_pvs(struct target *t, const char *vg, const char *lv,
			  struct strvec *pvdevs, struct strvec *disks);

#endif
