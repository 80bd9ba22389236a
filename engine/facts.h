/* facts.h: what a report says about the examined machine besides the
 * checks: host name, operating system, kernel, disks and mounts. Every
 * fact is read through the target (so a mounted root or a fixture works
 * like the local machine), and whatever cannot be read is "unknown", never
 * an error. Facts also travel as JSON (the "facts" member of a report) and
 * are read back from it for --replay. */
#ifndef ASR_FACTS_H
#define ASR_FACTS_H

#include <stdbool.h>
#include <stddef.h>

#include "engine/target/target.h"

/* The text of a fact that could not be read. */
#define FACTS_UNKNOWN "unknown"

/* One whole disk of /sys/block. */
struct fact_disk {
	char *name;      /* owned: kernel name ("sda", "nvme0n1") */
	long long size;  /* bytes (sysfs `size` * 512), -1 when unknown */
	char *model;     /* owned: device/model, "unknown" when absent */
	int removable;   /* 1 removable, 0 fixed, -1 unknown */
};

/* One line of the mount table (pseudo file systems left out). */
struct fact_mount {
	char *source;    /* owned: "/dev/sda1", "UUID=..." */
	char *dir;       /* owned: mount point ("none" for swap in fstab) */
	char *fstype;    /* owned */
};

/* Every string is owned and never NULL once gathered or read back. */
struct facts {
	char *hostname;
	char *hostname_from;  /* the file it came from, or "unknown" */
	char *os;             /* PRETTY_NAME (or NAME VERSION_ID) */
	char *os_id;          /* ID ("ubuntu"), "unknown" */
	char *os_version;     /* VERSION_ID, "unknown" */
	char *os_from;        /* "/etc/os-release", ... or "unknown" */
	char *kernel;         /* kernel release */
	char *kernel_from;    /* "/proc/sys/kernel/osrelease", "/lib/modules"... */
	struct fact_disk *disks;   /* owned array */
	size_t ndisks;
	char *disks_from;     /* "/sys/block", or "unknown" when there is none */
	struct fact_mount *mounts; /* owned array */
	size_t nmounts;
	char *mounts_from;    /* "/proc/mounts", "/etc/fstab" or "unknown" */
};

/* Reads the facts of target t into out (overwritten, not freed first).
 * Host name: /proc/sys/kernel/hostname then /etc/hostname on a live
 * target, the other way round on a mounted root. OS: os_detect(). Kernel:
 * os_kernel_version(). Disks: blkdev_list_disks() with size, model and
 * removable from sysfs. Mounts: /proc/mounts, else /etc/fstab, without
 * pseudo file systems. Never fails; free out with facts_free. Control
 * characters read from the machine are replaced by '?'. */
void facts_gather(struct target *t, struct facts *out);
/* Sets every fact to "unknown" (out overwritten); free with facts_free. */
void facts_unknown(struct facts *out);
/* Frees the contents of f (not f) and zeroes it; a zeroed f is fine. */
void facts_free(struct facts *f);

/* A size for people: "512 B", "64.0 GiB", or "unknown" for -1. Caller
 * frees. */
char *facts_size_text(long long bytes);

struct cJSON;
/* The "facts" object of a report (see README "report --json"). The caller
 * owns the returned tree (cJSON_Delete, or adds it to a parent). */
struct cJSON *facts_to_json(const struct facts *f);
/* Reads a "facts" object back into out (overwritten; members left out are
 * "unknown"). Returns 0, or -EINVAL with *cause (caller frees) naming the
 * member with the wrong type, e.g. "facts.disks[1].size_bytes: expected a
 * number"; out is then freed and zeroed. */
int facts_from_json(const struct cJSON *o, struct facts *out, char **cause);

#endif
