/* check_grub.c: 95320, device names where UUIDs belong: root= and resume=
 * in the boot loader configuration (a failure) and device names in
 * /etc/fstab (a warning: a failed-over VM may not see the same names). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/check.h"
#include "engine/devname.h"
#include "engine/grub.h"

/* Longest line shown whole in evidence; longer ones show a window around
 * the device name. */
#define SHOW_MAX 240
#define SHOW_CONTEXT 80

/* The line of a finding as evidence: control characters replaced, a window
 * around the device name when the line is long. Caller frees. */
static char *shown_line(const struct grub_finding *f)
{
	const char *t = f->text;
	size_t n = strlen(t), a = 0, b = n;
	if (n > SHOW_MAX) {
		a = f->start > SHOW_CONTEXT ? f->start - SHOW_CONTEXT : 0;
		b = f->end + SHOW_CONTEXT < n ? f->end + SHOW_CONTEXT : n;
		/* Never cut a UTF-8 sequence in half. */
		while (a > 0 && ((unsigned char)t[a] & 0xC0) == 0x80)
			a--;
		while (b < n && ((unsigned char)t[b] & 0xC0) == 0x80)
			b++;
	}
	struct sbuf s = { 0 };
	if (a > 0)
		sb_add(&s, "...");
	for (size_t i = a; i < b; i++) {
		unsigned char c = (unsigned char)t[i];
		sb_addc(&s, (c < 0x20 && c != '\t') || c == 0x7f ? '?' : (char)c);
	}
	if (b < n)
		sb_add(&s, "...");
	return sb_steal(&s);
}

/* Records one finding: the line, then what belongs there. */
static void finding_evidence(struct check_result *r, const struct grub_finding *f)
{
	char *line = shown_line(f);
	result_file(r, f->path, f->line, line);
	free(line);
	if (f->param == GRUB_PARAM_DISABLE_UUID) {
		result_note(r, "%s",
			    T("GRUB_DISABLE_LINUX_UUID=true: grub-mkconfig (update-grub, "
			      "grub2-mkconfig) writes device names into the next grub.cfg; "
			      "remove the line or set it to false",
			      "GRUB_DISABLE_LINUX_UUID=true：grub-mkconfig（update-grub、"
			      "grub2-mkconfig）生成的下一个 grub.cfg 会写入设备名；"
			      "请删除该行或将其设为 false"));
		return;
	}
	const char *what = f->param == GRUB_PARAM_FSTAB ? "" : grub_param_name(f->param);
	const char *eq = f->param == GRUB_PARAM_FSTAB ? "" : "=";
	if (f->kernelopts)
		result_note(r, "%s",
			    T("grub.cfg's fallback kernelopts: the kernel command line of the boot "
			      "entries (BLS) that use $kernelopts when grubenv has no kernelopts",
			      "grub.cfg 中的后备 kernelopts：grubenv 中没有 kernelopts 时，使用 "
			      "$kernelopts 的启动项（BLS）的内核命令行"));
	if (f->kind == DEVNAME_BY_PATH || f->kind == DEVNAME_BY_ID)
		result_note(r, "%s: %s", f->device, devname_why_unstable(f->kind));
	if (f->id.uuid)
		result_note(r,
			    T("%s%s%s -> %s%sUUID=%s (%s%s%s)", "%s%s%s -> %s%sUUID=%s（%s%s%s）"),
			    what, eq, f->device, what, eq, f->id.uuid, f->id.type ? f->id.type : "",
			    f->id.type ? "; " : "", f->id.source);
	else
		result_note(r, T("%s%s%s: UUID unknown: %s", "%s%s%s：UUID 未知：%s"), what, eq,
			    f->device, f->id.why ? f->id.why : "?");
}

/* "root=/dev/sda2 in /boot/grub2/grub.cfg line 12" for a finding line. */
static char *finding_summary(const struct grub_finding *f)
{
	if (f->param == GRUB_PARAM_DISABLE_UUID)
		return xasprintf(T("GRUB_DISABLE_LINUX_UUID=true in %s line %d",
				   "%s 第 %d 行中的 GRUB_DISABLE_LINUX_UUID=true"),
				 f->path, f->line);
	if (f->param == GRUB_PARAM_FSTAB)
		return xasprintf(T("%s in %s line %d", "%s（%s 第 %d 行）"), f->device, f->path,
				 f->line);
	return xasprintf(T("%s=%s in %s line %d", "%s=%s（%s 第 %d 行）"),
			 grub_param_name(f->param), f->device, f->path, f->line);
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

/* grub.device_names: fail on any root=/resume= device name or GRUB_DISABLE_LINUX_UUID=true. */
static void run_device_names(const struct check_ctx *ctx, struct check_result *r)
{
	if (ctx->t->os == TARGET_OS_WINDOWS) {
		result_set(r, STATUS_NA, "%s", T("not a Linux machine", "不是 Linux 机器"));
		return;
	}
	struct grub_scan *s = grub_scan(ctx->t, GRUB_SCAN_BOOT | GRUB_SCAN_UUID);
	if (s->nfiles == 0) {
		char *where = joined(&s->looked);
		result_note(r, T("looked at: %s", "查找过：%s"), where);
		result_set(r, STATUS_NA,
			   T("no GRUB configuration found (looked at %s)",
			     "没有找到 GRUB 配置（查找过 %s）"),
			   where);
		free(where);
		grub_scan_free(s);
		return;
	}
	for (size_t i = 0; i < s->n; i++)
		finding_evidence(r, &s->f[i]);
	for (size_t i = 0; i < s->problems.n; i++)
		result_note(r, "%s", s->problems.v[i]);
	if (s->identity && s->n > 0)
		result_note(r, "%s", s->identity);
	if (s->n > 0) {
		char *first = finding_summary(&s->f[0]);
		if (s->n == 1)
			result_set(r, STATUS_FAIL,
				   T("a device name where a UUID belongs: %s",
				     "应使用 UUID 的地方写了设备名：%s"),
				   first);
		else
			result_set(r, STATUS_FAIL,
				   T("%zu places name devices where UUIDs belong: %s and %zu more",
				     "%zu 处应使用 UUID 的地方写了设备名：%s 等 %zu 处"),
				   s->n, first, s->n - 1);
		free(first);
		grub_scan_free(s);
		return;
	}
	/* Nothing wrong: show what each file says. */
	for (size_t i = 0; i < s->nfiles; i++) {
		const struct grub_file *gf = &s->files[i];
		if (gf->err)
			continue;
		if (gf->sample)
			result_file(r, gf->path, gf->sample_line, gf->sample);
		else
			result_file(
				r, gf->path, 0,
				T("no root= or resume= parameter", "没有 root= 或 resume= 参数"));
	}
	bool unread = false;
	for (size_t i = 0; i < s->nfiles; i++)
		unread = unread || s->files[i].err;
	if (unread)
		result_set(r, STATUS_WARN,
			   T("no device names found, but some files could not be read: %s",
			     "没有发现设备名，但有文件无法读取：%s"),
			   s->problems.n ? s->problems.v[0] : "?");
	else
		result_set(
			r, STATUS_PASS,
			T("%zu GRUB file(s) checked: root= and resume= use UUID=, LABEL= or stable names",
			  "已检查 %zu 个 GRUB 文件：root= 和 resume= 使用 UUID=、LABEL= 或稳定名称"),
			s->nfiles);
	grub_scan_free(s);
}

const struct check_def check_grub_device_names = {
	.id = "grub.device_names",
	.title_en = "GRUB uses UUIDs, not device names",
	.title_zh = "GRUB 使用 UUID 而非设备名",
	.run = run_device_names,
};

/* fstab.device_names: warn on device names in the first field of /etc/fstab. */
static void run_fstab_names(const struct check_ctx *ctx, struct check_result *r)
{
	if (ctx->t->os == TARGET_OS_WINDOWS) {
		result_set(r, STATUS_NA, "%s", T("not a Linux machine", "不是 Linux 机器"));
		return;
	}
	struct grub_scan *s = grub_scan(ctx->t, GRUB_SCAN_FSTAB | GRUB_SCAN_UUID);
	if (s->nfiles == 0) {
		result_set(r, STATUS_NA, "%s", T("there is no /etc/fstab", "没有 /etc/fstab"));
		grub_scan_free(s);
		return;
	}
	if (s->files[0].err) {
		result_set(r, STATUS_ERROR, "%s", s->problems.n ? s->problems.v[0] : "/etc/fstab");
		grub_scan_free(s);
		return;
	}
	for (size_t i = 0; i < s->n; i++)
		finding_evidence(r, &s->f[i]);
	for (size_t i = 0; i < s->problems.n; i++)
		result_note(r, "%s", s->problems.v[i]);
	if (s->identity && s->n > 0)
		result_note(r, "%s", s->identity);
	if (s->n > 0) {
		result_note(r, "%s",
			    T("a failed-over machine may see its disks under other names and "
			      "paths; UUID=, LABEL=, PARTUUID=, PARTLABEL=, /dev/disk/by-uuid and "
			      "/dev/mapper names stay the same",
			      "故障转移后的机器可能以其他名称和路径看到磁盘；UUID=、LABEL=、"
			      "PARTUUID=、PARTLABEL=、/dev/disk/by-uuid 和 /dev/mapper 名称保持不变"));
		char *first = finding_summary(&s->f[0]);
		if (s->n == 1)
			result_set(r, STATUS_WARN,
				   T("/etc/fstab mounts a device by name: %s",
				     "/etc/fstab 按设备名挂载：%s"),
				   first);
		else
			result_set(r, STATUS_WARN,
				   T("/etc/fstab mounts %zu devices by name: %s and %zu more",
				     "/etc/fstab 按设备名挂载 %zu 个设备：%s 等 %zu 个"),
				   s->n, first, s->n - 1);
		free(first);
	} else {
		char *none = xasprintf(T("no unstable device names (%s)", "没有不稳定的设备名（%s）"),
				       devname_unstable_list());
		result_file(r, "/etc/fstab", 0, none);
		free(none);
		result_set(r, STATUS_PASS, "%s",
			   T("no /etc/fstab entry names a device by its kernel name",
			     "/etc/fstab 中没有按内核设备名指定设备的条目"));
	}
	grub_scan_free(s);
}

const struct check_def check_fstab_device_names = {
	.id = "fstab.device_names",
	.title_en = "fstab uses UUIDs, not device names",
	.title_zh = "fstab 使用 UUID 而非设备名",
	.run = run_fstab_names,
};
