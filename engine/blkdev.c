/* blkdev.c: block devices of the examined machine: libblkid's low-level
 * probe for filesystem identity and partition tables, the first sector for
 * boot code, sysfs for the way volumes stack on disks, the mount table, and
 * LVM metadata backups. Everything on the examined machine is reached
 * through the target (files, folders, realpath) or, for libblkid and the
 * first sector, through the target's host path of a device. */
#include "engine/blkdev.h"

#include <blkid.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "engine/util/msg.h"
#include "engine/devname.h"
#include "engine/target/blockdevs.h"

/* ---- small helpers ----------------------------------------------------------- */

/* Checks that host is something libblkid may open without blocking: a
 * block device or a regular file (never a FIFO or a terminal). */
static int probe_kind(const char *host, char **cause)
{
	struct stat st;
	if (stat(host, &st) < 0) {
		int e = errno;
		if (cause)
			*cause = e == ENOENT ? xasprintf(T("%s does not exist", "%s 不存在"), host)
					     : xasprintf(T("cannot open %s: %s", "无法打开 %s：%s"),
							 host, strerror(e));
		return -e;
	}
	if (!S_ISBLK(st.st_mode) && !S_ISREG(st.st_mode)) {
		if (cause)
			*cause = xasprintf(T("%s is neither a block device nor a disk image",
					     "%s 既不是块设备也不是磁盘映像"),
					   host);
		return -EINVAL;
	}
	return 0;
}

/* A copy of a libblkid value, or NULL when it is missing or empty. */
static char *dup_value(blkid_probe pr, const char *name)
{
	const char *v = NULL;
	if (blkid_probe_lookup_value(pr, name, &v, NULL) == 0 && v && *v)
		return xstrdup(v);
	return NULL;
}

/* A name safe to put into a sysfs or /dev path: no slash, not "." or "..". */
static bool safe_name(const char *s)
{
	return s && *s && !strchr(s, '/') && strcmp(s, ".") != 0 && strcmp(s, "..") != 0;
}

/* The last path component of p, as a new string. */
static char *base_name(const char *p)
{
	const char *s = strrchr(p, '/');
	return xstrdup(s ? s + 1 : p);
}

/* Reads a small sysfs attribute, trimmed; NULL when it cannot be read. */
static char *sys_attr(struct target *t, const char *fmt, const char *name)
{
	char *path = xasprintf(fmt, name);
	char *data = NULL;
	int rc = target_read(t, path, &data, NULL);
	free(path);
	if (rc < 0)
		return NULL;
	char *v = xstrdup(str_trim(data));
	free(data);
	return v;
}

/* ---- filesystem identity ------------------------------------------------------- */

/* Frees the probe values and clears the struct. */
void blkdev_info_free(struct blkdev_info *i)
{
	free(i->uuid);
	free(i->type);
	free(i->label);
	memset(i, 0, sizeof *i);
}

/* Superblock probe only (partitions off), bypassing the blkid cache. */
int blkdev_probe_path(const char *host_path, struct blkdev_info *out, char **cause)
{
	memset(out, 0, sizeof *out);
	int rc = probe_kind(host_path, cause);
	if (rc < 0)
		return rc;
	errno = 0;
	blkid_probe pr = blkid_new_probe_from_filename(host_path);
	if (!pr) {
		int e = errno ? errno : EIO;
		if (cause)
			*cause = xasprintf(T("cannot open %s: %s", "无法打开 %s：%s"), host_path,
					   strerror(e));
		return -e;
	}
	blkid_probe_enable_superblocks(pr, 1);
	blkid_probe_set_superblocks_flags(pr, BLKID_SUBLKS_UUID | BLKID_SUBLKS_TYPE |
						      BLKID_SUBLKS_LABEL);
	blkid_probe_enable_partitions(pr, 0);
	int r = blkid_do_safeprobe(pr);
	if (r == 0) {
		out->uuid = dup_value(pr, "UUID");
		out->type = dup_value(pr, "TYPE");
		out->label = dup_value(pr, "LABEL");
		rc = 0;
	} else if (r == 1) {
		rc = 1;
	} else if (r == -2) {
		if (cause)
			*cause = xasprintf(T("%s carries several conflicting signatures",
					     "%s 上有多个相互冲突的签名"),
					   host_path);
		rc = -EEXIST;
	} else {
		if (cause)
			*cause = xasprintf(T("libblkid could not probe %s", "libblkid 无法探测 %s"),
					   host_path);
		rc = -EIO;
	}
	blkid_free_probe(pr);
	return rc;
}

/* dev among the machine's own lsblk/blkid devices: by its name, else by
 * the name its links resolve to there (/dev/disk/by-uuid/..., a
 * /dev/mapper name that lsblk lists as /dev/dm-N). Only on a live
 * machine: a mounted root's device names are not the machine's that
 * holds it. Returns 0 with *out filled (its strings copied) and *source
 * (caller frees), -ENOENT when no device of that name is listed, or
 * -ENOTSUP when the machine's devices are not known that way. */
static int listed_device(struct target *t, const char *dev, struct blkdev_info *out,
			 char **source)
{
	memset(out, 0, sizeof *out);
	*source = NULL;
	if (!t->live)
		return -ENOTSUP;
	struct blockdevs b;
	char *src = NULL;
	int rc = target_block_devices(t, &b, &src);
	if (rc < 0)
		return rc;
	const struct blockdev *d = blockdevs_find(&b, dev);
	char *real = NULL;
	if (!d && target_realpath(t, dev, &real) == 0)
		d = blockdevs_find(&b, real);
	free(real);
	if (d) {
		out->uuid = d->uuid ? xstrdup(d->uuid) : NULL;
		out->type = d->fstype ? xstrdup(d->fstype) : NULL;
		out->label = d->label ? xstrdup(d->label) : NULL;
		*source = src;
		src = NULL;
	}
	free(src);
	blockdevs_free(&b);
	return d ? 0 : -ENOENT;
}

/* Maps the device to its host path and probes it; on a machine whose
 * devices cannot be opened from here, its own lsblk and blkid say. */
int blkdev_probe(struct target *t, const char *dev, struct blkdev_info *out, char **cause)
{
	memset(out, 0, sizeof *out);
	char *host = target_host_path(t, dev);
	char *source = NULL;
	int lrc = host ? -ENOTSUP : listed_device(t, dev, out, &source);
	if (lrc == 0) {
		free(source);
		return out->type ? 0 : 1;
	}
	if (lrc == -ENOENT) {
		if (cause)
			*cause = xasprintf(T("%s is not among the machine's block devices",
					     "%s 不在该机器的块设备中"),
					   dev);
		return -ENOENT;
	}
	if (!host) {
		if (cause)
			*cause = xasprintf(T("%s cannot be read from here (no local path)",
					     "无法从此处读取 %s（没有本地路径）"),
					   dev);
		return -ENOTSUP;
	}
	int rc = blkdev_probe_path(host, out, cause);
	free(host);
	return rc;
}

/* Frees a UUID answer and clears the struct. */
void blkdev_uuid_free(struct blkdev_uuid *u)
{
	free(u->uuid);
	free(u->type);
	free(u->source);
	free(u->path);
	free(u->why);
	memset(u, 0, sizeof *u);
}

/* A copy of s, or NULL for NULL. */
static char *dup_or_null(const char *s)
{
	return s ? xstrdup(s) : NULL;
}

/* Copies every owned string of src. */
void blkdev_uuid_copy(struct blkdev_uuid *dst, const struct blkdev_uuid *src)
{
	*dst = (struct blkdev_uuid){
		.origin = src->origin,
		.uuid = dup_or_null(src->uuid),
		.type = dup_or_null(src->type),
		.source = dup_or_null(src->source),
		.path = dup_or_null(src->path),
		.line = src->line,
		.why = dup_or_null(src->why),
	};
}

/* A tag value without surrounding double quotes (UUID="..." is allowed). */
static char *tag_value(const char *v)
{
	size_t n = strlen(v);
	if (n >= 2 && v[0] == '"' && v[n - 1] == '"')
		return xstrndup(v + 1, n - 2);
	return xstrdup(v);
}

/* Step 2 of a UUID lookup: a /dev/disk/by-uuid link resolving to dev. */
static bool uuid_from_links(struct target *t, const char *dev, struct blkdev_uuid *out,
			    struct sbuf *why)
{
	struct strvec names = { 0 };
	if (target_list(t, "/dev/disk/by-uuid", &names) < 0) {
		sb_printf(why, "; %s",
			  T("no /dev/disk/by-uuid links", "没有 /dev/disk/by-uuid 链接"));
		return false;
	}
	char *real = NULL;
	if (target_realpath(t, dev, &real) < 0)
		real = xstrdup(dev);
	bool found = false;
	for (size_t i = 0; i < names.n && !found; i++) {
		char *link = xasprintf("/dev/disk/by-uuid/%s", names.v[i]);
		char *to = NULL;
		if (target_realpath(t, link, &to) == 0 && strcmp(to, real) == 0) {
			out->origin = BLKDEV_ORIGIN_BYUUID;
			out->uuid = xstrdup(names.v[i]);
			out->source = xasprintf(T("the link %s points at %s", "链接 %s 指向 %s"),
						link, real);
			found = true;
		}
		free(to);
		free(link);
	}
	if (!found)
		sb_printf(why, "; %s",
			  T("no /dev/disk/by-uuid link points at it",
			    "没有 /dev/disk/by-uuid 链接指向它"));
	free(real);
	sv_free(&names);
	return found;
}

/* Tries the probe and the by-uuid links in turn, collecting why each failed. */
int blkdev_uuid_lookup(struct target *t, const char *dev, enum blkdev_role role,
		       struct blkdev_uuid *out)
{
	memset(out, 0, sizeof *out);
	struct sbuf why = { 0 };
	char *host = target_host_path(t, dev);
	if (host) {
		struct blkdev_info inf;
		char *cause = NULL;
		int rc = blkdev_probe_path(host, &inf, &cause);
		if (rc == 0 && inf.uuid) {
			out->origin = BLKDEV_ORIGIN_PROBE;
			out->uuid = inf.uuid;
			out->type = inf.type;
			inf.uuid = inf.type = NULL;
			out->source =
				xasprintf(T("libblkid probe of %s", "libblkid 探测 %s"), host);
			blkdev_info_free(&inf);
			free(host);
			return 0;
		}
		if (rc == 0)
			sb_printf(&why, T("%s holds %s without a UUID", "%s 上的 %s 没有 UUID"),
				  host, inf.type ? inf.type : "?");
		else if (rc == 1)
			sb_printf(&why,
				  T("libblkid found no filesystem or swap on %s",
				    "libblkid 在 %s 上没有找到文件系统或 swap"),
				  host);
		else
			sb_printf(&why, "%s%s", cause,
				  rc == -ENOENT && !t->live
					  ? T(" (the /dev of a mounted root is usually empty)",
					      "（挂载的根目录中的 /dev 通常是空的）")
				  : rc == -EACCES ? T(" (run as root)", "（请以 root 身份运行）")
						  : "");
		free(cause);
		blkdev_info_free(&inf);
		free(host);
	} else {
		/* A machine over SSH: its own lsblk and blkid. */
		struct blkdev_info inf;
		char *source = NULL;
		int rc = listed_device(t, dev, &inf, &source);
		if (rc == 0 && inf.uuid) {
			out->origin = BLKDEV_ORIGIN_PROBE;
			out->uuid = inf.uuid;
			out->type = inf.type;
			inf.uuid = inf.type = NULL;
			out->source = xasprintf(T("%s: %s", "%s：%s"), source, dev);
			blkdev_info_free(&inf);
			free(source);
			return 0;
		}
		if (rc == 0 && inf.type)
			sb_printf(&why, T("%s show %s without a UUID on %s",
					  "%1$s 显示 %3$s 上的 %2$s 没有 UUID"),
				  source, inf.type, dev);
		else if (rc == 0)
			sb_printf(&why, T("%s find no filesystem or swap on %s",
					  "%s 在 %s 上没有找到文件系统或 swap"),
				  source, dev);
		else if (rc == -ENOENT)
			sb_printf(&why, T("%s is not among the machine's block devices (lsblk, blkid)",
					  "%s 不在该机器的块设备中（lsblk、blkid）"),
				  dev);
		else
			sb_printf(&why, T("%s cannot be probed from here", "无法从此处探测 %s"), dev);
		blkdev_info_free(&inf);
		free(source);
	}
	(void)role;
	if (uuid_from_links(t, dev, out, &why)) {
		sb_free(&why);
		return 0;
	}
	out->origin = BLKDEV_ORIGIN_NONE;
	out->why = sb_steal(&why);
	return -ENOENT;
}

/* ---- the mount table ------------------------------------------------------------- */

/* A field of fstab or /proc/mounts with \ooo octal escapes undone. */
char *blkdev_unescape(const char *s, size_t n)
{
	struct sbuf b = { 0 };
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\\' && n - i > 3 && s[i + 1] >= '0' && s[i + 1] <= '3' &&
		    s[i + 2] >= '0' && s[i + 2] <= '7' && s[i + 3] >= '0' && s[i + 3] <= '7') {
			sb_addc(&b, (char)((s[i + 1] - '0') * 64 + (s[i + 2] - '0') * 8 +
					   (s[i + 3] - '0')));
			i += 3;
		} else {
			sb_addc(&b, s[i]);
		}
	}
	return sb_steal(&b);
}

/* Frees every entry and the table. */
void blkdev_mounts_free(struct blkdev_mounts *m)
{
	for (size_t i = 0; i < m->n; i++) {
		free(m->e[i].source);
		free(m->e[i].dir);
		free(m->e[i].fstype);
		free(m->e[i].opts);
	}
	free(m->e);
	free(m->path);
	memset(m, 0, sizeof *m);
}

/* Parses whitespace-separated fields line by line; comments, blank and one-field lines are skipped. */
int blkdev_mounts_read(struct target *t, const char *path, struct blkdev_mounts *out)
{
	memset(out, 0, sizeof *out);
	out->path = xstrdup(path);
	out->fstab = !str_ends(path, "/mounts");
	char *data = NULL;
	size_t len = 0;
	int rc = target_read(t, path, &data, &len);
	if (rc < 0)
		return rc;
	int ln = 0;
	for (size_t pos = 0; pos < len;) {
		const char *line = data + pos;
		const char *nl = memchr(line, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - line) : len - pos;
		pos += n + 1;
		ln++;
		if (memchr(line, '\0', n))
			continue; /* binary junk: not a mount line */
		const char *f[4];
		size_t fl[4];
		int nf = 0;
		size_t i = 0;
		while (i < n && nf < 4) {
			while (i < n && (line[i] == ' ' || line[i] == '\t' || line[i] == '\r'))
				i++;
			if (i >= n || (nf == 0 && line[i] == '#'))
				break;
			size_t s = i;
			while (i < n && line[i] != ' ' && line[i] != '\t' && line[i] != '\r')
				i++;
			f[nf] = line + s;
			fl[nf++] = i - s;
		}
		if (nf < 2)
			continue;
		out->e = xgrow(out->e, &out->cap, out->n + 1, sizeof *out->e);
		struct blkdev_mount *e = &out->e[out->n++];
		e->source = blkdev_unescape(f[0], fl[0]);
		e->dir = blkdev_unescape(f[1], fl[1]);
		size_t dl = strlen(e->dir);
		while (dl > 1 && e->dir[dl - 1] == '/')
			e->dir[--dl] = '\0';
		e->fstype = nf > 2 ? blkdev_unescape(f[2], fl[2]) : xstrdup("auto");
		e->opts = nf > 3 ? blkdev_unescape(f[3], fl[3]) : xstrdup("defaults");
		e->line = ln;
	}
	free(data);
	return 0;
}

/* Prefers what is mounted now over what fstab asks for. */
int blkdev_mounts_load(struct target *t, struct blkdev_mounts *out)
{
	int rc = -ENOENT;
	if (t->live || target_exists(t, "/proc/mounts")) {
		rc = blkdev_mounts_read(t, "/proc/mounts", out);
		if (rc == 0 && out->n > 0)
			return 0;
		blkdev_mounts_free(out);
	}
	rc = blkdev_mounts_read(t, "/etc/fstab", out);
	return rc;
}

/* The last matching entry wins, as it does for the kernel. */
const struct blkdev_mount *blkdev_mounts_find(const struct blkdev_mounts *m, const char *dir)
{
	const struct blkdev_mount *found = NULL;
	for (size_t i = 0; i < m->n; i++) {
		const struct blkdev_mount *e = &m->e[i];
		if (strcmp(e->dir, dir) != 0)
			continue;
		if (!m->fstab &&
		    (strcmp(e->source, "rootfs") == 0 || strcmp(e->fstype, "rootfs") == 0))
			continue;
		found = e;
	}
	return found;
}

/* ---- disks and partition tables ---------------------------------------------------- */

/* Frees a disk description and its partitions. */
void blkdev_disk_free(struct blkdev_disk *d)
{
	for (size_t i = 0; i < d->nparts; i++) {
		free(d->parts[i].type);
		free(d->parts[i].uuid);
		free(d->parts[i].name);
	}
	free(d->parts);
	free(d->name);
	free(d->pttype);
	free(d->fstype);
	free(d->loader);
	memset(d, 0, sizeof *d);
}

#define GUID_ESP "c12a7328-f81f-11d2-ba4b-00a0c93ec93b"
#define GUID_BIOS_BOOT "21686148-6453-6e6f-744e-656564454649"

/* Reads the first sector: the MBR signature, boot code and whose it is. */
static int read_first_sector(const char *host, struct blkdev_disk *d, char **cause)
{
	int fd = open(host, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	if (fd < 0) {
		int e = errno;
		if (cause)
			*cause = xasprintf(T("cannot open %s: %s", "无法打开 %s：%s"), host,
					   strerror(e));
		return -e;
	}
	unsigned char s[512];
	ssize_t n = pread(fd, s, sizeof s, 0);
	int e = errno;
	close(fd);
	if (n < 0) {
		if (cause)
			*cause = xasprintf(T("cannot read %s: %s", "无法读取 %s：%s"), host,
					   strerror(e));
		return -e;
	}
	if (n < (ssize_t)sizeof s)
		return 0; /* shorter than a sector: nothing to see */
	d->mbr_signature = s[510] == 0x55 && s[511] == 0xAA;
	bool code = false;
	for (size_t i = 0; i < 440; i++)
		code = code || s[i] != 0;
	d->boot_code = d->mbr_signature && code;
	if (d->boot_code) {
		static const struct {
			const char *needle, *name;
		} known[] = { { "GRUB", "GRUB" },
			      { "LILO", "LILO" },
			      { "Invalid partition table", "Windows" } };
		for (size_t k = 0; k < ARRAY_LEN(known) && !d->loader; k++)
			if (memmem(s, 440, known[k].needle, strlen(known[k].needle)))
				d->loader = xstrdup(known[k].name);
	}
	return 0;
}

/* Reads the first sector, then the partition table; a whole-disk filesystem when there is none. */
int blkdev_disk_probe_path(const char *host_path, struct blkdev_disk *out, char **cause)
{
	memset(out, 0, sizeof *out);
	out->name = xstrdup(host_path);
	int rc = probe_kind(host_path, cause);
	if (rc < 0)
		return rc;
	rc = read_first_sector(host_path, out, cause);
	if (rc < 0)
		return rc;
	errno = 0;
	blkid_probe pr = blkid_new_probe_from_filename(host_path);
	if (!pr) {
		int e = errno ? errno : EIO;
		if (cause)
			*cause = xasprintf(T("cannot open %s: %s", "无法打开 %s：%s"), host_path,
					   strerror(e));
		return -e;
	}
	blkid_probe_enable_superblocks(pr, 0);
	blkid_probe_enable_partitions(pr, 1);
	blkid_probe_set_partitions_flags(pr, BLKID_PARTS_ENTRY_DETAILS);
	blkid_partlist ls = blkid_probe_get_partitions(pr);
	blkid_parttable tab = ls ? blkid_partlist_get_table(ls) : NULL;
	if (tab) {
		const char *ty = blkid_parttable_get_type(tab);
		out->pttype = xstrdup(ty ? ty : "?");
		int np = blkid_partlist_numof_partitions(ls);
		for (int i = 0; i < np; i++) {
			blkid_partition p = blkid_partlist_get_partition(ls, i);
			if (!p)
				continue;
			out->parts = xrealloc(out->parts, (out->nparts + 1) * sizeof *out->parts);
			struct blkdev_part *bp = &out->parts[out->nparts++];
			memset(bp, 0, sizeof *bp);
			bp->no = blkid_partition_get_partno(p);
			bp->start = (unsigned long long)blkid_partition_get_start(p);
			bp->size = (unsigned long long)blkid_partition_get_size(p);
			bp->flags = blkid_partition_get_flags(p);
			const char *ts = blkid_partition_get_type_string(p);
			if (ts && *ts) {
				bp->type = xstrdup(ts);
				for (char *c = bp->type; *c; c++)
					*c = (char)tolower((unsigned char)*c);
			} else {
				bp->type = xasprintf("0x%02x", blkid_partition_get_type(p));
			}
			bp->uuid = dup_or_null(blkid_partition_get_uuid(p));
			const char *nm = blkid_partition_get_name(p);
			bp->name = nm && *nm ? xstrdup(nm) : NULL;
			bool dos = strcmp(out->pttype, "dos") == 0;
			if (!out->esp_part && (strcmp(bp->type, GUID_ESP) == 0 ||
					       (dos && strcmp(bp->type, "0xef") == 0)))
				out->esp_part = bp->no;
			if (!out->bios_boot_part && strcmp(bp->type, GUID_BIOS_BOOT) == 0)
				out->bios_boot_part = bp->no;
			if (!out->active_part && dos && (bp->flags & 0x80))
				out->active_part = bp->no;
		}
	}
	blkid_free_probe(pr);
	if (!out->pttype) {
		struct blkdev_info inf;
		if (blkdev_probe_path(host_path, &inf, NULL) == 0 && inf.type)
			out->fstype = xstrdup(inf.type);
		blkdev_info_free(&inf);
	}
	return 0;
}

/* Probes /dev/NAME at the target's host path. */
int blkdev_disk_probe(struct target *t, const char *name, struct blkdev_disk *out, char **cause)
{
	memset(out, 0, sizeof *out);
	if (!safe_name(name)) {
		out->name = xstrdup(name ? name : "");
		if (cause)
			*cause = xasprintf(T("not a disk name: %s", "不是磁盘名：%s"), out->name);
		return -EINVAL;
	}
	char *dev = xasprintf("/dev/%s", name);
	char *host = target_host_path(t, dev);
	free(dev);
	if (!host) {
		out->name = xstrdup(name);
		if (cause)
			*cause = xasprintf(
				T("/dev/%s cannot be read from here", "无法从此处读取 /dev/%s"),
				name);
		return -ENOTSUP;
	}
	int rc = blkdev_disk_probe_path(host, out, cause);
	free(out->name);
	out->name = xstrdup(name);
	free(host);
	return rc;
}

/* Grades the boot loader marks of a disk. */
int blkdev_disk_boot_marks(const struct blkdev_disk *d)
{
	bool strong_code =
		d->loader && (strcmp(d->loader, "GRUB") == 0 || strcmp(d->loader, "LILO") == 0);
	if (strong_code || d->esp_part || d->bios_boot_part)
		return 2;
	if (d->boot_code || d->active_part)
		return 1;
	return 0;
}

/* Joins the partition table and boot marks into one line. */
char *blkdev_disk_describe(const struct blkdev_disk *d)
{
	struct sbuf b = { 0 };
	if (d->pttype)
		sb_printf(&b, T("%s partition table, %zu partition(s)", "%s 分区表，%zu 个分区"),
			  d->pttype, d->nparts);
	else if (d->fstype)
		sb_printf(&b,
			  T("no partition table (%s on the whole disk)",
			    "没有分区表（整个磁盘是 %s）"),
			  d->fstype);
	else
		sb_add(&b, T("no partition table", "没有分区表"));
	if (d->boot_code) {
		if (d->loader)
			sb_printf(&b,
				  T("; %s boot code in the first sector",
				    "；第一个扇区中有 %s 引导代码"),
				  d->loader);
		else
			sb_add(&b,
			       T("; boot code in the first sector", "；第一个扇区中有引导代码"));
	}
	if (d->esp_part)
		sb_printf(&b, T("; EFI system partition %d", "；EFI 系统分区 %d"), d->esp_part);
	if (d->bios_boot_part)
		sb_printf(&b, T("; BIOS boot partition %d", "；BIOS 引导分区 %d"),
			  d->bios_boot_part);
	if (d->active_part)
		sb_printf(&b, T("; active partition %d", "；活动分区 %d"), d->active_part);
	if (!blkdev_disk_boot_marks(d))
		sb_add(&b, T("; no boot loader", "；没有引导程序"));
	return sb_steal(&b);
}

/* ---- sysfs ----------------------------------------------------------------------------- */

/* True when /sys/block lists anything. */
bool blkdev_have_sysfs(struct target *t)
{
	struct strvec v = { 0 };
	bool ok = target_list(t, "/sys/block", &v) == 0 && v.n > 0;
	sv_free(&v);
	return ok;
}

/* Lists /sys/block without virtual and empty devices. */
int blkdev_list_disks(struct target *t, struct strvec *out)
{
	static const char *const skip[] = { "loop", "ram", "zram", "dm-", "md", "sr", "fd", "nbd" };
	struct strvec v = { 0 };
	int rc = target_list(t, "/sys/block", &v);
	if (rc < 0)
		return rc;
	int n = 0;
	for (size_t i = 0; i < v.n; i++) {
		bool virt = false;
		for (size_t k = 0; k < ARRAY_LEN(skip) && !virt; k++)
			virt = str_starts(v.v[i], skip[k]);
		if (virt || !safe_name(v.v[i]))
			continue;
		char *size = sys_attr(t, "/sys/block/%s/size", v.v[i]);
		bool empty = size && strcmp(size, "0") == 0;
		free(size);
		if (empty)
			continue;
		sv_push(out, v.v[i]);
		n++;
	}
	sv_free(&v);
	return n;
}

/* The disk a partition belongs to, or NULL when name is not a partition. */
static char *part_parent(struct target *t, const char *name)
{
	if (!safe_name(name))
		return NULL;
	char *attr = xasprintf("/sys/class/block/%s/partition", name);
	bool is_part = target_exists(t, attr);
	free(attr);
	if (is_part) {
		char *link = xasprintf("/sys/class/block/%s", name);
		char *real = NULL;
		int rc = target_realpath(t, link, &real);
		free(link);
		if (rc == 0) {
			char *slash = strrchr(real, '/');
			char *parent = NULL;
			if (slash && slash != real) {
				*slash = '\0';
				parent = base_name(real);
			}
			free(real);
			if (parent && safe_name(parent))
				return parent;
			free(parent);
		}
	}
	/* Without /sys/class/block: look for /sys/block/DISK/NAME/partition. */
	struct strvec disks = { 0 };
	char *found = NULL;
	if (target_list(t, "/sys/block", &disks) == 0)
		for (size_t i = 0; i < disks.n && !found; i++) {
			char *p = xasprintf("/sys/block/%s/%s/partition", disks.v[i], name);
			if (target_exists(t, p))
				found = xstrdup(disks.v[i]);
			free(p);
		}
	sv_free(&disks);
	return found;
}

/* Whether sysfs knows name as a block device (disk, partition, dm, md). */
static bool sys_known(struct target *t, const char *name)
{
	if (!safe_name(name))
		return false;
	char *a = xasprintf("/sys/class/block/%s", name);
	char *b = xasprintf("/sys/block/%s", name);
	bool known = target_exists(t, a) || target_exists(t, b);
	free(a);
	free(b);
	if (!known) {
		char *p = part_parent(t, name);
		known = p != NULL;
		free(p);
	}
	return known;
}

/* Every block device sysfs knows: /sys/class/block, or /sys/block and the
 * partitions in its folders. */
static void all_knames(struct target *t, struct strvec *out)
{
	if (target_list(t, "/sys/class/block", out) == 0 && out->n > 0)
		return;
	struct strvec disks = { 0 };
	if (target_list(t, "/sys/block", &disks) == 0)
		for (size_t i = 0; i < disks.n; i++) {
			sv_push(out, disks.v[i]);
			struct strvec sub = { 0 };
			char *dir = xasprintf("/sys/block/%s", disks.v[i]);
			if (target_list(t, dir, &sub) == 0)
				for (size_t k = 0; k < sub.n; k++) {
					char *p = xasprintf("%s/%s/partition", dir, sub.v[k]);
					if (target_exists(t, p))
						sv_push(out, sub.v[k]);
					free(p);
				}
			free(dir);
			sv_free(&sub);
		}
	sv_free(&disks);
}

/* Reads dm/name under /sys/class/block or /sys/block. */
char *blkdev_dm_name(struct target *t, const char *kname)
{
	if (!safe_name(kname))
		return NULL;
	char *v = sys_attr(t, "/sys/class/block/%s/dm/name", kname);
	if (!v)
		v = sys_attr(t, "/sys/block/%s/dm/name", kname);
	return v;
}

/* LVM sets a dm uuid starting with "LVM-"; crypt and multipath do not. */
bool blkdev_is_lvm(struct target *t, const char *kname)
{
	if (!safe_name(kname))
		return false;
	char *v = sys_attr(t, "/sys/class/block/%s/dm/uuid", kname);
	if (!v)
		v = sys_attr(t, "/sys/block/%s/dm/uuid", kname);
	bool lvm = v && str_starts(v, "LVM-");
	free(v);
	return lvm;
}

/* The dm-N device whose device-mapper name is name, or NULL. */
static char *dm_by_name(struct target *t, const char *name)
{
	struct strvec all = { 0 };
	all_knames(t, &all);
	char *found = NULL;
	for (size_t i = 0; i < all.n && !found; i++) {
		char *n = blkdev_dm_name(t, all.v[i]);
		if (n && strcmp(n, name) == 0)
			found = xstrdup(all.v[i]);
		free(n);
	}
	sv_free(&all);
	return found;
}

/* The device-mapper name of an LVM volume: "-" inside names is doubled. */
static char *lvm_mapper_name(const char *vg, const char *lv)
{
	struct sbuf b = { 0 };
	for (const char *p = vg; *p; p++) {
		sb_addc(&b, *p);
		if (*p == '-')
			sb_addc(&b, '-');
	}
	sb_addc(&b, '-');
	for (const char *p = lv; *p; p++) {
		sb_addc(&b, *p);
		if (*p == '-')
			sb_addc(&b, '-');
	}
	return sb_steal(&b);
}

/* Resolves a device path through the target's /dev links to a name sysfs knows. */
static char *kname_by_link(struct target *t, const char *path)
{
	char *real = NULL;
	if (target_realpath(t, path, &real) < 0)
		return NULL;
	char *name = NULL;
	if (str_starts(real, "/dev/")) {
		name = base_name(real);
		if (!sys_known(t, name)) {
			free(name);
			name = NULL;
		}
	}
	free(real);
	return name;
}

/* Finds the device whose filesystem UUID or LABEL is value, by probing. */
static char *kname_by_probe(struct target *t, bool label, const char *value)
{
	struct strvec all = { 0 };
	all_knames(t, &all);
	char *found = NULL;
	for (size_t i = 0; i < all.n && !found; i++) {
		if (!safe_name(all.v[i]))
			continue;
		char *dev = xasprintf("/dev/%s", all.v[i]);
		struct blkdev_info inf;
		if (blkdev_probe(t, dev, &inf, NULL) == 0) {
			const char *v = label ? inf.label : inf.uuid;
			if (v && strcmp(v, value) == 0)
				found = xstrdup(all.v[i]);
		}
		blkdev_info_free(&inf);
		free(dev);
	}
	sv_free(&all);
	return found;
}

/* Tries tags, device paths, mapper names, links and the device number in turn. */
char *blkdev_kname(struct target *t, const char *source, const char *mountpoint, char **how)
{
	static const struct {
		const char *tag, *dir;
	} tags[] = { { "UUID=", "/dev/disk/by-uuid" },
		     { "LABEL=", "/dev/disk/by-label" },
		     { "PARTUUID=", "/dev/disk/by-partuuid" },
		     { "PARTLABEL=", "/dev/disk/by-partlabel" } };
	char *name = NULL;
	char *msg = NULL;
	if (!source)
		source = "";
	for (size_t i = 0; i < ARRAY_LEN(tags) && !msg; i++) {
		if (!str_starts(source, tags[i].tag))
			continue;
		char *val = tag_value(source + strlen(tags[i].tag));
		if (safe_name(val)) {
			char *link = xasprintf("%s/%s", tags[i].dir, val);
			name = kname_by_link(t, link);
			if (name)
				msg = xasprintf(T("%s is %s (link %s)", "%s 即 %s（链接 %s）"),
						source, name, link);
			free(link);
		}
		if (!name && i < 2) {
			name = kname_by_probe(t, i == 1, val);
			if (name)
				msg = xasprintf(
					T("%s is %s (libblkid probe)", "%s 即 %s（libblkid 探测）"),
					source, name);
		}
		if (!name)
			msg = xasprintf(T("no device with %s was found", "没有找到 %s 的设备"),
					source);
		free(val);
	}
	if (!msg && str_starts(source, "/dev/")) {
		const char *rest = source + 5;
		char *vg = NULL, *lv = NULL;
		if (str_starts(rest, "mapper/")) {
			name = dm_by_name(t, rest + 7);
			if (name)
				msg = xasprintf(T("%s is %s (device-mapper name)",
						  "%s 即 %s（device-mapper 名称）"),
						source, name);
		} else if (!strchr(rest, '/') && sys_known(t, rest)) {
			name = xstrdup(rest);
			msg = xasprintf(T("%s is %s (sysfs)", "%s 即 %s（sysfs）"), source, name);
		} else if (blkdev_lvm_split(source, &vg, &lv)) {
			char *mapper = lvm_mapper_name(vg, lv);
			name = dm_by_name(t, mapper);
			if (name)
				msg = xasprintf(T("%s is %s (device-mapper name %s)",
						  "%s 即 %s（device-mapper 名称 %s）"),
						source, name, mapper);
			free(mapper);
		}
		free(vg);
		free(lv);
		if (!name) {
			name = kname_by_link(t, source);
			if (name)
				msg = xasprintf(T("%s is %s (link)", "%s 即 %s（链接）"), source,
						name);
		}
	}
	if (!name && t->live && mountpoint) {
		struct target_stat st;
		if (target_stat(t, mountpoint, &st) == 0) {
			char *numlink =
				xasprintf("/sys/dev/block/%u:%u", major(st.dev), minor(st.dev));
			char *real = NULL;
			if (target_realpath(t, numlink, &real) == 0) {
				char *b = base_name(real);
				if (sys_known(t, b)) {
					free(msg);
					name = b;
					msg = xasprintf(T("%s is on device %u:%u, %s",
							  "%s 位于设备 %u:%u，即 %s"),
							mountpoint, major(st.dev), minor(st.dev),
							name);
				} else {
					free(b);
				}
				free(real);
			}
			free(numlink);
		}
	}
	if (!msg)
		msg = xasprintf(
			T("%s is not a block device sysfs knows", "%s 不是 sysfs 中已知的块设备"),
			source);
	if (how)
		*how = msg;
	else
		free(msg);
	return name;
}

/* Appends s to v unless it is there already; returns 1 when appended. */
static int push_unique(struct strvec *v, const char *s)
{
	if (sv_contains(v, s))
		return 0;
	sv_push(v, s);
	return 1;
}

/* One level of blkdev_disks_of. */
static int disks_rec(struct target *t, const char *kname, struct strvec *disks, struct sbuf *trail,
		     int depth)
{
	if (depth > 8)
		return -ELOOP;
	if (!safe_name(kname))
		return -EINVAL;
	struct strvec slaves = { 0 };
	char *sdir = xasprintf("/sys/class/block/%s/slaves", kname);
	if (target_list(t, sdir, &slaves) < 0) {
		free(sdir);
		sdir = xasprintf("/sys/block/%s/slaves", kname);
		target_list(t, sdir, &slaves);
	}
	free(sdir);
	int added = 0;
	if (slaves.n > 0) {
		char *dm = blkdev_dm_name(t, kname);
		if (trail) {
			sb_add(trail, kname);
			if (dm)
				sb_printf(trail, " (%s)", dm);
			sb_add(trail, T(" on ", " 位于 "));
			if (slaves.n > 1)
				sb_addc(trail, '{');
		}
		free(dm);
		for (size_t i = 0; i < slaves.n; i++) {
			if (trail && i)
				sb_add(trail, ", ");
			int rc = disks_rec(t, slaves.v[i], disks, trail, depth + 1);
			if (rc < 0) {
				sv_free(&slaves);
				return rc;
			}
			added += rc;
		}
		if (trail && slaves.n > 1)
			sb_addc(trail, '}');
		sv_free(&slaves);
		return added;
	}
	sv_free(&slaves);
	char *parent = part_parent(t, kname);
	if (parent) {
		if (trail)
			sb_printf(trail, T("%s on %s", "%s 位于 %s"), kname, parent);
		added = push_unique(disks, parent);
		free(parent);
		return added;
	}
	if (trail)
		sb_add(trail, kname);
	return push_unique(disks, kname);
}

/* Follows slaves and partitions down to whole disks. */
int blkdev_disks_of(struct target *t, const char *kname, struct strvec *disks, struct sbuf *trail)
{
	return disks_rec(t, kname, disks, trail, 0);
}

/* ---- names and LVM metadata --------------------------------------------------------- */

/* Whether s[0..n) is all digits (and not empty). */
static bool all_digits(const char *s, size_t n)
{
	if (n == 0)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!isdigit((unsigned char)s[i]))
			return false;
	return true;
}

/* Strips a partition suffix by the kernel's naming rules (devname's list;
 * loop devices too). */
char *blkdev_disk_name_guess(const char *dev)
{
	const char *name = str_starts(dev, "/dev/") ? dev + 5 : dev;
	size_t disk_len;
	int part;
	if (devname_kernel_split(name, &disk_len, &part))
		return xstrndup(name, disk_len);
	/* loop0p1: the disk ends before "pN". */
	if (str_starts(name, "loop")) {
		const char *p = strrchr(name, 'p');
		if (p && p > name && isdigit((unsigned char)p[-1]) &&
		    all_digits(p + 1, strlen(p + 1)))
			return xstrndup(name, (size_t)(p - name));
	}
	return xstrdup(name);
}

/* Undoes the doubling of "-" in a device-mapper name part. */
static char *dm_unescape(const char *s, size_t n)
{
	struct sbuf b = { 0 };
	for (size_t i = 0; i < n; i++) {
		sb_addc(&b, s[i]);
		if (s[i] == '-' && i + 1 < n && s[i + 1] == '-')
			i++;
	}
	return sb_steal(&b);
}

/* Splits /dev/mapper/VG-LV or /dev/VG/LV into its two names. */
bool blkdev_lvm_split(const char *dev, char **vg, char **lv)
{
	*vg = *lv = NULL;
	if (!dev || !str_starts(dev, "/dev/"))
		return false;
	const char *rest = dev + 5;
	if (str_starts(rest, "mapper/")) {
		const char *m = rest + 7;
		size_t n = strlen(m);
		for (size_t i = 0; i < n; i++) {
			if (m[i] != '-')
				continue;
			if (i + 1 < n && m[i + 1] == '-') {
				i++;
				continue;
			}
			if (i == 0 || i + 1 >= n)
				return false;
			*vg = dm_unescape(m, i);
			*lv = dm_unescape(m + i + 1, n - i - 1);
			return true;
		}
		return false;
	}
	const char *slash = strchr(rest, '/');
	if (devname_kind_str(dev) != DEVNAME_LVM || !slash)
		return false;
	*vg = xstrndup(rest, (size_t)(slash - rest));
	*lv = xstrdup(slash + 1);
	return true;
}

/* Tokens of LVM's text metadata format. */
enum lvm_tok {
	LT_END,
	LT_BAD,
	LT_ID,
	LT_STR,
	LT_LBRACE,
	LT_RBRACE,
	LT_LBRACK,
	LT_RBRACK,
	LT_EQ,
	LT_COMMA
};

struct lvm_lex {
	const char *p, *end;
	char *text; /* owned: the last LT_ID or LT_STR */
};

/* Reads the next token; strings come back unescaped. */
static enum lvm_tok lvm_next(struct lvm_lex *lx)
{
	free(lx->text);
	lx->text = NULL;
	for (;;) {
		while (lx->p < lx->end && isspace((unsigned char)*lx->p))
			lx->p++;
		if (lx->p < lx->end && *lx->p == '#') {
			while (lx->p < lx->end && *lx->p != '\n')
				lx->p++;
			continue;
		}
		break;
	}
	if (lx->p >= lx->end)
		return LT_END;
	char c = *lx->p;
	static const char singles[] = "{}[]=,";
	const char *sp = c ? strchr(singles, c) : NULL;
	if (sp) {
		lx->p++;
		static const enum lvm_tok kinds[] = { LT_LBRACE, LT_RBRACE, LT_LBRACK,
						      LT_RBRACK, LT_EQ,     LT_COMMA };
		return kinds[sp - singles];
	}
	if (c == '"') {
		struct sbuf b = { 0 };
		lx->p++;
		while (lx->p < lx->end && *lx->p != '"') {
			if (*lx->p == '\\' && lx->p + 1 < lx->end)
				lx->p++;
			sb_addc(&b, *lx->p++);
		}
		if (lx->p >= lx->end) {
			sb_free(&b);
			return LT_BAD;
		}
		lx->p++;
		lx->text = sb_steal(&b);
		return LT_STR;
	}
	const char *s = lx->p;
	while (lx->p < lx->end && !isspace((unsigned char)*lx->p) && *lx->p != '#' &&
	       *lx->p != '"' && !(*lx->p && strchr(singles, *lx->p)))
		lx->p++;
	if (lx->p == s || memchr(s, '\0', (size_t)(lx->p - s)))
		return LT_BAD;
	lx->text = xstrndup(s, (size_t)(lx->p - s));
	return LT_ID;
}

/* What the metadata says: physical volumes with their device hints, and
 * for each logical volume the names its segments refer to. */
struct lvm_meta {
	struct strvec pv, pvdev; /* parallel: "pv0", "/dev/sda2" ("" without a hint) */
	struct strvec lv;        /* logical volume names */
	struct strvec *refs;     /* parallel to lv: names its segments use */
	size_t refcap;
};

/* The index of name in v, or -1. */
static long sv_index(const struct strvec *v, const char *name)
{
	for (size_t i = 0; i < v->n; i++)
		if (strcmp(v->v[i], name) == 0)
			return (long)i;
	return -1;
}

/* The refs list of logical volume name, created when new. */
static struct strvec *meta_lv(struct lvm_meta *m, const char *name)
{
	long i = sv_index(&m->lv, name);
	if (i >= 0)
		return &m->refs[i];
	size_t cap = m->refcap;
	m->refs = xgrow(m->refs, &cap, m->lv.n + 1, sizeof *m->refs);
	m->refcap = cap;
	memset(&m->refs[m->lv.n], 0, sizeof *m->refs);
	sv_push(&m->lv, name);
	return &m->refs[m->lv.n - 1];
}

/* Segment keys whose values name physical or logical volumes. */
static bool ref_key(const char *key)
{
	static const char *const keys[] = { "stripes",  "mirrors",    "raids",    "thin_pool",
					    "pool",     "data",       "metadata", "cache_pool",
					    "origin",   "mirror_log", "log",      "writecache",
					    "integrity" };
	for (size_t i = 0; i < ARRAY_LEN(keys); i++)
		if (strcmp(key, keys[i]) == 0)
			return true;
	return false;
}

/* Records one value: a device hint or a segment reference. */
static void meta_value(struct lvm_meta *m, char **stack, int depth, const char *key,
		       const char *val, bool is_string)
{
	if (depth == 3 && strcmp(stack[1], "physical_volumes") == 0 && strcmp(key, "device") == 0 &&
	    is_string) {
		long i = sv_index(&m->pv, stack[2]);
		if (i >= 0) {
			free(m->pvdev.v[i]);
			m->pvdev.v[i] = xstrdup(val);
		}
	}
	if (depth == 4 && strcmp(stack[1], "logical_volumes") == 0 && is_string && ref_key(key))
		sv_push(meta_lv(m, stack[2]), val);
}

/* Parses LVM text metadata into m; 0 or -EBADMSG. */
static int lvm_parse(const char *data, size_t len, struct lvm_meta *m)
{
	struct lvm_lex lx = { .p = data, .end = data + len };
	char *stack[16];
	int depth = 0, rc = 0;
	for (;;) {
		enum lvm_tok k = lvm_next(&lx);
		if (k == LT_END)
			break;
		if (k == LT_RBRACE) {
			if (depth == 0) {
				rc = -EBADMSG;
				break;
			}
			free(stack[--depth]);
			continue;
		}
		if (k != LT_ID || !lx.text) {
			rc = -EBADMSG;
			break;
		}
		char *key = lx.text;
		lx.text = NULL;
		k = lvm_next(&lx);
		if (k == LT_LBRACE) {
			if (depth >= (int)ARRAY_LEN(stack)) {
				free(key);
				rc = -EBADMSG;
				break;
			}
			if (depth == 2 && strcmp(stack[1], "physical_volumes") == 0 &&
			    sv_index(&m->pv, key) < 0) {
				sv_push(&m->pv, key);
				sv_push(&m->pvdev, "");
			}
			if (depth == 2 && strcmp(stack[1], "logical_volumes") == 0)
				meta_lv(m, key);
			stack[depth++] = key;
			continue;
		}
		if (k != LT_EQ) {
			free(key);
			rc = -EBADMSG;
			break;
		}
		k = lvm_next(&lx);
		if (k == LT_STR || k == LT_ID) {
			meta_value(m, stack, depth, key, lx.text, k == LT_STR);
		} else if (k == LT_LBRACK) {
			for (;;) {
				k = lvm_next(&lx);
				if (k == LT_RBRACK)
					break;
				if (k == LT_STR)
					meta_value(m, stack, depth, key, lx.text, true);
				else if (k != LT_ID && k != LT_COMMA) {
					rc = -EBADMSG;
					break;
				}
			}
		} else {
			rc = -EBADMSG;
		}
		free(key);
		if (rc < 0)
			break;
	}
	if (rc == 0 && depth != 0)
		rc = -EBADMSG;
	while (depth > 0)
		free(stack[--depth]);
	free(lx.text);
	return rc;
}

/* Frees parsed LVM metadata. */
static void meta_free(struct lvm_meta *m)
{
	for (size_t i = 0; i < m->lv.n; i++)
		sv_free(&m->refs[i]);
	free(m->refs);
	sv_free(&m->lv);
	sv_free(&m->pv);
	sv_free(&m->pvdev);
}

/* Collects the physical volumes under logical volume lv (by index). */
static void meta_pvs(const struct lvm_meta *m, size_t lv, struct strvec *pvs, int depth)
{
	if (depth > 16)
		return;
	const struct strvec *refs = &m->refs[lv];
	for (size_t i = 0; i < refs->n; i++) {
		long p = sv_index(&m->pv, refs->v[i]);
		if (p >= 0) {
			push_unique(pvs, refs->v[i]);
			continue;
		}
		long l = sv_index(&m->lv, refs->v[i]);
		if (l >= 0 && (size_t)l != lv)
			meta_pvs(m, (size_t)l, pvs, depth + 1);
	}
}

/* Parses the backup and walks the logical volume's segments down to physical volumes. */
int blkdev_lvm_backup_pvs(struct target *t, const char *vg, const char *lv, struct strvec *pvdevs,
			  struct strvec *disks)
{
	if (!safe_name(vg) || !lv || !*lv)
		return -EINVAL;
	char *path = xasprintf("/etc/lvm/backup/%s", vg);
	char *data = NULL;
	size_t len = 0;
	int rc = target_read(t, path, &data, &len);
	free(path);
	if (rc < 0)
		return rc;
	struct lvm_meta m = { 0 };
	rc = lvm_parse(data, len, &m);
	free(data);
	if (rc == 0) {
		long l = sv_index(&m.lv, lv);
		if (l < 0 || (size_t)l >= m.lv.n) {
			rc = -ESRCH;
		} else {
			struct strvec pvs = { 0 };
			meta_pvs(&m, (size_t)l, &pvs, 0);
			for (size_t i = 0; i < pvs.n; i++) {
				/* meta_pvs keeps only names of m.pv. */
				long p = sv_index(&m.pv, pvs.v[i]);
				const char *hint = p >= 0 && (size_t)p < m.pvdev.n ? m.pvdev.v[p] : "";
				if (*hint) {
					push_unique(pvdevs, hint);
					char *d = blkdev_disk_name_guess(hint);
					push_unique(disks, d);
					free(d);
				} else {
					char *s = xasprintf(
						T("%s (no device hint)", "%s（没有设备提示）"),
						pvs.v[i]);
					push_unique(pvdevs, s);
					free(s);
				}
			}
			rc = (int)pvs.n;
			sv_free(&pvs);
		}
	}
	meta_free(&m);
	return rc;
}
