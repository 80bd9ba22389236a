/* check.c: check results and evidence, and running one check. */
#include "engine/check.h"
#include "engine/util/mask.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

const struct check_def *check_find(const char *id)
{
	for (size_t i = 0; check_registry[i]; i++)
		if (strcmp(check_registry[i]->id, id) == 0)
			return check_registry[i];
	return NULL;
}

size_t check_count(void)
{
	size_t n = 0;
	while (check_registry[n])
		n++;
	return n;
}

const char *check_title(const struct check_def *c)
{
	return T(c->title_en, c->title_zh);
}

void result_init(struct check_result *r, const char *check_id)
{
	memset(r, 0, sizeof *r);
	r->check_id = xstrdup(check_id);
}

void result_free(struct check_result *r)
{
	for (size_t i = 0; i < r->nev; i++) {
		free(r->ev[i].path);
		free(r->ev[i].command);
		free(r->ev[i].text);
	}
	free(r->ev);
	free(r->finding);
	free(r->check_id);
	memset(r, 0, sizeof *r);
}

static char *dup_or_null(const char *s)
{
	return s ? xstrdup(s) : NULL;
}

void result_copy(struct check_result *dst, const struct check_result *src)
{
	result_init(dst, src->check_id);
	dst->status = src->status;
	dst->finding = dup_or_null(src->finding);
	dst->ms = src->ms;
	for (size_t i = 0; i < src->nev; i++) {
		dst->ev = xgrow(dst->ev, &dst->cap, dst->nev + 1, sizeof *dst->ev);
		const struct evidence *e = &src->ev[i];
		dst->ev[dst->nev++] = (struct evidence){
			.kind = e->kind, .path = dup_or_null(e->path), .line = e->line,
			.command = dup_or_null(e->command), .exit_status = e->exit_status,
			.text = dup_or_null(e->text),
		};
	}
}

void result_set(struct check_result *r, enum status s, const char *fmt, ...)
{
	if (r->finding && s <= r->status)
		return;
	va_list ap;
	va_start(ap, fmt);
	char *f = xvasprintf(fmt, ap);
	va_end(ap);
	free(r->finding);
	r->finding = f;
	r->status = s;
}

static struct evidence *ev_new(struct check_result *r, enum ev_kind kind)
{
	r->ev = xgrow(r->ev, &r->cap, r->nev + 1, sizeof *r->ev);
	struct evidence *e = &r->ev[r->nev++];
	memset(e, 0, sizeof *e);
	e->kind = kind;
	return e;
}

/* Evidence never holds a secret: passwords and hashes are masked as they
 * are recorded, so no screen, report or file can show them. */
void result_file(struct check_result *r, const char *path, int line, const char *text)
{
	struct evidence *e = ev_new(r, EV_FILE);
	e->path = xstrdup(path);
	e->line = line;
	e->text = mask_secrets(text ? text : "");
}

void result_command(struct check_result *r, const char *command, int status, const char *output)
{
	struct evidence *e = ev_new(r, EV_COMMAND);
	e->command = mask_secrets(command);
	e->exit_status = status;
	e->text = mask_secrets(output ? output : "");
}

void result_note(struct check_result *r, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *t = xvasprintf(fmt, ap);
	va_end(ap);
	struct evidence *e = ev_new(r, EV_NOTE);
	e->text = mask_secrets(t);
	free(t);
}

int result_run(struct check_result *r, const struct check_ctx *ctx, const char *const argv[],
	       struct cmd_result *out)
{
	struct cmd_result local = { 0 };
	struct cmd_result *res = out ? out : &local;
	int rc = target_run(ctx->t, argv, ctx->timeout_ms > 0 ? ctx->timeout_ms : 10000, res);
	/* Shown as it ran: cmd.exe's line on Windows. */
	char *line = target_cmdline(ctx->t, argv);
	if (rc == 0) {
		struct sbuf text = { 0 };
		sb_add(&text, res->out ? res->out : "");
		if (res->err && *res->err) {
			if (text.len && text.s[text.len - 1] != '\n')
				sb_addc(&text, '\n');
			sb_add(&text, res->err);
		}
		if (res->timed_out)
			sb_add(&text, T("\n(timed out)", "\n（超时）"));
		/* Keep evidence readable: long outputs are cut. */
		if (text.len > 8192) {
			text.len = 8192;
			text.s[text.len] = '\0';
			sb_add(&text, "\n...");
		}
		result_command(r, line, res->status, sb_str(&text));
		sb_free(&text);
	}
	free(line);
	if (!out)
		cmd_result_free(&local);
	return rc;
}

void check_command_key(struct strvec *out, const char *const argv[])
{
	sv_take(out, target_command_key(argv));
}

void check_run_one(const struct check_def *c, const struct check_ctx *ctx, struct check_result *r)
{
	struct timespec a, b;
	clock_gettime(CLOCK_MONOTONIC, &a);
	result_init(r, c->id);
	c->run(ctx, r);
	if (!r->finding)
		result_set(r, STATUS_ERROR, "%s", T("the check gave no result", "检查没有给出结果"));
	clock_gettime(CLOCK_MONOTONIC, &b);
	r->ms = (double)(b.tv_sec - a.tv_sec) * 1000.0 + (double)(b.tv_nsec - a.tv_nsec) / 1e6;
}

/* Names the kind of file of mode. */
static const char *kind_name(mode_t mode)
{
	if (S_ISFIFO(mode))
		return T("a FIFO (named pipe)", "FIFO（命名管道）");
	if (S_ISCHR(mode))
		return T("a character device", "字符设备");
	if (S_ISBLK(mode))
		return T("a block device", "块设备");
	if (S_ISSOCK(mode))
		return T("a socket", "套接字");
	if (S_ISDIR(mode))
		return T("a folder", "文件夹");
	return T("a special file", "特殊文件");
}

char *check_read_error(struct target *t, const char *path, int rc)
{
	if (rc == -EFBIG)
		return xstrdup(T("file too large", "文件过大"));
	if (rc == -TARGET_ENOTREG || rc == -EISDIR) {
		struct target_stat st;
		const char *kind = target_stat(t, path, &st) == 0 ? kind_name(st.mode)
		                                                  : T("a special file", "特殊文件");
		return xasprintf(T("%s, not a regular file", "%s，不是普通文件"), kind);
	}
	if ((rc == -EACCES || rc == -EPERM) && !t->is_root)
		return xasprintf("%s (%s)", strerror(-rc), target_needs_root(t));
	return xstrdup(strerror(-rc));
}
