/* fix_grub.c: 95320, device names where UUIDs belong. Two fixes, each
 * confirmed on its own: grub.use_uuid rewrites root= and resume= in every
 * boot loader file the scanner found them in (grub.cfg, menu.lst,
 * /etc/default/grub, BLS entries, grubenv, /etc/kernel/cmdline), turns
 * GRUB_DISABLE_LINUX_UUID=true off and offers to regenerate grub.cfg;
 * fstab.use_uuid rewrites the first field of /etc/fstab lines. Only the
 * scanner's exact byte span of each device name is replaced, and only by
 * a UUID that is known; every other byte of the file is kept. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "engine/fix.h"
#include "engine/grub.h"
#include "engine/change/plan.h"

/* Longest line shown whole in the before/after summary; longer ones show
 * a window around the changes. */
#define SHOW_MAX 240
#define SHOW_CONTEXT 60

static const char *const grub_checks[] = {"grub.device_names", NULL};
static const char *const fstab_checks[] = {"fstab.device_names", NULL};

/* One replacement of a span of a file. */
struct repl {
	size_t off, end;	      /* the span in the file: [off, end) */
	char *text;		      /* owned: what goes there */
	const struct grub_finding *f; /* borrowed: the finding it fixes */
};

/* The state of one planner run. */
struct build {
	struct plan *p;		 /* the plan being built (owned until returned) */
	struct target *t;	 /* borrowed */
	struct strvec uuid_seen; /* "device\nuuid" pairs already noted */
	struct strvec skipped;	 /* findings left as they are, one line each */
	bool default_edited;	 /* an /etc/default/grub file changes */
	bool cfg_edited;	 /* a grub.cfg changes */
};

/* "root=/dev/sda2", "/dev/sdb1" or "GRUB_DISABLE_LINUX_UUID=true" for a
 * finding. Caller frees. */
static char *finding_label(const struct grub_finding *f)
{
	if (f->param == GRUB_PARAM_FSTAB)
		return xstrdup(f->device);
	return xasprintf("%s=%s", grub_param_name(f->param), f->device);
}

/* Notes once per device where its UUID comes from; a UUID read from
 * fstab rather than the device is flagged for a second look. */
static void note_uuid(struct build *b, const struct grub_finding *f)
{
	const struct blkdev_uuid *u = &f->id;
	char *key = xasprintf("%s\n%s", f->device, u->uuid);
	if (sv_contains(&b->uuid_seen, key)) {
		free(key);
		return;
	}
	sv_take(&b->uuid_seen, key);
	if (u->origin == BLKDEV_ORIGIN_FSTAB)
		plan_note(b->p,
			  T("%s -> UUID=%s: taken from %s, not read from the device (it could "
			    "not be probed here): double-check it with 'blkid %s' on the running "
			    "machine before it boots with this change",
			    "%s -> UUID=%s：取自 %s，而不是从设备读取（此处无法探测该设备）："
			    "请在该机器运行时用 'blkid %s' 核对后再以此更改启动"),
			  f->device, u->uuid, u->source ? u->source : "/etc/fstab", f->device);
	else
		plan_note(b->p, T("%s -> UUID=%s (%s%s%s)", "%s -> UUID=%s（%s%s%s）"), f->device,
			  u->uuid, u->type ? u->type : "", u->type ? "; " : "",
			  u->source ? u->source : "?");
}

/* Shows s[0..n) on one line: control characters as '?', and when it is
 * long only a window around [a, z). Caller frees. */
static char *shown(const char *s, size_t n, size_t a, size_t z)
{
	size_t from = 0, to = n;
	if (n > SHOW_MAX) {
		from = a > SHOW_CONTEXT ? a - SHOW_CONTEXT : 0;
		to = z + SHOW_CONTEXT < n ? z + SHOW_CONTEXT : n;
		/* Never cut a UTF-8 sequence in half. */
		while (from > 0 && ((unsigned char)s[from] & 0xC0) == 0x80)
			from--;
		while (to < n && ((unsigned char)s[to] & 0xC0) == 0x80)
			to++;
	}
	struct sbuf o = {0};
	if (from > 0)
		sb_add(&o, "...");
	for (size_t i = from; i < to; i++) {
		unsigned char c = (unsigned char)s[i];
		sb_addc(&o, (c < 0x20 && c != '\t') || c == 0x7f ? '?' : (char)c);
	}
	if (to < n)
		sb_add(&o, "...");
	return sb_steal(&o);
}

/* Orders replacements by their place in the file. */
static int repl_cmp(const void *a, const void *b)
{
	const struct repl *x = a, *y = b;
	return x->off < y->off ? -1 : x->off > y->off;
}

/* Frees an array of replacements. */
static void repls_free(struct repl *r, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(r[i].text);
	free(r);
}

/* Adds the before and after lines of every line that changes: one summary
 * line each, "path:line: text". */
static void summarize_lines(struct build *b, const char *path, const char *data, size_t len,
			    const struct repl *r, size_t nr)
{
	for (size_t i = 0; i < nr;) {
		size_t lo = r[i].f->line_off;
		const char *nl = memchr(data + lo, '\n', len - lo);
		size_t le = nl ? (size_t)(nl - data) : len;
		if (le > lo && data[le - 1] == '\r')
			le--;
		struct sbuf nw = {0};
		size_t at = lo, k = i, z_new = 0;
		for (; k < nr && r[k].f->line_off == lo; k++) {
			sb_addn(&nw, data + at, r[k].off - at);
			sb_add(&nw, r[k].text);
			z_new = nw.len;
			at = r[k].end;
		}
		sb_addn(&nw, data + at, le - at);
		/* Indentation is left out of the summary (the diff shows it). */
		size_t lead = 0;
		while (lo + lead < r[i].off && (data[lo + lead] == ' ' || data[lo + lead] == '\t'))
			lead++;
		size_t a = r[i].off - lo - lead;
		char *old_s = shown(data + lo + lead, le - lo - lead, a, r[k - 1].end - lo - lead);
		char *new_s = shown(sb_str(&nw) + lead, nw.len - lead, a, z_new - lead);
		plan_before(b->p, "%s:%d: %s", path, r[i].f->line, old_s);
		plan_after(b->p, "%s:%d: %s", path, r[i].f->line, new_s);
		free(old_s);
		free(new_s);
		sb_free(&nw);
		i = k;
	}
}

/* Keeps a grubenv block at its size: the new text plus '#' padding to the
 * old length. old/old_len is the file as it is, nw the text with the
 * replacements made (still carrying the old padding). Returns 0, or
 * -ENOSPC / -EINVAL with *cause. */
static int grubenv_refit(const char *path, const char *old, size_t old_len, struct sbuf *nw,
			 char **cause)
{
	size_t body = old_len;
	while (body > 0 && old[body - 1] != '\n')
		body--;
	for (size_t i = body; i < old_len; i++)
		if (old[i] != '#') {
			*cause = xasprintf(
			    T("%s is not a GRUB environment block (what follows its "
			      "last line is not '#' padding): not changed",
			      "%s 不是 GRUB 环境块（最后一行之后不是 '#' 填充）：不予修改"),
			    path);
			return -EINVAL;
		}
	size_t pad = old_len - body;
	size_t new_body = nw->len - pad;
	if (new_body > old_len) {
		*cause = xasprintf(
		    T("%s: the new kernel parameters do not fit in its %zu-byte block (%zu "
		      "bytes too many); nothing was planned. Shorten other variables, or set "
		      "kernelopts on the running machine with 'grub2-editenv - set "
		      "kernelopts=...'",
		      "%s：新的内核参数放不进 %zu 字节的环境块（多出 %zu 字节）；未做任何计划。"
		      "请缩短其他变量，或在该机器运行时用 'grub2-editenv - set kernelopts=...' "
		      "设置"),
		    path, old_len, new_body - old_len);
		return -ENOSPC;
	}
	nw->len = new_body;
	nw->s[new_body] = '\0';
	for (size_t i = new_body; i < old_len; i++)
		sb_addc(nw, '#');
	return 0;
}

/* The reason line of a file's edit. */
static char *edit_reason(const struct grub_file *gf, bool devices, bool disable)
{
	const char *dev;
	switch (gf->source) {
	case GRUB_SRC_FSTAB:
		return xstrdup(T("a failed-over machine may see its disks under other names "
				 "(ErrorID 95320); UUID= stays the same",
				 "故障转移后的机器可能以其他名称看到磁盘（ErrorID 95320）；UUID= "
				 "保持不变"));
	case GRUB_SRC_DEFAULT:
		dev = T("grub-mkconfig copies GRUB_CMDLINE_LINUX into every kernel command line: "
			"device names there may name other disks after failover (ErrorID 95320)",
			"grub-mkconfig 会把 GRUB_CMDLINE_LINUX 复制到每条内核命令行："
			"故障转移后这里的设备名可能指向其他磁盘（ErrorID 95320）");
		break;
	case GRUB_SRC_GRUBENV:
		dev = T("kernelopts is the kernel command line of boot entries that use "
			"$kernelopts (ErrorID 95320); the block keeps its size (the '#' padding "
			"is adjusted)",
			"kernelopts 是使用 $kernelopts 的启动项的内核命令行（ErrorID 95320）；"
			"环境块大小不变（调整 '#' 填充）");
		break;
	default:
		dev = T("the kernel must find its root and resume devices by UUID: device names "
			"may name other disks on the failed-over machine (ErrorID 95320)",
			"内核必须通过 UUID 找到根设备和 resume 设备：在故障转移后的机器上，"
			"设备名可能指向其他磁盘（ErrorID 95320）");
		break;
	}
	const char *dis = T("GRUB_DISABLE_LINUX_UUID=false: with true, the next grub-mkconfig "
			    "writes device names again",
			    "GRUB_DISABLE_LINUX_UUID=false：若为 true，下一次 grub-mkconfig "
			    "会再次写入设备名");
	if (devices && disable)
		return xasprintf("%s; %s", dev, dis);
	return xstrdup(disable ? dis : dev);
}

/* Plans the edit of one scanned file: every finding in it that can be
 * replaced exactly is, the others are noted. Returns 0 (also when nothing
 * in it can change), or -errno with *cause (caller frees). */
static int plan_file(struct build *b, const struct grub_scan *s, const struct grub_file *gf,
		     char **cause)
{
	struct repl *r = NULL;
	size_t nr = 0, cap = 0;
	unsigned long long hash = 0;
	bool devices = false, disable = false;
	for (size_t i = 0; i < s->n; i++) {
		const struct grub_finding *f = &s->f[i];
		if (strcmp(f->path, gf->path) != 0)
			continue;
		hash = f->file_hash;
		char *label = finding_label(f);
		char *text = NULL;
		if (f->param == GRUB_PARAM_DISABLE_UUID) {
			text = xstrdup("false");
			disable = true;
		} else if (!f->exact) {
			const char *name =
			    f->param == GRUB_PARAM_FSTAB ? "" : grub_param_name(f->param);
			const char *eq = f->param == GRUB_PARAM_FSTAB ? "" : "=";
			sv_take(&b->skipped,
				xasprintf(
				    T("%s:%d: %s is written with shell quoting inside the "
				      "device name (%.*s), so it is left as it is: change it by "
				      "hand to %s%sUUID=%s",
				      "%s:%d：%s 的设备名中带有 shell 引号（%.*s），因此保持不变："
				      "请手动改为 %s%sUUID=%s"),
				    f->path, f->line, label, (int)(f->end - f->start),
				    f->text + f->start, name, eq,
				    f->id.uuid ? f->id.uuid : T("<its UUID>", "<其 UUID>")));
		} else if (!f->id.uuid) {
			sv_take(&b->skipped,
				xasprintf(T("%s:%d: %s is left as it is: its UUID is unknown (%s)",
					    "%s:%d：%s 保持不变：其 UUID 未知（%s）"),
					  f->path, f->line, label, f->id.why ? f->id.why : "?"));
		} else {
			text = xasprintf("UUID=%s", f->id.uuid);
			devices = true;
			note_uuid(b, f);
		}
		free(label);
		if (!text)
			continue;
		r = xgrow(r, &cap, nr + 1, sizeof *r);
		r[nr++] = (struct repl){.off = f->line_off + f->start,
					.end = f->line_off + f->end,
					.text = text,
					.f = f};
	}
	if (nr == 0)
		return 0;

	char *data = NULL;
	size_t len = 0;
	int rc = target_read(b->t, gf->path, &data, &len);
	if (rc < 0) {
		*cause =
		    xasprintf(T("cannot read %s: %s", "无法读取 %s：%s"), gf->path, strerror(-rc));
		repls_free(r, nr);
		return rc;
	}
	if (hash_fnv1a(data, len) != hash) {
		*cause = xasprintf(T("%s changed while the fix was being planned; plan it again",
				     "%s 在规划修复时发生了变化；请重新规划"),
				   gf->path);
		free(data);
		repls_free(r, nr);
		return -ESTALE;
	}
	qsort(r, nr, sizeof *r, repl_cmp);
	/* The spans must hold what the scanner saw, and not overlap. */
	for (size_t i = 0; i < nr; i++) {
		const struct grub_finding *f = r[i].f;
		bool ok =
		    r[i].off < r[i].end && r[i].end <= len && (i == 0 || r[i - 1].end <= r[i].off);
		if (ok && f->param != GRUB_PARAM_DISABLE_UUID)
			ok = r[i].end - r[i].off == strlen(f->device) &&
			     memcmp(data + r[i].off, f->device, r[i].end - r[i].off) == 0;
		if (!ok) {
			*cause =
			    xasprintf(T("%s line %d: the device name is not where the scan found "
					"it; nothing was planned",
					"%s 第 %d 行：设备名不在扫描发现的位置；未做任何计划"),
				      gf->path, f->line);
			free(data);
			repls_free(r, nr);
			return -EINVAL;
		}
	}
	struct sbuf nw = {0};
	size_t at = 0;
	for (size_t i = 0; i < nr; i++) {
		sb_addn(&nw, data + at, r[i].off - at);
		sb_add(&nw, r[i].text);
		at = r[i].end;
	}
	sb_addn(&nw, data + at, len - at);
	rc = 0;
	if (gf->source == GRUB_SRC_GRUBENV)
		rc = grubenv_refit(gf->path, data, len, &nw, cause);
	if (rc == 0) {
		char *reason = edit_reason(gf, devices, disable);
		struct file_edit *e =
		    plan_add_edit(b->p, b->t, gf->path, sb_str(&nw), nw.len, reason, cause);
		free(reason);
		if (!e) {
			rc = -EINVAL;
		} else if (e->old_len != len || memcmp(e->old_data, data, len) != 0) {
			*cause =
			    xasprintf(T("%s changed while the fix was being planned; plan it again",
					"%s 在规划修复时发生了变化；请重新规划"),
				      gf->path);
			rc = -ESTALE;
		} else {
			summarize_lines(b, gf->path, data, len, r, nr);
			if (gf->source == GRUB_SRC_DEFAULT)
				b->default_edited = true;
			if (gf->source == GRUB_SRC_CFG)
				b->cfg_edited = true;
		}
	}
	sb_free(&nw);
	free(data);
	repls_free(r, nr);
	return rc;
}

/* Whether any of the files exists on the target. */
static bool any_exists(struct target *t, const char *const *paths)
{
	for (size_t i = 0; paths[i]; i++)
		if (target_exists(t, paths[i]))
			return true;
	return false;
}

/* The command that regenerates grub.cfg from /etc/default/grub on this
 * target: update-grub (Debian, Ubuntu), grub2-mkconfig (RHEL, SUSE; the
 * UEFI copy when that is the only grub.cfg), else grub-mkconfig. Fills
 * argv (up to 3 words and NULL); *out gets an owned output path or NULL. */
static void regen_command(struct target *t, const char *argv[4], char **out)
{
	static const char *const grub2_marks[] = {"/usr/sbin/grub2-mkconfig",
						  "/usr/bin/grub2-mkconfig", "/sbin/grub2-mkconfig",
						  "/boot/grub2", NULL};
	*out = NULL;
	if (target_exists(t, "/usr/sbin/update-grub")) {
		argv[0] = "update-grub";
		argv[1] = NULL;
		return;
	}
	if (any_exists(t, grub2_marks)) {
		if (!target_exists(t, "/boot/grub2/grub.cfg")) {
			/* target_glob expands the last component only. */
			struct strvec m = {0};
			target_glob(t, "/boot/efi/EFI/*", &m);
			for (size_t i = 0; i < m.n && !*out; i++) {
				char *c = xasprintf("%s/grub.cfg", m.v[i]);
				if (target_exists(t, c))
					*out = c;
				else
					free(c);
			}
			sv_free(&m);
		}
		if (!*out)
			*out = xstrdup("/boot/grub2/grub.cfg");
		argv[0] = "grub2-mkconfig";
	} else {
		*out = xstrdup("/boot/grub/grub.cfg");
		argv[0] = "grub-mkconfig";
	}
	argv[1] = "-o";
	argv[2] = *out;
	argv[3] = NULL;
}

/* Joins lines with "\n  " after a first line. Caller frees. */
static char *join_lines(const char *head, const struct strvec *v)
{
	struct sbuf o = {0};
	sb_add(&o, head);
	for (size_t i = 0; i < v->n; i++) {
		sb_add(&o, "\n  ");
		sb_add(&o, v->v[i]);
	}
	return sb_steal(&o);
}

/* Plans every scanned file of s; returns the plan, or NULL with *cause
 * when nothing can change or a file cannot be planned. */
static struct plan *plan_files(struct build *b, const struct grub_scan *s, char **cause)
{
	for (size_t i = 0; i < s->nfiles; i++) {
		if (s->files[i].err)
			continue;
		if (plan_file(b, s, &s->files[i], cause) < 0)
			return NULL;
	}
	if (b->p->nedits == 0) {
		*cause = join_lines(T("nothing can be changed safely:", "没有可以安全更改的内容："),
				    &b->skipped);
		return NULL;
	}
	for (size_t i = 0; i < b->skipped.n; i++)
		plan_note(b->p, "%s", b->skipped.v[i]);
	if (s->identity)
		plan_note(b->p, "%s", s->identity);
	return b->p;
}

/* Frees what a build holds; the plan too when keep is false. */
static void build_done(struct build *b, bool keep)
{
	if (!keep)
		plan_free(b->p);
	sv_free(&b->uuid_seen);
	sv_free(&b->skipped);
}

/* grub.use_uuid: UUID= for every root=/resume= device name in the boot
 * loader files, GRUB_DISABLE_LINUX_UUID off, grub.cfg regenerated. */
static struct plan *plan_grub_uuid(const struct fix_ctx *ctx, char **cause)
{
	*cause = NULL;
	struct grub_scan *s = grub_scan(ctx->t, GRUB_SCAN_BOOT | GRUB_SCAN_UUID);
	if (s->n == 0) {
		*cause = xstrdup(s->nfiles ? T("no device name in root= or resume= and "
					       "GRUB_DISABLE_LINUX_UUID is not true: nothing to do",
					       "root= 和 resume= 中没有设备名，且 "
					       "GRUB_DISABLE_LINUX_UUID 不为 true：无事可做")
					   : T("no GRUB configuration found: nothing to do",
					       "没有找到 GRUB 配置：无事可做"));
		grub_scan_free(s);
		return NULL;
	}
	struct build b = {.t = ctx->t};
	b.p = plan_new("grub.use_uuid", T("Use UUIDs in the boot loader configuration",
					  "在引导加载程序配置中使用 UUID"));
	plan_add_checks(b.p, grub_checks);
	if (ctx->anchor)
		plan_set_anchor(b.p, ctx->anchor);
	struct plan *p = plan_files(&b, s, cause);
	grub_scan_free(s);
	if (!p) {
		build_done(&b, false);
		return NULL;
	}
	char *regen = NULL;
	if (b.default_edited) {
		const char *argv[4];
		char *out = NULL;
		regen_command(ctx->t, argv, &out);
		plan_add_command(p, argv,
				 T("grub.cfg is made from /etc/default/grub: regenerate it so the "
				   "boot menu is written from the new settings",
				   "grub.cfg 由 /etc/default/grub 生成：重新生成它，"
				   "使启动菜单采用新的设置"),
				 CMD_AFTER, true);
		regen = plan_argv_str(argv);
		free(out);
		if (!ctx->t->can_run)
			plan_note(p,
				  T("This is a mounted root: '%s' cannot run here; run it after "
				    "booting the machine.",
				    "这是挂载的根目录：'%s' 无法在此执行；请在启动该机器后执行。"),
				  regen);
	} else if (b.cfg_edited) {
		plan_note(
		    p, "%s",
		    T("grub.cfg is generated: this change edits it in place; /etc/default/grub "
		      "has nothing to change, so a later grub-mkconfig writes UUIDs as well.",
		      "grub.cfg 是生成的文件：此更改直接修改它；/etc/default/grub 无需更改，"
		      "因此以后运行 grub-mkconfig 也会写入 UUID。"));
	}
	plan_note(p, "%s",
		  T("No tool checks these files before the next boot: only the device names "
		    "shown above change, and the check scans the files again afterwards.",
		    "没有工具能在下次启动前校验这些文件：只修改上面列出的设备名，"
		    "更改后会再次扫描这些文件进行检查。"));
	struct grub_scan *fs = grub_scan(ctx->t, GRUB_SCAN_FSTAB);
	if (fs->n)
		plan_note(p,
			  T("/etc/fstab names devices too (%s, line %d%s): a separate change, "
			    "'asr-doctor fix fstab.use_uuid'.",
			    "/etc/fstab 中也写了设备名（%s，第 %d 行%s）：这是另一项更改，"
			    "'asr-doctor fix fstab.use_uuid'。"),
			  fs->f[0].device, fs->f[0].line, fs->n > 1 ? T(" and more", " 等") : "");
	grub_scan_free(fs);
	if (regen) {
		char *u = xasprintf(
		    T("'{undo}' puts back the exact bytes, mode and owner of every file "
		      "above. If '%s' ran, it rewrote grub.cfg: undo then reports grub.cfg as "
		      "changed and needs --force; run '%s' again after the undo.",
		      "'{undo}' 会恢复上述每个文件的原始内容、权限和属主。如果 '%s' "
		      "已执行，它改写了 grub.cfg：撤销时会报告 grub.cfg 已变化并需要 --force；"
		      "撤销后请再次运行 '%s'。"),
		    regen, regen);
		plan_set_undo(p, u);
		free(u);
	}
	free(regen);
	build_done(&b, true);
	return p;
}

const struct fix_def fix_grub_use_uuid = {
    .id = "grub.use_uuid",
    .check_ids = grub_checks,
    .title_en = "Use UUIDs in the boot loader configuration",
    .title_zh = "在引导加载程序配置中使用 UUID",
    .plan = plan_grub_uuid,
};

/* fstab.use_uuid: UUID= for every /dev/sdXN first field of /etc/fstab. */
static struct plan *plan_fstab_uuid(const struct fix_ctx *ctx, char **cause)
{
	*cause = NULL;
	struct grub_scan *s = grub_scan(ctx->t, GRUB_SCAN_FSTAB | GRUB_SCAN_UUID);
	if (s->nfiles == 0 || s->files[0].err || s->n == 0) {
		*cause = s->nfiles == 0 ? xstrdup(T("there is no /etc/fstab: nothing to do",
						    "没有 /etc/fstab：无事可做"))
			 : s->files[0].err
			     ? xstrdup(s->problems.n ? s->problems.v[0] : "/etc/fstab")
			     : xstrdup(T("no /etc/fstab entry names a device by its kernel "
					 "name: nothing to do",
					 "/etc/fstab 中没有按内核设备名指定设备的条目：无事可做"));
		grub_scan_free(s);
		return NULL;
	}
	struct build b = {.t = ctx->t};
	b.p = plan_new("fstab.use_uuid",
		       T("Mount by UUID in /etc/fstab", "在 /etc/fstab 中按 UUID 挂载"));
	plan_add_checks(b.p, fstab_checks);
	if (ctx->anchor)
		plan_set_anchor(b.p, ctx->anchor);
	struct plan *p = plan_files(&b, s, cause);
	grub_scan_free(s);
	if (!p) {
		build_done(&b, false);
		return NULL;
	}
	plan_note(p, "%s",
		  T("Nothing checks /etc/fstab before the next boot (a wrong entry can stop it "
		    "in emergency mode): the UUIDs above come from the filesystems themselves (a "
		    "libblkid probe of the device, as said for each), and 'findmnt --verify' on "
		    "the running machine lists any problem.",
		    "下次启动前没有工具校验 /etc/fstab（错误的条目可能使启动停在紧急模式）："
		    "上面的 UUID 来自文件系统本身（对设备的 libblkid 探测，逐项注明）；"
		    "在该机器运行时可用 'findmnt --verify' 列出问题。"));
	build_done(&b, true);
	return p;
}

const struct fix_def fix_grub_fstab_use_uuid = {
    .id = "fstab.use_uuid",
    .check_ids = fstab_checks,
    .title_en = "Mount by UUID in /etc/fstab",
    .title_zh = "在 /etc/fstab 中按 UUID 挂载",
    .plan = plan_fstab_uuid,
};
