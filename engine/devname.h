/* devname.h: the one list of the ways a Linux configuration names a block
 * device (root=, resume=, the first field of /etc/fstab, a mount source),
 * each marked stable or not across a failover to Azure. The GRUB scanner,
 * the fstab check and the disk checks all classify names here, so they
 * cannot disagree.
 *
 * Stable: UUID=, LABEL=, PARTUUID=, PARTLABEL=; /dev/disk/by-uuid,
 * by-label, by-partuuid, by-partlabel links; /dev/mapper names and LVM's
 * /dev/VG/LV. Unstable: kernel names (/dev/sdX, hdX, vdX, xvdX,
 * nvmeXnY[pZ], mmcblkX[pY]: numbered in the order the kernel finds the
 * disks), /dev/disk/by-path (the controller path, which is new on the
 * failed-over machine) and /dev/disk/by-id (the disk's model and serial,
 * which are new too). Anything else under /dev (md0, dm-0, sr0) is a
 * device but neither judged stable nor flagged. */
#ifndef ASR_DEVNAME_H
#define ASR_DEVNAME_H

#include <stdbool.h>
#include <stddef.h>

enum devname_kind {
	DEVNAME_NONE,      /* not a block device name ("overlay", "tmpfs", "none", "") */
	DEVNAME_TAG,       /* UUID=, LABEL=, PARTUUID=, PARTLABEL= (stable) */
	DEVNAME_BY_STABLE, /* /dev/disk/by-uuid|by-label|by-partuuid|by-partlabel/X (stable) */
	DEVNAME_LVM,       /* /dev/mapper/NAME or /dev/VG/LV (stable) */
	DEVNAME_KERNEL,    /* /dev/sda2, /dev/nvme0n1p2, /dev/mmcblk0p1... (unstable) */
	DEVNAME_BY_PATH,   /* /dev/disk/by-path/X (unstable) */
	DEVNAME_BY_ID,     /* /dev/disk/by-id/X (unstable) */
	DEVNAME_OTHER_DEV, /* any other /dev/ name: /dev/md0, /dev/dm-0, /dev/sr0 */
};

/* Classifies s[0..n) (need not be NUL-terminated). Never fails. */
enum devname_kind devname_kind(const char *s, size_t n);
/* devname_kind of a NUL-terminated string. */
enum devname_kind devname_kind_str(const char *s);
/* Whether a name of this kind may name another device after a failover
 * (DEVNAME_KERNEL, DEVNAME_BY_PATH, DEVNAME_BY_ID). */
bool devname_unstable(enum devname_kind k);
/* Whether a name of this kind names a block device at all (tags included). */
bool devname_is_block(enum devname_kind k);
/* Why a name of an unstable kind changes on a failover, one phrase in the
 * user's language; NULL for the other kinds. Static string. */
const char *devname_why_unstable(enum devname_kind k);
/* The unstable patterns as one line for evidence ("/dev/sdX, ..."). Static. */
const char *devname_unstable_list(void);
/* Splits a kernel device name ("sda2", "/dev/nvme0n1p2", "mmcblk0p1")
 * into its disk and partition: *disk_len is the length of the disk's name
 * after any "/dev/" ("sda", "nvme0n1", "mmcblk0") and *part the partition
 * number (0 for a whole disk). Returns false when name is not a kernel
 * disk or partition name. */
bool devname_kernel_split(const char *name, size_t *disk_len, int *part);

#endif
