/* rootid.h: which filesystems are the examined root's own, on a mounted
 * root (--root DIR). The root's /dev and /sys are never trusted for
 * identity: a /dev bind-mounted from the rescue machine (or device nodes
 * copied onto the disk) opens the rescue machine's disks, and a sysfs at
 * ROOT/sys is always the running (rescue) kernel's. What is trusted: the
 * host's own mount table (/proc/self/mountinfo) for what is mounted at the
 * root folder and below, the host's device node of each such mount probed
 * with libblkid's low-level probe, and the root's /etc/fstab for which of
 * the examined machine's device names those mounts are. A root mounted on
 * a machine reached over SSH is judged the same way on that machine: its
 * mount table, and its own lsblk and blkid for the devices (never this
 * machine's nodes of the same numbers).
 *
 * A device name written on the examined root gets a UUID only when it can
 * be tied to that root: it is the device fstab mounts at a mount point
 * that is mounted here (UUID read from the host's device), or it is the
 * root's own root (or resume) device and fstab names that filesystem by
 * UUID=. Anything else is left unknown, with the reason. */
#ifndef ASR_ROOTID_H
#define ASR_ROOTID_H

#include <stdbool.h>
#include <stddef.h>

#include "engine/blkdev.h"
#include "engine/target/target.h"

/* One mount of the host at or below the root folder. */
struct rootid_mount {
	char *dir;        /* owned: the mount point as the examined machine sees it ("/", "/boot") */
	char *source;     /* owned: the source the host's mount table names ("/dev/sdc2") */
	char *fstype;     /* owned */
	unsigned major, minor;
	char *probed;     /* owned: the host path libblkid read, or NULL */
	char *how;        /* owned: how its UUID was read, for evidence ("libblkid probe
			   * of /dev/sdc2", "sdc2 (lsblk and blkid on root@h:22)"), or NULL */
	char *uuid;       /* owned: its filesystem UUID, or NULL */
	char *type;       /* owned: its filesystem type per libblkid, or NULL */
	char *label;      /* owned: its label, or NULL */
	char *why;        /* owned: why there is no UUID; NULL when there is one */
};

/* What is known about the examined root's identity. */
struct rootid {
	char *folder;             /* owned: the root folder on the host ("/mnt/sysimage") */
	char *mountinfo_path;     /* owned: the mount table read */
	int mountinfo_err;        /* 0, or -errno reading it */
	struct rootid_mount *m;   /* owned array: one per mount point (the last mount wins) */
	size_t n, cap;
	bool remote;              /* the root is on another machine, reached over a
				   * link: its mounts are that machine's, not this one's */
	bool host_sys;            /* ROOT/sys is the host's sysfs */
	bool host_proc;           /* ROOT/proc is the host's procfs */
	bool host_dev;            /* ROOT/dev is the host's /dev */
	struct strvec host_why;   /* how each host_* was told, one line each */
	struct blkdev_mounts fstab; /* the root's /etc/fstab */
	int fstab_err;            /* 0, or -errno reading it */
};

/* The host's mount table to read: $ASR_DOCTOR_MOUNTINFO when set (a test
 * hook: a recorded mountinfo), else /proc/self/mountinfo. Static or
 * environment string. */
const char *rootid_mountinfo_path(void);
/* Builds the identity of target t's root folder from a mount table's text
 * (/proc/self/mountinfo format; path names it in evidence): the mounts at
 * and below the folder, each block device among them probed, whether
 * ROOT/sys, ROOT/proc and ROOT/dev are the host's, and the root's fstab.
 * text may be NULL (mountinfo_err then says why). out is always
 * initialised; caller frees with rootid_free. */
void rootid_build(struct rootid *out, struct target *t, const char *path, const char *text,
		  size_t len);
/* rootid_build on rootid_mountinfo_path()'s contents. */
void rootid_load(struct rootid *out, struct target *t);
void rootid_free(struct rootid *id);
/* The host's mount at target path dir ("/", "/boot"), or NULL. Borrowed. */
const struct rootid_mount *rootid_mount_at(const struct rootid *id, const char *dir);
/* One line saying what the root's identity rests on, in the user's
 * language ("/mnt/sysimage is mounted from /dev/sdc2 (xfs, UUID ...), per
 * /proc/self/mountinfo; its /dev is not used for identity"). Caller frees. */
char *rootid_describe(const struct rootid *id);

/* Finds the UUID of device name dev written on the examined root.
 * role: BLKDEV_ROLE_ROOT for root=, BLKDEV_ROLE_SWAP for resume=,
 * BLKDEV_ROLE_ANY for the first field of fstab line fstab_line (1-based).
 * own: the one device name the root's own boot entries give for this role
 * (root= or resume=), or NULL when they name none or several. Returns 0
 * with out->uuid set, or -ENOENT with out->why; out is always filled;
 * caller frees it with blkdev_uuid_free. */
int rootid_uuid(const struct rootid *id, const char *dev, enum blkdev_role role, int fstab_line,
		const char *own, struct blkdev_uuid *out);

#endif
