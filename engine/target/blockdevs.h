/* blockdevs.h: the block devices of a machine as its own lsblk and blkid
 * print them, for a machine whose devices this one cannot open (one
 * reached over SSH): `lsblk -P` pairs (NAME="/dev/sda2" KNAME=... one
 * device a line, values with \xHH escapes) for the names, device numbers
 * and parents, and `blkid -o export` blocks (KEY=value lines, a blank line
 * between devices, shell-special characters after a backslash) for the
 * filesystems' TYPE, UUID and LABEL, which lsblk leaves empty where udev
 * keeps no database. Both outputs may come in one text: a line
 * BLOCKDEVS_SEPARATOR between them. Only text here: target_ssh.c runs the
 * programs. */
#ifndef ASR_BLOCKDEVS_H
#define ASR_BLOCKDEVS_H

#include <stdbool.h>
#include <stddef.h>

/* The line the remote command prints between lsblk's output and blkid's. */
#define BLOCKDEVS_SEPARATOR "--asr-doctor-blkid--"

/* One device, merged from both outputs. Strings owned; NULL when unknown
 * (an empty value counts as unknown). */
struct blockdev {
	char *name;      /* "/dev/sda2", "/dev/mapper/vg-root" (lsblk NAME, blkid DEVNAME) */
	char *kname;     /* "/dev/dm-0" (lsblk KNAME) */
	char *type;      /* lsblk TYPE: "disk", "part", "lvm", "loop" */
	char *pkname;    /* the parent's kernel name (lsblk PKNAME) */
	char *mountpoint; /* lsblk MOUNTPOINT */
	char *fstype;    /* blkid TYPE, else lsblk FSTYPE: "ext4", "swap" */
	char *uuid;      /* the filesystem's UUID */
	char *label;
	char *partuuid;
	bool has_devno;  /* major and minor known (lsblk MAJ:MIN) */
	unsigned major, minor;
};

struct blockdevs {
	struct blockdev *v; /* owned array */
	size_t n, cap;
};

/* Parses text (lsblk -P lines, then optionally BLOCKDEVS_SEPARATOR and
 * blkid -o export blocks; either alone also parses) into out (cleared
 * first): a blkid block is merged into the lsblk device of the same NAME
 * or KNAME, else added. Lines that are neither are skipped; a NUL byte
 * ends a line's use. Returns the number of devices. Never fails;
 * blockdevs_free. */
size_t blockdevs_parse(const char *text, size_t len, struct blockdevs *out);
void blockdevs_free(struct blockdevs *b);
/* The device named name (NAME or KNAME), or NULL. Borrowed. */
const struct blockdev *blockdevs_find(const struct blockdevs *b, const char *name);
/* The device with that number, or NULL. Borrowed. */
const struct blockdev *blockdevs_find_devno(const struct blockdevs *b, unsigned major,
					    unsigned minor);
/* Deep copy of src into dst (dst overwritten, not freed first). */
void blockdevs_copy(struct blockdevs *dst, const struct blockdevs *src);

#endif
