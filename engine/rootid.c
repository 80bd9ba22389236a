/* rootid.c: the examined root's own filesystems, from the host's mount
 * table, libblkid probes of the host's device nodes and the root's fstab;
 * see rootid.h for what is trusted and why. */
#include "engine/rootid.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/sysmacros.h>

#include "engine/util/msg.h"
#include "engine/devname.h"
#include "engine/target/blockdevs.h"

#define SYSFS_MAGIC_NUMBER 0x62656572
#define PROC_MAGIC_NUMBER 0x9fa0

/* ---- the host's mount table ---------------------------------------------- */

/* Frees one mount and clears it. */
static void mount_free(struct rootid_mount *m)
{
	free(m->dir);
	free(m->source);
	free(m->fstype);
	free(m->probed);
	free(m->how);
	free(m->uuid);
	free(m->type);
	free(m->label);
	free(m->why);
	memset(m, 0, sizeof *m);
}

/* The target path of host mount point dir under folder, or NULL when it is
 * not at or below folder. Caller frees. */
static char *under_folder(const char *folder, const char *dir)
{
	if (strcmp(folder, "/") == 0)
		return xstrdup(dir);
	size_t fl = strlen(folder);
	if (strncmp(dir, folder, fl) != 0)
		return NULL;
	if (dir[fl] == '\0')
		return xstrdup("/");
	if (dir[fl] != '/')
		return NULL;
	return xstrdup(dir + fl);
}

/* Whether path is dir or below it. */
static bool at_or_below(const char *path, const char *dir)
{
	if (strcmp(dir, "/") == 0)
		return true;
	size_t n = strlen(dir);
	return strncmp(path, dir, n) == 0 && (path[n] == '\0' || path[n] == '/');
}

/* Adds a mount at target path dir: it hides every earlier mount at or
 * below dir, as mounting over them does. Takes ownership of m's strings. */
static void add_mount(struct rootid *id, struct rootid_mount *m)
{
	for (size_t i = 0; i < id->n;) {
		if (at_or_below(id->m[i].dir, m->dir)) {
			mount_free(&id->m[i]);
			memmove(&id->m[i], &id->m[i + 1], (id->n - i - 1) * sizeof *id->m);
			id->n--;
		} else {
			i++;
		}
	}
	id->m = xgrow(id->m, &id->cap, id->n + 1, sizeof *id->m);
	id->m[id->n++] = *m;
}

/* Splits one mountinfo line into its fields; returns the count (at most max). */
static size_t split_fields(const char *line, size_t n, const char **f, size_t *fl, size_t max)
{
	size_t nf = 0, i = 0;
	while (i < n && nf < max) {
		while (i < n && line[i] == ' ')
			i++;
		if (i >= n)
			break;
		size_t s = i;
		while (i < n && line[i] != ' ')
			i++;
		f[nf] = line + s;
		fl[nf++] = i - s;
	}
	return nf;
}

/* Reads the mounts at and below the folder from mountinfo text:
 * "ID PARENT MAJ:MIN ROOT MOUNTPOINT OPTS [OPTIONAL...] - FSTYPE SOURCE SUPEROPTS". */
static void parse_mountinfo(struct rootid *id, const char *text, size_t len)
{
	for (size_t pos = 0; pos < len;) {
		const char *line = text + pos;
		const char *nl = memchr(line, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - line) : len - pos;
		pos += n + 1;
		if (memchr(line, '\0', n))
			continue;
		const char *f[32];
		size_t fl[32];
		size_t nf = split_fields(line, n, f, fl, ARRAY_LEN(f));
		size_t dash = 6;
		while (dash < nf && !(fl[dash] == 1 && f[dash][0] == '-'))
			dash++;
		if (nf < 7 || dash + 1 >= nf)
			continue;
		unsigned maj = 0, mnr = 0;
		char *mm = xstrndup(f[2], fl[2]);
		int ok = sscanf(mm, "%u:%u", &maj, &mnr);
		free(mm);
		if (ok != 2)
			continue;
		char *dir = blkdev_unescape(f[4], fl[4]);
		char *rel = under_folder(id->folder, dir);
		free(dir);
		if (!rel)
			continue;
		struct rootid_mount m = { 0 };
		m.dir = rel;
		m.major = maj;
		m.minor = mnr;
		m.fstype = blkdev_unescape(f[dash + 1], fl[dash + 1]);
		m.source = dash + 2 < nf ? blkdev_unescape(f[dash + 2], fl[dash + 2]) : xstrdup("");
		add_mount(id, &m);
	}
}

/* The host path to probe for a mount: its source when that is the block
 * device (or an image file), else the host's /dev/block/MAJ:MIN node.
 * NULL with *why when it is not on a block device. Caller frees. */
static char *probe_path(const struct rootid_mount *m, char **why)
{
	struct stat st;
	char *numbered = xasprintf("/dev/block/%u:%u", m->major, m->minor);
	bool num_ok = m->major != 0 && stat(numbered, &st) == 0 && S_ISBLK(st.st_mode) &&
		      st.st_rdev == makedev(m->major, m->minor);
	if (m->source[0] == '/' && stat(m->source, &st) == 0) {
		if (S_ISREG(st.st_mode) ||
		    (S_ISBLK(st.st_mode) &&
		     (st.st_rdev == makedev(m->major, m->minor) || !num_ok))) {
			free(numbered);
			return xstrdup(m->source);
		}
	}
	if (num_ok)
		return numbered;
	free(numbered);
	*why = xasprintf(T("%s (%s) is not a block device this machine can read",
			   "%s（%s）不是本机可读取的块设备"),
			 m->source, m->fstype);
	return NULL;
}

/* Probes every mount that sits on a block device. */
static void probe_mounts(struct rootid *id)
{
	for (size_t i = 0; i < id->n; i++) {
		struct rootid_mount *m = &id->m[i];
		char *why = NULL;
		m->probed = probe_path(m, &why);
		if (!m->probed) {
			m->why = why;
			continue;
		}
		struct blkdev_info inf;
		char *cause = NULL;
		int rc = blkdev_probe_path(m->probed, &inf, &cause);
		if (rc == 0 && inf.uuid) {
			m->how = xasprintf(T("libblkid probe of %s", "libblkid 探测 %s"), m->probed);
			m->uuid = inf.uuid;
			m->type = inf.type;
			m->label = inf.label;
			memset(&inf, 0, sizeof inf);
		} else if (rc == 0 || rc == 1) {
			m->why = xasprintf(T("libblkid finds no filesystem UUID on %s",
					     "libblkid 在 %s 上没有找到文件系统 UUID"),
					   m->probed);
		} else {
			m->why = cause;
			cause = NULL;
		}
		free(cause);
		blkdev_info_free(&inf);
	}
}

/* A root on another machine: its mounts' devices are that machine's, never
 * this one's nodes of the same name. Each is found by the device number
 * in that machine's mount table among the devices its own lsblk and blkid
 * list (target_block_devices). */
static void remote_mounts(struct rootid *id, struct target *t)
{
	struct blockdevs b;
	char *source = NULL;
	int rc = target_block_devices(t, &b, &source);
	for (size_t i = 0; i < id->n; i++) {
		struct rootid_mount *m = &id->m[i];
		const struct blockdev *d =
			rc == 0 && m->major ? blockdevs_find_devno(&b, m->major, m->minor) : NULL;
		if (d && d->uuid) {
			m->how = xasprintf("%s (%s)", d->name ? d->name : m->source, source);
			m->uuid = xstrdup(d->uuid);
			m->type = d->fstype ? xstrdup(d->fstype) : NULL;
			m->label = d->label ? xstrdup(d->label) : NULL;
		} else if (d) {
			m->why = xasprintf(T("%s show no filesystem UUID on %s",
					     "%s 显示 %s 上没有文件系统 UUID"),
					   source, d->name ? d->name : m->source);
		} else if (rc == 0) {
			m->why = xasprintf(T("%s (%u:%u) is not among the block devices %s lists",
					     "%s（%u:%u）不在 %s 列出的块设备中"),
					   m->source, m->major, m->minor, source);
		} else {
			m->why = xasprintf(T("%s is a device of the machine that holds the root; "
					     "its lsblk and blkid could not be run (%s)",
					     "%s 是挂载该根目录的机器上的设备；无法运行其 lsblk 和 "
					     "blkid（%s）"),
					   m->source, strerror(-rc));
		}
	}
	if (rc == 0)
		blockdevs_free(&b);
	free(source);
}

/* ---- the root's /sys, /proc and /dev ------------------------------------------ */

/* Whether ROOT/name is the host's: a mount point in the host's mount
 * table, the host's own folder (same device and inode), or (for sysfs and
 * procfs) a live kernel filesystem. Adds a line to host_why when it is. */
static bool host_owned(struct rootid *id, struct target *t, const char *name, long magic)
{
	const struct rootid_mount *m = rootid_mount_at(id, name);
	if (m) {
		sv_take(&id->host_why,
			xasprintf(T("%s%s is a mount point of this machine (%s %s, per %s)",
				    "%s%s 是本机的挂载点（%s %s，见 %s）"),
				  id->folder, strcmp(id->folder, "/") ? name : name + 1, m->fstype,
				  m->source, id->mountinfo_path));
		return true;
	}
	char *host = target_host_path(t, name);
	if (!host)
		return false;
	struct stat a, b;
	bool same = stat(host, &a) == 0 && stat(name, &b) == 0 && a.st_dev == b.st_dev &&
		    a.st_ino == b.st_ino;
	struct statfs sf;
	bool live = !same && magic && statfs(host, &sf) == 0 && (long)sf.f_type == magic;
	if (same || live)
		sv_take(&id->host_why,
			xasprintf(same ? T("%s is this machine's %s (same device and inode)",
					   "%s 即本机的 %s（相同的设备和 inode）")
				       : T("%s is a live kernel filesystem (%s of the running "
					   "kernel)",
					   "%s 是运行中内核的文件系统（%s）"),
				  host, name));
	free(host);
	return same || live;
}

/* ---- building ------------------------------------------------------------------- */

/* The test hook, or the kernel's table for this process. */
const char *rootid_mountinfo_path(void)
{
	const char *p = getenv("ASR_DOCTOR_MOUNTINFO");
	return p && *p ? p : "/proc/self/mountinfo";
}

/* Parses the mount table, probes the mounts, looks at /sys, /proc and /dev, reads fstab. */
void rootid_build(struct rootid *out, struct target *t, const char *path, const char *text,
		  size_t len)
{
	memset(out, 0, sizeof *out);
	out->folder = xstrdup(target_root_folder(t) ? target_root_folder(t) : "/");
	out->mountinfo_path = xstrdup(path ? path : "?");
	if (text) {
		parse_mountinfo(out, text, len);
		out->remote = !target_has_host_paths(t);
		if (out->remote)
			remote_mounts(out, t);
		else
			probe_mounts(out);
	} else if (!out->mountinfo_err) {
		out->mountinfo_err = -ENOENT;
	}
	out->host_sys = host_owned(out, t, "/sys", SYSFS_MAGIC_NUMBER);
	out->host_proc = host_owned(out, t, "/proc", PROC_MAGIC_NUMBER);
	out->host_dev = host_owned(out, t, "/dev", 0);
	out->fstab_err = blkdev_mounts_read(t, "/etc/fstab", &out->fstab);
}

/* Reads the host's mount table and builds. */
void rootid_load(struct rootid *out, struct target *t)
{
	size_t len = 0;
	char *text = NULL, *remote = NULL;
	/* A root on another machine (over SSH): that machine's table. */
	int err = target_host_mounts(t, &text, &len, &remote);
	const char *path = remote;
	if (err == -ENOTSUP) {
		path = rootid_mountinfo_path();
		errno = 0;
		text = util_read_file(path, TARGET_READ_MAX, &len);
		err = text ? 0 : -(errno ? errno : EIO);
	}
	rootid_build(out, t, path, text, len);
	if (err)
		out->mountinfo_err = err;
	free(text);
	free(remote);
}

/* Frees everything an identity holds. */
void rootid_free(struct rootid *id)
{
	for (size_t i = 0; i < id->n; i++)
		mount_free(&id->m[i]);
	free(id->m);
	free(id->folder);
	free(id->mountinfo_path);
	sv_free(&id->host_why);
	blkdev_mounts_free(&id->fstab);
	memset(id, 0, sizeof *id);
}

/* Looks the mount point up. */
const struct rootid_mount *rootid_mount_at(const struct rootid *id, const char *dir)
{
	for (size_t i = 0; i < id->n; i++)
		if (strcmp(id->m[i].dir, dir) == 0)
			return &id->m[i];
	return NULL;
}

/* The root folder's mount, its probe, and the host-owned folders. */
char *rootid_describe(const struct rootid *id)
{
	struct sbuf b = { 0 };
	const struct rootid_mount *m = rootid_mount_at(id, "/");
	if (id->mountinfo_err)
		sb_printf(&b, T("%s cannot be read (%s): what is mounted at %s is unknown",
				"无法读取 %s（%s）：不知道 %s 上挂载了什么"),
			  id->mountinfo_path, strerror(-id->mountinfo_err), id->folder);
	else if (!m)
		sb_printf(&b,
			  T("%s is not a mount point (per %s): no device of the examined root can "
			    "be probed",
			    "%s 不是挂载点（见 %s）：无法探测被检查根目录的任何设备"),
			  id->folder, id->mountinfo_path);
	else if (m->uuid)
		sb_printf(&b, T("%s is mounted from %s (%s, UUID %s; %s), per %s",
				"%s 挂载自 %s（%s，UUID %s；%s），见 %s"),
			  id->folder, m->source, m->type ? m->type : m->fstype, m->uuid, m->how,
			  id->mountinfo_path);
	else
		sb_printf(&b, T("%s is mounted from %s, per %s: %s", "%s 挂载自 %s，见 %s：%s"),
			  id->folder, m->source, id->mountinfo_path, m->why ? m->why : "?");
	sb_add(&b, T("; device names are tied to it through the root's /etc/fstab, never "
		     "through its /dev",
		     "；设备名只通过该根目录的 /etc/fstab 与之对应，绝不通过其 /dev"));
	return sb_steal(&b);
}

/* ---- UUIDs ------------------------------------------------------------------------ */

/* The UUID a stable fstab source names (UUID=, /dev/disk/by-uuid/), or
 * NULL. Caller frees. */
static char *source_uuid(const char *src)
{
	if (str_starts(src, "UUID=") && src[5]) {
		size_t n = strlen(src + 5);
		if (n >= 2 && src[5] == '"' && src[5 + n - 1] == '"')
			return xstrndup(src + 6, n - 2);
		return xstrdup(src + 5);
	}
	if (str_starts(src, "/dev/disk/by-uuid/") && src[18])
		return xstrdup(src + 18);
	return NULL;
}

/* Whether an fstab source names a filesystem without naming its device
 * (so a kernel name elsewhere may be the same device). */
static bool names_no_device(const char *src)
{
	enum devname_kind k = devname_kind_str(src);
	return k == DEVNAME_TAG || k == DEVNAME_BY_STABLE;
}

/* The machine whose mounts id lists, as evidence names it. */
static const char *holder(const struct rootid *id)
{
	return id->remote ? T("the machine that holds the root", "持有该根目录的机器")
			  : T("this machine", "本机");
}

/* Fills out with the probe of mount m, tied by fstab entry e. */
static int from_mount(const struct rootid *id, const struct rootid_mount *m,
		      const struct blkdev_mount *e, const char *dev, struct blkdev_uuid *out)
{
	out->origin = BLKDEV_ORIGIN_MOUNT;
	out->uuid = xstrdup(m->uuid);
	out->type = m->type ? xstrdup(m->type) : NULL;
	out->path = xstrdup("/etc/fstab");
	out->line = e->line;
	out->source = xasprintf(T("%s, which %s mounts at %s%s (%s); "
				  "/etc/fstab line %d mounts %s on %s",
				  "%s，%s将其挂载于 %s%s（%s）；/etc/fstab 第 %d 行"
				  "将 %s 挂载到 %s"),
				m->how, holder(id), strcmp(id->folder, "/") != 0 ? id->folder : "",
				strcmp(m->dir, "/") != 0 || strcmp(id->folder, "/") == 0 ? m->dir : "",
				id->mountinfo_path, e->line, dev, e->dir);
	return 0;
}

/* Fills out with the UUID fstab names for entry e. */
static int from_fstab(const struct blkdev_mount *e, char *uuid, const char *how,
		      struct blkdev_uuid *out)
{
	out->origin = BLKDEV_ORIGIN_FSTAB;
	out->uuid = uuid;
	out->type = xstrdup(e->fstype);
	out->path = xstrdup("/etc/fstab");
	out->line = e->line;
	out->source = xasprintf(T("/etc/fstab line %d (%s)", "/etc/fstab 第 %d 行（%s）"), e->line,
				how);
	return 0;
}

/* Sets out->why and returns -ENOENT. */
static int unknown(struct blkdev_uuid *out, char *why)
{
	out->origin = BLKDEV_ORIGIN_NONE;
	out->why = why;
	return -ENOENT;
}

/* The UUID of the device fstab mounts at e->dir: the probe of what the
 * host mounts there, checked against what fstab says when it names one. */
static int uuid_of_mounted(const struct rootid *id, const struct blkdev_mount *e, const char *dev,
			   bool fstab_fallback, const char *how, struct blkdev_uuid *out)
{
	const struct rootid_mount *m = rootid_mount_at(id, e->dir);
	char *named = source_uuid(e->source);
	if (m && m->uuid) {
		bool agree = !named || strcasecmp(named, m->uuid) == 0;
		if (agree && str_starts(e->source, "LABEL="))
			agree = m->label && strcmp(m->label, e->source + 6) == 0;
		if (!agree) {
			int rc = unknown(
				out, xasprintf(T("/etc/fstab line %d mounts %s on %s, but the "
						 "filesystem %s mounts there (%s) is %s%s: "
						 "not the same filesystem, so nothing is guessed",
						 "/etc/fstab 第 %d 行将 %s 挂载到 %s，但%s挂载在那里的"
						 "文件系统（%s）是 %s%s：不是同一个文件系统，因此不做猜测"),
					       e->line, e->source, e->dir, holder(id), m->how,
					       m->label ? "LABEL=" : "UUID=",
					       m->label && str_starts(e->source, "LABEL=") ? m->label
											   : m->uuid));
			free(named);
			return rc;
		}
		free(named);
		return from_mount(id, m, e, dev, out);
	}
	if (named && fstab_fallback)
		return from_fstab(e, named, how, out);
	free(named);
	char *where =
		m ? xstrdup(m->why ? m->why : "?")
		  : xasprintf(T("%s is not mounted under %s on %s (per %s)",
				"%1$s 没有挂载在%3$s的 %2$s 下（见 %4$s）"),
			      e->dir, id->folder, holder(id), id->mountinfo_path);
	if (id->mountinfo_err) {
		free(where);
		where = xasprintf(T("%s cannot be read", "无法读取 %s"), id->mountinfo_path);
	}
	int rc = unknown(out, xasprintf(T("/etc/fstab line %d mounts %s on %s; %s: its UUID "
					  "cannot be read from the examined disk (its /dev is "
					  "never used)",
					  "/etc/fstab 第 %d 行将 %s 挂载到 %s；%s：无法从被检查的"
					  "磁盘读取其 UUID（绝不使用其 /dev）"),
					e->line, e->source, e->dir, where));
	free(where);
	return rc;
}

/* The fstab entry at a line, or NULL. */
static const struct blkdev_mount *entry_at_line(const struct rootid *id, int line)
{
	for (size_t i = 0; i < id->fstab.n; i++)
		if (id->fstab.e[i].line == line)
			return &id->fstab.e[i];
	return NULL;
}

/* root=: fstab's / entry names dev, or names no device and the root's own
 * entries all say dev. */
static int uuid_root(const struct rootid *id, const char *dev, const char *own,
		     struct blkdev_uuid *out)
{
	const struct blkdev_mount *e = blkdev_mounts_find(&id->fstab, "/");
	if (!e)
		return unknown(out, xstrdup(id->fstab_err ? T("/etc/fstab cannot be read: which "
							      "device is this root's cannot be told",
							      "无法读取 /etc/fstab：无法判断哪个"
							      "设备属于此根目录")
							  : T("/etc/fstab has no entry for /: which "
							      "device is this root's cannot be told",
							      "/etc/fstab 中没有 / 的条目：无法判断"
							      "哪个设备属于此根目录")));
	if (strcmp(e->source, dev) == 0)
		return uuid_of_mounted(id, e, dev, false, NULL, out);
	if (names_no_device(e->source) && own && strcmp(own, dev) == 0) {
		char *how = xasprintf(T("the entry mounted on /; every root= of this root's own "
					"boot entries names %s",
					"挂载到 / 的条目；此根目录自己的所有启动项的 root= 都是 %s"),
				      dev);
		int rc = uuid_of_mounted(id, e, dev, true, how, out);
		free(how);
		return rc;
	}
	if (names_no_device(e->source))
		return unknown(out,
			       xasprintf(T("%s is not known to be this root's device: /etc/fstab "
					   "line %d mounts / by %s, and this root's own boot entries "
					   "%s",
					   "无法确认 %s 是此根目录的设备：/etc/fstab 第 %d 行按 %s "
					   "挂载 /，而此根目录自己的启动项%s"),
					 dev, e->line, e->source,
					 own ? T("name another root device", "写的是另一个根设备")
					     : T("name several root devices (or it is in a menu entry "
						 "for another system)",
						 "写了多个根设备（或它位于其他系统的菜单项中）")));
	return unknown(out, xasprintf(T("%s is not this root's device: /etc/fstab line %d mounts "
					"/ from %s (a menu entry for another system?)",
					"%s 不是此根目录的设备：/etc/fstab 第 %d 行从 %s 挂载 /"
					"（其他系统的菜单项？）"),
				      dev, e->line, e->source));
}

/* resume=: fstab's swap entry names dev (its UUID cannot be read: swap is
 * never mounted), or there is one swap entry by UUID and the root's own
 * entries all resume from dev. */
static int uuid_swap(const struct rootid *id, const char *dev, const char *own,
		     struct blkdev_uuid *out)
{
	const struct blkdev_mount *only = NULL;
	size_t nswap = 0;
	for (size_t i = 0; i < id->fstab.n; i++) {
		const struct blkdev_mount *e = &id->fstab.e[i];
		if (strcmp(e->fstype, "swap") != 0)
			continue;
		if (strcmp(e->source, dev) == 0)
			return unknown(out, xasprintf(T("/etc/fstab line %d names the swap %s, "
							"not its UUID, and a swap area is never "
							"mounted: its UUID cannot be read from the "
							"examined disk (its /dev is never used)",
							"/etc/fstab 第 %d 行写的是 swap 设备 %s，"
							"不是其 UUID，而 swap 从不挂载：无法从被检查"
							"的磁盘读取其 UUID（绝不使用其 /dev）"),
						      e->line, dev));
		nswap++;
		only = e;
	}
	if (nswap == 0)
		return unknown(out, xstrdup(T("/etc/fstab has no swap entry: which swap is "
					      "this root's cannot be told",
					      "/etc/fstab 中没有 swap 条目：无法判断哪个 swap "
					      "属于此根目录")));
	if (nswap > 1)
		return unknown(out, xasprintf(T("/etc/fstab has %zu swap entries: which one is "
						"%s cannot be told",
						"/etc/fstab 中有 %zu 个 swap 条目：无法判断哪个是 %s"),
					      nswap, dev));
	char *named = source_uuid(only->source);
	if (!named || !own || strcmp(own, dev) != 0) {
		free(named);
		return unknown(out, xasprintf(T("%s is not known to be this root's swap: "
						"/etc/fstab line %d names %s",
						"无法确认 %s 是此根目录的 swap：/etc/fstab 第 %d 行"
						"写的是 %s"),
					      dev, only->line, only->source));
	}
	char *how = xasprintf(T("the only swap entry; every resume= of this root's own boot "
				"entries names %s",
				"唯一的 swap 条目；此根目录自己的所有启动项的 resume= 都是 %s"),
			      dev);
	int rc = from_fstab(only, named, how, out);
	free(how);
	return rc;
}

/* Dispatches on the role. */
int rootid_uuid(const struct rootid *id, const char *dev, enum blkdev_role role, int fstab_line,
		const char *own, struct blkdev_uuid *out)
{
	memset(out, 0, sizeof *out);
	if (role == BLKDEV_ROLE_ROOT)
		return uuid_root(id, dev, own, out);
	if (role == BLKDEV_ROLE_SWAP)
		return uuid_swap(id, dev, own, out);
	const struct blkdev_mount *e = entry_at_line(id, fstab_line);
	if (!e || strcmp(e->source, dev) != 0)
		return unknown(out, xasprintf(T("/etc/fstab line %d does not name %s",
						"/etc/fstab 第 %d 行没有写 %s"),
					      fstab_line, dev));
	if (strcmp(e->fstype, "swap") == 0)
		return uuid_swap(id, dev, NULL, out);
	return uuid_of_mounted(id, e, dev, false, NULL, out);
}
