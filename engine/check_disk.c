/* check_disk.c: the disk layout checks: /boot and / on the same disk
 * (95309), a boot disk present (95310), only one boot disk (95311), / not
 * spanning disks (95313) and /boot not on LVM. The mount table says which
 * devices hold /boot and /; sysfs says which disks those devices sit on;
 * libblkid and the first sector say which disks carry a boot loader. A
 * mounted root without a /sys of its own (none, or the rescue machine's
 * bind-mounted there: rootid.h) falls back to what /etc/fstab and the LVM
 * metadata backups in /etc/lvm/backup tell, and says so. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/blkdev.h"
#include "engine/check.h"
#include "engine/devname.h"
#include "engine/rootid.h"

/* What the checks start from: the mount table and the entries that matter. */
struct layout {
	struct blkdev_mounts m;
	const struct blkdev_mount *root, *boot, *efi; /* borrowed from m; NULL when absent */
	bool sysfs;                                   /* /sys/block lists block devices */
};

/* Records a mount table line as evidence. */
static void mount_evidence(struct check_result *r, const struct blkdev_mounts *m,
			   const struct blkdev_mount *e)
{
	char *text = xasprintf("%s %s %s %s", e->source, e->dir, e->fstype, e->opts);
	result_file(r, m->path, e->line, text);
	free(text);
}

/* Whether the target's /sys describes the examined machine's disks. On a
 * mounted root it never does when it is the host's (a bind-mounted /sys, a
 * sysfs mounted there, or a /dev of the host beside it): the evidence says
 * so and the checks judge from fstab and the LVM metadata backups. */
static bool sysfs_usable(const struct check_ctx *ctx, struct check_result *r,
			 const struct rootid *id)
{
	if (!blkdev_have_sysfs(ctx->t))
		return false;
	if (!id)
		return true;
	bool host = id->host_sys || id->host_dev;
	if (host) {
		for (size_t i = 0; i < id->host_why.n; i++)
			result_note(r, "%s", id->host_why.v[i]);
		result_note(r, "%s",
			    T("the mounted root's /sys and /dev are this (rescue) machine's, not "
			      "the examined machine's: ignored; judged from /etc/fstab and "
			      "/etc/lvm/backup instead",
			      "挂载的根目录中的 /sys 和 /dev 属于本机（救援机器），而不是被检查的"
			      "机器：已忽略；改为根据 /etc/fstab 和 /etc/lvm/backup 判断"));
	}
	return !host;
}

/* Loads the layout; false when the check has nothing to work on (status
 * set). */
static bool layout_load(const struct check_ctx *ctx, struct check_result *r, struct layout *L)
{
	memset(L, 0, sizeof *L);
	if (ctx->t->os == TARGET_OS_WINDOWS) {
		result_set(r, STATUS_NA, "%s", T("not a Linux machine", "不是 Linux 机器"));
		return false;
	}
	struct rootid id, *idp = NULL;
	if (ctx->t->offline) {
		rootid_load(&id, ctx->t);
		idp = &id;
	}
	int rc;
	if (idp && idp->host_proc) {
		/* The host's /proc/mounts would describe the rescue machine. */
		for (size_t i = 0; i < idp->host_why.n; i++)
			result_note(r, "%s", idp->host_why.v[i]);
		rc = blkdev_mounts_read(ctx->t, "/etc/fstab", &L->m);
	} else {
		rc = blkdev_mounts_load(ctx->t, &L->m);
	}
	if (rc < 0) {
		result_set(r, ctx->t->live ? STATUS_ERROR : STATUS_NA, "%s",
			   T("no mount table: neither /proc/mounts nor /etc/fstab can be read",
			     "没有挂载表：/proc/mounts 和 /etc/fstab 都无法读取"));
		if (idp)
			rootid_free(idp);
		return false;
	}
	result_note(r,
		    L->m.fstab ? T("mount table: %s (what the machine mounts at boot)",
				   "挂载表：%s（机器启动时挂载的内容）")
			       : T("mount table: %s (what is mounted now)",
				   "挂载表：%s（当前已挂载的内容）"),
		    L->m.path);
	L->root = blkdev_mounts_find(&L->m, "/");
	L->boot = blkdev_mounts_find(&L->m, "/boot");
	L->efi = blkdev_mounts_find(&L->m, "/boot/efi");
	if (!L->root) {
		result_set(r, L->m.fstab ? STATUS_NA : STATUS_ERROR,
			   T("%s has no entry for /", "%s 中没有 / 的条目"), L->m.path);
		if (idp)
			rootid_free(idp);
		return false;
	}
	mount_evidence(r, &L->m, L->root);
	if (L->boot)
		mount_evidence(r, &L->m, L->boot);
	L->sysfs = sysfs_usable(ctx, r, idp);
	if (idp)
		rootid_free(idp);
	if (!L->sysfs)
		result_note(
			r, "%s",
			ctx->t->live
				? T("/sys/block lists no block devices", "/sys/block 中没有块设备")
				: T("the mounted root has no /sys of its own: the disks of the "
				    "machine it came from cannot be seen from here",
				    "挂载的根目录没有自己的 /sys：无法从此处看到其原机器的磁盘"));
	return true;
}

/* Frees what layout_load read. */
static void layout_free(struct layout *L)
{
	blkdev_mounts_free(&L->m);
}

/* Whether a mount source names a block device (not overlay, tmpfs, NFS,
 * ZFS...), by devname's list. */
static bool on_block_device(const struct blkdev_mount *e)
{
	return devname_is_block(devname_kind_str(e->source));
}

/* Sets NA when e is not on a block device; returns false then. */
static bool need_block(struct check_result *r, const struct blkdev_mount *e)
{
	if (on_block_device(e))
		return true;
	result_set(r, STATUS_NA,
		   T("%s is not on a block device (%s, %s): there is no disk to check",
		     "%s 不在块设备上（%s，%s）：没有可检查的磁盘"),
		   e->dir, e->source, e->fstype);
	return false;
}

/* The disks holding mount entry e, through sysfs; evidence says how.
 * Returns the number of disks added, or -1 when they cannot be told. When
 * kname is not NULL it gets the kernel name of the device (caller frees). */
static int mount_disks(const struct check_ctx *ctx, struct check_result *r,
		       const struct blkdev_mount *e, struct strvec *disks, char **kname)
{
	char *how = NULL;
	char *k = blkdev_kname(ctx->t, e->source, e->dir, &how);
	result_note(r, "%s: %s", e->dir, how);
	free(how);
	if (!k)
		return -1;
	struct sbuf trail = { 0 };
	struct strvec mine = { 0 };
	int n = blkdev_disks_of(ctx->t, k, &mine, &trail);
	if (n > 0) {
		result_note(r, T("%s: %s", "%s：%s"), e->dir, sb_str(&trail));
		for (size_t i = 0; i < mine.n; i++)
			if (!sv_contains(disks, mine.v[i]))
				sv_push(disks, mine.v[i]);
	}
	sb_free(&trail);
	sv_free(&mine);
	if (kname)
		*kname = k;
	else
		free(k);
	return n > 0 ? n : -1;
}

/* A list of strings joined with ", ". Caller frees. */
static char *joined(const struct strvec *v)
{
	struct sbuf b = { 0 };
	for (size_t i = 0; i < v->n; i++) {
		if (i)
			sb_add(&b, ", ");
		sb_add(&b, v->v[i]);
	}
	return sb_steal(&b);
}

/* Whether every name of a is in b. */
static bool subset(const struct strvec *a, const struct strvec *b)
{
	for (size_t i = 0; i < a->n; i++)
		if (!sv_contains(b, a->v[i]))
			return false;
	return true;
}

/* Whether a mount source is a kernel device name (/dev/sda2,
 * /dev/nvme0n1p2, /dev/mmcblk0p1), by devname's list. */
static bool plain_device(const char *source)
{
	return devname_kind_str(source) == DEVNAME_KERNEL;
}

/* Whether the runner asked the check to stop. */
static bool cancelled(const struct check_ctx *ctx)
{
	return ctx->cancel && *ctx->cancel;
}

/* ---- 95309: /boot and / on the same disk ------------------------------------------- */

/* disk.boot_system: the disks of /boot must be among the disks of /. */
static void run_boot_system(const struct check_ctx *ctx, struct check_result *r)
{
	struct layout L;
	if (!layout_load(ctx, r, &L))
		goto out;
	if (!L.boot) {
		result_set(r, STATUS_PASS, "%s",
			   T("/boot is not a separate file system: it is part of /, "
			     "on the same disk",
			     "/boot 不是单独的文件系统：它属于 /，在同一磁盘上"));
		goto out;
	}
	if (!need_block(r, L.root) || !need_block(r, L.boot))
		goto out;
	if (!L.sysfs) {
		if (plain_device(L.boot->source) && plain_device(L.root->source)) {
			char *db = blkdev_disk_name_guess(L.boot->source);
			char *dr = blkdev_disk_name_guess(L.root->source);
			result_note(r, "%s",
				    T("judged by the device names in the mount table",
				      "根据挂载表中的设备名判断"));
			if (strcmp(db, dr) == 0)
				result_set(r, STATUS_PASS,
					   T("/boot and / are on the same disk (%s)",
					     "/boot 和 / 在同一磁盘上（%s）"),
					   db);
			else
				result_set(
					r, STATUS_WARN,
					T("/boot is on %s and / on %s: supported since Mobility service 9.20; "
					  "older agents fail with ErrorID 95309",
					  "/boot 在 %s 上，/ 在 %s 上：移动服务 9.20 起支持；"
					  "更早的版本会以 ErrorID 95309 失败"),
					db, dr);
			free(db);
			free(dr);
		} else {
			result_set(
				r, STATUS_NA,
				T("/boot (%s) and / (%s) are separate file systems; which disks hold them "
				  "cannot be seen without /sys",
				  "/boot（%s）和 /（%s）是不同的文件系统；没有 /sys 无法得知它们所在的磁盘"),
				L.boot->source, L.root->source);
		}
		goto out;
	}
	struct strvec bd = { 0 }, rd = { 0 };
	int nb = mount_disks(ctx, r, L.boot, &bd, NULL);
	int nr = mount_disks(ctx, r, L.root, &rd, NULL);
	if (nb < 0 || nr < 0) {
		result_set(r, STATUS_WARN,
			   T("cannot tell which disk holds %s", "无法判断 %s 在哪个磁盘上"),
			   nb < 0 ? "/boot" : "/");
	} else {
		char *b = joined(&bd), *s = joined(&rd);
		if (subset(&bd, &rd))
			result_set(r, STATUS_PASS,
				   T("/boot and / are on the same disk (%s)",
				     "/boot 和 / 在同一磁盘上（%s）"),
				   b);
		else
			result_set(
				r, STATUS_WARN,
				T("/boot is on %s and / on %s: supported since Mobility service 9.20; "
				  "older agents fail with ErrorID 95309",
				  "/boot 在 %s 上，/ 在 %s 上：移动服务 9.20 起支持；"
				  "更早的版本会以 ErrorID 95309 失败"),
				b, s);
		free(b);
		free(s);
	}
	sv_free(&bd);
	sv_free(&rd);
out:
	layout_free(&L);
}

const struct check_def check_disk_boot_system = {
	.id = "disk.boot_system",
	.title_en = "/boot and / on the same disk",
	.title_zh = "/boot 与 / 位于同一磁盘",
	.run = run_boot_system,
};

/* ---- probing disks ------------------------------------------------------------------ */

/* What probing a list of disks found: the strongest boot mark, how many
 * disks could be read and carry a partition table or boot code, and which
 * disks carry strong or only weak marks or could not be read. */
struct probe_sum {
	int best;
	size_t readable, with_table;
	struct strvec strong, weak, unreadable;
	char *first_cause; /* owned */
};

/* Probes every disk in names, recording a note per disk, and sums up
 * what was found. */
static void probe_disks(const struct check_ctx *ctx, struct check_result *r,
			const struct strvec *names, struct probe_sum *ps)
{
	memset(ps, 0, sizeof *ps);
	for (size_t i = 0; i < names->n && !cancelled(ctx); i++) {
		struct blkdev_disk d;
		char *cause = NULL;
		int rc = blkdev_disk_probe(ctx->t, names->v[i], &d, &cause);
		if (rc < 0) {
			bool perm = (rc == -EACCES || rc == -EPERM) && !ctx->t->is_root;
			result_note(r, T("/dev/%s: %s%s%s%s", "/dev/%s：%s%s%s%s"), names->v[i],
				    cause ? cause : "?", perm ? " (" : "",
				    perm ? target_needs_root(ctx->t) : "", perm ? ")" : "");
			sv_push(&ps->unreadable, names->v[i]);
			if (!ps->first_cause)
				ps->first_cause = cause;
			else
				free(cause);
			blkdev_disk_free(&d);
			continue;
		}
		free(cause);
		ps->readable++;
		char *desc = blkdev_disk_describe(&d);
		result_note(r, "/dev/%s: %s", names->v[i], desc);
		free(desc);
		if (d.pttype || d.boot_code)
			ps->with_table++;
		int m = blkdev_disk_boot_marks(&d);
		if (m > ps->best)
			ps->best = m;
		if (m == 2)
			sv_push(&ps->strong, names->v[i]);
		else if (m == 1)
			sv_push(&ps->weak, names->v[i]);
		blkdev_disk_free(&d);
	}
}

/* Frees a probe summary. */
static void probe_sum_free(struct probe_sum *ps)
{
	sv_free(&ps->strong);
	sv_free(&ps->weak);
	sv_free(&ps->unreadable);
	free(ps->first_cause);
}

/* ---- 95310: a boot disk exists --------------------------------------------------- */

/* disk.boot_present: a disk holding /boot/efi, /boot or / carries a boot loader. */
static void run_boot_present(const struct check_ctx *ctx, struct check_result *r)
{
	struct layout L;
	if (!layout_load(ctx, r, &L))
		goto out;
	if (!need_block(r, L.root))
		goto out;
	if (!L.sysfs) {
		result_set(
			r, STATUS_NA, "%s",
			ctx->t->live
				? T("no block devices in /sys/block", "/sys/block 中没有块设备")
				: T("the mounted root has no /sys: its boot disk is the disk it was "
				    "taken from, which cannot be seen from here",
				    "挂载的根目录没有 /sys：其引导磁盘是它所在的原磁盘，无法从此处看到"));
		goto out;
	}
	struct strvec cand = { 0 };
	const struct blkdev_mount *order[] = { L.efi, L.boot, L.root };
	for (size_t i = 0; i < ARRAY_LEN(order); i++)
		if (order[i] && on_block_device(order[i]))
			mount_disks(ctx, r, order[i], &cand, NULL);
	if (cand.n == 0) {
		result_set(r, STATUS_WARN, "%s",
			   T("cannot tell which disk holds /boot and /",
			     "无法判断 /boot 和 / 在哪个磁盘上"));
		sv_free(&cand);
		goto out;
	}
	struct probe_sum ps;
	probe_disks(ctx, r, &cand, &ps);
	char *names = joined(&cand);
	if (ps.readable == 0) {
		result_set(r, STATUS_WARN,
			   T("the disk(s) holding /boot and / (%s) cannot be read: %s",
			     "无法读取 /boot 和 / 所在的磁盘（%s）：%s"),
			   names, ps.first_cause ? ps.first_cause : "?");
	} else if (ps.best > 0) {
		char *b = joined(ps.strong.n ? &ps.strong : &ps.weak);
		result_set(r, STATUS_PASS, T("boot disk: %s", "引导磁盘：%s"), b);
		free(b);
	} else if (ps.unreadable.n > 0) {
		char *u = joined(&ps.unreadable);
		result_set(r, STATUS_WARN,
			   T("no boot loader found on the disks that could be read; %s "
			     "cannot be read",
			     "可读取的磁盘上没有找到引导程序；无法读取 %s"),
			   u);
		free(u);
	} else if (ps.with_table > 0) {
		result_set(
			r, STATUS_WARN,
			T("the disk(s) holding /boot and / (%s) have a partition table but no boot "
			  "loader was found on them",
			  "/boot 和 / 所在的磁盘（%s）有分区表，但没有找到引导程序"),
			names);
	} else {
		result_set(
			r, STATUS_FAIL,
			T("no boot disk: the disk(s) holding /boot and / (%s) carry no partition "
			  "table and no boot loader",
			  "没有引导磁盘：/boot 和 / 所在的磁盘（%s）既没有分区表也没有引导程序"),
			names);
	}
	free(names);
	probe_sum_free(&ps);
	sv_free(&cand);
out:
	layout_free(&L);
}

const struct check_def check_disk_boot_present = {
	.id = "disk.boot_present",
	.title_en = "A boot disk is present",
	.title_zh = "存在引导磁盘",
	.run = run_boot_present,
};

/* ---- 95311: only one boot disk ------------------------------------------------------ */

/* disk.boot_multiple: at most one disk carries a boot loader. */
static void run_boot_multiple(const struct check_ctx *ctx, struct check_result *r)
{
	if (ctx->t->os == TARGET_OS_WINDOWS) {
		result_set(r, STATUS_NA, "%s", T("not a Linux machine", "不是 Linux 机器"));
		return;
	}
	struct rootid id;
	if (ctx->t->offline)
		rootid_load(&id, ctx->t);
	bool usable = sysfs_usable(ctx, r, ctx->t->offline ? &id : NULL);
	if (ctx->t->offline)
		rootid_free(&id);
	if (!usable) {
		result_set(
			r, STATUS_NA, "%s",
			ctx->t->live
				? T("no block devices in /sys/block", "/sys/block 中没有块设备")
				: T("the mounted root has no /sys of its own: the disks of the machine "
				    "it came from cannot be seen from here",
				    "挂载的根目录没有自己的 /sys：无法从此处看到其原机器的磁盘"));
		return;
	}
	struct strvec disks = { 0 };
	int n = blkdev_list_disks(ctx->t, &disks);
	if (n <= 0) {
		result_set(r, STATUS_NA, "%s",
			   T("/sys/block lists no disks", "/sys/block 中没有磁盘"));
		sv_free(&disks);
		return;
	}
	char *all = joined(&disks);
	result_note(r, T("disks: %s", "磁盘：%s"), all);
	free(all);
	struct probe_sum ps;
	probe_disks(ctx, r, &disks, &ps);
	char *strong = joined(&ps.strong), *weak = joined(&ps.weak),
	     *unread = joined(&ps.unreadable);
	if (ps.strong.n >= 2) {
		result_set(r, STATUS_FAIL,
			   T("%zu disks carry a boot loader (%s): only one boot disk is "
			     "supported",
			     "%zu 个磁盘带有引导程序（%s）：只支持一个引导磁盘"),
			   ps.strong.n, strong);
	} else if (ps.strong.n + ps.weak.n >= 2) {
		result_set(
			r, STATUS_WARN,
			T("boot code on more than one disk (boot loader: %s; other boot code: %s); "
			  "a data disk partitioned by other tools may carry boot code it never uses",
			  "多个磁盘上有引导代码（引导程序：%s；其他引导代码：%s）；"
			  "由其他工具分区的数据盘可能带有不会使用的引导代码"),
			ps.strong.n ? strong : "-", weak);
	} else if (ps.unreadable.n > 0) {
		result_set(r, STATUS_WARN, T("%s cannot be read: %s", "无法读取 %s：%s"), unread,
			   ps.first_cause ? ps.first_cause : "?");
	} else if (ps.strong.n + ps.weak.n == 1) {
		result_set(r, STATUS_PASS, T("one boot disk: %s", "一个引导磁盘：%s"),
			   ps.strong.n ? strong : weak);
	} else {
		result_set(r, STATUS_PASS, "%s",
			   T("no disk carries more than one boot loader; none was "
			     "found at all (see the boot disk check)",
			     "没有多个引导磁盘；也没有找到任何引导程序（见引导磁盘检查）"));
	}
	free(strong);
	free(weak);
	free(unread);
	probe_sum_free(&ps);
	sv_free(&disks);
}

const struct check_def check_disk_boot_multiple = {
	.id = "disk.boot_multiple",
	.title_en = "Only one boot disk",
	.title_zh = "只有一个引导磁盘",
	.run = run_boot_multiple,
};

/* ---- 95313: / on one disk ----------------------------------------------------------- */

/* Without sysfs: what the LVM metadata backup says about an LVM volume.
 * Returns false when it cannot tell (status set to NA). */
static void span_from_lvm_backup(const struct check_ctx *ctx, struct check_result *r,
				 const struct blkdev_mount *e)
{
	char *vg = NULL, *lv = NULL;
	if (!blkdev_lvm_split(e->source, &vg, &lv)) {
		result_set(
			r, STATUS_NA,
			T("the mounted root has no /sys and its mount table names / as %s: which "
			  "disks hold it cannot be seen from here",
			  "挂载的根目录没有 /sys，挂载表中 / 为 %s：无法从此处看到它所在的磁盘"),
			e->source);
		return;
	}
	struct strvec pvdevs = { 0 }, disks = { 0 };
	int n = blkdev_lvm_backup_pvs(ctx->t, vg, lv, &pvdevs, &disks);
	if (n < 0) {
		result_set(
			r, STATUS_NA,
			T("/ is %s; /etc/lvm/backup/%s does not say which physical volumes "
			  "logical volume %s uses (%s)",
			  "/ 为 %s；/etc/lvm/backup/%s 中无法得知逻辑卷 %s 使用哪些物理卷（%s）"),
			e->source, vg, lv,
			n == -ENOENT  ? T("no such file", "文件不存在")
			: n == -ESRCH ? T("no such logical volume", "没有该逻辑卷")
				      : T("unreadable metadata", "元数据无法解析"));
	} else {
		char *pv = joined(&pvdevs), *d = joined(&disks);
		char *src = xasprintf("/etc/lvm/backup/%s", vg);
		result_file(r, src, 0, pv);
		free(src);
		result_note(r, "%s",
			    T("physical volume names are the hints LVM recorded when it last "
			      "saw them",
			      "物理卷名称是 LVM 上次看到它们时记录的提示"));
		if (disks.n > 1)
			result_set(
				r, STATUS_WARN,
				T("/ (%s) spans %zu disks (%s): supported since Mobility service 9.20; "
				  "older agents fail with ErrorID 95313",
				  "/（%s）跨越 %zu 个磁盘（%s）：移动服务 9.20 起支持；"
				  "更早的版本会以 ErrorID 95313 失败"),
				e->source, disks.n, d);
		else
			result_set(r, STATUS_PASS,
				   T("/ (%s) is on one disk (%s)", "/（%s）在一个磁盘上（%s）"),
				   e->source, disks.n ? d : pv);
		free(pv);
		free(d);
	}
	sv_free(&pvdevs);
	sv_free(&disks);
	free(vg);
	free(lv);
}

/* disk.root_span: / sits on one disk. */
static void run_root_span(const struct check_ctx *ctx, struct check_result *r)
{
	struct layout L;
	if (!layout_load(ctx, r, &L))
		goto out;
	if (!need_block(r, L.root))
		goto out;
	if (!L.sysfs) {
		if (plain_device(L.root->source)) {
			char *d = blkdev_disk_name_guess(L.root->source);
			result_set(r, STATUS_PASS,
				   T("/ is the partition %s, on one disk (%s)",
				     "/ 是分区 %s，在一个磁盘上（%s）"),
				   L.root->source, d);
			free(d);
		} else {
			span_from_lvm_backup(ctx, r, L.root);
		}
		goto out;
	}
	struct strvec disks = { 0 };
	char *k = NULL;
	int n = mount_disks(ctx, r, L.root, &disks, &k);
	char *d = joined(&disks);
	if (n < 0)
		result_set(r, STATUS_WARN, "%s",
			   T("cannot tell which disks hold /", "无法判断 / 在哪些磁盘上"));
	else if (disks.n > 1)
		result_set(r, STATUS_WARN,
			   T("/ (%s) spans %zu disks (%s): supported since Mobility service 9.20; "
			     "older agents fail with ErrorID 95313",
			     "/（%s）跨越 %zu 个磁盘（%s）：移动服务 9.20 起支持；"
			     "更早的版本会以 ErrorID 95313 失败"),
			   k, disks.n, d);
	else
		result_set(r, STATUS_PASS,
			   T("/ (%s) is on one disk (%s)", "/（%s）在一个磁盘上（%s）"), k, d);
	free(d);
	free(k);
	sv_free(&disks);
out:
	layout_free(&L);
}

const struct check_def check_disk_root_span = {
	.id = "disk.root_span",
	.title_en = "/ on a single disk",
	.title_zh = "/ 位于单个磁盘",
	.run = run_root_span,
};

/* ---- /boot on LVM --------------------------------------------------------------------- */

#define WARN_BOOT_LVM                                                                              \
	T("%s is on the LVM volume %s: supported since Mobility service 9.20; before 9.20 /boot "  \
	  "must be on a disk partition",                                                           \
	  "%s 位于 LVM 卷 %s 上：移动服务 9.20 起支持；9.20 之前 /boot 必须位于磁盘分区上")

/* disk.boot_lvm: /boot (or / when it holds /boot) is not an LVM volume. */
static void run_boot_lvm(const struct check_ctx *ctx, struct check_result *r)
{
	struct layout L;
	if (!layout_load(ctx, r, &L))
		goto out;
	const struct blkdev_mount *e = L.boot ? L.boot : L.root;
	const char *what = L.boot ? "/boot" : T("/ (which holds /boot)", "/（包含 /boot）");
	if (!need_block(r, e))
		goto out;
	if (L.sysfs) {
		char *how = NULL;
		char *k = blkdev_kname(ctx->t, e->source, e->dir, &how);
		result_note(r, "%s: %s", e->dir, how);
		free(how);
		if (!k) {
			result_set(
				r, STATUS_WARN,
				T("cannot tell which device holds %s", "无法判断 %s 在哪个设备上"),
				what);
		} else if (blkdev_is_lvm(ctx->t, k)) {
			char *dm = blkdev_dm_name(ctx->t, k);
			char *name = xasprintf("%s (%s)", dm ? dm : "?", k);
			result_set(r, STATUS_WARN, WARN_BOOT_LVM, what, name);
			free(name);
			free(dm);
		} else {
			char *dm = blkdev_dm_name(ctx->t, k);
			if (dm)
				result_set(r, STATUS_PASS,
					   T("%s is on %s (device-mapper %s, not LVM)",
					     "%s 位于 %s（device-mapper %s，不是 LVM）"),
					   what, k, dm);
			else
				result_set(r, STATUS_PASS,
					   T("%s is on %s, not on LVM", "%s 位于 %s，不在 LVM 上"),
					   what, k);
			free(dm);
		}
		free(k);
		goto out;
	}
	/* No sysfs: judge by the name and confirm with the LVM metadata backup. */
	char *vg = NULL, *lv = NULL;
	if (plain_device(e->source)) {
		result_set(
			r, STATUS_PASS,
			T("%s is on the partition %s, not on LVM", "%s 位于分区 %s，不在 LVM 上"),
			what, e->source);
	} else if (blkdev_lvm_split(e->source, &vg, &lv)) {
		char *backup = xasprintf("/etc/lvm/backup/%s", vg);
		struct strvec pvs = { 0 }, disks = { 0 };
		if (blkdev_lvm_backup_pvs(ctx->t, vg, lv, &pvs, &disks) >= 0) {
			result_file(r, backup, 0,
				    T("the volume group's metadata lists this logical volume",
				      "卷组元数据中列有该逻辑卷"));
			result_set(r, STATUS_WARN, WARN_BOOT_LVM, what, e->source);
		} else {
			result_set(
				r, STATUS_NA,
				T("%s is %s, which looks like an LVM volume, but %s does not confirm it",
				  "%s 为 %s，看起来像 LVM 卷，但 %s 无法确认"),
				what, e->source, backup);
		}
		sv_free(&pvs);
		sv_free(&disks);
		free(backup);
	} else {
		result_set(
			r, STATUS_NA,
			T("the mounted root has no /sys and names %s as %s: whether it is on LVM "
			  "cannot be told from here",
			  "挂载的根目录没有 /sys，%s 为 %s：无法从此处判断它是否在 LVM 上"),
			what, e->source);
	}
	free(vg);
	free(lv);
out:
	layout_free(&L);
}

const struct check_def check_disk_boot_lvm = {
	.id = "disk.boot_lvm",
	.title_en = "/boot not on LVM",
	.title_zh = "/boot 不在 LVM 上",
	.run = run_boot_lvm,
};
