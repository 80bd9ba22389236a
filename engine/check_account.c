/* check_account.c: 95108/95519/95520 on Linux: a push install logs in as
 * root with a password, so root's password must be set, not locked, not
 * expired, and root must have a real login shell. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "engine/check_misc.h"
#include "engine/sysparse.h"

/* Writes day (days since 1970-01-01) as YYYY-MM-DD into buf. */
static const char *day_text(long day, char *buf, size_t size)
{
	time_t s = (time_t)day * 86400;
	struct tm tm;
	if (!gmtime_r(&s, &tm) || strftime(buf, size, "%Y-%m-%d", &tm) == 0)
		snprintf(buf, size, "day %ld", day);
	return buf;
}

/* Line ln of text (1-based), copied; "" when out of range. */
static char *line_at(const char *text, int ln)
{
	const char *p = text;
	for (int i = 1; i < ln && p; i++) {
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	if (!p)
		return xstrdup("");
	size_t n = strcspn(p, "\r\n");
	return xstrndup(p, n);
}

/* The shadow line as evidence, with the password hash replaced: the
 * lock markers ('!', '*') stay visible, the hash never leaves. */
static char *redacted(const char *line)
{
	const char *c1 = strchr(line, ':');
	if (!c1)
		return xstrdup(line);
	const char *pw = c1 + 1;
	const char *c2 = strchr(pw, ':');
	size_t pl = c2 ? (size_t)(c2 - pw) : strlen(pw);
	size_t marks = 0;
	while (marks < pl && (pw[marks] == '!' || pw[marks] == '*'))
		marks++;
	struct sbuf b = { 0 };
	sb_addn(&b, line, (size_t)(pw - line));
	sb_addn(&b, pw, marks);
	if (pl > marks)
		sb_add(&b, T("<password hash hidden>", "<密码哈希已隐藏>"));
	if (c2)
		sb_add(&b, c2);
	return sb_steal(&b);
}

/* Checks the password field and the aging fields the way the shadow
 * suite's isexpired() does. */
static void judge_shadow(struct check_result *r, const struct shadow_entry *e, long today)
{
	char d1[32], d2[32];
	const char *pw = e->pw;
	if (!*pw) {
		result_set(r, STATUS_FAIL, "%s",
			   T("root has an empty password: a password login as root is refused",
			     "root 的密码为空：无法以 root 密码登录"));
	} else if (pw[0] == '!' || pw[0] == '*') {
		size_t marks = strspn(pw, "!*");
		if (pw[marks] == '\0')
			result_set(
			    r, STATUS_FAIL,
			    T("root has no usable password (password field \"%s\"): set one with passwd root",
			      "root 没有可用的密码（密码字段为 \"%s\"）：请用 passwd root 设置"),
			    pw);
		else
			result_set(
			    r, STATUS_FAIL, "%s",
			    T("root's password is locked ('!' before the hash): unlock it with passwd -u root",
			      "root 的密码已锁定（哈希前有 '!'）：请用 passwd -u root 解锁"));
	}
	if (e->expire != SHADOW_EMPTY && e->expire > 0 && today >= e->expire)
		result_set(r, STATUS_FAIL,
			   T("the root account expired on %s", "root 账户已于 %s 过期"),
			   day_text(e->expire, d1, sizeof d1));
	if (e->lastchg == 0) {
		result_set(r, STATUS_FAIL, "%s",
			   T("root must change its password at the next login (last change is 0)",
			     "root 必须在下次登录时修改密码（上次修改日期为 0）"));
		return;
	}
	if (e->lastchg > 0 && e->max >= 0 && e->inactive >= 0 &&
	    today >= e->lastchg + e->max + e->inactive) {
		result_set(r, STATUS_FAIL,
			   T("root's password expired on %s and the account is inactive since %s",
			     "root 的密码已于 %s 过期，账户自 %s 起停用"),
			   day_text(e->lastchg + e->max, d1, sizeof d1),
			   day_text(e->lastchg + e->max + e->inactive, d2, sizeof d2));
		return;
	}
	if (e->lastchg == SHADOW_EMPTY || e->max == SHADOW_EMPTY || e->max >= 10000)
		return;
	if (today >= e->lastchg + e->max)
		result_set(
		    r, STATUS_FAIL,
		    T("root's password expired on %s (changed %s, valid %ld days): a new one must be set first",
		      "root 的密码已于 %s 过期（%s 修改，有效期 %ld 天）：须先设置新密码"),
		    day_text(e->lastchg + e->max, d1, sizeof d1),
		    day_text(e->lastchg, d2, sizeof d2), e->max);
}

/* Checks root's login shell in /etc/passwd. */
static void judge_shell(const struct check_ctx *ctx, struct check_result *r)
{
	char *text = NULL;
	int rc = target_read(ctx->t, "/etc/passwd", &text, NULL);
	if (rc < 0) {
		result_set(r, STATUS_WARN,
			   T("cannot read /etc/passwd: %s", "无法读取 /etc/passwd：%s"),
			   strerror(-rc));
		return;
	}
	struct passwd_entry pe;
	int found = passwd_find(text, "root", &pe);
	if (found <= 0) {
		result_set(r, STATUS_FAIL, "%s",
			   found == 0
			       ? T("/etc/passwd has no root line", "/etc/passwd 中没有 root 行")
			       : T("root's line in /etc/passwd is malformed",
				   "/etc/passwd 中 root 行格式错误"));
		free(text);
		return;
	}
	char *line = line_at(text, pe.line);
	result_file(r, "/etc/passwd", pe.line, line);
	free(line);
	const char *shell = *pe.shell ? pe.shell : "/bin/sh";
	const char *base = strrchr(shell, '/') ? strrchr(shell, '/') + 1 : shell;
	if (strcmp(base, "nologin") == 0 || strcmp(base, "false") == 0)
		result_set(r, STATUS_FAIL,
			   T("root's shell is %s: every login as root is refused",
			     "root 的 shell 为 %s：所有 root 登录都会被拒绝"),
			   shell);
	else if (!target_exists(ctx->t, shell))
		result_set(r, STATUS_WARN,
			   T("root's shell %s does not exist", "root 的 shell %s 不存在"), shell);
	passwd_entry_free(&pe);
	free(text);
}

void account_root_evaluate(const struct check_ctx *ctx, struct check_result *r, long today)
{
	char *text = NULL;
	int rc = target_read(ctx->t, "/etc/shadow", &text, NULL);
	if (rc < 0) {
		if (rc == -EACCES || rc == -EPERM)
			result_set(r, STATUS_ERROR,
				   T("cannot read /etc/shadow: %s (%s)", "无法读取 /etc/shadow：%s（%s）"),
				   strerror(-rc), target_needs_root(ctx->t));
		else
			result_set(r, STATUS_ERROR,
				   T("cannot read /etc/shadow: %s", "无法读取 /etc/shadow：%s"),
				   strerror(-rc));
		return;
	}
	struct shadow_entry e;
	int found = shadow_find(text, "root", &e);
	if (found == 0) {
		result_set(r, STATUS_FAIL, "%s",
			   T("/etc/shadow has no root line", "/etc/shadow 中没有 root 行"));
	} else if (found < 0) {
		result_file(r, "/etc/shadow", e.line,
			    T("(malformed; not shown)", "（格式错误；不显示）"));
		result_set(r, STATUS_ERROR,
			   T("root's line %d in /etc/shadow is malformed",
			     "/etc/shadow 第 %d 行（root）格式错误"),
			   e.line);
	} else {
		char *line = line_at(text, e.line);
		char *shown = redacted(line);
		result_file(r, "/etc/shadow", e.line, shown);
		memset(line, 0, strlen(line));
		free(line);
		free(shown);
		char d[32];
		result_note(r, T("today is %s (day %ld)", "今天是 %s（第 %ld 天）"),
			    day_text(today, d, sizeof d), today);
		judge_shadow(r, &e, today);
		shadow_entry_free(&e);
	}
	/* The file held password hashes: wipe before freeing. */
	memset(text, 0, strlen(text));
	free(text);
	judge_shell(ctx, r);
	result_set(r, STATUS_PASS, "%s",
		   T("root has a password that is neither locked nor expired, and a login shell",
		     "root 有未锁定、未过期的密码和可登录的 shell"));
}

/* account.root as of today. */
static void run_account_root(const struct check_ctx *ctx, struct check_result *r)
{
	if (ctx->t->os == TARGET_OS_WINDOWS) {
		result_set(r, STATUS_NA, "%s",
			   T("Linux root account: see win.account on Windows",
			     "Linux root 账户：Windows 上见 win.account"));
		return;
	}
	/* A Linux push install always logs in as root (95108). */
	if (ctx->account && strcmp(ctx->account, "root") != 0)
		result_note(r, T("--account %s is not judged here: a push install to Linux logs in as root",
				 "此处不判断 --account %s：到 Linux 的推送安装以 root 登录"),
			    ctx->account);
	account_root_evaluate(ctx, r, (long)(time(NULL) / 86400));
}

const struct check_def check_account_root = {
	.id = "account.root",
	.title_en = "root account usable for a password login",
	.title_zh = "root 账户可用密码登录",
	.run = run_account_root,
};
