/* fix_windows.c: fixes on a running Windows machine (a target whose os is
 * Windows and that runs commands: reached over its OpenSSH server), made
 * with the system's own commands, each with the command that undoes it:
 *
 *   win.uac_reg          reg add ...\Policies\System /v
 *                        LocalAccountTokenFilterPolicy /t REG_DWORD /d 1 /f
 *                        (95107); undone by putting back the previous type
 *                        and data, or deleting the value when there was none
 *   win.account_enable   net user NAME /active:yes (95519); /active:no
 *   win.netlogon_start   sc config Netlogon start= auto, sc start Netlogon
 *                        (95521/95522); the previous start type, sc stop
 *   win.file_sharing_enable, win.wmi_enable
 *                        the rules of the File and Printer Sharing and WMI
 *                        groups found by their language-independent group
 *                        references (@FirewallAPI.dll,-28502 and -34251;
 *                        Microsoft's System Center DPM documentation, on
 *                        installing the protection agent on a read-only
 *                        domain controller, enables WMI with netsh ...
 *                        set rule group="@FirewallAPI.dll,-34251", and the
 *                        WMI rules of a Windows registry export carry
 *                        EmbedCtxt=@FirewallAPI.dll,-34251) through PowerShell's NetSecurity module, and the
 *                        disabled ones enabled by their ids (95105/95106,
 *                        95103); undone by disabling exactly those again
 *   win.vss_provider     the agent's InMageVSSProvider_Install.cmd, as the
 *                        article names it; cannot be undone by asr-doctor
 *
 * Commands are shown as the line cmd.exe gets (plan->windows). The
 * offline fixes of an attached Windows disk are in fix_winhive.c. */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "engine/change/plan.h"
#include "engine/fix.h"
#include "engine/winparse.h"

/* A running Windows machine, or *cause (caller frees) saying why not. */
static bool live_windows(const struct fix_ctx *ctx, char **cause)
{
	if (ctx->t->os == TARGET_OS_WINDOWS && !ctx->t->hive_files && ctx->t->can_run)
		return true;
	*cause = xstrdup(
	    ctx->t->os != TARGET_OS_WINDOWS
		? T("this fix is for a Windows machine; connect to it with --target",
		    "此修复用于 Windows 计算机；请用 --target 连接")
		: T("this fix runs commands on a running Windows machine; on an attached Windows disk the registry fixes apply",
		    "此修复需要在运行中的 Windows 上执行命令；对挂载的 Windows 磁盘请使用注册表修复"));
	return false;
}

/* The fixes of this file run commands on a running Windows machine. */
static bool on_live_windows(const struct target *t)
{
	return t->os == TARGET_OS_WINDOWS && !t->hive_files && t->can_run;
}

/* Runs argv; returns standard output and error together (caller frees)
 * with *status, or NULL and *cause when it could not run. */
static char *run(const struct fix_ctx *ctx, const char *const argv[], int *status, char **cause)
{
	struct cmd_result r;
	int rc = target_run(ctx->t, argv, ctx->timeout_ms > 0 ? ctx->timeout_ms : 60000, &r);
	if (rc < 0 || r.timed_out) {
		*cause = xasprintf(T("%s could not run on the machine: %s", "%s 无法在该计算机上运行：%s"),
				   argv[0], rc < 0 ? strerror(-rc) : T("timed out", "超时"));
		if (rc == 0)
			cmd_result_free(&r);
		return NULL;
	}
	struct sbuf b = { 0 };
	sb_add(&b, r.out ? r.out : "");
	sb_add(&b, r.err ? r.err : "");
	*status = r.status;
	cmd_result_free(&r);
	return sb_steal(&b);
}

static struct plan *new_plan(const struct fix_ctx *ctx, const char *id, const char *title,
			     const char *const *checks)
{
	struct plan *p = plan_new(id, title);
	p->windows = true;
	plan_add_checks(p, checks);
	if (ctx->anchor)
		plan_set_anchor(p, ctx->anchor);
	return p;
}

/* ---- 95107: LocalAccountTokenFilterPolicy ------------------------------ */

#define UAC_KEY "HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Policies\\System"
#define UAC_NAME "LocalAccountTokenFilterPolicy"

static const char *const uac_checks[] = { "win.uac", NULL };

/* Whether data is what reg shows, and reg add takes back, for a DWORD:
 * 0x and hexadecimal digits. */
static bool dword_data(const char *d)
{
	if (strncmp(d, "0x", 2) != 0 || !d[2] || strlen(d) > 10)
		return false;
	for (const char *p = d + 2; *p; p++)
		if (!isxdigit((unsigned char)*p))
			return false;
	return true;
}

/* Whether s is one line of text reg add can take back as REG_SZ data. */
static bool sz_data(const char *s)
{
	return !strpbrk(s, "\r\n") && strlen(s) < 1024;
}

static struct plan *plan_uac(const struct fix_ctx *ctx, char **cause)
{
	if (!live_windows(ctx, cause))
		return NULL;
	const char *q[] = { "reg", "query", UAC_KEY, "/v", UAC_NAME, NULL };
	int st = -1;
	char *out = run(ctx, q, &st, cause);
	if (!out)
		return NULL;
	struct winreg_value v = { 0 };
	enum winreg_found f = winreg_parse_value(out, st, UAC_NAME, &v);
	if (f == WINREG_ERROR) {
		*cause = xasprintf(T("could not read reg query's answer; nothing was changed:\n%s",
				     "无法读取 reg query 的结果；未做任何更改：\n%s"),
				   out);
		free(out);
		return NULL;
	}
	free(out);
	if (f == WINREG_FOUND && v.is_num && v.num == 1) {
		winreg_value_free(&v);
		*cause = xstrdup(T(UAC_NAME " is 1 already: nothing to do", UAC_NAME " 已为 1：无需更改"));
		return NULL;
	}
	bool dword = f == WINREG_FOUND && !strcmp(v.type, "REG_DWORD") && dword_data(v.data);
	bool sz = f == WINREG_FOUND && !strcmp(v.type, "REG_SZ") && sz_data(v.data);
	if (f == WINREG_FOUND && !dword && !sz) {
		*cause = xasprintf(
		    T(UAC_NAME " holds %s %s, which asr-doctor cannot put back exactly; set it yourself",
		      UAC_NAME " 的值为 %s %s，asr-doctor 无法精确恢复；请自行设置"),
		    v.type, v.data);
		winreg_value_free(&v);
		return NULL;
	}
	struct plan *p = new_plan(ctx, "win.uac_reg",
				  T("Let local administrators keep their rights over the network",
				    "允许本地管理员通过网络保留管理员权限"),
				  uac_checks);
	if (f == WINREG_FOUND)
		plan_before(p, "%s\\%s = %s %s", UAC_KEY, UAC_NAME, v.type, v.data);
	else
		plan_before(p, "%s\\%s %s", UAC_KEY, UAC_NAME, T("is not set", "未设置"));
	plan_after(p, "%s\\%s = REG_DWORD 0x1", UAC_KEY, UAC_NAME);
	const char *add[] = { "reg", "add", UAC_KEY, "/v", UAC_NAME, "/t", "REG_DWORD", "/d", "1",
			      "/f", NULL };
	struct plan_cmd *c = plan_add_command(
	    p, add,
	    T("remote UAC strips a local account's administrator rights unless this is 1 (ErrorID 95107)",
	      "除非此值为 1，远程 UAC 会去除本地账户的管理员权限（ErrorID 95107）"),
	    CMD_AFTER, false);
	if (f == WINREG_FOUND) {
		const char *back[] = { "reg", "add", UAC_KEY, "/v", UAC_NAME, "/t", v.type, "/d",
				       v.data, "/f", NULL };
		plan_cmd_inverse(c, back);
	} else {
		const char *del[] = { "reg", "delete", UAC_KEY, "/v", UAC_NAME, "/f", NULL };
		plan_cmd_inverse(c, del);
	}
	plan_note(p, "%s",
		  T("No restart is needed: the policy applies to the next network logon.",
		    "无需重启：该策略对下一次网络登录生效。"));
	plan_note(p, "%s",
		  T("The article's own command lacks /f, and reg then asks before it overwrites a value; here /f is given.",
		    "文章中的命令没有 /f，覆盖已有值时 reg 会询问；此处加了 /f。"));
	winreg_value_free(&v);
	return p;
}

/* The inverse recorded for the reg add is one plan_uac writes: the
 * value deleted, or put back as a DWORD or a one-line string. */
static bool uac_inverse_ok(const struct fix_ctx *ctx, const char *const *argv,
			   const char *const *inv)
{
	(void)ctx;
	const char *add[] = { "reg", "add", UAC_KEY, "/v", UAC_NAME, "/t", "REG_DWORD", "/d", "1",
			      "/f", NULL };
	const char *del[] = { "reg", "delete", UAC_KEY, "/v", UAC_NAME, "/f", NULL };
	if (!argv_equal(argv, add))
		return false;
	if (argv_equal(inv, del))
		return true;
	size_t n = 0;
	while (inv[n])
		n++;
	if (n != 10)
		return false;
	for (size_t i = 0; i < 10; i++)
		if (i != 6 && i != 8 && strcmp(inv[i], add[i]) != 0)
			return false;
	return (!strcmp(inv[6], "REG_DWORD") && dword_data(inv[8])) ||
	       (!strcmp(inv[6], "REG_SZ") && sz_data(inv[8]));
}

const struct fix_def fix_win_uac_reg = {
	.applies = on_live_windows,
	.id = "win.uac_reg",
	.check_ids = uac_checks,
	.title_en = "Set LocalAccountTokenFilterPolicy to 1 (reg add)",
	.title_zh = "将 LocalAccountTokenFilterPolicy 设为 1（reg add）",
	.plan = plan_uac,
	.inverse_ok = uac_inverse_ok,
};

/* ---- 95519: the account is disabled ------------------------------------ */

static const char *const account_checks[] = { "win.account", NULL };

/* Whether a user name can be handed to net user: not empty, one line. */
static bool user_name_ok(const char *u)
{
	return *u && !strpbrk(u, "\r\n") && strlen(u) <= 256;
}

static struct plan *plan_account(const struct fix_ctx *ctx, char **cause)
{
	if (!live_windows(ctx, cause))
		return NULL;
	char *user = NULL;
	int st = -1;
	if (ctx->account) {
		const char *a = ctx->account, *bs = strrchr(a, '\\');
		if (strchr(a, '@') && !bs) {
			*cause = xstrdup(T("a domain account is enabled by a domain administrator (Active Directory), not here",
					   "域账户需由域管理员在 Active Directory 中启用，不在此处"));
			return NULL;
		}
		if (bs && !(bs - a == 1 && a[0] == '.')) {
			const char *h[] = { "hostname", NULL };
			char *host = run(ctx, h, &st, cause);
			if (!host)
				return NULL;
			char *hn = str_trim(host);
			hn[strcspn(hn, "\r\n")] = '\0';
			bool local = strlen(hn) == (size_t)(bs - a) &&
				     strncasecmp(hn, a, (size_t)(bs - a)) == 0;
			free(host);
			if (!local) {
				*cause = xstrdup(T("a domain account is enabled by a domain administrator (Active Directory), not here",
						   "域账户需由域管理员在 Active Directory 中启用，不在此处"));
				return NULL;
			}
		}
		user = xstrdup(bs ? bs + 1 : a);
	} else {
		const char *w[] = { "whoami", NULL };
		char *who = run(ctx, w, &st, cause);
		if (!who)
			return NULL;
		char *line = str_trim(who);
		line[strcspn(line, "\r\n")] = '\0';
		char *bs = strchr(line, '\\');
		user = bs ? xstrdup(bs + 1) : NULL;
		free(who);
		if (!user) {
			*cause = xstrdup(T("whoami did not name the account; give it with --account",
					   "whoami 没有给出账户；请用 --account 指定"));
			return NULL;
		}
	}
	if (!user_name_ok(user)) {
		*cause = xstrdup(T("the account's name cannot be passed to net user", "该账户名无法传给 net user"));
		free(user);
		return NULL;
	}
	const char *q[] = { "net", "user", user, NULL };
	char *out = run(ctx, q, &st, cause);
	if (!out) {
		free(user);
		return NULL;
	}
	struct win_user u;
	int prc = winnet_parse_user(out, &u);
	if (st != 0 || prc < 0) {
		*cause = xasprintf(T("could not read net user's answer; nothing was changed:\n%s",
				     "无法读取 net user 的结果；未做任何更改：\n%s"),
				   out);
		free(out);
		free(user);
		if (prc == 0)
			win_user_free(&u);
		return NULL;
	}
	free(out);
	enum win_active act = u.active;
	win_user_free(&u);
	if (act != WIN_ACTIVE_NO) {
		*cause = xstrdup(act == WIN_ACTIVE_LOCKED
					 ? T("the account is locked out, not disabled: it unlocks after the lockout duration, or an administrator clears \"Account is locked out\" in Local Users and Groups",
					     "该账户被锁定而非禁用：锁定期过后自动解锁，或由管理员在“本地用户和组”中取消“账户已锁定”")
					 : T("the account is not disabled: nothing to do", "该账户未被禁用：无需更改"));
		free(user);
		return NULL;
	}
	struct plan *p = new_plan(ctx, "win.account_enable",
				  T("Enable the push install's account", "启用推送安装使用的账户"),
				  account_checks);
	plan_before(p, T("the account %s is disabled (Account active: No)", "账户 %s 已禁用（Account active: No）"),
		    user);
	plan_after(p, T("the account %s is active", "账户 %s 已启用"), user);
	const char *on[] = { "net", "user", user, "/active:yes", NULL };
	const char *off[] = { "net", "user", user, "/active:no", NULL };
	struct plan_cmd *c = plan_add_command(
	    p, on, T("a disabled account cannot log in (ErrorID 95519)", "已禁用的账户无法登录（ErrorID 95519）"),
	    CMD_AFTER, false);
	plan_cmd_inverse(c, off);
	plan_note(p, "%s",
		  T("The name is quoted for cmd.exe and for net's own parser; the article's 'username' in single quotes would reach net with the quotes.",
		    "账户名已按 cmd.exe 和 net 自身的解析规则加引号；文章中用单引号的写法会把引号一并传给 net。"));
	free(user);
	return p;
}

/* net user NAME /active:yes is undone by /active:no. */
static char **account_inverse(const struct fix_ctx *ctx, const char *const *argv)
{
	(void)ctx;
	if (!argv[0] || !argv[1] || !argv[2] || !argv[3] || argv[4] || strcmp(argv[0], "net") != 0 ||
	    strcmp(argv[1], "user") != 0 || strcmp(argv[3], "/active:yes") != 0 ||
	    !user_name_ok(argv[2]))
		return NULL;
	const char *off[] = { "net", "user", argv[2], "/active:no", NULL };
	return argv_dup(off);
}

const struct fix_def fix_win_account_enable = {
	.applies = on_live_windows,
	.id = "win.account_enable",
	.check_ids = account_checks,
	.title_en = "Enable the account (net user /active:yes)",
	.title_zh = "启用账户（net user /active:yes）",
	.plan = plan_account,
	.inverse = account_inverse,
};

/* ---- 95521/95522: Netlogon --------------------------------------------- */

static const char *const netlogon_checks[] = { "win.netlogon", NULL };

/* sc's start= word for a start type (sc qc's number; 5: delayed). */
static const char *start_word(int start)
{
	switch (start) {
	case 2: return "auto";
	case 3: return "demand";
	case 4: return "disabled";
	default: return NULL;
	}
}

static struct plan *plan_netlogon(const struct fix_ctx *ctx, char **cause)
{
	if (!live_windows(ctx, cause))
		return NULL;
	int st = -1;
	const char *q[] = { "sc", "query", "Netlogon", NULL };
	char *out = run(ctx, q, &st, cause);
	if (!out)
		return NULL;
	enum winsvc_state s = winsc_parse_state(out, st);
	free(out);
	const char *c[] = { "sc", "qc", "Netlogon", NULL };
	out = run(ctx, c, &st, cause);
	if (!out)
		return NULL;
	int start = winsc_parse_start_type(out, st);
	bool delayed = strstr(out, "(DELAYED)") != NULL;
	free(out);
	if (s == WINSVC_MISSING || s == WINSVC_UNKNOWN || !start_word(start) || delayed) {
		*cause = xstrdup(s == WINSVC_MISSING
					 ? T("the Netlogon service is not installed; asr-doctor cannot install it",
					     "未安装 Netlogon 服务；asr-doctor 无法安装它")
					 : T("the state or start type of Netlogon could not be read as sc prints it; nothing was changed",
					     "无法读取 Netlogon 的状态或启动类型；未做任何更改"));
		return NULL;
	}
	if (s == WINSVC_RUNNING && start == 2) {
		*cause = xstrdup(T("Netlogon runs and starts automatically: nothing to do",
				   "Netlogon 正在运行且自动启动：无需更改"));
		return NULL;
	}
	struct plan *p = new_plan(ctx, "win.netlogon_start",
				  T("Start Netlogon and start it with Windows", "启动 Netlogon 并设为随 Windows 启动"),
				  netlogon_checks);
	plan_before(p, T("Netlogon is %s, start type %s", "Netlogon 状态为 %s，启动类型 %s"),
		    winsvc_state_name(s), start_word(start));
	plan_after(p, "%s", T("Netlogon is running, start type auto", "Netlogon 正在运行，启动类型 auto"));
	if (start != 2) {
		const char *cfg[] = { "sc", "config", "Netlogon", "start=", "auto", NULL };
		const char *back[] = { "sc", "config", "Netlogon", "start=", start_word(start), NULL };
		struct plan_cmd *pc = plan_add_command(
		    p, cfg,
		    T("a disabled Netlogon cannot be started, and it must run after a restart too (ErrorID 95522)",
		      "已禁用的 Netlogon 无法启动，且重启后也必须运行（ErrorID 95522）"),
		    CMD_AFTER, false);
		plan_cmd_inverse(pc, back);
	}
	if (s != WINSVC_RUNNING) {
		const char *go[] = { "sc", "start", "Netlogon", NULL };
		const char *stop[] = { "sc", "stop", "Netlogon", NULL };
		struct plan_cmd *pc = plan_add_command(
		    p, go,
		    T("domain logons need Netlogon running (ErrorID 95521/95522)",
		      "域登录需要 Netlogon 正在运行（ErrorID 95521/95522）"),
		    CMD_AFTER, false);
		plan_cmd_inverse(pc, stop);
	}
	plan_note(p, "%s",
		  T("sc start returns while the service is still starting (START_PENDING); no restart of Windows is needed.",
		    "sc start 在服务仍在启动（START_PENDING）时即返回；无需重启 Windows。"));
	return p;
}

/* sc config Netlogon start= auto is undone by the start type it had;
 * sc start by sc stop. */
static bool netlogon_inverse_ok(const struct fix_ctx *ctx, const char *const *argv,
				const char *const *inv)
{
	(void)ctx;
	const char *cfg[] = { "sc", "config", "Netlogon", "start=", "auto", NULL };
	const char *go[] = { "sc", "start", "Netlogon", NULL };
	const char *stop[] = { "sc", "stop", "Netlogon", NULL };
	if (argv_equal(argv, go))
		return argv_equal(inv, stop);
	if (!argv_equal(argv, cfg))
		return false;
	for (int st = 3; st <= 4; st++) {
		const char *back[] = { "sc", "config", "Netlogon", "start=", start_word(st), NULL };
		if (argv_equal(inv, back))
			return true;
	}
	return false;
}

const struct fix_def fix_win_netlogon_start = {
	.applies = on_live_windows,
	.id = "win.netlogon_start",
	.check_ids = netlogon_checks,
	.title_en = "Start Netlogon (sc config, sc start)",
	.title_zh = "启动 Netlogon（sc config、sc start）",
	.plan = plan_netlogon,
	.inverse_ok = netlogon_inverse_ok,
};

/* ---- 95105/95106, 95103: the firewall rule groups ----------------------- */

#define PS_LIST_PRE "Get-NetFirewallRule -Group '"
#define PS_LIST_POST "' | ForEach-Object { $_.Name + '|' + $_.Enabled }"

/* Whether a rule id can go between single quotes in PowerShell. */
static bool rule_id_ok(const char *id)
{
	if (!*id || strlen(id) > 200)
		return false;
	for (const char *p = id; *p; p++)
		if (!isalnum((unsigned char)*p) && !strchr("-_.{}", *p))
			return false;
	return true;
}

/* "Enable-NetFirewallRule -Name 'A','B'" for ids. */
static char *ps_rules(const char *verb, const struct strvec *ids)
{
	struct sbuf b = { 0 };
	sb_printf(&b, "%s-NetFirewallRule -Name ", verb);
	for (size_t i = 0; i < ids->n; i++)
		sb_printf(&b, "%s'%s'", i ? "," : "", ids->v[i]);
	return sb_steal(&b);
}

/* The ids in a script ps_rules wrote with verb, or false. */
static bool ps_rules_parse(const char *script, const char *verb, struct strvec *ids)
{
	char *pre = xasprintf("%s-NetFirewallRule -Name ", verb);
	bool ok = str_starts(script, pre);
	const char *p = script + (ok ? strlen(pre) : 0);
	free(pre);
	while (ok) {
		if (*p != '\'') {
			ok = false;
			break;
		}
		const char *end = strchr(p + 1, '\'');
		if (!end) {
			ok = false;
			break;
		}
		char *id = xstrndup(p + 1, (size_t)(end - p - 1));
		ok = rule_id_ok(id);
		sv_take(ids, id);
		p = end + 1;
		if (!*p)
			break;
		if (*p != ',')
			ok = false;
		p++;
	}
	return ok && ids->n > 0;
}

static struct plan *plan_group(const struct fix_ctx *ctx, char **cause, const char *fix_id,
			       const char *title, const char *const *checks, const char *group_ref,
			       const char *group_en, const char *why)
{
	if (!live_windows(ctx, cause))
		return NULL;
	char *script = xasprintf(PS_LIST_PRE "%s" PS_LIST_POST, group_ref);
	const char *list[] = WIN_PS_ARGV(script);
	int st = -1;
	char *out = run(ctx, list, &st, cause);
	free(script);
	if (!out)
		return NULL;
	struct strvec off = { 0 }, on = { 0 };
	bool readable = st == 0;
	for (char *line = out; readable && *line;) {
		size_t n = strcspn(line, "\r\n");
		char *l = xstrndup(line, n);
		line += n;
		line += strspn(line, "\r\n");
		if (!*l) {
			free(l);
			continue;
		}
		char *bar = strrchr(l, '|');
		if (bar)
			*bar = '\0';
		if (!bar || !rule_id_ok(l) ||
		    (strcmp(bar + 1, "True") != 0 && strcmp(bar + 1, "False") != 0))
			readable = false;
		else
			sv_push(strcmp(bar + 1, "True") != 0 ? &off : &on, l);
		free(l);
	}
	if (!readable || off.n + on.n == 0) {
		*cause = xasprintf(
		    T("the rules of the group %s (%s) could not be listed with PowerShell's Get-NetFirewallRule; nothing was changed:\n%s",
		      "无法用 PowerShell 的 Get-NetFirewallRule 列出组 %s（%s）的规则；未做任何更改：\n%s"),
		    group_en, group_ref, out);
		free(out);
		sv_free(&off);
		sv_free(&on);
		return NULL;
	}
	free(out);
	if (off.n == 0) {
		*cause = xasprintf(T("every rule of %s is enabled already: nothing to do",
				     "%s 的所有规则均已启用：无需更改"),
				   group_en);
		sv_free(&on);
		return NULL;
	}
	struct plan *p = new_plan(ctx, fix_id, title, checks);
	for (size_t i = 0; i < off.n; i++)
		plan_before(p, T("rule %s (group %s): disabled", "规则 %s（组 %s）：已禁用"), off.v[i],
			    group_ref);
	for (size_t i = 0; i < on.n; i++)
		plan_before(p, T("rule %s (group %s): enabled (left as it is)", "规则 %s（组 %s）：已启用（保持不变）"),
			    on.v[i], group_ref);
	plan_after(p, T("every rule of the group %s is enabled", "组 %s 的所有规则均已启用"), group_en);
	char *en = ps_rules("Enable", &off), *dis = ps_rules("Disable", &off);
	const char *fwd[] = WIN_PS_ARGV(en);
	const char *back[] = WIN_PS_ARGV(dis);
	struct plan_cmd *c = plan_add_command(p, fwd, why, CMD_AFTER, false);
	plan_cmd_inverse(c, back);
	plan_note(p,
		  T("The rules are found by the group's language-independent reference %s, so this works in every display language; the article's netsh ... group=\"%s\" matches the English group name only.",
		    "规则按组的语言无关引用 %s 查找，因此适用于任何显示语言；文章中的 netsh ... group=\"%s\" 只匹配英文组名。"),
		  group_ref, group_en);
	plan_note(p, "%s", T("No restart is needed.", "无需重启。"));
	free(en);
	free(dis);
	sv_free(&off);
	sv_free(&on);
	return p;
}

/* Enable-NetFirewallRule -Name LIST is undone by Disable-... LIST. */
static char **group_inverse(const struct fix_ctx *ctx, const char *const *argv)
{
	(void)ctx;
	const char *head[] = { "powershell", "-NoProfile", "-NonInteractive", "-Command" };
	for (size_t i = 0; i < 4; i++)
		if (!argv[i] || strcmp(argv[i], head[i]) != 0)
			return NULL;
	if (!argv[4] || argv[5])
		return NULL;
	struct strvec ids = { 0 };
	char **inv = NULL;
	if (ps_rules_parse(argv[4], "Enable", &ids)) {
		char *dis = ps_rules("Disable", &ids);
		const char *back[] = { head[0], head[1], head[2], head[3], dis, NULL };
		inv = argv_dup(back);
		free(dis);
	}
	sv_free(&ids);
	return inv;
}

static const char *const file_sharing_checks[] = { "win.file_sharing", NULL };

static struct plan *plan_file_sharing(const struct fix_ctx *ctx, char **cause)
{
	return plan_group(ctx, cause, "win.file_sharing_enable",
			  T("Enable the File and Printer Sharing rules", "启用“文件和打印机共享”规则"),
			  file_sharing_checks, "@FirewallAPI.dll,-28502", "File and Printer Sharing",
			  T("the agent is copied over SMB, which the firewall blocks while these rules are off (ErrorID 95105/95106)",
			    "代理通过 SMB 复制，这些规则关闭时防火墙会阻止它（ErrorID 95105/95106）"));
}

const struct fix_def fix_win_file_sharing_enable = {
	.applies = on_live_windows,
	.id = "win.file_sharing_enable",
	.check_ids = file_sharing_checks,
	.title_en = "Enable the File and Printer Sharing firewall rules",
	.title_zh = "启用“文件和打印机共享”防火墙规则",
	.plan = plan_file_sharing,
	.inverse = group_inverse,
};

static const char *const wmi_checks[] = { "win.wmi", NULL };

static struct plan *plan_wmi(const struct fix_ctx *ctx, char **cause)
{
	return plan_group(ctx, cause, "win.wmi_enable",
			  T("Enable the WMI firewall rules", "启用 WMI 防火墙规则"), wmi_checks,
			  "@FirewallAPI.dll,-34251", "Windows Management Instrumentation (WMI)",
			  T("the push install talks to WMI, which the firewall blocks while these rules are off (ErrorID 95103)",
			    "推送安装需要访问 WMI，这些规则关闭时防火墙会阻止它（ErrorID 95103）"));
}

const struct fix_def fix_win_wmi_enable = {
	.applies = on_live_windows,
	.id = "win.wmi_enable",
	.check_ids = wmi_checks,
	.title_en = "Enable the WMI firewall rules",
	.title_zh = "启用 WMI 防火墙规则",
	.plan = plan_wmi,
	.inverse = group_inverse,
};

/* ---- VSS: the provider's install script --------------------------------- */

#define VSS_SCRIPT \
	"C:\\Program Files (x86)\\Microsoft Azure Site Recovery\\agent\\InMageVSSProvider_Install.cmd"

static const char *const vss_checks[] = { "win.vss", NULL };

static struct plan *plan_vss(const struct fix_ctx *ctx, char **cause)
{
	if (!live_windows(ctx, cause))
		return NULL;
	struct plan *p = new_plan(ctx, "win.vss_provider",
				  T("Install the Azure Site Recovery VSS provider again",
				    "重新安装 Azure Site Recovery VSS 提供程序"),
				  vss_checks);
	plan_before(p, "%s", T("the VSS provider's installation failed or is missing",
			       "VSS 提供程序安装失败或缺失"));
	plan_after(p, "%s", T("the provider is installed as the service \"Azure Site Recovery VSS Provider\"",
			      "提供程序安装为服务“Azure Site Recovery VSS Provider”"));
	const char *argv[] = { VSS_SCRIPT, NULL };
	plan_add_command(p, argv,
			 T("the article's remedy for VSS exit codes 511, 512 and 517 and for 0x8004E00F once DCOM works",
			   "文章针对 VSS 退出代码 511、512、517 以及 DCOM 修复后的 0x8004E00F 给出的办法"),
			 CMD_AFTER, false);
	plan_note(p, T("The script is the agent's own, at %s; it exists once the Mobility Service's files are installed.",
		       "该脚本属于代理本身，位于 %s；移动服务的文件安装后才存在。"),
		  VSS_SCRIPT);
	plan_note(p, "%s",
		  T("If it fails, check that no service is stuck in \"Starting\" (it can hold the service database locked) and that DCOM works (win.dcom).",
		    "如果失败，请检查是否有服务停滞在“正在启动”（可能锁定服务数据库），以及 DCOM 是否正常（win.dcom）。"));
	plan_set_undo(p, T("asr-doctor cannot undo this: the provider is removed with InMageVSSProvider_Uninstall.cmd beside the script.",
			   "asr-doctor 无法撤销此操作：可用脚本旁的 InMageVSSProvider_Uninstall.cmd 卸载提供程序。"));
	return p;
}

const struct fix_def fix_win_vss_provider = {
	.applies = on_live_windows,
	.id = "win.vss_provider",
	.check_ids = vss_checks,
	.title_en = "Install the VSS provider (InMageVSSProvider_Install.cmd)",
	.title_zh = "安装 VSS 提供程序（InMageVSSProvider_Install.cmd）",
	.plan = plan_vss,
};
