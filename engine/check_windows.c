/* check_windows.c: the Windows-only checks (95107, 95517-95523, 95105,
 * 95106, 95103, the VSS sections, missing drivers). On a Linux target each
 * is not applicable. On a Windows target (reached over its OpenSSH server,
 * whose shell is cmd.exe) they run reg, sc, net, netsh, whoami and
 * PowerShell through result_run and read the output with engine/winparse;
 * the commands that can be known before a run are declared by each
 * check's known_commands hook, so that a far machine answers them in one
 * cmd.exe line (engine/target/winbatch.h) instead of a channel each.
 * That path has no live test here (no Windows machine in the test set-up);
 * its parsers are tested on recorded output of the real tools, and the
 * checks on those recordings replayed through a stand-in target. On an
 * offline Windows volume (target->hive_files) each check reads the
 * registry hives instead (check_winhive.c). */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "engine/check.h"
#include "engine/check_winhive.h"
#include "engine/winparse.h"
#include "engine/winsvc.h"

/* Commands shared by a check's run and its known_commands hook (the list a far
 * machine answers in one request before the checks start), so that the
 * two cannot drift apart. */
static const char *const cmd_whoami[] = { "whoami", NULL };
static const char *const cmd_hostname[] = { "hostname", NULL };
static const char *const cmd_latfp[] = {
	"reg", "query", "HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Policies\\System",
	"/v",  "LocalAccountTokenFilterPolicy", NULL
};
static const char *const cmd_groups[] = { "whoami", "/groups", NULL };
static const char *const cmd_part_of_domain[] =
	WIN_PS_ARGV("(Get-CimInstance Win32_ComputerSystem).PartOfDomain");
static const char *const cmd_shares[] = { "net", "share", NULL };
static const char *const cmd_cluster_db[] = { "reg", "query", "HKLM\\Cluster", NULL };
static const char *const cmd_system_keys[] = { "reg", "query", "HKLM\\SYSTEM", NULL };

/* The storage and Hyper-V drivers every control set must hold. */
static const char *const boot_drivers[] = { "atapi", "intelide", "storflt", "vmbus", "storvsc" };

/* Whether the known_commands hooks have anything to declare: a live Windows
 * machine (an offline volume is read through its hives). */
static bool live_windows(const struct check_ctx *ctx)
{
	return ctx->t && ctx->t->os == TARGET_OS_WINDOWS && !ctx->t->hive_files;
}

/* NA on anything but Windows; true when the caller should stop. */
static bool not_windows(const struct check_ctx *ctx, struct check_result *r)
{
	if (ctx->t->os == TARGET_OS_WINDOWS)
		return false;
	result_set(r, STATUS_NA, "%s",
		   T("not applicable on Linux; connect to the Windows machine with --target",
		     "不适用于 Linux；请用 --target 连接到 Windows 计算机"));
	return true;
}

/* Runs argv on the target. Returns standard output and error together
 * (caller frees) with *status the exit status, or NULL when the command
 * could not run (an ERROR is then set). */
static char *win_run(const struct check_ctx *ctx, struct check_result *r, const char *const argv[],
		     int *status)
{
	struct cmd_result out;
	int rc = result_run(r, ctx, argv, &out);
	if (rc < 0 || out.timed_out) {
		result_set(r, STATUS_ERROR,
			   T("%s could not run on the target", "%s 无法在目标上运行"), argv[0]);
		cmd_result_free(&out);
		return NULL;
	}
	struct sbuf b = { 0 };
	sb_add(&b, out.out ? out.out : "");
	sb_add(&b, out.err ? out.err : "");
	*status = out.status;
	cmd_result_free(&out);
	return sb_steal(&b);
}

/* The finding for an answer that is not understood (another display
 * language, an error message): "could not read", never a verdict; the
 * command and its raw output are already the evidence. */
static void not_read(struct check_result *r, const char *what)
{
	result_set(r, STATUS_WARN,
		   T("could not read %s; its output is in the evidence", "无法读取%s；其输出见证据"),
		   what);
}

/* The account asr-doctor is logged in with ("DOMAIN\user" from whoami)
 * and whether it is a local account (DOMAIN is the computer's name).
 * Returns false when whoami cannot tell. */
static bool login_account(const struct check_ctx *ctx, struct check_result *r, char **user,
			  bool *local)
{
	int st = -1;
	char *w = win_run(ctx, r, cmd_whoami, &st);
	if (!w || st != 0) {
		free(w);
		return false;
	}
	char *line = str_trim(w);
	line[strcspn(line, "\r\n")] = '\0';
	char *bs = strchr(line, '\\');
	if (!bs) {
		free(w);
		return false;
	}
	*bs = '\0';
	*user = xstrdup(bs + 1);
	char *h = win_run(ctx, r, cmd_hostname, &st);
	char *hn = h ? str_trim(h) : NULL;
	if (hn)
		hn[strcspn(hn, "\r\n")] = '\0';
	*local = hn && str_ieq(hn, line);
	result_note(
	    r,
	    T("logged in as %s\\%s (%s account); the push install uses the account given on the configuration server",
	      "当前登录账户 %s\\%s（%s账户）；推送安装使用配置服务器上指定的账户"),
	    line, *user, *local ? T("local", "本地") : T("domain", "域"));
	free(h);
	free(w);
	return true;
}

/* The account the push install uses, named by --account: its user name
 * (caller frees) and whether it is local (a bare name, ".\\NAME", or
 * "HOST\\NAME" where HOST is this computer's name). False when hostname
 * cannot run (a result is then set). */
/* What --account's spelling alone tells: the user name (caller frees),
 * and a domain account (name@domain), a local one (a bare name,
 * ".\\NAME"), or "HOST\\NAME" whose HOST (*host_len bytes of a) is
 * compared with the computer's name to know. */
enum account_spelling { ACCOUNT_LOCAL, ACCOUNT_DOMAIN, ACCOUNT_OF_HOST };

static enum account_spelling account_spelling(const char *a, char **user, size_t *host_len)
{
	const char *bs = strrchr(a, '\\'), *at = strrchr(a, '@');
	if (at && !bs && at != a) {
		*user = xstrndup(a, (size_t)(at - a));
		return ACCOUNT_DOMAIN;
	}
	*user = xstrdup(bs ? bs + 1 : a);
	*host_len = bs ? (size_t)(bs - a) : 0;
	return !bs || (bs - a == 1 && a[0] == '.') ? ACCOUNT_LOCAL : ACCOUNT_OF_HOST;
}

/* net user for an account, local or asked of the domain. */
#define NET_USER_ARGV(user, local) { "net", "user", (user), (local) ? NULL : "/domain", NULL }

static bool named_account(const struct check_ctx *ctx, struct check_result *r, char **user,
			  bool *local)
{
	const char *a = ctx->account;
	result_note(r, T("the push install's account (--account): %s", "推送安装使用的账户（--account）：%s"), a);
	size_t host_len = 0;
	enum account_spelling k = account_spelling(a, user, &host_len);
	*local = k != ACCOUNT_DOMAIN;
	if (k != ACCOUNT_OF_HOST)
		return true;
	int st = -1;
	char *h = win_run(ctx, r, cmd_hostname, &st);
	if (!h) {
		free(*user);
		*user = NULL;
		return false;
	}
	char *hn = str_trim(h);
	hn[strcspn(hn, "\r\n")] = '\0';
	*local = strlen(hn) == host_len && strncasecmp(hn, a, host_len) == 0;
	free(h);
	return true;
}

/* ---- 95107: remote UAC ------------------------------------------------- */

static void run_uac(const struct check_ctx *ctx, struct check_result *r)
{
	if (not_windows(ctx, r))
		return;
	if (ctx->t->hive_files) {
		winhive_uac(ctx, r);
		return;
	}
	int st = -1;
	char *out = win_run(ctx, r, cmd_latfp, &st);
	if (!out)
		return;
	struct winreg_value v;
	enum winreg_found f = winreg_parse_value(out, st, "LocalAccountTokenFilterPolicy", &v);
	free(out);
	if (f == WINREG_ERROR) {
		not_read(r, T("reg query's answer about LocalAccountTokenFilterPolicy",
			      " reg query 关于 LocalAccountTokenFilterPolicy 的回答"));
		return;
	}
	if (f == WINREG_FOUND && v.is_num && v.num == 1) {
		result_set(
		    r, STATUS_PASS, "%s",
		    T("LocalAccountTokenFilterPolicy is 1: remote UAC does not filter local administrators",
		      "LocalAccountTokenFilterPolicy 为 1：远程 UAC 不会筛选本地管理员"));
		winreg_value_free(&v);
		return;
	}
	char *shown = f == WINREG_FOUND ? xstrdup(v.data) : xstrdup(T("not set", "未设置"));
	winreg_value_free(&v);
	char *user = NULL;
	bool local = false;
	bool known = ctx->account ? named_account(ctx, r, &user, &local)
				  : login_account(ctx, r, &user, &local);
	if (known && !local)
		result_set(
		    r, STATUS_PASS,
		    T("LocalAccountTokenFilterPolicy is %s, which matters for local accounts only (this is a domain account)",
		      "LocalAccountTokenFilterPolicy 为 %s，这只影响本地账户（当前为域账户）"),
		    shown);
	else
		result_set(
		    r, known ? STATUS_FAIL : STATUS_WARN,
		    T("LocalAccountTokenFilterPolicy is %s: remote UAC strips a local account's administrator rights; set it to 1",
		      "LocalAccountTokenFilterPolicy 为 %s：远程 UAC 会去除本地账户的管理员权限；请设为 1"),
		    shown);
	free(shown);
	free(user);
}

/* The account's commands that can be known before the checks run: who
 * is logged in, and `net user` for an account --account names whose kind
 * its spelling tells (a bare or .\\ name is local, name@domain a domain
 * one; HOST\\name is asked as local, the common case). */
static void account_commands(const struct check_ctx *ctx, struct strvec *out, bool net_user)
{
	check_command_key(out, cmd_whoami);
	check_command_key(out, cmd_hostname);
	if (!net_user || !ctx->account)
		return;
	char *user = NULL;
	size_t host_len = 0;
	bool local = account_spelling(ctx->account, &user, &host_len) != ACCOUNT_DOMAIN;
	const char *argv[] = NET_USER_ARGV(user, local);
	check_command_key(out, argv);
	free(user);
}

static void uac_commands(const struct check_ctx *ctx, struct strvec *out)
{
	if (!live_windows(ctx))
		return;
	check_command_key(out, cmd_latfp);
	account_commands(ctx, out, false);
}

const struct check_def check_win_uac = {
	.id = "win.uac",
	.title_en = "Remote UAC for local accounts",
	.title_zh = "本地账户的远程 UAC",
	.run = run_uac,
	.known_commands = uac_commands,
};

/* ---- 95517: administrator privileges ----------------------------------- */

static void run_privileges(const struct check_ctx *ctx, struct check_result *r)
{
	if (not_windows(ctx, r))
		return;
	if (ctx->t->hive_files) {
		winhive_na_live(ctx, r);
		return;
	}
	int st = -1;
	char *out = win_run(ctx, r, cmd_groups, &st);
	if (!out)
		return;
	/* S-1-5-32-544 is BUILTIN\Administrators in every language. */
	enum win_sid_state s = winwho_admin(out);
	free(out);
	if (st != 0)
		result_set(r, STATUS_ERROR, "%s",
			   T("whoami /groups failed", "whoami /groups 执行失败"));
	else if (s == WIN_SID_UNKNOWN)
		not_read(r, T("whoami /groups' answer", " whoami /groups 的回答"));
	else if (s == WIN_SID_ENABLED)
		result_set(
		    r, STATUS_PASS, "%s",
		    T("the account is an administrator (BUILTIN\\Administrators, S-1-5-32-544, enabled)",
		      "该账户是管理员（BUILTIN\\Administrators，S-1-5-32-544，已启用）"));
	else if (s == WIN_SID_DENY_ONLY)
		result_set(
		    r, STATUS_FAIL, "%s",
		    T("the account's administrator group is filtered (\"deny only\"): remote UAC applies; see win.uac",
		      "该账户的管理员组被筛选（“仅用于拒绝”）：远程 UAC 生效；见 win.uac"));
	else
		result_set(r, STATUS_FAIL, "%s",
			   T("the account is not a member of the Administrators group",
			     "该账户不是 Administrators 组成员"));
}

static void privileges_commands(const struct check_ctx *ctx, struct strvec *out)
{
	if (live_windows(ctx))
		check_command_key(out, cmd_groups);
}

const struct check_def check_win_privileges = {
	.id = "win.privileges",
	.title_en = "Administrator privileges",
	.title_zh = "管理员权限",
	.run = run_privileges,
	.known_commands = privileges_commands,
};

/* ---- 95518: domain trust ----------------------------------------------- */

static void run_domain_trust(const struct check_ctx *ctx, struct check_result *r)
{
	if (not_windows(ctx, r))
		return;
	if (ctx->t->hive_files) {
		winhive_na_live(ctx, r);
		return;
	}
	int st = -1;
	char *out = win_run(ctx, r, cmd_part_of_domain, &st);
	if (!out)
		return;
	int joined = win_parse_bool(out);
	free(out);
	if (joined == 0) {
		result_set(r, STATUS_NA, "%s",
			   T("the machine is not joined to a domain", "该计算机未加入域"));
		return;
	}
	const char *test[] = WIN_PS_ARGV("Test-ComputerSecureChannel");
	out = win_run(ctx, r, test, &st);
	if (!out)
		return;
	int ok = win_parse_bool(out);
	free(out);
	if (ok == 1)
		result_set(r, STATUS_PASS, "%s",
			   T("the secure channel to the domain works (trust relationship intact)",
			     "与域的安全通道正常（信任关系完好）"));
	else if (ok == 0)
		result_set(
		    r, STATUS_FAIL, "%s",
		    T("the trust relationship between this machine and its domain is broken (Test-ComputerSecureChannel: False)",
		      "此计算机与其域之间的信任关系已损坏（Test-ComputerSecureChannel：False）"));
	else
		not_read(r, T("Test-ComputerSecureChannel's answer",
			      " Test-ComputerSecureChannel 的回答"));
}

/* Whether the machine is joined; the secure channel's test, which asks
 * a domain controller, runs only for a joined machine. */
static void domain_trust_commands(const struct check_ctx *ctx, struct strvec *out)
{
	if (live_windows(ctx))
		check_command_key(out, cmd_part_of_domain);
}

const struct check_def check_win_domain_trust = {
	.id = "win.domain_trust",
	.title_en = "Domain trust relationship",
	.title_zh = "域信任关系",
	.run = run_domain_trust,
	.known_commands = domain_trust_commands,
};

/* ---- 95519/95520: account enabled, not locked, not expired ------------- */

static void run_account(const struct check_ctx *ctx, struct check_result *r)
{
	if (not_windows(ctx, r))
		return;
	if (ctx->t->hive_files) {
		winhive_accounts(ctx, r);
		return;
	}
	char *user = NULL;
	bool local = false;
	if (ctx->account) {
		if (!named_account(ctx, r, &user, &local))
			return;
	} else if (!login_account(ctx, r, &user, &local)) {
		result_set(r, STATUS_WARN, "%s",
			   T("cannot tell which account is logged in", "无法确定当前登录的账户"));
		return;
	}
	/* cmd.exe passes quotes through to the program; argv keeps the name whole. */
	const char *argv[] = NET_USER_ARGV(user, local);
	int st = -1;
	char *out = win_run(ctx, r, argv, &st);
	if (!out) {
		free(user);
		return;
	}
	struct win_user u;
	int rc = winnet_parse_user(out, &u);
	free(out);
	if (st != 0 || rc < 0) {
		result_set(r, STATUS_WARN,
			   T("could not read net user's answer about %s; its output is in the evidence",
			     "无法读取 net user 关于 %s 的回答；其输出见证据"),
			   user);
	} else if (u.active == WIN_ACTIVE_NO) {
		result_set(r, STATUS_FAIL,
			   T("the account %s is disabled (95519): net user \"%s\" /active:yes",
			     "账户 %s 已禁用（95519）：net user \"%s\" /active:yes"),
			   user, user);
	} else if (u.active == WIN_ACTIVE_LOCKED) {
		result_set(r, STATUS_FAIL,
			   T("the account %s is locked out after failed logins (95520)",
			     "账户 %s 因登录失败次数过多而被锁定（95520）"),
			   user);
	} else if (u.active == WIN_ACTIVE_YES && !u.never_expires && u.expires) {
		result_set(r, STATUS_WARN,
			   T("the account %s is active but expires on %s",
			     "账户 %s 已启用，但将于 %s 过期"),
			   user, u.expires);
	} else if (u.active == WIN_ACTIVE_YES) {
		result_set(
		    r, STATUS_PASS,
		    T("the account %s is active and does not expire", "账户 %s 已启用且不会过期"),
		    user);
	} else {
		result_set(
		    r, STATUS_WARN,
		    T("cannot tell whether the account %s is active", "无法确定账户 %s 是否已启用"),
		    user);
	}
	win_user_free(&u);
	free(user);
}

static void account_check_commands(const struct check_ctx *ctx, struct strvec *out)
{
	if (live_windows(ctx))
		account_commands(ctx, out, true);
}

const struct check_def check_win_account = {
	.id = "win.account",
	.title_en = "Account enabled and not locked",
	.title_zh = "账户已启用且未锁定",
	.run = run_account,
	.known_commands = account_check_commands,
};

/* ---- helpers for services ---------------------------------------------- */

/* The two sc commands service() runs for name. */
static void service_commands(struct strvec *out, const char *name)
{
	const char *q[] = { "sc", "query", name, NULL };
	const char *c[] = { "sc", "qc", name, NULL };
	check_command_key(out, q);
	check_command_key(out, c);
}

/* The state and start type of a service (sc query / sc qc). Returns
 * false when sc could not run. */
static bool service(const struct check_ctx *ctx, struct check_result *r, const char *name,
		    enum winsvc_state *state, int *start)
{
	const char *q[] = { "sc", "query", name, NULL };
	const char *c[] = { "sc", "qc", name, NULL };
	int st = -1;
	char *out = win_run(ctx, r, q, &st);
	if (!out)
		return false;
	*state = winsc_parse_state(out, st);
	free(out);
	*start = -1;
	if (*state == WINSVC_MISSING)
		return true;
	out = win_run(ctx, r, c, &st);
	if (!out)
		return false;
	*start = winsc_parse_start_type(out, st);
	free(out);
	return true;
}

/* ---- 95521/95522: Netlogon --------------------------------------------- */

static void run_netlogon(const struct check_ctx *ctx, struct check_result *r)
{
	if (not_windows(ctx, r))
		return;
	if (ctx->t->hive_files) {
		winhive_netlogon(ctx, r);
		return;
	}
	enum winsvc_state s;
	int start;
	if (!service(ctx, r, "Netlogon", &s, &start))
		return;
	if (s == WINSVC_RUNNING)
		result_set(r, STATUS_PASS, "%s",
			   T("the Netlogon service is running", "Netlogon 服务正在运行"));
	else if (s == WINSVC_MISSING)
		result_set(r, STATUS_FAIL, "%s",
			   T("the Netlogon service is not installed", "未安装 Netlogon 服务"));
	else if (s == WINSVC_UNKNOWN)
		not_read(r, T("sc's answer about Netlogon", " sc 关于 Netlogon 的回答"));
	else
		result_set(r, STATUS_FAIL,
			   T("the Netlogon service is %s%s (95522): net start Netlogon",
			     "Netlogon 服务状态为 %s%s（95522）：net start Netlogon"),
			   winsvc_state_name(s), start == 4 ? T(" and disabled", "且已禁用") : "");
}

static void netlogon_commands(const struct check_ctx *ctx, struct strvec *out)
{
	if (live_windows(ctx))
		service_commands(out, "Netlogon");
}

const struct check_def check_win_netlogon = {
	.id = "win.netlogon",
	.title_en = "Netlogon service running",
	.title_zh = "Netlogon 服务正在运行",
	.run = run_netlogon,
	.known_commands = netlogon_commands,
};

/* ---- 95523: the network of the server ---------------------------------- */

/* Whether s is safe to put inside a PowerShell command line. */
static bool plain_host(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && !strchr(".-:[]", *s))
			return false;
	return true;
}

/* win.network: Test-NetConnection to the process server's port 9443. */
static void run_network(const struct check_ctx *ctx, struct check_result *r)
{
	if (not_windows(ctx, r))
		return;
	if (ctx->t->hive_files) {
		winhive_na_live(ctx, r);
		return;
	}
	if (!ctx->server || !*ctx->server) {
		result_set(
		    r, STATUS_NA, "%s",
		    T("no server given: give --server HOST (the configuration or process server)",
		      "未指定服务器：请用 --server HOST 指定配置服务器或进程服务器"));
		return;
	}
	if (!plain_host(ctx->server)) {
		result_set(
		    r, STATUS_ERROR,
		    T("--server %s is not a host name or address", "--server %s 不是主机名或地址"),
		    ctx->server);
		return;
	}
	char *cmd = xasprintf(
	    "Test-NetConnection -ComputerName %s -Port 9443 -InformationLevel Quiet", ctx->server);
	const char *argv[] = WIN_PS_ARGV(cmd);
	int st = -1;
	char *out = win_run(ctx, r, argv, &st);
	free(cmd);
	if (!out)
		return;
	int ok = win_parse_bool(out);
	free(out);
	if (ok == 1)
		result_set(
		    r, STATUS_PASS,
		    T("%s answers on port 9443 from this machine", "从本机可连接 %s 的 9443 端口"),
		    ctx->server);
	else if (ok == 0)
		result_set(r, STATUS_FAIL,
			   T("%s cannot be reached on port 9443 from this machine",
			     "从本机无法连接 %s 的 9443 端口"),
			   ctx->server);
	else
		not_read(r, T("Test-NetConnection's answer", " Test-NetConnection 的回答"));
}

const struct check_def check_win_network = {
	.id = "win.network",
	.title_en = "Network to the process server",
	.title_zh = "到进程服务器的网络",
	.run = run_network,
};

/* ---- 95105: administrative shares -------------------------------------- */

static void run_share(const struct check_ctx *ctx, struct check_result *r)
{
	if (not_windows(ctx, r))
		return;
	if (ctx->t->hive_files) {
		winhive_share(ctx, r);
		return;
	}
	int st = -1;
	char *out = win_run(ctx, r, cmd_shares, &st);
	if (!out)
		return;
	bool admin = winnet_share_listed(out, "ADMIN$"), c = winnet_share_listed(out, "C$");
	bool listed = winnet_share_readable(out);
	free(out);
	if (st != 0)
		result_set(r, STATUS_ERROR, "%s", T("net share failed", "net share 执行失败"));
	else if (!listed)
		not_read(r, T("net share's answer", " net share 的回答"));
	else if (admin && c)
		result_set(r, STATUS_PASS, "%s",
			   T("the administrative shares ADMIN$ and C$ exist",
			     "管理共享 ADMIN$ 和 C$ 存在"));
	else
		result_set(r, STATUS_FAIL,
			   T("administrative shares missing: %s%s%s (AutoShareServer/AutoShareWks set to 0?)",
			     "缺少管理共享：%s%s%s（AutoShareServer/AutoShareWks 被设为 0？）"),
			   admin ? "" : "ADMIN$", !admin && !c ? ", " : "", c ? "" : "C$");
}

static void share_commands(const struct check_ctx *ctx, struct strvec *out)
{
	if (live_windows(ctx))
		check_command_key(out, cmd_shares);
}

const struct check_def check_win_share = {
	.id = "win.share",
	.title_en = "Administrative shares",
	.title_zh = "管理共享",
	.run = run_share,
	.known_commands = share_commands,
};

/* ---- firewall rule groups ---------------------------------------------- */

/* Judges a firewall rule group, found by its language-independent
 * reference (group_ref, the rules' Group property) through PowerShell,
 * so that a German or Chinese Windows answers the same: the group's
 * inbound allow rules are listed, and the verdict rests on the key rules
 * (their ids start with key_id) in each profile that is both active and
 * firewalled: no key rule enabled for any such profile fails, for some of
 * them warns. Only the firewall off in every active profile passes
 * without rules. An answer that is not the script's gives "could not
 * read", never a verdict; the command and its raw output are evidence. */
/* The PowerShell script that lists a rule group by its reference. */
static char *firewall_script(const char *group_ref)
{
	return xasprintf(WINFW_PS_PRE "%s" WINFW_PS_POST, group_ref);
}

static void firewall_commands(struct strvec *out, const char *group_ref)
{
	char *script = firewall_script(group_ref);
	const char *argv[] = WIN_PS_ARGV(script);
	check_command_key(out, argv);
	free(script);
}

static void firewall_group(const struct check_ctx *ctx, struct check_result *r,
			   const char *group_ref, const char *group_en, const char *key_id,
			   const char *key_name)
{
	char *script = firewall_script(group_ref);
	const char *argv[] = WIN_PS_ARGV(script);
	int st = -1;
	char *out = win_run(ctx, r, argv, &st);
	free(script);
	if (!out)
		return;
	char *fix = xasprintf("netsh advfirewall firewall set rule group=\"%s\" new enable=yes",
			      group_ref);
	struct winfw_ps fw;
	int rc = winfw_ps_parse(out, &fw);
	free(out);
	unsigned watched = fw.active & fw.firewall_on;
	if (rc < 0) {
		result_set(
		    r, STATUS_WARN,
		    T("could not read PowerShell's answer about the firewall rules of %s (%s); its output is in the evidence",
		      "无法读取 PowerShell 关于 %s（%s）防火墙规则的回答；其输出见证据"),
		    group_en, group_ref);
	} else if (fw.active == 0) {
		result_set(r, STATUS_WARN, "%s",
			   T("Windows names no active firewall profile",
			     "Windows 未报告任何活动的防火墙配置文件"));
	} else if (watched == 0) {
		char *act = winfw_profile_names(fw.active);
		result_set(r, STATUS_PASS,
			   T("Windows Firewall is off in the active profiles (%s)",
			     "Windows 防火墙在活动配置文件（%s）中已关闭"),
			   act);
		free(act);
	} else {
		/* Profiles with an enabled key rule, and whether any key rule
		 * covers each watched profile at all. */
		unsigned open = 0, covered = 0;
		for (size_t i = 0; i < fw.n; i++) {
			const struct winfw_ps_rule *fr = &fw.rules[i];
			if (!fr->inbound || !fr->allow)
				continue;
			char *prof = winfw_profile_names(fr->profiles);
			result_note(r, T("rule %s \"%s\" (profiles %s): %s", "规则 %s“%s”（配置文件 %s）：%s"),
				    fr->id, fr->display, prof,
				    fr->enabled ? T("enabled", "已启用") : T("disabled", "已禁用"));
			free(prof);
			if (!str_starts(fr->id, key_id))
				continue;
			covered |= fr->profiles;
			if (fr->enabled)
				open |= fr->profiles;
		}
		char *act = winfw_profile_names(watched);
		char *shut = winfw_profile_names(watched & ~open);
		result_note(r, T("active profiles with the firewall on: %s", "启用防火墙的活动配置文件：%s"),
			    act);
		if ((covered & watched) == 0)
			result_set(r, STATUS_WARN,
				   T("no %s rule (%s*) of the group %s (%s) covers the active profiles %s",
				     "组 %3$s（%4$s）中没有覆盖活动配置文件 %5$s 的 %1$s 规则（%2$s*）"),
				   key_name, key_id, group_en, group_ref, act);
		else if ((open & watched) == 0)
			result_set(r, STATUS_FAIL,
				   T("the %s rules of \"%s\" are disabled for the active profiles %s: %s",
				     "“%2$s”的 %1$s 规则在活动配置文件 %3$s 中已禁用：%4$s"),
				   key_name, group_en, act, fix);
		else if ((open & watched) != watched)
			result_set(r, STATUS_WARN,
				   T("the %s rule is disabled for the active profiles %s: %s",
				     "%s 规则在活动配置文件 %s 中已禁用：%s"),
				   key_name, shut, fix);
		else
			result_set(r, STATUS_PASS,
				   T("the %s rules of \"%s\" are enabled for the active profiles %s",
				     "“%2$s”的 %1$s 规则已在活动配置文件 %3$s 中启用"),
				   key_name, group_en, act);
		free(act);
		free(shut);
	}
	winfw_ps_free(&fw);
	free(fix);
}

/* win.file_sharing: the File and Printer Sharing rules, SMB first. */
static void run_file_sharing(const struct check_ctx *ctx, struct check_result *r)
{
	if (not_windows(ctx, r))
		return;
	if (ctx->t->hive_files) {
		winhive_firewall(ctx, r, WINROOT_FW_FILE_SHARING, "File and Printer Sharing", winhive_smb_rule, "SMB-In (TCP 445)");
		return;
	}
	firewall_group(ctx, r, "@FirewallAPI.dll,-28502", "File and Printer Sharing",
		       "FPS-SMB-In-TCP", "SMB-In (TCP 445)");
}

static void file_sharing_commands(const struct check_ctx *ctx, struct strvec *out)
{
	if (live_windows(ctx))
		firewall_commands(out, "@FirewallAPI.dll,-28502");
}

const struct check_def check_win_file_sharing = {
	.id = "win.file_sharing",
	.title_en = "File and printer sharing allowed",
	.title_zh = "允许文件和打印机共享",
	.run = run_file_sharing,
	.known_commands = file_sharing_commands,
};

/* win.wmi: the WMI service runs and its firewall rules are enabled. */
static void run_wmi(const struct check_ctx *ctx, struct check_result *r)
{
	if (not_windows(ctx, r))
		return;
	if (ctx->t->hive_files) {
		winhive_wmi_service(ctx, r);
		winhive_firewall(ctx, r, WINROOT_FW_WMI, "Windows Management Instrumentation (WMI)",
				 winhive_any_rule, "WMI-In");
		return;
	}
	enum winsvc_state s;
	int start;
	if (!service(ctx, r, "Winmgmt", &s, &start))
		return;
	if (s == WINSVC_UNKNOWN)
		not_read(r, T("sc's answer about Winmgmt", " sc 关于 Winmgmt 的回答"));
	else if (s != WINSVC_RUNNING)
		result_set(r, STATUS_FAIL,
			   T("the WMI service (Winmgmt) is %s", "WMI 服务（Winmgmt）状态为 %s"),
			   winsvc_state_name(s));
	firewall_group(ctx, r, "@FirewallAPI.dll,-34251", "Windows Management Instrumentation (WMI)",
		       "WMI-WINMGMT-In-TCP", "WMI-In");
}

static void wmi_commands(const struct check_ctx *ctx, struct strvec *out)
{
	if (!live_windows(ctx))
		return;
	service_commands(out, "Winmgmt");
	firewall_commands(out, "@FirewallAPI.dll,-34251");
}

const struct check_def check_win_wmi = {
	.id = "win.wmi",
	.title_en = "WMI allowed through the firewall",
	.title_zh = "防火墙允许 WMI",
	.run = run_wmi,
	.known_commands = wmi_commands,
};

/* ---- VSS, DCOM/MSDTC, cluster ------------------------------------------ */

/* Reads a service with sc and judges it (winsvc_usable); false when it
 * is not usable or sc could not run. */
static bool service_usable(const struct check_ctx *ctx, struct check_result *r, const char *name,
			   const char *what)
{
	enum winsvc_state s;
	int start;
	if (!service(ctx, r, name, &s, &start))
		return false;
	if (s == WINSVC_UNKNOWN || (s != WINSVC_MISSING && start < 0)) {
		char *answer = xasprintf(T("sc's answer about %s", " sc 关于 %s 的回答"), name);
		not_read(r, answer);
		free(answer);
		return false;
	}
	struct winsvc svc = { .name = name, .installed = s != WINSVC_MISSING, .start = start,
			      .state = s };
	return winsvc_usable(r, &svc, what);
}

/* win.vss: the Volume Shadow Copy service is installed and not disabled. */
static void run_vss(const struct check_ctx *ctx, struct check_result *r)
{
	if (not_windows(ctx, r))
		return;
	if (ctx->t->hive_files) {
		winhive_vss(ctx, r);
		return;
	}
	if (service_usable(ctx, r, "VSS", "Volume Shadow Copy"))
		result_set(
		    r, STATUS_PASS, "%s",
		    T("the Volume Shadow Copy service is installed and not disabled; installer errors are in ASRUnifiedAgentInstaller.log (asr-doctor log)",
		      "卷影复制服务已安装且未禁用；安装程序错误见 ASRUnifiedAgentInstaller.log（asr-doctor log）"));
}

static void vss_commands(const struct check_ctx *ctx, struct strvec *out)
{
	if (live_windows(ctx))
		service_commands(out, "VSS");
}

const struct check_def check_win_vss = {
	.id = "win.vss",
	.title_en = "Volume Shadow Copy service",
	.title_zh = "卷影复制服务",
	.run = run_vss,
	.known_commands = vss_commands,
};

/* win.dcom: MSDTC and COM+, which 0x8004E00F needs, are usable. */
static void run_dcom(const struct check_ctx *ctx, struct check_result *r)
{
	if (not_windows(ctx, r))
		return;
	if (ctx->t->hive_files) {
		winhive_dcom(ctx, r);
		return;
	}
	bool a = service_usable(ctx, r, "MSDTC", "Distributed Transaction Coordinator");
	bool b = service_usable(ctx, r, "COMSysApp", "COM+ System Application");
	if (a && b)
		result_set(
		    r, STATUS_PASS, "%s",
		    T("MSDTC and COM+ are available; a DCOM fault itself shows only in the installer log (0x8004E00F)",
		      "MSDTC 和 COM+ 可用；DCOM 故障本身只出现在安装日志中（0x8004E00F）"));
}

static void dcom_commands(const struct check_ctx *ctx, struct strvec *out)
{
	if (!live_windows(ctx))
		return;
	service_commands(out, "MSDTC");
	service_commands(out, "COMSysApp");
}

const struct check_def check_win_dcom = {
	.id = "win.dcom",
	.title_en = "COM+ and MSDTC available",
	.title_zh = "COM+ 和 MSDTC 可用",
	.run = run_dcom,
	.known_commands = dcom_commands,
};

/* win.cluster: a cluster service enabled outside a cluster fails. */
static void run_cluster(const struct check_ctx *ctx, struct check_result *r)
{
	if (not_windows(ctx, r))
		return;
	if (ctx->t->hive_files) {
		winhive_cluster(ctx, r);
		return;
	}
	enum winsvc_state s;
	int start;
	if (!service(ctx, r, "ClusSvc", &s, &start))
		return;
	if (s == WINSVC_UNKNOWN || (s != WINSVC_MISSING && start < 0)) {
		not_read(r, T("sc's answer about ClusSvc", " sc 关于 ClusSvc 的回答"));
		return;
	}
	if (s == WINSVC_MISSING) {
		result_set(r, STATUS_PASS, "%s",
			   T("the cluster service is not installed", "未安装群集服务"));
		return;
	}
	if (start == 4) {
		result_set(
		    r, STATUS_PASS, "%s",
		    T("the cluster service is installed but disabled", "群集服务已安装但已禁用"));
		return;
	}
	/* A cluster node has the cluster database under HKLM\Cluster. */
	int st = -1;
	char *out = win_run(ctx, r, cmd_cluster_db, &st);
	if (!out)
		return;
	enum winreg_found node = winreg_parse_key(out, st);
	free(out);
	if (node == WINREG_ERROR)
		not_read(r, T("reg query's answer about HKLM\\Cluster",
			      " reg query 关于 HKLM\\Cluster 的回答"));
	else if (node == WINREG_FOUND)
		result_set(r, STATUS_PASS, "%s",
			   T("this machine is a cluster node", "此计算机是群集节点"));
	else
		result_set(
		    r, STATUS_FAIL,
		    T("the cluster service is enabled (%s) on a machine that is not a cluster node",
		      "群集服务在非群集节点上已启用（%s）"),
		    winsvc_state_name(s));
}

static void cluster_commands(const struct check_ctx *ctx, struct strvec *out)
{
	if (!live_windows(ctx))
		return;
	service_commands(out, "ClusSvc");
	check_command_key(out, cmd_cluster_db);
}

const struct check_def check_win_cluster = {
	.id = "win.cluster",
	.title_en = "Cluster service on a non-cluster machine",
	.title_zh = "非群集计算机上的群集服务",
	.run = run_cluster,
	.known_commands = cluster_commands,
};

/* ---- missing drivers --------------------------------------------------- */

/* A driver's service key in a control set. Caller frees. */
static char *driver_key(const char *set, const char *driver)
{
	return xasprintf("HKLM\\SYSTEM\\%s\\Services\\%s", set, driver);
}

/* The list of control sets, and the drivers' Start values in the sets a
 * machine usually has (ControlSet001, and ControlSet002 on older
 * releases); another set's values are asked when it shows up. */
static void drivers_commands(const struct check_ctx *ctx, struct strvec *out)
{
	if (!live_windows(ctx))
		return;
	check_command_key(out, cmd_system_keys);
	static const char *const usual[] = { "ControlSet001", "ControlSet002" };
	for (size_t s = 0; s < ARRAY_LEN(usual); s++)
		for (size_t d = 0; d < ARRAY_LEN(boot_drivers); d++) {
			char *key = driver_key(usual[s], boot_drivers[d]);
			const char *argv[] = { "reg", "query", key, "/v", "Start", NULL };
			check_command_key(out, argv);
			free(key);
		}
}

static void run_drivers(const struct check_ctx *ctx, struct check_result *r)
{
	if (not_windows(ctx, r))
		return;
	if (ctx->t->hive_files) {
		winhive_drivers(ctx, r);
		return;
	}
	int st = -1;
	char *out = win_run(ctx, r, cmd_system_keys, &st);
	if (!out)
		return;
	struct strvec keys = { 0 }, sets = { 0 };
	winreg_parse_subkeys(out, "HKLM\\SYSTEM", &keys);
	free(out);
	for (size_t i = 0; i < keys.n; i++) {
		const char *k = keys.v[i];
		if (strlen(k) == 13 && str_starts(k, "ControlSet") &&
		    isdigit((unsigned char)k[10]) && isdigit((unsigned char)k[11]) &&
		    isdigit((unsigned char)k[12]))
			sv_push(&sets, k);
	}
	sv_free(&keys);
	if (sets.n == 0) {
		result_set(r, STATUS_ERROR, "%s",
			   T("no ControlSetNNN found under HKLM\\SYSTEM",
			     "HKLM\\SYSTEM 下没有 ControlSetNNN"));
		sv_free(&sets);
		return;
	}
	struct sbuf missing = { 0 }, unread = { 0 };
	for (size_t s = 0; s < sets.n; s++)
		for (size_t d = 0; d < ARRAY_LEN(boot_drivers); d++) {
			char *key = driver_key(sets.v[s], boot_drivers[d]);
			const char *argv[] = { "reg", "query", key, "/v", "Start", NULL };
			char *o = win_run(ctx, r, argv, &st);
			if (o) {
				struct winreg_value v;
				enum winreg_found f = winreg_parse_value(o, st, "Start", &v);
				if (f == WINREG_FOUND)
					result_note(r, "%s\\%s Start=%s", sets.v[s], boot_drivers[d],
						    v.data);
				else if (f == WINREG_ERROR)
					sb_printf(&unread, "%s%s\\%s", unread.len ? ", " : "",
						  sets.v[s], boot_drivers[d]);
				else
					sb_printf(&missing, "%s%s\\%s", missing.len ? ", " : "",
						  sets.v[s], boot_drivers[d]);
				winreg_value_free(&v);
				free(o);
			}
			free(key);
		}
	if (missing.len)
		result_set(r, STATUS_FAIL, T("drivers missing: %s", "缺少驱动程序：%s"),
			   sb_str(&missing));
	else if (unread.len)
		result_set(r, STATUS_WARN,
			   T("could not read reg query's answer about %s; its output is in the evidence",
			     "无法读取 reg query 关于 %s 的回答；其输出见证据"),
			   sb_str(&unread));
	else
		result_set(
		    r, STATUS_PASS,
		    T("atapi, intelide, storflt, vmbus and storvsc are present in %zu control set(s)",
		      "atapi、intelide、storflt、vmbus 和 storvsc 存在于 %zu 个控制集中"),
		    sets.n);
	sb_free(&missing);
	sb_free(&unread);
	sv_free(&sets);
}

const struct check_def check_win_drivers = {
	.id = "win.drivers",
	.title_en = "Storage and Hyper-V drivers in every control set",
	.title_zh = "每个控制集中的存储和 Hyper-V 驱动",
	.run = run_drivers,
	.known_commands = drivers_commands,
};
