/* check_sshd.c: 95108/95117, the SSH server the push install logs in to:
 * password authentication for root from the process server (and
 * AuthenticationMethods letting a password alone in), root login,
 * the SFTP subsystem and its program, and sshd running and listening on
 * TCP port 22. Values come from sshd_config as sshd reads it (Include,
 * Match, first value wins); on the local machine as root, `sshd -T` for
 * the push install's connection is the authority. */
#include <ctype.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include "engine/check.h"
#include "engine/sshd_assemble.h"
#include "engine/sshd_config.h"

/* Where sshd may live, in the order we look. */
static const char *const sshd_paths[] = { "/usr/sbin/sshd", "/usr/local/sbin/sshd", "/sbin/sshd" };

/* Evidence lists of overridden lines are cut after this many. */
#define MAX_SHOWN 5

/* Everything one check needs about the SSH server's configuration. */
struct view {
	struct sshd_config *cfg;  /* owned */
	struct sshd_conn conn;    /* points into the strings below */
	char *addr;               /* owned: the process server's address, or NULL */
	char *host;               /* owned: its name when sshd uses DNS, or NULL */
	bool have_t;              /* sshd -T ran: it is the authority */
	struct sshd_t t;          /* owned when have_t */
};

/* Frees what a view owns. */
static void view_free(struct view *v)
{
	sshd_config_free(v->cfg);
	free(v->addr);
	free(v->host);
	if (v->have_t)
		sshd_t_free(&v->t);
	memset(v, 0, sizeof *v);
}

/* Resolves --server to an address for Match Address; notes what was used. */
static void resolve_server(const struct check_ctx *ctx, struct check_result *r, struct view *v)
{
	if (!ctx->server || !*ctx->server)
		return;
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM, .ai_flags = AI_NUMERICHOST };
	struct addrinfo *res = NULL;
	bool numeric = getaddrinfo(ctx->server, NULL, &hints, &res) == 0;
	if (!numeric) {
		hints.ai_flags = AI_ADDRCONFIG;
		if (getaddrinfo(ctx->server, NULL, &hints, &res) != 0)
			res = NULL;
	}
	if (!res) {
		result_note(r, T("--server %s cannot be resolved: Match blocks on Address cannot be "
				 "decided",
				 "--server %s 无法解析：无法判断基于 Address 的 Match 块"),
			    ctx->server);
		return;
	}
	char buf[NI_MAXHOST];
	if (getnameinfo(res->ai_addr, res->ai_addrlen, buf, sizeof buf, NULL, 0, NI_NUMERICHOST) == 0)
		v->addr = xstrdup(buf);
	freeaddrinfo(res);
	if (!v->addr)
		return;
	if (!numeric) {
		result_note(r, T("--server %s resolves to %s here; the process server must connect "
				 "from that address",
				 "--server %s 在本机解析为 %s；进程服务器须从该地址连接"),
			    ctx->server, v->addr);
		const struct sshd_setting *dns = &v->cfg->global[SSHD_USE_DNS];
		if (dns->value && strcmp(dns->value, "yes") == 0) {
			v->host = xstrdup(ctx->server);
			for (char *p = v->host; *p; p++)
				*p = (char)tolower((unsigned char)*p);
		}
	}
}

/* Says which OpenSSH release the configuration was judged for. */
static void note_release(struct check_result *r, const struct sshd_config *cfg)
{
	if (cfg->version)
		result_note(r, T("judged for OpenSSH %d.%d (from %s)", "按 OpenSSH %d.%d 判断（来自 %s）"),
			    cfg->version / 100, cfg->version % 100,
			    cfg->version_from ? cfg->version_from : "?");
	else
		result_note(r, "%s",
			    T("the installed OpenSSH release is unknown: every keyword some release "
			      "accepts is accepted",
			      "已安装的 OpenSSH 版本未知：任何版本接受的关键字都视为可接受"));
}

/* The line of sshd's output that says why: the first that names a file
 * line ("PATH line N: ..."), else the first (caller frees). */
static char *sshd_reason(const char *text)
{
	const char *p = text ? text : "";
	for (const char *q = p; *q;) {
		size_t n = strcspn(q, "\n");
		char *l = xstrndup(q, n);
		if (strstr(l, " line "))
			return l;
		free(l);
		q += n;
		if (*q)
			q++;
	}
	while (*p == '\n')
		p++;
	return xstrndup(p, strcspn(p, "\n"));
}

/* On a mounted root, this machine's sshd judges a copy of the root's
 * configuration assembled from the root's own files (sshd_assemble.h),
 * and where it disagrees with our reading, that is said: when it refuses
 * what we accept and it is the root's own release, the check fails with
 * sshd's reason (returns false: nothing more to evaluate); with another
 * or an unknown release, a warning. Returns true to go on. */
static bool second_opinion(const struct check_ctx *ctx, struct check_result *r,
			   const struct view *v)
{
	if (!ctx->t->offline)
		return true;
	const char *prog = sshd_program_here();
	if (!prog) {
		result_note(r, "%s",
			    T("no sshd on this machine to judge the root's configuration as well",
			      "本机没有 sshd，无法再判断该根目录的配置"));
		return true;
	}
	struct sshd_assembly a;
	char *cause = NULL;
	if (sshd_assembly_build(v->cfg, ctx->t, &a, &cause) < 0) {
		result_note(r, T("the root's configuration could not be copied for sshd -t: %s",
				 "无法复制该根目录的配置以运行 sshd -t：%s"),
			    cause);
		free(cause);
		return true;
	}
	char *cmd = NULL, *out = NULL;
	int status = -1;
	enum sshd_judgement j = sshd_assembly_judge(&a, prog, ctx->timeout_ms, &cmd, &out, &status);
	result_command(r, cmd, status, out);
	int here = sshd_release_here(prog, ctx->timeout_ms);
	bool ours = v->cfg->nrefusals > 0;
	bool same = here && here == v->cfg->version;
	char *why = sshd_reason(out);
	bool go_on = true;
	if (j == SSHD_JUDGED_CANNOT) {
		result_note(r, T("this machine's sshd could not judge the copy of the root's "
				 "configuration: %s",
				 "本机的 sshd 无法判断该根目录配置的副本：%s"),
			    why);
	} else if ((j == SSHD_JUDGED_REFUSES) == ours) {
		result_note(r, T("this machine's sshd (OpenSSH %d.%d) %s the copy assembled from the "
				 "root's own files: it agrees with asr-doctor's reading",
				 "本机的 sshd（OpenSSH %d.%d）%s由该根目录自身文件组装的副本：与 "
				 "asr-doctor 的解析一致"),
			    here / 100, here % 100,
			    ours ? T("refuses", "拒绝") : T("accepts", "接受"));
	} else if (ours) {
		result_note(r, T("this machine's sshd (OpenSSH %d.%d) accepts the copy assembled from "
				 "the root's own files, while asr-doctor's reading for the root's "
				 "OpenSSH %d.%d refuses it: the two disagree",
				 "本机的 sshd（OpenSSH %d.%d）接受由该根目录自身文件组装的副本，而 asr-doctor "
				 "按该根目录的 OpenSSH %d.%d 解析时拒绝它：两者不一致"),
			    here / 100, here % 100, v->cfg->version / 100, v->cfg->version % 100);
	} else if (same) {
		result_set(r, STATUS_FAIL,
			   T("sshd refuses to start with this configuration: this machine's sshd, the "
			     "root's own release (OpenSSH %d.%d), refuses the copy assembled from the "
			     "root's files (%s), which asr-doctor's reading accepted: the two disagree",
			     "sshd 无法以此配置启动：本机的 sshd（与该根目录相同的 OpenSSH %d.%d）拒绝由"
			     "该根目录文件组装的副本（%s），而 asr-doctor 的解析接受了它：两者不一致"),
			   here / 100, here % 100, why);
		go_on = false;
	} else {
		char rel[32];
		if (v->cfg->version)
			snprintf(rel, sizeof rel, "OpenSSH %d.%d", v->cfg->version / 100,
				 v->cfg->version % 100);
		else
			snprintf(rel, sizeof rel, "%s", T("unknown", "未知"));
		result_set(r, STATUS_WARN,
			   T("this machine's sshd (OpenSSH %d.%d) refuses the copy assembled from the "
			     "root's files (%s), which asr-doctor's reading accepted: the two disagree, "
			     "and the root's own release (%s) may differ",
			     "本机的 sshd（OpenSSH %d.%d）拒绝由该根目录文件组装的副本（%s），而 "
			     "asr-doctor 的解析接受了它：两者不一致，且该根目录自身的版本（%s）可能不同"),
			   here / 100, here % 100, why, rel);
	}
	free(why);
	free(cmd);
	free(out);
	sshd_assembly_free(&a);
	return go_on;
}

/* The configuration's diagnostics as evidence. */
static void show_diags(struct check_result *r, const struct sshd_config *cfg)
{
	for (size_t i = 0; i < cfg->ndiags; i++) {
		const struct sshd_diag *d = &cfg->diags[i];
		result_file(r, d->path ? d->path : cfg->main_path, d->line, d->message);
	}
}

/* Whether a block's list of undecided criteria names one that --server
 * would decide (the client's address, or its name). */
static bool needs_server(const char *unknown)
{
	return unknown && (strstr(unknown, "Address") || strstr(unknown, "Host"));
}

/* Says which Match criteria could not be decided, and why: the process
 * server's address (give --server), or root's groups (the examined root
 * has no readable /etc/passwd and /etc/group naming root). */
static void note_undecided(struct check_result *r, const struct view *v)
{
	bool server = false, group = false;
	struct strvec other = { 0 };
	for (size_t i = 0; i < v->cfg->nblocks; i++) {
		const struct sshd_block *b = &v->cfg->blocks[i];
		if (b->applies != SSHD_MAYBE || !b->unknown)
			continue;
		char *list = xstrdup(b->unknown);
		for (char *save = NULL, *w = strtok_r(list, ", ", &save); w;
		     w = strtok_r(NULL, ", ", &save)) {
			if (strcmp(w, "Address") == 0 || strcmp(w, "Host") == 0)
				server = true;
			else if (strcmp(w, "Group") == 0)
				group = true;
			else if (!sv_contains(&other, w))
				sv_push(&other, w);
		}
		free(list);
	}
	if (server && !v->addr)
		result_note(r, "%s",
			    T("the process server's address is unknown (give --server): Match blocks "
			      "on Address or Host cannot be decided",
			      "进程服务器地址未知（请指定 --server）：无法判断基于 Address 或 Host 的 Match 块"));
	if (group)
		result_note(r, "%s",
			    T("root's groups are unknown (no readable /etc/passwd and /etc/group with "
			      "a root entry on the examined machine): Match blocks on Group cannot be "
			      "decided",
			      "root 所属的组未知（被检查的计算机上没有可读且包含 root 的 /etc/passwd 和 "
			      "/etc/group）：无法判断基于 Group 的 Match 块"));
	for (size_t i = 0; i < other.n; i++)
		result_note(r, T("Match blocks on %s cannot be decided for the push install's connection",
				 "无法针对推送安装的连接判断基于 %s 的 Match 块"),
			    other.v[i]);
	sv_free(&other);
}

/* Runs `sshd -T` for the push install's connection when it can (on a
 * running machine, this one or one reached over SSH, logged in as root)
 * and keeps its output as the authority. */
static void run_sshd_t(const struct check_ctx *ctx, struct check_result *r, struct view *v)
{
	struct target *t = ctx->t;
	if (!(t->can_run && t->is_root && (t->this_machine || t->live)))
		return;
	const char *prog = NULL;
	for (size_t i = 0; i < ARRAY_LEN(sshd_paths) && !prog; i++)
		if (target_exists(t, sshd_paths[i]))
			prog = sshd_paths[i];
	if (!prog)
		return;
	struct sbuf spec = { 0 };
	sb_add(&spec, "user=root");
	if (v->host || v->addr)
		sb_printf(&spec, ",host=%s", v->host ? v->host : v->addr);
	if (v->addr)
		sb_printf(&spec, ",addr=%s", v->addr);
	sb_add(&spec, ",lport=22");
	const char *argv[] = { prog, "-T", "-C", sb_str(&spec), NULL };
	struct cmd_result out;
	int rc = result_run(r, ctx, argv, &out);
	if (rc == 0 && out.status == 0 && sshd_t_parse(out.out, &v->t, NULL) == 0) {
		v->have_t = true;
		result_note(r, "%s",
			    T("sshd -T (the daemon's own view for this connection) is the authority; "
			      "file lines are shown for where the values come from",
			      "以 sshd -T（守护进程针对该连接的实际设置）为准；同时列出值来自的文件行"));
	} else {
		result_note(r, "%s",
			    T("sshd -T did not run cleanly; the values below come from reading the files",
			      "sshd -T 未能正常运行；以下值来自对配置文件的解析"));
	}
	cmd_result_free(&out);
	sb_free(&spec);
}

/* Loads and evaluates the configuration. Returns false when it set the
 * check's status already (no file, or a configuration we cannot read). */
static bool view_open(const struct check_ctx *ctx, struct check_result *r, struct view *v,
		      bool fail_if_missing)
{
	memset(v, 0, sizeof *v);
	if (ctx->t->os == TARGET_OS_WINDOWS) {
		result_set(r, STATUS_NA, "%s",
			   T("a Windows machine: the push install uses SMB and WMI there, not SSH",
			     "Windows 计算机：推送安装在此使用 SMB 和 WMI，而不是 SSH"));
		return false;
	}
	v->cfg = sshd_config_load(ctx->t, NULL);
	if (v->cfg->main_missing) {
		result_file(r, SSHD_CONFIG_PATH, 0, T("(missing)", "（不存在）"));
		result_set(r, fail_if_missing ? STATUS_FAIL : STATUS_WARN, "%s",
			   T("/etc/ssh/sshd_config is missing: is openssh-server installed?",
			     "/etc/ssh/sshd_config 不存在：是否安装了 openssh-server？"));
		return false;
	}
	const struct sshd_diag *d = sshd_config_first_unreadable(v->cfg);
	if (d) {
		show_diags(r, v->cfg);
		result_set(r, STATUS_ERROR,
			   T("the SSH server configuration cannot be evaluated: %s:%d: %s",
			     "无法评估 SSH 服务器配置：%s:%d：%s"),
			   d->path ? d->path : v->cfg->main_path, d->line, d->message);
		return false;
	}
	if (!second_opinion(ctx, r, v)) {
		show_diags(r, v->cfg);
		return false;
	}
	if ((d = sshd_config_first_refusal(v->cfg)) != NULL) {
		show_diags(r, v->cfg);
		note_release(r, v->cfg);
		result_set(r, STATUS_FAIL,
			   T("sshd refuses to start with this configuration (%s:%d: %s): no SSH login "
			     "is possible once it restarts",
			     "sshd 无法以此配置启动（%s:%d：%s）：重新启动后无法进行任何 SSH 登录"),
			   d->path ? d->path : v->cfg->main_path, d->line, d->message);
		return false;
	}
	show_diags(r, v->cfg);
	resolve_server(ctx, r, v);
	v->conn = (struct sshd_conn){ .user = "root", .host = v->host, .addr = v->addr, .lport = 22 };
	sshd_config_eval(v->cfg, &v->conn);
	note_undecided(r, v);
	return true;
}

/* After the file evidence: runs sshd -T when it can and says where it
 * disagrees with the files for the keys shown. */
static void view_authority(const struct check_ctx *ctx, struct check_result *r, struct view *v,
			   const enum sshd_key *keys, size_t nkeys)
{
	run_sshd_t(ctx, r, v);
	if (!v->have_t)
		return;
	for (size_t i = 0; i < nkeys; i++) {
		const struct sshd_setting *s = sshd_config_get(v->cfg, keys[i]);
		char *tv = sshd_t_value(&v->t, keys[i]);
		bool same = (!tv && !s->value) || (tv && s->value && strcmp(tv, s->value) == 0);
		if (!same)
			result_note(r, T("sshd -T says %s %s, reading the files gives %s; sshd -T wins",
					 "sshd -T 显示 %s 为 %s，解析文件得到 %s；以 sshd -T 为准"),
				    sshd_key_name(keys[i]), tv ? tv : T("(none)", "（无）"),
				    s->value ? s->value : T("(none)", "（无）"));
		free(tv);
	}
}

/* The effective value of key (caller frees; NULL for no value), from
 * sshd -T when it ran, else from the files. */
static char *view_value(const struct view *v, enum sshd_key key)
{
	if (v->have_t)
		return sshd_t_value(&v->t, key);
	const struct sshd_setting *s = sshd_config_get(v->cfg, key);
	return s->value ? xstrdup(s->value) : NULL;
}

/* A short "where" for findings: "path:line" or "not set (default)";
 * caller frees. */
static char *where(const struct view *v, enum sshd_key key)
{
	const struct sshd_setting *s = sshd_config_get(v->cfg, key);
	if (s->is_default)
		return xstrdup(T("not set anywhere: OpenSSH's default", "未设置：OpenSSH 默认值"));
	return sshd_setting_where(v->cfg, s);
}

/* Why a line that sets key loses to the deciding one (caller frees): its
 * Match block does not apply, a Match block that applies overrides the
 * global values, or (both global, or both in applying blocks) the
 * earlier value wins. */
static char *ignored_reason(const struct sshd_config *cfg, const struct sshd_setting *s,
			    const struct sshd_ref *o)
{
	if (o->block >= 0 && cfg->blocks[o->block].applies == SSHD_NO)
		return xstrdup(T("its Match block does not apply to root's connection",
				 "所在 Match 块不适用于 root 的连接"));
	if (o->block < 0 && s->block >= 0) {
		const struct sshd_block *b = &cfg->blocks[s->block];
		return xasprintf(T("the Match block at %s:%d applies to root's connection and "
				   "overrides global values",
				   "%s:%d 处的 Match 块适用于 root 的连接，覆盖全局值"),
				 cfg->files[b->file].path, b->line);
	}
	return xstrdup(T("an earlier value wins", "先出现的值优先"));
}

/* Evidence for a setting: the deciding line (and its Match line), lines
 * that lose, and, with sshd -T, whether the files agree. */
static void show_setting(struct check_result *r, const struct view *v, enum sshd_key key)
{
	const struct sshd_config *cfg = v->cfg;
	const struct sshd_setting *s = sshd_config_get(cfg, key);
	const char *name = sshd_key_name(key);
	if (s->is_default && !s->value) {
		result_note(r, T("no file sets %s; OpenSSH has no subsystems by default",
				 "没有文件设置 %s；OpenSSH 默认没有任何子系统"),
			    name);
	} else if (s->is_default) {
		result_note(r, T("%s is not set in any file; OpenSSH's default is %s",
				 "所有文件都未设置 %s；OpenSSH 默认值为 %s"),
			    name, s->value);
	} else {
		const struct sshd_line *l = sshd_config_line(cfg, s->file, s->line);
		result_file(r, cfg->files[s->file].path, s->line, l ? l->text : s->value);
		if (s->block >= 0) {
			const struct sshd_block *b = &cfg->blocks[s->block];
			const struct sshd_line *ml = sshd_config_line(cfg, b->file, b->line);
			result_file(r, cfg->files[b->file].path, b->line, ml ? ml->text : b->criteria);
			result_note(r, T("%s comes from a Match block that applies to root's connection",
					 "%s 来自适用于 root 连接的 Match 块"),
				    name);
		}
	}
	for (size_t i = 0; i < s->nothers && i < MAX_SHOWN; i++) {
		const struct sshd_ref *o = &s->others[i];
		const struct sshd_line *l = sshd_config_line(cfg, o->file, o->line);
		char *why = ignored_reason(cfg, s, o);
		char *text = xasprintf(T("%s    <- ignored: %s", "%s    <- 被忽略：%s"),
				       l ? l->text : o->value, why);
		result_file(r, cfg->files[o->file].path, o->line, text);
		free(text);
		free(why);
	}
}

/* When a Match block we cannot decide would change the verdict, warns and
 * names it. verdict() says whether a value passes. Returns true if so. */
static bool warn_uncertain(struct check_result *r, const struct view *v, enum sshd_key key,
			   bool (*verdict)(const char *value), bool current)
{
	const struct sshd_config *cfg = v->cfg;
	const struct sshd_setting *s = sshd_config_get(cfg, key);
	for (size_t i = 0; i < s->nalts; i++) {
		const struct sshd_ref *a = &s->alts[i];
		if (verdict(a->value) == current)
			continue;
		const struct sshd_block *b = a->block >= 0 ? &cfg->blocks[a->block] : NULL;
		const char *path = b ? cfg->files[b->file].path : cfg->files[a->file].path;
		int line = b ? b->line : a->line;
		const struct sshd_line *ml = sshd_config_line(cfg, b ? b->file : a->file, line);
		result_file(r, path, line, ml ? ml->text : "");
		result_file(r, cfg->files[a->file].path, a->line,
			    sshd_config_line(cfg, a->file, a->line)->text);
		const char *unknown = b && b->unknown ? b->unknown : "Match";
		result_set(r, STATUS_WARN,
			   T("%s is %s, but the Match block at %s:%d would make it %s, and whether it "
			     "applies depends on %s, which is unknown%s",
			     "%s 为 %s，但 %s:%d 处的 Match 块会使其变为 %s；它是否适用取决于未知的 %s%s"),
			   sshd_key_name(key), s->value ? s->value : "-", path, line, a->value, unknown,
			   needs_server(unknown) && !v->addr ? T(" (give --server)", "（请指定 --server）")
							     : "");
		return true;
	}
	return false;
}

/* Whether a value is "yes". */
static bool is_yes(const char *v)
{
	return v && strcmp(v, "yes") == 0;
}

/* Whether an AuthenticationMethods value lets a password alone in. */
static bool password_alone(const char *v)
{
	return sshd_auth_methods_allow(v, "password");
}

/* Notes that keyboard-interactive with PAM also takes passwords, which the
 * push does not use. */
static void note_kbd_pam(struct check_result *r, const struct view *v)
{
	char *kbd = view_value(v, SSHD_KBD_INTERACTIVE);
	char *pam = view_value(v, SSHD_USE_PAM);
	if (is_yes(kbd) && is_yes(pam))
		result_note(r, "%s",
			    T("KbdInteractiveAuthentication yes with UsePAM yes also accepts passwords "
			      "(keyboard-interactive), but ASR's push install uses the password method: "
			      "PasswordAuthentication itself must be yes",
			      "KbdInteractiveAuthentication yes 加 UsePAM yes 也可接受密码（键盘交互方式），"
			      "但 ASR 推送安装使用 password 方式：PasswordAuthentication 本身必须为 yes"));
	free(kbd);
	free(pam);
}

/* sshd.password: PasswordAuthentication for root must be yes. */
static void run_password(const struct check_ctx *ctx, struct check_result *r)
{
	struct view v;
	if (!view_open(ctx, r, &v, true)) {
		view_free(&v);
		return;
	}
	show_setting(r, &v, SSHD_PASSWORD_AUTH);
	const struct sshd_setting *am = sshd_config_get(v.cfg, SSHD_AUTH_METHODS);
	if (!am->is_default || am->nalts > 0)
		show_setting(r, &v, SSHD_AUTH_METHODS);
	static const enum sshd_key keys[] = { SSHD_PASSWORD_AUTH, SSHD_KBD_INTERACTIVE, SSHD_USE_PAM,
					      SSHD_AUTH_METHODS };
	view_authority(ctx, r, &v, keys, ARRAY_LEN(keys));
	char *val = view_value(&v, SSHD_PASSWORD_AUTH);
	char *w = where(&v, SSHD_PASSWORD_AUTH);
	char *methods = view_value(&v, SSHD_AUTH_METHODS);
	char *mw = where(&v, SSHD_AUTH_METHODS);
	note_kbd_pam(r, &v);
	bool ok = is_yes(val);
	bool alone = password_alone(methods);
	if (warn_uncertain(r, &v, SSHD_PASSWORD_AUTH, is_yes, ok)) {
		/* Warned: a Match block we cannot decide changes the verdict. */
	} else if (ok && warn_uncertain(r, &v, SSHD_AUTH_METHODS, password_alone, alone)) {
		/* Likewise for AuthenticationMethods. */
	} else if (ok && !alone) {
		if (sshd_auth_methods_allow(methods, "keyboard-interactive"))
			result_note(r, "%s",
				    T("a keyboard-interactive login alone is allowed, so a manual "
				      "`ssh root@host` test may succeed with a password while the push "
				      "install, which uses the password method, fails",
				      "仅键盘交互登录即可通过，因此手动 `ssh root@host` 测试可能用密码成功，"
				      "而使用 password 方式的推送安装却会失败"));
		result_set(r, STATUS_FAIL,
			   T("AuthenticationMethods %s for root (%s): a password alone cannot log root "
			     "in (no method list is just \"password\"), and the push install signs in "
			     "with root's password only",
			     "root 的 AuthenticationMethods 为 %s（%s）：仅凭密码无法让 root 登录（没有只含 "
			     "\"password\" 的方法列表），而推送安装只用 root 密码登录"),
			   methods ? methods : "?", mw);
	} else {
		if (ok && !am->is_default)
			result_set(r, STATUS_PASS,
				   T("PasswordAuthentication yes for root (%s), and AuthenticationMethods "
				     "%s (%s) lets a password alone in",
				     "root 的 PasswordAuthentication 为 yes（%s），且 AuthenticationMethods "
				     "为 %s（%s）允许仅凭密码登录"),
				   w, methods ? methods : "?", mw);
		else if (ok)
			result_set(r, STATUS_PASS,
				   T("PasswordAuthentication yes for root (%s)",
				     "root 的 PasswordAuthentication 为 yes（%s）"), w);
		else
			result_set(r, STATUS_FAIL,
				   T("PasswordAuthentication %s for root (%s): the push install cannot log "
				     "in with root's password",
				     "root 的 PasswordAuthentication 为 %s（%s）：推送安装无法用 root 密码登录"),
				   val ? val : "?", w);
	}
	free(val);
	free(w);
	free(methods);
	free(mw);
	view_free(&v);
}

/* sshd.root_login: PermitRootLogin must be yes. */
static void run_root_login(const struct check_ctx *ctx, struct check_result *r)
{
	struct view v;
	if (!view_open(ctx, r, &v, true)) {
		view_free(&v);
		return;
	}
	show_setting(r, &v, SSHD_PERMIT_ROOT_LOGIN);
	static const enum sshd_key keys[] = { SSHD_PERMIT_ROOT_LOGIN };
	view_authority(ctx, r, &v, keys, ARRAY_LEN(keys));
	char *val = view_value(&v, SSHD_PERMIT_ROOT_LOGIN);
	char *w = where(&v, SSHD_PERMIT_ROOT_LOGIN);
	bool ok = is_yes(val);
	if (!warn_uncertain(r, &v, SSHD_PERMIT_ROOT_LOGIN, is_yes, ok)) {
		if (ok)
			result_set(r, STATUS_PASS, T("PermitRootLogin yes (%s)", "PermitRootLogin 为 yes（%s）"),
				   w);
		else if (val && strcmp(val, "prohibit-password") == 0)
			result_set(r, STATUS_FAIL,
				   T("PermitRootLogin prohibit-password (%s): root may log in with keys only. "
				     "This is OpenSSH's default since 7.0, so root password logins are "
				     "blocked even when nothing sets it; the article does not mention this",
				     "PermitRootLogin 为 prohibit-password（%s）：root 只能用密钥登录。"
				     "这是 OpenSSH 7.0 起的默认值，即使未设置也会阻止 root 密码登录；文章没有提到这一点"),
				   w);
		else
			result_set(r, STATUS_FAIL,
				   T("PermitRootLogin %s (%s): root cannot log in with a password. It must be "
				     "yes; note that OpenSSH's default since 7.0 (prohibit-password) also "
				     "blocks root password logins, which the article does not mention",
				     "PermitRootLogin 为 %s（%s）：root 无法用密码登录。必须为 yes；注意 OpenSSH 7.0 "
				     "起的默认值（prohibit-password）同样阻止 root 密码登录，文章没有提到这一点"),
				   val ? val : "?", w);
	}
	free(val);
	free(w);
	view_free(&v);
}

/* sshd.kbd_interactive: informational, warns when a manual test would mislead. */
static void run_kbd_interactive(const struct check_ctx *ctx, struct check_result *r)
{
	struct view v;
	if (!view_open(ctx, r, &v, false)) {
		view_free(&v);
		return;
	}
	show_setting(r, &v, SSHD_KBD_INTERACTIVE);
	show_setting(r, &v, SSHD_USE_PAM);
	static const enum sshd_key keys[] = { SSHD_KBD_INTERACTIVE, SSHD_USE_PAM, SSHD_PASSWORD_AUTH };
	view_authority(ctx, r, &v, keys, ARRAY_LEN(keys));
	char *kbd = view_value(&v, SSHD_KBD_INTERACTIVE);
	char *pam = view_value(&v, SSHD_USE_PAM);
	char *pw = view_value(&v, SSHD_PASSWORD_AUTH);
	if (is_yes(kbd) && is_yes(pam) && !is_yes(pw))
		result_set(r, STATUS_WARN, "%s",
			   T("keyboard-interactive (PAM) accepts passwords while PasswordAuthentication "
			     "is not yes: a manual `ssh root@host` test can succeed with a password while "
			     "the push install, which uses the password method, fails",
			     "键盘交互（PAM）可接受密码而 PasswordAuthentication 不是 yes：手动 `ssh root@host` "
			     "测试可以用密码成功，而使用 password 方式的推送安装却会失败"));
	else
		result_set(r, STATUS_PASS,
			   T("KbdInteractiveAuthentication %s, UsePAM %s (informational: the push "
			     "install uses the password method)",
			     "KbdInteractiveAuthentication 为 %s，UsePAM 为 %s（仅供参考：推送安装使用 password 方式）"),
			   kbd ? kbd : "?", pam ? pam : "?");
	free(kbd);
	free(pam);
	free(pw);
	view_free(&v);
}

/* The program of a subsystem command line (caller frees). */
static char *first_word(const char *cmd)
{
	size_t n = strcspn(cmd, " \t");
	return xstrndup(cmd, n);
}

/* Whether a Subsystem sftp value is present (the verdict for uncertainty). */
static bool has_sftp(const char *v)
{
	return v != NULL;
}

/* sshd.sftp: a Subsystem sftp whose program exists (or internal-sftp). */
static void run_sftp(const struct check_ctx *ctx, struct check_result *r)
{
	struct view v;
	if (!view_open(ctx, r, &v, true)) {
		view_free(&v);
		return;
	}
	show_setting(r, &v, SSHD_SUBSYSTEM_SFTP);
	static const enum sshd_key keys[] = { SSHD_SUBSYSTEM_SFTP };
	view_authority(ctx, r, &v, keys, ARRAY_LEN(keys));
	char *cmd = view_value(&v, SSHD_SUBSYSTEM_SFTP);
	char *w = where(&v, SSHD_SUBSYSTEM_SFTP);
	if (warn_uncertain(r, &v, SSHD_SUBSYSTEM_SFTP, has_sftp, cmd != NULL)) {
		/* Warned. */
	} else if (!cmd) {
		result_set(r, STATUS_FAIL, "%s",
			   T("no Subsystem sftp is configured: the push install copies the installer "
			     "over SFTP",
			     "未配置 Subsystem sftp：推送安装通过 SFTP 复制安装程序"));
	} else {
		const struct sshd_setting *s = sshd_config_get(v.cfg, SSHD_SUBSYSTEM_SFTP);
		char *prog = !v.have_t && s->program ? xstrdup(s->program) : first_word(cmd);
		struct target_stat st;
		if (strcmp(prog, "internal-sftp") == 0) {
			result_set(r, STATUS_PASS,
				   T("Subsystem sftp is internal-sftp (%s)", "Subsystem sftp 为 internal-sftp（%s）"),
				   w);
		} else if (prog[0] != '/') {
			result_set(r, STATUS_WARN,
				   T("Subsystem sftp runs \"%s\", not an absolute path: cannot check the "
				     "program exists (%s)",
				     "Subsystem sftp 运行 \"%s\"，不是绝对路径：无法确认程序存在（%s）"),
				   prog, w);
		} else if (target_stat(ctx->t, prog, &st) != 0) {
			result_file(r, prog, 0, T("(missing)", "（不存在）"));
			result_set(r, STATUS_FAIL,
				   T("Subsystem sftp names %s (%s), which does not exist: SFTP sessions fail",
				     "Subsystem sftp 指定的 %s（%s）不存在：SFTP 会话会失败"),
				   prog, w);
		} else if (!S_ISREG(st.mode) || !(st.mode & 0111)) {
			result_file(r, prog, 0, T("(not an executable file)", "（不是可执行文件）"));
			result_set(r, STATUS_FAIL,
				   T("Subsystem sftp names %s (%s), which is not an executable file",
				     "Subsystem sftp 指定的 %s（%s）不是可执行文件"),
				   prog, w);
		} else {
			result_file(r, prog, 0, T("(executable file)", "（可执行文件）"));
			result_set(r, STATUS_PASS,
				   T("Subsystem sftp runs %s, which exists (%s)",
				     "Subsystem sftp 运行 %s，该程序存在（%s）"),
				   prog, w);
		}
		free(prog);
	}
	free(cmd);
	free(w);
	view_free(&v);
}

/* ---- sshd.service ---- */

/* Whether s is a non-empty run of digits (a /proc pid folder). */
static bool all_digits(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!isdigit((unsigned char)*s))
			return false;
	return true;
}

/* Whether process pid is an sshd listener: comm "sshd", or a command line
 * whose program is sshd (or retitled "sshd: ..."). */
static bool proc_is_sshd(struct target *t, const char *pid, char **shown)
{
	char *path = xasprintf("/proc/%s/comm", pid);
	char *data = NULL;
	bool yes = false;
	if (target_read(t, path, &data, NULL) == 0 && strcmp(str_trim(data), "sshd") == 0) {
		yes = true;
		*shown = xasprintf("/proc/%s/comm: sshd", pid);
	}
	free(data);
	free(path);
	if (yes)
		return true;
	path = xasprintf("/proc/%s/cmdline", pid);
	data = NULL;
	size_t len = 0;
	if (target_read(t, path, &data, &len) == 0 && len > 0) {
		const char *arg0 = data; /* up to the first NUL */
		const char *base = strrchr(arg0, '/');
		base = base ? base + 1 : arg0;
		if (strcmp(base, "sshd") == 0 || str_starts(arg0, "sshd:")) {
			yes = true;
			*shown = xasprintf("/proc/%s/cmdline: %s", pid, arg0);
		}
	}
	free(data);
	free(path);
	return yes;
}

/* Finds a listening socket on TCP port in /proc/net/tcp or tcp6 text;
 * returns its 1-based line or 0. */
static int tcp_listening(const char *text, unsigned port)
{
	int ln = 0;
	for (const char *p = text; *p;) {
		ln++;
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);
		char *line = xstrndup(p, n);
		char sl[32], local[80], remote[80], st[8];
		if (ln > 1 && sscanf(line, "%31s %79s %79s %7s", sl, local, remote, st) == 4) {
			const char *colon = strrchr(local, ':');
			unsigned long lp = colon ? strtoul(colon + 1, NULL, 16) : 0;
			if (lp == port && strcmp(st, "0A") == 0) {
				free(line);
				return ln;
			}
		}
		free(line);
		if (!nl)
			break;
		p = nl + 1;
	}
	return 0;
}

/* The line of a file as text (for evidence); caller frees. */
static char *nth_line(const char *text, int n)
{
	const char *p = text;
	for (int i = 1; i < n && p; i++) {
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	if (!p)
		return xstrdup("");
	return xstrndup(p, strcspn(p, "\n"));
}

/* Whether systemd socket activation of sshd is enabled (Ubuntu 22.10+
 * ssh.socket): port 22 is then held by systemd until a client connects. */
static bool socket_activated(struct target *t, const char **which)
{
	static const char *const units[] = {
		"/etc/systemd/system/sockets.target.wants/ssh.socket",
		"/etc/systemd/system/sockets.target.wants/sshd.socket",
	};
	for (size_t i = 0; i < ARRAY_LEN(units); i++)
		if (target_exists(t, units[i])) {
			*which = units[i];
			return true;
		}
	return false;
}

/* When sshd would refuse to start with the machine's configuration:
 * "path:line: why" (caller frees), with the line as evidence; else NULL. */
static char *config_refusal(struct target *t, struct check_result *r)
{
	if (t->os != TARGET_OS_LINUX)
		return NULL;
	struct sshd_config *cfg = sshd_config_load(t, NULL);
	const struct sshd_diag *d = sshd_config_first_refusal(cfg);
	char *why = NULL;
	if (d && !sshd_config_first_unreadable(cfg)) {
		const char *path = d->path ? d->path : cfg->main_path;
		result_file(r, path, d->line, d->message);
		why = xasprintf("%s:%d: %s", path, d->line, d->message);
	}
	sshd_config_free(cfg);
	return why;
}

/* sshd.service: sshd runs and TCP port 22 listens (live state from /proc),
 * and its configuration lets it start again. */
static void run_service(const struct check_ctx *ctx, struct check_result *r)
{
	struct target *t = ctx->t;
	if (t->os == TARGET_OS_WINDOWS) {
		result_set(r, STATUS_NA, "%s",
			   T("a Windows machine: the push install does not use SSH there",
			     "Windows 计算机：推送安装在此不使用 SSH"));
		return;
	}
	char *tcp4 = NULL, *tcp6 = NULL;
	bool have4 = target_read(t, "/proc/net/tcp", &tcp4, NULL) == 0;
	bool have6 = target_read(t, "/proc/net/tcp6", &tcp6, NULL) == 0;
	struct strvec pids = { 0 };
	bool have_proc = target_list(t, "/proc", &pids) == 0;
	size_t nproc = 0;
	for (size_t i = 0; i < pids.n; i++)
		nproc += all_digits(pids.v[i]);
	char *refusal = config_refusal(t, r);
	if (!have4 && !have6 && nproc == 0) {
		if (refusal)
			result_set(r, STATUS_FAIL,
				   T("sshd refuses to start with its configuration (%s): when this "
				     "machine starts, nothing will listen on port 22",
				     "sshd 无法以其配置启动（%s）：该计算机启动后 22 端口将无人监听"),
				   refusal);
		else if (!t->live)
			result_set(r, STATUS_NA, "%s",
				   T("a mounted root has no running system: whether sshd runs and listens "
				     "on port 22 can only be checked on the running machine",
				     "挂载的根目录没有运行中的系统：只能在运行中的计算机上检查 sshd 是否运行并监听 22 端口"));
		else
			result_set(r, STATUS_ERROR, "%s",
				   T(have_proc ? "cannot read /proc/net/tcp or the process list"
					       : "cannot read /proc",
				     have_proc ? "无法读取 /proc/net/tcp 或进程列表" : "无法读取 /proc"));
		free(refusal);
		free(tcp4);
		free(tcp6);
		sv_free(&pids);
		return;
	}
	/* Is sshd running? */
	char *shown = NULL;
	for (size_t i = 0; i < pids.n && !shown; i++)
		if (all_digits(pids.v[i]))
			proc_is_sshd(t, pids.v[i], &shown);
	bool running = shown != NULL;
	if (running)
		result_note(r, "%s", shown);
	else
		result_note(r, T("no sshd process among %zu processes under /proc",
				 "/proc 下的 %zu 个进程中没有 sshd"), nproc);
	free(shown);
	/* Is something listening on TCP port 22? */
	int l4 = have4 ? tcp_listening(tcp4, 22) : 0;
	int l6 = have6 ? tcp_listening(tcp6, 22) : 0;
	if (l4) {
		char *s = nth_line(tcp4, l4);
		result_file(r, "/proc/net/tcp", l4, str_trim(s));
		free(s);
	}
	if (l6) {
		char *s = nth_line(tcp6, l6);
		result_file(r, "/proc/net/tcp6", l6, str_trim(s));
		free(s);
	}
	bool listening = l4 || l6;
	if (!listening && (have4 || have6))
		result_note(r, "%s",
			    T("no socket in state LISTEN (0A) on local port 22 (0016) in /proc/net/tcp "
			      "or /proc/net/tcp6",
			      "/proc/net/tcp 和 /proc/net/tcp6 中没有本地端口 22（0016）处于 LISTEN（0A）状态的套接字"));
	/* Which ports sshd is configured for, to explain a wrong port. */
	char *ports = NULL;
	char *pwhere = NULL;
	if (t->os == TARGET_OS_LINUX) {
		struct sshd_config *cfg = sshd_config_load(t, NULL);
		if (!cfg->main_missing && cfg->nerrors == 0) {
			sshd_config_eval(cfg, NULL);
			const struct sshd_setting *s = sshd_config_get(cfg, SSHD_PORT);
			ports = xstrdup(s->value);
			pwhere = sshd_setting_where(cfg, s);
			if (!s->is_default)
				result_file(r, cfg->files[s->file].path, s->line,
					    sshd_config_line(cfg, s->file, s->line)->text);
		}
		sshd_config_free(cfg);
	}
	bool port22 = !ports || strcmp(ports, "22") == 0 || str_starts(ports, "22 ") ||
		      strstr(ports, " 22 ") || str_ends(ports, " 22");
	const char *unit = NULL;
	if (refusal) {
		result_set(r, STATUS_FAIL,
			   T("sshd refuses to start with its configuration (%s): %s",
			     "sshd 无法以其配置启动（%s）：%s"),
			   refusal,
			   running ? T("the running sshd keeps its old settings until it restarts, "
				       "then nothing listens on port 22",
				       "正在运行的 sshd 在重启前保留旧设置，重启后 22 端口将无人监听")
				   : T("nothing will listen on port 22",
				       "22 端口将无人监听"));
	} else if (running && listening) {
		result_set(r, STATUS_PASS, "%s",
			   T("sshd is running and TCP port 22 is listening",
			     "sshd 正在运行，TCP 22 端口处于监听状态"));
	} else if (listening && socket_activated(t, &unit)) {
		result_file(r, unit, 0, T("(enabled)", "（已启用）"));
		result_set(r, STATUS_PASS, "%s",
			   T("TCP port 22 is listening; sshd is started on demand by systemd socket "
			     "activation",
			     "TCP 22 端口处于监听状态；sshd 由 systemd 套接字激活按需启动"));
	} else if (listening) {
		result_set(r, STATUS_WARN, "%s",
			   T("TCP port 22 is listening but no sshd process runs: another program may "
			     "hold port 22",
			     "TCP 22 端口处于监听状态但没有 sshd 进程：可能是其他程序占用了 22 端口"));
	} else if (running && !port22) {
		result_set(r, STATUS_FAIL,
			   T("sshd runs but listens on port %s (%s), not 22: the push install connects "
			     "to port 22",
			     "sshd 正在运行，但监听端口为 %s（%s）而不是 22：推送安装连接 22 端口"),
			   ports, pwhere);
	} else if (running) {
		result_set(r, STATUS_FAIL, "%s",
			   T("sshd runs but nothing listens on TCP port 22",
			     "sshd 正在运行，但没有程序监听 TCP 22 端口"));
	} else {
		result_set(r, STATUS_FAIL, "%s",
			   T("sshd is not running and nothing listens on TCP port 22",
			     "sshd 没有运行，也没有程序监听 TCP 22 端口"));
	}
	free(ports);
	free(pwhere);
	free(refusal);
	free(tcp4);
	free(tcp6);
	sv_free(&pids);
}

const struct check_def check_sshd_password = {
	.id = "sshd.password",
	.title_en = "SSH password authentication for root",
	.title_zh = "root 的 SSH 密码认证",
	.run = run_password,
};

const struct check_def check_sshd_root_login = {
	.id = "sshd.root_login",
	.title_en = "SSH root login with a password",
	.title_zh = "root 通过密码 SSH 登录",
	.run = run_root_login,
};

const struct check_def check_sshd_kbd_interactive = {
	.id = "sshd.kbd_interactive",
	.title_en = "SSH keyboard-interactive authentication",
	.title_zh = "SSH 键盘交互认证",
	.run = run_kbd_interactive,
};

const struct check_def check_sshd_sftp = {
	.id = "sshd.sftp",
	.title_en = "SSH SFTP subsystem",
	.title_zh = "SSH SFTP 子系统",
	.run = run_sftp,
};

const struct check_def check_sshd_service = {
	.id = "sshd.service",
	.title_en = "sshd running and listening on port 22",
	.title_zh = "sshd 运行并监听 22 端口",
	.run = run_service,
};
