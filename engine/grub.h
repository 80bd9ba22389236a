/* grub.h: finds unstable device names (/dev/sda2, /dev/disk/by-path/...,
 * /dev/disk/by-id/...; the list is devname.h's) where UUIDs belong: the
 * root= and resume= parameters of every boot loader configuration a Linux
 * machine may carry (GRUB legacy menu.lst, grub.cfg and its UEFI copies,
 * /etc/default/grub, BLS entries, grubenv, /etc/kernel/cmdline),
 * GRUB_DISABLE_LINUX_UUID=true, and device names in /etc/fstab (ErrorID
 * 95320). Each finding carries the exact byte span of the device name, so
 * a fix can replace exactly that span with "UUID=<uuid>". */
#ifndef ASR_GRUB_H
#define ASR_GRUB_H

#include <stdbool.h>
#include <stddef.h>

#include "engine/blkdev.h"
#include "engine/devname.h"
#include "engine/target/target.h"
#include "engine/util/util.h"

/* What the device name stands for. */
enum grub_param {
	GRUB_PARAM_ROOT,         /* root=/dev/sda2 */
	GRUB_PARAM_RESUME,       /* resume=/dev/sda1 */
	GRUB_PARAM_FSTAB,        /* first field of an /etc/fstab line */
	GRUB_PARAM_DISABLE_UUID, /* GRUB_DISABLE_LINUX_UUID=true (no device) */
};

/* Which kind of file a finding is in (decides how it is parsed). */
enum grub_source {
	GRUB_SRC_LEGACY,   /* /boot/grub/menu.lst, grub.conf: `kernel` lines */
	GRUB_SRC_CFG,      /* grub.cfg: `linux`, `linux16`, `linuxefi` lines and
			    * `set kernelopts="..."` */
	GRUB_SRC_DEFAULT,  /* /etc/default/grub(.d): GRUB_CMDLINE_LINUX(_DEFAULT)= */
	GRUB_SRC_BLS,      /* /boot/loader/entries/ *.conf: `options` lines */
	GRUB_SRC_GRUBENV,  /* grubenv: kernelopts= */
	GRUB_SRC_CMDLINE,  /* /etc/kernel/cmdline: the whole file */
	GRUB_SRC_FSTAB,    /* /etc/fstab */
};

/* One device name where a UUID belongs. */
struct grub_finding {
	char *path;           /* owned: the file, as seen on the target */
	enum grub_source source;
	enum grub_param param;
	enum devname_kind kind; /* which unstable pattern device matches
				 * (DEVNAME_NONE for GRUB_PARAM_DISABLE_UUID) */
	int line;             /* 1-based line holding the device name's first byte */
	char *text;           /* owned: that whole line, without "\n" or "\r\n"
			       * (NUL bytes shown as '?') */
	size_t line_off;      /* byte offset of the line's first byte in the file */
	char *device;         /* owned: "/dev/sda2"; for GRUB_PARAM_DISABLE_UUID the
			       * variable's value ("true") */
	size_t start, end;    /* the device name is text[start, end); replacing
			       * that span with "UUID=<uuid>" fixes the line. For
			       * GRUB_PARAM_DISABLE_UUID: the value as written,
			       * quotes included */
	bool foreign;         /* in grub.cfg's os-prober section: a menu entry for
			       * another system */
	bool kernelopts;      /* in grub.cfg's `set kernelopts="..."` (RHEL 8, Fedora:
			       * the fallback when grubenv has no kernelopts) */
	bool exact;           /* text[start, end) is the device name byte for byte
			       * (false when shell quoting splits it, as in
			       * /dev/"sda"2: then replace by hand) */
	unsigned long long file_hash; /* FNV-1a of the whole file as scanned: a fix
				       * checks it before editing */
	struct blkdev_uuid id; /* the UUID found for device (GRUB_SCAN_UUID);
				* all zero when not looked up */
};

/* A file that was found and scanned. */
struct grub_file {
	char *path;           /* owned */
	enum grub_source source;
	int err;              /* 0: read and scanned; -errno: found, not readable */
	int params;           /* root= and resume= parameters seen */
	char *sample;         /* owned: the first root=... parameter seen, or NULL */
	int sample_line;      /* its line */
	unsigned long long hash; /* FNV-1a of the file */
};

/* Everything one scan found. */
struct grub_scan {
	struct grub_finding *f;  /* owned array, in file order */
	size_t n, cap;
	struct grub_file *files; /* owned array: boot configuration and fstab files read */
	size_t nfiles, fcap;
	struct strvec looked;    /* every path and pattern looked at, in order */
	struct strvec problems;  /* "path: reason" for files found but not (fully) read */
	bool fstab_found;        /* /etc/fstab was read */
	bool disable_uuid;       /* the effective GRUB_DISABLE_LINUX_UUID is true */
	char *identity;          /* owned: on a mounted root, what the UUIDs were tied
				  * to (rootid_describe); NULL elsewhere */
};

#define GRUB_SCAN_BOOT 1u  /* boot loader configuration */
#define GRUB_SCAN_FSTAB 2u /* /etc/fstab */
#define GRUB_SCAN_UUID 4u  /* look up the UUID of each device found */

/* Scans the target's files (flags: GRUB_SCAN_*). Never NULL; files that do
 * not exist are only listed in looked. Caller frees with grub_scan_free. */
struct grub_scan *grub_scan(struct target *t, unsigned flags);
void grub_scan_free(struct grub_scan *s);
/* Scans one file's contents, as grub_scan does for the file at path of the
 * given kind; for tests and fuzzing. data need not be NUL-terminated.
 * GRUB_SRC_DEFAULT files also update s->disable_uuid and its finding (call
 * them in the order the shell reads them). */
void grub_scan_data(struct grub_scan *s, const char *path, enum grub_source source,
		    const char *data, size_t len);
/* Looks up the UUID of every finding that has a device: on a live machine
 * by probing it (caching repeated devices); on a mounted root only through
 * the root's own identity (rootid.h): never its /dev, never a device that
 * is not tied to the root, never an os-prober entry's. */
void grub_scan_lookup_uuids(struct grub_scan *s, struct target *t);
/* A new, empty scan (for grub_scan_data). */
struct grub_scan *grub_scan_new(void);

/* "root", "resume", "fstab", "GRUB_DISABLE_LINUX_UUID". */
const char *grub_param_name(enum grub_param p);

#endif
