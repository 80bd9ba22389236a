/* fix_account.c: 95108/95519/95520, the root account the push installation
 * logs in with has its password locked. The fix is a command (passwd -u
 * root) behind its own confirmation, undone by its inverse (passwd -l
 * root) when the password was seen locked; asr-doctor never asks for, sets
 * or stores a password. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "engine/fix.h"
#include "engine/change/plan.h"

static const char *const root_checks[] = { "account.root", NULL };

enum root_pw {
	PW_UNKNOWN, /* shadow unreadable or no root line */
	PW_LOCKED,  /* "!" before a password hash: passwd -u works */
	PW_NONE,    /* no password at all ("", "!", "!!", "*", "!*") */
	PW_USABLE,  /* a password hash, not locked */
};

/* Classifies root's password field without keeping it: only whether it is
 * locked and whether a hash is behind the lock. */
static enum root_pw classify(const char *shadow)
{
	for (const char *p = shadow; p && *p;) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);
		if (n > 5 && strncmp(p, "root:", 5) == 0) {
			const char *f = p + 5;
			const char *end = memchr(f, ':', n - 5);
			size_t flen = end ? (size_t)(end - f) : n - 5;
			size_t bangs = 0;
			while (bangs < flen && f[bangs] == '!')
				bangs++;
			size_t rest = flen - bangs;
			bool no_hash =
			        rest == 0 || (rest == 1 && (f[bangs] == '*' || f[bangs] == 'x'));
			if (bangs == 0)
				return rest == 0 || f[0] == '*' ? PW_NONE : PW_USABLE;
			return no_hash ? PW_NONE : PW_LOCKED;
		}
		if (!nl)
			break;
		p = nl + 1;
	}
	return PW_UNKNOWN;
}

/* Overwrites a secret before it is freed. */
static void wipe_free(char *s, size_t n)
{
	if (!s)
		return;
	volatile char *v = s;
	for (size_t i = 0; i < n; i++)
		v[i] = 0;
	free(s);
}

/* The inverse of "passwd -u USER": "passwd -l USER"; NULL for any other
 * command. */
static char **root_unlock_inverse(const struct fix_ctx *ctx, const char *const *argv)
{
	(void)ctx;
	if (!argv || !argv[0] || strcmp(argv[0], "passwd") != 0 || !argv[1] ||
	    strcmp(argv[1], "-u") != 0 || !argv[2] || argv[3])
		return NULL;
	const char *inv[] = { "passwd", "-l", argv[2], NULL };
	return argv_dup(inv);
}

/* Plans "passwd -u root" when root's password is locked behind a hash. */
static struct plan *plan_root_unlock(const struct fix_ctx *ctx, char **cause)
{
	char *shadow = NULL;
	size_t len = 0;
	int rc = target_read(ctx->t, "/etc/shadow", &shadow, &len);
	enum root_pw pw = rc == 0 ? classify(shadow) : PW_UNKNOWN;
	wipe_free(shadow, len);
	if (pw == PW_USABLE) {
		*cause = xstrdup(T("root's password is not locked: nothing to unlock",
		                   "root 的密码没有被锁定：无需解锁"));
		return NULL;
	}
	if (pw == PW_NONE) {
		*cause = xstrdup(
		        T("root has no password, so 'passwd -u root' would refuse (it will not "
		          "make a password-less account). Set one yourself, interactively: "
		          "passwd root. asr-doctor never asks for, sets or stores a password.",
		          "root 没有密码，'passwd -u root' "
		          "会拒绝（它不会生成无密码账户）。请自行交互设置："
		          "passwd root。asr-doctor 从不询问、设置或保存密码。"));
		return NULL;
	}
	struct plan *p =
	        plan_new("account.root_unlock", T("Unlock root's password", "解锁 root 的密码"));
	plan_add_checks(p, root_checks);
	if (ctx->anchor)
		plan_set_anchor(p, ctx->anchor);
	if (pw == PW_LOCKED) {
		plan_before(p, "%s",
		            T("root's password is locked ('!' before its hash in /etc/shadow)",
		              "root 的密码已锁定（/etc/shadow 中哈希前有 '!'）"));
		plan_after(p, "%s",
		           T("root can log in with the password it had before it was locked",
		             "root 可以使用锁定前的密码登录"));
	} else {
		plan_before(p, "%s",
		            T("root's password state could not be read (/etc/shadow needs root)",
		              "无法读取 root 的密码状态（读取 /etc/shadow 需要 root 权限）"));
		plan_after(p, "%s",
		           T("root's password is unlocked, if it has one",
		             "如果 root 有密码，则该密码被解锁"));
	}
	const char *argv[] = { "passwd", "-u", "root", NULL };
	struct plan_cmd *c = plan_add_command(
	        p, argv,
	        T("the push installation logs in as root with a password (ErrorID 95108, 95519)",
	          "推送安装以 root 身份用密码登录（ErrorID 95108、95519）"),
	        CMD_AFTER, true);
	plan_note(p, "%s",
	          T("'passwd -u' refuses an account without a password; then set one "
	            "interactively with 'passwd root'. asr-doctor never asks for, sets or stores "
	            "a password.",
	            "'passwd -u' 会拒绝没有密码的账户；此时请用 'passwd root' 交互设置。"
	            "asr-doctor 从不询问、设置或保存密码。"));
	plan_note(p, "%s",
	          T("An expired password or account also blocks the login: 'chage -l root' "
	            "shows the dates.",
	            "密码或账户过期同样会阻止登录：'chage -l root' 可查看相关日期。"));
	if (!ctx->t->can_run)
		plan_note(p, "%s",
		          T("This is a mounted root: the command cannot run here; run it after "
		            "booting the machine.",
		            "这是挂载的根目录：命令无法在此执行；请在启动该机器后执行。"));
	if (pw == PW_LOCKED) {
		/* Seen locked: 'passwd -l root' puts back exactly the '!' that
		 * 'passwd -u root' takes off. */
		char **inv = root_unlock_inverse(ctx, argv);
		plan_cmd_inverse(c, (const char *const *)inv);
		argv_free(inv);
	} else {
		/* Not seen: locking it again could lock a password that was
		 * never locked, so undo leaves it. */
		plan_set_undo(p, T("asr-doctor cannot undo this command: root's password state was "
		                   "not read before it. To lock root's password, run 'passwd -l "
		                   "root'.",
		                   "asr-doctor 无法撤销此命令：执行前未能读取 root 的密码状态。"
		                   "如需锁定 root 的密码，请运行 'passwd -l root'。"));
	}
	return p;
}

const struct fix_def fix_root_unlock = {
	.id = "account.root_unlock",
	.check_ids = root_checks,
	.title_en = "Unlock root's password",
	.title_zh = "解锁 root 的密码",
	.plan = plan_root_unlock,
	.inverse = root_unlock_inverse,
};
