/* check_winhive.c: the Windows checks on an offline Windows volume (an OS
 * disk attached to a rescue machine): the same checks as check_windows.c,
 * reading the registry hives through engine/winroot instead of running
 * reg, sc, net and netsh. What only a running Windows can tell (a
 * service's state, the logged-in account, the network) is reported as not
 * applicable, with the reason; start types stand in for running state.
 * Evidence names the hive file and the key, value and data read. */
#include "engine/check_winhive.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "engine/fwpolicy.h"
#include "engine/winroot.h"
#include "engine/winsvc.h"

/* Records "KEY\VALUE = DATA" read from the hive file at path. */
static void hive_ev(struct check_result *r, const char *path, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void hive_ev(struct check_result *r, const char *path, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *text = xvasprintf(fmt, ap);
	va_end(ap);
	result_file(r, path, 0, text);
	free(text);
}

void winhive_open(const struct check_ctx *ctx, struct check_result *r, const char *name,
		  struct winhive *w)
{
	memset(w, 0, sizeof *w);
	char *cause = NULL;
	w->h = winroot_open(ctx->t, name, &w->path, &cause);
	if (!w->h) {
		result_set(r, STATUS_ERROR, T("cannot read the registry: %s", "无法读取注册表：%s"),
			   cause);
		free(cause);
		winhive_close(w);
		return;
	}
	if (strcmp(name, "SYSTEM") != 0)
		return;
	w->set = winroot_current_set(w->h, &cause);
	if (!w->set) {
		result_set(r, STATUS_ERROR,
			   T("%s: cannot tell the current control set: %s",
			     "%s：无法确定当前控制集：%s"),
			   w->path, cause);
		free(cause);
		winhive_close(w);
		return;
	}
	hive_ev(r, w->path, "Select\\Current -> %s", w->set);
}

void winhive_close(struct winhive *w)
{
	hive_close(w->h);
	free(w->path);
	free(w->set);
	memset(w, 0, sizeof *w);
}

/* Reads Services\svc\Start of the current control set: 0, -ENOENT when
 * the service is not installed, or another -errno. Records evidence. */
static int service_start(struct check_result *r, const struct winhive *w, const char *svc,
			 uint32_t *start)
{
	char *key = xasprintf("%s\\Services\\%s", w->set, svc);
	hive_node n = hive_lookup(w->h, hive_root(w->h), key);
	int rc = n ? hive_get_dword(w->h, n, "Start", start) : -ENOENT;
	if (rc == 0)
		hive_ev(r, w->path, "%s\\Start = %s", key, winsvc_start_name(*start));
	else
		hive_ev(r, w->path, "%s%s", key, n ? "\\Start: missing" : T(": no such key", "：无此项"));
	free(key);
	return n ? (rc == -ENOENT ? -EILSEQ : rc) : -ENOENT;
}

void winhive_na_live(const struct check_ctx *ctx, struct check_result *r)
{
	result_set(r, STATUS_NA, "%s",
		   T("needs the running Windows machine, not its disk: connect with --target after it boots",
		     "需要运行中的 Windows 计算机而不是其磁盘：启动后用 --target 连接"));
}

/* ---- os.supported ------------------------------------------------------ */

void winhive_os(const struct check_ctx *ctx, struct check_result *r,
		const struct support_table *tab)
{
	struct winhive w;
	winhive_open(ctx, r, "SOFTWARE", &w);
	if (!w.h)
		return;
	struct winroot_version v;
	int rc = winroot_version(w.h, &v);
	const char *key = "Microsoft\\Windows NT\\CurrentVersion";
	hive_ev(r, w.path, "%s\\ProductName = %s", key, v.product ? v.product : "-");
	hive_ev(r, w.path, "%s\\EditionID = %s", key, v.edition ? v.edition : "-");
	hive_ev(r, w.path, "%s\\CurrentBuildNumber = %s", key, v.build ? v.build : "-");
	if (v.display)
		hive_ev(r, w.path, "%s\\DisplayVersion = %s", key, v.display);
	if (rc < 0) {
		result_set(r, STATUS_WARN, "%s",
			   T("cannot read the Windows product name", "无法读取 Windows 产品名称"));
	} else {
		const char *match = support_windows(tab, v.product);
		if (match)
			result_set(r, STATUS_PASS,
				   T("%s (%s, build %s) is supported (listed as %s; table of %s)",
				     "%s（%s，版本号 %s）受支持（列为 %s；支持表日期 %s）"),
				   v.product, v.edition ? v.edition : "-", v.build ? v.build : "?",
				   match, tab->as_of);
		else
			result_set(r, STATUS_FAIL,
				   T("%s (%s, build %s) is not in the support table of %s",
				     "%s（%s，版本号 %s）不在 %s 的支持表中"),
				   v.product, v.edition ? v.edition : "-", v.build ? v.build : "?",
				   tab->as_of);
	}
	winroot_version_free(&v);
	winhive_close(&w);
}

/* ---- 95107: remote UAC ------------------------------------------------- */

void winhive_uac(const struct check_ctx *ctx, struct check_result *r)
{
	struct winhive w;
	winhive_open(ctx, r, "SOFTWARE", &w);
	if (!w.h)
		return;
	hive_node n = hive_lookup(w.h, hive_root(w.h), WINHIVE_UAC_KEY);
	uint32_t v = 0;
	int rc = n ? hive_get_dword(w.h, n, "LocalAccountTokenFilterPolicy", &v) : -ENOENT;
	if (rc == 0)
		hive_ev(r, w.path, "%s\\LocalAccountTokenFilterPolicy = %u", WINHIVE_UAC_KEY, v);
	else
		hive_ev(r, w.path, "%s\\LocalAccountTokenFilterPolicy: %s", WINHIVE_UAC_KEY,
			rc == -ENOENT ? T("not set", "未设置") : T("not a DWORD", "不是 DWORD"));
	if (rc == 0 && v == 1)
		result_set(
		    r, STATUS_PASS, "%s",
		    T("LocalAccountTokenFilterPolicy is 1: remote UAC does not filter local administrators",
		      "LocalAccountTokenFilterPolicy 为 1：远程 UAC 不会筛选本地管理员"));
	else
		result_set(
		    r, STATUS_FAIL,
		    T("LocalAccountTokenFilterPolicy is %s: remote UAC strips a local account's administrator rights (it matters when the push install uses a local account); set it to 1",
		      "LocalAccountTokenFilterPolicy 为 %s：远程 UAC 会去除本地账户的管理员权限（推送安装使用本地账户时有影响）；请设为 1"),
		    rc == 0 ? (v == 0 ? "0" : T("not 1", "不为 1")) : T("not set", "未设置"));
	winhive_close(&w);
}

/* ---- missing drivers --------------------------------------------------- */

const char *const winhive_boot_drivers[] = { "atapi", "intelide", "storflt", "vmbus", "storvsc",
					     NULL };

void winhive_drivers(const struct check_ctx *ctx, struct check_result *r)
{
	struct winhive w;
	winhive_open(ctx, r, "SYSTEM", &w);
	if (!w.h)
		return;
	struct strvec sets = { 0 };
	winroot_control_sets(w.h, &sets);
	struct sbuf missing = { 0 }, late = { 0 };
	for (size_t s = 0; s < sets.n; s++)
		for (size_t d = 0; winhive_boot_drivers[d]; d++) {
			char *key = xasprintf("%s\\Services\\%s", sets.v[s], winhive_boot_drivers[d]);
			hive_node n = hive_lookup(w.h, hive_root(w.h), key);
			uint32_t start = 0;
			int rc = n ? hive_get_dword(w.h, n, "Start", &start) : -ENOENT;
			if (!n) {
				hive_ev(r, w.path, "%s: %s", key, T("no such key", "无此项"));
				sb_printf(&missing, "%s%s", missing.len ? ", " : "", key);
			} else if (rc < 0 || start != 0) {
				hive_ev(r, w.path, "%s\\Start = %s", key,
					rc < 0 ? T("missing", "缺失") : winsvc_start_name(start));
				sb_printf(&late, "%s%s", late.len ? ", " : "", key);
			} else {
				hive_ev(r, w.path, "%s\\Start = %s", key, winsvc_start_name(start));
			}
			free(key);
		}
	if (sets.n == 0)
		result_set(r, STATUS_ERROR,
			   T("%s: no ControlSetNNN key", "%s：没有 ControlSetNNN 项"), w.path);
	else if (missing.len || late.len)
		result_set(
		    r, STATUS_FAIL,
		    T("%s%s%s%s%s; the machine may not boot in Azure",
		      "%s%s%s%s%s；计算机在 Azure 中可能无法启动"),
		    missing.len ? T("drivers missing (reinstall them): ", "缺少驱动程序（请重新安装）：") : "",
		    sb_str(&missing), missing.len && late.len ? "; " : "",
		    late.len ? T("boot drivers not set to start at boot (Start 0): ",
				 "启动驱动程序未设为在启动时加载（Start 0）：")
			     : "",
		    sb_str(&late));
	if (sets.n && !missing.len && !late.len)
		result_set(
		    r, STATUS_PASS,
		    T("atapi, intelide, storflt, vmbus and storvsc are present and start at boot in %zu control set(s) (current: %s)",
		      "atapi、intelide、storflt、vmbus 和 storvsc 存在且在启动时加载，共 %zu 个控制集（当前：%s）"),
		    sets.n, w.set);
	sb_free(&missing);
	sb_free(&late);
	sv_free(&sets);
	winhive_close(&w);
}

/* ---- 95521/95522: Netlogon --------------------------------------------- */

void winhive_netlogon(const struct check_ctx *ctx, struct check_result *r)
{
	struct winhive w;
	winhive_open(ctx, r, "SYSTEM", &w);
	if (!w.h)
		return;
	uint32_t start = 0;
	int rc = service_start(r, &w, "Netlogon", &start);
	if (rc == -ENOENT)
		result_set(r, STATUS_FAIL, "%s",
			   T("the Netlogon service is not installed", "未安装 Netlogon 服务"));
	else if (rc < 0)
		result_set(r, STATUS_WARN, "%s",
			   T("Netlogon's start type cannot be read", "无法读取 Netlogon 的启动类型"));
	else if (start == 2)
		result_set(r, STATUS_PASS, "%s",
			   T("the Netlogon service starts automatically", "Netlogon 服务自动启动"));
	else if (start == 4)
		result_set(r, STATUS_FAIL, "%s",
			   T("the Netlogon service is disabled (95522): it will not run after boot",
			     "Netlogon 服务已禁用（95522）：启动后不会运行"));
	else
		result_set(
		    r, STATUS_WARN,
		    T("the Netlogon service's start type is %s: it runs only when started (net start Netlogon)",
		      "Netlogon 服务的启动类型为 %s：只有手动启动才会运行（net start Netlogon）"),
		    winsvc_start_name(start));
	winhive_close(&w);
}

/* ---- firewall rule groups ---------------------------------------------- */

bool winhive_smb_rule(const struct winroot_fw_rule *fr)
{
	return fr->protocol == 6 && fr->lport && strcmp(fr->lport, "445") == 0;
}

bool winhive_any_rule(const struct winroot_fw_rule *fr)
{
	(void)fr;
	return true;
}

void winhive_fw_read(const struct check_ctx *ctx, struct check_result *r, const struct winhive *w,
		     const char *group, bool (*key)(const struct winroot_fw_rule *),
		     struct fwpol_policy *p, int *rc)
{
	char *spath = NULL, *cause = NULL;
	struct hive *soft = winroot_open(ctx->t, "SOFTWARE", &spath, &cause);
	*rc = fwpol_read(w->h, w->set, soft, group, key, p);
	for (size_t i = 0; i < p->ev_local.n; i++)
		hive_ev(r, w->path, "%s", p->ev_local.v[i]);
	for (size_t i = 0; i < p->ev_gpo.n; i++)
		hive_ev(r, spath, "%s", p->ev_gpo.v[i]);
	if (!soft)
		hive_ev(r, spath,
			T("Group Policy's firewall settings cannot be read: %s",
			  "无法读取组策略的防火墙设置：%s"),
			cause);
	else if (!p->gpo_rules)
		hive_ev(r, spath, T("%s: no such key (no Group Policy firewall rules)",
				    "%s：无此项（无组策略防火墙规则）"),
			FWPOL_GPO_RULES);
	for (int i = 0; i < p->n; i++) {
		const struct fwpol_rule *fr = &p->v[i];
		bool gpo = fr->store == FWPOL_GPO;
		const char *why = "";
		if (fr->replaced)
			why = T("; replaced by Group Policy's rule of the same ID",
				"；被组策略中同 ID 的规则取代");
		else if (!gpo && fr->effective != fr->profiles)
			why = T("; Group Policy does not merge local rules (AllowLocalPolicyMerge 0) in some of its profiles",
				"；组策略在其部分配置文件中不合并本地规则（AllowLocalPolicyMerge 0）");
		hive_ev(r, gpo ? spath : w->path, "%s%s%s\\%s: %s (%s %s; %s %s)%s",
			gpo ? "" : w->set, gpo ? "" : "\\", gpo ? FWPOL_GPO_RULES : WINROOT_FW_RULES,
			fr->id, fr->rule.active ? "Active=TRUE" : "Active=FALSE",
			T("profiles", "配置文件"), fwpol_profile_names(fr->profiles),
			T("in force in", "生效于"), fwpol_profile_names(fr->effective), why);
	}
	hive_close(soft);
	free(spath);
	free(cause);
}

/* Appends "ID" to the list of its store in lists[store]. */
static void list_add(struct sbuf *lists, const struct fwpol_rule *fr)
{
	struct sbuf *b = &lists[fr->store];
	sb_printf(b, "%s%s", b->len ? ", " : "", fr->id);
}

/* "A, B (local policy); C (Group Policy)" from the two lists, the local
 * one's note saying why (may be NULL). */
static char *lists_text(struct sbuf *lists, const char *local_note)
{
	struct sbuf b = { 0 };
	if (lists[FWPOL_LOCAL].len)
		sb_printf(&b, "%s (%s%s%s)", sb_str(&lists[FWPOL_LOCAL]),
			  fwpol_store_name(FWPOL_LOCAL), local_note ? ", " : "",
			  local_note ? local_note : "");
	if (lists[FWPOL_GPO].len)
		sb_printf(&b, "%s%s (%s)", b.len ? "; " : "", sb_str(&lists[FWPOL_GPO]),
			  fwpol_store_name(FWPOL_GPO));
	return sb_steal(&b);
}

void winhive_firewall(const struct check_ctx *ctx, struct check_result *r, const char *group,
		      const char *group_name, bool (*key)(const struct winroot_fw_rule *),
		      const char *key_name)
{
	struct winhive w;
	winhive_open(ctx, r, "SYSTEM", &w);
	if (!w.h)
		return;
	struct fwpol_policy p;
	int rc;
	winhive_fw_read(ctx, r, &w, group, key, &p, &rc);
	if (p.off == FWPOL_ALL) {
		result_set(r, STATUS_PASS, "%s",
			   T("Windows Firewall is off in every profile",
			     "Windows 防火墙在所有配置文件中均已关闭"));
		fwpol_free(&p);
		winhive_close(&w);
		return;
	}
	int keys = 0, keys_on = 0;
	struct sbuf off[2] = { { 0 }, { 0 } }, ignored[2] = { { 0 }, { 0 } };
	bool stores_on[2] = { false, false };
	for (int i = 0; i < p.n; i++) {
		const struct fwpol_rule *fr = &p.v[i];
		if (!fr->key || fr->replaced)
			continue;
		keys++;
		if (fr->rule.active && fr->effective) {
			keys_on++;
			stores_on[fr->store] = true;
		} else if (fr->rule.active) {
			list_add(ignored, fr);
		} else {
			list_add(off, fr);
		}
	}
	char *off_text = lists_text(off, NULL);
	char *merge_note = xasprintf(T("not merged: Group Policy sets AllowLocalPolicyMerge 0 in %s",
				       "未合并：组策略在 %s 中设置 AllowLocalPolicyMerge 0"),
				     fwpol_profile_names(p.no_merge));
	char *ign_text = lists_text(ignored, merge_note);
	char *lost = xasprintf("%s%s%s", off_text, *off_text && *ign_text ? "; " : "", ign_text);
	if (rc < 0)
		result_set(r, STATUS_ERROR, T("%s: the firewall rules cannot be read", "%s：无法读取防火墙规则"),
			   w.path);
	else if (keys == 0)
		result_set(r, STATUS_WARN,
			   T("no %s rule of \"%s\" (%s) in the firewall policy (local or Group Policy)",
			     "防火墙策略（本地或组策略）中没有“%2$s”（%3$s）的 %1$s 规则"),
			   key_name, group_name, group);
	else if (keys_on == 0 && !*ign_text)
		result_set(r, STATUS_FAIL,
			   T("the %s rules of \"%s\" are disabled: %s", "“%2$s”的 %1$s 规则已禁用：%3$s"),
			   key_name, group_name, lost);
	else if (keys_on == 0)
		result_set(r, STATUS_FAIL,
			   T("the %s rules of \"%s\" are not in force: %s", "“%2$s”的 %1$s 规则未生效：%3$s"),
			   key_name, group_name, lost);
	else if (keys_on < keys)
		result_set(r, STATUS_WARN,
			   T("some %s rules of \"%s\" are not in force: %s", "“%2$s”的部分 %1$s 规则未生效：%3$s"),
			   key_name, group_name, lost);
	else
		result_set(r, STATUS_PASS,
			   T("the %s rules of \"%s\" are enabled (%s)", "“%2$s”的 %1$s 规则已启用（%3$s）"),
			   key_name, group_name,
			   stores_on[FWPOL_LOCAL] && stores_on[FWPOL_GPO]
			       ? T("local policy and Group Policy", "本地策略和组策略")
			       : fwpol_store_name(stores_on[FWPOL_GPO] ? FWPOL_GPO : FWPOL_LOCAL));
	for (int i = 0; i < 2; i++) {
		sb_free(&off[i]);
		sb_free(&ignored[i]);
	}
	free(off_text);
	free(merge_note);
	free(ign_text);
	free(lost);
	fwpol_free(&p);
	winhive_close(&w);
}

/* ---- 95105: administrative shares -------------------------------------- */

void winhive_share(const struct check_ctx *ctx, struct check_result *r)
{
	struct winhive w;
	winhive_open(ctx, r, "SYSTEM", &w);
	if (!w.h)
		return;
	char *key = xasprintf("%s\\Services\\LanmanServer\\Parameters", w.set);
	hive_node n = hive_lookup(w.h, hive_root(w.h), key);
	bool off = false;
	static const char *const names[] = { "AutoShareServer", "AutoShareWks" };
	for (size_t i = 0; n && i < ARRAY_LEN(names); i++) {
		uint32_t v;
		if (hive_get_dword(w.h, n, names[i], &v) == 0) {
			hive_ev(r, w.path, "%s\\%s = %u", key, names[i], v);
			off = off || v == 0;
		}
	}
	if (off)
		result_set(r, STATUS_FAIL,
			   T("administrative shares are turned off (%s: AutoShareServer or AutoShareWks is 0)",
			     "管理共享已关闭（%s：AutoShareServer 或 AutoShareWks 为 0）"),
			   key);
	else
		result_set(r, STATUS_PASS, "%s",
			   T("administrative shares are not turned off in the registry",
			     "注册表中未关闭管理共享"));
	free(key);
	winhive_close(&w);
}

/* ---- services: WMI, VSS, COM+/MSDTC, cluster --------------------------- */

/* Reads a service's start type from the hive and judges it
 * (winsvc_usable); false when it is not usable. */
static bool service_usable(struct check_result *r, const struct winhive *w, const char *svc,
			   const char *what)
{
	uint32_t start = 0;
	int rc = service_start(r, w, svc, &start);
	struct winsvc s = { .name = svc, .installed = rc != -ENOENT,
			    .start = rc == 0 && start <= 4 ? (int)start : -1,
			    .state = WINSVC_UNKNOWN };
	return winsvc_usable(r, &s, what);
}

void winhive_wmi_service(const struct check_ctx *ctx, struct check_result *r)
{
	struct winhive w;
	winhive_open(ctx, r, "SYSTEM", &w);
	if (!w.h)
		return;
	service_usable(r, &w, "Winmgmt", "WMI");
	winhive_close(&w);
}

/* The agent's VSS provider service, which the installer registers. */
#define ASR_VSS_PROVIDER "Azure Site Recovery VSS Provider"

void winhive_vss(const struct check_ctx *ctx, struct check_result *r)
{
	struct winhive w;
	winhive_open(ctx, r, "SYSTEM", &w);
	if (!w.h)
		return;
	if (service_usable(r, &w, "VSS", "Volume Shadow Copy"))
		result_set(r, STATUS_PASS, "%s",
			   T("the Volume Shadow Copy service is installed and not disabled",
			     "卷影复制服务已安装且未禁用"));
	/* A service marked for deletion keeps DeleteFlag 1 until the next
	 * boot; installing the provider then fails (0x80070430, exit 517). */
	char *key = xasprintf("%s\\Services\\" ASR_VSS_PROVIDER, w.set);
	hive_node n = hive_lookup(w.h, hive_root(w.h), key);
	uint32_t del = 0;
	if (!n)
		result_note(r, T("%s: not installed (the agent's installer adds it)",
				 "%s：未安装（由代理安装程序添加）"),
			    ASR_VSS_PROVIDER);
	else if (hive_get_dword(w.h, n, "DeleteFlag", &del) == 0 && del == 1) {
		hive_ev(r, w.path, "%s\\DeleteFlag = 1", key);
		result_set(
		    r, STATUS_FAIL,
		    T("the %s service is marked for deletion (VSS error 0x80070430, exit code 517): boot the machine once, then run InMageVSSProvider_Install.cmd",
		      "%s 服务已被标记为待删除（VSS 错误 0x80070430，退出代码 517）：请先启动一次计算机，再运行 InMageVSSProvider_Install.cmd"),
		    ASR_VSS_PROVIDER);
	} else {
		hive_ev(r, w.path, "%s: present", key);
	}
	free(key);
	winhive_close(&w);
}

void winhive_dcom(const struct check_ctx *ctx, struct check_result *r)
{
	struct winhive w;
	winhive_open(ctx, r, "SYSTEM", &w);
	if (!w.h)
		return;
	bool a = service_usable(r, &w, "MSDTC", "Distributed Transaction Coordinator");
	bool b = service_usable(r, &w, "COMSysApp", "COM+ System Application");
	if (a && b)
		result_set(r, STATUS_PASS, "%s",
			   T("MSDTC and COM+ are installed and not disabled",
			     "MSDTC 和 COM+ 已安装且未禁用"));
	winhive_close(&w);
}

void winhive_cluster(const struct check_ctx *ctx, struct check_result *r)
{
	struct winhive w;
	winhive_open(ctx, r, "SYSTEM", &w);
	if (!w.h)
		return;
	uint32_t start = 0;
	int rc = service_start(r, &w, "ClusSvc", &start);
	/* A cluster node keeps its cluster database here. */
	bool node = target_exists(ctx->t, "/Windows/Cluster/CLUSDB");
	if (rc == -ENOENT)
		result_set(r, STATUS_PASS, "%s", T("the cluster service is not installed", "未安装群集服务"));
	else if (rc == 0 && start == 4)
		result_set(r, STATUS_PASS, "%s",
			   T("the cluster service is installed but disabled", "群集服务已安装但已禁用"));
	else if (node)
		result_set(r, STATUS_PASS, "%s",
			   T("this machine is a cluster node (Windows\\Cluster\\CLUSDB)",
			     "此计算机是群集节点（Windows\\Cluster\\CLUSDB）"));
	else
		result_set(r, STATUS_FAIL, "%s",
			   T("the cluster service is enabled on a machine that is not a cluster node (no Windows\\Cluster\\CLUSDB)",
			     "群集服务在非群集节点上已启用（没有 Windows\\Cluster\\CLUSDB）"));
	winhive_close(&w);
}

/* ---- 95519/95520: local accounts --------------------------------------- */

/* Where an account name (--account) says the account lives. */
struct account_name {
	char *user;      /* owned: the name without its domain */
	char *domain;    /* owned: "HOST" of "HOST\\user", "dom" of
			  * "user@dom"; NULL for a bare name or ".\\user" */
};

static void account_name_parse(const char *s, struct account_name *a)
{
	const char *bs = strrchr(s, '\\'), *at = strrchr(s, '@');
	if (bs) {
		a->user = xstrdup(bs + 1);
		a->domain = bs - s == 1 && s[0] == '.' ? NULL : xstrndup(s, (size_t)(bs - s));
	} else if (at && at != s) {
		a->user = xstrndup(s, (size_t)(at - s));
		a->domain = xstrdup(at + 1);
	} else {
		a->user = xstrdup(s);
		a->domain = NULL;
	}
}

/* The state of an account, for evidence. */
static const char *account_state(const struct winroot_account *a)
{
	return !a->flags_known			  ? T("flags unreadable", "标志无法读取")
	       : a->flags & WINROOT_ACB_AUTOLOCK ? T("locked out", "已锁定")
	       : a->flags & WINROOT_ACB_DISABLED ? T("disabled", "已禁用")
						 : T("enabled", "已启用");
}

/* Whether the domain part of a name is this computer (read from the
 * SYSTEM hive, recorded as evidence). */
static bool domain_is_this_computer(const struct check_ctx *ctx, struct check_result *r,
				   const char *domain)
{
	struct winhive sys;
	struct check_result scratch;
	result_init(&scratch, "");
	winhive_open(ctx, &scratch, "SYSTEM", &sys);
	result_free(&scratch);
	if (!sys.h)
		return false;
	char *name = winroot_computer_name(sys.h, sys.set);
	if (name)
		hive_ev(r, sys.path, "%s\\Control\\ComputerName\\ComputerName\\ComputerName = %s",
			sys.set, name);
	bool same = name && winroot_name_eq(name, domain);
	free(name);
	winhive_close(&sys);
	return same;
}

/* Whether the local account with rid is in the Administrators group:
 * 1 yes, 0 no, -1 the SAM does not say (why in evidence). */
static int local_admin(struct check_result *r, const struct winhive *w, uint32_t rid)
{
	char *cause = NULL;
	char *msid = winroot_machine_sid(w->h, &cause);
	struct strvec m = { 0 };
	int n = msid ? winroot_alias_members(w->h, WINROOT_ALIAS_ADMINS, &m, &cause) : -1;
	int is = -1;
	if (n >= 0) {
		char *me = xasprintf("%s-%u", msid, rid);
		is = 0;
		struct sbuf list = { 0 };
		for (size_t i = 0; i < m.n; i++) {
			sb_printf(&list, "%s%s", list.len ? ", " : "", m.v[i]);
			if (strcmp(m.v[i], me) == 0)
				is = 1;
		}
		hive_ev(r, w->path,
			"SAM\\Domains\\Builtin\\Aliases\\%08X\\C (Administrators, S-1-5-32-544): %d %s%s%s",
			WINROOT_ALIAS_ADMINS, n, T("member(s)", "个成员"), n ? ": " : "", sb_str(&list));
		result_note(r, T("the account's SID is %s (the machine's SID and RID %u): %s",
				 "该账户的 SID 为 %s（计算机 SID 加 RID %u）：%s"),
			    me, rid,
			    is ? T("listed in Administrators", "在 Administrators 中")
			       : T("not listed in Administrators", "不在 Administrators 中"));
		sb_free(&list);
		free(me);
	} else {
		result_note(r, T("membership of Administrators cannot be read from the SAM: %s",
				 "无法从 SAM 读取 Administrators 成员身份：%s"),
			    cause);
	}
	free(cause);
	free(msid);
	sv_free(&m);
	return is;
}

/* Judges the account the push install uses (ctx->account) from the SAM:
 * present, enabled, not locked out, an administrator. A domain account is
 * not in the SAM: what the disk can and cannot say is said instead. */
static void named_account(const struct check_ctx *ctx, struct check_result *r, struct winhive *w,
			  const struct winroot_account *a, int n)
{
	struct account_name an;
	account_name_parse(ctx->account, &an);
	result_note(r, T("the push install's account (--account): %s", "推送安装使用的账户（--account）：%s"),
		    ctx->account);
	if (an.domain && !domain_is_this_computer(ctx, r, an.domain)) {
		result_set(
		    r, STATUS_WARN,
		    T("%s is a domain account: this disk's SAM holds local accounts only, so whether it is enabled, locked out or an administrator (directly or through a domain group) is known to the domain, not here; check it with --target once the machine runs",
		      "%s 是域账户：此磁盘的 SAM 只包含本地账户，其是否启用、锁定或为管理员（直接或通过域组）由域决定，此处无法得知；计算机运行后请用 --target 检查"),
		    ctx->account);
		free(an.user);
		free(an.domain);
		return;
	}
	int k = -1;
	struct sbuf names = { 0 };
	for (int i = 0; i < n; i++) {
		sb_printf(&names, "%s%s", names.len ? ", " : "", a[i].name);
		if (k < 0 && winroot_name_eq(a[i].name, an.user))
			k = i;
	}
	if (k < 0) {
		result_set(r, STATUS_FAIL,
			   T("there is no local account %s on this disk (local accounts: %s); give a domain account as DOMAIN\\NAME",
			     "此磁盘上没有本地账户 %s（本地账户：%s）；域账户请写作 DOMAIN\\NAME"),
			   an.user, sb_str(&names));
		sb_free(&names);
		free(an.user);
		free(an.domain);
		return;
	}
	sb_free(&names);
	const struct winroot_account *me = &a[k];
	hive_ev(r, w->path, "SAM\\Domains\\Account\\Users\\%08X (%s, RID %u): %s", me->rid, me->name,
		me->rid, account_state(me));
	int admin = local_admin(r, w, me->rid);
	struct sbuf bad = { 0 };
	if (me->flags_known && me->flags & WINROOT_ACB_DISABLED)
		sb_printf(&bad,
			  T("disabled (95519): net user \"%s\" /active:yes once it runs",
			    "已禁用（95519）：运行后执行 net user \"%s\" /active:yes"),
			  me->name);
	if (me->flags_known && me->flags & WINROOT_ACB_AUTOLOCK)
		sb_printf(&bad, "%s%s", bad.len ? "; " : "",
			  T("locked out after failed logins (95520)", "因登录失败次数过多而被锁定（95520）"));
	if (admin == 0)
		sb_printf(&bad, "%s%s", bad.len ? "; " : "",
			  T("not a member of the local Administrators group (95517)",
			    "不是本地 Administrators 组成员（95517）"));
	if (bad.len)
		result_set(r, STATUS_FAIL, T("the account %s is %s", "账户 %s %s"), me->name, sb_str(&bad));
	else if (!me->flags_known)
		result_set(r, STATUS_WARN,
			   T("the account %s exists, but its flags cannot be read (its F value is missing or short)",
			     "账户 %s 存在，但无法读取其标志（F 值缺失或过短）"),
			   me->name);
	else if (admin < 0)
		result_set(r, STATUS_WARN,
			   T("the account %s (RID %u) is enabled and not locked out; whether it is an administrator cannot be read from this SAM",
			     "账户 %s（RID %u）已启用且未锁定；无法从此 SAM 读取其是否为管理员"),
			   me->name, me->rid);
	else
		result_set(r, STATUS_PASS,
			   T("the account %s (RID %u) is enabled, not locked out, and a member of the local Administrators group",
			     "账户 %s（RID %u）已启用、未锁定，且是本地 Administrators 组成员"),
			   me->name, me->rid);
	sb_free(&bad);
	free(an.user);
	free(an.domain);
}

void winhive_accounts(const struct check_ctx *ctx, struct check_result *r)
{
	struct winhive w;
	winhive_open(ctx, r, "SAM", &w);
	if (!w.h)
		return;
	struct winroot_account *a = NULL;
	int n = winroot_accounts(w.h, &a);
	if (n < 0) {
		result_set(r, STATUS_ERROR,
			   T("%s: no SAM\\Domains\\Account\\Users key", "%s：没有 SAM\\Domains\\Account\\Users 项"),
			   w.path);
		winhive_close(&w);
		return;
	}
	if (ctx->account) {
		named_account(ctx, r, &w, a, n);
		winroot_accounts_free(a, n);
		winhive_close(&w);
		return;
	}
	struct sbuf locked = { 0 };
	int admin = -1;
	for (int i = 0; i < n; i++) {
		hive_ev(r, w.path, "SAM\\Domains\\Account\\Users\\%08X (%s, RID %u): %s", a[i].rid,
			a[i].name, a[i].rid, account_state(&a[i]));
		if (a[i].rid == 500)
			admin = i;
		if (a[i].flags_known && a[i].flags & WINROOT_ACB_AUTOLOCK)
			sb_printf(&locked, "%s%s", locked.len ? ", " : "", a[i].name);
	}
	if (locked.len)
		result_set(r, STATUS_FAIL,
			   T("locked out after failed logins (95520): %s", "因登录失败次数过多而被锁定（95520）：%s"),
			   sb_str(&locked));
	if (admin < 0)
		result_set(r, STATUS_WARN, "%s",
			   T("the built-in Administrator (RID 500) is not in the SAM", "SAM 中没有内置 Administrator（RID 500）"));
	else if (a[admin].flags & WINROOT_ACB_DISABLED)
		result_set(
		    r, STATUS_WARN,
		    T("the built-in Administrator (%s) is disabled (95519): the push install needs another enabled administrator account",
		      "内置 Administrator（%s）已禁用（95519）：推送安装需要另一个已启用的管理员账户"),
		    a[admin].name);
	else
		result_set(r, STATUS_PASS,
			   T("the built-in Administrator (%s) is enabled and no local account is locked out",
			     "内置 Administrator（%s）已启用，且没有本地账户被锁定"),
			   a[admin].name);
	sb_free(&locked);
	winroot_accounts_free(a, n);
	winhive_close(&w);
}
