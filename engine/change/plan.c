/* plan.c: building plans from the target's current files, a unified diff
 * of each edit (our own Myers line diff), and the plain-text form of a plan
 * shown before anything changes. */
#include "engine/change/plan.h"

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "engine/util/diff.h"
#include "engine/util/msg.h"
#include "engine/util/mask.h"
#include "engine/util/shquote.h"
#include "engine/util/sha256.h"
#include "engine/util/winquote.h"

/* Makes an empty plan for fix_id. */
struct plan *plan_new(const char *fix_id, const char *title)
{
	struct plan *p = xcalloc(1, sizeof *p);
	p->fix_id = xstrdup(fix_id ? fix_id : "");
	p->title = title ? xstrdup(title) : NULL;
	return p;
}

/* Frees an edit's contents. */
static void edit_free(struct file_edit *e)
{
	free(e->path);
	free(e->real_path);
	free(e->old_data);
	free(e->new_data);
	free(e->reason);
	free(e->checked_on);
	argv_free(e->validator);
	if (e->verify_free)
		e->verify_free(e->verify_arg);
}

/* Frees a plan and everything it owns. */
void plan_free(struct plan *p)
{
	if (!p)
		return;
	for (size_t i = 0; i < p->nedits; i++)
		edit_free(&p->edits[i]);
	free(p->edits);
	for (size_t i = 0; i < p->ncmds; i++) {
		argv_free(p->cmds[i].argv);
		argv_free(p->cmds[i].inverse);
		free(p->cmds[i].reason);
	}
	free(p->cmds);
	free(p->fix_id);
	sv_free(&p->check_ids);
	free(p->anchor);
	free(p->title);
	sv_free(&p->notes);
	sv_free(&p->before);
	sv_free(&p->after);
	free(p->undo_text);
	free(p->commit_confirmed_service);
	free(p->undoes);
	free(p->undo_cmd);
	free(p);
}

/* Adds check ids the plan addresses, each once. */
void plan_add_checks(struct plan *p, const char *const *check_ids)
{
	for (size_t i = 0; check_ids && check_ids[i]; i++)
		if (!sv_contains(&p->check_ids, check_ids[i]))
			sv_push(&p->check_ids, check_ids[i]);
}

/* Sets the plan's article anchor. */
void plan_set_anchor(struct plan *p, const char *anchor)
{
	free(p->anchor);
	p->anchor = anchor ? xstrdup(anchor) : NULL;
}

/* The folder part of an absolute path ("/" for "/x"); caller frees. */
static char *path_dir(const char *path)
{
	const char *s = strrchr(path, '/');
	if (!s || s == path)
		return xstrdup("/");
	return xstrndup(path, (size_t)(s - path));
}

/* Whether a file holds secrets (password hashes, private keys): such files
 * are never edited, since their backups would keep the secret. */
static bool holds_secrets(const char *path)
{
	static const char *const names[] = { "shadow", "shadow-", "gshadow", "gshadow-",
		                             "opasswd" };
	const char *base = strrchr(path, '/') + 1;
	for (size_t i = 0; i < ARRAY_LEN(names); i++)
		if (strcmp(base, names[i]) == 0)
			return true;
	if (str_starts(base, "ssh_host_") && str_ends(base, "_key"))
		return true;
	return str_ends(base, ".key") || str_ends(base, ".pem");
}

/* Records an edit with the current state of its file, read through the target. */
/* plan_add_edit and plan_add_binary_edit: text edits refuse NUL bytes and
 * files over PLAN_FILE_MAX; binary ones allow PLAN_BINARY_MAX. */
static struct file_edit *add_edit(struct plan *p, struct target *t, const char *path,
                                  const char *new_data, size_t new_len, const char *reason,
                                  bool binary, char **cause)
{
	size_t max = binary ? PLAN_BINARY_MAX : PLAN_FILE_MAX;
	unsigned mib = (unsigned)(max >> 20);
	*cause = NULL;
	if (!path || path[0] != '/') {
		*cause = xasprintf(T("%s: not an absolute path", "%s：不是绝对路径"),
		                   path ? path : "(null)");
		return NULL;
	}
	const char *base = strrchr(path, '/') + 1;
	if (!*base || strcmp(base, ".") == 0 || strcmp(base, "..") == 0) {
		*cause = xasprintf(T("%s: not a file name", "%s：不是文件名"), path);
		return NULL;
	}
	if (holds_secrets(path)) {
		*cause = xasprintf(
		        T("asr-doctor does not edit %s: it holds secrets (passwords or keys), "
		          "which never go into its journal",
		          "asr-doctor 不编辑 %s：其中含有机密（密码或密钥），机密绝不会写入日志"),
		        path);
		return NULL;
	}
	if (new_len > max) {
		*cause = xasprintf(
		        T("%s: the new contents are larger than %u MiB", "%s：新内容超过 %u MiB"),
		        path, mib);
		return NULL;
	}
	if (!binary && memchr(new_data, '\0', new_len)) {
		*cause = xasprintf(T("%s: the new contents are not text (NUL bytes)",
		                     "%s：新内容不是文本（含 NUL 字节）"),
		                   path);
		return NULL;
	}
	struct file_edit e = { 0 };
	struct target_stat lst, st;
	bool is_link = target_lstat(t, path, &lst) == 0 && S_ISLNK(lst.mode);
	char *real = NULL;
	int rc = target_realpath(t, path, &real);
	if (rc == -ENOENT) {
		if (is_link) {
			*cause = xasprintf(T("%s is a symbolic link to a file that does not exist",
			                     "%s 是指向不存在文件的符号链接"),
			                   path);
			return NULL;
		}
		char *dir = path_dir(path);
		char *rdir = NULL;
		struct target_stat dst;
		if (target_realpath(t, dir, &rdir) < 0 || target_stat(t, rdir, &dst) < 0 ||
		    !S_ISDIR(dst.mode)) {
			*cause = xasprintf(
			        T("%s: the folder %s does not exist", "%s：文件夹 %s 不存在"), path,
			        dir);
			free(dir);
			free(rdir);
			return NULL;
		}
		real = xasprintf("%s/%s", strcmp(rdir, "/") == 0 ? "" : rdir, base);
		e.existed = false;
		e.old_mode = 0644;
		e.old_uid = dst.uid;
		e.old_gid = dst.gid;
		e.old_data = xstrdup("");
		free(dir);
		free(rdir);
	} else if (rc < 0) {
		*cause = xasprintf("%s: %s", path, strerror(-rc));
		return NULL;
	} else {
		rc = target_stat(t, real, &st);
		if (rc < 0) {
			*cause = xasprintf("%s: %s", real, strerror(-rc));
			free(real);
			return NULL;
		}
		if (!S_ISREG(st.mode)) {
			*cause = xasprintf(T("%s is not a regular file", "%s 不是普通文件"), path);
			free(real);
			return NULL;
		}
		if ((unsigned long long)st.size > max) {
			*cause = xasprintf(
			        T("%s is larger than %u MiB: not a file to edit",
			          "%s 超过 %u MiB：不是可编辑的文件"),
			        path, mib);
			free(real);
			return NULL;
		}
		rc = t->ops->read_file(t, real, &e.old_data, &e.old_len, max);
		if (rc < 0) {
			*cause =
			        rc == -EFBIG
			                ? xasprintf(T("%s is larger than %u MiB", "%s 超过 %u MiB"),
			                            path, mib)
			                : xasprintf(T("cannot read %s: %s", "无法读取 %s：%s"),
			                            path, strerror(-rc));
			free(real);
			return NULL;
		}
		if (!binary && memchr(e.old_data, '\0', e.old_len)) {
			*cause = xasprintf(
			        T("%s is not a text file (it holds NUL bytes): not edited",
			          "%s 不是文本文件（含 NUL 字节）：不予编辑"),
			        path);
			free(e.old_data);
			free(real);
			return NULL;
		}
		e.existed = true;
		e.old_mode = st.mode & 07777;
		e.old_uid = st.uid;
		e.old_gid = st.gid;
	}
	e.path = xstrdup(path);
	e.real_path = real;
	e.via_symlink = strcmp(real, path) != 0;
	e.new_data = xmalloc(new_len + 1);
	memcpy(e.new_data, new_data, new_len);
	e.new_data[new_len] = '\0';
	e.new_len = new_len;
	e.reason = xstrdup(reason ? reason : "");
	e.binary = binary;
	/* A validator runs where the file is (apply_validate): said when
	 * that is not this machine. */
	e.checked_on = target_has_host_paths(t) ? NULL : target_label(t);
	p->edits = xrealloc(p->edits, (p->nedits + 1) * sizeof *p->edits);
	p->edits[p->nedits] = e;
	return &p->edits[p->nedits++];
}

struct file_edit *plan_add_edit(struct plan *p, struct target *t, const char *path,
                                const char *new_data, size_t new_len, const char *reason,
                                char **cause)
{
	return add_edit(p, t, path, new_data, new_len, reason, false, cause);
}

struct file_edit *plan_add_binary_edit(struct plan *p, struct target *t, const char *path,
                                       const char *new_data, size_t new_len,
                                       const char *reason, char **cause)
{
	struct file_edit *e = add_edit(p, t, path, new_data, new_len, reason, true, cause);
	if (e && !e->existed) {
		/* A binary file is only ever replaced, never created. */
		*cause = xasprintf(T("%s does not exist", "%s 不存在"), path);
		edit_free(e);
		p->nedits--;
		return NULL;
	}
	return e;
}

void plan_edit_verify(struct file_edit *e, bool (*verify)(const char *, const void *, char **),
                      void *arg, void (*arg_free)(void *))
{
	if (e->verify_free)
		e->verify_free(e->verify_arg);
	e->verify = verify;
	e->verify_arg = arg;
	e->verify_free = arg_free;
}

/* Sets the mode of a file the edit creates. */
void plan_edit_mode(struct file_edit *e, mode_t mode)
{
	if (!e->existed)
		e->old_mode = mode & 07777;
}

/* Sets (or clears) an edit's validator template. */
void plan_edit_validator(struct file_edit *e, const char *const argv[])
{
	argv_free(e->validator);
	e->validator = argv && argv[0] ? argv_dup(argv) : NULL;
}

/* Appends a command to the plan. */
struct plan_cmd *plan_add_command(struct plan *p, const char *const argv[], const char *reason,
                                  enum cmd_phase phase, bool confirm)
{
	p->cmds = xrealloc(p->cmds, (p->ncmds + 1) * sizeof *p->cmds);
	struct plan_cmd *c = &p->cmds[p->ncmds++];
	*c = (struct plan_cmd){ .argv = argv_dup(argv),
		                .reason = xstrdup(reason ? reason : ""),
		                .phase = phase,
		                .confirm = confirm };
	return c;
}

/* Appends a formatted line to a string vector. */
static void sv_vprintf(struct strvec *sv, const char *fmt, va_list ap)
{
	sv_take(sv, xvasprintf(fmt, ap));
}

/* Adds a guidance line. */
void plan_note(struct plan *p, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	sv_vprintf(&p->notes, fmt, ap);
	va_end(ap);
}

/* Adds a line describing the state now. */
void plan_before(struct plan *p, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	sv_vprintf(&p->before, fmt, ap);
	va_end(ap);
}

/* Adds a line describing the state after the change. */
void plan_after(struct plan *p, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	sv_vprintf(&p->after, fmt, ap);
	va_end(ap);
}

/* Sets the command that undoes a planned command. */
void plan_cmd_inverse(struct plan_cmd *c, const char *const argv[])
{
	argv_free(c->inverse);
	c->inverse = argv ? argv_dup(argv) : NULL;
}

/* Adds a restore plan's file. */
struct file_edit *plan_restore_file(struct plan *p, const char *path, const char *real_path,
                                    const char *cur, size_t cur_len, mode_t cur_mode,
                                    uid_t cur_uid, gid_t cur_gid, const char *data,
                                    size_t data_len, mode_t mode, uid_t uid, gid_t gid,
                                    bool expect_exists, const char *expect_sha)
{
	p->edits = xrealloc(p->edits, (p->nedits + 1) * sizeof *p->edits);
	struct file_edit *e = &p->edits[p->nedits++];
	memset(e, 0, sizeof *e);
	e->path = xstrdup(path);
	e->real_path = xstrdup(real_path);
	e->existed = cur != NULL;
	e->old_len = cur ? cur_len : 0;
	e->old_data = xmalloc(e->old_len + 1);
	if (e->old_len)
		memcpy(e->old_data, cur, e->old_len);
	e->old_data[e->old_len] = '\0';
	e->old_mode = cur_mode & 07777;
	e->old_uid = cur_uid;
	e->old_gid = cur_gid;
	e->remove = data == NULL;
	e->new_data = xmalloc(data_len + 1);
	if (data && data_len)
		memcpy(e->new_data, data, data_len);
	e->new_data[data ? data_len : 0] = '\0';
	e->new_len = data ? data_len : 0;
	e->binary = (cur && memchr(cur, '\0', cur_len)) || (data && memchr(data, '\0', data_len));
	e->set_attrs = true;
	e->new_mode = mode & 07777;
	e->new_uid = uid;
	e->new_gid = gid;
	e->has_expect = true;
	e->expect_exists = expect_exists;
	snprintf(e->expect_sha, sizeof e->expect_sha, "%s", expect_sha ? expect_sha : "");
	return e;
}

/* Sets the exact undo command the plan's text names. */
void plan_set_undo_command(struct plan *p, const char *cmd)
{
	free(p->undo_cmd);
	p->undo_cmd = cmd ? xstrdup(cmd) : NULL;
}

/* Sets the "what undo will do" text. */
void plan_set_undo(struct plan *p, const char *text)
{
	free(p->undo_text);
	p->undo_text = text ? xstrdup(text) : NULL;
}

/* The undo text with its command filled in. */
char *plan_undo_text(const struct plan *p, const char *cmd)
{
	if (!p->undo_text)
		return NULL;
	if (!cmd)
		cmd = p->undo_cmd ? p->undo_cmd : "asr-doctor undo";
	struct sbuf b = { 0 };
	for (const char *s = p->undo_text; *s;) {
		if (str_starts(s, "{undo}")) {
			sb_add(&b, cmd);
			s += 6;
		} else {
			sb_addc(&b, *s++);
		}
	}
	return sb_steal(&b);
}

/* Marks the plan as one that can lock the engineer out of svc. */
void plan_set_commit_confirmed(struct plan *p, const char *svc)
{
	free(p->commit_confirmed_service);
	p->commit_confirmed_service = svc ? xstrdup(svc) : NULL;
}

/* Writes the unified diff of an edit's old and new bytes. */
void plan_diff(const struct file_edit *e, struct sbuf *out)
{

	char *na = e->existed ? xstrdup(e->path) : xstrdup("/dev/null");
	char *nb = xstrdup(e->path);
	diff_unified(e->old_data, e->old_len, e->new_data, e->new_len, na, nb, out);
	free(na);
	free(nb);
}

/* ---- printing ---- */

/* Joins argv for display, quoting for a POSIX shell where needed. */
char *plan_argv_str(const char *const *argv)
{
	return argv_shell_join(argv);
}

char *plan_cmdline(bool windows, const char *const *argv)
{
	char *line = windows ? win_cmdline(argv, true) : NULL;
	return line ? line : plan_argv_str(argv);
}

/* Writes a heading and its indented lines, when there are any. */
static void add_lines(struct sbuf *out, const char *head, const struct strvec *sv)
{
	if (!sv->n)
		return;
	sb_printf(out, "%s\n", head);
	for (size_t i = 0; i < sv->n; i++)
		sb_printf(out, "  %s\n", sv->v[i]);
}

/* Writes the whole plan as plain text. */
void plan_format(const struct plan *p, struct sbuf *out)
{
	const char *title = p->title ? p->title : p->fix_id;
	sb_printf(out, "%s: %s (%s)\n", T("Fix", "修复"), title, p->fix_id);
	if (p->check_ids.n) {
		sb_printf(out, "%s:", T("Checks", "检查"));
		for (size_t i = 0; i < p->check_ids.n; i++)
			sb_printf(out, "%s%s", i ? ", " : " ", p->check_ids.v[i]);
		sb_addc(out, '\n');
	}
	if (p->anchor)
		sb_printf(out, "%s: #%s\n", T("Article section", "文章章节"), p->anchor);
	if (p->commit_confirmed_service)
		sb_printf(out,
		          T("Warning: this change can lock you out of %s. When you are connected "
		            "through SSH, it is undone by itself unless you confirm it from a new "
		            "login (asr-doctor confirm).\n",
		            "警告：此更改可能使你无法通过 %s 登录。通过 SSH "
		            "连接时，除非从新的登录会话"
		            "确认（asr-doctor confirm），否则会自动撤销。\n"),
		          p->commit_confirmed_service);
	add_lines(out, T("Now:", "当前："), &p->before);
	add_lines(out, T("After the change:", "更改后："), &p->after);
	for (size_t i = 0; i < p->nedits; i++) {
		const struct file_edit *e = &p->edits[i];
		sb_printf(out, "\n%s %zu: %s\n", T("File", "文件"), i + 1, e->path);
		if (e->via_symlink)
			sb_printf(out,
			          T("  %s is a symbolic link: the real file %s is changed\n",
			            "  %s 是符号链接：实际修改的文件是 %s\n"),
			          e->path, e->real_path);
		if (e->existed)
			sb_printf(out,
			          T("  mode %04o, owner %u:%u (kept)\n",
			            "  权限 %04o，属主 %u:%u（保持不变）\n"),
			          (unsigned)e->old_mode, (unsigned)e->old_uid,
			          (unsigned)e->old_gid);
		else
			sb_printf(out,
			          T("  new file, mode %04o, owner %u:%u\n",
			            "  新文件，权限 %04o，属主 %u:%u\n"),
			          (unsigned)e->old_mode, (unsigned)e->old_uid,
			          (unsigned)e->old_gid);
		if (e->reason && *e->reason)
			sb_printf(out, "  %s: %s\n", T("Why", "原因"), e->reason);
		if (e->validator) {
			char *v = plan_argv_str((const char *const *)e->validator);
			if (e->checked_on)
				sb_printf(out,
				          T("  checked with: %s, run on %s (rolled back by itself if "
				            "it fails)\n",
				            "  校验命令：%s，在 %s 上运行（失败则自动回滚）\n"),
				          v, e->checked_on);
			else
				sb_printf(out,
				          T("  checked with: %s (rolled back by itself if it fails)\n",
				            "  校验命令：%s（失败则自动回滚）\n"),
				          v);
			free(v);
		}
		if (e->verify)
			sb_printf(out, "  %s\n",
			          T("checked by reading it back once in place (rolled back by itself if it fails)",
			            "替换后读回校验（失败则自动回滚）"));
		struct sbuf d = { 0 };
		plan_diff(e, &d);
		if (d.len) {
			/* Shown, printed and captured by scripts: secrets masked
			 * as in check and report. */
			char *masked = mask_secrets(sb_str(&d));
			sb_add(out, masked);
			free(masked);
		}
		else
			sb_printf(out, "  %s\n", T("(no change to the bytes)", "（内容没有变化）"));
		sb_free(&d);
	}
	if (p->ncmds) {
		sb_printf(out, "\n%s\n", T("Commands:", "命令："));
		for (size_t i = 0; i < p->ncmds; i++) {
			const struct plan_cmd *c = &p->cmds[i];
			char *s = plan_cmdline(p->windows, (const char *const *)c->argv);
			sb_printf(out, "  %zu. %s\n", i + 1, s);
			const char *when = !p->nedits ? NULL
			                   : c->phase == CMD_BEFORE
			                           ? T("before the file changes", "在修改文件之前")
			                           : T("after the file changes were checked",
			                               "在文件修改通过校验之后");
			const char *ask = c->confirm
			                          ? T("asks again before it runs", "执行前再次确认")
			                          : NULL;
			if (when || ask)
				sb_printf(out, "     %s%s%s\n", when ? when : "",
				          when && ask ? "; " : "", ask ? ask : "");
			if (c->reason && *c->reason)
				sb_printf(out, "     %s: %s\n", T("Why", "原因"), c->reason);
			if (c->inverse) {
				char *inv = plan_cmdline(p->windows, (const char *const *)c->inverse);
				sb_printf(out, "     %s: %s\n", T("Undone by", "撤销命令"), inv);
				free(inv);
			} else if (c->rerun_on_undo) {
				sb_printf(out, "     %s\n",
				          T("run again when the files are put back",
				            "恢复文件后再次执行"));
			} else {
				sb_printf(out, "     %s\n",
				          T("cannot be undone by asr-doctor", "asr-doctor 无法撤销"));
			}
			free(s);
		}
	}
	add_lines(out, T("\nNotes:", "\n说明："), &p->notes);
	sb_printf(out, "\n%s: ", T("Undo", "撤销"));
	bool inverses = false, lasting = false;
	for (size_t i = 0; i < p->ncmds; i++) {
		inverses = inverses || p->cmds[i].inverse;
		lasting = lasting || (!p->cmds[i].inverse && !p->cmds[i].rerun_on_undo);
	}
	const char *undo = p->undo_cmd ? p->undo_cmd : "asr-doctor undo";
	char *text = plan_undo_text(p, NULL);
	if (text)
		sb_printf(out, "%s\n", text);
	else if (p->nedits)
		sb_printf(out,
		          T("'%s' puts back the exact bytes, mode and owner of "
		            "every file above (a new file is removed)%s.\n",
		            "'%s' "
		            "会恢复上述每个文件的原始内容、权限和属主（新建的文件会被删除）%s。\n"),
		          undo,
		          inverses ? T(" and runs the commands that undo the commands",
		                       "，并执行撤销上述命令的命令")
		                   : "");
	else if (inverses)
		sb_printf(out,
		          T("'%s' runs the commands that undo the commands above, last first%s.\n",
		            "'%s' 会按相反顺序执行撤销上述命令的命令%s。\n"),
		          undo,
		          lasting ? T(" (those marked otherwise cannot be undone by asr-doctor)",
		                      "（标明无法撤销的除外）")
		                  : "");
	else
		sb_printf(out, "%s\n",
		          T("commands cannot be undone by asr-doctor.",
		            "asr-doctor 无法撤销命令的效果。"));
	free(text);
}

/* Writes the whole plan to a stream. */
void plan_print(const struct plan *p, FILE *out)
{
	struct sbuf b = { 0 };
	plan_format(p, &b);
	/* Diffs quote the machine's files: control characters escaped. */
	util_fputs(sb_str(&b), out);
	sb_free(&b);
}
