/* fix_winhive.c: fixes to the registry of an offline Windows volume
 * (--root on an attached OS disk): LocalAccountTokenFilterPolicy (95107),
 * the boot drivers' Start values, the File and Printer Sharing and WMI
 * firewall rules (95105, 95106, 95103; the local policy's, never Group
 * Policy's, which Windows rewrites at each refresh), Netlogon's start
 * type (95522).
 *
 * A hive is one file, so a fix is one binary file edit through the one
 * apply path: the planner copies the hive into a private temporary folder,
 * sets the values on the copy with libhivex, commits it, reads the copy
 * back and checks every value, and hands the committed bytes to the plan;
 * apply backs up the whole original hive into the journal, replaces the
 * hive atomically, and reads it back again in place (plan_edit_verify),
 * putting the original back if a value is not what was planned. Undo
 * restores the original bytes exactly. The plan shows each key, value,
 * type, old and new data.
 *
 * A hive whose two sequence numbers differ was not closed cleanly: its
 * transaction logs (SYSTEM.LOG1, .LOG2) hold newer data that Windows
 * replays at boot, and libhivex does not read them. Such a hive is never
 * written. */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "engine/change/apply.h"
#include "engine/check_winhive.h"
#include "engine/fix.h"
#include "engine/hive.h"
#include "engine/change/plan.h"
#include "engine/fwpolicy.h"
#include "engine/winroot.h"

/* One value to set, with what it holds now. */
struct hive_change {
	char *key;            /* owned: path from the hive's root */
	char *name;           /* owned: the value's name */
	unsigned type;        /* HIVE_REG_DWORD or HIVE_REG_SZ */
	unsigned char *data;  /* owned: the new bytes */
	size_t len;
	char *old_shown;      /* owned: the data now, as shown ("3", "not set") */
	char *new_shown;      /* owned: the new data, as shown */
};

/* The changes of one plan, on one hive; also the in-place check's
 * argument. */
struct hive_changes {
	char *hive;                 /* owned: "SYSTEM", "SOFTWARE" */
	struct hive_change *v;      /* owned array */
	size_t n;
};

static void changes_free(void *arg)
{
	struct hive_changes *c = arg;
	if (!c)
		return;
	for (size_t i = 0; i < c->n; i++) {
		free(c->v[i].key);
		free(c->v[i].name);
		free(c->v[i].data);
		free(c->v[i].old_shown);
		free(c->v[i].new_shown);
	}
	free(c->v);
	free(c->hive);
	free(c);
}

/* Adds a change (data copied; the shown strings taken). */
static void change_add(struct hive_changes *c, const char *key, const char *name, unsigned type,
		       const void *data, size_t len, char *old_shown, char *new_shown)
{
	c->v = xrealloc(c->v, (c->n + 1) * sizeof *c->v);
	struct hive_change *h = &c->v[c->n++];
	h->key = xstrdup(key);
	h->name = xstrdup(name);
	h->type = type;
	h->data = xmalloc(len ? len : 1);
	memcpy(h->data, data, len);
	h->len = len;
	h->old_shown = old_shown;
	h->new_shown = new_shown;
}

static void change_dword(struct hive_changes *c, const char *key, const char *name, uint32_t v,
			 char *old_shown)
{
	unsigned char b[4] = { (unsigned char)v, (unsigned char)(v >> 8), (unsigned char)(v >> 16),
			       (unsigned char)(v >> 24) };
	change_add(c, key, name, HIVE_REG_DWORD, b, sizeof b, old_shown, xasprintf("%u", v));
}

/* Sets every change on the open (writable) hive h. Returns 0 or -errno
 * with *cause. */
static int changes_set(struct hive *h, const struct hive_changes *c, char **cause)
{
	for (size_t i = 0; i < c->n; i++) {
		hive_node n = hive_lookup(h, hive_root(h), c->v[i].key);
		int rc = n ? hive_set(h, n, c->v[i].name, c->v[i].type, c->v[i].data, c->v[i].len)
			   : -ENOENT;
		if (rc < 0) {
			*cause = xasprintf("%s\\%s: %s", c->v[i].key, c->v[i].name, strerror(-rc));
			return rc;
		}
	}
	return 0;
}

/* Reads the hive at host_path back and checks every change holds its new
 * type and bytes (plan_edit_verify's hook). */
static bool changes_verify(const char *host_path, const void *arg, char **output)
{
	const struct hive_changes *c = arg;
	char *cause = NULL;
	struct hive *h = hive_open(host_path, false, &cause);
	if (!h) {
		*output = xasprintf(T("the new %s hive cannot be read back: %s",
				      "无法读回新的 %s 配置单元：%s"),
				    c->hive, cause);
		free(cause);
		return false;
	}
	bool ok = true;
	for (size_t i = 0; ok && i < c->n; i++) {
		hive_node n = hive_lookup(h, hive_root(h), c->v[i].key);
		struct hive_value v;
		if (!n || hive_get(h, n, c->v[i].name, &v) < 0) {
			*output = xasprintf(T("%s\\%s is missing from the new hive", "新配置单元中缺少 %s\\%s"),
					    c->v[i].key, c->v[i].name);
			ok = false;
			continue;
		}
		if (v.type != c->v[i].type || v.len != c->v[i].len ||
		    memcmp(v.data, c->v[i].data, v.len) != 0) {
			*output = xasprintf(T("%s\\%s does not hold the planned data in the new hive",
					      "新配置单元中 %s\\%s 的数据与计划不符"),
					    c->v[i].key, c->v[i].name);
			ok = false;
		}
		hive_value_free(&v);
	}
	hive_close(h);
	return ok;
}

/* Whether the hive's base block says it was closed cleanly (its primary
 * and secondary sequence numbers, at 4 and 8, are equal). */
static bool hive_clean(const char *data, size_t len)
{
	return len >= 12 && memcmp(data + 4, data + 8, 4) == 0;
}

/* The committed bytes of the hive old (old_len bytes) with the changes
 * set: worked on a copy in a private temporary folder, committed with
 * libhivex and read back. Returns the bytes (caller frees) with *len, or
 * NULL with *cause. */
static char *changed_hive(const char *old, size_t old_len, const struct hive_changes *c,
			  size_t *len, char **cause)
{
	const char *tmp = getenv("TMPDIR");
	char *dir = xasprintf("%s/asr-doctor-hive-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(dir)) {
		*cause = xasprintf(T("cannot make a temporary folder: %s", "无法创建临时文件夹：%s"),
				   strerror(errno));
		free(dir);
		return NULL;
	}
	char *copy = xasprintf("%s/copy", dir), *done = xasprintf("%s/committed", dir);
	char *out = NULL;
	char *why = NULL;
	int rc = hostfs_write_new(&apply_fs_real, copy, old, old_len, 0600, geteuid(), getegid(),
				 &why);
	struct hive *h = NULL;
	if (rc < 0)
		*cause = xasprintf(T("cannot copy the hive: %s", "无法复制配置单元：%s"), why);
	else if (!(h = hive_open(copy, true, cause)))
		;
	else if (changes_set(h, c, cause) == 0 && hive_commit(h, done, cause) == 0 &&
		 changes_verify(done, c, cause) &&
		 !(out = util_read_file(done, PLAN_BINARY_MAX, len)))
		*cause = xasprintf(T("cannot read the committed copy: %s", "无法读取已提交的副本：%s"),
				   strerror(errno));
	free(why);
	hive_close(h);
	unlink(copy);
	unlink(done);
	rmdir(dir);
	free(copy);
	free(done);
	free(dir);
	return out;
}

/* Builds the plan for changes c to hive c->hive of ctx->t (taking c).
 * Returns NULL with *cause when there is nothing to change, the target
 * has no hive files, or the hive cannot be read, is not clean, or does
 * not take the change. */
static struct plan *hive_plan(const struct fix_ctx *ctx, const struct fix_def *def,
			      struct hive_changes *c, const char *reason, char **cause)
{
	struct target *t = ctx->t;
	char *path = xasprintf("%s/%s", WINROOT_CONFIG, c->hive), *real = NULL;
	char *old = NULL;
	size_t old_len = 0;
	struct plan *p = NULL;
	int rc = target_realpath(t, path, &real);
	if (rc == 0)
		rc = t->ops->read_file(t, real, &old, &old_len, PLAN_BINARY_MAX);
	if (rc < 0) {
		*cause = xasprintf(T("cannot read %s: %s", "无法读取 %s：%s"), path, strerror(-rc));
		goto out;
	}
	if (!hive_clean(old, old_len)) {
		*cause = xasprintf(
		    T("%s was not closed cleanly (its sequence numbers differ): its transaction logs hold newer data that Windows replays at boot. Boot the machine once, or shut it down cleanly, before changing it offline; nothing was changed",
		      "%s 未正常关闭（其序列号不一致）：其事务日志中有较新的数据，Windows 会在启动时重放。请先启动一次或正常关机，再离线修改；未做任何更改"),
		    path);
		goto out;
	}
	size_t new_len = 0;
	char *why = NULL;
	char *new = changed_hive(old, old_len, c, &new_len, &why);
	if (!new) {
		*cause = xasprintf(T("%s: %s; nothing was changed", "%s：%s；未做任何更改"), path, why);
		free(why);
		goto out;
	}
	p = plan_new(def->id, T(def->title_en, def->title_zh));
	plan_add_checks(p, def->check_ids);
	if (ctx->anchor)
		plan_set_anchor(p, ctx->anchor);
	for (size_t i = 0; i < c->n; i++) {
		const struct hive_change *h = &c->v[i];
		const char *type = h->type == HIVE_REG_DWORD ? "REG_DWORD" : "REG_SZ";
		plan_before(p, "%s\\%s\\%s (%s) = %s", c->hive, h->key, h->name, type,
			    h->old_shown);
		plan_after(p, "%s\\%s\\%s (%s) = %s", c->hive, h->key, h->name, type,
			   h->new_shown);
	}
	struct file_edit *e = plan_add_binary_edit(p, t, real, new, new_len, reason, cause);
	free(new);
	if (!e) {
		plan_free(p);
		p = NULL;
		goto out;
	}
	plan_edit_verify(e, changes_verify, c, changes_free);
	c = NULL;
	plan_note(p, "%s",
		  T("The change is made on a copy of the hive with libhivex, read back, then the hive is replaced whole; the original hive is kept in the journal.",
		    "更改先用 libhivex 在配置单元副本上进行并读回校验，然后整体替换配置单元；原配置单元保存在日志中。"));
	plan_set_undo(p, T("undo puts the whole original hive back, byte for byte (refused when the hive changed since, unless --force)",
			   "撤销会逐字节恢复整个原配置单元（若之后配置单元有变化则拒绝，除非使用 --force）"));
out:
	changes_free(c);
	free(old);
	free(path);
	free(real);
	return p;
}

/* Starts a plan on hive name of ctx->t: returns the hive opened for
 * reading, with *c a new, empty change list for it; or NULL with *cause
 * (and nothing held) when the target is not an offline Windows volume or
 * the hive cannot be opened. */
static struct hive *plan_begin(const struct fix_ctx *ctx, const char *name,
			       struct hive_changes **c, char **cause)
{
	*c = NULL;
	if (!ctx->t->hive_files) {
		*cause = xstrdup(
		    T("this fix changes the registry of a Windows OS disk attached to this machine (--root); on a running Windows machine use reg add as the article shows",
		      "此修复修改挂载到本机的 Windows 系统盘的注册表（--root）；在运行中的 Windows 上请按文章使用 reg add"));
		return NULL;
	}
	char *why = NULL;
	struct hive *h = winroot_open(ctx->t, name, NULL, &why);
	if (!h) {
		*cause = xasprintf(T("%s; nothing was changed", "%s；未做任何更改"), why);
		free(why);
		return NULL;
	}
	*c = xcalloc(1, sizeof **c);
	(*c)->hive = xstrdup(name);
	return h;
}

/* The fixes of this file change an offline Windows volume's hives. */
static bool on_hive_files(const struct target *t)
{
	return t->hive_files;
}

/* A DWORD as shown in a plan: its value, or why there is none. */
static char *dword_shown(struct hive *h, hive_node n, const char *name, uint32_t *v)
{
	int rc = n ? hive_get_dword(h, n, name, v) : -ENOENT;
	return rc == 0 ? xasprintf("%u", *v)
		       : xstrdup(rc == -ENOENT ? T("not set", "未设置") : T("not a DWORD", "不是 DWORD"));
}

/* ---- 95107: LocalAccountTokenFilterPolicy ------------------------------ */

static const char *const uac_checks[] = { "win.uac", NULL };
extern const struct fix_def fix_win_uac;

static struct plan *plan_uac(const struct fix_ctx *ctx, char **cause)
{
	struct hive_changes *c;
	struct hive *h = plan_begin(ctx, "SOFTWARE", &c, cause);
	if (!h)
		return NULL;
	hive_node n = hive_lookup(h, hive_root(h), WINHIVE_UAC_KEY);
	uint32_t v = 0;
	char *shown = dword_shown(h, n, "LocalAccountTokenFilterPolicy", &v);
	hive_close(h);
	if (!n || (strcmp(shown, "1") == 0)) {
		*cause = !n ? xasprintf(T("the SOFTWARE hive has no %s key", "SOFTWARE 配置单元没有 %s 项"),
					WINHIVE_UAC_KEY)
			    : xstrdup(T("LocalAccountTokenFilterPolicy is already 1: nothing to do",
					"LocalAccountTokenFilterPolicy 已为 1：无需更改"));
		free(shown);
		changes_free(c);
		return NULL;
	}
	change_dword(c, WINHIVE_UAC_KEY, "LocalAccountTokenFilterPolicy", 1, shown);
	return hive_plan(ctx, &fix_win_uac, c,
			 T("remote UAC must not filter a local administrator's token (ErrorID 95107)",
			   "远程 UAC 不得筛选本地管理员的令牌（ErrorID 95107）"),
			 cause);
}

const struct fix_def fix_win_uac = {
	.applies = on_hive_files,
	.id = "win.uac_policy",
	.check_ids = uac_checks,
	.title_en = "Set LocalAccountTokenFilterPolicy to 1 in the offline registry",
	.title_zh = "在脱机注册表中将 LocalAccountTokenFilterPolicy 设为 1",
	.plan = plan_uac,
};

/* ---- boot drivers ------------------------------------------------------ */

static const char *const driver_checks[] = { "win.drivers", NULL };
extern const struct fix_def fix_win_boot_drivers;

static struct plan *plan_boot_drivers(const struct fix_ctx *ctx, char **cause)
{
	struct hive_changes *c;
	struct hive *h = plan_begin(ctx, "SYSTEM", &c, cause);
	if (!h)
		return NULL;
	struct strvec sets = { 0 };
	winroot_control_sets(h, &sets);
	struct sbuf missing = { 0 };
	for (size_t s = 0; s < sets.n; s++)
		for (size_t d = 0; winhive_boot_drivers[d]; d++) {
			char *key =
			    xasprintf("%s\\Services\\%s", sets.v[s], winhive_boot_drivers[d]);
			hive_node n = hive_lookup(h, hive_root(h), key);
			uint32_t v = 0;
			char *shown = n ? dword_shown(h, n, "Start", &v) : NULL;
			if (!n)
				sb_printf(&missing, "%s%s", missing.len ? ", " : "", key);
			else if (strcmp(shown, "0") != 0) {
				change_dword(c, key, "Start", 0, shown);
				shown = NULL;
			}
			free(shown);
			free(key);
		}
	hive_close(h);
	sv_free(&sets);
	if (c->n == 0) {
		*cause = missing.len
			     ? xasprintf(T("every boot driver present starts at boot; missing drivers cannot be set, reinstall them: %s",
					   "现有启动驱动程序均在启动时加载；缺少的驱动程序无法设置，请重新安装：%s"),
					 sb_str(&missing))
			     : xstrdup(T("every boot driver starts at boot: nothing to do",
					 "所有启动驱动程序都在启动时加载：无需更改"));
		sb_free(&missing);
		changes_free(c);
		return NULL;
	}
	char *reason = xstrdup(
	    T("storage and Hyper-V drivers must start at boot (Start 0) for the VM to boot in Azure",
	      "存储和 Hyper-V 驱动程序必须在启动时加载（Start 0），虚拟机才能在 Azure 中启动"));
	struct plan *p = hive_plan(ctx, &fix_win_boot_drivers, c, reason, cause);
	if (p && missing.len)
		plan_note(p, T("Missing drivers cannot be set here; reinstall them: %s",
			       "缺少的驱动程序无法在此设置，请重新安装：%s"),
			  sb_str(&missing));
	free(reason);
	sb_free(&missing);
	return p;
}

const struct fix_def fix_win_boot_drivers = {
	.applies = on_hive_files,
	.id = "win.boot_drivers",
	.check_ids = driver_checks,
	.title_en = "Start the storage and Hyper-V drivers at boot in every control set",
	.title_zh = "在每个控制集中让存储和 Hyper-V 驱动程序在启动时加载",
	.plan = plan_boot_drivers,
};

/* ---- 95522: Netlogon --------------------------------------------------- */

static const char *const netlogon_checks[] = { "win.netlogon", NULL };
extern const struct fix_def fix_win_netlogon;

static struct plan *plan_netlogon(const struct fix_ctx *ctx, char **cause)
{
	struct hive_changes *c;
	struct hive *h = plan_begin(ctx, "SYSTEM", &c, cause);
	if (!h)
		return NULL;
	char *set = winroot_current_set(h, cause);
	char *key = set ? xasprintf("%s\\Services\\Netlogon", set) : NULL;
	hive_node n = key ? hive_lookup(h, hive_root(h), key) : 0;
	uint32_t v = 0;
	char *shown = n ? dword_shown(h, n, "Start", &v) : NULL;
	hive_close(h);
	struct plan *p = NULL;
	if (set && !n)
		*cause = xstrdup(T("the Netlogon service is not installed: nothing to set",
				   "未安装 Netlogon 服务：无法设置"));
	else if (set && strcmp(shown, "2") == 0)
		*cause = xstrdup(T("Netlogon already starts automatically: nothing to do",
				   "Netlogon 已自动启动：无需更改"));
	else if (set) {
		change_dword(c, key, "Start", 2, shown);
		shown = NULL;
		p = hive_plan(ctx, &fix_win_netlogon, c,
			      T("the push install needs Netlogon running (ErrorID 95522): start it automatically",
				"推送安装需要 Netlogon 运行（ErrorID 95522）：设为自动启动"),
			      cause);
		c = NULL;
	}
	changes_free(c);
	free(shown);
	free(key);
	free(set);
	return p;
}

const struct fix_def fix_win_netlogon = {
	.applies = on_hive_files,
	.id = "win.netlogon_auto",
	.check_ids = netlogon_checks,
	.title_en = "Start Netlogon automatically",
	.title_zh = "将 Netlogon 设为自动启动",
	.plan = plan_netlogon,
};

/* ---- 95105/95106/95103: firewall rule groups --------------------------- */

/* Enables the disabled key rules of group in the current control set's
 * local store that would be in force once enabled. Rules Group Policy
 * sets are not changed: the policy's key is rewritten from the policy at
 * every refresh, so the plan is refused, naming the rules, when only they
 * are disabled, or when the policy does not merge local rules. */
static struct plan *plan_firewall(const struct fix_ctx *ctx, const struct fix_def *def,
				  const char *group, bool (*key)(const struct winroot_fw_rule *),
				  const char *reason, char **cause)
{
	struct hive_changes *c;
	struct hive *h = plan_begin(ctx, "SYSTEM", &c, cause);
	if (!h)
		return NULL;
	char *set = winroot_current_set(h, cause);
	if (!set) {
		hive_close(h);
		changes_free(c);
		return NULL;
	}
	char *why = NULL;
	struct hive *soft = winroot_open(ctx->t, "SOFTWARE", NULL, &why);
	if (!soft) {
		*cause = xasprintf(T("cannot tell whether Group Policy overrides the firewall rules: %s; nothing was changed",
				     "无法确定组策略是否覆盖防火墙规则：%s；未做任何更改"),
				   why);
		free(why);
		free(set);
		hive_close(h);
		changes_free(c);
		return NULL;
	}
	struct fwpol_policy pol;
	int rc = fwpol_read(h, set, soft, group, key, &pol);
	hive_close(soft);
	hive_close(h);
	char *rkey = xasprintf("%s\\%s", set, WINROOT_FW_RULES);
	struct sbuf gpo_off = { 0 }, unmerged = { 0 };
	for (int i = 0; rc == 0 && i < pol.n; i++) {
		const struct fwpol_rule *fr = &pol.v[i];
		if (!fr->key || fr->rule.active || fr->replaced)
			continue;
		if (fr->store == FWPOL_GPO) {
			sb_printf(&gpo_off, "%s%s", gpo_off.len ? ", " : "", fr->id);
			continue;
		}
		if (!fr->effective) {
			sb_printf(&unmerged, "%s%s", unmerged.len ? ", " : "", fr->id);
			continue;
		}
		char *on = winroot_fw_enable(fr->text);
		size_t len;
		unsigned char *b = hive_utf16le(on, &len);
		if (b)
			change_add(c, rkey, fr->id, HIVE_REG_SZ, b, len, xstrdup(fr->text), on);
		else
			free(on);
		free(b);
	}
	char *gpo_note = gpo_off.len
			     ? xasprintf(T("Group Policy disables %s (SOFTWARE\\%s); Windows rewrites that key from the policy at every refresh, so enable them in the Group Policy Object (Computer Configuration > Windows Settings > Security Settings > Windows Defender Firewall with Advanced Security > Inbound Rules)",
					   "组策略禁用了 %s（SOFTWARE\\%s）；Windows 每次刷新策略都会重写该项，请在组策略对象中启用它们（计算机配置 > Windows 设置 > 安全设置 > 高级安全 Windows Defender 防火墙 > 入站规则）"),
					 sb_str(&gpo_off), FWPOL_GPO_RULES)
			     : NULL;
	struct plan *p = NULL;
	if (rc < 0)
		*cause = xstrdup(T("the firewall rules cannot be read; nothing was changed",
				   "无法读取防火墙规则；未做任何更改"));
	else if (c->n == 0 && gpo_note)
		*cause = xasprintf(T("%s; nothing was changed", "%s；未做任何更改"), gpo_note);
	else if (c->n == 0 && unmerged.len)
		*cause = xasprintf(
		    T("enabling %s in the local policy would not take effect: Group Policy sets AllowLocalPolicyMerge 0 in %s (SOFTWARE\\%s), so Windows ignores local rules there; add the rules to the Group Policy Object or allow local rules to merge; nothing was changed",
		      "在本地策略中启用 %s 不会生效：组策略在 %s 中设置了 AllowLocalPolicyMerge 0（SOFTWARE\\%s），Windows 会忽略那里的本地规则；请将规则加入组策略对象或允许合并本地规则；未做任何更改"),
		    sb_str(&unmerged), fwpol_profile_names(pol.no_merge), FWPOL_GPO_KEY);
	else if (c->n == 0)
		*cause = xstrdup(T("no disabled rule of the group to enable: nothing to do",
				   "该组没有需要启用的已禁用规则：无需更改"));
	else {
		p = hive_plan(ctx, def, c, reason, cause);
		c = NULL;
		if (p && gpo_note)
			plan_note(p, "%s", gpo_note);
		if (p && unmerged.len)
			plan_note(p, T("Not enabled, as Group Policy ignores local rules in %s: %s",
				       "未启用，因为组策略在 %s 中忽略本地规则：%s"),
				  fwpol_profile_names(pol.no_merge), sb_str(&unmerged));
	}
	changes_free(c);
	free(gpo_note);
	sb_free(&gpo_off);
	sb_free(&unmerged);
	fwpol_free(&pol);
	free(rkey);
	free(set);
	return p;
}

static const char *const file_sharing_checks[] = { "win.file_sharing", NULL };
extern const struct fix_def fix_win_file_sharing;

static struct plan *plan_file_sharing(const struct fix_ctx *ctx, char **cause)
{
	return plan_firewall(
	    ctx, &fix_win_file_sharing, WINROOT_FW_FILE_SHARING, winhive_smb_rule,
	    T("the push install copies the agent over SMB (TCP 445): File and Printer Sharing must be allowed (ErrorID 95105)",
	      "推送安装通过 SMB（TCP 445）复制代理：必须允许文件和打印机共享（ErrorID 95105）"),
	    cause);
}

const struct fix_def fix_win_file_sharing = {
	.applies = on_hive_files,
	.id = "win.file_sharing_rules",
	.check_ids = file_sharing_checks,
	.title_en = "Enable the File and Printer Sharing (SMB-In) firewall rules",
	.title_zh = "启用文件和打印机共享（SMB-In）防火墙规则",
	.plan = plan_file_sharing,
};

static const char *const wmi_checks[] = { "win.wmi", NULL };
extern const struct fix_def fix_win_wmi;

static struct plan *plan_wmi(const struct fix_ctx *ctx, char **cause)
{
	return plan_firewall(
	    ctx, &fix_win_wmi, WINROOT_FW_WMI, winhive_any_rule,
	    T("the push install uses WMI: its firewall rules must be enabled (ErrorID 95106, 95103)",
	      "推送安装使用 WMI：必须启用其防火墙规则（ErrorID 95106、95103）"),
	    cause);
}

const struct fix_def fix_win_wmi = {
	.applies = on_hive_files,
	.id = "win.wmi_rules",
	.check_ids = wmi_checks,
	.title_en = "Enable the Windows Management Instrumentation (WMI-In) firewall rules",
	.title_zh = "启用 Windows Management Instrumentation（WMI-In）防火墙规则",
	.plan = plan_wmi,
};
