/* remote.c: the wizard and remote machines: a password typed on a screen
 * that never shows it, the confirmation of an unknown host key (default
 * No), keyboard-interactive's questions as the server words them, the
 * warning of a changed one, and the push-install replay screen P
 * (engine/probe.c): each step as it completes, what it did and how long it
 * took, stopping at the first that fails with its ErrorID and its section
 * selected in the tree. */
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "engine/codes.h"
#include "engine/probe.h"
#include "engine/target/target_ssh.h"
#include "engine/util/text.h"
#include "tui/app.h"
#include "tui/input.h"

/* Longest secret typed. */
#define SECRET_MAX 1024

/* The lines of text, each wrapped at the screen's width. */
static void page_of(struct app *a, struct rpage *pg, const char *title, const char *text)
{
	struct render_opts o = { .width = a->cols - 1, .utf8 = a->utf8, .wrap_code = true };
	if (title) {
		render_text(pg, title, STY_TITLE | STY_BOLD, "", "", &o);
		render_blank(pg);
	}
	const char *p = text;
	while (*p) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		char *line = xstrndup(p, len);
		size_t ind = strspn(line, " ");
		char *pre = xstrndup(line, ind);
		if (line[ind])
			render_text(pg, line + ind, 0, pre, pre, &o);
		else
			render_blank(pg);
		free(pre);
		free(line);
		p = nl ? nl + 1 : p + len;
	}
}

/* Waits for one key; a resize lays the screens out again and is no key.
 * Returns input_get's code. */
static int modal_key(struct app *a, wint_t *ch)
{
	int rc = input_get(-1, ch);
	if (rc == KEY_CODE_YES && *ch == KEY_RESIZE)
		app_relayout(a);
	return rc;
}

/* One line typed on a screen under title and prompt: never shown
 * unless echo, then shown as typed after the prompt. Returns it (caller
 * wipes and frees), or NULL when cancelled. */
static char *ask_line(struct app *a, const char *title, const char *prompt, bool echo)
{
	char *buf = xmalloc(SECRET_MAX + 1);
	size_t n = 0;
	char *out = NULL;
	for (;;) {
		struct rpage pg = { 0 };
		buf[n] = '\0';
		char *text = echo ? xasprintf("%s%s\n\n%s", prompt, buf,
					      app_tr("Enter answers; Esc cancels.",
						     "按 Enter 回答；按 Esc 取消。"))
				  : xasprintf("%s\n\n%s", prompt,
					      app_tr("What you type is not shown. Enter logs in; Esc cancels.",
						     "输入的内容不会显示。按 Enter 登录；按 Esc 取消。"));
		page_of(a, &pg, title, text);
		free(text);
		app_draw_modal(a, &pg,
			       echo ? app_tr("Type the answer, then Enter", "输入回答，然后按 Enter")
				    : app_tr("Password (not shown), then Enter",
					     "输入密码（不显示），然后按 Enter"));
		rpage_free(&pg);
		wint_t ch = 0;
		int rc = modal_key(a, &ch);
		if (app_take_interrupt())
			break;
		if (rc == ERR)
			continue;
		if (rc == KEY_CODE_YES) {
			if (ch == KEY_ENTER)
				goto done;
			if (ch == KEY_BACKSPACE)
				goto erase;
			continue;
		}
		if (ch == '\r' || ch == '\n')
			goto done;
		if (ch == 27)
			break;
		if (ch == 127 || ch == 8)
			goto erase;
		if (ch == 21) { /* Ctrl-U */
			explicit_bzero(buf, n);
			n = 0;
			continue;
		}
		if (ch < 32)
			continue;
		{
			char mb[MB_LEN_MAX];
			mbstate_t st = { 0 };
			size_t k = wcrtomb(mb, (wchar_t)ch, &st);
			if (k != (size_t)-1 && n + k <= SECRET_MAX) {
				memcpy(buf + n, mb, k);
				n += k;
			}
			explicit_bzero(mb, sizeof mb);
		}
		continue;
	erase:
		while (n > 0 && ((unsigned char)buf[n - 1] & 0xC0) == 0x80)
			buf[--n] = '\0';
		if (n > 0)
			buf[--n] = '\0';
		continue;
	done:
		buf[n] = '\0';
		out = xstrdup(buf);
		break;
	}
	explicit_bzero(buf, SECRET_MAX + 1);
	free(buf);
	return out;
}

char *remote_ask_secret(struct app *a, const char *prompt)
{
	return ask_line(a, app_tr("Password", "密码"), prompt, false);
}

char *remote_ask_secret_cb(void *ctx, const char *prompt)
{
	return remote_ask_secret(ctx, prompt);
}

char *remote_ask_prompt_cb(void *ctx, const char *instruction, const char *prompt, bool echo)
{
	char *q = xasprintf("%s%s%s", instruction, *instruction ? "\n\n" : "", prompt);
	char *s = ask_line(ctx, app_tr("The server asks", "服务器询问"), q, echo);
	free(q);
	return s;
}

char *remote_ask_passphrase_cb(void *ctx, const char *keyfile)
{
	char *prompt = xasprintf(app_tr("The passphrase of the key %s:", "密钥 %s 的密码短语："), keyfile);
	char *s = remote_ask_secret(ctx, prompt);
	free(prompt);
	return s;
}

bool remote_ask_trust(void *ctx, const char *host, const char *key_type, const char *fingerprint)
{
	struct app *a = ctx;
	bool armed = false, yes = false;
	struct sbuf typed = { 0 };
	for (;;) {
		struct rpage pg = { 0 };
		char *text = xasprintf(
			app_tr("The authenticity of host '%s' can't be established: its key is not in "
			       "~/.ssh/known_hosts.\n\n  %s key fingerprint is %s\n\n"
			       "Compare the fingerprint with the one the machine's owner gives (on the "
			       "machine: ssh-keygen -lf on its host key). Trusting it adds it to "
			       "~/.ssh/known_hosts.\n\nTrust it: press y, then Enter (or type yes and "
			       "Enter). Enter, Esc, q or n refuses: nothing is sent to the machine.",
			       "无法确认主机“%s”的真实性：其密钥不在 ~/.ssh/known_hosts 中。\n\n"
			       "  %s 密钥指纹为 %s\n\n"
			       "请与计算机所有者提供的指纹比较（在该计算机上对其主机密钥运行 "
			       "ssh-keygen -lf）。信任后将其添加到 ~/.ssh/known_hosts。\n\n"
			       "信任：按 y，然后按 Enter（或输入 yes 并按 Enter）。按 Enter、Esc、q 或 n "
			       "拒绝：不会向该计算机发送任何内容。"),
			host, key_type, fingerprint);
		page_of(a, &pg, app_tr("Unknown host key", "未知的主机密钥"), text);
		free(text);
		app_draw_modal(a, &pg,
			       armed ? app_tr("Enter trusts the key; any other key refuses",
					      "按 Enter 信任该密钥；按其他任意键拒绝")
				     : app_tr("Trust this host key? [y/N]", "信任此主机密钥吗？[y/N]"));
		rpage_free(&pg);
		wint_t ch = 0;
		int rc = modal_key(a, &ch);
		if (app_take_interrupt())
			break;
		if (rc == ERR || (rc == KEY_CODE_YES && ch == KEY_RESIZE))
			continue;
		bool enter = (rc == OK && (ch == '\r' || ch == '\n')) ||
			     (rc == KEY_CODE_YES && ch == KEY_ENTER);
		if (enter) {
			yes = armed || str_ieq(sb_str(&typed), "yes");
			break;
		}
		if (rc == OK && ch == 'y' && typed.len == 0) {
			armed = true;
			sb_addc(&typed, 'y');
			continue;
		}
		if (rc == OK && ch >= 'a' && ch <= 'z') {
			sb_addc(&typed, (char)ch);
			armed = false;
			if (str_starts("yes", sb_str(&typed)))
				continue;
		}
		break;
	}
	sb_free(&typed);
	return yes;
}

void remote_warning(struct app *a, const char *title, const char *text)
{
	for (;;) {
		struct rpage pg = { 0 };
		page_of(a, &pg, title, text);
		app_draw_modal(a, &pg, app_tr("Press a key to go on", "按任意键继续"));
		rpage_free(&pg);
		wint_t ch = 0;
		int rc = modal_key(a, &ch);
		if (app_take_interrupt())
			return;
		if (rc == ERR || (rc == KEY_CODE_YES && ch == KEY_RESIZE))
			continue;
		return;
	}
}

/* ---- the push-install replay ---- */

void probe_view_free(struct app *a)
{
	if (a->probe)
		probe_free(a->probe);
	free(a->probe);
	a->probe = NULL;
	free(a->probe_host);
	a->probe_host = NULL;
	a->probe_node = NULL;
}

/* A step told by the probe: shown at once. */
static void on_step(void *ctx, const struct probe *p)
{
	struct app *a = ctx;
	(void)p;
	app_redraw(a);
}

/* The section of the failed step: its anchor first, else its ErrorID. */
static const struct node *failed_node(struct app *a, const struct probe_step *s)
{
	struct node *found[4];
	const char *keys[] = { s->anchor, s->error_id };
	for (size_t i = 0; i < 2; i++) {
		if (!keys[i])
			continue;
		size_t n = a->codes ? codemap_resolve(a->codes, keys[i], found, 4)
				    : doc_resolve(a->doc, keys[i], found, 4);
		if (n > 0)
			return found[0];
	}
	return NULL;
}

void probe_start(struct app *a, const char *spec)
{
	char *user = NULL, *host = NULL, *cause = NULL;
	int port = 0;
	if (ssh_parse_spec(spec, &user, &host, &port, &cause) < 0) {
		app_message(a, true, "%s", cause);
		free(cause);
		return;
	}
	probe_view_free(a);
	a->probe_host = xstrdup(spec);
	struct ssh_opts so;
	ssh_opts_init(&so);
	so.host = host;
	so.user = user ? user : "root"; /* the process server logs in as root */
	so.port = port;
	so.timeout_ms = a->cfg->timeout_s > 0 ? a->cfg->timeout_s * 1000 : 0;
	so.accept_new_host_key = a->cfg->accept_new_host_key;
	so.trust_new_key = remote_ask_trust;
	so.ctx = a;
	char *who = port ? xasprintf("%s@%s:%d", so.user, host, port) : xasprintf("%s@%s", so.user, host);
	char *prompt = xasprintf(app_tr("The password of %s, as the process server logs in with it:",
					"%s 的密码（进程服务器用它登录）："),
				 who);
	char *pw = remote_ask_secret(a, prompt);
	free(prompt);
	if (!pw) {
		app_message(a, false, "%s", app_tr("push-install replay cancelled", "已取消推送安装重放"));
		free(who);
		free(user);
		free(host);
		return;
	}
	so.password = pw;
	a->probe = xcalloc(1, sizeof *a->probe);
	a->probe_running = true;
	a->ptop = 0;
	if (a->stack[a->depth - 1] != &screen_probe)
		app_push(a, &screen_probe);
	app_redraw(a);
	struct probe *p = a->probe;
	probe_run_steps(&so, p, on_step, a);
	explicit_bzero(pw, strlen(pw));
	free(pw);
	a->probe_running = false;
	const struct probe_step *bad = NULL;
	for (size_t i = 0; i < p->n && !bad; i++)
		if (!p->steps[i].ok)
			bad = &p->steps[i];
	if (p->host_key_changed && bad)
		remote_warning(a, app_tr("WARNING: the host key has CHANGED", "警告：主机密钥已更改"),
			       bad->detail);
	if (bad && (a->probe_node = failed_node(a, bad)) != NULL) {
		app_select(a, a->probe_node->index, a->rows - 2);
		if (bad->error_id)
			app_message(a, true, app_tr("stopped at %s: ErrorID %s (Enter opens its section)",
						    "在 %s 停止：ErrorID %s（按 Enter 打开其章节）"),
				    bad->name, bad->error_id);
		else
			app_message(a, true, app_tr("stopped at %s (Enter opens its section)",
						    "在 %s 停止（按 Enter 打开其章节）"),
				    bad->name);
	} else if (bad) {
		app_message(a, true, app_tr("stopped at %s", "在 %s 停止"), bad->name);
	} else {
		app_message(a, false, "%s", app_tr("every step of the push install passed",
						   "推送安装的每一步都已通过"));
	}
	free(who);
	free(user);
	free(host);
}

/* The screen's text: the machine, each step, and how it ended. */
static void probe_page(struct app *a, struct rpage *pg)
{
	struct render_opts o = { .width = a->cols - 1, .utf8 = a->utf8, .wrap_code = true };
	char *title = xasprintf(app_tr("Push-install replay: %s", "推送安装重放：%s"),
				a->probe_host ? a->probe_host : "");
	render_text(pg, title, STY_TITLE | STY_BOLD, "", "", &o);
	free(title);
	render_text(pg, app_tr("The steps the process server takes to install the Mobility Service, "
			       "stopping at the first that fails.",
			       "进程服务器安装移动服务所执行的步骤，在第一个失败的步骤处停止。"),
		    STY_DIM, "", "", &o);
	render_blank(pg);
	const struct probe *p = a->probe;
	for (size_t i = 0; p && i < p->n; i++) {
		const struct probe_step *s = &p->steps[i];
		char *head = xasprintf("%-4s %-15s %6ld ms  ", s->ok ? "ok" : "FAIL", s->name, s->ms);
		char *rest = xasprintf("%s%s%s", s->detail ? s->detail : "",
				       s->error_id ? "  ErrorID " : "", s->error_id ? s->error_id : "");
		char *line = xasprintf("%s%s", head, rest);
		unsigned style = s->ok ? STY_PASS : STY_FAIL | STY_BOLD;
		/* The columns stay aligned; a long finding goes on below. */
		if ((int)text_width(line) <= o.width) {
			render_line(pg, line, style, &o);
		} else {
			render_line(pg, head, style, &o);
			render_text(pg, rest, style, "     ", "     ", &o);
		}
		free(line);
		free(rest);
		free(head);
	}
	render_blank(pg);
	if (a->probe_running) {
		render_text(pg, app_tr("... logging in and checking (up to the timeout)",
				       "……正在登录并检查（最长至超时）"),
			    STY_DIM, "", "", &o);
		return;
	}
	if (!p)
		return;
	if (p->ok) {
		render_text(pg, app_tr("Every step of the push install passed.", "推送安装的每一步都已通过。"),
			    STY_BOLD, "", "", &o);
		return;
	}
	render_text(pg, app_tr("The push install would stop at the step marked FAIL.",
			       "推送安装将在标记为 FAIL 的步骤处停止。"),
		    STY_BOLD, "", "", &o);
	if (a->probe_node) {
		char *open = xasprintf(app_tr("Enter opens its section: %s", "按 Enter 打开其章节：%s"),
				       a->probe_node->title);
		render_text(pg, open, 0, "", "  ", &o);
		free(open);
	}
}

static void probe_draw(struct app *a)
{
	struct rpage pg = { 0 };
	probe_page(a, &pg);
	int rows = a->rows - 2;
	size_t max = pg.nlines > (size_t)rows ? pg.nlines - (size_t)rows : 0;
	if (a->ptop > max)
		a->ptop = max;
	draw_page(a, &pg, a->ptop, 1, 0, rows, a->cols - 1);
	rpage_free(&pg);
}

static int probe_key(struct app *a, enum action act, wint_t ch)
{
	(void)ch;
	struct rpage pg = { 0 };
	probe_page(a, &pg);
	size_t nlines = pg.nlines;
	rpage_free(&pg);
	if (app_scroll(&a->ptop, nlines, a->rows - 2, act) == H_HANDLED)
		return H_HANDLED;
	switch (act) {
	case ACT_OPEN:
		if (!a->probe_node)
			return H_HANDLED;
		/* The replay gives way to the failed step's section. */
		a->depth--;
		app_select(a, a->probe_node->index, a->rows - 2);
		if (!a->wide)
			app_push(a, &screen_detail);
		return H_HANDLED;
	case ACT_BACK:
		return H_POP;
	default:
		return H_NONE;
	}
}

static void probe_status(struct app *a, struct sbuf *out)
{
	sb_add(out, app_tr("push-install replay", "推送安装重放"));
	(void)a;
}

const struct screen_ops screen_probe = {
	.name = "probe",
	.draw = probe_draw,
	.key = probe_key,
	.status = probe_status,
	.hints_en = "Enter open section  P again  j/k scroll  q close",
	.hints_zh = "Enter 打开章节  P 重试  j/k 滚动  q 关闭",
};
